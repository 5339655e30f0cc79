/* File transfers the backup engine needs: upload a local file to a repository path through
 * compression and encryption, download it back verifying what it gets. Both report sizes and
 * checksums of the plaintext and of the stored bytes, computed on the fly (nothing is read twice,
 * nothing held whole in memory). */
#ifndef CAIRN_FS_TRANSFER_H
#define CAIRN_FS_TRANSFER_H

#include "fs/fs.h"
#include "fs/io_filter.h"

typedef struct FsXferOptions {
    int zstd_level;     /* 0 = store the bytes as they are */
    const uint8_t *key; /* 32-byte AES-256-GCM key, or NULL for no encryption; not copied */
    RateLimiter *rate;  /* shared limiter for this direction, or NULL; not owned */
} FsXferOptions;

typedef struct FsXferResult {
    int64_t plain_size;  /* bytes of the local file */
    int64_t stored_size; /* bytes in the repository (after compression and encryption) */
    char plain_sha256[65];
    char stored_sha256[65];
    uint64_t plain_xxh3;
    uint64_t stored_xxh3;
} FsXferResult;

/* Streams local_path to remote_path (atomic: nothing appears unless everything succeeded). o may be
 * NULL. */
Status fs_upload_file(Fs *fs, const char *local_path, const char *remote_path,
                      const FsXferOptions *o, FsXferResult *res, Error *err) MUST_CHECK;
/* Streams remote_path into local_path (written to a temp name, fsynced, renamed only when complete
 * and verified). With o as used for the upload. expect_plain_sha256 (or NULL) must match the
 * plaintext, else ERR_CORRUPT and no local file. */
Status fs_download_file(Fs *fs, const char *remote_path, const char *local_path,
                        const FsXferOptions *o, const char *expect_plain_sha256, FsXferResult *res,
                        Error *err) MUST_CHECK;

#endif
