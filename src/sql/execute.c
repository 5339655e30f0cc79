/* The statement dispatcher: a table of handlers indexed by StmtKind, filled by modules at start-up. */
#include "sql/execute.h"

#include "sql/parser.h"

static StmtHandler handlers[STMT__COUNT];

void sql_register(StmtKind kind, StmtHandler handler) {
    if (kind >= 0 && kind < STMT__COUNT) handlers[kind] = handler;
}

StmtHandler sql_handler(StmtKind kind) {
    return kind >= 0 && kind < STMT__COUNT ? handlers[kind] : NULL;
}

Status sql_execute_stmt(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    StmtHandler h = sql_handler(st->kind);
    if (!h) return err_set(err, ERR_NOT_SUPPORTED, "%s is not supported", stmt_kind_name(st->kind));
    return h(s, st, out, err);
}

Status sql_execute(Session *s, const char *sql, size_t len, ResultSink *out, Error *err) {
    Stmt **stmts = NULL;
    int n = 0;
    if (sql_parse(s->stmt_arena, sql, len, &stmts, &n, err)) return STATUS_ERROR;
    if (n == 0) return err_set(err, ERR_PARSE, "Query was empty");
    for (int i = 0; i < n; i++) {
        if (session_killed(s)) return err_set(err, ERR_QUERY_INTERRUPTED, "Query execution was interrupted");
        if (sql_execute_stmt(s, stmts[i], out, err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}
