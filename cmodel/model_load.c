/*
 * model_load.c - rwkvacc_model_load: reads a model file into memory, recognises
 * its format by its first bytes and hands it to the parser and the binder.
 */
#include "error.h"
#include "golden/qmodel.h"
#include "model_bind.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Refuse files larger than this: no RWKV model we can run in memory is. */
#define RW_MAX_FILE_BYTES ((uint64_t)64 << 30)

static rwkvacc_status read_file(const char *path, uint8_t **buf, size_t *len,
                                rwkvacc_error *err)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f)
        return rw_fail(err, RWKVACC_E_IO, "%s: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return rw_fail(err, RWKVACC_E_IO, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > RW_MAX_FILE_BYTES) {
        fclose(f);
        return rw_fail(err, RWKVACC_E_IO, "%s: file of %lld bytes is too large", path,
                       (long long)st.st_size);
    }
    *len = (size_t)st.st_size;
    *buf = malloc(*len ? *len : 1);
    if (!*buf) {
        fclose(f);
        return rw_fail(err, RWKVACC_E_NOMEM, "%s: out of memory for %zu bytes", path, *len);
    }
    if (fread(*buf, 1, *len, f) != *len) {
        free(*buf);
        fclose(f);
        return rw_fail(err, RWKVACC_E_IO, "%s: read error", path);
    }
    fclose(f);
    return RWKVACC_OK;
}

static int looks_like_safetensors(const uint8_t *buf, size_t len)
{
    /* u64 header length, then a JSON object */
    return len >= 9 && buf[8] == '{' && rw_le64(buf) <= len - 8;
}

/* A quantized model file: the model holds only its info and the quantized model. */
static rwkvacc_status load_quantized(const uint8_t *buf, size_t len, const char *name,
                                     rwkvacc_model **out, rwkvacc_error *err)
{
    rw_qmodel *q = NULL;
    rwkvacc_model *m;
    rwkvacc_status s = rw_qmodel_read_mem(buf, len, name, &q, err);
    if (s != RWKVACC_OK)
        return s;
    if (!(m = calloc(1, sizeof *m))) {
        rw_qmodel_free(q);
        return rw_fail(err, RWKVACC_E_NOMEM, "%s: out of memory", name);
    }
    m->info = q->info;
    m->q = q;
    *out = m;
    return RWKVACC_OK;
}

rwkvacc_status rwkvacc_model_load_mem(const void *data, size_t len, const char *name,
                                      rwkvacc_model **out, rwkvacc_error *err)
{
    const uint8_t *buf = data;
    rw_tensor_dir dir;
    rwkvacc_status s;
    memset(&dir, 0, sizeof dir);
    dir.file = name;
    if (len == 0)
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: file is empty", name);
    if (rw_qmodel_is_file(buf, len))
        return load_quantized(buf, len, name, out, err);
    if (len >= 4 && rw_le32(buf) == 0x67676d66u)
        s = rw_parse_ggml(buf, len, &dir, err);
    else if (looks_like_safetensors(buf, len))
        s = rw_parse_safetensors(buf, len, &dir, err);
    else
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: bad magic: neither an rwkv.cpp model "
                       "(0x67676d66), a safetensors file nor a quantized rwkvacc model", name);
    if (s != RWKVACC_OK)
        return s;
    dir.file_bytes = len;
    s = rw_model_bind(&dir, out, err);
    rw_dir_free(&dir);
    return s;
}

rwkvacc_status rwkvacc_model_load(const char *path, rwkvacc_model **out, rwkvacc_error *err)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    rwkvacc_status s = read_file(path, &buf, &len, err);
    if (s == RWKVACC_OK)
        s = rwkvacc_model_load_mem(buf, len, path, out, err);
    free(buf);
    return s;
}
