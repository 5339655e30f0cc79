#!/usr/bin/python3
"""Test servers on loopback, for any test that needs object storage: s3rver (S3), Azurite (Azure Blob) and
cairn's own fakes in tests/servers/ (WebHDFS, IMDSv2/STS credentials, a fault-injecting S3 proxy).
Each starts on a free 127.0.0.1 port with its own temp dir and stops (by pid) when the `with` block ends:

    sys.path.insert(0, "tests/lib"); from servers import S3rver, Azurite
    with S3rver() as s3:
        s3.make_bucket("bk")                    # s3.endpoint, s3.access_key, s3.secret_key, s3.region
        s3.aws("s3", "ls", "s3://bk")           # /usr/bin/aws against it (path-style)
    with Azurite() as az:
        az.make_container("ct")                  # az.endpoint, az.account, az.key, az.account_sas()

Command line: `servers.py run s3rver,proxy,creds,s3tls,azurite,azproxy,webhdfs -- CMD...` starts the named servers, exports
CAIRN_* variables describing them (see ENV below), runs CMD and stops everything; the exit code is CMD's.
Run with /usr/bin/python3 (Debian's botocore). npm packages come from tests/node_modules (make test installs
them). s3rver runs as the SigV4-verifying @20minutes/s3rver fork by default (strict=True): a request whose
signature is wrong gets 403 SignatureDoesNotMatch, and unsigned requests are refused."""
import base64
import datetime
import email.utils
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTS = os.path.join(ROOT, "tests")
NODE_MODULES = os.path.join(TESTS, "node_modules")
SERVERS = os.path.join(TESTS, "servers")
TMP = os.path.join(TESTS, ".tmp")
PY = "/usr/bin/python3"
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=30.0, what="server"):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %s before listening on %d" % (what, proc.returncode, port))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("%s did not listen on 127.0.0.1:%d within %.0f s" % (what, port, timeout))


def wait_file(path, proc, timeout=20.0, what="server"):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path):
            with open(path) as f:
                return int(f.read())
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %s" % (what, proc.returncode))
        time.sleep(0.05)
    raise RuntimeError("%s did not start within %.0f s" % (what, timeout))


class _Server:
    name = "server"

    def __init__(self):
        os.makedirs(TMP, exist_ok=True)
        self.dir = tempfile.mkdtemp(prefix=self.name + ".", dir=TMP)
        self.proc = None
        self.log_path = os.path.join(self.dir, "server.log")

    def _spawn(self, argv, env=None):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=dict(os.environ, **(env or {})), cwd=self.dir, start_new_session=True)
        log.close()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: node's children go too
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""


def _need(path, what):
    if not os.path.exists(path):
        raise RuntimeError("%s is not installed (%s missing): run `make test` or `bash scripts/deps.sh test`" %
                           (what, path))


class S3rver(_Server):
    """s3rver on loopback. strict=True: the SigV4-verifying fork (patched by tests/scripts/patch-node-modules.sh);
    strict=False: plain s3rver 3.7.1. Virtual-hosted requests work for <bucket>.s3.localhost hosts."""
    name = "s3rver"

    def __init__(self, strict=True, tls=False):
        super().__init__()
        self.strict = strict
        self.tls = tls  # https with a self-signed certificate for 127.0.0.1 (self.ca_file)
        self.access_key = self.secret_key = "S3RVER"
        self.region = "us-east-1"
        self.data = os.path.join(self.dir, "data")

    def start(self):
        os.makedirs(self.data, exist_ok=True)
        self.port = free_port()
        if self.strict:
            cli = os.path.join(NODE_MODULES, "@20minutes", "s3rver", "bin", "s3rver.js")
        else:
            cli = os.path.join(NODE_MODULES, "s3rver", "bin", "s3rver.js")
        _need(cli, "s3rver")
        env = {"NODE_OPTIONS": "--openssl-legacy-provider"}
        if self.strict:
            env["S3RVER_DENY_ANONYMOUS"] = "1"
        tls_args = []
        if self.tls:
            key, self.ca_file = os.path.join(self.dir, "tls.key"), os.path.join(self.dir, "tls.crt")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
                            self.ca_file, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                            "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
            tls_args = ["--key", key, "--cert", self.ca_file]
        self._spawn(["node", cli, "-d", self.data, "-a", "127.0.0.1", "-p", str(self.port), "--service-endpoint",
                     "localhost", "--silent"] + tls_args, env)
        wait_port(self.port, self.proc, what="s3rver")
        self.endpoint = "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self.port)
        return self

    def client(self):
        import botocore.session
        from botocore.config import Config
        s = botocore.session.get_session()
        return s.create_client("s3", endpoint_url=self.endpoint, region_name=self.region,
                               aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
                               config=Config(s3={"addressing_style": "path"}),
                               verify=self.ca_file if self.tls else None)

    def make_bucket(self, name):
        self.client().create_bucket(Bucket=name)
        return name

    def aws_env(self):
        cfg = os.path.join(self.dir, "aws-config")
        with open(cfg, "w") as f:
            f.write("[default]\nregion = %s\ns3 =\n    addressing_style = path\n" % self.region)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=self.access_key, AWS_SECRET_ACCESS_KEY=self.secret_key, AWS_CONFIG_FILE=cfg,
                   AWS_SHARED_CREDENTIALS_FILE=os.path.join(self.dir, "none"), AWS_EC2_METADATA_DISABLED="true",
                   AWS_PAGER="")
        return env

    def aws(self, *args, check=True):
        """Runs /usr/bin/aws --endpoint-url <this server> ARGS; returns the CompletedProcess (text)."""
        return subprocess.run(["/usr/bin/aws", "--endpoint-url", self.endpoint] + list(args), env=self.aws_env(),
                              capture_output=True, text=True, check=check)


class FaultProxy(_Server):
    """tests/servers/fault_proxy.py in front of an S3 endpoint; with secret, re-checks every signature."""
    name = "faultproxy"

    def __init__(self, target_endpoint, secret=None):
        super().__init__()
        self.target = target_endpoint.split("://", 1)[-1]
        self.secret = secret

    def start(self):
        pf = os.path.join(self.dir, "port")
        argv = [PY, os.path.join(SERVERS, "fault_proxy.py"), "--target", self.target, "--port-file", pf]
        if self.secret:
            argv += ["--secret", self.secret]
        self._spawn(argv)
        self.port = wait_file(pf, self.proc, what="fault proxy")
        self.endpoint = "http://127.0.0.1:%d" % self.port
        return self

    def _post(self, path, body):
        req = urllib.request.Request(self.endpoint + path, data=json.dumps(body).encode(), method="POST")
        urllib.request.urlopen(req, timeout=10).read()

    def set_rules(self, rules):
        self._post("/__fault", rules)

    def stats(self):
        return json.loads(urllib.request.urlopen(self.endpoint + "/__stats", timeout=10).read())


class AwsCreds(_Server):
    """tests/servers/aws_creds_server.py: IMDSv2 and STS AssumeRole on one port."""
    name = "awscreds"

    def __init__(self, ttl=3600, access_key="S3RVER", secret_key="S3RVER", external_id=None,
                 role_arn="arn:aws:iam::123456789012:role/cairn-backup"):
        super().__init__()
        self.args = ["--ttl", str(ttl), "--access-key", access_key, "--secret-key", secret_key, "--base-secret",
                     secret_key, "--role-arn", role_arn]
        if external_id:
            self.args += ["--external-id", external_id]
        self.role_arn = role_arn

    def start(self):
        pf = os.path.join(self.dir, "port")
        self._spawn([PY, os.path.join(SERVERS, "aws_creds_server.py"), "--port-file", pf] + self.args)
        self.port = wait_file(pf, self.proc, what="IMDS/STS fake")
        self.endpoint = "http://127.0.0.1:%d" % self.port
        return self

    def stats(self):
        return json.loads(urllib.request.urlopen(self.endpoint + "/__stats", timeout=10).read())


class WebHdfs(_Server):
    """tests/servers/webhdfs_server.py: a namenode + datanode pair over a temp directory."""
    name = "webhdfs"

    def __init__(self, batch=1000, users=""):
        super().__init__()
        self.batch, self.users = batch, users
        self.root = os.path.join(self.dir, "root")

    def start(self):
        pf = os.path.join(self.dir, "port")
        self._spawn([PY, os.path.join(SERVERS, "webhdfs_server.py"), "--root", self.root, "--port-file", pf,
                     "--batch", str(self.batch), "--users", self.users])
        self.port = wait_file(pf, self.proc, what="WebHDFS fake")
        self.address = "127.0.0.1:%d" % self.port
        return self

    def fault(self, rule):
        req = urllib.request.Request("http://%s/__fault" % self.address, data=json.dumps(rule).encode(),
                                     method="POST")
        urllib.request.urlopen(req, timeout=10).read()


class Azurite(_Server):
    """Azurite's blob service with the well-known development account (devstoreaccount1)."""
    name = "azurite"
    version = "2021-12-02"

    def __init__(self):
        super().__init__()
        self.account, self.key = AZURITE_ACCOUNT, AZURITE_KEY

    def start(self):
        cli = os.path.join(NODE_MODULES, "azurite", "dist", "src", "blob", "main.js")
        _need(cli, "azurite")
        self.port = free_port()
        self._spawn(["node", cli, "--blobHost", "127.0.0.1", "--blobPort", str(self.port), "--location",
                     os.path.join(self.dir, "data"), "--skipApiVersionCheck", "--disableTelemetry", "--loose",
                     "--silent"])
        wait_port(self.port, self.proc, what="azurite")
        self.endpoint = "http://127.0.0.1:%d/%s" % (self.port, self.account)
        return self

    def _request(self, method, path, query=None, body=b"", headers=None):
        """A SharedKey-signed request (path relative to the account, e.g. '/container')."""
        query = query or {}
        headers = dict(headers or {})
        headers["x-ms-date"] = email.utils.formatdate(usegmt=True)
        headers["x-ms-version"] = self.version
        length = str(len(body)) if body else ""
        ms = "".join("%s:%s\n" % (k, headers[k]) for k in sorted(h.lower() for h in headers if h.lower().startswith("x-ms-")))
        canon = "/%s/%s%s" % (self.account, self.account, path) + "".join(
            "\n%s:%s" % (k.lower(), query[k]) for k in sorted(query))
        sts = "\n".join([method, "", "", length, "", headers.get("Content-Type", ""), "", "", "", "", "", ""]) + \
            "\n" + ms + canon
        sig = base64.b64encode(hmac.new(base64.b64decode(self.key), sts.encode(), hashlib.sha256).digest()).decode()
        headers["Authorization"] = "SharedKey %s:%s" % (self.account, sig)
        qs = "&".join("%s=%s" % (k, urllib.request.quote(v, safe="")) for k, v in query.items())
        url = self.endpoint + path + ("?" + qs if qs else "")
        req = urllib.request.Request(url, data=body or None, method=method, headers=headers)
        return urllib.request.urlopen(req, timeout=30).read()

    def make_container(self, name):
        self._request("PUT", "/" + name, {"restype": "container"})
        return name

    def get_blob(self, container, blob):
        return self._request("GET", "/%s/%s" % (container, urllib.request.quote(blob)))

    def account_sas(self, permissions="rwdlacup", hours=2):
        """An account SAS token (query string without '?') for the blob service."""
        start = (datetime.datetime.utcnow() - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        expiry = (datetime.datetime.utcnow() + datetime.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
        sv = "2019-12-12"
        sts = "\n".join([self.account, permissions, "b", "sco", start, expiry, "", "https,http", sv, ""])
        sig = base64.b64encode(hmac.new(base64.b64decode(self.key), sts.encode(), hashlib.sha256).digest()).decode()
        q = [("sv", sv), ("ss", "b"), ("srt", "sco"), ("sp", permissions), ("st", start), ("se", expiry),
             ("spr", "https,http"), ("sig", sig)]
        return "&".join("%s=%s" % (k, urllib.request.quote(v, safe="")) for k, v in q)


# ENV: what `run` exports for each server kind.
def _export(kind, srv, env):
    if kind == "s3rver":
        env.update(CAIRN_S3_ENDPOINT=srv.endpoint, CAIRN_S3_ACCESS_KEY=srv.access_key,
                   CAIRN_S3_SECRET_KEY=srv.secret_key, CAIRN_S3_DATA=srv.data, CAIRN_S3_PORT=str(srv.port))
    elif kind == "proxy":
        env.update(CAIRN_S3_PROXY=srv.endpoint)
    elif kind == "s3tls":
        env.update(CAIRN_S3_TLS_ENDPOINT=srv.endpoint, CAIRN_S3_TLS_CA=srv.ca_file)
    elif kind == "creds":
        env.update(CAIRN_AWS_CREDS=srv.endpoint, CAIRN_AWS_ROLE_ARN=srv.role_arn)
    elif kind == "azurite":
        env.update(CAIRN_AZURE_ENDPOINT=srv.endpoint, CAIRN_AZURE_ACCOUNT=srv.account, CAIRN_AZURE_KEY=srv.key,
                   CAIRN_AZURE_SAS=srv.account_sas(), CAIRN_AZURE_PORT=str(srv.port))
    elif kind == "azproxy":
        env.update(CAIRN_AZURE_PROXY="%s/%s" % (srv.endpoint, AZURITE_ACCOUNT))
    elif kind == "webhdfs":
        env.update(CAIRN_WEBHDFS=srv.address, CAIRN_WEBHDFS_ROOT=srv.root)


def run(kinds, cmd, buckets=("cairn-test", "cairn-vhost", "cairn-fault"), containers=("cairn-test",)):
    started = []
    env = dict(os.environ)
    try:
        s3 = az = None
        for kind in kinds:
            if kind == "s3rver":
                s3 = S3rver().start()
                for b in buckets:
                    s3.make_bucket(b)
                srv = s3
            elif kind == "s3tls":
                srv = S3rver(tls=True).start()
                srv.make_bucket("cairn-tls")
            elif kind == "proxy":
                if not s3:
                    raise RuntimeError("start s3rver before proxy")
                srv = FaultProxy(s3.endpoint, secret=s3.secret_key).start()
            elif kind == "creds":
                srv = AwsCreds(ttl=int(os.environ.get("CAIRN_CREDS_TTL", "8")), external_id="cairn-ext").start()
            elif kind == "azurite":
                srv = az = Azurite().start()
                for c in containers:
                    srv.make_container(c)
            elif kind == "azproxy":
                if not az:
                    raise RuntimeError("start azurite before azproxy")
                srv = FaultProxy("http://127.0.0.1:%d" % az.port).start()
            elif kind == "webhdfs":
                srv = WebHdfs(batch=3, users="cairn,alice").start()
            else:
                raise RuntimeError("unknown server kind %r" % kind)
            started.append(srv)
            _export(kind, srv, env)
        return subprocess.call(cmd, env=env)
    finally:
        for srv in reversed(started):
            srv.cleanup()


def main(argv):
    if len(argv) >= 3 and argv[0] == "run" and "--" in argv:
        i = argv.index("--")
        kinds = [k for k in argv[1].split(",") if k]
        try:
            return run(kinds, argv[i + 1:])
        except Exception as e:  # a server that cannot start is one failed test, with the reason
            print("not ok 1 - cannot start test servers %s: %s" % (",".join(kinds), e))
            return 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
