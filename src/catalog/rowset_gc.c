/* Rowset lifetime: reference counts and read views (snapshots pinned for readers), durable pins for backup
 * jobs, and garbage collection — stale rowsets leave metadata and disk once nobody pins them, dropped
 * tablets' files go when their last reader is done, and recovery at start sweeps files no metadata names. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_int.h"
#include "util/log.h"

/* g_dead_mu guards the dead list (rowsets whose last reference went away: files to delete) and the
 * detached map (rowsets of dropped tablets still held by a reader). Taken after the catalog lock, never
 * before it; it is never held across I/O. */
static pthread_mutex_t g_dead_mu = PTHREAD_MUTEX_INITIALIZER;
static CatRowset **g_dead;
static int g_ndead, g_capdead;
static IdMap g_detached; /* rowset id -> CatRowset*, keyed for O(1) removal */

/* Stale rowsets still listed in their tablet (guarded by the catalog lock). */
static CatRowset **g_stale;
static int g_nstale, g_capstale;

/* g_pin_mu guards g_cat.pinned: rowset id -> number of jobs pinning it (as a pointer-sized count). */
static pthread_mutex_t g_pin_mu = PTHREAD_MUTEX_INITIALIZER;

void catalog_set_storage_ops(const CatStorageOps *ops) {
    catalog_wrlock();
    if (ops)
        g_cat.ops = *ops;
    else
        memset(&g_cat.ops, 0, sizeof g_cat.ops);
    catalog_unlock();
}

/* ---------------------------------------------------------------- references */

void catalog_rowset_ref(CatRowset *rs) {
    atomic_fetch_add(&rs->refcount, 1);
}

void catalog_rowset_unref(CatRowset *rs) {
    if (atomic_fetch_sub(&rs->refcount, 1) != 1) return;
    pthread_mutex_lock(&g_dead_mu);
    idmap_del(&g_detached, rs->id);
    if (g_ndead == g_capdead) {
        g_capdead = g_capdead ? g_capdead * 2 : 16;
        g_dead = realloc(g_dead, (size_t)g_capdead * sizeof *g_dead);
        if (!g_dead) abort();
    }
    g_dead[g_ndead++] = rs;
    pthread_mutex_unlock(&g_dead_mu);
}

/* Called by cat_tablet_free before it drops the catalog's reference: a reader may still hold the rowset,
 * and the orphan sweep must not remove its tablet directory meanwhile. */
void cat_rowset_detach(CatRowset *rs) {
    pthread_mutex_lock(&g_dead_mu);
    idmap_put(&g_detached, rs->id, rs);
    pthread_mutex_unlock(&g_dead_mu);
}

static bool tablet_has_detached(int64_t tablet_id) {
    bool found = false;
    pthread_mutex_lock(&g_dead_mu);
    for (size_t i = 0; i < g_detached.cap && !found; i++)
        if (g_detached.keys[i] && ((CatRowset *)g_detached.vals[i])->tablet_id == tablet_id) found = true;
    pthread_mutex_unlock(&g_dead_mu);
    return found;
}

bool cat_pinned_locked(int64_t rowset_id) {
    return idmap_get(&g_cat.pinned, rowset_id) != NULL;
}

bool catalog_rowset_pinned(int64_t rowset_id) {
    pthread_mutex_lock(&g_pin_mu);
    bool p = cat_pinned_locked(rowset_id);
    pthread_mutex_unlock(&g_pin_mu);
    return p;
}

void cat_reap_dead(void) {
    pthread_mutex_lock(&g_dead_mu);
    CatRowset **dead = g_dead;
    int n = g_ndead;
    g_dead = NULL;
    g_ndead = g_capdead = 0;
    pthread_mutex_unlock(&g_dead_mu);
    /* The ops pointer is set once at start; reading it without the lock is safe in practice. */
    Status (*remove)(int64_t, const CatRowset *, Error *) = g_cat.ops.remove_rowset;
    for (int i = 0; i < n; i++) {
        CatRowset *rs = dead[i];
        /* A job's durable pin keeps the files (the backup reads them); the sweep after unpin removes them. */
        if (remove && !catalog_rowset_pinned(rs->id)) {
            Error e = ERROR_INIT;
            if (remove(rs->tablet_id, rs, &e))
                log_warn("cannot delete files of rowset %lld of tablet %lld: %s (the next start sweeps them)",
                         (long long)rs->id, (long long)rs->tablet_id, e.msg);
        }
        cat_rowset_free(rs);
    }
    free(dead);
}

/* ---------------------------------------------------------------- stale rowsets */

void cat_rowset_mark_stale(CatRowset *rs) {
    if (rs->state == ROWSET_STALE) return;
    rs->state = ROWSET_STALE;
    if (g_nstale == g_capstale) {
        g_capstale = g_capstale ? g_capstale * 2 : 16;
        g_stale = realloc(g_stale, (size_t)g_capstale * sizeof *g_stale);
        if (!g_stale) abort();
    }
    g_stale[g_nstale++] = rs;
}

void cat_stale_reset(void) {
    free(g_stale);
    g_stale = NULL;
    g_nstale = g_capstale = 0;
}

/* Removes rs from the stale list (when its tablet is dropped the list must not keep a dangling pointer). */
void cat_stale_forget(CatRowset *rs) {
    for (int i = 0; i < g_nstale; i++) {
        if (g_stale[i] != rs) continue;
        g_stale[i] = g_stale[--g_nstale];
        return;
    }
}

static void tablet_remove_rowset(CatTablet *tb, CatRowset *rs) {
    for (int i = 0; i < tb->nrowsets; i++) {
        if (tb->rowsets[i] != rs) continue;
        memmove(&tb->rowsets[i], &tb->rowsets[i + 1], (size_t)(tb->nrowsets - i - 1) * sizeof *tb->rowsets);
        tb->nrowsets--;
        return;
    }
}

/* Under the write lock: drops stale rowsets nobody pins from metadata and memory. */
static Status gc_stale_locked(Error *err) {
    CatRowset **victims = NULL;
    int nv = 0;
    pthread_mutex_lock(&g_pin_mu);
    for (int i = 0; i < g_nstale; i++) {
        CatRowset *rs = g_stale[i];
        if (atomic_load(&rs->refcount) != 1 || cat_pinned_locked(rs->id)) continue;
        victims = realloc(victims, (size_t)(nv + 1) * sizeof *victims);
        if (!victims) abort();
        victims[nv++] = rs;
    }
    pthread_mutex_unlock(&g_pin_mu);
    if (!nv) return STATUS_OK;
    Status st = meta_begin(err);
    for (int i = 0; i < nv && !st; i++) st = persist_rowset_delete(victims[i]->id, err);
    if (!st)
        st = meta_commit(err);
    else
        meta_rollback();
    if (!st) {
        for (int i = 0; i < nv; i++) {
            CatRowset *rs = victims[i];
            CatTablet *tb = idmap_get(&g_cat.tablets_by_id, rs->tablet_id);
            if (tb) tablet_remove_rowset(tb, rs);
            cat_stale_forget(rs);
            catalog_rowset_unref(rs);
        }
    }
    free(victims);
    return st;
}

/* Under the write lock: tablet directories that no catalog object names (dropped tables/partitions whose
 * deletion was interrupted) and that no reader still uses. */
static void gc_sweep_tablets(void) {
    if (!g_cat.ops.list_tablets || !g_cat.ops.remove_tablet) return;
    int64_t *ids = NULL;
    int n = 0;
    Error e = ERROR_INIT;
    if (g_cat.ops.list_tablets(&ids, &n, &e)) {
        log_warn("orphan sweep: cannot list tablets: %s", e.msg);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (idmap_get(&g_cat.tablets_by_id, ids[i]) || tablet_has_detached(ids[i])) continue;
        /* A tablet holding a durably pinned rowset stays until its job unpins it. */
        bool pinned = false;
        if (g_cat.ops.list_tablet_rowsets) {
            int64_t *rids = NULL;
            int nr = 0;
            if (!g_cat.ops.list_tablet_rowsets(ids[i], &rids, &nr, &e)) {
                pthread_mutex_lock(&g_pin_mu);
                for (int k = 0; k < nr && !pinned; k++) pinned = cat_pinned_locked(rids[k]);
                pthread_mutex_unlock(&g_pin_mu);
            }
            free(rids);
        }
        if (pinned) continue;
        if (g_cat.ops.remove_tablet(ids[i], &e))
            log_warn("orphan sweep: cannot remove tablet %lld: %s", (long long)ids[i], e.msg);
        else
            log_info("orphan sweep: removed tablet %lld (no longer in the catalog)", (long long)ids[i]);
    }
    free(ids);
}

Status catalog_gc(Error *err) {
    catalog_wrlock();
    Status st = gc_stale_locked(err);
    gc_sweep_tablets();
    catalog_unlock();
    cat_reap_dead();
    return st;
}

void cat_gc_try(void) {
    if (!cat_trywrlock()) return;
    Error e = ERROR_INIT;
    if (gc_stale_locked(&e)) log_warn("rowset GC: %s", e.msg);
    catalog_unlock();
    cat_reap_dead();
}

Status catalog_recover(Error *err) {
    catalog_wrlock();
    Status st = gc_stale_locked(err);
    gc_sweep_tablets();
    /* Rowset files inside live tablets that metadata does not name: loads that never committed. Only safe
     * before loads start, which is why this runs at start-up only. */
    if (!st && g_cat.ops.list_tablet_rowsets && g_cat.ops.remove_rowset) {
        for (size_t i = 0; i < g_cat.tablets_by_id.cap; i++) {
            CatTablet *tb = g_cat.tablets_by_id.keys[i] ? g_cat.tablets_by_id.vals[i] : NULL;
            if (!tb) continue;
            int64_t *rids = NULL;
            int nr = 0;
            Error e = ERROR_INIT;
            if (g_cat.ops.list_tablet_rowsets(tb->id, &rids, &nr, &e)) {
                log_warn("recovery: cannot list tablet %lld: %s", (long long)tb->id, e.msg);
                continue;
            }
            for (int k = 0; k < nr; k++) {
                bool known = false;
                for (int r = 0; r < tb->nrowsets && !known; r++) known = tb->rowsets[r]->id == rids[k];
                if (known || catalog_rowset_pinned(rids[k])) continue;
                CatRowset ghost = {.id = rids[k], .tablet_id = tb->id};
                if (g_cat.ops.remove_rowset(tb->id, &ghost, &e))
                    log_warn("recovery: cannot remove orphan rowset %lld: %s", (long long)rids[k], e.msg);
                else
                    log_info("recovery: removed files of unfinished rowset %lld in tablet %lld",
                             (long long)rids[k], (long long)tb->id);
            }
            free(rids);
        }
    }
    catalog_unlock();
    cat_reap_dead();
    return st;
}

/* ---------------------------------------------------------------- durable pins */

Status cat_pins_load(Error *err) {
    sqlite3_stmt *st = NULL;
    meta_lock();
    Status s = meta_prepare(err, &st, "SELECT rowset_id, COUNT(*) FROM rowset_pin GROUP BY rowset_id", "");
    bool row = false;
    pthread_mutex_lock(&g_pin_mu);
    while (!s && !(s = meta_step(st, &row, err)) && row)
        idmap_put(&g_cat.pinned, meta_col_int(st, 0), (void *)(intptr_t)meta_col_int(st, 1));
    pthread_mutex_unlock(&g_pin_mu);
    meta_finalize(st);
    meta_unlock();
    return s;
}

Status catalog_pin_rowsets(int64_t job_id, const int64_t *rowset_ids, int n, Error *err) {
    if (meta_begin(err)) return STATUS_ERROR;
    int64_t *added = calloc((size_t)(n ? n : 1), sizeof *added);
    int nadded = 0;
    Status st = STATUS_OK;
    for (int i = 0; i < n && !st; i++) {
        st = meta_run(err, "INSERT OR IGNORE INTO rowset_pin(job_id, rowset_id) VALUES(?, ?)", "ii", job_id,
                      rowset_ids[i]);
        if (!st && meta_changes() > 0) added[nadded++] = rowset_ids[i];
    }
    if (!st)
        st = meta_commit(err);
    else
        meta_rollback();
    if (!st) {
        pthread_mutex_lock(&g_pin_mu);
        for (int i = 0; i < nadded; i++) {
            intptr_t c = (intptr_t)idmap_get(&g_cat.pinned, added[i]);
            idmap_put(&g_cat.pinned, added[i], (void *)(c + 1));
        }
        pthread_mutex_unlock(&g_pin_mu);
    }
    free(added);
    return st;
}

Status catalog_unpin_job(int64_t job_id, Error *err) {
    if (meta_begin(err)) return STATUS_ERROR;
    int64_t *ids = NULL;
    int n = 0;
    sqlite3_stmt *q = NULL;
    Status st = meta_prepare(err, &q, "SELECT rowset_id FROM rowset_pin WHERE job_id = ?", "i", job_id);
    bool row = false;
    while (!st && !(st = meta_step(q, &row, err)) && row) {
        ids = realloc(ids, (size_t)(n + 1) * sizeof *ids);
        if (!ids) abort();
        ids[n++] = meta_col_int(q, 0);
    }
    meta_finalize(q);
    if (!st) st = meta_run(err, "DELETE FROM rowset_pin WHERE job_id = ?", "i", job_id);
    if (!st)
        st = meta_commit(err);
    else
        meta_rollback();
    if (!st) {
        pthread_mutex_lock(&g_pin_mu);
        for (int i = 0; i < n; i++) {
            intptr_t c = (intptr_t)idmap_get(&g_cat.pinned, ids[i]);
            if (c <= 1)
                idmap_del(&g_cat.pinned, ids[i]);
            else
                idmap_put(&g_cat.pinned, ids[i], (void *)(c - 1));
        }
        pthread_mutex_unlock(&g_pin_mu);
    }
    free(ids);
    if (!st && n) {
        /* Unpinned stale rowsets and dropped tablets can go now. */
        Error e = ERROR_INIT;
        if (catalog_gc(&e)) log_warn("GC after unpinning job %lld: %s", (long long)job_id, e.msg);
    }
    return st;
}

/* ---------------------------------------------------------------- read views */

static void copy_column_to_arena(Arena *a, CatColumn *dst, const CatColumn *src) {
    *dst = *src;
    dst->name = arena_strdup(a, src->name);
    dst->default_value = arena_strdup(a, src->default_value);
    dst->comment = arena_strdup(a, src->comment);
}

Status catalog_read_view(const CatTable *t, int64_t index_id, const int64_t *part_ids, int nparts,
                         CatReadView **out, Error *err) {
    if (catalog_check_table_usable(t, err)) return STATUS_ERROR;
    if (t->kind == TABLE_VIEW)
        return err_set(err, ERR_WRONG_OBJECT, "'%s' is a view: it has no data of its own to read", t->name);
    int ipos = index_id ? catalog_index_pos(t, index_id) : 0;
    if (ipos < 0 || ipos >= t->nindexes)
        return err_set(err, ERR_INTERNAL, "table '%s' has no index with id %lld", t->name, (long long)index_id);
    const CatIndex *ix = t->indexes[ipos];
    /* Validate the requested partitions before pinning anything. */
    for (int i = 0; i < nparts; i++) {
        const CatPartition *p = catalog_find_partition_by_id(t, part_ids[i]);
        if (!p || p->state != PART_NORMAL)
            return err_set(err, ERR_UNKNOWN_PARTITION, "partition id %lld is not a visible partition of table '%s'",
                           (long long)part_ids[i], t->name);
    }
    Arena *a = arena_new(0);
    CatReadView *v = arena_calloc(a, sizeof *v);
    v->arena = a;
    v->db_id = t->db_id;
    v->table_id = t->id;
    v->index_id = ix->id;
    CatDatabase *db = catalog_find_db_by_id(t->db_id);
    v->db_name = arena_strdup(a, db ? db->name : "");
    v->table_name = arena_strdup(a, t->name);
    v->keys = ix->keys;
    v->nkeys = ix->nkeys;
    v->ncols = ix->ncols;
    v->cols = arena_calloc(a, sizeof *v->cols * (size_t)(ix->ncols ? ix->ncols : 1));
    for (int i = 0; i < ix->ncols; i++) copy_column_to_arena(a, &v->cols[i], &ix->cols[i]);
    int want = nparts;
    if (!part_ids || !nparts) {
        want = 0;
        for (int i = 0; i < t->nparts; i++) want += t->parts[i]->state == PART_NORMAL && !t->parts[i]->is_temp;
    }
    v->parts = arena_calloc(a, sizeof *v->parts * (size_t)(want ? want : 1));
    for (int i = 0, k = 0; k < want; i++) {
        const CatPartition *p;
        if (part_ids && nparts) {
            p = catalog_find_partition_by_id(t, part_ids[i]);
        } else {
            p = t->parts[i];
            if (p->state != PART_NORMAL || p->is_temp) continue;
        }
        CatReadPartition *rp = &v->parts[k++];
        rp->id = p->id;
        rp->name = arena_strdup(a, p->name);
        rp->version = p->visible_version;
        rp->ntablets = p->buckets;
        rp->tablets = arena_calloc(a, sizeof *rp->tablets * (size_t)(p->buckets ? p->buckets : 1));
        for (int b = 0; b < p->buckets; b++) {
            const CatTablet *tb = catalog_partition_tablet(p, ipos, b);
            CatReadTablet *rt = &rp->tablets[b];
            rt->bucket = b;
            if (!tb) continue;
            rt->tablet_id = tb->id;
            rt->rowsets = arena_calloc(a, sizeof *rt->rowsets * (size_t)(tb->nrowsets ? tb->nrowsets : 1));
            for (int r = 0; r < tb->nrowsets; r++) {
                CatRowset *rs = tb->rowsets[r];
                if (rs->state != ROWSET_VISIBLE || rs->end_version > rp->version) continue;
                catalog_rowset_ref(rs);
                rt->rowsets[rt->nrowsets++] = rs;
            }
        }
    }
    v->nparts = want;
    *out = v;
    return STATUS_OK;
}

void catalog_read_view_free(CatReadView *v) {
    if (!v) return;
    bool stale_released = false;
    for (int i = 0; i < v->nparts; i++) {
        CatReadPartition *rp = &v->parts[i];
        for (int b = 0; b < rp->ntablets; b++) {
            CatReadTablet *rt = &rp->tablets[b];
            for (int r = 0; r < rt->nrowsets; r++) {
                CatRowset *rs = rt->rowsets[r];
                if (rs->state == ROWSET_STALE) stale_released = true;
                catalog_rowset_unref(rs);
            }
        }
    }
    arena_free(v->arena);
    if (stale_released) cat_gc_try();
    cat_reap_dead();
}
