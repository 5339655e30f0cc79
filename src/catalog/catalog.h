/* The catalog: the in-memory model of databases, tables, partitions, indexes, tablets and rowsets, loaded
 * from the metadata database (meta_store.h) at start. Every mutation is written to SQLite in ONE transaction
 * first and becomes visible in memory only after that commit, under the catalog write lock.
 *
 * Locking (who guards what):
 *  - catalog_rdlock/catalog_wrlock: one process-wide RW lock guards every Cat* object, every list and every
 *    mutable field (names, states, versions, partition and rowset lists). A Cat* pointer is valid only while
 *    the caller holds the lock. Readers resolve names, copy what they need, pin rowsets (catalog_read_view),
 *    then unlock before scanning. Never hold the catalog lock across file I/O or waiting on a client.
 *  - A published CatRowset is immutable except `refcount` (atomic) and `state` (write lock); a pinned rowset
 *    stays allocated after the lock is released and after it becomes stale or is dropped; the last unref
 *    queues its files for deletion (done outside the lock) unless a job pins it durably.
 *  - Lock order: catalog lock, then the meta mutex (meta_begin). Never the other way round.
 * Name rules (StarRocks'): database, column, partition and index names are case-insensitive; table and view
 * names are case-sensitive. */
#ifndef CAIRN_CATALOG_CATALOG_H
#define CAIRN_CATALOG_CATALOG_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "types/datatype.h"
#include "types/schema.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"

typedef struct Session Session;
typedef struct Query Query;

/* ---------------------------------------------------------------- model */

typedef enum CatTableKind { TABLE_OLAP = 0, TABLE_VIEW, TABLE_MV } CatTableKind;

typedef enum CatTableState {
    TABLE_NORMAL = 0,
    TABLE_RESTORE,        /* an existing table being restored into: DDL, loads, queries refused */
    TABLE_RESTORE_HIDDEN, /* created by a running restore: invisible to names and SHOW until it commits */
} CatTableState;

typedef enum CatPartState {
    PART_NORMAL = 0,
    PART_RESTORING, /* hidden: built by a restore job beside the live data; switched in at commit */
} CatPartState;

typedef enum CatRowsetState {
    ROWSET_VISIBLE = 0, /* part of its partition's data at versions >= end_version */
    ROWSET_STALE,       /* replaced (overwrite, truncate, compaction, drop): files go when unpinned */
    ROWSET_RESTORING,   /* in a hidden tablet of a restore job */
} CatRowsetState;

typedef enum CatIndexState { INDEX_NORMAL = 0, INDEX_BUILDING } CatIndexState;

typedef enum CatDefaultKind {
    CAT_DEFAULT_NONE = 0,
    CAT_DEFAULT_VALUE,
    CAT_DEFAULT_NULL,
    CAT_DEFAULT_CURRENT_TIMESTAMP
} CatDefaultKind;

typedef struct CatProp {
    char *key;   /* owned */
    char *value; /* owned */
} CatProp;

typedef struct CatProps {
    CatProp *items; /* owned; insertion order (SHOW CREATE TABLE prints in this order) */
    int n;
} CatProps;

typedef struct CatColumn {
    int32_t uid; /* column unique id within its table, never reused (segment files name columns by it) */
    char *name;  /* owned */
    DataType type;
    bool nullable;
    bool is_key;
    AggType agg; /* AGGREGATE KEY value columns (and sync MV index columns); AGG_NONE otherwise */
    CatDefaultKind default_kind;
    char *default_value; /* owned; CAT_DEFAULT_VALUE: the literal text */
    bool auto_increment;
    char *comment; /* owned; "" when none */
} CatColumn;

/* A tuple of partition-key values: a range bound or one list value. */
typedef struct CatBound {
    Datum *vals;  /* owned, one per partition column (string bytes owned too); n may be < columns (rest MIN) */
    int n;
    bool is_min;  /* the open lower end (-infinity) */
    bool is_max;  /* MAXVALUE (+infinity) */
} CatBound;

typedef struct CatSegmentFile {
    char *name;        /* owned: file name inside the tablet directory, as storage returned it */
    int64_t size;      /* bytes */
    uint64_t checksum; /* storage's whole-file checksum */
    int64_t nrows;
    char sha256[65];   /* SHA-256 of the file as written (its content address in backups); "" when unknown */
} CatSegmentFile;

typedef struct CatRowset {
    int64_t id;
    int64_t tablet_id;
    int64_t start_version, end_version; /* [start, end]: a load has start == end */
    int nsegments;
    CatSegmentFile *segments; /* owned, nsegments */
    int64_t nrows;
    int64_t data_size;
    char *delete_pred; /* owned; DUPLICATE-key DELETE: the predicate text; NULL for data rowsets */
    int64_t txn_id;
    int64_t create_time_ms;
    int64_t restore_job_id; /* ROWSET_RESTORING: the job building it */
    _Atomic int refcount;   /* 1 for the catalog's own reference while in a tablet, +1 per read-view pin */
    CatRowsetState state;
} CatRowset;

typedef struct CatTablet {
    int64_t id;
    int64_t partition_id;
    int64_t index_id;
    int bucket;
    CatRowset **rowsets; /* owned array of visible and stale rowsets, by start_version */
    int nrowsets, caprowsets;
} CatTablet;

typedef struct CatIndex {
    int64_t id;
    char *name;     /* owned; the base index is named after the table */
    bool is_base;
    CatColumn *cols; /* owned; base: a copy of the table's columns; sync MV: its (possibly aggregated) columns */
    int ncols;
    int *base_col;  /* owned, ncols: position of the source column in the table, -1 for count(*) */
    KeysType keys;
    int nkeys;      /* leading key columns */
    char *define_sql; /* owned; sync MV: CREATE MATERIALIZED VIEW text; NULL for the base index */
    CatIndexState state;
} CatIndex;

typedef struct CatPartition {
    int64_t id;
    int64_t table_id;
    char *name; /* owned */
    CatBound lower, upper; /* RANGE: [lower, upper) */
    CatBound *list_vals;  /* LIST (and expression partitions of PARTITION BY (col)): owned, nlist */
    int nlist;
    int64_t visible_version; /* a new partition starts at 1 (empty) */
    int64_t visible_version_time_ms;
    int64_t next_version;    /* the version the next commit assigns (visible_version + 1 normally) */
    int buckets;
    int replication_num;
    char *storage_medium;    /* owned: "HDD" or "SSD" */
    CatPartState state;
    bool is_temp;
    int64_t restore_job_id;  /* PART_RESTORING: the job building it */
    CatTablet **tablets;     /* owned: tablets[index_pos * buckets + bucket], index_pos as in CatTable.indexes */
    int ntablets;
} CatPartition;

typedef struct CatIndexDef { /* INDEX i (c) USING BITMAP COMMENT '': stored and shown, not used */
    char *name;
    char **cols;
    int ncols;
    char *using_type;
    char *comment;
} CatIndexDef;

typedef struct CatTable {
    int64_t id;
    int64_t db_id;
    char *name; /* owned */
    CatTableKind kind;
    CatTableState state;
    int64_t restore_job_id; /* TABLE_RESTORE / TABLE_RESTORE_HIDDEN: the job */
    CatColumn *cols; /* owned, ncols; key columns first */
    int ncols;
    int32_t next_col_uid;
    KeysType keys; /* never KEYS_NONE once created (defaults to DUPLICATE) */
    int nkeys;     /* key columns = cols[0..nkeys) */
    PartType part_type; /* PART_NONE: one partition named as the table */
    int *part_cols;     /* owned, npart_cols: column positions */
    int npart_cols;
    char *part_expr;    /* owned: PART_EXPR text as written, e.g. "date_trunc('day', dt)"; NULL otherwise */
    char *part_expr_unit; /* owned: PART_EXPR with date_trunc: "day", "month", ...; NULL for a bare column */
    CatPartition **parts; /* owned, nparts; RANGE: ordered by lower bound; others: by creation */
    int nparts, capparts;
    DistType dist_type;
    int *dist_cols; /* owned, ndist_cols: column positions (HASH) */
    int ndist_cols;
    int default_buckets;
    char **order_by; /* owned: ORDER BY columns (PRIMARY KEY sort key), norder_by */
    int norder_by;
    CatProps props;  /* replication_num, colocate_with, dynamic_partition.*, storage_medium, ... */
    char *comment;   /* owned; "" when none */
    char *view_sql;  /* owned: VIEW / MV definition (SELECT text); NULL for OLAP tables */
    CatColumn *view_cols; /* VIEW: the column list the view exposes (from the validator or written names) */
    int nview_cols;
    CatIndex **indexes; /* owned; indexes[0] is the base index, then sync MVs / rollups */
    int nindexes;
    CatIndexDef *index_defs; /* owned: bitmap/inverted index definitions */
    int nindex_defs;
    int64_t create_time_ms;
    int64_t update_time_ms;
    char *mv_def; /* owned: async MV's refresh scheme, state and base tables as JSON text (src/mv); NULL otherwise */
} CatTable;

typedef struct CatDatabase {
    int64_t id;
    char *name; /* owned */
    CatProps props;
    CatTable **tables; /* owned, ntables, creation order */
    int ntables, captables;
    int64_t create_time_ms;
} CatDatabase;

/* ---------------------------------------------------------------- lifecycle and locking */

/* Loads the whole catalog from the metadata database (meta_open must have succeeded). Hidden objects of
 * unfinished restores stay hidden until their job commits or aborts them (restore hooks below). */
Status catalog_open(Error *err) MUST_CHECK;
void catalog_close(void); /* frees the in-memory model (waits for nothing: callers stop using it first) */

void catalog_rdlock(void);
void catalog_wrlock(void);
void catalog_unlock(void);

/* ---------------------------------------------------------------- reads (caller holds a lock) */

/* Database by name (case-insensitive); NULL if absent. */
CatDatabase *catalog_find_db(const char *name);
CatDatabase *catalog_find_db_by_id(int64_t id);
/* Table, view or MV by name (case-sensitive) in db; hidden (restore) tables are not found. NULL if absent. */
CatTable *catalog_find_table(const CatDatabase *db, const char *name);
CatTable *catalog_find_table_by_id(int64_t id); /* finds hidden tables too */
/* Partition by name (case-insensitive), temporary or not as asked; hidden ones are not found. */
CatPartition *catalog_find_partition(const CatTable *t, const char *name);
CatPartition *catalog_find_partition_by_id(const CatTable *t, int64_t id);
/* Column position by name (case-insensitive), -1 if absent. */
int catalog_find_column(const CatTable *t, const char *name);
CatTablet *catalog_find_tablet(int64_t tablet_id, CatTable **table_out, CatPartition **part_out);
/* Calls fn for every visible database in name order (SHOW DATABASES). */
void catalog_each_db(void (*fn)(void *ctx, CatDatabase *db), void *ctx);
/* The position of an index within t->indexes, -1 if absent. */
int catalog_index_pos(const CatTable *t, int64_t index_id);
/* The tablet of (index position, bucket) of a partition. */
CatTablet *catalog_partition_tablet(const CatPartition *p, int index_pos, int bucket);
/* Sums of the visible rowsets of a partition (rows and bytes). */
void catalog_partition_stats(const CatPartition *p, int64_t *nrows, int64_t *data_size);

/* Resolves [db.]name as a statement names it: db NULL = the session's current database. Errors:
 * ERR_NO_DB "No database selected", ERR_BAD_DB "Unknown database 'd'", ERR_NO_SUCH_TABLE
 * "Table 't' doesn't exist" (not_found_code chooses ERR_BAD_TABLE "Unknown table 'd.t'" instead). */
Status catalog_resolve_db(const Session *s, const char *db, CatDatabase **out, Error *err) MUST_CHECK;
Status catalog_resolve_table(const Session *s, const char *db, const char *name, CatDatabase **db_out,
                             CatTable **t_out, Error *err) MUST_CHECK;

/* ERR_TABLE_STATE "Table <t> is in restore process. Can not operate on it" unless the table is NORMAL. */
Status catalog_check_table_usable(const CatTable *t, Error *err) MUST_CHECK;

/* ---------------------------------------------------------------- routing (caller holds a lock) */

/* The partition a row belongs to. keys = the row's values of the partition columns (t->part_cols order;
 * for PART_EXPR the source column's value). Range: the partition whose [lower, upper) covers the tuple;
 * list: the one containing it. None: ERR_NO_PARTITION_FOR_VALUE naming the value, e.g.
 * "no partition for value '2023-12-31' of column 'dt' in table 't'". Unpartitioned: the only partition. */
Status catalog_route_row(const CatTable *t, const Datum *keys, CatPartition **out, Error *err) MUST_CHECK;
/* PART_EXPR: the partition name and bounds a value would get (for automatic creation at load). */
Status catalog_expr_partition_for(const CatTable *t, const Datum *key, char *name, size_t name_len,
                                  CatBound *lower, CatBound *upper, Arena *arena, Error *err) MUST_CHECK;
/* Creates the PART_EXPR partitions for these values if missing (takes the write lock itself: call it
 * WITHOUT holding the catalog lock, then resolve again). keys: one Datum per value. */
Status catalog_add_expr_partitions(int64_t table_id, const Datum *keys, int nkeys, Error *err) MUST_CHECK;

/* The bucket of a row: xxh3 over the canonical bytes of the distribution columns (stable across restarts
 * and builds), modulo buckets. dist_vals: the values of t->dist_cols in order. RANDOM distribution:
 * round robin over *rr (a counter the caller keeps per load). */
int catalog_bucket_for_row(const CatTable *t, int buckets, const Datum *dist_vals, uint64_t *rr);
/* The hash of one value as bucketing uses it (seeded; NULL hashes to a fixed value). */
uint64_t catalog_hash_datum(const DataType *type, const Datum *d, uint64_t seed);

/* ---------------------------------------------------------------- read views (snapshots for readers) */

typedef struct CatReadTablet {
    int64_t tablet_id;
    int bucket;
    CatRowset **rowsets; /* pinned (refcount held) until catalog_read_view_free */
    int nrowsets;
} CatReadTablet;

typedef struct CatReadPartition {
    int64_t id;
    const char *name;   /* view-owned copy */
    int64_t version;    /* the visible_version the view was taken at */
    CatReadTablet *tablets; /* one per bucket of the chosen index */
    int ntablets;
} CatReadPartition;

typedef struct CatReadView {
    int64_t db_id, table_id, index_id;
    const char *db_name, *table_name; /* view-owned copies */
    KeysType keys;
    int nkeys;
    CatColumn *cols; /* view-owned copy of the chosen index's columns */
    int ncols;
    CatReadPartition *parts;
    int nparts;
    Arena *arena; /* owns everything above except the rowsets (which are pinned) */
} CatReadView;

/* Pins, for each named partition (part_ids NULL / nparts 0 = every visible partition), the visible rowsets
 * of every tablet of index index_id (0 = base) at the partition's visible_version. Caller holds a lock;
 * the view stays valid after unlocking. Checks catalog_check_table_usable. */
Status catalog_read_view(const CatTable *t, int64_t index_id, const int64_t *part_ids, int nparts,
                         CatReadView **out, Error *err) MUST_CHECK;
/* Unpins every rowset (deleting files of stale ones nobody pins any more) and frees the view. NULL ok.
 * Call it without holding the catalog lock. */
void catalog_read_view_free(CatReadView *v);

void catalog_rowset_ref(CatRowset *rs);
void catalog_rowset_unref(CatRowset *rs); /* the last unref queues the files of the dropped rowset for deletion */

/* ---------------------------------------------------------------- load transactions */

/* What a loader reports for one rowset it wrote (segment files already written and fsynced). */
typedef struct CatRowsetMeta {
    int64_t rowset_id; /* from meta_next_id(), also used to name the files */
    int nsegments;
    const CatSegmentFile *segments; /* copied by the catalog */
    int64_t nrows;
    int64_t data_size;
    const char *delete_pred; /* DUPLICATE-key DELETE predicate text; NULL for data */
} CatRowsetMeta;

typedef struct CatTxn CatTxn;

/* Starts a load into one table: checks the table is usable, reserves the label (unique per database:
 * ERR_LABEL_EXISTS "Label [l] has already been used" if committed or running). label NULL = generated
 * ("insert_<txn id>"). Takes and releases the catalog lock itself. */
Status catalog_txn_begin(int64_t db_id, int64_t table_id, const char *label, CatTxn **out,
                         Error *err) MUST_CHECK;
int64_t catalog_txn_id(const CatTxn *txn);
const char *catalog_txn_label(const CatTxn *txn);
/* Records a rowset written for a tablet of the table (no lock needed; nothing visible yet). */
Status catalog_txn_add_rowset(CatTxn *txn, int64_t tablet_id, const CatRowsetMeta *rs, Error *err) MUST_CHECK;
/* INSERT OVERWRITE / TRUNCATE: at commit, every existing rowset of these partitions becomes stale
 * (partitions without new rowsets end up empty). */
Status catalog_txn_set_overwrite(CatTxn *txn, const int64_t *part_ids, int nparts, Error *err) MUST_CHECK;
/* Commits: in ONE SQLite transaction inserts the rowsets, bumps each touched partition's visible_version
 * by one (giving the new rowsets that version), records the label; then publishes in memory. Frees txn
 * (also on failure, after aborting it). */
Status catalog_txn_commit(CatTxn *txn, Error *err) MUST_CHECK;
/* Forgets the txn and deletes the files of its rowsets; frees txn. NULL ok. */
void catalog_txn_abort(CatTxn *txn);
/* Whether a label is committed or running in a database (Stream Load label checks). */
bool catalog_label_exists(int64_t db_id, const char *label);

/* ---------------------------------------------------------------- restore hooks (backup/restore jobs) */

/* Creates a table from a definition (catalog_table_from_json or a copy) with fresh ids for the table, its
 * partitions, indexes and tablets, in state TABLE_RESTORE_HIDDEN owned by job_id (invisible to names).
 * def is consumed (owned by the catalog afterwards). *out: the new table's id. */
Status catalog_restore_create_table(int64_t db_id, CatTable *def, int64_t job_id, int64_t *out,
                                    Error *err) MUST_CHECK;
/* Marks an existing table TABLE_RESTORE (refusing DDL, loads, queries) for job_id, or back to NORMAL. */
Status catalog_restore_set_table_state(int64_t table_id, CatTableState state, int64_t job_id,
                                       Error *err) MUST_CHECK;
/* Adds a hidden partition (PART_RESTORING) to a table, built from def's name, bounds, buckets and
 * replication_num, with fresh tablets for every index. A visible partition of the same name may exist:
 * the hidden one replaces it at commit. *out: the hidden partition's id. */
Status catalog_restore_add_partition(int64_t table_id, const CatPartition *def, int64_t job_id, int64_t *out,
                                     Error *err) MUST_CHECK;
/* Adds a rowset (files already in the hidden tablet's directory) to a hidden tablet, durably. Its versions
 * are as given (the snapshot's). */
Status catalog_restore_add_rowset(int64_t tablet_id, const CatRowsetMeta *rs, int64_t start_version,
                                  int64_t end_version, Error *err) MUST_CHECK;
/* One SQLite transaction: every hidden partition of job_id becomes NORMAL with visible_version =
 * the version given for it (versions[i] for part_ids[i]; a hidden partition not listed keeps its
 * visible_version), replacing a same-named visible partition (whose rowsets become stale); hidden tables
 * of the job become NORMAL and visible; tables in TABLE_RESTORE for the job return to NORMAL. */
Status catalog_restore_commit(int64_t job_id, const int64_t *part_ids, const int64_t *versions, int n,
                              Error *err) MUST_CHECK;
/* Drops every hidden table, partition and rowset of job_id (deleting their files) and returns tables in
 * TABLE_RESTORE for the job to NORMAL. Existing data is untouched. Idempotent. */
Status catalog_restore_abort(int64_t job_id, Error *err) MUST_CHECK;

/* ---------------------------------------------------------------- persistent pins (backup jobs) */

/* Pins rowsets for a job durably (table rowset_pin(job_id, rowset_id)): pinned files survive restarts,
 * GC and compaction until catalog_unpin_job. */
Status catalog_pin_rowsets(int64_t job_id, const int64_t *rowset_ids, int n, Error *err) MUST_CHECK;
Status catalog_unpin_job(int64_t job_id, Error *err) MUST_CHECK;
bool catalog_rowset_pinned(int64_t rowset_id); /* by a job (persistent pin) */

/* ---------------------------------------------------------------- storage hooks, GC, compaction */

/* What the catalog needs from storage/ (set by the storage module at start; NULL members are skipped). */
typedef struct CatStorageOps {
    /* Deletes every file of rowset rs->id in the tablet's directory, found by the rowset id (rs->segments
     * may be empty for an orphan found by the sweep); missing files are not an error. */
    Status (*remove_rowset)(int64_t tablet_id, const CatRowset *rs, Error *err);
    /* Lists the rowset ids that have files in a tablet's directory (for the orphan sweep). */
    Status (*list_tablet_rowsets)(int64_t tablet_id, int64_t **ids, int *n, Error *err);
    /* Deletes a whole tablet directory (dropped tablets). */
    Status (*remove_tablet)(int64_t tablet_id, Error *err);
    /* Lists every tablet id that has a directory (for dropped-tablet sweeps). */
    Status (*list_tablets)(int64_t **ids, int *n, Error *err);
    /* Merges version-consecutive rowsets of a tablet into one new rowset named new_rowset_id, applying the
     * key model (cols/keys: a copy of the tablet's index schema); out describes it (strings in arena).
     * Runs without the catalog lock; the inputs stay pinned meanwhile. */
    Status (*merge_rowsets)(const CatColumn *cols, int ncols, KeysType keys, int nkeys, int64_t tablet_id,
                            CatRowset *const *in, int nin, int64_t new_rowset_id, CatRowsetMeta *out, Arena *arena,
                            Error *err);
} CatStorageOps;

void catalog_set_storage_ops(const CatStorageOps *ops);
/* Installs the default hooks over the local data directory (storage/tablet_files.h, storage/compaction.h). */
void catalog_use_local_storage(void);
/* Deletes files of stale rowsets nobody pins, removes their metadata, and sweeps orphan files (rowsets of
 * unfinished loads, dropped tablets). Called at start and periodically. */
Status catalog_gc(Error *err) MUST_CHECK;
/* At start, after catalog_open and catalog_set_storage_ops, before loads are accepted: deletes files of
 * rowsets no metadata names (loads that never committed), of dropped tablets and of unpinned stale rowsets. */
Status catalog_recover(Error *err) MUST_CHECK;
/* Compacts one tablet now if it has at least `min_rowsets` consecutive data rowsets: merges them through
 * storage and swaps metadata (inputs become stale). *did tells whether it merged. */
Status catalog_compact_tablet(int64_t tablet_id, int min_rowsets, bool *did, Error *err) MUST_CHECK;
/* Background compaction scheduler (config compaction_enabled / compaction_min_rowsets). */
void catalog_compaction_start(void);
void catalog_compaction_stop(void);

/* ---------------------------------------------------------------- serialisation */

/* A table's definition (and, with_partitions, its partitions with versions, tablets and rowsets) as JSON:
 * the form the metadata rows store and backup manifests embed. Caller holds a lock. */
json_t *catalog_table_to_json(const CatTable *t, bool with_partitions);
/* Rebuilds a detached CatTable from catalog_table_to_json output (ids as in the JSON). */
Status catalog_table_from_json(const json_t *j, CatTable **out, Error *err) MUST_CHECK;
/* Frees a detached table (one not in the catalog). */
void catalog_table_free(CatTable *t);
/* SHOW CREATE TABLE text of a table or view (re-executing it recreates an identical table). */
void catalog_show_create(const CatDatabase *db, const CatTable *t, StrBuf *out);
/* "[types: [DATE]; keys: [2024-01-01]; ..types: [DATE]; keys: [2024-02-01]; )" as SHOW PARTITIONS prints. */
void catalog_format_range(const CatTable *t, const CatPartition *p, StrBuf *out);

/* Property lookup (case-insensitive key); NULL if absent. */
const char *catalog_prop(const CatProps *props, const char *key);

/* ---------------------------------------------------------------- views */

/* Set by the query engine: checks a view's query and reports the columns it produces (allocated in arena).
 * NULL: views are stored unchecked, with the column names written in the statement (or none). */
typedef Status (*CatViewValidator)(Session *s, const char *db, const Query *q, Arena *arena, CatColumn **cols,
                                   int *ncols, Error *err);
extern CatViewValidator catalog_view_validator;

#endif
