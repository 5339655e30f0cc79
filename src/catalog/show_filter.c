/* SHOW result helpers: rows built as text, then filtered by LIKE and WHERE, ordered and limited before
 * they are sent. WHERE is evaluated here over the row's text cells (comparisons, LIKE, IN, AND/OR/NOT,
 * IS NULL) because SHOW output is small and must not depend on the query engine. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/ddl_int.h"
#include "util/str.h"

void show_rows_init(ShowRows *r, int ncols) {
    memset(r, 0, sizeof *r);
    r->ncols = ncols;
}

void show_rows_add(ShowRows *r, const char *const *cells) {
    if (r->nrows == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->cells = realloc(r->cells, (size_t)r->cap * (size_t)r->ncols * sizeof *r->cells);
        if (!r->cells) abort();
    }
    char **row = r->cells + (size_t)r->nrows * (size_t)r->ncols;
    for (int i = 0; i < r->ncols; i++) row[i] = cells[i] ? cat_strdup(cells[i]) : NULL;
    r->nrows++;
}

void show_rows_free(ShowRows *r) {
    for (size_t i = 0; i < (size_t)r->nrows * (size_t)r->ncols; i++) free(r->cells[i]);
    free(r->cells);
    memset(r, 0, sizeof *r);
}

/* ---------------------------------------------------------------- WHERE evaluation */

typedef enum { V_NULL, V_STR, V_NUM, V_BOOL } VKind;

typedef struct Val {
    VKind kind;
    const char *s;
    double n;
    bool b;
} Val;

static bool as_number(const char *s, double *out) {
    if (!s || !*s) return false;
    char *end;
    *out = strtod(s, &end);
    while (*end == ' ') end++;
    return *end == '\0';
}

static int compare_vals(const Val *a, const Val *b) {
    double x = 0, y = 0;
    bool an = a->kind == V_NUM || (a->kind == V_STR && as_number(a->s, &x));
    bool bn = b->kind == V_NUM || (b->kind == V_STR && as_number(b->s, &y));
    if (a->kind == V_NUM) x = a->n;
    if (b->kind == V_NUM) y = b->n;
    if (a->kind == V_BOOL) {
        x = a->b;
        an = true;
    }
    if (b->kind == V_BOOL) {
        y = b->b;
        bn = true;
    }
    if (an && bn) return x < y ? -1 : x > y;
    char bufa[64], bufb[64];
    const char *sa = a->s, *sb = b->s;
    if (a->kind != V_STR) {
        snprintf(bufa, sizeof bufa, "%g", x);
        sa = bufa;
    }
    if (b->kind != V_STR) {
        snprintf(bufb, sizeof bufb, "%g", y);
        sb = bufb;
    }
    /* SHOW output compares with the default, case-insensitive collation. */
    int c = strcasecmp(sa, sb);
    return c < 0 ? -1 : c > 0;
}

static bool truthy(const Val *v) {
    if (v->kind == V_BOOL) return v->b;
    if (v->kind == V_NUM) return v->n != 0;
    double d;
    if (v->kind == V_STR) return as_number(v->s, &d) && d != 0;
    return false;
}

typedef struct EvalCtx {
    const ResultColumn *cols;
    int ncols;
    const char *const *row;
} EvalCtx;

static Status eval(const EvalCtx *c, const Expr *e, Val *out, Error *err);

static Val vbool(bool b) {
    Val v = {V_BOOL, NULL, 0, b};
    return v;
}

static Status eval(const EvalCtx *c, const Expr *e, Val *out, Error *err) {
    Val a, b;
    memset(out, 0, sizeof *out);
    switch (e->kind) {
    case EXPR_NULL: out->kind = V_NULL; return STATUS_OK;
    case EXPR_BOOL: *out = vbool(e->ival != 0); return STATUS_OK;
    case EXPR_INT:
    case EXPR_DECIMAL:
    case EXPR_FLOAT:
        out->kind = V_NUM;
        out->n = strtod(e->text, NULL);
        return STATUS_OK;
    case EXPR_STRING:
    case EXPR_DATE:
    case EXPR_DATETIME:
        out->kind = V_STR;
        out->s = e->text;
        return STATUS_OK;
    case EXPR_COLUMN:
        for (int i = 0; i < c->ncols; i++) {
            if (strcasecmp(c->cols[i].name, e->text)) continue;
            out->kind = c->row[i] ? V_STR : V_NULL;
            out->s = c->row[i];
            return STATUS_OK;
        }
        return err_set(err, ERR_BAD_FIELD, "Unknown column '%s' in 'where clause'", e->text);
    case EXPR_UNARY:
        if (eval(c, e->left, &a, err)) return STATUS_ERROR;
        if (e->op == OP_NOT) {
            *out = a.kind == V_NULL ? a : vbool(!truthy(&a));
            return STATUS_OK;
        }
        if (e->op == OP_NEG && a.kind != V_NULL) {
            double d = a.kind == V_NUM ? a.n : 0;
            if (a.kind == V_STR) as_number(a.s, &d);
            out->kind = V_NUM;
            out->n = -d;
            return STATUS_OK;
        }
        *out = a;
        return STATUS_OK;
    case EXPR_BINARY:
        if (e->op == OP_AND || e->op == OP_OR) {
            if (eval(c, e->left, &a, err) || eval(c, e->right, &b, err)) return STATUS_ERROR;
            bool x = truthy(&a), y = truthy(&b);
            *out = vbool(e->op == OP_AND ? x && y : x || y);
            return STATUS_OK;
        }
        if (eval(c, e->left, &a, err) || eval(c, e->right, &b, err)) return STATUS_ERROR;
        if (a.kind == V_NULL || b.kind == V_NULL) {
            *out = e->op == OP_NULL_SAFE_EQ ? vbool(a.kind == b.kind) : (Val){V_NULL, NULL, 0, false};
            return STATUS_OK;
        }
        switch (e->op) {
        case OP_EQ:
        case OP_NULL_SAFE_EQ: *out = vbool(compare_vals(&a, &b) == 0); break;
        case OP_NE: *out = vbool(compare_vals(&a, &b) != 0); break;
        case OP_LT: *out = vbool(compare_vals(&a, &b) < 0); break;
        case OP_LE: *out = vbool(compare_vals(&a, &b) <= 0); break;
        case OP_GT: *out = vbool(compare_vals(&a, &b) > 0); break;
        case OP_GE: *out = vbool(compare_vals(&a, &b) >= 0); break;
        default: return err_set(err, ERR_NOT_SUPPORTED, "this operator is not supported in a SHOW ... WHERE clause");
        }
        return STATUS_OK;
    case EXPR_LIKE:
        if (eval(c, e->left, &a, err) || eval(c, e->right, &b, err)) return STATUS_ERROR;
        if (a.kind != V_STR || b.kind != V_STR) {
            out->kind = V_NULL;
            return STATUS_OK;
        }
        if (e->ival) return err_set(err, ERR_NOT_SUPPORTED, "REGEXP is not supported in a SHOW ... WHERE clause");
        *out = vbool(str_like(a.s, strlen(a.s), b.s, strlen(b.s), true) != e->negated);
        return STATUS_OK;
    case EXPR_IN_LIST: {
        if (eval(c, e->left, &a, err)) return STATUS_ERROR;
        bool hit = false;
        for (int i = 0; i < e->nargs && !hit; i++) {
            if (eval(c, e->args[i], &b, err)) return STATUS_ERROR;
            hit = a.kind != V_NULL && b.kind != V_NULL && compare_vals(&a, &b) == 0;
        }
        *out = vbool(hit != e->negated);
        return STATUS_OK;
    }
    case EXPR_IS_NULL:
        if (eval(c, e->left, &a, err)) return STATUS_ERROR;
        *out = vbool((a.kind == V_NULL) != e->negated);
        return STATUS_OK;
    case EXPR_BETWEEN: {
        Val lo, hi;
        if (eval(c, e->left, &a, err) || eval(c, e->right, &lo, err) || eval(c, e->third, &hi, err))
            return STATUS_ERROR;
        bool in = a.kind != V_NULL && compare_vals(&a, &lo) >= 0 && compare_vals(&a, &hi) <= 0;
        *out = vbool(in != e->negated);
        return STATUS_OK;
    }
    default: return err_set(err, ERR_NOT_SUPPORTED, "this expression is not supported in a SHOW ... WHERE clause");
    }
}

Status show_where_match(const Expr *where, const ResultColumn *cols, int ncols, const char *const *row,
                        bool *match, Error *err) {
    EvalCtx c = {cols, ncols, row};
    Val v;
    if (eval(&c, where, &v, err)) return STATUS_ERROR;
    *match = truthy(&v);
    return STATUS_OK;
}

/* ---------------------------------------------------------------- ordering and sending */

typedef struct SortCtx {
    int ncols;
    int *keys;
    bool *desc;
    int nkeys;
} SortCtx;

static _Thread_local SortCtx *t_sort;

static int cmp_rows(const void *pa, const void *pb) {
    const char *const *a = *(const char *const *const *)pa;
    const char *const *b = *(const char *const *const *)pb;
    for (int k = 0; k < t_sort->nkeys; k++) {
        int c = t_sort->keys[k];
        Val va = {a[c] ? V_STR : V_NULL, a[c], 0, false}, vb = {b[c] ? V_STR : V_NULL, b[c], 0, false};
        int r;
        if (va.kind == V_NULL || vb.kind == V_NULL)
            r = va.kind == vb.kind ? 0 : va.kind == V_NULL ? -1 : 1;
        else
            r = compare_vals(&va, &vb);
        if (r) return t_sort->desc[k] ? -r : r;
    }
    return 0;
}

Status show_send(ResultSink *out, const ResultColumn *cols, int ncols, ShowRows *rows, const ShowStmt *sh,
                 int like_col, Error *err) {
    const char **keep = calloc((size_t)(rows->nrows ? rows->nrows : 1), sizeof *keep);
    const char *const **ptrs = calloc((size_t)(rows->nrows ? rows->nrows : 1), sizeof *ptrs);
    if (!keep || !ptrs) abort();
    int n = 0;
    Status st = STATUS_OK;
    for (int r = 0; r < rows->nrows && !st; r++) {
        const char *const *row = (const char *const *)rows->cells + (size_t)r * (size_t)ncols;
        if (sh && sh->like && like_col >= 0) {
            const char *v = row[like_col] ? row[like_col] : "";
            if (!str_like(v, strlen(v), sh->like, strlen(sh->like), true)) continue;
        }
        if (sh && sh->where) {
            bool m = false;
            if ((st = show_where_match(sh->where, cols, ncols, row, &m, err))) break;
            if (!m) continue;
        }
        ptrs[n++] = row;
    }
    if (!st && sh && sh->norder) {
        SortCtx sc = {ncols, calloc((size_t)sh->norder, sizeof(int)), calloc((size_t)sh->norder, sizeof(bool)),
                      sh->norder};
        for (int k = 0; k < sh->norder && !st; k++) {
            const Expr *e = sh->order_by[k].expr;
            int c = -1;
            if (e->kind == EXPR_INT && e->ival >= 1 && e->ival <= ncols) c = (int)e->ival - 1;
            for (int i = 0; e->kind == EXPR_COLUMN && i < ncols; i++)
                if (!strcasecmp(cols[i].name, e->text)) c = i;
            if (c < 0) st = err_set(err, ERR_BAD_FIELD, "Unknown column '%s' in 'order clause'", e->src ? e->src : "?");
            sc.keys[k] = c;
            sc.desc[k] = sh->order_by[k].desc;
        }
        if (!st) {
            t_sort = &sc;
            qsort(ptrs, (size_t)n, sizeof *ptrs, cmp_rows);
            t_sort = NULL;
        }
        free(sc.keys);
        free(sc.desc);
    }
    if (!st) {
        int from = sh && sh->offset > 0 ? (int)(sh->offset < n ? sh->offset : n) : 0;
        int to = n;
        if (sh && sh->limit >= 0 && from + sh->limit < to) to = from + (int)sh->limit;
        st = out->columns(out, cols, ncols, err);
        size_t *lens = calloc((size_t)ncols, sizeof *lens);
        for (int r = from; r < to && !st; r++) {
            for (int c = 0; c < ncols; c++) lens[c] = ptrs[r][c] ? strlen(ptrs[r][c]) : 0;
            st = out->row(out, ptrs[r], lens, err);
        }
        free(lens);
        if (!st) st = out->end(out, err);
    }
    free(keep);
    free(ptrs);
    return st;
}
