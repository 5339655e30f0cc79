/* CREATE TABLE analysis: turns the statement into a validated, detached CatTable — columns, key model,
 * partitioning, distribution, sort key, index definitions and properties — with StarRocks' rules and an
 * actionable message (and errno) for each mistake. The caller assigns ids and persists the result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/ddl_int.h"
#include "util/str.h"

/* ---------------------------------------------------------------- properties */

static const char *const KNOWN_PROPS[] = {
    "replication_num", "storage_medium", "storage_cooldown_time", "storage_cooldown_ttl", "colocate_with",
    "in_memory", "enable_persistent_index", "persistent_index_type", "compression", "bloom_filter_columns",
    "partition_live_number", "partition_ttl", "partition_ttl_number", "fast_schema_evolution", "replicated_storage",
    "write_quorum", "storage_type", "primary_index_cache_expire_sec", "unique_constraints",
    "foreign_key_constraints", "bucket_size", "mutable_bucket_num", "labels.location", "datacache.enable",
    "datacache.partition_duration", "enable_async_write_back", "file_bundling", "base_compaction_forbidden_time_ranges",
    "enable_load_profile", "compaction_strategy", "flat_json.enable", "storage_format"};

static const char *const DYNAMIC_PROPS[] = {
    "dynamic_partition.enable", "dynamic_partition.time_unit", "dynamic_partition.start", "dynamic_partition.end",
    "dynamic_partition.prefix", "dynamic_partition.buckets", "dynamic_partition.history_partition_num",
    "dynamic_partition.start_day_of_week", "dynamic_partition.start_day_of_month", "dynamic_partition.time_zone",
    "dynamic_partition.replication_num"};

static bool in_list(const char *k, const char *const *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(k, list[i])) return true;
    return false;
}

Status table_props_apply(CatTable *t, const PropList *props, bool alter, Error *err) {
    for (int i = 0; i < props->n; i++) {
        const char *k = props->items[i].key, *v = props->items[i].value;
        bool dyn = in_list(k, DYNAMIC_PROPS, sizeof DYNAMIC_PROPS / sizeof DYNAMIC_PROPS[0]);
        if (!dyn && !in_list(k, KNOWN_PROPS, sizeof KNOWN_PROPS / sizeof KNOWN_PROPS[0]))
            return err_set(err, ERR_COMMON, "Unknown properties: {%s=%s}", k, v);
        if (!strcasecmp(k, "replication_num") || !strcasecmp(k, "dynamic_partition.replication_num")) {
            int64_t n;
            if (!str_to_int64(v, &n) || n < 1)
                return err_set(err, ERR_INVALID_ARGUMENT, "%s must be a positive integer, got '%s'", k, v);
            if (n > 1)
                return err_set(err, ERR_COMMON,
                               "Table replication num should be less than or equal to the number of available BE "
                               "nodes. You can change this default by setting the replication_num table properties. "
                               "Current alive backend is [10001].");
        } else if (!strcasecmp(k, "storage_medium")) {
            if (strcasecmp(v, "HDD") && strcasecmp(v, "SSD"))
                return err_set(err, ERR_INVALID_ARGUMENT, "storage_medium must be HDD or SSD, got '%s'", v);
            cat_props_set(&t->props, "storage_medium", strcasecmp(v, "SSD") ? "HDD" : "SSD");
            continue;
        } else if (!strcasecmp(k, "in_memory") || !strcasecmp(k, "enable_persistent_index") ||
                   !strcasecmp(k, "dynamic_partition.enable") || !strcasecmp(k, "fast_schema_evolution") ||
                   !strcasecmp(k, "replicated_storage")) {
            bool b;
            if (!str_to_bool(v, &b))
                return err_set(err, ERR_INVALID_ARGUMENT, "%s must be true or false, got '%s'", k, v);
        } else if (!strcasecmp(k, "dynamic_partition.time_unit")) {
            static const char *const units[] = {"HOUR", "DAY", "WEEK", "MONTH", "YEAR"};
            if (!in_list(v, units, 5))
                return err_set(err, ERR_INVALID_ARGUMENT,
                               "dynamic_partition.time_unit must be HOUR, DAY, WEEK, MONTH or YEAR, got '%s'", v);
        } else if (!strcasecmp(k, "dynamic_partition.start") || !strcasecmp(k, "dynamic_partition.end") ||
                   !strcasecmp(k, "dynamic_partition.buckets") ||
                   !strcasecmp(k, "dynamic_partition.history_partition_num") ||
                   !strcasecmp(k, "partition_live_number") || !strcasecmp(k, "bucket_size")) {
            int64_t n;
            if (!str_to_int64(v, &n)) return err_set(err, ERR_INVALID_ARGUMENT, "%s must be an integer, got '%s'", k, v);
        } else if (!strcasecmp(k, "bloom_filter_columns")) {
            /* A comma-separated list of the table's columns. */
            char *copy = cat_strdup(v), *save = NULL;
            Status st = STATUS_OK;
            for (char *c = strtok_r(copy, ",", &save); c && !st; c = strtok_r(NULL, ",", &save)) {
                while (*c == ' ') c++;
                char *e = c + strlen(c);
                while (e > c && e[-1] == ' ') *--e = '\0';
                if (*c && catalog_find_column(t, c) < 0)
                    st = err_set(err, ERR_BAD_FIELD, "Bloom filter column '%s' does not exist in table '%s'", c, t->name);
            }
            free(copy);
            if (st) return st;
        } else if (!strcasecmp(k, "colocate_with") && alter && !*v) {
            cat_props_del(&t->props, "colocate_with");
            continue;
        }
        cat_props_set(&t->props, k, v);
    }
    return STATUS_OK;
}

/* ---------------------------------------------------------------- columns and keys */

/* Bytes a key column takes in the short key (StarRocks' index sizes), for the default DUPLICATE key. */
static int index_size(const DataType *t) {
    switch (t->id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: return 1;
    case TYPE_SMALLINT: return 2;
    case TYPE_INT:
    case TYPE_FLOAT: return 4;
    case TYPE_DATE: return 3;
    case TYPE_BIGINT:
    case TYPE_DATETIME:
    case TYPE_DOUBLE: return 8;
    case TYPE_LARGEINT: return 16;
    case TYPE_DECIMAL: return t->precision > 18 ? 16 : t->precision > 9 ? 8 : 4;
    case TYPE_CHAR: return t->len;
    default: return 20;
    }
}

/* StarRocks' default sort key when no KEY clause is written: up to 3 leading columns within 36 bytes,
 * stopping after the first VARCHAR and before FLOAT/DOUBLE. */
static int default_key_count(const CatTable *t, Error *err) {
    int n = 0, len = 0;
    for (int i = 0; i < t->ncols; i++) {
        const DataType *ty = &t->cols[i].type;
        len += index_size(ty);
        if (n >= 3 || len > 36) {
            if (n == 0 && type_is_string(ty->id)) n = 1;
            break;
        }
        if (ty->id == TYPE_FLOAT || ty->id == TYPE_DOUBLE) break;
        n++;
        if (ty->id == TYPE_VARCHAR || ty->id == TYPE_STRING) break;
    }
    if (n == 0) err_set(err, ERR_COMMON, "The olap table first column could not be float, double, or complex type");
    return n;
}

static Status check_default(const CatColumn *c, Error *err) {
    if (c->default_kind == CAT_DEFAULT_CURRENT_TIMESTAMP && c->type.id != TYPE_DATETIME)
        return err_set(err, ERR_COMMON, "Invalid default value for '%s': CURRENT_TIMESTAMP needs a DATETIME column",
                       c->name);
    if (c->default_kind == CAT_DEFAULT_NULL && !c->nullable)
        return err_set(err, ERR_COMMON, "Invalid default value for '%s': the column is NOT NULL", c->name);
    if (c->default_kind == CAT_DEFAULT_VALUE) {
        Arena *a = arena_new(1024);
        Datum d;
        Status st = type_parse_datum(&c->type, c->default_value, strlen(c->default_value), &d, a, err);
        arena_free(a);
        if (st) return err_prefix(err, "Invalid default value for '%s': ", c->name);
    }
    return STATUS_OK;
}

static Status check_agg_type(const CatColumn *c, Error *err) {
    bool num = type_is_numeric(c->type.id) && c->type.id != TYPE_BOOLEAN;
    if (c->agg == AGG_SUM && !num)
        return err_set(err, ERR_COMMON, "Invalid aggregate type SUM for column '%s' of type %s: SUM needs a number",
                       c->name, type_name(c->type.id));
    if (c->agg == AGG_COUNT)
        return err_set(err, ERR_COMMON, "Invalid aggregate type COUNT for column '%s': use SUM of ones", c->name);
    return STATUS_OK;
}

static Status build_columns(const CreateTableStmt *c, CatTable *t, Error *err) {
    if (c->ncols < 1) return err_set(err, ERR_COMMON, "Table '%s' must have at least one column", c->name);
    t->cols = calloc((size_t)c->ncols, sizeof *t->cols);
    if (!t->cols) abort();
    int autoinc = 0;
    for (int i = 0; i < c->ncols; i++) {
        const ColumnDef *d = &c->cols[i];
        if (!d->name || !*d->name || strlen(d->name) > NAME_MAX_LEN)
            return err_set(err, ERR_WRONG_COLUMN_NAME, "Incorrect column name '%s'", d->name ? d->name : "");
        for (int k = 0; k < i; k++)
            if (!strcasecmp(t->cols[k].name, d->name))
                return err_set(err, ERR_DUP_FIELDNAME, "Duplicate column name '%s'", d->name);
        CatColumn *col = &t->cols[i];
        t->ncols = i + 1;
        col->uid = i;
        col->name = cat_strdup(d->name);
        col->type = d->type;
        col->nullable = d->null_spec != 2;
        col->agg = d->agg;
        col->default_kind = (CatDefaultKind)d->default_kind;
        col->default_value = cat_strdup(d->default_value);
        col->auto_increment = d->auto_increment;
        col->comment = cat_strdup(d->comment ? d->comment : "");
        if (col->type.id == TYPE_NULL)
            return err_set(err, ERR_COMMON, "Column '%s' needs a data type", d->name);
        if (d->auto_increment) {
            if (++autoinc > 1) return err_set(err, ERR_COMMON, "More than one AUTO_INCREMENT column defined in CREATE TABLE Statement.");
            if (col->type.id != TYPE_BIGINT)
                return err_set(err, ERR_COMMON, "The AUTO_INCREMENT column '%s' must be BIGINT", d->name);
            if (d->null_spec == 1)
                return err_set(err, ERR_COMMON, "The AUTO_INCREMENT column '%s' must be NOT NULL", d->name);
            col->nullable = false;
        }
    }
    t->next_col_uid = t->ncols;
    return STATUS_OK;
}

static Status build_keys(const CreateTableStmt *c, CatTable *t, Error *err) {
    t->keys = c->keys == KEYS_NONE ? KEYS_DUPLICATE : c->keys;
    if (c->nkey_cols == 0) {
        if (c->keys != KEYS_NONE)
            return err_set(err, ERR_COMMON, "%s KEY needs at least one column", keys_type_name(c->keys));
        t->nkeys = default_key_count(t, err);
        if (!t->nkeys) return STATUS_ERROR;
    } else {
        if (c->nkey_cols > t->ncols) return err_set(err, ERR_COMMON, "Table '%s' has more key columns than columns", t->name);
        for (int i = 0; i < c->nkey_cols; i++) {
            if (catalog_find_column(t, c->key_cols[i]) < 0)
                return err_set(err, ERR_BAD_FIELD, "Key column '%s' does not exist in table '%s'", c->key_cols[i],
                               t->name);
            if (strcasecmp(t->cols[i].name, c->key_cols[i]))
                return err_set(err, ERR_COMMON,
                               "Key columns should be a ordered prefix of the schema. KeyColumns[%d] (starts from "
                               "zero) is %s, but corresponding column is %s in the previous columns declaration.",
                               i, c->key_cols[i], t->cols[i].name);
        }
        t->nkeys = c->nkey_cols;
    }
    if (t->nkeys == t->ncols && t->keys == KEYS_AGGREGATE && c->nkey_cols) {
        /* An AGGREGATE table of keys only is allowed (it deduplicates rows). */
    }
    for (int i = 0; i < t->ncols; i++) {
        CatColumn *col = &t->cols[i];
        col->is_key = i < t->nkeys;
        if (col->is_key) {
            if (col->type.id == TYPE_FLOAT || col->type.id == TYPE_DOUBLE)
                return err_set(err, ERR_COMMON,
                               "Float or double can not used as a key, use decimal instead: column '%s'", col->name);
            if (col->agg)
                return err_set(err, ERR_COMMON, "Key column '%s' should not specify aggregate type", col->name);
            if (t->keys == KEYS_PRIMARY) {
                const ColumnDef *d = &c->cols[i];
                if (d->null_spec == 1)
                    return err_set(err, ERR_COMMON, "primary key column[%s] cannot be nullable", col->name);
                col->nullable = false;
            }
            continue;
        }
        if (t->keys == KEYS_AGGREGATE) {
            if (!col->agg)
                return err_set(err, ERR_COMMON, "AGG_KEYS table should specify aggregate type for non-key column[%s]",
                               col->name);
            if (check_agg_type(col, err)) return STATUS_ERROR;
        } else if (col->agg) {
            return err_set(err, ERR_COMMON,
                           "Aggregate type %s is only allowed in AGGREGATE KEY tables: column '%s' of the %s KEY "
                           "table '%s' cannot specify it",
                           agg_type_name(col->agg), col->name, keys_type_name(t->keys), t->name);
        }
        if (col->auto_increment && t->keys != KEYS_PRIMARY && t->keys != KEYS_DUPLICATE)
            return err_set(err, ERR_COMMON, "AUTO_INCREMENT column '%s' is only allowed in DUPLICATE or PRIMARY KEY tables",
                           col->name);
    }
    for (int i = 0; i < t->ncols; i++)
        if (check_default(&t->cols[i], err)) return STATUS_ERROR;
    return STATUS_OK;
}

/* ---------------------------------------------------------------- partitioning and distribution */

static bool range_type_ok(TypeId id) {
    return (type_is_integer(id) && id != TYPE_BOOLEAN) || id == TYPE_DATE || id == TYPE_DATETIME;
}

static bool list_type_ok(TypeId id) {
    return type_is_integer(id) || id == TYPE_DATE || id == TYPE_DATETIME || id == TYPE_CHAR || id == TYPE_VARCHAR ||
           id == TYPE_STRING;
}

static Status resolve_cols(CatTable *t, char **names, int n, int **out, const char *what, bool must_be_key, Error *err) {
    *out = calloc((size_t)(n ? n : 1), sizeof **out);
    if (!*out) abort();
    for (int i = 0; i < n; i++) {
        int c = catalog_find_column(t, names[i]);
        if (c < 0) return err_set(err, ERR_BAD_FIELD, "%s column '%s' does not exist in table '%s'", what, names[i], t->name);
        for (int k = 0; k < i; k++)
            if ((*out)[k] == c) return err_set(err, ERR_DUP_FIELDNAME, "Duplicate %s column '%s'", what, names[i]);
        if (must_be_key && t->keys != KEYS_DUPLICATE && !t->cols[c].is_key)
            return err_set(err, ERR_COMMON, "%s column '%s' must be a key column of the %s KEY table '%s'", what,
                           names[i], keys_type_name(t->keys), t->name);
        (*out)[i] = c;
    }
    return STATUS_OK;
}

static Status build_expr_partition(const PartitionDesc *pd, CatTable *t, Error *err) {
    const Expr *e = pd->expr;
    if (!e) {
        /* PARTITION BY (c1, c2) / PARTITION BY c: one partition per distinct value, created at load. */
        if (resolve_cols(t, pd->cols, pd->ncols, &t->part_cols, "Partition", true, err)) return STATUS_ERROR;
        t->npart_cols = pd->ncols;
        for (int i = 0; i < t->npart_cols; i++)
            if (!list_type_ok(t->cols[t->part_cols[i]].type.id))
                return err_set(err, ERR_COMMON, "Partition column '%s' of type %s cannot be used for list partitioning",
                               t->cols[t->part_cols[i]].name, type_name(t->cols[t->part_cols[i]].type.id));
        return STATUS_OK;
    }
    if (e->kind != EXPR_FUNC || strcasecmp(e->text, "date_trunc") || e->nargs != 2 ||
        e->args[0]->kind != EXPR_STRING || e->args[1]->kind != EXPR_COLUMN)
        return err_set(err, ERR_NOT_SUPPORTED,
                       "Unsupported partition expression '%s': cairn supports date_trunc('<unit>', <column>) and "
                       "column lists",
                       e->src ? e->src : "?");
    const char *unit = e->args[0]->text;
    static const char *const units[] = {"hour", "day", "week", "month", "year"};
    const char *canon = NULL;
    for (int i = 0; i < 5; i++)
        if (!strcasecmp(unit, units[i])) canon = units[i];
    if (!canon)
        return err_set(err, ERR_COMMON, "Unsupported date_trunc unit '%s' for partitioning: use hour, day, week, month or year",
                       unit);
    char *colname = e->args[1]->text;
    if (resolve_cols(t, &colname, 1, &t->part_cols, "Partition", true, err)) return STATUS_ERROR;
    t->npart_cols = 1;
    TypeId id = t->cols[t->part_cols[0]].type.id;
    if (id != TYPE_DATE && id != TYPE_DATETIME)
        return err_set(err, ERR_COMMON, "date_trunc partition column '%s' must be DATE or DATETIME, not %s", colname,
                       type_name(id));
    if (!strcmp(canon, "hour") && id != TYPE_DATETIME)
        return err_set(err, ERR_COMMON, "hour partitions need a DATETIME column; '%s' is DATE", colname);
    t->part_expr_unit = cat_strdup(canon);
    StrBuf sb = STRBUF_INIT;
    sb_appendf(&sb, "date_trunc('%s', %s)", canon, t->cols[t->part_cols[0]].name);
    t->part_expr = sb_detach(&sb);
    return STATUS_OK;
}

static Status build_partitioning(const CreateTableStmt *c, CatTable *t, Error *err) {
    const PartitionDesc *pd = c->partition;
    if (!pd) {
        t->part_type = PART_NONE;
        return STATUS_OK;
    }
    t->part_type = pd->type;
    if (pd->type == PART_EXPR) return build_expr_partition(pd, t, err);
    if (pd->ncols < 1 || pd->ncols > 8)
        return err_set(err, ERR_COMMON, "A table is partitioned by 1 to 8 columns, got %d", pd->ncols);
    if (resolve_cols(t, pd->cols, pd->ncols, &t->part_cols, "Partition", true, err)) return STATUS_ERROR;
    t->npart_cols = pd->ncols;
    for (int i = 0; i < t->npart_cols; i++) {
        const CatColumn *col = &t->cols[t->part_cols[i]];
        if (pd->type == PART_RANGE && !range_type_ok(col->type.id))
            return err_set(err, ERR_COMMON,
                           "Partition column '%s' of type %s cannot be used for RANGE partitioning: use an integer, "
                           "DATE or DATETIME column",
                           col->name, type_name(col->type.id));
        if (pd->type == PART_LIST && !list_type_ok(col->type.id))
            return err_set(err, ERR_COMMON, "Partition column '%s' of type %s cannot be used for LIST partitioning",
                           col->name, type_name(col->type.id));
    }
    return STATUS_OK;
}

static Status build_distribution(const CreateTableStmt *c, CatTable *t, Error *err) {
    const DistributionDesc *d = c->distribution;
    if (!d) {
        /* StarRocks 3.x: DUPLICATE KEY tables default to random bucketing; cairn hashes the other key models
         * on their key columns (one row per key must land in one bucket). */
        if (t->keys == KEYS_DUPLICATE) {
            t->dist_type = DIST_RANDOM;
            return STATUS_OK;
        }
        t->dist_type = DIST_HASH;
        t->dist_cols = calloc((size_t)t->nkeys, sizeof *t->dist_cols);
        if (!t->dist_cols) abort();
        for (int i = 0; i < t->nkeys; i++) t->dist_cols[i] = i;
        t->ndist_cols = t->nkeys;
        return STATUS_OK;
    }
    t->dist_type = d->type;
    t->default_buckets = d->buckets;
    if (d->type == DIST_RANDOM) {
        if (t->keys != KEYS_DUPLICATE)
            return err_set(err, ERR_COMMON, "Random distribution is only supported by DUPLICATE KEY tables; '%s' is %s KEY",
                           t->name, keys_type_name(t->keys));
        return STATUS_OK;
    }
    if (d->ncols < 1) return err_set(err, ERR_COMMON, "DISTRIBUTED BY HASH needs at least one column");
    if (resolve_cols(t, d->cols, d->ncols, &t->dist_cols, "Distribution", true, err)) return STATUS_ERROR;
    t->ndist_cols = d->ncols;
    for (int i = 0; i < t->ndist_cols; i++) {
        const CatColumn *col = &t->cols[t->dist_cols[i]];
        if (col->type.id == TYPE_FLOAT || col->type.id == TYPE_DOUBLE)
            return err_set(err, ERR_COMMON, "Distribution column '%s' cannot be FLOAT or DOUBLE", col->name);
    }
    return STATUS_OK;
}

static Status build_misc(const CreateTableStmt *c, CatTable *t, Error *err) {
    if (c->norder_by) {
        t->order_by = calloc((size_t)c->norder_by, sizeof *t->order_by);
        if (!t->order_by) abort();
        for (int i = 0; i < c->norder_by; i++) {
            int col = catalog_find_column(t, c->order_by[i]);
            if (col < 0)
                return err_set(err, ERR_BAD_FIELD, "Sort key column '%s' does not exist in table '%s'", c->order_by[i],
                               t->name);
            t->order_by[i] = cat_strdup(t->cols[col].name);
            t->norder_by = i + 1;
        }
    }
    if (c->nindexes) {
        t->index_defs = calloc((size_t)c->nindexes, sizeof *t->index_defs);
        if (!t->index_defs) abort();
        for (int i = 0; i < c->nindexes; i++) {
            const IndexDef *d = &c->indexes[i];
            for (int k = 0; k < i; k++)
                if (!strcasecmp(c->indexes[k].name, d->name))
                    return err_set(err, ERR_COMMON, "Duplicate index name '%s'", d->name);
            CatIndexDef *x = &t->index_defs[i];
            t->nindex_defs = i + 1;
            x->name = cat_strdup(d->name);
            x->cols = calloc((size_t)(d->ncols ? d->ncols : 1), sizeof *x->cols);
            if (!x->cols) abort();
            for (int k = 0; k < d->ncols; k++) {
                int col = catalog_find_column(t, d->cols[k]);
                if (col < 0)
                    return err_set(err, ERR_BAD_FIELD, "Index column '%s' of index '%s' does not exist in table '%s'",
                                   d->cols[k], d->name, t->name);
                x->cols[k] = cat_strdup(t->cols[col].name);
                x->ncols = k + 1;
            }
            x->using_type = cat_strdup(d->using_type);
            x->comment = cat_strdup(d->comment);
        }
    }
    t->comment = cat_strdup(c->comment ? c->comment : "");
    return table_props_apply(t, &c->props, false, err);
}

/* CREATE TABLE t LIKE src: the same definition (partitions included, data not). */
static Status build_like(Session *s, const CreateTableStmt *c, CatTable **out, Error *err) {
    CatDatabase *sdb;
    CatTable *src;
    if (catalog_resolve_table(s, c->like_db, c->like_table, &sdb, &src, err)) return STATUS_ERROR;
    if (src->kind != TABLE_OLAP)
        return err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is not BASE TABLE: CREATE TABLE LIKE copies OLAP tables only",
                       sdb->name, src->name);
    if (priv_check(s, PRIV_SELECT, sdb->name, src->name, err)) return STATUS_ERROR;
    json_t *j = catalog_table_to_json(src, true);
    Status st = catalog_table_from_json(j, out, err);
    json_decref(j);
    if (st) return STATUS_ERROR;
    CatTable *t = *out;
    free(t->name);
    t->name = cat_strdup(c->name);
    for (int i = 0; i < t->nparts; i++) {
        CatPartition *p = t->parts[i];
        for (int k = 0; k < p->ntablets; k++) cat_tablet_free(p->tablets[k]);
        free(p->tablets);
        p->tablets = NULL;
        p->ntablets = 0;
        p->visible_version = 1;
        p->next_version = 2;
    }
    /* Sync MV indexes are not copied (StarRocks copies the base schema only). */
    for (int i = 1; i < t->nindexes; i++) cat_index_free(t->indexes[i]);
    if (t->nindexes > 1) t->nindexes = 1;
    return STATUS_OK;
}

Status table_build(Session *s, const CreateTableStmt *c, CatDatabase *db, CatTable **out, Error *err) {
    *out = NULL;
    if (!cat_name_ok(c->name))
        return err_set(err, ERR_WRONG_OBJECT,
                       "Incorrect table name '%s': use letters, digits, '_' or '-', starting with a letter or '_', at "
                       "most %d characters",
                       c->name, NAME_MAX_LEN);
    if (c->as_select)
        return err_set(err, ERR_NOT_SUPPORTED,
                       "CREATE TABLE ... AS SELECT is not supported yet: create the table, then INSERT INTO ... SELECT");
    if (c->like_table) return build_like(s, c, out, err);
    if (c->engine && strcasecmp(c->engine, "OLAP"))
        return err_set(err, ERR_NOT_SUPPORTED, "Unknown table engine '%s': cairn stores OLAP tables only", c->engine);
    CatTable *t = calloc(1, sizeof *t);
    if (!t) abort();
    t->name = cat_strdup(c->name);
    t->kind = TABLE_OLAP;
    t->db_id = db->id;
    Status st = build_columns(c, t, err);
    if (!st) st = build_keys(c, t, err);
    if (!st) st = build_partitioning(c, t, err);
    if (!st) st = build_distribution(c, t, err);
    if (!st) st = build_misc(c, t, err);
    if (!st) cat_table_sync_base_index(t);
    if (!st && t->part_type == PART_NONE) {
        CatPartition *p = calloc(1, sizeof *p);
        if (!p) abort();
        p->name = cat_strdup(t->name);
        p->buckets = cat_auto_buckets(t);
        const char *rn = catalog_prop(&t->props, "replication_num");
        p->replication_num = rn ? atoi(rn) : 1;
        const char *sm = catalog_prop(&t->props, "storage_medium");
        p->storage_medium = cat_strdup(sm ? sm : "HDD");
        p->visible_version = 1;
        p->next_version = 2;
        t->parts = calloc(1, sizeof *t->parts);
        if (!t->parts) abort();
        t->parts[0] = p;
        t->nparts = t->capparts = 1;
    } else if (!st && c->partition && c->partition->ndefs) {
        if (t->part_type == PART_EXPR) {
            st = err_set(err, ERR_NOT_SUPPORTED,
                         "Expression partitioned tables create their partitions at load time; remove the partition "
                         "list");
        } else {
            CatPartition **parts = NULL;
            int n = 0;
            st = partitions_build(t, c->partition->defs, c->partition->ndefs, false, cat_auto_buckets(t), &parts, &n, err);
            if (!st) {
                free(t->parts); /* the scratch list partitions_build grew */
                t->parts = parts;
                t->nparts = t->capparts = n;
                cat_sort_partitions(t);
            }
        }
    }
    if (st) {
        catalog_table_free(t);
        return STATUS_ERROR;
    }
    *out = t;
    return STATUS_OK;
}
