/* What a scan asks of storage (ReadOptions) and what it reports back (ReadStats), shared by
 * RowsetReader and TabletReader. Storage evaluates no expressions: predicates here only let it skip
 * pages and segments by zone map, and deletes by predicate are the caller's callback over decoded
 * rows. */
#ifndef CAIRN_STORAGE_READ_OPTIONS_H
#define CAIRN_STORAGE_READ_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/rowset_meta.h"
#include "storage/zonemap.h"
#include "types/vector.h"
#include "util/error.h"

/* Clears keep[i] for each of nrows rows that a delete predicate removes. cols is indexed by tablet
 * schema column; a column is non-NULL when it is projected or listed in ReadOptions.delete_columns.
 * Called once per decoded block of each rowset (rowset->end_version tells which delete predicates
 * apply: for DUPLICATE tables, those issued after that version). */
typedef Status (*DeleteFilterFn)(void *ctx, const RowsetMeta *rowset, ColumnVector *const *cols,
                                 uint32_t nrows, uint8_t *keep, Error *err);
/* Reports rows [first_row, first_row + nrows) of a segment that zone maps ruled out without
 * reading. */
typedef void (*SkipFn)(void *ctx, const RowsetMeta *rowset, uint32_t segment_no, uint64_t first_row,
                       uint64_t nrows);

typedef struct ReadOptions {
    const int *
        columns; /* projection: tablet schema column indexes in output order; NULL = every column */
    int ncolumns;
    const ColumnPredicate
        *preds; /* for zone-map skipping only (AND of all); the engine still filters rows */
    int npreds;
    DeleteFilterFn delete_filter; /* optional */
    void *delete_ctx;
    const int *delete_columns; /* columns the delete filter needs besides the projection */
    int ndelete_columns;
    SkipFn on_skip; /* optional */
    void *skip_ctx;
    bool raw; /* TabletReader: return stored rows without applying the key model (rollups, debug) */
    bool ordered;      /* DUPLICATE: output in key order (k-way merge); merged key models are always
                          ordered */
    bool with_op;      /* append the op column (TINYINT ROW_OP_*) as the last output column */
    bool keep_deletes; /* merged UNIQUE/PRIMARY: return each deleted key's newest row (op = delete)
                          instead of dropping it, as a compaction that does not include the oldest
                          rowset must */
    uint64_t
        row_begin; /* RowsetReader only: row range [row_begin, row_end) of the rowset's rows in */
    uint64_t row_end; /* segment order; row_end 0 = to the end */
} ReadOptions;

typedef struct ReadStats {
    uint64_t segments_read, segments_skipped; /* skipped: ruled out by segment zone maps */
    uint64_t pages_read, pages_skipped;       /* page groups (one page per read column) */
    uint64_t rows_read;                       /* rows decoded */
    uint64_t rows_skipped;                    /* rows ruled out by zone maps */
    uint64_t rows_deleted;                    /* rows removed by the delete filter */
    uint64_t rows_merged;                     /* rows folded away by the key model */
    uint64_t rows_returned;
    uint64_t bytes_read; /* from disk */
} ReadStats;

#endif
