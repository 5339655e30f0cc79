/* Arithmetic and comparison: the result-type rules (which casts the binder inserts) and the typed kernels.
 * Integers compute in BIGINT (LARGEINT when one side is LARGEINT) and overflow is an error, as in MySQL;
 * DECIMAL computes exactly on scaled int128 (+ - keep the larger scale, * adds scales, / adds 4 digits of
 * scale as MySQL's div_precision_increment); integer / integer is DOUBLE as in StarRocks; x / 0 is NULL. */
#include <math.h>
#include <string.h>

#include "exec/expr.h"
#include "exec/functions.h"
#include "exec/numeric.h"
#include "sql/ast.h"

static const char *op_symbol(int op) {
    switch (op) {
    case OP_ADD: return "+";
    case OP_SUB: return "-";
    case OP_MUL: return "*";
    case OP_DIV: return "/";
    case OP_INTDIV: return "DIV";
    case OP_MOD: return "%";
    case OP_EQ: return "=";
    case OP_NE: return "!=";
    case OP_LT: return "<";
    case OP_LE: return "<=";
    case OP_GT: return ">";
    case OP_GE: return ">=";
    case OP_NULL_SAFE_EQ: return "<=>";
    case OP_BITAND: return "&";
    case OP_BITOR: return "|";
    case OP_BITXOR: return "^";
    case OP_SHL: return "<<";
    case OP_SHR: return ">>";
    case OP_NEG: return "-";
    default: return "?";
    }
}

/* ---------------------------------------------------------------- comparison kernels */

#define CMP_LOOPS(T, A, B, R)                                                                             \
    switch (e->op) {                                                                                      \
    case OP_EQ: for (uint32_t i = 0; i < n; i++) R[i] = (int8_t)(A[i] == B[i]); break;                   \
    case OP_NE: for (uint32_t i = 0; i < n; i++) R[i] = (int8_t)(A[i] != B[i]); break;                   \
    case OP_LT: for (uint32_t i = 0; i < n; i++) R[i] = (int8_t)(A[i] < B[i]); break;                    \
    case OP_LE: for (uint32_t i = 0; i < n; i++) R[i] = (int8_t)(A[i] <= B[i]); break;                   \
    case OP_GT: for (uint32_t i = 0; i < n; i++) R[i] = (int8_t)(A[i] > B[i]); break;                    \
    case OP_GE: for (uint32_t i = 0; i < n; i++) R[i] = (int8_t)(A[i] >= B[i]); break;                   \
    default: return err_set(err, ERR_INTERNAL, "bad comparison operator %d", e->op);                     \
    }

#define CMP_KERNEL(NAME, T)                                                                               \
    static Status NAME(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,   \
                       Error *err) {                                                                      \
        const T *a = args[0]->data, *b = args[1]->data;                                                   \
        int8_t *r = out->data;                                                                            \
        CMP_LOOPS(T, a, b, r)                                                                             \
        vec_union_nulls(out, args, 2);                                                                    \
        return STATUS_OK;                                                                                 \
    }

CMP_KERNEL(cmp_i8, int8_t)
CMP_KERNEL(cmp_i16, int16_t)
CMP_KERNEL(cmp_i32, int32_t)
CMP_KERNEL(cmp_i64, int64_t)
CMP_KERNEL(cmp_i128, int128_t)
CMP_KERNEL(cmp_f32, float)
CMP_KERNEL(cmp_f64, double)

static inline int slice_cmp(Slice a, Slice b) {
    uint32_t m = a.len < b.len ? a.len : b.len;
    int c = m ? memcmp(a.ptr, b.ptr, m) : 0;
    if (c) return c;
    return a.len < b.len ? -1 : a.len > b.len;
}

static Status cmp_str(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out, Error *err) {
    const Slice *a = args[0]->data, *b = args[1]->data;
    int8_t *r = out->data;
    switch (e->op) {
    case OP_EQ:
        for (uint32_t i = 0; i < n; i++)
            r[i] = (int8_t)(a[i].len == b[i].len && (a[i].len == 0 || memcmp(a[i].ptr, b[i].ptr, a[i].len) == 0));
        break;
    case OP_NE:
        for (uint32_t i = 0; i < n; i++)
            r[i] = (int8_t)!(a[i].len == b[i].len && (a[i].len == 0 || memcmp(a[i].ptr, b[i].ptr, a[i].len) == 0));
        break;
    case OP_LT: for (uint32_t i = 0; i < n; i++) r[i] = (int8_t)(slice_cmp(a[i], b[i]) < 0); break;
    case OP_LE: for (uint32_t i = 0; i < n; i++) r[i] = (int8_t)(slice_cmp(a[i], b[i]) <= 0); break;
    case OP_GT: for (uint32_t i = 0; i < n; i++) r[i] = (int8_t)(slice_cmp(a[i], b[i]) > 0); break;
    case OP_GE: for (uint32_t i = 0; i < n; i++) r[i] = (int8_t)(slice_cmp(a[i], b[i]) >= 0); break;
    default: return err_set(err, ERR_INTERNAL, "bad comparison operator %d", e->op);
    }
    vec_union_nulls(out, args, 2);
    return STATUS_OK;
}

static Status cmp_null_safe(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                            Error *err) {
    int8_t *r = out->data;
    const DataType *t = &args[0]->type;
    for (uint32_t i = 0; i < n; i++) {
        Datum a = vec_get_datum(args[0], i), b = vec_get_datum(args[1], i);
        if (a.is_null || b.is_null) r[i] = (int8_t)(a.is_null && b.is_null);
        else r[i] = (int8_t)(type_compare_datum(t, &a, &b) == 0);
    }
    return STATUS_OK;
}

static KernelFn cmp_kernel_for(TypeId id) {
    switch (id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: return cmp_i8;
    case TYPE_SMALLINT: return cmp_i16;
    case TYPE_INT:
    case TYPE_DATE: return cmp_i32;
    case TYPE_BIGINT:
    case TYPE_DATETIME: return cmp_i64;
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: return cmp_i128;
    case TYPE_FLOAT: return cmp_f32;
    case TYPE_DOUBLE: return cmp_f64;
    default: return cmp_str;
    }
}

/* If `c` is a constant that converts to t without loss, casts it (so `int_col = 5` compares as INT). */
static bool try_cast_const(Arena *a, BExpr **c, const DataType *t) {
    BExpr *e = *c;
    if (e->kind != BE_CONST || e->value.is_null) return false;
    if (type_is_string(t->id) && !type_is_string(e->type.id)) return false;
    Datum out, back;
    Error tmp = ERROR_INIT;
    if (!datum_cast(&e->type, &e->value, t, &out, a, &tmp)) return false;
    /* lossless: converting back gives the same value */
    if (type_is_string(e->type.id)) {
        if (!type_is_temporal(t->id) && !type_is_numeric(t->id)) return false;
        if (type_is_numeric(t->id) && t->id != TYPE_DECIMAL && !type_is_integer(t->id)) return false;
        if (type_is_numeric(t->id)) {
            if (!datum_cast(t, &out, &e->type, &back, a, &tmp)) return false;
            if (back.v.str.len != e->value.v.str.len || memcmp(back.v.str.ptr, e->value.v.str.ptr, back.v.str.len))
                return false;
        }
    } else {
        if (!datum_cast(t, &out, &e->type, &back, a, &tmp)) return false;
        if (type_compare_datum(&e->type, &back, &e->value) != 0) return false;
    }
    BExpr *n = bexpr_const(a, *t, out);
    n->text = e->text;
    *c = n;
    return true;
}

static bool same_compare_class(const DataType *a, const DataType *b) {
    if (type_is_string(a->id) && type_is_string(b->id)) return true;
    return a->id == b->id && a->id != TYPE_NULL;
}

Status bind_compare(Arena *a, int op, BExpr *l, BExpr *r, BExpr **out, Error *err) {
    if (!same_compare_class(&l->type, &r->type)) {
        bool done = l->kind == BE_CONST && try_cast_const(a, &l, &r->type);
        if (!done && r->kind == BE_CONST) done = try_cast_const(a, &r, &l->type);
        if (!done) {
            DataType t = type_common_compare(&l->type, &r->type);
            if (t.id == TYPE_NULL) t = type_make(TYPE_BIGINT);
            if (bexpr_cast(a, &l, t, false, err) || bexpr_cast(a, &r, t, false, err)) return STATUS_ERROR;
        }
    }
    /* DECIMALs compare exactly at the larger scale */
    if (l->type.id == TYPE_DECIMAL && r->type.id == TYPE_DECIMAL && l->type.scale != r->type.scale) {
        DataType c = type_common(&l->type, &r->type);
        if (bexpr_cast(a, &l, c, false, err) || bexpr_cast(a, &r, c, false, err)) return STATUS_ERROR;
    }
    BExpr *args[2] = {l, r};
    KernelFn fn = op == OP_NULL_SAFE_EQ ? cmp_null_safe : cmp_kernel_for(l->type.id);
    BExpr *e = bexpr_call(a, op_symbol(op), fn, type_make(TYPE_BOOLEAN), args, 2);
    e->op = op;
    *out = e;
    return bexpr_fold(a, out, err);
}

/* ---------------------------------------------------------------- arithmetic kernels */

static Status overflow_error(const BExpr *e, Error *err) {
    return err_set(err, ERR_DATA_OUT_OF_RANGE, "%s value is out of range in '%s'",
                   e->type.id == TYPE_DECIMAL ? "DECIMAL" : type_name(e->type.id),
                   e->text ? e->text : op_symbol(e->op));
}

static uint8_t *out_nulls(ColumnVector *out, ColumnVector **args, int nargs) {
    vec_union_nulls(out, args, nargs);
    return out->nulls;
}

static Status arith_i64(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                        Error *err) {
    const int64_t *a = args[0]->data, *b = args[1]->data;
    int64_t *r = out->data;
    uint8_t *nl = out_nulls(out, args, 2);
    bool ovf = false;
    switch (e->op) {
    case OP_ADD:
        for (uint32_t i = 0; i < n; i++) ovf |= __builtin_add_overflow(a[i], b[i], &r[i]) && !(nl && nl[i]);
        break;
    case OP_SUB:
        for (uint32_t i = 0; i < n; i++) ovf |= __builtin_sub_overflow(a[i], b[i], &r[i]) && !(nl && nl[i]);
        break;
    case OP_MUL:
        for (uint32_t i = 0; i < n; i++) ovf |= __builtin_mul_overflow(a[i], b[i], &r[i]) && !(nl && nl[i]);
        break;
    case OP_INTDIV:
    case OP_MOD:
        for (uint32_t i = 0; i < n; i++) {
            if (nl && nl[i]) continue;
            if (b[i] == 0) {
                colvec_ensure_nulls(out);
                nl = out->nulls;
                nl[i] = 1;
                continue;
            }
            if (b[i] == -1) r[i] = e->op == OP_MOD ? 0 : -a[i];
            else r[i] = e->op == OP_MOD ? a[i] % b[i] : a[i] / b[i];
            if (b[i] == -1 && e->op == OP_INTDIV && a[i] == INT64_MIN) ovf = true;
        }
        break;
    case OP_BITAND: for (uint32_t i = 0; i < n; i++) r[i] = a[i] & b[i]; break;
    case OP_BITOR: for (uint32_t i = 0; i < n; i++) r[i] = a[i] | b[i]; break;
    case OP_BITXOR: for (uint32_t i = 0; i < n; i++) r[i] = a[i] ^ b[i]; break;
    case OP_SHL:
        for (uint32_t i = 0; i < n; i++) r[i] = b[i] >= 64 || b[i] < 0 ? 0 : (int64_t)((uint64_t)a[i] << b[i]);
        break;
    case OP_SHR:
        for (uint32_t i = 0; i < n; i++) r[i] = b[i] >= 64 || b[i] < 0 ? 0 : (int64_t)((uint64_t)a[i] >> b[i]);
        break;
    default: return err_set(err, ERR_INTERNAL, "bad integer operator %d", e->op);
    }
    if (ovf) return overflow_error(e, err);
    return STATUS_OK;
}

static Status arith_i128(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                         Error *err) {
    const int128_t *a = args[0]->data, *b = args[1]->data;
    int128_t *r = out->data;
    uint8_t *nl = out_nulls(out, args, 2);
    bool ovf = false;
    for (uint32_t i = 0; i < n; i++) {
        if (nl && nl[i]) continue;
        switch (e->op) {
        case OP_ADD: ovf |= __builtin_add_overflow(a[i], b[i], &r[i]); break;
        case OP_SUB: ovf |= __builtin_sub_overflow(a[i], b[i], &r[i]); break;
        case OP_MUL: ovf |= __builtin_mul_overflow(a[i], b[i], &r[i]); break;
        default:
            if (b[i] == 0) {
                colvec_ensure_nulls(out);
                nl = out->nulls;
                nl[i] = 1;
            } else if (b[i] == -1) {
                r[i] = e->op == OP_MOD ? 0 : -a[i];
            } else {
                r[i] = e->op == OP_MOD ? a[i] % b[i] : a[i] / b[i];
            }
        }
    }
    if (ovf) return overflow_error(e, err);
    return STATUS_OK;
}

static Status arith_f64(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                        Error *err) {
    const double *a = args[0]->data, *b = args[1]->data;
    double *r = out->data;
    uint8_t *nl = out_nulls(out, args, 2);
    switch (e->op) {
    case OP_ADD: for (uint32_t i = 0; i < n; i++) r[i] = a[i] + b[i]; break;
    case OP_SUB: for (uint32_t i = 0; i < n; i++) r[i] = a[i] - b[i]; break;
    case OP_MUL: for (uint32_t i = 0; i < n; i++) r[i] = a[i] * b[i]; break;
    case OP_DIV:
    case OP_MOD:
        for (uint32_t i = 0; i < n; i++) {
            if (b[i] == 0) {
                colvec_ensure_nulls(out);
                nl = out->nulls;
                nl[i] = 1;
                r[i] = 0;
                continue;
            }
            r[i] = e->op == OP_DIV ? a[i] / b[i] : fmod(a[i], b[i]);
        }
        break;
    default: return err_set(err, ERR_INTERNAL, "bad double operator %d", e->op);
    }
    (void)nl;
    return STATUS_OK;
}

/* DECIMAL: + - % expect both sides at the result scale; * takes any scales; / uses e->aux-free scale math. */
static Status arith_dec(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                        Error *err) {
    const int128_t *a = args[0]->data, *b = args[1]->data;
    int128_t *r = out->data;
    uint8_t *nl = out_nulls(out, args, 2);
    int p = out->type.precision, rs = out->type.scale;
    int sa = args[0]->type.scale, sb = args[1]->type.scale;
    bool ovf = false;
    for (uint32_t i = 0; i < n; i++) {
        if (nl && nl[i]) continue;
        switch (e->op) {
        case OP_ADD: ovf |= __builtin_add_overflow(a[i], b[i], &r[i]); break;
        case OP_SUB: ovf |= __builtin_sub_overflow(a[i], b[i], &r[i]); break;
        case OP_MUL: ovf |= __builtin_mul_overflow(a[i], b[i], &r[i]); break;
        case OP_MOD:
            if (b[i] == 0) {
                colvec_ensure_nulls(out);
                nl = out->nulls;
                nl[i] = 1;
            } else {
                r[i] = a[i] % b[i];
            }
            break;
        case OP_DIV: {
            if (b[i] == 0) {
                colvec_ensure_nulls(out);
                nl = out->nulls;
                nl[i] = 1;
                break;
            }
            /* a/10^sa / (b/10^sb) at scale rs = a * 10^(rs - sa + sb) / b */
            int128_t num;
            if (!i128_mul_pow10(a[i], rs - sa + sb, &num)) {
                ovf = true;
                break;
            }
            r[i] = i128_div_round(num, b[i]);
            break;
        }
        default: return err_set(err, ERR_INTERNAL, "bad decimal operator %d", e->op);
        }
        if (!ovf && !(nl && nl[i]) && !decimal_fits(r[i], p)) ovf = true;
    }
    if (ovf) return overflow_error(e, err);
    return STATUS_OK;
}

/* DECIMAL DIV: the truncated integer quotient as BIGINT. */
static Status intdiv_dec(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                         Error *err) {
    const int128_t *a = args[0]->data, *b = args[1]->data;
    int64_t *r = out->data;
    uint8_t *nl = out_nulls(out, args, 2);
    for (uint32_t i = 0; i < n; i++) {
        if (nl && nl[i]) continue;
        if (b[i] == 0) {
            colvec_ensure_nulls(out);
            nl = out->nulls;
            nl[i] = 1;
            continue;
        }
        int128_t q = a[i] / b[i];
        if (q > INT64_MAX || q < INT64_MIN) return overflow_error(e, err);
        r[i] = (int64_t)q;
    }
    return STATUS_OK;
}

static Status intdiv_f64(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                         Error *err) {
    const double *a = args[0]->data, *b = args[1]->data;
    int64_t *r = out->data;
    uint8_t *nl = out_nulls(out, args, 2);
    for (uint32_t i = 0; i < n; i++) {
        if (nl && nl[i]) continue;
        if (b[i] == 0) {
            colvec_ensure_nulls(out);
            nl = out->nulls;
            nl[i] = 1;
            continue;
        }
        double q = trunc(a[i] / b[i]);
        if (!(q >= -9.2233720368547758e18 && q < 9.2233720368547758e18)) return overflow_error(e, err);
        r[i] = (int64_t)q;
    }
    return STATUS_OK;
}

static DataType dec_of(const DataType *t) {
    if (t->id == TYPE_DECIMAL) return *t;
    switch (t->id) {
    case TYPE_BOOLEAN: return type_decimal(1, 0);
    case TYPE_TINYINT: return type_decimal(3, 0);
    case TYPE_SMALLINT: return type_decimal(5, 0);
    case TYPE_INT: return type_decimal(10, 0);
    case TYPE_BIGINT: return type_decimal(19, 0);
    default: return type_decimal(38, 0);
    }
}

static int imin(int a, int b) {
    return a < b ? a : b;
}
static int imax(int a, int b) {
    return a > b ? a : b;
}

Status bind_arith(Arena *a, int op, BExpr *l, BExpr *r, BExpr **out, Error *err) {
    /* dates take part in arithmetic only through INTERVAL (bind_date_add) or date functions */
    if (type_is_temporal(l->type.id) || type_is_temporal(r->type.id))
        return err_set(err, ERR_TYPE_MISMATCH,
                       "Illegal types for operator '%s': %s and %s; use date_add()/date_sub() with INTERVAL or "
                       "datediff() for date arithmetic",
                       op_symbol(op), type_name(l->type.id), type_name(r->type.id));
    /* strings take part as numbers (DOUBLE), as in MySQL */
    BExpr **sides[2] = {&l, &r};
    for (int k = 0; k < 2; k++) {
        BExpr **s = sides[k];
        if (type_is_string((*s)->type.id)) {
            if (bexpr_cast(a, s, type_make(TYPE_DOUBLE), false, err)) return STATUS_ERROR;
        } else if ((*s)->type.id == TYPE_NULL) {
            if (bexpr_cast(a, s, type_make(TYPE_BIGINT), false, err)) return STATUS_ERROR;
        }
    }
    TypeId lt = l->type.id, rt = r->type.id;
    bool is_double = lt == TYPE_DOUBLE || lt == TYPE_FLOAT || rt == TYPE_DOUBLE || rt == TYPE_FLOAT;
    bool is_dec = !is_double && (lt == TYPE_DECIMAL || rt == TYPE_DECIMAL);
    bool is_large = !is_double && !is_dec && (lt == TYPE_LARGEINT || rt == TYPE_LARGEINT);
    BExpr *args[2];
    BExpr *e;
    bool bitop = op == OP_BITAND || op == OP_BITOR || op == OP_BITXOR || op == OP_SHL || op == OP_SHR;
    if (bitop) {
        DataType bt = type_make(TYPE_BIGINT);
        if (bexpr_cast(a, &l, bt, false, err) || bexpr_cast(a, &r, bt, false, err)) return STATUS_ERROR;
        args[0] = l;
        args[1] = r;
        e = bexpr_call(a, op_symbol(op), arith_i64, bt, args, 2);
    } else if (op == OP_DIV && !is_dec) {
        /* integer / integer is DOUBLE (StarRocks) */
        DataType dt = type_make(TYPE_DOUBLE);
        if (bexpr_cast(a, &l, dt, false, err) || bexpr_cast(a, &r, dt, false, err)) return STATUS_ERROR;
        args[0] = l;
        args[1] = r;
        e = bexpr_call(a, "/", arith_f64, dt, args, 2);
    } else if (is_double) {
        DataType dt = type_make(TYPE_DOUBLE);
        if (bexpr_cast(a, &l, dt, false, err) || bexpr_cast(a, &r, dt, false, err)) return STATUS_ERROR;
        args[0] = l;
        args[1] = r;
        if (op == OP_INTDIV) e = bexpr_call(a, "DIV", intdiv_f64, type_make(TYPE_BIGINT), args, 2);
        else e = bexpr_call(a, op_symbol(op), arith_f64, dt, args, 2);
    } else if (is_dec) {
        DataType dl = dec_of(&l->type), dr = dec_of(&r->type);
        if (bexpr_cast(a, &l, dl, false, err) || bexpr_cast(a, &r, dr, false, err)) return STATUS_ERROR;
        DataType rt2;
        switch (op) {
        case OP_ADD:
        case OP_SUB:
        case OP_MOD: {
            int s = imax(dl.scale, dr.scale);
            int ip = imax(dl.precision - dl.scale, dr.precision - dr.scale) + (op == OP_MOD ? 0 : 1);
            rt2 = type_decimal(imin(ip + s, 38), s);
            DataType cs = type_decimal(imin(imax(dl.precision - dl.scale, dr.precision - dr.scale) + s, 38), s);
            if (bexpr_cast(a, &l, cs, false, err) || bexpr_cast(a, &r, cs, false, err)) return STATUS_ERROR;
            break;
        }
        case OP_MUL:
            if (dl.scale + dr.scale > 38)
                return err_set(err, ERR_NOT_SUPPORTED, "the product of DECIMAL scales %d and %d exceeds 38",
                               dl.scale, dr.scale);
            rt2 = type_decimal(imin(dl.precision + dr.precision, 38), dl.scale + dr.scale);
            break;
        case OP_DIV: {
            int s = imin(dl.scale + 4, 38);
            rt2 = type_decimal(38, s);
            break;
        }
        case OP_INTDIV: {
            DataType cs = type_common(&dl, &dr);
            if (bexpr_cast(a, &l, cs, false, err) || bexpr_cast(a, &r, cs, false, err)) return STATUS_ERROR;
            args[0] = l;
            args[1] = r;
            e = bexpr_call(a, "DIV", intdiv_dec, type_make(TYPE_BIGINT), args, 2);
            e->op = op;
            *out = e;
            return bexpr_fold(a, out, err);
        }
        default: return err_set(err, ERR_INTERNAL, "bad arithmetic operator %d", op);
        }
        args[0] = l;
        args[1] = r;
        e = bexpr_call(a, op_symbol(op), arith_dec, rt2, args, 2);
    } else {
        DataType it = type_make(is_large ? TYPE_LARGEINT : TYPE_BIGINT);
        if (bexpr_cast(a, &l, it, false, err) || bexpr_cast(a, &r, it, false, err)) return STATUS_ERROR;
        args[0] = l;
        args[1] = r;
        e = bexpr_call(a, op_symbol(op), is_large ? arith_i128 : arith_i64, it, args, 2);
    }
    e->op = op;
    *out = e;
    return bexpr_fold(a, out, err);
}

/* ---------------------------------------------------------------- unary minus, NOT */

static Status neg_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                         Error *err) {
    uint8_t *nl = out_nulls(out, args, 1);
    switch (out->type.id) {
    case TYPE_BIGINT: {
        const int64_t *a = args[0]->data;
        int64_t *r = out->data;
        for (uint32_t i = 0; i < n; i++) {
            if (a[i] == INT64_MIN && !(nl && nl[i])) return overflow_error(e, err);
            r[i] = a[i] == INT64_MIN ? 0 : -a[i];
        }
        return STATUS_OK;
    }
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: {
        const int128_t *a = args[0]->data;
        int128_t *r = out->data;
        for (uint32_t i = 0; i < n; i++) r[i] = -a[i];
        return STATUS_OK;
    }
    default: {
        const double *a = args[0]->data;
        double *r = out->data;
        for (uint32_t i = 0; i < n; i++) r[i] = -a[i];
        return STATUS_OK;
    }
    }
}

Status bind_negate(Arena *a, BExpr *x, BExpr **out, Error *err) {
    DataType t = x->type;
    if (type_is_integer(t.id) || t.id == TYPE_NULL) t = type_make(t.id == TYPE_LARGEINT ? TYPE_LARGEINT : TYPE_BIGINT);
    else if (t.id != TYPE_DECIMAL) t = type_make(TYPE_DOUBLE);
    if (bexpr_cast(a, &x, t, false, err)) return STATUS_ERROR;
    *out = bexpr_call(a, "-", neg_kernel, t, &x, 1);
    (*out)->op = OP_NEG;
    return bexpr_fold(a, out, err);
}

static Status not_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                         Error *err) {
    const int8_t *a = args[0]->data;
    int8_t *r = out->data;
    for (uint32_t i = 0; i < n; i++) r[i] = (int8_t)(a[i] == 0);
    vec_union_nulls(out, args, 1);
    return STATUS_OK;
}

Status bind_bool(Arena *a, BExpr **x, Error *err) {
    if ((*x)->type.id == TYPE_BOOLEAN) return STATUS_OK;
    if ((*x)->type.id == TYPE_NULL) {
        *x = bexpr_const(a, type_make(TYPE_BOOLEAN), (*x)->value);
        (*x)->value.is_null = true;
        return STATUS_OK;
    }
    /* MySQL truth: a number is true when non-zero; a string is converted to a number first */
    if (type_is_string((*x)->type.id) && bexpr_cast(a, x, type_make(TYPE_DOUBLE), false, err)) return STATUS_ERROR;
    return bexpr_cast(a, x, type_make(TYPE_BOOLEAN), false, err);
}

Status bind_not(Arena *a, BExpr *x, BExpr **out, Error *err) {
    if (bind_bool(a, &x, err)) return STATUS_ERROR;
    *out = bexpr_call(a, "NOT", not_kernel, type_make(TYPE_BOOLEAN), &x, 1);
    return bexpr_fold(a, out, err);
}
