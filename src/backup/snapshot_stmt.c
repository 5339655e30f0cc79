/* SHOW SNAPSHOT (read from the repository itself, so every instance sees the same list), and cairn's own
 * DROP SNAPSHOT (deletes a snapshot, then sweeps data objects no snapshot references any more) and
 * VERIFY SNAPSHOT (re-reads every data object of a snapshot and checks every checksum). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup/br_files.h"
#include "backup/br_stmt.h"
#include "backup/job.h"
#include "backup/manifest.h"
#include "backup/repo.h"
#include "catalog/privilege.h"
#include "server/config.h"
#include "storage/segment_reader.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/str.h"
#include "util/vec.h"

/* ---------------------------------------------------------------- listing */

typedef VEC(char *) NameVec;

static void names_free(NameVec *v) {
    for (size_t i = 0; i < v->len; i++) free(v->items[i]);
    vec_free(v);
}

/* The labels in the repository (sorted, unique). */
static Status list_labels(Repo *r, Fs *fs, NameVec *out, Error *err) {
    SnapList l;
    if (snapshot_scan(r, fs, NULL, &l, err)) return STATUS_ERROR;
    for (size_t i = 0; i < l.n; i++)
        if (!out->len || strcmp(vec_last(out), l.items[i].label) != 0) vec_push(out, strdup(l.items[i].label));
    snapshot_list_free(&l);
    return STATUS_OK;
}

/* The timestamps of a label: complete ones (with info.json) into complete, all of them into all (may be NULL);
 * *any = whether the label has any folder. */
static Status label_timestamps_all(Repo *r, Fs *fs, const char *label, NameVec *complete, NameVec *all, bool *any,
                                   Error *err) {
    SnapList l;
    if (snapshot_scan(r, fs, label, &l, err)) return STATUS_ERROR;
    *any = l.n > 0;
    for (size_t i = 0; i < l.n; i++) {
        if (l.items[i].complete) vec_push(complete, strdup(l.items[i].ts));
        if (all) vec_push(all, strdup(l.items[i].ts));
    }
    snapshot_list_free(&l);
    return STATUS_OK;
}

static Status label_timestamps(Repo *r, Fs *fs, const char *label, NameVec *complete, bool *any, Error *err) {
    return label_timestamps_all(r, fs, label, complete, NULL, any, err);
}

/* ---------------------------------------------------------------- SHOW SNAPSHOT */

static const char *WHERE_HINT =
    "Where clause should looks like: SNAPSHOT = 'your_snapshot_name' [AND TIMESTAMP = '2018-04-18-19-19-10']";

static bool column_is(const Expr *e, const char *name) {
    return e && e->kind == EXPR_COLUMN && !e->qual_table && str_ieq(e->text, name);
}

static bool string_lit(const Expr *e) {
    return e && e->kind == EXPR_STRING && e->text && *e->text;
}

/* SNAPSHOT = 'x' or TIMESTAMP = 't' */
static bool where_eq(const Expr *e, const char **snap, const char **ts) {
    if (!e || e->kind != EXPR_BINARY || e->op != OP_EQ || !string_lit(e->right)) return false;
    if (column_is(e->left, "snapshot") && !*snap) {
        *snap = e->right->text;
        return true;
    }
    if (column_is(e->left, "timestamp") && !*ts) {
        *ts = e->right->text;
        return true;
    }
    return false;
}

static Status parse_where(const Expr *w, const char **snap, const char **ts, NameVec *in, Error *err) {
    *snap = *ts = NULL;
    if (!w) return STATUS_OK;
    if (w->kind == EXPR_IN_LIST && !w->negated && column_is(w->left, "snapshot") && w->nargs > 0) {
        for (int i = 0; i < w->nargs; i++) {
            if (!string_lit(w->args[i])) return err_set(err, ERR_COMMON, "%s", WHERE_HINT);
            vec_push(in, strdup(w->args[i]->text));
        }
        return STATUS_OK;
    }
    if (w->kind == EXPR_BINARY && w->op == OP_AND) {
        if (where_eq(w->left, snap, ts) && where_eq(w->right, snap, ts) && *snap && *ts) return STATUS_OK;
    } else if (where_eq(w, snap, ts) && *snap) {
        return STATUS_OK;
    }
    return err_set(err, ERR_COMMON, "%s", WHERE_HINT);
}

typedef struct Cells {
    VEC(char *) v;
} Cells;

static void cell(Cells *c, const char *s) {
    vec_push(&c->v, s ? strdup(s) : NULL);
}

static void cells_free(Cells *c) {
    for (size_t i = 0; i < c->v.len; i++) free(c->v.items[i]);
    vec_free(&c->v);
}

static Status show_one_label(Repo *r, Fs *fs, const char *label, Cells *c, Error *err) {
    NameVec complete = {0};
    bool any = false;
    Status st = br_check_label(label, err) ? STATUS_OK : label_timestamps(r, fs, label, &complete, &any, err);
    err_clear(err);
    if (st) return st;
    cell(c, label);
    StrBuf ts = STRBUF_INIT;
    for (size_t i = 0; i < complete.len; i++) {
        if (i) sb_putc(&ts, '\n');
        sb_append(&ts, complete.items[i]);
    }
    cell(c, sb_str(&ts));
    cell(c, complete.len ? "OK" : "ERROR: no snapshot");
    sb_free(&ts);
    names_free(&complete);
    return STATUS_OK;
}

Status show_snapshot_stmt(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    const ShowStmt *sh = &stmt->u.show;
    if (priv_check_admin(s, err)) return STATUS_ERROR;
    Repo *r = repo_acquire(sh->repo);
    if (!r) return err_set(err, ERR_COMMON, "Repository %s does not exist", sh->repo ? sh->repo : "");
    const char *snap, *ts;
    NameVec in = {0};
    Cells c = {0};
    Fs *fs = NULL;
    Status st = parse_where(sh->where, &snap, &ts, &in, err);
    if (!st) st = repo_fs(r, &fs, err);
    if (!st && ts) {
        ResultColumn cols[] = {result_col_varchar("Snapshot"), result_col_varchar("Timestamp"),
                               result_col_varchar("Database"), result_col_varchar("Details"),
                               result_col_varchar("Status")};
        json_t *info = NULL, *manifest = NULL;
        Error e2 = ERROR_INIT;
        cell(&c, snap);
        cell(&c, ts);
        if (br_check_label(snap, &e2) || snapshot_read(r, snap, ts, &info, &manifest, &e2)) {
            cell(&c, NULL);
            cell(&c, NULL);
            StrBuf m = STRBUF_INIT;
            sb_appendf(&m, "Failed to get info: %s", e2.msg);
            cell(&c, sb_str(&m));
            sb_free(&m);
        } else {
            cell(&c, json_string_value(json_object_get(info, "database")));
            json_t *brief = info_brief(info);
            char *text = json_dumps(brief, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
            cell(&c, text);
            free(text);
            json_decref(brief);
            cell(&c, "OK");
        }
        json_decref(info);
        json_decref(manifest);
        st = result_send_table(out, cols, 5, (const char *const *)c.v.items, 1, err);
    } else if (!st) {
        ResultColumn cols[] = {result_col_varchar("Snapshot"), result_col_varchar("Timestamp"),
                               result_col_varchar("Status")};
        NameVec labels = {0};
        if (snap)
            vec_push(&labels, strdup(snap));
        else if (in.len)
            for (size_t i = 0; i < in.len; i++) vec_push(&labels, strdup(in.items[i]));
        else if (list_labels(r, fs, &labels, err))
            st = err_prefix(err, "Failed to list snapshot in repo: %s, err: ", r->name);
        for (size_t i = 0; i < labels.len && !st; i++) st = show_one_label(r, fs, labels.items[i], &c, err);
        if (!st) st = result_send_table(out, cols, 3, (const char *const *)c.v.items, (int)(c.v.len / 3), err);
        names_free(&labels);
    }
    cells_free(&c);
    names_free(&in);
    repo_release(r);
    return st;
}

/* ---------------------------------------------------------------- object references */

/* Adds every data object a manifest references to set (a JSON object used as a set). */
static void manifest_objects(const json_t *manifest, json_t *set) {
    size_t oi, pi, ti, ri, si;
    json_t *o, *p, *t, *rs, *seg;
    json_array_foreach(json_object_get(manifest, "objects"), oi, o)
        json_array_foreach(json_object_get(o, "partitions"), pi, p)
            json_array_foreach(json_object_get(p, "tablets"), ti, t)
                json_array_foreach(json_object_get(t, "rowsets"), ri, rs)
                    json_array_foreach(json_object_get(rs, "segments"), si, seg) {
        const char *obj = json_string_value(json_object_get(seg, "object"));
        if (obj) json_object_set_new(set, obj, json_true());
    }
}

typedef struct Sweep {
    Repo *repo;
    Fs *fs;
    json_t *keep;
    int64_t cutoff_ms;
    int64_t removed, removed_bytes, kept_recent;
    Status st;
    Error err;
} Sweep;

static Status sweep_entry(void *ctx, const FsEntry *e, Error *err) {
    Sweep *sw = ctx;
    StrBuf rel = STRBUF_INIT, full = STRBUF_INIT;
    sb_appendf(&rel, "data/%s", e->path);
    Status st = STATUS_OK;
    if (!json_object_get(sw->keep, sb_str(&rel))) {
        if (e->mtime_ms > sw->cutoff_ms) {
            sw->kept_recent++; /* may belong to a backup still running elsewhere */
        } else {
            repo_path(sw->repo, &full, "%s", sb_str(&rel));
            st = fs_remove(sw->fs, sb_str(&full), err);
            if (!st) {
                sw->removed++;
                sw->removed_bytes += e->size;
            }
        }
    }
    sb_free(&rel);
    sb_free(&full);
    return st;
}

/* Deletes data objects that no complete snapshot references. Objects younger than snapshot_sweep_grace_s
 * (one hour) are kept: another instance sharing the repository may be uploading a snapshot that will
 * reference them. */
Status snapshot_sweep(Repo *r, Fs *fs, int64_t *removed, int64_t *removed_bytes, Error *err) {
    json_t *keep = json_object();
    NameVec labels = {0};
    Status st = list_labels(r, fs, &labels, err);
    for (size_t i = 0; i < labels.len && !st; i++) {
        NameVec ts = {0};
        bool any;
        st = label_timestamps(r, fs, labels.items[i], &ts, &any, err);
        for (size_t k = 0; k < ts.len && !st; k++) {
            json_t *info = NULL, *m = NULL;
            st = snapshot_read(r, labels.items[i], ts.items[k], &info, &m, err);
            if (st) err_prefix(err, "refusing to sweep data: snapshot %s/%s cannot be read: ", labels.items[i],
                               ts.items[k]);
            if (!st) manifest_objects(m, keep);
            json_decref(info);
            json_decref(m);
        }
        names_free(&ts);
    }
    names_free(&labels);
    Sweep sw = {.repo = r, .fs = fs, .keep = keep, .cutoff_ms = clock_now_ms() - config_get_int("snapshot_sweep_grace_s") * 1000};
    if (!st) {
        StrBuf data = STRBUF_INIT;
        repo_path(r, &data, "data");
        st = fs_list(fs, sb_str(&data), true, sweep_entry, &sw, err);
        sb_free(&data);
    }
    json_decref(keep);
    *removed = sw.removed;
    *removed_bytes = sw.removed_bytes;
    return st;
}

/* ---------------------------------------------------------------- DROP SNAPSHOT */

Status snapshot_drop_folder(Repo *r, Fs *fs, const char *label, const char *ts, Error *err) {
    StrBuf dir = STRBUF_INIT, info = STRBUF_INIT;
    br_snapshot_dir(r, label, ts, &dir);
    sb_appendf(&info, "%s/info.json", sb_str(&dir));
    /* info.json first: from that instant the snapshot no longer exists for any reader */
    Status st = fs_remove(fs, sb_str(&info), err);
    if (!st) st = fs_remove_prefix(fs, sb_str(&dir), err);
    sb_free(&dir);
    sb_free(&info);
    return st;
}

Status drop_snapshot_stmt(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    const SnapshotStmt *d = &stmt->u.snapshot;
    if (priv_check_admin(s, err)) return STATUS_ERROR;
    Repo *r = repo_acquire(d->repo);
    if (!r) return err_set(err, ERR_COMMON, "Repository does not exist: %s", d->repo ? d->repo : "");
    Fs *fs = NULL;
    NameVec complete = {0};
    bool any = false;
    Status st = STATUS_OK;
    if (r->read_only) st = err_set(err, ERR_COMMON, "Repository %s is read only", r->name);
    if (!st) st = br_check_label(d->label, err);
    if (!st && d->timestamp && (strchr(d->timestamp, '/') || strstr(d->timestamp, "..") || !*d->timestamp))
        st = err_set(err, ERR_COMMON, "Invalid snapshot timestamp '%s'", d->timestamp);
    if (!st && br_jobs_using_label(r->id, d->label))
        st = err_set(err, ERR_JOB_CONFLICT, "Can not drop snapshot %s: a backup or restore job is using it", d->label);
    if (!st) st = repo_fs(r, &fs, err);
    NameVec all = {0};
    if (!st) st = label_timestamps_all(r, fs, d->label, &complete, &all, &any, err);
    if (!st && !any) st = err_set(err, ERR_COMMON, "Snapshot does not exist in repository %s: %s", r->name, d->label);
    int dropped = 0;
    bool deleting = !st; /* storage failures from here on get the "Failed to delete" prefix */
    for (size_t i = 0; i < all.len && !st; i++) {
        if (d->timestamp && strcmp(d->timestamp, all.items[i]) != 0) continue;
        st = snapshot_drop_folder(r, fs, d->label, all.items[i], err);
        if (!st) dropped++;
    }
    if (!st && d->timestamp && !dropped)
        st = err_set(err, ERR_COMMON, "Snapshot %s has no timestamp %s in repository %s", d->label, d->timestamp,
                     r->name);
    if (!st && !d->timestamp) {
        StrBuf dir = STRBUF_INIT;
        repo_path(r, &dir, "snapshots/%s", d->label);
        st = fs_remove_prefix(fs, sb_str(&dir), err);
        sb_free(&dir);
    }
    int64_t removed = 0, removed_bytes = 0;
    if (!st) {
        bool busy = br_jobs_running_on_repo(r->id);
        if (!busy) {
            Error e2 = ERROR_INIT;
            if (snapshot_sweep(r, fs, &removed, &removed_bytes, &e2))
                log_warn("DROP SNAPSHOT %s: sweeping unreferenced data: %s", d->label, e2.msg);
        }
        log_info("snapshot %s dropped from repository %s (%d timestamps); %lld unreferenced data objects "
                 "(%lld bytes) removed%s",
                 d->label, r->name, dropped, (long long)removed, (long long)removed_bytes,
                 busy ? "; sweep skipped while a job runs on the repository" : "");
    }
    if (st && deleting && err->code != ERR_COMMON)
        err_prefix(err, "Failed to delete snapshot %s in repository %s: ", d->label, r->name);
    names_free(&complete);
    names_free(&all);
    repo_release(r);
    if (st) return st;
    char info[128];
    snprintf(info, sizeof info, "dropped %d snapshot(s); removed %lld unreferenced data files (%lld bytes)", dropped,
             (long long)removed, (long long)removed_bytes);
    return out->ok(out, (uint64_t)dropped, 0, info, err);
}

/* ---------------------------------------------------------------- VERIFY SNAPSHOT */

typedef struct VerifyObj {
    const char *object;
    const char *sha256;
    int64_t size;
    int64_t stored_size;
    int64_t nrows; /* -1 when the manifest does not say */
} VerifyObj;

typedef struct VerifyCtx {
    Repo *repo;
    Fs *fs;
    VerifyObj *objs;
    const char *codec;
    bool encrypted;
    _Atomic int64_t bad, bytes;
    pthread_mutex_t mu;
    StrBuf problems;
} VerifyCtx;

static Status verify_one(void *vctx, int i, Error *err) {
    VerifyCtx *c = vctx;
    VerifyObj *o = &c->objs[i];
    StrBuf path = STRBUF_INIT;
    repo_path(c->repo, &path, "%s", o->object);
    Error e = ERROR_INIT;
    Status st = STATUS_OK;
    if (c->encrypted) {
        /* without the key only presence and size can be checked */
        FsStat fst;
        st = fs_stat(c->fs, sb_str(&path), &fst, &e);
        if (!st && !fst.exists) st = err_set(&e, ERR_FS_NOT_FOUND, "%s is missing", o->object);
        if (!st && fst.size != o->stored_size)
            st = err_set(&e, ERR_CORRUPT, "%s has %lld bytes, the manifest records %lld", o->object,
                         (long long)fst.size, (long long)o->stored_size);
    } else {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s/tmp", config_get("data_dir"));
        mkdir(tmp, 0755);
        snprintf(tmp, sizeof tmp, "%s/tmp/verify-%d-%lld", config_get("data_dir"), i, (long long)clock_now_us());
        FsXferOptions xo = {.zstd_level = !strcmp(c->codec, "zstd") ? 3 : 0, .rate = br_download_limiter()};
        FsXferResult res;
        st = fs_download_file(c->fs, sb_str(&path), tmp, &xo, o->sha256, &res, &e);
        if (!st && res.plain_size != o->size)
            st = err_set(&e, ERR_CORRUPT, "%s holds %lld bytes, the manifest records %lld", o->object,
                         (long long)res.plain_size, (long long)o->size);
        /* beyond the digest: every page and the footer of the segment file check out, and it holds the rows the
         * manifest says (a file that was already damaged on disk when it was backed up is caught here) */
        SegmentVerifyInfo vi;
        if (!st && segment_verify_file(tmp, &vi, &e)) err_prefix(&e, "%s: ", o->object), st = STATUS_ERROR;
        if (!st && o->nrows >= 0 && (int64_t)vi.nrows != o->nrows)
            st = err_set(&e, ERR_CORRUPT, "%s holds %llu rows, the manifest records %lld", o->object,
                         (unsigned long long)vi.nrows, (long long)o->nrows);
        unlink(tmp);
    }
    atomic_fetch_add(&c->bytes, o->size);
    if (st) {
        atomic_fetch_add(&c->bad, 1);
        pthread_mutex_lock(&c->mu);
        if (c->problems.len < 8000) sb_appendf(&c->problems, "%s%s", c->problems.len ? "\n" : "", e.msg);
        pthread_mutex_unlock(&c->mu);
    }
    sb_free(&path);
    return STATUS_OK; /* keep going: report every problem */
}

Status verify_snapshot_stmt(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    const SnapshotStmt *v = &stmt->u.snapshot;
    if (priv_check_admin(s, err)) return STATUS_ERROR;
    if (br_check_label(v->label, err)) return STATUS_ERROR;
    Repo *r = repo_acquire(v->repo);
    if (!r) return err_set(err, ERR_COMMON, "Repository %s does not exist", v->repo ? v->repo : "");
    Fs *fs = NULL;
    NameVec ts = {0};
    bool any = false;
    Cells c = {0};
    Status st = repo_fs(r, &fs, err);
    if (!st) st = label_timestamps(r, fs, v->label, &ts, &any, err);
    if (!st && !any) st = err_set(err, ERR_COMMON, "Snapshot does not exist in repository %s: %s", r->name, v->label);
    for (size_t i = 0; i < ts.len && !st; i++) {
        if (v->timestamp && strcmp(v->timestamp, ts.items[i]) != 0) continue;
        json_t *info = NULL, *m = NULL;
        Error e2 = ERROR_INIT;
        cell(&c, v->label);
        cell(&c, ts.items[i]);
        if (snapshot_read(r, v->label, ts.items[i], &info, &m, &e2)) {
            cell(&c, "0");
            cell(&c, "0");
            cell(&c, "ERROR");
            cell(&c, e2.msg);
            continue;
        }
        json_t *set = json_object();
        VEC(VerifyObj) objs = {0};
        size_t oi, pi, ti, ri, si;
        json_t *o, *p, *t, *rs, *seg;
        json_array_foreach(json_object_get(m, "objects"), oi, o)
            json_array_foreach(json_object_get(o, "partitions"), pi, p)
                json_array_foreach(json_object_get(p, "tablets"), ti, t)
                    json_array_foreach(json_object_get(t, "rowsets"), ri, rs)
                        json_array_foreach(json_object_get(rs, "segments"), si, seg) {
            const char *obj = json_string_value(json_object_get(seg, "object"));
            if (!obj || json_object_get(set, obj)) continue;
            json_object_set_new(set, obj, json_true());
            VerifyObj vo = {obj, json_string_value(json_object_get(seg, "sha256")),
                            json_integer_value(json_object_get(seg, "size")),
                            json_integer_value(json_object_get(seg, "stored_size")),
                            json_object_get(seg, "nrows") ? json_integer_value(json_object_get(seg, "nrows")) : -1};
            vec_push(&objs, vo);
        }
        VerifyCtx vc = {.repo = r,
                        .fs = fs,
                        .objs = objs.items,
                        .codec = json_string_value(json_object_get(m, "compression")) ?: "none",
                        .encrypted = json_object_get(m, "encryption") != NULL};
        pthread_mutex_init(&vc.mu, NULL);
        BrJob *tmpjob = br_job_new(JOB_BACKUP);
        Error pe = ERROR_INIT;
        if (br_run_pool(tmpjob, (int)config_get_int("download_worker_count"), (int)objs.len, verify_one, &vc, &pe))
            log_warn("VERIFY SNAPSHOT %s: %s", v->label, pe.msg);
        char num[32];
        snprintf(num, sizeof num, "%zu", objs.len);
        cell(&c, num);
        snprintf(num, sizeof num, "%lld", (long long)atomic_load(&vc.bytes));
        cell(&c, num);
        cell(&c, atomic_load(&vc.bad) ? "ERROR" : "OK");
        cell(&c, vc.problems.len ? sb_str(&vc.problems) : (vc.encrypted ? "encrypted: presence and sizes checked" : ""));
        sb_free(&vc.problems);
        pthread_mutex_destroy(&vc.mu);
        br_job_free(tmpjob);
        vec_free(&objs);
        json_decref(set);
        json_decref(info);
        json_decref(m);
    }
    if (!st) {
        ResultColumn cols[] = {result_col_varchar("Snapshot"), result_col_varchar("Timestamp"),
                               result_col_bigint("Files"),     result_col_bigint("Bytes"),
                               result_col_varchar("Status"),   result_col_varchar("Details")};
        st = result_send_table(out, cols, 6, (const char *const *)c.v.items, (int)(c.v.len / 6), err);
    }
    cells_free(&c);
    names_free(&ts);
    repo_release(r);
    return st;
}
