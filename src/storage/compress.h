/* Page compression for segment files: none, lz4 (the default: fast to write and read) or zstd
 * (smaller, chosen with the `segment_compression` setting). A Compressor holds the reusable library
 * contexts; one per writer or reader, never shared between threads. */
#ifndef CAIRN_STORAGE_COMPRESS_H
#define CAIRN_STORAGE_COMPRESS_H

#include <stddef.h>

#include "util/error.h"
#include "util/strbuf.h"

typedef enum Codec { CODEC_NONE = 0, CODEC_LZ4 = 1, CODEC_ZSTD = 2, CODEC__COUNT } Codec;

typedef struct Compressor Compressor;

/* Parses "none", "lz4" or "zstd" (any case), as the segment_compression setting is written. */
Status codec_from_name(const char *name, Codec *out, Error *err) MUST_CHECK;
const char *codec_name(Codec c);

Compressor *compressor_new(void);
void compressor_free(Compressor *c);
/* Appends the compressed form of src to out and returns its length; returns 0 (out unchanged) when
 * compression would not make it smaller, so the caller stores the bytes raw. level 0 = the codec
 * default. */
size_t compressor_compress(Compressor *c, Codec codec, int level, const void *src, size_t n,
                           StrBuf *out);
/* Decompresses exactly raw_len bytes into dst; any other outcome is ERR_CORRUPT (message has no
 * file name: the caller prepends it). */
Status compressor_decompress(Compressor *c, Codec codec, const void *src, size_t n, void *dst,
                             size_t raw_len, Error *err) MUST_CHECK;

#endif
