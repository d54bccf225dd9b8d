/*
 * check.c - implementation of the unit-test harness in check.h.
 */
#include "check.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int check_failures;

int check(int cond, const char *name, const char *fmt, ...)
{
    if (cond) {
        printf("ok %s\n", name);
    } else {
        va_list ap;
        check_failures++;
        printf("FAIL %s: ", name);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
    fflush(stdout);
    return cond;
}

void check_skip(const char *name, const char *why)
{
    printf("skip %s: %s\n", name, why);
    fflush(stdout);
}

int check_exit(void)
{
    return check_failures ? 1 : 0;
}

int check_names_file(const char *msg, const char *file)
{
    size_t n = strlen(file);
    return strncmp(msg, file, n) == 0 && strncmp(msg + n, ": ", 2) == 0 && !strchr(msg, '\n');
}

int check_failed(const char *test, int got, const char *got_text, const char *msg, int want,
                 const char *file, const char *want_text)
{
    return check(got != 0 && (want < 0 || got == want) && check_names_file(msg, file) &&
                     (!want_text || strstr(msg, want_text)),
                 test, "status %d (%s), message '%s'", got, got_text, msg);
}

const char *check_shared_dir(void)
{
    static int reported;
    const char *d = getenv("SHARED");
    struct stat st;
    if (!d || !*d)
        d = "../shared";
    if (stat(d, &st) == 0 && S_ISDIR(st.st_mode))
        return d;
    if (!reported) {
        const char *ci = getenv("CI");
        reported = 1;
        if (ci && strcmp(ci, "true") == 0)
            check(0, "shared-data", "%s is missing, and CI=true requires it", d);
    }
    return NULL;
}

const char *check_shared_path(char *buf, size_t len, const char *sub, const char *test)
{
    const char *d = check_shared_dir();
    if (!d) {
        check_skip(test, "../shared test data not present");
        return NULL;
    }
    snprintf(buf, len, "%s/%s", d, sub);
    return buf;
}

void *check_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n;
    void *buf;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf && len)
        *len = (size_t)n;
    return buf;
}

uint64_t check_rand(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
