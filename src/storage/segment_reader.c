/* Segment reader: trailer and footer checks at open, then page reads with checksum verification;
 * and the full-file verification VERIFY SNAPSHOT and RESTORE run on downloaded files. */
#include "storage/segment_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/compress.h"
#include "storage/data_file.h"
#include "storage/encoding.h"
#include "util/hash.h"

struct SegmentReader {
    int fd;
    char *path;
    uint64_t file_size;
    SegmentFooter footer;
    Arena *arena;   /* footer bytes and parsed footer */
    Arena *scratch; /* per page */
    StrBuf disk, raw;
    Compressor *comp;
    uint64_t bytes_read;
};

static Status corrupt(Error *err, const char *path, const char *what) {
    return err_set(err, ERR_CORRUPT, "Segment file %s is corrupt: %s", path, what);
}

static Status read_footer(SegmentReader *r, Error *err) {
    if (r->file_size < SEGMENT_HEADER_SIZE + SEGMENT_TRAILER_SIZE)
        return err_set(err, ERR_CORRUPT,
                       "Segment file %s is corrupt: %llu bytes is too short for a segment", r->path,
                       (unsigned long long)r->file_size);
    uint8_t header[SEGMENT_HEADER_SIZE], trailer[SEGMENT_TRAILER_SIZE];
    if (data_file_pread(r->fd, r->path, header, sizeof header, 0, err) ||
        data_file_pread(r->fd, r->path, trailer, sizeof trailer,
                        r->file_size - SEGMENT_TRAILER_SIZE, err))
        return STATUS_ERROR;
    if (memcmp(header, SEGMENT_MAGIC, 8) != 0 || memcmp(trailer + 24, SEGMENT_END_MAGIC, 8) != 0)
        return corrupt(err, r->path, "not a cairn segment (bad magic at the start or end)");
    uint32_t version = load_u32(header + 8);
    if (version != SEGMENT_FORMAT_VERSION || load_u32(trailer + 12) != version)
        return err_set(err, ERR_CORRUPT,
                       "Segment file %s has format version %u; this server reads version %d",
                       r->path, version, SEGMENT_FORMAT_VERSION);
    uint64_t foff = load_u64(trailer);
    uint32_t flen = load_u32(trailer + 8);
    uint64_t data_end = r->file_size - SEGMENT_TRAILER_SIZE;
    if (foff < SEGMENT_HEADER_SIZE || foff > data_end || flen != data_end - foff)
        return err_set(
            err, ERR_CORRUPT,
            "Segment file %s is corrupt: trailer puts the footer at offset %llu (%u bytes) in a "
            "%llu-byte file",
            r->path, (unsigned long long)foff, flen, (unsigned long long)r->file_size);
    uint8_t *fb = arena_alloc(r->arena, flen ? flen : 1);
    if (data_file_pread(r->fd, r->path, fb, flen, foff, err)) return STATUS_ERROR;
    r->bytes_read += SEGMENT_HEADER_SIZE + SEGMENT_TRAILER_SIZE + flen;
    uint64_t want = load_u64(trailer + 16), got = hash_xxh3(fb, flen);
    if (want != got)
        return err_set(err, ERR_CORRUPT,
                       "Segment file %s is corrupt: footer checksum mismatch (footer at offset "
                       "%llu, %u bytes; "
                       "stored %016llx, computed %016llx)",
                       r->path, (unsigned long long)foff, flen, (unsigned long long)want,
                       (unsigned long long)got);
    if (segment_footer_decode(fb, flen, foff, r->arena, &r->footer, err))
        return err_prefix(err, "Segment file %s is corrupt: footer at offset %llu: ", r->path,
                          (unsigned long long)foff);
    return STATUS_OK;
}

Status segment_reader_open(SegmentReader **out, const char *path, Error *err) {
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, ERR_IO, "Cannot open segment file %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return err_set(err, ERR_IO, "Cannot stat segment file %s: %s", path, strerror(e));
    }
    SegmentReader *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->fd = fd;
    r->path = strdup(path);
    if (!r->path) abort();
    r->file_size = (uint64_t)st.st_size;
    r->arena = arena_new(0);
    r->scratch = arena_new(0);
    r->comp = compressor_new();
    sb_init(&r->disk);
    sb_init(&r->raw);
    if (read_footer(r, err)) {
        segment_reader_free(r);
        return STATUS_ERROR;
    }
    *out = r;
    return STATUS_OK;
}

void segment_reader_free(SegmentReader *r) {
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    free(r->path);
    arena_free(r->arena);
    arena_free(r->scratch);
    sb_free(&r->disk);
    sb_free(&r->raw);
    compressor_free(r->comp);
    free(r);
}

const SegmentFooter *segment_reader_footer(const SegmentReader *r) {
    return &r->footer;
}

const char *segment_reader_path(const SegmentReader *r) {
    return r->path;
}

uint64_t segment_reader_bytes_read(const SegmentReader *r) {
    return r->bytes_read;
}

Status segment_reader_read_page(SegmentReader *r, int col, uint32_t page, ColumnVector *out,
                                Error *err) {
    const SegmentFooter *f = &r->footer;
    if (col < 0 || col >= f->ncols || page >= f->cols[col].npages)
        return err_set(err, ERR_INTERNAL,
                       "Page %u of column %d requested from %s, which has %d columns", page, col,
                       r->path, f->ncols);
    const SegColumn *sc = &f->cols[col];
    const SegPage *pg = &sc->pages[page];
    if (out->type.id != sc->col.type.id)
        return err_set(err, ERR_INTERNAL, "Column '%s' of %s is %s, read as %s", sc->col.name,
                       r->path, type_name(sc->col.type.id), type_name(out->type.id));
    sb_reset(&r->disk);
    sb_reserve(&r->disk, pg->disk_size);
    if (data_file_pread(r->fd, r->path, r->disk.data, pg->disk_size, pg->offset, err))
        return STATUS_ERROR;
    r->bytes_read += pg->disk_size;
    uint64_t got = hash_xxh3(r->disk.data, pg->disk_size);
    if (got != pg->checksum)
        return err_set(
            err, ERR_CORRUPT,
            "Segment file %s is corrupt: page %u of column '%s' (offset %llu, %u bytes): checksum "
            "mismatch (stored %016llx, computed %016llx)",
            r->path, page, sc->col.name, (unsigned long long)pg->offset, pg->disk_size,
            (unsigned long long)pg->checksum, (unsigned long long)got);
    const uint8_t *body = (const uint8_t *)r->disk.data;
    if (pg->codec != CODEC_NONE) {
        sb_reset(&r->raw);
        sb_reserve(&r->raw, pg->raw_size);
        if (compressor_decompress(r->comp, (Codec)pg->codec, r->disk.data, pg->disk_size,
                                  r->raw.data, pg->raw_size, err))
            goto bad;
        body = (const uint8_t *)r->raw.data;
    }
    arena_reset(r->scratch);
    if (page_decode(body, pg->raw_size, segment_page_rows(f, page), out, r->scratch, err)) goto bad;
    return STATUS_OK;
bad:
    return err_prefix(
        err,
        "Segment file %s is corrupt: page %u of column '%s' (offset %llu, %u bytes): ", r->path,
        page, sc->col.name, (unsigned long long)pg->offset, pg->disk_size);
}

static bool zonemaps_equal(const ZoneMap *a, const ZoneMap *b, const DataType *t) {
    StrBuf x = STRBUF_INIT, y = STRBUF_INIT;
    zonemap_encode(a, t, &x);
    zonemap_encode(b, t, &y);
    bool eq = x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
    sb_free(&x);
    sb_free(&y);
    return eq;
}

static Status verify_page(SegmentReader *r, int c, uint32_t p, Arena *a, Error *err) {
    const SegColumn *sc = &r->footer.cols[c];
    ColumnVector *v = colvec_new(a, sc->col.type, segment_page_rows(&r->footer, p));
    if (segment_reader_read_page(r, c, p, v, err)) return STATUS_ERROR;
    ZoneMap zm;
    zonemap_compute(&zm, v, NULL, 0, v->len);
    if (!zonemaps_equal(&zm, &sc->pages[p].zone, &sc->col.type))
        return err_set(err, ERR_CORRUPT,
                       "Segment file %s is corrupt: page %u of column '%s' (offset %llu): its zone "
                       "map does not "
                       "match its values",
                       r->path, p, sc->col.name, (unsigned long long)sc->pages[p].offset);
    if (!sc->col.is_nullable && zm.null_count > 0)
        return err_set(err, ERR_CORRUPT,
                       "Segment file %s is corrupt: column '%s' has NULLs in page %u but is "
                       "NOT NULL",
                       r->path, sc->col.name, p);
    if (sc->is_op)
        for (uint32_t i = 0; i < v->len; i++) {
            int8_t op = ((const int8_t *)v->data)[i];
            if (colvec_is_null(v, i) || (op != ROW_OP_UPSERT && op != ROW_OP_DELETE))
                return err_set(err, ERR_CORRUPT,
                               "Segment file %s is corrupt: row %llu has operation %d", r->path,
                               (unsigned long long)p * r->footer.rows_per_page + i, op);
        }
    return STATUS_OK;
}

Status segment_verify_file(const char *path, SegmentVerifyInfo *info, Error *err) {
    SegmentReader *r;
    if (segment_reader_open(&r, path, err)) return STATUS_ERROR;
    Arena *a = arena_new(0);
    Status s = STATUS_OK;
    uint64_t pages = 0;
    for (int c = 0; c < r->footer.ncols && s == STATUS_OK; c++) {
        for (uint32_t p = 0; p < r->footer.cols[c].npages && s == STATUS_OK; p++) {
            s = verify_page(r, c, p, a, err);
            arena_reset(a);
            pages++;
        }
    }
    if (s == STATUS_OK && info) {
        info->nrows = r->footer.nrows;
        info->pages = pages;
        info->bytes = r->file_size;
    }
    arena_free(a);
    segment_reader_free(r);
    return s;
}
