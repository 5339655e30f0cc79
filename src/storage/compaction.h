/* Compaction mechanics: merge consecutive rowsets of a tablet into one new rowset, applying the key
 * model (AGGREGATE folded, UNIQUE/PRIMARY newest row kept, DUPLICATE merged into key order) and the
 * caller's delete filter. The catalog decides when and what to compact and swaps the metadata
 * (inputs out, output in, one transaction); the inputs' files stay until no reader or snapshot pins
 * them (docs/internals/storage.md). */
#ifndef CAIRN_STORAGE_COMPACTION_H
#define CAIRN_STORAGE_COMPACTION_H

#include "storage/read_options.h"
#include "storage/rowset_meta.h"
#include "storage/rowset_writer.h"
#include "storage/tablet_schema.h"
#include "util/arena.h"
#include "util/error.h"

typedef struct CompactionOptions {
    RowsetWriterOptions
        writer;   /* compression and segment size; versions are taken from the inputs */
    bool is_base; /* the inputs start at the tablet's first version: nothing older remains, so
                     UNIQUE/PRIMARY delete markers are dropped instead of kept */
    DeleteFilterFn
        delete_filter; /* optional: rows to purge (DUPLICATE delete predicates now applied) */
    void *delete_ctx;
    const int *delete_columns;
    int ndelete_columns;
    ReadStats *stats_out; /* optional: what the merge read */
} CompactionOptions;

/* Merges inputs[0..n) (ascending, contiguous versions) into rowset new_rowset_id of tablet_dir,
 * covering versions [inputs[0].start_version, inputs[n-1].end_version]. Reading the output gives
 * the same rows as reading the inputs. On failure nothing new is left on disk. Owned by: a. */
Status compaction_merge_rowsets(const char *tablet_dir, const TabletSchema *schema,
                                const RowsetMeta *const *inputs, int n, uint64_t new_rowset_id,
                                const CompactionOptions *opts, Arena *a, RowsetMeta **out,
                                Error *err) MUST_CHECK;

#endif
