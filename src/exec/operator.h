/* Physical operators: a pull-based tree where each next() returns one Batch of at most BATCH_SIZE rows.
 * A batch returned by next() stays valid until the following next() or close() of the same operator, so
 * streaming operators (filter, project, limit) pass column memory through by reference and only
 * materializing operators (sort, aggregate, join build, top-N) copy rows into arenas they own.
 * Memory those operators hold is charged to the query's MemTracker (query_mem_limit). */
#ifndef CAIRN_EXEC_OPERATOR_H
#define CAIRN_EXEC_OPERATOR_H

#include "exec/agg.h"
#include "exec/expr.h"
#include "exec/scan.h"
#include "sql/session.h"
#include "util/strbuf.h"

typedef struct ExecCtx {
    Session *session;  /* may be NULL (internal evaluation) */
    MemTracker *mem;   /* the query's budget (the session's, or a private one) */
    MemTracker own_mem;
} ExecCtx;

/* Charges `bytes` more to the query budget; ERR_OUT_OF_MEMORY naming the limit when it is exceeded. */
Status exec_charge(ExecCtx *cx, int64_t bytes, Error *err) MUST_CHECK;
void exec_release(ExecCtx *cx, int64_t bytes);
/* ERR_QUERY_INTERRUPTED when the session was killed or its client went away. */
Status exec_check_killed(ExecCtx *cx, Error *err) MUST_CHECK;

typedef enum OpKind {
    OPK_VALUES, OPK_SCAN, OPK_FILTER, OPK_PROJECT, OPK_AGG, OPK_HASH_JOIN, OPK_SORT, OPK_TOPN, OPK_LIMIT, OPK_UNION,
    OPK_GATHER,
} OpKind;

typedef struct Operator Operator;
struct Operator {
    OpKind kind;
    int ncols;
    DataType *types;   /* output column types */
    Operator **children;
    int nchildren;
    Status (*open)(Operator *op, ExecCtx *cx, Error *err);
    /* *out = NULL at the end of the stream */
    Status (*next)(Operator *op, ExecCtx *cx, Batch **out, Error *err);
    void (*close)(Operator *op, ExecCtx *cx);
    void (*explain)(const Operator *op, StrBuf *out, Arena *a); /* one line, without indent or newline */
    void *state;
    int64_t est_rows; /* rough estimate for choosing the join build side; -1 unknown */
};

/* ---- constructors (all in the plan arena) */
/* One row with no columns (SELECT without FROM) or no rows at all (empty = true). */
Operator *op_values(Arena *a, bool empty);
Operator *op_scan(Arena *a, ScanSource *src);
/* A scan that claims units from the source's shared counter: several of them (one per worker) split the units. */
Operator *op_scan_shared(Arena *a, ScanSource *src);
/* Runs kids[0..n) (copies of one pipeline) on n threads and returns their batches as they come. */
Operator *op_gather(Arena *a, Operator **kids, int n);
Operator *op_filter(Arena *a, Operator *child, BExpr *pred);
Operator *op_project(Arena *a, Operator *child, BExpr **exprs, int n);
Operator *op_limit(Arena *a, Operator *child, int64_t limit, int64_t offset);
Operator *op_union_all(Arena *a, Operator **children, int n);

typedef struct SortKey {
    int col;   /* column of the child's output */
    bool desc;
    bool nulls_first;
} SortKey;
Operator *op_sort(Arena *a, Operator *child, const SortKey *keys, int nkeys);
/* ORDER BY ... LIMIT: keeps only the best limit + offset rows, then skips offset. */
Operator *op_topn(Arena *a, Operator *child, const SortKey *keys, int nkeys, int64_t limit, int64_t offset);

/* Hash aggregate: output = group keys then aggregate results. nkeys 0 = one global group (one row even
 * for empty input). Key and argument expressions are evaluated over the child's batches. */
Operator *op_agg(Arena *a, Operator *child, BExpr **keys, int nkeys, AggCall *aggs, int naggs);

typedef enum JoinKind { JK_INNER, JK_LEFT, JK_FULL, JK_CROSS, JK_SEMI, JK_ANTI } JoinKind;
/* Output = left columns then right columns (SEMI/ANTI: left columns only, each left row once when it has a
 * match / has none). The right side is the build side. lkeys/rkeys are evaluated over the left/right batches
 * (same types pairwise); residual over the joined row (may be NULL; not used by SEMI/ANTI). */
Operator *op_hash_join(Arena *a, JoinKind kind, Operator *left, Operator *right, BExpr **lkeys, BExpr **rkeys,
                       int nkeys, BExpr *residual);

/* Makes a SEMI/ANTI join treat NULL keys as equal (set operations compare rows, not values). */
void op_join_set_null_equal(Operator *op);

/* Renders the operator tree, one operator per line, children indented. */
void op_explain_tree(const Operator *op, StrBuf *out, Arena *a, int depth);

/* ---- helpers shared by operators */
/* Gathers rows sel[0..n) of src into a new vector in a (strings shared, not copied). */
ColumnVector *vec_gather(Arena *a, const ColumnVector *src, const uint32_t *sel, uint32_t n);
/* Serializes each row's key values to bytes (per column a null byte, then the cell; strings as a 4-byte
 * length and bytes) so equal keys have equal bytes: the form hash aggregation and hash joins compare. */
void keys_serialize(ColumnVector **kv, int nk, uint32_t n, Arena *a, unsigned char ***rows, uint32_t **lens);
/* A batch with no rows of the given shape (for operators that must emit columns but have no rows). */
Batch *batch_empty(Arena *a, int ncols, const DataType *types);

#endif
