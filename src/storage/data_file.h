/* Plain-file plumbing for storage: a buffered writer that checksums what it writes and only makes
 * the file visible (rename from "<path>.tmp") after fsync, positioned reads with exact error
 * messages, whole-file checksums and directory fsync/creation. Storage uses no fs/ driver: the data
 * dir is always local. */
#ifndef CAIRN_STORAGE_DATA_FILE_H
#define CAIRN_STORAGE_DATA_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/strbuf.h"

#define DATA_FILE_TMP_SUFFIX ".tmp"

typedef struct DataFileWriter {
    int fd;
    char *path;     /* final name (malloc) */
    char *tmp_path; /* "<path>.tmp" (malloc) */
    uint64_t size;  /* bytes appended so far */
    StrBuf buf;     /* pending bytes */
    void *hash;     /* XXH3 state of every byte appended */
    void *sha;      /* SHA-256 of every byte appended (the file's content address for backups) */
    char sha256[65]; /* after a successful commit: lowercase hex SHA-256 of the whole file */
} DataFileWriter;

/* Creates "<path>.tmp" (failing if it exists). */
Status data_file_create(DataFileWriter *w, const char *path, Error *err) MUST_CHECK;
Status data_file_append(DataFileWriter *w, const void *p, size_t n, Error *err) MUST_CHECK;
/* Flushes, fsyncs, closes and renames to the final path; returns size and xxh3-64 of the whole
 * file. The directory is not fsynced (the caller does it once for many files). On error the temp
 * file is removed. */
Status data_file_commit(DataFileWriter *w, uint64_t *size_out, uint64_t *checksum_out,
                        Error *err) MUST_CHECK;
/* Closes and removes the temp file; safe after a failed commit and on a zeroed writer. */
void data_file_abort(DataFileWriter *w);

/* Reads exactly n bytes at off; a short file is ERR_CORRUPT (the file is shorter than its own
 * footer says). */
Status data_file_pread(int fd, const char *path, void *buf, size_t n, uint64_t off,
                       Error *err) MUST_CHECK;
/* Streams a file and returns its size and xxh3-64 (the checksum a RowsetMeta records per segment).
 */
Status data_file_checksum(const char *path, uint64_t *size_out, uint64_t *checksum_out,
                          Error *err) MUST_CHECK;
/* fsync of a directory, so renames and unlinks in it survive a crash. */
Status data_dir_fsync(const char *dir, Error *err) MUST_CHECK;
/* mkdir -p, fsyncing each parent whose entries changed. */
Status data_dir_make_all(const char *path, Error *err) MUST_CHECK;

#endif
