/* Wrappers over storage/tablet_files.h for the catalog's GC and recovery (see storage_glue.h): they name
 * directories from the configured storage root and hand back plain ids. */
#include "catalog/storage_glue.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/config.h"
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
