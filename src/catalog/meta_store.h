/* The metadata database: one SQLite file, <data_dir>/meta/cairn.db (WAL, synchronous=FULL, foreign keys,
 * busy timeout), holding the catalog and every other module's durable state (users, grants, repositories,
 * jobs, labels). One connection shared by the process; a process-wide mutex serialises its use, so a write
 * transaction (meta_begin .. meta_commit/meta_rollback) sees no interleaved statements from other threads.
 * Modules create their own tables with meta_migrate(); every object id comes from meta_next_id(). */
#ifndef CAIRN_CATALOG_META_STORE_H
#define CAIRN_CATALOG_META_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

/* Opens (creating when absent) <data_dir>/meta/cairn.db and the id counter beside it; applies the catalog's
 * own migrations. Call once at start, before catalog_open() and before any other module's migrations. */
Status meta_open(const char *data_dir, Error *err) MUST_CHECK;
/* Closes the database (finishes a pending transaction with a rollback). Safe to call when not open. */
void meta_close(void);
bool meta_is_open(void);
/* The shared connection. Use it only while holding the meta lock (meta_begin or meta_lock). */
sqlite3 *meta_db(void);
/* The database file path ("<data_dir>/meta/cairn.db"); "" when not open. */
const char *meta_path(void);

/* ---- locking and transactions
 * meta_begin takes the process-wide meta mutex and starts a write transaction (BEGIN IMMEDIATE);
 * meta_commit commits and releases it; meta_rollback rolls back and releases it. Calling meta_begin while
 * the calling thread already holds the mutex is an ERR_INTERNAL error (no nesting): compose work inside one
 * transaction instead. meta_lock/meta_unlock take the mutex for a sequence of reads without a transaction. */
Status meta_begin(Error *err) MUST_CHECK;
Status meta_commit(Error *err) MUST_CHECK; /* on failure the transaction is rolled back and the lock released */
void meta_rollback(void);
void meta_lock(void);
void meta_unlock(void);
bool meta_held_by_me(void); /* true when the calling thread holds the meta mutex (begin or lock) */

/* ---- schema migrations
 * Applies `sql` (one or more statements) once per (component, version), recorded in the table
 * schema_migration(component, version, applied_ms). Versions of a component are applied in increasing order
 * by the caller: call meta_migrate("users", 1, ...), meta_migrate("users", 2, ...) at every start; already
 * applied versions are skipped. Takes the lock itself (must not be called inside meta_begin). */
Status meta_migrate(const char *component, int version, const char *sql, Error *err) MUST_CHECK;
/* The highest applied version of a component, 0 when none. */
int meta_schema_version(const char *component);

/* ---- statement helpers
 * Parameters are described by a type string, one letter per `?` in the SQL:
 *   'i' int64_t   'I' int64_t, bound as NULL when 0   'd' double
 *   't' const char * (NULL binds SQL NULL)   'b' const void *, int64_t length (a blob)   'n' SQL NULL (no arg)
 * All take the meta mutex when the calling thread does not hold it (single-statement autocommit);
 * errors are ERR_IO naming the database file and the SQLite message. */
Status meta_exec(const char *sql, Error *err) MUST_CHECK; /* one or more statements, no parameters */
Status meta_run(Error *err, const char *sql, const char *types, ...) MUST_CHECK;
/* Rows changed by the last meta_run/meta_exec of this connection. */
int64_t meta_changes(void);
/* Runs a query that returns at most one integer; *found = false when no row (out untouched). */
Status meta_query_int(Error *err, int64_t *out, bool *found, const char *sql, const char *types, ...) MUST_CHECK;
/* Prepares and binds a query for stepping. The caller must hold the meta lock (meta_begin or meta_lock)
 * for the whole life of the statement; release it with meta_finalize. */
Status meta_prepare(Error *err, sqlite3_stmt **out, const char *sql, const char *types, ...) MUST_CHECK;
/* Steps a prepared statement: *row = true when a row is available, false when done. */
Status meta_step(sqlite3_stmt *st, bool *row, Error *err) MUST_CHECK;
void meta_finalize(sqlite3_stmt *st);
/* Column accessors that never return NULL for text (NULL becomes ""); meta_col_isnull tells them apart. */
int64_t meta_col_int(sqlite3_stmt *st, int col);
const char *meta_col_text(sqlite3_stmt *st, int col);
bool meta_col_isnull(sqlite3_stmt *st, int col);

/* ---- ids
 * The next 64-bit object id, shared by every object kind (databases, tables, partitions, indexes, tablets,
 * rowsets, transactions, jobs, repositories, users...). Ids are never reused, also across crashes: they are
 * reserved in blocks whose upper bound is made durable (<data_dir>/meta/next_id, fsync + rename) before any id
 * of the block is handed out, independently of any open meta transaction. Thread-safe; first id is 10001. */
Status meta_next_id(int64_t *out, Error *err) MUST_CHECK;

#endif
