/*
 * load_safetensors.c - parser for safetensors files: a little-endian u64 header
 * length, a JSON header giving each tensor's dtype, shape and byte range, then the
 * data. Fills a tensor directory. Its JSON reader accepts exactly that header's
 * grammar (no recursion, no floats, no general JSON); it converts no data and
 * knows no RWKV tensor names (model_bind.c does).
 */
#include "tensor_file.h"

#include "error.h"

#include <string.h>

#define ST_MAX_HEADER 100000000u /* the reference implementation's limit */
#define ST_MAX_ELEMS ((uint64_t)1 << 40) /* per dimension and per tensor */

/* The header text being read, and the data area it describes. */
typedef struct st_reader {
    const uint8_t *json, *p, *end;
    const uint8_t *data;
    uint64_t data_len;
    const char *file;
    rwkvacc_error *err;
} st_reader;

/* One tensor's fields while they are read. */
enum { ST_DTYPE = 1, ST_SHAPE = 2, ST_OFFSETS = 4 };
typedef struct st_entry {
    const char *name;
    char dtype[16];
    size_t dtype_len; /* decoded length, NULs included */
    uint64_t dims[RW_MAX_DIMS], off[2];
    uint32_t ndim, noff; /* as counted in the file, may exceed the arrays */
    unsigned seen;       /* ST_DTYPE | ST_SHAPE | ST_OFFSETS */
} st_entry;

/* A decoded string: up to cap - 1 bytes kept, n counts them all. */
typedef struct st_str {
    char *out;
    size_t cap, n;
} st_str;

/* ------------------------------------------------------------ JSON tokens */

static rwkvacc_status st_bad(const st_reader *r, const char *what)
{
    return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: bad safetensors header at byte %zu: %s",
                   r->file, (size_t)(r->p - r->json) + 8, what);
}

static int st_peek(st_reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
    return r->p < r->end ? *r->p : -1;
}

static rwkvacc_status st_expect(st_reader *r, char c, const char *what)
{
    if (st_peek(r) != (unsigned char)c)
        return st_bad(r, what);
    r->p++;
    return RWKVACC_OK;
}

static void str_put(st_str *s, const uint8_t *b, size_t k)
{
    for (size_t i = 0; i < k; i++, s->n++)
        if (s->out && s->n + 1 < s->cap)
            s->out[s->n] = (char)b[i];
}

/* Length of the valid UTF-8 sequence at p (a byte >= 0x80), 0 when invalid. */
static size_t utf8_len(const uint8_t *p, const uint8_t *end)
{
    uint32_t c = p[0], cp, min;
    size_t n;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static void put_codepoint(st_str *s, uint32_t cp)
{
    uint8_t b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp, n = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xc0 | cp >> 6), b[1] = (uint8_t)(0x80 | (cp & 0x3f)), n = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xe0 | cp >> 12), b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
        b[2] = (uint8_t)(0x80 | (cp & 0x3f)), n = 3;
    } else {
        b[0] = (uint8_t)(0xf0 | cp >> 18), b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
        b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f)), b[3] = (uint8_t)(0x80 | (cp & 0x3f));
        n = 4;
    }
    str_put(s, b, n);
}

/* Four hex digits at r->p. */
static rwkvacc_status st_hex4(st_reader *r, uint32_t *v)
{
    if (r->end - r->p < 4)
        return st_bad(r, "truncated \\u escape");
    *v = 0;
    for (int i = 0; i < 4; i++) {
        int c = r->p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return st_bad(r, "bad hex digit in a \\u escape");
        *v = *v << 4 | (uint32_t)d;
    }
    r->p += 4;
    return RWKVACC_OK;
}

/* \uXXXX (r->p just past the 'u'), with UTF-16 surrogate pairs. */
static rwkvacc_status st_unicode(st_reader *r, st_str *s)
{
    uint32_t cp, lo;
    rwkvacc_status st = st_hex4(r, &cp);
    if (st)
        return st;
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return st_bad(r, "lone low surrogate in a \\u escape");
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
            return st_bad(r, "high surrogate without a low one in a \\u escape");
        r->p += 2;
        if ((st = st_hex4(r, &lo)) != RWKVACC_OK)
            return st;
        if (lo < 0xdc00 || lo > 0xdfff)
            return st_bad(r, "high surrogate without a low one in a \\u escape");
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    put_codepoint(s, cp);
    return RWKVACC_OK;
}

/* One escape, r->p just past the backslash. */
static rwkvacc_status st_escape(st_reader *r, st_str *s)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *q;
    if (r->p >= r->end)
        return st_bad(r, "unterminated string");
    if (*r->p == 'u') {
        r->p++;
        return st_unicode(r, s);
    }
    q = *r->p ? strchr(from, *r->p) : NULL;
    if (!q)
        return st_bad(r, "bad escape in a string");
    r->p++;
    put_codepoint(s, (uint8_t)to[q - from]);
    return RWKVACC_OK;
}

/* One character or escape of a string body; *done at the closing quote. */
static rwkvacc_status st_char(st_reader *r, st_str *s, int *done)
{
    uint8_t c;
    size_t n;
    if (r->p >= r->end)
        return st_bad(r, "unterminated string");
    c = *r->p;
    if (c == '"') {
        r->p++;
        *done = 1;
        return RWKVACC_OK;
    }
    if (c < 0x20)
        return st_bad(r, "control character in a string");
    if (c == '\\') {
        r->p++;
        return st_escape(r, s);
    }
    n = c < 0x80 ? 1 : utf8_len(r->p, r->end);
    if (!n)
        return st_bad(r, "invalid UTF-8 in a string");
    str_put(s, r->p, n);
    r->p += n;
    return RWKVACC_OK;
}

/* A string, decoded into out (NUL-terminated, cut at cap - 1 bytes; out may be
 * NULL); *len (may be NULL) gets its full decoded length. */
static rwkvacc_status st_string(st_reader *r, char *out, size_t cap, size_t *len)
{
    st_str s = {out, cap, 0};
    int done = 0;
    rwkvacc_status st = st_expect(r, '"', "expected a string");
    while (!st && !done)
        st = st_char(r, &s, &done);
    if (out)
        out[s.n < cap ? s.n : cap - 1] = '\0';
    if (len)
        *len = s.n;
    return st;
}

static rwkvacc_status st_uint(st_reader *r, uint64_t *v)
{
    int c = st_peek(r);
    if (c == '-')
        return st_bad(r, "negative number");
    if (c < '0' || c > '9')
        return st_bad(r, "expected a non-negative integer");
    *v = 0;
    if (c == '0' && r->end - r->p > 1 && r->p[1] >= '0' && r->p[1] <= '9')
        return st_bad(r, "number with a leading zero");
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
        if (*v > (UINT64_MAX - 9) / 10)
            return st_bad(r, "number too large");
        *v = *v * 10 + (uint64_t)(*r->p++ - '0');
    }
    if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E'))
        return st_bad(r, "only integers are allowed here");
    return RWKVACC_OK;
}

/* An array of non-negative integers: the first max are kept, *n counts all. */
static rwkvacc_status st_uints(st_reader *r, uint64_t *v, uint32_t max, uint32_t *n)
{
    rwkvacc_status st = st_expect(r, '[', "expected an array");
    uint64_t x = 0;
    *n = 0;
    if (st)
        return st;
    if (st_peek(r) == ']') {
        r->p++;
        return RWKVACC_OK;
    }
    for (;;) {
        int c;
        if ((st = st_uint(r, &x)) != RWKVACC_OK)
            return st;
        if (*n < max)
            v[*n] = x;
        if (*n < UINT32_MAX)
            (*n)++;
        c = st_peek(r);
        if (c != ',' && c != ']')
            return st_bad(r, "expected ',' or ']'");
        r->p++;
        if (c == ']')
            return RWKVACC_OK;
    }
}

/* An object whose members fn reads (key and value) one at a time. */
typedef rwkvacc_status (*st_member_fn)(st_reader *r, void *ctx);

static rwkvacc_status st_object(st_reader *r, st_member_fn fn, void *ctx, const char *what)
{
    rwkvacc_status st = st_expect(r, '{', what);
    if (st)
        return st;
    if (st_peek(r) == '}') {
        r->p++;
        return RWKVACC_OK;
    }
    for (;;) {
        int c;
        if ((st = fn(r, ctx)) != RWKVACC_OK)
            return st;
        c = st_peek(r);
        if (c != ',' && c != '}')
            return st_bad(r, "expected ',' or '}'");
        r->p++;
        if (c == '}')
            return RWKVACC_OK;
    }
}

/* ------------------------------------------------------------- the header */

static rwkvacc_status st_meta_member(st_reader *r, void *ctx)
{
    rwkvacc_status st = st_string(r, NULL, 0, NULL);
    if (!st)
        st = st_expect(r, ':', "expected ':'");
    if (!st && st_peek(r) != '"')
        return st_bad(r, "'__metadata__' values must be strings");
    return st ? st : st_string(r, NULL, 0, NULL);
}

static int key_is(const char *key, size_t len, const char *want)
{
    return len == strlen(want) && memcmp(key, want, len) == 0;
}

static rwkvacc_status st_tensor_member(st_reader *r, void *ctx)
{
    st_entry *e = ctx;
    char key[16];
    size_t len;
    unsigned bit;
    rwkvacc_status st = st_string(r, key, sizeof key, &len);
    if (!st)
        st = st_expect(r, ':', "expected ':'");
    if (st)
        return st;
    bit = key_is(key, len, "dtype") ? ST_DTYPE : key_is(key, len, "shape") ? ST_SHAPE
          : key_is(key, len, "data_offsets") ? ST_OFFSETS : 0;
    if (!bit || (e->seen & bit))
        return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: tensor '%s' has %s field '%s'",
                       r->file, e->name, bit ? "a repeated" : "an unknown", key);
    e->seen |= bit;
    if (bit == ST_DTYPE)
        return st_string(r, e->dtype, sizeof e->dtype, &e->dtype_len);
    if (bit == ST_SHAPE)
        return st_uints(r, e->dims, RW_MAX_DIMS, &e->ndim);
    return st_uints(r, e->off, 2, &e->noff);
}

static rwkvacc_status st_dtype(const st_reader *r, const st_entry *e, rw_dtype *dt)
{
    if (key_is(e->dtype, e->dtype_len, "F32"))
        *dt = RW_DT_F32;
    else if (key_is(e->dtype, e->dtype_len, "F16"))
        *dt = RW_DT_F16;
    else if (key_is(e->dtype, e->dtype_len, "BF16"))
        *dt = RW_DT_BF16;
    else
        return rw_fail(r->err, RWKVACC_E_UNSUPPORTED, "%s: tensor '%s' has dtype '%s' "
                       "(F32, F16 and BF16 supported)", r->file, e->name, e->dtype);
    return RWKVACC_OK;
}

/* Number of elements, refusing absurd shapes. */
static rwkvacc_status st_numel(const st_reader *r, const st_entry *e, uint64_t *numel)
{
    if (e->ndim > RW_MAX_DIMS)
        return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: tensor '%s' has %u dimensions "
                       "(0 to %d allowed)", r->file, e->name, e->ndim, RW_MAX_DIMS);
    *numel = 1;
    for (uint32_t i = 0; i < e->ndim; i++) {
        uint64_t d = e->dims[i];
        if (d > ST_MAX_ELEMS)
            return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: tensor '%s' has dimension %u = "
                           "%llu (at most 2^40)", r->file, e->name, i, (unsigned long long)d);
        if (d && *numel > ST_MAX_ELEMS / d)
            return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: tensor '%s' has over 2^40 "
                           "elements", r->file, e->name);
        *numel *= d;
    }
    return RWKVACC_OK;
}

/* The byte range of an entry, checked against its size and the data area. */
static rwkvacc_status st_range(const st_reader *r, const st_entry *e, uint64_t bytes)
{
    unsigned long long b = e->off[0], x = e->off[1];
    if (e->noff != 2)
        return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: tensor '%s' has %u data_offsets "
                       "(2 expected)", r->file, e->name, e->noff);
    if (b > x)
        return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: tensor '%s' data_offsets [%llu, %llu] "
                       "end before they begin", r->file, e->name, b, x);
    if (x > r->data_len)
        return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: tensor '%s' data_offsets [%llu, %llu] "
                       "outside the %llu-byte data area", r->file, e->name, b, x,
                       (unsigned long long)r->data_len);
    if (x - b != bytes)
        return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: tensor '%s' data_offsets [%llu, %llu] "
                       "hold %llu bytes, its shape and dtype need %llu", r->file, e->name,
                       b, x, x - b, (unsigned long long)bytes);
    return RWKVACC_OK;
}

/* Checks a complete entry and appends it to the directory. */
static rwkvacc_status st_add(const st_reader *r, const st_entry *e, rw_tensor_dir *dir)
{
    static const char *const field[] = {"dtype", "shape", "data_offsets"};
    rw_dtype dt = RW_DT_F32;
    uint64_t numel = 0;
    rw_tensor *t;
    rwkvacc_status st;
    for (int i = 0; i < 3; i++)
        if (!(e->seen & (1u << i)))
            return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: tensor '%s' has no '%s' field",
                           r->file, e->name, field[i]);
    if ((st = st_dtype(r, e, &dt)) || (st = st_numel(r, e, &numel)) ||
        (st = st_range(r, e, numel * rw_dtype_size(dt))))
        return st;
    if (!(t = rw_dir_add(dir, r->err)))
        return RWKVACC_E_NOMEM;
    memcpy(t->name, e->name, strlen(e->name) + 1);
    t->ndim = e->ndim;
    memcpy(t->dims, e->dims, e->ndim * sizeof e->dims[0]);
    t->numel = numel;
    t->dtype = dt;
    t->data = r->data + e->off[0];
    return RWKVACC_OK;
}

static rwkvacc_status st_check_name(const st_reader *r, const char *name, size_t len)
{
    if (len == 0)
        return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: tensor with an empty name", r->file);
    if (len >= RW_MAX_NAME)
        return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: tensor name '%.40s...' of %zu bytes "
                       "(at most %d)", r->file, name, len, RW_MAX_NAME - 1);
    for (size_t i = 0; i < len; i++)
        if ((uint8_t)name[i] < 0x20)
            return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: tensor name '%.40s' contains a "
                           "control character", r->file, name);
    return RWKVACC_OK;
}

typedef struct st_top {
    rw_tensor_dir *dir;
    int seen_meta;
} st_top;

static rwkvacc_status st_top_member(st_reader *r, void *ctx)
{
    st_top *top = ctx;
    char name[RW_MAX_NAME];
    size_t len;
    st_entry e;
    rwkvacc_status st = st_string(r, name, sizeof name, &len);
    if (!st)
        st = st_expect(r, ':', "expected ':'");
    if (!st && key_is(name, len, "__metadata__")) {
        if (top->seen_meta++)
            return st_bad(r, "'__metadata__' appears twice");
        return st_object(r, st_meta_member, NULL, "'__metadata__' must be an object");
    }
    if (st || (st = st_check_name(r, name, len)) != RWKVACC_OK)
        return st;
    memset(&e, 0, sizeof e);
    e.name = name;
    if ((st = st_object(r, st_tensor_member, &e, "a tensor entry must be an object")))
        return st;
    return st_add(r, &e, top->dir);
}

/* Header length and data area. */
static rwkvacc_status st_open(st_reader *r, const uint8_t *buf, size_t len)
{
    uint64_t n;
    if (len < 8)
        return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: file of %zu bytes is too short for "
                       "a safetensors header", r->file, len);
    n = rw_le64(buf);
    if (n > len - 8)
        return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: header length %llu runs past the end "
                       "of the %zu-byte file", r->file, (unsigned long long)n, len);
    if (n < 2 || n > ST_MAX_HEADER)
        return rw_fail(r->err, RWKVACC_E_FORMAT, "%s: header length %llu (2 to %u allowed)",
                       r->file, (unsigned long long)n, ST_MAX_HEADER);
    r->json = r->p = buf + 8;
    r->end = r->json + n;
    r->data = r->end;
    r->data_len = len - 8 - n;
    return RWKVACC_OK;
}

rwkvacc_status rw_parse_safetensors(const uint8_t *buf, size_t len, rw_tensor_dir *dir,
                                    rwkvacc_error *err)
{
    st_reader r = {NULL, NULL, NULL, NULL, 0, dir->file ? dir->file : "(memory)", err};
    st_top top = {dir, 0};
    rwkvacc_status st;
    dir->format = RW_FMT_SAFETENSORS;
    dir->file_bytes = len;
    dir->hdr_n_vocab = dir->hdr_n_embd = dir->hdr_n_layer = 0;
    st = st_open(&r, buf, len);
    if (!st && *r.p != '{')
        st = st_bad(&r, "the header is not a JSON object");
    if (!st)
        st = st_object(&r, st_top_member, &top, "the header is not a JSON object");
    if (!st && st_peek(&r) >= 0)
        st = st_bad(&r, "text after the header's JSON object");
    if (!st && dir->n == 0)
        st = rw_fail(err, RWKVACC_E_FORMAT, "%s: no tensors in the header", r.file);
    if (st)
        rw_dir_free(dir);
    return st;
}
