/* Query results into a load (load_internal.h: load_query_write): the query engine delivers batches, each
 * column is cast to its target column's type, and the table-order batch goes to the sink. Shared by
 * INSERT ... SELECT, UPDATE and the tombstone-writing DELETE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/exec.h"
#include "exec/expr.h"
#include "load/load_internal.h"
#include "load/load_util.h"
#include "load/tablet_writer.h"

typedef struct QwCtx {
    QueryWrite *qw;
    const LoadTableInfo *ti;
    DataType *src_types;
    Arena *arena; /* the pending batch */
    Batch *b;
    uint8_t *ops;
    int64_t row;
} QwCtx;

static void append_datum(ColumnVector *v, const Datum *d) {
    if (d->is_null) {
        colvec_append_null(v);
        return;
    }
    _Alignas(16) unsigned char cell[16];
    load_datum_to_cell(&v->type, d, cell);
    colvec_append(v, cell);
}

static void new_batch(QwCtx *c) {
    arena_reset(c->arena);
    DataType *types = arena_alloc(c->arena, sizeof(DataType) * (size_t)(c->ti->ncols + 1));
    for (int i = 0; i < c->ti->ncols; i++) types[i] = c->ti->cols[i].type;
    c->b = batch_new(c->arena, c->ti->ncols, types, BATCH_SIZE);
    c->b->nrows = 0;
    for (int i = 0; i < c->ti->ncols; i++) c->b->cols[i]->len = 0;
    c->ops = arena_alloc(c->arena, BATCH_SIZE + 1);
}

static Status flush(QwCtx *c, Error *err) {
    if (c->b->nrows == 0) return STATUS_OK;
    uint8_t del = load_row_op_delete();
    for (uint32_t i = 0; i < c->b->nrows; i++) c->ops[i] = c->qw->op ? del : 0;
    Status st = load_sink_add(c->qw->ls, c->b, c->qw->op ? c->ops : NULL, err);
    c->qw->rows += c->b->nrows;
    new_batch(c);
    return st;
}

static Status qw_columns(void *ctx, const ResultColumn *cols, int ncols, Error *err) {
    QwCtx *c = ctx;
    if (ncols != c->qw->ntarget)
        return err_set(err, ERR_WRONG_VALUE_COUNT,
                       "Column count doesn't match value count: the query produces %d columns for %d target columns",
                       ncols, c->qw->ntarget);
    c->src_types = arena_alloc(c->arena, sizeof(DataType) * (size_t)(ncols + 1));
    for (int i = 0; i < ncols; i++) c->src_types[i] = cols[i].type;
    /* the batch arena is reset per batch: keep the types elsewhere */
    DataType *keep = malloc(sizeof(DataType) * (size_t)(ncols + 1));
    if (!keep) abort();
    memcpy(keep, c->src_types, sizeof(DataType) * (size_t)ncols);
    c->src_types = keep;
    new_batch(c);
    return STATUS_OK;
}

/* The longest string a column takes (the rule of type_parse_cell). */
static int string_max(const DataType *t) {
    if (t->id == TYPE_STRING && t->len == 0) return VARCHAR_MAX_LEN;
    return t->len ? t->len : STRING_DEFAULT_LEN;
}

static bool string_too_long(const DataType *t, const Datum *d) {
    return (int64_t)d->v.str.len > string_max(t);
}

static Status qw_batch(void *ctx, const Batch *in, Error *err) {
    QwCtx *c = ctx;
    const LoadTableInfo *ti = c->ti;
    QueryWrite *qw = c->qw;
    for (uint32_t r = 0; r < in->nrows; r++) {
        c->row++;
        for (int i = 0; i < qw->ntarget; i++) {
            int col = qw->target[i];
            const LoadColumn *lc = &ti->cols[col];
            Datum d = load_cell_datum(in->cols[i], r), o;
            if (qw->override && qw->override[col])
                o = qw->fixed[col];
            else if (d.is_null || type_equal(&c->src_types[i], &lc->type))
                o = d;
            else if (!datum_cast(&c->src_types[i], &d, &lc->type, &o, c->arena, err))
                return err_prefix(err, "Column '%s' at row %lld: ", lc->name, (long long)c->row);
            if (!o.is_null && type_is_string(lc->type.id) && string_too_long(&lc->type, &o))
                return err_set(err, ERR_DATA_TOO_LONG, "Column '%s' at row %lld: Value '%.*s' is too long for %s(%d) "
                               "(%u bytes)", lc->name, (long long)c->row, (int)(o.v.str.len > 64 ? 64 : o.v.str.len),
                               o.v.str.ptr, type_name(lc->type.id), string_max(&lc->type), o.v.str.len);
            if (o.is_null && !lc->nullable)
                return err_set(err, ERR_BAD_NULL, "Column '%s' cannot be null (row %lld)", lc->name,
                               (long long)c->row);
            append_datum(c->b->cols[col], &o);
        }
        for (int k = 0; k < ti->ncols; k++)
            if (c->b->cols[k]->len == c->b->nrows) append_datum(c->b->cols[k], &qw->fixed[k]);
        c->b->nrows++;
        if (c->b->nrows >= BATCH_SIZE && flush(c, err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}

Status load_query_write(Session *s, const Query *q, QueryWrite *qw, Error *err) {
    QwCtx c = {0};
    c.qw = qw;
    c.ti = load_sink_table(qw->ls);
    c.arena = arena_new(1 << 20);
    qw->rows = 0;
    ExecSink sink = {qw_columns, qw_batch, &c};
    Status st = exec_query(s, q, &sink, err);
    if (!st && c.b) st = flush(&c, err);
    free(c.src_types);
    arena_free(c.arena);
    return st;
}

static Expr *column_ref(Arena *a, const char *table, const char *name) {
    Expr *e = arena_calloc(a, sizeof *e);
    e->kind = EXPR_COLUMN;
    e->text = arena_strdup(a, name);
    e->qual_table = table ? arena_strdup(a, table) : NULL;
    return e;
}

Query *load_build_select(Arena *a, const char *db, const char *table, char **partitions, int npartitions,
                         Expr **items, const char *const *cols, int ncols, TableRef *from, Expr *where) {
    TableRef *tr = arena_calloc(a, sizeof *tr);
    tr->kind = TREF_TABLE;
    tr->db = db ? arena_strdup(a, db) : NULL;
    tr->name = arena_strdup(a, table);
    tr->partitions = partitions;
    tr->npartitions = npartitions;
    if (from) {
        TableRef *j = arena_calloc(a, sizeof *j);
        j->kind = TREF_JOIN;
        j->join = JOIN_CROSS;
        j->left = tr;
        j->right = from;
        tr = j;
    }
    SelectCore *sc = arena_calloc(a, sizeof *sc);
    sc->nitems = ncols;
    sc->items = arena_calloc(a, sizeof(SelectItem) * (size_t)(ncols + 1));
    for (int i = 0; i < ncols; i++)
        sc->items[i].expr = items && items[i] ? items[i] : column_ref(a, from ? table : NULL, cols[i]);
    sc->from = tr;
    sc->where = where;
    QueryBody *qb = arena_calloc(a, sizeof *qb);
    qb->kind = QB_SELECT;
    qb->select = sc;
    Query *q = arena_calloc(a, sizeof *q);
    q->body = qb;
    q->limit = -1;
    return q;
}

void load_info_string(const LoadSinkResult *res, char *out, size_t n) {
    snprintf(out, n, "{'label':'%s', 'status':'VISIBLE', 'txnId':'%lld'}", res->label, (long long)res->txn_id);
}
