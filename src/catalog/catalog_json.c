/* JSON forms of catalog objects: a table's definition (stored in cat_table.def and embedded in backup
 * manifests), partitions with their bounds, tablets and rowsets. Values of partition bounds are written as
 * text in the column's type (type_format_datum) so that the form is readable and stable across versions. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_int.h"

/* ---------------------------------------------------------------- small JSON helpers */

static const char *jstr(const json_t *o, const char *k) {
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t jint(const json_t *o, const char *k, int64_t dflt) {
    const json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

static bool jbool(const json_t *o, const char *k) {
    const json_t *v = json_object_get(o, k);
    return json_is_true(v);
}

static void jset_str(json_t *o, const char *k, const char *v) {
    if (v) json_object_set_new(o, k, json_string(v));
}

static json_t *str_array(char **items, int n) {
    json_t *a = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(a, json_string(items[i]));
    return a;
}

static char **str_array_from(const json_t *a, int *n) {
    *n = 0;
    if (!json_is_array(a) || !json_array_size(a)) return NULL;
    size_t cnt = json_array_size(a);
    char **out = calloc(cnt, sizeof *out);
    if (!out) abort();
    for (size_t i = 0; i < cnt; i++) {
        const char *s = json_string_value(json_array_get(a, i));
        out[(*n)++] = cat_strdup(s ? s : "");
    }
    return out;
}

/* ---------------------------------------------------------------- types and columns */

static json_t *type_to_json(const DataType *t) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(type_name(t->id)));
    if (t->id == TYPE_DECIMAL) {
        json_object_set_new(o, "precision", json_integer(t->precision));
        json_object_set_new(o, "scale", json_integer(t->scale));
    }
    if (t->len) json_object_set_new(o, "len", json_integer(t->len));
    return o;
}

static Status type_from_json(const json_t *o, DataType *out, Error *err) {
    const char *name = jstr(o, "id");
    if (!name) return err_set(err, ERR_CORRUPT, "column type without an id");
    for (int id = TYPE_NULL; id < TYPE__COUNT; id++) {
        if (strcmp(type_name((TypeId)id), name)) continue;
        *out = type_make((TypeId)id);
        if (id == TYPE_DECIMAL) {
            out->precision = (int16_t)jint(o, "precision", 10);
            out->scale = (int16_t)jint(o, "scale", 0);
        }
        out->len = (int32_t)jint(o, "len", out->len);
        return STATUS_OK;
    }
    return err_set(err, ERR_CORRUPT, "unknown column type '%s'", name);
}

static json_t *column_to_json(const CatColumn *c) {
    json_t *o = json_object();
    json_object_set_new(o, "uid", json_integer(c->uid));
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "type", type_to_json(&c->type));
    json_object_set_new(o, "nullable", json_boolean(c->nullable));
    json_object_set_new(o, "is_key", json_boolean(c->is_key));
    if (c->agg) json_object_set_new(o, "agg", json_string(agg_type_name(c->agg)));
    if (c->default_kind) json_object_set_new(o, "default_kind", json_integer(c->default_kind));
    jset_str(o, "default", c->default_value);
    if (c->auto_increment) json_object_set_new(o, "auto_increment", json_true());
    if (c->comment && *c->comment) json_object_set_new(o, "comment", json_string(c->comment));
    return o;
}

static Status column_from_json(const json_t *o, CatColumn *c, Error *err) {
    memset(c, 0, sizeof *c);
    const char *name = jstr(o, "name");
    if (!name) return err_set(err, ERR_CORRUPT, "column without a name");
    if (type_from_json(json_object_get(o, "type"), &c->type, err))
        return err_prefix(err, "column '%s': ", name);
    c->uid = (int32_t)jint(o, "uid", 0);
    c->name = cat_strdup(name);
    c->nullable = jbool(o, "nullable");
    c->is_key = jbool(o, "is_key");
    const char *agg = jstr(o, "agg");
    c->agg = agg ? agg_type_from_name(agg) : AGG_NONE;
    c->default_kind = (CatDefaultKind)jint(o, "default_kind", 0);
    c->default_value = cat_strdup(jstr(o, "default"));
    c->auto_increment = jbool(o, "auto_increment");
    c->comment = cat_strdup(jstr(o, "comment") ? jstr(o, "comment") : "");
    return STATUS_OK;
}

static json_t *columns_to_json(const CatColumn *cols, int n) {
    json_t *a = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(a, column_to_json(&cols[i]));
    return a;
}

static Status columns_from_json(const json_t *a, CatColumn **out, int *n, Error *err) {
    *out = NULL;
    *n = 0;
    size_t cnt = json_is_array(a) ? json_array_size(a) : 0;
    if (!cnt) return STATUS_OK;
    CatColumn *cols = calloc(cnt, sizeof *cols);
    if (!cols) abort();
    for (size_t i = 0; i < cnt; i++) {
        if (column_from_json(json_array_get(a, i), &cols[i], err)) {
            for (size_t k = 0; k < i; k++) cat_column_free(&cols[k]);
            free(cols);
            return STATUS_ERROR;
        }
    }
    *out = cols;
    *n = (int)cnt;
    return STATUS_OK;
}

/* ---------------------------------------------------------------- properties */

json_t *cat_props_to_json(const CatProps *p) {
    json_t *a = json_array();
    for (int i = 0; i < p->n; i++) {
        json_t *kv = json_array();
        json_array_append_new(kv, json_string(p->items[i].key));
        json_array_append_new(kv, json_string(p->items[i].value));
        json_array_append_new(a, kv);
    }
    return a;
}

void cat_props_from_json(CatProps *p, const json_t *j) {
    memset(p, 0, sizeof *p);
    for (size_t i = 0; json_is_array(j) && i < json_array_size(j); i++) {
        const json_t *kv = json_array_get(j, i);
        const char *k = json_string_value(json_array_get(kv, 0));
        const char *v = json_string_value(json_array_get(kv, 1));
        if (k && v) cat_props_set(p, k, v);
    }
}

/* ---------------------------------------------------------------- bounds */

Status cat_datum_parse(const DataType *type, const char *text, Datum *out, Error *err) {
    Arena *a = arena_new(1024);
    Datum d;
    memset(&d, 0, sizeof d);
    Status st = type_parse_datum(type, text, strlen(text), &d, a, err);
    if (!st) {
        *out = d;
        if (type_is_string(type->id)) {
            char *p = malloc(d.v.str.len + 1);
            if (!p) abort();
            if (d.v.str.len) memcpy(p, d.v.str.ptr, d.v.str.len);
            p[d.v.str.len] = '\0';
            out->v.str.ptr = p;
        }
    }
    arena_free(a);
    return st;
}

json_t *cat_bound_to_json(const CatTable *t, const CatBound *b) {
    json_t *o = json_object();
    if (b->is_min) json_object_set_new(o, "min", json_true());
    if (b->is_max) json_object_set_new(o, "max", json_true());
    if (b->n) {
        DataType types[8];
        cat_part_types(t, types);
        json_t *a = json_array();
        StrBuf sb = STRBUF_INIT;
        for (int i = 0; i < b->n; i++) {
            if (b->vals[i].is_null) {
                json_array_append_new(a, json_null());
                continue;
            }
            sb_reset(&sb);
            type_format_datum(&types[i], &b->vals[i], &sb);
            json_array_append_new(a, json_string(sb_str(&sb)));
        }
        sb_free(&sb);
        json_object_set_new(o, "v", a);
    }
    return o;
}

Status cat_bound_from_json(const CatTable *t, const json_t *j, CatBound *out, Error *err) {
    memset(out, 0, sizeof *out);
    if (!json_is_object(j)) return STATUS_OK;
    out->is_min = jbool(j, "min");
    out->is_max = jbool(j, "max");
    const json_t *a = json_object_get(j, "v");
    size_t n = json_is_array(a) ? json_array_size(a) : 0;
    if (!n) return STATUS_OK;
    DataType types[8];
    int nt = cat_part_types(t, types);
    if ((int)n > nt) return err_set(err, ERR_CORRUPT, "partition bound has %zu values for %d columns", n, nt);
    out->vals = calloc(n, sizeof *out->vals);
    if (!out->vals) abort();
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(a, i);
        if (json_is_null(v)) {
            out->vals[i].is_null = true;
        } else if (cat_datum_parse(&types[i], json_string_value(v) ? json_string_value(v) : "", &out->vals[i],
                                   err)) {
            out->n = (int)i;
            cat_bound_free(out, types);
            return STATUS_ERROR;
        }
        out->n = (int)i + 1;
    }
    return STATUS_OK;
}

/* ---------------------------------------------------------------- rowsets and partitions */

json_t *cat_rowset_segments_to_json(const CatRowset *rs) {
    json_t *a = json_array();
    for (int i = 0; i < rs->nsegments; i++) {
        const CatSegmentFile *f = &rs->segments[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(f->name));
        json_object_set_new(o, "size", json_integer(f->size));
        /* 64-bit checksums do not fit JSON integers (signed): hex text. */
        char hex[17];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)f->checksum);
        json_object_set_new(o, "checksum", json_string(hex));
        json_object_set_new(o, "nrows", json_integer(f->nrows));
        if (f->sha256[0]) json_object_set_new(o, "sha256", json_string(f->sha256));
        json_array_append_new(a, o);
    }
    return a;
}

Status cat_rowset_segments_from_json(CatRowset *rs, const json_t *j, Error *err) {
    size_t n = json_is_array(j) ? json_array_size(j) : 0;
    rs->nsegments = 0;
    rs->segments = n ? calloc(n, sizeof *rs->segments) : NULL;
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(j, i);
        CatSegmentFile *f = &rs->segments[i];
        const char *name = jstr(o, "name");
        if (!name) return err_set(err, ERR_CORRUPT, "rowset %lld: segment %zu without a name", (long long)rs->id, i);
        f->name = cat_strdup(name);
        f->size = jint(o, "size", 0);
        const char *ck = jstr(o, "checksum");
        f->checksum = ck ? strtoull(ck, NULL, 16) : 0;
        f->nrows = jint(o, "nrows", 0);
        const char *sha = jstr(o, "sha256");
        if (sha && strlen(sha) == 64) memcpy(f->sha256, sha, 65);
        rs->nsegments = (int)i + 1;
    }
    return STATUS_OK;
}

static json_t *rowset_to_json(const CatRowset *rs) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(rs->id));
    json_object_set_new(o, "start_version", json_integer(rs->start_version));
    json_object_set_new(o, "end_version", json_integer(rs->end_version));
    json_object_set_new(o, "nrows", json_integer(rs->nrows));
    json_object_set_new(o, "data_size", json_integer(rs->data_size));
    json_object_set_new(o, "segments", cat_rowset_segments_to_json(rs));
    jset_str(o, "delete_pred", rs->delete_pred);
    return o;
}

json_t *cat_partition_to_json(const CatTable *t, const CatPartition *p, bool with_tablets) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(p->id));
    json_object_set_new(o, "name", json_string(p->name));
    if (p->lower.n || p->lower.is_min || p->lower.is_max) json_object_set_new(o, "lower", cat_bound_to_json(t, &p->lower));
    if (p->upper.n || p->upper.is_min || p->upper.is_max) json_object_set_new(o, "upper", cat_bound_to_json(t, &p->upper));
    if (p->nlist) {
        json_t *a = json_array();
        for (int i = 0; i < p->nlist; i++) json_array_append_new(a, cat_bound_to_json(t, &p->list_vals[i]));
        json_object_set_new(o, "list", a);
    }
    json_object_set_new(o, "buckets", json_integer(p->buckets));
    json_object_set_new(o, "replication_num", json_integer(p->replication_num));
    jset_str(o, "storage_medium", p->storage_medium);
    if (p->is_temp) json_object_set_new(o, "is_temp", json_true());
    if (with_tablets) {
        json_object_set_new(o, "visible_version", json_integer(p->visible_version));
        json_object_set_new(o, "visible_version_time_ms", json_integer(p->visible_version_time_ms));
        json_t *tabs = json_array();
        for (int i = 0; i < p->ntablets; i++) {
            const CatTablet *tb = p->tablets[i];
            json_t *to = json_object();
            json_object_set_new(to, "id", json_integer(tb->id));
            json_object_set_new(to, "index_id", json_integer(tb->index_id));
            json_object_set_new(to, "bucket", json_integer(tb->bucket));
            json_t *rsa = json_array();
            for (int r = 0; r < tb->nrowsets; r++) {
                const CatRowset *rs = tb->rowsets[r];
                if (rs->state != ROWSET_VISIBLE || rs->end_version > p->visible_version) continue;
                json_array_append_new(rsa, rowset_to_json(rs));
            }
            json_object_set_new(to, "rowsets", rsa);
            json_array_append_new(tabs, to);
        }
        json_object_set_new(o, "tablets", tabs);
    }
    return o;
}

Status cat_partition_from_json(const CatTable *t, const json_t *j, CatPartition **out, Error *err) {
    const char *name = jstr(j, "name");
    if (!name) return err_set(err, ERR_CORRUPT, "partition without a name");
    CatPartition *p = calloc(1, sizeof *p);
    if (!p) abort();
    p->id = jint(j, "id", 0);
    p->name = cat_strdup(name);
    p->buckets = (int)jint(j, "buckets", 1);
    p->replication_num = (int)jint(j, "replication_num", 1);
    p->storage_medium = cat_strdup(jstr(j, "storage_medium") ? jstr(j, "storage_medium") : "HDD");
    p->is_temp = jbool(j, "is_temp");
    p->visible_version = jint(j, "visible_version", 1);
    p->visible_version_time_ms = jint(j, "visible_version_time_ms", 0);
    p->next_version = p->visible_version + 1;
    Status st = cat_bound_from_json(t, json_object_get(j, "lower"), &p->lower, err);
    if (!st) st = cat_bound_from_json(t, json_object_get(j, "upper"), &p->upper, err);
    const json_t *list = json_object_get(j, "list");
    size_t nl = json_is_array(list) ? json_array_size(list) : 0;
    if (!st && nl) {
        p->list_vals = calloc(nl, sizeof *p->list_vals);
        if (!p->list_vals) abort();
        for (size_t i = 0; i < nl && !st; i++) {
            st = cat_bound_from_json(t, json_array_get(list, i), &p->list_vals[i], err);
            if (!st) p->nlist = (int)i + 1;
        }
    }
    if (st) {
        cat_partition_free(p, t);
        return err_prefix(err, "partition '%s': ", name);
    }
    *out = p;
    return STATUS_OK;
}

/* Tablets and rowsets of a partition as catalog_table_to_json(with_partitions) wrote them. */
static Status partition_tablets_from_json(CatPartition *p, const json_t *tabs, Error *err) {
    size_t n = json_is_array(tabs) ? json_array_size(tabs) : 0;
    p->tablets = calloc(n ? n : 1, sizeof *p->tablets);
    if (!p->tablets) abort();
    for (size_t i = 0; i < n; i++) {
        const json_t *to = json_array_get(tabs, i);
        CatTablet *tb = calloc(1, sizeof *tb);
        if (!tb) abort();
        tb->id = jint(to, "id", 0);
        tb->partition_id = p->id;
        tb->index_id = jint(to, "index_id", 0);
        tb->bucket = (int)jint(to, "bucket", 0);
        p->tablets[p->ntablets++] = tb;
        const json_t *rsa = json_object_get(to, "rowsets");
        for (size_t r = 0; json_is_array(rsa) && r < json_array_size(rsa); r++) {
            const json_t *ro = json_array_get(rsa, r);
            CatRowset *rs = calloc(1, sizeof *rs);
            if (!rs) abort();
            rs->id = jint(ro, "id", 0);
            rs->tablet_id = tb->id;
            rs->start_version = jint(ro, "start_version", 0);
            rs->end_version = jint(ro, "end_version", 0);
            rs->nrows = jint(ro, "nrows", 0);
            rs->data_size = jint(ro, "data_size", 0);
            rs->delete_pred = cat_strdup(jstr(ro, "delete_pred"));
            atomic_init(&rs->refcount, 1);
            cat_tablet_add_rowset(tb, rs);
            if (cat_rowset_segments_from_json(rs, json_object_get(ro, "segments"), err)) return STATUS_ERROR;
        }
    }
    return STATUS_OK;
}

/* ---------------------------------------------------------------- tables */

static const char *kind_name(CatTableKind k) {
    return k == TABLE_VIEW ? "VIEW" : k == TABLE_MV ? "MATERIALIZED_VIEW" : "OLAP";
}

static const char *part_type_name(PartType p) {
    return p == PART_RANGE ? "RANGE" : p == PART_LIST ? "LIST" : p == PART_EXPR ? "EXPR" : "NONE";
}

static json_t *col_names_json(const CatTable *t, const int *pos, int n) {
    json_t *a = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(a, json_string(t->cols[pos[i]].name));
    return a;
}

json_t *catalog_table_to_json(const CatTable *t, bool with_partitions) {
    json_t *o = json_object();
    json_object_set_new(o, "format", json_integer(1));
    json_object_set_new(o, "id", json_integer(t->id));
    json_object_set_new(o, "name", json_string(t->name));
    json_object_set_new(o, "kind", json_string(kind_name(t->kind)));
    json_object_set_new(o, "columns", columns_to_json(t->cols, t->ncols));
    json_object_set_new(o, "next_col_uid", json_integer(t->next_col_uid));
    json_object_set_new(o, "keys", json_string(keys_type_name(t->keys)));
    json_object_set_new(o, "nkeys", json_integer(t->nkeys));
    json_t *part = json_object();
    json_object_set_new(part, "type", json_string(part_type_name(t->part_type)));
    json_object_set_new(part, "columns", col_names_json(t, t->part_cols, t->npart_cols));
    jset_str(part, "expr", t->part_expr);
    jset_str(part, "unit", t->part_expr_unit);
    json_object_set_new(o, "partition", part);
    json_t *dist = json_object();
    json_object_set_new(dist, "type", json_string(t->dist_type == DIST_RANDOM ? "RANDOM" : t->dist_type == DIST_HASH ? "HASH" : "NONE"));
    json_object_set_new(dist, "columns", col_names_json(t, t->dist_cols, t->ndist_cols));
    json_object_set_new(dist, "buckets", json_integer(t->default_buckets));
    json_object_set_new(o, "distribution", dist);
    if (t->norder_by) json_object_set_new(o, "order_by", str_array(t->order_by, t->norder_by));
    json_object_set_new(o, "properties", cat_props_to_json(&t->props));
    if (t->comment && *t->comment) json_object_set_new(o, "comment", json_string(t->comment));
    jset_str(o, "view_sql", t->view_sql);
    if (t->nview_cols) json_object_set_new(o, "view_columns", columns_to_json(t->view_cols, t->nview_cols));
    json_t *ixs = json_array();
    for (int i = 0; i < t->nindexes; i++) {
        const CatIndex *ix = t->indexes[i];
        json_t *io = json_object();
        json_object_set_new(io, "id", json_integer(ix->id));
        json_object_set_new(io, "name", json_string(ix->name));
        json_object_set_new(io, "is_base", json_boolean(ix->is_base));
        json_object_set_new(io, "keys", json_string(keys_type_name(ix->keys)));
        json_object_set_new(io, "nkeys", json_integer(ix->nkeys));
        jset_str(io, "define_sql", ix->define_sql);
        json_object_set_new(io, "state", json_integer(ix->state));
        if (!ix->is_base) {
            json_object_set_new(io, "columns", columns_to_json(ix->cols, ix->ncols));
            json_t *bc = json_array();
            for (int k = 0; k < ix->ncols; k++) json_array_append_new(bc, json_integer(ix->base_col[k]));
            json_object_set_new(io, "base_col", bc);
        }
        json_array_append_new(ixs, io);
    }
    json_object_set_new(o, "indexes", ixs);
    if (t->nindex_defs) {
        json_t *a = json_array();
        for (int i = 0; i < t->nindex_defs; i++) {
            const CatIndexDef *d = &t->index_defs[i];
            json_t *io = json_object();
            json_object_set_new(io, "name", json_string(d->name));
            json_object_set_new(io, "columns", str_array(d->cols, d->ncols));
            jset_str(io, "using", d->using_type);
            jset_str(io, "comment", d->comment);
            json_array_append_new(a, io);
        }
        json_object_set_new(o, "index_defs", a);
    }
    json_object_set_new(o, "create_time_ms", json_integer(t->create_time_ms));
    jset_str(o, "mv", t->mv_def);
    if (with_partitions) {
        json_t *pa = json_array();
        for (int i = 0; i < t->nparts; i++)
            if (t->parts[i]->state == PART_NORMAL) json_array_append_new(pa, cat_partition_to_json(t, t->parts[i], true));
        json_object_set_new(o, "partitions", pa);
    }
    return o;
}

static Status names_to_positions(CatTable *t, const json_t *a, int **pos, int *n, const char *what, Error *err) {
    *n = 0;
    *pos = NULL;
    size_t cnt = json_is_array(a) ? json_array_size(a) : 0;
    if (!cnt) return STATUS_OK;
    *pos = calloc(cnt, sizeof **pos);
    if (!*pos) abort();
    for (size_t i = 0; i < cnt; i++) {
        const char *name = json_string_value(json_array_get(a, i));
        int c = name ? catalog_find_column(t, name) : -1;
        if (c < 0) return err_set(err, ERR_CORRUPT, "%s column '%s' is not a column of the table", what, name ? name : "?");
        (*pos)[(*n)++] = c;
    }
    return STATUS_OK;
}

static Status table_from_json(const json_t *j, CatTable *t, Error *err) {
    const char *name = jstr(j, "name");
    if (!name) return err_set(err, ERR_CORRUPT, "table definition without a name");
    t->id = jint(j, "id", 0);
    t->name = cat_strdup(name);
    const char *kind = jstr(j, "kind");
    t->kind = kind && !strcmp(kind, "VIEW") ? TABLE_VIEW : kind && !strcmp(kind, "MATERIALIZED_VIEW") ? TABLE_MV : TABLE_OLAP;
    if (columns_from_json(json_object_get(j, "columns"), &t->cols, &t->ncols, err)) return STATUS_ERROR;
    t->next_col_uid = (int32_t)jint(j, "next_col_uid", t->ncols);
    const char *keys = jstr(j, "keys");
    t->keys = KEYS_DUPLICATE;
    if (keys && !strcmp(keys, "AGGREGATE")) t->keys = KEYS_AGGREGATE;
    if (keys && !strcmp(keys, "UNIQUE")) t->keys = KEYS_UNIQUE;
    if (keys && !strcmp(keys, "PRIMARY")) t->keys = KEYS_PRIMARY;
    t->nkeys = (int)jint(j, "nkeys", 0);
    const json_t *part = json_object_get(j, "partition");
    const char *pt = jstr(part, "type");
    t->part_type = !pt ? PART_NONE : !strcmp(pt, "RANGE") ? PART_RANGE : !strcmp(pt, "LIST") ? PART_LIST
                                    : !strcmp(pt, "EXPR") ? PART_EXPR : PART_NONE;
    if (names_to_positions(t, json_object_get(part, "columns"), &t->part_cols, &t->npart_cols, "partition", err))
        return STATUS_ERROR;
    t->part_expr = cat_strdup(jstr(part, "expr"));
    t->part_expr_unit = cat_strdup(jstr(part, "unit"));
    const json_t *dist = json_object_get(j, "distribution");
    const char *dt = jstr(dist, "type");
    t->dist_type = !dt ? DIST_NONE : !strcmp(dt, "HASH") ? DIST_HASH : !strcmp(dt, "RANDOM") ? DIST_RANDOM : DIST_NONE;
    if (names_to_positions(t, json_object_get(dist, "columns"), &t->dist_cols, &t->ndist_cols, "distribution", err))
        return STATUS_ERROR;
    t->default_buckets = (int)jint(dist, "buckets", 0);
    t->order_by = str_array_from(json_object_get(j, "order_by"), &t->norder_by);
    cat_props_from_json(&t->props, json_object_get(j, "properties"));
    t->comment = cat_strdup(jstr(j, "comment") ? jstr(j, "comment") : "");
    t->view_sql = cat_strdup(jstr(j, "view_sql"));
    if (columns_from_json(json_object_get(j, "view_columns"), &t->view_cols, &t->nview_cols, err)) return STATUS_ERROR;
    const json_t *ixs = json_object_get(j, "indexes");
    size_t nix = json_is_array(ixs) ? json_array_size(ixs) : 0;
    t->indexes = calloc(nix ? nix : 1, sizeof *t->indexes);
    if (!t->indexes) abort();
    for (size_t i = 0; i < nix; i++) {
        const json_t *io = json_array_get(ixs, i);
        CatIndex *ix = calloc(1, sizeof *ix);
        if (!ix) abort();
        t->indexes[t->nindexes++] = ix;
        ix->id = jint(io, "id", 0);
        ix->name = cat_strdup(jstr(io, "name") ? jstr(io, "name") : t->name);
        ix->is_base = jbool(io, "is_base");
        const char *ik = jstr(io, "keys");
        ix->keys = ik && !strcmp(ik, "AGGREGATE") ? KEYS_AGGREGATE : ik && !strcmp(ik, "UNIQUE") ? KEYS_UNIQUE
                   : ik && !strcmp(ik, "PRIMARY") ? KEYS_PRIMARY : KEYS_DUPLICATE;
        ix->nkeys = (int)jint(io, "nkeys", 0);
        ix->define_sql = cat_strdup(jstr(io, "define_sql"));
        ix->state = (CatIndexState)jint(io, "state", 0);
        if (ix->is_base) continue;
        if (columns_from_json(json_object_get(io, "columns"), &ix->cols, &ix->ncols, err)) return STATUS_ERROR;
        ix->base_col = calloc((size_t)(ix->ncols ? ix->ncols : 1), sizeof *ix->base_col);
        const json_t *bc = json_object_get(io, "base_col");
        for (int k = 0; k < ix->ncols; k++) ix->base_col[k] = (int)json_integer_value(json_array_get(bc, (size_t)k));
    }
    const json_t *defs = json_object_get(j, "index_defs");
    size_t nd = json_is_array(defs) ? json_array_size(defs) : 0;
    if (nd) {
        t->index_defs = calloc(nd, sizeof *t->index_defs);
        if (!t->index_defs) abort();
        for (size_t i = 0; i < nd; i++) {
            const json_t *io = json_array_get(defs, i);
            CatIndexDef *d = &t->index_defs[t->nindex_defs++];
            d->name = cat_strdup(jstr(io, "name") ? jstr(io, "name") : "");
            d->cols = str_array_from(json_object_get(io, "columns"), &d->ncols);
            d->using_type = cat_strdup(jstr(io, "using"));
            d->comment = cat_strdup(jstr(io, "comment"));
        }
    }
    t->create_time_ms = jint(j, "create_time_ms", 0);
    t->mv_def = cat_strdup(jstr(j, "mv"));
    cat_table_sync_base_index(t);
    const json_t *pa = json_object_get(j, "partitions");
    for (size_t i = 0; json_is_array(pa) && i < json_array_size(pa); i++) {
        const json_t *po = json_array_get(pa, i);
        CatPartition *p;
        if (cat_partition_from_json(t, po, &p, err)) return STATUS_ERROR;
        p->table_id = t->id;
        if (t->nparts == t->capparts) {
            t->capparts = t->capparts ? t->capparts * 2 : 8;
            t->parts = realloc(t->parts, (size_t)t->capparts * sizeof *t->parts);
            if (!t->parts) abort();
        }
        t->parts[t->nparts++] = p;
        if (partition_tablets_from_json(p, json_object_get(po, "tablets"), err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}

Status catalog_table_from_json(const json_t *j, CatTable **out, Error *err) {
    if (!json_is_object(j)) return err_set(err, ERR_CORRUPT, "table definition is not a JSON object");
    CatTable *t = calloc(1, sizeof *t);
    if (!t) abort();
    if (table_from_json(j, t, err)) {
        catalog_table_free(t);
        return STATUS_ERROR;
    }
    *out = t;
    return STATUS_OK;
}
