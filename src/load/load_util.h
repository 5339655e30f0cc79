/* Small value helpers shared by the load module: a vector cell as a Datum (for routing and hashing) and the
 * numeric widening synchronous MV columns need (SUM of an INT column stored as BIGINT, ...). */
#ifndef CAIRN_LOAD_LOAD_UTIL_H
#define CAIRN_LOAD_LOAD_UTIL_H

#include <stdint.h>

#include "types/datatype.h"
#include "types/vector.h"
#include "util/arena.h"
#include "util/error.h"

/* The value at row of v (strings borrowed from the vector). */
Datum load_cell_datum(const ColumnVector *v, uint32_t row);
/* Writes a Datum into a cell of type t (strings borrowed). */
void load_datum_to_cell(const DataType *t, const Datum *d, void *cell);
/* Converts rows [0, n) of src to type `to` when that cannot lose information: integers to wider integers,
 * DOUBLE or DECIMAL; FLOAT to DOUBLE; DECIMAL to a DECIMAL of larger scale/precision. Others: ERR_NOT_SUPPORTED. */
Status load_vector_widen(const ColumnVector *src, const DataType *to, uint32_t n, Arena *a, ColumnVector **out,
                         Error *err) MUST_CHECK;

#endif
