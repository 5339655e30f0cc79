/* S3 object streams. Reads are one streaming GET, resumed with a Range request from the current
 * offset after a transient failure. Writes gather one part in memory: a file that fits in one part
 * is a single PUT at commit; a larger one becomes a multipart upload whose parts go up on worker
 * threads, `parallel` at a time, each retried on its own. Nothing is visible before
 * CompleteMultipartUpload; abort discards the upload. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/s3/s3_internal.h"
#include "fs/xml.h"
#include "util/vec.h"

/* Reader. */

typedef struct S3Reader {
    FsReader base;
    S3 *s3;
    char *key;
    HttpReadPos rp; /* rp.pos: absolute offset of the next byte */
    int64_t end;    /* exclusive end, or -1 for the end of the object */
    HttpStream *stream;
    HttpResponse head;
} S3Reader;

typedef struct OpenCtx {
    S3Reader *r;
} OpenCtx;

static Status reader_open_attempt(void *ctx, Error *err) {
    S3Reader *r = ((OpenCtx *)ctx)->r;
    http_stream_close(r->stream);
    r->stream = NULL;
    char range[64];
    SigV4Header extra[1];
    int nextra = 0;
    if (r->rp.pos > 0 || r->end >= 0) {
        if (r->end >= 0)
            snprintf(range, sizeof range, "bytes=%lld-%lld", (long long)r->rp.pos,
                     (long long)r->end - 1);
        else
            snprintf(range, sizeof range, "bytes=%lld-", (long long)r->rp.pos);
        extra[nextra++] = (SigV4Header){"range", range};
    }
    S3Req rq = {"read", "GET", r->key, NULL, 0, extra, nextra, NULL, 0};
    StrBuf url = STRBUF_INIT;
    struct curl_slist *h = NULL;
    Status st = s3_prepare(r->s3, &rq, &url, &h, err);
    if (st == STATUS_OK) {
        HttpRequest req = {"GET", sb_str(&url), h, NULL, 0, false};
        st = http_stream_open(r->s3->pool, &req, &r->stream, &r->head, err);
        if (st) {
            err_prefix(err, "cannot read %s/%s: ", r->s3->display, r->key);
        } else if (r->head.status == 416) {
            r->rp.eof = true; /* reading at or past the end */
        } else if (r->head.status != 200 && r->head.status != 206) {
            st = s3_error(r->s3, &rq, &r->head, err);
        } else if (nextra && r->head.status == 200 && r->rp.pos > 0) {
            st = err_set(err, ERR_FS, "cannot read %s/%s: the endpoint ignored the Range header",
                         r->s3->display, r->key);
        }
    }
    curl_slist_free_all(h);
    sb_free(&url);
    return st;
}

static Status s3_read(FsReader *fr, void *buf, size_t cap, size_t *got, Error *err) {
    S3Reader *r = (S3Reader *)fr;
    OpenCtx oc = {r};
    return http_read_resuming(&r->stream, &r->rp, &r->s3->retry, reader_open_attempt, &oc, r->s3->display, "/", r->key,
                              buf, cap, got, err);
}

static void s3_reader_close(FsReader *fr) {
    S3Reader *r = (S3Reader *)fr;
    http_stream_close(r->stream);
    http_response_free(&r->head);
    free(r->key);
    free(r);
}

static const FsReaderVt s3_reader_vt = {s3_read, s3_reader_close, NULL};

Status s3_open_read(Fs *fs, const char *path, int64_t offset, int64_t length, FsReader **out,
                    Error *err) {
    S3Reader *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->base.vt = &s3_reader_vt;
    r->base.fs = fs;
    r->s3 = fs->impl;
    r->key = s3_key(r->s3, path);
    r->rp.pos = offset;
    r->end = length >= 0 ? offset + length : -1;
    http_response_init(&r->head);
    if (length == 0) {
        r->rp.eof = true;
    } else {
        OpenCtx oc = {r};
        if (fs_retry_run(&r->s3->retry, reader_open_attempt, &oc, err)) {
            s3_reader_close(&r->base);
            return STATUS_ERROR;
        }
    }
    *out = &r->base;
    return STATUS_OK;
}

/* Writer. */

typedef struct S3Writer S3Writer;

typedef struct Part {
    S3Writer *w;
    int number;
    char *data;
    size_t len;
    char etag[256];
    pthread_t thread;
    bool started, joined;
    Status st;
    Error err;
} Part;

struct S3Writer {
    FsWriter base;
    S3 *s3;
    char *key;
    char *buf;
    size_t len, cap;
    char *upload_id;
    VEC(Part *) parts;
    size_t next_join; /* parts before this index are joined */
};

static void *part_thread(void *arg) {
    Part *p = arg;
    char num[16];
    snprintf(num, sizeof num, "%d", p->number);
    SigV4Param q[] = {{"partNumber", num}, {"uploadId", p->w->upload_id}};
    S3Req rq = {"write", "PUT", p->w->key, q, 2, NULL, 0, p->data, p->len};
    HttpResponse resp;
    http_response_init(&resp);
    p->st = s3_call(p->w->s3, &rq, &resp, &p->err);
    if (p->st == STATUS_OK && !http_response_header(&resp, "ETag", p->etag, sizeof p->etag))
        p->st = err_set(&p->err, ERR_FS, "cannot write %s/%s: part %d was accepted without an ETag",
                        p->w->s3->display, p->w->key, p->number);
    if (p->st) err_prefix(&p->err, "part %d: ", p->number);
    http_response_free(&resp);
    free(p->data);
    p->data = NULL;
    return NULL;
}

/* Joins parts until at most `keep` are still running; returns the first failure among those joined.
 */
static Status join_parts(S3Writer *w, size_t keep, Error *err) {
    Status st = STATUS_OK;
    while (w->parts.len - w->next_join > keep) {
        Part *p = w->parts.items[w->next_join++];
        if (p->started && !p->joined) pthread_join(p->thread, NULL);
        p->joined = true;
        if (p->st && st == STATUS_OK) st = err_copy(err, &p->err);
    }
    return st;
}

static Status initiate(S3Writer *w, Error *err) {
    SigV4Param q[] = {{"uploads", NULL}};
    S3Req rq = {"start a multipart upload of", "POST", w->key, q, 1, NULL, 0, NULL, 0};
    HttpResponse resp;
    http_response_init(&resp);
    Status st = s3_call(w->s3, &rq, &resp, err);
    StrBuf id = STRBUF_INIT;
    if (st == STATUS_OK &&
        !xml_text(resp.body.data ? resp.body.data : "", resp.body.len, "UploadId", &id))
        st = err_set(err, ERR_FS, "cannot write %s/%s: the multipart upload answer has no UploadId",
                     w->s3->display, w->key);
    if (st == STATUS_OK) w->upload_id = sb_detach(&id);
    sb_free(&id);
    http_response_free(&resp);
    return st;
}

/* Part sizes double every 1000 parts so a file of any size fits S3's 10000-part limit. */
static size_t part_cap(const S3Writer *w) {
    int shift = (int)(w->parts.len / 1000);
    int64_t c = w->s3->part_size << shift;
    return (size_t)(c > ((int64_t)5 << 30) ? ((int64_t)5 << 30) : c);
}

static Status send_part(S3Writer *w, Error *err) {
    if (!w->upload_id && initiate(w, err)) return STATUS_ERROR;
    if (join_parts(w, (size_t)w->s3->parallel - 1, err)) return STATUS_ERROR;
    Part *p = calloc(1, sizeof *p);
    if (!p) abort();
    p->w = w;
    p->number = (int)w->parts.len + 1;
    p->data = w->buf;
    p->len = w->len;
    vec_push(&w->parts, p);
    w->cap = part_cap(w);
    w->buf = malloc(w->cap);
    w->len = 0;
    if (!w->buf)
        return err_set(err, ERR_OUT_OF_MEMORY, "out of memory for an S3 part of %zu bytes", w->cap);
    if (pthread_create(&p->thread, NULL, part_thread, p) != 0) {
        part_thread(p); /* no thread to be had: upload it here */
        p->joined = true;
        return p->st ? err_copy(err, &p->err) : STATUS_OK;
    }
    p->started = true;
    return STATUS_OK;
}

static Status s3_write(FsWriter *fw, const void *data, size_t n, Error *err) {
    S3Writer *w = (S3Writer *)fw;
    const char *p = data;
    while (n > 0) {
        if (w->len == w->cap && send_part(w, err)) return STATUS_ERROR;
        size_t k = w->cap - w->len < n ? w->cap - w->len : n;
        memcpy(w->buf + w->len, p, k);
        w->len += k;
        p += k;
        n -= k;
    }
    return STATUS_OK;
}

static void writer_free(S3Writer *w) {
    Error ignore = ERROR_INIT;
    (void)join_parts(w, 0, &ignore);
    for (size_t i = 0; i < w->parts.len; i++) {
        free(w->parts.items[i]->data);
        free(w->parts.items[i]);
    }
    vec_free(&w->parts);
    free(w->buf);
    free(w->key);
    free(w->upload_id);
    free(w);
}

static void abort_upload(S3Writer *w) {
    if (!w->upload_id) return;
    Error ignore = ERROR_INIT;
    (void)join_parts(w, 0, &ignore);
    SigV4Param q[] = {{"uploadId", w->upload_id}};
    S3Req rq = {"abort the multipart upload of", "DELETE", w->key, q, 1, NULL, 0, NULL, 0};
    HttpResponse resp;
    http_response_init(&resp);
    /* Best effort: some stores lack AbortMultipartUpload; an incomplete upload is never visible
     * anyway. */
    if (s3_call(w->s3, &rq, &resp, &ignore)) (void)0;
    http_response_free(&resp);
}

static Status complete(S3Writer *w, Error *err) {
    if ((w->len > 0 || w->parts.len == 0) && send_part(w, err)) return STATUS_ERROR;
    if (join_parts(w, 0, err)) return STATUS_ERROR;
    StrBuf body = STRBUF_INIT;
    sb_append(&body, "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    for (size_t i = 0; i < w->parts.len; i++) {
        sb_appendf(&body, "<Part><PartNumber>%d</PartNumber><ETag>", w->parts.items[i]->number);
        xml_escape(&body, w->parts.items[i]->etag);
        sb_append(&body, "</ETag></Part>");
    }
    sb_append(&body, "</CompleteMultipartUpload>");
    SigV4Param q[] = {{"uploadId", w->upload_id}};
    SigV4Header ct[] = {{"content-type", "application/xml"}};
    S3Req rq = {
        "complete the multipart upload of", "POST", w->key, q, 1, ct, 1, body.data, body.len};
    HttpResponse resp;
    http_response_init(&resp);
    Status st = s3_call(w->s3, &rq, &resp, err);
    /* S3 may answer 200 and still report an error in the body. */
    StrBuf code = STRBUF_INIT;
    if (st == STATUS_OK && resp.body.data && strstr(resp.body.data, "<Error>") &&
        xml_text(resp.body.data, resp.body.len, "Code", &code)) {
        resp.status = 500;
        st = s3_error(w->s3, &rq, &resp, err);
    }
    sb_free(&code);
    http_response_free(&resp);
    sb_free(&body);
    return st;
}

static Status s3_commit(FsWriter *fw, Error *err) {
    S3Writer *w = (S3Writer *)fw;
    Status st;
    if (!w->upload_id) {
        S3Req rq = {"write", "PUT", w->key, NULL, 0, NULL, 0, w->buf, w->len};
        HttpResponse resp;
        http_response_init(&resp);
        st = s3_call(w->s3, &rq, &resp, err);
        http_response_free(&resp);
    } else {
        st = complete(w, err);
        if (st) abort_upload(w);
    }
    writer_free(w);
    return st;
}

static void s3_abort(FsWriter *fw) {
    S3Writer *w = (S3Writer *)fw;
    abort_upload(w);
    writer_free(w);
}

static const FsWriterVt s3_writer_vt = {s3_write, s3_commit, s3_abort, NULL};

Status s3_open_write(Fs *fs, const char *path, FsWriter **out, Error *err) {
    S3Writer *w = calloc(1, sizeof *w);
    if (!w) abort();
    w->base.vt = &s3_writer_vt;
    w->base.fs = fs;
    w->s3 = fs->impl;
    w->key = s3_key(w->s3, path);
    w->cap = (size_t)w->s3->part_size;
    /* A part-sized buffer costs only the pages touched (malloc maps large blocks lazily), so small
     * files (manifests, info files) stay cheap. */
    w->buf = malloc(w->cap);
    if (!w->buf) {
        free(w->key);
        free(w);
        return err_set(err, ERR_OUT_OF_MEMORY, "out of memory for an S3 part of %zu bytes",
                       (size_t)((S3 *)fs->impl)->part_size);
    }
    *out = &w->base;
    return STATUS_OK;
}
