/* Zone map computation, merging, byte form and predicate tests; see zonemap.h. */
#include "storage/zonemap.h"

#include <math.h>
#include <string.h>

#include "storage/tablet_schema.h"

/* Min/max over the non-null rows of a numeric column, one tight loop per cell type. */
#define MINMAX_LOOP(CT, FIELD)                                                                     \
    do {                                                                                           \
        const CT *d = v->data;                                                                     \
        CT mn = 0, mx = 0;                                                                         \
        bool any = false;                                                                          \
        for (uint32_t i = 0; i < n; i++) {                                                         \
            uint32_t row = sel ? sel[i] : first + i;                                               \
            if (v->nulls && v->nulls[row]) continue;                                               \
            CT x = d[row];                                                                         \
            if (!any) {                                                                            \
                mn = mx = x;                                                                       \
                any = true;                                                                        \
            } else if (x < mn) {                                                                   \
                mn = x;                                                                            \
            } else if (x > mx) {                                                                   \
                mx = x;                                                                            \
            }                                                                                      \
        }                                                                                          \
        zm->has_minmax = any;                                                                      \
        zm->min.v.FIELD = mn;                                                                      \
        zm->max.v.FIELD = mx;                                                                      \
    } while (0)

static bool has_nan(const ColumnVector *v, const uint32_t *sel, uint32_t first, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        uint32_t row = sel ? sel[i] : first + i;
        if (v->nulls && v->nulls[row]) continue;
        double x = v->type.id == TYPE_FLOAT ? ((const float *)v->data)[row]
                                            : ((const double *)v->data)[row];
        if (isnan(x)) return true;
    }
    return false;
}

static int slice_cmp(Slice a, Slice b) {
    uint32_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return a.len < b.len ? -1 : a.len > b.len;
}

void zonemap_compute(ZoneMap *zm, const ColumnVector *v, const uint32_t *sel, uint32_t first,
                     uint32_t n) {
    memset(zm, 0, sizeof *zm);
    if (v->nulls)
        for (uint32_t i = 0; i < n; i++)
            zm->null_count += v->nulls[sel ? sel[i] : first + i] != 0;
    switch (v->type.id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT:
        MINMAX_LOOP(int8_t, i64);
        break;
    case TYPE_SMALLINT:
        MINMAX_LOOP(int16_t, i64);
        break;
    case TYPE_INT:
    case TYPE_DATE:
        MINMAX_LOOP(int32_t, i64);
        break;
    case TYPE_BIGINT:
    case TYPE_DATETIME:
        MINMAX_LOOP(int64_t, i64);
        break;
    case TYPE_LARGEINT:
    case TYPE_DECIMAL:
        MINMAX_LOOP(int128_t, i128);
        break;
    case TYPE_FLOAT:
        if ((zm->unordered = has_nan(v, sel, first, n))) return;
        MINMAX_LOOP(float, f64);
        break;
    case TYPE_DOUBLE:
        if ((zm->unordered = has_nan(v, sel, first, n))) return;
        MINMAX_LOOP(double, f64);
        break;
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: {
        const Slice *d = v->data;
        bool any = false;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t row = sel ? sel[i] : first + i;
            if (v->nulls && v->nulls[row]) continue;
            if (!any) {
                zm->min.v.str = zm->max.v.str = d[row];
                any = true;
            } else if (slice_cmp(d[row], zm->min.v.str) < 0) {
                zm->min.v.str = d[row];
            } else if (slice_cmp(d[row], zm->max.v.str) > 0) {
                zm->max.v.str = d[row];
            }
        }
        zm->has_minmax = any;
        break;
    }
    default:
        break;
    }
}

void zonemap_merge(ZoneMap *into, const ZoneMap *part, const DataType *t) {
    into->null_count += part->null_count;
    into->unordered |= part->unordered;
    if (!part->has_minmax) return;
    if (!into->has_minmax) {
        into->has_minmax = true;
        into->min = part->min;
        into->max = part->max;
        into->max_unbounded = part->max_unbounded;
        return;
    }
    if (type_compare_datum(t, &part->min, &into->min) < 0) into->min = part->min;
    if (part->max_unbounded)
        into->max_unbounded = true;
    else if (type_compare_datum(t, &part->max, &into->max) > 0)
        into->max = part->max;
}

void zonemap_encode(const ZoneMap *zm, const DataType *t, StrBuf *out) {
    Datum mn = zm->min, mx = zm->max;
    bool unbounded = zm->max_unbounded;
    char bumped[ZONEMAP_STRING_MAX];
    if (zm->has_minmax && type_is_string(t->id)) {
        if (mn.v.str.len > ZONEMAP_STRING_MAX)
            mn.v.str.len = ZONEMAP_STRING_MAX; /* a prefix is <= the value */
        if (mx.v.str.len > ZONEMAP_STRING_MAX) {
            /* the prefix with its last non-0xFF byte incremented is above every string that starts
             * with it */
            memcpy(bumped, mx.v.str.ptr, ZONEMAP_STRING_MAX);
            int k = ZONEMAP_STRING_MAX - 1;
            while (k >= 0 && (unsigned char)bumped[k] == 0xFF)
                k--;
            if (k < 0) {
                unbounded = true;
                mx.v.str.len = 0;
            } else {
                bumped[k]++;
                mx.v.str.ptr = bumped;
                mx.v.str.len = (uint32_t)k + 1;
            }
        }
    }
    bw_u8(out, (uint8_t)((zm->has_minmax ? 1 : 0) | (unbounded ? 2 : 0) | (zm->unordered ? 4 : 0)));
    bw_varint(out, zm->null_count);
    if (zm->has_minmax) {
        storage_datum_encode(t, &mn, out);
        storage_datum_encode(t, &mx, out);
    }
}

bool zonemap_decode(ZoneMap *zm, const DataType *t, ByteReader *r) {
    memset(zm, 0, sizeof *zm);
    uint8_t flags = br_u8(r);
    if (flags & ~7u) return false;
    zm->has_minmax = flags & 1;
    zm->max_unbounded = (flags & 2) != 0;
    zm->unordered = (flags & 4) != 0;
    zm->null_count = br_varint(r);
    if (zm->has_minmax) {
        if (!storage_datum_decode(t, r, &zm->min) || !storage_datum_decode(t, r, &zm->max))
            return false;
        if (zm->min.is_null || zm->max.is_null) return false;
    }
    return !r->failed;
}

/* Can some value in [min, max] satisfy the range? */
static bool range_overlaps(const ZoneMap *zm, const DataType *t, const ColumnPredicate *p) {
    if (p->has_lower && !zm->max_unbounded) {
        int c = type_compare_datum(t, &zm->max, &p->lower);
        if (c < 0 || (c == 0 && !p->lower_inclusive)) return false;
    }
    if (p->has_upper) {
        int c = type_compare_datum(t, &zm->min, &p->upper);
        if (c > 0 || (c == 0 && !p->upper_inclusive)) return false;
    }
    return true;
}

static bool datum_is_nan(const DataType *t, const Datum *d) {
    return (t->id == TYPE_FLOAT || t->id == TYPE_DOUBLE) && isnan(d->v.f64);
}

bool zonemap_may_match(const ZoneMap *zm, uint64_t nrows, const DataType *t,
                       const ColumnPredicate *p) {
    switch (p->kind) {
    case PRED_IS_NULL:
        return zm->null_count > 0;
    case PRED_IS_NOT_NULL:
        return zm->null_count < nrows;
    case PRED_RANGE:
        if (zm->null_count >= nrows) return false; /* a comparison is never true on NULL */
        if (!zm->has_minmax || zm->unordered) return true;
        if ((p->has_lower && (p->lower.is_null || datum_is_nan(t, &p->lower))) ||
            (p->has_upper && (p->upper.is_null || datum_is_nan(t, &p->upper))))
            return true; /* leave odd bounds to the engine */
        return range_overlaps(zm, t, p);
    case PRED_IN:
        if (zm->null_count >= nrows) return false;
        if (!zm->has_minmax || zm->unordered) return true;
        for (int i = 0; i < p->nvalues; i++) {
            const Datum *x = &p->values[i];
            if (x->is_null) continue;
            if (datum_is_nan(t, x)) return true;
            ColumnPredicate eq = {.kind = PRED_RANGE,
                                  .has_lower = true,
                                  .lower_inclusive = true,
                                  .has_upper = true,
                                  .upper_inclusive = true,
                                  .lower = *x,
                                  .upper = *x};
            if (range_overlaps(zm, t, &eq)) return true;
        }
        return false;
    }
    return true;
}
