/* Aggregate functions: count, count(DISTINCT), sum, min, max, avg, any_value. Each aggregate keeps a fixed-size
 * state slot per group inside the hash aggregate's state rows; DISTINCT aggregates keep a per-group value set.
 * Result types follow StarRocks: count is BIGINT, sum of integers BIGINT (LARGEINT stays LARGEINT), sum of
 * DECIMAL(p,s) is DECIMAL(38,s), avg of integers DOUBLE, avg of DECIMAL(p,s) DECIMAL(38,s+4). */
#ifndef CAIRN_EXEC_AGG_H
#define CAIRN_EXEC_AGG_H

#include <stdbool.h>

#include "exec/expr.h"

typedef enum AggFn { AGGF_COUNT_STAR, AGGF_COUNT, AGGF_SUM, AGGF_MIN, AGGF_MAX, AGGF_AVG, AGGF_ANY } AggFn;

typedef struct AggCall {
    AggFn fn;
    BExpr *arg;       /* NULL for count(*) */
    bool distinct;
    DataType type;    /* result type */
    const char *text; /* e.g. "sum(l_quantity)" for EXPLAIN */
} AggCall;

/* Looks up an aggregate by name (count, sum, min, max, avg, any_value); false if not an aggregate. */
bool agg_lookup(const char *name, AggFn *out);
/* Checks the argument, inserts casts and fills call->type. */
Status agg_bind(Arena *a, AggCall *call, Error *err) MUST_CHECK;
const char *agg_fn_name(AggFn fn);
/* avg from a partial sum and count (parallel aggregation): the same value and type a one-phase avg() gives.
 * sum is DOUBLE or DECIMAL(38,s) (integer averages sum as DECIMAL(38,0)); count is BIGINT. */
BExpr *agg_avg_final(Arena *a, BExpr *sum, BExpr *count, DataType result);

#endif
