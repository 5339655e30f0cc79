/* Catalog-backed tables for the planner: resolves names to ExecTables (columns, partitions with their bounds
 * for pruning, view text), and opens scan sources by pinning a read view of the chosen partitions, so a query
 * sees one consistent version of each partition however long it runs. The view is unpinned when the
 * statement ends (ScanSource.release). */
#include <string.h>
#include <strings.h>

#include "catalog/catalog.h"
#include "exec/scan_tablet.h"
#include "sql/parser.h"

typedef struct CatTableRef {
    int64_t table_id;
    KeysType keys;
    int64_t index_id;       /* 0 = the base index; else a synchronous MV index (scan_catalog_resolve_index) */
    const char *index_name; /* for EXPLAIN */
} CatTableRef;

typedef struct CatSource {
    CatReadView *view;
    TabletScanSpec spec;
} CatSource;

static Datum copy_datum(const DataType *t, const Datum *d, Arena *a) {
    Datum r = *d;
    if (!d->is_null && type_is_string(t->id)) r.v.str.ptr = d->v.str.len ? arena_memdup(a, d->v.str.ptr, d->v.str.len) : "";
    return r;
}

static Status cat_unit_open(ScanSource *src, int unit, ScanCursor **out, Error *err) {
    CatSource *cs = src->impl;
    return tablet_scan_open(&cs->spec, unit, src, out, err);
}

static Status cat_cursor_next(ScanCursor *c, Arena *a, Batch **out, Error *err) {
    return tablet_scan_next(c, a, out, err);
}

static void cat_cursor_close(ScanCursor *c) {
    tablet_scan_close(c);
}

static void cat_release(ScanSource *src) {
    CatSource *cs = src->impl;
    catalog_read_view_free(cs->view);
    cs->view = NULL;
}

/* DELETE predicates are stored as text over the table's columns; compile them once per scan. */
static Status compile_delete(const CatReadView *v, const char *text, int64_t version, Arena *a, TabletDeleteDesc *out,
                             Error *err) {
    Expr *e;
    if (sql_parse_expr(a, text, strlen(text), &e, err))
        return err_prefix(err, "delete predicate of %s.%s cannot be parsed: ", v->db_name, v->table_name);
    ExecColumnDesc *cols = arena_alloc(a, sizeof(ExecColumnDesc) * (size_t)(v->ncols ? v->ncols : 1));
    for (int i = 0; i < v->ncols; i++) cols[i] = (ExecColumnDesc){v->cols[i].name, v->cols[i].type};
    ExecPredicate *p;
    if (exec_predicate_compile(NULL, e, cols, v->ncols, a, &p, err)) return STATUS_ERROR;
    int *pc = arena_alloc(a, sizeof(int) * (size_t)(v->ncols ? v->ncols : 1));
    out->version = version;
    out->pred = p;
    out->cols = pc;
    out->ncols = exec_predicate_columns(p, pc, v->ncols);
    return STATUS_OK;
}

static Status cat_make_source(ExecTable *t, const int *sel, int nsel, Arena *a, ScanSource **out, Error *err) {
    const CatTableRef *ref = t->impl;
    ScanSource *s = arena_calloc(a, sizeof *s);
    CatSource *cs = arena_calloc(a, sizeof *cs);
    s->db = t->db;
    s->table = ref->index_name ? arena_sprintf(a, "%s ROLLUP %s", t->name, ref->index_name) : t->name;
    s->impl = cs;
    s->unit_open = cat_unit_open;
    s->cursor_next = cat_cursor_next;
    s->cursor_close = cat_cursor_close;
    s->release = cat_release;
    *out = s;
    if (nsel == 0) return STATUS_OK; /* every partition pruned: nothing to read */
    int64_t *ids = arena_alloc(a, sizeof(int64_t) * (size_t)nsel);
    for (int i = 0; i < nsel; i++) ids[i] = t->parts[sel[i]].id;
    catalog_rdlock();
    CatTable *ct = catalog_find_table_by_id(ref->table_id);
    Status st;
    if (!ct) st = err_set(err, ERR_NO_SUCH_TABLE, "Table '%s.%s' was dropped while the query was planned", t->db, t->name);
    else st = catalog_read_view(ct, ref->index_id, ids, nsel, &cs->view, err);
    catalog_unlock();
    if (st) return st;
    CatReadView *v = cs->view;
    TabletScanSpec *spec = &cs->spec;
    spec->keys = v->keys;
    spec->nkeys = v->nkeys;
    spec->ncols = v->ncols;
    spec->cols = arena_calloc(a, sizeof(TabletColDesc) * (size_t)(v->ncols ? v->ncols : 1));
    for (int i = 0; i < v->ncols; i++) {
        spec->cols[i].name = arena_strdup(a, v->cols[i].name);
        spec->cols[i].uid = (uint32_t)v->cols[i].uid;
        spec->cols[i].type = v->cols[i].type;
        spec->cols[i].nullable = v->cols[i].nullable;
        spec->cols[i].agg = v->cols[i].agg;
    }
    int nt = 0;
    for (int p = 0; p < v->nparts; p++) nt += v->parts[p].ntablets;
    spec->tablets = arena_calloc(a, sizeof(TabletReadDesc) * (size_t)(nt ? nt : 1));
    int64_t est = 0;
    for (int p = 0; p < v->nparts; p++) {
        for (int k = 0; k < v->parts[p].ntablets; k++) {
            const CatReadTablet *rt = &v->parts[p].tablets[k];
            TabletReadDesc *td = &spec->tablets[spec->ntablets++];
            td->tablet_id = rt->tablet_id;
            td->rowsets = arena_calloc(a, sizeof(TabletRowsetDesc) * (size_t)(rt->nrowsets ? rt->nrowsets : 1));
            td->deletes = arena_calloc(a, sizeof(TabletDeleteDesc) * (size_t)(rt->nrowsets ? rt->nrowsets : 1));
            for (int r = 0; r < rt->nrowsets; r++) {
                const CatRowset *rs = rt->rowsets[r];
                if (rs->delete_pred) {
                    if (compile_delete(v, rs->delete_pred, rs->end_version, a, &td->deletes[td->ndeletes], err))
                        return STATUS_ERROR;
                    td->ndeletes++;
                    continue;
                }
                TabletRowsetDesc *rd = &td->rowsets[td->nrowsets++];
                rd->rowset_id = (uint64_t)rs->id;
                rd->start_version = rs->start_version;
                rd->end_version = rs->end_version;
                rd->nrows = (uint64_t)rs->nrows;
                rd->data_size = (uint64_t)rs->data_size;
                rd->nsegments = rs->nsegments;
                rd->segments = arena_calloc(a, sizeof(TabletSegDesc) * (size_t)(rs->nsegments ? rs->nsegments : 1));
                for (int g = 0; g < rs->nsegments; g++) {
                    rd->segments[g].nrows = (uint64_t)rs->segments[g].nrows;
                    rd->segments[g].size = (uint64_t)rs->segments[g].size;
                    rd->segments[g].checksum = rs->segments[g].checksum;
                }
                est += rs->nrows;
            }
        }
    }
    s->nunits = spec->ntablets;
    s->est_rows = est;
    return STATUS_OK;
}

static void fill_partitions(const CatTable *t, ExecTable *et, Arena *a) {
    et->partitioned = t->part_type != PART_NONE;
    et->part_type = t->part_type;
    et->part_col = t->npart_cols == 1 ? t->part_cols[0] : -1;
    et->parts = arena_calloc(a, sizeof(ExecPartition) * (size_t)(t->nparts ? t->nparts : 1));
    const DataType *pt = et->part_col >= 0 ? &t->cols[et->part_col].type : NULL;
    for (int i = 0; i < t->nparts; i++) {
        const CatPartition *p = t->parts[i];
        if (p->state != PART_NORMAL || p->is_temp) continue;
        ExecPartition *ep = &et->parts[et->nparts++];
        ep->name = arena_strdup(a, p->name);
        ep->id = p->id;
        int64_t rows, size;
        catalog_partition_stats(p, &rows, &size);
        ep->rows = rows;
        if (!pt) {
            ep->lower_min = ep->upper_max = true;
            continue;
        }
        if (p->nlist > 0) {
            ep->list = arena_calloc(a, sizeof(Datum) * (size_t)p->nlist);
            for (int k = 0; k < p->nlist; k++) {
                if (p->list_vals[k].n < 1) continue;
                ep->list[ep->nlist++] = copy_datum(pt, &p->list_vals[k].vals[0], a);
            }
            if (ep->nlist == 0) ep->lower_min = ep->upper_max = true;
            continue;
        }
        ep->lower_min = p->lower.is_min || p->lower.n < 1;
        ep->upper_max = p->upper.is_max || p->upper.n < 1;
        if (!ep->lower_min) ep->lower = copy_datum(pt, &p->lower.vals[0], a);
        if (!ep->upper_max) ep->upper = copy_datum(pt, &p->upper.vals[0], a);
        /* a multi-column bound only constrains the first column loosely: keep the partition when equal */
        if (p->upper.n > 1 && !ep->upper_max) ep->upper_max = true;
    }
}

Status scan_catalog_resolve(Session *s, const char *db, const char *name, Arena *a, ExecTable **out, Error *err) {
    catalog_rdlock();
    CatDatabase *d;
    CatTable *t;
    if (catalog_resolve_table(s, db, name, &d, &t, err)) {
        catalog_unlock();
        return STATUS_ERROR;
    }
    if (t->kind != TABLE_VIEW && catalog_check_table_usable(t, err)) {
        catalog_unlock();
        return STATUS_ERROR;
    }
    ExecTable *et = arena_calloc(a, sizeof *et);
    et->db = arena_strdup(a, d->name);
    et->name = arena_strdup(a, t->name);
    et->keys = t->keys;
    et->part_col = -1;
    if (t->kind == TABLE_VIEW) {
        et->is_view = true;
        et->view_sql = arena_strdup(a, t->view_sql ? t->view_sql : "");
        et->ncols = t->nview_cols;
        et->col_names = arena_alloc(a, sizeof(char *) * (size_t)(t->nview_cols ? t->nview_cols : 1));
        et->col_types = arena_alloc(a, sizeof(DataType) * (size_t)(t->nview_cols ? t->nview_cols : 1));
        for (int i = 0; i < t->nview_cols; i++) {
            et->col_names[i] = arena_strdup(a, t->view_cols[i].name);
            et->col_types[i] = t->view_cols[i].type;
        }
        catalog_unlock();
        *out = et;
        return STATUS_OK;
    }
    et->ncols = t->ncols;
    et->col_names = arena_alloc(a, sizeof(char *) * (size_t)(t->ncols ? t->ncols : 1));
    et->col_types = arena_alloc(a, sizeof(DataType) * (size_t)(t->ncols ? t->ncols : 1));
    for (int i = 0; i < t->ncols; i++) {
        et->col_names[i] = arena_strdup(a, t->cols[i].name);
        et->col_types[i] = t->cols[i].type;
    }
    fill_partitions(t, et, a);
    if (t->dist_type == DIST_HASH && t->ndist_cols > 0) {
        et->dist_cols = arena_memdup(a, t->dist_cols, sizeof(int) * (size_t)t->ndist_cols);
        et->ndist = t->ndist_cols;
    }
    CatTableRef *ref = arena_calloc(a, sizeof *ref);
    ref->table_id = t->id;
    ref->keys = t->keys;
    et->impl = ref;
    et->make_source = cat_make_source;
    catalog_unlock();
    *out = et;
    return STATUS_OK;
}

/* The table read through one of its synchronous MV indexes: the columns are the index's (named as the index
 * names them), partition pruning applies when the index holds the partition column. */
Status scan_catalog_resolve_index(Session *s, const char *db, const char *name, const char *index, Arena *a,
                                  ExecTable **out, Error *err) {
    ExecTable *et;
    if (scan_catalog_resolve(s, db, name, a, &et, err)) return STATUS_ERROR;
    if (et->is_view) return err_set(err, ERR_WRONG_OBJECT, "'%s.%s' is a view: it has no rollup '%s'", et->db, et->name, index);
    CatTableRef *ref = et->impl;
    catalog_rdlock();
    CatTable *t = catalog_find_table_by_id(ref->table_id);
    const CatIndex *ix = NULL;
    for (int i = 1; t && i < t->nindexes; i++)
        if (!strcasecmp(t->indexes[i]->name, index) && t->indexes[i]->state == INDEX_NORMAL) ix = t->indexes[i];
    if (!ix) {
        catalog_unlock();
        return err_set(err, ERR_NO_SUCH_TABLE, "Table '%s.%s' has no usable rollup '%s'", et->db, et->name, index);
    }
    const char *part_col = et->part_col >= 0 ? et->col_names[et->part_col] : NULL;
    et->keys = ix->keys;
    et->ncols = ix->ncols;
    et->col_names = arena_alloc(a, sizeof(char *) * (size_t)(ix->ncols ? ix->ncols : 1));
    et->col_types = arena_alloc(a, sizeof(DataType) * (size_t)(ix->ncols ? ix->ncols : 1));
    et->part_col = -1;
    for (int i = 0; i < ix->ncols; i++) {
        et->col_names[i] = arena_strdup(a, ix->cols[i].name);
        et->col_types[i] = ix->cols[i].type;
        /* the index keeps a base column under its own name unless it aggregates it */
        if (part_col && ix->base_col[i] >= 0 && ix->cols[i].agg == AGG_NONE && !strcasecmp(ix->cols[i].name, part_col))
            et->part_col = i;
    }
    ref->keys = ix->keys;
    ref->index_id = ix->id;
    ref->index_name = arena_strdup(a, ix->name);
    catalog_unlock();
    *out = et;
    return STATUS_OK;
}
