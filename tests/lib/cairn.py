"""Test helpers for cairn: start a real cairnd, talk to it, and print TAP lines.

    import sys; sys.path.insert(0, 'tests/lib')
    from cairn import Cairnd, Tap

    tap = Tap()
    with Cairnd() as srv:                      # free ports, fresh data dir under tests/.tmp/
        conn = srv.connect()                   # pymysql, autocommit on
        rows = srv.query("SELECT 1")           # [(1,)]
        r = srv.mysql("SELECT 1")              # the real `mysql` CLI in batch mode: r.out, r.err, r.rc
        srv.stop(); srv.start()                # SIGTERM, then start again on the same data dir
        srv.kill9(); srv.start()               # crash, then recover
        tap.ok(rows == [(1,)], "select 1")
    tap.done()                                 # exit status 1 if anything failed

Run with /usr/bin/python3 (Debian's pymysql). The binary is $CAIRN_BIN (tests/run.sh sets it) or
build/cairnd. Every cairnd started here is killed when the test process exits, even after a crash
of the test itself, so no server outlives its test.
"""

import atexit
import os
import signal
import shutil
import socket
import subprocess
import sys
import time
import traceback

try:
    import pymysql
except ImportError:  # pragma: no cover - tells the user which python to use
    sys.stderr.write("cairn.py needs pymysql: run tests with /usr/bin/python3 (apt-get install python3-pymysql)\n")
    raise

ROOT = os.environ.get("CAIRN_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TMP = os.path.join(ROOT, "tests", ".tmp")

_live = []  # every Cairnd with a running process, for the exit handler


def _kill_all():
    for srv in list(_live):
        try:
            srv.kill9()
        except Exception:
            pass


atexit.register(_kill_all)
for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    # tests/run.sh's timeout sends SIGTERM: turn it into a normal exit so atexit runs
    signal.signal(_sig, lambda signum, frame: sys.exit(128 + signum))


def free_port():
    """A TCP port nobody listens on right now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tmp_dir(name):
    """A fresh, empty directory tests/.tmp/<name>-<pid>-<n>."""
    os.makedirs(TMP, exist_ok=True)
    n = 0
    while True:
        path = os.path.join(TMP, "%s-%d-%d" % (name, os.getpid(), n))
        if not os.path.exists(path):
            os.makedirs(path)
            return path
        n += 1


class CliResult:
    """What the mysql CLI printed: out (stdout), err (stderr), rc (exit status)."""

    def __init__(self, out, err, rc):
        self.out, self.err, self.rc = out, err, rc

    def __repr__(self):
        return "CliResult(rc=%d, out=%r, err=%r)" % (self.rc, self.out, self.err)


class StartError(RuntimeError):
    pass


class Cairnd:
    """One cairnd process on free ports with its own data dir.

    Cairnd(name="t", conf={"max_connections": 5}, data_dir=None, args=[]) -- conf entries become
    --set key=value. Usable as a context manager (starts on enter, stops on exit) or with start()/stop().
    """

    def __init__(self, name="cairnd", conf=None, data_dir=None, args=None, binary=None, start_timeout=30):
        self.name = name
        self.conf = dict(conf or {})
        self.args = list(args or [])
        self.binary = binary or os.environ.get("CAIRN_BIN") or os.path.join(ROOT, "build", "cairnd")
        self.base = tmp_dir(name)
        self.data_dir = data_dir or os.path.join(self.base, "data")
        self.out_path = os.path.join(self.base, "cairnd.out")
        self.start_timeout = start_timeout
        self.port = None
        self.http_port = None
        self.proc = None

    # ------------------------------------------------------------------ life cycle

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        if self.proc:
            self.stop()
        return False

    def command(self):
        cmd = [self.binary, "--data-dir", self.data_dir, "--mysql-port", str(self.port),
               "--http-port", str(self.http_port), "--bind", "127.0.0.1"]
        for k, v in self.conf.items():
            cmd += ["--set", "%s=%s" % (k, v)]
        return cmd + self.args

    def start(self):
        """Starts (or restarts) on the same data dir; keeps the ports unless another process took them."""
        if self.proc and self.proc.poll() is None:
            raise StartError("cairnd is already running (pid %d)" % self.proc.pid)
        last = None
        for attempt in range(5):
            if self.port is None or attempt > 0:
                self.port, self.http_port = free_port(), free_port()
                while self.http_port == self.port:
                    self.http_port = free_port()
            try:
                self._spawn()
                return self
            except StartError as e:
                last = e
                if "in use" not in str(e) and "Address already" not in str(e):
                    raise
        raise last

    def _spawn(self):
        # Another build in the same tree may be relinking the binary right now: wait for it to reappear.
        deadline = time.time() + 60
        while not os.access(self.binary, os.X_OK):
            if time.time() > deadline:
                raise StartError("%s does not exist: build it with `make`" % self.binary)
            time.sleep(0.2)
        out = open(self.out_path, "ab")
        out.write(("---- start %s\n" % " ".join(self.command())).encode())
        out.flush()
        self.proc = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     cwd=ROOT, start_new_session=True)
        out.close()
        _live.append(self)
        deadline = time.time() + self.start_timeout
        while time.time() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                self._forget()
                raise StartError("cairnd exited with status %d while starting:\n%s" % (rc, self.output()[-3000:]))
            if self._greets():
                return
            time.sleep(0.05)
        self.kill9()
        raise StartError("cairnd did not accept connections on port %d within %ds:\n%s"
                         % (self.port, self.start_timeout, self.output()[-3000:]))

    def _greets(self):
        """True when the MySQL port answers with a greeting packet (not just a TCP accept)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.settimeout(2)
                return len(s.recv(5)) >= 5
        except OSError:
            return False

    def _forget(self):
        if self in _live:
            _live.remove(self)

    def stop(self, timeout=30):
        """SIGTERM and wait; returns the exit status (kill -9 after `timeout` seconds, then raises)."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill9()
                raise StartError("cairnd did not stop within %ds after SIGTERM" % timeout)
        rc = self.proc.returncode
        self.proc = None
        self._forget()
        return rc

    def kill9(self):
        """Kills the process (and anything it started) with SIGKILL, as a crash would."""
        if not self.proc:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
            self.proc.wait()
        self.proc = None
        self._forget()

    def restart(self):
        self.stop()
        return self.start()

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def cleanup(self):
        """Removes the data dir and logs (call after a passing test if disk space matters)."""
        if self.proc:
            self.kill9()
        shutil.rmtree(self.base, ignore_errors=True)

    # ------------------------------------------------------------------ logs

    def log(self):
        """Contents of <data_dir>/log/cairnd.log ("" when absent)."""
        try:
            with open(os.path.join(self.data_dir, "log", "cairnd.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def output(self):
        """Everything cairnd printed on stdout/stderr, across restarts."""
        try:
            with open(self.out_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    # ------------------------------------------------------------------ clients

    def connect(self, user="root", password="", db=None, **kw):
        """A pymysql connection (autocommit on, 60 s read timeout)."""
        kw.setdefault("autocommit", True)
        kw.setdefault("read_timeout", 60)
        kw.setdefault("connect_timeout", 10)
        return pymysql.connect(host="127.0.0.1", port=self.port, user=user, password=password, database=db, **kw)

    def query(self, sql, user="root", password="", db=None):
        """Runs one statement on a fresh connection; returns its rows as a list of tuples."""
        conn = self.connect(user=user, password=password, db=db)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return list(cur.fetchall())
        finally:
            conn.close()

    def mysql(self, sql, user="root", password="", db=None, args=None, timeout=60):
        """Runs sql through the real mysql CLI in batch mode (tab-separated, no headers unless args say).

        Returns CliResult(out, err, rc)."""
        cmd = ["mysql", "-h127.0.0.1", "-P%d" % self.port, "-u" + user, "--batch", "--skip-column-names"]
        if password:
            cmd.append("-p" + password)
        if db:
            cmd.append(db)
        cmd += list(args or [])
        env = dict(os.environ)
        env.pop("MYSQL_PWD", None)
        p = subprocess.run(cmd, input=sql.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                           env=env)
        return CliResult(p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), p.returncode)

    def http(self, path, method="GET", body=None, headers=None, timeout=30):
        """A plain HTTP request to the HTTP port; returns (status, body bytes, headers dict)."""
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, r.read(), dict(r.getheaders())
        finally:
            conn.close()


def mysql_error(exc):
    """(errno, message) of a pymysql error."""
    args = getattr(exc, "args", ())
    if len(args) >= 2:
        return args[0], args[1]
    return None, str(exc)


class Tap:
    """TAP-like output for tests/run.sh: one "ok N - name" / "not ok N - name" line per check."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=None):
        self.n += 1
        if cond:
            print("ok %d - %s" % (self.n, name), flush=True)
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, name), flush=True)
            if detail is not None:
                for line in str(detail).splitlines()[:40]:
                    print("#   " + line, flush=True)
        return bool(cond)

    def eq(self, got, want, name):
        return self.ok(got == want, name, None if got == want else "got:  %r\nwant: %r" % (got, want))

    def run(self, name, fn, *args):
        """Runs fn(*args) as one check: passes unless it raises (AssertionError or anything else)."""
        try:
            fn(*args)
            return self.ok(True, name)
        except Exception:
            return self.ok(False, name, traceback.format_exc())

    def done(self):
        if self.n == 0:
            print("not ok 1 - no checks ran", flush=True)
            sys.exit(1)
        sys.exit(1 if self.failed else 0)
