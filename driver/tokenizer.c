/*
 * tokenizer.c - the byte-level tokenizer and the RWKV World tokenizer (a vocabulary
 * file of `ID REPR LEN` lines, encoded by greedy longest match over a byte trie).
 * It is not a general Python-literal parser (no raw strings, no \N{...}) and knows
 * nothing of special tokens beyond id 0, the end of text, which has no bytes.
 */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NO_TOKEN UINT32_MAX
#define MAX_ID_EXCL (UINT32_C(1) << 24)    /* vocabulary ids are below 2^24 */
#define MAX_NODES_EXCL (UINT32_C(1) << 24) /* trie nodes fit the 24-bit edge key */

/* One trie edge in an open-addressing hash: key = parent << 8 | byte. child 0
 * marks an empty slot (the root, node 0, is nobody's child). */
typedef struct trie_edge {
    uint32_t key;
    uint32_t child;
} trie_edge;

struct rwkvacc_tokenizer {
    uint32_t n_vocab;
    uint32_t *tok_off; /* [n_vocab] offset of each token's bytes in pool */
    uint32_t *tok_len; /* [n_vocab] byte length; 0 for ids with no bytes */
    uint8_t *pool;
    uint32_t pool_len;
    uint32_t *node_tok; /* [n_nodes] token ending at the node, or NO_TOKEN */
    uint32_t n_nodes, cap_nodes;
    trie_edge *edges; /* [edge_mask + 1] */
    uint32_t edge_mask, n_edges;
};

/* Where a vocabulary line came from, for messages. */
typedef struct vocab_src {
    const char *path;
    uint32_t line;
    rwkvacc_error *err;
} vocab_src;

static rwkvacc_status bad_line(const vocab_src *s, const char *fmt, ...) RW_PRINTF(2, 3);

static rwkvacc_status bad_line(const vocab_src *s, const char *fmt, ...)
{
    char what[RWKVACC_ERROR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return rw_fail(s->err, RWKVACC_E_VOCAB, "%s:%u: %s", s->path, (unsigned)s->line, what);
}

/* ------------------------------------------------------------------ trie */

static uint32_t edge_slot(uint32_t key, uint32_t mask)
{
    return (uint32_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & mask;
}

static uint32_t trie_child(const rwkvacc_tokenizer *t, uint32_t node, uint8_t b)
{
    uint32_t key = node << 8 | b;
    uint32_t i = edge_slot(key, t->edge_mask);
    for (;; i = (i + 1) & t->edge_mask) {
        const trie_edge *e = &t->edges[i];
        if (e->child == 0 || e->key == key)
            return e->child;
    }
}

static void edge_put(trie_edge *edges, uint32_t mask, uint32_t key, uint32_t child)
{
    uint32_t i = edge_slot(key, mask);
    while (edges[i].child != 0)
        i = (i + 1) & mask;
    edges[i].key = key;
    edges[i].child = child;
}

/* Keeps the hash at most half full. */
static int edges_reserve(rwkvacc_tokenizer *t)
{
    uint32_t cap = t->edge_mask + 1, new_cap;
    trie_edge *e;
    if (t->edges && (t->n_edges + 1) * 2 <= cap)
        return 0;
    new_cap = t->edges ? cap * 2 : 1024;
    e = calloc(new_cap, sizeof *e);
    if (!e)
        return -1;
    for (uint32_t i = 0; t->edges && i < cap; i++)
        if (t->edges[i].child != 0)
            edge_put(e, new_cap - 1, t->edges[i].key, t->edges[i].child);
    free(t->edges);
    t->edges = e;
    t->edge_mask = new_cap - 1;
    return 0;
}

/* Appends a node with no token at index *idx; -1 when out of memory or nodes. */
static int node_new(rwkvacc_tokenizer *t, uint32_t *idx)
{
    if (t->n_nodes >= MAX_NODES_EXCL)
        return -1;
    if (t->n_nodes == t->cap_nodes) {
        uint32_t cap = t->cap_nodes ? t->cap_nodes * 2 : 1024;
        uint32_t *p = realloc(t->node_tok, (size_t)cap * sizeof *p);
        if (!p)
            return -1;
        t->node_tok = p;
        t->cap_nodes = cap;
    }
    t->node_tok[t->n_nodes] = NO_TOKEN;
    *idx = t->n_nodes++;
    return 0;
}

/* Adds token id; an existing token with the same bytes is replaced (the higher
 * id wins when ids are added in increasing order, as in the official tokenizer). */
static int trie_add(rwkvacc_tokenizer *t, uint32_t id)
{
    const uint8_t *s = t->pool + t->tok_off[id];
    uint32_t node = 0;
    for (uint32_t i = 0; i < t->tok_len[id]; i++) {
        uint32_t child = trie_child(t, node, s[i]);
        if (child == 0) {
            if (edges_reserve(t) != 0 || node_new(t, &child) != 0)
                return -1;
            edge_put(t->edges, t->edge_mask, node << 8 | s[i], child);
            t->n_edges++;
        }
        node = child;
    }
    t->node_tok[node] = id;
    return 0;
}

/* Builds the trie of every token with bytes. */
static rwkvacc_status trie_build(rwkvacc_tokenizer *t, const char *name,
                                 rwkvacc_error *err)
{
    uint32_t root;
    if (node_new(t, &root) != 0 || edges_reserve(t) != 0)
        return rw_fail(err, RWKVACC_E_NOMEM, "%s: out of memory building the trie", name);
    for (uint32_t id = 0; id < t->n_vocab; id++) {
        if (t->tok_len[id] == 0 || trie_add(t, id) == 0)
            continue;
        if (t->n_nodes >= MAX_NODES_EXCL)
            return rw_fail(err, RWKVACC_E_VOCAB, "%s: vocabulary too large (over %u trie nodes)",
                           name, (unsigned)(MAX_NODES_EXCL - 1));
        return rw_fail(err, RWKVACC_E_NOMEM, "%s: out of memory building the trie", name);
    }
    return RWKVACC_OK;
}

/* Every single byte must be a token, so that every byte string encodes. */
static rwkvacc_status check_bytes_covered(const rwkvacc_tokenizer *t, const char *name,
                                          rwkvacc_error *err)
{
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t child = trie_child(t, 0, (uint8_t)b);
        if (child == 0 || t->node_tok[child] == NO_TOKEN)
            return rw_fail(err, RWKVACC_E_VOCAB,
                           "%s: no token for the single byte 0x%02x (every byte must have one)",
                           name, (unsigned)b);
    }
    return RWKVACC_OK;
}

/* -------------------------------------------------------- token tables */

/* Grows tok_off/tok_len so that id is a valid index (new ids have no bytes). */
static int ids_reserve(rwkvacc_tokenizer *t, uint32_t id, uint32_t *cap)
{
    uint32_t new_cap;
    uint32_t *off, *len;
    if (id < *cap)
        return 0;
    new_cap = *cap ? *cap : 1024;
    while (new_cap <= id)
        new_cap *= 2;
    off = realloc(t->tok_off, (size_t)new_cap * sizeof *off);
    if (!off)
        return -1;
    t->tok_off = off;
    len = realloc(t->tok_len, (size_t)new_cap * sizeof *len);
    if (!len)
        return -1;
    t->tok_len = len;
    memset(len + *cap, 0, (size_t)(new_cap - *cap) * sizeof *len);
    memset(off + *cap, 0, (size_t)(new_cap - *cap) * sizeof *off);
    *cap = new_cap;
    return 0;
}

static rwkvacc_tokenizer *byte_level_new(void)
{
    rwkvacc_tokenizer *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->n_vocab = 256;
    t->pool = malloc(256);
    t->tok_off = malloc(256 * sizeof *t->tok_off);
    t->tok_len = malloc(256 * sizeof *t->tok_len);
    if (!t->pool || !t->tok_off || !t->tok_len) {
        rwkvacc_tokenizer_free(t);
        return NULL;
    }
    for (uint32_t b = 0; b < 256; b++) {
        t->pool[b] = (uint8_t)b;
        t->tok_off[b] = b;
        t->tok_len[b] = 1;
    }
    t->pool_len = 256;
    return t;
}

/* ------------------------------------------------------ literal parsing */

/* Writes code point cp (<= 0x10FFFF) as UTF-8; returns the byte count. */
static uint32_t put_utf8(uint8_t *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | cp >> 18);
    out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of the valid UTF-8 sequence at p (2 to 4 bytes, lead byte >= 0x80),
 * or 0 when it is invalid, overlong, a surrogate or beyond U+10FFFF. */
static uint32_t utf8_len(const uint8_t *p, const uint8_t *end)
{
    static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    uint32_t n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 0;
    uint32_t cp = p[0] & (0x7Fu >> n);
    if (n == 0 || p[0] > 0xF4 || (size_t)(end - p) < n)
        return 0;
    for (uint32_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3Fu);
    }
    if (cp < min_cp[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static int hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads exactly n hex digits at *pp; -1 if there are fewer. */
static int64_t read_hex(const uint8_t **pp, const uint8_t *end, uint32_t n)
{
    int64_t v = 0;
    for (uint32_t i = 0; i < n; i++) {
        int d = (*pp + i < end) ? hex_value((*pp)[i]) : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    *pp += n;
    return v;
}

/* A literal being decoded: source cursor, output, kind. */
typedef struct literal {
    const uint8_t *p, *end;
    uint8_t *out;
    uint32_t n; /* bytes written */
    int is_bytes;
} literal;

/* Emits a numeric escape's value: a byte in a bytes literal, a code point in a str. */
static rwkvacc_status put_value(literal *L, uint32_t v, const vocab_src *s)
{
    if (L->is_bytes) {
        if (v > 0xFF)
            return bad_line(s, "escape value 0x%x does not fit a byte", (unsigned)v);
        L->out[L->n++] = (uint8_t)v;
        return RWKVACC_OK;
    }
    if (v > 0x10FFFF)
        return bad_line(s, "escape value 0x%x is not a Unicode code point", (unsigned)v);
    if (v >= 0xD800 && v <= 0xDFFF)
        return bad_line(s, "surrogate U+%04X cannot be encoded as UTF-8", (unsigned)v);
    L->n += put_utf8(L->out + L->n, v);
    return RWKVACC_OK;
}

static int simple_escape(uint8_t c, uint8_t *v)
{
    static const char from[] = "\\'\"abfnrtv";
    static const uint8_t to[] = {'\\', '\'', '"', 7, 8, 12, 10, 13, 9, 11};
    const char *f = (c != 0) ? strchr(from, c) : NULL;
    if (!f)
        return 0;
    *v = to[f - from];
    return 1;
}

/* Decodes the escape after a backslash (L->p is past the backslash). */
static rwkvacc_status escape(literal *L, const vocab_src *s)
{
    uint8_t c = *L->p, v;
    int64_t x;
    if (simple_escape(c, &v)) {
        L->p++;
        L->out[L->n++] = v;
        return RWKVACC_OK;
    }
    if (c >= '0' && c <= '7') {
        uint32_t o = 0;
        for (int i = 0; i < 3 && L->p < L->end && *L->p >= '0' && *L->p <= '7'; i++)
            o = o * 8 + (uint32_t)(*L->p++ - '0');
        return put_value(L, o, s);
    }
    if (c == 'x' || (!L->is_bytes && (c == 'u' || c == 'U'))) {
        uint32_t digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
        L->p++;
        if ((x = read_hex(&L->p, L->end, digits)) < 0)
            return bad_line(s, "truncated \\%c escape (needs %u hex digits)", c,
                            (unsigned)digits);
        return put_value(L, (uint32_t)x, s);
    }
    if (c == 'N' && !L->is_bytes)
        return bad_line(s, "\\N{...} escapes are not supported");
    /* Python keeps an unknown escape as it is: the backslash, then the character. */
    L->out[L->n++] = '\\';
    return RWKVACC_OK;
}

/* Decodes a '...', "...", b'...' or b"..." literal at L->p into L->out. */
static rwkvacc_status parse_literal(literal *L, const vocab_src *s)
{
    uint8_t quote;
    if (L->p < L->end && (*L->p == 'b' || *L->p == 'B')) {
        L->is_bytes = 1;
        L->p++;
    }
    if (L->p >= L->end || (*L->p != '\'' && *L->p != '"'))
        return bad_line(s, "expected a quoted string or bytes literal after the id");
    quote = *L->p++;
    while (L->p < L->end && *L->p != quote) {
        uint8_t c = *L->p;
        rwkvacc_status st;
        uint32_t n;
        if (c == '\\') {
            if (++L->p >= L->end)
                break;
            if ((st = escape(L, s)) != RWKVACC_OK)
                return st;
        } else if (c < 0x80) {
            L->out[L->n++] = c;
            L->p++;
        } else if (L->is_bytes) {
            return bad_line(s, "non-ASCII byte 0x%02x in a bytes literal", (unsigned)c);
        } else if ((n = utf8_len(L->p, L->end)) == 0) {
            return bad_line(s, "invalid UTF-8 in the string literal");
        } else {
            memcpy(L->out + L->n, L->p, n);
            L->n += n;
            L->p += n;
        }
    }
    if (L->p >= L->end)
        return bad_line(s, "unterminated literal");
    L->p++; /* the closing quote */
    return RWKVACC_OK;
}

/* Reads a decimal number at *pp, saturating at limit; -1 if there is no digit. */
static int64_t read_decimal(const uint8_t **pp, const uint8_t *end, int64_t limit)
{
    int64_t v = 0;
    const uint8_t *p = *pp;
    if (p >= end || *p < '0' || *p > '9')
        return -1;
    for (; p < end && *p >= '0' && *p <= '9'; p++)
        v = (v > limit) ? v : v * 10 + (*p - '0');
    *pp = p;
    return v;
}

/* ----------------------------------------------------------- file parsing */

/* Parses one line `ID REPR LEN` (without its newline), decoding REPR into out. */
static rwkvacc_status parse_line(const uint8_t *p, const uint8_t *end, uint8_t *out,
                                 uint32_t *id, uint32_t *n, const vocab_src *s)
{
    literal L = {0};
    int64_t v, len;
    rwkvacc_status st;
    if (p == end)
        return bad_line(s, "empty line");
    if ((v = read_decimal(&p, end, MAX_ID_EXCL)) < 0)
        return bad_line(s, "expected a token id at the start of the line");
    if (v == 0)
        return bad_line(s, "id 0 is reserved for the end of text");
    if (v >= (int64_t)MAX_ID_EXCL)
        return bad_line(s, "id %lld is too large (ids must be below %u)", (long long)v,
                        (unsigned)MAX_ID_EXCL);
    if (p >= end || *p++ != ' ')
        return bad_line(s, "expected one space after the id");
    L.p = p;
    L.end = end;
    L.out = out;
    if ((st = parse_literal(&L, s)) != RWKVACC_OK)
        return st;
    p = L.p;
    if (p >= end || *p++ != ' ')
        return bad_line(s, "expected one space after the token literal");
    if ((len = read_decimal(&p, end, UINT32_MAX)) < 0 || p != end)
        return bad_line(s, "expected the byte length at the end of the line");
    if (len != (int64_t)L.n)
        return bad_line(s, "LEN %lld does not match the token's %u bytes", (long long)len,
                        (unsigned)L.n);
    if (L.n == 0)
        return bad_line(s, "empty token");
    *id = (uint32_t)v;
    *n = L.n;
    return RWKVACC_OK;
}

/* Adds one decoded line to the tables; its bytes are already at pool + pool_len. */
static rwkvacc_status add_token(rwkvacc_tokenizer *t, uint32_t id, uint32_t n,
                                uint32_t *cap, const vocab_src *s)
{
    if (ids_reserve(t, id, cap) != 0)
        return rw_fail(s->err, RWKVACC_E_NOMEM, "%s: out of memory", s->path);
    if (t->tok_len[id] != 0)
        return bad_line(s, "duplicate id %u", (unsigned)id);
    t->tok_off[id] = t->pool_len;
    t->tok_len[id] = n;
    t->pool_len += n;
    if (id >= t->n_vocab)
        t->n_vocab = id + 1;
    return RWKVACC_OK;
}

/* Parses the whole file text into t's token tables. */
static rwkvacc_status parse_vocab(rwkvacc_tokenizer *t, const uint8_t *text, size_t size,
                                  const char *path, rwkvacc_error *err)
{
    vocab_src s = {path, 0, err};
    const uint8_t *p = text, *end = text + size;
    uint32_t cap = 0;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        const uint8_t *eol = nl ? nl : end;
        uint32_t id = 0, n = 0;
        rwkvacc_status st;
        s.line++;
        if (eol > p && eol[-1] == '\r')
            eol--;
        st = parse_line(p, eol, t->pool + t->pool_len, &id, &n, &s);
        if (st == RWKVACC_OK)
            st = add_token(t, id, n, &cap, &s);
        if (st != RWKVACC_OK)
            return st;
        p = nl ? nl + 1 : end;
    }
    if (t->n_vocab == 0)
        return rw_fail(err, RWKVACC_E_VOCAB, "%s: no tokens", path);
    return RWKVACC_OK;
}

/* Reads a whole regular file; the caller frees *buf. */
static rwkvacc_status read_file(const char *path, uint8_t **buf, size_t *size,
                                rwkvacc_error *err)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    size_t n;
    if (!f)
        return rw_fail(err, RWKVACC_E_IO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return rw_fail(err, RWKVACC_E_IO, "%s: not a readable regular file", path);
    }
    if ((uint64_t)st.st_size >= UINT32_MAX) {
        fclose(f);
        return rw_fail(err, RWKVACC_E_VOCAB, "%s: too large for a vocabulary (%lld bytes)",
                       path, (long long)st.st_size);
    }
    n = (size_t)st.st_size;
    *buf = malloc(n + 1);
    if (!*buf) {
        fclose(f);
        return rw_fail(err, RWKVACC_E_NOMEM, "%s: out of memory (%zu bytes)", path, n);
    }
    if (fread(*buf, 1, n, f) != n) {
        fclose(f);
        free(*buf);
        *buf = NULL;
        return rw_fail(err, RWKVACC_E_IO, "%s: cannot read", path);
    }
    fclose(f);
    *size = n;
    return RWKVACC_OK;
}

/* Loads a vocabulary file into a new tokenizer (without its trie). */
static rwkvacc_status vocab_load(const char *path, rwkvacc_tokenizer **out,
                                 rwkvacc_error *err)
{
    uint8_t *text = NULL;
    size_t size = 0;
    rwkvacc_tokenizer *t;
    rwkvacc_status st = read_file(path, &text, &size, err);
    if (st != RWKVACC_OK)
        return st;
    t = calloc(1, sizeof *t);
    /* Escapes never decode to more bytes than they take, so size bytes suffice. */
    if (!t || !(t->pool = malloc(size + 1))) {
        free(text);
        free(t);
        return rw_fail(err, RWKVACC_E_NOMEM, "%s: out of memory", path);
    }
    st = parse_vocab(t, text, size, path, err);
    free(text);
    if (st != RWKVACC_OK) {
        rwkvacc_tokenizer_free(t);
        return st;
    }
    *out = t;
    return RWKVACC_OK;
}

/* ---------------------------------------------------------------- API */

rwkvacc_status rwkvacc_tokenizer_load(const char *vocab_path, rwkvacc_tokenizer **out,
                                      rwkvacc_error *err)
{
    const char *name = vocab_path ? vocab_path : "byte-level tokenizer";
    rwkvacc_tokenizer *t = NULL;
    rwkvacc_status st;
    if (!out)
        return rw_fail(err, RWKVACC_E_ARG, "rwkvacc_tokenizer_load: out is NULL");
    if (vocab_path) {
        if ((st = vocab_load(vocab_path, &t, err)) != RWKVACC_OK)
            return st;
    } else if (!(t = byte_level_new())) {
        return rw_fail(err, RWKVACC_E_NOMEM, "%s: out of memory", name);
    }
    st = trie_build(t, name, err);
    if (st == RWKVACC_OK)
        st = check_bytes_covered(t, name, err);
    if (st != RWKVACC_OK) {
        rwkvacc_tokenizer_free(t);
        return st;
    }
    *out = t;
    return RWKVACC_OK;
}

void rwkvacc_tokenizer_free(rwkvacc_tokenizer *t)
{
    if (!t)
        return;
    free(t->tok_off);
    free(t->tok_len);
    free(t->pool);
    free(t->node_tok);
    free(t->edges);
    free(t);
}

uint32_t rwkvacc_tokenizer_n_vocab(const rwkvacc_tokenizer *t)
{
    return t ? t->n_vocab : 0;
}

/* The longest token at the start of s[0..n), n >= 1; writes its length. */
static uint32_t longest_match(const rwkvacc_tokenizer *t, const uint8_t *s, size_t n,
                              size_t *match_len)
{
    uint32_t node = 0, best = NO_TOKEN;
    size_t best_len = 0;
    for (size_t i = 0; i < n; i++) {
        node = trie_child(t, node, s[i]);
        if (node == 0)
            break;
        if (t->node_tok[node] != NO_TOKEN) {
            best = t->node_tok[node];
            best_len = i + 1;
        }
    }
    *match_len = best_len; /* >= 1: load checked every single byte is a token */
    return best;
}

rwkvacc_status rwkvacc_tokenizer_encode(const rwkvacc_tokenizer *t, const char *text,
                                        size_t len, uint32_t **ids, size_t *n_ids,
                                        rwkvacc_error *err)
{
    const uint8_t *s = (const uint8_t *)text;
    uint32_t *out, *shrunk;
    size_t pos = 0, n = 0;
    if (!t || !ids || !n_ids || (!text && len > 0))
        return rw_fail(err, RWKVACC_E_ARG, "rwkvacc_tokenizer_encode: NULL argument");
    if (len > SIZE_MAX / sizeof *out - 1)
        return rw_fail(err, RWKVACC_E_NOMEM, "rwkvacc_tokenizer_encode: %zu bytes is too many",
                       len);
    out = malloc((len + 1) * sizeof *out);
    if (!out)
        return rw_fail(err, RWKVACC_E_NOMEM, "rwkvacc_tokenizer_encode: out of memory");
    while (pos < len) {
        size_t m;
        out[n++] = longest_match(t, s + pos, len - pos, &m);
        pos += m;
    }
    shrunk = realloc(out, (n + 1) * sizeof *out);
    *ids = shrunk ? shrunk : out;
    *n_ids = n;
    return RWKVACC_OK;
}

const char *rwkvacc_tokenizer_token(const rwkvacc_tokenizer *t, uint32_t id, size_t *len)
{
    if (!t || id >= t->n_vocab || t->tok_len[id] == 0) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = t->tok_len[id];
    return (const char *)t->pool + t->tok_off[id];
}

rwkvacc_status rwkvacc_tokenizer_decode(const rwkvacc_tokenizer *t, const uint32_t *ids,
                                        size_t n, char **text, size_t *len,
                                        rwkvacc_error *err)
{
    size_t total = 0, at = 0;
    char *out;
    if (!t || !text || !len || (!ids && n > 0))
        return rw_fail(err, RWKVACC_E_ARG, "rwkvacc_tokenizer_decode: NULL argument");
    for (size_t i = 0; i < n; i++) {
        if (ids[i] >= t->n_vocab)
            return rw_fail(err, RWKVACC_E_TOKEN,
                           "token id %u at position %zu is out of range (n_vocab %u)",
                           (unsigned)ids[i], i, (unsigned)t->n_vocab);
        if (t->tok_len[ids[i]] > SIZE_MAX - 1 - total)
            return rw_fail(err, RWKVACC_E_NOMEM, "rwkvacc_tokenizer_decode: text too long");
        total += t->tok_len[ids[i]];
    }
    out = malloc(total + 1);
    if (!out)
        return rw_fail(err, RWKVACC_E_NOMEM, "rwkvacc_tokenizer_decode: out of memory");
    for (size_t i = 0; i < n; i++) {
        memcpy(out + at, t->pool + t->tok_off[ids[i]], t->tok_len[ids[i]]);
        at += t->tok_len[ids[i]];
    }
    *text = out;
    *len = total;
    return RWKVACC_OK;
}
