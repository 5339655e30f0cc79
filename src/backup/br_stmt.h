/* Statement handlers of the backup module and the checks they share. */
#ifndef CAIRN_BACKUP_BR_STMT_H
#define CAIRN_BACKUP_BR_STMT_H

#include <stdbool.h>

#include "backup/repo.h"
#include "sql/ast.h"
#include "sql/result.h"
#include "sql/session.h"

/* A snapshot label follows the identifier rules of table names; no path characters ever reach storage. */
Status br_check_label(const char *label, Error *err) MUST_CHECK;
/* "timeout" property: integer seconds, at least 600. */
Status br_parse_timeout(const char *v, int64_t *out, Error *err) MUST_CHECK;
/* Whether the repository holds a complete snapshot (one with info.json) named label. */
Status br_snapshot_label_exists(Repo *r, const char *label, bool *exists, Error *err) MUST_CHECK;

/* Deletes one snapshot folder, its info.json first (so it stops existing at once for every reader). */
Status snapshot_drop_folder(Repo *r, Fs *fs, const char *label, const char *ts, Error *err) MUST_CHECK;
/* Deletes data objects no complete snapshot references (older than snapshot_sweep_grace_s). */
Status snapshot_sweep(Repo *r, Fs *fs, int64_t *removed, int64_t *removed_bytes, Error *err) MUST_CHECK;
/* "retention_count" repository property: after a backup finishes, keeps the newest N complete snapshots of the
 * repository and drops the older ones (then sweeps). Does nothing without the property. */
void repo_apply_retention(Repo *r, int64_t finished_job);
/* Validates the repository properties cairn itself reads (retention_count). */
Status repo_check_props(const FsProp *props, int nprops, Error *err) MUST_CHECK;

Status restore_stmt(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status show_snapshot_stmt(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status drop_snapshot_stmt(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;
Status verify_snapshot_stmt(Session *s, const Stmt *st, ResultSink *out, Error *err) MUST_CHECK;

#endif
