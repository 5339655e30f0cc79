/* Declarations shared between the files of the load module (not for other modules). */
#ifndef CAIRN_LOAD_LOAD_INTERNAL_H
#define CAIRN_LOAD_LOAD_INTERNAL_H

#include "load/load_sink.h"
#include "sql/ast.h"
#include "sql/result.h"
#include "sql/session.h"

/* Statement handlers (insert.c, delete.c, update.c). */
Status load_insert_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status load_delete_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status load_update_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;

/* Runs a query and writes its rows into a sink (INSERT ... SELECT, UPDATE, DELETE of keyed tables).
 * Query column i feeds table column target[i], cast strictly to its type (a value that does not convert or a
 * NULL for a NOT NULL column is an error naming the column and the row); table columns no query column
 * feeds take fixed[col] (their DEFAULT). override[col] (may be NULL) replaces a query column's value with
 * fixed[col] (UPDATE ... SET c = DEFAULT). op: 0 upserts, 1 writes delete tombstones. */
typedef struct QueryWrite {
    LoadSink *ls;
    int ntarget;
    const int *target;
    const Datum *fixed;
    const bool *override;
    int op;
    int64_t rows; /* out: rows written */
} QueryWrite;

Status load_query_write(Session *s, const Query *q, QueryWrite *qw, Error *err) MUST_CHECK;

/* Builds SELECT <items> FROM [db.]table [PARTITION (...)] [, from] WHERE where, in arena a (borrowing the
 * given expressions). items NULL = every column of the table by name (cols/ncols). */
Query *load_build_select(Arena *a, const char *db, const char *table, char **partitions, int npartitions,
                         Expr **items, const char *const *cols, int ncols, TableRef *from, Expr *where);

/* An INSERT-style reply info string: {'label':'l', 'status':'VISIBLE', 'txnId':'n'}. */
void load_info_string(const LoadSinkResult *res, char *out, size_t n);

#endif
