/* Data types: names, sizes, MySQL codes, and the text <-> value conversions every layer relies on. */
#include "types/datatype.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define P10(n) ((int128_t)n)
const int128_t POW10_128[39] = {
    P10(1ULL), P10(10ULL), P10(100ULL), P10(1000ULL), P10(10000ULL), P10(100000ULL),
    P10(1000000ULL), P10(10000000ULL), P10(100000000ULL), P10(1000000000ULL), P10(10000000000ULL),
    P10(100000000000ULL), P10(1000000000000ULL), P10(10000000000000ULL), P10(100000000000000ULL),
    P10(1000000000000000ULL), P10(10000000000000000ULL), P10(100000000000000000ULL),
    P10(1000000000000000000ULL), P10(10000000000000000000ULL),
    P10(10000000000000000000ULL) * 10, P10(10000000000000000000ULL) * 100,
    P10(10000000000000000000ULL) * 1000, P10(10000000000000000000ULL) * 10000,
    P10(10000000000000000000ULL) * 100000, P10(10000000000000000000ULL) * 1000000,
    P10(10000000000000000000ULL) * 10000000, P10(10000000000000000000ULL) * 100000000,
    P10(10000000000000000000ULL) * 1000000000, P10(10000000000000000000ULL) * 10000000000ULL,
    P10(10000000000000000000ULL) * 100000000000ULL, P10(10000000000000000000ULL) * 1000000000000ULL,
    P10(10000000000000000000ULL) * 10000000000000ULL,
    P10(10000000000000000000ULL) * 100000000000000ULL,
    P10(10000000000000000000ULL) * 1000000000000000ULL,
    P10(10000000000000000000ULL) * 10000000000000000ULL,
    P10(10000000000000000000ULL) * 100000000000000000ULL,
    P10(10000000000000000000ULL) * 1000000000000000000ULL,
    P10(10000000000000000000ULL) * 10000000000000000000ULL,
};

DataType type_make(TypeId id) {
    DataType t = {id, 0, 0, 0};
    if (id == TYPE_STRING) t.len = STRING_DEFAULT_LEN;
    if (id == TYPE_DECIMAL) {
        t.precision = 10;
        t.scale = 0;
    }
    return t;
}

DataType type_decimal(int precision, int scale) {
    DataType t = {TYPE_DECIMAL, (int16_t)precision, (int16_t)scale, 0};
    return t;
}

DataType type_varchar(int len) {
    DataType t = {TYPE_VARCHAR, 0, 0, len};
    return t;
}

bool type_is_integer(TypeId id) {
    return id >= TYPE_BOOLEAN && id <= TYPE_LARGEINT;
}
bool type_is_numeric(TypeId id) {
    return id >= TYPE_BOOLEAN && id <= TYPE_DECIMAL;
}
bool type_is_string(TypeId id) {
    return id == TYPE_CHAR || id == TYPE_VARCHAR || id == TYPE_STRING;
}
bool type_is_temporal(TypeId id) {
    return id == TYPE_DATE || id == TYPE_DATETIME;
}

bool type_equal(const DataType *a, const DataType *b) {
    if (a->id != b->id) return false;
    if (a->id == TYPE_DECIMAL) return a->precision == b->precision && a->scale == b->scale;
    if (a->id == TYPE_CHAR || a->id == TYPE_VARCHAR) return a->len == b->len;
    return true;
}

size_t type_cell_size(TypeId id) {
    switch (id) {
    case TYPE_NULL: return 1;
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: return 1;
    case TYPE_SMALLINT: return 2;
    case TYPE_INT:
    case TYPE_DATE:
    case TYPE_FLOAT: return 4;
    case TYPE_BIGINT:
    case TYPE_DATETIME:
    case TYPE_DOUBLE: return 8;
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: return 16;
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: return sizeof(Slice);
    default: return 8;
    }
}

const char *type_name(TypeId id) {
    static const char *names[TYPE__COUNT] = {
        "NULL", "BOOLEAN", "TINYINT", "SMALLINT", "INT",  "BIGINT",  "LARGEINT", "FLOAT",
        "DOUBLE", "DECIMAL", "CHAR",  "VARCHAR", "STRING", "DATE", "DATETIME"};
    return id < TYPE__COUNT ? names[id] : "UNKNOWN";
}

void type_format_sql(const DataType *t, StrBuf *out) {
    switch (t->id) {
    case TYPE_DECIMAL: sb_appendf(out, "decimal(%d, %d)", t->precision, t->scale); break;
    case TYPE_CHAR: sb_appendf(out, "char(%d)", t->len); break;
    case TYPE_VARCHAR: sb_appendf(out, "varchar(%d)", t->len); break;
    case TYPE_STRING: sb_appendf(out, "varchar(%d)", t->len ? t->len : STRING_DEFAULT_LEN); break;
    case TYPE_INT: sb_append(out, "int(11)"); break;
    case TYPE_BIGINT: sb_append(out, "bigint(20)"); break;
    case TYPE_SMALLINT: sb_append(out, "smallint(6)"); break;
    case TYPE_TINYINT: sb_append(out, "tinyint(4)"); break;
    case TYPE_LARGEINT: sb_append(out, "largeint(40)"); break;
    default: {
        const char *n = type_name(t->id);
        for (; *n; n++) sb_putc(out, (char)tolower((unsigned char)*n));
    }
    }
}

Status type_from_name(const char *name, int nparams, const int *params, DataType *out, Error *err) {
    struct {
        const char *name;
        TypeId id;
    } map[] = {{"BOOLEAN", TYPE_BOOLEAN},   {"BOOL", TYPE_BOOLEAN},       {"TINYINT", TYPE_TINYINT},
               {"SMALLINT", TYPE_SMALLINT}, {"INT", TYPE_INT},            {"INTEGER", TYPE_INT},
               {"BIGINT", TYPE_BIGINT},     {"LARGEINT", TYPE_LARGEINT},  {"FLOAT", TYPE_FLOAT},
               {"DOUBLE", TYPE_DOUBLE},     {"DECIMAL", TYPE_DECIMAL},    {"DECIMALV2", TYPE_DECIMAL},
               {"DECIMALV3", TYPE_DECIMAL}, {"DECIMAL32", TYPE_DECIMAL},  {"DECIMAL64", TYPE_DECIMAL},
               {"DECIMAL128", TYPE_DECIMAL}, {"NUMERIC", TYPE_DECIMAL},   {"CHAR", TYPE_CHAR},
               {"VARCHAR", TYPE_VARCHAR},   {"STRING", TYPE_STRING},      {"TEXT", TYPE_STRING},
               {"DATE", TYPE_DATE},         {"DATETIME", TYPE_DATETIME},  {"TIMESTAMP", TYPE_DATETIME}};
    TypeId id = TYPE__COUNT;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcasecmp(name, map[i].name)) id = map[i].id;
    if (id == TYPE__COUNT) return err_set(err, ERR_PARSE, "Unknown data type '%s'", name);
    *out = type_make(id);
    switch (id) {
    case TYPE_DECIMAL:
        if (nparams > 2) return err_set(err, ERR_PARSE, "DECIMAL takes (precision, scale)");
        out->precision = nparams >= 1 ? (int16_t)params[0] : 10;
        out->scale = nparams >= 2 ? (int16_t)params[1] : 0;
        if (out->precision < 1 || out->precision > DECIMAL_MAX_PRECISION)
            return err_set(err, ERR_COMMON,
                           "DECIMAL precision must be between 1 and 38, got %d", out->precision);
        if (out->scale < 0 || out->scale > out->precision)
            return err_set(err, ERR_COMMON,
                           "DECIMAL scale must be between 0 and the precision %d, got %d",
                           out->precision, out->scale);
        break;
    case TYPE_CHAR:
        if (nparams > 1) return err_set(err, ERR_PARSE, "CHAR takes one length");
        out->len = nparams ? params[0] : 1;
        if (out->len < 1 || out->len > 255)
            return err_set(err, ERR_COMMON, "CHAR length must be between 1 and 255, got %d", out->len);
        break;
    case TYPE_VARCHAR:
        if (nparams > 1) return err_set(err, ERR_PARSE, "VARCHAR takes one length");
        out->len = nparams ? params[0] : 1;
        if (out->len < 1 || out->len > VARCHAR_MAX_LEN)
            return err_set(err, ERR_COMMON, "VARCHAR length must be between 1 and %d, got %d",
                           VARCHAR_MAX_LEN, out->len);
        break;
    default:
        /* INT(11) display widths are accepted and ignored, as MySQL and StarRocks do. */
        if (nparams > 1) return err_set(err, ERR_PARSE, "type %s takes no parameters", name);
    }
    return STATUS_OK;
}

int type_mysql_code(const DataType *t) {
    switch (t->id) {
    case TYPE_NULL: return 6;
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: return 1;
    case TYPE_SMALLINT: return 2;
    case TYPE_INT: return 3;
    case TYPE_BIGINT: return 8;
    case TYPE_LARGEINT: return 253;
    case TYPE_FLOAT: return 4;
    case TYPE_DOUBLE: return 5;
    case TYPE_DECIMAL: return 246;
    case TYPE_CHAR: return 254;
    case TYPE_VARCHAR:
    case TYPE_STRING: return 253;
    case TYPE_DATE: return 10;
    case TYPE_DATETIME: return 12;
    default: return 253;
    }
}

/* ---- dates: days since 1970-01-01 in the proleptic Gregorian calendar ---- */

static int32_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void date_to_ymd(int32_t z, int *y, int *m, int *d) {
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yy + (*m <= 2);
}

static int days_in_month(int y, int m) {
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dm[m - 1];
}

bool date_from_ymd(int y, int m, int d, int32_t *days) {
    if (y < 0 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return false;
    *days = days_from_civil(y, m, d);
    return true;
}

static bool read_num(const char **p, const char *end, int maxdigits, int *out) {
    int v = 0, nd = 0;
    while (*p < end && isdigit((unsigned char)**p) && nd < maxdigits) {
        v = v * 10 + (**p - '0');
        (*p)++;
        nd++;
    }
    *out = v;
    return nd > 0;
}

static void trim(const char **s, size_t *n) {
    while (*n && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*s)[*n - 1])) (*n)--;
}

/* Parses the date part; accepts YYYY-MM-DD, YYYY/MM/DD and YYYYMMDD. Leaves *p after it. */
static bool parse_date_part(const char **p, const char *end, int *y, int *m, int *d) {
    const char *s = *p;
    size_t digits = 0;
    while (s + digits < end && isdigit((unsigned char)s[digits])) digits++;
    if (digits == 8) {
        *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        *m = (s[4] - '0') * 10 + (s[5] - '0');
        *d = (s[6] - '0') * 10 + (s[7] - '0');
        *p = s + 8;
        return true;
    }
    if (!read_num(p, end, 4, y)) return false;
    if (*p >= end || (**p != '-' && **p != '/')) return false;
    (*p)++;
    if (!read_num(p, end, 2, m)) return false;
    if (*p >= end || (**p != '-' && **p != '/')) return false;
    (*p)++;
    if (!read_num(p, end, 2, d)) return false;
    return true;
}

bool date_parse(const char *s, size_t n, int32_t *days) {
    trim(&s, &n);
    const char *p = s, *end = s + n;
    int y, m, d;
    if (!parse_date_part(&p, end, &y, &m, &d)) return false;
    /* a datetime string is accepted for a DATE if its time part is well formed (it is truncated) */
    if (p < end) {
        int64_t us;
        if (!datetime_parse(s, n, &us)) return false;
    }
    return date_from_ymd(y, m, d, days);
}

bool datetime_parse(const char *s, size_t n, int64_t *us) {
    trim(&s, &n);
    const char *p = s, *end = s + n;
    int y, m, d, hh = 0, mi = 0, ss = 0, frac = 0;
    if (!parse_date_part(&p, end, &y, &m, &d)) return false;
    if (p < end) {
        if (*p != ' ' && *p != 'T') return false;
        p++;
        if (!read_num(&p, end, 2, &hh)) return false;
        if (p < end && *p == ':') {
            p++;
            if (!read_num(&p, end, 2, &mi)) return false;
            if (p < end && *p == ':') {
                p++;
                if (!read_num(&p, end, 2, &ss)) return false;
                if (p < end && *p == '.') {
                    p++;
                    int nd = 0;
                    while (p < end && isdigit((unsigned char)*p)) {
                        if (nd < 6) frac = frac * 10 + (*p - '0');
                        nd++;
                        p++;
                    }
                    for (; nd < 6; nd++) frac *= 10;
                }
            }
        }
        if (p != end) return false;
    }
    if (hh > 23 || mi > 59 || ss > 59) return false;
    int32_t days;
    if (!date_from_ymd(y, m, d, &days)) return false;
    *us = ((int64_t)days * 86400 + hh * 3600 + mi * 60 + ss) * 1000000LL + frac;
    return true;
}

void date_format(int32_t days, char out[11]) {
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

void datetime_format(int64_t us, char out[27]) {
    int64_t secs = us / 1000000, frac = us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        secs--;
    }
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int y, m, d;
    date_to_ymd((int32_t)days, &y, &m, &d);
    int n = snprintf(out, 27, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, (int)(rem / 3600),
                     (int)(rem / 60 % 60), (int)(rem % 60));
    if (frac) snprintf(out + n, 27 - (size_t)n, ".%06d", (int)frac);
}

/* ---- int128 and decimals ---- */

int int128_format(int128_t v, char *out) {
    char buf[48];
    int n = 0;
    unsigned __int128 u = v < 0 ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
    do {
        buf[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    int len = 0;
    if (v < 0) out[len++] = '-';
    while (n) out[len++] = buf[--n];
    out[len] = '\0';
    return len;
}

int decimal_format(int128_t v, int scale, char *out) {
    if (scale == 0) return int128_format(v, out);
    char digits[48];
    int128_t a = v < 0 ? -v : v;
    int nd = int128_format(a, digits);
    int len = 0;
    if (v < 0) out[len++] = '-';
    if (nd <= scale) {
        out[len++] = '0';
        out[len++] = '.';
        for (int i = 0; i < scale - nd; i++) out[len++] = '0';
        memcpy(out + len, digits, (size_t)nd);
        len += nd;
    } else {
        memcpy(out + len, digits, (size_t)(nd - scale));
        len += nd - scale;
        out[len++] = '.';
        memcpy(out + len, digits + nd - scale, (size_t)scale);
        len += scale;
    }
    out[len] = '\0';
    return len;
}

bool decimal_parse(const char *s, size_t n, int precision, int scale, int128_t *out, bool *overflow) {
    *overflow = false;
    trim(&s, &n);
    const char *p = s, *end = s + n;
    bool neg = false;
    if (p < end && (*p == '-' || *p == '+')) neg = *p++ == '-';
    int128_t intpart = 0, frac = 0;
    int int_digits = 0, frac_digits = 0, seen = 0;
    bool round_up = false;
    while (p < end && isdigit((unsigned char)*p)) {
        if (intpart || *p != '0') int_digits++;
        if (int_digits > 38) {
            *overflow = true;
            return false;
        }
        intpart = intpart * 10 + (*p - '0');
        p++;
        seen++;
    }
    if (p < end && *p == '.') {
        p++;
        while (p < end && isdigit((unsigned char)*p)) {
            if (frac_digits < scale) {
                frac = frac * 10 + (*p - '0');
                frac_digits++;
            } else if (frac_digits == scale) {
                round_up = *p >= '5';
                frac_digits++;
            }
            p++;
            seen++;
        }
    }
    if (!seen) return false;
    int exp = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        /* exponent form: fall back to double conversion (rare in decimal input) */
        char buf[128];
        if (n >= sizeof buf) return false;
        memcpy(buf, s, n);
        buf[n] = '\0';
        char *e;
        double d = strtod(buf, &e);
        if (*e) return false;
        double scaled = d * pow(10, scale);
        if (fabs(scaled) >= 1e38) {
            *overflow = true;
            return false;
        }
        int128_t v = (int128_t)llround(scaled);
        if (fabs(scaled) > 9e18) v = (int128_t)scaled;
        if (v >= POW10_128[precision] || v <= -POW10_128[precision]) {
            *overflow = true;
            return false;
        }
        *out = v;
        (void)exp;
        return true;
    }
    if (p != end) return false;
    int fd = frac_digits > scale ? scale : frac_digits;
    for (int i = fd; i < scale; i++) frac *= 10;
    if (int_digits > precision - scale) {
        *overflow = true;
        return false;
    }
    int128_t v = intpart * POW10_128[scale] + frac + (round_up ? 1 : 0);
    if (v >= POW10_128[precision]) {
        *overflow = true;
        return false;
    }
    *out = neg ? -v : v;
    return true;
}

/* ---- text <-> cell ---- */

static Status parse_int(const DataType *t, const char *s, size_t n, int128_t *out, Error *err) {
    const char *os = s;
    size_t on = n;
    trim(&s, &n);
    if (t->id == TYPE_BOOLEAN) {
        if ((n == 4 && !strncasecmp(s, "true", 4)) || (n == 1 && *s == '1')) {
            *out = 1;
            return STATUS_OK;
        }
        if ((n == 5 && !strncasecmp(s, "false", 5)) || (n == 1 && *s == '0')) {
            *out = 0;
            return STATUS_OK;
        }
        return err_set(err, ERR_TRUNCATED_WRONG_VALUE, "Incorrect boolean value: '%.*s'", (int)on, os);
    }
    const char *p = s, *end = s + n;
    bool neg = false;
    if (p < end && (*p == '-' || *p == '+')) neg = *p++ == '-';
    if (p == end) goto bad;
    unsigned __int128 v = 0;
    for (; p < end; p++) {
        if (!isdigit((unsigned char)*p)) goto bad;
        v = v * 10 + (unsigned)(*p - '0');
        if (v > ((unsigned __int128)1 << 127)) goto range;
    }
    int128_t sv;
    if (neg)
        sv = v == ((unsigned __int128)1 << 127) ? (int128_t)(((unsigned __int128)1) << 127) : -(int128_t)v;
    else {
        if (v == ((unsigned __int128)1 << 127)) goto range;
        sv = (int128_t)v;
    }
    int128_t lo, hi;
    switch (t->id) {
    case TYPE_TINYINT: lo = INT8_MIN; hi = INT8_MAX; break;
    case TYPE_SMALLINT: lo = INT16_MIN; hi = INT16_MAX; break;
    case TYPE_INT: lo = INT32_MIN; hi = INT32_MAX; break;
    case TYPE_BIGINT: lo = INT64_MIN; hi = INT64_MAX; break;
    default: lo = sv; hi = sv;
    }
    if (sv < lo || sv > hi) goto range;
    *out = sv;
    return STATUS_OK;
bad:
    return err_set(err, ERR_TRUNCATED_WRONG_VALUE, "Incorrect %s value: '%.*s'", type_name(t->id), (int)on, os);
range:
    return err_set(err, ERR_DATA_OUT_OF_RANGE, "Out of range value for %s: '%.*s'", type_name(t->id), (int)on, os);
}

Status type_parse_cell(const DataType *t, const char *s, size_t n, void *out, Arena *arena, Error *err) {
    switch (t->id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT:
    case TYPE_SMALLINT:
    case TYPE_INT:
    case TYPE_BIGINT:
    case TYPE_LARGEINT: {
        int128_t v = 0;
        if (parse_int(t, s, n, &v, err)) return STATUS_ERROR;
        switch (t->id) {
        case TYPE_BOOLEAN:
        case TYPE_TINYINT: *(int8_t *)out = (int8_t)v; break;
        case TYPE_SMALLINT: *(int16_t *)out = (int16_t)v; break;
        case TYPE_INT: *(int32_t *)out = (int32_t)v; break;
        case TYPE_BIGINT: *(int64_t *)out = (int64_t)v; break;
        default: memcpy(out, &v, sizeof v);
        }
        return STATUS_OK;
    }
    case TYPE_FLOAT:
    case TYPE_DOUBLE: {
        char buf[256];
        const char *ts = s;
        size_t tn = n;
        trim(&ts, &tn);
        if (tn == 0 || tn >= sizeof buf) goto badnum;
        memcpy(buf, ts, tn);
        buf[tn] = '\0';
        char *e;
        errno = 0;
        double d = strtod(buf, &e);
        if (*e || isnan(d)) goto badnum;
        if (t->id == TYPE_FLOAT) {
            float f = (float)d;
            memcpy(out, &f, sizeof f);
        } else {
            memcpy(out, &d, sizeof d);
        }
        return STATUS_OK;
    badnum:
        return err_set(err, ERR_TRUNCATED_WRONG_VALUE, "Incorrect %s value: '%.*s'", type_name(t->id),
                       (int)n, s);
    }
    case TYPE_DECIMAL: {
        int128_t v;
        bool overflow;
        if (!decimal_parse(s, n, t->precision, t->scale, &v, &overflow)) {
            if (overflow)
                return err_set(err, ERR_DATA_OUT_OF_RANGE, "Out of range value for DECIMAL(%d,%d): '%.*s'",
                               t->precision, t->scale, (int)n, s);
            return err_set(err, ERR_TRUNCATED_WRONG_VALUE, "Incorrect DECIMAL value: '%.*s'", (int)n, s);
        }
        memcpy(out, &v, sizeof v);
        return STATUS_OK;
    }
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: {
        int32_t max = t->len ? t->len : STRING_DEFAULT_LEN;
        if (t->id == TYPE_STRING && t->len == 0) max = VARCHAR_MAX_LEN;
        if ((int64_t)n > max)
            return err_set(err, ERR_DATA_TOO_LONG, "Data too long: %zu bytes exceed %s(%d)", n,
                           type_name(t->id), max);
        Slice sl = {arena ? arena_strndup(arena, s, n) : s, (uint32_t)n};
        memcpy(out, &sl, sizeof sl);
        return STATUS_OK;
    }
    case TYPE_DATE: {
        int32_t d;
        if (!date_parse(s, n, &d))
            return err_set(err, ERR_TRUNCATED_WRONG_VALUE, "Incorrect DATE value: '%.*s'", (int)n, s);
        memcpy(out, &d, sizeof d);
        return STATUS_OK;
    }
    case TYPE_DATETIME: {
        int64_t us;
        if (!datetime_parse(s, n, &us))
            return err_set(err, ERR_TRUNCATED_WRONG_VALUE, "Incorrect DATETIME value: '%.*s'", (int)n, s);
        memcpy(out, &us, sizeof us);
        return STATUS_OK;
    }
    default: return err_set(err, ERR_INTERNAL, "cannot parse a value of type %s", type_name(t->id));
    }
}

static void format_double(double d, StrBuf *out, int maxprec) {
    char buf[64];
    if (isnan(d)) {
        sb_append(out, "nan");
        return;
    }
    if (isinf(d)) {
        sb_append(out, d > 0 ? "inf" : "-inf");
        return;
    }
    for (int prec = maxprec - 2; prec <= maxprec; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (maxprec == 9 ? (float)strtod(buf, NULL) == (float)d : strtod(buf, NULL) == d) break;
    }
    sb_append(out, buf);
}

void type_format_cell(const DataType *t, const void *cell, StrBuf *out) {
    char buf[64];
    switch (t->id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: sb_appendf(out, "%d", *(const int8_t *)cell); break;
    case TYPE_SMALLINT: sb_appendf(out, "%d", *(const int16_t *)cell); break;
    case TYPE_INT: sb_appendf(out, "%d", *(const int32_t *)cell); break;
    case TYPE_BIGINT: sb_appendf(out, "%lld", (long long)*(const int64_t *)cell); break;
    case TYPE_LARGEINT: {
        int128_t v;
        memcpy(&v, cell, sizeof v);
        int n = int128_format(v, buf);
        sb_appendn(out, buf, (size_t)n);
        break;
    }
    case TYPE_FLOAT: {
        float f;
        memcpy(&f, cell, sizeof f);
        format_double(f, out, 9);
        break;
    }
    case TYPE_DOUBLE: {
        double d;
        memcpy(&d, cell, sizeof d);
        format_double(d, out, 17);
        break;
    }
    case TYPE_DECIMAL: {
        int128_t v;
        memcpy(&v, cell, sizeof v);
        int n = decimal_format(v, t->scale, buf);
        sb_appendn(out, buf, (size_t)n);
        break;
    }
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: {
        Slice s;
        memcpy(&s, cell, sizeof s);
        sb_appendn(out, s.ptr, s.len);
        break;
    }
    case TYPE_DATE: {
        int32_t d;
        memcpy(&d, cell, sizeof d);
        date_format(d, buf);
        sb_append(out, buf);
        break;
    }
    case TYPE_DATETIME: {
        int64_t us;
        memcpy(&us, cell, sizeof us);
        datetime_format(us, buf);
        sb_append(out, buf);
        break;
    }
    default: sb_append(out, "?");
    }
}

static void datum_to_cell(const DataType *t, const Datum *d, void *cell) {
    switch (t->id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: *(int8_t *)cell = (int8_t)d->v.i64; break;
    case TYPE_SMALLINT: *(int16_t *)cell = (int16_t)d->v.i64; break;
    case TYPE_INT:
    case TYPE_DATE: *(int32_t *)cell = (int32_t)d->v.i64; break;
    case TYPE_BIGINT:
    case TYPE_DATETIME: *(int64_t *)cell = d->v.i64; break;
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: memcpy(cell, &d->v.i128, 16); break;
    case TYPE_FLOAT: *(float *)cell = (float)d->v.f64; break;
    case TYPE_DOUBLE: *(double *)cell = d->v.f64; break;
    default: memcpy(cell, &d->v.str, sizeof(Slice));
    }
}

static void cell_to_datum(const DataType *t, const void *cell, Datum *d) {
    d->is_null = false;
    switch (t->id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: d->v.i64 = *(const int8_t *)cell; break;
    case TYPE_SMALLINT: d->v.i64 = *(const int16_t *)cell; break;
    case TYPE_INT:
    case TYPE_DATE: d->v.i64 = *(const int32_t *)cell; break;
    case TYPE_BIGINT:
    case TYPE_DATETIME: d->v.i64 = *(const int64_t *)cell; break;
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: memcpy(&d->v.i128, cell, 16); break;
    case TYPE_FLOAT: d->v.f64 = *(const float *)cell; break;
    case TYPE_DOUBLE: d->v.f64 = *(const double *)cell; break;
    default: memcpy(&d->v.str, cell, sizeof(Slice));
    }
}

Status type_parse_datum(const DataType *t, const char *s, size_t n, Datum *out, Arena *arena, Error *err) {
    _Alignas(16) unsigned char cell[16];
    if (type_parse_cell(t, s, n, cell, arena, err)) return STATUS_ERROR;
    cell_to_datum(t, cell, out);
    return STATUS_OK;
}

void type_format_datum(const DataType *t, const Datum *d, StrBuf *out) {
    if (d->is_null) {
        sb_append(out, "NULL");
        return;
    }
    _Alignas(16) unsigned char cell[16];
    datum_to_cell(t, d, cell);
    type_format_cell(t, cell, out);
}

int type_compare_datum(const DataType *t, const Datum *a, const Datum *b) {
    switch (t->id) {
    case TYPE_LARGEINT:
    case TYPE_DECIMAL: return a->v.i128 < b->v.i128 ? -1 : a->v.i128 > b->v.i128;
    case TYPE_FLOAT:
    case TYPE_DOUBLE: return a->v.f64 < b->v.f64 ? -1 : a->v.f64 > b->v.f64;
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: {
        uint32_t n = a->v.str.len < b->v.str.len ? a->v.str.len : b->v.str.len;
        int c = n ? memcmp(a->v.str.ptr, b->v.str.ptr, n) : 0;
        if (c) return c < 0 ? -1 : 1;
        return a->v.str.len < b->v.str.len ? -1 : a->v.str.len > b->v.str.len;
    }
    default: return a->v.i64 < b->v.i64 ? -1 : a->v.i64 > b->v.i64;
    }
}
