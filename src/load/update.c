/* UPDATE [db.]t SET c = expr, ... [FROM t2, ...] [WHERE ...] on PRIMARY KEY tables (as StarRocks): the rows
 * to change are read through the query engine with the SET expressions in place of their columns, and
 * written back as one load (upserts of the same keys), so readers see every change or none. Key columns
 * cannot be set. The reply counts the rows written. */
#include <string.h>

#include "catalog/privilege.h"
#include "load/load_convert.h"
#include "load/load_internal.h"
#include "util/str.h"

static Expr *column_ref(Arena *a, const char *table, const char *name) {
    Expr *e = arena_calloc(a, sizeof *e);
    e->kind = EXPR_COLUMN;
    e->text = arena_strdup(a, name);
    e->qual_table = table ? arena_strdup(a, table) : NULL;
    return e;
}

Status load_update_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const UpdateStmt *u = &st->u.update;
    if (priv_check(s, PRIV_UPDATE, u->db, u->table, err)) return STATUS_ERROR;
    LoadSinkOptions o = {0};
    LoadSink *ls;
    if (load_sink_open(s, u->db, u->table, &o, &ls, err)) return STATUS_ERROR;
    const LoadTableInfo *ti = load_sink_table(ls);
    Arena *a = arena_new(0);
    Status rc = STATUS_ERROR;
    if (ti->keys != KEYS_PRIMARY) {
        err_set(err, ERR_NOT_SUPPORTED, "UPDATE is only supported by PRIMARY KEY tables ('%s' is a %s KEY table)",
                ti->table_name, keys_type_name(ti->keys));
        goto done;
    }
    const char **names = arena_alloc(a, sizeof(char *) * (size_t)(ti->ncols + 1));
    int *target = arena_alloc(a, sizeof(int) * (size_t)(ti->ncols + 1));
    Datum *fixed = arena_calloc(a, sizeof(Datum) * (size_t)(ti->ncols + 1));
    bool *override = arena_calloc(a, sizeof(bool) * (size_t)(ti->ncols + 1));
    Expr **items = arena_calloc(a, sizeof(Expr *) * (size_t)(ti->ncols + 1));
    for (int c = 0; c < ti->ncols; c++) {
        names[c] = ti->cols[c].name;
        target[c] = c;
    }
    for (int i = 0; i < u->nsets; i++) {
        int col = -1;
        for (int c = 0; c < ti->ncols; c++)
            if (str_ieq(ti->cols[c].name, u->sets[i].col)) col = c;
        if (col < 0) {
            err_set(err, ERR_BAD_FIELD, "Unknown column '%s' in 'field list' of table '%s'", u->sets[i].col,
                    ti->table_name);
            goto done;
        }
        if (ti->cols[col].is_key) {
            err_set(err, ERR_COMMON, "Column '%s' is a primary key column: it cannot be updated (delete the row "
                    "and insert a new one)", ti->cols[col].name);
            goto done;
        }
        if (items[col] || override[col]) {
            err_set(err, ERR_DUP_FIELDNAME, "Column '%s' is set twice", ti->cols[col].name);
            goto done;
        }
        if (u->sets[i].value->kind == EXPR_DEFAULT) {
            if (load_column_default(&ti->cols[col], &fixed[col], a, err)) goto done;
            override[col] = true;
        } else {
            items[col] = u->sets[i].value;
        }
    }
    for (int c = 0; c < ti->ncols; c++)
        if (!items[c]) items[c] = column_ref(a, u->from ? u->table : NULL, names[c]);
    Query *q = load_build_select(a, u->db, u->table, NULL, 0, items, names, ti->ncols, u->from, u->where);
    QueryWrite qw = {ls, ti->ncols, target, fixed, override, 0, 0};
    /* UPDATE is checked above; reading the table itself needs no SELECT privilege (other FROM tables do) */
    bool was_internal = s->internal;
    if (!u->from) s->internal = true;
    Status qst = load_query_write(s, q, &qw, err);
    s->internal = was_internal;
    if (qst) goto done;
    LoadSinkResult res;
    LoadSink *l2 = ls;
    ls = NULL;
    if (load_sink_commit(l2, &res, err)) goto done;
    char info[300];
    load_info_string(&res, info, sizeof info);
    rc = out->ok(out, (uint64_t)qw.rows, 0, info, err);
done:
    load_sink_abort(ls);
    arena_free(a);
    return rc;
}
