/* Tablet reader: concatenation, or a k-way merge of sorted runs (a whole rowset whose segments do
 * not overlap, else each segment) ordered by (key, age), filled a batch at a time and reduced by
 * the key model. The row of a key group that may continue into the next batch is carried over
 * already reduced, so a key repeated across any number of batches still folds correctly. */
#include "storage/tablet_reader.h"

#include <stdlib.h>
#include <string.h>

#include "storage/key_merge.h"
#include "storage/read_int.h"
#include "storage/row_sort.h"

typedef struct Run {
    RowsetReader *rr;
    Arena *arena; /* the current block */
    RowBlock blk;
    uint32_t pos;
    int rank; /* higher = newer */
} Run;

struct TabletReader {
    const TabletSchema *schema;
    ReadOptions opts;
    ReadStats stats;
    Arena *arena;
    int *proj;
    int nproj;
    bool out_op;  /* output the op column */
    bool merging; /* k-way merge (else concatenate) */
    bool reduce;  /* apply the key model */
    bool need_op;
    const RowsetMeta *const *rowsets;
    int nrowsets;
    const char *dir;
    /* concatenation */
    int next_rowset;
    RowsetReader *cur;
    /* merge */
    Run *runs;
    int nruns;
    int *heap;
    int heap_len;
    const bool *read_cols;
    Arena *mb_arena[2];
    int mb_cur;
    RowBlock carry; /* one reduced row in mb_arena[mb_cur] when has_carry */
    bool has_carry;
    bool exhausted;
};

const ReadStats *tablet_reader_stats(const TabletReader *r) {
    return &r->stats;
}

static bool run_less(const TabletReader *r, int a, int b) {
    const Run *x = &r->runs[a], *y = &r->runs[b];
    int c = row_key_compare(x->blk.cols, x->pos, y->blk.cols, y->pos, r->schema->nkeys);
    return c < 0 || (c == 0 && x->rank < y->rank);
}

static void sift_down(TabletReader *r, int i) {
    for (;;) {
        int l = 2 * i + 1, m = i;
        if (l < r->heap_len && run_less(r, r->heap[l], r->heap[m])) m = l;
        if (l + 1 < r->heap_len && run_less(r, r->heap[l + 1], r->heap[m])) m = l + 1;
        if (m == i) return;
        int t = r->heap[i];
        r->heap[i] = r->heap[m];
        r->heap[m] = t;
        i = m;
    }
}

/* Loads the run's next block; false when the run is finished. */
static Status run_load(TabletReader *r, Run *run, bool *has_rows, Error *err) {
    arena_reset(run->arena);
    if (rowset_reader_next_block(run->rr, run->arena, &run->blk, err)) return STATUS_ERROR;
    run->pos = 0;
    *has_rows = run->blk.nrows > 0;
    return STATUS_OK;
}

static Status open_runs(TabletReader *r, Error *err) {
    int cap = 0;
    for (int i = 0; i < r->nrowsets; i++)
        cap += r->rowsets[i]->segments_overlap ? (int)r->rowsets[i]->nsegments : 1;
    r->runs = calloc((size_t)(cap ? cap : 1), sizeof(Run));
    r->heap = calloc((size_t)(cap ? cap : 1), sizeof(int));
    if (!r->runs || !r->heap) abort();
    RowsetScope scope = {
        .key_preds_only = r->reduce, .need_keys = true, .need_op = r->need_op, .stats = &r->stats};
    for (int i = 0; i < r->nrowsets; i++) {
        const RowsetMeta *m = r->rowsets[i];
        if (m->nsegments == 0) continue;
        int nseg = m->segments_overlap ? (int)m->nsegments : 1;
        for (int s = 0; s < nseg; s++) {
            Run *run = &r->runs[r->nruns];
            scope.segment_no = m->segments_overlap ? s : -1;
            if (rowset_reader_open_scoped(&run->rr, r->dir, r->schema, m, &r->opts, &scope, err))
                return STATUS_ERROR;
            run->arena = arena_new(0);
            run->rank = r->nruns++;
            r->read_cols = rowset_reader_read_columns(run->rr);
            bool has_rows;
            if (run_load(r, run, &has_rows, err)) return STATUS_ERROR;
            if (has_rows) r->heap[r->heap_len++] = run->rank;
        }
    }
    for (int i = r->heap_len / 2 - 1; i >= 0; i--)
        sift_down(r, i);
    return STATUS_OK;
}

Status tablet_reader_open(TabletReader **out, const char *tablet_dir, const TabletSchema *schema,
                          const RowsetMeta *const *rowsets, int nrowsets, const ReadOptions *opts,
                          Error *err) {
    *out = NULL;
    for (int i = 1; i < nrowsets; i++)
        if (rowsets[i]->end_version < rowsets[i - 1]->end_version)
            return err_set(err, ERR_INTERNAL,
                           "Rowsets must be given oldest first: rowset %llu (version %lld) "
                           "follows rowset %llu (version %lld)",
                           (unsigned long long)rowsets[i]->rowset_id,
                           (long long)rowsets[i]->end_version,
                           (unsigned long long)rowsets[i - 1]->rowset_id,
                           (long long)rowsets[i - 1]->end_version);
    TabletReader *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->arena = arena_new(0);
    r->schema = schema;
    r->opts = *opts;
    r->dir = arena_strdup(r->arena, tablet_dir);
    r->rowsets = rowsets;
    r->nrowsets = nrowsets;
    r->reduce = !opts->raw && tablet_schema_merges_keys(schema);
    r->merging = r->reduce || (opts->ordered && !opts->raw && schema->nkeys > 0);
    r->out_op = opts->with_op || opts->keep_deletes;
    r->need_op = r->out_op || (r->reduce && tablet_schema_has_ops(schema));
    r->opts.with_op = r->out_op;
    if (opts->columns) {
        r->nproj = opts->ncolumns;
        r->proj = arena_memdup(r->arena, opts->columns,
                               sizeof(int) * (size_t)(opts->ncolumns ? opts->ncolumns : 1));
    } else {
        r->nproj = schema->ncols;
        r->proj = arena_alloc(r->arena, sizeof(int) * (size_t)schema->ncols);
        for (int i = 0; i < schema->ncols; i++)
            r->proj[i] = i;
    }
    if (r->merging) {
        r->mb_arena[0] = arena_new(0);
        r->mb_arena[1] = arena_new(0);
        if (open_runs(r, err)) {
            tablet_reader_free(r);
            return STATUS_ERROR;
        }
    }
    *out = r;
    return STATUS_OK;
}

void tablet_reader_free(TabletReader *r) {
    if (!r) return;
    rowset_reader_free(r->cur);
    for (int i = 0; i < r->nruns; i++) {
        rowset_reader_free(r->runs[i].rr);
        arena_free(r->runs[i].arena);
    }
    free(r->runs);
    free(r->heap);
    arena_free(r->mb_arena[0]);
    arena_free(r->mb_arena[1]);
    arena_free(r->arena);
    free(r);
}

static Status next_concat(TabletReader *r, Arena *out_arena, Batch **out, Error *err) {
    for (;;) {
        if (!r->cur) {
            if (r->next_rowset >= r->nrowsets) return STATUS_OK;
            RowsetScope scope = {.segment_no = -1, .need_op = r->out_op, .stats = &r->stats};
            if (rowset_reader_open_scoped(&r->cur, r->dir, r->schema, r->rowsets[r->next_rowset++],
                                          &r->opts, &scope, err))
                return STATUS_ERROR;
        }
        if (rowset_reader_next(r->cur, out_arena, out, err)) return STATUS_ERROR;
        if (*out) return STATUS_OK;
        rowset_reader_free(r->cur);
        r->cur = NULL;
    }
}

static RowBlock new_block(const TabletReader *r, Arena *a, uint32_t cap) {
    RowBlock b = {0, arena_calloc(a, sizeof(ColumnVector *) * (size_t)r->schema->ncols), NULL};
    for (int c = 0; c < r->schema->ncols; c++)
        if (r->read_cols[c]) b.cols[c] = colvec_new(a, r->schema->cols[c].type, cap);
    if (r->need_op) b.op = colvec_new(a, type_make(TYPE_TINYINT), cap);
    return b;
}

static void append_rows(const TabletReader *r, RowBlock *dst, const RowBlock *src, uint32_t from,
                        uint32_t n) {
    for (int c = 0; c < r->schema->ncols; c++)
        if (dst->cols[c]) colvec_append_range(dst->cols[c], src->cols[c], from, n);
    if (dst->op) {
        if (src->op) {
            colvec_append_range(dst->op, src->op, from, n);
        } else {
            colvec_reserve(dst->op, dst->op->len + n);
            memset((int8_t *)dst->op->data + dst->op->len, ROW_OP_UPSERT, n);
            if (dst->op->nulls) memset(dst->op->nulls + dst->op->len, 0, n);
            dst->op->len += n;
        }
    }
    dst->nrows += n;
}

/* Is row j of run t ordered before the current row of run s? */
static bool row_before(const TabletReader *r, const Run *t, uint32_t j, const Run *s) {
    int c = row_key_compare(t->blk.cols, j, s->blk.cols, s->pos, r->schema->nkeys);
    return c < 0 || (c == 0 && t->rank < s->rank);
}

/* First row at or after t->pos + 1 that is not before run s's current row (galloping, then binary
 * search). */
static uint32_t run_span_end(const TabletReader *r, const Run *t, const Run *s) {
    uint32_t end = t->blk.nrows, known = t->pos, step = 1;
    while (known + step < end && row_before(r, t, known + step, s)) {
        known += step;
        step *= 2;
    }
    uint32_t lo = known + 1, hi = known + step < end ? known + step : end;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (row_before(r, t, mid, s))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Moves up to BATCH_SIZE rows in (key, age) order from the runs into mb. */
static Status fill(TabletReader *r, RowBlock *mb, Error *err) {
    while (mb->nrows < BATCH_SIZE && r->heap_len > 0) {
        Run *top = &r->runs[r->heap[0]];
        uint32_t end = top->blk.nrows;
        if (r->heap_len > 1) {
            int s = r->heap[1];
            if (r->heap_len > 2 && run_less(r, r->heap[2], s)) s = r->heap[2];
            end = run_span_end(r, top, &r->runs[s]);
        }
        uint32_t take = end - top->pos;
        if (take > BATCH_SIZE - mb->nrows) take = BATCH_SIZE - mb->nrows;
        append_rows(r, mb, &top->blk, top->pos, take);
        top->pos += take;
        if (top->pos == top->blk.nrows) {
            bool has_rows;
            if (run_load(r, top, &has_rows, err)) return STATUS_ERROR;
            if (!has_rows) r->heap[0] = r->heap[--r->heap_len];
        }
        if (r->heap_len > 0) sift_down(r, 0);
    }
    return STATUS_OK;
}

/* Drops rows whose op is delete (merged UNIQUE/PRIMARY output). */
static void drop_deletes(const TabletReader *r, RowBlock *b) {
    if (!b->op || r->opts.keep_deletes) return;
    const int8_t *op = b->op->data;
    uint8_t *keep = arena_alloc(r->mb_arena[r->mb_cur], b->nrows ? b->nrows : 1);
    uint32_t kept = 0;
    for (uint32_t i = 0; i < b->nrows; i++)
        kept += (keep[i] = op[i] != ROW_OP_DELETE);
    if (kept == b->nrows) return;
    for (int c = 0; c < r->schema->ncols; c++)
        if (b->cols[c]) storage_compact_rows(b->cols[c], keep, b->nrows);
    storage_compact_rows(b->op, keep, b->nrows);
    b->nrows = kept;
}

static void truncate_block(const TabletReader *r, RowBlock *b, uint32_t n) {
    for (int c = 0; c < r->schema->ncols; c++)
        if (b->cols[c]) b->cols[c]->len = n;
    if (b->op) b->op->len = n;
    b->nrows = n;
}

static Status next_merged(TabletReader *r, Arena *out_arena, RowBlock *res, Error *err) {
    for (int round = 0;; round++) {
        res->nrows = 0;
        if (r->heap_len == 0 && !r->has_carry) return STATUS_OK;
        int nx = 1 - r->mb_cur;
        arena_reset(r->mb_arena[nx]);
        /* Usually no key repeats within a batch and the merged rows are the output: build them
         * where the caller wants them. Rounds that return nothing (every key deleted) use our own
         * arena instead, so the caller's does not grow with rows it never sees. */
        Arena *mb_home = round == 0 ? out_arena : r->mb_arena[nx];
        RowBlock mb = new_block(r, mb_home, BATCH_SIZE);
        if (r->has_carry) append_rows(r, &mb, &r->carry, 0, 1);
        r->has_carry = false;
        arena_reset(r->mb_arena[r->mb_cur]);
        r->mb_cur = nx;
        if (fill(r, &mb, err)) return STATUS_ERROR;
        if (!r->reduce) {
            *res = mb;
            return STATUS_OK;
        }
        bool more = r->heap_len > 0;
        RowBlock red;
        key_model_reduce(r->schema, &mb, out_arena, &red);
        r->stats.rows_merged += mb.nrows - red.nrows;
        if (more && red.nrows > 0) {
            /* the last key may continue in the runs: keep its partial result for the next round */
            r->carry = new_block(r, r->mb_arena[r->mb_cur], 1);
            append_rows(r, &r->carry, &red, red.nrows - 1, 1);
            r->has_carry = true;
            truncate_block(r, &red, red.nrows - 1);
        }
        drop_deletes(r, &red);
        if (red.nrows == 0) continue;
        if (mb_home != out_arena && red.cols == mb.cols) {
            /* nothing was folded, so red is mb, which lives in our arena: hand the caller a copy */
            RowBlock copy = new_block(r, out_arena, red.nrows);
            append_rows(r, &copy, &red, 0, red.nrows);
            red = copy;
        }
        *res = red;
        return STATUS_OK;
    }
}

Status tablet_reader_next(TabletReader *r, Arena *out_arena, Batch **out, Error *err) {
    *out = NULL;
    if (!r->merging) return next_concat(r, out_arena, out, err);
    RowBlock blk;
    if (next_merged(r, out_arena, &blk, err)) return STATUS_ERROR;
    if (blk.nrows == 0) return STATUS_OK;
    Batch *b = arena_calloc(out_arena, sizeof *b);
    b->arena = out_arena;
    b->nrows = blk.nrows;
    b->ncols = r->nproj + (r->out_op ? 1 : 0);
    b->cols = arena_calloc(out_arena, sizeof(ColumnVector *) * (size_t)(b->ncols ? b->ncols : 1));
    for (int i = 0; i < r->nproj; i++)
        b->cols[i] = blk.cols[r->proj[i]];
    if (r->out_op) {
        if (blk.op) {
            b->cols[r->nproj] = blk.op;
        } else {
            ColumnVector *op = colvec_new(out_arena, type_make(TYPE_TINYINT), blk.nrows);
            memset(op->data, ROW_OP_UPSERT, blk.nrows);
            op->len = blk.nrows;
            b->cols[r->nproj] = op;
        }
    }
    r->stats.rows_returned += blk.nrows;
    *out = b;
    return STATUS_OK;
}
