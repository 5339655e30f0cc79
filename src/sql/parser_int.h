/* Internals shared by the parser's files (parser.c: entry points, helpers and small statements;
 * parser_expr.c: expressions and types; parser_query.c: SELECT and DML; parser_ddl.c: databases,
 * tables, views; parser_user.c; parser_show.c; parser_backup.c; parser_mv.c). Not for use outside
 * src/sql/parser*. Convention: a parse function returns false/NULL after recording the first error
 * in p->err. */
#ifndef CAIRN_SQL_PARSER_INT_H
#define CAIRN_SQL_PARSER_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "sql/ast.h"
#include "sql/lexer.h"
#include "util/arena.h"
#include "util/error.h"

#define PARSER_MAX_DEPTH 200

typedef struct Parser {
    Arena *a;
    const char *sql;
    size_t len;
    Token *toks;
    int ntoks;
    int pos;
    Error *err;
    bool failed;
    int depth; /* nesting of expressions and queries, bounded so hostile input cannot exhaust the
                  stack */
    bool allow_default; /* DEFAULT is a value inside INSERT ... VALUES */
    /* Token positions where "(" was tried as a derived table and failed (malloc'd, one byte per
     * token, NULL until needed): the retry as a parenthesised join never repeats the attempt, so
     * nested
     * "((...JOIN ((..." input stays polynomial instead of exponential. */
    unsigned char *not_derived;
} Parser;

/* ---- tokens */
static inline const Token *p_peek(const Parser *p) {
    return &p->toks[p->pos];
}
static inline const Token *p_peek_at(const Parser *p, int k) {
    int i = p->pos + k;
    return &p->toks[i < p->ntoks ? i : p->ntoks - 1];
}
static inline const Token *p_next(Parser *p) {
    const Token *t = &p->toks[p->pos];
    if (t->type != TK_EOF) p->pos++;
    return t;
}
static inline bool p_is(const Parser *p, TokType t) {
    return p_peek(p)->type == t;
}
static inline bool p_is_at(const Parser *p, int k, TokType t) {
    return p_peek_at(p, k)->type == t;
}
static inline bool p_is_kw(const Parser *p, KwId kw) {
    const Token *t = p_peek(p);
    return t->type == TK_IDENT && t->kw == kw;
}
static inline bool p_is_kw_at(const Parser *p, int k, KwId kw) {
    const Token *t = p_peek_at(p, k);
    return t->type == TK_IDENT && t->kw == kw;
}
bool p_accept(Parser *p, TokType t);
bool p_accept_kw(Parser *p, KwId kw);
/* Accepts two keywords in a row, only when both are there. */
bool p_accept_kws(Parser *p, KwId k1, KwId k2);
bool p_expect(Parser *p, TokType t);
bool p_expect_kw(Parser *p, KwId kw);
/* Offset just past the last consumed token. */
size_t p_prev_end(const Parser *p);
char *p_slice(Parser *p, size_t start, size_t end);

/* ---- errors */
bool p_error(Parser *p);                    /* syntax error at the current token */
bool p_error_at(Parser *p, const Token *t); /* syntax error at t */
bool p_fail(Parser *p, ErrCode code, const char *fmt, ...) PRINTF_FMT(3, 4);
bool p_enter(Parser *p); /* depth check on recursion; pair with p_leave */
static inline void p_leave(Parser *p) {
    p->depth--;
}

/* ---- names and literals */
bool p_is_ident(const Parser *p); /* the current token can be a name */
bool p_is_ident_at(const Parser *p, int k);
char *p_ident(Parser *p);              /* a name: `quoted`, or an unreserved word */
char *p_ident_or_string(Parser *p);    /* a name or a 'string' (aliases, user names, labels) */
char *p_string(Parser *p);             /* a 'string' literal */
bool p_int64(Parser *p, int64_t *out); /* an integer literal (optionally negative) */
/* [db.]name */
bool p_qualified_name(Parser *p, char **db, char **name);
/* ( name [, name ...] ) */
bool p_ident_list(Parser *p, char ***out, int *n);
/* ("k" = "v", ...) with the parentheses */
bool p_props(Parser *p, PropList *out);
/* [PROPERTIES ("k" = "v", ...)]: returns false only on error */
bool p_opt_properties(Parser *p, PropList *out);
/* 'user'[@'host'], user@host, `u`@`h` (host "%" when not written) */
UserIdent *p_user_ident(Parser *p);
/* Accepts CURRENT_USER or CURRENT_USER() (true when it was there; check p->failed after). */
bool p_current_user(Parser *p);
/* ( literal-or-MAXVALUE [, ...] ) of a partition bound */
bool p_part_tuple(Parser *p, PartTuple *out);

/* ---- arena arrays */
void *p_grow(Parser *p, void *arr, int *cap, size_t elem);
#define P_PUSH(p, arr, n, cap, val)                                                                \
    do {                                                                                           \
        if ((n) == (cap)) (arr) = p_grow((p), (arr), &(cap), sizeof(*(arr)));                      \
        (arr)[(n)++] = (val);                                                                      \
    } while (0)

/* ---- expressions and types (parser_expr.c) */
Expr *p_new_expr(Parser *p, ExprKind kind, const Token *at);
Expr *p_expr(Parser *p);
/* comma-separated expressions (no parentheses) */
bool p_expr_list(Parser *p, Expr ***out, int *n);
/* a type name as in CREATE TABLE; for_cast adds SIGNED/UNSIGNED and length-less CHAR */
bool p_type(Parser *p, DataType *out, bool for_cast);

/* ---- queries and DML (parser_query.c) */
Query *p_query(Parser *p);            /* [WITH ...] body [ORDER BY] [LIMIT] */
bool p_starts_query(const Parser *p); /* SELECT, WITH, or ( leading to one */
bool p_order_by(Parser *p, OrderItem **out, int *n);
bool p_limit(Parser *p, int64_t *limit, int64_t *offset);
TableRef *p_table_refs(Parser *p);
bool p_partition_names(Parser *p, char ***out, int *n,
                       bool *temp); /* [TEMPORARY] PARTITION(S) (p..) | p */
bool p_stmt_select(Parser *p, Stmt *s);
bool p_stmt_insert(Parser *p, Stmt *s);
bool p_stmt_delete(Parser *p, Stmt *s);
bool p_stmt_update(Parser *p, Stmt *s);

/* ---- statement families */
bool p_stmt_create(Parser *p, Stmt *s); /* parser_ddl.c: dispatches every CREATE ... */
bool p_stmt_drop(Parser *p, Stmt *s);   /* parser_ddl.c: every DROP ... */
bool p_stmt_alter(Parser *p, Stmt *s);  /* parser_ddl.c: ALTER TABLE / VIEW / USER / MV */
bool p_stmt_truncate(Parser *p, Stmt *s);
bool p_create_database(Parser *p, Stmt *s);
bool p_create_table(Parser *p, Stmt *s);
bool p_create_view(Parser *p, Stmt *s, bool or_replace);
bool p_alter_table(Parser *p, Stmt *s);
bool p_alter_view(Parser *p, Stmt *s);
bool p_distribution(Parser *p, DistributionDesc **out); /* after DISTRIBUTED BY */
bool p_partition_def(Parser *p, PartitionDef *out, bool range);
bool p_column_def(Parser *p, ColumnDef *out);
bool p_stmt_show(Parser *p, Stmt *s);     /* parser_show.c */
bool p_stmt_describe(Parser *p, Stmt *s); /* DESC [db.]t [ALL] */
bool p_stmt_admin(Parser *p, Stmt *s);
bool p_create_user(Parser *p, Stmt *s); /* parser_user.c */
bool p_alter_user(Parser *p, Stmt *s);
bool p_drop_user(Parser *p, Stmt *s);
bool p_create_role(Parser *p, Stmt *s);
bool p_drop_role(Parser *p, Stmt *s);
bool p_stmt_grant(Parser *p, Stmt *s, bool revoke);
bool p_stmt_set_password(Parser *p, Stmt *s);
bool p_create_repository(Parser *p, Stmt *s, bool read_only); /* parser_backup.c */
bool p_drop_repository(Parser *p, Stmt *s);
bool p_stmt_backup(Parser *p, Stmt *s);
bool p_stmt_restore(Parser *p, Stmt *s);
bool p_stmt_cancel(Parser *p, Stmt *s); /* CANCEL BACKUP|RESTORE|REFRESH MATERIALIZED VIEW */
bool p_drop_snapshot(Parser *p, Stmt *s);
bool p_stmt_verify(Parser *p, Stmt *s);
bool p_create_mv(Parser *p, Stmt *s); /* parser_mv.c */
bool p_drop_mv(Parser *p, Stmt *s);
bool p_alter_mv(Parser *p, Stmt *s);
bool p_stmt_refresh(Parser *p, Stmt *s);
bool p_refresh_desc(Parser *p, RefreshDesc *out); /* after REFRESH */

#endif
