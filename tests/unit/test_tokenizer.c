/*
 * test_tokenizer.c - the byte-level and RWKV World tokenizers: round trips, the
 * vocabulary-literal parser, greedy longest match against a naive reference and
 * hand-checked ids from the vocabulary file, and every load/decode error.
 */
#include "check.h"
#include "rwkvacc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct text {
    const char *s;
    size_t n;
} text;

#define TEXT(lit) {lit, sizeof(lit) - 1}

/* ---------------------------------------------------------------- helpers */

/* Encodes then decodes; 1 when the bytes come back unchanged. */
static int round_trip(const rwkvacc_tokenizer *t, const char *s, size_t n, size_t *n_ids)
{
    uint32_t *ids = NULL;
    char *back = NULL;
    size_t n_back = 0;
    int ok = rwkvacc_tokenizer_encode(t, s, n, &ids, n_ids, NULL) == RWKVACC_OK &&
             rwkvacc_tokenizer_decode(t, ids, *n_ids, &back, &n_back, NULL) == RWKVACC_OK &&
             n_back == n && memcmp(back, s, n) == 0;
    free(ids);
    free(back);
    return ok;
}

/* Encodes s and compares the ids with want[0..n_want). */
static int encodes_to(const rwkvacc_tokenizer *t, const char *s, size_t n,
                      const uint32_t *want, size_t n_want)
{
    uint32_t *ids = NULL;
    size_t n_ids = 0;
    int ok = rwkvacc_tokenizer_encode(t, s, n, &ids, &n_ids, NULL) == RWKVACC_OK &&
             n_ids == n_want && memcmp(ids, want, n_want * sizeof *ids) == 0;
    free(ids);
    return ok;
}

static int token_is(const rwkvacc_tokenizer *t, uint32_t id, const char *want, size_t n)
{
    size_t len = 0;
    const char *p = rwkvacc_tokenizer_token(t, id, &len);
    return p && len == n && memcmp(p, want, n) == 0;
}

/* Writes body to a new file under /tmp; path receives its name. */
static int write_temp(const char *body, char *path, size_t path_len)
{
    size_t n = strlen(body);
    int fd;
    snprintf(path, path_len, "/tmp/rwkvacc_vocab_XXXXXX");
    fd = mkstemp(path);
    if (fd < 0)
        return -1;
    if (write(fd, body, n) != (ssize_t)n) {
        close(fd);
        unlink(path);
        return -1;
    }
    close(fd);
    return 0;
}

/* 256 lines giving every single byte a token: id b + 1 is byte b, as in World. */
static char *byte_lines(const char *extra)
{
    size_t cap = 256 * 16 + strlen(extra) + 1, at = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    for (unsigned b = 0; b < 256; b++)
        at += (size_t)snprintf(s + at, cap - at, "%u b'\\x%02x' 1\n", b + 1, b);
    snprintf(s + at, cap - at, "%s", extra);
    return s;
}

/* Loads body as a vocabulary file and expects status want with a message naming the
 * file and containing where (e.g. ":2: "). */
static void expect_load_error(const char *name, const char *body, rwkvacc_status want,
                              const char *where)
{
    char path[64];
    rwkvacc_error err = {RWKVACC_OK, ""};
    rwkvacc_tokenizer *t = NULL;
    rwkvacc_status st;
    if (write_temp(body, path, sizeof path) != 0) {
        check(0, name, "cannot write a temporary file");
        return;
    }
    st = rwkvacc_tokenizer_load(path, &t, &err);
    check(st == want && err.status == want && t == NULL && strstr(err.msg, path) &&
              strstr(err.msg, where),
          name, "status %d (want %d), message \"%s\" (want the path and \"%s\")", (int)st,
          (int)want, err.msg, where);
    rwkvacc_tokenizer_free(t);
    unlink(path);
}

/* ------------------------------------------------------------ byte level */

static void test_byte_level(void)
{
    rwkvacc_tokenizer *t = NULL;
    char all[256];
    uint32_t want[256];
    size_t n_ids = 0;
    if (!check(rwkvacc_tokenizer_load(NULL, &t, NULL) == RWKVACC_OK && t, "bytes-load",
               "byte-level load failed"))
        return;
    for (unsigned b = 0; b < 256; b++) {
        all[b] = (char)b;
        want[b] = b;
    }
    check(rwkvacc_tokenizer_n_vocab(t) == 256, "bytes-n-vocab", "n_vocab %u",
          (unsigned)rwkvacc_tokenizer_n_vocab(t));
    check(encodes_to(t, all, 256, want, 256), "bytes-identity", "ids are not the bytes");
    check(round_trip(t, all, 256, &n_ids) && n_ids == 256, "bytes-round-trip",
          "all 256 bytes did not come back (%zu ids)", n_ids);
    check(round_trip(t, "", 0, &n_ids) && n_ids == 0, "bytes-empty", "empty text: %zu ids",
          n_ids);
    check(token_is(t, 0, "\0", 1) && token_is(t, 255, "\xff", 1) &&
              rwkvacc_tokenizer_token(t, 256, &n_ids) == NULL && n_ids == 0,
          "bytes-token", "token bytes wrong");
    rwkvacc_tokenizer_free(t);
}

/* ------------------------------------------------- a small custom vocab */

static const char custom_extra[] =
    "300 'ab' 2\n"
    "301 'abc' 3\n"
    "302 b\"\\x80\\x81\" 2\n"
    "303 '\\u00e9t\\u00e9' 5\n"
    "304 '\\U0001F600' 4\n"
    "305 '\\101\\0' 2\n"
    "306 'a\\qb' 4\n"
    "307 \"it's\" 4\n"
    "308 '\xe4\xb8\xad\xe6\x96\x87' 6\n"
    "309 b'\\u1234' 6\n"
    "310 '\\a\\b\\f\\v\\t\\n\\r\\\\\\'\\\"' 10\n"
    "311 '\\xe9' 2\n"
    "312 'a b' 3\r\n"
    "313 '\\377' 2\n"
    "320 'zz' 2"; /* no final newline */

static void test_custom_vocab(void)
{
    char path[64];
    char *body = byte_lines(custom_extra);
    rwkvacc_tokenizer *t = NULL;
    rwkvacc_error err = {RWKVACC_OK, ""};
    static const uint32_t abcab[] = {301, 300}, abd[] = {300, 'd' + 1};
    static const uint32_t smile[] = {304, 'x' + 1};
    char *dec = NULL;
    size_t n = 0;
    uint32_t gap = 315;
    if (!body || write_temp(body, path, sizeof path) != 0) {
        free(body);
        check(0, "custom-load", "cannot write a temporary file");
        return;
    }
    free(body);
    if (!check(rwkvacc_tokenizer_load(path, &t, &err) == RWKVACC_OK, "custom-load", "%s",
               err.msg)) {
        unlink(path);
        return;
    }
    unlink(path);
    check(rwkvacc_tokenizer_n_vocab(t) == 321, "custom-n-vocab", "n_vocab %u",
          (unsigned)rwkvacc_tokenizer_n_vocab(t));
    check(token_is(t, 1, "\0", 1) && token_is(t, 256, "\xff", 1) &&
              rwkvacc_tokenizer_token(t, 0, &n) == NULL && n == 0,
          "custom-byte-tokens", "single-byte tokens wrong");
    check(token_is(t, 302, "\x80\x81", 2), "custom-bytes-dquote", "b\"...\" literal");
    check(token_is(t, 303, "\xc3\xa9t\xc3\xa9", 5), "custom-u-escape", "\\u escape");
    check(token_is(t, 304, "\xf0\x9f\x98\x80", 4), "custom-U-escape", "\\U escape");
    check(token_is(t, 305, "A\0", 2), "custom-octal", "octal escapes");
    check(token_is(t, 306, "a\\qb", 4), "custom-unknown-escape", "unknown escape kept");
    check(token_is(t, 307, "it's", 4), "custom-dquote", "\"...\" literal");
    check(token_is(t, 308, "\xe4\xb8\xad\xe6\x96\x87", 6), "custom-utf8", "raw UTF-8");
    check(token_is(t, 309, "\\u1234", 6), "custom-bytes-no-u", "\\u in bytes is literal");
    check(token_is(t, 310, "\a\b\f\v\t\n\r\\'\"", 10), "custom-simple-escapes",
          "simple escapes");
    check(token_is(t, 311, "\xc3\xa9", 2), "custom-str-x", "\\xe9 in a str is U+00E9");
    check(token_is(t, 312, "a b", 3), "custom-crlf", "CRLF line");
    check(token_is(t, 313, "\xc3\xbf", 2), "custom-str-octal", "\\377 in a str is U+00FF");
    check(token_is(t, 320, "zz", 2), "custom-last-line", "line without newline");
    check(rwkvacc_tokenizer_token(t, gap, &n) == NULL && n == 0 &&
              rwkvacc_tokenizer_decode(t, &gap, 1, &dec, &n, NULL) == RWKVACC_OK && n == 0,
          "custom-gap-id", "an id with no bytes must decode to nothing");
    free(dec);
    check(encodes_to(t, "abcab", 5, abcab, 2), "custom-longest", "abcab");
    check(encodes_to(t, "abd", 3, abd, 2), "custom-backtrack", "abd");
    check(encodes_to(t, "\xf0\x9f\x98\x80x", 5, smile, 2), "custom-emoji", "emoji");
    rwkvacc_tokenizer_free(t);
}

/* ------------------------------------------------------------- errors */

static void test_errors(void)
{
    rwkvacc_error err = {RWKVACC_OK, ""};
    rwkvacc_tokenizer *t = NULL;
    const char *missing = "/tmp/rwkvacc-no-such-dir/vocab.txt";
    rwkvacc_status st = rwkvacc_tokenizer_load(missing, &t, &err);
    char *bytes_only = byte_lines("");
    check(st == RWKVACC_E_IO && t == NULL && strstr(err.msg, missing), "err-missing-file",
          "status %d, message \"%s\"", (int)st, err.msg);
    t = NULL;
    st = rwkvacc_tokenizer_load("/tmp", &t, &err);
    check(st == RWKVACC_E_IO && t == NULL && strstr(err.msg, "/tmp"), "err-directory",
          "status %d, message \"%s\"", (int)st, err.msg);
    expect_load_error("err-malformed", "1 'a' 1\n2 'b 1\n", RWKVACC_E_VOCAB, ":2: ");
    expect_load_error("err-no-len", "1 'a' 1\n2 'b'\n", RWKVACC_E_VOCAB, ":2: ");
    expect_load_error("err-not-a-number", "x 'a' 1\n", RWKVACC_E_VOCAB, ":1: ");
    expect_load_error("err-len-mismatch", "1 'a' 1\n2 'bc' 3\n", RWKVACC_E_VOCAB, ":2: LEN");
    expect_load_error("err-len-utf8", "1 '\xc3\xa9' 1\n", RWKVACC_E_VOCAB, ":1: LEN");
    expect_load_error("err-duplicate", "1 'a' 1\n2 'b' 1\n1 'c' 1\n", RWKVACC_E_VOCAB,
                      ":3: duplicate id 1");
    expect_load_error("err-id-zero", "0 'a' 1\n", RWKVACC_E_VOCAB, ":1: ");
    expect_load_error("err-id-large", "1 'a' 1\n16777216 'b' 1\n", RWKVACC_E_VOCAB, ":2: ");
    expect_load_error("err-bad-hex", "1 '\\x4' 1\n", RWKVACC_E_VOCAB, ":1: ");
    expect_load_error("err-surrogate", "1 '\\ud800' 3\n", RWKVACC_E_VOCAB, ":1: ");
    expect_load_error("err-bytes-non-ascii", "1 b'\xc3\xa9' 2\n", RWKVACC_E_VOCAB, ":1: ");
    expect_load_error("err-bad-utf8", "1 '\xff' 1\n", RWKVACC_E_VOCAB, ":1: ");
    expect_load_error("err-unterminated", "1 'a\\' 1\n", RWKVACC_E_VOCAB, ":1: ");
    expect_load_error("err-empty-line", "1 'a' 1\n\n2 'b' 1\n", RWKVACC_E_VOCAB, ":2: ");
    expect_load_error("err-empty-token", "1 '' 0\n", RWKVACC_E_VOCAB, ":1: ");
    expect_load_error("err-empty-file", "", RWKVACC_E_VOCAB, ": ");
    expect_load_error("err-bytes-missing", "1 'a' 1\n", RWKVACC_E_VOCAB, "0x00");
    if (bytes_only) {
        /* The same error after 256 good lines keeps the right line number. */
        size_t n = strlen(bytes_only);
        char *body = malloc(n + 32);
        if (body) {
            snprintf(body, n + 32, "%s7 'x' 1\n", bytes_only);
            expect_load_error("err-duplicate-late", body, RWKVACC_E_VOCAB, ":257: duplicate");
            free(body);
        }
        free(bytes_only);
    }
}

static void test_decode_range(const rwkvacc_tokenizer *t, const char *name)
{
    uint32_t n_vocab = rwkvacc_tokenizer_n_vocab(t);
    uint32_t ids[3] = {65, 66, n_vocab};
    char idtext[16];
    rwkvacc_error err = {RWKVACC_OK, ""};
    char *sentinel = (char *)"unchanged", *out = sentinel;
    size_t len = 12345;
    rwkvacc_status st = rwkvacc_tokenizer_decode(t, ids, 3, &out, &len, &err);
    snprintf(idtext, sizeof idtext, "%u", (unsigned)n_vocab);
    check(st == RWKVACC_E_TOKEN && err.status == RWKVACC_E_TOKEN && strstr(err.msg, idtext) &&
              out == sentinel && len == 12345,
          name, "status %d, message \"%s\"", (int)st, err.msg);
}

/* ----------------------------------------------------------------- World */

/* The naive reference: at each position try every token and keep the longest
 * (the highest id among equals, as the official tokenizer says). */
static size_t naive_encode(const rwkvacc_tokenizer *t, const char *s, size_t n,
                           uint32_t *out)
{
    uint32_t n_vocab = rwkvacc_tokenizer_n_vocab(t);
    size_t pos = 0, k = 0;
    while (pos < n) {
        size_t best_len = 0;
        uint32_t best = UINT32_MAX;
        for (uint32_t id = 0; id < n_vocab; id++) {
            size_t len = 0;
            const char *tok = rwkvacc_tokenizer_token(t, id, &len);
            if (tok && len >= best_len && len <= n - pos && tok[0] == s[pos] &&
                memcmp(tok, s + pos, len) == 0) {
                best_len = len;
                best = id;
            }
        }
        if (best_len == 0)
            return SIZE_MAX; /* cannot happen with World: every byte is a token */
        out[k++] = best;
        pos += best_len;
    }
    return k;
}

static const text world_samples[] = {
    TEXT("Hello, world! This is a test of the RWKV World tokenizer.\n"
         "It has  two  spaces,\ttabs\tand blank lines.\n\n"),
    TEXT("\xe4\xb8\xad\xe6\x96\x87\xe5\x88\x86\xe8\xaf\x8d\xe6\xb5\x8b\xe8\xaf\x95\xef\xbc\x9a"
         "\xe4\xba\xba\xe5\xb7\xa5\xe6\x99\xba\xe8\x83\xbd\xe6\xad\xa3\xe5\x9c\xa8\xe6\x94\xb9"
         "\xe5\x8f\x98\xe4\xb8\x96\xe7\x95\x8c\xe3\x80\x82"), /* 中文分词测试：人工智能正在改变世界。 */
    TEXT("Emoji: \xf0\x9f\x98\x80\xf0\x9f\x99\x82 \xf0\x9f\x8e\x89\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"
         " family \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7!"),
    TEXT("Numbers 0 1 12 123 1234 3.14159 2023-04-24 1e10 -7 +99 100000000"),
    TEXT("int main(void) {\n    printf(\"%d\\n\", 42);\n    return 0;\n}\n"),
    TEXT("def f(x):\n\treturn x ** 2  # square\n\n\nclass A:\n    pass\r\n"),
    TEXT("Mixed \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e and English, "
         "\xd0\xa0\xd1\x83\xd1\x81\xd1\x81\xd0\xba\xd0\xb8\xd0\xb9 text, "
         "\xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9."),
    TEXT("bad \xff\xfe utf8 \xc3\x28 \xed\xa0\x80 \xf0\x9f end\x80"),
    TEXT("                                                                      "
         "                                                                      x"),
    TEXT("\x00\x01\x02 control \x7f https://github.com/BlinkDL/RWKV-LM?x=1&y=2 "
         "################################################################################"),
};

static void test_world_reference(const rwkvacc_tokenizer *t)
{
    size_t n_samples = sizeof world_samples / sizeof world_samples[0];
    for (size_t i = 0; i < n_samples; i++) {
        const text *x = &world_samples[i];
        uint32_t *want = malloc((x->n + 1) * sizeof *want), *got = NULL;
        size_t n_want = want ? naive_encode(t, x->s, x->n, want) : SIZE_MAX, n_got = 0;
        char name[48];
        size_t first = 0;
        int ok;
        snprintf(name, sizeof name, "world-vs-naive-%zu", i);
        ok = n_want != SIZE_MAX &&
             rwkvacc_tokenizer_encode(t, x->s, x->n, &got, &n_got, NULL) == RWKVACC_OK &&
             n_got == n_want && memcmp(got, want, n_want * sizeof *got) == 0;
        while (!ok && got && first < n_got && first < n_want && got[first] == want[first])
            first++;
        check(ok, name, "%zu ids vs %zu from the naive reference, first difference at %zu",
              n_got, n_want, first);
        free(want);
        free(got);
    }
}

/* Expected ids taken by grep from rwkv_vocab_v20230424.txt. */
static void test_world_known(const rwkvacc_tokenizer *t)
{
    static const uint32_t the[] = {22590}, hello[] = {33155}, hw[] = {36786, 40213};
    static const uint32_t nn[] = {261}, zhong[] = {10285}, fn[] = {56292}, zw[] = {9808};
    static const uint32_t smile[] = {32845}, ff[] = {256, 255}, nul[] = {1};
    char spaces[128];
    size_t n = 0;
    memset(spaces, ' ', sizeof spaces);
    check(encodes_to(t, " the", 4, the, 1), "world-known-the", "' the' is 22590");
    check(encodes_to(t, "Hello", 5, hello, 1), "world-known-hello", "'Hello' is 33155");
    check(encodes_to(t, " Hello world", 12, hw, 2), "world-known-hello-world",
          "' Hello' 36786, ' world' 40213");
    check(encodes_to(t, "\n\n", 2, nn, 1), "world-known-newlines", "'\\n\\n' is 261");
    check(encodes_to(t, "\xe4\xb8\xad", 3, zhong, 1), "world-known-zhong", "U+4E2D is 10285");
    check(encodes_to(t, " function", 9, fn, 1), "world-known-function", "' function' 56292");
    check(encodes_to(t, "\xe2\x80\x8b", 3, zw, 1), "world-known-u200b", "'\\u200b' is 9808");
    check(encodes_to(t, " \xf0\x9f\x99\x82", 5, smile, 1), "world-known-emoji",
          "' U+1F642' is 32845");
    check(encodes_to(t, "\xff\xfe", 2, ff, 2), "world-known-bytes", "b'\\xff' 256, b'\\xfe' 255");
    check(encodes_to(t, "\0", 1, nul, 1), "world-known-nul", "'\\x00' is 1");
    check(token_is(t, 65529, spaces, 128) && token_is(t, 93, "\\", 1) &&
              token_is(t, 2412, "\x82\xac", 2) && rwkvacc_tokenizer_token(t, 0, &n) == NULL,
          "world-known-tokens", "token bytes of 65529, 93, 2412, 0");
}

static void test_world_round_trips(const rwkvacc_tokenizer *t)
{
    static const char mixed[] =
        "The quick brown fox \xe8\xb7\xb3\xe8\xbf\x87\xe4\xba\x86\xe6\x87\x92\xe7\x8b\x97 "
        "\xf0\x9f\xa6\x8a\xf0\x9f\x90\xb6 and said \"hi\"\n\t\xe2\x80\x94 caf\xc3\xa9 na\xc3\xafve";
    static const char invalid[] = "\xc0\x80\xff\xfe\xfd\x80\x80\xed\xa0\x80\xf4\x90\x80\x80\xe4";
    char *random = malloc(65536);
    uint32_t x = 12345;
    size_t n_ids = 0;
    check(round_trip(t, mixed, sizeof mixed - 1, &n_ids) && n_ids < sizeof mixed - 1,
          "world-round-trip-mixed", "mixed text (%zu ids)", n_ids);
    check(round_trip(t, invalid, sizeof invalid - 1, &n_ids), "world-round-trip-invalid",
          "invalid UTF-8");
    if (random) {
        for (size_t i = 0; i < 65536; i++) {
            x = x * 1103515245u + 12345u;
            random[i] = (char)(x >> 24);
        }
        check(round_trip(t, random, 65536, &n_ids), "world-round-trip-random",
              "64 KiB of random bytes");
        free(random);
    }
}

static void test_world(void)
{
    char path[512];
    rwkvacc_tokenizer *t = NULL;
    rwkvacc_error err = {RWKVACC_OK, ""};
    if (!check_shared_path(path, sizeof path, "vocab/rwkv_vocab_v20230424.txt",
                           "tokenizer-world"))
        return;
    if (!check(rwkvacc_tokenizer_load(path, &t, &err) == RWKVACC_OK, "world-load", "%s",
               err.msg))
        return;
    check(rwkvacc_tokenizer_n_vocab(t) == 65530, "world-n-vocab", "n_vocab %u",
          (unsigned)rwkvacc_tokenizer_n_vocab(t));
    test_world_known(t);
    test_world_round_trips(t);
    test_world_reference(t);
    test_decode_range(t, "world-decode-out-of-range");
    rwkvacc_tokenizer_free(t);
}

int main(void)
{
    rwkvacc_tokenizer *t = NULL;
    test_byte_level();
    test_custom_vocab();
    test_errors();
    if (rwkvacc_tokenizer_load(NULL, &t, NULL) == RWKVACC_OK) {
        test_decode_range(t, "bytes-decode-out-of-range");
        rwkvacc_tokenizer_free(t);
    }
    test_world();
    return check_exit();
}
