/* Unit tests for rowsets: the writer (segments, sort, key bounds, abort), RowsetMeta JSON, the
 * tablet file layout (list, sweep, link, delete, verify) and the rowset reader (projection,
 * zone-map skipping with skip reports, row ranges, delete filter, columns added after the data was
 * written). */
#include "storage/rowset_reader.h"
#include "storage/rowset_writer.h"
#include "storage/tablet_files.h"
#include "storage_fixtures.h"
#include "test.h"

/* Writes rows [0, n) of the all-types fixture as rowset `id`, in batches of `chunk` rows. */
static RowsetMeta *write_fixture(const char *dir, const TabletSchema *s, uint64_t id, uint32_t n,
                                 uint32_t chunk, const RowsetWriterOptions *opts, Arena *a) {
    RowsetWriter *w;
    Error err = ERROR_INIT;
    CHECK_OK(rowset_writer_new(&w, dir, id, s, opts, &err), &err);
    if (!w) return NULL;
    Arena *ba = arena_new(0);
    for (uint32_t from = 0; from < n; from += chunk) {
        arena_reset(ba);
        Batch *b = fx_batch(s, ba, from, n - from < chunk ? n - from : chunk);
        CHECK_OK(rowset_writer_add_batch(w, b, NULL, &err), &err);
    }
    RowsetMeta *m = NULL;
    CHECK_OK(rowset_writer_finish(w, a, &m, &err), &err);
    rowset_writer_free(w);
    arena_free(ba);
    return m;
}

TEST(writer_segments_and_meta) {
    Arena *a = arena_new(0);
    TabletSchema *s = fx_all_types_schema(a);
    char *dir = tablet_dir_path(fx_tmpdir("rowset_writer"), 5001, a);
    RowsetWriterOptions opts = ROWSET_WRITER_OPTIONS_INIT;
    opts.max_segment_rows = 40000;
    opts.start_version = opts.end_version = 2;
    RowsetMeta *m = write_fixture(dir, s, 77, 100000, 7000, &opts, a);
    CHECK(strstr(dir, "/data/905/5001") != NULL); /* 5001 % 1024 */
    CHECK_INT(m->nsegments, 3);
    CHECK_INT(m->nrows, 100000);
    CHECK_INT(m->segments[0].nrows, 40000);
    CHECK_INT(m->segments[2].nrows, 20000);
    CHECK_INT(m->start_version, 2);
    CHECK(!m->segments_overlap); /* k = row number: each chunk follows the previous one */
    CHECK_INT(m->data_size, m->segments[0].size + m->segments[1].size + m->segments[2].size);
    Datum *mn, *mx;
    CHECK(rowset_meta_key_bounds(m, s, a, &mn, &mx));
    CHECK_INT(mn[0].v.i64, 0);
    CHECK_INT(mx[0].v.i64, 99999);

    /* JSON round trip */
    StrBuf js = STRBUF_INIT;
    rowset_meta_to_json(m, &js);
    CHECK(strstr(js.data, "\"rowset_id\":77") != NULL);
    RowsetMeta *back;
    Error err = ERROR_INIT;
    CHECK_OK(rowset_meta_from_json(js.data, js.len, a, &back, &err), &err);
    CHECK_INT(back->nsegments, 3);
    CHECK_INT(back->segments[1].checksum, m->segments[1].checksum);
    CHECK_INT(back->max_key_len, m->max_key_len);
    CHECK(memcmp(back->max_key, m->max_key, m->max_key_len) == 0);
    CHECK(rowset_meta_from_json("{\"rowset_id\":1}", 15, a, &back, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_CORRUPT);
    sb_free(&js);

    /* files on disk, verified against the metadata */
    TabletFile *files;
    size_t nf;
    CHECK_OK(tablet_list_files(dir, a, &files, &nf, &err), &err);
    CHECK_INT(nf, 3);
    CHECK_STR(files[0].name, "77_0.dat");
    CHECK_INT(files[2].segment_no, 2);
    CHECK_INT(files[1].size, m->segments[1].size);
    CHECK_OK(rowset_verify_files(dir, m, &err), &err);
    m->segments[1].checksum ^= 1;
    CHECK(rowset_verify_files(dir, m, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "77_1.dat does not match its rowset metadata") != NULL);
    m->segments[1].checksum ^= 1;
    arena_free(a);
}

TEST(writer_sorts_and_checks) {
    Arena *a = arena_new(0);
    TabletSchema s = {KEYS_UNIQUE, 2, 1, NULL};
    TabletColumn cols[2] = {fx_col("id", 1, type_varchar(20), false, true, AGG_NONE),
                            fx_col("v", 2, type_make(TYPE_INT), false, false, AGG_NONE)};
    s.cols = cols;
    const char *dir = fx_tmpdir("rowset_sort");
    RowsetWriter *w;
    Error err = ERROR_INIT;
    RowsetWriterOptions opts = ROWSET_WRITER_OPTIONS_INIT;
    opts.max_segment_rows = 3;
    CHECK_OK(rowset_writer_new(&w, dir, 1, &s, &opts, &err), &err);
    DataType types[2] = {cols[0].type, cols[1].type};
    Batch *b = batch_new(a, 2, types, 0);
    const char *keys[] = {"m", "b", "m", "a", "z", "b"};
    for (int i = 0; i < 6; i++) {
        Slice k = {keys[i], 1};
        int32_t v = i;
        colvec_append(b->cols[0], &k);
        colvec_append(b->cols[1], &v);
    }
    b->nrows = 6;
    uint8_t ops[6] = {0, 0, 1, 0, 0, 0};
    CHECK_OK(rowset_writer_add_batch(w, b, ops, &err), &err);
    /* a NULL in a NOT NULL column is refused with the column's name */
    colvec_append_null(b->cols[1]);
    Slice k = {"q", 1};
    colvec_append(b->cols[0], &k);
    b->nrows = 7;
    CHECK(rowset_writer_add_batch(w, b, NULL, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_BAD_NULL);
    CHECK_STR(err.msg, "Column 'v' cannot be null");
    RowsetMeta *m;
    CHECK_OK(rowset_writer_finish(w, a, &m, &err), &err);
    rowset_writer_free(w);
    CHECK_INT(m->nsegments, 2);
    CHECK_INT(m->nrows, 5);
    CHECK_INT(m->ndeletes, 1);
    CHECK(m->segments_overlap); /* [b, m, m] then [a, b, z] */
    /* read back raw: each segment sorted; within a segment a repeated key keeps only its newest row
     * (m0 is replaced by the delete m2, which stays to mask older rowsets); the op column is kept
     */
    ReadOptions ro = {.with_op = true};
    RowsetReader *r;
    CHECK_OK(rowset_reader_open(&r, dir, &s, m, &ro, &err), &err);
    StrBuf got = STRBUF_INIT;
    Batch *out;
    while (rowset_reader_next(r, a, &out, &err) == STATUS_OK && out) {
        for (uint32_t i = 0; i < out->nrows; i++) {
            colvec_format(out->cols[0], i, &got);
            colvec_format(out->cols[1], i, &got);
            colvec_format(out->cols[2], i, &got);
            sb_putc(&got, ' ');
        }
    }
    CHECK_STR(got.data, "b10 m21 a30 b50 z40 ");
    sb_free(&got);
    rowset_reader_free(r);
    /* a DUPLICATE tablet refuses delete rows */
    TabletSchema dup = s;
    dup.keys_type = KEYS_DUPLICATE;
    CHECK_OK(rowset_writer_new(&w, dir, 2, &dup, NULL, &err), &err);
    b->nrows = 6;
    CHECK(rowset_writer_add_batch(w, b, ops, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_NOT_SUPPORTED);
    rowset_writer_free(w);
    arena_free(a);
}

TEST(writer_abort_removes_files) {
    Arena *a = arena_new(0);
    TabletSchema *s = fx_all_types_schema(a);
    const char *dir = fx_tmpdir("rowset_abort");
    RowsetWriter *w;
    Error err = ERROR_INIT;
    RowsetWriterOptions opts = ROWSET_WRITER_OPTIONS_INIT;
    opts.max_segment_rows = 1000;
    CHECK_OK(rowset_writer_new(&w, dir, 9, s, &opts, &err), &err);
    CHECK_OK(rowset_writer_add_batch(w, fx_batch(s, a, 0, 2500), NULL, &err), &err);
    CHECK_INT(fx_count_files(dir), 2); /* two full segments already written */
    rowset_writer_free(w);             /* never finished */
    CHECK_INT(fx_count_files(dir), 0);
    /* an empty rowset: metadata, no files */
    CHECK_OK(rowset_writer_new(&w, dir, 10, s, NULL, &err), &err);
    RowsetMeta *m;
    CHECK_OK(rowset_writer_finish(w, a, &m, &err), &err);
    rowset_writer_free(w);
    CHECK_INT(m->nsegments, 0);
    CHECK_INT(m->nrows, 0);
    CHECK(m->min_key == NULL);
    arena_free(a);
}

static bool referenced_odd(void *ctx, uint64_t rowset_id) {
    (void)ctx;
    return rowset_id % 2 == 1;
}

TEST(sweep_link_delete) {
    Arena *a = arena_new(0);
    TabletSchema *s = fx_all_types_schema(a);
    const char *root = fx_tmpdir("rowset_files");
    char *dir = tablet_dir_path(root, 42, a);
    RowsetMeta *m1 = write_fixture(dir, s, 1, 100, 100, NULL, a);
    RowsetMeta *m2 = write_fixture(dir, s, 2, 100, 100, NULL, a);
    (void)m2;
    /* what a crash leaves: a temp file, plus a foreign file nobody should touch */
    FILE *f = fopen(arena_sprintf(a, "%s/3_0.dat.tmp", dir), "w");
    fclose(f);
    f = fopen(arena_sprintf(a, "%s/README", dir), "w");
    fclose(f);
    Error err = ERROR_INIT;
    TabletFile *files;
    size_t n;
    CHECK_OK(tablet_list_files(dir, a, &files, &n, &err), &err);
    CHECK_INT(n, 4);
    CHECK(files[0].is_foreign); /* rowset 0 sorts first */
    CHECK(files[3].is_temp);
    size_t removed = 0;
    CHECK_OK(tablet_sweep_files(dir, referenced_odd, NULL, &removed, &err), &err);
    CHECK_INT(removed, 2); /* 2_0.dat (unreferenced) and 3_0.dat.tmp */
    CHECK_INT(fx_count_files(dir), 2);

    /* a snapshot is hard links under any name; deleting the tablet's files leaves the snapshot
     * readable */
    char *snap = arena_sprintf(a, "%s/snapshot/s1/42", root);
    CHECK_OK(rowset_link_files(dir, m1, snap, 1001, &err), &err);
    struct stat st;
    CHECK(stat(arena_sprintf(a, "%s/1001_0.dat", snap), &st) == 0);
    CHECK_INT(st.st_nlink, 2);
    CHECK_OK(rowset_delete_files(dir, m1, &err), &err);
    CHECK(stat(arena_sprintf(a, "%s/1_0.dat", dir), &st) != 0);
    RowsetMeta *ms = rowset_meta_copy(m1, a);
    ms->rowset_id = 1001;
    CHECK_OK(rowset_verify_files(snap, ms, &err), &err);

    uint64_t *ids;
    CHECK_OK(tablet_dir_create(tablet_dir_path(root, 1066, a), &err), &err);
    CHECK_OK(storage_list_tablets(root, a, &ids, &n, &err), &err);
    CHECK_INT(n, 2);
    CHECK_INT(ids[0], 42);
    CHECK_INT(ids[1], 1066);
    CHECK_OK(tablet_dir_remove(dir, &err), &err);
    CHECK(stat(dir, &st) != 0);
    CHECK_OK(storage_list_tablets(root, a, &ids, &n, &err), &err);
    CHECK_INT(n, 1);
    arena_free(a);
}

typedef struct SkipLog {
    int calls;
    uint64_t rows;
    uint64_t first[8];
} SkipLog;

static void on_skip(void *ctx, const RowsetMeta *m, uint32_t seg, uint64_t first, uint64_t n) {
    SkipLog *log = ctx;
    if (log->calls < 8) log->first[log->calls] = seg * 1000000 + first;
    log->calls++;
    log->rows += n;
}

/* Reads a whole rowset through the reader and returns the number of rows; checks values against the
 * fixture. */
static uint64_t scan_all(const char *dir, const TabletSchema *s, const RowsetMeta *m,
                         const ReadOptions *ro, ReadStats *stats, int *bad) {
    RowsetReader *r;
    Error err = ERROR_INIT;
    CHECK_OK(rowset_reader_open(&r, dir, s, m, ro, &err), &err);
    if (!r) return 0;
    Arena *ba = arena_new(0);
    uint64_t rows = 0;
    Batch *b;
    for (;;) {
        arena_reset(ba);
        CHECK_OK(rowset_reader_next(r, ba, &b, &err), &err);
        if (!b) break;
        int ncols = ro->columns ? ro->ncolumns : s->ncols;
        CHECK_INT(b->ncols, ncols);
        /* k is the row number: check every projected column at that row */
        const ColumnVector *k = NULL;
        for (int c = 0; c < ncols; c++)
            if ((ro->columns ? ro->columns[c] : c) == 0) k = b->cols[c];
        for (int c = 0; k && c < ncols; c++) {
            uint64_t first = (uint64_t)((int32_t *)k->data)[0];
            *bad += fx_check_column(s, ro->columns ? ro->columns[c] : c, b->cols[c], first);
        }
        rows += b->nrows;
    }
    if (stats) *stats = *rowset_reader_stats(r);
    rowset_reader_free(r);
    arena_free(ba);
    return rows;
}

TEST(reader_projection_skipping_ranges) {
    Arena *a = arena_new(0);
    TabletSchema *s = fx_all_types_schema(a);
    const char *dir = fx_tmpdir("rowset_reader");
    RowsetWriterOptions opts = ROWSET_WRITER_OPTIONS_INIT;
    opts.max_segment_rows = 50000;
    RowsetMeta *m = write_fixture(dir, s, 3, 120000, 10000, &opts, a);
    int bad = 0;
    ReadStats st;
    ReadOptions all = {0};
    CHECK_INT(scan_all(dir, s, m, &all, &st, &bad), 120000);
    CHECK_INT(bad, 0);
    CHECK_INT(st.segments_read, 3);
    CHECK_INT(st.pages_read, 13 + 13 + 5);

    /* projection: k, string, datetime only; fewer bytes read */
    int proj[3] = {12, 0, 14};
    ReadOptions p = {.columns = proj, .ncolumns = 3};
    ReadStats st2;
    CHECK_INT(scan_all(dir, s, m, &p, &st2, &bad), 120000);
    CHECK_INT(bad, 0);
    CHECK(st2.bytes_read * 2 < st.bytes_read);

    /* k BETWEEN 60000 AND 70000: segment 0 and 2 skipped whole, pages of segment 1 around it */
    ColumnPredicate pr = {.col = 0,
                          .kind = PRED_RANGE,
                          .has_lower = true,
                          .lower_inclusive = true,
                          .has_upper = true,
                          .upper_inclusive = true,
                          .lower = {.v.i64 = 60000},
                          .upper = {.v.i64 = 70000}};
    SkipLog log = {0};
    ReadOptions z = {.preds = &pr, .npreds = 1, .on_skip = on_skip, .skip_ctx = &log};
    ReadStats st3;
    uint64_t rows = scan_all(dir, s, m, &z, &st3, &bad);
    CHECK_INT(bad, 0);
    /* pages of segment 1 (rows 50000..99999) holding 60000..70000: local rows 8192..20479 (3 pages)
     */
    CHECK_INT(rows, 3 * 4096);
    CHECK_INT(st3.segments_skipped, 2);
    CHECK_INT(st3.rows_skipped, 120000 - 3 * 4096);
    CHECK_INT(log.rows, 120000 - 3 * 4096);
    CHECK_INT(log.calls, 4); /* segment 0, segment 1 before, segment 1 after, segment 2 */
    CHECK_INT(log.first[0], 0);
    CHECK_INT(log.first[1], 1000000);
    CHECK_INT(log.first[2], 1000000 + 20480);
    CHECK_INT(log.first[3], 2000000);

    /* IS NULL on a column with NULLs matches everywhere; k IS NULL nowhere */
    ColumnPredicate isnull = {.col = 0, .kind = PRED_IS_NULL};
    ReadOptions zn = {.preds = &isnull, .npreds = 1};
    CHECK_INT(scan_all(dir, s, m, &zn, NULL, &bad), 0);

    /* row range across a segment boundary, not page aligned */
    ReadOptions rr = {.row_begin = 49990, .row_end = 50017};
    RowsetReader *r;
    Error err = ERROR_INIT;
    CHECK_OK(rowset_reader_open(&r, dir, s, m, &rr, &err), &err);
    Batch *b;
    uint64_t total = 0;
    int32_t firstk = -1, lastk = -1;
    while (rowset_reader_next(r, a, &b, &err) == STATUS_OK && b) {
        if (firstk < 0) firstk = ((int32_t *)b->cols[0]->data)[0];
        lastk = ((int32_t *)b->cols[0]->data)[b->nrows - 1];
        bad += fx_check_column(s, 12, b->cols[12], (uint64_t)((int32_t *)b->cols[0]->data)[0]);
        total += b->nrows;
    }
    CHECK_INT(total, 27);
    CHECK_INT(firstk, 49990);
    CHECK_INT(lastk, 50016);
    CHECK_INT(bad, 0);
    rowset_reader_free(r);
    arena_free(a);
}

/* Deletes rows whose k is a multiple of 3 (a delete predicate evaluated by the "engine"). */
static Status delete_mult3(void *ctx, const RowsetMeta *m, ColumnVector *const *cols, uint32_t n,
                           uint8_t *keep, Error *err) {
    int *calls = ctx;
    (*calls)++;
    const int32_t *k = cols[0]->data;
    for (uint32_t i = 0; i < n; i++)
        if (k[i] % 3 == 0) keep[i] = 0;
    return STATUS_OK;
}

TEST(reader_delete_filter_and_added_column) {
    Arena *a = arena_new(0);
    TabletSchema *s = fx_all_types_schema(a);
    const char *dir = fx_tmpdir("rowset_delete");
    RowsetMeta *m = write_fixture(dir, s, 4, 10000, 10000, NULL, a);
    int proj[1] = {4}; /* c_INT only: k comes in through delete_columns */
    int delcols[1] = {0};
    int calls = 0;
    ReadOptions ro = {.columns = proj,
                      .ncolumns = 1,
                      .delete_filter = delete_mult3,
                      .delete_ctx = &calls,
                      .delete_columns = delcols,
                      .ndelete_columns = 1};
    RowsetReader *r;
    Error err = ERROR_INIT;
    CHECK_OK(rowset_reader_open(&r, dir, s, m, &ro, &err), &err);
    Batch *b;
    uint64_t rows = 0;
    while (rowset_reader_next(r, a, &b, &err) == STATUS_OK && b) {
        CHECK_INT(b->ncols, 1);
        rows += b->nrows;
    }
    CHECK_INT(rows, 10000 - 3334);
    CHECK_INT(rowset_reader_stats(r)->rows_deleted, 3334);
    CHECK_INT(calls, 3);
    rowset_reader_free(r);

    /* ADD COLUMN after the load: a new uid with a default; DROP COLUMN c_FLOAT; old segments still
     * read */
    TabletSchema *s2 = tablet_schema_copy(s, a);
    s2->cols[7] = fx_col("added", 999, type_make(TYPE_BIGINT), true, false, AGG_NONE);
    s2->cols[7].default_value.is_null = false;
    s2->cols[7].default_value.v.i64 = 31337;
    int proj2[2] = {0, 7};
    ReadOptions ro2 = {.columns = proj2, .ncolumns = 2};
    CHECK_OK(rowset_reader_open(&r, dir, s2, m, &ro2, &err), &err);
    CHECK_OK(rowset_reader_next(r, a, &b, &err), &err);
    CHECK_INT(b->nrows, 4096);
    CHECK_INT(((int64_t *)b->cols[1]->data)[4095], 31337);
    CHECK(b->cols[1]->nulls == NULL);
    rowset_reader_free(r);
    /* a type change is refused with a message naming the column */
    s2->cols[8].type = type_make(TYPE_INT); /* c_DOUBLE */
    int proj3[1] = {8};
    ReadOptions ro3 = {.columns = proj3, .ncolumns = 1};
    CHECK_OK(rowset_reader_open(&r, dir, s2, m, &ro3, &err), &err);
    CHECK(rowset_reader_next(r, a, &b, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_NOT_SUPPORTED);
    CHECK(strstr(err.msg, "'c_DOUBLE'") != NULL);
    rowset_reader_free(r);
    arena_free(a);
}

TEST(reader_reports_corrupt_file) {
    Arena *a = arena_new(0);
    TabletSchema *s = fx_all_types_schema(a);
    const char *dir = fx_tmpdir("rowset_corrupt");
    RowsetMeta *m = write_fixture(dir, s, 5, 9000, 9000, NULL, a);
    /* damage the middle of the file */
    char *path = segment_file_path(dir, 5, 0, a);
    FILE *f = fopen(path, "r+b");
    fseek(f, (long)(m->segments[0].size / 2), SEEK_SET);
    int c = fgetc(f);
    fseek(f, (long)(m->segments[0].size / 2), SEEK_SET);
    fputc(c ^ 0xff, f);
    fclose(f);
    ReadOptions ro = {0};
    RowsetReader *r;
    Error err = ERROR_INIT;
    CHECK_OK(rowset_reader_open(&r, dir, s, m, &ro, &err), &err);
    Batch *b;
    Status st = STATUS_OK;
    while ((st = rowset_reader_next(r, a, &b, &err)) == STATUS_OK && b) {
    }
    CHECK(st == STATUS_ERROR);
    CHECK_INT(err.code, ERR_CORRUPT);
    CHECK(strstr(err.msg, path) != NULL);
    CHECK(strstr(err.msg, "checksum mismatch") != NULL);
    rowset_reader_free(r);
    CHECK(rowset_verify_files(dir, m, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "5_0.dat") != NULL);
    arena_free(a);
}

int main(void) {
    RUN(writer_segments_and_meta);
    RUN(writer_sorts_and_checks);
    RUN(writer_abort_removes_files);
    RUN(sweep_link_delete);
    RUN(reader_projection_skipping_ranges);
    RUN(reader_delete_filter_and_added_column);
    RUN(reader_reports_corrupt_file);
    TEST_EXIT();
}
