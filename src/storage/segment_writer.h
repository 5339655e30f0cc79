/* Writes one segment file from columns held in memory (a rowset writer's buffered chunk, or a
 * compaction's output), in a given row order. The file appears under its final name only once
 * complete and fsynced. */
#ifndef CAIRN_STORAGE_SEGMENT_WRITER_H
#define CAIRN_STORAGE_SEGMENT_WRITER_H

#include <stdint.h>

#include "storage/compress.h"
#include "storage/tablet_schema.h"
#include "types/vector.h"
#include "util/error.h"

typedef struct SegmentWriteOptions {
    Codec codec;            /* page compression */
    int level;              /* codec level; 0 = default */
    uint32_t rows_per_page; /* 0 = BATCH_SIZE; pages of all columns cover the same rows */
} SegmentWriteOptions;

typedef struct SegmentFileInfo {
    uint64_t nrows;
    uint64_t size;     /* bytes of the file */
    uint64_t checksum; /* xxh3-64 of the whole file */
    char sha256[65];   /* lowercase hex SHA-256 of the whole file; "" when unknown (older metadata) */
} SegmentFileInfo;

/* Writes rows perm[0..nrows) (or 0..nrows when perm is NULL) of cols (one vector per schema column,
 * schema order) to a new file at path; ops (TINYINT, ROW_OP_*) is stored as the hidden op column
 * when not NULL. Fails if path exists. The caller fsyncs the directory. */
Status segment_write(const char *path, const TabletSchema *schema, ColumnVector *const *cols,
                     const ColumnVector *ops, const uint32_t *perm, uint32_t nrows,
                     const SegmentWriteOptions *opts, SegmentFileInfo *out, Error *err) MUST_CHECK;

#endif
