/* A streaming JSON reader for Stream Load (format: json). The body is a sequence of JSON values (one
 * object per row, NDJSON-style) or, with strip_outer_array, an array whose elements are rows; elements are
 * cut from the stream one at a time, so memory is bounded by the largest element, not the body. Each row
 * yields one field per requested source column, taken from the key of that name (case-insensitive) or from
 * jsonpaths; json_root first selects a sub-value of each top-level value. Numbers keep their exact text
 * (a DECIMAL column gets the digits as written); nested objects and arrays are passed as JSON text. */
#ifndef CAIRN_LOAD_JSON_READER_H
#define CAIRN_LOAD_JSON_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "load/csv_reader.h"
#include "util/error.h"

typedef struct JsonOptions {
    bool strip_outer_array;
    const char *jsonpaths; /* JSON array of path strings, e.g. ["$.k1", "$.v.x"]; NULL = match keys by name */
    const char *json_root; /* a path selecting the value that holds the rows; NULL = the whole value */
} JsonOptions;

/* A JSON row's fields (same shape as CSV fields: ptr/len valid during the callback; is_null for null or a
 * missing key). A JSON true/false reads as "true"/"false". */
typedef CsvField JsonField;

/* Called once per row. A row that cannot be read (not an object, bad JSON inside an element) is reported
 * with fields == NULL and `problem` saying why (the caller counts it as filtered); raw is the element text. */
typedef Status (*JsonRowFn)(void *ctx, const JsonField *fields, int nfields, const char *problem, const char *raw,
                            size_t raw_len, int64_t row, Error *err);

typedef struct JsonReader JsonReader;

/* names: the source column names (for key matching, and the count of fields when jsonpaths is NULL).
 * A bad jsonpaths / json_root is ERR_INVALID_ARGUMENT naming it. *out owned by the caller. */
Status json_reader_new(const JsonOptions *o, const char *const *names, int nnames, size_t max_element,
                       JsonReader **out, Error *err) MUST_CHECK;
void json_reader_free(JsonReader *r);
/* Number of fields each row has (the jsonpaths count, or nnames). */
int json_reader_nfields(const JsonReader *r);
Status json_reader_feed(JsonReader *r, const char *data, size_t n, JsonRowFn fn, void *ctx, Error *err) MUST_CHECK;
/* End of input. Malformed structure outside of elements (an unclosed outer array, stray bytes) is an error. */
Status json_reader_finish(JsonReader *r, JsonRowFn fn, void *ctx, Error *err) MUST_CHECK;

#endif
