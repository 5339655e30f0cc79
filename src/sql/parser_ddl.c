/* DDL for databases and tables: CREATE/DROP DATABASE, CREATE TABLE (columns, indexes, key model,
 * partitioning, distribution, ORDER BY, PROPERTIES, AS SELECT, LIKE), DROP TABLE, TRUNCATE, and the
 * CREATE/DROP/ALTER dispatchers that route to the other statement families. */
#include <string.h>
#include <strings.h>

#include "sql/parser_int.h"
#include "util/str.h"

static bool if_not_exists(Parser *p) {
    if (p_is_kw(p, KW_IF) && p_is_kw_at(p, 1, KW_NOT) && p_is_kw_at(p, 2, KW_EXISTS)) {
        p->pos += 3;
        return true;
    }
    return false;
}

static bool if_exists(Parser *p) {
    return p_accept_kws(p, KW_IF, KW_EXISTS);
}

/* ------------------------------------------------------------------ databases */

bool p_create_database(Parser *p, Stmt *s) {
    s->kind = STMT_CREATE_DATABASE;
    CreateDatabaseStmt *c = &s->u.create_db;
    c->if_not_exists = if_not_exists(p);
    if (!(c->db = p_ident(p))) return false;
    return p_opt_properties(p, &c->props);
}

static bool drop_database(Parser *p, Stmt *s) {
    s->kind = STMT_DROP_DATABASE;
    DropDatabaseStmt *d = &s->u.drop_db;
    d->if_exists = if_exists(p);
    if (!(d->db = p_ident(p))) return false;
    d->force = p_accept_kw(p, KW_FORCE);
    return true;
}

/* ------------------------------------------------------------------ column definitions */

/* DEFAULT value: a literal, NULL or CURRENT_TIMESTAMP. */
static bool default_value(Parser *p, ColumnDef *c) {
    const Token *t = p_peek(p);
    if (p_accept_kw(p, KW_NULL)) {
        c->default_kind = DEFAULT_NULL;
        return true;
    }
    if (p_accept_kw(p, KW_CURRENT_TIMESTAMP) ||
        (t->type == TK_IDENT && !strcasecmp(t->text, "now") && p_is_at(p, 1, TK_LPAREN) &&
         p_next(p))) {
        if (p_accept(p, TK_LPAREN) && !p_expect(p, TK_RPAREN)) return false;
        c->default_kind = DEFAULT_CURRENT_TIMESTAMP;
        return true;
    }
    c->default_kind = DEFAULT_VALUE;
    if (t->type == TK_STRING || t->type == TK_INT || t->type == TK_DECIMAL || t->type == TK_FLOAT) {
        c->default_value = p_next(p)->text;
        return true;
    }
    if (t->type == TK_MINUS &&
        (p_is_at(p, 1, TK_INT) || p_is_at(p, 1, TK_DECIMAL) || p_is_at(p, 1, TK_FLOAT))) {
        p_next(p);
        c->default_value = arena_sprintf(p->a, "-%s", p_next(p)->text);
        return true;
    }
    if (p_is_kw(p, KW_TRUE) || p_is_kw(p, KW_FALSE)) {
        c->default_value = p_next(p)->kw == KW_TRUE ? "1" : "0";
        return true;
    }
    return p_error(p);
}

bool p_column_def(Parser *p, ColumnDef *c) {
    const Token *t = p_peek(p);
    memset(c, 0, sizeof *c);
    c->line = t->line;
    c->col = t->col;
    if (!(c->name = p_ident(p))) return false;
    if (!p_type(p, &c->type, false)) return false;
    /* Attributes in any order (StarRocks fixes an order; accepting any costs nothing). */
    for (;;) {
        const Token *a = p_peek(p);
        if (a->type != TK_IDENT) break;
        if (a->kw == KW_KEY) {
            p_next(p); /* KEY marks a key column in old syntax; the key list decides */
        } else if (a->kw == KW_NOT && p_is_kw_at(p, 1, KW_NULL)) {
            p->pos += 2;
            c->null_spec = 2;
        } else if (a->kw == KW_NULL) {
            p_next(p);
            c->null_spec = 1;
        } else if (a->kw == KW_AUTO_INCREMENT) {
            p_next(p);
            c->auto_increment = true;
        } else if (a->kw == KW_DEFAULT) {
            p_next(p);
            if (!default_value(p, c)) return false;
        } else if (a->kw == KW_COMMENT) {
            p_next(p);
            if (!(c->comment = p_string(p))) return false;
        } else if (a->kw == KW_CHARSET || (a->kw == KW_CHARACTER && p_is_kw_at(p, 1, KW_SET))) {
            p->pos +=
                a->kw == KW_CHARSET ? 1 : 2; /* utf8 is the only charset; accepted and ignored */
            if (!p_ident_or_string(p)) return false;
        } else if (a->kw == KW_COLLATE) {
            p_next(p);
            if (!p_ident_or_string(p)) return false;
        } else if (c->agg == AGG_NONE && (a->kw == KW_NONE || a->kw == KW_REPLACE) &&
                   agg_type_from_name(a->text) != AGG_NONE) {
            p_next(p);
            c->agg = agg_type_from_name(a->text);
        } else {
            break;
        }
    }
    return true;
}

static bool index_def(Parser *p, IndexDef *ix) {
    memset(ix, 0, sizeof *ix);
    if (!(ix->name = p_ident(p))) return false;
    if (!p_ident_list(p, &ix->cols, &ix->ncols)) return false;
    if (p_accept_kw(p, KW_USING)) {
        const Token *t = p_peek(p);
        if (t->type != TK_IDENT && t->type != TK_QIDENT) return p_error(p);
        ix->using_type = p_next(p)->text;
    }
    if (p_accept_kw(p, KW_COMMENT) && !(ix->comment = p_string(p))) return false;
    return true;
}

/* ------------------------------------------------------------------ partitions */

/* EVERY (INTERVAL n unit) | EVERY (n) */
static bool every_clause(Parser *p, PartitionDef *d) {
    if (!p_expect_kw(p, KW_EVERY) || !p_expect(p, TK_LPAREN)) return false;
    if (p_accept_kw(p, KW_INTERVAL)) {
        if (!p_int64(p, &d->every_n)) return false;
        const Token *u = p_peek(p);
        static const char *units[] = {"DAY",  "WEEK",   "MONTH",  "YEAR",
                                      "HOUR", "MINUTE", "SECOND", "QUARTER"};
        bool ok = false;
        for (size_t i = 0; i < sizeof units / sizeof units[0] && u->type == TK_IDENT; i++)
            if (!strcasecmp(u->text, units[i])) {
                d->every_unit = (char *)units[i];
                ok = true;
            }
        if (!ok) return p_error(p);
        p_next(p);
    } else if (!p_int64(p, &d->every_n)) {
        return false;
    }
    return p_expect(p, TK_RPAREN);
}

static bool list_values(Parser *p, PartitionDef *d) {
    int cap = 0;
    if (!p_expect(p, TK_LPAREN)) return false;
    do {
        PartTuple tu;
        if (p_is(p, TK_LPAREN)) {
            if (!p_part_tuple(p, &tu)) return false;
        } else {
            memset(&tu, 0, sizeof tu);
            const Token *t = p_peek(p);
            if (t->type == TK_MINUS && p_is_at(p, 1, TK_INT)) {
                p_next(p);
                tu.values = arena_alloc(p->a, sizeof(char *));
                tu.values[0] = arena_sprintf(p->a, "-%s", p_next(p)->text);
            } else if (t->type == TK_STRING || t->type == TK_INT || t->type == TK_DECIMAL) {
                tu.values = arena_alloc(p->a, sizeof(char *));
                tu.values[0] = p_next(p)->text;
            } else {
                return p_error(p);
            }
            tu.n = 1;
        }
        P_PUSH(p, d->values, d->nvalues, cap, tu);
    } while (p_accept(p, TK_COMMA));
    return p_expect(p, TK_RPAREN);
}

bool p_partition_def(Parser *p, PartitionDef *d, bool range) {
    const Token *t = p_peek(p);
    memset(d, 0, sizeof *d);
    d->line = t->line;
    d->col = t->col;
    if (p_accept_kw(p, KW_START)) {
        d->kind = PDEF_BATCH;
        if (!p_part_tuple(p, &d->lower)) return false;
        if (!p_expect_kw(p, KW_END) || !p_part_tuple(p, &d->upper)) return false;
        return every_clause(p, d);
    }
    if (!p_expect_kw(p, KW_PARTITION)) return false;
    d->if_not_exists = if_not_exists(p);
    if (!(d->name = p_ident(p))) return false;
    if (!p_expect_kw(p, KW_VALUES)) return false;
    if (p_accept_kw(p, KW_IN)) {
        d->kind = PDEF_LIST;
        if (!list_values(p, d)) return false;
    } else if (p_accept_kw(p, KW_LESS)) {
        d->kind = PDEF_LESS_THAN;
        if (!p_expect_kw(p, KW_THAN)) return false;
        if (p_accept_kw(p, KW_MAXVALUE))
            d->upper.maxvalue = true;
        else if (!p_part_tuple(p, &d->upper))
            return false;
    } else if (p_accept(p, TK_LBRACKET)) {
        d->kind = PDEF_FIXED;
        if (!p_part_tuple(p, &d->lower) || !p_expect(p, TK_COMMA) || !p_part_tuple(p, &d->upper))
            return false;
        if (!p_expect(p, TK_RPAREN)) return false;
    } else {
        return p_error(p);
    }
    (void)range;
    /* Per-partition properties: PARTITION p VALUES ... ("replication_num" = "1") */
    if (p_is(p, TK_LPAREN) && p_is_at(p, 1, TK_STRING) && p_is_at(p, 2, TK_EQ) &&
        !p_props(p, &d->props))
        return false;
    return true;
}

static void collect_columns(Parser *p, const Expr *e, char ***cols, int *n, int *cap) {
    if (!e) return;
    if (e->kind == EXPR_COLUMN) {
        P_PUSH(p, *cols, *n, *cap, e->text);
        return;
    }
    collect_columns(p, e->left, cols, n, cap);
    collect_columns(p, e->right, cols, n, cap);
    collect_columns(p, e->third, cols, n, cap);
    for (int i = 0; i < e->nargs; i++)
        collect_columns(p, e->args[i], cols, n, cap);
}

/* After PARTITION BY. */
static bool partition_desc(Parser *p, PartitionDesc **out) {
    PartitionDesc *pd = arena_calloc(p->a, sizeof *pd);
    *out = pd;
    bool range = p_is_kw(p, KW_RANGE), list = p_is_kw(p, KW_LIST);
    if ((range || list) && p_is_at(p, 1, TK_LPAREN)) {
        p_next(p);
        pd->type = range ? PART_RANGE : PART_LIST;
        if (!p_ident_list(p, &pd->cols, &pd->ncols)) return false;
        if (!p_expect(p, TK_LPAREN)) return false;
        int cap = 0;
        if (!p_is(p, TK_RPAREN)) {
            do {
                PartitionDef d;
                if (!p_partition_def(p, &d, range)) return false;
                P_PUSH(p, pd->defs, pd->ndefs, cap, d);
            } while (p_accept(p, TK_COMMA));
        }
        return p_expect(p, TK_RPAREN);
    }
    /* Expression partitioning: PARTITION BY date_trunc('day', c) | PARTITION BY c1, c2 | (c1, c2)
     */
    pd->type = PART_EXPR;
    if (p_is(p, TK_LPAREN)) return p_ident_list(p, &pd->cols, &pd->ncols);
    int cap = 0;
    if (p_is_ident(p) && !p_is_at(p, 1, TK_LPAREN)) {
        do {
            char *c = p_ident(p);
            if (!c) return false;
            P_PUSH(p, pd->cols, pd->ncols, cap, c);
        } while (p_accept(p, TK_COMMA));
        return true;
    }
    if (!(pd->expr = p_expr(p))) return false;
    collect_columns(p, pd->expr, &pd->cols, &pd->ncols, &cap);
    return true;
}

bool p_distribution(Parser *p, DistributionDesc **out) {
    DistributionDesc *d = arena_calloc(p->a, sizeof *d);
    *out = d;
    if (p_accept_kw(p, KW_HASH)) {
        d->type = DIST_HASH;
        if (!p_ident_list(p, &d->cols, &d->ncols)) return false;
    } else if (p_accept_kw(p, KW_RANDOM)) {
        d->type = DIST_RANDOM;
    } else {
        return p_error(p);
    }
    if (p_accept_kw(p, KW_BUCKETS)) {
        int64_t n;
        if (!p_int64(p, &n)) return false;
        if (n < 1 || n > 1024 * 1024)
            return p_fail(p, ERR_PARSE, "BUCKETS must be between 1 and 1048576, got %lld",
                          (long long)n);
        d->buckets = (int)n;
    }
    return true;
}

/* ------------------------------------------------------------------ CREATE TABLE */

static bool table_elements(Parser *p, CreateTableStmt *c) {
    int ccap = 0, icap = 0;
    if (!p_expect(p, TK_LPAREN)) return false;
    do {
        if (p_accept_kw(p, KW_INDEX)) {
            IndexDef ix;
            if (!index_def(p, &ix)) return false;
            P_PUSH(p, c->indexes, c->nindexes, icap, ix);
        } else {
            ColumnDef cd;
            if (!p_column_def(p, &cd)) return false;
            P_PUSH(p, c->cols, c->ncols, ccap, cd);
        }
    } while (p_accept(p, TK_COMMA));
    return p_expect(p, TK_RPAREN);
}

static bool keys_desc(Parser *p, CreateTableStmt *c) {
    KwId k = p_next(p)->kw;
    c->keys = k == KW_DUPLICATE   ? KEYS_DUPLICATE
              : k == KW_AGGREGATE ? KEYS_AGGREGATE
              : k == KW_UNIQUE    ? KEYS_UNIQUE
                                  : KEYS_PRIMARY;
    if (!p_expect_kw(p, KW_KEY)) return false;
    return p_ident_list(p, &c->key_cols, &c->nkey_cols);
}

bool p_create_table(Parser *p, Stmt *s) {
    s->kind = STMT_CREATE_TABLE;
    CreateTableStmt *c = &s->u.create_table;
    c->if_not_exists = if_not_exists(p);
    if (!p_qualified_name(p, &c->db, &c->name)) return false;
    if (p_accept_kw(p, KW_LIKE)) return p_qualified_name(p, &c->like_db, &c->like_table);
    if (p_is(p, TK_LPAREN) && !p_starts_query(p) && !table_elements(p, c)) return false;
    bool seen_engine = false, seen_keys = false, seen_comment = false, seen_part = false,
         seen_dist = false, seen_order = false, seen_props = false;
    for (;;) {
        const Token *t = p_peek(p);
        if (t->type != TK_IDENT) break;
        if (t->kw == KW_ENGINE && !seen_engine) {
            p_next(p);
            seen_engine = true;
            if (!p_expect(p, TK_EQ)) return false;
            if (!(c->engine = p_ident(p))) return false;
        } else if ((t->kw == KW_DUPLICATE || t->kw == KW_AGGREGATE || t->kw == KW_UNIQUE ||
                    t->kw == KW_PRIMARY) &&
                   p_is_kw_at(p, 1, KW_KEY) && !seen_keys) {
            seen_keys = true;
            if (!keys_desc(p, c)) return false;
        } else if (t->kw == KW_COMMENT && !seen_comment) {
            p_next(p);
            seen_comment = true;
            p_accept(p, TK_EQ);
            if (!(c->comment = p_string(p))) return false;
        } else if (t->kw == KW_PARTITION && p_is_kw_at(p, 1, KW_BY) && !seen_part) {
            p->pos += 2;
            seen_part = true;
            if (!partition_desc(p, &c->partition)) return false;
        } else if (t->kw == KW_DISTRIBUTED && !seen_dist) {
            p_next(p);
            seen_dist = true;
            if (!p_expect_kw(p, KW_BY) || !p_distribution(p, &c->distribution)) return false;
        } else if (t->kw == KW_ORDER && p_is_kw_at(p, 1, KW_BY) && !seen_order) {
            p->pos += 2;
            seen_order = true;
            if (!p_ident_list(p, &c->order_by, &c->norder_by)) return false;
        } else if (t->kw == KW_PROPERTIES && !seen_props) {
            p_next(p);
            seen_props = true;
            if (!p_props(p, &c->props)) return false;
        } else {
            break;
        }
    }
    if (p_accept_kw(p, KW_AS)) {
        if (!(c->as_select = p_query(p))) return false;
    } else if (c->ncols == 0) {
        /* Neither columns nor AS SELECT: point at what came instead. */
        return p_error(p);
    }
    return true;
}

static bool drop_table(Parser *p, Stmt *s, StmtKind kind) {
    s->kind = kind;
    DropTableStmt *d = &s->u.drop_table;
    d->if_exists = if_exists(p);
    if (!p_qualified_name(p, &d->db, &d->name)) return false;
    d->force = p_accept_kw(p, KW_FORCE);
    return true;
}

bool p_stmt_truncate(Parser *p, Stmt *s) {
    s->kind = STMT_TRUNCATE;
    TruncateStmt *t = &s->u.truncate;
    p_accept_kw(p, KW_TABLE);
    if (!p_qualified_name(p, &t->db, &t->name)) return false;
    if ((p_is_kw(p, KW_PARTITION) || p_is_kw(p, KW_PARTITIONS)) &&
        !p_partition_names(p, &t->partitions, &t->npartitions, NULL))
        return false;
    return true;
}

/* ------------------------------------------------------------------ dispatchers */

bool p_stmt_create(Parser *p, Stmt *s) {
    if (p_accept_kw(p, KW_DATABASE) || p_accept_kw(p, KW_SCHEMA)) return p_create_database(p, s);
    if (p_accept_kw(p, KW_TABLE)) return p_create_table(p, s);
    if (p_accept_kw(p, KW_USER)) return p_create_user(p, s);
    if (p_accept_kw(p, KW_ROLE)) return p_create_role(p, s);
    if (p_accept_kw(p, KW_VIEW)) return p_create_view(p, s, false);
    if (p_is_kw(p, KW_OR) && p_is_kw_at(p, 1, KW_REPLACE) && p_is_kw_at(p, 2, KW_VIEW)) {
        p->pos += 3;
        return p_create_view(p, s, true);
    }
    if (p_accept_kws(p, KW_MATERIALIZED, KW_VIEW)) return p_create_mv(p, s);
    if (p_accept_kw(p, KW_REPOSITORY)) return p_create_repository(p, s, false);
    if (p_is_kw(p, KW_READ) && p_is_kw_at(p, 1, KW_ONLY) && p_is_kw_at(p, 2, KW_REPOSITORY)) {
        p->pos += 3;
        return p_create_repository(p, s, true);
    }
    if (p_is_kw(p, KW_EXTERNAL) && p_is_kw_at(p, 1, KW_TABLE))
        return p_fail(p, ERR_NOT_SUPPORTED,
                      "External tables are not supported; create an OLAP table");
    return p_error(p);
}

bool p_stmt_drop(Parser *p, Stmt *s) {
    if (p_accept_kw(p, KW_DATABASE) || p_accept_kw(p, KW_SCHEMA)) return drop_database(p, s);
    if (p_accept_kw(p, KW_TABLE)) return drop_table(p, s, STMT_DROP_TABLE);
    if (p_accept_kw(p, KW_USER)) return p_drop_user(p, s);
    if (p_accept_kw(p, KW_ROLE)) return p_drop_role(p, s);
    if (p_accept_kw(p, KW_VIEW)) return drop_table(p, s, STMT_DROP_VIEW);
    if (p_accept_kws(p, KW_MATERIALIZED, KW_VIEW)) return p_drop_mv(p, s);
    if (p_accept_kw(p, KW_REPOSITORY)) return p_drop_repository(p, s);
    if (p_accept_kw(p, KW_SNAPSHOT)) return p_drop_snapshot(p, s);
    return p_error(p);
}
