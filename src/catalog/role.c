/* Built-in role definitions (catalog/role.h). db_admin is the administrator role that carries
 * ADMIN: the privilege BACKUP, RESTORE and repository statements require. */
#include "catalog/role.h"

#include <string.h>

static const BuiltinRole builtins[] = {
    {ROLE_ROOT, PRIV_OBJECT_ALL | PRIV_SYSTEM_ALL, "all privileges on everything"},
    {"db_admin", PRIV_OBJECT_ALL | PRIV_ADMIN,
     "all object privileges and ADMIN (backup, restore, repositories)"},
    {"cluster_admin", PRIV_NODE | PRIV_OPERATE, "node and operation privileges"},
    {"user_admin", PRIV_GRANT, "user, role and grant management"},
    {ROLE_PUBLIC, 0, "held by every user; no privileges unless granted"},
};

const BuiltinRole *role_builtins(size_t *n) {
    *n = sizeof builtins / sizeof builtins[0];
    return builtins;
}

const BuiltinRole *role_builtin_find(const char *name) {
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (name && strcmp(builtins[i].name, name) == 0) return &builtins[i];
    return NULL;
}

bool role_privileges_mutable(const char *name) {
    return !role_builtin_find(name) || strcmp(name, ROLE_PUBLIC) == 0;
}
