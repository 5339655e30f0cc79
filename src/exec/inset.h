/* A set of constant values of one type, for `x IN (list)` and `x IN (subquery)`: an open-addressing hash
 * table over Datums, built once at bind time and read-only afterwards (safe to probe from many threads). */
#ifndef CAIRN_EXEC_INSET_H
#define CAIRN_EXEC_INSET_H

#include <stdbool.h>
#include <stdint.h>

#include "types/datatype.h"
#include "util/arena.h"

typedef struct InSet {
    DataType type;
    bool has_null; /* the list held a NULL: a miss is NULL, not FALSE */
    uint32_t count;
    uint32_t mask;  /* slots - 1 */
    Datum *slots;   /* is_null = true marks an empty slot */
    Datum *items;   /* the distinct values in insertion order (EXPLAIN) */
} InSet;

InSet *inset_new(Arena *a, DataType type, uint32_t expected);
/* Adds a value (strings are copied into a). NULL sets has_null. */
void inset_add(InSet *s, Arena *a, const Datum *d);
bool inset_contains(const InSet *s, const Datum *d);
/* Hash and equality of two non-null datums of type t (also used by DISTINCT aggregates). */
uint64_t datum_hash(const DataType *t, const Datum *d);
bool datum_equal(const DataType *t, const Datum *a, const Datum *b);

#endif
