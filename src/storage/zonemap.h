/* Zone maps: min, max and null count of a page or a whole segment column, and the simple per-column
 * predicates (ranges, IN lists, IS [NOT] NULL) a scan passes so the reader can skip pages and
 * segments that cannot hold a matching row. Skipping is conservative: a page that may match is
 * read, and the query engine still evaluates its predicates on the rows it gets. */
#ifndef CAIRN_STORAGE_ZONEMAP_H
#define CAIRN_STORAGE_ZONEMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "storage/byte_io.h"
#include "types/datatype.h"
#include "types/vector.h"
#include "util/strbuf.h"

/* String bounds longer than this are shortened on disk (min to a prefix, max to a prefix bumped
 * upward). */
#define ZONEMAP_STRING_MAX 64

typedef struct ZoneMap {
    uint64_t null_count;
    bool has_minmax;    /* false when no row has an ordered value (all NULL, or NaN) */
    bool unordered;     /* some value cannot be ordered (a NaN): ranges cannot skip this zone */
    bool max_unbounded; /* a shortened string max that could not be bumped: no upper bound known */
    Datum min, max;     /* strings borrowed from the vector or footer bytes they were built from */
} ZoneMap;

typedef enum PredKind {
    PRED_RANGE, /* lower and/or upper bound, each inclusive or not; equality is lower == upper */
    PRED_IN,    /* value in values[0..nvalues) */
    PRED_IS_NULL,
    PRED_IS_NOT_NULL
} PredKind;

/* A predicate on one column, with Datums in the column's own representation (DECIMAL at the
 * column's scale, DATE as days, DATETIME as microseconds). */
typedef struct ColumnPredicate {
    int col; /* tablet schema column index */
    PredKind kind;
    bool has_lower, lower_inclusive;
    bool has_upper, upper_inclusive;
    Datum lower, upper;
    const Datum *values; /* PRED_IN; borrowed */
    int nvalues;
} ColumnPredicate;

/* Zone map of n rows of v (row i is sel[i], or first+i without sel). Strings are borrowed from v.
 */
void zonemap_compute(ZoneMap *zm, const ColumnVector *v, const uint32_t *sel, uint32_t first,
                     uint32_t n);
/* Widens `into` to cover `part` as well (segment zone map from page zone maps). */
void zonemap_merge(ZoneMap *into, const ZoneMap *part, const DataType *t);
void zonemap_encode(const ZoneMap *zm, const DataType *t, StrBuf *out);
/* Parses a zone map written by zonemap_encode; strings point into r's bytes. false when malformed.
 */
bool zonemap_decode(ZoneMap *zm, const DataType *t, ByteReader *r);
/* False only when no row of a zone of nrows rows can satisfy p. */
bool zonemap_may_match(const ZoneMap *zm, uint64_t nrows, const DataType *t,
                       const ColumnPredicate *p);

#endif
