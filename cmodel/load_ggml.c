/*
 * load_ggml.c - parser for rwkv.cpp model files (.bin, versions 100 and 101):
 * header, then tensors until the end of the file. Fills a tensor directory with
 * shapes in PyTorch order; it neither converts data nor knows RWKV's tensors
 * (model_bind.c does). Layout: docs/formats.md.
 */
#include "tensor_file.h"

#include "error.h"

#include <string.h>

#define GGML_MAGIC 0x67676d66u
#define GGML_HEADER_BYTES 24
#define GGML_MAX_DIM 0x40000000u /* 2^30: far beyond any real tensor dimension */

enum { GGML_TYPE_F32 = 0, GGML_TYPE_F16 = 1 };

static rwkvacc_status ggml_type(rw_tensor_dir *dir, uint32_t t, const char *what,
                                rw_dtype *out, rwkvacc_error *err)
{
    static const char *const quant[] = {[2] = "Q4_0", [3] = "Q4_1", [7] = "Q5_0",
                                        [8] = "Q5_1", [9] = "Q8_0"};
    if (t == GGML_TYPE_F32 || t == GGML_TYPE_F16) {
        *out = t == GGML_TYPE_F32 ? RW_DT_F32 : RW_DT_F16;
        return RWKVACC_OK;
    }
    if (t < sizeof quant / sizeof quant[0] && quant[t])
        return rw_fail(err, RWKVACC_E_UNSUPPORTED,
                       "%s: %s has rwkv.cpp quantized type %s; use an FP32 or FP16 file "
                       "(rwkvacc quantizes itself)", dir->file, what, quant[t]);
    return rw_fail(err, RWKVACC_E_FORMAT, "%s: %s has unknown data type %u", dir->file,
                   what, t);
}

/* Reads one tensor record at *off; advances *off past its data. */
static rwkvacc_status ggml_tensor(const uint8_t *buf, size_t len, size_t *off,
                                  rw_tensor_dir *dir, rwkvacc_error *err)
{
    size_t o = *off;
    uint32_t ndim, klen, type, dims[RW_MAX_DIMS];
    uint64_t numel = 1, bytes;
    rw_tensor *t;
    rwkvacc_status s;

    if (len - o < 12)
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: truncated tensor header at byte %zu",
                       dir->file, o);
    ndim = rw_le32(buf + o);
    klen = rw_le32(buf + o + 4);
    type = rw_le32(buf + o + 8);
    o += 12;
    if (ndim < 1 || ndim > RW_MAX_DIMS)
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: tensor at byte %zu has %u dimensions "
                       "(1 to %d allowed)", dir->file, *off, ndim, RW_MAX_DIMS);
    if (klen < 1 || klen >= RW_MAX_NAME)
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: tensor at byte %zu has a name of %u "
                       "bytes (1 to %d allowed)", dir->file, *off, klen, RW_MAX_NAME - 1);
    if (len - o < 4 * (size_t)ndim + klen)
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: truncated tensor header at byte %zu",
                       dir->file, *off);
    for (uint32_t i = 0; i < ndim; i++) {
        dims[i] = rw_le32(buf + o + 4 * i);
        if (dims[i] < 1 || dims[i] > GGML_MAX_DIM)
            return rw_fail(err, RWKVACC_E_SHAPE, "%s: tensor at byte %zu has dimension "
                           "%u = %u", dir->file, *off, i, dims[i]);
        numel *= dims[i]; /* < 2^120 impossible: checked against the file below */
        if (numel > ((uint64_t)1 << 40))
            return rw_fail(err, RWKVACC_E_SHAPE, "%s: tensor at byte %zu has over 2^40 "
                           "elements", dir->file, *off);
    }
    o += 4 * (size_t)ndim;
    if (!(t = rw_dir_add(dir, err)))
        return RWKVACC_E_NOMEM;
    memcpy(t->name, buf + o, klen);
    t->name[klen] = '\0';
    if (strlen(t->name) != klen)
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: tensor name at byte %zu contains a NUL "
                       "byte", dir->file, o);
    o += klen;
    if ((s = ggml_type(dir, type, t->name, &t->dtype, err)) != RWKVACC_OK)
        return s;
    t->ndim = ndim;
    for (uint32_t i = 0; i < ndim; i++)
        t->dims[i] = dims[ndim - 1 - i]; /* rwkv.cpp lists the row length first */
    t->numel = numel;
    bytes = numel * rw_dtype_size(t->dtype);
    if (bytes > len - o)
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: tensor '%s' needs %llu bytes of data "
                       "but the file has %zu left", dir->file, t->name,
                       (unsigned long long)bytes, len - o);
    t->data = buf + o;
    *off = o + (size_t)bytes;
    return RWKVACC_OK;
}

static rwkvacc_status ggml_header(const uint8_t *buf, size_t len, rw_tensor_dir *dir,
                                  rwkvacc_error *err)
{
    uint32_t version, dtype;
    rw_dtype dt;
    if (len < GGML_HEADER_BYTES)
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: file of %zu bytes is too short for an "
                       "rwkv.cpp header", dir->file, len);
    if (rw_le32(buf) != GGML_MAGIC)
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: bad magic 0x%08x (rwkv.cpp files start "
                       "with 0x%08x)", dir->file, rw_le32(buf), GGML_MAGIC);
    version = rw_le32(buf + 4);
    if (version != 100 && version != 101)
        return rw_fail(err, RWKVACC_E_UNSUPPORTED, "%s: rwkv.cpp file version %u (100 "
                       "and 101 supported)", dir->file, version);
    dir->hdr_n_vocab = rw_le32(buf + 8);
    dir->hdr_n_embd = rw_le32(buf + 12);
    dir->hdr_n_layer = rw_le32(buf + 16);
    dtype = rw_le32(buf + 20);
    return ggml_type(dir, dtype, "the file header", &dt, err);
}

rwkvacc_status rw_parse_ggml(const uint8_t *buf, size_t len, rw_tensor_dir *dir,
                             rwkvacc_error *err)
{
    size_t off = GGML_HEADER_BYTES;
    rwkvacc_status s;
    dir->format = RW_FMT_GGML;
    dir->file_bytes = len;
    s = ggml_header(buf, len, dir, err);
    while (s == RWKVACC_OK && off < len)
        s = ggml_tensor(buf, len, &off, dir, err);
    if (s == RWKVACC_OK && dir->n == 0)
        s = rw_fail(err, RWKVACC_E_FORMAT, "%s: no tensors after the header", dir->file);
    if (s != RWKVACC_OK)
        rw_dir_free(dir);
    return s;
}
