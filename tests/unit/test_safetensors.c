/*
 * test_safetensors.c - unit tests of the safetensors parser (load_safetensors.c)
 * on hand-built buffers: a valid file with F32/F16/BF16 tensors, one malformed
 * header per failure class, and 2,000 random mutations of a valid file.
 */
#include "check.h"
#include "tensor_file.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FILE_NAME "t.safetensors"

/* A safetensors buffer: header length, json, data (malloc'd, exactly *len bytes,
 * so that ASan sees any read past the end). */
static uint8_t *build(const char *json, const void *data, size_t dlen, size_t *len)
{
    size_t n = strlen(json);
    uint8_t *buf = malloc(8 + n + dlen);
    for (int i = 0; i < 8; i++)
        buf[i] = (uint8_t)((uint64_t)n >> (8 * i));
    memcpy(buf + 8, json, n);
    if (dlen)
        memcpy(buf + 8 + n, data, dlen);
    *len = 8 + n + dlen;
    return buf;
}

static rwkvacc_status parse(const uint8_t *buf, size_t len, rw_tensor_dir *dir,
                            rwkvacc_error *err)
{
    memset(dir, 0, sizeof *dir);
    memset(err, 0, sizeof *err);
    dir->file = FILE_NAME;
    return rw_parse_safetensors(buf, len, dir, err);
}

/* A failure report as the parser's contract wants it. */
static int good_failure(const rw_tensor_dir *dir, const rwkvacc_error *err)
{
    return strncmp(err->msg, FILE_NAME ": ", strlen(FILE_NAME) + 2) == 0 &&
           !strchr(err->msg, '\n') && dir->t == NULL && dir->n == 0;
}

static void expect_fail_buf(const char *name, const uint8_t *buf, size_t len,
                            rwkvacc_status want, const char *needle)
{
    rw_tensor_dir dir;
    rwkvacc_error err;
    rwkvacc_status s = parse(buf, len, &dir, &err);
    check(s == want && good_failure(&dir, &err) && (!needle || strstr(err.msg, needle)),
          name, "status %d (want %d), message '%s' (want '%s')", (int)s, (int)want,
          err.msg, needle ? needle : "");
    if (s == RWKVACC_OK)
        rw_dir_free(&dir);
}

static uint8_t data24[24];

static void expect_fail(const char *name, const char *json, rwkvacc_status want,
                        const char *needle)
{
    size_t len;
    uint8_t *buf = build(json, data24, sizeof data24, &len);
    expect_fail_buf(name, buf, len, want, needle);
    free(buf);
}

/* One tensor "a" with the given fields, over 24 bytes of data. */
static void expect_fail_t(const char *name, const char *dtype, const char *shape,
                          const char *offsets, rwkvacc_status want, const char *needle)
{
    char json[512];
    snprintf(json, sizeof json, "{\"a\":{\"dtype\":%s,\"shape\":%s,\"data_offsets\":%s}}",
             dtype, shape, offsets);
    expect_fail(name, json, want, needle);
}

/* ------------------------------------------------------------ valid file */

#define UNAME "n\\u00e9\\ud83d\\ude00\\\"\\\\\\/"      /* as written in JSON */
#define UNAME_C "n\xc3\xa9\xf0\x9f\x98\x80\"\\/" /* decoded */

static const char *const valid_json =
    "{\"__metadata__\":{\"format\":\"pt\",\"note\":\"a \\\"quoted\\\" \\u00e9 value\"},\n"
    " \"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},\n"
    " \"b.weight\":{\"shape\":[4],\"dtype\":\"F16\",\"data_offsets\":[24,32]},\n"
    " \"c\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[32,36]},\n"
    " \"s\" : { \"dtype\" : \"F32\" , \"shape\" : [ ] , \"data_offsets\" : [ 36 , 40 ] },\n"
    " \"" UNAME "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[40,44]},\r\n"
    "\t\"z\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[44,44]}}    ";

static void put_f32(uint8_t *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(u >> (8 * i));
}

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static uint8_t *valid_file(size_t *len)
{
    uint8_t d[44];
    for (int i = 0; i < 6; i++)
        put_f32(d + 4 * i, -1.0f + 0.5f * (float)i);
    put_u16(d + 24, 0x3c00); /* 1 */
    put_u16(d + 26, 0xc000); /* -2 */
    put_u16(d + 28, 0x3800); /* 0.5 */
    put_u16(d + 30, 0x7bff); /* 65504 */
    put_u16(d + 32, 0x3f80); /* bf16 1 */
    put_u16(d + 34, 0xc060); /* bf16 -3.5 */
    put_f32(d + 36, 7.0f);
    put_f32(d + 40, 2.5f);
    return build(valid_json, d, sizeof d, len);
}

static int dims_are(const rw_tensor *t, uint32_t ndim, uint64_t d0, uint64_t d1)
{
    return t && t->ndim == ndim && (ndim < 1 || t->dims[0] == d0) &&
           (ndim < 2 || t->dims[1] == d1);
}

static void test_valid(void)
{
    size_t len;
    uint8_t *buf = valid_file(&len);
    rw_tensor_dir dir;
    rwkvacc_error err;
    rwkvacc_status s = parse(buf, len, &dir, &err);
    const rw_tensor *a, *b, *c, *sc, *u, *z;
    int vals = 1;
    check(s == RWKVACC_OK, "valid-parses", "status %d: %s", (int)s, err.msg);
    if (s != RWKVACC_OK) {
        free(buf);
        return;
    }
    check(dir.n == 6 && dir.format == RW_FMT_SAFETENSORS && dir.file_bytes == len,
          "valid-directory", "n %zu, format %d, file_bytes %llu", dir.n, (int)dir.format,
          (unsigned long long)dir.file_bytes);
    check(rw_dir_find(&dir, "__metadata__") == NULL, "valid-metadata-skipped",
          "__metadata__ became a tensor");
    a = rw_dir_find(&dir, "a");
    b = rw_dir_find(&dir, "b.weight");
    c = rw_dir_find(&dir, "c");
    sc = rw_dir_find(&dir, "s");
    u = rw_dir_find(&dir, UNAME_C);
    z = rw_dir_find(&dir, "z");
    check(dims_are(a, 2, 2, 3) && a->dtype == RW_DT_F32 && a->numel == 6 &&
              a->data == buf + 8 + strlen(valid_json),
          "valid-f32-shape", "a: %p", (const void *)a);
    for (int i = 0; a && i < 6; i++)
        vals &= rw_tensor_get(a, (uint64_t)i) == -1.0f + 0.5f * (float)i;
    check(a && vals, "valid-f32-values", "a's values differ");
    check(dims_are(b, 1, 4, 0) && b->dtype == RW_DT_F16 && rw_tensor_get(b, 0) == 1.0f &&
              rw_tensor_get(b, 1) == -2.0f && rw_tensor_get(b, 2) == 0.5f &&
              rw_tensor_get(b, 3) == 65504.0f,
          "valid-f16", "b.weight wrong");
    check(dims_are(c, 2, 1, 2) && c->dtype == RW_DT_BF16 && rw_tensor_get(c, 0) == 1.0f &&
              rw_tensor_get(c, 1) == -3.5f,
          "valid-bf16", "c wrong");
    check(dims_are(sc, 0, 0, 0) && sc->numel == 1 && rw_tensor_get(sc, 0) == 7.0f,
          "valid-scalar", "s wrong");
    check(dims_are(u, 1, 1, 0) && rw_tensor_get(u, 0) == 2.5f, "valid-escaped-name",
          "the name with escapes was not decoded to UTF-8");
    check(dims_are(z, 2, 0, 3) && z->numel == 0, "valid-empty-tensor", "z wrong");
    rw_dir_free(&dir);
    free(buf);
}

/* ---------------------------------------------------------- bad headers */

static void test_header_length(void)
{
    size_t len;
    uint8_t *buf = valid_file(&len);
    uint8_t *copy = malloc(len);
    memcpy(copy, buf, len);
    expect_fail_buf("short-file", buf, 5, RWKVACC_E_FORMAT, "too short");
    put_u16(copy, (uint16_t)(len - 7));
    expect_fail_buf("header-length-past-end", copy, len, RWKVACC_E_FORMAT, "runs past");
    memset(copy, 0xff, 8);
    expect_fail_buf("header-length-huge", copy, len, RWKVACC_E_FORMAT, "runs past");
    memset(copy, 0, 8);
    copy[0] = 1;
    expect_fail_buf("header-length-tiny", copy, len, RWKVACC_E_FORMAT, "header length 1");
    memcpy(copy, buf, len);
    put_u16(copy, (uint16_t)(strlen(valid_json) / 2));
    expect_fail_buf("truncated-json", copy, len, RWKVACC_E_FORMAT, "bad safetensors header");
    free(copy);
    free(buf);
}

static void test_json_syntax(void)
{
    const char *ok_t = "\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}";
    char json[256];
    expect_fail("not-object-array", "[1,2]", RWKVACC_E_FORMAT, "not a JSON object");
    expect_fail("not-object-string", "\"ab\"", RWKVACC_E_FORMAT, "not a JSON object");
    expect_fail("not-object-number", "42", RWKVACC_E_FORMAT, "not a JSON object");
    expect_fail("leading-space", " {}", RWKVACC_E_FORMAT, "not a JSON object");
    expect_fail("empty-object", "{}", RWKVACC_E_FORMAT, "no tensors");
    snprintf(json, sizeof json, "{%s}x", ok_t);
    expect_fail("text-after-object", json, RWKVACC_E_FORMAT, "text after");
    snprintf(json, sizeof json, "{%s,}", ok_t);
    expect_fail("trailing-comma", json, RWKVACC_E_FORMAT, "expected a string");
    snprintf(json, sizeof json, "{%s", ok_t);
    expect_fail("unclosed-object", json, RWKVACC_E_FORMAT, "expected ',' or '}'");
    expect_fail("unterminated-string", "{\"abc", RWKVACC_E_FORMAT, "unterminated string");
    expect_fail("missing-colon", "{\"a\" {}}", RWKVACC_E_FORMAT, "expected ':'");
    expect_fail("entry-not-object", "{\"a\":[1]}", RWKVACC_E_FORMAT, "must be an object");
    expect_fail("deep-nesting", "{\"a\":{\"dtype\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}}",
                RWKVACC_E_FORMAT, "expected a string");
    expect_fail_t("dtype-not-string", "32", "[2,3]", "[0,24]", RWKVACC_E_FORMAT,
                  "expected a string");
    expect_fail_t("shape-not-array", "\"F32\"", "6", "[0,24]", RWKVACC_E_FORMAT,
                  "expected an array");
    expect_fail_t("shape-missing-comma", "\"F32\"", "[2 3]", "[0,24]", RWKVACC_E_FORMAT,
                  "expected ',' or ']'");
    expect_fail_t("number-negative", "\"F32\"", "[-2,3]", "[0,24]", RWKVACC_E_FORMAT,
                  "negative");
    expect_fail_t("number-float", "\"F32\"", "[2.0,3]", "[0,24]", RWKVACC_E_FORMAT,
                  "only integers");
    expect_fail_t("number-exponent", "\"F32\"", "[2,3]", "[0,24e0]", RWKVACC_E_FORMAT,
                  "only integers");
    expect_fail_t("number-leading-zero", "\"F32\"", "[02,3]", "[0,24]", RWKVACC_E_FORMAT,
                  "leading zero");
    expect_fail_t("number-too-large", "\"F32\"", "[2,3]", "[0,99999999999999999999999]",
                  RWKVACC_E_FORMAT, "too large");
    expect_fail_t("number-missing", "\"F32\"", "[2,,3]", "[0,24]", RWKVACC_E_FORMAT,
                  "non-negative integer");
}

static void test_strings(void)
{
    const char *fmt = "{\"%s\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}";
    static const struct {
        const char *test, *name, *needle;
    } cases[] = {
        {"escape-unknown", "a\\x", "bad escape"},
        {"escape-bad-hex", "a\\u12G4", "bad hex digit"},
        {"escape-short-hex", "a\\u12", "bad hex digit"},
        {"escape-lone-low-surrogate", "a\\udc00", "lone low surrogate"},
        {"escape-high-surrogate-alone", "a\\ud800", "without a low one"},
        {"escape-high-surrogate-then-bmp", "a\\ud800\\u0041", "without a low one"},
        {"escape-nul", "a\\u0000b", "control character"},
        {"escape-newline-in-name", "a\\nb", "control character"},
        {"raw-control-char", "a\x01", "control character in a string"},
        {"utf8-invalid-byte", "a\xff", "invalid UTF-8"},
        {"utf8-overlong", "a\xc0\x80", "invalid UTF-8"},
        {"utf8-truncated", "a\xe2\x82", "invalid UTF-8"},
        {"utf8-surrogate", "a\xed\xa0\x80", "invalid UTF-8"},
        {"empty-name", "", "empty name"},
    };
    char json[512], name[200];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(json, sizeof json, fmt, cases[i].name);
        expect_fail(cases[i].test, json, RWKVACC_E_FORMAT, cases[i].needle);
    }
    expect_fail("escape-at-end", "{\"a\\", RWKVACC_E_FORMAT, "unterminated string");
    memset(name, 'x', 128);
    name[128] = '\0';
    snprintf(json, sizeof json, fmt, name);
    expect_fail("name-128-bytes", json, RWKVACC_E_FORMAT, "of 128 bytes");
    {
        rw_tensor_dir dir;
        rwkvacc_error err;
        size_t len;
        uint8_t *buf;
        name[127] = '\0';
        snprintf(json, sizeof json, fmt, name);
        buf = build(json, data24, sizeof data24, &len);
        check(parse(buf, len, &dir, &err) == RWKVACC_OK && dir.n == 1 &&
                  strcmp(dir.t[0].name, name) == 0,
              "name-127-bytes", "%s", err.msg);
        rw_dir_free(&dir);
        free(buf);
    }
}

static void test_fields(void)
{
    const char *f = "\"F32\"", *sh = "[2,3]";
    expect_fail_t("offsets-outside", f, sh, "[0,28]", RWKVACC_E_FORMAT,
                  "tensor 'a' data_offsets [0, 28] outside the 24-byte data area");
    expect_fail_t("offsets-begin-outside", f, "[0]", "[30,30]", RWKVACC_E_FORMAT,
                  "outside");
    expect_fail_t("offsets-reversed", f, sh, "[24,0]", RWKVACC_E_FORMAT, "end before");
    expect_fail_t("offsets-size-mismatch", f, sh, "[0,20]", RWKVACC_E_FORMAT,
                  "hold 20 bytes, its shape and dtype need 24");
    expect_fail_t("offsets-f16-size-mismatch", "\"F16\"", sh, "[0,24]", RWKVACC_E_FORMAT,
                  "need 12");
    expect_fail_t("offsets-three", f, sh, "[0,12,24]", RWKVACC_E_FORMAT,
                  "3 data_offsets");
    expect_fail_t("offsets-one", f, sh, "[24]", RWKVACC_E_FORMAT, "1 data_offsets");
    expect_fail_t("dtype-i8", "\"I8\"", "[24]", "[0,24]", RWKVACC_E_UNSUPPORTED,
                  "dtype 'I8'");
    expect_fail_t("dtype-f64", "\"F64\"", "[3]", "[0,24]", RWKVACC_E_UNSUPPORTED,
                  "dtype 'F64'");
    expect_fail_t("dtype-lowercase", "\"f32\"", sh, "[0,24]", RWKVACC_E_UNSUPPORTED,
                  "dtype 'f32'");
    expect_fail_t("dtype-with-nul", "\"F32\\u0000\"", sh, "[0,24]", RWKVACC_E_UNSUPPORTED,
                  "dtype 'F32'");
    expect_fail_t("dtype-long", "\"F32F32F32F32F32F32\"", sh, "[0,24]",
                  RWKVACC_E_UNSUPPORTED, "dtype 'F32F32F32F32F32'");
    expect_fail_t("ndim-5", f, "[1,1,1,2,3]", "[0,24]", RWKVACC_E_FORMAT, "5 dimensions");
    expect_fail_t("dims-2^31-squared", f, "[2147483648,2147483648]", "[0,24]",
                  RWKVACC_E_FORMAT, "over 2^40 elements");
    expect_fail_t("dims-2^32-cubed", f, "[4294967296,4294967296,4294967296]", "[0,24]",
                  RWKVACC_E_FORMAT, "over 2^40 elements");
    expect_fail_t("dim-over-2^40", f, "[0,1099511627777]", "[0,0]", RWKVACC_E_FORMAT,
                  "at most 2^40");
    expect_fail("field-missing", "{\"a\":{\"shape\":[6],\"data_offsets\":[0,24]}}",
                RWKVACC_E_FORMAT, "no 'dtype' field");
    expect_fail("field-unknown",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24],\"x\":1}}",
                RWKVACC_E_FORMAT, "unknown field 'x'");
    expect_fail("field-repeated",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[6],\"shape\":[6],"
                "\"data_offsets\":[0,24]}}",
                RWKVACC_E_FORMAT, "repeated field 'shape'");
}

static void test_metadata(void)
{
    const char *t = "\"a\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]}";
    char json[256];
    snprintf(json, sizeof json, "{\"__metadata__\":{\"n\":1},%s}", t);
    expect_fail("metadata-number-value", json, RWKVACC_E_FORMAT, "must be strings");
    snprintf(json, sizeof json, "{\"__metadata__\":[\"x\"],%s}", t);
    expect_fail("metadata-not-object", json, RWKVACC_E_FORMAT, "must be an object");
    snprintf(json, sizeof json, "{\"__metadata__\":{},%s,\"__metadata__\":{}}", t);
    expect_fail("metadata-twice", json, RWKVACC_E_FORMAT, "appears twice");
    snprintf(json, sizeof json, "{\"__metadata__\":{\"k\":\"v\"}}");
    expect_fail("metadata-only", json, RWKVACC_E_FORMAT, "no tensors");
}

static void test_duplicates(void)
{
    const char *json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[6],\"data_offsets\":[0,24]},"
                       "\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}";
    rw_tensor_dir dir;
    rwkvacc_error err, err2;
    size_t len;
    uint8_t *buf = build(json, data24, sizeof data24, &len);
    rwkvacc_status s = parse(buf, len, &dir, &err);
    memset(&err2, 0, sizeof err2);
    /* The directory's own check rejects repeated names for both file formats. */
    check(s == RWKVACC_OK && rw_dir_check_unique(&dir, &err2) == RWKVACC_E_TENSOR &&
              strstr(err2.msg, FILE_NAME ": tensor 'a' appears twice"),
          "duplicate-names", "parse %d '%s', unique check '%s'", (int)s, err.msg, err2.msg);
    rw_dir_free(&dir);
    free(buf);
}

/* ------------------------------------------------------------ mutations */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    return check_rand(&rng_state);
}

static uint8_t random_byte(void)
{
    static const char interesting[] = "\"\\{}[],:0123456789 -.eu";
    return rng() % 2 ? (uint8_t)rng() : (uint8_t)interesting[rng() % (sizeof interesting - 1)];
}

/* Mutates a copy of src (len bytes, json of n bytes) into a fresh exact-size
 * buffer; *out_len gets its length. */
static uint8_t *mutate(const uint8_t *src, size_t len, size_t n, size_t *out_len)
{
    uint8_t *b = malloc(len + 1);
    size_t m = len, k = 1 + rng() % 3, pos;
    memcpy(b, src, len);
    switch (rng() % 5) {
    case 0: /* bytes in the JSON */
        for (size_t i = 0; i < k; i++)
            b[8 + rng() % n] = random_byte();
        break;
    case 1: /* bytes anywhere, the length field included */
        for (size_t i = 0; i < k; i++)
            b[rng() % len] = random_byte();
        break;
    case 2: /* truncation */
        m = rng() % len;
        break;
    case 3: /* one JSON byte deleted, the header length kept consistent */
        pos = 8 + rng() % n;
        memmove(b + pos, b + pos + 1, len - pos - 1);
        m = len - 1;
        put_u16(b, (uint16_t)(n - 1));
        break;
    default: /* one JSON byte inserted */
        pos = 8 + rng() % n;
        memmove(b + pos + 1, b + pos, len - pos);
        b[pos] = random_byte();
        m = len + 1;
        put_u16(b, (uint16_t)(n + 1));
        break;
    }
    {
        uint8_t *exact = malloc(m ? m : 1);
        memcpy(exact, b, m);
        free(b);
        *out_len = m;
        return exact;
    }
}

/* After a successful parse, every tensor's data lies inside the buffer. */
static int inside(const rw_tensor_dir *dir, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < dir->n; i++) {
        const rw_tensor *t = &dir->t[i];
        uint64_t bytes = t->numel * rw_dtype_size(t->dtype);
        if (t->data < buf + 8 || t->data > buf + len ||
            bytes > (uint64_t)(buf + len - t->data) || strlen(t->name) >= RW_MAX_NAME ||
            t->ndim > RW_MAX_DIMS)
            return 0;
        if (t->numel) /* let ASan see both ends */
            (void)(rw_tensor_get(t, 0) + rw_tensor_get(t, t->numel - 1));
    }
    return 1;
}

static void test_mutations(void)
{
    size_t len, n = strlen(valid_json), accepted = 0, rejected = 0;
    uint8_t *src = valid_file(&len);
    char why[400] = "";
    for (int i = 0; i < 2000 && !why[0]; i++) {
        size_t m;
        uint8_t *buf = mutate(src, len, n, &m);
        rw_tensor_dir dir;
        rwkvacc_error err;
        rwkvacc_status s = parse(buf, m, &dir, &err);
        if (s == RWKVACC_OK) {
            accepted++;
            if (!inside(&dir, buf, m))
                snprintf(why, sizeof why, "mutation %d: a tensor's data leaves the buffer", i);
            rw_dir_free(&dir);
        } else {
            rejected++;
            if (!good_failure(&dir, &err))
                snprintf(why, sizeof why, "mutation %d: status %d, message '%.300s'", i,
                         (int)s, err.msg);
        }
        free(buf);
    }
    check(!why[0], "mutations-2000", "%s", why);
    check(accepted > 0 && rejected > 0, "mutations-reach-both-outcomes",
          "%zu accepted, %zu rejected", accepted, rejected);
    free(src);
}

int main(void)
{
    test_valid();
    test_header_length();
    test_json_syntax();
    test_strings();
    test_fields();
    test_metadata();
    test_duplicates();
    test_mutations();
    return check_exit();
}
