/* Rowset reader: segment by segment, choose the pages that zone maps and the row range leave,
 * decode the read columns of each page group into vectors, then apply the delete filter. See
 * rowset_reader.h. */
#include "storage/read_int.h"

#include <stdlib.h>
#include <string.h>

#include "storage/segment_reader.h"
#include "storage/tablet_files.h"

struct RowsetReader {
    const char *dir;
    const TabletSchema *schema;
    const RowsetMeta *meta;
    ReadOptions opts;
    RowsetScope scope;
    Arena *arena; /* the reader's own allocations */
    bool *read_cols;
    int *proj;
    int nproj;
    ReadStats own_stats;
    ReadStats *stats;
    uint32_t seg_next, seg_end; /* segments still to open: [seg_next, seg_end) */
    /* the open segment */
    SegmentReader *seg;
    uint32_t seg_no;
    int *seg_col;    /* per schema column: stored column index, or -1 (read the default) */
    uint64_t lo, hi; /* rows of the segment inside the requested range */
    uint32_t *pages; /* selected pages, in order */
    uint32_t npages, page_pos;
    uint8_t *keep; /* delete filter scratch */
};

uint32_t storage_compact_rows(ColumnVector *v, const uint8_t *keep, uint32_t n) {
    size_t cs = type_cell_size(v->type.id);
    char *d = v->data;
    uint32_t out = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!keep[i]) continue;
        if (out != i) {
            memcpy(d + out * cs, d + i * cs, cs);
            if (v->nulls) v->nulls[out] = v->nulls[i];
        }
        out++;
    }
    v->len = out;
    return out;
}

/* Keeps rows [from, to) of v, moved to the front. */
static void colvec_slice(ColumnVector *v, uint32_t from, uint32_t to) {
    size_t cs = type_cell_size(v->type.id);
    if (from) {
        memmove(v->data, (char *)v->data + from * cs, (size_t)(to - from) * cs);
        if (v->nulls) memmove(v->nulls, v->nulls + from, to - from);
    }
    v->len = to - from;
}

static void fill_default(ColumnVector *v, const TabletColumn *col, uint32_t n) {
    if (col->default_value.is_null) {
        for (uint32_t i = 0; i < n; i++)
            colvec_append_null(v);
        return;
    }
    _Alignas(16) unsigned char cell[16];
    storage_datum_to_cell(&col->type, &col->default_value, cell);
    for (uint32_t i = 0; i < n; i++)
        colvec_append(v, cell);
}

Status rowset_reader_open_scoped(RowsetReader **out, const char *tablet_dir,
                                 const TabletSchema *schema, const RowsetMeta *meta,
                                 const ReadOptions *opts, const RowsetScope *scope, Error *err) {
    *out = NULL;
    for (int i = 0; i < opts->ncolumns; i++)
        if (opts->columns[i] < 0 || opts->columns[i] >= schema->ncols)
            return err_set(err, ERR_INTERNAL, "Projection names column %d of a %d-column schema",
                           opts->columns[i], schema->ncols);
    for (int i = 0; i < opts->ndelete_columns; i++)
        if (opts->delete_columns[i] < 0 || opts->delete_columns[i] >= schema->ncols)
            return err_set(err, ERR_INTERNAL, "Delete filter names column %d of a %d-column schema",
                           opts->delete_columns[i], schema->ncols);
    for (int i = 0; i < opts->npreds; i++)
        if (opts->preds[i].col < 0 || opts->preds[i].col >= schema->ncols)
            return err_set(err, ERR_INTERNAL, "Predicate names column %d of a %d-column schema",
                           opts->preds[i].col, schema->ncols);
    if (scope->segment_no >= 0 && (uint32_t)scope->segment_no >= meta->nsegments)
        return err_set(err, ERR_INTERNAL, "Rowset %llu has no segment %d",
                       (unsigned long long)meta->rowset_id, scope->segment_no);
    RowsetReader *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->arena = arena_new(0);
    r->dir = arena_strdup(r->arena, tablet_dir);
    r->schema = schema;
    r->meta = meta;
    r->opts = *opts;
    r->scope = *scope;
    r->stats = scope->stats ? scope->stats : &r->own_stats;
    r->read_cols = arena_calloc(r->arena, sizeof(bool) * (size_t)schema->ncols);
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
    for (int i = 0; i < r->nproj; i++)
        r->read_cols[r->proj[i]] = true;
    for (int i = 0; i < opts->ndelete_columns; i++)
        r->read_cols[opts->delete_columns[i]] = true;
    if (scope->need_keys)
        for (int i = 0; i < schema->nkeys; i++)
            r->read_cols[i] = true;
    r->seg_col = arena_alloc(r->arena, sizeof(int) * (size_t)schema->ncols);
    r->seg_next = scope->segment_no >= 0 ? (uint32_t)scope->segment_no : 0;
    r->seg_end = scope->segment_no >= 0 ? (uint32_t)scope->segment_no + 1 : meta->nsegments;
    *out = r;
    return STATUS_OK;
}

Status rowset_reader_open(RowsetReader **out, const char *tablet_dir, const TabletSchema *schema,
                          const RowsetMeta *meta, const ReadOptions *opts, Error *err) {
    RowsetScope scope = {.segment_no = -1, .need_op = opts->with_op};
    return rowset_reader_open_scoped(out, tablet_dir, schema, meta, opts, &scope, err);
}

const bool *rowset_reader_read_columns(const RowsetReader *r) {
    return r->read_cols;
}

const ReadStats *rowset_reader_stats(const RowsetReader *r) {
    return r->stats;
}

static void close_segment(RowsetReader *r) {
    if (r->seg) r->stats->bytes_read += segment_reader_bytes_read(r->seg);
    segment_reader_free(r->seg);
    r->seg = NULL;
}

void rowset_reader_free(RowsetReader *r) {
    if (!r) return;
    close_segment(r);
    free(r->pages);
    free(r->keep);
    arena_free(r->arena);
    free(r);
}

/* Could any row of a zone (segment or page) satisfy every usable predicate? */
static bool zone_may_match(const RowsetReader *r, const SegmentFooter *f, int page,
                           uint64_t nrows) {
    for (int i = 0; i < r->opts.npreds; i++) {
        const ColumnPredicate *p = &r->opts.preds[i];
        if (r->scope.key_preds_only && p->col >= r->schema->nkeys) continue;
        int c = r->seg_col[p->col];
        if (c < 0) continue; /* a column the segment predates: its default is not zone-mapped */
        const SegColumn *sc = &f->cols[c];
        const ZoneMap *zm = page < 0 ? &sc->zone : &sc->pages[page].zone;
        if (!zonemap_may_match(zm, nrows, &sc->col.type, p)) return false;
    }
    return true;
}

static void report_skip(RowsetReader *r, uint64_t first, uint64_t n, uint32_t pages) {
    if (n == 0) return;
    r->stats->rows_skipped += n;
    r->stats->pages_skipped += pages;
    if (r->opts.on_skip) r->opts.on_skip(r->opts.skip_ctx, r->meta, r->seg_no, first, n);
}

static Status map_columns(RowsetReader *r, const SegmentFooter *f, Error *err) {
    for (int i = 0; i < r->schema->ncols; i++) {
        const TabletColumn *want = &r->schema->cols[i];
        r->seg_col[i] = -1;
        for (int c = 0; c < f->ncols; c++) {
            if (f->cols[c].is_op || f->cols[c].col.uid != want->uid) continue;
            if (f->cols[c].col.type.id != want->type.id)
                return err_set(err, ERR_NOT_SUPPORTED,
                               "Segment file %s stores column '%s' (id %u) as %s but the table has "
                               "%s; the table "
                               "needs a schema change to read it",
                               segment_reader_path(r->seg), want->name, want->uid,
                               type_name(f->cols[c].col.type.id), type_name(want->type.id));
            r->seg_col[i] = c;
        }
    }
    return STATUS_OK;
}

/* Opens segment seg_no and chooses its pages. Leaves r->seg NULL when nothing of it is to be read.
 */
static Status open_segment(RowsetReader *r, uint32_t seg_no, uint64_t base, Error *err) {
    char *path = segment_file_path(r->dir, r->meta->rowset_id, seg_no, r->arena);
    if (segment_reader_open(&r->seg, path, err)) return STATUS_ERROR;
    r->seg_no = seg_no;
    const SegmentFooter *f = segment_reader_footer(r->seg);
    if (f->nrows != r->meta->segments[seg_no].nrows) {
        err_set(err, ERR_CORRUPT, "Segment file %s holds %llu rows but rowset %llu records %llu",
                path, (unsigned long long)f->nrows, (unsigned long long)r->meta->rowset_id,
                (unsigned long long)r->meta->segments[seg_no].nrows);
        close_segment(r);
        return STATUS_ERROR;
    }
    if (map_columns(r, f, err)) {
        close_segment(r);
        return STATUS_ERROR;
    }
    /* the part of the requested rowset range that falls in this segment */
    uint64_t lo = r->opts.row_begin > base ? r->opts.row_begin - base : 0;
    uint64_t hi = f->nrows;
    if (r->opts.row_end && r->opts.row_end < base + hi)
        hi = r->opts.row_end > base ? r->opts.row_end - base : 0;
    if (lo >= hi) {
        close_segment(r);
        return STATUS_OK;
    }
    r->lo = lo;
    r->hi = hi;
    uint32_t first_page = (uint32_t)(lo / f->rows_per_page);
    uint32_t end_page = (uint32_t)((hi + f->rows_per_page - 1) / f->rows_per_page);
    if (!zone_may_match(r, f, -1, f->nrows)) {
        r->stats->segments_skipped++;
        report_skip(r, lo, hi - lo, end_page - first_page);
        close_segment(r);
        return STATUS_OK;
    }
    r->stats->segments_read++;
    free(r->pages);
    r->pages = malloc(sizeof(uint32_t) * (end_page - first_page));
    if (!r->pages) abort();
    r->npages = r->page_pos = 0;
    uint64_t skip_from = 0, skip_rows = 0;
    uint32_t skip_pages = 0;
    for (uint32_t p = first_page; p < end_page; p++) {
        uint64_t pf = (uint64_t)p * f->rows_per_page;
        uint64_t a = pf > lo ? pf : lo,
                 b = pf + segment_page_rows(f, p) < hi ? pf + segment_page_rows(f, p) : hi;
        if (zone_may_match(r, f, (int)p, segment_page_rows(f, p))) {
            report_skip(r, skip_from, skip_rows, skip_pages);
            skip_rows = 0;
            skip_pages = 0;
            r->pages[r->npages++] = p;
        } else {
            if (skip_rows == 0) skip_from = a;
            skip_rows += b - a;
            skip_pages++;
        }
    }
    report_skip(r, skip_from, skip_rows, skip_pages);
    return STATUS_OK;
}

static Status read_page_group(RowsetReader *r, uint32_t p, Arena *a, RowBlock *blk, Error *err) {
    const SegmentFooter *f = segment_reader_footer(r->seg);
    uint32_t prows = segment_page_rows(f, p);
    blk->cols = arena_calloc(a, sizeof(ColumnVector *) * (size_t)r->schema->ncols);
    blk->op = NULL;
    for (int i = 0; i < r->schema->ncols; i++) {
        if (!r->read_cols[i]) continue;
        ColumnVector *v = colvec_new(a, r->schema->cols[i].type, prows);
        if (r->seg_col[i] >= 0) {
            if (segment_reader_read_page(r->seg, r->seg_col[i], p, v, err)) return STATUS_ERROR;
        } else {
            fill_default(v, &r->schema->cols[i], prows);
        }
        blk->cols[i] = v;
    }
    if (r->scope.need_op && f->op_col >= 0) {
        blk->op = colvec_new(a, type_make(TYPE_TINYINT), prows);
        if (segment_reader_read_page(r->seg, f->op_col, p, blk->op, err)) return STATUS_ERROR;
    }
    r->stats->pages_read++;
    r->stats->rows_read += prows;
    /* trim to the requested row range */
    uint64_t pf = (uint64_t)p * f->rows_per_page;
    uint32_t from = r->lo > pf ? (uint32_t)(r->lo - pf) : 0;
    uint32_t to = r->hi < pf + prows ? (uint32_t)(r->hi - pf) : prows;
    if (from > 0 || to < prows) {
        for (int i = 0; i < r->schema->ncols; i++)
            if (blk->cols[i]) colvec_slice(blk->cols[i], from, to);
        if (blk->op) colvec_slice(blk->op, from, to);
    }
    blk->nrows = to - from;
    return STATUS_OK;
}

static Status apply_delete_filter(RowsetReader *r, RowBlock *blk, Error *err) {
    if (!r->opts.delete_filter || blk->nrows == 0) return STATUS_OK;
    free(r->keep);
    r->keep = malloc(blk->nrows);
    if (!r->keep) abort();
    memset(r->keep, 1, blk->nrows);
    if (r->opts.delete_filter(r->opts.delete_ctx, r->meta, blk->cols, blk->nrows, r->keep, err))
        return STATUS_ERROR;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < blk->nrows; i++)
        kept += r->keep[i] != 0;
    if (kept == blk->nrows) return STATUS_OK;
    for (int i = 0; i < r->schema->ncols; i++)
        if (blk->cols[i]) storage_compact_rows(blk->cols[i], r->keep, blk->nrows);
    if (blk->op) storage_compact_rows(blk->op, r->keep, blk->nrows);
    r->stats->rows_deleted += blk->nrows - kept;
    blk->nrows = kept;
    return STATUS_OK;
}

Status rowset_reader_next_block(RowsetReader *r, Arena *a, RowBlock *blk, Error *err) {
    memset(blk, 0, sizeof *blk);
    for (;;) {
        if (!r->seg) {
            if (r->seg_next >= r->seg_end) return STATUS_OK;
            uint32_t s = r->seg_next++;
            uint64_t base = 0;
            for (uint32_t i = 0; i < s; i++)
                base += r->meta->segments[i].nrows;
            if (open_segment(r, s, base, err)) return STATUS_ERROR;
            continue;
        }
        if (r->page_pos >= r->npages) {
            close_segment(r);
            continue;
        }
        if (read_page_group(r, r->pages[r->page_pos++], a, blk, err) ||
            apply_delete_filter(r, blk, err))
            return STATUS_ERROR;
        if (blk->nrows > 0) return STATUS_OK;
    }
}

Status rowset_reader_next(RowsetReader *r, Arena *out_arena, Batch **out, Error *err) {
    *out = NULL;
    RowBlock blk;
    if (rowset_reader_next_block(r, out_arena, &blk, err)) return STATUS_ERROR;
    if (blk.nrows == 0) return STATUS_OK;
    Batch *b = arena_calloc(out_arena, sizeof *b);
    b->arena = out_arena;
    b->nrows = blk.nrows;
    b->ncols = r->nproj + (r->opts.with_op ? 1 : 0);
    b->cols = arena_calloc(out_arena, sizeof(ColumnVector *) * (size_t)(b->ncols ? b->ncols : 1));
    for (int i = 0; i < r->nproj; i++)
        b->cols[i] = blk.cols[r->proj[i]];
    if (r->opts.with_op) {
        ColumnVector *op = blk.op;
        if (!op) {
            op = colvec_new(out_arena, type_make(TYPE_TINYINT), blk.nrows);
            memset(op->data, 0, blk.nrows);
            op->len = blk.nrows;
        }
        b->cols[r->nproj] = op;
    }
    r->stats->rows_returned += blk.nrows;
    *out = b;
    return STATUS_OK;
}
