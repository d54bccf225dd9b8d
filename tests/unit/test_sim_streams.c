/*
 * test_sim_streams.c - the RTL card against the C model of the card, on random
 * instruction streams (card_streams.c, the generator of test_card.c): each
 * stream's memory image and registers go into both, the program runs on both
 * (the C model: cmodel/golden/card.c; the RTL: the virtual card
 * build/sim/librwkvacc_sim.so of sim/card_sim.h, loaded with dlopen as
 * driver/hal_sim.c does), then both must agree on STATUS, ERR_CODE, IRQ_STATUS,
 * RD_BYTES, WR_BYTES, RD_WEIGHT_BYTES (not CYCLES: it differs by design) and on
 * every byte of the memory (STATE, IO, SCRATCH as written; IMAGE and the bytes
 * in no region unchanged). The first mismatch is printed with its stream number
 * and program, later ones on one line each; the end prints how many streams
 * ended in DONE and in each error code (the mix must have DONE and at least 5
 * codes).
 *
 * Two passes, one simulator (it is not reset between streams, as a card is
 * not between programs):
 *  - sim-streams: the generator's streams as they are. Most end early on an
 *    error, so they test the order of the sequencer's checks (card.c's) far
 *    more than the datapath: MATVEC, EMBED and WKV hardly ever run to the end.
 *  - sim-streams-rich: the generator's consistent (odd) streams, then made
 *    runnable: random matrix records card.c's checks accept (INT8 and INT4,
 *    any group and column count it takes, the q rows' padding left random as
 *    the generator wrote it), an embedding table, WKV states in the units'
 *    domain in STATE, MATVEC, EMBED, PREFETCH and WKV pointed at them, and a
 *    STOREV of each result to SCRATCH after it, so that the datapath's results
 *    are compared too.
 *
 * The simulator is $RWKVACC_SIM_LIB, else build/sim/librwkvacc_sim.so from the
 * current directory (the tests run from the top; `make sim` builds it). Without
 * it the test says skip, or fails under CI=true. $RWKVACC_STREAMS sets the
 * number of streams of each pass (default 1000: about 6 s and 11 s of one core
 * under ASan).
 */
#include "card_sim.h"
#include "card_streams.h"
#include "check.h"
#include "golden/card.h"
#include "rwkvacc_hw.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SIM_LIB_DEFAULT "build/sim/librwkvacc_sim.so"
#define N_STREAMS 1000 /* per pass */
#define MAX_CYCLES 4000000u /* a stream takes about 1,000 cycles: a hang */
#define MAX_LISTED 20       /* mismatching streams printed after the first */

/* the two passes' random states */
static uint64_t rs_plain = 0x5eed0fca2d000002ull, rs_rich = 0x5eed0fca2d000003ull;

static const rw_sim_api *api;
static rw_sim *sim;
static rw_card *card;

/* ---- the two cards ---- */

static void sim_reg_write(void *dev, uint32_t offset, uint32_t value)
{
    api->reg_write(dev, offset, value);
}
static void card_reg_write(void *dev, uint32_t offset, uint32_t value)
{
    rw_card_reg_write(dev, offset, value);
}

/* dlopen of the simulator; NULL (and a skip or a failure) when it cannot be had. */
static const rw_sim_api *load_api(void)
{
    const char *env = getenv("RWKVACC_SIM_LIB"), *ci = getenv("CI");
    const char *path = env && *env ? env : SIM_LIB_DEFAULT;
    const rw_sim_api *t;
    void *h;
    if (access(path, F_OK) != 0) {
        if (ci && strcmp(ci, "true") == 0)
            check(0, "sim-streams", "%s is missing (make sim), and CI=true requires it", path);
        else {
            char why[600];
            snprintf(why, sizeof why, "%.500s not present (make sim)", path);
            check_skip("sim-streams", why);
        }
        return NULL;
    }
    /* the library stays loaded: Verilator's globals do not expect an unload */
    if (!(h = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
        check(0, "sim-streams", "cannot load %s: %s", path, dlerror());
        return NULL;
    }
    t = (const rw_sim_api *)dlsym(h, "rw_sim_api_table");
    if (!t || t->abi != RW_SIM_ABI) {
        check(0, "sim-streams", "%s is not a virtual card of this ABI (%u), rebuild it "
              "with 'make sim'", path, RW_SIM_ABI);
        return NULL;
    }
    return t;
}

static int open_sim(void)
{
    rw_sim_config cfg = {FZ_MEM, 0, 0, NULL};
    char why[256] = "";
    if (!(sim = api->open(&cfg, why, sizeof why)))
        return check(0, "sim-streams-open", "%s", why);
    fz_set_regions(sim_reg_write, sim);
    return 1;
}

/* ---- what a stream left ---- */

typedef struct outcome {
    uint32_t status, err, irq;
    uint64_t rd, wr, rd_weight;
} outcome;

static uint64_t reg64(uint32_t (*rd)(void *, uint32_t), void *dev, uint32_t lo)
{
    return (uint64_t)rd(dev, lo) | (uint64_t)rd(dev, lo + 4) << 32;
}
static uint32_t sim_reg_read(void *dev, uint32_t offset)
{
    return api->reg_read(dev, offset);
}
static uint32_t card_reg_read(void *dev, uint32_t offset)
{
    return rw_card_reg_read(dev, offset);
}

static outcome read_outcome(uint32_t (*rd)(void *, uint32_t), void *dev)
{
    outcome o;
    o.status = rd(dev, RWKVACC_HW_REG_STATUS);
    o.err = rd(dev, RWKVACC_HW_REG_ERR_CODE);
    o.irq = rd(dev, RWKVACC_HW_REG_IRQ_STATUS);
    o.rd = reg64(rd, dev, RWKVACC_HW_REG_RD_BYTES_LO);
    o.wr = reg64(rd, dev, RWKVACC_HW_REG_WR_BYTES_LO);
    o.rd_weight = reg64(rd, dev, RWKVACC_HW_REG_RD_WEIGHT_BYTES_LO);
    return o;
}

static void outcome_name(const outcome *o, char *buf, size_t len)
{
    if (o->status == RWKVACC_HW_STATUS_DONE_MASK && o->err == 0)
        snprintf(buf, len, "DONE");
    else
        snprintf(buf, len, "STATUS 0x%x %s at %u", o->status,
                 rwkvacc_hw_error_name(o->err & 0xff), o->err >> 8);
}

/* ---- the differences of one stream, as text ---- */

typedef struct diff {
    char text[1024];
    size_t used;
    int n;
} diff;

static void add_diff(diff *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_diff(diff *d, const char *fmt, ...)
{
    va_list ap;
    int k;
    if (d->used + 2 >= sizeof d->text)
        return;
    if (d->n++)
        d->text[d->used++] = ';', d->text[d->used++] = ' ';
    va_start(ap, fmt);
    k = vsnprintf(d->text + d->used, sizeof d->text - d->used, fmt, ap);
    va_end(ap);
    if (k > 0)
        d->used += (size_t)k < sizeof d->text - d->used ? (size_t)k : sizeof d->text - d->used - 1;
}

/* Field counts over all streams, for the summary. */
enum { F_TIMEOUT, F_STATUS, F_ERR, F_IRQ, F_RD, F_WR, F_RDW, F_IMAGE, F_STATE, F_IO, F_SCRATCH,
       F_GAP, F_N };
static const char *const field_name[F_N] = {
    "timeout", "STATUS", "ERR_CODE", "IRQ_STATUS", "RD_BYTES", "WR_BYTES", "RD_WEIGHT_BYTES",
    "IMAGE", "STATE", "IO", "SCRATCH", "no-region"};
static int field_count[F_N];

static void cmp_reg(diff *d, int f, uint64_t want, uint64_t got)
{
    if (want != got) {
        field_count[f]++;
        add_diff(d, "%s: C model 0x%llx, RTL 0x%llx", field_name[f], (unsigned long long)want,
                 (unsigned long long)got);
    }
}

/* Region f at [lo, hi): the RTL's bytes against the C model's, and (IMAGE, no
 * region) both against the image written. */
static void cmp_mem(diff *d, int f, const uint8_t *img, const uint8_t *cm, const uint8_t *rtl,
                    uint32_t lo, uint32_t hi, int unchanged)
{
    uint32_t first = hi, count = 0;
    for (uint32_t a = lo; a < hi; a++)
        if (cm[a] != rtl[a] || (unchanged && (cm[a] != img[a] || rtl[a] != img[a]))) {
            if (first == hi)
                first = a;
            count++;
        }
    if (count) {
        field_count[f]++;
        add_diff(d, "%s: %u bytes differ, first at device 0x%x (+0x%x): C model 0x%02x, RTL 0x%02x, "
                 "written 0x%02x", field_name[f], count, first, first - lo, cm[first], rtl[first],
                 img[first]);
    }
}

static void print_program(const uint8_t *img, const fz_stream *fs, uint32_t upto)
{
    printf("#   PROG_OFFSET 0x%x PROG_LEN %u TOKEN %u (%u instructions generated)\n",
           fs->prog_offset, fs->prog_len, fs->token, fs->len);
    for (uint32_t i = 0; i < upto && i < fs->prog_len; i++) {
        uint32_t at = fs->prog_offset + 16 * i;
        rwkvacc_hw_insn n;
        if (at + 16 > FZ_IMG)
            break;
        n = rwkvacc_hw_insn_load(img + at);
        printf("#   %3u: %08x %08x %08x %08x  %-8s dst %u src %u %u %u %u %u %u region %u imm %u "
               "off 0x%x len %u sub %u\n",
               i, n.w[0], n.w[1], n.w[2], n.w[3],
               rwkvacc_hw_opcode_name(rwkvacc_hw_insn_get_opcode(&n)), rwkvacc_hw_insn_get_dst(&n),
               rwkvacc_hw_insn_get_src0(&n), rwkvacc_hw_insn_get_src1(&n),
               rwkvacc_hw_insn_get_src2(&n), rwkvacc_hw_insn_get_src3(&n),
               rwkvacc_hw_insn_get_src4(&n), rwkvacc_hw_insn_get_src5(&n),
               rwkvacc_hw_insn_get_region(&n), rwkvacc_hw_insn_get_imm(&n),
               rwkvacc_hw_insn_get_offset(&n), rwkvacc_hw_insn_get_len(&n),
               rwkvacc_hw_insn_get_sub(&n));
    }
}

static uint8_t img[FZ_MEM], rtl_mem[FZ_MEM];

/* Counts the opcodes the C model ran without an error: those before the failing
 * PC, or before the first END. */
static uint64_t ran[256];
static void count_ran(const fz_stream *fs, const outcome *o)
{
    int ended = o->status == RWKVACC_HW_STATUS_DONE_MASK && o->err == 0;
    for (uint32_t i = 0; i < fs->prog_len && fs->prog_offset + 16 * i + 16 <= FZ_IMG; i++) {
        rwkvacc_hw_insn n = rwkvacc_hw_insn_load(img + fs->prog_offset + 16 * i);
        uint32_t op = rwkvacc_hw_insn_get_opcode(&n);
        if ((!ended && i >= o->err >> 8) || (ended && op == RWKVACC_HW_OP_END))
            break;
        ran[op & 255]++;
    }
}

/* ---- the rich pass: a consistent stream made runnable ---- */

enum {
    RICH_REC = 0x1000,  /* matrix records at 0x1000, 0x1100, 0x1200 (the generator's) */
    RICH_EMB = 0x1300,  /* the embedding record */
    RICH_W = 0x2000,    /* record k: q at + 0x400 k, s just after 0x200 more */
    RICH_EQ = 0x3000,   /* embedding rows (int16), then exponents */
    RICH_ROWS = 16,     /* = the consistent streams' LEN */
    RICH_SLOT = 0x100,  /* SCRATCH bytes per stored result */
};

static uint64_t *rich_rs;
static uint32_t rr(uint32_t n) /* 0 .. n-1 */
{
    return (uint32_t)(check_rand(rich_rs) % n);
}
static int32_t rr_range(int32_t lo, int32_t hi)
{
    return (int32_t)(lo + (int64_t)(check_rand(rich_rs) % (uint64_t)((int64_t)hi - lo + 1)));
}
static void put32(uint8_t *m, uint32_t a, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        m[a + k] = (uint8_t)(v >> (8 * k));
}

/* Matrix record k: a shape card.c's mat_check accepts, over the random bytes
 * the generator left (q row padding included); its cols in *cols. */
static void rich_matrix(uint8_t *m, uint32_t k, uint32_t *cols)
{
    uint32_t bits = rr(2) ? 8 : 4, c, group, rb, qo = RICH_W + 0x400 * k;
    if (bits == 8) {
        c = 1 + rr(16);
        switch (rr(4)) {
        case 0: case 1: group = c; break;         /* docs/isa.md: INT8 group = cols */
        case 2: group = 1u << rr(5); break;       /* a power of two, 1 .. 16 */
        default: group = 1 + rr(16); break;       /* anything */
        }
    } else {
        c = 2 * (1 + rr(8));
        group = 2u << rr(5);                      /* 2 .. 32 */
    }
    rb = bits == 8 ? c : c / 2;
    put32(m, RICH_REC + 0x100 * k, RICH_ROWS);
    put32(m, RICH_REC + 0x100 * k + 4, c);
    put32(m, RICH_REC + 0x100 * k + 8, bits);
    put32(m, RICH_REC + 0x100 * k + 12, group);
    put32(m, RICH_REC + 0x100 * k + 16, qo);
    put32(m, RICH_REC + 0x100 * k + 20, qo + 0x200 + 4 * rr(4));
    put32(m, RICH_REC + 0x100 * k + 24, rw_card_row_stride(rb));
    put32(m, RICH_REC + 0x100 * k + 28, 0);
    *cols = c;
}

/* Rewrites stream s (odd: LOADV v0..v7 first, LEN 16) in mem; see the top. */
static void rich_stream(uint8_t *mem, const fz_stream *fs, uint64_t *rs)
{
    uint32_t cols[3], prev_dst = 0, slot = 0;
    int prev_result = 0;
    rich_rs = rs;
    for (uint32_t k = 0; k < 3; k++)
        rich_matrix(mem, k, &cols[k]);
    put32(mem, RICH_EMB, 40 + rr(41)); /* n_vocab 40 .. 80: TOKEN < 80 */
    put32(mem, RICH_EMB + 4, RICH_ROWS);
    put32(mem, RICH_EMB + 8, RICH_EQ);
    put32(mem, RICH_EMB + 12, RICH_EQ + 80 * RICH_ROWS * 2);
    /* STATE: words within |m| <= 2^28; at 0x400 k: the exponents of a WKV 4
     * state (+0, +4 + 4 C) or of 1 or 2 heads of 5.x/7 (+0, +4 + 4 N^2), RWKV-4
     * pp (+8 + 8 C) within its range, bb (+8 + 4 C) positive */
    for (uint32_t a = 0; a < FZ_ST; a += 4)
        put32(mem, FZ_IMG + a, (uint32_t)rr_range(-(1 << 28), 1 << 28));
    for (uint32_t k = 0; k < FZ_ST / 0x400; k++) {
        uint32_t b = FZ_IMG + 0x400 * k;
        put32(mem, b, (uint32_t)rr_range(-40, 0));
        put32(mem, b + 4 + 4 * RICH_ROWS, (uint32_t)rr_range(-40, 0));
        put32(mem, b + 4 + 4 * 8 * 8, (uint32_t)rr_range(-40, 0));
        for (uint32_t i = 0; i < RICH_ROWS; i++) {
            put32(mem, b + 8 + 4 * RICH_ROWS + 4 * i, (uint32_t)rr_range(1 << 20, 1 << 28));
            put32(mem, b + 8 + 8 * RICH_ROWS + 4 * i, (uint32_t)rr_range(-(1 << 20), 1 << 20));
        }
    }
    for (uint32_t i = 8; i < fs->len && fs->prog_offset + 16 * i + 16 <= FZ_IMG; i++) {
        uint8_t *at = mem + fs->prog_offset + 16 * i;
        rwkvacc_hw_insn n = rwkvacc_hw_insn_load(at);
        uint32_t op = rwkvacc_hw_insn_get_opcode(&n);
        if (i % 2 && prev_result) { /* the previous result, to SCRATCH */
            n = assemble(I(.op = RWKVACC_HW_OP_STOREV, .s0 = prev_dst, .region = 3,
                           .off = RICH_SLOT * slot++, .len = RICH_ROWS));
            prev_result = 0;
        } else {
            if (op == RWKVACC_HW_OP_MATVEC || op == RWKVACC_HW_OP_PREFETCH) {
                uint32_t k = rr(3);
                rwkvacc_hw_insn_set_region(&n, 0);
                rwkvacc_hw_insn_set_offset(&n, RICH_REC + 0x100 * k);
                rwkvacc_hw_insn_set_len(&n, RICH_ROWS);
                rwkvacc_hw_insn_set_sub(&n, op == RWKVACC_HW_OP_MATVEC && rr(4) == 0);
                /* now and then one column too many: MATRIX */
                rwkvacc_hw_insn_set_imm(&n, rr(RICH_ROWS - cols[k] + 1 + (rr(8) == 0)));
            } else if (op == RWKVACC_HW_OP_EMBED) {
                rwkvacc_hw_insn_set_region(&n, 0);
                rwkvacc_hw_insn_set_offset(&n, RICH_EMB);
                rwkvacc_hw_insn_set_len(&n, RICH_ROWS);
            } else if (op == RWKVACC_HW_OP_WKV) {
                static const uint32_t subs[3] = {4, 5, 7};
                rwkvacc_hw_insn_set_sub(&n, subs[rr(3)]);
                rwkvacc_hw_insn_set_imm(&n, 1 + rr(2));
            } else if (op > RWKVACC_HW_OP_BONUS7 || (op == RWKVACC_HW_OP_LOADV && rr(3) == 0)) {
                /* random words, or a LOADV from anywhere: an in-domain vector */
                n = assemble(I(.op = RWKVACC_HW_OP_LOADV, .dst = rr(7), .region = 2,
                               .off = 0x100 * rr(7), .len = RICH_ROWS));
            }
            op = rwkvacc_hw_insn_get_opcode(&n);
            prev_result = op != RWKVACC_HW_OP_NOP && op != RWKVACC_HW_OP_PREFETCH &&
                          op != RWKVACC_HW_OP_STOREV && op != RWKVACC_HW_OP_END &&
                          !(op == RWKVACC_HW_OP_MATVEC && rwkvacc_hw_insn_get_sub(&n) == 1);
            prev_dst = rwkvacc_hw_insn_get_dst(&n);
        }
        rwkvacc_hw_insn_store(&n, at);
    }
    rich_rs = NULL;
}

/* The rich streams' matrix records, for the first mismatch. */
static void print_records(const uint8_t *m)
{
    for (uint32_t k = 0; k < 3; k++) {
        const uint8_t *r = m + RICH_REC + 0x100 * k;
        uint32_t f[7];
        for (int i = 0; i < 7; i++)
            f[i] = (uint32_t)r[4 * i] | (uint32_t)r[4 * i + 1] << 8 |
                   (uint32_t)r[4 * i + 2] << 16 | (uint32_t)r[4 * i + 3] << 24;
        printf("#   matrix 0x%x: rows %u cols %u INT%u group %u q 0x%x s 0x%x q_stride %u "
               "(q row padding as written: random)\n",
               RICH_REC + 0x100 * k, f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
    }
}

/* ---- a pass ---- */

/* n streams from *rs (rich: the odd ones, made runnable); checks name and
 * name-mix; 0 when the simulator could not be reopened. */
static int run_pass(const char *name, int n_streams, int rich, uint64_t *rs)
{
    int bad = 0, done = 0, timeouts = 0, kinds = 0;
    int codes[8] = {0};
    uint64_t cycles0 = api->cycles(sim), cycles = 0;
    clock_t t0 = clock();
    char mix[64];
    memset(field_count, 0, sizeof field_count);
    memset(ran, 0, sizeof ran);
    for (int s = 0; s < n_streams; s++) {
        fz_stream fs;
        outcome want, got;
        diff d = {.used = 0, .n = 0};
        char ow[96], og[96];
        int hung = 0;
        fz_stream_make(img, rich ? 2 * s + 1 : s, rs, &fs);
        if (rich)
            rich_stream(img, &fs, rs);
        memcpy(rw_card_mem(card), img, FZ_MEM);
        api->mem_write(sim, 0, img, FZ_MEM);
        for (int k = 0; k < 2; k++) {
            fz_reg_write_fn *wr = k ? sim_reg_write : card_reg_write;
            void *dev = k ? (void *)sim : (void *)card;
            wr(dev, RWKVACC_HW_REG_PROG_OFFSET, fs.prog_offset);
            wr(dev, RWKVACC_HW_REG_PROG_LEN, fs.prog_len);
            wr(dev, RWKVACC_HW_REG_TOKEN, fs.token);
            wr(dev, RWKVACC_HW_REG_CTRL, RWKVACC_HW_CTRL_START_MASK);
        }
        if (api->wait(sim, MAX_CYCLES) != 0) {
            hung = 1;
            timeouts++;
            field_count[F_TIMEOUT]++;
            add_diff(&d, "timeout: the RTL is still busy after %u cycles", MAX_CYCLES);
        }
        want = read_outcome(card_reg_read, card);
        got = read_outcome(sim_reg_read, sim);
        if (!hung) {
            const uint8_t *cm = rw_card_mem(card);
            uint32_t b1 = FZ_IMG, b2 = b1 + FZ_ST, b3 = b2 + FZ_IO, b4 = b3 + FZ_SC;
            cmp_reg(&d, F_STATUS, want.status, got.status);
            cmp_reg(&d, F_ERR, want.err, got.err);
            cmp_reg(&d, F_IRQ, want.irq, got.irq);
            cmp_reg(&d, F_RD, want.rd, got.rd);
            cmp_reg(&d, F_WR, want.wr, got.wr);
            cmp_reg(&d, F_RDW, want.rd_weight, got.rd_weight);
            api->mem_read(sim, 0, rtl_mem, FZ_MEM);
            cmp_mem(&d, F_IMAGE, img, cm, rtl_mem, 0, b1, 1);
            cmp_mem(&d, F_STATE, img, cm, rtl_mem, b1, b2, 0);
            cmp_mem(&d, F_IO, img, cm, rtl_mem, b2, b3, 0);
            cmp_mem(&d, F_SCRATCH, img, cm, rtl_mem, b3, b4, 0);
            cmp_mem(&d, F_GAP, img, cm, rtl_mem, b4, FZ_MEM, 1);
        }
        if (want.status == RWKVACC_HW_STATUS_DONE_MASK && want.err == 0)
            done++;
        else
            codes[want.err & 7]++;
        count_ran(&fs, &want);
        outcome_name(&want, ow, sizeof ow);
        outcome_name(&got, og, sizeof og);
        if (d.n) {
            if (!bad) {
                uint32_t upto = fs.len;
                if ((want.err >> 8) + 1 > upto)
                    upto = (want.err >> 8) + 1;
                if ((got.err >> 8) + 1 > upto)
                    upto = (got.err >> 8) + 1;
                printf("# %s: first mismatch: stream %d (C model %s, RTL %s): %s\n", name, s, ow,
                       og, d.text);
                print_program(img, &fs, upto > 64 ? 64 : upto);
                if (rich)
                    print_records(img);
            } else if (bad <= MAX_LISTED) {
                printf("# %s: mismatch: stream %d (C model %s, RTL %s): %s\n", name, s, ow, og,
                       d.text);
            }
            bad++;
        }
        rw_card_reg_write(card, RWKVACC_HW_REG_IRQ_STATUS, 3);
        if (hung) { /* a hung card: a fresh one for the next stream */
            cycles += api->cycles(sim) - cycles0;
            api->close(sim);
            if (!open_sim())
                return 0;
            cycles0 = api->cycles(sim);
        } else {
            api->reg_write(sim, RWKVACC_HW_REG_IRQ_STATUS, 3);
        }
    }
    cycles += api->cycles(sim) - cycles0;
    for (int k = 1; k < 8; k++)
        kinds += codes[k] > 0;
    printf("# %s: %d streams, %.1f s, %llu RTL cycles; C model: %d ended (DONE), %d failed "
           "(OPCODE %d REGION %d VREG %d MATRIX %d PROGRAM %d TOKEN %d ABORTED %d)\n",
           name, n_streams, (double)(clock() - t0) / CLOCKS_PER_SEC, (unsigned long long)cycles,
           done, n_streams - done, codes[1], codes[2], codes[3], codes[4], codes[5], codes[6],
           codes[7]);
    printf("# %s: instructions run before END or the error:", name);
    for (int op = 0; op < 256; op++)
        if (ran[op])
            printf(" %s %llu", rwkvacc_hw_opcode_name((uint32_t)op), (unsigned long long)ran[op]);
    printf("\n");
    if (bad) {
        printf("# %s: mismatching fields (streams):", name);
        for (int f = 0; f < F_N; f++)
            if (field_count[f])
                printf(" %s %d", field_name[f], field_count[f]);
        printf("\n");
    }
    check(bad == 0, name, "%d of %d streams differ between the C model and the RTL "
          "(%d timeouts; the first above)", bad, n_streams, timeouts);
    snprintf(mix, sizeof mix, "%s-mix", name);
    check(done > 0 && kinds >= 5, mix,
          "%d streams ended, %d error codes occurred: the streams no longer cover the card", done,
          kinds);
    return 1;
}

int main(void)
{
    const char *env_n = getenv("RWKVACC_STREAMS");
    int n_streams = env_n && atoi(env_n) > 0 ? atoi(env_n) : N_STREAMS;
    if (!(api = load_api()))
        return check_exit();
    card = rw_card_new(FZ_MEM);
    if (!check(card != NULL, "sim-streams-card", "out of memory") || !open_sim())
        return check_exit();
    fz_set_regions(card_reg_write, card);
    if (run_pass("sim-streams", n_streams, 0, &rs_plain))
        run_pass("sim-streams-rich", n_streams, 1, &rs_rich);
    api->close(sim);
    rw_card_free(card);
    return check_exit();
}
