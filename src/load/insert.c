/* INSERT INTO / INSERT OVERWRITE ... VALUES | SELECT, with optional column list, PARTITION (...) and
 * WITH LABEL. VALUES are evaluated by the query engine's constant evaluator straight into the target column
 * types (a value that does not fit is an error naming the column, the row and the value); SELECT results are
 * cast column by column. Rows go through a LoadSink, so the insert is one atomic load, and the reply is
 * StarRocks': affected rows plus {'label':'...', 'status':'VISIBLE', 'txnId':'...'}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/privilege.h"
#include "exec/exec.h"
#include "load/load_convert.h"
#include "load/load_internal.h"
#include "load/load_sink.h"
#include "load/load_util.h"
#include "server/config.h"
#include "sql/execute.h"
#include "util/str.h"

typedef struct InsertCtx {
    Session *s;
    const InsertStmt *in;
    LoadSink *ls;
    const LoadTableInfo *ti;
    int *target;   /* per given value position: table column */
    int ntarget;
    Datum *defaults; /* per table column: the DEFAULT (used when not in the list, or for DEFAULT) */
    bool *listed;
    Arena *arena;    /* the pending batch */
    Batch *b;
    int64_t row;     /* 1-based row number for messages */
} InsertCtx;

static void append_datum(ColumnVector *v, const Datum *d) {
    if (d->is_null) {
        colvec_append_null(v);
        return;
    }
    _Alignas(16) unsigned char cell[16];
    load_datum_to_cell(&v->type, d, cell);
    colvec_append(v, cell);
}

static void new_batch(InsertCtx *c) {
    if (c->arena)
        arena_reset(c->arena);
    else
        c->arena = arena_new(1 << 20);
    DataType *types = arena_alloc(c->arena, sizeof(DataType) * (size_t)(c->ti->ncols + 1));
    for (int i = 0; i < c->ti->ncols; i++) types[i] = c->ti->cols[i].type;
    c->b = batch_new(c->arena, c->ti->ncols, types, BATCH_SIZE);
    c->b->nrows = 0;
    for (int i = 0; i < c->ti->ncols; i++) c->b->cols[i]->len = 0;
}

static Status flush(InsertCtx *c, Error *err) {
    if (c->b->nrows == 0) return STATUS_OK;
    Status st = load_sink_add(c->ls, c->b, NULL, err);
    new_batch(c);
    return st;
}

/* Resolves the column list (or all columns) and the defaults of the others. */
static Status plan_columns(InsertCtx *c, Arena *plan, Error *err) {
    const LoadTableInfo *ti = c->ti;
    const InsertStmt *in = c->in;
    c->listed = arena_calloc(plan, sizeof(bool) * (size_t)(ti->ncols + 1));
    c->defaults = arena_calloc(plan, sizeof(Datum) * (size_t)(ti->ncols + 1));
    if (in->ncols) {
        c->ntarget = in->ncols;
        c->target = arena_alloc(plan, sizeof(int) * (size_t)in->ncols);
        for (int i = 0; i < in->ncols; i++) {
            int col = -1;
            for (int k = 0; k < ti->ncols; k++)
                if (str_ieq(ti->cols[k].name, in->cols[i])) col = k;
            if (col < 0)
                return err_set(err, ERR_BAD_FIELD, "Unknown column '%s' in 'field list' of table '%s'", in->cols[i],
                               ti->table_name);
            if (c->listed[col])
                return err_set(err, ERR_DUP_FIELDNAME, "Column '%s' specified twice", ti->cols[col].name);
            c->listed[col] = true;
            c->target[i] = col;
        }
    } else {
        c->ntarget = ti->ncols;
        c->target = arena_alloc(plan, sizeof(int) * (size_t)(ti->ncols + 1));
        for (int k = 0; k < ti->ncols; k++) {
            c->target[k] = k;
            c->listed[k] = true;
        }
    }
    return STATUS_OK;
}

static Status insert_values(InsertCtx *c, Arena *plan, Error *err) {
    const LoadTableInfo *ti = c->ti;
    const InsertStmt *in = c->in;
    /* defaults of the columns the list leaves out are the same for every row */
    for (int k = 0; k < ti->ncols; k++)
        if (!c->listed[k] && load_column_default(&ti->cols[k], &c->defaults[k], plan, err)) return STATUS_ERROR;
    Datum *vals = arena_alloc(plan, sizeof(Datum) * (size_t)(ti->ncols + 1));
    for (int r = 0; r < in->nrows; r++) {
        const InsertRow *row = &in->rows[r];
        c->row = r + 1;
        if (row->n != c->ntarget)
            return err_set(err, ERR_WRONG_VALUE_COUNT, "Column count doesn't match value count at row %d (%d columns, "
                           "%d values)", r + 1, c->ntarget, row->n);
        for (int k = 0; k < ti->ncols; k++) vals[k] = c->defaults[k];
        for (int i = 0; i < row->n; i++) {
            int col = c->target[i];
            const LoadColumn *lc = &ti->cols[col];
            const Expr *e = row->values[i];
            if (e->kind == EXPR_DEFAULT) {
                if (load_column_default(lc, &vals[col], c->arena, err)) return STATUS_ERROR;
            } else if (exec_eval_const(c->s, e, &lc->type, &vals[col], c->arena, err)) {
                return err_prefix(err, "Column '%s' at row %d: ", lc->name, r + 1);
            }
            if (vals[col].is_null && !lc->nullable)
                return err_set(err, ERR_BAD_NULL, "Column '%s' cannot be null (row %d)", lc->name, r + 1);
        }
        for (int k = 0; k < ti->ncols; k++) append_datum(c->b->cols[k], &vals[k]);
        c->b->nrows++;
        if (c->b->nrows >= BATCH_SIZE && flush(c, err)) return STATUS_ERROR;
    }
    return flush(c, err);
}

static Status insert_select(InsertCtx *c, Arena *plan, Error *err) {
    const LoadTableInfo *ti = c->ti;
    for (int k = 0; k < ti->ncols; k++)
        if (!c->listed[k] && load_column_default(&ti->cols[k], &c->defaults[k], plan, err)) return STATUS_ERROR;
    QueryWrite qw = {0};
    qw.ls = c->ls;
    qw.ntarget = c->ntarget;
    qw.target = c->target;
    qw.fixed = c->defaults;
    return load_query_write(c->s, c->in->query, &qw, err);
}

/* ---------------------------------------------------------------- handler */

Status load_insert_handler(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const InsertStmt *in = &st->u.insert;
    if (priv_check(s, PRIV_INSERT, in->db, in->table, err)) return STATUS_ERROR;
    if (proplist_get(&in->props, "partial_update"))
        return err_set(err, ERR_NOT_SUPPORTED, "partial_update is not supported by INSERT");
    LoadSinkOptions o = {0};
    o.label = in->label;
    o.overwrite = in->overwrite;
    o.partitions = in->partitions;
    o.npartitions = in->npartitions;
    o.temp_partitions = in->temp_partition;
    o.writer_threads = in->query ? (int)config_get_int("load_writer_threads") : 0;
    InsertCtx c = {0};
    c.s = s;
    c.in = in;
    Arena *plan = arena_new(0);
    Status rc = STATUS_ERROR;
    if (load_sink_open(s, in->db, in->table, &o, &c.ls, err)) goto done;
    c.ti = load_sink_table(c.ls);
    new_batch(&c);
    if (plan_columns(&c, plan, err)) goto done;
    if ((in->query ? insert_select(&c, plan, err) : insert_values(&c, plan, err))) goto done;
    LoadSinkResult res;
    LoadSink *ls = c.ls;
    c.ls = NULL;
    if (load_sink_commit(ls, &res, err)) goto done;
    char info[300];
    load_info_string(&res, info, sizeof info);
    rc = out->ok(out, (uint64_t)res.rows, 0, info, err);
done:
    load_sink_abort(c.ls);
    if (c.arena) arena_free(c.arena);
    arena_free(plan);
    return rc;
}
