#!/usr/bin/python3
"""Differential test of the query engine: the same generated data set is loaded into cairn and into SQLite
(python's sqlite3), then a few hundred generated queries run on both and their results are compared row for
row (sorted first when the query has no ORDER BY). Numbers compare with a small relative tolerance because
SQLite keeps DECIMAL as double; dates compare as ISO text.

The seed is fixed (SEED below, or QUERY_DIFF_SEED in the environment) so any failure reproduces; a failing
query is printed in both dialects with the first differing rows.
"""

import datetime
import decimal
import os
import sqlite3
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)

from cairn import Cairnd, Tap  # noqa: E402
import query_gen  # noqa: E402

SEED = int(os.environ.get("QUERY_DIFF_SEED", "20261125"))
NFACT = int(os.environ.get("QUERY_DIFF_ROWS", "200000"))
NDIM = 400
NQUERIES = int(os.environ.get("QUERY_DIFF_QUERIES", "220"))
INSERT_CHUNK = 4000


def norm(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    if isinstance(v, bytes):
        return v.decode()
    return v


def sort_key(row):
    out = []
    for v in row:
        if v is None:
            out.append((0, 0, ""))
        elif isinstance(v, (int, float)):
            out.append((1, round(float(v), 6), ""))
        else:
            out.append((2, 0, str(v)))
    return out


def same_value(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) <= 1e-6 + 1e-9 * max(abs(float(a)), abs(float(b)))
    return str(a) == str(b)


def compare(got, want, ordered):
    got = [tuple(norm(v) for v in r) for r in got]
    want = [tuple(norm(v) for v in r) for r in want]
    if not ordered:
        got.sort(key=sort_key)
        want.sort(key=sort_key)
    if len(got) != len(want):
        return "row count %d, expected %d" % (len(got), len(want))
    for i, (g, w) in enumerate(zip(got, want)):
        if len(g) != len(w) or not all(same_value(x, y) for x, y in zip(g, w)):
            return "row %d: got %r, expected %r" % (i, g, w)
    return None


def load_sqlite(fact, dim):
    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA case_sensitive_like = ON")  # LIKE is case-sensitive in cairn, as in StarRocks
    for ddl in query_gen.SQLITE_DDL:
        db.execute(ddl)
    db.executemany("INSERT INTO fact VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [(i, k, r, d.isoformat() if d else None, float(a) if a is not None else None, q, w)
                    for (i, k, r, d, a, q, w) in fact])
    db.executemany("INSERT INTO dim VALUES (?, ?, ?, ?)", dim)
    db.execute("CREATE INDEX dim_k1 ON dim(k1)")
    db.commit()
    return db


def load_cairn(cur, fact, dim):
    cur.execute("CREATE DATABASE qd")
    cur.execute("USE qd")
    for ddl in query_gen.CAIRN_DDL:
        cur.execute(ddl)
    for table, rows in (("dim", dim), ("fact", fact)):
        for start in range(0, len(rows), INSERT_CHUNK):
            chunk = rows[start:start + INSERT_CHUNK]
            values = ",".join("(" + ",".join(query_gen.sql_literal(v) for v in r) + ")" for r in chunk)
            cur.execute("INSERT INTO %s VALUES %s" % (table, values))


def main():
    tap = Tap()
    t0 = time.time()
    fact, dim = query_gen.make_rows(SEED, NFACT, NDIM)
    lite = load_sqlite(fact, dim)
    with Cairnd(name="querydiff") as srv:
        conn = srv.connect()
        cur = conn.cursor()
        load_cairn(cur, fact, dim)
        t_load = time.time() - t0
        cur.execute("SELECT COUNT(*), COUNT(k1), SUM(qty) FROM fact")
        want = lite.execute("SELECT COUNT(*), COUNT(k1), SUM(qty) FROM fact").fetchall()
        tap.ok(compare(cur.fetchall(), want, True) is None, "loaded %d fact rows (seed %d, %.1fs)" % (NFACT, SEED, t_load))
        # result column types reach the client as MySQL type codes (pymysql decodes by them)
        cur.execute("SELECT id, k1, region, d, amt, qty, COUNT(*) AS c, AVG(qty) AS a FROM fact WHERE id = 1 "
                    "GROUP BY id, k1, region, d, amt, qty")
        codes = [c[1] for c in cur.description]
        tap.ok(codes == [8, 3, 253, 10, 246, 3, 8, 5], "result type codes %r" % codes)
        gen = query_gen.Generator(SEED, NDIM)
        queries = gen.generate(NQUERIES)
        failed = 0
        t_cairn = t_lite = 0.0
        timings = []
        for n, q in enumerate(queries):
            name = "query %d" % (n + 1)
            try:
                s = time.time()
                cur.execute(q.cairn)
                got = cur.fetchall()
                t_cairn += time.time() - s
                timings.append((time.time() - s, q.cairn))
            except Exception as e:  # a server error is a failure of this query, not of the whole test
                tap.ok(False, "%s failed on cairn" % name, "%s\ncairn:  %s\nsqlite: %s" % (e, q.cairn, q.sqlite))
                failed += 1
                continue
            s = time.time()
            want = lite.execute(q.sqlite).fetchall()
            t_lite += time.time() - s
            diff = compare(got, want, q.ordered)
            if diff:
                failed += 1
                tap.ok(False, "%s differs" % name, "%s\ncairn:  %s\nsqlite: %s" % (diff, q.cairn, q.sqlite))
            else:
                tap.ok(True, "%s (%d rows)" % (name, len(got)))
        for secs, text in sorted(timings, reverse=True)[:5]:
            sys.stdout.write("# slow: %.3fs %s\n" % (secs, text))
        sys.stdout.write("# %d queries, %d failed; query time cairn %.2fs, sqlite %.2fs; total %.1fs\n"
                         % (len(queries), failed, t_cairn, t_lite, time.time() - t0))
    tap.done()


if __name__ == "__main__":
    main()
