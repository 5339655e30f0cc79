/* The FROM tree: FROM items (tables, views, CTEs, derived tables, joins) become a logical tree over one global
 * column numbering; WHERE and ON conjuncts are pushed down as far as the join types allow; scans prune
 * partitions and get zone-map predicates; then the tree becomes scan and join operators producing only the
 * columns some expression needs. */
#include <string.h>
#include <strings.h>

#include "catalog/privilege.h"
#include "exec/exec.h"
#include "exec/functions.h"
#include "exec/inset.h"
#include "exec/plan_int.h"
#include "server/config.h"
#include "sql/parser.h"

/* ---------------------------------------------------------------- expression utilities */

/* Smallest and largest column index referenced; false when e references no column. */
bool plan_refs_range(const BExpr *e, int *lo, int *hi) {
    bool any = false;
    if (e->kind == BE_COLUMN) {
        *lo = *hi = e->col;
        return true;
    }
    for (int i = 0; i < e->nargs; i++) {
        int l, h;
        if (plan_refs_range(e->args[i], &l, &h)) {
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

bool plan_within(const BExpr *e, const FromNode *n) {
    int lo, hi;
    if (!plan_refs_range(e, &lo, &hi)) return false;
    return lo >= n->lo && hi < n->hi;
}

void plan_mark_refs(const BExpr *e, uint8_t *needed) {
    if (e->kind == BE_COLUMN) {
        needed[e->col] = 1;
        return;
    }
    for (int i = 0; i < e->nargs; i++) plan_mark_refs(e->args[i], needed);
}

BExpr *plan_remap(Arena *a, BExpr *e, const int *map) {
    int lo, hi;
    if (!plan_refs_range(e, &lo, &hi)) return e;
    BExpr *c = arena_memdup(a, e, sizeof *e);
    if (e->kind == BE_COLUMN) {
        c->col = map[e->col];
        return c;
    }
    c->args = arena_alloc(a, sizeof(BExpr *) * (size_t)(e->nargs ? e->nargs : 1));
    for (int i = 0; i < e->nargs; i++) c->args[i] = plan_remap(a, e->args[i], map);
    return c;
}

void plan_split_conjuncts(BExpr *e, BExprVec *out) {
    if (e->kind == BE_AND) {
        for (int i = 0; i < e->nargs; i++) plan_split_conjuncts(e->args[i], out);
        return;
    }
    if (e->kind == BE_CONST && !e->value.is_null && e->value.v.i64 != 0) return; /* TRUE */
    vec_push(out, e);
}

BExpr *plan_and_all(Arena *a, BExpr **items, size_t n) {
    if (n == 1) return items[0];
    BExpr *e = arena_calloc(a, sizeof *e);
    e->kind = BE_AND;
    e->type = type_make(TYPE_BOOLEAN);
    e->nargs = (int)n;
    e->args = arena_memdup(a, items, sizeof(BExpr *) * n);
    return e;
}

/* The condition lists are malloc'd (VEC); the nodes themselves live in the plan arena. */
void plan_free_from(FromNode *n) {
    if (!n) return;
    vec_free(&n->filters);
    vec_free(&n->conds);
    vec_free(&n->post);
    if (n->is_join) {
        plan_free_from(n->l);
        plan_free_from(n->r);
    }
}

/* ---------------------------------------------------------------- pushdown */

void plan_push_filter(FromNode *n, BExpr *c) {
    if (!n->is_join) {
        vec_push(&n->filters, c);
        return;
    }
    if (n->semi) {
        if (plan_within(c, n->l)) plan_push_filter(n->l, c);
        else vec_push(&n->post, c);
        return;
    }
    switch (n->jt) {
    case JOIN_INNER:
    case JOIN_CROSS:
        if (plan_within(c, n->l)) plan_push_filter(n->l, c);
        else if (plan_within(c, n->r)) plan_push_filter(n->r, c);
        else vec_push(&n->conds, c);
        return;
    case JOIN_LEFT:
        if (plan_within(c, n->l)) plan_push_filter(n->l, c);
        else vec_push(&n->post, c);
        return;
    case JOIN_RIGHT:
        if (plan_within(c, n->r)) plan_push_filter(n->r, c);
        else vec_push(&n->post, c);
        return;
    default: vec_push(&n->post, c); return;
    }
}

static void add_on_cond(FromNode *j, BExpr *c) {
    switch (j->jt) {
    case JOIN_INNER:
    case JOIN_CROSS:
        if (plan_within(c, j)) plan_push_filter(j, c);
        else vec_push(&j->conds, c);
        return;
    case JOIN_LEFT:
        if (plan_within(c, j->r)) plan_push_filter(j->r, c);
        else vec_push(&j->conds, c);
        return;
    case JOIN_RIGHT:
        if (plan_within(c, j->l)) plan_push_filter(j->l, c);
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

Status plan_build_from(Binder *b, const TableRef *t, BColVec *cols, FromNode **out, Error *err) {
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
        if (plan_build_from(b, t->left, cols, &n->l, err) || plan_build_from(b, t->right, cols, &n->r, err)) return STATUS_ERROR;
        n->hi = (int)cols->len;
        Scope sc = {cols->items, n->lo, n->hi, b->outer};
        if (t->on) {
            ExprCtx cx = {b, &sc, NULL, "on clause", false, NULL, 0, false};
            BExpr *on;
            if (bind_expr(&cx, t->on, &on, err)) return STATUS_ERROR;
            if (bind_bool(a, &on, err)) return STATUS_ERROR;
            BExprVec cs = {0};
            plan_split_conjuncts(on, &cs);
            for (size_t i = 0; i < cs.len; i++) {
                int lo, hi;
                if (!plan_refs_range(cs.items[i], &lo, &hi)) vec_push(&n->conds, cs.items[i]);
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
            for (size_t f = 0; f < n->filters.len; f++) fs[f] = plan_remap(a, n->filters.items[f], map);
            op = op_filter(a, op, plan_and_all(a, fs, n->filters.len));
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
        for (size_t f = 0; f < n->filters.len; f++) fs[f] = plan_remap(a, n->filters.items[f], map);
        op = op_filter(a, op, plan_and_all(a, fs, n->filters.len));
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

Status plan_build_ops(Binder *b, FromNode *n, const uint8_t *needed, int *map, Operator **out, Error *err) {
    Arena *a = b->a;
    if (!n->is_join) {
        if (n->table) return build_scan(b, n, needed, map, out, err);
        Operator *op = n->sub.op;
        for (int g = n->lo; g < n->hi; g++) map[g] = g - n->lo;
        if (n->filters.len) {
            BExpr **fs = arena_alloc(a, sizeof(BExpr *) * n->filters.len);
            for (size_t f = 0; f < n->filters.len; f++) fs[f] = plan_remap(a, n->filters.items[f], map);
            op = op_filter(a, op, plan_and_all(a, fs, n->filters.len));
        }
        *out = op;
        return STATUS_OK;
    }
    Operator *lop, *rop;
    if (plan_build_ops(b, n->l, needed, map, &lop, err) || plan_build_ops(b, n->r, needed, map, &rop, err)) return STATUS_ERROR;
    int nl = lop->ncols, nr = rop->ncols;
    if (n->semi) {
        BExpr **lk = arena_alloc(a, sizeof(BExpr *) * (n->conds.len ? n->conds.len : 1));
        BExpr **rk = arena_alloc(a, sizeof(BExpr *) * (n->conds.len ? n->conds.len : 1));
        for (size_t i = 0; i < n->conds.len; i++) {
            BExpr *c = n->conds.items[i], *x = c->args[0], *y = c->args[1];
            bool lx = plan_within(x, n->l);
            lk[i] = plan_remap(a, lx ? x : y, map);
            rk[i] = plan_remap(a, lx ? y : x, map);
        }
        for (int g = n->r->lo; g < n->r->hi; g++) map[g] = -1;
        Operator *j = op_hash_join(a, n->semi == 1 ? JK_SEMI : JK_ANTI, lop, rop, lk, rk, (int)n->conds.len, NULL);
        if (n->post.len) {
            BExpr **ps = arena_alloc(a, sizeof(BExpr *) * n->post.len);
            for (size_t i = 0; i < n->post.len; i++) ps[i] = plan_remap(a, n->post.items[i], map);
            j = op_filter(a, j, plan_and_all(a, ps, n->post.len));
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
            if (plan_within(x, n->l) && plan_within(y, n->r)) {
                vec_push(&lk, plan_remap(a, x, map));
                vec_push(&rk, plan_remap(a, y, map));
                continue;
            }
            if (plan_within(y, n->l) && plan_within(x, n->r)) {
                vec_push(&lk, plan_remap(a, y, map));
                vec_push(&rk, plan_remap(a, x, map));
                continue;
            }
        } else if (is_equi(c) && n->jt == JOIN_FULL) {
            BExpr *x = c->args[0], *y = c->args[1];
            if ((plan_within(x, n->l) && plan_within(y, n->r)) || (plan_within(y, n->l) && plan_within(x, n->r))) {
                bool lx = plan_within(x, n->l);
                vec_push(&lk, plan_remap(a, lx ? x : y, map));
                vec_push(&rk, plan_remap(a, lx ? y : x, map));
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
        for (size_t i = 0; i < res.len; i++) rs[i] = plan_remap(a, res.items[i], smap);
        resid = plan_and_all(a, rs, res.len);
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
        for (size_t i = 0; i < n->post.len; i++) ps[i] = plan_remap(a, n->post.items[i], map);
        j = op_filter(a, j, plan_and_all(a, ps, n->post.len));
    }
    *out = j;
    return STATUS_OK;
}

void plan_mark_node(const FromNode *n, uint8_t *needed) {
    if (!n) return;
    for (size_t i = 0; i < n->filters.len; i++) plan_mark_refs(n->filters.items[i], needed);
    for (size_t i = 0; i < n->conds.len; i++) plan_mark_refs(n->conds.items[i], needed);
    for (size_t i = 0; i < n->post.len; i++) plan_mark_refs(n->post.items[i], needed);
    if (n->is_join) {
        plan_mark_node(n->l, needed);
        plan_mark_node(n->r, needed);
    } else if (!n->table) {
        for (int g = n->lo; g < n->hi; g++) needed[g] = 1;
    }
}

