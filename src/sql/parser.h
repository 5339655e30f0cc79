/* The SQL parser: text in, AST (sql/ast.h) out, all allocated in the caller's arena.
 * Syntax errors are ERR_PARSE (1064) with "... near '<token>' at line N". */
#ifndef CAIRN_SQL_PARSER_H
#define CAIRN_SQL_PARSER_H

#include <stddef.h>

#include "sql/ast.h"
#include "util/arena.h"
#include "util/error.h"

/* Parses one or more ';'-separated statements (empty statements are skipped). */
Status sql_parse(Arena *a, const char *sql, size_t len, Stmt ***out, int *nout, Error *err) MUST_CHECK;
/* Parses a single query (a view or MV definition stored as text). */
Status sql_parse_query(Arena *a, const char *sql, size_t len, Query **out, Error *err) MUST_CHECK;
/* Parses a single expression (stored defaults, partition expressions, delete predicates). */
Status sql_parse_expr(Arena *a, const char *sql, size_t len, Expr **out, Error *err) MUST_CHECK;

#endif
