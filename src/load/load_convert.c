/* Source rows to table rows (load_convert.h). Text fields are parsed straight into the cells of a pending
 * batch (no intermediate Datum); a row that fails is simply not counted, so its half-written cells are
 * overwritten by the next row. Mapping expressions are evaluated per row by substituting the row's source
 * values as literals and running the query engine's constant evaluator. */
#include "load/load_convert.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog/catalog.h"
#include "exec/exec.h"
#include "load/load_util.h"
#include "sql/parser.h"
#include "util/clock.h"
#include "util/str.h"

typedef enum ColSrcKind { CS_FIELD, CS_EXPR, CS_CONST } ColSrcKind;

typedef struct ColSrc {
    ColSrcKind kind;
    int field;   /* CS_FIELD */
    Expr *expr;  /* CS_EXPR */
    Datum value; /* CS_CONST */
} ColSrc;

struct LoadConvert {
    Session *s;
    const LoadTableInfo *ti;
    bool strict;
    Arena *cfg;
    ColSrc *src;
    int nsrc;
    char **src_names;
    Arena *batch_arena;
    Batch *b;
    int64_t *lines;
    Arena *row_arena; /* expression temporaries, reset per row */
    const CsvField *row_fields;
    char *str_next; /* packed string bytes of the pending batch */
    size_t str_left;
    char reason[1200];
};

/* ---------------------------------------------------------------- columns header */

Status load_parse_columns(const char *text, Arena *a, LoadColumnItem **items, int *nitems, Error *err) {
    *items = NULL;
    *nitems = 0;
    size_t n = strlen(text);
    int cap = 0;
    size_t start = 0;
    int depth = 0;
    char quote = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? text[i] : ',';
        if (quote) {
            if (c == quote) quote = 0;
            if (c == '\\' && i + 1 < n) i++;
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
            quote = c;
            continue;
        }
        if (c == '(') depth++;
        if (c == ')') depth--;
        if (c != ',' || depth > 0) continue;
        /* one item: text[start, i) */
        const char *s = text + start;
        size_t len = i - start;
        start = i + 1;
        while (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) s++, len--;
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r')) len--;
        if (!len) return err_set(err, ERR_INVALID_ARGUMENT, "columns '%s': an empty item", text);
        LoadColumnItem it = {0};
        /* name [= expr]: the first '=' not part of a comparison operator */
        const char *eq = NULL;
        for (size_t k = 0; k < len; k++)
            if (s[k] == '=' && (k == 0 || (s[k - 1] != '<' && s[k - 1] != '>' && s[k - 1] != '!')) &&
                (k + 1 >= len || s[k + 1] != '=')) {
                eq = s + k;
                break;
            }
        const char *ne = eq ? eq : s + len;
        while (ne > s && (ne[-1] == ' ' || ne[-1] == '\t')) ne--;
        const char *ns = s;
        if (ne - ns >= 2 && *ns == '`' && ne[-1] == '`') ns++, ne--;
        if (ne <= ns) return err_set(err, ERR_INVALID_ARGUMENT, "columns '%s': an item without a column name", text);
        it.name = arena_strndup(a, ns, (size_t)(ne - ns));
        if (eq) {
            const char *es = eq + 1;
            size_t elen = (size_t)(s + len - es);
            if (sql_parse_expr(a, es, elen, &it.expr, err))
                return err_prefix(err, "columns: the expression for '%s': ", it.name);
        }
        if (*nitems == cap) {
            cap = cap ? cap * 2 : 16;
            LoadColumnItem *ni = arena_alloc(a, sizeof *ni * (size_t)cap);
            if (*nitems) memcpy(ni, *items, sizeof *ni * (size_t)*nitems);
            *items = ni;
        }
        (*items)[(*nitems)++] = it;
    }
    return STATUS_OK;
}

/* ---------------------------------------------------------------- defaults */

Status load_column_default(const LoadColumn *c, Datum *out, Arena *a, Error *err) {
    memset(out, 0, sizeof *out);
    switch (c->default_kind) {
    case CAT_DEFAULT_VALUE: {
        const char *v = c->default_value ? c->default_value : "";
        if (type_parse_datum(&c->type, v, strlen(v), out, a, err))
            return err_prefix(err, "the DEFAULT of column '%s': ", c->name);
        return STATUS_OK;
    }
    case CAT_DEFAULT_CURRENT_TIMESTAMP: {
        /* DATETIME is wall-clock time: the server's local time, as StarRocks' now() */
        int64_t us = clock_now_us();
        time_t secs = (time_t)(us / 1000000);
        struct tm tm;
        localtime_r(&secs, &tm);
        us += (int64_t)tm.tm_gmtoff * 1000000;
        if (c->type.id == TYPE_DATE)
            out->v.i64 = (int32_t)((us / 1000000 - ((us % 1000000 < 0) ? 1 : 0)) / 86400);
        else
            out->v.i64 = us - us % 1000; /* millisecond precision, as StarRocks stores now() */
        return STATUS_OK;
    }
    case CAT_DEFAULT_NULL:
        if (!c->nullable)
            return err_set(err, ERR_BAD_NULL, "Column '%s' cannot be null (its DEFAULT is NULL)", c->name);
        out->is_null = true;
        return STATUS_OK;
    default:
        if (c->auto_increment)
            return err_set(err, ERR_NOT_SUPPORTED,
                           "Column '%s' is AUTO_INCREMENT: give its values explicitly (generated values are not "
                           "supported)",
                           c->name);
        if (c->nullable) {
            out->is_null = true;
            return STATUS_OK;
        }
        return err_set(err, ERR_COMMON, "Column '%s' has no default value and is not in the column list", c->name);
    }
}

/* ---------------------------------------------------------------- mapping */

static int find_source(const LoadConvert *c, const char *name) {
    for (int i = 0; i < c->nsrc; i++)
        if (str_ieq(c->src_names[i], name)) return i;
    return -1;
}

/* Every column an expression mentions must be a source name; subqueries make no sense per row. */
static Status check_expr(const LoadConvert *c, const Expr *e, const char *target, Error *err) {
    if (!e) return STATUS_OK;
    if (e->kind == EXPR_COLUMN && find_source(c, e->text) < 0)
        return err_set(err, ERR_BAD_FIELD, "Unknown column '%s' in the mapping of column '%s' (the columns header "
                       "names the source columns)", e->text, target);
    if (e->subquery || e->kind == EXPR_STAR)
        return err_set(err, ERR_NOT_SUPPORTED, "the mapping of column '%s' may not use subqueries or *", target);
    if (check_expr(c, e->left, target, err) || check_expr(c, e->right, target, err) ||
        check_expr(c, e->third, target, err))
        return STATUS_ERROR;
    for (int i = 0; i < e->nargs; i++)
        if (check_expr(c, e->args[i], target, err)) return STATUS_ERROR;
    return STATUS_OK;
}

static void new_batch(LoadConvert *c) {
    arena_reset(c->batch_arena);
    c->str_next = NULL;
    c->str_left = 0;
    const LoadTableInfo *ti = c->ti;
    c->b = arena_calloc(c->batch_arena, sizeof *c->b);
    c->b->ncols = ti->ncols;
    c->b->arena = c->batch_arena;
    c->b->cols = arena_alloc(c->batch_arena, sizeof(ColumnVector *) * (size_t)(ti->ncols + 1));
    for (int i = 0; i < ti->ncols; i++) {
        ColumnVector *v = colvec_new(c->batch_arena, ti->cols[i].type, BATCH_SIZE);
        if (ti->cols[i].nullable) colvec_ensure_nulls(v);
        c->b->cols[i] = v;
    }
    c->lines = arena_alloc(c->batch_arena, sizeof(int64_t) * BATCH_SIZE);
}

Status load_convert_new(Session *s, const LoadTableInfo *ti, const LoadColumnItem *items, int nitems, bool strict,
                        LoadConvert **out, Error *err) {
    *out = NULL;
    LoadConvert *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->s = s;
    c->ti = ti;
    c->strict = strict;
    c->cfg = arena_new(0);
    c->batch_arena = arena_new(1 << 20);
    c->row_arena = arena_new(0);
    c->src = arena_calloc(c->cfg, sizeof(ColSrc) * (size_t)(ti->ncols + 1));
    if (!items) {
        c->nsrc = ti->ncols;
        c->src_names = arena_alloc(c->cfg, sizeof(char *) * (size_t)(ti->ncols + 1));
        for (int i = 0; i < ti->ncols; i++) {
            c->src_names[i] = arena_strdup(c->cfg, ti->cols[i].name);
            c->src[i].kind = CS_FIELD;
            c->src[i].field = i;
        }
    } else {
        c->src_names = arena_alloc(c->cfg, sizeof(char *) * (size_t)(nitems + 1));
        for (int i = 0; i < nitems; i++)
            if (!items[i].expr) c->src_names[c->nsrc++] = arena_strdup(c->cfg, items[i].name);
        bool *set = arena_calloc(c->cfg, sizeof(bool) * (size_t)(ti->ncols + 1));
        for (int i = 0; i < ti->ncols; i++) {
            int f = find_source(c, ti->cols[i].name);
            if (f >= 0) {
                c->src[i].kind = CS_FIELD;
                c->src[i].field = f;
                set[i] = true;
            }
        }
        for (int i = 0; i < nitems; i++) {
            if (!items[i].expr) continue;
            int col = -1;
            for (int k = 0; k < ti->ncols; k++)
                if (str_ieq(ti->cols[k].name, items[i].name)) col = k;
            if (col < 0) {
                err_set(err, ERR_BAD_FIELD, "Unknown column '%s' in table '%s' (the target of a columns mapping)",
                        items[i].name, ti->table_name);
                goto fail;
            }
            if (check_expr(c, items[i].expr, items[i].name, err)) goto fail;
            c->src[col].kind = CS_EXPR;
            c->src[col].expr = items[i].expr;
            set[col] = true;
        }
        for (int i = 0; i < ti->ncols; i++) {
            if (set[i]) continue;
            c->src[i].kind = CS_CONST;
            if (load_column_default(&ti->cols[i], &c->src[i].value, c->cfg, err)) goto fail;
        }
    }
    new_batch(c);
    *out = c;
    return STATUS_OK;
fail:
    load_convert_free(c);
    return STATUS_ERROR;
}

void load_convert_free(LoadConvert *c) {
    if (!c) return;
    arena_free(c->cfg);
    arena_free(c->batch_arena);
    arena_free(c->row_arena);
    free(c);
}

int load_convert_nsources(const LoadConvert *c) {
    return c->nsrc;
}

const char *const *load_convert_source_names(const LoadConvert *c) {
    return (const char *const *)c->src_names;
}

uint32_t load_convert_pending(const LoadConvert *c) {
    return c->b->nrows;
}

Batch *load_convert_batch(LoadConvert *c, const int64_t **lines) {
    for (int i = 0; i < c->b->ncols; i++) c->b->cols[i]->len = c->b->nrows;
    if (lines) *lines = c->lines;
    return c->b;
}

void load_convert_reset(LoadConvert *c) {
    new_batch(c);
}

/* A copy of e with source columns replaced by the row's values as string literals (NULL stays NULL). */
static Expr *bind_row(LoadConvert *c, const Expr *e) {
    if (!e) return NULL;
    Expr *o = arena_alloc(c->row_arena, sizeof *o);
    *o = *e;
    if (e->kind == EXPR_COLUMN) {
        const CsvField *f = &c->row_fields[find_source(c, e->text)];
        memset(o, 0, sizeof *o);
        o->line = e->line;
        o->col = e->col;
        if (f->is_null) {
            o->kind = EXPR_NULL;
        } else {
            o->kind = EXPR_STRING;
            o->text = arena_strndup(c->row_arena, f->ptr, f->len);
            o->ival = f->len;
        }
        o->src = e->src;
        return o;
    }
    o->left = bind_row(c, e->left);
    o->right = bind_row(c, e->right);
    o->third = bind_row(c, e->third);
    if (e->nargs) {
        o->args = arena_alloc(c->row_arena, sizeof(Expr *) * (size_t)e->nargs);
        for (int i = 0; i < e->nargs; i++) o->args[i] = bind_row(c, e->args[i]);
    }
    return o;
}

/* ---------------------------------------------------------------- fast paths
 * The common shapes of CSV values parsed without the general parser's trimming and case analysis; anything
 * else (spaces, signs in odd places, long numbers, fractions of seconds, ...) returns false and goes the
 * general way, so the results are the same, only cheaper. */

static inline bool all_digits(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned)(p[i] - '0') > 9) return false;
    return true;
}

static inline int64_t digits_value(const char *p, size_t n) {
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) v = v * 10 + (p[i] - '0');
    return v;
}

/* An integer of up to 18 digits with an optional '-'. */
static bool fast_int(const DataType *t, const char *p, size_t n, void *cell) {
    bool neg = n && *p == '-';
    const char *d = p + neg;
    size_t nd = n - neg;
    if (nd == 0 || nd > 18 || !all_digits(d, nd)) return false;
    int64_t v = digits_value(d, nd);
    if (neg) v = -v;
    switch (t->id) {
    case TYPE_TINYINT:
        if (v < INT8_MIN || v > INT8_MAX) return false;
        *(int8_t *)cell = (int8_t)v;
        return true;
    case TYPE_SMALLINT:
        if (v < INT16_MIN || v > INT16_MAX) return false;
        *(int16_t *)cell = (int16_t)v;
        return true;
    case TYPE_INT:
        if (v < INT32_MIN || v > INT32_MAX) return false;
        *(int32_t *)cell = (int32_t)v;
        return true;
    case TYPE_BIGINT: *(int64_t *)cell = v; return true;
    case TYPE_LARGEINT: {
        int128_t w = v;
        memcpy(cell, &w, sizeof w);
        return true;
    }
    default: return false;
    }
}

/* [-]digits[.digits] with no more fraction digits than the scale and fitting the precision. */
static bool fast_decimal(const DataType *t, const char *p, size_t n, void *cell) {
    bool neg = n && *p == '-';
    const char *d = p + neg, *e = p + n;
    const char *dot = memchr(d, '.', (size_t)(e - d));
    size_t ni = (size_t)((dot ? dot : e) - d), nf = dot ? (size_t)(e - dot - 1) : 0;
    if (ni == 0 || (dot && nf == 0) || nf > (size_t)t->scale || ni + (size_t)t->scale > 18) return false;
    if ((int)ni > t->precision - t->scale && !(ni == 1 && d[0] == '0')) return false;
    if (!all_digits(d, ni) || (nf && !all_digits(dot + 1, nf))) return false;
    int64_t v = digits_value(d, ni);
    if (nf) v = v * (int64_t)POW10_128[nf] + digits_value(dot + 1, nf);
    v *= (int64_t)POW10_128[t->scale - (int)nf];
    int128_t w = neg ? -(int128_t)v : (int128_t)v;
    memcpy(cell, &w, sizeof w);
    return true;
}

/* YYYY-MM-DD, and for DATETIME an optional " HH:MM:SS". */
static bool fast_temporal(const DataType *t, const char *p, size_t n, void *cell) {
    if (n != 10 && !(t->id == TYPE_DATETIME && n == 19)) return false;
    if (p[4] != '-' || p[7] != '-' || !all_digits(p, 4) || !all_digits(p + 5, 2) || !all_digits(p + 8, 2))
        return false;
    int32_t days;
    if (!date_from_ymd((int)digits_value(p, 4), (int)digits_value(p + 5, 2), (int)digits_value(p + 8, 2), &days))
        return false;
    if (t->id == TYPE_DATE) {
        *(int32_t *)cell = days;
        return true;
    }
    int64_t secs = 0;
    if (n == 19) {
        if (p[10] != ' ' || p[13] != ':' || p[16] != ':' || !all_digits(p + 11, 2) || !all_digits(p + 14, 2) ||
            !all_digits(p + 17, 2))
            return false;
        int64_t hh = digits_value(p + 11, 2), mi = digits_value(p + 14, 2), ss = digits_value(p + 17, 2);
        if (hh > 23 || mi > 59 || ss > 59) return false;
        secs = hh * 3600 + mi * 60 + ss;
    }
    *(int64_t *)cell = ((int64_t)days * 86400 + secs) * 1000000LL;
    return true;
}

/* Copies string bytes into the batch's string block (packed: no per-string alignment). */
static const char *copy_string(LoadConvert *c, const char *p, size_t n) {
    if (n == 0) return "";
    if (c->str_left < n) {
        size_t cap = n > 65536 ? n : 65536;
        c->str_next = arena_alloc(c->batch_arena, cap);
        c->str_left = cap;
    }
    char *o = c->str_next;
    memcpy(o, p, n);
    c->str_next += n;
    c->str_left -= n;
    return o;
}

/* Parses a field into a cell: the fast path when the value has a common shape, else the general parser. */
static Status parse_field(LoadConvert *c, const DataType *t, const char *p, size_t n, void *cell, Error *err) {
    switch (t->id) {
    case TYPE_TINYINT:
    case TYPE_SMALLINT:
    case TYPE_INT:
    case TYPE_BIGINT:
    case TYPE_LARGEINT:
        if (fast_int(t, p, n, cell)) return STATUS_OK;
        break;
    case TYPE_DECIMAL:
        if (fast_decimal(t, p, n, cell)) return STATUS_OK;
        break;
    case TYPE_DATE:
    case TYPE_DATETIME:
        if (fast_temporal(t, p, n, cell)) return STATUS_OK;
        break;
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: {
        int64_t max = t->len ? t->len : STRING_DEFAULT_LEN;
        if (t->id == TYPE_STRING && t->len == 0) max = VARCHAR_MAX_LEN;
        if ((int64_t)n > max) break; /* the general parser words the error */
        Slice sl = {copy_string(c, p, n), (uint32_t)n};
        memcpy(cell, &sl, sizeof sl);
        return STATUS_OK;
    }
    default: break;
    }
    return type_parse_cell(t, p, n, cell, c->batch_arena, err);
}

static bool is_json_bool(const CsvField *f, int *v) {
    if (f->len == 4 && !memcmp(f->ptr, "true", 4)) return (*v = 1), true;
    if (f->len == 5 && !memcmp(f->ptr, "false", 5)) return (*v = 0), true;
    return false;
}

static bool reject(LoadConvert *c, const char **reason, const char *fmt, ...) PRINTF_FMT(3, 4);
static bool reject(LoadConvert *c, const char **reason, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
    *reason = c->reason;
    return false;
}

bool load_convert_row(LoadConvert *c, const CsvField *fields, int nfields, int64_t line, const char **reason) {
    if (nfields != c->nsrc)
        return reject(c, reason, "Value count does not match column count. Expect %d, but got %d", c->nsrc, nfields);
    if (c->b->nrows >= BATCH_SIZE)
        return reject(c, reason, "internal: the pending batch is full (call load_convert_batch first)");
    const LoadTableInfo *ti = c->ti;
    uint32_t r = c->b->nrows;
    Error err;
    for (int i = 0; i < ti->ncols; i++) {
        const LoadColumn *col = &ti->cols[i];
        ColumnVector *v = c->b->cols[i];
        void *cell = colvec_cell(v, r);
        const ColSrc *src = &c->src[i];
        bool is_null = false;
        switch (src->kind) {
        case CS_FIELD: {
            const CsvField *f = &fields[src->field];
            if (f->is_null) {
                is_null = true;
                break;
            }
            if (parse_field(c, &col->type, f->ptr, f->len, cell, &err) == STATUS_OK) break;
            int bv;
            if (type_is_numeric(col->type.id) && is_json_bool(f, &bv)) {
                Datum d = {.is_null = false};
                d.v.i64 = bv;
                if (col->type.id == TYPE_DECIMAL) d.v.i128 = (int128_t)bv * POW10_128[col->type.scale];
                else if (col->type.id == TYPE_LARGEINT) d.v.i128 = bv;
                else if (col->type.id == TYPE_FLOAT || col->type.id == TYPE_DOUBLE) d.v.f64 = bv;
                load_datum_to_cell(&col->type, &d, cell);
                break;
            }
            if (c->strict || !col->nullable)
                return reject(c, reason, "column '%s' (%s): %s", col->name, type_name(col->type.id), err.msg);
            is_null = true;
            break;
        }
        case CS_EXPR: {
            arena_reset(c->row_arena);
            c->row_fields = fields;
            Expr *e = bind_row(c, src->expr);
            Datum d;
            if (exec_eval_const(c->s, e, &col->type, &d, c->batch_arena, &err)) {
                if (c->strict || !col->nullable)
                    return reject(c, reason, "column '%s' (%s): %s", col->name, type_name(col->type.id), err.msg);
                is_null = true;
                break;
            }
            if (d.is_null)
                is_null = true;
            else
                load_datum_to_cell(&col->type, &d, cell);
            break;
        }
        case CS_CONST:
            if (src->value.is_null)
                is_null = true;
            else
                load_datum_to_cell(&col->type, &src->value, cell);
            break;
        }
        if (is_null) {
            if (!col->nullable) return reject(c, reason, "NULL value in non-nullable column '%s'", col->name);
            /* a NULL cell must still hold a valid value: copies read it (a string's length, say) */
            memset(cell, 0, type_cell_size(col->type.id));
            v->nulls[r] = 1;
        } else if (v->nulls) {
            v->nulls[r] = 0;
        }
    }
    c->lines[r] = line;
    c->b->nrows++;
    return true;
}
