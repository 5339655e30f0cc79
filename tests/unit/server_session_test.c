/* Sessions (sql/session.c): the system variable table (scopes, aliases, validation, DEFAULT), user
 * variables, warnings, statement life cycle (redacted processlist text, kill flag) and the registry. */
#include <string.h>

#include "server/config.h"
#include "sql/session.h"
#include "test.h"

static const char *get(Session *s, const char *name, bool global) {
    static StrBuf sb;
    static Error err;
    sb_reset(&sb);
    if (!session_get_var(s, name, global, &sb, &err)) return err.msg;
    return sb_str(&sb);
}

TEST(defaults_and_scopes) {
    Session *s = session_new(1, "root", "127.0.0.1");
    CHECK_STR(get(s, "autocommit", false), "1");
    CHECK_STR(get(s, "AUTOCOMMIT", false), "1");
    CHECK_STR(get(s, "@@session.autocommit" + 2, false), "1");
    CHECK_STR(get(s, "version", false), "8.0.33-cairn");
    CHECK_STR(get(s, "version_comment", false), "cairn 0.1.0 (StarRocks-compatible)");
    CHECK_STR(get(s, "query_timeout", false), "300");
    CHECK_STR(get(s, "query_mem_limit", false), "2147483648");
    CHECK_STR(get(s, "port", false), "9030");
    CHECK_STR(get(s, "tx_isolation", false), "REPEATABLE-READ");
    CHECK_STR(get(s, "enable_profile", false), "false");
    CHECK_STR(get(s, "nosuch", false), "Unknown system variable 'nosuch'");
    CHECK_INT(session_var_int(s, "wait_timeout", -1), 28800);
    CHECK_INT(session_var_int(s, "autocommit", -1), 1);
    CHECK_INT(session_var_int(s, "enable_profile", -1), 0);
    CHECK_INT(session_var_int(s, "nosuch", -7), -7);
    session_free(s);
}

TEST(set_session_and_global) {
    Session *a = session_new(1, "root", "h"), *b = session_new(2, "root", "h");
    Error err = ERROR_INIT;
    CHECK_OK(session_set_var(a, "autocommit", false, "OFF", &err), &err);
    CHECK_STR(get(a, "autocommit", false), "0");
    CHECK_STR(get(a, "autocommit", true), "1");
    CHECK_STR(get(b, "autocommit", false), "1");
    CHECK_OK(session_set_var(a, "global.wait_timeout", false, "100", &err), &err);
    CHECK_STR(get(b, "wait_timeout", false), "100");
    CHECK_OK(session_set_var(a, "wait_timeout", true, NULL, &err), &err);
    CHECK_STR(get(b, "wait_timeout", false), "28800");
    /* aliases share one value */
    CHECK_OK(session_set_var(a, "tx_isolation", false, "read committed", &err), &err);
    CHECK_STR(get(a, "transaction_isolation", false), "READ-COMMITTED");
    CHECK_OK(session_set_var(a, "transaction_read_only", false, "true", &err), &err);
    CHECK_STR(get(a, "tx_read_only", false), "1");
    /* DEFAULT drops the session value */
    CHECK_OK(session_set_var(a, "autocommit", false, NULL, &err), &err);
    CHECK_STR(get(a, "autocommit", false), "1");
    CHECK_OK(session_set_var(a, "sql_mode", false, " ansi_quotes , ONLY_FULL_GROUP_BY", &err), &err);
    CHECK_STR(get(a, "sql_mode", false), "ANSI_QUOTES,ONLY_FULL_GROUP_BY");
    CHECK_OK(session_set_var(a, "query_cache_type", false, "2", &err), &err);
    CHECK_STR(get(a, "query_cache_type", false), "DEMAND");
    CHECK_OK(session_set_var(a, "character_set_results", false, "NULL", &err), &err);
    CHECK_STR(get(a, "character_set_results", false), "");
    CHECK_OK(session_set_var(a, "time_zone", false, "-5:30", &err), &err);
    CHECK_STR(get(a, "time_zone", false), "-05:30");
    CHECK_OK(session_set_var(a, "time_zone", false, "Europe/Paris", &err), &err);
    CHECK_STR(get(a, "time_zone", false), "Europe/Paris");
    session_free(a);
    session_free(b);
}

TEST(set_errors) {
    Session *s = session_new(1, "root", "h");
    Error err = ERROR_INIT;
    CHECK(session_set_var(s, "version", false, "9", &err) == STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1238);
    CHECK_STR(err.msg, "Variable 'version' is a read only variable");
    CHECK(session_set_var(s, "query_cache_size", false, "9", &err) == STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1229);
    CHECK(session_set_var(s, "warning_count", true, "9", &err) == STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1238);
    CHECK(session_set_var(s, "wait_timeout", false, "12x", &err) == STATUS_ERROR);
    CHECK_STR(err.msg, "Variable 'wait_timeout' can't be set to the value of '12x'");
    CHECK(session_set_var(s, "autocommit", false, "maybe", &err) == STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1231);
    CHECK(session_set_var(s, "time_zone", false, "+15:00", &err) == STATUS_ERROR);
    CHECK_STR(err.msg, "Unknown or incorrect time zone: '+15:00'");
    CHECK(session_set_var(s, "time_zone", false, "../../etc/passwd", &err) == STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1298);
    CHECK(session_set_var(s, "collation_connection", false, "klingon_ci", &err) == STATUS_ERROR);
    CHECK_STR(err.msg, "Unknown collation: 'klingon_ci'");
    CHECK(session_set_var(s, "transaction_isolation", false, "CHAOS", &err) == STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1231);
    CHECK(session_set_var(s, "no_such", false, "1", &err) == STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1193);
    session_free(s);
}

static int nvars;
static char seen_autocommit[8];
static void each(void *ctx, const char *name, const char *value) {
    nvars++;
    if (!strcmp(name, "autocommit")) snprintf(seen_autocommit, sizeof seen_autocommit, "%s", value);
}

TEST(each_var_shows_on_off) {
    Session *s = session_new(1, "root", "h");
    nvars = 0;
    session_each_var(s, false, each, NULL);
    CHECK(nvars > 50);
    CHECK_STR(seen_autocommit, "ON");
    session_free(s);
}

TEST(user_vars) {
    Session *s = session_new(1, "root", "h");
    StrBuf sb = STRBUF_INIT;
    bool is_null = false;
    DataType t;
    CHECK(!session_get_user_var(s, "x", &sb, &is_null, &t));
    CHECK(is_null);
    session_set_user_var(s, "X", "a\0b", 3, type_make(TYPE_VARCHAR));
    CHECK(session_get_user_var(s, "x", &sb, &is_null, &t));
    CHECK(!is_null);
    CHECK_INT(sb.len, 3);
    CHECK(memcmp(sb.data, "a\0b", 3) == 0);
    CHECK_INT(t.id, TYPE_VARCHAR);
    session_set_user_var(s, "x", NULL, 0, type_make(TYPE_NULL));
    sb_reset(&sb);
    CHECK(session_get_user_var(s, "x", &sb, &is_null, &t));
    CHECK(is_null);
    CHECK_INT(sb.len, 0);
    sb_free(&sb);
    session_free(s);
}

TEST(statement_cycle_and_warnings) {
    Session *s = session_new(1, "root", "h");
    session_begin_statement(s, "CREATE REPOSITORY r WITH BROKER ON LOCATION 's3://b/p' PROPERTIES "
                               "(\"aws.s3.access_key\" = \"AKIA123\", \"aws.s3.secret_key\" = \"sekrit\", "
                               "\"aws.s3.endpoint\" = \"http://x\")");
    CHECK(strstr(s->current_sql, "AKIA123") == NULL);
    CHECK(strstr(s->current_sql, "sekrit") == NULL);
    CHECK(strstr(s->current_sql, "\"aws.s3.secret_key\" = \"***\"") != NULL);
    CHECK(strstr(s->current_sql, "\"aws.s3.endpoint\" = \"http://x\"") != NULL);
    CHECK(s->stmt_start_ms > 0);
    session_add_warning(s, 1265, "Data truncated for column '%s'", "c");
    CHECK_INT(s->warning_count, 1);
    CHECK_STR(sb_str(&s->warnings), "Warning\t1265\tData truncated for column 'c'\n");
    session_end_statement(s);
    CHECK_INT(s->stmt_start_ms, 0);
    CHECK_STR(s->current_sql, "");
    /* SHOW WARNINGS keeps the list, anything else starts a new one */
    session_begin_statement(s, "  show warnings");
    CHECK_INT(s->warning_count, 1);
    session_end_statement(s);
    session_begin_statement(s, "SET PASSWORD = PASSWORD('hunter2')");
    CHECK_INT(s->warning_count, 0);
    CHECK(strstr(s->current_sql, "hunter2") == NULL);
    session_end_statement(s);
    session_begin_statement(s, "CREATE USER u IDENTIFIED BY 'pw1'");
    CHECK_STR(s->current_sql, "CREATE USER u IDENTIFIED BY '***'");
    session_end_statement(s);
    session_free(s);
}

static int count_ids;
static void count(void *ctx, Session *s) {
    count_ids += (int)s->conn_id;
}

TEST(registry_and_kill) {
    Session *a = session_new(7, "root", "h"), *b = session_new(8, "bob", "h");
    session_registry_add(a);
    session_registry_add(b);
    count_ids = 0;
    session_registry_each(count, NULL);
    CHECK_INT(count_ids, 15);
    CHECK(!session_registry_kill(99, false));
    CHECK(session_registry_kill(8, true));
    CHECK(session_killed(b));
    CHECK_INT(b->closing, 0);
    session_begin_statement(b, "select 1"); /* a new statement clears KILL QUERY */
    CHECK(!session_killed(b));
    CHECK(session_registry_kill(7, false));
    CHECK(session_killed(a));
    CHECK_INT(a->closing, 1);
    session_registry_remove(a);
    session_registry_remove(b);
    count_ids = 0;
    session_registry_each(count, NULL);
    CHECK_INT(count_ids, 0);
    int64_t c_ms, l_ms;
    session_times(a, &c_ms, &l_ms);
    CHECK(c_ms > 0 && l_ms >= c_ms);
    session_free(a);
    session_free(b);
}

int main(void) {
    config_reset_all();
    RUN(defaults_and_scopes);
    RUN(set_session_and_global);
    RUN(set_errors);
    RUN(each_var_shows_on_off);
    RUN(user_vars);
    RUN(statement_cycle_and_warnings);
    RUN(registry_and_kill);
    TEST_EXIT();
}
