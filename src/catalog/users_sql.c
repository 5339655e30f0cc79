/* Statement handlers for users, roles and grants: CREATE/ALTER/DROP USER, SET PASSWORD, GRANT,
 * REVOKE, CREATE/DROP ROLE, SHOW GRANTS / ALL GRANTS / USERS / ROLES. Each handler checks the
 * caller's privilege, turns the AST into one users_mutate() change (persisted atomically), or reads
 * the live state under the read lock and sends rows after releasing it. */
#include <stdlib.h>
#include <string.h>

#include "catalog/auth.h"
#include "catalog/privilege.h"
#include "catalog/role.h"
#include "catalog/users.h"
#include "sql/execute.h"
#include "util/log.h"
#include "util/str.h"

/* ------------------------------------------------------------------ helpers */

/* The account ('name'@'host' pattern) the session is logged in as; false if it no longer exists. */
static bool session_account(const Session *s, char *name, size_t name_cap, char *host,
                            size_t host_cap) {
    const UserDb *db = users_acquire();
    const Grantee *g = userdb_find_login(db, s->user, s->client_host);
    if (g) {
        snprintf(name, name_cap, "%s", g->name);
        snprintf(host, host_cap, "%s", g->host);
    }
    users_release();
    return g != NULL;
}

static bool is_self(const Session *s, const UserIdent *u) {
    char name[NAME_MAX_LEN + 1], host[256];
    if (!u) return true;
    if (!session_account(s, name, sizeof name, host, sizeof host)) return false;
    return strcmp(name, u->user) == 0 && str_ieq(host, u->host ? u->host : "%");
}

static const char *ident_host(const UserIdent *u) {
    return u->host && *u->host ? u->host : "%";
}

/* The stored hash for a password clause: plain text is hashed, '*HEX' is validated. */
static Status password_clause(const char *password, bool is_hash, char out[AUTH_HASH_LEN + 1],
                              Error *err) {
    if (!password) {
        out[0] = '\0';
        return STATUS_OK;
    }
    if (is_hash) return auth_password_hash_parse(password, out, err);
    auth_password_hash(password, out);
    return STATUS_OK;
}

static Status check_plugin(const char *plugin, Error *err) {
    if (!plugin || str_ieq(plugin, "mysql_native_password")) return STATUS_OK;
    return err_set(
        err, ERR_NOT_SUPPORTED,
        "Authentication plugin '%s' is not supported: cairn accepts mysql_native_password", plugin);
}

static Status send_ok(ResultSink *out, Error *err) {
    return out->ok(out, 0, 0, NULL, err);
}

/* ------------------------------------------------------------------ CREATE / ALTER / DROP USER */

typedef struct UserChange {
    const CreateUserStmt *st;
    const char *host;
    char hash[AUTH_HASH_LEN + 1];
    bool set_password;
    bool changed; /* false when IF [NOT] EXISTS made the statement a no-op */
} UserChange;

static Status grant_default_roles(UserDb *db, const UserChange *c, Error *err) {
    GranteeRef to = {c->st->user.user, c->host};
    for (int i = 0; i < c->st->ndefault_roles; i++)
        if (userdb_grant_role(db, c->st->default_roles[i], to, err)) return STATUS_ERROR;
    return STATUS_OK;
}

static Status apply_create_user(UserDb *db, void *ctx, Error *err) {
    UserChange *c = ctx;
    bool existed = userdb_find_user(db, c->st->user.user, c->host) != NULL;
    if (userdb_create_user(db, c->st->user.user, c->host, c->hash, c->st->if_not_exists, err))
        return STATUS_ERROR;
    if (existed) return STATUS_OK; /* IF NOT EXISTS: leave the existing account alone */
    c->changed = true;
    return grant_default_roles(db, c, err);
}

static Status apply_alter_user(UserDb *db, void *ctx, Error *err) {
    UserChange *c = ctx;
    if (!userdb_find_user(db, c->st->user.user, c->host)) {
        if (c->st->if_exists) return STATUS_OK;
        return err_set(err, ERR_CANNOT_USER,
                       "Operation ALTER USER failed for '%s'@'%s': no such user", c->st->user.user,
                       c->host);
    }
    if (c->set_password && userdb_set_password(db, c->st->user.user, c->host, c->hash, err))
        return STATUS_ERROR;
    c->changed = true;
    return grant_default_roles(db, c, err);
}

static Status handle_create_or_alter_user(Session *s, const Stmt *stmt, ResultSink *out,
                                          Error *err) {
    const CreateUserStmt *st = &stmt->u.create_user;
    bool alter = stmt->kind == STMT_ALTER_USER;
    /* Changing one's own password needs no privilege; everything else is user management. */
    bool self_password_only = alter && st->ndefault_roles == 0 && is_self(s, &st->user);
    if (!self_password_only && priv_check_grant(s, err)) return STATUS_ERROR;
    if (check_plugin(st->auth_plugin, err)) return STATUS_ERROR;
    UserChange c = {st, ident_host(&st->user), {0}, st->password != NULL, false};
    if (password_clause(st->password, st->password_is_hash, c.hash, err)) return STATUS_ERROR;
    if (users_mutate(alter ? apply_alter_user : apply_create_user, &c, err)) return STATUS_ERROR;
    if (c.changed)
        log_info("users: %s '%s'@'%s' by '%s'", alter ? "altered" : "created", st->user.user,
                 c.host, s->user);
    return send_ok(out, err);
}

static Status apply_drop_user(UserDb *db, void *ctx, Error *err) {
    const DropUserStmt *st = ctx;
    return userdb_drop_user(db, st->user.user, ident_host(&st->user), st->if_exists, err);
}

static Status handle_drop_user(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    if (priv_check_grant(s, err)) return STATUS_ERROR;
    if (users_mutate(apply_drop_user, (void *)&stmt->u.drop_user, err)) return STATUS_ERROR;
    log_info("users: dropped '%s'@'%s' by '%s'", stmt->u.drop_user.user.user,
             ident_host(&stmt->u.drop_user.user), s->user);
    return send_ok(out, err);
}

/* ------------------------------------------------------------------ SET PASSWORD */

typedef struct PasswordChange {
    char name[NAME_MAX_LEN + 1];
    char host[256];
    char hash[AUTH_HASH_LEN + 1];
} PasswordChange;

static Status apply_set_password(UserDb *db, void *ctx, Error *err) {
    PasswordChange *c = ctx;
    return userdb_set_password(db, c->name, c->host, c->hash, err);
}

static Status handle_set_password(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    const SetPasswordStmt *st = &stmt->u.set_password;
    PasswordChange c;
    if (!st->user || is_self(s, st->user)) {
        if (!session_account(s, c.name, sizeof c.name, c.host, sizeof c.host))
            return err_set(
                err, ERR_PASSWORD_NO_MATCH,
                "Can't find any matching row in the user table: your account '%s' no longer exists",
                s->user);
    } else {
        if (priv_check_grant(s, err)) return STATUS_ERROR;
        snprintf(c.name, sizeof c.name, "%s", st->user->user);
        snprintf(c.host, sizeof c.host, "%s", ident_host(st->user));
    }
    if (password_clause(st->password ? st->password : "", st->is_hashed, c.hash, err))
        return STATUS_ERROR;
    if (users_mutate(apply_set_password, &c, err)) return STATUS_ERROR;
    log_info("users: password of '%s'@'%s' changed by '%s'", c.name, c.host, s->user);
    return send_ok(out, err);
}

/* ------------------------------------------------------------------ GRANT / REVOKE */

typedef struct GrantChange {
    const GrantStmt *st;
    bool revoke;
    GranteeRef who;
    GrantScope scope;
    const char *db;
    PrivSet privs;
} GrantChange;

static Status apply_grant(UserDb *db, void *ctx, Error *err) {
    GrantChange *c = ctx;
    if (c->st->role_grant) {
        for (int i = 0; i < c->st->nroles; i++) {
            Status rc = c->revoke ? userdb_revoke_role(db, c->st->roles[i], c->who, err)
                                  : userdb_grant_role(db, c->st->roles[i], c->who, err);
            if (rc) return STATUS_ERROR;
        }
        return STATUS_OK;
    }
    if (c->revoke) return userdb_revoke(db, c->who, c->scope, c->db, c->st->table, c->privs, err);
    return userdb_grant(db, c->who, c->scope, c->db, c->st->table, c->privs, err);
}

/* Resolves the privilege list for the object kind: ALL means every privilege valid there. */
static Status grant_privs(const GrantStmt *st, PrivSet *out, Error *err) {
    PrivSet privs = 0;
    bool all = false;
    for (int i = 0; i < st->nprivs; i++) {
        PrivSet p;
        if (priv_parse_name(st->privs[i], &p, err)) return STATUS_ERROR;
        if (str_ieq(st->privs[i], "ALL") || str_ieq(st->privs[i], "ALL PRIVILEGES")) all = true;
        privs |= p;
    }
    if (st->obj_type == GOBJ_SYSTEM) {
        if (all) privs = (privs & ~PRIV_OBJECT_ALL) | PRIV_SYSTEM_ALL;
        if (privs & PRIV_OBJECT_ALL) {
            Priv first = (Priv)(privs & PRIV_OBJECT_ALL & -(privs & PRIV_OBJECT_ALL));
            return err_set(
                err, ERR_COMMON,
                "%s cannot be granted ON SYSTEM: grant it on *.*, a database (db.*) or a table",
                priv_name(first));
        }
    }
    if (st->obj_type == GOBJ_TABLE && all) privs &= ~(PrivSet)(PRIV_CREATE | PRIV_USAGE);
    *out = privs;
    return STATUS_OK;
}

static Status handle_grant(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    const GrantStmt *st = &stmt->u.grant;
    if (priv_check_grant(s, err)) return STATUS_ERROR;
    GrantChange c = {st, stmt->kind == STMT_REVOKE, {NULL, NULL}, GRANT_SCOPE_GLOBAL, NULL, 0};
    if (st->to_user) {
        c.who.name = st->to_user->user;
        c.who.host = ident_host(st->to_user);
    } else if (st->to_role) {
        c.who.name = st->to_role;
    } else {
        return err_set(err, ERR_PARSE, "%s needs TO/FROM a user or a role",
                       c.revoke ? "REVOKE" : "GRANT");
    }
    if (!st->role_grant) {
        if (grant_privs(st, &c.privs, err)) return STATUS_ERROR;
        switch (st->obj_type) {
        case GOBJ_GLOBAL:
        case GOBJ_SYSTEM:
            c.scope = GRANT_SCOPE_GLOBAL;
            break;
        case GOBJ_DATABASE:
            c.scope = GRANT_SCOPE_DATABASE;
            break;
        case GOBJ_TABLE:
            c.scope = GRANT_SCOPE_TABLE;
            break;
        }
        c.db = st->db;
        if (c.scope != GRANT_SCOPE_GLOBAL && (!c.db || !*c.db)) {
            if (!s->db[0]) return err_set(err, ERR_NO_DB, "No database selected");
            c.db = s->db;
        }
        if (c.scope == GRANT_SCOPE_TABLE && (!st->table || !*st->table))
            return err_set(err, ERR_PARSE, "%s ON TABLE needs a table name",
                           c.revoke ? "REVOKE" : "GRANT");
    }
    if (users_mutate(apply_grant, &c, err)) return STATUS_ERROR;
    log_info("users: %s by '%s' for '%s'%s%s%s", c.revoke ? "revoke" : "grant", s->user, c.who.name,
             c.who.host ? "@'" : "", c.who.host ? c.who.host : "", c.who.host ? "'" : " (role)");
    return send_ok(out, err);
}

/* ------------------------------------------------------------------ CREATE / DROP ROLE */

static Status apply_create_role(UserDb *db, void *ctx, Error *err) {
    const RoleStmt *st = ctx;
    return userdb_create_role(db, st->name, st->if_not_exists, err);
}

static Status apply_drop_role(UserDb *db, void *ctx, Error *err) {
    const RoleStmt *st = ctx;
    return userdb_drop_role(db, st->name, st->if_exists, err);
}

static Status handle_role(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    if (priv_check_grant(s, err)) return STATUS_ERROR;
    bool create = stmt->kind == STMT_CREATE_ROLE;
    if (users_mutate(create ? apply_create_role : apply_drop_role, (void *)&stmt->u.role, err))
        return STATUS_ERROR;
    log_info("users: role '%s' %s by '%s'", stmt->u.role.name, create ? "created" : "dropped",
             s->user);
    return send_ok(out, err);
}

/* ------------------------------------------------------------------ SHOW */

typedef VEC(char *) Cells; /* row-major, NULL = SQL NULL; malloc-owned strings */

static void cells_free(Cells *c) {
    for (size_t i = 0; i < c->len; i++)
        free(c->items[i]);
    vec_free(c);
}

static char *xdup(const char *s) {
    return s ? strdup(s) : NULL;
}

static Status send_cells(ResultSink *out, const ResultColumn *cols, int ncols, Cells *cells,
                         Error *err) {
    Status rc = result_send_table(out, cols, ncols, (const char *const *)cells->items,
                                  (int)(cells->len / (size_t)ncols), err);
    cells_free(cells);
    return rc;
}

static void add_grant_rows(const UserDb *db, const Grantee *g, Cells *cells) {
    StrBuf ident = STRBUF_INIT;
    userdb_format_ident(&ident, g->name, g->host);
    GrantLines lines = {0};
    userdb_grant_lines(db, g, &lines);
    for (size_t i = 0; i < lines.len; i++) {
        vec_push(cells, xdup(sb_str(&ident)));
        vec_push(cells, xdup(lines.items[i].catalog));
        vec_push(cells, xdup(lines.items[i].text));
    }
    grant_lines_free(&lines);
    sb_free(&ident);
}

static int user_cmp(const void *a, const void *b) {
    const Grantee *x = *(const Grantee *const *)a, *y = *(const Grantee *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->host, y->host);
}

/* The users sorted by name then host (pointers into db; valid while the read lock is held). */
static const Grantee **sorted_users(const UserDb *db) {
    const Grantee **v = malloc((db->users.len + 1) * sizeof *v);
    if (!v) abort();
    for (size_t i = 0; i < db->users.len; i++)
        v[i] = &db->users.items[i];
    qsort(v, db->users.len, sizeof *v, user_cmp);
    return v;
}

static Status handle_show_grants(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    const ShowStmt *st = &stmt->u.show;
    if ((st->all || !is_self(s, st->user)) && priv_check_grant(s, err)) return STATUS_ERROR;
    Cells cells = {0};
    const UserDb *db = users_acquire();
    if (st->all) {
        const Grantee **users = sorted_users(db);
        for (size_t i = 0; i < db->users.len; i++)
            add_grant_rows(db, users[i], &cells);
        free(users);
    } else {
        const Grantee *g = st->user ? userdb_find_user(db, st->user->user, ident_host(st->user))
                                    : userdb_find_login(db, s->user, s->client_host);
        if (!g) {
            users_release();
            if (st->user)
                return err_set(err, ERR_NONEXISTING_GRANT,
                               "There is no such grant defined for user '%s' on host '%s'",
                               st->user->user, ident_host(st->user));
            return err_set(err, ERR_NONEXISTING_GRANT,
                           "There is no such grant defined for user '%s' on host '%s'", s->user,
                           s->client_host);
        }
        add_grant_rows(db, g, &cells);
    }
    users_release();
    ResultColumn cols[3] = {result_col_varchar("UserIdentity"), result_col_varchar("Catalog"),
                            result_col_varchar("Grants")};
    return send_cells(out, cols, 3, &cells, err);
}

static Status handle_show_users(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    if (priv_check_grant(s, err)) return STATUS_ERROR;
    Cells cells = {0};
    const UserDb *db = users_acquire();
    const Grantee **users = sorted_users(db);
    StrBuf sb = STRBUF_INIT;
    for (size_t i = 0; i < db->users.len; i++) {
        sb_reset(&sb);
        userdb_format_ident(&sb, users[i]->name, users[i]->host);
        vec_push(&cells, xdup(sb_str(&sb)));
    }
    sb_free(&sb);
    free(users);
    users_release();
    ResultColumn cols[1] = {result_col_varchar("User")};
    return send_cells(out, cols, 1, &cells, err);
}

static Status handle_show_roles(Session *s, const Stmt *stmt, ResultSink *out, Error *err) {
    if (priv_check_grant(s, err)) return STATUS_ERROR;
    Cells cells = {0};
    const UserDb *db = users_acquire();
    for (size_t i = 0; i < db->roles.len; i++) {
        const Grantee *r = &db->roles.items[i];
        const BuiltinRole *b = role_builtin_find(r->name);
        vec_push(&cells, xdup(r->name));
        vec_push(&cells, xdup(r->builtin ? "true" : "false"));
        vec_push(&cells, xdup(b ? b->comment : NULL));
    }
    users_release();
    ResultColumn cols[3] = {result_col_varchar("Name"), result_col_varchar("Builtin"),
                            result_col_varchar("Comment")};
    return send_cells(out, cols, 3, &cells, err);
}

void users_register_statements(void) {
    sql_register(STMT_CREATE_USER, handle_create_or_alter_user);
    sql_register(STMT_ALTER_USER, handle_create_or_alter_user);
    sql_register(STMT_DROP_USER, handle_drop_user);
    sql_register(STMT_SET_PASSWORD, handle_set_password);
    sql_register(STMT_GRANT, handle_grant);
    sql_register(STMT_REVOKE, handle_grant);
    sql_register(STMT_CREATE_ROLE, handle_role);
    sql_register(STMT_DROP_ROLE, handle_role);
    sql_register(STMT_SHOW_GRANTS, handle_show_grants);
    sql_register(STMT_SHOW_USERS, handle_show_users);
    sql_register(STMT_SHOW_ROLES, handle_show_roles);
}
