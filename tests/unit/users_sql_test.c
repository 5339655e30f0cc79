/* Unit tests for the user/role/grant statement handlers, driven with hand-built statements (as the
 * parser produces them) through sql_execute_stmt, persisted in a real SQLite file; a "restart"
 * drops the live state and loads it back from that file. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/auth.h"
#include "catalog/privilege.h"
#include "catalog/users.h"
#include "sql/execute.h"
#include "test.h"

static char tmpdir[64];
static sqlite3 *store;

static void start(void) {
    char path[128];
    snprintf(path, sizeof path, "%s/meta.db", tmpdir);
    CHECK_INT(sqlite3_open(path, &store), SQLITE_OK);
    Error err = ERROR_INIT;
    CHECK_OK(users_init_db(store, &err), &err);
}

static void restart(void) {
    users_shutdown();
    sqlite3_close(store);
    store = NULL;
    start();
}

static Session sess(const char *name) {
    Session s;
    memset(&s, 0, sizeof s);
    snprintf(s.user, sizeof s.user, "%s", name);
    snprintf(s.client_host, sizeof s.client_host, "127.0.0.1");
    return s;
}

/* Runs a statement; returns the MySQL errno (0 on success) and keeps the message in last_msg. */
static char last_msg[ERROR_MSG_MAX];
static int run(Session *s, Stmt *st, CollectSink *out) {
    Error err = ERROR_INIT;
    CollectSink local;
    collect_sink_init(&local);
    Status rc = sql_execute_stmt(s, st, out ? &out->sink : &local.sink, &err);
    collect_sink_free(&local);
    snprintf(last_msg, sizeof last_msg, "%s", err.msg);
    return rc ? err_mysql_errno(err.code) : 0;
}

static UserIdent ident(const char *u) {
    UserIdent i = {(char *)u, (char *)"%"};
    return i;
}

static Stmt create_user(const char *u, const char *pw) {
    Stmt st = {0};
    st.kind = STMT_CREATE_USER;
    st.u.create_user.user = ident(u);
    st.u.create_user.password = (char *)pw;
    return st;
}

static Stmt grant(StmtKind kind, const char *priv, GrantObjType obj, const char *db,
                  const char *table, const char *to_user, const char *to_role) {
    static char *privs[1];
    static UserIdent who;
    privs[0] = (char *)priv;
    Stmt st = {0};
    st.kind = kind;
    st.u.grant.privs = privs;
    st.u.grant.nprivs = 1;
    st.u.grant.obj_type = obj;
    st.u.grant.db = (char *)db;
    st.u.grant.table = (char *)table;
    if (to_user) {
        who = ident(to_user);
        st.u.grant.to_user = &who;
    }
    st.u.grant.to_role = (char *)to_role;
    return st;
}

static Stmt grant_role(StmtKind kind, const char *role, const char *to_user) {
    static char *roles[1];
    static UserIdent who;
    roles[0] = (char *)role;
    who = ident(to_user);
    Stmt st = {0};
    st.kind = kind;
    st.u.grant.role_grant = true;
    st.u.grant.roles = roles;
    st.u.grant.nroles = 1;
    st.u.grant.to_user = &who;
    return st;
}

static Stmt show(StmtKind kind, const char *for_user, bool all) {
    static UserIdent who;
    Stmt st = {0};
    st.kind = kind;
    st.u.show.all = all;
    if (for_user) {
        who = ident(for_user);
        st.u.show.user = &who;
    }
    return st;
}

static bool login(const char *user, const char *pw) {
    static const uint8_t salt[20] = "abcdefghijklmnopqrs";
    uint8_t resp[20];
    Error err = ERROR_INIT;
    if (!*pw)
        return auth_check_native_password(user, "127.0.0.1", salt, NULL, 0, &err) == STATUS_OK;
    auth_scramble_compute(pw, salt, resp);
    return auth_check_native_password(user, "127.0.0.1", salt, resp, 20, &err) == STATUS_OK;
}

TEST(create_user_and_login) {
    Session root = sess("root");
    Stmt st = create_user("alice", "s3cret");
    CHECK_INT(run(&root, &st, NULL), 0);
    CHECK(login("alice", "s3cret"));
    CHECK(!login("alice", "wrong"));
    CHECK(!login("alice", ""));
    CHECK_INT(run(&root, &st, NULL), 1396);
    st.u.create_user.if_not_exists = true;
    CHECK_INT(run(&root, &st, NULL), 0);
    /* the stored form is the double-SHA1 hash, never the password */
    char *pw = NULL;
    sqlite3_stmt *q;
    CHECK_INT(sqlite3_prepare_v2(store, "SELECT password FROM auth_users WHERE name = 'alice'", -1,
                                 &q, NULL),
              SQLITE_OK);
    if (sqlite3_step(q) == SQLITE_ROW) pw = strdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    char want[AUTH_HASH_LEN + 1];
    auth_password_hash("s3cret", want);
    CHECK_STR(pw, want);
    free(pw);
    Stmt plugin = create_user("carol", "x");
    plugin.u.create_user.auth_plugin = (char *)"authentication_ldap_simple";
    CHECK_INT(run(&root, &plugin, NULL), 1235);
}

TEST(non_admin_is_denied) {
    Session alice = sess("alice");
    Stmt st = create_user("mallory", "x");
    CHECK_INT(run(&alice, &st, NULL), 1227);
    CHECK_STR(
        last_msg,
        "Access denied; you need (at least one of) the GRANT privilege(s) for this operation");
    Stmt g = grant(STMT_GRANT, "SELECT", GOBJ_GLOBAL, NULL, NULL, "alice", NULL);
    CHECK_INT(run(&alice, &g, NULL), 1227);
    Stmt sa = show(STMT_SHOW_GRANTS, NULL, true);
    CHECK_INT(run(&alice, &sa, NULL), 1227);
    Stmt su = show(STMT_SHOW_USERS, NULL, false);
    CHECK_INT(run(&alice, &su, NULL), 1227);
    /* but one's own grants are always visible */
    Stmt mine = show(STMT_SHOW_GRANTS, NULL, false);
    CollectSink out;
    collect_sink_init(&out);
    CHECK_INT(run(&alice, &mine, &out), 0);
    CHECK_INT(out.nrows, 0);
    CHECK_INT(out.ncols, 3);
    if (out.ncols == 3) {
        CHECK_STR(out.col_names[0], "UserIdentity");
        CHECK_STR(out.col_names[1], "Catalog");
        CHECK_STR(out.col_names[2], "Grants");
    }
    collect_sink_free(&out);
}

TEST(grants_take_effect) {
    Session root = sess("root");
    Session alice = sess("alice");
    Error err = ERROR_INIT;
    CHECK_INT(priv_check(&alice, PRIV_SELECT, "sales", "orders", &err), STATUS_ERROR);
    Stmt g = grant(STMT_GRANT, "SELECT", GOBJ_TABLE, "sales", "orders", "alice", NULL);
    CHECK_INT(run(&root, &g, NULL), 0);
    CHECK_OK(priv_check(&alice, PRIV_SELECT, "sales", "orders", &err), &err);
    Stmt gdb = grant(STMT_GRANT, "INSERT", GOBJ_DATABASE, "sales", NULL, "alice", NULL);
    CHECK_INT(run(&root, &gdb, NULL), 0);
    CHECK_OK(priv_check(&alice, PRIV_INSERT, "sales", "other", &err), &err);
    /* legacy GRANT ADMIN ON *.* */
    Stmt adm = grant(STMT_GRANT, "ADMIN", GOBJ_GLOBAL, NULL, NULL, "alice", NULL);
    CHECK_INT(run(&root, &adm, NULL), 0);
    CHECK_OK(priv_check_admin(&alice, &err), &err);
    /* ALL on a table: every table privilege */
    Stmt all = grant(STMT_GRANT, "ALL", GOBJ_TABLE, "sales", "t2", "alice", NULL);
    CHECK_INT(run(&root, &all, NULL), 0);
    CHECK_OK(priv_check(&alice, PRIV_EXPORT, "sales", "t2", &err), &err);
    /* an object privilege ON SYSTEM is refused */
    Stmt bad = grant(STMT_GRANT, "SELECT", GOBJ_SYSTEM, NULL, NULL, "alice", NULL);
    CHECK_INT(run(&root, &bad, NULL), 5064);
    /* ALL ON SYSTEM: every system privilege */
    Stmt sys = grant(STMT_GRANT, "REPOSITORY", GOBJ_SYSTEM, NULL, NULL, "alice", NULL);
    CHECK_INT(run(&root, &sys, NULL), 0);
    /* TABLE t without a database uses the current one */
    Stmt nodb = grant(STMT_GRANT, "DELETE", GOBJ_TABLE, NULL, "t3", "alice", NULL);
    CHECK_INT(run(&root, &nodb, NULL), 1046);
    snprintf(root.db, sizeof root.db, "sales");
    CHECK_INT(run(&root, &nodb, NULL), 0);
    CHECK_OK(priv_check(&alice, PRIV_DELETE, "sales", "t3", &err), &err);

    CollectSink out;
    collect_sink_init(&out);
    Stmt sg = show(STMT_SHOW_GRANTS, "alice", false);
    CHECK_INT(run(&root, &sg, &out), 0);
    const char *want[] = {
        "GRANT ADMIN, REPOSITORY ON SYSTEM TO USER 'alice'@'%'",
        "GRANT INSERT ON ALL TABLES IN DATABASE sales TO USER 'alice'@'%'",
        "GRANT SELECT ON TABLE sales.orders TO USER 'alice'@'%'",
        "GRANT SELECT, INSERT, UPDATE, DELETE, ALTER, DROP, EXPORT ON TABLE sales.t2 TO USER "
        "'alice'@'%'",
        "GRANT DELETE ON TABLE sales.t3 TO USER 'alice'@'%'",
    };
    CHECK_INT(out.nrows, 5);
    for (size_t i = 0; i < out.nrows && i < 5; i++) {
        CHECK_STR(out.rows[i][0], "'alice'@'%'");
        CHECK_STR(out.rows[i][2], want[i]);
    }
    if (out.nrows == 5) {
        CHECK(out.rows[0][1] == NULL);
        CHECK_STR(out.rows[2][1], "default_catalog");
    }
    collect_sink_free(&out);

    /* revoke */
    Stmt rv = grant(STMT_REVOKE, "ADMIN", GOBJ_SYSTEM, NULL, NULL, "alice", NULL);
    CHECK_INT(run(&root, &rv, NULL), 0);
    CHECK_INT(priv_check_admin(&alice, &err), STATUS_ERROR);
    CHECK_INT(run(&root, &rv, NULL), 1141);
}

TEST(roles_take_effect) {
    Session root = sess("root");
    Stmt bob = create_user("bob", "");
    CHECK_INT(run(&root, &bob, NULL), 0);
    Session b = sess("bob");
    Error err = ERROR_INIT;
    CHECK_INT(priv_check_admin(&b, &err), STATUS_ERROR);
    Stmt g = grant_role(STMT_GRANT, "db_admin", "bob");
    CHECK_INT(run(&root, &g, NULL), 0);
    CHECK_OK(priv_check_admin(&b, &err), &err); /* active at once, no SET ROLE */
    CHECK_INT(priv_check_grant(&b, &err), STATUS_ERROR);

    Stmt cr = {0};
    cr.kind = STMT_CREATE_ROLE;
    cr.u.role.name = (char *)"loader";
    CHECK_INT(run(&root, &cr, NULL), 0);
    CHECK_INT(run(&root, &cr, NULL), 1396);
    Stmt gr = grant(STMT_GRANT, "INSERT", GOBJ_DATABASE, "etl", NULL, NULL, "loader");
    CHECK_INT(run(&root, &gr, NULL), 0);
    Stmt gl = grant_role(STMT_GRANT, "loader", "bob");
    CHECK_INT(run(&root, &gl, NULL), 0);
    CHECK_OK(priv_check(&b, PRIV_INSERT, "etl", "x", &err), &err);

    /* user_admin can manage users but holds no data privileges */
    Stmt ua = grant_role(STMT_GRANT, "user_admin", "bob");
    CHECK_INT(run(&root, &ua, NULL), 0);
    Stmt dave = create_user("dave", "pw");
    CHECK_INT(run(&b, &dave, NULL), 0);

    CollectSink out;
    collect_sink_init(&out);
    Stmt sr = show(STMT_SHOW_ROLES, NULL, false);
    CHECK_INT(run(&root, &sr, &out), 0);
    CHECK_INT(out.nrows, 6);
    if (out.nrows == 6) {
        CHECK_STR(out.rows[0][0], "root");
        CHECK_STR(out.rows[1][0], "db_admin");
        CHECK_STR(out.rows[4][0], "public");
        CHECK_STR(out.rows[5][0], "loader");
        CHECK_STR(out.rows[5][1], "false");
    }
    collect_sink_free(&out);

    Stmt rr = grant_role(STMT_REVOKE, "db_admin", "bob");
    CHECK_INT(run(&root, &rr, NULL), 0);
    CHECK_INT(priv_check_admin(&b, &err), STATUS_ERROR);
    Stmt dr = {0};
    dr.kind = STMT_DROP_ROLE;
    dr.u.role.name = (char *)"loader";
    CHECK_INT(run(&root, &dr, NULL), 0);
    CHECK_INT(priv_check(&b, PRIV_INSERT, "etl", "x", &err), STATUS_ERROR);
    dr.u.role.name = (char *)"db_admin";
    CHECK_INT(run(&root, &dr, NULL), 5064);
}

TEST(passwords) {
    Session root = sess("root");
    Session alice = sess("alice");
    /* a user changes their own password without any privilege */
    Stmt sp = {0};
    sp.kind = STMT_SET_PASSWORD;
    sp.u.set_password.password = (char *)"newpw";
    CHECK_INT(run(&alice, &sp, NULL), 0);
    CHECK(login("alice", "newpw"));
    CHECK(!login("alice", "s3cret"));
    /* but not someone else's */
    UserIdent dave = ident("dave");
    sp.u.set_password.user = &dave;
    CHECK_INT(run(&alice, &sp, NULL), 1227);
    /* root can, also with the hashed form */
    char h[AUTH_HASH_LEN + 1];
    auth_password_hash("hashed", h);
    sp.u.set_password.password = h;
    sp.u.set_password.is_hashed = true;
    CHECK_INT(run(&root, &sp, NULL), 0);
    CHECK(login("dave", "hashed"));
    sp.u.set_password.password = (char *)"notahash";
    CHECK_INT(run(&root, &sp, NULL), 1827);
    CHECK(login("dave", "hashed"));
    /* ALTER USER ... IDENTIFIED BY */
    Stmt au = create_user("dave", "altered");
    au.kind = STMT_ALTER_USER;
    CHECK_INT(run(&root, &au, NULL), 0);
    CHECK(login("dave", "altered"));
    Stmt missing = create_user("zed", "x");
    missing.kind = STMT_ALTER_USER;
    CHECK_INT(run(&root, &missing, NULL), 1396);
    missing.u.create_user.if_exists = true;
    CHECK_INT(run(&root, &missing, NULL), 0);
    /* root's password */
    Stmt rp = {0};
    rp.kind = STMT_SET_PASSWORD;
    rp.u.set_password.password = (char *)"rootpw";
    CHECK_INT(run(&root, &rp, NULL), 0);
    CHECK(login("root", "rootpw"));
    CHECK(!login("root", ""));
}

TEST(persists_across_restart) {
    restart();
    CHECK(login("root", "rootpw"));
    CHECK(login("alice", "newpw"));
    CHECK(login("dave", "altered"));
    Session alice = sess("alice");
    Session bob = sess("bob");
    Error err = ERROR_INIT;
    CHECK_OK(priv_check(&alice, PRIV_SELECT, "sales", "orders", &err), &err);
    CHECK_OK(priv_check(&alice, PRIV_REPOSITORY, NULL, NULL, &err), &err);
    CHECK_INT(priv_check_admin(&alice, &err), STATUS_ERROR);
    CHECK_OK(priv_check_grant(&bob, &err), &err); /* user_admin */
    CHECK_INT(priv_check_admin(&bob, &err), STATUS_ERROR);

    Session root = sess("root");
    CollectSink out;
    collect_sink_init(&out);
    Stmt su = show(STMT_SHOW_USERS, NULL, false);
    CHECK_INT(run(&root, &su, &out), 0);
    CHECK_INT(out.nrows, 4);
    if (out.nrows == 4) {
        CHECK_STR(out.col_names[0], "User");
        CHECK_STR(out.rows[0][0], "'alice'@'%'");
        CHECK_STR(out.rows[1][0], "'bob'@'%'");
        CHECK_STR(out.rows[2][0], "'dave'@'%'");
        CHECK_STR(out.rows[3][0], "'root'@'%'");
    }
    collect_sink_free(&out);

    collect_sink_init(&out);
    Stmt sa = show(STMT_SHOW_GRANTS, NULL, true);
    CHECK_INT(run(&root, &sa, &out), 0);
    /* alice 5 lines (ADMIN was revoked, REPOSITORY stays), bob 1 (roles), dave 0, root 1 */
    CHECK_INT(out.nrows, 7);
    if (out.nrows == 7) {
        CHECK_STR(out.rows[0][2], "GRANT REPOSITORY ON SYSTEM TO USER 'alice'@'%'");
        CHECK_STR(out.rows[5][0], "'bob'@'%'");
        CHECK_STR(out.rows[5][2], "GRANT 'user_admin' TO 'bob'@'%'");
        CHECK_STR(out.rows[6][2], "GRANT 'root' TO 'root'@'%'");
    }
    collect_sink_free(&out);
}

TEST(drop_user) {
    Session root = sess("root");
    Stmt du = {0};
    du.kind = STMT_DROP_USER;
    du.u.drop_user.user = ident("dave");
    CHECK_INT(run(&root, &du, NULL), 0);
    CHECK(!login("dave", "altered"));
    CHECK_INT(run(&root, &du, NULL), 1396);
    du.u.drop_user.if_exists = true;
    CHECK_INT(run(&root, &du, NULL), 0);
    du.u.drop_user.user = ident("root");
    du.u.drop_user.if_exists = false;
    CHECK_INT(run(&root, &du, NULL), 1396);
    restart();
    CHECK(!login("dave", "altered"));
    CHECK(login("root", "rootpw"));
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cairn-users-sql-XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    users_register_statements();
    start();
    RUN(create_user_and_login);
    RUN(non_admin_is_denied);
    RUN(grants_take_effect);
    RUN(roles_take_effect);
    RUN(passwords);
    RUN(persists_across_restart);
    RUN(drop_user);
    users_shutdown();
    sqlite3_close(store);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    TEST_EXIT();
}
