/* The invariants the SQL fuzzers check on every input the parser accepts, shared by the libFuzzer
 * target (sql_parse_fuzz.c) and the deterministic mutation unit test (tests/unit/sql_fuzz_test.c):
 * a query or expression printed by ast_print re-parses, and prints to the same text again. */
#ifndef CAIRN_SQL_ROUNDTRIP_H
#define CAIRN_SQL_ROUNDTRIP_H

#include <stdio.h>
#include <string.h>

#include "sql/ast_print.h"
#include "sql/parser.h"

/* Printing may add parentheses, so text right at the nesting limit can print deeper than the limit.
 */
static int sql_roundtrip_too_deep(const Error *err) {
    return strstr(err->msg, "nested too deeply") != NULL;
}

/* Returns 0 when every invariant holds; otherwise prints what broke to stderr and returns 1. */
static int sql_check_roundtrip(Arena *a, const char *sql, size_t len) {
    Error err = ERROR_INIT;
    Stmt **stmts = NULL;
    int n = 0;
    int bad = 0;
    if (sql_parse(a, sql, len, &stmts, &n, &err) == STATUS_OK) {
        for (int i = 0; i < n; i++) {
            const Query *q = NULL;
            if (stmts[i]->kind == STMT_SELECT) q = stmts[i]->u.select.query;
            if (!q) continue;
            StrBuf p1 = STRBUF_INIT, p2 = STRBUF_INIT;
            ast_print_query(q, &p1);
            Query *q2 = NULL;
            Error err2 = ERROR_INIT;
            if (sql_parse_query(a, p1.data ? p1.data : "", p1.len, &q2, &err2) != STATUS_OK) {
                if (sql_roundtrip_too_deep(&err2)) {
                    sb_free(&p1);
                    continue;
                }
                fprintf(stderr,
                        "printed query does not re-parse: %s\n  input: %.*s\n  printed: %s\n",
                        err2.msg, (int)len, sql, sb_str(&p1));
                bad = 1;
            } else {
                ast_print_query(q2, &p2);
                if (strcmp(sb_str(&p1), sb_str(&p2)) != 0) {
                    fprintf(stderr, "query print is unstable:\n  %s\n  %s\n", sb_str(&p1),
                            sb_str(&p2));
                    bad = 1;
                }
            }
            sb_free(&p1);
            sb_free(&p2);
        }
    } else if (err.code != ERR_PARSE && err.code != ERR_NOT_SUPPORTED && err.code != ERR_COMMON) {
        fprintf(stderr, "unexpected error class %d: %s\n", (int)err.code, err.msg);
        bad = 1;
    } else if (err.msg[0] == '\0') {
        fprintf(stderr, "empty error message for: %.*s\n", (int)len, sql);
        bad = 1;
    }
    Expr *e = NULL;
    err.code = ERR_NONE;
    if (sql_parse_expr(a, sql, len, &e, &err) == STATUS_OK) {
        StrBuf p1 = STRBUF_INIT, p2 = STRBUF_INIT;
        ast_print_expr(e, &p1);
        Expr *e2 = NULL;
        if (sql_parse_expr(a, p1.data ? p1.data : "", p1.len, &e2, &err) != STATUS_OK) {
            if (sql_roundtrip_too_deep(&err)) {
                sb_free(&p1);
                return bad;
            }
            fprintf(stderr,
                    "printed expression does not re-parse: %s\n  input: %.*s\n  printed: %s\n",
                    err.msg, (int)len, sql, sb_str(&p1));
            bad = 1;
        } else {
            ast_print_expr(e2, &p2);
            if (strcmp(sb_str(&p1), sb_str(&p2)) != 0) {
                fprintf(stderr, "expression print is unstable:\n  %s\n  %s\n", sb_str(&p1),
                        sb_str(&p2));
                bad = 1;
            }
        }
        sb_free(&p1);
        sb_free(&p2);
    }
    return bad;
}

#endif
