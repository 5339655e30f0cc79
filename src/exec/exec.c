/* Statement entry points of the query engine: SELECT and EXPLAIN handlers, exec_query for internal callers,
 * constant evaluation for INSERT ... VALUES, the view validator, and compiled predicates for DELETE.
 * Each query gets its own plan arena (not the session's statement arena, whose tracker would make ordinary
 * allocations fail once the query is over budget); operator memory is charged to the session's MemTracker. */
#include <string.h>
#include <time.h>

#include "catalog/catalog.h"
#include "exec/bind.h"
#include "exec/exec.h"
#include "exec/functions.h"
#include "sql/execute.h"
#include "util/clock.h"

ExecTableResolver exec_table_resolver = scan_catalog_resolve;
ExecRollupRewriter exec_rollup_rewriter;

static int64_t local_now_us(const Session *s) {
    int64_t ms = s && s->stmt_start_ms ? s->stmt_start_ms : clock_now_ms();
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    return ms * 1000 + (int64_t)tm.tm_gmtoff * 1000000LL;
}

typedef struct QueryRun {
    Arena *arena;
    ExecCtx ecx;
    Binder b;
    PlanOut plan;
} QueryRun;

static void run_init(QueryRun *r, Session *s) {
    memset(r, 0, sizeof *r);
    r->arena = arena_new(0);
    r->ecx.session = s;
    if (s) {
        r->ecx.mem = &s->mem;
    } else {
        r->ecx.mem = &r->ecx.own_mem;
    }
    binder_init(&r->b, s, r->arena, &r->ecx);
    r->b.now_us = local_now_us(s);
}

static void run_free(QueryRun *r) {
    binder_release(&r->b);
    arena_free(r->arena);
}

static Status run_plan(QueryRun *r, const Query *q, Error *err) {
    return plan_query(&r->b, q, &r->plan, err);
}

static ResultColumn *result_columns(QueryRun *r, Arena *a) {
    ResultColumn *cols = arena_calloc(a, sizeof(ResultColumn) * (size_t)(r->plan.ncols ? r->plan.ncols : 1));
    for (int i = 0; i < r->plan.ncols; i++) {
        cols[i].name = arena_strdup(a, r->plan.names[i]);
        cols[i].type = r->plan.types[i];
        if (cols[i].type.id == TYPE_NULL) cols[i].type = type_make(TYPE_NULL);
        cols[i].table = r->plan.tables && r->plan.tables[i] ? arena_strdup(a, r->plan.tables[i]) : NULL;
    }
    return cols;
}

/* Pulls every batch of the plan into `fn`. */
static Status drive(QueryRun *r, Status (*fn)(void *ctx, const Batch *b, Error *err), void *ctx, Error *err) {
    Operator *op = r->plan.op;
    Status st = op->open(op, &r->ecx, err);
    while (!st) {
        Batch *b;
        if ((st = op->next(op, &r->ecx, &b, err)) || !b) break;
        if ((st = exec_check_killed(&r->ecx, err))) break;
        if (b->nrows) st = fn(ctx, b, err);
    }
    op->close(op, &r->ecx);
    return st;
}

/* ---------------------------------------------------------------- SELECT */

typedef struct SinkCtx {
    ResultSink *out;
    uint64_t rows;
} SinkCtx;

static Status to_result_sink(void *ctx, const Batch *b, Error *err) {
    SinkCtx *c = ctx;
    c->rows += b->nrows;
    return result_send_batch(c->out, b, err);
}

static Status run_select(Session *s, const Query *q, ResultSink *out, Error *err) {
    QueryRun r;
    run_init(&r, s);
    Status st = run_plan(&r, q, err);
    if (!st) {
        ResultColumn *cols = result_columns(&r, r.arena);
        st = out->columns(out, cols, r.plan.ncols, err);
    }
    SinkCtx sc = {out, 0};
    if (!st) st = drive(&r, to_result_sink, &sc, err);
    if (!st) st = out->end(out, err);
    if (!st && s) s->found_rows = sc.rows;
    run_free(&r);
    return st;
}

static Status handle_select(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    return run_select(s, st->u.select.query, out, err);
}

/* ---------------------------------------------------------------- EXPLAIN */

static Status handle_explain(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const Stmt *inner = st->u.explain.inner;
    const Query *q = NULL;
    if (inner->kind == STMT_SELECT) q = inner->u.select.query;
    else if (inner->kind == STMT_INSERT && inner->u.insert.query) q = inner->u.insert.query;
    if (!q) return err_set(err, ERR_NOT_SUPPORTED, "EXPLAIN supports SELECT and INSERT ... SELECT statements");
    QueryRun r;
    run_init(&r, s);
    r.b.explain = true;
    Status rc = run_plan(&r, q, err);
    if (!rc) {
        StrBuf sb = STRBUF_INIT;
        sb_append(&sb, "RESULT SINK [");
        for (int i = 0; i < r.plan.ncols; i++) sb_appendf(&sb, "%s%s", i ? ", " : "", r.plan.names[i]);
        sb_append(&sb, "]\n");
        op_explain_tree(r.plan.op, &sb, r.arena, 1);
        /* one row per line, as StarRocks prints its plan */
        int nlines = 0;
        for (size_t i = 0; i < sb.len; i++) nlines += sb.data[i] == '\n';
        const char **cells = arena_alloc(r.arena, sizeof(char *) * (size_t)(nlines ? nlines : 1));
        char *text = arena_strdup(r.arena, sb_str(&sb));
        int k = 0;
        for (char *line = text, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
            *nl = '\0';
            cells[k++] = line;
        }
        sb_free(&sb);
        ResultColumn col = result_col_varchar("Explain String");
        rc = result_send_table(out, &col, 1, cells, k, err);
    }
    run_free(&r);
    return rc;
}

/* ---------------------------------------------------------------- internal queries */

typedef struct ExecSinkCtx {
    const ExecSink *sink;
} ExecSinkCtx;

static Status to_exec_sink(void *ctx, const Batch *b, Error *err) {
    const ExecSink *s = ctx;
    return s->batch(s->ctx, b, err);
}

Status exec_query(Session *s, const Query *q, const ExecSink *sink, Error *err) {
    QueryRun r;
    run_init(&r, s);
    Status st = run_plan(&r, q, err);
    if (!st && sink->columns) {
        ResultColumn *cols = result_columns(&r, r.arena);
        st = sink->columns(sink->ctx, cols, r.plan.ncols, err);
    }
    if (!st) st = drive(&r, to_exec_sink, (void *)sink, err);
    run_free(&r);
    return st;
}

Status exec_query_columns(Session *s, const Query *q, Arena *a, ResultColumn **cols, int *ncols, Error *err) {
    QueryRun r;
    run_init(&r, s);
    r.b.explain = true;
    Status st = run_plan(&r, q, err);
    if (!st) {
        *cols = result_columns(&r, a);
        *ncols = r.plan.ncols;
    }
    run_free(&r);
    return st;
}

static Status view_validator(Session *s, const char *db, const Query *q, Arena *arena, CatColumn **cols, int *ncols,
                             Error *err) {
    QueryRun r;
    run_init(&r, s);
    r.b.explain = true;
    r.b.default_db = db;
    Status st = run_plan(&r, q, err);
    if (!st) {
        int n = r.plan.ncols;
        CatColumn *c = arena_calloc(arena, sizeof(CatColumn) * (size_t)(n ? n : 1));
        for (int i = 0; i < n; i++) {
            c[i].name = arena_strdup(arena, r.plan.names[i]);
            c[i].type = r.plan.types[i].id == TYPE_NULL ? type_make(TYPE_TINYINT) : r.plan.types[i];
            c[i].nullable = true;
            c[i].comment = arena_strdup(arena, "");
        }
        *cols = c;
        *ncols = n;
    }
    run_free(&r);
    return st;
}

/* ---------------------------------------------------------------- constants */

Status exec_eval_const(Session *s, const Expr *e, const DataType *target, Datum *out, Arena *a, Error *err) {
    QueryRun r;
    run_init(&r, s);
    ExprCtx cx = {&r.b, NULL, NULL, "field list", false, NULL, 0, false};
    BExpr *x;
    Status st = bind_expr(&cx, e, &x, err);
    if (!st && target) st = bexpr_cast(r.arena, &x, *target, true, err);
    Datum d;
    if (!st) st = bexpr_eval_const(x, r.arena, &d, err);
    if (!st) *out = datum_copy(target ? target : &x->type, &d, a);
    run_free(&r);
    return st;
}

/* ---------------------------------------------------------------- predicates */

struct ExecPredicate {
    BExpr *expr;
    const char *text;
};

Status exec_predicate_compile(Session *s, const Expr *where, const ExecColumnDesc *cols, int ncols, Arena *a,
                              ExecPredicate **out, Error *err) {
    if (ast_has_agg(where)) return err_set(err, ERR_INVALID_GROUP_FUNC_USE, "Invalid use of group function in WHERE");
    BCol *bc = arena_calloc(a, sizeof(BCol) * (size_t)(ncols ? ncols : 1));
    for (int i = 0; i < ncols; i++) bc[i] = (BCol){arena_strdup(a, cols[i].name), NULL, NULL, cols[i].type, false};
    Scope sc = {bc, 0, ncols, NULL};
    ExecCtx ecx = {0};
    ecx.session = s;
    ecx.mem = &ecx.own_mem;
    Binder b;
    binder_init(&b, s, a, &ecx);
    b.now_us = local_now_us(s);
    ExprCtx cx = {&b, &sc, NULL, "where clause", false, NULL, 0, false};
    BExpr *x;
    Status st = bind_expr(&cx, where, &x, err);
    if (!st) st = bind_bool(a, &x, err);
    binder_release(&b);
    if (st) return st;
    ExecPredicate *p = arena_calloc(a, sizeof *p);
    p->expr = x;
    p->text = bexpr_to_text(a, x);
    *out = p;
    return STATUS_OK;
}

Status exec_predicate_eval(const ExecPredicate *p, const Batch *b, Arena *scratch, uint8_t *match, Error *err) {
    EvalCtx ec = {scratch};
    ColumnVector *v;
    if (bexpr_eval(&ec, p->expr, b, b->nrows, &v, err)) return STATUS_ERROR;
    if (v->type.id == TYPE_NULL) {
        memset(match, 0, b->nrows);
        return STATUS_OK;
    }
    const int8_t *d = v->data;
    for (uint32_t i = 0; i < b->nrows; i++) match[i] = (uint8_t)(d[i] != 0 && !(v->nulls && v->nulls[i]));
    return STATUS_OK;
}

static void collect_cols(const BExpr *e, int *cols, int max, int *n) {
    if (e->kind == BE_COLUMN) {
        for (int i = 0; i < *n; i++)
            if (cols[i] == e->col) return;
        if (*n < max) cols[(*n)++] = e->col;
        return;
    }
    for (int i = 0; i < e->nargs; i++) collect_cols(e->args[i], cols, max, n);
}

int exec_predicate_columns(const ExecPredicate *p, int *cols, int max) {
    int n = 0;
    collect_cols(p->expr, cols, max, &n);
    return n;
}

const char *exec_predicate_text(const ExecPredicate *p) {
    return p->text;
}

void exec_register_statements(void) {
    sql_register(STMT_SELECT, handle_select);
    sql_register(STMT_EXPLAIN, handle_explain);
    catalog_view_validator = view_validator;
}
