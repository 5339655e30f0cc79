/* Asynchronous materialized views: CREATE (a table of kind TABLE_MV built like CREATE TABLE from
 * the query's columns, with the MvDef in CatTable.mv_def), DROP, ALTER (ACTIVE, INACTIVE, RENAME,
 * REFRESH, SET), REFRESH [WITH SYNC MODE] and CANCEL REFRESH. The query is analysed in the MV's
 * database before anything is written; refreshes run as tasks (mv_task.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/ddl_int.h"
#include "exec/exec.h"
#include "mv/mv_int.h"
#include "sql/parser.h"
#include "util/clock.h"
#include "util/log.h"

/* Properties that belong to the MV (kept in its properties, shown by SHOW CREATE) rather than to
 * its storage. */
static bool mv_only_prop(const char *k) {
    static const char *const keys[] = {"partition_refresh_number",
                                       "auto_refresh_partitions_limit",
                                       "excluded_trigger_tables",
                                       "query_rewrite_consistency",
                                       "mv_rewrite_staleness_second",
                                       "force_external_table_query_rewrite",
                                       "partition_ttl_number",
                                       "partition_ttl",
                                       "resource_group",
                                       "unique_constraints",
                                       "foreign_key_constraints",
                                       "enable_query_rewrite"};
    if (!strncasecmp(k, "session.", 8)) return true;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcasecmp(k, keys[i])) return true;
    return false;
}

/* Analyses q with the session's database temporarily set to db (the MV's): unqualified names in the
 * definition always mean tables of the MV's database, at creation, refresh and after a restore
 * elsewhere. */
static Status analyse_in_db(Session *s, const char *db, const Query *q, Arena *a,
                            ResultColumn **cols, int *ncols, Error *err) {
    char saved[sizeof s->db], want[sizeof s->db];
    snprintf(want, sizeof want, "%s", db); /* db may be s->db itself */
    memcpy(saved, s->db, sizeof saved);
    memcpy(s->db, want, sizeof want);
    Status st = exec_query_columns(s, q, a, cols, ncols, err);
    memcpy(s->db, saved, sizeof saved);
    return st;
}

static void def_from_refresh(MvDef *d, const RefreshDesc *r) {
    snprintf(d->refresh, sizeof d->refresh, "%s", r->kind == REFRESH_ASYNC ? "ASYNC" : "MANUAL");
    free(d->start);
    d->start = r->start ? strdup(r->start) : NULL;
    d->every_n = r->every_n;
    snprintf(d->every_unit, sizeof d->every_unit, "%s", r->every_unit ? r->every_unit : "");
    d->deferred = r->deferred;
}

Status mv_async_create(Session *s, const CreateMvStmt *c, Error *err) {
    const char *dbname = ddl_db_name(s, c->db, err);
    if (!dbname) return STATUS_ERROR;
    if (c->refresh.kind == REFRESH_INCREMENTAL)
        return err_set(err, ERR_NOT_SUPPORTED,
                       "REFRESH INCREMENTAL is not supported: use REFRESH ASYNC [EVERY (...)] or "
                       "REFRESH MANUAL");
    if (!c->query || !c->query->src)
        return err_set(err, ERR_INTERNAL, "materialized view '%s' has no query text", c->name);
    catalog_rdlock();
    CatDatabase *db = catalog_find_db(dbname);
    Status st = db ? priv_check(s, PRIV_CREATE, db->name, NULL, err)
                   : err_set(err, ERR_BAD_DB, "Unknown database '%s'", dbname);
    bool exists = db && catalog_find_table(db, c->name);
    catalog_unlock();
    if (st) return STATUS_ERROR;
    if (exists && c->if_not_exists) return STATUS_OK;
    if (exists) return err_set(err, ERR_TABLE_EXISTS, "Table '%s' already exists", c->name);
    Arena *a = arena_new(0);
    ResultColumn *rc;
    int nrc;
    if (analyse_in_db(s, dbname, c->query, a, &rc, &nrc, err)) {
        arena_free(a);
        return err_prefix(err, "materialized view '%s': ", c->name);
    }
    CreateTableStmt ct;
    memset(&ct, 0, sizeof ct);
    ct.db = (char *)dbname;
    ct.name = c->name;
    ct.comment = c->comment;
    ct.distribution = c->distribution;
    ct.cols = arena_calloc(a, sizeof(ColumnDef) * (size_t)(nrc ? nrc : 1));
    ct.ncols = nrc;
    for (int i = 0; i < nrc; i++) {
        if (rc[i].type.id == TYPE_NULL) {
            arena_free(a);
            return err_set(
                err, ERR_COMMON,
                "materialized view '%s': column '%s' has no type (a bare NULL): CAST it to a type",
                c->name, rc[i].name);
        }
        ct.cols[i].name = (char *)rc[i].name;
        ct.cols[i].type = rc[i].type;
        ct.cols[i].null_spec = 1;
        ct.cols[i].comment = "";
    }
    PartitionDesc pd;
    memset(&pd, 0, sizeof pd);
    if (c->partition_expr) {
        pd.type = PART_EXPR;
        if (c->partition_expr->kind == EXPR_COLUMN) {
            pd.cols = &c->partition_expr->text;
            pd.ncols = 1;
        } else {
            pd.expr = c->partition_expr;
        }
        ct.partition = &pd;
    }
    Property *kept = arena_calloc(a, sizeof(Property) * (size_t)(c->props.n + 1));
    Property *mvp = arena_calloc(a, sizeof(Property) * (size_t)(c->props.n + 1));
    int nkept = 0, nmvp = 0;
    for (int i = 0; i < c->props.n; i++) {
        if (mv_only_prop(c->props.items[i].key))
            mvp[nmvp++] = c->props.items[i];
        else
            kept[nkept++] = c->props.items[i];
    }
    ct.props.items = kept;
    ct.props.n = nkept;

    MvDef d;
    if (mv_def_parse(NULL, &d, err)) { /* the defaults: cannot fail */
        arena_free(a);
        return STATUS_ERROR;
    }
    def_from_refresh(&d, &c->refresh);
    catalog_wrlock();
    db = catalog_find_db(dbname);
    CatTable *t = NULL;
    bool skip = false;
    st = db ? STATUS_OK : err_set(err, ERR_BAD_DB, "Unknown database '%s'", dbname);
    if (!st) st = ddl_check_new_name(db, c->name, c->if_not_exists, &skip, err);
    if (!st && !skip) st = table_build(s, &ct, db, &t, err);
    if (!st && !skip) st = mv_bases_resolve_query(c->query, db->name, &d, err);
    if (!st && !skip) {
        t->kind = TABLE_MV;
        t->view_sql = cat_strdup(c->query->src);
        for (int i = 0; i < nmvp; i++)
            cat_props_set(&t->props, mvp[i].key, mvp[i].value);
        t->mv_def = mv_def_format(&d);
        st = ddl_install_table(db, t, err);
        if (st) catalog_table_free(t);
    }
    int64_t id = !st && !skip ? t->id : 0;
    catalog_unlock();
    mv_def_free(&d);
    arena_free(a);
    if (st) return STATUS_ERROR;
    if (id) {
        log_info("materialized view %s.%s created (refresh %s)", dbname, c->name,
                 c->refresh.kind == REFRESH_ASYNC ? "ASYNC" : "MANUAL");
        if (!c->refresh.deferred) mv_task_submit(id);
        mv_task_kick();
    }
    return STATUS_OK;
}

/* Drops the MV table t (write lock held): metadata first, then memory; files go once no reader pins
 * them. */
static Status drop_mv_table(CatTable *t, Error *err) {
    if (catalog_check_table_usable(t, err) || meta_begin(err)) return STATUS_ERROR;
    if (persist_table_delete(t->id, err)) {
        meta_rollback();
        return STATUS_ERROR;
    }
    if (meta_commit(err)) return STATUS_ERROR;
    cat_detach_table(t);
    for (int k = 0; k < t->nparts; k++)
        cat_partition_drop_data(t->parts[k]);
    catalog_table_free(t);
    return STATUS_OK;
}

Status mv_async_drop(Session *s, const DropMvStmt *d, Error *err) {
    const char *dbname = ddl_db_name(s, d->db, err);
    if (!dbname) return STATUS_ERROR;
    catalog_wrlock();
    CatDatabase *db = catalog_find_db(dbname);
    CatTable *t = db ? catalog_find_table(db, d->name) : NULL;
    Status st = STATUS_OK;
    int64_t id = 0;
    if (!db)
        st = err_set(err, ERR_BAD_DB, "Unknown database '%s'", dbname);
    else if (!t || t->kind != TABLE_MV)
        st = err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is not MATERIALIZED VIEW", db->name, d->name);
    if (!st) st = priv_check(s, PRIV_DROP, db->name, t->name, err);
    if (!st) {
        id = t->id;
        st = drop_mv_table(t, err);
    }
    catalog_unlock();
    cat_reap_dead();
    if (st) return STATUS_ERROR;
    mv_task_cancel(id);
    mv_task_forget(id);
    return STATUS_OK;
}

/* ---------------------------------------------------------------- ALTER */

static Status alter_active(Session *s, const AlterMvStmt *al, const char *dbname, Error *err) {
    /* analyse the definition first (the query engine takes the catalog lock itself) */
    catalog_rdlock();
    CatDatabase *db;
    CatTable *t;
    Status st = mv_find(s, al->db, al->name, &db, &t, err);
    char *sql = NULL, *real_db = NULL;
    if (!st) st = priv_check(s, PRIV_ALTER, db->name, t->name, err);
    if (!st) {
        sql = strdup(t->view_sql ? t->view_sql : "");
        real_db = strdup(db->name);
    }
    catalog_unlock();
    if (st) return STATUS_ERROR;
    Arena *a = arena_new(0);
    Query *q = NULL;
    ResultColumn *rc = NULL;
    int nrc = 0;
    st = sql_parse_query(a, sql, strlen(sql), &q, err);
    if (!st) st = analyse_in_db(s, real_db, q, a, &rc, &nrc, err);
    if (st)
        err_prefix(err, "Can not active materialized view [%s] because its definition is invalid: ",
                   al->name);
    int64_t id = 0;
    if (!st) {
        catalog_wrlock();
        st = mv_find(s, real_db, al->name, &db, &t, err);
        MvDef d;
        memset(&d, 0, sizeof d);
        if (!st && t->ncols != nrc)
            st = err_set(err, ERR_COMMON,
                         "Can not active materialized view [%s]: its query now returns %d columns, "
                         "the view has %d",
                         al->name, nrc, t->ncols);
        for (int i = 0; !st && i < nrc; i++)
            if (!type_equal(&rc[i].type, &t->cols[i].type))
                st = err_set(err, ERR_COMMON,
                             "Can not active materialized view [%s]: its query now returns %s for "
                             "column '%s', the "
                             "view stores %s",
                             al->name, type_name(rc[i].type.id), t->cols[i].name,
                             type_name(t->cols[i].type.id));
        if (!st) st = mv_def_of(t, &d, err);
        if (!st && mv_bases_resolve(t, db->name, &d, err))
            st = err_prefix(
                err, "Can not active materialized view [%s] because its base tables do not exist: ",
                al->name);
        if (!st) {
            mv_def_set_state(&d, true, NULL);
            st = mv_def_store(t, &d, err);
            id = t->id;
        }
        mv_def_free(&d);
        catalog_unlock();
    }
    arena_free(a);
    free(sql);
    free(real_db);
    (void)dbname;
    if (st) return STATUS_ERROR;
    mv_task_reschedule(id);
    mv_task_submit(id); /* ACTIVE refreshes the view (its base data may have changed meanwhile) */
    return STATUS_OK;
}

Status mv_alter_handler(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    const AlterMvStmt *al = &stmt->u.alter_mv;
    const char *dbname = ddl_db_name(s, al->db, err);
    if (!dbname) return STATUS_ERROR;
    if (al->kind == ALTER_MV_ACTIVE) {
        if (alter_active(s, al, dbname, err)) return STATUS_ERROR;
        return out->ok(out, 0, 0, NULL, err);
    }
    catalog_wrlock();
    CatDatabase *db;
    CatTable *t;
    MvDef d;
    memset(&d, 0, sizeof d);
    int64_t id = 0;
    Status st = mv_find(s, al->db, al->name, &db, &t, err);
    if (!st) st = priv_check(s, PRIV_ALTER, db->name, t->name, err);
    if (!st) st = catalog_check_table_usable(t, err);
    if (!st) st = mv_def_of(t, &d, err);
    if (!st) {
        id = t->id;
        switch (al->kind) {
        case ALTER_MV_INACTIVE:
            mv_def_set_state(&d, false, "user use alter materialized view set status to inactive");
            st = mv_def_store(t, &d, err);
            break;
        case ALTER_MV_REFRESH:
            if (al->refresh.kind == REFRESH_INCREMENTAL) {
                st = err_set(err, ERR_NOT_SUPPORTED, "REFRESH INCREMENTAL is not supported");
                break;
            }
            def_from_refresh(&d, &al->refresh);
            st = mv_def_store(t, &d, err);
            break;
        case ALTER_MV_RENAME: {
            bool skip = false;
            if (!cat_name_ok(al->new_name)) {
                st = err_set(err, ERR_WRONG_OBJECT, "Incorrect table name '%s'", al->new_name);
                break;
            }
            st = ddl_check_new_name(db, al->new_name, false, &skip, err);
            if (st) break;
            char *old = t->name;
            t->name = cat_strdup(al->new_name);
            st = mv_def_store(t, &d, err); /* persists the table row with its new name */
            if (st) {
                free(t->name);
                t->name = old;
                break;
            }
            free(old);
            if (t->nindexes) {
                free(t->indexes[0]->name);
                t->indexes[0]->name = cat_strdup(t->name);
            }
            break;
        }
        case ALTER_MV_SET_PROPERTIES: {
            CatProps saved;
            memset(&saved, 0, sizeof saved);
            cat_props_copy(&saved, &t->props);
            for (int i = 0; i < al->props.n; i++)
                cat_props_set(&t->props, al->props.items[i].key, al->props.items[i].value);
            st = mv_def_store(t, &d, err);
            if (st) {
                cat_props_free(&t->props);
                t->props = saved;
            } else {
                cat_props_free(&saved);
            }
            break;
        }
        default:
            st = err_set(err, ERR_INTERNAL, "unknown ALTER MATERIALIZED VIEW form");
            break;
        }
    }
    mv_def_free(&d);
    catalog_unlock();
    if (st) return STATUS_ERROR;
    mv_task_reschedule(id);
    mv_task_kick();
    return out->ok(out, 0, 0, NULL, err);
}

/* ---------------------------------------------------------------- REFRESH / CANCEL REFRESH */

/* Resolves the MV of a REFRESH statement and checks it may be refreshed now. */
static Status refresh_target(Session *s, const RefreshMvStmt *r, bool need_active, int64_t *id,
                             Error *err) {
    catalog_rdlock();
    CatDatabase *db;
    CatTable *t;
    Status st = mv_find(s, r->db, r->name, &db, &t, err);
    if (!st) st = priv_check(s, PRIV_ALTER, db->name, t->name, err);
    if (!st) st = catalog_check_table_usable(t, err);
    MvDef d;
    memset(&d, 0, sizeof d);
    if (!st && need_active) st = mv_def_of(t, &d, err);
    if (!st && need_active && !d.active)
        st = err_set(err, ERR_COMMON,
                     "Refresh materialized view failed: materialized view %s.%s is not active "
                     "(%s); run ALTER "
                     "MATERIALIZED VIEW %s ACTIVE",
                     db->name, t->name, d.reason, t->name);
    if (!st) *id = t->id;
    mv_def_free(&d);
    catalog_unlock();
    return st;
}

Status mv_refresh_handler(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    const RefreshMvStmt *r = &stmt->u.refresh_mv;
    int64_t id = 0;
    if (refresh_target(s, r, true, &id, err)) return STATUS_ERROR;
    if (r->sync_mode) {
        if (mv_task_run_sync(id, err))
            return err_prefix(err, "Refresh materialized view %s failed: ", r->name);
    } else {
        mv_task_submit(id);
    }
    return out->ok(out, 0, 0, NULL, err);
}

Status mv_cancel_refresh_handler(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    const RefreshMvStmt *r = &stmt->u.refresh_mv;
    int64_t id = 0;
    if (refresh_target(s, r, false, &id, err)) return STATUS_ERROR;
    mv_task_cancel(id);
    return out->ok(out, 0, 0, NULL, err);
}
