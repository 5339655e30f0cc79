/* Partitions: bound comparison, conflict checks, routing rows to partitions and buckets, names and bounds
 * of expression partitions created at load time, and the text forms SHOW PARTITIONS and SHOW CREATE TABLE
 * print. Range bounds are tuples; a missing trailing value counts as the column's minimum (StarRocks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_int.h"
#include "server/config.h"
#include "util/clock.h"
#include "util/hash.h"

/* ---------------------------------------------------------------- comparison */

static int cmp_value(const DataType *type, const Datum *a, const Datum *b) {
    if (a->is_null || b->is_null) return a->is_null == b->is_null ? 0 : a->is_null ? -1 : 1;
    return type_compare_datum(type, a, b);
}

int cat_bound_compare(const CatTable *t, const CatBound *a, const CatBound *b) {
    if (a->is_max || b->is_max) return a->is_max == b->is_max ? 0 : a->is_max ? 1 : -1;
    if (a->is_min || b->is_min) return a->is_min == b->is_min ? 0 : a->is_min ? -1 : 1;
    DataType types[8];
    cat_part_types(t, types);
    int n = a->n > b->n ? a->n : b->n;
    for (int i = 0; i < n; i++) {
        if (i >= a->n) return -1; /* a's missing value is the minimum */
        if (i >= b->n) return 1;
        int c = cmp_value(&types[i], &a->vals[i], &b->vals[i]);
        if (c) return c;
    }
    return 0;
}

/* The minimum value of a partition column, as StarRocks prints an open lower bound. */
static const char *type_min_text(TypeId id) {
    switch (id) {
    case TYPE_BOOLEAN:
    case TYPE_TINYINT: return "-128";
    case TYPE_SMALLINT: return "-32768";
    case TYPE_INT: return "-2147483648";
    case TYPE_BIGINT: return "-9223372036854775808";
    case TYPE_LARGEINT: return "-170141183460469231731687303715884105728";
    case TYPE_DATE: return "0000-01-01";
    case TYPE_DATETIME: return "0000-01-01 00:00:00";
    default: return "";
    }
}

static void format_value(const DataType *type, const Datum *d, StrBuf *out) {
    if (d->is_null) {
        sb_append(out, "NULL");
        return;
    }
    type_format_datum(type, d, out);
}

void cat_format_bound_sql(const CatTable *t, const CatBound *b, bool lower, StrBuf *out) {
    DataType types[8];
    int nt = cat_part_types(t, types);
    sb_putc(out, '(');
    if (b->is_max) {
        sb_append(out, "MAXVALUE");
    } else {
        for (int i = 0; i < nt; i++) {
            /* Missing trailing values are the minimum; print them so the text states the same bound. */
            if (i > 0) sb_append(out, ", ");
            if (b->is_min || i >= b->n) {
                if (!lower && !b->is_min && i >= b->n) break;
                sb_putc(out, '"');
                sb_append(out, type_min_text(types[i].id));
                sb_putc(out, '"');
                continue;
            }
            if (b->vals[i].is_null) {
                sb_append(out, "NULL");
                continue;
            }
            StrBuf v = STRBUF_INIT;
            format_value(&types[i], &b->vals[i], &v);
            sb_putc(out, '"');
            for (const char *c = sb_str(&v); *c; c++) {
                if (*c == '"' || *c == '\\') sb_putc(out, '\\');
                sb_putc(out, *c);
            }
            sb_putc(out, '"');
            sb_free(&v);
        }
    }
    sb_putc(out, ')');
}

/* "types: [DATE]; keys: [2024-01-01]; " — StarRocks' PartitionKey text. */
static void format_key(const CatTable *t, const CatBound *b, StrBuf *out) {
    DataType types[8];
    int nt = cat_part_types(t, types);
    sb_append(out, "types: [");
    for (int i = 0; i < nt; i++) sb_appendf(out, "%s%s", i ? ", " : "", type_name(types[i].id));
    sb_append(out, "]; keys: [");
    for (int i = 0; i < nt; i++) {
        if (i) sb_append(out, ", ");
        if (b->is_max)
            sb_append(out, "MAXVALUE");
        else if (b->is_min || i >= b->n)
            sb_append(out, type_min_text(types[i].id));
        else
            format_value(&types[i], &b->vals[i], out);
    }
    sb_append(out, "]; ");
}

void catalog_format_range(const CatTable *t, const CatPartition *p, StrBuf *out) {
    if (t->part_type == PART_RANGE || (t->part_type == PART_EXPR && t->part_expr_unit)) {
        sb_putc(out, '[');
        format_key(t, &p->lower, out);
        sb_append(out, "..");
        format_key(t, &p->upper, out);
        sb_putc(out, ')');
        return;
    }
    if (t->part_type == PART_LIST || t->part_type == PART_EXPR) {
        DataType types[8];
        int nt = cat_part_types(t, types);
        sb_putc(out, '(');
        for (int i = 0; i < p->nlist; i++) {
            if (i) sb_append(out, ", ");
            sb_putc(out, '(');
            for (int k = 0; k < nt && k < p->list_vals[i].n; k++) {
                if (k) sb_append(out, ", ");
                if (p->list_vals[i].vals[k].is_null) {
                    sb_append(out, "NULL");
                    continue;
                }
                sb_putc(out, '\'');
                format_value(&types[k], &p->list_vals[i].vals[k], out);
                sb_putc(out, '\'');
            }
            sb_putc(out, ')');
        }
        sb_putc(out, ')');
    }
    /* Unpartitioned tables print an empty Range, as StarRocks does. */
}

/* ---------------------------------------------------------------- conflicts */

static bool is_range_like(const CatTable *t) {
    return t->part_type == PART_RANGE || (t->part_type == PART_EXPR && t->part_expr_unit);
}

static void range_text(const CatTable *t, const CatPartition *p, StrBuf *out) {
    sb_putc(out, '[');
    cat_format_bound_sql(t, &p->lower, true, out);
    sb_append(out, ", ");
    cat_format_bound_sql(t, &p->upper, false, out);
    sb_putc(out, ')');
}

Status cat_check_partition_conflict(const CatTable *t, const CatPartition *p, Error *err) {
    if (is_range_like(t)) {
        if (cat_bound_compare(t, &p->lower, &p->upper) >= 0) {
            StrBuf a = STRBUF_INIT;
            range_text(t, p, &a);
            err_set(err, ERR_PARTITION_RANGE,
                    "The lower values must smaller than upper values: partition %s has range %s", p->name,
                    sb_str(&a));
            sb_free(&a);
            return STATUS_ERROR;
        }
        for (int i = 0; i < t->nparts; i++) {
            const CatPartition *o = t->parts[i];
            if (o == p || o->state != PART_NORMAL || o->is_temp != p->is_temp) continue;
            if (cat_bound_compare(t, &p->lower, &o->upper) < 0 && cat_bound_compare(t, &o->lower, &p->upper) < 0) {
                StrBuf a = STRBUF_INIT, b = STRBUF_INIT;
                range_text(t, p, &a);
                range_text(t, o, &b);
                err_set(err, ERR_PARTITION_RANGE, "Range %s of partition %s is intersected with range %s of partition %s",
                        sb_str(&a), p->name, sb_str(&b), o->name);
                sb_free(&a);
                sb_free(&b);
                return STATUS_ERROR;
            }
        }
        return STATUS_OK;
    }
    if (t->part_type != PART_LIST && t->part_type != PART_EXPR) return STATUS_OK;
    for (int v = 0; v < p->nlist; v++) {
        for (int w = v + 1; w < p->nlist; w++) {
            if (cat_bound_compare(t, &p->list_vals[v], &p->list_vals[w])) continue;
            StrBuf a = STRBUF_INIT;
            cat_format_bound_sql(t, &p->list_vals[v], true, &a);
            err_set(err, ERR_PARTITION_RANGE, "Duplicate partition value %s in partition %s", sb_str(&a), p->name);
            sb_free(&a);
            return STATUS_ERROR;
        }
        for (int i = 0; i < t->nparts; i++) {
            const CatPartition *o = t->parts[i];
            if (o == p || o->state != PART_NORMAL || o->is_temp != p->is_temp) continue;
            for (int w = 0; w < o->nlist; w++) {
                if (cat_bound_compare(t, &p->list_vals[v], &o->list_vals[w])) continue;
                StrBuf a = STRBUF_INIT;
                cat_format_bound_sql(t, &p->list_vals[v], true, &a);
                err_set(err, ERR_PARTITION_RANGE, "Value %s of partition %s is already in partition %s", sb_str(&a),
                        p->name, o->name);
                sb_free(&a);
                return STATUS_ERROR;
            }
        }
    }
    return STATUS_OK;
}

/* ---------------------------------------------------------------- routing */

static Status no_partition(const CatTable *t, const Datum *keys, Error *err) {
    DataType types[8];
    int nt = cat_part_types(t, types);
    StrBuf v = STRBUF_INIT, c = STRBUF_INIT;
    for (int i = 0; i < nt; i++) {
        if (i) {
            sb_append(&v, ", ");
            sb_append(&c, ", ");
        }
        format_value(&types[i], &keys[i], &v);
        sb_append(&c, t->cols[t->part_cols[i]].name);
    }
    err_set(err, ERR_NO_PARTITION_FOR_VALUE,
            "no partition of table '%s' covers the value (%s) of column (%s); add one with ALTER TABLE %s ADD "
            "PARTITION",
            t->name, sb_str(&v), sb_str(&c), t->name);
    sb_free(&v);
    sb_free(&c);
    return STATUS_ERROR;
}

/* The date_trunc of a key for expression partitions, as the key's own type (days or microseconds). */
static Status expr_trunc(const CatTable *t, const Datum *key, Datum *lo, Datum *hi, Error *err) {
    const DataType *type = &t->cols[t->part_cols[0]].type;
    const char *unit = t->part_expr_unit;
    bool is_dt = type->id == TYPE_DATETIME;
    int64_t us_per_day = 86400LL * 1000000LL;
    int64_t v = key->v.i64;
    int32_t days = is_dt ? (int32_t)((v >= 0 ? v : v - us_per_day + 1) / us_per_day) : (int32_t)v;
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    int32_t lo_days, hi_days;
    *lo = *key;
    *hi = *key;
    if (!strcasecmp(unit, "hour")) {
        if (!is_dt) return err_set(err, ERR_COMMON, "hour partitions need a DATETIME column");
        int64_t h = 3600LL * 1000000LL;
        int64_t l = (v >= 0 ? v : v - h + 1) / h * h;
        lo->v.i64 = l;
        hi->v.i64 = l + h;
        return STATUS_OK;
    } else if (!strcasecmp(unit, "day")) {
        lo_days = days;
        hi_days = days + 1;
    } else if (!strcasecmp(unit, "week")) {
        /* Weeks start on Monday (1970-01-01 was a Thursday). */
        int wd = (int)(((days % 7) + 7 + 3) % 7); /* 0 = Monday */
        lo_days = days - wd;
        hi_days = lo_days + 7;
    } else if (!strcasecmp(unit, "month")) {
        date_from_ymd(y, m, 1, &lo_days);
        date_from_ymd(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1, &hi_days);
    } else if (!strcasecmp(unit, "year")) {
        date_from_ymd(y, 1, 1, &lo_days);
        date_from_ymd(y + 1, 1, 1, &hi_days);
    } else {
        return err_set(err, ERR_COMMON, "unsupported date_trunc unit '%s' for expression partitioning", unit);
    }
    lo->v.i64 = is_dt ? (int64_t)lo_days * us_per_day : lo_days;
    hi->v.i64 = is_dt ? (int64_t)hi_days * us_per_day : hi_days;
    return STATUS_OK;
}

static int cmp_key_bound(const CatTable *t, const Datum *keys, int nkeys, const CatBound *b) {
    CatBound k = {.vals = (Datum *)keys, .n = nkeys};
    return cat_bound_compare(t, &k, b);
}

static bool visible(const CatPartition *p) {
    return p->state == PART_NORMAL && !p->is_temp;
}

static CatPartition *route_range(const CatTable *t, const Datum *keys, int nkeys) {
    /* Rightmost partition whose lower bound is <= key; hidden ones interleave, so walk left past them. */
    int lo = 0, hi = t->nparts - 1, best = -1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (cmp_key_bound(t, keys, nkeys, &t->parts[mid]->lower) >= 0) {
            best = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    for (int i = best; i >= 0; i--) {
        CatPartition *p = t->parts[i];
        if (!visible(p)) continue;
        return cmp_key_bound(t, keys, nkeys, &p->upper) < 0 ? p : NULL;
    }
    return NULL;
}

static CatPartition *route_list(const CatTable *t, const Datum *keys, int nkeys) {
    for (int i = 0; i < t->nparts; i++) {
        CatPartition *p = t->parts[i];
        if (!visible(p)) continue;
        for (int v = 0; v < p->nlist; v++)
            if (!cmp_key_bound(t, keys, nkeys, &p->list_vals[v])) return p;
    }
    return NULL;
}

Status catalog_route_row(const CatTable *t, const Datum *keys, CatPartition **out, Error *err) {
    *out = NULL;
    if (t->part_type == PART_NONE) {
        for (int i = 0; i < t->nparts; i++)
            if (visible(t->parts[i])) *out = t->parts[i];
        if (!*out) return err_set(err, ERR_INTERNAL, "table '%s' has no partition", t->name);
        return STATUS_OK;
    }
    if (t->part_type == PART_RANGE) {
        *out = route_range(t, keys, t->npart_cols);
    } else if (t->part_type == PART_LIST || (t->part_type == PART_EXPR && !t->part_expr_unit)) {
        *out = route_list(t, keys, t->npart_cols);
    } else {
        if (keys[0].is_null)
            return err_set(err, ERR_NO_PARTITION_FOR_VALUE, "NULL value of partition column '%s' in table '%s'",
                           t->cols[t->part_cols[0]].name, t->name);
        Datum lo, hi;
        if (expr_trunc(t, keys, &lo, &hi, err)) return STATUS_ERROR;
        *out = route_range(t, keys, 1);
    }
    return *out ? STATUS_OK : no_partition(t, keys, err);
}

/* ---------------------------------------------------------------- buckets */

uint64_t catalog_hash_datum(const DataType *type, const Datum *d, uint64_t seed) {
    if (d->is_null) return hash_xxh3_seed("\x00NULL", 5, seed);
    unsigned char buf[16];
    switch (type->id) {
    case TYPE_LARGEINT:
    case TYPE_DECIMAL:
        memcpy(buf, &d->v.i128, 16);
        return hash_xxh3_seed(buf, 16, seed);
    case TYPE_FLOAT:
    case TYPE_DOUBLE: {
        double v = d->v.f64 == 0 ? 0.0 : d->v.f64; /* -0.0 and 0.0 are one value */
        memcpy(buf, &v, 8);
        return hash_xxh3_seed(buf, 8, seed);
    }
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING: return hash_xxh3_seed(d->v.str.ptr ? d->v.str.ptr : "", d->v.str.len, seed);
    default: {
        /* Integers, booleans, dates and datetimes hash as little-endian int64 whatever their width. */
        uint64_t v = (uint64_t)d->v.i64;
        for (int i = 0; i < 8; i++) buf[i] = (unsigned char)(v >> (8 * i));
        return hash_xxh3_seed(buf, 8, seed);
    }
    }
}

int catalog_bucket_for_row(const CatTable *t, int buckets, const Datum *dist_vals, uint64_t *rr) {
    if (buckets <= 1) return 0;
    if (t->dist_type != DIST_HASH || !t->ndist_cols) {
        uint64_t n = rr ? (*rr)++ : 0;
        return (int)(n % (uint64_t)buckets);
    }
    uint64_t h = 0x63616972ULL; /* "cair": a fixed seed keeps buckets stable across builds and restarts */
    for (int i = 0; i < t->ndist_cols; i++) h = catalog_hash_datum(&t->cols[t->dist_cols[i]].type, &dist_vals[i], h);
    return (int)(h % (uint64_t)buckets);
}

/* ---------------------------------------------------------------- expression partitions */

/* Keeps letters, digits and '_' of a value for a partition name (StarRocks strips the rest too). */
static void append_name_part(StrBuf *out, const char *s) {
    for (; *s; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_')
            sb_putc(out, *s);
}

Status catalog_expr_partition_for(const CatTable *t, const Datum *key, char *name, size_t name_len,
                                  CatBound *lower, CatBound *upper, Arena *arena, Error *err) {
    if (t->part_type != PART_EXPR)
        return err_set(err, ERR_INTERNAL, "table '%s' does not use expression partitioning", t->name);
    memset(lower, 0, sizeof *lower);
    memset(upper, 0, sizeof *upper);
    StrBuf sb = STRBUF_INIT;
    sb_putc(&sb, 'p');
    if (t->part_expr_unit) {
        if (key[0].is_null) {
            sb_free(&sb);
            return err_set(err, ERR_NO_PARTITION_FOR_VALUE, "NULL value of partition column '%s' in table '%s'",
                           t->cols[t->part_cols[0]].name, t->name);
        }
        Datum lo, hi;
        if (expr_trunc(t, key, &lo, &hi, err)) {
            sb_free(&sb);
            return STATUS_ERROR;
        }
        const DataType *type = &t->cols[t->part_cols[0]].type;
        int64_t days = type->id == TYPE_DATETIME ? lo.v.i64 / (86400LL * 1000000LL) : lo.v.i64;
        if (type->id == TYPE_DATETIME && lo.v.i64 < 0 && lo.v.i64 % (86400LL * 1000000LL)) days--;
        int y, m, d;
        date_to_ymd((int32_t)days, &y, &m, &d);
        const char *u = t->part_expr_unit;
        if (!strcasecmp(u, "year"))
            sb_appendf(&sb, "%04d", y);
        else if (!strcasecmp(u, "month"))
            sb_appendf(&sb, "%04d%02d", y, m);
        else if (!strcasecmp(u, "hour"))
            sb_appendf(&sb, "%04d%02d%02d%02d", y, m, d,
                       (int)((lo.v.i64 - days * 86400LL * 1000000LL) / (3600LL * 1000000LL)));
        else
            sb_appendf(&sb, "%04d%02d%02d", y, m, d);
        lower->n = upper->n = 1;
        lower->vals = arena_calloc(arena, sizeof(Datum));
        upper->vals = arena_calloc(arena, sizeof(Datum));
        lower->vals[0] = lo;
        upper->vals[0] = hi;
    } else {
        DataType types[8];
        int nt = cat_part_types(t, types);
        lower->n = nt;
        lower->vals = arena_calloc(arena, sizeof(Datum) * (size_t)(nt ? nt : 1));
        for (int i = 0; i < nt; i++) {
            if (i) sb_putc(&sb, '_');
            lower->vals[i] = key[i];
            if (key[i].is_null) {
                sb_append(&sb, "NULL");
                continue;
            }
            StrBuf v = STRBUF_INIT;
            type_format_datum(&types[i], &key[i], &v);
            append_name_part(&sb, sb_str(&v));
            sb_free(&v);
        }
    }
    snprintf(name, name_len, "%s", sb_str(&sb));
    sb_free(&sb);
    return STATUS_OK;
}

/* Auto buckets (no BUCKETS written): cairn's choice for a single node, see docs/sql/tables.md. */
int cat_auto_buckets(const CatTable *t) {
    return t->default_buckets > 0 ? t->default_buckets : 1;
}

CatPartition *cat_partition_new(const CatTable *t, const char *name, Error *err) {
    CatPartition *p = calloc(1, sizeof *p);
    if (!p) abort();
    p->name = cat_strdup(name);
    p->table_id = t->id;
    p->buckets = cat_auto_buckets(t);
    const char *rn = catalog_prop(&t->props, "replication_num");
    p->replication_num = rn ? atoi(rn) : 1;
    const char *sm = catalog_prop(&t->props, "storage_medium");
    p->storage_medium = cat_strdup(sm ? sm : "HDD");
    p->visible_version = 1;
    p->next_version = 2;
    p->visible_version_time_ms = clock_now_ms();
    if (meta_next_id(&p->id, err) || cat_partition_make_tablets(t, p, err)) {
        cat_partition_free(p, t);
        return NULL;
    }
    return p;
}

Status catalog_add_expr_partitions(int64_t table_id, const Datum *keys, int nkeys, Error *err) {
    catalog_wrlock();
    CatTable *t = catalog_find_table_by_id(table_id);
    Status st = STATUS_OK;
    if (!t || t->state == TABLE_RESTORE_HIDDEN) {
        catalog_unlock();
        return err_set(err, ERR_NO_SUCH_TABLE, "table id %lld no longer exists", (long long)table_id);
    }
    if (catalog_check_table_usable(t, err)) {
        catalog_unlock();
        return STATUS_ERROR;
    }
    DataType types[8];
    int nt = cat_part_types(t, types);
    int per = t->part_expr_unit ? 1 : nt;
    CatPartition **created = calloc((size_t)(nkeys ? nkeys : 1), sizeof *created);
    int ncreated = 0;
    Arena *a = arena_new(0);
    for (int i = 0; i < nkeys && !st; i++) {
        const Datum *key = &keys[(size_t)i * (size_t)per];
        CatPartition *hit = NULL;
        Error ignore = ERROR_INIT;
        if (!catalog_route_row(t, key, &hit, &ignore) && hit) continue;
        /* Also look among the partitions this call created but has not attached yet. */
        bool dup = false;
        char name[256];
        CatBound lo, hi;
        st = catalog_expr_partition_for(t, key, name, sizeof name, &lo, &hi, a, err);
        if (st) break;
        for (int k = 0; k < ncreated && !dup; k++) dup = !strcasecmp(created[k]->name, name);
        if (dup) continue;
        if (catalog_find_partition(t, name)) {
            /* A value that sanitises to an existing name: disambiguate with the id. */
            size_t len = strlen(name);
            snprintf(name + len, sizeof name - len, "_%d", t->nparts + ncreated);
        }
        CatPartition *p = cat_partition_new(t, name, err);
        if (!p) {
            st = STATUS_ERROR;
            break;
        }
        if (t->part_expr_unit) {
            cat_bound_copy(&p->lower, &lo, types);
            cat_bound_copy(&p->upper, &hi, types);
        } else {
            p->list_vals = calloc(1, sizeof *p->list_vals);
            if (!p->list_vals) abort();
            cat_bound_copy(&p->list_vals[0], &lo, types);
            p->nlist = 1;
        }
        created[ncreated++] = p;
    }
    arena_free(a);
    if (!st && ncreated) {
        st = meta_begin(err);
        for (int i = 0; i < ncreated && !st; i++) st = persist_partition_insert(t, created[i], err);
        if (!st)
            st = meta_commit(err);
        else
            meta_rollback();
    }
    if (!st) {
        for (int i = 0; i < ncreated; i++) cat_attach_partition(t, created[i]);
    } else {
        for (int i = 0; i < ncreated; i++) cat_partition_free(created[i], t);
    }
    free(created);
    catalog_unlock();
    return st;
}
