/* The start-up order of cairnd (see modules.h). Each module is one row of `modules` below: a start
 * function and an optional stop function. To add a module, write its two small wrappers here and add its
 * row at its place in the order; nothing else in the process needs to change. */
#include "server/modules.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "backup/job.h"
#include "backup/repo.h"
#include "catalog/auth.h"
#include "catalog/catalog.h"
#include "catalog/ddl.h"
#include "catalog/meta_store.h"
#include "catalog/users.h"
#include "exec/exec.h"
#include "http/api_basic.h"
#include "http/http_server.h"
#include "load/load.h"
#include "mv/mv.h"
#include "net/mysql_auth.h"
#include "net/mysql_server.h"
#include "server/config.h"
#include "server/lockfile.h"
#include "server/status.h"
#include "server/version.h"
#include "sql/session.h"
#include "util/clock.h"
#include "util/log.h"

typedef struct Module {
    const char *name;
    Status (*start)(const char *data_dir, Error *err);
    void (*stop)(void);
} Module;

/* ---- lock: one cairnd per data dir */
static Status lock_start(const char *data_dir, Error *err) {
    return lockfile_acquire(data_dir, err);
}

/* ---- log: <data_dir>/log/cairnd.log (+ stderr) */
static void apply_log_level(const char *value) {
    log_set_level(log_level_from_name(value));
}

static Status log_start(const char *data_dir, Error *err) {
    char dir[4200], path[4300];
    snprintf(dir, sizeof dir, "%s/log", data_dir);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return err_set(err, ERR_IO, "cannot create log directory %s: %s", dir, strerror(errno));
    snprintf(path, sizeof path, "%s/cairnd.log", dir);
    if (log_open(path, log_level_from_name(config_get("log_level")), config_get_bool("log_to_stderr"), err))
        return STATUS_ERROR;
    config_watch("log_level", apply_log_level);
    log_info("cairnd %s starting: data dir %s", CAIRN_VERSION, data_dir);
    return STATUS_OK;
}

static void log_stop(void) {
    log_info("cairnd stopped");
    log_close();
}

/* ---- meta: the metadata database (<data_dir>/meta/cairn.db) that every durable module keeps its tables in */
static Status meta_start(const char *data_dir, Error *err) {
    return meta_open(data_dir, err);
}

/* ---- catalog: databases, tables, partitions (DDL and SHOW handlers); sweeps what a crash left, compacts */
static Status catalog_start(const char *data_dir, Error *err) {
    catalog_register_statements();
    if (catalog_open(err)) return STATUS_ERROR;
    catalog_use_local_storage();
    if (catalog_recover(err)) return STATUS_ERROR;
    catalog_compaction_start();
    return STATUS_OK;
}

static void catalog_stop(void) {
    catalog_compaction_stop();
    catalog_close();
}

/* ---- users: accounts, roles and grants, stored in the metadata database (start after it opens) */
static Status users_start(const char *data_dir, Error *err) {
    users_register_statements();
    return users_init(err); /* fails if the meta row has not run: accounts must never be memory-only */
}

/* ---- backup: repositories and BACKUP/RESTORE jobs (after the catalog: resumed jobs read it) */
static Status backup_start(const char *data_dir, Error *err) {
    br_register_statements();
    if (!meta_is_open()) {
        log_warn("backup: the metadata database is not open: repositories and jobs are unavailable");
        return STATUS_OK;
    }
    if (repo_module_init(err)) return STATUS_ERROR;
    return br_module_init(err);
}

static void backup_stop(void) {
    br_module_shutdown();
    repo_module_shutdown();
}

/* ---- sql: statement handlers and the login check */
static Status sql_start(const char *data_dir, Error *err) {
    server_auth_fn = auth_check_native_password;
    session_register_statements();
    exec_register_statements(); /* SELECT, EXPLAIN and the view validator */
    load_register_statements(); /* INSERT, DELETE, UPDATE */
    return STATUS_OK;
}

/* ---- mv: materialized view statements, the rollup rewriter and the refresh scheduler (after sql: it layers
 * SHOW CREATE over the catalog's handler) */
static Status mv_start(const char *data_dir, Error *err) {
    mv_register_statements();
    if (!meta_is_open()) return STATUS_OK;
    return mv_module_start(err);
}

/* ---- http */
static Status http_start(const char *data_dir, Error *err) {
    http_api_basic_register();
    load_register_http(); /* Stream Load, load error logs */
    return http_server_start(config_get("bind"), (int)config_get_int("http_port"), err);
}

/* ---- mysql: last, so no client gets in before everything else is ready */
static Status mysql_start(const char *data_dir, Error *err) {
    MysqlServerOptions o = {config_get("bind"), (int)config_get_int("mysql_port"), NULL};
    return mysql_server_start(&o, err);
}

static void mysql_stop(void) {
    mysql_server_stop((int)config_get_int("shutdown_grace_ms"));
}

static const Module modules[] = {
    {"lock", lock_start, lockfile_release},
    {"log", log_start, log_stop},
    {"meta", meta_start, meta_close},
    {"catalog", catalog_start, catalog_stop},
    {"users", users_start, users_shutdown},
    {"backup", backup_start, backup_stop},
    {"sql", sql_start, NULL},
    {"mv", mv_start, mv_module_stop},
    {"http", http_start, http_server_stop},
    {"mysql", mysql_start, mysql_stop},
};
#define NMODULES ((int)(sizeof modules / sizeof modules[0]))

static int nstarted;

Status modules_start(Error *err) {
    const char *data_dir = config_get("data_dir");
    for (nstarted = 0; nstarted < NMODULES; nstarted++) {
        const Module *m = &modules[nstarted];
        if (m->start(data_dir, err)) {
            err_prefix(err, "start-up failed (%s): ", m->name);
            log_error("%s", err->msg);
            modules_stop();
            return STATUS_ERROR;
        }
    }
    atomic_store(&server_status.start_ms, clock_now_ms());
    log_info("cairnd ready: MySQL on %s:%d, HTTP on %s:%d", config_get("bind"), mysql_server_port(),
             config_get("bind"), http_server_port());
    return STATUS_OK;
}

void modules_stop(void) {
    while (nstarted > 0) {
        const Module *m = &modules[--nstarted];
        if (m->stop) m->stop();
    }
}
