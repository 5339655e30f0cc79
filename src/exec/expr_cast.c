/* Type conversion: CAST, the implicit casts the binder inserts, and the common-type rules that decide them.
 * Semantics follow StarRocks: a value that does not convert becomes NULL, except in strict mode (INSERT
 * values, exec_eval_const) where it is an error naming the value. Numbers round half away from zero,
 * as MySQL does; DECIMAL stays exact (scaled int128), never through double. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exec/expr.h"
#include "exec/numeric.h"
#include "util/strbuf.h"

int128_t i128_div_round(int128_t a, int128_t b) {
    int128_t q = a / b, r = a % b;
    int128_t ar = r < 0 ? -r : r, ab = b < 0 ? -b : b;
    if (ar * 2 >= ab) q += ((a < 0) != (b < 0)) ? -1 : 1;
    return q;
}

bool i128_mul_pow10(int128_t v, int k, int128_t *out) {
    if (k <= 0) {
        *out = v;
        return true;
    }
    if (k > 38) return v == 0 ? (*out = 0, true) : false;
    return !__builtin_mul_overflow(v, POW10_128[k], out);
}

bool decimal_rescale(int128_t v, int from_scale, int to_scale, int128_t *out) {
    if (to_scale >= from_scale) return i128_mul_pow10(v, to_scale - from_scale, out);
    *out = i128_div_round(v, POW10_128[from_scale - to_scale]);
    return true;
}

bool decimal_fits(int128_t v, int precision) {
    if (precision >= 38) return v > -POW10_128[38] && v < POW10_128[38];
    return v > -POW10_128[precision] && v < POW10_128[precision];
}

double decimal_to_double(int128_t v, int scale) {
    return (double)((long double)v / (long double)POW10_128[scale]);
}

static int int_digits(TypeId id) {
    switch (id) {
    case TYPE_BOOLEAN: return 1;
    case TYPE_TINYINT: return 3;
    case TYPE_SMALLINT: return 5;
    case TYPE_INT: return 10;
    case TYPE_BIGINT: return 19;
    default: return 38;
    }
}

static int int_rank(TypeId id) {
    return (int)id; /* BOOLEAN < TINYINT < ... < LARGEINT in the enum */
}

static DataType decimal_of(const DataType *t) {
    if (t->id == TYPE_DECIMAL) return *t;
    return type_decimal(int_digits(t->id), 0);
}

DataType type_common(const DataType *a, const DataType *b) {
    if (a->id == TYPE_NULL) return *b;
    if (b->id == TYPE_NULL) return *a;
    if (type_is_string(a->id) && type_is_string(b->id)) {
        if (a->id == TYPE_STRING || b->id == TYPE_STRING) return type_make(TYPE_STRING);
        return type_varchar(a->len > b->len ? a->len : b->len);
    }
    if (type_is_string(a->id) || type_is_string(b->id)) {
        const DataType *o = type_is_string(a->id) ? b : a;
        if (type_is_numeric(o->id) && type_is_string(a->id) != type_is_string(b->id)) return type_make(TYPE_STRING);
        return type_make(TYPE_STRING);
    }
    if (type_is_temporal(a->id) && type_is_temporal(b->id))
        return type_make(a->id == TYPE_DATETIME || b->id == TYPE_DATETIME ? TYPE_DATETIME : TYPE_DATE);
    if (type_is_temporal(a->id) || type_is_temporal(b->id)) return type_make(TYPE_STRING);
    if (a->id == TYPE_DOUBLE || b->id == TYPE_DOUBLE || a->id == TYPE_FLOAT || b->id == TYPE_FLOAT)
        return type_make(TYPE_DOUBLE);
    if (a->id == TYPE_DECIMAL || b->id == TYPE_DECIMAL) {
        DataType da = decimal_of(a), db = decimal_of(b);
        int scale = da.scale > db.scale ? da.scale : db.scale;
        int ia = da.precision - da.scale, ib = db.precision - db.scale;
        int ip = ia > ib ? ia : ib;
        int p = ip + scale;
        if (p > DECIMAL_MAX_PRECISION) p = DECIMAL_MAX_PRECISION;
        if (scale > p) scale = p;
        return type_decimal(p, scale);
    }
    /* both integers */
    return int_rank(a->id) >= int_rank(b->id) ? *a : *b;
}

DataType type_common_compare(const DataType *a, const DataType *b) {
    if (a->id == TYPE_NULL) return *b;
    if (b->id == TYPE_NULL) return *a;
    bool sa = type_is_string(a->id), sb = type_is_string(b->id);
    if (sa && sb) return type_make(TYPE_STRING);
    if (sa && type_is_temporal(b->id)) return *b;
    if (sb && type_is_temporal(a->id)) return *a;
    if (sa || sb) return type_make(TYPE_DOUBLE);
    if (type_is_temporal(a->id) != type_is_temporal(b->id)) return type_make(TYPE_DOUBLE);
    DataType t = type_common(a, b);
    if (t.id == TYPE_BOOLEAN) t = type_make(TYPE_TINYINT);
    return t;
}

/* ---------------------------------------------------------------- one value */

static bool fail_range(const DataType *from, const Datum *in, const DataType *to, Error *err) {
    StrBuf sb = STRBUF_INIT;
    type_format_datum(from, in, &sb);
    StrBuf tn = STRBUF_INIT;
    type_format_sql(to, &tn);
    err_set(err, ERR_DATA_OUT_OF_RANGE, "Out of range value '%.200s' for type %s", sb_str(&sb), sb_str(&tn));
    sb_free(&sb);
    sb_free(&tn);
    return false;
}

static bool fail_value(const DataType *from, const Datum *in, const DataType *to, Error *err) {
    StrBuf sb = STRBUF_INIT;
    type_format_datum(from, in, &sb);
    StrBuf tn = STRBUF_INIT;
    type_format_sql(to, &tn);
    err_set(err, ERR_TRUNCATED_WRONG_VALUE, "Incorrect %s value: '%.200s'", sb_str(&tn), sb_str(&sb));
    sb_free(&sb);
    sb_free(&tn);
    return false;
}

static bool int_in_range(TypeId id, int128_t v) {
    switch (id) {
    case TYPE_BOOLEAN: return v == 0 || v == 1;
    case TYPE_TINYINT: return v >= INT8_MIN && v <= INT8_MAX;
    case TYPE_SMALLINT: return v >= INT16_MIN && v <= INT16_MAX;
    case TYPE_INT: return v >= INT32_MIN && v <= INT32_MAX;
    case TYPE_BIGINT: return v >= INT64_MIN && v <= INT64_MAX;
    default: return true;
    }
}

/* Reads a numeric datum as an exact scaled integer at `scale` (doubles are rounded). */
static bool numeric_to_scaled(const DataType *from, const Datum *in, int scale, int128_t *out) {
    if (from->id == TYPE_DECIMAL) return decimal_rescale(in->v.i128, from->scale, scale, out);
    if (from->id == TYPE_LARGEINT) return i128_mul_pow10(in->v.i128, scale, out);
    if (from->id == TYPE_FLOAT || from->id == TYPE_DOUBLE) {
        double d = in->v.f64 * pow(10.0, scale);
        if (!isfinite(d) || fabs(d) >= 1e38) return false;
        *out = (int128_t)round(d);
        return true;
    }
    return i128_mul_pow10((int128_t)in->v.i64, scale, out);
}

static int64_t date_to_number(int32_t days) {
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    return (int64_t)y * 10000 + m * 100 + d;
}

static int64_t datetime_to_number(int64_t us) {
    int64_t secs = us / 1000000;
    if (us < 0 && us % 1000000) secs--;
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    return date_to_number((int32_t)days) * 1000000 + (rem / 3600) * 10000 + (rem / 60 % 60) * 100 + rem % 60;
}

bool datum_cast(const DataType *from, const Datum *in, const DataType *to, Datum *out, Arena *a, Error *err) {
    memset(out, 0, sizeof *out);
    if (in->is_null || from->id == TYPE_NULL) {
        out->is_null = true;
        return true;
    }
    TypeId f = from->id, t = to->id;
    /* to strings: the text form */
    if (type_is_string(t)) {
        if (type_is_string(f)) {
            out->v.str = in->v.str;
        } else {
            StrBuf sb = STRBUF_INIT;
            type_format_datum(from, in, &sb);
            out->v.str.len = (uint32_t)sb.len;
            out->v.str.ptr = arena_memdup(a, sb_str(&sb), sb.len + 1);
            sb_free(&sb);
        }
        return true;
    }
    /* from strings: parse the text */
    if (type_is_string(f)) {
        const char *s = in->v.str.ptr;
        size_t n = in->v.str.len;
        if (type_is_integer(t) && t != TYPE_BOOLEAN) {
            /* accept "12.7" and "1e3" for integers by going through DECIMAL/DOUBLE, as MySQL does */
            Error e2 = ERROR_INIT;
            if (!type_parse_datum(to, s, n, out, a, &e2)) return true;
            DataType dd = type_make(TYPE_DOUBLE);
            Datum dv;
            if (type_parse_datum(&dd, s, n, &dv, a, &e2)) return fail_value(from, in, to, err);
            return datum_cast(&dd, &dv, to, out, a, err);
        }
        if (t == TYPE_DECIMAL) {
            int128_t v;
            bool overflow;
            if (decimal_parse(s, n, to->precision, to->scale, &v, &overflow)) {
                out->v.i128 = v;
                return true;
            }
            return overflow ? fail_range(from, in, to, err) : fail_value(from, in, to, err);
        }
        Error e2 = ERROR_INIT;
        if (type_parse_datum(to, s, n, out, a, &e2)) return fail_value(from, in, to, err);
        return true;
    }
    switch (t) {
    case TYPE_BOOLEAN:
        if (f == TYPE_FLOAT || f == TYPE_DOUBLE) out->v.i64 = in->v.f64 != 0;
        else if (f == TYPE_DECIMAL || f == TYPE_LARGEINT) out->v.i64 = in->v.i128 != 0;
        else out->v.i64 = in->v.i64 != 0;
        return true;
    case TYPE_TINYINT:
    case TYPE_SMALLINT:
    case TYPE_INT:
    case TYPE_BIGINT:
    case TYPE_LARGEINT: {
        int128_t v;
        if (f == TYPE_DATE) v = date_to_number((int32_t)in->v.i64);
        else if (f == TYPE_DATETIME) v = datetime_to_number(in->v.i64);
        else if (!numeric_to_scaled(from, in, 0, &v)) return fail_range(from, in, to, err);
        if (!int_in_range(t, v)) return fail_range(from, in, to, err);
        if (t == TYPE_LARGEINT) out->v.i128 = v;
        else out->v.i64 = (int64_t)v;
        return true;
    }
    case TYPE_FLOAT:
    case TYPE_DOUBLE:
        if (f == TYPE_FLOAT || f == TYPE_DOUBLE) out->v.f64 = in->v.f64;
        else if (f == TYPE_DECIMAL) out->v.f64 = decimal_to_double(in->v.i128, from->scale);
        else if (f == TYPE_LARGEINT) out->v.f64 = (double)in->v.i128;
        else if (f == TYPE_DATE) out->v.f64 = (double)date_to_number((int32_t)in->v.i64);
        else if (f == TYPE_DATETIME) out->v.f64 = (double)datetime_to_number(in->v.i64);
        else out->v.f64 = (double)in->v.i64;
        if (t == TYPE_FLOAT) out->v.f64 = (float)out->v.f64;
        return true;
    case TYPE_DECIMAL: {
        int128_t v;
        Datum tmp = *in;
        DataType ft = *from;
        if (f == TYPE_DATE || f == TYPE_DATETIME) {
            tmp.v.i64 = f == TYPE_DATE ? date_to_number((int32_t)in->v.i64) : datetime_to_number(in->v.i64);
            ft = type_make(TYPE_BIGINT);
        }
        if (!numeric_to_scaled(&ft, &tmp, to->scale, &v) || !decimal_fits(v, to->precision))
            return fail_range(from, in, to, err);
        out->v.i128 = v;
        return true;
    }
    case TYPE_DATE:
        if (f == TYPE_DATETIME) {
            int64_t us = in->v.i64;
            int64_t days = us / 86400000000LL;
            if (us < 0 && us % 86400000000LL) days--;
            out->v.i64 = days;
            return true;
        }
        /* a number like 20240131 */
        {
            char buf[48];
            StrBuf sb = STRBUF_INIT;
            type_format_datum(from, in, &sb);
            snprintf(buf, sizeof buf, "%s", sb_str(&sb));
            sb_free(&sb);
            int32_t d;
            if (!date_parse(buf, strlen(buf), &d)) return fail_value(from, in, to, err);
            out->v.i64 = d;
            return true;
        }
    case TYPE_DATETIME:
        if (f == TYPE_DATE) {
            out->v.i64 = in->v.i64 * 86400000000LL;
            return true;
        }
        {
            char buf[48];
            StrBuf sb = STRBUF_INIT;
            type_format_datum(from, in, &sb);
            snprintf(buf, sizeof buf, "%s", sb_str(&sb));
            sb_free(&sb);
            int64_t us;
            if (!datetime_parse(buf, strlen(buf), &us)) return fail_value(from, in, to, err);
            out->v.i64 = us;
            return true;
        }
    default: break;
    }
    return fail_value(from, in, to, err);
}

/* ---------------------------------------------------------------- the cast kernel */

#define WIDEN_LOOP(SRC_T, DST_T)                                                                          \
    do {                                                                                                  \
        const SRC_T *s_ = src->data;                                                                      \
        DST_T *d_ = out->data;                                                                            \
        for (uint32_t i = 0; i < n; i++) d_[i] = (DST_T)s_[i];                                            \
    } while (0)

/* Fast paths for lossless conversions between fixed-width types; returns false when not applicable. */
static bool cast_fast(const ColumnVector *src, ColumnVector *out, uint32_t n) {
    TypeId f = src->type.id, t = out->type.id;
    if (t == TYPE_BIGINT) {
        switch (f) {
        case TYPE_BOOLEAN:
        case TYPE_TINYINT: WIDEN_LOOP(int8_t, int64_t); return true;
        case TYPE_SMALLINT: WIDEN_LOOP(int16_t, int64_t); return true;
        case TYPE_INT: WIDEN_LOOP(int32_t, int64_t); return true;
        default: return false;
        }
    }
    if (t == TYPE_INT) {
        switch (f) {
        case TYPE_BOOLEAN:
        case TYPE_TINYINT: WIDEN_LOOP(int8_t, int32_t); return true;
        case TYPE_SMALLINT: WIDEN_LOOP(int16_t, int32_t); return true;
        default: return false;
        }
    }
    if (t == TYPE_DOUBLE) {
        switch (f) {
        case TYPE_BOOLEAN:
        case TYPE_TINYINT: WIDEN_LOOP(int8_t, double); return true;
        case TYPE_SMALLINT: WIDEN_LOOP(int16_t, double); return true;
        case TYPE_INT: WIDEN_LOOP(int32_t, double); return true;
        case TYPE_BIGINT: WIDEN_LOOP(int64_t, double); return true;
        case TYPE_FLOAT: WIDEN_LOOP(float, double); return true;
        case TYPE_DECIMAL: {
            const int128_t *s = src->data;
            double *d = out->data;
            long double p = (long double)POW10_128[src->type.scale];
            for (uint32_t i = 0; i < n; i++) d[i] = (double)((long double)s[i] / p);
            return true;
        }
        default: return false;
        }
    }
    if (t == TYPE_LARGEINT) {
        switch (f) {
        case TYPE_TINYINT: WIDEN_LOOP(int8_t, int128_t); return true;
        case TYPE_SMALLINT: WIDEN_LOOP(int16_t, int128_t); return true;
        case TYPE_INT: WIDEN_LOOP(int32_t, int128_t); return true;
        case TYPE_BIGINT: WIDEN_LOOP(int64_t, int128_t); return true;
        default: return false;
        }
    }
    if (t == TYPE_DATETIME && f == TYPE_DATE) {
        const int32_t *s = src->data;
        int64_t *d = out->data;
        for (uint32_t i = 0; i < n; i++) d[i] = (int64_t)s[i] * 86400000000LL;
        return true;
    }
    if (t == TYPE_DECIMAL && (f == TYPE_DECIMAL || (type_is_integer(f) && f != TYPE_LARGEINT))) {
        int fs = f == TYPE_DECIMAL ? src->type.scale : 0;
        int fp = f == TYPE_DECIMAL ? src->type.precision : int_digits(f);
        /* only widening: the integer digits and the scale both grow, so nothing can overflow or round */
        if (out->type.scale < fs || out->type.precision - out->type.scale < fp - fs) return false;
        int128_t m = POW10_128[out->type.scale - fs];
        int128_t *d = out->data;
        switch (f) {
        case TYPE_DECIMAL: {
            const int128_t *s = src->data;
            for (uint32_t i = 0; i < n; i++) d[i] = s[i] * m;
            return true;
        }
        case TYPE_BOOLEAN:
        case TYPE_TINYINT: {
            const int8_t *s = src->data;
            for (uint32_t i = 0; i < n; i++) d[i] = (int128_t)s[i] * m;
            return true;
        }
        case TYPE_SMALLINT: {
            const int16_t *s = src->data;
            for (uint32_t i = 0; i < n; i++) d[i] = (int128_t)s[i] * m;
            return true;
        }
        case TYPE_INT: {
            const int32_t *s = src->data;
            for (uint32_t i = 0; i < n; i++) d[i] = (int128_t)s[i] * m;
            return true;
        }
        case TYPE_BIGINT: {
            const int64_t *s = src->data;
            for (uint32_t i = 0; i < n; i++) d[i] = (int128_t)s[i] * m;
            return true;
        }
        default: return false;
        }
    }
    if (type_is_string(t) && type_is_string(f)) {
        memcpy(out->data, src->data, sizeof(Slice) * n);
        return true;
    }
    return false;
}

/* CAST(x AS CHAR(n) / VARCHAR(n)) keeps at most n bytes (cut at a UTF-8 character boundary), as MySQL
 * truncates; so every value of a CHAR(n)/VARCHAR(n) expression fits its declared length. */
static void truncate_strings(ColumnVector *out, uint32_t n) {
    if ((out->type.id != TYPE_CHAR && out->type.id != TYPE_VARCHAR) || out->type.len <= 0) return;
    uint32_t max = (uint32_t)out->type.len;
    Slice *sl = out->data;
    for (uint32_t i = 0; i < n; i++) {
        if (sl[i].len <= max) continue;
        uint32_t k = max;
        while (k > 0 && ((unsigned char)sl[i].ptr[k] & 0xC0) == 0x80) k--;
        sl[i].len = k;
    }
}

static Status cast_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                          Error *err) {
    ColumnVector *src = args[0];
    if (src->type.id == TYPE_NULL) {
        colvec_ensure_nulls(out);
        memset(out->nulls, 1, n);
        return STATUS_OK;
    }
    bool strict_len = e->strict && (out->type.id == TYPE_CHAR || out->type.id == TYPE_VARCHAR);
    if (!strict_len && cast_fast(src, out, n)) {
        if (src->nulls) {
            colvec_ensure_nulls(out);
            memcpy(out->nulls, src->nulls, n);
        }
        truncate_strings(out, n);
        return STATUS_OK;
    }
    for (uint32_t i = 0; i < n; i++) {
        Datum d = vec_get_datum(src, i), r;
        if (!datum_cast(&src->type, &d, &out->type, &r, cx->arena, err)) {
            if (e->strict) return STATUS_ERROR;
            r.is_null = true;
        }
        if (strict_len && !r.is_null && out->type.len > 0 && r.v.str.len > (uint32_t)out->type.len)
            return err_set(err, ERR_DATA_TOO_LONG, "Value '%.*s' is too long for %s(%d) (%u bytes)",
                           (int)(r.v.str.len > 64 ? 64 : r.v.str.len), r.v.str.ptr, type_name(out->type.id),
                           out->type.len, r.v.str.len);
        vec_set_datum(out, i, &r);
    }
    if (!strict_len) truncate_strings(out, n);
    return STATUS_OK;
}

Status bexpr_cast(Arena *a, BExpr **e, DataType t, bool strict, Error *err) {
    BExpr *src = *e;
    if (type_equal(&src->type, &t) && !strict) return STATUS_OK;
    if (type_equal(&src->type, &t) && !(t.id == TYPE_CHAR || t.id == TYPE_VARCHAR)) return STATUS_OK;
    if (src->kind == BE_CONST && src->value.is_null) {
        BExpr *c = bexpr_const(a, t, src->value);
        c->text = src->text;
        *e = c;
        return STATUS_OK;
    }
    BExpr *c = bexpr_call(a, "cast", cast_kernel, t, &src, 1);
    c->strict = strict;
    c->text = src->text;
    *e = c;
    return bexpr_fold(a, e, err);
}
