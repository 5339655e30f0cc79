#!/usr/bin/python3
"""cairnd as a process: configuration errors, the log file, the data dir lock, SIGTERM, kill -9 and
restart, and the HTTP endpoints it serves by itself (/api/health, /metrics)."""

import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from cairn import Cairnd, Tap, free_port, tmp_dir  # noqa: E402

tap = Tap()
BIN = os.environ.get("CAIRN_BIN") or os.path.join(os.path.dirname(__file__), "..", "..", "build", "cairnd")


def run_bin(args, timeout=20):
    p = subprocess.run([BIN] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def config_errors():
    d = tmp_dir("lifecycle-conf")
    conf = os.path.join(d, "bad.conf")
    with open(conf, "w") as f:
        f.write("# a typo on line 3\nmysql_port = 9999\nmax_conections = 5\n")
    rc, _, err = run_bin(["--conf", conf, "--data-dir", os.path.join(d, "data")])
    tap.eq((rc, err), (2, "cairnd: %s:3: unknown config key 'max_conections'\n" % conf), "unknown key in the file")
    rc, _, err = run_bin(["--bogus"])
    tap.eq((rc, err), (2, "cairnd: unknown option '--bogus' (see cairnd --help)\n"), "unknown flag")
    rc, _, err = run_bin(["--set", "mysql_port=abc"])
    tap.eq((rc, err), (2, "cairnd: --set: config mysql_port: 'abc' is not an integer\n"), "bad value")
    rc, out, _ = run_bin(["--version"])
    tap.eq((rc, out), (0, "cairnd 0.1.0 (MySQL protocol version 8.0.33-cairn)\n"), "--version")
    rc, out, _ = run_bin(["--help"])
    tap.ok(rc == 0 and "--data-dir DIR" in out and "--set key=value" in out, "--help")


def start_log_and_lock(srv):
    log = srv.log()
    tap.ok("cairnd 0.1.0 starting: data dir %s" % srv.data_dir in log, "log file under <data-dir>/log", log[-2000:])
    tap.ok("cairnd ready: MySQL on 127.0.0.1:%d, HTTP on 127.0.0.1:%d" % (srv.port, srv.http_port) in log,
           "ready line names both ports")
    with open(os.path.join(srv.data_dir, "cairnd.lock")) as f:
        tap.eq(f.read().strip(), str(srv.pid), "lock file holds the pid")
    rc, _, err = run_bin(["--data-dir", srv.data_dir, "--mysql-port", str(free_port()), "--http-port",
                          str(free_port())])
    want = "data dir %s is in use by another cairnd (pid %d, lock file %s/cairnd.lock)" % (
        srv.data_dir, srv.pid, srv.data_dir)
    tap.ok(rc == 1 and want in err, "a second cairnd on the same data dir is refused", err)
    tap.eq(srv.query("SHOW VARIABLES LIKE 'version'"), [("version", "8.0.33-cairn")], "the first one still serves")


def port_in_use(srv):
    d = tmp_dir("lifecycle-port")
    rc, _, err = run_bin(["--data-dir", os.path.join(d, "data"), "--mysql-port", str(srv.port), "--http-port",
                          str(free_port())])
    tap.ok(rc == 1 and ("cannot listen on 127.0.0.1:%d for MySQL clients: Address already in use" % srv.port) in err,
           "a busy MySQL port is named", err)


def http_endpoints(srv):
    status, body, headers = srv.http("/api/health")
    j = json.loads(body)
    tap.ok(status == 200 and j["status"] == "OK" and j["version"] == "0.1.0", "GET /api/health", body)
    conn = srv.connect()
    conn.cursor().execute("SHOW VARIABLES LIKE 'autocommit'")
    status, body, headers = srv.http("/metrics")
    text = body.decode()
    lines = dict(line.rsplit(" ", 1) for line in text.splitlines() if line and not line.startswith("#"))
    tap.ok(status == 200 and headers.get("Content-Type", "").startswith("text/plain"), "GET /metrics", text[:500])
    tap.eq(lines.get("cairn_connections"), "1", "metrics: one open connection")
    tap.ok(int(lines.get("cairn_queries_total", "0")) >= 2, "metrics: queries counted", text)
    tap.ok("# TYPE cairn_query_errors_total counter" in text and "cairn_uptime_seconds" in lines, "metrics: families")
    conn.close()
    status, body, _ = srv.http("/no/such/path")
    tap.eq(status, 404, "unknown HTTP path: 404")


def sigterm(srv):
    conn = srv.connect()  # an idle client must not hold the shutdown up
    t0 = time.time()
    rc = srv.stop()
    took = time.time() - t0
    tap.ok(rc == 0 and took < 5, "SIGTERM: exit status 0 within 5 s with an idle client (%.2fs)" % took)
    log = srv.log()
    tap.ok("SIGTERM received: shutting down" in log and log.rstrip().endswith("cairnd stopped"),
           "SIGTERM: the log tells the story", log[-1500:])
    try:
        conn.cursor().execute("SELECT 1")
        tap.ok(False, "SIGTERM: the client sees the connection closed")
    except Exception:
        tap.ok(True, "SIGTERM: the client sees the connection closed")


def restart_after_kill9(srv):
    srv.start()
    old = srv.pid
    srv.kill9()
    srv.start()  # the kernel dropped the flock with the process
    with open(os.path.join(srv.data_dir, "cairnd.lock")) as f:
        tap.ok(f.read().strip() == str(srv.pid) and srv.pid != old, "kill -9, then restart takes the lock")
    tap.eq(srv.query("SELECT 1"), [(1,)], "kill -9, then restart serves")


def sighup_ignored(srv):
    os.kill(srv.pid, signal.SIGHUP)
    time.sleep(0.3)
    tap.ok(srv.running() and srv.query("SELECT 1") == [(1,)], "SIGHUP does not stop the server")


def main():
    config_errors()
    srv = Cairnd("lifecycle")
    try:
        srv.start()
        tap.run("start: log and lock", start_log_and_lock, srv)
        tap.run("busy port", port_in_use, srv)
        tap.run("http endpoints", http_endpoints, srv)
        tap.run("sighup", sighup_ignored, srv)
        tap.run("sigterm", sigterm, srv)
        tap.run("kill -9 and restart", restart_after_kill9, srv)
    finally:
        srv.kill9()
    tap.done()


main()
