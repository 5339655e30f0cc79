/* Statement tests for users, roles, privileges, passwords, the SHOW family, DESCRIBE and ADMIN
 * FRONTEND CONFIG: every field the handlers read, and syntax errors. */
#include "sql_test_util.h"

TEST(create_user) {
    PARSE(s, "CREATE USER IF NOT EXISTS 'jack'@'192.168.%' IDENTIFIED BY 'secret' DEFAULT ROLE r1, "
             "'r2'");
    CHECK_INT(s->kind, STMT_CREATE_USER);
    CreateUserStmt *c = &s->u.create_user;
    CHECK(c->if_not_exists);
    CHECK_STR(c->user.user, "jack");
    CHECK_STR(c->user.host, "192.168.%");
    CHECK_STR(c->password, "secret");
    CHECK(!c->password_is_hash);
    CHECK(c->auth_plugin == NULL);
    CHECK_INT(c->ndefault_roles, 2);
    CHECK_STR(c->default_roles[1], "r2");
    PARSE(s2, "CREATE USER bob");
    CHECK_STR(s2->u.create_user.user.user, "bob");
    CHECK_STR(s2->u.create_user.user.host, "%");
    CHECK(s2->u.create_user.password == NULL);
    PARSE(s3, "create user `al`@`localhost` identified by password "
              "'*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9'");
    CHECK_STR(s3->u.create_user.user.user, "al");
    CHECK_STR(s3->u.create_user.user.host, "localhost");
    CHECK(s3->u.create_user.password_is_hash);
    CHECK_STR(s3->u.create_user.password, "*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9");
    PARSE(s4, "CREATE USER u@'%' IDENTIFIED WITH mysql_native_password BY 'pw'");
    CHECK_STR(s4->u.create_user.user.host, "%");
    CHECK_STR(s4->u.create_user.auth_plugin, "mysql_native_password");
    CHECK_STR(s4->u.create_user.password, "pw");
    CHECK(!s4->u.create_user.password_is_hash);
    PARSE(s5, "CREATE USER u2 IDENTIFIED WITH mysql_native_password AS '*ABC'");
    CHECK(s5->u.create_user.password_is_hash);
    PARSE(s6, "CREATE USER 'x' @ 'h'");
    CHECK_STR(s6->u.create_user.user.host, "h");
    PARSE(s7, "ALTER USER IF EXISTS 'jack' IDENTIFIED BY 'new'");
    CHECK_INT(s7->kind, STMT_ALTER_USER);
    CHECK(s7->u.create_user.if_exists);
    CHECK_STR(s7->u.create_user.password, "new");
    PARSE(s8, "ALTER USER jack DEFAULT ROLE r3");
    CHECK_INT(s8->u.create_user.ndefault_roles, 1);
    PARSE(s9, "DROP USER IF EXISTS 'jack'@'%'");
    CHECK_INT(s9->kind, STMT_DROP_USER);
    CHECK(s9->u.drop_user.if_exists);
    CHECK_STR(s9->u.drop_user.user.user, "jack");
    CHECK_STR(PARSE_ERR("CREATE USER"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("CREATE USER u IDENTIFIED 'x'"), NEAR("'x'", 1));
    CHECK_STR(PARSE_ERR("ALTER USER u"), NEAR("", 1));
}

TEST(roles_and_passwords) {
    PARSE(s, "CREATE ROLE IF NOT EXISTS analyst");
    CHECK_INT(s->kind, STMT_CREATE_ROLE);
    CHECK_STR(s->u.role.name, "analyst");
    CHECK(s->u.role.if_not_exists);
    PARSE(s2, "DROP ROLE IF EXISTS 'analyst'");
    CHECK_INT(s2->kind, STMT_DROP_ROLE);
    CHECK(s2->u.role.if_exists);
    CHECK_STR(s2->u.role.name, "analyst");
    PARSE(s3, "SET PASSWORD = PASSWORD('abc')");
    CHECK_INT(s3->kind, STMT_SET_PASSWORD);
    CHECK(s3->u.set_password.user == NULL);
    CHECK_STR(s3->u.set_password.password, "abc");
    CHECK(!s3->u.set_password.is_hashed);
    PARSE(s4, "SET PASSWORD FOR 'jack'@'%' = '*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9'");
    CHECK_STR(s4->u.set_password.user->user, "jack");
    CHECK(s4->u.set_password.is_hashed);
    PARSE(s5, "SET password = 'x'");
    PARSE(s6, "SET PASSWORD FOR CURRENT_USER() = PASSWORD('y')");
    CHECK(s6->u.set_password.user == NULL);
    CHECK_STR(s6->u.set_password.password, "y");
    CHECK_INT(s5->kind, STMT_SET_PASSWORD);
}

TEST(grants) {
    PARSE(s, "GRANT SELECT, INSERT, CREATE TABLE, create materialized view ON db1.* TO USER "
             "'u'@'%' WITH GRANT OPTION");
    CHECK_INT(s->kind, STMT_GRANT);
    GrantStmt *g = &s->u.grant;
    CHECK(!g->role_grant);
    CHECK_INT(g->nprivs, 4);
    CHECK_STR(g->privs[0], "SELECT");
    CHECK_STR(g->privs[2], "CREATE TABLE");
    CHECK_STR(g->privs[3], "CREATE MATERIALIZED VIEW");
    CHECK_INT(g->obj_type, GOBJ_DATABASE);
    CHECK_STR(g->db, "db1");
    CHECK(g->table == NULL);
    CHECK(g->obj_kind == NULL);
    CHECK_STR(g->to_user->user, "u");
    CHECK(g->to_role == NULL);
    CHECK(g->with_grant_option);
    PARSE(s2, "GRANT ALL PRIVILEGES ON *.* TO ROLE admin_role");
    g = &s2->u.grant;
    CHECK_STR(g->privs[0], "ALL");
    CHECK_INT(g->obj_type, GOBJ_GLOBAL);
    CHECK_STR(g->to_role, "admin_role");
    CHECK(g->to_user == NULL);
    PARSE(s3, "GRANT SELECT ON TABLE d.t TO u");
    g = &s3->u.grant;
    CHECK_INT(g->obj_type, GOBJ_TABLE);
    CHECK_STR(g->obj_kind, "TABLE");
    CHECK_STR(g->db, "d");
    CHECK_STR(g->table, "t");
    CHECK_STR(g->to_user->user, "u");
    CHECK_STR(g->to_user->host, "%");
    PARSE(s4, "GRANT select ON t TO u");
    CHECK_INT(s4->u.grant.obj_type, GOBJ_TABLE);
    CHECK(s4->u.grant.db == NULL);
    CHECK_STR(s4->u.grant.table, "t");
    CHECK_STR(s4->u.grant.privs[0], "SELECT");
    PARSE(s5, "GRANT SELECT ON ALL TABLES IN DATABASE d1 TO u");
    CHECK_INT(s5->u.grant.obj_type, GOBJ_DATABASE);
    CHECK_STR(s5->u.grant.db, "d1");
    CHECK_STR(s5->u.grant.obj_kind, "TABLE");
    PARSE(s6, "GRANT SELECT ON ALL TABLES IN ALL DATABASES TO u");
    CHECK_INT(s6->u.grant.obj_type, GOBJ_GLOBAL);
    PARSE(s7, "GRANT CREATE TABLE, DROP ON DATABASE d2 TO u");
    CHECK_INT(s7->u.grant.obj_type, GOBJ_DATABASE);
    CHECK_STR(s7->u.grant.obj_kind, "DATABASE");
    CHECK_STR(s7->u.grant.privs[1], "DROP");
    PARSE(s8, "GRANT USAGE ON ALL DATABASES TO u");
    CHECK_INT(s8->u.grant.obj_type, GOBJ_GLOBAL);
    CHECK_STR(s8->u.grant.obj_kind, "DATABASE");
    PARSE(s9, "GRANT REPOSITORY, NODE, ADMIN ON SYSTEM TO ROLE ops");
    CHECK_INT(s9->u.grant.obj_type, GOBJ_SYSTEM);
    CHECK_INT(s9->u.grant.nprivs, 3);
    CHECK_STR(s9->u.grant.privs[0], "REPOSITORY");
    PARSE(s10, "GRANT SELECT ON VIEW d.v TO u");
    CHECK_STR(s10->u.grant.obj_kind, "VIEW");
    CHECK_STR(s10->u.grant.table, "v");
    PARSE(s11, "GRANT REFRESH ON MATERIALIZED VIEW mv1 TO u");
    CHECK_STR(s11->u.grant.obj_kind, "MATERIALIZED VIEW");
    CHECK_STR(s11->u.grant.table, "mv1");
    CHECK_STR(s11->u.grant.privs[0], "REFRESH");
    PARSE(s12, "GRANT r1, 'r2' TO USER jack");
    g = &s12->u.grant;
    CHECK(g->role_grant);
    CHECK_INT(g->nroles, 2);
    CHECK_STR(g->roles[0], "r1");
    CHECK_STR(g->roles[1], "r2");
    CHECK_STR(g->to_user->user, "jack");
    PARSE(s13, "GRANT r1 TO ROLE r2");
    CHECK_STR(s13->u.grant.to_role, "r2");
    PARSE(s14, "REVOKE SELECT, ALTER ON d.t FROM 'u'@'h'");
    CHECK_INT(s14->kind, STMT_REVOKE);
    CHECK_STR(s14->u.grant.privs[1], "ALTER");
    CHECK_STR(s14->u.grant.to_user->host, "h");
    PARSE(s15, "REVOKE r1 FROM ROLE r2");
    CHECK(s15->u.grant.role_grant);
    CHECK_STR(s15->u.grant.to_role, "r2");
    PARSE(s16, "GRANT EXPORT ON *.* TO u");
    CHECK_STR(s16->u.grant.privs[0], "EXPORT");
    PARSE(s17, "GRANT CREATE DATABASE ON * TO u");
    CHECK_INT(s17->u.grant.obj_type, GOBJ_DATABASE);
    CHECK(s17->u.grant.db == NULL);
    CHECK_STR(s17->u.grant.privs[0], "CREATE DATABASE");
    CHECK_STR(PARSE_ERR("GRANT SELECT ON d.t"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("GRANT SELECT ON d.t TO"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("GRANT ON d.t TO u"), NEAR("ON d.t TO u", 1));
    CHECK_STR(PARSE_ERR("REVOKE SELECT ON d.t TO u"), NEAR("TO u", 1));
    CHECK_STR(PARSE_ERR("GRANT my role TO u"), NEAR("TO u", 1));
}

TEST(show_family) {
    PARSE(s, "SHOW DATABASES LIKE 'd%'");
    CHECK_INT(s->kind, STMT_SHOW_DATABASES);
    CHECK_STR(s->u.show.like, "d%");
    CHECK_INT(s->u.show.limit, -1);
    PARSE(s2, "SHOW FULL TABLES FROM d1 WHERE table_type = 'VIEW'");
    CHECK_INT(s2->kind, STMT_SHOW_TABLES);
    CHECK(s2->u.show.full);
    CHECK_STR(s2->u.show.db, "d1");
    CHECK_INT(s2->u.show.where->op, OP_EQ);
    PARSE(s3, "show tables in d2 like 't_'");
    CHECK(!s3->u.show.full);
    CHECK_STR(s3->u.show.db, "d2");
    CHECK_STR(s3->u.show.like, "t_");
    PARSE(s4, "SHOW TABLE STATUS FROM d LIKE 'x'");
    CHECK_INT(s4->kind, STMT_SHOW_TABLE_STATUS);
    CHECK_STR(s4->u.show.db, "d");
    PARSE(s5, "SHOW FULL COLUMNS FROM t FROM d");
    CHECK_INT(s5->kind, STMT_SHOW_COLUMNS);
    CHECK(s5->u.show.full);
    CHECK_STR(s5->u.show.table, "t");
    CHECK_STR(s5->u.show.db, "d");
    PARSE(s6, "SHOW COLUMNS IN d.t LIKE 'a%'");
    CHECK_STR(s6->u.show.db, "d");
    CHECK_STR(s6->u.show.like, "a%");
    PARSE(s6b, "SHOW FIELDS FROM t");
    CHECK_INT(s6b->kind, STMT_SHOW_COLUMNS);
    PARSE(s7, "DESC d.t ALL");
    CHECK_INT(s7->kind, STMT_SHOW_COLUMNS);
    CHECK_STR(s7->u.show.db, "d");
    CHECK_STR(s7->u.show.table, "t");
    CHECK(s7->u.show.all);
    PARSE(s8, "describe t");
    CHECK(!s8->u.show.all);
    CHECK(s8->u.show.db == NULL);
    PARSE(s9, "SHOW CREATE TABLE d.t");
    CHECK_INT(s9->kind, STMT_SHOW_CREATE_TABLE);
    CHECK_STR(s9->u.show.what, "TABLE");
    CHECK_STR(s9->u.show.table, "t");
    PARSE(s10, "SHOW CREATE VIEW v");
    CHECK_STR(s10->u.show.what, "VIEW");
    PARSE(s11, "SHOW CREATE MATERIALIZED VIEW d.mv");
    CHECK_STR(s11->u.show.what, "MATERIALIZED VIEW");
    CHECK_STR(s11->u.show.db, "d");
    PARSE(s12, "SHOW CREATE DATABASE d");
    CHECK_INT(s12->kind, STMT_SHOW_CREATE_DATABASE);
    CHECK_STR(s12->u.show.db, "d");
    PARSE(s13, "SHOW TEMPORARY PARTITIONS FROM d.t WHERE PartitionName = 'p1' ORDER BY PartitionId "
               "DESC LIMIT 2, 5");
    CHECK_INT(s13->kind, STMT_SHOW_PARTITIONS);
    CHECK(s13->u.show.temporary);
    CHECK_STR(s13->u.show.table, "t");
    CHECK(s13->u.show.where != NULL);
    CHECK_INT(s13->u.show.norder, 1);
    CHECK(s13->u.show.order_by[0].desc);
    CHECK_INT(s13->u.show.limit, 5);
    CHECK_INT(s13->u.show.offset, 2);
    PARSE(s14, "SHOW PARTITIONS FROM t");
    CHECK(!s14->u.show.temporary);
    CHECK_INT(s14->u.show.limit, -1);
    PARSE(s15, "SHOW DATA FROM d.t");
    CHECK_INT(s15->kind, STMT_SHOW_DATA);
    CHECK_STR(s15->u.show.db, "d");
    CHECK_STR(s15->u.show.table, "t");
    PARSE(s16, "SHOW DATA");
    CHECK(s16->u.show.table == NULL);
    PARSE(s17, "SHOW GLOBAL VARIABLES LIKE 'max%'");
    CHECK_INT(s17->kind, STMT_SHOW_VARIABLES);
    CHECK_INT(s17->u.show.scope, VAR_GLOBAL);
    CHECK_STR(s17->u.show.like, "max%");
    PARSE(s18, "SHOW SESSION VARIABLES WHERE variable_name = 'x'");
    CHECK_INT(s18->u.show.scope, VAR_SESSION);
    CHECK(s18->u.show.where != NULL);
    PARSE(s19, "SHOW VARIABLES");
    CHECK_INT(s19->u.show.scope, VAR_DEFAULT);
    PARSE(s20, "SHOW GLOBAL STATUS LIKE 'Up%'");
    CHECK_INT(s20->kind, STMT_SHOW_STATUS);
    CHECK_INT(s20->u.show.scope, VAR_GLOBAL);
    PARSE(s21, "SHOW GRANTS FOR 'jack'@'%'");
    CHECK_INT(s21->kind, STMT_SHOW_GRANTS);
    CHECK_STR(s21->u.show.user->user, "jack");
    CHECK(!s21->u.show.all);
    PARSE(s22, "SHOW GRANTS");
    CHECK(s22->u.show.user == NULL);
    PARSE(s22b, "SHOW GRANTS FOR CURRENT_USER()");
    CHECK(s22b->u.show.user == NULL);
    CHECK_STR(PARSE_ERR("DROP USER CURRENT_USER"), NEAR("CURRENT_USER", 1));
    PARSE(s23, "SHOW ALL GRANTS");
    CHECK(s23->u.show.all);
    CHECK_INT(s23->kind, STMT_SHOW_GRANTS);
    PARSE(s24, "SHOW FULL PROCESSLIST");
    CHECK_INT(s24->kind, STMT_SHOW_PROCESSLIST);
    CHECK(s24->u.show.full);
    PARSE(s25, "SHOW INDEX FROM t FROM d");
    CHECK_INT(s25->kind, STMT_SHOW_INDEX);
    CHECK_STR(s25->u.show.db, "d");
    PARSE(s26, "SHOW KEYS IN t");
    CHECK_INT(s26->kind, STMT_SHOW_INDEX);
    PARSE(s27, "SHOW PROC '/backends'");
    CHECK_INT(s27->kind, STMT_SHOW_PROC);
    CHECK_STR(s27->u.show.table, "/backends");
    PARSE(s28, "SHOW MATERIALIZED VIEWS FROM d LIKE 'mv%'");
    CHECK_INT(s28->kind, STMT_SHOW_MATERIALIZED_VIEWS);
    CHECK_STR(s28->u.show.db, "d");
    CHECK_STR(s28->u.show.like, "mv%");
    PARSE(s29, "SHOW ALTER TABLE COLUMN FROM d");
    CHECK_INT(s29->kind, STMT_SHOW_ALTER);
    CHECK_STR(s29->u.show.what, "COLUMN");
    CHECK_STR(s29->u.show.db, "d");
    PARSE(s30, "SHOW ALTER TABLE ROLLUP");
    CHECK_STR(s30->u.show.what, "ROLLUP");
    PARSE(s31, "SHOW ALTER MATERIALIZED VIEW FROM d");
    CHECK_STR(s31->u.show.what, "MATERIALIZED VIEW");
    PARSE(s32, "SHOW LOAD FROM d");
    CHECK_INT(s32->kind, STMT_SHOW_LOAD);
    CHECK_STR(s32->u.show.db, "d");
    struct {
        const char *sql;
        StmtKind kind;
    } simple[] = {{"SHOW ROLES", STMT_SHOW_ROLES},
                  {"SHOW USERS", STMT_SHOW_USERS},
                  {"SHOW WARNINGS", STMT_SHOW_WARNINGS},
                  {"SHOW ERRORS", STMT_SHOW_ERRORS},
                  {"SHOW ENGINES", STMT_SHOW_ENGINES},
                  {"SHOW CHARSET", STMT_SHOW_CHARSET},
                  {"SHOW CHARACTER SET", STMT_SHOW_CHARSET},
                  {"SHOW COLLATION", STMT_SHOW_COLLATION},
                  {"SHOW FRONTENDS", STMT_SHOW_FRONTENDS},
                  {"SHOW BACKENDS", STMT_SHOW_BACKENDS},
                  {"SHOW REPOSITORIES", STMT_SHOW_REPOSITORIES},
                  {"SHOW PROCESSLIST", STMT_SHOW_PROCESSLIST},
                  {"SHOW SCHEMAS", STMT_SHOW_DATABASES},
                  {"SHOW STATUS", STMT_SHOW_STATUS},
                  {"SHOW INDEXES FROM t", STMT_SHOW_INDEX},
                  {"SHOW COLLATION LIKE 'utf8%'", STMT_SHOW_COLLATION}};
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
        PARSE(x, simple[i].sql);
        CHECK_INT(x->kind, simple[i].kind);
    }
    CHECK_STR(PARSE_ERR("SHOW TABLEZ"), NEAR("TABLEZ", 1));
    CHECK_STR(PARSE_ERR("SHOW FULL DATABASES"), NEAR("DATABASES", 1));
    CHECK_STR(PARSE_ERR("SHOW CREATE INDEX i"), NEAR("INDEX i", 1));
    CHECK_STR(PARSE_ERR("SHOW COLUMNS t"), NEAR("t", 1));
    CHECK_STR(PARSE_ERR("SHOW DATABASES LIKE x"), NEAR("x", 1));
    CHECK_STR(PARSE_ERR("SHOW PROC backends"), NEAR("backends", 1));
}

TEST(admin) {
    PARSE(s, "ADMIN SET FRONTEND CONFIG (\"max_backup_restore_job_num_per_db\" = \"5\")");
    CHECK_INT(s->kind, STMT_ADMIN_SET_CONFIG);
    CHECK_INT(s->u.admin_config.props.n, 1);
    CHECK_STR(s->u.admin_config.props.items[0].key, "max_backup_restore_job_num_per_db");
    CHECK_STR(s->u.admin_config.props.items[0].value, "5");
    PARSE(s2, "ADMIN SHOW FRONTEND CONFIG LIKE '%backup%'");
    CHECK_INT(s2->kind, STMT_ADMIN_SHOW_CONFIG);
    CHECK_STR(s2->u.admin_config.like, "%backup%");
    PARSE(s3, "admin show frontend config");
    CHECK(s3->u.admin_config.like == NULL);
    CHECK_STR(PARSE_ERR("ADMIN SET CONFIG ('a' = 'b')"), NEAR("CONFIG ('a' = 'b')", 1));
}

int main(void) {
    T_ARENA = arena_new(0);
    RUN(create_user);
    RUN(roles_and_passwords);
    RUN(grants);
    RUN(show_family);
    RUN(admin);
    arena_free(T_ARENA);
    TEST_EXIT();
}
