/* The users/roles/grants value (catalog/users_model.h): lookups, resolution and mutations.
 * Mutations check everything before touching anything, so a failed statement leaves the value
 * as it was; the live copy in users.c is additionally cloned before a mutation is applied. */
#include "catalog/users_model.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/role.h"
#include "util/str.h"

#define IDENT_MAX 64 /* user and role names, as NAME_MAX_LEN in sql/session.h */
#define HOST_MAX 255

/* Object privileges that act on tables; the others (CREATE, USAGE) act on databases. Display
 * uses the split to print the StarRocks 3.x object forms. */
#define PRIV_TABLE_KIND                                                                            \
    ((PrivSet)(PRIV_SELECT | PRIV_INSERT | PRIV_UPDATE | PRIV_DELETE | PRIV_ALTER | PRIV_DROP |    \
               PRIV_EXPORT))
#define PRIV_DB_KIND ((PrivSet)(PRIV_CREATE | PRIV_USAGE))

static char *xstrdup(const char *s) {
    if (!s) return NULL;
    char *p = strdup(s);
    if (!p) {
        fprintf(stderr, "cairn: out of memory\n");
        abort();
    }
    return p;
}

static bool eq(const char *a, const char *b) {
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

/* Database names are case-insensitive, table names case-sensitive (catalog/catalog.h). */
static bool db_eq(const char *a, const char *b) {
    return str_ieq(a, b);
}

/* ------------------------------------------------------------------ life cycle */

static void grantee_free(Grantee *g) {
    free(g->name);
    free(g->host);
    for (size_t i = 0; i < g->roles.len; i++)
        free(g->roles.items[i]);
    vec_free(&g->roles);
    for (size_t i = 0; i < g->grants.len; i++) {
        free(g->grants.items[i].db);
        free(g->grants.items[i].table);
    }
    vec_free(&g->grants);
}

static void grantee_copy(Grantee *dst, const Grantee *src) {
    memset(dst, 0, sizeof *dst);
    dst->name = xstrdup(src->name);
    dst->host = xstrdup(src->host);
    memcpy(dst->password, src->password, sizeof dst->password);
    dst->builtin = src->builtin;
    for (size_t i = 0; i < src->roles.len; i++)
        vec_push(&dst->roles, xstrdup(src->roles.items[i]));
    for (size_t i = 0; i < src->grants.len; i++) {
        const PrivGrant *s = &src->grants.items[i];
        PrivGrant d = {s->scope, xstrdup(s->db), xstrdup(s->table), s->privs};
        vec_push(&dst->grants, d);
    }
}

static void add_grant(Grantee *g, GrantScope scope, const char *db, const char *table,
                      PrivSet privs) {
    for (size_t i = 0; i < g->grants.len; i++) {
        PrivGrant *pg = &g->grants.items[i];
        if (pg->scope == scope && db_eq(pg->db, db) && eq(pg->table, table)) {
            pg->privs |= privs;
            return;
        }
    }
    PrivGrant pg = {scope, xstrdup(db), xstrdup(table), privs};
    vec_push(&g->grants, pg);
}

UserDb *userdb_new_empty(void) {
    UserDb *db = calloc(1, sizeof *db);
    if (!db) abort();
    return db;
}

UserDb *userdb_new_default(void) {
    UserDb *db = userdb_new_empty();
    size_t n;
    const BuiltinRole *b = role_builtins(&n);
    for (size_t i = 0; i < n; i++) {
        Grantee r = {0};
        r.name = xstrdup(b[i].name);
        r.builtin = true;
        if (b[i].global_privs) add_grant(&r, GRANT_SCOPE_GLOBAL, NULL, NULL, b[i].global_privs);
        vec_push(&db->roles, r);
    }
    Grantee root = {0};
    root.name = xstrdup("root");
    root.host = xstrdup("%");
    root.builtin = true;
    vec_push(&root.roles, xstrdup(ROLE_ROOT));
    vec_push(&db->users, root);
    return db;
}

UserDb *userdb_clone(const UserDb *src) {
    UserDb *db = userdb_new_empty();
    for (size_t i = 0; i < src->users.len; i++) {
        Grantee g;
        grantee_copy(&g, &src->users.items[i]);
        vec_push(&db->users, g);
    }
    for (size_t i = 0; i < src->roles.len; i++) {
        Grantee g;
        grantee_copy(&g, &src->roles.items[i]);
        vec_push(&db->roles, g);
    }
    return db;
}

void userdb_free(UserDb *db) {
    if (!db) return;
    for (size_t i = 0; i < db->users.len; i++)
        grantee_free(&db->users.items[i]);
    for (size_t i = 0; i < db->roles.len; i++)
        grantee_free(&db->roles.items[i]);
    vec_free(&db->users);
    vec_free(&db->roles);
    free(db);
}

/* ------------------------------------------------------------------ lookups */

const Grantee *userdb_find_user(const UserDb *db, const char *name, const char *host) {
    for (size_t i = 0; i < db->users.len; i++) {
        const Grantee *g = &db->users.items[i];
        if (eq(g->name, name) && str_ieq(g->host, host)) return g;
    }
    return NULL;
}

const Grantee *userdb_find_role(const UserDb *db, const char *name) {
    for (size_t i = 0; i < db->roles.len; i++)
        if (eq(db->roles.items[i].name, name)) return &db->roles.items[i];
    return NULL;
}

static Grantee *find_grantee_mut(UserDb *db, GranteeRef ref) {
    if (ref.host) return (Grantee *)userdb_find_user(db, ref.name, ref.host);
    return (Grantee *)userdb_find_role(db, ref.name);
}

static bool is_loopback(const char *h) {
    return strcmp(h, "127.0.0.1") == 0 || strcmp(h, "::1") == 0 ||
           strcmp(h, "::ffff:127.0.0.1") == 0;
}

bool userdb_host_matches(const char *pattern, const char *client_host) {
    if (!pattern || !client_host) return false;
    if (strcmp(pattern, "%") == 0) return true;
    if (str_ieq(pattern, "localhost") &&
        (is_loopback(client_host) || str_ieq(client_host, "localhost")))
        return true;
    return str_like(client_host, strlen(client_host), pattern, strlen(pattern), true);
}

/* Lower is better: 0 an exact host, 1 a pattern with wildcards, 2 '%'. */
static int host_rank(const char *pattern) {
    if (strcmp(pattern, "%") == 0) return 2;
    return strpbrk(pattern, "%_") ? 1 : 0;
}

const Grantee *userdb_find_login(const UserDb *db, const char *name, const char *client_host) {
    const Grantee *best = NULL;
    int best_rank = 99;
    for (size_t i = 0; i < db->users.len; i++) {
        const Grantee *g = &db->users.items[i];
        if (!eq(g->name, name) || !userdb_host_matches(g->host, client_host)) continue;
        int r = host_rank(g->host);
        if (r < best_rank) {
            best = g;
            best_rank = r;
        }
    }
    return best;
}

/* ------------------------------------------------------------------ resolution */

typedef VEC(const Grantee *) GranteeList;

/* Collects g and every role reachable from it (each once), then public. */
static void reach(const UserDb *db, const Grantee *g, GranteeList *seen) {
    for (size_t i = 0; i < seen->len; i++)
        if (seen->items[i] == g) return;
    vec_push(seen, g);
    for (size_t i = 0; i < g->roles.len; i++) {
        const Grantee *r = userdb_find_role(db, g->roles.items[i]);
        if (r) reach(db, r, seen);
    }
}

static void reach_all(const UserDb *db, const Grantee *g, GranteeList *seen) {
    reach(db, g, seen);
    const Grantee *pub = userdb_find_role(db, ROLE_PUBLIC);
    if (pub) reach(db, pub, seen);
}

static bool grant_covers(const PrivGrant *pg, const char *obj_db, const char *obj_table) {
    switch (pg->scope) {
    case GRANT_SCOPE_GLOBAL:
        return true;
    case GRANT_SCOPE_DATABASE:
        return obj_db && db_eq(pg->db, obj_db);
    case GRANT_SCOPE_TABLE:
        return obj_db && obj_table && db_eq(pg->db, obj_db) && eq(pg->table, obj_table);
    }
    return false;
}

PrivSet userdb_privs_on(const UserDb *db, const Grantee *g, const char *obj_db,
                        const char *obj_table) {
    if (!g) return 0;
    GranteeList seen = {0};
    reach_all(db, g, &seen);
    PrivSet privs = 0;
    for (size_t i = 0; i < seen.len; i++) {
        const Grantee *x = seen.items[i];
        for (size_t j = 0; j < x->grants.len; j++)
            if (grant_covers(&x->grants.items[j], obj_db, obj_table))
                privs |= x->grants.items[j].privs;
    }
    vec_free(&seen);
    if (privs & PRIV_ADMIN) privs |= PRIV_REPOSITORY | PRIV_OPERATE;
    return privs;
}

bool userdb_any_in_db(const UserDb *db, const Grantee *g, const char *obj_db) {
    if (!g || !obj_db) return false;
    GranteeList seen = {0};
    reach_all(db, g, &seen);
    bool any = false;
    const PrivSet useful = PRIV_OBJECT_ALL & ~(PrivSet)PRIV_USAGE;
    for (size_t i = 0; i < seen.len && !any; i++) {
        const Grantee *x = seen.items[i];
        for (size_t j = 0; j < x->grants.len && !any; j++) {
            const PrivGrant *pg = &x->grants.items[j];
            if (!(pg->privs & useful)) continue;
            any = pg->scope == GRANT_SCOPE_GLOBAL || db_eq(pg->db, obj_db);
        }
    }
    vec_free(&seen);
    return any;
}

/* ------------------------------------------------------------------ mutations */

static Status check_name(const char *what, const char *name, size_t max, Error *err) {
    if (!name || !*name) return err_set(err, ERR_COMMON, "A %s name cannot be empty", what);
    if (strlen(name) > max)
        return err_set(err, ERR_TOO_LONG_IDENT,
                       "The %s name '%.64s...' is longer than %zu characters", what, name, max);
    return STATUS_OK;
}

Status userdb_create_user(UserDb *db, const char *name, const char *host, const char *password_hash,
                          bool if_not_exists, Error *err) {
    if (check_name("user", name, IDENT_MAX, err) || check_name("host", host, HOST_MAX, err))
        return STATUS_ERROR;
    if (userdb_find_user(db, name, host)) {
        if (if_not_exists) return STATUS_OK;
        return err_set(err, ERR_CANNOT_USER,
                       "Operation CREATE USER failed for '%s'@'%s': the user already exists", name,
                       host);
    }
    Grantee g = {0};
    g.name = xstrdup(name);
    g.host = xstrdup(host);
    snprintf(g.password, sizeof g.password, "%s", password_hash ? password_hash : "");
    vec_push(&db->users, g);
    return STATUS_OK;
}

Status userdb_drop_user(UserDb *db, const char *name, const char *host, bool if_exists,
                        Error *err) {
    for (size_t i = 0; i < db->users.len; i++) {
        Grantee *g = &db->users.items[i];
        if (!eq(g->name, name) || !str_ieq(g->host, host)) continue;
        if (g->builtin)
            return err_set(
                err, ERR_CANNOT_USER,
                "Operation DROP USER failed for '%s'@'%s': the root user cannot be dropped", name,
                host);
        grantee_free(g);
        memmove(g, g + 1, (db->users.len - i - 1) * sizeof *g);
        db->users.len--;
        return STATUS_OK;
    }
    if (if_exists) return STATUS_OK;
    return err_set(err, ERR_CANNOT_USER, "Operation DROP USER failed for '%s'@'%s': no such user",
                   name, host);
}

Status userdb_set_password(UserDb *db, const char *name, const char *host,
                           const char *password_hash, Error *err) {
    Grantee *g = find_grantee_mut(db, (GranteeRef){name, host});
    if (!g || !host)
        return err_set(err, ERR_PASSWORD_NO_MATCH,
                       "Can't find any matching row in the user table: no user '%s'@'%s'", name,
                       host ? host : "");
    snprintf(g->password, sizeof g->password, "%s", password_hash ? password_hash : "");
    return STATUS_OK;
}

Status userdb_create_role(UserDb *db, const char *name, bool if_not_exists, Error *err) {
    if (check_name("role", name, IDENT_MAX, err)) return STATUS_ERROR;
    if (userdb_find_role(db, name)) {
        if (if_not_exists) return STATUS_OK;
        return err_set(err, ERR_CANNOT_USER,
                       "Operation CREATE ROLE failed for '%s': the role already exists", name);
    }
    Grantee r = {0};
    r.name = xstrdup(name);
    vec_push(&db->roles, r);
    return STATUS_OK;
}

static void remove_role_ref(Grantee *g, const char *role) {
    for (size_t i = 0; i < g->roles.len; i++) {
        if (!eq(g->roles.items[i], role)) continue;
        free(g->roles.items[i]);
        memmove(&g->roles.items[i], &g->roles.items[i + 1],
                (g->roles.len - i - 1) * sizeof(char *));
        g->roles.len--;
        return;
    }
}

Status userdb_drop_role(UserDb *db, const char *name, bool if_exists, Error *err) {
    for (size_t i = 0; i < db->roles.len; i++) {
        Grantee *r = &db->roles.items[i];
        if (!eq(r->name, name)) continue;
        if (r->builtin)
            return err_set(err, ERR_COMMON, "Role '%s' is built in and cannot be dropped", name);
        grantee_free(r);
        memmove(r, r + 1, (db->roles.len - i - 1) * sizeof *r);
        db->roles.len--;
        for (size_t j = 0; j < db->users.len; j++)
            remove_role_ref(&db->users.items[j], name);
        for (size_t j = 0; j < db->roles.len; j++)
            remove_role_ref(&db->roles.items[j], name);
        return STATUS_OK;
    }
    if (if_exists) return STATUS_OK;
    return err_set(err, ERR_UNKNOWN_ROLE, "Unknown role '%s'", name);
}

static void format_ref(StrBuf *sb, GranteeRef ref) {
    userdb_format_ident(sb, ref.name, ref.host);
}

/* Finds the grantee of a GRANT/REVOKE, with an error naming it when absent. */
static Grantee *require_grantee(UserDb *db, GranteeRef ref, Error *err) {
    Grantee *g = find_grantee_mut(db, ref);
    if (g) return g;
    StrBuf sb = STRBUF_INIT;
    format_ref(&sb, ref);
    if (ref.host)
        err_set(err, ERR_COMMON, "User %s does not exist (create it with CREATE USER first)",
                sb_str(&sb));
    else
        err_set(err, ERR_UNKNOWN_ROLE, "Unknown role %s", sb_str(&sb));
    sb_free(&sb);
    return NULL;
}

static Status check_privs_for_scope(GrantScope scope, PrivSet privs, Error *err) {
    if (!privs) return err_set(err, ERR_COMMON, "GRANT/REVOKE needs at least one privilege");
    if (scope != GRANT_SCOPE_GLOBAL && (privs & PRIV_SYSTEM_ALL)) {
        Priv first = (Priv)(privs & PRIV_SYSTEM_ALL & -(privs & PRIV_SYSTEM_ALL));
        return err_set(
            err, ERR_COMMON,
            "%s is a system privilege: grant it ON SYSTEM (or ON *.*), not on a database or table",
            priv_name(first));
    }
    if (scope == GRANT_SCOPE_TABLE && (privs & PRIV_DB_KIND)) {
        Priv first = (Priv)(privs & PRIV_DB_KIND & -(privs & PRIV_DB_KIND));
        return err_set(err, ERR_COMMON,
                       "%s cannot be granted on a table: grant it ON DATABASE db (or db.*)",
                       priv_name(first));
    }
    return STATUS_OK;
}

static Status check_role_mutable(const Grantee *g, Error *err) {
    if (!g->host && !role_privileges_mutable(g->name))
        return err_set(err, ERR_COMMON, "Role '%s' is built in: its privileges cannot be changed",
                       g->name);
    return STATUS_OK;
}

Status userdb_grant(UserDb *db, GranteeRef to, GrantScope scope, const char *obj_db,
                    const char *obj_table, PrivSet privs, Error *err) {
    if (check_privs_for_scope(scope, privs, err)) return STATUS_ERROR;
    Grantee *g = require_grantee(db, to, err);
    if (!g || check_role_mutable(g, err)) return STATUS_ERROR;
    add_grant(g, scope, scope == GRANT_SCOPE_GLOBAL ? NULL : obj_db,
              scope == GRANT_SCOPE_TABLE ? obj_table : NULL, privs);
    return STATUS_OK;
}

static Status no_such_grant(GranteeRef ref, Error *err) {
    if (ref.host)
        return err_set(err, ERR_NONEXISTING_GRANT,
                       "There is no such grant defined for user '%s' on host '%s'", ref.name,
                       ref.host);
    return err_set(err, ERR_NONEXISTING_GRANT, "There is no such grant defined for role '%s'",
                   ref.name);
}

Status userdb_revoke(UserDb *db, GranteeRef from, GrantScope scope, const char *obj_db,
                     const char *obj_table, PrivSet privs, Error *err) {
    Grantee *g = require_grantee(db, from, err);
    if (!g || check_role_mutable(g, err)) return STATUS_ERROR;
    const char *gdb = scope == GRANT_SCOPE_GLOBAL ? NULL : obj_db;
    const char *gtable = scope == GRANT_SCOPE_TABLE ? obj_table : NULL;
    for (size_t i = 0; i < g->grants.len; i++) {
        PrivGrant *pg = &g->grants.items[i];
        if (pg->scope != scope || !db_eq(pg->db, gdb) || !eq(pg->table, gtable)) continue;
        if (!(pg->privs & privs)) break;
        pg->privs &= ~privs;
        if (!pg->privs) {
            free(pg->db);
            free(pg->table);
            memmove(pg, pg + 1, (g->grants.len - i - 1) * sizeof *pg);
            g->grants.len--;
        }
        return STATUS_OK;
    }
    return no_such_grant(from, err);
}

static bool holds_role(const Grantee *g, const char *role) {
    for (size_t i = 0; i < g->roles.len; i++)
        if (eq(g->roles.items[i], role)) return true;
    return false;
}

/* True when `target` is `from` or reachable from it through granted roles. */
static bool role_reaches(const UserDb *db, const Grantee *from, const Grantee *target) {
    GranteeList seen = {0};
    reach(db, from, &seen);
    bool found = false;
    for (size_t i = 0; i < seen.len; i++)
        if (seen.items[i] == target) found = true;
    vec_free(&seen);
    return found;
}

Status userdb_grant_role(UserDb *db, const char *role, GranteeRef to, Error *err) {
    const Grantee *r = userdb_find_role(db, role);
    if (!r)
        return err_set(err, ERR_UNKNOWN_ROLE,
                       "Unknown role '%s' (create it with CREATE ROLE first)", role);
    Grantee *g = require_grantee(db, to, err);
    if (!g) return STATUS_ERROR;
    if (strcmp(role, ROLE_PUBLIC) == 0 || holds_role(g, role))
        return STATUS_OK; /* public: everyone has it */
    if (!g->host && role_reaches(db, r, g))
        return err_set(err, ERR_COMMON,
                       "Granting role '%s' to role '%s' would create a cycle of roles", role,
                       g->name);
    vec_push(&g->roles, xstrdup(role));
    return STATUS_OK;
}

Status userdb_revoke_role(UserDb *db, const char *role, GranteeRef from, Error *err) {
    if (!userdb_find_role(db, role))
        return err_set(err, ERR_UNKNOWN_ROLE, "Unknown role '%s'", role);
    Grantee *g = require_grantee(db, from, err);
    if (!g) return STATUS_ERROR;
    if (g->host && g->builtin && strcmp(role, ROLE_ROOT) == 0)
        return err_set(err, ERR_COMMON,
                       "The root user always holds the root role; it cannot be revoked");
    if (!holds_role(g, role)) {
        StrBuf sb = STRBUF_INIT;
        format_ref(&sb, from);
        err_set(err, ERR_NONEXISTING_GRANT, "Role '%s' is not granted to %s", role, sb_str(&sb));
        sb_free(&sb);
        return STATUS_ERROR;
    }
    remove_role_ref(g, role);
    return STATUS_OK;
}

/* ------------------------------------------------------------------ display */

void userdb_format_ident(StrBuf *out, const char *name, const char *host) {
    sb_putc(out, '\'');
    sb_append(out, name);
    sb_putc(out, '\'');
    if (host) sb_appendf(out, "@'%s'", host);
}

static void append_object_name(StrBuf *sb, const char *s) {
    bool plain = *s && !isdigit((unsigned char)*s);
    for (const char *p = s; *p && plain; p++)
        if (!isalnum((unsigned char)*p) && *p != '_') plain = false;
    if (plain)
        sb_append(sb, s);
    else
        sb_append_ident(sb, s);
}

static void append_privs(StrBuf *sb, PrivSet privs) {
    bool first = true;
    for (int bit = 0; bit < 32; bit++) {
        PrivSet p = (PrivSet)1u << bit;
        if (!(privs & p)) continue;
        if (!first) sb_append(sb, ", ");
        sb_append(sb, priv_name((Priv)p));
        first = false;
    }
}

static void append_to(StrBuf *sb, const Grantee *g) {
    sb_append(sb, g->host ? " TO USER " : " TO ROLE ");
    userdb_format_ident(sb, g->name, g->host);
}

static void push_line(GrantLines *out, const char *catalog, StrBuf *sb) {
    GrantLine l = {catalog, sb_detach(sb)};
    vec_push(out, l);
}

/* One GRANT line for privs on an object written as `object` ("SYSTEM", "TABLE db.t", ...). */
static void emit(GrantLines *out, const Grantee *g, PrivSet privs, const char *catalog,
                 const char *object) {
    if (!privs) return;
    StrBuf sb = STRBUF_INIT;
    sb_append(&sb, "GRANT ");
    append_privs(&sb, privs);
    sb_append(&sb, " ON ");
    sb_append(&sb, object);
    append_to(&sb, g);
    push_line(out, catalog, &sb);
}

static int grant_cmp(const void *a, const void *b) {
    const PrivGrant *x = *(const PrivGrant *const *)a, *y = *(const PrivGrant *const *)b;
    if (x->scope != y->scope) return (int)x->scope - (int)y->scope;
    int c = strcmp(x->db ? x->db : "", y->db ? y->db : "");
    if (c) return c;
    return strcmp(x->table ? x->table : "", y->table ? y->table : "");
}

void userdb_grant_lines(const UserDb *db, const Grantee *g, GrantLines *out) {
    static const char *const catalog = "default_catalog";
    StrBuf sb = STRBUF_INIT;
    if (g->roles.len) {
        sb_append(&sb, "GRANT ");
        for (size_t i = 0; i < g->roles.len; i++)
            sb_appendf(&sb, "%s'%s'", i ? ", " : "", g->roles.items[i]);
        if (g->host) {
            sb_append(&sb, " TO ");
            userdb_format_ident(&sb, g->name, g->host);
        } else {
            append_to(&sb, g);
        }
        push_line(out, NULL, &sb);
    }
    const PrivGrant **sorted = malloc((g->grants.len + 1) * sizeof *sorted);
    if (!sorted) abort();
    for (size_t i = 0; i < g->grants.len; i++)
        sorted[i] = &g->grants.items[i];
    qsort(sorted, g->grants.len, sizeof *sorted, grant_cmp);
    for (size_t i = 0; i < g->grants.len; i++) {
        const PrivGrant *pg = sorted[i];
        if (pg->scope == GRANT_SCOPE_GLOBAL)
            emit(out, g, pg->privs & PRIV_SYSTEM_ALL, NULL, "SYSTEM");
    }
    for (size_t i = 0; i < g->grants.len; i++) {
        const PrivGrant *pg = sorted[i];
        sb_reset(&sb);
        switch (pg->scope) {
        case GRANT_SCOPE_GLOBAL:
            emit(out, g, pg->privs & PRIV_DB_KIND, catalog, "ALL DATABASES");
            emit(out, g, pg->privs & PRIV_TABLE_KIND, catalog, "ALL TABLES IN ALL DATABASES");
            break;
        case GRANT_SCOPE_DATABASE:
            sb_append(&sb, "DATABASE ");
            append_object_name(&sb, pg->db);
            emit(out, g, pg->privs & PRIV_DB_KIND, catalog, sb_str(&sb));
            sb_reset(&sb);
            sb_append(&sb, "ALL TABLES IN DATABASE ");
            append_object_name(&sb, pg->db);
            emit(out, g, pg->privs & PRIV_TABLE_KIND, catalog, sb_str(&sb));
            break;
        case GRANT_SCOPE_TABLE:
            sb_append(&sb, "TABLE ");
            append_object_name(&sb, pg->db);
            sb_putc(&sb, '.');
            append_object_name(&sb, pg->table);
            emit(out, g, pg->privs, catalog, sb_str(&sb));
            break;
        }
    }
    free(sorted);
    sb_free(&sb);
}

void grant_lines_free(GrantLines *lines) {
    for (size_t i = 0; i < lines->len; i++)
        free(lines->items[i].text);
    vec_free(lines);
}
