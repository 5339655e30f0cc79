/* Stream Load over HTTP: PUT /api/{db}/{table}/_stream_load (basic auth against the users module, INSERT
 * privilege, the body streamed into stream_load.c chunk by chunk) and GET /api/_load_error_log?file=...
 * Failures of the load itself are HTTP 200 with Status "Fail" (as StarRocks); bad credentials are 401. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/auth.h"
#include "http/http_server.h"
#include "load/load.h"
#include "load/load_error_log.h"
#include "load/stream_load.h"
#include "server/config.h"
#include "sql/session.h"

typedef struct LoadReq {
    Session *s;
    StreamLoad *sl;
} LoadReq;

static const char *req_header(void *ctx, const char *name) {
    return http_req_header(ctx, name);
}

static Status sl_on_start(HttpRequest *req, HttpResponse *resp, Error *err) {
    const char *db = http_req_param(req, "db"), *table = http_req_param(req, "table");
    const char *label = http_req_header(req, "label");
    char user[NAME_MAX_LEN + 1], password[256];
    if (!http_req_basic_auth(req, user, sizeof user, password, sizeof password)) {
        http_resp_header(resp, "WWW-Authenticate", "Basic realm=\"cairn\"");
        http_resp_json(resp, 401,
                       stream_load_fail_reply(label, "no valid Basic authorization: use curl -u user:password"));
        return err_set(err, ERR_ACCESS_DENIED, "no credentials");
    }
    Error aerr = ERROR_INIT;
    if (auth_check_plain_password(user, http_req_client_ip(req), password, &aerr)) {
        memset(password, 0, sizeof password);
        http_resp_json(resp, 401, stream_load_fail_reply(label, aerr.msg));
        return err_copy(err, &aerr);
    }
    memset(password, 0, sizeof password);
    LoadReq *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->s = session_new(0, user, http_req_client_ip(req));
    snprintf(r->s->db, sizeof r->s->db, "%s", db ? db : "");
    http_req_set_data(req, r);
    json_t *reply = NULL;
    if (stream_load_begin(r->s, db, table, req_header, req, &r->sl, &reply)) {
        http_resp_json(resp, 200, reply);
        return err_set(err, ERR_COMMON, "stream load refused");
    }
    return STATUS_OK;
}

static Status sl_on_body(HttpRequest *req, const char *data, size_t len, Error *err) {
    LoadReq *r = http_req_data(req);
    if (!r || !r->sl) return err_set(err, ERR_INTERNAL, "stream load body without a load");
    return stream_load_feed(r->sl, data, len, err);
}

static void sl_handler(HttpRequest *req, HttpResponse *resp) {
    LoadReq *r = http_req_data(req);
    if (!r || !r->sl) {
        http_resp_json(resp, 200, stream_load_fail_reply(http_req_header(req, "label"), "the load did not start"));
        return;
    }
    char base[300];
    const char *host = http_req_header(req, "Host");
    if (host && *host)
        snprintf(base, sizeof base, "http://%s", host);
    else
        snprintf(base, sizeof base, "http://%s:%lld", config_get("bind"), (long long)config_get_int("http_port"));
    json_t *reply = stream_load_finish(r->sl, http_req_failed(req), base);
    http_resp_json(resp, 200, reply);
}

static void sl_on_done(HttpRequest *req) {
    LoadReq *r = http_req_data(req);
    if (!r) return;
    stream_load_free(r->sl);
    session_free(r->s);
    free(r);
    http_req_set_data(req, NULL);
}

static void error_log_handler(HttpRequest *req, HttpResponse *resp) {
    StrBuf sb = STRBUF_INIT;
    Error err = ERROR_INIT;
    if (load_error_log_read(http_req_query(req, "file"), &sb, &err)) {
        http_resp_error(resp, err.code == ERR_FS_NOT_FOUND ? 404 : 400, &err);
    } else {
        http_resp_text(resp, 200, "text/plain; charset=utf-8", sb_str(&sb), sb.len);
    }
    sb_free(&sb);
}

void load_register_http(void) {
    HttpRouteOps ops = {0};
    ops.handler = sl_handler;
    ops.on_start = sl_on_start;
    ops.on_body = sl_on_body;
    ops.on_done = sl_on_done;
    http_register_route_ex("PUT", "/api/{db}/{table}/_stream_load", &ops);
    http_register_route("GET", "/api/_load_error_log", error_log_handler);
}
