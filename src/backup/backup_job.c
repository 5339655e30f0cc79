/* The BACKUP state machine:
 *   PENDING -> SNAPSHOTING -> UPLOAD_SNAPSHOT -> UPLOADING -> SAVE_META -> UPLOAD_INFO -> FINISHED
 * and CANCELLED from any state before FINISHED. Every transition is committed before the next state's work,
 * so a restart resumes the job: PENDING and SNAPSHOTING redo the snapshot (releasing any pins of the lost
 * attempt); UPLOAD_SNAPSHOT and UPLOADING continue with the files not yet marked done (objects are named by
 * content, so re-uploading is idempotent); SAVE_META and UPLOAD_INFO redo their writes.
 *
 * SNAPSHOTING takes the catalog read lock once for ALL chosen tables, so a database snapshot is a single
 * point in time across tables; the visible rowsets are pinned durably (rowset_pin) in that critical section,
 * so compaction, DROP and TRUNCATE cannot delete their files until the job ends. Loads go on meanwhile:
 * they add rowsets with newer versions, which the snapshot does not see. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup/access_backup.h"
#include "backup/br_files.h"
#include "backup/br_stmt.h"
#include "backup/job.h"
#include "backup/manifest.h"
#include "backup/repo.h"
#include "catalog/catalog.h"
#include "catalog/meta_store.h"
#include "http/metrics.h"
#include "server/config.h"
#include "util/clock.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/vec.h"

/* ---------------------------------------------------------------- SNAPSHOTING */

static bool spec_wants_partition(const json_t *obj, const char *name) {
    const json_t *parts = json_object_get(obj, "partitions");
    if (!json_is_array(parts) || json_array_size(parts) == 0) return true;
    size_t i;
    const json_t *p;
    json_array_foreach(parts, i, p) if (json_is_string(p) && !strcasecmp(json_string_value(p), name)) return true;
    return false;
}

typedef VEC(int64_t) IdVec;

/* Collects the files of every rowset in a table's JSON (as catalog_table_to_json wrote it), keeping only the
 * chosen partitions. */
static void collect_files(json_t *tj, const json_t *spec_obj, BrFileList *files, int *cap, IdVec *rowsets) {
    json_t *parts = json_object_get(tj, "partitions");
    if (!json_is_array(parts)) return;
    json_t *kept = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(parts, i, p) {
        const char *pname = json_string_value(json_object_get(p, "name"));
        if (!pname || !spec_wants_partition(spec_obj, pname)) continue;
        json_array_append(kept, p);
        size_t ti;
        json_t *tab;
        json_array_foreach(json_object_get(p, "tablets"), ti, tab) {
            int64_t tablet_id = json_integer_value(json_object_get(tab, "id"));
            size_t ri;
            json_t *rs;
            json_array_foreach(json_object_get(tab, "rowsets"), ri, rs) {
                int64_t rowset_id = json_integer_value(json_object_get(rs, "id"));
                vec_push(rowsets, rowset_id);
                size_t si;
                json_t *seg;
                json_array_foreach(json_object_get(rs, "segments"), si, seg) {
                    if (files->n == *cap) {
                        *cap = *cap ? *cap * 2 : 64;
                        files->items = realloc(files->items, (size_t)*cap * sizeof *files->items);
                    }
                    BrFile *f = &files->items[files->n];
                    memset(f, 0, sizeof *f);
                    f->seq = files->n;
                    f->tablet_id = tablet_id;
                    f->rowset_id = rowset_id;
                    f->name = strdup(json_string_value(json_object_get(seg, "name")) ?: "");
                    f->size = json_integer_value(json_object_get(seg, "size"));
                    /* the digest storage computed when it wrote the file, if the catalog has it */
                    const char *sha = json_string_value(json_object_get(seg, "sha256"));
                    if (sha && strlen(sha) == 64) memcpy(f->sha256, sha, 65);
                    f->object = strdup("");
                    files->n++;
                }
            }
        }
    }
    json_object_set_new(tj, "partitions", kept);
}

static Status step_snapshot(BrJob *j, Error *err) {
    /* A restarted job may hold pins and file rows of an earlier attempt: release them first. */
    if (catalog_unpin_job(j->id, err)) return STATUS_ERROR;
    if (br_files_delete(j->id, err)) return STATUS_ERROR;
    json_t *objects = json_array();
    BrFileList files = {0};
    int cap = 0;
    IdVec rowsets = {0};
    Status st = STATUS_OK;
    catalog_rdlock();
    CatDatabase *db = catalog_find_db_by_id(j->db_id);
    if (!db) st = err_set(err, ERR_BAD_DB, "database %s has been dropped", j->db_name);
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(j->spec, "objects"), i, o) {
        if (st) break;
        int64_t id = json_integer_value(json_object_get(o, "id"));
        const char *name = json_string_value(json_object_get(o, "name"));
        CatTable *t = catalog_find_table_by_id(id);
        if (!t || t->db_id != j->db_id || strcmp(t->name, name) != 0) {
            st = err_set(err, ERR_BAD_TABLE, "table %s does not exist", name);
            break;
        }
        if (catalog_check_table_usable(t, err)) {
            st = STATUS_ERROR;
            break;
        }
        json_t *tj = catalog_table_to_json(t, t->kind != TABLE_VIEW);
        collect_files(tj, o, &files, &cap, &rowsets);
        json_array_append_new(objects, tj);
    }
    /* pinned in the same critical section: nothing can change between choosing and pinning */
    if (!st && rowsets.len) st = catalog_pin_rowsets(j->id, rowsets.items, (int)rowsets.len, err);
    catalog_unlock();
    int64_t total = 0;
    for (int k = 0; k < files.n; k++) total += files.items[k].size;
    if (!st) st = meta_begin(err);
    if (!st) {
        st = br_files_insert(j->id, &files, err);
        if (!st) {
            pthread_mutex_lock(&j->mu);
            json_object_set(j->work, "objects", objects);
            pthread_mutex_unlock(&j->mu);
            j->t1_ms = clock_now_ms();
            atomic_store(&j->files_total, files.n);
            atomic_store(&j->bytes_total, total);
            atomic_store(&j->files_done, 0);
            atomic_store(&j->bytes_done, 0);
            atomic_store(&j->state, JS_UPLOAD_SNAPSHOT);
            st = br_job_save(j, err);
        }
        if (!st)
            st = meta_commit(err);
        else
            meta_rollback();
        if (st) atomic_store(&j->state, JS_SNAPSHOTING);
    }
    if (!st)
        log_info("backup job %lld: snapshot of %zu objects holds %d files, %lld bytes", (long long)j->id,
                 json_array_size(objects), files.n, (long long)total);
    if (!st) br_debug_pause(j, JS_UPLOAD_SNAPSHOT);
    json_decref(objects);
    br_files_free(&files);
    vec_free(&rowsets);
    return st;
}

/* ---------------------------------------------------------------- UPLOADING */

typedef struct UploadCtx {
    BrJob *job;
    Repo *repo;
    Fs *fs;
    BrFile **pending;
    const char *codec;
    const uint8_t *key;
    RateLimiter *rate;
} UploadCtx;

static Status upload_one(void *vctx, int i, Error *err) {
    UploadCtx *c = vctx;
    BrFile *f = c->pending[i];
    StrBuf local = STRBUF_INIT, obj = STRBUF_INIT;
    br_tablet_file_path(f->tablet_id, f->name, &local);
    Status st = STATUS_OK;
    int64_t size = f->size;
    if (strlen(f->sha256) != 64 && !br_digest_get(f->rowset_id, f->name, &size, f->sha256)) {
        st = br_file_sha256(sb_str(&local), &size, f->sha256, err);
        if (!st) br_digest_put(f->rowset_id, f->name, size, f->sha256);
    }
    if (!st) {
        f->size = size;
        StrBuf rel = STRBUF_INIT;
        br_object_name(f->sha256, c->codec, c->key, &rel);
        free(f->object);
        f->object = sb_detach(&rel);
        repo_path(c->repo, &obj, "%s", f->object);
        FsStat fst;
        st = fs_stat(c->fs, sb_str(&obj), &fst, err);
        if (!st && fst.exists && fst.size > 0) {
            f->stored_size = fst.size; /* the repository already holds this content */
            metrics_counter_add("cairn_backup_files_deduplicated_total",
                                "Data files a BACKUP did not upload because the repository held them", 1);
        } else if (!st) {
            FsXferOptions o = {.zstd_level = !strcmp(c->codec, "zstd") ? 3 : 0, .key = c->key, .rate = c->rate};
            FsXferResult res;
            st = fs_upload_file(c->fs, sb_str(&local), sb_str(&obj), &o, &res, err);
            if (!st && strcmp(res.plain_sha256, f->sha256) != 0)
                st = err_set(err, ERR_CORRUPT,
                             "%s is damaged: its content (sha256 %s) is not what was written (sha256 %s)",
                             sb_str(&local), res.plain_sha256, f->sha256);
            if (!st) {
                f->stored_size = res.stored_size;
                metrics_counter_add("cairn_backup_files_uploaded_total", "Data files uploaded by BACKUP", 1);
                metrics_counter_add("cairn_backup_bytes_uploaded_total", "Bytes stored in repositories by BACKUP",
                                    (double)res.stored_size);
            }
        }
    }
    st = br_file_finish(c->job, f, st, err);
    sb_free(&local);
    sb_free(&obj);
    return st;
}

static Status step_upload(BrJob *j, Repo *r, Error *err) {
    Fs *fs;
    if (repo_fs(r, &fs, err)) return STATUS_ERROR;
    BrFileList files;
    BrFile **pending;
    int npending;
    if (br_files_pending(j, &files, &pending, &npending, err)) return STATUS_ERROR;
    Status st = STATUS_OK;
    if ((BrState)atomic_load(&j->state) == JS_UPLOAD_SNAPSHOT) st = br_job_set_state(j, JS_UPLOADING, err);
    if (!st) {
        UploadCtx c = {.job = j,
                       .repo = r,
                       .fs = fs,
                       .pending = pending,
                       .codec = json_string_value(json_object_get(j->spec, "compression")) ?: "none",
                       .key = j->has_key ? j->key : NULL,
                       .rate = br_upload_limiter()};
        st = br_run_pool(j, (int)config_get_int("upload_worker_count"), npending, upload_one, &c, err);
        Error e2 = ERROR_INIT;
        if (br_files_flush_done(j, &e2) && !st) st = err_copy(err, &e2);
    }
    if (!st) {
        j->t2_ms = clock_now_ms();
        st = br_job_set_state(j, JS_SAVE_META, err);
    }
    free(pending);
    br_files_free(&files);
    return st;
}

/* ---------------------------------------------------------------- SAVE_META, UPLOAD_INFO */

static void local_job_dir(const BrJob *j, StrBuf *out) {
    sb_appendf(out, "%s/backup/%lld", config_get("data_dir"), (long long)j->id);
}

static Status step_save_meta(BrJob *j, Repo *r, Error *err) {
    BrFileList files;
    if (br_files_load(j->id, &files, err)) return STATUS_ERROR;
    json_t *manifest = NULL;
    Status st = manifest_build(j, &files, &manifest, err);
    json_t *access = NULL;
    if (!st && json_is_true(json_object_get(j->spec, "include_users"))) st = access_backup_save(j, r, &access, err);
    if (access) json_object_set_new(manifest, "access", access);
    StrBuf dir = STRBUF_INIT, path = STRBUF_INIT;
    local_job_dir(j, &dir);
    sb_appendf(&path, "%s/manifest.json", sb_str(&dir));
    if (!st) st = manifest_write_local(manifest, sb_str(&dir), sb_str(&path), err);
    if (!st) st = br_job_set_state(j, JS_UPLOAD_INFO, err);
    json_decref(manifest);
    br_files_free(&files);
    sb_free(&dir);
    sb_free(&path);
    return st;
}

static Status step_upload_info(BrJob *j, Repo *r, Error *err) {
    Fs *fs;
    if (repo_fs(r, &fs, err)) return STATUS_ERROR;
    StrBuf dir = STRBUF_INIT, local = STRBUF_INIT, remote = STRBUF_INIT, body = STRBUF_INIT;
    local_job_dir(j, &dir);
    sb_appendf(&local, "%s/manifest.json", sb_str(&dir));
    br_snapshot_dir(r, j->label, j->timestamp, &remote);
    size_t base = remote.len;
    sb_append(&remote, "/manifest.json");
    Status st = manifest_read_local(sb_str(&local), &body, err);
    json_t *manifest = NULL;
    if (!st) st = manifest_parse(sb_str(&body), body.len, &manifest, err);
    if (!st) st = fs_write_all(fs, sb_str(&remote), body.data, body.len, err);
    if (!st) {
        json_t *info = info_build(j, manifest, body.data, body.len);
        char *text = json_dumps(info, JSON_INDENT(1) | JSON_SORT_KEYS);
        remote.len = base;
        sb_append(&remote, "/info.json");
        /* info.json last: its presence is what makes the snapshot exist */
        st = fs_write_all(fs, sb_str(&remote), text, strlen(text), err);
        free(text);
        json_decref(info);
    }
    json_decref(manifest);
    if (!st) {
        Error e2 = ERROR_INIT;
        if (catalog_unpin_job(j->id, &e2)) log_warn("backup job %lld: releasing pins: %s", (long long)j->id, e2.msg);
        if (br_files_delete(j->id, &e2)) log_warn("backup job %lld: %s", (long long)j->id, e2.msg);
        unlink(sb_str(&local));
        rmdir(sb_str(&dir));
        st = br_job_set_state(j, JS_FINISHED, err);
        if (!st) repo_apply_retention(r, j->id);
    }
    sb_free(&dir);
    sb_free(&local);
    sb_free(&remote);
    sb_free(&body);
    return st;
}

/* ---------------------------------------------------------------- CANCELLED */

static void backup_cancel(BrJob *j, Repo *r) {
    Error err = ERROR_INIT;
    /* Nothing of the snapshot may stay visible: drop its folder (data objects are shared by content and stay
     * until DROP SNAPSHOT sweeps unreferenced ones). */
    if (r && j->timestamp[0]) {
        Fs *fs;
        StrBuf dir = STRBUF_INIT;
        br_snapshot_dir(r, j->label, j->timestamp, &dir);
        if (repo_fs(r, &fs, &err) || fs_remove_prefix(fs, sb_str(&dir), &err))
            log_warn("backup job %lld: cannot remove %s: %s", (long long)j->id, sb_str(&dir), err.msg);
        sb_free(&dir);
    }
    StrBuf local = STRBUF_INIT;
    local_job_dir(j, &local);
    sb_append(&local, "/manifest.json");
    unlink(sb_str(&local));
    local.len -= strlen("/manifest.json");
    local.data[local.len] = '\0';
    rmdir(sb_str(&local));
    sb_free(&local);
    if (catalog_unpin_job(j->id, &err)) log_warn("backup job %lld: releasing pins: %s", (long long)j->id, err.msg);
    if (br_files_delete(j->id, &err)) log_warn("backup job %lld: %s", (long long)j->id, err.msg);
    br_job_commit_cancelled(j);
}

/* ---------------------------------------------------------------- the loop */

void backup_job_run(BrJob *j) {
    Repo *r = repo_acquire_id(j->repo_id);
    if (!r) br_job_request_cancel(j, "COMMON_ERROR", "failed to get repository: %lld", (long long)j->repo_id);
    if (json_is_true(json_object_get(j->spec, "encrypted")) && !j->has_key)
        br_job_request_cancel(j, "COMMON_ERROR",
                              "the encryption key is kept only in memory and was lost when cairn restarted; "
                              "run the backup again");
    int failures = 0;
    while (!br_shutting_down()) {
        BrState s = (BrState)atomic_load(&j->state);
        if (br_state_final(s)) break;
        if (br_job_cancelled(j)) {
            backup_cancel(j, r);
            break;
        }
        Error err = ERROR_INIT;
        Status st = STATUS_OK;
        switch (s) {
        case JS_PENDING: st = br_job_set_state(j, JS_SNAPSHOTING, &err); break;
        case JS_SNAPSHOTING: st = step_snapshot(j, &err); break;
        case JS_UPLOAD_SNAPSHOT:
        case JS_UPLOADING: st = step_upload(j, r, &err); break;
        case JS_SAVE_META: st = step_save_meta(j, r, &err); break;
        case JS_UPLOAD_INFO: st = step_upload_info(j, r, &err); break;
        default: st = err_set(&err, ERR_INTERNAL, "backup job in state %s", br_state_name(s));
        }
        if (!st) {
            failures = 0;
            continue;
        }
        if (br_shutting_down()) break;
        if (br_job_cancelled(j)) continue;
        /* Writing the info file is retried until the timeout when the storage may recover (StarRocks retries it
         * whatever the error); refused credentials, missing buckets and other failures end the job at once. */
        ErrClass cls = err_class(err.code);
        if (s == JS_UPLOAD_INFO && ++failures < 1000 && (cls == ERRCLASS_TRANSIENT || cls == ERRCLASS_IO)) {
            br_job_task_error(j, "%s", err.msg);
            log_warn("backup job %lld: %s (retrying)", (long long)j->id, err.msg);
            clock_sleep_ms(failures < 10 ? 500 : 5000);
            continue;
        }
        log_warn("backup job %lld failed in %s: %s", (long long)j->id, br_state_name(s), err.msg);
        br_job_request_cancel(j, "COMMON_ERROR", "%s", err.msg);
    }
    repo_release(r);
}
