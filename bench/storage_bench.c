/* Storage micro-benchmark (not a test): writes N rows of a six-column table through RowsetWriter
 * and scans them back through TabletReader, printing CPU-time throughput and the on-disk size
 * against the same rows as CSV text (the named baseline). Built and run by bench/storage.sh.
 *   storage_bench <dir> [rows] [lz4|zstd|none] [sorted|random] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "storage/rowset_writer.h"
#include "storage/tablet_reader.h"

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *CITIES[] = {"Oslo", "Lima", "Pune", "Kyiv", "Baku", "Quito", "Accra", "Hanoi"};

/* Fills a batch with rows [base, base + n); returns the bytes those rows take as CSV. */
static uint64_t make_batch(Batch *b, uint64_t base, uint32_t n, bool random_keys, uint64_t *rng) {
    uint64_t csv = 0;
    for (uint32_t i = 0; i < n; i++) {
        *rng = *rng * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t x = *rng;
        int64_t id = random_keys ? (int64_t)(x >> 11) : (int64_t)(base + i);
        int32_t day = 19000 + (int32_t)((base + i) / 30000);
        int128_t amount = (int128_t)((x >> 20) % 100000);
        int32_t qty = (int32_t)((x >> 40) % 100);
        char note[64];
        int note_len = snprintf(note, sizeof note, "order %u note %u",
                                (unsigned)((x >> 30) % 100000), (unsigned)(id % 7));
        const char *city = CITIES[(x >> 50) % 8];
        Slice c = {city, (uint32_t)strlen(city)}, nt = {note, (uint32_t)note_len};
        colvec_append(b->cols[0], &id);
        colvec_append(b->cols[1], &day);
        colvec_append(b->cols[2], &c);
        colvec_append(b->cols[3], &amount);
        colvec_append(b->cols[4], &qty);
        colvec_append(b->cols[5], &nt);
        char line[160];
        csv += (uint64_t)snprintf(line, sizeof line, "%" PRId64 ",2022-01-01,%s,%d.%02d,%d,%s\n",
                                  id, city, (int)(amount / 100), (int)(amount % 100), qty, note);
    }
    b->nrows = n;
    return csv;
}

static int scan(const char *dir, const TabletSchema *s, const RowsetMeta *m, const int *cols,
                int ncols, const char *what) {
    ReadOptions ro = {.columns = cols, .ncolumns = ncols};
    const RowsetMeta *rs[1] = {m};
    TabletReader *tr;
    Error err = ERROR_INIT;
    double t0 = cpu_seconds();
    if (tablet_reader_open(&tr, dir, s, rs, 1, &ro, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    Arena *a = arena_new(0);
    uint64_t rows = 0;
    for (;;) {
        arena_reset(a);
        Batch *b;
        if (tablet_reader_next(tr, a, &b, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        if (!b) break;
        rows += b->nrows;
    }
    double t = cpu_seconds() - t0;
    printf("scan %-22s %10" PRIu64 " rows  %6.3f s CPU  %7.1f M rows/s  %10" PRIu64 " bytes read\n",
           what, rows, t, (double)rows / t / 1e6, tablet_reader_stats(tr)->bytes_read);
    tablet_reader_free(tr);
    arena_free(a);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: storage_bench <dir> [rows] [lz4|zstd|none] [sorted|random]\n");
        return 2;
    }
    const char *dir = argv[1];
    uint64_t nrows = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000000;
    Error err = ERROR_INIT;
    RowsetWriterOptions wo = ROWSET_WRITER_OPTIONS_INIT;
    if (argc > 3 && codec_from_name(argv[3], &wo.codec, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    bool random_keys = argc > 4 && strcmp(argv[4], "random") == 0;
    static const char *names[6] = {"id", "day", "city", "amount", "qty", "note"};
    DataType types[6] = {type_make(TYPE_BIGINT), type_make(TYPE_DATE), type_varchar(32),
                         type_decimal(10, 2),    type_make(TYPE_INT),  type_varchar(64)};
    TabletColumn cols[6];
    memset(cols, 0, sizeof cols);
    for (int i = 0; i < 6; i++) {
        cols[i].name = names[i];
        cols[i].uid = (uint32_t)i + 1;
        cols[i].type = types[i];
        cols[i].is_nullable = i > 0;
        cols[i].is_key = i == 0;
        cols[i].default_value.is_null = true;
    }
    TabletSchema s = {KEYS_DUPLICATE, 6, 1, cols};

    Arena *a = arena_new(0);
    RowsetWriter *w;
    if (rowset_writer_new(&w, dir, 1, &s, &wo, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    uint64_t csv = 0, rng = 1;
    double gen = 0, t0 = cpu_seconds();
    for (uint64_t base = 0; base < nrows; base += BATCH_SIZE) {
        double g0 = cpu_seconds();
        arena_reset(a);
        uint32_t n = nrows - base < BATCH_SIZE ? (uint32_t)(nrows - base) : BATCH_SIZE;
        Batch *b = batch_new(a, 6, types, n);
        csv += make_batch(b, base, n, random_keys, &rng);
        gen += cpu_seconds() - g0;
        if (rowset_writer_add_batch(w, b, NULL, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
    }
    Arena *meta_arena = arena_new(0);
    RowsetMeta *m;
    if (rowset_writer_finish(w, meta_arena, &m, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    rowset_writer_free(w);
    double wt = cpu_seconds() - t0 - gen;
    printf("write %s keys, %s: %" PRIu64
           " rows  %6.2f s CPU  %5.2f M rows/s  (batches built outside the timing)\n",
           random_keys ? "random" : "sorted", codec_name(wo.codec), nrows, wt,
           (double)nrows / wt / 1e6);
    printf("size  %" PRIu64 " bytes in %u segments; as CSV %" PRIu64
           " bytes; ratio %.3f (target <= 0.5)\n",
           m->data_size, m->nsegments, csv, (double)m->data_size / (double)csv);
    int all[6] = {0, 1, 2, 3, 4, 5}, nums[2] = {3, 4}, city[1] = {2};
    if (scan(dir, &s, m, all, 6, "(all 6 columns)") || scan(dir, &s, m, nums, 2, "(amount, qty)") ||
        scan(dir, &s, m, city, 1, "(city)"))
        return 1;
    arena_free(a);
    arena_free(meta_arena);
    return 0;
}
