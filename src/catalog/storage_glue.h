/* The catalog's view of the local data directory: tiny wrappers over storage/tablet_files.h with plain
 * types, so the catalog's model does not depend on storage's structures; catalog_storage.c turns these into
 * the catalog's CatStorageOps. (The catalog's rowset description is CatRowsetMeta; storage's is RowsetMeta.) */
#ifndef CAIRN_CATALOG_STORAGE_GLUE_H
#define CAIRN_CATALOG_STORAGE_GLUE_H

#include <stdbool.h>
#include <stdint.h>

#include "types/datatype.h"
#include "types/schema.h"
#include "util/arena.h"
#include "util/error.h"

/* <storage_root_path>, or <data_dir>/storage when that key is empty. Static buffer. */
const char *glue_storage_root(void);
/* Deletes every segment file (and unfinished .tmp file) of a rowset in a tablet directory. */
Status glue_remove_rowset(int64_t tablet_id, int64_t rowset_id, Error *err) MUST_CHECK;
/* Rowset ids that have files in a tablet directory (malloc'd array, caller frees). */
Status glue_list_tablet_rowsets(int64_t tablet_id, int64_t **ids, int *n, Error *err) MUST_CHECK;
/* Removes a dropped tablet's directory. */
Status glue_remove_tablet(int64_t tablet_id, Error *err) MUST_CHECK;
/* Tablet ids that have a directory (malloc'd array, caller frees). */
Status glue_list_tablets(int64_t **ids, int *n, Error *err) MUST_CHECK;

/* Compaction through storage/compaction.h, with the catalog's facts in plain structs. */
typedef struct GlueColumn {
    const char *name;
    uint32_t uid;
    DataType type;
    bool nullable;
    bool is_key;
    AggType agg;
} GlueColumn;

typedef struct GlueSegment {
    uint64_t nrows, size, checksum;
    char sha256[65];
} GlueSegment;

typedef struct GlueRowset {
    int64_t id, start_version, end_version, nrows, data_size;
    int nsegments;
    GlueSegment *segments; /* the output's are allocated in the arena */
} GlueRowset;

/* Merges version-consecutive rowsets of a tablet into rowset new_id (files <new_id>_<n>.dat) applying the key
 * model; fills *out (segments in arena). Nothing new is left on disk on failure. */
Status glue_merge_rowsets(int64_t tablet_id, const GlueColumn *cols, int ncols, KeysType keys, int nkeys,
                          const GlueRowset *in, int nin, int64_t new_id, GlueRowset *out, Arena *a,
                          Error *err) MUST_CHECK;

#endif
