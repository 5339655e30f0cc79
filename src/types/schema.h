/* Table-model enums shared by sql/, catalog/, storage/ and exec/: key models, aggregate functions of
 * AGGREGATE KEY value columns, partitioning and distribution kinds. */
#ifndef CAIRN_TYPES_SCHEMA_H
#define CAIRN_TYPES_SCHEMA_H

typedef enum KeysType {
    KEYS_NONE = 0, /* not written in CREATE TABLE: DUPLICATE KEY on leading columns, as StarRocks */
    KEYS_DUPLICATE,
    KEYS_AGGREGATE,
    KEYS_UNIQUE,
    KEYS_PRIMARY
} KeysType;

typedef enum AggType {
    AGG_NONE = 0, /* key column, or a value column of a non-aggregate table */
    AGG_SUM,
    AGG_MIN,
    AGG_MAX,
    AGG_REPLACE,
    AGG_REPLACE_IF_NOT_NULL,
    AGG_COUNT /* only in synchronous MV indexes: count(v) stored as a BIGINT summed on merge */
} AggType;

typedef enum PartType { PART_NONE = 0, PART_RANGE, PART_LIST, PART_EXPR } PartType;
typedef enum DistType { DIST_NONE = 0, DIST_HASH, DIST_RANDOM } DistType;

const char *keys_type_name(KeysType k); /* "DUPLICATE", "AGGREGATE", "UNIQUE", "PRIMARY" */
const char *agg_type_name(AggType a);   /* "SUM", ..., "" for AGG_NONE */
AggType agg_type_from_name(const char *name); /* AGG_NONE if unknown */

#endif
