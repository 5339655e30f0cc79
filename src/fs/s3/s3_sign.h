/* AWS Signature Version 4 (header form), built by hand over OpenSSL rather than libcurl's
 * CURLOPT_AWS_SIGV4: curl 7.88 neither sorts nor encodes the query string, which real S3 and
 * signature-checking fakes reject. Used for S3 (service "s3") and STS (service "sts"). */
#ifndef CAIRN_FS_S3_SIGN_H
#define CAIRN_FS_S3_SIGN_H

#include <stdint.h>

#include "util/strbuf.h"

typedef struct SigV4Param {
    const char *key;   /* raw (unencoded) */
    const char *value; /* raw; NULL or "" gives "key=" */
} SigV4Param;

typedef struct SigV4Header {
    const char *name; /* any case; lowercased for signing */
    const char *value;
} SigV4Header;

typedef struct SigV4Request {
    const char *method;
    const char
        *canonical_uri; /* the path exactly as sent, already percent-encoded ("/bucket/a%20b"); S3
                         * rules: not normalised or encoded again (STS requests use "/") */
    const SigV4Param *query;
    int nquery;
    const SigV4Header *headers; /* every header to sign; must include host and x-amz-date */
    int nheaders;
    const char *payload_hash; /* lowercase hex SHA-256 of the body, or "UNSIGNED-PAYLOAD" */
} SigV4Request;

typedef struct SigV4Scope {
    const char *access_key;
    const char *secret_key;
    const char *region;
    const char *service;
    const char *amz_date; /* "20150830T123600Z" */
} SigV4Scope;

/* The query string as it must be sent and signed: RFC 3986-encoded keys and values sorted by key,
 * then value. */
void sigv4_canonical_query(const SigV4Param *q, int n, StrBuf *out);
/* The canonical request (step 1 of the algorithm), exposed for tests. */
void sigv4_canonical_request(const SigV4Request *r, StrBuf *out, StrBuf *signed_headers);
/* The Authorization header value: "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
 * Signature=...". */
void sigv4_authorization(const SigV4Request *r, const SigV4Scope *s, StrBuf *out);
/* Formats ms since the epoch as an x-amz-date ("YYYYMMDDTHHMMSSZ"); out >= 17 bytes. */
void sigv4_amz_date(int64_t ms, char *out);
/* Lowercase hex SHA-256 of a buffer; out >= 65 bytes. */
void sigv4_sha256_hex(const void *p, size_t n, char *out);

#endif
