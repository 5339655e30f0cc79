/* Snapshot retention: a repository created with PROPERTIES ("retention_count" = "N") keeps its N newest
 * complete snapshots. After each BACKUP into it finishes, older snapshots are dropped (info.json first, as
 * DROP SNAPSHOT does) and data objects no remaining snapshot references are swept. Snapshots a running restore
 * reads are never dropped; read-only repositories are never touched. */
#include <stdlib.h>
#include <string.h>

#include "backup/br_files.h"
#include "backup/br_stmt.h"
#include "backup/job.h"
#include "util/log.h"
#include "util/str.h"

static bool retention_count(const FsProp *props, int nprops, int64_t *n) {
    const char *v = fs_prop_get(props, nprops, "retention_count");
    return v && str_to_int64(v, n) && *n >= 1;
}

Status repo_check_props(const FsProp *props, int nprops, Error *err) {
    const char *v = fs_prop_get(props, nprops, "retention_count");
    int64_t n;
    if (v && !retention_count(props, nprops, &n))
        return err_set(err, ERR_COMMON, "Invalid retention_count: '%s' (the number of snapshots to keep, at least 1)", v);
    return STATUS_OK;
}

static int newest_first(const void *a, const void *b) {
    const SnapEntry *x = a, *y = b;
    int c = strcmp(y->ts, x->ts); /* yyyy-MM-dd-HH-mm-ss-SSS sorts as text */
    return c ? c : strcmp(y->label, x->label);
}

void repo_apply_retention(Repo *r, int64_t finished_job) {
    int64_t keep;
    if (r->read_only || !retention_count(r->props, r->nprops, &keep)) return;
    Error err = ERROR_INIT;
    Fs *fs;
    SnapList l;
    if (repo_fs(r, &fs, &err) || snapshot_scan(r, fs, NULL, &l, &err)) {
        log_warn("repository %s: retention skipped: %s", r->name, err.msg);
        return;
    }
    SnapEntry *done = calloc(l.n ? l.n : 1, sizeof *done);
    size_t n = 0;
    for (size_t i = 0; i < l.n; i++)
        if (l.items[i].complete) done[n++] = l.items[i];
    qsort(done, n, sizeof *done, newest_first);
    int dropped = 0;
    for (size_t i = (size_t)keep; i < n; i++) {
        if (br_jobs_using_label(r->id, done[i].label)) continue;
        if (snapshot_drop_folder(r, fs, done[i].label, done[i].ts, &err)) {
            log_warn("repository %s: retention: cannot drop snapshot %s/%s: %s", r->name, done[i].label, done[i].ts,
                     err.msg);
            continue;
        }
        log_info("repository %s: retention_count %lld: dropped snapshot %s (%s)", r->name, (long long)keep,
                 done[i].label, done[i].ts);
        dropped++;
    }
    free(done);
    snapshot_list_free(&l);
    if (dropped && !br_jobs_running_on_repo(r->id)) {
        int64_t removed = 0, bytes = 0;
        if (snapshot_sweep(r, fs, &removed, &bytes, &err))
            log_warn("repository %s: retention: sweeping unreferenced data: %s", r->name, err.msg);
        else
            log_info("repository %s: retention removed %lld unreferenced data objects (%lld bytes) after job %lld",
                     r->name, (long long)removed, (long long)bytes, (long long)finished_job);
    }
}
