/* Synchronous materialized views (rollups): CREATE MATERIALIZED VIEW over one table without refresh
 * clauses adds an index to the table (columns, or keys plus SUM/MIN/MAX/COUNT of columns, of the
 * rows an optional WHERE keeps: mv_where.c), with a tablet per bucket of every partition. From that
 * moment every load writes it (load_sink.c projects and filters each index); a build job, listed by
 * SHOW ALTER MATERIALIZED VIEW, fills it with the rows loaded before (mv_build.c) and then makes it
 * usable by queries (INDEX_NORMAL). DROP MATERIALIZED VIEW mv [ON t] removes the index and its
 * tablets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/ddl_int.h"
#include "mv/mv_int.h"
#include "util/clock.h"
#include "util/log.h"

static const char *SYNC_V1 =
    "CREATE TABLE mv_sync_job(id INTEGER PRIMARY KEY, db_id INTEGER NOT NULL, table_id INTEGER NOT "
    "NULL,"
    " table_name TEXT NOT NULL, index_id INTEGER NOT NULL, index_name TEXT NOT NULL, create_ms "
    "INTEGER NOT NULL,"
    " finish_ms INTEGER NOT NULL, state TEXT NOT NULL, msg TEXT NOT NULL);";

Status mv_sync_init(Error *err) {
    return meta_migrate("mv_sync", 1, SYNC_V1, err);
}

/* ---------------------------------------------------------------- analysis */

static bool is_agg_fn(const Expr *e, AggType *agg) {
    if (e->kind != EXPR_FUNC || !e->text) return false;
    if (!strcasecmp(e->text, "sum"))
        *agg = AGG_SUM;
    else if (!strcasecmp(e->text, "min"))
        *agg = AGG_MIN;
    else if (!strcasecmp(e->text, "max"))
        *agg = AGG_MAX;
    else if (!strcasecmp(e->text, "count"))
        *agg = AGG_COUNT;
    else
        return false;
    return true;
}

/* The type SUM of a column is stored as (what the query engine's SUM returns for it). */
static bool sum_type(const DataType *in, DataType *out) {
    switch (in->id) {
    case TYPE_TINYINT:
    case TYPE_SMALLINT:
    case TYPE_INT:
    case TYPE_BIGINT:
        *out = type_make(TYPE_BIGINT);
        return true;
    case TYPE_LARGEINT:
        *out = type_make(TYPE_LARGEINT);
        return true;
    case TYPE_FLOAT:
    case TYPE_DOUBLE:
        *out = type_make(TYPE_DOUBLE);
        return true;
    case TYPE_DECIMAL:
        *out = type_decimal(38, in->scale);
        return true;
    default:
        return false;
    }
}

static bool column_of(const CatTable *t, const TableRef *from, const Expr *e, int *col) {
    if (e->kind != EXPR_COLUMN) return false;
    if (e->qual_table && strcmp(e->qual_table, from->alias ? from->alias : from->name) != 0)
        return false;
    *col = catalog_find_column(t, e->text);
    return *col >= 0;
}

typedef struct IxCol {
    CatColumn c;
    int base;
} IxCol;

/* Builds the index definition a SELECT describes over table t (lock held). New columns get uids
 * from t->next_col_uid on (the caller advances it when the index is installed). */
static Status build_index(const CatTable *t, const SelectCore *core, const char *name,
                          const char *define_sql, CatIndex **out, int *new_uids, Error *err) {
    const TableRef *from = core->from;
    int n = core->nitems;
    IxCol *cols = calloc((size_t)(n ? n : 1), sizeof *cols);
    char **names = calloc((size_t)(n ? n : 1), sizeof *names); /* generated column names */
    if (!cols || !names) abort();
    int nkeys = 0, naggs = 0;
    bool agg_index = core->ngroup > 0 || t->keys == KEYS_AGGREGATE;
    Status st = STATUS_OK;
    *new_uids = 0;
    for (int i = 0; i < n && !st; i++) {
        const Expr *e = core->items[i].expr;
        const char *alias = core->items[i].alias;
        AggType agg = AGG_NONE;
        int col = -1;
        if (e->kind == EXPR_STAR) {
            st = err_set(err, ERR_COMMON,
                         "A synchronous materialized view names its columns: '*' is not allowed");
        } else if (column_of(t, from, e, &col)) {
            const CatColumn *bc = &t->cols[col];
            bool value = t->keys == KEYS_AGGREGATE && !bc->is_key;
            if (!value && naggs)
                st = err_set(err, ERR_COMMON,
                             "The key columns of a synchronous materialized view come before its "
                             "aggregates: move "
                             "'%s' before them",
                             e->text);
            cols[i].c = *bc;
            cols[i].c.name = (char *)(alias ? alias : bc->name);
            cols[i].c.agg = value ? bc->agg : AGG_NONE;
            cols[i].base = col;
            if (value)
                naggs++;
            else
                nkeys++;
        } else if (is_agg_fn(e, &agg) && !e->distinct &&
                   (e->is_star || (e->nargs == 1 && column_of(t, from, e->args[0], &col)))) {
            agg_index = true;
            naggs++;
            if (e->is_star && agg != AGG_COUNT) {
                st = err_set(err, ERR_COMMON, "'%s' is not a valid aggregate",
                             e->src ? e->src : e->text);
                break;
            }
            const CatColumn *bc = col >= 0 ? &t->cols[col] : NULL;
            if (t->keys == KEYS_AGGREGATE && (!bc || bc->is_key || bc->agg != agg)) {
                st = err_set(err, ERR_COMMON,
                             "Aggregate table '%s': a synchronous materialized view may use '%s' "
                             "only as %s(%s)",
                             t->name, bc ? bc->name : "*",
                             bc && bc->agg ? agg_type_name(bc->agg) : "the column",
                             bc ? bc->name : "*");
                break;
            }
            CatColumn *c = &cols[i].c;
            c->agg = agg;
            c->uid = t->next_col_uid + (*new_uids)++;
            cols[i].base = col;
            char *auto_name = NULL;
            if (agg == AGG_COUNT) {
                c->type = type_make(TYPE_BIGINT);
                c->nullable = false;
                auto_name = bc ? NULL : "mv_count_star";
            } else if (agg == AGG_SUM) {
                if (!sum_type(&bc->type, &c->type)) {
                    st = err_set(err, ERR_COMMON, "SUM of column '%s' of type %s is not supported",
                                 bc->name, type_name(bc->type.id));
                    break;
                }
                c->nullable = bc->nullable;
            } else {
                c->type = bc->type;
                c->nullable = bc->nullable;
            }
            if (!alias && !auto_name) {
                StrBuf nb = STRBUF_INIT;
                sb_appendf(&nb, "mv_%s_%s", agg == AGG_COUNT ? "count" : agg_type_name(agg),
                           bc->name);
                names[i] = sb_detach(&nb);
                for (char *p = names[i]; *p; p++)
                    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
                auto_name = names[i];
            }
            c->name = (char *)(alias ? alias : auto_name);
            c->comment = "";
            c->default_kind = CAT_DEFAULT_NONE;
            c->default_value = NULL;
            c->auto_increment = false;
        } else {
            st = err_set(err, ERR_COMMON,
                         "A synchronous materialized view holds columns of '%s' and SUM, MIN, MAX "
                         "or COUNT of a column; "
                         "'%s' is neither (use an asynchronous materialized view: add REFRESH "
                         "ASYNC or REFRESH MANUAL)",
                         t->name, e->src ? e->src : "?");
        }
    }
    /* GROUP BY lists exactly the key columns */
    if (!st && agg_index && t->keys != KEYS_AGGREGATE) {
        if (core->ngroup != nkeys)
            st = err_set(err, ERR_COMMON,
                         "GROUP BY of a synchronous materialized view lists exactly its "
                         "non-aggregated columns (%d), "
                         "not %d expressions",
                         nkeys, core->ngroup);
        for (int g = 0; g < core->ngroup && !st; g++) {
            const Expr *ge = core->group_by[g];
            int col = -1;
            if (ge->kind == EXPR_INT && ge->ival >= 1 && ge->ival <= n)
                col = cols[ge->ival - 1].base;
            else if (!column_of(t, from, ge, &col))
                col = -2;
            bool found = false;
            for (int i = 0; i < nkeys && col >= 0; i++)
                found |= cols[i].base == col && cols[i].c.agg == AGG_NONE;
            if (!found)
                st = err_set(err, ERR_COMMON,
                             "GROUP BY '%s' is not one of the non-aggregated columns of the "
                             "materialized view",
                             ge->src ? ge->src : "?");
        }
    }
    for (int i = 0; i < n && !st; i++) {
        for (int k = 0; k < i; k++)
            if (!strcasecmp(cols[i].c.name, cols[k].c.name))
                st = err_set(err, ERR_DUP_FIELDNAME, "Duplicate column name '%s'", cols[i].c.name);
        if (!st && i < nkeys &&
            (cols[i].c.type.id == TYPE_FLOAT || cols[i].c.type.id == TYPE_DOUBLE) &&
            (agg_index || i == 0))
            st = err_set(err, ERR_COMMON,
                         "Float or double can not used as a key, use decimal instead: column '%s'",
                         cols[i].c.name);
    }
    if (!st && n == 0)
        st = err_set(err, ERR_COMMON, "A materialized view needs at least one column");
    if (st) {
        for (int i = 0; i < n; i++)
            free(names[i]);
        free(names);
        free(cols);
        return STATUS_ERROR;
    }
    CatIndex *ix = calloc(1, sizeof *ix);
    if (!ix) abort();
    ix->name = cat_strdup(name);
    ix->ncols = n;
    ix->cols = calloc((size_t)n, sizeof *ix->cols);
    ix->base_col = calloc((size_t)n, sizeof *ix->base_col);
    if (!ix->cols || !ix->base_col) abort();
    for (int i = 0; i < n; i++) {
        cat_column_copy(&ix->cols[i], &cols[i].c);
        ix->cols[i].is_key = i < nkeys;
        ix->base_col[i] = cols[i].base;
    }
    if (agg_index) {
        ix->keys = KEYS_AGGREGATE;
        ix->nkeys = nkeys;
    } else {
        /* StarRocks' sort key of a duplicate rollup: up to three leading columns, stopping after a
         * string */
        int k = 0;
        for (; k < n && k < 3; k++) {
            TypeId id = ix->cols[k].type.id;
            if (id == TYPE_FLOAT || id == TYPE_DOUBLE) break;
            if (type_is_string(id)) {
                k++;
                break;
            }
        }
        ix->keys = KEYS_DUPLICATE;
        ix->nkeys = k ? k : 1;
        for (int i = 0; i < n; i++)
            ix->cols[i].is_key = i < ix->nkeys;
    }
    ix->define_sql = cat_strdup(define_sql);
    ix->state = INDEX_BUILDING;
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(cols);
    *out = ix;
    return STATUS_OK;
}

/* ---------------------------------------------------------------- CREATE */

/* The table and index holding a synchronous MV of this name in db (lock held); NULL when none. */
static CatTable *find_sync(const CatDatabase *db, const char *name, int *pos) {
    for (int i = 0; i < db->ntables; i++) {
        CatTable *t = db->tables[i];
        if (t->kind != TABLE_OLAP || t->state == TABLE_RESTORE_HIDDEN) continue;
        for (int k = 1; k < t->nindexes; k++)
            if (!strcasecmp(t->indexes[k]->name, name)) {
                *pos = k;
                return t;
            }
    }
    return NULL;
}

/* Adds ix to t with a tablet per bucket of every partition, and the build job, in one metadata
 * transaction (write lock held). On failure nothing changed. */
static Status install_index(CatDatabase *db, CatTable *t, CatIndex *ix, int new_uids, Error *err) {
    if (meta_next_id(&ix->id, err)) return STATUS_ERROR;
    int64_t job_id;
    if (meta_next_id(&job_id, err)) return STATUS_ERROR;
    int pos = t->nindexes;
    CatTablet ***added = calloc((size_t)(t->nparts ? t->nparts : 1), sizeof *added);
    if (!added) abort();
    Status st = STATUS_OK;
    for (int i = 0; i < t->nparts && !st; i++) {
        CatPartition *p = t->parts[i];
        added[i] = calloc((size_t)(p->buckets ? p->buckets : 1), sizeof **added);
        if (!added[i]) abort();
        for (int b = 0; b < p->buckets && !st; b++) {
            CatTablet *tb = calloc(1, sizeof *tb);
            if (!tb) abort();
            added[i][b] = tb;
            st = meta_next_id(&tb->id, err);
            tb->partition_id = p->id;
            tb->index_id = ix->id;
            tb->bucket = b;
        }
    }
    /* the new definition, written from the live object extended for a moment */
    CatIndex **nix = realloc(t->indexes, sizeof *nix * (size_t)(t->nindexes + 1));
    if (!nix) abort();
    t->indexes = nix;
    t->indexes[t->nindexes++] = ix;
    t->next_col_uid += new_uids;
    if (!st) st = meta_begin(err);
    if (!st) {
        st = persist_table_update(t, err);
        for (int i = 0; i < t->nparts && !st; i++)
            for (int b = 0; b < t->parts[i]->buckets && !st; b++)
                st = meta_run(
                    err,
                    "INSERT INTO cat_tablet(id, partition_id, index_id, bucket) VALUES(?, ?, ?, ?)",
                    "iiii", added[i][b]->id, t->parts[i]->id, ix->id, (int64_t)b);
        if (!st)
            st = meta_run(err,
                          "INSERT INTO mv_sync_job(id, db_id, table_id, table_name, index_id, "
                          "index_name, create_ms,"
                          " finish_ms, state, msg) VALUES(?, ?, ?, ?, ?, ?, ?, 0, 'PENDING', '')",
                          "iiititi", job_id, db->id, t->id, t->name, ix->id, ix->name,
                          clock_now_ms());
        if (!st)
            st = meta_commit(err);
        else
            meta_rollback();
    }
    if (st) {
        t->nindexes--;
        t->next_col_uid -= new_uids;
        for (int i = 0; i < t->nparts; i++) {
            for (int b = 0; added[i] && b < t->parts[i]->buckets; b++)
                free(added[i][b]);
            free(added[i]);
        }
        free(added);
        return STATUS_ERROR;
    }
    for (int i = 0; i < t->nparts; i++) {
        CatPartition *p = t->parts[i];
        CatTablet **nt = realloc(p->tablets, sizeof *nt * (size_t)(t->nindexes * p->buckets));
        if (!nt) abort();
        p->tablets = nt;
        for (int b = 0; b < p->buckets; b++)
            p->tablets[pos * p->buckets + b] = added[i][b];
        p->ntablets = t->nindexes * p->buckets;
        cat_attach_tablets(p);
        free(added[i]);
    }
    free(added);
    t->update_time_ms = clock_now_ms();
    return STATUS_OK;
}

Status mv_sync_create(Session *s, const CreateMvStmt *c, Error *err) {
    const char *dbname = ddl_db_name(s, c->db, err);
    if (!dbname) return STATUS_ERROR;
    const Query *q = c->query;
    const SelectCore *core = q && q->body && q->body->kind == QB_SELECT ? q->body->select : NULL;
    if (!core || q->nctes || !core->from || core->from->kind != TREF_TABLE)
        return err_set(err, ERR_COMMON,
                       "A synchronous materialized view reads one table (SELECT ... FROM t [GROUP "
                       "BY ...]); for joins, "
                       "subqueries or set operations create an asynchronous one with REFRESH ASYNC "
                       "or REFRESH MANUAL");
    if (core->having || core->distinct || q->norder || q->limit >= 0 || core->from->npartitions)
        return err_set(err, ERR_COMMON,
                       "A synchronous materialized view takes no HAVING, DISTINCT, ORDER BY, LIMIT "
                       "or PARTITION clause");
    if (core->from->db && strcasecmp(core->from->db, dbname) != 0)
        return err_set(
            err, ERR_COMMON,
            "A synchronous materialized view lives in its table's database: create %s in %s",
            c->name, core->from->db);
    if (!cat_name_ok(c->name))
        return err_set(err, ERR_WRONG_OBJECT, "Incorrect materialized view name '%s'", c->name);
    catalog_wrlock();
    CatDatabase *db = catalog_find_db(dbname);
    CatTable *t = db ? catalog_find_table(db, core->from->name) : NULL;
    Status st = STATUS_OK;
    int pos;
    bool skip = false;
    if (!db)
        st = err_set(err, ERR_BAD_DB, "Unknown database '%s'", dbname);
    else if (!t)
        st = err_set(err, ERR_NO_SUCH_TABLE, "Table '%s' doesn't exist", core->from->name);
    else if (t->kind != TABLE_OLAP)
        st = err_set(
            err, ERR_WRONG_OBJECT,
            "'%s.%s' is not BASE TABLE: a synchronous materialized view needs an OLAP table",
            db->name, t->name);
    if (!st) st = priv_check(s, PRIV_CREATE, db->name, NULL, err);
    if (!st) st = priv_check(s, PRIV_SELECT, db->name, t->name, err);
    if (!st) st = catalog_check_table_usable(t, err);
    if (!st && (t->keys == KEYS_UNIQUE || t->keys == KEYS_PRIMARY))
        st = err_set(err, ERR_NOT_SUPPORTED,
                     "Synchronous materialized views are supported on DUPLICATE and AGGREGATE "
                     "tables; '%s' is a %s KEY "
                     "table",
                     t->name, keys_type_name(t->keys));
    if (!st && (find_sync(db, c->name, &pos) || catalog_find_table(db, c->name))) {
        if (c->if_not_exists)
            skip = true;
        else
            st = err_set(err, ERR_TABLE_EXISTS, "Materialized view '%s' already exists", c->name);
    }
    if (!st && !skip && core->where) {
        Arena *a = arena_new(0);
        st = mv_sync_where_check(t, core->from, core->where, a, err);
        arena_free(a);
    }
    CatIndex *ix = NULL;
    int new_uids = 0;
    if (!st && !skip) {
        StrBuf def = STRBUF_INIT;
        sb_appendf(&def, "CREATE MATERIALIZED VIEW %s AS %s", c->name, q->src ? q->src : "");
        st = build_index(t, core, c->name, sb_str(&def), &ix, &new_uids, err);
        sb_free(&def);
    }
    if (!st && !skip) {
        st = install_index(db, t, ix, new_uids, err);
        if (st) cat_index_free(ix);
    }
    if (!st && !skip)
        log_info("synchronous materialized view %s.%s created on %s: building", db->name, c->name,
                 t->name);
    catalog_unlock();
    if (!st && !skip) mv_task_kick();
    return st;
}

/* ---------------------------------------------------------------- DROP */

Status mv_sync_drop(Session *s, const DropMvStmt *d, bool *found, Error *err) {
    *found = false;
    const char *dbname = ddl_db_name(s, d->db, err);
    if (!dbname) return STATUS_ERROR;
    catalog_wrlock();
    CatDatabase *db = catalog_find_db(dbname);
    CatTable *t = NULL;
    int pos = -1;
    Status st = STATUS_OK;
    if (!db) {
        st = err_set(err, ERR_BAD_DB, "Unknown database '%s'", dbname);
    } else if (d->on_table) {
        t = catalog_find_table(db, d->on_table);
        if (!t) st = err_set(err, ERR_NO_SUCH_TABLE, "Table '%s' doesn't exist", d->on_table);
        for (int k = 1; t && k < t->nindexes; k++)
            if (!strcasecmp(t->indexes[k]->name, d->name)) pos = k;
        if (!st && pos < 0 && !d->if_exists)
            st = err_set(err, ERR_BAD_TABLE, "Materialized view '%s' does not exist on table '%s'",
                         d->name, t->name);
    } else {
        t = find_sync(db, d->name, &pos);
    }
    if (!st && t && pos > 0) {
        *found = true;
        st = priv_check(s, PRIV_DROP, db->name, t->name, err);
        if (!st) st = catalog_check_table_usable(t, err);
    }
    if (!st && t && pos > 0) {
        CatIndex *ix = t->indexes[pos];
        for (int k = pos; k + 1 < t->nindexes; k++)
            t->indexes[k] = t->indexes[k + 1];
        t->nindexes--;
        st = meta_begin(err);
        if (!st) {
            st = persist_table_update(t, err);
            for (int i = 0; i < t->nparts && !st; i++)
                for (int b = 0; b < t->parts[i]->buckets && !st; b++) {
                    const CatTablet *tb = t->parts[i]->tablets[pos * t->parts[i]->buckets + b];
                    if (tb) st = meta_run(err, "DELETE FROM cat_tablet WHERE id = ?", "i", tb->id);
                }
            if (!st) st = meta_run(err, "DELETE FROM mv_sync_job WHERE index_id = ?", "i", ix->id);
            if (!st)
                st = meta_commit(err);
            else
                meta_rollback();
        }
        if (st) { /* put it back as it was */
            for (int k = t->nindexes; k > pos; k--)
                t->indexes[k] = t->indexes[k - 1];
            t->indexes[pos] = ix;
            t->nindexes++;
        } else {
            for (int i = 0; i < t->nparts; i++) {
                CatPartition *p = t->parts[i];
                int nb = p->buckets;
                for (int b = 0; b < nb; b++) {
                    CatTablet *tb = p->tablets[pos * nb + b];
                    if (!tb) continue;
                    idmap_del(&g_cat.tablets_by_id, tb->id);
                    /* as cat_partition_drop_data: the last holder of each rowset queues its files
                     */
                    for (int r = 0; r < tb->nrowsets; r++) {
                        CatRowset *rs = tb->rowsets[r];
                        cat_stale_forget(rs);
                        rs->state = ROWSET_STALE;
                        cat_rowset_detach(rs);
                        catalog_rowset_unref(rs);
                    }
                    tb->nrowsets = 0;
                    cat_tablet_free(tb);
                }
                memmove(&p->tablets[pos * nb], &p->tablets[(pos + 1) * nb],
                        sizeof *p->tablets * (size_t)((t->nindexes - pos) * nb));
                p->ntablets = t->nindexes * nb;
            }
            log_info("synchronous materialized view %s dropped from %s.%s", ix->name, db->name,
                     t->name);
            cat_index_free(ix);
        }
    }
    catalog_unlock();
    cat_reap_dead();
    if (!st) {
        Error e2 = ERROR_INIT;
        if (catalog_gc(&e2)) log_warn("GC after DROP MATERIALIZED VIEW: %s", e2.msg);
    }
    return st;
}

/* ---------------------------------------------------------------- SHOW */

void mv_sync_show_rows(const CatDatabase *db, MvRowFn fn, void *ctx) {
    for (int i = 0; i < db->ntables; i++) {
        const CatTable *t = db->tables[i];
        if (t->kind != TABLE_OLAP || t->state == TABLE_RESTORE_HIDDEN) continue;
        for (int k = 1; k < t->nindexes; k++) {
            const CatIndex *ix = t->indexes[k];
            char id[32], nrows[32];
            snprintf(id, sizeof id, "%lld", (long long)ix->id);
            int64_t total = 0;
            for (int p = 0; p < t->nparts; p++) {
                const CatPartition *part = t->parts[p];
                if (part->state != PART_NORMAL || part->is_temp) continue;
                for (int b = 0; b < part->buckets; b++) {
                    const CatTablet *tb = catalog_partition_tablet(part, k, b);
                    for (int r = 0; tb && r < tb->nrowsets; r++)
                        if (tb->rowsets[r]->state == ROWSET_VISIBLE &&
                            tb->rowsets[r]->end_version <= part->visible_version)
                            total += tb->rowsets[r]->nrows;
                }
            }
            snprintf(nrows, sizeof nrows, "%lld", (long long)total);
            const char *cells[17] = {id,
                                     db->name,
                                     ix->name,
                                     "ROLLUP",
                                     ix->state == INDEX_NORMAL ? "true" : "false",
                                     ix->state == INDEX_NORMAL ? "" : "building",
                                     "",
                                     "",
                                     "",
                                     "",
                                     "",
                                     "",
                                     "",
                                     "",
                                     "",
                                     nrows,
                                     ix->define_sql ? ix->define_sql : ""};
            fn(ctx, cells);
        }
    }
}

Status mv_show_alter_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const ShowStmt *sh = &st->u.show;
    const char *dbname = ddl_db_name(s, sh->db, err);
    if (!dbname) return STATUS_ERROR;
    bool column = sh->what && !strcasecmp(sh->what, "COLUMN");
    static const char *const rollup_cols[] = {
        "JobId",    "TableName",     "CreateTime", "FinishTime", "BaseIndexName", "RollupIndexName",
        "RollupId", "TransactionId", "State",      "Msg",        "Progress",      "Timeout"};
    static const char *const column_cols[] = {
        "JobId",   "TableName",     "CreateTime",    "FinishTime",    "IndexName",
        "IndexId", "OriginIndexId", "SchemaVersion", "TransactionId", "State",
        "Msg",     "Progress",      "Timeout"};
    int ncols = column ? 13 : 12;
    ResultColumn cols[13];
    for (int i = 0; i < ncols; i++)
        cols[i] = result_col_varchar(column ? column_cols[i] : rollup_cols[i]);
    ShowRows rows;
    show_rows_init(&rows, ncols);
    catalog_rdlock();
    CatDatabase *db = catalog_find_db(dbname);
    int64_t db_id = db ? db->id : 0;
    catalog_unlock();
    if (!db_id) {
        show_rows_free(&rows);
        return err_set(err, ERR_BAD_DB, "Unknown database '%s'", dbname);
    }
    Status rc = STATUS_OK;
    if (!column) {
        sqlite3_stmt *q = NULL;
        meta_lock();
        rc = meta_prepare(err, &q,
                          "SELECT id, table_name, create_ms, finish_ms, index_name, index_id, "
                          "state, msg, table_id"
                          " FROM mv_sync_job WHERE db_id = ? ORDER BY id",
                          "i", db_id);
        bool row = false;
        while (!rc && !(rc = meta_step(q, &row, err)) && row) {
            char id[32], created[32], finished[32] = "", rid[32];
            snprintf(id, sizeof id, "%lld", (long long)meta_col_int(q, 0));
            clock_format_datetime(meta_col_int(q, 2), created, sizeof created);
            if (meta_col_int(q, 3))
                clock_format_datetime(meta_col_int(q, 3), finished, sizeof finished);
            snprintf(rid, sizeof rid, "%lld", (long long)meta_col_int(q, 5));
            const char *state = meta_col_text(q, 6);
            const char *cells[12] = {id,
                                     meta_col_text(q, 1),
                                     created,
                                     finished,
                                     meta_col_text(q, 1),
                                     meta_col_text(q, 4),
                                     rid,
                                     "0",
                                     state,
                                     meta_col_text(q, 7),
                                     !strcmp(state, "FINISHED") ? "100%" : "0%",
                                     "86400"};
            show_rows_add(&rows, cells);
        }
        meta_finalize(q);
        meta_unlock();
    }
    if (!rc) rc = show_send(out, cols, ncols, &rows, sh, 1, err);
    show_rows_free(&rows);
    return rc;
}

/* ---------------------------------------------------------------- build jobs and repairs
 * (scheduler thread) */

typedef struct PendingJob {
    int64_t id, table_id, index_id;
} PendingJob;

static void job_finish(int64_t job_id, int64_t table_id, int64_t index_id, const char *state,
                       const char *msg) {
    Error err = ERROR_INIT;
    catalog_wrlock();
    CatTable *t = catalog_find_table_by_id(table_id);
    int pos = t ? catalog_index_pos(t, index_id) : -1;
    Status st = meta_begin(&err);
    if (!st && pos > 0 && !strcmp(state, "FINISHED")) {
        t->indexes[pos]->state = INDEX_NORMAL;
        st = persist_table_update(t, &err);
        if (st) t->indexes[pos]->state = INDEX_BUILDING;
    }
    if (!st)
        st = meta_run(&err, "UPDATE mv_sync_job SET state = ?, msg = ?, finish_ms = ? WHERE id = ?",
                      "ttii", state, msg, clock_now_ms(), job_id);
    if (!st)
        st = meta_commit(&err);
    else if (meta_held_by_me())
        meta_rollback();
    catalog_unlock();
    if (st)
        log_warn("synchronous materialized view job %lld: cannot record %s: %s", (long long)job_id,
                 state, err.msg);
}

void mv_sync_pass(void) {
    PendingJob jobs[16];
    int njobs = 0;
    Error err = ERROR_INIT;
    sqlite3_stmt *q = NULL;
    meta_lock();
    if (!meta_prepare(
            &err, &q,
            "SELECT id, table_id, index_id FROM mv_sync_job WHERE state IN ('PENDING', 'RUNNING')"
            " ORDER BY id LIMIT 16",
            "")) {
        bool row = false;
        while (!meta_step(q, &row, &err) && row && njobs < 16) {
            jobs[njobs].id = meta_col_int(q, 0);
            jobs[njobs].table_id = meta_col_int(q, 1);
            jobs[njobs].index_id = meta_col_int(q, 2);
            njobs++;
        }
        meta_finalize(q);
    }
    meta_unlock();
    for (int i = 0; i < njobs; i++) {
        int64_t rows = 0;
        Error e = ERROR_INIT;
        if (mv_sync_fill(jobs[i].table_id, jobs[i].index_id, &rows, &e)) {
            if (e.code == ERR_NO_SUCH_TABLE || e.code == ERR_TABLE_STATE) {
                job_finish(jobs[i].id, jobs[i].table_id, jobs[i].index_id, "CANCELLED", e.msg);
            } else {
                log_warn("synchronous materialized view job %lld: %s (retrying)",
                         (long long)jobs[i].id, e.msg);
            }
            continue;
        }
        job_finish(jobs[i].id, jobs[i].table_id, jobs[i].index_id, "FINISHED", "");
        log_info("synchronous materialized view job %lld finished: %lld rows",
                 (long long)jobs[i].id, (long long)rows);
    }
    /* loads that opened before an index existed and committed after it: fill what they left out; an
     * index still building without a job here (restored from a backup taken while it was built):
     * finish it */
    PendingJob gaps[16];
    int ngaps = 0;
    catalog_rdlock();
    for (int i = 0; i < g_cat.ndbs && ngaps < 16; i++) {
        const CatDatabase *db = g_cat.dbs[i];
        for (int k = 0; k < db->ntables && ngaps < 16; k++) {
            const CatTable *t = db->tables[k];
            if (t->kind != TABLE_OLAP || t->state != TABLE_NORMAL) continue;
            for (int x = 1; x < t->nindexes && ngaps < 16; x++)
                if (t->indexes[x]->state == INDEX_BUILDING || mv_sync_has_gaps(t, x))
                    gaps[ngaps++] = (PendingJob){t->indexes[x]->state == INDEX_BUILDING, t->id,
                                                 t->indexes[x]->id};
        }
    }
    catalog_unlock();
    for (int i = 0; i < ngaps; i++) {
        int64_t rows = 0;
        Error e = ERROR_INIT;
        if (mv_sync_fill(gaps[i].table_id, gaps[i].index_id, &rows, &e))
            log_warn("synchronous materialized view of table %lld: filling a gap: %s",
                     (long long)gaps[i].table_id, e.msg);
        else if (gaps[i].id) /* id 1 marks a building index: usable now */
            job_finish(0, gaps[i].table_id, gaps[i].index_id, "FINISHED", "");
    }
}
