/* RowStore: rows a materializing operator keeps (sort input, join build side, top-N candidates), stored as
 * chunks of BATCH_SIZE rows whose strings are copied into the store's own arena. Rows are addressed by a
 * global index; ROW_NONE gathers as NULL (the missing side of an outer join). */
#ifndef CAIRN_EXEC_ROWSTORE_H
#define CAIRN_EXEC_ROWSTORE_H

#include "types/vector.h"
#include "util/vec.h"

#define ROW_NONE UINT32_MAX

typedef struct RowStore {
    int ncols;
    DataType *types; /* owned by the store's arena */
    Arena *arena;    /* owned */
    VEC(Batch *) chunks;
    uint32_t nrows;
} RowStore;

void rowstore_init(RowStore *rs, int ncols, const DataType *types);
void rowstore_free(RowStore *rs);
/* Appends rows sel[0..n) of b (sel NULL = rows 0..n). Returns the bytes the store grew by. */
int64_t rowstore_append(RowStore *rs, const Batch *b, const uint32_t *sel, uint32_t n);
static inline Batch *rowstore_chunk(const RowStore *rs, uint32_t row) {
    return rs->chunks.items[row / BATCH_SIZE];
}
static inline uint32_t rowstore_off(uint32_t row) {
    return row % BATCH_SIZE;
}
/* A vector (in a) holding column col of rows[0..n); ROW_NONE rows are NULL. Strings point into the store. */
ColumnVector *rowstore_gather(Arena *a, const RowStore *rs, int col, const uint32_t *rows, uint32_t n);
size_t rowstore_bytes(const RowStore *rs);

#endif
