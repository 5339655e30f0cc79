/* AST → SQL text (see ast_print.h). Precedence levels mirror parser_expr.c so that printing then
 * re-parsing gives the same tree; a child is parenthesised only when it binds looser than its slot.
 */
#include "sql/ast_print.h"

#include <ctype.h>
#include <string.h>

#include "sql/lexer.h"

enum {
    PREC_OR = 1,
    PREC_XOR,
    PREC_AND,
    PREC_NOT,
    PREC_PRED, /* comparisons, IS, BETWEEN, IN, LIKE */
    PREC_BITOR,
    PREC_BITAND,
    PREC_SHIFT,
    PREC_ADD,
    PREC_MUL,
    PREC_BITXOR,
    PREC_UNARY,
    PREC_PRIMARY
};

static void print_query(const Query *q, StrBuf *out);

void ast_print_ident(const char *name, StrBuf *out) {
    bool plain = name[0] && (isalpha((unsigned char)name[0]) || name[0] == '_');
    for (const char *c = name; plain && *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '$') plain = false;
    if (plain && sql_kw_reserved(sql_kw_lookup(name, strlen(name)))) plain = false;
    if (plain)
        sb_append(out, name);
    else
        sb_append_ident(out, name);
}

static void print_string(const char *s, size_t n, StrBuf *out) {
    sb_putc(out, '\'');
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        switch (c) {
        case '\'':
            sb_append(out, "\\'");
            break;
        case '\\':
            /* \% and \_ were kept as two characters by the lexer; print them back unchanged. */
            if (i + 1 < n && (s[i + 1] == '%' || s[i + 1] == '_'))
                sb_putc(out, '\\');
            else
                sb_append(out, "\\\\");
            break;
        case '\n':
            sb_append(out, "\\n");
            break;
        case '\r':
            sb_append(out, "\\r");
            break;
        case '\t':
            sb_append(out, "\\t");
            break;
        case '\0':
            sb_append(out, "\\0");
            break;
        case '\032':
            sb_append(out, "\\Z");
            break;
        case '\b':
            sb_append(out, "\\b");
            break;
        default:
            sb_putc(out, c);
        }
    }
    sb_putc(out, '\'');
}

void ast_print_type(const DataType *t, StrBuf *out) {
    switch (t->id) {
    case TYPE_DECIMAL:
        sb_appendf(out, "DECIMAL(%d, %d)", t->precision, t->scale);
        break;
    case TYPE_CHAR:
        sb_appendf(out, "CHAR(%d)", t->len);
        break;
    case TYPE_VARCHAR:
        sb_appendf(out, "VARCHAR(%d)", t->len);
        break;
    default:
        sb_append(out, type_name(t->id));
    }
}

static const char *binop_text(ExprOp op) {
    switch (op) {
    case OP_ADD:
        return "+";
    case OP_SUB:
        return "-";
    case OP_MUL:
        return "*";
    case OP_DIV:
        return "/";
    case OP_INTDIV:
        return "DIV";
    case OP_MOD:
        return "%";
    case OP_EQ:
        return "=";
    case OP_NE:
        return "<>";
    case OP_LT:
        return "<";
    case OP_LE:
        return "<=";
    case OP_GT:
        return ">";
    case OP_GE:
        return ">=";
    case OP_NULL_SAFE_EQ:
        return "<=>";
    case OP_AND:
        return "AND";
    case OP_OR:
        return "OR";
    case OP_XOR:
        return "XOR";
    case OP_BITAND:
        return "&";
    case OP_BITOR:
        return "|";
    case OP_BITXOR:
        return "^";
    case OP_SHL:
        return "<<";
    case OP_SHR:
        return ">>";
    case OP_CONCAT:
        return "||";
    default:
        return "?";
    }
}

static int binop_prec(ExprOp op) {
    switch (op) {
    case OP_OR:
    case OP_CONCAT:
        return PREC_OR;
    case OP_XOR:
        return PREC_XOR;
    case OP_AND:
        return PREC_AND;
    case OP_EQ:
    case OP_NE:
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
    case OP_NULL_SAFE_EQ:
        return PREC_PRED;
    case OP_BITOR:
        return PREC_BITOR;
    case OP_BITAND:
        return PREC_BITAND;
    case OP_SHL:
    case OP_SHR:
        return PREC_SHIFT;
    case OP_ADD:
    case OP_SUB:
        return PREC_ADD;
    case OP_MUL:
    case OP_DIV:
    case OP_INTDIV:
    case OP_MOD:
        return PREC_MUL;
    case OP_BITXOR:
        return PREC_BITXOR;
    default:
        return PREC_PRIMARY;
    }
}

static int expr_prec(const Expr *e) {
    switch (e->kind) {
    case EXPR_BINARY:
        return binop_prec(e->op);
    case EXPR_UNARY:
        return e->op == OP_NOT ? PREC_NOT : PREC_UNARY;
    case EXPR_IN_LIST:
    case EXPR_IN_SUBQUERY:
    case EXPR_BETWEEN:
    case EXPR_LIKE:
    case EXPR_IS_NULL:
    case EXPR_IS_BOOL:
        return PREC_PRED;
    case EXPR_INT:
    case EXPR_DECIMAL:
    case EXPR_FLOAT:
        /* A negative literal prints with its sign: it binds like a unary minus. */
        return e->text && e->text[0] == '-' ? PREC_UNARY : PREC_PRIMARY;
    default:
        return PREC_PRIMARY;
    }
}

static void print_expr(const Expr *e, StrBuf *out);

static void print_child(const Expr *e, int min_prec, StrBuf *out) {
    if (expr_prec(e) < min_prec) {
        sb_putc(out, '(');
        print_expr(e, out);
        sb_putc(out, ')');
    } else {
        print_expr(e, out);
    }
}

static void print_list(Expr *const *items, int n, StrBuf *out) {
    for (int i = 0; i < n; i++) {
        if (i) sb_append(out, ", ");
        print_expr(items[i], out);
    }
}

static void print_qualified(const char *db, const char *table, StrBuf *out) {
    if (db) {
        ast_print_ident(db, out);
        sb_putc(out, '.');
    }
    if (table) {
        ast_print_ident(table, out);
        sb_putc(out, '.');
    }
}

/* A function name as the parser stored it ("f", "db.f"): each part bare when it reads back as a
 * call name (LEFT, date, my_udf), backquoted otherwise. */
static void print_func_name(const char *name, StrBuf *out) {
    const char *dot = strchr(name, '.');
    size_t n = dot ? (size_t)(dot - name) : strlen(name);
    bool plain = n > 0 && (isalpha((unsigned char)name[0]) || name[0] == '_');
    for (size_t i = 0; plain && i < n; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '$') plain = false;
    if (plain && !sql_kw_callable(sql_kw_lookup(name, n))) plain = false;
    if (plain) {
        sb_appendn(out, name, n);
    } else {
        sb_putc(out, '`');
        for (size_t i = 0; i < n; i++) {
            if (name[i] == '`') sb_putc(out, '`');
            sb_putc(out, name[i]);
        }
        sb_putc(out, '`');
    }
    if (dot) {
        sb_putc(out, '.');
        print_func_name(dot + 1, out);
    }
}

static void print_expr(const Expr *e, StrBuf *out) {
    switch (e->kind) {
    case EXPR_NULL:
        sb_append(out, "NULL");
        break;
    case EXPR_BOOL:
        sb_append(out, e->ival ? "TRUE" : "FALSE");
        break;
    case EXPR_INT:
    case EXPR_DECIMAL:
    case EXPR_FLOAT:
        if (e->text)
            sb_append(out, e->text);
        else
            sb_appendf(out, "%lld", (long long)e->ival);
        break;
    case EXPR_STRING:
        print_string(e->text, (size_t)e->ival, out);
        break;
    case EXPR_DATE:
        sb_append(out, "DATE ");
        print_string(e->text, strlen(e->text), out);
        break;
    case EXPR_DATETIME:
        sb_append(out, "DATETIME ");
        print_string(e->text, strlen(e->text), out);
        break;
    case EXPR_COLUMN:
        print_qualified(e->qual_db, e->qual_table, out);
        ast_print_ident(e->text, out);
        break;
    case EXPR_STAR:
        print_qualified(e->qual_db, e->qual_table, out);
        sb_putc(out, '*');
        break;
    case EXPR_VARIABLE:
        if (e->scope == VAR_USER) {
            sb_putc(out, '@');
            ast_print_ident(e->text, out);
        } else {
            sb_append(out, e->scope == VAR_GLOBAL    ? "@@global."
                           : e->scope == VAR_SESSION ? "@@session."
                                                     : "@@");
            sb_append(out, e->text);
        }
        break;
    case EXPR_UNARY:
        if (e->op == OP_NOT) {
            sb_append(out, "NOT ");
            print_child(e->left, PREC_NOT, out);
        } else {
            sb_append(out, e->op == OP_NEG ? "-" : e->op == OP_PLUS ? "+" : "~");
            /* A space keeps "- -x" from reading as a "--" comment or as one folded literal. */
            int cp = expr_prec(e->left);
            if (cp == PREC_UNARY) sb_putc(out, ' ');
            print_child(e->left, PREC_UNARY, out);
        }
        break;
    case EXPR_BINARY: {
        int pr = binop_prec(e->op);
        print_child(e->left, pr, out);
        sb_putc(out, ' ');
        sb_append(out, binop_text(e->op));
        sb_putc(out, ' ');
        print_child(e->right, pr + 1, out);
        break;
    }
    case EXPR_FUNC:
        print_func_name(e->text, out);
        sb_putc(out, '(');
        if (e->is_star) {
            sb_putc(out, '*');
        } else {
            if (e->distinct) sb_append(out, "DISTINCT ");
            print_list(e->args, e->nargs, out);
        }
        sb_putc(out, ')');
        break;
    case EXPR_CASE:
        sb_append(out, "CASE");
        if (e->left) {
            sb_putc(out, ' ');
            print_expr(e->left, out);
        }
        for (int i = 0; i + 1 < e->nargs; i += 2) {
            sb_append(out, " WHEN ");
            print_expr(e->args[i], out);
            sb_append(out, " THEN ");
            print_expr(e->args[i + 1], out);
        }
        if (e->right) {
            sb_append(out, " ELSE ");
            print_expr(e->right, out);
        }
        sb_append(out, " END");
        break;
    case EXPR_CAST:
        sb_append(out, "CAST(");
        print_expr(e->left, out);
        sb_append(out, " AS ");
        ast_print_type(&e->cast_type, out);
        sb_putc(out, ')');
        break;
    case EXPR_IN_LIST:
    case EXPR_IN_SUBQUERY:
        print_child(e->left, PREC_PRED, out);
        sb_append(out, e->negated ? " NOT IN (" : " IN (");
        if (e->kind == EXPR_IN_LIST)
            print_list(e->args, e->nargs, out);
        else
            print_query(e->subquery, out);
        sb_putc(out, ')');
        break;
    case EXPR_EXISTS:
        sb_append(out, e->negated ? "NOT EXISTS (" : "EXISTS (");
        print_query(e->subquery, out);
        sb_putc(out, ')');
        break;
    case EXPR_SUBQUERY:
        sb_putc(out, '(');
        print_query(e->subquery, out);
        sb_putc(out, ')');
        break;
    case EXPR_BETWEEN:
        print_child(e->left, PREC_PRED, out);
        sb_append(out, e->negated ? " NOT BETWEEN " : " BETWEEN ");
        print_child(e->right, PREC_BITOR, out);
        sb_append(out, " AND ");
        print_child(e->third, PREC_BITOR, out);
        break;
    case EXPR_LIKE:
        print_child(e->left, PREC_PRED, out);
        sb_append(out, e->negated ? " NOT " : " ");
        sb_append(out, e->ival ? "REGEXP " : "LIKE ");
        print_child(e->right, PREC_BITOR, out);
        if (e->third) {
            sb_append(out, " ESCAPE ");
            print_child(e->third, PREC_PRIMARY, out);
        }
        break;
    case EXPR_IS_NULL:
        print_child(e->left, PREC_PRED, out);
        sb_append(out, e->negated ? " IS NOT NULL" : " IS NULL");
        break;
    case EXPR_IS_BOOL:
        print_child(e->left, PREC_PRED, out);
        sb_append(out, e->negated ? " IS NOT " : " IS ");
        sb_append(out, e->ival ? "TRUE" : "FALSE");
        break;
    case EXPR_INTERVAL:
        sb_append(out, "INTERVAL ");
        print_child(e->left, PREC_PRIMARY, out);
        sb_putc(out, ' ');
        sb_append(out, e->text);
        break;
    case EXPR_DEFAULT:
        sb_append(out, "DEFAULT");
        break;
    case EXPR_ROW:
        sb_putc(out, '(');
        print_list(e->args, e->nargs, out);
        sb_putc(out, ')');
        break;
    }
}

void ast_print_expr(const Expr *e, StrBuf *out) {
    print_expr(e, out);
}

/* ------------------------------------------------------------------ queries */

static void print_names(char *const *names, int n, StrBuf *out) {
    sb_putc(out, '(');
    for (int i = 0; i < n; i++) {
        if (i) sb_append(out, ", ");
        ast_print_ident(names[i], out);
    }
    sb_putc(out, ')');
}

static void print_table_ref(const TableRef *r, StrBuf *out) {
    switch (r->kind) {
    case TREF_TABLE:
        print_qualified(r->db, NULL, out);
        ast_print_ident(r->name, out);
        if (r->npartitions) {
            sb_append(out, r->temp_partition ? " TEMPORARY PARTITION " : " PARTITION ");
            print_names(r->partitions, r->npartitions, out);
        }
        break;
    case TREF_SUBQUERY:
        sb_putc(out, '(');
        print_query(r->subquery, out);
        sb_putc(out, ')');
        break;
    case TREF_JOIN: {
        static const char *names[] = {[JOIN_INNER] = " JOIN ",
                                      [JOIN_LEFT] = " LEFT JOIN ",
                                      [JOIN_RIGHT] = " RIGHT JOIN ",
                                      [JOIN_FULL] = " FULL JOIN ",
                                      [JOIN_CROSS] = " CROSS JOIN "};
        print_table_ref(r->left, out);
        sb_append(out, names[r->join]);
        /* Joins nest to the left; a join on the right needs parentheses. */
        if (r->right->kind == TREF_JOIN) sb_putc(out, '(');
        print_table_ref(r->right, out);
        if (r->right->kind == TREF_JOIN) sb_putc(out, ')');
        if (r->on) {
            sb_append(out, " ON ");
            print_expr(r->on, out);
        } else if (r->nusing) {
            sb_append(out, " USING ");
            print_names(r->using_cols, r->nusing, out);
        }
        return;
    }
    }
    if (r->alias) {
        sb_append(out, " AS ");
        ast_print_ident(r->alias, out);
    }
}

static void print_select(const SelectCore *c, StrBuf *out) {
    sb_append(out, c->distinct ? "SELECT DISTINCT " : "SELECT ");
    for (int i = 0; i < c->nitems; i++) {
        if (i) sb_append(out, ", ");
        print_expr(c->items[i].expr, out);
        if (c->items[i].alias) {
            sb_append(out, " AS ");
            ast_print_ident(c->items[i].alias, out);
        }
    }
    if (c->from) {
        sb_append(out, " FROM ");
        print_table_ref(c->from, out);
    }
    if (c->where) {
        sb_append(out, " WHERE ");
        print_expr(c->where, out);
    }
    if (c->ngroup) {
        sb_append(out, " GROUP BY ");
        print_list(c->group_by, c->ngroup, out);
    }
    if (c->having) {
        sb_append(out, " HAVING ");
        print_expr(c->having, out);
    }
}

static void print_body(const QueryBody *b, StrBuf *out);

static void print_body_child(const QueryBody *child, bool wrap, StrBuf *out) {
    if (wrap) sb_putc(out, '(');
    print_body(child, out);
    if (wrap) sb_putc(out, ')');
}

static void print_body(const QueryBody *b, StrBuf *out) {
    switch (b->kind) {
    case QB_SELECT:
        print_select(b->select, out);
        break;
    case QB_QUERY:
        sb_putc(out, '(');
        print_query(b->query, out);
        sb_putc(out, ')');
        break;
    case QB_SETOP: {
        /* INTERSECT binds tighter than UNION/EXCEPT; every set operation is left-associative. */
        bool left_wrap = b->left->kind == QB_SETOP && b->setop == SETOP_INTERSECT &&
                         b->left->setop != SETOP_INTERSECT;
        bool right_wrap = b->right->kind == QB_SETOP;
        print_body_child(b->left, left_wrap, out);
        sb_append(out, b->setop == SETOP_UNION       ? " UNION "
                       : b->setop == SETOP_INTERSECT ? " INTERSECT "
                                                     : " EXCEPT ");
        if (b->all) sb_append(out, "ALL ");
        print_body_child(b->right, right_wrap, out);
        break;
    }
    }
}

static void print_query(const Query *q, StrBuf *out) {
    if (q->nctes) {
        sb_append(out, "WITH ");
        for (int i = 0; i < q->nctes; i++) {
            const Cte *c = &q->ctes[i];
            if (i) sb_append(out, ", ");
            ast_print_ident(c->name, out);
            if (c->ncols) {
                sb_putc(out, ' ');
                print_names(c->cols, c->ncols, out);
            }
            sb_append(out, " AS (");
            print_query(c->query, out);
            sb_putc(out, ')');
        }
        sb_putc(out, ' ');
    }
    print_body(q->body, out);
    if (q->norder) {
        sb_append(out, " ORDER BY ");
        for (int i = 0; i < q->norder; i++) {
            const OrderItem *o = &q->order_by[i];
            if (i) sb_append(out, ", ");
            print_expr(o->expr, out);
            if (o->desc) sb_append(out, " DESC");
            if (o->nulls == 1) sb_append(out, " NULLS FIRST");
            if (o->nulls == 2) sb_append(out, " NULLS LAST");
        }
    }
    if (q->limit >= 0) {
        sb_appendf(out, " LIMIT %lld", (long long)q->limit);
        if (q->offset) sb_appendf(out, " OFFSET %lld", (long long)q->offset);
    } else if (q->offset) {
        /* OFFSET needs a LIMIT in MySQL syntax: the largest count stands for "all". */
        sb_appendf(out, " LIMIT %lld, 9223372036854775807", (long long)q->offset);
    }
}

void ast_print_query(const Query *q, StrBuf *out) {
    print_query(q, out);
}
