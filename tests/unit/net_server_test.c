/* The MySQL protocol server driven by real clients (the mysql CLI, pymysql, node mysql2) against an
 * in-process server whose executor is a small fake: it answers "select 1", "sleep N", "big N", "echo_len",
 * "types", "error N" itself and hands every other statement to sql_execute. So the protocol layer
 * (handshake, result sets, errors, multi-results, large packets, kill, disconnects, max_connections) is
 * tested without waiting for the query engine. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/mysql_auth.h"
#include "net/mysql_server.h"
#include "server/config.h"
#include "sql/execute.h"
#include "sql/session.h"
#include "test.h"
#include "util/clock.h"
#include "util/log.h"

static int port;
static _Atomic int sleeps_interrupted;
static _Atomic int sleeps_running;

/* One fake statement. */
static Status fake_one(Session *s, const char *sql, ResultSink *out, Error *err) {
    while (*sql == ' ' || *sql == '\n') sql++;
    long n;
    if (!strcasecmp(sql, "select 1")) {
        ResultColumn c = result_col_bigint("1");
        const char *cells[] = {"1"};
        return result_send_table(out, &c, 1, cells, 1, err);
    }
    if (sscanf(sql, "sleep %ld", &n) == 1) {
        atomic_fetch_add(&sleeps_running, 1);
        for (long i = 0; i < n * 20; i++) {
            if (session_killed(s)) {
                atomic_fetch_add(&sleeps_interrupted, 1);
                atomic_fetch_sub(&sleeps_running, 1);
                return err_set(err, ERR_QUERY_INTERRUPTED, "Query execution was interrupted");
            }
            clock_sleep_ms(50);
        }
        atomic_fetch_sub(&sleeps_running, 1);
        return out->ok(out, 0, 0, NULL, err);
    }
    if (sscanf(sql, "big %ld", &n) == 1) {
        ResultColumn c = result_col_varchar("b");
        char *v = malloc((size_t)n + 1);
        memset(v, 'x', (size_t)n);
        v[n] = '\0';
        const char *cells[] = {v};
        Status st = result_send_table(out, &c, 1, cells, 1, err);
        free(v);
        return st;
    }
    if (!strncasecmp(sql, "echo_len", 8)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%zu", strlen(sql));
        ResultColumn c = result_col_bigint("len");
        const char *cells[] = {buf};
        return result_send_table(out, &c, 1, cells, 1, err);
    }
    if (!strcasecmp(sql, "types")) {
        ResultColumn c[6] = {{"i", type_make(TYPE_INT), "t", "d"},
                             {"dec", type_decimal(10, 2), "t", "d"},
                             {"dt", type_make(TYPE_DATE), "t", "d"},
                             {"ts", type_make(TYPE_DATETIME), "t", "d"},
                             {"s", type_varchar(20), "t", "d"},
                             {"dbl", type_make(TYPE_DOUBLE), "t", "d"}};
        const char *cells[] = {"42", "1.50", "2024-02-29", "2024-02-29 13:14:15", "héllo", "2.5",
                               NULL, NULL,  NULL,         NULL,                  "",      NULL};
        return result_send_table(out, c, 6, cells, 2, err);
    }
    if (sscanf(sql, "error %ld", &n) == 1) return err_set(err, ERR_BAD_DB, "Unknown database 'nosuch'");
    if (!strcasecmp(sql, "insert")) return out->ok(out, 3, 7, NULL, err);
    return sql_execute(s, sql, strlen(sql), out, err);
}

/* Splits on ';' (the fake statements hold none) so multi-statement framing can be tested. */
static Status fake_exec(Session *s, const char *sql, size_t len, ResultSink *out, Error *err) {
    char *copy = strndup(sql, len);
    Status st = STATUS_OK;
    char *save = NULL;
    for (char *p = strtok_r(copy, ";", &save); p && !st; p = strtok_r(NULL, ";", &save)) {
        const char *q = p;
        while (*q == ' ' || *q == '\n') q++;
        if (!*q) continue;
        st = fake_one(s, q, out, err);
    }
    free(copy);
    return st;
}

/* USE: only database d1 exists. */
static Status fake_use(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    if (strcmp(st->u.use.db, "d1") != 0) return err_set(err, ERR_BAD_DB, "Unknown database '%s'", st->u.use.db);
    snprintf(s->db, sizeof s->db, "%s", st->u.use.db);
    return out->ok(out, 0, 0, NULL, err);
}

/* Runs a shell command; returns its stdout (malloc'd) and exit status. */
static char *run(const char *cmd, int *status) {
    FILE *f = popen(cmd, "r");
    if (!f) {
        *status = -1;
        return strdup("");
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t k;
    while ((k = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += k;
        if (cap - len < 2) buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    int rc = pclose(f);
    *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return buf;
}

/* Runs a python script (pymysql) with PORT set; returns its stdout. */
static char *py(const char *script, int *status) {
    char path[] = "/tmp/cairn-net-test-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "import pymysql, sys, time, socket, threading\nPORT = %d\n%s\n", port, script);
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "timeout 60 /usr/bin/python3 %s 2>&1", path);
    char *out = run(cmd, status);
    unlink(path);
    return out;
}

static char *mysql_cli(const char *args, const char *sql, int *status) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "echo \"%s\" | timeout 30 mysql -h127.0.0.1 -P%d --batch %s 2>&1", sql, port, args);
    return run(cmd, status);
}

TEST(cli_select_and_error) {
    int rc;
    char *out = mysql_cli("-uroot", "select 1", &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "1\n1\n");
    free(out);
    out = mysql_cli("-uroot", "error 1", &rc);
    CHECK_INT(rc, 1);
    CHECK(strstr(out, "ERROR 1049 (42000) at line 1: Unknown database 'nosuch'") != NULL);
    free(out);
}

TEST(cli_access_denied) {
    int rc;
    char *out = mysql_cli("-ubob", "select 1", &rc);
    CHECK_INT(rc, 1);
    CHECK(strstr(out, "ERROR 1045 (28000): Access denied for user 'bob'@'127.0.0.1' (using password: NO)") != NULL);
    free(out);
    out = mysql_cli("-uroot -pwrong", "select 1", &rc);
    CHECK_INT(rc, 1);
    CHECK(strstr(out, "ERROR 1045 (28000): Access denied for user 'root'@'127.0.0.1' (using password: YES)") != NULL);
    free(out);
}

TEST(cli_connect_with_db) {
    int rc;
    char *out = mysql_cli("-uroot d1", "select 1", &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "1\n1\n");
    free(out);
    out = mysql_cli("-uroot nosuch", "select 1", &rc);
    CHECK_INT(rc, 1);
    CHECK(strstr(out, "ERROR 1049 (42000): Unknown database 'nosuch'") != NULL);
    free(out);
}

TEST(cli_statistics_and_ping) {
    int rc;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "timeout 30 mysqladmin -h127.0.0.1 -P%d -uroot status ping 2>&1", port);
    char *out = run(cmd, &rc);
    CHECK_INT(rc, 0);
    CHECK(strncmp(out, "Uptime: ", 8) == 0);
    CHECK(strstr(out, "Questions: ") != NULL);
    CHECK(strstr(out, "mysqld is alive") != NULL);
    free(out);
}

TEST(pymysql_types_and_ok_packet) {
    int rc;
    char *out = py("c = pymysql.connect(host='127.0.0.1', port=PORT, user='root', password='')\n"
                   "cur = c.cursor()\n"
                   "cur.execute('types')\n"
                   "print([d[1] for d in cur.description])\n"
                   "print([d[0] for d in cur.description])\n"
                   "for r in cur.fetchall(): print(repr(r))\n"
                   "print(cur.execute('insert'), cur.lastrowid)\n"
                   "print(c.get_server_info())\n",
                   &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "[3, 246, 10, 12, 253, 5]\n"
                   "['i', 'dec', 'dt', 'ts', 's', 'dbl']\n"
                   "(42, Decimal('1.50'), datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 13, 14, 15), "
                   "'héllo', 2.5)\n"
                   "(None, None, None, None, '', None)\n"
                   "3 7\n"
                   "8.0.33-cairn\n");
    free(out);
}

TEST(pymysql_errors_and_init_db) {
    int rc;
    char *out = py("c = pymysql.connect(host='127.0.0.1', port=PORT, user='root', password='')\n"
                   "try:\n    c.select_db('nosuch')\nexcept pymysql.err.MySQLError as e: print(e.args)\n"
                   "c.select_db('d1')\n"
                   "try:\n    pymysql.connect(host='127.0.0.1', port=PORT, user='root', database='nosuch')\n"
                   "except pymysql.err.MySQLError as e: print(e.args)\n"
                   "c.ping()\nprint('pong')\n",
                   &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "(1049, \"Unknown database 'nosuch'\")\n(1049, \"Unknown database 'nosuch'\")\npong\n");
    free(out);
}

TEST(multi_statements) {
    int rc;
    char *out = py("from pymysql.constants import CLIENT\n"
                   "c = pymysql.connect(host='127.0.0.1', port=PORT, user='root', client_flag=CLIENT.MULTI_STATEMENTS)\n"
                   "cur = c.cursor()\n"
                   "cur.execute('select 1; insert; big 3')\n"
                   "print(cur.fetchall())\n"
                   "print(cur.nextset(), cur.rowcount)\n"
                   "print(cur.nextset(), cur.fetchall())\n"
                   "print(cur.nextset())\n"
                   "cur.execute('select 1; error 1')\n"
                   "print(cur.fetchall())\n"
                   "try:\n    cur.nextset()\nexcept pymysql.err.MySQLError as e: print(e.args[0])\n"
                   "cur.execute('select 1')\nprint(cur.fetchall())\n"
                   "c2 = pymysql.connect(host='127.0.0.1', port=PORT, user='root')\n"
                   "try:\n    c2.cursor().execute('SELECT 1; SELECT 2')\n"
                   "except pymysql.err.MySQLError as e: print(e.args[0])\n",
                   &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "((1,),)\nTrue 3\nTrue (('xxx',),)\nNone\n((1,),)\n1049\n((1,),)\n1064\n");
    free(out);
}

TEST(large_packets) {
    int rc;
    /* a 20 MB query (two frames in, joined) and a 20 MB row (two frames out) */
    char *out = py("c = pymysql.connect(host='127.0.0.1', port=PORT, user='root', max_allowed_packet=64*1024*1024)\n"
                   "cur = c.cursor()\n"
                   "q = 'echo_len ' + 'y' * (20 * 1024 * 1024)\n"
                   "cur.execute(q)\nprint(cur.fetchall()[0][0] == len(q))\n"
                   "cur.execute('big %d' % (20 * 1024 * 1024))\nv = cur.fetchall()[0][0]\n"
                   "print(len(v), v == 'x' * len(v))\n"
                   "cur.execute('big %d' % (16777215 - 4))\nprint(len(cur.fetchall()[0][0]))\n"
                   "cur.execute('select 1')\nprint(cur.fetchall())\n",
                   &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "True\n20971520 True\n16777211\n((1,),)\n");
    free(out);
}

TEST(packet_too_large) {
    Error err = ERROR_INIT;
    CHECK_OK(config_set("max_connections", "100", &err), &err);
    int rc;
    char *out = py("c = pymysql.connect(host='127.0.0.1', port=PORT, user='root', max_allowed_packet=200*1024*1024)\n"
                   "cur = c.cursor()\ncur.execute('set max_allowed_packet = 1048576')\n"
                   "try:\n    cur.execute('echo_len ' + 'y' * (2 * 1024 * 1024))\n"
                   "except pymysql.err.MySQLError as e: print(e.args[0])\n",
                   &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "1153\n");
    free(out);
}

TEST(client_gone_mid_query) {
    int before = atomic_load(&sleeps_interrupted);
    int rc;
    char *out = py("c = pymysql.connect(host='127.0.0.1', port=PORT, user='root', read_timeout=0.5)\n"
                   "try:\n    c.cursor().execute('sleep 20')\nexcept pymysql.err.MySQLError as e: print(e.args[0])\n",
                   &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "2013\n");
    free(out);
    /* the watchdog notices the closed socket and the statement stops well before its 20 s */
    int64_t deadline = clock_now_ms() + 5000;
    while (atomic_load(&sleeps_interrupted) == before && clock_now_ms() < deadline) clock_sleep_ms(20);
    CHECK_INT(atomic_load(&sleeps_interrupted), before + 1);
    CHECK_INT(atomic_load(&sleeps_running), 0);
}

TEST(kill_query_and_connection) {
    int rc;
    char *out = py("a = pymysql.connect(host='127.0.0.1', port=PORT, user='root')\n"
                   "b = pymysql.connect(host='127.0.0.1', port=PORT, user='root')\n"
                   "def killer():\n    time.sleep(0.5)\n    b.cursor().execute('KILL QUERY %d' % a.thread_id())\n"
                   "t = threading.Thread(target=killer); t.start(); t0 = time.time()\n"
                   "try:\n    a.cursor().execute('sleep 20')\nexcept pymysql.err.MySQLError as e: print(e.args)\n"
                   "t.join(); print(time.time() - t0 < 5)\n"
                   "cur = a.cursor(); cur.execute('select 1'); print(cur.fetchall())\n"
                   "b.kill(a.thread_id())\n"
                   "time.sleep(0.3)\n"
                   "try:\n    a.cursor().execute('select 1')\nexcept pymysql.err.MySQLError as e: print(e.args[0])\n",
                   &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "(1317, 'Query execution was interrupted')\nTrue\n((1,),)\n2013\n");
    free(out);
}

TEST(query_timeout) {
    int rc;
    char *out = py("c = pymysql.connect(host='127.0.0.1', port=PORT, user='root')\n"
                   "cur = c.cursor(); cur.execute('set query_timeout = 1'); t0 = time.time()\n"
                   "try:\n    cur.execute('sleep 10')\nexcept pymysql.err.MySQLError as e: print(e.args)\n"
                   "print(time.time() - t0 < 4)\n"
                   "cur.execute('select 1'); print(cur.fetchall())\n",
                   &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "(3024, 'Query exceeded the time limit of 1 seconds (session variable query_timeout)')\nTrue\n"
                   "((1,),)\n");
    free(out);
}

TEST(max_connections) {
    Error err = ERROR_INIT;
    CHECK_OK(config_set("max_connections", "3", &err), &err);
    /* the conns of earlier tests may still be closing: wait until the server counts none */
    clock_sleep_ms(300);
    int rc;
    char *out = py("cs = [pymysql.connect(host='127.0.0.1', port=PORT, user='root') for i in range(3)]\n"
                   "try:\n    pymysql.connect(host='127.0.0.1', port=PORT, user='root')\n"
                   "except pymysql.err.MySQLError as e: print(e.args)\n"
                   "cs[0].close(); time.sleep(0.3)\n"
                   "d = pymysql.connect(host='127.0.0.1', port=PORT, user='root')\n"
                   "cur = d.cursor(); cur.execute('select 1'); print(cur.fetchall())\n",
                   &rc);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "(1040, 'Too many connections (max_connections = 3)')\n((1,),)\n");
    free(out);
    char *cli = mysql_cli("-uroot", "select 1", &rc);
    CHECK_INT(rc, 0);
    free(cli);
    CHECK_OK(config_set("max_connections", "100", &err), &err);
}

TEST(node_mysql2) {
    char path[] = "/tmp/cairn-net-test-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fprintf(f,
            "const mysql = require('mysql2');\n"
            "const c = mysql.createConnection({host: '127.0.0.1', port: %d, user: 'root', password: '', "
            "multipleStatements: true});\n"
            "c.query('select 1', (e, rows, fields) => {\n"
            "  if (e) { console.log('ERR', e.message); process.exit(1); }\n"
            "  console.log(JSON.stringify(rows), fields[0].columnType);\n"
            "  c.query('types', (e2, r2) => {\n"
            "    console.log(JSON.stringify(r2[0].i), r2[0].dec, r2[0].s, r2[1].s === '', r2[1].i === null);\n"
            "    c.query('select 1; big 2', (e4, r4) => {\n"
            "      console.log(JSON.stringify(r4));\n"
            "      c.query('error 1', (e3) => { console.log(e3.errno, e3.sqlState, e3.message); c.end(); });\n"
            "    });\n"
            "  });\n"
            "});\n",
            port);
    fclose(f);
    char cmd[512];
    const char *root = getenv("CAIRN_ROOT") ? getenv("CAIRN_ROOT") : ".";
    snprintf(cmd, sizeof cmd, "NODE_PATH=%s/tests/node_modules timeout 30 node %s 2>&1", root, path);
    int rc;
    char *out = run(cmd, &rc);
    unlink(path);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "[{\"1\":1}] 8\n42 1.50 héllo true true\n[[{\"1\":1}],[{\"b\":\"xx\"}]]\n"
                   "1049 42000 Unknown database 'nosuch'\n");
    free(out);
}

int main(void) {
    Error err = ERROR_INIT;
    if (log_open(NULL, LOG_WARN, 1, &err)) return 1;
    config_reset_all();
    CHECK_OK(config_set("max_connections", "100", &err), &err);
    session_register_statements();
    sql_register(STMT_USE, fake_use);
    server_auth_fn = mysql_auth_root_only;
    MysqlServerOptions o = {"127.0.0.1", 0, fake_exec};
    if (mysql_server_start(&o, &err)) {
        fprintf(stderr, "cannot start: %s\n", err.msg);
        return 1;
    }
    port = mysql_server_port();
    RUN(cli_select_and_error);
    RUN(cli_access_denied);
    RUN(cli_connect_with_db);
    RUN(cli_statistics_and_ping);
    RUN(pymysql_types_and_ok_packet);
    RUN(pymysql_errors_and_init_db);
    RUN(multi_statements);
    RUN(large_packets);
    RUN(packet_too_large);
    RUN(client_gone_mid_query);
    RUN(kill_query_and_connection);
    RUN(query_timeout);
    RUN(max_connections);
    RUN(node_mysql2);
    mysql_server_stop(1000);
    TEST_EXIT();
}
