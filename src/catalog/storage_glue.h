/* The catalog's view of the local data directory: tiny wrappers over storage/tablet_files.h with plain
 * types. Kept apart from catalog.h because storage and catalog both declare a type named RowsetMeta, so no
 * file may include both; catalog_storage.c turns these into the catalog's CatStorageOps. */
#ifndef CAIRN_CATALOG_STORAGE_GLUE_H
#define CAIRN_CATALOG_STORAGE_GLUE_H

#include <stdint.h>

#include "util/error.h"

/* <storage_root_path>, or <data_dir>/storage when that key is empty. Static buffer. */
const char *glue_storage_root(void);
/* Deletes every segment file (and unfinished .tmp file) of a rowset in a tablet directory. */
Status glue_remove_rowset(int64_t tablet_id, int64_t rowset_id, Error *err) MUST_CHECK;
/* Rowset ids that have files in a tablet directory (malloc'd array, caller frees). */
Status glue_list_tablet_rowsets(int64_t tablet_id, int64_t **ids, int *n, Error *err) MUST_CHECK;
/* Removes a dropped tablet's directory. */
Status glue_remove_tablet(int64_t tablet_id, Error *err) MUST_CHECK;
/* Tablet ids that have a directory (malloc'd array, caller frees). */
Status glue_list_tablets(int64_t **ids, int *n, Error *err) MUST_CHECK;

#endif
