/* The driver interface behind fs.h (pgBackRest's storage interface, SQLite's VFS): a table of
 * functions plus opaque state. A new store is a new folder under src/fs/ with one *_open function
 * registered in fs.c. Drivers write the whole error message ("cannot read s3a://b/k: 403
 * AccessDenied: ..."); fs.c only prepends the repository name. Remote drivers run each request
 * through fs_retry (retry.h). */
#ifndef CAIRN_FS_DRIVER_H
#define CAIRN_FS_DRIVER_H

#include "fs/fs.h"
#include "fs/retry.h"

typedef struct FsDriverVt {
    const char *name;
    Status (*open_read)(Fs *fs, const char *path, int64_t offset, int64_t length, FsReader **out,
                        Error *err);
    Status (*open_write)(Fs *fs, const char *path, FsWriter **out, Error *err);
    Status (*stat)(Fs *fs, const char *path, FsStat *st, Error *err);
    Status (*list)(Fs *fs, const char *dir, bool recursive, FsListFn fn, void *ctx, Error *err);
    Status (*remove)(Fs *fs, const char *path, Error *err);
    Status (*remove_prefix)(Fs *fs, const char *dir, Error *err);
    void (*free)(Fs *fs);
    void (*describe)(const Fs *fs, StrBuf *out); /* resolved configuration, no secrets */
} FsDriverVt;

struct Fs {
    const FsDriverVt *vt;
    void *impl;          /* the driver's state; owned by the driver (freed by vt->free) */
    char *location;      /* owned; as opened, trailing '/' stripped */
    char *label;         /* owned; repository name for messages, or NULL */
    FsRetryPolicy retry; /* read-only after open */
};

typedef struct FsReaderVt {
    Status (*read)(FsReader *r, void *buf, size_t cap, size_t *got, Error *err);
    void (*close)(FsReader *r); /* frees r */
    /* Optional: the local file descriptor behind a whole-file reader (posix), positioned at the
     * start, so transfers can use copy_file_range. NULL or -1 when there is none. */
    int (*fd)(FsReader *r);
} FsReaderVt;

/* Drivers embed this as the first member of their reader. */
struct FsReader {
    const FsReaderVt *vt;
    Fs *fs;
};

typedef struct FsWriterVt {
    Status (*write)(FsWriter *w, const void *buf, size_t n, Error *err);
    Status (*commit)(FsWriter *w, Error *err); /* frees w */
    void (*abort)(FsWriter *w);                /* frees w */
    /* Optional: the local file descriptor a posix writer fills (for copy_file_range), or NULL. */
    int (*fd)(FsWriter *w);
} FsWriterVt;

/* Drivers embed this as the first member of their writer. */
struct FsWriter {
    const FsWriterVt *vt;
    Fs *fs;
    int64_t bytes; /* maintained by fs.c */
};

/* Driver entry points: parse the location, read properties, fill fs->vt and fs->impl. */
Status fs_posix_open(Fs *fs, const char *location, const FsProp *props, int nprops, Error *err);
Status fs_s3_open(Fs *fs, const char *location, const FsProp *props, int nprops, Error *err);
Status fs_azure_open(Fs *fs, const char *location, const FsProp *props, int nprops, Error *err);
Status fs_webhdfs_open(Fs *fs, const char *location, const FsProp *props, int nprops, Error *err);

/* Joins a key prefix and a relative path with exactly one '/' ("" prefix gives path). Caller frees.
 */
char *fs_path_join(const char *prefix, const char *path);
/* Percent-encodes s per RFC 3986 (unreserved kept); '/' kept when keep_slash. Appends to out. */
void fs_uri_encode(StrBuf *out, const char *s, bool keep_slash);
/* Parses an ISO-8601 UTC time ("2026-11-25T12:00:00.000Z") or an RFC 1123 date; 0 if unparsable. */
int64_t fs_parse_time_ms(const char *s);
/* Generic remove_prefix: lists recursively and removes each file. */
Status fs_remove_prefix_by_listing(Fs *fs, const char *dir, Error *err);

#endif
