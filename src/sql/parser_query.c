/* Queries (WITH, SELECT cores, set operations, ORDER BY, LIMIT), FROM clauses with joins, and the
 * DML statements built on them: SELECT, INSERT, DELETE, UPDATE. Query.src and select items'
 * Expr.src are cut from the original text here (views store their definition; result columns take
 * their names). */
#include <stdlib.h>
#include <string.h>

#include "sql/parser_int.h"

bool p_starts_query(const Parser *p) {
    int k = 0;
    while (p_is_at(p, k, TK_LPAREN))
        k++;
    return p_is_kw_at(p, k, KW_SELECT) || p_is_kw_at(p, k, KW_WITH);
}

/* ------------------------------------------------------------------ ORDER BY / LIMIT */

bool p_order_by(Parser *p, OrderItem **out, int *n) {
    int cap = 0;
    *out = NULL;
    *n = 0;
    do {
        OrderItem it = {0};
        if (!(it.expr = p_expr(p))) return false;
        if (p_accept_kw(p, KW_DESC))
            it.desc = true;
        else
            p_accept_kw(p, KW_ASC);
        if (p_accept_kw(p, KW_NULLS)) {
            if (p_accept_kw(p, KW_FIRST))
                it.nulls = 1;
            else if (p_accept_kw(p, KW_LAST))
                it.nulls = 2;
            else
                return p_error(p);
        }
        P_PUSH(p, *out, *n, cap, it);
    } while (p_accept(p, TK_COMMA));
    return true;
}

static bool limit_value(Parser *p, int64_t *out) {
    if (!p_is(p, TK_INT)) return p_error(p);
    return p_int64(p, out);
}

bool p_limit(Parser *p, int64_t *limit, int64_t *offset) {
    int64_t a;
    if (!limit_value(p, &a)) return false;
    if (p_accept(p, TK_COMMA)) { /* LIMIT offset, count */
        int64_t b;
        if (!limit_value(p, &b)) return false;
        *offset = a;
        *limit = b;
        return true;
    }
    *limit = a;
    if (p_accept_kw(p, KW_OFFSET)) return limit_value(p, offset);
    return true;
}

/* ------------------------------------------------------------------ FROM */

/* [default_catalog.][db.]name */
static bool table_name(Parser *p, char **db, char **name) {
    if (!p_qualified_name(p, db, name)) return false;
    if (*db && p_is(p, TK_DOT) && (p_is_at(p, 1, TK_IDENT) || p_is_at(p, 1, TK_QIDENT))) {
        if (strcmp(*db, "default_catalog") != 0)
            return p_fail(p, ERR_NOT_SUPPORTED,
                          "Unknown catalog '%s': cairn has only default_catalog", *db);
        p_next(p);
        *db = *name;
        *name = p_next(p)->text;
    }
    return true;
}

bool p_partition_names(Parser *p, char ***out, int *n, bool *temp) {
    *out = NULL;
    *n = 0;
    if (p_accept_kw(p, KW_TEMPORARY)) {
        if (temp) *temp = true;
    }
    if (p_accept_kw(p, KW_PARTITIONS)) return p_ident_list(p, out, n);
    if (!p_expect_kw(p, KW_PARTITION)) return false;
    if (p_is(p, TK_LPAREN)) return p_ident_list(p, out, n);
    char *one = p_ident(p);
    if (!one) return false;
    *out = arena_alloc(p->a, sizeof(char *));
    (*out)[0] = one;
    *n = 1;
    return true;
}

static bool at_partition_clause(const Parser *p) {
    return p_is_kw(p, KW_PARTITION) || p_is_kw(p, KW_PARTITIONS) ||
           (p_is_kw(p, KW_TEMPORARY) &&
            (p_is_kw_at(p, 1, KW_PARTITION) || p_is_kw_at(p, 1, KW_PARTITIONS)));
}

static bool opt_alias(Parser *p, char **alias) {
    if (p_accept_kw(p, KW_AS)) return (*alias = p_ident_or_string(p)) != NULL;
    if (p_is_ident(p)) *alias = p_next(p)->text;
    return true;
}

static TableRef *table_refs_inner(Parser *p);

static TableRef *table_factor(Parser *p) {
    const Token *t = p_peek(p);
    TableRef *r = arena_calloc(p->a, sizeof *r);
    r->line = t->line;
    r->col = t->col;
    if (p_is(p, TK_LPAREN)) {
        /* "(" opens a derived table or a parenthesised join; "((SELECT 1) AS s JOIN t)" is the
         * latter, so try the query first and fall back on failure. */
        if (p_starts_query(p) && !(p->not_derived && p->not_derived[p->pos])) {
            int save = p->pos;
            p_next(p);
            Query *q = p_query(p);
            if (q && p_accept(p, TK_RPAREN)) {
                r->kind = TREF_SUBQUERY;
                r->subquery = q;
                if (!opt_alias(p, &r->alias)) return NULL;
                return r;
            }
            const Token *first = &p->toks[save + 1];
            if (first->type == TK_IDENT && (first->kw == KW_SELECT || first->kw == KW_WITH)) {
                /* "(SELECT ..." cannot start a join: report where the derived table went wrong */
                if (!p->failed) p_error(p);
                return NULL;
            }
            if (!p->not_derived) p->not_derived = calloc((size_t)p->ntoks, 1);
            if (p->not_derived) p->not_derived[save] = 1;
            p->pos = save;
            p->failed = false;
            err_clear(p->err);
        }
        p_next(p);
        if (!p_enter(p)) return NULL;
        TableRef *inner = table_refs_inner(p);
        p_leave(p);
        if (!inner || !p_expect(p, TK_RPAREN)) return NULL;
        return inner;
    }
    r->kind = TREF_TABLE;
    if (!table_name(p, &r->db, &r->name)) return NULL;
    if (at_partition_clause(p) &&
        !p_partition_names(p, &r->partitions, &r->npartitions, &r->temp_partition))
        return NULL;
    if (!opt_alias(p, &r->alias)) return NULL;
    return r;
}

static TableRef *join_node(Parser *p, JoinType jt, TableRef *l, TableRef *r) {
    TableRef *j = arena_calloc(p->a, sizeof *j);
    j->kind = TREF_JOIN;
    j->join = jt;
    j->left = l;
    j->right = r;
    j->line = l->line;
    j->col = l->col;
    return j;
}

/* One table factor followed by any number of JOIN clauses (left-deep). */
static TableRef *table_ref(Parser *p) {
    TableRef *l = table_factor(p);
    while (l) {
        JoinType jt;
        bool cross = false;
        if (p_accept_kw(p, KW_JOIN) || p_accept_kws(p, KW_INNER, KW_JOIN)) {
            jt = JOIN_INNER;
        } else if (p_accept_kws(p, KW_CROSS, KW_JOIN)) {
            jt = JOIN_INNER;
            cross = true;
        } else if (p_is_kw(p, KW_LEFT) || p_is_kw(p, KW_RIGHT) || p_is_kw(p, KW_FULL)) {
            KwId k = p_next(p)->kw;
            jt = k == KW_LEFT ? JOIN_LEFT : k == KW_RIGHT ? JOIN_RIGHT : JOIN_FULL;
            p_accept_kw(p, KW_OUTER);
            if (!p_expect_kw(p, KW_JOIN)) return NULL;
        } else {
            break;
        }
        /* StarRocks join hints: JOIN [BROADCAST] t, JOIN [SHUFFLE] t — no meaning on one node. */
        if (p_is(p, TK_LBRACKET) && p_is_at(p, 2, TK_RBRACKET)) p->pos += 3;
        TableRef *r = table_factor(p);
        if (!r) return NULL;
        TableRef *j = join_node(p, jt, l, r);
        if (p_accept_kw(p, KW_ON)) {
            if (!(j->on = p_expr(p))) return NULL;
        } else if (p_accept_kw(p, KW_USING)) {
            if (!p_ident_list(p, &j->using_cols, &j->nusing)) return NULL;
        } else if (jt == JOIN_INNER) {
            j->join = JOIN_CROSS; /* JOIN without a condition is a cross join */
        } else {
            p_error(p);
            return NULL;
        }
        (void)cross;
        l = j;
    }
    return l;
}

static TableRef *table_refs_inner(Parser *p) {
    TableRef *l = table_ref(p);
    while (l && p_accept(p, TK_COMMA)) {
        TableRef *r = table_ref(p);
        if (!r) return NULL;
        l = join_node(p, JOIN_CROSS, l, r);
    }
    return l;
}

TableRef *p_table_refs(Parser *p) {
    return table_refs_inner(p);
}

/* ------------------------------------------------------------------ SELECT */

static bool select_item(Parser *p, SelectItem *it) {
    const Token *t = p_peek(p);
    memset(it, 0, sizeof *it);
    if (p_is(p, TK_STAR)) {
        p_next(p);
        it->expr = p_new_expr(p, EXPR_STAR, t);
    } else if ((t->type == TK_IDENT || t->type == TK_QIDENT) && p_is_at(p, 1, TK_DOT) &&
               (p_is_at(p, 2, TK_STAR) || ((p_is_at(p, 2, TK_IDENT) || p_is_at(p, 2, TK_QIDENT)) &&
                                           p_is_at(p, 3, TK_DOT) && p_is_at(p, 4, TK_STAR)))) {
        it->expr = p_new_expr(p, EXPR_STAR, t);
        if (p_is_at(p, 2, TK_STAR)) {
            it->expr->qual_table = t->text;
            p->pos += 3;
        } else {
            it->expr->qual_db = t->text;
            it->expr->qual_table = p_peek_at(p, 2)->text;
            p->pos += 5;
        }
    } else {
        if (!(it->expr = p_expr(p))) return false;
    }
    /* The whole item as written names the result column: "(a)" stays "(a)", not the inner "a". */
    it->expr->src = p_slice(p, t->start, p_prev_end(p));
    if (it->expr->kind == EXPR_STAR) return true;
    if (p_accept_kw(p, KW_AS)) return (it->alias = p_ident_or_string(p)) != NULL;
    if (p_is_ident(p) || p_is(p, TK_STRING)) it->alias = p_next(p)->text;
    return true;
}

static SelectCore *select_core(Parser *p) {
    if (!p_expect_kw(p, KW_SELECT)) return NULL;
    SelectCore *c = arena_calloc(p->a, sizeof *c);
    if (p_accept_kw(p, KW_DISTINCT))
        c->distinct = true;
    else
        p_accept_kw(p, KW_ALL);
    int cap = 0;
    do {
        SelectItem it;
        if (!select_item(p, &it)) return NULL;
        P_PUSH(p, c->items, c->nitems, cap, it);
    } while (p_accept(p, TK_COMMA));
    if (p_accept_kw(p, KW_FROM)) {
        if (!p_accept_kw(p, KW_DUAL) && !(c->from = p_table_refs(p))) return NULL;
    }
    if (p_accept_kw(p, KW_WHERE) && !(c->where = p_expr(p))) return NULL;
    if (p_accept_kw(p, KW_GROUP)) {
        if (!p_expect_kw(p, KW_BY) || !p_expr_list(p, &c->group_by, &c->ngroup)) return NULL;
    }
    if (p_accept_kw(p, KW_HAVING) && !(c->having = p_expr(p))) return NULL;
    return c;
}

static QueryBody *set_union(Parser *p);

static QueryBody *body_primary(Parser *p) {
    QueryBody *b = arena_calloc(p->a, sizeof *b);
    if (p_is(p, TK_LPAREN)) {
        p_next(p);
        Query *q = p_query(p);
        if (!q || !p_expect(p, TK_RPAREN)) return NULL;
        if (q->nctes == 0 && q->norder == 0 && q->limit < 0 && q->offset == 0) return q->body;
        b->kind = QB_QUERY;
        b->query = q;
        return b;
    }
    b->kind = QB_SELECT;
    return (b->select = select_core(p)) ? b : NULL;
}

static bool setop_quantifier(Parser *p) {
    if (p_accept_kw(p, KW_ALL)) return true;
    p_accept_kw(p, KW_DISTINCT);
    return false;
}

static QueryBody *setop_node(Parser *p, SetOpKind k, bool all, QueryBody *l, QueryBody *r) {
    QueryBody *b = arena_calloc(p->a, sizeof *b);
    b->kind = QB_SETOP;
    b->setop = k;
    b->all = all;
    b->left = l;
    b->right = r;
    return b;
}

/* INTERSECT binds tighter than UNION and EXCEPT (as in StarRocks and MySQL 8). */
static QueryBody *set_intersect(Parser *p) {
    QueryBody *l = body_primary(p);
    while (l && p_accept_kw(p, KW_INTERSECT)) {
        bool all = setop_quantifier(p);
        QueryBody *r = body_primary(p);
        if (!r) return NULL;
        l = setop_node(p, SETOP_INTERSECT, all, l, r);
    }
    return l;
}

static QueryBody *set_union(Parser *p) {
    QueryBody *l = set_intersect(p);
    while (l && (p_is_kw(p, KW_UNION) || p_is_kw(p, KW_EXCEPT) || p_is_kw(p, KW_MINUS))) {
        SetOpKind k = p_next(p)->kw == KW_UNION ? SETOP_UNION : SETOP_EXCEPT;
        bool all = setop_quantifier(p);
        QueryBody *r = set_intersect(p);
        if (!r) return NULL;
        l = setop_node(p, k, all, l, r);
    }
    return l;
}

static bool parse_ctes(Parser *p, Query *q) {
    int cap = 0;
    do {
        Cte c = {0};
        if (!(c.name = p_ident(p))) return false;
        if (p_is(p, TK_LPAREN) && !p_ident_list(p, &c.cols, &c.ncols)) return false;
        if (!p_expect_kw(p, KW_AS) || !p_expect(p, TK_LPAREN)) return false;
        if (!(c.query = p_query(p)) || !p_expect(p, TK_RPAREN)) return false;
        P_PUSH(p, q->ctes, q->nctes, cap, c);
    } while (p_accept(p, TK_COMMA));
    return true;
}

static Query *query_inner(Parser *p) {
    const Token *st = p_peek(p);
    Query *q = arena_calloc(p->a, sizeof *q);
    q->limit = -1;
    if (p_accept_kw(p, KW_WITH) && !parse_ctes(p, q)) return NULL;
    if (!(q->body = set_union(p))) return NULL;
    if (p_accept_kw(p, KW_ORDER)) {
        if (!p_expect_kw(p, KW_BY) || !p_order_by(p, &q->order_by, &q->norder)) return NULL;
    }
    if (p_accept_kw(p, KW_LIMIT) && !p_limit(p, &q->limit, &q->offset)) return NULL;
    q->src = p_slice(p, st->start, p_prev_end(p));
    return q;
}

Query *p_query(Parser *p) {
    if (!p_enter(p)) return NULL;
    Query *q = query_inner(p);
    p_leave(p);
    return q;
}

bool p_stmt_select(Parser *p, Stmt *s) {
    s->kind = STMT_SELECT;
    return (s->u.select.query = p_query(p)) != NULL;
}

/* ------------------------------------------------------------------ INSERT / DELETE / UPDATE */

static bool values_rows(Parser *p, InsertStmt *ins) {
    int cap = 0;
    p->allow_default = true;
    do {
        InsertRow row = {0};
        if (!p_expect(p, TK_LPAREN)) return false;
        if (!p_is(p, TK_RPAREN) && !p_expr_list(p, &row.values, &row.n)) return false;
        if (!p_expect(p, TK_RPAREN)) return false;
        P_PUSH(p, ins->rows, ins->nrows, cap, row);
    } while (p_accept(p, TK_COMMA));
    p->allow_default = false;
    return true;
}

bool p_stmt_insert(Parser *p, Stmt *s) {
    s->kind = STMT_INSERT;
    InsertStmt *ins = &s->u.insert;
    if (p_accept_kw(p, KW_OVERWRITE))
        ins->overwrite = true;
    else if (!p_expect_kw(p, KW_INTO))
        return false;
    p_accept_kw(p, KW_TABLE);
    if (!table_name(p, &ins->db, &ins->table)) return false;
    if (at_partition_clause(p) &&
        !p_partition_names(p, &ins->partitions, &ins->npartitions, &ins->temp_partition))
        return false;
    if (p_is_kw(p, KW_WITH) && p_is_kw_at(p, 1, KW_LABEL)) {
        p->pos += 2;
        if (!(ins->label = p_ident_or_string(p))) return false;
    }
    if (p_is(p, TK_LPAREN) && !p_starts_query(p) && !p_ident_list(p, &ins->cols, &ins->ncols))
        return false;
    if (!p_opt_properties(p, &ins->props)) return false;
    if (p_accept_kw(p, KW_VALUES)) return values_rows(p, ins);
    if (p_starts_query(p)) return (ins->query = p_query(p)) != NULL;
    return p_error(p);
}

bool p_stmt_delete(Parser *p, Stmt *s) {
    s->kind = STMT_DELETE;
    DeleteStmt *d = &s->u.del;
    if (!p_expect_kw(p, KW_FROM)) return false;
    if (!table_name(p, &d->db, &d->table)) return false;
    if (at_partition_clause(p) && !p_partition_names(p, &d->partitions, &d->npartitions, NULL))
        return false;
    if (p_accept_kw(p, KW_WHERE) && !(d->where = p_expr(p))) return false;
    return true;
}

bool p_stmt_update(Parser *p, Stmt *s) {
    s->kind = STMT_UPDATE;
    UpdateStmt *u = &s->u.update;
    if (!table_name(p, &u->db, &u->table)) return false;
    if (!p_expect_kw(p, KW_SET)) return false;
    int cap = 0;
    do {
        Assignment as = {0};
        char *db, *name;
        if (!p_qualified_name(p, &db, &name)) return false;
        as.col = name; /* t.c = ...: the qualifier can only be the updated table */
        if (!p_expect(p, TK_EQ)) return false;
        p->allow_default = true;
        as.value = p_expr(p);
        p->allow_default = false;
        if (!as.value) return false;
        P_PUSH(p, u->sets, u->nsets, cap, as);
    } while (p_accept(p, TK_COMMA));
    if (p_accept_kw(p, KW_FROM) && !(u->from = p_table_refs(p))) return false;
    if (p_accept_kw(p, KW_WHERE) && !(u->where = p_expr(p))) return false;
    return true;
}
