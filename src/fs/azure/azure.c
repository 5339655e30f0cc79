/* The Azure Blob driver: wasb[s]://container@account.blob.core.windows.net/path and abfs[s]://
 * locations over the Blob REST API, authorised by Shared Key (azure.blob.shared_key) or a SAS token
 * (azure.blob.sas_token). Files up to one block go up in one Put Blob; larger ones are staged as
 * blocks (Put Block, several in parallel, each with Content-MD5 the service verifies) and made
 * visible at once by Put Block List, so an aborted upload leaves only uncommitted blocks, which
 * Azure discards. azure.blob.endpoint points elsewhere (Azurite:
 * http://127.0.0.1:10000/devstoreaccount1). */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fs/driver.h"
#include "fs/http.h"
#include "fs/xml.h"
#include "util/str.h"
#include "util/vec.h"

#define AZ_VERSION "2021-12-02"

typedef struct Azure {
    char *display; /* "wasbs://container@account..." root, for messages */
    char *account;
    char *container;
    char *prefix; /* blob name prefix, no leading/trailing '/' */
    char *base;   /* endpoint URL up to the account: "https://acct.blob.core.windows.net" */
    char
        *base_path; /* path part of base ("" or "/devstoreaccount1"): part of the signed resource */
    uint8_t key[64];
    int key_len; /* 0 when using SAS */
    char *sas;   /* SAS query string without '?', or NULL */
    HttpPool *pool;
    int64_t block_size;
    int parallel;
    int list_max;
    FsRetryPolicy retry;
} Azure;

typedef struct AzReq {
    const char *op;
    const char *method;
    const char *blob;         /* full blob name, or NULL for the container */
    const char *const *query; /* raw key, value pairs */
    int nquery;
    const char *const *headers; /* extra "name", "value" pairs (x-ms-* are signed) */
    int nheaders;
    const void *body;
    size_t body_len;
    bool ok404;
} AzReq;

static void b64(const uint8_t *p, size_t n, char *out) {
    EVP_EncodeBlock((unsigned char *)out, p, (int)n);
}

static int param_cmp(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Builds the request URL and headers (with Shared Key authorization when configured). */
static void az_prepare(Azure *az, const AzReq *rq, StrBuf *url, struct curl_slist **out) {
    StrBuf path = STRBUF_INIT, line = STRBUF_INIT, sts = STRBUF_INIT;
    sb_appendf(&path, "%s/%s", az->base_path, az->container);
    if (rq->blob) {
        sb_putc(&path, '/');
        fs_uri_encode(&path, rq->blob, true);
    }
    sb_reset(url);
    sb_appendf(url, "%s/%s", az->base, az->container);
    if (rq->blob) {
        sb_putc(url, '/');
        fs_uri_encode(url, rq->blob, true);
    }
    for (int i = 0; i < rq->nquery; i++) {
        sb_putc(url, i ? '&' : '?');
        fs_uri_encode(url, rq->query[2 * i], false);
        sb_putc(url, '=');
        fs_uri_encode(url, rq->query[2 * i + 1], false);
    }
    if (az->sas) {
        sb_putc(url, rq->nquery ? '&' : '?');
        sb_append(url, az->sas);
    }
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    struct curl_slist *h = NULL;
    sb_appendf(&line, "x-ms-date: %s", date);
    h = curl_slist_append(h, sb_str(&line));
    h = curl_slist_append(h, "x-ms-version: " AZ_VERSION);
    const char *md5 = "", *ctype = "", *range = "";
    for (int i = 0; i < rq->nheaders; i++) {
        sb_reset(&line);
        sb_appendf(&line, "%s: %s", rq->headers[2 * i], rq->headers[2 * i + 1]);
        h = curl_slist_append(h, sb_str(&line));
        if (strcasecmp(rq->headers[2 * i], "Content-MD5") == 0) md5 = rq->headers[2 * i + 1];
        if (strcasecmp(rq->headers[2 * i], "Content-Type") == 0) ctype = rq->headers[2 * i + 1];
        if (strcasecmp(rq->headers[2 * i], "Range") == 0) range = rq->headers[2 * i + 1];
    }
    if (az->key_len) {
        char len[32] = "";
        if (rq->body_len) snprintf(len, sizeof len, "%zu", rq->body_len);
        sb_appendf(&sts, "%s\n\n\n%s\n%s\n%s\n\n\n\n\n\n%s\n", rq->method, len, md5, ctype, range);
        /* canonicalized x-ms-* headers, sorted */
        const char *ms[2 * 16 + 4];
        int nms = 0;
        ms[nms++] = "x-ms-date";
        ms[nms++] = date;
        ms[nms++] = "x-ms-version";
        ms[nms++] = AZ_VERSION;
        for (int i = 0; i < rq->nheaders && nms < 34; i++)
            if (strncasecmp(rq->headers[2 * i], "x-ms-", 5) == 0) {
                ms[nms++] = rq->headers[2 * i];
                ms[nms++] = rq->headers[2 * i + 1];
            }
        qsort(ms, (size_t)nms / 2, 2 * sizeof *ms, param_cmp);
        for (int i = 0; i < nms; i += 2)
            sb_appendf(&sts, "%s:%s\n", ms[i], ms[i + 1]);
        sb_appendf(&sts, "/%s%s", az->account, sb_str(&path));
        if (rq->nquery) {
            /* query parameters sorted by name, one "\nname:value" line each */
            const char **qs = calloc((size_t)(2 * rq->nquery), sizeof *qs);
            memcpy(qs, rq->query, sizeof *qs * (size_t)(2 * rq->nquery));
            qsort(qs, (size_t)rq->nquery, 2 * sizeof *qs, param_cmp);
            for (int i = 0; i < rq->nquery; i++)
                sb_appendf(&sts, "\n%s:%s", qs[2 * i], qs[2 * i + 1]);
            free(qs);
        }
        unsigned char mac[32];
        unsigned int ml = 32;
        HMAC(EVP_sha256(), az->key, az->key_len, (const unsigned char *)sts.data, sts.len, mac,
             &ml);
        char sig[64];
        b64(mac, 32, sig);
        sb_reset(&line);
        sb_appendf(&line, "Authorization: SharedKey %s:%s", az->account, sig);
        h = curl_slist_append(h, sb_str(&line));
    }
    *out = h;
    sb_free(&path);
    sb_free(&line);
    sb_free(&sts);
}

static Status az_error(const Azure *az, const AzReq *rq, const HttpResponse *resp, Error *err) {
    StrBuf code = STRBUF_INIT, msg = STRBUF_INIT;
    const char *b = resp->body.data ? resp->body.data : "";
    if (!xml_text(b, resp->body.len, "Code", &code)) {
        char v[128];
        if (http_response_header(resp, "x-ms-error-code", v, sizeof v)) sb_append(&code, v);
    }
    xml_text(b, resp->body.len, "Message", &msg);
    /* Azure appends "\nRequestId:...\nTime:..." to messages: keep the first line. */
    char *nl = strchr(msg.data ? msg.data : "", '\n');
    if (nl) *nl = '\0';
    long s = resp->status;
    const char *c = sb_str(&code);
    ErrCode ec = ERR_FS;
    char hint[300] = "";
    if (s >= 500 || s == 429 || strcmp(c, "ServerBusy") == 0 ||
        strcmp(c, "OperationTimedOut") == 0) {
        ec = ERR_FS_TRANSIENT;
    } else if (strcmp(c, "ContainerNotFound") == 0) {
        ec = ERR_FS_NOT_FOUND;
        snprintf(hint, sizeof hint, "container '%s' does not exist: check the location",
                 az->container);
    } else if (s == 404) {
        ec = ERR_FS_NOT_FOUND;
    } else if (s == 401 || s == 403) {
        ec = ERR_FS_AUTH;
        snprintf(hint, sizeof hint, "%s",
                 az->key_len ? "check azure.blob.shared_key and the account name in the location"
                             : "check azure.blob.sas_token: its permissions, services and expiry");
    }
    err_set(err, ec, "cannot %s %s/%s: HTTP %ld%s%s%s%s%s%s%s", rq->op, az->display,
            rq->blob ? rq->blob : "", s, code.len ? " " : "", c, msg.len ? ": " : "", sb_str(&msg),
            *hint ? " (" : "", hint, *hint ? ")" : "");
    sb_free(&code);
    sb_free(&msg);
    return STATUS_ERROR;
}

typedef struct AzCall {
    Azure *az;
    const AzReq *rq;
    HttpResponse *resp;
} AzCall;

static Status az_attempt(void *ctx, Error *err) {
    AzCall *c = ctx;
    StrBuf url = STRBUF_INIT;
    struct curl_slist *h = NULL;
    az_prepare(c->az, c->rq, &url, &h);
    HttpRequest req = {c->rq->method, sb_str(&url), h, c->rq->body, c->rq->body_len, false};
    Status st = http_perform(c->az->pool, &req, c->resp, err);
    if (st)
        err_prefix(err, "cannot %s %s/%s: ", c->rq->op, c->az->display,
                   c->rq->blob ? c->rq->blob : "");
    else if ((c->resp->status < 200 || c->resp->status >= 300) &&
             !(c->rq->ok404 && c->resp->status == 404))
        st = az_error(c->az, c->rq, c->resp, err);
    curl_slist_free_all(h);
    sb_free(&url);
    return st;
}

static Status az_call(Azure *az, const AzReq *rq, HttpResponse *resp, Error *err) {
    AzCall c = {az, rq, resp};
    return fs_retry_run(&az->retry, az_attempt, &c, err);
}

/* Reader: one streaming Get Blob, resumed by range after transient failures. */

typedef struct AzReader {
    FsReader base;
    Azure *az;
    char *blob;
    HttpReadPos rp; /* rp.pos: absolute offset of the next byte */
    int64_t end;
    HttpStream *stream;
    HttpResponse head;
} AzReader;

static Status az_open_attempt(void *ctx, Error *err) {
    AzReader *r = ctx;
    http_stream_close(r->stream);
    r->stream = NULL;
    char range[64];
    const char *hdrs[2];
    int nh = 0;
    if (r->rp.pos > 0 || r->end >= 0) {
        if (r->end >= 0)
            snprintf(range, sizeof range, "bytes=%lld-%lld", (long long)r->rp.pos,
                     (long long)r->end - 1);
        else
            snprintf(range, sizeof range, "bytes=%lld-", (long long)r->rp.pos);
        hdrs[0] = "x-ms-range";
        hdrs[1] = range;
        nh = 1;
    }
    AzReq rq = {"read", "GET", r->blob, NULL, 0, hdrs, nh, NULL, 0, false};
    StrBuf url = STRBUF_INIT;
    struct curl_slist *h = NULL;
    az_prepare(r->az, &rq, &url, &h);
    HttpRequest req = {"GET", sb_str(&url), h, NULL, 0, false};
    Status st = http_stream_open(r->az->pool, &req, &r->stream, &r->head, err);
    if (st)
        err_prefix(err, "cannot read %s/%s: ", r->az->display, r->blob);
    else if (r->head.status == 416)
        r->rp.eof = true;
    else if (r->head.status != 200 && r->head.status != 206)
        st = az_error(r->az, &rq, &r->head, err);
    curl_slist_free_all(h);
    sb_free(&url);
    return st;
}

static Status az_read(FsReader *fr, void *buf, size_t cap, size_t *got, Error *err) {
    AzReader *r = (AzReader *)fr;
    return http_read_resuming(&r->stream, &r->rp, &r->az->retry, az_open_attempt, r, r->az->display, "/", r->blob,
                              buf, cap, got, err);
}

static void az_reader_close(FsReader *fr) {
    AzReader *r = (AzReader *)fr;
    http_stream_close(r->stream);
    http_response_free(&r->head);
    free(r->blob);
    free(r);
}

static const FsReaderVt az_reader_vt = {az_read, az_reader_close, NULL};

static Status az_open_read(Fs *fs, const char *path, int64_t offset, int64_t length, FsReader **out,
                           Error *err) {
    Azure *az = fs->impl;
    AzReader *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->base.vt = &az_reader_vt;
    r->base.fs = fs;
    r->az = az;
    r->blob = fs_path_join(az->prefix, path);
    r->rp.pos = offset;
    r->end = length >= 0 ? offset + length : -1;
    http_response_init(&r->head);
    if (length == 0)
        r->rp.eof = true;
    else if (fs_retry_run(&az->retry, az_open_attempt, r, err)) {
        az_reader_close(&r->base);
        return STATUS_ERROR;
    }
    *out = &r->base;
    return STATUS_OK;
}

/* Writer: one block in memory; staged blocks upload on threads, `parallel` at a time. */

typedef struct AzWriter AzWriter;

typedef struct Block {
    AzWriter *w;
    size_t index;
    char id[64];
    char *data;
    size_t len;
    pthread_t thread;
    bool started, joined;
    Status st;
    Error err;
} Block;

struct AzWriter {
    FsWriter base;
    Azure *az;
    char *blob;
    char *buf;
    size_t len, cap;
    VEC(Block *) blocks;
    size_t next_join;
};

static void md5_b64(const void *p, size_t n, char out[32]) {
    unsigned char d[16];
    unsigned int dl = 16;
    EVP_Digest(p, n, d, &dl, EVP_md5(), NULL);
    b64(d, 16, out);
}

static void *block_thread(void *arg) {
    Block *b = arg;
    char md5[32];
    md5_b64(b->data, b->len, md5);
    const char *q[] = {"comp", "block", "blockid", b->id};
    const char *h[] = {"Content-MD5", md5};
    AzReq rq = {"write", "PUT", b->w->blob, q, 2, h, 1, b->data, b->len, false};
    HttpResponse resp;
    http_response_init(&resp);
    b->st = az_call(b->w->az, &rq, &resp, &b->err);
    if (b->st) err_prefix(&b->err, "block %zu: ", b->index);
    http_response_free(&resp);
    free(b->data);
    b->data = NULL;
    return NULL;
}

static Status join_blocks(AzWriter *w, size_t keep, Error *err) {
    Status st = STATUS_OK;
    while (w->blocks.len - w->next_join > keep) {
        Block *b = w->blocks.items[w->next_join++];
        if (b->started && !b->joined) pthread_join(b->thread, NULL);
        b->joined = true;
        if (b->st && st == STATUS_OK) st = err_copy(err, &b->err);
    }
    return st;
}

static Status send_block(AzWriter *w, Error *err) {
    if (join_blocks(w, (size_t)w->az->parallel - 1, err)) return STATUS_ERROR;
    Block *b = calloc(1, sizeof *b);
    if (!b) abort();
    b->w = w;
    b->index = w->blocks.len;
    char raw[32];
    /* Block ids must all have the same length within a blob. */
    snprintf(raw, sizeof raw, "cairn-block-%08zu", w->blocks.len);
    b64((const uint8_t *)raw, strlen(raw), b->id);
    b->data = w->buf;
    b->len = w->len;
    vec_push(&w->blocks, b);
    w->buf = malloc(w->cap);
    w->len = 0;
    if (!w->buf) return err_set(err, ERR_OUT_OF_MEMORY, "out of memory for an Azure block");
    if (pthread_create(&b->thread, NULL, block_thread, b) != 0) {
        block_thread(b);
        b->joined = true;
        return b->st ? err_copy(err, &b->err) : STATUS_OK;
    }
    b->started = true;
    return STATUS_OK;
}

static Status az_write(FsWriter *fw, const void *data, size_t n, Error *err) {
    AzWriter *w = (AzWriter *)fw;
    const char *p = data;
    while (n > 0) {
        if (w->len == w->cap && send_block(w, err)) return STATUS_ERROR;
        size_t k = w->cap - w->len < n ? w->cap - w->len : n;
        memcpy(w->buf + w->len, p, k);
        w->len += k;
        p += k;
        n -= k;
    }
    return STATUS_OK;
}

static void az_writer_free(AzWriter *w) {
    Error ignore = ERROR_INIT;
    (void)join_blocks(w, 0, &ignore);
    for (size_t i = 0; i < w->blocks.len; i++) {
        free(w->blocks.items[i]->data);
        free(w->blocks.items[i]);
    }
    vec_free(&w->blocks);
    free(w->buf);
    free(w->blob);
    free(w);
}

static Status az_commit(FsWriter *fw, Error *err) {
    AzWriter *w = (AzWriter *)fw;
    Status st;
    HttpResponse resp;
    http_response_init(&resp);
    if (w->blocks.len == 0) {
        char md5[32];
        md5_b64(w->buf, w->len, md5);
        const char *h[] = {"x-ms-blob-type", "BlockBlob", "Content-MD5", md5};
        AzReq rq = {"write", "PUT", w->blob, NULL, 0, h, 2, w->buf, w->len, false};
        st = az_call(w->az, &rq, &resp, err);
    } else {
        st = STATUS_OK;
        if (w->len > 0) st = send_block(w, err);
        if (st == STATUS_OK) st = join_blocks(w, 0, err);
        if (st == STATUS_OK) {
            StrBuf body = STRBUF_INIT;
            sb_append(&body, "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
            for (size_t i = 0; i < w->blocks.len; i++)
                sb_appendf(&body, "<Latest>%s</Latest>", w->blocks.items[i]->id);
            sb_append(&body, "</BlockList>");
            const char *q[] = {"comp", "blocklist"};
            const char *h[] = {"Content-Type", "application/xml"};
            AzReq rq = {
                "commit the blocks of", "PUT", w->blob, q, 1, h, 1, body.data, body.len, false};
            st = az_call(w->az, &rq, &resp, err);
            sb_free(&body);
        }
    }
    http_response_free(&resp);
    az_writer_free(w);
    return st;
}

static void az_abort(FsWriter *fw) {
    /* Uncommitted blocks are invisible and Azure garbage-collects them. */
    az_writer_free((AzWriter *)fw);
}

static const FsWriterVt az_writer_vt = {az_write, az_commit, az_abort, NULL};

static Status az_open_write(Fs *fs, const char *path, FsWriter **out, Error *err) {
    Azure *az = fs->impl;
    AzWriter *w = calloc(1, sizeof *w);
    if (!w) abort();
    w->base.vt = &az_writer_vt;
    w->base.fs = fs;
    w->az = az;
    w->blob = fs_path_join(az->prefix, path);
    w->cap = (size_t)az->block_size;
    w->buf = malloc(w->cap);
    if (!w->buf) {
        free(w->blob);
        free(w);
        return err_set(err, ERR_OUT_OF_MEMORY, "out of memory for an Azure block");
    }
    *out = &w->base;
    return STATUS_OK;
}

/* Metadata. */

typedef Status (*AzPageFn)(void *ctx, const char *name, bool is_prefix, int64_t size, int64_t mtime,
                           Error *err);

static Status az_list_names(Azure *az, const char *prefix, bool delimit, int max, AzPageFn fn,
                            void *ctx, Error *err) {
    HttpResponse resp;
    http_response_init(&resp);
    StrBuf marker = STRBUF_INIT, name = STRBUF_INIT, text = STRBUF_INIT;
    char mr[16];
    snprintf(mr, sizeof mr, "%d", max > 0 ? max : az->list_max);
    Status st = STATUS_OK;
    bool more = true;
    while (st == STATUS_OK && more) {
        const char *q[12];
        int n = 0;
        q[2 * n] = "restype", q[2 * n + 1] = "container", n++;
        q[2 * n] = "comp", q[2 * n + 1] = "list", n++;
        q[2 * n] = "prefix", q[2 * n + 1] = prefix, n++;
        q[2 * n] = "maxresults", q[2 * n + 1] = mr, n++;
        if (delimit) q[2 * n] = "delimiter", q[2 * n + 1] = "/", n++;
        if (marker.len) q[2 * n] = "marker", q[2 * n + 1] = sb_str(&marker), n++;
        AzReq rq = {"list", "GET", NULL, q, n, NULL, 0, NULL, 0, false};
        if ((st = az_call(az, &rq, &resp, err))) break;
        const char *b = resp.body.data ? resp.body.data : "", *end = b + resp.body.len, *cur = b,
                   *body;
        size_t len;
        while (st == STATUS_OK && xml_next(&cur, end, "Blob", &body, &len)) {
            int64_t size = 0, mtime = 0;
            if (!xml_text(body, len, "Name", &name)) continue;
            if (xml_text(body, len, "Content-Length", &text)) str_to_int64(sb_str(&text), &size);
            if (xml_text(body, len, "Last-Modified", &text))
                mtime = fs_parse_time_ms(sb_str(&text));
            st = fn(ctx, sb_str(&name), false, size, mtime, err);
        }
        cur = b;
        while (st == STATUS_OK && xml_next(&cur, end, "BlobPrefix", &body, &len)) {
            if (!xml_text(body, len, "Name", &name)) continue;
            st = fn(ctx, sb_str(&name), true, 0, 0, err);
        }
        more = max <= 0 && xml_text(b, resp.body.len, "NextMarker", &marker) && marker.len > 0;
    }
    http_response_free(&resp);
    sb_free(&marker);
    sb_free(&name);
    sb_free(&text);
    return st;
}

typedef struct AzListCtx {
    size_t strip;
    FsListFn fn;
    void *ctx;
} AzListCtx;

static Status az_list_cb(void *ctx, const char *name, bool is_prefix, int64_t size, int64_t mtime,
                         Error *err) {
    AzListCtx *lc = ctx;
    if (strlen(name) <= lc->strip) return STATUS_OK;
    char *rel = strdup(name + lc->strip);
    size_t rl = strlen(rel);
    if (is_prefix && rel[rl - 1] == '/') rel[rl - 1] = '\0';
    Status st = STATUS_OK;
    if (*rel) {
        FsEntry e = {rel, is_prefix, size, mtime};
        st = lc->fn(lc->ctx, &e, err);
    }
    free(rel);
    return st;
}

static char *az_dir_prefix(const Azure *az, const char *dir) {
    char *k = fs_path_join(az->prefix, dir);
    if (!*k) return k;
    StrBuf sb = STRBUF_INIT;
    sb_appendf(&sb, "%s/", k);
    free(k);
    return sb_detach(&sb);
}

static Status az_list(Fs *fs, const char *dir, bool recursive, FsListFn fn, void *ctx, Error *err) {
    Azure *az = fs->impl;
    char *pfx = az_dir_prefix(az, dir);
    AzListCtx lc = {strlen(pfx), fn, ctx};
    Status st = az_list_names(az, pfx, !recursive, 0, az_list_cb, &lc, err);
    free(pfx);
    return st;
}

static Status az_count_cb(void *ctx, const char *name, bool is_prefix, int64_t size, int64_t mtime,
                          Error *err) {
    (*(int *)ctx)++;
    return STATUS_OK;
}

static Status az_stat(Fs *fs, const char *path, FsStat *st, Error *err) {
    Azure *az = fs->impl;
    if (*path) {
        char *blob = fs_path_join(az->prefix, path);
        AzReq rq = {"stat", "HEAD", blob, NULL, 0, NULL, 0, NULL, 0, true};
        HttpResponse resp;
        http_response_init(&resp);
        Status rc = az_call(az, &rq, &resp, err);
        if (rc == STATUS_OK && resp.status == 200) {
            http_response_to_stat(&resp, st);
        }
        http_response_free(&resp);
        free(blob);
        if (rc || st->exists) return rc;
    }
    char *pfx = az_dir_prefix(az, path);
    int n = 0;
    Status rc = az_list_names(az, pfx, true, 1, az_count_cb, &n, err);
    free(pfx);
    if (rc == STATUS_OK && (n > 0 || !*path)) st->exists = st->is_dir = true;
    return rc;
}

static Status az_remove(Fs *fs, const char *path, Error *err) {
    Azure *az = fs->impl;
    char *blob = fs_path_join(az->prefix, path);
    AzReq rq = {"delete", "DELETE", blob, NULL, 0, NULL, 0, NULL, 0, true};
    HttpResponse resp;
    http_response_init(&resp);
    Status st = az_call(az, &rq, &resp, err);
    http_response_free(&resp);
    free(blob);
    return st;
}

static void az_free(Fs *fs) {
    Azure *az = fs->impl;
    if (!az) return;
    http_pool_free(az->pool);
    OPENSSL_cleanse(az->key, sizeof az->key);
    if (az->sas) OPENSSL_cleanse(az->sas, strlen(az->sas));
    free(az->sas);
    free(az->display);
    free(az->account);
    free(az->container);
    free(az->prefix);
    free(az->base);
    free(az->base_path);
    free(az);
}

static void az_describe(const Fs *fs, StrBuf *out) {
    const Azure *az = fs->impl;
    sb_appendf(out, "%s/%s", az->base, az->container);
    if (*az->prefix) sb_appendf(out, "/%s", az->prefix);
    sb_appendf(out, " (account %s, credentials: %s)", az->account,
               az->key_len ? "shared key"
               : az->sas   ? "SAS token"
                           : "none");
}

static const FsDriverVt az_vt = {"azure",   az_open_read, az_open_write, az_stat,    az_list,
                                 az_remove, NULL,         az_free,       az_describe};

Status fs_azure_open(Fs *fs, const char *location, const FsProp *props, int nprops, Error *err) {
    const char *sep = strstr(location, "://");
    char scheme[8];
    snprintf(scheme, sizeof scheme, "%.*s", (int)(sep - location), location);
    for (char *p = scheme; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    const char *rest = sep + 3;
    const char *at = strchr(rest, '@');
    const char *slash = strchr(rest, '/');
    if (!at || (slash && at > slash) || at == rest)
        return err_set(
            err, ERR_INVALID_ARGUMENT,
            "location '%s' must look like %s://<container>@<account>.blob.core.windows.net/<path>",
            location, scheme);
    const char *host = at + 1;
    size_t hl = strcspn(host, "/");
    size_t al = strcspn(host, ".");
    if (al == 0 || al > hl)
        return err_set(err, ERR_INVALID_ARGUMENT,
                       "location '%s' names no storage account after '@'", location);
    Azure *az = calloc(1, sizeof *az);
    if (!az) abort();
    fs->impl = az;
    fs->vt = &az_vt;
    az->retry = fs->retry;
    az->container = strndup(rest, (size_t)(at - rest));
    az->account = strndup(host, al);
    const char *pfx = host + hl;
    while (*pfx == '/')
        pfx++;
    az->prefix = strdup(pfx);
    size_t pl = strlen(az->prefix);
    while (pl && az->prefix[pl - 1] == '/')
        az->prefix[--pl] = '\0';
    StrBuf d = STRBUF_INIT;
    sb_appendf(&d, "%s://%s@%.*s", scheme, az->container, (int)hl, host);
    if (*az->prefix) sb_appendf(&d, "/%s", az->prefix);
    az->display = sb_detach(&d);

    const char *ep = fs_prop_get(props, nprops, "azure.blob.endpoint");
    StrBuf base = STRBUF_INIT;
    if (ep && *ep) {
        sb_append(&base, ep);
        while (base.len && base.data[base.len - 1] == '/')
            base.data[--base.len] = '\0';
        if (!str_has_iprefix(ep, "http://") && !str_has_iprefix(ep, "https://")) {
            StrBuf b2 = STRBUF_INIT;
            sb_appendf(&b2, "https://%s", sb_str(&base));
            sb_free(&base);
            base = b2;
        }
    } else {
        bool tls = strcmp(scheme, "wasbs") == 0 || strcmp(scheme, "abfss") == 0;
        sb_appendf(&base, "%s://%s.blob.core.windows.net", tls ? "https" : "http", az->account);
    }
    az->base = sb_detach(&base);
    const char *bp = strstr(az->base, "://") + 3;
    bp += strcspn(bp, "/");
    az->base_path = strdup(bp);

    const char *key = fs_prop_get(props, nprops, "azure.blob.shared_key");
    const char *sas = fs_prop_get(props, nprops, "azure.blob.sas_token");
    if (key && *key) {
        unsigned char tmp[128];
        size_t kl = strlen(key);
        if (kl > 88) kl = 88;
        int n = EVP_DecodeBlock(tmp, (const unsigned char *)key, (int)kl);
        while (n > 0 && kl > 0 && key[kl - 1] == '=')
            n--, kl--;
        if (n <= 0 || n > 64) {
            err_set(err, ERR_INVALID_ARGUMENT,
                    "property 'azure.blob.shared_key' is not a base64 account key");
            goto fail;
        }
        memcpy(az->key, tmp, (size_t)n);
        az->key_len = n;
        OPENSSL_cleanse(tmp, sizeof tmp);
    } else if (sas && *sas) {
        az->sas = strdup(sas[0] == '?' ? sas + 1 : sas);
    }
    int64_t block = 8 << 20, par = 4, lm = 5000;
    if (fs_prop_int(props, nprops, "azure.blob.block_size", 1 << 20, 4000ll << 20, &block, err) ||
        fs_prop_int(props, nprops, "azure.blob.upload_parallel", 1, 64, &par, err) ||
        fs_prop_int(props, nprops, "azure.blob.list_max_results", 1, 5000, &lm, err))
        goto fail;
    az->block_size = block;
    az->parallel = (int)par;
    az->list_max = (int)lm;
    HttpConfig hc;
    if (http_config_from_props(&hc, props, nprops, err)) goto fail;
    az->pool = http_pool_new(&hc);
    return STATUS_OK;
fail:
    az_free(fs);
    fs->impl = NULL;
    fs->vt = NULL;
    return STATUS_ERROR;
}
