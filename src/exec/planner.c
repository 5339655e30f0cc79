/* The planner: SELECT cores, set operations, CTEs, views and derived tables become operator trees.
 * FROM is first built as a logical join tree whose columns share one global numbering; WHERE and ON conjuncts
 * are pushed as far down as the join types allow (into scans, where they also prune partitions and feed zone
 * maps); only the columns some expression needs are scanned; then aggregation, HAVING, projection, DISTINCT,
 * ORDER BY (sort or top-N) and LIMIT are stacked on top. */
#include <string.h>
#include <strings.h>

#include "catalog/privilege.h"
#include "exec/exec.h"
#include "exec/functions.h"
#include "exec/inset.h"
#include "exec/plan_int.h"
#include "server/config.h"
#include "sql/parser.h"

/* ---------------------------------------------------------------- parallelism */

#define PARALLEL_MIN_ROWS 100000

static bool has_sub_leaf(const FromNode *n) {
    if (n->is_join) return has_sub_leaf(n->l) || has_sub_leaf(n->r);
    return n->table == NULL;
}

static int64_t node_est(const FromNode *n) {
    if (n->is_join) {
        int64_t l = node_est(n->l), r = node_est(n->r);
        return l > r ? l : r;
    }
    int64_t rows = 0;
    for (int i = 0; n->table && i < n->table->nparts; i++) rows += n->table->parts[i].rows;
    return rows;
}

/* The scan the workers split: down the probe side, through INNER and LEFT joins only, so each joined pair
 * (and each unmatched probe row) is produced by exactly one worker. */
static FromNode *driving_leaf(FromNode *n) {
    if (!n->is_join) return n->table ? n : NULL;
    if (n->semi) return driving_leaf(n->l);
    switch (n->jt) {
    case JOIN_LEFT: return driving_leaf(n->l);
    case JOIN_RIGHT: return driving_leaf(n->r);
    case JOIN_FULL: return NULL;
    default: return driving_leaf(node_est(n->l) >= node_est(n->r) ? n->l : n->r);
    }
}

static int parallel_degree(Binder *b, FromNode *from, FromNode **drv) {
    *drv = NULL;
    if (has_sub_leaf(from)) return 1;
    FromNode *d = driving_leaf(from);
    if (!d || node_est(d) < PARALLEL_MIN_ROWS) return 1;
    int64_t n = b->s ? session_var_int(b->s, "pipeline_dop", 0) : 0;
    if (n <= 0) n = config_get_int("parallel_scan_threads");
    if (n > 8) n = 8;
    if (n < 2) return 1;
    *drv = d;
    return (int)n;
}

/* Are the groups of a parallel aggregation disjoint between workers? They are when the group keys include the
 * driving table's HASH distribution columns (and its partition column, if it has several partitions): the
 * workers split that table by tablet, so each key's rows all reach one worker, whose aggregate is final. */
static bool keys_colocated(const FromNode *drv, BExpr **keys, int nkeys) {
    const ExecTable *t = drv->table;
    if (!t || t->ndist == 0) return false;
    int need = t->ndist + (t->partitioned && t->nparts > 1 ? 1 : 0);
    int *cols = t->dist_cols;
    for (int c = 0; c < need; c++) {
        int col = c < t->ndist ? cols[c] : t->part_col;
        if (col < 0) return false;
        bool found = false;
        for (int k = 0; k < nkeys && !found; k++) found = keys[k]->kind == BE_COLUMN && keys[k]->col == drv->lo + col;
        if (!found) return false;
    }
    return true;
}

/* Parallel aggregation: each worker aggregates its share (partial), the gathered partial rows are aggregated
 * again (final), and a projection restores the one-phase layout (keys, then one column per aggregate). */
static Operator *parallel_agg(Binder *b, Operator **kids, int nk, BExpr **kx, int nkeys, AggCall *calls,
                              int ncalls, Error *err) {
    Arena *a = b->a;
    AggCall *part = arena_calloc(a, sizeof(AggCall) * (size_t)(2 * ncalls + 1));
    int *first = arena_alloc(a, sizeof(int) * (size_t)(ncalls + 1));
    int np = 0;
    for (int i = 0; i < ncalls; i++) {
        first[i] = np;
        if (calls[i].fn == AGGF_AVG) {
            AggCall s = {AGGF_SUM, calls[i].arg, false, {0}, "partial sum"};
            if (s.arg->type.id == TYPE_BIGINT && bexpr_cast(a, &s.arg, type_decimal(38, 0), false, err)) return NULL;
            if (agg_bind(a, &s, err)) return NULL;
            AggCall c = {AGGF_COUNT, calls[i].arg, false, type_make(TYPE_BIGINT), "partial count"};
            part[np++] = s;
            part[np++] = c;
        } else {
            part[np++] = calls[i];
        }
    }
    for (int i = 0; i < nk; i++) kids[i] = op_agg(a, kids[i], kx, nkeys, part, np);
    Operator *g = op_gather(a, kids, nk);
    BExpr **fk = arena_alloc(a, sizeof(BExpr *) * (size_t)(nkeys ? nkeys : 1));
    for (int k = 0; k < nkeys; k++) fk[k] = bexpr_column(a, k, g->types[k], kx[k]->text);
    AggCall *fin = arena_calloc(a, sizeof(AggCall) * (size_t)(np ? np : 1));
    for (int j = 0; j < np; j++) {
        AggFn fn = part[j].fn == AGGF_COUNT || part[j].fn == AGGF_COUNT_STAR ? AGGF_SUM : part[j].fn;
        fin[j].fn = fn;
        fin[j].arg = bexpr_column(a, nkeys + j, part[j].type, part[j].text);
        fin[j].text = part[j].text;
        if (agg_bind(a, &fin[j], err)) return NULL;
    }
    Operator *f = op_agg(a, g, fk, nkeys, fin, np);
    BExpr **px = arena_alloc(a, sizeof(BExpr *) * (size_t)(nkeys + ncalls ? nkeys + ncalls : 1));
    for (int k = 0; k < nkeys; k++) px[k] = bexpr_column(a, k, f->types[k], kx[k]->text);
    for (int i = 0; i < ncalls; i++) {
        int j = first[i];
        if (calls[i].fn == AGGF_AVG) {
            px[nkeys + i] = agg_avg_final(a, bexpr_column(a, nkeys + j, f->types[nkeys + j], NULL),
                                          bexpr_column(a, nkeys + j + 1, f->types[nkeys + j + 1], NULL), calls[i].type);
            px[nkeys + i]->text = calls[i].text;
        } else {
            px[nkeys + i] = bexpr_column(a, nkeys + j, f->types[nkeys + j], calls[i].text);
        }
    }
    return op_project(a, f, px, nkeys + ncalls);
}

/* ---------------------------------------------------------------- SELECT */

typedef struct OutCol {
    const char *name;
    const char *table;
    BExpr *expr;
} OutCol;

typedef VEC(OutCol) OutColVec;

static const char *item_name(Arena *a, const SelectItem *it) {
    if (it->alias) return it->alias;
    if (it->expr->kind == EXPR_COLUMN) return it->expr->text;
    if (it->expr->src) return it->expr->src;
    return "?column?";
}

/* Expands `*` / `t.*` into column references in the scope's order. */
static Status expand_star(Binder *b, const Expr *star, Scope *sc, ExprCtx *cx, OutColVec *outs, Error *err) {
    Arena *a = b->a;
    int found = 0;
    for (int i = sc->lo; i < sc->hi; i++) {
        BCol *c = &sc->cols[i];
        if (star->qual_table) {
            if (!c->table || strcmp(c->table, star->qual_table) != 0) continue;
        } else if (c->hidden) {
            continue;
        }
        Expr ce = {0};
        ce.kind = EXPR_COLUMN;
        ce.text = (char *)c->name;
        ce.qual_table = (char *)c->table;
        ce.src = (char *)c->name;
        BExpr *x;
        if (cx->agg) {
            if (bind_expr(cx, &ce, &x, err)) return STATUS_ERROR;
        } else {
            x = bexpr_column(a, i, c->type, c->table ? arena_sprintf(a, "%s.%s", c->table, c->name) : c->name);
        }
        OutCol o = {c->name, c->table, x};
        vec_push(outs, o);
        found++;
    }
    if (star->qual_table && !found) return err_set(err, ERR_BAD_TABLE, "Unknown table '%s'", star->qual_table);
    if (!found && sc->hi > sc->lo) return err_set(err, ERR_BAD_FIELD, "'*' matches no column");
    return STATUS_OK;
}

static bool default_nulls_first(const OrderItem *o) {
    if (o->nulls == 1) return true;
    if (o->nulls == 2) return false;
    return !o->desc;
}

static Status plan_select(Binder *b, const SelectCore *core, const OrderItem *order, int norder, int64_t limit,
                          int64_t offset, PlanOut *out, Error *err) {
    Arena *a = b->a;
    BColVec cols = {0};
    FromNode *from = NULL;
    Status st = STATUS_OK;
    SelectCore *rw_core;
    OrderItem *rw_order;
    /* a synchronous MV of the table may answer this block (src/mv); not under CTEs or correlation */
    if (exec_rollup_rewriter && !b->ctes && !b->outer && core->from && core->from->kind == TREF_TABLE &&
        exec_rollup_rewriter(b->s, b->default_db, core, order, norder, a, &rw_core, &rw_order)) {
        core = rw_core;
        order = rw_order;
    }
    if (core->from && plan_build_from(b, core->from, &cols, &from, err)) {
        vec_free(&cols);
        return STATUS_ERROR;
    }
    /* correlated scalar subqueries in WHERE, and in the select list when nothing aggregates here, become
     * LEFT JOINs with grouped derived tables: their value is then an ordinary column */
    const Expr *where = core->where;
    bool outer_agg = core->ngroup > 0 || core->having;
    for (int i = 0; i < core->nitems && !outer_agg; i++) outer_agg = ast_has_agg(core->items[i].expr);
    if (from) {
        /* WHERE runs before any aggregation, so its subqueries can always become joins */
        bool any = plan_ast_has_scalar_subquery(where);
        for (int i = 0; i < core->nitems && !outer_agg; i++) any |= plan_ast_has_scalar_subquery(core->items[i].expr);
        if (any) {
            SelectCore *nc = arena_memdup(a, core, sizeof *core);
            nc->items = arena_memdup(a, core->items, sizeof(SelectItem) * (size_t)(core->nitems ? core->nitems : 1));
            Status rs = plan_rewrite_scalars(b, where, &cols, &from, &where, err);
            for (int i = 0; i < core->nitems && !rs && !outer_agg; i++) {
                const Expr *x;
                rs = plan_rewrite_scalars(b, core->items[i].expr, &cols, &from, &x, err);
                if (!rs && x != core->items[i].expr) {
                    nc->items[i].expr = (Expr *)x;
                    /* the column keeps the name the user's text gives it */
                    if (!nc->items[i].alias && core->items[i].expr->src) nc->items[i].alias = core->items[i].expr->src;
                }
            }
            if (rs) {
                vec_free(&cols);
                plan_free_from(from);
                return STATUS_ERROR;
            }
            core = nc;
        }
    }
    /* correlated [NOT] EXISTS / IN conjuncts of WHERE become semi/anti joins; the rest is bound below */
    if (from && where && !ast_has_agg(where)) {
        AstVec wc = {0};
        plan_ast_conjuncts(where, &wc);
        Expr *rest = NULL;
        bool any = false;
        for (size_t i = 0; i < wc.len; i++) {
            bool done;
            if (plan_try_decorrelate(b, wc.items[i], &cols, &from, &done, err)) {
                vec_free(&wc);
                vec_free(&cols);
                plan_free_from(from);
                return STATUS_ERROR;
            }
            if (done) any = true;
            else rest = plan_ast_and(a, rest, wc.items[i]);
        }
        vec_free(&wc);
        if (any) where = rest;
    }
    int ncols = (int)cols.len;
    BCol *colarr = arena_alloc(a, sizeof(BCol) * (size_t)(ncols ? ncols : 1));
    if (ncols) memcpy(colarr, cols.items, sizeof(BCol) * (size_t)ncols);
    vec_free(&cols);
    Scope sc = {colarr, 0, ncols, b->outer};
    BExprVec top = {0};
    OutColVec outs = {0};
    BExprVec keys = {0};
    AggCtx ag = {0};
    AliasRef *aliases = NULL;
    /* WHERE */
    if (where) {
        if (ast_has_agg(where)) {
            st = err_set(err, ERR_INVALID_GROUP_FUNC_USE, "Invalid use of group function in the WHERE clause");
            goto done;
        }
        ExprCtx wx = {b, &sc, NULL, "where clause", false, NULL, 0, false};
        BExpr *w;
        if ((st = bind_expr(&wx, where, &w, err))) goto done;
        if ((st = bind_bool(a, &w, err))) goto done;
        BExprVec cs = {0};
        plan_split_conjuncts(w, &cs);
        for (size_t i = 0; i < cs.len; i++) {
            int lo, hi;
            if (!from || !plan_refs_range(cs.items[i], &lo, &hi)) vec_push(&top, cs.items[i]);
            else plan_push_filter(from, cs.items[i]);
        }
        vec_free(&cs);
    }
    bool is_agg = core->ngroup > 0 || (core->having && ast_has_agg(core->having));
    for (int i = 0; i < core->nitems && !is_agg; i++) is_agg = ast_has_agg(core->items[i].expr);
    for (int i = 0; i < norder && !is_agg; i++) is_agg = ast_has_agg(order[i].expr);
    /* GROUP BY */
    for (int i = 0; i < core->ngroup; i++) {
        const Expr *g = core->group_by[i];
        if (g->kind == EXPR_INT) {
            if (g->ival < 1 || g->ival > core->nitems || core->items[g->ival - 1].expr->kind == EXPR_STAR) {
                st = err_set(err, ERR_BAD_FIELD, "Unknown column '%lld' in 'group statement'", (long long)g->ival);
                goto done;
            }
            g = core->items[g->ival - 1].expr;
        } else if (g->kind == EXPR_COLUMN && !g->qual_table) {
            int idx;
            Error tmp = ERROR_INIT;
            if (scope_lookup(b, &sc, NULL, NULL, g->text, "group statement", &idx, &tmp)) {
                for (int k = 0; k < core->nitems; k++)
                    if (core->items[k].alias && !strcasecmp(core->items[k].alias, g->text)) g = core->items[k].expr;
            }
        }
        if (ast_has_agg(g)) {
            st = err_set(err, ERR_INVALID_GROUP_FUNC_USE, "Can't group on '%s': it is an aggregate",
                         g->src ? g->src : "expression");
            goto done;
        }
        ExprCtx gx = {b, &sc, NULL, "group statement", false, NULL, 0, false};
        BExpr *k;
        if ((st = bind_expr(&gx, g, &k, err))) goto done;
        vec_push(&keys, k);
    }
    if (keys.len > 64) {
        st = err_set(err, ERR_NOT_SUPPORTED, "GROUP BY with more than 64 expressions is not supported");
        goto done;
    }
    ag.keys = keys.items;
    ag.nkeys = (int)keys.len;
    ExprCtx sx = {b, &sc, is_agg ? &ag : NULL, "field list", false, NULL, 0, false};
    /* select list */
    for (int i = 0; i < core->nitems; i++) {
        const SelectItem *it = &core->items[i];
        if (it->expr->kind == EXPR_STAR) {
            if ((st = expand_star(b, it->expr, &sc, &sx, &outs, err))) goto done;
            continue;
        }
        BExpr *x;
        if ((st = bind_expr(&sx, it->expr, &x, err))) goto done;
        const char *tbl = NULL;
        if (it->expr->kind == EXPR_COLUMN && x->kind == BE_COLUMN && !is_agg && x->col < ncols)
            tbl = colarr[x->col].table;
        OutCol o = {item_name(a, it), tbl, x};
        vec_push(&outs, o);
    }
    int nvisible = (int)outs.len;
    aliases = arena_alloc(a, sizeof(AliasRef) * (size_t)(nvisible ? nvisible : 1));
    for (int i = 0; i < nvisible; i++) {
        aliases[i].name = outs.items[i].name;
        aliases[i].expr = outs.items[i].expr;
    }
    /* only explicit aliases may be referenced by name */
    int ai = 0;
    for (int i = 0, k = 0; i < core->nitems; i++) {
        if (core->items[i].expr->kind == EXPR_STAR) {
            k = -1;
            break;
        }
        if (core->items[i].alias) aliases[ai++] = (AliasRef){core->items[i].alias, outs.items[k].expr};
        k++;
    }
    /* HAVING */
    BExpr *having = NULL;
    if (core->having) {
        ExprCtx hx = {b, &sc, is_agg ? &ag : NULL, "having clause", false, aliases, ai, false};
        if ((st = bind_expr(&hx, core->having, &having, err))) goto done;
        if ((st = bind_bool(a, &having, err))) goto done;
    }
    /* ORDER BY: positions, aliases, or expressions (added as hidden output columns) */
    SortKey *sk = arena_alloc(a, sizeof(SortKey) * (size_t)(norder ? norder : 1));
    for (int i = 0; i < norder; i++) {
        const Expr *oe = order[i].expr;
        int idx = -1;
        if (oe->kind == EXPR_INT) {
            if (oe->ival < 1 || oe->ival > nvisible) {
                st = err_set(err, ERR_BAD_FIELD, "Unknown column '%lld' in 'order clause'", (long long)oe->ival);
                goto done;
            }
            idx = (int)oe->ival - 1;
        } else {
            ExprCtx ox = {b, &sc, is_agg ? &ag : NULL, "order clause", false, aliases, ai, true};
            BExpr *x;
            if ((st = bind_expr(&ox, oe, &x, err))) goto done;
            for (int k = 0; k < (int)outs.len && idx < 0; k++)
                if (bexpr_equal(outs.items[k].expr, x)) idx = k;
            if (idx < 0) {
                if (core->distinct) {
                    st = err_set(err, ERR_COMMON,
                                 "ORDER BY expression '%s' must appear in the select list of a SELECT DISTINCT",
                                 oe->src ? oe->src : "?");
                    goto done;
                }
                OutCol o = {"", NULL, x};
                vec_push(&outs, o);
                idx = (int)outs.len - 1;
            }
        }
        sk[i].col = idx;
        sk[i].desc = order[i].desc;
        sk[i].nulls_first = default_nulls_first(&order[i]);
    }
    /* which FROM columns are needed */
    uint8_t *needed = arena_calloc(a, (size_t)(ncols ? ncols : 1));
    int *map = arena_alloc(a, sizeof(int) * (size_t)(ncols ? ncols : 1));
    plan_mark_node(from, needed);
    if (is_agg) {
        for (size_t i = 0; i < keys.len; i++) plan_mark_refs(keys.items[i], needed);
        for (int i = 0; i < ag.ncalls; i++)
            if (ag.calls[i].arg) plan_mark_refs(ag.calls[i].arg, needed);
    } else {
        for (size_t i = 0; i < outs.len; i++) plan_mark_refs(outs.items[i].expr, needed);
        if (having) plan_mark_refs(having, needed);
    }
    /* the pipeline below aggregation (or projection) is built once per worker when the scan is large */
    Operator *op;
    int nk = 1;
    Operator **kids = NULL;
    FromNode *drv_node = NULL;
    if (from) {
        FromNode *drv;
        nk = parallel_degree(b, from, &drv);
        drv_node = drv;
        if (drv) drv->split = true;
        kids = arena_alloc(a, sizeof(Operator *) * (size_t)nk);
        for (int i = 0; i < nk; i++)
            if ((st = plan_build_ops(b, from, needed, map, &kids[i], err))) goto done;
        if (nk > 1 && drv->src->nunits < 2) nk = 1;
    } else {
        kids = arena_alloc(a, sizeof(Operator *));
        kids[0] = op_values(a, false);
    }
    bool distinct_aggs = false;
    for (int i = 0; i < ag.ncalls; i++) distinct_aggs |= ag.calls[i].distinct;
    bool colocated = nk > 1 && is_agg && keys.len && keys_colocated(drv_node, keys.items, (int)keys.len);
    if (nk > 1 && is_agg && distinct_aggs && !colocated) { /* DISTINCT sets do not merge: workers only scan */
        kids[0] = op_gather(a, kids, nk);
        nk = 1;
    }
    if (top.len) { /* constant conditions */
        BExpr *tf = plan_and_all(a, top.items, top.len);
        for (int i = 0; i < nk; i++) kids[i] = op_filter(a, kids[i], tf);
    }
    int nout = (int)outs.len;
    BExpr **px = arena_alloc(a, sizeof(BExpr *) * (size_t)(nout ? nout : 1));
    for (int i = 0; i < nout; i++) px[i] = is_agg ? outs.items[i].expr : plan_remap(a, outs.items[i].expr, map);
    if (is_agg) {
        BExpr **kx = arena_alloc(a, sizeof(BExpr *) * (keys.len ? keys.len : 1));
        for (size_t i = 0; i < keys.len; i++) kx[i] = plan_remap(a, keys.items[i], map);
        for (int i = 0; i < ag.ncalls; i++)
            if (ag.calls[i].arg) ag.calls[i].arg = plan_remap(a, ag.calls[i].arg, map);
        if (colocated) {
            for (int i = 0; i < nk; i++) kids[i] = op_agg(a, kids[i], kx, (int)keys.len, ag.calls, ag.ncalls);
            op = op_gather(a, kids, nk);
        } else if (nk > 1) {
            op = parallel_agg(b, kids, nk, kx, (int)keys.len, ag.calls, ag.ncalls, err);
            if (!op) {
                st = STATUS_ERROR;
                goto done;
            }
        } else {
            op = op_agg(a, kids[0], kx, (int)keys.len, ag.calls, ag.ncalls);
        }
        if (having) op = op_filter(a, op, having);
        op = op_project(a, op, px, nout);
    } else {
        BExpr *hx = having ? plan_remap(a, having, map) : NULL;
        for (int i = 0; i < nk; i++) {
            if (hx) kids[i] = op_filter(a, kids[i], hx);
            kids[i] = op_project(a, kids[i], px, nout);
            /* ORDER BY ... LIMIT: each worker keeps its own best rows; the final top-N picks among them */
            if (nk > 1 && norder && limit >= 0 && !core->distinct)
                kids[i] = op_topn(a, kids[i], sk, norder, limit + offset, 0);
        }
        op = nk > 1 ? op_gather(a, kids, nk) : kids[0];
    }
    if (core->distinct) {
        BExpr **dk = arena_alloc(a, sizeof(BExpr *) * (size_t)(nout ? nout : 1));
        for (int i = 0; i < nout; i++) dk[i] = bexpr_column(a, i, op->types[i], outs.items[i].name);
        op = op_agg(a, op, dk, nout, NULL, 0);
    }
    if (norder) {
        op = limit >= 0 ? op_topn(a, op, sk, norder, limit, offset) : op_sort(a, op, sk, norder);
    } else if (limit >= 0 || offset > 0) {
        op = op_limit(a, op, limit, offset);
    }
    if (nout > nvisible) {
        BExpr **vx = arena_alloc(a, sizeof(BExpr *) * (size_t)(nvisible ? nvisible : 1));
        for (int i = 0; i < nvisible; i++) vx[i] = bexpr_column(a, i, op->types[i], outs.items[i].name);
        op = op_project(a, op, vx, nvisible);
    }
    out->op = op;
    out->ncols = nvisible;
    out->names = arena_alloc(a, sizeof(char *) * (size_t)(nvisible ? nvisible : 1));
    out->tables = arena_alloc(a, sizeof(char *) * (size_t)(nvisible ? nvisible : 1));
    out->types = op->types;
    for (int i = 0; i < nvisible; i++) {
        out->names[i] = outs.items[i].name;
        out->tables[i] = outs.items[i].table;
    }
done:
    plan_free_from(from);
    vec_free(&top);
    vec_free(&outs);
    vec_free(&keys);
    return st;
}

/* ---------------------------------------------------------------- set operations and queries */

static Status cast_outputs(Binder *b, PlanOut *p, const DataType *types, Error *err) {
    bool same = true;
    for (int i = 0; i < p->ncols; i++) same &= type_equal(&p->types[i], &types[i]);
    if (same) return STATUS_OK;
    BExpr **ex = arena_alloc(b->a, sizeof(BExpr *) * (size_t)p->ncols);
    for (int i = 0; i < p->ncols; i++) {
        ex[i] = bexpr_column(b->a, i, p->types[i], p->names[i]);
        if (bexpr_cast(b->a, &ex[i], types[i], false, err)) return STATUS_ERROR;
    }
    p->op = op_project(b->a, p->op, ex, p->ncols);
    p->types = p->op->types;
    return STATUS_OK;
}

static Status plan_body(Binder *b, const QueryBody *body, PlanOut *out, Error *err) {
    switch (body->kind) {
    case QB_SELECT: return plan_select(b, body->select, NULL, 0, -1, 0, out, err);
    case QB_QUERY: return plan_query(b, body->query, out, err);
    default: break;
    }
    if (body->setop != SETOP_UNION && body->all)
        return err_set(err, ERR_NOT_SUPPORTED, "%s ALL is not supported; use %s (DISTINCT)",
                       body->setop == SETOP_INTERSECT ? "INTERSECT" : "EXCEPT",
                       body->setop == SETOP_INTERSECT ? "INTERSECT" : "EXCEPT");
    PlanOut l, r;
    if (plan_body(b, body->left, &l, err) || plan_body(b, body->right, &r, err)) return STATUS_ERROR;
    if (l.ncols != r.ncols)
        return err_set(err, ERR_WRONG_NUMBER_OF_COLUMNS_IN_SELECT,
                       "The used SELECT statements have a different number of columns (%d and %d)", l.ncols, r.ncols);
    DataType *types = arena_alloc(b->a, sizeof(DataType) * (size_t)(l.ncols ? l.ncols : 1));
    for (int i = 0; i < l.ncols; i++) {
        types[i] = type_common(&l.types[i], &r.types[i]);
        if (types[i].id == TYPE_NULL) types[i] = type_make(TYPE_TINYINT);
    }
    if (cast_outputs(b, &l, types, err) || cast_outputs(b, &r, types, err)) return STATUS_ERROR;
    if (body->setop != SETOP_UNION) {
        /* INTERSECT / EXCEPT: distinct left rows with / without an equal right row (NULLs equal) */
        BExpr **lk = arena_alloc(b->a, sizeof(BExpr *) * (size_t)(l.ncols ? l.ncols : 1));
        BExpr **rk = arena_alloc(b->a, sizeof(BExpr *) * (size_t)(l.ncols ? l.ncols : 1));
        for (int i = 0; i < l.ncols; i++) {
            lk[i] = bexpr_column(b->a, i, types[i], l.names[i]);
            rk[i] = bexpr_column(b->a, i, types[i], r.names[i]);
        }
        Operator *j = op_hash_join(b->a, body->setop == SETOP_INTERSECT ? JK_SEMI : JK_ANTI, l.op, r.op, lk, rk,
                                   l.ncols, NULL);
        op_join_set_null_equal(j);
        BExpr **dk = arena_alloc(b->a, sizeof(BExpr *) * (size_t)(l.ncols ? l.ncols : 1));
        for (int i = 0; i < l.ncols; i++) dk[i] = bexpr_column(b->a, i, types[i], l.names[i]);
        *out = l;
        out->op = op_agg(b->a, j, dk, l.ncols, NULL, 0);
        out->types = out->op->types;
        return STATUS_OK;
    }
    Operator *kids[2] = {l.op, r.op};
    Operator *op = op_union_all(b->a, kids, 2);
    if (!body->all) {
        BExpr **dk = arena_alloc(b->a, sizeof(BExpr *) * (size_t)(l.ncols ? l.ncols : 1));
        for (int i = 0; i < l.ncols; i++) dk[i] = bexpr_column(b->a, i, types[i], l.names[i]);
        op = op_agg(b->a, op, dk, l.ncols, NULL, 0);
    }
    *out = l;
    out->op = op;
    out->types = op->types;
    return STATUS_OK;
}

/* ORDER BY / LIMIT over a set operation: names and positions refer to its output columns. */
static Status order_over_output(Binder *b, const Query *q, PlanOut *p, Error *err) {
    Arena *a = b->a;
    if (q->norder) {
        BCol *cols = arena_alloc(a, sizeof(BCol) * (size_t)(p->ncols ? p->ncols : 1));
        for (int i = 0; i < p->ncols; i++) cols[i] = (BCol){p->names[i], NULL, NULL, p->types[i], false};
        Scope sc = {cols, 0, p->ncols, NULL};
        BExprVec ex = {0};
        for (int i = 0; i < p->ncols; i++) vec_push(&ex, bexpr_column(a, i, p->types[i], p->names[i]));
        SortKey *sk = arena_alloc(a, sizeof(SortKey) * (size_t)q->norder);
        for (int i = 0; i < q->norder; i++) {
            const Expr *oe = q->order_by[i].expr;
            int idx = -1;
            if (oe->kind == EXPR_INT) {
                if (oe->ival < 1 || oe->ival > p->ncols) {
                    vec_free(&ex);
                    return err_set(err, ERR_BAD_FIELD, "Unknown column '%lld' in 'order clause'", (long long)oe->ival);
                }
                idx = (int)oe->ival - 1;
            } else {
                ExprCtx ox = {b, &sc, NULL, "order clause", false, NULL, 0, false};
                BExpr *x;
                if (bind_expr(&ox, oe, &x, err)) {
                    vec_free(&ex);
                    return STATUS_ERROR;
                }
                for (size_t k = 0; k < ex.len && idx < 0; k++)
                    if (bexpr_equal(ex.items[k], x)) idx = (int)k;
                if (idx < 0) {
                    vec_push(&ex, x);
                    idx = (int)ex.len - 1;
                }
            }
            sk[i] = (SortKey){idx, q->order_by[i].desc, default_nulls_first(&q->order_by[i])};
        }
        Operator *op = p->op;
        bool hidden = (int)ex.len > p->ncols;
        if (hidden) op = op_project(a, op, arena_memdup(a, ex.items, sizeof(BExpr *) * ex.len), (int)ex.len);
        vec_free(&ex);
        op = q->limit >= 0 ? op_topn(a, op, sk, q->norder, q->limit, q->offset) : op_sort(a, op, sk, q->norder);
        if (hidden) {
            BExpr **vx = arena_alloc(a, sizeof(BExpr *) * (size_t)(p->ncols ? p->ncols : 1));
            for (int i = 0; i < p->ncols; i++) vx[i] = bexpr_column(a, i, op->types[i], p->names[i]);
            op = op_project(a, op, vx, p->ncols);
        }
        p->op = op;
    } else if (q->limit >= 0 || q->offset > 0) {
        p->op = op_limit(a, p->op, q->limit, q->offset);
    }
    p->types = p->op->types;
    return STATUS_OK;
}

Status plan_query(Binder *b, const Query *q, PlanOut *out, Error *err) {
    CteDef *saved = b->ctes;
    for (int i = 0; i < q->nctes; i++) {
        CteDef *d = arena_calloc(b->a, sizeof *d);
        d->name = q->ctes[i].name;
        d->cte = &q->ctes[i];
        d->next = b->ctes;
        d->db = b->default_db;
        b->ctes = d;
    }
    Status st;
    if (q->body->kind == QB_SELECT) {
        st = plan_select(b, q->body->select, q->order_by, q->norder, q->limit, q->offset, out, err);
    } else {
        st = plan_body(b, q->body, out, err);
        if (!st) st = order_over_output(b, q, out, err);
    }
    b->ctes = saved;
    return st;
}

/* ---------------------------------------------------------------- running plans at bind time */

Status plan_collect(Binder *b, Operator *op, int64_t max_rows, Batch **out, Error *err) {
    Arena *a = b->a;
    Batch *res = batch_new(a, op->ncols, op->types, 16);
    Status st = op->open(op, b->ecx, err);
    while (!st) {
        Batch *in;
        if ((st = op->next(op, b->ecx, &in, err)) || !in) break;
        uint32_t take = in->nrows;
        if (max_rows >= 0 && res->nrows + take > (uint64_t)max_rows) take = (uint32_t)(max_rows - res->nrows);
        for (int c = 0; c < op->ncols; c++) colvec_append_range(res->cols[c], in->cols[c], 0, take);
        res->nrows += take;
        if (max_rows >= 0 && res->nrows >= (uint64_t)max_rows) break;
    }
    op->close(op, b->ecx);
    *out = res;
    return st;
}

void binder_init(Binder *b, Session *s, Arena *a, ExecCtx *ecx) {
    memset(b, 0, sizeof *b);
    b->s = s;
    b->a = a;
    b->ecx = ecx;
}

void binder_release(Binder *b) {
    for (size_t i = 0; i < b->sources.len; i++)
        if (b->sources.items[i]->release) b->sources.items[i]->release(b->sources.items[i]);
    vec_free(&b->sources);
}
