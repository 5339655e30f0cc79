#!/usr/bin/python3
"""A loopback HTTP proxy for S3 traffic that injects faults and re-checks every SigV4 signature with botocore.

    fault_proxy.py --port P --target 127.0.0.1:T [--secret KEY] [--port-file F]

Control (answered by the proxy itself, never forwarded):
    POST /__fault   JSON list of rules, replacing the current ones. A rule:
        {"method": "PUT", "path": "regex", "query": "regex", "action": "status", "status": 503,
         "code": "SlowDown", "times": 2}          answer with an S3 error instead of forwarding
        {"action": "reset", "after": 65536, ...}  forward, then cut the connection (RST) after N response bytes
        {"action": "reset_request", ...}          read part of the request body, then cut the connection
        {"action": "delay", "ms": 500, ...}       wait before forwarding
      "times": how many matching requests the rule hits (-1 = all); method/path/query default to any.
    GET /__stats    {"requests": n, "faults": n, "signatures_checked": n, "signature_mismatches": n,
                     "mismatches": [...first few...], "payload_mismatches": n}
With --secret, each forwarded request's Authorization is recomputed with botocore from the headers it names
and its x-amz-content-sha256 is compared with the body actually sent; mismatches are counted (the request is
still forwarded, so the server's own verdict shows too)."""
import argparse
import hashlib
import http.client
import json
import os
import re
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigv4_botocore  # noqa: E402

LOCK = threading.Lock()
RULES = []
STATS = {"requests": 0, "faults": 0, "signatures_checked": 0, "signature_mismatches": 0, "mismatches": [],
         "payload_mismatches": 0}
ARGS = None


def take_rule(method, path, query):
    with LOCK:
        for r in RULES:
            if r.get("times", -1) == 0:
                continue
            if r.get("method") and r["method"] != method:
                continue
            if r.get("path") and not re.search(r["path"], path):
                continue
            if r.get("query") and not re.search(r["query"], query):
                continue
            if r.get("times", -1) > 0:
                r["times"] -= 1
            STATS["faults"] += 1
            return dict(r)
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def _reset(self):
        # SO_LINGER with a zero timeout makes close() send RST: the client sees "connection reset"
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _reply(self, status, body, ctype="application/xml"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _control(self, body):
        global RULES
        if self.command == "POST" and self.path == "/__fault":
            with LOCK:
                RULES = json.loads(body or b"[]")
            return self._reply(200, b"{}", "application/json")
        if self.command == "GET" and self.path == "/__stats":
            with LOCK:
                return self._reply(200, json.dumps(STATS).encode(), "application/json")
        if self.command == "POST" and self.path == "/__reset_stats":
            with LOCK:
                for k in STATS:
                    STATS[k] = [] if isinstance(STATS[k], list) else 0
            return self._reply(200, b"{}", "application/json")
        return self._reply(404, b"{}", "application/json")

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        path, _, query = self.path.partition("?")
        rule = take_rule(self.command, path, query)
        if rule and rule.get("action") == "reset_request":
            if length > 1:
                self.rfile.read(length // 2)
            return self._reset()
        body = self.rfile.read(length) if length else b""
        if path.startswith("/__"):
            return self._control(body)
        with LOCK:
            STATS["requests"] += 1
        if ARGS.secret and "Authorization" in self.headers:
            self._check_signature(body)
        if rule and rule.get("action") == "status":
            code = rule.get("code", "InternalError")
            xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>%s</Code><Message>%s</Message>"
                   "<RequestId>fault</RequestId></Error>" % (code, rule.get("message", "injected by fault_proxy")))
            return self._reply(int(rule.get("status", 500)), xml.encode())
        if rule and rule.get("action") == "delay":
            time.sleep(rule.get("ms", 100) / 1000.0)
        self._forward(body, rule)

    def _check_signature(self, body):
        headers = list(self.headers.items())
        auth = self.headers["Authorization"]
        ok, expected = sigv4_botocore.verify(self.command, self.path, headers, auth, ARGS.secret)
        sha = self.headers.get("x-amz-content-sha256")
        with LOCK:
            STATS["signatures_checked"] += 1
            if not ok:
                STATS["signature_mismatches"] += 1
                if len(STATS["mismatches"]) < 5:
                    STATS["mismatches"].append({"request": "%s %s" % (self.command, self.path), "sent": auth,
                                                "botocore": expected})
            if sha and sha != "UNSIGNED-PAYLOAD" and sha != hashlib.sha256(body).hexdigest():
                STATS["payload_mismatches"] += 1

    def _forward(self, body, rule):
        host, port = ARGS.target.rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        try:
            conn.request(self.command, self.path, body=body if body else None, headers=headers)
            resp = conn.getresponse()
        except OSError:
            return self._reset()
        self.send_response_only(resp.status, resp.reason)
        data = None
        clen = resp.getheader("Content-Length")
        if clen is None and self.command != "HEAD":
            data = resp.read()
            clen = str(len(data))
        for k, v in resp.getheaders():
            if k.lower() in ("connection", "keep-alive", "transfer-encoding", "content-length", "date", "server"):
                continue
            self.send_header(k, v)
        if clen is not None:
            self.send_header("Content-Length", clen)
        self.end_headers()
        if self.command == "HEAD":
            conn.close()
            return
        cut = rule.get("after", 0) if rule and rule.get("action") == "reset" else None
        sent = 0
        if data is not None:
            chunks = [data]
        else:
            chunks = iter(lambda: resp.read(65536), b"")
        for chunk in chunks:
            if cut is not None and sent + len(chunk) > cut:
                self.wfile.write(chunk[: max(0, cut - sent)])
                self.wfile.flush()
                conn.close()
                return self._reset()
            self.wfile.write(chunk)
            sent += len(chunk)
        conn.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--target", required=True)
    ap.add_argument("--secret")
    ap.add_argument("--port-file")
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
