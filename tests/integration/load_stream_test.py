#!/usr/bin/python3
"""Stream Load over HTTP with the real curl command line, as users run it:

    curl --location-trusted -u root: -H "label:l1" -H "column_separator:," -T data.csv \
         http://127.0.0.1:8030/api/db1/t1/_stream_load

CSV and JSON bodies, bad rows with the ErrorURL served by /api/_load_error_log, duplicate labels, a wrong
password (401), a user without INSERT, chunked uploads, SHOW PARTITIONS / SHOW DATA after loads
(VisibleVersion, RowCount, DataSize), expression partitions created on demand, and a body large enough to
need many segments while the server's memory stays bounded (load_mem_limit is set to 16 MB here, so a
72 MB body must be written in pieces as it arrives).
"""

import json
import os
import sqlite3
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from cairn import Cairnd, Tap, mysql_error  # noqa: E402

tap = Tap()


def curl(srv, db, table, path, headers=None, user="root:", chunked=False):
    """Runs curl -T like the StarRocks docs; returns (http status, parsed JSON reply)."""
    cmd = ["curl", "-s", "--location-trusted", "-u", user, "-w", "\n%{http_code}"]
    for k, v in (headers or {}).items():
        cmd += ["-H", "%s:%s" % (k, v)]
    if chunked:
        cmd += ["-H", "Transfer-Encoding: chunked"]
    cmd += ["-T", path, "http://127.0.0.1:%d/api/%s/%s/_stream_load" % (srv.http_port, db, table)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    text = p.stdout.decode(errors="replace")
    body, _, status = text.rpartition("\n")
    try:
        return int(status), json.loads(body)
    except ValueError:
        return int(status or 0), {"raw": body}


def write(srv, name, text):
    path = os.path.join(srv.base, name)
    with open(path, "w" if isinstance(text, str) else "wb") as f:
        f.write(text)
    return path


def partitions(srv, table):
    """SHOW PARTITIONS as a list of dicts keyed by column name."""
    conn = srv.connect(db="db1")
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW PARTITIONS FROM %s" % table)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        conn.close()


def size_bytes(text):
    """'16.635 MB' / '380B' / '1.2 KB' as SHOW PARTITIONS and SHOW DATA print sizes, in bytes."""
    text = str(text).strip()
    for unit, mult in (("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)):
        if text.endswith(unit):
            return float(text[: -len(unit)].strip()) * mult
    return float(text)


def files_of_table(srv, db, table):
    """(rows, bytes on disk) of the visible rowsets of a table, from the metadata database and the files."""
    meta = sqlite3.connect("file:%s?mode=ro" % os.path.join(srv.data_dir, "meta", "cairn.db"), uri=True)
    try:
        tid = meta.execute("SELECT t.id FROM cat_table t JOIN cat_db d ON d.id = t.db_id WHERE d.name = ? AND "
                           "t.name = ?", (db, table)).fetchone()[0]
        rows = meta.execute("SELECT r.tablet_id, r.nrows, r.segments FROM cat_rowset r JOIN cat_tablet tb ON "
                            "tb.id = r.tablet_id JOIN cat_partition p ON p.id = tb.partition_id WHERE p.table_id = ? "
                            "AND r.state = 0", (tid,)).fetchall()
    finally:
        meta.close()
    nrows, nbytes = 0, 0
    for tablet, n, segs in rows:
        nrows += n
        for seg in json.loads(segs):
            name = seg["name"] if isinstance(seg, dict) else seg[0]
            path = os.path.join(srv.data_dir, "storage", "data", str(tablet % 1024), str(tablet), name)
            nbytes += os.path.getsize(path)
    return nrows, nbytes


def mem_kb(pid, field):
    """VmRSS (now) or VmHWM (peak) of a process, in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def segments_of_table(srv, db, table):
    meta = sqlite3.connect("file:%s?mode=ro" % os.path.join(srv.data_dir, "meta", "cairn.db"), uri=True)
    try:
        rows = meta.execute("SELECT r.segments FROM cat_rowset r JOIN cat_tablet tb ON tb.id = r.tablet_id JOIN "
                            "cat_partition p ON p.id = tb.partition_id JOIN cat_table t ON t.id = p.table_id JOIN "
                            "cat_db d ON d.id = t.db_id WHERE d.name = ? AND t.name = ?", (db, table)).fetchall()
    finally:
        meta.close()
    return sum(len(json.loads(r[0])) for r in rows)


with Cairnd(name="load-stream", conf={"load_mem_limit": 16 << 20}) as srv:
    srv.query("CREATE DATABASE db1")
    srv.query("CREATE TABLE db1.t1 (k1 INT NOT NULL, k2 VARCHAR(20), v DECIMAL(10,2)) DUPLICATE KEY(k1) "
              "DISTRIBUTED BY HASH(k1) BUCKETS 4")

    # ---- CSV, the documented command line
    data = write(srv, "data.csv", "1,a,1.5\n2,b,2.25\n3,c,\\N\n")
    st, r = curl(srv, "db1", "t1", data, {"label": "l1", "column_separator": ","})
    tap.eq((st, r.get("Status"), r.get("Label"), r.get("NumberLoadedRows"), r.get("Message")),
           (200, "Success", "l1", 3, "OK"), "csv load succeeds with StarRocks' reply")
    tap.ok(all(k in r for k in ("TxnId", "NumberTotalRows", "NumberFilteredRows", "NumberUnselectedRows",
                                "LoadBytes", "LoadTimeMs", "BeginTxnTimeMs", "StreamLoadPlanTimeMs",
                                "ReadDataTimeMs", "WriteDataTimeMs", "CommitAndPublishTimeMs")),
           "reply has every StarRocks field", r)
    tap.eq(r.get("LoadBytes"), os.path.getsize(data), "LoadBytes is the body size")
    tap.eq(srv.query("SELECT k1, k2, v FROM db1.t1 ORDER BY k1"),
           [(1, "a", __import__("decimal").Decimal("1.50")), (2, "b", __import__("decimal").Decimal("2.25")),
            (3, "c", None)], "rows are queryable")
    p = partitions(srv, "t1")
    tap.eq((int(p[0]["VisibleVersion"]), int(p[0]["RowCount"])), (2, 3), "SHOW PARTITIONS: version bumped, 3 rows")
    tap.ok(p[0]["DataSize"] not in ("0B", "0.000 B", 0), "SHOW PARTITIONS: DataSize counts the files", p[0])

    # ---- the same label again
    st, r = curl(srv, "db1", "t1", data, {"label": "l1", "column_separator": ","})
    tap.eq((r.get("Status"), r.get("ExistingJobStatus")), ("Label Already Exists", "FINISHED"),
           "a used label is refused")
    tap.eq(srv.query("SELECT count(*) FROM db1.t1"), [(3,)], "nothing loaded by the refused load")

    # ---- bad rows: refused at the default ratio, the error log lists them
    bad = write(srv, "bad.csv", "4,d,4\n5,e\nx,f,6\n7,g,7\n")
    st, r = curl(srv, "db1", "t1", bad, {"column_separator": ","})
    tap.eq((r.get("Status"), r.get("NumberTotalRows"), r.get("NumberFilteredRows"), r.get("NumberLoadedRows")),
           ("Fail", 4, 2, 0), "too many filtered rows fails the load")
    url = r.get("ErrorURL", "")
    tap.ok(url.startswith("http://127.0.0.1:%d/api/_load_error_log?file=" % srv.http_port), "ErrorURL given", r)
    log = subprocess.run(["curl", "-s", url], stdout=subprocess.PIPE, timeout=30).stdout.decode()
    tap.ok("Value count does not match column count. Expect 3, but got 2. Row 2: 5,e" in log, "error log: row 2", log)
    tap.ok("column 'k1' (INT): Incorrect INT value: 'x'" in log and "Row 3: x,f,6" in log, "error log: row 3", log)
    st, r = curl(srv, "db1", "t1", bad, {"column_separator": ",", "max_filter_ratio": "0.5", "label": "l2"})
    tap.eq((r.get("Status"), r.get("NumberLoadedRows"), r.get("NumberFilteredRows")), ("Success", 2, 2),
           "max_filter_ratio tolerates them")
    p = partitions(srv, "t1")
    tap.eq((int(p[0]["VisibleVersion"]), int(p[0]["RowCount"])), (3, 5), "SHOW PARTITIONS after the second load")
    status, body, _ = srv.http("/api/_load_error_log?file=../../etc/passwd")
    tap.eq(status, 400, "error log names cannot leave the log directory")

    # ---- authentication and privileges
    st, r = curl(srv, "db1", "t1", data, {"column_separator": ","}, user="root:wrong")
    tap.eq((st, r.get("Status")), (401, "Fail"), "wrong password is 401")
    tap.ok("Access denied for user 'root'" in r.get("Message", ""), "the message says access denied", r)
    tap.ok("wrong" not in json.dumps(r), "the password is not echoed")
    srv.query("CREATE USER loader IDENTIFIED BY 'pw'")
    srv.query("GRANT SELECT ON db1.* TO loader")
    st, r = curl(srv, "db1", "t1", data, {"column_separator": ","}, user="loader:pw")
    tap.eq(r.get("Status"), "Fail", "no INSERT privilege: refused")
    tap.ok("INSERT command denied to user 'loader'" in r.get("Message", ""), "message names the privilege", r)
    srv.query("GRANT INSERT ON db1.t1 TO loader")
    st, r = curl(srv, "db1", "t1", data, {"column_separator": ",", "label": "by_loader"}, user="loader:pw")
    tap.eq(r.get("Status"), "Success", "with INSERT granted: loaded")
    st, r = curl(srv, "db1", "nope", data, {"column_separator": ","})
    tap.ok(r.get("Status") == "Fail" and "nope" in r.get("Message", ""), "unknown table", r)

    # ---- JSON
    srv.query("CREATE TABLE db1.j (id INT NOT NULL, name VARCHAR(20), score DOUBLE) DUPLICATE KEY(id) "
              "DISTRIBUTED BY HASH(id) BUCKETS 2")
    js = write(srv, "rows.json", json.dumps([{"id": 1, "name": "x", "score": 1.5},
                                             {"id": 2, "name": "y"}, {"id": 3, "score": 3}]))
    st, r = curl(srv, "db1", "j", js, {"format": "json", "strip_outer_array": "true"})
    tap.eq((r.get("Status"), r.get("NumberLoadedRows")), ("Success", 3), "json array load")
    nested = write(srv, "nested.json", '{"data": [{"a": {"id": 10, "n": "ten"}}, {"a": {"id": 11}}]}')
    st, r = curl(srv, "db1", "j", nested, {"format": "json", "json_root": "$.data", "strip_outer_array": "true",
                                           "jsonpaths": '["$.a.id", "$.a.n"]', "columns": "id, name"})
    tap.ok((r.get("Status"), r.get("NumberLoadedRows")) == ("Success", 2), "json_root + jsonpaths + columns", r)
    tap.eq(srv.query("SELECT id, name, score FROM db1.j ORDER BY id"),
           [(1, "x", 1.5), (2, "y", None), (3, None, 3.0), (10, "ten", None), (11, None, None)], "json rows")

    # ---- columns mapping with an expression and a where filter, chunked upload
    srv.query("CREATE TABLE db1.m (k INT, doubled INT, tag VARCHAR(8)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k)")
    mp = write(srv, "m.csv", "".join("%d\tx\n" % i for i in range(1, 11)))
    st, r = curl(srv, "db1", "m", mp, {"columns": "k, tmp, doubled = k * 2, tag = concat(tmp, '!')",
                                       "where": "k % 2 = 0"}, chunked=True)
    tap.ok((r.get("Status"), r.get("NumberLoadedRows"), r.get("NumberUnselectedRows")) == ("Success", 5, 5),
           "columns expressions and where", r)
    tap.eq(srv.query("SELECT k, doubled, tag FROM db1.m ORDER BY k LIMIT 2"), [(2, 4, "x!"), (4, 8, "x!")],
           "mapped values")

    # ---- expression partitions are created by the load
    srv.query("CREATE TABLE db1.e (dt DATE, k INT) DUPLICATE KEY(dt) PARTITION BY date_trunc('month', dt) "
              "DISTRIBUTED BY HASH(k) BUCKETS 2")
    ep = write(srv, "e.csv", "2024-01-05,1\n2024-02-05,2\n2024-02-06,3\n2024-03-01,4\n")
    st, r = curl(srv, "db1", "e", ep, {"column_separator": ","})
    tap.ok((r.get("Status"), r.get("NumberLoadedRows")) == ("Success", 4), "load into expression partitions", r)
    p = partitions(srv, "e")
    tap.eq(sorted((int(x["RowCount"]), int(x["VisibleVersion"])) for x in p), [(1, 2), (1, 2), (2, 2)],
           "three partitions created, each with its rows")

    # ---- a large body: 1.5 million rows, streamed; the server's memory stays bounded
    srv.query("CREATE TABLE db1.big (k BIGINT, s VARCHAR(64), d DATE, x DOUBLE) DUPLICATE KEY(k) "
              "DISTRIBUTED BY HASH(k) BUCKETS 4")
    big = os.path.join(srv.base, "big.csv")
    with open(big, "w") as f:
        for i in range(1500000):
            f.write("%d,row-%d-%s,2024-%02d-%02d,%d.5\n" % (i, i, "x" * (i % 20), 1 + i % 12, 1 + i % 28, i))
    size = os.path.getsize(big)
    before = mem_kb(srv.pid, "VmRSS")
    st, r = curl(srv, "db1", "big", big, {"column_separator": ",", "label": "big1"})
    peak = mem_kb(srv.pid, "VmHWM")
    tap.eq((r.get("Status"), r.get("NumberLoadedRows"), r.get("LoadBytes")), ("Success", 1500000, size),
           "large load succeeds (%d bytes in %s ms)" % (size, r.get("LoadTimeMs")))
    tap.eq(srv.query("SELECT count(*), sum(k), count(distinct d) FROM db1.big"), [(1500000, 1124999250000, 84)],
           "large load: every row is there")
    if "asan" in os.environ.get("CAIRN_BUILD", ""):
        # AddressSanitizer keeps freed memory in quarantine (256 MB by default): RSS says nothing about the bound
        # here; the plain build (make test) checks it.
        print("ok %d - memory bound not measured under AddressSanitizer # SKIP" % (tap.n + 1), flush=True)
        tap.n += 1
    else:
        tap.ok(peak - before < 64 * 1024, "server memory peaked %d KiB above its size before the load, for a %d KiB "
               "body" % (peak - before, size // 1024))
    nseg = segments_of_table(srv, "db1", "big")
    tap.ok(nseg >= 12, "the body was written as it arrived: %d segments in 4 tablets" % nseg)
    on_disk = partitions(srv, "big")[0]["DataSize"]
    tap.ok(isinstance(on_disk, str) and on_disk.endswith("B"), "SHOW PARTITIONS DataSize for the big table: %s"
           % on_disk)
    rows = srv.query("SHOW DATA FROM db1.big")
    tap.ok(any(r_[0] == "big" and int(r_[4]) == 1500000 for r_ in rows), "SHOW DATA counts the rows", rows)
    disk_rows, disk_bytes = files_of_table(srv, "db1", "big")
    shown = size_bytes(on_disk)
    tap.ok(disk_rows == 1500000 and abs(shown - disk_bytes) <= disk_bytes * 0.001 + 1024,
           "SHOW PARTITIONS DataSize %s matches the %d bytes of the table's segment files" % (on_disk, disk_bytes))

    # ---- INSERT OVERWRITE and temporary partitions, as SHOW PARTITIONS reports them
    srv.query("CREATE TABLE db1.r (dt DATE, k INT) DUPLICATE KEY(dt) PARTITION BY RANGE(dt) (PARTITION p1 VALUES "
              "LESS THAN ('2024-02-01'), PARTITION p2 VALUES LESS THAN ('2024-03-01')) DISTRIBUTED BY HASH(k) BUCKETS 2")
    srv.query("INSERT INTO db1.r VALUES ('2024-01-01', 1), ('2024-01-02', 2), ('2024-02-01', 3)")
    srv.query("INSERT OVERWRITE db1.r PARTITION (p1) VALUES ('2024-01-03', 4)")
    p = {x["PartitionName"]: x for x in partitions(srv, "r")}
    tap.eq((int(p["p1"]["VisibleVersion"]), int(p["p1"]["RowCount"]), int(p["p2"]["VisibleVersion"]),
            int(p["p2"]["RowCount"])), (3, 1, 2, 1), "SHOW PARTITIONS after INSERT and INSERT OVERWRITE")
    srv.query("ALTER TABLE db1.r ADD TEMPORARY PARTITION tp1 VALUES LESS THAN ('2024-02-01')")
    srv.query("INSERT INTO db1.r TEMPORARY PARTITION (tp1) VALUES ('2024-01-07', 7), ('2024-01-08', 8)")
    conn = srv.connect(db="db1")
    with conn.cursor() as cur:
        cur.execute("SHOW TEMPORARY PARTITIONS FROM r")
        names = [d[0] for d in cur.description]
        tp = [dict(zip(names, row)) for row in cur.fetchall()]
    conn.close()
    tap.eq([(x["PartitionName"], int(x["VisibleVersion"]), int(x["RowCount"])) for x in tp], [("tp1", 2, 2)],
           "a load into a temporary partition")
    tap.eq(srv.query("SELECT k FROM db1.r ORDER BY k"), [(3,), (4,)], "temporary partition rows stay out of queries")

    # ---- concurrent loads into one table: each commits on its own, all rows arrive, one version per load
    srv.query("CREATE TABLE db1.c (k INT, src INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 3")
    files = [write(srv, "c%d.csv" % i, "".join("%d,%d\n" % (i * 100000 + n, i) for n in range(20000)))
             for i in range(6)]
    results = [None] * 6

    def one(i):
        results[i] = curl(srv, "db1", "c", files[i], {"column_separator": ",", "label": "conc_%d" % i})[1]

    threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    tap.ok(all(r_ and r_.get("Status") == "Success" for r_ in results), "six concurrent loads succeed",
           [r_.get("Message") if r_ else None for r_ in results])
    tap.eq(srv.query("SELECT src, count(*) FROM db1.c GROUP BY src ORDER BY src"),
           [(i, 20000) for i in range(6)], "every concurrent load is there, whole")
    tap.eq(int(partitions(srv, "c")[0]["VisibleVersion"]), 7, "one version per load")

    # ---- restart: everything is still there
    srv.restart()
    tap.eq(srv.query("SELECT count(*) FROM db1.t1"), [(8,)], "t1 rows after restart")
    tap.eq(srv.query("SELECT count(*) FROM db1.big"), [(1500000,)], "big rows after restart")
    st, r = curl(srv, "db1", "t1", data, {"label": "l1", "column_separator": ","})
    tap.eq(r.get("Status"), "Label Already Exists", "labels persist across restarts")

tap.done()
