/* Rowset writer: chunk buffering, key sort, one segment per chunk, key bounds and overlap tracking.
 */
#include "storage/rowset_writer.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storage/data_file.h"
#include "storage/key_merge.h"
#include "storage/row_sort.h"
#include "storage/tablet_files.h"
#include "util/vec.h"

#define DEFAULT_SEGMENT_ROWS (1u << 20)
#define DEFAULT_SEGMENT_BYTES (256ull << 20)

struct RowsetWriter {
    char *dir;
    uint64_t rowset_id;
    TabletSchema *schema; /* copy, in arena */
    RowsetWriterOptions opts;
    Arena *arena;        /* long-lived: schema, key bounds, segment list */
    Arena *chunk_arena;  /* the buffered chunk; reset after each segment */
    ColumnVector **cols; /* chunk columns, schema order */
    ColumnVector *ops;   /* chunk op column (UNIQUE/PRIMARY) */
    uint32_t chunk_rows;
    uint32_t chunk_deletes;
    VEC(SegmentFileInfo) segments;
    uint64_t nrows, ndeletes; /* stored so far (after folding repeated keys) */
    uint64_t rows_added;
    Datum *min_key, *max_key; /* rowset key bounds so far (strings in arena) */
    Datum *prev_max;          /* last segment's max key, for overlap detection */
    bool overlap;
    bool finished;
    bool failed;
};

/* Appends rows [from, from + n) of src to a chunk column. Strings are copied with one allocation
 * per call rather than one per value: buffering is on the ingest path of every load. */
static void chunk_append(ColumnVector *dst, const ColumnVector *src, uint32_t from, uint32_t n) {
    if (!type_is_string(dst->type.id)) {
        colvec_append_range(dst, src, from, n);
        return;
    }
    colvec_reserve(dst, dst->len + n);
    if (src->nulls) colvec_ensure_nulls(dst);
    const Slice *in = (const Slice *)src->data + from;
    Slice *out = (Slice *)dst->data + dst->len;
    size_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += in[i].len;
    char *bytes = total ? arena_alloc(dst->arena, total) : NULL;
    for (uint32_t i = 0; i < n; i++) {
        out[i].len = in[i].len;
        out[i].ptr = in[i].len ? bytes : "";
        if (in[i].len) memcpy(bytes, in[i].ptr, in[i].len);
        bytes += in[i].len;
    }
    if (dst->nulls) {
        if (src->nulls)
            memcpy(dst->nulls + dst->len, src->nulls + from, n);
        else
            memset(dst->nulls + dst->len, 0, n);
    }
    dst->len += n;
}

static void new_chunk(RowsetWriter *w) {
    arena_reset(w->chunk_arena);
    w->cols = arena_alloc(w->chunk_arena, sizeof(ColumnVector *) * (size_t)w->schema->ncols);
    /* start big enough for typical loads so the vectors rarely regrow (each regrowth copies) */
    uint32_t cap = w->opts.max_segment_rows < 65536 ? (uint32_t)w->opts.max_segment_rows : 65536;
    for (int c = 0; c < w->schema->ncols; c++)
        w->cols[c] = colvec_new(w->chunk_arena, w->schema->cols[c].type, cap);
    w->ops = tablet_schema_has_ops(w->schema)
                 ? colvec_new(w->chunk_arena, type_make(TYPE_TINYINT), 0)
                 : NULL;
    w->chunk_rows = 0;
    w->chunk_deletes = 0;
}

Status rowset_writer_new(RowsetWriter **out, const char *tablet_dir, uint64_t rowset_id,
                         const TabletSchema *schema, const RowsetWriterOptions *opts, Error *err) {
    *out = NULL;
    if (tablet_schema_validate(schema, err)) return STATUS_ERROR;
    if (tablet_dir_create(tablet_dir, err)) return STATUS_ERROR;
    RowsetWriter *w = calloc(1, sizeof *w);
    if (!w) abort();
    w->arena = arena_new(0);
    w->chunk_arena = arena_new(1 << 20);
    w->dir = arena_strdup(w->arena, tablet_dir);
    w->rowset_id = rowset_id;
    w->schema = tablet_schema_copy(schema, w->arena);
    RowsetWriterOptions defaults = ROWSET_WRITER_OPTIONS_INIT;
    w->opts = opts ? *opts : defaults;
    if (!w->opts.max_segment_rows) w->opts.max_segment_rows = DEFAULT_SEGMENT_ROWS;
    if (w->opts.max_segment_rows > UINT32_MAX) w->opts.max_segment_rows = UINT32_MAX;
    if (!w->opts.max_segment_bytes) w->opts.max_segment_bytes = DEFAULT_SEGMENT_BYTES;
    new_chunk(w);
    *out = w;
    return STATUS_OK;
}

uint64_t rowset_writer_rows(const RowsetWriter *w) {
    return w->rows_added;
}

static int datum_tuple_cmp(const TabletSchema *s, const Datum *a, const Datum *b) {
    for (int k = 0; k < s->nkeys; k++) {
        if (a[k].is_null || b[k].is_null) {
            if (a[k].is_null != b[k].is_null) return a[k].is_null ? -1 : 1;
            continue;
        }
        int c = type_compare_datum(&s->cols[k].type, &a[k], &b[k]);
        if (c) return c;
    }
    return 0;
}

/* The key tuple of a chunk row, with strings copied into the writer's long-lived arena. */
static Datum *key_at(RowsetWriter *w, uint32_t row) {
    Datum *d = arena_alloc(w->arena, sizeof(Datum) * (size_t)w->schema->nkeys);
    for (int k = 0; k < w->schema->nkeys; k++) {
        d[k] = storage_datum_from_cell(w->cols[k], row);
        if (!d[k].is_null && type_is_string(w->schema->cols[k].type.id))
            d[k].v.str.ptr =
                d[k].v.str.len ? arena_memdup(w->arena, d[k].v.str.ptr, d[k].v.str.len) : "";
    }
    return d;
}

static void track_bounds(RowsetWriter *w, const uint32_t *perm, uint32_t n) {
    if (w->schema->nkeys == 0 || n == 0) return;
    Datum *lo = key_at(w, perm ? perm[0] : 0), *hi = key_at(w, perm ? perm[n - 1] : n - 1);
    if (w->prev_max && datum_tuple_cmp(w->schema, lo, w->prev_max) < 0) w->overlap = true;
    w->prev_max = hi;
    if (!w->min_key || datum_tuple_cmp(w->schema, lo, w->min_key) < 0) w->min_key = lo;
    if (!w->max_key || datum_tuple_cmp(w->schema, hi, w->max_key) > 0) w->max_key = hi;
}

/* Folds rows with repeated keys in a sorted chunk of an AGGREGATE, UNIQUE or PRIMARY tablet: what
 * every merged read would do, done once at write, so the rowset is smaller and reads merge less.
 * Replaces the chunk's vectors with the folded rows in key order (*perm becomes NULL). */
static void premerge_chunk(RowsetWriter *w, uint32_t **perm) {
    const TabletSchema *s = w->schema;
    uint32_t n = w->chunk_rows;
    const uint32_t *p = *perm;
    if (!tablet_schema_merges_keys(s)) return;
    bool repeated = false;
    for (uint32_t i = 1; i < n && !repeated; i++)
        repeated = row_keys_equal(w->cols, p ? p[i - 1] : i - 1, w->cols, p ? p[i] : i, s->nkeys);
    if (!repeated) return;
    RowBlock in = {n, arena_calloc(w->chunk_arena, sizeof(ColumnVector *) * (size_t)s->ncols),
                   NULL};
    for (int c = 0; c <= s->ncols; c++) {
        ColumnVector *src = c < s->ncols ? w->cols[c] : w->ops;
        if (!src) continue;
        ColumnVector *v = colvec_new(w->chunk_arena, src->type, n);
        if (p)
            colvec_append_selected(v, src, p, n);
        else
            colvec_append_range(v, src, 0, n);
        if (c < s->ncols)
            in.cols[c] = v;
        else
            in.op = v;
    }
    RowBlock out;
    key_model_reduce(s, &in, w->chunk_arena, &out);
    w->cols = out.cols;
    w->ops = out.op;
    w->chunk_rows = out.nrows;
    w->chunk_deletes = 0;
    if (w->ops)
        for (uint32_t i = 0; i < out.nrows; i++)
            w->chunk_deletes += ((int8_t *)w->ops->data)[i] == ROW_OP_DELETE;
    *perm = NULL;
}

static Status flush_chunk(RowsetWriter *w, Error *err) {
    if (w->chunk_rows == 0) return STATUS_OK;
    uint32_t *perm = row_sort_by_key(w->cols, w->schema->nkeys, w->chunk_rows, w->chunk_arena);
    premerge_chunk(w, &perm);
    uint32_t n = w->chunk_rows;
    uint32_t seg_no = (uint32_t)w->segments.len;
    char *path = segment_file_path(w->dir, w->rowset_id, seg_no, w->chunk_arena);
    SegmentWriteOptions so = {w->opts.codec, w->opts.level, w->opts.rows_per_page};
    SegmentFileInfo info;
    /* the op column is stored only when the chunk has a delete: plain upsert loads stay as small as
     * DUPLICATE */
    const ColumnVector *ops = w->chunk_deletes ? w->ops : NULL;
    if (segment_write(path, w->schema, w->cols, ops, perm, n, &so, &info, err)) return STATUS_ERROR;
    vec_push(&w->segments, info);
    track_bounds(w, perm, n);
    w->nrows += n;
    w->ndeletes += w->chunk_deletes;
    new_chunk(w);
    return STATUS_OK;
}

static Status check_batch(const RowsetWriter *w, const Batch *b, const uint8_t *ops, Error *err) {
    const TabletSchema *s = w->schema;
    if (b->ncols != s->ncols)
        return err_set(err, ERR_INTERNAL, "Rowset %llu: a batch of %d columns for a schema of %d",
                       (unsigned long long)w->rowset_id, b->ncols, s->ncols);
    for (int c = 0; c < s->ncols; c++) {
        const ColumnVector *v = b->cols[c];
        if (v->type.id != s->cols[c].type.id || v->len < b->nrows)
            return err_set(err, ERR_INTERNAL,
                           "Rowset %llu: column '%s' is %s with %u rows, expected %s with %u",
                           (unsigned long long)w->rowset_id, s->cols[c].name, type_name(v->type.id),
                           v->len, type_name(s->cols[c].type.id), b->nrows);
        if (!s->cols[c].is_nullable && v->nulls && memchr(v->nulls, 1, b->nrows))
            return err_set(err, ERR_BAD_NULL, "Column '%s' cannot be null", s->cols[c].name);
    }
    if (ops && !tablet_schema_has_ops(s))
        for (uint32_t i = 0; i < b->nrows; i++)
            if (ops[i] != ROW_OP_UPSERT)
                return err_set(err, ERR_NOT_SUPPORTED,
                               "Delete rows are only supported by UNIQUE and PRIMARY KEY "
                               "tables (this tablet is %s)",
                               keys_type_name(s->keys_type));
    return STATUS_OK;
}

Status rowset_writer_add_batch(RowsetWriter *w, const Batch *b, const uint8_t *ops, Error *err) {
    if (w->finished || w->failed)
        return err_set(err, ERR_INTERNAL, "Rowset %llu: add_batch after finish or failure",
                       (unsigned long long)w->rowset_id);
    if (check_batch(w, b, ops, err)) return STATUS_ERROR;
    uint32_t done = 0;
    while (done < b->nrows) {
        uint64_t room = w->opts.max_segment_rows - w->chunk_rows;
        uint32_t take = b->nrows - done < room ? b->nrows - done : (uint32_t)room;
        for (int c = 0; c < w->schema->ncols; c++)
            chunk_append(w->cols[c], b->cols[c], done, take);
        if (w->ops) {
            colvec_reserve(w->ops, w->ops->len + take);
            int8_t *dst = (int8_t *)w->ops->data + w->ops->len;
            for (uint32_t i = 0; i < take; i++) {
                dst[i] = ops ? (int8_t)ops[done + i] : ROW_OP_UPSERT;
                w->chunk_deletes += dst[i] == ROW_OP_DELETE;
            }
            w->ops->len += take;
        }
        w->chunk_rows += take;
        w->rows_added += take;
        done += take;
        if (w->chunk_rows >= w->opts.max_segment_rows ||
            arena_bytes(w->chunk_arena) >= w->opts.max_segment_bytes) {
            if (flush_chunk(w, err)) {
                w->failed = true;
                return STATUS_ERROR;
            }
        }
    }
    return STATUS_OK;
}

static uint8_t *encode_key(const TabletSchema *s, const Datum *d, Arena *a, uint32_t *len) {
    StrBuf sb = STRBUF_INIT;
    for (int k = 0; k < s->nkeys; k++)
        storage_datum_encode(&s->cols[k].type, &d[k], &sb);
    uint8_t *p = arena_memdup(a, sb.data ? sb.data : "", sb.len + 1);
    *len = (uint32_t)sb.len;
    sb_free(&sb);
    return p;
}

Status rowset_writer_finish(RowsetWriter *w, Arena *a, RowsetMeta **out, Error *err) {
    *out = NULL;
    if (w->finished || w->failed)
        return err_set(err, ERR_INTERNAL, "Rowset %llu: finish called twice or after a failure",
                       (unsigned long long)w->rowset_id);
    if (flush_chunk(w, err) || (w->segments.len && data_dir_fsync(w->dir, err))) {
        w->failed = true;
        return STATUS_ERROR;
    }
    RowsetMeta *m = arena_calloc(a, sizeof *m);
    m->rowset_id = w->rowset_id;
    m->start_version = w->opts.start_version;
    m->end_version = w->opts.end_version;
    m->nrows = w->nrows;
    m->ndeletes = w->ndeletes;
    m->nsegments = (uint32_t)w->segments.len;
    m->segments = m->nsegments
                      ? arena_memdup(a, w->segments.items, sizeof(SegmentFileInfo) * m->nsegments)
                      : NULL;
    for (uint32_t i = 0; i < m->nsegments; i++)
        m->data_size += m->segments[i].size;
    m->segments_overlap = w->overlap;
    if (w->min_key) {
        m->min_key = encode_key(w->schema, w->min_key, a, &m->min_key_len);
        m->max_key = encode_key(w->schema, w->max_key, a, &m->max_key_len);
    }
    w->finished = true;
    *out = m;
    return STATUS_OK;
}

void rowset_writer_free(RowsetWriter *w) {
    if (!w) return;
    if (!w->finished) {
        /* an abandoned load: its files must not outlive it (the sweep would catch them, but later)
         */
        for (size_t i = 0; i <= w->segments.len; i++) {
            char *path = segment_file_path(w->dir, w->rowset_id, (uint32_t)i, w->arena);
            unlink(path);
        }
    }
    vec_free(&w->segments);
    arena_free(w->chunk_arena);
    arena_free(w->arena);
    free(w);
}
