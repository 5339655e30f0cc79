/* Key comparison and sorting; see row_sort.h. The sort radix-sorts an order-preserving 64-bit
 * prefix of the first key column, then settles ties (equal prefixes) with a full comparison: for
 * the usual integer or short-string first key that costs a few linear passes instead of n log n
 * comparator calls. */
#include "storage/row_sort.h"

#include <stdlib.h>
#include <string.h>

int row_cell_compare(const ColumnVector *a, uint32_t i, const ColumnVector *b, uint32_t j) {
    bool na = colvec_is_null(a, i), nb = colvec_is_null(b, j);
    if (na || nb) return na == nb ? 0 : na ? -1 : 1;
    switch (a->type.id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: {
        int8_t x = ((const int8_t *)a->data)[i], y = ((const int8_t *)b->data)[j];
        return (x > y) - (x < y);
    }
    case TYPE_SMALLINT: {
        int16_t x = ((const int16_t *)a->data)[i], y = ((const int16_t *)b->data)[j];
        return (x > y) - (x < y);
    }
    case TYPE_INT:
    case TYPE_DATE: {
        int32_t x = ((const int32_t *)a->data)[i], y = ((const int32_t *)b->data)[j];
        return (x > y) - (x < y);
    }
    case TYPE_BIGINT:
    case TYPE_DATETIME: {
        int64_t x = ((const int64_t *)a->data)[i], y = ((const int64_t *)b->data)[j];
        return (x > y) - (x < y);
    }
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: {
        int128_t x = ((const int128_t *)a->data)[i], y = ((const int128_t *)b->data)[j];
        return (x > y) - (x < y);
    }
    case TYPE_FLOAT: {
        float x = ((const float *)a->data)[i], y = ((const float *)b->data)[j];
        return (x > y) - (x < y);
    }
    case TYPE_DOUBLE: {
        double x = ((const double *)a->data)[i], y = ((const double *)b->data)[j];
        return (x > y) - (x < y);
    }
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: {
        const Slice *x = &((const Slice *)a->data)[i], *y = &((const Slice *)b->data)[j];
        uint32_t n = x->len < y->len ? x->len : y->len;
        int c = n ? memcmp(x->ptr, y->ptr, n) : 0;
        if (c) return c < 0 ? -1 : 1;
        return (x->len > y->len) - (x->len < y->len);
    }
    default:
        return 0;
    }
}

int row_key_compare(ColumnVector *const *a, uint32_t i, ColumnVector *const *b, uint32_t j,
                    int nkeys) {
    for (int k = 0; k < nkeys; k++) {
        int c = row_cell_compare(a[k], i, b[k], j);
        if (c) return c;
    }
    return 0;
}

bool row_keys_equal(ColumnVector *const *a, uint32_t i, ColumnVector *const *b, uint32_t j,
                    int nkeys) {
    for (int k = 0; k < nkeys; k++) {
        const ColumnVector *x = a[k], *y = b[k];
        bool nx = colvec_is_null(x, i), ny = colvec_is_null(y, j);
        if (nx || ny) {
            if (nx != ny) return false;
            continue;
        }
        if (type_is_string(x->type.id)) {
            const Slice *p = &((const Slice *)x->data)[i], *q = &((const Slice *)y->data)[j];
            if (p->len != q->len || (p->len && memcmp(p->ptr, q->ptr, p->len) != 0)) return false;
            continue;
        }
        /* integer, date and decimal cells are equal exactly when their bytes are (keys are never
         * floats) */
        size_t cs = type_cell_size(x->type.id);
        if (memcmp((const char *)x->data + i * cs, (const char *)y->data + j * cs, cs) != 0)
            return false;
    }
    return true;
}

bool row_keys_are_sorted(ColumnVector *const *keys, int nkeys, uint32_t n) {
    for (uint32_t i = 1; i < n; i++)
        if (row_key_compare(keys, i - 1, keys, i, nkeys) > 0) return false;
    return true;
}

/* An unsigned 64-bit value whose order matches the column's order on its first 8 bytes of
 * precision. */
static uint64_t key_prefix(const ColumnVector *v, uint32_t row) {
    const uint64_t flip = 1ULL << 63;
    if (colvec_is_null(v, row)) return 0;
    switch (v->type.id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT:
        return (uint64_t)(int64_t)((const int8_t *)v->data)[row] ^ flip;
    case TYPE_SMALLINT:
        return (uint64_t)(int64_t)((const int16_t *)v->data)[row] ^ flip;
    case TYPE_INT:
    case TYPE_DATE:
        return (uint64_t)(int64_t)((const int32_t *)v->data)[row] ^ flip;
    case TYPE_BIGINT:
    case TYPE_DATETIME:
        return (uint64_t)((const int64_t *)v->data)[row] ^ flip;
    case TYPE_LARGEINT:
    case TYPE_DECIMAL:
        return (uint64_t)(((const int128_t *)v->data)[row] >> 64) ^ flip;
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: {
        const Slice *s = &((const Slice *)v->data)[row];
        uint64_t p = 0;
        for (uint32_t k = 0; k < 8; k++)
            p = (p << 8) | (k < s->len ? (uint8_t)s->ptr[k] : 0);
        return p;
    }
    default:
        return 0;
    }
}

/* Does the prefix alone decide the order (so equal prefixes mean equal keys)? */
static bool prefix_is_exact(ColumnVector *const *keys, int nkeys) {
    if (nkeys != 1 || keys[0]->nulls) return false;
    TypeId id = keys[0]->type.id;
    return (type_is_integer(id) && id != TYPE_LARGEINT) || id == TYPE_DATE || id == TYPE_DATETIME;
}

typedef struct PrefixRow {
    uint64_t key;
    uint32_t row;
} PrefixRow;

static void radix_sort(PrefixRow *rows, PrefixRow *tmp, uint32_t n) {
    for (int shift = 0; shift < 64; shift += 8) {
        uint32_t count[256] = {0};
        for (uint32_t i = 0; i < n; i++)
            count[(rows[i].key >> shift) & 0xff]++;
        /* a byte that is the same in every row does not reorder anything: skip the pass */
        if (count[(rows[0].key >> shift) & 0xff] == n) continue;
        uint32_t pos = 0;
        for (int b = 0; b < 256; b++) {
            uint32_t c = count[b];
            count[b] = pos;
            pos += c;
        }
        for (uint32_t i = 0; i < n; i++)
            tmp[count[(rows[i].key >> shift) & 0xff]++] = rows[i];
        memcpy(rows, tmp, sizeof(PrefixRow) * n);
    }
}

typedef struct SortCtx {
    ColumnVector *const *keys;
    int nkeys;
} SortCtx;

static int cmp_rows(const void *x, const void *y, void *arg) {
    const SortCtx *ctx = arg;
    uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
    int c = row_key_compare(ctx->keys, i, ctx->keys, j, ctx->nkeys);
    if (c) return c;
    return (i > j) - (i < j); /* stability: equal keys keep their input order */
}

uint32_t *row_sort_by_key(ColumnVector *const *keys, int nkeys, uint32_t n, Arena *a) {
    if (nkeys == 0 || n < 2 || row_keys_are_sorted(keys, nkeys, n)) return NULL;
    PrefixRow *rows = malloc(sizeof(PrefixRow) * n), *tmp = malloc(sizeof(PrefixRow) * n);
    if (!rows || !tmp) abort();
    for (uint32_t i = 0; i < n; i++) {
        rows[i].key = key_prefix(keys[0], i);
        rows[i].row = i;
    }
    radix_sort(rows, tmp, n);
    free(tmp);
    uint32_t *perm = arena_alloc(a, sizeof(uint32_t) * n);
    for (uint32_t i = 0; i < n; i++)
        perm[i] = rows[i].row;
    if (!prefix_is_exact(keys, nkeys)) {
        SortCtx ctx = {keys, nkeys};
        uint32_t start = 0;
        for (uint32_t i = 1; i <= n; i++) {
            if (i < n && rows[i].key == rows[start].key) continue;
            if (i - start > 1) qsort_r(perm + start, i - start, sizeof(uint32_t), cmp_rows, &ctx);
            start = i;
        }
    }
    free(rows);
    return perm;
}
