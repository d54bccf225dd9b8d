/*
 * cli.c - option parsing, sessions, files and messages shared by the subcommands.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------- messages */

static void vmessage(const char *fmt, va_list ap)
{
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    for (char *p = line; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    fflush(stdout);
    fprintf(stderr, "rwkvacc: %s\n", line);
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    return CLI_EXIT_FAIL;
}

int cli_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

int cli_lib_fail(const rwkvacc_error *err, rwkvacc_status st)
{
    if (err && err->msg[0])
        return cli_fail("%s", err->msg);
    return cli_fail("%s", rwkvacc_status_str(st));
}

/* -------------------------------------------------------------- options */

/* Shortens a user's string for quoting in a message. */
static const char *quote(const char *s, char *buf, size_t len)
{
    size_t n = strlen(s);
    if (n < len) {
        memcpy(buf, s, n + 1);
    } else {
        memcpy(buf, s, len - 4);
        memcpy(buf + len - 4, "...", 4);
    }
    return buf;
}

static int set_value(const char *cmd, cli_opt *o, const char *flag, const char *v)
{
    char q[64];
    if (o->kind == CLI_STR || o->kind == CLI_TEXT) {
        if (o->kind == CLI_STR && !v[0])
            return cli_usage("%s: %s is empty", cmd, flag);
        *(const char **)o->dest = v;
        return CLI_CONTINUE;
    }
    if (o->kind == CLI_UINT) {
        /* Digits only: strtoull would take "-1", " 5" and "+5". */
        int digits = v[0] != '\0';
        for (const char *p = v; *p; p++)
            if (*p < '0' || *p > '9')
                digits = 0;
        if (!digits)
            return cli_usage("%s: %s: '%s' is not a whole number (see rwkvacc %s --help)",
                             cmd, flag, quote(v, q, sizeof q), cmd);
        errno = 0;
        unsigned long long x = strtoull(v, NULL, 10);
        if (errno == ERANGE || (double)x < o->min || (double)x > o->max)
            return cli_usage("%s: %s: %s is out of range (%.0f to %.0f)", cmd, flag,
                             quote(v, q, sizeof q), o->min, o->max);
        *(uint64_t *)o->dest = x;
        return CLI_CONTINUE;
    }
    /* CLI_DOUBLE */
    char *end = NULL;
    errno = 0;
    double x = v[0] ? strtod(v, &end) : 0.0;
    if (!v[0] || *end != '\0' || (unsigned char)v[0] <= ' ')
        return cli_usage("%s: %s: '%s' is not a number (see rwkvacc %s --help)", cmd, flag,
                         quote(v, q, sizeof q), cmd);
    if (!isfinite(x) || errno == ERANGE || x < o->min || x > o->max)
        return cli_usage("%s: %s: %s is out of range (%g to %g)", cmd, flag,
                         quote(v, q, sizeof q), o->min, o->max);
    *(double *)o->dest = x;
    return CLI_CONTINUE;
}

static cli_opt *find_opt(cli_opt *opts, const char *name, size_t len)
{
    for (cli_opt *o = opts; o->name; o++) {
        if (strlen(o->name) == len && !strncmp(o->name, name, len))
            return o;
        if (o->alias && strlen(o->alias) == len && !strncmp(o->alias, name, len))
            return o;
    }
    return NULL;
}

int cli_parse(const char *cmd, const char *help, int argc, char **argv, cli_opt *opts,
              const char **pos, size_t max_pos, size_t *n_pos)
{
    char q[64];
    int options = 1;
    *n_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options && a[0] == '-' && a[1] != '\0') {
            if (!strcmp(a, "--")) {
                options = 0;
                continue;
            }
            if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
                fputs(help, stdout);
                return CLI_EXIT_OK;
            }
            const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
            size_t len = eq ? (size_t)(eq - a) : strlen(a);
            cli_opt *o = find_opt(opts, a, len);
            if (!o)
                return cli_usage("%s: unknown option '%.*s' (see rwkvacc %s --help)", cmd,
                                 (int)(len > 60 ? 60 : len), a, cmd);
            const char *flag = o->name;
            o->seen = 1;
            if (o->kind == CLI_FLAG) {
                if (eq)
                    return cli_usage("%s: %s takes no value", cmd, flag);
                *(int *)o->dest = 1;
                continue;
            }
            const char *v;
            if (eq) {
                v = eq + 1;
            } else {
                if (i + 1 >= argc)
                    return cli_usage("%s: %s needs a value (see rwkvacc %s --help)", cmd,
                                     flag, cmd);
                v = argv[++i];
            }
            int rc = set_value(cmd, o, flag, v);
            if (rc != CLI_CONTINUE)
                return rc;
        } else {
            if (*n_pos >= max_pos)
                return cli_usage("%s: unexpected argument '%s' (see rwkvacc %s --help)", cmd,
                                 quote(a, q, sizeof q), cmd);
            pos[(*n_pos)++] = a;
        }
    }
    for (cli_opt *o = opts; o->name; o++)
        if (o->required && !o->seen)
            return cli_usage("%s: missing required option %s (see rwkvacc %s --help)", cmd,
                             o->name, cmd);
    return CLI_CONTINUE;
}

/* ------------------------------------------------------------- sessions */

void cli_session_close(cli_session *s)
{
    if (s->ctx)
        rwkvacc_ctx_close(s->ctx);
    if (s->model)
        rwkvacc_model_free(s->model);
    if (s->tok)
        rwkvacc_tokenizer_free(s->tok);
    memset(s, 0, sizeof *s);
}

int cli_weight_options(const char *cmd, const cli_weights *w, uint32_t *bits,
                       uint32_t *group)
{
    char q[64];
    *bits = 0;
    *group = 64;
    if (w->weights) {
        if (!strcmp(w->weights, "int8"))
            *bits = 8;
        else if (!strcmp(w->weights, "int4"))
            *bits = 4;
        else
            return cli_usage("%s: --weights: '%s' is not int8 or int4", cmd,
                             quote(w->weights, q, sizeof q));
    }
    if (w->group) {
        if (*bits != 4)
            return cli_usage("%s: --group is the INT4 group size: it needs --weights int4",
                             cmd);
        if (w->group % 2)
            return cli_usage("%s: --group: %llu is odd (INT4 groups are even, 32 to 128)",
                             cmd, (unsigned long long)w->group);
        *group = (uint32_t)w->group;
    }
    return CLI_CONTINUE;
}

void cli_card_options(const cli_card *c, rwkvacc_ctx_options *opt)
{
    opt->trace = c->trace;
    opt->mem_latency = (uint32_t)c->latency;
    opt->mem_bytes_per_cycle = (uint32_t)c->bw;
}

int cli_session_open(cli_session *s, int want, const char *model_path,
                     const char *backend, const char *vocab)
{
    return cli_session_open_opt(s, want, model_path, backend, vocab, NULL);
}

int cli_session_open_opt(cli_session *s, int want, const char *model_path,
                         const char *backend, const char *vocab,
                         const rwkvacc_ctx_options *opt)
{
    rwkvacc_error err;
    rwkvacc_status st;
    memset(s, 0, sizeof *s);
    memset(&err, 0, sizeof err);
    if (want & CLI_WANT_TOK) {
        st = rwkvacc_tokenizer_load(vocab, &s->tok, &err);
        if (st != RWKVACC_OK) {
            s->tok = NULL;
            return cli_lib_fail(&err, st);
        }
    }
    if (want & (CLI_WANT_MODEL | CLI_WANT_CTX)) {
        st = rwkvacc_model_load(model_path, &s->model, &err);
        if (st != RWKVACC_OK) {
            s->model = NULL;
            cli_session_close(s);
            return cli_lib_fail(&err, st);
        }
        rwkvacc_model_get_info(s->model, &s->info);
    }
    if (s->tok && s->model) {
        uint32_t tv = rwkvacc_tokenizer_n_vocab(s->tok);
        if (tv > s->info.n_vocab) {
            int rc = cli_fail("%s: its %u token ids do not fit model %s (n_vocab %u)",
                              vocab ? vocab : "the byte tokenizer", (unsigned)tv,
                              model_path, (unsigned)s->info.n_vocab);
            cli_session_close(s);
            return rc;
        }
    }
    if (want & CLI_WANT_CTX) {
        st = rwkvacc_ctx_open(backend, s->model, opt, &s->ctx, &err);
        if (st != RWKVACC_OK) {
            s->ctx = NULL;
            cli_session_close(s);
            /* The backend cannot run this model: name the model file. */
            if (st == RWKVACC_E_UNSUPPORTED && err.msg[0])
                return cli_fail("%s: %s", model_path, err.msg);
            return cli_lib_fail(&err, st);
        }
    }
    return CLI_EXIT_OK;
}

/* ---------------------------------------------------------------- files */

int cli_read_file(const char *path, char **buf, size_t *len)
{
    if (path && !strcmp(path, "-"))
        path = NULL;
    const char *name = path ? path : "standard input";
    FILE *f = path ? fopen(path, "rb") : stdin;
    *buf = NULL;
    *len = 0;
    if (!f)
        return cli_fail("cannot read %s: %s", name, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        if (path)
            fclose(f);
        return cli_fail("cannot read %s: %s", name, strerror(EISDIR));
    }
    size_t cap = 4096, n = 0;
    if (S_ISREG(sb.st_mode) && sb.st_size > 0 && (uintmax_t)sb.st_size < SIZE_MAX / 2)
        cap = (size_t)sb.st_size + 1;
    char *b = malloc(cap + 1);
    int e = 0;
    while (b) {
        if (n == cap) {
            char *nb = cap < SIZE_MAX / 4 ? realloc(b, cap * 2 + 1) : NULL;
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                e = errno ? errno : EIO;
            break;
        }
    }
    if (path)
        fclose(f);
    if (!b)
        return cli_fail("cannot read %s: %s", name, strerror(ENOMEM));
    if (e) {
        free(b);
        return cli_fail("cannot read %s: %s", name, strerror(e));
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return CLI_EXIT_OK;
}

/* The temporary file of the output being written, removed if a signal ends the
 * command before it is renamed. */
static char *volatile pending_tmp;

static void on_signal(int sig)
{
    char *t = pending_tmp;
    if (t)
        unlink(t);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void watch_signals(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        struct sigaction old;
        /* Leave ignored signals ignored (nohup). */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

int cli_out_open(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    if (!path[0])
        return cli_usage("the output file name is empty");
    if (!strcmp(path, "-")) {
        o->path = "standard output";
        o->f = stdout;
        return CLI_EXIT_OK;
    }
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return cli_fail("cannot write %s: %s", path, strerror(EISDIR));
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        /* A device or a pipe (/dev/null, a fifo): write to it, never replace it. */
        o->f = fopen(path, "wb");
        if (!o->f)
            return cli_fail("cannot write %s: %s", path, strerror(errno));
        return CLI_EXIT_OK;
    }
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dir_len;
    size_t n = dir_len + strlen(base) + 32;
    o->tmp = malloc(n);
    if (!o->tmp)
        return cli_fail("cannot write %s: %s", path, strerror(ENOMEM));
    snprintf(o->tmp, n, "%.*s.%s.tmp-XXXXXX", (int)dir_len, path, base);
    watch_signals();
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        return cli_fail("cannot write %s: %s", path, strerror(e));
    }
    pending_tmp = o->tmp;
    /* mkstemp makes the file 0600; give it the mode a plain create would. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        int e = errno;
        close(fd);
        cli_out_abort(o);
        return cli_fail("cannot write %s: %s", path, strerror(e));
    }
    return CLI_EXIT_OK;
}

int cli_out_write_f32(cli_out *o, const float *v, size_t n)
{
    return cli_out_write_le32(o, v, n);
}

int cli_out_write_le32(cli_out *o, const void *words, size_t n)
{
    const unsigned char *w = words;
    unsigned char buf[4096];
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, w + 4 * i, 4);
        buf[used++] = (unsigned char)u;
        buf[used++] = (unsigned char)(u >> 8);
        buf[used++] = (unsigned char)(u >> 16);
        buf[used++] = (unsigned char)(u >> 24);
        if (used == sizeof buf || i + 1 == n) {
            if (fwrite(buf, 1, used, o->f) != used) {
                int e = errno;
                cli_out_abort(o);
                return cli_fail("cannot write %s: %s", o->path, strerror(e ? e : EIO));
            }
            used = 0;
        }
    }
    return CLI_EXIT_OK;
}

int cli_out_commit(cli_out *o)
{
    int e = 0;
    errno = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        e = errno ? errno : EIO;
    if (o->f == stdout) {
        o->f = NULL;
        return e ? cli_fail("cannot write %s: %s", o->path, strerror(e)) : CLI_EXIT_OK;
    }
    if (!e && o->tmp && fsync(fileno(o->f)) != 0 && errno != EINVAL && errno != EROFS)
        e = errno;
    if (fclose(o->f) != 0 && !e)
        e = errno ? errno : EIO;
    o->f = NULL;
    if (!e && o->tmp && rename(o->tmp, o->path) != 0)
        e = errno;
    if (e) {
        cli_out_abort(o);
        return cli_fail("cannot write %s: %s", o->path, strerror(e));
    }
    if (o->tmp) {
        pending_tmp = NULL;
        free(o->tmp);
        o->tmp = NULL;
    }
    return CLI_EXIT_OK;
}

void cli_out_abort(cli_out *o)
{
    if (o->f) {
        if (o->f != stdout)
            fclose(o->f);
        o->f = NULL;
    }
    if (o->tmp) {
        unlink(o->tmp);
        pending_tmp = NULL;
        free(o->tmp);
        o->tmp = NULL;
    }
}

/* ----------------------------------------------------------------- misc */

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

size_t cli_chunk_tokens(uint32_t n_vocab)
{
    size_t n = ((size_t)1 << 22) / (n_vocab ? n_vocab : 1);
    if (n < 1)
        n = 1;
    if (n > 4096)
        n = 4096;
    return n;
}
