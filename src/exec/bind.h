/* The binder/planner's shared state: name scopes, the aggregate context, and the entry points that turn AST
 * queries into operator trees (planner.c) and AST expressions into bound expressions (bind_expr.c).
 * All plan memory lives in the Binder's arena, which lives as long as the statement. */
#ifndef CAIRN_EXEC_BIND_H
#define CAIRN_EXEC_BIND_H

#include "exec/agg.h"
#include "exec/operator.h"
#include "exec/scan.h"
#include "sql/ast.h"
#include "util/vec.h"

/* A column visible to name resolution: one column of a FROM item, in the query's global numbering. */
typedef struct BCol {
    const char *name;
    const char *table; /* alias, table or view name; NULL for unnamed derived tables */
    const char *db;
    DataType type;
    bool hidden; /* the right-hand copy of a USING column: not found unqualified, not in * */
} BCol;

typedef struct Scope {
    BCol *cols; /* the query's global columns */
    int lo, hi; /* the visible range */
    struct Scope *outer; /* the enclosing query's scope (only to diagnose correlated references) */
} Scope;

typedef struct CteDef {
    const char *name;
    const Cte *cte;
    struct CteDef *next; /* earlier definitions (visible to later ones) */
    const char *db;      /* the database the CTE was defined under */
} CteDef;

typedef struct Binder {
    Session *s;
    Arena *a;
    ExecCtx *ecx;         /* runs uncorrelated subqueries at bind time */
    int64_t now_us;
    CteDef *ctes;
    const char *default_db; /* NULL = the session's; view bodies use the view's database */
    int depth;              /* nesting of views and subqueries (recursion guard) */
    Scope *outer;           /* scope of the enclosing query while binding a subquery */
    VEC(ScanSource *) sources; /* released when the statement ends */
    bool explain;           /* EXPLAIN: subqueries are still run, scans are not */
} Binder;

/* Post-aggregation binding: expressions over the aggregate's output (group keys, then aggregates). */
typedef struct AggCtx {
    BExpr **keys; /* bound group keys over the FROM scope */
    int nkeys;
    AggCall *calls;
    int ncalls, capcalls;
} AggCtx;

/* A select-list alias ORDER BY and HAVING may use. */
typedef struct AliasRef {
    const char *name;
    BExpr *expr; /* bound in the same space as the clause (post-aggregation when aggregating) */
} AliasRef;

typedef struct ExprCtx {
    Binder *b;
    Scope *scope;
    AggCtx *agg;        /* non-NULL: bind over the aggregate output */
    const char *clause; /* for messages: "field list", "where clause", "on clause", ... */
    bool allow_agg;
    AliasRef *aliases;  /* ORDER BY / HAVING */
    int naliases;
    bool aliases_first; /* ORDER BY: aliases win over FROM columns */
} ExprCtx;

/* A planned query: operator tree and its output columns. */
typedef struct PlanOut {
    Operator *op;
    int ncols;
    const char **names;
    const char **tables; /* source table per column, NULL when computed */
    DataType *types;
} PlanOut;

Status bind_expr(ExprCtx *cx, const Expr *e, BExpr **out, Error *err) MUST_CHECK;
/* True when the AST contains an aggregate call (not looking into subqueries). */
bool ast_has_agg(const Expr *e);
/* Structural equality of bound expressions (group key matching). */
bool bexpr_equal(const BExpr *a, const BExpr *b);
/* Resolves a column name in a scope: index or an error (1054 unknown, 1052 ambiguous). */
Status scope_lookup(Binder *b, const Scope *sc, const char *db, const char *table, const char *name,
                    const char *clause, int *out, Error *err) MUST_CHECK;

Status plan_query(Binder *b, const Query *q, PlanOut *out, Error *err) MUST_CHECK;
/* Runs a plan to completion, collecting at most max_rows rows of column 0..ncols (strings copied into a). */
Status plan_collect(Binder *b, Operator *op, int64_t max_rows, Batch **out, Error *err) MUST_CHECK;

void binder_init(Binder *b, Session *s, Arena *a, ExecCtx *ecx);
void binder_release(Binder *b); /* releases scan sources (read views) */

#endif
