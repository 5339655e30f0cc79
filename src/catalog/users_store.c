/* Reads and writes the auth_* tables of the metadata database (catalog/users_store.h).
 * Roles are stored with grantee_host = '' (a user's host is never empty). Built-in roles and
 * their fixed privileges are not stored: they come from role.c, so a new release can change them;
 * only public's extra grants and role memberships of built-in roles are kept. */
#include "catalog/users_store.h"

#include <string.h>

#include "catalog/role.h"

static const char *const schema_sql =
    "CREATE TABLE IF NOT EXISTS auth_users ("
    "  name TEXT NOT NULL, host TEXT NOT NULL, password TEXT NOT NULL,"
    "  PRIMARY KEY (name, host));"
    "CREATE TABLE IF NOT EXISTS auth_roles (name TEXT NOT NULL PRIMARY KEY);"
    "CREATE TABLE IF NOT EXISTS auth_role_members ("
    "  grantee_name TEXT NOT NULL, grantee_host TEXT NOT NULL, role TEXT NOT NULL,"
    "  PRIMARY KEY (grantee_name, grantee_host, role));"
    "CREATE TABLE IF NOT EXISTS auth_grants ("
    "  grantee_name TEXT NOT NULL, grantee_host TEXT NOT NULL, scope INTEGER NOT NULL,"
    "  db TEXT NOT NULL, tbl TEXT NOT NULL, privs INTEGER NOT NULL,"
    "  PRIMARY KEY (grantee_name, grantee_host, scope, db, tbl));";

static Status db_error(sqlite3 *db, const char *what, Error *err) {
    return err_set(err, ERR_IO, "metadata database: %s: %s", what, sqlite3_errmsg(db));
}

const char *users_store_schema(void) {
    return schema_sql;
}

Status users_store_create_tables(sqlite3 *db, Error *err) {
    char *msg = NULL;
    if (sqlite3_exec(db, schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(err, ERR_IO, "metadata database: creating the auth_* tables: %s",
                msg ? msg : "unknown error");
        sqlite3_free(msg);
        return STATUS_ERROR;
    }
    return STATUS_OK;
}

static const char *col_text(sqlite3_stmt *st, int i) {
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* The grantee a stored row names: a role when host is ''. */
static GranteeRef row_ref(const char *name, const char *host) {
    GranteeRef r = {name, *host ? host : NULL};
    return r;
}

static Status load_rows(sqlite3 *db, UserDb *u, Error *err) {
    Status rc = STATUS_ERROR;
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(db, "SELECT name, host, password FROM auth_users ORDER BY rowid", -1,
                           &st, NULL))
        return db_error(db, "reading auth_users", err);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = col_text(st, 0), *host = col_text(st, 1), *pw = col_text(st, 2);
        char hash[AUTH_HASH_LEN + 1];
        if (auth_password_hash_parse(pw, hash, err)) {
            err_prefix(err, "auth_users row '%s'@'%s': ", name, host);
            err->code = ERR_CORRUPT;
            goto done;
        }
        if (userdb_find_user(u, name, host)) {
            if (userdb_set_password(u, name, host, hash, err)) goto done;
        } else if (userdb_create_user(u, name, host, hash, false, err)) {
            goto done;
        }
    }
    if (step != SQLITE_DONE) {
        db_error(db, "reading auth_users", err);
        goto done;
    }
    sqlite3_finalize(st);

    if (sqlite3_prepare_v2(db, "SELECT name FROM auth_roles ORDER BY rowid", -1, &st, NULL))
        return db_error(db, "reading auth_roles", err);
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if (userdb_create_role(u, col_text(st, 0), true, err)) goto done;
    if (step != SQLITE_DONE) {
        db_error(db, "reading auth_roles", err);
        goto done;
    }
    sqlite3_finalize(st);

    if (sqlite3_prepare_v2(
            db, "SELECT grantee_name, grantee_host, role FROM auth_role_members ORDER BY rowid", -1,
            &st, NULL))
        return db_error(db, "reading auth_role_members", err);
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        if (userdb_grant_role(u, col_text(st, 2), row_ref(col_text(st, 0), col_text(st, 1)), err))
            goto corrupt;
    if (step != SQLITE_DONE) {
        db_error(db, "reading auth_role_members", err);
        goto done;
    }
    sqlite3_finalize(st);

    if (sqlite3_prepare_v2(db,
                           "SELECT grantee_name, grantee_host, scope, db, tbl, privs FROM "
                           "auth_grants ORDER BY rowid",
                           -1, &st, NULL))
        return db_error(db, "reading auth_grants", err);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int scope = sqlite3_column_int(st, 2);
        if (scope < GRANT_SCOPE_GLOBAL || scope > GRANT_SCOPE_TABLE) {
            err_set(err, ERR_CORRUPT,
                    "metadata database: auth_grants row for '%s' has unknown scope %d",
                    col_text(st, 0), scope);
            goto done;
        }
        PrivSet privs = (PrivSet)sqlite3_column_int64(st, 5);
        if (userdb_grant(u, row_ref(col_text(st, 0), col_text(st, 1)), (GrantScope)scope,
                         col_text(st, 3), col_text(st, 4), privs, err))
            goto corrupt;
    }
    if (step != SQLITE_DONE) {
        db_error(db, "reading auth_grants", err);
        goto done;
    }
    rc = STATUS_OK;
    goto done;
corrupt:
    err_prefix(err, "metadata database: inconsistent users/grants rows: ");
    err->code = ERR_CORRUPT;
done:
    sqlite3_finalize(st);
    return rc;
}

Status users_store_load(sqlite3 *db, UserDb **out, Error *err) {
    *out = NULL;
    UserDb *u = userdb_new_default();
    if (load_rows(db, u, err)) {
        userdb_free(u);
        return STATUS_ERROR;
    }
    *out = u;
    return STATUS_OK;
}

static Status exec(sqlite3 *db, const char *sql, Error *err) {
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) return db_error(db, sql, err);
    return STATUS_OK;
}

static Status save_grantee(sqlite3 *db, sqlite3_stmt *member, sqlite3_stmt *grant, const Grantee *g,
                           Error *err) {
    const char *host = g->host ? g->host : "";
    for (size_t i = 0; i < g->roles.len; i++) {
        sqlite3_reset(member);
        sqlite3_bind_text(member, 1, g->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(member, 2, host, -1, SQLITE_STATIC);
        sqlite3_bind_text(member, 3, g->roles.items[i], -1, SQLITE_STATIC);
        if (sqlite3_step(member) != SQLITE_DONE)
            return db_error(db, "writing auth_role_members", err);
    }
    /* Built-in roles' fixed privileges come from role.c; only public's are the user's to change. */
    if (!g->host && !role_privileges_mutable(g->name)) return STATUS_OK;
    for (size_t i = 0; i < g->grants.len; i++) {
        const PrivGrant *pg = &g->grants.items[i];
        sqlite3_reset(grant);
        sqlite3_bind_text(grant, 1, g->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(grant, 2, host, -1, SQLITE_STATIC);
        sqlite3_bind_int(grant, 3, (int)pg->scope);
        sqlite3_bind_text(grant, 4, pg->db ? pg->db : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(grant, 5, pg->table ? pg->table : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(grant, 6, (sqlite3_int64)pg->privs);
        if (sqlite3_step(grant) != SQLITE_DONE) return db_error(db, "writing auth_grants", err);
    }
    return STATUS_OK;
}

Status users_store_save(sqlite3 *db, const UserDb *u, Error *err) {
    Status rc = STATUS_ERROR;
    sqlite3_stmt *user = NULL, *role = NULL, *member = NULL, *grant = NULL;
    if (users_store_create_tables(db, err)) return STATUS_ERROR;
    if (exec(db,
             "DELETE FROM auth_users; DELETE FROM auth_roles; DELETE FROM auth_role_members;"
             " DELETE FROM auth_grants;",
             err))
        return STATUS_ERROR;
    if (sqlite3_prepare_v2(db, "INSERT INTO auth_users (name, host, password) VALUES (?, ?, ?)", -1,
                           &user, NULL) ||
        sqlite3_prepare_v2(db, "INSERT INTO auth_roles (name) VALUES (?)", -1, &role, NULL) ||
        sqlite3_prepare_v2(
            db, "INSERT INTO auth_role_members (grantee_name, grantee_host, role) VALUES (?, ?, ?)",
            -1, &member, NULL) ||
        sqlite3_prepare_v2(
            db,
            "INSERT INTO auth_grants (grantee_name, grantee_host, scope, db, tbl, privs)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            -1, &grant, NULL)) {
        db_error(db, "preparing auth_* writes", err);
        goto done;
    }
    for (size_t i = 0; i < u->users.len; i++) {
        const Grantee *g = &u->users.items[i];
        sqlite3_reset(user);
        sqlite3_bind_text(user, 1, g->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(user, 2, g->host, -1, SQLITE_STATIC);
        sqlite3_bind_text(user, 3, g->password, -1, SQLITE_STATIC);
        if (sqlite3_step(user) != SQLITE_DONE) {
            db_error(db, "writing auth_users", err);
            goto done;
        }
    }
    for (size_t i = 0; i < u->roles.len; i++) {
        const Grantee *g = &u->roles.items[i];
        if (g->builtin) continue;
        sqlite3_reset(role);
        sqlite3_bind_text(role, 1, g->name, -1, SQLITE_STATIC);
        if (sqlite3_step(role) != SQLITE_DONE) {
            db_error(db, "writing auth_roles", err);
            goto done;
        }
    }
    for (size_t i = 0; i < u->roles.len; i++)
        if (save_grantee(db, member, grant, &u->roles.items[i], err)) goto done;
    for (size_t i = 0; i < u->users.len; i++)
        if (save_grantee(db, member, grant, &u->users.items[i], err)) goto done;
    rc = STATUS_OK;
done:
    sqlite3_finalize(user);
    sqlite3_finalize(role);
    sqlite3_finalize(member);
    sqlite3_finalize(grant);
    return rc;
}
