/* Predicates and conditionals (IS NULL, LIKE, REGEXP, CASE, COALESCE, IF, IN), math functions, the
 * session functions clients send (DATABASE(), USER(), VERSION(), CONNECTION_ID(), ...) and the registry
 * that finds a function by name across the func_*.c tables. */
#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exec/functions.h"
#include "exec/inset.h"
#include "exec/numeric.h"
#include "server/version.h"
#include "sql/ast.h"
#include "util/str.h"

/* ---------------------------------------------------------------- IS NULL, IS TRUE */

static Status is_null_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                             Error *err) {
    int8_t *r = out->data;
    const ColumnVector *a = args[0];
    bool neg = e->negated;
    if (a->type.id == TYPE_NULL) {
        for (uint32_t i = 0; i < n; i++) r[i] = (int8_t)!neg;
    } else if (!a->nulls) {
        for (uint32_t i = 0; i < n; i++) r[i] = (int8_t)neg;
    } else {
        for (uint32_t i = 0; i < n; i++) r[i] = (int8_t)((a->nulls[i] != 0) != neg);
    }
    return STATUS_OK;
}

Status bind_is_null(Arena *a, BExpr *x, bool negated, BExpr **out, Error *err) {
    BExpr *e = bexpr_call(a, negated ? "IS NOT NULL" : "IS NULL", is_null_kernel, type_make(TYPE_BOOLEAN), &x, 1);
    e->negated = negated;
    *out = e;
    return bexpr_fold(a, out, err);
}

static Status is_bool_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                             Error *err) {
    int8_t *r = out->data;
    const ColumnVector *a = args[0];
    for (uint32_t i = 0; i < n; i++) {
        bool isnull = a->type.id == TYPE_NULL || colvec_is_null(a, i);
        bool match = !isnull && ((((const int8_t *)a->data)[i] != 0) == (e->op != 0));
        r[i] = (int8_t)(match != e->negated);
    }
    return STATUS_OK;
}

Status bind_is_bool(Arena *a, BExpr *x, bool value, bool negated, BExpr **out, Error *err) {
    if (bind_bool(a, &x, err)) return STATUS_ERROR;
    BExpr *e = bexpr_call(a, value ? "IS TRUE" : "IS FALSE", is_bool_kernel, type_make(TYPE_BOOLEAN), &x, 1);
    e->op = value;
    e->negated = negated;
    *out = e;
    return bexpr_fold(a, out, err);
}

/* ---------------------------------------------------------------- LIKE, REGEXP */

typedef enum LikeKind { LIKE_EXACT, LIKE_PREFIX, LIKE_SUFFIX, LIKE_CONTAINS, LIKE_GENERAL, LIKE_REGEX } LikeKind;

typedef struct LikePat {
    LikeKind kind;
    char *pat; /* the literal part for EXACT/PREFIX/SUFFIX/CONTAINS, else the whole pattern */
    size_t len;
    regex_t re;
} LikePat;

static bool has_wild(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] == '%' || p[i] == '_' || p[i] == '\\') return true;
    return false;
}

static LikePat *like_compile(Arena *a, const char *p, size_t n) {
    LikePat *lp = arena_calloc(a, sizeof *lp);
    lp->kind = LIKE_GENERAL;
    lp->pat = arena_memdup(a, p, n + 1);
    lp->len = n;
    if (!has_wild(p, n)) {
        lp->kind = LIKE_EXACT;
    } else if (n >= 1 && p[n - 1] == '%' && !has_wild(p, n - 1)) {
        lp->kind = LIKE_PREFIX;
        lp->len = n - 1;
    } else if (n >= 1 && p[0] == '%' && !has_wild(p + 1, n - 1)) {
        lp->kind = LIKE_SUFFIX;
        lp->pat++;
        lp->len = n - 1;
    } else if (n >= 2 && p[0] == '%' && p[n - 1] == '%' && !has_wild(p + 1, n - 2)) {
        lp->kind = LIKE_CONTAINS;
        lp->pat++;
        lp->len = n - 2;
    }
    return lp;
}

static bool like_match(const LikePat *lp, const char *s, size_t n) {
    switch (lp->kind) {
    case LIKE_EXACT: return n == lp->len && memcmp(s, lp->pat, n) == 0;
    case LIKE_PREFIX: return n >= lp->len && memcmp(s, lp->pat, lp->len) == 0;
    case LIKE_SUFFIX: return n >= lp->len && memcmp(s + n - lp->len, lp->pat, lp->len) == 0;
    case LIKE_CONTAINS: return lp->len == 0 || memmem(s, n, lp->pat, lp->len) != NULL;
    case LIKE_REGEX: {
        char buf[512];
        char *z = n < sizeof buf ? buf : malloc(n + 1);
        memcpy(z, s, n);
        z[n] = '\0';
        bool m = regexec(&lp->re, z, 0, NULL, 0) == 0;
        if (z != buf) free(z);
        return m;
    }
    default: return str_like(s, n, lp->pat, lp->len, false);
    }
}

/* Rewrites a pattern with a custom ESCAPE character into the backslash form str_like understands. */
static char *rewrite_escape(Arena *a, const char *p, size_t n, char esc, size_t *outn) {
    char *o = arena_alloc(a, n * 2 + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == esc && i + 1 < n) {
            o[k++] = '\\';
            o[k++] = p[++i];
        } else if (p[i] == '\\') {
            o[k++] = '\\';
            o[k++] = '\\';
        } else {
            o[k++] = p[i];
        }
    }
    o[k] = '\0';
    *outn = k;
    return o;
}

static Status like_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                          Error *err) {
    int8_t *r = out->data;
    const Slice *s = args[0]->data;
    vec_union_nulls(out, args, e->nargs);
    const LikePat *fixed = e->aux;
    LikePat batch_re;
    if (fixed && fixed->kind == LIKE_REGEX) {
        batch_re = *fixed;
        if (regcomp(&batch_re.re, fixed->pat, REG_EXTENDED | REG_NOSUB))
            return err_set(err, ERR_INVALID_ARGUMENT, "Invalid regular expression '%s'", fixed->pat);
        fixed = &batch_re;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        bool m;
        if (fixed) {
            m = like_match(fixed, s[i].ptr, s[i].len);
        } else {
            const Slice *p = args[1]->data;
            if (e->op) { /* REGEXP with a per-row pattern */
                char pb[512];
                size_t pl = p[i].len < sizeof pb - 1 ? p[i].len : sizeof pb - 1;
                memcpy(pb, p[i].ptr, pl);
                pb[pl] = '\0';
                LikePat lp = {.kind = LIKE_REGEX};
                if (regcomp(&lp.re, pb, REG_EXTENDED | REG_NOSUB))
                    return err_set(err, ERR_INVALID_ARGUMENT, "Invalid regular expression '%s'", pb);
                m = like_match(&lp, s[i].ptr, s[i].len);
                regfree(&lp.re);
            } else {
                m = str_like(s[i].ptr, s[i].len, p[i].ptr, p[i].len, false);
            }
        }
        r[i] = (int8_t)(m != e->negated);
    }
    if (fixed == &batch_re) regfree(&batch_re.re);
    return STATUS_OK;
}

Status bind_like(Arena *a, BExpr *x, BExpr *pattern, BExpr *esc, bool negated, bool regexp, BExpr **out,
                 Error *err) {
    DataType st = type_make(TYPE_STRING);
    if (bexpr_cast(a, &x, st, false, err) || bexpr_cast(a, &pattern, st, false, err)) return STATUS_ERROR;
    BExpr *args[2] = {x, pattern};
    BExpr *e = bexpr_call(a, regexp ? "REGEXP" : "LIKE", like_kernel, type_make(TYPE_BOOLEAN), args, 2);
    e->negated = negated;
    e->op = regexp;
    char escc = '\\';
    if (esc) {
        if (esc->kind != BE_CONST || !type_is_string(esc->type.id) || esc->value.v.str.len != 1)
            return err_set(err, ERR_INVALID_ARGUMENT, "ESCAPE must be a single-character string");
        escc = esc->value.v.str.ptr[0];
    }
    if (pattern->kind == BE_CONST && !pattern->value.is_null) {
        const char *p = pattern->value.v.str.ptr;
        size_t pn = pattern->value.v.str.len;
        if (regexp) {
            /* validate now; each batch compiles its own regex_t (regcomp state is malloc'd and per thread) */
            char *z = arena_strndup(a, p, pn);
            regex_t re;
            if (regcomp(&re, z, REG_EXTENDED | REG_NOSUB))
                return err_set(err, ERR_INVALID_ARGUMENT, "Invalid regular expression '%s'", z);
            regfree(&re);
            LikePat *lp = arena_calloc(a, sizeof *lp);
            lp->kind = LIKE_REGEX;
            lp->pat = z;
            lp->len = pn;
            e->aux = lp;
        } else {
            if (escc != '\\') p = rewrite_escape(a, p, pn, escc, &pn);
            e->aux = like_compile(a, p, pn);
        }
    } else if (escc != '\\') {
        return err_set(err, ERR_NOT_SUPPORTED, "ESCAPE needs a constant LIKE pattern");
    }
    *out = e;
    return bexpr_fold(a, out, err);
}

/* ---------------------------------------------------------------- CASE, COALESCE, IN */

Status bind_case(Arena *a, BExpr **whens, BExpr **thens, int n, BExpr *els, BExpr **out, Error *err) {
    DataType t = type_make(TYPE_NULL);
    for (int i = 0; i < n; i++) t = type_common(&t, &thens[i]->type);
    if (els) t = type_common(&t, &els->type);
    if (t.id == TYPE_NULL) t = type_make(TYPE_TINYINT);
    BExpr *e = arena_calloc(a, sizeof *e);
    e->kind = BE_CASE;
    e->type = t;
    e->name = "CASE";
    e->nargs = 2 * n + (els ? 1 : 0);
    e->args = arena_alloc(a, sizeof(BExpr *) * (size_t)e->nargs);
    e->has_else = els != NULL;
    for (int i = 0; i < n; i++) {
        if (bind_bool(a, &whens[i], err) || bexpr_cast(a, &thens[i], t, false, err)) return STATUS_ERROR;
        e->args[2 * i] = whens[i];
        e->args[2 * i + 1] = thens[i];
    }
    if (els) {
        if (bexpr_cast(a, &els, t, false, err)) return STATUS_ERROR;
        e->args[2 * n] = els;
    }
    *out = e;
    return bexpr_fold(a, out, err);
}

static Status coalesce_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                              Error *err) {
    size_t cs = type_cell_size(out->type.id);
    for (uint32_t i = 0; i < n; i++) {
        int k = 0;
        while (k < e->nargs && (args[k]->type.id == TYPE_NULL || colvec_is_null(args[k], i))) k++;
        if (k == e->nargs) {
            colvec_ensure_nulls(out);
            out->nulls[i] = 1;
        } else {
            memcpy((char *)out->data + i * cs, colvec_cell(args[k], i), cs);
        }
    }
    return STATUS_OK;
}

Status bind_coalesce(Arena *a, BExpr **args, int nargs, BExpr **out, Error *err) {
    DataType t = type_make(TYPE_NULL);
    for (int i = 0; i < nargs; i++) t = type_common(&t, &args[i]->type);
    if (t.id == TYPE_NULL) t = type_make(TYPE_TINYINT);
    for (int i = 0; i < nargs; i++)
        if (bexpr_cast(a, &args[i], t, false, err)) return STATUS_ERROR;
    *out = bexpr_call(a, "coalesce", coalesce_kernel, t, args, nargs);
    return bexpr_fold(a, out, err);
}

Status bind_in_list(Arena *a, BExpr *x, BExpr **vals, int n, bool negated, BExpr **out, Error *err) {
    DataType t = x->type;
    for (int i = 0; i < n; i++) t = type_common_compare(&t, &vals[i]->type);
    if (t.id == TYPE_NULL) t = type_make(TYPE_BIGINT);
    if (t.id == TYPE_DECIMAL) {
        for (int i = 0; i < n; i++) t = type_common(&t, &vals[i]->type);
        if (x->type.id == TYPE_DECIMAL) t = type_common(&t, &x->type);
    }
    bool all_const = true;
    for (int i = 0; i < n; i++) all_const &= vals[i]->kind == BE_CONST;
    if (!all_const) {
        /* x IN (a, b) with column values: an OR of comparisons */
        BExpr *acc = NULL;
        for (int i = 0; i < n; i++) {
            BExpr *c;
            if (bind_compare(a, OP_EQ, x, vals[i], &c, err)) return STATUS_ERROR;
            if (!acc) {
                acc = c;
            } else {
                BExpr *o = arena_calloc(a, sizeof *o);
                o->kind = BE_OR;
                o->type = type_make(TYPE_BOOLEAN);
                o->nargs = 2;
                o->args = arena_alloc(a, sizeof(BExpr *) * 2);
                o->args[0] = acc;
                o->args[1] = c;
                acc = o;
            }
        }
        if (negated) return bind_not(a, acc, out, err);
        *out = acc;
        return STATUS_OK;
    }
    if (bexpr_cast(a, &x, t, false, err)) return STATUS_ERROR;
    InSet *set = inset_new(a, t, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        BExpr *v = vals[i];
        if (bexpr_cast(a, &v, t, false, err)) return STATUS_ERROR;
        inset_add(set, a, &v->value);
    }
    BExpr *e = arena_calloc(a, sizeof *e);
    e->kind = BE_IN;
    e->type = type_make(TYPE_BOOLEAN);
    e->name = negated ? "NOT IN" : "IN";
    e->nargs = 1;
    e->args = arena_alloc(a, sizeof(BExpr *));
    e->args[0] = x;
    e->aux = set;
    e->negated = negated;
    *out = e;
    return bexpr_fold(a, out, err);
}

/* ---------------------------------------------------------------- control functions */

static Status f_coalesce(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_coalesce(fc->arena, args, nargs, out, err);
}

static Status f_if(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_case(fc->arena, &args[0], &args[1], 1, args[2], out, err);
}

static Status f_nullif(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    BExpr *eq;
    if (bind_compare(fc->arena, OP_EQ, args[0], args[1], &eq, err)) return STATUS_ERROR;
    BExpr *nul = bexpr_const(fc->arena, args[0]->type, (Datum){.is_null = true});
    return bind_case(fc->arena, &eq, &nul, 1, args[0], out, err);
}

static Status f_isnull(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_is_null(fc->arena, args[0], false, out, err);
}

/* ---------------------------------------------------------------- math */

typedef double (*MathFn)(double);

static Status math_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                          Error *err) {
    const double *a = args[0]->data;
    double *r = out->data;
    MathFn f = (MathFn)e->aux;
    vec_union_nulls(out, args, 1);
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        double v = f(a[i]);
        if (isnan(v) || isinf(v)) {
            colvec_ensure_nulls(out);
            out->nulls[i] = 1;
            v = 0;
        }
        r[i] = v;
    }
    return STATUS_OK;
}

static double d_ln(double x) {
    return x > 0 ? log(x) : NAN;
}
static double d_log10(double x) {
    return x > 0 ? log10(x) : NAN;
}
static double d_log2(double x) {
    return x > 0 ? log2(x) : NAN;
}
static double d_sqrt(double x) {
    return x >= 0 ? sqrt(x) : NAN;
}

static Status bind_math1(FuncCtx *fc, BExpr **args, MathFn f, BExpr **out, Error *err) {
    if (bexpr_cast(fc->arena, &args[0], type_make(TYPE_DOUBLE), false, err)) return STATUS_ERROR;
    BExpr *e = bexpr_call(fc->arena, fc->name, math_kernel, type_make(TYPE_DOUBLE), args, 1);
    e->aux = (void *)f;
    *out = e;
    return bexpr_fold(fc->arena, out, err);
}

static Status f_ln(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_math1(fc, args, d_ln, out, err);
}
static Status f_log10(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_math1(fc, args, d_log10, out, err);
}
static Status f_log2(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_math1(fc, args, d_log2, out, err);
}
static Status f_exp(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_math1(fc, args, exp, out, err);
}
static Status f_sqrt(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_math1(fc, args, d_sqrt, out, err);
}

static Status pow_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                         Error *err) {
    const double *a = args[0]->data, *b = args[1]->data;
    double *r = out->data;
    vec_union_nulls(out, args, 2);
    for (uint32_t i = 0; i < n; i++) r[i] = pow(a[i], b[i]);
    return STATUS_OK;
}

static Status f_pow(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    DataType d = type_make(TYPE_DOUBLE);
    if (bexpr_cast(fc->arena, &args[0], d, false, err) || bexpr_cast(fc->arena, &args[1], d, false, err))
        return STATUS_ERROR;
    *out = bexpr_call(fc->arena, "pow", pow_kernel, d, args, 2);
    return bexpr_fold(fc->arena, out, err);
}

static Status f_mod(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_arith(fc->arena, OP_MOD, args[0], args[1], out, err);
}

/* abs, sign, floor, ceil, round, truncate over the exact types where they stay exact */
enum { M_ABS, M_SIGN, M_FLOOR, M_CEIL, M_ROUND, M_TRUNCATE };

static int128_t dec_round_to(int128_t v, int scale, int digits, int mode) {
    /* keep `digits` fractional digits of a value with `scale` fractional digits */
    if (digits >= scale) return v;
    int128_t p = POW10_128[scale - digits];
    int128_t q = v / p, r = v % p;
    switch (mode) {
    case M_FLOOR: if (r < 0) q--; break;
    case M_CEIL: if (r > 0) q++; break;
    case M_ROUND:
        if (r * 2 >= p) q++;
        else if (r * 2 <= -p) q--;
        break;
    default: break;
    }
    return q * p;
}

static Status round_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                           Error *err) {
    int mode = e->op;
    int digits = e->nargs > 1 ? (int)((const int64_t *)args[1]->data)[0] : 0;
    vec_union_nulls(out, args, 1);
    TypeId t = args[0]->type.id;
    if (t == TYPE_DOUBLE) {
        const double *a = args[0]->data;
        double *r = out->data;
        double p = pow(10.0, digits);
        for (uint32_t i = 0; i < n; i++) {
            double v = a[i];
            switch (mode) {
            case M_ABS: r[i] = fabs(v); break;
            case M_SIGN: r[i] = v > 0 ? 1 : v < 0 ? -1 : 0; break;
            case M_FLOOR: r[i] = floor(v); break;
            case M_CEIL: r[i] = ceil(v); break;
            case M_ROUND: r[i] = digits ? round(v * p) / p : round(v); break;
            default: r[i] = trunc(v * p) / p;
            }
        }
        return STATUS_OK;
    }
    if (t == TYPE_DECIMAL) {
        const int128_t *a = args[0]->data;
        int s = args[0]->type.scale;
        for (uint32_t i = 0; i < n; i++) {
            int128_t v = a[i];
            Datum d = {.is_null = false};
            switch (mode) {
            case M_ABS: d.v.i128 = v < 0 ? -v : v; break;
            case M_SIGN: d.v.i64 = v > 0 ? 1 : v < 0 ? -1 : 0; break;
            default: {
                int dg = mode == M_FLOOR || mode == M_CEIL ? 0 : digits;
                if (dg < 0) dg = 0;
                int128_t rv = dec_round_to(v, s, dg, mode);
                /* the result type has scale min(s, dg) */
                d.v.i128 = rv / POW10_128[s - out->type.scale];
            }
            }
            if (out->type.id == TYPE_BIGINT) {
                if (mode != M_SIGN) d.v.i64 = (int64_t)d.v.i128;
            }
            if (!(out->nulls && out->nulls[i])) vec_set_datum(out, i, &d);
        }
        return STATUS_OK;
    }
    /* integers (BIGINT / LARGEINT) */
    if (t == TYPE_LARGEINT) {
        const int128_t *a = args[0]->data;
        int128_t *r = out->data;
        for (uint32_t i = 0; i < n; i++)
            r[i] = mode == M_ABS ? (a[i] < 0 ? -a[i] : a[i]) : mode == M_SIGN ? (a[i] > 0) - (a[i] < 0) : a[i];
        return STATUS_OK;
    }
    const int64_t *a = args[0]->data;
    int64_t *r = out->data;
    for (uint32_t i = 0; i < n; i++) {
        int64_t v = a[i];
        switch (mode) {
        case M_ABS:
            if (v == INT64_MIN && !(out->nulls && out->nulls[i]))
                return err_set(err, ERR_DATA_OUT_OF_RANGE, "BIGINT value is out of range in 'abs(%lld)'", (long long)v);
            r[i] = v < 0 ? -v : v;
            break;
        case M_SIGN: r[i] = (v > 0) - (v < 0); break;
        case M_ROUND:
        case M_TRUNCATE:
            if (digits < 0 && digits > -19) {
                int128_t p = POW10_128[-digits];
                int128_t q = v / p, rem = v % p;
                if (mode == M_ROUND) {
                    if (rem * 2 >= p) q++;
                    else if (rem * 2 <= -p) q--;
                }
                r[i] = (int64_t)(q * p);
            } else {
                r[i] = v;
            }
            break;
        default: r[i] = v;
        }
    }
    return STATUS_OK;
}

static Status bind_round_like(FuncCtx *fc, BExpr **args, int nargs, int mode, BExpr **out, Error *err) {
    Arena *a = fc->arena;
    if (type_is_string(args[0]->type.id) || args[0]->type.id == TYPE_FLOAT || type_is_temporal(args[0]->type.id)) {
        if (bexpr_cast(a, &args[0], type_make(TYPE_DOUBLE), false, err)) return STATUS_ERROR;
    } else if (type_is_integer(args[0]->type.id) || args[0]->type.id == TYPE_NULL) {
        if (bexpr_cast(a, &args[0], type_make(args[0]->type.id == TYPE_LARGEINT ? TYPE_LARGEINT : TYPE_BIGINT),
                       false, err))
            return STATUS_ERROR;
    }
    int digits = 0;
    if (nargs > 1) {
        if (args[1]->kind != BE_CONST || !type_is_integer(args[1]->type.id))
            return err_set(err, ERR_INVALID_ARGUMENT, "the second argument of %s must be an integer constant", fc->name);
        if (bexpr_cast(a, &args[1], type_make(TYPE_BIGINT), false, err)) return STATUS_ERROR;
        digits = (int)args[1]->value.v.i64;
        if (digits > 30) digits = 30;
    }
    DataType t = args[0]->type;
    if (t.id == TYPE_DECIMAL) {
        if (mode == M_SIGN) {
            t = type_make(TYPE_BIGINT);
        } else if (mode == M_FLOOR || mode == M_CEIL) {
            t = type_decimal(t.precision - t.scale + 1 > 38 ? 38 : t.precision - t.scale + 1, 0);
        } else if (mode == M_ROUND || mode == M_TRUNCATE) {
            int s = digits < 0 ? 0 : digits < t.scale ? digits : t.scale;
            int p = t.precision - t.scale + s + 1;
            t = type_decimal(p > 38 ? 38 : p, s);
        }
    }
    BExpr *e = bexpr_call(a, fc->name, round_kernel, t, args, nargs);
    e->op = mode;
    *out = e;
    return bexpr_fold(a, out, err);
}

static Status f_abs(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_round_like(fc, args, nargs, M_ABS, out, err);
}
static Status f_sign(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_round_like(fc, args, nargs, M_SIGN, out, err);
}
static Status f_floor(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_round_like(fc, args, nargs, M_FLOOR, out, err);
}
static Status f_ceil(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_round_like(fc, args, nargs, M_CEIL, out, err);
}
static Status f_round(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_round_like(fc, args, nargs, M_ROUND, out, err);
}
static Status f_truncate(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_round_like(fc, args, nargs, M_TRUNCATE, out, err);
}

static Status f_pi(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    *out = bexpr_const(fc->arena, type_make(TYPE_DOUBLE), (Datum){.v.f64 = M_PI});
    return STATUS_OK;
}

static Status greatest_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                              Error *err) {
    vec_union_nulls(out, args, e->nargs);
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        Datum best = vec_get_datum(args[0], i);
        for (int k = 1; k < e->nargs; k++) {
            Datum d = vec_get_datum(args[k], i);
            int c = type_compare_datum(&out->type, &d, &best);
            if (e->op ? c > 0 : c < 0) best = d;
        }
        vec_set_datum(out, i, &best);
    }
    return STATUS_OK;
}

static Status bind_greatest(FuncCtx *fc, BExpr **args, int nargs, bool greatest, BExpr **out, Error *err) {
    DataType t = type_make(TYPE_NULL);
    for (int i = 0; i < nargs; i++) t = type_common(&t, &args[i]->type);
    if (t.id == TYPE_NULL) t = type_make(TYPE_BIGINT);
    for (int i = 0; i < nargs; i++)
        if (bexpr_cast(fc->arena, &args[i], t, false, err)) return STATUS_ERROR;
    BExpr *e = bexpr_call(fc->arena, fc->name, greatest_kernel, t, args, nargs);
    e->op = greatest;
    *out = e;
    return bexpr_fold(fc->arena, out, err);
}

static Status f_greatest(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_greatest(fc, args, nargs, true, out, err);
}
static Status f_least(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_greatest(fc, args, nargs, false, out, err);
}

/* ---------------------------------------------------------------- session functions (constants) */

static BExpr *const_str(Arena *a, const char *s) {
    return bexpr_string(a, s, strlen(s));
}

static Status f_database(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    if (!fc->session || !fc->session->db[0]) {
        *out = bexpr_const(fc->arena, type_varchar(64), (Datum){.is_null = true});
        return STATUS_OK;
    }
    *out = const_str(fc->arena, fc->session->db);
    return STATUS_OK;
}

static Status f_user(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    if (!fc->session) {
        *out = const_str(fc->arena, "");
        return STATUS_OK;
    }
    *out = const_str(fc->arena, arena_sprintf(fc->arena, "%s@%s", fc->session->user,
                                             fc->session->client_host[0] ? fc->session->client_host : "%"));
    return STATUS_OK;
}

static Status f_current_user(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    *out = const_str(fc->arena,
                     arena_sprintf(fc->arena, "'%s'@'%%'", fc->session ? fc->session->user : ""));
    return STATUS_OK;
}

static Status f_version(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    *out = const_str(fc->arena, CAIRN_MYSQL_VERSION);
    return STATUS_OK;
}

static Status f_connection_id(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    *out = bexpr_int(fc->arena, fc->session ? (int64_t)fc->session->conn_id : 0);
    return STATUS_OK;
}

static Status f_last_insert_id(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    *out = bexpr_int(fc->arena, fc->session ? fc->session->last_insert_id : 0);
    return STATUS_OK;
}

static Status f_found_rows(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    *out = bexpr_int(fc->arena, fc->session ? (int64_t)fc->session->found_rows : 0);
    return STATUS_OK;
}

const FuncDef func_misc_defs[] = {
    {"coalesce", 1, -1, f_coalesce},
    {"ifnull", 2, 2, f_coalesce},
    {"nvl", 2, 2, f_coalesce},
    {"if", 3, 3, f_if},
    {"nullif", 2, 2, f_nullif},
    {"isnull", 1, 1, f_isnull},
    {"abs", 1, 1, f_abs},
    {"sign", 1, 1, f_sign},
    {"floor", 1, 1, f_floor},
    {"ceil", 1, 1, f_ceil},
    {"ceiling", 1, 1, f_ceil},
    {"round", 1, 2, f_round},
    {"truncate", 2, 2, f_truncate},
    {"mod", 2, 2, f_mod},
    {"pow", 2, 2, f_pow},
    {"power", 2, 2, f_pow},
    {"sqrt", 1, 1, f_sqrt},
    {"ln", 1, 1, f_ln},
    {"log", 1, 1, f_ln},
    {"log10", 1, 1, f_log10},
    {"log2", 1, 1, f_log2},
    {"exp", 1, 1, f_exp},
    {"pi", 0, 0, f_pi},
    {"greatest", 1, -1, f_greatest},
    {"least", 1, -1, f_least},
    {"database", 0, 0, f_database},
    {"schema", 0, 0, f_database},
    {"user", 0, 0, f_user},
    {"session_user", 0, 0, f_user},
    {"system_user", 0, 0, f_user},
    {"current_user", 0, 0, f_current_user},
    {"version", 0, 0, f_version},
    {"connection_id", 0, 0, f_connection_id},
    {"last_insert_id", 0, 0, f_last_insert_id},
    {"found_rows", 0, 0, f_found_rows},
    {NULL, 0, 0, NULL},
};

const FuncDef *func_find(const char *name) {
    const FuncDef *tables[] = {func_misc_defs, func_string_defs, func_date_defs};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const FuncDef *f = tables[t]; f->name; f++)
            if (!strcasecmp(f->name, name)) return f;
    return NULL;
}
