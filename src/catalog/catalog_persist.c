/* SQLite persistence of the catalog: the schema (migration "catalog"), row writers used inside the callers'
 * meta transactions, and the loader that rebuilds the in-memory model at start. A table's definition is one
 * JSON document (catalog_json.c); partitions, tablets and rowsets are rows, because loads change them. */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_int.h"
#include "util/clock.h"

static const char *CATALOG_V1 =
    "CREATE TABLE cat_db(id INTEGER PRIMARY KEY, name TEXT NOT NULL, props TEXT NOT NULL DEFAULT '[]',"
    " create_ms INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX cat_db_name ON cat_db(name COLLATE NOCASE);"
    "CREATE TABLE cat_table(id INTEGER PRIMARY KEY,"
    " db_id INTEGER NOT NULL REFERENCES cat_db(id) ON DELETE CASCADE, name TEXT NOT NULL,"
    " state INTEGER NOT NULL, restore_job_id INTEGER, def TEXT NOT NULL, create_ms INTEGER NOT NULL,"
    " update_ms INTEGER NOT NULL);"
    "CREATE INDEX cat_table_db ON cat_table(db_id);"
    "CREATE TABLE cat_partition(id INTEGER PRIMARY KEY,"
    " table_id INTEGER NOT NULL REFERENCES cat_table(id) ON DELETE CASCADE, name TEXT NOT NULL,"
    " def TEXT NOT NULL, visible_version INTEGER NOT NULL, visible_version_ms INTEGER NOT NULL,"
    " next_version INTEGER NOT NULL, state INTEGER NOT NULL, restore_job_id INTEGER);"
    "CREATE INDEX cat_partition_table ON cat_partition(table_id);"
    "CREATE TABLE cat_tablet(id INTEGER PRIMARY KEY,"
    " partition_id INTEGER NOT NULL REFERENCES cat_partition(id) ON DELETE CASCADE,"
    " index_id INTEGER NOT NULL, bucket INTEGER NOT NULL);"
    "CREATE INDEX cat_tablet_partition ON cat_tablet(partition_id);"
    "CREATE TABLE cat_rowset(id INTEGER PRIMARY KEY,"
    " tablet_id INTEGER NOT NULL REFERENCES cat_tablet(id) ON DELETE CASCADE,"
    " start_version INTEGER NOT NULL, end_version INTEGER NOT NULL, nrows INTEGER NOT NULL,"
    " data_size INTEGER NOT NULL, segments TEXT NOT NULL, delete_pred TEXT, txn_id INTEGER,"
    " create_ms INTEGER NOT NULL, state INTEGER NOT NULL, restore_job_id INTEGER);"
    "CREATE INDEX cat_rowset_tablet ON cat_rowset(tablet_id);"
    "CREATE TABLE cat_label(db_id INTEGER NOT NULL REFERENCES cat_db(id) ON DELETE CASCADE,"
    " label TEXT NOT NULL, txn_id INTEGER NOT NULL, table_id INTEGER NOT NULL, create_ms INTEGER NOT NULL,"
    " PRIMARY KEY(db_id, label));"
    "CREATE TABLE rowset_pin(job_id INTEGER NOT NULL, rowset_id INTEGER NOT NULL,"
    " PRIMARY KEY(job_id, rowset_id));"
    "CREATE INDEX rowset_pin_rowset ON rowset_pin(rowset_id);";

Status cat_migrate(Error *err) {
    return meta_migrate("catalog", 1, CATALOG_V1, err);
}

/* JSON text of a document (freed by the caller with free()). */
static char *dump(json_t *j) {
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(j);
    if (!s) abort();
    return s;
}

Status persist_db_insert(const CatDatabase *db, Error *err) {
    char *props = dump(cat_props_to_json(&db->props));
    Status st = meta_run(err, "INSERT INTO cat_db(id, name, props, create_ms) VALUES(?, ?, ?, ?)", "itti", db->id,
                         db->name, props, db->create_time_ms);
    free(props);
    return st;
}

Status persist_db_update(const CatDatabase *db, Error *err) {
    char *props = dump(cat_props_to_json(&db->props));
    Status st = meta_run(err, "UPDATE cat_db SET name = ?, props = ? WHERE id = ?", "tti", db->name, props, db->id);
    free(props);
    return st;
}

Status persist_db_delete(int64_t db_id, Error *err) {
    return meta_run(err, "DELETE FROM cat_db WHERE id = ?", "i", db_id);
}

static Status insert_tablets(const CatPartition *p, Error *err) {
    for (int i = 0; i < p->ntablets; i++) {
        const CatTablet *tb = p->tablets[i];
        if (meta_run(err, "INSERT INTO cat_tablet(id, partition_id, index_id, bucket) VALUES(?, ?, ?, ?)", "iiii",
                     tb->id, p->id, tb->index_id, (int64_t)tb->bucket))
            return STATUS_ERROR;
        for (int r = 0; r < tb->nrowsets; r++)
            if (persist_rowset_insert(tb->rowsets[r], err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}

Status persist_partition_insert(const CatTable *t, const CatPartition *p, Error *err) {
    char *def = dump(cat_partition_to_json(t, p, false));
    Status st = meta_run(err,
                         "INSERT INTO cat_partition(id, table_id, name, def, visible_version, visible_version_ms,"
                         " next_version, state, restore_job_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         "iittiiiiI", p->id, t->id, p->name, def, p->visible_version, p->visible_version_time_ms,
                         p->next_version, (int64_t)p->state, p->restore_job_id);
    free(def);
    if (!st) st = insert_tablets(p, err);
    return st;
}

Status persist_partition_update(const CatTable *t, const CatPartition *p, Error *err) {
    char *def = dump(cat_partition_to_json(t, p, false));
    Status st = meta_run(err,
                         "UPDATE cat_partition SET table_id = ?, name = ?, def = ?, visible_version = ?,"
                         " visible_version_ms = ?, next_version = ?, state = ?, restore_job_id = ? WHERE id = ?",
                         "ittiiiiIi", t->id, p->name, def, p->visible_version, p->visible_version_time_ms,
                         p->next_version, (int64_t)p->state, p->restore_job_id, p->id);
    free(def);
    return st;
}

Status persist_partition_delete(int64_t part_id, Error *err) {
    return meta_run(err, "DELETE FROM cat_partition WHERE id = ?", "i", part_id);
}

Status persist_table_insert(const CatTable *t, Error *err) {
    char *def = dump(catalog_table_to_json(t, false));
    Status st = meta_run(err,
                         "INSERT INTO cat_table(id, db_id, name, state, restore_job_id, def, create_ms, update_ms)"
                         " VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                         "iitiItii", t->id, t->db_id, t->name, (int64_t)t->state, t->restore_job_id, def,
                         t->create_time_ms, t->update_time_ms);
    free(def);
    for (int i = 0; i < t->nparts && !st; i++) st = persist_partition_insert(t, t->parts[i], err);
    return st;
}

Status persist_table_update(const CatTable *t, Error *err) {
    char *def = dump(catalog_table_to_json(t, false));
    Status st = meta_run(err,
                         "UPDATE cat_table SET db_id = ?, name = ?, state = ?, restore_job_id = ?, def = ?,"
                         " update_ms = ? WHERE id = ?",
                         "itiItii", t->db_id, t->name, (int64_t)t->state, t->restore_job_id, def, clock_now_ms(),
                         t->id);
    free(def);
    return st;
}

Status persist_table_delete(int64_t table_id, Error *err) {
    return meta_run(err, "DELETE FROM cat_table WHERE id = ?", "i", table_id);
}

Status persist_rowset_insert(const CatRowset *rs, Error *err) {
    char *segs = dump(cat_rowset_segments_to_json(rs));
    Status st = meta_run(err,
                         "INSERT INTO cat_rowset(id, tablet_id, start_version, end_version, nrows, data_size,"
                         " segments, delete_pred, txn_id, create_ms, state, restore_job_id)"
                         " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         "iiiiiittIiiI", rs->id, rs->tablet_id, rs->start_version, rs->end_version, rs->nrows,
                         rs->data_size, segs, rs->delete_pred, rs->txn_id, rs->create_time_ms, (int64_t)rs->state,
                         rs->restore_job_id);
    free(segs);
    return st;
}

Status persist_rowset_state(int64_t rowset_id, CatRowsetState state, Error *err) {
    return meta_run(err, "UPDATE cat_rowset SET state = ? WHERE id = ?", "ii", (int64_t)state, rowset_id);
}

Status persist_rowset_delete(int64_t rowset_id, Error *err) {
    return meta_run(err, "DELETE FROM cat_rowset WHERE id = ?", "i", rowset_id);
}

/* ---------------------------------------------------------------- loading */

static json_t *parse_json(const char *text, const char *what, int64_t id, Error *err) {
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j)
        err_set(err, ERR_CORRUPT, "%s %lld: malformed JSON in the metadata database (%s at line %d)", what,
                (long long)id, je.text, je.line);
    return j;
}

static Status load_dbs(Error *err) {
    sqlite3_stmt *q = NULL;
    Status st = meta_prepare(err, &q, "SELECT id, name, props, create_ms FROM cat_db ORDER BY id", "");
    bool row = false;
    while (!st && !(st = meta_step(q, &row, err)) && row) {
        CatDatabase *db = calloc(1, sizeof *db);
        if (!db) abort();
        db->id = meta_col_int(q, 0);
        db->name = cat_strdup(meta_col_text(q, 1));
        json_t *props = parse_json(meta_col_text(q, 2), "database", db->id, err);
        if (!props) {
            cat_db_free(db);
            st = STATUS_ERROR;
            break;
        }
        cat_props_from_json(&db->props, props);
        json_decref(props);
        db->create_time_ms = meta_col_int(q, 3);
        cat_attach_db(db);
    }
    meta_finalize(q);
    return st;
}

static Status load_tables(Error *err) {
    sqlite3_stmt *q = NULL;
    Status st = meta_prepare(err, &q,
                             "SELECT id, db_id, name, state, restore_job_id, def, create_ms, update_ms"
                             " FROM cat_table ORDER BY id",
                             "");
    bool row = false;
    while (!st && !(st = meta_step(q, &row, err)) && row) {
        int64_t id = meta_col_int(q, 0);
        CatDatabase *db = catalog_find_db_by_id(meta_col_int(q, 1));
        json_t *def = parse_json(meta_col_text(q, 5), "table", id, err);
        CatTable *t = NULL;
        if (!def) {
            st = STATUS_ERROR;
            break;
        }
        st = catalog_table_from_json(def, &t, err);
        json_decref(def);
        if (st) {
            err_prefix(err, "table %lld: ", (long long)id);
            break;
        }
        if (!db) {
            catalog_table_free(t);
            st = err_set(err, ERR_CORRUPT, "table %lld names database %lld, which does not exist", (long long)id,
                         (long long)meta_col_int(q, 1));
            break;
        }
        t->id = id;
        free(t->name);
        t->name = cat_strdup(meta_col_text(q, 2));
        t->state = (CatTableState)meta_col_int(q, 3);
        t->restore_job_id = meta_col_int(q, 4);
        t->create_time_ms = meta_col_int(q, 6);
        t->update_time_ms = meta_col_int(q, 7);
        cat_attach_table(db, t);
    }
    meta_finalize(q);
    return st;
}

static Status load_partitions(Error *err) {
    sqlite3_stmt *q = NULL;
    Status st = meta_prepare(err, &q,
                             "SELECT id, table_id, name, def, visible_version, visible_version_ms, next_version,"
                             " state, restore_job_id FROM cat_partition ORDER BY id",
                             "");
    bool row = false;
    while (!st && !(st = meta_step(q, &row, err)) && row) {
        int64_t id = meta_col_int(q, 0);
        CatTable *t = catalog_find_table_by_id(meta_col_int(q, 1));
        if (!t) {
            st = err_set(err, ERR_CORRUPT, "partition %lld names table %lld, which does not exist", (long long)id,
                         (long long)meta_col_int(q, 1));
            break;
        }
        json_t *def = parse_json(meta_col_text(q, 3), "partition", id, err);
        if (!def) {
            st = STATUS_ERROR;
            break;
        }
        CatPartition *p = NULL;
        st = cat_partition_from_json(t, def, &p, err);
        json_decref(def);
        if (st) break;
        p->id = id;
        free(p->name);
        p->name = cat_strdup(meta_col_text(q, 2));
        p->visible_version = meta_col_int(q, 4);
        p->visible_version_time_ms = meta_col_int(q, 5);
        p->next_version = meta_col_int(q, 6);
        p->state = (CatPartState)meta_col_int(q, 7);
        p->restore_job_id = meta_col_int(q, 8);
        /* Tablets are placed by (index position, bucket) as they load. */
        int n = t->nindexes * p->buckets;
        p->tablets = calloc((size_t)(n ? n : 1), sizeof *p->tablets);
        if (!p->tablets) abort();
        p->ntablets = n;
        cat_attach_partition(t, p);
    }
    meta_finalize(q);
    return st;
}

static Status load_tablets(Error *err) {
    sqlite3_stmt *q = NULL;
    Status st = meta_prepare(err, &q, "SELECT id, partition_id, index_id, bucket FROM cat_tablet ORDER BY id", "");
    bool row = false;
    while (!st && !(st = meta_step(q, &row, err)) && row) {
        int64_t id = meta_col_int(q, 0);
        CatPartition *p = idmap_get(&g_cat.parts_by_id, meta_col_int(q, 1));
        CatTable *t = p ? catalog_find_table_by_id(p->table_id) : NULL;
        int ipos = t ? catalog_index_pos(t, meta_col_int(q, 2)) : -1;
        int bucket = (int)meta_col_int(q, 3);
        if (!p || ipos < 0 || bucket < 0 || bucket >= p->buckets) {
            st = err_set(err, ERR_CORRUPT,
                         "tablet %lld names partition %lld / index %lld / bucket %d, which do not exist",
                         (long long)id, (long long)meta_col_int(q, 1), (long long)meta_col_int(q, 2), bucket);
            break;
        }
        CatTablet *tb = calloc(1, sizeof *tb);
        if (!tb) abort();
        tb->id = id;
        tb->partition_id = p->id;
        tb->index_id = meta_col_int(q, 2);
        tb->bucket = bucket;
        int slot = ipos * p->buckets + bucket;
        if (p->tablets[slot]) cat_tablet_free(p->tablets[slot]);
        p->tablets[slot] = tb;
        idmap_put(&g_cat.tablets_by_id, id, tb);
    }
    meta_finalize(q);
    return st;
}

static Status load_rowsets(Error *err) {
    sqlite3_stmt *q = NULL;
    Status st = meta_prepare(err, &q,
                             "SELECT id, tablet_id, start_version, end_version, nrows, data_size, segments,"
                             " delete_pred, txn_id, create_ms, state, restore_job_id FROM cat_rowset"
                             " ORDER BY tablet_id, start_version, id",
                             "");
    bool row = false;
    while (!st && !(st = meta_step(q, &row, err)) && row) {
        int64_t id = meta_col_int(q, 0);
        CatTablet *tb = idmap_get(&g_cat.tablets_by_id, meta_col_int(q, 1));
        if (!tb) {
            st = err_set(err, ERR_CORRUPT, "rowset %lld names tablet %lld, which does not exist", (long long)id,
                         (long long)meta_col_int(q, 1));
            break;
        }
        CatRowset *rs = calloc(1, sizeof *rs);
        if (!rs) abort();
        rs->id = id;
        rs->tablet_id = tb->id;
        rs->start_version = meta_col_int(q, 2);
        rs->end_version = meta_col_int(q, 3);
        rs->nrows = meta_col_int(q, 4);
        rs->data_size = meta_col_int(q, 5);
        json_t *segs = parse_json(meta_col_text(q, 6), "rowset", id, err);
        if (!segs || cat_rowset_segments_from_json(rs, segs, err)) {
            json_decref(segs);
            cat_rowset_free(rs);
            st = STATUS_ERROR;
            break;
        }
        json_decref(segs);
        rs->delete_pred = meta_col_isnull(q, 7) ? NULL : cat_strdup(meta_col_text(q, 7));
        rs->txn_id = meta_col_int(q, 8);
        rs->create_time_ms = meta_col_int(q, 9);
        rs->restore_job_id = meta_col_int(q, 11);
        atomic_init(&rs->refcount, 1);
        cat_tablet_add_rowset(tb, rs);
        CatRowsetState state = (CatRowsetState)meta_col_int(q, 10);
        if (state == ROWSET_STALE)
            cat_rowset_mark_stale(rs);
        else
            rs->state = state;
    }
    meta_finalize(q);
    return st;
}

Status persist_load_all(Error *err) {
    meta_lock();
    Status st = load_dbs(err);
    if (!st) st = load_tables(err);
    if (!st) st = load_partitions(err);
    if (!st) st = load_tablets(err);
    if (!st) st = load_rowsets(err);
    meta_unlock();
    /* Every partition must have all its tablets: a hole means rows were lost. */
    for (size_t i = 0; !st && i < g_cat.parts_by_id.cap; i++) {
        CatPartition *p = g_cat.parts_by_id.keys[i] ? g_cat.parts_by_id.vals[i] : NULL;
        for (int k = 0; p && k < p->ntablets && !st; k++)
            if (!p->tablets[k])
                st = err_set(err, ERR_CORRUPT, "partition %lld '%s' is missing its tablet %d", (long long)p->id,
                             p->name, k);
    }
    if (!st) st = cat_pins_load(err);
    return st;
}
