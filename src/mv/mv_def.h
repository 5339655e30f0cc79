/* An asynchronous materialized view's own metadata: its refresh scheme, whether it is active (and
 * why not), and the base tables its query reads. Stored as JSON text in CatTable.mv_def, so it is
 * persisted with the table and carried by backups; parsed into an MvDef when a statement, the
 * scheduler or a restore needs it. Also: finding the tables a query reads (dependencies) and a
 * table's column signature (change detection). */
#ifndef CAIRN_MV_MV_DEF_H
#define CAIRN_MV_MV_DEF_H

#include <stdbool.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "sql/ast.h"
#include "util/error.h"

/* A table (or view) an MV's query reads, as it was when the MV was created or last activated. */
typedef struct MvBase {
    char *db;    /* owned: database name */
    char *table; /* owned: table name */
    int64_t id;  /* table id at activation (0: not resolved) */
    char *sig;   /* owned: column signature at activation (mv_table_signature), "" if unknown */
} MvBase;

typedef struct MvDef {
    char refresh[16];    /* "ASYNC" or "MANUAL" */
    char *start;         /* owned: START ("...") text, NULL when none */
    int64_t every_n;     /* EVERY (INTERVAL n unit); 0 = none */
    char every_unit[16]; /* SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR */
    bool deferred;       /* REFRESH DEFERRED: no refresh at creation */
    bool active;
    char *reason; /* owned: inactive_reason, "" when active */
    MvBase *base; /* owned, nbase */
    int nbase;
} MvDef;

/* Parses CatTable.mv_def text (NULL/empty gives a MANUAL, active definition without base tables).
 */
Status mv_def_parse(const char *text, MvDef *out, Error *err) MUST_CHECK;
/* The JSON text to store in CatTable.mv_def (malloc'd). */
char *mv_def_format(const MvDef *d);
void mv_def_free(MvDef *d);
/* Replaces the inactive reason (NULL or "" = active). */
void mv_def_set_state(MvDef *d, bool active, const char *reason);
/* Appends a base table (strings copied). */
void mv_def_add_base(MvDef *d, const char *db, const char *table, int64_t id, const char *sig);
/* "ASYNC EVERY (INTERVAL 1 MINUTE)", "MANUAL": the refresh clause as SHOW CREATE prints it
 * (malloc'd). */
char *mv_def_refresh_text(const MvDef *d);
/* Length of the refresh interval in milliseconds (0 when no EVERY); months and years count 30 and
 * 365 days. */
int64_t mv_def_interval_ms(const MvDef *d);

/* The tables a query reads, [db.]name as written with db defaulted to default_db; CTE names are
 * skipped. Appends to out (strings in the arena); duplicates are listed once. */
typedef struct MvRef {
    const char *db, *table;
} MvRef;
void mv_query_refs(const Query *q, const char *default_db, Arena *a, MvRef **out, int *n);

/* Replaces the database qualifier from_db (case-insensitive) by to_db in every table reference and
 * column qualifier of q (restore into another database). Returns how many it replaced; to_db is
 * borrowed. */
int mv_query_repoint(Query *q, const char *from_db, const char *to_db);

/* A signature of a table's columns (names, types, nullability; for views their exposed columns),
 * hex text in buf. Caller holds the catalog lock. */
void mv_table_signature(const CatTable *t, char *buf, size_t n);

#endif
