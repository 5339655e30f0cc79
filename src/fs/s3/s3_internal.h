/* State and helpers shared by the S3 driver's files: s3.c (location, properties, requests, metadata
 * operations) and s3_io.c (streaming reads, buffered and multipart writes). Not part of the public
 * API. */
#ifndef CAIRN_FS_S3_INTERNAL_H
#define CAIRN_FS_S3_INTERNAL_H

#include "fs/driver.h"
#include "fs/http.h"
#include "fs/s3/s3_cred.h"
#include "fs/s3/s3_sign.h"

typedef struct S3 {
    char *display; /* "s3a://bucket" as the user wrote the scheme, for messages */
    char *bucket;
    char *prefix; /* key prefix inside the bucket, no leading or trailing '/'; may be "" */
    char *scheme; /* "http" or "https" */
    char *host;   /* endpoint host[:port] */
    bool path_style;
    char *region;
    HttpPool *pool;
    S3CredProvider *creds;
    int64_t part_size;   /* multipart part size; files up to this size go in one PUT */
    int parallel;        /* parts in flight per writer */
    int list_max_keys;   /* page size for ListObjectsV2 */
    FsRetryPolicy retry; /* copy of fs->retry */
} S3;

/* One S3 request. key NULL = the bucket itself. */
typedef struct S3Req {
    const char *op; /* "read", "write", "list", ... for messages */
    const char *method;
    const char *key; /* full key (prefix included), unencoded */
    const SigV4Param *query;
    int nquery;
    const SigV4Header *extra; /* additional headers to send and sign */
    int nextra;
    const void *body;
    size_t body_len;
} S3Req;

/* Full key for a path relative to the location. Caller frees. */
char *s3_key(const S3 *s3, const char *path);
/* Builds URL, headers (signed) for rq; the returned list must be freed. */
Status s3_prepare(S3 *s3, const S3Req *rq, StrBuf *url, struct curl_slist **headers,
                  Error *err) MUST_CHECK;
/* Turns a non-2xx response into an error naming the object, the status, S3's Code and Message and a
 * hint. */
Status s3_error(const S3 *s3, const S3Req *rq, const HttpResponse *resp, Error *err);
/* Runs rq with retries; a 2xx answer is success, anything else an error (see s3_error). */
Status s3_call(S3 *s3, const S3Req *rq, HttpResponse *resp, Error *err) MUST_CHECK;

Status s3_open_read(Fs *fs, const char *path, int64_t offset, int64_t length, FsReader **out,
                    Error *err);
Status s3_open_write(Fs *fs, const char *path, FsWriter **out, Error *err);

#endif
