/* Statement tests for the backup/restore surface (repositories, BACKUP and RESTORE in both the
 * legacy and the v3.4 forms, SHOW SNAPSHOT/BACKUP/RESTORE, CANCEL, DROP/VERIFY SNAPSHOT) and for
 * materialized views (CREATE, DROP, ALTER, REFRESH, CANCEL REFRESH). */
#include "sql_test_util.h"

TEST(repositories) {
    PARSE(s, "CREATE REPOSITORY `s3_repo` WITH BROKER ON LOCATION \"s3a://bucket/backup\" "
             "PROPERTIES (\"aws.s3.access_key\" = \"AK\", \"aws.s3.secret_key\" = \"SK\", "
             "\"aws.s3.endpoint\" = \"http://127.0.0.1:4568\")");
    CHECK_INT(s->kind, STMT_CREATE_REPOSITORY);
    CreateRepositoryStmt *r = &s->u.create_repo;
    CHECK_STR(r->name, "s3_repo");
    CHECK(!r->read_only);
    CHECK(r->with_broker);
    CHECK(r->broker_name == NULL);
    CHECK_STR(r->location, "s3a://bucket/backup");
    CHECK_INT(r->props.n, 3);
    CHECK_STR(proplist_get(&r->props, "aws.s3.secret_key"), "SK");
    PARSE(s2, "CREATE READ ONLY REPOSITORY hdfs_repo WITH BROKER hdfs_broker ON LOCATION "
              "'hdfs://nn:50070/bk' "
              "PROPERTIES ('username' = 'u', 'password' = 'p')");
    r = &s2->u.create_repo;
    CHECK(r->read_only);
    CHECK(r->with_broker);
    CHECK_STR(r->broker_name, "hdfs_broker");
    CHECK_STR(r->location, "hdfs://nn:50070/bk");
    PARSE(s3, "CREATE REPOSITORY IF NOT EXISTS local_repo ON LOCATION 'file:///tmp/repo'");
    r = &s3->u.create_repo;
    CHECK(r->if_not_exists);
    CHECK(!r->with_broker);
    CHECK_INT(r->props.n, 0);
    PARSE(s4, "DROP REPOSITORY `s3_repo`");
    CHECK_INT(s4->kind, STMT_DROP_REPOSITORY);
    CHECK_STR(s4->u.drop_repo.name, "s3_repo");
    CHECK(!s4->u.drop_repo.if_exists);
    PARSE(s5, "SHOW REPOSITORIES");
    CHECK_INT(s5->kind, STMT_SHOW_REPOSITORIES);
    CHECK_STR(PARSE_ERR("CREATE REPOSITORY r ON 's3://x'"), NEAR("'s3://x'", 1));
    CHECK_STR(PARSE_ERR("CREATE REPOSITORY r WITH ON LOCATION 's3://x'"),
              NEAR("ON LOCATION 's3://x'", 1));
    CHECK_STR(PARSE_ERR("CREATE READ REPOSITORY r ON LOCATION 'x'"),
              NEAR("READ REPOSITORY r ON LOCATION 'x'", 1));
    CHECK_STR(PARSE_ERR("CREATE REPOSITORY r ON LOCATION x"), NEAR("x", 1));
}

TEST(backup_legacy) {
    PARSE(s, "BACKUP SNAPSHOT example_db.snapshot_label2\nTO example_repo\n"
             "ON (example_tbl PARTITION (p1, p2), example_tbl2)\n"
             "PROPERTIES (\"type\" = \"full\", \"timeout\" = \"3600\")");
    CHECK_INT(s->kind, STMT_BACKUP);
    BackupStmt *b = &s->u.backup;
    CHECK_STR(b->db, "example_db");
    CHECK(b->label_has_db);
    CHECK(!b->database_form);
    CHECK_STR(b->label, "snapshot_label2");
    CHECK_STR(b->repo, "example_repo");
    CHECK_INT(b->nobjs, 2);
    CHECK_INT(b->objs[0].kind, BOBJ_TABLE);
    CHECK_STR(b->objs[0].name, "example_tbl");
    CHECK_INT(b->objs[0].npartitions, 2);
    CHECK_STR(b->objs[0].partitions[1], "p2");
    CHECK_INT(b->objs[0].line, 3);
    CHECK_INT(b->objs[0].col, 5);
    CHECK_STR(b->objs[1].name, "example_tbl2");
    CHECK_INT(b->objs[1].npartitions, 0);
    CHECK_STR(proplist_get(&b->props, "timeout"), "3600");
    PARSE(s2, "BACKUP SNAPSHOT snap1 TO repo");
    b = &s2->u.backup;
    CHECK(b->db == NULL);
    CHECK(!b->label_has_db);
    CHECK_STR(b->label, "snap1");
    CHECK_INT(b->nobjs, 0);
    CHECK_INT(b->props.n, 0);
    PARSE(s3, "BACKUP SNAPSHOT d.`snap-2` TO r ON (d2.t TEMPORARY PARTITION (tp), t3 AS x)");
    b = &s3->u.backup;
    CHECK_STR(b->label, "snap-2");
    CHECK_STR(b->objs[0].db, "d2");
    CHECK(b->objs[0].temp_partition);
    CHECK_STR(b->objs[1].alias, "x"); /* BACKUP rejects aliases at analysis; the AST keeps it */
}

TEST(backup_v34) {
    PARSE(s, "BACKUP DATABASE sr_hub SNAPSHOT sr_hub_backup TO test_repo "
             "ON (TABLE t1, TABLE t2 PARTITION (p1), MATERIALIZED VIEW mv1, VIEW v1, FUNCTION f1, "
             "ALL TABLES, ALL MATERIALIZED VIEWS, ALL VIEWS, ALL FUNCTIONS, ALL TABLE, "
             "MATERIALIZED VIEWS mv2, VIEWS v2, TABLES t3, FUNCTIONS d.f2) PROPERTIES ('timeout' = "
             "'7200')");
    BackupStmt *b = &s->u.backup;
    CHECK(b->database_form);
    CHECK_STR(b->db, "sr_hub");
    CHECK(!b->label_has_db);
    CHECK_STR(b->label, "sr_hub_backup");
    CHECK_INT(b->nobjs, 14);
    if (b->nobjs != 14) return;
    BackupObjKind want[] = {BOBJ_TABLE,         BOBJ_TABLE,      BOBJ_MV,      BOBJ_VIEW,
                            BOBJ_FUNCTION,      BOBJ_ALL_TABLES, BOBJ_ALL_MVS, BOBJ_ALL_VIEWS,
                            BOBJ_ALL_FUNCTIONS, BOBJ_ALL_TABLES, BOBJ_MV,      BOBJ_VIEW,
                            BOBJ_TABLE,         BOBJ_FUNCTION};
    for (int i = 0; i < 14; i++)
        CHECK_INT(b->objs[i].kind, want[i]);
    CHECK_STR(b->objs[1].name, "t2");
    CHECK_INT(b->objs[1].npartitions, 1);
    CHECK_STR(b->objs[2].name, "mv1");
    CHECK_STR(b->objs[3].name, "v1");
    CHECK_STR(b->objs[4].name, "f1");
    CHECK(b->objs[5].name == NULL);
    CHECK_STR(b->objs[13].db, "d");
    CHECK_STR(b->objs[13].name, "f2");
    /* DATABASE together with a db-qualified label: kept for the handler to reject */
    PARSE(s2, "BACKUP DATABASE test SNAPSHOT test.x TO r");
    CHECK(s2->u.backup.database_form);
    CHECK(s2->u.backup.label_has_db);
    CHECK_STR(s2->u.backup.db, "test");
    CHECK_STR(s2->u.backup.label, "x");
    /* a table literally named `view` in the legacy list */
    PARSE(s3, "BACKUP SNAPSHOT l TO r ON (view, status)");
    CHECK_INT(s3->u.backup.objs[0].kind, BOBJ_TABLE);
    CHECK_STR(s3->u.backup.objs[0].name, "view");
    CHECK_STR(s3->u.backup.objs[1].name, "status");
    PARSE_ERR("BACKUP EXTERNAL CATALOG (hive) SNAPSHOT l TO r");
    CHECK_INT(T_ERR.code, ERR_NOT_SUPPORTED);
    CHECK_STR(PARSE_ERR("BACKUP SNAPSHOT l ON (t)"), NEAR("ON (t)", 1));
    CHECK_STR(PARSE_ERR("BACKUP SNAPSHOT l TO r ON t"), NEAR("t", 1));
    CHECK_STR(PARSE_ERR("BACKUP SNAPSHOT l TO r ON (ALL PARTITIONS)"), NEAR("PARTITIONS)", 1));
    CHECK_STR(PARSE_ERR("BACKUP DATABASE d TO r"), NEAR("TO r", 1));
}

TEST(restore) {
    PARSE(
        s,
        "RESTORE SNAPSHOT example_db1.`snapshot_1`\nFROM `example_repo`\n"
        "ON ( `backup_tbl` PARTITION (`p1`, `p2`) AS `new_tbl`, `backup_tbl2` )\n"
        "PROPERTIES (\"backup_timestamp\" = \"2018-05-04-16-45-08\", \"replication_num\" = \"1\")");
    CHECK_INT(s->kind, STMT_RESTORE);
    RestoreStmt *r = &s->u.restore;
    CHECK_STR(r->db, "example_db1");
    CHECK_STR(r->label, "snapshot_1");
    CHECK_STR(r->repo, "example_repo");
    CHECK(r->src_db == NULL);
    CHECK_INT(r->nobjs, 2);
    CHECK_STR(r->objs[0].name, "backup_tbl");
    CHECK_INT(r->objs[0].npartitions, 2);
    CHECK_STR(r->objs[0].alias, "new_tbl");
    CHECK(r->objs[1].alias == NULL);
    CHECK(r->has_props);
    CHECK_STR(proplist_get(&r->props, "backup_timestamp"), "2018-05-04-16-45-08");
    PARSE(s2, "RESTORE SNAPSHOT sr_hub_backup FROM test_repo DATABASE sr_hub AS sr_hub_new "
              "ON (TABLE t1 AS t1_new, MATERIALIZED VIEW mv1, VIEW v1, ALL FUNCTIONS) "
              "PROPERTIES (\"backup_timestamp\" = \"2024-12-09-10-52-10-940\")");
    r = &s2->u.restore;
    CHECK(r->db == NULL);
    CHECK_STR(r->label, "sr_hub_backup");
    CHECK_STR(r->src_db, "sr_hub");
    CHECK_STR(r->target_db, "sr_hub_new");
    CHECK_INT(r->nobjs, 4);
    CHECK_STR(r->objs[0].alias, "t1_new");
    CHECK_INT(r->objs[1].kind, BOBJ_MV);
    CHECK_INT(r->objs[2].kind, BOBJ_VIEW);
    CHECK_INT(r->objs[3].kind, BOBJ_ALL_FUNCTIONS);
    PARSE(s3, "RESTORE SNAPSHOT l FROM r DATABASE d");
    CHECK_STR(s3->u.restore.src_db, "d");
    CHECK(s3->u.restore.target_db == NULL);
    CHECK(!s3->u.restore.has_props);
    PARSE(s4, "RESTORE SNAPSHOT d.l FROM r ON (d2.t)");
    CHECK_STR(s4->u.restore.objs[0].db,
              "d2"); /* RESTORE rejects db-qualified objects at analysis */
    CHECK_STR(PARSE_ERR("RESTORE SNAPSHOT l TO r"), NEAR("TO r", 1));
    CHECK_STR(PARSE_ERR("RESTORE l FROM r"), NEAR("l FROM r", 1));
    CHECK_STR(PARSE_ERR("RESTORE SNAPSHOT l FROM r PROPERTIES"), NEAR("", 1));
}

TEST(show_and_cancel) {
    PARSE(s, "SHOW SNAPSHOT ON example_repo WHERE SNAPSHOT = \"backup1\" AND TIMESTAMP = "
             "\"2018-05-05-15-34-26\"");
    CHECK_INT(s->kind, STMT_SHOW_SNAPSHOT);
    CHECK_STR(s->u.show.repo, "example_repo");
    Expr *w = s->u.show.where;
    CHECK_INT(w->op, OP_AND);
    CHECK_STR(w->left->left->text, "SNAPSHOT");
    CHECK_STR(w->left->right->text, "backup1");
    CHECK_STR(w->right->left->text, "TIMESTAMP");
    CHECK_STR(w->right->right->text, "2018-05-05-15-34-26");
    PARSE(s2, "SHOW SNAPSHOT ON r WHERE SNAPSHOT IN ('a', 'b')");
    CHECK_INT(s2->u.show.where->kind, EXPR_IN_LIST);
    PARSE(s3, "SHOW SNAPSHOT ON r");
    CHECK(s3->u.show.where == NULL);
    PARSE(s4, "SHOW BACKUP FROM example_db");
    CHECK_INT(s4->kind, STMT_SHOW_BACKUP);
    CHECK_STR(s4->u.show.db, "example_db");
    PARSE(s5, "SHOW RESTORE IN d WHERE State = 'FINISHED'");
    CHECK_INT(s5->kind, STMT_SHOW_RESTORE);
    CHECK_STR(s5->u.show.db, "d");
    PARSE(s6, "SHOW BACKUP");
    CHECK(s6->u.show.db == NULL);
    PARSE(s7, "CANCEL BACKUP FROM example_db");
    CHECK_INT(s7->kind, STMT_CANCEL_BACKUP);
    CHECK_STR(s7->u.cancel_job.db, "example_db");
    PARSE(s8, "CANCEL RESTORE IN d");
    CHECK_INT(s8->kind, STMT_CANCEL_RESTORE);
    CHECK_STR(s8->u.cancel_job.db, "d");
    PARSE(s9, "CANCEL BACKUP");
    CHECK(s9->u.cancel_job.db == NULL);
    PARSE_ERR("CANCEL BACKUP FOR EXTERNAL CATALOG");
    CHECK_INT(T_ERR.code, ERR_NOT_SUPPORTED);
    CHECK_STR(PARSE_ERR("SHOW SNAPSHOT r"), NEAR("r", 1));
    CHECK_STR(PARSE_ERR("CANCEL LOAD FROM d"), NEAR("LOAD FROM d", 1));
}

TEST(snapshots) {
    PARSE(s, "DROP SNAPSHOT snap1 AT TIMESTAMP \"2024-01-01-00-00-00-000\" FROM repo1");
    CHECK_INT(s->kind, STMT_DROP_SNAPSHOT);
    SnapshotStmt *sn = &s->u.snapshot;
    CHECK_STR(sn->label, "snap1");
    CHECK_STR(sn->timestamp, "2024-01-01-00-00-00-000");
    CHECK_STR(sn->repo, "repo1");
    CHECK(!sn->force);
    PARSE(s2, "DROP SNAPSHOT `snap 2` FROM repo1");
    CHECK_STR(s2->u.snapshot.label, "snap 2");
    CHECK(s2->u.snapshot.timestamp == NULL);
    PARSE(s3, "DROP SNAPSHOT snap3 ON repo2 FORCE");
    CHECK_STR(s3->u.snapshot.repo, "repo2");
    CHECK(s3->u.snapshot.force);
    PARSE(s4, "DROP SNAPSHOT snap3 ON repo2");
    CHECK(!s4->u.snapshot.force);
    PARSE(s5, "VERIFY SNAPSHOT s1 AT TIMESTAMP '2024-01-01-00-00-00-000' FROM r");
    CHECK_INT(s5->kind, STMT_VERIFY_SNAPSHOT);
    CHECK_STR(s5->u.snapshot.label, "s1");
    CHECK_STR(s5->u.snapshot.timestamp, "2024-01-01-00-00-00-000");
    CHECK_STR(s5->u.snapshot.repo, "r");
    PARSE(s6, "verify snapshot s1 from r");
    CHECK(s6->u.snapshot.timestamp == NULL);
    CHECK_STR(PARSE_ERR("DROP SNAPSHOT s1"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("DROP SNAPSHOT s1 AT '2024' FROM r"), NEAR("'2024' FROM r", 1));
    CHECK_STR(PARSE_ERR("VERIFY SNAPSHOT s1 ON r"), NEAR("ON r", 1));
    CHECK_STR(PARSE_ERR("VERIFY s1 FROM r"), NEAR("s1 FROM r", 1));
}

TEST(materialized_views) {
    PARSE(s, "CREATE MATERIALIZED VIEW IF NOT EXISTS d.mv1 COMMENT 'daily' "
             "PARTITION BY date_trunc('day', k1) DISTRIBUTED BY HASH (k2) BUCKETS 4 "
             "REFRESH ASYNC START ('2024-01-01 00:00:00') EVERY (INTERVAL 1 DAY) "
             "ORDER BY (k1) PROPERTIES ('replication_num' = '1') AS SELECT k1, k2, sum(v) s FROM t "
             "GROUP BY k1, k2");
    CHECK_INT(s->kind, STMT_CREATE_MV);
    CreateMvStmt *m = &s->u.create_mv;
    CHECK(m->if_not_exists);
    CHECK_STR(m->db, "d");
    CHECK_STR(m->name, "mv1");
    CHECK_STR(m->comment, "daily");
    CHECK_INT(m->partition_expr->kind, EXPR_FUNC);
    CHECK_STR(m->partition_expr->args[1]->text, "k1");
    CHECK_INT(m->distribution->buckets, 4);
    CHECK_INT(m->refresh.kind, REFRESH_ASYNC);
    CHECK_STR(m->refresh.start, "2024-01-01 00:00:00");
    CHECK_INT(m->refresh.every_n, 1);
    CHECK_STR(m->refresh.every_unit, "DAY");
    CHECK(!m->refresh.deferred);
    CHECK_INT(m->norder_by, 1);
    CHECK_STR(proplist_get(&m->props, "replication_num"), "1");
    CHECK_STR(m->query->src, "SELECT k1, k2, sum(v) s FROM t GROUP BY k1, k2");
    PARSE(s2, "CREATE MATERIALIZED VIEW sync_mv AS SELECT k, count(v) FROM t GROUP BY k");
    m = &s2->u.create_mv;
    CHECK_INT(m->refresh.kind, REFRESH_NONE);
    CHECK(m->partition_expr == NULL);
    CHECK(m->distribution == NULL);
    PARSE(s3, "CREATE MATERIALIZED VIEW mv3 REFRESH DEFERRED MANUAL AS SELECT 1");
    CHECK_INT(s3->u.create_mv.refresh.kind, REFRESH_MANUAL);
    CHECK(s3->u.create_mv.refresh.deferred);
    PARSE(s4, "CREATE MATERIALIZED VIEW mv4 REFRESH ASYNC IMMEDIATE AS SELECT 1");
    CHECK_INT(s4->u.create_mv.refresh.kind, REFRESH_ASYNC);
    CHECK(!s4->u.create_mv.refresh.deferred);
    PARSE(s5, "CREATE MATERIALIZED VIEW mv5 REFRESH INCREMENTAL DEFERRED AS SELECT 1");
    CHECK_INT(s5->u.create_mv.refresh.kind, REFRESH_INCREMENTAL);
    CHECK(s5->u.create_mv.refresh.deferred);
    PARSE(s6, "CREATE MATERIALIZED VIEW mv6 PARTITION BY k DISTRIBUTED BY RANDOM REFRESH ASYNC "
              "EVERY (INTERVAL 30 MINUTE) AS SELECT k FROM t");
    CHECK_INT(s6->u.create_mv.partition_expr->kind, EXPR_COLUMN);
    CHECK_INT(s6->u.create_mv.refresh.every_n, 30);
    CHECK_STR(s6->u.create_mv.refresh.every_unit, "MINUTE");
    CHECK(s6->u.create_mv.refresh.start == NULL);

    PARSE(d1, "DROP MATERIALIZED VIEW IF EXISTS d.mv1");
    CHECK_INT(d1->kind, STMT_DROP_MV);
    CHECK(d1->u.drop_mv.if_exists);
    CHECK_STR(d1->u.drop_mv.db, "d");
    CHECK(d1->u.drop_mv.on_table == NULL);
    PARSE(d2, "DROP MATERIALIZED VIEW sync_mv ON t");
    CHECK_STR(d2->u.drop_mv.on_table, "t");

    PARSE(a1, "ALTER MATERIALIZED VIEW mv1 ACTIVE");
    CHECK_INT(a1->kind, STMT_ALTER_MV);
    CHECK_INT(a1->u.alter_mv.kind, ALTER_MV_ACTIVE);
    PARSE(a2, "ALTER MATERIALIZED VIEW d.mv1 INACTIVE");
    CHECK_INT(a2->u.alter_mv.kind, ALTER_MV_INACTIVE);
    CHECK_STR(a2->u.alter_mv.db, "d");
    PARSE(a3, "ALTER MATERIALIZED VIEW mv1 RENAME mv9");
    CHECK_INT(a3->u.alter_mv.kind, ALTER_MV_RENAME);
    CHECK_STR(a3->u.alter_mv.new_name, "mv9");
    PARSE(a4, "ALTER MATERIALIZED VIEW mv1 REFRESH ASYNC EVERY (INTERVAL 2 HOUR)");
    CHECK_INT(a4->u.alter_mv.kind, ALTER_MV_REFRESH);
    CHECK_INT(a4->u.alter_mv.refresh.kind, REFRESH_ASYNC);
    CHECK_INT(a4->u.alter_mv.refresh.every_n, 2);
    PARSE(a5, "ALTER MATERIALIZED VIEW mv1 REFRESH MANUAL");
    CHECK_INT(a5->u.alter_mv.refresh.kind, REFRESH_MANUAL);
    PARSE(a6, "ALTER MATERIALIZED VIEW mv1 SET ('session.query_timeout' = '600')");
    CHECK_INT(a6->u.alter_mv.kind, ALTER_MV_SET_PROPERTIES);
    CHECK_STR(a6->u.alter_mv.props.items[0].value, "600");

    PARSE(r1, "REFRESH MATERIALIZED VIEW d.mv1 FORCE WITH SYNC MODE");
    CHECK_INT(r1->kind, STMT_REFRESH_MV);
    CHECK_STR(r1->u.refresh_mv.db, "d");
    CHECK(r1->u.refresh_mv.force);
    CHECK(r1->u.refresh_mv.sync_mode);
    PARSE(r2, "REFRESH MATERIALIZED VIEW mv1 WITH ASYNC MODE");
    CHECK(!r2->u.refresh_mv.sync_mode);
    CHECK(!r2->u.refresh_mv.force);
    PARSE(r3, "CANCEL REFRESH MATERIALIZED VIEW mv1");
    CHECK_INT(r3->kind, STMT_CANCEL_REFRESH_MV);
    CHECK_STR(r3->u.refresh_mv.name, "mv1");

    CHECK_STR(PARSE_ERR("CREATE MATERIALIZED VIEW mv REFRESH SOMETIMES AS SELECT 1"),
              NEAR("SOMETIMES AS SELECT 1", 1));
    CHECK_STR(PARSE_ERR("CREATE MATERIALIZED VIEW mv REFRESH ASYNC EVERY (1 DAY) AS SELECT 1"),
              NEAR("1 DAY) AS SELECT 1", 1));
    CHECK_STR(PARSE_ERR("CREATE MATERIALIZED VIEW mv SELECT 1"), NEAR("SELECT 1", 1));
    CHECK_STR(PARSE_ERR("ALTER MATERIALIZED VIEW mv DANCE"), NEAR("DANCE", 1));
    CHECK_STR(PARSE_ERR("REFRESH MATERIALIZED VIEW mv WITH MODE"), NEAR("MODE", 1));
}

int main(void) {
    T_ARENA = arena_new(0);
    RUN(repositories);
    RUN(backup_legacy);
    RUN(backup_v34);
    RUN(restore);
    RUN(show_and_cancel);
    RUN(snapshots);
    RUN(materialized_views);
    arena_free(T_ARENA);
    TEST_EXIT();
}
