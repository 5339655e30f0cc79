/* Unit tests for storage/zonemap.c and row_sort.c: zone-map predicate decisions (bounds, NULLs,
 * NaN, IN lists, shortened string bounds) checked for soundness against brute force, and the stable
 * key sort. */
#include <math.h>

#include "storage/row_sort.h"
#include "storage/zonemap.h"
#include "test.h"

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint32_t rnd(uint32_t n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* Encodes and decodes a zone map, as it goes through a footer. */
static ZoneMap through_disk(const ZoneMap *zm, const DataType *t, StrBuf *keep) {
    sb_reset(keep);
    zonemap_encode(zm, t, keep);
    ByteReader r = br_make(keep->data, keep->len);
    ZoneMap back;
    CHECK(zonemap_decode(&back, t, &r));
    CHECK_INT(br_left(&r), 0);
    return back;
}

static ColumnPredicate range(int64_t lo, bool lo_inc, int64_t hi, bool hi_inc) {
    ColumnPredicate p = {.kind = PRED_RANGE,
                         .has_lower = true,
                         .lower_inclusive = lo_inc,
                         .has_upper = true,
                         .upper_inclusive = hi_inc};
    p.lower.v.i64 = lo;
    p.upper.v.i64 = hi;
    return p;
}

TEST(integer_bounds_and_nulls) {
    Arena *a = arena_new(0);
    DataType t = type_make(TYPE_INT);
    ColumnVector *v = colvec_new(a, t, 0);
    for (int32_t x = 10; x <= 20; x++)
        colvec_append(v, &x);
    colvec_append_null(v);
    ZoneMap zm;
    zonemap_compute(&zm, v, NULL, 0, v->len);
    CHECK_INT(zm.min.v.i64, 10);
    CHECK_INT(zm.max.v.i64, 20);
    CHECK_INT(zm.null_count, 1);
    StrBuf sb = STRBUF_INIT;
    ZoneMap d = through_disk(&zm, &t, &sb);
    uint64_t n = v->len;
    ColumnPredicate p;
    p = range(20, true, 30, true);
    CHECK(zonemap_may_match(&d, n, &t, &p)); /* touches max */
    p = range(20, false, 30, true);
    CHECK(!zonemap_may_match(&d, n, &t, &p)); /* > 20 */
    p = range(0, true, 10, false);
    CHECK(!zonemap_may_match(&d, n, &t, &p)); /* < 10 */
    p = range(0, true, 10, true);
    CHECK(zonemap_may_match(&d, n, &t, &p));
    ColumnPredicate isn = {.kind = PRED_IS_NULL}, notn = {.kind = PRED_IS_NOT_NULL};
    CHECK(zonemap_may_match(&d, n, &t, &isn));
    CHECK(zonemap_may_match(&d, n, &t, &notn));
    Datum in_miss[2] = {{.v.i64 = 9}, {.v.i64 = 21}}, in_hit[2] = {{.v.i64 = 9}, {.v.i64 = 15}};
    ColumnPredicate in = {.kind = PRED_IN, .values = in_miss, .nvalues = 2};
    CHECK(!zonemap_may_match(&d, n, &t, &in));
    in.values = in_hit;
    CHECK(zonemap_may_match(&d, n, &t, &in));
    /* all NULL: no comparison can match, IS NOT NULL neither */
    ColumnVector *nulls = colvec_new(a, t, 0);
    for (int i = 0; i < 5; i++)
        colvec_append_null(nulls);
    zonemap_compute(&zm, nulls, NULL, 0, 5);
    d = through_disk(&zm, &t, &sb);
    CHECK(!d.has_minmax);
    p = range(-1000, true, 1000, true);
    CHECK(!zonemap_may_match(&d, 5, &t, &p));
    CHECK(!zonemap_may_match(&d, 5, &t, &notn));
    CHECK(zonemap_may_match(&d, 5, &t, &isn));
    sb_free(&sb);
    arena_free(a);
}

TEST(nan_and_decimal) {
    Arena *a = arena_new(0);
    DataType t = type_make(TYPE_DOUBLE);
    ColumnVector *v = colvec_new(a, t, 0);
    double xs[3] = {1.5, NAN, 2.5};
    for (int i = 0; i < 3; i++)
        colvec_append(v, &xs[i]);
    ZoneMap zm;
    zonemap_compute(&zm, v, NULL, 0, 3);
    StrBuf sb = STRBUF_INIT;
    ZoneMap d = through_disk(&zm, &t, &sb);
    CHECK(d.unordered);
    ColumnPredicate p = {.kind = PRED_RANGE, .has_lower = true, .lower_inclusive = true};
    p.lower.v.f64 = 100.0;
    CHECK(zonemap_may_match(&d, 3, &t, &p)); /* NaN: no skipping */
    /* segment zone map from two pages: one ordered, one with NaN -> unordered */
    ColumnVector *w = colvec_new(a, t, 0);
    colvec_append(w, &xs[0]);
    ZoneMap seg = {0}, pz;
    zonemap_compute(&pz, w, NULL, 0, 1);
    zonemap_merge(&seg, &pz, &t);
    CHECK(!zonemap_may_match(&seg, 1, &t, &p));
    zonemap_merge(&seg, &zm, &t);
    CHECK(zonemap_may_match(&seg, 4, &t, &p));

    DataType dt = type_decimal(38, 2);
    ColumnVector *dv = colvec_new(a, dt, 0);
    int128_t big = (int128_t)1 << 100, small = -((int128_t)1 << 90);
    colvec_append(dv, &big);
    colvec_append(dv, &small);
    zonemap_compute(&zm, dv, NULL, 0, 2);
    d = through_disk(&zm, &dt, &sb);
    CHECK(d.max.v.i128 == big);
    CHECK(d.min.v.i128 == small);
    ColumnPredicate q = {.kind = PRED_RANGE, .has_lower = true, .lower_inclusive = true};
    q.lower.v.i128 = big + 1;
    CHECK(!zonemap_may_match(&d, 2, &dt, &q));
    q.lower.v.i128 = big;
    CHECK(zonemap_may_match(&d, 2, &dt, &q));
    sb_free(&sb);
    arena_free(a);
}

static int slice_cmp(const char *a, size_t an, const char *b, size_t bn) {
    size_t n = an < bn ? an : bn;
    int c = memcmp(a, b, n);
    if (c) return c < 0 ? -1 : 1;
    return an < bn ? -1 : an > bn;
}

/* Random long strings over a tiny alphabet (so they share long prefixes, and 0xFF bytes occur):
 * whenever the zone map says "no match", brute force must agree. */
TEST(shortened_string_bounds_are_sound) {
    Arena *a = arena_new(0);
    DataType t = type_make(TYPE_STRING);
    const char alphabet[3] = {'a', 'b', (char)0xFF};
    StrBuf sb = STRBUF_INIT;
    int skipped = 0, unsound = 0;
    for (int trial = 0; trial < 300; trial++) {
        arena_reset(a);
        ColumnVector *v = colvec_new(a, t, 0);
        int n = 1 + (int)rnd(6);
        for (int i = 0; i < n; i++) {
            uint32_t len = 60 + rnd(10);
            char *s = arena_alloc(a, len);
            for (uint32_t k = 0; k < len; k++)
                s[k] = k < 58 ? 'a' : alphabet[rnd(3)];
            Slice sl = {s, len};
            colvec_append(v, &sl);
        }
        ZoneMap zm;
        zonemap_compute(&zm, v, NULL, 0, v->len);
        ZoneMap d = through_disk(&zm, &t, &sb);
        for (int q = 0; q < 20; q++) {
            uint32_t len = 60 + rnd(10);
            char *s = arena_alloc(a, len);
            for (uint32_t k = 0; k < len; k++)
                s[k] = k < 58 ? 'a' : alphabet[rnd(3)];
            bool lower = rnd(2);
            bool inclusive = rnd(2);
            ColumnPredicate p = {.kind = PRED_RANGE,
                                 .has_lower = lower,
                                 .has_upper = !lower,
                                 .lower_inclusive = inclusive,
                                 .upper_inclusive = inclusive};
            Datum bound = {.v.str = {s, len}};
            if (lower)
                p.lower = bound;
            else
                p.upper = bound;
            bool any = false;
            for (uint32_t i = 0; i < v->len; i++) {
                const Slice *x = colvec_cell(v, i);
                int c = slice_cmp(x->ptr, x->len, s, len);
                any |= lower ? (c > 0 || (c == 0 && inclusive)) : (c < 0 || (c == 0 && inclusive));
            }
            if (!zonemap_may_match(&d, v->len, &t, &p)) {
                skipped++;
                unsound += any;
            }
        }
    }
    CHECK_INT(unsound, 0);
    CHECK(skipped > 100); /* and it does skip */
    sb_free(&sb);
    arena_free(a);
}

TEST(sort_stable_multi_key_with_nulls) {
    Arena *a = arena_new(0);
    uint32_t n = 20000;
    ColumnVector *k1 = colvec_new(a, type_varchar(20), n),
                 *k2 = colvec_new(a, type_make(TYPE_INT), n);
    ColumnVector *seq = colvec_new(a, type_make(TYPE_INT), n);
    for (uint32_t i = 0; i < n; i++) {
        char buf[16];
        int len = snprintf(buf, sizeof buf, "%s%u", rnd(2) ? "key-" : "k", rnd(50));
        Slice s = {buf, (uint32_t)len};
        if (rnd(20) == 0)
            colvec_append_null(k1);
        else
            colvec_append(k1, &s);
        int32_t x = (int32_t)rnd(3) - 1;
        if (rnd(10) == 0)
            colvec_append_null(k2);
        else
            colvec_append(k2, &x);
        int32_t id = (int32_t)i;
        colvec_append(seq, &id);
    }
    ColumnVector *keys[2] = {k1, k2};
    CHECK(!row_keys_are_sorted(keys, 2, n));
    uint32_t *perm = row_sort_by_key(keys, 2, n, a);
    CHECK(perm != NULL);
    int bad = 0;
    for (uint32_t i = 1; i < n; i++) {
        int c = row_key_compare(keys, perm[i - 1], keys, perm[i], 2);
        if (c > 0 || (c == 0 && perm[i - 1] > perm[i])) bad++; /* order, then stability */
    }
    CHECK_INT(bad, 0);
    CHECK(colvec_is_null(k1, perm[0])); /* NULL sorts first */
    /* every row exactly once */
    uint8_t *seen = arena_calloc(a, n);
    for (uint32_t i = 0; i < n; i++)
        seen[perm[i]]++;
    int dup = 0;
    for (uint32_t i = 0; i < n; i++)
        dup += seen[i] != 1;
    CHECK_INT(dup, 0);

    /* a single BIGINT key with negative values: the radix prefix alone decides, stably */
    ColumnVector *b = colvec_new(a, type_make(TYPE_BIGINT), n);
    for (uint32_t i = 0; i < n; i++) {
        int64_t x = (int64_t)rnd(1000) - 500 + (rnd(100) == 0 ? INT64_MIN / 2 : 0);
        colvec_append(b, &x);
    }
    ColumnVector *bk[1] = {b};
    perm = row_sort_by_key(bk, 1, n, a);
    bad = 0;
    for (uint32_t i = 1; i < n; i++) {
        int64_t x = ((int64_t *)b->data)[perm[i - 1]], y = ((int64_t *)b->data)[perm[i]];
        if (x > y || (x == y && perm[i - 1] > perm[i])) bad++;
    }
    CHECK_INT(bad, 0);
    /* sorted input: no permutation at all */
    ColumnVector *s = colvec_new(a, type_make(TYPE_INT), 100);
    for (int32_t i = 0; i < 100; i++)
        colvec_append(s, &i);
    ColumnVector *sk[1] = {s};
    CHECK(row_sort_by_key(sk, 1, 100, a) == NULL);
    arena_free(a);
}

int main(void) {
    RUN(integer_bounds_and_nulls);
    RUN(nan_and_decimal);
    RUN(shortened_string_bounds_are_sound);
    RUN(sort_stable_multi_key_with_nulls);
    TEST_EXIT();
}
