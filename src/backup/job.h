/* BACKUP and RESTORE jobs: the record both share, its persistence (table br_job, one row per job, rewritten
 * on every state change), the registry of live jobs, and the thread that drives each job.
 *
 * Each unfinished job runs on a thread of its own (job_run), which walks the kind's state machine
 * (backup_job.c, restore_job.c) and commits every transition to the metadata database before acting on the
 * next state, so a restart resumes each job from its last committed state. CANCEL sets a flag that the job
 * thread and its transfer workers check; the statement waits until the job reaches CANCELLED.
 *
 * Locking: BrJob.mu guards the job's strings and status; state and progress counters are atomics.
 * The registry mutex guards the list. Never hold a job mutex while doing I/O. */
#ifndef CAIRN_BACKUP_JOB_H
#define CAIRN_BACKUP_JOB_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"
#include "util/strbuf.h"

typedef enum BrJobKind { JOB_BACKUP = 0, JOB_RESTORE = 1 } BrJobKind;

typedef enum BrState {
    JS_PENDING = 0,
    JS_SNAPSHOTING,
    JS_UPLOAD_SNAPSHOT, /* backup */
    JS_UPLOADING,
    JS_SAVE_META,
    JS_UPLOAD_INFO,
    JS_DOWNLOAD, /* restore */
    JS_DOWNLOADING,
    JS_COMMIT,
    JS_COMMITTING,
    JS_FINISHED,
    JS_CANCELLED,
} BrState;

typedef struct BrJob {
    int64_t id;
    BrJobKind kind;
    int64_t db_id;
    char *db_name;   /* owned */
    char *label;     /* owned */
    char *timestamp; /* owned: the snapshot timestamp (yyyy-MM-dd-HH-mm-ss-SSS) */
    int64_t repo_id;
    char *repo_name; /* owned */
    _Atomic int state; /* BrState */
    int64_t create_ms;
    int64_t t1_ms; /* backup: SnapshotFinishedTime; restore: MetaPreparedTime */
    int64_t t2_ms; /* backup: UploadFinishedTime; restore: SnapshotFinishedTime */
    int64_t t3_ms; /* restore: DownloadFinishedTime */
    int64_t finished_ms;
    int64_t timeout_s;
    char status_code[32]; /* "OK", "COMMON_ERROR", "TIMEOUT", "BAD_FILE", ... */
    char *status_msg;     /* owned */
    char *task_err;       /* owned: TaskErrMsg */
    json_t *spec;         /* owned: the statement's request (objects, properties without secrets) */
    json_t *work;         /* owned: durable kind-specific state (the frozen objects, restore plan...) */
    _Atomic int64_t files_total, files_done, bytes_total, bytes_done;
    _Atomic int cancel; /* 1 = cancel requested (user, timeout, error) */
    char cancel_code[32];
    char *cancel_msg;   /* owned */
    uint8_t key[32];    /* encryption key, memory only (never persisted) */
    bool has_key;
    bool thread_running;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond; /* signalled when the job reaches a final state */
    pthread_mutex_t done_mu; /* guards done_q: finished transfers not yet recorded (br_files.c) */
    void **done_q;
    int done_n, done_cap;
} BrJob;

/* Creates the tables, loads jobs, resumes every unfinished one. Call once at start. */
Status br_module_init(Error *err) MUST_CHECK;
/* Stops job threads (they resume from their last committed state at the next start). */
void br_module_shutdown(void);
void br_register_statements(void);

const char *br_state_name(BrState s);
bool br_state_final(BrState s);

/* A new job in PENDING: assigns the id and create time, persists it and starts its thread.
 * Fails with ERR_JOB_CONFLICT when the database already has an unfinished job. Ownership of job passes. */
Status br_job_submit(BrJob *job, Error *err) MUST_CHECK;
BrJob *br_job_new(BrJobKind kind);
/* Frees a job that was never submitted (or whose submission failed). */
void br_job_free(BrJob *job);
/* Commits the job's row (state, times, status, work, progress). */
Status br_job_save(BrJob *job, Error *err) MUST_CHECK;
/* Moves to `state` and commits it. */
Status br_job_set_state(BrJob *job, BrState state, Error *err) MUST_CHECK;
/* Testing aid (config backup_debug_pause): waits after a job enters state. */
void br_debug_pause(BrJob *job, BrState state);
/* Requests cancellation (first reason wins) and wakes the job. */
void br_job_request_cancel(BrJob *job, const char *code, const char *fmt, ...) PRINTF_FMT(3, 4);
bool br_job_cancelled(const BrJob *job);
/* The end of every cancelled job, after its kind's cleanup: Status becomes the cancel reason and CANCELLED is
 * committed (retried while the metadata database refuses, so a job never stays half-cancelled). */
void br_job_commit_cancelled(BrJob *job);
/* Records a sub-task error for TaskErrMsg (keeps the last few). */
void br_job_task_error(BrJob *job, const char *fmt, ...) PRINTF_FMT(2, 3);

/* The latest job of a database (of either kind), or NULL. The registry keeps it alive until the next job of
 * the database replaces it; callers must hold br_registry_lock while using the pointer. */
BrJob *br_latest_job(int64_t db_id);
void br_registry_lock(void);
void br_registry_unlock(void);
/* Calls fn for the latest job of every database (SHOW BACKUP / SHOW RESTORE without FROM), under the lock. */
void br_each_latest(void (*fn)(void *ctx, BrJob *job), void *ctx);
/* Whether an unfinished job uses the repository (DROP REPOSITORY refuses then). */
bool br_jobs_running_on_repo(int64_t repo_id);
/* Whether an unfinished backup writes, or restore reads, label in the repository. */
bool br_jobs_using_label(int64_t repo_id, const char *label);

/* Formats "[OK]" / "[CODE, msg: text]" as SHOW BACKUP prints Status. */
void br_job_format_status(BrJob *job, StrBuf *out);
/* Formats Progress: "files d/t, bytes d/t". */
void br_job_format_progress(const BrJob *job, StrBuf *out);

/* The state machines (backup_job.c, restore_job.c): run until the job is final or the server stops. */
void backup_job_run(BrJob *job);
void restore_job_run(BrJob *job);
/* Whether the server is shutting down (job threads stop at the next check without changing state). */
bool br_shutting_down(void);

#endif
