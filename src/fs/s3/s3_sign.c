/* SigV4 over OpenSSL: canonical request -> string to sign -> derived key -> HMAC. The canonical
 * forms follow the published algorithm: lowercase header names sorted, values trimmed with inner
 * runs of spaces collapsed, duplicate headers joined with ',', query parameters encoded then
 * sorted. */
#include "fs/s3/s3_sign.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fs/driver.h"
#include "util/hash.h"

typedef struct EncParam {
    char *k, *v;
} EncParam;

static int cmp_param(const void *a, const void *b) {
    const EncParam *x = a, *y = b;
    int c = strcmp(x->k, y->k);
    return c ? c : strcmp(x->v, y->v);
}

void sigv4_canonical_query(const SigV4Param *q, int n, StrBuf *out) {
    EncParam *ps = calloc((size_t)(n > 0 ? n : 1), sizeof *ps);
    for (int i = 0; i < n; i++) {
        StrBuf k = STRBUF_INIT, v = STRBUF_INIT;
        fs_uri_encode(&k, q[i].key, false);
        fs_uri_encode(&v, q[i].value ? q[i].value : "", false);
        sb_append(&k, "");
        sb_append(&v, "");
        ps[i].k = sb_detach(&k);
        ps[i].v = sb_detach(&v);
    }
    qsort(ps, (size_t)n, sizeof *ps, cmp_param);
    for (int i = 0; i < n; i++) {
        if (i) sb_putc(out, '&');
        sb_append(out, ps[i].k);
        sb_putc(out, '=');
        sb_append(out, ps[i].v);
        free(ps[i].k);
        free(ps[i].v);
    }
    free(ps);
}

typedef struct CanonHeader {
    char *name;
    const char *value;
    int order;
} CanonHeader;

static int cmp_header(const void *a, const void *b) {
    const CanonHeader *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->order - y->order;
}

/* Trims and collapses runs of spaces/tabs to one space. */
static void append_trimmed(StrBuf *out, const char *v) {
    while (*v == ' ' || *v == '\t')
        v++;
    const char *end = v + strlen(v);
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    bool space = false;
    for (const char *p = v; p < end; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = true;
            continue;
        }
        if (space) sb_putc(out, ' ');
        space = false;
        sb_putc(out, *p);
    }
}

void sigv4_canonical_request(const SigV4Request *r, StrBuf *out, StrBuf *signed_headers) {
    sb_append(out, r->method);
    sb_putc(out, '\n');
    sb_append(out, r->canonical_uri && *r->canonical_uri ? r->canonical_uri : "/");
    sb_putc(out, '\n');
    sigv4_canonical_query(r->query, r->nquery, out);
    sb_putc(out, '\n');
    CanonHeader *hs = calloc((size_t)(r->nheaders > 0 ? r->nheaders : 1), sizeof *hs);
    for (int i = 0; i < r->nheaders; i++) {
        hs[i].name = strdup(r->headers[i].name);
        for (char *p = hs[i].name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        hs[i].value = r->headers[i].value;
        hs[i].order = i;
    }
    qsort(hs, (size_t)r->nheaders, sizeof *hs, cmp_header);
    for (int i = 0; i < r->nheaders; i++) {
        bool first = i == 0 || strcmp(hs[i].name, hs[i - 1].name) != 0;
        bool last = i == r->nheaders - 1 || strcmp(hs[i].name, hs[i + 1].name) != 0;
        if (first) {
            sb_append(out, hs[i].name);
            sb_putc(out, ':');
            if (signed_headers->len) sb_putc(signed_headers, ';');
            sb_append(signed_headers, hs[i].name);
        } else {
            sb_putc(out, ',');
        }
        append_trimmed(out, hs[i].value ? hs[i].value : "");
        if (last) sb_putc(out, '\n');
    }
    for (int i = 0; i < r->nheaders; i++)
        free(hs[i].name);
    free(hs);
    sb_putc(out, '\n');
    sb_append(out, sb_str(signed_headers));
    sb_putc(out, '\n');
    sb_append(out, r->payload_hash);
}

void sigv4_sha256_hex(const void *p, size_t n, char *out) {
    uint8_t d[32];
    hash_sha256(p, n, d);
    hash_hex(d, 32, out);
}

static void hmac(const void *key, size_t klen, const char *msg, uint8_t out[32]) {
    unsigned int len = 32;
    HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &len);
}

void sigv4_authorization(const SigV4Request *r, const SigV4Scope *s, StrBuf *out) {
    StrBuf canon = STRBUF_INIT, signed_headers = STRBUF_INIT, sts = STRBUF_INIT, k = STRBUF_INIT;
    sigv4_canonical_request(r, &canon, &signed_headers);
    char date[9], hex[65];
    memcpy(date, s->amz_date, 8);
    date[8] = '\0';
    sigv4_sha256_hex(canon.data, canon.len, hex);
    sb_appendf(&sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", s->amz_date, date,
               s->region, s->service, hex);
    sb_appendf(&k, "AWS4%s", s->secret_key);
    uint8_t k1[32], k2[32], k3[32], k4[32], sig[32];
    hmac(k.data, k.len, date, k1);
    hmac(k1, 32, s->region, k2);
    hmac(k2, 32, s->service, k3);
    hmac(k3, 32, "aws4_request", k4);
    hmac(k4, 32, sb_str(&sts), sig);
    sb_appendf(
        out, "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s",
        s->access_key, date, s->region, s->service, sb_str(&signed_headers),
        hash_hex(sig, 32, hex));
    memset(k.data, 0, k.len);
    sb_free(&canon);
    sb_free(&signed_headers);
    sb_free(&sts);
    sb_free(&k);
}

void sigv4_amz_date(int64_t ms, char *out) {
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}
