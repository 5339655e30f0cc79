/* Key models applied to rows in key order: AGGREGATE folds each value column of equal-key rows with
 * its function (SUM, MIN, MAX, REPLACE, REPLACE_IF_NOT_NULL, and COUNT summed), UNIQUE and PRIMARY
 * keep the newest row (the last of equal keys, its op included). Inputs list equal keys oldest
 * first, as the tablet reader's k-way merge and the rowset writer's stable sort produce them. */
#ifndef CAIRN_STORAGE_KEY_MERGE_H
#define CAIRN_STORAGE_KEY_MERGE_H

#include "storage/read_int.h"
#include "storage/tablet_schema.h"
#include "types/vector.h"
#include "util/arena.h"

/* Folds rows [from, to) of v with agg (NULLs ignored except by REPLACE) and appends the result to
 * out. */
void agg_fold_append(AggType agg, const ColumnVector *v, uint32_t from, uint32_t to,
                     ColumnVector *out);
/* Reduces in (sorted by the schema's key columns, which must be read) to one row per key into out,
 * whose vectors come from a; out has the same read columns, and an op column when in has one. */
void key_model_reduce(const TabletSchema *s, const RowBlock *in, Arena *a, RowBlock *out);

#endif
