/* The live users, roles and grants of this server: one UserDb read by every privilege check and
 * login, changed only by users_mutate (copy, change, persist in one metadata transaction, swap).
 * Locking: a rwlock guards the current UserDb pointer (checks read it); a mutex serializes
 * mutations. Until users_init runs, the state is the default one (root, no password), in memory. */
#ifndef CAIRN_CATALOG_USERS_H
#define CAIRN_CATALOG_USERS_H

#include <sqlite3.h>

#include "catalog/users_model.h"
#include "util/error.h"

/* Loads the stored state from the metadata database (meta_db()), creating the auth_* tables on
 * first start; from then on every mutation is persisted there. */
Status users_init(Error *err) MUST_CHECK;
/* The same with an explicit SQLite handle (unit tests; a tool working on a data dir). The handle
 * stays owned by the caller and must outlive the users module (until users_shutdown). */
Status users_init_db(sqlite3 *db, Error *err) MUST_CHECK;
/* Drops the live state and detaches from the database (back to the in-memory default). */
void users_shutdown(void);

/* The current state under the read lock; every users_acquire needs one users_release. Keep the
 * section short (no I/O): mutations wait for it. */
const UserDb *users_acquire(void);
void users_release(void);

/* A change to apply to a private copy; returns STATUS_ERROR (with err) to abandon it. */
typedef Status (*UsersMutation)(UserDb *copy, void *ctx, Error *err);
/* Applies fn to a copy of the current state, stores the copy in one transaction and makes it
 * current. On any error nothing changes, in memory or on disk. */
Status users_mutate(UsersMutation fn, void *ctx, Error *err) MUST_CHECK;

/* Registers the handlers of CREATE/DROP/ALTER USER, SET PASSWORD, GRANT, REVOKE, CREATE/DROP ROLE,
 * SHOW GRANTS, SHOW ALL GRANTS, SHOW USERS and SHOW ROLES (users_sql.c). */
void users_register_statements(void);

#endif
