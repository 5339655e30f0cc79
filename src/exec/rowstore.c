/* Chunked row storage for materializing operators. */
#include "exec/rowstore.h"

#include <string.h>

#include "exec/expr.h"

void rowstore_init(RowStore *rs, int ncols, const DataType *types) {
    memset(rs, 0, sizeof *rs);
    rs->ncols = ncols;
    rs->arena = arena_new(1024 * 1024);
    rs->types = arena_alloc(rs->arena, sizeof(DataType) * (size_t)(ncols ? ncols : 1));
    if (ncols) memcpy(rs->types, types, sizeof(DataType) * (size_t)ncols);
}

void rowstore_free(RowStore *rs) {
    arena_free(rs->arena);
    vec_free(&rs->chunks);
    memset(rs, 0, sizeof *rs);
}

int64_t rowstore_append(RowStore *rs, const Batch *b, const uint32_t *sel, uint32_t n) {
    size_t before = arena_bytes(rs->arena);
    uint32_t done = 0;
    while (done < n) {
        if (rs->nrows % BATCH_SIZE == 0) {
            Batch *c = batch_new(rs->arena, rs->ncols, rs->types, BATCH_SIZE);
            vec_push(&rs->chunks, c);
        }
        Batch *c = vec_last(&rs->chunks);
        uint32_t room = BATCH_SIZE - c->nrows, take = n - done < room ? n - done : room;
        for (int k = 0; k < rs->ncols; k++) {
            if (sel)
                colvec_append_selected(c->cols[k], b->cols[k], sel + done, take);
            else
                colvec_append_range(c->cols[k], b->cols[k], done, take);
        }
        c->nrows += take;
        rs->nrows += take;
        done += take;
    }
    return (int64_t)(arena_bytes(rs->arena) - before);
}

ColumnVector *rowstore_gather(Arena *a, const RowStore *rs, int col, const uint32_t *rows, uint32_t n) {
    DataType t = rs->types[col];
    ColumnVector *v = vec_make(a, t, n);
    size_t cs = type_cell_size(t.id);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t r = rows[i];
        if (r == ROW_NONE) {
            colvec_ensure_nulls(v);
            v->nulls[i] = 1;
            memset((char *)v->data + i * cs, 0, cs);
            continue;
        }
        const ColumnVector *src = rowstore_chunk(rs, r)->cols[col];
        uint32_t off = rowstore_off(r);
        /* fixed sizes: a memcpy of a runtime size would be a library call per row */
        switch (cs) {
        case 1: ((uint8_t *)v->data)[i] = ((const uint8_t *)src->data)[off]; break;
        case 2: ((uint16_t *)v->data)[i] = ((const uint16_t *)src->data)[off]; break;
        case 4: ((uint32_t *)v->data)[i] = ((const uint32_t *)src->data)[off]; break;
        case 8: ((uint64_t *)v->data)[i] = ((const uint64_t *)src->data)[off]; break;
        case 16:
            ((uint64_t *)v->data)[2 * i] = ((const uint64_t *)src->data)[2 * (size_t)off];
            ((uint64_t *)v->data)[2 * i + 1] = ((const uint64_t *)src->data)[2 * (size_t)off + 1];
            break;
        default: memcpy((char *)v->data + i * cs, (const char *)src->data + off * cs, cs);
        }
        if (src->nulls && src->nulls[off]) {
            colvec_ensure_nulls(v);
            v->nulls[i] = 1;
        }
    }
    return v;
}

size_t rowstore_bytes(const RowStore *rs) {
    return arena_bytes(rs->arena);
}
