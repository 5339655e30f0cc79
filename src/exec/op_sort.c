/* ORDER BY: a full sort (materialize every row, sort row ids, emit in order) and top-N for ORDER BY ... LIMIT,
 * which keeps only the best limit+offset rows: once it holds enough, a row that does not beat the current
 * last kept row is dropped at once, so top-10 over millions of rows stays small and fast.
 * NULL ordering: NULLS FIRST for ASC and NULLS LAST for DESC unless written (StarRocks and MySQL). */
#include <stdlib.h>
#include <string.h>

#include "exec/operator.h"
#include "exec/rowstore.h"

static inline int cmp_cells(TypeId t, const void *a, const void *b) {
    switch (t) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: {
        int8_t x = *(const int8_t *)a, y = *(const int8_t *)b;
        return (x > y) - (x < y);
    }
    case TYPE_SMALLINT: {
        int16_t x = *(const int16_t *)a, y = *(const int16_t *)b;
        return (x > y) - (x < y);
    }
    case TYPE_INT:
    case TYPE_DATE: {
        int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
        return (x > y) - (x < y);
    }
    case TYPE_BIGINT:
    case TYPE_DATETIME: {
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
    }
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: {
        int128_t x, y;
        memcpy(&x, a, 16);
        memcpy(&y, b, 16);
        return (x > y) - (x < y);
    }
    case TYPE_FLOAT: {
        float x = *(const float *)a, y = *(const float *)b;
        return (x > y) - (x < y);
    }
    case TYPE_DOUBLE: {
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
    }
    case TYPE_NULL: return 0;
    default: {
        const Slice *x = a, *y = b;
        uint32_t m = x->len < y->len ? x->len : y->len;
        int c = m ? memcmp(x->ptr, y->ptr, m) : 0;
        if (c) return c < 0 ? -1 : 1;
        return (x->len > y->len) - (x->len < y->len);
    }
    }
}

/* Compares row ia of batch a with row ib of batch b on the sort keys. */
static int cmp_rows(const SortKey *keys, int nkeys, const Batch *a, uint32_t ia, const Batch *b, uint32_t ib) {
    for (int k = 0; k < nkeys; k++) {
        const ColumnVector *va = a->cols[keys[k].col], *vb = b->cols[keys[k].col];
        bool na = colvec_is_null(va, ia) || va->type.id == TYPE_NULL, nb = colvec_is_null(vb, ib) || vb->type.id == TYPE_NULL;
        int c;
        if (na || nb) {
            if (na && nb) continue;
            c = na ? -1 : 1;
            if (!keys[k].nulls_first) c = -c;
            return c; /* NULL placement does not flip with DESC: it is stated explicitly */
        }
        c = cmp_cells(va->type.id, colvec_cell(va, ia), colvec_cell(vb, ib));
        if (c) return keys[k].desc ? -c : c;
    }
    return 0;
}

typedef struct SortCtx {
    const RowStore *rs;
    const SortKey *keys;
    int nkeys;
} SortCtx;

static int sort_cmp(const void *x, const void *y, void *arg) {
    const SortCtx *sc = arg;
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    int c = cmp_rows(sc->keys, sc->nkeys, rowstore_chunk(sc->rs, a), rowstore_off(a), rowstore_chunk(sc->rs, b),
                     rowstore_off(b));
    if (c) return c;
    return (a > b) - (a < b); /* stable */
}

typedef struct SortState {
    SortKey *keys;
    int nkeys;
    int64_t limit, offset; /* top-N only; limit -1 = full sort */
    RowStore rows;
    uint32_t *order;
    uint32_t norder, pos;
    bool loaded;
    int64_t charged;
    Arena *arena;
} SortState;

static void explain_keys(const SortState *s, StrBuf *out) {
    for (int i = 0; i < s->nkeys; i++)
        sb_appendf(out, "%s#%d %s%s", i ? ", " : "", s->keys[i].col, s->keys[i].desc ? "DESC" : "ASC",
                   s->keys[i].nulls_first == s->keys[i].desc ? (s->keys[i].nulls_first ? " NULLS FIRST" : " NULLS LAST") : "");
}

static void sort_explain(const Operator *op, StrBuf *out, Arena *a) {
    const SortState *s = op->state;
    sb_append(out, s->limit >= 0 ? "TOP-N (order by: " : "SORT (order by: ");
    explain_keys(s, out);
    if (s->limit >= 0) sb_appendf(out, ", limit: %lld", (long long)s->limit);
    if (s->offset) sb_appendf(out, ", offset: %lld", (long long)s->offset);
    sb_append(out, ")");
}

static Status sort_open(Operator *op, ExecCtx *cx, Error *err) {
    SortState *s = op->state;
    rowstore_init(&s->rows, op->ncols, op->types);
    s->loaded = false;
    s->order = NULL;
    s->norder = s->pos = 0;
    s->charged = 0;
    if (!s->arena) s->arena = arena_new(256 * 1024);
    return op->children[0]->open(op->children[0], cx, err);
}

static Status charge_store(SortState *s, ExecCtx *cx, Error *err) {
    int64_t now = (int64_t)rowstore_bytes(&s->rows) + (int64_t)s->norder * 4;
    int64_t delta = now - s->charged;
    if (delta > 0) {
        s->charged = now;
        if (exec_charge(cx, delta, err)) return STATUS_ERROR;
    } else if (delta < 0) {
        exec_release(cx, -delta);
        s->charged = now;
    }
    return STATUS_OK;
}

static void sort_ids(SortState *s) {
    free(s->order);
    s->norder = s->rows.nrows;
    s->order = malloc(sizeof(uint32_t) * (s->norder ? s->norder : 1));
    for (uint32_t i = 0; i < s->norder; i++) s->order[i] = i;
    SortCtx sc = {&s->rows, s->keys, s->nkeys};
    qsort_r(s->order, s->norder, sizeof(uint32_t), sort_cmp, &sc);
}

/* Top-N: keeps the best `keep` rows of the store (sorted), dropping the rest. */
static void topn_shrink(SortState *s, uint32_t keep) {
    sort_ids(s);
    if (s->norder <= keep) return;
    RowStore nr;
    rowstore_init(&nr, s->rows.ncols, s->rows.types);
    Arena *tmp = arena_new(0);
    for (uint32_t off = 0; off < keep; off += BATCH_SIZE) {
        uint32_t n = keep - off < BATCH_SIZE ? keep - off : BATCH_SIZE;
        Batch *b = arena_calloc(tmp, sizeof *b);
        b->ncols = s->rows.ncols;
        b->nrows = n;
        b->cols = arena_alloc(tmp, sizeof(ColumnVector *) * (size_t)(b->ncols ? b->ncols : 1));
        for (int c = 0; c < b->ncols; c++) b->cols[c] = rowstore_gather(tmp, &s->rows, c, s->order + off, n);
        rowstore_append(&nr, b, NULL, n);
        arena_reset(tmp);
    }
    arena_free(tmp);
    rowstore_free(&s->rows);
    s->rows = nr;
    for (uint32_t i = 0; i < keep; i++) s->order[i] = i;
    s->norder = keep;
}

static Status sort_load(Operator *op, ExecCtx *cx, Error *err) {
    SortState *s = op->state;
    Operator *child = op->children[0];
    uint32_t keep = 0;
    if (s->limit >= 0) keep = (uint32_t)(s->limit + s->offset > UINT32_MAX / 4 ? UINT32_MAX / 4 : s->limit + s->offset);
    bool have_threshold = false;
    uint32_t *sel = malloc(sizeof(uint32_t) * BATCH_SIZE * 4);
    uint32_t selcap = BATCH_SIZE * 4;
    Status st = STATUS_OK;
    for (;;) {
        Batch *in;
        if ((st = child->next(child, cx, &in, err))) break;
        if (!in) break;
        if (s->limit >= 0 && keep == 0) continue;
        if (in->nrows > selcap) {
            selcap = in->nrows;
            sel = realloc(sel, sizeof(uint32_t) * selcap);
        }
        uint32_t n = 0;
        if (have_threshold) {
            /* only rows strictly better than the current last kept row can enter the top N */
            uint32_t last = keep - 1;
            const Batch *tb = rowstore_chunk(&s->rows, last);
            uint32_t toff = rowstore_off(last);
            for (uint32_t i = 0; i < in->nrows; i++)
                if (cmp_rows(s->keys, s->nkeys, in, i, tb, toff) < 0) sel[n++] = i;
            if (n == 0) continue;
            rowstore_append(&s->rows, in, sel, n);
        } else {
            rowstore_append(&s->rows, in, NULL, in->nrows);
        }
        if (s->limit >= 0 && s->rows.nrows >= keep + (keep > BATCH_SIZE ? keep : BATCH_SIZE)) {
            topn_shrink(s, keep);
            have_threshold = true;
        }
        if ((st = charge_store(s, cx, err))) break;
    }
    free(sel);
    if (st) return st;
    if (s->limit >= 0) {
        topn_shrink(s, keep);
    } else {
        sort_ids(s);
    }
    s->pos = s->limit >= 0 ? (uint32_t)(s->offset < s->norder ? s->offset : s->norder) : 0;
    s->loaded = true;
    return charge_store(s, cx, err);
}

static Status sort_next(Operator *op, ExecCtx *cx, Batch **out, Error *err) {
    SortState *s = op->state;
    if (!s->loaded && sort_load(op, cx, err)) return STATUS_ERROR;
    if (s->pos >= s->norder) {
        *out = NULL;
        return STATUS_OK;
    }
    uint32_t n = s->norder - s->pos < BATCH_SIZE ? s->norder - s->pos : BATCH_SIZE;
    arena_reset(s->arena);
    Batch *b = arena_calloc(s->arena, sizeof *b);
    b->ncols = op->ncols;
    b->nrows = n;
    b->arena = s->arena;
    b->cols = arena_alloc(s->arena, sizeof(ColumnVector *) * (size_t)(op->ncols ? op->ncols : 1));
    for (int c = 0; c < op->ncols; c++) b->cols[c] = rowstore_gather(s->arena, &s->rows, c, s->order + s->pos, n);
    s->pos += n;
    *out = b;
    return STATUS_OK;
}

static void sort_close(Operator *op, ExecCtx *cx) {
    SortState *s = op->state;
    exec_release(cx, s->charged);
    s->charged = 0;
    rowstore_free(&s->rows);
    free(s->order);
    s->order = NULL;
    arena_free(s->arena);
    s->arena = NULL;
    op->children[0]->close(op->children[0], cx);
}

static Operator *make_sort(Arena *a, Operator *child, const SortKey *keys, int nkeys, int64_t limit, int64_t offset) {
    Operator *op = arena_calloc(a, sizeof *op);
    op->kind = limit >= 0 ? OPK_TOPN : OPK_SORT;
    op->nchildren = 1;
    op->children = arena_alloc(a, sizeof(Operator *));
    op->children[0] = child;
    SortState *s = arena_calloc(a, sizeof *s);
    s->keys = arena_memdup(a, keys, sizeof(SortKey) * (size_t)(nkeys ? nkeys : 1));
    s->nkeys = nkeys;
    s->limit = limit;
    s->offset = offset;
    op->state = s;
    op->ncols = child->ncols;
    op->types = child->types;
    op->open = sort_open;
    op->next = sort_next;
    op->close = sort_close;
    op->explain = sort_explain;
    op->est_rows = limit >= 0 ? limit : child->est_rows;
    return op;
}

Operator *op_sort(Arena *a, Operator *child, const SortKey *keys, int nkeys) {
    return make_sort(a, child, keys, nkeys, -1, 0);
}

Operator *op_topn(Arena *a, Operator *child, const SortKey *keys, int nkeys, int64_t limit, int64_t offset) {
    return make_sort(a, child, keys, nkeys, limit, offset);
}
