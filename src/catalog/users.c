/* The live UserDb (catalog/users.h): copy-on-write under a rwlock, persisted through users_store.
 * Readers never see a half-applied change: a mutation works on a private copy, commits it to the
 * metadata database, and only then swaps the pointer. */
#include "catalog/users.h"

#include <pthread.h>

#include "catalog/meta_store.h"
#include "catalog/users_store.h"
#include "util/log.h"

/* live_lock guards `live`; mutate_lock serializes mutations and guards `store`, `store_is_meta`. */
static pthread_rwlock_t live_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t mutate_lock = PTHREAD_MUTEX_INITIALIZER;
static UserDb *live;       /* NULL until first use: then the default state */
static sqlite3 *store;     /* NULL: changes stay in memory */
static bool store_is_meta; /* store is meta_db(): transactions go through meta_begin/meta_commit */

/* Called with live_lock held for writing, or before any reader can exist. */
static void ensure_live_locked(void) {
    if (!live) live = userdb_new_default();
}

const UserDb *users_acquire(void) {
    pthread_rwlock_rdlock(&live_lock);
    if (!live) {
        /* First use without users_init: create the default state under the write lock. */
        pthread_rwlock_unlock(&live_lock);
        pthread_rwlock_wrlock(&live_lock);
        ensure_live_locked();
        pthread_rwlock_unlock(&live_lock);
        pthread_rwlock_rdlock(&live_lock);
    }
    return live;
}

void users_release(void) {
    pthread_rwlock_unlock(&live_lock);
}

static void swap_live(UserDb *next) {
    pthread_rwlock_wrlock(&live_lock);
    UserDb *old = live;
    live = next;
    pthread_rwlock_unlock(&live_lock);
    userdb_free(old);
}

Status users_init_db(sqlite3 *db, Error *err) {
    UserDb *loaded = NULL;
    pthread_mutex_lock(&mutate_lock);
    Status rc = users_store_create_tables(db, err);
    if (!rc) rc = users_store_load(db, &loaded, err);
    if (!rc) {
        store = db;
        store_is_meta = false;
        swap_live(loaded);
        log_info("users: loaded %zu users and %zu roles", loaded->users.len, loaded->roles.len);
    }
    pthread_mutex_unlock(&mutate_lock);
    if (rc) err_prefix(err, "while loading users and grants: ");
    return rc;
}

Status users_init(Error *err) {
    if (!meta_is_open())
        return err_set(err, ERR_INTERNAL, "users_init: the metadata database is not open");
    if (meta_migrate("users", 1, users_store_schema(), err))
        return err_prefix(err, "while loading users and grants: ");
    UserDb *loaded = NULL;
    pthread_mutex_lock(&mutate_lock);
    meta_lock();
    Status rc = users_store_load(meta_db(), &loaded, err);
    meta_unlock();
    if (!rc) {
        store = meta_db();
        store_is_meta = true;
        swap_live(loaded);
        log_info("users: loaded %zu users and %zu roles", loaded->users.len, loaded->roles.len);
    }
    pthread_mutex_unlock(&mutate_lock);
    if (rc) err_prefix(err, "while loading users and grants: ");
    return rc;
}

void users_shutdown(void) {
    pthread_mutex_lock(&mutate_lock);
    store = NULL;
    swap_live(NULL);
    pthread_mutex_unlock(&mutate_lock);
}

static Status save_in_txn(sqlite3 *db, const UserDb *copy, Error *err) {
    if (store_is_meta) {
        if (meta_begin(err)) return STATUS_ERROR;
        if (users_store_save(meta_db(), copy, err)) {
            meta_rollback();
            return STATUS_ERROR;
        }
        return meta_commit(err);
    }
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return err_set(err, ERR_IO, "metadata database: cannot begin a transaction: %s",
                       sqlite3_errmsg(db));
    if (users_store_save(db, copy, err)) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return STATUS_ERROR;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        err_set(err, ERR_IO, "metadata database: cannot commit users and grants: %s",
                sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return STATUS_ERROR;
    }
    return STATUS_OK;
}

Status users_mutate(UsersMutation fn, void *ctx, Error *err) {
    pthread_mutex_lock(&mutate_lock);
    /* Only mutations replace `live`, and they hold mutate_lock: reading it here needs no rwlock. */
    pthread_rwlock_wrlock(&live_lock);
    ensure_live_locked();
    pthread_rwlock_unlock(&live_lock);
    UserDb *copy = userdb_clone(live);
    Status rc = fn(copy, ctx, err);
    if (!rc && store) rc = save_in_txn(store, copy, err);
    if (rc)
        userdb_free(copy);
    else
        swap_live(copy);
    pthread_mutex_unlock(&mutate_lock);
    return rc;
}
