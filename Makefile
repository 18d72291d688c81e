# kofu — top-level build. `make` builds build/kofu and the test peers.
# The README's two commands: `make demo` and `make check`.

BUILD    ?= build
CC       ?= cc
SAN      ?=
PKGS     := libpcsclite openssl jansson libcurl zlib cairo cairo-pdf pangocairo libqrencode fontconfig x11 alsa libseccomp
# Debian 12's libcups2-dev has no cups.pc: ask cups-config.
CUPS_CFLAGS := $(shell cups-config --cflags)
CUPS_LIBS   := $(shell cups-config --libs)

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wformat-security \
            -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
            -Wpointer-arith -Wcast-qual -Wwrite-strings -Wvla -Wundef \
            -Wimplicit-fallthrough -Wnull-dereference -Wredundant-decls
HARDEN   := -fstack-protector-strong -fPIE -D_FORTIFY_SOURCE=2
OPT      := -O2 -g
ifeq ($(SAN),1)
# ASan + UBSan build: no _FORTIFY_SOURCE (it hides accesses from ASan).
HARDEN   := -fPIE -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT      := -O1 -g
endif
BOARD    ?= sim
CPPFLAGS += -D_GNU_SOURCE -DKOFU_BOARD='"$(BOARD)"' -Ifirmware -I.
CFLAGS   += -std=c17 $(WARN) $(HARDEN) $(OPT) $(shell pkg-config --cflags $(PKGS)) $(CUPS_CFLAGS)
LDFLAGS  += -pie -Wl,-z,relro,-z,now $(filter -fsanitize%,$(HARDEN))
LDLIBS   += $(shell pkg-config --libs $(PKGS)) $(CUPS_LIBS) -lm

# The firmware core, shared by kofu, the tests and the fuzzers.
# Every driver and both boards are in every build (`kofu run --board NAME`).
CORE_SRC := $(filter-out firmware/cli/main.c firmware/base/wipefree.c,$(wildcard firmware/*/*.c)) $(wildcard drivers/*.c drivers/*/*.c) \
            $(wildcard ui/*.c) board/board.c $(wildcard board/*/board.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
KOFU_SRC := firmware/cli/main.c
# The wiping free() (firmware/base/wipefree.c) goes into the product only, and
# not under ASan, which owns the allocator there.
ifeq ($(SAN),1)
KOFU_EXTRA_OBJ :=
else
KOFU_EXTRA_OBJ := $(BUILD)/obj/firmware/base/wipefree.o
endif
CARDSIM_SRC := $(wildcard tests/cardsim/*.c)
CARDSIM_OBJ := $(CARDSIM_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/firmware/base/bytes.o
# centersim: the reference certificate center (tests/centersim/README.md).
CENTERSIM_PKGS := libevent_openssl libevent sqlite3 zlib
CENTERSIM_LIB_SRC := $(filter-out tests/centersim/centersim.c tests/centersim/server.c,$(wildcard tests/centersim/*.c))
CENTERSIM_LIB_OBJ := $(CENTERSIM_LIB_SRC:%.c=$(BUILD)/obj/%.o)
CENTERSIM_OBJ := $(BUILD)/obj/tests/centersim/centersim.o $(BUILD)/obj/tests/centersim/server.o $(CENTERSIM_LIB_OBJ)

# Keep the objects of pattern-rule chains (tests) between runs.
.SECONDARY:
.PHONY: all deps check demo bench fuzz clean pki tests fuzzers screens
all: $(BUILD)/kofu $(BUILD)/cardsim $(BUILD)/centersim $(BUILD)/ipp-standin $(BUILD)/prompts/.done

# Tests: unit tests (tests/unit/test_*.c) link the core; integration tests
# (tests/integration/test_*.c) also link the harness that starts pcscd and
# cardsim. Both are cmocka programs.
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
ITEST_SRC := $(wildcard tests/integration/test_*.c)
ITEST_BIN := $(ITEST_SRC:tests/integration/%.c=$(BUILD)/tests/integration/%)
HARNESS_OBJ := $(BUILD)/obj/tests/harness.o $(BUILD)/obj/tests/printer/printer_harness.o
# The tests' helper library (tests/lib/*.h: temporary files, whole files,
# child processes, test keys, synthetic documents, session events), linked
# into every test, bench and tool before the core it may call.
TESTLIB_SRC := $(wildcard tests/lib/*.c)
TESTLIB := $(BUILD)/libkofutest.a
TEST_LIBS := $(LDLIBS) $(shell pkg-config --libs cmocka)
BENCH_BIN := $(BUILD)/tests/bench_card $(BUILD)/tests/bench_center $(BUILD)/tests/bench_issuance \
             $(BUILD)/tests/bench_screens $(BUILD)/tests/bench_kiosk

tests: all $(UNIT_BIN) $(ITEST_BIN) $(BENCH_BIN) $(BUILD)/kofu-demo $(BUILD)/kofu-kiosk-build

$(TESTLIB): $(TESTLIB_SRC:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(TESTLIB) $(BUILD)/libkofu.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

$(BUILD)/tests/integration/%: $(BUILD)/obj/tests/integration/%.o $(HARNESS_OBJ) $(TESTLIB) $(BUILD)/libkofu.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

$(BUILD)/tests/bench_%: $(BUILD)/obj/tests/bench/bench_%.o $(HARNESS_OBJ) $(TESTLIB) $(BUILD)/libkofu.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

# Fuzzers: libFuzzer + ASan + UBSan, built with clang from the core sources.
# tests/fuzz/fuzz_NAME.c, seed corpus in tests/fuzz/corpus/fuzz_NAME/.
FUZZ_CC   ?= clang
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_CORE := firmware/base/bytes.c firmware/card/kenhojo.c firmware/base/kcrypto.c firmware/base/vault.c \
             firmware/base/log.c firmware/base/errors.c drivers/card_reader.c firmware/center/center.c \
             firmware/base/b64.c firmware/base/config.c firmware/base/jcs.c firmware/verify/shc.c firmware/verify/vds.c \
             firmware/base/jsonv.c ui/qr_numeric.c drivers/wav.c drivers/payment/serial_line.c drivers/printer/ipp_pin.c
FUZZ_FLAGS := -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
              -D_GNU_SOURCE -Ifirmware -I. -Wall -Wextra -Werror
fuzzers: $(FUZZ_BIN)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_CORE) $(wildcard firmware/*/*.h drivers/*.h drivers/*/*.h tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_CORE) $(shell pkg-config --libs openssl jansson libcurl zlib)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libkofu.a: $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BUILD)/kofu: $(BUILD)/obj/firmware/cli/main.o $(KOFU_EXTRA_OBJ) $(BUILD)/libkofu.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The same firmware built for the kiosk board (only board.c differs), for
# the test that a kiosk build refuses the sim board's scripts.
$(BUILD)/obj/board/board-kiosk-build.o: board/board.c
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -DKOFU_BOARD=%,$(CPPFLAGS)) -DKOFU_BOARD='"kiosk"' $(CFLAGS) -c $< -o $@
$(BUILD)/kofu-kiosk-build: $(BUILD)/obj/firmware/cli/main.o $(KOFU_EXTRA_OBJ) $(BUILD)/obj/board/board-kiosk-build.o $(BUILD)/libkofu.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/cardsim: $(CARDSIM_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The stand-in IPP printer for the printer faults ippeveprinter cannot show
# (tests/printer/ipp_standin.c).
$(BUILD)/ipp-standin: $(BUILD)/obj/tests/printer/ipp_standin.o
	$(CC) $(LDFLAGS) -o $@ $^ $(CUPS_LIBS) -lpthread

$(BUILD)/obj/tests/centersim/%.o: CFLAGS += $(shell pkg-config --cflags $(CENTERSIM_PKGS))
$(BUILD)/centersim: $(CENTERSIM_OBJ) $(BUILD)/libkofu.a
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs $(CENTERSIM_PKGS)) $(LDLIBS)
$(BUILD)/tests/unit/test_centersim_%: $(BUILD)/obj/tests/unit/test_centersim_%.o $(CENTERSIM_LIB_OBJ) $(TESTLIB) $(BUILD)/libkofu.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(shell pkg-config --libs sqlite3 zlib)

# Voice prompts: espeak-ng speaks the words of `kofu prompts list` into
# $(BUILD)/prompts/LANG/NAME.wav; only changed words are spoken again (README).
$(BUILD)/prompts/.done: $(BUILD)/kofu board/sim/make-prompts.sh
	board/sim/make-prompts.sh $(BUILD)/kofu $(BUILD)/prompts

# The wiping free is tested linked in, as in the kofu binary.
$(BUILD)/tests/unit/test_wipefree: $(BUILD)/obj/tests/unit/test_wipefree.o $(KOFU_EXTRA_OBJ) $(TESTLIB) $(BUILD)/libkofu.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

# The X11 integration test drives the window with XTest (tests only).
$(BUILD)/tests/integration/test_x11: $(BUILD)/obj/tests/integration/test_x11.o $(HARNESS_OBJ) $(TESTLIB) $(BUILD)/libkofu.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) -lXtst

# Every kiosk screen in both languages as PNGs into out/review for review
# (tests/tools/screens_review.c; `--size WxH` for other panels).
screens: deps
	$(MAKE) $(BUILD)/screens-review
	$(BUILD)/screens-review --out out/review
$(BUILD)/screens-review: $(BUILD)/obj/tests/tools/screens_review.o $(TESTLIB) $(BUILD)/libkofu.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

pki: $(BUILD)/pki/.done
$(BUILD)/pki/.done: certs/make-card-ca.sh certs/make-test-pki.sh
	sh certs/make-test-pki.sh $(BUILD)/pki

deps:
	@board/sim/install-deps.sh

# The README's test command: installs what is missing, builds everything
# (normal and ASan+UBSan), runs every test and a short fuzz run.
FUZZ_SECONDS ?= 10
check: deps
	$(MAKE) tests pki
	$(MAKE) SAN=1 BUILD=build/asan tests pki
	$(MAKE) fuzzers
	tests/run-all.sh $(FUZZ_SECONDS)

# Each figure printed beside its budget.
bench: deps
	$(MAKE) tests pki
	@for b in $(BENCH_BIN); do KOFU_BUILD=$(BUILD) tests/sandbox.sh $$b || exit 1; done

# Longer fuzzing (FUZZ_SECONDS per target).
fuzz: deps
	$(MAKE) fuzzers
	tests/fuzz/run.sh $(or $(FUZZ_LONG),300) $(BUILD)

# The demo: one full issuance on the sim board (tests/tools/demo.c), leaving
# out/certificate.pdf, out/screens/*.png and out/summary.txt.
demo: deps
	$(MAKE) all pki $(BUILD)/kofu-demo
	KOFU_BUILD=$(BUILD) tests/sandbox.sh $(BUILD)/kofu-demo

$(BUILD)/kofu-demo: $(BUILD)/obj/tests/tools/demo.o $(HARNESS_OBJ) $(TESTLIB) $(BUILD)/libkofu.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

clean:
	rm -rf build out

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
