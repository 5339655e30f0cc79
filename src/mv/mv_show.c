/* SHOW MATERIALIZED VIEWS (StarRocks' columns: async MVs with their refresh state, synchronous MVs
 * as ROLLUP rows) and SHOW CREATE [MATERIALIZED VIEW|TABLE] of an async MV (CREATE MATERIALIZED
 * VIEW text that recreates it; other objects are left to the catalog's handler). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/ddl_int.h"
#include "mv/mv_int.h"
#include "sql/execute.h"
#include "util/clock.h"

enum { SHOW_NCOLS = 17 };

static const char *const SHOW_COLS[SHOW_NCOLS] = {
    "id",
    "database_name",
    "name",
    "refresh_type",
    "is_active",
    "inactive_reason",
    "partition_type",
    "task_id",
    "task_name",
    "last_refresh_start_time",
    "last_refresh_finished_time",
    "last_refresh_duration",
    "last_refresh_state",
    "last_refresh_error_code",
    "last_refresh_error_message",
    "rows",
    "text",
};

static void append_ident(StrBuf *out, const char *s) {
    sb_putc(out, '`');
    for (; *s; s++) {
        if (*s == '`') sb_putc(out, '`');
        sb_putc(out, *s);
    }
    sb_putc(out, '`');
}

static void append_quoted(StrBuf *out, const char *s) {
    sb_putc(out, '"');
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\') sb_putc(out, '\\');
        sb_putc(out, *s);
    }
    sb_putc(out, '"');
}

void mv_show_create_text(const CatTable *t, StrBuf *out) {
    MvDef d;
    Error err = ERROR_INIT;
    bool have = !mv_def_of(t, &d, &err);
    sb_append(out, "CREATE MATERIALIZED VIEW ");
    append_ident(out, t->name);
    sb_append(out, " (");
    for (int i = 0; i < t->ncols; i++) {
        if (i) sb_append(out, ", ");
        append_ident(out, t->cols[i].name);
    }
    sb_append(out, ")");
    if (t->comment && *t->comment) {
        sb_append(out, "\nCOMMENT ");
        append_quoted(out, t->comment);
    }
    if (t->part_type == PART_EXPR && t->npart_cols == 1) {
        sb_append(out, "\nPARTITION BY ");
        if (t->part_expr_unit) {
            sb_appendf(out, "date_trunc('%s', ", t->part_expr_unit);
            append_ident(out, t->cols[t->part_cols[0]].name);
            sb_append(out, ")");
        } else {
            append_ident(out, t->cols[t->part_cols[0]].name);
        }
    }
    if (t->dist_type == DIST_HASH) {
        sb_append(out, "\nDISTRIBUTED BY HASH(");
        for (int i = 0; i < t->ndist_cols; i++) {
            if (i) sb_append(out, ", ");
            append_ident(out, t->cols[t->dist_cols[i]].name);
        }
        sb_append(out, ")");
    } else {
        sb_append(out, "\nDISTRIBUTED BY RANDOM");
    }
    if (t->default_buckets > 0) sb_appendf(out, " BUCKETS %d", t->default_buckets);
    if (have) {
        char *r = mv_def_refresh_text(&d);
        sb_appendf(out, "\nREFRESH %s", r);
        free(r);
        mv_def_free(&d);
    }
    if (t->props.n) {
        sb_append(out, "\nPROPERTIES (");
        for (int i = 0; i < t->props.n; i++) {
            sb_append(out, i ? ",\n" : "\n");
            append_quoted(out, t->props.items[i].key);
            sb_append(out, " = ");
            append_quoted(out, t->props.items[i].value);
        }
        sb_append(out, "\n)");
    }
    sb_appendf(out, "\nAS %s;", t->view_sql ? t->view_sql : "");
}

static const char *partition_type(const CatTable *t) {
    switch (t->part_type) {
    case PART_RANGE:
        return "RANGE";
    case PART_LIST:
        return "LIST";
    case PART_EXPR:
        return t->part_expr_unit ? "RANGE" : "LIST";
    default:
        return "UNPARTITIONED";
    }
}

typedef struct ShowCtx {
    ShowRows *rows;
} ShowCtx;

static void add_row(void *ctx, const char *const *cells) {
    show_rows_add(((ShowCtx *)ctx)->rows, cells);
}

static void async_row(const CatDatabase *db, const CatTable *t, ShowRows *rows) {
    MvDef d;
    Error err = ERROR_INIT;
    if (mv_def_of(t, &d, &err)) {
        if (mv_def_parse(NULL, &d, &err)) return;
        mv_def_set_state(&d, false, err.msg);
    }
    char id[32], task_id[32], task_name[64], start[32] = "", finish[32] = "", dur[32] = "",
                                             code[16] = "", nrows[32];
    snprintf(id, sizeof id, "%lld", (long long)t->id);
    snprintf(task_id, sizeof task_id, "%lld", (long long)t->id);
    snprintf(task_name, sizeof task_name, "mv-%lld", (long long)t->id);
    MvTaskRun r;
    bool ran = mv_task_last(t->id, &r);
    if (ran && r.start_ms) clock_format_datetime(r.start_ms, start, sizeof start);
    if (ran && r.finish_ms) {
        clock_format_datetime(r.finish_ms, finish, sizeof finish);
        snprintf(dur, sizeof dur, "%.3f", (double)(r.finish_ms - r.start_ms) / 1000.0);
    }
    if (ran && strcmp(r.state, "PENDING") != 0 && strcmp(r.state, "RUNNING") != 0)
        snprintf(code, sizeof code, "%d", r.error_code);
    int64_t total = 0;
    for (int i = 0; i < t->nparts; i++) {
        int64_t n, size;
        if (t->parts[i]->state != PART_NORMAL || t->parts[i]->is_temp) continue;
        catalog_partition_stats(t->parts[i], &n, &size);
        total += n;
    }
    snprintf(nrows, sizeof nrows, "%lld", (long long)total);
    StrBuf text = STRBUF_INIT;
    mv_show_create_text(t, &text);
    const char *cells[SHOW_NCOLS] = {id,
                                     db->name,
                                     t->name,
                                     d.refresh,
                                     d.active ? "true" : "false",
                                     d.reason ? d.reason : "",
                                     partition_type(t),
                                     task_id,
                                     task_name,
                                     start,
                                     finish,
                                     dur,
                                     ran ? r.state : "",
                                     code,
                                     ran ? r.error_msg : "",
                                     nrows,
                                     sb_str(&text)};
    show_rows_add(rows, cells);
    sb_free(&text);
    mv_def_free(&d);
}

Status mv_show_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const ShowStmt *sh = &st->u.show;
    const char *dbname = ddl_db_name(s, sh->db, err);
    if (!dbname) return STATUS_ERROR;
    ShowRows rows;
    show_rows_init(&rows, SHOW_NCOLS);
    catalog_rdlock();
    CatDatabase *db = catalog_find_db(dbname);
    Status rc = db ? STATUS_OK : err_set(err, ERR_BAD_DB, "Unknown database '%s'", dbname);
    if (!rc) {
        for (int i = 0; i < db->ntables; i++) {
            const CatTable *t = db->tables[i];
            if (t->kind != TABLE_MV || t->state == TABLE_RESTORE_HIDDEN) continue;
            if (!ddl_has_any_table_priv(s, db->name, t->name)) continue;
            async_row(db, t, &rows);
        }
        ShowCtx ctx = {&rows};
        mv_sync_show_rows(db, add_row, &ctx);
    }
    catalog_unlock();
    if (!rc) {
        ResultColumn cols[SHOW_NCOLS];
        for (int i = 0; i < SHOW_NCOLS; i++)
            cols[i] = result_col_varchar(SHOW_COLS[i]);
        rc = show_send(out, cols, SHOW_NCOLS, &rows, sh, 2, err);
    }
    show_rows_free(&rows);
    return rc;
}

/* The catalog's SHOW CREATE handler, for everything that is not an async MV. */
static StmtHandler g_catalog_show_create;

void mv_show_create_chain(void) {
    StmtHandler h = sql_handler(STMT_SHOW_CREATE_TABLE);
    if (h != mv_show_create_handler) g_catalog_show_create = h;
}

Status mv_show_create_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const ShowStmt *sh = &st->u.show;
    catalog_rdlock();
    CatDatabase *db = NULL;
    CatTable *t = NULL;
    Error ignore = ERROR_INIT;
    bool is_mv =
        !catalog_resolve_table(s, sh->db, sh->table, &db, &t, &ignore) && t->kind == TABLE_MV;
    if (!is_mv) {
        catalog_unlock();
        if (!g_catalog_show_create)
            return err_set(err, ERR_NOT_SUPPORTED, "SHOW CREATE TABLE is not supported");
        return g_catalog_show_create(s, st, out, err);
    }
    Status rc = priv_check(s, PRIV_SELECT, db->name, t->name, err);
    if (!rc && sh->what && !strcasecmp(sh->what, "VIEW"))
        rc = err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is not VIEW", db->name, t->name);
    StrBuf sb = STRBUF_INIT;
    char name[NAME_MAX_LEN + 1] = "";
    if (!rc) {
        mv_show_create_text(t, &sb);
        snprintf(name, sizeof name, "%s", t->name);
    }
    catalog_unlock();
    if (!rc) {
        ResultColumn cols[2] = {result_col_varchar("Materialized View"),
                                result_col_varchar("Create Materialized View")};
        const char *cells[2] = {name, sb_str(&sb)};
        rc = result_send_table(out, cols, 2, cells, 1, err);
    }
    sb_free(&sb);
    return rc;
}
