#!/usr/bin/python3
"""The README's two-minute tour and docs/backup-restore.md's first backup and restore, run as a user would:
every statement of the examples, in order, through the real mysql CLI. The only changes: the repository
location points at a fresh directory, the snapshot timestamp is the one SHOW SNAPSHOT printed, and before
SHOW SNAPSHOT / SHOW RESTORE the test waits for the asynchronous job, as a user watching SHOW BACKUP would.
The outputs the README quotes are checked."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from cairn import Cairnd, Tap, tmp_dir  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
tap = Tap()


def statements(path, first_blocks):
    text = open(os.path.join(ROOT, path)).read()
    sql = "\n".join(re.findall(r"```sql\n(.*?)```", text, re.S)[:first_blocks])
    out, cur = [], []
    for line in sql.splitlines():
        code = line.split("--", 1)[0].rstrip()
        if not code:
            continue
        cur.append(code)
        if code.endswith(";") or code.endswith("\\G"):
            out.append("\n".join(cur))
            cur = []
    return out


def wait_job(srv, kind, db):
    """The job's State column (SHOW BACKUP: 4th, SHOW RESTORE: 5th) once it is final."""
    state = None
    for _ in range(300):
        out = srv.mysql("SHOW %s FROM %s" % (kind, db)).out.split("\t")
        state = out[3 if kind == "BACKUP" else 4] if len(out) > 5 else None
        if state in ("FINISHED", "CANCELLED"):
            break
        time.sleep(0.1)
    return state


def tour(srv, path, blocks, location):
    repo = tmp_dir("tour-repo")
    ts = None
    outs = []
    stmts = statements(path, blocks)
    tap.ok(len(stmts) >= 10, "%s: the example has its statements" % path, stmts)
    db = None
    for sql in stmts:
        sql = sql.replace(location, "file://" + repo)
        if ts:
            sql = re.sub(r'"backup_timestamp" = "[^"]*"', '"backup_timestamp" = "%s"' % ts, sql)
        if re.match(r"USE (\w+)", sql):
            db = re.match(r"USE (\w+)", sql).group(1)
        for kind in ("BACKUP", "RESTORE"):
            if re.match(r"SHOW (SNAPSHOT|%s)" % kind, sql) and (kind == "RESTORE") == ("RESTORE" in sql):
                tap.eq(wait_job(srv, kind, db), "FINISHED", "%s: the %s job FINISHED" % (path, kind))
        r = srv.mysql(sql, db=db, args=["--table", "--column-names"])
        tap.eq((r.rc, r.err.strip()), (0, ""), "%s: %s" % (path, " ".join(sql.split())[:70]))
        m = re.search(r"\|\s*first\s*\|\s*([0-9-]+)\s*\|\s*OK\s*\|", r.out)
        if m:
            ts = m.group(1)
        outs.append(r.out)
    return outs


with Cairnd("tour") as srv:
    outs = tour(srv, "README.md", 4, "file:///tmp/cairn-backups")
    text = "\n".join(outs)
    tap.ok("| 2024-01-01 |        1 |        9.99 |" in text and "| 2024-01-02 |        2 |       24.50 |" in text,
           "README: the query prints what the README shows", text[:600])
    tap.ok(re.search(r"\|\s+3\s+\|", outs[-4] if len(outs) >= 4 else ""),
           "README: the restored table has its 3 rows", outs[-4:] if outs else None)
    tap.ok("8.0.33-cairn" in text and "cairn 0.1.0 (StarRocks-compatible)" in text,
           "README: SHOW VARIABLES shows the versions it quotes")

with Cairnd("tour-doc") as srv:
    outs = tour(srv, "docs/backup-restore.md", 1, "file:///var/backups/cairn")
    tap.ok("9.99" in outs[-1] and "19.50" in outs[-1], "docs/backup-restore.md: the restored rows are back", outs[-1])

tap.done()
