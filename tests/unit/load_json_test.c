/* Unit tests for load/json_reader.c: NDJSON and stripped arrays, jsonpaths, json_root, exact number text,
 * escapes, nested values as text, bad rows reported with a reason, and every chunking of the input. */
#include "load/json_reader.h"
#include "test.h"
#include "util/strbuf.h"

typedef struct Got {
    StrBuf text;
    int rows, bad;
} Got;

static Status collect(void *ctx, const JsonField *f, int n, const char *problem, const char *raw, size_t raw_len,
                      int64_t row, Error *err) {
    Got *g = ctx;
    if (!f) {
        sb_appendf(&g->text, "BAD(%s)[%.*s]\n", problem, (int)raw_len, raw);
        g->bad++;
        return STATUS_OK;
    }
    for (int i = 0; i < n; i++) {
        if (i) sb_putc(&g->text, '|');
        if (f[i].is_null)
            sb_append(&g->text, "<N>");
        else
            sb_appendn(&g->text, f[i].ptr, f[i].len);
    }
    sb_putc(&g->text, '\n');
    g->rows++;
    return STATUS_OK;
}

static const char *parse(const JsonOptions *o, const char *const *names, int nnames, const char *in, size_t chunk,
                         Error *err) {
    static Got g;
    sb_free(&g.text);
    memset(&g, 0, sizeof g);
    JsonReader *r;
    if (json_reader_new(o, names, nnames, 0, &r, err)) return NULL;
    size_t n = strlen(in);
    if (chunk == 0) chunk = n ? n : 1;
    for (size_t off = 0; off < n; off += chunk) {
        size_t k = n - off < chunk ? n - off : chunk;
        if (json_reader_feed(r, in + off, k, collect, &g, err)) {
            json_reader_free(r);
            return NULL;
        }
    }
    Status st = json_reader_finish(r, collect, &g, err);
    json_reader_free(r);
    return st ? NULL : sb_str(&g.text);
}

static void check_all(const JsonOptions *o, const char *const *names, int nnames, const char *in, const char *want) {
    Error err = ERROR_INIT;
    size_t n = strlen(in);
    for (size_t chunk = 0; chunk <= n; chunk++) {
        const char *got = parse(o, names, nnames, in, chunk, &err);
        if (!got || strcmp(got, want) != 0) {
            fprintf(stderr, "  chunk %zu: got \"%s\" (%s), want \"%s\"\n", chunk, got ? got : "(error)",
                    got ? "" : err.msg, want);
            test_failed_ = 1;
            return;
        }
    }
}

static const char *const KV[] = {"k", "v"};

TEST(ndjson_by_name) {
    JsonOptions o = {0};
    /* keys in any order and case, missing key = NULL, JSON null = NULL, exact number text, booleans */
    check_all(&o, KV, 2, "{\"k\": 1, \"v\": \"a\"}\n{\"V\":12.50,\"k\":-3e2}\n{\"k\":true}\n{\"k\":null,\"v\":false}",
              "1|a\n-3e2|12.50\ntrue|<N>\n<N>|false\n");
}

TEST(strip_outer_array) {
    JsonOptions o = {.strip_outer_array = true};
    check_all(&o, KV, 2, " [ {\"k\":1,\"v\":\"x]y\"} , {\"k\":2,\"v\":\"}{\"} ]\n", "1|x]y\n2|}{\n");
    /* several arrays back to back */
    check_all(&o, KV, 2, "[{\"k\":1}][{\"k\":2}]", "1|<N>\n2|<N>\n");
    /* without stripping, an array is a bad row that says what to do */
    JsonOptions o2 = {0};
    Error err = ERROR_INIT;
    const char *got = parse(&o2, KV, 2, "[{\"k\":1}]", 0, &err);
    CHECK(got && strstr(got, "BAD(the row is a JSON array, not an object (set strip_outer_array to true") != NULL);
}

TEST(strings_and_escapes) {
    JsonOptions o = {0};
    check_all(&o, KV, 2, "{\"k\":\"a\\\"b\\\\c\\n\",\"v\":\"\\u00e9\\ud83d\\ude00/\\/\"}",
              "a\"b\\c\n|\xc3\xa9\xf0\x9f\x98\x80//\n");
}

TEST(nested_values_as_text) {
    JsonOptions o = {0};
    check_all(&o, KV, 2, "{\"k\":{\"a\":[1,2]},\"v\":[\"x\", {}]}", "{\"a\":[1,2]}|[\"x\", {}]\n");
}

TEST(jsonpaths) {
    JsonOptions o = {.jsonpaths = "[\"$.id\", \"$.info.name\", \"$.tags[1]\", \"$['odd key']\"]"};
    check_all(&o, NULL, 0,
              "{\"id\":7,\"info\":{\"name\":\"n7\"},\"tags\":[\"a\",\"b\"],\"odd key\":1}\n{\"id\":8,\"tags\":[]}",
              "7|n7|b|1\n8|<N>|<N>|<N>\n");
    Error err = ERROR_INIT;
    JsonReader *r;
    JsonOptions bad = {.jsonpaths = "$.a"};
    CHECK(json_reader_new(&bad, NULL, 0, 0, &r, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "jsonpaths '$.a' is not a JSON array") != NULL);
    JsonOptions bad2 = {.jsonpaths = "[\"$.a\", \"b\"]"};
    CHECK(json_reader_new(&bad2, NULL, 0, 0, &r, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "jsonpaths entry 2 (b)") != NULL);
}

TEST(json_root) {
    JsonOptions o = {.json_root = "$.data", .strip_outer_array = true};
    check_all(&o, KV, 2, "{\"meta\":1,\"data\":[{\"k\":1,\"v\":\"a\"},{\"k\":2,\"v\":\"b\"}]}\n{\"data\":[]}",
              "1|a\n2|b\n");
    JsonOptions o2 = {.json_root = "$.row"};
    check_all(&o2, KV, 2, "{\"row\":{\"k\":5,\"v\":\"z\"}} {\"other\":1}",
              "5|z\nBAD(json_root does not exist in this value)[{\"other\":1}]\n");
    Error err = ERROR_INIT;
    JsonReader *r;
    JsonOptions bad = {.json_root = "data"};
    CHECK(json_reader_new(&bad, KV, 2, 0, &r, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "json_root 'data'") != NULL);
}

TEST(bad_rows_are_reported) {
    JsonOptions o = {0};
    check_all(&o, KV, 2, "{\"k\":1,}\n{\"k\":2}\n42\n{\"k\":\"unterminated}",
              "BAD(a JSON object member without a quoted name)[{\"k\":1,}]\n2|<N>\nBAD(the row is not a JSON "
              "object)[42]\nBAD(an unterminated JSON string)[{\"k\":\"unterminated}]\n");
}

TEST(strip_errors) {
    JsonOptions o = {.strip_outer_array = true};
    Error err = ERROR_INIT;
    CHECK(parse(&o, KV, 2, "{\"k\":1}", 0, &err) == NULL);
    CHECK(strstr(err.msg, "does not start with '[' (found '{')") != NULL);
    CHECK(parse(&o, KV, 2, "[{\"k\":1},", 0, &err) == NULL);
    CHECK(strstr(err.msg, "a ']' is missing") != NULL);
}

TEST(element_too_large) {
    JsonOptions o = {.strip_outer_array = true};
    JsonReader *r;
    Error err = ERROR_INIT;
    CHECK_OK(json_reader_new(&o, KV, 2, 32, &r, &err), &err);
    Got g = {0};
    const char *in = "[{\"k\":1},{\"k\":\"0123456789012345678901234567890123456789\"";
    CHECK(json_reader_feed(r, in, strlen(in), collect, &g, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "larger than 32 bytes") != NULL);
    CHECK_INT(g.rows, 1);
    json_reader_free(r);
    sb_free(&g.text);
}

TEST(many_rows_streamed) {
    JsonOptions o = {.strip_outer_array = true};
    StrBuf in = STRBUF_INIT;
    sb_append(&in, "[");
    for (int i = 0; i < 50000; i++) sb_appendf(&in, "%s{\"k\":%d,\"v\":\"s%d\"}", i ? "," : "", i, i);
    sb_append(&in, "]");
    JsonReader *r;
    Error err = ERROR_INIT;
    CHECK_OK(json_reader_new(&o, KV, 2, 0, &r, &err), &err);
    Got g = {0};
    for (size_t off = 0; off < in.len; off += 1000) {
        size_t k = in.len - off < 1000 ? in.len - off : 1000;
        CHECK_OK(json_reader_feed(r, in.data + off, k, collect, &g, &err), &err);
    }
    CHECK_OK(json_reader_finish(r, collect, &g, &err), &err);
    CHECK_INT(g.rows, 50000);
    CHECK(strstr(sb_str(&g.text), "\n49999|s49999\n") != NULL);
    json_reader_free(r);
    sb_free(&g.text);
    sb_free(&in);
}

int main(void) {
    RUN(ndjson_by_name);
    RUN(strip_outer_array);
    RUN(strings_and_escapes);
    RUN(nested_values_as_text);
    RUN(jsonpaths);
    RUN(json_root);
    RUN(bad_rows_are_reported);
    RUN(strip_errors);
    RUN(element_too_large);
    RUN(many_rows_streamed);
    TEST_EXIT();
}
