/* Segment footer serialization and validation; the layout is in segment_format.h and
 * docs/internals/segment-format.md. Validation is thorough because the footer is read from disk:
 * any value that would make the reader index out of bounds is rejected here. */
#include "storage/segment_format.h"

#include <string.h>

#include "storage/compress.h"
#include "storage/encoding.h"

/* The footer stores these enums' values: they are part of the file format and must never be
 * renumbered. */
_Static_assert(TYPE_BOOLEAN == 1 && TYPE_DECIMAL == 9 && TYPE_STRING == 12 && TYPE_DATETIME == 14,
               "TypeId values are stored in segment files");
_Static_assert(KEYS_DUPLICATE == 1 && KEYS_PRIMARY == 4,
               "KeysType values are stored in segment files");
_Static_assert(AGG_SUM == 1 && AGG_REPLACE_IF_NOT_NULL == 5 && AGG_COUNT == 6,
               "AggType values are stored in segment files");
_Static_assert(CODEC_LZ4 == 1 && CODEC_ZSTD == 2, "Codec values are stored in segment files");

#define COLFLAG_NULLABLE 1
#define COLFLAG_KEY 2
#define COLFLAG_OP 4

void segment_footer_encode(const SegmentFooter *f, StrBuf *out) {
    bw_varint(out, f->nrows);
    bw_varint(out, f->rows_per_page);
    bw_u8(out, (uint8_t)f->keys_type);
    bw_varint(out, (uint64_t)f->nkeys);
    bw_varint(out, (uint64_t)f->ncols);
    for (int c = 0; c < f->ncols; c++) {
        const SegColumn *sc = &f->cols[c];
        const TabletColumn *col = &sc->col;
        bw_varint(out, col->uid);
        bw_u8(out, (uint8_t)col->type.id);
        bw_varint(out, (uint64_t)col->type.precision);
        bw_varint(out, (uint64_t)col->type.scale);
        bw_varint(out, (uint64_t)col->type.len);
        bw_u8(out, (uint8_t)((col->is_nullable ? COLFLAG_NULLABLE : 0) |
                             (col->is_key ? COLFLAG_KEY : 0) | (sc->is_op ? COLFLAG_OP : 0)));
        bw_u8(out, (uint8_t)col->agg);
        const char *name = col->name ? col->name : "";
        bw_bytes(out, name, strlen(name));
        zonemap_encode(&sc->zone, &col->type, out);
        bw_varint(out, sc->npages);
        for (uint32_t p = 0; p < sc->npages; p++) {
            const SegPage *pg = &sc->pages[p];
            bw_varint(out, pg->offset);
            bw_varint(out, pg->disk_size);
            bw_varint(out, pg->raw_size);
            bw_u8(out, pg->encoding);
            bw_u8(out, pg->codec);
            bw_u64(out, pg->checksum);
            zonemap_encode(&pg->zone, &col->type, out);
        }
    }
}

static Status decode_column(ByteReader *r, const SegmentFooter *f, int c, uint64_t data_end,
                            Arena *a, SegColumn *sc, Error *err) {
    TabletColumn *col = &sc->col;
    col->uid = (uint32_t)br_varint(r);
    uint8_t type_id = br_u8(r);
    uint64_t precision = br_varint(r), scale = br_varint(r), len = br_varint(r);
    uint8_t flags = br_u8(r);
    uint8_t agg = br_u8(r);
    size_t name_len;
    const uint8_t *name = br_bytes(r, &name_len);
    if (r->failed) return err_set(err, ERR_CORRUPT, "footer ends inside column %d", c);
    if (type_id <= TYPE_NULL || type_id >= TYPE__COUNT || precision > DECIMAL_MAX_PRECISION ||
        scale > precision || len > VARCHAR_MAX_LEN || agg > AGG_COUNT || (flags & ~7u))
        return err_set(err, ERR_CORRUPT, "column %d has an invalid type or flags", c);
    col->type.id = (TypeId)type_id;
    col->type.precision = (int16_t)precision;
    col->type.scale = (int16_t)scale;
    col->type.len = (int32_t)len;
    col->is_nullable = flags & COLFLAG_NULLABLE;
    col->is_key = (flags & COLFLAG_KEY) != 0;
    sc->is_op = (flags & COLFLAG_OP) != 0;
    col->agg = (AggType)agg;
    col->name = arena_strndup(a, (const char *)name, name_len);
    col->default_value.is_null = true;
    if (sc->is_op && type_id != TYPE_TINYINT)
        return err_set(err, ERR_CORRUPT, "op column %d is not TINYINT", c);
    if (!zonemap_decode(&sc->zone, &col->type, r))
        return err_set(err, ERR_CORRUPT, "bad zone map of column '%s'", col->name);
    uint64_t npages = br_varint(r);
    if (r->failed || npages != segment_page_count(f->nrows, f->rows_per_page))
        return err_set(err, ERR_CORRUPT, "column '%s' has %llu pages, %u expected for %llu rows",
                       col->name, (unsigned long long)npages,
                       segment_page_count(f->nrows, f->rows_per_page),
                       (unsigned long long)f->nrows);
    sc->npages = (uint32_t)npages;
    sc->pages = arena_calloc(a, sizeof(SegPage) * (npages ? npages : 1));
    for (uint32_t p = 0; p < sc->npages; p++) {
        SegPage *pg = &sc->pages[p];
        pg->offset = br_varint(r);
        uint64_t disk = br_varint(r), raw = br_varint(r);
        pg->encoding = br_u8(r);
        pg->codec = br_u8(r);
        pg->checksum = br_u64(r);
        if (r->failed || !zonemap_decode(&pg->zone, &col->type, r))
            return err_set(err, ERR_CORRUPT, "footer ends inside page %u of column '%s'", p,
                           col->name);
        if (disk > UINT32_MAX || raw > UINT32_MAX || pg->codec >= CODEC__COUNT ||
            pg->encoding >= ENC__COUNT || pg->offset < SEGMENT_HEADER_SIZE ||
            pg->offset > data_end || disk > data_end - pg->offset ||
            (pg->codec == CODEC_NONE && disk != raw))
            return err_set(err, ERR_CORRUPT,
                           "page %u of column '%s' has an invalid location or size", p, col->name);
        pg->disk_size = (uint32_t)disk;
        pg->raw_size = (uint32_t)raw;
    }
    return STATUS_OK;
}

Status segment_footer_decode(const uint8_t *p, size_t n, uint64_t data_end, Arena *a,
                             SegmentFooter *out, Error *err) {
    memset(out, 0, sizeof *out);
    ByteReader r = br_make(p, n);
    out->nrows = br_varint(&r);
    uint64_t rpp = br_varint(&r);
    uint8_t keys = br_u8(&r);
    uint64_t nkeys = br_varint(&r), ncols = br_varint(&r);
    if (r.failed) return err_set(err, ERR_CORRUPT, "footer too short");
    if (rpp == 0 || rpp > SEGMENT_MAX_ROWS_PER_PAGE || keys > KEYS_PRIMARY || ncols == 0 ||
        ncols > STORAGE_MAX_COLUMNS + 1 || nkeys > ncols || out->nrows > ((uint64_t)1 << 40))
        return err_set(err, ERR_CORRUPT,
                       "footer header is invalid (rows %llu, rows per page %llu, columns %llu)",
                       (unsigned long long)out->nrows, (unsigned long long)rpp,
                       (unsigned long long)ncols);
    out->rows_per_page = (uint32_t)rpp;
    out->keys_type = (KeysType)keys;
    out->nkeys = (int)nkeys;
    out->ncols = (int)ncols;
    out->op_col = -1;
    out->cols = arena_calloc(a, sizeof(SegColumn) * ncols);
    for (int c = 0; c < out->ncols; c++) {
        if (decode_column(&r, out, c, data_end, a, &out->cols[c], err)) return STATUS_ERROR;
        if (out->cols[c].is_op) {
            if (out->op_col >= 0) return err_set(err, ERR_CORRUPT, "footer has two op columns");
            out->op_col = c;
        }
    }
    if (br_left(&r) != 0)
        return err_set(err, ERR_CORRUPT, "%zu unexpected bytes after the footer", br_left(&r));
    return STATUS_OK;
}
