/* The SHOW family (every variant fills Stmt.u.show), DESC[RIBE] <table>, and the ADMIN statements
 * (ADMIN SET|SHOW FRONTEND CONFIG). */
#include <string.h>
#include <strings.h>

#include "sql/parser_int.h"

/* [FROM|IN db] */
static bool opt_from_db(Parser *p, ShowStmt *sh) {
    if (p_accept_kw(p, KW_FROM) || p_accept_kw(p, KW_IN)) return (sh->db = p_ident(p)) != NULL;
    return true;
}

/* [LIKE 'pattern' | WHERE expr] */
static bool opt_like_where(Parser *p, ShowStmt *sh) {
    if (p_accept_kw(p, KW_LIKE)) return (sh->like = p_string(p)) != NULL;
    if (p_accept_kw(p, KW_WHERE)) return (sh->where = p_expr(p)) != NULL;
    return true;
}

static bool opt_where(Parser *p, ShowStmt *sh) {
    if (p_accept_kw(p, KW_WHERE)) return (sh->where = p_expr(p)) != NULL;
    return true;
}

static bool opt_order_limit(Parser *p, ShowStmt *sh) {
    if (p_is_kw(p, KW_ORDER)) {
        p_next(p);
        if (!p_expect_kw(p, KW_BY) || !p_order_by(p, &sh->order_by, &sh->norder)) return false;
    }
    if (p_accept_kw(p, KW_LIMIT)) return p_limit(p, &sh->limit, &sh->offset);
    return true;
}

/* FROM|IN [db.]t [FROM|IN db] */
static bool from_table(Parser *p, ShowStmt *sh) {
    if (!p_accept_kw(p, KW_FROM) && !p_expect_kw(p, KW_IN)) return false;
    if (!p_qualified_name(p, &sh->db, &sh->table)) return false;
    if (p_accept_kw(p, KW_FROM) || p_accept_kw(p, KW_IN)) return (sh->db = p_ident(p)) != NULL;
    return true;
}

bool p_stmt_describe(Parser *p, Stmt *s) {
    s->kind = STMT_SHOW_COLUMNS;
    ShowStmt *sh = &s->u.show;
    sh->limit = -1;
    if (!p_qualified_name(p, &sh->db, &sh->table)) return false;
    sh->all = p_accept_kw(p, KW_ALL);
    return true;
}

static bool show_create(Parser *p, Stmt *s, ShowStmt *sh) {
    if (p_accept_kw(p, KW_DATABASE) || p_accept_kw(p, KW_SCHEMA)) {
        s->kind = STMT_SHOW_CREATE_DATABASE;
        return (sh->db = p_ident(p)) != NULL;
    }
    s->kind = STMT_SHOW_CREATE_TABLE;
    if (p_accept_kw(p, KW_TABLE)) {
        sh->what = "TABLE";
    } else if (p_accept_kw(p, KW_VIEW)) {
        sh->what = "VIEW";
    } else if (p_accept_kws(p, KW_MATERIALIZED, KW_VIEW)) {
        sh->what = "MATERIALIZED VIEW";
    } else {
        return p_error(p);
    }
    return p_qualified_name(p, &sh->db, &sh->table);
}

static bool show_alter(Parser *p, Stmt *s, ShowStmt *sh) {
    s->kind = STMT_SHOW_ALTER;
    if (p_accept_kw(p, KW_TABLE)) {
        if (p_accept_kw(p, KW_COLUMN))
            sh->what = "COLUMN";
        else if (p_accept_kw(p, KW_ROLLUP))
            sh->what = "ROLLUP";
        else
            return p_error(p);
    } else if (p_accept_kws(p, KW_MATERIALIZED, KW_VIEW)) {
        sh->what = "MATERIALIZED VIEW";
    } else {
        return p_error(p);
    }
    return opt_from_db(p, sh) && opt_where(p, sh) && opt_order_limit(p, sh);
}

bool p_stmt_show(Parser *p, Stmt *s) {
    ShowStmt *sh = &s->u.show;
    sh->limit = -1;
    if (p_accept_kw(p, KW_FULL)) sh->full = true;
    const Token *t = p_peek(p);
    if (t->type != TK_IDENT) return p_error(p);
    if (sh->full && !(t->kw == KW_TABLES || t->kw == KW_COLUMNS || t->kw == KW_PROCESSLIST ||
                      (t->type == TK_IDENT && !strcasecmp(t->text, "fields"))))
        return p_error(p);
    /* Scope words precede VARIABLES and STATUS. */
    if ((t->kw == KW_GLOBAL || t->kw == KW_SESSION) &&
        (p_is_kw_at(p, 1, KW_VARIABLES) || p_is_kw_at(p, 1, KW_STATUS))) {
        sh->scope = t->kw == KW_GLOBAL ? VAR_GLOBAL : VAR_SESSION;
        p_next(p);
        t = p_peek(p);
    }
    if (t->kw == KW_NONE && !strcasecmp(t->text, "fields")) {
        p_next(p);
        s->kind = STMT_SHOW_COLUMNS;
        return from_table(p, sh) && opt_like_where(p, sh);
    }
    p_next(p);
    switch (t->kw) {
    case KW_DATABASES:
    case KW_SCHEMAS:
        s->kind = STMT_SHOW_DATABASES;
        return opt_like_where(p, sh);
    case KW_TABLES:
        s->kind = STMT_SHOW_TABLES;
        return opt_from_db(p, sh) && opt_like_where(p, sh);
    case KW_TABLE:
        s->kind = STMT_SHOW_TABLE_STATUS;
        return p_expect_kw(p, KW_STATUS) && opt_from_db(p, sh) && opt_like_where(p, sh);
    case KW_COLUMNS:
        s->kind = STMT_SHOW_COLUMNS;
        return from_table(p, sh) && opt_like_where(p, sh);
    case KW_CREATE:
        return show_create(p, s, sh);
    case KW_TEMPORARY:
        sh->temporary = true;
        if (!p_expect_kw(p, KW_PARTITIONS)) return false;
        /* fall through */
    case KW_PARTITIONS:
        s->kind = STMT_SHOW_PARTITIONS;
        return from_table(p, sh) && opt_where(p, sh) && opt_order_limit(p, sh);
    case KW_DATA:
        s->kind = STMT_SHOW_DATA;
        if (p_accept_kw(p, KW_FROM)) return p_qualified_name(p, &sh->db, &sh->table);
        return true;
    case KW_VARIABLES:
        s->kind = STMT_SHOW_VARIABLES;
        return opt_like_where(p, sh);
    case KW_STATUS:
        s->kind = STMT_SHOW_STATUS;
        return opt_like_where(p, sh);
    case KW_GRANTS:
        s->kind = STMT_SHOW_GRANTS;
        if (p_accept_kw(p, KW_FOR)) {
            if (p_current_user(p)) return !p->failed; /* FOR CURRENT_USER: user stays NULL */
            return (sh->user = p_user_ident(p)) != NULL;
        }
        return true;
    case KW_ALL:
        s->kind = STMT_SHOW_GRANTS;
        sh->all = true;
        return p_expect_kw(p, KW_GRANTS);
    case KW_ROLES:
        s->kind = STMT_SHOW_ROLES;
        return true;
    case KW_USERS:
        s->kind = STMT_SHOW_USERS;
        return true;
    case KW_PROCESSLIST:
        s->kind = STMT_SHOW_PROCESSLIST;
        return true;
    case KW_WARNINGS:
        s->kind = STMT_SHOW_WARNINGS;
        return opt_order_limit(p, sh);
    case KW_ERRORS:
        s->kind = STMT_SHOW_ERRORS;
        return opt_order_limit(p, sh);
    case KW_ENGINES:
        s->kind = STMT_SHOW_ENGINES;
        return true;
    case KW_CHARACTER:
        if (!p_expect_kw(p, KW_SET)) return false;
        /* fall through */
    case KW_CHARSET:
        s->kind = STMT_SHOW_CHARSET;
        return opt_like_where(p, sh);
    case KW_COLLATION:
        s->kind = STMT_SHOW_COLLATION;
        return opt_like_where(p, sh);
    case KW_INDEX:
    case KW_INDEXES:
    case KW_KEYS:
        s->kind = STMT_SHOW_INDEX;
        return from_table(p, sh) && opt_where(p, sh);
    case KW_FRONTENDS:
        s->kind = STMT_SHOW_FRONTENDS;
        return true;
    case KW_BACKENDS:
        s->kind = STMT_SHOW_BACKENDS;
        return true;
    case KW_PROC:
        s->kind = STMT_SHOW_PROC;
        return (sh->table = p_string(p)) != NULL;
    case KW_REPOSITORIES:
        s->kind = STMT_SHOW_REPOSITORIES;
        return true;
    case KW_SNAPSHOT:
        s->kind = STMT_SHOW_SNAPSHOT;
        if (!p_expect_kw(p, KW_ON) || !(sh->repo = p_ident(p))) return false;
        return opt_where(p, sh);
    case KW_BACKUP:
    case KW_RESTORE:
        s->kind = t->kw == KW_BACKUP ? STMT_SHOW_BACKUP : STMT_SHOW_RESTORE;
        return opt_from_db(p, sh) && opt_where(p, sh) && opt_order_limit(p, sh);
    case KW_MATERIALIZED:
        s->kind = STMT_SHOW_MATERIALIZED_VIEWS;
        return p_expect_kw(p, KW_VIEWS) && opt_from_db(p, sh) && opt_like_where(p, sh);
    case KW_ALTER:
        return show_alter(p, s, sh);
    case KW_LOAD:
        s->kind = STMT_SHOW_LOAD;
        return opt_from_db(p, sh) && opt_where(p, sh) && opt_order_limit(p, sh);
    default:
        p->pos--;
        return p_error(p);
    }
}

bool p_stmt_admin(Parser *p, Stmt *s) {
    AdminConfigStmt *ac = &s->u.admin_config;
    if (p_accept_kw(p, KW_SET)) {
        s->kind = STMT_ADMIN_SET_CONFIG;
        if (!p_expect_kw(p, KW_FRONTEND) || !p_expect_kw(p, KW_CONFIG)) return false;
        return p_props(p, &ac->props);
    }
    if (p_accept_kw(p, KW_SHOW)) {
        s->kind = STMT_ADMIN_SHOW_CONFIG;
        if (!p_expect_kw(p, KW_FRONTEND) || !p_expect_kw(p, KW_CONFIG)) return false;
        if (p_accept_kw(p, KW_LIKE)) return (ac->like = p_string(p)) != NULL;
        return true;
    }
    return p_error(p);
}
