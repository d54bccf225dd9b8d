// tb_wkv5.cpp - Verilator testbench of rtl/wkv5.sv (WKV SUB 5) against the
// golden rw_wkv5: the harness of tb_wkv7.cpp (register file, DMA model with
// random stalls, every DST word and state byte compared, card.c's checks),
// compiled for SUB 5 (operands r, k, v, w, u; no sixth source).
#define WKV_SUB 5
#include "tb_wkv7.cpp"
