#!/usr/bin/python3
"""Stream Load over HTTP with the real curl command line, as users run it:

    curl --location-trusted -u root: -H "label:l1" -H "column_separator:," -T data.csv \
         http://127.0.0.1:8030/api/db1/t1/_stream_load

CSV and JSON bodies, bad rows with the ErrorURL served by /api/_load_error_log, duplicate labels, a wrong
password (401), a user without INSERT, chunked uploads, SHOW PARTITIONS / SHOW DATA after loads
(VisibleVersion, RowCount, DataSize), expression partitions created on demand, and a body large enough to
need many staged batches while the server's memory stays bounded.
"""

import json
import os
import subprocess
import sys

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


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


with Cairnd(name="load-stream") as srv:
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
    before = rss_kb(srv.pid)
    st, r = curl(srv, "db1", "big", big, {"column_separator": ",", "label": "big1"})
    after = rss_kb(srv.pid)
    tap.eq((r.get("Status"), r.get("NumberLoadedRows"), r.get("LoadBytes")), ("Success", 1500000, size),
           "large load succeeds (%d bytes in %s ms)" % (size, r.get("LoadTimeMs")))
    tap.eq(srv.query("SELECT count(*), sum(k), count(distinct d) FROM db1.big"), [(1500000, 1124999250000, 84)],
           "large load: every row is there")
    tap.ok(after - before < 3 * size // 1024, "server RSS grew %d KiB for a %d KiB body" % (after - before, size // 1024))
    on_disk = partitions(srv, "big")[0]["DataSize"]
    tap.ok(isinstance(on_disk, str) and on_disk.endswith("B"), "SHOW PARTITIONS DataSize for the big table: %s"
           % on_disk)
    rows = srv.query("SHOW DATA FROM db1.big")
    tap.ok(any(r_[0] == "big" and int(r_[4]) == 1500000 for r_ in rows), "SHOW DATA counts the rows", rows)

    # ---- restart: everything is still there
    srv.restart()
    tap.eq(srv.query("SELECT count(*) FROM db1.t1"), [(8,)], "t1 rows after restart")
    tap.eq(srv.query("SELECT count(*) FROM db1.big"), [(1500000,)], "big rows after restart")
    st, r = curl(srv, "db1", "t1", data, {"label": "l1", "column_separator": ","})
    tap.eq(r.get("Status"), "Label Already Exists", "labels persist across restarts")

tap.done()
