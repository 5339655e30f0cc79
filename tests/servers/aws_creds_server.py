#!/usr/bin/python3
"""A loopback stand-in for the EC2 instance metadata service (IMDSv2) and STS AssumeRole, answering as AWS
documents them, with short-lived credentials so expiry and refresh can be tested.

    aws_creds_server.py --port-file F --access-key AK --secret-key SK --ttl SECONDS
                        [--role-name R] [--role-arn ARN] [--external-id X] [--base-secret S]

IMDSv2: PUT /latest/api/token (needs X-aws-ec2-metadata-token-ttl-seconds) -> token; GETs under
/latest/meta-data/ need X-aws-ec2-metadata-token (else 401). /latest/meta-data/iam/security-credentials/ lists
the role; .../<role> returns {"Code":"Success", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"}.
STS: POST / with Action=AssumeRole form; the SigV4 signature is checked with botocore against --base-secret;
RoleArn and ExternalId must match. Errors use STS's <ErrorResponse> XML.
GET /__stats returns counters; every issued session token is distinct ("imds-token-N", "sts-token-N")."""
import argparse
import datetime
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigv4_botocore  # noqa: E402

LOCK = threading.Lock()
STATS = {"imds_tokens": 0, "imds_credentials": 0, "imds_unauthorized": 0, "sts_assume": 0, "sts_denied": 0,
         "last_session_name": None, "last_external_id": None}
TOKENS = set()
ARGS = None


def expiration():
    t = datetime.datetime.utcnow() + datetime.timedelta(seconds=ARGS.ttl)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def _reply(self, status, body, ctype="text/plain"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_PUT(self):
        self._body()
        if self.path != "/latest/api/token":
            return self._reply(404, "Not Found")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        if not ttl or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            return self._reply(400, "Bad Request")
        with LOCK:
            STATS["imds_tokens"] += 1
            tok = "imds-session-%d" % STATS["imds_tokens"]
            TOKENS.add(tok)
        self._reply(200, tok)

    def do_GET(self):
        if self.path == "/__stats":
            with LOCK:
                return self._reply(200, json.dumps(STATS), "application/json")
        if not self.path.startswith("/latest/meta-data/"):
            return self._reply(404, "Not Found")
        with LOCK:
            if self.headers.get("X-aws-ec2-metadata-token") not in TOKENS:
                STATS["imds_unauthorized"] += 1
                return self._reply(401, "Unauthorized")
        base = "/latest/meta-data/iam/security-credentials/"
        if self.path == base:
            return self._reply(200, ARGS.role_name)
        if self.path == base + ARGS.role_name:
            with LOCK:
                STATS["imds_credentials"] += 1
                n = STATS["imds_credentials"]
            doc = {"Code": "Success", "LastUpdated": expiration(), "Type": "AWS-HMAC",
                   "AccessKeyId": ARGS.access_key, "SecretAccessKey": ARGS.secret_key,
                   "Token": "imds-token-%d" % n, "Expiration": expiration()}
            return self._reply(200, json.dumps(doc, indent=2), "application/json")
        return self._reply(404, "Not Found")

    def _sts_error(self, status, code, message):
        with LOCK:
            STATS["sts_denied"] += 1
        xml = ("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
               "<Code>%s</Code><Message>%s</Message></Error><RequestId>fake</RequestId></ErrorResponse>" %
               (code, message))
        return self._reply(status, xml, "text/xml")

    def do_POST(self):
        body = self._body()
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        if form.get("Action") != "AssumeRole":
            return self._sts_error(400, "InvalidAction", "Could not find operation %s" % form.get("Action"))
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            return self._sts_error(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
        ok, _ = sigv4_botocore.verify("POST", self.path, list(self.headers.items()), auth, ARGS.base_secret)
        if not ok:
            return self._sts_error(403, "SignatureDoesNotMatch",
                                   "The request signature we calculated does not match the signature you provided")
        if ARGS.role_arn and form.get("RoleArn") != ARGS.role_arn:
            return self._sts_error(403, "AccessDenied", "User is not authorized to perform: sts:AssumeRole on "
                                   "resource: %s" % form.get("RoleArn"))
        if ARGS.external_id and form.get("ExternalId") != ARGS.external_id:
            return self._sts_error(403, "AccessDenied", "Invalid ExternalId")
        with LOCK:
            STATS["sts_assume"] += 1
            STATS["last_session_name"] = form.get("RoleSessionName")
            STATS["last_external_id"] = form.get("ExternalId")
            n = STATS["sts_assume"]
        xml = ("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
               "<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>"
               "<SessionToken>sts-token-%d</SessionToken><Expiration>%s</Expiration></Credentials>"
               "<AssumedRoleUser><Arn>%s/%s</Arn><AssumedRoleId>AROAFAKE:%s</AssumedRoleId></AssumedRoleUser>"
               "</AssumeRoleResult><ResponseMetadata><RequestId>fake-%d</RequestId></ResponseMetadata>"
               "</AssumeRoleResponse>" % (ARGS.access_key, ARGS.secret_key, n, expiration(), form.get("RoleArn"),
                                          form.get("RoleSessionName"), form.get("RoleSessionName"), n))
        self._reply(200, xml, "text/xml")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--access-key", default="S3RVER")
    ap.add_argument("--secret-key", default="S3RVER")
    ap.add_argument("--base-secret", default="S3RVER")
    ap.add_argument("--ttl", type=int, default=3600)
    ap.add_argument("--role-name", default="cairn-test-role")
    ap.add_argument("--role-arn", default="arn:aws:iam::123456789012:role/cairn-backup")
    ap.add_argument("--external-id")
    ARGS = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    srv.daemon_threads = True
    if ARGS.port_file:
        with open(ARGS.port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
