/* LoadSink: where every load's rows go (INSERT, Stream Load, UPDATE, DELETE tombstones). It opens a load
 * transaction on one table, routes each row to the partition that covers it and to a bucket, buffers rows
 * per tablet and hands them to writer threads that write the segment files of one new rowset per tablet
 * (and per synchronous MV index); commit makes all of them visible at once in one metadata transaction.
 * Batches given to the sink hold the table's columns in table order, already converted and checked
 * (NOT NULL, defaults): that is the job of load_convert.h. One thread drives a sink. */
#ifndef CAIRN_LOAD_LOAD_SINK_H
#define CAIRN_LOAD_LOAD_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include "sql/session.h"
#include "types/datatype.h"
#include "types/schema.h"
#include "types/vector.h"
#include "util/error.h"

/* A column of the target table, as the loader sees it (copied at open; strings owned by the sink). */
typedef struct LoadColumn {
    const char *name;
    DataType type;
    bool nullable;
    bool is_key;
    AggType agg;
    int default_kind;          /* CatDefaultKind: none, value, NULL, CURRENT_TIMESTAMP */
    const char *default_value; /* CAT_DEFAULT_VALUE: literal text */
    bool auto_increment;
} LoadColumn;

typedef struct LoadTableInfo {
    int64_t db_id, table_id;
    const char *db_name, *table_name;
    KeysType keys;
    int nkeys;
    int ncols;
    const LoadColumn *cols;
    int *part_cols; /* partition column positions (PART_EXPR: the source column) */
    int npart_cols;
} LoadTableInfo;

/* Called for a row no partition takes (Stream Load filters it); row = index in the batch given to add. */
typedef void (*LoadRejectFn)(void *ctx, uint32_t row, const char *reason);

typedef struct LoadSinkOptions {
    const char *label;       /* WITH LABEL / the label header; NULL = generated "insert_<txn id>" */
    bool overwrite;          /* INSERT OVERWRITE: the target partitions' old rowsets go stale at commit */
    char **partitions;       /* PARTITION (p1, p2): rows must fall in these; NULL = any partition */
    int npartitions;
    bool temp_partitions;    /* TEMPORARY PARTITION (...) */
    LoadRejectFn reject;     /* NULL: a row without a partition fails the load, naming the value */
    void *reject_ctx;
    int writer_threads;      /* threads encoding and writing segments; 0 = the caller's thread */
    bool partial_update;     /* reserved (not supported) */
    bool mv_refresh;         /* an async MV's refresh (src/mv): the target may be a materialized view */
} LoadSinkOptions;

typedef struct LoadSinkResult {
    int64_t txn_id;
    char label[132];
    int64_t rows;        /* rows written */
    int64_t data_size;   /* bytes of segment files written */
    int64_t write_ms;    /* time spent waiting for writers at commit */
    int64_t commit_ms;   /* metadata commit */
} LoadSinkResult;

typedef struct LoadSink LoadSink;

/* Resolves [db.]table for the session (no privilege check: callers check the one their statement needs),
 * refuses views, MVs and tables in restore, and begins the load transaction (label reserved). */
Status load_sink_open(Session *s, const char *db, const char *table, const LoadSinkOptions *o, LoadSink **out,
                      Error *err) MUST_CHECK;
const LoadTableInfo *load_sink_table(const LoadSink *ls);
int64_t load_sink_txn_id(const LoadSink *ls);
const char *load_sink_label(const LoadSink *ls);
/* Routes and buffers a batch (table columns in table order). ops: ROW_OP_* per row for UNIQUE/PRIMARY
 * tables (DELETE tombstones), NULL = upserts. Writes happen behind the call; a writer's failure is reported
 * by a later add or by commit. */
Status load_sink_add(LoadSink *ls, const Batch *b, const uint8_t *ops, Error *err) MUST_CHECK;
/* Rows accepted so far (routed to a tablet). */
int64_t load_sink_rows(const LoadSink *ls);
/* Flushes, waits for the writers, fsyncs, and commits the rowsets with a version bump per touched partition.
 * Frees the sink whatever happens (an error aborts the transaction and removes the files). */
Status load_sink_commit(LoadSink *ls, LoadSinkResult *res, Error *err) MUST_CHECK;
/* Abandons the load: stops the writers, removes their files, releases the label. NULL ok. */
void load_sink_abort(LoadSink *ls);
/* True while a load of this module holds the label in database db (Stream Load's ExistingJobStatus). */
bool load_label_running(const char *db, const char *label);

#endif
