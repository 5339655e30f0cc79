#!/usr/bin/python3
"""BACKUP and RESTORE through the mysql protocol against a local repository: every statement and rule, each key
model, partitions, AS, overwrite, schema conflicts, incremental uploads, loads during a backup, corruption,
compression and encryption, DROP and VERIFY SNAPSHOT. Data is compared row by row with the source."""
import json
import os
import shutil

from br_common import (FIXTURE_TABLES, Cairnd, Tap, count_files, create_fixture, digests, error_of, execute,
                       load_rows, query_dicts, snapshot_timestamp, table_digest, tmp_dir, wait_job)

tap = Tap()
repo_dir = tmp_dir("repo-local")

with Cairnd("br-local") as srv:
    c = srv.connect()
    create_fixture(c, "src")
    before = digests(c)

    # ---------------------------------------------------------------- repositories
    execute(c, "CREATE REPOSITORY r1 WITH BROKER ON LOCATION 'file://%s' PROPERTIES ()" % repo_dir)
    rows = query_dicts(c, "SHOW REPOSITORIES")
    tap.eq([(r["RepoName"], r["IsReadOnly"], r["Location"], r["Broker"], r["ErrMsg"]) for r in rows],
           [("r1", "false", "file://" + repo_dir, "", None)], "SHOW REPOSITORIES lists r1")
    tap.eq(list(rows[0].keys()), ["RepoId", "RepoName", "CreateTime", "IsReadOnly", "Location", "Broker", "ErrMsg"],
           "SHOW REPOSITORIES columns")
    tap.eq(error_of(c, "CREATE REPOSITORY r1 WITH BROKER ON LOCATION '%s' PROPERTIES ()" % repo_dir),
           (5064, "Repository r1 already exists"), "duplicate repository refused")
    tap.eq(error_of(c, "CREATE REPOSITORY IF NOT EXISTS r1 ON LOCATION '%s'" % repo_dir), (None, None),
           "CREATE REPOSITORY IF NOT EXISTS")
    errno, msg = error_of(c, "CREATE REPOSITORY bad ON LOCATION '/proc/cairn-no-such-dir/x'")
    tap.ok(errno == 5064 and msg.startswith("Failed to create repository: "), "unwritable location refused", msg)
    tap.eq(len(query_dicts(c, "SHOW REPOSITORIES")), 1, "a failed CREATE REPOSITORY creates nothing")
    tap.ok(os.path.exists(os.path.join(repo_dir, "__cairn_repository_r1", "repo_info.json")),
           "repo_info.json written at the location")

    execute(c, "CREATE USER 'plain'@'%' IDENTIFIED BY 'pw'")
    execute(c, "GRANT SELECT ON *.* TO 'plain'@'%'")
    pc = srv.connect(user="plain", password="pw")
    errno, msg = error_of(pc, "BACKUP SNAPSHOT src.nope TO r1")
    tap.ok(errno == 1227 and "ADMIN" in msg, "BACKUP without ADMIN is 1227 naming ADMIN", msg)
    errno, msg = error_of(pc, "CREATE REPOSITORY r9 ON LOCATION '%s'" % repo_dir)
    tap.ok(errno == 1227, "CREATE REPOSITORY without ADMIN is 1227", msg)
    pc.close()

    # ---------------------------------------------------------------- BACKUP errors
    checks = [
        ("BACKUP SNAPSHOT src.s1 TO nosuch", (5064, "Repository nosuch does not exist")),
        ("BACKUP SNAPSHOT nodb.s1 TO r1", (1049, "Unknown database 'nodb'")),
        ("BACKUP SNAPSHOT src.s1 TO r1 ON (nosuch)", (1051, "Unknown table 'nosuch'")),
        ("BACKUP SNAPSHOT src.s1 TO r1 ON (events PARTITION (p2099))", (1735, "Unknown partition p2099 in table events")),
        ("BACKUP SNAPSHOT src.s1 TO r1 ON (dup, dup)", (5064, "Duplicated table: dup")),
        ("BACKUP SNAPSHOT src.s1 TO r1 PROPERTIES ('type' = 'incremental')", (5064, "Invalid backup job type: incremental")),
        ("BACKUP SNAPSHOT src.s1 TO r1 PROPERTIES ('timeout' = '10')", (5064, "timeout must be at least 10 min")),
        ("BACKUP SNAPSHOT src.s1 TO r1 PROPERTIES ('timeout' = 'x')", (5064, "Invalid timeout format: x")),
        ("BACKUP SNAPSHOT src.s1 TO r1 PROPERTIES ('colour' = 'red')", (5064, "Unknown backup job properties: [colour]")),
    ]
    for sql, want in checks:
        tap.eq(error_of(c, sql), want, "error: " + sql)
    errno, msg = error_of(c, "BACKUP SNAPSHOT src.`../evil` TO r1")
    tap.ok(errno == 5082 and msg.startswith("Incorrect label name '../evil'"), "path characters in a label refused", msg)
    tap.ok(not os.path.exists(os.path.join(repo_dir, "__cairn_repository_r1", "snapshots")),
           "refused statements wrote nothing to the repository")

    # ---------------------------------------------------------------- whole database backup
    execute(c, "BACKUP SNAPSHOT src.snap1 TO r1")
    job = wait_job(c, "BACKUP", "src")
    tap.eq(job["State"], "FINISHED", "whole-database backup FINISHED")
    tap.eq(job["Status"], "[OK]", "Status [OK]")
    tap.eq(list(job.keys()), ["JobId", "SnapshotName", "DbName", "State", "BackupObjs", "CreateTime",
                              "SnapshotFinishedTime", "UploadFinishedTime", "FinishedTime", "UnfinishedTasks",
                              "Progress", "TaskErrMsg", "Status", "Timeout"], "SHOW BACKUP columns")
    tap.eq(job["BackupObjs"], "[src.dup, src.agg, src.uniq, src.pk, src.events, src.big_dup]", "BackupObjs")
    tap.eq(job["Timeout"], 86400, "default timeout one day")
    files_total = int(job["Progress"].split()[1].rstrip(",").split("/")[1])
    tap.ok(files_total > 0 and job["Progress"].startswith("files %d/%d" % (files_total, files_total)),
           "Progress counts every file", job["Progress"])
    ts1 = snapshot_timestamp(c, "r1", "snap1")
    snap_dir = os.path.join(repo_dir, "__cairn_repository_r1", "snapshots", "snap1", ts1)
    tap.ok(os.path.exists(os.path.join(snap_dir, "info.json")) and os.path.exists(os.path.join(snap_dir, "manifest.json")),
           "info.json and manifest.json in the snapshot folder")
    detail = query_dicts(c, "SHOW SNAPSHOT ON r1 WHERE SNAPSHOT = 'snap1' AND TIMESTAMP = '%s'" % ts1)
    tap.eq([(d["Snapshot"], d["Database"], d["Status"]) for d in detail], [("snap1", "src", "OK")],
           "SHOW SNAPSHOT with TIMESTAMP")
    details = json.loads(detail[0]["Details"])
    tap.eq(sorted(details["backup_objects"]["events"]["partitions"].keys()), ["p202401", "p202402", "p202403"],
           "Details lists partitions")
    tap.eq(error_of(c, "BACKUP SNAPSHOT src.snap1 TO r1"),
           (5064, "Snapshot with name 'snap1' already exist in repository"), "label reuse refused")
    data_dir = os.path.join(repo_dir, "__cairn_repository_r1", "data")
    n_objects = count_files(data_dir)
    tap.ok(n_objects > 0, "data objects uploaded", n_objects)

    # ---------------------------------------------------------------- incremental by construction
    execute(c, "BACKUP SNAPSHOT src.snap2 TO r1")
    tap.eq(wait_job(c, "BACKUP", "src")["State"], "FINISHED", "second backup FINISHED")
    tap.eq(count_files(data_dir), n_objects, "a second backup of unchanged data uploads no data files")
    status, body, _ = srv.http("/metrics")
    metrics = dict(line.rsplit(" ", 1) for line in body.decode().splitlines() if line and not line.startswith("#"))
    tap.eq(float(metrics.get('cairn_backup_jobs_total{state="finished"}', "0")), 2.0, "/metrics counts finished backups")
    tap.eq(float(metrics.get("cairn_backup_files_uploaded_total", "0")), float(n_objects),
           "/metrics counts uploaded files")
    tap.ok(float(metrics.get("cairn_backup_files_deduplicated_total", "0")) >= n_objects,
           "/metrics counts files the second backup did not upload", metrics.get("cairn_backup_files_deduplicated_total"))
    tap.eq(metrics.get("cairn_backup_jobs_running"), "0", "/metrics shows no running backup")

    # ---------------------------------------------------------------- restore everything into a dropped db
    execute(c, "DROP DATABASE src FORCE")
    execute(c, "RESTORE SNAPSHOT src.snap1 FROM r1 PROPERTIES ('backup_timestamp' = '%s')" % ts1)
    job = wait_job(c, "RESTORE", "src")
    tap.eq((job["State"], job["Status"]), ("FINISHED", "[OK]"), "whole-database restore FINISHED")
    tap.eq(list(job.keys()), ["JobId", "Label", "Timestamp", "DbName", "State", "AllowLoad", "ReplicationNum",
                              "RestoreObjs", "CreateTime", "MetaPreparedTime", "SnapshotFinishedTime",
                              "DownloadFinishedTime", "FinishedTime", "UnfinishedTasks", "Progress", "TaskErrMsg",
                              "Status", "Timeout"], "SHOW RESTORE columns")
    execute(c, "USE src")
    tap.eq(digests(c), before, "every table equals the source row for row")
    tap.eq(execute(c, "SELECT count(*) FROM big_dup"), [(sum(1 for i in range(200) if i > 10),)], "view restored")

    # ---------------------------------------------------------------- restore errors
    checks = [
        ("RESTORE SNAPSHOT src.snap1 FROM r1 PROPERTIES ('backup_timestamp' = '2000-01-01-00-00-00-000')",
         "Failed to get info of snapshot 'snap1' because: "),
        ("RESTORE SNAPSHOT src.snap1 FROM r1", "Missing backup_timestamp property"),
        ("RESTORE SNAPSHOT src.snap1 FROM r1 ON (nosuch) PROPERTIES ('backup_timestamp' = '%s')" % ts1,
         "Table nosuch does not exist in snapshot snap1"),
        ("RESTORE SNAPSHOT src.snap1 FROM r1 ON (events PARTITION (p9)) PROPERTIES ('backup_timestamp' = '%s')" % ts1,
         "Partition p9 of table events does not exist in snapshot snap1"),
        ("RESTORE SNAPSHOT src.snap1 FROM r1 PROPERTIES ('backup_timestamp' = '%s', 'replication_num' = '3')" % ts1,
         "Failed to find enough backends: need 3, available 1"),
        ("RESTORE SNAPSHOT src.snap1 FROM r1 PROPERTIES ('backup_timestamp' = '%s', 'colour' = 'red')" % ts1,
         "Unknown restore job properties: [colour]"),
    ]
    for sql, want in checks:
        errno, msg = error_of(c, sql)
        tap.ok(msg is not None and msg.startswith(want), "error: " + sql, msg)

    # ---------------------------------------------------------------- AS, overwrite, partitions
    load_rows(c, 1000, 50)  # newer rows that the snapshot does not have
    changed = table_digest(c, "dup")
    execute(c, "RESTORE SNAPSHOT src.snap1 FROM r1 ON (dup AS dup_copy) PROPERTIES ('backup_timestamp' = '%s')" % ts1)
    tap.eq(wait_job(c, "RESTORE", "src")["State"], "FINISHED", "restore AS FINISHED")
    tap.eq(table_digest(c, "dup_copy"), before["dup"], "AS restores the snapshot's rows under the new name")
    tap.eq(table_digest(c, "dup"), changed, "AS leaves the original table alone")
    execute(c, "RESTORE SNAPSHOT src.snap1 FROM r1 ON (dup, pk) PROPERTIES ('backup_timestamp' = '%s')" % ts1)
    tap.eq(wait_job(c, "RESTORE", "src")["State"], "FINISHED", "overwrite restore FINISHED")
    tap.eq((table_digest(c, "dup"), table_digest(c, "pk")), (before["dup"], before["pk"]),
           "same-name same-schema restore overwrites with the snapshot's rows")
    execute(c, "TRUNCATE TABLE events")
    execute(c, "RESTORE SNAPSHOT src.snap1 FROM r1 ON (events PARTITION (p202401, p202403)) "
               "PROPERTIES ('backup_timestamp' = '%s')" % ts1)
    tap.eq(wait_job(c, "RESTORE", "src")["State"], "FINISHED", "partition restore FINISHED")
    got = execute(c, "SELECT month(dt), count(*) FROM events GROUP BY month(dt) ORDER BY 1")
    tap.eq(got, [(1, 67), (3, 66)], "two partitions restored into the existing table, the third left empty")

    # ---------------------------------------------------------------- a different schema is refused
    execute(c, "DROP TABLE uniq")
    execute(c, "CREATE TABLE uniq (k INT, v VARCHAR(20), extra INT) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2")
    execute(c, "INSERT INTO uniq VALUES (1, 'keep', 1)")
    execute(c, "RESTORE SNAPSHOT src.snap1 FROM r1 ON (uniq) PROPERTIES ('backup_timestamp' = '%s')" % ts1)
    job = wait_job(c, "RESTORE", "src")
    tap.ok(job["State"] == "CANCELLED" and "Table uniq already exist but with different schema" in job["Status"],
           "different schema refused with the first difference named", job["Status"])
    tap.eq(execute(c, "SELECT * FROM uniq"), [(1, "keep", 1)], "the existing table is unchanged")

    # ---------------------------------------------------------------- loads during a backup
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = 'UPLOAD_SNAPSHOT:1500')")
    count0 = execute(c, "SELECT count(*) FROM dup")[0][0]
    d0 = table_digest(c, "dup")
    execute(c, "BACKUP SNAPSHOT src.during TO r1 ON (dup)")
    wait_job(c, "BACKUP", "src", states=("UPLOAD_SNAPSHOT", "UPLOADING", "SAVE_META", "UPLOAD_INFO", "FINISHED"))
    tap.eq(error_of(c, "BACKUP SNAPSHOT src.other TO r1 ON (agg)")[1],
           "Can only run one backup or restore job of a database at same time", "one job per database")
    for i in range(30):  # 30 loads while the snapshot is being uploaded
        execute(c, "INSERT INTO dup VALUES (%d, '2024-01-01', 'late', 1.00, NULL)" % (5000 + i))
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = '')")
    tap.eq(wait_job(c, "BACKUP", "src")["State"], "FINISHED", "backup with concurrent loads FINISHED")
    tsd = snapshot_timestamp(c, "r1", "during")
    execute(c, "RESTORE SNAPSHOT src.during FROM r1 ON (dup AS dup_during) PROPERTIES ('backup_timestamp' = '%s')" % tsd)
    tap.eq(wait_job(c, "RESTORE", "src")["State"], "FINISHED", "restore of that snapshot FINISHED")
    tap.eq(table_digest(c, "dup_during"), d0, "the snapshot holds exactly the rows visible when it was taken")
    tap.ok(execute(c, "SELECT count(*) FROM dup")[0][0] == count0 + 30, "the loads themselves went through")

    # ---------------------------------------------------------------- compression and encryption
    execute(c, "BACKUP SNAPSHOT src.zenc TO r1 ON (dup, events) PROPERTIES ('compression' = 'zstd', "
               "'encryption_key' = 'correct horse battery staple')")
    tap.eq(wait_job(c, "BACKUP", "src")["State"], "FINISHED", "zstd + encrypted backup FINISHED")
    tsz = snapshot_timestamp(c, "r1", "zenc")
    manifest = open(os.path.join(repo_dir, "__cairn_repository_r1", "snapshots", "zenc", tsz, "manifest.json")).read()
    tap.ok("correct horse" not in manifest and '"AES-256-GCM"' in manifest, "the key is not stored; manifest names AES-256-GCM")
    errno, msg = error_of(c, "RESTORE SNAPSHOT src.zenc FROM r1 ON (dup AS dup_z) PROPERTIES "
                             "('backup_timestamp' = '%s', 'encryption_key' = 'wrong')" % tsz)
    tap.ok(msg is not None and "does not match" in msg, "a wrong key is refused before anything starts", msg)
    execute(c, "RESTORE SNAPSHOT src.zenc FROM r1 ON (dup AS dup_z, events AS events_z) PROPERTIES "
               "('backup_timestamp' = '%s', 'encryption_key' = 'correct horse battery staple')" % tsz)
    tap.eq(wait_job(c, "RESTORE", "src")["State"], "FINISHED", "encrypted restore FINISHED")
    tap.eq(table_digest(c, "dup_z"), table_digest(c, "dup"), "encrypted + compressed round trip equals the source")

    # ---------------------------------------------------------------- VERIFY, corruption, DROP SNAPSHOT
    v = query_dicts(c, "VERIFY SNAPSHOT snap1 FROM r1")
    tap.eq([(r["Snapshot"], r["Status"]) for r in v], [("snap1", "OK")], "VERIFY SNAPSHOT OK")
    # flip one byte of one data object that snap1 references
    m = json.load(open(os.path.join(snap_dir, "manifest.json")))
    obj = m["objects"][0]["partitions"][0]["tablets"][0]["rowsets"][0]["segments"][0]["object"]
    path = os.path.join(repo_dir, "__cairn_repository_r1", obj)
    with open(path, "r+b") as f:
        f.seek(10)
        b = f.read(1)
        f.seek(10)
        f.write(bytes([b[0] ^ 0xFF]))
    v = query_dicts(c, "VERIFY SNAPSHOT snap1 FROM r1")
    tap.ok(v[0]["Status"] == "ERROR" and obj in v[0]["Details"], "VERIFY SNAPSHOT names the damaged object", v)
    dup_before = table_digest(c, "dup")
    execute(c, "RESTORE SNAPSHOT src.snap1 FROM r1 ON (dup) PROPERTIES ('backup_timestamp' = '%s')" % ts1)
    job = wait_job(c, "RESTORE", "src")
    tap.ok(job["State"] == "CANCELLED" and obj in job["Status"] and job["Status"].startswith("[BAD_FILE"),
           "a flipped byte fails the restore naming the file", job["Status"])
    tap.eq(table_digest(c, "dup"), dup_before, "the target table is unchanged after the failed restore")
    execute(c, "DROP SNAPSHOT snap2 FROM r1")
    tap.eq([r["Snapshot"] for r in query_dicts(c, "SHOW SNAPSHOT ON r1")], ["during", "snap1", "zenc"],
           "DROP SNAPSHOT removes the snapshot")
    tap.eq(error_of(c, "DROP SNAPSHOT snap2 FROM r1"), (5064, "Snapshot does not exist in repository r1: snap2"),
           "dropping it again is an error")

    # ---------------------------------------------------------------- cancel and DROP REPOSITORY
    tap.eq(error_of(c, "CANCEL BACKUP FROM src"), (5064, "No backup job is currently running"), "nothing to cancel")
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = 'UPLOADING:5000')")
    execute(c, "BACKUP SNAPSHOT src.cancelled TO r1")
    wait_job(c, "BACKUP", "src", states=("UPLOADING",))
    tap.eq(error_of(c, "DROP REPOSITORY r1"),
           (5066, "Backup or restore job is running on this repository. Can not drop it"), "DROP REPOSITORY refused while a job runs")
    execute(c, "CANCEL BACKUP FROM src")
    job = query_dicts(c, "SHOW BACKUP FROM src")[0]
    tap.eq((job["State"], job["Status"]), ("CANCELLED", "[COMMON_ERROR, msg: user cancelled]"), "CANCEL BACKUP")
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = '')")
    tap.ok(not os.path.exists(os.path.join(repo_dir, "__cairn_repository_r1", "snapshots", "cancelled")) or
           not any(f == "info.json" for _r, _d, fs in os.walk(os.path.join(repo_dir, "__cairn_repository_r1",
                                                                          "snapshots", "cancelled")) for f in fs),
           "a cancelled backup leaves no snapshot")
    tap.eq([r["Snapshot"] for r in query_dicts(c, "SHOW SNAPSHOT ON r1")], ["during", "snap1", "zenc"],
           "the cancelled label is not listed")
    execute(c, "DROP REPOSITORY r1")
    tap.eq(query_dicts(c, "SHOW REPOSITORIES"), [], "DROP REPOSITORY forgets it")
    tap.ok(os.path.exists(os.path.join(snap_dir, "info.json")), "its data stays in storage")
    execute(c, "CREATE READ ONLY REPOSITORY r1 ON LOCATION '%s'" % repo_dir)
    tap.eq([r["Snapshot"] for r in query_dicts(c, "SHOW SNAPSHOT ON r1")], ["during", "snap1", "zenc"],
           "re-created with the same name and location it sees the snapshots")
    tap.eq(error_of(c, "BACKUP SNAPSHOT src.ro TO r1"), (5064, "Repository r1 is read only"), "read-only refuses BACKUP")
    c.close()

shutil.rmtree(repo_dir, ignore_errors=True)
tap.done()
