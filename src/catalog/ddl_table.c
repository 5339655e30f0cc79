/* Table statements: CREATE TABLE (incl. LIKE), DROP TABLE, TRUNCATE TABLE. Each runs under the catalog
 * write lock, writes one metadata transaction, then changes memory; dropped data files are deleted once no
 * reader holds them (rowset_gc.c). DROP has no recycle bin: FORCE is accepted and changes nothing. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/ddl_int.h"
#include "util/clock.h"
#include "util/log.h"

static CatTable *find_any(const CatDatabase *db, const char *name) {
    for (int i = 0; i < db->ntables; i++)
        if (!strcmp(db->tables[i]->name, name)) return db->tables[i];
    return NULL;
}

/* Persists and attaches a built table (write lock held). */
Status ddl_install_table(CatDatabase *db, CatTable *t, Error *err) {
    if (cat_table_assign_ids(t, err)) return STATUS_ERROR;
    t->db_id = db->id;
    t->create_time_ms = t->update_time_ms = clock_now_ms();
    for (int i = 0; i < t->nparts; i++) t->parts[i]->visible_version_time_ms = t->create_time_ms;
    if (meta_begin(err)) return STATUS_ERROR;
    if (persist_table_insert(t, err)) {
        meta_rollback();
        return STATUS_ERROR;
    }
    if (meta_commit(err)) return STATUS_ERROR;
    cat_attach_table(db, t);
    return STATUS_OK;
}

/* The name check CREATE TABLE / VIEW make (write lock held): exists → ERR_TABLE_EXISTS unless if_not_exists
 * (then *skip). A hidden table of a running restore also holds its name. */
Status ddl_check_new_name(const CatDatabase *db, const char *name, bool if_not_exists, bool *skip, Error *err) {
    *skip = false;
    CatTable *old = find_any(db, name);
    if (!old) return STATUS_OK;
    if (old->state == TABLE_RESTORE_HIDDEN)
        return err_set(err, ERR_TABLE_EXISTS, "Table '%s' already exists (a running RESTORE is creating it)", name);
    if (if_not_exists) {
        *skip = true;
        return STATUS_OK;
    }
    return err_set(err, ERR_TABLE_EXISTS, "Table '%s' already exists", name);
}

Status ddl_create_table(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const CreateTableStmt *c = &st->u.create_table;
    const char *dbname = ddl_db_name(s, c->db, err);
    if (!dbname) return STATUS_ERROR;
    catalog_wrlock();
    CatDatabase *db = catalog_find_db(dbname);
    Status rc = STATUS_OK;
    bool skip = false;
    CatTable *t = NULL;
    if (!db)
        rc = err_set(err, ERR_BAD_DB, "Unknown database '%s'", dbname);
    else
        rc = priv_check(s, PRIV_CREATE, db->name, NULL, err);
    if (!rc) rc = ddl_check_new_name(db, c->name, c->if_not_exists, &skip, err);
    if (!rc && !skip) rc = table_build(s, c, db, &t, err);
    if (!rc && !skip) {
        rc = ddl_install_table(db, t, err);
        if (rc) catalog_table_free(t);
    }
    catalog_unlock();
    if (rc) return rc;
    return ddl_ok(out, 0, err);
}

/* Drops a table or view by statement (write lock taken here). want_view: DROP VIEW. */
static Status drop_object(Session *s, const DropTableStmt *d, bool want_view, Error *err) {
    const char *dbname = ddl_db_name(s, d->db, err);
    if (!dbname) return STATUS_ERROR;
    catalog_wrlock();
    CatDatabase *db = catalog_find_db(dbname);
    CatTable *t = db ? catalog_find_table(db, d->name) : NULL;
    Status rc = STATUS_OK;
    if (!db) {
        rc = err_set(err, ERR_BAD_DB, "Unknown database '%s'", dbname);
    } else if (!t) {
        if (!d->if_exists) rc = err_set(err, ERR_BAD_TABLE, "Unknown table '%s.%s'", db->name, d->name);
        catalog_unlock();
        return rc;
    } else if (want_view && t->kind != TABLE_VIEW) {
        rc = err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is not VIEW", db->name, t->name);
    } else if (!want_view && t->kind == TABLE_VIEW) {
        rc = err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is a view: drop it with DROP VIEW", db->name, t->name);
    }
    if (!rc) rc = priv_check(s, PRIV_DROP, db->name, t->name, err);
    if (!rc) rc = catalog_check_table_usable(t, err);
    if (!rc) rc = meta_begin(err);
    if (!rc) {
        rc = persist_table_delete(t->id, err);
        if (!rc)
            rc = meta_commit(err);
        else
            meta_rollback();
    }
    if (!rc) {
        cat_detach_table(t);
        for (int k = 0; k < t->nparts; k++) cat_partition_drop_data(t->parts[k]);
        catalog_table_free(t);
    }
    catalog_unlock();
    cat_reap_dead();
    return rc;
}

Status ddl_drop_table(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    if (drop_object(s, &st->u.drop_table, false, err)) return STATUS_ERROR;
    return ddl_ok(out, 0, err);
}

Status ddl_drop_view(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    if (drop_object(s, &st->u.drop_table, true, err)) return STATUS_ERROR;
    return ddl_ok(out, 0, err);
}

/* Empties partitions (all when nparts == 0): their visible rowsets become stale and their versions go up by
 * one, in one metadata transaction. Write lock held. */
Status ddl_truncate_partitions(CatTable *t, CatPartition **parts, int nparts, Error *err) {
    int64_t now = clock_now_ms();
    Status rc = meta_begin(err);
    for (int i = 0; i < nparts && !rc; i++) {
        CatPartition *p = parts[i];
        for (int k = 0; k < p->ntablets && !rc; k++)
            for (int r = 0; r < p->tablets[k]->nrowsets && !rc; r++)
                if (p->tablets[k]->rowsets[r]->state == ROWSET_VISIBLE)
                    rc = persist_rowset_state(p->tablets[k]->rowsets[r]->id, ROWSET_STALE, err);
        if (!rc)
            rc = meta_run(err,
                          "UPDATE cat_partition SET visible_version = ?, visible_version_ms = ?, next_version = ?"
                          " WHERE id = ?",
                          "iiii", p->visible_version + 1, now, p->visible_version + 2, p->id);
    }
    if (rc) {
        meta_rollback();
        return STATUS_ERROR;
    }
    if (meta_commit(err)) return STATUS_ERROR;
    for (int i = 0; i < nparts; i++) {
        CatPartition *p = parts[i];
        for (int k = 0; k < p->ntablets; k++)
            for (int r = 0; r < p->tablets[k]->nrowsets; r++)
                if (p->tablets[k]->rowsets[r]->state == ROWSET_VISIBLE) cat_rowset_mark_stale(p->tablets[k]->rowsets[r]);
        p->visible_version++;
        p->next_version = p->visible_version + 1;
        p->visible_version_time_ms = now;
    }
    t->update_time_ms = now;
    return STATUS_OK;
}

Status ddl_truncate(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const TruncateStmt *tr = &st->u.truncate;
    catalog_wrlock();
    CatDatabase *db = NULL;
    CatTable *t = NULL;
    Status rc = catalog_resolve_table(s, tr->db, tr->name, &db, &t, err);
    if (!rc && t->kind != TABLE_OLAP)
        rc = err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is not BASE TABLE: only OLAP tables can be truncated", db->name,
                     t->name);
    if (!rc) rc = priv_check(s, PRIV_DELETE, db->name, t->name, err);
    if (!rc) rc = catalog_check_table_usable(t, err);
    CatPartition **parts = NULL;
    int n = 0;
    if (!rc) {
        parts = calloc((size_t)(t->nparts + tr->npartitions + 1), sizeof *parts);
        if (!parts) abort();
        if (tr->npartitions) {
            for (int i = 0; i < tr->npartitions && !rc; i++) {
                CatPartition *p = catalog_find_partition(t, tr->partitions[i]);
                if (!p)
                    rc = err_set(err, ERR_UNKNOWN_PARTITION, "Partition '%s' does not exist in table '%s'",
                                 tr->partitions[i], t->name);
                else
                    parts[n++] = p;
            }
        } else {
            for (int i = 0; i < t->nparts; i++)
                if (t->parts[i]->state == PART_NORMAL) parts[n++] = t->parts[i];
        }
    }
    if (!rc) rc = ddl_truncate_partitions(t, parts, n, err);
    free(parts);
    catalog_unlock();
    if (rc) return rc;
    Error e = ERROR_INIT;
    if (catalog_gc(&e)) log_warn("GC after TRUNCATE: %s (the files go at the next pass)", e.msg);
    return ddl_ok(out, 0, err);
}
