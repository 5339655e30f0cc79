/* io filters: small push-style transforms chained between a stream and its destination, e.g. on
 * upload file bytes -> count -> sha256 -> zstd -> encrypt -> sha256 -> FsWriter and on download
 * FsReader -> decrypt -> zstd decompress -> sha256 -> local file. Each filter receives bytes with
 * io_chain_write, emits what it produces to the next one, and flushes on io_chain_finish (where
 * decryption and decompression detect truncation). Nothing buffers a whole file: zstd holds its
 * window, encryption one 64 KiB chunk. A chain is used by one thread; a RateLimiter is shared. */
#ifndef CAIRN_FS_IO_FILTER_H
#define CAIRN_FS_IO_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Where a chain's output goes. write must consume all n bytes or fail. */
typedef struct IoSink {
    Status (*write)(void *ctx, const void *buf, size_t n, Error *err);
    void *ctx;
} IoSink;

typedef struct IoFilter IoFilter;

typedef struct IoFilterVt {
    const char *name;
    /* Processes n input bytes, emitting output with io_filter_emit. */
    Status (*process)(IoFilter *f, const uint8_t *in, size_t n, Error *err);
    /* Emits whatever is held back; called once at the end of the input. May be NULL. */
    Status (*finish)(IoFilter *f, Error *err);
    void (*free)(IoFilter *f);
} IoFilterVt;

/* Filters embed this as their first member. */
struct IoFilter {
    const IoFilterVt *vt;
    IoSink next; /* set when the filter is added to a chain */
};

/* Passes bytes on to the filter's successor. */
Status io_filter_emit(IoFilter *f, const void *buf, size_t n, Error *err) MUST_CHECK;

/* A chain: filters in order, then the sink. The chain owns its filters. */
typedef struct IoChain IoChain;
IoChain *io_chain_new(IoSink sink);
/* Appends f (ownership passes to the chain); returns f so callers can keep a handle to read
 * results. */
IoFilter *io_chain_add(IoChain *c, IoFilter *f);
Status io_chain_write(IoChain *c, const void *buf, size_t n, Error *err) MUST_CHECK;
Status io_chain_finish(IoChain *c, Error *err) MUST_CHECK;
void io_chain_free(IoChain *c); /* frees the filters too; NULL-safe */

/* Byte count. */
IoFilter *io_filter_count_new(void);
int64_t io_filter_count_bytes(const IoFilter *f);

/* Checksums; results valid after io_chain_finish. */
IoFilter *io_filter_sha256_new(void);
const char *io_filter_sha256_hex(const IoFilter *f); /* 64 lowercase hex chars */
IoFilter *io_filter_xxh3_new(void);
uint64_t io_filter_xxh3_value(const IoFilter *f);

/* zstd streaming compression (level 1..19) and decompression. Decompression fails with ERR_CORRUPT
 * on malformed or truncated input. */
IoFilter *io_filter_zstd_compress_new(int level);
IoFilter *io_filter_zstd_decompress_new(void);

/* AES-256-GCM in framed 64 KiB chunks (format in docs/storage-drivers.md). key is 32 bytes, copied.
 * Decryption fails with ERR_CORRUPT on a wrong key, tampering, reordering or truncation. */
#define IO_CRYPT_CHUNK 65536
IoFilter *io_filter_encrypt_new(const uint8_t key[32]);
IoFilter *io_filter_decrypt_new(const uint8_t key[32]);
/* Derives a 32-byte key from a passphrase (PBKDF2-HMAC-SHA256, 100000 rounds, fixed salt). */
void io_crypt_key_from_passphrase(const char *passphrase, uint8_t key[32]);

/* Token-bucket rate limiter shared by any number of threads (one per process for
 * max_upload_speed_kbps). rate 0 = unlimited. Thread-safe: a mutex guards the bucket. */
typedef struct RateLimiter RateLimiter;
RateLimiter *rate_limiter_new(int64_t bytes_per_sec,
                              int64_t burst_bytes); /* burst 0 = rate/4, >= 64 KiB */
void rate_limiter_free(RateLimiter *rl);
void rate_limiter_set_rate(RateLimiter *rl, int64_t bytes_per_sec);
/* Blocks until n bytes may pass. */
void rate_limiter_acquire(RateLimiter *rl, int64_t n);
/* A pass-through filter that charges every byte to rl (not owned). */
IoFilter *io_filter_rate_new(RateLimiter *rl);

#endif
