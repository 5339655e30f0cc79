/* The HTTP server base (libmicrohttpd on http_port): modules register routes with path parameters
 * ("/api/{db}/{table}/_stream_load"); a route either gets the whole body buffered (small requests) or
 * streams it through a per-request body callback (Stream Load keeps memory bounded that way).
 * Handlers run on libmicrohttpd's connection threads; one request is only ever touched by one thread. */
#ifndef CAIRN_HTTP_HTTP_SERVER_H
#define CAIRN_HTTP_HTTP_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "util/strbuf.h"

typedef struct HttpRequest HttpRequest;   /* opaque; valid from start to done of one request */
typedef struct HttpResponse HttpResponse; /* opaque; filled by the handler */

/* Builds the response once the body is in (buffered, or streamed through on_body). */
typedef void (*HttpHandlerFn)(HttpRequest *req, HttpResponse *resp);

typedef struct HttpRouteOps {
    HttpHandlerFn handler; /* required */
    /* Optional, called when the headers are in and before any body byte: may answer early (e.g. 401) by
     * filling resp and returning STATUS_ERROR; the body is then not read. */
    Status (*on_start)(HttpRequest *req, HttpResponse *resp, Error *err);
    /* Optional: receives the body in chunks as it arrives (not buffered). A failure ends the upload and
     * the handler sees http_req_failed() with the error. */
    Status (*on_body)(HttpRequest *req, const char *data, size_t len, Error *err);
    /* Optional: the request is over (answered or aborted): free what on_start attached. */
    void (*on_done)(HttpRequest *req);
    size_t max_body; /* buffered routes: largest body accepted (0 = 16 MiB); larger: 413 */
} HttpRouteOps;

/* Registers a route. method "GET", "PUT", ...; pattern segments "{name}" match one path segment.
 * Register before http_server_start. Later registrations of the same method+pattern win. */
void http_register_route(const char *method, const char *pattern, HttpHandlerFn handler);
void http_register_route_ex(const char *method, const char *pattern, const HttpRouteOps *ops);

Status http_server_start(const char *bind, int port, Error *err) MUST_CHECK;
int http_server_port(void); /* the bound port (port 0 asks for any free port) */
void http_server_stop(void);

/* Request accessors (strings owned by the request). */
const char *http_req_method(const HttpRequest *req);
const char *http_req_path(const HttpRequest *req);
const char *http_req_param(const HttpRequest *req, const char *name);  /* path parameter, NULL if none */
const char *http_req_query(const HttpRequest *req, const char *name);  /* ?name=value, NULL if none */
const char *http_req_header(const HttpRequest *req, const char *name); /* case-insensitive, NULL if none */
const char *http_req_client_ip(const HttpRequest *req);
/* The buffered body of a route without on_body ("" when empty). */
const char *http_req_body(const HttpRequest *req, size_t *len);
/* Basic auth from the Authorization header: false when absent or malformed. */
bool http_req_basic_auth(const HttpRequest *req, char *user, size_t user_n, char *password, size_t password_n);
/* Per-request state for the route's callbacks. */
void http_req_set_data(HttpRequest *req, void *data);
void *http_req_data(const HttpRequest *req);
/* Non-NULL when on_body failed: the error it returned. */
const Error *http_req_failed(const HttpRequest *req);

/* Response builders (the last call wins for status and body). */
void http_resp_status(HttpResponse *resp, int status);
void http_resp_header(HttpResponse *resp, const char *name, const char *value);
void http_resp_text(HttpResponse *resp, int status, const char *content_type, const char *body, size_t len);
/* Serialises json (and takes the reference) as application/json. */
void http_resp_json(HttpResponse *resp, int status, json_t *json);
/* {"status": "FAILED", "msg": "<err->msg>"} with an HTTP status chosen from the error class. */
void http_resp_error(HttpResponse *resp, int status, const Error *err);

/* Decodes a basic auth header value ("Basic base64(user:pass)"); exposed for tests. */
bool http_parse_basic_auth(const char *header, char *user, size_t user_n, char *password, size_t password_n);

#endif
