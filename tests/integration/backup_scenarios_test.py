#!/usr/bin/python3
"""More BACKUP/RESTORE scenarios: a 1M-row table across 16 buckets, a backup of two partitions, pins that
survive DROP TABLE during a backup, a restore running while other tables take loads, timeouts, and a database
snapshot that is one point in time across tables."""
import os
import subprocess
import threading

from br_common import (Cairnd, Tap, error_of, execute, query_dicts, snapshot_timestamp, table_digest, tmp_dir,
                       wait_job)

tap = Tap()
repo_dir = tmp_dir("repo-scen")


def stream_load(srv, db, table, data, label):
    r = subprocess.run(["curl", "-s", "--location-trusted", "-u", "root:", "-H", "label:" + label, "-H",
                        "column_separator:,", "-T", "-", "http://127.0.0.1:%d/api/%s/%s/_stream_load" %
                        (srv.http_port, db, table)], input=data.encode(), capture_output=True, check=True)
    assert b'"Status": "Success"' in r.stdout, r.stdout


with Cairnd("br-scen", conf={"backup_min_timeout_s": "1"}) as srv:
    c = srv.connect(read_timeout=600)
    execute(c, "CREATE DATABASE big")
    execute(c, "USE big")
    execute(c, "CREATE REPOSITORY r ON LOCATION '%s'" % repo_dir)

    # ---------------------------------------------------------------- 1M rows, 16 buckets
    execute(c, "CREATE TABLE wide (id BIGINT NOT NULL, g INT, name VARCHAR(32), amount DECIMAL(14, 2), d DATE) "
               "DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 16")
    n = 1000000
    chunk = "".join("%d,%d,name-%d,%d.%02d,2024-%02d-%02d\n" % (i, i % 977, i % 5000, i % 100000, i % 100,
                                                                  1 + i % 12, 1 + i % 28) for i in range(n))
    stream_load(srv, "big", "wide", chunk, "wide1")
    want = execute(c, "SELECT count(*), sum(id), sum(g), sum(amount), count(DISTINCT name), min(d), max(d) FROM wide")
    execute(c, "BACKUP SNAPSHOT big.million TO r ON (wide) PROPERTIES ('compression' = 'zstd')")
    job = wait_job(c, "BACKUP", "big", timeout=300)
    tap.eq(job["State"], "FINISHED", "backup of 1M rows in 16 buckets FINISHED")
    ts = snapshot_timestamp(c, "r", "million")
    execute(c, "RESTORE SNAPSHOT big.million FROM r ON (wide AS wide2) PROPERTIES ('backup_timestamp' = '%s')" % ts)
    tap.eq(wait_job(c, "RESTORE", "big", timeout=300)["State"], "FINISHED", "restore of 1M rows FINISHED")
    got = execute(c, "SELECT count(*), sum(id), sum(g), sum(amount), count(DISTINCT name), min(d), max(d) FROM wide2")
    tap.eq(got, want, "1M restored rows have the same count, sums and distinct values")
    parts = query_dicts(c, "SHOW PARTITIONS FROM wide2")
    tap.eq([(p["Buckets"], p["RowCount"]) for p in parts], [("16", str(n))], "16 buckets, 1M rows in SHOW PARTITIONS")

    # ---------------------------------------------------------------- two partitions of a range table
    execute(c, """CREATE TABLE months (d DATE, v INT) DUPLICATE KEY(d)
                  PARTITION BY RANGE(d) (START ('2024-01-01') END ('2024-05-01') EVERY (INTERVAL 1 MONTH))
                  DISTRIBUTED BY HASH(v) BUCKETS 2""")
    execute(c, "INSERT INTO months VALUES " + ", ".join("('2024-%02d-%02d', %d)" % (1 + i % 4, 1 + i % 28, i)
                                                       for i in range(400)))
    execute(c, "BACKUP SNAPSHOT big.two TO r ON (months PARTITION (p202402, p202403))")
    tap.eq(wait_job(c, "BACKUP", "big")["State"], "FINISHED", "backup of two partitions FINISHED")
    ts2 = snapshot_timestamp(c, "r", "two")
    detail = query_dicts(c, "SHOW SNAPSHOT ON r WHERE SNAPSHOT = 'two' AND TIMESTAMP = '%s'" % ts2)[0]["Details"]
    tap.ok('"p202402"' in detail and '"p202403"' in detail and '"p202401"' not in detail,
           "the snapshot holds exactly the two partitions", detail)
    execute(c, "RESTORE SNAPSHOT big.two FROM r ON (months AS months2) PROPERTIES ('backup_timestamp' = '%s')" % ts2)
    tap.eq(wait_job(c, "RESTORE", "big")["State"], "FINISHED", "restore of the two partitions FINISHED")
    tap.eq(execute(c, "SELECT month(d), count(*) FROM months2 GROUP BY month(d) ORDER BY 1"), [(2, 100), (3, 100)],
           "a table restored from two partitions has those two partitions' rows")
    tap.eq(sorted(p["PartitionName"] for p in query_dicts(c, "SHOW PARTITIONS FROM months2")), ["p202402", "p202403"],
           "and only those partitions")

    # ---------------------------------------------------------------- DROP TABLE while the backup holds pins
    execute(c, "CREATE TABLE doomed (k INT, v VARCHAR(8)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2")
    execute(c, "INSERT INTO doomed VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    want_doomed = table_digest(c, "doomed")
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = 'UPLOAD_SNAPSHOT:3000')")
    execute(c, "BACKUP SNAPSHOT big.pinned TO r ON (doomed)")
    wait_job(c, "BACKUP", "big", states=("UPLOAD_SNAPSHOT",))
    execute(c, "DROP TABLE doomed FORCE")
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = '')")
    job = wait_job(c, "BACKUP", "big")
    tap.eq((job["State"], job["Status"]), ("FINISHED", "[OK]"), "a backup whose table is dropped meanwhile finishes")
    tsp = snapshot_timestamp(c, "r", "pinned")
    execute(c, "RESTORE SNAPSHOT big.pinned FROM r PROPERTIES ('backup_timestamp' = '%s')" % tsp)
    tap.eq(wait_job(c, "RESTORE", "big")["State"], "FINISHED", "its snapshot restores")
    tap.eq(table_digest(c, "doomed"), want_doomed, "with every row: the pins kept the dropped table's files")

    # ---------------------------------------------------------------- a restore while other tables take loads
    execute(c, "CREATE TABLE busy (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2")
    stop = threading.Event()
    loaded = []

    def loader():
        lc = srv.connect(db="big")
        i = 0
        while not stop.is_set():
            execute(lc, "INSERT INTO busy VALUES (%d, %d)" % (i, i))
            loaded.append(i)
            i += 1
        lc.close()

    t = threading.Thread(target=loader)
    t.start()
    execute(c, "RESTORE SNAPSHOT big.million FROM r ON (wide AS wide3) PROPERTIES ('backup_timestamp' = '%s')" % ts)
    job = wait_job(c, "RESTORE", "big", timeout=300)
    stop.set()
    t.join()
    tap.eq(job["State"], "FINISHED", "a restore beside continuous loads FINISHED")
    tap.eq(execute(c, "SELECT count(*) FROM busy"), [(len(loaded),)], "every load into the other table landed")
    tap.eq(execute(c, "SELECT count(*), sum(id) FROM wide3"), [want[0][:2]], "and the restored table is complete")

    # ---------------------------------------------------------------- one point in time across tables
    execute(c, "CREATE DATABASE pit")
    execute(c, "CREATE TABLE pit.a (k INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1")
    execute(c, "CREATE TABLE pit.b (k INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1")
    execute(c, "INSERT INTO pit.a VALUES (1)")
    execute(c, "INSERT INTO pit.b VALUES (1)")
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = 'UPLOAD_SNAPSHOT:2000')")
    execute(c, "BACKUP SNAPSHOT pit.both TO r")
    wait_job(c, "BACKUP", "pit", states=("UPLOAD_SNAPSHOT",))
    execute(c, "INSERT INTO pit.a VALUES (2)")
    execute(c, "INSERT INTO pit.b VALUES (2)")
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = '')")
    wait_job(c, "BACKUP", "pit")
    tsb = snapshot_timestamp(c, "r", "both")
    execute(c, "RESTORE SNAPSHOT pit.both FROM r ON (a AS a0, b AS b0) PROPERTIES ('backup_timestamp' = '%s')" % tsb)
    wait_job(c, "RESTORE", "pit")
    tap.eq((execute(c, "SELECT count(*) FROM pit.a0"), execute(c, "SELECT count(*) FROM pit.b0")), ([(1,)], [(1,)]),
           "every table of a database snapshot is taken at the same instant")

    # ---------------------------------------------------------------- a damaged local file never enters a backup
    execute(c, "CREATE TABLE rot (k INT, v VARCHAR(16)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1")
    execute(c, "INSERT INTO rot VALUES (1, 'one'), (2, 'two')")
    tablet_files = []
    for root, _dirs, files in os.walk(os.path.join(srv.data_dir, "storage")):
        tablet_files += [os.path.join(root, f) for f in files if f.endswith(".dat")]
    newest = max(tablet_files, key=os.path.getmtime)
    with open(newest, "r+b") as f:
        f.seek(4)
        b = f.read(1)
        f.seek(4)
        f.write(bytes([b[0] ^ 0x01]))
    execute(c, "BACKUP SNAPSHOT big.rotten TO r ON (rot)")
    job = wait_job(c, "BACKUP", "big")
    tap.ok(job["State"] == "CANCELLED" and "is damaged" in job["Status"] and os.path.basename(newest) in job["Status"],
           "a backup refuses a local file whose content changed since it was written", job["Status"])

    # ---------------------------------------------------------------- users, roles and grants travel on request
    execute(c, "CREATE ROLE analyst")
    execute(c, "GRANT SELECT ON big.* TO ROLE analyst")
    execute(c, "CREATE USER 'ann'@'%' IDENTIFIED BY 's3cret-pass'")
    execute(c, "GRANT analyst TO USER 'ann'@'%'")
    execute(c, "GRANT INSERT ON big.months TO 'ann'@'%'")
    grants_before = sorted(r[2] for r in execute(c, "SHOW GRANTS FOR 'ann'@'%'"))
    execute(c, "BACKUP SNAPSHOT big.withusers TO r ON (months) PROPERTIES ('include_users' = 'true', "
               "'encryption_key' = 'k')")
    tap.eq(wait_job(c, "BACKUP", "big")["State"], "FINISHED", "backup with include_users FINISHED")
    tsu = snapshot_timestamp(c, "r", "withusers")
    manifests = [os.path.join(root, f) for root, _d, fs in os.walk(repo_dir) for f in fs if f == "manifest.json"]
    tap.ok(all("s3cret" not in open(m).read() and "ann" not in open(m).read() for m in manifests),
           "no account appears in any manifest (the users object is encrypted with the data)")
    execute(c, "DROP USER 'ann'@'%'")
    execute(c, "DROP ROLE analyst")
    execute(c, "RESTORE SNAPSHOT big.withusers FROM r ON (months AS months_u) PROPERTIES ('backup_timestamp' = '%s', "
               "'encryption_key' = 'k', 'restore_users' = 'true')" % tsu)
    tap.eq(wait_job(c, "RESTORE", "big")["State"], "FINISHED", "restore with restore_users FINISHED")
    ac = srv.connect(user="ann", password="s3cret-pass")
    tap.eq(execute(ac, "SELECT count(*) FROM big.months_u"), [(400,)], "the restored user logs in with its password "
                                                                          "and reads through its restored role")
    ac.close()
    tap.eq(sorted(r[2] for r in execute(c, "SHOW GRANTS FOR 'ann'@'%'")), grants_before, "with the same grants")
    errno, msg = error_of(c, "RESTORE SNAPSHOT big.two FROM r ON (months AS m9) PROPERTIES ('backup_timestamp' = '%s', "
                             "'restore_users' = 'true')" % ts2)
    tap.ok(msg is not None and "holds no users" in msg, "restore_users on a snapshot without users is refused", msg)

    # ---------------------------------------------------------------- retention_count keeps the newest snapshots
    keep_dir = tmp_dir("repo-keep")
    execute(c, "CREATE REPOSITORY keep2 ON LOCATION '%s' PROPERTIES ('retention_count' = '2')" % keep_dir)
    tap.eq(error_of(c, "CREATE REPOSITORY bad_keep ON LOCATION '%s' PROPERTIES ('retention_count' = '0')" % keep_dir),
           (5064, "Invalid retention_count: '0' (the number of snapshots to keep, at least 1)"), "retention_count checked")
    execute(c, "ADMIN SET FRONTEND CONFIG ('snapshot_sweep_grace_s' = '0')")
    execute(c, "CREATE TABLE kept (k INT, v VARCHAR(16)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1")
    data_dir = os.path.join(keep_dir, "__cairn_repository_keep2", "data")
    counts = []
    for gen in range(3):
        execute(c, "TRUNCATE TABLE kept")
        execute(c, "INSERT INTO kept VALUES (%d, 'generation %d')" % (gen, gen))
        execute(c, "BACKUP SNAPSHOT big.gen%d TO keep2 ON (kept)" % gen)
        wait_job(c, "BACKUP", "big")
        counts.append(sum(len(f) for _r, _d, f in os.walk(data_dir)))
    tap.eq([r["Snapshot"] for r in query_dicts(c, "SHOW SNAPSHOT ON keep2")], ["gen1", "gen2"],
           "retention_count 2 keeps the two newest snapshots")
    tap.eq(counts, [1, 2, 2], "the dropped snapshot's data object was swept")
    tsk = snapshot_timestamp(c, "keep2", "gen1")
    execute(c, "RESTORE SNAPSHOT big.gen1 FROM keep2 ON (kept AS kept1) PROPERTIES ('backup_timestamp' = '%s')" % tsk)
    wait_job(c, "RESTORE", "big")
    tap.eq(execute(c, "SELECT k, v FROM kept1"), [(1, "generation 1")], "a kept snapshot still restores")
    execute(c, "ADMIN SET FRONTEND CONFIG ('snapshot_sweep_grace_s' = '3600')")

    # ---------------------------------------------------------------- timeout
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = 'UPLOADING:5000')")
    execute(c, "BACKUP SNAPSHOT big.slow TO r ON (months) PROPERTIES ('timeout' = '1')")
    job = wait_job(c, "BACKUP", "big", timeout=60)
    tap.eq((job["State"], job["Status"], job["Timeout"]), ("CANCELLED", "[TIMEOUT, msg: ]", 1),
           "a backup past its timeout ends CANCELLED with [TIMEOUT, msg: ]")
    execute(c, "RESTORE SNAPSHOT big.two FROM r ON (months AS months_t) PROPERTIES ('backup_timestamp' = '%s', "
               "'timeout' = '1')" % ts2)
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = 'DOWNLOADING:5000')")
    job = wait_job(c, "RESTORE", "big", timeout=60)
    tap.ok(job["State"] in ("CANCELLED", "FINISHED"), "a restore with a 1 s timeout ends", job)
    if job["State"] == "CANCELLED":
        tap.eq(job["Status"], "[TIMEOUT, msg: restore job with label: two  timeout.]", "restore timeout status")
        tap.eq(error_of(c, "SELECT count(*) FROM months_t")[0], 1146, "a timed-out restore leaves no table")
    execute(c, "ADMIN SET FRONTEND CONFIG ('backup_debug_pause' = '')")
    c.close()

tap.done()
