/* Column vectors and batches: the unit of data between storage, loading and the query engine.
 * A ColumnVector holds up to `cap` cells of one type plus an optional null map (1 byte per row, 1 = NULL).
 * All memory (arrays and string bytes) comes from the vector's arena; free the arena to free the vector. */
#ifndef CAIRN_TYPES_VECTOR_H
#define CAIRN_TYPES_VECTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "types/datatype.h"
#include "util/arena.h"

#define BATCH_SIZE 4096

typedef struct ColumnVector {
    DataType type;
    uint32_t len;   /* rows in use */
    uint32_t cap;   /* rows allocated */
    uint8_t *nulls; /* NULL when no row is null; else cap bytes, 1 = NULL */
    void *data;     /* cap cells of type_cell_size(type.id) bytes (Slice for strings) */
    Arena *arena;   /* not owned: owns data, nulls and string bytes */
} ColumnVector;

typedef struct Batch {
    uint32_t nrows;
    int ncols;
    ColumnVector **cols; /* from the batch's arena */
    Arena *arena;        /* not owned */
} Batch;

ColumnVector *colvec_new(Arena *a, DataType type, uint32_t cap);
void colvec_reserve(ColumnVector *v, uint32_t cap); /* grows data (and nulls) to at least cap rows */
void colvec_ensure_nulls(ColumnVector *v);          /* allocates the null map (all not-null) */
/* Appends one row: cell points at a value of the vector's type (string bytes are copied into the arena). */
void colvec_append(ColumnVector *v, const void *cell);
void colvec_append_null(ColumnVector *v);
/* Appends rows [from, from+n) of src (same type); strings copied. */
void colvec_append_range(ColumnVector *v, const ColumnVector *src, uint32_t from, uint32_t n);
/* Appends the rows of src listed in sel[0..n). */
void colvec_append_selected(ColumnVector *v, const ColumnVector *src, const uint32_t *sel, uint32_t n);

static inline bool colvec_is_null(const ColumnVector *v, uint32_t row) {
    return v->nulls && v->nulls[row];
}
static inline void *colvec_cell(const ColumnVector *v, uint32_t row) {
    return (char *)v->data + (size_t)row * type_cell_size(v->type.id);
}

Batch *batch_new(Arena *a, int ncols, const DataType *types, uint32_t cap);
/* Appends the text form of a cell, or "NULL". */
void colvec_format(const ColumnVector *v, uint32_t row, StrBuf *out);

#endif
