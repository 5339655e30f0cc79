#!/usr/bin/python3
"""The three clients users reach for, unmodified, against one cairnd: the Debian `mysql` CLI (batch and
interactive, with tab-completion's COM_FIELD_LIST), python3-pymysql, and node mysql2 from tests/node_modules.
Each runs SELECT 1, SHOW DATABASES, a USE, a query on a table, and an error whose errno it must report."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from cairn import ROOT, Cairnd, Tap, mysql_error  # noqa: E402

import pymysql  # noqa: E402

tap = Tap()


def setup(srv):
    srv.query("CREATE DATABASE compat")
    srv.query("CREATE TABLE compat.t (k INT, v VARCHAR(20), d DECIMAL(10, 2)) DUPLICATE KEY(k) "
              "DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES ('replication_num' = '1')")
    srv.query("INSERT INTO compat.t VALUES (1, 'one', 1.50), (2, NULL, -2.25)")


def cli_batch(srv):
    r = srv.mysql("SELECT 1; SHOW DATABASES LIKE 'compat'; USE compat; SELECT k, v, d FROM t ORDER BY k;")
    assert (r.rc, r.out) == (0, "1\ncompat\n1\tone\t1.50\n2\tNULL\t-2.25\n"), r
    r = srv.mysql("SELECT * FROM compat.no_such_table")
    assert r.rc == 1 and "ERROR 1146 (42S02) at line 1" in r.err, r
    r = srv.mysql("USE no_such_db")
    assert r.rc == 1 and "ERROR 1049 (42000) at line 1: Unknown database 'no_such_db'" in r.err, r


def cli_interactive(srv):
    # `script` gives the CLI a terminal: it then asks for @@version_comment and, with --auto-rehash and a
    # database, lists every table's columns with COM_FIELD_LIST.
    cmd = "mysql -h127.0.0.1 -P%d -uroot --auto-rehash compat" % srv.port
    p = subprocess.run(["script", "-qec", cmd, "/dev/null"], input=b"SELECT k FROM t ORDER BY k;\nUSE nope;\nquit\n",
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode(errors="replace")
    assert p.returncode == 0, out
    assert "Server version: 8.0.33-cairn cairn 0.1.0 (StarRocks-compatible)" in out, out
    assert "|    2 |" in out and "2 rows in set" in out, out
    assert "ERROR 1049 (42000): Unknown database 'nope'" in out, out
    assert "Bye" in out, out


def py(srv):
    conn = srv.connect()
    cur = conn.cursor()
    cur.execute("SELECT 1")
    assert cur.fetchall() == ((1,),)
    cur.execute("SHOW DATABASES")
    assert ("compat",) in cur.fetchall()
    conn.select_db("compat")
    cur.execute("SELECT DATABASE()")
    assert cur.fetchall() == (("compat",),)
    cur.execute("SELECT k, v, d FROM t ORDER BY k")
    import decimal
    assert cur.fetchall() == ((1, "one", decimal.Decimal("1.50")), (2, None, decimal.Decimal("-2.25")))
    try:
        cur.execute("SELECT * FROM no_such_table")
        raise AssertionError("no error")
    except pymysql.err.ProgrammingError as e:
        assert mysql_error(e)[0] == 1146, e
    conn.close()


NODE = r"""
const mysql = require('mysql2');
const c = mysql.createConnection({host: '127.0.0.1', port: %d, user: 'root', password: ''});
const out = {};
c.query('SELECT 1 AS one', (e, r) => {
  if (e) { console.log(JSON.stringify({error: e.message})); process.exit(1); }
  out.select = r;
  c.query('SHOW DATABASES', (e2, r2) => {
    out.dbs = r2 ? r2.map(x => Object.values(x)[0]) : e2.message;
    c.query('USE compat', (e3) => {
      out.use = e3 ? e3.message : 'ok';
      c.query('SELECT k, v, d FROM t ORDER BY k', (e4, r4) => {
        out.rows = r4 || e4.message;
        c.query('SELECT * FROM no_such_table', (e5) => {
          out.err = e5 ? [e5.errno, e5.sqlState] : null;
          console.log(JSON.stringify(out));
          c.end();
        });
      });
    });
  });
});
"""


def node(srv):
    env = dict(os.environ, NODE_PATH=os.path.join(ROOT, "tests", "node_modules"))
    p = subprocess.run(["node", "-e", NODE % srv.port], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=60, env=env)
    out = p.stdout.decode()
    assert p.returncode == 0, out
    got = json.loads(out)
    assert got["select"] == [{"one": 1}], got
    assert "compat" in got["dbs"], got
    assert got["use"] == "ok", got
    assert got["rows"] == [{"k": 1, "v": "one", "d": "1.50"}, {"k": 2, "v": None, "d": "-2.25"}], got
    assert got["err"] == [1146, "42S02"], got


def main():
    with Cairnd("compat") as srv:
        if tap.run("setup: a database and a table", setup, srv):
            tap.run("mysql CLI, batch", cli_batch, srv)
            tap.run("mysql CLI, interactive (version_comment, COM_FIELD_LIST)", cli_interactive, srv)
            tap.run("pymysql", py, srv)
            tap.run("node mysql2", node, srv)
    tap.done()


main()
