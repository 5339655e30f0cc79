/* Shared plumbing of backup and restore jobs: local tablet paths, the br_file table, content object names,
 * digests and the transfer worker pool. */
#include "backup/br_files.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/hmac.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/meta_store.h"
#include "server/config.h"
#include "util/hash.h"
#include "util/log.h"

void br_tablet_dir(int64_t tablet_id, StrBuf *out) {
    const char *root = config_get("storage_root_path");
    if (root && *root)
        sb_append(out, root);
    else
        sb_appendf(out, "%s/storage", config_get("data_dir"));
    sb_appendf(out, "/data/%lld/%lld", (long long)(tablet_id % 1024), (long long)tablet_id);
}

void br_tablet_file_path(int64_t tablet_id, const char *name, StrBuf *out) {
    br_tablet_dir(tablet_id, out);
    sb_appendf(out, "/%s", name);
}

/* ---------------------------------------------------------------- br_file */

Status br_files_insert(int64_t job_id, const BrFileList *files, Error *err) {
    for (int i = 0; i < files->n; i++) {
        const BrFile *f = &files->items[i];
        if (meta_run(err,
                     "INSERT OR REPLACE INTO br_file(job_id, seq, tablet_id, rowset_id, name, size, sha256, object,"
                     " stored_size, done) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     "iiiitittii", job_id, f->seq, f->tablet_id, f->rowset_id, f->name, f->size, f->sha256,
                     f->object ? f->object : "", f->stored_size, (int64_t)f->done))
            return STATUS_ERROR;
    }
    return STATUS_OK;
}

Status br_files_load(int64_t job_id, BrFileList *out, Error *err) {
    memset(out, 0, sizeof *out);
    int cap = 0;
    meta_lock();
    sqlite3_stmt *q = NULL;
    Status st = meta_prepare(err, &q,
                             "SELECT seq, tablet_id, rowset_id, name, size, sha256, object, stored_size, done"
                             " FROM br_file WHERE job_id = ? ORDER BY seq",
                             "i", job_id);
    bool row = false;
    while (!st && !(st = meta_step(q, &row, err)) && row) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            out->items = realloc(out->items, (size_t)cap * sizeof *out->items);
        }
        BrFile *f = &out->items[out->n++];
        memset(f, 0, sizeof *f);
        f->seq = meta_col_int(q, 0);
        f->tablet_id = meta_col_int(q, 1);
        f->rowset_id = meta_col_int(q, 2);
        f->name = strdup(meta_col_text(q, 3));
        f->size = meta_col_int(q, 4);
        snprintf(f->sha256, sizeof f->sha256, "%s", meta_col_text(q, 5));
        f->object = strdup(meta_col_text(q, 6));
        f->stored_size = meta_col_int(q, 7);
        f->done = meta_col_int(q, 8) != 0;
    }
    meta_finalize(q);
    meta_unlock();
    if (st) br_files_free(out);
    return st;
}

Status br_file_mark_done(int64_t job_id, const BrFile *f, Error *err) {
    return meta_run(err,
                    "UPDATE br_file SET done = 1, sha256 = ?, object = ?, stored_size = ?, size = ?"
                    " WHERE job_id = ? AND seq = ?",
                    "ttiiii", f->sha256, f->object ? f->object : "", f->stored_size, f->size, job_id, f->seq);
}

Status br_files_delete(int64_t job_id, Error *err) {
    return meta_run(err, "DELETE FROM br_file WHERE job_id = ?", "i", job_id);
}

void br_files_free(BrFileList *l) {
    for (int i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].object);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

Status br_files_pending(BrJob *j, BrFileList *files, BrFile ***pending, int *npending, Error *err) {
    if (br_files_load(j->id, files, err)) return STATUS_ERROR;
    *pending = calloc((size_t)(files->n ? files->n : 1), sizeof **pending);
    *npending = 0;
    int64_t done_files = 0, done_bytes = 0, total = 0;
    for (int i = 0; i < files->n; i++) {
        total += files->items[i].size;
        if (files->items[i].done) {
            done_files++;
            done_bytes += files->items[i].size;
        } else {
            (*pending)[(*npending)++] = &files->items[i];
        }
    }
    atomic_store(&j->files_total, files->n);
    atomic_store(&j->bytes_total, total);
    atomic_store(&j->files_done, done_files);
    atomic_store(&j->bytes_done, done_bytes);
    return STATUS_OK;
}

/* Writes the queued files' done marks in one transaction; caller holds done_mu. A file whose mark is lost to a
 * crash is transferred again on resume, which is harmless: uploads find the object and skip it, downloads
 * rewrite the same bytes. */
static Status flush_done_locked(BrJob *j, Error *err) {
    if (!j->done_n) return STATUS_OK;
    Status st = meta_begin(err);
    for (int i = 0; i < j->done_n && !st; i++) st = br_file_mark_done(j->id, (BrFile *)j->done_q[i], err);
    if (!st)
        st = meta_commit(err);
    else
        meta_rollback();
    if (!st) j->done_n = 0;
    return st;
}

Status br_file_finish(BrJob *j, BrFile *f, Status st, Error *err) {
    if (st) {
        br_job_task_error(j, "[%lld: %s]", (long long)f->tablet_id, err->msg);
        return st;
    }
    f->done = true;
    atomic_fetch_add(&j->files_done, 1);
    atomic_fetch_add(&j->bytes_done, f->size);
    pthread_mutex_lock(&j->done_mu);
    if (j->done_n == j->done_cap) {
        j->done_cap = j->done_cap ? j->done_cap * 2 : BR_DONE_BATCH;
        j->done_q = realloc(j->done_q, (size_t)j->done_cap * sizeof *j->done_q);
    }
    j->done_q[j->done_n++] = f;
    if (j->done_n >= BR_DONE_BATCH) st = flush_done_locked(j, err);
    pthread_mutex_unlock(&j->done_mu);
    return st;
}

Status br_files_flush_done(BrJob *j, Error *err) {
    pthread_mutex_lock(&j->done_mu);
    Status st = flush_done_locked(j, err);
    pthread_mutex_unlock(&j->done_mu);
    return st;
}

/* ---------------------------------------------------------------- digests */

bool br_digest_get(int64_t rowset_id, const char *name, int64_t *size, char sha256[65]) {
    bool found = false;
    Error err = ERROR_INIT;
    meta_lock();
    sqlite3_stmt *q = NULL;
    if (!meta_prepare(&err, &q, "SELECT size, sha256 FROM br_digest WHERE rowset_id = ? AND name = ?", "it",
                      rowset_id, name)) {
        bool row = false;
        if (!meta_step(q, &row, &err) && row) {
            *size = meta_col_int(q, 0);
            snprintf(sha256, 65, "%s", meta_col_text(q, 1));
            found = strlen(sha256) == 64;
        }
    }
    meta_finalize(q);
    meta_unlock();
    return found;
}

void br_digest_put(int64_t rowset_id, const char *name, int64_t size, const char *sha256) {
    Error err = ERROR_INIT;
    if (meta_run(&err, "INSERT OR REPLACE INTO br_digest(rowset_id, name, size, sha256) VALUES(?, ?, ?, ?)",
                 "itit", rowset_id, name, size, sha256))
        log_warn("cannot cache a file digest: %s", err.msg);
}

Status br_file_sha256(const char *path, int64_t *size, char out[65], Error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return err_set(err, ERR_IO, "cannot open %s: %s", path, strerror(errno));
    HashSha256 *h = hash_sha256_new();
    enum { BUF = 1 << 20 };
    char *buf = malloc(BUF);
    int64_t total = 0;
    Status st = STATUS_OK;
    for (;;) {
        ssize_t n = read(fd, buf, BUF);
        if (n < 0) {
            if (errno == EINTR) continue;
            st = err_set(err, ERR_IO, "cannot read %s: %s", path, strerror(errno));
            break;
        }
        if (n == 0) break;
        hash_sha256_update(h, buf, (size_t)n);
        total += n;
    }
    uint8_t d[32];
    hash_sha256_final(h, d);
    hash_hex(d, 32, out);
    *size = total;
    free(buf);
    close(fd);
    return st;
}

/* ---------------------------------------------------------------- names and layout */

void br_object_name(const char *sha256, const char *codec, const uint8_t *key, StrBuf *out) {
    char name[65];
    if (key) {
        uint8_t mac[32];
        unsigned int len = sizeof mac;
        HMAC(EVP_sha256(), key, 32, (const unsigned char *)sha256, strlen(sha256), mac, &len);
        hash_hex(mac, 32, name);
    } else {
        snprintf(name, sizeof name, "%s", sha256);
    }
    sb_appendf(out, "data/%.2s/%s", name, name);
    if (codec && !strcmp(codec, "zstd")) sb_append(out, ".zst");
    if (key) sb_append(out, ".enc");
}

void br_key_check(const uint8_t key[32], char out[65]) {
    uint8_t mac[32];
    unsigned int len = sizeof mac;
    static const char tag[] = "cairn snapshot key check";
    HMAC(EVP_sha256(), key, 32, (const unsigned char *)tag, sizeof tag - 1, mac, &len);
    hash_hex(mac, 32, out);
}

void br_snapshot_dir(const Repo *r, const char *label, const char *ts, StrBuf *out) {
    repo_path(r, out, "snapshots/%s/%s", label, ts);
}

/* ---------------------------------------------------------------- worker pool */

typedef struct Pool {
    BrJob *job;
    int n;
    _Atomic int next;
    _Atomic int failed;
    Status (*fn)(void *ctx, int i, Error *err);
    void *ctx;
    pthread_mutex_t mu;
    Error first;
} Pool;

static void *pool_worker(void *arg) {
    Pool *p = arg;
    for (;;) {
        if (atomic_load(&p->failed) || br_job_cancelled(p->job) || br_shutting_down()) break;
        int i = atomic_fetch_add(&p->next, 1);
        if (i >= p->n) break;
        Error e = ERROR_INIT;
        if (p->fn(p->ctx, i, &e)) {
            pthread_mutex_lock(&p->mu);
            if (!atomic_load(&p->failed)) p->first = e;
            atomic_store(&p->failed, 1);
            pthread_mutex_unlock(&p->mu);
            break;
        }
    }
    return NULL;
}

Status br_run_pool(BrJob *job, int nworkers, int n, Status (*fn)(void *ctx, int i, Error *err), void *ctx,
                   Error *err) {
    if (nworkers < 1) nworkers = 1;
    if (nworkers > 64) nworkers = 64;
    if (nworkers > n) nworkers = n ? n : 1;
    Pool p = {.job = job, .n = n, .fn = fn, .ctx = ctx};
    pthread_mutex_init(&p.mu, NULL);
    pthread_t *th = calloc((size_t)nworkers, sizeof *th);
    int started = 0;
    for (int i = 0; i < nworkers; i++)
        if (pthread_create(&th[i], NULL, pool_worker, &p) == 0) started++;
    if (!started) pool_worker(&p);
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
    free(th);
    pthread_mutex_destroy(&p.mu);
    if (atomic_load(&p.failed)) return err_copy(err, &p.first);
    if (br_shutting_down()) return err_set(err, ERR_QUERY_INTERRUPTED, "the server is shutting down");
    if (br_job_cancelled(job)) return err_set(err, ERR_QUERY_INTERRUPTED, "the job was cancelled");
    return STATUS_OK;
}

static RateLimiter *limiter(RateLimiter **slot, const char *key) {
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    int64_t kbps = config_get_int(key);
    pthread_mutex_lock(&mu);
    if (!*slot) *slot = rate_limiter_new(kbps > 0 ? kbps * 1024 : 0, 0);
    else rate_limiter_set_rate(*slot, kbps > 0 ? kbps * 1024 : 0);
    pthread_mutex_unlock(&mu);
    return *slot;
}

RateLimiter *br_upload_limiter(void) {
    static RateLimiter *rl;
    return limiter(&rl, "max_upload_speed_kbps");
}

RateLimiter *br_download_limiter(void) {
    static RateLimiter *rl;
    return limiter(&rl, "max_download_speed_kbps");
}
