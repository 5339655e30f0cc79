/* Synchronous materialized views (rollups): placeholder while the module is built up. */
#include "mv/mv_int.h"

Status mv_sync_create(Session *s, const CreateMvStmt *c, Error *err) {
    return err_set(err, ERR_NOT_SUPPORTED, "synchronous materialized views are not supported yet");
}

Status mv_sync_drop(Session *s, const DropMvStmt *d, bool *found, Error *err) {
    *found = false;
    return STATUS_OK;
}

void mv_sync_show_rows(const CatDatabase *db, MvRowFn fn, void *ctx) {
}

Status mv_show_alter_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    return err_set(err, ERR_NOT_SUPPORTED, "SHOW ALTER is not supported");
}

bool mv_rollup_rewrite(Session *s, const char *db, const SelectCore *core, const OrderItem *order, int norder,
                       Arena *a, SelectCore **core_out, OrderItem **order_out) {
    return false;
}
