/* Stream Load's core in process (no HTTP): headers in, body in chunks, StarRocks' JSON reply out, and the
 * rows as the query engine reads them afterwards. CSV and JSON options, columns mappings with expressions,
 * where, filtered rows with max_filter_ratio and the error log, labels, partitions, strict mode. */
#include <jansson.h>

#include "load/load_error_log.h"
#include "load/stream_load.h"
#include "load_fixture.h"

typedef struct Hdrs {
    const char *kv[40]; /* name, value, name, value, ..., NULL */
} Hdrs;

static const char *hget(void *ctx, const char *name) {
    Hdrs *h = ctx;
    for (int i = 0; h->kv[i]; i += 2)
        if (!strcasecmp(h->kv[i], name)) return h->kv[i + 1];
    return NULL;
}

/* Runs one Stream Load of body (fed in chunks of `chunk` bytes) and returns the reply (caller decrefs). */
static json_t *stream(const char *table, Hdrs *h, const char *body, size_t chunk) {
    StreamLoad *sl;
    json_t *reply = NULL;
    if (stream_load_begin(g_s, "d", table, hget, h, &sl, &reply)) return reply;
    size_t n = strlen(body);
    if (!chunk) chunk = n ? n : 1;
    Error err = ERROR_INIT, *failed = NULL;
    for (size_t off = 0; off < n; off += chunk) {
        size_t k = n - off < chunk ? n - off : chunk;
        if (stream_load_feed(sl, body + off, k, &err)) {
            failed = &err;
            break;
        }
    }
    reply = stream_load_finish(sl, failed, "http://127.0.0.1:8030");
    stream_load_free(sl);
    return reply;
}

static const char *jstr(json_t *j, const char *k) {
    const char *v = json_string_value(json_object_get(j, k));
    return v ? v : "(absent)";
}

static long long jint(json_t *j, const char *k) {
    return json_integer_value(json_object_get(j, k));
}

static void check_counts(json_t *j, const char *status, long long total, long long loaded, long long filtered,
                         long long unselected) {
    CHECK_STR(jstr(j, "Status"), status);
    CHECK_INT(jint(j, "NumberTotalRows"), total);
    CHECK_INT(jint(j, "NumberLoadedRows"), loaded);
    CHECK_INT(jint(j, "NumberFilteredRows"), filtered);
    CHECK_INT(jint(j, "NumberUnselectedRows"), unselected);
    if (strcmp(jstr(j, "Status"), status) != 0) fprintf(stderr, "  Message: %s\n", jstr(j, "Message"));
}

static void std_table(void) {
    setup();
    ok("CREATE DATABASE d; USE d");
    ok("CREATE TABLE t (k INT NOT NULL, v VARCHAR(20), n DECIMAL(10,2), dt DATE) DUPLICATE KEY(k) "
       "DISTRIBUTED BY HASH(k) BUCKETS 3");
}

TEST(csv_basic_reply_fields) {
    std_table();
    Hdrs h = {{"label", "l1", "column_separator", ",", NULL}};
    json_t *j = stream("t", &h, "1,a,1.5,2024-01-01\n2,b,2.25,2024-01-02\n3,\\N,\\N,\\N\n", 7);
    check_counts(j, "Success", 3, 3, 0, 0);
    CHECK_STR(jstr(j, "Label"), "l1");
    CHECK_STR(jstr(j, "Message"), "OK");
    CHECK(jint(j, "TxnId") > 0);
    CHECK_INT(jint(j, "LoadBytes"), 50);
    static const char *fields[] = {"TxnId", "Label", "Status", "Message", "NumberTotalRows", "NumberLoadedRows",
                                   "NumberFilteredRows", "NumberUnselectedRows", "LoadBytes", "LoadTimeMs",
                                   "BeginTxnTimeMs", "StreamLoadPlanTimeMs", "ReadDataTimeMs", "WriteDataTimeMs",
                                   "CommitAndPublishTimeMs"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) CHECK(json_object_get(j, fields[i]) != NULL);
    CHECK(json_object_get(j, "ErrorURL") == NULL);
    json_decref(j);
    check_query("SELECT k, v, n, dt FROM t ORDER BY k", "1|a|1.50|2024-01-01\n2|b|2.25|2024-01-02\n3|\\N|\\N|\\N\n");
    /* the same label again: refused, nothing loaded */
    j = stream("t", &h, "9,z,1,2024-01-01\n", 0);
    CHECK_STR(jstr(j, "Status"), "Label Already Exists");
    CHECK_STR(jstr(j, "ExistingJobStatus"), "FINISHED");
    CHECK(strstr(jstr(j, "Message"), "Label [l1] has already been used") != NULL);
    json_decref(j);
    check_query("SELECT count(*) FROM t", "3\n");
    /* a label held by a load still running is reported as RUNNING */
    Hdrs h2 = {{"label", "l2", "column_separator", ",", NULL}};
    StreamLoad *first;
    json_t *reply = NULL;
    CHECK(stream_load_begin(g_s, "d", "t", hget, &h2, &first, &reply) == STATUS_OK);
    j = stream("t", &h2, "9,z,1,2024-01-01\n", 0);
    CHECK_STR(jstr(j, "Status"), "Label Already Exists");
    CHECK_STR(jstr(j, "ExistingJobStatus"), "RUNNING");
    json_decref(j);
    stream_load_free(first);
    /* abandoned: the label is free again */
    j = stream("t", &h2, "9,z,1,2024-01-01\n", 0);
    CHECK_STR(jstr(j, "Status"), "Success");
    json_decref(j);
    teardown();
}

TEST(filtered_rows_ratio_and_error_log) {
    std_table();
    /* 2 bad rows of 5: wrong column count, NULL key; with the default ratio 0 the load fails */
    const char *body = "1,a,1,2024-01-01\n2,b\n\\N,c,1,2024-01-01\n4,d,1,2024-01-04\n5,e,1,2024-01-05\n";
    Hdrs h = {{"column_separator", ",", NULL}};
    json_t *j = stream("t", &h, body, 0);
    check_counts(j, "Fail", 5, 0, 2, 0);
    CHECK(strstr(jstr(j, "Message"), "too many filtered rows") != NULL);
    const char *url = jstr(j, "ErrorURL");
    CHECK(strncmp(url, "http://127.0.0.1:8030/api/_load_error_log?file=error_log_", 57) == 0);
    StrBuf log = STRBUF_INIT;
    Error err = ERROR_INIT;
    const char *file = strstr(url, "file=");
    CHECK_OK(load_error_log_read(file ? file + 5 : "", &log, &err), &err);
    CHECK(strstr(sb_str(&log), "Error: Value count does not match column count. Expect 4, but got 2. Row 2: 2,b\n") != NULL);
    CHECK(strstr(sb_str(&log), "Error: NULL value in non-nullable column 'k'. Row 3: \\N,c,1,2024-01-01\n") != NULL);
    sb_free(&log);
    json_decref(j);
    check_query("SELECT count(*) FROM t", "0\n");
    /* a ratio of 0.4 tolerates them */
    Hdrs h2 = {{"column_separator", ",", "max_filter_ratio", "0.4", NULL}};
    j = stream("t", &h2, body, 3);
    check_counts(j, "Success", 5, 3, 2, 0);
    json_decref(j);
    check_query("SELECT k FROM t ORDER BY k", "1\n4\n5\n");
    teardown();
}

TEST(strict_mode) {
    std_table();
    /* non-strict: a value that does not convert becomes NULL in a nullable column */
    Hdrs h = {{"column_separator", ",", NULL}};
    json_t *j = stream("t", &h, "1,a,abc,2024-13-01\n", 0);
    check_counts(j, "Success", 1, 1, 0, 0);
    json_decref(j);
    check_query("SELECT k, n, dt FROM t", "1|\\N|\\N\n");
    /* strict: the row is filtered, and the log says why */
    Hdrs h2 = {{"column_separator", ",", "strict_mode", "true", "max_filter_ratio", "1", NULL}};
    j = stream("t", &h2, "2,a,abc,2024-01-01\n", 0);
    check_counts(j, "Success", 1, 0, 1, 0);
    json_decref(j);
    /* the key column is NOT NULL: a bad key is filtered even when not strict */
    Hdrs h3 = {{"column_separator", ",", "max_filter_ratio", "1", NULL}};
    j = stream("t", &h3, "x,a,1,2024-01-01\n", 0);
    check_counts(j, "Success", 1, 0, 1, 0);
    json_decref(j);
    teardown();
}

TEST(columns_mapping_where_and_skip) {
    std_table();
    /* file columns: id, name, ignored; n computed from id; dt from a default-free NULL; where on target cols */
    Hdrs h = {{"column_separator", "|", "columns", "k, v, tmp, n = k * 2", "where", "k > 1", "skip_header", "1",
               NULL}};
    json_t *j = stream("t", &h, "id|name|x\n1|a|q\n2|b|q\n3|c|q\n", 0);
    check_counts(j, "Success", 3, 2, 0, 1);
    json_decref(j);
    check_query("SELECT k, v, n, dt FROM t ORDER BY k", "2|b|4.00|\\N\n3|c|6.00|\\N\n");
    Hdrs bad = {{"columns", "k, v = nope + 1", NULL}};
    j = stream("t", &bad, "1\n", 0);
    CHECK_STR(jstr(j, "Status"), "Fail");
    CHECK(strstr(jstr(j, "Message"), "Unknown column 'nope'") != NULL);
    json_decref(j);
    teardown();
}

TEST(enclose_escape_trim) {
    std_table();
    Hdrs h = {{"column_separator", ",", "enclose", "\"", "escape", "\\\\", "trim_space", "true", NULL}};
    json_t *j = stream("t", &h, " 1 , \"a, \\\"quoted\\\"\" , 1 , 2024-01-01\n2,\"multi\nline\",2,2024-01-02\n", 5);
    check_counts(j, "Success", 2, 2, 0, 0);
    json_decref(j);
    check_query("SELECT k, v FROM t ORDER BY k", "1|a, \"quoted\"\n2|multi\nline\n");
    teardown();
}

TEST(json_formats) {
    std_table();
    Hdrs h = {{"format", "json", "strip_outer_array", "true", NULL}};
    json_t *j = stream("t", &h, "[{\"k\":1,\"v\":\"a\",\"n\":1.25,\"dt\":\"2024-01-01\"},{\"k\":2,\"V\":\"b\"},"
                                "{\"v\":\"no key\"}, 5]", 9);
    /* a missing key column and a non-object are filtered */
    check_counts(j, "Fail", 4, 0, 2, 0);
    json_decref(j);
    Hdrs h2 = {{"format", "json", "strip_outer_array", "true", "max_filter_ratio", "0.5", NULL}};
    j = stream("t", &h2, "[{\"k\":1,\"v\":\"a\",\"n\":1.25,\"dt\":\"2024-01-01\"},{\"k\":2,\"V\":\"b\"},"
                         "{\"v\":\"no key\"}, 5]", 9);
    check_counts(j, "Success", 4, 2, 2, 0);
    json_decref(j);
    check_query("SELECT k, v, n, dt FROM t ORDER BY k", "1|a|1.25|2024-01-01\n2|b|\\N|\\N\n");
    /* jsonpaths + columns + json_root */
    Hdrs h3 = {{"format", "json", "jsonpaths", "[\"$.id\", \"$.info.name\"]", "columns", "k, v", "json_root",
                "$.data", "strip_outer_array", "true", NULL}};
    j = stream("t", &h3, "{\"data\":[{\"id\":10,\"info\":{\"name\":\"ten\"}},{\"id\":11,\"info\":{}}]}", 0);
    check_counts(j, "Success", 2, 2, 0, 0);
    json_decref(j);
    check_query("SELECT k, v FROM t WHERE k >= 10 ORDER BY k", "10|ten\n11|\\N\n");
    /* NDJSON */
    Hdrs h4 = {{"format", "json", NULL}};
    j = stream("t", &h4, "{\"k\":20,\"v\":\"x\"}\n{\"k\":21,\"v\":\"y\"}\n", 4);
    check_counts(j, "Success", 2, 2, 0, 0);
    json_decref(j);
    check_query("SELECT count(*) FROM t", "6\n");
    teardown();
}

TEST(partitions_and_bad_options) {
    setup();
    ok("CREATE DATABASE d; USE d");
    ok("CREATE TABLE p (dt DATE, k INT) DUPLICATE KEY(dt) PARTITION BY RANGE(dt) ("
       "PARTITION p1 VALUES LESS THAN ('2024-02-01'), PARTITION p2 VALUES LESS THAN ('2024-03-01')) "
       "DISTRIBUTED BY HASH(k) BUCKETS 2");
    /* a row outside every partition is filtered with the value named */
    Hdrs h = {{"column_separator", ",", "max_filter_ratio", "0.5", NULL}};
    json_t *j = stream("p", &h, "2024-01-01,1\n2024-02-01,2\n2025-01-01,3\n", 0);
    check_counts(j, "Success", 3, 2, 1, 0);
    StrBuf log = STRBUF_INIT;
    Error err = ERROR_INIT;
    const char *file = strstr(jstr(j, "ErrorURL"), "file=");
    CHECK_OK(load_error_log_read(file ? file + 5 : "", &log, &err), &err);
    CHECK(strstr(sb_str(&log), "2025-01-01") != NULL);
    CHECK(strstr(sb_str(&log), "Row 3") != NULL);
    sb_free(&log);
    json_decref(j);
    /* the partitions header restricts the load */
    Hdrs h2 = {{"column_separator", ",", "partitions", "p2", "max_filter_ratio", "0.9", NULL}};
    j = stream("p", &h2, "2024-01-03,4\n2024-02-03,5\n", 0);
    check_counts(j, "Success", 2, 1, 1, 0);
    json_decref(j);
    check_query("SELECT k FROM p ORDER BY k", "1\n2\n5\n");
    Hdrs b1 = {{"column_separator", "\\xZZ", NULL}};
    j = stream("p", &b1, "", 0);
    CHECK(strstr(jstr(j, "Message"), "column_separator") != NULL);
    json_decref(j);
    Hdrs b2 = {{"max_filter_ratio", "2", NULL}};
    j = stream("p", &b2, "", 0);
    CHECK(strstr(jstr(j, "Message"), "max_filter_ratio '2'") != NULL);
    json_decref(j);
    Hdrs b3 = {{"format", "parquet", NULL}};
    j = stream("p", &b3, "", 0);
    CHECK(strstr(jstr(j, "Message"), "format 'parquet' is not supported") != NULL);
    json_decref(j);
    j = stream("nope", &b3, "", 0);
    CHECK_STR(jstr(j, "Status"), "Fail");
    json_decref(j);
    teardown();
}

TEST(value_shapes) {
    /* values in the shapes the fast parsers take and in the shapes they hand to the general parser */
    setup();
    ok("CREATE DATABASE d; USE d");
    ok("CREATE TABLE v (id INT NOT NULL, i TINYINT, n INT, b BIGINT, l LARGEINT, d DECIMAL(5,2), z DECIMAL(3,3), "
       "dt DATE, ts DATETIME) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id)");
    Hdrs h = {{"column_separator", "|", NULL}};
    json_t *j = stream("v", &h,
                       "1|127|-2147483648|9223372036854775807|170141183460469231731687303715884105727|999.99|0.999|"
                       "2024-02-29|2024-12-31 23:59:59\n"
                       "2|-128|007| 42 |-5|-0.5|-0.001|1970-01-01|1969-12-31 23:59:59\n"
                       "3|128|2147483648|+7|0|123.456|1.5|2023-02-29|2024-01-02 24:00:00\n"
                       "4|1.5|12a||-0|12.3|.5|2024-1-5|2024-01-02T03:04:05.5\n",
                       0);
    check_counts(j, "Success", 4, 4, 0, 0);
    json_decref(j);
    check_query("SELECT id, i, n, b, l, d, z, dt, ts FROM v ORDER BY id",
                "1|127|-2147483648|9223372036854775807|170141183460469231731687303715884105727|999.99|0.999|"
                "2024-02-29|2024-12-31 23:59:59\n"
                "2|-128|7|42|-5|-0.50|-0.001|1970-01-01|1969-12-31 23:59:59\n"
                "3|\\N|\\N|7|0|123.46|\\N|\\N|\\N\n"
                "4|\\N|\\N|\\N|0|12.30|0.500|2024-01-05|2024-01-02 03:04:05.500000\n");
    teardown();
}

TEST(large_load_many_segments) {
    /* 200k rows through the writer thread, staged per tablet and cut into several segments */
    std_table();
    StrBuf body = STRBUF_INIT;
    for (int i = 0; i < 200000; i++) sb_appendf(&body, "%d\tname_%d\t%d.%02d\t2024-01-%02d\n", i, i, i % 1000, i % 100, 1 + i % 28);
    Hdrs h = {{NULL}};
    json_t *j = stream("t", &h, body.data, 65536);
    check_counts(j, "Success", 200000, 200000, 0, 0);
    json_decref(j);
    check_query("SELECT count(*), sum(k), min(v), max(dt) FROM t", "200000|19999900000|name_0|2024-01-28\n");
    sb_free(&body);
    teardown();
}

int main(void) {
    RUN(csv_basic_reply_fields);
    RUN(filtered_rows_ratio_and_error_log);
    RUN(strict_mode);
    RUN(columns_mapping_where_and_skip);
    RUN(enclose_escape_trim);
    RUN(json_formats);
    RUN(partitions_and_bad_options);
    RUN(value_shapes);
    RUN(large_load_many_segments);
    TEST_EXIT();
}
