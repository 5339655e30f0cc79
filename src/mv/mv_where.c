/* The WHERE of a synchronous materialized view (a filtered rollup). The predicate is part of the
 * index's definition (CatIndex.define_sql holds the CREATE text), so it is persisted with the table
 * and travels in backups without a field of its own. Here it is checked at CREATE, extracted and
 * compiled for loads (load_sink.c) and the build job (mv_build.c), which write into the index only
 * the rows it holds TRUE, and split into normalised conjuncts for the rollup rewrite
 * (mv_rewrite.c). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mv/mv.h"
#include "mv/mv_int.h"
#include "sql/ast_print.h"
#include "sql/parser.h"
#include "util/strbuf.h"

/* Functions whose value depends on when, where or by whom they run: a row kept or left out at load
 * time would disagree with the same predicate evaluated by a later query. */
static const char *const VOLATILE_FNS[] = {"now",
                                           "current_timestamp",
                                           "localtime",
                                           "localtimestamp",
                                           "sysdate",
                                           "curdate",
                                           "current_date",
                                           "curtime",
                                           "current_time",
                                           "utc_timestamp",
                                           "utc_date",
                                           "utc_time",
                                           "unix_timestamp",
                                           "rand",
                                           "random",
                                           "uuid",
                                           "uuid_numeric",
                                           "database",
                                           "schema",
                                           "user",
                                           "session_user",
                                           "system_user",
                                           "current_user",
                                           "current_role",
                                           "connection_id",
                                           "last_insert_id",
                                           "found_rows"};

static bool is_volatile_fn(const char *name) {
    for (size_t i = 0; name && i < sizeof VOLATILE_FNS / sizeof VOLATILE_FNS[0]; i++)
        if (!strcasecmp(name, VOLATILE_FNS[i])) return true;
    return false;
}

/* ---------------------------------------------------------------- normalised copies */

typedef struct Norm {
    const CatTable *t; /* columns take t's spelling; NULL: names kept as written */
    const char *qual;  /* the only table qualifier allowed; NULL: any (stored predicates) */
    Arena *a;
    bool ok; /* false once something is not a column of t (or names another table) */
} Norm;

/* A copy of e without column qualifiers (and, with n->t, with canonical names). */
static Expr *norm_copy(Norm *n, const Expr *e) {
    if (!e) return NULL;
    Expr *x = arena_memdup(n->a, e, sizeof *e);
    switch (e->kind) {
    case EXPR_COLUMN:
        if (e->qual_table && n->qual && strcmp(e->qual_table, n->qual) != 0) n->ok = false;
        if (n->t) {
            int col = catalog_find_column(n->t, e->text);
            if (col < 0)
                n->ok = false;
            else
                x->text = n->t->cols[col].name;
        }
        x->qual_db = NULL;
        x->qual_table = NULL;
        return x;
    case EXPR_FUNC:
        if (n->t && e->text) {
            x->text = arena_strdup(n->a, e->text);
            for (char *p = x->text; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        }
        break;
    case EXPR_SUBQUERY:
    case EXPR_EXISTS:
    case EXPR_IN_SUBQUERY:
    case EXPR_STAR:
        n->ok = false;
        break;
    default:
        break;
    }
    x->left = norm_copy(n, e->left);
    x->right = norm_copy(n, e->right);
    x->third = norm_copy(n, e->third);
    if (e->nargs) {
        x->args = arena_alloc(n->a, sizeof(Expr *) * (size_t)e->nargs);
        for (int i = 0; i < e->nargs; i++)
            x->args[i] = norm_copy(n, e->args[i]);
    }
    return x;
}

static int count_conjuncts(const Expr *e) {
    if (!e) return 0;
    if (e->kind == EXPR_BINARY && e->op == OP_AND)
        return count_conjuncts(e->left) + count_conjuncts(e->right);
    return 1;
}

static void collect_conjuncts(Expr *e, Expr **out, int *n) {
    if (e->kind == EXPR_BINARY && e->op == OP_AND) {
        collect_conjuncts(e->left, out, n);
        collect_conjuncts(e->right, out, n);
        return;
    }
    out[(*n)++] = e;
}

int mv_where_split(const CatTable *t, const TableRef *from, const Expr *e, Arena *a, Expr ***conj,
                   char ***texts) {
    int total = count_conjuncts(e);
    *conj = arena_alloc(a, sizeof(Expr *) * (size_t)(total ? total : 1));
    *texts = arena_alloc(a, sizeof(char *) * (size_t)(total ? total : 1));
    if (!total) return 0;
    int n = 0;
    collect_conjuncts((Expr *)e, *conj, &n);
    for (int i = 0; i < n; i++) {
        Norm nm = {t, from ? (from->alias ? from->alias : from->name) : NULL, a, true};
        Expr *x = norm_copy(&nm, (*conj)[i]);
        (*texts)[i] = NULL;
        if (!nm.ok) continue;
        StrBuf sb = STRBUF_INIT;
        ast_print_expr(x, &sb);
        (*texts)[i] = arena_strdup(a, sb_str(&sb));
        sb_free(&sb);
    }
    return n;
}

/* ---------------------------------------------------------------- the stored predicate */

Status mv_sync_where(const char *index_name, const char *define_sql, Arena *a, Expr **out,
                     Error *err) {
    *out = NULL;
    /* every query on the table asks: most definitions have no WHERE, and then no parse is needed */
    if (!define_sql || !strcasestr(define_sql, "where")) return STATUS_OK;
    /* mv_sync_create writes "CREATE MATERIALIZED VIEW <name> AS <query as written>": parse the
     * query alone, so a name that would need quoting cannot get in the way; anything else is parsed
     * whole */
    StrBuf prefix = STRBUF_INIT;
    sb_appendf(&prefix, "CREATE MATERIALIZED VIEW %s AS ", index_name ? index_name : "");
    size_t plen = strlen(sb_str(&prefix)), len = strlen(define_sql);
    bool plain = len >= plen && !strncmp(define_sql, sb_str(&prefix), plen);
    sb_free(&prefix);
    Query *q = NULL;
    Status st;
    if (plain) {
        st = sql_parse_query(a, define_sql + plen, len - plen, &q, err);
    } else {
        Stmt **stmts = NULL;
        int n = 0;
        st = sql_parse(a, define_sql, len, &stmts, &n, err);
        if (!st && (n != 1 || stmts[0]->kind != STMT_CREATE_MV))
            st = err_set(err, ERR_INTERNAL, "the stored text is not one CREATE MATERIALIZED VIEW");
        if (!st) q = stmts[0]->u.create_mv.query;
    }
    if (st)
        return err_prefix(err, "definition of synchronous materialized view '%s': ",
                          index_name ? index_name : "?");
    const SelectCore *core = q && q->body && q->body->kind == QB_SELECT ? q->body->select : NULL;
    if (!core || !core->where) return STATUS_OK;
    Norm nm = {NULL, NULL, a, true};
    *out = norm_copy(&nm, core->where);
    return STATUS_OK;
}

Status mv_sync_filter(const char *index_name, const char *define_sql, const ExecColumnDesc *cols,
                      int ncols, Arena *a, ExecPredicate **out, Error *err) {
    *out = NULL;
    Expr *where = NULL;
    if (mv_sync_where(index_name, define_sql, a, &where, err)) return STATUS_ERROR;
    if (!where) return STATUS_OK;
    if (exec_predicate_compile(NULL, where, cols, ncols, a, out, err))
        return err_prefix(
            err, "WHERE of synchronous materialized view '%s': ", index_name ? index_name : "?");
    return STATUS_OK;
}

/* ---------------------------------------------------------------- CREATE */

/* Refuses what a row filter applied at load time cannot honour (first offence wins). */
static Status check_terms(const Expr *e, const char *qual, Error *err) {
    if (!e) return STATUS_OK;
    StrBuf sb = STRBUF_INIT;
    Status st = STATUS_OK;
    switch (e->kind) {
    case EXPR_SUBQUERY:
    case EXPR_EXISTS:
    case EXPR_IN_SUBQUERY:
        st = err_set(err, ERR_COMMON,
                     "The WHERE of a synchronous materialized view takes no subquery: create an "
                     "asynchronous materialized view (REFRESH ASYNC) for that");
        break;
    case EXPR_VARIABLE:
        ast_print_expr(e, &sb);
        st = err_set(err, ERR_COMMON,
                     "The WHERE of a synchronous materialized view cannot use the variable '%s': "
                     "each row is kept or left out once, when it is loaded",
                     sb_str(&sb));
        break;
    case EXPR_FUNC:
        if (is_volatile_fn(e->text)) {
            ast_print_expr(e, &sb);
            st = err_set(err, ERR_COMMON,
                         "The WHERE of a synchronous materialized view cannot use '%s': its value "
                         "depends on when or by whom it runs, and each row is kept or left out "
                         "once, when it is loaded (compare with a constant instead)",
                         sb_str(&sb));
        }
        break;
    case EXPR_COLUMN:
        if (e->qual_table && strcmp(e->qual_table, qual) != 0) {
            ast_print_expr(e, &sb);
            st = err_set(err, ERR_BAD_FIELD, "Unknown column '%s' in 'where clause'", sb_str(&sb));
        }
        break;
    default:
        break;
    }
    sb_free(&sb);
    if (st) return st;
    if (check_terms(e->left, qual, err) || check_terms(e->right, qual, err) ||
        check_terms(e->third, qual, err))
        return STATUS_ERROR;
    for (int i = 0; i < e->nargs; i++)
        if (check_terms(e->args[i], qual, err)) return STATUS_ERROR;
    return STATUS_OK;
}

Status mv_sync_where_check(const CatTable *t, const TableRef *from, const Expr *where, Arena *a,
                           Error *err) {
    if (!where) return STATUS_OK;
    if (check_terms(where, from->alias ? from->alias : from->name, err)) return STATUS_ERROR;
    Norm nm = {NULL, NULL, a, true};
    Expr *x = norm_copy(&nm, where);
    ExecColumnDesc *cols = arena_alloc(a, sizeof(ExecColumnDesc) * (size_t)(t->ncols + 1));
    for (int i = 0; i < t->ncols; i++)
        cols[i] = (ExecColumnDesc){t->cols[i].name, t->cols[i].type};
    ExecPredicate *p = NULL;
    if (exec_predicate_compile(NULL, x, cols, t->ncols, a, &p, err)) return STATUS_ERROR;
    if (t->keys == KEYS_AGGREGATE) {
        /* a loaded row's value is only a part of the merged value a query sees */
        int *used = arena_alloc(a, sizeof(int) * (size_t)(t->ncols + 1));
        int n = exec_predicate_columns(p, used, t->ncols);
        for (int i = 0; i < n; i++)
            if (!t->cols[used[i]].is_key)
                return err_set(
                    err, ERR_COMMON,
                    "On AGGREGATE KEY table '%s' the WHERE of a synchronous materialized "
                    "view may only use key columns: '%s' is a value column",
                    t->name, t->cols[used[i]].name);
    }
    return STATUS_OK;
}
