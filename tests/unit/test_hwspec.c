/*
 * test_hwspec.c - the generated host-interface header include/rwkvacc_hw.h
 * (scripts/gen_hwspec.py from spec/rwkvacc_hw.json): the generator's drift
 * check, encode/decode round trips of every instruction field with neighbours
 * untouched, a few constants against values derived by hand from the JSON, and
 * the opcode and error name lookups.
 */
#include "check.h"
#include "rwkvacc_hw.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- deterministic random numbers (splitmix64) ---- */

static uint64_t rng = UINT64_C(0x9E3779B97F4A7C15);

static uint32_t rnd32(void)
{
    return (uint32_t)(check_rand(&rng) >> 16);
}

/* ---- the generator's drift check ---- */

static void drift(void)
{
    char line[512], msg[512] = "";
    FILE *f = fopen("scripts/gen_hwspec.py", "r"), *p;
    int rc;
    if (!f) {
        check_skip("hwspec-drift", "scripts/gen_hwspec.py not found (run from the top)");
        return;
    }
    fclose(f);
    if (system("python3 -c pass >/dev/null 2>&1") != 0) {
        check_skip("hwspec-drift", "python3 missing");
        return;
    }
    p = popen("python3 scripts/gen_hwspec.py --check 2>&1", "r");
    if (!p) {
        check(0, "hwspec-drift", "cannot run python3");
        return;
    }
    while (fgets(line, sizeof line, p)) {
        printf("# %s", line);
        if (!msg[0] && strstr(line, "gen_hwspec:") && !strstr(line, "up to date"))
            snprintf(msg, sizeof msg, "%s", line);
    }
    rc = pclose(p);
    msg[strcspn(msg, "\n")] = 0;
    check(rc == 0, "hwspec-drift", "%s", msg[0] ? msg : "gen_hwspec.py --check failed");
}

/* ---- instruction fields: layout copied by hand from spec/rwkvacc_hw.json ---- */

typedef struct ifield {
    const char *name;
    unsigned word, lsb, width;
    uint32_t (*get)(const rwkvacc_hw_insn *);
    void (*set)(rwkvacc_hw_insn *, uint32_t);
} ifield;

#define F(name, NAME, w, l, n) {#NAME, w, l, n, rwkvacc_hw_insn_get_##name, rwkvacc_hw_insn_set_##name}

static const ifield fields[] = {
    F(opcode, OPCODE, 0, 0, 8),  F(dst, DST, 0, 8, 5),      F(src0, SRC0, 0, 13, 5),
    F(src1, SRC1, 0, 18, 5),     F(src2, SRC2, 0, 23, 5),   F(region, REGION, 0, 28, 2),
    F(src3, SRC3, 1, 0, 5),      F(src4, SRC4, 1, 5, 5),    F(src5, SRC5, 1, 10, 5),
    F(imm, IMM, 1, 16, 16),      F(offset, OFFSET, 2, 0, 32), F(len, LEN, 3, 0, 24),
    F(sub, SUB, 3, 24, 8),
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

static uint32_t field_max(const ifield *f)
{
    return f->width == 32 ? UINT32_MAX : (UINT32_C(1) << f->width) - 1;
}

/* Expected words after writing v into field f of base (v already in range). */
static void expect(const rwkvacc_hw_insn *base, const ifield *f, uint32_t v, uint32_t out[4])
{
    uint32_t m = field_max(f) << f->lsb;
    for (unsigned k = 0; k < 4; k++)
        out[k] = base->w[k];
    out[f->word] = (out[f->word] & ~m) | ((v << f->lsb) & m);
}

static int same(const rwkvacc_hw_insn *i, const uint32_t w[4])
{
    return i->w[0] == w[0] && i->w[1] == w[1] && i->w[2] == w[2] && i->w[3] == w[3];
}

static void insn_fields(void)
{
    char name[64];
    for (size_t n = 0; n < N_FIELDS; n++) {
        const ifield *f = &fields[n];
        uint32_t want[4];
        int ok = 1;
        rwkvacc_hw_insn zero = {{0, 0, 0, 0}}, ones, i;
        for (unsigned k = 0; k < 4; k++)
            ones.w[k] = UINT32_MAX;

        /* all-ones into zeros and zero into ones: only the field's bits move */
        i = zero;
        f->set(&i, UINT32_MAX);
        expect(&zero, f, field_max(f), want);
        ok &= same(&i, want) && f->get(&i) == field_max(f);
        i = ones;
        f->set(&i, 0);
        expect(&ones, f, 0, want);
        ok &= same(&i, want) && f->get(&i) == 0;
        snprintf(name, sizeof name, "insn-%s-neighbours", f->name);
        check(ok, name, "word %u bits [%u:%u]: w = %08x %08x %08x %08x", f->word,
              f->lsb + f->width - 1, f->lsb, (unsigned)i.w[0], (unsigned)i.w[1],
              (unsigned)i.w[2], (unsigned)i.w[3]);

        /* round trips at 0, max and random values over random backgrounds */
        ok = 1;
        for (int t = 0; t < 1000 && ok; t++) {
            rwkvacc_hw_insn bg;
            uint32_t v = t == 0 ? 0 : t == 1 ? field_max(f) : rnd32() & field_max(f);
            for (unsigned k = 0; k < 4; k++)
                bg.w[k] = rnd32();
            i = bg;
            f->set(&i, v);
            expect(&bg, f, v, want);
            ok = same(&i, want) && f->get(&i) == v;
            /* bits above the width are dropped */
            if (ok && f->width < 32) {
                i = bg;
                f->set(&i, v | (rnd32() | 1u) << f->width);
                ok = same(&i, want);
            }
            if (!ok)
                printf("# %s: value %08x failed\n", f->name, (unsigned)v);
        }
        snprintf(name, sizeof name, "insn-%s-roundtrip", f->name);
        check(ok, name, "set/get mismatch");
    }

    /* all fields together, then through the little-endian byte image */
    {
        rwkvacc_hw_insn i = {{0, 0, 0, 0}}, j;
        uint32_t v[N_FIELDS];
        uint8_t b[16];
        int ok = 1;
        for (size_t n = 0; n < N_FIELDS; n++) {
            v[n] = rnd32() & field_max(&fields[n]);
            fields[n].set(&i, v[n]);
        }
        for (size_t n = 0; n < N_FIELDS; n++)
            ok &= fields[n].get(&i) == v[n];
        rwkvacc_hw_insn_store(&i, b);
        ok &= b[0] == (uint8_t)v[0] && b[8] == (uint8_t)v[10] && b[11] == (uint8_t)(v[10] >> 24) &&
              b[15] == (uint8_t)v[12];
        j = rwkvacc_hw_insn_load(b);
        ok &= same(&j, i.w);
        check(ok, "insn-all-fields-bytes", "fields or byte image disagree");
    }
}

/* ---- constants derived by hand from the JSON ---- */

static void constants(void)
{
    /* CONFIG1: N_VREG 32 | MAX_HEAD_SIZE 64 << 8 | log2(VREG_WORDS 4096) = 12 << 16 | MAX_BURSTS 8 << 24 */
    uint32_t config1 = 32u | 64u << 8 | 12u << 16 | 8u << 24;
    /* CONFIG0: MV_LANES 128 | BUS_BYTES 64 << 12 | MV_SEG_BYTES 16 << 24;
     * VERSION: major 0 << 16 | minor 3 */
    uint32_t config0 = 128u | 64u << 12 | 16u << 24, version = 0u << 16 | 3u;

    check(RWKVACC_HW_RESET_CONFIG1 == config1, "const-config1-reset", "%08x, want %08x",
          (unsigned)RWKVACC_HW_RESET_CONFIG1, (unsigned)config1);
    check(RWKVACC_HW_RESET_CONFIG0 == config0 && RWKVACC_HW_RESET_VERSION == version,
          "const-config0-version-reset", "%08x %08x", (unsigned)RWKVACC_HW_RESET_CONFIG0,
          (unsigned)RWKVACC_HW_RESET_VERSION);
    check(RWKVACC_HW_RESET_ID == 0x52574b56u, "const-id-reset", "%08x", (unsigned)RWKVACC_HW_RESET_ID);
    check(RWKVACC_HW_CTRL_START_MASK == 1u && RWKVACC_HW_CTRL_START_SHIFT == 0 &&
              RWKVACC_HW_CTRL_IRQ_EN_MASK == 4u && RWKVACC_HW_ERR_CODE_PC_MASK == 0xffffff00u &&
              RWKVACC_HW_ERR_CODE_PC_SHIFT == 8 && RWKVACC_HW_ERR_CODE_PC_WIDTH == 24,
          "const-field-masks", "CTRL.START %08x, ERR_CODE.PC %08x",
          (unsigned)RWKVACC_HW_CTRL_START_MASK, (unsigned)RWKVACC_HW_ERR_CODE_PC_MASK);
    /* REGION_SIZE(n) = 72 + 16 n; REGION_BASE_HI(0) = 68 */
    check(RWKVACC_HW_REG_REGION_SIZE(3) == 72 + 3 * 16 && RWKVACC_HW_REG_REGION_BASE_HI(0) == 68 &&
              RWKVACC_HW_REG_REGION_BASE_LO(2) == 96 && RWKVACC_HW_REG_WR_BYTES_HI == 148 &&
              RWKVACC_HW_REG_CTRL == 16,
          "const-offsets", "REGION_SIZE(3) = %u", (unsigned)RWKVACC_HW_REG_REGION_SIZE(3));
    check(RWKVACC_HW_CFG_MV_LANES == 128 && RWKVACC_HW_CFG_VREG_WORDS == 4096 &&
              RWKVACC_HW_REGION_SCRATCH == 3 && RWKVACC_HW_OP_ADD == 16 &&
              RWKVACC_HW_OP_WKV == 48 && RWKVACC_HW_ERR_ABORTED == 7 &&
              RWKVACC_HW_INSN_IMM_MASK == 0xffff0000u && RWKVACC_HW_INSN_REGION_MASK == 0x30000000u &&
              sizeof(rwkvacc_hw_insn) == 16,
          "const-misc", "config, region, opcode, error or instruction constant differs");
}

/* ---- name lookups ---- */

static void names(void)
{
    static const struct { uint32_t code; const char *name; } ops[] = {
        {0, "NOP"}, {1, "END"}, {2, "EMBED"}, {3, "LOADV"}, {4, "STOREV"}, {5, "MOVE"}, {6, "PREFETCH"},
        {16, "ADD"}, {17, "SUB"}, {18, "MUL"}, {19, "LERP"}, {20, "RELU_SQ"}, {21, "SFU"},
        {32, "MATVEC"}, {33, "NORM"}, {34, "L2NORM"}, {48, "WKV"}, {49, "BONUS7"},
    };
    static const char *const errs[] = {"NONE", "OPCODE", "REGION", "VREG",
                                       "MATRIX", "PROGRAM", "TOKEN", "ABORTED"};
    size_t n_ops = sizeof ops / sizeof ops[0], n_errs = sizeof errs / sizeof errs[0];
    int ok = 1;
    for (uint32_t c = 0; c < 300; c++) {
        const char *want = "?";
        for (size_t k = 0; k < n_ops; k++)
            if (ops[k].code == c)
                want = ops[k].name;
        if (strcmp(rwkvacc_hw_opcode_name(c), want) != 0) {
            printf("# opcode %u: %s, want %s\n", (unsigned)c, rwkvacc_hw_opcode_name(c), want);
            ok = 0;
        }
    }
    ok &= strcmp(rwkvacc_hw_opcode_name(UINT32_MAX), "?") == 0;
    check(ok, "opcode-names", "lookup differs (see above)");
    ok = 1;
    for (uint32_t c = 0; c < 300; c++) {
        const char *want = c < n_errs ? errs[c] : "?";
        if (strcmp(rwkvacc_hw_error_name(c), want) != 0) {
            printf("# error %u: %s, want %s\n", (unsigned)c, rwkvacc_hw_error_name(c), want);
            ok = 0;
        }
    }
    ok &= strcmp(rwkvacc_hw_error_name(UINT32_MAX), "?") == 0;
    check(ok, "error-names", "lookup differs (see above)");
}

int main(void)
{
    drift();
    insn_fields();
    constants();
    names();
    return check_exit();
}
