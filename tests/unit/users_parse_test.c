/* Unit tests running the SQL text of docs/sql/users-and-privileges.md through the real parser and
 * the users handlers (sql_execute), so the AST the parser builds and what the handlers expect
 * agree. */
#include <stdlib.h>
#include <string.h>

#include "catalog/auth.h"
#include "catalog/privilege.h"
#include "catalog/users.h"
#include "sql/execute.h"
#include "test.h"

static char last_msg[ERROR_MSG_MAX];

/* Runs sql as `s`; returns the MySQL errno (0 = OK). Rows, if any, are left in *out when given. */
static int exec_sql(Session *s, const char *sql, CollectSink *out) {
    Error err = ERROR_INIT;
    CollectSink local;
    collect_sink_init(&local);
    session_begin_statement(s, sql);
    Status rc = sql_execute(s, sql, strlen(sql), out ? &out->sink : &local.sink, &err);
    session_end_statement(s);
    collect_sink_free(&local);
    snprintf(last_msg, sizeof last_msg, "%s", err.msg);
    if (rc) return err_mysql_errno(err.code);
    return 0;
}

#define OK(s, sql)                                                                                 \
    do {                                                                                           \
        int e_ = exec_sql((s), (sql), NULL);                                                       \
        if (e_) fprintf(stderr, "  %s -> %d %s\n", (sql), e_, last_msg);                           \
        CHECK_INT(e_, 0);                                                                          \
    } while (0)

static bool login(const char *user, const char *pw) {
    static const uint8_t salt[20] = "01234567890123456789";
    uint8_t resp[20];
    Error err = ERROR_INIT;
    auth_scramble_compute(pw, salt, resp);
    return auth_check_native_password(user, "127.0.0.1", salt, resp, *pw ? 20 : 0, &err) ==
           STATUS_OK;
}

static Session *root;

TEST(account_statements) {
    OK(root, "CREATE USER IF NOT EXISTS 'alice'@'%' IDENTIFIED BY 'alicepw'");
    OK(root, "CREATE USER 'svc'@'10.0.0.5' IDENTIFIED BY PASSWORD "
             "'*8512AF3261D27AC78C7DAF9BB4252F2FE6DEEE63'");
    OK(root,
       "CREATE USER 'bob' IDENTIFIED WITH mysql_native_password BY 'bobpw' DEFAULT ROLE db_admin");
    CHECK(login("alice", "alicepw"));
    CHECK(login("bob", "bobpw"));
    Error err = ERROR_INIT;
    static const uint8_t salt[20] = "01234567890123456789";
    uint8_t resp[20];
    auth_scramble_compute("svcpw", salt, resp);
    CHECK_OK(auth_check_native_password("svc", "10.0.0.5", salt, resp, 20, &err), &err);
    CHECK_INT(exec_sql(root, "CREATE USER 'bad' IDENTIFIED BY PASSWORD 'notahash'", NULL), 1827);
    CHECK_INT(exec_sql(root, "CREATE USER 'x' IDENTIFIED WITH authentication_ldap_simple", NULL),
              1235);
    OK(root, "ALTER USER IF EXISTS 'alice'@'%' IDENTIFIED BY 'newpw'");
    CHECK(login("alice", "newpw"));
    OK(root, "SET PASSWORD FOR 'alice'@'%' = PASSWORD('hers')");
    CHECK(login("alice", "hers"));
    OK(root, "SET PASSWORD FOR 'alice'@'%' = '*9A8E29E3A399FAF5C5C5BC8707E2EA0DB64A957E'");
    CHECK(login("alice", "hers"));
    Session *alice = session_new(2, "alice", "127.0.0.1");
    OK(alice, "SET PASSWORD = PASSWORD('mine')");
    CHECK(login("alice", "mine"));
    CHECK_INT(exec_sql(alice, "CREATE USER 'm' IDENTIFIED BY 'm'", NULL), 1227);
    session_free(alice);

    CollectSink out;
    collect_sink_init(&out);
    CHECK_INT(exec_sql(root, "SHOW USERS", &out), 0);
    CHECK_INT(out.nrows, 4);
    if (out.nrows == 4) {
        CHECK_STR(out.rows[0][0], "'alice'@'%'");
        CHECK_STR(out.rows[3][0], "'svc'@'10.0.0.5'");
    }
    collect_sink_free(&out);
    OK(root, "DROP USER IF EXISTS 'svc'@'10.0.0.5'");
    CHECK_INT(exec_sql(root, "DROP USER 'svc'@'10.0.0.5'", NULL), 1396);
}

TEST(grant_forms) {
    OK(root, "GRANT SELECT ON TABLE sales.orders TO USER 'alice'@'%'");
    OK(root, "GRANT SELECT, INSERT ON sales.orders TO 'alice'@'%'");
    OK(root, "GRANT INSERT ON ALL TABLES IN DATABASE sales TO USER 'alice'@'%'");
    OK(root, "GRANT INSERT ON sales.* TO 'alice'@'%'");
    OK(root, "GRANT CREATE TABLE ON DATABASE sales TO USER 'alice'@'%'");
    OK(root, "GRANT SELECT ON ALL TABLES IN ALL DATABASES TO USER 'alice'@'%'");
    OK(root, "GRANT SELECT ON *.* TO 'alice'@'%'");
    OK(root, "GRANT ADMIN ON SYSTEM TO USER 'alice'@'%'");
    OK(root, "GRANT ADMIN ON *.* TO 'alice'@'%'");
    OK(root, "CREATE ROLE IF NOT EXISTS analyst");
    snprintf(root->db, sizeof root->db, "sales"); /* USE belongs to the catalog module */
    OK(root, "GRANT SELECT ON TABLE orders TO ROLE 'analyst'");
    OK(root, "GRANT analyst TO USER 'alice'@'%'");
    CollectSink out;
    collect_sink_init(&out);
    CHECK_INT(exec_sql(root, "SHOW GRANTS FOR 'alice'@'%'", &out), 0);
    const char *want[] = {
        "GRANT 'analyst' TO 'alice'@'%'",
        "GRANT ADMIN ON SYSTEM TO USER 'alice'@'%'",
        "GRANT SELECT ON ALL TABLES IN ALL DATABASES TO USER 'alice'@'%'",
        "GRANT CREATE ON DATABASE sales TO USER 'alice'@'%'",
        "GRANT INSERT ON ALL TABLES IN DATABASE sales TO USER 'alice'@'%'",
        "GRANT SELECT, INSERT ON TABLE sales.orders TO USER 'alice'@'%'",
    };
    CHECK_INT(out.nrows, 6);
    for (size_t i = 0; i < out.nrows && i < 6; i++)
        CHECK_STR(out.rows[i][2], want[i]);
    collect_sink_free(&out);

    OK(root, "REVOKE SELECT ON TABLE sales.orders FROM USER 'alice'@'%'");
    CHECK_INT(exec_sql(root, "REVOKE SELECT ON TABLE sales.orders FROM USER 'alice'@'%'", NULL),
              1141);
    CHECK_INT(exec_sql(root, "GRANT ADMIN ON sales.* TO 'alice'", NULL), 5064);
    CHECK_INT(exec_sql(root, "GRANT SELECT ON SYSTEM TO 'alice'", NULL), 5064);
    CHECK_INT(exec_sql(root, "GRANT FLY ON *.* TO 'alice'", NULL), 5064);
    OK(root, "GRANT ALL ON SYSTEM TO ROLE analyst");
    OK(root, "GRANT SELECT_PRIV, LOAD_PRIV ON sales.* TO ROLE analyst WITH GRANT OPTION");

    Session *alice = session_new(3, "alice", "10.0.0.9");
    Error err = ERROR_INIT;
    CHECK_OK(priv_check(alice, PRIV_DELETE, "sales", "x", &err),
             &err);                                /* LOAD_PRIV through analyst */
    CHECK_OK(priv_check_grant(alice, &err), &err); /* ALL ON SYSTEM through analyst */
    session_free(alice);
}

TEST(role_statements) {
    OK(root, "CREATE ROLE senior_analyst");
    OK(root, "GRANT analyst TO ROLE senior_analyst");
    CHECK_INT(exec_sql(root, "GRANT senior_analyst TO ROLE analyst", NULL), 5064);
    OK(root, "REVOKE analyst FROM USER 'alice'@'%'");
    CollectSink out;
    collect_sink_init(&out);
    CHECK_INT(exec_sql(root, "SHOW ROLES", &out), 0);
    CHECK_INT(out.nrows, 7);
    CHECK_INT(out.ncols, 3);
    collect_sink_free(&out);
    OK(root, "DROP ROLE IF EXISTS analyst");
    OK(root, "DROP ROLE senior_analyst");
    CHECK_INT(exec_sql(root, "DROP ROLE senior_analyst", NULL), 3523);
    collect_sink_init(&out);
    CHECK_INT(exec_sql(root, "SHOW ALL GRANTS", &out), 0);
    CHECK(out.nrows >= 3);
    collect_sink_free(&out);
}

TEST(show_grants_self) {
    Session *bob = session_new(4, "bob", "127.0.0.1");
    CollectSink out;
    collect_sink_init(&out);
    CHECK_INT(exec_sql(bob, "SHOW GRANTS", &out), 0);
    CHECK_INT(out.nrows, 1);
    if (out.nrows == 1) {
        CHECK_STR(out.rows[0][0], "'bob'@'%'");
        CHECK(out.rows[0][1] == NULL);
        CHECK_STR(out.rows[0][2], "GRANT 'db_admin' TO 'bob'@'%'");
    }
    collect_sink_free(&out);
    CHECK_INT(exec_sql(bob, "SHOW GRANTS FOR 'alice'@'%'", NULL), 1227);
    CHECK_INT(exec_sql(bob, "SHOW ALL GRANTS", NULL), 1227);
    session_free(bob);
}

int main(void) {
    users_register_statements();
    root = session_new(1, "root", "127.0.0.1");
    RUN(account_statements);
    RUN(grant_forms);
    RUN(role_statements);
    RUN(show_grants_self);
    session_free(root);
    users_shutdown();
    TEST_EXIT();
}
