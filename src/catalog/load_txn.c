/* Load transactions: a loader writes segment files, reports each rowset, then commits. The commit inserts
 * every rowset, bumps each touched partition's visible_version by one and records the label in ONE SQLite
 * transaction, then publishes in memory under the write lock: readers see all of a load or none of it.
 * Labels are unique per database: committed ones live in cat_label, running ones in memory. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_int.h"
#include "util/clock.h"
#include "util/log.h"

typedef struct PendingRowset {
    int64_t tablet_id;
    CatRowset *rs;
} PendingRowset;

struct CatTxn {
    int64_t id, db_id, table_id;
    char *label;
    PendingRowset *rows;
    int nrows, caprows;
    int64_t *overwrite;
    int noverwrite;
};

/* Labels of running transactions: (db_id, label) pairs guarded by g_label_mu. */
static pthread_mutex_t g_label_mu = PTHREAD_MUTEX_INITIALIZER;
static CatTxn **g_running;
static int g_nrunning, g_caprunning;

/* StarRocks' label rule: 1 to 128 letters, digits, '_', '-' or ':'. */
static bool label_ok(const char *s) {
    size_t n = strlen(s);
    if (n < 1 || n > 128) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '-' || *s == ':'))
            return false;
    return true;
}

static bool running_has(int64_t db_id, const char *label) {
    for (int i = 0; i < g_nrunning; i++)
        if (g_running[i]->db_id == db_id && !strcmp(g_running[i]->label, label)) return true;
    return false;
}

static void running_remove(CatTxn *txn) {
    pthread_mutex_lock(&g_label_mu);
    for (int i = 0; i < g_nrunning; i++) {
        if (g_running[i] != txn) continue;
        g_running[i] = g_running[--g_nrunning];
        break;
    }
    pthread_mutex_unlock(&g_label_mu);
}

static bool label_committed(int64_t db_id, const char *label) {
    int64_t one = 0;
    bool found = false;
    Error e = ERROR_INIT;
    if (meta_query_int(&e, &one, &found, "SELECT 1 FROM cat_label WHERE db_id = ? AND label = ?", "it", db_id,
                       label)) {
        log_warn("label lookup failed: %s", e.msg);
        return false;
    }
    return found;
}

bool catalog_label_exists(int64_t db_id, const char *label) {
    pthread_mutex_lock(&g_label_mu);
    bool r = running_has(db_id, label);
    pthread_mutex_unlock(&g_label_mu);
    return r || label_committed(db_id, label);
}

static void txn_free(CatTxn *txn) {
    for (int i = 0; i < txn->nrows; i++) cat_rowset_free(txn->rows[i].rs);
    free(txn->rows);
    free(txn->overwrite);
    free(txn->label);
    free(txn);
}

Status catalog_txn_begin(int64_t db_id, int64_t table_id, const char *label, CatTxn **out, Error *err) {
    *out = NULL;
    catalog_rdlock();
    CatTable *t = catalog_find_table_by_id(table_id);
    Status st = STATUS_OK;
    if (!t || t->db_id != db_id || t->state == TABLE_RESTORE_HIDDEN)
        st = err_set(err, ERR_NO_SUCH_TABLE, "table id %lld does not exist in database id %lld", (long long)table_id,
                     (long long)db_id);
    else if (catalog_check_table_usable(t, err))
        st = STATUS_ERROR;
    else if (t->kind != TABLE_OLAP && t->kind != TABLE_MV) /* MV refreshes write through load_sink */
        st = err_set(err, ERR_WRONG_OBJECT, "'%s' is not an OLAP table: it cannot be loaded", t->name);
    catalog_unlock();
    if (st) return st;
    if (label && !label_ok(label))
        return err_set(err, ERR_WRONG_LABEL,
                       "Incorrect label name '%s': a label is 1 to 128 letters, digits, '_', '-' or ':'", label);
    CatTxn *txn = calloc(1, sizeof *txn);
    if (!txn) abort();
    txn->db_id = db_id;
    txn->table_id = table_id;
    if (meta_next_id(&txn->id, err)) {
        free(txn);
        return STATUS_ERROR;
    }
    if (label) {
        txn->label = cat_strdup(label);
    } else {
        char buf[64];
        snprintf(buf, sizeof buf, "insert_%lld", (long long)txn->id);
        txn->label = cat_strdup(buf);
    }
    pthread_mutex_lock(&g_label_mu);
    if (running_has(db_id, txn->label) || label_committed(db_id, txn->label)) {
        pthread_mutex_unlock(&g_label_mu);
        err_set(err, ERR_LABEL_EXISTS, "Label [%s] has already been used.", txn->label);
        txn_free(txn);
        return STATUS_ERROR;
    }
    if (g_nrunning == g_caprunning) {
        g_caprunning = g_caprunning ? g_caprunning * 2 : 16;
        g_running = realloc(g_running, (size_t)g_caprunning * sizeof *g_running);
        if (!g_running) abort();
    }
    g_running[g_nrunning++] = txn;
    pthread_mutex_unlock(&g_label_mu);
    *out = txn;
    return STATUS_OK;
}

int64_t catalog_txn_id(const CatTxn *txn) {
    return txn->id;
}

const char *catalog_txn_label(const CatTxn *txn) {
    return txn->label;
}

Status catalog_txn_add_rowset(CatTxn *txn, int64_t tablet_id, const CatRowsetMeta *m, Error *err) {
    catalog_rdlock();
    CatTable *t = NULL;
    CatTablet *tb = catalog_find_tablet(tablet_id, &t, NULL);
    bool ok = tb && t && t->id == txn->table_id;
    catalog_unlock();
    if (!ok)
        return err_set(err, ERR_INTERNAL, "tablet %lld is not a tablet of table id %lld", (long long)tablet_id,
                       (long long)txn->table_id);
    if (txn->nrows == txn->caprows) {
        txn->caprows = txn->caprows ? txn->caprows * 2 : 8;
        txn->rows = realloc(txn->rows, (size_t)txn->caprows * sizeof *txn->rows);
        if (!txn->rows) abort();
    }
    CatRowset *rs = cat_rowset_from_meta(tablet_id, m);
    rs->txn_id = txn->id;
    txn->rows[txn->nrows].tablet_id = tablet_id;
    txn->rows[txn->nrows].rs = rs;
    txn->nrows++;
    return STATUS_OK;
}

Status catalog_txn_set_overwrite(CatTxn *txn, const int64_t *part_ids, int nparts, Error *err) {
    free(txn->overwrite);
    txn->overwrite = calloc((size_t)(nparts ? nparts : 1), sizeof *txn->overwrite);
    if (!txn->overwrite) abort();
    memcpy(txn->overwrite, part_ids, (size_t)nparts * sizeof *part_ids);
    txn->noverwrite = nparts;
    return STATUS_OK;
}

void catalog_txn_abort(CatTxn *txn) {
    if (!txn) return;
    running_remove(txn);
    Status (*remove)(int64_t, const CatRowset *, Error *) = g_cat.ops.remove_rowset;
    for (int i = 0; i < txn->nrows && remove; i++) {
        Error e = ERROR_INIT;
        if (remove(txn->rows[i].tablet_id, txn->rows[i].rs, &e))
            log_warn("aborting load %s: cannot delete rowset %lld: %s (the next start sweeps it)", txn->label,
                     (long long)txn->rows[i].rs->id, e.msg);
    }
    txn_free(txn);
}

static int add_unique(CatPartition ***arr, int *n, CatPartition *p) {
    for (int i = 0; i < *n; i++)
        if ((*arr)[i] == p) return i;
    *arr = realloc(*arr, (size_t)(*n + 1) * sizeof **arr);
    if (!*arr) abort();
    (*arr)[(*n)++] = p;
    return *n - 1;
}

Status catalog_txn_commit(CatTxn *txn, Error *err) {
    catalog_wrlock();
    CatTable *t = catalog_find_table_by_id(txn->table_id);
    CatPartition **parts = NULL;
    int nparts = 0;
    int64_t *versions = NULL;
    CatRowset **staled = NULL;
    int nstaled = 0;
    Status st = STATUS_OK;
    if (!t || t->state == TABLE_RESTORE_HIDDEN)
        st = err_set(err, ERR_NO_SUCH_TABLE, "table id %lld was dropped while loading", (long long)txn->table_id);
    else
        st = catalog_check_table_usable(t, err);
    /* Every rowset's partition must still be there and visible. */
    for (int i = 0; i < txn->nrows && !st; i++) {
        CatPartition *p = NULL;
        CatTable *owner = NULL;
        CatTablet *tb = catalog_find_tablet(txn->rows[i].tablet_id, &owner, &p);
        if (!tb || owner != t || !p || p->state != PART_NORMAL)
            st = err_set(err, ERR_UNKNOWN_PARTITION,
                         "the partition of tablet %lld was dropped or replaced while loading into '%s'",
                         (long long)txn->rows[i].tablet_id, t->name);
        else
            add_unique(&parts, &nparts, p);
    }
    for (int i = 0; i < txn->noverwrite && !st; i++) {
        CatPartition *p = catalog_find_partition_by_id(t, txn->overwrite[i]);
        if (!p || p->state != PART_NORMAL)
            st = err_set(err, ERR_UNKNOWN_PARTITION, "partition id %lld of '%s' was dropped while loading",
                         (long long)txn->overwrite[i], t->name);
        else
            add_unique(&parts, &nparts, p);
    }
    int64_t now = clock_now_ms();
    if (!st) {
        versions = calloc((size_t)(nparts ? nparts : 1), sizeof *versions);
        for (int i = 0; i < nparts; i++) {
            CatPartition *p = parts[i];
            versions[i] = p->next_version > p->visible_version ? p->next_version : p->visible_version + 1;
        }
        for (int i = 0; i < txn->nrows; i++) {
            CatPartition *p = NULL;
            catalog_find_tablet(txn->rows[i].tablet_id, NULL, &p);
            int k = add_unique(&parts, &nparts, p);
            txn->rows[i].rs->start_version = txn->rows[i].rs->end_version = versions[k];
            txn->rows[i].rs->create_time_ms = now;
            txn->rows[i].rs->state = ROWSET_VISIBLE;
        }
        /* Overwrite: every rowset visible now in those partitions becomes stale. */
        for (int i = 0; i < txn->noverwrite; i++) {
            CatPartition *p = catalog_find_partition_by_id(t, txn->overwrite[i]);
            for (int k = 0; k < p->ntablets; k++) {
                CatTablet *tb = p->tablets[k];
                for (int r = 0; r < tb->nrowsets; r++) {
                    if (tb->rowsets[r]->state != ROWSET_VISIBLE) continue;
                    staled = realloc(staled, (size_t)(nstaled + 1) * sizeof *staled);
                    if (!staled) abort();
                    staled[nstaled++] = tb->rowsets[r];
                }
            }
        }
        st = meta_begin(err);
        for (int i = 0; i < txn->nrows && !st; i++) st = persist_rowset_insert(txn->rows[i].rs, err);
        for (int i = 0; i < nstaled && !st; i++) st = persist_rowset_state(staled[i]->id, ROWSET_STALE, err);
        for (int i = 0; i < nparts && !st; i++)
            st = meta_run(err,
                          "UPDATE cat_partition SET visible_version = ?, visible_version_ms = ?, next_version = ?"
                          " WHERE id = ?",
                          "iiii", versions[i], now, versions[i] + 1, parts[i]->id);
        if (!st)
            st = meta_run(err, "INSERT INTO cat_label(db_id, label, txn_id, table_id, create_ms) VALUES(?, ?, ?, ?, ?)",
                          "itiii", txn->db_id, txn->label, txn->id, txn->table_id, now);
        if (!st)
            st = meta_commit(err);
        else
            meta_rollback();
    }
    if (!st) {
        for (int i = 0; i < txn->nrows; i++) {
            CatTablet *tb = catalog_find_tablet(txn->rows[i].tablet_id, NULL, NULL);
            cat_tablet_add_rowset(tb, txn->rows[i].rs);
            txn->rows[i].rs = NULL; /* owned by the tablet now */
        }
        for (int i = 0; i < nstaled; i++) cat_rowset_mark_stale(staled[i]);
        for (int i = 0; i < nparts; i++) {
            parts[i]->visible_version = versions[i];
            parts[i]->visible_version_time_ms = now;
            parts[i]->next_version = versions[i] + 1;
        }
        t->update_time_ms = now;
    }
    catalog_unlock();
    free(parts);
    free(versions);
    free(staled);
    if (st) {
        err_prefix(err, "load %s: ", txn->label);
        catalog_txn_abort(txn);
        return STATUS_ERROR;
    }
    running_remove(txn);
    txn_free(txn);
    if (nstaled) {
        Error e = ERROR_INIT;
        if (catalog_gc(&e)) log_warn("GC after overwrite: %s", e.msg);
    }
    return STATUS_OK;
}
