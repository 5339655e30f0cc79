/* One refresh of an async MV: run its defining query (exec_query, in the MV's database) and write
 * the result as an INSERT OVERWRITE of every partition of the MV through the load path, so readers
 * see the old rows or the new ones, never a mix, and a failed refresh leaves the old rows in place.
 */
#include <stdio.h>
#include <string.h>

#include "catalog/catalog.h"
#include "exec/exec.h"
#include "load/load_sink.h"
#include "mv/mv_int.h"
#include "sql/parser.h"
#include "util/log.h"

typedef struct RefreshCtx {
    LoadSink *ls;
    const char *mv;
    int ncols;
    CatColumn *cols; /* the MV's columns (arena copies) */
} RefreshCtx;

static Status rf_columns(void *vctx, const ResultColumn *cols, int ncols, Error *err) {
    RefreshCtx *c = vctx;
    if (ncols != c->ncols)
        return err_set(err, ERR_COMMON,
                       "the query of materialized view '%s' returns %d columns but the view has "
                       "%d: a base table "
                       "changed; recreate the materialized view",
                       c->mv, ncols, c->ncols);
    for (int i = 0; i < ncols; i++)
        if (!type_equal(&cols[i].type, &c->cols[i].type))
            return err_set(err, ERR_COMMON,
                           "the query of materialized view '%s' returns %s for column '%s', which "
                           "the view stores as "
                           "%s: a base table changed; recreate the materialized view",
                           c->mv, type_name(cols[i].type.id), c->cols[i].name,
                           type_name(c->cols[i].type.id));
    return STATUS_OK;
}

static Status rf_batch(void *vctx, const Batch *b, Error *err) {
    RefreshCtx *c = vctx;
    return load_sink_add(c->ls, b, NULL, err);
}

Status mv_refresh_execute(int64_t mv_id, Session *s, Error *err) {
    Arena *a = arena_new(0);
    char *dbname = NULL, *name = NULL, *sql = NULL;
    RefreshCtx ctx = {0};
    Status st = STATUS_OK;
    catalog_rdlock();
    CatTable *t = catalog_find_table_by_id(mv_id);
    CatDatabase *db = t ? catalog_find_db_by_id(t->db_id) : NULL;
    if (!t || !db || t->kind != TABLE_MV) {
        st = err_set(err, ERR_NO_SUCH_TABLE, "materialized view %lld no longer exists",
                     (long long)mv_id);
    } else if (catalog_check_table_usable(t, err)) {
        st = STATUS_ERROR;
    } else {
        MvDef d;
        char why[512];
        st = mv_def_of(t, &d, err);
        if (!st && !d.active)
            st = err_set(err, ERR_COMMON,
                         "Materialized view %s.%s is inactive (%s): run ALTER MATERIALIZED VIEW %s "
                         "ACTIVE first",
                         db->name, t->name, d.reason, t->name);
        else if (!st && !mv_bases_valid(&d, why, sizeof why))
            st = err_set(err, ERR_COMMON, "Materialized view %s.%s cannot be refreshed: %s",
                         db->name, t->name, why);
        mv_def_free(&d);
        dbname = arena_strdup(a, db->name);
        name = arena_strdup(a, t->name);
        sql = arena_strdup(a, t->view_sql ? t->view_sql : "");
        ctx.ncols = t->ncols;
        ctx.cols = arena_alloc(a, sizeof(CatColumn) * (size_t)(t->ncols ? t->ncols : 1));
        for (int i = 0; i < t->ncols; i++) {
            ctx.cols[i] = t->cols[i];
            ctx.cols[i].name = arena_strdup(a, t->cols[i].name);
        }
    }
    catalog_unlock();
    if (st) {
        arena_free(a);
        return STATUS_ERROR;
    }
    ctx.mv = name;
    snprintf(s->db, sizeof s->db, "%s", dbname);
    Query *q = NULL;
    if (sql_parse_query(a, sql, strlen(sql), &q, err)) {
        arena_free(a);
        return err_prefix(err, "the definition of materialized view '%s' cannot be parsed: ", name);
    }
    LoadSinkOptions o = {0};
    o.overwrite = true;
    o.mv_refresh = true;
    if (load_sink_open(s, dbname, name, &o, &ctx.ls, err)) {
        arena_free(a);
        return STATUS_ERROR;
    }
    ExecSink sink = {rf_columns, rf_batch, &ctx};
    if (exec_query(s, q, &sink, err)) {
        load_sink_abort(ctx.ls);
        arena_free(a);
        return STATUS_ERROR;
    }
    LoadSinkResult res;
    st = load_sink_commit(ctx.ls, &res, err);
    if (!st)
        log_info("materialized view %s.%s refreshed: %lld rows", dbname, name, (long long)res.rows);
    arena_free(a);
    return st;
}
