/* Tablet cursors for scans: builds storage's TabletSchema and RowsetMetas from the neutral description and
 * reads through a TabletReader (which applies the key model), passing zone-map predicates down and applying
 * DELETE predicates of DUPLICATE tables through the reader's delete-filter callback. A scan that needs no
 * column of a DUPLICATE table without deletes (count(*)) is answered from the row counts alone. */
#include "exec/scan_tablet.h"

#include <stdlib.h>
#include <string.h>

#include "exec/expr.h"
#include "server/config.h"
#include "sql/ast.h"
#include "storage/tablet_files.h"
#include "storage/tablet_reader.h"

typedef struct TabletCursor {
    const TabletScanSpec *spec;
    const TabletReadDesc *td;
    Arena *arena; /* schema, metas, options: lives as long as the cursor */
    Arena *scratch;
    TabletSchema schema;
    TabletReader *reader;
    bool count_only;   /* no column needed: emit row counts */
    bool strip;        /* a column was read only to learn row counts */
    uint64_t remaining;
    int nout;
} TabletCursor;

static bool to_column_pred(const ScanPred *p, const DataType *t, ColumnPredicate *out) {
    memset(out, 0, sizeof *out);
    out->col = p->col;
    out->kind = PRED_RANGE;
    switch (p->op) {
    case OP_EQ:
        out->has_lower = out->has_upper = out->lower_inclusive = out->upper_inclusive = true;
        out->lower = out->upper = p->value;
        return true;
    case OP_LT:
    case OP_LE:
        out->has_upper = true;
        out->upper_inclusive = p->op == OP_LE;
        out->upper = p->value;
        return true;
    case OP_GT:
    case OP_GE:
        out->has_lower = true;
        out->lower_inclusive = p->op == OP_GE;
        out->lower = p->value;
        return true;
    default: (void)t; return false;
    }
}

static Status delete_filter(void *ctx, const RowsetMeta *rowset, ColumnVector *const *cols, uint32_t nrows,
                            uint8_t *keep, Error *err) {
    TabletCursor *c = ctx;
    const TabletReadDesc *td = c->td;
    Batch b = {nrows, c->spec->ncols, (ColumnVector **)cols, c->scratch};
    uint8_t *match = NULL;
    for (int d = 0; d < td->ndeletes; d++) {
        if (td->deletes[d].version <= rowset->end_version) continue;
        arena_reset(c->scratch);
        if (!match) match = malloc(nrows ? nrows : 1);
        if (exec_predicate_eval(td->deletes[d].pred, &b, c->scratch, match, err)) {
            free(match);
            return STATUS_ERROR;
        }
        for (uint32_t i = 0; i < nrows; i++)
            if (match[i]) keep[i] = 0;
    }
    free(match);
    return STATUS_OK;
}

Status tablet_scan_open(const TabletScanSpec *spec, int idx, const ScanSource *src, ScanCursor **out, Error *err) {
    TabletCursor *c = calloc(1, sizeof *c);
    c->spec = spec;
    c->td = &spec->tablets[idx];
    c->arena = arena_new(0);
    c->scratch = arena_new(0);
    c->nout = src->nproj;
    Arena *a = c->arena;
    if (src->nproj == 0 && (spec->keys == KEYS_DUPLICATE || spec->keys == KEYS_NONE) &&
        c->td->ndeletes == 0) {
        c->count_only = true;
        for (int r = 0; r < c->td->nrowsets; r++) c->remaining += c->td->rowsets[r].nrows;
        *out = (ScanCursor *)c;
        return STATUS_OK;
    }
    c->schema.keys_type = spec->keys == KEYS_NONE ? KEYS_DUPLICATE : spec->keys;
    c->schema.ncols = spec->ncols;
    c->schema.nkeys = spec->nkeys;
    c->schema.cols = arena_calloc(a, sizeof(TabletColumn) * (size_t)(spec->ncols ? spec->ncols : 1));
    for (int i = 0; i < spec->ncols; i++) {
        TabletColumn *tc = &c->schema.cols[i];
        tc->name = spec->cols[i].name;
        tc->uid = spec->cols[i].uid;
        tc->type = spec->cols[i].type;
        tc->is_nullable = spec->cols[i].nullable;
        tc->is_key = i < spec->nkeys;
        tc->agg = spec->cols[i].agg;
        tc->default_value.is_null = true;
    }
    const RowsetMeta **metas = arena_calloc(a, sizeof(RowsetMeta *) * (size_t)(c->td->nrowsets ? c->td->nrowsets : 1));
    for (int r = 0; r < c->td->nrowsets; r++) {
        const TabletRowsetDesc *rd = &c->td->rowsets[r];
        RowsetMeta *m = arena_calloc(a, sizeof *m);
        m->rowset_id = rd->rowset_id;
        m->start_version = rd->start_version;
        m->end_version = rd->end_version;
        m->nrows = rd->nrows;
        m->data_size = rd->data_size;
        m->segments_overlap = true; /* not recorded by the catalog: merge conservatively */
        m->nsegments = (uint32_t)rd->nsegments;
        m->segments = arena_calloc(a, sizeof(SegmentFileInfo) * (size_t)(rd->nsegments ? rd->nsegments : 1));
        for (int k = 0; k < rd->nsegments; k++) {
            m->segments[k].nrows = rd->segments[k].nrows;
            m->segments[k].size = rd->segments[k].size;
            m->segments[k].checksum = rd->segments[k].checksum;
        }
        metas[r] = m;
    }
    ReadOptions o;
    memset(&o, 0, sizeof o);
    int *proj = arena_alloc(a, sizeof(int) * (size_t)(src->nproj ? src->nproj : 1));
    int nproj = src->nproj;
    memcpy(proj, src->proj, sizeof(int) * (size_t)src->nproj);
    if (nproj == 0) {
        proj[0] = 0; /* the first key column, only to count rows */
        nproj = 1;
        c->strip = true;
    }
    o.columns = proj;
    o.ncolumns = nproj;
    ColumnPredicate *cp = arena_calloc(a, sizeof(ColumnPredicate) * (size_t)(src->npreds ? src->npreds : 1));
    int ncp = 0;
    for (int i = 0; i < src->npreds; i++)
        if (to_column_pred(&src->preds[i], &spec->cols[src->preds[i].col].type, &cp[ncp])) ncp++;
    o.preds = cp;
    o.npreds = ncp;
    if (c->td->ndeletes) {
        const TabletReadDesc *td = c->td;
        int *dc = arena_alloc(a, sizeof(int) * (size_t)spec->ncols);
        int ndc = 0;
        for (int d = 0; d < td->ndeletes; d++)
            for (int k = 0; k < td->deletes[d].ncols; k++) {
                bool have = false;
                for (int j = 0; j < ndc; j++) have |= dc[j] == td->deletes[d].cols[k];
                if (!have) dc[ndc++] = td->deletes[d].cols[k];
            }
        o.delete_filter = delete_filter;
        o.delete_ctx = c;
        o.delete_columns = dc;
        o.ndelete_columns = ndc;
    }
    /* the layout of tablet_files.h under storage_root_path (default <data_dir>/storage), as loads write it */
    const char *root = config_get("storage_root_path");
    const char *dir = tablet_dir_path(root && *root ? root : arena_sprintf(a, "%s/storage", config_get("data_dir")),
                                      (uint64_t)c->td->tablet_id, a);
    if (tablet_reader_open(&c->reader, dir, &c->schema, metas, c->td->nrowsets, &o, err)) {
        long long id = (long long)c->td->tablet_id;
        arena_free(c->arena);
        arena_free(c->scratch);
        free(c);
        return err_prefix(err, "while opening tablet %lld: ", id);
    }
    *out = (ScanCursor *)c;
    return STATUS_OK;
}

Status tablet_scan_next(ScanCursor *cur, Arena *a, Batch **out, Error *err) {
    TabletCursor *c = (TabletCursor *)cur;
    if (c->count_only) {
        if (c->remaining == 0) {
            *out = NULL;
            return STATUS_OK;
        }
        uint32_t n = c->remaining > BATCH_SIZE ? BATCH_SIZE : (uint32_t)c->remaining;
        c->remaining -= n;
        Batch *b = batch_new(a, 0, NULL, 1);
        b->nrows = n;
        *out = b;
        return STATUS_OK;
    }
    Batch *b;
    if (tablet_reader_next(c->reader, a, &b, err)) return STATUS_ERROR;
    if (b && (c->strip || b->ncols > c->nout)) b->ncols = c->strip ? 0 : c->nout;
    *out = b;
    return STATUS_OK;
}

void tablet_scan_close(ScanCursor *cur) {
    TabletCursor *c = (TabletCursor *)cur;
    if (!c) return;
    tablet_reader_free(c->reader);
    arena_free(c->arena);
    arena_free(c->scratch);
    free(c);
}
