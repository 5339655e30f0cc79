"""Helpers shared by the BACKUP/RESTORE integration tests: fixtures that create tables of every kind, load
rows, wait for asynchronous jobs, and compare table contents row by row (a checksum over an ordered SELECT)."""
import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from cairn import Cairnd, Tap, mysql_error, tmp_dir  # noqa: E402,F401

import pymysql  # noqa: E402


def execute(conn, sql):
    with conn.cursor() as cur:
        cur.execute(sql)
        return list(cur.fetchall())


def query_dicts(conn, sql):
    with conn.cursor(pymysql.cursors.DictCursor) as cur:
        cur.execute(sql)
        return list(cur.fetchall())


def error_of(conn, sql):
    """(errno, message) of a statement that must fail; (None, None) if it succeeded."""
    try:
        execute(conn, sql)
    except pymysql.MySQLError as e:
        return mysql_error(e)
    return None, None


def wait_job(conn, kind, db, states=("FINISHED", "CANCELLED"), timeout=120):
    """Polls SHOW BACKUP|RESTORE FROM db until State is one of states; returns the row as a dict."""
    deadline = time.time() + timeout
    row = None
    while time.time() < deadline:
        rows = query_dicts(conn, "SHOW %s FROM %s" % (kind, db))
        row = rows[0] if rows else None
        if row and row["State"] in states:
            return row
        time.sleep(0.1)
    raise AssertionError("%s job in %s did not reach %s in %ss; last row: %r" % (kind, db, states, timeout, row))


def snapshot_timestamp(conn, repo, label):
    rows = query_dicts(conn, "SHOW SNAPSHOT ON %s WHERE SNAPSHOT = '%s'" % (repo, label))
    assert rows and rows[0]["Status"] == "OK", "snapshot %s not OK: %r" % (label, rows)
    return rows[0]["Timestamp"].split("\n")[0]


def table_digest(conn, table, order_by=None):
    """(row count, sha256 of every row in order) of SELECT * FROM table ORDER BY every column."""
    cols = [r[0] for r in execute(conn, "DESC %s" % table)]
    order = order_by or ", ".join("`%s`" % c for c in cols)
    rows = execute(conn, "SELECT * FROM %s ORDER BY %s" % (table, order))
    h = hashlib.sha256()
    for r in rows:
        h.update(repr(tuple("NULL" if v is None else str(v) for v in r)).encode())
    return len(rows), h.hexdigest()


def create_fixture(conn, db, rows=200):
    """A database with one table of each key model, a range-partitioned table and a view, filled with rows."""
    execute(conn, "CREATE DATABASE IF NOT EXISTS %s" % db)
    execute(conn, "USE %s" % db)
    execute(conn, """CREATE TABLE dup (k INT, d DATE, s VARCHAR(40), v DECIMAL(12, 2), n BIGINT NULL)
                     DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 4""")
    execute(conn, """CREATE TABLE agg (k INT, c VARCHAR(10), total BIGINT SUM, hi INT MAX, lo INT MIN)
                     AGGREGATE KEY(k, c) DISTRIBUTED BY HASH(k) BUCKETS 2""")
    execute(conn, """CREATE TABLE uniq (k INT, v VARCHAR(20)) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2""")
    execute(conn, """CREATE TABLE pk (k BIGINT NOT NULL, v VARCHAR(20), w DOUBLE) PRIMARY KEY(k)
                     DISTRIBUTED BY HASH(k) BUCKETS 3""")
    execute(conn, """CREATE TABLE events (dt DATE, id INT, msg STRING) DUPLICATE KEY(dt, id)
                     PARTITION BY RANGE(dt) (
                       PARTITION p202401 VALUES [('2024-01-01'), ('2024-02-01')),
                       PARTITION p202402 VALUES [('2024-02-01'), ('2024-03-01')),
                       PARTITION p202403 VALUES [('2024-03-01'), ('2024-04-01')))
                     DISTRIBUTED BY HASH(id) BUCKETS 2""")
    load_rows(conn, 0, rows)
    execute(conn, "CREATE VIEW big_dup AS SELECT k, s FROM dup WHERE k > 10")


def load_rows(conn, start, n):
    """Inserts rows [start, start+n) into every fixture table (several INSERTs so tablets get rowsets)."""
    for lo in range(start, start + n, 100):
        hi = min(lo + 100, start + n)
        vals = ", ".join("(%d, '2024-0%d-%02d', 'name-%d', %d.%02d, %s)" % (
            i, 1 + i % 3, 1 + i % 28, i, i, i % 100, "NULL" if i % 7 == 0 else str(i * 1000)) for i in range(lo, hi))
        execute(conn, "INSERT INTO dup VALUES " + vals)
        vals = ", ".join("(%d, 'c%d', %d, %d, %d)" % (i % 50, i % 3, i, i, i) for i in range(lo, hi))
        execute(conn, "INSERT INTO agg VALUES " + vals)
        vals = ", ".join("(%d, 'u%d')" % (i % 80, i) for i in range(lo, hi))
        execute(conn, "INSERT INTO uniq VALUES " + vals)
        vals = ", ".join("(%d, 'p%d', %d.5)" % (i % 90, i, i) for i in range(lo, hi))
        execute(conn, "INSERT INTO pk VALUES " + vals)
        vals = ", ".join("('2024-0%d-%02d', %d, 'event %d')" % (1 + i % 3, 1 + i % 28, i, i) for i in range(lo, hi))
        execute(conn, "INSERT INTO events VALUES " + vals)


FIXTURE_TABLES = ("dup", "agg", "uniq", "pk", "events")


def digests(conn, tables=FIXTURE_TABLES):
    return {t: table_digest(conn, t) for t in tables}


def count_files(path):
    n = 0
    for _root, _dirs, files in os.walk(path):
        n += len(files)
    return n
