/* Shared fixture of the catalog unit tests: a fresh data dir with the metadata database and catalog open,
 * an internal session, SQL run through the real parser and handlers into a collecting sink, and a fake
 * storage layer that records which rowset files the catalog asks to delete. */
#ifndef CAIRN_TEST_CATALOG_UTIL_H
#define CAIRN_TEST_CATALOG_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "catalog/ddl.h"
#include "catalog/meta_store.h"
#include "sql/execute.h"
#include "sql/session.h"
#include "test.h"

static char g_dir[256];
static Session *g_s;

/* Fake storage: remembers removed rowset ids. */
static int64_t g_removed[4096];
static int g_nremoved;

static Status fake_remove_rowset(int64_t tablet_id, const CatRowset *rs, Error *err) {
    (void)tablet_id;
    (void)err;
    if (g_nremoved < 4096) g_removed[g_nremoved++] = rs->id;
    return STATUS_OK;
}

static inline bool was_removed(int64_t id) {
    for (int i = 0; i < g_nremoved; i++)
        if (g_removed[i] == id) return true;
    return false;
}

static void cat_open_dir(void) {
    Error err = ERROR_INIT;
    CHECK_OK(meta_open(g_dir, &err), &err);
    CHECK_OK(catalog_open(&err), &err);
    CatStorageOps ops = {0};
    ops.remove_rowset = fake_remove_rowset;
    catalog_set_storage_ops(&ops);
}

static void cat_close_dir(void) {
    catalog_close();
    meta_close();
}

static void cat_setup(void) {
    snprintf(g_dir, sizeof g_dir, "/tmp/cairn_cat_test_XXXXXX");
    if (!mkdtemp(g_dir)) abort();
    cat_open_dir();
    catalog_register_statements();
    if (!g_s) {
        g_s = session_new(1, "root", "127.0.0.1");
        g_s->internal = true;
    }
    g_s->db[0] = '\0';
    g_nremoved = 0;
}

static void cat_teardown(void) {
    cat_close_dir();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", g_dir);
}

/* Simulates a restart: drop everything in memory and load it back from the metadata database. */
static inline void cat_restart(void) {
    cat_close_dir();
    cat_open_dir();
}

/* Runs SQL; returns 0 on success, else the MySQL errno (message in *err). */
static int sql_run(const char *sql, CollectSink *c, Error *err) {
    session_begin_statement(g_s, sql);
    err_clear(err);
    Status st = sql_execute(g_s, sql, strlen(sql), &c->sink, err);
    session_end_statement(g_s);
    return st ? err_mysql_errno(err->code) : 0;
}

/* Runs SQL that must succeed. */
static void ok_sql(const char *sql) {
    CollectSink c;
    collect_sink_init(&c);
    Error err = ERROR_INIT;
    if (sql_run(sql, &c, &err)) {
        fprintf(stderr, "  SQL failed: %s\n    -> %s\n", sql, err.msg);
        test_failed_ = 1;
    }
    collect_sink_free(&c);
}

/* Runs SQL that must fail with errno; returns the message (static buffer) for further checks. */
static inline const char *fail_sql(const char *sql, int errno_expected) {
    static Error err;
    CollectSink c;
    collect_sink_init(&c);
    int no = sql_run(sql, &c, &err);
    if (no != errno_expected) {
        fprintf(stderr, "  SQL: %s\n    expected errno %d, got %d (%s)\n", sql, errno_expected, no, err.msg);
        test_failed_ = 1;
    }
    collect_sink_free(&c);
    return err.msg;
}

/* Runs a query and returns its rows as "c1|c2\n" lines (NULL as \N); caller frees. */
static inline char *query_text(const char *sql) {
    CollectSink c;
    collect_sink_init(&c);
    Error err = ERROR_INIT;
    StrBuf sb = STRBUF_INIT;
    if (sql_run(sql, &c, &err)) {
        fprintf(stderr, "  query failed: %s\n    -> %s\n", sql, err.msg);
        test_failed_ = 1;
    }
    for (size_t r = 0; r < c.nrows; r++) {
        for (int i = 0; i < c.ncols; i++) {
            if (i) sb_putc(&sb, '|');
            sb_append(&sb, c.rows[r][i] ? c.rows[r][i] : "\\N");
        }
        sb_putc(&sb, '\n');
    }
    collect_sink_free(&c);
    return sb_detach(&sb);
}

/* The value of one cell (row r, column named col) of a query; caller frees. */
static inline char *query_cell(const char *sql, size_t r, const char *col) {
    CollectSink c;
    collect_sink_init(&c);
    Error err = ERROR_INIT;
    char *out = NULL;
    if (sql_run(sql, &c, &err)) {
        fprintf(stderr, "  query failed: %s\n    -> %s\n", sql, err.msg);
        test_failed_ = 1;
    }
    for (int i = 0; i < c.ncols && r < c.nrows; i++)
        if (!strcmp(c.col_names[i], col)) out = strdup(c.rows[r][i] ? c.rows[r][i] : "\\N");
    collect_sink_free(&c);
    return out ? out : strdup("(missing)");
}

/* Looks a table up by name under the read lock; the pointer is valid until the next DDL. */
static inline CatTable *table_named(const char *db, const char *name) {
    catalog_rdlock();
    CatTable *t = catalog_find_table(catalog_find_db(db), name);
    catalog_unlock();
    return t;
}

#endif
