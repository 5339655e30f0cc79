#!/usr/bin/python3
"""SQL logic tests: run a .test file against a freshly started cairnd through pymysql.

Usage: /usr/bin/python3 tests/sql/runner.py tests/sql/file.test [more.test ...]
       (tests/run.sh sql runs every tests/sql/*.test this way; docs/testing.md describes the format)

A file is a list of records separated by blank lines. Lines starting with '#' outside a query's
expected rows are comments. Records:

    statement ok
    CREATE DATABASE d1                     <- the SQL may span several lines (but no blank line)

    statement error 1049
    USE nosuch                             <- must fail with this MySQL error number

    statement error 1049 Unknown database 'nosuch'
    USE nosuch                             <- ... and the message must contain this exact text

    query                                  <- or: query rowsort | query colnames | query rowsort colnames
    SELECT k, v FROM t ORDER BY k
    ----
    1	a                                  <- expected rows, columns separated by one TAB;
    2	NULL                                  NULL is SQL NULL, (empty) an empty string
                                              colnames: the first line after ---- holds the column names
                                              rowsort: both sides are sorted before comparing

    wait query [rowsort] [colnames]        <- like query, but retried for up to 60 s until the rows match
    SHOW BACKUP                               (for asynchronous jobs)
    ----
    FINISHED

    connect <user> [<password>]            <- later records run as this user (connect root: back to root)
    restart                                <- SIGTERM the server and start it again on the same data dir
    crash                                  <- kill -9 the server and start it again
    sleep <ms>
    config <key>=<value>                   <- before the first statement: start the server with --set key=value

${TMP} in SQL and in expected rows stands for an empty directory of this run (e.g. a local repository's location).
An expected cell that is exactly * matches any value (a timestamp, an id).

Output: one "ok N - <file>:<line>" or "not ok N - <file>:<line> <why>" per record; exit status 1 on any
failure. Values are compared as the server's text (no client-side conversion): 1.50 stays 1.50.
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from cairn import Cairnd, mysql_error  # noqa: E402

import pymysql  # noqa: E402

WAIT_SECONDS = 60


class Record:
    def __init__(self, line, kind, args, sql="", expected=None):
        self.line, self.kind, self.args, self.sql, self.expected = line, kind, args, sql, expected


def parse(path):
    """Splits a .test file into Records."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    records = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        if not raw.strip() or raw.lstrip().startswith("#"):
            i += 1
            continue
        start = i + 1
        words = raw.split()
        head = words[0]
        if head in ("statement", "query") or (head == "wait" and len(words) > 1 and words[1] == "query"):
            kind = "wait" if head == "wait" else head
            args = words[2:] if head == "wait" else words[1:]
            i += 1
            sql, expected, in_rows = [], None, False
            while i < len(lines) and lines[i].strip() != "":
                if kind != "statement" and lines[i].strip() == "----" and not in_rows:
                    in_rows, expected = True, []
                elif in_rows:
                    expected.append(lines[i])
                elif not lines[i].lstrip().startswith("#"):
                    sql.append(lines[i])
                i += 1
            if kind != "statement" and expected is None:
                expected = []
            records.append(Record(start, kind, args, "\n".join(sql), expected))
        elif head in ("connect", "restart", "crash", "sleep", "config"):
            records.append(Record(start, head, words[1:]))
            i += 1
        else:
            records.append(Record(start, "bad", words, raw))
            i += 1
    return records


def cell_text(v):
    if v is None:
        return "NULL"
    if isinstance(v, (bytes, bytearray)):
        v = v.decode("utf-8", errors="replace")
    v = str(v)
    return "(empty)" if v == "" else v


def row_matches(got, want):
    """An expected cell "*" matches any value (timestamps, ids); every other cell must be equal."""
    if got == want:
        return True
    g, w = got.split("\t"), want.split("\t")
    return len(g) == len(w) and all(wc == "*" or gc == wc for gc, wc in zip(g, w))


class Runner:
    def __init__(self, path):
        self.path = path
        self.name = os.path.relpath(path)
        self.n = 0
        self.failed = 0
        self.server = None
        self.user, self.password = "root", ""
        self.conns = {}

    # ------------------------------------------------------------------ output

    def report(self, rec, ok, why=""):
        self.n += 1
        where = "%s:%d" % (self.name, rec.line)
        if ok:
            print("ok %d - %s" % (self.n, where), flush=True)
        else:
            self.failed += 1
            first, _, rest = why.partition("\n")
            print("not ok %d - %s %s" % (self.n, where, first), flush=True)
            for line in rest.splitlines()[:60]:
                print("#   " + line, flush=True)

    # ------------------------------------------------------------------ connections

    def conn(self):
        key = (self.user, self.password)
        c = self.conns.get(key)
        if c is None:
            # conv={}: values arrive as the server's text, so expected rows compare exactly
            c = pymysql.connect(host="127.0.0.1", port=self.server.port, user=self.user, password=self.password,
                                autocommit=True, conv={}, read_timeout=600, connect_timeout=10)
            self.conns[key] = c
        return c

    def drop_conns(self):
        for c in self.conns.values():
            try:
                c.close()
            except Exception:
                pass
        self.conns = {}

    def execute(self, sql):
        """Runs sql; returns (columns, rows as lists of text) or raises pymysql errors."""
        try:
            cur = self.conn().cursor()
        except pymysql.err.OperationalError:
            self.drop_conns()
            raise
        try:
            cur.execute(sql.replace("${TMP}", self.tmp))
            cols = [d[0] for d in cur.description] if cur.description else []
            rows = [[cell_text(v) for v in r] for r in cur.fetchall()]
            return cols, rows
        except (pymysql.err.OperationalError, pymysql.err.InterfaceError) as e:
            # a lost connection must not poison the next records
            if mysql_error(e)[0] in (2006, 2013, 0, None):
                self.drop_conns()
            raise
        finally:
            cur.close()

    # ------------------------------------------------------------------ records

    def run_statement(self, rec):
        want_error = rec.args and rec.args[0] == "error"
        try:
            self.execute(rec.sql)
        except pymysql.err.MySQLError as e:
            errno, msg = mysql_error(e)
            if not want_error:
                return self.report(rec, False, "statement failed: %s %s" % (errno, msg))
            if len(rec.args) > 1 and str(errno) != rec.args[1]:
                return self.report(rec, False, "expected error %s, got %s %s" % (rec.args[1], errno, msg))
            text = " ".join(rec.args[2:])
            if text and text not in str(msg):
                return self.report(rec, False, "error %s message %r does not contain %r" % (errno, msg, text))
            return self.report(rec, True)
        if want_error:
            return self.report(rec, False, "expected error %s, the statement succeeded" % " ".join(rec.args[1:]))
        self.report(rec, True)

    def compare(self, rec, cols, rows):
        want = [w.replace("${TMP}", self.tmp) for w in rec.expected]
        got = ["\t".join(r) for r in rows]
        if "colnames" in rec.args:
            got.insert(0, "\t".join(cols))
        if "rowsort" in rec.args:
            head = 1 if "colnames" in rec.args else 0
            got = got[:head] + sorted(got[head:])
            want = want[:head] + sorted(want[head:])
        return len(got) == len(want) and all(map(row_matches, got, want)), got, want

    def run_query(self, rec):
        try:
            cols, rows = self.execute(rec.sql)
        except pymysql.err.MySQLError as e:
            return self.report(rec, False, "query failed: %s %s" % mysql_error(e))
        ok, got, want = self.compare(rec, cols, rows)
        if ok:
            return self.report(rec, True)
        self.report(rec, False, "result differs\n--- expected\n%s\n--- got\n%s" % ("\n".join(want), "\n".join(got)))

    def run_wait(self, rec):
        deadline = time.time() + WAIT_SECONDS
        last = "no attempt"
        while True:
            try:
                cols, rows = self.execute(rec.sql)
                ok, got, want = self.compare(rec, cols, rows)
                if ok:
                    return self.report(rec, True)
                last = "last result\n--- expected\n%s\n--- got\n%s" % ("\n".join(want), "\n".join(got))
            except pymysql.err.MySQLError as e:
                last = "last error: %s %s" % mysql_error(e)
            if time.time() >= deadline:
                return self.report(rec, False, "no match within %d s; %s" % (WAIT_SECONDS, last))
            time.sleep(0.2)

    def run(self):
        records = parse(self.path)
        conf = {}
        for rec in records:
            if rec.kind == "config":
                key, _, value = " ".join(rec.args).partition("=")
                conf[key.strip()] = value.strip()
        self.server = Cairnd(name="sql-" + os.path.splitext(os.path.basename(self.path))[0], conf=conf)
        self.tmp = os.path.join(self.server.base, "tmp")
        os.makedirs(self.tmp, exist_ok=True)
        try:
            self.server.start()
        except Exception as e:
            print("not ok 1 - %s: cairnd did not start: %s" % (self.name, str(e).splitlines()[0]), flush=True)
            for line in str(e).splitlines()[1:40]:
                print("#   " + line)
            return 1
        try:
            for rec in records:
                if rec.kind == "statement":
                    self.run_statement(rec)
                elif rec.kind == "query":
                    self.run_query(rec)
                elif rec.kind == "wait":
                    self.run_wait(rec)
                elif rec.kind == "connect":
                    if not rec.args:
                        self.report(rec, False, "connect needs a user name")
                        continue
                    self.user = rec.args[0]
                    self.password = rec.args[1] if len(rec.args) > 1 else ""
                    try:
                        self.conns.pop((self.user, self.password), None)
                        self.conn()
                        self.report(rec, True)
                    except pymysql.err.MySQLError as e:
                        self.report(rec, False, "connect as %s failed: %s %s" % ((self.user,) + mysql_error(e)))
                elif rec.kind in ("restart", "crash"):
                    self.drop_conns()
                    try:
                        if rec.kind == "restart":
                            self.server.stop()
                        else:
                            self.server.kill9()
                        self.server.start()
                        self.report(rec, True)
                    except Exception as e:
                        self.report(rec, False, "%s failed: %s" % (rec.kind, e))
                        break
                elif rec.kind == "sleep":
                    time.sleep(int(rec.args[0]) / 1000.0 if rec.args else 0)
                    self.report(rec, True)
                elif rec.kind == "config":
                    self.report(rec, True)
                else:
                    self.report(rec, False, "unknown record %r" % rec.sql)
        finally:
            self.drop_conns()
            self.server.stop()
        if self.failed:
            print("# server log: %s" % os.path.join(self.server.data_dir, "log", "cairnd.log"), flush=True)
        return 1 if self.failed else 0


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    rc = 0
    for path in argv[1:]:
        rc |= Runner(path).run()
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
