# kofu — top-level build. `make` builds build/kofu, build/kofu-sim and the test peers.
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

# Boards: board/NAME/board.mk lists the drivers the firmware for board NAME
# links (BOARD_DRIVERS_NAME), the libraries they need (BOARD_PKGS_NAME) and
# the other boards it carries too (BOARD_ALSO_NAME). `make BOARD=kiosk` gives
# a build/kofu with the kiosk board's drivers only (README "Builds").
include $(wildcard board/*/board.mk)
boards_of    = $(sort $(1) $(BOARD_ALSO_$(1)))
board_objs   = $(sort $(foreach b,$(call boards_of,$(1)),$(BUILD)/obj/board/$(b)/board.o $(BOARD_DRIVERS_$(b):%.c=$(BUILD)/obj/%.o)))
board_libs   = $(shell pkg-config --libs $(sort $(foreach b,$(call boards_of,$(1)),$(BOARD_PKGS_$(b)))))
board_flags  = -DKOFU_BOARD='"$(1)"' $(foreach b,$(call boards_of,$(1)),-DKOFU_WITH_BOARD_$(b))
ALL_BOARDS   := $(patsubst board/%/board.mk,%,$(wildcard board/*/board.mk))

# The firmware core: every layer but the drivers, the boards and the
# command line. Linked by every kofu binary, with the board's drivers.
CORE_SRC := $(filter-out firmware/cli/main.c firmware/base/wipefree.c,$(wildcard firmware/*/*.c)) \
            $(wildcard drivers/*.c) $(wildcard ui/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
CORE_LIBS := $(shell pkg-config --libs $(filter-out x11 alsa,$(PKGS))) $(CUPS_LIBS) -lm
# libkofu.a, for the tests, benches and tools: the core, every driver and
# every board.
DRIVER_SRC := $(wildcard drivers/*/*.c)
LIB_OBJ  := $(CORE_OBJ) $(DRIVER_SRC:%.c=$(BUILD)/obj/%.o) $(ALL_BOARDS:%=$(BUILD)/obj/board/%/board.o) \
            $(BUILD)/obj/board/board.o
$(BUILD)/obj/board/board.o: CPPFLAGS += $(ALL_BOARDS:%=-DKOFU_WITH_BOARD_%)
KOFU_SRC := firmware/cli/main.c
# The wiping free() (firmware/base/wipefree.c) goes into the kofu binaries
# only, and not under ASan, which owns the allocator there.
ifeq ($(SAN),1)
KOFU_EXTRA_OBJ :=
else
KOFU_EXTRA_OBJ := $(BUILD)/obj/firmware/base/wipefree.o
endif
# A firmware for board $(1): board.c for its boards, its drivers, the core.
firmware_objs = $(BUILD)/obj/board/board-$(1).o $(call board_objs,$(1)) $(BUILD)/libkofu-core.a
firmware_libs = $(call board_libs,$(1)) $(CORE_LIBS)
# The test build (build/kofu-sim): the sim board's firmware with the
# scripted-run engine (tests/kiosk_script/), for the tests and the demo.
KOFU_SIM_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tests/kiosk_script/*.c)) $(BUILD)/obj/tests/lib/targets.o
CARDSIM_SRC := $(wildcard tests/cardsim/*.c)
CARDSIM_OBJ := $(CARDSIM_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/tests/lib/vicc.o $(BUILD)/obj/firmware/base/bytes.o
# passportsim: the virtual passport (tests/passportsim/README.md); its chip
# model is also linked into test_passportsim.
PASSPORTSIM_LIB_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out tests/passportsim/passportsim.c,$(wildcard tests/passportsim/*.c)))
# centersim: the reference certificate center (tests/centersim/README.md).
CENTERSIM_PKGS := libevent_openssl libevent sqlite3 zlib
CENTERSIM_LIB_SRC := $(filter-out tests/centersim/centersim.c tests/centersim/server.c,$(wildcard tests/centersim/*.c))
CENTERSIM_LIB_OBJ := $(CENTERSIM_LIB_SRC:%.c=$(BUILD)/obj/%.o)
CENTERSIM_OBJ := $(BUILD)/obj/tests/centersim/centersim.o $(BUILD)/obj/tests/centersim/server.o $(CENTERSIM_LIB_OBJ)
# The certificate center's integration kit (docs/conformance.md): its own
# program from tests/conformance/, linked with the core only.
KIT_SRC := $(wildcard tests/conformance/*.c)
KIT_LIB_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out tests/conformance/main.c,$(KIT_SRC)))
# The passport chip it sends is built with the tests' TD3 DG1 builder.
KIT_LIB_OBJ += $(BUILD)/obj/tests/lib/td3.o

# Keep the objects of pattern-rule chains (tests) between runs.
.SECONDARY:
.PHONY: all deps check demo bench fuzz clean pki tests fuzzers screens
all: $(BUILD)/kofu $(BUILD)/kofu-sim $(BUILD)/kofu-conformance $(BUILD)/cardsim $(BUILD)/passportsim $(BUILD)/centersim $(BUILD)/ipp-standin \
     $(BUILD)/prompts/.done

# Tests: unit tests (tests/unit/test_*.c) link the core; integration tests
# (tests/integration/test_*.c) also link the harness that starts pcscd and
# cardsim. Both are cmocka programs.
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
ITEST_SRC := $(wildcard tests/integration/test_*.c)
ITEST_BIN := $(ITEST_SRC:tests/integration/%.c=$(BUILD)/tests/integration/%)
# The kiosk image's test boots build/image (the normal build's kiosk
# firmware) under QEMU: once, not again from the ASan build.
ifeq ($(SAN),1)
ITEST_BIN := $(filter-out %/test_image,$(ITEST_BIN))
endif
HARNESS_OBJ := $(BUILD)/obj/tests/harness.o $(BUILD)/obj/tests/printer/printer_harness.o
# The tests' helper library (tests/lib/*.h: temporary files, whole files,
# child processes, test keys, synthetic documents, session events, JSON
# output read back, hex test vectors), linked into every test, bench and
# tool before the core it may call.
TESTLIB_SRC := $(wildcard tests/lib/*.c)
TESTLIB := $(BUILD)/libkofutest.a
TEST_LIBS := $(LDLIBS) $(shell pkg-config --libs cmocka)
BENCH_BIN := $(BUILD)/tests/bench_card $(BUILD)/tests/bench_center $(BUILD)/tests/bench_issuance \
             $(BUILD)/tests/bench_screens $(BUILD)/tests/bench_kiosk $(BUILD)/tests/bench_diag \
             $(BUILD)/tests/bench_passport

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
FUZZ_CORE := firmware/base/bytes.c firmware/base/words.c firmware/card/kenhojo.c firmware/base/kcrypto.c firmware/base/vault.c \
             firmware/base/log.c firmware/base/errors.c drivers/card_reader.c firmware/center/center.c \
             firmware/base/b64.c firmware/base/config.c firmware/base/jcs.c firmware/verify/shc.c firmware/verify/vds.c \
             firmware/base/jsonv.c ui/qr_numeric.c drivers/wav.c drivers/payment/serial_line.c drivers/printer/ipp_pin.c \
             drivers/printer/ipp_supply.c firmware/diag/service_state.c firmware/diag/maint_cred.c firmware/base/wipeheap.c \
             firmware/base/kcrypto_des.c firmware/base/kcrypto_aes.c firmware/card/mrz.c firmware/card/icao_sm.c \
             firmware/card/icao_bac.c firmware/card/icao_pace.c firmware/card/mrtd_pa.c firmware/card/mrtd.c
FUZZ_FLAGS := -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
              -D_GNU_SOURCE -Ifirmware -I. -Wall -Wextra -Werror
fuzzers: $(FUZZ_BIN)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_CORE) $(wildcard firmware/*/*.h drivers/*.h drivers/*/*.h tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_CORE) $(shell pkg-config --libs openssl jansson libcurl zlib)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libkofu.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/libkofu-core.a: $(CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# board.c for the boards a firmware for board % carries.
$(BUILD)/obj/board/board-%.o: board/board.c
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -DKOFU_BOARD=%,$(CPPFLAGS)) $(call board_flags,$*) $(CFLAGS) -MMD -MP -c $< -o $@

# The product: what goes on a kiosk of board $(BOARD). No test code.
$(BUILD)/kofu: $(BUILD)/obj/firmware/cli/main.o $(KOFU_EXTRA_OBJ) $(call firmware_objs,$(BOARD))
	$(CC) $(LDFLAGS) -o $@ $^ $(call firmware_libs,$(BOARD))

# The kiosk board's product built beside the default one (exactly what
# `make BOARD=kiosk` makes), for the checks that it refuses --script and
# carries neither X11 nor the sim board's drivers.
$(BUILD)/kofu-kiosk-build: $(BUILD)/obj/firmware/cli/main.o $(KOFU_EXTRA_OBJ) $(call firmware_objs,kiosk)
	$(CC) $(LDFLAGS) -o $@ $^ $(call firmware_libs,kiosk)

# The test build: the sim board's firmware driven by scripts.
$(BUILD)/kofu-sim: $(KOFU_SIM_OBJ) $(KOFU_EXTRA_OBJ) $(call firmware_objs,sim)
	$(CC) $(LDFLAGS) -o $@ $^ $(call firmware_libs,sim)

$(BUILD)/kofu-conformance: $(BUILD)/obj/tests/conformance/main.o $(KIT_LIB_OBJ) $(KOFU_EXTRA_OBJ) $(BUILD)/libkofu-core.a
	$(CC) $(LDFLAGS) -o $@ $^ $(CORE_LIBS)
$(BUILD)/tests/unit/test_conformance_%: $(BUILD)/obj/tests/unit/test_conformance_%.o $(KIT_LIB_OBJ) $(TESTLIB) $(BUILD)/libkofu.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

$(BUILD)/cardsim: $(CARDSIM_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/passportsim: $(BUILD)/obj/tests/passportsim/passportsim.o $(PASSPORTSIM_LIB_OBJ) $(BUILD)/obj/tests/lib/vicc.o \
                      $(BUILD)/obj/firmware/base/bytes.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/unit/test_passportsim: $(BUILD)/obj/tests/unit/test_passportsim.o $(PASSPORTSIM_LIB_OBJ) $(TESTLIB) $(BUILD)/libkofu.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

# The stand-in IPP printer for the printer faults ippeveprinter cannot show
# (tests/printer/ipp_standin.c).
$(BUILD)/ipp-standin: $(BUILD)/obj/tests/printer/ipp_standin.o
	$(CC) $(LDFLAGS) -o $@ $^ $(CUPS_LIBS) -lpthread

# The host-side peers of the kiosk image's QEMU test: tcp-pipe (guestfwd's
# per-connection relay), acceptorsim (the coin and note acceptor) and
# vsc-bridge (cardsim behind ccid-card-passthru). README "Test tools".
# Their unit tests start the built programs.
all: $(BUILD)/tcp-pipe $(BUILD)/acceptorsim $(BUILD)/vsc-bridge
ACCEPTOR_OBJ := $(BUILD)/obj/tests/acceptorsim/acceptor.o $(BUILD)/obj/drivers/payment/serial_line.o \
                $(BUILD)/obj/firmware/base/bytes.o
$(BUILD)/tcp-pipe: $(BUILD)/obj/tests/image/tcp_pipe.o
	$(CC) $(LDFLAGS) -o $@ $^
$(BUILD)/acceptorsim: $(BUILD)/obj/tests/acceptorsim/acceptorsim.o $(ACCEPTOR_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^
$(BUILD)/vsc-bridge: $(BUILD)/obj/tests/image/vsc_bridge.o $(BUILD)/obj/tests/image/vsc_frame.o \
                     $(BUILD)/obj/firmware/base/bytes.o
	$(CC) $(LDFLAGS) -o $@ $^
# Their fuzzers take the peer's own parser besides the core.
PEER_FUZZ := $(BUILD)/fuzz/fuzz_vsc $(BUILD)/fuzz/fuzz_acceptor_cmd $(BUILD)/fuzz/fuzz_ppm $(BUILD)/fuzz/fuzz_passport_chip
$(BUILD)/fuzz/fuzz_vsc: FUZZ_EXTRA := tests/image/vsc_frame.c
$(BUILD)/fuzz/fuzz_acceptor_cmd: FUZZ_EXTRA := tests/acceptorsim/acceptor.c
$(BUILD)/fuzz/fuzz_ppm: FUZZ_EXTRA := tests/lib/qmp.c
$(BUILD)/fuzz/fuzz_passport_chip: FUZZ_EXTRA := tests/passportsim/chip.c tests/passportsim/chip_crypto.c tests/passportsim/chip_files.c \
                                      tests/passportsim/holder.c
$(PEER_FUZZ): $(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_CORE) tests/image/vsc_frame.[ch] tests/acceptorsim/acceptor.[ch] \
                               tests/lib/qmp.[ch] $(wildcard tests/passportsim/*.[ch]) $(wildcard firmware/*/*.h drivers/*.h drivers/*/*.h tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_EXTRA) $(FUZZ_CORE) $(shell pkg-config --libs openssl jansson libcurl zlib)
$(BUILD)/tests/unit/test_vsc_bridge: | $(BUILD)/vsc-bridge $(BUILD)/cardsim
$(BUILD)/tests/unit/test_acceptorsim: $(BUILD)/obj/tests/unit/test_acceptorsim.o $(BUILD)/obj/tests/acceptorsim/acceptor.o \
                                      $(TESTLIB) $(BUILD)/libkofu.a | $(BUILD)/acceptorsim
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS)

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

# The kiosk's firmware image (README "The kiosk image"): build/image/ holds vmlinuz,
# initrd.img, root.squashfs, cmdline, packages.txt and SHA256SUMS, from Debian 12 packages
# (board/kiosk/image/build.sh; as root, the mirror reachable; .debs kept in build/image/cache).
.PHONY: image
image: $(BUILD)/image/.done
$(BUILD)/image/.done: $(BUILD)/kofu-kiosk-build $(BUILD)/prompts/.done $(shell find board/kiosk -type f 2>/dev/null)
	@start=$$(date +%s); cached=$$(ls $(BUILD)/image/cache/*.deb 2>/dev/null | wc -l); \
	nice board/kiosk/image/build.sh $(BUILD)/kofu-kiosk-build $(BUILD)/prompts $(BUILD)/image && \
	echo "$$(( $$(date +%s) - start )) s, $$cached .deb files cached before" > $(BUILD)/image-build-time.txt

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
$(BUILD)/pki/.done: certs/make-card-ca.sh certs/make-passport-pki.sh certs/make-test-pki.sh
	sh certs/make-test-pki.sh $(BUILD)/pki

deps:
	@board/sim/install-deps.sh

# The README's test command: installs what is missing, builds everything
# (normal and ASan+UBSan), runs every test and a short fuzz run.
FUZZ_SECONDS ?= 10
check: deps
	$(MAKE) tests pki
	@# The kiosk image builds in the background meanwhile (minutes of
	@# downloads and dpkg); its test waits for $(BUILD)/image-build.rc.
	rm -f $(BUILD)/image-build.rc
	($(MAKE) image > $(BUILD)/image-build.log 2>&1; echo $$? > $(BUILD)/image-build.rc) &
	$(MAKE) SAN=1 BUILD=build/asan tests pki
	$(MAKE) fuzzers
	tests/run-all.sh $(FUZZ_SECONDS)

# Each figure printed beside its budget.
bench: deps
	$(MAKE) tests pki
	@for b in $(BENCH_BIN); do KOFU_BUILD=$(BUILD) tests/sandbox.sh $$b || exit 1; done
	@# The kiosk image's figures come from its last build and its test's QEMU run (make check).
	@echo "kiosk image (make image, and the last run of test_image under QEMU):"
	@if [ -f $(BUILD)/image-build-time.txt ]; then echo "  image build                        $$(cat $(BUILD)/image-build-time.txt)"; \
	 else echo "  image build                        not built yet (make image)"; fi
	@if [ -f $(BUILD)/image-figures.txt ]; then sed 's/^image: /  /' $(BUILD)/image-figures.txt; \
	 else echo "  QEMU figures                       none yet (make check runs test_image)"; fi

# Longer fuzzing: FUZZ_LONG seconds per target (default 300).
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
