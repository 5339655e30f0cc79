/* What the planner scans: a resolved table (columns, partitions for pruning, or a view's text) and the scan
 * source it opens over the chosen partitions. A source splits into independent units (tablets) so a scan can
 * read them from several threads; each unit yields Batches of the projected columns.
 * The catalog-backed implementation is scan_catalog.c; scan_memory.c serves in-memory rows (tests, system
 * tables). Resolution goes through exec_table_resolver so tests can substitute their own tables. */
#ifndef CAIRN_EXEC_SCAN_H
#define CAIRN_EXEC_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "sql/session.h"
#include "types/schema.h"
#include "types/vector.h"

/* A simple conjunct `column op constant` a source may use to skip pages or segments (zone maps). The rows
 * are still filtered above the scan, so a source may ignore any of them. op is an ExprOp (OP_EQ ... OP_GE). */
typedef struct ScanPred {
    int col; /* table column index */
    int op;
    Datum value; /* of the column's type */
} ScanPred;

typedef struct ScanCursor ScanCursor; /* one unit being read; implementation-defined */

typedef struct ScanSource ScanSource;
struct ScanSource {
    const char *db, *table;
    int *proj;  /* table column indexes to produce, in output order */
    int nproj;
    DataType *types; /* types of the produced columns */
    ScanPred *preds;
    int npreds;
    int nunits; /* independent pieces; units may be opened from different threads at once */
    Status (*unit_open)(ScanSource *src, int unit, ScanCursor **out, Error *err);
    /* Next batch of the unit allocated in `a` (the caller resets a between calls); *out NULL at the end. */
    Status (*cursor_next)(ScanCursor *c, Arena *a, Batch **out, Error *err);
    void (*cursor_close)(ScanCursor *c);
    void (*release)(ScanSource *src); /* end of the query (unpins the read view) */
    void *impl;
    int64_t est_rows;
    _Atomic int claim; /* next unit for scans that split the units between workers */
    /* EXPLAIN */
    int parts_total, parts_selected;
    const char **part_names; /* selected partitions */
};

typedef struct ExecPartition {
    const char *name;
    int64_t id;
    /* RANGE on a single column: [lower, upper); is_min/is_max mark open ends */
    Datum lower, upper;
    bool lower_min, upper_max;
    /* LIST on a single column */
    Datum *list;
    int nlist;
    int64_t rows; /* estimate */
} ExecPartition;

typedef struct ExecTable ExecTable;
struct ExecTable {
    const char *db, *name;
    int ncols;
    const char **col_names;
    DataType *col_types;
    KeysType keys;
    /* a view: its definition text; columns named by view_cols when given */
    bool is_view;
    const char *view_sql;
    /* partitioning usable for pruning: part_col >= 0 for RANGE/LIST on one column */
    PartType part_type;
    int part_col;
    ExecPartition *parts;
    int nparts;
    bool partitioned; /* false: the table's single implicit partition */
    /* HASH distribution: rows with equal values of these columns are in the same tablet of a partition */
    int *dist_cols;
    int ndist;
    /* Opens a source over the selected partitions (indexes into parts; all when sel == NULL). */
    Status (*make_source)(ExecTable *t, const int *sel, int nsel, Arena *a, ScanSource **out, Error *err);
    void *impl;
};

/* Resolves [db.]name for a query (db NULL = the session's database): tables, views and MVs. Errors as the
 * catalog reports them (ERR_NO_DB, ERR_BAD_DB, ERR_NO_SUCH_TABLE). Everything is allocated in a. */
typedef Status (*ExecTableResolver)(Session *s, const char *db, const char *name, Arena *a, ExecTable **out,
                                    Error *err);
extern ExecTableResolver exec_table_resolver;

/* The catalog-backed resolver (the default). */
Status scan_catalog_resolve(Session *s, const char *db, const char *name, Arena *a, ExecTable **out,
                            Error *err) MUST_CHECK;

/* The catalog-backed table read through its synchronous MV index `index` (rollup selection): the index's
 * columns; EXPLAIN shows "SCAN db.t ROLLUP index". ERR_NO_SUCH_TABLE when the table has no such usable index. */
Status scan_catalog_resolve_index(Session *s, const char *db, const char *name, const char *index, Arena *a,
                                  ExecTable **out, Error *err) MUST_CHECK;

/* An in-memory table over a batch of rows (shared, not copied; keep it alive for the query).
 * Splits its rows into units of unit_rows (0 = one unit). */
ExecTable *scan_memory_table(Arena *a, const char *db, const char *name, int ncols, const char **names,
                             const DataType *types, const Batch *rows, uint32_t unit_rows);

#endif
