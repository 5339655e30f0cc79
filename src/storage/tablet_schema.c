/* Tablet schema checks and copies, and the byte form of single values (Datum) that zone maps,
 * column defaults and rowset key bounds share. */
#include "storage/tablet_schema.h"

#include <string.h>

static bool agg_fits_type(AggType agg, TypeId id) {
    switch (agg) {
    case AGG_SUM:
        return type_is_numeric(id) && id != TYPE_BOOLEAN;
    case AGG_COUNT:
        return id == TYPE_BIGINT;
    default:
        return true;
    }
}

Status tablet_schema_validate(const TabletSchema *s, Error *err) {
    if (s->ncols < 1 || s->ncols > STORAGE_MAX_COLUMNS)
        return err_set(err, ERR_INVALID_ARGUMENT, "A tablet schema needs 1 to %d columns, got %d",
                       STORAGE_MAX_COLUMNS, s->ncols);
    if (s->nkeys < 0 || s->nkeys > s->ncols)
        return err_set(err, ERR_INVALID_ARGUMENT, "Tablet schema has %d key columns but %d columns",
                       s->nkeys, s->ncols);
    if (tablet_schema_merges_keys(s) && s->nkeys == 0)
        return err_set(err, ERR_INVALID_ARGUMENT, "A %s KEY tablet needs at least one key column",
                       keys_type_name(s->keys_type));
    for (int i = 0; i < s->ncols; i++) {
        const TabletColumn *c = &s->cols[i];
        const char *name = c->name ? c->name : "?";
        if (c->type.id <= TYPE_NULL || c->type.id >= TYPE__COUNT)
            return err_set(err, ERR_INVALID_ARGUMENT, "Column '%s' has no storable type (%d)", name,
                           (int)c->type.id);
        if (c->is_key != (i < s->nkeys))
            return err_set(err, ERR_INVALID_ARGUMENT,
                           "Key columns must come first: column '%s' (#%d) is %sa key column", name,
                           i + 1, c->is_key ? "" : "not ");
        if (c->is_key && (c->type.id == TYPE_FLOAT || c->type.id == TYPE_DOUBLE))
            return err_set(
                err, ERR_INVALID_ARGUMENT,
                "Float or double can not used as a key, use decimal instead (column '%s')", name);
        if (c->is_key && c->agg != AGG_NONE)
            return err_set(err, ERR_INVALID_ARGUMENT,
                           "Key column '%s' cannot have an aggregate function", name);
        if (!c->is_key && s->keys_type == KEYS_AGGREGATE && c->agg == AGG_NONE)
            return err_set(
                err, ERR_INVALID_ARGUMENT,
                "Value column '%s' of an AGGREGATE KEY tablet needs an aggregate function", name);
        if (!agg_fits_type(c->agg, c->type.id))
            return err_set(err, ERR_INVALID_ARGUMENT,
                           "Aggregate %s does not apply to column '%s' of type %s",
                           agg_type_name(c->agg), name, type_name(c->type.id));
        for (int j = 0; j < i; j++)
            if (s->cols[j].uid == c->uid)
                return err_set(err, ERR_INVALID_ARGUMENT,
                               "Columns '%s' and '%s' share the column id %u",
                               s->cols[j].name ? s->cols[j].name : "?", name, c->uid);
    }
    return STATUS_OK;
}

bool tablet_schema_merges_keys(const TabletSchema *s) {
    return s->keys_type == KEYS_AGGREGATE || s->keys_type == KEYS_UNIQUE ||
           s->keys_type == KEYS_PRIMARY;
}

bool tablet_schema_has_ops(const TabletSchema *s) {
    return s->keys_type == KEYS_UNIQUE || s->keys_type == KEYS_PRIMARY;
}

int tablet_schema_find_uid(const TabletSchema *s, uint32_t uid) {
    for (int i = 0; i < s->ncols; i++)
        if (s->cols[i].uid == uid) return i;
    return -1;
}

TabletSchema *tablet_schema_copy(const TabletSchema *s, Arena *a) {
    TabletSchema *c = arena_memdup(a, s, sizeof *s);
    c->cols = arena_memdup(a, s->cols, sizeof(TabletColumn) * (size_t)s->ncols);
    for (int i = 0; i < s->ncols; i++) {
        TabletColumn *col = &c->cols[i];
        col->name = arena_strdup(a, col->name);
        if (!col->default_value.is_null && type_is_string(col->type.id)) {
            Slice *str = &col->default_value.v.str;
            str->ptr = str->len ? arena_memdup(a, str->ptr, str->len) : "";
        }
    }
    return c;
}

DataType *tablet_schema_types(const TabletSchema *s, Arena *a) {
    DataType *t = arena_alloc(a, sizeof(DataType) * (size_t)s->ncols);
    for (int i = 0; i < s->ncols; i++)
        t[i] = s->cols[i].type;
    return t;
}

void storage_datum_encode(const DataType *t, const Datum *d, StrBuf *out) {
    bw_u8(out, d->is_null ? 1 : 0);
    if (d->is_null) return;
    switch (t->id) {
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: {
        uint8_t b[16];
        unsigned __int128 u = (unsigned __int128)d->v.i128;
        store_u64(b, (uint64_t)u);
        store_u64(b + 8, (uint64_t)(u >> 64));
        sb_appendn(out, b, 16);
        break;
    }
    case TYPE_FLOAT:
    case TYPE_DOUBLE: {
        uint64_t bits;
        memcpy(&bits, &d->v.f64, 8);
        bw_u64(out, bits);
        break;
    }
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING:
        bw_bytes(out, d->v.str.ptr, d->v.str.len);
        break;
    default:
        bw_svarint(out, d->v.i64);
        break;
    }
}

bool storage_datum_decode(const DataType *t, ByteReader *r, Datum *out) {
    memset(out, 0, sizeof *out);
    out->is_null = br_u8(r) != 0;
    if (out->is_null) return !r->failed;
    switch (t->id) {
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: {
        uint64_t lo = br_u64(r), hi = br_u64(r);
        out->v.i128 = (int128_t)(((unsigned __int128)hi << 64) | lo);
        break;
    }
    case TYPE_FLOAT:
    case TYPE_DOUBLE: {
        uint64_t bits = br_u64(r);
        memcpy(&out->v.f64, &bits, 8);
        break;
    }
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: {
        size_t n;
        const uint8_t *p = br_bytes(r, &n);
        out->v.str.ptr = p ? (const char *)p : "";
        out->v.str.len = (uint32_t)n;
        break;
    }
    default:
        out->v.i64 = br_svarint(r);
        break;
    }
    return !r->failed;
}

Datum storage_datum_from_cell(const ColumnVector *v, uint32_t row) {
    Datum d;
    memset(&d, 0, sizeof d);
    if (colvec_is_null(v, row)) {
        d.is_null = true;
        return d;
    }
    const void *cell = colvec_cell(v, row);
    switch (v->type.id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT:
        d.v.i64 = *(const int8_t *)cell;
        break;
    case TYPE_SMALLINT:
        d.v.i64 = *(const int16_t *)cell;
        break;
    case TYPE_INT:
    case TYPE_DATE:
        d.v.i64 = *(const int32_t *)cell;
        break;
    case TYPE_BIGINT:
    case TYPE_DATETIME:
        d.v.i64 = *(const int64_t *)cell;
        break;
    case TYPE_LARGEINT:
    case TYPE_DECIMAL:
        memcpy(&d.v.i128, cell, 16);
        break;
    case TYPE_FLOAT:
        d.v.f64 = *(const float *)cell;
        break;
    case TYPE_DOUBLE:
        d.v.f64 = *(const double *)cell;
        break;
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING:
        memcpy(&d.v.str, cell, sizeof(Slice));
        break;
    default:
        break;
    }
    return d;
}

void storage_datum_to_cell(const DataType *t, const Datum *d, void *cell) {
    switch (t->id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT:
        *(int8_t *)cell = (int8_t)d->v.i64;
        break;
    case TYPE_SMALLINT:
        *(int16_t *)cell = (int16_t)d->v.i64;
        break;
    case TYPE_INT:
    case TYPE_DATE:
        *(int32_t *)cell = (int32_t)d->v.i64;
        break;
    case TYPE_BIGINT:
    case TYPE_DATETIME:
        *(int64_t *)cell = d->v.i64;
        break;
    case TYPE_LARGEINT:
    case TYPE_DECIMAL:
        memcpy(cell, &d->v.i128, 16);
        break;
    case TYPE_FLOAT:
        *(float *)cell = (float)d->v.f64;
        break;
    case TYPE_DOUBLE:
        *(double *)cell = d->v.f64;
        break;
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING:
        memcpy(cell, &d->v.str, sizeof(Slice));
        break;
    default:
        break;
    }
}
