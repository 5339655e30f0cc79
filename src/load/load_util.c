/* Value helpers of the load module (load_util.h). */
#include "load/load_util.h"

#include <string.h>

Datum load_cell_datum(const ColumnVector *v, uint32_t row) {
    Datum d;
    memset(&d, 0, sizeof d);
    if (colvec_is_null(v, row)) {
        d.is_null = true;
        return d;
    }
    const void *c = colvec_cell(v, row);
    switch (v->type.id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: d.v.i64 = *(const int8_t *)c; break;
    case TYPE_SMALLINT: d.v.i64 = *(const int16_t *)c; break;
    case TYPE_INT:
    case TYPE_DATE: d.v.i64 = *(const int32_t *)c; break;
    case TYPE_BIGINT:
    case TYPE_DATETIME: d.v.i64 = *(const int64_t *)c; break;
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: memcpy(&d.v.i128, c, sizeof d.v.i128); break;
    case TYPE_FLOAT: d.v.f64 = *(const float *)c; break;
    case TYPE_DOUBLE: d.v.f64 = *(const double *)c; break;
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: memcpy(&d.v.str, c, sizeof d.v.str); break;
    default: d.is_null = true;
    }
    return d;
}

void load_datum_to_cell(const DataType *t, const Datum *d, void *cell) {
    switch (t->id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: *(int8_t *)cell = (int8_t)d->v.i64; break;
    case TYPE_SMALLINT: *(int16_t *)cell = (int16_t)d->v.i64; break;
    case TYPE_INT:
    case TYPE_DATE: *(int32_t *)cell = (int32_t)d->v.i64; break;
    case TYPE_BIGINT:
    case TYPE_DATETIME: *(int64_t *)cell = d->v.i64; break;
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: memcpy(cell, &d->v.i128, sizeof d->v.i128); break;
    case TYPE_FLOAT: *(float *)cell = (float)d->v.f64; break;
    case TYPE_DOUBLE: *(double *)cell = d->v.f64; break;
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: memcpy(cell, &d->v.str, sizeof d->v.str); break;
    default: break;
    }
}

static int int_rank(TypeId id) {
    switch (id) {
    case TYPE_BOOLEAN: return 1;
    case TYPE_TINYINT: return 2;
    case TYPE_SMALLINT: return 3;
    case TYPE_INT: return 4;
    case TYPE_BIGINT: return 5;
    case TYPE_LARGEINT: return 6;
    default: return 0;
    }
}

Status load_vector_widen(const ColumnVector *src, const DataType *to, uint32_t n, Arena *a, ColumnVector **out,
                         Error *err) {
    TypeId f = src->type.id;
    bool ok = (int_rank(f) && (int_rank(to->id) >= int_rank(f) || to->id == TYPE_DOUBLE || to->id == TYPE_DECIMAL)) ||
              (f == TYPE_FLOAT && to->id == TYPE_DOUBLE) ||
              (f == TYPE_DECIMAL && to->id == TYPE_DECIMAL && to->scale >= src->type.scale) ||
              (f == TYPE_DECIMAL && to->id == TYPE_DOUBLE);
    if (!ok)
        return err_set(err, ERR_NOT_SUPPORTED, "cannot store %s values in a %s column", type_name(f),
                       type_name(to->id));
    ColumnVector *v = colvec_new(a, *to, n);
    if (src->nulls) {
        colvec_ensure_nulls(v);
        memcpy(v->nulls, src->nulls, n);
    }
    for (uint32_t r = 0; r < n; r++) {
        Datum d = load_cell_datum(src, r);
        Datum o = d;
        if (!d.is_null) {
            if (int_rank(f)) {
                int128_t iv = f == TYPE_LARGEINT ? d.v.i128 : (int128_t)d.v.i64;
                if (to->id == TYPE_DOUBLE) o.v.f64 = (double)iv;
                else if (to->id == TYPE_DECIMAL) o.v.i128 = iv * POW10_128[to->scale];
                else if (to->id == TYPE_LARGEINT) o.v.i128 = iv;
                else o.v.i64 = (int64_t)iv;
            } else if (f == TYPE_DECIMAL && to->id == TYPE_DECIMAL) {
                o.v.i128 = d.v.i128 * POW10_128[to->scale - src->type.scale];
            } else if (f == TYPE_DECIMAL) {
                o.v.f64 = (double)d.v.i128 / (double)POW10_128[src->type.scale];
            }
        }
        load_datum_to_cell(to, &o, colvec_cell(v, r));
    }
    v->len = n;
    *out = v;
    return STATUS_OK;
}
