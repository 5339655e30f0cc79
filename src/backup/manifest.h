/* Snapshot manifests and info files.
 *
 * manifest.json: the cairn version, label, timestamp, database, compression and encryption, and every object
 * with its full definition as the catalog serialises it (columns, key model, partitioning, distribution,
 * properties, indexes, view definitions) plus, for tables, the chosen partitions with their versions, tablets,
 * rowsets and segment files; each file carries the repository object holding it, its plaintext sha256 and its
 * stored size. info.json is written last and marks the snapshot complete: it names the manifest with its
 * size and sha256, so a reader verifies the manifest before trusting it. Both are JSON (format documented in
 * docs/internals/snapshot-format.md). */
#ifndef CAIRN_BACKUP_MANIFEST_H
#define CAIRN_BACKUP_MANIFEST_H

#include <jansson.h>

#include "backup/br_files.h"
#include "backup/job.h"
#include "util/strbuf.h"

#define MANIFEST_FORMAT "cairn-snapshot"
#define INFO_FORMAT "cairn-snapshot-info"
#define MANIFEST_VERSION 1

/* Builds the manifest of a backup job from its frozen objects and uploaded files. */
Status manifest_build(BrJob *job, const BrFileList *files, json_t **out, Error *err) MUST_CHECK;
/* Writes the manifest to path (creating dir), fsynced. */
Status manifest_write_local(const json_t *m, const char *dir, const char *path, Error *err) MUST_CHECK;
Status manifest_read_local(const char *path, StrBuf *out, Error *err) MUST_CHECK;
/* Parses and checks the manifest's format; errors are ERR_CORRUPT. */
Status manifest_parse(const char *text, size_t len, json_t **out, Error *err) MUST_CHECK;
/* The info file for a finished backup. */
json_t *info_build(const BrJob *job, const json_t *manifest, const char *manifest_text, size_t manifest_len);
/* Parses an info file and checks its format. */
Status info_parse(const char *text, size_t len, json_t **out, Error *err) MUST_CHECK;
/* SHOW SNAPSHOT's Details: the objects and partitions of the snapshot (StarRocks' brief form). */
json_t *info_brief(const json_t *info);

/* Reads a snapshot's info.json and manifest.json from the repository, verifying the manifest against the
 * info file's size and sha256. Missing info: ERR_FS_NOT_FOUND. */
Status snapshot_read(Repo *r, const char *label, const char *ts, json_t **info, json_t **manifest,
                     Error *err) MUST_CHECK;

#endif
