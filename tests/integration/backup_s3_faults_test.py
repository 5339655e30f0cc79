#!/usr/bin/python3
"""BACKUP and RESTORE to S3 through a fault-injecting proxy that also re-signs every request with botocore:
503 SlowDown, 500s, connection resets and delays during uploads and downloads are retried and the data
round-trips intact; a permanent 403 ends the job quickly with a clear error; no request cairn sent had a
signature that botocore computes differently."""
import os
import sys
import time

from br_common import Cairnd, Tap, create_fixture, digests, execute, snapshot_timestamp, wait_job

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from servers import FaultProxy, S3rver  # noqa: E402

tap = Tap()

with S3rver() as s3, Cairnd("br-s3f") as srv:
    s3.make_bucket("faulty")
    proxy = FaultProxy(s3.endpoint, secret=s3.secret_key).start()
    try:
        c = srv.connect()
        create_fixture(c, "src", rows=200)
        want = digests(c)
        execute(c, "CREATE REPOSITORY fr ON LOCATION 's3://faulty/bk' PROPERTIES ('aws.s3.access_key' = 'S3RVER', "
                   "'aws.s3.secret_key' = 'S3RVER', 'aws.s3.endpoint' = '%s', 'aws.s3.region' = 'us-east-1', "
                   "'aws.s3.enable_path_style_access' = 'true')" % proxy.endpoint)

        proxy.set_rules([
            {"method": "PUT", "path": "/data/", "action": "status", "status": 503, "code": "SlowDown", "times": 4},
            {"method": "PUT", "path": "/data/", "action": "status", "status": 500, "code": "InternalError", "times": 2},
            {"method": "PUT", "path": "/data/", "action": "reset_request", "times": 2},
            {"method": "HEAD", "action": "delay", "ms": 300, "times": 3},
        ])
        execute(c, "BACKUP SNAPSHOT src.rough TO fr")
        job = wait_job(c, "BACKUP", "src", timeout=300)
        tap.eq((job["State"], job["Status"]), ("FINISHED", "[OK]"), "backup through SlowDown, 500s, resets and delays")
        stats = proxy.stats()
        tap.ok(stats["faults"] >= 8, "the proxy injected the faults", stats)
        ts = snapshot_timestamp(c, "fr", "rough")

        proxy.set_rules([
            {"method": "GET", "path": "/data/", "action": "reset", "after": 1000, "times": 3},
            {"method": "GET", "path": "/data/", "action": "status", "status": 503, "code": "SlowDown", "times": 3},
        ])
        execute(c, "DROP DATABASE src FORCE")
        execute(c, "RESTORE SNAPSHOT src.rough FROM fr PROPERTIES ('backup_timestamp' = '%s')" % ts)
        job = wait_job(c, "RESTORE", "src", timeout=300)
        tap.eq((job["State"], job["Status"]), ("FINISHED", "[OK]"), "restore through cut downloads and SlowDown")
        execute(c, "USE src")
        tap.eq(digests(c), want, "the data round-tripped intact")

        proxy.set_rules([{"method": "PUT", "action": "status", "status": 403, "code": "AccessDenied", "times": -1}])
        t0 = time.time()
        execute(c, "BACKUP SNAPSHOT src.denied TO fr")
        job = wait_job(c, "BACKUP", "src", timeout=120)
        tap.ok(job["State"] == "CANCELLED" and "403" in job["Status"] and "AccessDenied" in job["Status"],
               "a permanent 403 ends the backup with the storage's error", job["Status"])
        tap.ok(time.time() - t0 < 30, "and fails fast (no retries of an auth error)", time.time() - t0)
        tap.ok("S3RVER" not in job["Status"], "naming no credential", job["Status"])
        stats = proxy.stats()
        tap.eq((stats["signature_mismatches"], stats["payload_mismatches"]), (0, 0),
               "every request cairn sent is signed as botocore signs it")
        c.close()
    finally:
        proxy.stop()

tap.done()
