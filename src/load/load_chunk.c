/* Load chunks (load_chunk.h). */
#include "load/load_chunk.h"

#include <stdlib.h>
#include <string.h>

#define STR_BLOCK (1u << 20)

static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) abort();
    return p;
}

LoadChunk *load_chunk_new(const DataType *types, int ncols, bool has_ops, uint32_t cap) {
    LoadChunk *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->vecs = calloc((size_t)(ncols ? ncols : 1), sizeof *c->vecs);
    c->batch.cols = calloc((size_t)(ncols ? ncols : 1), sizeof *c->batch.cols);
    if (!c->vecs || !c->batch.cols) abort();
    c->batch.ncols = ncols;
    for (int i = 0; i < ncols; i++) {
        c->vecs[i].type = types[i];
        c->batch.cols[i] = &c->vecs[i];
    }
    c->has_ops = has_ops;
    c->ops.type = type_make(TYPE_TINYINT);
    load_chunk_reserve(c, cap);
    return c;
}

void load_chunk_free(LoadChunk *c) {
    if (!c) return;
    for (int i = 0; i < c->batch.ncols; i++) {
        free(c->vecs[i].data);
        free(c->vecs[i].nulls);
    }
    free(c->ops.data);
    for (int i = 0; i < c->nblocks; i++) free(c->blocks[i]);
    free(c->blocks);
    free(c->block_cap);
    free(c->vecs);
    free(c->batch.cols);
    free(c);
}

void load_chunk_reset(LoadChunk *c) {
    c->batch.nrows = 0;
    for (int i = 0; i < c->batch.ncols; i++) {
        c->vecs[i].len = 0;
        /* a chunk without NULLs must not carry a stale null map into its next use */
        free(c->vecs[i].nulls);
        c->vecs[i].nulls = NULL;
    }
    c->ops.len = 0;
    c->cur = 0;
    c->used = 0;
    c->str_bytes = 0;
}

void load_chunk_reserve(LoadChunk *c, uint32_t rows) {
    if (rows <= c->cap) return;
    for (int i = 0; i < c->batch.ncols; i++) {
        ColumnVector *v = &c->vecs[i];
        v->data = xrealloc(v->data, (size_t)rows * type_cell_size(v->type.id));
        if (v->nulls) {
            v->nulls = xrealloc(v->nulls, rows);
            memset(v->nulls + c->cap, 0, rows - c->cap);
        }
        v->cap = rows;
    }
    if (c->has_ops) {
        c->ops.data = xrealloc(c->ops.data, rows);
        c->ops.cap = rows;
    }
    c->cap = rows;
}

/* Room for n string bytes; returns where to put them. */
static char *str_room(LoadChunk *c, size_t n) {
    while (c->cur < c->nblocks && c->block_cap[c->cur] - c->used < n) {
        c->cur++;
        c->used = 0;
    }
    if (c->cur >= c->nblocks) {
        c->blocks = xrealloc(c->blocks, sizeof *c->blocks * (size_t)(c->nblocks + 1));
        c->block_cap = xrealloc(c->block_cap, sizeof *c->block_cap * (size_t)(c->nblocks + 1));
        /* blocks grow from 64 KiB to 1 MiB, so the many small chunks of a load into many tablets stay small */
        size_t cap = (size_t)64 << 10 << (c->nblocks < 4 ? c->nblocks : 4);
        if (cap > STR_BLOCK) cap = STR_BLOCK;
        if (cap < n) cap = n;
        c->blocks[c->nblocks] = malloc(cap);
        if (!c->blocks[c->nblocks]) abort();
        c->block_cap[c->nblocks] = cap;
        c->nblocks++;
        c->cur = c->nblocks - 1;
        c->used = 0;
    }
    char *p = c->blocks[c->cur] + c->used;
    c->used += n;
    c->str_bytes += n;
    return p;
}

void load_chunk_append(LoadChunk *c, const Batch *src, const uint32_t *sel, uint32_t n, const uint8_t *ops) {
    uint32_t at = c->batch.nrows;
    if (at + n > c->cap) {
        uint32_t want = c->cap ? c->cap : 1024;
        while (want < at + n) want *= 2;
        load_chunk_reserve(c, want);
    }
    for (int i = 0; i < c->batch.ncols; i++) {
        ColumnVector *v = &c->vecs[i];
        const ColumnVector *s = src->cols[i];
        if (s->nulls && !v->nulls) v->nulls = calloc(c->cap, 1);
        if (s->nulls && !v->nulls) abort();
        if (v->nulls) {
            if (s->nulls)
                for (uint32_t k = 0; k < n; k++) v->nulls[at + k] = s->nulls[sel[k]];
            else
                memset(v->nulls + at, 0, n);
        }
        switch (type_cell_size(v->type.id)) {
        case 1:
            for (uint32_t k = 0; k < n; k++) ((uint8_t *)v->data)[at + k] = ((const uint8_t *)s->data)[sel[k]];
            break;
        case 2:
            for (uint32_t k = 0; k < n; k++) ((uint16_t *)v->data)[at + k] = ((const uint16_t *)s->data)[sel[k]];
            break;
        case 4:
            for (uint32_t k = 0; k < n; k++) ((uint32_t *)v->data)[at + k] = ((const uint32_t *)s->data)[sel[k]];
            break;
        case 8:
            for (uint32_t k = 0; k < n; k++) ((uint64_t *)v->data)[at + k] = ((const uint64_t *)s->data)[sel[k]];
            break;
        default:
            if (type_is_string(v->type.id)) {
                const Slice *in = s->data;
                Slice *out = (Slice *)v->data + at;
                for (uint32_t k = 0; k < n; k++) {
                    const Slice *x = &in[sel[k]];
                    out[k].len = x->len;
                    if (x->len) {
                        char *p = str_room(c, x->len);
                        memcpy(p, x->ptr, x->len);
                        out[k].ptr = p;
                    } else {
                        out[k].ptr = "";
                    }
                }
            } else {
                size_t cs = type_cell_size(v->type.id);
                for (uint32_t k = 0; k < n; k++)
                    memcpy((char *)v->data + (size_t)(at + k) * cs, (const char *)s->data + (size_t)sel[k] * cs, cs);
            }
        }
        v->len = at + n;
    }
    if (c->has_ops) {
        int8_t *d = (int8_t *)c->ops.data + at;
        for (uint32_t k = 0; k < n; k++) d[k] = ops ? (int8_t)ops[sel[k]] : 0;
        c->ops.len = at + n;
    }
    c->batch.nrows = at + n;
}

size_t load_chunk_bytes(const LoadChunk *c) {
    size_t cells = 0;
    for (int i = 0; i < c->batch.ncols; i++) cells += type_cell_size(c->vecs[i].type.id);
    return (size_t)c->batch.nrows * cells + c->str_bytes;
}
