#!/usr/bin/python3
"""A WebHDFS server for tests, written from the Hadoop WebHDFS REST API documentation, backed by a directory.

    webhdfs_server.py --root DIR --port-file F [--batch N] [--users alice,bob]

Two listeners share one namespace: the "namenode" (its port goes to --port-file) and a "datanode" (the port in
--port-file + ".datanode"). As in HDFS, CREATE, APPEND and OPEN on the namenode answer 307 Temporary Redirect
with a Location on the datanode, which takes or serves the bytes (CREATE -> 201 Created, APPEND -> 200, OPEN ->
200 with offset/length). Metadata operations (MKDIRS, RENAME, DELETE, GETFILESTATUS, LISTSTATUS,
LISTSTATUS_BATCH) answer JSON; errors are RemoteException JSON with the documented HTTP status (400
IllegalArgumentException, 401 SecurityException, 403 AccessControlException / FileAlreadyExistsException,
404 FileNotFoundException, 500 IOException). Simple authentication: user.name must be given for writes and
be in --users when that list is set. POST /__fault {"op":"CREATE","status":503,"times":1} injects failures
(a RetriableException); GET /__stats counts operations."""
import argparse
import json
import os
import shutil
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

LOCK = threading.Lock()
STATS = {}
FAULTS = []
ARGS = None
DATANODE_PORT = [0]
PREFIX = "/webhdfs/v1"


class RemoteError(Exception):
    def __init__(self, status, exception, java, message):
        super().__init__(message)
        self.status, self.exception, self.java, self.message = status, exception, java, message


def not_found(path):
    return RemoteError(404, "FileNotFoundException", "java.io.FileNotFoundException", "File does not exist: " + path)


def local(path):
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise RemoteError(400, "IllegalArgumentException", "java.lang.IllegalArgumentException",
                          "Invalid path name " + path)
    return os.path.join(ARGS.root, *parts)


def status_of(path, suffix):
    st = os.stat(path)
    is_dir = os.path.isdir(path)
    return {"accessTime": int(st.st_atime * 1000), "blockSize": 0 if is_dir else 134217728, "childrenNum": 0,
            "fileId": st.st_ino, "group": "supergroup", "length": 0 if is_dir else st.st_size,
            "modificationTime": int(st.st_mtime * 1000), "owner": "cairn", "pathSuffix": suffix,
            "permission": "755" if is_dir else "644", "replication": 0 if is_dir else 3, "storagePolicy": 0,
            "type": "DIRECTORY" if is_dir else "FILE"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    datanode = False

    def log_message(self, *a):
        pass

    def _send(self, status, body=b"", ctype="application/json", headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, e):
        self._send(e.status, {"RemoteException": {"exception": e.exception, "javaClassName": e.java,
                                                  "message": e.message}})

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _handle(self):
        body = self._body()
        url = urlsplit(self.path)
        if url.path == "/__fault":
            with LOCK:
                FAULTS[:] = [json.loads(body)] if body else []
            return self._send(200, {})
        if url.path == "/__stats":
            with LOCK:
                return self._send(200, STATS)
        q = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        op = q.get("op", "").upper()
        try:
            if not url.path.startswith(PREFIX):
                raise RemoteError(400, "IllegalArgumentException", "java.lang.IllegalArgumentException",
                                  "Invalid URI path " + url.path)
            path = unquote(url.path[len(PREFIX):]) or "/"
            with LOCK:
                STATS[op] = STATS.get(op, 0) + 1
                for f in FAULTS:
                    if f.get("times", 0) != 0 and f.get("op", op) == op and not self.datanode:
                        f["times"] -= 1
                        raise RemoteError(f.get("status", 503), "RetriableException",
                                          "org.apache.hadoop.ipc.RetriableException", "injected fault")
            self._dispatch(op, path, q, body)
        except RemoteError as e:
            self._error(e)

    def _check_user(self, q, write):
        user = q.get("user.name")
        if write and not user:
            raise RemoteError(401, "SecurityException", "java.lang.SecurityException",
                              "Failed to obtain user group information: user.name is missing")
        if ARGS.users and user and user not in ARGS.users.split(","):
            raise RemoteError(403, "AccessControlException",
                              "org.apache.hadoop.security.AccessControlException",
                              "Permission denied: user=%s, access=WRITE, inode=\"/\":cairn:supergroup:drwxr-xr-x" % user)

    def _redirect(self, op, path, q):
        qs = "&".join("%s=%s" % (quote(k), quote(v)) for k, v in q.items())
        loc = "http://127.0.0.1:%d%s%s?%s" % (DATANODE_PORT[0], PREFIX, quote(path), qs)
        self._send(307, b"", "application/octet-stream", [("Location", loc)])

    def _dispatch(self, op, path, q, body):
        write = op in ("CREATE", "APPEND", "MKDIRS", "RENAME", "DELETE")
        self._check_user(q, write)
        p = local(path)
        if op == "GETFILESTATUS":
            if not os.path.exists(p):
                raise not_found(path)
            return self._send(200, {"FileStatus": status_of(p, "")})
        if op in ("LISTSTATUS", "LISTSTATUS_BATCH"):
            if not os.path.exists(p):
                raise not_found(path)
            if os.path.isfile(p):
                names = [""]
            else:
                names = sorted(os.listdir(p))
            if op == "LISTSTATUS":
                sts = [status_of(os.path.join(p, n) if n else p, n) for n in names]
                return self._send(200, {"FileStatuses": {"FileStatus": sts}})
            after = q.get("startAfter", "")
            rest = [n for n in names if n > after]
            page = rest[:ARGS.batch]
            sts = [status_of(os.path.join(p, n) if n else p, n) for n in page]
            return self._send(200, {"DirectoryListing": {"partialListing": {"FileStatuses": {"FileStatus": sts}},
                                                         "remainingEntries": len(rest) - len(page)}})
        if op == "MKDIRS":
            if os.path.isfile(p):
                raise RemoteError(403, "FileAlreadyExistsException",
                                  "org.apache.hadoop.fs.FileAlreadyExistsException", "Path is not a directory: " + path)
            os.makedirs(p, exist_ok=True)
            return self._send(200, {"boolean": True})
        if op == "DELETE":
            if not os.path.exists(p):
                return self._send(200, {"boolean": False})
            if os.path.isdir(p):
                if os.listdir(p) and q.get("recursive", "false") != "true":
                    raise RemoteError(403, "PathIsNotEmptyDirectoryException",
                                      "org.apache.hadoop.fs.PathIsNotEmptyDirectoryException",
                                      "`%s is non empty': Directory is not empty" % path)
                shutil.rmtree(p)
            else:
                os.unlink(p)
            return self._send(200, {"boolean": True})
        if op == "RENAME":
            dest = q.get("destination")
            if not dest or not dest.startswith("/"):
                raise RemoteError(400, "IllegalArgumentException", "java.lang.IllegalArgumentException",
                                  "Invalid value for webhdfs parameter \"destination\": " + str(dest))
            d = local(dest)
            # HDFS rename (without OVERWRITE) fails rather than replacing an existing file
            if not os.path.exists(p) or (os.path.exists(d) and not os.path.isdir(d)) or \
                    not os.path.isdir(os.path.dirname(d)):
                return self._send(200, {"boolean": False})
            if os.path.isdir(d):
                d = os.path.join(d, os.path.basename(p))
            os.rename(p, d)
            return self._send(200, {"boolean": True})
        if op in ("CREATE", "APPEND", "OPEN"):
            if not self.datanode:
                if op == "OPEN" and not os.path.isfile(p):
                    raise not_found(path)
                if op == "APPEND" and not os.path.isfile(p):
                    raise not_found(path)
                if op == "CREATE" and os.path.exists(p) and q.get("overwrite", "false") != "true":
                    raise RemoteError(403, "FileAlreadyExistsException",
                                      "org.apache.hadoop.fs.FileAlreadyExistsException", path + " for client already exists")
                if body:
                    raise RemoteError(400, "IllegalArgumentException", "java.lang.IllegalArgumentException",
                                      "the namenode takes no data: send it to the datanode the 307 names")
                return self._redirect(op, path, q)
            if op == "CREATE":
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "wb") as f:
                    f.write(body)
                return self._send(201, b"", "application/octet-stream",
                                  [("Location", "hdfs://127.0.0.1:%d%s" % (self.server.server_address[1], path))])
            if op == "APPEND":
                with open(p, "ab") as f:
                    f.write(body)
                return self._send(200, b"", "application/octet-stream")
            with open(p, "rb") as f:
                f.seek(int(q.get("offset", 0)))
                n = int(q["length"]) if "length" in q else -1
                data = f.read(n)
            return self._send(200, data, "application/octet-stream")
        raise RemoteError(400, "IllegalArgumentException", "java.lang.IllegalArgumentException",
                          "Invalid value for webhdfs parameter \"op\": No enum constant " + op)

    do_GET = do_PUT = do_POST = do_DELETE = _handle


class DataHandler(Handler):
    datanode = True


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--users", default="")
    ARGS = ap.parse_args()
    os.makedirs(ARGS.root, exist_ok=True)
    nn = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    dn = ThreadingHTTPServer(("127.0.0.1", 0), DataHandler)
    nn.daemon_threads = dn.daemon_threads = True
    DATANODE_PORT[0] = dn.server_address[1]
    threading.Thread(target=dn.serve_forever, daemon=True).start()
    if ARGS.port_file:
        with open(ARGS.port_file + ".tmp", "w") as f:
            f.write(str(nn.server_address[1]))
        os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    nn.serve_forever()


if __name__ == "__main__":
    main()
