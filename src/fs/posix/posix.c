/* The posix driver: a location is a local directory ("/abs/path" or "file:///abs/path"). Writers
 * fill a temp file beside the target, fsync it, rename it into place and fsync the directory, so a
 * crash leaves either the old file or the new one, never a torn one. Temp files are named
 * ".<name>.cairn-tmp.<pid>.<n>". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/driver.h"
#include "util/str.h"

typedef struct Posix {
    char *root; /* absolute directory, no trailing '/' (except "/") */
} Posix;

#define WRITEBACK_CHUNK (8 << 20)

static _Atomic uint64_t tmp_seq;

static char *full_path(const Fs *fs, const char *path) {
    const Posix *p = fs->impl;
    return fs_path_join(p->root, path);
}

static Status io_error(Error *err, const char *what, const char *path, int e) {
    if (e == ENOENT)
        return err_set(err, ERR_FS_NOT_FOUND, "cannot %s %s: file does not exist", what, path);
    if (e == EACCES || e == EPERM)
        return err_set(err, ERR_FS_AUTH, "cannot %s %s: %s (check the directory's owner and mode)",
                       what, path, strerror(e));
    return err_set(err, ERR_IO, "cannot %s %s: %s", what, path, strerror(e));
}

/* mkdir -p for the parent directories of file. */
static Status make_parents(const char *file, Error *err) {
    char *dup = strdup(file);
    Status st = STATUS_OK;
    for (char *s = strchr(dup + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        if (mkdir(dup, 0755) != 0 && errno != EEXIST) {
            st = io_error(err, "create directory", dup, errno);
            break;
        }
        *s = '/';
    }
    free(dup);
    return st;
}

static void fsync_dir_of(const char *file) {
    char *dup = strdup(file);
    char *slash = strrchr(dup, '/');
    if (slash) {
        *(slash == dup ? slash + 1 : slash) = '\0';
        int fd = open(dup, O_RDONLY | O_DIRECTORY);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
    }
    free(dup);
}

/* Reader. */

typedef struct PosixReader {
    FsReader base;
    int fd;
    int64_t left; /* bytes still to return; < 0 = to EOF */
    char *path;
} PosixReader;

static Status posix_read(FsReader *r, void *buf, size_t cap, size_t *got, Error *err) {
    PosixReader *pr = (PosixReader *)r;
    if (pr->left == 0) return STATUS_OK;
    if (pr->left > 0 && (int64_t)cap > pr->left) cap = (size_t)pr->left;
    ssize_t n;
    do
        n = read(pr->fd, buf, cap);
    while (n < 0 && errno == EINTR);
    if (n < 0) return io_error(err, "read", pr->path, errno);
    *got = (size_t)n;
    if (pr->left > 0) pr->left -= n;
    return STATUS_OK;
}

static void posix_reader_close(FsReader *r) {
    PosixReader *pr = (PosixReader *)r;
    close(pr->fd);
    free(pr->path);
    free(pr);
}

static int posix_reader_fd(FsReader *r) {
    PosixReader *pr = (PosixReader *)r;
    /* only a whole-file reader that has not been read from yet */
    return pr->left < 0 && lseek(pr->fd, 0, SEEK_CUR) == 0 ? pr->fd : -1;
}

static const FsReaderVt posix_reader_vt = {posix_read, posix_reader_close, posix_reader_fd};

static Status posix_open_read(Fs *fs, const char *path, int64_t offset, int64_t length,
                              FsReader **out, Error *err) {
    char *fp = full_path(fs, path);
    int fd = open(fp, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        io_error(err, "read", fp, errno);
        free(fp);
        return STATUS_ERROR;
    }
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        close(fd);
        err_set(err, ERR_FS_NOT_FOUND, "cannot read %s: it is a directory", fp);
        free(fp);
        return STATUS_ERROR;
    }
    if (offset > 0 && lseek(fd, offset, SEEK_SET) < 0) {
        io_error(err, "seek in", fp, errno);
        close(fd);
        free(fp);
        return STATUS_ERROR;
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    PosixReader *pr = calloc(1, sizeof *pr);
    pr->base.vt = &posix_reader_vt;
    pr->base.fs = fs;
    pr->fd = fd;
    pr->left = length;
    pr->path = fp;
    *out = &pr->base;
    return STATUS_OK;
}

/* Writer. */

typedef struct PosixWriter {
    FsWriter base;
    int fd;
    int64_t written, kicked; /* bytes written; bytes already handed to writeback */
    char *path;              /* final */
    char *tmp;
} PosixWriter;

static Status posix_write(FsWriter *w, const void *buf, size_t n, Error *err) {
    PosixWriter *pw = (PosixWriter *)w;
    const char *p = buf;
    while (n > 0) {
        ssize_t k = write(pw->fd, p, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            return io_error(err, "write", pw->tmp, errno);
        }
        p += k;
        n -= (size_t)k;
        pw->written += k;
    }
    /* Start writeback as the file grows, so the disk works while we write and the fsync at commit
     * has little left to do (otherwise all dirty pages of the file wait for that one fsync). */
    if (pw->written - pw->kicked >= WRITEBACK_CHUNK) {
        sync_file_range(pw->fd, pw->kicked, pw->written - pw->kicked, SYNC_FILE_RANGE_WRITE);
        pw->kicked = pw->written;
    }
    return STATUS_OK;
}

static void posix_writer_free(PosixWriter *pw, bool unlink_tmp) {
    if (pw->fd >= 0) close(pw->fd);
    if (unlink_tmp) unlink(pw->tmp);
    free(pw->path);
    free(pw->tmp);
    free(pw);
}

static Status posix_commit(FsWriter *w, Error *err) {
    PosixWriter *pw = (PosixWriter *)w;
    Status st = STATUS_OK;
    if (fsync(pw->fd) != 0)
        st = io_error(err, "fsync", pw->tmp, errno);
    else if (close(pw->fd) != 0)
        st = io_error(err, "close", pw->tmp, errno);
    pw->fd = -1;
    if (st == STATUS_OK && rename(pw->tmp, pw->path) != 0)
        st = io_error(err, "rename into", pw->path, errno);
    if (st == STATUS_OK) fsync_dir_of(pw->path);
    posix_writer_free(pw, st != STATUS_OK);
    return st;
}

static void posix_abort(FsWriter *w) {
    posix_writer_free((PosixWriter *)w, true);
}

static int posix_writer_fd(FsWriter *w) {
    return ((PosixWriter *)w)->fd;
}

static const FsWriterVt posix_writer_vt = {posix_write, posix_commit, posix_abort, posix_writer_fd};

static Status posix_open_write(Fs *fs, const char *path, FsWriter **out, Error *err) {
    char *fp = full_path(fs, path);
    if (make_parents(fp, err)) {
        free(fp);
        return STATUS_ERROR;
    }
    const char *base = strrchr(fp, '/');
    StrBuf tmp = STRBUF_INIT;
    sb_appendn(&tmp, fp, (size_t)(base - fp + 1));
    sb_appendf(&tmp, ".%s.cairn-tmp.%d.%llu", base + 1, (int)getpid(),
               (unsigned long long)atomic_fetch_add(&tmp_seq, 1));
    int fd = open(sb_str(&tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        io_error(err, "create", sb_str(&tmp), errno);
        free(fp);
        sb_free(&tmp);
        return STATUS_ERROR;
    }
    PosixWriter *pw = calloc(1, sizeof *pw);
    pw->base.vt = &posix_writer_vt;
    pw->base.fs = fs;
    pw->fd = fd;
    pw->path = fp;
    pw->tmp = sb_detach(&tmp);
    *out = &pw->base;
    return STATUS_OK;
}

/* Metadata operations. */

static Status posix_stat(Fs *fs, const char *path, FsStat *st, Error *err) {
    char *fp = full_path(fs, path);
    struct stat sb;
    Status rc = STATUS_OK;
    if (stat(fp, &sb) != 0) {
        if (errno != ENOENT && errno != ENOTDIR) rc = io_error(err, "stat", fp, errno);
    } else {
        st->exists = true;
        st->is_dir = S_ISDIR(sb.st_mode);
        st->size = st->is_dir ? 0 : (int64_t)sb.st_size;
        st->mtime_ms = (int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000;
    }
    free(fp);
    return rc;
}

static bool is_temp_name(const char *name) {
    return name[0] == '.' && strstr(name, ".cairn-tmp.") != NULL;
}

/* Walks dir; rel is the path relative to the listed directory ("" at the top). */
static Status walk(const char *dir, const char *rel, bool recursive, FsListFn fn, void *ctx,
                   Error *err) {
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR) return STATUS_OK;
        return io_error(err, "list", dir, errno);
    }
    Status st = STATUS_OK;
    struct dirent *de;
    while (st == STATUS_OK && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
            is_temp_name(de->d_name))
            continue;
        char *child = fs_path_join(dir, de->d_name);
        char *crel = fs_path_join(rel, de->d_name);
        struct stat sb;
        if (stat(child, &sb) == 0) {
            if (S_ISDIR(sb.st_mode) && recursive) {
                st = walk(child, crel, true, fn, ctx, err);
            } else if (S_ISDIR(sb.st_mode) || S_ISREG(sb.st_mode)) {
                FsEntry e = {crel, S_ISDIR(sb.st_mode),
                             S_ISDIR(sb.st_mode) ? 0 : (int64_t)sb.st_size,
                             (int64_t)sb.st_mtim.tv_sec * 1000 + sb.st_mtim.tv_nsec / 1000000};
                st = fn(ctx, &e, err);
            }
        }
        free(child);
        free(crel);
    }
    closedir(d);
    return st;
}

static Status posix_list(Fs *fs, const char *dir, bool recursive, FsListFn fn, void *ctx,
                         Error *err) {
    char *fp = full_path(fs, dir);
    Status st = walk(fp, "", recursive, fn, ctx, err);
    free(fp);
    return st;
}

static Status posix_remove(Fs *fs, const char *path, Error *err) {
    char *fp = full_path(fs, path);
    Status st = STATUS_OK;
    if (unlink(fp) != 0 && errno != ENOENT) st = io_error(err, "remove", fp, errno);
    free(fp);
    return st;
}

static Status remove_tree(const char *path, Error *err) {
    DIR *d = opendir(path);
    if (!d) {
        if (errno == ENOENT) return STATUS_OK;
        if (errno == ENOTDIR)
            return unlink(path) == 0 ? STATUS_OK : io_error(err, "remove", path, errno);
        return io_error(err, "list", path, errno);
    }
    Status st = STATUS_OK;
    struct dirent *de;
    while (st == STATUS_OK && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        char *child = fs_path_join(path, de->d_name);
        struct stat sb;
        if (lstat(child, &sb) == 0 && S_ISDIR(sb.st_mode))
            st = remove_tree(child, err);
        else if (unlink(child) != 0 && errno != ENOENT)
            st = io_error(err, "remove", child, errno);
        free(child);
    }
    closedir(d);
    if (st == STATUS_OK && rmdir(path) != 0 && errno != ENOENT)
        st = io_error(err, "remove directory", path, errno);
    return st;
}

static Status posix_remove_prefix(Fs *fs, const char *dir, Error *err) {
    Posix *p = fs->impl;
    if (!*dir) {
        /* Empty the location but keep the directory itself: it is the repository's root. */
        char *fp = strdup(p->root);
        DIR *d = opendir(fp);
        Status st = STATUS_OK;
        if (d) {
            struct dirent *de;
            while (st == STATUS_OK && (de = readdir(d)) != NULL) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
                char *child = fs_path_join(fp, de->d_name);
                st = remove_tree(child, err);
                free(child);
            }
            closedir(d);
        }
        free(fp);
        return st;
    }
    char *fp = full_path(fs, dir);
    Status st = remove_tree(fp, err);
    free(fp);
    return st;
}

static void posix_free(Fs *fs) {
    Posix *p = fs->impl;
    if (!p) return;
    free(p->root);
    free(p);
}

static void posix_describe(const Fs *fs, StrBuf *out) {
    sb_append(out, ((const Posix *)fs->impl)->root);
}

static const FsDriverVt posix_vt = {"posix",       posix_open_read, posix_open_write,    posix_stat,
                                    posix_list,    posix_remove,    posix_remove_prefix, posix_free,
                                    posix_describe};

Status fs_posix_open(Fs *fs, const char *location, const FsProp *props, int nprops, Error *err) {
    const char *path = location;
    if (str_has_iprefix(location, "file://")) {
        path = location + 7;
        if (*path != '/')
            return err_set(err, ERR_INVALID_ARGUMENT,
                           "location '%s' needs an absolute path: file:///path (three slashes)",
                           location);
    }
    if (*path != '/')
        return err_set(err, ERR_INVALID_ARGUMENT, "location '%s' is not an absolute path",
                       location);
    Posix *p = calloc(1, sizeof *p);
    p->root = strdup(path);
    size_t n = strlen(p->root);
    while (n > 1 && p->root[n - 1] == '/')
        p->root[--n] = '\0';
    fs->impl = p;
    fs->vt = &posix_vt;
    return STATUS_OK;
}
