/*
 * qmodel_io.c - the quantized model file (docs/formats.md, "Quantized model"):
 * writing it atomically and reading it back with every byte checked.
 *
 * Layout: an 80-byte header (magic, format version, version and dimensions,
 * weight bits, group, parameter count), then one record per tensor in the order
 * rw_qmodel_tensors lists them: u32 kind, u32 name length, the name, the kind's
 * dimensions and its payload. All little-endian, serialized byte by byte.
 * The reader accepts exactly what the writer produces (canonical form), so a
 * file that loads is written back byte for byte.
 */
#include "qmodel.h"

#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LAYERS 4096u
#define MAX_DIM 0x40000000u /* any one dimension */

/* ------------------------------------------------------------ writing */

typedef struct sink {
    FILE *f;        /* file mode */
    uint8_t *mem;   /* memory mode */
    size_t len, cap;
    uint8_t buf[1 << 16];
    size_t used;
    int failed; /* errno of the first failure, or ENOMEM */
} sink;

static void flush_sink(sink *s)
{
    if (s->f && s->used && !s->failed && fwrite(s->buf, 1, s->used, s->f) != s->used)
        s->failed = errno ? errno : EIO;
    s->used = 0;
}

static void put(sink *s, const uint8_t *p, size_t n)
{
    if (s->failed)
        return;
    if (!s->f) {
        if (n > s->cap - s->len) {
            size_t cap = s->cap ? s->cap : 4096;
            uint8_t *m;
            while (n > cap - s->len)
                cap *= 2;
            if (!(m = realloc(s->mem, cap))) {
                s->failed = ENOMEM;
                return;
            }
            s->mem = m;
            s->cap = cap;
        }
        memcpy(s->mem + s->len, p, n);
        s->len += n;
        return;
    }
    while (n) {
        size_t k = sizeof s->buf - s->used;
        if (k > n)
            k = n;
        memcpy(s->buf + s->used, p, k);
        s->used += k;
        p += k;
        n -= k;
        if (s->used == sizeof s->buf)
            flush_sink(s);
    }
}

static void put_u16(sink *s, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v & 0xffu), (uint8_t)(v >> 8)};
    put(s, b, 2);
}

static void put_u32(sink *s, uint32_t v)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)((v >> (8 * i)) & 0xffu);
    put(s, b, 4);
}

static void put_u64(sink *s, uint64_t v)
{
    put_u32(s, (uint32_t)(v & 0xffffffffu));
    put_u32(s, (uint32_t)(v >> 32));
}

/* Two's complement, by conversion to the unsigned type (well defined). */
static void put_i16(sink *s, int32_t v)
{
    put_u16(s, (uint16_t)(uint32_t)v);
}

static void put_i32(sink *s, int32_t v)
{
    put_u32(s, (uint32_t)v);
}

static void put_header(sink *s, const rw_qmodel *q)
{
    const rwkvacc_model_info *I = &q->info;
    const uint32_t f[16] = {RW_QFILE_VERSION, (uint32_t)I->arch, q->weight_bits,
                            q->weight_bits == 4 ? q->group : 0, I->n_vocab, I->n_embd,
                            I->n_layer, I->n_head, I->head_size, I->n_ffn, I->d_mix,
                            I->d_decay, I->d_w, I->d_a, I->d_v, I->d_g};
    put(s, (const uint8_t *)RW_QFILE_MAGIC, 8);
    for (int i = 0; i < 16; i++)
        put_u32(s, f[i]);
    put_u64(s, I->n_params);
}

static void put_record(sink *s, const rw_qtensor *t)
{
    size_t nl = strlen(t->name);
    put_u32(s, (uint32_t)t->kind);
    put_u32(s, (uint32_t)nl);
    put(s, (const uint8_t *)t->name, nl);
    switch (t->kind) {
    case RW_QK_BFV: {
        const rw_cbfv *v = t->dst;
        put_u32(s, v->n);
        put_i32(s, v->e);
        for (uint32_t i = 0; i < v->n; i++)
            put_i32(s, v->m[i]);
        break;
    }
    case RW_QK_I32: {
        const int32_t *p = *(const int32_t *const *)t->dst;
        put_u32(s, t->cols);
        for (uint32_t i = 0; i < t->cols; i++)
            put_i32(s, p[i]);
        break;
    }
    case RW_QK_U32: {
        const uint32_t *p = *(const uint32_t *const *)t->dst;
        put_u32(s, t->cols);
        for (uint32_t i = 0; i < t->cols; i++)
            put_u32(s, p[i]);
        break;
    }
    case RW_QK_QMAT: {
        const rw_qmat *W = t->dst;
        size_t ng = rw_qmat_groups(W), nq = (size_t)W->rows * W->cols;
        put_u32(s, W->bits);
        put_u32(s, W->rows);
        put_u32(s, W->cols);
        put_u32(s, W->group);
        if (W->bits == 8) {
            for (size_t i = 0; i < nq; i++) {
                uint8_t b = (uint8_t)(uint32_t)(int32_t)W->q8[i];
                put(s, &b, 1);
            }
        } else {
            put(s, W->q4, nq / 2);
        }
        for (size_t i = 0; i < (size_t)W->rows * ng; i++)
            put_u16(s, W->sm[i]);
        for (uint32_t r = 0; r < W->rows; r++)
            put_i16(s, W->se[r]);
        break;
    }
    case RW_QK_EMB: {
        const rw_qemb *E = t->dst;
        size_t nq = (size_t)t->rows * t->cols;
        put_u32(s, t->rows);
        put_u32(s, t->cols);
        for (size_t i = 0; i < nq; i++)
            put_i16(s, E->q[i]);
        for (uint32_t r = 0; r < t->rows; r++)
            put_i16(s, E->e[r]);
        break;
    }
    }
}

/* Serializes q into s. */
static rwkvacc_status serialize(const rw_qmodel *q, sink *s, const char *name,
                                rwkvacc_error *err)
{
    rw_qtensor *list = NULL;
    size_t n = 0;
    rwkvacc_status st;
    if (!q || (q->weight_bits != 8 && q->weight_bits != 4) || !q->layers)
        return rw_fail(err, RWKVACC_E_ARG, "%s: not a complete quantized model", name);
    /* The list only points into q; the writer never changes it. */
    st = rw_qmodel_tensors((rw_qmodel *)q, NULL, &list, &n, err);
    if (st)
        return st;
    put_header(s, q);
    for (size_t i = 0; i < n; i++)
        put_record(s, &list[i]);
    free(list);
    flush_sink(s);
    return RWKVACC_OK;
}

rwkvacc_status rw_qmodel_write_mem(const rw_qmodel *q, uint8_t **buf, size_t *len,
                                   rwkvacc_error *err)
{
    sink *s = calloc(1, sizeof *s);
    rwkvacc_status st;
    if (!s)
        return rw_fail(err, RWKVACC_E_NOMEM, "quantized model: out of memory");
    st = serialize(q, s, "quantized model", err);
    if (!st && s->failed)
        st = rw_fail(err, RWKVACC_E_NOMEM, "quantized model: out of memory for %zu bytes",
                     s->len);
    if (st) {
        free(s->mem);
    } else {
        *buf = s->mem;
        *len = s->len;
    }
    free(s);
    return st;
}

rwkvacc_status rw_qmodel_write_stream(const rw_qmodel *q, FILE *f, const char *name,
                                      rwkvacc_error *err)
{
    sink *s = calloc(1, sizeof *s);
    rwkvacc_status st;
    int e;
    if (!s)
        return rw_fail(err, RWKVACC_E_NOMEM, "%s: out of memory", name);
    s->f = f;
    errno = 0;
    st = serialize(q, s, name, err);
    e = s->failed;
    free(s);
    if (!st && e)
        st = rw_fail(err, RWKVACC_E_IO, "%s: cannot write: %s", name, strerror(e));
    return st;
}

static rwkvacc_status write_fail(rwkvacc_error *err, const char *path, int e)
{
    return rw_fail(err, e == ENOMEM ? RWKVACC_E_NOMEM : RWKVACC_E_IO, "%s: cannot write: %s",
                   path, strerror(e));
}

rwkvacc_status rw_qmodel_write(const rw_qmodel *q, const char *path, rwkvacc_error *err)
{
    struct stat sb;
    char *tmp = NULL;
    int fd = -1, direct = 0, e = 0;
    sink *s;
    rwkvacc_status st;
    if (!path || !path[0])
        return rw_fail(err, RWKVACC_E_ARG, "quantized model: empty output file name");
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return write_fail(err, path, EISDIR);
    direct = stat(path, &sb) == 0 && !S_ISREG(sb.st_mode); /* a device or a pipe */
    if (!(s = calloc(1, sizeof *s)))
        return write_fail(err, path, ENOMEM);
    if (direct) {
        s->f = fopen(path, "wb");
    } else {
        size_t n = strlen(path) + 16;
        mode_t mask;
        if (!(tmp = malloc(n))) {
            free(s);
            return write_fail(err, path, ENOMEM);
        }
        snprintf(tmp, n, "%s.tmp-XXXXXX", path);
        if ((fd = mkstemp(tmp)) < 0) {
            e = errno;
            free(tmp);
            free(s);
            return write_fail(err, path, e);
        }
        /* mkstemp makes the file 0600; give it the mode a plain create would. */
        mask = umask(0);
        umask(mask);
        (void)fchmod(fd, 0666 & ~mask);
        s->f = fdopen(fd, "wb");
        if (!s->f)
            close(fd);
    }
    if (!s->f) {
        e = errno ? errno : EIO;
        if (tmp)
            unlink(tmp);
        free(tmp);
        free(s);
        return write_fail(err, path, e);
    }
    errno = 0;
    st = serialize(q, s, path, err);
    e = s->failed;
    if (!e && (fflush(s->f) != 0 || ferror(s->f)))
        e = errno ? errno : EIO;
    if (!st && !e && tmp && fsync(fileno(s->f)) != 0 && errno != EINVAL && errno != EROFS)
        e = errno;
    if (fclose(s->f) != 0 && !e)
        e = errno ? errno : EIO;
    if (!st && !e && tmp && rename(tmp, path) != 0)
        e = errno;
    if (!st && e)
        st = write_fail(err, path, e);
    if (st && tmp)
        unlink(tmp);
    free(tmp);
    free(s);
    return st;
}

/* ------------------------------------------------------------ reading */

typedef struct reader {
    const uint8_t *b;
    size_t len, off;
    const char *name;
    rwkvacc_error *err;
    rwkvacc_status st; /* the first failure sticks */
    const char *what;  /* the tensor being read, for messages */
    rwkvacc_arch arch;
} reader;

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int32_t to_i32(uint32_t u)
{
    return u < 0x80000000u ? (int32_t)u : -(int32_t)(~u) - 1;
}

static int32_t to_i16(uint32_t u)
{
    return u < 0x8000u ? (int32_t)u : (int32_t)u - 65536;
}

/* n more bytes are available; else a "truncated" failure. */
static int need(reader *r, uint64_t n)
{
    if (r->st)
        return 0;
    if (n > r->len - r->off) {
        if (r->what)
            r->st = rw_fail(r->err, RWKVACC_E_FORMAT, "%s: truncated: tensor '%s' needs "
                            "%llu more bytes at offset %zu, the file has %zu",
                            r->name, r->what, (unsigned long long)n, r->off,
                            r->len - r->off);
        else
            r->st = rw_fail(r->err, RWKVACC_E_FORMAT, "%s: truncated at offset %zu (a "
                            "record header needs %llu bytes, %zu remain)", r->name, r->off,
                            (unsigned long long)n, r->len - r->off);
        return 0;
    }
    return 1;
}

static uint32_t get_u32(reader *r)
{
    uint32_t v;
    if (!need(r, 4))
        return 0;
    v = le32(r->b + r->off);
    r->off += 4;
    return v;
}

static const char *kind_name(uint32_t k)
{
    switch (k) {
    case RW_QK_BFV: return "BFV";
    case RW_QK_I32: return "I32";
    case RW_QK_U32: return "U32";
    case RW_QK_QMAT: return "QMAT";
    case RW_QK_EMB: return "EMB";
    }
    return "unknown";
}

static void *alloc_or_fail(reader *r, rw_qmodel *q, size_t bytes)
{
    void *p;
    if (r->st)
        return NULL;
    if (!(p = rw_qmodel_alloc(q, bytes)))
        r->st = rw_fail(r->err, RWKVACC_E_NOMEM, "%s: out of memory for tensor '%s' (%zu "
                        "bytes)", r->name, r->what, bytes);
    return p;
}

static int exp_ok(int32_t e)
{
    return e >= -RW_QFILE_EXP_MAX && e <= RW_QFILE_EXP_MAX;
}

static void bad(reader *r, rwkvacc_status st, const char *detail)
{
    if (!r->st)
        r->st = rw_fail(r->err, st, "%s: tensor '%s': %s", r->name, r->what, detail);
}

/* A dimension field: must equal want. */
static void dim(reader *r, const char *field, uint32_t want)
{
    uint32_t v = get_u32(r);
    if (!r->st && v != want)
        r->st = rw_fail(r->err, RWKVACC_E_SHAPE, "%s: tensor '%s' has %s %u, expected %u",
                        r->name, r->what, field, v, want);
}

static void read_bfv(reader *r, rw_qmodel *q, const rw_qtensor *t)
{
    rw_cbfv *v = t->dst;
    int32_t e, *m;
    uint32_t mx = 0;
    char msg[160];
    dim(r, "n", t->cols);
    e = to_i32(get_u32(r));
    if (!need(r, (uint64_t)t->cols * 4) || !(m = alloc_or_fail(r, q, (size_t)t->cols * 4)))
        return;
    for (uint32_t i = 0; i < t->cols; i++) {
        const uint8_t *p = r->b + r->off + 4 * (size_t)i;
        int32_t x = to_i32(le32(p));
        uint32_t a = x < 0 ? 0u - (uint32_t)x : (uint32_t)x;
        if (a > (1u << RW_BFV_BITS)) {
            snprintf(msg, sizeof msg, "mantissa %d at index %u exceeds 2^30", (int)x, i);
            bad(r, RWKVACC_E_FORMAT, msg);
            return;
        }
        if (a > mx)
            mx = a;
        m[i] = x;
    }
    r->off += (size_t)t->cols * 4;
    if (mx == 0 && e != 0) {
        snprintf(msg, sizeof msg, "all-zero vector with exponent %d (must be 0)", (int)e);
        bad(r, RWKVACC_E_FORMAT, msg);
    } else if (mx != 0 && mx < (1u << (RW_BFV_BITS - 1))) {
        snprintf(msg, sizeof msg, "not normalized: largest |mantissa| %u is below 2^29", mx);
        bad(r, RWKVACC_E_FORMAT, msg);
    } else if (!exp_ok(e)) {
        snprintf(msg, sizeof msg, "exponent %d is outside [-%d, %d]", (int)e,
                 RW_QFILE_EXP_MAX, RW_QFILE_EXP_MAX);
        bad(r, RWKVACC_E_FORMAT, msg);
    }
    v->m = m;
    v->e = e;
    v->n = t->cols;
}

static void read_fixed(reader *r, rw_qmodel *q, const rw_qtensor *t)
{
    uint32_t *p;
    dim(r, "n", t->cols);
    if (!need(r, (uint64_t)t->cols * 4) || !(p = alloc_or_fail(r, q, (size_t)t->cols * 4)))
        return;
    /* Every 32-bit pattern is a valid Q15.16 (int32) or Q0.32 (uint32) value. */
    for (uint32_t i = 0; i < t->cols; i++)
        p[i] = le32(r->b + r->off + 4 * (size_t)i);
    r->off += (size_t)t->cols * 4;
    if (t->kind == RW_QK_I32) {
        int32_t *s = (int32_t *)(void *)p;
        for (uint32_t i = 0; i < t->cols; i++)
            s[i] = to_i32(p[i]);
        *(const int32_t **)t->dst = s;
    } else {
        *(const uint32_t **)t->dst = p;
    }
}

/* Checks one row's scales: the largest sm in [2^15, 2^16), or all zero with se 0;
 * q zero wherever its group's sm is zero. */
static void check_row_scales(reader *r, const rw_qmat *W, uint32_t row, const uint16_t *sm,
                             uint32_t ng, int32_t se)
{
    uint32_t mx = 0;
    char msg[160];
    for (uint32_t g = 0; g < ng; g++)
        if (sm[g] > mx)
            mx = sm[g];
    if (mx == 0 && se != 0) {
        snprintf(msg, sizeof msg, "row %u has zero scales but exponent %d (must be 0)", row,
                 (int)se);
        bad(r, RWKVACC_E_FORMAT, msg);
        return;
    }
    if (mx != 0 && mx < 32768u) {
        snprintf(msg, sizeof msg, "row %u: largest scale mantissa %u is below 2^15", row, mx);
        bad(r, RWKVACC_E_FORMAT, msg);
        return;
    }
    if (!exp_ok(se)) {
        snprintf(msg, sizeof msg, "row %u: scale exponent %d is outside [-%d, %d]", row,
                 (int)se, RW_QFILE_EXP_MAX, RW_QFILE_EXP_MAX);
        bad(r, RWKVACC_E_FORMAT, msg);
        return;
    }
    for (uint32_t g = 0; g < ng; g++) {
        uint32_t j0 = g * W->group, n = W->cols - j0 < W->group ? W->cols - j0 : W->group;
        if (sm[g])
            continue;
        for (uint32_t j = j0; j < j0 + n; j++)
            if (rw_qmat_q(W, row, j) != 0) {
                snprintf(msg, sizeof msg, "row %u, column %u: weight %d in a group whose "
                         "scale is 0", row, j, (int)rw_qmat_q(W, row, j));
                bad(r, RWKVACC_E_FORMAT, msg);
                return;
            }
    }
}

static void read_qmat(reader *r, rw_qmodel *q, const rw_qtensor *t)
{
    rw_qmat *W = t->dst;
    uint32_t bits = q->weight_bits, group = bits == 8 ? t->cols : q->group, ng;
    size_t nq = (size_t)t->rows * t->cols, qbytes;
    uint8_t *qb;
    uint16_t *sm;
    int16_t *se;
    char msg[160];
    dim(r, "weight bits", bits);
    dim(r, "rows", t->rows);
    dim(r, "columns", t->cols);
    dim(r, "group", group);
    if (r->st)
        return;
    if (t->cols > RW_QMAT_MAX_COLS || (bits == 4 && t->cols % 2)) {
        snprintf(msg, sizeof msg, "%u columns: %s", t->cols,
                 t->cols > RW_QMAT_MAX_COLS ? "more than 2^24" : "INT4 needs an even number");
        bad(r, RWKVACC_E_SHAPE, msg);
        return;
    }
    W->rows = t->rows;
    W->cols = t->cols;
    W->bits = bits;
    W->group = group;
    ng = rw_qmat_groups(W);
    qbytes = bits == 8 ? nq : nq / 2;
    /* Sizes are checked against the bytes left before anything is allocated. */
    if (!need(r, (uint64_t)qbytes + (uint64_t)t->rows * ng * 2 + (uint64_t)t->rows * 2))
        return;
    qb = alloc_or_fail(r, q, qbytes);
    sm = alloc_or_fail(r, q, (size_t)t->rows * ng * sizeof *sm);
    se = alloc_or_fail(r, q, (size_t)t->rows * sizeof *se);
    if (r->st)
        return;
    memcpy(qb, r->b + r->off, qbytes);
    for (size_t i = 0; i < qbytes; i++) {
        uint8_t b = qb[i];
        if (bits == 8 ? b == 0x80u : ((b & 0xfu) == 8u || (b >> 4) == 8u)) {
            size_t el = bits == 8 ? i : 2 * i + ((b & 0xfu) == 8u ? 0 : 1);
            snprintf(msg, sizeof msg, "weight (%zu, %zu) is %d, outside [%d, %d]",
                     el / t->cols, el % t->cols, bits == 8 ? -128 : -8, bits == 8 ? -127 : -7,
                     bits == 8 ? 127 : 7);
            bad(r, RWKVACC_E_FORMAT, msg);
            return;
        }
    }
    r->off += qbytes;
    for (size_t i = 0; i < (size_t)t->rows * ng; i++)
        sm[i] = (uint16_t)(r->b[r->off + 2 * i] | (uint32_t)r->b[r->off + 2 * i + 1] << 8);
    r->off += (size_t)t->rows * ng * 2;
    for (uint32_t i = 0; i < t->rows; i++)
        se[i] = (int16_t)to_i16(r->b[r->off + 2 * (size_t)i] |
                                (uint32_t)r->b[r->off + 2 * (size_t)i + 1] << 8);
    r->off += (size_t)t->rows * 2;
    if (bits == 8)
        W->q8 = (const int8_t *)qb; /* int8 has no padding: same bytes, two's complement */
    else
        W->q4 = qb;
    W->sm = sm;
    W->se = se;
    for (uint32_t row = 0; row < t->rows && !r->st; row++)
        check_row_scales(r, W, row, sm + (size_t)row * ng, ng, se[row]);
}

static void read_emb(reader *r, rw_qmodel *q, const rw_qtensor *t)
{
    rw_qemb *E = t->dst;
    size_t nq = (size_t)t->rows * t->cols;
    int16_t *qq, *e;
    char msg[160];
    dim(r, "rows", t->rows);
    dim(r, "columns", t->cols);
    if (!need(r, (uint64_t)nq * 2 + (uint64_t)t->rows * 2))
        return;
    qq = alloc_or_fail(r, q, nq * sizeof *qq);
    e = alloc_or_fail(r, q, (size_t)t->rows * sizeof *e);
    if (r->st)
        return;
    for (size_t i = 0; i < nq; i++)
        qq[i] = (int16_t)to_i16(r->b[r->off + 2 * i] | (uint32_t)r->b[r->off + 2 * i + 1] << 8);
    r->off += nq * 2;
    for (uint32_t i = 0; i < t->rows; i++)
        e[i] = (int16_t)to_i16(r->b[r->off + 2 * (size_t)i] |
                               (uint32_t)r->b[r->off + 2 * (size_t)i + 1] << 8);
    r->off += (size_t)t->rows * 2;
    E->q = qq;
    E->e = e;
    for (uint32_t row = 0; row < t->rows; row++) {
        int32_t mx = 0;
        for (uint32_t j = 0; j < t->cols; j++) {
            int32_t v = qq[(size_t)row * t->cols + j];
            if (v == -32768) {
                snprintf(msg, sizeof msg, "row %u, column %u is -32768, outside [-32767, "
                         "32767]", row, j);
                bad(r, RWKVACC_E_FORMAT, msg);
                return;
            }
            if ((v < 0 ? -v : v) > mx)
                mx = v < 0 ? -v : v;
        }
        if (mx == 0 && e[row] != 0)
            snprintf(msg, sizeof msg, "row %u is zero but has exponent %d (must be 0)", row,
                     (int)e[row]);
        else if (mx != 0 && mx < 16384)
            snprintf(msg, sizeof msg, "row %u is not normalized: largest |q| %d is below 2^14",
                     row, (int)mx);
        else if (!exp_ok(e[row]))
            snprintf(msg, sizeof msg, "row %u: exponent %d is outside [-%d, %d]", row,
                     (int)e[row], RW_QFILE_EXP_MAX, RW_QFILE_EXP_MAX);
        else
            continue;
        bad(r, RWKVACC_E_FORMAT, msg);
        return;
    }
}

/* ---- header */

typedef struct qheader {
    uint32_t version, arch, bits, group;
    uint32_t n_vocab, n_embd, n_layer, n_head, head_size, n_ffn;
    uint32_t d_mix, d_decay, d_w, d_a, d_v, d_g;
    uint64_t n_params;
} qheader;

static rwkvacc_status check_dims(const qheader *h, const char *name, rwkvacc_error *err)
{
    const struct {
        const char *name;
        uint32_t v;
        int want; /* 1: required, 0: must be 0 */
    } d[] = {
        {"n_vocab", h->n_vocab, 1},
        {"n_embd", h->n_embd, 1},
        {"n_layer", h->n_layer, 1},
        {"n_ffn", h->n_ffn, 1},
        {"n_head", h->n_head, h->arch != RWKVACC_ARCH_V4},
        {"head_size", h->head_size, h->arch != RWKVACC_ARCH_V4},
        {"d_mix", h->d_mix, h->arch == RWKVACC_ARCH_V6_0},
        {"d_decay", h->d_decay, h->arch == RWKVACC_ARCH_V6_0},
        {"d_w", h->d_w, h->arch == RWKVACC_ARCH_V7_0},
        {"d_a", h->d_a, h->arch == RWKVACC_ARCH_V7_0},
        {"d_v", h->d_v, h->arch == RWKVACC_ARCH_V7_0 && h->n_layer > 1},
        {"d_g", h->d_g, h->arch == RWKVACC_ARCH_V7_0},
    };
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        if (d[i].want && (d[i].v == 0 || d[i].v > MAX_DIM))
            return rw_fail(err, RWKVACC_E_SHAPE, "%s: header: %s %u is out of range (1 to "
                           "2^30)", name, d[i].name, d[i].v);
        if (!d[i].want && d[i].v != 0)
            return rw_fail(err, RWKVACC_E_SHAPE, "%s: header: %s is %u; an RWKV %s model "
                           "has none (0)%s", name, d[i].name, d[i].v,
                           rwkvacc_arch_name((rwkvacc_arch)h->arch),
                           !strcmp(d[i].name, "d_v") ? " with one layer" : "");
    }
    if (h->n_layer > MAX_LAYERS)
        return rw_fail(err, RWKVACC_E_SHAPE, "%s: header: n_layer %u is more than %u", name,
                       h->n_layer, MAX_LAYERS);
    if (h->d_mix > MAX_DIM / 5)
        return rw_fail(err, RWKVACC_E_SHAPE, "%s: header: d_mix %u is out of range", name,
                       h->d_mix);
    if (h->arch != RWKVACC_ARCH_V4 && (uint64_t)h->n_head * h->head_size != h->n_embd)
        return rw_fail(err, RWKVACC_E_SHAPE, "%s: header: %u heads x %u is not n_embd %u",
                       name, h->n_head, h->head_size, h->n_embd);
    return RWKVACC_OK;
}

static rwkvacc_status read_header(const uint8_t *b, size_t len, const char *name, qheader *h,
                                  rwkvacc_error *err)
{
    uint32_t *f[16] = {&h->version, &h->arch,      &h->bits,    &h->group,   &h->n_vocab,
                       &h->n_embd,  &h->n_layer,   &h->n_head,  &h->head_size, &h->n_ffn,
                       &h->d_mix,   &h->d_decay,   &h->d_w,     &h->d_a,     &h->d_v,
                       &h->d_g};
    if (len == 0)
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: file is empty", name);
    if (!rw_qmodel_is_file(b, len))
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: bad magic: not a quantized rwkvacc model "
                       "(\"%s\")", name, RW_QFILE_MAGIC);
    if (len < RW_QFILE_HEADER_BYTES)
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: file of %zu bytes is too short for the "
                       "%u-byte header", name, len, RW_QFILE_HEADER_BYTES);
    for (int i = 0; i < 16; i++)
        *f[i] = le32(b + 8 + 4 * i);
    h->n_params = (uint64_t)le32(b + 72) | (uint64_t)le32(b + 76) << 32;
    if (h->version != RW_QFILE_VERSION)
        return rw_fail(err, RWKVACC_E_UNSUPPORTED, "%s: quantized format version %u (this "
                       "build reads version %u)", name, h->version, RW_QFILE_VERSION);
    if (h->arch != RWKVACC_ARCH_V4 && h->arch != RWKVACC_ARCH_V5_1 &&
        h->arch != RWKVACC_ARCH_V5_2 && h->arch != RWKVACC_ARCH_V6_0 &&
        h->arch != RWKVACC_ARCH_V7_0)
        return rw_fail(err, RWKVACC_E_UNSUPPORTED, "%s: header: unknown RWKV version code "
                       "%u", name, h->arch);
    if (h->bits != 8 && h->bits != 4)
        return rw_fail(err, RWKVACC_E_UNSUPPORTED, "%s: header: %u-bit weights (8 or 4 are "
                       "supported)", name, h->bits);
    if (h->bits == 8 && h->group != 0)
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: header: group %u with INT8 weights "
                       "(must be 0)", name, h->group);
    if (h->bits == 4 && (h->group < 32 || h->group > 128 || h->group % 2))
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: header: INT4 group size %u (must be even "
                       "and 32 to 128)", name, h->group);
    return check_dims(h, name, err);
}

/* Reads one record header and its name; checks it is tensor t (index i). */
static void read_name(reader *r, const rw_qtensor *list, size_t n, size_t i, uint32_t *kind)
{
    char nm[RW_QNAME_MAX + 1];
    uint32_t nl;
    size_t at = r->off;
    r->what = NULL;
    *kind = get_u32(r);
    nl = get_u32(r);
    if (r->st)
        return;
    if (nl == 0 || nl > RW_QNAME_MAX) {
        r->st = rw_fail(r->err, RWKVACC_E_FORMAT, "%s: record at offset %zu: name length %u "
                        "(must be 1 to %u)", r->name, at, nl, RW_QNAME_MAX);
        return;
    }
    if (!need(r, nl))
        return;
    for (uint32_t k = 0; k < nl; k++) {
        uint8_t c = r->b[r->off + k];
        if (c <= 0x20 || c >= 0x7f) {
            r->st = rw_fail(r->err, RWKVACC_E_FORMAT, "%s: record at offset %zu: byte %u of "
                            "its name is 0x%02x (names are printable ASCII)", r->name, at, k,
                            c);
            return;
        }
        nm[k] = (char)c;
    }
    nm[nl] = '\0';
    r->off += nl;
    if (i < n && !strcmp(nm, list[i].name)) {
        r->what = list[i].name;
        if (*kind != list[i].kind)
            r->st = rw_fail(r->err, RWKVACC_E_FORMAT, "%s: tensor '%s' has kind %u (%s), "
                            "expected %u (%s)", r->name, nm, *kind, kind_name(*kind),
                            (unsigned)list[i].kind, kind_name(list[i].kind));
        return;
    }
    for (size_t j = 0; j < n; j++)
        if (!strcmp(nm, list[j].name)) {
            if (j < i)
                r->st = rw_fail(r->err, RWKVACC_E_TENSOR, "%s: tensor '%s' appears twice",
                                r->name, nm);
            else
                r->st = rw_fail(r->err, RWKVACC_E_TENSOR, "%s: tensor '%s' is out of order "
                                "(expected '%s' at offset %zu)", r->name, nm, list[i].name,
                                at);
            return;
        }
    r->st = rw_fail(r->err, RWKVACC_E_TENSOR, "%s: unknown tensor '%s' for an RWKV %s model "
                    "(offset %zu)", r->name, nm, rwkvacc_arch_name(r->arch), at);
}

int rw_qmodel_is_file(const uint8_t *buf, size_t len)
{
    return buf && len >= 8 && memcmp(buf, RW_QFILE_MAGIC, 8) == 0;
}

static const char *dtype_name(rw_qmodel *q)
{
    char *s;
    if (q->weight_bits == 8)
        return "INT8";
    if (!(s = rw_qmodel_alloc(q, 24)))
        return "INT4";
    snprintf(s, 24, "INT4-g%u", q->group);
    return s;
}

rwkvacc_status rw_qmodel_read_mem(const uint8_t *buf, size_t len, const char *name,
                                  rw_qmodel **out, rwkvacc_error *err)
{
    qheader h;
    rw_qmodel *q;
    rw_qtensor *list = NULL;
    size_t n = 0;
    reader r;
    rwkvacc_status st;
    if (!name)
        name = "quantized model";
    if ((st = read_header(buf, len, name, &h, err)))
        return st;
    if (!(q = calloc(1, sizeof *q)) || !(q->layers = calloc(h.n_layer, sizeof *q->layers))) {
        free(q);
        return rw_fail(err, RWKVACC_E_NOMEM, "%s: out of memory", name);
    }
    q->info.arch = (rwkvacc_arch)h.arch;
    q->info.n_vocab = h.n_vocab;
    q->info.n_embd = h.n_embd;
    q->info.n_layer = h.n_layer;
    q->info.n_head = h.n_head;
    q->info.head_size = h.head_size;
    q->info.n_ffn = h.n_ffn;
    q->info.d_mix = h.d_mix;
    q->info.d_decay = h.d_decay;
    q->info.d_w = h.d_w;
    q->info.d_a = h.d_a;
    q->info.d_v = h.d_v;
    q->info.d_g = h.d_g;
    q->info.n_params = h.n_params;
    q->info.file_bytes = len;
    q->info.file_format = "rwkvacc-quant";
    q->weight_bits = h.bits;
    q->group = h.group;
    q->info.file_dtype = dtype_name(q);
    memset(&r, 0, sizeof r);
    r.b = buf;
    r.len = len;
    r.off = RW_QFILE_HEADER_BYTES;
    r.name = name;
    r.err = err;
    r.arch = q->info.arch;
    r.st = rw_qmodel_tensors(q, NULL, &list, &n, err);
    for (size_t i = 0; i < n && !r.st; i++) {
        uint32_t kind;
        if (r.off == len) {
            r.st = rw_fail(err, RWKVACC_E_TENSOR, "%s: missing tensor '%s' (the file ends "
                           "after %zu of %zu tensors)", name, list[i].name, i, n);
            break;
        }
        read_name(&r, list, n, i, &kind);
        if (r.st)
            break;
        switch (list[i].kind) {
        case RW_QK_BFV: read_bfv(&r, q, &list[i]); break;
        case RW_QK_I32:
        case RW_QK_U32: read_fixed(&r, q, &list[i]); break;
        case RW_QK_QMAT: read_qmat(&r, q, &list[i]); break;
        case RW_QK_EMB: read_emb(&r, q, &list[i]); break;
        }
    }
    if (!r.st && r.off != len) {
        /* Name the extra record when it has a readable header, else count bytes. */
        uint32_t kind;
        size_t at = r.off;
        rwkvacc_error tmp;
        reader x = r;
        x.err = &tmp;
        read_name(&x, list, n, n, &kind);
        if (x.st == RWKVACC_E_TENSOR)
            r.st = rw_fail(err, RWKVACC_E_TENSOR, "%s", tmp.msg);
        else
            r.st = rw_fail(err, RWKVACC_E_FORMAT, "%s: %zu bytes of trailing data after the "
                           "last tensor (offset %zu)", name, len - at, at);
    }
    free(list);
    if (!r.st)
        r.st = rw_qmodel_derive(q, err);
    if (r.st) {
        rw_qmodel_free(q);
        return r.st;
    }
    *out = q;
    return RWKVACC_OK;
}
