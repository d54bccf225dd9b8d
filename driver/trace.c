/*
 * trace.c - writing and reading golden-vector records (docs/conformance.md).
 * Records are built in memory as the golden model reports operands, then written
 * whole with one manifest line each.
 */
#include "trace.h"

#include "error.h"
#include "tensor_file.h"

#include <stdlib.h>
#include <string.h>

static void put(rw_trace_writer *w, const void *p, size_t n)
{
    if (w->failed)
        return;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 4096;
        uint8_t *b;
        while (cap < w->len + n)
            cap *= 2;
        if (!(b = realloc(w->rec, cap))) {
            w->failed = 1;
            return;
        }
        w->rec = b;
        w->cap = cap;
    }
    memcpy(w->rec + w->len, p, n);
    w->len += n;
}

static void put32(rw_trace_writer *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(w, b, 4);
}

static void put_str(rw_trace_writer *w, const char *s, size_t field)
{
    char buf[64] = {0};
    strncpy(buf, s, field);
    put(w, buf, field);
}

static void on_begin(void *ctx, const char *unit, const char *name, uint32_t layer)
{
    rw_trace_writer *w = ctx;
    if (strcmp(unit, "embed") == 0 && w->index > 0)
        w->token++;
    w->len = 0;
    w->n_operands = 0;
    w->layer = layer;
    snprintf(w->unit, sizeof w->unit, "%s", unit);
    snprintf(w->name, sizeof w->name, "%s", name);
    put(w, RW_TRACE_MAGIC, 4);
    put32(w, w->index);
    put32(w, w->token);
    put32(w, layer);
    put_str(w, unit, RW_TRACE_UNIT_LEN);
    put_str(w, name, RW_TRACE_NAME_LEN);
    put32(w, 0); /* operand count, patched at the end */
}

static void on_operand(void *ctx, int out, const rw_opnd *o)
{
    rw_trace_writer *w = ctx;
    static const uint8_t pad[4] = {0};
    size_t bytes = o->type == RW_OT_ACT16 ? 2 * (size_t)o->n
                   : o->type == RW_OT_WEIGHT ? o->n : 4 * (size_t)o->n;
    put32(w, (uint32_t)out);
    put_str(w, o->role, RW_TRACE_ROLE_LEN);
    put32(w, (uint32_t)o->type);
    put32(w, o->n);
    put32(w, (uint32_t)o->e);
    if (o->type == RW_OT_ACT16) {
        const int16_t *q = o->data;
        for (uint32_t i = 0; i < o->n; i++) {
            uint8_t b[2] = {(uint8_t)q[i], (uint8_t)((uint16_t)q[i] >> 8)};
            put(w, b, 2);
        }
    } else if (o->type == RW_OT_WEIGHT) {
        put(w, o->data, o->n);
    } else {
        const uint32_t *v = o->data;
        for (uint32_t i = 0; i < o->n; i++)
            put32(w, v[i]);
    }
    put(w, pad, (4 - bytes % 4) % 4);
    w->n_operands++;
}

static void on_end(void *ctx)
{
    rw_trace_writer *w = ctx;
    if (w->failed || w->len < 68)
        return;
    w->rec[64] = (uint8_t)w->n_operands; /* < 256 */
    if (fwrite(w->rec, 1, w->len, w->vectors) != w->len)
        w->failed = 1;
    fprintf(w->manifest, "%u\t%u\t%d\t%s\t%s\t%llu\t%zu\n", w->index, w->token,
            w->layer == UINT32_MAX ? -1 : (int)w->layer, w->unit, w->name,
            (unsigned long long)w->offset, w->len);
    w->offset += w->len;
    w->index++;
}

void rw_trace_writer_init(rw_trace_writer *w, FILE *vectors, FILE *manifest)
{
    memset(w, 0, sizeof *w);
    w->vectors = vectors;
    w->manifest = manifest;
    w->hook.begin = on_begin;
    w->hook.operand = on_operand;
    w->hook.end = on_end;
    w->hook.ctx = w;
}

void rw_trace_writer_finish(rw_trace_writer *w)
{
    uint8_t t[RW_TRACE_END_BYTES];
    uint32_t v[2] = {w->index, w->index ? w->token + 1 : 0};
    memcpy(t, RW_TRACE_END_MAGIC, 4);
    for (int i = 0; i < 8; i++)
        t[4 + i] = (uint8_t)(v[i / 4] >> (8 * (i % 4)));
    if (fwrite(t, 1, sizeof t, w->vectors) != sizeof t)
        w->failed = 1;
}

void rw_trace_writer_free(rw_trace_writer *w)
{
    free(w->rec);
    w->rec = NULL;
}

static void get_str(char *dst, const uint8_t *src, size_t field)
{
    memcpy(dst, src, field);
    dst[field] = '\0';
}

rwkvacc_status rw_trace_read(const uint8_t *buf, size_t len, size_t *off, rw_trace_rec *r,
                             const char *file, rwkvacc_error *err)
{
    size_t o = *off;
    if (len - o < 68 || memcmp(buf + o, RW_TRACE_MAGIC, 4) != 0)
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: no record header at byte %zu", file, o);
    r->index = rw_le32(buf + o + 4);
    r->token = rw_le32(buf + o + 8);
    r->layer = rw_le32(buf + o + 12);
    get_str(r->unit, buf + o + 16, RW_TRACE_UNIT_LEN);
    get_str(r->name, buf + o + 32, RW_TRACE_NAME_LEN);
    r->n_operands = rw_le32(buf + o + 64);
    if (r->n_operands > sizeof r->op / sizeof r->op[0])
        return rw_fail(err, RWKVACC_E_FORMAT, "%s: record %u has %u operands", file, r->index,
                       r->n_operands);
    o += 68;
    for (uint32_t i = 0; i < r->n_operands; i++) {
        rw_trace_opnd *p = &r->op[i];
        uint64_t bytes;
        if (len - o < 24)
            return rw_fail(err, RWKVACC_E_FORMAT, "%s: record %u truncated", file, r->index);
        p->out = rw_le32(buf + o);
        get_str(p->role, buf + o + 4, RW_TRACE_ROLE_LEN);
        p->type = rw_le32(buf + o + 12);
        p->n = rw_le32(buf + o + 16);
        p->e = (int32_t)rw_le32(buf + o + 20);
        bytes = p->type == RW_OT_ACT16 ? 2 * (uint64_t)p->n
                : p->type == RW_OT_WEIGHT ? p->n : 4 * (uint64_t)p->n;
        bytes += (4 - bytes % 4) % 4;
        o += 24;
        if (p->type < RW_OT_BFV || p->type > RW_OT_WEIGHT || bytes > len - o)
            return rw_fail(err, RWKVACC_E_FORMAT, "%s: record %u operand %u is malformed",
                           file, r->index, i);
        p->data = buf + o;
        o += (size_t)bytes;
    }
    *off = o;
    return RWKVACC_OK;
}
