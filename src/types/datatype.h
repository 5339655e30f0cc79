/* SQL data types and their in-memory representation, shared by catalog, storage, exec and load.
 *
 *   BOOLEAN, TINYINT  int8_t        LARGEINT   __int128       DATE      int32_t days since 1970-01-01
 *   SMALLINT          int16_t       FLOAT      float          DATETIME  int64_t microseconds since epoch (UTC-less, wall time)
 *   INT               int32_t       DOUBLE     double         CHAR/VARCHAR/STRING  Slice {ptr, len}
 *   BIGINT            int64_t       DECIMAL(p,s) __int128 scaled by 10^s (exact)
 *
 * Text conversion (type_parse / type_format) is the one place that decides how a value looks to a client. */
#ifndef CAIRN_TYPES_DATATYPE_H
#define CAIRN_TYPES_DATATYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"

typedef __int128 int128_t;

typedef enum TypeId {
    TYPE_NULL = 0, /* the type of a bare NULL literal */
    TYPE_BOOLEAN,
    TYPE_TINYINT,
    TYPE_SMALLINT,
    TYPE_INT,
    TYPE_BIGINT,
    TYPE_LARGEINT,
    TYPE_FLOAT,
    TYPE_DOUBLE,
    TYPE_DECIMAL,
    TYPE_CHAR,
    TYPE_VARCHAR,
    TYPE_STRING,
    TYPE_DATE,
    TYPE_DATETIME,
    TYPE__COUNT
} TypeId;

typedef struct DataType {
    TypeId id;
    int16_t precision; /* DECIMAL: 1..38 */
    int16_t scale;     /* DECIMAL: 0..precision */
    int32_t len;       /* CHAR(n), VARCHAR(n); STRING = 65533 as StarRocks; 0 otherwise */
} DataType;

typedef struct Slice {
    const char *ptr;
    uint32_t len;
} Slice;

/* A single value of any type (literals, partition bounds, defaults). */
typedef struct Datum {
    bool is_null;
    union {
        int64_t i64;  /* BOOLEAN..BIGINT, DATE, DATETIME */
        int128_t i128; /* LARGEINT, DECIMAL */
        double f64;   /* FLOAT, DOUBLE */
        Slice str;    /* CHAR, VARCHAR, STRING */
    } v;
} Datum;

#define DECIMAL_MAX_PRECISION 38
#define VARCHAR_MAX_LEN 1048576
#define STRING_DEFAULT_LEN 65533

DataType type_make(TypeId id);
DataType type_decimal(int precision, int scale);
DataType type_varchar(int len);

bool type_is_integer(TypeId id);  /* BOOLEAN..LARGEINT */
bool type_is_numeric(TypeId id);  /* integers, FLOAT, DOUBLE, DECIMAL */
bool type_is_string(TypeId id);   /* CHAR, VARCHAR, STRING */
bool type_is_temporal(TypeId id); /* DATE, DATETIME */
bool type_equal(const DataType *a, const DataType *b);
size_t type_cell_size(TypeId id); /* bytes of one value in a column vector */

/* "INT", "DECIMAL(10,2)", "VARCHAR(20)" — StarRocks' SHOW CREATE spelling (lowercase there: see type_sql_name). */
const char *type_name(TypeId id);
void type_format_sql(const DataType *t, StrBuf *out); /* e.g. "decimal(10, 2)" as SHOW CREATE TABLE prints */
/* Parses a type name as written in CREATE TABLE (INT, INTEGER, DECIMAL(p,s), DECIMALV3, CHAR(n), TEXT...). */
Status type_from_name(const char *name, int nparams, const int *params, DataType *out, Error *err) MUST_CHECK;

/* MySQL wire type code for result-set column definitions (MYSQL_TYPE_*). */
int type_mysql_code(const DataType *t);

/* Parses text into a cell of type t (the bytes at out, type_cell_size(t->id) long).
 * Strings are copied into arena. Errors name the value; the caller prepends column and row. */
Status type_parse_cell(const DataType *t, const char *s, size_t n, void *out, Arena *arena, Error *err) MUST_CHECK;
/* Appends the text form of a cell, as MySQL/StarRocks prints it. */
void type_format_cell(const DataType *t, const void *cell, StrBuf *out);

Status type_parse_datum(const DataType *t, const char *s, size_t n, Datum *out, Arena *arena, Error *err) MUST_CHECK;
void type_format_datum(const DataType *t, const Datum *d, StrBuf *out);
/* Total order of two non-null datums of the same type (-1, 0, 1). */
int type_compare_datum(const DataType *t, const Datum *a, const Datum *b);

/* Date/time helpers. */
bool date_from_ymd(int y, int m, int d, int32_t *days);
void date_to_ymd(int32_t days, int *y, int *m, int *d);
bool date_parse(const char *s, size_t n, int32_t *days);
bool datetime_parse(const char *s, size_t n, int64_t *us); /* accepts a bare date too */
void date_format(int32_t days, char out[11]);
void datetime_format(int64_t us, char out[27]); /* fraction printed only when non-zero */

/* Decimal/int128 helpers. */
extern const int128_t POW10_128[39];
int int128_format(int128_t v, char *out);                 /* returns length; out >= 41 bytes */
int decimal_format(int128_t v, int scale, char *out);     /* returns length; out >= 42 bytes */
bool decimal_parse(const char *s, size_t n, int precision, int scale, int128_t *out, bool *overflow);

#endif
