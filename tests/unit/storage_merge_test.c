/* Unit tests for key models at read time and compaction: AGGREGATE folding with every function
 * (NULLs, key groups longer than a batch), UNIQUE and PRIMARY KEY newest-row-wins with deletes,
 * DUPLICATE ordered and concatenated reads, delete predicates by version, and compaction results
 * equal to the uncompacted read. Each result is checked against a reference computed independently
 * in the test. */
#include "storage/compaction.h"
#include "storage/rowset_writer.h"
#include "storage/segment_writer.h"
#include "storage/tablet_files.h"
#include "storage/tablet_reader.h"
#include "storage_fixtures.h"
#include "test.h"

static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(uint32_t n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* ---------- AGGREGATE ---------- */

enum { AK = 3000 };

typedef struct AggRef {
    bool present;
    int64_t sum;
    bool sum_null;
    int32_t min;
    bool min_null;
    char max[16];
    int32_t rep;
    bool rep_null;
    int32_t rinn;
    bool rinn_null;
    int64_t cnt;
} AggRef;

static TabletSchema agg_schema(TabletColumn *cols) {
    cols[0] = fx_col("k", 1, type_make(TYPE_INT), false, true, AGG_NONE);
    cols[1] = fx_col("s", 2, type_make(TYPE_BIGINT), true, false, AGG_SUM);
    cols[2] = fx_col("mn", 3, type_make(TYPE_INT), true, false, AGG_MIN);
    cols[3] = fx_col("mx", 4, type_varchar(16), true, false, AGG_MAX);
    cols[4] = fx_col("rep", 5, type_make(TYPE_INT), true, false, AGG_REPLACE);
    cols[5] = fx_col("rinn", 6, type_make(TYPE_INT), true, false, AGG_REPLACE_IF_NOT_NULL);
    cols[6] = fx_col("cnt", 7, type_make(TYPE_BIGINT), false, false, AGG_COUNT);
    TabletSchema s = {KEYS_AGGREGATE, 7, 1, cols};
    return s;
}

/* Writes one AGGREGATE rowset of n random rows (key 7 repeated `dups` extra times) and folds it
 * into ref. */
static RowsetMeta *agg_load(const char *dir, const TabletSchema *s, uint64_t id, int64_t version,
                            uint32_t n, uint32_t dups, AggRef *ref, Arena *a) {
    Arena *ba = arena_new(0);
    DataType *types = tablet_schema_types(s, ba);
    Batch *b = batch_new(ba, s->ncols, types, n + dups);
    for (uint32_t i = 0; i < n + dups; i++) {
        int32_t k = i < dups ? 7 : (int32_t)rnd(AK);
        AggRef *r = &ref[k];
        colvec_append(b->cols[0], &k);
        bool sn = rnd(10) == 0, mnn = rnd(10) == 0, mxn = rnd(10) == 0, rn = rnd(5) == 0,
             rinnn = rnd(3) == 0;
        int64_t sv = (int64_t)rnd(1000000) - 500000;
        int32_t mnv = (int32_t)rnd(100000) - 50000, rv = (int32_t)rnd(1000),
                rinnv = (int32_t)rnd(1000);
        char mxv[16];
        snprintf(mxv, sizeof mxv, "m%05u", rnd(50000));
        Slice mxs = {mxv, (uint32_t)strlen(mxv)};
        int64_t one = 1;
        if (sn)
            colvec_append_null(b->cols[1]);
        else
            colvec_append(b->cols[1], &sv);
        if (mnn)
            colvec_append_null(b->cols[2]);
        else
            colvec_append(b->cols[2], &mnv);
        if (mxn)
            colvec_append_null(b->cols[3]);
        else
            colvec_append(b->cols[3], &mxs);
        if (rn)
            colvec_append_null(b->cols[4]);
        else
            colvec_append(b->cols[4], &rv);
        if (rinnn)
            colvec_append_null(b->cols[5]);
        else
            colvec_append(b->cols[5], &rinnv);
        colvec_append(b->cols[6], &one);
        /* the reference: fold in arrival order */
        if (!r->present) {
            memset(r, 0, sizeof *r);
            r->present = true;
            r->sum_null = r->min_null = r->rep_null = r->rinn_null = true;
            r->max[0] = 0;
        }
        if (!sn) r->sum = r->sum_null ? sv : r->sum + sv, r->sum_null = false;
        if (!mnn && (r->min_null || mnv < r->min)) r->min = mnv, r->min_null = false;
        if (!mxn && strcmp(mxv, r->max) > 0) snprintf(r->max, sizeof r->max, "%s", mxv);
        r->rep_null = rn;
        r->rep = rn ? 0 : rv;
        if (!rinnn) r->rinn = rinnv, r->rinn_null = false;
        r->cnt++;
    }
    b->nrows = n + dups;
    RowsetWriterOptions wo = ROWSET_WRITER_OPTIONS_INIT;
    wo.max_segment_rows = 4000; /* several overlapping sorted chunks per rowset */
    wo.start_version = wo.end_version = version;
    RowsetWriter *w;
    Error err = ERROR_INIT;
    RowsetMeta *m = NULL;
    CHECK_OK(rowset_writer_new(&w, dir, id, s, &wo, &err), &err);
    CHECK_OK(rowset_writer_add_batch(w, b, NULL, &err), &err);
    CHECK_OK(rowset_writer_finish(w, a, &m, &err), &err);
    rowset_writer_free(w);
    arena_free(ba);
    return m;
}

/* Reads the tablet merged and compares every key with the reference; returns keys seen. */
static int agg_check(const char *dir, const TabletSchema *s, const RowsetMeta *const *rs, int n,
                     const AggRef *ref) {
    TabletReader *tr;
    Error err = ERROR_INIT;
    ReadOptions ro = {0};
    CHECK_OK(tablet_reader_open(&tr, dir, s, rs, n, &ro, &err), &err);
    if (!tr) return -1;
    Arena *ba = arena_new(0);
    int seen = 0, bad = 0;
    int32_t prev = -1;
    Batch *b;
    for (;;) {
        arena_reset(ba);
        CHECK_OK(tablet_reader_next(tr, ba, &b, &err), &err);
        if (!b) break;
        CHECK(b->nrows <= BATCH_SIZE);
        for (uint32_t i = 0; i < b->nrows; i++) {
            int32_t k = ((int32_t *)b->cols[0]->data)[i];
            const AggRef *r = &ref[k];
            bool ok = k > prev && r->present;
            ok = ok && colvec_is_null(b->cols[1], i) == r->sum_null &&
                 (r->sum_null || ((int64_t *)b->cols[1]->data)[i] == r->sum);
            ok = ok && colvec_is_null(b->cols[2], i) == r->min_null &&
                 (r->min_null || ((int32_t *)b->cols[2]->data)[i] == r->min);
            const Slice *mx = colvec_cell(b->cols[3], i);
            ok = ok && colvec_is_null(b->cols[3], i) == (r->max[0] == 0) &&
                 (r->max[0] == 0 ||
                  (mx->len == strlen(r->max) && memcmp(mx->ptr, r->max, mx->len) == 0));
            ok = ok && colvec_is_null(b->cols[4], i) == r->rep_null &&
                 (r->rep_null || ((int32_t *)b->cols[4]->data)[i] == r->rep);
            ok = ok && colvec_is_null(b->cols[5], i) == r->rinn_null &&
                 (r->rinn_null || ((int32_t *)b->cols[5]->data)[i] == r->rinn);
            ok = ok && ((int64_t *)b->cols[6]->data)[i] == r->cnt;
            if (!ok && bad++ < 3) fprintf(stderr, "  key %d differs from the reference\n", k);
            prev = k;
            seen++;
        }
    }
    CHECK_INT(bad, 0);
    tablet_reader_free(tr);
    arena_free(ba);
    return seen;
}

static int count_present_agg(const AggRef *ref) {
    int n = 0;
    for (int k = 0; k < AK; k++)
        n += ref[k].present;
    return n;
}

TEST(aggregate_merge_and_compaction) {
    Arena *a = arena_new(0);
    TabletColumn cols[7];
    TabletSchema s = agg_schema(cols);
    const char *dir = fx_tmpdir("merge_agg");
    static AggRef ref[AK];
    memset(ref, 0, sizeof ref);
    const RowsetMeta *rs[3];
    rs[0] = agg_load(dir, &s, 10, 2, 9000, 0, ref, a);
    rs[1] =
        agg_load(dir, &s, 11, 3, 6000, 9000, ref, a); /* key 7: a group longer than two batches */
    rs[2] = agg_load(dir, &s, 12, 4, 5000, 0, ref, a);
    CHECK(rs[1]->segments_overlap);
    CHECK_INT(ref[7].cnt >= 9000, 1);
    CHECK_INT(agg_check(dir, &s, rs, 3, ref), count_present_agg(ref));

    /* raw read keeps every stored row */
    TabletReader *tr;
    Error err = ERROR_INIT;
    ReadOptions raw = {.raw = true};
    CHECK_OK(tablet_reader_open(&tr, dir, &s, rs, 3, &raw, &err), &err);
    Batch *b;
    uint64_t rows = 0;
    while (tablet_reader_next(tr, a, &b, &err) == STATUS_OK && b)
        rows += b->nrows;
    /* repeated keys were folded within each load's chunks: fewer rows stored than loaded */
    CHECK_INT(rows, rs[0]->nrows + rs[1]->nrows + rs[2]->nrows);
    CHECK(rows < 9000 + 15000 + 5000);
    CHECK(rs[1]->nrows < 15000 - 8000); /* the 9000 rows of key 7 are at most one per chunk */
    tablet_reader_free(tr);

    /* compaction of all three: one sorted, non-overlapping rowset with one row per key, same read
     * result */
    CompactionOptions co = {.writer = ROWSET_WRITER_OPTIONS_INIT, .is_base = true};
    RowsetMeta *c;
    CHECK_OK(compaction_merge_rowsets(dir, &s, rs, 3, 20, &co, a, &c, &err), &err);
    CHECK_INT(c->nrows, count_present_agg(ref));
    CHECK_INT(c->start_version, 2);
    CHECK_INT(c->end_version, 4);
    CHECK(!c->segments_overlap);
    const RowsetMeta *cr[1] = {c};
    CHECK_INT(agg_check(dir, &s, cr, 1, ref), count_present_agg(ref));
    /* versions must be contiguous */
    const RowsetMeta *gap[2] = {rs[0], rs[2]};
    CHECK(compaction_merge_rowsets(dir, &s, gap, 2, 21, &co, a, &c, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "contiguous") != NULL);
    CHECK(access(segment_file_path(dir, 21, 0, a), F_OK) != 0);
    arena_free(a);
}

/* Segments may hold repeated keys (any producer may write them; the writer folds its own): a key
 * repeated across several output batches must fold as one group. Written with segment_write
 * directly. */
TEST(aggregate_group_longer_than_batches) {
    Arena *a = arena_new(0);
    TabletColumn cols[7];
    TabletSchema s = agg_schema(cols);
    const char *dir = fx_tmpdir("merge_agg_group");
    Batch *b = batch_new(a, s.ncols, tablet_schema_types(&s, a), 0);
    uint32_t n = 3 * BATCH_SIZE + 100;
    for (uint32_t i = 0; i < n; i++) {
        int32_t k = i < 5 ? 1 : i < n - 5 ? 7 : 9, mn = (int32_t)(i % 1000) - 500, rep = (int32_t)i;
        int64_t sv = (int64_t)i, one = 1;
        Slice mx = {i == 777 ? "zz" : "aa", 2};
        colvec_append(b->cols[0], &k);
        colvec_append(b->cols[1], &sv);
        colvec_append(b->cols[2], &mn);
        colvec_append(b->cols[3], &mx);
        colvec_append(b->cols[4], &rep);
        if (i % 2)
            colvec_append_null(b->cols[5]);
        else
            colvec_append(b->cols[5], &rep);
        colvec_append(b->cols[6], &one);
    }
    char *path = segment_file_path(dir, 5, 0, a);
    SegmentWriteOptions so = {.codec = CODEC_LZ4};
    SegmentFileInfo info;
    Error err = ERROR_INIT;
    CHECK_OK(segment_write(path, &s, b->cols, NULL, NULL, n, &so, &info, &err), &err);
    RowsetMeta m = {.rowset_id = 5,
                    .start_version = 2,
                    .end_version = 2,
                    .nrows = n,
                    .nsegments = 1,
                    .segments = &info};
    const RowsetMeta *rs[1] = {&m};
    TabletReader *tr;
    ReadOptions ro = {0};
    CHECK_OK(tablet_reader_open(&tr, dir, &s, rs, 1, &ro, &err), &err);
    Batch *out;
    int rows = 0;
    int64_t sum7 = 0, cnt7 = 0;
    int32_t min7 = 0, rep7 = 0, rinn7 = 0;
    Slice max7 = {"", 0};
    while (tablet_reader_next(tr, a, &out, &err) == STATUS_OK && out) {
        for (uint32_t i = 0; i < out->nrows; i++, rows++) {
            if (((int32_t *)out->cols[0]->data)[i] != 7) continue;
            sum7 = ((int64_t *)out->cols[1]->data)[i];
            min7 = ((int32_t *)out->cols[2]->data)[i];
            max7 = *(Slice *)colvec_cell(out->cols[3], i);
            rep7 = ((int32_t *)out->cols[4]->data)[i];
            rinn7 = ((int32_t *)out->cols[5]->data)[i];
            cnt7 = ((int64_t *)out->cols[6]->data)[i];
        }
    }
    tablet_reader_free(tr);
    CHECK_INT(rows, 3); /* keys 1, 7, 9 */
    int64_t want_sum = 0;
    for (uint32_t i = 5; i < n - 5; i++)
        want_sum += i;
    CHECK_INT(sum7, want_sum);
    CHECK_INT(cnt7, n - 10);
    CHECK_INT(min7, -500);
    CHECK(max7.len == 2 && memcmp(max7.ptr, "zz", 2) == 0);
    CHECK_INT(rep7, n - 6);
    CHECK_INT(rinn7, n - 6 - ((n - 6) % 2)); /* the last even row: odd rows are NULL */
    arena_free(a);
}

/* ---------- UNIQUE / PRIMARY with deletes ---------- */

enum { UK = 4000 };

typedef struct UniqRef {
    bool present;
    int64_t version; /* last load that touched the key */
    int64_t v;
    char tag[16];
} UniqRef;

/* PRIMARY KEY(a VARCHAR, b INT) with value columns v BIGINT and tag VARCHAR; key (a, b) =
 * ("p<k/100>", k%100). */
static TabletSchema uniq_schema(TabletColumn *cols, KeysType kt) {
    cols[0] = fx_col("a", 1, type_varchar(10), false, true, AGG_NONE);
    cols[1] = fx_col("b", 2, type_make(TYPE_INT), false, true, AGG_NONE);
    cols[2] = fx_col("v", 3, type_make(TYPE_BIGINT), false, false, AGG_NONE);
    cols[3] = fx_col("tag", 4, type_varchar(16), true, false, AGG_NONE);
    TabletSchema s = {kt, 4, 2, cols};
    return s;
}

static RowsetMeta *uniq_load(const char *dir, const TabletSchema *s, uint64_t id, int64_t version,
                             uint32_t n, int delete_pct, UniqRef *ref, Arena *a) {
    Arena *ba = arena_new(0);
    Batch *b = batch_new(ba, s->ncols, tablet_schema_types(s, ba), n);
    uint8_t *ops = arena_alloc(ba, n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = rnd(UK);
        char key[16], tag[16];
        snprintf(key, sizeof key, "p%03u", k / 100);
        Slice ks = {arena_strdup(ba, key), (uint32_t)strlen(key)};
        int32_t kb = (int32_t)(k % 100);
        int64_t v = (int64_t)version * 1000000 + i;
        snprintf(tag, sizeof tag, "t%u", rnd(100000));
        Slice ts = {tag, (uint32_t)strlen(tag)};
        colvec_append(b->cols[0], &ks);
        colvec_append(b->cols[1], &kb);
        colvec_append(b->cols[2], &v);
        colvec_append(b->cols[3], &ts);
        ops[i] = (int)rnd(100) < delete_pct ? ROW_OP_DELETE : ROW_OP_UPSERT;
        ref[k].version = version;
        if (ops[i] == ROW_OP_DELETE) {
            ref[k].present = false;
        } else {
            ref[k].present = true;
            ref[k].v = v;
            snprintf(ref[k].tag, sizeof ref[k].tag, "%s", tag);
        }
    }
    b->nrows = n;
    RowsetWriterOptions wo = ROWSET_WRITER_OPTIONS_INIT;
    wo.max_segment_rows = 2500;
    wo.start_version = wo.end_version = version;
    RowsetWriter *w;
    Error err = ERROR_INIT;
    RowsetMeta *m = NULL;
    CHECK_OK(rowset_writer_new(&w, dir, id, s, &wo, &err), &err);
    CHECK_OK(rowset_writer_add_batch(w, b, ops, &err), &err);
    CHECK_OK(rowset_writer_finish(w, a, &m, &err), &err);
    rowset_writer_free(w);
    arena_free(ba);
    return m;
}

static int uniq_key(const Batch *b, uint32_t i) {
    const Slice *a = colvec_cell(b->cols[0], i);
    char digits[8] = {0};
    memcpy(digits, a->ptr + 1, a->len - 1 < 7 ? a->len - 1 : 7); /* slices are not NUL-terminated */
    return atoi(digits) * 100 + ((int32_t *)b->cols[1]->data)[i];
}

/* Reads merged and compares with ref; with keep_deletes, deleted keys seen in `deleted_out`. */
static int uniq_check(const char *dir, const TabletSchema *s, const RowsetMeta *const *rs, int n,
                      const UniqRef *ref, bool keep_deletes, int *deleted_out) {
    TabletReader *tr;
    Error err = ERROR_INIT;
    ReadOptions ro = {.keep_deletes = keep_deletes};
    CHECK_OK(tablet_reader_open(&tr, dir, s, rs, n, &ro, &err), &err);
    if (!tr) return -1;
    Arena *ba = arena_new(0);
    int seen = 0, bad = 0, deleted = 0, prev = -1;
    Batch *b;
    for (;;) {
        arena_reset(ba);
        CHECK_OK(tablet_reader_next(tr, ba, &b, &err), &err);
        if (!b) break;
        CHECK_INT(b->ncols, keep_deletes ? 5 : 4);
        for (uint32_t i = 0; i < b->nrows; i++) {
            int k = uniq_key(b, i);
            bool is_del = keep_deletes && ((int8_t *)b->cols[4]->data)[i] == ROW_OP_DELETE;
            const Slice *tag = colvec_cell(b->cols[3], i);
            bool ok = k > prev;
            if (is_del) {
                ok = ok && !ref[k].present;
                deleted++;
            } else {
                ok = ok && ref[k].present && ((int64_t *)b->cols[2]->data)[i] == ref[k].v &&
                     tag->len == strlen(ref[k].tag) && memcmp(tag->ptr, ref[k].tag, tag->len) == 0;
                seen++;
            }
            if (!ok && bad++ < 3) fprintf(stderr, "  key %d differs from the reference\n", k);
            prev = k;
        }
    }
    CHECK_INT(bad, 0);
    if (deleted_out) *deleted_out = deleted;
    tablet_reader_free(tr);
    arena_free(ba);
    return seen;
}

/* Keys last touched at or after `since`, live (present) or deleted. */
static int count_touched(const UniqRef *ref, int64_t since, bool present) {
    int n = 0;
    for (int k = 0; k < UK; k++)
        n += ref[k].version >= since && ref[k].present == present;
    return n;
}

static int count_present_uniq(const UniqRef *ref) {
    return count_touched(ref, 0, true);
}

static void unique_model(KeysType kt, const char *name) {
    Arena *a = arena_new(0);
    TabletColumn cols[4];
    TabletSchema s = uniq_schema(cols, kt);
    const char *dir = fx_tmpdir(name);
    static UniqRef ref[UK], ref01[UK];
    memset(ref, 0, sizeof ref);
    const RowsetMeta *rs[4];
    rs[0] = uniq_load(dir, &s, 1, 2, 6000, 0, ref, a);
    rs[1] = uniq_load(dir, &s, 2, 3, 3000, 60, ref, a); /* mostly deletes */
    memcpy(ref01, ref, sizeof ref);
    rs[2] = uniq_load(dir, &s, 3, 4, 3000, 10, ref, a); /* re-inserts some deleted keys */
    rs[3] = uniq_load(dir, &s, 4, 5, 500, 50, ref, a);
    CHECK(rs[1]->ndeletes > 1000);
    int live = count_present_uniq(ref);
    CHECK(live > 1000 && live < UK);
    CHECK_INT(uniq_check(dir, &s, rs, 4, ref, false, NULL), live);
    /* reading at an older version (the first two rowsets) gives that version's rows */
    CHECK_INT(uniq_check(dir, &s, rs, 2, ref01, false, NULL), count_present_uniq(ref01));

    /* cumulative compaction of versions 3..5 keeps delete markers, so version 2 rows stay deleted
     */
    CompactionOptions co = {.writer = ROWSET_WRITER_OPTIONS_INIT, .is_base = false};
    co.writer.codec = CODEC_ZSTD;
    RowsetMeta *cum;
    Error err = ERROR_INIT;
    CHECK_OK(compaction_merge_rowsets(dir, &s, rs + 1, 3, 10, &co, a, &cum, &err), &err);
    CHECK(cum->ndeletes > 0);
    const RowsetMeta *after[2] = {rs[0], cum};
    int deleted = 0;
    CHECK_INT(uniq_check(dir, &s, after, 2, ref, false, NULL), live);
    CHECK_INT(uniq_check(dir, &s, after + 1, 1, ref, true, &deleted), count_touched(ref, 3, true));
    CHECK_INT(deleted, count_touched(ref, 3, false));
    CHECK_INT(deleted, (int)cum->ndeletes);
    /* base compaction drops the markers: only live rows are stored */
    co.is_base = true;
    RowsetMeta *base;
    CHECK_OK(compaction_merge_rowsets(dir, &s, after, 2, 11, &co, a, &base, &err), &err);
    CHECK_INT(base->nrows, live);
    CHECK_INT(base->ndeletes, 0);
    const RowsetMeta *only[1] = {base};
    CHECK_INT(uniq_check(dir, &s, only, 1, ref, false, NULL), live);
    /* the inputs' files are untouched until the catalog deletes them */
    Error e2 = ERROR_INIT;
    CHECK_OK(rowset_verify_files(dir, rs[1], &e2), &e2);
    arena_free(a);
}

TEST(unique_with_deletes_and_compaction) {
    unique_model(KEYS_UNIQUE, "merge_unique");
}
TEST(primary_with_deletes_and_compaction) {
    unique_model(KEYS_PRIMARY, "merge_primary");
}

/* A value predicate must not let an older row of a key show through when the newer row's page is
 * skipped. */
TEST(unique_value_predicate_does_not_resurrect) {
    Arena *a = arena_new(0);
    TabletColumn cols[2] = {fx_col("k", 1, type_make(TYPE_INT), false, true, AGG_NONE),
                            fx_col("v", 2, type_make(TYPE_INT), false, false, AGG_NONE)};
    TabletSchema s = {KEYS_UNIQUE, 2, 1, cols};
    const char *dir = fx_tmpdir("merge_pred");
    const RowsetMeta *rs[2];
    for (int r = 0; r < 2; r++) {
        RowsetWriter *w;
        Error err = ERROR_INIT;
        RowsetWriterOptions wo = ROWSET_WRITER_OPTIONS_INIT;
        wo.start_version = wo.end_version = r + 2;
        CHECK_OK(rowset_writer_new(&w, dir, (uint64_t)r + 1, &s, &wo, &err), &err);
        Batch *b = batch_new(a, 2, (DataType[]){cols[0].type, cols[1].type}, 1);
        int32_t k = 1, v = r == 0 ? 5 : 10;
        colvec_append(b->cols[0], &k);
        colvec_append(b->cols[1], &v);
        b->nrows = 1;
        CHECK_OK(rowset_writer_add_batch(w, b, NULL, &err), &err);
        RowsetMeta *m;
        CHECK_OK(rowset_writer_finish(w, a, &m, &err), &err);
        rs[r] = m;
        rowset_writer_free(w);
    }
    ColumnPredicate p = {.col = 1,
                         .kind = PRED_RANGE,
                         .has_lower = true,
                         .lower_inclusive = true,
                         .has_upper = true,
                         .upper_inclusive = true,
                         .lower = {.v.i64 = 5},
                         .upper = {.v.i64 = 5}};
    ReadOptions ro = {.preds = &p, .npreds = 1};
    TabletReader *tr;
    Error err = ERROR_INIT;
    CHECK_OK(tablet_reader_open(&tr, dir, &s, rs, 2, &ro, &err), &err);
    Batch *b;
    CHECK_OK(tablet_reader_next(tr, a, &b, &err), &err);
    CHECK(b != NULL);
    if (b) {
        CHECK_INT(b->nrows, 1);
        CHECK_INT(((int32_t *)b->cols[1]->data)[0], 10); /* the engine's filter then rejects it */
    }
    tablet_reader_free(tr);
    /* a key predicate does skip: k = 2 reads nothing at all */
    ColumnPredicate kp = {
        .col = 0, .kind = PRED_IN, .values = (Datum[]){{.v.i64 = 2}}, .nvalues = 1};
    ReadOptions ko = {.preds = &kp, .npreds = 1};
    CHECK_OK(tablet_reader_open(&tr, dir, &s, rs, 2, &ko, &err), &err);
    CHECK_OK(tablet_reader_next(tr, a, &b, &err), &err);
    CHECK(b == NULL);
    CHECK_INT(tablet_reader_stats(tr)->segments_skipped, 2);
    CHECK_INT(tablet_reader_stats(tr)->pages_read, 0);
    tablet_reader_free(tr);
    arena_free(a);
}

/* ---------- DUPLICATE ---------- */

/* DELETE FROM t WHERE k < 1000 issued at version 3: applies to rowsets of versions before 3. */
static Status dup_delete(void *ctx, const RowsetMeta *m, ColumnVector *const *cols, uint32_t n,
                         uint8_t *keep, Error *err) {
    if (m->end_version >= 3) return STATUS_OK;
    const int64_t *k = cols[0]->data;
    for (uint32_t i = 0; i < n; i++)
        if (k[i] < 1000) keep[i] = 0;
    return STATUS_OK;
}

TEST(duplicate_ordered_concat_and_delete_predicates) {
    Arena *a = arena_new(0);
    TabletColumn cols[2] = {fx_col("k", 1, type_make(TYPE_BIGINT), false, true, AGG_NONE),
                            fx_col("v", 2, type_varchar(20), true, false, AGG_NONE)};
    TabletSchema s = {KEYS_DUPLICATE, 2, 1, cols};
    const char *dir = fx_tmpdir("merge_dup");
    const RowsetMeta *rs[3];
    static int counts[5000];
    memset(counts, 0, sizeof counts);
    int expect_after_delete = 0;
    for (int r = 0; r < 3; r++) {
        RowsetWriter *w;
        Error err = ERROR_INIT;
        RowsetWriterOptions wo = ROWSET_WRITER_OPTIONS_INIT;
        wo.start_version = wo.end_version = r + 1;
        wo.max_segment_rows = 3000;
        CHECK_OK(rowset_writer_new(&w, dir, (uint64_t)r + 1, &s, &wo, &err), &err);
        Batch *b = batch_new(a, 2, (DataType[]){cols[0].type, cols[1].type}, 7000);
        for (int i = 0; i < 7000; i++) {
            int64_t k = rnd(5000);
            Slice v = {"x", 1};
            colvec_append(b->cols[0], &k);
            colvec_append(b->cols[1], &v);
            counts[k]++;
            expect_after_delete += !(r < 2 && k < 1000);
        }
        b->nrows = 7000;
        CHECK_OK(rowset_writer_add_batch(w, b, NULL, &err), &err);
        RowsetMeta *m;
        CHECK_OK(rowset_writer_finish(w, a, &m, &err), &err);
        rs[r] = m;
        rowset_writer_free(w);
    }
    /* ordered: every row, in key order, with the same multiset of keys */
    TabletReader *tr;
    Error err = ERROR_INIT;
    ReadOptions ro = {.ordered = true};
    CHECK_OK(tablet_reader_open(&tr, dir, &s, rs, 3, &ro, &err), &err);
    static int got[5000];
    memset(got, 0, sizeof got);
    int64_t prev = -1;
    int rows = 0, unordered = 0;
    Batch *b;
    while (tablet_reader_next(tr, a, &b, &err) == STATUS_OK && b) {
        for (uint32_t i = 0; i < b->nrows; i++) {
            int64_t k = ((int64_t *)b->cols[0]->data)[i];
            unordered += k < prev;
            prev = k;
            got[k]++;
        }
        rows += (int)b->nrows;
    }
    tablet_reader_free(tr);
    CHECK_INT(rows, 21000);
    CHECK_INT(unordered, 0);
    CHECK(memcmp(got, counts, sizeof got) == 0);
    /* concatenated with a delete predicate at version 3 */
    int delcols[1] = {0};
    int proj[1] = {1};
    ReadOptions dr = {.columns = proj,
                      .ncolumns = 1,
                      .delete_filter = dup_delete,
                      .delete_columns = delcols,
                      .ndelete_columns = 1};
    CHECK_OK(tablet_reader_open(&tr, dir, &s, rs, 3, &dr, &err), &err);
    rows = 0;
    while (tablet_reader_next(tr, a, &b, &err) == STATUS_OK && b) {
        CHECK_INT(b->ncols, 1);
        rows += (int)b->nrows;
    }
    CHECK_INT(rows, expect_after_delete);
    CHECK_INT(tablet_reader_stats(tr)->rows_deleted, 21000 - expect_after_delete);
    tablet_reader_free(tr);
    /* compaction applying the delete: fewer rows stored, same read result */
    CompactionOptions co = {.writer = ROWSET_WRITER_OPTIONS_INIT,
                            .is_base = true,
                            .delete_filter = dup_delete,
                            .delete_columns = delcols,
                            .ndelete_columns = 1};
    RowsetMeta *c;
    CHECK_OK(compaction_merge_rowsets(dir, &s, rs, 3, 9, &co, a, &c, &err), &err);
    CHECK_INT(c->nrows, expect_after_delete);
    CHECK(!c->segments_overlap);
    arena_free(a);
}

int main(void) {
    RUN(aggregate_merge_and_compaction);
    RUN(aggregate_group_longer_than_batches);
    RUN(unique_with_deletes_and_compaction);
    RUN(primary_with_deletes_and_compaction);
    RUN(unique_value_predicate_does_not_resurrect);
    RUN(duplicate_ordered_concat_and_delete_predicates);
    TEST_EXIT();
}
