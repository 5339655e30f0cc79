/* Unit tests of src/mv/mv_def.c: the MV definition's JSON form, the refresh clause text and
 * interval, the tables a definition reads (CTEs, joins, subqueries, other databases) and
 * re-pointing a definition to another database, and the column signature that detects base-table
 * changes. */
#include "mv/mv_def.h"
#include "sql/ast_print.h"
#include "sql/parser.h"
#include "test.h"

TEST(defaults) {
    MvDef d;
    Error err = ERROR_INIT;
    CHECK_OK(mv_def_parse(NULL, &d, &err), &err);
    CHECK_STR(d.refresh, "MANUAL");
    CHECK(d.active);
    CHECK_STR(d.reason, "");
    CHECK_INT(d.nbase, 0);
    CHECK_INT(mv_def_interval_ms(&d), 0);
    char *r = mv_def_refresh_text(&d);
    CHECK_STR(r, "MANUAL");
    free(r);
    mv_def_free(&d);
}

TEST(roundtrip) {
    MvDef d;
    Error err = ERROR_INIT;
    CHECK_OK(mv_def_parse("", &d, &err), &err);
    snprintf(d.refresh, sizeof d.refresh, "ASYNC");
    d.start = strdup("2024-01-01 00:00:00");
    d.every_n = 2;
    snprintf(d.every_unit, sizeof d.every_unit, "HOUR");
    mv_def_add_base(&d, "shop", "orders", 10042, "00ff");
    mv_def_add_base(&d, "dims", "cust", 10050, "");
    mv_def_set_state(&d, false, "base-table dropped: dims.cust");
    char *text = mv_def_format(&d);
    MvDef e;
    CHECK_OK(mv_def_parse(text, &e, &err), &err);
    CHECK_STR(e.refresh, "ASYNC");
    CHECK_STR(e.start, "2024-01-01 00:00:00");
    CHECK_INT(e.every_n, 2);
    CHECK_STR(e.every_unit, "HOUR");
    CHECK(!e.active);
    CHECK_STR(e.reason, "base-table dropped: dims.cust");
    CHECK_INT(e.nbase, 2);
    CHECK_STR(e.base[0].db, "shop");
    CHECK_STR(e.base[0].table, "orders");
    CHECK_INT(e.base[0].id, 10042);
    CHECK_STR(e.base[0].sig, "00ff");
    CHECK_STR(e.base[1].table, "cust");
    CHECK_INT(mv_def_interval_ms(&e), 2 * 3600 * 1000);
    char *r = mv_def_refresh_text(&e);
    CHECK_STR(r, "ASYNC START(\"2024-01-01 00:00:00\") EVERY(INTERVAL 2 HOUR)");
    free(r);
    mv_def_set_state(&e, true, "ignored when active");
    CHECK(e.active);
    CHECK_STR(e.reason, "");
    e.deferred = true;
    free(e.start);
    e.start = NULL;
    e.every_n = 0;
    r = mv_def_refresh_text(&e);
    CHECK_STR(r, "DEFERRED ASYNC");
    free(r);
    free(text);
    mv_def_free(&d);
    mv_def_free(&e);
}

TEST(intervals) {
    MvDef d;
    Error err = ERROR_INIT;
    CHECK_OK(mv_def_parse(NULL, &d, &err), &err);
    const struct {
        const char *unit;
        int64_t ms;
    } cases[] = {{"SECOND", 3000},          {"MINUTE", 180000},         {"DAY", 3 * 86400000LL},
                 {"WEEK", 21 * 86400000LL}, {"MONTH", 90 * 86400000LL}, {"bogus", 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        d.every_n = 3;
        snprintf(d.every_unit, sizeof d.every_unit, "%s", cases[i].unit);
        CHECK_INT(mv_def_interval_ms(&d), cases[i].ms);
    }
    mv_def_free(&d);
}

TEST(corrupt) {
    MvDef d;
    Error err = ERROR_INIT;
    CHECK(mv_def_parse("{\"refresh\": ", &d, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_CORRUPT);
    mv_def_free(&d);
    CHECK(mv_def_parse("[1, 2]", &d, &err) == STATUS_ERROR);
    mv_def_free(&d);
}

static Query *parse(Arena *a, const char *sql) {
    Query *q = NULL;
    Error err = ERROR_INIT;
    CHECK_OK(sql_parse_query(a, sql, strlen(sql), &q, &err), &err);
    return q;
}

TEST(refs) {
    Arena *a = arena_new(0);
    Query *q =
        parse(a, "WITH c AS (SELECT * FROM a) SELECT c.x FROM c JOIN d2.b ON c.x = b.x "
                 "WHERE c.x IN (SELECT y FROM e) AND EXISTS (SELECT 1 FROM (SELECT z FROM f) s) "
                 "UNION ALL SELECT 1 FROM a");
    MvRef *refs;
    int n;
    mv_query_refs(q, "d", a, &refs, &n);
    CHECK_INT(n, 4);
    if (n == 4) {
        CHECK_STR(refs[0].db, "d");
        CHECK_STR(refs[0].table, "a");
        CHECK_STR(refs[1].db, "d2");
        CHECK_STR(refs[1].table, "b");
        CHECK_STR(refs[2].table, "e");
        CHECK_STR(refs[3].table, "f");
    }
    /* a CTE name qualified with a database is a table, not the CTE */
    q = parse(a, "WITH t AS (SELECT 1 AS one) SELECT * FROM t, d.t");
    mv_query_refs(q, "d", a, &refs, &n);
    CHECK_INT(n, 1);
    if (n == 1) CHECK_STR(refs[0].table, "t");
    arena_free(a);
}

TEST(repoint) {
    Arena *a = arena_new(0);
    Query *q = parse(a, "SELECT src.t.k, u.v FROM src.t JOIN other.u ON src.t.k = u.k "
                        "WHERE EXISTS (SELECT 1 FROM SRC.v)");
    CHECK_INT(mv_query_repoint(q, "src", "dst"), 4);
    StrBuf sb = STRBUF_INIT;
    ast_print_query(q, &sb);
    CHECK(strstr(sb_str(&sb), "dst.t") != NULL);
    CHECK(strstr(sb_str(&sb), "dst.v") != NULL);
    CHECK(strstr(sb_str(&sb), "other.u") != NULL);
    CHECK(strstr(sb_str(&sb), "src.") == NULL && strstr(sb_str(&sb), "SRC.") == NULL);
    /* the printed definition parses again and reads the same tables */
    Query *q2 = parse(a, sb_str(&sb));
    MvRef *refs;
    int n;
    mv_query_refs(q2, "x", a, &refs, &n);
    CHECK_INT(n, 3);
    sb_free(&sb);
    CHECK_INT(mv_query_repoint(q, "dst", "dst"), 0);
    arena_free(a);
}

TEST(signature) {
    CatTable t;
    memset(&t, 0, sizeof t);
    CatColumn cols[2];
    memset(cols, 0, sizeof cols);
    cols[0].name = "k";
    cols[0].type = type_make(TYPE_INT);
    cols[1].name = "v";
    cols[1].type = type_make(TYPE_BIGINT);
    cols[1].nullable = true;
    t.cols = cols;
    t.ncols = 2;
    char a[32], b[32], c[32];
    mv_table_signature(&t, a, sizeof a);
    mv_table_signature(&t, b, sizeof b);
    CHECK_STR(a, b);
    CHECK_INT(strlen(a), 16);
    cols[1].type = type_make(TYPE_INT);
    mv_table_signature(&t, c, sizeof c);
    CHECK(strcmp(a, c) != 0);
    cols[1].type = type_make(TYPE_BIGINT);
    cols[1].name = "w";
    mv_table_signature(&t, c, sizeof c);
    CHECK(strcmp(a, c) != 0);
}

int main(void) {
    RUN(defaults);
    RUN(roundtrip);
    RUN(intervals);
    RUN(corrupt);
    RUN(refs);
    RUN(repoint);
    RUN(signature);
    TEST_EXIT();
}
