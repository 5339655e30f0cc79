/* Unit tests for storage/encoding*.c and compress.c: bit-packing at every width, the integer block
 * encodings and which one is chosen, page round trips of every type with NULLs, and malformed
 * pages. */
#include "storage/compress.h"
#include "storage/encoding.h"
#include "test.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

TEST(bitpack_every_width) {
    uint64_t vals[1000], back[1000];
    for (int width = 0; width <= 64; width++) {
        uint64_t mask = width == 64 ? ~0ULL : (1ULL << width) - 1;
        for (int i = 0; i < 1000; i++)
            vals[i] = rnd() & mask;
        if (width) vals[7] = mask; /* the largest value must survive */
        StrBuf sb = STRBUF_INIT;
        bitpack_write(vals, 1000, width, &sb);
        CHECK_INT(sb.len, (1000 * width + 7) / 8);
        bitpack_read((const uint8_t *)sb.data, sb.len, 1000, width, back);
        int bad = 0;
        for (int i = 0; i < 1000; i++)
            bad += back[i] != vals[i];
        if (bad) fprintf(stderr, "  width %d: %d values differ\n", width, bad);
        CHECK_INT(bad, 0);
        sb_free(&sb);
    }
}

static uint8_t roundtrip_ints(const int64_t *vals, uint32_t n, int cell_bytes) {
    StrBuf sb = STRBUF_INIT;
    intblock_encode(vals, n, cell_bytes, &sb);
    int64_t *back = calloc(n + 1, sizeof(int64_t));
    ByteReader r = br_make(sb.data, sb.len);
    uint8_t enc = 255;
    CHECK(intblock_decode(&r, n, cell_bytes, back, &enc));
    CHECK_INT(br_left(&r), 0);
    CHECK(memcmp(back, vals, n * sizeof(int64_t)) == 0);
    free(back);
    sb_free(&sb);
    return enc;
}

TEST(intblock_choices) {
    enum { N = 4096 };
    static int64_t v[N];
    for (int i = 0; i < N; i++)
        v[i] = 42;
    uint8_t e = roundtrip_ints(v, N, 4);
    CHECK(e == ENC_BITPACK || e == ENC_RLE); /* width 0 or a single run: both a few bytes */
    for (int i = 0; i < N; i++)
        v[i] = 1000000000000LL + 3 * i; /* sorted timestamps */
    CHECK_INT(roundtrip_ints(v, N, 8), ENC_DELTA);
    for (int i = 0; i < N; i++)
        v[i] = (int64_t)(rnd() % 1000) - 500;
    CHECK_INT(roundtrip_ints(v, N, 4), ENC_BITPACK);
    for (int i = 0; i < N; i++)
        v[i] = (int64_t)rnd();
    CHECK_INT(roundtrip_ints(v, N, 8), ENC_PLAIN);
    for (int i = 0; i < N; i++)
        v[i] = (i / 1000) * 7919;
    CHECK_INT(roundtrip_ints(v, N, 4), ENC_RLE);
    v[0] = INT64_MIN;
    v[1] = INT64_MAX;
    roundtrip_ints(v, 2, 8);
    roundtrip_ints(v, 1, 8);
    roundtrip_ints(v, 0, 8);
    int64_t small[3] = {-128, 127, 0};
    CHECK_INT(roundtrip_ints(small, 3, 1), ENC_PLAIN);
}

/* Encodes rows of v as a page and decodes it into a fresh vector; returns the encoding. */
static PageEncoding page_roundtrip(const ColumnVector *v, Arena *a, ColumnVector **back_out) {
    StrBuf sb = STRBUF_INIT;
    Arena *scratch = arena_new(0);
    PageEncoding enc = page_encode(v, NULL, 0, v->len, scratch, &sb);
    ColumnVector *back = colvec_new(a, v->type, 0);
    Error err = ERROR_INIT;
    CHECK_OK(page_decode((const uint8_t *)sb.data, sb.len, v->len, back, scratch, &err), &err);
    CHECK_INT(back->len, v->len);
    StrBuf x = STRBUF_INIT, y = STRBUF_INIT;
    int bad = 0;
    for (uint32_t i = 0; i < v->len && i < back->len; i++) {
        sb_reset(&x);
        sb_reset(&y);
        colvec_format(v, i, &x);
        colvec_format(back, i, &y);
        if (strcmp(x.data, y.data) != 0 && bad++ < 3)
            fprintf(stderr, "  %s row %u: %s != %s\n", type_name(v->type.id), i, sb_str(&x),
                    sb_str(&y));
    }
    CHECK_INT(bad, 0);
    sb_free(&x);
    sb_free(&y);
    sb_free(&sb);
    arena_free(scratch);
    *back_out = back;
    return enc;
}

TEST(page_every_type_with_nulls) {
    Arena *a = arena_new(0);
    TypeId ids[] = {TYPE_BOOLEAN,  TYPE_TINYINT, TYPE_SMALLINT, TYPE_INT,     TYPE_BIGINT,
                    TYPE_LARGEINT, TYPE_FLOAT,   TYPE_DOUBLE,   TYPE_DECIMAL, TYPE_CHAR,
                    TYPE_VARCHAR,  TYPE_STRING,  TYPE_DATE,     TYPE_DATETIME};
    for (size_t t = 0; t < sizeof ids / sizeof ids[0]; t++) {
        DataType type = ids[t] == TYPE_DECIMAL ? type_decimal(38, 4) : type_make(ids[t]);
        ColumnVector *v = colvec_new(a, type, 0);
        char buf[64];
        for (int i = 0; i < 3000; i++) {
            if (i % 7 == 3) {
                colvec_append_null(v);
                continue;
            }
            _Alignas(16) unsigned char cell[16];
            Error err = ERROR_INIT;
            switch (type.id) {
            case TYPE_BOOLEAN:
                snprintf(buf, sizeof buf, "%d", i & 1);
                break;
            case TYPE_TINYINT:
                snprintf(buf, sizeof buf, "%d", (i % 256) - 128);
                break;
            case TYPE_SMALLINT:
                snprintf(buf, sizeof buf, "%d", i * 10 - 32768);
                break;
            case TYPE_LARGEINT:
                snprintf(buf, sizeof buf,
                         i == 5 ? "-170141183460469231731687303715884105728" : "%d", i);
                break;
            case TYPE_DECIMAL:
                snprintf(buf, sizeof buf, "%d.%04d", i - 1500, i);
                break;
            case TYPE_FLOAT:
            case TYPE_DOUBLE:
                snprintf(buf, sizeof buf, "%d.25", i - 100);
                break;
            case TYPE_DATE:
                snprintf(buf, sizeof buf, "2024-%02d-%02d", i % 12 + 1, i % 28 + 1);
                break;
            case TYPE_DATETIME:
                snprintf(buf, sizeof buf, "2024-03-01 10:%02d:%02d.5", i % 60, i / 60 % 60);
                break;
            case TYPE_CHAR:
            case TYPE_VARCHAR:
            case TYPE_STRING:
                snprintf(buf, sizeof buf, i % 11 == 0 ? "" : "val-%d", i * 37);
                break;
            default:
                snprintf(buf, sizeof buf, "%d", i * 1000 - 7);
                break;
            }
            CHECK_OK(type_parse_cell(&type, buf, strlen(buf), cell, a, &err), &err);
            colvec_append(v, cell);
        }
        ColumnVector *back;
        page_roundtrip(v, a, &back);
        CHECK(back->nulls != NULL);
        CHECK_INT(back->nulls[3], 1);
        CHECK_INT(back->nulls[4], 0);
    }
    arena_free(a);
}

TEST(page_strings_dict_and_edges) {
    Arena *a = arena_new(0);
    ColumnVector *v = colvec_new(a, type_make(TYPE_STRING), 0);
    const char *colors[] = {"red", "green", "blue", ""};
    for (int i = 0; i < 4096; i++) {
        Slice s = {colors[i % 4], (uint32_t)strlen(colors[i % 4])};
        colvec_append(v, &s);
    }
    ColumnVector *back;
    CHECK_INT(page_roundtrip(v, a, &back), ENC_DICT);
    CHECK_INT(((Slice *)colvec_cell(back, 4094))->len, 4);
    CHECK_INT(((Slice *)colvec_cell(back, 4095))->len, 0);

    /* a long string (1 MiB) and distinct values: plain */
    ColumnVector *w = colvec_new(a, type_make(TYPE_STRING), 0);
    char *big = malloc(1 << 20);
    for (int i = 0; i < (1 << 20); i++)
        big[i] = (char)('a' + i % 26);
    Slice s = {big, 1 << 20};
    colvec_append(w, &s);
    for (int i = 0; i < 100; i++) {
        char b[16];
        snprintf(b, sizeof b, "k%d", i);
        Slice t = {b, (uint32_t)strlen(b)};
        colvec_append(w, &t);
    }
    CHECK_INT(page_roundtrip(w, a, &back), ENC_PLAIN);
    CHECK_INT(((Slice *)colvec_cell(back, 0))->len, 1 << 20);
    CHECK(memcmp(((Slice *)colvec_cell(back, 0))->ptr, big, 1 << 20) == 0);
    free(big);

    /* all NULL */
    ColumnVector *z = colvec_new(a, type_make(TYPE_VARCHAR), 0);
    for (int i = 0; i < 10; i++)
        colvec_append_null(z);
    page_roundtrip(z, a, &back);
    CHECK_INT(back->nulls[9], 1);
    arena_free(a);
}

TEST(page_selection_order) {
    Arena *a = arena_new(0);
    ColumnVector *v = colvec_new(a, type_make(TYPE_INT), 0);
    for (int32_t i = 0; i < 10; i++)
        colvec_append(v, &i);
    uint32_t sel[4] = {9, 0, 5, 5};
    StrBuf sb = STRBUF_INIT;
    Arena *scratch = arena_new(0);
    page_encode(v, sel, 0, 4, scratch, &sb);
    ColumnVector *back = colvec_new(a, type_make(TYPE_INT), 0);
    Error err = ERROR_INIT;
    CHECK_OK(page_decode((const uint8_t *)sb.data, sb.len, 4, back, scratch, &err), &err);
    int32_t *d = back->data;
    CHECK_INT(d[0], 9);
    CHECK_INT(d[1], 0);
    CHECK_INT(d[2], 5);
    CHECK_INT(d[3], 5);
    sb_free(&sb);
    arena_free(scratch);
    arena_free(a);
}

TEST(page_malformed_never_crashes) {
    Arena *a = arena_new(0);
    Arena *scratch = arena_new(0);
    ColumnVector *v = colvec_new(a, type_make(TYPE_VARCHAR), 0);
    for (int i = 0; i < 500; i++) {
        char b[16];
        snprintf(b, sizeof b, "s%d", i % 9);
        Slice s = {b, (uint32_t)strlen(b)};
        if (i % 5 == 0)
            colvec_append_null(v);
        else
            colvec_append(v, &s);
    }
    StrBuf sb = STRBUF_INIT;
    page_encode(v, NULL, 0, v->len, scratch, &sb);
    int errors = 0;
    /* every truncation and many byte flips must give an error or a well-formed vector, never a
     * crash */
    for (size_t cut = 0; cut < sb.len; cut++) {
        ColumnVector *o = colvec_new(a, type_make(TYPE_VARCHAR), 0);
        Error err = ERROR_INIT;
        if (page_decode((const uint8_t *)sb.data, cut, 500, o, scratch, &err)) {
            errors++;
            CHECK_INT(err.code, ERR_CORRUPT);
        }
    }
    CHECK_INT(errors, (int)sb.len);
    for (size_t pos = 0; pos < sb.len; pos++) {
        char saved = sb.data[pos];
        sb.data[pos] = (char)(saved ^ 0x5a);
        ColumnVector *o = colvec_new(a, type_make(TYPE_VARCHAR), 0);
        Error err = ERROR_INIT;
        if (page_decode((const uint8_t *)sb.data, sb.len, 500, o, scratch, &err) == STATUS_OK)
            CHECK_INT(o->len, 500);
        sb.data[pos] = saved;
        arena_reset(scratch);
    }
    sb_free(&sb);
    arena_free(scratch);
    arena_free(a);
}

TEST(compression_codecs) {
    Error err = ERROR_INIT;
    Codec c;
    CHECK_OK(codec_from_name("ZSTD", &c, &err), &err);
    CHECK_INT(c, CODEC_ZSTD);
    CHECK(codec_from_name("snappy", &c, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "'snappy'") != NULL);
    Compressor *z = compressor_new();
    char src[8192], back[8192];
    for (int i = 0; i < 8192; i++)
        src[i] = (char)(i % 13);
    for (int codec = CODEC_LZ4; codec <= CODEC_ZSTD; codec++) {
        StrBuf sb = STRBUF_INIT;
        size_t n = compressor_compress(z, (Codec)codec, 0, src, sizeof src, &sb);
        CHECK(n > 0 && n < 1000);
        CHECK_OK(compressor_decompress(z, (Codec)codec, sb.data, n, back, sizeof back, &err), &err);
        CHECK(memcmp(src, back, sizeof src) == 0);
        sb.data[n / 2] ^= 0x77;
        /* a flipped byte either fails or (rarely for lz4 literals) changes the output; it never
         * crashes */
        if (compressor_decompress(z, (Codec)codec, sb.data, n, back, sizeof back, &err) ==
            STATUS_ERROR)
            CHECK_INT(err.code, ERR_CORRUPT);
        CHECK(compressor_decompress(z, (Codec)codec, sb.data, n - 1, back, sizeof back, &err) ==
              STATUS_ERROR);
        sb_free(&sb);
    }
    /* incompressible input is reported as "store raw" */
    StrBuf sb = STRBUF_INIT;
    for (int i = 0; i < 8192; i++)
        src[i] = (char)rnd();
    CHECK_INT(compressor_compress(z, CODEC_LZ4, 0, src, sizeof src, &sb), 0);
    CHECK_INT(sb.len, 0);
    sb_free(&sb);
    compressor_free(z);
}

int main(void) {
    RUN(bitpack_every_width);
    RUN(intblock_choices);
    RUN(page_every_type_with_nulls);
    RUN(page_strings_dict_and_edges);
    RUN(page_selection_order);
    RUN(page_malformed_never_crashes);
    RUN(compression_codecs);
    TEST_EXIT();
}
