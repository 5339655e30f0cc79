/* Data file writing and reading helpers; see data_file.h. */
#include "storage/data_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "util/hash.h"

#define FLUSH_AT (1u << 20)

static char *xstrdup2(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 1);
    if (!s) abort();
    memcpy(s, a, la);
    memcpy(s + la, b, lb + 1);
    return s;
}

Status data_file_create(DataFileWriter *w, const char *path, Error *err) {
    memset(w, 0, sizeof *w);
    w->fd = -1;
    w->path = xstrdup2(path, "");
    w->tmp_path = xstrdup2(path, DATA_FILE_TMP_SUFFIX);
    w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        err_set(err, ERR_IO, "Cannot create data file %s: %s", w->tmp_path, strerror(errno));
        free(w->path);
        free(w->tmp_path);
        w->path = w->tmp_path = NULL;
        return STATUS_ERROR;
    }
    sb_init(&w->buf);
    w->hash = XXH3_createState();
    if (!w->hash) abort();
    XXH3_64bits_reset(w->hash);
    w->sha = hash_sha256_new();
    return STATUS_OK;
}

static Status flush_buf(DataFileWriter *w, Error *err) {
    size_t done = 0;
    while (done < w->buf.len) {
        ssize_t n = write(w->fd, w->buf.data + done, w->buf.len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            return err_set(err, ERR_IO, "Cannot write data file %s: %s", w->tmp_path,
                           n < 0 ? strerror(errno) : "no progress");
        done += (size_t)n;
    }
    sb_reset(&w->buf);
    return STATUS_OK;
}

Status data_file_append(DataFileWriter *w, const void *p, size_t n, Error *err) {
    if (n == 0) return STATUS_OK;
    XXH3_64bits_update(w->hash, p, n);
    hash_sha256_update(w->sha, p, n);
    w->size += n;
    sb_appendn(&w->buf, p, n);
    return w->buf.len >= FLUSH_AT ? flush_buf(w, err) : STATUS_OK;
}

Status data_file_commit(DataFileWriter *w, uint64_t *size_out, uint64_t *checksum_out, Error *err) {
    if (flush_buf(w, err)) goto fail;
    if (fsync(w->fd) != 0) {
        err_set(err, ERR_IO, "Cannot fsync data file %s: %s", w->tmp_path, strerror(errno));
        goto fail;
    }
    if (close(w->fd) != 0) {
        w->fd = -1;
        err_set(err, ERR_IO, "Cannot close data file %s: %s", w->tmp_path, strerror(errno));
        goto fail;
    }
    w->fd = -1;
    if (rename(w->tmp_path, w->path) != 0) {
        err_set(err, ERR_IO, "Cannot rename %s to %s: %s", w->tmp_path, w->path, strerror(errno));
        goto fail;
    }
    if (size_out) *size_out = w->size;
    if (checksum_out) *checksum_out = XXH3_64bits_digest(w->hash);
    uint8_t digest[32];
    hash_sha256_final(w->sha, digest);
    w->sha = NULL;
    hash_hex(digest, 32, w->sha256);
    free(w->tmp_path);
    w->tmp_path = NULL;
    data_file_abort(w);
    return STATUS_OK;
fail:
    data_file_abort(w);
    return STATUS_ERROR;
}

void data_file_abort(DataFileWriter *w) {
    if (w->fd >= 0) close(w->fd);
    w->fd = -1;
    if (w->tmp_path) unlink(w->tmp_path);
    free(w->tmp_path);
    free(w->path);
    w->tmp_path = w->path = NULL;
    sb_free(&w->buf);
    if (w->hash) XXH3_freeState(w->hash);
    w->hash = NULL;
    if (w->sha) {
        uint8_t unused[32];
        hash_sha256_final(w->sha, unused);
        w->sha = NULL;
    }
}

Status data_file_pread(int fd, const char *path, void *buf, size_t n, uint64_t off, Error *err) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = pread(fd, (char *)buf + done, n - done, (off_t)(off + done));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0)
            return err_set(err, ERR_IO, "Cannot read %zu bytes at offset %llu of %s: %s", n,
                           (unsigned long long)off, path, strerror(errno));
        if (r == 0)
            return err_set(err, ERR_CORRUPT,
                           "Data file %s ends at offset %llu, inside a %zu-byte read at %llu", path,
                           (unsigned long long)(off + done), n, (unsigned long long)off);
        done += (size_t)r;
    }
    return STATUS_OK;
}

Status data_file_checksum(const char *path, uint64_t *size_out, uint64_t *checksum_out,
                          Error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_set(err, ERR_IO, "Cannot open data file %s: %s", path, strerror(errno));
    XXH3_state_t *st = XXH3_createState();
    if (!st) abort();
    XXH3_64bits_reset(st);
    char *buf = malloc(FLUSH_AT);
    if (!buf) abort();
    uint64_t size = 0;
    Status s = STATUS_OK;
    for (;;) {
        ssize_t n = read(fd, buf, FLUSH_AT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            s = err_set(err, ERR_IO, "Cannot read data file %s: %s", path, strerror(errno));
            break;
        }
        if (n == 0) break;
        XXH3_64bits_update(st, buf, (size_t)n);
        size += (uint64_t)n;
    }
    if (s == STATUS_OK) {
        *size_out = size;
        *checksum_out = XXH3_64bits_digest(st);
    }
    free(buf);
    XXH3_freeState(st);
    close(fd);
    return s;
}

Status data_dir_fsync(const char *dir, Error *err) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return err_set(err, ERR_IO, "Cannot open directory %s: %s", dir, strerror(errno));
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0) return err_set(err, ERR_IO, "Cannot fsync directory %s: %s", dir, strerror(e));
    return STATUS_OK;
}

Status data_dir_make_all(const char *path, Error *err) {
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) return STATUS_OK;
        return err_set(err, ERR_IO, "Cannot create directory %s: a file of that name exists", path);
    }
    char *parent = xstrdup2(path, "");
    char *slash = strrchr(parent, '/');
    Status s = STATUS_OK;
    if (slash && slash != parent) {
        *slash = '\0';
        s = data_dir_make_all(parent, err);
    }
    if (s == STATUS_OK && mkdir(path, 0755) != 0 && errno != EEXIST)
        s = err_set(err, ERR_IO, "Cannot create directory %s: %s", path, strerror(errno));
    /* the new entry lives in the parent: make it durable before anything is written inside */
    if (s == STATUS_OK && slash && slash != parent) s = data_dir_fsync(parent, err);
    free(parent);
    return s;
}
