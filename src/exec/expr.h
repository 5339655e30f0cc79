/* Bound expressions: the typed, resolved form of an AST Expr that the vectorized evaluator runs over Batches.
 * The binder (bind_expr.c) turns names into column indexes, picks each function's kernel and inserts casts so
 * every kernel sees arguments of the types it expects; constants are folded at bind time.
 * A bound tree is immutable after binding, so one tree may be evaluated from several threads at once. */
#ifndef CAIRN_EXEC_EXPR_H
#define CAIRN_EXEC_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "types/datatype.h"
#include "types/vector.h"
#include "util/arena.h"
#include "util/error.h"

typedef struct BExpr BExpr;

typedef enum BExprKind {
    BE_CONST,  /* value (type TYPE_NULL for a bare NULL) */
    BE_COLUMN, /* col: index of the input batch column */
    BE_CALL,   /* kernel over evaluated args */
    BE_AND,    /* three-valued AND over args */
    BE_OR,     /* three-valued OR over args */
    BE_CASE,   /* args: when1, then1, ..., [else]; has_else */
    BE_IN,     /* args[0] IN set (aux: InSet); negated */
    BE_AGG,    /* an aggregate call (only between binding and planning; never evaluated) */
    BE_SUBQUERY, /* a subquery placeholder (only during binding) */
} BExprKind;

typedef struct EvalCtx {
    Arena *arena; /* output vectors and strings; the caller resets it per batch */
} EvalCtx;

/* A kernel fills `out` (type e->type, len n, data allocated) from evaluated args of length n.
 * It sets out->nulls when any row is NULL. */
typedef Status (*KernelFn)(EvalCtx *cx, const BExpr *e, ColumnVector **args, uint32_t n, ColumnVector *out,
                           Error *err);

struct BExpr {
    BExprKind kind;
    DataType type;
    Datum value;     /* BE_CONST */
    int col;         /* BE_COLUMN */
    KernelFn fn;     /* BE_CALL */
    const char *name; /* BE_CALL: function or operator name (EXPLAIN, messages) */
    int op;          /* BE_CALL: kernel-specific selector (ExprOp, unit, ...) */
    BExpr **args;
    int nargs;
    void *aux;       /* kernel-specific immutable data (LIKE pattern, IN set, format) */
    bool negated;    /* BE_IN */
    bool has_else;   /* BE_CASE */
    bool strict;     /* BE_CALL cast: errors instead of NULL on bad values (INSERT) */
    /* BE_AGG */
    int agg;         /* AggFn (agg.h) */
    bool distinct;
    /* display */
    const char *text; /* SQL-ish text for EXPLAIN and column names */
};

/* ---- construction (all nodes in the given arena) */
BExpr *bexpr_const(Arena *a, DataType t, Datum v);
BExpr *bexpr_null(Arena *a);
BExpr *bexpr_int(Arena *a, int64_t v);
BExpr *bexpr_bool(Arena *a, bool v);
BExpr *bexpr_string(Arena *a, const char *s, size_t n);
BExpr *bexpr_column(Arena *a, int col, DataType t, const char *text);
BExpr *bexpr_call(Arena *a, const char *name, KernelFn fn, DataType t, BExpr **args, int nargs);
bool bexpr_is_const(const BExpr *e);
bool bexpr_is_null_const(const BExpr *e);

/* ---- evaluation */
/* Evaluates e over the first n rows of `in` (in may be NULL when e has no column references). The result
 * has len n; it may share memory with `in` or with constant nodes: treat it as read-only. */
Status bexpr_eval(EvalCtx *cx, const BExpr *e, const Batch *in, uint32_t n, ColumnVector **out,
                  Error *err) MUST_CHECK;
/* Evaluates a boolean predicate into sel[] (indexes of rows where it is TRUE); returns their count in *nsel. */
Status bexpr_eval_filter(EvalCtx *cx, const BExpr *e, const Batch *in, uint32_t n, uint32_t *sel,
                         uint32_t *nsel, Error *err) MUST_CHECK;
/* Evaluates a constant expression to a Datum (strings in a). */
Status bexpr_eval_const(const BExpr *e, Arena *a, Datum *out, Error *err) MUST_CHECK;
/* If every argument of e is constant and e is deterministic, replaces e by its value (errors surface now). */
Status bexpr_fold(Arena *a, BExpr **e, Error *err) MUST_CHECK;

/* ---- vectors */
ColumnVector *vec_make(Arena *a, DataType t, uint32_t n); /* len = n, no null map */
ColumnVector *vec_const(Arena *a, DataType t, const Datum *v, uint32_t n);
void vec_union_nulls(ColumnVector *out, ColumnVector **args, int nargs);
Datum vec_get_datum(const ColumnVector *v, uint32_t row);
void vec_set_datum(ColumnVector *v, uint32_t row, const Datum *d); /* strings are not copied */
/* Copies out a Datum so it outlives the vector (strings into a). */
Datum datum_copy(const DataType *t, const Datum *d, Arena *a);

/* ---- casts (expr_cast.c) */
/* Wraps e in a cast to t (no-op when the types are equal; folded when e is constant). strict: errors on
 * values that do not convert instead of NULL. */
Status bexpr_cast(Arena *a, BExpr **e, DataType t, bool strict, Error *err) MUST_CHECK;
/* Converts one value; returns false (and sets err) when it does not convert. */
bool datum_cast(const DataType *from, const Datum *in, const DataType *to, Datum *out, Arena *a, Error *err);
/* The type both sides are converted to for comparison / arithmetic / CASE branches. */
DataType type_common(const DataType *a, const DataType *b);
DataType type_common_compare(const DataType *a, const DataType *b);

/* ---- text */
/* Renders e as SQL-ish text for EXPLAIN. */
const char *bexpr_to_text(Arena *a, const BExpr *e);

#endif
