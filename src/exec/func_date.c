/* Date and time functions: field extraction (year, month, ...), date arithmetic with INTERVALs, date_trunc,
 * date_format / str_to_date with MySQL format specifiers, datediff, now() and current_date().
 * DATE is days since 1970-01-01 and DATETIME microseconds since then, both wall time without a time zone;
 * now() is the statement's start in the server's local time, constant within a statement. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "exec/functions.h"

#define US_PER_DAY 86400000000LL

typedef enum DateUnit {
    U_MICROSECOND, U_MILLISECOND, U_SECOND, U_MINUTE, U_HOUR, U_DAY, U_WEEK, U_MONTH, U_QUARTER, U_YEAR, U_BAD
} DateUnit;

static DateUnit unit_parse(const char *s, size_t n) {
    static const char *names[] = {"microsecond", "millisecond", "second", "minute", "hour",
                                  "day",         "week",        "month",  "quarter", "year"};
    for (int i = 0; i < U_BAD; i++)
        if (strlen(names[i]) == n && !strncasecmp(names[i], s, n)) return (DateUnit)i;
    return U_BAD;
}

static inline int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

static int month_days(int y, int m) {
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dm[m - 1];
}

/* ---------------------------------------------------------------- interval operands */

BExpr *bexpr_interval(Arena *a, BExpr *n, const char *unit) {
    BExpr *e = bexpr_call(a, "INTERVAL", NULL, n->type, &n, 1);
    e->text = unit;
    return e;
}

bool bexpr_is_interval(const BExpr *e) {
    return e->kind == BE_CALL && e->fn == NULL && e->name && !strcmp(e->name, "INTERVAL");
}

/* ---------------------------------------------------------------- extraction */

enum { X_YEAR, X_MONTH, X_DAY, X_HOUR, X_MINUTE, X_SECOND, X_QUARTER, X_DAYOFWEEK, X_DAYOFYEAR, X_WEEK,
       X_MICROSECOND };

static int64_t extract_field(int op, int64_t us) {
    int64_t days = floor_div(us, US_PER_DAY), tod = us - days * US_PER_DAY;
    int y, m, d;
    switch (op) {
    case X_HOUR: return tod / 3600000000LL;
    case X_MINUTE: return tod / 60000000LL % 60;
    case X_SECOND: return tod / 1000000LL % 60;
    case X_MICROSECOND: return tod % 1000000LL;
    case X_DAYOFWEEK: return (int)(((days + 4) % 7 + 7) % 7) + 1; /* 1970-01-01 was a Thursday; Sunday = 1 */
    default: break;
    }
    date_to_ymd((int32_t)days, &y, &m, &d);
    switch (op) {
    case X_YEAR: return y;
    case X_MONTH: return m;
    case X_DAY: return d;
    case X_QUARTER: return (m - 1) / 3 + 1;
    case X_DAYOFYEAR: {
        int32_t jan1;
        date_from_ymd(y, 1, 1, &jan1);
        return days - jan1 + 1;
    }
    default: { /* ISO week number (weekofyear) */
        int wd = (int)((((days + 3) % 7) + 7) % 7); /* Monday = 0 */
        int64_t thursday = days - wd + 3;
        int ty, tm, td;
        date_to_ymd((int32_t)thursday, &ty, &tm, &td);
        int32_t tj;
        date_from_ymd(ty, 1, 1, &tj);
        return (thursday - tj) / 7 + 1;
    }
    }
}

static Status extract_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                             Error *err) {
    vec_union_nulls(out, args, 1);
    int32_t *r = out->data;
    if (args[0]->type.id == TYPE_DATE) {
        const int32_t *a = args[0]->data;
        for (uint32_t i = 0; i < n; i++) r[i] = (int32_t)extract_field(e->op, (int64_t)a[i] * US_PER_DAY);
    } else {
        const int64_t *a = args[0]->data;
        for (uint32_t i = 0; i < n; i++) r[i] = (int32_t)extract_field(e->op, a[i]);
    }
    return STATUS_OK;
}

/* Date functions take DATE or DATETIME; strings are parsed as DATETIME (invalid ones become NULL). */
static Status cast_temporal(Arena *a, BExpr **x, Error *err) {
    if ((*x)->type.id == TYPE_DATE || (*x)->type.id == TYPE_DATETIME) return STATUS_OK;
    /* a constant string without a time part is a DATE, so date_add('2024-01-31', INTERVAL 1 MONTH) stays a date */
    if ((*x)->kind == BE_CONST && type_is_string((*x)->type.id) && !(*x)->value.is_null &&
        (*x)->value.v.str.len <= 10) {
        int32_t d;
        if (date_parse((*x)->value.v.str.ptr, (*x)->value.v.str.len, &d))
            return bexpr_cast(a, x, type_make(TYPE_DATE), false, err);
    }
    return bexpr_cast(a, x, type_make(TYPE_DATETIME), false, err);
}

static Status bind_extract(FuncCtx *fc, BExpr **args, int op, BExpr **out, Error *err) {
    if (cast_temporal(fc->arena, &args[0], err)) return STATUS_ERROR;
    BExpr *e = bexpr_call(fc->arena, fc->name, extract_kernel, type_make(TYPE_INT), args, 1);
    e->op = op;
    *out = e;
    return bexpr_fold(fc->arena, out, err);
}

#define EXTRACT_FN(NAME, OP)                                                                              \
    static Status NAME(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {                   \
        return bind_extract(fc, args, OP, out, err);                                                      \
    }
EXTRACT_FN(f_year, X_YEAR)
EXTRACT_FN(f_month, X_MONTH)
EXTRACT_FN(f_day, X_DAY)
EXTRACT_FN(f_hour, X_HOUR)
EXTRACT_FN(f_minute, X_MINUTE)
EXTRACT_FN(f_second, X_SECOND)
EXTRACT_FN(f_quarter, X_QUARTER)
EXTRACT_FN(f_dayofweek, X_DAYOFWEEK)
EXTRACT_FN(f_dayofyear, X_DAYOFYEAR)
EXTRACT_FN(f_weekofyear, X_WEEK)

static Status f_date(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    if (cast_temporal(fc->arena, &args[0], err)) return STATUS_ERROR;
    *out = args[0];
    return bexpr_cast(fc->arena, out, type_make(TYPE_DATE), false, err);
}

/* ---------------------------------------------------------------- date arithmetic */

/* Adds k units to a DATETIME in microseconds; false when the result leaves years 0..9999. */
static bool add_units(int64_t us, int64_t k, DateUnit u, int64_t *out) {
    int64_t step;
    switch (u) {
    case U_MICROSECOND: step = 1; break;
    case U_MILLISECOND: step = 1000; break;
    case U_SECOND: step = 1000000LL; break;
    case U_MINUTE: step = 60000000LL; break;
    case U_HOUR: step = 3600000000LL; break;
    case U_DAY: step = US_PER_DAY; break;
    case U_WEEK: step = 7 * US_PER_DAY; break;
    default: step = 0;
    }
    if (step) {
        int64_t d;
        if (__builtin_mul_overflow(k, step, &d) || __builtin_add_overflow(us, d, out)) return false;
    } else {
        int64_t months = u == U_YEAR ? k * 12 : u == U_QUARTER ? k * 3 : k;
        if (months > 120000 || months < -120000) return false;
        int64_t days = floor_div(us, US_PER_DAY), tod = us - days * US_PER_DAY;
        int y, m, d;
        date_to_ymd((int32_t)days, &y, &m, &d);
        int64_t total = (int64_t)y * 12 + (m - 1) + months;
        int ny = (int)floor_div(total, 12), nm = (int)(total - (int64_t)ny * 12) + 1;
        if (ny < 0 || ny > 9999) return false;
        int md = month_days(ny, nm);
        int32_t nd;
        date_from_ymd(ny, nm, d > md ? md : d, &nd);
        *out = (int64_t)nd * US_PER_DAY + tod;
    }
    int64_t days = floor_div(*out, US_PER_DAY);
    return days >= -719528 && days <= 2932896; /* 0000-01-01 .. 9999-12-31 */
}

static Status date_add_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                              Error *err) {
    vec_union_nulls(out, args, 2);
    const int64_t *k = args[1]->data;
    bool is_date = args[0]->type.id == TYPE_DATE;
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        int64_t us = is_date ? (int64_t)((const int32_t *)args[0]->data)[i] * US_PER_DAY : ((const int64_t *)args[0]->data)[i];
        int64_t r;
        if (!add_units(us, e->negated ? -k[i] : k[i], (DateUnit)e->op, &r)) {
            colvec_ensure_nulls(out);
            out->nulls[i] = 1;
            continue;
        }
        if (out->type.id == TYPE_DATE) ((int32_t *)out->data)[i] = (int32_t)(r / US_PER_DAY);
        else ((int64_t *)out->data)[i] = r;
    }
    return STATUS_OK;
}

static Status bind_add_units(Arena *a, BExpr *d, BExpr *k, DateUnit u, bool subtract, const char *name,
                             BExpr **out, Error *err) {
    if (cast_temporal(a, &d, err)) return STATUS_ERROR;
    if (bexpr_cast(a, &k, type_make(TYPE_BIGINT), false, err)) return STATUS_ERROR;
    bool date_result = d->type.id == TYPE_DATE && u >= U_DAY;
    BExpr *args[2] = {d, k};
    BExpr *e = bexpr_call(a, name, date_add_kernel, type_make(date_result ? TYPE_DATE : TYPE_DATETIME), args, 2);
    e->op = u;
    e->negated = subtract;
    *out = e;
    return bexpr_fold(a, out, err);
}

Status bind_date_add(Arena *a, BExpr *d, BExpr *interval, bool subtract, BExpr **out, Error *err) {
    DateUnit u = U_DAY;
    BExpr *k = interval;
    if (bexpr_is_interval(interval)) {
        u = unit_parse(interval->text, strlen(interval->text));
        if (u == U_BAD) return err_set(err, ERR_NOT_SUPPORTED, "INTERVAL unit %s is not supported", interval->text);
        k = interval->args[0];
    }
    return bind_add_units(a, d, k, u, subtract, subtract ? "date_sub" : "date_add", out, err);
}

static Status f_date_add(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_date_add(fc->arena, args[0], args[1], false, out, err);
}
static Status f_date_sub(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    return bind_date_add(fc->arena, args[0], args[1], true, out, err);
}

#define UNIT_ADD_FN(NAME, UNIT, SUB)                                                                      \
    static Status NAME(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {                   \
        return bind_add_units(fc->arena, args[0], args[1], UNIT, SUB, fc->name, out, err);                \
    }
UNIT_ADD_FN(f_days_add, U_DAY, false)
UNIT_ADD_FN(f_days_sub, U_DAY, true)
UNIT_ADD_FN(f_months_add, U_MONTH, false)
UNIT_ADD_FN(f_months_sub, U_MONTH, true)
UNIT_ADD_FN(f_years_add, U_YEAR, false)
UNIT_ADD_FN(f_years_sub, U_YEAR, true)
UNIT_ADD_FN(f_hours_add, U_HOUR, false)

static Status datediff_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                              Error *err) {
    vec_union_nulls(out, args, 2);
    const int32_t *a = args[0]->data, *b = args[1]->data;
    int32_t *r = out->data;
    for (uint32_t i = 0; i < n; i++) r[i] = a[i] - b[i];
    return STATUS_OK;
}

static Status f_datediff(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    for (int i = 0; i < 2; i++)
        if (cast_temporal(fc->arena, &args[i], err) || bexpr_cast(fc->arena, &args[i], type_make(TYPE_DATE), false, err))
            return STATUS_ERROR;
    *out = bexpr_call(fc->arena, "datediff", datediff_kernel, type_make(TYPE_INT), args, 2);
    return bexpr_fold(fc->arena, out, err);
}

/* ---------------------------------------------------------------- date_trunc */

static int64_t trunc_us(int64_t us, DateUnit u) {
    int64_t days = floor_div(us, US_PER_DAY);
    switch (u) {
    case U_SECOND: return floor_div(us, 1000000LL) * 1000000LL;
    case U_MINUTE: return floor_div(us, 60000000LL) * 60000000LL;
    case U_HOUR: return floor_div(us, 3600000000LL) * 3600000000LL;
    case U_DAY: return days * US_PER_DAY;
    case U_WEEK: {
        int wd = (int)((((days + 3) % 7) + 7) % 7); /* Monday = 0 */
        return (days - wd) * US_PER_DAY;
    }
    default: {
        int y, m, d;
        date_to_ymd((int32_t)days, &y, &m, &d);
        if (u == U_YEAR) m = 1;
        if (u == U_QUARTER) m = (m - 1) / 3 * 3 + 1;
        int32_t nd;
        date_from_ymd(y, m, 1, &nd);
        return (int64_t)nd * US_PER_DAY;
    }
    }
}

static Status date_trunc_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                                Error *err) {
    ColumnVector *x = args[1];
    vec_union_nulls(out, &x, 1);
    if (x->type.id == TYPE_DATE) {
        const int32_t *a = x->data;
        int32_t *r = out->data;
        for (uint32_t i = 0; i < n; i++) r[i] = (int32_t)(trunc_us((int64_t)a[i] * US_PER_DAY, (DateUnit)e->op) / US_PER_DAY);
    } else {
        const int64_t *a = x->data;
        int64_t *r = out->data;
        for (uint32_t i = 0; i < n; i++) r[i] = trunc_us(a[i], (DateUnit)e->op);
    }
    return STATUS_OK;
}

static Status f_date_trunc(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    BExpr *unit = args[0];
    if (unit->kind != BE_CONST || !type_is_string(unit->type.id) || unit->value.is_null)
        return err_set(err, ERR_INVALID_ARGUMENT, "date_trunc() needs a constant unit such as 'day' or 'month'");
    DateUnit u = unit_parse(unit->value.v.str.ptr, unit->value.v.str.len);
    if (u == U_BAD || u < U_SECOND)
        return err_set(err, ERR_INVALID_ARGUMENT,
                       "date_trunc() unit '%.*s' is not one of second, minute, hour, day, week, month, quarter, year",
                       (int)unit->value.v.str.len, unit->value.v.str.ptr);
    if (cast_temporal(fc->arena, &args[1], err)) return STATUS_ERROR;
    if (args[1]->type.id == TYPE_DATE && u < U_DAY &&
        bexpr_cast(fc->arena, &args[1], type_make(TYPE_DATETIME), false, err))
        return STATUS_ERROR;
    BExpr *e = bexpr_call(fc->arena, "date_trunc", date_trunc_kernel, args[1]->type, args, 2);
    e->op = u;
    *out = e;
    return bexpr_fold(fc->arena, out, err);
}

/* ---------------------------------------------------------------- date_format, str_to_date */

static const char *MONTHS[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
static const char *WEEKDAYS[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

static size_t format_one(int64_t us, const char *f, size_t fn, char *out, size_t cap) {
    int64_t days = floor_div(us, US_PER_DAY), tod = us - days * US_PER_DAY;
    int y, m, d;
    date_to_ymd((int32_t)days, &y, &m, &d);
    int hh = (int)(tod / 3600000000LL), mi = (int)(tod / 60000000LL % 60), ss = (int)(tod / 1000000 % 60);
    int frac = (int)(tod % 1000000);
    int wd = (int)(((days + 4) % 7 + 7) % 7); /* Sunday = 0 */
    size_t k = 0;
#define PUT(...) k += (size_t)snprintf(out + k, k < cap ? cap - k : 0, __VA_ARGS__)
    for (size_t i = 0; i < fn && k < cap; i++) {
        if (f[i] != '%' || i + 1 == fn) {
            out[k++] = f[i];
            continue;
        }
        char c = f[++i];
        switch (c) {
        case 'Y': PUT("%04d", y); break;
        case 'y': PUT("%02d", y % 100); break;
        case 'm': PUT("%02d", m); break;
        case 'c': PUT("%d", m); break;
        case 'd': PUT("%02d", d); break;
        case 'e': PUT("%d", d); break;
        case 'H': PUT("%02d", hh); break;
        case 'k': PUT("%d", hh); break;
        case 'h':
        case 'I': PUT("%02d", hh % 12 == 0 ? 12 : hh % 12); break;
        case 'l': PUT("%d", hh % 12 == 0 ? 12 : hh % 12); break;
        case 'i': PUT("%02d", mi); break;
        case 's':
        case 'S': PUT("%02d", ss); break;
        case 'f': PUT("%06d", frac); break;
        case 'p': PUT("%s", hh < 12 ? "AM" : "PM"); break;
        case 'T': PUT("%02d:%02d:%02d", hh, mi, ss); break;
        case 'r': PUT("%02d:%02d:%02d %s", hh % 12 == 0 ? 12 : hh % 12, mi, ss, hh < 12 ? "AM" : "PM"); break;
        case 'M': PUT("%s", MONTHS[m - 1]); break;
        case 'b': PUT("%.3s", MONTHS[m - 1]); break;
        case 'W': PUT("%s", WEEKDAYS[wd]); break;
        case 'a': PUT("%.3s", WEEKDAYS[wd]); break;
        case 'w': PUT("%d", wd); break;
        case 'j': PUT("%03d", (int)extract_field(X_DAYOFYEAR, us)); break;
        case 'v':
        case 'u': PUT("%02d", (int)extract_field(X_WEEK, us)); break;
        case 'D': {
            const char *suf = (d % 100 >= 11 && d % 100 <= 13) ? "th" : d % 10 == 1 ? "st" : d % 10 == 2 ? "nd" : d % 10 == 3 ? "rd" : "th";
            PUT("%d%s", d, suf);
            break;
        }
        case '%': PUT("%%"); break;
        default: PUT("%c", c);
        }
    }
#undef PUT
    return k < cap ? k : cap;
}

static Status date_format_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                                 Error *err) {
    vec_union_nulls(out, args, 2);
    const int64_t *a = args[0]->data;
    const Slice *f = args[1]->data;
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        size_t cap = (size_t)f[i].len * 12 + 16;
        char *buf = arena_alloc(cx->arena, cap);
        size_t len = format_one(a[i], f[i].ptr, f[i].len, buf, cap);
        Slice s = {buf, (uint32_t)len};
        ((Slice *)out->data)[i] = s;
    }
    return STATUS_OK;
}

static Status f_date_format(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    if (cast_temporal(fc->arena, &args[0], err) ||
        bexpr_cast(fc->arena, &args[0], type_make(TYPE_DATETIME), false, err) ||
        bexpr_cast(fc->arena, &args[1], type_make(TYPE_STRING), false, err))
        return STATUS_ERROR;
    *out = bexpr_call(fc->arena, "date_format", date_format_kernel, type_make(TYPE_STRING), args, 2);
    return bexpr_fold(fc->arena, out, err);
}

static bool read_int(const char **p, const char *end, int maxd, int *out) {
    int v = 0, nd = 0;
    while (*p < end && nd < maxd && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        nd++;
    }
    *out = v;
    return nd > 0;
}

static bool read_name(const char **p, const char *end, const char **names, int count, bool abbrev, int *out) {
    for (int i = 0; i < count; i++) {
        size_t l = abbrev ? 3 : strlen(names[i]);
        if ((size_t)(end - *p) >= l && !strncasecmp(*p, names[i], l)) {
            *p += l;
            *out = i;
            return true;
        }
    }
    return false;
}

/* Parses s with a MySQL format; returns false when it does not match. */
static bool parse_with_format(const char *s, size_t sn, const char *f, size_t fn, int64_t *us) {
    const char *p = s, *end = s + sn;
    int y = 1970, m = 1, d = 1, hh = 0, mi = 0, ss = 0, frac = 0, pm = -1, tmp = 0;
    for (size_t i = 0; i < fn; i++) {
        if (f[i] != '%' || i + 1 == fn) {
            if (isspace((unsigned char)f[i])) {
                while (p < end && isspace((unsigned char)*p)) p++;
                continue;
            }
            if (p >= end || *p != f[i]) return false;
            p++;
            continue;
        }
        char c = f[++i];
        bool ok = true;
        switch (c) {
        case 'Y': ok = read_int(&p, end, 4, &y); break;
        case 'y': ok = read_int(&p, end, 2, &y); y += y < 70 ? 2000 : 1900; break;
        case 'm':
        case 'c': ok = read_int(&p, end, 2, &m); break;
        case 'd':
        case 'e': ok = read_int(&p, end, 2, &d); break;
        case 'H':
        case 'k':
        case 'h':
        case 'I':
        case 'l': ok = read_int(&p, end, 2, &hh); break;
        case 'i': ok = read_int(&p, end, 2, &mi); break;
        case 's':
        case 'S': ok = read_int(&p, end, 2, &ss); break;
        case 'f': {
            int nd = 0;
            frac = 0;
            while (p < end && isdigit((unsigned char)*p) && nd < 6) {
                frac = frac * 10 + (*p++ - '0');
                nd++;
            }
            for (; nd < 6; nd++) frac *= 10;
            break;
        }
        case 'p':
            if (end - p >= 2 && !strncasecmp(p, "AM", 2)) pm = 0;
            else if (end - p >= 2 && !strncasecmp(p, "PM", 2)) pm = 1;
            else ok = false;
            p += 2;
            break;
        case 'M': ok = read_name(&p, end, MONTHS, 12, false, &tmp); m = tmp + 1; break;
        case 'b': ok = read_name(&p, end, MONTHS, 12, true, &tmp); m = tmp + 1; break;
        case 'W': ok = read_name(&p, end, WEEKDAYS, 7, false, &tmp); break;
        case 'a': ok = read_name(&p, end, WEEKDAYS, 7, true, &tmp); break;
        case 'T':
            ok = read_int(&p, end, 2, &hh) && p < end && *p++ == ':' && read_int(&p, end, 2, &mi) && p < end &&
                 *p++ == ':' && read_int(&p, end, 2, &ss);
            break;
        case '%': ok = p < end && *p++ == '%'; break;
        default: ok = false;
        }
        if (!ok) return false;
    }
    if (pm == 1 && hh < 12) hh += 12;
    if (pm == 0 && hh == 12) hh = 0;
    if (hh > 23 || mi > 59 || ss > 59) return false;
    int32_t days;
    if (!date_from_ymd(y, m, d, &days)) return false;
    *us = (int64_t)days * US_PER_DAY + ((int64_t)hh * 3600 + mi * 60 + ss) * 1000000LL + frac;
    return true;
}

static Status str_to_date_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                                 Error *err) {
    vec_union_nulls(out, args, 2);
    const Slice *s = args[0]->data, *f = args[1]->data;
    for (uint32_t i = 0; i < n; i++) {
        if (out->nulls && out->nulls[i]) continue;
        int64_t us;
        if (!parse_with_format(s[i].ptr, s[i].len, f[i].ptr, f[i].len, &us)) {
            colvec_ensure_nulls(out);
            out->nulls[i] = 1;
            continue;
        }
        if (out->type.id == TYPE_DATE) ((int32_t *)out->data)[i] = (int32_t)(us / US_PER_DAY);
        else ((int64_t *)out->data)[i] = us;
    }
    return STATUS_OK;
}

static bool format_has_time(const char *f, size_t n) {
    for (size_t i = 0; i + 1 < n; i++)
        if (f[i] == '%' && strchr("HhIklisSfpTr", f[i + 1])) return true;
    return false;
}

static Status f_str_to_date(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    DataType st = type_make(TYPE_STRING);
    if (bexpr_cast(fc->arena, &args[0], st, false, err) || bexpr_cast(fc->arena, &args[1], st, false, err))
        return STATUS_ERROR;
    /* MySQL returns DATE when the format has no time part, DATETIME otherwise */
    TypeId rt = TYPE_DATETIME;
    if (args[1]->kind == BE_CONST && !args[1]->value.is_null &&
        !format_has_time(args[1]->value.v.str.ptr, args[1]->value.v.str.len))
        rt = TYPE_DATE;
    *out = bexpr_call(fc->arena, "str_to_date", str_to_date_kernel, type_make(rt), args, 2);
    return bexpr_fold(fc->arena, out, err);
}

/* ---------------------------------------------------------------- now, curdate, unix time */

static Status f_now(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    /* second precision, as MySQL's now() without fsp */
    int64_t us = fc->now_us - fc->now_us % 1000000;
    *out = bexpr_const(fc->arena, type_make(TYPE_DATETIME), (Datum){.v.i64 = us});
    return STATUS_OK;
}

static Status f_curdate(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    *out = bexpr_const(fc->arena, type_make(TYPE_DATE), (Datum){.v.i64 = floor_div(fc->now_us, US_PER_DAY)});
    return STATUS_OK;
}

static Status from_unixtime_kernel(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n,
                                   ColumnVector *out, Error *err) {
    vec_union_nulls(out, args, 1);
    const int64_t *a = args[0]->data;
    int64_t *r = out->data;
    int64_t off = (int64_t)(intptr_t)e->aux;
    for (uint32_t i = 0; i < n; i++) r[i] = a[i] * 1000000LL + off;
    return STATUS_OK;
}

static Status f_from_unixtime(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err) {
    if (bexpr_cast(fc->arena, &args[0], type_make(TYPE_BIGINT), false, err)) return STATUS_ERROR;
    BExpr *e = bexpr_call(fc->arena, "from_unixtime", from_unixtime_kernel, type_make(TYPE_DATETIME), args, 1);
    /* DATETIME is local wall time: shift by the server's current UTC offset */
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    e->aux = (void *)(intptr_t)(tm.tm_gmtoff * 1000000LL);
    *out = e;
    return bexpr_fold(fc->arena, out, err);
}

const FuncDef func_date_defs[] = {
    {"year", 1, 1, f_year},
    {"month", 1, 1, f_month},
    {"day", 1, 1, f_day},
    {"dayofmonth", 1, 1, f_day},
    {"hour", 1, 1, f_hour},
    {"minute", 1, 1, f_minute},
    {"second", 1, 1, f_second},
    {"quarter", 1, 1, f_quarter},
    {"dayofweek", 1, 1, f_dayofweek},
    {"dayofyear", 1, 1, f_dayofyear},
    {"weekofyear", 1, 1, f_weekofyear},
    {"date", 1, 1, f_date},
    {"to_date", 1, 1, f_date},
    {"date_add", 2, 2, f_date_add},
    {"adddate", 2, 2, f_date_add},
    {"date_sub", 2, 2, f_date_sub},
    {"subdate", 2, 2, f_date_sub},
    {"days_add", 2, 2, f_days_add},
    {"days_sub", 2, 2, f_days_sub},
    {"months_add", 2, 2, f_months_add},
    {"months_sub", 2, 2, f_months_sub},
    {"years_add", 2, 2, f_years_add},
    {"years_sub", 2, 2, f_years_sub},
    {"hours_add", 2, 2, f_hours_add},
    {"datediff", 2, 2, f_datediff},
    {"date_trunc", 2, 2, f_date_trunc},
    {"date_format", 2, 2, f_date_format},
    {"str_to_date", 2, 2, f_str_to_date},
    {"now", 0, 1, f_now},
    {"current_timestamp", 0, 1, f_now},
    {"localtime", 0, 1, f_now},
    {"localtimestamp", 0, 1, f_now},
    {"sysdate", 0, 1, f_now},
    {"curdate", 0, 0, f_curdate},
    {"current_date", 0, 0, f_curdate},
    {"from_unixtime", 1, 1, f_from_unixtime},
    {NULL, 0, 0, NULL},
};
