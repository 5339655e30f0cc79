/* The catalog's default storage hooks: GC, recovery and aborted loads delete files in the local data
 * directory, and compaction merges rowsets, through storage/ (via storage_glue.h). */
#include <stdio.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/storage_glue.h"

static Status remove_rowset(int64_t tablet_id, const CatRowset *rs, Error *err) {
    return glue_remove_rowset(tablet_id, rs->id, err);
}

static Status merge_rowsets(const CatColumn *cols, int ncols, KeysType keys, int nkeys, int64_t tablet_id,
                            CatRowset *const *in, int nin, int64_t new_rowset_id, CatRowsetMeta *out, Arena *a,
                            Error *err) {
    GlueColumn *gc = arena_calloc(a, sizeof *gc * (size_t)(ncols ? ncols : 1));
    for (int i = 0; i < ncols; i++) {
        gc[i].name = cols[i].name;
        gc[i].uid = (uint32_t)cols[i].uid;
        gc[i].type = cols[i].type;
        gc[i].nullable = cols[i].nullable;
        gc[i].is_key = i < nkeys;
        gc[i].agg = cols[i].agg;
    }
    GlueRowset *gin = arena_calloc(a, sizeof *gin * (size_t)(nin ? nin : 1));
    for (int r = 0; r < nin; r++) {
        const CatRowset *rs = in[r];
        gin[r].id = rs->id;
        gin[r].start_version = rs->start_version;
        gin[r].end_version = rs->end_version;
        gin[r].nrows = rs->nrows;
        gin[r].data_size = rs->data_size;
        gin[r].nsegments = rs->nsegments;
        gin[r].segments = arena_calloc(a, sizeof(GlueSegment) * (size_t)(rs->nsegments ? rs->nsegments : 1));
        for (int k = 0; k < rs->nsegments; k++) {
            gin[r].segments[k].nrows = (uint64_t)rs->segments[k].nrows;
            gin[r].segments[k].size = (uint64_t)rs->segments[k].size;
            gin[r].segments[k].checksum = rs->segments[k].checksum;
            memcpy(gin[r].segments[k].sha256, rs->segments[k].sha256, sizeof gin[r].segments[k].sha256);
        }
    }
    GlueRowset g;
    if (glue_merge_rowsets(tablet_id, gc, ncols, keys, nkeys, gin, nin, new_rowset_id, &g, a, err))
        return STATUS_ERROR;
    CatSegmentFile *segs = arena_calloc(a, sizeof *segs * (size_t)(g.nsegments ? g.nsegments : 1));
    for (int k = 0; k < g.nsegments; k++) {
        /* storage names segment k of rowset r "<r>_<k>.dat" (tablet_files.h) */
        segs[k].name = arena_sprintf(a, "%lld_%d.dat", (long long)new_rowset_id, k);
        segs[k].size = (int64_t)g.segments[k].size;
        segs[k].checksum = g.segments[k].checksum;
        memcpy(segs[k].sha256, g.segments[k].sha256, sizeof segs[k].sha256);
        segs[k].nrows = (int64_t)g.segments[k].nrows;
    }
    out->rowset_id = new_rowset_id;
    out->nsegments = g.nsegments;
    out->segments = segs;
    out->nrows = g.nrows;
    out->data_size = g.data_size;
    out->delete_pred = NULL;
    return STATUS_OK;
}

void catalog_use_local_storage(void) {
    CatStorageOps ops = {0};
    ops.remove_rowset = remove_rowset;
    ops.list_tablet_rowsets = glue_list_tablet_rowsets;
    ops.remove_tablet = glue_remove_tablet;
    ops.list_tablets = glue_list_tablets;
    ops.merge_rowsets = merge_rowsets;
    catalog_set_storage_ops(&ops);
}
