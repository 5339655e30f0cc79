/* Turning source rows into table rows: the column mapping of a load (which source field or expression feeds
 * each table column, and the DEFAULT of the others), text-to-type conversion with StarRocks' strict_mode
 * rules, NOT NULL checks, and the batch of table-order columns the sink takes. Text rows come from CSV and
 * JSON (Stream Load); INSERT uses the default-value helpers. Every rejection carries a reason naming the
 * column and the value, for the error log or the statement's error. */
#ifndef CAIRN_LOAD_LOAD_CONVERT_H
#define CAIRN_LOAD_LOAD_CONVERT_H

#include <stdbool.h>
#include <stdint.h>

#include "load/csv_reader.h"
#include "load/load_sink.h"
#include "sql/ast.h"
#include "sql/session.h"
#include "types/vector.h"
#include "util/arena.h"
#include "util/error.h"

/* One item of a Stream Load `columns` header: a source name, or `target = expression`. */
typedef struct LoadColumnItem {
    char *name; /* source name, or the target column of an expression */
    Expr *expr; /* NULL for a plain source name */
} LoadColumnItem;

/* Parses "k1, k2, tmp, v = k1 * 2" (expressions in SQL syntax). Allocations in a. */
Status load_parse_columns(const char *text, Arena *a, LoadColumnItem **items, int *nitems, Error *err) MUST_CHECK;

/* The value a column takes when a load does not provide it: its DEFAULT, NULL when nullable, otherwise
 * ERR_COMMON "Column 'c' has no default value and is not in the column list" (as StarRocks' INSERT).
 * Strings are allocated in a. */
Status load_column_default(const LoadColumn *c, Datum *out, Arena *a, Error *err) MUST_CHECK;

typedef struct LoadConvert LoadConvert;

/* Builds the mapping. items NULL: source fields are the table's columns in order. strict: a value that does
 * not convert rejects the row (otherwise it becomes NULL, and only NOT NULL columns reject it).
 * Unknown names in expressions are ERR_BAD_FIELD; missing defaults as load_column_default. */
Status load_convert_new(Session *s, const LoadTableInfo *ti, const LoadColumnItem *items, int nitems, bool strict,
                        LoadConvert **out, Error *err) MUST_CHECK;
void load_convert_free(LoadConvert *c);
/* Source field count and names (the `columns` names without expressions, or the table's columns). */
int load_convert_nsources(const LoadConvert *c);
const char *const *load_convert_source_names(const LoadConvert *c);
/* Converts one source row into the pending batch. Returns false with *reason (valid until the next call)
 * when the row is rejected. line: the row's number in the input (kept per batch row). */
bool load_convert_row(LoadConvert *c, const CsvField *fields, int nfields, int64_t line, const char **reason);
/* Rows pending in the batch. */
uint32_t load_convert_pending(const LoadConvert *c);
/* The pending batch (table columns, table order) and the input line of each of its rows. The caller passes it
 * on, then calls load_convert_reset. */
Batch *load_convert_batch(LoadConvert *c, const int64_t **lines);
void load_convert_reset(LoadConvert *c);

#endif
