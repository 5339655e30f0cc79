/* Page encodings of segment files: a page is up to rows_per_page values of one column, encoded with
 * the cheapest of plain, bit-packing (frame of reference), delta, run-length or dictionary, before
 * compression. Integer-like types (BOOLEAN..BIGINT, DATE, DATETIME, and LARGEINT/DECIMAL values
 * that fit 64 bits) use the integer encodings; strings use plain or a page dictionary; floats are
 * stored plain (lz4/zstd do the rest). The byte layout is specified in
 * docs/internals/segment-format.md. */
#ifndef CAIRN_STORAGE_ENCODING_H
#define CAIRN_STORAGE_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "storage/byte_io.h"
#include "types/vector.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"

typedef enum PageEncoding {
    ENC_PLAIN = 0,   /* fixed-width cells; strings: lengths then bytes */
    ENC_BITPACK = 1, /* frame of reference: minimum, then (value - minimum) in `width` bits each */
    ENC_DELTA = 2,   /* first value, then (delta - smallest delta) bit-packed: sorted or slowly
                        growing data */
    ENC_RLE = 3,     /* (value, run length) pairs: long runs of equal values */
    ENC_DICT = 4,    /* strings: the page's distinct values, then bit-packed codes */
    ENC__COUNT
} PageEncoding;

const char *page_encoding_name(PageEncoding e);

/* Encodes n rows of v as one page body appended to out; row i of the page is v's row sel[i] (or
 * first+i when sel is NULL). scratch is used for temporary arrays (the caller resets it). Returns
 * the encoding. */
PageEncoding page_encode(const ColumnVector *v, const uint32_t *sel, uint32_t first, uint32_t n,
                         Arena *scratch, StrBuf *out);
/* Decodes a page body of nrows values and appends them to out (strings copied into out->arena).
 * Malformed bytes give ERR_CORRUPT with a message the caller prefixes with file and page. */
Status page_decode(const uint8_t *body, size_t len, uint32_t nrows, ColumnVector *out,
                   Arena *scratch, Error *err) MUST_CHECK;

/* Integer blocks, shared by the page encodings and tested on their own. An int block is a one-byte
 * encoding then its payload; cell_bytes (1, 2, 4, 8) is the plain width. */
void intblock_encode(const int64_t *vals, uint32_t n, int cell_bytes, StrBuf *out);
/* Reads an int block of n values into out; false when the bytes are malformed. */
bool intblock_decode(ByteReader *r, uint32_t n, int cell_bytes, int64_t *out,
                     uint8_t *encoding_out);
/* Bit-packs n values of `width` bits (0..64) LSB first; appends ceil(n*width/8) bytes. */
void bitpack_write(const uint64_t *vals, uint32_t n, int width, StrBuf *out);
/* Unpacks n values of `width` bits from src, which must hold ceil(n*width/8) bytes. */
void bitpack_read(const uint8_t *src, size_t src_len, uint32_t n, int width, uint64_t *out);

#endif
