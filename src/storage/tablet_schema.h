/* The storage-level schema of a tablet: columns (type, nullability, key flag, aggregate function),
 * the key model and the sort key. The catalog maps its table schema to this; storage knows nothing
 * else about tables. Key columns come first (cols[0..nkeys)) and are the sort key, as in StarRocks.
 * Each column has a stable `uid` so segments written before an ADD/DROP COLUMN still map onto the
 * current schema. */
#ifndef CAIRN_STORAGE_TABLET_SCHEMA_H
#define CAIRN_STORAGE_TABLET_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "types/datatype.h"
#include "storage/byte_io.h"
#include "types/schema.h"
#include "types/vector.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"

#define STORAGE_MAX_COLUMNS 4096

/* The hidden operation column of UNIQUE / PRIMARY KEY rowsets: one byte per row. */
#define ROW_OP_UPSERT 0
#define ROW_OP_DELETE 1

typedef struct TabletColumn {
    const char *name; /* owned by the schema's owner; used in messages only */
    uint32_t uid;     /* stable id; segments are matched to the schema by it */
    DataType type;
    bool is_nullable;
    bool is_key;         /* true exactly for cols[0..nkeys) */
    AggType agg;         /* AGGREGATE value columns: SUM, MIN, ...; AGG_NONE otherwise */
    Datum default_value; /* for segments written before the column existed; is_null = NULL */
} TabletColumn;

typedef struct TabletSchema {
    KeysType keys_type; /* KEYS_NONE behaves as KEYS_DUPLICATE */
    int ncols;
    int nkeys;
    TabletColumn *cols; /* ncols entries; owned by the schema's owner */
} TabletSchema;

/* Checks the invariants above (keys first, keyed models have keys, aggregate functions fit the
 * types). */
Status tablet_schema_validate(const TabletSchema *s, Error *err) MUST_CHECK;
/* True for AGGREGATE, UNIQUE and PRIMARY: rows with equal keys are merged at read. */
bool tablet_schema_merges_keys(const TabletSchema *s);
/* True for UNIQUE and PRIMARY: rows may carry the delete operation. */
bool tablet_schema_has_ops(const TabletSchema *s);
/* Index of the column with this uid, or -1. */
int tablet_schema_find_uid(const TabletSchema *s, uint32_t uid);
/* Deep copy (names and default strings included). Owned by: a. */
TabletSchema *tablet_schema_copy(const TabletSchema *s, Arena *a);
/* Types of all columns in order, for batch_new. Owned by: a. */
DataType *tablet_schema_types(const TabletSchema *s, Arena *a);

/* A Datum of a column's type <-> bytes (used for zone maps, defaults and key bounds). */
void storage_datum_encode(const DataType *t, const Datum *d, StrBuf *out);
/* Reads a Datum written by storage_datum_encode; strings point into the input (copy them if it goes
 * away). */
bool storage_datum_decode(const DataType *t, ByteReader *r, Datum *out);
/* The value of a vector's row as a Datum (strings borrowed from the vector). */
Datum storage_datum_from_cell(const ColumnVector *v, uint32_t row);
/* Writes a Datum into a cell of type t (strings are borrowed, not copied). */
void storage_datum_to_cell(const DataType *t, const Datum *d, void *cell);

#endif
