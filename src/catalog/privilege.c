/* Privilege checks (catalog/privilege.h). Temporary permissive implementation: every check passes
 * until the users catalog lands; the names and parsing are final. */
#include "catalog/privilege.h"

#include <string.h>

#include "util/str.h"

Status priv_check(const Session *s, Priv p, const char *db, const char *table, Error *err) {
    return STATUS_OK;
}

Status priv_check_admin(const Session *s, Error *err) {
    return priv_check(s, PRIV_ADMIN, NULL, NULL, err);
}

Status priv_check_grant(const Session *s, Error *err) {
    return priv_check(s, PRIV_GRANT, NULL, NULL, err);
}

bool priv_has(const Session *s, Priv p, const char *db, const char *table) {
    return true;
}

bool priv_has_any_in_db(const Session *s, const char *db) {
    return true;
}

const char *priv_name(Priv p) {
    switch (p) {
    case PRIV_SELECT: return "SELECT";
    case PRIV_INSERT: return "INSERT";
    case PRIV_UPDATE: return "UPDATE";
    case PRIV_DELETE: return "DELETE";
    case PRIV_ALTER: return "ALTER";
    case PRIV_CREATE: return "CREATE";
    case PRIV_DROP: return "DROP";
    case PRIV_EXPORT: return "EXPORT";
    case PRIV_USAGE: return "USAGE";
    case PRIV_ADMIN: return "ADMIN";
    case PRIV_GRANT: return "GRANT";
    case PRIV_REPOSITORY: return "REPOSITORY";
    case PRIV_NODE: return "NODE";
    case PRIV_OPERATE: return "OPERATE";
    }
    return "UNKNOWN";
}

Status priv_parse_name(const char *name, PrivSet *out, Error *err) {
    static const Priv all[] = {PRIV_SELECT, PRIV_INSERT, PRIV_UPDATE, PRIV_DELETE, PRIV_ALTER,
                               PRIV_CREATE, PRIV_DROP,   PRIV_EXPORT, PRIV_USAGE,  PRIV_ADMIN,
                               PRIV_GRANT,  PRIV_REPOSITORY, PRIV_NODE, PRIV_OPERATE};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (str_ieq(name, priv_name(all[i]))) {
            *out = all[i];
            return STATUS_OK;
        }
    }
    if (str_ieq(name, "ALL") || str_ieq(name, "ALL PRIVILEGES")) {
        *out = PRIV_OBJECT_ALL;
        return STATUS_OK;
    }
    return err_set(err, ERR_COMMON, "Unknown privilege '%s'", name);
}
