# rwkvacc - one Makefile for the C model, the driver, the command and the tests.
# `make` builds build/rwkvacc; `make test` runs every test under ASan and UBSan;
# `make bench` prints tokens per second. See README.md for the full list.

CC      ?= cc
PYTHON  ?= python3
SHARED  ?= $(abspath ../shared)
export SHARED

WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter
INC     := -Iinclude -Icmodel -Idriver
# x86-64-v2 (SSE4.2, any x86-64 CPU since about 2009) lets the integer loops vectorize.
ARCH_FLAGS := $(if $(filter x86_64,$(shell uname -m)),-march=x86-64-v2)
CFLAGS  ?= -O3 -g $(ARCH_FLAGS)
ALL_CFLAGS := $(WARN) $(INC) -D_POSIX_C_SOURCE=200809L $(CFLAGS)
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDLIBS  := -lm

LIB_SRCS := $(sort $(wildcard cmodel/*.c cmodel/ref/*.c cmodel/golden/*.c driver/*.c))
CLI_SRCS := $(sort $(wildcard driver/cli/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_HELP := $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c))

OBJ      = $(patsubst %.c,build/obj/%.o,$(1))
SOBJ     = $(patsubst %.c,build/asan/obj/%.o,$(1))

.SECONDARY:
.PHONY: all deps test test-unit test-cli bench demo clean
all: build/rwkvacc

build/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

build/asan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O2 $(SAN) -MMD -MP -c $< -o $@

build/librwkvacc.a: $(call OBJ,$(LIB_SRCS))
	@rm -f $@; ar rcs $@ $^

build/asan/librwkvacc.a: $(call SOBJ,$(LIB_SRCS))
	@rm -f $@; ar rcs $@ $^

build/rwkvacc: $(call OBJ,$(CLI_SRCS)) build/librwkvacc.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

build/asan/rwkvacc: $(call SOBJ,$(CLI_SRCS)) build/asan/librwkvacc.a
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

build/asan/tests/%: build/asan/obj/tests/unit/%.o $(call SOBJ,$(UNIT_HELP)) build/asan/librwkvacc.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

UNIT_BINS := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRCS))

# Installs the Debian packages the build and tests need, when missing.
deps:
	@scripts/install-deps.sh

test: deps build/asan/rwkvacc $(UNIT_BINS)
	@scripts/run-tests.sh $(UNIT_BINS) $(sort $(wildcard tests/cli/test_*.sh))

bench: deps build/rwkvacc
	@scripts/bench.sh

# The README's main job: generate text from a tiny model on the reference backend.
demo: deps build/rwkvacc
	build/rwkvacc generate --model $(SHARED)/models/tiny-rwkv-7v0-834K-FP32.bin \
	    --prompt "In a shocking finding, scientists" -n 120 --seed 1

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
