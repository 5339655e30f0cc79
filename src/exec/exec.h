/* The query engine's public face: SELECT and EXPLAIN handlers, constant evaluation for INSERT ... VALUES,
 * running a query into a batch callback (INSERT ... SELECT, CREATE TABLE AS SELECT, MV refresh, view
 * validation), and compiled row predicates for DELETE ... WHERE and delete-predicate rowsets.
 * Everything here is vectorized over types/vector.h Batches; internals live in the other headers of src/exec. */
#ifndef CAIRN_EXEC_EXEC_H
#define CAIRN_EXEC_EXEC_H

#include <stdint.h>

#include "sql/ast.h"
#include "sql/result.h"
#include "sql/session.h"
#include "types/vector.h"

/* Registers the STMT_SELECT and STMT_EXPLAIN handlers with sql/execute.h. Call once at start-up. */
void exec_register_statements(void);

/* Evaluates a constant expression (no column references) and converts it to `target` strictly: a value that
 * does not fit is an error naming the value (ERR_DATA_OUT_OF_RANGE, ERR_TRUNCATED_WRONG_VALUE, ...).
 * String results are allocated in `a`. s may be NULL (then session functions such as DATABASE() are NULL). */
Status exec_eval_const(Session *s, const Expr *e, const DataType *target, Datum *out, Arena *a,
                       Error *err) MUST_CHECK;

/* Where exec_query delivers its result. columns() is called once before any batch; each batch is valid only
 * during the call (copy what you keep). Either callback may fail to stop the query. */
typedef struct ExecSink {
    Status (*columns)(void *ctx, const ResultColumn *cols, int ncols, Error *err);
    Status (*batch)(void *ctx, const Batch *b, Error *err);
    void *ctx;
} ExecSink;

/* Binds, plans and runs a query, delivering its rows in batches. Checks SELECT privileges unless s->internal. */
Status exec_query(Session *s, const Query *q, const ExecSink *sink, Error *err) MUST_CHECK;

/* Binds a query without running it and returns its result columns (names, types), allocated in `a`.
 * This is the view validator: CREATE VIEW calls it to check a definition and learn its columns. */
Status exec_query_columns(Session *s, const Query *q, Arena *a, ResultColumn **cols, int *ncols,
                          Error *err) MUST_CHECK;

/* Rollup selection, installed by src/mv at start (NULL = none): for one SELECT block reading a single table,
 * returns true with rewritten copies (allocated in a) when a synchronous MV index of the table gives the same
 * rows; the copy's TableRef.rollup names the index. */
typedef bool (*ExecRollupRewriter)(Session *s, const char *db, const SelectCore *core, const OrderItem *order,
                                   int norder, Arena *a, SelectCore **core_out, OrderItem **order_out);
extern ExecRollupRewriter exec_rollup_rewriter;

/* ---------------------------------------------------------------- compiled predicates */

/* A column of the row shape a predicate is compiled against (the order of the Batch's columns). */
typedef struct ExecColumnDesc {
    const char *name;
    DataType type;
} ExecColumnDesc;

typedef struct ExecPredicate ExecPredicate; /* immutable once compiled: safe to evaluate from many threads */

/* Compiles a WHERE expression over the given columns (DELETE ... WHERE; delete-predicate rowsets).
 * Unknown columns are ERR_BAD_FIELD; aggregates and subqueries are refused. The predicate lives in `a`. */
Status exec_predicate_compile(Session *s, const Expr *where, const ExecColumnDesc *cols, int ncols, Arena *a,
                              ExecPredicate **out, Error *err) MUST_CHECK;
/* Evaluates on the first b->nrows rows: match[i] = 1 where the predicate is TRUE, 0 where FALSE or NULL.
 * `scratch` holds temporaries (reset it between calls). */
Status exec_predicate_eval(const ExecPredicate *p, const Batch *b, Arena *scratch, uint8_t *match,
                           Error *err) MUST_CHECK;
/* The columns (indexes into the compiled row shape) the predicate reads; returns how many (at most max). */
int exec_predicate_columns(const ExecPredicate *p, int *cols, int max);
/* The predicate as SQL-ish text (for SHOW and logs). */
const char *exec_predicate_text(const ExecPredicate *p);

#endif
