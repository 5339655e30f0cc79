/* Expressions by precedence climbing, one function per MySQL precedence level (lowest first):
 * OR/||, XOR, AND/&&, NOT, predicates (comparison, IS, BETWEEN, IN, LIKE, REGEXP), |, &, << >>, +
 * -,
 * * / DIV % MOD, ^, unary - + ~ !, then primaries (literals, names, calls, CASE, CAST,
 * subqueries...). Also the type names shared by CREATE TABLE and CAST. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/parser_int.h"
#include "util/str.h"

Expr *p_new_expr(Parser *p, ExprKind kind, const Token *at) {
    Expr *e = arena_calloc(p->a, sizeof *e);
    e->kind = kind;
    e->line = at->line;
    e->col = at->col;
    return e;
}

static Expr *binary(Parser *p, ExprOp op, Expr *l, Expr *r, const Token *at) {
    Expr *e = p_new_expr(p, EXPR_BINARY, at);
    e->op = op;
    e->left = l;
    e->right = r;
    /* A binary expression is located where its left operand starts. */
    e->line = l->line;
    e->col = l->col;
    return e;
}

bool p_expr_list(Parser *p, Expr ***out, int *n) {
    int cap = 0;
    *out = NULL;
    *n = 0;
    do {
        Expr *e = p_expr(p);
        if (!e) return false;
        P_PUSH(p, *out, *n, cap, e);
    } while (p_accept(p, TK_COMMA));
    return true;
}

/* ------------------------------------------------------------------ types */

bool p_type(Parser *p, DataType *out, bool for_cast) {
    const Token *t = p_peek(p);
    if (t->type != TK_IDENT && t->type != TK_QIDENT) return p_error(p);
    p_next(p);
    char *name = t->text;
    if (for_cast && (t->kw == KW_SIGNED || t->kw == KW_UNSIGNED)) {
        /* CAST(x AS SIGNED [INTEGER]) and UNSIGNED: a 64-bit integer, as MySQL returns. */
        if (!p_accept_kw(p, KW_INTEGER)) p_accept_kw(p, KW_INT);
        *out = type_make(TYPE_BIGINT);
        return true;
    }
    if (t->kw == KW_DOUBLE) p_accept_kw(p, KW_PRECISION);
    int params[4];
    int np = 0;
    if (p_accept(p, TK_LPAREN)) {
        do {
            int64_t v;
            if (!p_int64(p, &v)) return false;
            if (np == 4) return p_error(p);
            if (v < 0 || v > 1 << 30)
                return p_fail(p, ERR_PARSE, "Invalid length %lld for type %s", (long long)v, name);
            params[np++] = (int)v;
        } while (p_accept(p, TK_COMMA));
        if (!p_expect(p, TK_RPAREN)) return false;
    }
    if (for_cast && np == 0 && (t->kw == KW_CHAR || t->kw == KW_VARCHAR)) {
        /* CAST(x AS CHAR) keeps the whole string: StarRocks' longest VARCHAR. */
        *out = type_varchar(STRING_DEFAULT_LEN);
        return true;
    }
    if (type_from_name(name, np, params, out, p->err)) {
        p->failed = true;
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ primaries */

static Expr *parse_or(Parser *p);
static Expr *parse_bitor(Parser *p);
static Expr *parse_unary(Parser *p);

static bool is_interval_unit(const char *s) {
    static const char *units[] = {"YEAR", "QUARTER", "MONTH",  "WEEK",        "DAY",
                                  "HOUR", "MINUTE",  "SECOND", "MILLISECOND", "MICROSECOND"};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcasecmp(s, units[i])) return true;
    return false;
}

static char *upper_dup(Parser *p, const char *s) {
    char *u = arena_strdup(p->a, s);
    for (char *c = u; *c; c++)
        if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
    return u;
}

/* Literal from a number token; neg folds a leading minus into the literal. */
static Expr *number_literal(Parser *p, const Token *t, bool neg) {
    Expr *e = p_new_expr(p, EXPR_INT, t);
    const char *digits = t->text;
    if (t->type == TK_HEX) {
        unsigned __int128 v = 0;
        bool big = strlen(digits) > 32;
        for (const char *c = digits; *c && !big; c++) {
            int d = *c <= '9' ? *c - '0' : (*c | 0x20) - 'a' + 10;
            v = v * 16 + (unsigned)d;
        }
        if (big) {
            p_fail(p, ERR_PARSE, "Hexadecimal literal 0x%s is too large", digits);
            return NULL;
        }
        char buf[48];
        if (v <= INT64_MAX) {
            e->ival = (int64_t)v;
            snprintf(buf, sizeof buf, "%s%lld", neg ? "-" : "", (long long)v);
            if (neg) e->ival = -e->ival;
        } else {
            char tmp[48];
            int n = int128_format((int128_t)v, tmp);
            snprintf(buf, sizeof buf, "%s%.*s", neg ? "-" : "", n, tmp);
            e->kind = EXPR_DECIMAL;
        }
        e->text = arena_strdup(p->a, buf);
        return e;
    }
    e->text = neg ? arena_sprintf(p->a, "-%s", digits) : t->text;
    if (t->type == TK_DECIMAL) {
        e->kind = EXPR_DECIMAL;
    } else if (t->type == TK_FLOAT) {
        e->kind = EXPR_FLOAT;
    } else if (!str_to_int64(e->text, &e->ival)) {
        e->kind = EXPR_DECIMAL; /* beyond int64: exact decimal text */
    }
    return e;
}

static Expr *parse_case(Parser *p, const Token *at) {
    Expr *e = p_new_expr(p, EXPR_CASE, at);
    int cap = 0;
    if (p_is_kw(p, KW_END)) {
        p_error(p);
        return NULL;
    }
    if (!p_is_kw(p, KW_WHEN) && !(e->left = p_expr(p))) return NULL;
    if (!p_is_kw(p, KW_WHEN)) {
        p_error(p);
        return NULL;
    }
    while (p_accept_kw(p, KW_WHEN)) {
        Expr *w = p_expr(p);
        if (!w || !p_expect_kw(p, KW_THEN)) return NULL;
        Expr *th = p_expr(p);
        if (!th) return NULL;
        P_PUSH(p, e->args, e->nargs, cap, w);
        P_PUSH(p, e->args, e->nargs, cap, th);
    }
    if (p_accept_kw(p, KW_ELSE) && !(e->right = p_expr(p))) return NULL;
    if (!p_expect_kw(p, KW_END)) return NULL;
    return e;
}

/* Function call after its name: ( [DISTINCT] args | * ) */
static Expr *parse_call(Parser *p, const Token *at, char *name) {
    Expr *e = p_new_expr(p, EXPR_FUNC, at);
    e->text = name;
    if (!p_expect(p, TK_LPAREN)) return NULL;
    if (!strcasecmp(name, "extract") && p_is(p, TK_IDENT) && is_interval_unit(p_peek(p)->text) &&
        p_is_kw_at(p, 1, KW_FROM)) {
        /* EXTRACT(YEAR FROM d) is year(d). */
        e->text = arena_strdup(p->a, p_next(p)->text);
        for (char *c = e->text; *c; c++)
            if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
        p_next(p);
        Expr *arg = p_expr(p);
        if (!arg) return NULL;
        e->args = arena_alloc(p->a, sizeof(Expr *));
        e->args[0] = arg;
        e->nargs = 1;
    } else if (p_is(p, TK_STAR) && p_is_at(p, 1, TK_RPAREN)) {
        p_next(p);
        e->is_star = true;
    } else if (!p_is(p, TK_RPAREN)) {
        if (p_accept_kw(p, KW_DISTINCT))
            e->distinct = true;
        else
            p_accept_kw(p, KW_ALL);
        if (!p_expr_list(p, &e->args, &e->nargs)) return NULL;
    }
    if (!p_expect(p, TK_RPAREN)) return NULL;
    if (p_is_kw(p, KW_OVER)) {
        p_fail(
            p, ERR_NOT_SUPPORTED,
            "Window functions are not supported: %s(...) OVER (...) at line %d (use GROUP BY or a "
            "self-join instead)",
            name, at->line);
        return NULL;
    }
    /* Calls keep their text: result columns and messages name an aggregate as written. */
    e->src = p_slice(p, at->start, p_prev_end(p));
    return e;
}

static Expr *parse_name_expr(Parser *p, const Token *t) {
    /* t (already consumed) is the first part of a column reference or a function name. */
    if (p_is(p, TK_LPAREN)) return parse_call(p, t, t->text);
    char *parts[3] = {t->text, NULL, NULL};
    int n = 1;
    while (p_is(p, TK_DOT) && n < 3) {
        const Token *nx = p_peek_at(p, 1);
        if (nx->type != TK_IDENT && nx->type != TK_QIDENT) break;
        p_next(p);
        p_next(p);
        parts[n++] = nx->text;
        if (p_is(p, TK_LPAREN) && n == 2) /* db.func(...) */
            return parse_call(p, t, arena_sprintf(p->a, "%s.%s", parts[0], parts[1]));
    }
    if (p_is(p, TK_DOT)) {
        p_next(p);
        p_error(p);
        return NULL;
    }
    Expr *e = p_new_expr(p, EXPR_COLUMN, t);
    e->text = parts[n - 1];
    if (n >= 2) e->qual_table = parts[n - 2];
    if (n == 3) e->qual_db = parts[0];
    return e;
}

static Expr *parse_primary(Parser *p) {
    const Token *t = p_peek(p);
    Expr *e;
    switch (t->type) {
    case TK_INT:
    case TK_DECIMAL:
    case TK_FLOAT:
    case TK_HEX:
        p_next(p);
        return number_literal(p, t, false);
    case TK_STRING:
        p_next(p);
        e = p_new_expr(p, EXPR_STRING, t);
        e->text = t->text;
        e->ival = (int64_t)t->textlen;
        return e;
    case TK_USERVAR:
    case TK_SYSVAR:
        p_next(p);
        e = p_new_expr(p, EXPR_VARIABLE, t);
        e->text = t->text;
        e->scope = t->type == TK_USERVAR ? VAR_USER : t->scope;
        return e;
    case TK_LPAREN:
        p_next(p);
        if (p_is_kw(p, KW_SELECT) || p_is_kw(p, KW_WITH)) {
            e = p_new_expr(p, EXPR_SUBQUERY, t);
            if (!(e->subquery = p_query(p))) return NULL;
            if (!p_expect(p, TK_RPAREN)) return NULL;
            return e;
        }
        {
            Expr **items;
            int n;
            if (!p_expr_list(p, &items, &n)) return NULL;
            if (!p_expect(p, TK_RPAREN)) return NULL;
            if (n == 1) return items[0];
            e = p_new_expr(p, EXPR_ROW, t);
            e->args = items;
            e->nargs = n;
            return e;
        }
    case TK_QIDENT:
        p_next(p);
        return parse_name_expr(p, t);
    case TK_IDENT:
        break;
    default:
        p_error(p);
        return NULL;
    }
    /* A word: keyword-driven syntax first, then names and calls. */
    const Token *nx = p_peek_at(p, 1);
    switch (t->kw) {
    case KW_NULL:
        p_next(p);
        return p_new_expr(p, EXPR_NULL, t);
    case KW_TRUE:
    case KW_FALSE:
        p_next(p);
        e = p_new_expr(p, EXPR_BOOL, t);
        e->ival = t->kw == KW_TRUE;
        return e;
    case KW_CASE:
        p_next(p);
        return parse_case(p, t);
    case KW_CAST:
    case KW_CONVERT:
        if (nx->type != TK_LPAREN) break;
        p_next(p);
        p_next(p);
        e = p_new_expr(p, EXPR_CAST, t);
        if (!(e->left = p_expr(p))) return NULL;
        if (t->kw == KW_CONVERT && p_accept_kw(p, KW_USING)) {
            /* CONVERT(x USING utf8mb4): strings are utf8 already; the value is unchanged. */
            if (!p_ident(p) || !p_expect(p, TK_RPAREN)) return NULL;
            return e->left;
        }
        if (t->kw == KW_CAST ? !p_expect_kw(p, KW_AS) : !p_expect(p, TK_COMMA)) return NULL;
        if (!p_type(p, &e->cast_type, true)) return NULL;
        if (!p_expect(p, TK_RPAREN)) return NULL;
        return e;
    case KW_EXISTS:
        p_next(p);
        e = p_new_expr(p, EXPR_EXISTS, t);
        if (!p_expect(p, TK_LPAREN)) return NULL;
        if (!(e->subquery = p_query(p))) return NULL;
        if (!p_expect(p, TK_RPAREN)) return NULL;
        return e;
    case KW_INTERVAL: {
        p_next(p);
        e = p_new_expr(p, EXPR_INTERVAL, t);
        if (!(e->left = p_expr(p))) return NULL;
        const Token *u = p_peek(p);
        if (u->type != TK_IDENT || !is_interval_unit(u->text)) {
            p_error(p);
            return NULL;
        }
        p_next(p);
        e->text = upper_dup(p, u->text);
        return e;
    }
    case KW_DATE:
    case KW_DATETIME:
    case KW_TIMESTAMP:
        if (nx->type != TK_STRING) break;
        p_next(p);
        p_next(p);
        e = p_new_expr(p, t->kw == KW_DATE ? EXPR_DATE : EXPR_DATETIME, t);
        e->text = nx->text;
        return e;
    case KW_DEFAULT:
        if (!p->allow_default || nx->type == TK_LPAREN) break;
        p_next(p);
        return p_new_expr(p, EXPR_DEFAULT, t);
    case KW_ROW:
        if (nx->type != TK_LPAREN) break;
        p_next(p);
        p_next(p);
        e = p_new_expr(p, EXPR_ROW, t);
        if (!p_expr_list(p, &e->args, &e->nargs) || !p_expect(p, TK_RPAREN)) return NULL;
        return e;
    case KW_BINARY:
        if (nx->type == TK_LPAREN || nx->type == TK_COMMA || nx->type == TK_RPAREN ||
            nx->type == TK_EOF)
            break;
        p_next(p); /* BINARY x compares bytes; cairn's strings already do */
        return parse_unary(p);
    case KW_CURRENT_TIMESTAMP:
    case KW_CURRENT_DATE:
    case KW_CURRENT_TIME:
    case KW_CURRENT_USER:
        if (nx->type == TK_LPAREN) break;
        p_next(p);
        e = p_new_expr(p, EXPR_FUNC, t);
        e->text = t->text;
        return e;
    default:
        break;
    }
    if (nx->type == TK_LPAREN && sql_kw_callable(t->kw)) {
        p_next(p);
        return parse_call(p, t, t->text);
    }
    if (sql_kw_reserved(t->kw)) {
        p_error(p);
        return NULL;
    }
    p_next(p);
    return parse_name_expr(p, t);
}

/* ------------------------------------------------------------------ operators */

static Expr *parse_unary(Parser *p) {
    const Token *t = p_peek(p);
    ExprOp op = OP_NONE;
    switch (t->type) {
    case TK_MINUS:
        op = OP_NEG;
        break;
    case TK_PLUS:
        op = OP_PLUS;
        break;
    case TK_TILDE:
        op = OP_BITNOT;
        break;
    case TK_BANG:
        op = OP_NOT;
        break;
    default:
        return parse_primary(p);
    }
    p_next(p);
    const Token *nx = p_peek(p);
    if (op == OP_NEG && (nx->type == TK_INT || nx->type == TK_DECIMAL || nx->type == TK_FLOAT) &&
        !(p_peek_at(p, 1)->type == TK_CARET)) {
        /* -5 is one literal (so VALUES (-5) and partition bounds see a number), unless ^ binds
         * tighter. */
        p_next(p);
        Expr *e = number_literal(p, nx, true);
        if (e) {
            e->line = t->line;
            e->col = t->col;
            if (e->kind == EXPR_DECIMAL && !strcmp(e->text, "-9223372036854775808")) {
                e->kind = EXPR_INT;
                e->ival = INT64_MIN;
            }
        }
        return e;
    }
    if (!p_enter(p)) return NULL;
    Expr *operand = parse_unary(p);
    p_leave(p);
    if (!operand) return NULL;
    Expr *e = p_new_expr(p, EXPR_UNARY, t);
    e->op = op;
    e->left = operand;
    return e;
}

static Expr *parse_bitxor(Parser *p) {
    Expr *l = parse_unary(p);
    while (l && p_is(p, TK_CARET)) {
        const Token *t = p_next(p);
        Expr *r = parse_unary(p);
        if (!r) return NULL;
        l = binary(p, OP_BITXOR, l, r, t);
    }
    return l;
}

static Expr *parse_mul(Parser *p) {
    Expr *l = parse_bitxor(p);
    while (l) {
        const Token *t = p_peek(p);
        ExprOp op;
        if (t->type == TK_STAR)
            op = OP_MUL;
        else if (t->type == TK_SLASH)
            op = OP_DIV;
        else if (t->type == TK_PERCENT || (t->type == TK_IDENT && t->kw == KW_MOD))
            op = OP_MOD;
        else if (t->type == TK_IDENT && t->kw == KW_DIV)
            op = OP_INTDIV;
        else
            break;
        p_next(p);
        Expr *r = parse_bitxor(p);
        if (!r) return NULL;
        l = binary(p, op, l, r, t);
    }
    return l;
}

static Expr *parse_add(Parser *p) {
    Expr *l = parse_mul(p);
    while (l && (p_is(p, TK_PLUS) || p_is(p, TK_MINUS))) {
        const Token *t = p_next(p);
        Expr *r = parse_mul(p);
        if (!r) return NULL;
        l = binary(p, t->type == TK_PLUS ? OP_ADD : OP_SUB, l, r, t);
    }
    return l;
}

static Expr *parse_shift(Parser *p) {
    Expr *l = parse_add(p);
    while (l && (p_is(p, TK_SHL) || p_is(p, TK_SHR))) {
        const Token *t = p_next(p);
        Expr *r = parse_add(p);
        if (!r) return NULL;
        l = binary(p, t->type == TK_SHL ? OP_SHL : OP_SHR, l, r, t);
    }
    return l;
}

static Expr *parse_bitand(Parser *p) {
    Expr *l = parse_shift(p);
    while (l && p_is(p, TK_AMP)) {
        const Token *t = p_next(p);
        Expr *r = parse_shift(p);
        if (!r) return NULL;
        l = binary(p, OP_BITAND, l, r, t);
    }
    return l;
}

static Expr *parse_bitor(Parser *p) {
    Expr *l = parse_bitand(p);
    while (l && p_is(p, TK_PIPE)) {
        const Token *t = p_next(p);
        Expr *r = parse_bitand(p);
        if (!r) return NULL;
        l = binary(p, OP_BITOR, l, r, t);
    }
    return l;
}

static ExprOp comparison_op(TokType t) {
    switch (t) {
    case TK_EQ:
        return OP_EQ;
    case TK_NSEQ:
        return OP_NULL_SAFE_EQ;
    case TK_NE:
        return OP_NE;
    case TK_LT:
        return OP_LT;
    case TK_LE:
        return OP_LE;
    case TK_GT:
        return OP_GT;
    case TK_GE:
        return OP_GE;
    default:
        return OP_NONE;
    }
}

static Expr *parse_predicate(Parser *p) {
    Expr *l = parse_bitor(p);
    while (l) {
        const Token *t = p_peek(p);
        ExprOp op = comparison_op(t->type);
        if (op != OP_NONE) {
            p_next(p);
            Expr *r = parse_bitor(p);
            if (!r) return NULL;
            l = binary(p, op, l, r, t);
            continue;
        }
        if (p_accept_kw(p, KW_IS)) {
            bool neg = p_accept_kw(p, KW_NOT);
            Expr *e;
            if (p_accept_kw(p, KW_NULL) ||
                (p_is(p, TK_IDENT) && !strcasecmp(p_peek(p)->text, "unknown") && p_next(p))) {
                e = p_new_expr(p, EXPR_IS_NULL, t);
            } else if (p_is_kw(p, KW_TRUE) || p_is_kw(p, KW_FALSE)) {
                e = p_new_expr(p, EXPR_IS_BOOL, t);
                e->ival = p_next(p)->kw == KW_TRUE;
            } else {
                p_error(p);
                return NULL;
            }
            e->left = l;
            e->negated = neg;
            e->line = l->line;
            e->col = l->col;
            l = e;
            continue;
        }
        bool neg = false;
        int k = 0;
        if (p_is_kw(p, KW_NOT)) {
            const Token *nx = p_peek_at(p, 1);
            if (nx->type != TK_IDENT ||
                !(nx->kw == KW_BETWEEN || nx->kw == KW_IN || nx->kw == KW_LIKE ||
                  nx->kw == KW_REGEXP || nx->kw == KW_RLIKE))
                break;
            neg = true;
            k = 1;
        }
        const Token *kwt = p_peek_at(p, k);
        if (kwt->type != TK_IDENT) break;
        Expr *e;
        switch (kwt->kw) {
        case KW_BETWEEN:
            p->pos += k + 1;
            e = p_new_expr(p, EXPR_BETWEEN, kwt);
            if (!(e->right = parse_bitor(p))) return NULL;
            if (!p_expect_kw(p, KW_AND)) return NULL;
            if (!(e->third = parse_bitor(p))) return NULL;
            break;
        case KW_IN:
            p->pos += k + 1;
            if (!p_expect(p, TK_LPAREN)) return NULL;
            if (p_is_kw(p, KW_SELECT) || p_is_kw(p, KW_WITH)) {
                e = p_new_expr(p, EXPR_IN_SUBQUERY, kwt);
                if (!(e->subquery = p_query(p))) return NULL;
            } else {
                e = p_new_expr(p, EXPR_IN_LIST, kwt);
                if (!p_expr_list(p, &e->args, &e->nargs)) return NULL;
            }
            if (!p_expect(p, TK_RPAREN)) return NULL;
            break;
        case KW_LIKE:
        case KW_REGEXP:
        case KW_RLIKE:
            p->pos += k + 1;
            e = p_new_expr(p, EXPR_LIKE, kwt);
            e->ival = kwt->kw != KW_LIKE;
            if (!(e->right = parse_bitor(p))) return NULL;
            if (kwt->kw == KW_LIKE && p_accept_kw(p, KW_ESCAPE) && !(e->third = parse_primary(p)))
                return NULL;
            break;
        default:
            return l;
        }
        e->left = l;
        e->negated = neg;
        e->line = l->line;
        e->col = l->col;
        l = e;
    }
    return l;
}

static Expr *parse_not(Parser *p) {
    if (p_is_kw(p, KW_NOT)) {
        const Token *t = p_next(p);
        bool exists_next = p_is_kw(p, KW_EXISTS);
        if (!p_enter(p)) return NULL;
        Expr *operand = parse_not(p);
        p_leave(p);
        if (!operand) return NULL;
        if (exists_next && operand->kind == EXPR_EXISTS) {
            operand->negated = !operand->negated;
            operand->line = t->line;
            operand->col = t->col;
            return operand;
        }
        Expr *e = p_new_expr(p, EXPR_UNARY, t);
        e->op = OP_NOT;
        e->left = operand;
        return e;
    }
    return parse_predicate(p);
}

static Expr *parse_and(Parser *p) {
    Expr *l = parse_not(p);
    while (l && (p_is_kw(p, KW_AND) || p_is(p, TK_ANDAND))) {
        const Token *t = p_next(p);
        Expr *r = parse_not(p);
        if (!r) return NULL;
        l = binary(p, OP_AND, l, r, t);
    }
    return l;
}

static Expr *parse_xor(Parser *p) {
    Expr *l = parse_and(p);
    while (l && p_is_kw(p, KW_XOR)) {
        const Token *t = p_next(p);
        Expr *r = parse_and(p);
        if (!r) return NULL;
        l = binary(p, OP_XOR, l, r, t);
    }
    return l;
}

static Expr *parse_or(Parser *p) {
    Expr *l = parse_xor(p);
    while (l && (p_is_kw(p, KW_OR) || p_is(p, TK_OROR))) {
        const Token *t = p_next(p);
        Expr *r = parse_xor(p);
        if (!r) return NULL;
        /* || is OR unless sql_mode has PIPES_AS_CONCAT, which cairn's parser does not see. */
        l = binary(p, OP_OR, l, r, t);
    }
    return l;
}

static bool is_literal(const Expr *e) {
    switch (e->kind) {
    case EXPR_NULL:
    case EXPR_BOOL:
    case EXPR_INT:
    case EXPR_DECIMAL:
    case EXPR_FLOAT:
    case EXPR_STRING:
    case EXPR_DATE:
    case EXPR_DATETIME:
    case EXPR_DEFAULT:
        return true;
    default:
        return false;
    }
}

Expr *p_expr(Parser *p) {
    if (!p_enter(p)) return NULL;
    const Token *st = p_peek(p);
    Expr *e = parse_or(p);
    p_leave(p);
    /* Every full expression but a bare literal keeps its text (GROUP BY / ORDER BY items,
     * arguments, predicates) for messages and column names; literals skip it so huge VALUES lists
     * stay lean. */
    if (e && !e->src && !is_literal(e)) e->src = p_slice(p, st->start, p_prev_end(p));
    return e;
}
