/* RESTORE (the legacy and the v3.4 syntax). The statement reads the snapshot's info and manifest, checks the
 * request against them (objects, partitions, aliases, properties, encryption key), creates the target database
 * when it is absent, and submits an asynchronous job; the job (restore_job.c) does the rest. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backup/br_files.h"
#include "backup/br_stmt.h"
#include "backup/job.h"
#include "backup/manifest.h"
#include "backup/repo.h"
#include "catalog/catalog.h"
#include "catalog/privilege.h"
#include "fs/io_filter.h"
#include "server/config.h"
#include "sql/execute.h"
#include "util/clock.h"
#include "util/str.h"

static const json_t *manifest_object(const json_t *m, const char *name) {
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(m, "objects"), i, o) {
        const char *n = json_string_value(json_object_get(o, "name"));
        if (n && !strcmp(n, name)) return o;
    }
    return NULL;
}

static bool kind_matches(BackupObjKind k, const char *kind) {
    switch (k) {
    case BOBJ_MV:
    case BOBJ_ALL_MVS: return !strcmp(kind, "MATERIALIZED_VIEW");
    case BOBJ_VIEW:
    case BOBJ_ALL_VIEWS: return !strcmp(kind, "VIEW");
    case BOBJ_ALL_TABLES: return !strcmp(kind, "OLAP");
    default: return true;
    }
}

static bool listed(json_t *objs, const char *name) {
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o) if (!strcmp(json_string_value(json_object_get(o, "name")), name)) return true;
    return false;
}

static json_t *restore_object(const json_t *mo, const char *alias) {
    json_t *o = json_pack("{s:O, s:O}", "name", json_object_get(mo, "name"), "kind", json_object_get(mo, "kind"));
    if (alias) json_object_set_new(o, "alias", json_string(alias));
    return o;
}

/* Resolves ON (...) against the manifest into the spec's object list (manifest order: tables before what
 * reads them). */
static Status resolve_objects(const RestoreStmt *r, const json_t *m, json_t *objs, Error *err) {
    json_t *aliases = json_object();
    Status st = STATUS_OK;
    for (int i = 0; i < r->nobjs && !st; i++) {
        const BackupObj *bo = &r->objs[i];
        if (bo->kind == BOBJ_FUNCTION) {
            st = err_set(err, ERR_COMMON, "Can not find restore function: %s", bo->name);
            break;
        }
        if (bo->kind == BOBJ_ALL_FUNCTIONS) continue;
        if (bo->kind == BOBJ_ALL_TABLES || bo->kind == BOBJ_ALL_MVS || bo->kind == BOBJ_ALL_VIEWS) {
            size_t k;
            json_t *mo;
            json_array_foreach(json_object_get(m, "objects"), k, mo) {
                const char *kind = json_string_value(json_object_get(mo, "kind"));
                const char *name = json_string_value(json_object_get(mo, "name"));
                if (kind && name && kind_matches(bo->kind, kind) && !listed(objs, name))
                    json_array_append_new(objs, restore_object(mo, NULL));
            }
            continue;
        }
        if (bo->db) {
            st = err_set(err, ERR_COMMON, "Name tables in RESTORE ... ON without a database: %s.%s", bo->db, bo->name);
            break;
        }
        const json_t *mo = manifest_object(m, bo->name);
        if (!mo) {
            st = err_set(err, ERR_COMMON, "Table %s does not exist in snapshot %s", bo->name, r->label);
            break;
        }
        const char *kind = json_string_value(json_object_get(mo, "kind"));
        if (!kind_matches(bo->kind, kind ? kind : "")) {
            st = err_set(err, ERR_WRONG_OBJECT, "'%s' is a %s in snapshot %s", bo->name, kind ? kind : "?", r->label);
            break;
        }
        if (listed(objs, bo->name)) {
            st = err_set(err, ERR_COMMON, "Duplicated table: %s", bo->name);
            break;
        }
        const char *target = bo->alias ? bo->alias : bo->name;
        if (json_object_get(aliases, target)) {
            st = err_set(err, ERR_COMMON, "Duplicated alias name: %s", target);
            break;
        }
        json_object_set_new(aliases, target, json_true());
        if (bo->temp_partition) {
            st = err_set(err, ERR_COMMON, "Do not support restoring temporary partitions");
            break;
        }
        json_t *o = restore_object(mo, bo->alias);
        if (bo->npartitions) {
            json_t *parts = json_array();
            for (int k = 0; k < bo->npartitions && !st; k++) {
                bool found = false;
                size_t pi;
                json_t *p;
                json_array_foreach(json_object_get(mo, "partitions"), pi, p) {
                    const char *pn = json_string_value(json_object_get(p, "name"));
                    if (pn && !strcasecmp(pn, bo->partitions[k])) {
                        found = true;
                        json_array_append_new(parts, json_string(pn));
                    }
                }
                if (!found)
                    st = err_set(err, ERR_COMMON, "Partition %s of table %s does not exist in snapshot %s",
                                 bo->partitions[k], bo->name, r->label);
            }
            json_object_set_new(o, "partitions", parts);
        }
        if (st)
            json_decref(o);
        else
            json_array_append_new(objs, o);
    }
    if (!st && r->nobjs == 0) {
        size_t k;
        json_t *mo;
        json_array_foreach(json_object_get(m, "objects"), k, mo) json_array_append_new(objs, restore_object(mo, NULL));
    }
    json_decref(aliases);
    return st;
}

static Status ensure_database(Session *s, const char *name, Error *err) {
    catalog_rdlock();
    bool exists = catalog_find_db(name) != NULL;
    catalog_unlock();
    if (exists) return STATUS_OK;
    Stmt create = {.kind = STMT_CREATE_DATABASE};
    create.u.create_db.db = (char *)name;
    create.u.create_db.if_not_exists = true;
    CollectSink sink;
    collect_sink_init(&sink);
    Status st = sql_execute_stmt(s, &create, &sink.sink, err);
    collect_sink_free(&sink);
    if (st) return err_prefix(err, "Can not create database: %s in restore process: ", name);
    return STATUS_OK;
}

Status restore_stmt(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    const RestoreStmt *r = &stmt->u.restore;
    if (priv_check_admin(s, err)) return STATUS_ERROR;
    if (br_check_label(r->label, err)) return STATUS_ERROR;
    if (!r->repo || !*r->repo) return err_set(err, ERR_COMMON, "Repository is empty");
    if (r->db && r->src_db)
        return err_set(err, ERR_COMMON, "Name the database once: either %s.%s or DATABASE %s", r->db, r->label, r->src_db);
    /* properties */
    const char *ts = NULL, *key_text = NULL;
    int64_t repl = 1, timeout = config_get_int("backup_job_default_timeout_ms") / 1000;
    bool allow_load = false, restore_users = false;
    StrBuf unknown = STRBUF_INIT;
    Status st = STATUS_OK;
    for (int i = 0; i < r->props.n && !st; i++) {
        const Property *p = &r->props.items[i];
        int64_t iv;
        if (str_ieq(p->key, "backup_timestamp")) {
            ts = p->value;
        } else if (str_ieq(p->key, "replication_num")) {
            if (!str_to_int64(p->value, &iv) || iv < 1)
                st = err_set(err, ERR_COMMON, "Invalid replication_num: %s", p->value);
            else if (iv > 1)
                st = err_set(err, ERR_COMMON, "Failed to find enough backends: need %lld, available 1", (long long)iv);
            else
                repl = iv;
        } else if (str_ieq(p->key, "timeout")) {
            st = br_parse_timeout(p->value, &timeout, err);
        } else if (str_ieq(p->key, "allow_load")) {
            if (!str_to_bool(p->value, &allow_load) || (strcmp(p->value, "1") == 0 || strcmp(p->value, "0") == 0))
                st = err_set(err, ERR_COMMON, "Invalid allow load value: %s", p->value);
        } else if (str_ieq(p->key, "meta_version") || str_ieq(p->key, "starrocks_meta_version")) {
            if (!str_to_int64(p->value, &iv)) st = err_set(err, ERR_COMMON, "Invalid meta version format: %s", p->value);
        } else if (str_ieq(p->key, "encryption_key")) {
            key_text = p->value;
        } else if (str_ieq(p->key, "restore_users")) {
            if (!str_to_bool(p->value, &restore_users))
                st = err_set(err, ERR_COMMON, "Invalid restore_users value: %s (use \"true\" or \"false\")", p->value);
        } else if (str_ieq(p->key, "reserve_replica") || str_ieq(p->key, "reserve_dynamic_partition_enable") ||
                   str_ieq(p->key, "atomic_restore") || str_ieq(p->key, "clean_tables") ||
                   str_ieq(p->key, "clean_partitions")) {
            /* Doris compatibility: accepted; cairn's restore is always atomic and never drops extra objects */
        } else {
            sb_append(&unknown, unknown.len ? ", " : "");
            sb_append(&unknown, p->key);
        }
    }
    if (!st && unknown.len) st = err_set(err, ERR_COMMON, "Unknown restore job properties: [%s]", sb_str(&unknown));
    sb_free(&unknown);
    if (st) return st;
    if (!ts || !*ts) return err_set(err, ERR_COMMON, "Missing backup_timestamp property");
    if (strchr(ts, '/') || strstr(ts, ".."))
        return err_set(err, ERR_COMMON, "Invalid backup_timestamp '%s'", ts);
    Repo *repo = repo_acquire(r->repo);
    if (!repo) return err_set(err, ERR_COMMON, "Repository %s does not exist", r->repo);
    json_t *info = NULL, *m = NULL, *objs = json_array();
    if (snapshot_read(repo, r->label, ts, &info, &m, err)) {
        err_prefix(err, "Failed to get info of snapshot '%s' because: ", r->label);
        size_t n = strlen(err->msg);
        snprintf(err->msg + n, sizeof err->msg - n, ". Maybe specified wrong backup timestamp");
        err->code = ERR_COMMON;
        st = STATUS_ERROR;
    }
    const char *snap_db = st ? NULL : json_string_value(json_object_get(json_object_get(m, "database"), "name"));
    if (!st && r->src_db && (!snap_db || strcasecmp(r->src_db, snap_db) != 0))
        st = err_set(err, ERR_COMMON, "target database: %s is not existed in snapshot", r->src_db);
    const char *target = r->target_db ? r->target_db : r->src_db ? r->src_db : r->db ? r->db : (*s->db ? s->db : snap_db);
    if (!st && (!target || !*target)) st = err_set(err, ERR_NO_DB, "No database selected");
    if (!st) st = resolve_objects(r, m, objs, err);
    if (!st && restore_users && !json_object_get(m, "access"))
        st = err_set(err, ERR_COMMON, "Snapshot %s holds no users: back up with PROPERTIES (\"include_users\" = \"true\")",
                     r->label);
    const json_t *enc = st ? NULL : json_object_get(m, "encryption");
    uint8_t key[32];
    if (!st && enc && !key_text)
        st = err_set(err, ERR_COMMON, "Snapshot %s is encrypted: give its key with PROPERTIES (\"encryption_key\" = \"...\")",
                     r->label);
    if (!st && key_text) {
        io_crypt_key_from_passphrase(key_text, key);
        char check[65];
        br_key_check(key, check);
        const char *want = json_string_value(json_object_get(enc, "key_check"));
        if (!enc)
            st = err_set(err, ERR_COMMON, "Snapshot %s is not encrypted: remove encryption_key", r->label);
        else if (!want || strcmp(want, check) != 0)
            st = err_set(err, ERR_COMMON, "The encryption_key does not match the key snapshot %s was taken with", r->label);
    }
    if (!st) st = ensure_database(s, target, err);
    int64_t db_id = -1;
    char db_name[NAME_MAX_LEN + 1] = "";
    if (!st) {
        catalog_rdlock();
        CatDatabase *db = catalog_find_db(target);
        if (db) {
            db_id = db->id;
            snprintf(db_name, sizeof db_name, "%s", db->name);
        }
        catalog_unlock();
        if (db_id < 0) st = err_set(err, ERR_BAD_DB, "Unknown database '%s'", target);
    }
    if (st) {
        json_decref(info);
        json_decref(m);
        json_decref(objs);
        repo_release(repo);
        return st;
    }
    BrJob *j = br_job_new(JOB_RESTORE);
    j->db_id = db_id;
    j->db_name = strdup(db_name);
    j->label = strdup(r->label);
    free(j->timestamp);
    j->timestamp = strdup(ts);
    j->repo_id = repo->id;
    j->repo_name = strdup(repo->name);
    j->timeout_s = timeout;
    json_object_set_new(j->spec, "objects", objs);
    json_object_set_new(j->spec, "replication_num", json_integer(repl));
    json_object_set_new(j->spec, "allow_load", json_boolean(allow_load));
    json_object_set_new(j->spec, "encrypted", json_boolean(enc != NULL));
    if (restore_users) json_object_set_new(j->spec, "restore_users", json_true());
    if (snap_db) json_object_set_new(j->spec, "source_database", json_string(snap_db));
    if (key_text) {
        memcpy(j->key, key, 32);
        j->has_key = true;
    }
    json_decref(info);
    json_decref(m);
    repo_release(repo);
    if (br_job_submit(j, err)) {
        br_job_free(j);
        return STATUS_ERROR;
    }
    return out->ok(out, 0, 0, NULL, err);
}
