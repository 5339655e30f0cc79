#!/usr/bin/python3
"""Crash safety of loads: Stream Loads and INSERTs run back to back while the server is killed with
SIGKILL at random moments (25 times). After every restart:
  - every load that was acknowledged is there, whole (each load writes one batch id, many rows);
  - nothing else is there, except possibly the one load in flight at the kill, and then whole or not at all;
  - retrying the in-flight load with its label either loads it or reports "Label Already Exists", so in the
    end it is there exactly once;
  - no unfinished segment file (.tmp) is left in the storage tree, and every segment file on disk belongs to
    a rowset the metadata names (the start-up sweep removed what uncommitted loads wrote).
Compaction is off so that the file check sees only what loads and recovery did.
"""

import http.client
import base64
import os
import random
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from cairn import Cairnd, Tap, mysql_error  # noqa: E402

KILLS = 25
STREAM_ROWS = 3000
INSERT_ROWS = 40

tap = Tap()
rnd = random.Random(int(os.environ.get("CRASH_SEED", "0")) or None)


def stream_load(port, label, batch, timeout=30):
    body = "".join("%d,%d,%s\n" % (batch * 100000 + i, batch, "p" * (i % 17)) for i in range(STREAM_ROWS))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("PUT", "/api/crash/t/_stream_load", body=body.encode(),
                     headers={"label": label, "column_separator": ",",
                              "Authorization": "Basic " + base64.b64encode(b"root:").decode()})
        r = conn.getresponse()
        text = r.read().decode()
        return '"Status": "Success"' in text, text
    finally:
        conn.close()


def insert(srv, label, batch):
    vals = ", ".join("(%d, %d, 'i%d')" % (batch * 100000 + i, batch, i) for i in range(INSERT_ROWS))
    conn = srv.connect(db="crash", read_timeout=30)
    try:
        with conn.cursor() as cur:
            cur.execute("INSERT INTO t WITH LABEL %s VALUES %s" % (label, vals))
        return True, ""
    finally:
        conn.close()


def rows_of(batch):
    return STREAM_ROWS if batch % 2 == 0 else INSERT_ROWS


class Loader(threading.Thread):
    """Runs loads until the server dies; records acknowledged batches and the one in flight."""

    def __init__(self, srv, first_batch):
        super().__init__(daemon=True)
        self.srv, self.port = srv, srv.http_port
        self.batch = first_batch
        self.acked = []
        self.in_flight = None
        self.stop = False

    def run(self):
        while not self.stop:
            b = self.batch
            label = "b%d" % b
            self.in_flight = b
            try:
                ok, _ = stream_load(self.port, label, b) if b % 2 == 0 else insert(self.srv, label, b)
            except Exception:
                return  # the server died under us: b stays in flight
            if ok:
                self.acked.append(b)
                self.in_flight = None
                self.batch += 1
            else:
                return


def tmp_files(root):
    n = 0
    for d, _, files in os.walk(root):
        n += sum(1 for f in files if f.endswith(".tmp"))
    return n


def orphan_files(srv):
    """Segment files whose rowset id the metadata database does not name."""
    db = sqlite3.connect("file:%s?mode=ro" % os.path.join(srv.data_dir, "meta", "cairn.db"), uri=True)
    try:
        known = {r[0] for r in db.execute("SELECT id FROM cat_rowset")}
    finally:
        db.close()
    orphans = []
    for d, _, files in os.walk(os.path.join(srv.data_dir, "storage")):
        for f in files:
            if f.endswith(".dat") and int(f.split("_")[0]) not in known:
                orphans.append(os.path.join(d, f))
    return orphans


def check_state(srv, acked, maybe):
    rows = srv.query("SELECT batch, count(*), count(distinct k) FROM crash.t GROUP BY batch")
    got = {b: (c, d) for b, c, d in rows}
    missing = [b for b in acked if got.get(b) != (rows_of(b), rows_of(b))]
    extra = [b for b in got if b not in acked and b not in maybe]
    partial = [b for b in got if got[b] != (rows_of(b), rows_of(b))]
    return missing, extra, partial, got


with Cairnd(name="crash-load", conf={"compaction_enabled": "false"}) as srv:
    srv.query("CREATE DATABASE crash")
    srv.query("CREATE TABLE crash.t (k BIGINT NOT NULL, batch INT NOT NULL, pad VARCHAR(20)) DUPLICATE KEY(k) "
              "DISTRIBUTED BY HASH(k) BUCKETS 3")
    acked, next_batch = [], 0
    storage = os.path.join(srv.data_dir, "storage")
    t0 = time.time()
    for kill in range(1, KILLS + 1):
        loader = Loader(srv, next_batch)
        loader.start()
        time.sleep(rnd.uniform(0.05, 0.6))
        srv.kill9()
        loader.stop = True
        loader.join(40)
        acked += loader.acked
        flying = loader.in_flight
        srv.start()
        missing, extra, partial, got = check_state(srv, acked, [flying] if flying is not None else [])
        orphans = orphan_files(srv)
        ok = not missing and not extra and not partial and tmp_files(storage) == 0 and not orphans
        if flying is not None:
            # the client never heard back: retry with the same label; either it committed before the kill
            # (label exists) or it did not (loads now) -- exactly once either way
            label = "b%d" % flying
            try:
                if flying % 2 == 0:
                    _, text = stream_load(srv.http_port, label, flying)
                    retried = "Success" in text or "Label Already Exists" in text
                else:
                    try:
                        insert(srv, label, flying)
                        retried = True
                    except Exception as e:
                        retried = mysql_error(e)[0] == 5067
            except Exception:
                retried = False
            acked.append(flying)
            ok = ok and retried
        tap.ok(ok, "kill %d: %d loads acknowledged so far, in flight: %s" % (kill, len(acked) - (flying is not None),
                                                                           flying),
               "missing %s, extra %s, partial %s, tmp files %d, orphans %s" % (missing, extra, partial,
                                                                              tmp_files(storage), orphans[:5]))
        next_batch = max(acked) + 1 if acked else next_batch + 1
    missing, extra, partial, got = check_state(srv, acked, [])
    tap.ok(not missing and not extra and not partial,
           "final: %d loads, each exactly once (%d rows)" % (len(acked), sum(c for c, _ in got.values())),
           "missing %s, extra %s, partial %s" % (missing, extra, partial))
    tap.ok(time.time() - t0 < 120, "%d kills in %.1f s" % (KILLS, time.time() - t0))

tap.done()
