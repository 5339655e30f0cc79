/* Segment writer: for each column, cut the rows into pages, compute each page's zone map, encode,
 * compress, checksum and append it; then the footer and trailer. See segment_format.h for the
 * layout. */
#include "storage/segment_writer.h"

#include <stdlib.h>
#include <string.h>

#include "storage/data_file.h"
#include "storage/encoding.h"
#include "storage/segment_format.h"
#include "util/hash.h"

typedef struct WriteCtx {
    DataFileWriter file;
    Compressor *comp;
    Arena *scratch;
    Arena *gather; /* the current page's rows in write order */
    StrBuf raw, packed;
    const SegmentWriteOptions *opts;
} WriteCtx;

/* Copies the page's rows, in permutation order, into one compact vector (string bytes included).
 * Rows reached through a permutation are scattered in memory; gathering them once lets the zone
 * map, the encoder's passes and the dictionary work on cache-hot data. */
static const ColumnVector *gather_page(const ColumnVector *v, const uint32_t *sel, uint32_t n,
                                       Arena *a) {
    ColumnVector *g = colvec_new(a, v->type, n);
    if (v->nulls) {
        colvec_ensure_nulls(g);
        for (uint32_t i = 0; i < n; i++)
            g->nulls[i] = v->nulls[sel[i]];
    }
    size_t cs = type_cell_size(v->type.id);
    if (type_is_string(v->type.id)) {
        const Slice *in = v->data;
        Slice *out = g->data;
        size_t total = 0;
        for (uint32_t i = 0; i < n; i++)
            total += in[sel[i]].len;
        char *bytes = arena_alloc(a, total ? total : 1);
        for (uint32_t i = 0; i < n; i++) {
            const Slice *s = &in[sel[i]];
            out[i].ptr = bytes;
            out[i].len = s->len;
            if (s->len) memcpy(bytes, s->ptr, s->len);
            bytes += s->len;
        }
    } else if (cs == 4) {
        for (uint32_t i = 0; i < n; i++)
            ((uint32_t *)g->data)[i] = ((const uint32_t *)v->data)[sel[i]];
    } else if (cs == 8) {
        for (uint32_t i = 0; i < n; i++)
            ((uint64_t *)g->data)[i] = ((const uint64_t *)v->data)[sel[i]];
    } else {
        for (uint32_t i = 0; i < n; i++)
            memcpy((char *)g->data + i * cs, (const char *)v->data + sel[i] * cs, cs);
    }
    g->len = n;
    return g;
}

/* Zone maps borrow their bounds from the page; keep just enough of a string bound
 * (ZONEMAP_STRING_MAX + 1 bytes: a prefix orders like the value, and the extra byte tells the
 * encoder it was longer) in meta. */
static void keep_zone_strings(ZoneMap *zm, const DataType *t, Arena *meta) {
    if (!zm->has_minmax || !type_is_string(t->id)) return;
    Slice *b[2] = {&zm->min.v.str, &zm->max.v.str};
    for (int i = 0; i < 2; i++) {
        if (b[i]->len > ZONEMAP_STRING_MAX + 1) b[i]->len = ZONEMAP_STRING_MAX + 1;
        b[i]->ptr = b[i]->len ? arena_memdup(meta, b[i]->ptr, b[i]->len) : "";
    }
}

static Status write_column(WriteCtx *w, const ColumnVector *v, const uint32_t *perm, uint32_t nrows,
                           uint32_t rpp, Arena *meta, SegColumn *sc, Error *err) {
    sc->npages = segment_page_count(nrows, rpp);
    sc->pages = arena_calloc(meta, sizeof(SegPage) * (sc->npages ? sc->npages : 1));
    for (uint32_t p = 0; p < sc->npages; p++) {
        uint32_t first = p * rpp;
        uint32_t n = nrows - first < rpp ? nrows - first : rpp;
        SegPage *pg = &sc->pages[p];
        const ColumnVector *pv = v;
        uint32_t pfirst = first;
        if (perm) {
            arena_reset(w->gather);
            pv = gather_page(v, perm + first, n, w->gather);
            pfirst = 0;
        }
        zonemap_compute(&pg->zone, pv, NULL, pfirst, n);
        keep_zone_strings(&pg->zone, &v->type, meta);
        zonemap_merge(&sc->zone, &pg->zone, &v->type);
        sb_reset(&w->raw);
        sb_reset(&w->packed);
        pg->encoding = (uint8_t)page_encode(pv, NULL, pfirst, n, w->scratch, &w->raw);
        arena_reset(w->scratch);
        if (w->raw.len > INT32_MAX)
            return err_set(
                err, ERR_INVALID_ARGUMENT,
                "page %u holds %zu bytes, above the 2 GiB page limit (write fewer rows per page)",
                p, w->raw.len);
        size_t clen = compressor_compress(w->comp, w->opts->codec, w->opts->level, w->raw.data,
                                          w->raw.len, &w->packed);
        const StrBuf *disk = clen ? &w->packed : &w->raw;
        pg->codec = (uint8_t)(clen ? w->opts->codec : CODEC_NONE);
        pg->offset = w->file.size;
        pg->disk_size = (uint32_t)disk->len;
        pg->raw_size = (uint32_t)w->raw.len;
        pg->checksum = hash_xxh3(disk->data, disk->len);
        if (data_file_append(&w->file, disk->data, disk->len, err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}

Status segment_write(const char *path, const TabletSchema *schema, ColumnVector *const *cols,
                     const ColumnVector *ops, const uint32_t *perm, uint32_t nrows,
                     const SegmentWriteOptions *opts, SegmentFileInfo *out, Error *err) {
    uint32_t rpp = opts->rows_per_page ? opts->rows_per_page : BATCH_SIZE;
    if (rpp > SEGMENT_MAX_ROWS_PER_PAGE)
        return err_set(err, ERR_INVALID_ARGUMENT, "rows_per_page %u is above %d", rpp,
                       SEGMENT_MAX_ROWS_PER_PAGE);
    WriteCtx w = {.opts = opts};
    if (data_file_create(&w.file, path, err)) return STATUS_ERROR;
    w.comp = compressor_new();
    w.scratch = arena_new(0);
    w.gather = arena_new(0);
    Arena *meta = arena_new(0);
    sb_init(&w.raw);
    sb_init(&w.packed);
    StrBuf footer = STRBUF_INIT;
    Status s = STATUS_ERROR;

    uint8_t header[SEGMENT_HEADER_SIZE] = {0};
    memcpy(header, SEGMENT_MAGIC, 8);
    store_u32(header + 8, SEGMENT_FORMAT_VERSION);
    if (data_file_append(&w.file, header, sizeof header, err)) goto done;

    SegmentFooter f = {.nrows = nrows,
                       .rows_per_page = rpp,
                       .keys_type = schema->keys_type,
                       .nkeys = schema->nkeys,
                       .ncols = schema->ncols + (ops ? 1 : 0),
                       .op_col = -1};
    f.cols = arena_calloc(meta, sizeof(SegColumn) * (size_t)f.ncols);
    for (int c = 0; c < schema->ncols; c++) {
        f.cols[c].col = schema->cols[c];
        if (write_column(&w, cols[c], perm, nrows, rpp, meta, &f.cols[c], err)) {
            err_prefix(err, "while writing column '%s' of segment %s: ", schema->cols[c].name,
                       path);
            goto done;
        }
    }
    if (ops) {
        SegColumn *sc = &f.cols[schema->ncols];
        f.op_col = schema->ncols;
        sc->is_op = true;
        sc->col.name = "__op";
        sc->col.uid = UINT32_MAX;
        sc->col.type = type_make(TYPE_TINYINT);
        if (write_column(&w, ops, perm, nrows, rpp, meta, sc, err)) goto done;
    }
    uint64_t footer_off = w.file.size;
    segment_footer_encode(&f, &footer);
    uint8_t trailer[SEGMENT_TRAILER_SIZE];
    store_u64(trailer, footer_off);
    store_u32(trailer + 8, (uint32_t)footer.len);
    store_u32(trailer + 12, SEGMENT_FORMAT_VERSION);
    store_u64(trailer + 16, hash_xxh3(footer.data, footer.len));
    memcpy(trailer + 24, SEGMENT_END_MAGIC, 8);
    if (data_file_append(&w.file, footer.data, footer.len, err) ||
        data_file_append(&w.file, trailer, sizeof trailer, err))
        goto done;
    out->nrows = nrows;
    if (data_file_commit(&w.file, &out->size, &out->checksum, err)) goto done;
    memcpy(out->sha256, w.file.sha256, sizeof out->sha256);
    s = STATUS_OK;
done:
    if (s) data_file_abort(&w.file);
    sb_free(&footer);
    sb_free(&w.raw);
    sb_free(&w.packed);
    arena_free(meta);
    arena_free(w.scratch);
    arena_free(w.gather);
    compressor_free(w.comp);
    return s;
}
