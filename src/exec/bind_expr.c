/* Expression binding: AST Expr -> BExpr. Resolves column names against the FROM scope (1054 unknown, 1052
 * ambiguous), variables against the session, functions against the registry, and runs uncorrelated
 * subqueries once, turning them into constants or IN sets. Over an aggregation (ExprCtx.agg) it maps group-by
 * expressions and aggregate calls to the aggregate's output columns and rejects bare columns (1055). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exec/bind.h"
#include "exec/functions.h"
#include "exec/inset.h"
#include "util/str.h"

static const char *col_display(const Expr *e) {
    static __thread char buf[200];
    if (e->qual_table) snprintf(buf, sizeof buf, "%s.%s", e->qual_table, e->text);
    else snprintf(buf, sizeof buf, "%s", e->text);
    return buf;
}

/* ---------------------------------------------------------------- scope lookup */

Status scope_lookup(Binder *b, const Scope *sc, const char *db, const char *table, const char *name,
                    const char *clause, int *out, Error *err) {
    int found = -1, count = 0;
    for (int i = sc->lo; i < sc->hi; i++) {
        const BCol *c = &sc->cols[i];
        if (strcasecmp(c->name, name) != 0) continue;
        if (table) {
            if (!c->table || strcmp(c->table, table) != 0) continue;
            if (db && (!c->db || strcasecmp(c->db, db) != 0)) continue;
        } else if (c->hidden) {
            continue;
        }
        if (found < 0) found = i;
        count++;
    }
    if (count == 1) {
        *out = found;
        return STATUS_OK;
    }
    if (count > 1)
        return err_set(err, ERR_NON_UNIQ, "Column '%s' in %s is ambiguous; qualify it with a table name or alias",
                       name, clause);
    for (const Scope *o = sc->outer; o; o = o->outer) {
        int dummy;
        Error tmp = ERROR_INIT;
        Binder ob = *b;
        ob.outer = NULL;
        Scope copy = *o;
        copy.outer = NULL;
        if (!scope_lookup(&ob, &copy, db, table, name, clause, &dummy, &tmp))
            return err_set(err, ERR_NOT_SUPPORTED,
                           "Correlated subqueries are not supported: column '%s' refers to the outer query; rewrite "
                           "it as a join",
                           name);
    }
    if (table)
        return err_set(err, ERR_BAD_FIELD, "Unknown column '%s.%s' in '%s'", table, name, clause);
    return err_set(err, ERR_BAD_FIELD, "Unknown column '%s' in '%s'", name, clause);
}

/* ---------------------------------------------------------------- AST helpers */

static bool is_agg_call(const Expr *e) {
    AggFn fn;
    return e->kind == EXPR_FUNC && e->text && agg_lookup(e->text, &fn);
}

bool ast_has_agg(const Expr *e) {
    if (!e) return false;
    if (is_agg_call(e)) return true;
    if (e->kind == EXPR_SUBQUERY || e->kind == EXPR_EXISTS) return false;
    if (ast_has_agg(e->left) || ast_has_agg(e->right) || ast_has_agg(e->third)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (ast_has_agg(e->args[i])) return true;
    return false;
}

static bool ast_has_subquery(const Expr *e) {
    if (!e) return false;
    if (e->kind == EXPR_SUBQUERY || e->kind == EXPR_EXISTS || e->kind == EXPR_IN_SUBQUERY) return true;
    if (ast_has_subquery(e->left) || ast_has_subquery(e->right) || ast_has_subquery(e->third)) return true;
    for (int i = 0; i < e->nargs; i++)
        if (ast_has_subquery(e->args[i])) return true;
    return false;
}

static bool ast_is_literal(const Expr *e) {
    switch (e->kind) {
    case EXPR_NULL:
    case EXPR_BOOL:
    case EXPR_INT:
    case EXPR_DECIMAL:
    case EXPR_FLOAT:
    case EXPR_STRING:
    case EXPR_DATE:
    case EXPR_DATETIME: return true;
    default: return false;
    }
}

bool bexpr_equal(const BExpr *a, const BExpr *b) {
    if (a == b) return true;
    if (!a || !b || a->kind != b->kind || !type_equal(&a->type, &b->type)) return false;
    switch (a->kind) {
    case BE_CONST:
        if (a->value.is_null || b->value.is_null) return a->value.is_null == b->value.is_null;
        return type_compare_datum(&a->type, &a->value, &b->value) == 0;
    case BE_COLUMN: return a->col == b->col;
    case BE_IN:
        if (a->aux != b->aux || a->negated != b->negated) return false;
        break;
    case BE_CALL:
        if (a->fn != b->fn || a->op != b->op || a->negated != b->negated || a->aux != b->aux) return false;
        break;
    default: break;
    }
    if (a->nargs != b->nargs || a->has_else != b->has_else) return false;
    for (int i = 0; i < a->nargs; i++)
        if (!bexpr_equal(a->args[i], b->args[i])) return false;
    return true;
}

/* ---------------------------------------------------------------- literals */

static Status bind_decimal_literal(Arena *a, const char *text, BExpr **out, Error *err) {
    int ip = 0, fp = 0;
    const char *p = text;
    if (*p == '-' || *p == '+') p++;
    bool lead = true, dot = false;
    for (; *p; p++) {
        if (*p == '.') {
            dot = true;
            continue;
        }
        if (!isdigit((unsigned char)*p)) break;
        if (dot) fp++;
        else if (!(lead && *p == '0')) {
            ip++;
            lead = false;
        }
    }
    if (ip + fp > DECIMAL_MAX_PRECISION || *p) {
        Datum d = {.v.f64 = strtod(text, NULL)};
        *out = bexpr_const(a, type_make(TYPE_DOUBLE), d);
        return STATUS_OK;
    }
    int prec = ip + fp ? ip + fp : 1;
    DataType t = type_decimal(prec, fp);
    Datum d;
    if (type_parse_datum(&t, text, strlen(text), &d, a, err)) return STATUS_ERROR;
    *out = bexpr_const(a, t, d);
    return STATUS_OK;
}

/* @@variables: integers come back as BIGINT, everything else as VARCHAR (as MySQL reports them). */
static Status bind_variable(ExprCtx *cx, const Expr *e, BExpr **out, Error *err) {
    Arena *a = cx->b->a;
    Session *s = cx->b->s;
    StrBuf sb = STRBUF_INIT;
    DataType t = type_varchar(64);
    bool is_null = false;
    if (e->scope == VAR_USER) {
        if (!s || !session_get_user_var(s, e->text, &sb, &is_null, &t)) is_null = true;
        if (is_null) {
            sb_free(&sb);
            *out = bexpr_const(a, type_varchar(1), (Datum){.is_null = true});
            return STATUS_OK;
        }
    } else {
        if (!s) {
            sb_free(&sb);
            return err_set(err, ERR_UNKNOWN_SYSTEM_VARIABLE, "Unknown system variable '%s'", e->text);
        }
        if (!session_get_var(s, e->text, e->scope == VAR_GLOBAL, &sb, err)) {
            sb_free(&sb);
            return STATUS_ERROR;
        }
        int64_t iv;
        if (sb.len && str_to_int64(sb_str(&sb), &iv)) t = type_make(TYPE_BIGINT);
        else t = type_varchar(sb.len ? (int)sb.len : 1);
    }
    Datum d;
    if (type_is_string(t.id)) {
        *out = bexpr_string(a, sb_str(&sb), sb.len);
        (*out)->type = type_varchar(sb.len ? (int)sb.len : 1);
    } else if (type_parse_datum(&t, sb_str(&sb), sb.len, &d, a, err)) {
        sb_free(&sb);
        return STATUS_ERROR;
    } else {
        *out = bexpr_const(a, t, d);
    }
    sb_free(&sb);
    return STATUS_OK;
}

/* ---------------------------------------------------------------- subqueries */

static Status bind_subquery(ExprCtx *cx, const Query *q, PlanOut *po, Error *err) {
    Binder *b = cx->b;
    if (b->depth > 32) return err_set(err, ERR_NOT_SUPPORTED, "subqueries are nested too deeply");
    Binder sub = *b;
    sub.depth++;
    sub.outer = cx->scope;
    memset(&sub.sources, 0, sizeof sub.sources);
    Status st = plan_query(&sub, q, po, err);
    /* the sub-binder's scan sources are released with the statement's */
    for (size_t i = 0; i < sub.sources.len; i++) vec_push(&b->sources, sub.sources.items[i]);
    vec_free(&sub.sources);
    return st;
}

static Status run_subquery(ExprCtx *cx, const Query *q, int64_t max_rows, PlanOut *po, Batch **rows, Error *err) {
    if (bind_subquery(cx, q, po, err)) return STATUS_ERROR;
    return plan_collect(cx->b, po->op, max_rows, rows, err);
}

static Status bind_scalar_subquery(ExprCtx *cx, const Expr *e, BExpr **out, Error *err) {
    PlanOut po;
    Batch *rows;
    if (run_subquery(cx, e->subquery, 2, &po, &rows, err)) return STATUS_ERROR;
    if (po.ncols != 1) return err_set(err, ERR_OPERAND_COLUMNS, "Operand should contain 1 column(s)");
    if (rows->nrows > 1) return err_set(err, ERR_SUBQUERY_NO_1_ROW, "Subquery returns more than 1 row");
    DataType t = po.types[0];
    Datum d = {.is_null = true};
    if (rows->nrows == 1) d = vec_get_datum(rows->cols[0], 0);
    *out = bexpr_const(cx->b->a, t.id == TYPE_NULL ? type_make(TYPE_TINYINT) : t, datum_copy(&t, &d, cx->b->a));
    if (d.is_null) (*out)->value.is_null = true;
    return STATUS_OK;
}

static Status bind_in_subquery(ExprCtx *cx, const Expr *e, BExpr **out, Error *err) {
    BExpr *x;
    if (bind_expr(cx, e->left, &x, err)) return STATUS_ERROR;
    PlanOut po;
    Batch *rows;
    if (run_subquery(cx, e->subquery, -1, &po, &rows, err)) return STATUS_ERROR;
    if (po.ncols != 1) return err_set(err, ERR_OPERAND_COLUMNS, "Operand should contain 1 column(s)");
    Arena *a = cx->b->a;
    DataType t = type_common_compare(&x->type, &po.types[0]);
    if (t.id == TYPE_NULL) t = type_make(TYPE_BIGINT);
    if (t.id == TYPE_DECIMAL) {
        t = type_common(&x->type, &po.types[0]);
    }
    if (bexpr_cast(a, &x, t, false, err)) return STATUS_ERROR;
    InSet *set = inset_new(a, t, rows->nrows);
    for (uint32_t i = 0; i < rows->nrows; i++) {
        Datum d = vec_get_datum(rows->cols[0], i), c;
        Error tmp = ERROR_INIT;
        if (!datum_cast(&po.types[0], &d, &t, &c, a, &tmp)) continue; /* cannot equal any x */
        inset_add(set, a, &c);
    }
    BExpr *in = arena_calloc(a, sizeof *in);
    in->kind = BE_IN;
    in->type = type_make(TYPE_BOOLEAN);
    in->name = e->negated ? "NOT IN" : "IN";
    in->nargs = 1;
    in->args = arena_alloc(a, sizeof(BExpr *));
    in->args[0] = x;
    in->aux = set;
    in->negated = e->negated;
    *out = in;
    return bexpr_fold(a, out, err);
}

static Status bind_exists(ExprCtx *cx, const Expr *e, BExpr **out, Error *err) {
    PlanOut po;
    Batch *rows;
    if (run_subquery(cx, e->subquery, 1, &po, &rows, err)) return STATUS_ERROR;
    *out = bexpr_bool(cx->b->a, (rows->nrows > 0) != e->negated);
    return STATUS_OK;
}

/* ---------------------------------------------------------------- aggregates */

static Status bind_agg_call(ExprCtx *cx, const Expr *e, BExpr **out, Error *err) {
    AggFn fn;
    agg_lookup(e->text, &fn);
    if (!cx->agg)
        return err_set(err, ERR_INVALID_GROUP_FUNC_USE, "Invalid use of group function %s() in the %s", e->text,
                       cx->clause);
    Arena *a = cx->b->a;
    AggCall call = {0};
    call.fn = fn;
    call.distinct = e->distinct;
    call.text = e->src ? e->src : arena_sprintf(a, "%s(...)", e->text);
    if (e->is_star || (fn == AGGF_COUNT && e->nargs == 1 && e->args[0]->kind == EXPR_STAR)) {
        if (fn != AGGF_COUNT) return err_set(err, ERR_PARSE, "%s(*) is not valid; only count(*) takes *", e->text);
        call.fn = AGGF_COUNT_STAR;
        if (!e->src) call.text = "count(*)";
        if (agg_bind(a, &call, err)) return STATUS_ERROR;
    } else {
        if (e->nargs != 1) {
            if (fn == AGGF_COUNT && e->distinct && e->nargs > 1)
                return err_set(err, ERR_NOT_SUPPORTED, "count(DISTINCT) over several columns is not supported");
            return err_set(err, ERR_WRONG_PARAMCOUNT, "Incorrect parameter count in the call to native function '%s'",
                           e->text);
        }
        ExprCtx pre = *cx;
        pre.agg = NULL;
        pre.allow_agg = false;
        pre.aliases = NULL;
        pre.naliases = 0;
        if (ast_has_agg(e->args[0]))
            return err_set(err, ERR_INVALID_GROUP_FUNC_USE, "Invalid use of group function: aggregates cannot nest");
        if (bind_expr(&pre, e->args[0], &call.arg, err)) return STATUS_ERROR;
        if (agg_bind(a, &call, err)) return STATUS_ERROR;
    }
    AggCtx *ag = cx->agg;
    int idx = -1;
    for (int i = 0; i < ag->ncalls; i++) {
        AggCall *c = &ag->calls[i];
        if (c->fn == call.fn && c->distinct == call.distinct && bexpr_equal(c->arg, call.arg)) {
            idx = i;
            break;
        }
    }
    if (idx < 0) {
        if (ag->ncalls == ag->capcalls) {
            int nc = ag->capcalls ? ag->capcalls * 2 : 8;
            AggCall *n = arena_alloc(a, sizeof(AggCall) * (size_t)nc);
            if (ag->ncalls) memcpy(n, ag->calls, sizeof(AggCall) * (size_t)ag->ncalls);
            ag->calls = n;
            ag->capcalls = nc;
        }
        idx = ag->ncalls++;
        ag->calls[idx] = call;
    }
    *out = bexpr_column(a, ag->nkeys + idx, ag->calls[idx].type, ag->calls[idx].text);
    return STATUS_OK;
}

/* ---------------------------------------------------------------- the main switch */

static BExpr *make_logic(Arena *a, BExprKind kind, BExpr *l, BExpr *r) {
    BExpr *e = arena_calloc(a, sizeof *e);
    e->kind = kind;
    e->type = type_make(TYPE_BOOLEAN);
    /* flatten a AND (b AND c) into one node */
    int nl = l->kind == kind ? l->nargs : 1, nr = r->kind == kind ? r->nargs : 1;
    e->nargs = nl + nr;
    e->args = arena_alloc(a, sizeof(BExpr *) * (size_t)e->nargs);
    int k = 0;
    if (l->kind == kind)
        for (int i = 0; i < l->nargs; i++) e->args[k++] = l->args[i];
    else
        e->args[k++] = l;
    if (r->kind == kind)
        for (int i = 0; i < r->nargs; i++) e->args[k++] = r->args[i];
    else
        e->args[k++] = r;
    return e;
}

static Status bind_logic(Arena *a, BExprKind kind, BExpr *l, BExpr *r, BExpr **out, Error *err) {
    if (bind_bool(a, &l, err) || bind_bool(a, &r, err)) return STATUS_ERROR;
    /* constant short-cuts keep plans small: TRUE AND x = x, FALSE OR x = x */
    bool is_and = kind == BE_AND;
    for (int k = 0; k < 2; k++) {
        BExpr *c = k ? r : l, *o = k ? l : r;
        if (c->kind == BE_CONST && !c->value.is_null) {
            bool v = c->value.v.i64 != 0;
            if (v == is_and) {
                *out = o;
                return STATUS_OK;
            }
            *out = c; /* FALSE AND x = FALSE, TRUE OR x = TRUE */
            return STATUS_OK;
        }
    }
    *out = make_logic(a, kind, l, r);
    return bexpr_fold(a, out, err);
}

static Status bind_func(ExprCtx *cx, const Expr *e, BExpr **out, Error *err) {
    Arena *a = cx->b->a;
    const FuncDef *f = func_find(e->text);
    if (!f) {
        const char *db = cx->b->s && cx->b->s->db[0] ? cx->b->s->db : NULL;
        if (db) return err_set(err, ERR_UNKNOWN_FUNCTION, "FUNCTION %s.%s does not exist", db, e->text);
        return err_set(err, ERR_UNKNOWN_FUNCTION, "FUNCTION %s does not exist", e->text);
    }
    if (e->nargs < f->min_args || (f->max_args >= 0 && e->nargs > f->max_args))
        return err_set(err, ERR_WRONG_PARAMCOUNT, "Incorrect parameter count in the call to native function '%s'",
                       e->text);
    if (e->distinct) return err_set(err, ERR_PARSE, "DISTINCT is only allowed in aggregate functions, not in %s()", e->text);
    BExpr **args = arena_alloc(a, sizeof(BExpr *) * (size_t)(e->nargs ? e->nargs : 1));
    for (int i = 0; i < e->nargs; i++)
        if (bind_expr(cx, e->args[i], &args[i], err)) return STATUS_ERROR;
    for (int i = 0; i < e->nargs; i++)
        if (bexpr_is_interval(args[i]) && strcasecmp(f->name, "date_add") && strcasecmp(f->name, "date_sub") &&
            strcasecmp(f->name, "adddate") && strcasecmp(f->name, "subdate"))
            return err_set(err, ERR_PARSE, "INTERVAL is only valid in date arithmetic, not in %s()", e->text);
    FuncCtx fc = {a, cx->b->s, f->name, cx->b->now_us};
    if (f->bind(&fc, args, e->nargs, out, err)) return STATUS_ERROR;
    if (!(*out)->text) (*out)->text = e->src;
    return STATUS_OK;
}

static Status bind_column(ExprCtx *cx, const Expr *e, BExpr **out, Error *err) {
    Arena *a = cx->b->a;
    /* ORDER BY / HAVING aliases */
    if (!e->qual_table && cx->aliases) {
        for (int i = 0; i < cx->naliases; i++) {
            if (!cx->aliases[i].name || strcasecmp(cx->aliases[i].name, e->text) != 0) continue;
            bool in_scope = false;
            if (!cx->aliases_first && !cx->agg && cx->scope) {
                int dummy;
                Error tmp = ERROR_INIT;
                in_scope = !scope_lookup(cx->b, cx->scope, NULL, NULL, e->text, cx->clause, &dummy, &tmp);
            }
            if (!in_scope) {
                *out = cx->aliases[i].expr;
                return STATUS_OK;
            }
        }
    }
    if (cx->agg) {
        /* over an aggregation a bare column must be a group key (matched before we get here) */
        int idx;
        if (cx->scope && scope_lookup(cx->b, cx->scope, e->qual_db, e->qual_table, e->text, cx->clause, &idx, err))
            return STATUS_ERROR;
        return err_set(err, ERR_WRONG_FIELD_WITH_GROUP,
                       "Column '%s' in the %s is neither in GROUP BY nor inside an aggregate function; add it to "
                       "GROUP BY or wrap it in an aggregate such as any_value()",
                       col_display(e), cx->clause);
    }
    if (!cx->scope) return err_set(err, ERR_BAD_FIELD, "Unknown column '%s' in '%s'", col_display(e), cx->clause);
    int idx;
    if (scope_lookup(cx->b, cx->scope, e->qual_db, e->qual_table, e->text, cx->clause, &idx, err))
        return STATUS_ERROR;
    const BCol *c = &cx->scope->cols[idx];
    *out = bexpr_column(a, idx, c->type, c->table ? arena_sprintf(a, "%s.%s", c->table, c->name) : c->name);
    return STATUS_OK;
}

Status bind_expr(ExprCtx *cx, const Expr *e, BExpr **out, Error *err) {
    Arena *a = cx->b->a;
    if (cx->agg) {
        if (is_agg_call(e)) return bind_agg_call(cx, e, out, err);
        if (!ast_is_literal(e) && !ast_has_agg(e) && !ast_has_subquery(e) && e->kind != EXPR_VARIABLE) {
            ExprCtx pre = *cx;
            pre.agg = NULL;
            pre.aliases = NULL;
            pre.naliases = 0;
            BExpr *x;
            Error tmp = ERROR_INIT;
            if (!bind_expr(&pre, e, &x, &tmp)) {
                for (int k = 0; k < cx->agg->nkeys; k++) {
                    if (bexpr_equal(x, cx->agg->keys[k])) {
                        *out = bexpr_column(a, k, x->type, x->text ? x->text : e->src);
                        return STATUS_OK;
                    }
                }
                if (x->kind == BE_CONST) { /* e.g. a function of constants */
                    *out = x;
                    return STATUS_OK;
                }
            }
        }
    } else if (is_agg_call(e)) {
        return bind_agg_call(cx, e, out, err);
    }
    Status st = STATUS_OK;
    switch (e->kind) {
    case EXPR_NULL: *out = bexpr_null(a); break;
    case EXPR_BOOL: *out = bexpr_bool(a, e->ival != 0); break;
    case EXPR_INT: *out = bexpr_int(a, e->ival); break;
    case EXPR_DECIMAL: st = bind_decimal_literal(a, e->text, out, err); break;
    case EXPR_FLOAT: *out = bexpr_const(a, type_make(TYPE_DOUBLE), (Datum){.v.f64 = strtod(e->text, NULL)}); break;
    case EXPR_STRING: *out = bexpr_string(a, e->text, (size_t)e->ival); break;
    case EXPR_DATE:
    case EXPR_DATETIME: {
        DataType t = type_make(e->kind == EXPR_DATE ? TYPE_DATE : TYPE_DATETIME);
        Datum d;
        if (type_parse_datum(&t, e->text, strlen(e->text), &d, a, err)) return STATUS_ERROR;
        *out = bexpr_const(a, t, d);
        break;
    }
    case EXPR_COLUMN: return bind_column(cx, e, out, err);
    case EXPR_STAR:
        return err_set(err, ERR_PARSE, "'*' is only valid in the select list or in count(*)");
    case EXPR_VARIABLE: st = bind_variable(cx, e, out, err); break;
    case EXPR_UNARY: {
        BExpr *x;
        if (bind_expr(cx, e->left, &x, err)) return STATUS_ERROR;
        switch (e->op) {
        case OP_NEG: st = bind_negate(a, x, out, err); break;
        case OP_PLUS: *out = x; break;
        case OP_NOT: st = bind_not(a, x, out, err); break;
        default: st = bind_arith(a, OP_BITXOR, x, bexpr_int(a, -1), out, err);
        }
        break;
    }
    case EXPR_BINARY: {
        BExpr *l, *r;
        if (bind_expr(cx, e->left, &l, err) || bind_expr(cx, e->right, &r, err)) return STATUS_ERROR;
        switch (e->op) {
        case OP_AND: st = bind_logic(a, BE_AND, l, r, out, err); break;
        case OP_OR: st = bind_logic(a, BE_OR, l, r, out, err); break;
        case OP_XOR:
            if (bind_bool(a, &l, err) || bind_bool(a, &r, err)) return STATUS_ERROR;
            st = bind_compare(a, OP_NE, l, r, out, err);
            break;
        case OP_EQ:
        case OP_NE:
        case OP_LT:
        case OP_LE:
        case OP_GT:
        case OP_GE:
        case OP_NULL_SAFE_EQ: st = bind_compare(a, e->op, l, r, out, err); break;
        case OP_CONCAT: {
            const FuncDef *f = func_find("concat");
            BExpr *args[2] = {l, r};
            BExpr **heap = arena_memdup(a, args, sizeof args);
            FuncCtx fc = {a, cx->b->s, "concat", cx->b->now_us};
            st = f->bind(&fc, heap, 2, out, err);
            break;
        }
        case OP_ADD:
        case OP_SUB:
            if (bexpr_is_interval(r)) {
                st = bind_date_add(a, l, r, e->op == OP_SUB, out, err);
                break;
            }
            if (bexpr_is_interval(l) && e->op == OP_ADD) {
                st = bind_date_add(a, r, l, false, out, err);
                break;
            }
            /* fallthrough */
        default:
            if (bexpr_is_interval(l) || bexpr_is_interval(r))
                return err_set(err, ERR_PARSE, "INTERVAL can only be added to or subtracted from a date");
            st = bind_arith(a, e->op, l, r, out, err);
        }
        break;
    }
    case EXPR_FUNC: st = bind_func(cx, e, out, err); break;
    case EXPR_CASE: {
        int n = e->nargs / 2;
        BExpr **whens = arena_alloc(a, sizeof(BExpr *) * (size_t)(n ? n : 1));
        BExpr **thens = arena_alloc(a, sizeof(BExpr *) * (size_t)(n ? n : 1));
        BExpr *operand = NULL, *els = NULL;
        if (e->left && bind_expr(cx, e->left, &operand, err)) return STATUS_ERROR;
        for (int i = 0; i < n; i++) {
            BExpr *w;
            if (bind_expr(cx, e->args[2 * i], &w, err) || bind_expr(cx, e->args[2 * i + 1], &thens[i], err))
                return STATUS_ERROR;
            if (operand) {
                if (bind_compare(a, OP_EQ, operand, w, &whens[i], err)) return STATUS_ERROR;
            } else {
                whens[i] = w;
            }
        }
        if (e->right && bind_expr(cx, e->right, &els, err)) return STATUS_ERROR;
        st = bind_case(a, whens, thens, n, els, out, err);
        break;
    }
    case EXPR_CAST: {
        BExpr *x;
        if (bind_expr(cx, e->left, &x, err)) return STATUS_ERROR;
        if (bexpr_cast(a, &x, e->cast_type, false, err)) return STATUS_ERROR;
        *out = x;
        break;
    }
    case EXPR_IN_LIST: {
        BExpr *x;
        if (bind_expr(cx, e->left, &x, err)) return STATUS_ERROR;
        BExpr **vals = arena_alloc(a, sizeof(BExpr *) * (size_t)(e->nargs ? e->nargs : 1));
        for (int i = 0; i < e->nargs; i++)
            if (bind_expr(cx, e->args[i], &vals[i], err)) return STATUS_ERROR;
        st = bind_in_list(a, x, vals, e->nargs, e->negated, out, err);
        break;
    }
    case EXPR_IN_SUBQUERY: st = bind_in_subquery(cx, e, out, err); break;
    case EXPR_EXISTS: st = bind_exists(cx, e, out, err); break;
    case EXPR_SUBQUERY: st = bind_scalar_subquery(cx, e, out, err); break;
    case EXPR_BETWEEN: {
        BExpr *x, *lo, *hi, *c1, *c2;
        if (bind_expr(cx, e->left, &x, err) || bind_expr(cx, e->right, &lo, err) ||
            bind_expr(cx, e->third, &hi, err))
            return STATUS_ERROR;
        if (bind_compare(a, OP_GE, x, lo, &c1, err) || bind_compare(a, OP_LE, x, hi, &c2, err)) return STATUS_ERROR;
        BExpr *both;
        if (bind_logic(a, BE_AND, c1, c2, &both, err)) return STATUS_ERROR;
        st = e->negated ? bind_not(a, both, out, err) : (*out = both, STATUS_OK);
        break;
    }
    case EXPR_LIKE: {
        BExpr *x, *p, *esc = NULL;
        if (bind_expr(cx, e->left, &x, err) || bind_expr(cx, e->right, &p, err)) return STATUS_ERROR;
        if (e->third && bind_expr(cx, e->third, &esc, err)) return STATUS_ERROR;
        st = bind_like(a, x, p, esc, e->negated, e->ival == 1, out, err);
        break;
    }
    case EXPR_IS_NULL: {
        BExpr *x;
        if (bind_expr(cx, e->left, &x, err)) return STATUS_ERROR;
        st = bind_is_null(a, x, e->negated, out, err);
        break;
    }
    case EXPR_IS_BOOL: {
        BExpr *x;
        if (bind_expr(cx, e->left, &x, err)) return STATUS_ERROR;
        st = bind_is_bool(a, x, e->ival == 1, e->negated, out, err);
        break;
    }
    case EXPR_INTERVAL: {
        BExpr *x;
        if (bind_expr(cx, e->left, &x, err)) return STATUS_ERROR;
        *out = bexpr_interval(a, x, e->text ? e->text : "DAY");
        break;
    }
    case EXPR_DEFAULT: return err_set(err, ERR_PARSE, "DEFAULT is only valid in INSERT ... VALUES");
    case EXPR_ROW: return err_set(err, ERR_OPERAND_COLUMNS, "Operand should contain 1 column(s)");
    default: return err_set(err, ERR_INTERNAL, "unknown expression kind %d", (int)e->kind);
    }
    if (st) return st;
    if (!(*out)->text && e->src) (*out)->text = e->src;
    return STATUS_OK;
}
