/* Helpers the backup and restore state machines share: local paths of tablet files, the br_file task table,
 * content-addressed object names, the snapshot layout inside a repository, and a pool of transfer workers. */
#ifndef CAIRN_BACKUP_BR_FILES_H
#define CAIRN_BACKUP_BR_FILES_H

#include <stdbool.h>
#include <stdint.h>

#include "backup/job.h"
#include "backup/repo.h"
#include "fs/transfer.h"
#include "util/strbuf.h"

/* One file a job transfers (a row of br_file). */
typedef struct BrFile {
    int64_t seq;
    int64_t tablet_id;
    int64_t rowset_id;
    char *name;     /* local file name inside the tablet directory */
    int64_t size;   /* plaintext bytes */
    char sha256[65]; /* plaintext digest; "" until known */
    char *object;   /* repository path of the content object; "" until known */
    int64_t stored_size;
    bool done;
} BrFile;

typedef struct BrFileList {
    BrFile *items;
    int n;
} BrFileList;

/* The local path of a tablet's file: <storage root>/data/<tablet_id % 1024>/<tablet_id>/<name>. */
void br_tablet_file_path(int64_t tablet_id, const char *name, StrBuf *out);
void br_tablet_dir(int64_t tablet_id, StrBuf *out);

/* br_file rows of a job. */
Status br_files_insert(int64_t job_id, const BrFileList *files, Error *err) MUST_CHECK; /* inside meta_begin */
Status br_files_load(int64_t job_id, BrFileList *out, Error *err) MUST_CHECK;
Status br_file_mark_done(int64_t job_id, const BrFile *f, Error *err) MUST_CHECK;
Status br_files_delete(int64_t job_id, Error *err) MUST_CHECK;
void br_files_free(BrFileList *l);
/* Loads a job's files, sets its progress counters from them, and lists the files not yet done (pointers into
 * files; free *pending with free()). */
Status br_files_pending(BrJob *job, BrFileList *files, BrFile ***pending, int *npending, Error *err) MUST_CHECK;
/* Ends one transfer: on success advances the job's progress and queues the file to be recorded done (in batches
 * of BR_DONE_BATCH files, one metadata transaction each); on failure (st) records the error in TaskErrMsg.
 * f must stay valid until br_files_flush_done. Returns the outcome. */
Status br_file_finish(BrJob *job, BrFile *f, Status st, Error *err) MUST_CHECK;
/* Records every queued file done; call when the workers have stopped, however they stopped. */
Status br_files_flush_done(BrJob *job, Error *err) MUST_CHECK;
#define BR_DONE_BATCH 64

/* Cached plaintext digests of immutable local files (br_digest). */
bool br_digest_get(int64_t rowset_id, const char *name, int64_t *size, char sha256[65]);
void br_digest_put(int64_t rowset_id, const char *name, int64_t size, const char *sha256);
/* sha256 of a local file, streamed. */
Status br_file_sha256(const char *path, int64_t *size, char out[65], Error *err) MUST_CHECK;

/* The repository path of a content object: data/<aa>/<name><suffix>, where name is the plaintext sha256,
 * or (encrypted snapshots) HMAC-SHA256(key, sha256) so names leak nothing about the content;
 * suffix ".zst" for zstd and ".enc" when encrypted. Appends to out (after the repository prefix). */
void br_object_name(const char *sha256, const char *codec, const uint8_t *key, StrBuf *out);
/* A short check value of an encryption key, stored in manifests to recognise a wrong key early. */
void br_key_check(const uint8_t key[32], char out[65]);

/* Snapshot paths below the repository prefix. */
void br_snapshot_dir(const Repo *r, const char *label, const char *ts, StrBuf *out);

/* The snapshot folders of a repository (one per label and timestamp), sorted; complete = holds info.json. */
typedef struct SnapEntry {
    char *label;
    char *ts;
    bool complete;
} SnapEntry;

typedef struct SnapList {
    SnapEntry *items;
    size_t n;
} SnapList;

/* Lists snapshots/ (every label) or snapshots/<label>/ recursively. */
Status snapshot_scan(Repo *r, Fs *fs, const char *label, SnapList *out, Error *err) MUST_CHECK;
void snapshot_list_free(SnapList *l);

/* A pool of `nworkers` threads calling fn(ctx, i) for i in [0, n) until done, the job is cancelled or fn
 * fails; returns the first failure. */
Status br_run_pool(BrJob *job, int nworkers, int n, Status (*fn)(void *ctx, int i, Error *err), void *ctx,
                   Error *err) MUST_CHECK;

/* The process-wide upload and download rate limiters (max_upload_speed_kbps / max_download_speed_kbps),
 * re-read from the configuration on every call. */
RateLimiter *br_upload_limiter(void);
RateLimiter *br_download_limiter(void);

#endif
