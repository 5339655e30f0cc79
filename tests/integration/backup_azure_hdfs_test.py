#!/usr/bin/python3
"""BACKUP and RESTORE through the Azure Blob driver (against Azurite, with a shared key and with a SAS token) and
through the WebHDFS driver (against tests/servers/webhdfs_server.py, written from the WebHDFS REST docs): the
same statements, only the location and credentials change. Every restore is compared row by row."""
import os
import sys

from br_common import Cairnd, Tap, create_fixture, digests, error_of, execute, snapshot_timestamp, wait_job

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from servers import Azurite, WebHdfs  # noqa: E402

tap = Tap()


def round_trip(c, repo_sql, repo, label, what):
    execute(c, repo_sql)
    execute(c, "BACKUP SNAPSHOT src.%s TO %s" % (label, repo))
    job = wait_job(c, "BACKUP", "src")
    tap.eq((job["State"], job["Status"]), ("FINISHED", "[OK]"), "backup to %s FINISHED" % what)
    ts = snapshot_timestamp(c, repo, label)
    execute(c, "RESTORE SNAPSHOT src.%s FROM %s ON (dup AS dup_%s, pk AS pk_%s) "
               "PROPERTIES ('backup_timestamp' = '%s')" % (label, repo, label, label, ts))
    job = wait_job(c, "RESTORE", "src")
    tap.eq((job["State"], job["Status"]), ("FINISHED", "[OK]"), "restore from %s FINISHED" % what)
    got = digests(c, ("dup_" + label, "pk_" + label))
    return got["dup_" + label], got["pk_" + label]


with Azurite() as az, WebHdfs() as hdfs, Cairnd("br-az") as srv:
    az.make_container("backups")
    c = srv.connect()
    create_fixture(c, "src", rows=150)
    want = digests(c, ("dup", "pk"))
    want = (want["dup"], want["pk"])

    location = "wasb://backups@%s.blob.core.windows.net/cairn" % az.account
    errno, msg = error_of(c, "CREATE REPOSITORY azbad ON LOCATION '%s' PROPERTIES ('azure.blob.shared_key' = "
                             "'bm90IHRoZSBrZXk=', 'azure.blob.endpoint' = '%s')" % (location, az.endpoint))
    tap.ok(errno is not None and "Failed to create repository" in msg and "bm90IHRoZSBrZXk" not in msg,
           "a wrong Azure key fails CREATE REPOSITORY without echoing it", msg)
    got = round_trip(c, "CREATE REPOSITORY azkey ON LOCATION '%s' PROPERTIES ('azure.blob.shared_key' = '%s', "
                        "'azure.blob.endpoint' = '%s')" % (location, az.key, az.endpoint), "azkey", "az1",
                     "Azure (shared key)")
    tap.eq(got, want, "Azure (shared key) round trip equals the source")
    got = round_trip(c, "CREATE REPOSITORY azsas ON LOCATION 'wasb://backups@%s.blob.core.windows.net/sas' "
                        "PROPERTIES ('azure.blob.sas_token' = '%s', 'azure.blob.endpoint' = '%s')"
                        % (az.account, az.account_sas(), az.endpoint), "azsas", "az2", "Azure (SAS)")
    tap.eq(got, want, "Azure (SAS) round trip equals the source")

    got = round_trip(c, "CREATE REPOSITORY hdfsr ON LOCATION 'hdfs://%s/backups' PROPERTIES ('username' = 'cairn', "
                        "'dfs.namenode.http-address' = '%s')" % (hdfs.address, hdfs.address), "hdfsr", "hd1",
                     "HDFS (WebHDFS)")
    tap.eq(got, want, "HDFS round trip equals the source")
    errno, msg = error_of(c, "CREATE REPOSITORY kerb ON LOCATION 'hdfs://%s/k' PROPERTIES ("
                             "'hadoop.security.authentication' = 'kerberos')" % hdfs.address)
    tap.ok(errno is not None and "erberos" in msg, "Kerberos properties are refused clearly", msg)
    c.close()

tap.done()
