/* Privilege checks (catalog/privilege.h): resolve the session's account in the live users state,
 * collect what its grants and roles allow on the object, and word the MySQL denial when short. */
#include "catalog/privilege.h"

#include <string.h>

#include "catalog/users.h"
#include "util/str.h"

/* Resolves what the session's account holds on the object; writes the account's host pattern
 * (for messages) into host_out. */
static PrivSet session_privs(const Session *s, const char *db, const char *table, char *host_out,
                             size_t host_cap) {
    const UserDb *udb = users_acquire();
    const Grantee *g = userdb_find_login(udb, s->user, s->client_host);
    PrivSet privs = g ? userdb_privs_on(udb, g, db, table) : 0;
    snprintf(host_out, host_cap, "%s", g ? g->host : s->client_host);
    users_release();
    return privs;
}

Status priv_check(const Session *s, Priv p, const char *db, const char *table, Error *err) {
    if (!s || s->internal) return STATUS_OK;
    if (table && (!db || !*db)) {
        if (!s->db[0]) return err_set(err, ERR_NO_DB, "No database selected");
        db = s->db;
    }
    char host[256];
    PrivSet privs = session_privs(s, db, table, host, sizeof host);
    if ((privs & p) == (PrivSet)p) return STATUS_OK;
    if (table)
        return err_set(err, ERR_TABLE_ACCESS_DENIED,
                       "%s command denied to user '%s'@'%s' for table '%s'", priv_name(p), s->user,
                       host, table);
    if (db)
        return err_set(
            err, ERR_DB_ACCESS_DENIED,
            "Access denied for user '%s'@'%s' to database '%s': the %s privilege is needed",
            s->user, host, db, priv_name(p));
    return err_set(
        err, ERR_SPECIFIC_ACCESS_DENIED,
        "Access denied; you need (at least one of) the %s privilege(s) for this operation",
        priv_name(p));
}

Status priv_check_admin(const Session *s, Error *err) {
    return priv_check(s, PRIV_ADMIN, NULL, NULL, err);
}

Status priv_check_grant(const Session *s, Error *err) {
    return priv_check(s, PRIV_GRANT, NULL, NULL, err);
}

bool priv_has(const Session *s, Priv p, const char *db, const char *table) {
    if (!s || s->internal) return true;
    if (table && (!db || !*db)) db = s->db[0] ? s->db : NULL;
    if (table && !db) return false;
    char host[256];
    return (session_privs(s, db, table, host, sizeof host) & p) == (PrivSet)p;
}

bool priv_has_any_in_db(const Session *s, const char *db) {
    if (!s || s->internal) return true;
    const UserDb *udb = users_acquire();
    const Grantee *g = userdb_find_login(udb, s->user, s->client_host);
    bool any = g && userdb_any_in_db(udb, g, db);
    users_release();
    return any;
}

const char *priv_name(Priv p) {
    switch (p) {
    case PRIV_SELECT:
        return "SELECT";
    case PRIV_INSERT:
        return "INSERT";
    case PRIV_UPDATE:
        return "UPDATE";
    case PRIV_DELETE:
        return "DELETE";
    case PRIV_ALTER:
        return "ALTER";
    case PRIV_CREATE:
        return "CREATE";
    case PRIV_DROP:
        return "DROP";
    case PRIV_EXPORT:
        return "EXPORT";
    case PRIV_USAGE:
        return "USAGE";
    case PRIV_ADMIN:
        return "ADMIN";
    case PRIV_GRANT:
        return "GRANT";
    case PRIV_REPOSITORY:
        return "REPOSITORY";
    case PRIV_NODE:
        return "NODE";
    case PRIV_OPERATE:
        return "OPERATE";
    }
    return "UNKNOWN";
}

Status priv_parse_name(const char *name, PrivSet *out, Error *err) {
    static const Priv all[] = {PRIV_SELECT, PRIV_INSERT,     PRIV_UPDATE, PRIV_DELETE, PRIV_ALTER,
                               PRIV_CREATE, PRIV_DROP,       PRIV_EXPORT, PRIV_USAGE,  PRIV_ADMIN,
                               PRIV_GRANT,  PRIV_REPOSITORY, PRIV_NODE,   PRIV_OPERATE};
    /* StarRocks 3.x object-specific names and the 2.x "_PRIV" names map onto cairn's set. */
    static const struct {
        const char *name;
        PrivSet privs;
    } aliases[] = {
        {"ALL", PRIV_OBJECT_ALL},
        {"ALL PRIVILEGES", PRIV_OBJECT_ALL},
        {"CREATE TABLE", PRIV_CREATE},
        {"CREATE VIEW", PRIV_CREATE},
        {"CREATE MATERIALIZED VIEW", PRIV_CREATE},
        {"CREATE DATABASE", PRIV_CREATE},
        {"CREATE FUNCTION", PRIV_CREATE},
        {"SELECT_PRIV", PRIV_SELECT},
        {"LOAD_PRIV", PRIV_INSERT | PRIV_UPDATE | PRIV_DELETE},
        {"ALTER_PRIV", PRIV_ALTER},
        {"CREATE_PRIV", PRIV_CREATE},
        {"DROP_PRIV", PRIV_DROP},
        {"USAGE_PRIV", PRIV_USAGE},
        {"ADMIN_PRIV", PRIV_ADMIN},
        {"GRANT_PRIV", PRIV_GRANT},
        {"NODE_PRIV", PRIV_NODE},
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (str_ieq(name, priv_name(all[i]))) {
            *out = all[i];
            return STATUS_OK;
        }
    }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (str_ieq(name, aliases[i].name)) {
            *out = aliases[i].privs;
            return STATUS_OK;
        }
    }
    return err_set(
        err, ERR_COMMON,
        "Unknown privilege '%s': cairn supports SELECT, INSERT, UPDATE, DELETE, ALTER, CREATE, "
        "DROP, "
        "EXPORT, USAGE, ALL on objects and ADMIN, GRANT, REPOSITORY, NODE, OPERATE on SYSTEM",
        name ? name : "");
}
