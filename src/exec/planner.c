/* The planner: SELECT cores, set operations, CTEs, views and derived tables become operator trees.
 * FROM is first built as a logical join tree whose columns share one global numbering; WHERE and ON conjuncts
 * are pushed as far down as the join types allow (into scans, where they also prune partitions and feed zone
 * maps); only the columns some expression needs are scanned; then aggregation, HAVING, projection, DISTINCT,
 * ORDER BY (sort or top-N) and LIMIT are stacked on top. */
#include <string.h>
#include <strings.h>

#include "catalog/privilege.h"
#include "exec/bind.h"
#include "exec/exec.h"
#include "exec/functions.h"
#include "exec/inset.h"
#include "server/config.h"
#include "sql/parser.h"

typedef VEC(BExpr *) BExprVec;

typedef struct FromNode FromNode;
struct FromNode {
    bool is_join;
    int lo, hi;
    /* leaf */
    ExecTable *table;
    char **parts; /* PARTITION (p1, p2) */
    int nparts;
    PlanOut sub; /* derived table, view or CTE */
    BExprVec filters;
    ScanSource *src; /* opened once, shared by every copy of the pipeline */
    bool split;      /* parallel workers divide this scan's units */
    /* join */
    JoinType jt;
    int semi; /* 1 = semi join, 2 = anti join (decorrelated EXISTS / IN): output is the left side only */
    FromNode *l, *r;
    BExprVec conds;
    BExprVec post;
};

typedef VEC(BCol) BColVec;

/* ---------------------------------------------------------------- expression utilities */

/* Smallest and largest column index referenced; false when e references no column. */
static bool refs_range(const BExpr *e, int *lo, int *hi) {
    bool any = false;
    if (e->kind == BE_COLUMN) {
        *lo = *hi = e->col;
        return true;
    }
    for (int i = 0; i < e->nargs; i++) {
        int l, h;
        if (refs_range(e->args[i], &l, &h)) {
            if (!any) {
                *lo = l;
                *hi = h;
                any = true;
            } else {
                if (l < *lo) *lo = l;
                if (h > *hi) *hi = h;
            }
        }
    }
    return any;
}

static bool within(const BExpr *e, const FromNode *n) {
    int lo, hi;
    if (!refs_range(e, &lo, &hi)) return false;
    return lo >= n->lo && hi < n->hi;
}

static void mark_refs(const BExpr *e, uint8_t *needed) {
    if (e->kind == BE_COLUMN) {
        needed[e->col] = 1;
        return;
    }
    for (int i = 0; i < e->nargs; i++) mark_refs(e->args[i], needed);
}

static BExpr *remap(Arena *a, BExpr *e, const int *map) {
    int lo, hi;
    if (!refs_range(e, &lo, &hi)) return e;
    BExpr *c = arena_memdup(a, e, sizeof *e);
    if (e->kind == BE_COLUMN) {
        c->col = map[e->col];
        return c;
    }
    c->args = arena_alloc(a, sizeof(BExpr *) * (size_t)(e->nargs ? e->nargs : 1));
    for (int i = 0; i < e->nargs; i++) c->args[i] = remap(a, e->args[i], map);
    return c;
}

static void split_conjuncts(BExpr *e, BExprVec *out) {
    if (e->kind == BE_AND) {
        for (int i = 0; i < e->nargs; i++) split_conjuncts(e->args[i], out);
        return;
    }
    if (e->kind == BE_CONST && !e->value.is_null && e->value.v.i64 != 0) return; /* TRUE */
    vec_push(out, e);
}

static BExpr *and_all(Arena *a, BExpr **items, size_t n) {
    if (n == 1) return items[0];
    BExpr *e = arena_calloc(a, sizeof *e);
    e->kind = BE_AND;
    e->type = type_make(TYPE_BOOLEAN);
    e->nargs = (int)n;
    e->args = arena_memdup(a, items, sizeof(BExpr *) * n);
    return e;
}

/* The condition lists are malloc'd (VEC); the nodes themselves live in the plan arena. */
static void free_from(FromNode *n) {
    if (!n) return;
    vec_free(&n->filters);
    vec_free(&n->conds);
    vec_free(&n->post);
    if (n->is_join) {
        free_from(n->l);
        free_from(n->r);
    }
}

/* ---------------------------------------------------------------- pushdown */

static void push_filter(FromNode *n, BExpr *c) {
    if (!n->is_join) {
        vec_push(&n->filters, c);
        return;
    }
    if (n->semi) {
        if (within(c, n->l)) push_filter(n->l, c);
        else vec_push(&n->post, c);
        return;
    }
    switch (n->jt) {
    case JOIN_INNER:
    case JOIN_CROSS:
        if (within(c, n->l)) push_filter(n->l, c);
        else if (within(c, n->r)) push_filter(n->r, c);
        else vec_push(&n->conds, c);
        return;
    case JOIN_LEFT:
        if (within(c, n->l)) push_filter(n->l, c);
        else vec_push(&n->post, c);
        return;
    case JOIN_RIGHT:
        if (within(c, n->r)) push_filter(n->r, c);
        else vec_push(&n->post, c);
        return;
    default: vec_push(&n->post, c); return;
    }
}

static void add_on_cond(FromNode *j, BExpr *c) {
    switch (j->jt) {
    case JOIN_INNER:
    case JOIN_CROSS:
        if (within(c, j)) push_filter(j, c);
        else vec_push(&j->conds, c);
        return;
    case JOIN_LEFT:
        if (within(c, j->r)) push_filter(j->r, c);
        else vec_push(&j->conds, c);
        return;
    case JOIN_RIGHT:
        if (within(c, j->l)) push_filter(j->l, c);
        else vec_push(&j->conds, c);
        return;
    default: vec_push(&j->conds, c); return;
    }
}

/* ---------------------------------------------------------------- FROM */

static Status plan_view_or_cte(Binder *b, const Query *q, const char *db, CteDef *ctes, PlanOut *out, Error *err) {
    if (b->depth > 32) return err_set(err, ERR_NOT_SUPPORTED, "views, CTEs or subqueries are nested too deeply");
    Binder sub = *b;
    sub.depth++;
    sub.ctes = ctes;
    sub.default_db = db;
    sub.outer = NULL;
    memset(&sub.sources, 0, sizeof sub.sources);
    Status st = plan_query(&sub, q, out, err);
    for (size_t i = 0; i < sub.sources.len; i++) vec_push(&b->sources, sub.sources.items[i]);
    vec_free(&sub.sources);
    return st;
}

static void add_plan_cols(BColVec *cols, const PlanOut *po, const char *alias, const char *db, char **rename,
                          int nrename) {
    for (int i = 0; i < po->ncols; i++) {
        BCol c = {i < nrename && rename ? rename[i] : po->names[i], alias, db, po->types[i], false};
        vec_push(cols, c);
    }
}

static Status check_select_priv(Binder *b, const char *db, const char *name, Error *err) {
    if (b->s && !b->s->internal) return priv_check(b->s, PRIV_SELECT, db, name, err);
    return STATUS_OK;
}

static Status build_from(Binder *b, const TableRef *t, BColVec *cols, FromNode **out, Error *err) {
    Arena *a = b->a;
    FromNode *n = arena_calloc(a, sizeof *n);
    n->lo = (int)cols->len;
    switch (t->kind) {
    case TREF_TABLE: {
        if (!t->db) {
            for (CteDef *c = b->ctes; c; c = c->next) {
                if (strcasecmp(c->name, t->name) != 0) continue;
                if (plan_view_or_cte(b, c->cte->query, c->db, c->next, &n->sub, err)) return STATUS_ERROR;
                if (c->cte->ncols && c->cte->ncols != n->sub.ncols)
                    return err_set(err, ERR_COMMON,
                                   "WITH %s has %d column names but its query returns %d columns", c->name,
                                   c->cte->ncols, n->sub.ncols);
                add_plan_cols(cols, &n->sub, t->alias ? t->alias : c->name, NULL, c->cte->cols, c->cte->ncols);
                n->hi = (int)cols->len;
                *out = n;
                return STATUS_OK;
            }
        }
        const char *db = t->db ? t->db : b->default_db;
        ExecTable *tab;
        if (t->rollup ? scan_catalog_resolve_index(b->s, db, t->name, t->rollup, a, &tab, err)
                      : exec_table_resolver(b->s, db, t->name, a, &tab, err))
            return STATUS_ERROR;
        if (check_select_priv(b, tab->db, tab->name, err)) return STATUS_ERROR;
        const char *alias = t->alias ? t->alias : tab->name;
        if (tab->is_view) {
            if (t->npartitions)
                return err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is a view: PARTITION cannot be used on it", tab->db,
                               tab->name);
            Query *q;
            if (sql_parse_query(a, tab->view_sql, strlen(tab->view_sql), &q, err))
                return err_prefix(err, "view '%s.%s' cannot be parsed: ", tab->db, tab->name);
            if (plan_view_or_cte(b, q, tab->db, NULL, &n->sub, err))
                return err_prefix(err, "view '%s.%s' is invalid: ", tab->db, tab->name);
            char **names = NULL;
            int nnames = 0;
            if (tab->ncols == n->sub.ncols && tab->col_names) {
                names = (char **)tab->col_names;
                nnames = tab->ncols;
            }
            add_plan_cols(cols, &n->sub, alias, tab->db, names, nnames);
            n->hi = (int)cols->len;
            *out = n;
            return STATUS_OK;
        }
        n->table = tab;
        n->parts = t->partitions;
        n->nparts = t->npartitions;
        for (int i = 0; i < tab->ncols; i++) {
            BCol c = {tab->col_names[i], alias, tab->db, tab->col_types[i], false};
            vec_push(cols, c);
        }
        n->hi = (int)cols->len;
        *out = n;
        return STATUS_OK;
    }
    case TREF_SUBQUERY: {
        Binder sub = *b;
        sub.depth++;
        memset(&sub.sources, 0, sizeof sub.sources);
        Status st = sub.depth > 32 ? err_set(err, ERR_NOT_SUPPORTED, "subqueries are nested too deeply")
                                   : plan_query(&sub, t->subquery, &n->sub, err);
        for (size_t i = 0; i < sub.sources.len; i++) vec_push(&b->sources, sub.sources.items[i]);
        vec_free(&sub.sources);
        if (st) return st;
        add_plan_cols(cols, &n->sub, t->alias, NULL, NULL, 0);
        n->hi = (int)cols->len;
        *out = n;
        return STATUS_OK;
    }
    case TREF_JOIN: {
        n->is_join = true;
        n->jt = t->join;
        if (build_from(b, t->left, cols, &n->l, err) || build_from(b, t->right, cols, &n->r, err)) return STATUS_ERROR;
        n->hi = (int)cols->len;
        Scope sc = {cols->items, n->lo, n->hi, b->outer};
        if (t->on) {
            ExprCtx cx = {b, &sc, NULL, "on clause", false, NULL, 0, false};
            BExpr *on;
            if (bind_expr(&cx, t->on, &on, err)) return STATUS_ERROR;
            if (bind_bool(a, &on, err)) return STATUS_ERROR;
            BExprVec cs = {0};
            split_conjuncts(on, &cs);
            for (size_t i = 0; i < cs.len; i++) {
                int lo, hi;
                if (!refs_range(cs.items[i], &lo, &hi)) vec_push(&n->conds, cs.items[i]);
                else add_on_cond(n, cs.items[i]);
            }
            vec_free(&cs);
        }
        for (int u = 0; u < t->nusing; u++) {
            Scope ls = {cols->items, n->l->lo, n->l->hi, NULL}, rs = {cols->items, n->r->lo, n->r->hi, NULL};
            int li, ri;
            if (scope_lookup(b, &ls, NULL, NULL, t->using_cols[u], "from clause", &li, err) ||
                scope_lookup(b, &rs, NULL, NULL, t->using_cols[u], "from clause", &ri, err))
                return STATUS_ERROR;
            BExpr *l = bexpr_column(a, li, cols->items[li].type, cols->items[li].name);
            BExpr *r = bexpr_column(a, ri, cols->items[ri].type, cols->items[ri].name);
            BExpr *eq;
            if (bind_compare(a, OP_EQ, l, r, &eq, err)) return STATUS_ERROR;
            add_on_cond(n, eq);
            /* the joined column appears once: hide the copy that may be NULL-extended */
            cols->items[n->jt == JOIN_RIGHT ? li : ri].hidden = true;
        }
        *out = n;
        return STATUS_OK;
    }
    }
    return err_set(err, ERR_INTERNAL, "unknown FROM item");
}

/* ---------------------------------------------------------------- partition pruning, zone-map predicates */

static int flip_op(int op) {
    switch (op) {
    case OP_LT: return OP_GT;
    case OP_LE: return OP_GE;
    case OP_GT: return OP_LT;
    case OP_GE: return OP_LE;
    default: return op;
    }
}

/* `column op constant` (either order) with the constant already of the column's type. */
static bool simple_pred(const BExpr *c, int *col, int *op, Datum *v) {
    if (c->kind != BE_CALL || c->nargs != 2 || c->op < OP_EQ || c->op > OP_GE || c->op == OP_NE) return false;
    const BExpr *x = c->args[0], *y = c->args[1];
    int o = c->op;
    if (x->kind == BE_CONST && y->kind == BE_COLUMN) {
        const BExpr *t = x;
        x = y;
        y = t;
        o = flip_op(o);
    }
    if (x->kind != BE_COLUMN || y->kind != BE_CONST || y->value.is_null || !type_equal(&x->type, &y->type))
        return false;
    *col = x->col;
    *op = o;
    *v = y->value;
    return true;
}

static bool range_may_match(const ExecPartition *p, const DataType *t, int op, const Datum *v) {
    int cl = p->lower_min ? 1 : type_compare_datum(t, v, &p->lower); /* v vs lower (-inf is below all) */
    int cu = p->upper_max ? -1 : type_compare_datum(t, v, &p->upper); /* v vs upper */
    switch (op) {
    case OP_EQ: return cl >= 0 && cu < 0;
    case OP_LT: return p->lower_min || cl > 0;  /* some x >= lower with x < v */
    case OP_LE: return p->lower_min || cl >= 0;
    case OP_GT: return p->upper_max || cu < 0;  /* some x < upper with x > v (conservative) */
    case OP_GE: return p->upper_max || cu < 0;
    default: return true;
    }
}

static bool value_matches(const DataType *t, int op, const Datum *x, const Datum *v) {
    int c = type_compare_datum(t, x, v);
    switch (op) {
    case OP_EQ: return c == 0;
    case OP_LT: return c < 0;
    case OP_LE: return c <= 0;
    case OP_GT: return c > 0;
    case OP_GE: return c >= 0;
    default: return true;
    }
}

/* May partition p hold rows satisfying conjunct c (over table column numbering with offset lo)? */
static bool part_may_match(const ExecTable *t, const ExecPartition *p, const BExpr *c, int lo) {
    const DataType *pt = &t->col_types[t->part_col];
    int col, op;
    Datum v;
    if (simple_pred(c, &col, &op, &v) && col - lo == t->part_col) {
        if (p->nlist > 0) {
            for (int i = 0; i < p->nlist; i++)
                if (value_matches(pt, op, &p->list[i], &v)) return true;
            return false;
        }
        return range_may_match(p, pt, op, &v);
    }
    if (c->kind == BE_IN && !c->negated && c->args[0]->kind == BE_COLUMN && c->args[0]->col - lo == t->part_col &&
        type_equal(&c->args[0]->type, pt)) {
        const InSet *s = c->aux;
        for (uint32_t i = 0; i < s->count; i++) {
            if (p->nlist > 0) {
                for (int k = 0; k < p->nlist; k++)
                    if (type_compare_datum(pt, &p->list[k], &s->items[i]) == 0) return true;
            } else if (range_may_match(p, pt, OP_EQ, &s->items[i])) {
                return true;
            }
        }
        return false;
    }
    return true;
}

static Status build_scan(Binder *b, FromNode *n, const uint8_t *needed, int *map, Operator **out, Error *err) {
    Arena *a = b->a;
    ExecTable *t = n->table;
    if (n->src) { /* another copy of the same pipeline (a parallel worker): share the source */
        for (int g = n->lo, k = 0; g < n->hi; g++) map[g] = needed[g] ? k++ : -1;
        Operator *op = n->split ? op_scan_shared(a, n->src) : op_scan(a, n->src);
        if (n->filters.len) {
            BExpr **fs = arena_alloc(a, sizeof(BExpr *) * n->filters.len);
            for (size_t f = 0; f < n->filters.len; f++) fs[f] = remap(a, n->filters.items[f], map);
            op = op_filter(a, op, and_all(a, fs, n->filters.len));
        }
        *out = op;
        return STATUS_OK;
    }
    int *sel = arena_alloc(a, sizeof(int) * (size_t)(t->nparts ? t->nparts : 1));
    int nsel = 0;
    for (int i = 0; i < t->nparts; i++) {
        ExecPartition *p = &t->parts[i];
        if (n->nparts) {
            bool named = false;
            for (int k = 0; k < n->nparts; k++) named |= !strcasecmp(n->parts[k], p->name);
            if (!named) continue;
        }
        bool ok = true;
        if (t->part_col >= 0 && !(p->lower_min && p->upper_max && p->nlist == 0))
            for (size_t f = 0; f < n->filters.len && ok; f++) ok = part_may_match(t, p, n->filters.items[f], n->lo);
        if (ok) sel[nsel++] = i;
    }
    for (int k = 0; k < n->nparts; k++) {
        bool found = false;
        for (int i = 0; i < t->nparts; i++) found |= !strcasecmp(n->parts[k], t->parts[i].name);
        if (!found)
            return err_set(err, ERR_UNKNOWN_PARTITION, "Unknown partition '%s' in table '%s'", n->parts[k], t->name);
    }
    ScanSource *src;
    if (t->make_source(t, sel, nsel, a, &src, err)) return STATUS_ERROR;
    vec_push(&b->sources, src);
    n->src = src;
    src->parts_total = t->nparts;
    src->parts_selected = nsel;
    src->part_names = arena_alloc(a, sizeof(char *) * (size_t)(nsel ? nsel : 1));
    for (int i = 0; i < nsel; i++) src->part_names[i] = t->parts[sel[i]].name;
    int np = 0;
    for (int g = n->lo; g < n->hi; g++) np += needed[g];
    src->proj = arena_alloc(a, sizeof(int) * (size_t)(np ? np : 1));
    src->types = arena_alloc(a, sizeof(DataType) * (size_t)(np ? np : 1));
    src->nproj = 0;
    for (int g = n->lo; g < n->hi; g++) {
        if (!needed[g]) {
            map[g] = -1;
            continue;
        }
        map[g] = src->nproj;
        src->proj[src->nproj] = g - n->lo;
        src->types[src->nproj++] = t->col_types[g - n->lo];
    }
    /* zone-map predicates over table columns */
    src->preds = arena_alloc(a, sizeof(ScanPred) * (n->filters.len ? n->filters.len : 1));
    src->npreds = 0;
    for (size_t f = 0; f < n->filters.len; f++) {
        int col, op;
        Datum v;
        if (simple_pred(n->filters.items[f], &col, &op, &v)) {
            ScanPred p = {col - n->lo, op, v};
            src->preds[src->npreds++] = p;
        }
    }
    Operator *op = n->split ? op_scan_shared(a, src) : op_scan(a, src);
    if (n->filters.len) {
        BExpr **fs = arena_alloc(a, sizeof(BExpr *) * n->filters.len);
        for (size_t f = 0; f < n->filters.len; f++) fs[f] = remap(a, n->filters.items[f], map);
        op = op_filter(a, op, and_all(a, fs, n->filters.len));
    }
    *out = op;
    return STATUS_OK;
}

static bool is_equi(const BExpr *c) {
    return c->kind == BE_CALL && c->nargs == 2 && c->op == OP_EQ && c->name && !strcmp(c->name, "=");
}

/* A project that puts the swapped join output (right, left) back in (left, right) order. */
static Operator *unswap(Arena *a, Operator *j, int nl, int nr) {
    BExpr **ex = arena_alloc(a, sizeof(BExpr *) * (size_t)(nl + nr ? nl + nr : 1));
    for (int i = 0; i < nl; i++) ex[i] = bexpr_column(a, nr + i, j->types[nr + i], NULL);
    for (int i = 0; i < nr; i++) ex[nl + i] = bexpr_column(a, i, j->types[i], NULL);
    return op_project(a, j, ex, nl + nr);
}

static Status build_ops(Binder *b, FromNode *n, const uint8_t *needed, int *map, Operator **out, Error *err) {
    Arena *a = b->a;
    if (!n->is_join) {
        if (n->table) return build_scan(b, n, needed, map, out, err);
        Operator *op = n->sub.op;
        for (int g = n->lo; g < n->hi; g++) map[g] = g - n->lo;
        if (n->filters.len) {
            BExpr **fs = arena_alloc(a, sizeof(BExpr *) * n->filters.len);
            for (size_t f = 0; f < n->filters.len; f++) fs[f] = remap(a, n->filters.items[f], map);
            op = op_filter(a, op, and_all(a, fs, n->filters.len));
        }
        *out = op;
        return STATUS_OK;
    }
    Operator *lop, *rop;
    if (build_ops(b, n->l, needed, map, &lop, err) || build_ops(b, n->r, needed, map, &rop, err)) return STATUS_ERROR;
    int nl = lop->ncols, nr = rop->ncols;
    if (n->semi) {
        BExpr **lk = arena_alloc(a, sizeof(BExpr *) * (n->conds.len ? n->conds.len : 1));
        BExpr **rk = arena_alloc(a, sizeof(BExpr *) * (n->conds.len ? n->conds.len : 1));
        for (size_t i = 0; i < n->conds.len; i++) {
            BExpr *c = n->conds.items[i], *x = c->args[0], *y = c->args[1];
            bool lx = within(x, n->l);
            lk[i] = remap(a, lx ? x : y, map);
            rk[i] = remap(a, lx ? y : x, map);
        }
        for (int g = n->r->lo; g < n->r->hi; g++) map[g] = -1;
        Operator *j = op_hash_join(a, n->semi == 1 ? JK_SEMI : JK_ANTI, lop, rop, lk, rk, (int)n->conds.len, NULL);
        if (n->post.len) {
            BExpr **ps = arena_alloc(a, sizeof(BExpr *) * n->post.len);
            for (size_t i = 0; i < n->post.len; i++) ps[i] = remap(a, n->post.items[i], map);
            j = op_filter(a, j, and_all(a, ps, n->post.len));
        }
        *out = j;
        return STATUS_OK;
    }
    /* equality keys between the sides; everything else is residual */
    BExprVec lk = {0}, rk = {0}, res = {0};
    for (size_t i = 0; i < n->conds.len; i++) {
        BExpr *c = n->conds.items[i];
        if (is_equi(c) && n->jt != JOIN_FULL) {
            BExpr *x = c->args[0], *y = c->args[1];
            if (within(x, n->l) && within(y, n->r)) {
                vec_push(&lk, remap(a, x, map));
                vec_push(&rk, remap(a, y, map));
                continue;
            }
            if (within(y, n->l) && within(x, n->r)) {
                vec_push(&lk, remap(a, y, map));
                vec_push(&rk, remap(a, x, map));
                continue;
            }
        } else if (is_equi(c) && n->jt == JOIN_FULL) {
            BExpr *x = c->args[0], *y = c->args[1];
            if ((within(x, n->l) && within(y, n->r)) || (within(y, n->l) && within(x, n->r))) {
                bool lx = within(x, n->l);
                vec_push(&lk, remap(a, lx ? x : y, map));
                vec_push(&rk, remap(a, lx ? y : x, map));
                continue;
            }
        }
        vec_push(&res, c);
    }
    bool swap = n->jt == JOIN_RIGHT;
    if ((n->jt == JOIN_INNER || n->jt == JOIN_CROSS) && lop->est_rows >= 0 && rop->est_rows >= 0 &&
        lop->est_rows < rop->est_rows)
        swap = true; /* build the hash table on the smaller input */
    /* positions in the joined output */
    int *smap = arena_alloc(a, sizeof(int) * (size_t)(n->hi > 0 ? n->hi : 1));
    for (int g = n->l->lo; g < n->l->hi; g++) {
        smap[g] = map[g] < 0 ? -1 : map[g] + (swap ? nr : 0);
    }
    for (int g = n->r->lo; g < n->r->hi; g++) {
        smap[g] = map[g] < 0 ? -1 : map[g] + (swap ? 0 : nl);
        map[g] = map[g] < 0 ? -1 : map[g] + nl;
    }
    BExpr *resid = NULL;
    if (res.len) {
        BExpr **rs = arena_alloc(a, sizeof(BExpr *) * res.len);
        for (size_t i = 0; i < res.len; i++) rs[i] = remap(a, res.items[i], smap);
        resid = and_all(a, rs, res.len);
    }
    JoinKind jk = n->jt == JOIN_LEFT || n->jt == JOIN_RIGHT ? JK_LEFT : n->jt == JOIN_FULL ? JK_FULL
                  : lk.len || resid                         ? JK_INNER
                                                            : JK_CROSS;
    BExpr **lka = lk.len ? arena_memdup(a, lk.items, sizeof(BExpr *) * lk.len) : NULL;
    BExpr **rka = rk.len ? arena_memdup(a, rk.items, sizeof(BExpr *) * rk.len) : NULL;
    Operator *j;
    if (swap) {
        j = op_hash_join(a, jk, rop, lop, rka, lka, (int)lk.len, resid);
        j = unswap(a, j, nl, nr);
    } else {
        j = op_hash_join(a, jk, lop, rop, lka, rka, (int)lk.len, resid);
    }
    vec_free(&lk);
    vec_free(&rk);
    vec_free(&res);
    if (n->post.len) {
        BExpr **ps = arena_alloc(a, sizeof(BExpr *) * n->post.len);
        for (size_t i = 0; i < n->post.len; i++) ps[i] = remap(a, n->post.items[i], map);
        j = op_filter(a, j, and_all(a, ps, n->post.len));
    }
    *out = j;
    return STATUS_OK;
}

static void mark_node(const FromNode *n, uint8_t *needed) {
    if (!n) return;
    for (size_t i = 0; i < n->filters.len; i++) mark_refs(n->filters.items[i], needed);
    for (size_t i = 0; i < n->conds.len; i++) mark_refs(n->conds.items[i], needed);
    for (size_t i = 0; i < n->post.len; i++) mark_refs(n->post.items[i], needed);
    if (n->is_join) {
        mark_node(n->l, needed);
        mark_node(n->r, needed);
    } else if (!n->table) {
        for (int g = n->lo; g < n->hi; g++) needed[g] = 1;
    }
}

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

/* ---------------------------------------------------------------- correlated EXISTS / IN as semi joins */

typedef VEC(const Expr *) AstVec;

static void ast_conjuncts(const Expr *e, AstVec *out) {
    if (e && e->kind == EXPR_BINARY && e->op == OP_AND) {
        ast_conjuncts(e->left, out);
        ast_conjuncts(e->right, out);
        return;
    }
    if (e) vec_push(out, e);
}

static Expr *ast_and(Arena *a, Expr *l, const Expr *r) {
    if (!l) return (Expr *)r;
    Expr *e = arena_calloc(a, sizeof *e);
    e->kind = EXPR_BINARY;
    e->op = OP_AND;
    e->left = l;
    e->right = (Expr *)r;
    return e;
}

static bool trial_bind(Binder *b, Scope *sc, const Expr *e, BExpr **out) {
    ExprCtx cx = {b, sc, NULL, "where clause", false, NULL, 0, false};
    Error tmp = ERROR_INIT;
    return bind_expr(&cx, e, out, &tmp) == STATUS_OK;
}

/* A WHERE conjunct `[NOT] EXISTS (sub)` or `x IN (sub)` whose subquery refers to the outer query only through
 * equalities `inner = outer` becomes a semi (anti) join of the FROM tree with the derived table
 * `SELECT inner..., [item] FROM ... WHERE <the subquery's other conditions>`. *done stays false when the
 * conjunct has another shape (or is not correlated): it is then bound as an ordinary expression. */
static Status try_decorrelate(Binder *b, const Expr *c, BColVec *cols, FromNode **from, bool *done, Error *err) {
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
    Status st = build_from(b, core->from, &icols, &ifrom, err);
    free_from(ifrom);
    if (st) {
        vec_free(&icols);
        return STATUS_ERROR;
    }
    Scope isc = {icols.items, 0, (int)icols.len, NULL};
    Scope osc = {cols->items, 0, (int)cols->len, NULL};
    AstVec conj = {0};
    ast_conjuncts(core->where, &conj);
    Expr *local = NULL;
    const Expr **inner = arena_alloc(a, sizeof(Expr *) * (conj.len + 1));
    BExpr **outer = arena_alloc(a, sizeof(BExpr *) * (conj.len + 1));
    int npairs = 0;
    bool ok = true;
    for (size_t i = 0; i < conj.len && ok; i++) {
        const Expr *e = conj.items[i];
        BExpr *x, *y;
        if (trial_bind(b, &isc, e, &x)) {
            local = ast_and(a, local, e);
            continue;
        }
        ok = false;
        if (e->kind == EXPR_BINARY && e->op == OP_EQ) {
            if (trial_bind(b, &isc, e->left, &x) && trial_bind(b, &osc, e->right, &y)) {
                inner[npairs] = e->left;
                outer[npairs++] = y;
                ok = true;
            } else if (trial_bind(b, &isc, e->right, &x) && trial_bind(b, &osc, e->left, &y)) {
                inner[npairs] = e->right;
                outer[npairs++] = y;
                ok = true;
            }
        }
    }
    vec_free(&conj);
    BExpr *inx = NULL;
    if (ok && npairs && is_in) ok = trial_bind(b, &isc, core->items[0].expr, &inx) && trial_bind(b, &osc, c->left, &inx);
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
static Status try_scalar(Binder *b, const Expr *e, BColVec *cols, FromNode **from, Expr **repl, Error *err) {
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
    Status st = build_from(b, core->from, &icols, &ifrom, err);
    free_from(ifrom);
    if (st) {
        vec_free(&icols);
        return STATUS_ERROR;
    }
    Scope isc = {icols.items, 0, (int)icols.len, NULL};
    Scope osc = {cols->items, 0, (int)cols->len, NULL};
    AstVec conj = {0};
    ast_conjuncts(core->where, &conj);
    Expr *local = NULL;
    Expr **inner = arena_alloc(a, sizeof(Expr *) * (conj.len + 1));
    BExpr **outer = arena_alloc(a, sizeof(BExpr *) * (conj.len + 1));
    int npairs = 0;
    bool ok = true;
    for (size_t i = 0; i < conj.len && ok; i++) {
        const Expr *c = conj.items[i];
        BExpr *x, *y;
        if (trial_bind(b, &isc, c, &x)) {
            local = ast_and(a, local, c);
            continue;
        }
        ok = false;
        if (c->kind == EXPR_BINARY && c->op == OP_EQ) {
            if (trial_bind(b, &isc, c->left, &x) && trial_bind(b, &osc, c->right, &y)) {
                inner[npairs] = c->left;
                outer[npairs++] = y;
                ok = true;
            } else if (trial_bind(b, &isc, c->right, &x) && trial_bind(b, &osc, c->left, &y)) {
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
static Status rewrite_scalars(Binder *b, const Expr *e, BColVec *cols, FromNode **from, const Expr **out,
                              Error *err) {
    *out = e;
    if (!e) return STATUS_OK;
    if (e->kind == EXPR_SUBQUERY) {
        Expr *r;
        if (try_scalar(b, e, cols, from, &r, err)) return STATUS_ERROR;
        if (r) *out = r;
        return STATUS_OK;
    }
    if (e->kind == EXPR_EXISTS || e->kind == EXPR_IN_SUBQUERY) {
        if (e->kind == EXPR_IN_SUBQUERY) {
            const Expr *l;
            if (rewrite_scalars(b, e->left, cols, from, &l, err)) return STATUS_ERROR;
            if (l != e->left) {
                Expr *c = arena_memdup(b->a, e, sizeof *e);
                c->left = (Expr *)l;
                *out = c;
            }
        }
        return STATUS_OK;
    }
    const Expr *l, *r, *t;
    if (rewrite_scalars(b, e->left, cols, from, &l, err) || rewrite_scalars(b, e->right, cols, from, &r, err) ||
        rewrite_scalars(b, e->third, cols, from, &t, err))
        return STATUS_ERROR;
    Expr **args = NULL;
    bool changed = l != e->left || r != e->right || t != e->third;
    for (int i = 0; i < e->nargs; i++) {
        const Expr *x;
        if (rewrite_scalars(b, e->args[i], cols, from, &x, err)) return STATUS_ERROR;
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

/* Does the AST contain a scalar subquery (outside nested subqueries)? Cheap pre-check for rewrite_scalars. */
static bool ast_has_scalar_subquery(const Expr *e) {
    if (!e) return false;
    if (e->kind == EXPR_SUBQUERY) return true;
    if (e->kind == EXPR_EXISTS) return false;
    if (ast_has_scalar_subquery(e->left) || ast_has_scalar_subquery(e->right) || ast_has_scalar_subquery(e->third))
        return true;
    for (int i = 0; i < e->nargs; i++)
        if (ast_has_scalar_subquery(e->args[i])) return true;
    return false;
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
    if (core->from && build_from(b, core->from, &cols, &from, err)) {
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
        bool any = ast_has_scalar_subquery(where);
        for (int i = 0; i < core->nitems && !outer_agg; i++) any |= ast_has_scalar_subquery(core->items[i].expr);
        if (any) {
            SelectCore *nc = arena_memdup(a, core, sizeof *core);
            nc->items = arena_memdup(a, core->items, sizeof(SelectItem) * (size_t)(core->nitems ? core->nitems : 1));
            Status rs = rewrite_scalars(b, where, &cols, &from, &where, err);
            for (int i = 0; i < core->nitems && !rs && !outer_agg; i++) {
                const Expr *x;
                rs = rewrite_scalars(b, core->items[i].expr, &cols, &from, &x, err);
                if (!rs && x != core->items[i].expr) {
                    nc->items[i].expr = (Expr *)x;
                    /* the column keeps the name the user's text gives it */
                    if (!nc->items[i].alias && core->items[i].expr->src) nc->items[i].alias = core->items[i].expr->src;
                }
            }
            if (rs) {
                vec_free(&cols);
                free_from(from);
                return STATUS_ERROR;
            }
            core = nc;
        }
    }
    /* correlated [NOT] EXISTS / IN conjuncts of WHERE become semi/anti joins; the rest is bound below */
    if (from && where && !ast_has_agg(where)) {
        AstVec wc = {0};
        ast_conjuncts(where, &wc);
        Expr *rest = NULL;
        bool any = false;
        for (size_t i = 0; i < wc.len; i++) {
            bool done;
            if (try_decorrelate(b, wc.items[i], &cols, &from, &done, err)) {
                vec_free(&wc);
                vec_free(&cols);
                free_from(from);
                return STATUS_ERROR;
            }
            if (done) any = true;
            else rest = ast_and(a, rest, wc.items[i]);
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
        split_conjuncts(w, &cs);
        for (size_t i = 0; i < cs.len; i++) {
            int lo, hi;
            if (!from || !refs_range(cs.items[i], &lo, &hi)) vec_push(&top, cs.items[i]);
            else push_filter(from, cs.items[i]);
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
    mark_node(from, needed);
    if (is_agg) {
        for (size_t i = 0; i < keys.len; i++) mark_refs(keys.items[i], needed);
        for (int i = 0; i < ag.ncalls; i++)
            if (ag.calls[i].arg) mark_refs(ag.calls[i].arg, needed);
    } else {
        for (size_t i = 0; i < outs.len; i++) mark_refs(outs.items[i].expr, needed);
        if (having) mark_refs(having, needed);
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
            if ((st = build_ops(b, from, needed, map, &kids[i], err))) goto done;
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
        BExpr *tf = and_all(a, top.items, top.len);
        for (int i = 0; i < nk; i++) kids[i] = op_filter(a, kids[i], tf);
    }
    int nout = (int)outs.len;
    BExpr **px = arena_alloc(a, sizeof(BExpr *) * (size_t)(nout ? nout : 1));
    for (int i = 0; i < nout; i++) px[i] = is_agg ? outs.items[i].expr : remap(a, outs.items[i].expr, map);
    if (is_agg) {
        BExpr **kx = arena_alloc(a, sizeof(BExpr *) * (keys.len ? keys.len : 1));
        for (size_t i = 0; i < keys.len; i++) kx[i] = remap(a, keys.items[i], map);
        for (int i = 0; i < ag.ncalls; i++)
            if (ag.calls[i].arg) ag.calls[i].arg = remap(a, ag.calls[i].arg, map);
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
        BExpr *hx = having ? remap(a, having, map) : NULL;
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
    free_from(from);
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
    if (body->setop != SETOP_UNION)
        return err_set(err, ERR_NOT_SUPPORTED, "%s is not supported; use UNION or rewrite with joins",
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
