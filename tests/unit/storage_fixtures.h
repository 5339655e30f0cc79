/* Shared fixtures for the storage unit tests: a schema with every type, deterministic rows with
 * NULLs and edge values, temporary directories, and exact comparison of column vectors. Header-only
 * (static). */
#ifndef CAIRN_TEST_STORAGE_FIXTURES_H
#define CAIRN_TEST_STORAGE_FIXTURES_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/tablet_schema.h"
#include "types/vector.h"

/* A fresh empty directory under tests/.tmp (removed first if it exists). Returns a static buffer
 * copy. */
static inline char *fx_tmpdir(const char *name) {
    static char buf[8][512];
    static int next;
    char *out = buf[next++ % 8];
    snprintf(out, 512, "%s/tests/.tmp/storage/%s",
             getenv("CAIRN_ROOT") ? getenv("CAIRN_ROOT") : ".", name);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", out, out);
    if (system(cmd) != 0) fprintf(stderr, "cannot create %s\n", out);
    return out;
}

static inline int fx_count_files(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

static inline TabletColumn fx_col(const char *name, uint32_t uid, DataType t, bool nullable,
                                  bool key, AggType agg) {
    TabletColumn c;
    memset(&c, 0, sizeof c);
    c.name = name;
    c.uid = uid;
    c.type = t;
    c.is_nullable = nullable;
    c.is_key = key;
    c.agg = agg;
    c.default_value.is_null = true;
    return c;
}

/* DUPLICATE KEY(k): k INT NOT NULL, then one nullable column of every other type. */
static inline TabletSchema *fx_all_types_schema(Arena *a) {
    static const TypeId ids[] = {TYPE_BOOLEAN, TYPE_TINYINT,  TYPE_SMALLINT, TYPE_INT,
                                 TYPE_BIGINT,  TYPE_LARGEINT, TYPE_FLOAT,    TYPE_DOUBLE,
                                 TYPE_DECIMAL, TYPE_CHAR,     TYPE_VARCHAR,  TYPE_STRING,
                                 TYPE_DATE,    TYPE_DATETIME};
    int n = (int)(sizeof ids / sizeof ids[0]);
    TabletSchema *s = arena_calloc(a, sizeof *s);
    s->keys_type = KEYS_DUPLICATE;
    s->nkeys = 1;
    s->ncols = n + 1;
    s->cols = arena_calloc(a, sizeof(TabletColumn) * (size_t)s->ncols);
    s->cols[0] = fx_col("k", 1, type_make(TYPE_INT), false, true, AGG_NONE);
    for (int i = 0; i < n; i++) {
        DataType t = ids[i] == TYPE_DECIMAL   ? type_decimal(27, 9)
                     : ids[i] == TYPE_CHAR    ? (DataType){TYPE_CHAR, 0, 0, 10}
                     : ids[i] == TYPE_VARCHAR ? type_varchar(200)
                                              : type_make(ids[i]);
        s->cols[i + 1] = fx_col(arena_sprintf(a, "c_%s", type_name(ids[i])), (uint32_t)(100 + i), t,
                                true, false, AGG_NONE);
    }
    return s;
}

/* The value of column c at row r, written into a cell; returns false for NULL. Covers edge values.
 */
static inline bool fx_value(const DataType *t, int c, uint64_t r, void *cell, char *strbuf) {
    if (c > 0 && (r * 7 + (uint64_t)c) % 13 == 0) return false;
    int64_t x = (int64_t)(r * 2654435761u % 1000003) - 500000;
    int edge = (int)(r % 1000);
    switch (t->id) {
    case TYPE_BOOLEAN:
        *(int8_t *)cell = (int8_t)(r & 1);
        break;
    case TYPE_TINYINT:
        *(int8_t *)cell = edge == 1 ? -128 : edge == 2 ? 127 : (int8_t)(x % 100);
        break;
    case TYPE_SMALLINT:
        *(int16_t *)cell = edge == 1 ? -32768 : edge == 2 ? 32767 : (int16_t)(x % 30000);
        break;
    case TYPE_INT:
        *(int32_t *)cell = c == 0      ? (int32_t)r
                           : edge == 1 ? INT32_MIN
                           : edge == 2 ? INT32_MAX
                                       : (int32_t)x;
        break;
    case TYPE_BIGINT:
        *(int64_t *)cell = edge == 1 ? INT64_MIN : edge == 2 ? INT64_MAX : x * 1000003;
        break;
    case TYPE_LARGEINT: {
        int128_t v = edge == 1 ? -((int128_t)1 << 126) : (int128_t)x * 7;
        memcpy(cell, &v, 16);
        break;
    }
    case TYPE_FLOAT:
        *(float *)cell = edge == 3 ? -0.0f : (float)x / 8;
        break;
    case TYPE_DOUBLE:
        *(double *)cell = edge == 1 ? 1e308 : edge == 2 ? -1e-308 : (double)x / 3;
        break;
    case TYPE_DECIMAL: {
        int128_t v = edge == 1 ? POW10_128[27] - 1 : (int128_t)x * 1000000007;
        memcpy(cell, &v, 16);
        break;
    }
    case TYPE_DATE:
        *(int32_t *)cell = (int32_t)(19000 + x % 3000);
        break;
    case TYPE_DATETIME:
        *(int64_t *)cell = 1700000000000000LL + (int64_t)r * 1000000;
        break;
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: {
        Slice s;
        if (edge == 4) {
            s.ptr = "";
            s.len = 0;
        } else if (t->id == TYPE_STRING && edge == 5) {
            /* a long string: 3000 bytes */
            for (int i = 0; i < 3000; i++)
                strbuf[i] = (char)('a' + (r + (uint64_t)i) % 26);
            s.ptr = strbuf;
            s.len = 3000;
        } else if (t->id == TYPE_CHAR) {
            static const char *cities[] = {"Oslo", "Lima", "Pune", "Kyiv", "Baku"};
            s.ptr = cities[r % 5];
            s.len = 4;
        } else {
            int n = snprintf(strbuf, 64, "v%lld-\xc3\xa9", (long long)(x % 5000));
            s.ptr = strbuf;
            s.len = (uint32_t)n;
        }
        memcpy(cell, &s, sizeof s);
        break;
    }
    default:
        break;
    }
    return true;
}

/* Appends rows [from, from+n) of the fixture data to a new batch. */
static inline Batch *fx_batch(const TabletSchema *s, Arena *a, uint64_t from, uint32_t n) {
    Batch *b = batch_new(a, s->ncols, tablet_schema_types(s, a), n);
    char strbuf[4096];
    for (uint32_t i = 0; i < n; i++) {
        for (int c = 0; c < s->ncols; c++) {
            _Alignas(16) unsigned char cell[16];
            if (fx_value(&s->cols[c].type, c, from + i, cell, strbuf))
                colvec_append(b->cols[c], cell);
            else
                colvec_append_null(b->cols[c]);
        }
    }
    b->nrows = n;
    return b;
}

/* Exact equality of row i of a and row j of b (same type); NaN-free data assumed. */
static inline bool fx_cell_equal(const ColumnVector *a, uint32_t i, const ColumnVector *b,
                                 uint32_t j) {
    bool na = colvec_is_null(a, i), nb = colvec_is_null(b, j);
    if (na || nb) return na == nb;
    if (type_is_string(a->type.id)) {
        const Slice *x = colvec_cell(a, i), *y = colvec_cell(b, j);
        return x->len == y->len && (x->len == 0 || memcmp(x->ptr, y->ptr, x->len) == 0);
    }
    return memcmp(colvec_cell(a, i), colvec_cell(b, j), type_cell_size(a->type.id)) == 0;
}

/* Checks that vector got holds exactly the fixture values of column c for rows first.. (count
 * rows). */
static inline int fx_check_column(const TabletSchema *s, int c, const ColumnVector *got,
                                  uint64_t first) {
    Arena *a = arena_new(0);
    ColumnVector *want = colvec_new(a, s->cols[c].type, got->len);
    char strbuf[4096];
    for (uint32_t i = 0; i < got->len; i++) {
        _Alignas(16) unsigned char cell[16];
        if (fx_value(&s->cols[c].type, c, first + i, cell, strbuf))
            colvec_append(want, cell);
        else
            colvec_append_null(want);
    }
    int bad = 0;
    for (uint32_t i = 0; i < got->len; i++)
        if (!fx_cell_equal(want, i, got, i) && bad++ < 3)
            fprintf(stderr, "  column %s row %llu differs\n", s->cols[c].name,
                    (unsigned long long)(first + i));
    arena_free(a);
    return bad;
}

#endif
