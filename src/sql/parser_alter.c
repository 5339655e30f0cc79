/* ALTER TABLE (comma-separated operations on partitions, columns, rollups, properties, name,
 * comment, swap), logical views (CREATE [OR REPLACE] VIEW, ALTER VIEW, DROP VIEW goes through
 * parser_ddl.c), and the ALTER dispatcher. */
#include <string.h>

#include "sql/parser_int.h"

static bool if_exists(Parser *p) {
    return p_accept_kws(p, KW_IF, KW_EXISTS);
}

/* [AFTER c | FIRST] */
static bool column_position(Parser *p, AlterOp *op) {
    if (p_accept_kw(p, KW_AFTER)) return (op->after = p_ident(p)) != NULL;
    op->first = p_accept_kw(p, KW_FIRST);
    return true;
}

static AlterOp *new_op(Parser *p, AlterTableStmt *a, int *cap, AlterOpKind kind) {
    AlterOp op;
    memset(&op, 0, sizeof op);
    op.kind = kind;
    P_PUSH(p, a->ops, a->nops, *cap, op);
    return &a->ops[a->nops - 1];
}

static bool alter_add(Parser *p, AlterTableStmt *a, int *cap) {
    if (p_accept_kw(p, KW_COLUMN)) {
        if (p_accept(p, TK_LPAREN)) { /* ADD COLUMN (c1 INT, c2 INT): one operation per column */
            do {
                AlterOp *op = new_op(p, a, cap, ALTER_ADD_COLUMN);
                op->column = arena_alloc(p->a, sizeof(ColumnDef));
                if (!p_column_def(p, op->column)) return false;
            } while (p_accept(p, TK_COMMA));
            return p_expect(p, TK_RPAREN);
        }
        AlterOp *op = new_op(p, a, cap, ALTER_ADD_COLUMN);
        op->column = arena_alloc(p->a, sizeof(ColumnDef));
        return p_column_def(p, op->column) && column_position(p, op);
    }
    if (p_accept_kw(p, KW_ROLLUP)) {
        AlterOp *op = new_op(p, a, cap, ALTER_ADD_ROLLUP);
        if (!(op->name = p_ident(p)) || !p_ident_list(p, &op->cols, &op->ncols)) return false;
        return p_opt_properties(p, &op->props);
    }
    bool temp = p_is_kw(p, KW_TEMPORARY) && p_is_kw_at(p, 1, KW_PARTITION);
    if (temp) p_next(p);
    if (p_is_kw(p, KW_PARTITION) || p_is_kw(p, KW_PARTITIONS)) {
        AlterOp *op = new_op(p, a, cap, ALTER_ADD_PARTITION);
        op->temporary = temp;
        op->part = arena_alloc(p->a, sizeof(PartitionDef));
        if (p_accept_kw(p, KW_PARTITIONS)) {
            if (!p_is_kw(p, KW_START)) return p_error(p);
        }
        if (!p_partition_def(p, op->part, true)) return false;
        if (p_accept_kw(p, KW_DISTRIBUTED)) {
            if (!p_expect_kw(p, KW_BY) || !p_distribution(p, &op->dist)) return false;
        }
        return true;
    }
    return p_error(p);
}

static bool alter_drop(Parser *p, AlterTableStmt *a, int *cap) {
    if (p_accept_kw(p, KW_COLUMN)) {
        AlterOp *op = new_op(p, a, cap, ALTER_DROP_COLUMN);
        return (op->name = p_ident(p)) != NULL;
    }
    if (p_accept_kw(p, KW_ROLLUP)) {
        AlterOp *op = new_op(p, a, cap, ALTER_DROP_ROLLUP);
        return (op->name = p_ident(p)) != NULL;
    }
    AlterOp *op = new_op(p, a, cap, ALTER_DROP_PARTITION);
    op->temporary = p_accept_kw(p, KW_TEMPORARY);
    if (!p_expect_kw(p, KW_PARTITION)) return false;
    op->if_exists = if_exists(p);
    if (!(op->name = p_ident(p))) return false;
    op->force = p_accept_kw(p, KW_FORCE);
    return true;
}

static bool alter_op(Parser *p, AlterTableStmt *a, int *cap) {
    const Token *t = p_peek(p);
    if (t->type != TK_IDENT) return p_error(p);
    AlterOp *op;
    switch (t->kw) {
    case KW_ADD:
        p_next(p);
        return alter_add(p, a, cap);
    case KW_DROP:
        p_next(p);
        return alter_drop(p, a, cap);
    case KW_RENAME:
        p_next(p);
        if (p_accept_kw(p, KW_PARTITION)) {
            op = new_op(p, a, cap, ALTER_RENAME_PARTITION);
            return (op->name = p_ident(p)) && (op->new_name = p_ident(p));
        }
        op = new_op(p, a, cap, ALTER_RENAME);
        p_accept_kw(p, KW_TO);
        return (op->new_name = p_ident(p)) != NULL;
    case KW_SET:
        p_next(p);
        op = new_op(p, a, cap, ALTER_SET_PROPERTIES);
        p_accept_kw(p, KW_PROPERTIES);
        return p_props(p, &op->props);
    case KW_MODIFY:
        p_next(p);
        if (p_accept_kw(p, KW_PARTITION)) {
            op = new_op(p, a, cap, ALTER_MODIFY_PARTITION_PROPERTIES);
            if (p_is(p, TK_LPAREN) &&
                p_is_at(p, 1, TK_STAR)) { /* MODIFY PARTITION (*): every partition */
                p->pos += 2;
                if (!p_expect(p, TK_RPAREN)) return false;
                op->name = "*";
            } else if (!(op->name = p_ident(p))) {
                return false;
            }
            return p_expect_kw(p, KW_SET) && p_props(p, &op->props);
        }
        if (!p_expect_kw(p, KW_COLUMN)) return false;
        op = new_op(p, a, cap, ALTER_MODIFY_COLUMN);
        op->column = arena_alloc(p->a, sizeof(ColumnDef));
        return p_column_def(p, op->column) && column_position(p, op);
    case KW_COMMENT:
        p_next(p);
        op = new_op(p, a, cap, ALTER_COMMENT);
        p_accept(p, TK_EQ);
        return (op->new_name = p_string(p)) != NULL;
    case KW_SWAP:
        p_next(p);
        op = new_op(p, a, cap, ALTER_SWAP);
        return p_expect_kw(p, KW_WITH) && (op->new_name = p_ident(p)) != NULL;
    default:
        return p_error(p);
    }
}

bool p_alter_table(Parser *p, Stmt *s) {
    s->kind = STMT_ALTER_TABLE;
    AlterTableStmt *a = &s->u.alter_table;
    if (!p_qualified_name(p, &a->db, &a->name)) return false;
    int cap = 0;
    do {
        if (!alter_op(p, a, &cap)) return false;
    } while (p_accept(p, TK_COMMA));
    return true;
}

/* ------------------------------------------------------------------ views */

/* (c1 [COMMENT 'x'], c2, ...) */
static bool view_columns(Parser *p, CreateViewStmt *v) {
    int cap = 0, ccap = 0, nc = 0;
    if (!p_expect(p, TK_LPAREN)) return false;
    do {
        char *name = p_ident(p);
        if (!name) return false;
        char *comment = NULL;
        if (p_accept_kw(p, KW_COMMENT) && !(comment = p_string(p))) return false;
        P_PUSH(p, v->cols, v->ncols, cap, name);
        P_PUSH(p, v->col_comments, nc, ccap, comment);
    } while (p_accept(p, TK_COMMA));
    return p_expect(p, TK_RPAREN);
}

static bool view_body(Parser *p, CreateViewStmt *v) {
    if (p_is(p, TK_LPAREN) && !p_starts_query(p) && !view_columns(p, v)) return false;
    if (p_accept_kw(p, KW_COMMENT) && !(v->comment = p_string(p))) return false;
    if (!p_expect_kw(p, KW_AS)) return false;
    return (v->query = p_query(p)) != NULL;
}

bool p_create_view(Parser *p, Stmt *s, bool or_replace) {
    s->kind = STMT_CREATE_VIEW;
    CreateViewStmt *v = &s->u.create_view;
    v->or_replace = or_replace;
    if (p_is_kw(p, KW_IF) && p_is_kw_at(p, 1, KW_NOT) && p_is_kw_at(p, 2, KW_EXISTS)) {
        p->pos += 3;
        v->if_not_exists = true;
    }
    if (!p_qualified_name(p, &v->db, &v->name)) return false;
    return view_body(p, v);
}

bool p_alter_view(Parser *p, Stmt *s) {
    s->kind = STMT_ALTER_VIEW;
    CreateViewStmt *v = &s->u.create_view;
    if (!p_qualified_name(p, &v->db, &v->name)) return false;
    return view_body(p, v);
}

bool p_stmt_alter(Parser *p, Stmt *s) {
    if (p_accept_kw(p, KW_TABLE)) return p_alter_table(p, s);
    if (p_accept_kw(p, KW_VIEW)) return p_alter_view(p, s);
    if (p_accept_kw(p, KW_USER)) return p_alter_user(p, s);
    if (p_accept_kws(p, KW_MATERIALIZED, KW_VIEW)) return p_alter_mv(p, s);
    return p_error(p);
}
