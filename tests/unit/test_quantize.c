/*
 * test_quantize.c - the quantizer and the quantized model file: conversions on
 * hand-made vectors and matrices against hand-computed integers (ties, zeros,
 * carries, clamps, INT4 packing, a last partial group), quantization error
 * bounds, determinism, exact write/read round trips on the five tiny models in
 * INT8 and INT4, targeted bad files, and 1,000 random corruptions (every bad file
 * is refused with a one-line message naming it, or loads and writes back to the
 * same bytes; never a sanitizer report).
 * This test walks the records itself rather than trusting the reader under test.
 */
#include "check.h"
#include "golden/qmodel.h"
#include "model.h"
#include "rwkvacc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const tags[5] = {"4v0-660K", "5v1-730K", "5v2-730K", "6v0-1m",
                                    "7v0-834K"};

/* ------------------------------------------------------------ conversions */

static int eq32(const int32_t *a, const int32_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static void test_bfv(void)
{
    int32_t m[8], e = 99;
    {
        /* ties to even at +-1.5 and +-2.5 (units of 2^e) */
        const float v[5] = {1.0f, 0x3p-30f, 0x5p-30f, -0x3p-30f, -0x5p-30f};
        const int32_t want[5] = {1 << 29, 2, 2, -2, -2};
        int rc = rw_quant_bfv(v, 5, m, &e);
        check(rc == 0 && e == -29 && eq32(m, want, 5), "quant-bfv-ties",
              "rc %d e %d m %d %d %d %d %d", rc, (int)e, (int)m[0], (int)m[1], (int)m[2],
              (int)m[3], (int)m[4]);
    }
    {
        const float v[2] = {-3.0f, 0.5f}; /* 3 = 0.75 2^2: e = -28 */
        const int32_t want[2] = {-805306368, 134217728};
        int rc = rw_quant_bfv(v, 2, m, &e);
        check(rc == 0 && e == -28 && eq32(m, want, 2), "quant-bfv-normalized",
              "rc %d e %d m %d %d", rc, (int)e, (int)m[0], (int)m[1]);
    }
    {
        const float v[3] = {0.0f, -0.0f, 0.0f};
        int rc = rw_quant_bfv(v, 3, m, &e);
        check(rc == 0 && e == 0 && m[0] == 0 && m[1] == 0 && m[2] == 0, "quant-bfv-zero",
              "rc %d e %d", rc, (int)e);
    }
    {
        const float v[2] = {1.0f, NAN};
        const float w[2] = {INFINITY, 1.0f};
        check(rw_quant_bfv(v, 2, m, &e) == -1 && rw_quant_bfv(w, 2, m, &e) == -1,
              "quant-bfv-nonfinite", "NaN or infinity accepted");
    }
    {
        /* a double scalar can round up to exactly 2^30 */
        int32_t s, se;
        int rc = rw_quant_bfv_scalar(1.0 - 0x1p-40, &s, &se);
        int ok = rc == 0 && s == (1 << 30) && se == -30;
        rc = rw_quant_bfv_scalar(1e-5, &s, &se);
        /* 1e-5 = 0.65536 2^-16: e = -46, m = RNE(1e-5 2^46) = 703687442 */
        ok = ok && rc == 0 && se == -46 && s == 703687442;
        check(ok, "quant-bfv-scalar", "m %d e %d", (int)s, (int)se);
    }
}

static void test_int8(void)
{
    int8_t q[8];
    uint16_t sm;
    int16_t se;
    {
        /* amax 127: s = 1 = 0.5 2^1, sm 32768, se -15, scale exactly 1 */
        const float w[8] = {127.0f, -127.0f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 3.49f};
        const int8_t want[8] = {127, -127, 0, 2, 2, 0, -2, 3};
        int rc = rw_quant_row8(w, 8, q, &sm, &se);
        check(rc == 0 && sm == 32768 && se == -15 && !memcmp(q, want, 8), "quant-int8-ties",
              "rc %d sm %u se %d q %d %d %d %d %d %d %d %d", rc, sm, se, q[0], q[1], q[2],
              q[3], q[4], q[5], q[6], q[7]);
    }
    {
        /* amax 1: s = 1/127 = (64/127) 2^-6; sm = RNE(4194304/127 = 33026.016) */
        const float w[5] = {1.0f, 0.5f, -0.25f, 0.1f, 0.0f};
        const int8_t want[5] = {127, 64, -32, 13, 0};
        int rc = rw_quant_row8(w, 5, q, &sm, &se);
        check(rc == 0 && sm == 33026 && se == -22 && !memcmp(q, want, 5), "quant-int8-scale",
              "rc %d sm %u se %d q %d %d %d %d %d", rc, sm, se, q[0], q[1], q[2], q[3], q[4]);
    }
    {
        /* s = 1 - 2^-11/127 rounds to sm 65536: carry to 32768, se + 1 */
        const float w[2] = {127.0f - 0x1p-11f, -1.0f};
        int rc = rw_quant_row8(w, 2, q, &sm, &se);
        check(rc == 0 && sm == 32768 && se == -15 && q[0] == 127 && q[1] == -1,
              "quant-int8-carry", "rc %d sm %u se %d q %d %d", rc, sm, se, q[0], q[1]);
    }
    {
        const float w[3] = {0.0f, -0.0f, 0.0f};
        int rc = rw_quant_row8(w, 3, q, &sm, &se);
        check(rc == 0 && sm == 0 && se == 0 && !q[0] && !q[1] && !q[2], "quant-int8-zero-row",
              "rc %d sm %u se %d", rc, sm, se);
    }
}

static void test_int4(void)
{
    uint8_t q4[4];
    uint16_t sm[2];
    int16_t se;
    {
        /* groups of 4, the last one partial (2); both exact at amax/7 (k = 0 of the
         * scale search wins with error 0). Group 0: s = 1 -> sm 32768, se -15;
         * group 1: s = 1.4/7 -> sm RNE(6553.6) = 6554; q = 7 -3 there. */
        const float w[6] = {7.0f, -7.0f, 3.0f, 0.0f, 1.4f, -0.6f};
        int rc = rw_quant_row4(w, 6, 4, q4, sm, &se);
        check(rc == 0 && se == -15 && sm[0] == 32768 && sm[1] == 6554 && q4[0] == 0x97 &&
                  q4[1] == 0x03 && q4[2] == 0xd7,
              "quant-int4-pack", "rc %d se %d sm %u %u bytes %02x %02x %02x", rc, se, sm[0],
              sm[1], q4[0], q4[1], q4[2]);
    }
    {
        /* a zero group: sm 0, q 0; the other group sets the exponent (1/7) */
        const float w[6] = {0, 0, 0, 0, 1.0f, -1.0f};
        int rc = rw_quant_row4(w, 6, 4, q4, sm, &se);
        check(rc == 0 && se == -18 && sm[0] == 0 && sm[1] == 37449 && q4[0] == 0 &&
                  q4[1] == 0 && q4[2] == 0x97,
              "quant-int4-zero-group", "rc %d se %d sm %u %u bytes %02x %02x %02x", rc, se,
              sm[0], sm[1], q4[0], q4[1], q4[2]);
    }
    {
        const float w[4] = {0, 0, 0, 0};
        int rc = rw_quant_row4(w, 4, 4, q4, sm, &se);
        check(rc == 0 && se == 0 && sm[0] == 0 && q4[0] == 0 && q4[1] == 0,
              "quant-int4-zero-row", "rc %d", rc);
        check(rw_quant_row4(w, 3, 4, q4, sm, &se) == -1, "quant-int4-odd-cols",
              "an odd column count was accepted");
    }
}

static void test_emb_fixed(void)
{
    int16_t q[4], e;
    int32_t i32;
    uint32_t u32;
    {
        const float v[4] = {1.0f, 0x1p-15f, 0x3p-15f, -0x5p-15f}; /* e = -14 */
        int rc = rw_quant_emb_row(v, 4, q, &e);
        check(rc == 0 && e == -14 && q[0] == 16384 && q[1] == 0 && q[2] == 2 && q[3] == -2,
              "quant-emb-ties", "rc %d e %d q %d %d %d %d", rc, e, q[0], q[1], q[2], q[3]);
    }
    {
        const float v[2] = {1.0f - 0x1p-24f, -1.0f + 0x1p-24f}; /* rounds to 32768: clamped */
        int rc = rw_quant_emb_row(v, 2, q, &e);
        check(rc == 0 && e == -15 && q[0] == 32767 && q[1] == -32767, "quant-emb-clamp",
              "rc %d e %d q %d %d", rc, e, q[0], q[1]);
    }
    {
        const float v[2] = {0.0f, 0.0f};
        int rc = rw_quant_emb_row(v, 2, q, &e);
        check(rc == 0 && e == 0 && q[0] == 0 && q[1] == 0, "quant-emb-zero", "rc %d", rc);
    }
    {
        int ok = 1;
        ok &= rw_quant_q16(1.5f, &i32) == 0 && i32 == 98304;
        ok &= rw_quant_q16(0x3p-17f, &i32) == 0 && i32 == 2;   /* 1.5 -> 2 */
        ok &= rw_quant_q16(0x5p-17f, &i32) == 0 && i32 == 2;   /* 2.5 -> 2 */
        ok &= rw_quant_q16(-0x1p-17f, &i32) == 0 && i32 == 0;  /* -0.5 -> 0 */
        ok &= rw_quant_q16(-INFINITY, &i32) == 0 && i32 == INT32_MIN;
        ok &= rw_quant_q16(1e10f, &i32) == 0 && i32 == INT32_MAX;
        ok &= rw_quant_q16(NAN, &i32) == -1;
        check(ok, "quant-q16", "a Q15.16 conversion is wrong");
    }
    {
        int ok = 1;
        ok &= rw_quant_q32(0.5f, &u32) == 0 && u32 == 0x80000000u;
        ok &= rw_quant_q32(1.0f, &u32) == 0 && u32 == UINT32_MAX;
        ok &= rw_quant_q32(0x1p-33f, &u32) == 0 && u32 == 0;  /* 0.5 -> 0 */
        ok &= rw_quant_q32(0x3p-33f, &u32) == 0 && u32 == 2;  /* 1.5 -> 2 */
        ok &= rw_quant_q32(-0.1f, &u32) == 0 && u32 == 0;
        ok &= rw_quant_q32(NAN, &u32) == -1;
        check(ok, "quant-q32", "a Q0.32 conversion is wrong");
    }
}

/* ------------------------------------------------------------ error bounds */

static uint64_t rng_state = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
    return check_rand(&rng_state);
}

/* Uniform in [-1, 1), times a per-row magnitude, with some exact zeros. */
static float rnd_weight(double mag)
{
    if (rnd() % 17 == 0)
        return 0.0f;
    return (float)(mag * ((double)(rnd() >> 11) * 0x1p-52 - 1.0));
}

static int nib(const uint8_t *q4, uint32_t j)
{
    int v = (q4[j / 2] >> ((j & 1u) * 4)) & 0xf;
    return v >= 8 ? v - 16 : v;
}

static void test_bounds(void)
{
    enum { COLS = 200 };
    float w[COLS];
    int8_t q8[COLS];
    uint8_t q4[COLS / 2];
    uint16_t sm[8];
    int16_t se;
    int32_t m[COLS], e;
    int16_t qe[COLS], ee;
    double worst8 = 0, worst4 = 0, worstb = 0, worste = 0;
    static const uint32_t groups[3] = {32, 64, 128};
    for (int it = 0; it < 300; it++) {
        double mag = ldexp(1.0, (int)(rnd() % 60) - 30);
        uint32_t cols = it % 3 == 0 ? COLS : it % 3 == 1 ? 64 : 40, g = groups[it % 3];
        for (uint32_t j = 0; j < cols; j++)
            w[j] = rnd_weight(mag * (j % 50 == 7 ? 1e-4 : 1.0)); /* some tiny groups */
        if (rw_quant_row8(w, cols, q8, &sm[0], &se) == 0) {
            double scale = ldexp(sm[0], se);
            for (uint32_t j = 0; j < cols; j++) {
                double err = fabs((double)w[j] - q8[j] * scale) / (scale * 0.5);
                if (err > worst8)
                    worst8 = err;
            }
        }
        if (rw_quant_row4(w, cols, g, q4, sm, &se) == 0) {
            /* The scale search picks, per group, a scale whose squared error is no
             * larger than that of amax/7 (its first candidate), up to the rounding
             * of the scale mantissa to a unit of 2^se (which 7 levels multiply). */
            for (uint32_t j0 = 0; j0 < cols; j0 += g) {
                uint32_t n = cols - j0 < g ? cols - j0 : g;
                double amax = 0, got = 0, base = 0, scale = ldexp(sm[j0 / g], se);
                double unit = ldexp(1.0, se), slack;
                for (uint32_t j = j0; j < j0 + n; j++)
                    amax = fmax(amax, fabs((double)w[j]));
                for (uint32_t j = j0; j < j0 + n; j++) {
                    double d = (double)w[j] - nib(q4, j) * scale;
                    double q0 = amax > 0 ? fmin(fmax(nearbyint(w[j] / (amax / 7)), -7), 7) : 0;
                    double d0 = (double)w[j] - q0 * (amax / 7);
                    got += d * d;
                    base += d0 * d0;
                }
                /* the 16-bit mantissa moves the scale by up to 2^-15 relative */
                slack = base * 1e-3 + n * (3.5 * unit) * (3.5 * unit);
                if (got > base + slack && (got - base) / (slack + 1e-300) > worst4)
                    worst4 = (got - base) / (slack + 1e-300);
            }
        }
        if (rw_quant_bfv(w, cols, m, &e) == 0)
            for (uint32_t j = 0; j < cols; j++) {
                double err = fabs((double)w[j] - ldexp(m[j], e)) / ldexp(0.5, e);
                if (err > worstb)
                    worstb = err;
            }
        if (rw_quant_emb_row(w, cols, qe, &ee) == 0)
            for (uint32_t j = 0; j < cols; j++) {
                double err = fabs((double)w[j] - ldexp(qe[j], ee)) / ldexp(0.5, ee);
                if (err > worste)
                    worste = err;
            }
    }
    /* 1 + 1e-9: the single rounding of w / scale in double */
    check(worst8 <= 1 + 1e-9, "quant-int8-error-bound",
          "worst |w - q scale| is %.6f x scale/2", worst8);
    check(worst4 == 0, "quant-int4-error-bound",
          "a group's squared error exceeds amax/7's by %.3f x the rounding slack", worst4);
    check(worstb <= 1 + 1e-9 && worste <= 2 + 1e-9, "quant-bfv-emb-error-bound",
          "bfv %.6f x 2^e/2, emb %.6f x 2^e/2 (2 allowed: 32768 clamps)", worstb, worste);
}

/* ------------------------------------------------------------ whole models */

static rwkvacc_model *load_float(const char *tag)
{
    char rel[128], path[512];
    rwkvacc_model *m = NULL;
    rwkvacc_error err;
    snprintf(rel, sizeof rel, "models/tiny-rwkv-%s-FP32.bin", tag);
    if (!check_shared_path(path, sizeof path, rel, "quantize-data"))
        return NULL;
    if (rwkvacc_model_load(path, &m, &err) != RWKVACC_OK) {
        check(0, "quantize-data", "%s", err.msg);
        return NULL;
    }
    return m;
}

/* quantize + write to memory; NULL on failure (reported). */
static uint8_t *quantize_mem(const rwkvacc_model *m, uint32_t bits, uint32_t group,
                             size_t *len, const char *test)
{
    rw_quant_options o = {bits, group};
    rw_qmodel *q = NULL;
    rwkvacc_error err;
    uint8_t *buf = NULL;
    if (rw_quantize(m, &o, &q, &err) != RWKVACC_OK ||
        rw_qmodel_write_mem(q, &buf, len, &err) != RWKVACC_OK) {
        check(0, test, "%s", err.msg);
        buf = NULL;
    }
    rw_qmodel_free(q);
    return buf;
}

static void test_determinism(void)
{
    rwkvacc_model *m = load_float("7v0-834K");
    char dir[] = "/tmp/rwkvacc-quant-XXXXXX", p1[128], p2[128];
    rw_quant_options o = {4, 64};
    rw_qmodel *a = NULL, *b = NULL;
    rwkvacc_error err;
    uint8_t *fa, *fb;
    size_t la = 0, lb = 0;
    if (!m)
        return;
    if (!mkdtemp(dir)) {
        check(0, "quantize-deterministic", "mkdtemp failed");
        rwkvacc_model_free(m);
        return;
    }
    snprintf(p1, sizeof p1, "%s/a.rq", dir);
    snprintf(p2, sizeof p2, "%s/b.rq", dir);
    if (rw_quantize(m, &o, &a, &err) || rw_quantize(m, &o, &b, &err) ||
        rw_qmodel_write(a, p1, &err) || rw_qmodel_write(b, p2, &err)) {
        check(0, "quantize-deterministic", "%s", err.msg);
    } else {
        fa = check_read_file(p1, &la);
        fb = check_read_file(p2, &lb);
        check(fa && fb && la == lb && la > RW_QFILE_HEADER_BYTES && !memcmp(fa, fb, la),
              "quantize-deterministic", "two quantizations differ (%zu vs %zu bytes)", la, lb);
        /* rw_qmodel_write and rw_qmodel_write_mem give the same bytes */
        {
            uint8_t *mb = NULL;
            size_t ml = 0;
            int ok = rw_qmodel_write_mem(a, &mb, &ml, &err) == RWKVACC_OK && fa && ml == la &&
                     !memcmp(mb, fa, la);
            check(ok, "quantize-write-file-equals-mem", "file and memory images differ");
            free(mb);
        }
        free(fa);
        free(fb);
    }
    /* a failing write leaves an existing file unchanged and no temporary behind */
    {
        char bad[160];
        snprintf(bad, sizeof bad, "%s/missing-dir/x.rq", dir);
        check(rw_qmodel_write(a, bad, &err) == RWKVACC_E_IO && !strncmp(err.msg, bad, strlen(bad)),
              "quantize-write-error", "status/message: '%s'", err.msg);
    }
    rw_qmodel_free(a);
    rw_qmodel_free(b);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
    rwkvacc_model_free(m);
}

/* write(read(write(quantize(m)))) == write(quantize(m)), through the model loader too */
static void test_roundtrip(void)
{
    static const uint32_t bits[3] = {8, 4, 4}, group[3] = {0, 64, 128};
    for (int i = 0; i < 5; i++) {
        rwkvacc_model *m = load_float(tags[i]);
        if (!m)
            return;
        for (int k = 0; k < 3; k++) {
            char name[96];
            size_t len = 0, len2 = 0;
            uint8_t *buf, *buf2 = NULL;
            rw_qmodel *q = NULL;
            rwkvacc_model *lm = NULL;
            rwkvacc_error err;
            int ok;
            snprintf(name, sizeof name, "quantize-roundtrip-%s-int%u%s", tags[i], bits[k],
                     group[k] == 128 ? "-g128" : "");
            if (!(buf = quantize_mem(m, bits[k], group[k], &len, name)))
                continue;
            memset(&err, 0, sizeof err);
            ok = rw_qmodel_read_mem(buf, len, "rt.rq", &q, &err) == RWKVACC_OK &&
                 rw_qmodel_write_mem(q, &buf2, &len2, &err) == RWKVACC_OK && len2 == len &&
                 !memcmp(buf, buf2, len);
            ok = ok && q->weight_bits == bits[k] && q->group == group[k] &&
                 q->info.n_layer == m->info.n_layer && q->info.n_params == m->info.n_params &&
                 q->info.file_bytes == len && !strcmp(q->info.file_format, "rwkvacc-quant");
            if (ok) {
                ok = rwkvacc_model_load_mem(buf, len, "rt.rq", &lm, &err) == RWKVACC_OK &&
                     lm->q && !lm->layers && lm->info.n_vocab == m->info.n_vocab &&
                     !strcmp(lm->info.file_dtype, bits[k] == 8 ? "INT8"
                                                  : group[k] == 64 ? "INT4-g64"
                                                                   : "INT4-g128");
            }
            if (ok) { /* the float reference refuses it */
                rwkvacc_ctx *c = NULL;
                rwkvacc_error e2;
                ok = rwkvacc_ctx_open("ref", lm, NULL, &c, &e2) == RWKVACC_E_UNSUPPORTED &&
                     strstr(e2.msg, "quantized") != NULL;
                if (!ok)
                    snprintf(err.msg, sizeof err.msg, "ref accepted it or said '%.200s'",
                             e2.msg);
            }
            check(ok, name, "%zu vs %zu bytes; %s", len, len2, err.msg);
            rwkvacc_model_free(lm);
            rw_qmodel_free(q);
            free(buf2);
            free(buf);
        }
        rwkvacc_model_free(m);
    }
}

static void test_options(void)
{
    rwkvacc_model *m = load_float("4v0-660K");
    rw_quant_options bad[4] = {{3, 0}, {4, 7}, {4, 130}, {4, 33}};
    int ok = 1;
    rwkvacc_error err;
    if (!m)
        return;
    for (int i = 0; i < 4; i++) {
        rw_qmodel *q = NULL;
        ok &= rw_quantize(m, &bad[i], &q, &err) == RWKVACC_E_ARG && q == NULL &&
              !strncmp(err.msg, "quantize: ", 10);
    }
    check(ok, "quantize-bad-options", "a bad option was accepted: '%s'", err.msg);
    {
        /* a NaN in a matrix is refused, naming the tensor */
        float keep = m->layers[1].Wk.w[5];
        rw_quant_options o = {8, 0};
        rw_qmodel *q = NULL;
        m->layers[1].Wk.w[5] = NAN;
        check(rw_quantize(m, &o, &q, &err) != RWKVACC_OK && q == NULL &&
                  strstr(err.msg, "'blocks.1.Wk'") && strstr(err.msg, "element 5 is NaN"),
              "quantize-nan", "message '%s'", err.msg);
        m->layers[1].Wk.w[5] = keep;
    }
    rwkvacc_model_free(m);
}

/* ------------------------------------------------------------ bad files */

typedef struct rec {
    size_t off, name_off, data_off, end; /* data_off: after the name */
    uint32_t kind;
} rec;

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The records of a well-formed file (group from the header); returns their count. */
static size_t walk(const uint8_t *b, size_t len, rec *r, size_t max)
{
    size_t o = RW_QFILE_HEADER_BYTES, n = 0;
    while (o + 8 <= len && n < max) {
        uint32_t kind = rd32(b + o), nl = rd32(b + o + 4);
        size_t d = o + 8 + nl, end;
        if (kind == RW_QK_BFV) {
            end = d + 8 + 4 * (size_t)rd32(b + d);
        } else if (kind == RW_QK_I32 || kind == RW_QK_U32) {
            end = d + 4 + 4 * (size_t)rd32(b + d);
        } else if (kind == RW_QK_QMAT) {
            size_t bits = rd32(b + d), rows = rd32(b + d + 4), cols = rd32(b + d + 8);
            size_t g = rd32(b + d + 12), ng = (cols + g - 1) / g;
            end = d + 16 + (bits == 8 ? rows * cols : rows * cols / 2) + rows * ng * 2 + rows * 2;
        } else {
            size_t rows = rd32(b + d), cols = rd32(b + d + 4);
            end = d + 8 + rows * cols * 2 + rows * 2;
        }
        r[n].off = o;
        r[n].name_off = o + 8;
        r[n].data_off = d;
        r[n].end = end;
        r[n].kind = kind;
        n++;
        o = end;
    }
    return n;
}

static const rec *find_rec(const uint8_t *b, const rec *r, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (r[i].data_off - r[i].name_off == strlen(name) &&
            !memcmp(b + r[i].name_off, name, strlen(name)))
            return &r[i];
    return NULL;
}

static void expect_fail(const char *test, const uint8_t *buf, size_t len, int status,
                        const char *want)
{
    rw_qmodel *q = NULL;
    rwkvacc_error err;
    rwkvacc_status s;
    memset(&err, 0, sizeof err);
    s = rw_qmodel_read_mem(buf, len, "bad.rq", &q, &err);
    if (s == RWKVACC_OK) {
        rw_qmodel_free(q);
        check(0, test, "loaded without error");
        return;
    }
    check_failed(test, (int)s, rwkvacc_status_str(s), err.msg, status, "bad.rq", want);
}

static void test_targeted(const uint8_t *orig, size_t len, uint32_t bits, const char *sfx)
{
    rec r[1024];
    size_t n = walk(orig, len, r, 1024);
    uint8_t *b = malloc(len + 4096);
    const rec *t;
    char name[64];
#define NAME(s) (snprintf(name, sizeof name, "qfile-%s-%s", s, sfx), name)
    memcpy(b, orig, len);
    check(n > 10 && r[n - 1].end == len, NAME("walk"), "walked %zu records to %zu of %zu",
          n, n ? r[n - 1].end : 0, len);
    expect_fail(NAME("empty"), b, 0, RWKVACC_E_FORMAT, "empty");
    expect_fail(NAME("short-header"), b, 40, RWKVACC_E_FORMAT, "too short");
    b[3] ^= 0x20;
    expect_fail(NAME("magic"), b, len, RWKVACC_E_FORMAT, "bad magic");
    memcpy(b, orig, len);
    wr32(b + 8, 99);
    expect_fail(NAME("version"), b, len, RWKVACC_E_UNSUPPORTED, "version 99");
    memcpy(b, orig, len);
    wr32(b + 12, 33);
    expect_fail(NAME("arch"), b, len, RWKVACC_E_UNSUPPORTED, "version code 33");
    memcpy(b, orig, len);
    wr32(b + 16, 3);
    expect_fail(NAME("bits"), b, len, RWKVACC_E_UNSUPPORTED, "3-bit");
    memcpy(b, orig, len);
    wr32(b + 20, bits == 8 ? 64 : 33);
    expect_fail(NAME("group"), b, len, RWKVACC_E_FORMAT, "group");
    memcpy(b, orig, len);
    wr32(b + 28, 0x80000000u); /* n_embd */
    expect_fail(NAME("absurd-embd"), b, len, RWKVACC_E_SHAPE, "n_embd");
    memcpy(b, orig, len);
    wr32(b + 32, 5000); /* n_layer */
    expect_fail(NAME("absurd-layers"), b, len, RWKVACC_E_SHAPE, "n_layer");
    memcpy(b, orig, len);
    wr32(b + 36, rd32(b + 36) + 1); /* n_head: heads x size != n_embd */
    expect_fail(NAME("heads"), b, len, RWKVACC_E_SHAPE, "head");
    memcpy(b, orig, len);
    wr32(b + 24, rd32(b + 24) + 1); /* n_vocab: emb has the old row count */
    expect_fail(NAME("shape"), b, len, RWKVACC_E_SHAPE, "'emb' has rows");
    memcpy(b, orig, len);
    /* truncations: in the header of a record, in its name, in its data, and clean */
    expect_fail(NAME("trunc-record-header"), b, r[3].off + 6, RWKVACC_E_FORMAT, "truncated");
    expect_fail(NAME("trunc-name"), b, r[3].name_off + 2, RWKVACC_E_FORMAT, "truncated");
    expect_fail(NAME("trunc-data"), b, r[3].data_off + 10, RWKVACC_E_FORMAT, "truncated");
    expect_fail(NAME("missing-tensor"), b, r[n - 1].off, RWKVACC_E_TENSOR,
                "missing tensor 'head'");
    /* trailing bytes; an extra unknown record; a duplicate */
    memset(b + len, 0, 3);
    expect_fail(NAME("trailing"), b, len + 3, RWKVACC_E_FORMAT, "trailing data");
    {
        static const char nm[] = "blocks.0.bogus";
        wr32(b + len, RW_QK_I32);
        wr32(b + len + 4, (uint32_t)strlen(nm));
        memcpy(b + len + 8, nm, strlen(nm));
        wr32(b + len + 8 + strlen(nm), 0);
        expect_fail(NAME("unknown-tensor"), b, len + 12 + strlen(nm), RWKVACC_E_TENSOR,
                    "unknown tensor 'blocks.0.bogus'");
    }
    t = find_rec(orig, r, n, "ln_out_b");
    memcpy(b + len, orig + t->off, t->end - t->off);
    expect_fail(NAME("duplicate"), b, len + (t->end - t->off), RWKVACC_E_TENSOR,
                "'ln_out_b' appears twice");
    /* records swapped: out of order */
    {
        const rec *a = find_rec(orig, r, n, "ln0_w"), *c = find_rec(orig, r, n, "ln0_b");
        size_t la = a->end - a->off;
        memcpy(b + a->off, orig + c->off, la);
        memcpy(b + c->off, orig + a->off, la);
        expect_fail(NAME("order"), b, len, RWKVACC_E_TENSOR, "out of order");
        memcpy(b, orig, len);
    }
    /* a name with a control character, a zero-length name, a wrong kind */
    b[r[2].name_off + 1] = '\n';
    expect_fail(NAME("name-bytes"), b, len, RWKVACC_E_FORMAT, "printable");
    memcpy(b, orig, len);
    wr32(b + r[2].off + 4, 0);
    expect_fail(NAME("name-length"), b, len, RWKVACC_E_FORMAT, "name length 0");
    memcpy(b, orig, len);
    wr32(b + r[2].off, RW_QK_U32);
    expect_fail(NAME("kind"), b, len, RWKVACC_E_FORMAT, "expected 1 (BFV)");
    memcpy(b, orig, len);
    /* the block-floating vector ln0_w: not normalized; zero with an exponent */
    t = find_rec(orig, r, n, "ln0_w");
    {
        uint32_t cnt = rd32(b + t->data_off);
        for (uint32_t i = 0; i < cnt; i++)
            wr32(b + t->data_off + 8 + 4 * i, rd32(b + t->data_off + 8 + 4 * i) >> 2 & 0xfffffu);
        expect_fail(NAME("bfv-normalized"), b, len, RWKVACC_E_FORMAT, "not normalized");
        memset(b + t->data_off + 8, 0, 4 * (size_t)cnt);
        wr32(b + t->data_off + 4, 3);
        expect_fail(NAME("bfv-zero-exp"), b, len, RWKVACC_E_FORMAT, "all-zero vector");
        memcpy(b, orig, len);
        wr32(b + t->data_off + 8, 0x40000001u);
        expect_fail(NAME("bfv-mantissa"), b, len, RWKVACC_E_FORMAT, "exceeds 2^30");
        memcpy(b, orig, len);
        wr32(b + t->data_off, cnt + 1);
        expect_fail(NAME("bfv-count"), b, len, RWKVACC_E_SHAPE, "has n");
        memcpy(b, orig, len);
    }
    /* the matrix blocks.0.Wk: q out of range, scales inconsistent */
    t = find_rec(orig, r, n, "blocks.0.Wk");
    {
        size_t d = t->data_off, rows = rd32(b + d + 4), cols = rd32(b + d + 8);
        size_t g = rd32(b + d + 12), ng = (cols + g - 1) / g;
        size_t qb = bits == 8 ? rows * cols : rows * cols / 2, sm = d + 16 + qb;
        size_t se = sm + rows * ng * 2;
        b[d + 16 + 5] = bits == 8 ? 0x80 : 0x83; /* -128, or nibble 8 (-8) high */
        expect_fail(NAME("q-range"), b, len, RWKVACC_E_FORMAT, bits == 8 ? "is -128" : "is -8");
        memcpy(b, orig, len);
        b[sm + 1] = 0x10; /* row 0's first scale mantissa: 0x10xx < 2^15 */
        for (size_t k = 1; k < ng; k++)
            b[sm + 2 * k + 1] = 0; /* and the other groups' scales smaller */
        expect_fail(NAME("sm-range"), b, len, RWKVACC_E_FORMAT, "below 2^15");
        memcpy(b, orig, len);
        memset(b + sm, 0, ng * 2); /* row 0's scales zero, its weights not */
        expect_fail(NAME("sm-zero"), b, len, RWKVACC_E_FORMAT, "zero scales");
        b[se] = 0;
        b[se + 1] = 0;
        expect_fail(NAME("sm-zero-q"), b, len, RWKVACC_E_FORMAT, "whose scale is 0");
        memcpy(b, orig, len);
        b[se] = 0x00;
        b[se + 1] = 0x80; /* se = -32768 */
        expect_fail(NAME("se-range"), b, len, RWKVACC_E_FORMAT, "outside [-256, 256]");
        memcpy(b, orig, len);
        wr32(b + d, bits == 8 ? 4 : 8);
        expect_fail(NAME("qmat-bits"), b, len, RWKVACC_E_SHAPE, "weight bits");
        memcpy(b, orig, len);
        wr32(b + d + 12, 96);
        expect_fail(NAME("qmat-group"), b, len, RWKVACC_E_SHAPE, "group");
        memcpy(b, orig, len);
    }
    /* the embedding: -32768, not normalized */
    t = find_rec(orig, r, n, "emb");
    b[t->data_off + 8] = 0x00;
    b[t->data_off + 9] = 0x80;
    expect_fail(NAME("emb-range"), b, len, RWKVACC_E_FORMAT, "-32768");
    memcpy(b, orig, len);
    {
        size_t cols = rd32(b + t->data_off + 4);
        for (size_t j = 0; j < cols; j++) { /* row 0 scaled down by 4: max below 2^14 */
            size_t at = t->data_off + 8 + 2 * j;
            int v = (int16_t)(uint16_t)(b[at] | b[at + 1] << 8) / 4;
            b[at] = (uint8_t)((unsigned)v & 0xff);
            b[at + 1] = (uint8_t)(((unsigned)v >> 8) & 0xff);
        }
        expect_fail(NAME("emb-normalized"), b, len, RWKVACC_E_FORMAT, "not normalized");
        memcpy(b, orig, len);
    }
#undef NAME
    free(b);
}

/* One random corruption: a few bytes, biased towards the header and record
 * headers, or a truncation. Returns the new length. */
static size_t corrupt(uint8_t *b, size_t len, const rec *r, size_t n)
{
    int k = 1 + (int)(rnd() % 6);
    if (rnd() % 10 == 0)
        return rnd() % len;
    while (k--) {
        size_t at;
        uint64_t c = rnd() % 8;
        if (c < 3) { /* a record header: kind, name length, name, dimensions */
            const rec *x = &r[rnd() % n];
            size_t hdr = x->data_off - x->off + 16;
            at = x->off + rnd() % hdr;
            if (at >= len)
                at = len - 1;
        } else if (c < 5) {
            at = rnd() % RW_QFILE_HEADER_BYTES;
        } else {
            at = rnd() % len;
        }
        switch (rnd() % 4) {
        case 0: b[at] = (uint8_t)rnd(); break;
        case 1: b[at] ^= (uint8_t)(1u << (rnd() % 8)); break;
        case 2: b[at] = 0; break;
        default: b[at] = 0xff; break;
        }
    }
    return len;
}

static void test_random(const uint8_t *orig, size_t len, const char *tag, int iters)
{
    rec r[1024];
    size_t n = walk(orig, len, r, 1024);
    uint8_t *b = malloc(len);
    int loaded = 0, bad_msg = 0, not_canonical = 0;
    char name[96];
    for (int i = 0; i < iters; i++) {
        rw_qmodel *q = NULL;
        rwkvacc_model *m = NULL;
        rwkvacc_error err;
        size_t l;
        memcpy(b, orig, len);
        l = corrupt(b, len, r, n);
        memset(&err, 0, sizeof err);
        if (rw_qmodel_read_mem(b, l, "bad.rq", &q, &err) == RWKVACC_OK) {
            uint8_t *w = NULL;
            size_t wl = 0;
            loaded++;
            /* whatever loads is canonical: it writes back to the same bytes */
            if (rw_qmodel_write_mem(q, &w, &wl, &err) != RWKVACC_OK || wl != l ||
                memcmp(w, b, l))
                not_canonical++;
            free(w);
            rw_qmodel_free(q);
        } else if (!check_names_file(err.msg, "bad.rq")) {
            if (!bad_msg++)
                printf("# bad message: '%s'\n", err.msg);
        }
        /* and through the public loader */
        if (rwkvacc_model_load_mem(b, l, "bad.rq", &m, &err) == RWKVACC_OK)
            rwkvacc_model_free(m);
        else if (strncmp(err.msg, "bad.rq: ", 8) != 0)
            bad_msg++;
    }
    snprintf(name, sizeof name, "qfile-random-corruption-%s", tag);
    check(bad_msg == 0 && not_canonical == 0, name,
          "%d messages not naming the file, %d loaded files not written back identically",
          bad_msg, not_canonical);
    printf("# %s: %d corrupted files, %d still loaded (corrupted values), rest refused\n", tag,
           iters, loaded);
    free(b);
}

static void test_files(void)
{
    for (int i = 0; i < 5; i++) {
        rwkvacc_model *m = load_float(tags[i]);
        if (!m)
            return;
        for (uint32_t bits = 8; bits >= 4; bits -= 4) {
            char tag[64];
            size_t len = 0;
            uint8_t *buf;
            snprintf(tag, sizeof tag, "%s-int%u", tags[i], bits);
            buf = quantize_mem(m, bits, bits == 4 ? 64 : 0, &len, tag);
            if (!buf)
                continue;
            if (i == 4 || i == 0)
                test_targeted(buf, len, bits, tag);
            test_random(buf, len, tag, 100); /* 1,000 in all */
            free(buf);
        }
        rwkvacc_model_free(m);
    }
}

int main(void)
{
    test_bfv();
    test_int8();
    test_int4();
    test_emb_fixed();
    test_bounds();
    test_options();
    test_determinism();
    test_roundtrip();
    test_files();
    return check_exit();
}
