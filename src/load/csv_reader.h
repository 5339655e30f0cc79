/* A streaming CSV reader for Stream Load: bytes arrive in chunks of any size, complete records come out
 * as arrays of fields. StarRocks' CSV options: column separator and row delimiter of one or more bytes,
 * skip_header, trim_space, an enclose byte (RFC 4180 quoting, a doubled enclose is one literal) and an
 * escape byte (the next byte is literal). An unquoted field that reads exactly \N is NULL. */
#ifndef CAIRN_LOAD_CSV_READER_H
#define CAIRN_LOAD_CSV_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define CSV_SEP_MAX 50 /* longest separator / delimiter StarRocks accepts */

typedef struct CsvOptions {
    char col_sep[CSV_SEP_MAX + 1]; /* default "\t" */
    size_t col_sep_len;
    char row_delim[CSV_SEP_MAX + 1]; /* default "\n" */
    size_t row_delim_len;
    int64_t skip_header; /* records skipped at the start */
    bool trim_space;     /* drop spaces and tabs around each field (outside quotes) */
    int enclose;         /* quote byte, -1 = none */
    int escape;          /* escape byte, -1 = none */
} CsvOptions;

/* One field of a record. ptr points into the reader's buffers and is valid only during the callback. */
typedef struct CsvField {
    const char *ptr;
    uint32_t len;
    bool is_null; /* unquoted \N */
} CsvField;

/* Called once per record. raw/raw_len: the record's bytes as read (for error logs); line: its 1-based
 * number in the input, header lines included. A failing callback stops the reader. */
typedef Status (*CsvRecordFn)(void *ctx, const CsvField *fields, int nfields, const char *raw, size_t raw_len,
                              int64_t line, Error *err);

typedef struct CsvReader CsvReader;

/* Default options: tab-separated, newline-delimited, no quoting. */
void csv_options_init(CsvOptions *o);
/* Sets a separator from its header text: "\t", "\n", "\r", "\\" and "\xHH" escapes are decoded (StarRocks
 * also accepts hex with a \x prefix). what = "column_separator" or "row_delimiter" for the message. */
Status csv_options_set_sep(char *dst, size_t *dst_len, const char *text, const char *what, Error *err) MUST_CHECK;
/* Sets enclose or escape from header text: one byte (or a \xHH escape); "" = none. */
Status csv_options_set_byte(int *dst, const char *text, const char *what, Error *err) MUST_CHECK;

/* Owned by the caller; free with csv_reader_free. max_record: longest record accepted (bytes). */
CsvReader *csv_reader_new(const CsvOptions *o, size_t max_record);
void csv_reader_free(CsvReader *r);
/* Feeds the next chunk; calls fn for every record completed by it. */
Status csv_reader_feed(CsvReader *r, const char *data, size_t n, CsvRecordFn fn, void *ctx, Error *err) MUST_CHECK;
/* End of input: a last record without a trailing delimiter is delivered. An unterminated quote is an error. */
Status csv_reader_finish(CsvReader *r, CsvRecordFn fn, void *ctx, Error *err) MUST_CHECK;
/* Records delivered so far (skipped header lines excluded). */
int64_t csv_reader_records(const CsvReader *r);

#endif
