/* The streaming CSV reader (csv_reader.h). Input accumulates in one buffer from which complete records are
 * cut; only the unfinished tail is kept between chunks, so memory is bounded by the chunk size plus the
 * longest record. Without enclose and escape, fields point straight into the buffer (memchr fast path);
 * with them, a byte-wise state machine writes unescaped field bytes into a scratch buffer. */
#include "load/csv_reader.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct CsvReader {
    CsvOptions o;
    size_t max_record;
    char *buf; /* unconsumed input is buf[start, len) */
    size_t start, len, cap;
    size_t scanned; /* fast path: bytes after start already known to hold no row delimiter */
    char *scratch;  /* slow path: unescaped field bytes of the current record */
    size_t scratch_cap;
    CsvField *fields;
    uint32_t *field_off; /* slow path: offsets into scratch (fixed up into ptrs once the record is whole) */
    int fields_cap;
    int64_t line;    /* records seen, header included */
    int64_t records; /* records delivered */
};

void csv_options_init(CsvOptions *o) {
    memset(o, 0, sizeof *o);
    o->col_sep[0] = '\t';
    o->col_sep_len = 1;
    o->row_delim[0] = '\n';
    o->row_delim_len = 1;
    o->enclose = -1;
    o->escape = -1;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes the escapes a header value may carry; returns the decoded length or -1 on a bad \x escape. */
static long decode_escapes(const char *text, char *out, size_t cap) {
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (n >= cap) return -2;
        if (*p != '\\' || !p[1]) {
            out[n++] = *p;
            continue;
        }
        char c = *++p;
        switch (c) {
        case 't': out[n++] = '\t'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case '\\': out[n++] = '\\'; break;
        case 'x':
        case 'X': {
            /* \xHH... : pairs of hex digits, as StarRocks' "\x01" notation */
            int any = 0;
            while (hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
                if (n >= cap) return -2;
                out[n++] = (char)(hexval(p[1]) * 16 + hexval(p[2]));
                p += 2;
                any = 1;
            }
            if (!any) return -1;
            break;
        }
        default:
            out[n++] = '\\';
            if (n >= cap) return -2;
            out[n++] = c;
        }
    }
    return (long)n;
}

Status csv_options_set_sep(char *dst, size_t *dst_len, const char *text, const char *what, Error *err) {
    char tmp[CSV_SEP_MAX * 4 + 8];
    long n = decode_escapes(text, tmp, CSV_SEP_MAX);
    if (n == -1) return err_set(err, ERR_INVALID_ARGUMENT, "%s '%s': \\x must be followed by hex digits", what, text);
    if (n == -2)
        return err_set(err, ERR_INVALID_ARGUMENT, "%s '%s' is longer than %d bytes", what, text, CSV_SEP_MAX);
    if (n == 0) return err_set(err, ERR_INVALID_ARGUMENT, "%s must not be empty", what);
    memcpy(dst, tmp, (size_t)n);
    dst[n] = '\0';
    *dst_len = (size_t)n;
    return STATUS_OK;
}

Status csv_options_set_byte(int *dst, const char *text, const char *what, Error *err) {
    char tmp[8];
    long n = decode_escapes(text, tmp, 4);
    if (n == 0) {
        *dst = -1;
        return STATUS_OK;
    }
    if (n != 1)
        return err_set(err, ERR_INVALID_ARGUMENT, "%s '%s' must be a single byte (or \\xHH)", what, text);
    *dst = (unsigned char)tmp[0];
    return STATUS_OK;
}

CsvReader *csv_reader_new(const CsvOptions *o, size_t max_record) {
    CsvReader *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->o = *o;
    /* an escape equal to the quote is RFC 4180's doubled quote, which enclose handles already */
    if (r->o.escape >= 0 && r->o.escape == r->o.enclose) r->o.escape = -1;
    r->max_record = max_record ? max_record : (64u << 20);
    return r;
}

void csv_reader_free(CsvReader *r) {
    if (!r) return;
    free(r->buf);
    free(r->scratch);
    free(r->fields);
    free(r->field_off);
    free(r);
}

int64_t csv_reader_records(const CsvReader *r) {
    return r->records;
}

static void grow_fields(CsvReader *r, int need) {
    if (need <= r->fields_cap) return;
    int cap = r->fields_cap ? r->fields_cap * 2 : 64;
    while (cap < need) cap *= 2;
    r->fields = realloc(r->fields, (size_t)cap * sizeof *r->fields);
    r->field_off = realloc(r->field_off, (size_t)cap * sizeof *r->field_off);
    if (!r->fields || !r->field_off) abort();
    r->fields_cap = cap;
}

static void scratch_reserve(CsvReader *r, size_t need) {
    if (need <= r->scratch_cap) return;
    size_t cap = r->scratch_cap ? r->scratch_cap * 2 : 4096;
    while (cap < need) cap *= 2;
    r->scratch = realloc(r->scratch, cap);
    if (!r->scratch) abort();
    r->scratch_cap = cap;
}

static bool is_null_marker(const char *p, size_t n) {
    return n == 2 && p[0] == '\\' && p[1] == 'N';
}

static void trim_field(const char **p, uint32_t *n) {
    while (*n && (*p)[0] == ' ') {
        (*p)++;
        (*n)--;
    }
    while (*n && (*p)[*n - 1] == ' ') (*n)--;
}

/* Delivers one record (or skips it as a header line / empty line). */
static Status deliver(CsvReader *r, int nfields, const char *raw, size_t raw_len, CsvRecordFn fn, void *ctx,
                      Error *err) {
    r->line++;
    if (r->line <= r->o.skip_header) return STATUS_OK;
    /* A blank line carries no row (a trailing newline at the end of a file is common). */
    if (raw_len == 0) return STATUS_OK;
    r->records++;
    return fn(ctx, r->fields, nfields, raw, raw_len, r->line, err);
}

/* Fast path: splits buf[s, e) on the column separator. */
static int split_plain(CsvReader *r, const char *s, const char *e) {
    const CsvOptions *o = &r->o;
    int n = 0;
    const char *p = s;
    for (;;) {
        const char *q;
        if (o->col_sep_len == 1)
            q = memchr(p, o->col_sep[0], (size_t)(e - p));
        else
            q = memmem(p, (size_t)(e - p), o->col_sep, o->col_sep_len);
        const char *fe = q ? q : e;
        grow_fields(r, n + 1);
        CsvField *f = &r->fields[n++];
        f->ptr = p;
        f->len = (uint32_t)(fe - p);
        if (o->trim_space) trim_field(&f->ptr, &f->len);
        f->is_null = is_null_marker(f->ptr, f->len);
        if (!q) break;
        p = q + o->col_sep_len;
    }
    return n;
}

static Status feed_plain(CsvReader *r, bool at_end, CsvRecordFn fn, void *ctx, Error *err) {
    const CsvOptions *o = &r->o;
    while (r->start < r->len) {
        const char *s = r->buf + r->start;
        size_t avail = r->len - r->start;
        const char *from = s + r->scanned;
        size_t left = avail - r->scanned;
        const char *d;
        if (o->row_delim_len == 1)
            d = memchr(from, o->row_delim[0], left);
        else
            d = memmem(from, left, o->row_delim, o->row_delim_len);
        if (!d) {
            if (!at_end) {
                /* a partial delimiter may straddle the chunk end: rescan its first bytes next time */
                r->scanned = avail >= o->row_delim_len ? avail - (o->row_delim_len - 1) : 0;
                if (avail > r->max_record)
                    return err_set(err, ERR_INVALID_ARGUMENT,
                                   "a record after line %lld is longer than %zu bytes (check row_delimiter)",
                                   (long long)r->line, r->max_record);
                return STATUS_OK;
            }
            d = s + avail;
        }
        size_t rec_len = (size_t)(d - s);
        int nf = split_plain(r, s, d);
        r->start += rec_len + (d < s + avail ? o->row_delim_len : 0);
        r->scanned = 0;
        if (deliver(r, nf, s, rec_len, fn, ctx, err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}

/* Slow path: parses one record starting at buf[start]. Returns 1 when a whole record was delivered,
 * 0 when the buffer ends first (more input needed), -1 on error. */
static int parse_quoted_record(CsvReader *r, bool at_end, CsvRecordFn fn, void *ctx, Error *err) {
    const CsvOptions *o = &r->o;
    const char *s = r->buf + r->start;
    const char *e = r->buf + r->len;
    const char *p = s;
    size_t out = 0;
    int nf = 0;
    const int enc = o->enclose, esc = o->escape;
    const char cs0 = o->col_sep[0], rd0 = o->row_delim[0];
    const char *rec_end = NULL;

    for (;;) { /* one field per iteration */
        grow_fields(r, nf + 1);
        size_t fstart = out;
        bool quoted = false, raw_null = false;
        const char *fp = p;
        if (o->trim_space)
            while (p < e && *p == ' ') p++;
        if (enc >= 0 && p < e && (unsigned char)*p == enc) {
            quoted = true;
            p++;
        }
        bool in_quote = quoted, field_done = false;
        size_t last_literal = out; /* trimming must not eat quoted or escaped bytes */
        while (p < e) {
            unsigned char c = (unsigned char)*p;
            if (esc >= 0 && c == esc) {
                if (p + 1 >= e && !at_end) break; /* need the escaped byte */
                scratch_reserve(r, out + 1);
                r->scratch[out++] = p + 1 < e ? p[1] : (char)c; /* a lone escape at the very end is literal */
                last_literal = out;
                p += p + 1 < e ? 2 : 1;
                continue;
            }
            if (in_quote) {
                if (c == enc) {
                    if (p + 1 >= e && !at_end) break; /* a doubled quote may follow */
                    if (p + 1 < e && (unsigned char)p[1] == enc) {
                        scratch_reserve(r, out + 1);
                        r->scratch[out++] = (char)enc;
                        p += 2;
                        last_literal = out;
                        continue;
                    }
                    in_quote = false;
                    last_literal = out;
                    p++;
                    continue;
                }
                scratch_reserve(r, out + 1);
                r->scratch[out++] = (char)c;
                last_literal = out;
                p++;
                continue;
            }
            if ((char)c == cs0 && (size_t)(e - p) >= o->col_sep_len &&
                memcmp(p, o->col_sep, o->col_sep_len) == 0) {
                field_done = true;
                break;
            }
            if ((char)c == rd0) {
                size_t left = (size_t)(e - p);
                if (left >= o->row_delim_len && memcmp(p, o->row_delim, o->row_delim_len) == 0) {
                    rec_end = p;
                    break;
                }
                if (left < o->row_delim_len && !at_end && memcmp(p, o->row_delim, left) == 0)
                    break; /* maybe a delimiter cut by the chunk end */
            }
            scratch_reserve(r, out + 1);
            r->scratch[out++] = (char)c;
            p++;
        }
        if (!field_done && !rec_end) {
            if (!at_end) {
                if ((size_t)(e - s) > r->max_record) {
                    err_set(err, ERR_INVALID_ARGUMENT,
                            "a record after line %lld is longer than %zu bytes (check enclose and row_delimiter)",
                            (long long)r->line, r->max_record);
                    return -1;
                }
                return 0;
            }
            if (in_quote) {
                err_set(err, ERR_INVALID_ARGUMENT,
                        "the input ends inside a field enclosed by '%c' that starts in the record after line %lld",
                        enc, (long long)r->line);
                return -1;
            }
            rec_end = e;
        }
        if (!quoted) {
            /* \N means NULL only when written literally (not produced by quoting or escapes) */
            const char *rp = fp;
            uint32_t rn = (uint32_t)(p - fp);
            if (o->trim_space) trim_field(&rp, &rn);
            raw_null = is_null_marker(rp, rn);
        }
        if (o->trim_space)
            while (out > fstart && out > last_literal && r->scratch[out - 1] == ' ') out--;
        r->field_off[nf] = (uint32_t)fstart;
        r->fields[nf].len = (uint32_t)(out - fstart);
        r->fields[nf].is_null = raw_null;
        nf++;
        if (rec_end) break;
        p += o->col_sep_len;
    }
    scratch_reserve(r, 1);
    for (int i = 0; i < nf; i++) r->fields[i].ptr = r->scratch + r->field_off[i];
    size_t rec_len = (size_t)(rec_end - s);
    size_t consumed = rec_len + (rec_end < e ? o->row_delim_len : 0);
    r->start += consumed;
    if (deliver(r, nf, s, rec_len, fn, ctx, err)) return -1;
    return 1;
}

static Status feed_quoted(CsvReader *r, bool at_end, CsvRecordFn fn, void *ctx, Error *err) {
    while (r->start < r->len) {
        int rc = parse_quoted_record(r, at_end, fn, ctx, err);
        if (rc < 0) return STATUS_ERROR;
        if (rc == 0) break;
    }
    return STATUS_OK;
}

static Status run(CsvReader *r, bool at_end, CsvRecordFn fn, void *ctx, Error *err) {
    if (r->o.enclose < 0 && r->o.escape < 0) return feed_plain(r, at_end, fn, ctx, err);
    return feed_quoted(r, at_end, fn, ctx, err);
}

Status csv_reader_feed(CsvReader *r, const char *data, size_t n, CsvRecordFn fn, void *ctx, Error *err) {
    if (r->start > 0 && (r->start >= r->len || r->start > r->cap / 2)) {
        memmove(r->buf, r->buf + r->start, r->len - r->start);
        r->len -= r->start;
        r->start = 0;
    }
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap : 65536;
        while (cap < r->len + n) cap *= 2;
        r->buf = realloc(r->buf, cap);
        if (!r->buf) abort();
        r->cap = cap;
    }
    memcpy(r->buf + r->len, data, n);
    r->len += n;
    return run(r, false, fn, ctx, err);
}

Status csv_reader_finish(CsvReader *r, CsvRecordFn fn, void *ctx, Error *err) {
    Status st = run(r, true, fn, ctx, err);
    r->start = r->len = 0;
    r->scanned = 0;
    return st;
}
