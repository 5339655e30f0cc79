#!/usr/bin/python3
"""Backup and restore benchmark (run through bench/backup.sh). In one invocation, on the same machine and disk:

  1. loads a table of --size-mb of CSV (default 2500 MB: about 2.1 GB of segment files, the columns are mostly
     random hex so they barely compress) into cairn by Stream Load;
  2. BACKUP to a local repository on the same disk       vs  cp -r of the table's segment files (+ sync);
  3. BACKUP to s3rver                                      vs  aws s3 cp --recursive of the same files;
  4. adds 1% new rows and backs up again                   ->  bytes uploaded / bytes of the full backup;
  5. RESTORE from the local repository                     vs  cp -r of the repository's data files (+ sync);
  6. RESTORE from s3rver                                   vs  aws s3 cp --recursive down from the bucket;
  7. the peak RSS of cairnd above idle during every backup and restore;
  8. the same rows in PostgreSQL backed up by pgBackRest: repository bytes per row, both systems.

Prints one table; ratios are cairn's MB/s over the baseline's (goal >= 0.8x local, >= 1.0x s3)."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from cairn import Cairnd  # noqa: E402
from servers import S3rver  # noqa: E402

GEN_C = r"""
#include <stdio.h>
#include <stdlib.h>
static unsigned long long s = 0x9E3779B97F4A7C15ull;
static unsigned long long rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
int main(int argc, char **argv) {
    unsigned long long limit = strtoull(argv[1], 0, 10) << 20, bytes = 0, id = strtoull(argv[2], 0, 10);
    static const char hex[] = "0123456789abcdef";
    char buf[512];
    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    while (bytes < limit) {
        int n = snprintf(buf, sizeof buf, "%llu,%llu,", ++id, rnd() % 100000);
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 32; i++) buf[n++] = hex[rnd() & 15];
            buf[n++] = ',';
        }
        n += snprintf(buf + n, sizeof buf - n, "%llu.%02llu\n", rnd() % 1000000, rnd() % 100);
        fwrite(buf, 1, n, stdout);
        bytes += n;
    }
    return 0;
}
"""

TABLE = ("CREATE TABLE bench.t (id BIGINT NOT NULL, k INT, a CHAR(32), b VARCHAR(64), c VARCHAR(64), "
         "v DECIMAL(12, 2)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 16")


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, capture_output=True, text=True, **kw)


def du(path):
    total = 0
    for r, _d, fs in os.walk(path):
        for f in fs:
            try:
                total += os.path.getsize(os.path.join(r, f))
            except OSError:
                pass
    return total


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Peak:
    """Samples a process's RSS every 20 ms while in the with-block."""

    def __init__(self, pid):
        self.pid, self.peak, self.stop = pid, 0, False

    def __enter__(self):
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()
        return self

    def run(self):
        while not self.stop:
            self.peak = max(self.peak, rss_kb(self.pid))
            time.sleep(0.02)

    def __exit__(self, *a):
        self.stop = True
        self.t.join()


def wait_job(conn, kind, db):
    while True:
        with conn.cursor() as cur:
            cur.execute("SHOW %s FROM %s" % (kind, db))
            cols = [d[0] for d in cur.description]
            row = dict(zip(cols, cur.fetchone()))
        if row["State"] in ("FINISHED", "CANCELLED"):
            if row["State"] != "FINISHED":
                raise SystemExit("%s failed: %s" % (kind, row["Status"]))
            return row
        time.sleep(0.05)


def run_sql(conn, sql):
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def timed_job(srv, conn, sql, kind, idle_kb):
    t0 = time.time()
    with Peak(srv.pid) as p:
        run_sql(conn, sql)
        row = wait_job(conn, kind, "bench")
    return time.time() - t0, (p.peak - idle_kb) / 1024.0, row


def stream_load(srv, path, label):
    r = subprocess.run(["curl", "-s", "--location-trusted", "-u", "root:", "-H", "label:" + label, "-H",
                        "column_separator:,", "-H", "timeout:7200", "-T", path,
                        "http://127.0.0.1:%d/api/bench/t/_stream_load" % srv.http_port],
                       check=True, capture_output=True, text=True)
    reply = json.loads(r.stdout)
    if reply["Status"] != "Success":
        raise SystemExit("stream load failed: %s" % r.stdout)
    return reply["NumberLoadedRows"]


def snapshot_ts(conn, repo, label):
    return run_sql(conn, "SHOW SNAPSHOT ON %s WHERE SNAPSHOT = '%s'" % (repo, label))[0][1]


def pgbackrest_bytes_per_row(work, csv, rows):
    """Loads the same CSV into PostgreSQL and backs it up with pgBackRest (lz4, local repository)."""
    if not shutil.which("pgbackrest"):
        subprocess.run(["apt-get", "install", "-y", "-q", "pgbackrest"], check=True, capture_output=True)
    pgbin = sorted(d for d in os.listdir("/usr/lib/postgresql"))[-1]
    pgbin = "/usr/lib/postgresql/%s/bin" % pgbin
    pg = os.path.join(work, "pg")
    for d in ("data", "sock", "repo", "log", "spool", "lock"):
        os.makedirs(os.path.join(pg, d), exist_ok=True)
    sh("chown -R postgres %s" % pg)
    port = 55000 + os.getpid() % 1000
    conf = os.path.join(pg, "pgbackrest.conf")
    with open(conf, "w") as f:
        f.write("[global]\nrepo1-path=%s/repo\nlog-path=%s/log\nspool-path=%s/spool\nlock-path=%s/lock\n"
                "start-fast=y\ncompress-type=lz4\nprocess-max=2\narchive-check=n\n\n[bench]\npg1-path=%s/data\n"
                "pg1-port=%d\npg1-socket-path=%s/sock\n" % (pg, pg, pg, pg, pg, port, pg))
    sh("chown postgres %s" % conf)
    sh("su postgres -c '%s/initdb -D %s/data -A trust -U postgres' >/dev/null" % (pgbin, pg))
    with open(os.path.join(pg, "data", "postgresql.conf"), "a") as f:
        f.write("listen_addresses='127.0.0.1'\nport=%d\nunix_socket_directories='%s/sock'\nwal_level=replica\n"
                "archive_mode=on\narchive_command='pgbackrest --config=%s --stanza=bench archive-push %%p'\n"
                "max_wal_size=8GB\n" % (port, pg, conf))
    sh("su postgres -c '%s/pg_ctl -D %s/data -l %s/log/pg.log -w start' >/dev/null" % (pgbin, pg, pg))
    try:
        psql = "psql -h 127.0.0.1 -p %d -U postgres -X -q -v ON_ERROR_STOP=1" % port
        sh("%s -c \"CREATE TABLE t (id BIGINT NOT NULL, k INT, a CHAR(32), b VARCHAR(64), c VARCHAR(64), "
           "v NUMERIC(12,2))\"" % psql)
        os.chmod(csv, 0o644)
        sh("%s -c \"COPY t FROM '%s' WITH (FORMAT csv)\"" % (psql, csv))
        sh("%s -c 'VACUUM (FREEZE, ANALYZE) t' -c 'CHECKPOINT'" % psql)
        sh("su postgres -c 'pgbackrest --config=%s --stanza=bench stanza-create'" % conf)
        t0 = time.time()
        sh("su postgres -c 'pgbackrest --config=%s --stanza=bench --type=full backup'" % conf)
        secs = time.time() - t0
        repo = du(os.path.join(pg, "repo", "backup"))
        return repo / rows, secs
    finally:
        subprocess.run("su postgres -c '%s/pg_ctl -D %s/data -m fast -w stop' >/dev/null 2>&1" % (pgbin, pg),
                       shell=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=2500)
    ap.add_argument("--skip-s3", action="store_true")
    ap.add_argument("--skip-pg", action="store_true")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="cairn-bench-backup.", dir="/tmp")
    os.chmod(work, 0o755)
    results = []
    try:
        with open(os.path.join(work, "gen.c"), "w") as f:
            f.write(GEN_C)
        sh("gcc -O2 -o %s/gen %s/gen.c" % (work, work))
        csv = os.path.join(work, "data.csv")
        sh("%s/gen %d 0 > %s" % (work, args.size_mb, csv))
        rows = int(sh("wc -l < %s" % csv).stdout)
        print("generated %d rows, %.0f MB of CSV" % (rows, os.path.getsize(csv) / 1e6), flush=True)

        with Cairnd("bench-backup", conf={"log_to_stderr": "false", "max_download_speed_kbps": "0"}) as srv:
            conn = srv.connect(read_timeout=7200)
            run_sql(conn, "CREATE DATABASE bench")
            run_sql(conn, TABLE)
            t0 = time.time()
            stream_load(srv, csv, "base")
            print("loaded in %.1f s" % (time.time() - t0), flush=True)
            storage = os.path.join(srv.data_dir, "storage")
            table_bytes = du(storage)
            mb = table_bytes / 1e6
            print("table on disk: %.0f MB" % mb, flush=True)
            sh("sync")
            idle = rss_kb(srv.pid)

            # ---- local
            repo = os.path.join(work, "repo")
            os.makedirs(repo)
            run_sql(conn, "CREATE REPOSITORY lr ON LOCATION '%s'" % repo)
            secs, rss, _ = timed_job(srv, conn, "BACKUP SNAPSHOT bench.full TO lr", "BACKUP", idle)
            sh("sync")
            t0 = time.time()
            sh("cp -r %s %s/cp_copy && sync" % (storage, work))
            cp_secs = time.time() - t0
            shutil.rmtree(os.path.join(work, "cp_copy"))
            results.append(("BACKUP to local repository", mb / secs, "cp -r + sync", mb / cp_secs, rss, 0.8))
            full_bytes = du(os.path.join(repo, "__cairn_repository_lr", "data"))

            # ---- incremental: 1% new rows
            inc_csv = os.path.join(work, "inc.csv")
            sh("%s/gen %d %d > %s" % (work, max(1, args.size_mb // 100), rows + 1000, inc_csv))
            stream_load(srv, inc_csv, "inc")
            secs_inc, rss_inc, _ = timed_job(srv, conn, "BACKUP SNAPSHOT bench.plus1 TO lr", "BACKUP", idle)
            inc_bytes = du(os.path.join(repo, "__cairn_repository_lr", "data")) - full_bytes

            # ---- restore from local
            ts = snapshot_ts(conn, "lr", "full")
            run_sql(conn, "DROP TABLE bench.t FORCE")
            sh("sync")
            secs, rss, _ = timed_job(srv, conn, "RESTORE SNAPSHOT bench.full FROM lr PROPERTIES "
                                                "('backup_timestamp' = '%s')" % ts, "RESTORE", idle)
            count = run_sql(conn, "SELECT count(*) FROM bench.t")[0][0]
            assert count == rows, "restored %d rows of %d" % (count, rows)
            t0 = time.time()
            sh("cp -r %s/__cairn_repository_lr/data %s/cp_back && sync" % (repo, work))
            cp_secs = time.time() - t0
            shutil.rmtree(os.path.join(work, "cp_back"))
            results.append(("RESTORE from local repository", mb / secs, "cp -r + sync", mb / cp_secs, rss, 0.8))

            # ---- s3rver
            if not args.skip_s3:
                with S3rver(strict=False) as s3:
                    s3.make_bucket("bench")
                    run_sql(conn, "CREATE REPOSITORY s3r ON LOCATION 's3://bench/cairn' PROPERTIES ("
                                  "'aws.s3.access_key' = 'S3RVER', 'aws.s3.secret_key' = 'S3RVER', "
                                  "'aws.s3.endpoint' = '%s', 'aws.s3.region' = 'us-east-1', "
                                  "'aws.s3.enable_path_style_access' = 'true')" % s3.endpoint)
                    secs, rss, _ = timed_job(srv, conn, "BACKUP SNAPSHOT bench.s3full TO s3r", "BACKUP", idle)
                    t0 = time.time()
                    s3.aws("s3", "cp", "--recursive", "--quiet", storage, "s3://bench/awscli/")
                    aws_secs = time.time() - t0
                    results.append(("BACKUP to s3rver", mb / secs, "aws s3 cp --recursive", mb / aws_secs, rss, 1.0))
                    ts = snapshot_ts(conn, "s3r", "s3full")
                    run_sql(conn, "DROP TABLE bench.t FORCE")
                    secs, rss, _ = timed_job(srv, conn, "RESTORE SNAPSHOT bench.s3full FROM s3r PROPERTIES "
                                                        "('backup_timestamp' = '%s')" % ts, "RESTORE", idle)
                    t0 = time.time()
                    s3.aws("s3", "cp", "--recursive", "--quiet", "s3://bench/awscli/", os.path.join(work, "aws_back"))
                    aws_secs = time.time() - t0
                    shutil.rmtree(os.path.join(work, "aws_back"))
                    results.append(("RESTORE from s3rver", mb / secs, "aws s3 cp --recursive", mb / aws_secs, rss, 1.0))
            conn.close()
        cairn_per_row = full_bytes / rows

        pg = None
        if not args.skip_pg:
            pg = pgbackrest_bytes_per_row(work, csv, rows)

        print()
        print("%-32s %10s   %-24s %10s  %7s  %5s  %14s" % ("cairn", "MB/s", "baseline", "MB/s", "ratio", "goal",
                                                           "peak RSS +MB"))
        for name, ours, base, theirs, rss, goal in results:
            print("%-32s %10.1f   %-24s %10.1f  %6.2fx  %4.1fx  %14.1f" % (name, ours, base, theirs, ours / theirs,
                                                                          goal, rss))
        print()
        print("incremental: 1%% new rows uploaded %.1f MB = %.2f%% of the full backup (goal <= 2%%), in %.1f s, "
              "peak RSS +%.1f MB" % (inc_bytes / 1e6, 100.0 * inc_bytes / full_bytes, secs_inc, rss_inc))
        print("repository bytes per row: cairn %.1f (uncompressed backup of lz4 segments)" % cairn_per_row, end="")
        if pg:
            print(", pgBackRest %.1f (lz4; full backup took %.1f s)" % pg)
        else:
            print()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
