/*
 * tensor_file.h - a file's tensors, as a directory of names, shapes, data types
 * and pointers into the file's bytes. The two parsers (load_ggml.c for rwkv.cpp
 * .bin files, load_safetensors.c) fill it; model_bind.c reads it. Shapes are in
 * PyTorch order (outermost dimension first) whatever the file uses.
 *
 * Parsers check every length and offset against the buffer: after a successful
 * parse, data[0 .. numel * dtype size) lies inside the buffer.
 */
#ifndef RWKVACC_TENSOR_FILE_H
#define RWKVACC_TENSOR_FILE_H

#include "rwkvacc.h"

#define RW_MAX_DIMS 4
#define RW_MAX_NAME 128

typedef enum rw_dtype { RW_DT_F32, RW_DT_F16, RW_DT_BF16 } rw_dtype;

typedef enum rw_file_format { RW_FMT_GGML, RW_FMT_SAFETENSORS } rw_file_format;

typedef struct rw_tensor {
    char name[RW_MAX_NAME]; /* NUL-terminated */
    uint32_t ndim;
    uint64_t dims[RW_MAX_DIMS]; /* PyTorch order */
    uint64_t numel;
    rw_dtype dtype;
    const uint8_t *data; /* into the parsed buffer, unaligned */
    int used;            /* set by the binder */
} rw_tensor;

typedef struct rw_tensor_dir {
    rw_file_format format;
    const char *file; /* name for messages */
    uint64_t file_bytes;
    /* rwkv.cpp header values (0 for safetensors) */
    uint32_t hdr_n_vocab, hdr_n_embd, hdr_n_layer;
    rw_tensor *t;
    size_t n, cap;
} rw_tensor_dir;

/* Parsers. On failure the directory is freed and err names the file. They do not
 * reject repeated names: callers run rw_dir_check_unique (rw_model_bind does). */
rwkvacc_status rw_parse_ggml(const uint8_t *buf, size_t len, rw_tensor_dir *dir,
                             rwkvacc_error *err);
rwkvacc_status rw_parse_safetensors(const uint8_t *buf, size_t len, rw_tensor_dir *dir,
                                    rwkvacc_error *err);

/* Appends a zeroed entry (NULL when out of memory). Duplicate names are found
 * once for both formats by rw_dir_check_unique. */
rw_tensor *rw_dir_add(rw_tensor_dir *dir, rwkvacc_error *err);
rwkvacc_status rw_dir_check_unique(const rw_tensor_dir *dir, rwkvacc_error *err);
const rw_tensor *rw_dir_find(const rw_tensor_dir *dir, const char *name);
void rw_dir_free(rw_tensor_dir *dir);
size_t rw_dtype_size(rw_dtype t);
const char *rw_dtype_name(rw_dtype t);

/* Element i of a tensor as float (reads unaligned little-endian data). */
float rw_tensor_get(const rw_tensor *t, uint64_t i);

/* Little-endian reads from unaligned bytes. */
uint32_t rw_le32(const uint8_t *p);
uint64_t rw_le64(const uint8_t *p);

/* IEEE half and bfloat16 to float, exact. */
float rw_half_to_float(uint16_t h);
float rw_bf16_to_float(uint16_t h);
uint16_t rw_float_to_half(float f); /* round to nearest even */

#endif
