/* UserDb: users, roles and their grants as one in-memory value, plus privilege resolution.
 * It has no locks and no I/O: catalog/users.c owns the live copy (clone, mutate, persist, swap),
 * users_store.c reads and writes it in the metadata database, and unit tests use it directly.
 * All strings inside are malloc-owned by the UserDb. */
#ifndef CAIRN_CATALOG_USERS_MODEL_H
#define CAIRN_CATALOG_USERS_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/auth.h"
#include "catalog/privilege.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/vec.h"

typedef enum GrantScope {
    GRANT_SCOPE_GLOBAL = 0, /* *.* and ON SYSTEM; system privileges live only here */
    GRANT_SCOPE_DATABASE = 1,
    GRANT_SCOPE_TABLE = 2
} GrantScope;

/* Privileges granted on one object. db and table are NULL when the scope does not use them. */
typedef struct PrivGrant {
    GrantScope scope;
    char *db;
    char *table;
    PrivSet privs;
} PrivGrant;

/* A user ('name'@'host') or a role (host == NULL). */
typedef struct Grantee {
    char *name;
    char *host;                       /* NULL for a role */
    char password[AUTH_HASH_LEN + 1]; /* users: "*HEX" or "" (no password) */
    bool builtin;                     /* root user, built-in roles: cannot be dropped */
    VEC(char *) roles;                /* roles granted to this user or role */
    VEC(PrivGrant) grants;
} Grantee;

typedef struct UserDb {
    VEC(Grantee) users;
    VEC(Grantee) roles;
} UserDb;

/* Who a mutation is applied to: a user (host != NULL) or a role (host == NULL). */
typedef struct GranteeRef {
    const char *name;
    const char *host;
} GranteeRef;

/* A fresh database: the root user (no password, role root) and the built-in roles. */
UserDb *userdb_new_default(void);
/* An empty database (no users, no roles): the loader fills it. */
UserDb *userdb_new_empty(void);
UserDb *userdb_clone(const UserDb *db);
void userdb_free(UserDb *db);

/* Lookups; NULL when absent. Role names are compared exactly, user names and hosts exactly. */
const Grantee *userdb_find_user(const UserDb *db, const char *name, const char *host);
const Grantee *userdb_find_role(const UserDb *db, const char *name);
/* The account a client logs in as: among the users called `name`, the one whose host matches
 * client_host best (equal host, then a LIKE pattern, then '%'). NULL when none matches. */
const Grantee *userdb_find_login(const UserDb *db, const char *name, const char *client_host);
/* True when an account host pattern admits client_host ('%': all; 'localhost': 127.0.0.1, ::1). */
bool userdb_host_matches(const char *pattern, const char *client_host);

/* The privileges `g` holds on an object through its own grants, every role reachable from it and
 * the public role. db == NULL: only global grants; table == NULL: global and db grants. ADMIN
 * implies REPOSITORY and OPERATE. */
PrivSet userdb_privs_on(const UserDb *db, const Grantee *g, const char *obj_db,
                        const char *obj_table);
/* True when `g` holds an object privilege (not just USAGE) globally, on obj_db or a table in it. */
bool userdb_any_in_db(const UserDb *db, const Grantee *g, const char *obj_db);

/* ---- mutations: validate first, change nothing on error ---- */
Status userdb_create_user(UserDb *db, const char *name, const char *host, const char *password_hash,
                          bool if_not_exists, Error *err) MUST_CHECK;
Status userdb_drop_user(UserDb *db, const char *name, const char *host, bool if_exists,
                        Error *err) MUST_CHECK;
Status userdb_set_password(UserDb *db, const char *name, const char *host,
                           const char *password_hash, Error *err) MUST_CHECK;
Status userdb_create_role(UserDb *db, const char *name, bool if_not_exists, Error *err) MUST_CHECK;
Status userdb_drop_role(UserDb *db, const char *name, bool if_exists, Error *err) MUST_CHECK;
/* Adds privs on (scope, obj_db, obj_table) to the grantee. System privileges need GLOBAL scope,
 * CREATE and USAGE cannot be granted on a table. */
Status userdb_grant(UserDb *db, GranteeRef to, GrantScope scope, const char *obj_db,
                    const char *obj_table, PrivSet privs, Error *err) MUST_CHECK;
/* Removes privs from exactly that object's grant; 1141 when none of them is held there. */
Status userdb_revoke(UserDb *db, GranteeRef from, GrantScope scope, const char *obj_db,
                     const char *obj_table, PrivSet privs, Error *err) MUST_CHECK;
/* Grants a role to a user or to another role (cycles refused). Granting an already held role is a
 * no-op. */
Status userdb_grant_role(UserDb *db, const char *role, GranteeRef to, Error *err) MUST_CHECK;
Status userdb_revoke_role(UserDb *db, const char *role, GranteeRef from, Error *err) MUST_CHECK;

/* ---- display ---- */
/* Appends 'name'@'host' (users) or 'name' (roles). */
void userdb_format_ident(StrBuf *out, const char *name, const char *host);

/* One SHOW GRANTS row: Catalog (NULL for role and system grants) and the GRANT statement. */
typedef struct GrantLine {
    const char *catalog; /* static string or NULL */
    char *text;          /* malloc-owned */
} GrantLine;
typedef VEC(GrantLine) GrantLines;

/* The GRANT statements that recreate g's roles and privileges, one per object and kind
 * (roles first, then ON SYSTEM, then global, database and table grants in name order). */
void userdb_grant_lines(const UserDb *db, const Grantee *g, GrantLines *out);
void grant_lines_free(GrantLines *lines);

#endif
