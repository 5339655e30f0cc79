/* Statement handlers of the catalog: databases, tables, partitions, views and the SHOW statements that
 * describe them. catalog_register_statements() registers them with sql/execute.h at start-up; each handler
 * checks privileges, validates against the catalog, writes one metadata transaction, then updates memory. */
#ifndef CAIRN_CATALOG_DDL_H
#define CAIRN_CATALOG_DDL_H

#include "sql/ast.h"
#include "sql/result.h"
#include "sql/session.h"
#include "util/error.h"

/* Registers every handler below for its StmtKind. */
void catalog_register_statements(void);

/* databases (ddl_database.c) */
Status ddl_use(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_create_database(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_drop_database(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_show_databases(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_show_create_database(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;

/* tables (ddl_table.c, ddl_alter.c) */
Status ddl_create_table(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_drop_table(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_truncate(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_alter_table(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;

/* views (ddl_view.c) */
Status ddl_create_view(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_alter_view(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_drop_view(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;

/* SHOW (ddl_show.c) */
Status ddl_show_tables(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_show_table_status(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_show_columns(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_show_create_table(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_show_partitions(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status ddl_show_data(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;

#endif
