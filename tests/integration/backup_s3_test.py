#!/usr/bin/python3
"""BACKUP to a real S3 server (the SigV4-verifying s3rver), the repository inspected from outside with awscli,
and migration: a second cairnd with a repository of the same name and location sees the snapshots and restores
them; a repository under another name does not see them. Secrets never appear in output or in the bucket."""
import os
import sys

from br_common import (Cairnd, Tap, create_fixture, digests, error_of, execute, query_dicts, snapshot_timestamp,
                       wait_job)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from servers import S3rver  # noqa: E402

tap = Tap()
SECRET = "S3RVER"


def repo_sql(name, s3, prefix="backups", secret=SECRET):
    return ("CREATE REPOSITORY %s WITH BROKER ON LOCATION 's3://bkt/%s' PROPERTIES ("
            "'aws.s3.access_key' = 'S3RVER', 'aws.s3.secret_key' = '%s', 'aws.s3.endpoint' = '%s', "
            "'aws.s3.region' = 'us-east-1', 'aws.s3.enable_path_style_access' = 'true')" % (name, prefix, secret, s3.endpoint))


with S3rver() as s3, Cairnd("br-s3-a") as a, Cairnd("br-s3-b") as b:
    s3.make_bucket("bkt")
    ca = a.connect()
    create_fixture(ca, "shop", rows=300)
    want = digests(ca)

    errno, msg = error_of(ca, repo_sql("wrong", s3, secret="not-the-secret-1234"))
    tap.ok(errno is not None and "Failed to create repository" in msg and "not-the-secret-1234" not in msg,
           "a wrong secret fails CREATE REPOSITORY without echoing the secret", msg)
    execute(ca, repo_sql("s3r", s3))
    shown = repr(query_dicts(ca, "SHOW REPOSITORIES"))
    tap.ok("secret" not in shown.lower() and "aws.s3" not in shown, "SHOW REPOSITORIES shows no property", shown)

    execute(ca, "BACKUP SNAPSHOT shop.nightly TO s3r")
    job = wait_job(ca, "BACKUP", "shop")
    tap.eq((job["State"], job["Status"]), ("FINISHED", "[OK]"), "backup to s3rver FINISHED")
    ts = snapshot_timestamp(ca, "s3r", "nightly")

    listing = s3.aws("s3", "ls", "--recursive", "s3://bkt/backups/").stdout
    keys = [line.split()[-1] for line in listing.splitlines() if line.strip()]
    prefix = "backups/__cairn_repository_s3r/"
    tap.ok(prefix + "repo_info.json" in keys, "repo_info.json in the bucket", listing)
    tap.ok(prefix + "snapshots/nightly/%s/info.json" % ts in keys and
           prefix + "snapshots/nightly/%s/manifest.json" % ts in keys, "manifest and info under snapshots/<label>/<ts>/")
    data_keys = [k for k in keys if k.startswith(prefix + "data/")]
    tap.ok(len(data_keys) > 0 and all(len(k.split("/")[-1]) >= 64 and k.split("/")[-2] == k.split("/")[-1][:2]
                                      for k in data_keys), "data objects are content-addressed under data/<aa>/", data_keys[:3])
    tap.ok(all(k.startswith(prefix) for k in keys), "nothing outside the repository prefix", keys[:5])
    manifest = s3.aws("s3", "cp", "s3://bkt/" + prefix + "snapshots/nightly/%s/manifest.json" % ts, "-").stdout
    tap.ok(SECRET not in manifest and "aws.s3" not in manifest, "the manifest holds no credential")
    log = a.log()
    tap.ok("secret_key' = 'S3RVER" not in log and "not-the-secret-1234" not in log, "the log holds no secret")

    # a second backup uploads nothing new
    execute(ca, "BACKUP SNAPSHOT shop.nightly2 TO s3r")
    tap.eq(wait_job(ca, "BACKUP", "shop")["State"], "FINISHED", "second backup FINISHED")
    keys2 = [line.split()[-1] for line in s3.aws("s3", "ls", "--recursive", "s3://bkt/backups/").stdout.splitlines()]
    tap.eq(sorted(k for k in keys2 if "/data/" in k), sorted(data_keys), "the second backup uploaded no data object")

    # ---------------------------------------------------------------- migration to a second instance
    cb = b.connect()
    execute(cb, repo_sql("elsewhere", s3))
    tap.eq(query_dicts(cb, "SHOW SNAPSHOT ON elsewhere"), [], "a repository under another name sees no snapshot")
    execute(cb, repo_sql("s3r", s3))
    tap.eq(sorted(r["Snapshot"] for r in query_dicts(cb, "SHOW SNAPSHOT ON s3r")), ["nightly", "nightly2"],
           "the second instance lists the snapshots")
    tap.eq(snapshot_timestamp(cb, "s3r", "nightly"), ts, "with the same timestamp")
    execute(cb, "RESTORE SNAPSHOT nightly FROM s3r DATABASE shop AS shop2 PROPERTIES ('backup_timestamp' = '%s')" % ts)
    job = wait_job(cb, "RESTORE", "shop2")
    tap.eq((job["State"], job["Status"]), ("FINISHED", "[OK]"), "migration restore FINISHED")
    execute(cb, "USE shop2")
    tap.eq(digests(cb), want, "the migrated database equals the source row for row")

    # restore back into the first instance from S3 after a drop
    execute(ca, "DROP TABLE pk FORCE")
    execute(ca, "RESTORE SNAPSHOT shop.nightly FROM s3r ON (pk) PROPERTIES ('backup_timestamp' = '%s')" % ts)
    tap.eq(wait_job(ca, "RESTORE", "shop")["State"], "FINISHED", "restore from s3rver FINISHED")
    tap.eq(digests(ca, ("pk",)), {"pk": want["pk"]}, "the dropped table is back")
    ca.close()
    cb.close()

tap.done()
