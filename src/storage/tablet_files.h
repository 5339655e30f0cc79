/* The data directory layout and the file operations the catalog and backup need on it:
 *
 *   <storage_root>/data/<tablet_id % 1024>/<tablet_id>/<rowset_id>_<segment_no>.dat
 *
 * Files are immutable once renamed into place. Listing finds what a crash left behind (unreferenced
 * rowsets,
 * ".tmp" files of unfinished writes) so the catalog can sweep it at start; hard links make
 * snapshots; and a rowset's files are deleted only when the catalog says no version, reader or
 * snapshot needs them (see docs/internals/storage.md, "Pinning"). */
#ifndef CAIRN_STORAGE_TABLET_FILES_H
#define CAIRN_STORAGE_TABLET_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/rowset_meta.h"
#include "util/arena.h"
#include "util/error.h"

#define TABLET_DIR_FANOUT 1024

/* "<root>/data/<tablet_id % 1024>/<tablet_id>". Owned by: a. */
char *tablet_dir_path(const char *storage_root, uint64_t tablet_id, Arena *a);
/* "<dir>/<rowset_id>_<segment_no>.dat". Owned by: a. */
char *segment_file_path(const char *tablet_dir, uint64_t rowset_id, uint32_t segment_no, Arena *a);
/* Creates the tablet directory (and parents) durably. */
Status tablet_dir_create(const char *tablet_dir, Error *err) MUST_CHECK;
/* Removes a dropped tablet's directory with everything in it. A missing directory is fine. */
Status tablet_dir_remove(const char *tablet_dir, Error *err) MUST_CHECK;

typedef struct TabletFile {
    char *name;         /* file name within the tablet directory */
    uint64_t rowset_id; /* parsed from the name; 0 when is_foreign */
    uint32_t segment_no;
    uint64_t size;
    bool is_temp;    /* "<rowset>_<seg>.dat.tmp": an unfinished write */
    bool is_foreign; /* a name storage never writes */
} TabletFile;

/* Lists the files of a tablet directory (sorted by rowset id, then segment). A missing directory is
 * an empty list. Owned by: a. */
Status tablet_list_files(const char *tablet_dir, Arena *a, TabletFile **files_out, size_t *n_out,
                         Error *err) MUST_CHECK;
/* Tablet ids that have a directory under <root>/data (sorted). Owned by: a. */
Status storage_list_tablets(const char *storage_root, Arena *a, uint64_t **ids_out, size_t *n_out,
                            Error *err) MUST_CHECK;

/* Answers whether the catalog still references a rowset of this tablet (visible, pinned or being
 * loaded). */
typedef bool (*RowsetReferencedFn)(void *ctx, uint64_t rowset_id);
/* Deletes temp files and segment files of rowsets the callback says are unreferenced; foreign files
 * are left alone. Call only when no load into this tablet is running (at start, or under the
 * tablet's lock). */
Status tablet_sweep_files(const char *tablet_dir, RowsetReferencedFn referenced, void *ctx,
                          size_t *removed_out, Error *err) MUST_CHECK;

/* Unlinks a rowset's segment files (missing ones are fine) and fsyncs the directory. */
Status rowset_delete_files(const char *tablet_dir, const RowsetMeta *m, Error *err) MUST_CHECK;
/* Hard-links a rowset's segment files from src_dir into dst_dir (created if needed) as
 * <new_rowset_id>_<n>.dat (new_rowset_id 0 = keep the id). Falls back to a copy across file
 * systems. Used for snapshots (BACKUP) and to adopt restored files into a new tablet. */
Status rowset_link_files(const char *src_dir, const RowsetMeta *m, const char *dst_dir,
                         uint64_t new_rowset_id, Error *err) MUST_CHECK;
/* Checks that every segment file exists with the recorded size and checksum, then verifies each
 * file page by page (segment_verify_file). The first problem is returned, naming the file. */
Status rowset_verify_files(const char *tablet_dir, const RowsetMeta *m, Error *err) MUST_CHECK;

#endif
