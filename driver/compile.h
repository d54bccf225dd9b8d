/*
 * compile.h - the compiler: a quantized model -> the card's memory image (the
 * IMAGE region: header, matrix and embedding records, constants, program) and
 * the sizes of the STATE and IO regions. Layout: docs/isa.md.
 */
#ifndef RWKVACC_COMPILE_H
#define RWKVACC_COMPILE_H

#include "golden/qmodel.h"

#define RW_IMAGE_MAGIC "RWKVIMG" /* 8 bytes with the NUL */
#define RW_IMAGE_FORMAT 2u /* 2: matrices laid out for the unit (row stride, scales per row) */
#define RW_IMAGE_HEADER_BYTES 64

typedef struct rw_image {
    uint8_t *bytes;        /* the IMAGE region */
    size_t len;
    uint32_t prog_offset, prog_len;
    uint64_t state_bytes;  /* STATE region of one stream */
    uint64_t io_bytes;     /* IO region: the logits vector */
    uint64_t matrix_bytes; /* q, sm and se of every matrix: what a token streams */
    uint32_t n_matvec;     /* MATVEC instructions per token */
} rw_image;

/* Compiles q for the configuration in include/rwkvacc_hw.h. */
rwkvacc_status rw_compile(const rw_qmodel *q, rw_image *img, rwkvacc_error *err);
void rw_image_free(rw_image *img);

/* Checks an image header against a card's CONFIG0/CONFIG1 and its own length;
 * fills prog_offset, prog_len, state_bytes, io_bytes. */
rwkvacc_status rw_image_check(const uint8_t *bytes, size_t len, uint32_t config0,
                              uint32_t config1, rw_image *info, rwkvacc_error *err);

#endif
