/* The planner's internal interface, shared by planner.c (SELECT, set operations, parallel plans),
 * plan_from.c (the FROM tree: pushdown, pruning, scans and joins) and plan_subquery.c (correlated subqueries
 * rewritten as joins). FROM columns share one global numbering; a FromNode covers columns [lo, hi). */
#ifndef CAIRN_EXEC_PLAN_INT_H
#define CAIRN_EXEC_PLAN_INT_H

#include "exec/bind.h"
#include "util/vec.h"

typedef VEC(BExpr *) BExprVec;

typedef struct FromNode FromNode;
struct FromNode {
    bool is_join;
    int lo, hi;
    /* leaf */
    ExecTable *table;
    char **parts; /* PARTITION (p1, p2) */
    int nparts;
    PlanOut sub; /* derived table, view or CTE */
    BExprVec filters;
    ScanSource *src; /* opened once, shared by every copy of the pipeline */
    bool split;      /* parallel workers divide this scan's units */
    /* join */
    JoinType jt;
    int semi; /* 1 = semi join, 2 = anti join (decorrelated EXISTS / IN): output is the left side only */
    FromNode *l, *r;
    BExprVec conds;
    BExprVec post;
};

typedef VEC(BCol) BColVec;

typedef VEC(const Expr *) AstVec;

/* expression utilities over the global numbering */
bool plan_refs_range(const BExpr *e, int *lo, int *hi); /* false when e references no column */
bool plan_within(const BExpr *e, const FromNode *n);
void plan_mark_refs(const BExpr *e, uint8_t *needed);
BExpr *plan_remap(Arena *a, BExpr *e, const int *map); /* a copy with column i renumbered map[i] */
void plan_split_conjuncts(BExpr *e, BExprVec *out);
BExpr *plan_and_all(Arena *a, BExpr **items, size_t n);

/* the FROM tree */
Status plan_build_from(Binder *b, const TableRef *t, BColVec *cols, FromNode **out, Error *err) MUST_CHECK;
void plan_free_from(FromNode *n); /* the condition lists (the nodes live in the plan arena) */
void plan_push_filter(FromNode *n, BExpr *c);
/* Builds the operators of a FROM tree producing the needed columns; map[g] = output position or -1. Called
 * once per parallel worker: scan sources are opened once and shared. */
Status plan_build_ops(Binder *b, FromNode *n, const uint8_t *needed, int *map, Operator **out, Error *err) MUST_CHECK;
void plan_mark_node(const FromNode *n, uint8_t *needed);

/* correlated subqueries */
void plan_ast_conjuncts(const Expr *e, AstVec *out);
Expr *plan_ast_and(Arena *a, Expr *l, const Expr *r);
Status plan_try_decorrelate(Binder *b, const Expr *c, BColVec *cols, FromNode **from, bool *done,
                            Error *err) MUST_CHECK;
Status plan_rewrite_scalars(Binder *b, const Expr *e, BColVec *cols, FromNode **from, const Expr **out,
                            Error *err) MUST_CHECK;
bool plan_ast_has_scalar_subquery(const Expr *e);

#endif
