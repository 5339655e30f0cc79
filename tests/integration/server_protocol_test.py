#!/usr/bin/python3
"""MySQL protocol edges against a real cairnd: authentication errors, unknown database at connect,
max_connections, a 20 MB query and a 20 MB value, multi-statements, the raw packet sequence with and without
CLIENT_DEPRECATE_EOF, clients vanishing in the middle of a result, and SIGTERM while a client stalls."""

import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from cairn import Cairnd, Tap, mysql_error  # noqa: E402

import pymysql  # noqa: E402
from pymysql.constants import CLIENT  # noqa: E402

tap = Tap()


def expect_error(fn, errno, text=None):
    try:
        fn()
    except pymysql.err.MySQLError as e:
        no, msg = mysql_error(e)
        assert no == errno, "expected error %d, got %s %s" % (errno, no, msg)
        assert text is None or text in msg, "message %r lacks %r" % (msg, text)
        return msg
    raise AssertionError("expected error %d, it succeeded" % errno)


# ---------------------------------------------------------------- authentication


def auth(srv):
    expect_error(lambda: srv.connect(password="wrong"), 1045,
                 "Access denied for user 'root'@'127.0.0.1' (using password: YES)")
    expect_error(lambda: srv.connect(user="nobody"), 1045, "Access denied for user 'nobody'@'127.0.0.1'")
    r = srv.mysql("SELECT 1", password="wrong")
    assert r.rc == 1 and "ERROR 1045 (28000): Access denied for user 'root'@'127.0.0.1'" in r.err, r


def user_with_password(srv):
    srv.query("CREATE USER 'proto_u' IDENTIFIED BY 'pw1'")
    assert srv.query("SELECT 1", user="proto_u", password="pw1") == [(1,)]
    expect_error(lambda: srv.connect(user="proto_u", password="pw2"), 1045)
    r = srv.mysql("SELECT 2", user="proto_u", password="pw1")
    assert (r.rc, r.out) == (0, "2\n"), r


def init_connect(srv):
    srv.query("SET GLOBAL init_connect = 'SET @from_init = 42'")
    assert srv.query("SELECT @from_init", user="proto_u", password="pw1") == [(42,)]
    assert srv.query("SELECT @from_init") == [(None,)]  # not for ADMIN users
    srv.query("SET GLOBAL init_connect = 'SET no_such_var = 1'")
    expect_error(lambda: srv.connect(user="proto_u", password="pw1"), 1193,
                 "init_connect failed: Unknown system variable 'no_such_var'")
    srv.query("SET GLOBAL init_connect = ''")
    assert srv.query("SELECT 1", user="proto_u", password="pw1") == [(1,)]


def unknown_db_at_connect(srv):
    expect_error(lambda: srv.connect(db="no_such_db"), 1049, "Unknown database 'no_such_db'")
    r = srv.mysql("SELECT 1", db="no_such_db")
    assert r.rc == 1 and "ERROR 1049 (42000): Unknown database 'no_such_db'" in r.err, r


# ---------------------------------------------------------------- sizes and statements


def big_packets(srv):
    conn = srv.connect(max_allowed_packet=128 * 1024 * 1024)
    cur = conn.cursor()
    value = "ab" * (10 * 1024 * 1024)  # 20 MB: the query spans two 16 MB frames
    cur.execute("SELECT LENGTH('%s')" % value)
    assert cur.fetchall() == ((20 * 1024 * 1024,),)
    cur.execute("SELECT '%s'" % value)  # and so does the row coming back
    got = cur.fetchall()[0][0]
    assert got == value, "20 MB value came back with %d bytes" % len(got)
    cur.execute("SELECT 1")
    assert cur.fetchall() == ((1,),)
    conn.close()


def multi_statements(srv):
    conn = srv.connect(client_flag=CLIENT.MULTI_STATEMENTS)
    cur = conn.cursor()
    cur.execute("SELECT 1; SET @x = 2; SHOW VARIABLES LIKE 'autocommit'")
    assert cur.fetchall() == ((1,),)
    assert cur.nextset() and cur.fetchall() == ()
    assert cur.nextset() and cur.fetchall() == (("autocommit", "ON"),)
    assert cur.nextset() is None
    cur.execute("SELECT 1; SET no_such_var = 1; SELECT 3")
    assert cur.fetchall() == ((1,),)
    expect_error(cur.nextset, 1193)
    cur.execute("SELECT 4")  # the connection is still in step
    assert cur.fetchall() == ((4,),)
    single = srv.connect()
    expect_error(lambda: single.cursor().execute("SELECT 1; SELECT 2"), 1064, "multi-statements")
    r = srv.mysql("SELECT 1; SELECT 2;")
    assert (r.rc, r.out) == (0, "1\n2\n"), r


# ---------------------------------------------------------------- raw protocol


def read_packet(sock):
    head = b""
    while len(head) < 4:
        chunk = sock.recv(4 - len(head))
        if not chunk:
            raise EOFError("connection closed")
        head += chunk
    n = head[0] | head[1] << 8 | head[2] << 16
    body = b""
    while len(body) < n:
        chunk = sock.recv(n - len(body))
        if not chunk:
            raise EOFError("connection closed")
        body += chunk
    return head[3], body


def raw_login(port, caps):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    seq, greet = read_packet(s)
    assert seq == 0 and greet[0] == 10, greet[:20]
    version = greet[1:greet.index(b"\0", 1)].decode()
    server_caps = struct.unpack("<H", greet[greet.index(b"\0", 1) + 1 + 4 + 8 + 1:][:2])[0]
    assert not server_caps & 0x0800, "SSL must not be advertised"
    body = struct.pack("<IIB23x", caps, 1 << 24, 33) + b"root\0" + b"\0" + b"mysql_native_password\0"
    s.sendall(struct.pack("<I", len(body))[:3] + bytes([1]) + body)
    seq, ok = read_packet(s)
    assert seq == 2 and ok[0] == 0, ok
    return s, version


def raw_query(s, sql):
    """Sends COM_QUERY; returns [(seq, payload)] up to the end of the response."""
    payload = b"\x03" + sql.encode()
    s.sendall(struct.pack("<I", len(payload))[:3] + b"\x00" + payload)
    packets = [read_packet(s)]
    return packets


def raw_protocol(srv):
    base = 0x200 | 0x8000 | 0x80000 | 0x200000  # PROTOCOL_41, SECURE_CONNECTION, PLUGIN_AUTH, LENENC data
    for deprecate_eof in (False, True):
        s, version = raw_login(srv.port, base | (0x01000000 if deprecate_eof else 0))
        assert version == "8.0.33-cairn", version
        sql = "SHOW VARIABLES LIKE 'autocommit'"
        payload = b"\x03" + sql.encode()
        s.sendall(struct.pack("<I", len(payload))[:3] + b"\x00" + payload)
        packets = [read_packet(s) for _ in range(5 if deprecate_eof else 6)]
        seqs = [p[0] for p in packets]
        assert seqs == list(range(1, len(packets) + 1)), seqs
        assert packets[0][1] == b"\x02", packets[0]  # two columns
        assert b"Variable_name" in packets[1][1] and b"Value" in packets[2][1]
        rows_at = 3 if deprecate_eof else 4
        if not deprecate_eof:
            assert packets[3][1][0] == 0xFE and len(packets[3][1]) == 5, packets[3]
        assert packets[rows_at][1] == b"\x0aautocommit\x02ON", packets[rows_at]
        end = packets[rows_at + 1][1]
        if deprecate_eof:
            assert end[0] == 0xFE and len(end) >= 7, end  # an OK packet with the EOF header
        else:
            assert end[0] == 0xFE and len(end) == 5, end
        assert struct.unpack("<H", end[-2:] if not deprecate_eof else end[3:5])[0] & 0x0002, "autocommit status"
        s.sendall(b"\x01\x00\x00\x00\x0e")  # COM_PING
        seq, ok = read_packet(s)
        assert (seq, ok[0]) == (1, 0), ok
        s.sendall(b"\x01\x00\x00\x00\x99")  # an unknown command
        seq, err = read_packet(s)
        assert err[0] == 0xFF and struct.unpack("<H", err[1:3])[0] == 1047 and err[3:9] == b"#08S01", err
        s.sendall(b"\x01\x00\x00\x00\x01")  # COM_QUIT
        assert s.recv(10) == b""
        s.close()


def garbage_does_not_hurt(srv):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    read_packet(s)
    s.sendall(b"\x05\x00\x00\x01hello")  # a handshake response far too short
    seq, err = read_packet(s)
    assert err[0] == 0xFF, err
    s.close()
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    s.close()  # connect and leave without a word
    assert srv.query("SELECT 1") == [(1,)]


# ---------------------------------------------------------------- connections


def max_connections():
    with Cairnd("proto-maxconn", conf={"max_connections": 3}) as srv:
        held = [srv.connect() for _ in range(3)]
        expect_error(srv.connect, 1040, "Too many connections")
        r = srv.mysql("SELECT 1")
        assert r.rc == 1 and "ERROR 1040 (08004): Too many connections (max_connections = 3)" in r.err, r
        held.pop().close()
        deadline = time.time() + 5
        while True:  # the server notices the close asynchronously
            try:
                c = srv.connect()
                break
            except pymysql.err.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        assert c.cursor().execute("SELECT 1") == 1
        for h in held + [c]:
            h.close()


def setup_rows(srv):
    """A table whose self cross join yields 1,000,000 rows (a statement that takes a while)."""
    srv.query("CREATE DATABASE IF NOT EXISTS proto")
    srv.query("CREATE TABLE IF NOT EXISTS proto.t (k INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 "
              "PROPERTIES ('replication_num' = '1')")
    srv.query("INSERT INTO proto.t VALUES " + ",".join("(%d)" % i for i in range(100)))


BIG = "SELECT a.k, b.k, c.k FROM proto.t a, proto.t b, proto.t c"


def wait_no_running(srv, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        rows = srv.query("SHOW FULL PROCESSLIST")
        busy = [r for r in rows if r[4] == "Query" and "proto.t" in (r[8] or "")]
        if not busy:
            return True
        time.sleep(0.1)
    return False


def forget(conn, cur):
    """Drops pymysql's unfinished result so its destructor does not try to read from a dead socket."""
    for r in (cur._result, conn._result):
        if r is not None:
            r.unbuffered_active = False
    cur._result = None
    conn._result = None
    conn._sock = None
    conn._rfile = None


def client_vanishes_mid_result(srv):
    setup_rows(srv)
    conn = srv.connect(cursorclass=pymysql.cursors.SSCursor)
    cur = conn.cursor()
    cur.execute(BIG)
    assert cur.fetchone() is not None
    conn._sock.shutdown(socket.SHUT_RDWR)  # gone without COM_QUIT, with the server still sending
    forget(conn, cur)
    assert wait_no_running(srv), "the statement kept running after its client left"
    assert srv.query("SELECT COUNT(*) FROM proto.t") == [(100,)]


def sigterm_with_stalled_client():
    with Cairnd("proto-term", conf={"shutdown_grace_ms": 1000}) as srv:
        setup_rows(srv)
        conn = srv.connect(cursorclass=pymysql.cursors.SSCursor)
        cur = conn.cursor()
        cur.execute(BIG)
        cur.fetchone()  # then stop reading: the server blocks sending
        t0 = time.time()
        rc = srv.stop(timeout=20)
        took = time.time() - t0
        assert rc == 0 and took < 10, "exit %s after %.1fs" % (rc, took)
        assert "cancelling 1 running statement(s)" in srv.log(), srv.log()[-2000:]
        forget(conn, cur)


def main():
    with Cairnd("proto") as srv:
        tap.run("wrong password and unknown user: 1045", auth, srv)
        tap.run("a user with a password logs in", user_with_password, srv)
        tap.run("init_connect runs for users without ADMIN", init_connect, srv)
        tap.run("unknown database at connect: 1049", unknown_db_at_connect, srv)
        tap.run("20 MB query and 20 MB value", big_packets, srv)
        tap.run("multi-statements", multi_statements, srv)
        tap.run("raw packets with and without CLIENT_DEPRECATE_EOF", raw_protocol, srv)
        tap.run("malformed handshakes do not hurt the server", garbage_does_not_hurt, srv)
        tap.run("client vanishes in the middle of a result", client_vanishes_mid_result, srv)
    tap.run("max_connections: 1040", max_connections)
    tap.run("SIGTERM with a client that stopped reading", sigterm_with_stalled_client)
    tap.done()


main()
