/* Scalar functions and operators: each has a bind function that checks arguments, inserts casts, picks a
 * kernel and the result type. The registry maps a (case-insensitive) SQL name to its FuncDef; the tables live
 * in func_string.c, func_date.c and func_misc.c. Operators (arithmetic, comparison, NOT) are bound by
 * expr_arith.c; LIKE, IS NULL and CASE-like forms by func_misc.c. */
#ifndef CAIRN_EXEC_FUNCTIONS_H
#define CAIRN_EXEC_FUNCTIONS_H

#include "exec/expr.h"
#include "sql/session.h"

typedef struct FuncCtx {
    Arena *arena;       /* where bound nodes go (the query's arena) */
    Session *session;   /* may be NULL: session functions then return NULL */
    const char *name;   /* the name as written */
    int64_t now_us;     /* the statement's start, local wall time in microseconds (now(), curdate()) */
} FuncCtx;

typedef Status (*FuncBindFn)(FuncCtx *fc, BExpr **args, int nargs, BExpr **out, Error *err);

typedef struct FuncDef {
    const char *name;
    int min_args, max_args; /* max -1 = any */
    FuncBindFn bind;
} FuncDef;

/* NULL if no scalar function has this name. */
const FuncDef *func_find(const char *name);

/* The tables (terminated by a NULL name). */
extern const FuncDef func_string_defs[];
extern const FuncDef func_date_defs[];
extern const FuncDef func_misc_defs[];

/* ---- operators (expr_arith.c) */
Status bind_compare(Arena *a, int op, BExpr *l, BExpr *r, BExpr **out, Error *err) MUST_CHECK;
Status bind_arith(Arena *a, int op, BExpr *l, BExpr *r, BExpr **out, Error *err) MUST_CHECK;
Status bind_negate(Arena *a, BExpr *x, BExpr **out, Error *err) MUST_CHECK;
Status bind_not(Arena *a, BExpr *x, BExpr **out, Error *err) MUST_CHECK;
/* Converts x to BOOLEAN by MySQL truth rules (non-zero is true). */
Status bind_bool(Arena *a, BExpr **x, Error *err) MUST_CHECK;

/* ---- predicates and conditionals (func_misc.c) */
Status bind_is_null(Arena *a, BExpr *x, bool negated, BExpr **out, Error *err) MUST_CHECK;
Status bind_is_bool(Arena *a, BExpr *x, bool value, bool negated, BExpr **out, Error *err) MUST_CHECK;
/* x [NOT] LIKE pattern [ESCAPE esc]; regexp = REGEXP/RLIKE. esc may be NULL. */
Status bind_like(Arena *a, BExpr *x, BExpr *pattern, BExpr *esc, bool negated, bool regexp, BExpr **out,
                 Error *err) MUST_CHECK;
/* Searched CASE over (when, then) pairs plus an optional else: casts branches to their common type. */
Status bind_case(Arena *a, BExpr **whens, BExpr **thens, int n, BExpr *els, BExpr **out, Error *err) MUST_CHECK;
Status bind_coalesce(Arena *a, BExpr **args, int nargs, BExpr **out, Error *err) MUST_CHECK;
/* x [NOT] IN (values): values must be constants; builds an InSet. */
Status bind_in_list(Arena *a, BExpr *x, BExpr **vals, int n, bool negated, BExpr **out, Error *err) MUST_CHECK;

/* ---- dates (func_date.c) */
/* An INTERVAL n unit operand (only valid as an argument of date arithmetic). */
BExpr *bexpr_interval(Arena *a, BExpr *n, const char *unit);
bool bexpr_is_interval(const BExpr *e);
/* d + INTERVAL / d - INTERVAL. */
Status bind_date_add(Arena *a, BExpr *d, BExpr *interval, bool subtract, BExpr **out, Error *err) MUST_CHECK;

#endif
