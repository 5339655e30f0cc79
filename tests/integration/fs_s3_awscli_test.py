#!/usr/bin/python3
"""The S3 driver seen from outside: cairn-fs writes to s3rver (the SigV4-verifying fork) and /usr/bin/aws reads
back, and the other way round. Includes the one large multipart file of the suite (320 MiB, 8 MiB parts sent 4
at a time), a listing past one page compared with aws s3api, and zstd + AES-256-GCM files whose stored bytes
aws downloads and whose checksums cairn reported."""
import hashlib
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from servers import S3rver  # noqa: E402

TOOL = os.path.join(ROOT, os.environ.get("CAIRN_BUILD", "build"), "cairn-fs")
N = [0]
FAILED = [0]


def report(ok, name, detail=""):
    N[0] += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", N[0], name))
    if not ok:
        FAILED[0] += 1
        for line in str(detail).splitlines()[:20]:
            print("#   " + line)


def sha_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def make_file(path, size, seed):
    """Half random, half repetitive text: realistic for compression, cheap to make."""
    block = os.urandom(1 << 20) if seed % 2 else (b"cairn backup row %08d\n" % seed) * 43690
    with open(path, "wb") as f:
        left = size
        i = 0
        while left > 0:
            chunk = block if i % 2 == 0 else os.urandom(min(1 << 20, left))
            f.write(chunk[:left])
            left -= min(len(chunk), left)
            i += 1


def cairn(s3, *args, check=True):
    props = ["-p", "aws.s3.access_key=" + s3.access_key, "-p", "aws.s3.secret_key=" + s3.secret_key,
             "-p", "aws.s3.endpoint=" + s3.endpoint]
    return subprocess.run([TOOL] + props + list(args), capture_output=True, text=True, check=check, timeout=600)


def main():
    with S3rver() as s3:
        s3.make_bucket("cli")
        tmp = os.path.join(s3.dir, "files")
        os.makedirs(tmp)
        big = os.path.join(tmp, "big.bin")
        make_file(big, 320 << 20, 1)
        want = sha_file(big)

        r = cairn(s3, "put", "s3a://cli/repo", big, "data/big.bin")
        res = json.loads(r.stdout)
        report(res["plain_sha256"] == want and res["plain_size"] == 320 << 20,
               "cairn uploads 320 MiB as a multipart object (%.1f s)" % res["seconds"], r.stdout + r.stderr)
        head = json.loads(s3.aws("s3api", "head-object", "--bucket", "cli", "--key", "repo/data/big.bin").stdout)
        report(head["ContentLength"] == 320 << 20, "aws sees its size", head)
        out = os.path.join(tmp, "aws-down.bin")
        s3.aws("s3", "cp", "s3://cli/repo/data/big.bin", out, "--only-show-errors")
        report(sha_file(out) == want, "aws downloads the same bytes")
        os.unlink(out)

        up = os.path.join(tmp, "aws-up.bin")
        make_file(up, 37 << 20, 2)
        s3.aws("s3", "cp", up, "s3://cli/repo/from-aws/up.bin", "--only-show-errors")
        back = os.path.join(tmp, "cairn-down.bin")
        r = cairn(s3, "get", "s3://cli/repo", "from-aws/up.bin", back)
        report(r.returncode == 0 and sha_file(back) == sha_file(up), "cairn reads what aws wrote (multipart by aws)",
               r.stderr)

        # a listing past one page (the driver pages at 7 keys here), compared with aws's own listing
        small = os.path.join(tmp, "small")
        os.makedirs(small)
        for i in range(40):
            with open(os.path.join(small, "f%02d" % i), "wb") as f:
                f.write(b"x" * i)
        r = cairn(s3, "--threads", "4", "put-dir", "s3://cli/repo", small, "many")
        report(r.returncode == 0 and json.loads(r.stdout)["files"] == 40, "cairn uploads 40 files in parallel",
               r.stdout + r.stderr)
        r = cairn(s3, "-p", "fs.s3.list_max_keys=7", "ls", "s3://cli/repo", "many", "-r")
        mine = sorted(line.split("\t")[0] for line in r.stdout.splitlines())
        theirs = json.loads(s3.aws("s3api", "list-objects-v2", "--bucket", "cli", "--prefix", "repo/many/").stdout)
        aws_keys = sorted(o["Key"][len("repo/many/"):] for o in theirs["Contents"])
        report(mine == aws_keys and len(mine) == 40, "cairn's paged listing equals aws's (40 keys, pages of 7)",
               "%s\n%s" % (mine, aws_keys))
        sizes = {line.split("\t")[0]: int(line.split("\t")[1]) for line in r.stdout.splitlines()}
        report(all(sizes["f%02d" % i] == i for i in range(40)), "listed sizes are right")

        # compressed + encrypted: aws fetches the stored bytes; their sha256 is what cairn reported
        mid = os.path.join(tmp, "mid.bin")
        make_file(mid, 24 << 20, 4)
        r = cairn(s3, "--zstd", "3", "--passphrase", "correct horse", "put", "s3://cli/repo", mid, "enc/mid.bin")
        res = json.loads(r.stdout)
        stored = os.path.join(tmp, "stored.bin")
        s3.aws("s3", "cp", "s3://cli/repo/enc/mid.bin", stored, "--only-show-errors")
        with open(stored, "rb") as f:
            magic = f.read(8)
        report(sha_file(stored) == res["stored_sha256"] and os.path.getsize(stored) == res["stored_size"] and
               magic == b"CAIRNAE1" and res["stored_size"] < res["plain_size"],
               "stored bytes are the compressed, encrypted form cairn reported", r.stdout)
        back = os.path.join(tmp, "mid-back.bin")
        r = cairn(s3, "--zstd", "3", "--passphrase", "correct horse", "get", "s3://cli/repo", "enc/mid.bin", back)
        report(r.returncode == 0 and sha_file(back) == sha_file(mid), "cairn decrypts and decompresses it back",
               r.stderr)
        r = cairn(s3, "--zstd", "3", "--passphrase", "wrong", "get", "s3://cli/repo", "enc/mid.bin", back + "2",
                  check=False)
        report(r.returncode != 0 and "fails authentication" in r.stderr and not os.path.exists(back + "2"),
               "the wrong passphrase is refused and leaves no file", r.stderr)

        # deletes are visible from outside
        r = cairn(s3, "rm-prefix", "s3://cli/repo", "many")
        left = json.loads(s3.aws("s3api", "list-objects-v2", "--bucket", "cli", "--prefix", "repo/many/").stdout
                          or "{}")
        report(r.returncode == 0 and not left.get("Contents"), "rm-prefix removes everything below", left)
        r = cairn(s3, "probe", "s3://cli/repo")
        report(r.returncode == 0 and r.stdout.startswith("ok: s3://cli/repo (s3)"), "probe", r.stdout + r.stderr)
    return 1 if FAILED[0] else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # a crash is one failure with its reason, not silence
        print("not ok %d - %s: %s" % (N[0] + 1, type(e).__name__, e))
        sys.exit(1)
