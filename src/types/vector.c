/* Column vector operations. */
#include "types/vector.h"

ColumnVector *colvec_new(Arena *a, DataType type, uint32_t cap) {
    ColumnVector *v = arena_calloc(a, sizeof *v);
    v->type = type;
    v->arena = a;
    if (cap) colvec_reserve(v, cap);
    return v;
}

void colvec_reserve(ColumnVector *v, uint32_t cap) {
    if (cap <= v->cap) return;
    uint32_t nc = v->cap ? v->cap : 16;
    while (nc < cap) nc *= 2;
    size_t cs = type_cell_size(v->type.id);
    void *d = arena_alloc(v->arena, (size_t)nc * cs);
    if (v->len) memcpy(d, v->data, (size_t)v->len * cs);
    v->data = d;
    if (v->nulls) {
        uint8_t *n = arena_calloc(v->arena, nc);
        memcpy(n, v->nulls, v->len);
        v->nulls = n;
    }
    v->cap = nc;
}

void colvec_ensure_nulls(ColumnVector *v) {
    if (v->nulls) return;
    v->nulls = arena_calloc(v->arena, v->cap ? v->cap : 1);
}

static void copy_cell(ColumnVector *v, uint32_t row, const void *cell) {
    size_t cs = type_cell_size(v->type.id);
    void *dst = (char *)v->data + (size_t)row * cs;
    if (type_is_string(v->type.id)) {
        Slice s;
        memcpy(&s, cell, sizeof s);
        Slice c = {s.len ? arena_memdup(v->arena, s.ptr, s.len) : "", s.len};
        memcpy(dst, &c, sizeof c);
    } else {
        memcpy(dst, cell, cs);
    }
}

void colvec_append(ColumnVector *v, const void *cell) {
    colvec_reserve(v, v->len + 1);
    copy_cell(v, v->len, cell);
    if (v->nulls) v->nulls[v->len] = 0;
    v->len++;
}

void colvec_append_null(ColumnVector *v) {
    colvec_reserve(v, v->len + 1);
    colvec_ensure_nulls(v);
    memset(colvec_cell(v, v->len), 0, type_cell_size(v->type.id));
    v->nulls[v->len] = 1;
    v->len++;
}

void colvec_append_range(ColumnVector *v, const ColumnVector *src, uint32_t from, uint32_t n) {
    colvec_reserve(v, v->len + n);
    if (src->nulls) colvec_ensure_nulls(v);
    size_t cs = type_cell_size(v->type.id);
    if (!type_is_string(v->type.id)) {
        memcpy((char *)v->data + (size_t)v->len * cs, (const char *)src->data + (size_t)from * cs, n * cs);
    } else {
        for (uint32_t i = 0; i < n; i++) copy_cell(v, v->len + i, colvec_cell(src, from + i));
    }
    if (v->nulls) {
        if (src->nulls)
            memcpy(v->nulls + v->len, src->nulls + from, n);
        else
            memset(v->nulls + v->len, 0, n);
    }
    v->len += n;
}

void colvec_append_selected(ColumnVector *v, const ColumnVector *src, const uint32_t *sel, uint32_t n) {
    colvec_reserve(v, v->len + n);
    if (src->nulls) colvec_ensure_nulls(v);
    size_t cs = type_cell_size(v->type.id);
    bool str = type_is_string(v->type.id);
    for (uint32_t i = 0; i < n; i++) {
        if (str)
            copy_cell(v, v->len + i, colvec_cell(src, sel[i]));
        else
            memcpy((char *)v->data + (size_t)(v->len + i) * cs, (const char *)src->data + (size_t)sel[i] * cs, cs);
        if (v->nulls) v->nulls[v->len + i] = src->nulls ? src->nulls[sel[i]] : 0;
    }
    v->len += n;
}

Batch *batch_new(Arena *a, int ncols, const DataType *types, uint32_t cap) {
    Batch *b = arena_calloc(a, sizeof *b);
    b->ncols = ncols;
    b->arena = a;
    b->cols = arena_calloc(a, sizeof(ColumnVector *) * (size_t)(ncols ? ncols : 1));
    for (int i = 0; i < ncols; i++) b->cols[i] = colvec_new(a, types[i], cap);
    return b;
}

void colvec_format(const ColumnVector *v, uint32_t row, StrBuf *out) {
    if (colvec_is_null(v, row)) {
        sb_append(out, "NULL");
        return;
    }
    type_format_cell(&v->type, colvec_cell(v, row), out);
}
