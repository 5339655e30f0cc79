/* Placeholder until the real parser lands: every statement is a syntax error. */
#include "sql/parser.h"

Status sql_parse(Arena *a, const char *sql, size_t len, Stmt ***out, int *nout, Error *err) {
    *out = NULL;
    *nout = 0;
    return err_set(err, ERR_PARSE, "the SQL parser is not built yet");
}

Status sql_parse_query(Arena *a, const char *sql, size_t len, Query **out, Error *err) {
    return err_set(err, ERR_PARSE, "the SQL parser is not built yet");
}

Status sql_parse_expr(Arena *a, const char *sql, size_t len, Expr **out, Error *err) {
    return err_set(err, ERR_PARSE, "the SQL parser is not built yet");
}
