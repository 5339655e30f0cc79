/* BACKUP (both syntaxes), SHOW BACKUP / SHOW RESTORE and CANCEL BACKUP / CANCEL RESTORE. The statement checks
 * everything it can before anything is written (privilege, database, label, repository, properties, objects,
 * label uniqueness, one job per database), then submits an asynchronous job and returns at once. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backup/br_files.h"
#include "backup/br_stmt.h"
#include "backup/job.h"
#include "backup/repo.h"
#include "catalog/catalog.h"
#include "catalog/privilege.h"
#include "fs/io_filter.h"
#include "mv/mv.h"
#include "server/config.h"
#include "sql/execute.h"
#include "util/clock.h"
#include "util/str.h"
#include "util/vec.h"

/* ---------------------------------------------------------------- shared checks */

Status br_check_label(const char *label, Error *err) {
    if (!label || !*label) return err_set(err, ERR_WRONG_LABEL, "Incorrect label name ''");
    if (!str_is_identifier(label, 64))
        return err_set(err, ERR_WRONG_LABEL,
                       "Incorrect label name '%s': a snapshot name starts with a letter and holds only letters, "
                       "digits and '_' (at most 64 characters)",
                       label);
    return STATUS_OK;
}

Status br_parse_timeout(const char *v, int64_t *out, Error *err) {
    int64_t t;
    if (!str_to_int64(v, &t)) return err_set(err, ERR_COMMON, "Invalid timeout format: %s", v);
    int64_t min = config_get_int("backup_min_timeout_s");
    if (t < min) {
        if (min == 600) return err_set(err, ERR_COMMON, "timeout must be at least 10 min");
        return err_set(err, ERR_COMMON, "timeout must be at least %lld seconds", (long long)min);
    }
    *out = t;
    return STATUS_OK;
}

Status br_snapshot_label_exists(Repo *r, const char *label, bool *exists, Error *err) {
    Fs *fs;
    SnapList l;
    if (repo_fs(r, &fs, err) || snapshot_scan(r, fs, label, &l, err)) return STATUS_ERROR;
    *exists = false;
    for (size_t i = 0; i < l.n; i++) *exists |= l.items[i].complete;
    snapshot_list_free(&l);
    return STATUS_OK;
}

/* ---------------------------------------------------------------- BACKUP */

static const char *kind_str(CatTableKind k) {
    return k == TABLE_VIEW ? "VIEW" : k == TABLE_MV ? "MATERIALIZED_VIEW" : "TABLE";
}

static bool spec_has(json_t *objs, const char *name) {
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o) if (!strcmp(json_string_value(json_object_get(o, "name")), name)) return true;
    return false;
}

static json_t *spec_object(const CatTable *t) {
    return json_pack("{s:s, s:s, s:I}", "kind", kind_str(t->kind), "name", t->name, "id", (json_int_t)t->id);
}

/* Adds every object of `kind` not listed yet (ALL TABLES / ALL MATERIALIZED VIEWS / ALL VIEWS / no ON). */
static void add_all(const CatDatabase *db, CatTableKind kind, json_t *objs) {
    for (int i = 0; i < db->ntables; i++) {
        const CatTable *t = db->tables[i];
        if (t->kind != kind || t->state == TABLE_RESTORE_HIDDEN || spec_has(objs, t->name)) continue;
        json_array_append_new(objs, spec_object(t));
    }
}

static Status resolve_object(const CatDatabase *db, const BackupObj *bo, json_t *objs, Error *err) {
    switch (bo->kind) {
    case BOBJ_ALL_TABLES: add_all(db, TABLE_OLAP, objs); return STATUS_OK;
    case BOBJ_ALL_MVS: add_all(db, TABLE_MV, objs); return STATUS_OK;
    case BOBJ_ALL_VIEWS: add_all(db, TABLE_VIEW, objs); return STATUS_OK;
    case BOBJ_ALL_FUNCTIONS: return STATUS_OK; /* cairn has no user-defined functions to carry */
    case BOBJ_FUNCTION: return err_set(err, ERR_COMMON, "Invalid backup function(s), function name: %s", bo->name);
    default: break;
    }
    if (bo->alias)
        return err_set(err, ERR_COMMON, "Can not set alias for table in Backup Stmt: %s AS %s", bo->name, bo->alias);
    if (bo->db && strcasecmp(bo->db, db->name) != 0)
        return err_set(err, ERR_COMMON, "Table %s.%s is not in database %s: a backup covers one database", bo->db,
                       bo->name, db->name);
    CatTable *t = catalog_find_table(db, bo->name);
    if (!t) return err_set(err, ERR_BAD_TABLE, "Unknown table '%s'", bo->name);
    if (bo->kind == BOBJ_VIEW && t->kind != TABLE_VIEW)
        return err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is not VIEW", db->name, t->name);
    if (bo->kind == BOBJ_MV && t->kind != TABLE_MV)
        return err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is not MATERIALIZED VIEW", db->name, t->name);
    if (spec_has(objs, t->name)) return err_set(err, ERR_COMMON, "Duplicated table: %s", t->name);
    if (catalog_check_table_usable(t, err)) return STATUS_ERROR;
    if (bo->temp_partition) return err_set(err, ERR_COMMON, "Do not support backing up temp partitions");
    json_t *o = spec_object(t);
    if (bo->npartitions) {
        if (t->kind == TABLE_VIEW) {
            json_decref(o);
            return err_set(err, ERR_COMMON, "View %s has no partitions", t->name);
        }
        json_t *parts = json_array();
        for (int i = 0; i < bo->npartitions; i++) {
            CatPartition *p = catalog_find_partition(t, bo->partitions[i]);
            if (!p || p->is_temp) {
                json_decref(parts);
                json_decref(o);
                return err_set(err, ERR_UNKNOWN_PARTITION, "Unknown partition %s in table %s", bo->partitions[i],
                               t->name);
            }
            json_array_append_new(parts, json_string(p->name));
        }
        json_object_set_new(o, "partitions", parts);
    }
    json_array_append_new(objs, o);
    return STATUS_OK;
}

/* Tables first, then materialized views, then views: restore recreates what an object reads before it. */
static json_t *order_objects(json_t *objs) {
    json_t *ordered = json_array();
    const char *pass[] = {"TABLE", "MATERIALIZED_VIEW", "VIEW"};
    for (int k = 0; k < 3; k++) {
        size_t i;
        json_t *o;
        json_array_foreach(objs, i, o) if (!strcmp(json_string_value(json_object_get(o, "kind")), pass[k]))
            json_array_append(ordered, o);
    }
    json_decref(objs);
    return ordered;
}

static Status backup_stmt(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    const BackupStmt *b = &stmt->u.backup;
    if (priv_check_admin(s, err)) return STATUS_ERROR;
    if (b->database_form && b->label_has_db)
        return err_set(err, ERR_COMMON, "Name the database once: BACKUP DATABASE %s SNAPSHOT <label> (without a "
                       "database prefix on the label)", b->db ? b->db : "");
    const char *dbname = b->db ? b->db : s->db;
    if (!dbname || !*dbname) return err_set(err, ERR_NO_DB, "No database selected");
    if (br_check_label(b->label, err)) return STATUS_ERROR;
    if (!b->repo || !*b->repo) return err_set(err, ERR_COMMON, "Repository is empty");
    /* properties */
    int64_t timeout = config_get_int("backup_job_default_timeout_ms") / 1000;
    const char *compression = "none", *key_text = NULL;
    bool include_users = false;
    StrBuf unknown = STRBUF_INIT;
    for (int i = 0; i < b->props.n; i++) {
        const Property *p = &b->props.items[i];
        if (str_ieq(p->key, "type")) {
            if (!str_ieq(p->value, "full")) {
                sb_free(&unknown);
                return err_set(err, ERR_COMMON, "Invalid backup job type: %s", p->value);
            }
        } else if (str_ieq(p->key, "timeout")) {
            if (br_parse_timeout(p->value, &timeout, err)) {
                sb_free(&unknown);
                return STATUS_ERROR;
            }
        } else if (str_ieq(p->key, "compression")) {
            if (str_ieq(p->value, "zstd"))
                compression = "zstd";
            else if (str_ieq(p->value, "none"))
                compression = "none";
            else {
                sb_free(&unknown);
                return err_set(err, ERR_COMMON, "Invalid compression: %s (use \"zstd\" or \"none\")", p->value);
            }
        } else if (str_ieq(p->key, "include_users")) {
            if (!str_to_bool(p->value, &include_users)) {
                sb_free(&unknown);
                return err_set(err, ERR_COMMON, "Invalid include_users value: %s (use \"true\" or \"false\")", p->value);
            }
        } else if (str_ieq(p->key, "encryption_key")) {
            if (!*p->value) {
                sb_free(&unknown);
                return err_set(err, ERR_COMMON, "encryption_key is empty");
            }
            key_text = p->value;
        } else {
            sb_append(&unknown, unknown.len ? ", " : "");
            sb_append(&unknown, p->key);
        }
    }
    if (unknown.len) {
        err_set(err, ERR_COMMON, "Unknown backup job properties: [%s]", sb_str(&unknown));
        sb_free(&unknown);
        return STATUS_ERROR;
    }
    Repo *r = repo_acquire(b->repo);
    if (!r) return err_set(err, ERR_COMMON, "Repository %s does not exist", b->repo);
    json_t *objs = json_array();
    Status st = STATUS_OK;
    int64_t db_id = 0;
    char db_name[NAME_MAX_LEN + 1] = "";
    catalog_rdlock();
    CatDatabase *db = catalog_find_db(dbname);
    if (!db) st = err_set(err, ERR_BAD_DB, "Unknown database '%s'", dbname);
    if (!st) {
        db_id = db->id;
        snprintf(db_name, sizeof db_name, "%s", db->name);
        for (int i = 0; i < b->nobjs && !st; i++) st = resolve_object(db, &b->objs[i], objs, err);
        if (!st && b->nobjs == 0) {
            add_all(db, TABLE_OLAP, objs);
            add_all(db, TABLE_MV, objs);
            add_all(db, TABLE_VIEW, objs);
            if (json_array_size(objs) == 0) st = err_set(err, ERR_COMMON, "Database: %s is empty", db->name);
        }
    }
    catalog_unlock();
    if (!st && r->read_only) st = err_set(err, ERR_COMMON, "Repository %s is read only", r->name);
    bool exists = false;
    if (!st && br_jobs_using_label(r->id, b->label)) exists = true;
    if (!st && !exists) st = br_snapshot_label_exists(r, b->label, &exists, err);
    if (!st && exists) st = err_set(err, ERR_COMMON, "Snapshot with name '%s' already exist in repository", b->label);
    if (st) {
        json_decref(objs);
        repo_release(r);
        return st;
    }
    BrJob *j = br_job_new(JOB_BACKUP);
    j->db_id = db_id;
    j->db_name = strdup(db_name);
    j->label = strdup(b->label);
    j->repo_id = r->id;
    j->repo_name = strdup(r->name);
    j->timeout_s = timeout;
    j->create_ms = clock_now_ms();
    char ts[32];
    free(j->timestamp);
    j->timestamp = strdup(clock_format_snapshot_ts(j->create_ms, ts, sizeof ts));
    json_object_set_new(j->spec, "objects", mv_backup_order(db_id, order_objects(objs))); /* MVs, views after what they read */
    json_object_set_new(j->spec, "compression", json_string(compression));
    json_object_set_new(j->spec, "encrypted", json_boolean(key_text != NULL));
    json_object_set_new(j->spec, "whole_database", json_boolean(b->nobjs == 0));
    if (include_users) json_object_set_new(j->spec, "include_users", json_true());
    if (key_text) {
        io_crypt_key_from_passphrase(key_text, j->key);
        j->has_key = true;
    }
    repo_release(r);
    if (br_job_submit(j, err)) {
        br_job_free(j);
        return STATUS_ERROR;
    }
    return out->ok(out, 0, 0, NULL, err);
}

/* ---------------------------------------------------------------- SHOW BACKUP / SHOW RESTORE */

typedef struct ShowRows {
    BrJobKind kind;
    int ncols;
    VEC(char *) cells;
} ShowRows;

static void push(ShowRows *r, const char *s) {
    vec_push(&r->cells, s ? strdup(s) : NULL);
}

static void push_time(ShowRows *r, int64_t ms) {
    char buf[32];
    push(r, ms > 0 ? clock_format_datetime(ms, buf, sizeof buf) : NULL);
}

static void push_int(ShowRows *r, int64_t v) {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    push(r, buf);
}

/* "[db.t1, db.t2 (p1, p2)]" for BACKUP; "t1 PARTITIONS [p1, p2], t2" for RESTORE. */
static void format_objects(const BrJob *j, StrBuf *out) {
    bool backup = j->kind == JOB_BACKUP;
    if (backup) sb_putc(out, '[');
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(j->spec, "objects"), i, o) {
        if (i) sb_append(out, ", ");
        if (backup) sb_appendf(out, "%s.", j->db_name);
        sb_append(out, json_string_value(json_object_get(o, "name")));
        json_t *parts = json_object_get(o, "partitions");
        if (json_array_size(parts)) {
            sb_append(out, backup ? " (" : " PARTITIONS [");
            size_t k;
            json_t *p;
            json_array_foreach(parts, k, p) {
                if (k) sb_append(out, ", ");
                sb_append(out, json_string_value(p));
            }
            sb_putc(out, backup ? ')' : ']');
        }
    }
    if (backup) sb_putc(out, ']');
}

static void unfinished_tasks(const BrJob *j, StrBuf *out) {
    BrState s = (BrState)atomic_load(&j->state);
    int64_t left = atomic_load(&j->files_total) - atomic_load(&j->files_done);
    if ((s == JS_UPLOADING || s == JS_DOWNLOADING) && left > 0) sb_appendf(out, "%lld files", (long long)left);
}

static void show_row(void *ctx, BrJob *j) {
    ShowRows *r = ctx;
    if (j->kind != r->kind) return;
    StrBuf sb = STRBUF_INIT;
    push_int(r, j->id);
    push(r, j->label);
    if (j->kind == JOB_RESTORE) push(r, j->timestamp);
    push(r, j->db_name);
    push(r, br_state_name((BrState)atomic_load(&j->state)));
    if (j->kind == JOB_RESTORE) {
        push(r, json_is_true(json_object_get(j->spec, "allow_load")) ? "true" : "false");
        push_int(r, json_integer_value(json_object_get(j->spec, "replication_num")));
    }
    format_objects(j, &sb);
    push(r, sb_str(&sb));
    push_time(r, j->create_ms);
    push_time(r, j->t1_ms);
    push_time(r, j->t2_ms);
    if (j->kind == JOB_RESTORE) push_time(r, j->t3_ms);
    push_time(r, j->finished_ms);
    sb_reset(&sb);
    unfinished_tasks(j, &sb);
    push(r, sb_str(&sb));
    sb_reset(&sb);
    br_job_format_progress(j, &sb);
    push(r, sb_str(&sb));
    pthread_mutex_lock(&j->mu);
    sb_reset(&sb);
    for (const char *p = j->task_err; *p; p++) {
        if (*p == '\n')
            sb_append(&sb, ", ");
        else
            sb_putc(&sb, *p);
    }
    pthread_mutex_unlock(&j->mu);
    push(r, sb_str(&sb));
    sb_reset(&sb);
    br_job_format_status(j, &sb);
    push(r, sb_str(&sb));
    push_int(r, j->timeout_s);
    sb_free(&sb);
}

static Status show_jobs(Session *s, const Stmt *stmt, ResultSink *out, BrJobKind kind, Error *err) {
    if (priv_check_admin(s, err)) return STATUS_ERROR;
    const ShowStmt *sh = &stmt->u.show;
    int64_t db_id = -1;
    if (sh->db) {
        catalog_rdlock();
        CatDatabase *db = catalog_find_db(sh->db);
        if (db) db_id = db->id;
        catalog_unlock();
        if (db_id < 0) return err_set(err, ERR_BAD_DB, "Unknown database '%s'", sh->db);
    }
    static const char *backup_cols[] = {"JobId",      "SnapshotName",         "DbName",
                                        "State",      "BackupObjs",           "CreateTime",
                                        "SnapshotFinishedTime", "UploadFinishedTime", "FinishedTime",
                                        "UnfinishedTasks", "Progress", "TaskErrMsg", "Status", "Timeout"};
    static const char *restore_cols[] = {"JobId",          "Label",          "Timestamp",          "DbName",
                                         "State",          "AllowLoad",      "ReplicationNum",     "RestoreObjs",
                                         "CreateTime",     "MetaPreparedTime", "SnapshotFinishedTime",
                                         "DownloadFinishedTime", "FinishedTime", "UnfinishedTasks", "Progress",
                                         "TaskErrMsg",     "Status",         "Timeout"};
    const char **names = kind == JOB_BACKUP ? backup_cols : restore_cols;
    int ncols = kind == JOB_BACKUP ? 14 : 18;
    ResultColumn cols[18];
    for (int i = 0; i < ncols; i++) {
        bool numeric = !strcmp(names[i], "JobId") || !strcmp(names[i], "Timeout") || !strcmp(names[i], "ReplicationNum");
        cols[i] = numeric ? result_col_bigint(names[i]) : result_col_varchar(names[i]);
    }
    ShowRows rows = {.kind = kind, .ncols = ncols};
    if (db_id >= 0) {
        br_registry_lock();
        BrJob *j = br_latest_job(db_id);
        if (j) show_row(&rows, j);
        br_registry_unlock();
    } else {
        br_each_latest(show_row, &rows);
    }
    Status st = result_send_table(out, cols, ncols, (const char *const *)rows.cells.items,
                                  (int)(rows.cells.len / (size_t)ncols), err);
    for (size_t i = 0; i < rows.cells.len; i++) free(rows.cells.items[i]);
    vec_free(&rows.cells);
    return st;
}

static Status show_backup(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    return show_jobs(s, st, out, JOB_BACKUP, err);
}

static Status show_restore(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    return show_jobs(s, st, out, JOB_RESTORE, err);
}

/* ---------------------------------------------------------------- CANCEL */

static Status cancel_job(Session *s, const Stmt *stmt, ResultSink *out, BrJobKind kind, Error *err) {
    if (priv_check_admin(s, err)) return STATUS_ERROR;
    const char *what = kind == JOB_BACKUP ? "BACKUP" : "RESTORE";
    const char *dbname = stmt->u.cancel_job.db;
    if (!dbname) return err_set(err, ERR_COMMON, "CANCEL %s needs FROM <database>", what);
    int64_t db_id = -1;
    catalog_rdlock();
    CatDatabase *db = catalog_find_db(dbname);
    if (db) db_id = db->id;
    catalog_unlock();
    if (db_id < 0) return err_set(err, ERR_BAD_DB, "Unknown database '%s'", dbname);
    br_registry_lock();
    BrJob *j = br_latest_job(db_id);
    if (!j || j->kind != kind) {
        br_registry_unlock();
        return err_set(err, ERR_COMMON, kind == JOB_BACKUP ? "No backup job is currently running"
                                                          : "No restore is currently running");
    }
    BrState state = (BrState)atomic_load(&j->state);
    if (br_state_final(state)) {
        br_registry_unlock();
        return err_set(err, ERR_COMMON, "Failed to cancel job: Job with label %s can not be cancelled. state: %s",
                       j->label, br_state_name(state));
    }
    if (kind == JOB_BACKUP)
        br_job_request_cancel(j, "COMMON_ERROR", "user cancelled");
    else
        br_job_request_cancel(j, "COMMON_ERROR", "user cancelled, current state: %s", br_state_name(state));
    char label[256];
    snprintf(label, sizeof label, "%s", j->label);
    br_registry_unlock();
    /* Wait (bounded) for the job thread to clean up and commit CANCELLED, so the statement is synchronous.
     * Poll under the registry lock: the job may be replaced (and freed) by a newer one once it is final. */
    BrState final = state;
    for (int64_t deadline = clock_now_ms() + 120000; clock_now_ms() < deadline;) {
        br_registry_lock();
        BrJob *cur = br_latest_job(db_id);
        final = cur == j ? (BrState)atomic_load(&j->state) : JS_CANCELLED;
        br_registry_unlock();
        if (br_state_final(final)) break;
        clock_sleep_ms(20);
    }
    if (final == JS_FINISHED)
        return err_set(err, ERR_COMMON, "Failed to cancel job: Job with label %s can not be cancelled. state: %s",
                       label, br_state_name(final));
    return out->ok(out, 0, 0, NULL, err);
}

static Status cancel_backup(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    return cancel_job(s, st, out, JOB_BACKUP, err);
}

static Status cancel_restore(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    return cancel_job(s, st, out, JOB_RESTORE, err);
}

void br_register_statements(void) {
    repo_register_statements();
    sql_register(STMT_BACKUP, backup_stmt);
    sql_register(STMT_SHOW_BACKUP, show_backup);
    sql_register(STMT_SHOW_RESTORE, show_restore);
    sql_register(STMT_CANCEL_BACKUP, cancel_backup);
    sql_register(STMT_CANCEL_RESTORE, cancel_restore);
    sql_register(STMT_RESTORE, restore_stmt);
    sql_register(STMT_SHOW_SNAPSHOT, show_snapshot_stmt);
    sql_register(STMT_DROP_SNAPSHOT, drop_snapshot_stmt);
    sql_register(STMT_VERIFY_SNAPSHOT, verify_snapshot_stmt);
}
