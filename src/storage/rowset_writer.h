/* RowsetWriter: turns the batches of one load (or one compaction) into the segment files of a new
 * rowset in a tablet directory. Rows are buffered per chunk, sorted by key (stably, so the last row
 * of equal keys stays last), folded where keys repeat (AGGREGATE, UNIQUE, PRIMARY: as a merged read
 * would) and written as one segment per chunk; finish fsyncs everything and
 * returns the RowsetMeta the catalog commits. Until then nothing references the files:
 * rowset_writer_free without finish deletes them, and a crash leaves files the start-up sweep
 * removes. One writer per thread. */
#ifndef CAIRN_STORAGE_ROWSET_WRITER_H
#define CAIRN_STORAGE_ROWSET_WRITER_H

#include <stdint.h>

#include "storage/compress.h"
#include "storage/rowset_meta.h"
#include "storage/tablet_schema.h"
#include "types/vector.h"
#include "util/error.h"

typedef struct RowsetWriterOptions {
    Codec codec; /* segment_compression; CODEC_NONE, CODEC_LZ4 (default if zeroed) or ZSTD */
    int level;   /* 0 = codec default */
    uint64_t max_segment_rows;  /* cut a segment after this many rows; 0 = 1,048,576 */
    uint64_t max_segment_bytes; /* ... or this many buffered bytes; 0 = 256 MiB */
    uint32_t rows_per_page;     /* 0 = BATCH_SIZE */
    int64_t start_version; /* copied into the RowsetMeta (the catalog may also set them later) */
    int64_t end_version;
} RowsetWriterOptions;

#define ROWSET_WRITER_OPTIONS_INIT                                                                 \
    { CODEC_LZ4, 0, 0, 0, 0, 0, 0 }

typedef struct RowsetWriter RowsetWriter;

/* Starts rowset rowset_id in tablet_dir (created if missing). The schema is copied. */
Status rowset_writer_new(RowsetWriter **out, const char *tablet_dir, uint64_t rowset_id,
                         const TabletSchema *schema, const RowsetWriterOptions *opts,
                         Error *err) MUST_CHECK;
/* Adds a batch whose columns are the schema's, in order. ops (one ROW_OP_* per row) marks deletes
 * in UNIQUE/PRIMARY tablets; NULL = all upserts. NOT NULL columns holding NULL fail with
 * ERR_BAD_NULL. */
Status rowset_writer_add_batch(RowsetWriter *w, const Batch *b, const uint8_t *ops,
                               Error *err) MUST_CHECK;
/* Writes what is buffered, fsyncs the directory, and returns the rowset's metadata. Owned by: a. */
Status rowset_writer_finish(RowsetWriter *w, Arena *a, RowsetMeta **out, Error *err) MUST_CHECK;
/* Frees the writer; if finish did not succeed, removes every file it wrote. */
void rowset_writer_free(RowsetWriter *w);
/* Rows added so far (before any folding of repeated keys). */
uint64_t rowset_writer_rows(const RowsetWriter *w);

#endif
