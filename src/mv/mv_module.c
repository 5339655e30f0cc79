/* The MV module's entry points: statement registration (CREATE/DROP dispatch between synchronous
 * and asynchronous MVs), the rollup rewriter hook, and the scheduler's start and stop. */
#include "mv/mv.h"

#include "catalog/ddl_int.h"
#include "exec/exec.h"
#include "mv/mv_int.h"
#include "sql/execute.h"

/* No REFRESH, PARTITION BY or DISTRIBUTED BY clause: StarRocks' synchronous form. */
static bool is_sync(const CreateMvStmt *c) {
    return c->refresh.kind == REFRESH_NONE && !c->partition_expr && !c->distribution &&
           !c->norder_by;
}

Status mv_create_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const CreateMvStmt *c = &st->u.create_mv;
    if (is_sync(c) ? mv_sync_create(s, c, err) : mv_async_create(s, c, err)) return STATUS_ERROR;
    return out->ok(out, 0, 0, NULL, err);
}

Status mv_drop_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const DropMvStmt *d = &st->u.drop_mv;
    const char *dbname = ddl_db_name(s, d->db, err);
    if (!dbname) return STATUS_ERROR;
    bool is_async = false;
    if (!d->on_table) {
        catalog_rdlock();
        CatDatabase *db = catalog_find_db(dbname);
        CatTable *t = db ? catalog_find_table(db, d->name) : NULL;
        is_async = t && t->kind == TABLE_MV;
        catalog_unlock();
        if (!db) return err_set(err, ERR_BAD_DB, "Unknown database '%s'", dbname);
    }
    if (is_async) {
        if (mv_async_drop(s, d, err)) return STATUS_ERROR;
        return out->ok(out, 0, 0, NULL, err);
    }
    bool found = false;
    if (mv_sync_drop(s, d, &found, err)) return STATUS_ERROR;
    if (!found && !d->if_exists)
        return err_set(err, ERR_BAD_TABLE, "Materialized view '%s.%s' does not exist", dbname,
                       d->name);
    return out->ok(out, 0, 0, NULL, err);
}

void mv_register_statements(void) {
    sql_register(STMT_CREATE_MV, mv_create_handler);
    sql_register(STMT_DROP_MV, mv_drop_handler);
    sql_register(STMT_ALTER_MV, mv_alter_handler);
    sql_register(STMT_REFRESH_MV, mv_refresh_handler);
    sql_register(STMT_CANCEL_REFRESH_MV, mv_cancel_refresh_handler);
    sql_register(STMT_SHOW_MATERIALIZED_VIEWS, mv_show_handler);
    sql_register(STMT_SHOW_ALTER, mv_show_alter_handler);
    mv_show_create_chain();
    sql_register(STMT_SHOW_CREATE_TABLE, mv_show_create_handler);
    exec_rollup_rewriter = mv_rollup_rewrite;
}

Status mv_module_start(Error *err) {
    return mv_task_init(err);
}

void mv_module_stop(void) {
    mv_task_shutdown();
}
