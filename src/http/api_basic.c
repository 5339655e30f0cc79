/* GET /api/health and GET /metrics (see api_basic.h). */
#include "http/api_basic.h"

#include "http/http_server.h"
#include "http/metrics.h"
#include "server/status.h"
#include "server/version.h"

static void health(HttpRequest *req, HttpResponse *resp) {
    json_t *j = json_object();
    json_object_set_new(j, "status", json_string("OK"));
    json_object_set_new(j, "version", json_string(CAIRN_VERSION));
    json_object_set_new(j, "uptime_seconds", json_integer(server_uptime_seconds()));
    json_object_set_new(j, "connections", json_integer(atomic_load(&server_status.connections_current)));
    http_resp_json(resp, 200, j);
}

static void metrics(HttpRequest *req, HttpResponse *resp) {
    StrBuf sb = STRBUF_INIT;
    metrics_render(&sb);
    http_resp_text(resp, 200, "text/plain; version=0.0.4; charset=utf-8", sb_str(&sb), sb.len);
    sb_free(&sb);
}

void http_api_basic_register(void) {
    metrics_register_builtin();
    http_register_route("GET", "/api/health", health);
    http_register_route("GET", "/metrics", metrics);
}
