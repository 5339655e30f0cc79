/* Internals shared by the connection loop (mysql_conn.c) and the listener/watchdog (mysql_server.c). */
#ifndef CAIRN_NET_NET_INT_H
#define CAIRN_NET_NET_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "net/mysql_packet.h"
#include "net/mysql_server.h"
#include "sql/session.h"

typedef struct Conn {
    int fd;
    uint32_t id;
    char peer[128];       /* "ip:port" for SHOW PROCESSLIST */
    char peer_ip[96];     /* for authentication and messages */
    PacketConn pc;
    Session *session;     /* NULL until authenticated; owned by the connection thread */
    uint32_t caps;        /* negotiated capabilities */
    bool multi_statements;
    _Atomic int busy;     /* 1 while a command runs (the watchdog only polls busy connections) */
    _Atomic int client_gone;
    _Atomic int timed_out;
    _Atomic int64_t deadline_ms; /* wall clock at which the running statement times out; 0 = none */
    MysqlExecFn exec;
    bool refuse;          /* over max_connections: finish the handshake, answer 1040, close */
} Conn;

/* The connection thread body: handshake, command loop, cleanup. Frees c. */
void *conn_main(void *arg);
/* Sends an ERR packet for err (the one place an Error becomes an ERR packet). */
void conn_send_error(Conn *c, const Error *err);
/* Removes c from the server's list (called by the connection thread before it frees c). */
void server_conn_done(Conn *c);
/* Sets c->session under the list lock (the watchdog reads it from another thread). */
void server_conn_set_session(Conn *c, Session *s);
/* True once mysql_server_stop has begun. */
bool server_stopping(void);

#endif
