#!/usr/bin/python3
"""kill -9 and CANCEL in every state of BACKUP and RESTORE jobs. A job is held in a state with the
backup_debug_pause testing aid, then the server is killed (and restarted) or the job cancelled:
- after a crash every job resumes and FINISHES, and its result is checked row by row;
- after CANCEL the job is CANCELLED, no snapshot is visible, and an overwritten table is exactly as before."""
import json
import os

from br_common import (Cairnd, Tap, create_fixture, digests, error_of, execute, query_dicts, snapshot_timestamp,
                       table_digest, tmp_dir, wait_job)

tap = Tap()
repo_dir = tmp_dir("repo-crash")
BACKUP_STATES = ["SNAPSHOTING", "UPLOAD_SNAPSHOT", "UPLOADING", "SAVE_META", "UPLOAD_INFO"]
RESTORE_STATES = ["SNAPSHOTING", "DOWNLOAD", "DOWNLOADING", "COMMIT", "COMMITTING"]


def pause(c, state, ms=20000):
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = '%s:%d')" % (state, ms))


with Cairnd("br-crash") as srv:
    c = srv.connect()
    create_fixture(c, "src", rows=120)
    execute(c, "CREATE REPOSITORY r ON LOCATION '%s'" % repo_dir)
    want = digests(c)

    # ---------------------------------------------------------------- kill -9 during BACKUP
    for state in BACKUP_STATES:
        label = "crash_" + state.lower()
        pause(c, state)
        execute(c, "BACKUP SNAPSHOT src.%s TO r" % label)
        wait_job(c, "BACKUP", "src", states=(state,))
        c.close()
        srv.kill9()
        srv.start()
        c = srv.connect(db="src")
        job = wait_job(c, "BACKUP", "src")
        tap.eq((job["State"], job["Status"]), ("FINISHED", "[OK]"), "backup killed in %s resumes and finishes" % state)
        ts = snapshot_timestamp(c, "r", label)
        execute(c, "RESTORE SNAPSHOT src.%s FROM r ON (dup AS dup_r, events AS events_r) "
                   "PROPERTIES ('backup_timestamp' = '%s')" % (label, ts))
        wait_job(c, "RESTORE", "src")
        tap.eq((table_digest(c, "dup_r"), table_digest(c, "events_r")), (want["dup"], want["events"]),
               "the snapshot of a backup killed in %s restores the right rows" % state)
        execute(c, "DROP TABLE dup_r FORCE")
        execute(c, "DROP TABLE events_r FORCE")

    # ---------------------------------------------------------------- kill -9 during RESTORE (overwrite)
    ts = snapshot_timestamp(c, "r", "crash_uploading")
    for state in RESTORE_STATES:
        execute(c, "INSERT INTO dup VALUES (90001, '2024-01-01', 'newer', 1.00, 1)")
        pause(c, state)
        execute(c, "RESTORE SNAPSHOT src.crash_uploading FROM r ON (dup, agg) PROPERTIES ('backup_timestamp' = '%s')" % ts)
        wait_job(c, "RESTORE", "src", states=(state,))
        c.close()
        srv.kill9()
        srv.start()
        c = srv.connect(db="src")
        job = wait_job(c, "RESTORE", "src")
        tap.eq((job["State"], job["Status"]), ("FINISHED", "[OK]"), "restore killed in %s resumes and finishes" % state)
        tap.eq((table_digest(c, "dup"), table_digest(c, "agg")), (want["dup"], want["agg"]),
               "after a restore killed in %s the tables hold the snapshot's rows" % state)

    # ---------------------------------------------------------------- CANCEL during BACKUP
    for state in BACKUP_STATES:
        label = "cancel_" + state.lower()
        pause(c, state)
        execute(c, "BACKUP SNAPSHOT src.%s TO r" % label)
        wait_job(c, "BACKUP", "src", states=(state,))
        execute(c, "CANCEL BACKUP FROM src")
        job = query_dicts(c, "SHOW BACKUP FROM src")[0]
        tap.eq((job["State"], job["Status"]), ("CANCELLED", "[COMMON_ERROR, msg: user cancelled]"),
               "CANCEL BACKUP in %s" % state)
        rows = query_dicts(c, "SHOW SNAPSHOT ON r WHERE SNAPSHOT = '%s'" % label)
        tap.eq([(r["Status"]) for r in rows], ["ERROR: no snapshot"], "no snapshot left by a backup cancelled in %s" % state)
        tap.eq(error_of(c, "CANCEL BACKUP FROM src")[1],
               "Failed to cancel job: Job with label %s can not be cancelled. state: CANCELLED" % label,
               "cancelling twice is refused (%s)" % state)
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = '')")
    execute(c, "BACKUP SNAPSHOT src.cancel_snapshoting TO r ON (pk)")
    tap.eq(wait_job(c, "BACKUP", "src")["State"], "FINISHED", "a cancelled backup's label stays free")

    # ---------------------------------------------------------------- CANCEL during RESTORE
    execute(c, "INSERT INTO dup VALUES (90002, '2024-01-01', 'newest', 1.00, 1)")
    current = {t: table_digest(c, t) for t in ("dup", "agg")}
    for state in RESTORE_STATES:
        pause(c, state)
        execute(c, "RESTORE SNAPSHOT src.crash_uploading FROM r ON (dup, agg, pk AS pk_new) "
                   "PROPERTIES ('backup_timestamp' = '%s')" % ts)
        wait_job(c, "RESTORE", "src", states=(state,))
        err = error_of(c, "SELECT count(*) FROM dup")
        tap.ok(err[0] is not None and "is in restore process" in err[1],
               "a table being restored refuses queries (%s)" % state, err)
        execute(c, "CANCEL RESTORE FROM src")
        job = query_dicts(c, "SHOW RESTORE FROM src")[0]
        tap.eq((job["State"], job["Status"]),
               ("CANCELLED", "[COMMON_ERROR, msg: user cancelled, current state: %s]" % state),
               "CANCEL RESTORE in %s" % state)
        tap.eq({t: table_digest(c, t) for t in ("dup", "agg")}, current,
               "tables are exactly as before a restore cancelled in %s" % state)
        tap.eq(error_of(c, "SELECT count(*) FROM pk_new")[0], 1146, "no new table left by a restore cancelled in %s" % state)
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = '')")
    c.close()

tap.done()
