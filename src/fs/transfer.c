/* Upload and download through filter chains. Upload: file -> plain hashes -> [zstd] -> [encrypt] ->
 * stored hashes -> [rate] -> FsWriter. Download: FsReader -> [rate] -> stored hashes -> [decrypt]
 * -> [unzstd] -> plain hashes -> temp file. */
#include "fs/transfer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/driver.h"

#define XFER_BUF (1 << 20)

typedef struct Hashes {
    IoFilter *count, *sha, *xxh;
} Hashes;

static void add_hashes(IoChain *c, Hashes *h) {
    h->count = io_chain_add(c, io_filter_count_new());
    h->sha = io_chain_add(c, io_filter_sha256_new());
    h->xxh = io_chain_add(c, io_filter_xxh3_new());
}

static void read_hashes(const Hashes *h, int64_t *size, char *sha, uint64_t *xxh) {
    *size = io_filter_count_bytes(h->count);
    memcpy(sha, io_filter_sha256_hex(h->sha), 65);
    *xxh = io_filter_xxh3_value(h->xxh);
}

static bool transforms(const FsXferOptions *o) {
    return o && (o->zstd_level > 0 || o->key);
}

static Status discard_sink(void *ctx, const void *buf, size_t n, Error *err) {
    return STATUS_OK;
}

/* Local file to local file (posix repositories, no filters): the kernel copies with copy_file_range
 * (a reflink or in-kernel copy where the file system can) while each chunk is hashed from the page
 * cache. */
static Status copy_hashing(int src, int dst, IoChain *hashes, const char *what, Error *err) {
    char *buf = malloc(XFER_BUF);
    off_t off = 0;
    bool kernel = true;
    Status st = STATUS_OK;
    for (;;) {
        ssize_t n = pread(src, buf, XFER_BUF, off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            st = err_set(err, ERR_IO, "cannot read %s: %s", what, strerror(errno));
            break;
        }
        if (n == 0) break;
        if ((st = io_chain_write(hashes, buf, (size_t)n, err))) break;
        size_t done = 0;
        while (kernel && done < (size_t)n) {
            loff_t in = off + (off_t)done;
            ssize_t k = copy_file_range(src, &in, dst, NULL, (size_t)n - done, 0);
            if (k <= 0) {
                kernel = false; /* not supported here (EXDEV, ENOSYS, ...): write what is left
                                   ourselves */
                break;
            }
            done += (size_t)k;
        }
        while (done < (size_t)n) {
            ssize_t k = write(dst, buf + done, (size_t)n - done);
            if (k < 0 && errno == EINTR) continue;
            if (k < 0) {
                st = err_set(err, ERR_IO, "cannot write a copy of %s: %s", what, strerror(errno));
                break;
            }
            done += (size_t)k;
        }
        if (st) break;
        off += n;
        /* as in the posix writer: start writeback now so the commit's fsync has little left to
         * flush */
        if (off % (8 << 20) == 0)
            sync_file_range(dst, off - (8 << 20), 8 << 20, SYNC_FILE_RANGE_WRITE);
    }
    free(buf);
    return st;
}

static Status writer_sink(void *ctx, const void *buf, size_t n, Error *err) {
    return fs_write(ctx, buf, n, err);
}

Status fs_upload_file(Fs *fs, const char *local_path, const char *remote_path,
                      const FsXferOptions *o, FsXferResult *res, Error *err) {
    memset(res, 0, sizeof *res);
    int fd = open(local_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_set(err, ERR_IO, "cannot read %s: %s", local_path, strerror(errno));
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    FsWriter *w = NULL;
    IoChain *c = NULL;
    char *buf = NULL;
    Status st = STATUS_ERROR;
    if (fs_open_write(fs, remote_path, &w, err)) goto done;
    int wfd = w->vt->fd && !transforms(o) && !(o && o->rate) ? w->vt->fd(w) : -1;
    if (wfd >= 0) {
        Hashes plain;
        c = io_chain_new((IoSink){discard_sink, NULL});
        add_hashes(c, &plain);
        if (copy_hashing(fd, wfd, c, local_path, err) || io_chain_finish(c, err)) goto done;
        read_hashes(&plain, &res->plain_size, res->plain_sha256, &res->plain_xxh3);
        res->stored_size = res->plain_size, memcpy(res->stored_sha256, res->plain_sha256, 65),
        res->stored_xxh3 = res->plain_xxh3;
        w->bytes = res->plain_size;
        st = fs_writer_commit(w, err);
        w = NULL;
        goto done;
    }
    c = io_chain_new((IoSink){writer_sink, w});
    Hashes plain, stored;
    add_hashes(c, &plain);
    if (o && o->zstd_level > 0) io_chain_add(c, io_filter_zstd_compress_new(o->zstd_level));
    if (o && o->key) io_chain_add(c, io_filter_encrypt_new(o->key));
    if (transforms(o)) add_hashes(c, &stored);
    /* the limit is on what crosses the network: the stored bytes, just before the writer */
    if (o && o->rate) io_chain_add(c, io_filter_rate_new(o->rate));
    buf = malloc(XFER_BUF);
    for (;;) {
        ssize_t n = read(fd, buf, XFER_BUF);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            err_set(err, ERR_IO, "cannot read %s: %s", local_path, strerror(errno));
            goto done;
        }
        if (n == 0) break;
        if (io_chain_write(c, buf, (size_t)n, err)) goto done;
    }
    if (io_chain_finish(c, err)) goto done;
    read_hashes(&plain, &res->plain_size, res->plain_sha256, &res->plain_xxh3);
    if (transforms(o))
        read_hashes(&stored, &res->stored_size, res->stored_sha256, &res->stored_xxh3);
    else
        res->stored_size = res->plain_size, memcpy(res->stored_sha256, res->plain_sha256, 65),
        res->stored_xxh3 = res->plain_xxh3;
    st = fs_writer_commit(w, err);
    w = NULL;
done:
    if (st && c && err)
        err_prefix(err, "while uploading %s to %s/%s: ", local_path, fs_location(fs), remote_path);
    fs_writer_abort(w);
    io_chain_free(c);
    free(buf);
    close(fd);
    return st;
}

typedef struct FdSink {
    int fd;
    int64_t written, kicked;
} FdSink;

static Status fd_sink(void *ctx, const void *buf, size_t n, Error *err) {
    FdSink *s = ctx;
    const char *p = buf;
    while (n > 0) {
        ssize_t k = write(s->fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0)
            return err_set(err, ERR_IO, "cannot write the downloaded file: %s", strerror(errno));
        p += k;
        n -= (size_t)k;
        s->written += k;
    }
    /* Start writeback early so the final fsync does not find the whole file dirty. */
    if (s->written - s->kicked >= (8 << 20)) {
        sync_file_range(s->fd, s->kicked, s->written - s->kicked, SYNC_FILE_RANGE_WRITE);
        s->kicked = s->written;
    }
    return STATUS_OK;
}

Status fs_download_file(Fs *fs, const char *remote_path, const char *local_path,
                        const FsXferOptions *o, const char *expect_plain_sha256, FsXferResult *res,
                        Error *err) {
    static _Atomic unsigned seq;
    memset(res, 0, sizeof *res);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.cairn-part.%d.%u", local_path, (int)getpid(),
             atomic_fetch_add(&seq, 1));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return err_set(err, ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
    FsReader *r = NULL;
    IoChain *c = NULL;
    char *buf = NULL;
    Status st = STATUS_ERROR;
    if (fs_open_read(fs, remote_path, &r, err)) goto done;
    int rfd = r->vt->fd && !transforms(o) && !(o && o->rate) ? r->vt->fd(r) : -1;
    if (rfd >= 0) {
        Hashes plain;
        c = io_chain_new((IoSink){discard_sink, NULL});
        add_hashes(c, &plain);
        if (copy_hashing(rfd, fd, c, remote_path, err) || io_chain_finish(c, err)) goto done;
        read_hashes(&plain, &res->plain_size, res->plain_sha256, &res->plain_xxh3);
        res->stored_size = res->plain_size, memcpy(res->stored_sha256, res->plain_sha256, 65),
        res->stored_xxh3 = res->plain_xxh3;
        goto verify;
    }
    FdSink sink = {fd, 0, 0};
    c = io_chain_new((IoSink){fd_sink, &sink});
    if (o && o->rate) io_chain_add(c, io_filter_rate_new(o->rate));
    Hashes plain, stored;
    if (transforms(o)) add_hashes(c, &stored);
    if (o && o->key) io_chain_add(c, io_filter_decrypt_new(o->key));
    if (o && o->zstd_level > 0) io_chain_add(c, io_filter_zstd_decompress_new());
    add_hashes(c, &plain);
    buf = malloc(XFER_BUF);
    for (;;) {
        size_t got;
        if (fs_read(r, buf, XFER_BUF, &got, err)) goto done;
        if (got == 0) break;
        if (io_chain_write(c, buf, got, err)) goto done;
    }
    if (io_chain_finish(c, err)) goto done;
    read_hashes(&plain, &res->plain_size, res->plain_sha256, &res->plain_xxh3);
    if (transforms(o))
        read_hashes(&stored, &res->stored_size, res->stored_sha256, &res->stored_xxh3);
    else
        res->stored_size = res->plain_size, memcpy(res->stored_sha256, res->plain_sha256, 65),
        res->stored_xxh3 = res->plain_xxh3;
verify:
    if (expect_plain_sha256 && strcmp(expect_plain_sha256, res->plain_sha256) != 0) {
        err_set(err, ERR_CORRUPT, "%s/%s has sha256 %s but %s was expected", fs_location(fs),
                remote_path, res->plain_sha256, expect_plain_sha256);
        goto done;
    }
    if (fsync(fd) != 0) {
        err_set(err, ERR_IO, "cannot fsync %s: %s", tmp, strerror(errno));
        goto done;
    }
    if (rename(tmp, local_path) != 0) {
        err_set(err, ERR_IO, "cannot rename %s to %s: %s", tmp, local_path, strerror(errno));
        goto done;
    }
    st = STATUS_OK;
done:
    if (st && err)
        err_prefix(err, "while downloading %s/%s to %s: ", fs_location(fs), remote_path,
                   local_path);
    fs_reader_close(r);
    io_chain_free(c);
    free(buf);
    close(fd);
    if (st) unlink(tmp);
    return st;
}
