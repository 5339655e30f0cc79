/* Statement parsing tests for queries and session statements: SELECT (every clause), set
 * operations, joins, CTEs, EXPLAIN, USE, SET, KILL, transactions, multi-statement input, query
 * round trips through ast_print_query, and syntax error messages with the exact near-text and line.
 */
#include "sql_test_util.h"

static Query *q_of(Stmt *s) {
    return s->u.select.query;
}

TEST(select_basic) {
    PARSE(s, "SELECT a, b AS bee, c cee, 'lit' 'str', t.*, * FROM db1.t1");
    CHECK_INT(s->kind, STMT_SELECT);
    CHECK_STR(s->src, "SELECT a, b AS bee, c cee, 'lit' 'str', t.*, * FROM db1.t1");
    Query *q = q_of(s);
    CHECK_INT(q->body->kind, QB_SELECT);
    SelectCore *c = q->body->select;
    CHECK_INT(c->nitems, 6);
    CHECK_STR(c->items[0].expr->text, "a");
    CHECK(c->items[0].alias == NULL);
    CHECK_STR(c->items[1].alias, "bee");
    CHECK_STR(c->items[2].alias, "cee");
    CHECK_STR(c->items[3].expr->text, "litstr"); /* adjacent literals join */
    CHECK_INT(c->items[4].expr->kind, EXPR_STAR);
    CHECK_STR(c->items[4].expr->qual_table, "t");
    CHECK_INT(c->items[5].expr->kind, EXPR_STAR);
    CHECK(c->items[5].expr->qual_table == NULL);
    CHECK_INT(c->from->kind, TREF_TABLE);
    CHECK_STR(c->from->db, "db1");
    CHECK_STR(c->from->name, "t1");
    CHECK_INT(q->limit, -1);
    CHECK_INT(q->offset, 0);
    CHECK(!c->distinct);
}

TEST(select_item_src) {
    PARSE(s, "select count(*),  a+1 ,sum( x ) total, `weird col`, db.t.c from t");
    SelectCore *c = q_of(s)->body->select;
    CHECK_STR(c->items[0].expr->src, "count(*)");
    CHECK_STR(c->items[1].expr->src, "a+1");
    CHECK_STR(c->items[2].expr->src, "sum( x )");
    CHECK_STR(c->items[2].alias, "total");
    CHECK_STR(c->items[3].expr->src, "`weird col`");
    CHECK_STR(c->items[4].expr->src, "db.t.c");
    CHECK_STR(c->items[4].expr->qual_db, "db");
    PARSE(s2, "SELECT (a), -b, 'x' FROM t");
    c = q_of(s2)->body->select;
    CHECK_STR(c->items[0].expr->src, "(a)");
    CHECK_STR(c->items[1].expr->src, "-b");
    CHECK_STR(c->items[2].expr->src, "'x'");
}

TEST(select_clauses) {
    PARSE(s,
          "SELECT DISTINCT a, sum(b) FROM t WHERE a > 1 AND b IS NOT NULL GROUP BY a, 2 "
          "HAVING sum(b) > 10 ORDER BY 1 DESC NULLS LAST, a ASC, b NULLS FIRST LIMIT 10 OFFSET 5");
    Query *q = q_of(s);
    SelectCore *c = q->body->select;
    CHECK(c->distinct);
    CHECK_INT(c->where->op, OP_AND);
    CHECK_INT(c->ngroup, 2);
    CHECK_INT(c->group_by[1]->kind, EXPR_INT);
    CHECK_STR(c->group_by[0]->src, "a");
    CHECK_STR(c->having->left->src, "sum(b)");
    CHECK_INT(c->group_by[1]->ival, 2);
    CHECK_INT(c->having->op, OP_GT);
    CHECK_INT(q->norder, 3);
    CHECK_INT(q->order_by[0].expr->ival, 1);
    CHECK(q->order_by[0].desc);
    CHECK_INT(q->order_by[0].nulls, 2);
    CHECK(!q->order_by[1].desc);
    CHECK_INT(q->order_by[1].nulls, 0);
    CHECK_INT(q->order_by[2].nulls, 1);
    CHECK_INT(q->limit, 10);
    CHECK_INT(q->offset, 5);
    PARSE(s2, "SELECT a FROM t LIMIT 3, 7");
    CHECK_INT(q_of(s2)->limit, 7);
    CHECK_INT(q_of(s2)->offset, 3);
    PARSE(s3, "SELECT 1 + 1, now()");
    CHECK(q_of(s3)->body->select->from == NULL);
    PARSE(s4, "SELECT 1 FROM dual");
    CHECK(q_of(s4)->body->select->from == NULL);
    PARSE(s5, "SELECT ALL a FROM t");
    CHECK(!q_of(s5)->body->select->distinct);
}

TEST(select_from_and_joins) {
    PARSE(s, "SELECT * FROM a AS x JOIN b y ON x.id = y.id LEFT OUTER JOIN c USING (id, k) "
             "RIGHT JOIN d ON true FULL JOIN e ON 1 = 1 CROSS JOIN f INNER JOIN g ON g.a = f.a");
    TableRef *r = q_of(s)->body->select->from;
    /* left-deep: ((((((a JOIN b) LEFT c) RIGHT d) FULL e) CROSS f) INNER g) */
    CHECK_INT(r->kind, TREF_JOIN);
    CHECK_INT(r->join, JOIN_INNER);
    CHECK_STR(r->right->name, "g");
    CHECK_INT(r->left->join, JOIN_CROSS);
    CHECK(r->left->on == NULL);
    CHECK_INT(r->left->left->join, JOIN_FULL);
    CHECK_INT(r->left->left->left->join, JOIN_RIGHT);
    TableRef *lj = r->left->left->left->left;
    CHECK_INT(lj->join, JOIN_LEFT);
    CHECK_INT(lj->nusing, 2);
    CHECK_STR(lj->using_cols[1], "k");
    TableRef *ij = lj->left;
    CHECK_INT(ij->join, JOIN_INNER);
    CHECK_STR(ij->left->alias, "x");
    CHECK_STR(ij->right->alias, "y");
    CHECK_INT(ij->on->op, OP_EQ);
    PARSE(s2, "SELECT * FROM a, b, (SELECT 1 AS one) sub, db.c PARTITION (p1, p2) pc, "
              "t TEMPORARY PARTITION (tp) WHERE a.x = b.x");
    TableRef *f = q_of(s2)->body->select->from;
    CHECK_INT(f->join, JOIN_CROSS);
    CHECK_STR(f->right->name, "t");
    CHECK(f->right->temp_partition);
    CHECK_STR(f->right->partitions[0], "tp");
    CHECK_STR(f->left->right->name, "c");
    CHECK_STR(f->left->right->db, "db");
    CHECK_INT(f->left->right->npartitions, 2);
    CHECK_STR(f->left->right->partitions[1], "p2");
    CHECK_STR(f->left->right->alias, "pc");
    CHECK_INT(f->left->left->right->kind, TREF_SUBQUERY);
    CHECK_STR(f->left->left->right->alias, "sub");
    CHECK_STR(f->left->left->right->subquery->src, "SELECT 1 AS one");
    PARSE(s3, "SELECT * FROM a, b JOIN c ON b.x = c.x");
    /* comma binds looser than JOIN */
    TableRef *g = q_of(s3)->body->select->from;
    CHECK_INT(g->join, JOIN_CROSS);
    CHECK_INT(g->right->kind, TREF_JOIN);
    CHECK_INT(g->right->join, JOIN_INNER);
    PARSE(s4, "SELECT * FROM (a JOIN b ON a.i = b.i) JOIN [broadcast] c ON c.i = a.i");
    TableRef *h = q_of(s4)->body->select->from;
    CHECK_INT(h->left->kind, TREF_JOIN);
    CHECK_STR(h->right->name, "c");
    PARSE(s5, "SELECT * FROM default_catalog.db.t");
    CHECK_STR(q_of(s5)->body->select->from->db, "db");
    CHECK_STR(q_of(s5)->body->select->from->name, "t");
    PARSE(s6, "SELECT date, data, label, status, type, comment, value, name, timestamp, version, "
              "snapshot, repository, backup FROM t");
    CHECK_INT(q_of(s6)->body->select->nitems, 13);
    CHECK_STR(q_of(s6)->body->select->items[12].expr->text, "backup");
}

TEST(set_operations) {
    PARSE(s, "SELECT 1 UNION ALL SELECT 2 UNION SELECT 3");
    QueryBody *b = q_of(s)->body;
    CHECK_INT(b->kind, QB_SETOP);
    CHECK_INT(b->setop, SETOP_UNION);
    CHECK(!b->all);
    CHECK_INT(b->left->kind, QB_SETOP);
    CHECK(b->left->all);
    PARSE(s2, "SELECT 1 UNION SELECT 2 INTERSECT SELECT 3");
    b = q_of(s2)->body;
    CHECK_INT(b->setop, SETOP_UNION);
    CHECK_INT(b->right->setop, SETOP_INTERSECT);
    PARSE(
        s3,
        "(SELECT a FROM t ORDER BY a LIMIT 1) UNION DISTINCT (SELECT b FROM u) ORDER BY 1 LIMIT 5");
    Query *q = q_of(s3);
    CHECK_INT(q->body->left->kind, QB_QUERY);
    CHECK_INT(q->body->left->query->limit, 1);
    CHECK_INT(q->body->right->kind, QB_SELECT);
    CHECK_INT(q->limit, 5);
    CHECK_INT(q->norder, 1);
    PARSE(s4, "SELECT 1 EXCEPT SELECT 2 MINUS SELECT 3");
    CHECK_INT(q_of(s4)->body->setop, SETOP_EXCEPT);
    CHECK_INT(q_of(s4)->body->left->setop, SETOP_EXCEPT);
    PARSE(s5, "((SELECT 1))");
    CHECK_INT(q_of(s5)->body->kind, QB_SELECT);
}

TEST(ctes) {
    PARSE(s, "WITH a AS (SELECT 1 AS x), b (y, z) AS (SELECT 2, 3) SELECT * FROM a, b");
    Query *q = q_of(s);
    CHECK_INT(q->nctes, 2);
    CHECK_STR(q->ctes[0].name, "a");
    CHECK_INT(q->ctes[0].ncols, 0);
    CHECK_STR(q->ctes[1].name, "b");
    CHECK_INT(q->ctes[1].ncols, 2);
    CHECK_STR(q->ctes[1].cols[1], "z");
    CHECK_STR(q->ctes[1].query->src, "SELECT 2, 3");
    CHECK_STR(q->src, "WITH a AS (SELECT 1 AS x), b (y, z) AS (SELECT 2, 3) SELECT * FROM a, b");
}

TEST(query_round_trip) {
    QUERY_RT("select a,b from t where a=1", "SELECT a, b FROM t WHERE a = 1");
    QUERY_RT("select distinct t.* , x.y z from db.t join x on t.a=x.a",
             "SELECT DISTINCT t.*, x.y AS z FROM db.t JOIN x ON t.a = x.a");
    QUERY_RT("select count(*) c from t group by a having c > 1 order by c desc limit 5",
             "SELECT count(*) AS c FROM t GROUP BY a HAVING c > 1 ORDER BY c DESC LIMIT 5");
    QUERY_RT("select 1 union all select 2 order by 1", "SELECT 1 UNION ALL SELECT 2 ORDER BY 1");
    QUERY_RT("select 1 union (select 2 union select 3)",
             "SELECT 1 UNION (SELECT 2 UNION SELECT 3)");
    QUERY_RT("(select 1 union select 2) intersect select 3",
             "(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3");
    QUERY_RT("with c(x) as (select 1) select x from c", "WITH c (x) AS (SELECT 1) SELECT x FROM c");
    QUERY_RT("select * from a left join b using(id) cross join c",
             "SELECT * FROM a LEFT JOIN b USING (id) CROSS JOIN c");
    QUERY_RT("select * from a, b join c on b.x=c.x",
             "SELECT * FROM a CROSS JOIN (b JOIN c ON b.x = c.x)");
    QUERY_RT("select * from (select 1 x) s where s.x in (select 1)",
             "SELECT * FROM (SELECT 1 AS x) AS s WHERE s.x IN (SELECT 1)");
    QUERY_RT("select * from t partition (p1) limit 2, 3",
             "SELECT * FROM t PARTITION (p1) LIMIT 3 OFFSET 2");
    QUERY_RT("(select a from t order by a limit 1) union select 2",
             "(SELECT a FROM t ORDER BY a LIMIT 1) UNION SELECT 2");
    QUERY_RT("select `order`, `a b` from `select`", "SELECT `order`, `a b` FROM `select`");
    QUERY_RT("select a from t order by a nulls first, b desc nulls last",
             "SELECT a FROM t ORDER BY a NULLS FIRST, b DESC NULLS LAST");
}

TEST(explain) {
    PARSE(s, "EXPLAIN SELECT 1");
    CHECK_INT(s->kind, STMT_EXPLAIN);
    CHECK_INT(s->u.explain.level, EXPLAIN_NORMAL);
    CHECK_INT(s->u.explain.inner->kind, STMT_SELECT);
    CHECK_STR(s->u.explain.inner->src, "SELECT 1");
    PARSE(s2, "explain verbose select a from t");
    CHECK_INT(s2->u.explain.level, EXPLAIN_VERBOSE);
    PARSE(s3, "EXPLAIN LOGICAL SELECT 1");
    CHECK_INT(s3->u.explain.level, EXPLAIN_LOGICAL);
    PARSE(s4, "EXPLAIN COSTS SELECT 1");
    CHECK_INT(s4->u.explain.level, EXPLAIN_COSTS);
    PARSE(s5, "EXPLAIN ANALYZE INSERT INTO t VALUES (1)");
    CHECK_INT(s5->u.explain.level, EXPLAIN_ANALYZE);
    CHECK_INT(s5->u.explain.inner->kind, STMT_INSERT);
    CHECK_STR(s5->u.explain.inner->u.insert.table, "t");
    PARSE(s6, "DESC SELECT 1");
    CHECK_INT(s6->kind, STMT_EXPLAIN);
    PARSE(s7, "describe with x as (select 1) select * from x");
    CHECK_INT(s7->kind, STMT_EXPLAIN);
    CHECK_INT(s7->u.explain.inner->u.select.query->nctes, 1);
}

TEST(use_set_kill_txn) {
    PARSE(s, "USE db1");
    CHECK_INT(s->kind, STMT_USE);
    CHECK_STR(s->u.use.db, "db1");
    PARSE(s2, "use default_catalog.`my-db`");
    CHECK_STR(s2->u.use.db, "my-db");
    Error err = ERROR_INIT;
    Stmt **v;
    int n;
    const char *bad = "USE hive.db";
    CHECK(sql_parse(T_ARENA, bad, strlen(bad), &v, &n, &err) != STATUS_OK);
    CHECK_INT(err.code, ERR_NOT_SUPPORTED);

    PARSE(s3, "SET a = 1, @@session.x = 2, SESSION y = 3, GLOBAL z = 'four', @u = 5, @@w := 6, "
              "LOCAL q = 7");
    CHECK_INT(s3->kind, STMT_SET);
    SetStmt *st = &s3->u.set;
    CHECK_INT(st->n, 7);
    CHECK_STR(st->vars[0].name, "a");
    CHECK_INT(st->vars[0].scope, VAR_DEFAULT);
    CHECK_INT(st->vars[0].value->ival, 1);
    CHECK_STR(st->vars[1].name, "x");
    CHECK_INT(st->vars[1].scope, VAR_SESSION);
    CHECK_INT(st->vars[2].scope, VAR_SESSION);
    CHECK_STR(st->vars[2].name, "y");
    CHECK_INT(st->vars[3].scope, VAR_GLOBAL);
    CHECK_STR(st->vars[3].value->text, "four");
    CHECK_INT(st->vars[4].scope, VAR_USER);
    CHECK_STR(st->vars[4].name, "u");
    CHECK_INT(st->vars[5].value->ival, 6);
    CHECK_INT(st->vars[6].scope, VAR_SESSION);
    CHECK_STR(st->vars[6].name, "q");

    PARSE(s4, "SET NAMES utf8mb4 COLLATE utf8mb4_general_ci");
    CHECK_STR(s4->u.set.vars[0].name, "names");
    CHECK_STR(s4->u.set.vars[0].charset, "utf8mb4");
    CHECK_STR(s4->u.set.vars[0].collate, "utf8mb4_general_ci");
    CHECK(s4->u.set.vars[0].value == NULL);
    PARSE(s5, "SET NAMES 'utf8'");
    CHECK_STR(s5->u.set.vars[0].charset, "utf8");
    CHECK(s5->u.set.vars[0].collate == NULL);
    PARSE(s5b, "SET NAMES DEFAULT, CHARACTER SET DEFAULT");
    CHECK_STR(s5b->u.set.vars[0].charset, "DEFAULT");
    CHECK_STR(s5b->u.set.vars[1].charset, "DEFAULT");
    CHECK(s5b->u.set.vars[1].value == NULL);
    PARSE(s6, "SET CHARACTER SET utf8");
    CHECK_STR(s6->u.set.vars[0].name, "character set");
    CHECK_STR(s6->u.set.vars[0].charset, "utf8");
    PARSE(s7, "SET autocommit = ON, sql_mode = DEFAULT, time_zone = UTC, x = OFF");
    CHECK_INT(s7->u.set.vars[0].value->kind, EXPR_STRING);
    CHECK_STR(s7->u.set.vars[0].value->text, "ON");
    CHECK_INT(s7->u.set.vars[1].value->kind, EXPR_DEFAULT);
    CHECK_INT(s7->u.set.vars[2].value->kind, EXPR_STRING);
    CHECK_STR(s7->u.set.vars[2].value->text, "UTC");
    CHECK_STR(s7->u.set.vars[3].value->text, "OFF");
    PARSE(s8, "SET @x = 1 + 2");
    CHECK_INT(s8->u.set.vars[0].value->op, OP_ADD);
    PARSE(s9, "SET query_timeout = -1");
    CHECK_INT(s9->u.set.vars[0].value->ival, -1);

    PARSE(s10, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED, autocommit = 1");
    CHECK_INT(s10->u.set.n, 2);
    CHECK_STR(s10->u.set.vars[0].name, "transaction_isolation");
    CHECK_INT(s10->u.set.vars[0].scope, VAR_SESSION);
    CHECK_STR(s10->u.set.vars[0].value->text, "READ-COMMITTED");
    CHECK_STR(s10->u.set.vars[1].name, "autocommit");
    PARSE(s11, "SET TRANSACTION READ ONLY");
    CHECK_STR(s11->u.set.vars[0].name, "transaction_read_only");
    CHECK_STR(s11->u.set.vars[0].value->text, "ON");
    CHECK_INT(s11->u.set.vars[0].scope, VAR_DEFAULT);
    PARSE(s12, "SET GLOBAL TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    CHECK_INT(s12->u.set.vars[0].scope, VAR_GLOBAL);
    CHECK_STR(s12->u.set.vars[0].value->text, "REPEATABLE-READ");
    PARSE(s13, "SELECT @@version_comment LIMIT 1");
    CHECK_INT(q_of(s13)->limit, 1);
    CHECK_STR(q_of(s13)->body->select->items[0].expr->src, "@@version_comment");
    CHECK_STR(PARSE_ERR("SET TRANSACTION ISOLATION LEVEL SOMETIMES"), NEAR("SOMETIMES", 1));

    PARSE(k1, "KILL 42");
    CHECK_INT(k1->kind, STMT_KILL);
    CHECK_INT(k1->u.kill.id, 42);
    CHECK(!k1->u.kill.query_only);
    PARSE(k2, "KILL QUERY 7");
    CHECK(k2->u.kill.query_only);
    CHECK_INT(k2->u.kill.id, 7);
    PARSE(k3, "kill connection 8");
    CHECK(!k3->u.kill.query_only);
    CHECK_INT(k3->u.kill.id, 8);

    PARSE(b1, "BEGIN");
    CHECK_INT(b1->kind, STMT_BEGIN);
    PARSE(b2, "START TRANSACTION");
    CHECK_INT(b2->kind, STMT_BEGIN);
    PARSE(b3, "COMMIT WORK");
    CHECK_INT(b3->kind, STMT_COMMIT);
    PARSE(b4, "rollback");
    CHECK_INT(b4->kind, STMT_ROLLBACK);
}

TEST(multi_statements) {
    Stmt **v = NULL;
    int n = 0;
    Error err = ERROR_INIT;
    const char *sql = " ; SELECT 1;\n;use d ;  SHOW DATABASES; ";
    CHECK_OK(sql_parse(T_ARENA, sql, strlen(sql), &v, &n, &err), &err);
    CHECK_INT(n, 3);
    if (n != 3) return;
    CHECK_INT(v[0]->kind, STMT_SELECT);
    CHECK_STR(v[0]->src, "SELECT 1");
    CHECK_INT(v[0]->line, 1);
    CHECK_INT(v[0]->col, 4);
    CHECK_INT(v[1]->kind, STMT_USE);
    CHECK_STR(v[1]->src, "use d");
    CHECK_INT(v[1]->line, 2);
    CHECK_INT(v[2]->kind, STMT_SHOW_DATABASES);
    err_clear(&err);
    CHECK(sql_parse(T_ARENA, " ; ", 3, &v, &n, &err) != STATUS_OK);
    CHECK_STR(err.msg, "Query was empty");
    /* comments only */
    CHECK(sql_parse(T_ARENA, "-- x", 4, &v, &n, &err) != STATUS_OK);
}

TEST(syntax_errors) {
    CHECK_STR(PARSE_ERR("SELEC 1"), NEAR("SELEC 1", 1));
    CHECK_STR(PARSE_ERR("SELECT * FROM"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("SELECT a FROM t WHERE"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("SELECT a,\nFROM t"), NEAR("FROM t", 2));
    CHECK_STR(PARSE_ERR("SELECT a FROM t\nWHERE a = = 1"), NEAR("= 1", 2));
    CHECK_STR(PARSE_ERR("SELECT 1 2"), NEAR("2", 1));
    CHECK_STR(PARSE_ERR("SELECT a FROM t LIMIT x"), NEAR("x", 1));
    CHECK_STR(PARSE_ERR("SELECT a FROM t GROUP a"), NEAR("a", 1));
    CHECK_STR(PARSE_ERR("SELECT (1"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("SELECT a FROM t LEFT JOIN u"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("SELECT 1; SELEC 2"), NEAR("SELEC 2", 1));
    /* the near-text is cut at 80 characters */
    const char *long_sql = "SELECT a FROM t WHERE WHERE "
                           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                           "aaaaaaaaaaaaaaaaaaaaa";
    CHECK_STR(
        PARSE_ERR(long_sql),
        NEAR("WHERE aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
             1));
    CHECK_INT(T_ERR.code, ERR_PARSE);
    CHECK_STR(PARSE_ERR("SELECT * FROM t WHERE a IN ()"), NEAR(")", 1));
    CHECK_STR(PARSE_ERR("USE"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("SET"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("SET x"), NEAR("", 1));
    CHECK_STR(PARSE_ERR("KILL abc"), NEAR("abc", 1));
    CHECK_STR(PARSE_ERR("FOO BAR"), NEAR("FOO BAR", 1));
    CHECK_STR(PARSE_ERR("SELECT 1 FROM t ORDER a"), NEAR("a", 1));
}

int main(void) {
    T_ARENA = arena_new(0);
    RUN(select_basic);
    RUN(select_item_src);
    RUN(select_clauses);
    RUN(select_from_and_joins);
    RUN(set_operations);
    RUN(ctes);
    RUN(query_round_trip);
    RUN(explain);
    RUN(use_set_kill_txn);
    RUN(multi_statements);
    RUN(syntax_errors);
    arena_free(T_ARENA);
    TEST_EXIT();
}
