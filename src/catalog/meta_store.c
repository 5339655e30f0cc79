/* The metadata database: opening SQLite with the durability settings cairn relies on, the process-wide
 * meta mutex, migrations, statement helpers with a tiny type-string binder, and the durable id counter.
 * Everything that must survive a crash goes through here (see meta_store.h for the rules). */
#include "catalog/meta_store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/log.h"

/* Ids are reserved this many at a time: one fsync per block keeps meta_next_id cheap. */
#define ID_BLOCK 1000
#define FIRST_ID 10001

static sqlite3 *g_db;
static char g_path[4096];
static char g_id_path[4096];

/* The meta mutex: recursive ownership is tracked by hand so that helpers can tell whether the calling
 * thread already holds it (then they run inside the caller's transaction or read sequence). */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_t g_owner;
static bool g_owned;
static bool g_in_txn;

static pthread_mutex_t g_id_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t g_next_id;  /* next id to hand out */
static int64_t g_id_limit; /* ids < limit are durably reserved */

bool meta_is_open(void) {
    return g_db != NULL;
}

sqlite3 *meta_db(void) {
    return g_db;
}

const char *meta_path(void) {
    return g_db ? g_path : "";
}

bool meta_held_by_me(void) {
    /* g_owner is only compared when g_owned is set by this same thread, so the racy read is harmless:
     * another thread can never make it equal to pthread_self(). */
    return g_owned && pthread_equal(g_owner, pthread_self());
}

void meta_lock(void) {
    pthread_mutex_lock(&g_mu);
    g_owner = pthread_self();
    g_owned = true;
}

void meta_unlock(void) {
    g_owned = false;
    pthread_mutex_unlock(&g_mu);
}

static Status sql_error(Error *err, const char *what) {
    return err_set(err, ERR_IO, "metadata database %s: %s failed: %s", g_path, what,
                   g_db ? sqlite3_errmsg(g_db) : "not open");
}

static Status exec_locked(const char *sql, Error *err) {
    char *msg = NULL;
    if (sqlite3_exec(g_db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(err, ERR_IO, "metadata database %s: %s (while running: %.200s)", g_path,
                msg ? msg : sqlite3_errmsg(g_db), sql);
        sqlite3_free(msg);
        return STATUS_ERROR;
    }
    return STATUS_OK;
}

/* ---------------------------------------------------------------- id counter file */

static Status mkdir_p(const char *path, Error *err) {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return err_set(err, ERR_IO, "cannot create directory %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return err_set(err, ERR_IO, "cannot create directory %s: %s", buf, strerror(errno));
    return STATUS_OK;
}

static Status fsync_dir_of(const char *path, Error *err) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return err_set(err, ERR_IO, "cannot open directory %s: %s", dir, strerror(errno));
    int rc = fsync(fd);
    close(fd);
    if (rc != 0) return err_set(err, ERR_IO, "cannot fsync directory %s: %s", dir, strerror(errno));
    return STATUS_OK;
}

/* Writes the new reservation bound with write-temp, fsync, rename, fsync-dir so that a crash leaves either
 * the old or the new bound, never a torn file. */
static Status id_persist_limit(int64_t limit, Error *err) {
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", g_id_path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return err_set(err, ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lld\n", (long long)limit);
    bool ok = write(fd, buf, (size_t)n) == n && fsync(fd) == 0;
    int saved = errno;
    close(fd);
    if (!ok) return err_set(err, ERR_IO, "cannot write %s: %s", tmp, strerror(saved));
    if (rename(tmp, g_id_path) != 0)
        return err_set(err, ERR_IO, "cannot rename %s to %s: %s", tmp, g_id_path, strerror(errno));
    return fsync_dir_of(g_id_path, err);
}

static Status id_load(Error *err) {
    FILE *f = fopen(g_id_path, "r");
    int64_t limit = FIRST_ID;
    if (f) {
        long long v = 0;
        int ok = fscanf(f, "%lld", &v);
        fclose(f);
        if (ok != 1 || v < FIRST_ID)
            return err_set(err, ERR_CORRUPT,
                           "id counter file %s is malformed; it must hold the next free object id (restore it "
                           "from a copy of the data dir, or write a value above every id in %s)",
                           g_id_path, g_path);
        limit = v;
    } else if (errno != ENOENT) {
        return err_set(err, ERR_IO, "cannot read %s: %s", g_id_path, strerror(errno));
    }
    /* Everything below the persisted bound may have been handed out before a crash: start above it. */
    g_next_id = limit;
    g_id_limit = limit;
    return STATUS_OK;
}

Status meta_next_id(int64_t *out, Error *err) {
    pthread_mutex_lock(&g_id_mu);
    if (!g_db) {
        pthread_mutex_unlock(&g_id_mu);
        return err_set(err, ERR_INTERNAL, "meta_next_id called before meta_open");
    }
    if (g_next_id >= g_id_limit) {
        if (id_persist_limit(g_id_limit + ID_BLOCK, err)) {
            pthread_mutex_unlock(&g_id_mu);
            return STATUS_ERROR;
        }
        g_id_limit += ID_BLOCK;
    }
    *out = g_next_id++;
    pthread_mutex_unlock(&g_id_mu);
    return STATUS_OK;
}

/* ---------------------------------------------------------------- open / close */

static const char *CATALOG_SCHEMA_V1 =
    "CREATE TABLE IF NOT EXISTS schema_migration(component TEXT NOT NULL, version INTEGER NOT NULL,"
    " applied_ms INTEGER NOT NULL, PRIMARY KEY(component, version));";

Status meta_open(const char *data_dir, Error *err) {
    if (g_db) return err_set(err, ERR_INTERNAL, "meta_open called twice");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/meta", data_dir);
    if (mkdir_p(dir, err)) return STATUS_ERROR;
    snprintf(g_path, sizeof g_path, "%s/cairn.db", dir);
    snprintf(g_id_path, sizeof g_id_path, "%s/next_id", dir);
    /* FULLMUTEX: the connection is shared by threads; our own mutex serialises transactions on top. */
    int rc = sqlite3_open_v2(g_path, &g_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        err_set(err, ERR_IO, "cannot open metadata database %s: %s", g_path,
                g_db ? sqlite3_errmsg(g_db) : sqlite3_errstr(rc));
        sqlite3_close(g_db);
        g_db = NULL;
        return STATUS_ERROR;
    }
    sqlite3_busy_timeout(g_db, 10000);
    meta_lock();
    Status st = exec_locked("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", err);
    if (!st) st = exec_locked(CATALOG_SCHEMA_V1, err);
    meta_unlock();
    if (!st) st = id_load(err);
    if (st) {
        sqlite3_close(g_db);
        g_db = NULL;
        return STATUS_ERROR;
    }
    log_info("metadata database %s open", g_path);
    return STATUS_OK;
}

void meta_close(void) {
    if (!g_db) return;
    meta_lock();
    if (g_in_txn) {
        sqlite3_exec(g_db, "ROLLBACK", NULL, NULL, NULL);
        g_in_txn = false;
    }
    /* Prepared statements a caller forgot would keep the connection open: finalize them. */
    sqlite3_stmt *st;
    while ((st = sqlite3_next_stmt(g_db, NULL)) != NULL) sqlite3_finalize(st);
    sqlite3_close(g_db);
    g_db = NULL;
    meta_unlock();
}

/* ---------------------------------------------------------------- transactions */

Status meta_begin(Error *err) {
    if (!g_db) return err_set(err, ERR_INTERNAL, "meta_begin called before meta_open");
    if (meta_held_by_me())
        return err_set(err, ERR_INTERNAL, "nested metadata transaction (meta_begin while holding the meta lock)");
    meta_lock();
    if (sqlite3_exec(g_db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        sql_error(err, "BEGIN");
        meta_unlock();
        return STATUS_ERROR;
    }
    g_in_txn = true;
    return STATUS_OK;
}

Status meta_commit(Error *err) {
    if (!meta_held_by_me() || !g_in_txn) return err_set(err, ERR_INTERNAL, "meta_commit without meta_begin");
    Status st = STATUS_OK;
    if (sqlite3_exec(g_db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        st = sql_error(err, "COMMIT");
        sqlite3_exec(g_db, "ROLLBACK", NULL, NULL, NULL);
    }
    g_in_txn = false;
    meta_unlock();
    return st;
}

void meta_rollback(void) {
    if (!meta_held_by_me()) return;
    if (g_in_txn) sqlite3_exec(g_db, "ROLLBACK", NULL, NULL, NULL);
    g_in_txn = false;
    meta_unlock();
}

/* ---------------------------------------------------------------- statements */

static Status bind_args(sqlite3_stmt *st, const char *types, va_list ap, Error *err) {
    int idx = 1;
    for (const char *t = types ? types : ""; *t; t++, idx++) {
        int rc;
        switch (*t) {
        case 'i': rc = sqlite3_bind_int64(st, idx, va_arg(ap, int64_t)); break;
        case 'I': {
            int64_t v = va_arg(ap, int64_t);
            rc = v ? sqlite3_bind_int64(st, idx, v) : sqlite3_bind_null(st, idx);
            break;
        }
        case 'd': rc = sqlite3_bind_double(st, idx, va_arg(ap, double)); break;
        case 't': {
            const char *s = va_arg(ap, const char *);
            rc = s ? sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, idx);
            break;
        }
        case 'b': {
            const void *p = va_arg(ap, const void *);
            int64_t n = va_arg(ap, int64_t);
            rc = sqlite3_bind_blob64(st, idx, p ? p : "", (sqlite3_uint64)n, SQLITE_TRANSIENT);
            break;
        }
        case 'n': rc = sqlite3_bind_null(st, idx); break;
        default: return err_set(err, ERR_INTERNAL, "meta: unknown parameter type '%c' in \"%s\"", *t, types);
        }
        if (rc != SQLITE_OK) return sql_error(err, "bind");
    }
    return STATUS_OK;
}

static Status prepare_locked(Error *err, sqlite3_stmt **out, const char *sql, const char *types, va_list ap) {
    *out = NULL;
    if (sqlite3_prepare_v2(g_db, sql, -1, out, NULL) != SQLITE_OK) {
        err_set(err, ERR_IO, "metadata database %s: cannot prepare \"%.200s\": %s", g_path, sql,
                sqlite3_errmsg(g_db));
        return STATUS_ERROR;
    }
    if (bind_args(*out, types, ap, err)) {
        sqlite3_finalize(*out);
        *out = NULL;
        return STATUS_ERROR;
    }
    return STATUS_OK;
}

/* Takes the lock for one call when the thread does not already hold it; returns whether it did. */
static bool lock_if_needed(void) {
    if (meta_held_by_me()) return false;
    meta_lock();
    return true;
}

Status meta_exec(const char *sql, Error *err) {
    if (!g_db) return err_set(err, ERR_INTERNAL, "metadata database not open");
    bool took = lock_if_needed();
    Status st = exec_locked(sql, err);
    if (took) meta_unlock();
    return st;
}

static _Thread_local int64_t t_changes;

int64_t meta_changes(void) {
    return t_changes;
}

Status meta_run(Error *err, const char *sql, const char *types, ...) {
    if (!g_db) return err_set(err, ERR_INTERNAL, "metadata database not open");
    bool took = lock_if_needed();
    sqlite3_stmt *st = NULL;
    va_list ap;
    va_start(ap, types);
    Status s = prepare_locked(err, &st, sql, types, ap);
    va_end(ap);
    if (!s) {
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        }
        if (rc != SQLITE_DONE) {
            err_set(err, ERR_IO, "metadata database %s: \"%.200s\" failed: %s", g_path, sql, sqlite3_errmsg(g_db));
            s = STATUS_ERROR;
        }
        t_changes = sqlite3_changes64(g_db);
    }
    sqlite3_finalize(st);
    if (took) meta_unlock();
    return s;
}

Status meta_query_int(Error *err, int64_t *out, bool *found, const char *sql, const char *types, ...) {
    if (!g_db) return err_set(err, ERR_INTERNAL, "metadata database not open");
    bool took = lock_if_needed();
    sqlite3_stmt *st = NULL;
    va_list ap;
    va_start(ap, types);
    Status s = prepare_locked(err, &st, sql, types, ap);
    va_end(ap);
    if (found) *found = false;
    if (!s) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            if (found) *found = true;
            *out = sqlite3_column_int64(st, 0);
        } else if (rc != SQLITE_DONE) {
            err_set(err, ERR_IO, "metadata database %s: \"%.200s\" failed: %s", g_path, sql, sqlite3_errmsg(g_db));
            s = STATUS_ERROR;
        }
    }
    sqlite3_finalize(st);
    if (took) meta_unlock();
    return s;
}

Status meta_prepare(Error *err, sqlite3_stmt **out, const char *sql, const char *types, ...) {
    *out = NULL;
    if (!g_db) return err_set(err, ERR_INTERNAL, "metadata database not open");
    if (!meta_held_by_me())
        return err_set(err, ERR_INTERNAL, "meta_prepare without the meta lock (\"%.100s\")", sql);
    va_list ap;
    va_start(ap, types);
    Status s = prepare_locked(err, out, sql, types, ap);
    va_end(ap);
    return s;
}

Status meta_step(sqlite3_stmt *st, bool *row, Error *err) {
    int rc = sqlite3_step(st);
    *row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) return STATUS_OK;
    return err_set(err, ERR_IO, "metadata database %s: \"%.200s\" failed: %s", g_path, sqlite3_sql(st),
                   sqlite3_errmsg(g_db));
}

void meta_finalize(sqlite3_stmt *st) {
    sqlite3_finalize(st);
}

int64_t meta_col_int(sqlite3_stmt *st, int col) {
    return sqlite3_column_int64(st, col);
}

const char *meta_col_text(sqlite3_stmt *st, int col) {
    const unsigned char *s = sqlite3_column_text(st, col);
    return s ? (const char *)s : "";
}

bool meta_col_isnull(sqlite3_stmt *st, int col) {
    return sqlite3_column_type(st, col) == SQLITE_NULL;
}

/* ---------------------------------------------------------------- migrations */

int meta_schema_version(const char *component) {
    int64_t v = 0;
    bool found = false;
    Error e = ERROR_INIT;
    if (meta_query_int(&e, &v, &found, "SELECT MAX(version) FROM schema_migration WHERE component = ?", "t",
                       component))
        return 0;
    return (int)v;
}

Status meta_migrate(const char *component, int version, const char *sql, Error *err) {
    if (meta_begin(err)) return STATUS_ERROR;
    int64_t have = 0;
    bool found = false;
    Status st = meta_query_int(err, &have, &found,
                               "SELECT 1 FROM schema_migration WHERE component = ? AND version = ?", "ti",
                               component, (int64_t)version);
    if (!st && !found) {
        st = exec_locked(sql, err);
        if (!st)
            st = meta_run(err, "INSERT INTO schema_migration(component, version, applied_ms) VALUES(?, ?, ?)",
                          "tii", component, (int64_t)version, clock_now_ms());
        if (st) err_prefix(err, "while applying schema migration %s/%d: ", component, version);
    }
    if (st) {
        meta_rollback();
        return STATUS_ERROR;
    }
    return meta_commit(err);
}
