/* Internals shared by rowset_reader.c, tablet_reader.c and key_merge.c: row blocks indexed by
 * schema column, and the extended rowset reader the tablet reader uses as a merge input ("run").
 * Not for other modules. */
#ifndef CAIRN_STORAGE_READ_INT_H
#define CAIRN_STORAGE_READ_INT_H

#include "storage/rowset_reader.h"

/* Rows of one page group: cols[i] for each schema column i that is read (NULL otherwise), op may be
 * NULL (every row an upsert). */
typedef struct RowBlock {
    uint32_t nrows;
    ColumnVector **cols;
    ColumnVector *op;
} RowBlock;

typedef struct RowsetScope {
    int segment_no;      /* read only this segment; -1 = all */
    bool key_preds_only; /* skip by predicates on key columns only (merging models: a newer row of a
                            key must never be skipped while an older one is read) */
    bool need_keys;      /* read every key column even if not projected */
    bool need_op;        /* read the op column */
    ReadStats *stats;    /* where to count (NULL = the reader's own) */
} RowsetScope;

Status rowset_reader_open_scoped(RowsetReader **out, const char *tablet_dir,
                                 const TabletSchema *schema, const RowsetMeta *meta,
                                 const ReadOptions *opts, const RowsetScope *scope,
                                 Error *err) MUST_CHECK;
/* The next non-empty block (vectors from a), or blk->nrows == 0 at the end. */
Status rowset_reader_next_block(RowsetReader *r, Arena *a, RowBlock *blk, Error *err) MUST_CHECK;
/* Which schema columns the reader decodes (array of schema->ncols flags). Borrowed. */
const bool *rowset_reader_read_columns(const RowsetReader *r);

/* Removes the rows whose keep[i] is 0, in place; returns the new row count. */
uint32_t storage_compact_rows(ColumnVector *v, const uint8_t *keep, uint32_t n);

#endif
