/* Text rendering of bound expressions for EXPLAIN: operators infix, functions by name, columns by the name
 * the user wrote (or #index), implicit casts shown as CAST(x AS type) so type decisions are visible. */
#include <string.h>

#include "exec/expr.h"
#include "exec/inset.h"
#include "util/strbuf.h"

static void render(const BExpr *e, StrBuf *out);

static void render_datum(const DataType *t, const Datum *d, StrBuf *out) {
    if (d->is_null || t->id == TYPE_NULL) {
        sb_append(out, "NULL");
        return;
    }
    bool quote = type_is_string(t->id) || type_is_temporal(t->id);
    if (quote) sb_putc(out, '\'');
    type_format_datum(t, d, out);
    if (quote) sb_putc(out, '\'');
}

static bool is_infix(const char *name) {
    static const char *ops[] = {"+", "-", "*", "/", "DIV", "%", "=", "!=", "<", "<=", ">", ">=", "<=>",
                                "&", "|", "^", "<<", ">>", "LIKE", "REGEXP"};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (!strcmp(ops[i], name)) return true;
    return false;
}

static void render(const BExpr *e, StrBuf *out) {
    switch (e->kind) {
    case BE_CONST: render_datum(&e->type, &e->value, out); return;
    case BE_COLUMN:
        if (e->text) sb_append(out, e->text);
        else sb_appendf(out, "#%d", e->col);
        return;
    case BE_AND:
    case BE_OR:
        sb_putc(out, '(');
        for (int i = 0; i < e->nargs; i++) {
            if (i) sb_append(out, e->kind == BE_AND ? " AND " : " OR ");
            render(e->args[i], out);
        }
        sb_putc(out, ')');
        return;
    case BE_CASE: {
        sb_append(out, "CASE");
        int pairs = (e->nargs - (e->has_else ? 1 : 0)) / 2;
        for (int i = 0; i < pairs; i++) {
            sb_append(out, " WHEN ");
            render(e->args[2 * i], out);
            sb_append(out, " THEN ");
            render(e->args[2 * i + 1], out);
        }
        if (e->has_else) {
            sb_append(out, " ELSE ");
            render(e->args[e->nargs - 1], out);
        }
        sb_append(out, " END");
        return;
    }
    case BE_IN: {
        const InSet *s = e->aux;
        render(e->args[0], out);
        sb_append(out, e->negated ? " NOT IN (" : " IN (");
        for (uint32_t i = 0; i < s->count && i < 20; i++) {
            if (i) sb_append(out, ", ");
            render_datum(&s->type, &s->items[i], out);
        }
        if (s->count > 20) sb_appendf(out, ", ... %u values", s->count);
        if (s->has_null) sb_append(out, s->count ? ", NULL" : "NULL");
        sb_putc(out, ')');
        return;
    }
    case BE_CALL:
        if (!strcmp(e->name, "cast")) {
            sb_append(out, "CAST(");
            render(e->args[0], out);
            sb_append(out, " AS ");
            type_format_sql(&e->type, out);
            sb_putc(out, ')');
            return;
        }
        if (e->nargs == 2 && is_infix(e->name)) {
            sb_putc(out, '(');
            render(e->args[0], out);
            sb_appendf(out, " %s%s ", e->negated ? "NOT " : "", e->name);
            render(e->args[1], out);
            sb_putc(out, ')');
            return;
        }
        if (e->nargs == 1 && (!strcmp(e->name, "IS NULL") || !strcmp(e->name, "IS NOT NULL") ||
                              !strcmp(e->name, "IS TRUE") || !strcmp(e->name, "IS FALSE"))) {
            render(e->args[0], out);
            sb_appendf(out, " %s", e->name);
            return;
        }
        sb_appendf(out, "%s(", e->name);
        for (int i = 0; i < e->nargs; i++) {
            if (i) sb_append(out, ", ");
            render(e->args[i], out);
        }
        sb_putc(out, ')');
        return;
    case BE_AGG: sb_append(out, e->text ? e->text : "agg"); return;
    default: sb_append(out, "?"); return;
    }
}

const char *bexpr_to_text(Arena *a, const BExpr *e) {
    StrBuf sb = STRBUF_INIT;
    render(e, &sb);
    char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}
