/* Filling a synchronous MV index from its table's data. Loads write every index from the moment it
 * exists; this covers what they did not: the rows loaded before the index was created, and any load
 * that opened before and committed after. Per partition and bucket it checks whether the index
 * tablet covers every base rowset version; where it does not, it reads the base tablet at the
 * partition's version V (key model and DELETE predicates applied), keeps the rows the index's WHERE
 * holds TRUE for (as loads do), projects/aggregates into the index's columns, writes one rowset
 * [1, V] and, in one metadata transaction, makes it replace the index rowsets up to V. Loads after
 * V are untouched, so the fill never races a load: their rowsets sit above V. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog_int.h"
#include "exec/scan_tablet.h"
#include "load/load_util.h"
#include "load/tablet_writer.h"
#include "mv/mv.h"
#include "mv/mv_int.h"
#include "sql/parser.h"
#include "util/clock.h"
#include "util/log.h"

#define FLUSH_ROWS (256u * 1024u) /* index rows per segment written */

/* What one (partition, bucket) needs, copied under the lock. */
typedef struct FillUnit {
    int64_t part_id;
    int bucket;
    int64_t index_tablet;
} FillUnit;

/* Whether the index tablet holds a rowset for every base rowset version (lock held). */
static bool covered(const CatTablet *base, const CatTablet *ix, int64_t version) {
    for (int r = 0; r < base->nrowsets; r++) {
        const CatRowset *b = base->rowsets[r];
        if (b->state != ROWSET_VISIBLE || b->end_version > version) continue;
        bool found = false;
        for (int k = 0; k < ix->nrowsets && !found; k++) {
            const CatRowset *x = ix->rowsets[k];
            found = x->state == ROWSET_VISIBLE && x->start_version <= b->start_version &&
                    x->end_version >= b->end_version;
        }
        if (!found) return false;
    }
    return true;
}

bool mv_sync_has_gaps(const CatTable *t, int ipos) {
    for (int i = 0; i < t->nparts; i++) {
        const CatPartition *p = t->parts[i];
        if (p->state != PART_NORMAL) continue;
        for (int b = 0; b < p->buckets; b++) {
            const CatTablet *bt = catalog_partition_tablet(p, 0, b),
                            *it = catalog_partition_tablet(p, ipos, b);
            if (bt && it && !covered(bt, it, p->visible_version)) return true;
        }
    }
    return false;
}

/* The index's batch of a base batch: projection, COUNT columns as 0/1 per row, widened SUM columns
 * (the same rule the load path applies, load_sink.c). */
static Status index_batch(const CatIndex *ix, const Batch *b, Arena *a, Batch **out, Error *err) {
    Batch *o = arena_calloc(a, sizeof *o);
    o->nrows = b->nrows;
    o->ncols = ix->ncols;
    o->arena = a;
    o->cols = arena_alloc(a, sizeof(ColumnVector *) * (size_t)ix->ncols);
    for (int c = 0; c < ix->ncols; c++) {
        const CatColumn *col = &ix->cols[c];
        int bc = ix->base_col[c];
        if (col->agg == AGG_COUNT || bc < 0) {
            ColumnVector *v = colvec_new(a, type_make(TYPE_BIGINT), b->nrows);
            int64_t *d = v->data;
            for (uint32_t r = 0; r < b->nrows; r++)
                d[r] = bc < 0 ? 1 : !colvec_is_null(b->cols[bc], r);
            v->len = b->nrows;
            o->cols[c] = v;
        } else if (type_equal(&b->cols[bc]->type, &col->type)) {
            o->cols[c] = b->cols[bc];
        } else if (load_vector_widen(b->cols[bc], &col->type, b->nrows, a, &o->cols[c], err)) {
            return err_prefix(err, "synchronous materialized view column '%s': ", col->name);
        }
    }
    *out = o;
    return STATUS_OK;
}

/* DELETE predicates are stored as text over the base columns: compile one for the reader. */
static Status compile_delete(const CatReadView *v, const char *text, int64_t version, Arena *a,
                             TabletDeleteDesc *out, Error *err) {
    Expr *e;
    if (sql_parse_expr(a, text, strlen(text), &e, err))
        return err_prefix(err, "delete predicate of %s: ", v->table_name);
    ExecColumnDesc *cols =
        arena_alloc(a, sizeof(ExecColumnDesc) * (size_t)(v->ncols ? v->ncols : 1));
    for (int i = 0; i < v->ncols; i++)
        cols[i] = (ExecColumnDesc){v->cols[i].name, v->cols[i].type};
    ExecPredicate *p;
    if (exec_predicate_compile(NULL, e, cols, v->ncols, a, &p, err)) return STATUS_ERROR;
    int *pc = arena_alloc(a, sizeof(int) * (size_t)(v->ncols ? v->ncols : 1));
    out->version = version;
    out->pred = p;
    out->cols = pc;
    out->ncols = exec_predicate_columns(p, pc, v->ncols);
    return STATUS_OK;
}

static void describe_tablet(const CatReadView *v, const CatReadTablet *rt, Arena *a,
                            TabletReadDesc *td, Error *err, Status *st) {
    td->tablet_id = rt->tablet_id;
    td->rowsets =
        arena_calloc(a, sizeof(TabletRowsetDesc) * (size_t)(rt->nrowsets ? rt->nrowsets : 1));
    td->deletes =
        arena_calloc(a, sizeof(TabletDeleteDesc) * (size_t)(rt->nrowsets ? rt->nrowsets : 1));
    for (int r = 0; r < rt->nrowsets && !*st; r++) {
        const CatRowset *rs = rt->rowsets[r];
        if (rs->delete_pred) {
            *st = compile_delete(v, rs->delete_pred, rs->end_version, a,
                                 &td->deletes[td->ndeletes++], err);
            continue;
        }
        TabletRowsetDesc *rd = &td->rowsets[td->nrowsets++];
        rd->rowset_id = (uint64_t)rs->id;
        rd->start_version = rs->start_version;
        rd->end_version = rs->end_version;
        rd->nrows = (uint64_t)rs->nrows;
        rd->data_size = (uint64_t)rs->data_size;
        rd->nsegments = rs->nsegments;
        rd->segments =
            arena_calloc(a, sizeof(TabletSegDesc) * (size_t)(rs->nsegments ? rs->nsegments : 1));
        for (int g = 0; g < rs->nsegments; g++) {
            rd->segments[g].nrows = (uint64_t)rs->segments[g].nrows;
            rd->segments[g].size = (uint64_t)rs->segments[g].size;
            rd->segments[g].checksum = rs->segments[g].checksum;
        }
    }
}

/* Replaces the index tablet's rowsets up to `version` by the written one (write lock taken here).
 */
static Status register_rowset(int64_t tablet_id, int64_t version, const LoadRowsetOut *ro,
                              Error *err) {
    catalog_wrlock();
    CatTable *t = NULL;
    CatPartition *p = NULL;
    CatTablet *tb = catalog_find_tablet(tablet_id, &t, &p);
    Status st = STATUS_OK;
    if (!tb || !p || p->state != PART_NORMAL)
        st = err_set(err, ERR_NO_SUCH_TABLE, "tablet %lld was dropped during the fill",
                     (long long)tablet_id);
    for (int r = 0; !st && r < tb->nrowsets; r++) {
        const CatRowset *x = tb->rowsets[r];
        if (x->state == ROWSET_VISIBLE && x->start_version <= version && x->end_version > version)
            st = err_set(err, ERR_COMMON,
                         "index tablet %lld was compacted across version %lld: the fill is retried",
                         (long long)tablet_id, (long long)version);
    }
    CatRowset *rs = NULL;
    if (!st) {
        CatSegmentFile *segs = calloc((size_t)(ro->nsegments ? ro->nsegments : 1), sizeof *segs);
        if (!segs) abort();
        for (int i = 0; i < ro->nsegments; i++) {
            segs[i].name = ro->segments[i].name;
            segs[i].size = ro->segments[i].size;
            segs[i].checksum = ro->segments[i].checksum;
            segs[i].nrows = ro->segments[i].nrows;
        }
        CatRowsetMeta m = {ro->rowset_id, ro->nsegments, segs, ro->nrows, ro->data_size, NULL};
        rs = cat_rowset_from_meta(tablet_id, &m);
        free(segs);
        rs->start_version = 1;
        rs->end_version = version;
        rs->create_time_ms = clock_now_ms();
        rs->state = ROWSET_VISIBLE;
        st = meta_begin(err);
        for (int r = 0; !st && r < tb->nrowsets; r++)
            if (tb->rowsets[r]->state == ROWSET_VISIBLE && tb->rowsets[r]->end_version <= version)
                st = persist_rowset_state(tb->rowsets[r]->id, ROWSET_STALE, err);
        if (!st) st = persist_rowset_insert(rs, err);
        if (!st)
            st = meta_commit(err);
        else if (meta_held_by_me())
            meta_rollback();
    }
    if (!st) {
        for (int r = 0; r < tb->nrowsets; r++)
            if (tb->rowsets[r]->state == ROWSET_VISIBLE && tb->rowsets[r]->end_version <= version)
                cat_rowset_mark_stale(tb->rowsets[r]);
        cat_tablet_add_rowset(tb, rs);
    } else {
        cat_rowset_free(rs);
    }
    catalog_unlock();
    cat_reap_dead();
    return st;
}

/* Reads one base tablet of the view, writes the index rowset, registers it. */
static Status fill_tablet(const CatReadView *v, const CatReadTablet *rt, const CatIndex *ix,
                          const ExecPredicate *where, int64_t index_tablet, int64_t version,
                          int64_t *rows, Error *err) {
    Arena *a = arena_new(0);
    TabletScanSpec spec;
    memset(&spec, 0, sizeof spec);
    spec.keys = v->keys;
    spec.nkeys = v->nkeys;
    spec.ncols = v->ncols;
    spec.cols = arena_calloc(a, sizeof(TabletColDesc) * (size_t)(v->ncols ? v->ncols : 1));
    for (int i = 0; i < v->ncols; i++) {
        spec.cols[i].name = v->cols[i].name;
        spec.cols[i].uid = (uint32_t)v->cols[i].uid;
        spec.cols[i].type = v->cols[i].type;
        spec.cols[i].nullable = v->cols[i].nullable;
        spec.cols[i].agg = v->cols[i].agg;
    }
    spec.ntablets = 1;
    spec.tablets = arena_calloc(a, sizeof(TabletReadDesc));
    Status st = STATUS_OK;
    describe_tablet(v, rt, a, &spec.tablets[0], err, &st);
    ScanSource src;
    memset(&src, 0, sizeof src);
    src.nproj = v->ncols;
    src.proj = arena_alloc(a, sizeof(int) * (size_t)(v->ncols ? v->ncols : 1));
    src.types = arena_alloc(a, sizeof(DataType) * (size_t)(v->ncols ? v->ncols : 1));
    for (int i = 0; i < v->ncols; i++) {
        src.proj[i] = i;
        src.types[i] = v->cols[i].type;
    }
    LoadColumnSpec *lcs =
        arena_calloc(a, sizeof(LoadColumnSpec) * (size_t)(ix->ncols ? ix->ncols : 1));
    DataType *itypes = arena_alloc(a, sizeof(DataType) * (size_t)(ix->ncols ? ix->ncols : 1));
    for (int c = 0; c < ix->ncols; c++) {
        lcs[c] = (LoadColumnSpec){ix->cols[c].name,     ix->cols[c].uid, ix->cols[c].type,
                                  ix->cols[c].nullable, c < ix->nkeys,   ix->cols[c].agg};
        itypes[c] = ix->cols[c].type;
    }
    LoadSchemaSpec ls = {ix->keys, ix->nkeys, ix->ncols, lcs};
    ScanCursor *cur = NULL;
    TabletWriter *w = NULL;
    int64_t rowset_id = 0;
    if (!st) st = meta_next_id(&rowset_id, err);
    if (!st) st = tablet_writer_open(index_tablet, rowset_id, &ls, &w, err);
    if (!st && spec.tablets[0].nrowsets) st = tablet_scan_open(&spec, 0, &src, &cur, err);
    Arena *batch_arena = arena_new(0), *acc_arena = arena_new(0);
    Batch *acc = batch_new(acc_arena, ix->ncols, itypes, 4096);
    while (!st && cur) {
        Batch *b = NULL, *ib = NULL;
        arena_reset(batch_arena);
        if ((st = tablet_scan_next(cur, batch_arena, &b, err)) || !b) break;
        if ((st = index_batch(ix, b, batch_arena, &ib, err))) break;
        uint32_t n = ib->nrows, *sel = NULL;
        if (where) {
            uint8_t *match = arena_alloc(batch_arena, b->nrows ? b->nrows : 1);
            if ((st = exec_predicate_eval(where, b, batch_arena, match, err))) {
                err_prefix(err, "synchronous materialized view '%s': ", ix->name);
                break;
            }
            sel = arena_alloc(batch_arena, sizeof(uint32_t) * (b->nrows ? b->nrows : 1));
            n = 0;
            for (uint32_t r = 0; r < b->nrows; r++)
                if (match[r]) sel[n++] = r;
        }
        for (int c = 0; c < ix->ncols; c++)
            if (sel)
                colvec_append_selected(acc->cols[c], ib->cols[c], sel, n);
            else
                colvec_append_range(acc->cols[c], ib->cols[c], 0, n);
        acc->nrows += n;
        *rows += n;
        if (acc->nrows >= FLUSH_ROWS) {
            st = tablet_writer_write(w, acc, NULL, err);
            arena_reset(acc_arena);
            acc = batch_new(acc_arena, ix->ncols, itypes, 4096);
        }
    }
    if (!st && acc->nrows) st = tablet_writer_write(w, acc, NULL, err);
    if (cur) tablet_scan_close(cur);
    LoadRowsetOut ro;
    memset(&ro, 0, sizeof ro);
    if (!st) st = tablet_writer_finish(w, &ro, err);
    if (!st) st = register_rowset(index_tablet, version, &ro, err);
    if (st && ro.nsegments) {
        /* written but not registered: the files would be orphans until the next start-up sweep */
        char dir[4096];
        load_tablet_dir(index_tablet, dir, sizeof dir);
        for (int i = 0; i < ro.nsegments; i++) {
            char path[4400];
            snprintf(path, sizeof path, "%s/%s", dir, ro.segments[i].name);
            unlink(path);
        }
    }
    load_rowset_out_free(&ro);
    tablet_writer_free(w);
    arena_free(batch_arena);
    arena_free(acc_arena);
    arena_free(a);
    return st;
}

/* A copy of an index definition in arena a: the fill reads it without the catalog lock. */
static CatIndex *index_copy(const CatIndex *ix, Arena *a) {
    CatIndex *c = arena_calloc(a, sizeof *c);
    *c = *ix;
    c->name = arena_strdup(a, ix->name);
    c->define_sql = arena_strdup(a, ix->define_sql);
    c->cols = arena_calloc(a, sizeof(CatColumn) * (size_t)(ix->ncols ? ix->ncols : 1));
    c->base_col = arena_calloc(a, sizeof(int) * (size_t)(ix->ncols ? ix->ncols : 1));
    for (int i = 0; i < ix->ncols; i++) {
        c->cols[i] = ix->cols[i];
        c->cols[i].name = arena_strdup(a, ix->cols[i].name);
        c->cols[i].default_value = NULL;
        c->cols[i].comment = NULL;
        c->base_col[i] = ix->base_col[i];
    }
    return c;
}

Status mv_sync_fill(int64_t table_id, int64_t index_id, int64_t *rows_written, Error *err) {
    *rows_written = 0;
    /* the partitions and buckets whose index tablets miss versions, with a pinned view of each */
    catalog_rdlock();
    CatTable *t = catalog_find_table_by_id(table_id);
    int ipos = t ? catalog_index_pos(t, index_id) : -1;
    if (!t || ipos <= 0) {
        catalog_unlock();
        return err_set(err, ERR_NO_SUCH_TABLE,
                       "the table or index of the synchronous materialized view was dropped");
    }
    int nunits = 0, maxunits = 1;
    for (int i = 0; i < t->nparts; i++)
        maxunits += t->parts[i]->buckets;
    FillUnit *units = calloc((size_t)maxunits, sizeof *units);
    if (!units) abort();
    for (int i = 0; i < t->nparts; i++) {
        const CatPartition *p = t->parts[i];
        if (p->state != PART_NORMAL) continue;
        for (int b = 0; b < p->buckets; b++) {
            const CatTablet *bt = catalog_partition_tablet(p, 0, b),
                            *it = catalog_partition_tablet(p, ipos, b);
            if (bt && it && !covered(bt, it, p->visible_version))
                units[nunits++] = (FillUnit){p->id, b, it->id};
        }
    }
    Arena *ia = arena_new(0);
    const CatIndex *ix = index_copy(t->indexes[ipos], ia);
    int nbase = t->ncols;
    ExecColumnDesc *base_cols = arena_alloc(ia, sizeof(ExecColumnDesc) * (size_t)(nbase + 1));
    for (int i = 0; i < nbase; i++)
        base_cols[i] = (ExecColumnDesc){arena_strdup(ia, t->cols[i].name), t->cols[i].type};
    catalog_unlock();
    /* the rows loads leave out of a filtered index stay out of what the fill writes */
    ExecPredicate *where = NULL;
    Status st = nunits ? mv_sync_filter(ix->name, ix->define_sql, base_cols, nbase, ia, &where, err)
                       : STATUS_OK;
    for (int u = 0; u < nunits && !st; u++) {
        CatReadView *v = NULL;
        catalog_rdlock();
        t = catalog_find_table_by_id(table_id);
        ipos = t ? catalog_index_pos(t, index_id) : -1;
        if (!t || ipos <= 0)
            st = err_set(err, ERR_NO_SUCH_TABLE,
                         "the table or index of the synchronous materialized view was dropped");
        else
            st = catalog_read_view(t, 0, &units[u].part_id, 1, &v, err);
        catalog_unlock();
        if (st) break;
        if (v->nparts == 1 && units[u].bucket < v->parts[0].ntablets)
            st = fill_tablet(v, &v->parts[0].tablets[units[u].bucket], ix, where,
                             units[u].index_tablet, v->parts[0].version, rows_written, err);
        catalog_read_view_free(v);
    }
    free(units);
    arena_free(ia);
    return st;
}
