#!/usr/bin/python3
"""Differential SigV4 test: a few hundred generated requests (methods, odd and unicode keys, query strings,
repeated and padded headers, empty, signed and unsigned/streamed payloads, session tokens, S3 and STS) are
signed by cairn (build/cairn-fs sign) and by botocore's signer (Debian python3-botocore), and every
Authorization header must be identical. The path is quoted here with urllib, independently of cairn's
encoder; botocore encodes the query parameters itself."""
import hashlib
import json
import os
import random
import subprocess
import sys
from urllib.parse import quote

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "servers"))
import sigv4_botocore  # noqa: E402

TOOL = os.path.join(ROOT, os.environ.get("CAIRN_BUILD", "build"), "cairn-fs")
rnd = random.Random(20261125)

KEY_PARTS = ["data", "ab", "file.bin", "with space", "plus+sign", "per%cent", "tilde~ok", "star*", "quote'",
             "paren(x)", "comma,semi;", "eq=amp&", "colon:at@", "dollar$", "unicode-é", "漢字", "emoji-🙂",
             "__cairn_repository_r1", "snapshots", "2026-11-25-12-00-00-000", "manifest.json", "a!b", "brackets[1]"]
QUERY = [("list-type", "2"), ("prefix", "dir/sub dir/"), ("delimiter", "/"), ("max-keys", "1000"),
         ("continuation-token", "1/abc+def=="), ("uploads", ""), ("partNumber", "17"), ("uploadId", "VXBs~b2Fk.x_y-z"),
         ("versionId", "null"), ("encoding-type", "url"), ("start-after", "é/ü"), ("x-id", "PutObject")]
EMPTY = hashlib.sha256(b"").hexdigest()


def gen(i):
    method = rnd.choice(["GET", "PUT", "POST", "DELETE", "HEAD"])
    key = "/".join(rnd.choice(KEY_PARTS) for _ in range(rnd.randint(0, 4)))
    path = "/cairn-bucket" + ("/" + key if key else "")
    params = rnd.sample(QUERY, rnd.randint(0, 4))
    host = rnd.choice(["127.0.0.1:4568", "s3.us-west-2.amazonaws.com", "bkt.s3.localhost:9000", "storage.googleapis.com"])
    date = "2026%02d%02dT%02d%02d%02dZ" % (rnd.randint(1, 12), rnd.randint(1, 28), rnd.randint(0, 23),
                                         rnd.randint(0, 59), rnd.randint(0, 59))
    kind = rnd.choice(["empty", "body", "unsigned"])
    if kind == "empty":
        payload = EMPTY
    elif kind == "body":
        payload = hashlib.sha256(os.urandom(rnd.randint(1, 5000))).hexdigest()
    else:
        payload = "UNSIGNED-PAYLOAD"  # a streamed body whose hash is not signed
    headers = [("host", host), ("x-amz-date", date)]
    if rnd.random() < 0.4:
        headers.append(("Range", "bytes=%d-%d" % (rnd.randint(0, 100), rnd.randint(101, 10**9))))
    if rnd.random() < 0.3:
        headers.append(("Content-Type", rnd.choice(["application/xml", "application/octet-stream",
                                                     "text/plain;  charset=utf-8"])))
    if rnd.random() < 0.3:
        headers.append(("X-Amz-Meta-Note", "  padded   value  "))
    if rnd.random() < 0.2:
        headers.append(("x-amz-storage-class", "STANDARD_IA"))
    token = "FQoGZXIvYXdzE" + str(i) if rnd.random() < 0.25 else None
    region = rnd.choice(["us-east-1", "eu-central-1", "auto", "cn-hangzhou"])
    secret = rnd.choice(["S3RVER", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "a+b/c=d"])
    service = "s3" if rnd.random() < 0.9 else "sts"
    if service == "sts":
        # STS requests go to "/"; other services' double-encoded paths are not something cairn signs
        path = "/"
    return dict(method=method, key_path=path, params=params, host=host, date=date, payload=payload,
                headers=headers, token=token, region=region, secret=secret, access="AKID%04d" % i, service=service)


def main():
    reqs = [gen(i) for i in range(400)]
    lines = []
    for r in reqs:
        hdrs = list(r["headers"]) + [("x-amz-content-sha256", r["payload"])]
        if r["token"]:
            hdrs.append(("x-amz-security-token", r["token"]))
        lines.append(json.dumps({"method": r["method"], "path": r["key_path"], "query": r["params"],
                                 "headers": hdrs, "payload": r["payload"], "date": r["date"],
                                 "access_key": r["access"], "secret_key": r["secret"], "region": r["region"],
                                 "service": r["service"]}, ensure_ascii=False))
    try:
        out = subprocess.run([TOOL, "sign"], input="\n".join(lines) + "\n", capture_output=True, text=True,
                             check=True, timeout=60).stdout.splitlines()
    except (OSError, subprocess.SubprocessError) as e:
        print("not ok 1 - cairn-fs sign failed: %s" % e)
        return 1
    failures = 0
    n = 0
    for group in range(0, len(reqs), 50):
        bad = []
        for i in range(group, min(group + 50, len(reqs))):
            r = reqs[i]
            url = "https://%s%s" % (r["host"], quote(r["key_path"], safe="/~"))
            want = sigv4_botocore.sign(r["method"], url, r["params"], r["headers"], r["payload"], r["access"],
                                       r["secret"], r["region"], r["service"], r["token"], payload_header=True)
            got = out[i] if i < len(out) else "(missing)"
            if got != want:
                bad.append((i, got, want))
        n += 1
        if bad:
            failures += 1
            print("not ok %d - requests %d..%d signed like botocore (%d differ)" % (n, group, group + 49, len(bad)))
            for i, got, want in bad[:3]:
                print("#   request %d: %s\n#     cairn:    %s\n#     botocore: %s" % (i, lines[i], got, want))
        else:
            print("ok %d - requests %d..%d signed like botocore" % (n, group, group + 49))
    n += 1
    covered = (any(r["payload"] == "UNSIGNED-PAYLOAD" for r in reqs) and any(r["token"] for r in reqs) and
               any("漢字" in r["key_path"] for r in reqs) and any(r["service"] == "sts" for r in reqs) and
               any(r["payload"] == EMPTY for r in reqs) and len(out) == len(reqs))
    print("%s %d - the generated set covers unsigned payloads, tokens, unicode keys, STS, empty bodies" %
          ("ok" if covered else "not ok", n))
    return 1 if failures or not covered else 0


if __name__ == "__main__":
    sys.exit(main())
