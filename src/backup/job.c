/* Job records: persistence in br_job, the registry of live jobs, one thread per unfinished job. */
#include "backup/job.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/meta_store.h"
#include "http/metrics.h"
#include "server/config.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/vec.h"

static const char *BR_SCHEMA_V1 =
    "CREATE TABLE IF NOT EXISTS br_job ("
    " id INTEGER PRIMARY KEY, kind INTEGER NOT NULL, db_id INTEGER NOT NULL, db_name TEXT NOT NULL,"
    " label TEXT NOT NULL, timestamp TEXT NOT NULL, repo_id INTEGER NOT NULL, repo_name TEXT NOT NULL,"
    " state INTEGER NOT NULL, create_ms INTEGER NOT NULL, t1_ms INTEGER NOT NULL, t2_ms INTEGER NOT NULL,"
    " t3_ms INTEGER NOT NULL, finished_ms INTEGER NOT NULL, timeout_s INTEGER NOT NULL,"
    " status_code TEXT NOT NULL, status_msg TEXT NOT NULL, task_err TEXT NOT NULL, spec TEXT NOT NULL,"
    " work TEXT NOT NULL, files_total INTEGER NOT NULL, files_done INTEGER NOT NULL,"
    " bytes_total INTEGER NOT NULL, bytes_done INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS br_job_db ON br_job(db_id, id);"
    /* one row per file a job transfers; done = 1 once it is in place */
    "CREATE TABLE IF NOT EXISTS br_file ("
    " job_id INTEGER NOT NULL, seq INTEGER NOT NULL, tablet_id INTEGER NOT NULL, rowset_id INTEGER NOT NULL,"
    " name TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, object TEXT NOT NULL,"
    " stored_size INTEGER NOT NULL, done INTEGER NOT NULL, PRIMARY KEY(job_id, seq));"
    /* content digests of immutable local data files, so a later backup need not read them again */
    "CREATE TABLE IF NOT EXISTS br_digest ("
    " rowset_id INTEGER NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,"
    " PRIMARY KEY(rowset_id, name));";

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static VEC(BrJob *) jobs; /* unfinished jobs and the latest job of every database */
static _Atomic int stopping;

static const char *state_names[] = {"PENDING",  "SNAPSHOTING", "UPLOAD_SNAPSHOT", "UPLOADING",
                                    "SAVE_META", "UPLOAD_INFO", "DOWNLOAD",        "DOWNLOADING",
                                    "COMMIT",   "COMMITTING",  "FINISHED",        "CANCELLED"};

const char *br_state_name(BrState s) {
    return (unsigned)s < sizeof state_names / sizeof state_names[0] ? state_names[s] : "UNKNOWN";
}

bool br_state_final(BrState s) {
    return s == JS_FINISHED || s == JS_CANCELLED;
}

bool br_shutting_down(void) {
    return atomic_load(&stopping) != 0;
}

BrJob *br_job_new(BrJobKind kind) {
    BrJob *j = calloc(1, sizeof *j);
    j->kind = kind;
    strcpy(j->status_code, "OK");
    j->status_msg = strdup("");
    j->task_err = strdup("");
    j->timestamp = strdup("");
    j->spec = json_object();
    j->work = json_object();
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cond, NULL);
    pthread_mutex_init(&j->done_mu, NULL);
    return j;
}

void br_job_free(BrJob *j) {
    if (!j) return;
    free(j->db_name);
    free(j->label);
    free(j->timestamp);
    free(j->repo_name);
    free(j->status_msg);
    free(j->task_err);
    free(j->cancel_msg);
    json_decref(j->spec);
    json_decref(j->work);
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->cond);
    pthread_mutex_destroy(&j->done_mu);
    free(j->done_q);
    free(j);
}

static char *dump(const json_t *j) {
    return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
}

Status br_job_save(BrJob *j, Error *err) {
    pthread_mutex_lock(&j->mu);
    char *spec = dump(j->spec), *work = dump(j->work);
    char *status_msg = strdup(j->status_msg), *task_err = strdup(j->task_err);
    char code[32];
    memcpy(code, j->status_code, sizeof code);
    pthread_mutex_unlock(&j->mu);
    Status st = meta_run(
        err,
        "INSERT OR REPLACE INTO br_job(id, kind, db_id, db_name, label, timestamp, repo_id, repo_name, state,"
        " create_ms, t1_ms, t2_ms, t3_ms, finished_ms, timeout_s, status_code, status_msg, task_err, spec, work,"
        " files_total, files_done, bytes_total, bytes_done)"
        " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "iiitttitiiiiiiitttttiiii", j->id, (int64_t)j->kind, j->db_id, j->db_name, j->label, j->timestamp,
        j->repo_id, j->repo_name, (int64_t)atomic_load(&j->state), j->create_ms, j->t1_ms, j->t2_ms, j->t3_ms,
        j->finished_ms, j->timeout_s, code, status_msg, task_err, spec, work, atomic_load(&j->files_total),
        atomic_load(&j->files_done), atomic_load(&j->bytes_total), atomic_load(&j->bytes_done));
    free(spec);
    free(work);
    free(status_msg);
    free(task_err);
    return st;
}

/* The backup_debug_pause testing aid: "<STATE>:<ms>" holds a job that long after it commits STATE, so tests can
 * kill -9 or CANCEL it in a state that normally passes in microseconds. Wakes early on cancel or shutdown. */
void br_debug_pause(BrJob *j, BrState state) {
    const char *v = config_get("backup_debug_pause");
    const char *colon = v ? strchr(v, ':') : NULL;
    if (!colon || (size_t)(colon - v) != strlen(br_state_name(state)) ||
        strncmp(v, br_state_name(state), (size_t)(colon - v)) != 0)
        return;
    int64_t until = clock_now_ms() + atoll(colon + 1);
    while (clock_now_ms() < until && !atomic_load(&j->cancel) && !br_shutting_down()) clock_sleep_ms(20);
}

Status br_job_set_state(BrJob *j, BrState state, Error *err) {
    BrState old = (BrState)atomic_load(&j->state);
    atomic_store(&j->state, state);
    if (state == JS_FINISHED || state == JS_CANCELLED) j->finished_ms = clock_now_ms();
    Status st = br_job_save(j, err);
    if (st) {
        atomic_store(&j->state, old);
        return st;
    }
    log_info("%s job %lld (%s.%s): %s -> %s", j->kind == JOB_BACKUP ? "backup" : "restore", (long long)j->id,
             j->db_name, j->label, br_state_name(old), br_state_name(state));
    br_debug_pause(j, state);
    if (br_state_final(state)) {
        metrics_counter_add(j->kind == JOB_BACKUP ? (state == JS_FINISHED ? "cairn_backup_jobs_total{state=\"finished\"}"
                                                                           : "cairn_backup_jobs_total{state=\"cancelled\"}")
                                                  : (state == JS_FINISHED ? "cairn_restore_jobs_total{state=\"finished\"}"
                                                                           : "cairn_restore_jobs_total{state=\"cancelled\"}"),
                            "BACKUP or RESTORE jobs that ended, by final state", 1);
        pthread_mutex_lock(&j->mu);
        pthread_cond_broadcast(&j->cond);
        pthread_mutex_unlock(&j->mu);
    }
    return STATUS_OK;
}

void br_job_request_cancel(BrJob *j, const char *code, const char *fmt, ...) {
    pthread_mutex_lock(&j->mu);
    if (!atomic_load(&j->cancel)) {
        char msg[ERROR_MSG_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(j->cancel_code, sizeof j->cancel_code, "%s", code);
        free(j->cancel_msg);
        j->cancel_msg = strdup(msg);
        atomic_store(&j->cancel, 1);
    }
    pthread_cond_broadcast(&j->cond);
    pthread_mutex_unlock(&j->mu);
}

bool br_job_cancelled(const BrJob *cj) {
    BrJob *j = (BrJob *)cj;
    if (atomic_load(&j->cancel)) return true;
    if (j->timeout_s > 0 && clock_now_ms() - j->create_ms > j->timeout_s * 1000) {
        if (j->kind == JOB_BACKUP)
            br_job_request_cancel(j, "TIMEOUT", "%s", "");
        else
            br_job_request_cancel(j, "TIMEOUT", "restore job with label: %s  timeout.", j->label);
        return true;
    }
    return false;
}

void br_job_commit_cancelled(BrJob *j) {
    pthread_mutex_lock(&j->mu);
    snprintf(j->status_code, sizeof j->status_code, "%s", j->cancel_code[0] ? j->cancel_code : "COMMON_ERROR");
    free(j->status_msg);
    j->status_msg = strdup(j->cancel_msg ? j->cancel_msg : "");
    pthread_mutex_unlock(&j->mu);
    Error err = ERROR_INIT;
    for (int attempt = 0; attempt < 50; attempt++) {
        if (!br_job_set_state(j, JS_CANCELLED, &err)) return;
        log_warn("job %lld: cannot record CANCELLED: %s", (long long)j->id, err.msg);
        clock_sleep_ms(200);
    }
}

void br_job_task_error(BrJob *j, const char *fmt, ...) {
    char msg[ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&j->mu);
    StrBuf sb = STRBUF_INIT;
    /* keep the newest three entries, as StarRocks persists at most three */
    int n = 0;
    for (const char *p = j->task_err; *p; p++) n += *p == '\n';
    const char *keep = j->task_err;
    while (n >= 2 && (keep = strchr(keep, '\n'))) {
        keep++;
        n--;
    }
    if (keep && *keep) {
        sb_append(&sb, keep);
        if (sb.len && sb.data[sb.len - 1] != '\n') sb_putc(&sb, '\n');
    }
    sb_append(&sb, msg);
    free(j->task_err);
    j->task_err = sb_detach(&sb);
    pthread_mutex_unlock(&j->mu);
}

void br_job_format_status(BrJob *j, StrBuf *out) {
    pthread_mutex_lock(&j->mu);
    if (!strcmp(j->status_code, "OK"))
        sb_append(out, "[OK]");
    else
        sb_appendf(out, "[%s, msg: %s]", j->status_code, j->status_msg);
    pthread_mutex_unlock(&j->mu);
}

void br_job_format_progress(const BrJob *j, StrBuf *out) {
    sb_appendf(out, "files %lld/%lld, bytes %lld/%lld", (long long)atomic_load(&j->files_done),
               (long long)atomic_load(&j->files_total), (long long)atomic_load(&j->bytes_done),
               (long long)atomic_load(&j->bytes_total));
}

/* ---------------------------------------------------------------- registry and threads */

static void *job_thread(void *arg) {
    BrJob *j = arg;
    if (j->kind == JOB_BACKUP)
        backup_job_run(j);
    else
        restore_job_run(j);
    return NULL;
}

static void start_thread(BrJob *j) {
    j->thread_running = true;
    if (pthread_create(&j->thread, NULL, job_thread, j) != 0) {
        j->thread_running = false;
        log_error("cannot start a thread for job %lld", (long long)j->id);
    }
}

void br_registry_lock(void) {
    pthread_mutex_lock(&reg_mu);
}

void br_registry_unlock(void) {
    pthread_mutex_unlock(&reg_mu);
}

BrJob *br_latest_job(int64_t db_id) {
    BrJob *best = NULL;
    for (size_t i = 0; i < jobs.len; i++)
        if (jobs.items[i]->db_id == db_id && (!best || jobs.items[i]->id > best->id)) best = jobs.items[i];
    return best;
}

void br_each_latest(void (*fn)(void *ctx, BrJob *job), void *ctx) {
    pthread_mutex_lock(&reg_mu);
    for (size_t i = 0; i < jobs.len; i++) {
        BrJob *j = jobs.items[i];
        if (br_latest_job(j->db_id) == j) fn(ctx, j);
    }
    pthread_mutex_unlock(&reg_mu);
}

bool br_jobs_running_on_repo(int64_t repo_id) {
    bool found = false;
    pthread_mutex_lock(&reg_mu);
    for (size_t i = 0; i < jobs.len && !found; i++)
        found = jobs.items[i]->repo_id == repo_id && !br_state_final((BrState)atomic_load(&jobs.items[i]->state));
    pthread_mutex_unlock(&reg_mu);
    return found;
}

bool br_jobs_using_label(int64_t repo_id, const char *label) {
    bool found = false;
    pthread_mutex_lock(&reg_mu);
    for (size_t i = 0; i < jobs.len && !found; i++) {
        BrJob *j = jobs.items[i];
        found = j->repo_id == repo_id && !strcmp(j->label, label) &&
                !br_state_final((BrState)atomic_load(&j->state));
    }
    pthread_mutex_unlock(&reg_mu);
    return found;
}

Status br_job_submit(BrJob *j, Error *err) {
    pthread_mutex_lock(&reg_mu);
    BrJob *prev = br_latest_job(j->db_id);
    if (prev && !br_state_final((BrState)atomic_load(&prev->state))) {
        pthread_mutex_unlock(&reg_mu);
        return err_set(err, ERR_JOB_CONFLICT, "Can only run one backup or restore job of a database at same time");
    }
    if (meta_next_id(&j->id, err)) {
        pthread_mutex_unlock(&reg_mu);
        return STATUS_ERROR;
    }
    if (!j->create_ms) j->create_ms = clock_now_ms();
    atomic_store(&j->state, JS_PENDING);
    if (br_job_save(j, err)) {
        pthread_mutex_unlock(&reg_mu);
        return STATUS_ERROR;
    }
    /* keep history rows bounded: max_backup_restore_job_num_per_db finished jobs per database */
    Error e2 = ERROR_INIT;
    if (meta_run(&e2,
                 "DELETE FROM br_job WHERE db_id = ? AND id NOT IN (SELECT id FROM br_job WHERE db_id = ?"
                 " ORDER BY id DESC LIMIT ?)",
                 "iii", j->db_id, j->db_id, config_get_int("max_backup_restore_job_num_per_db")))
        log_warn("trimming job history: %s", e2.msg);
    if (prev) {
        for (size_t i = 0; i < jobs.len; i++)
            if (jobs.items[i] == prev) {
                jobs.items[i] = jobs.items[--jobs.len];
                break;
            }
    }
    vec_push(&jobs, j);
    start_thread(j);
    pthread_mutex_unlock(&reg_mu);
    if (prev) {
        if (prev->thread_running) pthread_join(prev->thread, NULL);
        br_job_free(prev);
    }
    return STATUS_OK;
}

static Status load_jobs(Error *err) {
    meta_lock();
    sqlite3_stmt *q = NULL;
    Status st = meta_prepare(
        err, &q,
        "SELECT id, kind, db_id, db_name, label, timestamp, repo_id, repo_name, state, create_ms, t1_ms, t2_ms,"
        " t3_ms, finished_ms, timeout_s, status_code, status_msg, task_err, spec, work, files_total, files_done,"
        " bytes_total, bytes_done FROM br_job"
        " WHERE state NOT IN (?, ?) OR id IN (SELECT MAX(id) FROM br_job GROUP BY db_id) ORDER BY id",
        "ii", (int64_t)JS_FINISHED, (int64_t)JS_CANCELLED);
    bool row = false;
    while (!st && !(st = meta_step(q, &row, err)) && row) {
        BrJob *j = br_job_new((BrJobKind)meta_col_int(q, 1));
        j->id = meta_col_int(q, 0);
        j->db_id = meta_col_int(q, 2);
        j->db_name = strdup(meta_col_text(q, 3));
        j->label = strdup(meta_col_text(q, 4));
        free(j->timestamp);
        j->timestamp = strdup(meta_col_text(q, 5));
        j->repo_id = meta_col_int(q, 6);
        j->repo_name = strdup(meta_col_text(q, 7));
        atomic_store(&j->state, (int)meta_col_int(q, 8));
        j->create_ms = meta_col_int(q, 9);
        j->t1_ms = meta_col_int(q, 10);
        j->t2_ms = meta_col_int(q, 11);
        j->t3_ms = meta_col_int(q, 12);
        j->finished_ms = meta_col_int(q, 13);
        j->timeout_s = meta_col_int(q, 14);
        snprintf(j->status_code, sizeof j->status_code, "%s", meta_col_text(q, 15));
        free(j->status_msg);
        j->status_msg = strdup(meta_col_text(q, 16));
        free(j->task_err);
        j->task_err = strdup(meta_col_text(q, 17));
        json_decref(j->spec);
        json_decref(j->work);
        j->spec = json_loads(meta_col_text(q, 18), 0, NULL);
        j->work = json_loads(meta_col_text(q, 19), 0, NULL);
        if (!j->spec) j->spec = json_object();
        if (!j->work) j->work = json_object();
        atomic_store(&j->files_total, meta_col_int(q, 20));
        atomic_store(&j->files_done, meta_col_int(q, 21));
        atomic_store(&j->bytes_total, meta_col_int(q, 22));
        atomic_store(&j->bytes_done, meta_col_int(q, 23));
        vec_push(&jobs, j);
    }
    meta_finalize(q);
    meta_unlock();
    return st;
}

static double running(BrJobKind kind) {
    int n = 0;
    pthread_mutex_lock(&reg_mu);
    for (size_t i = 0; i < jobs.len; i++)
        n += jobs.items[i]->kind == kind && !br_state_final((BrState)atomic_load(&jobs.items[i]->state));
    pthread_mutex_unlock(&reg_mu);
    return n;
}

static double backups_running(void) {
    return running(JOB_BACKUP);
}

static double restores_running(void) {
    return running(JOB_RESTORE);
}

Status br_module_init(Error *err) {
    metrics_gauge_fn("cairn_backup_jobs_running", "BACKUP jobs not yet FINISHED or CANCELLED", backups_running);
    metrics_gauge_fn("cairn_restore_jobs_running", "RESTORE jobs not yet FINISHED or CANCELLED", restores_running);
    if (meta_migrate("backup", 1, BR_SCHEMA_V1, err)) return STATUS_ERROR;
    if (load_jobs(err)) return STATUS_ERROR;
    int resumed = 0;
    pthread_mutex_lock(&reg_mu);
    for (size_t i = 0; i < jobs.len; i++)
        if (!br_state_final((BrState)atomic_load(&jobs.items[i]->state))) {
            log_info("resuming %s job %lld (%s.%s) in state %s",
                     jobs.items[i]->kind == JOB_BACKUP ? "backup" : "restore", (long long)jobs.items[i]->id,
                     jobs.items[i]->db_name, jobs.items[i]->label,
                     br_state_name((BrState)atomic_load(&jobs.items[i]->state)));
            start_thread(jobs.items[i]);
            resumed++;
        }
    pthread_mutex_unlock(&reg_mu);
    log_info("backup/restore: %zu jobs loaded, %d resumed", jobs.len, resumed);
    return STATUS_OK;
}

void br_module_shutdown(void) {
    atomic_store(&stopping, 1);
    pthread_mutex_lock(&reg_mu);
    for (size_t i = 0; i < jobs.len; i++) {
        BrJob *j = jobs.items[i];
        pthread_mutex_lock(&j->mu);
        pthread_cond_broadcast(&j->cond);
        pthread_mutex_unlock(&j->mu);
    }
    pthread_mutex_unlock(&reg_mu);
    for (size_t i = 0; i < jobs.len; i++)
        if (jobs.items[i]->thread_running) pthread_join(jobs.items[i]->thread, NULL);
    for (size_t i = 0; i < jobs.len; i++) br_job_free(jobs.items[i]);
    vec_free(&jobs);
    atomic_store(&stopping, 0);
}
