/* Aggregate functions: name lookup, argument and result types (agg.h), the final step of a two-phase avg,
 * and the key serialization that hash aggregation and hash joins compare. */
#include <string.h>
#include <strings.h>

#include "exec/agg.h"
#include "exec/numeric.h"
#include "exec/operator.h"

/* ---------------------------------------------------------------- binding */

static const struct {
    const char *name;
    AggFn fn;
} AGG_NAMES[] = {{"count", AGGF_COUNT}, {"sum", AGGF_SUM}, {"min", AGGF_MIN}, {"max", AGGF_MAX},
                 {"avg", AGGF_AVG},     {"any_value", AGGF_ANY}};

bool agg_lookup(const char *name, AggFn *out) {
    for (size_t i = 0; i < sizeof AGG_NAMES / sizeof AGG_NAMES[0]; i++) {
        if (!strcasecmp(AGG_NAMES[i].name, name)) {
            *out = AGG_NAMES[i].fn;
            return true;
        }
    }
    return false;
}

const char *agg_fn_name(AggFn fn) {
    switch (fn) {
    case AGGF_COUNT_STAR:
    case AGGF_COUNT: return "count";
    case AGGF_SUM: return "sum";
    case AGGF_MIN: return "min";
    case AGGF_MAX: return "max";
    case AGGF_AVG: return "avg";
    default: return "any_value";
    }
}

Status agg_bind(Arena *a, AggCall *c, Error *err) {
    if (c->fn == AGGF_COUNT_STAR || c->fn == AGGF_COUNT) {
        c->type = type_make(TYPE_BIGINT);
        return STATUS_OK;
    }
    TypeId t = c->arg->type.id;
    switch (c->fn) {
    case AGGF_SUM:
    case AGGF_AVG:
        if (t == TYPE_DECIMAL) {
            int s = c->arg->type.scale;
            c->type = c->fn == AGGF_SUM ? type_decimal(38, s) : type_decimal(38, s + 4 > 38 ? 38 : s + 4);
            return STATUS_OK;
        }
        if (type_is_integer(t) || t == TYPE_NULL) {
            DataType it = type_make(t == TYPE_LARGEINT ? TYPE_LARGEINT : TYPE_BIGINT);
            if (bexpr_cast(a, &c->arg, it, false, err)) return STATUS_ERROR;
            c->type = c->fn == AGGF_SUM ? it : type_make(TYPE_DOUBLE);
            if (c->fn == AGGF_AVG && t == TYPE_LARGEINT) {
                if (bexpr_cast(a, &c->arg, type_make(TYPE_DOUBLE), false, err)) return STATUS_ERROR;
            }
            return STATUS_OK;
        }
        if (type_is_temporal(t))
            return err_set(err, ERR_TYPE_MISMATCH, "%s() does not take a %s argument ('%s')", agg_fn_name(c->fn),
                           type_name(t), c->text ? c->text : "");
        if (bexpr_cast(a, &c->arg, type_make(TYPE_DOUBLE), false, err)) return STATUS_ERROR;
        c->type = type_make(TYPE_DOUBLE);
        return STATUS_OK;
    default:
        c->type = t == TYPE_NULL ? type_make(TYPE_TINYINT) : c->arg->type;
        if (t == TYPE_NULL && bexpr_cast(a, &c->arg, c->type, false, err)) return STATUS_ERROR;
        return STATUS_OK;
    }
}

static Status avg_final_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                               Error *err) {
    const ColumnVector *sv = args[0], *cv = args[1];
    const int64_t *cnt = cv->data;
    for (uint32_t i = 0; i < n; i++) {
        Datum d = {.is_null = false};
        if (sv->type.id == TYPE_NULL || colvec_is_null(sv, i) || colvec_is_null(cv, i) || cnt[i] == 0) {
            d.is_null = true;
        } else if (sv->type.id == TYPE_DOUBLE) {
            d.v.f64 = ((const double *)sv->data)[i] / (double)cnt[i];
        } else {
            int128_t sum = ((const int128_t *)sv->data)[i];
            if (out->type.id == TYPE_DOUBLE) {
                d.v.f64 = (double)((long double)sum / (long double)cnt[i]);
            } else {
                int128_t num;
                int k = out->type.scale - sv->type.scale;
                if (!i128_mul_pow10(sum, k, &num))
                    d.v.i128 = (int128_t)((long double)sum / cnt[i] * (long double)POW10_128[k]);
                else
                    d.v.i128 = i128_div_round(num, cnt[i]);
            }
        }
        vec_set_datum(out, i, &d);
    }
    return STATUS_OK;
}

BExpr *agg_avg_final(Arena *a, BExpr *sum, BExpr *count, DataType result) {
    BExpr *args[2] = {sum, count};
    BExpr *e = bexpr_call(a, "avg_final", avg_final_kernel, result, args, 2);
    return e;
}

/* Serializes the keys of every row, column by column: per column a null byte, then for fixed-width types the
 * cell (zeros when NULL, so equal keys have equal bytes) and for strings a 4-byte length and the bytes. */
void keys_serialize(ColumnVector **kv, int nk, uint32_t n, Arena *a, unsigned char ***rows, uint32_t **lens) {
    uint32_t *len = arena_alloc(a, sizeof(uint32_t) * (n ? n : 1));
    uint32_t fixed = 0;
    for (int k = 0; k < nk; k++)
        if (!type_is_string(kv[k]->type.id)) fixed += 1 + (kv[k]->type.id == TYPE_NULL ? 0 : (uint32_t)type_cell_size(kv[k]->type.id));
    for (uint32_t i = 0; i < n; i++) len[i] = fixed;
    for (int k = 0; k < nk; k++) {
        const ColumnVector *v = kv[k];
        if (!type_is_string(v->type.id)) continue;
        const Slice *sl = v->data;
        for (uint32_t i = 0; i < n; i++) len[i] += colvec_is_null(v, i) ? 1 : 5 + sl[i].len;
    }
    size_t total = 0;
    unsigned char **ptr = arena_alloc(a, sizeof(unsigned char *) * (n ? n : 1));
    for (uint32_t i = 0; i < n; i++) total += len[i];
    unsigned char *buf = arena_alloc(a, total ? total : 1), *p = buf;
    for (uint32_t i = 0; i < n; i++) {
        ptr[i] = p;
        p += len[i];
    }
    uint32_t *cur = arena_calloc(a, sizeof(uint32_t) * (n ? n : 1));
    for (int k = 0; k < nk; k++) {
        const ColumnVector *v = kv[k];
        const uint8_t *nl = v->nulls;
        if (v->type.id == TYPE_NULL) {
            for (uint32_t i = 0; i < n; i++) ptr[i][cur[i]++] = 1;
            continue;
        }
        if (type_is_string(v->type.id)) {
            const Slice *sl = v->data;
            for (uint32_t i = 0; i < n; i++) {
                unsigned char *q = ptr[i] + cur[i];
                if (nl && nl[i]) {
                    *q = 1;
                    cur[i] += 1;
                    continue;
                }
                *q++ = 0;
                memcpy(q, &sl[i].len, 4);
                if (sl[i].len) memcpy(q + 4, sl[i].ptr, sl[i].len);
                cur[i] += 5 + sl[i].len;
            }
            continue;
        }
        size_t cs = type_cell_size(v->type.id);
        const unsigned char *src = v->data;
        bool dbl = v->type.id == TYPE_DOUBLE;
        for (uint32_t i = 0; i < n; i++) {
            unsigned char *q = ptr[i] + cur[i];
            bool isnull = nl && nl[i];
            *q++ = isnull;
            if (isnull) {
                memset(q, 0, cs);
            } else if (cs == 8) {
                uint64_t x;
                memcpy(&x, src + i * 8, 8);
                if (dbl && ((const double *)src)[i] == 0) x = 0; /* -0.0 groups with 0.0 */
                memcpy(q, &x, 8);
            } else if (cs == 4) {
                memcpy(q, src + i * 4, 4);
            } else if (cs == 16) {
                memcpy(q, src + i * 16, 16);
            } else {
                memcpy(q, src + i * cs, cs);
            }
            cur[i] += 1 + (uint32_t)cs;
        }
    }
    *rows = ptr;
    *lens = len;
}

