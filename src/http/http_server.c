/* The HTTP server (see http_server.h): libmicrohttpd with one thread per connection (a Stream Load
 * handler may run for minutes), our own listening socket (so --bind and port 0 work the same as for
 * MySQL), and a route table matched segment by segment. */
#include "http/http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/status.h"
#include "util/log.h"
#include "util/vec.h"

#define MAX_PARAMS 8
#define DEFAULT_MAX_BODY (16u << 20)

typedef struct Route {
    char *method;
    char *pattern;
    HttpRouteOps ops;
} Route;

struct HttpRequest {
    struct MHD_Connection *conn;
    const Route *route;
    char *method, *path;
    char *param_names[MAX_PARAMS];
    char *param_values[MAX_PARAMS];
    int nparams;
    StrBuf body;
    bool body_too_large;
    bool answered; /* a response was queued already (early reply from on_start) */
    Error failed;
    bool has_failed;
    void *data;
    char client_ip[64];
};

typedef struct Header {
    char *name, *value;
} Header;

struct HttpResponse {
    int status;
    char *content_type;
    StrBuf body;
    VEC(Header) headers;
};

static VEC(Route) routes; /* filled before start, read-only while serving */
static struct MHD_Daemon *daemon_;
static int listen_fd = -1;
static int bound_port;

void http_register_route_ex(const char *method, const char *pattern, const HttpRouteOps *ops) {
    for (size_t i = 0; i < routes.len; i++)
        if (!strcmp(routes.items[i].method, method) && !strcmp(routes.items[i].pattern, pattern)) {
            routes.items[i].ops = *ops;
            return;
        }
    Route r = {strdup(method), strdup(pattern), *ops};
    vec_push(&routes, r);
}

void http_register_route(const char *method, const char *pattern, HttpHandlerFn handler) {
    HttpRouteOps ops = {0};
    ops.handler = handler;
    http_register_route_ex(method, pattern, &ops);
}

/* Matches path against pattern, capturing {name} segments into req. */
static bool route_match(const char *pattern, const char *path, HttpRequest *req) {
    int n = 0;
    const char *p = pattern, *u = path;
    while (*p && *u) {
        if (*p != '/' || *u != '/') return false;
        p++;
        u++;
        const char *pe = strchr(p, '/'), *ue = strchr(u, '/');
        size_t pl = pe ? (size_t)(pe - p) : strlen(p), ul = ue ? (size_t)(ue - u) : strlen(u);
        if (pl >= 2 && p[0] == '{' && p[pl - 1] == '}') {
            if (ul == 0 || n >= MAX_PARAMS) return false;
            req->param_names[n] = strndup(p + 1, pl - 2);
            req->param_values[n] = strndup(u, ul);
            n++;
        } else if (pl != ul || memcmp(p, u, pl) != 0) {
            return false;
        }
        p += pl;
        u += ul;
    }
    /* a trailing slash on the request is tolerated */
    if (!*p && (!*u || !strcmp(u, "/"))) {
        req->nparams = n;
        return true;
    }
    return false;
}

static void clear_params(HttpRequest *req) {
    for (int i = 0; i < MAX_PARAMS; i++) {
        free(req->param_names[i]);
        free(req->param_values[i]);
        req->param_names[i] = req->param_values[i] = NULL;
    }
    req->nparams = 0;
}

static const Route *find_route(HttpRequest *req, bool *path_known) {
    *path_known = false;
    for (size_t i = 0; i < routes.len; i++) {
        clear_params(req);
        if (!route_match(routes.items[i].pattern, req->path, req)) continue;
        *path_known = true;
        if (!strcmp(routes.items[i].method, req->method)) return &routes.items[i];
    }
    clear_params(req);
    return NULL;
}

/* ---------------------------------------------------------------- responses */

static void resp_init(HttpResponse *r) {
    memset(r, 0, sizeof *r);
    r->status = 200;
    sb_init(&r->body);
}

static void resp_free(HttpResponse *r) {
    free(r->content_type);
    sb_free(&r->body);
    for (size_t i = 0; i < r->headers.len; i++) {
        free(r->headers.items[i].name);
        free(r->headers.items[i].value);
    }
    vec_free(&r->headers);
}

void http_resp_status(HttpResponse *resp, int status) {
    resp->status = status;
}

void http_resp_header(HttpResponse *resp, const char *name, const char *value) {
    Header h = {strdup(name), strdup(value)};
    vec_push(&resp->headers, h);
}

void http_resp_text(HttpResponse *resp, int status, const char *content_type, const char *body, size_t len) {
    resp->status = status;
    free(resp->content_type);
    resp->content_type = strdup(content_type ? content_type : "text/plain; charset=utf-8");
    sb_reset(&resp->body);
    sb_appendn(&resp->body, body, len);
}

void http_resp_json(HttpResponse *resp, int status, json_t *json) {
    char *text = json_dumps(json, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
    http_resp_text(resp, status, "application/json", text ? text : "null", text ? strlen(text) : 4);
    free(text);
    json_decref(json);
}

void http_resp_error(HttpResponse *resp, int status, const Error *err) {
    if (status == 0) {
        switch (err_class(err->code)) {
        case ERRCLASS_USER: status = 400; break;
        case ERRCLASS_AUTH: status = 401; break;
        case ERRCLASS_STATE: status = 409; break;
        case ERRCLASS_TRANSIENT: status = 503; break;
        default: status = 500;
        }
    }
    json_t *j = json_object();
    json_object_set_new(j, "status", json_string("FAILED"));
    json_object_set_new(j, "msg", json_string(err->msg));
    json_object_set_new(j, "code", json_integer(err_mysql_errno(err->code)));
    http_resp_json(resp, status, j);
}

static enum MHD_Result queue(HttpRequest *req, HttpResponse *r) {
    struct MHD_Response *mr = MHD_create_response_from_buffer(r->body.len, r->body.data ? r->body.data : (void *)"",
                                                              MHD_RESPMEM_MUST_COPY);
    if (!mr) return MHD_NO;
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE,
                            r->content_type ? r->content_type : "text/plain; charset=utf-8");
    for (size_t i = 0; i < r->headers.len; i++)
        MHD_add_response_header(mr, r->headers.items[i].name, r->headers.items[i].value);
    enum MHD_Result rc = MHD_queue_response(req->conn, (unsigned)r->status, mr);
    MHD_destroy_response(mr);
    req->answered = true;
    return rc;
}

static enum MHD_Result queue_simple(HttpRequest *req, int status, const char *msg) {
    Error e = ERROR_INIT;
    err_set(&e, ERR_INVALID_ARGUMENT, "%s", msg);
    HttpResponse r;
    resp_init(&r);
    http_resp_error(&r, status, &e);
    enum MHD_Result rc = queue(req, &r);
    resp_free(&r);
    return rc;
}

/* ---------------------------------------------------------------- request accessors */

const char *http_req_method(const HttpRequest *req) {
    return req->method;
}

const char *http_req_path(const HttpRequest *req) {
    return req->path;
}

const char *http_req_param(const HttpRequest *req, const char *name) {
    for (int i = 0; i < req->nparams; i++)
        if (!strcmp(req->param_names[i], name)) return req->param_values[i];
    return NULL;
}

const char *http_req_query(const HttpRequest *req, const char *name) {
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_req_header(const HttpRequest *req, const char *name) {
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_req_client_ip(const HttpRequest *req) {
    return req->client_ip;
}

const char *http_req_body(const HttpRequest *req, size_t *len) {
    if (len) *len = req->body.len;
    return sb_str(&req->body);
}

void http_req_set_data(HttpRequest *req, void *data) {
    req->data = data;
}

void *http_req_data(const HttpRequest *req) {
    return req->data;
}

const Error *http_req_failed(const HttpRequest *req) {
    return req->has_failed ? &req->failed : NULL;
}

bool http_parse_basic_auth(const char *header, char *user, size_t user_n, char *password, size_t password_n) {
    if (!header || strncasecmp(header, "Basic ", 6) != 0) return false;
    const char *b64 = header + 6;
    while (*b64 == ' ') b64++;
    size_t n = strlen(b64);
    while (n > 0 && (b64[n - 1] == ' ' || b64[n - 1] == '\r' || b64[n - 1] == '\n')) n--;
    if (n == 0 || n % 4 != 0 || n > 4096) return false;
    unsigned char out[3072 + 4];
    int got = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
    if (got < 0) return false;
    /* EVP_DecodeBlock counts the padding as zero bytes */
    if (b64[n - 1] == '=') got--;
    if (b64[n - 2] == '=') got--;
    out[got] = '\0';
    char *colon = memchr(out, ':', (size_t)got);
    if (!colon) return false;
    size_t ul = (size_t)(colon - (char *)out), pl = (size_t)got - ul - 1;
    if (ul >= user_n || pl >= password_n) return false;
    memcpy(user, out, ul);
    user[ul] = '\0';
    memcpy(password, colon + 1, pl);
    password[pl] = '\0';
    /* the decoded password must not linger on the stack */
    OPENSSL_cleanse(out, sizeof out);
    return true;
}

bool http_req_basic_auth(const HttpRequest *req, char *user, size_t user_n, char *password, size_t password_n) {
    return http_parse_basic_auth(http_req_header(req, MHD_HTTP_HEADER_AUTHORIZATION), user, user_n, password,
                                 password_n);
}

/* ---------------------------------------------------------------- libmicrohttpd callbacks */

static void client_ip(struct MHD_Connection *conn, char *out, size_t n) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, n, "unknown");
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    char host[NI_MAXHOST];
    socklen_t sl = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (getnameinfo(sa, sl, host, sizeof host, NULL, 0, NI_NUMERICHOST) == 0)
        snprintf(out, n, "%s", strncmp(host, "::ffff:", 7) == 0 ? host + 7 : host);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
    HttpRequest *req = *con_cls;
    if (!req) {
        /* First call: headers are in. */
        atomic_fetch_add(&server_status.http_requests_total, 1);
        req = calloc(1, sizeof *req);
        req->conn = conn;
        req->method = strdup(method);
        req->path = strdup(url);
        sb_init(&req->body);
        client_ip(conn, req->client_ip, sizeof req->client_ip);
        *con_cls = req;
        bool path_known;
        req->route = find_route(req, &path_known);
        if (!req->route) {
            char msg[512];
            snprintf(msg, sizeof msg, path_known ? "method %s is not allowed on %s" : "no such endpoint: %s %s",
                     method, url);
            return queue_simple(req, path_known ? 405 : 404, msg);
        }
        if (req->route->ops.on_start) {
            HttpResponse r;
            resp_init(&r);
            Error err = ERROR_INIT;
            if (req->route->ops.on_start(req, &r, &err)) {
                if (!r.body.len) http_resp_error(&r, 0, &err);
                enum MHD_Result rc = queue(req, &r);
                resp_free(&r);
                return rc;
            }
            resp_free(&r);
        }
        return MHD_YES;
    }
    if (req->answered) {
        *upload_data_size = 0; /* discard the rest of a body we already refused */
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        const HttpRouteOps *ops = &req->route->ops;
        if (ops->on_body) {
            if (!req->has_failed && ops->on_body(req, upload_data, *upload_data_size, &req->failed))
                req->has_failed = true;
        } else {
            size_t max = ops->max_body ? ops->max_body : DEFAULT_MAX_BODY;
            if (req->body.len + *upload_data_size > max) req->body_too_large = true;
            else sb_appendn(&req->body, upload_data, *upload_data_size);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    /* Last call: the whole body is in. */
    if (req->body_too_large) {
        char msg[128];
        snprintf(msg, sizeof msg, "request body larger than %zu bytes",
                 req->route->ops.max_body ? req->route->ops.max_body : (size_t)DEFAULT_MAX_BODY);
        return queue_simple(req, 413, msg);
    }
    HttpResponse r;
    resp_init(&r);
    req->route->ops.handler(req, &r);
    enum MHD_Result rc = queue(req, &r);
    resp_free(&r);
    return rc;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe) {
    HttpRequest *req = *con_cls;
    if (!req) return;
    if (req->route && req->route->ops.on_done) req->route->ops.on_done(req);
    clear_params(req);
    free(req->method);
    free(req->path);
    sb_free(&req->body);
    free(req);
    *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap) {
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && msg[n - 1] == '\n') msg[--n] = '\0';
    log_warn("http: %s", msg);
}

Status http_server_start(const char *bind_addr, int port, Error *err) {
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char ps[16];
    snprintf(ps, sizeof ps, "%d", port);
    int rc = getaddrinfo(bind_addr && *bind_addr ? bind_addr : NULL, ps, &hints, &res);
    if (rc != 0)
        return err_set(err, ERR_INVALID_ARGUMENT, "cannot use bind address '%s': %s", bind_addr ? bind_addr : "",
                       gai_strerror(rc));
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 128) != 0) {
        int e = errno;
        freeaddrinfo(res);
        if (fd >= 0) close(fd);
        return err_set(err, ERR_IO, "cannot listen on %s:%d for HTTP: %s%s", bind_addr, port, strerror(e),
                       e == EADDRINUSE ? " (another process uses the port: pick another --http-port)" : "");
    }
    freeaddrinfo(res);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    bound_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                : ((struct sockaddr_in *)&ss)->sin_port);
    daemon_ = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                                   MHD_USE_ERROR_LOG | MHD_USE_ITC,
                               0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
                               MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                               MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)600, MHD_OPTION_CONNECTION_LIMIT,
                               (unsigned)512, MHD_OPTION_END);
    if (!daemon_) {
        close(fd);
        return err_set(err, ERR_IO, "cannot start the HTTP server on %s:%d (libmicrohttpd refused)", bind_addr, port);
    }
    listen_fd = fd;
    log_info("HTTP listening on %s:%d", bind_addr, bound_port);
    return STATUS_OK;
}

int http_server_port(void) {
    return bound_port;
}

void http_server_stop(void) {
    if (!daemon_) return;
    MHD_stop_daemon(daemon_);
    daemon_ = NULL;
    /* MHD_stop_daemon closes a socket given with MHD_OPTION_LISTEN_SOCKET itself */
    listen_fd = -1;
    log_info("HTTP server stopped");
}
