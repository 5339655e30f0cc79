/* String functions: concat, substr, lower/upper, length, trim, replace, pads and friends. Strings are UTF-8;
 * functions counting characters (char_length, substr, left, right, lpad) count code points, length() counts
 * bytes, as in StarRocks and MySQL. Results are allocated in the batch arena. */
#include <ctype.h>
#include <string.h>

#include "exec/functions.h"

static Status cast_all_str(Arena *a, BExpr **args, int nargs, Error *err) {
    for (int i = 0; i < nargs; i++)
        if (bexpr_cast(a, &args[i], type_make(TYPE_STRING), false, err)) return STATUS_ERROR;
    return STATUS_OK;
}

static Status cast_int(Arena *a, BExpr **x, Error *err) {
    return bexpr_cast(a, x, type_make(TYPE_BIGINT), false, err);
}

static inline Slice sget(ColumnVector *v, uint32_t i) {
    return ((const Slice *)v->data)[i];
}
static inline int64_t iget(ColumnVector *v, uint32_t i) {
    return ((const int64_t *)v->data)[i];
}
static inline void sset(ColumnVector *v, uint32_t i, const char *p, size_t n) {
    Slice s = {p, (uint32_t)n};
    ((Slice *)v->data)[i] = s;
}

/* Number of UTF-8 code points. */
static size_t utf8_len(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Byte offset of code point k (clamped to n). */
static size_t utf8_offset(const char *s, size_t n, size_t k) {
    size_t i = 0;
    while (i < n && k > 0) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
        k--;
    }
    return i;
}

/* ---------------------------------------------------------------- concat */

static Status concat_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                            Error *err) {
    vec_union_nulls(out, args, e->nargs);
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        size_t len = 0;
        for (int k = 0; k < e->nargs; k++) len += sget(args[k], i).len;
        char *p = arena_alloc(cx->arena, len + 1), *q = p;
        for (int k = 0; k < e->nargs; k++) {
            Slice s = sget(args[k], i);
            if (s.len) memcpy(q, s.ptr, s.len);
            q += s.len;
        }
        sset(out, i, p, len);
    }
    return STATUS_OK;
}

static Status f_concat(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    if (cast_all_str(fc->arena, args, nargs, err)) return STATUS_ERROR;
    *out = bexpr_call(fc->arena, "concat", concat_kernel, type_make(TYPE_STRING), args, nargs);
    return bexpr_fold(fc->arena, out, err);
}

static Status concat_ws_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                               Error *err) {
    for (uint32_t i = 0; i < n; i++) {
        if (args[0]->type.id == TYPE_NULL || colvec_is_null(args[0], i)) {
            colvec_ensure_nulls(out);
            out->nulls[i] = 1;
            continue;
        }
        Slice sep = sget(args[0], i);
        size_t len = 0;
        for (int k = 1; k < e->nargs; k++)
            if (!colvec_is_null(args[k], i)) len += sget(args[k], i).len + sep.len;
        char *p = arena_alloc(cx->arena, len + 1), *q = p;
        bool first = true;
        for (int k = 1; k < e->nargs; k++) {
            if (colvec_is_null(args[k], i)) continue;
            if (!first && sep.len) {
                memcpy(q, sep.ptr, sep.len);
                q += sep.len;
            }
            first = false;
            Slice s = sget(args[k], i);
            if (s.len) memcpy(q, s.ptr, s.len);
            q += s.len;
        }
        sset(out, i, p, (size_t)(q - p));
    }
    return STATUS_OK;
}

static Status f_concat_ws(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    if (cast_all_str(fc->arena, args, nargs, err)) return STATUS_ERROR;
    *out = bexpr_call(fc->arena, "concat_ws", concat_ws_kernel, type_make(TYPE_STRING), args, nargs);
    return bexpr_fold(fc->arena, out, err);
}

/* ---------------------------------------------------------------- substr, left, right */

static Status substr_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                            Error *err) {
    vec_union_nulls(out, args, e->nargs);
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        Slice s = sget(args[0], i);
        int64_t pos = iget(args[1], i);
        int64_t cnt = e->nargs > 2 ? iget(args[2], i) : INT64_MAX;
        size_t chars = utf8_len(s.ptr, s.len);
        /* MySQL: position 1 is the first character, negative counts from the end, 0 gives '' */
        int64_t start;
        if (pos > 0) start = pos - 1;
        else if (pos < 0) start = (int64_t)chars + pos;
        else start = (int64_t)chars;
        if (start < 0 || start >= (int64_t)chars || cnt <= 0) {
            sset(out, i, "", 0);
            continue;
        }
        size_t b0 = utf8_offset(s.ptr, s.len, (size_t)start);
        size_t b1 = cnt >= (int64_t)chars ? s.len : b0 + utf8_offset(s.ptr + b0, s.len - b0, (size_t)cnt);
        sset(out, i, s.ptr + b0, b1 - b0);
    }
    return STATUS_OK;
}

static Status f_substr(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    if (cast_all_str(fc->arena, args, 1, err)) return STATUS_ERROR;
    for (int i = 1; i < nargs; i++)
        if (cast_int(fc->arena, &args[i], err)) return STATUS_ERROR;
    *out = bexpr_call(fc->arena, "substr", substr_kernel, type_make(TYPE_STRING), args, nargs);
    return bexpr_fold(fc->arena, out, err);
}

static Status leftright_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                               Error *err) {
    vec_union_nulls(out, args, 2);
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        Slice s = sget(args[0], i);
        int64_t k = iget(args[1], i);
        size_t chars = utf8_len(s.ptr, s.len);
        if (k <= 0) {
            sset(out, i, "", 0);
        } else if ((size_t)k >= chars) {
            sset(out, i, s.ptr, s.len);
        } else if (e->op == 0) {
            sset(out, i, s.ptr, utf8_offset(s.ptr, s.len, (size_t)k));
        } else {
            size_t b = utf8_offset(s.ptr, s.len, chars - (size_t)k);
            sset(out, i, s.ptr + b, s.len - b);
        }
    }
    return STATUS_OK;
}

static Status bind_leftright(FuncCtx *fc, BExpr **args, int right, BExpr **out, Error *err) {
    if (cast_all_str(fc->arena, args, 1, err) || cast_int(fc->arena, &args[1], err)) return STATUS_ERROR;
    BExpr *e = bexpr_call(fc->arena, fc->name, leftright_kernel, type_make(TYPE_STRING), args, 2);
    e->op = right;
    *out = e;
    return bexpr_fold(fc->arena, out, err);
}
static Status f_left(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_leftright(fc, args, 0, out, err);
}
static Status f_right(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_leftright(fc, args, 1, out, err);
}

/* ---------------------------------------------------------------- case, trim, reverse */

enum { S_LOWER, S_UPPER, S_TRIM, S_LTRIM, S_RTRIM, S_REVERSE };

static Status str1_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                          Error *err) {
    vec_union_nulls(out, args, 1);
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        Slice s = sget(args[0], i);
        switch (e->op) {
        case S_LOWER:
        case S_UPPER: {
            char *p = arena_alloc(cx->arena, s.len + 1);
            for (uint32_t k = 0; k < s.len; k++)
                p[k] = (char)(e->op == S_LOWER ? tolower((unsigned char)s.ptr[k]) : toupper((unsigned char)s.ptr[k]));
            sset(out, i, p, s.len);
            break;
        }
        case S_TRIM:
        case S_LTRIM:
        case S_RTRIM: {
            size_t b = 0, en = s.len;
            if (e->op != S_RTRIM)
                while (b < en && s.ptr[b] == ' ') b++;
            if (e->op != S_LTRIM)
                while (en > b && s.ptr[en - 1] == ' ') en--;
            sset(out, i, s.ptr + b, en - b);
            break;
        }
        default: {
            /* reverse by code points so multi-byte characters stay intact */
            char *p = arena_alloc(cx->arena, s.len + 1);
            size_t w = s.len;
            for (size_t k = 0; k < s.len;) {
                size_t l = 1;
                while (k + l < s.len && ((unsigned char)s.ptr[k + l] & 0xC0) == 0x80) l++;
                w -= l;
                memcpy(p + w, s.ptr + k, l);
                k += l;
            }
            sset(out, i, p, s.len);
        }
        }
    }
    return STATUS_OK;
}

static Status bind_str1(FuncCtx *fc, BExpr **args, int op, BExpr **out, Error *err) {
    if (cast_all_str(fc->arena, args, 1, err)) return STATUS_ERROR;
    BExpr *e = bexpr_call(fc->arena, fc->name, str1_kernel, type_make(TYPE_STRING), args, 1);
    e->op = op;
    *out = e;
    return bexpr_fold(fc->arena, out, err);
}
static Status f_lower(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_str1(fc, args, S_LOWER, out, err);
}
static Status f_upper(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_str1(fc, args, S_UPPER, out, err);
}
static Status f_trim(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_str1(fc, args, S_TRIM, out, err);
}
static Status f_ltrim(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_str1(fc, args, S_LTRIM, out, err);
}
static Status f_rtrim(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_str1(fc, args, S_RTRIM, out, err);
}
static Status f_reverse(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_str1(fc, args, S_REVERSE, out, err);
}

/* ---------------------------------------------------------------- length */

static Status length_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                            Error *err) {
    vec_union_nulls(out, args, 1);
    int32_t *r = out->data;
    const Slice *s = args[0]->data;
    for (uint32_t i = 0; i < n; i++) r[i] = (int32_t)(e->op ? utf8_len(s[i].ptr, s[i].len) : s[i].len);
    return STATUS_OK;
}

static Status bind_length(FuncCtx *fc, BExpr **args, int chars, BExpr **out, Error *err) {
    if (cast_all_str(fc->arena, args, 1, err)) return STATUS_ERROR;
    BExpr *e = bexpr_call(fc->arena, fc->name, length_kernel, type_make(TYPE_INT), args, 1);
    e->op = chars;
    *out = e;
    return bexpr_fold(fc->arena, out, err);
}
static Status f_length(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_length(fc, args, 0, out, err);
}
static Status f_char_length(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_length(fc, args, 1, out, err);
}

/* ---------------------------------------------------------------- replace, instr, repeat, pad */

static Status replace_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                             Error *err) {
    vec_union_nulls(out, args, 3);
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        Slice s = sget(args[0], i), f = sget(args[1], i), t = sget(args[2], i);
        if (f.len == 0) {
            sset(out, i, s.ptr, s.len);
            continue;
        }
        size_t cnt = 0;
        for (const char *p = s.ptr; (p = memmem(p, (size_t)(s.ptr + s.len - p), f.ptr, f.len)); p += f.len) cnt++;
        size_t len = s.len + cnt * t.len - cnt * f.len;
        char *o = arena_alloc(cx->arena, len + 1), *q = o;
        const char *p = s.ptr, *end = s.ptr + s.len;
        for (const char *m; (m = memmem(p, (size_t)(end - p), f.ptr, f.len)); p = m + f.len) {
            memcpy(q, p, (size_t)(m - p));
            q += m - p;
            if (t.len) memcpy(q, t.ptr, t.len);
            q += t.len;
        }
        memcpy(q, p, (size_t)(end - p));
        sset(out, i, o, len);
    }
    return STATUS_OK;
}

static Status f_replace(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    if (cast_all_str(fc->arena, args, 3, err)) return STATUS_ERROR;
    *out = bexpr_call(fc->arena, "replace", replace_kernel, type_make(TYPE_STRING), args, 3);
    return bexpr_fold(fc->arena, out, err);
}

/* instr(str, substr) and locate(substr, str): 1-based character position, 0 when absent */
static Status instr_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                           Error *err) {
    vec_union_nulls(out, args, 2);
    int32_t *r = out->data;
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        Slice s = sget(args[e->op ? 1 : 0], i), f = sget(args[e->op ? 0 : 1], i);
        const char *m = f.len == 0 ? s.ptr : memmem(s.ptr, s.len, f.ptr, f.len);
        r[i] = m ? (int32_t)utf8_len(s.ptr, (size_t)(m - s.ptr)) + 1 : 0;
    }
    return STATUS_OK;
}

static Status bind_instr(FuncCtx *fc, BExpr **args, int locate, BExpr **out, Error *err) {
    if (cast_all_str(fc->arena, args, 2, err)) return STATUS_ERROR;
    BExpr *e = bexpr_call(fc->arena, fc->name, instr_kernel, type_make(TYPE_INT), args, 2);
    e->op = locate;
    *out = e;
    return bexpr_fold(fc->arena, out, err);
}
static Status f_instr(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_instr(fc, args, 0, out, err);
}
static Status f_locate(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_instr(fc, args, 1, out, err);
}

static Status repeat_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                            Error *err) {
    vec_union_nulls(out, args, 2);
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        Slice s = sget(args[0], i);
        int64_t k = iget(args[1], i);
        if (k <= 0 || s.len == 0) {
            sset(out, i, "", 0);
            continue;
        }
        if ((uint64_t)k * s.len > VARCHAR_MAX_LEN)
            return err_set(err, ERR_INVALID_ARGUMENT, "repeat() result would exceed %d bytes", VARCHAR_MAX_LEN);
        char *p = arena_alloc(cx->arena, (size_t)k * s.len + 1);
        for (int64_t j = 0; j < k; j++) memcpy(p + j * s.len, s.ptr, s.len);
        sset(out, i, p, (size_t)k * s.len);
    }
    return STATUS_OK;
}

static Status f_repeat(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    if (cast_all_str(fc->arena, args, 1, err) || cast_int(fc->arena, &args[1], err)) return STATUS_ERROR;
    *out = bexpr_call(fc->arena, "repeat", repeat_kernel, type_make(TYPE_STRING), args, 2);
    return bexpr_fold(fc->arena, out, err);
}

static Status pad_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                         Error *err) {
    vec_union_nulls(out, args, 3);
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        Slice s = sget(args[0], i), pad = sget(args[2], i);
        int64_t len = iget(args[1], i);
        size_t chars = utf8_len(s.ptr, s.len);
        if (len < 0) {
            colvec_ensure_nulls(out);
            out->nulls[i] = 1;
            continue;
        }
        if ((size_t)len <= chars) {
            sset(out, i, s.ptr, utf8_offset(s.ptr, s.len, (size_t)len));
            continue;
        }
        if (pad.len == 0) {
            sset(out, i, s.ptr, s.len);
            continue;
        }
        if (len > VARCHAR_MAX_LEN)
            return err_set(err, ERR_INVALID_ARGUMENT, "%s() length %lld is too large", e->name, (long long)len);
        size_t need = (size_t)len - chars, padchars = utf8_len(pad.ptr, pad.len);
        char *p = arena_alloc(cx->arena, s.len + need * pad.len + 1), *q = p;
        if (e->op == 1) {
            memcpy(q, s.ptr, s.len);
            q += s.len;
        }
        for (size_t k = 0; k < need;) {
            size_t take = need - k < padchars ? need - k : padchars;
            size_t b = utf8_offset(pad.ptr, pad.len, take);
            memcpy(q, pad.ptr, b);
            q += b;
            k += take;
        }
        if (e->op == 0) {
            memcpy(q, s.ptr, s.len);
            q += s.len;
        }
        sset(out, i, p, (size_t)(q - p));
    }
    return STATUS_OK;
}

static Status bind_pad(FuncCtx *fc, BExpr **args, int right, BExpr **out, Error *err) {
    if (cast_all_str(fc->arena, args, 1, err) || cast_int(fc->arena, &args[1], err) ||
        bexpr_cast(fc->arena, &args[2], type_make(TYPE_STRING), false, err))
        return STATUS_ERROR;
    BExpr *e = bexpr_call(fc->arena, fc->name, pad_kernel, type_make(TYPE_STRING), args, 3);
    e->op = right;
    *out = e;
    return bexpr_fold(fc->arena, out, err);
}
static Status f_lpad(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_pad(fc, args, 0, out, err);
}
static Status f_rpad(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_pad(fc, args, 1, out, err);
}

static Status starts_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                            Error *err) {
    vec_union_nulls(out, args, 2);
    int8_t *r = out->data;
    for (uint32_t i = 0; i < n; i++) {
        Slice s = sget(args[0], i), p = sget(args[1], i);
        if (out->nulls && out->nulls[i]) continue;
        r[i] = (int8_t)(p.len <= s.len &&
                        memcmp(e->op ? s.ptr + s.len - p.len : s.ptr, p.ptr, p.len) == 0);
    }
    return STATUS_OK;
}

static Status bind_starts(FuncCtx *fc, BExpr **args, int ends, BExpr **out, Error *err) {
    if (cast_all_str(fc->arena, args, 2, err)) return STATUS_ERROR;
    BExpr *e = bexpr_call(fc->arena, fc->name, starts_kernel, type_make(TYPE_BOOLEAN), args, 2);
    e->op = ends;
    *out = e;
    return bexpr_fold(fc->arena, out, err);
}
static Status f_starts_with(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_starts(fc, args, 0, out, err);
}
static Status f_ends_with(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_starts(fc, args, 1, out, err);
}

const FuncDef func_string_defs[] = {
    {"concat", 1, -1, f_concat},
    {"concat_ws", 2, -1, f_concat_ws},
    {"substr", 2, 3, f_substr},
    {"substring", 2, 3, f_substr},
    {"mid", 3, 3, f_substr},
    {"left", 2, 2, f_left},
    {"right", 2, 2, f_right},
    {"lower", 1, 1, f_lower},
    {"lcase", 1, 1, f_lower},
    {"upper", 1, 1, f_upper},
    {"ucase", 1, 1, f_upper},
    {"trim", 1, 1, f_trim},
    {"ltrim", 1, 1, f_ltrim},
    {"rtrim", 1, 1, f_rtrim},
    {"reverse", 1, 1, f_reverse},
    {"length", 1, 1, f_length},
    {"octet_length", 1, 1, f_length},
    {"char_length", 1, 1, f_char_length},
    {"character_length", 1, 1, f_char_length},
    {"replace", 3, 3, f_replace},
    {"instr", 2, 2, f_instr},
    {"locate", 2, 2, f_locate},
    {"repeat", 2, 2, f_repeat},
    {"lpad", 3, 3, f_lpad},
    {"rpad", 3, 3, f_rpad},
    {"starts_with", 2, 2, f_starts_with},
    {"ends_with", 2, 2, f_ends_with},
    {NULL, 0, 0, NULL},
};
