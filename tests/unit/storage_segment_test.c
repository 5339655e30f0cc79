/* Unit tests for the segment writer and reader: round trips of every type at 0, 1, 4096 and 100k
 * rows, the file layout, zone maps, row order from a permutation, and corruption reports (file,
 * column, page). */
#include <fcntl.h>

#include "storage/segment_reader.h"
#include "storage/segment_writer.h"
#include "storage_fixtures.h"
#include "test.h"

static char *seg_path(const char *dir, const char *name) {
    static char buf[4][600];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 600, "%s/%s", dir, name);
    return p;
}

/* Writes rows [0, n) of the fixture and reads every page back, checking each value. */
static void roundtrip(uint32_t n, Codec codec) {
    Arena *a = arena_new(0);
    TabletSchema *s = fx_all_types_schema(a);
    Batch *b = fx_batch(s, a, 0, n);
    const char *dir = fx_tmpdir("segment_roundtrip");
    const char *path = seg_path(dir, "1_0.dat");
    SegmentWriteOptions opts = {.codec = codec};
    SegmentFileInfo info;
    Error err = ERROR_INIT;
    CHECK_OK(segment_write(path, s, b->cols, NULL, NULL, n, &opts, &info, &err), &err);
    CHECK_INT(info.nrows, n);
    struct stat st;
    CHECK(stat(path, &st) == 0);
    CHECK_INT(info.size, st.st_size);
    CHECK_INT(fx_count_files(dir), 1); /* no temp file left behind */

    SegmentReader *r;
    CHECK_OK(segment_reader_open(&r, path, &err), &err);
    if (!r) {
        arena_free(a);
        return;
    }
    const SegmentFooter *f = segment_reader_footer(r);
    CHECK_INT(f->nrows, n);
    CHECK_INT(f->ncols, s->ncols);
    CHECK_INT(f->op_col, -1);
    CHECK_INT(f->rows_per_page, BATCH_SIZE);
    int bad = 0;
    for (int c = 0; c < f->ncols; c++) {
        CHECK_STR(f->cols[c].col.name, s->cols[c].name);
        CHECK(type_equal(&f->cols[c].col.type, &s->cols[c].type));
        CHECK_INT(f->cols[c].npages, (n + BATCH_SIZE - 1) / BATCH_SIZE);
        for (uint32_t p = 0; p < f->cols[c].npages; p++) {
            Arena *pa = arena_new(0);
            ColumnVector *v = colvec_new(pa, s->cols[c].type, 0);
            CHECK_OK(segment_reader_read_page(r, c, p, v, &err), &err);
            CHECK_INT(v->len, segment_page_rows(f, p));
            bad += fx_check_column(s, c, v, (uint64_t)p * BATCH_SIZE);
            arena_free(pa);
        }
    }
    CHECK_INT(bad, 0);
    segment_reader_free(r);
    SegmentVerifyInfo vi;
    CHECK_OK(segment_verify_file(path, &vi, &err), &err);
    CHECK_INT(vi.nrows, n);
    CHECK_INT(vi.pages, (uint64_t)s->ncols * ((n + BATCH_SIZE - 1) / BATCH_SIZE));
    arena_free(a);
}

TEST(roundtrip_0_rows) {
    roundtrip(0, CODEC_LZ4);
}
TEST(roundtrip_1_row) {
    roundtrip(1, CODEC_LZ4);
}
TEST(roundtrip_4096_rows) {
    roundtrip(4096, CODEC_LZ4);
}
TEST(roundtrip_100k_rows_lz4) {
    roundtrip(100000, CODEC_LZ4);
}
TEST(roundtrip_100k_rows_zstd) {
    roundtrip(100000, CODEC_ZSTD);
}
TEST(roundtrip_4097_rows_uncompressed) {
    roundtrip(4097, CODEC_NONE);
}

TEST(zone_maps_and_permutation) {
    Arena *a = arena_new(0);
    TabletSchema s = {KEYS_DUPLICATE, 2, 1, NULL};
    TabletColumn cols[2] = {fx_col("k", 1, type_make(TYPE_BIGINT), false, true, AGG_NONE),
                            fx_col("name", 2, type_varchar(100), true, false, AGG_NONE)};
    s.cols = cols;
    DataType types[2] = {cols[0].type, cols[1].type};
    Batch *b = batch_new(a, 2, types, 0);
    uint32_t n = 10000;
    uint32_t *perm = arena_alloc(a, sizeof(uint32_t) * n);
    char big[100];
    memset(big, 'z', sizeof big);
    for (uint32_t i = 0; i < n; i++) {
        int64_t k = (int64_t)(n - 1 - i) * 10; /* descending; the permutation sorts it */
        colvec_append(b->cols[0], &k);
        if (i % 100 == 0) {
            colvec_append_null(b->cols[1]);
        } else {
            Slice sl = {i == 5 ? big : "name", i == 5 ? 100u : 4u};
            colvec_append(b->cols[1], &sl);
        }
        perm[i] = n - 1 - i;
    }
    const char *path = seg_path(fx_tmpdir("segment_zonemap"), "7_0.dat");
    SegmentWriteOptions opts = {.codec = CODEC_LZ4};
    SegmentFileInfo info;
    Error err = ERROR_INIT;
    CHECK_OK(segment_write(path, &s, b->cols, NULL, perm, n, &opts, &info, &err), &err);
    SegmentReader *r;
    CHECK_OK(segment_reader_open(&r, path, &err), &err);
    const SegmentFooter *f = segment_reader_footer(r);
    CHECK_INT(f->cols[0].npages, 3);
    CHECK_INT(f->cols[0].zone.min.v.i64, 0);
    CHECK_INT(f->cols[0].zone.max.v.i64, 99990);
    CHECK_INT(f->cols[0].pages[0].zone.min.v.i64, 0);
    CHECK_INT(f->cols[0].pages[0].zone.max.v.i64, 40950);
    CHECK_INT(f->cols[0].pages[2].zone.min.v.i64, 81920);
    CHECK_INT(f->cols[1].zone.null_count, 100);
    /* the 100-byte max was shortened to 64 bytes and bumped: "zzz...{" sorts above every "zzz..."
     */
    CHECK_INT(f->cols[1].zone.max.v.str.len, 64);
    CHECK_INT(f->cols[1].zone.max.v.str.ptr[63], '{');
    CHECK(!f->cols[1].zone.max_unbounded);
    ColumnVector *v = colvec_new(a, type_make(TYPE_BIGINT), 0);
    CHECK_OK(segment_reader_read_page(r, 0, 1, v, &err), &err);
    CHECK_INT(((int64_t *)v->data)[0], 40960);
    CHECK_INT(((int64_t *)v->data)[4095], 81910);
    /* sorted keys: delta encoding */
    CHECK_INT(f->cols[0].pages[0].encoding, 2);
    ColumnPredicate gt = {
        .col = 0, .kind = PRED_RANGE, .has_lower = true, .lower = {.v.i64 = 81915}};
    CHECK(!zonemap_may_match(&f->cols[0].pages[1].zone, 4096, &cols[0].type, &gt));
    CHECK(zonemap_may_match(&f->cols[0].pages[1].zone, 4096, &cols[0].type,
                            &(ColumnPredicate){.col = 0,
                                               .kind = PRED_RANGE,
                                               .has_lower = true,
                                               .lower_inclusive = true,
                                               .lower = {.v.i64 = 81910}}));
    segment_reader_free(r);
    arena_free(a);
}

static void flip_byte(const char *path, uint64_t off) {
    int fd = open(path, O_RDWR);
    unsigned char c;
    if (pread(fd, &c, 1, (off_t)off) != 1) fprintf(stderr, "short read\n");
    c ^= 0x10;
    if (pwrite(fd, &c, 1, (off_t)off) != 1) fprintf(stderr, "short write\n");
    close(fd);
}

TEST(corruption_names_file_and_page) {
    Arena *a = arena_new(0);
    TabletSchema *s = fx_all_types_schema(a);
    uint32_t n = 10000;
    Batch *b = fx_batch(s, a, 0, n);
    const char *dir = fx_tmpdir("segment_corrupt");
    const char *path = seg_path(dir, "9_0.dat");
    SegmentWriteOptions opts = {.codec = CODEC_LZ4};
    SegmentFileInfo info;
    Error err = ERROR_INIT;
    CHECK_OK(segment_write(path, s, b->cols, NULL, NULL, n, &opts, &info, &err), &err);
    SegmentReader *r;
    CHECK_OK(segment_reader_open(&r, path, &err), &err);
    /* flip a byte in the middle of page 1 of column 4 (c_INT) */
    const SegPage *pg = &segment_reader_footer(r)->cols[4].pages[1];
    uint64_t off = pg->offset + pg->disk_size / 2;
    segment_reader_free(r);
    flip_byte(path, off);

    CHECK(segment_verify_file(path, NULL, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_CORRUPT);
    CHECK(strstr(err.msg, path) != NULL);
    CHECK(strstr(err.msg, "page 1 of column 'c_INT'") != NULL);
    CHECK(strstr(err.msg, "checksum mismatch") != NULL);
    /* other pages still read; the bad one fails with the same report */
    CHECK_OK(segment_reader_open(&r, path, &err), &err);
    ColumnVector *v = colvec_new(a, type_make(TYPE_INT), 0);
    CHECK_OK(segment_reader_read_page(r, 4, 0, v, &err), &err);
    CHECK(segment_reader_read_page(r, 4, 1, v, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "page 1 of column 'c_INT'") != NULL);
    segment_reader_free(r);
    flip_byte(path, off); /* restore */
    CHECK_OK(segment_verify_file(path, NULL, &err), &err);

    /* footer damage */
    flip_byte(path, info.size - SEGMENT_TRAILER_SIZE - 5);
    CHECK(segment_reader_open(&r, path, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_CORRUPT);
    CHECK(strstr(err.msg, "footer checksum mismatch") != NULL);
    CHECK(strstr(err.msg, path) != NULL);
    flip_byte(path, info.size - SEGMENT_TRAILER_SIZE - 5);

    /* truncation and garbage */
    CHECK(truncate(path, (off_t)info.size - 1) == 0);
    CHECK(segment_reader_open(&r, path, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_CORRUPT);
    CHECK(truncate(path, 10) == 0);
    CHECK(segment_reader_open(&r, path, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "too short") != NULL);
    CHECK(segment_reader_open(&r, seg_path(dir, "missing.dat"), &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_IO);
    CHECK(strstr(err.msg, "missing.dat") != NULL);
    arena_free(a);
}

/* Every single-byte flip of a small segment is caught or harmless; the reader never crashes. */
TEST(every_byte_flip_is_caught) {
    Arena *a = arena_new(0);
    TabletSchema *s = fx_all_types_schema(a);
    Batch *b = fx_batch(s, a, 0, 300);
    const char *path = seg_path(fx_tmpdir("segment_flip"), "3_0.dat");
    SegmentWriteOptions opts = {.codec = CODEC_LZ4, .rows_per_page = 128};
    SegmentFileInfo info;
    Error err = ERROR_INIT;
    CHECK_OK(segment_write(path, s, b->cols, NULL, NULL, 300, &opts, &info, &err), &err);
    int caught = 0;
    for (uint64_t off = 0; off < info.size; off++) {
        flip_byte(path, off);
        if (segment_verify_file(path, NULL, &err) == STATUS_ERROR) {
            caught++;
            if (err.code != ERR_CORRUPT)
                fprintf(stderr, "  offset %llu: %s\n", (unsigned long long)off, err.msg);
        }
        flip_byte(path, off);
    }
    /* the 4 reserved header bytes are the only ones not covered by a checksum or magic check */
    CHECK_INT(caught, (int)info.size - 4);
    arena_free(a);
}

TEST(write_refuses_existing_file) {
    Arena *a = arena_new(0);
    TabletSchema *s = fx_all_types_schema(a);
    Batch *b = fx_batch(s, a, 0, 10);
    const char *dir = fx_tmpdir("segment_exists");
    const char *path = seg_path(dir, "1_0.dat");
    SegmentWriteOptions opts = {.codec = CODEC_LZ4};
    SegmentFileInfo info;
    Error err = ERROR_INIT;
    CHECK_OK(segment_write(path, s, b->cols, NULL, NULL, 10, &opts, &info, &err), &err);
    /* an interrupted write leaves a .tmp: the next attempt says which file is in the way */
    FILE *tmp = fopen(seg_path(dir, "1_1.dat.tmp"), "w");
    fclose(tmp);
    CHECK(segment_write(seg_path(dir, "1_1.dat"), s, b->cols, NULL, NULL, 10, &opts, &info, &err) ==
          STATUS_ERROR);
    CHECK_INT(err.code, ERR_IO);
    CHECK(strstr(err.msg, "1_1.dat.tmp") != NULL);
    arena_free(a);
}

int main(void) {
    RUN(roundtrip_0_rows);
    RUN(roundtrip_1_row);
    RUN(roundtrip_4096_rows);
    RUN(roundtrip_100k_rows_lz4);
    RUN(roundtrip_100k_rows_zstd);
    RUN(roundtrip_4097_rows_uncompressed);
    RUN(zone_maps_and_permutation);
    RUN(corruption_names_file_and_page);
    RUN(every_byte_flip_is_caught);
    RUN(write_refuses_existing_file);
    TEST_EXIT();
}
