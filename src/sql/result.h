/* ResultSink: how a statement hands its answer to the client, whatever the transport (MySQL protocol,
 * HTTP, or an in-process collector for internal queries and tests). A statement calls either ok(), or
 * columns() then row()* then end(). A sink error (client gone) must stop the statement. */
#ifndef CAIRN_SQL_RESULT_H
#define CAIRN_SQL_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "types/datatype.h"
#include "types/vector.h"
#include "util/error.h"

typedef struct ResultColumn {
    const char *name;  /* column label shown to the client */
    DataType type;     /* decides the MySQL type code and flags */
    const char *table; /* optional: source table alias */
    const char *db;    /* optional */
} ResultColumn;

typedef struct ResultSink ResultSink;
struct ResultSink {
    Status (*columns)(ResultSink *s, const ResultColumn *cols, int ncols, Error *err);
    /* One row; cells[i] == NULL is SQL NULL; lens[i] is the byte length of cells[i]. */
    Status (*row)(ResultSink *s, const char *const *cells, const size_t *lens, Error *err);
    Status (*end)(ResultSink *s, Error *err);
    /* A statement without a result set. info may be NULL. */
    Status (*ok)(ResultSink *s, uint64_t affected_rows, uint64_t last_insert_id, const char *info, Error *err);
    void *state;
};

/* Sends a whole small table: cells is row-major, nrows * ncols entries, NULL entries are SQL NULL. */
Status result_send_table(ResultSink *s, const ResultColumn *cols, int ncols, const char *const *cells,
                         int nrows, Error *err) MUST_CHECK;
/* Sends the rows of a batch (formatting each cell as text); columns() must have been called. */
Status result_send_batch(ResultSink *s, const Batch *b, Error *err) MUST_CHECK;
/* Convenience: a VARCHAR result column. */
ResultColumn result_col_varchar(const char *name);
ResultColumn result_col_bigint(const char *name);

/* An in-memory sink that collects everything (internal queries, tests). Rows as text, NULL = NULL. */
typedef struct CollectSink {
    ResultSink sink;
    int ncols;
    char **col_names;   /* malloc'd */
    DataType *col_types;
    char ***rows;       /* rows[r][c], malloc'd strings, NULL = SQL NULL */
    size_t nrows, cap;
    uint64_t affected;
    int got_ok;
} CollectSink;

void collect_sink_init(CollectSink *c);
void collect_sink_free(CollectSink *c);

#endif
