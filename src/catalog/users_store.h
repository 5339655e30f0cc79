/* Persistence of users, roles and grants in the metadata SQLite database (tables auth_*).
 * The whole UserDb is small (tens to thousands of rows), so a change rewrites all auth_* rows
 * inside the caller's transaction: the stored state is always exactly one committed UserDb. */
#ifndef CAIRN_CATALOG_USERS_STORE_H
#define CAIRN_CATALOG_USERS_STORE_H

#include <sqlite3.h>

#include "catalog/users_model.h"
#include "util/error.h"

/* The CREATE TABLE IF NOT EXISTS statements of the auth_* tables (migration "users" version 1). */
const char *users_store_schema(void);
/* Creates the auth_* tables if they do not exist. */
Status users_store_create_tables(sqlite3 *db, Error *err) MUST_CHECK;
/* Reads the stored state into a new UserDb (*out, caller frees). Built-in roles and the root user
 * always exist; an empty database yields the default state. Inconsistent rows: ERR_CORRUPT. */
Status users_store_load(sqlite3 *db, UserDb **out, Error *err) MUST_CHECK;
/* Replaces the stored state with `udb`. Call inside a transaction. */
Status users_store_save(sqlite3 *db, const UserDb *udb, Error *err) MUST_CHECK;

#endif
