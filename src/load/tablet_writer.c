/* Load-side segment writing (tablet_writer.h): builds the TabletSchema from the catalog's column list, picks
 * the codec from segment_compression, sorts each chunk by key and writes it with storage's segment writer
 * under the storage layout's file names; finish fsyncs the directory once for all of them. */
#include "load/tablet_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/config.h"
#include "storage/compress.h"
#include "storage/data_file.h"
#include "storage/row_sort.h"
#include "storage/segment_writer.h"
#include "storage/tablet_files.h"
#include "util/arena.h"

struct TabletWriter {
    Arena *arena;
    TabletSchema schema;
    SegmentWriteOptions so;
    char *dir;
    int64_t tablet_id;
    int64_t rowset_id;
    LoadSegmentOut *segs;
    int nsegs, capsegs;
    uint64_t rows;
    bool finished;
};

void load_tablet_dir(int64_t tablet_id, char *out, size_t n) {
    const char *root = config_get("storage_root_path");
    Arena *a = arena_new(1024);
    char rootbuf[4096];
    if (root && *root)
        snprintf(rootbuf, sizeof rootbuf, "%s", root);
    else
        snprintf(rootbuf, sizeof rootbuf, "%s/storage", config_get("data_dir"));
    snprintf(out, n, "%s", tablet_dir_path(rootbuf, (uint64_t)tablet_id, a));
    arena_free(a);
}

Status tablet_writer_open(int64_t tablet_id, int64_t rowset_id, const LoadSchemaSpec *spec, TabletWriter **out,
                          Error *err) {
    *out = NULL;
    TabletWriter *tw = calloc(1, sizeof *tw);
    if (!tw) abort();
    tw->arena = arena_new(0);
    tw->tablet_id = tablet_id;
    tw->rowset_id = rowset_id;
    TabletSchema *s = &tw->schema;
    s->keys_type = spec->keys == KEYS_NONE ? KEYS_DUPLICATE : spec->keys;
    s->ncols = spec->ncols;
    s->nkeys = spec->nkeys;
    s->cols = arena_calloc(tw->arena, sizeof(TabletColumn) * (size_t)(spec->ncols ? spec->ncols : 1));
    for (int i = 0; i < spec->ncols; i++) {
        TabletColumn *c = &s->cols[i];
        c->name = arena_strdup(tw->arena, spec->cols[i].name);
        c->uid = (uint32_t)spec->cols[i].uid;
        c->type = spec->cols[i].type;
        c->is_nullable = spec->cols[i].nullable;
        c->is_key = i < spec->nkeys;
        c->agg = spec->cols[i].agg;
        c->default_value.is_null = true;
    }
    tw->so.codec = CODEC_LZ4;
    const char *codec = config_get("segment_compression");
    char dir[4096];
    load_tablet_dir(tablet_id, dir, sizeof dir);
    tw->dir = arena_strdup(tw->arena, dir);
    if (tablet_schema_validate(s, err) || (codec && codec_from_name(codec, &tw->so.codec, err)) ||
        tablet_dir_create(tw->dir, err)) {
        arena_free(tw->arena);
        free(tw);
        return STATUS_ERROR;
    }
    *out = tw;
    return STATUS_OK;
}

Status tablet_writer_write(TabletWriter *w, const Batch *b, const uint8_t *ops, Error *err) {
    if (b->nrows == 0) return STATUS_OK;
    if (b->ncols != w->schema.ncols)
        return err_set(err, ERR_INTERNAL, "tablet %lld: a chunk of %d columns for a schema of %d",
                       (long long)w->tablet_id, b->ncols, w->schema.ncols);
    Arena *a = arena_new(0);
    /* the op column is stored only when the chunk holds a delete: upsert loads stay as small as DUPLICATE */
    ColumnVector *opv = NULL;
    if (ops && memchr(ops, ROW_OP_DELETE, b->nrows)) {
        opv = colvec_new(a, type_make(TYPE_TINYINT), b->nrows);
        memcpy(opv->data, ops, b->nrows);
        opv->len = b->nrows;
    }
    uint32_t *perm = row_sort_by_key(b->cols, w->schema.nkeys, b->nrows, a);
    char *path = segment_file_path(w->dir, (uint64_t)w->rowset_id, (uint32_t)w->nsegs, a);
    SegmentFileInfo info;
    Status st = segment_write(path, &w->schema, b->cols, opv, perm, b->nrows, &w->so, &info, err);
    if (!st) {
        if (w->nsegs == w->capsegs) {
            w->capsegs = w->capsegs ? w->capsegs * 2 : 4;
            w->segs = realloc(w->segs, sizeof *w->segs * (size_t)w->capsegs);
            if (!w->segs) abort();
        }
        LoadSegmentOut *o = &w->segs[w->nsegs++];
        const char *base = strrchr(path, '/');
        snprintf(o->name, sizeof o->name, "%s", base ? base + 1 : path);
        o->size = (int64_t)info.size;
        o->checksum = info.checksum;
        memcpy(o->sha256, info.sha256, sizeof o->sha256);
        o->nrows = (int64_t)info.nrows;
        w->rows += info.nrows;
    }
    arena_free(a);
    return st;
}

Status tablet_writer_finish(TabletWriter *w, LoadRowsetOut *out, Error *err) {
    memset(out, 0, sizeof *out);
    if (w->nsegs && data_dir_fsync(w->dir, err)) return STATUS_ERROR;
    out->rowset_id = w->rowset_id;
    out->nsegments = w->nsegs;
    out->segments = calloc((size_t)(w->nsegs ? w->nsegs : 1), sizeof *out->segments);
    if (!out->segments) abort();
    for (int i = 0; i < w->nsegs; i++) {
        out->segments[i] = w->segs[i];
        out->nrows += w->segs[i].nrows;
        out->data_size += w->segs[i].size;
    }
    w->finished = true;
    return STATUS_OK;
}

void tablet_writer_free(TabletWriter *w) {
    if (!w) return;
    if (!w->finished) {
        /* an abandoned load: its files must not outlive it (the start-up sweep would catch them, but later) */
        for (int i = 0; i < w->nsegs; i++) {
            char path[4400];
            snprintf(path, sizeof path, "%s/%s", w->dir, w->segs[i].name);
            unlink(path);
        }
    }
    free(w->segs);
    arena_free(w->arena);
    free(w);
}

uint64_t tablet_writer_rows(const TabletWriter *w) {
    return w->rows;
}

void load_rowset_out_free(LoadRowsetOut *o) {
    free(o->segments);
    memset(o, 0, sizeof *o);
}

uint8_t load_row_op_delete(void) {
    return ROW_OP_DELETE;
}
