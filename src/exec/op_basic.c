/* Streaming operators: values, scan, filter, project, limit and union all, plus the helpers every operator
 * shares (memory charging, kill checks, gathering rows, the EXPLAIN tree walk). */
#include <stdatomic.h>
#include <string.h>

#include "exec/operator.h"
#include "sql/ast.h"

Status exec_charge(ExecCtx *cx, int64_t bytes, Error *err) {
    if (bytes <= 0) return STATUS_OK;
    if (!mem_tracker_charge(cx->mem, bytes)) {
        return err_set(err, ERR_OUT_OF_MEMORY,
                       "Memory of this query exceeds query_mem_limit (%lld bytes); raise it with "
                       "SET query_mem_limit = <bytes> or make the query read less (filters, fewer groups)",
                       (long long)cx->mem->limit);
    }
    return STATUS_OK;
}

void exec_release(ExecCtx *cx, int64_t bytes) {
    if (bytes > 0) mem_tracker_release(cx->mem, bytes);
}

Status exec_check_killed(ExecCtx *cx, Error *err) {
    if (cx->session && session_killed(cx->session))
        return err_set(err, ERR_QUERY_INTERRUPTED, "Query execution was interrupted");
    return STATUS_OK;
}

ColumnVector *vec_gather(Arena *a, const ColumnVector *src, const uint32_t *sel, uint32_t n) {
    ColumnVector *v = vec_make(a, src->type, n);
    size_t cs = type_cell_size(src->type.id);
    switch (cs) {
    case 1: {
        const uint8_t *s = src->data;
        uint8_t *d = v->data;
        for (uint32_t i = 0; i < n; i++) d[i] = s[sel[i]];
        break;
    }
    case 4: {
        const uint32_t *s = src->data;
        uint32_t *d = v->data;
        for (uint32_t i = 0; i < n; i++) d[i] = s[sel[i]];
        break;
    }
    case 8: {
        const uint64_t *s = src->data;
        uint64_t *d = v->data;
        for (uint32_t i = 0; i < n; i++) d[i] = s[sel[i]];
        break;
    }
    case 2: {
        const uint16_t *s = src->data;
        uint16_t *d = v->data;
        for (uint32_t i = 0; i < n; i++) d[i] = s[sel[i]];
        break;
    }
    case 16: { /* Slice, LARGEINT, DECIMAL: two words (a memcpy of a runtime size is a call per row) */
        const uint64_t *s = src->data;
        uint64_t *d = v->data;
        for (uint32_t i = 0; i < n; i++) {
            d[2 * i] = s[2 * (size_t)sel[i]];
            d[2 * i + 1] = s[2 * (size_t)sel[i] + 1];
        }
        break;
    }
    default:
        for (uint32_t i = 0; i < n; i++) memcpy((char *)v->data + i * cs, (const char *)src->data + sel[i] * cs, cs);
    }
    if (src->nulls) {
        bool any = false;
        uint8_t *nl = arena_alloc(a, n ? n : 1);
        for (uint32_t i = 0; i < n; i++) any |= (nl[i] = src->nulls[sel[i]]) != 0;
        if (any) v->nulls = nl;
    }
    return v;
}

Batch *batch_empty(Arena *a, int ncols, const DataType *types) {
    return batch_new(a, ncols, types, 1);
}

static Operator *op_new(Arena *a, OpKind kind, int nchildren) {
    Operator *op = arena_calloc(a, sizeof *op);
    op->kind = kind;
    op->nchildren = nchildren;
    op->children = arena_calloc(a, sizeof(Operator *) * (size_t)(nchildren ? nchildren : 1));
    op->est_rows = -1;
    return op;
}

static Status open_children(Operator *op, ExecCtx *cx, Error *err) {
    for (int i = 0; i < op->nchildren; i++)
        if (op->children[i]->open(op->children[i], cx, err)) return STATUS_ERROR;
    return STATUS_OK;
}

static void close_children(Operator *op, ExecCtx *cx) {
    for (int i = 0; i < op->nchildren; i++)
        if (op->children[i]->close) op->children[i]->close(op->children[i], cx);
}

void op_explain_tree(const Operator *op, StrBuf *out, Arena *a, int depth) {
    for (int i = 0; i < depth; i++) sb_append(out, "  ");
    op->explain(op, out, a);
    sb_putc(out, '\n');
    /* the workers of a gather run copies of one pipeline: show it once */
    int shown = op->kind == OPK_GATHER ? 1 : op->nchildren;
    for (int i = 0; i < shown; i++) op_explain_tree(op->children[i], out, a, depth + 1);
}

/* ---------------------------------------------------------------- values */

typedef struct ValuesState {
    bool empty, done;
    Arena *arena;
} ValuesState;

static Status values_open(Operator *op, ExecCtx *cx, Error *err) {
    ValuesState *s = op->state;
    s->done = false;
    if (!s->arena) s->arena = arena_new(1024);
    return STATUS_OK;
}

static Status values_next(Operator *op, ExecCtx *cx, Batch **out, Error *err) {
    ValuesState *s = op->state;
    if (s->done || s->empty) {
        *out = NULL;
        return STATUS_OK;
    }
    s->done = true;
    arena_reset(s->arena);
    Batch *b = batch_new(s->arena, 0, NULL, 1);
    b->nrows = 1;
    *out = b;
    return STATUS_OK;
}

static void values_close(Operator *op, ExecCtx *cx) {
    ValuesState *s = op->state;
    arena_free(s->arena);
    s->arena = NULL;
}

static void values_explain(const Operator *op, StrBuf *out, Arena *a) {
    const ValuesState *s = op->state;
    sb_append(out, s->empty ? "EMPTY SET" : "ONE ROW");
}

Operator *op_values(Arena *a, bool empty) {
    Operator *op = op_new(a, OPK_VALUES, 0);
    ValuesState *s = arena_calloc(a, sizeof *s);
    s->empty = empty;
    op->state = s;
    op->open = values_open;
    op->next = values_next;
    op->close = values_close;
    op->explain = values_explain;
    op->est_rows = empty ? 0 : 1;
    return op;
}

/* ---------------------------------------------------------------- scan */

typedef struct ScanState {
    ScanSource *src;
    bool shared; /* claim units from src->claim (parallel workers) */
    int unit;
    ScanCursor *cur;
    Arena *arena;
} ScanState;

static Status scan_open(Operator *op, ExecCtx *cx, Error *err) {
    ScanState *s = op->state;
    s->unit = 0;
    s->cur = NULL;
    if (!s->arena) s->arena = arena_new(256 * 1024);
    return STATUS_OK;
}

static Status scan_next(Operator *op, ExecCtx *cx, Batch **out, Error *err) {
    ScanState *s = op->state;
    for (;;) {
        if (exec_check_killed(cx, err)) return STATUS_ERROR;
        if (!s->cur) {
            int unit = s->shared ? atomic_fetch_add(&s->src->claim, 1) : s->unit++;
            if (unit >= s->src->nunits) {
                *out = NULL;
                return STATUS_OK;
            }
            if (s->src->unit_open(s->src, unit, &s->cur, err)) return STATUS_ERROR;
        }
        arena_reset(s->arena);
        Batch *b = NULL;
        if (s->src->cursor_next(s->cur, s->arena, &b, err)) return STATUS_ERROR;
        if (!b) {
            s->src->cursor_close(s->cur);
            s->cur = NULL;
            continue;
        }
        if (b->nrows == 0) continue;
        *out = b;
        return STATUS_OK;
    }
}

static void scan_close(Operator *op, ExecCtx *cx) {
    ScanState *s = op->state;
    if (s->cur) s->src->cursor_close(s->cur);
    s->cur = NULL;
    arena_free(s->arena);
    s->arena = NULL;
}

static void scan_explain(const Operator *op, StrBuf *out, Arena *a) {
    const ScanState *s = op->state;
    const ScanSource *src = s->src;
    sb_appendf(out, "SCAN %s.%s", src->db ? src->db : "", src->table);
    if (src->parts_total > 0) {
        sb_appendf(out, " (partitions=%d/%d", src->parts_selected, src->parts_total);
        if (src->parts_selected < src->parts_total || src->parts_total > 1) {
            sb_append(out, " [");
            for (int i = 0; i < src->parts_selected; i++) sb_appendf(out, "%s%s", i ? ", " : "", src->part_names[i]);
            sb_append(out, "]");
        }
        sb_appendf(out, ", tablets=%d)", src->nunits);
    }
    if (src->npreds) sb_appendf(out, " zone-map predicates=%d", src->npreds);
}

Operator *op_scan(Arena *a, ScanSource *src) {
    Operator *op = op_new(a, OPK_SCAN, 0);
    ScanState *s = arena_calloc(a, sizeof *s);
    s->src = src;
    op->state = s;
    op->ncols = src->nproj;
    op->types = src->types;
    op->open = scan_open;
    op->next = scan_next;
    op->close = scan_close;
    op->explain = scan_explain;
    op->est_rows = src->est_rows;
    return op;
}

Operator *op_scan_shared(Arena *a, ScanSource *src) {
    Operator *op = op_scan(a, src);
    ((ScanState *)op->state)->shared = true;
    return op;
}

/* ---------------------------------------------------------------- filter */

typedef struct FilterState {
    BExpr *pred;
    BExpr **conj; /* the predicate's top-level conjuncts, evaluated one after another */
    int nconj;
    uint8_t *need; /* nconj x ncols: columns read by conjuncts c and later */
    Arena *arena;
} FilterState;

static Status filter_open(Operator *op, ExecCtx *cx, Error *err) {
    FilterState *s = op->state;
    if (!s->arena) s->arena = arena_new(256 * 1024);
    return open_children(op, cx, err);
}

static Batch *gather_batch(Arena *a, const Batch *in, const uint32_t *sel, uint32_t k) {
    Batch *b = arena_calloc(a, sizeof *b);
    b->ncols = in->ncols;
    b->nrows = k;
    b->arena = a;
    b->cols = arena_alloc(a, sizeof(ColumnVector *) * (size_t)(in->ncols ? in->ncols : 1));
    for (int c = 0; c < in->ncols; c++) b->cols[c] = vec_gather(a, in->cols[c], sel, k);
    return b;
}

static void mark_cols(const BExpr *e, uint8_t *used, int ncols) {
    if (e->kind == BE_COLUMN) {
        if (e->col >= 0 && e->col < ncols) used[e->col] = 1;
        return;
    }
    for (int i = 0; i < e->nargs; i++) mark_cols(e->args[i], used, ncols);
}

/* Conjuncts run one at a time over the rows still alive. When few survive, the columns later conjuncts read
 * are compacted to those rows (the others are not touched), and the batch is gathered once at the end. */
static Status filter_batch(FilterState *s, Batch *in, Batch **out, Error *err) {
    EvalCtx ec = {s->arena};
    Batch *cur = in;
    uint32_t *orig = NULL; /* row of `in` for each row of cur (NULL: the same) */
    uint32_t *sel = NULL, nalive = in->nrows;
    uint32_t *pass = arena_alloc(s->arena, sizeof(uint32_t) * (in->nrows ? in->nrows : 1));
    uint8_t *mark = NULL;
    for (int c = 0; c < s->nconj; c++) {
        if (sel && nalive < cur->nrows / 10 * 7) {
            Batch *nb = arena_calloc(s->arena, sizeof *nb);
            nb->ncols = in->ncols;
            nb->nrows = nalive;
            nb->arena = s->arena;
            nb->cols = arena_calloc(s->arena, sizeof(ColumnVector *) * (size_t)(in->ncols ? in->ncols : 1));
            const uint8_t *need = s->need + (size_t)c * (size_t)in->ncols;
            for (int k = 0; k < in->ncols; k++)
                if (need[k]) nb->cols[k] = vec_gather(s->arena, cur->cols[k], sel, nalive);
            uint32_t *no = arena_alloc(s->arena, sizeof(uint32_t) * (nalive ? nalive : 1));
            for (uint32_t i = 0; i < nalive; i++) no[i] = orig ? orig[sel[i]] : sel[i];
            orig = no;
            cur = nb;
            sel = NULL;
        }
        uint32_t np;
        if (bexpr_eval_filter(&ec, s->conj[c], cur, cur->nrows, pass, &np, err)) return STATUS_ERROR;
        if (!sel) {
            sel = pass;
            nalive = np;
            pass = arena_alloc(s->arena, sizeof(uint32_t) * (cur->nrows ? cur->nrows : 1));
        } else {
            if (!mark) mark = arena_alloc(s->arena, cur->nrows ? cur->nrows : 1);
            memset(mark, 0, cur->nrows);
            for (uint32_t i = 0; i < np; i++) mark[pass[i]] = 1;
            uint32_t k = 0;
            for (uint32_t i = 0; i < nalive; i++) {
                sel[k] = sel[i];
                k += mark[sel[i]];
            }
            nalive = k;
        }
        if (nalive == 0) {
            *out = NULL;
            return STATUS_OK;
        }
    }
    if (!orig && (!sel || nalive == in->nrows)) {
        *out = in;
        return STATUS_OK;
    }
    if (orig)
        for (uint32_t i = 0; i < nalive; i++) sel[i] = orig[sel[i]];
    *out = gather_batch(s->arena, in, sel, nalive);
    return STATUS_OK;
}

static Status filter_next(Operator *op, ExecCtx *cx, Batch **out, Error *err) {
    FilterState *s = op->state;
    Operator *child = op->children[0];
    for (;;) {
        Batch *in;
        if (child->next(child, cx, &in, err)) return STATUS_ERROR;
        if (!in) {
            *out = NULL;
            return STATUS_OK;
        }
        arena_reset(s->arena);
        Batch *b;
        if (filter_batch(s, in, &b, err)) return STATUS_ERROR;
        if (!b) continue;
        *out = b;
        return STATUS_OK;
    }
}

static void filter_close(Operator *op, ExecCtx *cx) {
    FilterState *s = op->state;
    arena_free(s->arena);
    s->arena = NULL;
    close_children(op, cx);
}

static void filter_explain(const Operator *op, StrBuf *out, Arena *a) {
    const FilterState *s = op->state;
    sb_appendf(out, "FILTER %s", bexpr_to_text(a, s->pred));
}

Operator *op_filter(Arena *a, Operator *child, BExpr *pred) {
    Operator *op = op_new(a, OPK_FILTER, 1);
    op->children[0] = child;
    FilterState *s = arena_calloc(a, sizeof *s);
    s->pred = pred;
    if (pred->kind == BE_AND) {
        s->conj = pred->args;
        s->nconj = pred->nargs;
    } else {
        s->conj = arena_alloc(a, sizeof(BExpr *));
        s->conj[0] = pred;
        s->nconj = 1;
    }
    int nc = child->ncols;
    s->need = arena_calloc(a, (size_t)s->nconj * (size_t)(nc ? nc : 1));
    for (int c = s->nconj - 1; c >= 0; c--) {
        uint8_t *row = s->need + (size_t)c * (size_t)nc;
        if (c + 1 < s->nconj) memcpy(row, row + nc, (size_t)nc);
        mark_cols(s->conj[c], row, nc);
    }
    op->state = s;
    op->ncols = child->ncols;
    op->types = child->types;
    op->open = filter_open;
    op->next = filter_next;
    op->close = filter_close;
    op->explain = filter_explain;
    op->est_rows = child->est_rows < 0 ? -1 : child->est_rows / 2;
    return op;
}

/* ---------------------------------------------------------------- project */

typedef struct ProjectState {
    BExpr **exprs;
    int n;
    Arena *arena;
} ProjectState;

static Status project_open(Operator *op, ExecCtx *cx, Error *err) {
    ProjectState *s = op->state;
    if (!s->arena) s->arena = arena_new(256 * 1024);
    return open_children(op, cx, err);
}

static Status project_next(Operator *op, ExecCtx *cx, Batch **out, Error *err) {
    ProjectState *s = op->state;
    Operator *child = op->children[0];
    Batch *in;
    if (child->next(child, cx, &in, err)) return STATUS_ERROR;
    if (!in) {
        *out = NULL;
        return STATUS_OK;
    }
    arena_reset(s->arena);
    EvalCtx ec = {s->arena};
    Batch *b = arena_calloc(s->arena, sizeof *b);
    b->ncols = s->n;
    b->nrows = in->nrows;
    b->arena = s->arena;
    b->cols = arena_alloc(s->arena, sizeof(ColumnVector *) * (size_t)(s->n ? s->n : 1));
    for (int i = 0; i < s->n; i++)
        if (bexpr_eval(&ec, s->exprs[i], in, in->nrows, &b->cols[i], err)) return STATUS_ERROR;
    *out = b;
    return STATUS_OK;
}

static void project_close(Operator *op, ExecCtx *cx) {
    ProjectState *s = op->state;
    arena_free(s->arena);
    s->arena = NULL;
    close_children(op, cx);
}

static void project_explain(const Operator *op, StrBuf *out, Arena *a) {
    const ProjectState *s = op->state;
    sb_append(out, "PROJECT [");
    for (int i = 0; i < s->n; i++) sb_appendf(out, "%s%s", i ? ", " : "", bexpr_to_text(a, s->exprs[i]));
    sb_append(out, "]");
}

Operator *op_project(Arena *a, Operator *child, BExpr **exprs, int n) {
    Operator *op = op_new(a, OPK_PROJECT, 1);
    op->children[0] = child;
    ProjectState *s = arena_calloc(a, sizeof *s);
    s->exprs = exprs;
    s->n = n;
    op->state = s;
    op->ncols = n;
    op->types = arena_alloc(a, sizeof(DataType) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) op->types[i] = exprs[i]->type;
    op->open = project_open;
    op->next = project_next;
    op->close = project_close;
    op->explain = project_explain;
    op->est_rows = child->est_rows;
    return op;
}

/* ---------------------------------------------------------------- limit */

typedef struct LimitState {
    int64_t limit, offset;
    int64_t skipped, emitted;
    Arena *arena;
} LimitState;

static Status limit_open(Operator *op, ExecCtx *cx, Error *err) {
    LimitState *s = op->state;
    s->skipped = s->emitted = 0;
    if (!s->arena) s->arena = arena_new(64 * 1024);
    return open_children(op, cx, err);
}

static Status limit_next(Operator *op, ExecCtx *cx, Batch **out, Error *err) {
    LimitState *s = op->state;
    Operator *child = op->children[0];
    for (;;) {
        if (s->limit >= 0 && s->emitted >= s->limit) {
            *out = NULL; /* stop pulling: the child (and its scan) ends here */
            return STATUS_OK;
        }
        Batch *in;
        if (child->next(child, cx, &in, err)) return STATUS_ERROR;
        if (!in) {
            *out = NULL;
            return STATUS_OK;
        }
        uint32_t from = 0, n = in->nrows;
        if (s->skipped < s->offset) {
            int64_t skip = s->offset - s->skipped;
            if (skip >= n) {
                s->skipped += n;
                continue;
            }
            from = (uint32_t)skip;
            s->skipped += skip;
            n -= (uint32_t)skip;
        }
        if (s->limit >= 0 && s->emitted + n > s->limit) n = (uint32_t)(s->limit - s->emitted);
        s->emitted += n;
        if (from == 0 && n == in->nrows) {
            *out = in;
            return STATUS_OK;
        }
        arena_reset(s->arena);
        uint32_t *sel = arena_alloc(s->arena, sizeof(uint32_t) * (n ? n : 1));
        for (uint32_t i = 0; i < n; i++) sel[i] = from + i;
        Batch *b = arena_calloc(s->arena, sizeof *b);
        b->ncols = in->ncols;
        b->nrows = n;
        b->arena = s->arena;
        b->cols = arena_alloc(s->arena, sizeof(ColumnVector *) * (size_t)(in->ncols ? in->ncols : 1));
        for (int c = 0; c < in->ncols; c++) b->cols[c] = vec_gather(s->arena, in->cols[c], sel, n);
        *out = b;
        return STATUS_OK;
    }
}

static void limit_close(Operator *op, ExecCtx *cx) {
    LimitState *s = op->state;
    arena_free(s->arena);
    s->arena = NULL;
    close_children(op, cx);
}

static void limit_explain(const Operator *op, StrBuf *out, Arena *a) {
    const LimitState *s = op->state;
    sb_appendf(out, "LIMIT %lld", (long long)s->limit);
    if (s->offset) sb_appendf(out, " OFFSET %lld", (long long)s->offset);
}

Operator *op_limit(Arena *a, Operator *child, int64_t limit, int64_t offset) {
    Operator *op = op_new(a, OPK_LIMIT, 1);
    op->children[0] = child;
    LimitState *s = arena_calloc(a, sizeof *s);
    s->limit = limit;
    s->offset = offset;
    op->state = s;
    op->ncols = child->ncols;
    op->types = child->types;
    op->open = limit_open;
    op->next = limit_next;
    op->close = limit_close;
    op->explain = limit_explain;
    op->est_rows = limit >= 0 ? limit : child->est_rows;
    return op;
}

/* ---------------------------------------------------------------- union all */

typedef struct UnionState {
    int cur;
} UnionState;

static Status union_open(Operator *op, ExecCtx *cx, Error *err) {
    UnionState *s = op->state;
    s->cur = 0;
    return open_children(op, cx, err);
}

static Status union_next(Operator *op, ExecCtx *cx, Batch **out, Error *err) {
    UnionState *s = op->state;
    while (s->cur < op->nchildren) {
        Operator *c = op->children[s->cur];
        Batch *in;
        if (c->next(c, cx, &in, err)) return STATUS_ERROR;
        if (in) {
            *out = in;
            return STATUS_OK;
        }
        s->cur++;
    }
    *out = NULL;
    return STATUS_OK;
}

static void union_explain(const Operator *op, StrBuf *out, Arena *a) {
    sb_append(out, "UNION ALL");
}

Operator *op_union_all(Arena *a, Operator **children, int n) {
    Operator *op = op_new(a, OPK_UNION, n);
    int64_t est = 0;
    for (int i = 0; i < n; i++) {
        op->children[i] = children[i];
        est = est < 0 || children[i]->est_rows < 0 ? -1 : est + children[i]->est_rows;
    }
    op->state = arena_calloc(a, sizeof(UnionState));
    op->ncols = children[0]->ncols;
    op->types = children[0]->types;
    op->open = union_open;
    op->next = union_next;
    op->close = close_children;
    op->explain = union_explain;
    op->est_rows = est;
    return op;
}
