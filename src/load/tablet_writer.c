/* Load-side wrapper around storage's RowsetWriter (tablet_writer.h): builds the TabletSchema from the
 * catalog's column list, picks the codec from segment_compression, and reports the written files by name. */
#include "load/tablet_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/config.h"
#include "storage/compress.h"
#include "storage/rowset_writer.h"
#include "storage/tablet_files.h"
#include "util/arena.h"

struct TabletWriter {
    Arena *arena;
    RowsetWriter *w;
    int64_t tablet_id;
    int64_t rowset_id;
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

Status tablet_writer_open(int64_t tablet_id, int64_t rowset_id, const LoadSchemaSpec *spec,
                          uint64_t max_segment_bytes, TabletWriter **out, Error *err) {
    *out = NULL;
    TabletWriter *tw = calloc(1, sizeof *tw);
    if (!tw) abort();
    tw->arena = arena_new(0);
    tw->tablet_id = tablet_id;
    tw->rowset_id = rowset_id;
    TabletSchema s = {spec->keys == KEYS_NONE ? KEYS_DUPLICATE : spec->keys, spec->ncols, spec->nkeys, NULL};
    s.cols = arena_calloc(tw->arena, sizeof(TabletColumn) * (size_t)(spec->ncols ? spec->ncols : 1));
    for (int i = 0; i < spec->ncols; i++) {
        TabletColumn *c = &s.cols[i];
        c->name = spec->cols[i].name;
        c->uid = (uint32_t)spec->cols[i].uid;
        c->type = spec->cols[i].type;
        c->is_nullable = spec->cols[i].nullable;
        c->is_key = i < spec->nkeys;
        c->agg = spec->cols[i].agg;
        c->default_value.is_null = true;
    }
    RowsetWriterOptions o = ROWSET_WRITER_OPTIONS_INIT;
    const char *codec = config_get("segment_compression");
    if (codec && codec_from_name(codec, &o.codec, err)) goto fail;
    o.max_segment_bytes = max_segment_bytes;
    char dir[4096];
    load_tablet_dir(tablet_id, dir, sizeof dir);
    if (rowset_writer_new(&tw->w, dir, (uint64_t)rowset_id, &s, &o, err)) goto fail;
    *out = tw;
    return STATUS_OK;
fail:
    arena_free(tw->arena);
    free(tw);
    return STATUS_ERROR;
}

Status tablet_writer_add(TabletWriter *w, const Batch *b, const uint8_t *ops, Error *err) {
    return rowset_writer_add_batch(w->w, b, ops, err);
}

Status tablet_writer_finish(TabletWriter *w, LoadRowsetOut *out, Error *err) {
    memset(out, 0, sizeof *out);
    RowsetMeta *m;
    if (rowset_writer_finish(w->w, w->arena, &m, err)) return STATUS_ERROR;
    out->rowset_id = (int64_t)m->rowset_id;
    out->nsegments = (int)m->nsegments;
    out->nrows = (int64_t)m->nrows;
    out->data_size = (int64_t)m->data_size;
    out->segments = calloc((size_t)(m->nsegments ? m->nsegments : 1), sizeof *out->segments);
    if (!out->segments) abort();
    for (uint32_t i = 0; i < m->nsegments; i++) {
        LoadSegmentOut *s = &out->segments[i];
        /* the name rule of tablet_files.h: <rowset_id>_<segment_no>.dat */
        const char *path = segment_file_path("", m->rowset_id, i, w->arena);
        const char *base = strrchr(path, '/');
        snprintf(s->name, sizeof s->name, "%s", base ? base + 1 : path);
        s->size = (int64_t)m->segments[i].size;
        s->checksum = m->segments[i].checksum;
        s->nrows = (int64_t)m->segments[i].nrows;
    }
    return STATUS_OK;
}

void tablet_writer_free(TabletWriter *w) {
    if (!w) return;
    rowset_writer_free(w->w);
    arena_free(w->arena);
    free(w);
}

uint64_t tablet_writer_rows(const TabletWriter *w) {
    return rowset_writer_rows(w->w);
}

void load_rowset_out_free(LoadRowsetOut *o) {
    free(o->segments);
    memset(o, 0, sizeof *o);
}

uint8_t load_row_op_delete(void) {
    return ROW_OP_DELETE;
}
