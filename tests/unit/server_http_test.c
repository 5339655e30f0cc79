/* The HTTP server base (http/): routing with path parameters, 404/405, query and header access, basic
 * auth, buffered and streamed bodies (a 64 MiB upload must not be buffered), early replies from on_start,
 * body limits, JSON replies, and the built-in /api/health and /metrics endpoints; driven by curl. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "http/api_basic.h"
#include "http/http_server.h"
#include "http/metrics.h"
#include "test.h"
#include "util/log.h"

static int port;

static char *run(const char *cmd, int *status) {
    FILE *f = popen(cmd, "r");
    size_t cap = 4096, len = 0, k;
    char *buf = malloc(cap);
    while ((k = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += k;
        if (cap - len < 2) buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    int rc = pclose(f);
    *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return buf;
}

/* curl -s with a status line appended: "<body>\n<code>" */
static char *curl(const char *args) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "curl -s -w '\\n%%{http_code}' %s 2>&1", args);
    int rc;
    return run(cmd, &rc);
}

static void echo_params(HttpRequest *req, HttpResponse *resp) {
    char user[64] = "-", pass[64] = "-";
    http_req_basic_auth(req, user, sizeof user, pass, sizeof pass);
    size_t n;
    http_req_body(req, &n);
    const char *q = http_req_query(req, "label");
    const char *h = http_req_header(req, "x-format");
    char text[512];
    int len = snprintf(text, sizeof text, "%s %s db=%s table=%s label=%s format=%s user=%s pass=%s body=%zu",
                       http_req_method(req), http_req_path(req), http_req_param(req, "db"),
                       http_req_param(req, "table"), q ? q : "-", h ? h : "-", user, pass, n);
    http_resp_text(resp, 200, NULL, text, (size_t)len);
}

/* A streamed upload: counts bytes and checks the content without keeping it. */
typedef struct Upload {
    size_t bytes;
    size_t chunks;
    int bad;
} Upload;

static _Atomic int uploads_done;

static Status up_start(HttpRequest *req, HttpResponse *resp, Error *err) {
    char user[64], pass[64];
    if (!http_req_basic_auth(req, user, sizeof user, pass, sizeof pass) || strcmp(pass, "pw") != 0)
        return err_set(err, ERR_ACCESS_DENIED, "Access denied for user '%s'", user);
    http_req_set_data(req, calloc(1, sizeof(Upload)));
    return STATUS_OK;
}

static Status up_body(HttpRequest *req, const char *data, size_t len, Error *err) {
    Upload *u = http_req_data(req);
    for (size_t i = 0; i < len; i++)
        if (data[i] != 'z') u->bad = 1;
    u->bytes += len;
    u->chunks++;
    if (u->bytes > (size_t)100 << 20) return err_set(err, ERR_INVALID_ARGUMENT, "too much");
    return STATUS_OK;
}

static void up_handler(HttpRequest *req, HttpResponse *resp) {
    Upload *u = http_req_data(req);
    /* the body was never buffered by the server */
    size_t buffered;
    http_req_body(req, &buffered);
    json_t *j = json_object();
    json_object_set_new(j, "Status", json_string(u->bad ? "Fail" : "Success"));
    json_object_set_new(j, "bytes", json_integer((json_int_t)u->bytes));
    json_object_set_new(j, "buffered", json_integer((json_int_t)buffered));
    json_object_set_new(j, "streamed", json_boolean(u->chunks > 1));
    http_resp_json(resp, 200, j);
}

static void up_done(HttpRequest *req) {
    free(http_req_data(req));
    atomic_fetch_add(&uploads_done, 1);
}

TEST(routes_and_params) {
    char url[512];
    snprintf(url, sizeof url, "-u alice:s3cr:t 'http://127.0.0.1:%d/api/db1/t%%201/_echo?label=l1' -H 'X-Format: csv'",
             port);
    char *out = curl(url);
    CHECK_STR(out, "GET /api/db1/t 1/_echo db=db1 table=t 1 label=l1 format=csv user=alice pass=s3cr:t body=0\n200");
    free(out);
    snprintf(url, sizeof url, "-X POST --data-binary 'hello' http://127.0.0.1:%d/api/d/t/_echo", port);
    out = curl(url);
    CHECK_STR(out, "POST /api/d/t/_echo db=d table=t label=- format=- user=- pass=- body=5\n200");
    free(out);
    snprintf(url, sizeof url, "-X DELETE http://127.0.0.1:%d/api/d/t/_echo", port);
    out = curl(url);
    CHECK(strstr(out, "\"msg\": \"method DELETE is not allowed on /api/d/t/_echo\"") != NULL);
    CHECK(strstr(out, "\n405") != NULL);
    free(out);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/api/d/_echo", port);
    out = curl(url);
    CHECK(strstr(out, "\"msg\": \"no such endpoint: GET /api/d/_echo\"") != NULL);
    CHECK(strstr(out, "\n404") != NULL);
    free(out);
}

TEST(buffered_body_limit) {
    char cmd[700];
    snprintf(cmd, sizeof cmd,
             "head -c 20000000 /dev/zero | curl -s -w '\\n%%{http_code}' -X POST -H 'Expect:' --data-binary @- "
             "http://127.0.0.1:%d/api/d/t/_echo",
             port);
    int rc;
    char *out = run(cmd, &rc);
    CHECK(strstr(out, "request body larger than 16777216 bytes") != NULL);
    CHECK(strstr(out, "\n413") != NULL);
    free(out);
}

TEST(streamed_upload) {
    int before = atomic_load(&uploads_done);
    char cmd[700];
    snprintf(cmd, sizeof cmd,
             "head -c 67108864 /dev/zero | tr '\\0' z | curl -s -w '\\n%%{http_code}' -T - -u root:pw "
             "http://127.0.0.1:%d/api/d/t/_stream",
             port);
    int rc;
    char *out = run(cmd, &rc);
    CHECK_STR(out, "{\n    \"Status\": \"Success\",\n    \"bytes\": 67108864,\n    \"buffered\": 0,\n"
                   "    \"streamed\": true\n}\n200");
    free(out);
    CHECK_INT(atomic_load(&uploads_done), before + 1);
}

TEST(early_reply_from_on_start) {
    char cmd[700];
    snprintf(cmd, sizeof cmd,
             "head -c 1000000 /dev/zero | curl -s -w '\\n%%{http_code}' -T - -u root:wrong "
             "http://127.0.0.1:%d/api/d/t/_stream",
             port);
    int rc;
    char *out = run(cmd, &rc);
    CHECK(strstr(out, "\"msg\": \"Access denied for user 'root'\"") != NULL);
    CHECK(strstr(out, "\"code\": 1045") != NULL);
    CHECK(strstr(out, "\n401") != NULL);
    free(out);
}

TEST(basic_auth_parsing) {
    char u[32], p[32];
    CHECK(http_parse_basic_auth("Basic cm9vdDo=", u, sizeof u, p, sizeof p));
    CHECK_STR(u, "root");
    CHECK_STR(p, "");
    CHECK(http_parse_basic_auth("basic YTpiOmM=", u, sizeof u, p, sizeof p));
    CHECK_STR(u, "a");
    CHECK_STR(p, "b:c");
    CHECK(!http_parse_basic_auth("Bearer abc", u, sizeof u, p, sizeof p));
    CHECK(!http_parse_basic_auth("Basic !!!!", u, sizeof u, p, sizeof p));
    CHECK(!http_parse_basic_auth("Basic bm9jb2xvbg==", u, sizeof u, p, sizeof p)); /* "nocolon" */
    CHECK(!http_parse_basic_auth(NULL, u, sizeof u, p, sizeof p));
}

TEST(health_and_metrics) {
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/api/health", port);
    char *out = curl(url);
    CHECK(strncmp(out, "{\n    \"status\": \"OK\",\n    \"version\": \"0.1.0\",", 44) == 0);
    CHECK(strstr(out, "\n200") != NULL);
    free(out);
    metrics_counter_add("cairn_test_bytes_total{repo=\"r1\"}", "Bytes for a test", 5);
    metrics_counter_add("cairn_test_bytes_total{repo=\"r1\"}", "Bytes for a test", 2.5);
    metrics_counter_add("cairn_test_bytes_total{repo=\"r2\"}", "Bytes for a test", 1);
    metrics_gauge_set("cairn_test_gauge", "A gauge", 3);
    CHECK(metrics_value("cairn_test_bytes_total{repo=\"r1\"}") == 7.5);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/metrics", port);
    out = curl(url);
    CHECK(strstr(out, "# HELP cairn_test_bytes_total Bytes for a test\n# TYPE cairn_test_bytes_total counter\n"
                      "cairn_test_bytes_total{repo=\"r1\"} 7.500000\ncairn_test_bytes_total{repo=\"r2\"} 1\n") != NULL);
    CHECK(strstr(out, "# TYPE cairn_test_gauge gauge\ncairn_test_gauge 3\n") != NULL);
    CHECK(strstr(out, "# TYPE cairn_queries_total counter\ncairn_queries_total ") != NULL);
    CHECK(strstr(out, "# TYPE cairn_uptime_seconds gauge\n") != NULL);
    CHECK(strstr(out, "cairn_http_requests_total ") != NULL);
    free(out);
}

int main(void) {
    Error err = ERROR_INIT;
    if (log_open(NULL, LOG_ERROR, 1, &err)) return 1;
    http_api_basic_register();
    http_register_route("GET", "/api/{db}/{table}/_echo", echo_params);
    http_register_route("POST", "/api/{db}/{table}/_echo", echo_params);
    HttpRouteOps up = {up_handler, up_start, up_body, up_done, 0};
    http_register_route_ex("PUT", "/api/{db}/{table}/_stream", &up);
    if (http_server_start("127.0.0.1", 0, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    port = http_server_port();
    RUN(routes_and_params);
    RUN(buffered_body_limit);
    RUN(streamed_upload);
    RUN(early_reply_from_on_start);
    RUN(basic_auth_parsing);
    RUN(health_and_metrics);
    http_server_stop();
    TEST_EXIT();
}
