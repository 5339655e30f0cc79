/* Routing and writing, checked in the files themselves: after loads, every tablet's segment files are read
 * back with storage's segment reader. Hash distribution puts each key in the bucket catalog_bucket_for_row
 * gives (the same at every load), RANDOM distribution deals rows round robin, each segment is sorted by key
 * with equal keys in load order, and the files sit in the storage layout's tablet directories. */
#include "load/tablet_writer.h"
#include "load_fixture.h"
#include "storage/segment_reader.h"

/* Reads column `col` (BIGINT/INT/VARCHAR as text) of every segment of every visible rowset of one tablet:
 * "v1,v2,...;" per segment. */
static void tablet_values(const CatTable *t, const CatPartition *p, int bucket, int col, StrBuf *out,
                          int *nsegments) {
    CatTablet *tb = catalog_partition_tablet(p, 0, bucket);
    char dir[4096];
    load_tablet_dir(tb->id, dir, sizeof dir);
    for (int r = 0; r < tb->nrowsets; r++) {
        const CatRowset *rs = tb->rowsets[r];
        if (rs->state != ROWSET_VISIBLE) continue;
        for (int s = 0; s < rs->nsegments; s++) {
            char path[4400];
            snprintf(path, sizeof path, "%s/%s", dir, rs->segments[s].name);
            SegmentReader *sr;
            Error err = ERROR_INIT;
            CHECK_OK(segment_reader_open(&sr, path, &err), &err);
            if (test_failed_) return;
            const SegmentFooter *f = segment_reader_footer(sr);
            Arena *a = arena_new(0);
            ColumnVector *v = colvec_new(a, t->cols[col].type, (uint32_t)f->nrows);
            uint32_t pages = segment_page_count(f->nrows, f->rows_per_page);
            for (uint32_t pg = 0; pg < pages; pg++) CHECK_OK(segment_reader_read_page(sr, col, pg, v, &err), &err);
            for (uint32_t i = 0; i < v->len; i++) {
                if (i) sb_putc(out, ',');
                colvec_format(v, i, out);
            }
            sb_putc(out, ';');
            (*nsegments)++;
            arena_free(a);
            segment_reader_free(sr);
        }
    }
}

static CatTable *table(const char *name) {
    CatDatabase *d = catalog_find_db("d");
    return d ? catalog_find_table(d, name) : NULL;
}

TEST(hash_buckets_are_stable_and_sorted) {
    setup();
    ok("CREATE DATABASE d; USE d");
    ok("CREATE TABLE h (k BIGINT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 4");
    StrBuf sql = STRBUF_INIT;
    sb_append(&sql, "INSERT INTO h VALUES ");
    for (int i = 1000; i >= 1; i--) sb_appendf(&sql, "%s(%d, %d)", i < 1000 ? ", " : "", i, i);
    ok(sb_str(&sql));
    ok(sb_str(&sql)); /* the same keys again, in a second load */
    sb_free(&sql);
    catalog_rdlock();
    CatTable *t = table("h");
    CHECK(t != NULL);
    if (!t) {
        catalog_unlock();
        teardown();
        return;
    }
    CatPartition *p = t->parts[0];
    int seen[1001] = {0}, per_bucket[4] = {0}, nseg = 0;
    for (int b = 0; b < 4; b++) {
        StrBuf vals = STRBUF_INIT;
        tablet_values(t, p, b, 0, &vals, &nseg);
        /* each segment's keys are ascending although the rows were loaded descending */
        char *save = NULL;
        for (char *seg = strtok_r(vals.data, ";", &save); seg; seg = strtok_r(NULL, ";", &save)) {
            long prev = -1;
            char *s2 = NULL;
            for (char *x = strtok_r(seg, ",", &s2); x; x = strtok_r(NULL, ",", &s2)) {
                long k = atol(x);
                CHECK(k >= prev);
                prev = k;
                if (k < 1 || k > 1000) continue;
                seen[k]++;
                per_bucket[b]++;
                Datum d = {.is_null = false};
                d.v.i64 = k;
                uint64_t rr = 0;
                if (catalog_bucket_for_row(t, 4, &d, &rr) != b) {
                    fprintf(stderr, "  key %ld in bucket %d, hash says %d\n", k, b, catalog_bucket_for_row(t, 4, &d, &rr));
                    test_failed_ = 1;
                }
            }
        }
        sb_free(&vals);
    }
    catalog_unlock();
    for (int k = 1; k <= 1000; k++) CHECK_INT(seen[k], 2);
    for (int b = 0; b < 4; b++) CHECK(per_bucket[b] > 300); /* 2000 rows over 4 buckets, none starved */
    CHECK_INT(nseg, 8); /* one segment per bucket per load */
    teardown();
}

TEST(random_distribution_round_robin) {
    setup();
    ok("CREATE DATABASE d; USE d");
    ok("CREATE TABLE r (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY RANDOM BUCKETS 4");
    StrBuf sql = STRBUF_INIT;
    sb_append(&sql, "INSERT INTO r VALUES ");
    for (int i = 0; i < 1000; i++) sb_appendf(&sql, "%s(7, %d)", i ? ", " : "", i);
    ok(sb_str(&sql));
    sb_free(&sql);
    catalog_rdlock();
    CatTable *t = table("r");
    int nseg = 0;
    for (int b = 0; t && b < 4; b++) {
        StrBuf vals = STRBUF_INIT;
        int before = nseg;
        tablet_values(t, t->parts[0], b, 1, &vals, &nseg);
        int n = 1;
        for (const char *x = sb_str(&vals); *x; x++) n += *x == ',';
        CHECK_INT(nseg - before, 1);
        CHECK_INT(n, 250);
        sb_free(&vals);
    }
    catalog_unlock();
    teardown();
}

TEST(equal_keys_keep_load_order) {
    setup();
    ok("CREATE DATABASE d; USE d");
    ok("CREATE TABLE u (k INT, v VARCHAR(5)) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1");
    ok("INSERT INTO u VALUES (2, 'x'), (1, 'a'), (1, 'b'), (2, 'y'), (1, 'c')");
    catalog_rdlock();
    CatTable *t = table("u");
    int nseg = 0;
    StrBuf vals = STRBUF_INIT;
    if (t) tablet_values(t, t->parts[0], 0, 1, &vals, &nseg);
    catalog_unlock();
    /* sorted by key, stably: the last row of a key is the last of its run (so it wins at read) */
    CHECK_STR(sb_str(&vals), "a,b,c,x,y;");
    sb_free(&vals);
    check_query("SELECT k, v FROM u ORDER BY k", "1|c\n2|y\n");
    teardown();
}

TEST(files_in_the_storage_layout) {
    setup();
    ok("CREATE DATABASE d; USE d");
    ok("CREATE TABLE f (k INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2");
    ok("INSERT INTO f VALUES (1), (2), (3), (4)");
    catalog_rdlock();
    CatTable *t = table("f");
    for (int b = 0; t && b < 2; b++) {
        CatTablet *tb = catalog_partition_tablet(t->parts[0], 0, b);
        for (int r = 0; r < tb->nrowsets; r++)
            for (int s = 0; s < tb->rowsets[r]->nsegments; s++) {
                char want[4400], rsname[64];
                snprintf(rsname, sizeof rsname, "%lld_%d.dat", (long long)tb->rowsets[r]->id, s);
                CHECK_STR(tb->rowsets[r]->segments[s].name, rsname);
                snprintf(want, sizeof want, "%s/storage/data/%lld/%lld/%s", g_dir, (long long)(tb->id % 1024),
                         (long long)tb->id, rsname);
                CHECK(access(want, R_OK) == 0);
                SegmentVerifyInfo vi;
                Error err = ERROR_INIT;
                CHECK_OK(segment_verify_file(want, &vi, &err), &err);
                CHECK_INT(vi.nrows, tb->rowsets[r]->segments[s].nrows);
                CHECK_INT(vi.bytes, tb->rowsets[r]->segments[s].size);
            }
    }
    catalog_unlock();
    teardown();
}

int main(void) {
    RUN(hash_buckets_are_stable_and_sorted);
    RUN(random_distribution_round_robin);
    RUN(equal_keys_keep_load_order);
    RUN(files_in_the_storage_layout);
    TEST_EXIT();
}
