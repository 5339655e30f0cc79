/* Deterministic fuzzing of the SQL front end inside `make test`: random mutations (seeded, so every
 * run is the same) of a corpus covering every statement family must never crash or hang the parser,
 * must fail with a proper error class and message, and whatever parses must round-trip through
 * ast_print. The corpus itself must parse. Runs in a couple of seconds; `make fuzz` builds the
 * libFuzzer twin. */
#include <stdint.h>
#include <time.h>

#include "../fuzz/sql_roundtrip.h"
#include "sql_test_util.h"

static const char *CORPUS[] = {
    "SELECT a, b AS bee, count(*), t.* FROM db1.t1 AS t WHERE a > 1 AND b IS NOT NULL GROUP BY a, "
    "2 HAVING count(*) > 1 ORDER BY 1 DESC NULLS LAST LIMIT 10 OFFSET 5",
    "WITH c (x, y) AS (SELECT 1, 2) SELECT x + y * 3, -x, ~y, !x FROM c",
    "SELECT * FROM a LEFT JOIN b USING (id) RIGHT OUTER JOIN c ON b.k = c.k, (SELECT 1 AS one) s "
    "CROSS JOIN d PARTITION (p1)",
    "(SELECT 1 UNION ALL SELECT 2) INTERSECT SELECT 3 EXCEPT SELECT 4 ORDER BY 1 LIMIT 3, 4",
    "SELECT CASE WHEN a BETWEEN 1 AND 2 THEN 'x' WHEN a NOT IN (3, 4) THEN \"y\" ELSE NULL END "
    "FROM t",
    "SELECT CAST(a AS DECIMAL(10, 2)), CONVERT(b, SIGNED), date_add(d, INTERVAL 1 DAY), d - "
    "INTERVAL 2 MONTH",
    "SELECT a FROM t WHERE a LIKE 'x\\%y' ESCAPE '!' OR b REGEXP '^z' XOR c RLIKE 'q' || d && e",
    "SELECT EXISTS (SELECT 1), NOT EXISTS (SELECT 2), (SELECT max(x) FROM u), a IN (SELECT b FROM "
    "v)",
    "SELECT @@session.sql_mode, @@version_comment, @u, DATE '2024-01-01', TIMESTAMP '2024-01-01 "
    "00:00:00', 0x1F, 1e3, .5",
    "SELECT `select`, `a``b`, date, status, type, label FROM `weird table` /* comment */ -- tail\n",
    "SELECT a <=> b, a <> b, a != b, a << 2 >> 1, a & b | c ^ d, a DIV 2 MOD 3 % 4, (a, b) = (1, "
    "2)",
    "EXPLAIN VERBOSE SELECT 1",
    "INSERT INTO d.t PARTITION (p1) WITH LABEL l1 (a, b) VALUES (1, 'x'), (-2, DEFAULT)",
    "INSERT OVERWRITE t SELECT * FROM s WHERE k > 0",
    "DELETE FROM t PARTITION p1 WHERE a = 1",
    "UPDATE t SET a = a + 1, b = 'x' FROM u WHERE t.id = u.id",
    "USE default_catalog.db1",
    "SET a = 1, @@session.x = 2, SESSION y = 3, GLOBAL z = 'four', @u := 5, NAMES utf8mb4 COLLATE "
    "utf8mb4_bin",
    "SET PASSWORD FOR 'u'@'%' = PASSWORD('x')",
    "KILL QUERY 12; BEGIN; COMMIT; ROLLBACK; START TRANSACTION",
    "SHOW FULL TABLES FROM d LIKE 't%'; SHOW DATABASES; SHOW GLOBAL VARIABLES LIKE 'x'",
    "SHOW TEMPORARY PARTITIONS FROM d.t WHERE PartitionName = 'p' ORDER BY PartitionId LIMIT 1",
    "SHOW CREATE MATERIALIZED VIEW mv; DESC d.t ALL; SHOW PROC '/backends'; SHOW GRANTS FOR u@'%'",
    "CREATE DATABASE IF NOT EXISTS d PROPERTIES ('replication_num' = '1')",
    "DROP DATABASE IF EXISTS d FORCE",
    "CREATE TABLE IF NOT EXISTS d.t (k BIGINT NOT NULL COMMENT 'k', dt DATE, v DECIMAL(10, 2) SUM "
    "DEFAULT '0', "
    "s VARCHAR(20) REPLACE NULL, INDEX i (s) USING BITMAP) ENGINE = OLAP AGGREGATE KEY (k, dt) "
    "COMMENT 't' "
    "PARTITION BY RANGE (dt) (PARTITION p1 VALUES LESS THAN ('2024-01-01'), PARTITION p2 VALUES "
    "[('2024-01-01'), ('2024-02-01')), "
    "START ('2024-02-01') END ('2024-05-01') EVERY (INTERVAL 1 MONTH), PARTITION pm VALUES LESS "
    "THAN MAXVALUE) "
    "DISTRIBUTED BY HASH (k) BUCKETS 4 ORDER BY (k) PROPERTIES ('replication_num' = '1')",
    "CREATE TABLE l (c VARCHAR(5), n INT) PARTITION BY LIST (c, n) (PARTITION p VALUES IN (('a', "
    "1), ('b', 2))) DISTRIBUTED BY RANDOM",
    "CREATE TABLE e (dt DATETIME DEFAULT CURRENT_TIMESTAMP, id BIGINT AUTO_INCREMENT) PRIMARY KEY "
    "(id) PARTITION BY date_trunc('day', dt)",
    "CREATE TABLE c AS SELECT 1 AS x; CREATE TABLE l2 LIKE d.t",
    "ALTER TABLE t ADD PARTITION p5 VALUES LESS THAN ('2025-01-01') DISTRIBUTED BY HASH (k) "
    "BUCKETS 2, DROP PARTITION IF EXISTS p1 FORCE, "
    "RENAME PARTITION p2 p3, SET ('k' = 'v'), MODIFY PARTITION p4 SET ('a' = 'b'), ADD COLUMN c "
    "INT AFTER b, DROP COLUMN d, "
    "MODIFY COLUMN e BIGINT FIRST, COMMENT = 'x', SWAP WITH t2, ADD ROLLUP r (a, b), DROP ROLLUP "
    "r0",
    "TRUNCATE TABLE t PARTITION (p1, p2); DROP TABLE IF EXISTS t FORCE",
    "CREATE OR REPLACE VIEW v (a COMMENT 'x', b) COMMENT 'v' AS SELECT 1, 2; ALTER VIEW v AS "
    "SELECT 3; DROP VIEW v",
    "CREATE USER IF NOT EXISTS 'jack'@'%' IDENTIFIED BY 'p' DEFAULT ROLE r1; ALTER USER jack "
    "IDENTIFIED WITH mysql_native_password AS '*AB'",
    "GRANT SELECT, CREATE TABLE ON ALL TABLES IN DATABASE d TO USER jack WITH GRANT OPTION; REVOKE "
    "r1, r2 FROM ROLE r3",
    "GRANT REPOSITORY ON SYSTEM TO ROLE ops; GRANT ALL PRIVILEGES ON *.* TO u; CREATE ROLE r; DROP "
    "ROLE IF EXISTS r; DROP USER u",
    "CREATE READ ONLY REPOSITORY r WITH BROKER b ON LOCATION 's3a://bucket/p' PROPERTIES "
    "('aws.s3.access_key' = 'a')",
    "BACKUP SNAPSHOT d.l TO r ON (t1 PARTITION (p1, p2), t2) PROPERTIES ('type' = 'full')",
    "BACKUP DATABASE d SNAPSHOT l TO r ON (TABLE t, MATERIALIZED VIEW mv, VIEW v, FUNCTION f, ALL "
    "TABLES, ALL VIEWS)",
    "RESTORE SNAPSHOT d.l FROM r ON (t AS t2) PROPERTIES ('backup_timestamp' = "
    "'2024-01-01-00-00-00')",
    "RESTORE SNAPSHOT l FROM r DATABASE d AS d2 ON (ALL MATERIALIZED VIEWS) PROPERTIES "
    "('backup_timestamp' = 'x')",
    "SHOW SNAPSHOT ON r WHERE SNAPSHOT = 'l' AND TIMESTAMP = 't'; SHOW BACKUP FROM d; CANCEL "
    "RESTORE FROM d",
    "DROP SNAPSHOT l AT TIMESTAMP 't' FROM r; DROP SNAPSHOT l ON r FORCE; VERIFY SNAPSHOT `l` FROM "
    "r; DROP REPOSITORY r",
    "CREATE MATERIALIZED VIEW IF NOT EXISTS d.mv COMMENT 'c' PARTITION BY date_trunc('day', k) "
    "DISTRIBUTED BY HASH (k) "
    "REFRESH DEFERRED ASYNC START ('2024-01-01 00:00:00') EVERY (INTERVAL 1 HOUR) ORDER BY (k) "
    "PROPERTIES ('a' = 'b') AS SELECT k, sum(v) FROM t GROUP BY k",
    "ALTER MATERIALIZED VIEW mv REFRESH MANUAL; ALTER MATERIALIZED VIEW mv ACTIVE; REFRESH "
    "MATERIALIZED VIEW mv FORCE WITH SYNC MODE",
    "CANCEL REFRESH MATERIALIZED VIEW mv; DROP MATERIALIZED VIEW IF EXISTS mv ON t",
    "ADMIN SET FRONTEND CONFIG ('a' = 'b'); ADMIN SHOW FRONTEND CONFIG LIKE '%x%'",
};

/* xorshift64*: small, fast, and the same on every machine. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static const char *FRAGMENTS[] = {"(",      ")",           ",",          "'",
                                  "\"",     "`",           ";",          ".",
                                  "*",      "-",           "--",         "/*",
                                  "*/",     "/*!",         "@",          "@@",
                                  "\\",     " SELECT ",    " FROM ",     " WHERE ",
                                  " AND ",  " NOT ",       " IN ",       " NULL ",
                                  " AS ",   " PARTITION ", " VALUES ",   " (SELECT 1) ",
                                  " CASE ", " END ",       " INTERVAL ", " BETWEEN ",
                                  " ON ",   " TO ",        " LIMIT ",    " 9223372036854775808 ",
                                  " 0x",    "1e",          "[",          "]",
                                  "<=>",    ":=",          " ALL ",      " EXISTS ",
                                  "\n",     "\0"};

/* Applies 1-4 random edits to a copy of src. */
static size_t mutate(const char *src, char *out, size_t cap) {
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(out, src, n);
    int edits = 1 + (int)(rnd() % 4);
    for (int e = 0; e < edits; e++) {
        size_t pos = n ? rnd() % (n + 1) : 0;
        switch (rnd() % 6) {
        case 0: { /* delete a run */
            size_t len = 1 + rnd() % 8;
            if (pos + len > n) len = n - pos;
            memmove(out + pos, out + pos + len, n - pos - len);
            n -= len;
            break;
        }
        case 1:
        case 2: { /* insert a syntax fragment */
            const char *f = FRAGMENTS[rnd() % (sizeof FRAGMENTS / sizeof FRAGMENTS[0])];
            size_t len = f[0] ? strlen(f) : 1;
            if (n + len >= cap) break;
            memmove(out + pos + len, out + pos, n - pos);
            memcpy(out + pos, f, len);
            n += len;
            break;
        }
        case 3: /* flip a byte */
            if (pos < n) out[pos] = (char)(rnd() & 0xff);
            break;
        case 4: /* truncate */
            n = pos;
            break;
        case 5: { /* duplicate a slice somewhere else */
            size_t from = n ? rnd() % n : 0, len = 1 + rnd() % 16;
            if (from + len > n) len = n - from;
            if (n + len >= cap) break;
            char tmp[64];
            memcpy(tmp, out + from, len);
            memmove(out + pos + len, out + pos, n - pos);
            memcpy(out + pos, tmp, len);
            n += len;
            break;
        }
        }
    }
    return n;
}

TEST(corpus_parses_and_round_trips) {
    for (size_t i = 0; i < sizeof CORPUS / sizeof CORPUS[0]; i++) {
        Stmt **v;
        int n;
        Error err = ERROR_INIT;
        if (sql_parse(T_ARENA, CORPUS[i], strlen(CORPUS[i]), &v, &n, &err) != STATUS_OK) {
            fprintf(stderr, "  corpus entry %zu failed: %s\n", i, err.msg);
            test_failed_ = 1;
        }
        CHECK_INT(sql_check_roundtrip(T_ARENA, CORPUS[i], strlen(CORPUS[i])), 0);
    }
}

TEST(mutations_never_crash) {
    enum { ITERATIONS = 120000, CAP = 2048 };
    char *buf = malloc(CAP);
    int parsed = 0, broken = 0;
    Arena *a = arena_new(0);
    clock_t start = clock();
    for (int it = 0; it < ITERATIONS; it++) {
        const char *src = CORPUS[rnd() % (sizeof CORPUS / sizeof CORPUS[0])];
        size_t n = mutate(src, buf, CAP);
        Stmt **v;
        int ns;
        Error err = ERROR_INIT;
        if (sql_parse(a, buf, n, &v, &ns, &err) == STATUS_OK) parsed++;
        if (sql_check_roundtrip(a, buf, n)) {
            broken++;
            if (broken <= 5) fprintf(stderr, "  round-trip broke at iteration %d\n", it);
        }
        arena_reset(a);
    }
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    fprintf(stderr, "  %d mutations, %d parsed, %.2fs\n", ITERATIONS, parsed, secs);
    CHECK_INT(broken, 0);
    /* Some mutations stay valid SQL (the mutator is not only producing garbage). */
    CHECK(parsed > ITERATIONS / 50);
    arena_free(a);
    free(buf);
}

TEST(pathological_inputs) {
    /* very long inputs of one repeated token: bounded time and no stack exhaustion */
    static const char *units[] = {"(",  "NOT ", "- ",       "~",     "SELECT ", "a,",
                                  "1+", "'x' ", "(SELECT ", "CASE ", "a IN (",  "/*!"};
    Arena *a = arena_new(0);
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        StrBuf sb = STRBUF_INIT;
        for (int i = 0; i < 20000; i++)
            sb_append(&sb, units[u]);
        CHECK_INT(sql_check_roundtrip(a, sb.data, sb.len), 0);
        arena_reset(a);
        sb_free(&sb);
    }
    /* Nested "JOIN ((( (SELECT" once made the derived-table/join backtracking exponential (found by
     * libFuzzer: 510 bytes took 18 s); each try is now made at most once per position. */
    StrBuf sb = STRBUF_INIT;
    sb_append(&sb, "SELECT * FROM t");
    for (int i = 0; i < 12; i++)
        sb_append(&sb, " LEFT JOIN ((((SELECT * FROM a");
    clock_t start = clock();
    CHECK_INT(sql_check_roundtrip(a, sb.data, sb.len), 0);
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    fprintf(stderr, "  nested join/derived input: %.3fs\n", secs);
    CHECK(secs < 5.0);
    sb_free(&sb);
    arena_free(a);
}

int main(void) {
    T_ARENA = arena_new(0);
    RUN(corpus_parses_and_round_trips);
    RUN(mutations_never_crash);
    RUN(pathological_inputs);
    arena_free(T_ARENA);
    TEST_EXIT();
}
