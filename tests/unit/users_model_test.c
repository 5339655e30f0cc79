/* Unit tests for the users model and privilege checks: global/db/table resolution, roles
 * (built-in, nested, public), revoke, validation errors, SHOW GRANTS lines, SQLite round trip. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/privilege.h"
#include "catalog/users.h"
#include "catalog/users_store.h"
#include "test.h"

static GranteeRef user(const char *name) {
    GranteeRef r = {name, "%"};
    return r;
}

static GranteeRef role(const char *name) {
    GranteeRef r = {name, NULL};
    return r;
}

static PrivSet privs_of(const UserDb *db, const char *name, const char *obj_db,
                        const char *obj_table) {
    return userdb_privs_on(db, userdb_find_user(db, name, "%"), obj_db, obj_table);
}

TEST(default_state) {
    UserDb *db = userdb_new_default();
    const Grantee *root = userdb_find_login(db, "root", "10.2.3.4");
    CHECK(root != NULL);
    CHECK_STR(root->password, "");
    CHECK_INT(userdb_privs_on(db, root, NULL, NULL), PRIV_OBJECT_ALL | PRIV_SYSTEM_ALL);
    CHECK_INT(userdb_privs_on(db, root, "d", "t"), PRIV_OBJECT_ALL | PRIV_SYSTEM_ALL);
    CHECK(userdb_find_role(db, "db_admin") != NULL);
    CHECK(userdb_find_role(db, "cluster_admin") != NULL);
    CHECK(userdb_find_role(db, "user_admin") != NULL);
    CHECK(userdb_find_role(db, "public") != NULL);
    CHECK(userdb_find_login(db, "nobody", "1.1.1.1") == NULL);
    userdb_free(db);
}

TEST(scopes) {
    Error err = ERROR_INIT;
    UserDb *db = userdb_new_default();
    CHECK_OK(userdb_create_user(db, "u", "%", "", false, &err), &err);
    CHECK_INT(privs_of(db, "u", "d", "t"), 0);
    CHECK_OK(userdb_grant(db, user("u"), GRANT_SCOPE_TABLE, "d", "t", PRIV_SELECT, &err), &err);
    CHECK_INT(privs_of(db, "u", "d", "t"), PRIV_SELECT);
    CHECK_INT(privs_of(db, "u", "D", "t"), PRIV_SELECT); /* database names are case-insensitive */
    CHECK_INT(privs_of(db, "u", "d", "T"), 0);           /* table names are not */
    CHECK_INT(privs_of(db, "u", "d", "t2"), 0);
    CHECK_INT(privs_of(db, "u", "d", NULL), 0); /* a table grant does not cover its database */
    CHECK_OK(userdb_grant(db, user("u"), GRANT_SCOPE_DATABASE, "d", NULL, PRIV_INSERT | PRIV_CREATE,
                          &err),
             &err);
    CHECK_INT(privs_of(db, "u", "d", "t"), PRIV_SELECT | PRIV_INSERT | PRIV_CREATE);
    CHECK_INT(privs_of(db, "u", "d", "t2"),
              PRIV_INSERT | PRIV_CREATE); /* db.* covers every table */
    CHECK_INT(privs_of(db, "u", "d", NULL), PRIV_INSERT | PRIV_CREATE);
    CHECK_INT(privs_of(db, "u", "e", "t"), 0);
    CHECK_INT(privs_of(db, "u", NULL, NULL), 0);
    CHECK_OK(
        userdb_grant(db, user("u"), GRANT_SCOPE_GLOBAL, NULL, NULL, PRIV_DROP | PRIV_ADMIN, &err),
        &err);
    /* *.* covers everything; ADMIN implies REPOSITORY and OPERATE */
    CHECK_INT(privs_of(db, "u", "e", "x"), PRIV_DROP | PRIV_ADMIN | PRIV_REPOSITORY | PRIV_OPERATE);
    CHECK_INT(privs_of(db, "u", NULL, NULL),
              PRIV_DROP | PRIV_ADMIN | PRIV_REPOSITORY | PRIV_OPERATE);
    CHECK(userdb_any_in_db(db, userdb_find_user(db, "u", "%"), "zzz")); /* global DROP */
    userdb_free(db);
}

TEST(any_in_db) {
    Error err = ERROR_INIT;
    UserDb *db = userdb_new_default();
    CHECK_OK(userdb_create_user(db, "u", "%", "", false, &err), &err);
    const Grantee *u = userdb_find_user(db, "u", "%");
    CHECK(!userdb_any_in_db(db, u, "d"));
    CHECK_OK(
        userdb_grant(db, user("u"), GRANT_SCOPE_GLOBAL, NULL, NULL, PRIV_USAGE | PRIV_ADMIN, &err),
        &err);
    u = userdb_find_user(db, "u", "%");
    CHECK(!userdb_any_in_db(db, u, "d")); /* USAGE and system privileges do not reveal databases */
    CHECK_OK(userdb_grant(db, user("u"), GRANT_SCOPE_TABLE, "d", "t", PRIV_SELECT, &err), &err);
    u = userdb_find_user(db, "u", "%");
    CHECK(userdb_any_in_db(db, u, "d"));
    CHECK(!userdb_any_in_db(db, u, "e"));
    userdb_free(db);
}

TEST(revoke) {
    Error err = ERROR_INIT;
    UserDb *db = userdb_new_default();
    CHECK_OK(userdb_create_user(db, "u", "%", "", false, &err), &err);
    CHECK_OK(userdb_grant(db, user("u"), GRANT_SCOPE_DATABASE, "d", NULL, PRIV_SELECT | PRIV_INSERT,
                          &err),
             &err);
    CHECK_OK(userdb_revoke(db, user("u"), GRANT_SCOPE_DATABASE, "d", NULL, PRIV_INSERT, &err),
             &err);
    CHECK_INT(privs_of(db, "u", "d", "t"), PRIV_SELECT);
    /* revoking what is not held at that object: 1141, nothing changes */
    CHECK_INT(userdb_revoke(db, user("u"), GRANT_SCOPE_DATABASE, "d", NULL, PRIV_INSERT, &err),
              STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1141);
    CHECK_STR(err.msg, "There is no such grant defined for user 'u' on host '%'");
    CHECK_INT(userdb_revoke(db, user("u"), GRANT_SCOPE_TABLE, "d", "t", PRIV_SELECT, &err),
              STATUS_ERROR);
    CHECK_INT(userdb_revoke(db, user("u"), GRANT_SCOPE_GLOBAL, NULL, NULL, PRIV_SELECT, &err),
              STATUS_ERROR);
    CHECK_INT(privs_of(db, "u", "d", "t"), PRIV_SELECT);
    CHECK_OK(userdb_revoke(db, user("u"), GRANT_SCOPE_DATABASE, "D", NULL, PRIV_OBJECT_ALL, &err),
             &err);
    CHECK_INT(privs_of(db, "u", "d", "t"), 0);
    CHECK_INT(userdb_find_user(db, "u", "%")->grants.len, 0); /* the empty grant row is gone */
    userdb_free(db);
}

TEST(roles) {
    Error err = ERROR_INIT;
    UserDb *db = userdb_new_default();
    CHECK_OK(userdb_create_user(db, "u", "%", "", false, &err), &err);
    CHECK_OK(userdb_create_role(db, "analyst", false, &err), &err);
    CHECK_OK(userdb_create_role(db, "reader", false, &err), &err);
    CHECK_OK(
        userdb_grant(db, role("reader"), GRANT_SCOPE_DATABASE, "sales", NULL, PRIV_SELECT, &err),
        &err);
    CHECK_OK(userdb_grant(db, role("analyst"), GRANT_SCOPE_TABLE, "sales", "t", PRIV_EXPORT, &err),
             &err);
    CHECK_OK(userdb_grant_role(db, "reader", role("analyst"), &err), &err);
    CHECK_INT(privs_of(db, "u", "sales", "t"), 0);
    CHECK_OK(userdb_grant_role(db, "analyst", user("u"), &err), &err);
    /* nested roles apply at once */
    CHECK_INT(privs_of(db, "u", "sales", "t"), PRIV_SELECT | PRIV_EXPORT);
    /* cycles are refused */
    CHECK_INT(userdb_grant_role(db, "analyst", role("reader"), &err), STATUS_ERROR);
    CHECK_STR(err.msg, "Granting role 'analyst' to role 'reader' would create a cycle of roles");
    CHECK_INT(userdb_grant_role(db, "reader", role("reader"), &err), STATUS_ERROR);
    /* public applies to everyone */
    CHECK_OK(userdb_grant(db, role("public"), GRANT_SCOPE_TABLE, "info", "v", PRIV_SELECT, &err),
             &err);
    CHECK_INT(privs_of(db, "u", "info", "v"), PRIV_SELECT);
    /* built-in roles */
    CHECK_OK(userdb_grant_role(db, "db_admin", user("u"), &err), &err);
    CHECK_INT(privs_of(db, "u", NULL, NULL),
              PRIV_OBJECT_ALL | PRIV_ADMIN | PRIV_REPOSITORY | PRIV_OPERATE);
    CHECK_INT(privs_of(db, "u", NULL, NULL) & PRIV_GRANT, 0);
    CHECK_INT(userdb_grant(db, role("db_admin"), GRANT_SCOPE_GLOBAL, NULL, NULL, PRIV_GRANT, &err),
              STATUS_ERROR);
    CHECK_STR(err.msg, "Role 'db_admin' is built in: its privileges cannot be changed");
    CHECK_INT(userdb_drop_role(db, "user_admin", false, &err), STATUS_ERROR);
    CHECK_OK(userdb_revoke_role(db, "db_admin", user("u"), &err), &err);
    CHECK_INT(privs_of(db, "u", NULL, NULL), 0);
    /* revoke a role not held: 1141 */
    CHECK_INT(userdb_revoke_role(db, "db_admin", user("u"), &err), STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1141);
    CHECK_INT(userdb_grant_role(db, "nosuch", user("u"), &err), STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 3523);
    /* dropping a role removes it from its holders */
    CHECK_OK(userdb_drop_role(db, "reader", false, &err), &err);
    CHECK_INT(privs_of(db, "u", "sales", "t"), PRIV_EXPORT);
    CHECK_INT(userdb_find_role(db, "analyst")->roles.len, 0);
    CHECK_OK(userdb_drop_role(db, "reader", true, &err), &err);
    CHECK_INT(userdb_drop_role(db, "reader", false, &err), STATUS_ERROR);
    /* root keeps its role */
    CHECK_INT(userdb_revoke_role(db, "root", user("root"), &err), STATUS_ERROR);
    userdb_free(db);
}

TEST(user_errors) {
    Error err = ERROR_INIT;
    UserDb *db = userdb_new_default();
    CHECK_OK(userdb_create_user(db, "u", "%", "", false, &err), &err);
    CHECK_INT(userdb_create_user(db, "u", "%", "", false, &err), STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1396);
    CHECK_STR(err.msg, "Operation CREATE USER failed for 'u'@'%': the user already exists");
    CHECK_OK(userdb_create_user(db, "u", "%", "*AA", true, &err), &err);
    CHECK_STR(userdb_find_user(db, "u", "%")->password, ""); /* IF NOT EXISTS left it alone */
    CHECK_OK(userdb_create_user(db, "u", "10.0.0.1", "", false, &err), &err); /* another account */
    CHECK_INT(userdb_drop_user(db, "root", "%", false, &err), STATUS_ERROR);
    CHECK_STR(err.msg,
              "Operation DROP USER failed for 'root'@'%': the root user cannot be dropped");
    CHECK_INT(userdb_drop_user(db, "v", "%", false, &err), STATUS_ERROR);
    CHECK_STR(err.msg, "Operation DROP USER failed for 'v'@'%': no such user");
    CHECK_OK(userdb_drop_user(db, "v", "%", true, &err), &err);
    CHECK_INT(userdb_grant(db, user("v"), GRANT_SCOPE_GLOBAL, NULL, NULL, PRIV_SELECT, &err),
              STATUS_ERROR);
    CHECK_STR(err.msg, "User 'v'@'%' does not exist (create it with CREATE USER first)");
    CHECK_INT(userdb_grant(db, user("u"), GRANT_SCOPE_DATABASE, "d", NULL, PRIV_ADMIN, &err),
              STATUS_ERROR);
    CHECK_STR(
        err.msg,
        "ADMIN is a system privilege: grant it ON SYSTEM (or ON *.*), not on a database or table");
    CHECK_INT(
        userdb_grant(db, user("u"), GRANT_SCOPE_TABLE, "d", "t", PRIV_SELECT | PRIV_CREATE, &err),
        STATUS_ERROR);
    CHECK_INT(userdb_find_user(db, "u", "%")->grants.len, 0); /* nothing half-applied */
    CHECK_INT(userdb_create_user(db, "", "%", "", false, &err), STATUS_ERROR);
    CHECK_INT(userdb_set_password(db, "nobody", "%", "", &err), STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1133);
    CHECK_OK(userdb_drop_user(db, "u", "%", false, &err), &err);
    CHECK(userdb_find_user(db, "u", "%") == NULL);
    CHECK(userdb_find_user(db, "u", "10.0.0.1") != NULL);
    userdb_free(db);
}

TEST(host_matching) {
    CHECK(userdb_host_matches("%", "1.2.3.4"));
    CHECK(userdb_host_matches("1.2.3.4", "1.2.3.4"));
    CHECK(!userdb_host_matches("1.2.3.4", "1.2.3.5"));
    CHECK(userdb_host_matches("192.168.%", "192.168.7.1"));
    CHECK(!userdb_host_matches("192.168.%", "10.168.7.1"));
    CHECK(userdb_host_matches("localhost", "127.0.0.1"));
    CHECK(userdb_host_matches("localhost", "::1"));
    CHECK(!userdb_host_matches("localhost", "10.0.0.1"));
}

static void check_lines(const UserDb *db, const Grantee *g, const char *const *want, int n) {
    GrantLines lines = {0};
    userdb_grant_lines(db, g, &lines);
    CHECK_INT(lines.len, n);
    for (int i = 0; i < n && i < (int)lines.len; i++)
        CHECK_STR(lines.items[i].text, want[i]);
    grant_lines_free(&lines);
}

TEST(grant_lines) {
    Error err = ERROR_INIT;
    UserDb *db = userdb_new_default();
    const char *root_want[] = {"GRANT 'root' TO 'root'@'%'"};
    check_lines(db, userdb_find_user(db, "root", "%"), root_want, 1);
    CHECK_OK(userdb_create_user(db, "u", "%", "", false, &err), &err);
    CHECK_OK(userdb_create_role(db, "r1", false, &err), &err);
    CHECK_OK(userdb_grant_role(db, "r1", user("u"), &err), &err);
    CHECK_OK(userdb_grant_role(db, "db_admin", user("u"), &err), &err);
    CHECK_OK(
        userdb_grant(db, user("u"), GRANT_SCOPE_TABLE, "db", "t", PRIV_SELECT | PRIV_INSERT, &err),
        &err);
    CHECK_OK(userdb_grant(db, user("u"), GRANT_SCOPE_TABLE, "db", "a b", PRIV_EXPORT, &err), &err);
    CHECK_OK(userdb_grant(db, user("u"), GRANT_SCOPE_DATABASE, "db", NULL, PRIV_CREATE | PRIV_DROP,
                          &err),
             &err);
    CHECK_OK(userdb_grant(db, user("u"), GRANT_SCOPE_GLOBAL, NULL, NULL,
                          PRIV_SELECT | PRIV_ADMIN | PRIV_GRANT, &err),
             &err);
    const char *want[] = {
        "GRANT 'r1', 'db_admin' TO 'u'@'%'",
        "GRANT ADMIN, GRANT ON SYSTEM TO USER 'u'@'%'",
        "GRANT SELECT ON ALL TABLES IN ALL DATABASES TO USER 'u'@'%'",
        "GRANT CREATE ON DATABASE db TO USER 'u'@'%'",
        "GRANT DROP ON ALL TABLES IN DATABASE db TO USER 'u'@'%'",
        "GRANT EXPORT ON TABLE db.`a b` TO USER 'u'@'%'",
        "GRANT SELECT, INSERT ON TABLE db.t TO USER 'u'@'%'",
    };
    check_lines(db, userdb_find_user(db, "u", "%"), want, 7);
    GrantLines lines = {0};
    userdb_grant_lines(db, userdb_find_user(db, "u", "%"), &lines);
    CHECK(lines.items[0].catalog == NULL);
    CHECK(lines.items[1].catalog == NULL);
    CHECK_STR(lines.items[2].catalog, "default_catalog");
    grant_lines_free(&lines);
    CHECK_OK(userdb_grant_role(db, "r1", role("public"), &err), &err);
    CHECK_OK(userdb_grant(db, role("r1"), GRANT_SCOPE_TABLE, "db", "t", PRIV_SELECT, &err), &err);
    const char *role_want[] = {"GRANT SELECT ON TABLE db.t TO ROLE 'r1'"};
    check_lines(db, userdb_find_role(db, "r1"), role_want, 1);
    userdb_free(db);
}

TEST(clone_is_deep) {
    Error err = ERROR_INIT;
    UserDb *a = userdb_new_default();
    CHECK_OK(userdb_create_user(a, "u", "%", "", false, &err), &err);
    CHECK_OK(userdb_grant(a, user("u"), GRANT_SCOPE_TABLE, "d", "t", PRIV_SELECT, &err), &err);
    UserDb *b = userdb_clone(a);
    CHECK_OK(userdb_revoke(b, user("u"), GRANT_SCOPE_TABLE, "d", "t", PRIV_SELECT, &err), &err);
    CHECK_OK(userdb_drop_user(b, "u", "%", false, &err), &err);
    CHECK_INT(privs_of(a, "u", "d", "t"), PRIV_SELECT);
    userdb_free(a);
    userdb_free(b);
}

static char tmpdir[64];

static sqlite3 *open_db(void) {
    char path[128];
    snprintf(path, sizeof path, "%s/meta.db", tmpdir);
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    return db;
}

TEST(store_round_trip) {
    Error err = ERROR_INIT;
    sqlite3 *sq = open_db();
    CHECK_OK(users_store_create_tables(sq, &err), &err);
    UserDb *empty = NULL;
    CHECK_OK(users_store_load(sq, &empty, &err), &err);
    CHECK_INT(empty->users.len, 1); /* an empty database loads as the default state */
    userdb_free(empty);

    UserDb *db = userdb_new_default();
    char h[AUTH_HASH_LEN + 1];
    auth_password_hash("pw", h);
    CHECK_OK(userdb_set_password(db, "root", "%", h, &err), &err);
    CHECK_OK(userdb_create_user(db, "u", "10.%", h, false, &err), &err);
    CHECK_OK(userdb_create_role(db, "r1", false, &err), &err);
    CHECK_OK(userdb_create_role(db, "r2", false, &err), &err);
    CHECK_OK(userdb_grant_role(db, "r1", role("r2"), &err), &err);
    CHECK_OK(userdb_grant_role(db, "r2", (GranteeRef){"u", "10.%"}, &err), &err);
    CHECK_OK(userdb_grant_role(db, "user_admin", (GranteeRef){"u", "10.%"}, &err), &err);
    CHECK_OK(userdb_grant(db, role("r1"), GRANT_SCOPE_DATABASE, "d", NULL, PRIV_SELECT, &err),
             &err);
    CHECK_OK(userdb_grant(db, role("public"), GRANT_SCOPE_TABLE, "d", "pub", PRIV_SELECT, &err),
             &err);
    CHECK_OK(userdb_grant(db, (GranteeRef){"u", "10.%"}, GRANT_SCOPE_GLOBAL, NULL, NULL, PRIV_ADMIN,
                          &err),
             &err);
    CHECK_INT(sqlite3_exec(sq, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    CHECK_OK(users_store_save(sq, db, &err), &err);
    CHECK_INT(sqlite3_exec(sq, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(sq);

    sq = open_db();
    UserDb *back = NULL;
    CHECK_OK(users_store_load(sq, &back, &err), &err);
    if (back) {
        CHECK_INT(back->users.len, 2);
        CHECK_INT(back->roles.len, 7); /* 5 built-in + r1 + r2 */
        CHECK_STR(userdb_find_user(back, "root", "%")->password, h);
        const Grantee *u = userdb_find_login(back, "u", "10.9.9.9");
        CHECK(u != NULL);
        CHECK_INT(userdb_privs_on(back, u, "d", "t"),
                  PRIV_SELECT | PRIV_ADMIN | PRIV_GRANT | PRIV_REPOSITORY | PRIV_OPERATE);
        CHECK_INT(userdb_privs_on(back, u, "d", "pub"),
                  PRIV_SELECT | PRIV_ADMIN | PRIV_GRANT | PRIV_REPOSITORY | PRIV_OPERATE);
        CHECK_INT(userdb_privs_on(back, u, "e", "pub"),
                  PRIV_ADMIN | PRIV_GRANT | PRIV_REPOSITORY | PRIV_OPERATE);
        /* built-in roles keep their fixed privileges, which are not stored */
        CHECK_INT(userdb_privs_on(back, userdb_find_user(back, "root", "%"), NULL, NULL),
                  PRIV_OBJECT_ALL | PRIV_SYSTEM_ALL);
        GrantLines a = {0}, b = {0};
        userdb_grant_lines(db, userdb_find_user(db, "u", "10.%"), &a);
        userdb_grant_lines(back, u, &b);
        CHECK_INT(a.len, b.len);
        for (size_t i = 0; i < a.len && i < b.len; i++)
            CHECK_STR(b.items[i].text, a.items[i].text);
        grant_lines_free(&a);
        grant_lines_free(&b);
    }
    int64_t nbuiltin = -1;
    sqlite3_stmt *st;
    CHECK_INT(sqlite3_prepare_v2(sq,
                                 "SELECT count(*) FROM auth_grants WHERE grantee_name = 'db_admin'",
                                 -1, &st, NULL),
              SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) nbuiltin = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    CHECK_INT(nbuiltin, 0);
    sqlite3_close(sq);
    userdb_free(db);
    userdb_free(back);
}

TEST(store_corrupt_row) {
    Error err = ERROR_INIT;
    sqlite3 *sq = open_db();
    CHECK_INT(sqlite3_exec(sq, "INSERT INTO auth_grants VALUES ('ghost', '%', 0, '', '', 1)", NULL,
                           NULL, NULL),
              SQLITE_OK);
    UserDb *back = NULL;
    CHECK_INT(users_store_load(sq, &back, &err), STATUS_ERROR);
    CHECK(back == NULL);
    CHECK_INT(err.code, ERR_CORRUPT);
    CHECK(strstr(err.msg, "'ghost'@'%'") != NULL);
    CHECK_INT(
        sqlite3_exec(sq, "DELETE FROM auth_grants WHERE grantee_name = 'ghost'", NULL, NULL, NULL),
        SQLITE_OK);
    CHECK_INT(sqlite3_exec(sq, "UPDATE auth_users SET password = 'plain' WHERE name = 'u'", NULL,
                           NULL, NULL),
              SQLITE_OK);
    CHECK_INT(users_store_load(sq, &back, &err), STATUS_ERROR);
    CHECK_INT(err.code, ERR_CORRUPT);
    sqlite3_close(sq);
}

/* ---- priv_check through the live state: the messages a client sees ---- */

static Status setup_live(UserDb *db, void *ctx, Error *err) {
    if (userdb_create_user(db, "u", "%", "", false, err)) return STATUS_ERROR;
    if (userdb_grant(db, (GranteeRef){"u", "%"}, GRANT_SCOPE_TABLE, "d", "t", PRIV_SELECT, err))
        return STATUS_ERROR;
    if (userdb_create_user(db, "adm", "%", "", false, err)) return STATUS_ERROR;
    return userdb_grant_role(db, "db_admin", (GranteeRef){"adm", "%"}, err);
}

static Session make_session(const char *name, const char *host, const char *cur_db) {
    Session s;
    memset(&s, 0, sizeof s);
    snprintf(s.user, sizeof s.user, "%s", name);
    snprintf(s.client_host, sizeof s.client_host, "%s", host);
    snprintf(s.db, sizeof s.db, "%s", cur_db);
    return s;
}

TEST(priv_check_messages) {
    Error err = ERROR_INIT;
    users_shutdown();
    CHECK_OK(users_mutate(setup_live, NULL, &err), &err);
    Session u = make_session("u", "10.0.0.1", "d");
    CHECK_OK(priv_check(&u, PRIV_SELECT, "d", "t", &err), &err);
    CHECK_OK(priv_check(&u, PRIV_SELECT, NULL, "t", &err), &err); /* current database */
    CHECK_INT(priv_check(&u, PRIV_INSERT, "d", "t", &err), STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1142);
    CHECK_STR(err.msg, "INSERT command denied to user 'u'@'%' for table 't'");
    CHECK_INT(priv_check(&u, PRIV_CREATE, "d", NULL, &err), STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1044);
    CHECK_STR(err.msg,
              "Access denied for user 'u'@'%' to database 'd': the CREATE privilege is needed");
    CHECK_INT(priv_check_admin(&u, &err), STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1227);
    CHECK_STR(
        err.msg,
        "Access denied; you need (at least one of) the ADMIN privilege(s) for this operation");
    CHECK_INT(priv_check_grant(&u, &err), STATUS_ERROR);
    CHECK_STR(
        err.msg,
        "Access denied; you need (at least one of) the GRANT privilege(s) for this operation");
    CHECK(priv_has(&u, PRIV_SELECT, "d", "t"));
    CHECK(!priv_has(&u, PRIV_SELECT, "d", "t2"));
    CHECK(priv_has_any_in_db(&u, "d"));
    CHECK(!priv_has_any_in_db(&u, "e"));

    Session nodb = make_session("u", "10.0.0.1", "");
    CHECK_INT(priv_check(&nodb, PRIV_SELECT, NULL, "t", &err), STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1046);

    Session adm = make_session("adm", "10.0.0.1", "");
    CHECK_OK(priv_check_admin(&adm, &err), &err);
    CHECK_OK(priv_check(&adm, PRIV_REPOSITORY, NULL, NULL, &err), &err);
    CHECK_OK(priv_check(&adm, PRIV_DROP, "any", "thing", &err), &err);
    CHECK_INT(priv_check_grant(&adm, &err), STATUS_ERROR);

    Session root = make_session("root", "127.0.0.1", "");
    CHECK_OK(priv_check_admin(&root, &err), &err);
    CHECK_OK(priv_check_grant(&root, &err), &err);
    /* internal sessions and NULL skip checks */
    Session internal = make_session("nobody", "", "");
    internal.internal = true;
    CHECK_OK(priv_check_admin(&internal, &err), &err);
    CHECK_OK(priv_check_admin(NULL, &err), &err);
    /* an account that no longer exists has no privileges */
    Session ghost = make_session("ghost", "10.0.0.1", "");
    CHECK_INT(priv_check(&ghost, PRIV_SELECT, "d", "t", &err), STATUS_ERROR);
    CHECK_STR(err.msg, "SELECT command denied to user 'ghost'@'10.0.0.1' for table 't'");
    users_shutdown();
}

TEST(parse_names) {
    Error err = ERROR_INIT;
    PrivSet p = 0;
    CHECK_OK(priv_parse_name("select", &p, &err), &err);
    CHECK_INT(p, PRIV_SELECT);
    CHECK_OK(priv_parse_name("ALL PRIVILEGES", &p, &err), &err);
    CHECK_INT(p, PRIV_OBJECT_ALL);
    CHECK_OK(priv_parse_name("CREATE TABLE", &p, &err), &err);
    CHECK_INT(p, PRIV_CREATE);
    CHECK_OK(priv_parse_name("LOAD_PRIV", &p, &err), &err);
    CHECK_INT(p, PRIV_INSERT | PRIV_UPDATE | PRIV_DELETE);
    CHECK_OK(priv_parse_name("admin_priv", &p, &err), &err);
    CHECK_INT(p, PRIV_ADMIN);
    CHECK_OK(priv_parse_name("REPOSITORY", &p, &err), &err);
    CHECK_INT(p, PRIV_REPOSITORY);
    CHECK_INT(priv_parse_name("FLY", &p, &err), STATUS_ERROR);
    CHECK(strncmp(err.msg, "Unknown privilege 'FLY'", 23) == 0);
    CHECK_STR(priv_name(PRIV_EXPORT), "EXPORT");
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cairn-users-model-XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    RUN(default_state);
    RUN(scopes);
    RUN(any_in_db);
    RUN(revoke);
    RUN(roles);
    RUN(user_errors);
    RUN(host_matching);
    RUN(grant_lines);
    RUN(clone_is_deep);
    RUN(store_round_trip);
    RUN(store_corrupt_row);
    RUN(priv_check_messages);
    RUN(parse_names);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    TEST_EXIT();
}
