# kofu — top-level build. `make` builds build/kofu and the test peers.
# The README's two commands: `make demo` and `make check`.

BUILD    ?= build
CC       ?= cc
SAN      ?=
PKGS     := libpcsclite openssl jansson

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
CPPFLAGS += -D_GNU_SOURCE -Ifirmware -Idrivers -Iboard -Itests/cardsim
CFLAGS   += -std=c17 $(WARN) $(HARDEN) $(OPT) $(shell pkg-config --cflags $(PKGS))
LDFLAGS  += -pie -Wl,-z,relro,-z,now $(filter -fsanitize%,$(HARDEN))
LDLIBS   += $(shell pkg-config --libs $(PKGS))

# The firmware core, shared by kofu, the tests and the fuzzers.
CORE_SRC := $(filter-out firmware/main.c,$(wildcard firmware/*.c)) $(wildcard drivers/*.c drivers/pcsc/*.c) \
            board/$(BOARD)/board.c
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
KOFU_SRC := firmware/main.c
CARDSIM_SRC := $(wildcard tests/cardsim/*.c)
CARDSIM_OBJ := $(CARDSIM_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/firmware/bytes.o

.PHONY: all deps check demo bench fuzz clean pki
all: $(BUILD)/kofu $(BUILD)/cardsim

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libkofu.a: $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(BUILD)/kofu: $(BUILD)/obj/firmware/main.o $(BUILD)/libkofu.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/cardsim: $(CARDSIM_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

pki: $(BUILD)/pki/card/ca.key.pem
$(BUILD)/pki/card/ca.key.pem: certs/make-card-ca.sh
	sh certs/make-card-ca.sh $(BUILD)/pki

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
