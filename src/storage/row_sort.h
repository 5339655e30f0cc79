/* Row order by key: comparison of key tuples across column vectors (NULL sorts first, strings as
 * unsigned bytes) and the stable key sort the rowset writer applies to each chunk before writing a
 * segment, so that merge-on-read key models can k-way merge segments. */
#ifndef CAIRN_STORAGE_ROW_SORT_H
#define CAIRN_STORAGE_ROW_SORT_H

#include <stdint.h>

#include "types/vector.h"
#include "util/arena.h"

/* Compares row i of a with row j of b (same type): -1, 0, 1; NULL before any value. */
int row_cell_compare(const ColumnVector *a, uint32_t i, const ColumnVector *b, uint32_t j);
/* Compares the key tuple at row i of a[0..nkeys) with row j of b[0..nkeys). */
int row_key_compare(ColumnVector *const *a, uint32_t i, ColumnVector *const *b, uint32_t j,
                    int nkeys);
/* Equality of two key tuples (cheaper than row_key_compare: no ordering needed). */
bool row_keys_equal(ColumnVector *const *a, uint32_t i, ColumnVector *const *b, uint32_t j,
                    int nkeys);
/* True when rows [0, n) are in non-decreasing key order. */
bool row_keys_are_sorted(ColumnVector *const *keys, int nkeys, uint32_t n);
/* A stable permutation putting rows [0, n) in key order, or NULL when they already are. Owned by:
 * a. */
uint32_t *row_sort_by_key(ColumnVector *const *keys, int nkeys, uint32_t n, Arena *a);

#endif
