/* Catalog model: databases and tables through the real DDL handlers, routing rows to partitions, bucket
 * hashing, load transactions, overwrite, pins, GC, labels, restore hooks and persistence across restarts. */
#include "catalog_util.h"

static Datum date_d(const char *s) {
    Datum d;
    memset(&d, 0, sizeof d);
    int32_t days = 0;
    if (!date_parse(s, strlen(s), &days)) abort();
    d.v.i64 = days;
    return d;
}

static Datum int_d(int64_t v) {
    Datum d;
    memset(&d, 0, sizeof d);
    d.v.i64 = v;
    return d;
}

static Datum str_d(const char *s) {
    Datum d;
    memset(&d, 0, sizeof d);
    d.v.str.ptr = s;
    d.v.str.len = (uint32_t)strlen(s);
    return d;
}

/* Routes one key and returns the partition name ("" and the errno on a miss). */
static const char *route(CatTable *t, const Datum *key, int *errno_out) {
    static char name[128];
    Error err = ERROR_INIT;
    CatPartition *p = NULL;
    catalog_rdlock();
    Status st = catalog_route_row(t, key, &p, &err);
    snprintf(name, sizeof name, "%s", st ? "" : p->name);
    catalog_unlock();
    *errno_out = st ? err_mysql_errno(err.code) : 0;
    return name;
}

TEST(create_drop_database) {
    cat_setup();
    ok_sql("CREATE DATABASE d1");
    CHECK(strstr(fail_sql("CREATE DATABASE D1", 1007), "Can't create database 'D1'; database exists") != NULL);
    ok_sql("CREATE DATABASE IF NOT EXISTS d1");
    ok_sql("CREATE DATABASE d2");
    char *t = query_text("SHOW DATABASES");
    CHECK_STR(t, "d1\nd2\n");
    free(t);
    t = query_text("SHOW DATABASES LIKE 'd2'");
    CHECK_STR(t, "d2\n");
    free(t);
    t = query_text("SHOW DATABASES WHERE `Database` = 'd1'");
    CHECK_STR(t, "d1\n");
    free(t);
    ok_sql("USE D1");
    CHECK_STR(g_s->db, "d1");
    CHECK(strstr(fail_sql("USE nope", 1049), "Unknown database 'nope'") != NULL);
    ok_sql("DROP DATABASE d2");
    fail_sql("DROP DATABASE d2", 1008);
    ok_sql("DROP DATABASE IF EXISTS d2");
    cat_restart();
    t = query_text("SHOW DATABASES");
    CHECK_STR(t, "d1\n");
    free(t);
    cat_teardown();
}

TEST(create_table_errors) {
    cat_setup();
    ok_sql("CREATE DATABASE d; USE d");
    CHECK(strstr(fail_sql("CREATE TABLE t (a INT, b INT, c INT) DUPLICATE KEY(a, c) DISTRIBUTED BY HASH(a)", 5064),
                 "KeyColumns[1] (starts from zero) is c, but corresponding column is b") != NULL);
    fail_sql("CREATE TABLE t (a INT, b INT) DUPLICATE KEY(x) DISTRIBUTED BY HASH(a)", 1054);
    CHECK(strstr(fail_sql("CREATE TABLE t (a INT, b INT SUM) DUPLICATE KEY(a) DISTRIBUTED BY HASH(a)", 5064),
                 "only allowed in AGGREGATE KEY tables") != NULL);
    CHECK(strstr(fail_sql("CREATE TABLE t (a INT, b INT) AGGREGATE KEY(a) DISTRIBUTED BY HASH(a)", 5064),
                 "AGG_KEYS table should specify aggregate type for non-key column[b]") != NULL);
    CHECK(strstr(fail_sql("CREATE TABLE t (a INT NULL, b INT) PRIMARY KEY(a) DISTRIBUTED BY HASH(a)", 5064),
                 "primary key column[a] cannot be nullable") != NULL);
    CHECK(strstr(fail_sql("CREATE TABLE t (a INT) DUPLICATE KEY(a) DISTRIBUTED BY HASH(a) "
                          "PROPERTIES (\"replication_num\" = \"3\")",
                          5064),
                 "Current alive backend is [10001]") != NULL);
    fail_sql("CREATE TABLE t (a INT) DUPLICATE KEY(a) PARTITION BY RANGE(zz) () DISTRIBUTED BY HASH(a)", 1054);
    fail_sql("CREATE TABLE t (a INT, b INT) UNIQUE KEY(a) DISTRIBUTED BY HASH(b)", 5064);
    CHECK(strstr(fail_sql("CREATE TABLE t (a INT, dt DATE) DUPLICATE KEY(a) PARTITION BY RANGE(dt) ("
                          "PARTITION p1 VALUES [('2024-01-01'), ('2024-02-01')),"
                          "PARTITION p2 VALUES [('2024-01-15'), ('2024-03-01'))) DISTRIBUTED BY HASH(a)",
                          1493),
                 "is intersected with range") != NULL);
    fail_sql("CREATE TABLE t (a INT, a INT) DISTRIBUTED BY HASH(a)", 1060);
    fail_sql("CREATE TABLE t (a INT) DISTRIBUTED BY HASH(a) PROPERTIES (\"bogus\" = \"1\")", 5064);
    fail_sql("CREATE TABLE t (a INT, b INT) AGGREGATE KEY(a) DISTRIBUTED BY RANDOM", 5064);
    ok_sql("CREATE TABLE t (a INT) DISTRIBUTED BY HASH(a)");
    fail_sql("CREATE TABLE t (a INT) DISTRIBUTED BY HASH(a)", 1050);
    ok_sql("CREATE TABLE IF NOT EXISTS t (a INT) DISTRIBUTED BY HASH(a)");
    fail_sql("DROP TABLE nope", 1051);
    CHECK(strstr(fail_sql("DROP TABLE d.nope", 1051), "Unknown table 'd.nope'") != NULL);
    /* Table names are case-sensitive: T is another table. */
    ok_sql("CREATE TABLE T (a INT) DISTRIBUTED BY HASH(a)");
    char *s = query_text("SHOW TABLES");
    CHECK_STR(s, "T\nt\n");
    free(s);
    cat_teardown();
}

TEST(route_range) {
    cat_setup();
    ok_sql("CREATE DATABASE d; USE d");
    ok_sql("CREATE TABLE r (dt DATE, v INT) DUPLICATE KEY(dt) PARTITION BY RANGE(dt) ("
           "PARTITION p1 VALUES LESS THAN ('2024-02-01'), PARTITION p2 VALUES LESS THAN ('2024-03-01'),"
           "PARTITION pmax VALUES LESS THAN (MAXVALUE)) DISTRIBUTED BY HASH(v) BUCKETS 3");
    CatTable *t = table_named("d", "r");
    int no = 0;
    Datum k = date_d("1970-01-01");
    CHECK_STR(route(t, &k, &no), "p1");
    k = date_d("2024-01-31");
    CHECK_STR(route(t, &k, &no), "p1");
    k = date_d("2024-02-01");
    CHECK_STR(route(t, &k, &no), "p2");
    k = date_d("2024-02-29");
    CHECK_STR(route(t, &k, &no), "p2");
    k = date_d("2024-03-01");
    CHECK_STR(route(t, &k, &no), "pmax");
    k = date_d("9999-12-31");
    CHECK_STR(route(t, &k, &no), "pmax");
    Datum null_key;
    memset(&null_key, 0, sizeof null_key);
    null_key.is_null = true;
    CHECK_STR(route(t, &null_key, &no), "p1"); /* NULL goes to the lowest partition, as StarRocks */
    /* A table with a hole: no partition for the value, an error naming it. */
    ok_sql("CREATE TABLE h (k INT, v INT) PARTITION BY RANGE(k) (PARTITION a VALUES [('0'), ('10')),"
           " PARTITION b VALUES [('20'), ('30'))) DISTRIBUTED BY HASH(k)");
    CatTable *h = table_named("d", "h");
    k = int_d(9);
    CHECK_STR(route(h, &k, &no), "a");
    k = int_d(10);
    CHECK_STR(route(h, &k, &no), "");
    CHECK_INT(no, 1526);
    k = int_d(20);
    CHECK_STR(route(h, &k, &no), "b");
    k = int_d(30);
    CHECK_STR(route(h, &k, &no), "");
    k = int_d(-1);
    CHECK_STR(route(h, &k, &no), "");
    Error err = ERROR_INIT;
    CatPartition *p = NULL;
    catalog_rdlock();
    k = int_d(15);
    CHECK(catalog_route_row(h, &k, &p, &err) == STATUS_ERROR);
    catalog_unlock();
    CHECK(strstr(err.msg, "no partition of table 'h' covers the value (15) of column (k)") != NULL);
    cat_teardown();
}

TEST(route_list_and_unpartitioned) {
    cat_setup();
    ok_sql("CREATE DATABASE d; USE d");
    ok_sql("CREATE TABLE l (city VARCHAR(20), v INT) DUPLICATE KEY(city) PARTITION BY LIST(city) ("
           "PARTITION pn VALUES IN ('beijing', 'tianjin'), PARTITION ps VALUES IN ('shanghai')) "
           "DISTRIBUTED BY HASH(city)");
    CatTable *t = table_named("d", "l");
    int no = 0;
    Datum k = str_d("tianjin");
    CHECK_STR(route(t, &k, &no), "pn");
    k = str_d("shanghai");
    CHECK_STR(route(t, &k, &no), "ps");
    k = str_d("paris");
    CHECK_STR(route(t, &k, &no), "");
    CHECK_INT(no, 1526);
    CHECK(strstr(fail_sql("CREATE TABLE l2 (c INT) PARTITION BY LIST(c) (PARTITION a VALUES IN ('1', '2'),"
                          " PARTITION b VALUES IN ('2')) DISTRIBUTED BY HASH(c)",
                          1493),
                 "already in partition a") != NULL);
    ok_sql("CREATE TABLE u (k INT) DISTRIBUTED BY HASH(k)");
    CatTable *u = table_named("d", "u");
    k = int_d(5);
    CHECK_STR(route(u, &k, &no), "u");
    cat_teardown();
}

TEST(batch_partitions) {
    cat_setup();
    ok_sql("CREATE DATABASE d; USE d");
    ok_sql("CREATE TABLE bd (dt DATE, v INT) PARTITION BY RANGE(dt) (START ('2024-01-30') END ('2024-02-02') "
           "EVERY (INTERVAL 1 DAY)) DISTRIBUTED BY HASH(v)");
    char *s;
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM bd", 0, "PartitionName"), "p20240130");
    free(s);
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM bd", 2, "PartitionName"), "p20240201");
    free(s);
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM bd", 2, "Range"),
              "[types: [DATE]; keys: [2024-02-01]; ..types: [DATE]; keys: [2024-02-02]; )");
    free(s);
    ok_sql("CREATE TABLE bm (dt DATE, v INT) PARTITION BY RANGE(dt) (START ('2024-01-15') END ('2024-03-10') "
           "EVERY (INTERVAL 1 MONTH)) DISTRIBUTED BY HASH(v)");
    s = query_text("SHOW PARTITIONS FROM bm");
    free(s);
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM bm", 0, "Range"),
              "[types: [DATE]; keys: [2024-01-15]; ..types: [DATE]; keys: [2024-02-01]; )");
    free(s);
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM bm", 2, "PartitionName"), "p202403");
    free(s);
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM bm", 2, "Range"),
              "[types: [DATE]; keys: [2024-03-01]; ..types: [DATE]; keys: [2024-03-10]; )");
    free(s);
    ok_sql("CREATE TABLE bw (dt DATE, v INT) PARTITION BY RANGE(dt) (START ('2024-01-01') END ('2024-01-15') "
           "EVERY (INTERVAL 1 WEEK)) DISTRIBUTED BY HASH(v)");
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM bw", 0, "PartitionName"), "p2024_01");
    free(s);
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM bw", 1, "PartitionName"), "p2024_02");
    free(s);
    ok_sql("CREATE TABLE by_ (dt DATETIME, v INT) PARTITION BY RANGE(dt) (START ('2022-06-01') END ('2024-01-01') "
           "EVERY (INTERVAL 1 YEAR)) DISTRIBUTED BY HASH(v)");
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM by_", 1, "PartitionName"), "p2023");
    free(s);
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM by_", 1, "Range"),
              "[types: [DATETIME]; keys: [2023-01-01 00:00:00]; ..types: [DATETIME]; keys: [2024-01-01 00:00:00]; )");
    free(s);
    ok_sql("CREATE TABLE bn (k INT, v INT) PARTITION BY RANGE(k) (START ('1') END ('25') EVERY (10)) "
           "DISTRIBUTED BY HASH(v)");
    s = query_text("SHOW PARTITIONS FROM bn WHERE PartitionName LIKE 'p%' ORDER BY PartitionName DESC LIMIT 2");
    free(s);
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM bn ORDER BY PartitionName DESC", 0, "PartitionName"), "p21");
    free(s);
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM bn", 2, "Range"),
              "[types: [INT]; keys: [21]; ..types: [INT]; keys: [31]; )");
    free(s);
    cat_teardown();
}

TEST(bucket_hash_stable) {
    cat_setup();
    ok_sql("CREATE DATABASE d; USE d");
    ok_sql("CREATE TABLE t (k BIGINT, s VARCHAR(10), v INT) DISTRIBUTED BY HASH(k, s) BUCKETS 7");
    CatTable *t = table_named("d", "t");
    int before[20];
    for (int i = 0; i < 20; i++) {
        char buf[16];
        snprintf(buf, sizeof buf, "s%d", i);
        Datum vals[2] = {int_d(i * 1000003), str_d(buf)};
        before[i] = catalog_bucket_for_row(t, 7, vals, NULL);
        CHECK(before[i] >= 0 && before[i] < 7);
    }
    /* The hash of a known value is fixed forever: data on disk was placed by it. */
    Datum one = int_d(1);
    DataType bt = type_make(TYPE_BIGINT);
    CHECK(catalog_hash_datum(&bt, &one, 0) == catalog_hash_datum(&bt, &one, 0));
    Datum small = int_d(1);
    DataType it = type_make(TYPE_INT);
    CHECK(catalog_hash_datum(&it, &small, 7) == catalog_hash_datum(&bt, &one, 7)); /* width-independent */
    cat_restart();
    t = table_named("d", "t");
    int spread[7] = {0};
    for (int i = 0; i < 20; i++) {
        char buf[16];
        snprintf(buf, sizeof buf, "s%d", i);
        Datum vals[2] = {int_d(i * 1000003), str_d(buf)};
        int b = catalog_bucket_for_row(t, 7, vals, NULL);
        CHECK_INT(b, before[i]);
        spread[b]++;
    }
    int used = 0;
    for (int i = 0; i < 7; i++) used += spread[i] > 0;
    CHECK(used >= 4); /* 20 keys over 7 buckets do not collapse into a few */
    ok_sql("CREATE TABLE r (k INT) DUPLICATE KEY(k) DISTRIBUTED BY RANDOM BUCKETS 3");
    CatTable *r = table_named("d", "r");
    uint64_t rr = 0;
    CHECK_INT(catalog_bucket_for_row(r, 3, NULL, &rr), 0);
    CHECK_INT(catalog_bucket_for_row(r, 3, NULL, &rr), 1);
    CHECK_INT(catalog_bucket_for_row(r, 3, NULL, &rr), 2);
    CHECK_INT(catalog_bucket_for_row(r, 3, NULL, &rr), 0);
    cat_teardown();
}

/* Commits one rowset with nrows rows into bucket 0 of the named partition. */
static int64_t load_rows(const char *table, const char *part, int64_t nrows, const char *label, bool overwrite,
                         Error *err) {
    CatTable *t = table_named("d", table);
    catalog_rdlock();
    CatPartition *p = catalog_find_partition(t, part);
    int64_t tablet = catalog_partition_tablet(p, 0, 0)->id;
    int64_t pid = p->id, db_id = t->db_id, tid = t->id;
    catalog_unlock();
    CatTxn *txn = NULL;
    if (catalog_txn_begin(db_id, tid, label, &txn, err)) return -1;
    int64_t rid = 0;
    CHECK_OK(meta_next_id(&rid, err), err);
    CatSegmentFile seg = {.name = "seg_0.dat", .size = 100 * nrows, .checksum = 0xabcdef, .nrows = nrows};
    CatRowsetMeta m = {rid, 1, &seg, nrows, 100 * nrows, NULL};
    CHECK_OK(catalog_txn_add_rowset(txn, tablet, &m, err), err);
    if (overwrite) CHECK_OK(catalog_txn_set_overwrite(txn, &pid, 1, err), err);
    if (catalog_txn_commit(txn, err)) return -1;
    return rid;
}

static int64_t part_version(const char *table, const char *part) {
    CatTable *t = table_named("d", table);
    catalog_rdlock();
    int64_t v = catalog_find_partition(t, part)->visible_version;
    catalog_unlock();
    return v;
}

TEST(txn_commit_abort_overwrite) {
    cat_setup();
    ok_sql("CREATE DATABASE d; USE d");
    ok_sql("CREATE TABLE t (k INT, v INT) PARTITION BY RANGE(k) (PARTITION a VALUES LESS THAN ('10'),"
           " PARTITION b VALUES LESS THAN ('20')) DISTRIBUTED BY HASH(k) BUCKETS 2");
    Error err = ERROR_INIT;
    CHECK_INT(part_version("t", "a"), 1);
    int64_t r1 = load_rows("t", "a", 5, "l1", false, &err);
    CHECK(r1 > 0);
    CHECK_INT(part_version("t", "a"), 2);
    CHECK_INT(part_version("t", "b"), 1);
    int64_t r2 = load_rows("t", "a", 7, "l2", false, &err);
    CHECK_INT(part_version("t", "a"), 3);
    char *s = query_cell("SHOW PARTITIONS FROM t", 0, "RowCount");
    CHECK_STR(s, "12");
    free(s);
    s = query_cell("SHOW PARTITIONS FROM t", 0, "DataSize");
    CHECK_STR(s, "1.172 KB");
    free(s);
    /* A read view pins what is visible now; an overwrite then replaces it without disturbing the view. */
    CatTable *t = table_named("d", "t");
    CatReadView *v = NULL;
    catalog_rdlock();
    CHECK_OK(catalog_read_view(t, 0, NULL, 0, &v, &err), &err);
    catalog_unlock();
    CHECK_INT(v->nparts, 2);
    CHECK_INT(v->parts[0].version, 3);
    CHECK_INT(v->parts[0].tablets[0].nrowsets, 2);
    CHECK_INT(v->parts[0].tablets[0].rowsets[0]->id, r1);
    CHECK_INT(v->parts[0].tablets[0].rowsets[0]->start_version, 2);
    CHECK_INT(v->parts[0].tablets[0].rowsets[1]->end_version, 3);
    CHECK_INT(v->parts[1].tablets[1].nrowsets, 0);
    int64_t r3 = load_rows("t", "a", 1, "l3", true, &err);
    CHECK(r3 > 0);
    CHECK_INT(part_version("t", "a"), 4);
    CHECK(!was_removed(r1) && !was_removed(r2)); /* still pinned by the view */
    s = query_cell("SHOW PARTITIONS FROM t", 0, "RowCount");
    CHECK_STR(s, "1");
    free(s);
    catalog_read_view_free(v);
    CHECK(was_removed(r1) && was_removed(r2));
    CHECK(!was_removed(r3));
    /* Abort deletes the files of the rowsets it was given. */
    CatTxn *txn = NULL;
    CHECK_OK(catalog_txn_begin(t->db_id, t->id, NULL, &txn, &err), &err);
    CHECK(!strncmp(catalog_txn_label(txn), "insert_", 7));
    int64_t rid = 0;
    CHECK_OK(meta_next_id(&rid, &err), &err);
    CatRowsetMeta m = {rid, 0, NULL, 0, 0, NULL};
    catalog_rdlock();
    int64_t tablet = catalog_partition_tablet(catalog_find_partition(t, "b"), 0, 1)->id;
    catalog_unlock();
    CHECK_OK(catalog_txn_add_rowset(txn, tablet, &m, &err), &err);
    catalog_txn_abort(txn);
    CHECK(was_removed(rid));
    CHECK_INT(part_version("t", "b"), 1);
    /* Survives a restart: versions, rowsets, stale ones gone. */
    cat_restart();
    CHECK_INT(part_version("t", "a"), 4);
    s = query_cell("SHOW PARTITIONS FROM t", 0, "RowCount");
    CHECK_STR(s, "1");
    free(s);
    /* TRUNCATE empties and bumps the version. */
    ok_sql("TRUNCATE TABLE t PARTITION (a)");
    CHECK_INT(part_version("t", "a"), 5);
    CHECK(was_removed(r3));
    fail_sql("TRUNCATE TABLE t PARTITION (zz)", 1735);
    cat_teardown();
}

TEST(labels_unique) {
    cat_setup();
    ok_sql("CREATE DATABASE d; USE d; CREATE TABLE t (k INT) DISTRIBUTED BY HASH(k)");
    ok_sql("CREATE DATABASE d2; CREATE TABLE d2.t (k INT) DISTRIBUTED BY HASH(k)");
    Error err = ERROR_INIT;
    CHECK(load_rows("t", "t", 1, "lbl", false, &err) > 0);
    CHECK(load_rows("t", "t", 1, "lbl", false, &err) < 0);
    CHECK_INT(err.code, ERR_LABEL_EXISTS);
    CHECK_STR(err.msg, "Label [lbl] has already been used.");
    /* A running load holds its label too. */
    CatTable *t = table_named("d", "t");
    CatTxn *txn = NULL;
    CHECK_OK(catalog_txn_begin(t->db_id, t->id, "busy", &txn, &err), &err);
    CatTxn *txn2 = NULL;
    CHECK(catalog_txn_begin(t->db_id, t->id, "busy", &txn2, &err) == STATUS_ERROR);
    CHECK(catalog_label_exists(t->db_id, "busy"));
    catalog_txn_abort(txn);
    CHECK(!catalog_label_exists(t->db_id, "busy"));
    CHECK(catalog_txn_begin(t->db_id, t->id, "bad label!", &txn2, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_WRONG_LABEL);
    /* Another database may use the same label. */
    CatTable *t2 = table_named("d2", "t");
    CHECK_OK(catalog_txn_begin(t2->db_id, t2->id, "lbl", &txn2, &err), &err);
    catalog_txn_abort(txn2);
    cat_restart();
    t = table_named("d", "t");
    CHECK(catalog_label_exists(t->db_id, "lbl"));
    CHECK(load_rows("t", "t", 1, "lbl", false, &err) < 0);
    CHECK_INT(err.code, ERR_LABEL_EXISTS);
    cat_teardown();
}

TEST(pins_survive_restart) {
    cat_setup();
    ok_sql("CREATE DATABASE d; USE d; CREATE TABLE t (k INT) DISTRIBUTED BY HASH(k)");
    Error err = ERROR_INIT;
    int64_t r1 = load_rows("t", "t", 3, NULL, false, &err);
    CHECK_OK(catalog_pin_rowsets(77, &r1, 1, &err), &err);
    CHECK(catalog_rowset_pinned(r1));
    cat_restart();
    CHECK(catalog_rowset_pinned(r1));
    ok_sql("USE d");
    ok_sql("TRUNCATE TABLE t");
    CHECK(!was_removed(r1)); /* stale but pinned by job 77 */
    cat_restart();
    CHECK(!was_removed(r1));
    CHECK_OK(catalog_unpin_job(77, &err), &err);
    CHECK(!catalog_rowset_pinned(r1));
    CHECK(was_removed(r1));
    /* A dropped table's pinned rowset keeps its files until the unpin. */
    int64_t r2 = load_rows("t", "t", 2, NULL, false, &err);
    CHECK_OK(catalog_pin_rowsets(78, &r2, 1, &err), &err);
    ok_sql("DROP TABLE t");
    CHECK(!was_removed(r2));
    CHECK_OK(catalog_unpin_job(78, &err), &err);
    cat_teardown();
}

TEST(persistence_and_show_create_roundtrip) {
    cat_setup();
    ok_sql("CREATE DATABASE d; USE d");
    const char *ddl[] = {
        "CREATE TABLE agg (k1 DATE NOT NULL COMMENT 'day', k2 VARCHAR(32) DEFAULT 'x', v1 BIGINT SUM DEFAULT '0',"
        " v2 DECIMAL(10, 2) REPLACE NULL, v3 INT MAX, v4 DATETIME REPLACE_IF_NOT_NULL) AGGREGATE KEY(k1, k2)"
        " COMMENT 'aggregated' PARTITION BY RANGE(k1) (PARTITION p1 VALUES LESS THAN ('2024-01-01'),"
        " PARTITION p2 VALUES [('2024-01-01'), ('2024-02-01')), PARTITION p3 VALUES LESS THAN (MAXVALUE))"
        " DISTRIBUTED BY HASH(k2) BUCKETS 4 PROPERTIES (\"replication_num\" = \"1\", \"storage_medium\" = \"SSD\")",
        "CREATE TABLE pk (id BIGINT NOT NULL AUTO_INCREMENT, name STRING, ts DATETIME DEFAULT CURRENT_TIMESTAMP,"
        " INDEX idx_name (name) USING BITMAP COMMENT 'by name') PRIMARY KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 2"
        " ORDER BY(name)",
        "CREATE TABLE lst (c CHAR(2), n SMALLINT, v FLOAT) DUPLICATE KEY(c, n) PARTITION BY LIST(c, n)"
        " (PARTITION pa VALUES IN (('a', '1'), ('b', '2')), PARTITION pz VALUES IN (('z', '-3')))"
        " DISTRIBUTED BY RANDOM",
        "CREATE TABLE ex (dt DATETIME, v LARGEINT, b BOOLEAN, d DOUBLE, ti TINYINT) PARTITION BY date_trunc('month', dt)"
        " DISTRIBUTED BY HASH(dt) PROPERTIES (\"dynamic_partition.enable\" = \"false\", \"in_memory\" = \"false\")",
        "CREATE TABLE u (k INT, v VARCHAR(5)) UNIQUE KEY(k) DISTRIBUTED BY HASH(k)",
    };
    enum { N = 5 };
    char *before[N];
    const char *names[N] = {"agg", "pk", "lst", "ex", "u"};
    for (int i = 0; i < N; i++) {
        ok_sql(ddl[i]);
        char q[128];
        snprintf(q, sizeof q, "SHOW CREATE TABLE %s", names[i]);
        before[i] = query_cell(q, 0, "Create Table");
    }
    CHECK_STR(before[4], "CREATE TABLE `u` (\n  `k` int(11) NULL COMMENT \"\",\n  `v` varchar(5) NULL COMMENT \"\"\n"
                         ") ENGINE=OLAP\nUNIQUE KEY(`k`)\nDISTRIBUTED BY HASH(`k`)\nPROPERTIES (\n"
                         "\"replication_num\" = \"1\"\n);");
    cat_restart();
    for (int i = 0; i < N; i++) {
        char q[128];
        snprintf(q, sizeof q, "SHOW CREATE TABLE d.%s", names[i]);
        char *after = query_cell(q, 0, "Create Table");
        CHECK_STR(after, before[i]);
        free(after);
        /* Recreate from its own text in another database: identical output. */
        ok_sql("CREATE DATABASE IF NOT EXISTS rt");
        ok_sql("USE rt");
        ok_sql(before[i]);
        snprintf(q, sizeof q, "SHOW CREATE TABLE rt.%s", names[i]);
        after = query_cell(q, 0, "Create Table");
        CHECK_STR(after, before[i]);
        free(after);
        ok_sql("USE d");
    }
    for (int i = 0; i < N; i++) free(before[i]);
    char *s = query_text("DESC agg");
    CHECK_STR(s, "k1|DATE|No|true|\\N|\nk2|VARCHAR(32)|Yes|true|x|\nv1|BIGINT|Yes|false|0|SUM\n"
                 "v2|DECIMAL(10,2)|Yes|false|\\N|REPLACE\nv3|INT|Yes|false|\\N|MAX\n"
                 "v4|DATETIME|Yes|false|\\N|REPLACE_IF_NOT_NULL\n");
    free(s);
    cat_teardown();
}

TEST(alter_table) {
    cat_setup();
    ok_sql("CREATE DATABASE d; USE d");
    ok_sql("CREATE TABLE t (k INT, v INT) PARTITION BY RANGE(k) (PARTITION a VALUES LESS THAN ('10'))"
           " DISTRIBUTED BY HASH(k) BUCKETS 2");
    ok_sql("ALTER TABLE t ADD PARTITION b VALUES LESS THAN ('20')");
    ok_sql("ALTER TABLE t ADD PARTITION c VALUES [('30'), ('40')) DISTRIBUTED BY HASH(k) BUCKETS 5");
    fail_sql("ALTER TABLE t ADD PARTITION b VALUES LESS THAN ('25')", 1517);
    fail_sql("ALTER TABLE t ADD PARTITION x VALUES [('35'), ('45'))", 1493);
    char *s = query_text("SHOW PARTITIONS FROM t");
    free(s);
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM t", 1, "Range"),
              "[types: [INT]; keys: [10]; ..types: [INT]; keys: [20]; )");
    free(s);
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM t", 2, "Buckets"), "5");
    free(s);
    ok_sql("ALTER TABLE t RENAME PARTITION b bb");
    ok_sql("ALTER TABLE t DROP PARTITION a");
    fail_sql("ALTER TABLE t DROP PARTITION a", 1735);
    ok_sql("ALTER TABLE t DROP PARTITION IF EXISTS a");
    ok_sql("ALTER TABLE t SET (\"dynamic_partition.enable\" = \"false\")");
    ok_sql("ALTER TABLE t RENAME t2");
    ok_sql("CREATE TABLE other (k INT) DISTRIBUTED BY HASH(k)");
    ok_sql("ALTER TABLE t2 SWAP WITH other");
    cat_restart();
    ok_sql("USE d");
    s = query_text("SHOW TABLES");
    CHECK_STR(s, "other\nt2\n");
    free(s);
    s = query_text("SHOW PARTITIONS FROM other");
    free(s);
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM other", 0, "PartitionName"), "bb");
    free(s);
    CHECK_STR(s = query_cell("SHOW PARTITIONS FROM t2", 0, "PartitionName"), "other");
    free(s);
    fail_sql("ALTER TABLE t2 ADD COLUMN x INT", 1235);
    cat_teardown();
}

TEST(restore_hooks) {
    cat_setup();
    ok_sql("CREATE DATABASE d; USE d");
    ok_sql("CREATE TABLE t (k INT, v INT) PARTITION BY RANGE(k) (PARTITION a VALUES LESS THAN ('10'),"
           " PARTITION b VALUES LESS THAN ('20')) DISTRIBUTED BY HASH(k) BUCKETS 1");
    Error err = ERROR_INIT;
    int64_t old = load_rows("t", "a", 4, NULL, false, &err);
    CatTable *t = table_named("d", "t");
    int64_t tid = t->id, db_id = t->db_id;
    /* Overwrite partition a from a "snapshot": a hidden partition built beside it, then switched in. */
    CHECK_OK(catalog_restore_set_table_state(tid, TABLE_RESTORE, 500, &err), &err);
    CHECK(strstr(fail_sql("TRUNCATE TABLE t", 5065), "Table t is in restore process. Can not operate on it") != NULL);
    catalog_rdlock();
    CatPartition def = *catalog_find_partition(t, "a");
    catalog_unlock();
    def.visible_version = 1;
    int64_t hid = 0;
    CHECK_OK(catalog_restore_add_partition(tid, &def, 500, &hid, &err), &err);
    catalog_rdlock();
    int64_t htablet = catalog_partition_tablet(catalog_find_partition_by_id(t, hid), 0, 0)->id;
    CHECK(catalog_find_partition(t, "a")->id != hid); /* the live one is still what names resolve to */
    catalog_unlock();
    int64_t nr = 0;
    CHECK_OK(meta_next_id(&nr, &err), &err);
    CatRowsetMeta m = {nr, 0, NULL, 9, 900, NULL};
    CHECK_OK(catalog_restore_add_rowset(htablet, &m, 2, 6, &err), &err);
    /* A new table from a definition (as a manifest would carry it). */
    catalog_rdlock();
    json_t *j = catalog_table_to_json(t, true);
    catalog_unlock();
    json_object_set_new(j, "name", json_string("t_copy"));
    CatTable *def2 = NULL;
    CHECK_OK(catalog_table_from_json(j, &def2, &err), &err);
    json_decref(j);
    int64_t newt = 0;
    CHECK_OK(catalog_restore_create_table(db_id, def2, 500, &newt, &err), &err);
    CHECK(table_named("d", "t_copy") == NULL); /* hidden until commit */
    fail_sql("CREATE TABLE t_copy (k INT) DISTRIBUTED BY HASH(k)", 1050);
    cat_restart(); /* hidden objects survive a restart */
    CHECK_OK(catalog_restore_commit(500, &hid, (int64_t[]){6}, 1, &err), &err);
    CHECK(table_named("d", "t_copy") != NULL);
    CHECK_INT(part_version("t", "a"), 6);
    char *s = query_cell("SHOW PARTITIONS FROM d.t", 0, "RowCount");
    CHECK_STR(s, "9");
    free(s);
    CHECK(was_removed(old));
    ok_sql("TRUNCATE TABLE d.t"); /* usable again */
    /* Abort: the hidden partition goes, the live data stays. */
    int64_t live = load_rows("t", "b", 2, NULL, false, &err);
    t = table_named("d", "t");
    catalog_rdlock();
    def = *catalog_find_partition(t, "b");
    catalog_unlock();
    CHECK_OK(catalog_restore_set_table_state(tid, TABLE_RESTORE, 501, &err), &err);
    CHECK_OK(catalog_restore_add_partition(tid, &def, 501, &hid, &err), &err);
    CHECK_OK(catalog_restore_abort(501, &err), &err);
    CHECK(!was_removed(live));
    s = query_cell("SHOW PARTITIONS FROM d.t", 1, "RowCount");
    CHECK_STR(s, "2");
    free(s);
    ok_sql("TRUNCATE TABLE d.t PARTITION (b)");
    cat_teardown();
}

TEST(views) {
    cat_setup();
    ok_sql("CREATE DATABASE d; USE d; CREATE TABLE t (k INT, v INT) DISTRIBUTED BY HASH(k)");
    ok_sql("CREATE VIEW v (a, b COMMENT 'bee') COMMENT 'my view' AS SELECT k, v FROM t WHERE k > 1");
    char *s = query_cell("SHOW CREATE VIEW v", 0, "Create View");
    CHECK_STR(s, "CREATE VIEW `v` (`a`, `b` COMMENT \"bee\") COMMENT \"my view\" AS SELECT k, v FROM t WHERE k > 1;");
    free(s);
    s = query_text("SHOW FULL TABLES");
    CHECK_STR(s, "t|BASE TABLE\nv|VIEW\n");
    free(s);
    fail_sql("CREATE VIEW v AS SELECT 1", 1050);
    ok_sql("CREATE OR REPLACE VIEW v AS SELECT k FROM t");
    ok_sql("ALTER VIEW v AS SELECT v FROM t");
    cat_restart();
    ok_sql("USE d");
    s = query_cell("SHOW CREATE TABLE v", 0, "Create View");
    CHECK_STR(s, "CREATE VIEW `v` COMMENT \"my view\" AS SELECT v FROM t;");
    free(s);
    fail_sql("SHOW CREATE VIEW t", 1347);
    fail_sql("DROP VIEW t", 1347);
    fail_sql("DROP TABLE v", 1347);
    ok_sql("DROP VIEW v");
    fail_sql("DROP VIEW v", 1051);
    cat_teardown();
}

int main(void) {
    RUN(create_drop_database);
    RUN(create_table_errors);
    RUN(route_range);
    RUN(route_list_and_unpartitioned);
    RUN(batch_partitions);
    RUN(bucket_hash_stable);
    RUN(txn_commit_abort_overwrite);
    RUN(labels_unique);
    RUN(pins_survive_restart);
    RUN(persistence_and_show_create_roundtrip);
    RUN(alter_table);
    RUN(restore_hooks);
    RUN(views);
    session_free(g_s);
    TEST_EXIT();
}
