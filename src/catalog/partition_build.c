/* Partition definitions → partitions: VALUES LESS THAN, fixed ranges [lower, upper), batches
 * START .. END .. EVERY (named as StarRocks names them: p20240101 for days, p2024_01 for weeks, p202401 for
 * months, p2024 for years, p2024010100 for hours, p<lower> for numbers) and LIST values; used by CREATE
 * TABLE and ALTER TABLE ADD PARTITION. Every bound is checked against the table's existing partitions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/ddl_int.h"
#include "util/str.h"

#define MAX_BATCH_PARTITIONS 4096
#define US_PER_DAY (86400LL * 1000000LL)
#define US_PER_HOUR (3600LL * 1000000LL)


static Status tuple_to_bound(const CatTable *t, const PartTuple *tu, CatBound *out, const char *pname, Error *err) {
    memset(out, 0, sizeof *out);
    DataType types[8];
    int nt = cat_part_types(t, types);
    if (tu->maxvalue && tu->n)
        return err_set(err, ERR_NOT_SUPPORTED,
                       "partition %s: MAXVALUE must be the whole bound, as in VALUES LESS THAN (MAXVALUE)", pname);
    if (tu->maxvalue) {
        out->is_max = true;
        return STATUS_OK;
    }
    if (tu->n > nt)
        return err_set(err, ERR_PARTITION_RANGE, "partition %s: %d values given for %d partition column(s)", pname,
                       tu->n, nt);
    if (!tu->n) return err_set(err, ERR_PARTITION_RANGE, "partition %s: a bound needs at least one value", pname);
    out->vals = calloc((size_t)tu->n, sizeof *out->vals);
    if (!out->vals) abort();
    for (int i = 0; i < tu->n; i++) {
        if (cat_datum_parse(&types[i], tu->values[i], &out->vals[i], err)) {
            cat_bound_free(out, types);
            return err_prefix(err, "Invalid value '%s' for partition column '%s' of partition %s: ", tu->values[i],
                              t->cols[t->part_cols[i]].name, pname);
        }
        out->n = i + 1;
    }
    return STATUS_OK;
}

static void apply_partition_props(CatPartition *p, const PropList *props) {
    const char *v;
    if ((v = proplist_get(props, "replication_num"))) p->replication_num = atoi(v);
    if ((v = proplist_get(props, "storage_medium"))) {
        free(p->storage_medium);
        p->storage_medium = cat_strdup(strcasecmp(v, "SSD") ? "HDD" : "SSD");
    }
}

static Status check_partition_props(const PropList *props, const char *pname, Error *err) {
    for (int i = 0; i < props->n; i++) {
        const char *k = props->items[i].key, *v = props->items[i].value;
        if (!strcasecmp(k, "replication_num")) {
            long n = strtol(v, NULL, 10);
            if (n < 1)
                return err_set(err, ERR_INVALID_ARGUMENT, "partition %s: replication_num must be a positive integer, got '%s'",
                               pname, v);
            if (n > 1)
                return err_set(err, ERR_COMMON,
                               "Table replication num should be less than or equal to the number of available BE "
                               "nodes. You can change this default by setting the replication_num table properties. "
                               "Current alive backend is [10001].");
        } else if (!strcasecmp(k, "storage_medium")) {
            if (strcasecmp(v, "HDD") && strcasecmp(v, "SSD"))
                return err_set(err, ERR_INVALID_ARGUMENT, "partition %s: storage_medium must be HDD or SSD, got '%s'",
                               pname, v);
        } else if (strcasecmp(k, "in_memory") && strcasecmp(k, "storage_cooldown_time") &&
                   strcasecmp(k, "storage_cooldown_ttl")) {
            return err_set(err, ERR_COMMON, "Unknown properties: {%s=%s} for partition %s", k, v, pname);
        }
    }
    return STATUS_OK;
}

/* ---------------------------------------------------------------- batches */

static int64_t days_floor(int64_t us) {
    return us >= 0 ? us / US_PER_DAY : (us - US_PER_DAY + 1) / US_PER_DAY;
}

static int64_t add_months(int64_t us, int months) {
    int y, m, d;
    date_to_ymd((int32_t)days_floor(us), &y, &m, &d);
    int total = y * 12 + (m - 1) + months;
    int32_t days;
    date_from_ymd(total / 12, total % 12 + 1, 1, &days);
    return (int64_t)days * US_PER_DAY;
}

/* Week of year as java.util.Calendar counts it with its default (US) rules — weeks start on Sunday and week 1
 * holds January 1 — then, as StarRocks does, a late-December week counted as week 1 of the next year becomes
 * week 53 of this one. `days` is a Monday. */
static int week_of_year(int32_t days, int *year) {
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    *year = y;
    int32_t jan1;
    date_from_ymd(y, 1, 1, &jan1);
    int wd_jan1 = (int)(((jan1 % 7) + 7 + 4) % 7); /* 0 = Sunday; 1970-01-01 was a Thursday */
    int32_t saturday = days + 5;
    int sy, sm, sd;
    date_to_ymd(saturday, &sy, &sm, &sd);
    if (sy > y) return 53;
    return (days - jan1 + wd_jan1) / 7 + 1;
}

static Status expand_date_batch(const CatTable *t, const PartitionDef *d, bool temp, PartTuple **lowers,
                                PartTuple **uppers, char ***names, int *n, Arena *a, Error *err) {
    const DataType *type = &t->cols[t->part_cols[0]].type;
    bool is_dt = type->id == TYPE_DATETIME;
    int64_t cur, end;
    const char *unit = d->every_unit;
    if (d->lower.n != 1 || d->upper.n != 1 ||
        !datetime_parse(d->lower.values[0], strlen(d->lower.values[0]), &cur) ||
        !datetime_parse(d->upper.values[0], strlen(d->upper.values[0]), &end))
        return err_set(err, ERR_PARTITION_RANGE,
                       "Batch build partition EVERY is date type but START or END does not type match.");
    if (cur >= end) return err_set(err, ERR_PARTITION_RANGE, "Batch build partition start date should less than end date.");
    if (d->every_n < 1) return err_set(err, ERR_PARTITION_RANGE, "Batch build partition EVERY must be at least 1");
    if (!strcasecmp(unit, "HOUR") && !is_dt)
        return err_set(err, ERR_PARTITION_RANGE, "Batch build partition by HOUR needs a DATETIME partition column");
    const char *prefix = temp ? "tp" : "p";
    int cap = 0;
    *n = 0;
    while (cur < end) {
        int64_t lower = cur;
        int y, m, dd;
        int64_t day = days_floor(cur);
        date_to_ymd((int32_t)day, &y, &m, &dd);
        char name[64];
        if (!strcasecmp(unit, "HOUR")) {
            int hour = (int)((cur - day * US_PER_DAY) / US_PER_HOUR);
            snprintf(name, sizeof name, "%s%04d%02d%02d%02d", prefix, y, m, dd, hour);
            cur = day * US_PER_DAY + hour * US_PER_HOUR + d->every_n * US_PER_HOUR;
        } else if (!strcasecmp(unit, "DAY")) {
            snprintf(name, sizeof name, "%s%04d%02d%02d", prefix, y, m, dd);
            cur = (day + d->every_n) * US_PER_DAY;
        } else if (!strcasecmp(unit, "WEEK")) {
            int wd = (int)(((day % 7) + 7 + 3) % 7); /* 0 = Monday */
            int64_t monday = day - wd;
            int wy;
            int wk = week_of_year((int32_t)monday, &wy);
            snprintf(name, sizeof name, "%s%04d_%02d", prefix, wy, wk);
            cur = (monday + 7 * d->every_n) * US_PER_DAY;
        } else if (!strcasecmp(unit, "MONTH")) {
            snprintf(name, sizeof name, "%s%04d%02d", prefix, y, m);
            cur = add_months(cur, (int)d->every_n);
        } else if (!strcasecmp(unit, "YEAR")) {
            snprintf(name, sizeof name, "%s%04d", prefix, y);
            int32_t jan1;
            date_from_ymd(y, 1, 1, &jan1);
            cur = add_months((int64_t)jan1 * US_PER_DAY, 12 * (int)d->every_n);
        } else {
            return err_set(err, ERR_PARTITION_RANGE, "Batch build partition does not support time interval type: %s", unit);
        }
        /* StarRocks clamps the last range to END for every unit but DAY. */
        if (strcasecmp(unit, "DAY") && cur > end) cur = end;
        if (*n >= MAX_BATCH_PARTITIONS)
            return err_set(err, ERR_PARTITION_RANGE, "The number of batch partitions should not exceed:%d",
                           MAX_BATCH_PARTITIONS);
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            PartTuple *nl = arena_alloc(a, sizeof *nl * (size_t)cap), *nu = arena_alloc(a, sizeof *nu * (size_t)cap);
            char **nn = arena_alloc(a, sizeof *nn * (size_t)cap);
            if (*n) {
                memcpy(nl, *lowers, sizeof *nl * (size_t)*n);
                memcpy(nu, *uppers, sizeof *nu * (size_t)*n);
                memcpy(nn, *names, sizeof *nn * (size_t)*n);
            }
            *lowers = nl;
            *uppers = nu;
            *names = nn;
        }
        char lo[32], hi[32];
        if (is_dt) {
            datetime_format(lower, lo);
            datetime_format(cur, hi);
        } else {
            date_format((int32_t)days_floor(lower), lo);
            date_format((int32_t)days_floor(cur), hi);
        }
        PartTuple *l = &(*lowers)[*n], *u = &(*uppers)[*n];
        memset(l, 0, sizeof *l);
        memset(u, 0, sizeof *u);
        l->n = u->n = 1;
        l->values = arena_alloc(a, sizeof(char *));
        u->values = arena_alloc(a, sizeof(char *));
        l->values[0] = arena_strdup(a, lo);
        u->values[0] = arena_strdup(a, hi);
        (*names)[*n] = arena_strdup(a, name);
        (*n)++;
    }
    return STATUS_OK;
}

static Status expand_number_batch(const CatTable *t, const PartitionDef *d, bool temp, PartTuple **lowers,
                                  PartTuple **uppers, char ***names, int *n, Arena *a, Error *err) {
    int64_t cur, end;
    if (d->every_unit)
        return err_set(err, ERR_PARTITION_RANGE,
                       "Batch build partition EVERY is date type but START or END does not type match.");
    if (d->lower.n != 1 || d->upper.n != 1 || !str_to_int64(d->lower.values[0], &cur) ||
        !str_to_int64(d->upper.values[0], &end))
        return err_set(err, ERR_PARTITION_RANGE,
                       "Batch build partition EVERY is number type but START or END does not type match.");
    if (cur >= end) return err_set(err, ERR_PARTITION_RANGE, "Batch build partition start value should less then end value.");
    if (d->every_n < 1) return err_set(err, ERR_PARTITION_RANGE, "Batch build partition EVERY must be at least 1");
    int64_t count = (end - cur + d->every_n - 1) / d->every_n;
    if (count > MAX_BATCH_PARTITIONS)
        return err_set(err, ERR_PARTITION_RANGE, "The number of batch partitions should not exceed:%d",
                       MAX_BATCH_PARTITIONS);
    *lowers = arena_calloc(a, sizeof **lowers * (size_t)count);
    *uppers = arena_calloc(a, sizeof **uppers * (size_t)count);
    *names = arena_calloc(a, sizeof **names * (size_t)count);
    *n = 0;
    for (; cur < end; cur += d->every_n) {
        PartTuple *l = &(*lowers)[*n], *u = &(*uppers)[*n];
        l->n = u->n = 1;
        l->values = arena_alloc(a, sizeof(char *));
        u->values = arena_alloc(a, sizeof(char *));
        l->values[0] = arena_sprintf(a, "%lld", (long long)cur);
        u->values[0] = arena_sprintf(a, "%lld", (long long)(cur + d->every_n));
        (*names)[*n] = arena_sprintf(a, "%s%lld", temp ? "tp" : "p", (long long)cur);
        (*n)++;
    }
    (void)t;
    return STATUS_OK;
}

/* ---------------------------------------------------------------- building */

/* The greatest upper bound among t's partitions that is <= upper: the implicit lower of LESS THAN. */
static void less_than_lower(const CatTable *t, const CatBound *upper, bool temp, CatBound *out) {
    const CatBound *best = NULL;
    for (int i = 0; i < t->nparts; i++) {
        const CatPartition *p = t->parts[i];
        if (p->state != PART_NORMAL || p->is_temp != temp) continue;
        if (cat_bound_compare(t, &p->upper, upper) > 0) continue;
        if (!best || cat_bound_compare(t, &p->upper, best) > 0) best = &p->upper;
    }
    DataType types[8];
    cat_part_types(t, types);
    if (best)
        cat_bound_copy(out, best, types);
    else {
        memset(out, 0, sizeof *out);
        out->is_min = true;
    }
}

static bool name_taken(const CatTable *t, const char *name) {
    for (int i = 0; i < t->nparts; i++)
        if (t->parts[i]->state == PART_NORMAL && !strcasecmp(t->parts[i]->name, name)) return true;
    return false;
}

/* Adds a built partition to t->parts only (no id maps), so later definitions are checked against it. */
static void push_part(CatTable *t, CatPartition *p) {
    if (t->nparts == t->capparts) {
        t->capparts = t->capparts ? t->capparts * 2 : 8;
        t->parts = realloc(t->parts, (size_t)t->capparts * sizeof *t->parts);
        if (!t->parts) abort();
    }
    t->parts[t->nparts++] = p;
}

static Status build_one(CatTable *t, const char *name, const CatBound *lower, const CatBound *upper,
                        const PartitionDef *d, bool temp, int buckets, CatPartition **out, Error *err) {
    CatPartition *p = calloc(1, sizeof *p);
    if (!p) abort();
    p->name = cat_strdup(name);
    p->buckets = buckets;
    const char *rn = catalog_prop(&t->props, "replication_num");
    p->replication_num = rn ? atoi(rn) : 1;
    const char *sm = catalog_prop(&t->props, "storage_medium");
    p->storage_medium = cat_strdup(sm ? sm : "HDD");
    p->visible_version = 1;
    p->next_version = 2;
    p->is_temp = temp;
    DataType types[8];
    cat_part_types(t, types);
    if (lower) cat_bound_copy(&p->lower, lower, types);
    if (upper) cat_bound_copy(&p->upper, upper, types);
    if (d) apply_partition_props(p, &d->props);
    if (d && d->kind == PDEF_LIST) {
        p->list_vals = calloc((size_t)(d->nvalues ? d->nvalues : 1), sizeof *p->list_vals);
        if (!p->list_vals) abort();
        for (int i = 0; i < d->nvalues; i++) {
            if (d->values[i].n != t->npart_cols) {
                cat_partition_free(p, t);
                return err_set(err, ERR_PARTITION_RANGE,
                               "partition %s: a value of a LIST partition needs %d value(s), one per partition "
                               "column, got %d",
                               name, t->npart_cols, d->values[i].n);
            }
            if (tuple_to_bound(t, &d->values[i], &p->list_vals[i], name, err)) {
                cat_partition_free(p, t);
                return STATUS_ERROR;
            }
            p->nlist = i + 1;
        }
    }
    if (cat_check_partition_conflict(t, p, err)) {
        cat_partition_free(p, t);
        return STATUS_ERROR;
    }
    *out = p;
    return STATUS_OK;
}

Status partitions_build(CatTable *t, const PartitionDef *defs, int ndefs, bool temp, int buckets,
                        CatPartition ***out, int *nout, Error *err) {
    int base = t->nparts;
    Status st = STATUS_OK;
    Arena *a = arena_new(0);
    DataType types[8];
    cat_part_types(t, types);
    bool range = t->part_type == PART_RANGE;
    for (int i = 0; i < ndefs && !st; i++) {
        const PartitionDef *d = &defs[i];
        if (range && d->kind == PDEF_LIST)
            st = err_set(err, ERR_PARTITION_RANGE, "partition %s: VALUES IN is for LIST partitioned tables; '%s' is RANGE "
                         "partitioned", d->name, t->name);
        else if (!range && d->kind != PDEF_LIST)
            st = err_set(err, ERR_PARTITION_RANGE, "partition %s: '%s' is LIST partitioned: use VALUES IN (...)",
                         d->name ? d->name : "(batch)", t->name);
        if (st) break;
        if (d->kind == PDEF_BATCH) {
            if (t->npart_cols != 1) {
                st = err_set(err, ERR_PARTITION_RANGE, "Batch build partition only supports one partition column");
                break;
            }
            PartTuple *lows = NULL, *ups = NULL;
            char **names = NULL;
            int n = 0;
            TypeId id = types[0].id;
            if (id == TYPE_DATE || id == TYPE_DATETIME)
                st = expand_date_batch(t, d, temp, &lows, &ups, &names, &n, a, err);
            else if (type_is_integer(id) && id != TYPE_BOOLEAN)
                st = expand_number_batch(t, d, temp, &lows, &ups, &names, &n, a, err);
            else
                st = err_set(err, ERR_PARTITION_RANGE, "Unsupported batch partition build type:%s.", type_name(id));
            for (int k = 0; k < n && !st; k++) {
                if (name_taken(t, names[k])) {
                    st = err_set(err, ERR_SAME_NAME_PARTITION, "Duplicate partition name %s", names[k]);
                    break;
                }
                CatBound lo, hi;
                if (tuple_to_bound(t, &lows[k], &lo, names[k], err)) {
                    st = STATUS_ERROR;
                    break;
                }
                if (tuple_to_bound(t, &ups[k], &hi, names[k], err)) {
                    cat_bound_free(&lo, types);
                    st = STATUS_ERROR;
                    break;
                }
                CatPartition *p = NULL;
                st = build_one(t, names[k], &lo, &hi, NULL, temp, buckets, &p, err);
                cat_bound_free(&lo, types);
                cat_bound_free(&hi, types);
                if (!st) push_part(t, p);
            }
            continue;
        }
        if (!cat_name_ok(d->name)) {
            st = err_set(err, ERR_WRONG_OBJECT,
                         "Incorrect partition name '%s': use letters, digits, '_' or '-', starting with a letter or '_'",
                         d->name);
            break;
        }
        if (check_partition_props(&d->props, d->name, err)) {
            st = STATUS_ERROR;
            break;
        }
        if (name_taken(t, d->name)) {
            if (d->if_not_exists) continue;
            st = err_set(err, ERR_SAME_NAME_PARTITION, "Duplicate partition name %s", d->name);
            break;
        }
        CatBound lo, hi;
        memset(&lo, 0, sizeof lo);
        memset(&hi, 0, sizeof hi);
        CatPartition *p = NULL;
        if (d->kind == PDEF_LESS_THAN) {
            st = tuple_to_bound(t, &d->upper, &hi, d->name, err);
            if (!st) less_than_lower(t, &hi, temp, &lo);
        } else if (d->kind == PDEF_FIXED) {
            st = tuple_to_bound(t, &d->lower, &lo, d->name, err);
            if (!st) st = tuple_to_bound(t, &d->upper, &hi, d->name, err);
        }
        if (!st) st = build_one(t, d->name, range ? &lo : NULL, range ? &hi : NULL, d, temp, buckets, &p, err);
        cat_bound_free(&lo, types);
        cat_bound_free(&hi, types);
        if (!st) push_part(t, p);
    }
    arena_free(a);
    /* Hand the new partitions to the caller and restore t's own list. */
    int n = t->nparts - base;
    *nout = 0;
    *out = NULL;
    if (st) {
        for (int i = base; i < t->nparts; i++) cat_partition_free(t->parts[i], t);
    } else if (n > 0) {
        *out = calloc((size_t)n, sizeof **out);
        if (!*out) abort();
        memcpy(*out, &t->parts[base], (size_t)n * sizeof **out);
        *nout = n;
    }
    t->nparts = base;
    return st;
}
