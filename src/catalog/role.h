/* The built-in roles every cairn instance has (StarRocks 3.x names): root, db_admin, cluster_admin,
 * user_admin and public. Their privileges are fixed here, not stored, except public's, which an
 * administrator may extend. The users model (users_model.c) seeds and resolves them. */
#ifndef CAIRN_CATALOG_ROLE_H
#define CAIRN_CATALOG_ROLE_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/privilege.h"

#define ROLE_ROOT "root"
#define ROLE_PUBLIC "public" /* every user holds it implicitly */

typedef struct BuiltinRole {
    const char *name;
    PrivSet global_privs; /* granted on *.* / ON SYSTEM */
    const char *comment;  /* shown by SHOW ROLES */
} BuiltinRole;

/* The built-in roles, in display order; *n receives the count. */
const BuiltinRole *role_builtins(size_t *n);
/* The built-in role called `name`, or NULL. */
const BuiltinRole *role_builtin_find(const char *name);
/* True when GRANT/REVOKE may change the role's privileges (user roles and public). */
bool role_privileges_mutable(const char *name);

#endif
