/* The SQL parser's entry points (sql_parse, sql_parse_query, sql_parse_expr), the statement
 * dispatcher, the token/name/property helpers every parser file shares (parser_int.h), and the
 * small session statements: USE, SET, KILL, BEGIN/COMMIT/ROLLBACK, EXPLAIN. */
#include "sql/parser.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/parser_int.h"
#include "util/str.h"

/* ------------------------------------------------------------------ token helpers */

bool p_accept(Parser *p, TokType t) {
    if (!p_is(p, t)) return false;
    p_next(p);
    return true;
}

bool p_accept_kw(Parser *p, KwId kw) {
    if (!p_is_kw(p, kw)) return false;
    p_next(p);
    return true;
}

bool p_accept_kws(Parser *p, KwId k1, KwId k2) {
    if (!p_is_kw(p, k1) || !p_is_kw_at(p, 1, k2)) return false;
    p_next(p);
    p_next(p);
    return true;
}

bool p_expect(Parser *p, TokType t) {
    return p_accept(p, t) || p_error(p);
}

bool p_expect_kw(Parser *p, KwId kw) {
    return p_accept_kw(p, kw) || p_error(p);
}

size_t p_prev_end(const Parser *p) {
    return p->pos > 0 ? p->toks[p->pos - 1].end : 0;
}

char *p_slice(Parser *p, size_t start, size_t end) {
    if (end < start) end = start;
    return arena_strndup(p->a, p->sql + start, end - start);
}

bool p_error_at(Parser *p, const Token *t) {
    if (!p->failed) {
        p->failed = true;
        (void)sql_syntax_error(p->err, p->sql, p->len, t->start, t->line);
    }
    return false;
}

bool p_error(Parser *p) {
    return p_error_at(p, p_peek(p));
}

bool p_fail(Parser *p, ErrCode code, const char *fmt, ...) {
    if (!p->failed) {
        p->failed = true;
        char msg[ERROR_MSG_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        (void)err_set(p->err, code, "%s", msg);
    }
    return false;
}

bool p_enter(Parser *p) {
    if (++p->depth > PARSER_MAX_DEPTH) {
        const Token *t = p_peek(p);
        return p_fail(p, ERR_PARSE,
                      "The statement is nested too deeply (more than %d levels) near line %d; "
                      "simplify the expression or query",
                      PARSER_MAX_DEPTH, t->line);
    }
    return true;
}

void *p_grow(Parser *p, void *arr, int *cap, size_t elem) {
    int ncap = *cap ? *cap * 2 : 4;
    void *n = arena_alloc(p->a, (size_t)ncap * elem);
    if (arr && *cap) memcpy(n, arr, (size_t)*cap * elem);
    *cap = ncap;
    return n;
}

/* ------------------------------------------------------------------ names and literals */

bool p_is_ident_at(const Parser *p, int k) {
    const Token *t = p_peek_at(p, k);
    return t->type == TK_QIDENT || (t->type == TK_IDENT && !sql_kw_reserved(t->kw));
}

bool p_is_ident(const Parser *p) {
    return p_is_ident_at(p, 0);
}

char *p_ident(Parser *p) {
    if (!p_is_ident(p)) {
        p_error(p);
        return NULL;
    }
    return p_next(p)->text;
}

char *p_ident_or_string(Parser *p) {
    if (p_is(p, TK_STRING)) return p_next(p)->text;
    return p_ident(p);
}

char *p_string(Parser *p) {
    if (!p_is(p, TK_STRING)) {
        p_error(p);
        return NULL;
    }
    return p_next(p)->text;
}

bool p_int64(Parser *p, int64_t *out) {
    bool neg = p_is(p, TK_MINUS) && p_is_at(p, 1, TK_INT);
    if (neg) p_next(p);
    if (!p_is(p, TK_INT)) return p_error(p);
    const Token *t = p_peek(p);
    int64_t v;
    if (!str_to_int64(t->text, &v)) return p_error(p);
    p_next(p);
    *out = neg ? -v : v;
    return true;
}

bool p_qualified_name(Parser *p, char **db, char **name) {
    char *first = p_ident(p);
    if (!first) return false;
    if (p_is(p, TK_DOT)) {
        p_next(p);
        /* After a dot any word is a name (t.select is legal MySQL). */
        const Token *t = p_peek(p);
        if (t->type != TK_IDENT && t->type != TK_QIDENT) return p_error(p);
        p_next(p);
        *db = first;
        *name = t->text;
    } else {
        *db = NULL;
        *name = first;
    }
    return true;
}

bool p_ident_list(Parser *p, char ***out, int *n) {
    int cap = 0;
    *out = NULL;
    *n = 0;
    if (!p_expect(p, TK_LPAREN)) return false;
    do {
        char *id = p_ident(p);
        if (!id) return false;
        P_PUSH(p, *out, *n, cap, id);
    } while (p_accept(p, TK_COMMA));
    return p_expect(p, TK_RPAREN);
}

/* A property key or value: 'string', "string", a number or a bare word. */
static char *prop_text(Parser *p) {
    const Token *t = p_peek(p);
    switch (t->type) {
    case TK_STRING:
    case TK_INT:
    case TK_DECIMAL:
    case TK_FLOAT:
    case TK_QIDENT:
    case TK_IDENT:
        p_next(p);
        return t->text;
    default:
        p_error(p);
        return NULL;
    }
}

bool p_props(Parser *p, PropList *out) {
    int cap = 0;
    out->items = NULL;
    out->n = 0;
    if (!p_expect(p, TK_LPAREN)) return false;
    if (p_accept(p, TK_RPAREN)) return true;
    do {
        Property pr;
        if (!(pr.key = prop_text(p))) return false;
        if (!p_expect(p, TK_EQ)) return false;
        if (!(pr.value = prop_text(p))) return false;
        P_PUSH(p, out->items, out->n, cap, pr);
    } while (p_accept(p, TK_COMMA));
    return p_expect(p, TK_RPAREN);
}

bool p_opt_properties(Parser *p, PropList *out) {
    if (!p_accept_kw(p, KW_PROPERTIES)) return true;
    return p_props(p, out);
}

UserIdent *p_user_ident(Parser *p) {
    UserIdent *u = arena_calloc(p->a, sizeof *u);
    if (!(u->user = p_ident_or_string(p))) return NULL;
    if (p_is(p, TK_USERVAR)) { /* the lexer reads @'host' / @host as a user variable token */
        u->host = p_next(p)->text;
    } else if (p_accept(p, TK_AT)) {
        if (!(u->host = p_ident_or_string(p))) return NULL;
    } else {
        u->host = arena_strdup(p->a, "%");
    }
    return u;
}

bool p_current_user(Parser *p) {
    if (!p_accept_kw(p, KW_CURRENT_USER)) return false;
    if (p_accept(p, TK_LPAREN)) p_expect(p, TK_RPAREN);
    return true;
}

bool p_part_tuple(Parser *p, PartTuple *out) {
    int cap = 0;
    memset(out, 0, sizeof *out);
    if (!p_expect(p, TK_LPAREN)) return false;
    do {
        if (p_accept_kw(p, KW_MAXVALUE)) {
            out->maxvalue = true;
            continue;
        }
        const Token *t = p_peek(p);
        char *v;
        if (t->type == TK_MINUS && (p_is_at(p, 1, TK_INT) || p_is_at(p, 1, TK_DECIMAL))) {
            p_next(p);
            v = arena_sprintf(p->a, "-%s", p_next(p)->text);
        } else if (t->type == TK_STRING || t->type == TK_INT || t->type == TK_DECIMAL) {
            v = p_next(p)->text;
        } else {
            return p_error(p);
        }
        P_PUSH(p, out->values, out->n, cap, v);
    } while (p_accept(p, TK_COMMA));
    return p_expect(p, TK_RPAREN);
}

/* ------------------------------------------------------------------ small statements */

static bool parse_use(Parser *p, Stmt *s) {
    s->kind = STMT_USE;
    char *first = p_ident(p);
    if (!first) return false;
    s->u.use.db = first;
    if (p_accept(p, TK_DOT)) {
        const Token *t = p_peek(p);
        if (t->type != TK_IDENT && t->type != TK_QIDENT) return p_error(p);
        p_next(p);
        if (strcmp(first, "default_catalog") != 0)
            return p_fail(p, ERR_NOT_SUPPORTED,
                          "Unknown catalog '%s': cairn has only default_catalog (write USE %s or "
                          "USE default_catalog.%s)",
                          first, t->text, t->text);
        s->u.use.db = t->text;
    }
    return true;
}

/* A SET value: an expression, where ON / DEFAULT / bare words mean strings, as MySQL reads them. */
static Expr *set_value(Parser *p) {
    const Token *t = p_peek(p);
    const Token *nx = p_peek_at(p, 1);
    bool ends = nx->type == TK_COMMA || nx->type == TK_SEMI || nx->type == TK_EOF;
    if (t->type == TK_IDENT && ends && (t->kw == KW_ON || t->kw == KW_ALL || t->kw == KW_BINARY)) {
        Expr *e = p_new_expr(p, EXPR_STRING, t);
        e->text = t->text;
        e->ival = (int64_t)t->textlen;
        p_next(p);
        return e;
    }
    if (t->type == TK_IDENT && t->kw == KW_DEFAULT && ends) {
        p_next(p);
        return p_new_expr(p, EXPR_DEFAULT, t);
    }
    Expr *e = p_expr(p);
    if (e && e->kind == EXPR_COLUMN && !e->qual_table && !e->qual_db) {
        e->kind = EXPR_STRING;
        e->ival = (int64_t)strlen(e->text);
    }
    return e;
}

static bool is_word(const Parser *p, int k, const char *w) {
    const Token *t = p_peek_at(p, k);
    return t->type == TK_IDENT && !strcasecmp(t->text, w);
}

/* SET [GLOBAL|SESSION] TRANSACTION ISOLATION LEVEL ... | READ ONLY | READ WRITE, as connectors send
 * it: becomes the variable transaction_isolation ('READ-COMMITTED') or transaction_read_only
 * ('ON'/'OFF'). */
static bool set_transaction(Parser *p, SetVar *v) {
    if (p_is_kw(p, KW_GLOBAL) || p_is_kw(p, KW_SESSION))
        v->scope = p_next(p)->kw == KW_GLOBAL ? VAR_GLOBAL : VAR_SESSION;
    const Token *at = p_next(p); /* TRANSACTION */
    Expr *val = p_new_expr(p, EXPR_STRING, at);
    if (is_word(p, 0, "isolation")) {
        p_next(p);
        if (!is_word(p, 0, "level")) return p_error(p);
        p_next(p);
        v->name = "transaction_isolation";
        if (p_is_kw(p, KW_READ) && (is_word(p, 1, "committed") || is_word(p, 1, "uncommitted"))) {
            val->text = is_word(p, 1, "committed") ? "READ-COMMITTED" : "READ-UNCOMMITTED";
            p->pos += 2;
        } else if (is_word(p, 0, "repeatable") && p_is_kw_at(p, 1, KW_READ)) {
            val->text = "REPEATABLE-READ";
            p->pos += 2;
        } else if (is_word(p, 0, "serializable")) {
            val->text = "SERIALIZABLE";
            p_next(p);
        } else {
            return p_error(p);
        }
    } else if (p_is_kw(p, KW_READ) && (p_is_kw_at(p, 1, KW_ONLY) || is_word(p, 1, "write"))) {
        v->name = "transaction_read_only";
        val->text = p_is_kw_at(p, 1, KW_ONLY) ? "ON" : "OFF";
        p->pos += 2;
    } else {
        return p_error(p);
    }
    val->ival = (int64_t)strlen(val->text);
    v->value = val;
    return true;
}

static bool parse_set_item(Parser *p, SetVar *v) {
    memset(v, 0, sizeof *v);
    const Token *t = p_peek(p);
    if (p_accept_kw(p, KW_NAMES)) {
        v->name = "names";
        /* DEFAULT is passed on as the charset name "DEFAULT": the handler restores the defaults */
        if (p_is_kw(p, KW_DEFAULT)) return (v->charset = p_next(p)->text) != NULL;
        if (!(v->charset = p_ident_or_string(p))) return false;
        if (p_accept_kw(p, KW_COLLATE) && !(v->collate = p_ident_or_string(p))) return false;
        return true;
    }
    if (p_accept_kws(p, KW_CHARACTER, KW_SET) || p_accept_kw(p, KW_CHARSET)) {
        v->name = "character set";
        if (p_is_kw(p, KW_DEFAULT)) return (v->charset = p_next(p)->text) != NULL;
        return (v->charset = p_ident_or_string(p)) != NULL;
    }
    if (is_word(p, 0, "transaction") ||
        ((p_is_kw(p, KW_GLOBAL) || p_is_kw(p, KW_SESSION)) && is_word(p, 1, "transaction")))
        return set_transaction(p, v);
    if (t->type == TK_SYSVAR) {
        p_next(p);
        v->scope = t->scope;
        v->name = t->text;
    } else if (t->type == TK_USERVAR) {
        p_next(p);
        v->scope = VAR_USER;
        v->name = t->text;
    } else {
        if ((p_is_kw(p, KW_GLOBAL) || p_is_kw(p, KW_SESSION)) && p_is_ident_at(p, 1)) {
            v->scope = p_next(p)->kw == KW_GLOBAL ? VAR_GLOBAL : VAR_SESSION;
        } else if (t->type == TK_IDENT && !strcasecmp(t->text, "local") && p_is_ident_at(p, 1)) {
            p_next(p);
            v->scope = VAR_SESSION;
        }
        if (!(v->name = p_ident(p))) return false;
        /* SET SESSION x.y is not a thing, but @@session-style dotted names are spelled out here
         * too. */
    }
    if (!p_accept(p, TK_EQ) && !p_accept(p, TK_ASSIGN)) return p_error(p);
    return (v->value = set_value(p)) != NULL;
}

static bool parse_set(Parser *p, Stmt *s) {
    if (p_is_kw(p, KW_PASSWORD) && (p_is_at(p, 1, TK_EQ) || p_is_kw_at(p, 1, KW_FOR)))
        return p_stmt_set_password(p, s);
    s->kind = STMT_SET;
    int cap = 0;
    do {
        SetVar v;
        if (!parse_set_item(p, &v)) return false;
        P_PUSH(p, s->u.set.vars, s->u.set.n, cap, v);
    } while (p_accept(p, TK_COMMA));
    return true;
}

static bool parse_kill(Parser *p, Stmt *s) {
    s->kind = STMT_KILL;
    if (p_accept_kw(p, KW_QUERY))
        s->u.kill.query_only = true;
    else
        p_accept_kw(p, KW_CONNECTION);
    return p_int64(p, &s->u.kill.id);
}

static bool parse_explain(Parser *p, Stmt *s) {
    s->kind = STMT_EXPLAIN;
    ExplainStmt *e = &s->u.explain;
    if (p_accept_kw(p, KW_LOGICAL))
        e->level = EXPLAIN_LOGICAL;
    else if (p_accept_kw(p, KW_VERBOSE))
        e->level = EXPLAIN_VERBOSE;
    else if (p_accept_kw(p, KW_COSTS))
        e->level = EXPLAIN_COSTS;
    else if (p_accept_kw(p, KW_ANALYZE))
        e->level = EXPLAIN_ANALYZE;
    Stmt *in = arena_calloc(p->a, sizeof *in);
    const Token *st = p_peek(p);
    in->line = st->line;
    in->col = st->col;
    if (p_is_kw(p, KW_INSERT)) {
        p_next(p);
        if (!p_stmt_insert(p, in)) return false;
    } else if (p_starts_query(p)) {
        if (!p_stmt_select(p, in)) return false;
    } else {
        return p_error(p);
    }
    in->src = p_slice(p, st->start, p_prev_end(p));
    e->inner = in;
    return true;
}

static bool parse_statement(Parser *p, Stmt *s) {
    const Token *t = p_peek(p);
    if (p_starts_query(p)) return p_stmt_select(p, s);
    if (t->type != TK_IDENT) return p_error(p);
    switch (t->kw) {
    case KW_EXPLAIN:
        p_next(p);
        return parse_explain(p, s);
    case KW_DESC:
    case KW_DESCRIBE:
        p_next(p);
        if (p_starts_query(p) || p_is_kw(p, KW_INSERT)) return parse_explain(p, s);
        return p_stmt_describe(p, s);
    case KW_USE:
        p_next(p);
        return parse_use(p, s);
    case KW_SET:
        p_next(p);
        return parse_set(p, s);
    case KW_KILL:
        p_next(p);
        return parse_kill(p, s);
    case KW_BEGIN:
        p_next(p);
        p_accept_kw(p, KW_WORK);
        s->kind = STMT_BEGIN;
        return true;
    case KW_START:
        p_next(p);
        s->kind = STMT_BEGIN;
        return p_expect_kw(p, KW_TRANSACTION);
    case KW_COMMIT:
        p_next(p);
        p_accept_kw(p, KW_WORK);
        s->kind = STMT_COMMIT;
        return true;
    case KW_ROLLBACK:
        p_next(p);
        p_accept_kw(p, KW_WORK);
        s->kind = STMT_ROLLBACK;
        return true;
    case KW_SHOW:
        p_next(p);
        return p_stmt_show(p, s);
    case KW_ADMIN:
        p_next(p);
        return p_stmt_admin(p, s);
    case KW_INSERT:
        p_next(p);
        return p_stmt_insert(p, s);
    case KW_DELETE:
        p_next(p);
        return p_stmt_delete(p, s);
    case KW_UPDATE:
        p_next(p);
        return p_stmt_update(p, s);
    case KW_TRUNCATE:
        p_next(p);
        return p_stmt_truncate(p, s);
    case KW_GRANT:
        p_next(p);
        return p_stmt_grant(p, s, false);
    case KW_REVOKE:
        p_next(p);
        return p_stmt_grant(p, s, true);
    case KW_CREATE:
        p_next(p);
        return p_stmt_create(p, s);
    case KW_DROP:
        p_next(p);
        return p_stmt_drop(p, s);
    case KW_ALTER:
        p_next(p);
        return p_stmt_alter(p, s);
    case KW_BACKUP:
        p_next(p);
        return p_stmt_backup(p, s);
    case KW_RESTORE:
        p_next(p);
        return p_stmt_restore(p, s);
    case KW_CANCEL:
        p_next(p);
        return p_stmt_cancel(p, s);
    case KW_VERIFY:
        p_next(p);
        return p_stmt_verify(p, s);
    case KW_REFRESH:
        p_next(p);
        return p_stmt_refresh(p, s);
    default:
        return p_error(p);
    }
}

/* ------------------------------------------------------------------ entry points */

static Status parser_init(Parser *p, Arena *a, const char *sql, size_t len, Error *err) {
    memset(p, 0, sizeof *p);
    p->a = a;
    p->sql = sql;
    p->len = len;
    p->err = err;
    return sql_lex(a, sql, len, &p->toks, &p->ntoks, err);
}

static bool parse_statements(Parser *p, Stmt ***out, int *nout) {
    Stmt **stmts = NULL;
    int n = 0, cap = 0;
    for (;;) {
        while (p_accept(p, TK_SEMI)) {
        }
        if (p_is(p, TK_EOF)) break;
        const Token *st = p_peek(p);
        Stmt *s = arena_calloc(p->a, sizeof *s);
        s->line = st->line;
        s->col = st->col;
        if (!parse_statement(p, s)) return false;
        if (!p_is(p, TK_SEMI) && !p_is(p, TK_EOF)) return p_error(p);
        s->src = p_slice(p, st->start, p_prev_end(p));
        P_PUSH(p, stmts, n, cap, s);
    }
    if (n == 0) return p_fail(p, ERR_PARSE, "Query was empty");
    *out = stmts;
    *nout = n;
    return true;
}

Status sql_parse(Arena *a, const char *sql, size_t len, Stmt ***out, int *nout, Error *err) {
    Parser p;
    *out = NULL;
    *nout = 0;
    if (parser_init(&p, a, sql, len, err)) return STATUS_ERROR;
    bool ok = parse_statements(&p, out, nout);
    free(p.toks); /* the AST never points at tokens, only at arena texts */
    free(p.not_derived);
    return ok ? STATUS_OK : STATUS_ERROR;
}

static Query *parse_one_query(Parser *p) {
    Query *q = p_query(p);
    if (!q) return NULL;
    p_accept(p, TK_SEMI);
    if (!p_is(p, TK_EOF)) {
        p_error(p);
        return NULL;
    }
    return q;
}

Status sql_parse_query(Arena *a, const char *sql, size_t len, Query **out, Error *err) {
    Parser p;
    *out = NULL;
    if (parser_init(&p, a, sql, len, err)) return STATUS_ERROR;
    *out = parse_one_query(&p);
    free(p.toks);
    free(p.not_derived);
    return *out ? STATUS_OK : STATUS_ERROR;
}

static Expr *parse_one_expr(Parser *p) {
    const Token *st = p_peek(p);
    Expr *e = p_expr(p);
    if (!e) return NULL;
    if (!p_is(p, TK_EOF)) {
        p_error(p);
        return NULL;
    }
    e->src = p_slice(p, st->start, p_prev_end(p));
    return e;
}

Status sql_parse_expr(Arena *a, const char *sql, size_t len, Expr **out, Error *err) {
    Parser p;
    *out = NULL;
    if (parser_init(&p, a, sql, len, err)) return STATUS_ERROR;
    *out = parse_one_expr(&p);
    free(p.toks);
    free(p.not_derived);
    return *out ? STATUS_OK : STATUS_ERROR;
}
