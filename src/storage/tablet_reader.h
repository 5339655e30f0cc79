/* TabletReader: reads a tablet at a version — the given rowsets, oldest first — and applies the key
 * model. DUPLICATE rowsets are concatenated (or k-way merged into key order with opts.ordered);
 * AGGREGATE, UNIQUE and PRIMARY rowsets are k-way merged over their sorted segments and reduced to
 * one row per key (aggregate functions, or newest row wins, deletes dropped) unless opts.raw.
 * Output batches hold at most BATCH_SIZE rows. One reader per thread; parallel scans use one reader
 * per tablet (or one RowsetReader per rowset of a DUPLICATE tablet). */
#ifndef CAIRN_STORAGE_TABLET_READER_H
#define CAIRN_STORAGE_TABLET_READER_H

#include "storage/read_options.h"
#include "storage/rowset_meta.h"
#include "storage/tablet_schema.h"
#include "types/vector.h"
#include "util/arena.h"
#include "util/error.h"

typedef struct TabletReader TabletReader;

/* rowsets[0..nrowsets) in ascending version order; the array, the metas and schema are borrowed and
 * must outlive the reader (the catalog keeps them pinned). opts is copied, its arrays borrowed. */
Status tablet_reader_open(TabletReader **out, const char *tablet_dir, const TabletSchema *schema,
                          const RowsetMeta *const *rowsets, int nrowsets, const ReadOptions *opts,
                          Error *err) MUST_CHECK;
/* The next batch: projected columns, then the op column when opts.with_op or opts.keep_deletes;
 * *out = NULL at the end. Memory from out_arena, which the caller may reset between calls. */
Status tablet_reader_next(TabletReader *r, Arena *out_arena, Batch **out, Error *err) MUST_CHECK;
/* Borrowed from r; counts of every rowset read so far. */
const ReadStats *tablet_reader_stats(const TabletReader *r);
void tablet_reader_free(TabletReader *r);

#endif
