/* The repository registry: persistence in the metadata database and the in-memory list. */
#include "backup/repo.h"

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "backup/repo_int.h"
#include "catalog/meta_store.h"
#include "util/log.h"
#include "util/vec.h"

static pthread_mutex_t repo_mu = PTHREAD_MUTEX_INITIALIZER;
static VEC(Repo *) repos;

static const char *REPO_SCHEMA_V1 =
    "CREATE TABLE IF NOT EXISTS repository ("
    " id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, read_only INTEGER NOT NULL,"
    " location TEXT NOT NULL, with_broker INTEGER NOT NULL, broker TEXT NOT NULL,"
    " props TEXT NOT NULL, create_time_ms INTEGER NOT NULL);";

void repo_free(Repo *r) {
    if (!r) return;
    if (r->fs) fs_free(r->fs);
    for (int i = 0; i < r->nprops; i++) {
        free((char *)r->props[i].key);
        free((char *)r->props[i].value);
    }
    free(r->props);
    free(r->name);
    free(r->location);
    free(r->broker);
    free(r);
}

char *repo_props_to_json(const FsProp *props, int n) {
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, json_pack("[ss]", props[i].key, props[i].value));
    char *s = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return s;
}

static Status props_from_json(const char *text, Repo *r, Error *err) {
    json_error_t je;
    json_t *arr = json_loads(text, 0, &je);
    if (!json_is_array(arr)) {
        json_decref(arr);
        return err_set(err, ERR_CORRUPT, "repository %s: stored properties are not valid JSON: %s", r->name, je.text);
    }
    size_t n = json_array_size(arr);
    r->props = calloc(n ? n : 1, sizeof *r->props);
    for (size_t i = 0; i < n; i++) {
        json_t *kv = json_array_get(arr, i);
        r->props[i].key = strdup(json_string_value(json_array_get(kv, 0)) ?: "");
        r->props[i].value = strdup(json_string_value(json_array_get(kv, 1)) ?: "");
    }
    r->nprops = (int)n;
    json_decref(arr);
    return STATUS_OK;
}

Status repo_module_init(Error *err) {
    if (meta_migrate("repository", 1, REPO_SCHEMA_V1, err)) return STATUS_ERROR;
    meta_lock();
    sqlite3_stmt *q = NULL;
    Status st = meta_prepare(err, &q,
                             "SELECT id, name, read_only, location, with_broker, broker, props, create_time_ms"
                             " FROM repository ORDER BY id",
                             "");
    bool row = false;
    while (!st && !(st = meta_step(q, &row, err)) && row) {
        Repo *r = calloc(1, sizeof *r);
        r->id = meta_col_int(q, 0);
        r->name = strdup(meta_col_text(q, 1));
        r->read_only = meta_col_int(q, 2) != 0;
        r->location = strdup(meta_col_text(q, 3));
        r->with_broker = meta_col_int(q, 4) != 0;
        r->broker = strdup(meta_col_text(q, 5));
        r->create_time_ms = meta_col_int(q, 7);
        if ((st = props_from_json(meta_col_text(q, 6), r, err))) {
            repo_free(r);
            break;
        }
        vec_push(&repos, r);
    }
    meta_finalize(q);
    meta_unlock();
    if (!st) log_info("repositories: %zu loaded", repos.len);
    return st;
}

void repo_module_shutdown(void) {
    pthread_mutex_lock(&repo_mu);
    for (size_t i = 0; i < repos.len; i++) repo_free(repos.items[i]);
    vec_free(&repos);
    pthread_mutex_unlock(&repo_mu);
}

static Repo *find_locked(const char *name, int64_t id) {
    for (size_t i = 0; i < repos.len; i++) {
        Repo *r = repos.items[i];
        if (name ? strcmp(r->name, name) == 0 : r->id == id) return r;
    }
    return NULL;
}

Repo *repo_acquire(const char *name) {
    pthread_mutex_lock(&repo_mu);
    Repo *r = find_locked(name, 0);
    if (r) r->refs++;
    pthread_mutex_unlock(&repo_mu);
    return r;
}

Repo *repo_acquire_id(int64_t id) {
    pthread_mutex_lock(&repo_mu);
    Repo *r = find_locked(NULL, id);
    if (r) r->refs++;
    pthread_mutex_unlock(&repo_mu);
    return r;
}

void repo_release(Repo *r) {
    if (!r) return;
    pthread_mutex_lock(&repo_mu);
    bool gone = --r->refs == 0 && r->dropped;
    pthread_mutex_unlock(&repo_mu);
    if (gone) repo_free(r);
}

Status repo_fs(Repo *r, Fs **out, Error *err) {
    pthread_mutex_lock(&repo_mu);
    Status st = STATUS_OK;
    if (!r->fs) {
        st = fs_open(r->location, r->props, r->nprops, &r->fs, err);
        if (!st) fs_set_label(r->fs, r->name);
    }
    *out = r->fs;
    pthread_mutex_unlock(&repo_mu);
    return st;
}

void repo_path(const Repo *r, StrBuf *out, const char *fmt, ...) {
    sb_appendf(out, "__cairn_repository_%s/", r->name);
    va_list ap;
    va_start(ap, fmt);
    sb_vappendf(out, fmt, ap);
    va_end(ap);
}

Status repo_registry_add(Repo *r, Error *err) {
    char *props = repo_props_to_json(r->props, r->nprops);
    Status st = meta_run(err,
                         "INSERT INTO repository(id, name, read_only, location, with_broker, broker, props,"
                         " create_time_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                         "itititti", r->id, r->name, (int64_t)r->read_only, r->location,
                         (int64_t)r->with_broker, r->broker, props, r->create_time_ms);
    free(props);
    if (st) return st;
    pthread_mutex_lock(&repo_mu);
    vec_push(&repos, r);
    pthread_mutex_unlock(&repo_mu);
    return STATUS_OK;
}

Status repo_registry_remove(Repo *r, Error *err) {
    if (meta_run(err, "DELETE FROM repository WHERE id = ?", "i", r->id)) return STATUS_ERROR;
    pthread_mutex_lock(&repo_mu);
    for (size_t i = 0; i < repos.len; i++)
        if (repos.items[i] == r) {
            repos.items[i] = repos.items[--repos.len];
            break;
        }
    r->dropped = true;
    pthread_mutex_unlock(&repo_mu);
    return STATUS_OK;
}

void repo_each(void (*fn)(void *ctx, const Repo *r), void *ctx) {
    pthread_mutex_lock(&repo_mu);
    for (size_t i = 0; i < repos.len; i++) fn(ctx, repos.items[i]);
    pthread_mutex_unlock(&repo_mu);
}
