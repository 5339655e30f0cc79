/* Helpers shared by the catalog's statement handlers: OK replies, privilege shorthands and SHOW result
 * tables with LIKE / WHERE / ORDER BY / LIMIT applied the way MySQL applies them to SHOW output. */
#ifndef CAIRN_CATALOG_DDL_INT_H
#define CAIRN_CATALOG_DDL_INT_H

#include "catalog/catalog_int.h"
#include "catalog/ddl.h"
#include "catalog/privilege.h"

/* Rows of a SHOW result, built as text (NULL cell = SQL NULL); owned strings. */
typedef struct ShowRows {
    int ncols;
    char **cells; /* row-major */
    int nrows, cap;
} ShowRows;

void show_rows_init(ShowRows *r, int ncols);
void show_rows_add(ShowRows *r, const char *const *cells);
void show_rows_free(ShowRows *r);
/* Sends the rows after filtering by sh->like (on column like_col), sh->where, then ORDER BY and LIMIT. */
Status show_send(ResultSink *out, const ResultColumn *cols, int ncols, ShowRows *rows, const ShowStmt *sh,
                 int like_col, Error *err) MUST_CHECK;
/* Whether a row satisfies a SHOW ... WHERE expression over the result's columns. */
Status show_where_match(const Expr *where, const ResultColumn *cols, int ncols, const char *const *row,
                        bool *match, Error *err) MUST_CHECK;

/* StarRocks' rule for database, table and partition names (letters, digits, '_', '-'; not a digit first). */
bool cat_name_ok(const char *s);
Status ddl_ok(ResultSink *out, uint64_t affected, Error *err) MUST_CHECK;
/* Any privilege at all on a table (decides whether SHOW TABLES lists it). */
bool ddl_has_any_table_priv(const Session *s, const char *db, const char *table);
/* The database name a statement means: its own, else the session's; NULL with ERR_NO_DB set. */
const char *ddl_db_name(const Session *s, const char *db, Error *err);

/* CREATE TABLE analysis (table_build.c): a detached CatTable from the statement, fully validated,
 * without ids. db is the target database (for LIKE sources). */
Status table_build(Session *s, const CreateTableStmt *c, CatDatabase *db, CatTable **out, Error *err) MUST_CHECK;
/* Validates and normalises table properties (replication_num, storage_medium ...) into t->props. */
Status table_props_apply(CatTable *t, const PropList *props, bool alter, Error *err) MUST_CHECK;
/* Builds partitions from definitions against t (bounds checked, names unique, no overlap with t's
 * partitions or each other). New partitions have no ids; appended to *out (malloc'd array). */
Status partitions_build(CatTable *t, const PartitionDef *defs, int ndefs, bool temp, int buckets,
                        CatPartition ***out, int *nout, Error *err) MUST_CHECK;

/* ddl_table.c, shared with views and ALTER (write lock held). */
Status ddl_install_table(CatDatabase *db, CatTable *t, Error *err) MUST_CHECK;
Status ddl_check_new_name(const CatDatabase *db, const char *name, bool if_not_exists, bool *skip,
                          Error *err) MUST_CHECK;
Status ddl_truncate_partitions(CatTable *t, CatPartition **parts, int nparts, Error *err) MUST_CHECK;

/* SHOW CREATE DATABASE text (show_create.c). */
void cat_show_create_database(const CatDatabase *db, StrBuf *out);

#endif
