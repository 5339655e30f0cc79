/* Unit tests for the live users state on the real metadata store (meta_open on a temp data dir):
 * reload after close, durability across kill -9 of a child process right after a statement
 * returned, no change in memory when the store refuses a write, and privilege checks running
 * concurrently with mutations. */
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog/meta_store.h"
#include "catalog/privilege.h"
#include "catalog/users.h"
#include "test.h"

static char datadir[64];

static void open_all(void) {
    Error err = ERROR_INIT;
    CHECK_OK(meta_open(datadir, &err), &err);
    CHECK_OK(users_init(&err), &err);
}

static void close_all(void) {
    users_shutdown();
    meta_close();
}

static Status add_erin(UserDb *db, void *ctx, Error *err) {
    char h[AUTH_HASH_LEN + 1];
    auth_password_hash("erinpw", h);
    if (userdb_create_user(db, "erin", "%", h, false, err)) return STATUS_ERROR;
    return userdb_grant(db, (GranteeRef){"erin", "%"}, GRANT_SCOPE_DATABASE, "d", NULL, PRIV_SELECT,
                        err);
}

static Session sess(const char *name) {
    Session s;
    memset(&s, 0, sizeof s);
    snprintf(s.user, sizeof s.user, "%s", name);
    snprintf(s.client_host, sizeof s.client_host, "10.0.0.1");
    return s;
}

TEST(reload_after_close) {
    Error err = ERROR_INIT;
    open_all();
    CHECK_OK(users_mutate(add_erin, NULL, &err), &err);
    close_all();
    open_all();
    Session erin = sess("erin");
    CHECK_OK(priv_check(&erin, PRIV_SELECT, "d", "t", &err), &err);
    CHECK_INT(meta_schema_version("users"), 1);
    close_all();
}

static Status add_frank(UserDb *db, void *ctx, Error *err) {
    return userdb_create_user(db, "frank", "%", "", false, err);
}

TEST(durable_across_kill9) {
    pid_t pid = fork();
    if (pid == 0) {
        Error err = ERROR_INIT;
        if (meta_open(datadir, &err) || users_init(&err) || users_mutate(add_frank, NULL, &err))
            _exit(3);
        raise(SIGKILL); /* no close, no clean shutdown: the statement had returned OK */
        _exit(4);
    }
    int status = 0;
    CHECK_INT(waitpid(pid, &status, 0), pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    open_all();
    const UserDb *db = users_acquire();
    CHECK(userdb_find_user(db, "frank", "%") != NULL);
    CHECK(userdb_find_user(db, "erin", "%") != NULL);
    users_release();
    close_all();
}

static Status add_gina(UserDb *db, void *ctx, Error *err) {
    return userdb_create_user(db, "gina", "%", "", false, err);
}

TEST(store_failure_changes_nothing) {
    Error err = ERROR_INIT;
    open_all();
    /* Make the connection refuse writes: the mutation must fail and leave memory as it was. */
    meta_lock();
    CHECK_INT(sqlite3_exec(meta_db(), "PRAGMA query_only = 1", NULL, NULL, NULL), SQLITE_OK);
    meta_unlock();
    CHECK_INT(users_mutate(add_gina, NULL, &err), STATUS_ERROR);
    CHECK_INT(err.code, ERR_IO);
    const UserDb *db = users_acquire();
    CHECK(userdb_find_user(db, "gina", "%") == NULL);
    users_release();
    meta_lock();
    CHECK_INT(sqlite3_exec(meta_db(), "PRAGMA query_only = 0", NULL, NULL, NULL), SQLITE_OK);
    meta_unlock();
    CHECK_OK(users_mutate(add_gina, NULL, &err), &err);
    close_all();
}

static atomic_int stop_readers;
static atomic_int reader_failures;

static void *reader(void *arg) {
    Session erin = sess("erin");
    Session root = sess("root");
    Error err = ERROR_INIT;
    while (!atomic_load(&stop_readers)) {
        /* erin's SELECT on d is never revoked, root never changes: both must hold in every state */
        if (priv_check(&erin, PRIV_SELECT, "d", "t", &err) || priv_check_admin(&root, &err))
            atomic_fetch_add(&reader_failures, 1);
    }
    return NULL;
}

static Status toggle(UserDb *db, void *ctx, Error *err) {
    int i = *(int *)ctx;
    GranteeRef erin = {"erin", "%"};
    if (i % 2 == 0) return userdb_grant(db, erin, GRANT_SCOPE_TABLE, "d", "t", PRIV_INSERT, err);
    return userdb_revoke(db, erin, GRANT_SCOPE_TABLE, "d", "t", PRIV_INSERT, err);
}

TEST(concurrent_checks_and_mutations) {
    Error err = ERROR_INIT;
    open_all();
    pthread_t th[2];
    atomic_store(&stop_readers, 0);
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, reader, NULL);
    for (int i = 0; i < 60; i++)
        CHECK_OK(users_mutate(toggle, &i, &err), &err);
    atomic_store(&stop_readers, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    CHECK_INT(atomic_load(&reader_failures), 0);
    Session erin = sess("erin");
    CHECK_INT(priv_check(&erin, PRIV_INSERT, "d", "t", &err),
              STATUS_ERROR); /* 60 toggles: revoked */
    close_all();
}

int main(void) {
    snprintf(datadir, sizeof datadir, "/tmp/cairn-users-meta-XXXXXX");
    if (!mkdtemp(datadir)) return 1;
    RUN(reload_after_close);
    RUN(durable_across_kill9);
    RUN(store_failure_changes_nothing);
    RUN(concurrent_checks_and_mutations);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", datadir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", datadir);
    TEST_EXIT();
}
