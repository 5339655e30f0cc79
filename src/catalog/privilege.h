/* Privilege checks: may this session's user do X on *.* / db / db.table? One call per statement.
 * Grants live in the users catalog (catalog/users.h); a check resolves the user's own grants plus
 * every role granted to it (all granted roles are active, and `public` applies to everyone).
 * Thread-safe: checks take the users catalog's read lock; callers hold no lock of ours. */
#ifndef CAIRN_CATALOG_PRIVILEGE_H
#define CAIRN_CATALOG_PRIVILEGE_H

#include <stdbool.h>
#include <stdint.h>

#include "sql/session.h"
#include "util/error.h"

/* One bit per privilege. Object privileges can be granted on *.*, db.* or db.tbl; system
 * privileges only globally (ON SYSTEM, or the legacy ON *.*). */
typedef enum Priv {
    /* object privileges */
    PRIV_SELECT = 1u << 0,
    PRIV_INSERT = 1u << 1,
    PRIV_UPDATE = 1u << 2,
    PRIV_DELETE = 1u << 3,
    PRIV_ALTER = 1u << 4,
    /* CREATE TABLE/VIEW/MATERIALIZED VIEW in a db; CREATE DATABASE when held globally */
    PRIV_CREATE = 1u << 5,
    PRIV_DROP = 1u << 6,
    PRIV_EXPORT = 1u << 7, /* back up a table (StarRocks 3.x EXPORT) */
    PRIV_USAGE = 1u << 8,  /* grants nothing by itself (MySQL's USAGE) */
    /* system privileges */
    PRIV_ADMIN = 1u << 16, /* BACKUP/RESTORE, repositories, ADMIN SET CONFIG, KILL of others */
    PRIV_GRANT = 1u << 17, /* user management: CREATE/DROP USER and ROLE, GRANT, REVOKE */
    /* StarRocks 3.x name for repository operations; ADMIN implies it */
    PRIV_REPOSITORY = 1u << 18,
    PRIV_NODE = 1u << 19, /* cluster topology statements (SHOW FRONTENDS/BACKENDS ...) */
    /* operational statements (ADMIN SHOW CONFIG, KILL ...); ADMIN implies it */
    PRIV_OPERATE = 1u << 20,
} Priv;

typedef uint32_t PrivSet; /* a set of Priv bits */

#define PRIV_OBJECT_ALL                                                                            \
    ((PrivSet)(PRIV_SELECT | PRIV_INSERT | PRIV_UPDATE | PRIV_DELETE | PRIV_ALTER | PRIV_CREATE |  \
               PRIV_DROP | PRIV_EXPORT | PRIV_USAGE))
#define PRIV_SYSTEM_ALL                                                                            \
    ((PrivSet)(PRIV_ADMIN | PRIV_GRANT | PRIV_REPOSITORY | PRIV_NODE | PRIV_OPERATE))

/* Succeeds when the session may use privilege `p` on the object; otherwise an error naming the
 * user and the missing privilege: table != NULL → 1142 "SELECT command denied to user 'u'@'%' for
 * table 't'"; db only → 1044 "Access denied for user 'u'@'%' to database 'd'"; neither → 1227
 * "Access denied; you need (at least one of) the X privilege(s) for this operation".
 * A grant on *.* covers every db and table; a grant on db.* covers every table of db.
 * s == NULL or s->internal: always allowed. db == NULL with table != NULL: uses s->db. */
Status priv_check(const Session *s, Priv p, const char *db, const char *table,
                  Error *err) MUST_CHECK;

/* The check BACKUP, RESTORE and repository statements make: the ADMIN privilege (root, db_admin,
 * or a direct GRANT ADMIN); denial is 1227 naming ADMIN. */
Status priv_check_admin(const Session *s, Error *err) MUST_CHECK;

/* The check for user management (CREATE/DROP USER, roles, GRANT/REVOKE): the GRANT privilege. */
Status priv_check_grant(const Session *s, Error *err) MUST_CHECK;

/* The same resolution as priv_check, without an error (to filter SHOW DATABASES/TABLES rows). */
bool priv_has(const Session *s, Priv p, const char *db, const char *table);

/* True when the session holds any privilege on db itself, on any table of db, or globally
 * (decides whether SHOW DATABASES lists db and whether USE db is allowed). */
bool priv_has_any_in_db(const Session *s, const char *db);

/* Upper-case name of one privilege ("SELECT", "ADMIN", ...); "UNKNOWN" for anything else. */
const char *priv_name(Priv p);

/* Parses one privilege name as GRANT/REVOKE write it (case-insensitive): SELECT, INSERT, ..., ALL
 * [PRIVILEGES], the StarRocks 3.x "CREATE TABLE"/"CREATE DATABASE"/... forms and the legacy
 * "SELECT_PRIV"/"LOAD_PRIV"/"ADMIN_PRIV"/... names. ALL yields PRIV_OBJECT_ALL (the caller widens
 * it for ON SYSTEM). Unknown names are ERR_COMMON naming the privilege. */
Status priv_parse_name(const char *name, PrivSet *out, Error *err) MUST_CHECK;

#endif
