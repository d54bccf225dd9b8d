/*
 * tensor_file.c - the tensor directory shared by the file parsers: entries, lookup,
 * little-endian reads and the half / bfloat16 conversions. No file parsing here.
 */
#include "tensor_file.h"

#include "error.h"

#include <stdlib.h>
#include <string.h>

uint32_t rw_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t rw_le64(const uint8_t *p)
{
    return (uint64_t)rw_le32(p) | (uint64_t)rw_le32(p + 4) << 32;
}

size_t rw_dtype_size(rw_dtype t)
{
    return t == RW_DT_F32 ? 4 : 2;
}

const char *rw_dtype_name(rw_dtype t)
{
    static const char *const names[] = {"FP32", "FP16", "BF16"};
    return names[t];
}

static float bits_to_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

float rw_half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    if (exp == 0x1f) /* inf, nan */
        return bits_to_float(sign | 0x7f800000u | man << 13);
    if (exp == 0) {
        /* zero or subnormal: man * 2^-24, exact in float */
        float f = (float)man * 5.9604644775390625e-8f;
        return sign ? -f : f;
    }
    return bits_to_float(sign | (exp + 112) << 23 | man << 13);
}

float rw_bf16_to_float(uint16_t h)
{
    return bits_to_float((uint32_t)h << 16);
}

uint16_t rw_float_to_half(float f)
{
    uint32_t u;
    uint32_t sign, exp, man;
    memcpy(&u, &f, sizeof u);
    sign = (u >> 16) & 0x8000u;
    exp = (u >> 23) & 0xffu;
    man = u & 0x7fffffu;
    if (exp == 0xff) /* inf, nan (keep a quiet nan) */
        return (uint16_t)(sign | 0x7c00u | (man ? 0x200u : 0));
    if (exp > 142) /* >= 2^16: overflow */
        return (uint16_t)(sign | 0x7c00u);
    if (exp < 102) /* below half the smallest subnormal */
        return (uint16_t)sign;
    {
        /* Shift the 24-bit significand so that its units are half's units. */
        uint32_t sig = man | 0x800000u;
        int shift = exp >= 113 ? 13 : (int)(126 - exp);
        uint32_t base = exp >= 113 ? (exp - 112) << 10 : 0;
        uint32_t q = sig >> shift, rem = sig & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (exp >= 113)
            q &= 0x3ffu;
        q += base;
        if (rem > half || (rem == half && (q & 1u)))
            q++; /* carries into the exponent correctly, up to inf */
        return (uint16_t)(sign | q);
    }
}

float rw_tensor_get(const rw_tensor *t, uint64_t i)
{
    const uint8_t *p = t->data + i * rw_dtype_size(t->dtype);
    switch (t->dtype) {
    case RW_DT_F32:
        return bits_to_float(rw_le32(p));
    case RW_DT_F16:
        return rw_half_to_float((uint16_t)(p[0] | p[1] << 8));
    case RW_DT_BF16:
        return rw_bf16_to_float((uint16_t)(p[0] | p[1] << 8));
    }
    return 0.0f;
}

const rw_tensor *rw_dir_find(const rw_tensor_dir *dir, const char *name)
{
    for (size_t i = 0; i < dir->n; i++)
        if (strcmp(dir->t[i].name, name) == 0)
            return &dir->t[i];
    return NULL;
}

rw_tensor *rw_dir_add(rw_tensor_dir *dir, rwkvacc_error *err)
{
    if (dir->n == dir->cap) {
        size_t cap = dir->cap ? dir->cap * 2 : 64;
        rw_tensor *t = realloc(dir->t, cap * sizeof *t);
        if (!t) {
            rw_fail(err, RWKVACC_E_NOMEM, "%s: out of memory reading the tensor list", dir->file);
            return NULL;
        }
        dir->t = t;
        dir->cap = cap;
    }
    memset(&dir->t[dir->n], 0, sizeof dir->t[0]);
    return &dir->t[dir->n++];
}

void rw_dir_free(rw_tensor_dir *dir)
{
    free(dir->t);
    dir->t = NULL;
    dir->n = dir->cap = 0;
}

rwkvacc_status rw_dir_check_unique(const rw_tensor_dir *dir, rwkvacc_error *err)
{
    for (size_t i = 0; i < dir->n; i++)
        for (size_t j = i + 1; j < dir->n; j++)
            if (strcmp(dir->t[i].name, dir->t[j].name) == 0)
                return rw_fail(err, RWKVACC_E_TENSOR, "%s: tensor '%s' appears twice",
                               dir->file, dir->t[i].name);
    return RWKVACC_OK;
}
