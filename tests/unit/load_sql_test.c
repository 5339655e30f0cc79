/* The load statements end to end inside one process: real metadata store, catalog, storage files and query
 * engine. INSERT VALUES / SELECT / OVERWRITE / PARTITION / WITH LABEL, defaults and NOT NULL, the reply's
 * info string, routing errors, key models, DELETE and UPDATE, versions and row counts, and restart. */
#include "load_fixture.h"

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
