/* Helpers shared by the SQL front-end unit tests: parse one statement / expression / query into a
 * per-test arena, capture error messages, and print expressions back (ast_print) for round trips.
 */
#ifndef CAIRN_SQL_TEST_UTIL_H
#define CAIRN_SQL_TEST_UTIL_H

#include <string.h>

#include "sql/ast_print.h"
#include "sql/parser.h"
#include "test.h"
#include "util/arena.h"

static Arena *T_ARENA;
static Error T_ERR;

static __attribute__((unused)) Stmt *t_parse1(const char *sql, int line) {
    Stmt **v = NULL;
    int n = 0;
    err_clear(&T_ERR);
    if (sql_parse(T_ARENA, sql, strlen(sql), &v, &n, &T_ERR) != STATUS_OK) {
        fprintf(stderr, "  line %d: parse failed: %s\n    sql: %s\n", line, T_ERR.msg, sql);
        test_failed_ = 1;
        return NULL;
    }
    if (n != 1) {
        fprintf(stderr, "  line %d: expected 1 statement, got %d\n", line, n);
        test_failed_ = 1;
        return NULL;
    }
    return v[0];
}

/* Parses one statement into `var`; returns from the test if it fails (the failure is recorded). */
#define PARSE(var, sql)                                                                            \
    Stmt *var = t_parse1((sql), __LINE__);                                                         \
    if (!var) return

/* Returns the error message of a statement that must fail (records a failure if it parses). */
static __attribute__((unused)) const char *t_parse_err(const char *sql, int line) {
    Stmt **v = NULL;
    int n = 0;
    err_clear(&T_ERR);
    if (sql_parse(T_ARENA, sql, strlen(sql), &v, &n, &T_ERR) == STATUS_OK) {
        fprintf(stderr, "  line %d: expected a parse error for: %s\n", line, sql);
        test_failed_ = 1;
        return "";
    }
    return T_ERR.msg;
}
#define PARSE_ERR(sql) t_parse_err((sql), __LINE__)

static __attribute__((unused)) const char *t_near(const char *near, int line_no) {
    return arena_sprintf(
        T_ARENA,
        "You have an error in your SQL syntax; check the manual that corresponds to "
        "your MySQL server version for the right syntax to use near '%s' at line %d",
        near, line_no);
}
/* The expected MySQL-style syntax error text. */
#define NEAR(s, line) t_near((s), (line))

static __attribute__((unused)) Expr *t_expr(const char *sql, int line) {
    Expr *e = NULL;
    err_clear(&T_ERR);
    if (sql_parse_expr(T_ARENA, sql, strlen(sql), &e, &T_ERR) != STATUS_OK) {
        fprintf(stderr, "  line %d: expression failed: %s\n    sql: %s\n", line, T_ERR.msg, sql);
        test_failed_ = 1;
        return NULL;
    }
    return e;
}
#define EXPR(var, sql)                                                                             \
    Expr *var = t_expr((sql), __LINE__);                                                           \
    if (!var) return

static __attribute__((unused)) const char *t_print_expr(const Expr *e) {
    StrBuf sb = STRBUF_INIT;
    ast_print_expr(e, &sb);
    char *r = arena_strdup(T_ARENA, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static __attribute__((unused)) const char *t_print_query(const Query *q) {
    StrBuf sb = STRBUF_INIT;
    ast_print_query(q, &sb);
    char *r = arena_strdup(T_ARENA, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* Parses `in`, prints it, checks the text is `want`, then re-parses that text and checks it prints
 * the same again (the printer's output is stable SQL). */
static __attribute__((unused)) void t_expr_rt(const char *in, const char *want, int line) {
    Expr *e = t_expr(in, line);
    if (!e) return;
    const char *out = t_print_expr(e);
    if (strcmp(out, want) != 0) {
        fprintf(stderr, "  line %d: printed \"%s\", expected \"%s\"\n", line, out, want);
        test_failed_ = 1;
        return;
    }
    Expr *e2 = t_expr(out, line);
    if (!e2) return;
    const char *out2 = t_print_expr(e2);
    if (strcmp(out2, want) != 0) {
        fprintf(stderr, "  line %d: re-printed \"%s\", expected \"%s\"\n", line, out2, want);
        test_failed_ = 1;
    }
}
#define EXPR_RT(in, want) t_expr_rt((in), (want), __LINE__)

static __attribute__((unused)) void t_query_rt(const char *in, const char *want, int line) {
    Query *q = NULL;
    err_clear(&T_ERR);
    if (sql_parse_query(T_ARENA, in, strlen(in), &q, &T_ERR) != STATUS_OK) {
        fprintf(stderr, "  line %d: query failed: %s\n    sql: %s\n", line, T_ERR.msg, in);
        test_failed_ = 1;
        return;
    }
    const char *out = t_print_query(q);
    if (strcmp(out, want) != 0) {
        fprintf(stderr, "  line %d: printed \"%s\", expected \"%s\"\n", line, out, want);
        test_failed_ = 1;
        return;
    }
    Query *q2 = NULL;
    if (sql_parse_query(T_ARENA, out, strlen(out), &q2, &T_ERR) != STATUS_OK) {
        fprintf(stderr, "  line %d: re-parse failed: %s\n    sql: %s\n", line, T_ERR.msg, out);
        test_failed_ = 1;
        return;
    }
    const char *out2 = t_print_query(q2);
    if (strcmp(out2, want) != 0) {
        fprintf(stderr, "  line %d: re-printed \"%s\", expected \"%s\"\n", line, out2, want);
        test_failed_ = 1;
    }
}
#define QUERY_RT(in, want) t_query_rt((in), (want), __LINE__)

#endif
