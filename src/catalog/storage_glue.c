/* Wrappers over storage/tablet_files.h for the catalog's GC and recovery (see storage_glue.h): they name
 * directories from the configured storage root and hand back plain ids. */
#include "catalog/storage_glue.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/config.h"
#include "storage/compaction.h"
#include "storage/tablet_files.h"

const char *glue_storage_root(void) {
    static _Thread_local char buf[4096];
    const char *root = config_get("storage_root_path");
    if (root && *root)
        snprintf(buf, sizeof buf, "%s", root);
    else
        snprintf(buf, sizeof buf, "%s/storage", config_get("data_dir"));
    return buf;
}

Status glue_remove_rowset(int64_t tablet_id, int64_t rowset_id, Error *err) {
    Arena *a = arena_new(0);
    const char *dir = tablet_dir_path(glue_storage_root(), (uint64_t)tablet_id, a);
    TabletFile *files = NULL;
    size_t n = 0;
    Status st = tablet_list_files(dir, a, &files, &n, err);
    for (size_t i = 0; !st && i < n; i++) {
        if (files[i].is_foreign || files[i].rowset_id != (uint64_t)rowset_id) continue;
        char *path = arena_sprintf(a, "%s/%s", dir, files[i].name);
        if (unlink(path) != 0 && errno != ENOENT)
            st = err_set(err, ERR_IO, "cannot delete %s: %s", path, strerror(errno));
    }
    arena_free(a);
    return st;
}

Status glue_list_tablet_rowsets(int64_t tablet_id, int64_t **ids, int *n, Error *err) {
    *ids = NULL;
    *n = 0;
    Arena *a = arena_new(0);
    const char *dir = tablet_dir_path(glue_storage_root(), (uint64_t)tablet_id, a);
    TabletFile *files = NULL;
    size_t nf = 0;
    Status st = tablet_list_files(dir, a, &files, &nf, err);
    if (!st && nf) {
        *ids = calloc(nf, sizeof **ids);
        if (!*ids) abort();
        /* Files are sorted by rowset id: one entry per rowset. */
        for (size_t i = 0; i < nf; i++) {
            if (files[i].is_foreign) continue;
            int64_t id = (int64_t)files[i].rowset_id;
            if (*n && (*ids)[*n - 1] == id) continue;
            (*ids)[(*n)++] = id;
        }
    }
    arena_free(a);
    return st;
}

Status glue_remove_tablet(int64_t tablet_id, Error *err) {
    Arena *a = arena_new(0);
    Status st = tablet_dir_remove(tablet_dir_path(glue_storage_root(), (uint64_t)tablet_id, a), err);
    arena_free(a);
    return st;
}

Status glue_list_tablets(int64_t **ids, int *n, Error *err) {
    *ids = NULL;
    *n = 0;
    Arena *a = arena_new(0);
    uint64_t *v = NULL;
    size_t nv = 0;
    Status st = storage_list_tablets(glue_storage_root(), a, &v, &nv, err);
    if (!st && nv) {
        *ids = calloc(nv, sizeof **ids);
        if (!*ids) abort();
        for (size_t i = 0; i < nv; i++) (*ids)[i] = (int64_t)v[i];
        *n = (int)nv;
    }
    arena_free(a);
    return st;
}

Status glue_merge_rowsets(int64_t tablet_id, const GlueColumn *cols, int ncols, KeysType keys, int nkeys,
                          const GlueRowset *in, int nin, int64_t new_id, GlueRowset *out, Arena *a, Error *err) {
    TabletSchema schema = {keys, ncols, nkeys, arena_calloc(a, sizeof(TabletColumn) * (size_t)(ncols ? ncols : 1))};
    for (int i = 0; i < ncols; i++) {
        TabletColumn *tc = &schema.cols[i];
        tc->name = cols[i].name;
        tc->uid = cols[i].uid;
        tc->type = cols[i].type;
        tc->is_nullable = cols[i].nullable;
        tc->is_key = cols[i].is_key;
        tc->agg = cols[i].agg;
        tc->default_value.is_null = true;
    }
    const RowsetMeta **metas = arena_calloc(a, sizeof *metas * (size_t)(nin ? nin : 1));
    for (int r = 0; r < nin; r++) {
        RowsetMeta *m = arena_calloc(a, sizeof *m);
        m->rowset_id = (uint64_t)in[r].id;
        m->start_version = in[r].start_version;
        m->end_version = in[r].end_version;
        m->nrows = (uint64_t)in[r].nrows;
        m->data_size = (uint64_t)in[r].data_size;
        m->segments_overlap = true; /* the catalog does not record it: merge conservatively */
        m->nsegments = (uint32_t)in[r].nsegments;
        m->segments = arena_calloc(a, sizeof(SegmentFileInfo) * (size_t)(in[r].nsegments ? in[r].nsegments : 1));
        for (int k = 0; k < in[r].nsegments; k++) {
            m->segments[k].nrows = in[r].segments[k].nrows;
            m->segments[k].size = in[r].segments[k].size;
            m->segments[k].checksum = in[r].segments[k].checksum;
            memcpy(m->segments[k].sha256, in[r].segments[k].sha256, sizeof m->segments[k].sha256);
        }
        metas[r] = m;
    }
    CompactionOptions o;
    memset(&o, 0, sizeof o);
    RowsetWriterOptions w = ROWSET_WRITER_OPTIONS_INIT;
    const char *codec = config_get("segment_compression");
    if (codec && !strcmp(codec, "zstd")) w.codec = CODEC_ZSTD;
    if (codec && !strcmp(codec, "none")) w.codec = CODEC_NONE;
    o.writer = w;
    const char *dir = tablet_dir_path(glue_storage_root(), (uint64_t)tablet_id, a);
    RowsetMeta *m = NULL;
    if (compaction_merge_rowsets(dir, &schema, metas, nin, (uint64_t)new_id, &o, a, &m, err)) return STATUS_ERROR;
    out->id = new_id;
    out->start_version = m->start_version;
    out->end_version = m->end_version;
    out->nrows = (int64_t)m->nrows;
    out->data_size = (int64_t)m->data_size;
    out->nsegments = (int)m->nsegments;
    out->segments = arena_calloc(a, sizeof(GlueSegment) * (size_t)(m->nsegments ? m->nsegments : 1));
    for (uint32_t k = 0; k < m->nsegments; k++) {
        out->segments[k].nrows = m->segments[k].nrows;
        out->segments[k].size = m->segments[k].size;
        out->segments[k].checksum = m->segments[k].checksum;
        memcpy(out->segments[k].sha256, m->segments[k].sha256, sizeof out->segments[k].sha256);
    }
    return STATUS_OK;
}
