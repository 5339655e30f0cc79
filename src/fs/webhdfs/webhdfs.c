/* The HDFS driver over WebHDFS REST: hdfs://namenode:port/path maps to
 * http://<dfs.namenode.http-address>/ webhdfs/v1/path with simple authentication (user.name = the
 * `username` property). Data operations use the two-step protocol: CREATE/APPEND go to the namenode
 * without data, which answers 307 with a datanode Location that takes the bytes; OPEN follows the
 * redirect. A writer MKDIRS the parent, fills a temp file next to the target (CREATE, then APPEND
 * per chunk) and RENAMEs it into place at commit. Errors arrive as RemoteException JSON. Kerberos
 * (SPNEGO) is not supported: fs_props_validate refuses its properties. */
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/driver.h"
#include "fs/http.h"
#include "util/str.h"

typedef struct WebHdfs {
    char *display; /* "hdfs://nn:8020" */
    char *base;    /* "http://nn:9870/webhdfs/v1" */
    char *root;    /* absolute HDFS path of the location, no trailing '/' ("" for /) */
    char *user;    /* NULL: no user.name (the cluster's anonymous user) */
    HttpPool *pool;
    int64_t chunk;
    FsRetryPolicy retry;
} WebHdfs;

static _Atomic uint64_t tmp_seq;

/* Writers' temp files (".<name>.cairn-tmp.<pid>.<n>") never show in listings. */
static bool is_temp(const char *name) {
    return name[0] == '.' && strstr(name, ".cairn-tmp.") != NULL;
}

/* Absolute HDFS path of a location-relative path. Caller frees. */
static char *abs_path(const WebHdfs *h, const char *path) {
    StrBuf sb = STRBUF_INIT;
    sb_append(&sb, h->root);
    if (path && *path) sb_appendf(&sb, "/%s", path);
    if (sb.len == 0) sb_putc(&sb, '/');
    return sb_detach(&sb);
}

/* URL for op on an absolute path with extra raw query pairs. */
static void op_url(const WebHdfs *h, StrBuf *url, const char *apath, const char *op,
                   const char *const *q, int nq) {
    sb_reset(url);
    sb_append(url, h->base);
    fs_uri_encode(url, apath, true);
    sb_appendf(url, "?op=%s", op);
    if (h->user) {
        sb_append(url, "&user.name=");
        fs_uri_encode(url, h->user, false);
    }
    for (int i = 0; i < nq; i++) {
        sb_putc(url, '&');
        fs_uri_encode(url, q[2 * i], false);
        sb_putc(url, '=');
        fs_uri_encode(url, q[2 * i + 1], false);
    }
}

static Status hdfs_error(const WebHdfs *h, const char *what, const char *apath,
                         const HttpResponse *resp, Error *err) {
    json_error_t je;
    json_t *doc = json_loadb(resp->body.data ? resp->body.data : "", resp->body.len, 0, &je);
    json_t *re = json_object_get(doc, "RemoteException");
    const char *ex = json_string_value(json_object_get(re, "exception"));
    const char *msg = json_string_value(json_object_get(re, "message"));
    long s = resp->status;
    ErrCode ec = ERR_FS;
    const char *hint = NULL;
    if (s >= 500 ||
        (ex && (strstr(ex, "Retriable") || strstr(ex, "Standby") || strstr(ex, "SafeMode")))) {
        ec = ERR_FS_TRANSIENT;
    } else if (s == 404 || (ex && strcmp(ex, "FileNotFoundException") == 0)) {
        ec = ERR_FS_NOT_FOUND;
    } else if (s == 401 || s == 403) {
        if (ex && (strstr(ex, "AccessControl") || strstr(ex, "Security") || s == 401)) {
            ec = ERR_FS_AUTH;
            hint = h->user ? "check the 'username' property and the path's HDFS permissions"
                           : "set the 'username' property to an HDFS user allowed to write here";
        }
    }
    err_set(err, ec, "cannot %s %s%s: HTTP %ld%s%s%s%s%s%s%s", what, h->display, apath, s,
            ex ? " " : "", ex ? ex : "", msg ? ": " : "", msg ? msg : "", hint ? " (" : "",
            hint ? hint : "", hint ? ")" : "");
    json_decref(doc);
    return STATUS_ERROR;
}

typedef struct Call {
    WebHdfs *h;
    const char *what, *apath, *method;
    StrBuf *url;
    HttpResponse *resp;
    const void *body;
    size_t body_len;
    bool ok404;
    bool two_step; /* namenode 307, then the body to the datanode */
} Call;

static Status call_attempt(void *ctx, Error *err) {
    Call *c = ctx;
    HttpRequest req = {c->method, sb_str(c->url), NULL, NULL, 0, false};
    if (!c->two_step) {
        req.body = c->body;
        req.body_len = c->body_len;
        req.follow_redirects = true;
    }
    if (http_perform(c->h->pool, &req, c->resp, err))
        return err_prefix(err, "cannot %s %s%s: ", c->what, c->h->display, c->apath);
    if (c->two_step) {
        char loc[4096];
        if (c->resp->status != 307 || !http_response_header(c->resp, "Location", loc, sizeof loc)) {
            if (c->resp->status >= 300) return hdfs_error(c->h, c->what, c->apath, c->resp, err);
            return err_set(err, ERR_FS,
                           "cannot %s %s%s: the namenode answered HTTP %ld instead of a 307 "
                           "redirect to a datanode",
                           c->what, c->h->display, c->apath, c->resp->status);
        }
        struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/octet-stream");
        HttpRequest dn = {c->method, loc, hd, c->body ? c->body : "", c->body_len, false};
        Status st = http_perform(c->h->pool, &dn, c->resp, err);
        curl_slist_free_all(hd);
        if (st)
            return err_prefix(err, "cannot %s %s%s (datanode): ", c->what, c->h->display, c->apath);
    }
    if (c->resp->status >= 200 && c->resp->status < 300) return STATUS_OK;
    if (c->ok404 && c->resp->status == 404) return STATUS_OK;
    return hdfs_error(c->h, c->what, c->apath, c->resp, err);
}

static Status call(WebHdfs *h, const char *what, const char *apath, const char *method, StrBuf *url,
                   HttpResponse *resp, bool ok404, Error *err) {
    Call c = {h, what, apath, method, url, resp, NULL, 0, ok404, false};
    return fs_retry_run(&h->retry, call_attempt, &c, err);
}

static bool json_bool_true(const HttpResponse *resp) {
    json_error_t je;
    json_t *doc = json_loadb(resp->body.data ? resp->body.data : "", resp->body.len, 0, &je);
    bool v = json_is_true(json_object_get(doc, "boolean"));
    json_decref(doc);
    return v;
}

/* FileStatus of apath; st->exists false on 404. */
static Status get_status(WebHdfs *h, const char *apath, FsStat *st, Error *err) {
    memset(st, 0, sizeof *st); /* a missing path answers 404: it does not exist */
    StrBuf url = STRBUF_INIT;
    HttpResponse resp;
    http_response_init(&resp);
    op_url(h, &url, apath, "GETFILESTATUS", NULL, 0);
    Status rc = call(h, "stat", apath, "GET", &url, &resp, true, err);
    if (rc == STATUS_OK && resp.status == 200) {
        json_error_t je;
        json_t *doc = json_loadb(resp.body.data, resp.body.len, 0, &je);
        json_t *fst = json_object_get(doc, "FileStatus");
        if (!fst) {
            rc = err_set(err, ERR_FS, "cannot stat %s%s: the namenode's answer has no FileStatus",
                         h->display, apath);
        } else {
            st->exists = true;
            st->is_dir =
                strcmp(json_string_value(json_object_get(fst, "type")) ?: "", "DIRECTORY") == 0;
            st->size = json_integer_value(json_object_get(fst, "length"));
            st->mtime_ms = json_integer_value(json_object_get(fst, "modificationTime"));
        }
        json_decref(doc);
    }
    http_response_free(&resp);
    sb_free(&url);
    return rc;
}

static Status hdfs_stat(Fs *fs, const char *path, FsStat *st, Error *err) {
    WebHdfs *h = fs->impl;
    char *ap = abs_path(h, path);
    Status rc = get_status(h, ap, st, err);
    free(ap);
    return rc;
}

/* Lists one directory in batches (LISTSTATUS_BATCH with startAfter; plain LISTSTATUS where
 * unsupported). */
typedef Status (*DirFn)(void *ctx, const char *name, bool is_dir, int64_t size, int64_t mtime,
                        Error *err);

static Status list_dir(WebHdfs *h, const char *apath, DirFn fn, void *ctx, Error *err) {
    StrBuf url = STRBUF_INIT, after = STRBUF_INIT;
    HttpResponse resp;
    http_response_init(&resp);
    Status st = STATUS_OK;
    bool batch = true, more = true;
    while (st == STATUS_OK && more) {
        const char *q[2] = {"startAfter", sb_str(&after)};
        op_url(h, &url, apath, batch ? "LISTSTATUS_BATCH" : "LISTSTATUS", q,
               batch && after.len ? 1 : 0);
        if ((st = call(h, "list", apath, "GET", &url, &resp, true, err))) {
            if (batch && err->code == ERR_FS && resp.status == 400) {
                batch = false; /* an older namenode: one LISTSTATUS */
                err_clear(err);
                st = STATUS_OK;
                continue;
            }
            break;
        }
        if (resp.status == 404) break;
        json_error_t je;
        json_t *doc = json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0, &je);
        json_t *arr, *dl = json_object_get(doc, "DirectoryListing");
        if (dl) {
            arr = json_object_get(
                json_object_get(json_object_get(dl, "partialListing"), "FileStatuses"),
                "FileStatus");
            more = json_integer_value(json_object_get(dl, "remainingEntries")) > 0;
        } else {
            arr = json_object_get(json_object_get(doc, "FileStatuses"), "FileStatus");
            more = false;
        }
        if (!json_is_array(arr)) {
            st = err_set(err, ERR_FS,
                         "cannot list %s%s: the namenode's answer has no FileStatus list",
                         h->display, apath);
        }
        size_t i;
        json_t *e;
        json_array_foreach(arr, i, e) {
            if (st) break;
            const char *name = json_string_value(json_object_get(e, "pathSuffix"));
            if (!name || !*name) continue; /* listing a file returns the file itself */
            if (is_temp(name)) continue;
            bool dir =
                strcmp(json_string_value(json_object_get(e, "type")) ?: "", "DIRECTORY") == 0;
            st = fn(ctx, name, dir, json_integer_value(json_object_get(e, "length")),
                    json_integer_value(json_object_get(e, "modificationTime")), err);
            sb_reset(&after);
            sb_append(&after, name);
        }
        if (more && after.len == 0) more = false;
        json_decref(doc);
    }
    http_response_free(&resp);
    sb_free(&url);
    sb_free(&after);
    return st;
}

typedef struct Walk {
    WebHdfs *h;
    const char *apath; /* directory being listed */
    const char *rel;   /* its path relative to the listing root */
    bool recursive;
    FsListFn fn;
    void *ctx;
} Walk;

static Status walk_cb(void *ctx, const char *name, bool is_dir, int64_t size, int64_t mtime,
                      Error *err) {
    Walk *w = ctx;
    char *rel = fs_path_join(w->rel, name);
    Status st;
    if (is_dir && w->recursive) {
        char *child = fs_path_join(w->apath, name);
        Walk sub = {w->h, child, rel, true, w->fn, w->ctx};
        st = list_dir(w->h, child, walk_cb, &sub, err);
        free(child);
    } else {
        FsEntry e = {rel, is_dir, is_dir ? 0 : size, mtime};
        st = w->fn(w->ctx, &e, err);
    }
    free(rel);
    return st;
}

static Status hdfs_list(Fs *fs, const char *dir, bool recursive, FsListFn fn, void *ctx,
                        Error *err) {
    WebHdfs *h = fs->impl;
    char *ap = abs_path(h, dir);
    FsStat st;
    Status rc = get_status(h, ap, &st, err);
    if (rc == STATUS_OK && st.exists && st.is_dir) {
        Walk w = {h, ap, "", recursive, fn, ctx};
        rc = list_dir(h, ap, walk_cb, &w, err);
    }
    free(ap);
    return rc;
}

static Status delete_path(WebHdfs *h, const char *apath, bool recursive, Error *err) {
    StrBuf url = STRBUF_INIT;
    HttpResponse resp;
    http_response_init(&resp);
    const char *q[] = {"recursive", recursive ? "true" : "false"};
    op_url(h, &url, apath, "DELETE", q, 1);
    Status st = call(h, "delete", apath, "DELETE", &url, &resp, true, err);
    http_response_free(&resp);
    sb_free(&url);
    return st;
}

static Status hdfs_remove(Fs *fs, const char *path, Error *err) {
    WebHdfs *h = fs->impl;
    char *ap = abs_path(h, path);
    Status st = delete_path(h, ap, false, err);
    free(ap);
    return st;
}

typedef struct RootDel {
    WebHdfs *h;
    const char *root;
} RootDel;

static Status root_del_cb(void *ctx, const char *name, bool is_dir, int64_t size, int64_t mtime,
                          Error *err) {
    RootDel *rd = ctx;
    char *p = fs_path_join(rd->root, name);
    Status st = delete_path(rd->h, p, true, err);
    free(p);
    return st;
}

static Status hdfs_remove_prefix(Fs *fs, const char *dir, Error *err) {
    WebHdfs *h = fs->impl;
    char *ap = abs_path(h, dir);
    Status st;
    if (*dir) {
        st = delete_path(h, ap, true, err);
    } else {
        /* keep the location's own directory: empty it */
        RootDel rd = {h, ap};
        st = list_dir(h, ap, root_del_cb, &rd, err);
    }
    free(ap);
    return st;
}

/* Reader: OPEN (following the datanode redirect) streamed; resumed with offset after transient
 * failures. */

typedef struct HdfsReader {
    FsReader base;
    WebHdfs *h;
    char *apath;
    HttpReadPos rp; /* rp.pos: absolute offset of the next byte */
    int64_t end;
    HttpStream *stream;
    HttpResponse head;
} HdfsReader;

static Status reader_open_attempt(void *ctx, Error *err) {
    HdfsReader *r = ctx;
    http_stream_close(r->stream);
    r->stream = NULL;
    char off[32], len[32];
    snprintf(off, sizeof off, "%lld", (long long)r->rp.pos);
    snprintf(len, sizeof len, "%lld", (long long)(r->end - r->rp.pos));
    const char *q[] = {"offset", off, "length", len};
    StrBuf url = STRBUF_INIT;
    op_url(r->h, &url, r->apath, "OPEN", q, r->end >= 0 ? 2 : 1);
    HttpRequest req = {"GET", sb_str(&url), NULL, NULL, 0, true};
    Status st = http_stream_open(r->h->pool, &req, &r->stream, &r->head, err);
    if (st)
        err_prefix(err, "cannot read %s%s: ", r->h->display, r->apath);
    else if (r->head.status != 200)
        st = hdfs_error(r->h, "read", r->apath, &r->head, err);
    sb_free(&url);
    return st;
}

static Status hdfs_read(FsReader *fr, void *buf, size_t cap, size_t *got, Error *err) {
    HdfsReader *r = (HdfsReader *)fr;
    return http_read_resuming(&r->stream, &r->rp, &r->h->retry, reader_open_attempt, r, r->h->display, "", r->apath,
                              buf, cap, got, err);
}

static void hdfs_reader_close(FsReader *fr) {
    HdfsReader *r = (HdfsReader *)fr;
    http_stream_close(r->stream);
    http_response_free(&r->head);
    free(r->apath);
    free(r);
}

static const FsReaderVt hdfs_reader_vt = {hdfs_read, hdfs_reader_close, NULL};

static Status hdfs_open_read(Fs *fs, const char *path, int64_t offset, int64_t length,
                             FsReader **out, Error *err) {
    WebHdfs *h = fs->impl;
    HdfsReader *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->base.vt = &hdfs_reader_vt;
    r->base.fs = fs;
    r->h = h;
    r->apath = abs_path(h, path);
    r->rp.pos = offset;
    r->end = length >= 0 ? offset + length : -1;
    http_response_init(&r->head);
    if (length == 0)
        r->rp.eof = true;
    else if (fs_retry_run(&h->retry, reader_open_attempt, r, err)) {
        hdfs_reader_close(&r->base);
        return STATUS_ERROR;
    }
    *out = &r->base;
    return STATUS_OK;
}

/* Writer. */

typedef struct HdfsWriter {
    FsWriter base;
    WebHdfs *h;
    char *apath; /* final */
    char *tmp;   /* temp file beside it */
    char *buf;
    size_t len, cap;
    int64_t flushed; /* bytes already in tmp */
    bool created;
} HdfsWriter;

typedef struct Flush {
    HdfsWriter *w;
    int attempts;
} Flush;

/* One CREATE or APPEND of the buffer. APPEND is not idempotent: before trying again, the temp
 * file's length tells whether the failed attempt had in fact landed. */
static Status flush_attempt(void *ctx, Error *err) {
    Flush *f = ctx;
    HdfsWriter *w = f->w;
    if (w->created && f->attempts++ > 0) {
        FsStat st;
        if (get_status(w->h, w->tmp, &st, err)) return STATUS_ERROR;
        if (st.size == w->flushed + (int64_t)w->len) return STATUS_OK;
        if (st.size != w->flushed)
            return err_set(err, ERR_FS,
                           "cannot write %s%s: after a failed APPEND the temp file has %lld bytes, "
                           "expected %lld",
                           w->h->display, w->apath, (long long)st.size, (long long)w->flushed);
    }
    StrBuf url = STRBUF_INIT;
    HttpResponse resp;
    http_response_init(&resp);
    const char *q[] = {"overwrite", "true"};
    op_url(w->h, &url, w->tmp, w->created ? "APPEND" : "CREATE", q, w->created ? 0 : 1);
    Call c = {w->h,   "write", w->apath, w->created ? "POST" : "PUT", &url, &resp, w->buf,
              w->len, false,   true};
    Status st = call_attempt(&c, err);
    http_response_free(&resp);
    sb_free(&url);
    return st;
}

static Status flush(HdfsWriter *w, Error *err) {
    Flush f = {w, 0};
    if (fs_retry_run(&w->h->retry, flush_attempt, &f, err)) return STATUS_ERROR;
    w->created = true;
    w->flushed += (int64_t)w->len;
    w->len = 0;
    return STATUS_OK;
}

static Status hdfs_write(FsWriter *fw, const void *data, size_t n, Error *err) {
    HdfsWriter *w = (HdfsWriter *)fw;
    const char *p = data;
    while (n > 0) {
        if (w->len == w->cap && flush(w, err)) return STATUS_ERROR;
        size_t k = w->cap - w->len < n ? w->cap - w->len : n;
        memcpy(w->buf + w->len, p, k);
        w->len += k;
        p += k;
        n -= k;
    }
    return STATUS_OK;
}

static void writer_free(HdfsWriter *w, bool delete_tmp) {
    if (delete_tmp && w->created) {
        Error ignore = ERROR_INIT;
        (void)delete_path(w->h, w->tmp, false, &ignore);
    }
    free(w->apath);
    free(w->tmp);
    free(w->buf);
    free(w);
}

static Status rename_into_place(HdfsWriter *w, Error *err) {
    StrBuf url = STRBUF_INIT;
    HttpResponse resp;
    http_response_init(&resp);
    const char *q[] = {"destination", w->apath};
    Status st = STATUS_OK;
    for (int round = 0; round < 2 && st == STATUS_OK; round++) {
        op_url(w->h, &url, w->tmp, "RENAME", q, 1);
        if ((st = call(w->h, "write", w->apath, "PUT", &url, &resp, false, err))) break;
        if (json_bool_true(&resp)) break;
        /* HDFS rename does not replace an existing file: remove the old one, then rename again. */
        FsStat fst;
        if ((st = get_status(w->h, w->apath, &fst, err))) break;
        if (!fst.exists || round == 1) {
            st = err_set(
                err, ERR_FS,
                "cannot write %s%s: the namenode refused to rename the temp file %s into place",
                w->h->display, w->apath, w->tmp);
            break;
        }
        st = delete_path(w->h, w->apath, false, err);
    }
    http_response_free(&resp);
    sb_free(&url);
    return st;
}

static Status hdfs_commit(FsWriter *fw, Error *err) {
    HdfsWriter *w = (HdfsWriter *)fw;
    Status st = STATUS_OK;
    if (w->len > 0 || !w->created) st = flush(w, err);
    if (st == STATUS_OK) st = rename_into_place(w, err);
    writer_free(w, st != STATUS_OK);
    return st;
}

static void hdfs_abort(FsWriter *fw) {
    writer_free((HdfsWriter *)fw, true);
}

static const FsWriterVt hdfs_writer_vt = {hdfs_write, hdfs_commit, hdfs_abort, NULL};

static Status hdfs_open_write(Fs *fs, const char *path, FsWriter **out, Error *err) {
    WebHdfs *h = fs->impl;
    HdfsWriter *w = calloc(1, sizeof *w);
    if (!w) abort();
    w->base.vt = &hdfs_writer_vt;
    w->base.fs = fs;
    w->h = h;
    w->apath = abs_path(h, path);
    const char *slash = strrchr(w->apath, '/');
    StrBuf tmp = STRBUF_INIT;
    sb_appendn(&tmp, w->apath, (size_t)(slash - w->apath + 1));
    sb_appendf(&tmp, ".%s.cairn-tmp.%d.%llu", slash + 1, (int)getpid(),
               (unsigned long long)atomic_fetch_add(&tmp_seq, 1));
    w->tmp = sb_detach(&tmp);
    w->cap = (size_t)h->chunk;
    w->buf = malloc(w->cap);
    if (!w->buf) {
        writer_free(w, false);
        return err_set(err, ERR_OUT_OF_MEMORY, "out of memory for a WebHDFS chunk");
    }
    /* MKDIRS the parent first: a permission or quota problem shows before any data is sent (CREATE
     * would make the parents too, but only after the upload started). */
    StrBuf url = STRBUF_INIT;
    HttpResponse resp;
    http_response_init(&resp);
    char *parent = strndup(w->apath, (size_t)(slash - w->apath));
    op_url(h, &url, *parent ? parent : "/", "MKDIRS", NULL, 0);
    Status st = call(h, "write", w->apath, "PUT", &url, &resp, false, err);
    if (st == STATUS_OK && !json_bool_true(&resp))
        st = err_set(err, ERR_FS, "cannot write %s%s: the namenode refused to create directory %s",
                     h->display, w->apath, *parent ? parent : "/");
    free(parent);
    http_response_free(&resp);
    sb_free(&url);
    if (st) {
        writer_free(w, false);
        return STATUS_ERROR;
    }
    *out = &w->base;
    return STATUS_OK;
}

static void hdfs_free(Fs *fs) {
    WebHdfs *h = fs->impl;
    if (!h) return;
    http_pool_free(h->pool);
    free(h->display);
    free(h->base);
    free(h->root);
    free(h->user);
    free(h);
}

static void hdfs_describe(const Fs *fs, StrBuf *out) {
    const WebHdfs *h = fs->impl;
    sb_appendf(out, "%s%s (user %s)", h->base, *h->root ? h->root : "/",
               h->user ? h->user : "(none)");
}

static const FsDriverVt hdfs_vt = {"webhdfs",          hdfs_open_read, hdfs_open_write,
                                   hdfs_stat,          hdfs_list,      hdfs_remove,
                                   hdfs_remove_prefix, hdfs_free,      hdfs_describe};

Status fs_webhdfs_open(Fs *fs, const char *location, const FsProp *props, int nprops, Error *err) {
    const char *rest = location + 7; /* "hdfs://" */
    size_t hl = strcspn(rest, "/");
    if (hl == 0)
        return err_set(err, ERR_INVALID_ARGUMENT,
                       "location '%s' names no namenode: use hdfs://<namenode>:<port>/<path>",
                       location);
    WebHdfs *h = calloc(1, sizeof *h);
    if (!h) abort();
    fs->impl = h;
    fs->vt = &hdfs_vt;
    h->retry = fs->retry;
    h->display = strndup(location, 7 + hl);
    const char *p = rest + hl;
    h->root = strdup(p);
    size_t rl = strlen(h->root);
    while (rl && h->root[rl - 1] == '/')
        h->root[--rl] = '\0';
    const char *http = fs_prop_get(props, nprops, "dfs.namenode.http-address");
    StrBuf base = STRBUF_INIT;
    if (http && *http) {
        if (str_has_iprefix(http, "http://") || str_has_iprefix(http, "https://"))
            sb_append(&base, http);
        else
            sb_appendf(&base, "http://%s", http);
    } else {
        /* the namenode's host with Hadoop 3's default HTTP port */
        size_t nl = strcspn(rest, ":/");
        sb_appendf(&base, "http://%.*s:9870", (int)nl, rest);
    }
    while (base.len && base.data[base.len - 1] == '/')
        base.data[--base.len] = '\0';
    sb_append(&base, "/webhdfs/v1");
    h->base = sb_detach(&base);
    const char *user = fs_prop_get(props, nprops, "username");
    h->user = user && *user ? strdup(user) : NULL;
    int64_t chunk = 8 << 20;
    const char *v = fs_prop_get(props, nprops, "webhdfs.chunk_size");
    if (v && (!str_to_int64(v, &chunk) || chunk < 4096 || chunk > (1ll << 30))) {
        err_set(err, ERR_INVALID_ARGUMENT,
                "property 'webhdfs.chunk_size' = '%s' must be from 4096 to 1073741824", v);
        goto fail;
    }
    h->chunk = chunk;
    HttpConfig hc;
    if (http_config_from_props(&hc, props, nprops, err)) goto fail;
    h->pool = http_pool_new(&hc);
    return STATUS_OK;
fail:
    hdfs_free(fs);
    fs->impl = NULL;
    fs->vt = NULL;
    return STATUS_ERROR;
}
