/* Materialized views and their place in backup/restore. Synchronous MVs are extra indexes of one
 * table, filled when created and by every load, chosen by queries they answer (rollup rewrite).
 * Asynchronous MVs are tables of their own (TABLE_MV) filled by refresh tasks: manual, on a
 * schedule, or when their base data changes. Backup orders every MV and view after what it reads;
 * restore re-binds MVs to their base tables and activates them. Statements are registered with
 * sql/execute.h; the scheduler thread starts with the module. */
#ifndef CAIRN_MV_MV_H
#define CAIRN_MV_MV_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "exec/exec.h"
#include "util/arena.h"
#include "util/error.h"

/* Registers the MV statement handlers and the rollup rewriter. Call after the catalog and the query
 * engine registered theirs (SHOW CREATE of an MV is layered over the catalog's handler). */
void mv_register_statements(void);
/* Starts the refresh scheduler (the metadata database must be open). */
Status mv_module_start(Error *err) MUST_CHECK;
void mv_module_stop(void);

/* BACKUP: returns objs (a JSON array of {"kind","name","id",...} of database db_id) reordered so
 * that every MV and view comes after the tables, MVs and views of the backup it reads; base tables
 * outside the backup are logged as warnings. Consumes objs. */
json_t *mv_backup_order(int64_t db_id, json_t *objs);
/* RESTORE, planning: whether an existing object (its catalog_table_to_json form) is an active async
 * MV that a snapshot MV (its manifest object) must not overwrite. */
bool mv_restore_keeps_existing(const json_t *have, const json_t *snapshot_obj);
/* RESTORE, after the switch: for the restored objects (the job's spec "objects", names or aliases)
 * of database db_id, re-points definitions from source_db to the target database, re-binds each MV
 * to its base tables and activates it when they all exist (inactive with the reason otherwise), and
 * re-submits refresh schedules. Never fails the restore: returns NULL, or a malloc'd message naming
 * what went wrong. */
char *mv_restore_finish(int64_t db_id, const char *source_db, const json_t *objects);

/* The row filter of a synchronous MV index: the WHERE of its definition (define_sql, the CREATE
 * text kept in CatIndex.define_sql), compiled over the table's columns in table order (cols). *out
 * is NULL when the index keeps every row. Loads and the build job write into the index only the
 * rows for which it is TRUE (FALSE and NULL rows stay out). The predicate lives in a. */
Status mv_sync_filter(const char *index_name, const char *define_sql, const ExecColumnDesc *cols,
                      int ncols, Arena *a, ExecPredicate **out, Error *err) MUST_CHECK;

#endif
