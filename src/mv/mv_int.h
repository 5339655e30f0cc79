/* Declarations shared by the files of src/mv (not for other modules): statement handlers, the
 * refresh task machinery (queue, scheduler thread, task-run history), definition storage and
 * base-table checks, and the synchronous-MV (rollup) pieces. */
#ifndef CAIRN_MV_MV_INT_H
#define CAIRN_MV_MV_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "mv/mv_def.h"
#include "sql/ast.h"
#include "sql/result.h"
#include "sql/session.h"
#include "util/error.h"

/* ---------------------------------------------------------------- definitions (mv_state.c) */

/* Parses t->mv_def (caller holds the catalog lock). */
Status mv_def_of(const CatTable *t, MvDef *d, Error *err) MUST_CHECK;
/* Stores d as t->mv_def in one metadata transaction (catalog write lock held); memory changes only
 * after the commit. */
Status mv_def_store(CatTable *t, const MvDef *d, Error *err) MUST_CHECK;
/* Checks every base table of d against the catalog (lock held): true when all exist under the
 * recorded id and signature. Otherwise writes StarRocks' inactive reason into why ("base-table
 * dropped: d.t", ...). */
bool mv_bases_valid(const MvDef *d, char *why, size_t n);
/* Re-resolves the base tables of an MV from its definition (ACTIVE, restore): parses the query,
 * looks every table up by name (lock held), records ids and signatures in d. Fails naming the
 * missing tables. */
Status mv_bases_resolve(const CatTable *mv, const char *db_name, MvDef *d, Error *err) MUST_CHECK;
/* The same from a parsed definition. */
Status mv_bases_resolve_query(const Query *q, const char *db_name, MvDef *d, Error *err) MUST_CHECK;
/* Finds an async MV by [db.]name for a statement (lock held): ERR_NO_SUCH_TABLE / ERR_WRONG_OBJECT.
 */
Status mv_find(Session *s, const char *db, const char *name, CatDatabase **db_out, CatTable **out,
               Error *err) MUST_CHECK;
/* The sum over the base tables' partitions of their visible versions (lock held): changes whenever
 * a base table's data does (auto refresh of REFRESH ASYNC without EVERY). */
int64_t mv_bases_data_version(const MvDef *d);

/* ---------------------------------------------------------------- refresh tasks (mv_task.c) */

typedef struct MvTaskRun {
    int64_t start_ms, finish_ms; /* finish 0 while running */
    char state[16];              /* PENDING, RUNNING, SUCCESS, FAILED */
    int error_code;              /* MySQL errno of the failure, 0 on success */
    char error_msg[512];
} MvTaskRun;

Status mv_task_init(Error *err) MUST_CHECK; /* the task-run history table; the scheduler thread */
void mv_task_shutdown(void);
/* Queues a refresh of MV mv_id for the scheduler thread (REFRESH, IMMEDIATE creation, schedules).
 */
void mv_task_submit(int64_t mv_id);
/* Runs a refresh now in the calling thread (WITH SYNC MODE), after any refresh of the MV already
 * running. */
Status mv_task_run_sync(int64_t mv_id, Error *err) MUST_CHECK;
/* CANCEL REFRESH: drops a queued refresh and interrupts a running one. Returns whether there was
 * one. */
bool mv_task_cancel(int64_t mv_id);
/* The newest task run of an MV (a queued refresh shows as PENDING); false when it never ran. */
bool mv_task_last(int64_t mv_id, MvTaskRun *out);
/* Forgets an MV's schedule and history (DROP). */
void mv_task_forget(int64_t mv_id);
/* Wakes the scheduler (a definition changed: new schedule, ACTIVE). */
void mv_task_kick(void);
/* Recomputes an MV's schedule from its definition at the next scheduler pass (ALTER ... REFRESH,
 * ACTIVE). */
void mv_task_reschedule(int64_t mv_id);

/* The refresh itself (mv_refresh.c): runs the MV's query in session s (internal; its db is set to
 * the MV's) and overwrites the MV's data through the load path. Killing s interrupts it. */
Status mv_refresh_execute(int64_t mv_id, Session *s, Error *err) MUST_CHECK;

/* ---------------------------------------------------------------- statement handlers */

Status mv_create_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status mv_drop_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status mv_alter_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status mv_refresh_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status mv_cancel_refresh_handler(Session *s, const Stmt *st, ResultSink *out,
                                 Error *err) MUST_CHECK;
Status mv_show_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status mv_show_alter_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
/* SHOW CREATE TABLE/MATERIALIZED VIEW of an async MV; other objects go to the catalog's handler. */
Status mv_show_create_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;

/* CREATE MATERIALIZED VIEW text of an async MV (lock held); SHOW CREATE and SHOW MATERIALIZED
 * VIEWS. */
void mv_show_create_text(const CatTable *t, StrBuf *out);
/* Remembers the catalog's SHOW CREATE handler before mv_show_create_handler replaces it. */
void mv_show_create_chain(void);

/* Async MV statements (mv_async.c), called by the handlers above. */
Status mv_async_create(Session *s, const CreateMvStmt *c, Error *err) MUST_CHECK;
Status mv_async_drop(Session *s, const DropMvStmt *d, Error *err) MUST_CHECK;

/* ---------------------------------------------------------------- synchronous MVs (mv_sync.c) */

/* CREATE MATERIALIZED VIEW without refresh/partition/distribution clauses: a new index of one
 * table. */
Status mv_sync_create(Session *s, const CreateMvStmt *c, Error *err) MUST_CHECK;
/* DROP MATERIALIZED VIEW mv [ON t]: drops the index; *found false when no table has an index of
 * that name. */
Status mv_sync_drop(Session *s, const DropMvStmt *d, bool *found, Error *err) MUST_CHECK;
/* Rows for SHOW MATERIALIZED VIEWS of the synchronous MVs of db (lock held). */
typedef void (*MvRowFn)(void *ctx, const char *const *cells);
void mv_sync_show_rows(const CatDatabase *db, MvRowFn fn, void *ctx);
/* The build-job table (start-up) and one scheduler pass: runs pending build jobs, fills gaps. */
Status mv_sync_init(Error *err) MUST_CHECK;
void mv_sync_pass(void);
/* Whether some base rowset version of t has no counterpart in index ipos (lock held). */
bool mv_sync_has_gaps(const CatTable *t, int ipos);
/* Fills the index's tablets with the rows of every base rowset version it does not cover yet. */
Status mv_sync_fill(int64_t table_id, int64_t index_id, int64_t *rows_written,
                    Error *err) MUST_CHECK;
/* The rollup rewriter installed as exec_rollup_rewriter (mv_rewrite.c). */
bool mv_rollup_rewrite(Session *s, const char *db, const SelectCore *core, const OrderItem *order,
                       int norder, Arena *a, SelectCore **core_out, OrderItem **order_out);

/* ---------------------------------------------------------------- filtered rollups (mv_where.c) */

/* The WHERE of a synchronous MV's definition (CREATE text define_sql of index index_name) with its
 * column qualifiers removed, in a; *out NULL when it has none. */
Status mv_sync_where(const char *index_name, const char *define_sql, Arena *a, Expr **out,
                     Error *err) MUST_CHECK;
/* CREATE: checks the WHERE of a synchronous MV over table t read as `from` (lock held): columns of
 * t only, no aggregate, subquery, variable or function whose value depends on when or by whom it
 * runs; on an AGGREGATE KEY table key columns only. */
Status mv_sync_where_check(const CatTable *t, const TableRef *from, const Expr *where, Arena *a,
                           Error *err) MUST_CHECK;
/* Splits a predicate over table t into its AND-ed conjuncts (*conj) and their normalised texts
 * (*texts: ast_print_expr of a copy whose columns carry t's spelling and no qualifier and whose
 * function names are lower case; NULL for a conjunct naming something that is not a column of t).
 * from: the FROM entry a query reads t as (qualifiers must name it), NULL for a stored MV
 * predicate. Returns the number of conjuncts (0 for NULL); everything lives in a. Lock held. */
int mv_where_split(const CatTable *t, const TableRef *from, const Expr *e, Arena *a, Expr ***conj,
                   char ***texts);

#endif
