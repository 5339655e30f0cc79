/* Compaction end to end in one process: rows loaded by INSERT (load/), merged through storage/ by
 * catalog_compact_tablet, read back by SELECT (exec/): same answer, one rowset left, old files swept. */
#include "catalog_util.h"
#include "catalog/storage_glue.h"
#include "exec/exec.h"
#include "load/load.h"
#include "server/config.h"

static int64_t only_tablet(const char *table, int *nvisible) {
    CatTable *t = table_named("d", table);
    catalog_rdlock();
    CatTablet *tb = catalog_partition_tablet(t->parts[0], 0, 0);
    int n = 0;
    for (int i = 0; i < tb->nrowsets; i++) n += tb->rowsets[i]->state == ROWSET_VISIBLE;
    int64_t id = tb->id;
    catalog_unlock();
    *nvisible = n;
    return id;
}

static void setup(void) {
    cat_setup();
    Error err = ERROR_INIT;
    CHECK_OK(config_set("data_dir", g_dir, &err), &err);
    catalog_use_local_storage();
    load_register_statements();
    exec_register_statements();
    ok_sql("CREATE DATABASE d; USE d");
}

static void check_merge(const char *table, const char *query, const char *expect) {
    int n = 0;
    int64_t tablet = only_tablet(table, &n);
    CHECK_INT(n, 5);
    char *before = query_text(query);
    CHECK_STR(before, expect);
    Error err = ERROR_INIT;
    bool did = false;
    CHECK_OK(catalog_compact_tablet(tablet, 6, &did, &err), &err);
    CHECK(!did); /* 5 rowsets are under the threshold of 6 */
    CHECK_OK(catalog_compact_tablet(tablet, 5, &did, &err), &err);
    CHECK(did);
    only_tablet(table, &n);
    CHECK_INT(n, 1);
    CatTable *t = table_named("d", table);
    catalog_rdlock();
    CatTablet *tb = catalog_partition_tablet(t->parts[0], 0, 0);
    CatRowset *rs = tb->rowsets[tb->nrowsets - 1];
    CHECK_INT(rs->start_version, 2);
    CHECK_INT(rs->end_version, 6);
    int64_t merged = rs->id;
    catalog_unlock();
    char *after = query_text(query);
    CHECK_STR(after, expect);
    /* Only the merged rowset's files remain in the tablet directory. */
    int64_t *ids = NULL;
    int nids = 0;
    CHECK_OK(glue_list_tablet_rowsets(tablet, &ids, &nids, &err), &err);
    CHECK_INT(nids, 1);
    if (nids == 1) CHECK_INT(ids[0], merged);
    free(ids);
    cat_restart();
    ok_sql("USE d");
    char *again = query_text(query);
    CHECK_STR(again, expect);
    free(before);
    free(after);
    free(again);
}

TEST(compact_duplicate) {
    setup();
    ok_sql("CREATE TABLE t (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1");
    for (int i = 0; i < 5; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "INSERT INTO t VALUES (%d, %d), (%d, %d)", 5 - i, i, 10 + i, i * 10);
        ok_sql(sql);
    }
    check_merge("t", "SELECT count(*), sum(v), min(k), max(k) FROM t", "10|110|1|14\n");
    cat_teardown();
}

TEST(compact_aggregate) {
    setup();
    ok_sql("CREATE TABLE a (k INT, s BIGINT SUM, m INT MAX) AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1");
    for (int i = 0; i < 5; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "INSERT INTO a VALUES (1, %d, %d), (2, 1, %d)", i + 1, i * 3, 100 - i);
        ok_sql(sql);
    }
    check_merge("a", "SELECT k, s, m FROM a ORDER BY k", "1|15|12\n2|5|100\n");
    cat_teardown();
}

int main(void) {
    RUN(compact_duplicate);
    RUN(compact_aggregate);
    session_free(g_s);
    TEST_EXIT();
}
