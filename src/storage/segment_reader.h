/* Opens a segment file, checks its trailer and footer checksum, and reads single pages: read,
 * checksum, decompress, decode into a ColumnVector. Corruption is reported as ERR_CORRUPT naming
 * the file, column, page and offset; nothing in a file can make the reader crash. One reader per
 * thread. */
#ifndef CAIRN_STORAGE_SEGMENT_READER_H
#define CAIRN_STORAGE_SEGMENT_READER_H

#include <stdint.h>

#include "storage/segment_format.h"
#include "types/vector.h"
#include "util/error.h"

typedef struct SegmentReader SegmentReader;

/* Opens path and parses its footer (one read of the trailer, one of the footer). */
Status segment_reader_open(SegmentReader **out, const char *path, Error *err) MUST_CHECK;
void segment_reader_free(SegmentReader *r);
/* Borrowed from r. */
const SegmentFooter *segment_reader_footer(const SegmentReader *r);
const char *segment_reader_path(const SegmentReader *r);
/* Reads page `page` of stored column `col` and appends its rows to out (out's type must be the
 * column's). */
Status segment_reader_read_page(SegmentReader *r, int col, uint32_t page, ColumnVector *out,
                                Error *err) MUST_CHECK;
/* Bytes read from disk so far (footer and pages). */
uint64_t segment_reader_bytes_read(const SegmentReader *r);

typedef struct SegmentVerifyInfo {
    uint64_t nrows;
    uint64_t pages; /* pages checked (all columns) */
    uint64_t bytes; /* file size */
} SegmentVerifyInfo;

/* Reads every page of every column: checksums, decompression, decoding, zone maps and op values.
 * Returns the first problem found as ERR_CORRUPT (or ERR_IO). info may be NULL. */
Status segment_verify_file(const char *path, SegmentVerifyInfo *info, Error *err) MUST_CHECK;

#endif
