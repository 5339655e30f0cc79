/* The segment file format (normative text: docs/internals/segment-format.md). A segment holds the
 * rows of one rowset chunk for one tablet, column by column:
 *
 *   header (16 bytes)  "CAIRNSEG", u32 format version, u32 zero
 *   pages              column 0 pages 0..P-1, column 1 pages 0..P-1, ... (each page compressed on
 * its own) footer            row count, rows per page, schema, per column a zone map and per page
 * offset, sizes, encoding, codec, xxh3 checksum and zone map trailer (32 bytes) u64 footer offset,
 * u32 footer length, u32 format version, u64 footer xxh3, "CAIRNEND"
 *
 * Page i of every column holds rows [i * rows_per_page, (i + 1) * rows_per_page), so a page index
 * names the same rows in every column. The file holds no tablet or rowset id: it can be linked or
 * copied under any name. */
#ifndef CAIRN_STORAGE_SEGMENT_FORMAT_H
#define CAIRN_STORAGE_SEGMENT_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/tablet_schema.h"
#include "storage/zonemap.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"

#define SEGMENT_MAGIC "CAIRNSEG"
#define SEGMENT_END_MAGIC "CAIRNEND"
#define SEGMENT_FORMAT_VERSION 1
#define SEGMENT_HEADER_SIZE 16
#define SEGMENT_TRAILER_SIZE 32
#define SEGMENT_MAX_ROWS_PER_PAGE 65536

typedef struct SegPage {
    uint64_t offset;    /* from the start of the file */
    uint32_t disk_size; /* bytes on disk (compressed) */
    uint32_t raw_size;  /* bytes after decompression */
    uint8_t encoding;   /* PageEncoding, informational: the body says it again */
    uint8_t codec;      /* Codec of this page (a page that does not shrink is stored raw) */
    uint64_t checksum;  /* xxh3-64 of the disk bytes */
    ZoneMap zone;
} SegPage;

typedef struct SegColumn {
    TabletColumn col; /* name, uid, type, nullability, key flag and aggregate as written */
    bool is_op;       /* the hidden operation column of UNIQUE/PRIMARY rowsets (TINYINT) */
    ZoneMap zone;     /* whole-segment zone map */
    uint32_t npages;
    SegPage *pages;
} SegColumn;

typedef struct SegmentFooter {
    uint64_t nrows;
    uint32_t rows_per_page;
    KeysType keys_type;
    int nkeys;
    int ncols;  /* stored columns, the op column included */
    int op_col; /* index of the op column in cols, or -1 */
    SegColumn *cols;
} SegmentFooter;

/* Pages every column has for nrows rows. */
static inline uint32_t segment_page_count(uint64_t nrows, uint32_t rows_per_page) {
    return (uint32_t)((nrows + rows_per_page - 1) / rows_per_page);
}
/* Rows in page `page` (the last page may be short). */
static inline uint32_t segment_page_rows(const SegmentFooter *f, uint32_t page) {
    uint64_t first = (uint64_t)page * f->rows_per_page;
    uint64_t left = f->nrows - first;
    return left < f->rows_per_page ? (uint32_t)left : f->rows_per_page;
}

void segment_footer_encode(const SegmentFooter *f, StrBuf *out);
/* Parses and validates a footer (page layout, offsets inside [header, data_end), types). Strings
 * point into p, which must outlive the footer; arrays come from a. ERR_CORRUPT names only the
 * problem: the caller prefixes the file. */
Status segment_footer_decode(const uint8_t *p, size_t n, uint64_t data_end, Arena *a,
                             SegmentFooter *out, Error *err) MUST_CHECK;

#endif
