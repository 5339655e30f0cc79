/* Statement tests for databases, tables and data changes: CREATE/DROP DATABASE, CREATE TABLE
 * (columns, indexes, keys, range/list/expression partitions, distribution, ORDER BY, PROPERTIES, AS
 * SELECT, LIKE), DROP/TRUNCATE, ALTER TABLE operations, views, INSERT/DELETE/UPDATE, and their
 * syntax errors. */
#include "sql_test_util.h"

TEST(databases) {
    PARSE(s,
          "CREATE DATABASE IF NOT EXISTS d1 PROPERTIES (\"replication_num\" = \"1\", 'k2' = 'v2')");
    CHECK_INT(s->kind, STMT_CREATE_DATABASE);
    CHECK_STR(s->u.create_db.db, "d1");
    CHECK(s->u.create_db.if_not_exists);
    CHECK_INT(s->u.create_db.props.n, 2);
    CHECK_STR(s->u.create_db.props.items[0].key, "replication_num");
    CHECK_STR(s->u.create_db.props.items[0].value, "1");
    CHECK_STR(proplist_get(&s->u.create_db.props, "K2"), "v2");
    PARSE(s2, "create schema `My DB`");
    CHECK_STR(s2->u.create_db.db, "My DB");
    CHECK(!s2->u.create_db.if_not_exists);
    CHECK_INT(s2->u.create_db.props.n, 0);
    PARSE(s3, "DROP DATABASE IF EXISTS d1 FORCE");
    CHECK_INT(s3->kind, STMT_DROP_DATABASE);
    CHECK_STR(s3->u.drop_db.db, "d1");
    CHECK(s3->u.drop_db.if_exists);
    CHECK(s3->u.drop_db.force);
    PARSE(s4, "drop database d2");
    CHECK(!s4->u.drop_db.if_exists);
    CHECK(!s4->u.drop_db.force);
    CHECK_STR(PARSE_ERR("CREATE DATABASE"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("CREATE DATABASE d PROPERTIES ('a')"), NEAR(")", 1));
}

TEST(create_table_full) {
    PARSE(s, "CREATE TABLE IF NOT EXISTS db1.orders (\n"
             "  id BIGINT NOT NULL COMMENT 'order id',\n"
             "  dt DATE NOT NULL,\n"
             "  city VARCHAR(64) NULL DEFAULT 'x',\n"
             "  amount DECIMAL(10, 2) DEFAULT \"0.00\",\n"
             "  qty INT(11) DEFAULT -1,\n"
             "  created DATETIME DEFAULT CURRENT_TIMESTAMP,\n"
             "  note STRING,\n"
             "  seq BIGINT AUTO_INCREMENT,\n"
             "  flag BOOLEAN DEFAULT NULL,\n"
             "  INDEX idx_city (city) USING BITMAP COMMENT 'city index'\n"
             ") ENGINE = OLAP\n"
             "DUPLICATE KEY (id, dt)\n"
             "COMMENT 'all orders'\n"
             "PARTITION BY RANGE (dt) (\n"
             "  PARTITION p1 VALUES LESS THAN (\"2024-01-01\"),\n"
             "  PARTITION p2 VALUES LESS THAN (MAXVALUE),\n"
             "  PARTITION IF NOT EXISTS p3 VALUES [(\"2024-02-01\"), (\"2024-03-01\")),\n"
             "  START (\"2024-03-01\") END (\"2024-06-01\") EVERY (INTERVAL 1 MONTH),\n"
             "  PARTITION p9 VALUES LESS THAN MAXVALUE\n"
             ")\n"
             "DISTRIBUTED BY HASH (id) BUCKETS 8\n"
             "ORDER BY (dt, id)\n"
             "PROPERTIES (\"replication_num\" = \"1\")");
    CHECK_INT(s->kind, STMT_CREATE_TABLE);
    CreateTableStmt *c = &s->u.create_table;
    CHECK(c->if_not_exists);
    CHECK_STR(c->db, "db1");
    CHECK_STR(c->name, "orders");
    CHECK_INT(c->ncols, 9);
    if (c->ncols != 9) return;
    CHECK_STR(c->cols[0].name, "id");
    CHECK_INT(c->cols[0].type.id, TYPE_BIGINT);
    CHECK_INT(c->cols[0].null_spec, 2);
    CHECK_STR(c->cols[0].comment, "order id");
    CHECK_INT(c->cols[0].line, 2);
    CHECK_INT(c->cols[0].col, 3);
    CHECK_INT(c->cols[1].type.id, TYPE_DATE);
    CHECK_INT(c->cols[2].type.id, TYPE_VARCHAR);
    CHECK_INT(c->cols[2].type.len, 64);
    CHECK_INT(c->cols[2].null_spec, 1);
    CHECK_INT(c->cols[2].default_kind, DEFAULT_VALUE);
    CHECK_STR(c->cols[2].default_value, "x");
    CHECK_INT(c->cols[3].type.id, TYPE_DECIMAL);
    CHECK_INT(c->cols[3].type.precision, 10);
    CHECK_INT(c->cols[3].type.scale, 2);
    CHECK_STR(c->cols[3].default_value, "0.00");
    CHECK_INT(c->cols[3].null_spec, 0);
    CHECK_INT(c->cols[4].type.id, TYPE_INT);
    CHECK_STR(c->cols[4].default_value, "-1");
    CHECK_INT(c->cols[5].type.id, TYPE_DATETIME);
    CHECK_INT(c->cols[5].default_kind, DEFAULT_CURRENT_TIMESTAMP);
    CHECK_INT(c->cols[6].type.id, TYPE_STRING);
    CHECK(c->cols[7].auto_increment);
    CHECK_INT(c->cols[8].type.id, TYPE_BOOLEAN);
    CHECK_INT(c->cols[8].default_kind, DEFAULT_NULL);
    CHECK_INT(c->nindexes, 1);
    CHECK_STR(c->indexes[0].name, "idx_city");
    CHECK_STR(c->indexes[0].cols[0], "city");
    CHECK_STR(c->indexes[0].using_type, "BITMAP");
    CHECK_STR(c->indexes[0].comment, "city index");
    CHECK_STR(c->engine, "OLAP");
    CHECK_INT(c->keys, KEYS_DUPLICATE);
    CHECK_INT(c->nkey_cols, 2);
    CHECK_STR(c->key_cols[1], "dt");
    CHECK_STR(c->comment, "all orders");
    PartitionDesc *pd = c->partition;
    CHECK(pd != NULL);
    if (!pd) return;
    CHECK_INT(pd->type, PART_RANGE);
    CHECK_INT(pd->ncols, 1);
    CHECK_STR(pd->cols[0], "dt");
    CHECK_INT(pd->ndefs, 5);
    if (pd->ndefs != 5) return;
    CHECK_INT(pd->defs[0].kind, PDEF_LESS_THAN);
    CHECK_STR(pd->defs[0].name, "p1");
    CHECK_INT(pd->defs[0].upper.n, 1);
    CHECK_STR(pd->defs[0].upper.values[0], "2024-01-01");
    CHECK(!pd->defs[0].upper.maxvalue);
    CHECK(pd->defs[1].upper.maxvalue);
    CHECK_INT(pd->defs[1].upper.n, 0);
    CHECK_INT(pd->defs[2].kind, PDEF_FIXED);
    CHECK(pd->defs[2].if_not_exists);
    CHECK_STR(pd->defs[2].lower.values[0], "2024-02-01");
    CHECK_STR(pd->defs[2].upper.values[0], "2024-03-01");
    CHECK_INT(pd->defs[3].kind, PDEF_BATCH);
    CHECK(pd->defs[3].name == NULL);
    CHECK_STR(pd->defs[3].lower.values[0], "2024-03-01");
    CHECK_STR(pd->defs[3].upper.values[0], "2024-06-01");
    CHECK_INT(pd->defs[3].every_n, 1);
    CHECK_STR(pd->defs[3].every_unit, "MONTH");
    CHECK(pd->defs[4].upper.maxvalue);
    DistributionDesc *d = c->distribution;
    CHECK(d != NULL);
    if (!d) return;
    CHECK_INT(d->type, DIST_HASH);
    CHECK_INT(d->ncols, 1);
    CHECK_STR(d->cols[0], "id");
    CHECK_INT(d->buckets, 8);
    CHECK_INT(c->norder_by, 2);
    CHECK_STR(c->order_by[0], "dt");
    CHECK_STR(proplist_get(&c->props, "replication_num"), "1");
    CHECK(c->as_select == NULL);
}

TEST(create_table_models) {
    PARSE(s, "CREATE TABLE agg (k INT KEY, v1 BIGINT SUM DEFAULT '0', v2 INT MAX, v3 INT MIN, "
             "v4 VARCHAR(10) REPLACE, v5 INT REPLACE_IF_NOT_NULL NULL) AGGREGATE KEY (k) "
             "DISTRIBUTED BY HASH (k)");
    CreateTableStmt *c = &s->u.create_table;
    CHECK_INT(c->keys, KEYS_AGGREGATE);
    CHECK_INT(c->cols[0].agg, AGG_NONE);
    CHECK_INT(c->cols[1].agg, AGG_SUM);
    CHECK_STR(c->cols[1].default_value, "0");
    CHECK_INT(c->cols[2].agg, AGG_MAX);
    CHECK_INT(c->cols[3].agg, AGG_MIN);
    CHECK_INT(c->cols[4].agg, AGG_REPLACE);
    CHECK_INT(c->cols[5].agg, AGG_REPLACE_IF_NOT_NULL);
    CHECK_INT(c->cols[5].null_spec, 1);
    CHECK_INT(c->distribution->buckets, 0);
    CHECK(c->engine == NULL);
    PARSE(s2, "CREATE TABLE u (k INT, v TEXT) UNIQUE KEY (k) DISTRIBUTED BY RANDOM BUCKETS 3");
    CHECK_INT(s2->u.create_table.keys, KEYS_UNIQUE);
    CHECK_INT(s2->u.create_table.distribution->type, DIST_RANDOM);
    CHECK_INT(s2->u.create_table.distribution->buckets, 3);
    CHECK_INT(s2->u.create_table.cols[1].type.id, TYPE_STRING);
    PARSE(s3, "CREATE TABLE p (k INT, v CHAR(5)) PRIMARY KEY (k) DISTRIBUTED BY RANDOM");
    CHECK_INT(s3->u.create_table.keys, KEYS_PRIMARY);
    CHECK_INT(s3->u.create_table.cols[1].type.id, TYPE_CHAR);
    CHECK_INT(s3->u.create_table.cols[1].type.len, 5);
    PARSE(s4,
          "CREATE TABLE plain (a TINYINT, b SMALLINT, c LARGEINT, d FLOAT, e DOUBLE, f DATETIME, "
          "g DECIMALV3(38, 10), h INTEGER, `date` DATE, status INT, `type` INT, label INT)");
    CreateTableStmt *c4 = &s4->u.create_table;
    CHECK_INT(c4->keys, KEYS_NONE);
    CHECK(c4->partition == NULL);
    CHECK(c4->distribution == NULL);
    CHECK_INT(c4->ncols, 12);
    CHECK_INT(c4->cols[2].type.id, TYPE_LARGEINT);
    CHECK_INT(c4->cols[6].type.precision, 38);
    CHECK_STR(c4->cols[8].name, "date");
    CHECK_STR(c4->cols[9].name, "status");
    CHECK_STR(c4->cols[11].name, "label");
}

TEST(create_table_partitions) {
    PARSE(s, "CREATE TABLE l (city VARCHAR(20), id INT) DUPLICATE KEY (city) "
             "PARTITION BY LIST (city) (PARTITION pbj VALUES IN (\"Beijing\", 'Shanghai'), "
             "PARTITION pother VALUES IN ('x')) DISTRIBUTED BY HASH (id)");
    PartitionDesc *pd = s->u.create_table.partition;
    CHECK_INT(pd->type, PART_LIST);
    CHECK_INT(pd->ndefs, 2);
    CHECK_INT(pd->defs[0].kind, PDEF_LIST);
    CHECK_INT(pd->defs[0].nvalues, 2);
    CHECK_INT(pd->defs[0].values[1].n, 1);
    CHECK_STR(pd->defs[0].values[1].values[0], "Shanghai");
    PARSE(s2, "CREATE TABLE l2 (a VARCHAR(5), b INT) PARTITION BY LIST (a, b) "
              "(PARTITION p1 VALUES IN ((\"x\", 1), (\"y\", 2)))");
    pd = s2->u.create_table.partition;
    CHECK_INT(pd->ncols, 2);
    CHECK_INT(pd->defs[0].nvalues, 2);
    CHECK_INT(pd->defs[0].values[1].n, 2);
    CHECK_STR(pd->defs[0].values[1].values[0], "y");
    CHECK_STR(pd->defs[0].values[1].values[1], "2");
    PARSE(s3, "CREATE TABLE e (dt DATETIME, v INT) PARTITION BY date_trunc('day', dt) DISTRIBUTED "
              "BY HASH (v)");
    pd = s3->u.create_table.partition;
    CHECK_INT(pd->type, PART_EXPR);
    CHECK(pd->expr != NULL);
    CHECK_INT(pd->expr->kind, EXPR_FUNC);
    CHECK_STR(pd->expr->text, "date_trunc");
    CHECK_INT(pd->ncols, 1);
    CHECK_STR(pd->cols[0], "dt");
    PARSE(s4, "CREATE TABLE e2 (c1 INT, c2 VARCHAR(3)) PARTITION BY (c1, c2)");
    pd = s4->u.create_table.partition;
    CHECK_INT(pd->type, PART_EXPR);
    CHECK(pd->expr == NULL);
    CHECK_INT(pd->ncols, 2);
    CHECK_STR(pd->cols[1], "c2");
    PARSE(s5, "CREATE TABLE e3 (c1 INT) PARTITION BY c1");
    CHECK_INT(s5->u.create_table.partition->ncols, 1);
    PARSE(s6, "CREATE TABLE r (k INT, v INT) PARTITION BY RANGE (k) (START (\"1\") END (\"10\") "
              "EVERY (1), "
              "PARTITION pn VALUES LESS THAN (\"-5\", '3'), PARTITION pm VALUES LESS THAN (-7))");
    pd = s6->u.create_table.partition;
    CHECK_INT(pd->defs[0].kind, PDEF_BATCH);
    CHECK_INT(pd->defs[0].every_n, 1);
    CHECK(pd->defs[0].every_unit == NULL);
    CHECK_INT(pd->defs[1].upper.n, 2);
    CHECK_STR(pd->defs[1].upper.values[0], "-5");
    CHECK_STR(pd->defs[2].upper.values[0], "-7");
    PARSE(s7, "CREATE TABLE r2 (k DATE) PARTITION BY RANGE (k) ()");
    CHECK_INT(s7->u.create_table.partition->ndefs, 0);
}

TEST(create_table_as_and_like) {
    PARSE(s, "CREATE TABLE t2 AS SELECT a, b FROM t1 WHERE a > 1");
    CreateTableStmt *c = &s->u.create_table;
    CHECK_INT(c->ncols, 0);
    CHECK(c->as_select != NULL);
    CHECK_STR(c->as_select->src, "SELECT a, b FROM t1 WHERE a > 1");
    PARSE(s2, "CREATE TABLE t3 DISTRIBUTED BY HASH (a) PROPERTIES ('replication_num' = '1') AS "
              "SELECT a FROM t1");
    CHECK_INT(s2->u.create_table.distribution->type, DIST_HASH);
    CHECK_STR(s2->u.create_table.as_select->src, "SELECT a FROM t1");
    PARSE(s3, "CREATE TABLE IF NOT EXISTS d.t4 LIKE d2.t1");
    CHECK_STR(s3->u.create_table.like_db, "d2");
    CHECK_STR(s3->u.create_table.like_table, "t1");
    CHECK_STR(s3->u.create_table.name, "t4");
    PARSE(s4, "CREATE TABLE t5 LIKE t1");
    CHECK(s4->u.create_table.like_db == NULL);
    PARSE(s5, "CREATE TABLE t6 (a INT) AS SELECT 1");
    CHECK_INT(s5->u.create_table.ncols, 1);
    CHECK(s5->u.create_table.as_select != NULL);
}

TEST(create_table_errors) {
    CHECK_STR(PARSE_ERR("CREATE TABLE t"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("CREATE TABLE t (a INT,)"), NEAR(")", 1));
    CHECK_STR(PARSE_ERR("CREATE TABLE t (a INT) DUPLICATE KEY a"), NEAR("a", 1));
    CHECK_STR(
        PARSE_ERR(
            "CREATE TABLE t (a INT)\nPARTITION BY RANGE (a) (PARTITION p VALUES MORE THAN (1))"),
        NEAR("MORE THAN (1))", 2));
    CHECK_STR(PARSE_ERR("CREATE TABLE t (a INT) DISTRIBUTED BY SPREAD (a)"), NEAR("SPREAD (a)", 1));
    CHECK_STR(PARSE_ERR("CREATE TABLE t (a INT) DISTRIBUTED BY HASH (a) BUCKETS x"), NEAR("x", 1));
    CHECK_STR(PARSE_ERR("CREATE TABLE t (a INT DEFAULT)"), NEAR(")", 1));
    CHECK_STR(PARSE_ERR("CREATE TABLE t (a INT) ENGINE OLAP"), NEAR("OLAP", 1));
    CHECK_STR(PARSE_ERR("CREATE TABLE t (a INT) PARTITION BY RANGE (a) (START ('1') END ('5') "
                        "EVERY (INTERVAL 1 CENTURY))"),
              NEAR("CENTURY))", 1));
    CHECK_STR(PARSE_ERR("CREATE TABLE t (a JSONB)"), "Unknown data type 'JSONB'");
    CHECK_INT(T_ERR.code, ERR_PARSE);
    PARSE_ERR("CREATE TABLE t (a DECIMAL(50, 2))");
    CHECK_INT(T_ERR.code, ERR_COMMON);
    CHECK_STR(T_ERR.msg, "DECIMAL precision must be between 1 and 38, got 50");
    PARSE_ERR("CREATE EXTERNAL TABLE t (a INT)");
    CHECK_INT(T_ERR.code, ERR_NOT_SUPPORTED);
}

TEST(drop_truncate) {
    PARSE(s, "DROP TABLE IF EXISTS db.t FORCE");
    CHECK_INT(s->kind, STMT_DROP_TABLE);
    CHECK_STR(s->u.drop_table.db, "db");
    CHECK_STR(s->u.drop_table.name, "t");
    CHECK(s->u.drop_table.if_exists);
    CHECK(s->u.drop_table.force);
    PARSE(s2, "drop table t");
    CHECK(s2->u.drop_table.db == NULL);
    CHECK(!s2->u.drop_table.force);
    PARSE(s3, "TRUNCATE TABLE d.t PARTITION (p1, p2)");
    CHECK_INT(s3->kind, STMT_TRUNCATE);
    CHECK_STR(s3->u.truncate.db, "d");
    CHECK_INT(s3->u.truncate.npartitions, 2);
    CHECK_STR(s3->u.truncate.partitions[1], "p2");
    PARSE(s4, "truncate t");
    CHECK_INT(s4->u.truncate.npartitions, 0);
    PARSE(s5, "TRUNCATE TABLE t PARTITION p1");
    CHECK_INT(s5->u.truncate.npartitions, 1);
    PARSE(s6, "DROP VIEW IF EXISTS d.v");
    CHECK_INT(s6->kind, STMT_DROP_VIEW);
    CHECK_STR(s6->u.drop_table.name, "v");
    CHECK(s6->u.drop_table.if_exists);
}

TEST(alter_table) {
    PARSE(s, "ALTER TABLE d.t ADD PARTITION IF NOT EXISTS p5 VALUES LESS THAN ('2025-01-01') "
             "DISTRIBUTED BY HASH (id) BUCKETS 4, DROP PARTITION IF EXISTS p1 FORCE, "
             "DROP TEMPORARY PARTITION tp, RENAME PARTITION p2 p2b, SET "
             "(\"dynamic_partition.enable\" = \"false\"), "
             "MODIFY PARTITION p3 SET ('storage_medium' = 'HDD'), COMMENT = 'new comment', SWAP "
             "WITH t2, "
             "ADD ROLLUP r1 (a, b), DROP ROLLUP r0");
    CHECK_INT(s->kind, STMT_ALTER_TABLE);
    AlterTableStmt *a = &s->u.alter_table;
    CHECK_STR(a->db, "d");
    CHECK_STR(a->name, "t");
    CHECK_INT(a->nops, 10);
    if (a->nops != 10) return;
    CHECK_INT(a->ops[0].kind, ALTER_ADD_PARTITION);
    CHECK_STR(a->ops[0].part->name, "p5");
    CHECK(a->ops[0].part->if_not_exists);
    CHECK_INT(a->ops[0].part->kind, PDEF_LESS_THAN);
    CHECK_STR(a->ops[0].part->upper.values[0], "2025-01-01");
    CHECK_INT(a->ops[0].dist->buckets, 4);
    CHECK_INT(a->ops[1].kind, ALTER_DROP_PARTITION);
    CHECK_STR(a->ops[1].name, "p1");
    CHECK(a->ops[1].if_exists);
    CHECK(a->ops[1].force);
    CHECK(!a->ops[1].temporary);
    CHECK(a->ops[2].temporary);
    CHECK_STR(a->ops[2].name, "tp");
    CHECK_INT(a->ops[3].kind, ALTER_RENAME_PARTITION);
    CHECK_STR(a->ops[3].name, "p2");
    CHECK_STR(a->ops[3].new_name, "p2b");
    CHECK_INT(a->ops[4].kind, ALTER_SET_PROPERTIES);
    CHECK_STR(a->ops[4].props.items[0].key, "dynamic_partition.enable");
    CHECK_INT(a->ops[5].kind, ALTER_MODIFY_PARTITION_PROPERTIES);
    CHECK_STR(a->ops[5].name, "p3");
    CHECK_STR(a->ops[5].props.items[0].value, "HDD");
    CHECK_INT(a->ops[6].kind, ALTER_COMMENT);
    CHECK_STR(a->ops[6].new_name, "new comment");
    CHECK_INT(a->ops[7].kind, ALTER_SWAP);
    CHECK_STR(a->ops[7].new_name, "t2");
    CHECK_INT(a->ops[8].kind, ALTER_ADD_ROLLUP);
    CHECK_STR(a->ops[8].name, "r1");
    CHECK_INT(a->ops[8].ncols, 2);
    CHECK_INT(a->ops[9].kind, ALTER_DROP_ROLLUP);
    CHECK_STR(a->ops[9].name, "r0");

    PARSE(s2, "ALTER TABLE t ADD COLUMN c INT DEFAULT '1' AFTER b, ADD COLUMN d VARCHAR(5) FIRST, "
              "DROP COLUMN e, MODIFY COLUMN f BIGINT NOT NULL, ADD COLUMN (g INT, h INT)");
    a = &s2->u.alter_table;
    CHECK_INT(a->nops, 6);
    if (a->nops != 6) return;
    CHECK_INT(a->ops[0].kind, ALTER_ADD_COLUMN);
    CHECK_STR(a->ops[0].column->name, "c");
    CHECK_STR(a->ops[0].column->default_value, "1");
    CHECK_STR(a->ops[0].after, "b");
    CHECK(a->ops[1].first);
    CHECK(a->ops[1].after == NULL);
    CHECK_INT(a->ops[2].kind, ALTER_DROP_COLUMN);
    CHECK_STR(a->ops[2].name, "e");
    CHECK_INT(a->ops[3].kind, ALTER_MODIFY_COLUMN);
    CHECK_INT(a->ops[3].column->type.id, TYPE_BIGINT);
    CHECK_INT(a->ops[3].column->null_spec, 2);
    CHECK_STR(a->ops[4].column->name, "g");
    CHECK_STR(a->ops[5].column->name, "h");

    PARSE(s3, "ALTER TABLE t RENAME t_new");
    CHECK_INT(s3->u.alter_table.ops[0].kind, ALTER_RENAME);
    CHECK_STR(s3->u.alter_table.ops[0].new_name, "t_new");
    PARSE(s4, "ALTER TABLE t ADD PARTITIONS START ('2024-01-01') END ('2024-01-05') EVERY "
              "(INTERVAL 1 DAY)");
    CHECK_INT(s4->u.alter_table.ops[0].part->kind, PDEF_BATCH);
    CHECK_STR(s4->u.alter_table.ops[0].part->every_unit, "DAY");
    PARSE(s5, "ALTER TABLE t ADD PARTITION p VALUES IN ('a', 'b')");
    CHECK_INT(s5->u.alter_table.ops[0].part->kind, PDEF_LIST);
    CHECK_INT(s5->u.alter_table.ops[0].part->nvalues, 2);
    PARSE(s6, "ALTER TABLE t ADD TEMPORARY PARTITION tp1 VALUES [('1'), ('5'))");
    CHECK(s6->u.alter_table.ops[0].temporary);
    CHECK_INT(s6->u.alter_table.ops[0].part->kind, PDEF_FIXED);
    PARSE(s7, "ALTER TABLE t MODIFY PARTITION (*) SET ('replication_num' = '1')");
    CHECK_STR(s7->u.alter_table.ops[0].name, "*");
    PARSE(s8, "ALTER TABLE t COMMENT 'c'");
    CHECK_STR(s8->u.alter_table.ops[0].new_name, "c");
    CHECK_STR(PARSE_ERR("ALTER TABLE t FROB x"), NEAR("FROB x", 1));
    CHECK_STR(PARSE_ERR("ALTER TABLE t ADD PARTITIONS p1 VALUES LESS THAN ('1')"),
              NEAR("p1 VALUES LESS THAN ('1')", 1));
    CHECK_STR(PARSE_ERR("ALTER TABLE t DROP PARTITION"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("ALTER TABLE t SWAP t2"), NEAR("t2", 1));
}

TEST(views) {
    PARSE(s, "CREATE OR REPLACE VIEW d.v (a COMMENT 'col a', b) COMMENT 'my view' AS SELECT x, y "
             "FROM t WHERE x > 0");
    CHECK_INT(s->kind, STMT_CREATE_VIEW);
    CreateViewStmt *v = &s->u.create_view;
    CHECK(v->or_replace);
    CHECK(!v->if_not_exists);
    CHECK_STR(v->db, "d");
    CHECK_STR(v->name, "v");
    CHECK_INT(v->ncols, 2);
    CHECK_STR(v->cols[0], "a");
    CHECK_STR(v->col_comments[0], "col a");
    CHECK(v->col_comments[1] == NULL);
    CHECK_STR(v->comment, "my view");
    CHECK_STR(v->query->src, "SELECT x, y FROM t WHERE x > 0");
    PARSE(s2, "CREATE VIEW IF NOT EXISTS v2 AS WITH c AS (SELECT 1 a) SELECT a FROM c");
    CHECK(s2->u.create_view.if_not_exists);
    CHECK(!s2->u.create_view.or_replace);
    CHECK_STR(s2->u.create_view.query->src, "WITH c AS (SELECT 1 a) SELECT a FROM c");
    PARSE(s3, "ALTER VIEW v (c1) AS SELECT 2");
    CHECK_INT(s3->kind, STMT_ALTER_VIEW);
    CHECK_INT(s3->u.create_view.ncols, 1);
    CHECK_STR(s3->u.create_view.query->src, "SELECT 2");
    PARSE(s4, "create view v3 as (select 1) union (select 2)");
    CHECK_STR(s4->u.create_view.query->src, "(select 1) union (select 2)");
    CHECK_STR(PARSE_ERR("CREATE VIEW v SELECT 1"), NEAR("SELECT 1", 1));
}

TEST(insert) {
    PARSE(s, "INSERT INTO d.t (a, b) VALUES (1, 'x'), (-2, DEFAULT), (1 + 1, NULL)");
    CHECK_INT(s->kind, STMT_INSERT);
    InsertStmt *i = &s->u.insert;
    CHECK_STR(i->db, "d");
    CHECK_STR(i->table, "t");
    CHECK(!i->overwrite);
    CHECK_INT(i->ncols, 2);
    CHECK_STR(i->cols[1], "b");
    CHECK_INT(i->nrows, 3);
    CHECK_INT(i->rows[0].n, 2);
    CHECK_STR(i->rows[0].values[1]->text, "x");
    CHECK_INT(i->rows[1].values[0]->ival, -2);
    CHECK_INT(i->rows[1].values[1]->kind, EXPR_DEFAULT);
    CHECK_INT(i->rows[2].values[0]->op, OP_ADD);
    CHECK_INT(i->rows[2].values[1]->kind, EXPR_NULL);
    CHECK(i->query == NULL);
    PARSE(s2, "INSERT OVERWRITE t PARTITION (p1, p2) WITH LABEL my_label SELECT * FROM src");
    i = &s2->u.insert;
    CHECK(i->overwrite);
    CHECK_INT(i->npartitions, 2);
    CHECK_STR(i->label, "my_label");
    CHECK(i->query != NULL);
    CHECK_STR(i->query->src, "SELECT * FROM src");
    CHECK(i->rows == NULL);
    PARSE(s3, "INSERT INTO t WITH LABEL l1 WITH c AS (SELECT 1) SELECT * FROM c");
    CHECK_STR(s3->u.insert.label, "l1");
    CHECK_INT(s3->u.insert.query->nctes, 1);
    PARSE(s4, "insert into t (select 1)");
    CHECK(s4->u.insert.query != NULL);
    CHECK_INT(s4->u.insert.ncols, 0);
    PARSE(s5, "INSERT INTO t VALUES ()");
    CHECK_INT(s5->u.insert.nrows, 1);
    CHECK_INT(s5->u.insert.rows[0].n, 0);
    PARSE(s6, "INSERT INTO t TEMPORARY PARTITION (tp) (a) VALUES (1)");
    CHECK(s6->u.insert.temp_partition);
    CHECK_STR(s6->u.insert.partitions[0], "tp");
    PARSE(s7, "INSERT OVERWRITE TABLE t VALUES (1)");
    CHECK(s7->u.insert.overwrite);
    PARSE(s8, "INSERT INTO t PROPERTIES ('timeout' = '60') VALUES (1)");
    CHECK_STR(proplist_get(&s8->u.insert.props, "timeout"), "60");
    /* DEFAULT is a value only inside VALUES */
    CHECK_STR(PARSE_ERR("SELECT DEFAULT"), NEAR("DEFAULT", 1));
    CHECK_STR(PARSE_ERR("INSERT t VALUES (1)"), NEAR("t VALUES (1)", 1));
    CHECK_STR(PARSE_ERR("INSERT INTO t VALUES (1"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("INSERT INTO t"), NEAR("", 1));
}

TEST(delete_update) {
    PARSE(s, "DELETE FROM d.t PARTITION p1 WHERE a = 1 AND b IN ('x', 'y')");
    CHECK_INT(s->kind, STMT_DELETE);
    CHECK_STR(s->u.del.db, "d");
    CHECK_STR(s->u.del.table, "t");
    CHECK_INT(s->u.del.npartitions, 1);
    CHECK_STR(s->u.del.partitions[0], "p1");
    CHECK_INT(s->u.del.where->op, OP_AND);
    PARSE(s2, "DELETE FROM t PARTITIONS (p1, p2)");
    CHECK_INT(s2->u.del.npartitions, 2);
    CHECK(s2->u.del.where == NULL);
    PARSE(s3, "DELETE FROM t PARTITION (p1) WHERE k > 3");
    CHECK_INT(s3->u.del.npartitions, 1);
    PARSE(s4, "UPDATE t SET a = a + 1, t.b = 'x', c = DEFAULT FROM u WHERE t.id = u.id");
    CHECK_INT(s4->kind, STMT_UPDATE);
    UpdateStmt *u = &s4->u.update;
    CHECK_STR(u->table, "t");
    CHECK_INT(u->nsets, 3);
    CHECK_STR(u->sets[0].col, "a");
    CHECK_INT(u->sets[0].value->op, OP_ADD);
    CHECK_STR(u->sets[1].col, "b");
    CHECK_INT(u->sets[2].value->kind, EXPR_DEFAULT);
    CHECK_STR(u->from->name, "u");
    CHECK_INT(u->where->op, OP_EQ);
    PARSE(s5, "update d.t set v = 0");
    CHECK_STR(s5->u.update.db, "d");
    CHECK(s5->u.update.where == NULL);
    CHECK_STR(PARSE_ERR("DELETE t WHERE a = 1"), NEAR("t WHERE a = 1", 1));
    CHECK_STR(PARSE_ERR("UPDATE t a = 1"), NEAR("a = 1", 1));
}

int main(void) {
    T_ARENA = arena_new(0);
    RUN(databases);
    RUN(create_table_full);
    RUN(create_table_models);
    RUN(create_table_partitions);
    RUN(create_table_as_and_like);
    RUN(create_table_errors);
    RUN(drop_truncate);
    RUN(alter_table);
    RUN(views);
    RUN(insert);
    RUN(delete_update);
    arena_free(T_ARENA);
    TEST_EXIT();
}
