/* Unit tests of src/mv/mv_where.c: the WHERE of a synchronous MV taken from its stored CREATE text
 * (qualifiers dropped, names that need quoting, no WHERE, unreadable text), the normalised conjunct
 * texts the rollup rewrite compares, and the compiled row filter (NULL rows stay out). */
#include "mv/mv.h"
#include "mv/mv_int.h"
#include "sql/ast_print.h"
#include "sql/parser.h"
#include "test.h"

static char *where_text(const char *name, const char *define_sql, Arena *a) {
    Expr *e = NULL;
    Error err = ERROR_INIT;
    if (mv_sync_where(name, define_sql, a, &e, &err)) return arena_sprintf(a, "error: %s", err.msg);
    if (!e) return "none";
    StrBuf sb = STRBUF_INIT;
    ast_print_expr(e, &sb);
    char *s = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

TEST(stored_where) {
    Arena *a = arena_new(0);
    CHECK_STR(
        where_text("m",
                   "CREATE MATERIALIZED VIEW m AS SELECT k, SUM(v) FROM db.t WHERE db.t.k > 1 AND "
                   "t.s = 'x' GROUP BY k",
                   a),
        "k > 1 AND s = 'x'");
    CHECK_STR(where_text("m", "CREATE MATERIALIZED VIEW m AS SELECT k, v FROM t", a), "none");
    /* the word alone is not a WHERE clause */
    CHECK_STR(where_text("m", "CREATE MATERIALIZED VIEW m AS SELECT k, v AS `where` FROM t", a),
              "none");
    CHECK_STR(where_text(NULL, NULL, a), "none");
    /* a name written with quotes: the whole statement is parsed */
    CHECK_STR(
        where_text("my mv", "CREATE MATERIALIZED VIEW `my mv` AS SELECT k FROM t WHERE v <> 0", a),
        "v <> 0");
    char *bad = where_text("m", "CREATE MATERIALIZED VIEW m AS SELECT k FROM t WHERE", a);
    CHECK(!strncmp(bad, "error: definition of synchronous materialized view 'm': ", 56));
    CHECK_STR(where_text("m", "SELECT k FROM t WHERE v > 1", a),
              "error: definition of synchronous materialized view 'm': the stored text is not one "
              "CREATE MATERIALIZED VIEW");
    arena_free(a);
}

static CatTable *table(CatColumn *cols) {
    static CatTable t;
    memset(&t, 0, sizeof t);
    memset(cols, 0, sizeof *cols * 3);
    cols[0].name = "k";
    cols[0].type = type_make(TYPE_INT);
    cols[1].name = "s";
    cols[1].type = type_make(TYPE_VARCHAR);
    cols[2].name = "v";
    cols[2].type = type_make(TYPE_INT);
    t.name = "t";
    t.cols = cols;
    t.ncols = 3;
    return &t;
}

TEST(conjuncts) {
    Arena *a = arena_new(0);
    CatColumn cols[3];
    const CatTable *t = table(cols);
    TableRef from = {0};
    from.kind = TREF_TABLE;
    from.name = "t";
    from.alias = "x";
    Expr *e;
    Error err = ERROR_INIT;
    const char *sql = "x.K > 1 AND (UPPER(s) = 'A' AND v IS NOT NULL) AND t.k = 2 AND nope = 1 AND "
                      "(k = 1 OR v = 2)";
    CHECK_OK(sql_parse_expr(a, sql, strlen(sql), &e, &err), &err);
    Expr **conj;
    char **texts;
    int n = mv_where_split(t, &from, e, a, &conj, &texts);
    CHECK_INT(n, 6);
    CHECK_STR(texts[0], "k > 1");
    CHECK_STR(texts[1], "upper(s) = 'A'");
    CHECK_STR(texts[2], "v IS NOT NULL");
    CHECK(texts[3] == NULL); /* qualified by the table's name while the query calls it x */
    CHECK(texts[4] == NULL); /* not a column of t */
    CHECK_STR(texts[5], "k = 1 OR v = 2");
    /* a stored predicate: any qualifier, the table's spelling of the names */
    sql = "T.V >= 10";
    CHECK_OK(sql_parse_expr(a, sql, strlen(sql), &e, &err), &err);
    n = mv_where_split(t, NULL, e, a, &conj, &texts);
    CHECK_INT(n, 1);
    CHECK_STR(texts[0], "v >= 10");
    CHECK_INT(mv_where_split(t, NULL, NULL, a, &conj, &texts), 0);
    arena_free(a);
}

TEST(filter) {
    Arena *a = arena_new(0);
    CatColumn cols[3];
    const CatTable *t = table(cols);
    ExecColumnDesc desc[3];
    DataType types[3];
    for (int i = 0; i < 3; i++) {
        desc[i] = (ExecColumnDesc){t->cols[i].name, t->cols[i].type};
        types[i] = t->cols[i].type;
    }
    Error err = ERROR_INIT;
    ExecPredicate *p = NULL;
    CHECK_OK(
        mv_sync_filter("m", "CREATE MATERIALIZED VIEW m AS SELECT k FROM t", desc, 3, a, &p, &err),
        &err);
    CHECK(p == NULL);
    CHECK_OK(mv_sync_filter("m", "CREATE MATERIALIZED VIEW m AS SELECT k FROM t WHERE t.v > 6",
                            desc, 3, a, &p, &err),
             &err);
    CHECK(p != NULL);
    Batch *b = batch_new(a, 3, types, 4);
    const int32_t ks[4] = {1, 2, 3, 4}, vs[4] = {5, 10, 0, 20};
    for (int r = 0; r < 4; r++) {
        colvec_append(b->cols[0], &ks[r]);
        Slice s = {"x", 1};
        colvec_append(b->cols[1], &s);
        if (r == 2)
            colvec_append_null(b->cols[2]);
        else
            colvec_append(b->cols[2], &vs[r]);
    }
    b->nrows = 4;
    uint8_t match[4];
    CHECK_OK(exec_predicate_eval(p, b, a, match, &err), &err);
    CHECK_INT(match[0], 0);
    CHECK_INT(match[1], 1);
    CHECK_INT(match[2], 0); /* NULL > 6 is NULL: not in the index */
    CHECK_INT(match[3], 1);
    CHECK(mv_sync_filter("m", "CREATE MATERIALIZED VIEW m AS SELECT k FROM t WHERE w > 6", desc, 3,
                         a, &p, &err) == STATUS_ERROR);
    CHECK_STR(err.msg,
              "WHERE of synchronous materialized view 'm': Unknown column 'w' in 'where clause'");
    arena_free(a);
}

int main(void) {
    RUN(stored_where);
    RUN(conjuncts);
    RUN(filter);
    TEST_EXIT();
}
