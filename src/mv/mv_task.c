/* Refresh tasks of async MVs: a queue and one scheduler thread that runs queued refreshes one at a
 * time, starts scheduled ones (REFRESH ASYNC EVERY), refreshes REFRESH ASYNC views whose base data
 * changed, and turns MVs whose base tables were dropped, renamed or changed inactive with the
 * reason. Each run is recorded in the metadata table mv_task_run (SHOW MATERIALIZED VIEWS reads the
 * newest).
 *
 * Locking: g_mu guards every TaskSlot field and the slot array; never held across a refresh, the
 * catalog lock or a metadata write. A slot's `running` flag is the one claim to refresh that MV: a
 * WITH SYNC MODE refresh waits on g_done until a running one finishes. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog/meta_store.h"
#include "mv/mv_int.h"
#include "util/clock.h"
#include "util/log.h"

#define HISTORY_KEEP 10 /* task runs kept per MV */
#define PASS_MS 500     /* scheduler pass interval */

typedef struct TaskSlot {
    int64_t mv_id;
    bool pending, running, cancel;
    int64_t queued_ms;
    Session *session;     /* while running */
    int64_t next_due_ms;  /* EVERY: the next scheduled refresh; 0 = not computed yet */
    int64_t data_version; /* base data version at the start of the last refresh; -1 unknown */
    bool has_last;
    MvTaskRun last;
} TaskSlot;

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t g_done = PTHREAD_COND_INITIALIZER;
static TaskSlot *g_slots;
static int g_nslots, g_capslots;
static pthread_t g_thread;
static bool g_started, g_stop, g_kicked;

static const char *TASK_V1 =
    "CREATE TABLE mv_task_run(id INTEGER PRIMARY KEY AUTOINCREMENT, mv_id INTEGER NOT NULL,"
    " start_ms INTEGER NOT NULL, finish_ms INTEGER NOT NULL, state TEXT NOT NULL, error_code "
    "INTEGER NOT NULL,"
    " error_msg TEXT NOT NULL);"
    "CREATE INDEX mv_task_run_mv ON mv_task_run(mv_id);";

/* The slot of an MV, created on first use (g_mu held). */
static TaskSlot *slot_get(int64_t mv_id) {
    for (int i = 0; i < g_nslots; i++)
        if (g_slots[i].mv_id == mv_id) return &g_slots[i];
    if (g_nslots == g_capslots) {
        g_capslots = g_capslots ? g_capslots * 2 : 16;
        g_slots = realloc(g_slots, sizeof *g_slots * (size_t)g_capslots);
        if (!g_slots) abort();
    }
    TaskSlot *s = &g_slots[g_nslots++];
    memset(s, 0, sizeof *s);
    s->mv_id = mv_id;
    s->data_version = -1;
    return s;
}

static Status history_load(Error *err) {
    sqlite3_stmt *q = NULL;
    meta_lock();
    if (meta_prepare(err, &q,
                     "SELECT mv_id, start_ms, finish_ms, state, error_code, error_msg FROM "
                     "mv_task_run ORDER BY id",
                     "")) {
        meta_unlock();
        return STATUS_ERROR;
    }
    bool row = false;
    Status st;
    pthread_mutex_lock(&g_mu);
    while (!(st = meta_step(q, &row, err)) && row) {
        TaskSlot *s = slot_get(meta_col_int(q, 0));
        s->has_last = true;
        s->last.start_ms = meta_col_int(q, 1);
        s->last.finish_ms = meta_col_int(q, 2);
        snprintf(s->last.state, sizeof s->last.state, "%s", meta_col_text(q, 3));
        s->last.error_code = (int)meta_col_int(q, 4);
        snprintf(s->last.error_msg, sizeof s->last.error_msg, "%s", meta_col_text(q, 5));
    }
    pthread_mutex_unlock(&g_mu);
    meta_finalize(q);
    meta_unlock();
    return st;
}

static void history_add(int64_t mv_id, const MvTaskRun *r) {
    Error err = ERROR_INIT;
    if (meta_begin(&err)) goto fail;
    if (meta_run(&err,
                 "INSERT INTO mv_task_run(mv_id, start_ms, finish_ms, state, error_code, error_msg)"
                 " VALUES(?, ?, ?, ?, ?, ?)",
                 "iiitit", mv_id, r->start_ms, r->finish_ms, r->state, (int64_t)r->error_code,
                 r->error_msg) ||
        meta_run(&err,
                 "DELETE FROM mv_task_run WHERE mv_id = ? AND id NOT IN"
                 " (SELECT id FROM mv_task_run WHERE mv_id = ? ORDER BY id DESC LIMIT ?)",
                 "iii", mv_id, mv_id, (int64_t)HISTORY_KEEP)) {
        meta_rollback();
        goto fail;
    }
    if (meta_commit(&err)) goto fail;
    return;
fail:
    log_warn("materialized view %lld: cannot record its refresh task run: %s", (long long)mv_id,
             err.msg);
}

/* Runs one refresh of a slot this thread has claimed (running = true, g_mu NOT held); releases the
 * claim. */
static Status run_claimed(int64_t mv_id, Session *s, Error *err) {
    MvTaskRun r;
    memset(&r, 0, sizeof r);
    r.start_ms = clock_now_ms();
    snprintf(r.state, sizeof r.state, "RUNNING");
    int64_t dv = -1;
    catalog_rdlock();
    CatTable *t = catalog_find_table_by_id(mv_id);
    MvDef d;
    Error e2 = ERROR_INIT;
    if (t && t->kind == TABLE_MV && !mv_def_of(t, &d, &e2)) {
        dv = mv_bases_data_version(&d);
        mv_def_free(&d);
    }
    catalog_unlock();
    pthread_mutex_lock(&g_mu);
    TaskSlot *slot = slot_get(mv_id);
    slot->has_last = true;
    slot->last = r;
    if (dv >= 0) slot->data_version = dv;
    pthread_mutex_unlock(&g_mu);

    Status st = mv_refresh_execute(mv_id, s, err);

    pthread_mutex_lock(&g_mu);
    slot = slot_get(mv_id);
    bool cancelled = slot->cancel;
    r.finish_ms = clock_now_ms();
    if (st && cancelled)
        err_set(err, ERR_QUERY_INTERRUPTED,
                "the refresh was cancelled by CANCEL REFRESH MATERIALIZED VIEW");
    snprintf(r.state, sizeof r.state, "%s", st ? "FAILED" : "SUCCESS");
    r.error_code = st ? err_mysql_errno(err->code) : 0;
    snprintf(r.error_msg, sizeof r.error_msg, "%s", st ? err->msg : "");
    slot->last = r;
    slot->running = false;
    slot->cancel = false;
    slot->session = NULL;
    pthread_cond_broadcast(&g_done);
    pthread_mutex_unlock(&g_mu);
    history_add(mv_id, &r);
    if (st) log_warn("materialized view %lld: refresh failed: %s", (long long)mv_id, err->msg);
    return st;
}

static Session *refresh_session(void) {
    Session *s = session_new(0, "root", "mv-refresh");
    s->internal = true;
    return s;
}

Status mv_task_run_sync(int64_t mv_id, Error *err) {
    Session *s = refresh_session();
    pthread_mutex_lock(&g_mu);
    TaskSlot *slot = slot_get(mv_id);
    while (slot->running) {
        pthread_cond_wait(&g_done, &g_mu);
        slot = slot_get(mv_id);
    }
    slot->running = true;
    slot->pending = false; /* this run serves a queued request too */
    slot->cancel = false;
    slot->session = s;
    pthread_mutex_unlock(&g_mu);
    Status st = run_claimed(mv_id, s, err);
    session_free(s);
    return st;
}

void mv_task_submit(int64_t mv_id) {
    pthread_mutex_lock(&g_mu);
    TaskSlot *slot = slot_get(mv_id);
    if (!slot->pending) {
        slot->pending = true;
        slot->queued_ms = clock_now_ms();
    }
    g_kicked = true;
    pthread_cond_signal(&g_wake);
    pthread_mutex_unlock(&g_mu);
}

bool mv_task_cancel(int64_t mv_id) {
    pthread_mutex_lock(&g_mu);
    TaskSlot *slot = slot_get(mv_id);
    bool any = slot->pending || slot->running;
    slot->pending = false;
    if (slot->running) {
        slot->cancel = true;
        if (slot->session) atomic_store(&slot->session->killed, 1);
    }
    pthread_mutex_unlock(&g_mu);
    return any;
}

bool mv_task_last(int64_t mv_id, MvTaskRun *out) {
    pthread_mutex_lock(&g_mu);
    TaskSlot *slot = slot_get(mv_id);
    bool have = slot->has_last || slot->pending;
    if (slot->has_last) *out = slot->last;
    if (slot->pending && !slot->running) {
        memset(out, 0, sizeof *out);
        snprintf(out->state, sizeof out->state, "PENDING");
    }
    pthread_mutex_unlock(&g_mu);
    return have;
}

void mv_task_forget(int64_t mv_id) {
    pthread_mutex_lock(&g_mu);
    for (int i = 0; i < g_nslots; i++) {
        if (g_slots[i].mv_id != mv_id) continue;
        if (g_slots[i].running) { /* the running refresh fails on its own: the MV is gone */
            g_slots[i].pending = false;
            g_slots[i].has_last = false;
            break;
        }
        g_slots[i] = g_slots[--g_nslots];
        break;
    }
    pthread_mutex_unlock(&g_mu);
    Error err = ERROR_INIT;
    if (meta_begin(&err) || meta_run(&err, "DELETE FROM mv_task_run WHERE mv_id = ?", "i", mv_id)) {
        meta_rollback();
        log_warn("materialized view %lld: cannot delete its task history: %s", (long long)mv_id,
                 err.msg);
        return;
    }
    if (meta_commit(&err))
        log_warn("materialized view %lld: cannot delete its task history: %s", (long long)mv_id,
                 err.msg);
}

void mv_task_reschedule(int64_t mv_id) {
    pthread_mutex_lock(&g_mu);
    TaskSlot *slot = slot_get(mv_id);
    slot->next_due_ms = 0;
    slot->data_version = -1;
    pthread_mutex_unlock(&g_mu);
}

void mv_task_kick(void) {
    pthread_mutex_lock(&g_mu);
    g_kicked = true;
    pthread_cond_signal(&g_wake);
    pthread_mutex_unlock(&g_mu);
}

/* ---------------------------------------------------------------- the scheduler pass */

typedef struct Deact {
    int64_t id;
    char reason[512];
} Deact;

typedef struct PassCtx {
    int64_t now;
    int64_t *seen; /* every async MV the pass saw */
    int nseen, capseen;
    Deact *deact;
    int ndeact, capdeact;
    int64_t *due;
    int ndue, capdue;
} PassCtx;

/* START ("yyyy-MM-dd HH:mm:ss") in local time, ms since the epoch; 0 when absent or unreadable. */
static int64_t start_ms(const char *text) {
    if (!text) return 0;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (sscanf(text, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) < 3)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    return t < 0 ? 0 : (int64_t)t * 1000;
}

static void pass_table(PassCtx *c, const CatTable *t) {
    MvDef d;
    Error err = ERROR_INIT;
    if (t->kind != TABLE_MV) return;
    if (c->nseen == c->capseen) {
        c->capseen = c->capseen ? c->capseen * 2 : 16;
        c->seen = realloc(c->seen, sizeof *c->seen * (size_t)c->capseen);
        if (!c->seen) abort();
    }
    c->seen[c->nseen++] = t->id;
    if (t->state != TABLE_NORMAL || mv_def_of(t, &d, &err)) return;
    char why[512];
    if (d.active && !mv_bases_valid(&d, why, sizeof why)) {
        if (c->ndeact == c->capdeact) {
            c->capdeact = c->capdeact ? c->capdeact * 2 : 8;
            c->deact = realloc(c->deact, sizeof *c->deact * (size_t)c->capdeact);
            if (!c->deact) abort();
        }
        c->deact[c->ndeact].id = t->id;
        snprintf(c->deact[c->ndeact].reason, sizeof c->deact[c->ndeact].reason, "%s", why);
        c->ndeact++;
    } else if (d.active && !strcmp(d.refresh, "ASYNC")) {
        int64_t interval = mv_def_interval_ms(&d);
        int64_t dv = interval ? 0 : mv_bases_data_version(&d);
        bool due = false;
        pthread_mutex_lock(&g_mu);
        TaskSlot *s = slot_get(t->id);
        if (interval) {
            if (!s->next_due_ms) {
                int64_t st = start_ms(d.start);
                s->next_due_ms = st > c->now ? st : c->now + interval;
            }
            if (c->now >= s->next_due_ms) {
                due = true;
                while (s->next_due_ms <= c->now)
                    s->next_due_ms += interval;
            }
        } else if (s->data_version < 0) {
            s->data_version =
                dv; /* first look after start: the last refresh's version is not known */
        } else if (dv != s->data_version && !s->pending && !s->running) {
            due = true;
        }
        pthread_mutex_unlock(&g_mu);
        if (due) {
            if (c->ndue == c->capdue) {
                c->capdue = c->capdue ? c->capdue * 2 : 8;
                c->due = realloc(c->due, sizeof *c->due * (size_t)c->capdue);
                if (!c->due) abort();
            }
            c->due[c->ndue++] = t->id;
        }
    }
    mv_def_free(&d);
}

static void pass_db(void *ctx, CatDatabase *db) {
    for (int i = 0; i < db->ntables; i++)
        pass_table(ctx, db->tables[i]);
}

static void deactivate(int64_t id, const char *reason) {
    Error err = ERROR_INIT;
    catalog_wrlock();
    CatTable *t = catalog_find_table_by_id(id);
    MvDef d;
    if (t && t->kind == TABLE_MV && !mv_def_of(t, &d, &err)) {
        char why[512];
        if (d.active && !mv_bases_valid(&d, why, sizeof why)) {
            mv_def_set_state(&d, false, reason);
            if (mv_def_store(t, &d, &err))
                log_warn("materialized view %s: cannot record it inactive: %s", t->name, err.msg);
            else
                log_info("materialized view %s is inactive: %s", t->name, reason);
        }
        mv_def_free(&d);
    }
    catalog_unlock();
}

static void scheduler_pass(void) {
    PassCtx c = {0};
    c.now = clock_now_ms();
    catalog_rdlock();
    catalog_each_db(pass_db, &c);
    catalog_unlock();
    for (int i = 0; i < c.ndeact; i++)
        deactivate(c.deact[i].id, c.deact[i].reason);
    for (int i = 0; i < c.ndue; i++)
        mv_task_submit(c.due[i]);
    /* MVs dropped with their database (or by DROP TABLE) leave a slot and a history: forget them */
    int64_t gone[16];
    int ngone = 0;
    pthread_mutex_lock(&g_mu);
    for (int i = 0; i < g_nslots && ngone < 16; i++) {
        bool seen = false;
        for (int k = 0; k < c.nseen && !seen; k++)
            seen = c.seen[k] == g_slots[i].mv_id;
        if (!seen && !g_slots[i].running && !g_slots[i].pending) gone[ngone++] = g_slots[i].mv_id;
    }
    pthread_mutex_unlock(&g_mu);
    for (int i = 0; i < ngone; i++)
        mv_task_forget(gone[i]);
    free(c.seen);
    free(c.deact);
    free(c.due);
    mv_sync_pass();
}

static void *scheduler_main(void *arg) {
    (void)arg;
    int64_t last_pass = 0;
    pthread_mutex_lock(&g_mu);
    while (!g_stop) {
        int64_t now = clock_now_ms();
        if (g_kicked || now - last_pass >= PASS_MS) {
            g_kicked = false;
            pthread_mutex_unlock(&g_mu);
            scheduler_pass();
            last_pass = clock_now_ms();
            pthread_mutex_lock(&g_mu);
        }
        /* the oldest queued refresh that nobody is running */
        TaskSlot *pick = NULL;
        for (int i = 0; i < g_nslots; i++)
            if (g_slots[i].pending && !g_slots[i].running &&
                (!pick || g_slots[i].queued_ms < pick->queued_ms))
                pick = &g_slots[i];
        if (pick) {
            int64_t id = pick->mv_id;
            Session *s = refresh_session();
            pick->pending = false;
            pick->running = true;
            pick->cancel = false;
            pick->session = s;
            pthread_mutex_unlock(&g_mu);
            Error err = ERROR_INIT;
            (void)run_claimed(id, s, &err);
            session_free(s);
            pthread_mutex_lock(&g_mu);
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += (long)PASS_MS * 1000000L;
        ts.tv_sec += ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        if (!g_kicked && !g_stop) pthread_cond_timedwait(&g_wake, &g_mu, &ts);
    }
    pthread_mutex_unlock(&g_mu);
    return NULL;
}

Status mv_task_init(Error *err) {
    if (meta_migrate("mv_task", 1, TASK_V1, err) || mv_sync_init(err) || history_load(err))
        return STATUS_ERROR;
    g_stop = false;
    if (pthread_create(&g_thread, NULL, scheduler_main, NULL) != 0)
        return err_set(err, ERR_INTERNAL, "cannot start the materialized view scheduler thread");
    g_started = true;
    return STATUS_OK;
}

void mv_task_shutdown(void) {
    if (!g_started) return;
    pthread_mutex_lock(&g_mu);
    g_stop = true;
    for (int i = 0; i < g_nslots; i++)
        if (g_slots[i].session) atomic_store(&g_slots[i].session->killed, 1);
    pthread_cond_broadcast(&g_wake);
    pthread_mutex_unlock(&g_mu);
    pthread_join(g_thread, NULL);
    g_started = false;
    pthread_mutex_lock(&g_mu);
    free(g_slots);
    g_slots = NULL;
    g_nslots = g_capslots = 0;
    pthread_mutex_unlock(&g_mu);
}
