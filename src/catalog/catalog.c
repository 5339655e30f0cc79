/* The in-memory catalog: global state, the RW lock, id maps, object construction and destruction, name
 * lookups with StarRocks' case rules, and start-up loading. Mutating operations live in the DDL, load
 * transaction and restore files; they all follow "write SQLite first, then change memory under wrlock". */
#include "catalog/catalog_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/session.h"
#include "util/log.h"
#include "util/str.h"

CatalogState g_cat;
CatViewValidator catalog_view_validator;

static pthread_rwlock_t g_lock = PTHREAD_RWLOCK_INITIALIZER;

void catalog_rdlock(void) {
    pthread_rwlock_rdlock(&g_lock);
}
void catalog_wrlock(void) {
    pthread_rwlock_wrlock(&g_lock);
}
void catalog_unlock(void) {
    pthread_rwlock_unlock(&g_lock);
}
/* Used by GC from paths that may run while the caller holds a read lock: never block there. */
bool cat_trywrlock(void) {
    return pthread_rwlock_trywrlock(&g_lock) == 0;
}

/* ---------------------------------------------------------------- id map */

static size_t slot_of(int64_t key, size_t cap) {
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 17) & (cap - 1);
}

static void idmap_grow(IdMap *m) {
    size_t ncap = m->cap ? m->cap * 2 : 64;
    int64_t *ok = m->keys;
    void **ov = m->vals;
    size_t ocap = m->cap;
    m->keys = calloc(ncap, sizeof *m->keys);
    m->vals = calloc(ncap, sizeof *m->vals);
    if (!m->keys || !m->vals) abort();
    m->cap = ncap;
    m->len = 0;
    for (size_t i = 0; i < ocap; i++)
        if (ok[i]) idmap_put(m, ok[i], ov[i]);
    free(ok);
    free(ov);
}

void idmap_put(IdMap *m, int64_t key, void *val) {
    if ((m->len + 1) * 4 >= m->cap * 3) idmap_grow(m);
    size_t i = slot_of(key, m->cap);
    while (m->keys[i] && m->keys[i] != key) i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) m->len++;
    m->keys[i] = key;
    m->vals[i] = val;
}

void *idmap_get(const IdMap *m, int64_t key) {
    if (!m->cap || !key) return NULL;
    size_t i = slot_of(key, m->cap);
    while (m->keys[i]) {
        if (m->keys[i] == key) return m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    return NULL;
}

void idmap_del(IdMap *m, int64_t key) {
    if (!m->cap || !key) return;
    size_t i = slot_of(key, m->cap);
    while (m->keys[i] && m->keys[i] != key) i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) return;
    m->keys[i] = 0;
    m->vals[i] = NULL;
    m->len--;
    /* Backward-shift deletion keeps probe chains intact without tombstones. */
    size_t j = i;
    for (;;) {
        j = (j + 1) & (m->cap - 1);
        if (!m->keys[j]) break;
        size_t home = slot_of(m->keys[j], m->cap);
        bool movable = (i <= j) ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            m->keys[j] = 0;
            m->vals[j] = NULL;
            i = j;
        }
    }
}

void idmap_free(IdMap *m) {
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------------- small helpers */

char *cat_strdup(const char *s) {
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) abort();
    return d;
}

const char *catalog_prop(const CatProps *props, const char *key) {
    for (int i = 0; i < props->n; i++)
        if (!strcasecmp(props->items[i].key, key)) return props->items[i].value;
    return NULL;
}

void cat_props_set(CatProps *p, const char *key, const char *value) {
    for (int i = 0; i < p->n; i++) {
        if (!strcasecmp(p->items[i].key, key)) {
            free(p->items[i].value);
            p->items[i].value = cat_strdup(value);
            return;
        }
    }
    p->items = realloc(p->items, (size_t)(p->n + 1) * sizeof *p->items);
    if (!p->items) abort();
    p->items[p->n].key = cat_strdup(key);
    p->items[p->n].value = cat_strdup(value);
    p->n++;
}

void cat_props_del(CatProps *p, const char *key) {
    for (int i = 0; i < p->n; i++) {
        if (strcasecmp(p->items[i].key, key)) continue;
        free(p->items[i].key);
        free(p->items[i].value);
        memmove(&p->items[i], &p->items[i + 1], (size_t)(p->n - i - 1) * sizeof *p->items);
        p->n--;
        return;
    }
}

void cat_props_copy(CatProps *dst, const CatProps *src) {
    memset(dst, 0, sizeof *dst);
    for (int i = 0; i < src->n; i++) cat_props_set(dst, src->items[i].key, src->items[i].value);
}

void cat_props_free(CatProps *p) {
    for (int i = 0; i < p->n; i++) {
        free(p->items[i].key);
        free(p->items[i].value);
    }
    free(p->items);
    memset(p, 0, sizeof *p);
}

void cat_column_copy(CatColumn *dst, const CatColumn *src) {
    *dst = *src;
    dst->name = cat_strdup(src->name);
    dst->default_value = cat_strdup(src->default_value);
    dst->comment = cat_strdup(src->comment ? src->comment : "");
}

void cat_column_free(CatColumn *c) {
    free(c->name);
    free(c->default_value);
    free(c->comment);
}

int cat_part_types(const CatTable *t, DataType *types) {
    int n = 0;
    for (int i = 0; i < t->npart_cols && i < 8; i++) types[n++] = t->cols[t->part_cols[i]].type;
    return n;
}

static void datum_copy(Datum *dst, const Datum *src, const DataType *type) {
    *dst = *src;
    if (!src->is_null && type && type_is_string(type->id)) {
        char *p = malloc(src->v.str.len + 1);
        if (!p) abort();
        if (src->v.str.len) memcpy(p, src->v.str.ptr, src->v.str.len);
        p[src->v.str.len] = '\0';
        dst->v.str.ptr = p;
    }
}

void cat_datum_free(const DataType *type, Datum *d) {
    if (!d->is_null && type && type_is_string(type->id)) free((void *)d->v.str.ptr);
    d->v.str.ptr = NULL;
}

void cat_bound_copy(CatBound *dst, const CatBound *src, const DataType *types) {
    *dst = *src;
    dst->vals = NULL;
    if (src->n) {
        dst->vals = calloc((size_t)src->n, sizeof *dst->vals);
        if (!dst->vals) abort();
        for (int i = 0; i < src->n; i++) datum_copy(&dst->vals[i], &src->vals[i], types ? &types[i] : NULL);
    }
}

void cat_bound_free(CatBound *b, const DataType *types) {
    for (int i = 0; i < b->n; i++) cat_datum_free(types ? &types[i] : NULL, &b->vals[i]);
    free(b->vals);
    memset(b, 0, sizeof *b);
}

void cat_rowset_free(CatRowset *rs) {
    if (!rs) return;
    for (int i = 0; i < rs->nsegments; i++) free(rs->segments[i].name);
    free(rs->segments);
    free(rs->delete_pred);
    free(rs);
}

CatRowset *cat_rowset_from_meta(int64_t tablet_id, const CatRowsetMeta *m) {
    CatRowset *rs = calloc(1, sizeof *rs);
    if (!rs) abort();
    rs->id = m->rowset_id;
    rs->tablet_id = tablet_id;
    rs->nsegments = m->nsegments;
    if (m->nsegments) {
        rs->segments = calloc((size_t)m->nsegments, sizeof *rs->segments);
        if (!rs->segments) abort();
        for (int i = 0; i < m->nsegments; i++) {
            rs->segments[i] = m->segments[i];
            rs->segments[i].name = cat_strdup(m->segments[i].name ? m->segments[i].name : "");
        }
    }
    rs->nrows = m->nrows;
    rs->data_size = m->data_size;
    rs->delete_pred = cat_strdup(m->delete_pred);
    atomic_init(&rs->refcount, 1);
    return rs;
}

void cat_tablet_add_rowset(CatTablet *t, CatRowset *rs) {
    if (t->nrowsets == t->caprowsets) {
        t->caprowsets = t->caprowsets ? t->caprowsets * 2 : 4;
        t->rowsets = realloc(t->rowsets, (size_t)t->caprowsets * sizeof *t->rowsets);
        if (!t->rowsets) abort();
    }
    /* Keep rowsets ordered by start version so readers merge them in version order. */
    int i = t->nrowsets;
    while (i > 0 && t->rowsets[i - 1]->start_version > rs->start_version) {
        t->rowsets[i] = t->rowsets[i - 1];
        i--;
    }
    t->rowsets[i] = rs;
    t->nrowsets++;
}

void cat_tablet_free(CatTablet *t) {
    if (!t) return;
    /* Memory only: files stay (shutdown, detached definitions). Drops go through cat_partition_drop_data. */
    for (int i = 0; i < t->nrowsets; i++) cat_rowset_free(t->rowsets[i]);
    free(t->rowsets);
    free(t);
}

void cat_partition_drop_data(CatPartition *p) {
    for (int k = 0; k < p->ntablets; k++) {
        CatTablet *t = p->tablets[k];
        if (!t) continue;
        for (int i = 0; i < t->nrowsets; i++) {
            /* A dropped tablet's rowsets are garbage: the last holder queues their files for deletion. */
            CatRowset *rs = t->rowsets[i];
            cat_stale_forget(rs);
            rs->state = ROWSET_STALE;
            cat_rowset_detach(rs);
            catalog_rowset_unref(rs);
        }
        t->nrowsets = 0;
    }
}

void cat_partition_free(CatPartition *p, const CatTable *t) {
    if (!p) return;
    DataType types[8];
    int nt = t ? cat_part_types(t, types) : 0;
    const DataType *tp = nt ? types : NULL;
    cat_bound_free(&p->lower, tp);
    cat_bound_free(&p->upper, tp);
    for (int i = 0; i < p->nlist; i++) cat_bound_free(&p->list_vals[i], tp);
    free(p->list_vals);
    for (int i = 0; i < p->ntablets; i++) cat_tablet_free(p->tablets[i]);
    free(p->tablets);
    free(p->name);
    free(p->storage_medium);
    free(p);
}

void cat_index_free(CatIndex *ix) {
    if (!ix) return;
    for (int i = 0; i < ix->ncols; i++) cat_column_free(&ix->cols[i]);
    free(ix->cols);
    free(ix->base_col);
    free(ix->name);
    free(ix->define_sql);
    free(ix);
}

void catalog_table_free(CatTable *t) {
    if (!t) return;
    for (int i = 0; i < t->nparts; i++) cat_partition_free(t->parts[i], t);
    free(t->parts);
    for (int i = 0; i < t->ncols; i++) cat_column_free(&t->cols[i]);
    free(t->cols);
    for (int i = 0; i < t->nview_cols; i++) cat_column_free(&t->view_cols[i]);
    free(t->view_cols);
    for (int i = 0; i < t->nindexes; i++) cat_index_free(t->indexes[i]);
    free(t->indexes);
    for (int i = 0; i < t->nindex_defs; i++) {
        CatIndexDef *d = &t->index_defs[i];
        free(d->name);
        for (int k = 0; k < d->ncols; k++) free(d->cols[k]);
        free(d->cols);
        free(d->using_type);
        free(d->comment);
    }
    free(t->index_defs);
    free(t->mv_def);
    for (int i = 0; i < t->norder_by; i++) free(t->order_by[i]);
    free(t->order_by);
    free(t->part_cols);
    free(t->part_expr);
    free(t->part_expr_unit);
    free(t->dist_cols);
    cat_props_free(&t->props);
    free(t->name);
    free(t->comment);
    free(t->view_sql);
    free(t);
}

void cat_db_free(CatDatabase *db) {
    if (!db) return;
    for (int i = 0; i < db->ntables; i++) catalog_table_free(db->tables[i]);
    free(db->tables);
    cat_props_free(&db->props);
    free(db->name);
    free(db);
}

/* ---------------------------------------------------------------- attach / detach */

void cat_attach_db(CatDatabase *db) {
    if (g_cat.ndbs == g_cat.capdbs) {
        g_cat.capdbs = g_cat.capdbs ? g_cat.capdbs * 2 : 8;
        g_cat.dbs = realloc(g_cat.dbs, (size_t)g_cat.capdbs * sizeof *g_cat.dbs);
        if (!g_cat.dbs) abort();
    }
    g_cat.dbs[g_cat.ndbs++] = db;
    idmap_put(&g_cat.dbs_by_id, db->id, db);
    for (int i = 0; i < db->ntables; i++) {
        CatTable *t = db->tables[i];
        idmap_put(&g_cat.tables_by_id, t->id, t);
        for (int k = 0; k < t->nparts; k++) {
            idmap_put(&g_cat.parts_by_id, t->parts[k]->id, t->parts[k]);
            cat_attach_tablets(t->parts[k]);
        }
    }
}

void cat_detach_db(CatDatabase *db) {
    for (int i = 0; i < g_cat.ndbs; i++) {
        if (g_cat.dbs[i] != db) continue;
        memmove(&g_cat.dbs[i], &g_cat.dbs[i + 1], (size_t)(g_cat.ndbs - i - 1) * sizeof *g_cat.dbs);
        g_cat.ndbs--;
        break;
    }
    idmap_del(&g_cat.dbs_by_id, db->id);
    for (int i = 0; i < db->ntables; i++) {
        CatTable *t = db->tables[i];
        idmap_del(&g_cat.tables_by_id, t->id);
        for (int k = 0; k < t->nparts; k++) {
            idmap_del(&g_cat.parts_by_id, t->parts[k]->id);
            cat_detach_tablets(t->parts[k]);
        }
    }
}

void cat_attach_tablets(CatPartition *p) {
    for (int i = 0; i < p->ntablets; i++)
        if (p->tablets[i]) idmap_put(&g_cat.tablets_by_id, p->tablets[i]->id, p->tablets[i]);
}

void cat_detach_tablets(CatPartition *p) {
    for (int i = 0; i < p->ntablets; i++)
        if (p->tablets[i]) idmap_del(&g_cat.tablets_by_id, p->tablets[i]->id);
}

void cat_attach_table(CatDatabase *db, CatTable *t) {
    t->db_id = db->id;
    if (db->ntables == db->captables) {
        db->captables = db->captables ? db->captables * 2 : 8;
        db->tables = realloc(db->tables, (size_t)db->captables * sizeof *db->tables);
        if (!db->tables) abort();
    }
    db->tables[db->ntables++] = t;
    idmap_put(&g_cat.tables_by_id, t->id, t);
    for (int k = 0; k < t->nparts; k++) {
        t->parts[k]->table_id = t->id;
        idmap_put(&g_cat.parts_by_id, t->parts[k]->id, t->parts[k]);
        cat_attach_tablets(t->parts[k]);
    }
}

void cat_detach_table(CatTable *t) {
    CatDatabase *db = catalog_find_db_by_id(t->db_id);
    if (db) {
        for (int i = 0; i < db->ntables; i++) {
            if (db->tables[i] != t) continue;
            memmove(&db->tables[i], &db->tables[i + 1], (size_t)(db->ntables - i - 1) * sizeof *db->tables);
            db->ntables--;
            break;
        }
    }
    idmap_del(&g_cat.tables_by_id, t->id);
    for (int k = 0; k < t->nparts; k++) {
        idmap_del(&g_cat.parts_by_id, t->parts[k]->id);
        cat_detach_tablets(t->parts[k]);
    }
}

static int cmp_parts_ctx_range(const CatTable *t, const CatPartition *a, const CatPartition *b) {
    int c = cat_bound_compare(t, &a->lower, &b->lower);
    if (c) return c;
    return a->id < b->id ? -1 : a->id > b->id;
}

void cat_sort_partitions(CatTable *t) {
    if (t->part_type != PART_RANGE && !(t->part_type == PART_EXPR && t->part_expr_unit)) return;
    /* Insertion sort: partitions arrive almost sorted and tables have few of them. */
    for (int i = 1; i < t->nparts; i++) {
        CatPartition *p = t->parts[i];
        int j = i;
        while (j > 0 && cmp_parts_ctx_range(t, t->parts[j - 1], p) > 0) {
            t->parts[j] = t->parts[j - 1];
            j--;
        }
        t->parts[j] = p;
    }
}

void cat_attach_partition(CatTable *t, CatPartition *p) {
    if (t->nparts == t->capparts) {
        t->capparts = t->capparts ? t->capparts * 2 : 8;
        t->parts = realloc(t->parts, (size_t)t->capparts * sizeof *t->parts);
        if (!t->parts) abort();
    }
    p->table_id = t->id;
    t->parts[t->nparts++] = p;
    cat_sort_partitions(t);
    idmap_put(&g_cat.parts_by_id, p->id, p);
    cat_attach_tablets(p);
}

void cat_detach_partition(CatTable *t, CatPartition *p) {
    for (int i = 0; i < t->nparts; i++) {
        if (t->parts[i] != p) continue;
        memmove(&t->parts[i], &t->parts[i + 1], (size_t)(t->nparts - i - 1) * sizeof *t->parts);
        t->nparts--;
        break;
    }
    idmap_del(&g_cat.parts_by_id, p->id);
    cat_detach_tablets(p);
}

/* ---------------------------------------------------------------- ids and tablets */

Status cat_partition_make_tablets(const CatTable *t, CatPartition *p, Error *err) {
    int n = t->nindexes * p->buckets;
    p->tablets = calloc((size_t)(n ? n : 1), sizeof *p->tablets);
    if (!p->tablets) abort();
    p->ntablets = 0;
    for (int ix = 0; ix < t->nindexes; ix++) {
        for (int b = 0; b < p->buckets; b++) {
            CatTablet *tb = calloc(1, sizeof *tb);
            if (!tb) abort();
            if (meta_next_id(&tb->id, err)) {
                free(tb);
                return STATUS_ERROR;
            }
            tb->partition_id = p->id;
            tb->index_id = t->indexes[ix]->id;
            tb->bucket = b;
            p->tablets[p->ntablets++] = tb;
        }
    }
    return STATUS_OK;
}

Status cat_table_assign_ids(CatTable *t, Error *err) {
    if (meta_next_id(&t->id, err)) return STATUS_ERROR;
    for (int i = 0; i < t->nindexes; i++)
        if (meta_next_id(&t->indexes[i]->id, err)) return STATUS_ERROR;
    for (int i = 0; i < t->nparts; i++) {
        CatPartition *p = t->parts[i];
        if (meta_next_id(&p->id, err)) return STATUS_ERROR;
        p->table_id = t->id;
        for (int k = 0; k < p->ntablets; k++) cat_tablet_free(p->tablets[k]);
        free(p->tablets);
        p->tablets = NULL;
        p->ntablets = 0;
        if (cat_partition_make_tablets(t, p, err)) return STATUS_ERROR;
    }
    return STATUS_OK;
}

/* ---------------------------------------------------------------- lookups */

CatDatabase *catalog_find_db(const char *name) {
    if (!name) return NULL;
    for (int i = 0; i < g_cat.ndbs; i++)
        if (!strcasecmp(g_cat.dbs[i]->name, name)) return g_cat.dbs[i];
    return NULL;
}

CatDatabase *catalog_find_db_by_id(int64_t id) {
    return idmap_get(&g_cat.dbs_by_id, id);
}

CatTable *catalog_find_table(const CatDatabase *db, const char *name) {
    if (!db || !name) return NULL;
    for (int i = 0; i < db->ntables; i++) {
        CatTable *t = db->tables[i];
        if (t->state != TABLE_RESTORE_HIDDEN && !strcmp(t->name, name)) return t;
    }
    return NULL;
}

CatTable *catalog_find_table_by_id(int64_t id) {
    return idmap_get(&g_cat.tables_by_id, id);
}

CatPartition *catalog_find_partition(const CatTable *t, const char *name) {
    for (int i = 0; i < t->nparts; i++) {
        CatPartition *p = t->parts[i];
        if (p->state == PART_NORMAL && !strcasecmp(p->name, name)) return p;
    }
    return NULL;
}

CatPartition *catalog_find_partition_by_id(const CatTable *t, int64_t id) {
    CatPartition *p = idmap_get(&g_cat.parts_by_id, id);
    return p && (!t || p->table_id == t->id) ? p : NULL;
}

int catalog_find_column(const CatTable *t, const char *name) {
    for (int i = 0; i < t->ncols; i++)
        if (!strcasecmp(t->cols[i].name, name)) return i;
    return -1;
}

CatTablet *catalog_find_tablet(int64_t tablet_id, CatTable **table_out, CatPartition **part_out) {
    CatTablet *tb = idmap_get(&g_cat.tablets_by_id, tablet_id);
    if (!tb) return NULL;
    CatPartition *p = idmap_get(&g_cat.parts_by_id, tb->partition_id);
    if (part_out) *part_out = p;
    if (table_out) *table_out = p ? catalog_find_table_by_id(p->table_id) : NULL;
    return tb;
}

static int cmp_db_name(const void *a, const void *b) {
    return strcasecmp((*(CatDatabase *const *)a)->name, (*(CatDatabase *const *)b)->name);
}

void catalog_each_db(void (*fn)(void *ctx, CatDatabase *db), void *ctx) {
    if (!g_cat.ndbs) return;
    CatDatabase **sorted = malloc((size_t)g_cat.ndbs * sizeof *sorted);
    if (!sorted) abort();
    memcpy(sorted, g_cat.dbs, (size_t)g_cat.ndbs * sizeof *sorted);
    qsort(sorted, (size_t)g_cat.ndbs, sizeof *sorted, cmp_db_name);
    for (int i = 0; i < g_cat.ndbs; i++) fn(ctx, sorted[i]);
    free(sorted);
}

int catalog_index_pos(const CatTable *t, int64_t index_id) {
    for (int i = 0; i < t->nindexes; i++)
        if (t->indexes[i]->id == index_id) return i;
    return -1;
}

CatTablet *catalog_partition_tablet(const CatPartition *p, int index_pos, int bucket) {
    int i = index_pos * p->buckets + bucket;
    return index_pos >= 0 && bucket >= 0 && bucket < p->buckets && i < p->ntablets ? p->tablets[i] : NULL;
}

void catalog_partition_stats(const CatPartition *p, int64_t *nrows, int64_t *data_size) {
    int64_t rows = 0, size = 0;
    /* Rows count the base index only (as StarRocks' RowCount); size counts every index. */
    for (int i = 0; i < p->ntablets; i++) {
        const CatTablet *tb = p->tablets[i];
        for (int k = 0; k < tb->nrowsets; k++) {
            const CatRowset *rs = tb->rowsets[k];
            if (rs->state != ROWSET_VISIBLE || rs->end_version > p->visible_version) continue;
            if (i < p->buckets) rows += rs->nrows;
            size += rs->data_size;
        }
    }
    *nrows = rows;
    *data_size = size;
}

/* ---------------------------------------------------------------- resolution */

Status catalog_resolve_db(const Session *s, const char *db, CatDatabase **out, Error *err) {
    const char *name = db;
    if (!name || !*name) {
        if (!s || !s->db[0]) return err_set(err, ERR_NO_DB, "No database selected");
        name = s->db;
    }
    CatDatabase *d = catalog_find_db(name);
    if (!d) return err_set(err, ERR_BAD_DB, "Unknown database '%s'", name);
    *out = d;
    return STATUS_OK;
}

Status catalog_resolve_table(const Session *s, const char *db, const char *name, CatDatabase **db_out,
                             CatTable **t_out, Error *err) {
    CatDatabase *d;
    if (catalog_resolve_db(s, db, &d, err)) return STATUS_ERROR;
    CatTable *t = catalog_find_table(d, name);
    if (!t) return err_set(err, ERR_NO_SUCH_TABLE, "Table '%s' doesn't exist", name);
    if (db_out) *db_out = d;
    *t_out = t;
    return STATUS_OK;
}

Status catalog_check_table_usable(const CatTable *t, Error *err) {
    if (t->state == TABLE_NORMAL) return STATUS_OK;
    return err_set(err, ERR_TABLE_STATE, "Table %s is in restore process. Can not operate on it", t->name);
}

/* ---------------------------------------------------------------- open / close */

Status catalog_open(Error *err) {
    if (g_cat.open) return err_set(err, ERR_INTERNAL, "catalog_open called twice");
    if (!meta_is_open()) return err_set(err, ERR_INTERNAL, "catalog_open called before meta_open");
    if (cat_migrate(err)) return STATUS_ERROR;
    catalog_wrlock();
    Status st = persist_load_all(err);
    if (!st) g_cat.open = true;
    catalog_unlock();
    if (st) {
        catalog_close();
        return err_prefix(err, "while loading the catalog from %s: ", meta_path());
    }
    log_info("catalog loaded: %d databases", g_cat.ndbs);
    return STATUS_OK;
}

void catalog_close(void) {
    catalog_wrlock();
    cat_stale_reset();
    for (int i = 0; i < g_cat.ndbs; i++) cat_db_free(g_cat.dbs[i]);
    free(g_cat.dbs);
    idmap_free(&g_cat.dbs_by_id);
    idmap_free(&g_cat.tables_by_id);
    idmap_free(&g_cat.parts_by_id);
    idmap_free(&g_cat.tablets_by_id);
    CatStorageOps ops = g_cat.ops;
    IdMap pinned = g_cat.pinned;
    memset(&g_cat, 0, sizeof g_cat);
    g_cat.ops = ops; /* storage registers once per process */
    idmap_free(&pinned);
    catalog_unlock();
    cat_reap_dead();
}

void cat_table_sync_base_index(CatTable *t) {
    if (t->kind == TABLE_VIEW) return;
    if (!t->nindexes) {
        t->indexes = realloc(t->indexes, sizeof *t->indexes);
        if (!t->indexes) abort();
        CatIndex *ix = calloc(1, sizeof *ix);
        if (!ix) abort();
        ix->is_base = true;
        t->indexes[0] = ix;
        t->nindexes = 1;
    }
    CatIndex *ix = t->indexes[0];
    for (int i = 0; i < ix->ncols; i++) cat_column_free(&ix->cols[i]);
    free(ix->cols);
    free(ix->base_col);
    ix->cols = calloc((size_t)(t->ncols ? t->ncols : 1), sizeof *ix->cols);
    ix->base_col = calloc((size_t)(t->ncols ? t->ncols : 1), sizeof *ix->base_col);
    if (!ix->cols || !ix->base_col) abort();
    for (int i = 0; i < t->ncols; i++) {
        cat_column_copy(&ix->cols[i], &t->cols[i]);
        ix->base_col[i] = i;
    }
    ix->ncols = t->ncols;
    ix->keys = t->keys;
    ix->nkeys = t->nkeys;
    ix->is_base = true;
    free(ix->name);
    ix->name = cat_strdup(t->name);
}
