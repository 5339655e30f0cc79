/* Statement execution: parse SQL text, then hand each statement to the handler its module registered.
 * Modules register handlers at start-up (catalog_register_statements(), backup_register_statements(), ...),
 * so sql/ needs no compile-time knowledge of them and a module can land independently. */
#ifndef CAIRN_SQL_EXECUTE_H
#define CAIRN_SQL_EXECUTE_H

#include "sql/ast.h"
#include "sql/result.h"
#include "sql/session.h"

typedef Status (*StmtHandler)(Session *s, const Stmt *st, ResultSink *out, Error *err);

/* Registers the handler for one statement kind (last registration wins). Call before serving. */
void sql_register(StmtKind kind, StmtHandler handler);
StmtHandler sql_handler(StmtKind kind);
/* Parses `sql` and runs each statement in order; stops at the first error. */
Status sql_execute(Session *s, const char *sql, size_t len, ResultSink *out, Error *err) MUST_CHECK;
/* Runs one parsed statement through its handler (used by EXPLAIN, jobs and tests). */
Status sql_execute_stmt(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;

#endif
