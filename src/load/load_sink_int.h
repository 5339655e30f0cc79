/* Internals of the load sink shared by load_sink.c (routing, open, commit) and load_writers.c (the writer
 * threads and the chunks they write). Not for other files. */
#ifndef CAIRN_LOAD_LOAD_SINK_INT_H
#define CAIRN_LOAD_LOAD_SINK_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "exec/exec.h"
#include "load/load_chunk.h"
#include "load/load_sink.h"
#include "load/tablet_writer.h"
#include "util/arena.h"

#define CHUNK_MAX_ROWS (1u << 20)      /* rows of one segment at most */
#define CHUNK_FIRST_ROWS 4096          /* initial capacity of a tablet's chunk (then what its last one held) */
#define MAX_PENDING 2                  /* chunks queued per writer thread (bounds memory) */
#define MAX_SEGMENT_BYTES (32ull << 20) /* a chunk is cut here, or earlier when the load's buffers are full */

typedef struct IndexInfo {
    int64_t index_id;
    int pos; /* in CatTable.indexes */
    LoadSchemaSpec spec;
    LoadColumnSpec *cols;
    int *base_col; /* per index column: table column, -1 = count(*) */
    bool identity; /* the base index: the staged batch is written as is */
    const char *name;       /* sync MV index: its name and CREATE text (arena copies) */
    const char *define_sql;
    ExecPredicate *where;   /* sync MV WHERE over the table's columns: rows it holds not TRUE stay out;
                               NULL = every row */
} IndexInfo;

typedef struct Target {
    int64_t part_id;
    int bucket;
    int worker;
    int64_t *tablet_ids;    /* per index */
    TabletWriter **writers; /* per index; touched only by the owning worker */
    LoadRowsetOut *outs;    /* per index, after finish */
    LoadChunk *chunk;        /* being filled: the rows of this tablet's next segment */
    uint32_t chunk_cap;      /* rows the next chunk is sized for */
    int64_t rows;
    int idx; /* position in LoadSink.targets */
} Target;

typedef struct Job {
    Target *t;
    LoadChunk *chunk; /* NULL for a finish job */
    bool finish;
    struct Job *next;
} Job;

typedef struct Worker {
    pthread_t th;
    LoadSink *ls;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    Arena *scratch; /* synchronous MV projections; reset per job */
    Job *head, *tail;
    int pending; /* queued + running */
    bool stop;
} Worker;

typedef struct PartState {
    int64_t part_id;
    int buckets;
    Target **by_bucket;
} PartState;

struct LoadSink {
    Arena *arena;
    Session *s;
    LoadSinkOptions o;
    LoadTableInfo info;
    LoadColumn *cols;
    CatTxn *txn;
    int64_t *named_ids;
    int nnamed;
    PartType part_type;
    DistType dist_type;
    int *dist_cols;
    int ndist;
    bool has_ops;
    IndexInfo *indexes;
    int nindexes;
    PartState *parts;
    int nparts, capparts;
    Target **targets;
    int ntargets, captargets;
    uint64_t rr;
    uint64_t budget;   /* load_mem_limit: bytes of rows the filling chunks may hold together */
    uint64_t buffered; /* bytes the filling chunks hold now */
    Worker *workers;
    int nworkers;
    pthread_mutex_t err_mu; /* guards failed, werr and pool */
    LoadChunk *pool;        /* written chunks, ready for reuse */
    Arena *scratch;         /* projections when writing inline */
    bool failed;
    Error werr;
    int64_t rows;
    /* per-batch scratch */
    int32_t *row_target;
    uint32_t *sel;
    uint32_t scratch_cap;
    Datum *keys, *dist; /* one row's partition and distribution values */
    char label[132];    /* registered as running while the transaction is open */
    DataType *types;    /* the table's column types */
};

/* ---- load_writers.c */

/* True once a writer thread failed (its error is in werr). */
bool sink_failed(LoadSink *ls);
/* Copies the writer threads' error into err; returns STATUS_ERROR. */
Status sink_writer_error(LoadSink *ls, Error *err);
/* Starts n writer threads (0: chunks are written by the driving thread). */
void sink_start_workers(LoadSink *ls, int n);
/* Stops and joins the writer threads (queued work is discarded when the load failed). */
void sink_stop_workers(LoadSink *ls);
/* Gives a target an empty chunk (recycled from the pool when possible). */
void sink_stage_reset(LoadSink *ls, Target *t);
/* Hands a target's chunk to its writer (when it holds rows) and gives it a new one. */
Status sink_stage_flush(LoadSink *ls, Target *t, Error *err) MUST_CHECK;
/* Queues the finishing of a target's writers (fsync, rowset description) behind its chunks. */
Status sink_finish_target(LoadSink *ls, Target *t, Error *err) MUST_CHECK;
/* Waits until every queued job is done. */
void sink_drain(LoadSink *ls);

#endif
