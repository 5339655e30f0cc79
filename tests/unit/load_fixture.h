/* Shared fixture of the load unit tests: a fresh data dir with the metadata store and catalog open, the
 * catalog, query engine and load statements registered, an internal session, and helpers that run SQL
 * through the real parser and handlers and compare results. */
#ifndef CAIRN_TEST_LOAD_FIXTURE_H
#define CAIRN_TEST_LOAD_FIXTURE_H

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

static __attribute__((unused)) void restart(void) {
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
static __attribute__((unused)) const char *ok_n(const char *sql, uint64_t n) {
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

static __attribute__((unused)) const char *fail(const char *sql, int errno_expected) {
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
static __attribute__((unused)) int count_files(const char *dir, const char *suffix) {
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

#endif
