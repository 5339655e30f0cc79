/* The S3 driver: AWS S3 and the S3-compatible stores (GCS XML API with HMAC keys, Alibaba OSS,
 * Tencent COS, MinIO). Locations are <scheme>://bucket/prefix; each property family (aws.s3.*,
 * fs.s3a.*, fs.oss.*, fs.cosn.*) maps onto one configuration: endpoint, region, addressing style
 * and credentials. Every request is signed here with SigV4 (s3_sign.c) and runs through the retry
 * layer. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/s3/s3_internal.h"
#include "fs/xml.h"
#include "util/clock.h"
#include "util/str.h"

#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

char *s3_key(const S3 *s3, const char *path) {
    return fs_path_join(s3->prefix, path);
}

Status s3_prepare(S3 *s3, const S3Req *rq, StrBuf *url, struct curl_slist **headers, Error *err) {
    *headers = NULL;
    S3Creds cr;
    if (s3_cred_get(s3->creds, &cr, err)) return STATUS_ERROR;
    StrBuf path = STRBUF_INIT, host = STRBUF_INIT, auth = STRBUF_INIT, line = STRBUF_INIT;
    if (s3->path_style) {
        sb_append(&host, s3->host);
        sb_putc(&path, '/');
        sb_append(&path, s3->bucket);
        if (rq->key) {
            sb_putc(&path, '/');
            fs_uri_encode(&path, rq->key, true);
        }
    } else {
        sb_appendf(&host, "%s.%s", s3->bucket, s3->host);
        sb_putc(&path, '/');
        if (rq->key) fs_uri_encode(&path, rq->key, true);
    }
    char payload[65], date[17];
    if (rq->body && rq->body_len)
        sigv4_sha256_hex(rq->body, rq->body_len, payload);
    else
        memcpy(payload, EMPTY_SHA256, 65);
    sigv4_amz_date(clock_now_ms(), date);
    SigV4Header hs[16];
    int n = 0;
    hs[n++] = (SigV4Header){"host", sb_str(&host)};
    hs[n++] = (SigV4Header){"x-amz-content-sha256", payload};
    hs[n++] = (SigV4Header){"x-amz-date", date};
    if (cr.token) hs[n++] = (SigV4Header){"x-amz-security-token", cr.token};
    for (int i = 0; i < rq->nextra && n < 16; i++)
        hs[n++] = rq->extra[i];
    SigV4Request sr = {rq->method, sb_str(&path), rq->query, rq->nquery, hs, n, payload};
    SigV4Scope scope = {cr.access_key, cr.secret_key ? cr.secret_key : "", s3->region, "s3", date};
    sigv4_authorization(&sr, &scope, &auth);
    for (int i = 0; i < n; i++) {
        sb_reset(&line);
        sb_appendf(&line, "%s: %s", hs[i].name, hs[i].value);
        *headers = curl_slist_append(*headers, sb_str(&line));
    }
    sb_reset(&line);
    sb_appendf(&line, "Authorization: %s", sb_str(&auth));
    *headers = curl_slist_append(*headers, sb_str(&line));
    sb_reset(url);
    sb_appendf(url, "%s://%s%s", s3->scheme, sb_str(&host), sb_str(&path));
    if (rq->nquery) {
        sb_putc(url, '?');
        sigv4_canonical_query(rq->query, rq->nquery, url);
    }
    sb_free(&path);
    sb_free(&host);
    sb_free(&auth);
    sb_free(&line);
    s3_creds_clear(&cr);
    return STATUS_OK;
}

Status s3_error(const S3 *s3, const S3Req *rq, const HttpResponse *resp, Error *err) {
    StrBuf code = STRBUF_INIT, msg = STRBUF_INIT, what = STRBUF_INIT;
    const char *b = resp->body.data ? resp->body.data : "";
    xml_text(b, resp->body.len, "Code", &code);
    xml_text(b, resp->body.len, "Message", &msg);
    long s = resp->status;
    const char *c = sb_str(&code);
    ErrCode ec = ERR_FS;
    const char *hint = NULL;
    char hintbuf[600];
    if (s >= 500 || s == 429 || strcmp(c, "SlowDown") == 0 || strcmp(c, "RequestTimeout") == 0 ||
        strcmp(c, "InternalError") == 0 || strcmp(c, "ServiceUnavailable") == 0) {
        ec = ERR_FS_TRANSIENT;
    } else if (strcmp(c, "NoSuchBucket") == 0) {
        ec = ERR_FS_NOT_FOUND;
        snprintf(hintbuf, sizeof hintbuf, "bucket '%s' does not exist: check the location",
                 s3->bucket);
        hint = hintbuf;
    } else if (s == 404) {
        ec = ERR_FS_NOT_FOUND;
    } else if (strcmp(c, "RequestTimeTooSkewed") == 0) {
        hint = "the server's clock is off: fix its time";
    } else if (s == 401 || s == 403) {
        ec = ERR_FS_AUTH;
        snprintf(hintbuf, sizeof hintbuf, "%s", s3_cred_hint(s3->creds));
        hint = hintbuf;
    } else if (s == 301 || strcmp(c, "AuthorizationHeaderMalformed") == 0 ||
               strcmp(c, "PermanentRedirect") == 0) {
        hint = "check aws.s3.region and the endpoint";
    }
    sb_append(&what, s3->display);
    if (rq->key) {
        sb_putc(&what, '/');
        sb_append(&what, rq->key);
    }
    err_set(err, ec, "cannot %s %s: HTTP %ld%s%s%s%s%s%s%s", rq->op, sb_str(&what), s,
            code.len ? " " : "", c, msg.len ? ": " : "", sb_str(&msg), hint ? " (" : "",
            hint ? hint : "", hint ? ")" : "");
    sb_free(&code);
    sb_free(&msg);
    sb_free(&what);
    return STATUS_ERROR;
}

typedef struct CallCtx {
    S3 *s3;
    const S3Req *rq;
    HttpResponse *resp;
    bool ok404;
} CallCtx;

static Status call_attempt(void *ctx, Error *err) {
    CallCtx *c = ctx;
    StrBuf url = STRBUF_INIT;
    struct curl_slist *h = NULL;
    Status st = s3_prepare(c->s3, c->rq, &url, &h, err);
    if (st == STATUS_OK) {
        HttpRequest req = {c->rq->method, sb_str(&url), h, c->rq->body, c->rq->body_len, false};
        st = http_perform(c->s3->pool, &req, c->resp, err);
        if (st) {
            err_prefix(err, "cannot %s %s/%s: ", c->rq->op, c->s3->display,
                       c->rq->key ? c->rq->key : "");
        } else if (c->resp->status < 200 || c->resp->status >= 300) {
            if (!(c->ok404 && c->resp->status == 404)) st = s3_error(c->s3, c->rq, c->resp, err);
        }
    }
    curl_slist_free_all(h);
    sb_free(&url);
    return st;
}

static Status call(S3 *s3, const S3Req *rq, HttpResponse *resp, bool ok404, Error *err) {
    CallCtx c = {s3, rq, resp, ok404};
    return fs_retry_run(&s3->retry, call_attempt, &c, err);
}

Status s3_call(S3 *s3, const S3Req *rq, HttpResponse *resp, Error *err) {
    return call(s3, rq, resp, false, err);
}

/* One ListObjectsV2 page walk. Calls fn with paths relative to `rel_base` (the listed prefix). */
typedef Status (*PageFn)(void *ctx, const char *key, bool is_prefix, int64_t size, int64_t mtime,
                         Error *err);

static Status list_keys(S3 *s3, const char *key_prefix, bool delimit, int max_keys, PageFn fn,
                        void *ctx, Error *err) {
    HttpResponse resp;
    http_response_init(&resp);
    StrBuf token = STRBUF_INIT, text = STRBUF_INIT, key = STRBUF_INIT;
    char mk[16];
    snprintf(mk, sizeof mk, "%d", max_keys > 0 ? max_keys : s3->list_max_keys);
    Status st = STATUS_OK;
    bool more = true;
    while (st == STATUS_OK && more) {
        SigV4Param q[5];
        int n = 0;
        q[n++] = (SigV4Param){"list-type", "2"};
        q[n++] = (SigV4Param){"prefix", key_prefix};
        q[n++] = (SigV4Param){"max-keys", mk};
        if (delimit) q[n++] = (SigV4Param){"delimiter", "/"};
        if (token.len) q[n++] = (SigV4Param){"continuation-token", sb_str(&token)};
        S3Req rq = {"list", "GET", NULL, q, n, NULL, 0, NULL, 0};
        if ((st = s3_call(s3, &rq, &resp, err))) break;
        const char *b = resp.body.data ? resp.body.data : "", *end = b + resp.body.len, *cur = b,
                   *body;
        size_t len;
        while (st == STATUS_OK && xml_next(&cur, end, "Contents", &body, &len)) {
            int64_t size = 0, mtime = 0;
            if (!xml_text(body, len, "Key", &key)) continue;
            if (xml_text(body, len, "Size", &text)) str_to_int64(sb_str(&text), &size);
            if (xml_text(body, len, "LastModified", &text)) mtime = fs_parse_time_ms(sb_str(&text));
            st = fn(ctx, sb_str(&key), false, size, mtime, err);
        }
        cur = b;
        while (st == STATUS_OK && xml_next(&cur, end, "CommonPrefixes", &body, &len)) {
            if (!xml_text(body, len, "Prefix", &key)) continue;
            st = fn(ctx, sb_str(&key), true, 0, 0, err);
        }
        more = max_keys <= 0 && xml_text(b, resp.body.len, "IsTruncated", &text) &&
               strcmp(sb_str(&text), "true") == 0;
        if (more && !xml_text(b, resp.body.len, "NextContinuationToken", &token)) more = false;
    }
    http_response_free(&resp);
    sb_free(&token);
    sb_free(&text);
    sb_free(&key);
    return st;
}

typedef struct ListCtx {
    size_t strip;
    bool recursive;
    FsListFn fn;
    void *ctx;
    int count;
} ListCtx;

static Status list_page_cb(void *ctx, const char *key, bool is_prefix, int64_t size, int64_t mtime,
                           Error *err) {
    ListCtx *lc = ctx;
    if (strlen(key) <= lc->strip) return STATUS_OK;
    const char *rel = key + lc->strip;
    size_t rl = strlen(rel);
    lc->count++;
    if (!is_prefix && rel[rl - 1] == '/') return STATUS_OK; /* "folder" marker objects */
    char *p = strdup(rel);
    if (is_prefix && rl && p[rl - 1] == '/') p[rl - 1] = '\0';
    FsEntry e = {p, is_prefix, size, mtime};
    Status st = lc->fn(lc->ctx, &e, err);
    free(p);
    return st;
}

static char *dir_prefix(const S3 *s3, const char *dir) {
    char *k = s3_key(s3, dir);
    if (!*k) return k;
    size_t n = strlen(k);
    char *withslash = malloc(n + 2);
    memcpy(withslash, k, n);
    withslash[n] = '/';
    withslash[n + 1] = '\0';
    free(k);
    return withslash;
}

static Status s3_list(Fs *fs, const char *dir, bool recursive, FsListFn fn, void *ctx, Error *err) {
    S3 *s3 = fs->impl;
    char *pfx = dir_prefix(s3, dir);
    ListCtx lc = {strlen(pfx), recursive, fn, ctx, 0};
    Status st = list_keys(s3, pfx, !recursive, 0, list_page_cb, &lc, err);
    free(pfx);
    return st;
}

static Status count_cb(void *ctx, const char *key, bool is_prefix, int64_t size, int64_t mtime,
                       Error *err) {
    (*(int *)ctx)++;
    return STATUS_OK;
}

static Status s3_stat(Fs *fs, const char *path, FsStat *st, Error *err) {
    S3 *s3 = fs->impl;
    if (*path) {
        char *key = s3_key(s3, path);
        HttpResponse resp;
        http_response_init(&resp);
        S3Req rq = {"stat", "HEAD", key, NULL, 0, NULL, 0, NULL, 0};
        Status rc = call(s3, &rq, &resp, true, err);
        if (rc == STATUS_OK && resp.status == 200) {
            http_response_to_stat(&resp, st);
        }
        http_response_free(&resp);
        free(key);
        if (rc || st->exists) return rc;
    }
    /* Not an object: a "directory" exists when some key lies below it. */
    char *pfx = dir_prefix(s3, path);
    int n = 0;
    Status rc = list_keys(s3, pfx, true, 1, count_cb, &n, err);
    free(pfx);
    if (rc == STATUS_OK && (n > 0 || !*path)) {
        st->exists = true;
        st->is_dir = true;
    }
    if (rc && err->code == ERR_FS_NOT_FOUND && *path) {
        /* a missing bucket is an error worth reporting, not "no such file" */
        return STATUS_ERROR;
    }
    return rc;
}

static Status s3_remove(Fs *fs, const char *path, Error *err) {
    S3 *s3 = fs->impl;
    char *key = s3_key(s3, path);
    HttpResponse resp;
    http_response_init(&resp);
    S3Req rq = {"delete", "DELETE", key, NULL, 0, NULL, 0, NULL, 0};
    Status st = call(s3, &rq, &resp, true, err);
    http_response_free(&resp);
    free(key);
    return st;
}

static void s3_free(Fs *fs) {
    S3 *s3 = fs->impl;
    if (!s3) return;
    s3_cred_free(s3->creds);
    http_pool_free(s3->pool);
    free(s3->display);
    free(s3->bucket);
    free(s3->prefix);
    free(s3->scheme);
    free(s3->host);
    free(s3->region);
    free(s3);
}

static void s3_describe(const Fs *fs, StrBuf *out) {
    const S3 *s3 = fs->impl;
    if (s3->path_style)
        sb_appendf(out, "%s://%s/%s", s3->scheme, s3->host, s3->bucket);
    else
        sb_appendf(out, "%s://%s.%s", s3->scheme, s3->bucket, s3->host);
    if (*s3->prefix) sb_appendf(out, "/%s", s3->prefix);
    sb_appendf(out, " (%s, region %s, credentials: %s)",
               s3->path_style ? "path-style" : "virtual-hosted", s3->region,
               s3_cred_source(s3->creds));
}

static const FsDriverVt s3_vt = {"s3",      s3_open_read, s3_open_write, s3_stat,    s3_list,
                                 s3_remove, NULL,         s3_free,       s3_describe};

/* The host part of an endpoint is an IP literal or localhost: only path-style addressing can work
 * there. */
static bool host_needs_path_style(const char *host) {
    char h[256];
    if (host[0] == '[') return true;
    size_t n = strcspn(host, ":");
    if (n >= sizeof h) return false;
    memcpy(h, host, n);
    h[n] = '\0';
    struct in_addr a;
    return inet_pton(AF_INET, h, &a) == 1 || strcmp(h, "localhost") == 0;
}

static char *derive_region(const char *host) {
    char buf[128];
    size_t n = strcspn(host, ":");
    if (n >= sizeof buf) n = sizeof buf - 1;
    memcpy(buf, host, n);
    buf[n] = '\0';
    char *amz = strstr(buf, ".amazonaws.com");
    if (amz) {
        *amz = '\0';
        /* s3.<region>, s3-<region>, <bucket>.s3.<region>, s3.dualstack.<region> */
        char *last = strrchr(buf, '.');
        const char *r = last ? last + 1 : buf;
        if (str_has_prefix(r, "s3-")) r += 3;
        if (strcmp(r, "s3") == 0 || strcmp(r, "s3-external-1") == 0 || !*r)
            return strdup("us-east-1");
        return strdup(r);
    }
    if (strstr(buf, "googleapis.com")) return strdup("auto");
    if (str_has_prefix(buf, "cos.") && strstr(buf, ".myqcloud.com")) {
        *strstr(buf, ".myqcloud.com") = '\0';
        return strdup(buf + 4);
    }
    if (str_has_prefix(buf, "oss-") && strstr(buf, ".aliyuncs.com")) {
        *strstr(buf, ".aliyuncs.com") = '\0';
        char *internal = strstr(buf, "-internal");
        if (internal) *internal = '\0';
        return strdup(buf + 4);
    }
    return strdup("us-east-1");
}

static const char *first(const FsProp *props, int nprops, const char *a, const char *b) {
    const char *v = a ? fs_prop_get(props, nprops, a) : NULL;
    if ((!v || !*v) && b) v = fs_prop_get(props, nprops, b);
    return v && *v ? v : NULL;
}

Status fs_s3_open(Fs *fs, const char *location, const FsProp *props, int nprops, Error *err) {
    const char *sep = strstr(location, "://");
    char scheme[16];
    snprintf(scheme, sizeof scheme, "%.*s", (int)(sep - location), location);
    for (char *p = scheme; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    const char *rest = sep + 3;
    size_t bl = strcspn(rest, "/");
    if (bl == 0)
        return err_set(err, ERR_INVALID_ARGUMENT,
                       "location '%s' names no bucket: use %s://<bucket>/<path>", location, scheme);
    bool gcs = strcmp(scheme, "gs") == 0, oss = strcmp(scheme, "oss") == 0,
         cos = strcmp(scheme, "cosn") == 0;
    const char *ak, *sk, *endpoint, *key_props;
    if (oss) {
        ak = first(props, nprops, "fs.oss.accessKeyId", "aws.s3.access_key");
        sk = first(props, nprops, "fs.oss.accessKeySecret", "aws.s3.secret_key");
        endpoint = first(props, nprops, "fs.oss.endpoint", "aws.s3.endpoint");
        key_props = "fs.oss.accessKeyId and fs.oss.accessKeySecret";
    } else if (cos) {
        ak = first(props, nprops, "fs.cosn.userinfo.secretId", "aws.s3.access_key");
        sk = first(props, nprops, "fs.cosn.userinfo.secretKey", "aws.s3.secret_key");
        endpoint = first(props, nprops, "fs.cosn.bucket.endpoint_suffix", "aws.s3.endpoint");
        key_props = "fs.cosn.userinfo.secretId and fs.cosn.userinfo.secretKey";
    } else if (first(props, nprops, "fs.s3a.access.key", NULL) || gcs) {
        ak = first(props, nprops, "fs.s3a.access.key", "aws.s3.access_key");
        sk = first(props, nprops, "fs.s3a.secret.key", "aws.s3.secret_key");
        endpoint = first(props, nprops, "fs.s3a.endpoint", "aws.s3.endpoint");
        key_props = first(props, nprops, "fs.s3a.access.key", NULL)
                        ? "fs.s3a.access.key and fs.s3a.secret.key"
                        : "aws.s3.access_key and aws.s3.secret_key";
    } else {
        ak = first(props, nprops, "aws.s3.access_key", NULL);
        sk = first(props, nprops, "aws.s3.secret_key", NULL);
        endpoint = first(props, nprops, "aws.s3.endpoint", "fs.s3a.endpoint");
        key_props = "aws.s3.access_key and aws.s3.secret_key";
    }
    if (gcs && !endpoint) endpoint = "storage.googleapis.com";

    S3 *s3 = calloc(1, sizeof *s3);
    if (!s3) abort();
    fs->impl = s3;
    fs->vt = &s3_vt;
    s3->retry = fs->retry;
    s3->bucket = strndup(rest, bl);
    const char *pfx = rest + bl;
    while (*pfx == '/')
        pfx++;
    s3->prefix = strdup(pfx);
    size_t pl = strlen(s3->prefix);
    while (pl && s3->prefix[pl - 1] == '/')
        s3->prefix[--pl] = '\0';
    StrBuf disp = STRBUF_INIT;
    sb_appendf(&disp, "%s://%s", scheme, s3->bucket);
    s3->display = sb_detach(&disp);

    bool ssl = true, b;
    const char *v = fs_prop_get(props, nprops, "aws.s3.enable_ssl");
    if (v && str_to_bool(v, &b)) ssl = b;
    const char *region = first(props, nprops, "aws.s3.region", NULL);
    if (endpoint) {
        const char *h = endpoint;
        if (str_has_iprefix(h, "http://")) {
            ssl = false;
            h += 7;
        } else if (str_has_iprefix(h, "https://")) {
            ssl = true;
            h += 8;
        }
        size_t hl = strcspn(h, "/");
        if (hl == 0) {
            err_set(err, ERR_INVALID_ARGUMENT, "endpoint '%s' has no host name", endpoint);
            goto fail;
        }
        s3->host = strndup(h, hl);
    } else {
        StrBuf hb = STRBUF_INIT;
        sb_appendf(&hb, "s3.%s.amazonaws.com", region ? region : "us-east-1");
        s3->host = sb_detach(&hb);
    }
    s3->scheme = strdup(ssl ? "https" : "http");
    s3->region = region ? strdup(region) : derive_region(s3->host);
    v = fs_prop_get(props, nprops, "aws.s3.enable_path_style_access");
    if (v && str_to_bool(v, &b))
        s3->path_style = b;
    else
        s3->path_style = host_needs_path_style(s3->host);

    int64_t part = 8 << 20, par = 4, keys = 1000;
    if (fs_prop_int(props, nprops, "fs.s3.part_size", 5 << 20, (int64_t)5 << 30, &part, err) ||
        fs_prop_int(props, nprops, "fs.s3.upload_parallel", 1, 64, &par, err) ||
        fs_prop_int(props, nprops, "fs.s3.list_max_keys", 1, 1000, &keys, err))
        goto fail;
    s3->part_size = part;
    s3->parallel = (int)par;
    s3->list_max_keys = (int)keys;

    HttpConfig hc;
    if (http_config_from_props(&hc, props, nprops, err)) goto fail;
    /* as the AWS SDKs and CLI do, AWS_CA_BUNDLE names the CA file when no property does */
    if (!hc.ca_file && getenv("AWS_CA_BUNDLE") && *getenv("AWS_CA_BUNDLE"))
        hc.ca_file = getenv("AWS_CA_BUNDLE");
    s3->pool = http_pool_new(&hc);

    S3CredConfig cc = {0};
    cc.access_key = ak;
    cc.secret_key = sk;
    cc.session_token = first(props, nprops, "aws.s3.session_token", NULL);
    v = fs_prop_get(props, nprops, "aws.s3.use_instance_profile");
    cc.instance_profile = v && str_to_bool(v, &b) && b;
    cc.role_arn = first(props, nprops, "aws.s3.iam_role_arn", NULL);
    cc.external_id = first(props, nprops, "aws.s3.external_id", NULL);
    cc.imds_endpoint = first(props, nprops, "aws.s3.imds_endpoint", NULL);
    cc.sts_endpoint = first(props, nprops, "aws.s3.sts_endpoint", NULL);
    cc.sts_region = first(props, nprops, "aws.s3.sts_region", "aws.s3.region");
    int64_t margin = 300;
    if (fs_prop_int(props, nprops, "aws.s3.credentials_refresh_margin_s", 0, 3600, &margin, err))
        goto fail;
    cc.refresh_margin_ms = margin * 1000;
    if (margin == 0) cc.refresh_margin_ms = 1;
    cc.key_props = key_props;
    if (s3_cred_new(&cc, s3->pool, &fs->retry, &s3->creds, err)) goto fail;
    return STATUS_OK;
fail:
    s3_free(fs);
    fs->impl = NULL;
    fs->vt = NULL;
    return STATUS_ERROR;
}
