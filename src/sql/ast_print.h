/* Prints AST expressions and queries back as valid SQL (StarRocks dialect): for error messages,
 * EXPLAIN output and canonical stored definitions. The output re-parses to an equal AST;
 * parentheses are added only where precedence needs them. Identifiers are backquoted only when they
 * must be. */
#ifndef CAIRN_SQL_AST_PRINT_H
#define CAIRN_SQL_AST_PRINT_H

#include "sql/ast.h"
#include "util/strbuf.h"

/* Appends the SQL text of an expression. */
void ast_print_expr(const Expr *e, StrBuf *out);
/* Appends the SQL text of a query (WITH, body, ORDER BY, LIMIT). */
void ast_print_query(const Query *q, StrBuf *out);
/* Appends a name, backquoted when it is not a plain word or is a reserved keyword. */
void ast_print_ident(const char *name, StrBuf *out);
/* Appends a type as CAST and CREATE TABLE accept it: INT, DECIMAL(10, 2), VARCHAR(20)... */
void ast_print_type(const DataType *t, StrBuf *out);

#endif
