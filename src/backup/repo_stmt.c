/* CREATE [READ ONLY] REPOSITORY, DROP REPOSITORY and SHOW REPOSITORIES. Creating checks the location for
 * real (write, read back, delete a probe) and re-attaches an existing repository of the same name. */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "backup/br_stmt.h"
#include "backup/job.h"
#include "backup/repo.h"
#include "backup/repo_int.h"
#include "catalog/meta_store.h"
#include "catalog/privilege.h"
#include "sql/execute.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/vec.h"

static bool valid_repo_name(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 64 || !(isalpha((unsigned char)s[0]) || s[0] == '_')) return false;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_') return false;
    return true;
}

/* Reads repo_info.json when the repository already exists at the location (re-attach), else writes it. */
static Status attach_repo_info(Repo *r, Fs *fs, Error *err) {
    StrBuf path = STRBUF_INIT, body = STRBUF_INIT;
    repo_path(r, &path, "repo_info.json");
    FsStat fst;
    Status st = fs_stat(fs, sb_str(&path), &fst, err);
    if (!st && fst.exists) {
        st = fs_read_all(fs, sb_str(&path), 1 << 20, &body, err);
        if (!st) {
            json_error_t je;
            json_t *j = json_loads(sb_str(&body), 0, &je);
            json_t *ct = json_object_get(j, "create_time_ms");
            if (json_is_integer(ct)) r->create_time_ms = json_integer_value(ct);
            json_decref(j);
            log_info("repository %s re-attached at %s", r->name, r->location);
        }
    } else if (!st && !r->read_only) {
        char ts[32];
        clock_format_datetime(r->create_time_ms, ts, sizeof ts);
        json_t *j = json_pack("{s:s, s:s, s:I, s:s, s:i}", "name", r->name, "create_time", ts, "create_time_ms",
                              (json_int_t)r->create_time_ms, "format", "cairn-repository", "version", 1);
        char *text = json_dumps(j, JSON_INDENT(1));
        json_decref(j);
        st = fs_write_all(fs, sb_str(&path), text, strlen(text), err);
        free(text);
    }
    sb_free(&path);
    sb_free(&body);
    return st;
}

static Status create_repository(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    const CreateRepositoryStmt *c = &stmt->u.create_repo;
    if (priv_check_admin(s, err)) return STATUS_ERROR;
    if (!valid_repo_name(c->name))
        return err_set(err, ERR_COMMON,
                       "Invalid repository name '%s': use letters, digits and '_', starting with a letter or '_', "
                       "at most 64 characters",
                       c->name);
    if (!c->location || !*c->location) return err_set(err, ERR_COMMON, "Repository location is empty");
    FsProp *checked = calloc((size_t)(c->props.n ? c->props.n : 1), sizeof *checked);
    for (int i = 0; i < c->props.n; i++) checked[i] = (FsProp){c->props.items[i].key, c->props.items[i].value};
    Status pst = repo_check_props(checked, c->props.n, err);
    free(checked);
    if (pst) return STATUS_ERROR;
    Repo *existing = repo_acquire(c->name);
    if (existing) {
        repo_release(existing);
        if (c->if_not_exists) return out->ok(out, 0, 0, NULL, err);
        return err_set(err, ERR_COMMON, "Repository %s already exists", c->name);
    }
    Repo *r = calloc(1, sizeof *r);
    r->name = strdup(c->name);
    r->read_only = c->read_only;
    size_t ln = strlen(c->location);
    while (ln > 1 && c->location[ln - 1] == '/' && !(ln >= 3 && c->location[ln - 2] == '/')) ln--;
    r->location = strndup(c->location, ln);
    r->with_broker = c->with_broker;
    r->broker = strdup(c->broker_name ? c->broker_name : "");
    r->props = calloc((size_t)(c->props.n ? c->props.n : 1), sizeof *r->props);
    for (int i = 0; i < c->props.n; i++) {
        r->props[i].key = strdup(c->props.items[i].key);
        r->props[i].value = strdup(c->props.items[i].value);
    }
    r->nprops = c->props.n;
    r->create_time_ms = clock_now_ms();
    Fs *fs = NULL;
    Status st = meta_next_id(&r->id, err);
    if (!st) st = fs_open(r->location, r->props, r->nprops, &fs, err);
    if (!st) {
        fs_set_label(fs, r->name);
        st = fs_probe(fs, r->read_only, err);
    }
    if (!st) st = attach_repo_info(r, fs, err);
    if (st) {
        if (fs) fs_free(fs);
        repo_free(r);
        err->code = ERR_COMMON; /* one class for every storage failure, as StarRocks reports it */
        return err_prefix(err, "Failed to create repository: ");
    }
    r->fs = fs;
    if (repo_registry_add(r, err)) {
        repo_free(r);
        return STATUS_ERROR;
    }
    log_info("repository %s created at %s (%s, driver %s)", r->name, r->location,
             r->read_only ? "read only" : "read write", fs_driver_name(fs));
    return out->ok(out, 0, 0, NULL, err);
}

static Status drop_repository(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    const DropRepositoryStmt *d = &stmt->u.drop_repo;
    if (priv_check_admin(s, err)) return STATUS_ERROR;
    Repo *r = repo_acquire(d->name);
    if (!r) {
        if (d->if_exists) return out->ok(out, 0, 0, NULL, err);
        return err_set(err, ERR_COMMON, "Repository does not exist");
    }
    Status st = STATUS_OK;
    if (br_jobs_running_on_repo(r->id))
        st = err_set(err, ERR_JOB_CONFLICT, "Backup or restore job is running on this repository. Can not drop it");
    if (!st) st = repo_registry_remove(r, err);
    if (!st) log_info("repository %s dropped (its files stay in storage)", r->name);
    repo_release(r);
    if (st) return st;
    return out->ok(out, 0, 0, NULL, err);
}

typedef struct ShowCtx {
    VEC(char *) cells;
} ShowCtx;

static void show_one(void *ctx, const Repo *r) {
    ShowCtx *c = ctx;
    char buf[32];
    vec_push(&c->cells, strdup((snprintf(buf, sizeof buf, "%lld", (long long)r->id), buf)));
    vec_push(&c->cells, strdup(r->name));
    vec_push(&c->cells, strdup(clock_format_datetime(r->create_time_ms, buf, sizeof buf)));
    vec_push(&c->cells, strdup(r->read_only ? "true" : "false"));
    vec_push(&c->cells, strdup(r->location));
    vec_push(&c->cells, strdup(r->broker));
    vec_push(&c->cells, NULL); /* ErrMsg: NULL while the repository is healthy */
}

static Status show_repositories(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    if (priv_check_admin(s, err)) return STATUS_ERROR;
    ResultColumn cols[] = {result_col_bigint("RepoId"),      result_col_varchar("RepoName"),
                           result_col_varchar("CreateTime"), result_col_varchar("IsReadOnly"),
                           result_col_varchar("Location"),   result_col_varchar("Broker"),
                           result_col_varchar("ErrMsg")};
    ShowCtx c = {0};
    repo_each(show_one, &c);
    int ncols = (int)(sizeof cols / sizeof cols[0]);
    Status st = result_send_table(out, cols, ncols, (const char *const *)c.cells.items, (int)(c.cells.len / ncols), err);
    for (size_t i = 0; i < c.cells.len; i++) free(c.cells.items[i]);
    vec_free(&c.cells);
    return st;
}

void repo_register_statements(void) {
    sql_register(STMT_CREATE_REPOSITORY, create_repository);
    sql_register(STMT_DROP_REPOSITORY, drop_repository);
    sql_register(STMT_SHOW_REPOSITORIES, show_repositories);
}
