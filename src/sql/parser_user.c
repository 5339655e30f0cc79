/* Users, roles and privileges: CREATE/ALTER/DROP USER, CREATE/DROP ROLE, GRANT and REVOKE
 * (privileges on objects, or roles to users/roles), SET PASSWORD. Privilege names are stored
 * upper-case with multi-word names joined by one space ("CREATE TABLE"); ALL PRIVILEGES is stored
 * as "ALL". */
#include <string.h>
#include <strings.h>

#include "sql/parser_int.h"

static bool if_not_exists(Parser *p) {
    if (p_is_kw(p, KW_IF) && p_is_kw_at(p, 1, KW_NOT) && p_is_kw_at(p, 2, KW_EXISTS)) {
        p->pos += 3;
        return true;
    }
    return false;
}

/* IDENTIFIED BY [PASSWORD] 'p' | IDENTIFIED WITH plugin [BY|AS 'p'] */
static bool auth_clause(Parser *p, CreateUserStmt *c) {
    if (!p_accept_kw(p, KW_IDENTIFIED)) return true;
    if (p_accept_kw(p, KW_BY)) {
        c->password_is_hash = p_accept_kw(p, KW_PASSWORD);
        return (c->password = p_string(p)) != NULL;
    }
    if (!p_expect_kw(p, KW_WITH)) return false;
    const Token *t = p_peek(p);
    if (t->type != TK_IDENT && t->type != TK_QIDENT && t->type != TK_STRING) return p_error(p);
    c->auth_plugin = p_next(p)->text;
    if (p_accept_kw(p, KW_BY)) return (c->password = p_string(p)) != NULL;
    if (p_accept_kw(p, KW_AS)) {
        c->password_is_hash = true;
        return (c->password = p_string(p)) != NULL;
    }
    return true;
}

static bool default_roles(Parser *p, CreateUserStmt *c) {
    if (!p_accept_kws(p, KW_DEFAULT, KW_ROLE)) return true;
    int cap = 0;
    do {
        char *r = p_ident_or_string(p);
        if (!r) return false;
        P_PUSH(p, c->default_roles, c->ndefault_roles, cap, r);
    } while (p_accept(p, TK_COMMA));
    return true;
}

bool p_create_user(Parser *p, Stmt *s) {
    s->kind = STMT_CREATE_USER;
    CreateUserStmt *c = &s->u.create_user;
    c->if_not_exists = if_not_exists(p);
    UserIdent *u = p_user_ident(p);
    if (!u) return false;
    c->user = *u;
    return auth_clause(p, c) && default_roles(p, c);
}

bool p_alter_user(Parser *p, Stmt *s) {
    s->kind = STMT_ALTER_USER;
    CreateUserStmt *c = &s->u.create_user;
    c->if_exists = p_accept_kws(p, KW_IF, KW_EXISTS);
    UserIdent *u = p_user_ident(p);
    if (!u) return false;
    c->user = *u;
    if (!p_is_kw(p, KW_IDENTIFIED) && !p_is_kw(p, KW_DEFAULT)) return p_error(p);
    return auth_clause(p, c) && default_roles(p, c);
}

bool p_drop_user(Parser *p, Stmt *s) {
    s->kind = STMT_DROP_USER;
    DropUserStmt *d = &s->u.drop_user;
    d->if_exists = p_accept_kws(p, KW_IF, KW_EXISTS);
    UserIdent *u = p_user_ident(p);
    if (!u) return false;
    d->user = *u;
    return true;
}

bool p_create_role(Parser *p, Stmt *s) {
    s->kind = STMT_CREATE_ROLE;
    s->u.role.if_not_exists = if_not_exists(p);
    return (s->u.role.name = p_ident_or_string(p)) != NULL;
}

bool p_drop_role(Parser *p, Stmt *s) {
    s->kind = STMT_DROP_ROLE;
    s->u.role.if_exists = p_accept_kws(p, KW_IF, KW_EXISTS);
    return (s->u.role.name = p_ident_or_string(p)) != NULL;
}

bool p_stmt_set_password(Parser *p, Stmt *s) {
    s->kind = STMT_SET_PASSWORD;
    SetPasswordStmt *sp = &s->u.set_password;
    if (!p_expect_kw(p, KW_PASSWORD)) return false;
    if (p_accept_kw(p, KW_FOR) && !p_current_user(p) && !(sp->user = p_user_ident(p))) return false;
    if (p->failed) return false;
    if (!p_expect(p, TK_EQ)) return false;
    if (p_is_kw(p, KW_PASSWORD) && p_is_at(p, 1, TK_LPAREN)) {
        p->pos += 2;
        if (!(sp->password = p_string(p))) return false;
        return p_expect(p, TK_RPAREN);
    }
    /* A bare string is the stored hash ('*6BB4...'), as in MySQL 5.7 and StarRocks. */
    sp->is_hashed = true;
    return (sp->password = p_string(p)) != NULL;
}

/* ------------------------------------------------------------------ GRANT / REVOKE */

static char *upper(Parser *p, const char *s) {
    char *u = arena_strdup(p->a, s);
    for (char *c = u; *c; c++)
        if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
    return u;
}

/* One comma-separated item before ON/TO: a privilege (possibly several words) or a role name. */
static bool grant_item(Parser *p, char **text, int *nwords, bool *quoted) {
    StrBuf sb = STRBUF_INIT;
    *nwords = 0;
    *quoted = false;
    for (;;) {
        const Token *t = p_peek(p);
        if (t->type == TK_IDENT && (t->kw == KW_ON || t->kw == KW_TO || t->kw == KW_FROM)) break;
        if (t->type != TK_IDENT && t->type != TK_QIDENT && t->type != TK_STRING) break;
        if (t->type != TK_IDENT) *quoted = true;
        if (*nwords) sb_putc(&sb, ' ');
        sb_append(&sb, t->text);
        (*nwords)++;
        p_next(p);
    }
    if (*nwords == 0) {
        sb_free(&sb);
        return p_error(p);
    }
    *text = arena_strdup(p->a, sb_str(&sb));
    sb_free(&sb);
    return true;
}

/* ALL TABLES|VIEWS|MATERIALIZED VIEWS IN {DATABASE d | ALL DATABASES} */
static bool grant_all_in(Parser *p, GrantStmt *g, const char *kind) {
    g->obj_kind = (char *)kind;
    if (!p_expect_kw(p, KW_IN)) return false;
    if (p_accept_kw(p, KW_ALL)) {
        g->obj_type = GOBJ_GLOBAL;
        return p_expect_kw(p, KW_DATABASES);
    }
    g->obj_type = GOBJ_DATABASE;
    return p_expect_kw(p, KW_DATABASE) && (g->db = p_ident(p)) != NULL;
}

/* [db.]name or db.* after TABLE / VIEW / MATERIALIZED VIEW */
static bool grant_table_name(Parser *p, GrantStmt *g, const char *kind) {
    g->obj_kind = (char *)kind;
    g->obj_type = GOBJ_TABLE;
    if (p_is_ident(p) && p_is_at(p, 1, TK_DOT) && p_is_at(p, 2, TK_STAR)) {
        g->db = p_next(p)->text;
        p->pos += 2;
        g->obj_type = GOBJ_DATABASE;
        return true;
    }
    return p_qualified_name(p, &g->db, &g->table);
}

static bool grant_object(Parser *p, GrantStmt *g) {
    if (p_is(p, TK_STAR)) {
        p_next(p);
        if (p_accept(p, TK_DOT)) {
            g->obj_type = GOBJ_GLOBAL;
            return p_expect(p, TK_STAR);
        }
        g->obj_type = GOBJ_DATABASE; /* ON *: the current database */
        return true;
    }
    if (p_accept_kw(p, KW_SYSTEM)) {
        g->obj_type = GOBJ_SYSTEM;
        return true;
    }
    if (p_accept_kw(p, KW_TABLE)) return grant_table_name(p, g, "TABLE");
    if (p_accept_kw(p, KW_VIEW)) return grant_table_name(p, g, "VIEW");
    if (p_accept_kws(p, KW_MATERIALIZED, KW_VIEW))
        return grant_table_name(p, g, "MATERIALIZED VIEW");
    if (p_accept_kw(p, KW_DATABASE)) {
        g->obj_kind = "DATABASE";
        g->obj_type = GOBJ_DATABASE;
        return (g->db = p_ident(p)) != NULL;
    }
    if (p_accept_kw(p, KW_ALL)) {
        if (p_accept_kw(p, KW_TABLES)) return grant_all_in(p, g, "TABLE");
        if (p_accept_kw(p, KW_VIEWS)) return grant_all_in(p, g, "VIEW");
        if (p_accept_kws(p, KW_MATERIALIZED, KW_VIEWS))
            return grant_all_in(p, g, "MATERIALIZED VIEW");
        if (p_accept_kw(p, KW_DATABASES)) {
            g->obj_kind = "DATABASE";
            g->obj_type = GOBJ_GLOBAL;
            return true;
        }
        return p_error(p);
    }
    if (!p_is_ident(p)) return p_error(p);
    char *first = p_next(p)->text;
    if (p_accept(p, TK_DOT)) {
        g->db = first;
        if (p_accept(p, TK_STAR)) {
            g->obj_type = GOBJ_DATABASE;
            return true;
        }
        const Token *t = p_peek(p);
        if (t->type != TK_IDENT && t->type != TK_QIDENT) return p_error(p);
        g->table = p_next(p)->text;
    } else {
        g->table = first;
    }
    g->obj_type = GOBJ_TABLE;
    return true;
}

bool p_stmt_grant(Parser *p, Stmt *s, bool revoke) {
    s->kind = revoke ? STMT_REVOKE : STMT_GRANT;
    GrantStmt *g = &s->u.grant;
    char **items = NULL;
    int n = 0, cap = 0;
    bool multiword = false, quoted = false;
    do {
        char *text = NULL;
        int nw = 0;
        bool q = false;
        if (!grant_item(p, &text, &nw, &q)) return false;
        multiword |= nw > 1;
        quoted |= q;
        P_PUSH(p, items, n, cap, text);
    } while (p_accept(p, TK_COMMA));
    if (p_accept_kw(p, KW_ON)) {
        if (quoted)
            return p_fail(p, ERR_PARSE,
                          "A privilege name cannot be quoted: write GRANT SELECT ON ...");
        g->privs = arena_alloc(p->a, sizeof(char *) * (size_t)n);
        for (int i = 0; i < n; i++) {
            char *u = upper(p, items[i]);
            g->privs[i] = !strcmp(u, "ALL PRIVILEGES") ? "ALL" : u;
        }
        g->nprivs = n;
        if (!grant_object(p, g)) return false;
    } else {
        if (multiword) return p_error(p);
        g->role_grant = true;
        g->roles = items;
        g->nroles = n;
    }
    if (!p_expect_kw(p, revoke ? KW_FROM : KW_TO)) return false;
    if (p_accept_kw(p, KW_ROLE)) {
        if (!(g->to_role = p_ident_or_string(p))) return false;
    } else {
        p_accept_kw(p, KW_USER);
        if (!(g->to_user = p_user_ident(p))) return false;
    }
    if (!revoke && p_is_kw(p, KW_WITH)) {
        p_next(p);
        if (!p_expect_kw(p, KW_GRANT) || !p_expect_kw(p, KW_OPTION)) return false;
        g->with_grant_option = true;
    }
    return true;
}
