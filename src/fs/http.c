/* libcurl plumbing shared by the s3, azure and webhdfs drivers. Easy handles are pooled; one CURLSH
 * shares connections, DNS and TLS sessions between them under a mutex per data kind, which is what
 * makes a shared Fs cheap to use from many worker threads. */
#include "fs/http.h"
#include "fs/driver.h"
#include "fs/retry.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"
#include "util/vec.h"

#define WHOLE_BODY_MAX (8u << 20)

struct HttpPool {
    pthread_mutex_t mu; /* guards idle */
    VEC(CURL *) idle;
    CURLSH *share;
    pthread_mutex_t share_mu[CURL_LOCK_DATA_LAST];
    long connect_timeout_ms;
    long low_speed_time_s;
    bool insecure;
    char *ca_file;
    struct curl_slist *resolve;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void) {
    curl_global_init(CURL_GLOBAL_ALL);
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *ctx) {
    HttpPool *p = ctx;
    pthread_mutex_lock(&p->share_mu[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *ctx) {
    HttpPool *p = ctx;
    pthread_mutex_unlock(&p->share_mu[data]);
}

Status http_config_from_props(HttpConfig *cfg, const FsProp *props, int nprops, Error *err) {
    memset(cfg, 0, sizeof *cfg);
    cfg->connect_timeout_ms = 10000;
    cfg->low_speed_time_s = 60;
    const char *v;
    int64_t n;
    bool b;
    if ((v = fs_prop_get(props, nprops, "fs.http.connect_timeout_ms"))) {
        if (!str_to_int64(v, &n) || n < 1)
            return err_set(
                err, ERR_INVALID_ARGUMENT,
                "property 'fs.http.connect_timeout_ms' = '%s' must be a positive integer", v);
        cfg->connect_timeout_ms = (long)n;
    }
    if ((v = fs_prop_get(props, nprops, "fs.http.low_speed_time_s"))) {
        if (!str_to_int64(v, &n) || n < 1)
            return err_set(err, ERR_INVALID_ARGUMENT,
                           "property 'fs.http.low_speed_time_s' = '%s' must be a positive integer",
                           v);
        cfg->low_speed_time_s = (long)n;
    }
    if ((v = fs_prop_get(props, nprops, "fs.http.insecure_tls"))) {
        if (!str_to_bool(v, &b))
            return err_set(err, ERR_INVALID_ARGUMENT,
                           "property 'fs.http.insecure_tls' = '%s' must be true or false", v);
        cfg->insecure = b;
    }
    cfg->ca_file = fs_prop_get(props, nprops, "fs.http.ca_file");
    cfg->resolve = fs_prop_get(props, nprops, "fs.http.resolve");
    return STATUS_OK;
}

HttpPool *http_pool_new(const HttpConfig *cfg) {
    pthread_once(&curl_once, curl_init_once);
    HttpPool *p = calloc(1, sizeof *p);
    if (!p) abort();
    pthread_mutex_init(&p->mu, NULL);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&p->share_mu[i], NULL);
    p->share = curl_share_init();
    curl_share_setopt(p->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(p->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(p->share, CURLSHOPT_USERDATA, p);
    curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(p->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    p->connect_timeout_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 10000;
    p->low_speed_time_s = cfg->low_speed_time_s > 0 ? cfg->low_speed_time_s : 60;
    p->insecure = cfg->insecure;
    p->ca_file = cfg->ca_file ? strdup(cfg->ca_file) : NULL;
    if (cfg->resolve && *cfg->resolve) {
        char *dup = strdup(cfg->resolve), *save = NULL;
        for (char *tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
            p->resolve = curl_slist_append(p->resolve, tok);
        free(dup);
    }
    return p;
}

void http_pool_free(HttpPool *p) {
    if (!p) return;
    for (size_t i = 0; i < p->idle.len; i++)
        curl_easy_cleanup(p->idle.items[i]);
    vec_free(&p->idle);
    curl_share_cleanup(p->share);
    curl_slist_free_all(p->resolve);
    free(p->ca_file);
    pthread_mutex_destroy(&p->mu);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&p->share_mu[i]);
    free(p);
}

static CURL *pool_get(HttpPool *p) {
    CURL *e = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->idle.len) e = vec_pop(&p->idle);
    pthread_mutex_unlock(&p->mu);
    if (e)
        curl_easy_reset(e);
    else
        e = curl_easy_init();
    return e;
}

static void pool_put(HttpPool *p, CURL *e) {
    pthread_mutex_lock(&p->mu);
    if (p->idle.len < 64) {
        vec_push(&p->idle, e);
        e = NULL;
    }
    pthread_mutex_unlock(&p->mu);
    if (e) curl_easy_cleanup(e);
}

void http_response_init(HttpResponse *r) {
    memset(r, 0, sizeof *r);
}

void http_response_free(HttpResponse *r) {
    sb_free(&r->body);
    sb_free(&r->headers);
}

const char *http_response_header(const HttpResponse *r, const char *name, char *buf, size_t cap) {
    size_t nl = strlen(name);
    const char *p = sb_str(&r->headers);
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            const char *end = p + len;
            while (v < end && (*v == ' ' || *v == '\t'))
                v++;
            while (end > v && (end[-1] == '\r' || end[-1] == ' '))
                end--;
            size_t vl = (size_t)(end - v) < cap - 1 ? (size_t)(end - v) : cap - 1;
            memcpy(buf, v, vl);
            buf[vl] = '\0';
            return buf;
        }
        if (!eol) break;
        p = eol + 1;
    }
    return NULL;
}

const char *http_url_for_msg(const char *url, char *buf, size_t cap) {
    size_t n = strcspn(url, "?");
    if (n >= cap) n = cap - 1;
    memcpy(buf, url, n);
    buf[n] = '\0';
    return buf;
}

static size_t header_cb(char *data, size_t size, size_t nitems, void *ctx) {
    HttpResponse *r = ctx;
    size_t n = size * nitems;
    /* A new status line starts a new response (redirects, 100 Continue): keep only the last one's
     * headers. */
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) sb_reset(&r->headers);
    sb_appendn(&r->headers, data, n);
    return n;
}

typedef struct BodySink {
    StrBuf *sb;
    size_t max;
} BodySink;

static size_t body_cb(char *data, size_t size, size_t nitems, void *ctx) {
    BodySink *b = ctx;
    size_t n = size * nitems;
    if (b->sb->len + n <= b->max) sb_appendn(b->sb, data, n);
    return n;
}

typedef struct ReadSrc {
    const char *p;
    size_t left;
} ReadSrc;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ctx) {
    ReadSrc *s = ctx;
    size_t n = size * nitems < s->left ? size * nitems : s->left;
    memcpy(buf, s->p, n);
    s->p += n;
    s->left -= n;
    return n;
}

/* Common options; the returned list holds the caller's headers plus ours and must be freed by the
 * caller. */
static struct curl_slist *setup(HttpPool *p, CURL *e, const HttpRequest *req, HttpResponse *resp,
                                ReadSrc *src) {
    struct curl_slist *h = NULL;
    for (struct curl_slist *it = req->headers; it; it = it->next)
        h = curl_slist_append(h, it->data);
    h = curl_slist_append(
        h, "Expect:"); /* no 100-continue round trip (and no 1 s stall on servers that ignore it) */
    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_SHARE, p->share);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, p->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, p->low_speed_time_s);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, resp);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 256L * 1024);
    if (p->insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (p->ca_file) curl_easy_setopt(e, CURLOPT_CAINFO, p->ca_file);
    if (p->resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, p->resolve);
    if (req->follow_redirects) {
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
    }
    if (strcmp(req->method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (req->body) {
        src->p = req->body;
        src->left = req->body_len;
        curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
        curl_easy_setopt(e, CURLOPT_READDATA, src);
        curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->body_len);
        if (strcmp(req->method, "PUT") != 0)
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
    } else if (strcmp(req->method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
        if (strcmp(req->method, "PUT") == 0 || strcmp(req->method, "POST") == 0) {
            /* An empty body still needs Content-Length: 0 for S3/Azure/WebHDFS. */
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
        }
    }
    return h;
}

static Status transport_error(CURLcode rc, const char *errbuf, const HttpRequest *req, Error *err) {
    char u[1024];
    http_url_for_msg(req->url, u, sizeof u);
    const char *detail = errbuf && *errbuf ? errbuf : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
        return err_set(err, ERR_FS,
                       "cannot reach %s %s: TLS verification failed: %s (check the endpoint, or "
                       "fs.http.ca_file)",
                       req->method, u, detail);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return err_set(err, ERR_INVALID_ARGUMENT, "cannot reach %s %s: %s (check the endpoint)",
                       req->method, u, detail);
    case CURLE_COULDNT_RESOLVE_HOST:
        return err_set(err, ERR_FS_TRANSIENT,
                       "cannot reach %s %s: cannot resolve the host name (check the endpoint): %s",
                       req->method, u, detail);
    default:
        return err_set(err, ERR_FS_TRANSIENT, "cannot reach %s %s: %s", req->method, u, detail);
    }
}

Status http_perform(HttpPool *p, const HttpRequest *req, HttpResponse *resp, Error *err) {
    CURL *e = pool_get(p);
    sb_reset(&resp->body);
    sb_reset(&resp->headers);
    resp->status = 0;
    ReadSrc src = {0};
    struct curl_slist *h = setup(p, e, req, resp, &src);
    BodySink sink = {&resp->body, WHOLE_BODY_MAX};
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, body_cb);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(e);
    Status st = STATUS_OK;
    if (rc != CURLE_OK)
        st = transport_error(rc, errbuf, req, err);
    else
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(h);
    /* A handle whose transfer failed may hold a broken connection: do not pool it. */
    if (rc == CURLE_OK)
        pool_put(p, e);
    else
        curl_easy_cleanup(e);
    return st;
}

struct HttpStream {
    HttpPool *pool;
    CURL *e;
    CURLM *m;
    struct curl_slist *hdrs;
    HttpRequest req; /* url copied below */
    char *url;
    StrBuf buf;
    size_t pos;
    bool done;
    CURLcode result;
    char errbuf[CURL_ERROR_SIZE];
    HttpResponse *head;
    ReadSrc src;
};

static size_t stream_cb(char *data, size_t size, size_t nitems, void *ctx) {
    HttpStream *s = ctx;
    sb_appendn(&s->buf, data, size * nitems);
    return size * nitems;
}

/* Drives the transfer until new body bytes arrive or it ends. */
static void stream_pump(HttpStream *s) {
    while (!s->done && s->buf.len == s->pos) {
        int running = 0;
        curl_multi_perform(s->m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(s->m, &left)))
            if (msg->msg == CURLMSG_DONE) {
                s->done = true;
                s->result = msg->data.result;
            }
        if (s->done || s->buf.len > s->pos) break;
        curl_multi_poll(s->m, NULL, 0, 1000, NULL);
    }
}

Status http_stream_open(HttpPool *p, const HttpRequest *req, HttpStream **out, HttpResponse *head,
                        Error *err) {
    *out = NULL;
    HttpStream *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->pool = p;
    s->url = strdup(req->url);
    s->req = *req;
    s->req.url = s->url;
    s->req.headers = NULL;
    s->req.body = NULL;
    s->head = head;
    sb_reset(&head->body);
    sb_reset(&head->headers);
    head->status = 0;
    s->e = pool_get(p);
    s->hdrs = setup(p, s->e, req, head, &s->src);
    curl_easy_setopt(s->e, CURLOPT_WRITEFUNCTION, stream_cb);
    curl_easy_setopt(s->e, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(s->e, CURLOPT_ERRORBUFFER, s->errbuf);
    s->m = curl_multi_init();
    curl_multi_add_handle(s->m, s->e);
    stream_pump(s);
    if (s->done && s->result != CURLE_OK) {
        transport_error(s->result, s->errbuf, &s->req, err);
        http_stream_close(s);
        return STATUS_ERROR;
    }
    curl_easy_getinfo(s->e, CURLINFO_RESPONSE_CODE, &head->status);
    if (head->status >= 300) {
        /* Error bodies are small: gather them for the driver to interpret, then end the stream. */
        while (!s->done && s->buf.len < (1u << 20)) {
            s->pos = s->buf.len;
            stream_pump(s);
        }
        sb_appendn(&head->body, s->buf.data, s->buf.len);
        s->pos = s->buf.len;
        s->done = true;
    }
    *out = s;
    return STATUS_OK;
}

Status http_stream_read(HttpStream *s, void *buf, size_t cap, size_t *got, Error *err) {
    *got = 0;
    if (s->pos == s->buf.len) {
        sb_reset(&s->buf);
        s->pos = 0;
        stream_pump(s);
    }
    if (s->pos < s->buf.len) {
        size_t n = s->buf.len - s->pos < cap ? s->buf.len - s->pos : cap;
        memcpy(buf, s->buf.data + s->pos, n);
        s->pos += n;
        *got = n;
        return STATUS_OK;
    }
    if (s->done && s->result != CURLE_OK)
        return transport_error(s->result, s->errbuf, &s->req, err);
    return STATUS_OK;
}

void http_stream_close(HttpStream *s) {
    if (!s) return;
    curl_multi_remove_handle(s->m, s->e);
    curl_multi_cleanup(s->m);
    curl_easy_setopt(s->e, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(s->e, CURLOPT_HTTPHEADER, NULL);
    /* A stream closed early leaves its connection mid-body: only a cleanly finished one may be
     * reused. */
    if (s->done && s->result == CURLE_OK)
        pool_put(s->pool, s->e);
    else
        curl_easy_cleanup(s->e);
    curl_slist_free_all(s->hdrs);
    sb_free(&s->buf);
    free(s->url);
    free(s);
}

Status http_read_resuming(HttpStream **stream, HttpReadPos *rp, const FsRetryPolicy *retry,
                          Status (*reopen)(void *ctx, Error *err), void *reopen_ctx, const char *display,
                          const char *sep, const char *path, void *buf, size_t cap, size_t *got, Error *err) {
    for (;;) {
        if (rp->eof) {
            *got = 0;
            return STATUS_OK;
        }
        Error e = ERROR_INIT;
        if (http_stream_read(*stream, buf, cap, got, &e) == STATUS_OK) {
            if (*got == 0)
                rp->eof = true;
            else
                rp->pos += (int64_t)*got;
            return STATUS_OK;
        }
        /* The connection broke mid-object: pick up where it stopped, within the retry budget. */
        if (!err_is_retryable(&e) || ++rp->resumes >= retry->max_attempts) {
            err_copy(err, &e);
            return err_prefix(err, "cannot read %s%s%s at offset %lld: ", display, sep, path, (long long)rp->pos);
        }
        if (fs_retry_run(retry, reopen, reopen_ctx, err)) return STATUS_ERROR;
    }
}

void http_response_to_stat(const HttpResponse *resp, FsStat *st) {
    char v[128];
    st->exists = true;
    if (http_response_header(resp, "Content-Length", v, sizeof v)) str_to_int64(v, &st->size);
    if (http_response_header(resp, "Last-Modified", v, sizeof v)) st->mtime_ms = fs_parse_time_ms(v);
}
