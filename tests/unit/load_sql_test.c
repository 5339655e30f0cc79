/* The load statements end to end inside one process: real metadata store, catalog, storage files and query
 * engine. INSERT VALUES / SELECT / OVERWRITE / PARTITION / WITH LABEL, defaults and NOT NULL, the reply's
 * info string, routing errors, key models, DELETE and UPDATE, versions and row counts, and restart. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "catalog/ddl.h"
#include "catalog/meta_store.h"
#include "exec/exec.h"
#include "load/load.h"
#include "server/config.h"
#include "sql/execute.h"
#include "sql/session.h"
#include "test.h"

static char g_dir[256];
static Session *g_s;

static void open_dir(void) {
    Error err = ERROR_INIT;
    CHECK_OK(meta_open(g_dir, &err), &err);
    CHECK_OK(catalog_open(&err), &err);
}

static void setup(void) {
    snprintf(g_dir, sizeof g_dir, "/tmp/cairn_load_test_XXXXXX");
    if (!mkdtemp(g_dir)) abort();
    Error err = ERROR_INIT;
    CHECK_OK(config_set("data_dir", g_dir, &err), &err);
    open_dir();
    catalog_register_statements();
    exec_register_statements();
    load_register_statements();
    if (!g_s) {
        g_s = session_new(1, "root", "127.0.0.1");
        g_s->internal = true;
    }
    g_s->db[0] = '\0';
}

static void restart(void) {
    catalog_close();
    meta_close();
    open_dir();
}

static void teardown(void) {
    catalog_close();
    meta_close();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", g_dir);
}

typedef struct Reply {
    int errno_;
    char msg[1024];
    uint64_t affected;
    char info[512];
    char *rows; /* "a|b\n" lines, NULL as \N */
} Reply;

static char g_info[512];

static Status info_ok(ResultSink *s, uint64_t affected, uint64_t id, const char *info, Error *err) {
    CollectSink *c = s->state;
    c->affected = affected;
    c->got_ok = 1;
    snprintf(g_info, sizeof g_info, "%s", info ? info : "");
    return STATUS_OK;
}

static Reply run(const char *sql) {
    Reply r = {0};
    CollectSink c;
    collect_sink_init(&c);
    c.sink.ok = info_ok;
    g_info[0] = '\0';
    Error err = ERROR_INIT;
    session_begin_statement(g_s, sql);
    Status st = sql_execute(g_s, sql, strlen(sql), &c.sink, &err);
    session_end_statement(g_s);
    if (st) {
        r.errno_ = err_mysql_errno(err.code);
        snprintf(r.msg, sizeof r.msg, "%s", err.msg);
    }
    r.affected = c.affected;
    snprintf(r.info, sizeof r.info, "%s", g_info);
    StrBuf sb = STRBUF_INIT;
    for (size_t i = 0; i < c.nrows; i++) {
        for (int k = 0; k < c.ncols; k++) {
            if (k) sb_putc(&sb, '|');
            sb_append(&sb, c.rows[i][k] ? c.rows[i][k] : "\\N");
        }
        sb_putc(&sb, '\n');
    }
    r.rows = sb_detach(&sb);
    collect_sink_free(&c);
    return r;
}

static void ok(const char *sql) {
    Reply r = run(sql);
    if (r.errno_) {
        fprintf(stderr, "  SQL failed: %s\n    -> %d %s\n", sql, r.errno_, r.msg);
        test_failed_ = 1;
    }
    free(r.rows);
}

/* Runs a statement that must succeed and affect n rows; returns the info string. */
static const char *ok_n(const char *sql, uint64_t n) {
    static char info[512];
    Reply r = run(sql);
    if (r.errno_ || r.affected != n) {
        fprintf(stderr, "  SQL: %s\n    -> errno %d (%s), %llu rows affected, expected %llu\n", sql, r.errno_, r.msg,
                (unsigned long long)r.affected, (unsigned long long)n);
        test_failed_ = 1;
    }
    snprintf(info, sizeof info, "%s", r.info);
    free(r.rows);
    return info;
}

static const char *fail(const char *sql, int errno_expected) {
    static char msg[1024];
    Reply r = run(sql);
    if (r.errno_ != errno_expected) {
        fprintf(stderr, "  SQL: %s\n    expected errno %d, got %d (%s)\n", sql, errno_expected, r.errno_, r.msg);
        test_failed_ = 1;
    }
    snprintf(msg, sizeof msg, "%s", r.msg);
    free(r.rows);
    return msg;
}

static void check_query(const char *sql, const char *want) {
    Reply r = run(sql);
    if (r.errno_) {
        fprintf(stderr, "  query failed: %s\n    -> %s\n", sql, r.msg);
        test_failed_ = 1;
    } else if (strcmp(r.rows, want) != 0) {
        fprintf(stderr, "  query: %s\n    got:\n%s    want:\n%s", sql, r.rows, want);
        test_failed_ = 1;
    }
    free(r.rows);
}

/* Number of files under the data dir's storage tree whose name ends in suffix. */
static int count_files(const char *dir, const char *suffix) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0) continue;
        if (S_ISDIR(st.st_mode))
            n += count_files(p, suffix);
        else if (strlen(e->d_name) >= strlen(suffix) && !strcmp(e->d_name + strlen(e->d_name) - strlen(suffix), suffix))
            n++;
    }
    closedir(d);
    return n;
}

TEST(insert_values_and_reply) {
    setup();
    ok("CREATE DATABASE d; USE d");
    ok("CREATE TABLE t (k INT NOT NULL, v VARCHAR(10), n DECIMAL(10,2) DEFAULT '1.50', dt DATE) "
       "DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 3");
    const char *info = ok_n("INSERT INTO t VALUES (1, 'a', 2.25, '2024-01-02'), (2, NULL, DEFAULT, NULL)", 2);
    CHECK(strncmp(info, "{'label':'insert_", 17) == 0);
    CHECK(strstr(info, "', 'status':'VISIBLE', 'txnId':'") != NULL);
    ok_n("INSERT INTO t (v, k) VALUES ('c', 3)", 1);
    check_query("SELECT k, v, n, dt FROM t ORDER BY k",
                "1|a|2.25|2024-01-02\n2|\\N|1.50|\\N\n3|c|1.50|\\N\n");
    /* three buckets: rows spread by hash; every segment file is under the storage tree */
    char root[400];
    snprintf(root, sizeof root, "%s/storage/data", g_dir);
    CHECK(count_files(root, ".dat") >= 2);
    CHECK_INT(count_files(root, ".tmp"), 0);
    teardown();
}

TEST(insert_errors_name_column_row_value) {
    setup();
    ok("CREATE DATABASE d; USE d");
    ok("CREATE TABLE t (k INT NOT NULL, v TINYINT, s VARCHAR(3)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k)");
    const char *m = fail("INSERT INTO t VALUES (1, 1, 'a'), (2, 300, 'b')", 1264);
    CHECK(strstr(m, "Column 'v' at row 2") != NULL);
    CHECK(strstr(m, "300") != NULL);
    m = fail("INSERT INTO t VALUES (1, 1, 'abcd')", 1406);
    CHECK(strstr(m, "Column 's' at row 1") != NULL);
    m = fail("INSERT INTO t VALUES (NULL, 1, 'a')", 1048);
    CHECK(strstr(m, "Column 'k' cannot be null (row 1)") != NULL);
    m = fail("INSERT INTO t (v) VALUES (1)", 5064);
    CHECK(strstr(m, "Column 'k' has no default value") != NULL);
    m = fail("INSERT INTO t VALUES (1, 2)", 1136);
    CHECK(strstr(m, "Column count doesn't match value count at row 1") != NULL);
    m = fail("INSERT INTO t (k, nope) VALUES (1, 2)", 1054);
    CHECK(strstr(m, "Unknown column 'nope'") != NULL);
    fail("INSERT INTO nope VALUES (1)", 1146);
    /* nothing of the failed statements is visible */
    check_query("SELECT count(*) FROM t", "0\n");
    teardown();
}

TEST(partitions_and_routing) {
    setup();
    ok("CREATE DATABASE d; USE d");
    ok("CREATE TABLE t (dt DATE, k INT, v INT) DUPLICATE KEY(dt, k) PARTITION BY RANGE(dt) ("
       "PARTITION p1 VALUES LESS THAN ('2024-02-01'), PARTITION p2 VALUES LESS THAN ('2024-03-01')) "
       "DISTRIBUTED BY HASH(k) BUCKETS 2");
    ok_n("INSERT INTO t VALUES ('2024-01-05', 1, 10), ('2024-02-05', 2, 20), ('2024-02-06', 3, 30)", 3);
    const char *m = fail("INSERT INTO t VALUES ('2024-01-05', 4, 40), ('2024-05-01', 5, 50)", 1526);
    CHECK(strstr(m, "2024-05-01") != NULL);
    m = fail("INSERT INTO t PARTITION (p1) VALUES ('2024-02-10', 6, 60)", 1526);
    CHECK(strstr(m, "belongs to partition 'p2'") != NULL);
    ok_n("INSERT INTO t PARTITION (p2) VALUES ('2024-02-10', 6, 60)", 1);
    fail("INSERT INTO t PARTITION (p9) VALUES ('2024-02-10', 6, 60)", 1735);
    check_query("SELECT k FROM t ORDER BY k", "1\n2\n3\n6\n");
    /* INSERT OVERWRITE of one partition replaces it atomically and leaves the other alone */
    ok_n("INSERT OVERWRITE t PARTITION (p2) VALUES ('2024-02-20', 7, 70)", 1);
    check_query("SELECT k FROM t ORDER BY k", "1\n7\n");
    ok_n("INSERT OVERWRITE t SELECT dt, k + 100, v FROM t", 2);
    check_query("SELECT k FROM t ORDER BY k", "101\n107\n");
    teardown();
}

TEST(insert_select_and_labels) {
    setup();
    ok("CREATE DATABASE d; USE d");
    ok("CREATE TABLE src (k INT, s VARCHAR(20)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2");
    ok("CREATE TABLE dst (k BIGINT, s VARCHAR(20), x INT DEFAULT '7') DUPLICATE KEY(k) DISTRIBUTED BY HASH(k)");
    ok_n("INSERT INTO src VALUES (1, 'one'), (2, 'two'), (3, 'three')", 3);
    const char *info = ok_n("INSERT INTO dst WITH LABEL my_label_1 (k, s) SELECT k * 10, upper(s) FROM src WHERE k > 1", 2);
    CHECK(strncmp(info, "{'label':'my_label_1', 'status':'VISIBLE'", 41) == 0);
    check_query("SELECT k, s, x FROM dst ORDER BY k", "20|TWO|7\n30|THREE|7\n");
    const char *m = fail("INSERT INTO dst WITH LABEL my_label_1 SELECT k, s, 1 FROM src", 5067);
    CHECK(strstr(m, "Label [my_label_1] has already been used") != NULL);
    check_query("SELECT count(*) FROM dst", "2\n");
    /* labels survive a restart */
    restart();
    fail("INSERT INTO dst WITH LABEL my_label_1 SELECT k, s, 1 FROM src", 5067);
    check_query("SELECT count(*) FROM dst", "2\n");
    fail("INSERT INTO dst SELECT k FROM src", 1136);
    teardown();
}

TEST(key_models) {
    setup();
    ok("CREATE DATABASE d; USE d");
    ok("CREATE TABLE agg (k INT, s BIGINT SUM, m INT MAX, r VARCHAR(5) REPLACE) AGGREGATE KEY(k) "
       "DISTRIBUTED BY HASH(k) BUCKETS 2");
    ok_n("INSERT INTO agg VALUES (1, 10, 5, 'a'), (2, 1, 1, 'x'), (1, 5, 9, 'b')", 3);
    ok_n("INSERT INTO agg VALUES (1, 100, 2, 'c')", 1);
    check_query("SELECT k, s, m, r FROM agg ORDER BY k", "1|115|9|c\n2|1|1|x\n");
    ok("CREATE TABLE uq (k INT, v VARCHAR(5)) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2");
    ok_n("INSERT INTO uq VALUES (1, 'a'), (2, 'b'), (1, 'c')", 3);
    ok_n("INSERT INTO uq VALUES (2, 'd')", 1);
    check_query("SELECT k, v FROM uq ORDER BY k", "1|c\n2|d\n");
    ok("CREATE TABLE pk (k INT NOT NULL, v INT) PRIMARY KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2");
    ok_n("INSERT INTO pk VALUES (1, 1), (2, 2), (3, 3)", 3);
    ok_n("INSERT INTO pk VALUES (2, 20)", 1);
    check_query("SELECT k, v FROM pk ORDER BY k", "1|1\n2|20\n3|3\n");
    teardown();
}

TEST(delete_and_update) {
    setup();
    ok("CREATE DATABASE d; USE d");
    ok("CREATE TABLE dup (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2");
    ok_n("INSERT INTO dup VALUES (1, 1), (2, 2), (3, 3), (4, 4)", 4);
    ok_n("DELETE FROM dup WHERE k >= 3", 0);
    check_query("SELECT k FROM dup ORDER BY k", "1\n2\n");
    /* rows loaded after the delete are not affected by it */
    ok_n("INSERT INTO dup VALUES (5, 5)", 1);
    check_query("SELECT k FROM dup ORDER BY k", "1\n2\n5\n");
    CHECK(strstr(fail("DELETE FROM dup", 5064), "needs a WHERE clause") != NULL);
    fail("DELETE FROM dup WHERE nope = 1", 1054);

    ok("CREATE TABLE pk (k INT NOT NULL, v INT, s VARCHAR(5)) PRIMARY KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2");
    ok_n("INSERT INTO pk VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c')", 3);
    ok_n("DELETE FROM pk WHERE v > 15", 2);
    check_query("SELECT k, v, s FROM pk ORDER BY k", "1|10|a\n");
    ok_n("INSERT INTO pk VALUES (2, 21, 'z')", 1);
    ok_n("UPDATE pk SET v = v + 1, s = 'u' WHERE k = 1", 1);
    check_query("SELECT k, v, s FROM pk ORDER BY k", "1|11|u\n2|21|z\n");
    ok_n("UPDATE pk SET v = 0", 2);
    check_query("SELECT k, v FROM pk ORDER BY k", "1|0\n2|0\n");
    CHECK(strstr(fail("UPDATE pk SET k = 5", 5064), "primary key column") != NULL);
    CHECK(strstr(fail("UPDATE dup SET v = 1", 1235), "only supported by PRIMARY KEY tables") != NULL);
    restart();
    check_query("SELECT k, v, s FROM pk ORDER BY k", "1|0|u\n2|0|z\n");
    check_query("SELECT k FROM dup ORDER BY k", "1\n2\n5\n");
    teardown();
}

int main(void) {
    RUN(insert_values_and_reply);
    RUN(insert_errors_name_column_row_value);
    RUN(partitions_and_routing);
    RUN(insert_select_and_labels);
    RUN(key_models);
    RUN(delete_and_update);
    TEST_EXIT();
}
