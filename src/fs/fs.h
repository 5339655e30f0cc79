/* Repository storage: one streaming interface over local disk, S3 (and GCS/OSS/COS/MinIO), Azure
 * Blob and WebHDFS. fs_open() picks a driver by the location's scheme; every path afterwards is
 * relative to the location. The backup engine uses this to write content-addressed data files,
 * manifests and info files, list snapshots and read files back; this module knows nothing of
 * tables. io_filter.h chains filters in front of readers/writers.
 *
 * Threads: an Fs may be shared by any number of threads at once (drivers keep connection pools and
 * credential caches under their own locks). A FsReader or FsWriter belongs to one thread at a time.
 */
#ifndef CAIRN_FS_FS_H
#define CAIRN_FS_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/strbuf.h"

/* One repository property ("aws.s3.access_key" = "..."). The strings are owned by the caller. */
typedef struct FsProp {
    const char *key;
    const char *value;
} FsProp;

typedef struct Fs Fs;             /* an opened location; owned by the caller, freed with fs_free */
typedef struct FsReader FsReader; /* a streaming reader; closed with fs_reader_close */
typedef struct FsWriter
    FsWriter; /* a streaming writer; ended by fs_writer_commit or fs_writer_abort */

typedef struct FsStat {
    bool exists;
    bool is_dir; /* a directory (posix, webhdfs) or a non-empty key prefix (s3, azure) */
    int64_t size;
    int64_t mtime_ms; /* 0 when the store does not say */
} FsStat;

typedef struct FsEntry {
    const char
        *path; /* relative to the listed directory, '/'-separated; valid during the callback only */
    bool is_dir; /* only in non-recursive listings */
    int64_t size;
    int64_t mtime_ms;
} FsEntry;

/* Called once per listed entry; returning STATUS_ERROR stops the listing with that error. */
typedef Status (*FsListFn)(void *ctx, const FsEntry *entry, Error *err);

/* Opens a location ("/abs/path", "file:///p", "s3://b/p", "s3a://", "s3n://", "gs://", "oss://",
 * "cosn://", "wasb[s]://c@acct.blob.core.windows.net/p", "abfs[s]://...", "hdfs://nn:port/p") with
 * its properties. Validates the properties (fs_props_validate) but does not touch the storage: use
 * fs_probe for that. */
Status fs_open(const char *location, const FsProp *props, int nprops, Fs **out,
               Error *err) MUST_CHECK;
void fs_free(Fs *fs);
/* Names the repository in every later error message ("Repository 'name': ..."). NULL clears it. */
void fs_set_label(Fs *fs, const char *repo_name);
const char *fs_driver_name(const Fs *fs); /* "posix", "s3", "azure" or "webhdfs" */
const char *
fs_location(const Fs *fs); /* the location as opened, trailing '/' stripped; holds no secret */
/* Appends how the location was resolved, without secrets: "s3:
 * https://bucket.s3.us-west-2.amazonaws.com/prefix (virtual-hosted, region us-west-2, credentials:
 * static keys)". For logs, SHOW output and tests. */
void fs_describe(const Fs *fs, StrBuf *out);

/* Opens path for streaming reads; ERR_FS_NOT_FOUND if it does not exist. */
Status fs_open_read(Fs *fs, const char *path, FsReader **out, Error *err) MUST_CHECK;
/* Reads bytes [offset, offset+length) of path (length < 0: to the end). */
Status fs_open_read_range(Fs *fs, const char *path, int64_t offset, int64_t length, FsReader **out,
                          Error *err) MUST_CHECK;
/* Reads up to cap bytes; *got == 0 means the end of the file. Transient failures mid-stream resume
 * where they stopped (ranged re-open) within the retry budget. */
Status fs_read(FsReader *r, void *buf, size_t cap, size_t *got, Error *err) MUST_CHECK;
void fs_reader_close(FsReader *r); /* NULL-safe */

/* Opens path for writing. Nothing is visible at path until fs_writer_commit succeeds; an existing
 * file is replaced atomically. Memory held is bounded (one or a few parts), whatever the file size.
 */
Status fs_open_write(Fs *fs, const char *path, FsWriter **out, Error *err) MUST_CHECK;
Status fs_write(FsWriter *w, const void *buf, size_t n, Error *err) MUST_CHECK;
/* Publishes the file and frees w, whether or not it succeeds (on failure nothing is left behind).
 */
Status fs_writer_commit(FsWriter *w, Error *err) MUST_CHECK;
void fs_writer_abort(FsWriter *w);          /* discards everything written; NULL-safe */
int64_t fs_writer_bytes(const FsWriter *w); /* bytes accepted so far */

/* Stats path. A missing path is not an error: st->exists is false. */
Status fs_stat(Fs *fs, const char *path, FsStat *st, Error *err) MUST_CHECK;
/* Lists the directory dir ("" = the location itself). Non-recursive: files and sub-directories
 * directly under dir. Recursive: every file below dir (no directory entries). Order is unspecified.
 * A missing dir lists nothing. Pages through the store's listing API; memory does not grow with the
 * number of entries. */
Status fs_list(Fs *fs, const char *dir, bool recursive, FsListFn fn, void *ctx,
               Error *err) MUST_CHECK;
/* Removes one file; a missing file is not an error. */
Status fs_remove(Fs *fs, const char *path, Error *err) MUST_CHECK;
/* Removes dir and everything below it; a missing dir is not an error. */
Status fs_remove_prefix(Fs *fs, const char *dir, Error *err) MUST_CHECK;

/* Checks the location works: writes a small probe file, reads it back, compares, lists, deletes it.
 * Read-only repositories only list. The error says which step failed and why. */
Status fs_probe(Fs *fs, bool read_only, Error *err) MUST_CHECK;

/* Small-file conveniences (manifests, info files). */
Status fs_write_all(Fs *fs, const char *path, const void *data, size_t n, Error *err) MUST_CHECK;
/* Reads the whole file into out (appended); fails with ERR_FS if it is larger than max bytes. */
Status fs_read_all(Fs *fs, const char *path, size_t max, StrBuf *out, Error *err) MUST_CHECK;

/* Properties. */
bool fs_prop_is_secret(const char *key); /* secret keys, passwords, tokens, SAS */
/* The value of key, or NULL. The last occurrence wins. */
const char *fs_prop_get(const FsProp *props, int nprops, const char *key);
/* An integer property in [lo, hi]; *out is left alone when the key is absent. */
Status fs_prop_int(const FsProp *props, int nprops, const char *key, int64_t lo, int64_t hi, int64_t *out,
                   Error *err) MUST_CHECK;
/* Appends `"k" = "v", ...` with every secret value shown as "******" (for SHOW output and logs). */
void fs_props_render_redacted(const FsProp *props, int nprops, StrBuf *out);
/* Checks the properties fit the location's scheme: known scheme, credentials that make sense,
 * booleans that parse, Kerberos refused. The message names the property and what to do. */
Status fs_props_validate(const char *location, const FsProp *props, int nprops,
                         Error *err) MUST_CHECK;
/* The driver a location would use ("posix", "s3", ...), or NULL for an unknown scheme. */
const char *fs_scheme_driver(const char *location);

#endif
