/* Compaction: merges a tablet's small rowsets into one so reads touch fewer files. The merge itself is
 * storage's (CatStorageOps.merge_rowsets) and runs without the catalog lock on pinned inputs; the swap is a
 * load-like metadata transaction: the merged rowset becomes visible and the inputs stale in one commit.
 * A background thread runs it for every tablet past compaction_min_rowsets while compaction_enabled. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_int.h"
#include "server/config.h"
#include "util/clock.h"
#include "util/log.h"

#define COMPACTION_INTERVAL_MS 10000

/* The longest run of version-consecutive visible data rowsets (no DELETE predicates: merging across a
 * delete would have to apply it) at or below the partition's visible version. */
static int pick_run(const CatTablet *tb, int64_t visible, int *start) {
    int best = 0, best_start = 0, run = 0, run_start = 0;
    int64_t next = -1;
    for (int i = 0; i < tb->nrowsets; i++) {
        const CatRowset *rs = tb->rowsets[i];
        bool ok = rs->state == ROWSET_VISIBLE && !rs->delete_pred && rs->end_version <= visible;
        if (!ok) {
            run = 0;
            continue;
        }
        if (run && rs->start_version == next) {
            run++;
        } else {
            run = 1;
            run_start = i;
        }
        next = rs->end_version + 1;
        if (run > best) {
            best = run;
            best_start = run_start;
        }
    }
    *start = best_start;
    return best;
}

Status catalog_compact_tablet(int64_t tablet_id, int min_rowsets, bool *did, Error *err) {
    *did = false;
    if (!g_cat.ops.merge_rowsets) return STATUS_OK;
    if (min_rowsets < 2) min_rowsets = 2;
    catalog_rdlock();
    CatTable *t = NULL;
    CatPartition *p = NULL;
    CatTablet *tb = catalog_find_tablet(tablet_id, &t, &p);
    if (!tb || !t || !p || t->state != TABLE_NORMAL || p->state != PART_NORMAL) {
        catalog_unlock();
        return STATUS_OK;
    }
    int start = 0;
    int n = pick_run(tb, p->visible_version, &start);
    if (n < min_rowsets) {
        catalog_unlock();
        return STATUS_OK;
    }
    int ipos = catalog_index_pos(t, tb->index_id);
    const CatIndex *ix = t->indexes[ipos < 0 ? 0 : ipos];
    Arena *a = arena_new(0);
    CatColumn *cols = arena_calloc(a, sizeof *cols * (size_t)(ix->ncols ? ix->ncols : 1));
    for (int i = 0; i < ix->ncols; i++) {
        cols[i] = ix->cols[i];
        cols[i].name = arena_strdup(a, ix->cols[i].name);
        cols[i].default_value = arena_strdup(a, ix->cols[i].default_value);
        cols[i].comment = arena_strdup(a, ix->cols[i].comment);
    }
    int ncols = ix->ncols, nkeys = ix->nkeys;
    KeysType keys = ix->keys;
    CatRowset **in = arena_calloc(a, sizeof *in * (size_t)n);
    for (int i = 0; i < n; i++) {
        in[i] = tb->rowsets[start + i];
        catalog_rowset_ref(in[i]);
    }
    catalog_unlock();

    CatRowsetMeta out;
    memset(&out, 0, sizeof out);
    int64_t new_id = 0;
    Status st = meta_next_id(&new_id, err);
    if (!st) st = g_cat.ops.merge_rowsets(cols, ncols, keys, nkeys, tablet_id, in, n, new_id, &out, a, err);
    if (!st) out.rowset_id = new_id;
    CatRowset *merged = NULL;
    bool swapped = false;
    if (!st) {
        catalog_wrlock();
        tb = catalog_find_tablet(tablet_id, &t, &p);
        /* Overwrite, truncate, drop or restore may have replaced the inputs meanwhile: then give up. */
        bool still = tb && t && p && t->state == TABLE_NORMAL && p->state == PART_NORMAL;
        for (int i = 0; i < n && still; i++) still = in[i]->state == ROWSET_VISIBLE;
        if (still) {
            merged = cat_rowset_from_meta(tablet_id, &out);
            merged->start_version = in[0]->start_version;
            merged->end_version = in[n - 1]->end_version;
            merged->create_time_ms = clock_now_ms();
            st = meta_begin(err);
            if (!st) st = persist_rowset_insert(merged, err);
            for (int i = 0; i < n && !st; i++) st = persist_rowset_state(in[i]->id, ROWSET_STALE, err);
            if (!st)
                st = meta_commit(err);
            else
                meta_rollback();
            if (!st) {
                cat_tablet_add_rowset(tb, merged);
                for (int i = 0; i < n; i++) cat_rowset_mark_stale(in[i]);
                swapped = true;
            }
        }
        catalog_unlock();
        if (!swapped && g_cat.ops.remove_rowset) {
            /* The merged files are nobody's: delete them. */
            CatRowset ghost = {.id = new_id, .tablet_id = tablet_id};
            Error e = ERROR_INIT;
            if (g_cat.ops.remove_rowset(tablet_id, merged ? merged : &ghost, &e))
                log_warn("compaction: cannot delete unused rowset %lld: %s", (long long)new_id, e.msg);
        }
        if (!swapped) cat_rowset_free(merged);
    }
    for (int i = 0; i < n; i++) catalog_rowset_unref(in[i]);
    arena_free(a);
    if (swapped) {
        *did = true;
        Error e = ERROR_INIT;
        if (catalog_gc(&e)) log_warn("GC after compaction: %s", e.msg);
    }
    return st;
}

/* ---------------------------------------------------------------- scheduler */

static pthread_t g_thread;
static bool g_running;
static bool g_stop;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;

static void compaction_pass(void) {
    int min_rowsets = (int)config_get_int("compaction_min_rowsets");
    catalog_rdlock();
    int64_t *ids = NULL;
    size_t n = 0;
    for (size_t i = 0; i < g_cat.tablets_by_id.cap; i++) {
        CatTablet *tb = g_cat.tablets_by_id.keys[i] ? g_cat.tablets_by_id.vals[i] : NULL;
        if (!tb || tb->nrowsets < min_rowsets) continue;
        ids = realloc(ids, (n + 1) * sizeof *ids);
        if (!ids) abort();
        ids[n++] = tb->id;
    }
    catalog_unlock();
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_lock(&g_mu);
        bool stop = g_stop;
        pthread_mutex_unlock(&g_mu);
        if (stop) break;
        bool did = false;
        Error e = ERROR_INIT;
        if (catalog_compact_tablet(ids[i], min_rowsets, &did, &e))
            log_warn("compaction of tablet %lld failed: %s", (long long)ids[i], e.msg);
    }
    free(ids);
}

static void *compaction_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&g_mu);
    while (!g_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += COMPACTION_INTERVAL_MS / 1000;
        pthread_cond_timedwait(&g_cv, &g_mu, &ts);
        if (g_stop) break;
        pthread_mutex_unlock(&g_mu);
        if (config_get_bool("compaction_enabled")) compaction_pass();
        pthread_mutex_lock(&g_mu);
    }
    pthread_mutex_unlock(&g_mu);
    return NULL;
}

void catalog_compaction_start(void) {
    pthread_mutex_lock(&g_mu);
    if (!g_running) {
        g_stop = false;
        if (pthread_create(&g_thread, NULL, compaction_main, NULL) == 0) g_running = true;
    }
    pthread_mutex_unlock(&g_mu);
}

void catalog_compaction_stop(void) {
    pthread_mutex_lock(&g_mu);
    if (!g_running) {
        pthread_mutex_unlock(&g_mu);
        return;
    }
    g_stop = true;
    pthread_cond_broadcast(&g_cv);
    pthread_mutex_unlock(&g_mu);
    pthread_join(g_thread, NULL);
    g_running = false;
}
