/* HTTP for the remote drivers, over libcurl: a pool of easy handles sharing one connection cache
 * (so threads reuse keep-alive connections), whole-body requests, and pull-style streaming GETs
 * that never hold more than what the socket delivered. This layer reports transport failures
 * (ERR_FS_TRANSIENT) but does not interpret HTTP statuses: each driver maps its store's error
 * bodies. URLs in messages lose their query string (a SAS token or signature never reaches a
 * message). */
#ifndef CAIRN_FS_HTTP_H
#define CAIRN_FS_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

#include "fs/fs.h"
#include "util/strbuf.h"

typedef struct HttpConfig {
    long connect_timeout_ms; /* default 10000 */
    long low_speed_time_s; /* a transfer slower than 1 KiB/s for this long fails (timeout); default
                              60 */
    bool insecure;         /* skip TLS verification (fs.http.insecure_tls = true; tests only) */
    const char *ca_file;   /* fs.http.ca_file, or NULL for the system store; copied */
    const char
        *resolve; /* fs.http.resolve "host:port:addr[,host:port:addr]" (curl --resolve); copied */
} HttpConfig;

/* Reads fs.http.* properties into cfg (strings point into props). */
Status http_config_from_props(HttpConfig *cfg, const FsProp *props, int nprops,
                              Error *err) MUST_CHECK;

typedef struct HttpPool HttpPool; /* thread-safe */
HttpPool *http_pool_new(const HttpConfig *cfg);
void http_pool_free(HttpPool *p);

typedef struct HttpRequest {
    const char *method;         /* "GET", "PUT", "POST", "DELETE", "HEAD" */
    const char *url;            /* fully encoded */
    struct curl_slist *headers; /* not owned */
    const void *body;           /* request body, or NULL */
    size_t body_len;
    bool follow_redirects;
} HttpRequest;

typedef struct HttpResponse {
    long status;
    StrBuf
        body; /* response body (bounded to 1 MiB for whole-body requests unless asked otherwise) */
    StrBuf headers; /* the final response's header lines */
} HttpResponse;

void http_response_init(HttpResponse *r);
void http_response_free(HttpResponse *r);
/* Copies the value of header name (case-insensitive) into buf; returns buf, or NULL if absent. */
const char *http_response_header(const HttpResponse *r, const char *name, char *buf, size_t cap);

/* Sends a request and collects the whole response. Fails only on transport errors. */
Status http_perform(HttpPool *p, const HttpRequest *req, HttpResponse *resp, Error *err) MUST_CHECK;

/* A streaming GET. http_stream_open returns once the status is known; for a status >= 300 the
 * (small) error body is already in head->body and the stream is finished. */
typedef struct HttpStream HttpStream;
Status http_stream_open(HttpPool *p, const HttpRequest *req, HttpStream **out, HttpResponse *head,
                        Error *err) MUST_CHECK;
/* Reads up to cap bytes; *got == 0 at the end. A cut connection is ERR_FS_TRANSIENT. */
Status http_stream_read(HttpStream *s, void *buf, size_t cap, size_t *got, Error *err) MUST_CHECK;
void http_stream_close(HttpStream *s);

/* Fills st from a successful HEAD of an object: exists, Content-Length, Last-Modified. */
void http_response_to_stat(const HttpResponse *resp, FsStat *st);

/* Where a reader of a remote object stands: the next byte's offset, reconnections so far, end of body. */
typedef struct HttpReadPos {
    int64_t pos;
    int resumes;
    bool eof;
} HttpReadPos;

/* Reads from *stream; when the connection breaks with a retryable error, calls reopen(reopen_ctx) under the
 * retry policy (it must replace *stream with one starting at rp->pos) and reads on, at most max_attempts
 * reconnections per reader. A final error names the object (display, sep, path) and the offset. */
struct FsRetryPolicy;
Status http_read_resuming(HttpStream **stream, HttpReadPos *rp, const struct FsRetryPolicy *retry,
                          Status (*reopen)(void *ctx, Error *err), void *reopen_ctx, const char *display,
                          const char *sep, const char *path, void *buf, size_t cap, size_t *got,
                          Error *err) MUST_CHECK;

/* The URL without its query string, for messages. Writes into buf. */
const char *http_url_for_msg(const char *url, char *buf, size_t cap);

#endif
