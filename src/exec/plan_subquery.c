/* Correlated subqueries as joins: a WHERE conjunct [NOT] EXISTS / IN whose subquery refers to the outer row
 * through equalities becomes a semi (anti) join, and a correlated scalar aggregate subquery becomes a LEFT
 * JOIN with the subquery grouped by its correlation keys. Each runs once instead of once per outer row. */
#include <string.h>
#include <strings.h>

#include "catalog/privilege.h"
#include "exec/exec.h"
#include "exec/functions.h"
#include "exec/inset.h"
#include "exec/plan_int.h"
#include "server/config.h"
#include "sql/parser.h"

/* ---------------------------------------------------------------- correlated EXISTS / IN as semi joins */

void plan_ast_conjuncts(const Expr *e, AstVec *out) {
    if (e && e->kind == EXPR_BINARY && e->op == OP_AND) {
        plan_ast_conjuncts(e->left, out);
        plan_ast_conjuncts(e->right, out);
        return;
    }
    if (e) vec_push(out, e);
}

Expr *plan_ast_and(Arena *a, Expr *l, const Expr *r) {
    if (!l) return (Expr *)r;
    Expr *e = arena_calloc(a, sizeof *e);
    e->kind = EXPR_BINARY;
    e->op = OP_AND;
    e->left = l;
    e->right = (Expr *)r;
    return e;
}

static bool plan_trial_bind(Binder *b, Scope *sc, const Expr *e, BExpr **out) {
    ExprCtx cx = {b, sc, NULL, "where clause", false, NULL, 0, false};
    Error tmp = ERROR_INIT;
    return bind_expr(&cx, e, out, &tmp) == STATUS_OK;
}

/* A WHERE conjunct `[NOT] EXISTS (sub)` or `x IN (sub)` whose subquery refers to the outer query only through
 * equalities `inner = outer` becomes a semi (anti) join of the FROM tree with the derived table
 * `SELECT inner..., [item] FROM ... WHERE <the subquery's other conditions>`. *done stays false when the
 * conjunct has another shape (or is not correlated): it is then bound as an ordinary expression. */
Status plan_try_decorrelate(Binder *b, const Expr *c, BColVec *cols, FromNode **from, bool *done, Error *err) {
    *done = false;
    Arena *a = b->a;
    bool negated = false;
    if (c->kind == EXPR_UNARY && c->op == OP_NOT && c->left && c->left->kind == EXPR_EXISTS) {
        negated = true;
        c = c->left;
    }
    bool is_in = c->kind == EXPR_IN_SUBQUERY;
    if (c->kind != EXPR_EXISTS && !is_in) return STATUS_OK;
    if (is_in && c->negated) return STATUS_OK; /* NOT IN has NULL semantics a semi join does not give */
    bool anti = negated != (c->kind == EXPR_EXISTS && c->negated);
    const Query *q = c->subquery;
    if (q->nctes || q->body->kind != QB_SELECT || q->limit == 0) return STATUS_OK;
    const SelectCore *core = q->body->select;
    if (!core->from || core->ngroup || core->having || !core->where) return STATUS_OK;
    if (is_in && (q->limit >= 0 || core->nitems != 1 || core->items[0].expr->kind == EXPR_STAR ||
                  ast_has_agg(core->items[0].expr)))
        return STATUS_OK;
    for (int i = 0; i < core->nitems; i++)
        if (ast_has_agg(core->items[i].expr)) return STATUS_OK;
    BColVec icols = {0};
    FromNode *ifrom = NULL;
    Status st = plan_build_from(b, core->from, &icols, &ifrom, err);
    plan_free_from(ifrom);
    if (st) {
        vec_free(&icols);
        return STATUS_ERROR;
    }
    Scope isc = {icols.items, 0, (int)icols.len, NULL};
    Scope osc = {cols->items, 0, (int)cols->len, NULL};
    AstVec conj = {0};
    plan_ast_conjuncts(core->where, &conj);
    Expr *local = NULL;
    const Expr **inner = arena_alloc(a, sizeof(Expr *) * (conj.len + 1));
    BExpr **outer = arena_alloc(a, sizeof(BExpr *) * (conj.len + 1));
    int npairs = 0;
    bool ok = true;
    for (size_t i = 0; i < conj.len && ok; i++) {
        const Expr *e = conj.items[i];
        BExpr *x, *y;
        if (plan_trial_bind(b, &isc, e, &x)) {
            local = plan_ast_and(a, local, e);
            continue;
        }
        ok = false;
        if (e->kind == EXPR_BINARY && e->op == OP_EQ) {
            if (plan_trial_bind(b, &isc, e->left, &x) && plan_trial_bind(b, &osc, e->right, &y)) {
                inner[npairs] = e->left;
                outer[npairs++] = y;
                ok = true;
            } else if (plan_trial_bind(b, &isc, e->right, &x) && plan_trial_bind(b, &osc, e->left, &y)) {
                inner[npairs] = e->right;
                outer[npairs++] = y;
                ok = true;
            }
        }
    }
    vec_free(&conj);
    BExpr *inx = NULL;
    if (ok && npairs && is_in) ok = plan_trial_bind(b, &isc, core->items[0].expr, &inx) && plan_trial_bind(b, &osc, c->left, &inx);
    vec_free(&icols);
    if (!ok || npairs == 0) return STATUS_OK; /* not correlated, or not through equalities */
    /* the derived table */
    SelectCore *dc = arena_calloc(a, sizeof *dc);
    dc->nitems = npairs + (is_in ? 1 : 0);
    dc->items = arena_calloc(a, sizeof(SelectItem) * (size_t)dc->nitems);
    for (int i = 0; i < npairs; i++) {
        dc->items[i].expr = (Expr *)inner[i];
        dc->items[i].alias = arena_sprintf(a, "__k%d", i);
    }
    if (is_in) {
        dc->items[npairs].expr = core->items[0].expr;
        dc->items[npairs].alias = "__in";
    }
    dc->from = core->from;
    dc->where = local;
    QueryBody *qb = arena_calloc(a, sizeof *qb);
    qb->kind = QB_SELECT;
    qb->select = dc;
    Query *dq = arena_calloc(a, sizeof *dq);
    dq->body = qb;
    dq->limit = -1;
    FromNode *leaf = arena_calloc(a, sizeof *leaf);
    Binder sub = *b;
    sub.depth++;
    sub.outer = NULL;
    memset(&sub.sources, 0, sizeof sub.sources);
    st = plan_query(&sub, dq, &leaf->sub, err);
    for (size_t i = 0; i < sub.sources.len; i++) vec_push(&b->sources, sub.sources.items[i]);
    vec_free(&sub.sources);
    if (st) return STATUS_ERROR;
    leaf->lo = (int)cols->len;
    for (int i = 0; i < leaf->sub.ncols; i++) {
        BCol bc = {leaf->sub.names[i], NULL, NULL, leaf->sub.types[i], true};
        vec_push(cols, bc);
    }
    leaf->hi = (int)cols->len;
    FromNode *j = arena_calloc(a, sizeof *j);
    j->is_join = true;
    j->jt = JOIN_INNER;
    j->semi = anti ? 2 : 1;
    j->l = *from;
    j->r = leaf;
    j->lo = (*from)->lo;
    j->hi = leaf->hi;
    for (int i = 0; i < npairs + (is_in ? 1 : 0); i++) {
        BExpr *o = i < npairs ? outer[i] : NULL;
        if (!o) {
            Scope osc2 = {cols->items, 0, leaf->lo, NULL};
            ExprCtx cx = {b, &osc2, NULL, "where clause", false, NULL, 0, false};
            if (bind_expr(&cx, c->left, &o, err)) return STATUS_ERROR;
        }
        BExpr *col = bexpr_column(a, leaf->lo + i, leaf->sub.types[i], leaf->sub.names[i]);
        BExpr *eq;
        if (bind_compare(a, OP_EQ, o, col, &eq, err)) return STATUS_ERROR;
        vec_push(&j->conds, eq);
    }
    *from = j;
    *done = true;
    return STATUS_OK;
}

/* A correlated scalar subquery `(SELECT agg(...) FROM ... WHERE inner = outer AND ...)` becomes a LEFT JOIN
 * with `SELECT inner..., agg(...) AS __v FROM ... WHERE ... GROUP BY inner...` (at most one row per outer
 * row, as the scalar subquery) and the expression reads that row's __v (count: 0 when no row matched).
 * Returns the replacement expression, or NULL (no error) when the subquery has another shape. */
static Status plan_try_scalar(Binder *b, const Expr *e, BColVec *cols, FromNode **from, Expr **repl, Error *err) {
    *repl = NULL;
    Arena *a = b->a;
    const Query *q = e->subquery;
    if (q->nctes || q->body->kind != QB_SELECT || q->limit >= 0 || q->norder) return STATUS_OK;
    const SelectCore *core = q->body->select;
    if (!core->from || core->ngroup || core->having || !core->where || core->nitems != 1 || core->distinct ||
        core->items[0].expr->kind == EXPR_STAR || !ast_has_agg(core->items[0].expr))
        return STATUS_OK;
    BColVec icols = {0};
    FromNode *ifrom = NULL;
    Status st = plan_build_from(b, core->from, &icols, &ifrom, err);
    plan_free_from(ifrom);
    if (st) {
        vec_free(&icols);
        return STATUS_ERROR;
    }
    Scope isc = {icols.items, 0, (int)icols.len, NULL};
    Scope osc = {cols->items, 0, (int)cols->len, NULL};
    AstVec conj = {0};
    plan_ast_conjuncts(core->where, &conj);
    Expr *local = NULL;
    Expr **inner = arena_alloc(a, sizeof(Expr *) * (conj.len + 1));
    BExpr **outer = arena_alloc(a, sizeof(BExpr *) * (conj.len + 1));
    int npairs = 0;
    bool ok = true;
    for (size_t i = 0; i < conj.len && ok; i++) {
        const Expr *c = conj.items[i];
        BExpr *x, *y;
        if (plan_trial_bind(b, &isc, c, &x)) {
            local = plan_ast_and(a, local, c);
            continue;
        }
        ok = false;
        if (c->kind == EXPR_BINARY && c->op == OP_EQ) {
            if (plan_trial_bind(b, &isc, c->left, &x) && plan_trial_bind(b, &osc, c->right, &y)) {
                inner[npairs] = c->left;
                outer[npairs++] = y;
                ok = true;
            } else if (plan_trial_bind(b, &isc, c->right, &x) && plan_trial_bind(b, &osc, c->left, &y)) {
                inner[npairs] = c->right;
                outer[npairs++] = y;
                ok = true;
            }
        }
    }
    vec_free(&conj);
    vec_free(&icols);
    if (!ok || npairs == 0) return STATUS_OK;
    SelectCore *dc = arena_calloc(a, sizeof *dc);
    dc->nitems = npairs + 1;
    dc->items = arena_calloc(a, sizeof(SelectItem) * (size_t)dc->nitems);
    dc->ngroup = npairs;
    dc->group_by = arena_alloc(a, sizeof(Expr *) * (size_t)npairs);
    for (int i = 0; i < npairs; i++) {
        dc->items[i].expr = inner[i];
        dc->items[i].alias = arena_sprintf(a, "__k%d", i);
        dc->group_by[i] = inner[i];
    }
    dc->items[npairs].expr = core->items[0].expr;
    dc->items[npairs].alias = "__v";
    dc->from = core->from;
    dc->where = local;
    QueryBody *qb = arena_calloc(a, sizeof *qb);
    qb->kind = QB_SELECT;
    qb->select = dc;
    Query *dq = arena_calloc(a, sizeof *dq);
    dq->body = qb;
    dq->limit = -1;
    FromNode *leaf = arena_calloc(a, sizeof *leaf);
    Binder sub = *b;
    sub.depth++;
    sub.outer = NULL;
    memset(&sub.sources, 0, sizeof sub.sources);
    st = plan_query(&sub, dq, &leaf->sub, err);
    for (size_t i = 0; i < sub.sources.len; i++) vec_push(&b->sources, sub.sources.items[i]);
    vec_free(&sub.sources);
    if (st) return STATUS_ERROR;
    const char *alias = arena_sprintf(a, "__sq%d", (int)cols->len);
    leaf->lo = (int)cols->len;
    for (int i = 0; i < leaf->sub.ncols; i++) {
        BCol bc = {leaf->sub.names[i], alias, NULL, leaf->sub.types[i], true};
        vec_push(cols, bc);
    }
    leaf->hi = (int)cols->len;
    FromNode *j = arena_calloc(a, sizeof *j);
    j->is_join = true;
    j->jt = JOIN_LEFT;
    j->l = *from;
    j->r = leaf;
    j->lo = (*from)->lo;
    j->hi = leaf->hi;
    for (int i = 0; i < npairs; i++) {
        BExpr *col = bexpr_column(a, leaf->lo + i, leaf->sub.types[i], leaf->sub.names[i]);
        BExpr *eq;
        if (bind_compare(a, OP_EQ, outer[i], col, &eq, err)) return STATUS_ERROR;
        vec_push(&j->conds, eq);
    }
    *from = j;
    Expr *ref = arena_calloc(a, sizeof *ref);
    ref->kind = EXPR_COLUMN;
    ref->text = "__v";
    ref->qual_table = (char *)alias;
    ref->src = e->src;
    const Expr *item = core->items[0].expr;
    if (item->kind == EXPR_FUNC && item->text && !strcasecmp(item->text, "count")) {
        /* count over no matching row is 0, not NULL */
        Expr *zero = arena_calloc(a, sizeof *zero);
        zero->kind = EXPR_INT;
        zero->ival = 0;
        zero->text = "0";
        Expr *co = arena_calloc(a, sizeof *co);
        co->kind = EXPR_FUNC;
        co->text = "coalesce";
        co->nargs = 2;
        co->args = arena_alloc(a, sizeof(Expr *) * 2);
        co->args[0] = ref;
        co->args[1] = zero;
        co->src = e->src;
        ref = co;
    }
    *repl = ref;
    return STATUS_OK;
}

/* Rewrites correlated scalar subqueries inside e (not inside other subqueries); returns e when unchanged. */
Status plan_rewrite_scalars(Binder *b, const Expr *e, BColVec *cols, FromNode **from, const Expr **out,
                              Error *err) {
    *out = e;
    if (!e) return STATUS_OK;
    if (e->kind == EXPR_SUBQUERY) {
        Expr *r;
        if (plan_try_scalar(b, e, cols, from, &r, err)) return STATUS_ERROR;
        if (r) *out = r;
        return STATUS_OK;
    }
    if (e->kind == EXPR_EXISTS || e->kind == EXPR_IN_SUBQUERY) {
        if (e->kind == EXPR_IN_SUBQUERY) {
            const Expr *l;
            if (plan_rewrite_scalars(b, e->left, cols, from, &l, err)) return STATUS_ERROR;
            if (l != e->left) {
                Expr *c = arena_memdup(b->a, e, sizeof *e);
                c->left = (Expr *)l;
                *out = c;
            }
        }
        return STATUS_OK;
    }
    const Expr *l, *r, *t;
    if (plan_rewrite_scalars(b, e->left, cols, from, &l, err) || plan_rewrite_scalars(b, e->right, cols, from, &r, err) ||
        plan_rewrite_scalars(b, e->third, cols, from, &t, err))
        return STATUS_ERROR;
    Expr **args = NULL;
    bool changed = l != e->left || r != e->right || t != e->third;
    for (int i = 0; i < e->nargs; i++) {
        const Expr *x;
        if (plan_rewrite_scalars(b, e->args[i], cols, from, &x, err)) return STATUS_ERROR;
        if (x != e->args[i]) {
            if (!args) {
                args = arena_alloc(b->a, sizeof(Expr *) * (size_t)e->nargs);
                memcpy(args, e->args, sizeof(Expr *) * (size_t)e->nargs);
            }
            args[i] = (Expr *)x;
            changed = true;
        }
    }
    if (!changed) return STATUS_OK;
    Expr *c = arena_memdup(b->a, e, sizeof *e);
    c->left = (Expr *)l;
    c->right = (Expr *)r;
    c->third = (Expr *)t;
    if (args) c->args = args;
    *out = c;
    return STATUS_OK;
}

/* Does the AST contain a scalar subquery (outside nested subqueries)? Cheap pre-check for plan_rewrite_scalars. */
bool plan_ast_has_scalar_subquery(const Expr *e) {
    if (!e) return false;
    if (e->kind == EXPR_SUBQUERY) return true;
    if (e->kind == EXPR_EXISTS) return false;
    if (plan_ast_has_scalar_subquery(e->left) || plan_ast_has_scalar_subquery(e->right) || plan_ast_has_scalar_subquery(e->third))
        return true;
    for (int i = 0; i < e->nargs; i++)
        if (plan_ast_has_scalar_subquery(e->args[i])) return true;
    return false;
}

