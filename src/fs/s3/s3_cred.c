/* Credential sources. IMDSv2: PUT /latest/api/token (TTL header) for a session token, then
 * GET /latest/meta-data/iam/security-credentials/ for the role name and .../<role> for a JSON
 * document with AccessKeyId, SecretAccessKey, Token and Expiration. STS: a SigV4-signed AssumeRole
 * (form POST) whose XML answer carries the same four values. Both are refreshed `refresh_margin_ms`
 * before Expiration. */
#include "fs/s3/s3_cred.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/driver.h"
#include "fs/s3/s3_sign.h"
#include "fs/xml.h"
#include "util/clock.h"
#include "util/log.h"

typedef enum CredKind { CRED_STATIC, CRED_ENV, CRED_IMDS, CRED_STS } CredKind;

struct S3CredProvider {
    CredKind kind;
    CredKind base_kind; /* for STS: where the caller's own credentials come from */
    HttpPool *pool;     /* not owned */
    FsRetryPolicy retry;
    char *imds, *sts, *sts_region, *role_arn, *external_id, *hint;
    int64_t margin_ms;
    S3Creds fixed;       /* static/env keys (also STS base when static) */
    pthread_mutex_t mu;  /* guards cached, base_cached, fetches */
    S3Creds cached;      /* IMDS or STS result */
    S3Creds base_cached; /* IMDS result used as the STS base */
    int64_t fetches;
};

static char *dup_or_null(const char *s) {
    return s && *s ? strdup(s) : NULL;
}

void s3_creds_clear(S3Creds *c) {
    if (c->secret_key) memset(c->secret_key, 0, strlen(c->secret_key));
    free(c->access_key);
    free(c->secret_key);
    free(c->token);
    memset(c, 0, sizeof *c);
}

static void creds_copy(S3Creds *dst, const S3Creds *src) {
    dst->access_key = dup_or_null(src->access_key);
    dst->secret_key = dup_or_null(src->secret_key);
    dst->token = dup_or_null(src->token);
    dst->expires_ms = src->expires_ms;
}

static char *strip_slash(const char *s) {
    char *d = strdup(s);
    size_t n = strlen(d);
    while (n && d[n - 1] == '/')
        d[--n] = '\0';
    return d;
}

Status s3_cred_new(const S3CredConfig *cfg, HttpPool *pool, const FsRetryPolicy *retry,
                   S3CredProvider **out, Error *err) {
    *out = NULL;
    S3CredProvider *p = calloc(1, sizeof *p);
    if (!p) abort();
    pthread_mutex_init(&p->mu, NULL);
    p->pool = pool;
    p->retry = *retry;
    p->margin_ms = cfg->refresh_margin_ms > 0 ? cfg->refresh_margin_ms : 300000;
    const char *imds =
        cfg->imds_endpoint ? cfg->imds_endpoint : getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    const char *sts = cfg->sts_endpoint ? cfg->sts_endpoint : getenv("AWS_ENDPOINT_URL_STS");
    p->imds = strip_slash(imds && *imds ? imds : "http://169.254.169.254");
    p->sts = strip_slash(sts && *sts ? sts : "https://sts.amazonaws.com");
    p->sts_region = strdup(cfg->sts_region && *cfg->sts_region ? cfg->sts_region : "us-east-1");
    p->role_arn = dup_or_null(cfg->role_arn);
    p->external_id = dup_or_null(cfg->external_id);

    CredKind base;
    if (cfg->instance_profile) {
        base = CRED_IMDS;
    } else if (cfg->access_key && *cfg->access_key) {
        base = CRED_STATIC;
        p->fixed.access_key = strdup(cfg->access_key);
        p->fixed.secret_key = dup_or_null(cfg->secret_key);
        p->fixed.token = dup_or_null(cfg->session_token);
    } else if (getenv("AWS_ACCESS_KEY_ID") && *getenv("AWS_ACCESS_KEY_ID") &&
               getenv("AWS_SECRET_ACCESS_KEY")) {
        base = CRED_ENV;
        p->fixed.access_key = strdup(getenv("AWS_ACCESS_KEY_ID"));
        p->fixed.secret_key = strdup(getenv("AWS_SECRET_ACCESS_KEY"));
        p->fixed.token = dup_or_null(getenv("AWS_SESSION_TOKEN"));
    } else {
        s3_cred_free(p);
        return err_set(err, ERR_INVALID_ARGUMENT,
                       "no S3 credentials: set %s, or aws.s3.use_instance_profile = true, or "
                       "aws.s3.iam_role_arn, or the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                       "environment of the server",
                       cfg->key_props ? cfg->key_props : "aws.s3.access_key and aws.s3.secret_key");
    }
    p->base_kind = base;
    p->kind = p->role_arn ? CRED_STS : base;
    const char *what = cfg->key_props ? cfg->key_props : "aws.s3.access_key and aws.s3.secret_key";
    char hint[512];
    switch (p->kind) {
    case CRED_STATIC:
        snprintf(hint, sizeof hint, "check %s", what);
        break;
    case CRED_ENV:
        snprintf(hint, sizeof hint,
                 "check the server's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment");
        break;
    case CRED_IMDS:
        snprintf(hint, sizeof hint, "check the permissions of the instance profile's role");
        break;
    case CRED_STS:
        snprintf(hint, sizeof hint, "check the permissions of role %s", p->role_arn);
        break;
    }
    p->hint = strdup(hint);
    *out = p;
    return STATUS_OK;
}

void s3_cred_free(S3CredProvider *p) {
    if (!p) return;
    s3_creds_clear(&p->fixed);
    s3_creds_clear(&p->cached);
    s3_creds_clear(&p->base_cached);
    free(p->imds);
    free(p->sts);
    free(p->sts_region);
    free(p->role_arn);
    free(p->external_id);
    free(p->hint);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

const char *s3_cred_source(const S3CredProvider *p) {
    static const char *names[] = {"static keys", "environment", "instance profile", "assumed role"};
    return names[p->kind];
}

const char *s3_cred_hint(const S3CredProvider *p) {
    return p->hint;
}

int64_t s3_cred_fetches(const S3CredProvider *p) {
    pthread_mutex_t *mu = (pthread_mutex_t *)&p->mu;
    pthread_mutex_lock(mu);
    int64_t n = p->fetches;
    pthread_mutex_unlock(mu);
    return n;
}

/* One HTTP exchange for IMDS/STS: 5xx and transport errors are transient, anything else non-2xx is
 * final. */
typedef struct CredCall {
    S3CredProvider *p;
    HttpRequest req;
    HttpResponse *resp;
    const char *what;
} CredCall;

static Status cred_attempt(void *ctx, Error *err) {
    CredCall *c = ctx;
    if (http_perform(c->p->pool, &c->req, c->resp, err)) return err_prefix(err, "%s: ", c->what);
    long s = c->resp->status;
    if (s >= 200 && s < 300) return STATUS_OK;
    char u[512];
    http_url_for_msg(c->req.url, u, sizeof u);
    StrBuf code = STRBUF_INIT, msg = STRBUF_INIT;
    xml_text(c->resp->body.data ? c->resp->body.data : "", c->resp->body.len, "Code", &code);
    xml_text(c->resp->body.data ? c->resp->body.data : "", c->resp->body.len, "Message", &msg);
    ErrCode ec = s >= 500 || s == 429     ? ERR_FS_TRANSIENT
                 : (s == 401 || s == 403) ? ERR_FS_AUTH
                                          : ERR_FS;
    err_set(err, ec, "%s: %s %s answered HTTP %ld%s%s%s%s", c->what, c->req.method, u, s,
            code.len ? " " : "", sb_str(&code), msg.len ? ": " : "", sb_str(&msg));
    sb_free(&code);
    sb_free(&msg);
    return STATUS_ERROR;
}

static Status cred_call(S3CredProvider *p, HttpRequest *req, HttpResponse *resp, const char *what,
                        Error *err) {
    CredCall c = {p, *req, resp, what};
    return fs_retry_run(&p->retry, cred_attempt, &c, err);
}

static Status imds_fetch(S3CredProvider *p, S3Creds *out, Error *err) {
    HttpResponse resp;
    http_response_init(&resp);
    StrBuf url = STRBUF_INIT, hdr = STRBUF_INIT;
    struct curl_slist *h = NULL;
    Status st = STATUS_ERROR;
    char token[1024], role[256];
    json_t *doc = NULL;
    const char *what = "cannot get instance profile credentials (is this an EC2 instance with an "
                       "instance profile? otherwise set aws.s3.use_instance_profile = false)";

    sb_appendf(&url, "%s/latest/api/token", p->imds);
    h = curl_slist_append(h, "X-aws-ec2-metadata-token-ttl-seconds: 21600");
    HttpRequest req = {"PUT", sb_str(&url), h, NULL, 0, false};
    if (cred_call(p, &req, &resp, what, err)) goto done;
    size_t tl = resp.body.len < sizeof token - 1 ? resp.body.len : sizeof token - 1;
    memcpy(token, resp.body.data, tl);
    token[tl] = '\0';
    curl_slist_free_all(h);
    h = NULL;
    sb_appendf(&hdr, "X-aws-ec2-metadata-token: %s", token);
    h = curl_slist_append(h, sb_str(&hdr));

    sb_reset(&url);
    sb_appendf(&url, "%s/latest/meta-data/iam/security-credentials/", p->imds);
    req = (HttpRequest){"GET", sb_str(&url), h, NULL, 0, false};
    if (cred_call(p, &req, &resp, what, err)) goto done;
    size_t rl = strcspn(sb_str(&resp.body), "\r\n");
    if (rl == 0 || rl >= sizeof role) {
        err_set(err, ERR_FS_AUTH, "%s: the metadata service lists no IAM role for this instance",
                what);
        goto done;
    }
    memcpy(role, resp.body.data, rl);
    role[rl] = '\0';

    sb_reset(&url);
    sb_appendf(&url, "%s/latest/meta-data/iam/security-credentials/", p->imds);
    fs_uri_encode(&url, role, false);
    req = (HttpRequest){"GET", sb_str(&url), h, NULL, 0, false};
    if (cred_call(p, &req, &resp, what, err)) goto done;
    json_error_t je;
    doc = json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0, &je);
    const char *code = json_string_value(json_object_get(doc, "Code"));
    const char *ak = json_string_value(json_object_get(doc, "AccessKeyId"));
    const char *sk = json_string_value(json_object_get(doc, "SecretAccessKey"));
    const char *tok = json_string_value(json_object_get(doc, "Token"));
    const char *exp = json_string_value(json_object_get(doc, "Expiration"));
    if (!doc || (code && strcmp(code, "Success") != 0) || !ak || !sk) {
        err_set(
            err, ERR_FS_AUTH,
            "%s: the metadata service's answer for role '%s' has no usable credentials (Code %s)",
            what, role, code ? code : "missing");
        goto done;
    }
    out->access_key = strdup(ak);
    out->secret_key = strdup(sk);
    out->token = dup_or_null(tok);
    out->expires_ms = fs_parse_time_ms(exp);
    st = STATUS_OK;
done:
    json_decref(doc);
    curl_slist_free_all(h);
    sb_free(&url);
    sb_free(&hdr);
    http_response_free(&resp);
    return st;
}

/* Base credentials for STS, with p->mu held. */
static Status sts_base(S3CredProvider *p, S3Creds *out, Error *err) {
    if (p->base_kind != CRED_IMDS) {
        creds_copy(out, &p->fixed);
        return STATUS_OK;
    }
    int64_t now = clock_now_ms();
    if (!p->base_cached.access_key ||
        (p->base_cached.expires_ms && now >= p->base_cached.expires_ms - p->margin_ms)) {
        S3Creds fresh = {0};
        if (imds_fetch(p, &fresh, err)) return STATUS_ERROR;
        p->fetches++;
        s3_creds_clear(&p->base_cached);
        p->base_cached = fresh;
    }
    creds_copy(out, &p->base_cached);
    return STATUS_OK;
}

static Status sts_fetch(S3CredProvider *p, S3Creds *out, Error *err) {
    S3Creds base = {0};
    if (sts_base(p, &base, err)) return STATUS_ERROR;
    char session[64];
    snprintf(session, sizeof session, "cairn-%d-%lld", (int)getpid(),
             (long long)(clock_now_ms() / 1000));
    SigV4Param params[6] = {{"Action", "AssumeRole"},
                            {"Version", "2011-06-15"},
                            {"RoleArn", p->role_arn},
                            {"RoleSessionName", session},
                            {"DurationSeconds", "3600"}};
    int np = 5;
    if (p->external_id) params[np++] = (SigV4Param){"ExternalId", p->external_id};
    StrBuf body = STRBUF_INIT, url = STRBUF_INIT, auth = STRBUF_INIT, line = STRBUF_INIT;
    sigv4_canonical_query(params, np, &body);
    char body_hash[65], date[17];
    sigv4_sha256_hex(body.data, body.len, body_hash);
    sigv4_amz_date(clock_now_ms(), date);
    /* host[:port] of the endpoint, as curl will send it */
    const char *hs = strstr(p->sts, "://");
    hs = hs ? hs + 3 : p->sts;
    size_t hl = strcspn(hs, "/");
    char host[256];
    snprintf(host, sizeof host, "%.*s", (int)hl, hs);
    const char *path = hs[hl] ? hs + hl : "/";
    SigV4Header hdrs[5] = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
                           {"host", host},
                           {"x-amz-content-sha256", body_hash},
                           {"x-amz-date", date}};
    int nh = 4;
    if (base.token) hdrs[nh++] = (SigV4Header){"x-amz-security-token", base.token};
    SigV4Request sr = {"POST", path, NULL, 0, hdrs, nh, body_hash};
    SigV4Scope scope = {base.access_key, base.secret_key ? base.secret_key : "", p->sts_region,
                        "sts", date};
    sigv4_authorization(&sr, &scope, &auth);
    struct curl_slist *h = NULL;
    for (int i = 0; i < nh; i++) {
        sb_reset(&line);
        sb_appendf(&line, "%s: %s", hdrs[i].name, hdrs[i].value);
        h = curl_slist_append(h, sb_str(&line));
    }
    sb_reset(&line);
    sb_appendf(&line, "Authorization: %s", sb_str(&auth));
    h = curl_slist_append(h, sb_str(&line));
    sb_appendf(&url, "%s%s", p->sts, hs[hl] ? "" : "/");
    HttpRequest req = {"POST", sb_str(&url), h, body.data, body.len, false};
    HttpResponse resp;
    http_response_init(&resp);
    char what[512];
    snprintf(what, sizeof what,
             "cannot assume role %s through STS (check aws.s3.iam_role_arn, aws.s3.external_id and "
             "the role's trust policy)",
             p->role_arn);
    Status st = cred_call(p, &req, &resp, what, err);
    if (st == STATUS_OK) {
        StrBuf ak = STRBUF_INIT, sk = STRBUF_INIT, tok = STRBUF_INIT, exp = STRBUF_INIT;
        const char *b = resp.body.data ? resp.body.data : "";
        if (!xml_text(b, resp.body.len, "AccessKeyId", &ak) ||
            !xml_text(b, resp.body.len, "SecretAccessKey", &sk)) {
            st = err_set(err, ERR_FS_AUTH, "%s: the STS answer has no credentials", what);
        } else {
            xml_text(b, resp.body.len, "SessionToken", &tok);
            xml_text(b, resp.body.len, "Expiration", &exp);
            out->access_key = strdup(sb_str(&ak));
            out->secret_key = strdup(sb_str(&sk));
            out->token = tok.len ? strdup(sb_str(&tok)) : NULL;
            out->expires_ms = fs_parse_time_ms(sb_str(&exp));
        }
        sb_free(&ak);
        sb_free(&sk);
        sb_free(&tok);
        sb_free(&exp);
    }
    curl_slist_free_all(h);
    http_response_free(&resp);
    sb_free(&body);
    sb_free(&url);
    sb_free(&auth);
    sb_free(&line);
    s3_creds_clear(&base);
    return st;
}

Status s3_cred_get(S3CredProvider *p, S3Creds *out, Error *err) {
    memset(out, 0, sizeof *out);
    if (p->kind == CRED_STATIC || p->kind == CRED_ENV) {
        creds_copy(out, &p->fixed);
        return STATUS_OK;
    }
    pthread_mutex_lock(&p->mu);
    Status st = STATUS_OK;
    int64_t now = clock_now_ms();
    bool stale = !p->cached.access_key ||
                 (p->cached.expires_ms && now >= p->cached.expires_ms - p->margin_ms);
    if (stale) {
        S3Creds fresh = {0};
        st = p->kind == CRED_IMDS ? imds_fetch(p, &fresh, err) : sts_fetch(p, &fresh, err);
        if (st == STATUS_OK) {
            p->fetches++;
            s3_creds_clear(&p->cached);
            p->cached = fresh;
        } else if (p->cached.access_key && now < p->cached.expires_ms) {
            /* Keep serving credentials that have not expired yet; the next call tries again. */
            log_warn("S3 credential refresh failed, using the current ones until they expire: %s",
                     err->msg);
            err_clear(err);
            st = STATUS_OK;
        }
    }
    if (st == STATUS_OK) creds_copy(out, &p->cached);
    pthread_mutex_unlock(&p->mu);
    return st;
}
