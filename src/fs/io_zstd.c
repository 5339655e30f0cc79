/* zstd filters over the streaming API: compression emits as the output buffer fills; decompression
 * checks at the end that the last frame was complete, so a truncated file is an error and not
 * silently short. */
#include <stdlib.h>
#include <zstd.h>

#include "fs/io_filter.h"

typedef struct ZstdFilter {
    IoFilter base;
    ZSTD_CCtx *cctx;
    ZSTD_DCtx *dctx;
    size_t last_ret; /* decompression: 0 when the last frame ended */
    bool saw_input;
    uint8_t *out;
    size_t out_cap;
} ZstdFilter;

static Status zc_process(IoFilter *f, const uint8_t *in, size_t n, Error *err) {
    ZstdFilter *z = (ZstdFilter *)f;
    ZSTD_inBuffer ib = {in, n, 0};
    while (ib.pos < ib.size) {
        ZSTD_outBuffer ob = {z->out, z->out_cap, 0};
        size_t r = ZSTD_compressStream2(z->cctx, &ob, &ib, ZSTD_e_continue);
        if (ZSTD_isError(r))
            return err_set(err, ERR_INTERNAL, "zstd compression failed: %s", ZSTD_getErrorName(r));
        if (io_filter_emit(f, z->out, ob.pos, err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}

static Status zc_finish(IoFilter *f, Error *err) {
    ZstdFilter *z = (ZstdFilter *)f;
    ZSTD_inBuffer ib = {NULL, 0, 0};
    size_t r;
    do {
        ZSTD_outBuffer ob = {z->out, z->out_cap, 0};
        r = ZSTD_compressStream2(z->cctx, &ob, &ib, ZSTD_e_end);
        if (ZSTD_isError(r))
            return err_set(err, ERR_INTERNAL, "zstd compression failed: %s", ZSTD_getErrorName(r));
        if (io_filter_emit(f, z->out, ob.pos, err)) return STATUS_ERROR;
    } while (r != 0);
    return STATUS_OK;
}

static Status zd_process(IoFilter *f, const uint8_t *in, size_t n, Error *err) {
    ZstdFilter *z = (ZstdFilter *)f;
    ZSTD_inBuffer ib = {in, n, 0};
    if (n) z->saw_input = true;
    while (ib.pos < ib.size) {
        ZSTD_outBuffer ob = {z->out, z->out_cap, 0};
        size_t r = ZSTD_decompressStream(z->dctx, &ob, &ib);
        if (ZSTD_isError(r))
            return err_set(err, ERR_CORRUPT, "zstd data is corrupt: %s", ZSTD_getErrorName(r));
        z->last_ret = r;
        if (io_filter_emit(f, z->out, ob.pos, err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}

static Status zd_finish(IoFilter *f, Error *err) {
    ZstdFilter *z = (ZstdFilter *)f;
    /* Drain what the decoder still holds after the last input byte. */
    for (;;) {
        ZSTD_inBuffer ib = {NULL, 0, 0};
        ZSTD_outBuffer ob = {z->out, z->out_cap, 0};
        size_t r = ZSTD_decompressStream(z->dctx, &ob, &ib);
        if (ZSTD_isError(r))
            return err_set(err, ERR_CORRUPT, "zstd data is corrupt: %s", ZSTD_getErrorName(r));
        if (io_filter_emit(f, z->out, ob.pos, err)) return STATUS_ERROR;
        if (ob.pos == 0) break;
        z->last_ret = r;
    }
    if (!z->saw_input)
        return err_set(err, ERR_CORRUPT, "zstd data is empty (expected at least one frame)");
    if (z->last_ret != 0)
        return err_set(err, ERR_CORRUPT, "zstd data is truncated (the last frame is incomplete)");
    return STATUS_OK;
}

static void z_free(IoFilter *f) {
    ZstdFilter *z = (ZstdFilter *)f;
    ZSTD_freeCCtx(z->cctx);
    ZSTD_freeDCtx(z->dctx);
    free(z->out);
    free(z);
}

static const IoFilterVt zc_vt = {"zstd-compress", zc_process, zc_finish, z_free};
static const IoFilterVt zd_vt = {"zstd-decompress", zd_process, zd_finish, z_free};

IoFilter *io_filter_zstd_compress_new(int level) {
    ZstdFilter *z = calloc(1, sizeof *z);
    if (!z) abort();
    z->base.vt = &zc_vt;
    z->cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_checksumFlag, 1);
    z->out_cap = ZSTD_CStreamOutSize();
    z->out = malloc(z->out_cap);
    return &z->base;
}

IoFilter *io_filter_zstd_decompress_new(void) {
    ZstdFilter *z = calloc(1, sizeof *z);
    if (!z) abort();
    z->base.vt = &zd_vt;
    z->dctx = ZSTD_createDCtx();
    z->out_cap = ZSTD_DStreamOutSize();
    z->out = malloc(z->out_cap);
    return &z->base;
}
