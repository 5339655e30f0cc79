/* Rollup selection: a SELECT block over one table is answered from a synchronous MV index of that
 * table when the index gives the same rows, and the block is rewritten to read it (TableRef.rollup;
 * EXPLAIN shows "SCAN db.t ROLLUP mv"). An aggregating index serves aggregate queries whose every
 * column outside an aggregate is one of its keys and whose aggregates it stores: sum(c), min(c),
 * max(c) (also of key columns), count(c) and count(*) (as the sum of the stored counts), and
 * DISTINCT aggregates of its keys. A column-subset index serves any query over its columns, and is
 * chosen when its sort key matches a WHERE column the base sort key does not. An index with a WHERE
 * (a filtered rollup) serves only a block whose WHERE implies it: each of its AND-ed conjuncts must
 * be one of the block's (the same text once normalised, mv_where.c); those conjuncts are dropped
 * and the rest of the block must be answerable from the index as above. Output column names are
 * kept. Anything unusual (subqueries, *, unknown names) keeps the query as written. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog.h"
#include "mv/mv_int.h"

typedef struct Need {
    bool is_agg_query;
    bool bad;          /* something the rewrite does not handle: keep the query */
    uint8_t *plain;    /* base columns referenced outside aggregates */
    uint8_t *any;      /* base columns referenced anywhere */
    uint8_t *where_eq; /* base columns in a WHERE conjunct */
    /* aggregate calls (non-DISTINCT): fn per base column (bit per AggType), count(*) */
    uint8_t *aggs;
    bool count_star;
    uint8_t *distinct_args; /* base columns under a DISTINCT aggregate */
} Need;

typedef struct Ctx {
    const CatTable *t;
    const TableRef *from;
    const SelectCore *core;
    Need need;
    const CatIndex *ix; /* chosen index */
    Arena *a;
} Ctx;

static bool is_agg_name(const char *n, AggType *agg) {
    if (!n) return false;
    if (!strcasecmp(n, "sum"))
        *agg = AGG_SUM;
    else if (!strcasecmp(n, "min"))
        *agg = AGG_MIN;
    else if (!strcasecmp(n, "max"))
        *agg = AGG_MAX;
    else if (!strcasecmp(n, "count"))
        *agg = AGG_COUNT;
    else
        return false;
    return true;
}

/* Aggregate function names the query engine knows beyond the four an index stores. */
static bool is_other_agg(const char *n) {
    static const char *const names[] = {
        "avg",          "group_concat", "any_value",   "stddev",  "variance",
        "bitmap_union", "hll_union",    "percentile",  "ndv",     "approx_count_distinct",
        "std",          "stddev_pop",   "stddev_samp", "var_pop", "var_samp",
        "count_if",     "bit_and",      "bit_or",      "bit_xor", "max_by",
        "min_by",       "array_agg"};
    for (size_t i = 0; n && i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(n, names[i])) return true;
    return false;
}

static bool alias_named(const SelectCore *core, const char *name) {
    for (int i = 0; i < core->nitems; i++)
        if (core->items[i].alias && !strcasecmp(core->items[i].alias, name)) return true;
    return false;
}

/* The base column an expression names, -1 if it is not a column of the table (or names an alias).
 */
static int base_column(const Ctx *c, const Expr *e, bool alias_first) {
    if (e->kind != EXPR_COLUMN) return -1;
    if (e->qual_table &&
        strcmp(e->qual_table, c->from->alias ? c->from->alias : c->from->name) != 0)
        return -1;
    if (!e->qual_table && alias_first && alias_named(c->core, e->text)) return -1;
    return catalog_find_column(c->t, e->text);
}

static void scan(Ctx *c, const Expr *e, bool in_agg, bool alias_first, bool in_where) {
    if (!e || c->need.bad) return;
    switch (e->kind) {
    case EXPR_STAR:
    case EXPR_SUBQUERY:
    case EXPR_EXISTS:
    case EXPR_IN_SUBQUERY:
        c->need.bad = true;
        return;
    case EXPR_COLUMN: {
        int col = base_column(c, e, alias_first);
        if (col < 0) {
            /* a qualified name of another table, or an unknown name: leave the query alone */
            if (e->qual_table || !alias_named(c->core, e->text)) c->need.bad = true;
            return;
        }
        c->need.any[col] = 1;
        if (!in_agg) c->need.plain[col] = 1;
        if (in_where) c->need.where_eq[col] = 1;
        return;
    }
    case EXPR_FUNC: {
        AggType agg;
        if (is_agg_name(e->text, &agg)) {
            if (in_agg) {
                c->need.bad = true;
                return;
            }
            c->need.is_agg_query = true;
            if (e->is_star) {
                if (agg != AGG_COUNT || e->distinct) c->need.bad = true;
                c->need.count_star = true;
                return;
            }
            int col = e->nargs == 1 ? base_column(c, e->args[0], false) : -1;
            if (col < 0) {
                c->need.bad = true; /* an aggregate of an expression */
                return;
            }
            c->need.any[col] = 1;
            if (e->distinct)
                c->need.distinct_args[col] = 1;
            else
                c->need.aggs[col] |= (uint8_t)(1u << agg);
            return;
        }
        if (is_other_agg(e->text)) {
            c->need.bad = true;
            return;
        }
        break;
    }
    default:
        break;
    }
    scan(c, e->left, in_agg, alias_first, in_where);
    scan(c, e->right, in_agg, alias_first, in_where);
    scan(c, e->third, in_agg, alias_first, in_where);
    for (int i = 0; i < e->nargs; i++)
        scan(c, e->args[i], in_agg, alias_first, in_where);
}

/* The index column holding base column col with aggregation agg (AGG_NONE: as a key), -1 if none.
 */
static int index_col(const CatIndex *ix, int col, AggType agg) {
    for (int i = 0; i < ix->ncols; i++) {
        if (ix->base_col[i] != col) continue;
        if (agg == AGG_NONE
                ? (i < ix->nkeys || ix->keys != KEYS_AGGREGATE) && ix->cols[i].agg == AGG_NONE
                : ix->cols[i].agg == agg)
            return i;
    }
    return -1;
}

/* The column holding count(*): a COUNT of every row, or of a NOT NULL column. */
static int count_star_col(const CatTable *t, const CatIndex *ix) {
    for (int i = 0; i < ix->ncols; i++)
        if (ix->cols[i].agg == AGG_COUNT &&
            (ix->base_col[i] < 0 || !t->cols[ix->base_col[i]].nullable))
            return i;
    return -1;
}

/* filtered: the index has a WHERE the query implies (it then holds fewer rows than the table). */
static bool index_serves(const Ctx *c, const CatIndex *ix, bool filtered) {
    const Need *n = &c->need;
    int ncols = c->t->ncols;
    if (ix->keys == KEYS_AGGREGATE) {
        if (!n->is_agg_query) return false;
        for (int col = 0; col < ncols; col++) {
            if ((n->plain[col] || n->distinct_args[col]) && index_col(ix, col, AGG_NONE) < 0)
                return false;
            uint8_t f = n->aggs[col];
            if ((f & (1u << AGG_SUM)) && index_col(ix, col, AGG_SUM) < 0) return false;
            if ((f & (1u << AGG_MIN)) && index_col(ix, col, AGG_MIN) < 0 &&
                index_col(ix, col, AGG_NONE) < 0)
                return false;
            if ((f & (1u << AGG_MAX)) && index_col(ix, col, AGG_MAX) < 0 &&
                index_col(ix, col, AGG_NONE) < 0)
                return false;
            if ((f & (1u << AGG_COUNT)) && index_col(ix, col, AGG_COUNT) < 0) return false;
        }
        return !n->count_star || count_star_col(c->t, ix) >= 0;
    }
    if (c->t->keys == KEYS_AGGREGATE) return false;
    for (int col = 0; col < ncols; col++)
        if (n->any[col] && index_col(ix, col, AGG_NONE) < 0) return false;
    if (filtered) return true;
    /* a reordering pays off when its sort key starts with a filtered column the table's does not */
    int first = ix->base_col[0];
    return first >= 0 && n->where_eq[first] && !n->where_eq[0];
}

static int64_t index_rows(const CatTable *t, int ipos) {
    int64_t rows = 0;
    for (int i = 0; i < t->nparts; i++)
        for (int b = 0; b < t->parts[i]->buckets; b++) {
            const CatTablet *tb = catalog_partition_tablet(t->parts[i], ipos, b);
            for (int r = 0; tb && r < tb->nrowsets; r++)
                if (tb->rowsets[r]->state == ROWSET_VISIBLE) rows += tb->rowsets[r]->nrows;
        }
    return rows;
}

/* ---------------------------------------------------------------- building the rewritten block */

static Expr *new_expr(Arena *a, ExprKind k) {
    Expr *e = arena_calloc(a, sizeof *e);
    e->kind = k;
    return e;
}

static Expr *column(Ctx *c, const Expr *orig, int icol) {
    Expr *e = new_expr(c->a, EXPR_COLUMN);
    e->text = arena_strdup(c->a, c->ix->cols[icol].name);
    e->qual_table = orig ? orig->qual_table : NULL;
    e->qual_db = orig ? orig->qual_db : NULL;
    e->src = orig && orig->src ? orig->src : e->text;
    e->line = orig ? orig->line : 0;
    e->col = orig ? orig->col : 0;
    return e;
}

static Expr *call(Ctx *c, const char *fn, Expr **args, int nargs, const char *src) {
    Expr *e = new_expr(c->a, EXPR_FUNC);
    e->text = arena_strdup(c->a, fn);
    e->args = arena_memdup(c->a, args, sizeof(Expr *) * (size_t)nargs);
    e->nargs = nargs;
    e->src = (char *)src;
    return e;
}

static Expr *rw(Ctx *c, const Expr *e, bool alias_first);

static Expr *rw_agg(Ctx *c, const Expr *e, AggType agg) {
    int col = e->is_star ? -1 : base_column(c, e->args[0], false);
    if (e->distinct) { /* over a key column: the distinct values are the same */
        Expr *x = arena_memdup(c->a, e, sizeof *e);
        x->args = arena_alloc(c->a, sizeof(Expr *));
        x->args[0] = column(c, e->args[0], index_col(c->ix, col, AGG_NONE));
        return x;
    }
    if (agg == AGG_COUNT) {
        int icol = e->is_star ? count_star_col(c->t, c->ix) : index_col(c->ix, col, AGG_COUNT);
        Expr *s = call(c, "sum", (Expr *[]){column(c, NULL, icol)}, 1, e->src);
        Expr *zero = new_expr(c->a, EXPR_INT);
        zero->text = "0";
        zero->src = "0";
        return call(c, "coalesce", (Expr *[]){s, zero}, 2,
                    e->src); /* count of no rows is 0, not NULL */
    }
    int icol = index_col(c->ix, col, agg);
    if (icol < 0) icol = index_col(c->ix, col, AGG_NONE); /* min/max of a key column */
    return call(c,
                agg == AGG_SUM   ? "sum"
                : agg == AGG_MIN ? "min"
                                 : "max",
                (Expr *[]){column(c, e->args[0], icol)}, 1, e->src);
}

static Expr *rw(Ctx *c, const Expr *e, bool alias_first) {
    if (!e) return NULL;
    if (e->kind == EXPR_COLUMN) {
        int col = base_column(c, e, alias_first);
        if (col < 0) return (Expr *)e;
        return column(c, e, index_col(c->ix, col, AGG_NONE));
    }
    AggType agg;
    if (e->kind == EXPR_FUNC && is_agg_name(e->text, &agg)) return rw_agg(c, e, agg);
    Expr *x = arena_memdup(c->a, e, sizeof *e);
    x->left = rw(c, e->left, alias_first);
    x->right = rw(c, e->right, alias_first);
    x->third = rw(c, e->third, alias_first);
    if (e->nargs) {
        x->args = arena_alloc(c->a, sizeof(Expr *) * (size_t)e->nargs);
        for (int i = 0; i < e->nargs; i++)
            x->args[i] = rw(c, e->args[i], alias_first);
    }
    return x;
}

/* Scans the block for what it needs from an index, with the WHERE conjuncts not marked in skip
 * (skip NULL: all of them). */
static void need_scan(Ctx *c, Expr **conj, int nconj, const uint8_t *skip, const OrderItem *order,
                      int norder) {
    const SelectCore *core = c->core;
    size_t n = (size_t)c->t->ncols + 1;
    memset(c->need.plain, 0, n);
    memset(c->need.any, 0, n);
    memset(c->need.where_eq, 0, n);
    memset(c->need.aggs, 0, n);
    memset(c->need.distinct_args, 0, n);
    c->need.bad = false;
    c->need.count_star = false;
    c->need.is_agg_query = core->ngroup > 0;
    for (int i = 0; i < core->nitems; i++)
        scan(c, core->items[i].expr, false, false, false);
    for (int i = 0; i < nconj; i++)
        if (!skip || !skip[i]) scan(c, conj[i], false, false, true);
    for (int i = 0; i < core->ngroup; i++)
        scan(c, core->group_by[i], false, false, false);
    scan(c, core->having, false, true, false);
    for (int i = 0; i < norder; i++)
        scan(c, order[i].expr, false, true, false);
}

/* For an index with a WHERE: whether each of its conjuncts is among the query's (by normalised
 * text), marking the query conjuncts it covers in skip (nq entries, zeroed here). The index then
 * holds exactly the rows those conjuncts keep, so they need not be evaluated again. */
static bool where_implied(Ctx *c, const CatIndex *ix, char **qtext, int nq, uint8_t *skip,
                          bool *filtered) {
    *filtered = false;
    Expr *mw = NULL;
    Error err = ERROR_INIT;
    if (mv_sync_where(ix->name, ix->define_sql, c->a, &mw, &err))
        return false; /* unreadable: unused */
    if (!mw) return true;
    *filtered = true;
    memset(skip, 0, (size_t)nq + 1);
    Expr **mconj;
    char **mtext;
    int nm = mv_where_split(c->t, NULL, mw, c->a, &mconj, &mtext);
    for (int i = 0; i < nm; i++) {
        bool found = false;
        for (int j = 0; j < nq && mtext[i]; j++)
            if (qtext[j] && !strcmp(mtext[i], qtext[j])) {
                skip[j] = 1;
                found = true;
            }
        if (!found) return false;
    }
    return true;
}

static Expr *and_of(Arena *a, Expr *l, Expr *r) {
    if (!l) return r;
    Expr *e = new_expr(a, EXPR_BINARY);
    e->op = OP_AND;
    e->left = l;
    e->right = r;
    return e;
}

bool mv_rollup_rewrite(Session *s, const char *db, const SelectCore *core, const OrderItem *order,
                       int norder, Arena *a, SelectCore **core_out, OrderItem **order_out) {
    const TableRef *from = core->from;
    if (!from || from->kind != TREF_TABLE || from->rollup) return false;
    const char *dbname = from->db ? from->db : db ? db : s && s->db[0] ? s->db : NULL;
    if (!dbname) return false;
    bool done = false;
    catalog_rdlock();
    CatDatabase *d = catalog_find_db(dbname);
    CatTable *t = d ? catalog_find_table(d, from->name) : NULL;
    if (!t || t->kind != TABLE_OLAP || t->state != TABLE_NORMAL || t->nindexes < 2) goto out;
    bool any_ready = false;
    for (int k = 1; k < t->nindexes; k++)
        any_ready |= t->indexes[k]->state == INDEX_NORMAL;
    if (!any_ready) goto out;
    Ctx c = {t, from, core, {0}, NULL, a};
    c.need.plain = arena_calloc(a, (size_t)t->ncols + 1);
    c.need.any = arena_calloc(a, (size_t)t->ncols + 1);
    c.need.where_eq = arena_calloc(a, (size_t)t->ncols + 1);
    c.need.aggs = arena_calloc(a, (size_t)t->ncols + 1);
    c.need.distinct_args = arena_calloc(a, (size_t)t->ncols + 1);
    Expr **qconj;
    char **qtext;
    int nq = mv_where_split(t, from, core->where, a, &qconj, &qtext);
    need_scan(&c, qconj, nq, NULL, order, norder);
    if (c.need.bad) goto out;
    bool need_full = true; /* c.need reflects every WHERE conjunct */
    uint8_t *skip = arena_calloc(a, (size_t)nq + 1), *best_skip = arena_calloc(a, (size_t)nq + 1);
    int best = -1;
    bool best_filtered = false;
    int64_t best_rows = 0;
    for (int k = 1; k < t->nindexes; k++) {
        const CatIndex *ix = t->indexes[k];
        bool filtered;
        if (ix->state != INDEX_NORMAL || mv_sync_has_gaps(t, k) ||
            !where_implied(&c, ix, qtext, nq, skip, &filtered))
            continue;
        if (filtered || !need_full) {
            need_scan(&c, qconj, nq, filtered ? skip : NULL, order, norder);
            need_full = !filtered;
        }
        if (c.need.bad || !index_serves(&c, ix, filtered)) continue;
        int64_t rows = index_rows(t, k);
        if (best < 0 || rows < best_rows) {
            best = k;
            best_rows = rows;
            best_filtered = filtered;
            memcpy(best_skip, skip, (size_t)nq + 1);
        }
    }
    if (best < 0) goto out;
    c.ix = t->indexes[best];
    SelectCore *nc = arena_memdup(a, core, sizeof *core);
    TableRef *nf = arena_memdup(a, from, sizeof *from);
    nf->rollup = arena_strdup(a, c.ix->name);
    nc->from = nf;
    nc->items = arena_alloc(a, sizeof(SelectItem) * (size_t)(core->nitems ? core->nitems : 1));
    for (int i = 0; i < core->nitems; i++) {
        const SelectItem *it = &core->items[i];
        nc->items[i].expr = rw(&c, it->expr, false);
        /* keep the column name the query would have had */
        nc->items[i].alias = it->alias                       ? it->alias
                             : it->expr->kind == EXPR_COLUMN ? it->expr->text
                             : it->expr->src                 ? it->expr->src
                                                             : NULL;
    }
    if (best_filtered) {
        /* the conjuncts the index's WHERE implies are true of every row it holds: dropped */
        nc->where = NULL;
        for (int j = 0; j < nq; j++)
            if (!best_skip[j]) nc->where = and_of(a, nc->where, rw(&c, qconj[j], false));
    } else {
        nc->where = rw(&c, core->where, false);
    }
    if (core->ngroup) {
        nc->group_by = arena_alloc(a, sizeof(Expr *) * (size_t)core->ngroup);
        for (int i = 0; i < core->ngroup; i++)
            nc->group_by[i] = rw(&c, core->group_by[i], false);
    }
    nc->having = rw(&c, core->having, true);
    OrderItem *no = NULL;
    if (norder) {
        no = arena_memdup(a, order, sizeof *order * (size_t)norder);
        for (int i = 0; i < norder; i++)
            no[i].expr = rw(&c, order[i].expr, true);
    }
    *core_out = nc;
    *order_out = no;
    done = true;
out:
    catalog_unlock();
    return done;
}
