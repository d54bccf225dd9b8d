/*
 * cmd_tokenize.c - `rwkvacc tokenize` (text to ids, one per line) and
 * `rwkvacc detokenize` (whitespace-separated ids to bytes).
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char tokenize_help[] =
    "usage: rwkvacc tokenize [--vocab FILE] (--text TEXT | --file FILE)\n"
    "\n"
    "Prints the token ids of a text, one per line.\n"
    "\n"
    "  --vocab FILE    World vocabulary (default: bytes are tokens)\n"
    "  --text TEXT     the text itself\n"
    "  --file FILE     a file holding the text (any bytes; - for stdin)\n";

int cmd_tokenize(int argc, char **argv)
{
    const char *vocab = NULL, *text = NULL, *file = NULL;
    cli_opt opts[] = {
        {"--vocab", NULL, CLI_STR, &vocab, 0, 0, 0, 0},
        {"--text", NULL, CLI_TEXT, &text, 0, 0, 0, 0},
        {"--file", "-f", CLI_STR, &file, 0, 0, 0, 0},
        {NULL, NULL, CLI_STR, NULL, 0, 0, 0, 0},
    };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("tokenize", tokenize_help, argc, argv, opts, pos, 0, &n_pos);
    if (rc != CLI_CONTINUE)
        return rc;
    if (text && file)
        return cli_usage("tokenize: give either --text or --file, not both");
    if (!text && !file)
        return cli_usage("tokenize: missing --text or --file (see rwkvacc tokenize --help)");

    char *buf = NULL;
    size_t len;
    if (file) {
        rc = cli_read_file(file, &buf, &len);
        if (rc)
            return rc;
    } else {
        len = strlen(text);
    }
    cli_session s;
    rc = cli_session_open(&s, CLI_WANT_TOK, NULL, NULL, vocab);
    if (rc) {
        free(buf);
        return rc;
    }
    rwkvacc_error err;
    memset(&err, 0, sizeof err);
    uint32_t *ids = NULL;
    size_t n = 0;
    rwkvacc_status st = rwkvacc_tokenizer_encode(s.tok, file ? buf : text, len, &ids, &n,
                                                 &err);
    if (st != RWKVACC_OK) {
        rc = cli_lib_fail(&err, st);
    } else {
        for (size_t i = 0; i < n; i++)
            printf("%u\n", (unsigned)ids[i]);
        free(ids);
    }
    free(buf);
    cli_session_close(&s);
    return rc;
}

static const char detokenize_help[] =
    "usage: rwkvacc detokenize [--vocab FILE] [--ids \"ID ID ...\" | --file FILE]\n"
    "\n"
    "Writes the bytes of token ids to stdout. The ids are decimal, separated by\n"
    "whitespace, from --ids, from a file, or from stdin when neither is given.\n"
    "\n"
    "  --vocab FILE    World vocabulary (default: bytes are tokens)\n"
    "  --ids IDS       the ids themselves\n"
    "  --file FILE     a file holding the ids\n";

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Parses whitespace-separated decimal ids, each < n_vocab. */
static int parse_ids(const char *src, const char *what, uint32_t n_vocab, uint32_t **out,
                     size_t *n_out)
{
    size_t n = 0, cap = 0;
    uint32_t *ids = NULL;
    const char *p = src;
    *out = NULL;
    *n_out = 0;
    for (;;) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        const char *start = p;
        uint64_t v = 0;
        int big = 0;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (uint64_t)(*p - '0');
            if (v > UINT32_MAX)
                big = 1, v = UINT32_MAX;
            p++;
        }
        if (p == start || (*p && !is_space(*p))) {
            const char *end = p;
            while (*end && !is_space(*end))
                end++;
            int wl = (int)(end - start > 40 ? 40 : end - start);
            free(ids);
            return cli_usage("detokenize: %s: '%.*s' is not a token id", what, wl, start);
        }
        if (big || v >= n_vocab) {
            int wl = (int)(p - start > 40 ? 40 : p - start);
            free(ids);
            return cli_fail("detokenize: %s: token id %.*s is out of range (n_vocab %u)",
                            what, wl, start, (unsigned)n_vocab);
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            uint32_t *ni = realloc(ids, nc * sizeof *ni);
            if (!ni) {
                free(ids);
                return cli_fail("detokenize: %s: out of memory", what);
            }
            ids = ni;
            cap = nc;
        }
        ids[n++] = (uint32_t)v;
    }
    *out = ids;
    *n_out = n;
    return CLI_EXIT_OK;
}

int cmd_detokenize(int argc, char **argv)
{
    const char *vocab = NULL, *idstr = NULL, *file = NULL;
    cli_opt opts[] = {
        {"--vocab", NULL, CLI_STR, &vocab, 0, 0, 0, 0},
        {"--ids", NULL, CLI_TEXT, &idstr, 0, 0, 0, 0},
        {"--file", "-f", CLI_STR, &file, 0, 0, 0, 0},
        {NULL, NULL, CLI_STR, NULL, 0, 0, 0, 0},
    };
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse("detokenize", detokenize_help, argc, argv, opts, pos, 0, &n_pos);
    if (rc != CLI_CONTINUE)
        return rc;
    if (idstr && file)
        return cli_usage("detokenize: give either --ids or --file, not both");

    char *buf = NULL;
    size_t len = 0;
    const char *what = idstr ? "--ids" : file ? file : "standard input";
    if (!idstr) {
        rc = cli_read_file(file, &buf, &len);
        if (rc)
            return rc;
        if (memchr(buf, '\0', len)) {
            free(buf);
            return cli_fail("detokenize: %s: holds a NUL byte, not decimal token ids", what);
        }
    }
    cli_session s;
    rc = cli_session_open(&s, CLI_WANT_TOK, NULL, NULL, vocab);
    if (rc) {
        free(buf);
        return rc;
    }
    uint32_t *ids = NULL;
    size_t n = 0;
    rc = parse_ids(idstr ? idstr : buf, what, rwkvacc_tokenizer_n_vocab(s.tok), &ids, &n);
    if (rc == CLI_EXIT_OK && n) {
        rwkvacc_error err;
        memset(&err, 0, sizeof err);
        char *out = NULL;
        size_t out_len = 0;
        rwkvacc_status st = rwkvacc_tokenizer_decode(s.tok, ids, n, &out, &out_len, &err);
        if (st != RWKVACC_OK) {
            rc = cli_lib_fail(&err, st);
        } else {
            if (out_len && fwrite(out, 1, out_len, stdout) != out_len)
                rc = cli_fail("cannot write standard output: %s", strerror(errno));
            free(out);
        }
    }
    free(ids);
    free(buf);
    cli_session_close(&s);
    return rc;
}
