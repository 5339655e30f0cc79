/* The front of the storage layer: picks a driver by scheme, checks paths, and gives every driver
 * error the repository's name. Everything store-specific lives in the driver folders. */
#include "fs/fs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fs/driver.h"
#include "util/clock.h"
#include "util/str.h"

static Status with_label(const Fs *fs, Error *err) {
    if (fs->label) err_prefix(err, "Repository '%s': ", fs->label);
    return STATUS_ERROR;
}

/* Paths are relative, '/'-separated, with no empty, "." or ".." component: a path can never escape
 * the location. */
static Status check_path(const Fs *fs, const char *path, bool allow_empty, Error *err) {
    if (!path) path = "";
    if (!*path) {
        if (allow_empty) return STATUS_OK;
        err_set(err, ERR_INVALID_ARGUMENT, "empty path under %s", fs->location);
        return with_label(fs, err);
    }
    const char *p = path;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) {
            if (!slash && n == 0 && allow_empty)
                break; /* one trailing '/' on a directory is fine */
            err_set(
                err, ERR_INVALID_ARGUMENT,
                "invalid path '%s' under %s: use a relative path without empty, '.' or '..' parts",
                path, fs->location);
            return with_label(fs, err);
        }
        p += n;
        if (*p == '/') p++;
    }
    return STATUS_OK;
}

Status fs_open(const char *location, const FsProp *props, int nprops, Fs **out, Error *err) {
    *out = NULL;
    if (fs_props_validate(location, props, nprops, err)) return STATUS_ERROR;
    Fs *fs = calloc(1, sizeof *fs);
    if (!fs) return err_set(err, ERR_OUT_OF_MEMORY, "out of memory opening %s", location);
    size_t n = strlen(location);
    /* StarRocks strips trailing '/' from locations; keep "/" and "file:///" themselves intact. */
    const char *sep = strstr(location, "://");
    size_t min = sep ? (size_t)(sep - location) + 4 : 1;
    while (n > min && location[n - 1] == '/')
        n--;
    fs->location = strndup(location, n);
    fs_retry_policy_default(&fs->retry);
    if (fs_retry_policy_from_props(&fs->retry, props, nprops, err)) goto fail;
    const char *drv = fs_scheme_driver(location);
    Status st;
    if (strcmp(drv, "posix") == 0)
        st = fs_posix_open(fs, fs->location, props, nprops, err);
    else if (strcmp(drv, "s3") == 0)
        st = fs_s3_open(fs, fs->location, props, nprops, err);
    else if (strcmp(drv, "azure") == 0)
        st = fs_azure_open(fs, fs->location, props, nprops, err);
    else
        st = fs_webhdfs_open(fs, fs->location, props, nprops, err);
    if (st) goto fail;
    *out = fs;
    return STATUS_OK;
fail:
    free(fs->location);
    free(fs);
    return STATUS_ERROR;
}

void fs_free(Fs *fs) {
    if (!fs) return;
    if (fs->vt && fs->vt->free) fs->vt->free(fs);
    free(fs->location);
    free(fs->label);
    free(fs);
}

void fs_set_label(Fs *fs, const char *repo_name) {
    free(fs->label);
    fs->label = repo_name ? strdup(repo_name) : NULL;
}

const char *fs_driver_name(const Fs *fs) {
    return fs->vt->name;
}

const char *fs_location(const Fs *fs) {
    return fs->location;
}

void fs_describe(const Fs *fs, StrBuf *out) {
    sb_appendf(out, "%s: ", fs->vt->name);
    fs->vt->describe(fs, out);
}

Status fs_open_read_range(Fs *fs, const char *path, int64_t offset, int64_t length, FsReader **out,
                          Error *err) {
    *out = NULL;
    if (check_path(fs, path, false, err)) return STATUS_ERROR;
    if (offset < 0) {
        err_set(err, ERR_INVALID_ARGUMENT, "negative read offset %lld for %s", (long long)offset,
                path);
        return with_label(fs, err);
    }
    if (fs->vt->open_read(fs, path, offset, length, out, err)) return with_label(fs, err);
    return STATUS_OK;
}

Status fs_open_read(Fs *fs, const char *path, FsReader **out, Error *err) {
    return fs_open_read_range(fs, path, 0, -1, out, err);
}

Status fs_read(FsReader *r, void *buf, size_t cap, size_t *got, Error *err) {
    *got = 0;
    if (r->vt->read(r, buf, cap, got, err)) return with_label(r->fs, err);
    return STATUS_OK;
}

void fs_reader_close(FsReader *r) {
    if (r) r->vt->close(r);
}

Status fs_open_write(Fs *fs, const char *path, FsWriter **out, Error *err) {
    *out = NULL;
    if (check_path(fs, path, false, err)) return STATUS_ERROR;
    if (fs->vt->open_write(fs, path, out, err)) return with_label(fs, err);
    (*out)->bytes = 0;
    return STATUS_OK;
}

Status fs_write(FsWriter *w, const void *buf, size_t n, Error *err) {
    if (n == 0) return STATUS_OK;
    if (w->vt->write(w, buf, n, err)) return with_label(w->fs, err);
    w->bytes += (int64_t)n;
    return STATUS_OK;
}

Status fs_writer_commit(FsWriter *w, Error *err) {
    Fs *fs = w->fs;
    if (w->vt->commit(w, err)) return with_label(fs, err);
    return STATUS_OK;
}

void fs_writer_abort(FsWriter *w) {
    if (w) w->vt->abort(w);
}

int64_t fs_writer_bytes(const FsWriter *w) {
    return w->bytes;
}

Status fs_stat(Fs *fs, const char *path, FsStat *st, Error *err) {
    memset(st, 0, sizeof *st);
    if (check_path(fs, path, true, err)) return STATUS_ERROR;
    if (fs->vt->stat(fs, path ? path : "", st, err)) return with_label(fs, err);
    return STATUS_OK;
}

Status fs_list(Fs *fs, const char *dir, bool recursive, FsListFn fn, void *ctx, Error *err) {
    if (check_path(fs, dir, true, err)) return STATUS_ERROR;
    if (fs->vt->list(fs, dir ? dir : "", recursive, fn, ctx, err)) return with_label(fs, err);
    return STATUS_OK;
}

Status fs_remove(Fs *fs, const char *path, Error *err) {
    if (check_path(fs, path, false, err)) return STATUS_ERROR;
    if (fs->vt->remove(fs, path, err)) return with_label(fs, err);
    return STATUS_OK;
}

Status fs_remove_prefix(Fs *fs, const char *dir, Error *err) {
    if (check_path(fs, dir, true, err)) return STATUS_ERROR;
    Status st = fs->vt->remove_prefix ? fs->vt->remove_prefix(fs, dir ? dir : "", err)
                                      : fs_remove_prefix_by_listing(fs, dir ? dir : "", err);
    return st ? with_label(fs, err) : STATUS_OK;
}

Status fs_write_all(Fs *fs, const char *path, const void *data, size_t n, Error *err) {
    FsWriter *w;
    if (fs_open_write(fs, path, &w, err)) return STATUS_ERROR;
    if (fs_write(w, data, n, err)) {
        fs_writer_abort(w);
        return STATUS_ERROR;
    }
    return fs_writer_commit(w, err);
}

Status fs_read_all(Fs *fs, const char *path, size_t max, StrBuf *out, Error *err) {
    FsReader *r;
    if (fs_open_read(fs, path, &r, err)) return STATUS_ERROR;
    char buf[65536];
    size_t total = 0, got;
    Status st = STATUS_OK;
    for (;;) {
        if ((st = fs_read(r, buf, sizeof buf, &got, err))) break;
        if (got == 0) break;
        total += got;
        if (total > max) {
            st = err_set(err, ERR_FS, "%s/%s is larger than the %zu bytes expected", fs->location,
                         path, max);
            with_label(fs, err);
            break;
        }
        sb_appendn(out, buf, got);
    }
    fs_reader_close(r);
    return st;
}

typedef struct ProbeList {
    const char *want;
    bool found;
} ProbeList;

static Status probe_list_cb(void *ctx, const FsEntry *e, Error *err) {
    ProbeList *pl = ctx;
    if (pl->want && strcmp(e->path, pl->want) == 0) pl->found = true;
    return STATUS_OK;
}

Status fs_probe(Fs *fs, bool read_only, Error *err) {
    ProbeList pl = {NULL, false};
    if (read_only) {
        if (fs_list(fs, "", false, probe_list_cb, &pl, err))
            return err_prefix(err, "probe: cannot list: ");
        return STATUS_OK;
    }
    char name[96], body[128];
    uint64_t nonce = (uint64_t)clock_now_us() ^ ((uint64_t)(uintptr_t)&name << 16);
    snprintf(name, sizeof name, ".cairn_probe_%016llx", (unsigned long long)nonce);
    int n = snprintf(body, sizeof body, "cairn probe %016llx\n", (unsigned long long)nonce);
    if (fs_write_all(fs, name, body, (size_t)n, err))
        return err_prefix(err, "probe: cannot write: ");
    StrBuf back = STRBUF_INIT;
    Status st = STATUS_OK;
    if (fs_read_all(fs, name, 4096, &back, err)) {
        err_prefix(err, "probe: wrote %s but cannot read it back: ", name);
        st = STATUS_ERROR;
    } else if (back.len != (size_t)n || memcmp(back.data, body, (size_t)n) != 0) {
        st =
            err_set(err, ERR_FS, "probe: %s/%s read back %zu bytes that differ from the %d written",
                    fs->location, name, back.len, n);
        with_label(fs, err);
    } else {
        pl.want = name;
        if (fs_list(fs, "", false, probe_list_cb, &pl, err)) {
            err_prefix(err, "probe: cannot list: ");
            st = STATUS_ERROR;
        } else if (!pl.found) {
            st = err_set(err, ERR_FS,
                         "probe: %s/%s was written but a listing of %s does not show it",
                         fs->location, name, fs->location);
            with_label(fs, err);
        }
    }
    sb_free(&back);
    Error rm = ERROR_INIT;
    if (fs_remove(fs, name, &rm) && st == STATUS_OK) {
        err_copy(err, &rm);
        err_prefix(err, "probe: cannot delete: ");
        st = STATUS_ERROR;
    }
    return st;
}

/* Helpers shared by drivers. */

char *fs_path_join(const char *prefix, const char *path) {
    StrBuf sb = STRBUF_INIT;
    sb_append(&sb, prefix ? prefix : "");
    while (sb.len && sb.data[sb.len - 1] == '/')
        sb.data[--sb.len] = '\0';
    if (path && *path) {
        if (sb.len) sb_putc(&sb, '/');
        sb_append(&sb, path);
    }
    if (sb.len == 0) sb_append(&sb, "");
    return sb_detach(&sb);
}

void fs_uri_encode(StrBuf *out, const char *s, bool keep_slash) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            sb_putc(out, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            sb_appendn(out, e, 3);
        }
    }
}

int64_t fs_parse_time_ms(const char *s) {
    if (!s) return 0;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    int ms = 0;
    if (!end) {
        memset(&tm, 0, sizeof tm);
        end = strptime(s, "%a, %d %b %Y %H:%M:%S", &tm);
        if (!end) return 0;
    } else if (*end == '.') {
        end++;
        int digits = 0;
        while (*end >= '0' && *end <= '9') {
            if (digits < 3) ms = ms * 10 + (*end - '0');
            digits++;
            end++;
        }
        while (digits > 0 && digits < 3)
            ms *= 10, digits++;
    }
    return (int64_t)timegm(&tm) * 1000 + ms;
}

typedef struct RemoveCtx {
    Fs *fs;
    const char *dir;
} RemoveCtx;

static Status remove_cb(void *ctx, const FsEntry *e, Error *err) {
    RemoveCtx *rc = ctx;
    char *p = fs_path_join(rc->dir, e->path);
    Status st = rc->fs->vt->remove(rc->fs, p, err);
    free(p);
    return st;
}

Status fs_remove_prefix_by_listing(Fs *fs, const char *dir, Error *err) {
    RemoveCtx rc = {fs, dir};
    return fs->vt->list(fs, dir, true, remove_cb, &rc, err);
}
