/* Process-wide counters: connections, queries, errors, start time. Written by net/ and http/, read by
 * SHOW STATUS, COM_STATISTICS and /metrics. Every field is an atomic: no lock. */
#ifndef CAIRN_SERVER_STATUS_H
#define CAIRN_SERVER_STATUS_H

#include <stdatomic.h>
#include <stdint.h>

typedef struct ServerStatus {
    _Atomic int64_t start_ms;              /* wall clock when the server started serving */
    _Atomic uint64_t connections_total;    /* accepted MySQL connections (including refused ones) */
    _Atomic int64_t connections_current;   /* live MySQL connections */
    _Atomic uint64_t connections_refused;  /* over max_connections */
    _Atomic uint64_t aborted_connects;     /* failed handshakes / authentication */
    _Atomic uint64_t queries_total;        /* COM_QUERY and COM_INIT_DB commands */
    _Atomic uint64_t query_errors_total;   /* of which answered with an ERR packet */
    _Atomic int64_t running_statements;    /* statements executing right now */
    _Atomic uint64_t bytes_received;       /* MySQL protocol bytes */
    _Atomic uint64_t bytes_sent;
    _Atomic uint64_t http_requests_total;
} ServerStatus;

extern ServerStatus server_status;

/* Number of tablets this node holds, for SHOW BACKENDS' TabletNum; installed by the storage or catalog
 * module at start-up (modules.c). NULL shows 0. */
extern int64_t (*server_tablet_count_fn)(void);

/* Seconds since the server started (0 before). */
int64_t server_uptime_seconds(void);

#endif
