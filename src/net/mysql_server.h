/* The MySQL protocol server: a listener, one thread per connection (at most max_connections), and a
 * watchdog that notices clients that vanish mid-statement, KILLed connections and query_timeout.
 * Each connection authenticates, gets a Session, and runs its commands through sql_execute (or the
 * executor given in the options, for tests). */
#ifndef CAIRN_NET_MYSQL_SERVER_H
#define CAIRN_NET_MYSQL_SERVER_H

#include <stddef.h>

#include "sql/result.h"
#include "sql/session.h"
#include "util/error.h"

/* Runs the SQL text of one COM_QUERY (one or more statements) into a sink. */
typedef Status (*MysqlExecFn)(Session *s, const char *sql, size_t len, ResultSink *out, Error *err);

typedef struct MysqlServerOptions {
    const char *bind; /* address to listen on, e.g. "127.0.0.1" or "0.0.0.0" */
    int port;         /* 0 = any free port (see mysql_server_port) */
    MysqlExecFn exec; /* NULL = sql_execute */
} MysqlServerOptions;

/* Binds and starts accepting. Port in use: ERR_IO naming bind:port. */
Status mysql_server_start(const MysqlServerOptions *opts, Error *err) MUST_CHECK;
/* The port actually bound (after start). */
int mysql_server_port(void);
/* Stops accepting, lets running statements finish for up to grace_ms, then kills them and closes every
 * connection. Returns when all connection threads have ended (or 5 s after the grace period). */
void mysql_server_stop(int grace_ms);

#endif
