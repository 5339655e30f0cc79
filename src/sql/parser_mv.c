/* Materialized views: CREATE MATERIALIZED VIEW (synchronous form = no
 * refresh/partition/distribution clauses), DROP, ALTER (ACTIVE, INACTIVE, RENAME, REFRESH, SET),
 * REFRESH MATERIALIZED VIEW, and the refresh description shared by CREATE and ALTER. */
#include <string.h>
#include <strings.h>

#include "sql/parser_int.h"

/* EVERY (INTERVAL n unit) */
static bool refresh_every(Parser *p, RefreshDesc *r) {
    if (!p_expect(p, TK_LPAREN) || !p_expect_kw(p, KW_INTERVAL)) return false;
    if (!p_int64(p, &r->every_n)) return false;
    if (r->every_n <= 0)
        return p_fail(p, ERR_PARSE, "EVERY needs a positive interval, got %lld",
                      (long long)r->every_n);
    static const char *units[] = {"SECOND", "MINUTE", "HOUR",    "DAY",
                                  "WEEK",   "MONTH",  "QUARTER", "YEAR"};
    const Token *u = p_peek(p);
    for (size_t i = 0; i < sizeof units / sizeof units[0] && u->type == TK_IDENT; i++)
        if (!strcasecmp(u->text, units[i])) r->every_unit = (char *)units[i];
    if (!r->every_unit) return p_error(p);
    p_next(p);
    return p_expect(p, TK_RPAREN);
}

/* [DEFERRED | IMMEDIATE]; returns whether one was written. */
static bool refresh_moment(Parser *p, RefreshDesc *r) {
    if (p_accept_kw(p, KW_DEFERRED)) {
        r->deferred = true;
        return true;
    }
    return p_accept_kw(p, KW_IMMEDIATE);
}

bool p_refresh_desc(Parser *p, RefreshDesc *r) {
    memset(r, 0, sizeof *r);
    /* StarRocks writes REFRESH [DEFERRED|IMMEDIATE] kind; the moment is accepted on either side. */
    bool moment = refresh_moment(p, r);
    if (p_accept_kw(p, KW_ASYNC)) {
        r->kind = REFRESH_ASYNC;
        if (p_accept_kw(p, KW_START)) {
            if (!p_expect(p, TK_LPAREN) || !(r->start = p_string(p)) || !p_expect(p, TK_RPAREN))
                return false;
        }
        if (p_accept_kw(p, KW_EVERY) && !refresh_every(p, r)) return false;
    } else if (p_accept_kw(p, KW_MANUAL)) {
        r->kind = REFRESH_MANUAL;
    } else if (p_accept_kw(p, KW_INCREMENTAL)) {
        r->kind = REFRESH_INCREMENTAL;
    } else if (moment) {
        r->kind = REFRESH_MANUAL; /* only the moment written: StarRocks' default scheme */
    } else {
        return p_error(p);
    }
    if (!moment) refresh_moment(p, r);
    return true;
}

bool p_create_mv(Parser *p, Stmt *s) {
    s->kind = STMT_CREATE_MV;
    CreateMvStmt *m = &s->u.create_mv;
    if (p_is_kw(p, KW_IF) && p_is_kw_at(p, 1, KW_NOT) && p_is_kw_at(p, 2, KW_EXISTS)) {
        p->pos += 3;
        m->if_not_exists = true;
    }
    if (!p_qualified_name(p, &m->db, &m->name)) return false;
    bool seen_comment = false, seen_part = false, seen_dist = false, seen_refresh = false,
         seen_order = false, seen_props = false;
    for (;;) {
        const Token *t = p_peek(p);
        if (t->type != TK_IDENT) break;
        if (t->kw == KW_COMMENT && !seen_comment) {
            p_next(p);
            seen_comment = true;
            if (!(m->comment = p_string(p))) return false;
        } else if (t->kw == KW_PARTITION && p_is_kw_at(p, 1, KW_BY) && !seen_part) {
            p->pos += 2;
            seen_part = true;
            if (!(m->partition_expr = p_expr(p))) return false;
        } else if (t->kw == KW_DISTRIBUTED && !seen_dist) {
            p_next(p);
            seen_dist = true;
            if (!p_expect_kw(p, KW_BY) || !p_distribution(p, &m->distribution)) return false;
        } else if (t->kw == KW_REFRESH && !seen_refresh) {
            p_next(p);
            seen_refresh = true;
            if (!p_refresh_desc(p, &m->refresh)) return false;
        } else if (t->kw == KW_ORDER && p_is_kw_at(p, 1, KW_BY) && !seen_order) {
            p->pos += 2;
            seen_order = true;
            if (!p_ident_list(p, &m->order_by, &m->norder_by)) return false;
        } else if (t->kw == KW_PROPERTIES && !seen_props) {
            p_next(p);
            seen_props = true;
            if (!p_props(p, &m->props)) return false;
        } else {
            break;
        }
    }
    if (!p_expect_kw(p, KW_AS)) return false;
    return (m->query = p_query(p)) != NULL;
}

bool p_drop_mv(Parser *p, Stmt *s) {
    s->kind = STMT_DROP_MV;
    DropMvStmt *d = &s->u.drop_mv;
    d->if_exists = p_accept_kws(p, KW_IF, KW_EXISTS);
    if (!p_qualified_name(p, &d->db, &d->name)) return false;
    if (p_accept_kw(p, KW_ON)) return (d->on_table = p_ident(p)) != NULL;
    return true;
}

bool p_alter_mv(Parser *p, Stmt *s) {
    s->kind = STMT_ALTER_MV;
    AlterMvStmt *a = &s->u.alter_mv;
    if (!p_qualified_name(p, &a->db, &a->name)) return false;
    if (p_accept_kw(p, KW_ACTIVE)) {
        a->kind = ALTER_MV_ACTIVE;
    } else if (p_accept_kw(p, KW_INACTIVE)) {
        a->kind = ALTER_MV_INACTIVE;
    } else if (p_accept_kw(p, KW_RENAME)) {
        a->kind = ALTER_MV_RENAME;
        return (a->new_name = p_ident(p)) != NULL;
    } else if (p_accept_kw(p, KW_REFRESH)) {
        a->kind = ALTER_MV_REFRESH;
        return p_refresh_desc(p, &a->refresh);
    } else if (p_accept_kw(p, KW_SET)) {
        a->kind = ALTER_MV_SET_PROPERTIES;
        p_accept_kw(p, KW_PROPERTIES);
        return p_props(p, &a->props);
    } else {
        return p_error(p);
    }
    return true;
}

bool p_stmt_refresh(Parser *p, Stmt *s) {
    s->kind = STMT_REFRESH_MV;
    RefreshMvStmt *r = &s->u.refresh_mv;
    if (!p_expect_kw(p, KW_MATERIALIZED) || !p_expect_kw(p, KW_VIEW)) return false;
    if (!p_qualified_name(p, &r->db, &r->name)) return false;
    r->force = p_accept_kw(p, KW_FORCE);
    if (p_accept_kw(p, KW_WITH)) {
        if (p_accept_kw(p, KW_SYNC))
            r->sync_mode = true;
        else if (!p_expect_kw(p, KW_ASYNC))
            return false;
        return p_expect_kw(p, KW_MODE);
    }
    return true;
}
