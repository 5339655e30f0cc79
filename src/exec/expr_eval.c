/* The vectorized evaluator: walks a bound expression tree once per batch, producing one ColumnVector per node.
 * Kernels (expr_arith.c, func_*.c) do the per-row work in tight typed loops; this file handles the nodes
 * whose NULL logic is not "any NULL in, NULL out": AND, OR, CASE and IN. */
#include <string.h>

#include "exec/expr.h"
#include "exec/inset.h"

BExpr *bexpr_const(Arena *a, DataType t, Datum v) {
    BExpr *e = arena_calloc(a, sizeof *e);
    e->kind = BE_CONST;
    e->type = t;
    e->value = v;
    if (t.id == TYPE_NULL) e->value.is_null = true;
    return e;
}

BExpr *bexpr_null(Arena *a) {
    Datum d = {.is_null = true};
    return bexpr_const(a, type_make(TYPE_NULL), d);
}

BExpr *bexpr_int(Arena *a, int64_t v) {
    Datum d = {.is_null = false, .v.i64 = v};
    return bexpr_const(a, type_make(TYPE_BIGINT), d);
}

BExpr *bexpr_bool(Arena *a, bool v) {
    Datum d = {.is_null = false, .v.i64 = v};
    return bexpr_const(a, type_make(TYPE_BOOLEAN), d);
}

BExpr *bexpr_string(Arena *a, const char *s, size_t n) {
    Datum d = {.is_null = false};
    d.v.str.ptr = arena_memdup(a, s, n ? n : 1);
    d.v.str.len = (uint32_t)n;
    return bexpr_const(a, type_varchar(n ? (int)n : 1), d);
}

BExpr *bexpr_column(Arena *a, int col, DataType t, const char *text) {
    BExpr *e = arena_calloc(a, sizeof *e);
    e->kind = BE_COLUMN;
    e->col = col;
    e->type = t;
    e->text = text;
    return e;
}

BExpr *bexpr_call(Arena *a, const char *name, KernelFn fn, DataType t, BExpr **args, int nargs) {
    BExpr *e = arena_calloc(a, sizeof *e);
    e->kind = BE_CALL;
    e->name = name;
    e->fn = fn;
    e->type = t;
    e->nargs = nargs;
    e->args = arena_alloc(a, sizeof(BExpr *) * (size_t)(nargs ? nargs : 1));
    for (int i = 0; i < nargs; i++) e->args[i] = args[i];
    return e;
}

bool bexpr_is_const(const BExpr *e) {
    return e->kind == BE_CONST;
}

bool bexpr_is_null_const(const BExpr *e) {
    return e->kind == BE_CONST && e->value.is_null;
}

/* ---------------------------------------------------------------- vectors */

ColumnVector *vec_make(Arena *a, DataType t, uint32_t n) {
    ColumnVector *v = colvec_new(a, t, n ? n : 1);
    v->len = n;
    /* NULL rows of a string vector must hold an empty Slice: copying a vector copies every row's bytes */
    if (type_is_string(t.id)) memset(v->data, 0, sizeof(Slice) * (size_t)(n ? n : 1));
    return v;
}

void vec_set_datum(ColumnVector *v, uint32_t row, const Datum *d) {
    if (d->is_null) {
        colvec_ensure_nulls(v);
        v->nulls[row] = 1;
        return;
    }
    if (v->nulls) v->nulls[row] = 0;
    void *cell = colvec_cell(v, row);
    switch (v->type.id) {
    case TYPE_NULL:
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: *(int8_t *)cell = (int8_t)d->v.i64; break;
    case TYPE_SMALLINT: *(int16_t *)cell = (int16_t)d->v.i64; break;
    case TYPE_INT:
    case TYPE_DATE: *(int32_t *)cell = (int32_t)d->v.i64; break;
    case TYPE_BIGINT:
    case TYPE_DATETIME: *(int64_t *)cell = d->v.i64; break;
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: memcpy(cell, &d->v.i128, 16); break;
    case TYPE_FLOAT: *(float *)cell = (float)d->v.f64; break;
    case TYPE_DOUBLE: *(double *)cell = d->v.f64; break;
    default: memcpy(cell, &d->v.str, sizeof(Slice));
    }
}

Datum vec_get_datum(const ColumnVector *v, uint32_t row) {
    Datum d;
    memset(&d, 0, sizeof d);
    if (v->type.id == TYPE_NULL || colvec_is_null(v, row)) {
        d.is_null = true;
        return d;
    }
    const void *cell = colvec_cell(v, row);
    switch (v->type.id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: d.v.i64 = *(const int8_t *)cell; break;
    case TYPE_SMALLINT: d.v.i64 = *(const int16_t *)cell; break;
    case TYPE_INT:
    case TYPE_DATE: d.v.i64 = *(const int32_t *)cell; break;
    case TYPE_BIGINT:
    case TYPE_DATETIME: d.v.i64 = *(const int64_t *)cell; break;
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: memcpy(&d.v.i128, cell, 16); break;
    case TYPE_FLOAT: d.v.f64 = *(const float *)cell; break;
    case TYPE_DOUBLE: d.v.f64 = *(const double *)cell; break;
    default: memcpy(&d.v.str, cell, sizeof(Slice));
    }
    return d;
}

Datum datum_copy(const DataType *t, const Datum *d, Arena *a) {
    Datum r = *d;
    if (!d->is_null && type_is_string(t->id)) {
        r.v.str.ptr = d->v.str.len ? arena_memdup(a, d->v.str.ptr, d->v.str.len) : "";
    }
    return r;
}

ColumnVector *vec_const(Arena *a, DataType t, const Datum *v, uint32_t n) {
    ColumnVector *out = vec_make(a, t, n);
    if (v->is_null || t.id == TYPE_NULL) {
        colvec_ensure_nulls(out);
        memset(out->nulls, 1, n);
        return out;
    }
    vec_set_datum(out, 0, v);
    /* typed fills: a per-cell memcpy of a runtime size is a library call per row */
    switch (type_cell_size(t.id)) {
    case 1: memset(out->data, *(uint8_t *)out->data, n); break;
    case 2: {
        uint16_t *d = out->data, x = d[0];
        for (uint32_t i = 1; i < n; i++) d[i] = x;
        break;
    }
    case 4: {
        uint32_t *d = out->data, x = d[0];
        for (uint32_t i = 1; i < n; i++) d[i] = x;
        break;
    }
    case 8: {
        uint64_t *d = out->data, x = d[0];
        for (uint32_t i = 1; i < n; i++) d[i] = x;
        break;
    }
    default: { /* 16 bytes: Slice, LARGEINT, DECIMAL */
        typedef struct {
            uint64_t lo, hi;
        } Cell16;
        Cell16 *d = out->data, x = d[0];
        for (uint32_t i = 1; i < n; i++) d[i] = x;
    }
    }
    return out;
}

void vec_union_nulls(ColumnVector *out, ColumnVector **args, int nargs) {
    uint32_t n = out->len;
    bool any = false;
    for (int k = 0; k < nargs; k++) {
        if (args[k]->type.id == TYPE_NULL) {
            colvec_ensure_nulls(out);
            memset(out->nulls, 1, n);
            return;
        }
        if (args[k]->nulls) any = true;
    }
    if (!any) return;
    colvec_ensure_nulls(out);
    bool first = true;
    for (int k = 0; k < nargs; k++) {
        if (!args[k]->nulls) continue;
        if (first) {
            memcpy(out->nulls, args[k]->nulls, n);
            first = false;
        } else {
            const uint8_t *src = args[k]->nulls;
            for (uint32_t i = 0; i < n; i++) out->nulls[i] |= src[i];
        }
    }
}

/* ---------------------------------------------------------------- logic */

/* Truth of row i of a boolean vector: 1 true, 0 false, -1 NULL. */
static inline int truth(const ColumnVector *v, uint32_t i) {
    if (v->type.id == TYPE_NULL || (v->nulls && v->nulls[i])) return -1;
    return ((const int8_t *)v->data)[i] != 0;
}

static Status eval_and_or(EvalCtx *cx, const BExpr *e, const Batch *in, uint32_t n, ColumnVector **out,
                          Error *err) {
    bool is_and = e->kind == BE_AND;
    ColumnVector *r = vec_make(cx->arena, type_make(TYPE_BOOLEAN), n);
    int8_t *rv = r->data;
    /* state per row: for AND start TRUE; a FALSE wins over NULL. For OR start FALSE; TRUE wins. */
    uint8_t *nul = NULL;
    for (uint32_t i = 0; i < n; i++) rv[i] = is_and;
    for (int k = 0; k < e->nargs; k++) {
        ColumnVector *a;
        if (bexpr_eval(cx, e->args[k], in, n, &a, err)) return STATUS_ERROR;
        if (a->type.id == TYPE_NULL) {
            if (!nul) nul = arena_calloc(cx->arena, n);
            for (uint32_t i = 0; i < n; i++) nul[i] = 1;
            continue;
        }
        const int8_t *av = a->data;
        if (!a->nulls) {
            if (is_and)
                for (uint32_t i = 0; i < n; i++) rv[i] = (int8_t)(rv[i] & (av[i] != 0));
            else
                for (uint32_t i = 0; i < n; i++) rv[i] = (int8_t)(rv[i] | (av[i] != 0));
        } else {
            if (!nul) nul = arena_calloc(cx->arena, n);
            for (uint32_t i = 0; i < n; i++) {
                if (a->nulls[i])
                    nul[i] = 1;
                else if (is_and)
                    rv[i] = (int8_t)(rv[i] & (av[i] != 0));
                else
                    rv[i] = (int8_t)(rv[i] | (av[i] != 0));
            }
        }
    }
    if (nul) {
        /* NULL survives only where the definite part did not decide: AND still true, OR still false */
        bool any = false;
        for (uint32_t i = 0; i < n; i++) {
            if (nul[i] && rv[i] == is_and) {
                any = true;
            } else {
                nul[i] = 0;
            }
        }
        if (any) r->nulls = nul;
    }
    *out = r;
    return STATUS_OK;
}

static Status eval_case(EvalCtx *cx, const BExpr *e, const Batch *in, uint32_t n, ColumnVector **out,
                        Error *err) {
    ColumnVector *r = vec_make(cx->arena, e->type, n);
    int npairs = (e->nargs - (e->has_else ? 1 : 0)) / 2;
    uint8_t *done = arena_calloc(cx->arena, n);
    uint32_t remaining = n;
    size_t cs = type_cell_size(e->type.id);
    for (int k = 0; k < npairs && remaining; k++) {
        ColumnVector *w, *t;
        if (bexpr_eval(cx, e->args[2 * k], in, n, &w, err)) return STATUS_ERROR;
        if (bexpr_eval(cx, e->args[2 * k + 1], in, n, &t, err)) return STATUS_ERROR;
        for (uint32_t i = 0; i < n; i++) {
            if (done[i] || truth(w, i) != 1) continue;
            done[i] = 1;
            remaining--;
            if (t->type.id == TYPE_NULL || colvec_is_null(t, i)) {
                colvec_ensure_nulls(r);
                r->nulls[i] = 1;
            } else {
                memcpy((char *)r->data + i * cs, colvec_cell(t, i), cs);
            }
        }
    }
    if (remaining) {
        ColumnVector *el = NULL;
        if (e->has_else && bexpr_eval(cx, e->args[e->nargs - 1], in, n, &el, err)) return STATUS_ERROR;
        for (uint32_t i = 0; i < n; i++) {
            if (done[i]) continue;
            if (!el || el->type.id == TYPE_NULL || colvec_is_null(el, i)) {
                colvec_ensure_nulls(r);
                r->nulls[i] = 1;
            } else {
                memcpy((char *)r->data + i * cs, colvec_cell(el, i), cs);
            }
        }
    }
    *out = r;
    return STATUS_OK;
}

static Status eval_in(EvalCtx *cx, const BExpr *e, const Batch *in, uint32_t n, ColumnVector **out, Error *err) {
    ColumnVector *a;
    if (bexpr_eval(cx, e->args[0], in, n, &a, err)) return STATUS_ERROR;
    const InSet *set = e->aux;
    ColumnVector *r = vec_make(cx->arena, type_make(TYPE_BOOLEAN), n);
    int8_t *rv = r->data;
    if (a->type.id == TYPE_NULL) {
        colvec_ensure_nulls(r);
        memset(r->nulls, 1, n);
        *out = r;
        return STATUS_OK;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (colvec_is_null(a, i)) {
            colvec_ensure_nulls(r);
            r->nulls[i] = 1;
            continue;
        }
        Datum d = vec_get_datum(a, i);
        bool hit = inset_contains(set, &d);
        if (!hit && set->has_null) {
            colvec_ensure_nulls(r);
            r->nulls[i] = 1;
            continue;
        }
        rv[i] = (int8_t)(hit != e->negated);
    }
    *out = r;
    return STATUS_OK;
}

Status bexpr_eval(EvalCtx *cx, const BExpr *e, const Batch *in, uint32_t n, ColumnVector **out, Error *err) {
    switch (e->kind) {
    case BE_CONST: *out = vec_const(cx->arena, e->type, &e->value, n); return STATUS_OK;
    case BE_COLUMN:
        if (!in || e->col < 0 || e->col >= in->ncols)
            return err_set(err, ERR_INTERNAL, "column reference #%d outside the input batch", e->col);
        *out = in->cols[e->col];
        return STATUS_OK;
    case BE_AND:
    case BE_OR: return eval_and_or(cx, e, in, n, out, err);
    case BE_CASE: return eval_case(cx, e, in, n, out, err);
    case BE_IN: return eval_in(cx, e, in, n, out, err);
    case BE_CALL: {
        ColumnVector *argv[16];
        ColumnVector **args = e->nargs <= 16 ? argv : arena_alloc(cx->arena, sizeof(ColumnVector *) * (size_t)e->nargs);
        for (int k = 0; k < e->nargs; k++)
            if (bexpr_eval(cx, e->args[k], in, n, &args[k], err)) return STATUS_ERROR;
        ColumnVector *r = vec_make(cx->arena, e->type, n);
        if (e->fn(cx, e, args, n, r, err)) return STATUS_ERROR;
        *out = r;
        return STATUS_OK;
    }
    default: return err_set(err, ERR_INTERNAL, "expression node %d cannot be evaluated", (int)e->kind);
    }
}

Status bexpr_eval_filter(EvalCtx *cx, const BExpr *e, const Batch *in, uint32_t n, uint32_t *sel, uint32_t *nsel,
                         Error *err) {
    ColumnVector *v;
    if (bexpr_eval(cx, e, in, n, &v, err)) return STATUS_ERROR;
    uint32_t k = 0;
    if (v->type.id == TYPE_NULL) {
        *nsel = 0;
        return STATUS_OK;
    }
    const int8_t *d = v->data;
    if (!v->nulls) {
        for (uint32_t i = 0; i < n; i++) {
            sel[k] = i;
            k += d[i] != 0;
        }
    } else {
        for (uint32_t i = 0; i < n; i++) {
            sel[k] = i;
            k += (d[i] != 0) & !v->nulls[i];
        }
    }
    *nsel = k;
    return STATUS_OK;
}

Status bexpr_eval_const(const BExpr *e, Arena *a, Datum *out, Error *err) {
    if (e->kind == BE_CONST) {
        *out = datum_copy(&e->type, &e->value, a);
        return STATUS_OK;
    }
    Arena *tmp = arena_new(0);
    EvalCtx cx = {tmp};
    ColumnVector *v;
    Status st = bexpr_eval(&cx, e, NULL, 1, &v, err);
    if (!st) {
        Datum d = vec_get_datum(v, 0);
        *out = datum_copy(&e->type, &d, a);
    }
    arena_free(tmp);
    return st;
}

Status bexpr_fold(Arena *a, BExpr **ep, Error *err) {
    BExpr *e = *ep;
    if (e->kind != BE_CALL && e->kind != BE_AND && e->kind != BE_OR && e->kind != BE_CASE && e->kind != BE_IN)
        return STATUS_OK;
    for (int k = 0; k < e->nargs; k++)
        if (e->args[k]->kind != BE_CONST) return STATUS_OK;
    Datum d;
    if (bexpr_eval_const(e, a, &d, err)) return STATUS_ERROR;
    BExpr *c = bexpr_const(a, e->type, d);
    c->text = e->text;
    *ep = c;
    return STATUS_OK;
}
