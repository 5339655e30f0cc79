/* Restore hooks: a RESTORE job builds new tables and partitions beside the live data, hidden and tagged
 * with its job id, fills their tablets with downloaded rowsets, then switches everything in ONE metadata
 * transaction (catalog_restore_commit) — or drops it all (catalog_restore_abort), leaving existing tables
 * exactly as they were. Hidden objects survive restarts so a resumed job can carry on. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_int.h"
#include "util/clock.h"

static CatTable *table_by_name_any(const CatDatabase *db, const char *name) {
    for (int i = 0; i < db->ntables; i++)
        if (!strcmp(db->tables[i]->name, name)) return db->tables[i];
    return NULL;
}

Status catalog_restore_create_table(int64_t db_id, CatTable *def, int64_t job_id, int64_t *out, Error *err) {
    catalog_wrlock();
    CatDatabase *db = catalog_find_db_by_id(db_id);
    Status st = STATUS_OK;
    if (!db)
        st = err_set(err, ERR_BAD_DB, "database id %lld does not exist", (long long)db_id);
    else if (table_by_name_any(db, def->name))
        st = err_set(err, ERR_TABLE_EXISTS, "Table '%s' already exists", def->name);
    if (!st) {
        /* Rowsets described in a manifest are not ours: the job adds downloaded copies. */
        st = cat_table_assign_ids(def, err);
    }
    if (!st) {
        int64_t now = clock_now_ms();
        def->db_id = db->id;
        def->state = TABLE_RESTORE_HIDDEN;
        def->restore_job_id = job_id;
        def->create_time_ms = def->update_time_ms = now;
        cat_table_sync_base_index(def);
        for (int i = 0; i < def->nparts; i++) {
            CatPartition *p = def->parts[i];
            p->state = PART_NORMAL;
            p->restore_job_id = job_id;
            if (p->visible_version < 1) p->visible_version = 1;
            p->next_version = p->visible_version + 1;
            p->visible_version_time_ms = now;
        }
        cat_sort_partitions(def);
        st = meta_begin(err);
        if (!st) st = persist_table_insert(def, err);
        if (!st)
            st = meta_commit(err);
        else
            meta_rollback();
    }
    if (!st) {
        cat_attach_table(db, def);
        *out = def->id;
    } else {
        catalog_table_free(def);
    }
    catalog_unlock();
    return st;
}

Status catalog_restore_set_table_state(int64_t table_id, CatTableState state, int64_t job_id, Error *err) {
    catalog_wrlock();
    CatTable *t = catalog_find_table_by_id(table_id);
    Status st = STATUS_OK;
    if (!t || t->state == TABLE_RESTORE_HIDDEN)
        st = err_set(err, ERR_NO_SUCH_TABLE, "table id %lld does not exist", (long long)table_id);
    else if (state == TABLE_RESTORE && t->state == TABLE_RESTORE && t->restore_job_id != job_id)
        st = err_set(err, ERR_TABLE_STATE, "Table %s is in restore process. Can not operate on it", t->name);
    else if (state != TABLE_RESTORE && state != TABLE_NORMAL)
        st = err_set(err, ERR_INTERNAL, "catalog_restore_set_table_state: state %d is not RESTORE or NORMAL", state);
    if (!st) {
        CatTableState old_state = t->state;
        int64_t old_job = t->restore_job_id;
        t->state = state;
        t->restore_job_id = state == TABLE_RESTORE ? job_id : 0;
        st = meta_begin(err);
        if (!st) st = persist_table_update(t, err);
        if (!st)
            st = meta_commit(err);
        else
            meta_rollback();
        if (st) {
            t->state = old_state;
            t->restore_job_id = old_job;
        }
    }
    catalog_unlock();
    return st;
}

Status catalog_restore_add_partition(int64_t table_id, const CatPartition *def, int64_t job_id, int64_t *out,
                                     Error *err) {
    catalog_wrlock();
    CatTable *t = catalog_find_table_by_id(table_id);
    Status st = STATUS_OK;
    CatPartition *p = NULL;
    if (!t) {
        st = err_set(err, ERR_NO_SUCH_TABLE, "table id %lld does not exist", (long long)table_id);
    } else {
        p = cat_partition_new(t, def->name, err);
        if (!p) st = STATUS_ERROR;
    }
    if (!st && def->buckets > 0 && def->buckets != p->buckets) {
        /* Keep the snapshot's bucket count: rows were hashed into that many buckets. */
        for (int i = 0; i < p->ntablets; i++) cat_tablet_free(p->tablets[i]);
        free(p->tablets);
        p->tablets = NULL;
        p->ntablets = 0;
        p->buckets = def->buckets;
        st = cat_partition_make_tablets(t, p, err);
    }
    if (!st) {
        DataType types[8];
        cat_part_types(t, types);
        cat_bound_copy(&p->lower, &def->lower, types);
        cat_bound_copy(&p->upper, &def->upper, types);
        if (def->nlist) {
            p->list_vals = calloc((size_t)def->nlist, sizeof *p->list_vals);
            if (!p->list_vals) abort();
            for (int i = 0; i < def->nlist; i++) cat_bound_copy(&p->list_vals[i], &def->list_vals[i], types);
            p->nlist = def->nlist;
        }
        if (def->replication_num > 0) p->replication_num = def->replication_num;
        if (def->storage_medium) {
            free(p->storage_medium);
            p->storage_medium = cat_strdup(def->storage_medium);
        }
        p->visible_version = def->visible_version > 0 ? def->visible_version : 1;
        p->next_version = p->visible_version + 1;
        p->restore_job_id = job_id;
        /* The partition it replaces (same name) does not count as a conflict: check as if it were gone. */
        CatPartition *old = catalog_find_partition(t, p->name);
        if (old) old->state = PART_RESTORING;
        p->state = PART_NORMAL;
        st = cat_check_partition_conflict(t, p, err);
        p->state = PART_RESTORING;
        if (old) old->state = PART_NORMAL;
    }
    if (!st) {
        st = meta_begin(err);
        if (!st) st = persist_partition_insert(t, p, err);
        if (!st)
            st = meta_commit(err);
        else
            meta_rollback();
    }
    if (!st) {
        cat_attach_partition(t, p);
        *out = p->id;
    } else if (p) {
        cat_partition_free(p, t);
    }
    catalog_unlock();
    return st;
}

Status catalog_restore_add_rowset(int64_t tablet_id, const CatRowsetMeta *m, int64_t start_version, int64_t end_version,
                                  Error *err) {
    catalog_wrlock();
    CatTable *t = NULL;
    CatPartition *p = NULL;
    CatTablet *tb = catalog_find_tablet(tablet_id, &t, &p);
    Status st = STATUS_OK;
    if (!tb || !t || !p)
        st = err_set(err, ERR_INTERNAL, "tablet %lld does not exist", (long long)tablet_id);
    else if (p->state != PART_RESTORING && t->state != TABLE_RESTORE_HIDDEN)
        st = err_set(err, ERR_INTERNAL, "tablet %lld belongs to a live partition: restore writes hidden ones only",
                     (long long)tablet_id);
    CatRowset *rs = NULL;
    if (!st) {
        rs = cat_rowset_from_meta(tablet_id, m);
        rs->start_version = start_version;
        rs->end_version = end_version;
        rs->create_time_ms = clock_now_ms();
        rs->restore_job_id = p->restore_job_id ? p->restore_job_id : t->restore_job_id;
        rs->state = ROWSET_VISIBLE; /* invisible anyway until its partition or table is switched in */
        st = meta_begin(err);
        if (!st) st = persist_rowset_insert(rs, err);
        if (!st)
            st = meta_commit(err);
        else
            meta_rollback();
    }
    if (!st)
        cat_tablet_add_rowset(tb, rs);
    else
        cat_rowset_free(rs);
    catalog_unlock();
    return st;
}

static int64_t version_for(const CatPartition *p, const int64_t *part_ids, const int64_t *versions, int n) {
    for (int i = 0; i < n; i++)
        if (part_ids[i] == p->id) return versions[i];
    return p->visible_version;
}

typedef struct Switch {
    CatTable *t;
    CatPartition *hidden;
    CatPartition *old; /* replaced live partition, or NULL */
    int64_t version;
} Switch;

Status catalog_restore_commit(int64_t job_id, const int64_t *part_ids, const int64_t *versions, int n, Error *err) {
    catalog_wrlock();
    Switch *sw = NULL;
    int nsw = 0;
    CatTable **tables = NULL; /* hidden tables to reveal and RESTORE tables to release */
    int ntables = 0;
    Status st = STATUS_OK;
    for (int d = 0; d < g_cat.ndbs && !st; d++) {
        CatDatabase *db = g_cat.dbs[d];
        for (int i = 0; i < db->ntables && !st; i++) {
            CatTable *t = db->tables[i];
            bool hidden_table = t->state == TABLE_RESTORE_HIDDEN && t->restore_job_id == job_id;
            if (hidden_table || (t->state == TABLE_RESTORE && t->restore_job_id == job_id)) {
                tables = realloc(tables, (size_t)(ntables + 1) * sizeof *tables);
                if (!tables) abort();
                tables[ntables++] = t;
            }
            if (hidden_table) {
                CatTable *clash = NULL;
                for (int k = 0; k < db->ntables; k++)
                    if (db->tables[k] != t && db->tables[k]->state != TABLE_RESTORE_HIDDEN &&
                        !strcmp(db->tables[k]->name, t->name))
                        clash = db->tables[k];
                if (clash) st = err_set(err, ERR_TABLE_EXISTS, "Table '%s' already exists", t->name);
            }
            for (int k = 0; k < t->nparts && !st; k++) {
                CatPartition *p = t->parts[k];
                if (p->restore_job_id != job_id || (p->state != PART_RESTORING && !hidden_table)) continue;
                sw = realloc(sw, (size_t)(nsw + 1) * sizeof *sw);
                if (!sw) abort();
                sw[nsw].t = t;
                sw[nsw].hidden = p;
                sw[nsw].old = p->state == PART_RESTORING ? catalog_find_partition(t, p->name) : NULL;
                sw[nsw].version = version_for(p, part_ids, versions, n);
                nsw++;
            }
        }
    }
    int64_t now = clock_now_ms();
    if (!st) st = meta_begin(err);
    if (!st) {
        for (int i = 0; i < nsw && !st; i++) {
            Switch *s = &sw[i];
            if (s->old) st = persist_partition_delete(s->old->id, err);
            if (st) break;
            CatPartition tmp = *s->hidden;
            tmp.state = PART_NORMAL;
            tmp.restore_job_id = 0;
            tmp.visible_version = s->version;
            tmp.next_version = s->version + 1;
            tmp.visible_version_time_ms = now;
            st = persist_partition_update(s->t, &tmp, err);
        }
        for (int i = 0; i < ntables && !st; i++) {
            CatTableState old_state = tables[i]->state;
            int64_t old_job = tables[i]->restore_job_id;
            tables[i]->state = TABLE_NORMAL;
            tables[i]->restore_job_id = 0;
            st = persist_table_update(tables[i], err);
            tables[i]->state = old_state;
            tables[i]->restore_job_id = old_job;
        }
        if (!st)
            st = meta_commit(err);
        else
            meta_rollback();
    }
    if (!st) {
        for (int i = 0; i < nsw; i++) {
            Switch *s = &sw[i];
            if (s->old) {
                cat_detach_partition(s->t, s->old);
                cat_partition_drop_data(s->old);
                cat_partition_free(s->old, s->t);
            }
            s->hidden->state = PART_NORMAL;
            s->hidden->restore_job_id = 0;
            s->hidden->visible_version = s->version;
            s->hidden->next_version = s->version + 1;
            s->hidden->visible_version_time_ms = now;
            s->t->update_time_ms = now;
        }
        for (int i = 0; i < ntables; i++) {
            tables[i]->state = TABLE_NORMAL;
            tables[i]->restore_job_id = 0;
            cat_sort_partitions(tables[i]);
        }
    }
    catalog_unlock();
    free(sw);
    free(tables);
    cat_reap_dead();
    return st;
}

Status catalog_restore_abort(int64_t job_id, Error *err) {
    catalog_wrlock();
    Status st = meta_begin(err);
    for (int d = 0; d < g_cat.ndbs && !st; d++) {
        CatDatabase *db = g_cat.dbs[d];
        for (int i = 0; i < db->ntables && !st; i++) {
            CatTable *t = db->tables[i];
            if (t->restore_job_id != job_id) {
                for (int k = 0; k < t->nparts && !st; k++)
                    if (t->parts[k]->state == PART_RESTORING && t->parts[k]->restore_job_id == job_id)
                        st = persist_partition_delete(t->parts[k]->id, err);
                continue;
            }
            if (t->state == TABLE_RESTORE_HIDDEN) {
                st = persist_table_delete(t->id, err);
                continue;
            }
            for (int k = 0; k < t->nparts && !st; k++)
                if (t->parts[k]->state == PART_RESTORING && t->parts[k]->restore_job_id == job_id)
                    st = persist_partition_delete(t->parts[k]->id, err);
            if (!st && t->state == TABLE_RESTORE) {
                t->state = TABLE_NORMAL;
                t->restore_job_id = 0;
                st = persist_table_update(t, err);
                t->state = TABLE_RESTORE;
                t->restore_job_id = job_id;
            }
        }
    }
    if (!st)
        st = meta_commit(err);
    else
        meta_rollback();
    if (!st) {
        for (int d = 0; d < g_cat.ndbs; d++) {
            CatDatabase *db = g_cat.dbs[d];
            for (int i = 0; i < db->ntables; i++) {
                CatTable *t = db->tables[i];
                for (int k = 0; k < t->nparts; k++) {
                    CatPartition *p = t->parts[k];
                    if (p->state != PART_RESTORING || p->restore_job_id != job_id) continue;
                    cat_detach_partition(t, p);
                    cat_partition_drop_data(p);
                    cat_partition_free(p, t);
                    k--;
                }
                if (t->restore_job_id != job_id) continue;
                if (t->state == TABLE_RESTORE_HIDDEN) {
                    cat_detach_table(t);
                    for (int k = 0; k < t->nparts; k++) cat_partition_drop_data(t->parts[k]);
                    catalog_table_free(t);
                    i--;
                } else {
                    t->state = TABLE_NORMAL;
                    t->restore_job_id = 0;
                }
            }
        }
    }
    catalog_unlock();
    cat_reap_dead();
    return st;
}
