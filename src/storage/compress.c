/* lz4 and zstd behind one small interface; see compress.h. */
#include "storage/compress.h"

#include <lz4.h>
#include <stdlib.h>
#include <strings.h>
#include <zstd.h>

struct Compressor {
    ZSTD_CCtx *zc; /* created on first use: most segments are lz4 */
    ZSTD_DCtx *zd;
};

Status codec_from_name(const char *name, Codec *out, Error *err) {
    if (!strcasecmp(name, "lz4"))
        *out = CODEC_LZ4;
    else if (!strcasecmp(name, "zstd"))
        *out = CODEC_ZSTD;
    else if (!strcasecmp(name, "none") || !*name)
        *out = CODEC_NONE;
    else
        return err_set(err, ERR_INVALID_ARGUMENT,
                       "Unknown segment compression '%s' (use lz4, zstd or none)", name);
    return STATUS_OK;
}

const char *codec_name(Codec c) {
    switch (c) {
    case CODEC_NONE:
        return "none";
    case CODEC_LZ4:
        return "lz4";
    case CODEC_ZSTD:
        return "zstd";
    default:
        return "unknown";
    }
}

Compressor *compressor_new(void) {
    Compressor *c = calloc(1, sizeof *c);
    if (!c) abort();
    return c;
}

void compressor_free(Compressor *c) {
    if (!c) return;
    ZSTD_freeCCtx(c->zc);
    ZSTD_freeDCtx(c->zd);
    free(c);
}

size_t compressor_compress(Compressor *c, Codec codec, int level, const void *src, size_t n,
                           StrBuf *out) {
    if (n == 0 || codec == CODEC_NONE) return 0;
    size_t bound = codec == CODEC_LZ4 ? (size_t)LZ4_compressBound((int)n) : ZSTD_compressBound(n);
    sb_reserve(out, bound);
    char *dst = out->data + out->len;
    size_t got = 0;
    if (codec == CODEC_LZ4) {
        int r = LZ4_compress_default(src, dst, (int)n, (int)bound);
        got = r > 0 ? (size_t)r : 0;
    } else if (codec == CODEC_ZSTD) {
        if (!c->zc) c->zc = ZSTD_createCCtx();
        size_t r = ZSTD_compressCCtx(c->zc, dst, bound, src, n, level ? level : 3);
        got = ZSTD_isError(r) ? 0 : r;
    }
    if (got == 0 || got >= n) return 0;
    out->len += got;
    out->data[out->len] = '\0';
    return got;
}

Status compressor_decompress(Compressor *c, Codec codec, const void *src, size_t n, void *dst,
                             size_t raw_len, Error *err) {
    if (codec == CODEC_LZ4) {
        int r = LZ4_decompress_safe(src, dst, (int)n, (int)raw_len);
        if (r < 0 || (size_t)r != raw_len)
            return err_set(err, ERR_CORRUPT, "lz4 data does not decompress to %zu bytes", raw_len);
        return STATUS_OK;
    }
    if (codec == CODEC_ZSTD) {
        if (!c->zd) c->zd = ZSTD_createDCtx();
        size_t r = ZSTD_decompressDCtx(c->zd, dst, raw_len, src, n);
        if (ZSTD_isError(r) || r != raw_len)
            return err_set(err, ERR_CORRUPT, "zstd data does not decompress to %zu bytes (%s)",
                           raw_len, ZSTD_isError(r) ? ZSTD_getErrorName(r) : "wrong length");
        return STATUS_OK;
    }
    return err_set(err, ERR_CORRUPT, "unknown compression codec %d", (int)codec);
}
