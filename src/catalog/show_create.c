/* SHOW CREATE TABLE / VIEW text. The output, executed as a statement, recreates an identical table: every
 * column attribute, key model, partition (with explicit bounds), distribution, sort key, index definition,
 * comment and property is printed. The layout follows StarRocks' (without its trailing blanks). */
#include <string.h>
#include <strings.h>

#include "catalog/catalog_int.h"

static void append_quoted(StrBuf *out, const char *s, char q) {
    sb_putc(out, q);
    for (; s && *s; s++) {
        if (*s == q || *s == '\\') sb_putc(out, '\\');
        sb_putc(out, *s);
    }
    sb_putc(out, q);
}

static void append_ident(StrBuf *out, const char *s) {
    sb_putc(out, '`');
    for (; *s; s++) {
        if (*s == '`') sb_putc(out, '`');
        sb_putc(out, *s);
    }
    sb_putc(out, '`');
}

static void append_col_list(StrBuf *out, const CatTable *t, const int *pos, int n) {
    for (int i = 0; i < n; i++) {
        if (i) sb_append(out, ", ");
        append_ident(out, t->cols[pos[i]].name);
    }
}

static void append_column(StrBuf *out, const CatTable *t, const CatColumn *c) {
    sb_append(out, "  ");
    append_ident(out, c->name);
    sb_putc(out, ' ');
    type_format_sql(&c->type, out);
    if (t->keys == KEYS_AGGREGATE && !c->is_key && c->agg) sb_appendf(out, " %s", agg_type_name(c->agg));
    sb_append(out, c->nullable ? " NULL" : " NOT NULL");
    if (c->auto_increment) sb_append(out, " AUTO_INCREMENT");
    switch (c->default_kind) {
    case CAT_DEFAULT_VALUE:
        sb_append(out, " DEFAULT ");
        append_quoted(out, c->default_value, '"');
        break;
    case CAT_DEFAULT_NULL: sb_append(out, " DEFAULT NULL"); break;
    case CAT_DEFAULT_CURRENT_TIMESTAMP: sb_append(out, " DEFAULT CURRENT_TIMESTAMP"); break;
    default: break;
    }
    sb_append(out, " COMMENT ");
    append_quoted(out, c->comment ? c->comment : "", '"');
}

static void append_partitions(StrBuf *out, const CatTable *t) {
    if (t->part_type == PART_NONE) return;
    if (t->part_type == PART_EXPR) {
        if (t->part_expr_unit) {
            sb_appendf(out, "PARTITION BY date_trunc('%s', ", t->part_expr_unit);
            append_ident(out, t->cols[t->part_cols[0]].name);
            sb_append(out, ")\n");
        } else {
            sb_append(out, "PARTITION BY (");
            append_col_list(out, t, t->part_cols, t->npart_cols);
            sb_append(out, ")\n");
        }
        return;
    }
    sb_appendf(out, "PARTITION BY %s(", t->part_type == PART_RANGE ? "RANGE" : "LIST");
    append_col_list(out, t, t->part_cols, t->npart_cols);
    sb_append(out, ")\n(");
    bool first = true;
    for (int i = 0; i < t->nparts; i++) {
        const CatPartition *p = t->parts[i];
        if (p->state != PART_NORMAL || p->is_temp) continue;
        if (!first) sb_append(out, ",\n");
        first = false;
        sb_append(out, "PARTITION ");
        append_ident(out, p->name);
        if (t->part_type == PART_RANGE) {
            sb_append(out, " VALUES [");
            cat_format_bound_sql(t, &p->lower, true, out);
            sb_append(out, ", ");
            cat_format_bound_sql(t, &p->upper, false, out);
            sb_putc(out, ')');
        } else {
            sb_append(out, " VALUES IN (");
            for (int v = 0; v < p->nlist; v++) {
                if (v) sb_append(out, ", ");
                if (t->npart_cols == 1) {
                    /* One column: IN ("a", "b"); several: IN (("a", 1), ("b", 2)). */
                    StrBuf tmp = STRBUF_INIT;
                    cat_format_bound_sql(t, &p->list_vals[v], true, &tmp);
                    sb_appendn(out, sb_str(&tmp) + 1, tmp.len - 2);
                    sb_free(&tmp);
                } else {
                    cat_format_bound_sql(t, &p->list_vals[v], true, out);
                }
            }
            sb_putc(out, ')');
        }
    }
    sb_append(out, ")\n");
}

static void append_props(StrBuf *out, const CatProps *props, bool force_replication) {
    const char *rn = catalog_prop(props, "replication_num");
    int n = 0;
    sb_append(out, "PROPERTIES (\n");
    if (force_replication || rn) {
        sb_appendf(out, "\"replication_num\" = ");
        append_quoted(out, rn ? rn : "1", '"');
        n++;
    }
    for (int i = 0; i < props->n; i++) {
        if (!strcasecmp(props->items[i].key, "replication_num")) continue;
        if (n++) sb_append(out, ",\n");
        append_quoted(out, props->items[i].key, '"');
        sb_append(out, " = ");
        append_quoted(out, props->items[i].value, '"');
    }
    sb_append(out, "\n)");
}

static void show_create_view(const CatTable *t, StrBuf *out) {
    sb_append(out, "CREATE VIEW ");
    append_ident(out, t->name);
    if (t->nview_cols) {
        sb_append(out, " (");
        for (int i = 0; i < t->nview_cols; i++) {
            if (i) sb_append(out, ", ");
            append_ident(out, t->view_cols[i].name);
            if (t->view_cols[i].comment && *t->view_cols[i].comment) {
                sb_append(out, " COMMENT ");
                append_quoted(out, t->view_cols[i].comment, '"');
            }
        }
        sb_putc(out, ')');
    }
    if (t->comment && *t->comment) {
        sb_append(out, " COMMENT ");
        append_quoted(out, t->comment, '"');
    }
    sb_append(out, " AS ");
    sb_append(out, t->view_sql ? t->view_sql : "");
    sb_putc(out, ';');
}

void catalog_show_create(const CatDatabase *db, const CatTable *t, StrBuf *out) {
    (void)db;
    if (t->kind == TABLE_VIEW) {
        show_create_view(t, out);
        return;
    }
    sb_append(out, "CREATE TABLE ");
    append_ident(out, t->name);
    sb_append(out, " (\n");
    for (int i = 0; i < t->ncols; i++) {
        if (i) sb_append(out, ",\n");
        append_column(out, t, &t->cols[i]);
    }
    for (int i = 0; i < t->nindex_defs; i++) {
        const CatIndexDef *d = &t->index_defs[i];
        sb_append(out, ",\n  INDEX ");
        append_ident(out, d->name);
        sb_append(out, " (");
        for (int k = 0; k < d->ncols; k++) {
            if (k) sb_append(out, ", ");
            append_ident(out, d->cols[k]);
        }
        sb_putc(out, ')');
        if (d->using_type) sb_appendf(out, " USING %s", d->using_type);
        if (d->comment) {
            sb_append(out, " COMMENT ");
            append_quoted(out, d->comment, '\'');
        }
    }
    sb_append(out, "\n) ENGINE=OLAP\n");
    sb_appendf(out, "%s KEY(", keys_type_name(t->keys));
    for (int i = 0; i < t->nkeys; i++) {
        if (i) sb_append(out, ", ");
        append_ident(out, t->cols[i].name);
    }
    sb_append(out, ")\n");
    if (t->comment && *t->comment) {
        sb_append(out, "COMMENT ");
        append_quoted(out, t->comment, '"');
        sb_putc(out, '\n');
    }
    append_partitions(out, t);
    if (t->dist_type == DIST_HASH) {
        sb_append(out, "DISTRIBUTED BY HASH(");
        append_col_list(out, t, t->dist_cols, t->ndist_cols);
        sb_putc(out, ')');
    } else {
        sb_append(out, "DISTRIBUTED BY RANDOM");
    }
    if (t->default_buckets > 0) sb_appendf(out, " BUCKETS %d", t->default_buckets);
    sb_putc(out, '\n');
    if (t->norder_by) {
        sb_append(out, "ORDER BY(");
        for (int i = 0; i < t->norder_by; i++) {
            if (i) sb_append(out, ", ");
            append_ident(out, t->order_by[i]);
        }
        sb_append(out, ")\n");
    }
    append_props(out, &t->props, true);
    sb_putc(out, ';');
}

/* SHOW CREATE DATABASE text. */
void cat_show_create_database(const CatDatabase *db, StrBuf *out) {
    sb_append(out, "CREATE DATABASE ");
    append_ident(out, db->name);
    if (db->props.n) {
        sb_putc(out, '\n');
        append_props(out, &db->props, false);
    }
}
