/* The catalog's default storage hooks: GC, recovery and aborted loads delete files in the local data
 * directory through storage/ (via storage_glue.h). Compaction's merge is left to whoever provides one. */
#include "catalog/catalog.h"
#include "catalog/storage_glue.h"

static Status remove_rowset(int64_t tablet_id, const CatRowset *rs, Error *err) {
    return glue_remove_rowset(tablet_id, rs->id, err);
}

void catalog_use_local_storage(void) {
    CatStorageOps ops = {0};
    ops.remove_rowset = remove_rowset;
    ops.list_tablet_rowsets = glue_list_tablet_rowsets;
    ops.remove_tablet = glue_remove_tablet;
    ops.list_tablets = glue_list_tablets;
    catalog_set_storage_ops(&ops);
}
