/* RowsetReader: scans one rowset's segments in order and returns Batches of the projected columns,
 * one page group (up to rows_per_page rows) at a time, decoded straight into column vectors. It
 * skips segments and pages whose zone maps rule out the predicates, honours a row range, maps
 * segment columns to the current schema by column uid (columns added later read as their default)
 * and applies the delete filter callback. It never merges keys: DUPLICATE rowsets can be scanned in
 * parallel with one reader each, and TabletReader builds key-model merges on top. One reader per
 * thread. */
#ifndef CAIRN_STORAGE_ROWSET_READER_H
#define CAIRN_STORAGE_ROWSET_READER_H

#include "storage/read_options.h"
#include "storage/rowset_meta.h"
#include "storage/tablet_schema.h"
#include "types/vector.h"
#include "util/arena.h"
#include "util/error.h"

typedef struct RowsetReader RowsetReader;

/* Opens a reader over the rowset's files in tablet_dir. schema and meta are borrowed and must
 * outlive the reader; opts is copied (its arrays are borrowed). Segment files are opened lazily, in
 * order. */
Status rowset_reader_open(RowsetReader **out, const char *tablet_dir, const TabletSchema *schema,
                          const RowsetMeta *meta, const ReadOptions *opts, Error *err) MUST_CHECK;
/* The next batch (columns as projected, plus the op column with opts.with_op), or *out = NULL at
 * the end. Batch memory comes from out_arena, which the caller may reset between calls. */
Status rowset_reader_next(RowsetReader *r, Arena *out_arena, Batch **out, Error *err) MUST_CHECK;
/* Borrowed from r. */
const ReadStats *rowset_reader_stats(const RowsetReader *r);
void rowset_reader_free(RowsetReader *r);

#endif
