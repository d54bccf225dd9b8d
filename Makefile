# rwkvacc - one Makefile for the C model, the driver, the command and the tests.
# `make` builds build/rwkvacc; `make test` runs every test under ASan and UBSan;
# `make test-long` runs the tests too slow for the sanitizers, optimized;
# `make bench` prints tokens per second. See README.md for the full list.

# Every core: the Verilator builds of the RTL testbenches dominate make test.
MAKEFLAGS += --jobs=$(shell nproc 2>/dev/null || echo 2)
CONFORM_TOKENS ?= 8

CC      ?= cc
PYTHON  ?= python3
SHARED  ?= $(abspath ../shared)
export SHARED

WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter
INC     := -Iinclude -Icmodel -Idriver -Isim
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
LONG_SRCS := $(sort $(wildcard tests/long/test_*.c))

OBJ      = $(patsubst %.c,build/obj/%.o,$(1))
SOBJ     = $(patsubst %.c,build/asan/obj/%.o,$(1))

.SECONDARY:
.PHONY: all deps test test-unit test-cli test-long bench demo conformance generate clean lint sim bench-rtl synth demo-ref
all: build/rwkvacc

build/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

build/asan/obj/%.o: %.c | deps
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

# Long tests: built like the library (-O3, no sanitizers); minutes, not seconds.
build/long/%: build/obj/tests/long/%.o $(call OBJ,$(UNIT_HELP)) build/librwkvacc.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

LONG_BINS := $(patsubst tests/long/%.c,build/long/%,$(LONG_SRCS))

# Installs the Debian packages the build and tests need, when missing.
deps:
	@scripts/install-deps.sh

# RTL (docs/rtl.md): rtl/*.sv, one module per file; rw_num_pkg.sv first (a package).
# A unit testbench sim/tb/tb_UNIT.cpp is a Verilator C++ harness whose top module
# is UNIT; it links the golden model (build/librwkvacc.a) and prints ok/FAIL lines.
VERILATOR ?= verilator
VERILATOR_ROOT ?= $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)
RTL_PKG   := rtl/rw_num_pkg.sv
RTL_SRCS  := $(RTL_PKG) $(filter-out $(RTL_PKG),$(sort $(wildcard rtl/*.sv)))
RTL_DEPS  := $(RTL_SRCS) $(wildcard rtl/include/*.svh rtl/tables/*.mem) rtl/lint_waivers.vlt
RTL_TOPS  := $(basename $(notdir $(filter-out $(RTL_PKG),$(RTL_SRCS))))
# Modules are found by file name (-y rtl); only the package is named.
VFLAGS    := -Wall -Irtl/include -y rtl rtl/lint_waivers.vlt $(RTL_PKG)
TB_SRCS   := $(sort $(wildcard sim/tb/tb_*.cpp))
TB_BINS   := $(patsubst sim/tb/tb_%.cpp,build/rtl/tb_%,$(TB_SRCS))
TB_CFLAGS := -std=c++17 -O1 -I$(abspath .) -I$(abspath include) -I$(abspath cmodel) -I$(abspath cmodel/golden) \
             -I$(abspath driver) -I$(abspath sim/tb) -DRTL_DIR=\"$(abspath rtl)\"

# $(call tb_build,TOP,OBJDIR,EXTRA): verilate TOP with the harness $< into $@
tb_build = @mkdir -p build/rtl/$2; \
	$(VERILATOR) $(VFLAGS) --cc --exe --build -j 2 -O3 --x-assign fast --x-initial fast $3 \
	    --top-module $1 --Mdir build/rtl/$2 -o $(abspath $@) \
	    -CFLAGS '$(TB_CFLAGS)' -LDFLAGS '$(abspath build/librwkvacc.a) -lm' \
	    rtl/$1.sv $(abspath $<) > build/rtl/$2/build.log 2>&1 || \
	    { tail -n 30 build/rtl/$2/build.log; exit 1; }
build/rtl/tb_%: sim/tb/tb_%.cpp $(wildcard sim/tb/*.h) $(RTL_DEPS) build/librwkvacc.a | deps
	$(call tb_build,$*,obj_$*,)
# Variants: a harness that reads its parameters from the model, built again. The
# weight prefetcher as the card uses it: consumer words of two bus beats.
TB_VARIANTS := build/rtl/tb_wprefetch_cr2
build/rtl/tb_wprefetch_cr2: sim/tb/tb_wprefetch.cpp $(RTL_DEPS) build/librwkvacc.a | deps
	$(call tb_build,wprefetch,obj_wprefetch_cr2,-GCR=2)

# The virtual card (docs/rtl.md): the Verilated top with an AXI memory model, as a
# shared library the `sim` backend loads at run time (driver/hal_sim.c).
SIM_LIB := build/sim/librwkvacc_sim.so
SIM_CFLAGS := -std=c++17 -O2 -fPIC -I$(abspath include) -I$(abspath sim)
$(SIM_LIB): sim/card_sim.cpp sim/card_sim.h sim/tb/axi_mem.h $(RTL_DEPS) | deps
	@mkdir -p build/sim/obj
	$(VERILATOR) $(VFLAGS) --cc --build -j 2 -O3 --x-assign fast --x-initial fast --trace-fst \
	    --top-module rwkvacc_top --Mdir build/sim/obj -CFLAGS '$(SIM_CFLAGS)' \
	    rtl/rwkvacc_top.sv > build/sim/build.log 2>&1 || { tail -n 30 build/sim/build.log; exit 1; }
	$(MAKE) -s -C build/sim/obj -f Vrwkvacc_top.mk verilated.o verilated_fst_c.o \
	    verilated_threads.o >> build/sim/build.log 2>&1
	$(CXX) $(SIM_CFLAGS) -Ibuild/sim/obj -I$(VERILATOR_ROOT)/include \
	    -I$(VERILATOR_ROOT)/include/vltstd -c sim/card_sim.cpp -o build/sim/card_sim.o
	$(CXX) -shared -o $@ build/sim/card_sim.o build/sim/obj/Vrwkvacc_top__ALL.a \
	    $(addprefix build/sim/obj/,verilated.o verilated_fst_c.o verilated_threads.o) -lz -pthread

sim: $(SIM_LIB)

# tb_wkv5 is tb_wkv7's harness built for SUB 5.
build/rtl/tb_wkv5: sim/tb/tb_wkv7.cpp

# Verilator's full lint on every module as its own top; waivers: rtl/lint_waivers.vlt.
lint:
	@set -e; for t in $(RTL_TOPS); do \
	    $(VERILATOR) --lint-only $(VFLAGS) --top-module $$t rtl/$$t.sv; done; \
	echo "lint: $(words $(RTL_TOPS)) modules clean"

# The golden vectors the RTL testbenches replay (sim/tb/tb_conform.h): 8 tokens of
# the tiny RWKV-7 model at INT8. Without ../shared the testbenches say skip.
TB_SET := build/conformance/7v0-834K-int8
$(TB_SET)/vectors.bin: build/rwkvacc
	@if [ -f $(SHARED)/models/tiny-rwkv-7v0-834K-FP32.bin ]; then mkdir -p build/conformance; \
	    build/rwkvacc trace -m $(SHARED)/models/tiny-rwkv-7v0-834K-FP32.bin --weights int8 \
	        -n $(CONFORM_TOKENS) -o $(TB_SET) > /dev/null; fi

test: deps build/asan/rwkvacc $(UNIT_BINS) $(TB_BINS) $(TB_VARIANTS) $(SIM_LIB) $(TB_SET)/vectors.bin
	@scripts/run-tests.sh $(UNIT_BINS) $(TB_BINS) $(TB_VARIANTS) $(sort $(wildcard tests/cli/test_*.sh))

test-long: deps build/rwkvacc $(LONG_BINS) $(SIM_LIB)
	@RWKVACC=$(abspath build/rwkvacc) scripts/run-tests.sh $(LONG_BINS) \
	    $(sort $(wildcard tests/long/test_*.sh))

# Regenerates what the generators own (committed; make test fails when stale):
# the special-function tables and the hardware spec's header, SV package, regmap.
generate:
	$(PYTHON) scripts/gen_tables.py
	$(PYTHON) scripts/gen_hwspec.py

# Golden vectors (docs/conformance.md): every unit operation of 8 tokens of each
# tiny model, INT8 and INT4, written to build/conformance/ and replayed.
conformance: deps build/rwkvacc
	@mkdir -p build/conformance; set -e; \
	for v in 4v0-660K 5v1-730K 5v2-730K 6v0-1m 7v0-834K; do for w in int8 int4; do \
	    d=build/conformance/$$v-$$w; \
	    build/rwkvacc trace -m $(SHARED)/models/tiny-rwkv-$$v-FP32.bin --weights $$w \
	        -n $(CONFORM_TOKENS) -o $$d > /dev/null; \
	    printf '%-22s ' $$v-$$w; build/rwkvacc conform $$d | tail -n 1; \
	done; done

bench: deps build/rwkvacc
	@scripts/bench.sh

# Cycles per token of the RTL on the virtual card (docs/performance.md).
bench-rtl: deps build/rwkvacc $(SIM_LIB)
	@scripts/bench-rtl.sh

# Yosys on the default configuration; the resource table of docs/resources.md.
synth: deps
	@scripts/synth.sh

# The README's main job: the tiny RWKV-7 model generating text on the virtual card
# (the RTL, simulated: about 1.3 s per token; the model is barely trained and
# writes byte noise). demo-ref: the better-trained 5.2 model on the float reference.
demo: deps build/rwkvacc $(SIM_LIB)
	build/rwkvacc generate --model $(SHARED)/models/tiny-rwkv-7v0-834K-FP32.bin \
	    --backend sim --weights int8 --prompt "The" -n 24 \
	    --temperature 0.6 --seed 1
	@echo

demo-ref: deps build/rwkvacc
	build/rwkvacc generate --model $(SHARED)/models/tiny-rwkv-5v2-730K-FP32.bin \
	    --prompt "In a shocking finding, scientists" -n 160 --temperature 0.6 --seed 1
	@echo

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
