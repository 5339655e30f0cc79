/* The load module's window onto storage: one writer per (tablet, load) that writes each chunk of rows the
 * sink buffered as one key-sorted segment file of a new rowset, and describes what it wrote in a neutral form
 * the load transaction hands to the catalog. (The sink does the buffering itself, sized to the load's memory
 * budget, so rows are copied once between parsing and encoding.) Kept apart from catalog.h on purpose: both
 * storage and catalog declare a RowsetMeta. Files land in <storage_root>/data/<tablet_id % 1024>/<tablet_id>/
 * as <rowset_id>_<n>.dat, where the catalog's start-up sweep looks. */
#ifndef CAIRN_LOAD_TABLET_WRITER_H
#define CAIRN_LOAD_TABLET_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "types/datatype.h"
#include "types/schema.h"
#include "types/vector.h"
#include "util/error.h"

/* One column of the tablet's schema (the catalog index's column). */
typedef struct LoadColumnSpec {
    const char *name; /* borrowed */
    int32_t uid;
    DataType type;
    bool nullable;
    bool is_key;
    AggType agg;
} LoadColumnSpec;

typedef struct LoadSchemaSpec {
    KeysType keys;
    int nkeys;
    int ncols;
    const LoadColumnSpec *cols; /* borrowed */
} LoadSchemaSpec;

/* One segment file written (name relative to the tablet directory). */
typedef struct LoadSegmentOut {
    char name[64];
    int64_t size;
    uint64_t checksum;
    char sha256[65]; /* SHA-256 of the file (backups address it by content) */
    int64_t nrows;
} LoadSegmentOut;

typedef struct LoadRowsetOut {
    int64_t rowset_id;
    int nsegments;
    LoadSegmentOut *segments; /* malloc'd; free with load_rowset_out_free */
    int64_t nrows;
    int64_t data_size;
} LoadRowsetOut;

typedef struct TabletWriter TabletWriter;

/* The directory segment files go to: storage_root_path, or <data_dir>/storage, then data/<id % 1024>/<id>. */
void load_tablet_dir(int64_t tablet_id, char *out, size_t n);
/* Starts rowset rowset_id in a tablet (creating the tablet directory). */
Status tablet_writer_open(int64_t tablet_id, int64_t rowset_id, const LoadSchemaSpec *schema, TabletWriter **out,
                          Error *err) MUST_CHECK;
/* Sorts the rows by key (stably: of equal keys the last stays last) and writes them as the next segment file
 * (written and fsynced before it gets its final name). Columns in schema order. ops: ROW_OP_* per row for
 * UNIQUE/PRIMARY tablets, NULL = all upserts. */
Status tablet_writer_write(TabletWriter *w, const Batch *b, const uint8_t *ops, Error *err) MUST_CHECK;
/* Fsyncs the directory and describes the rowset (out->segments malloc'd). */
Status tablet_writer_finish(TabletWriter *w, LoadRowsetOut *out, Error *err) MUST_CHECK;
/* Frees the writer; files of an unfinished rowset are removed. NULL ok. */
void tablet_writer_free(TabletWriter *w);
uint64_t tablet_writer_rows(const TabletWriter *w);
void load_rowset_out_free(LoadRowsetOut *o);
/* The hidden row-op values (storage's ROW_OP_UPSERT / ROW_OP_DELETE). */
uint8_t load_row_op_delete(void);

#endif
