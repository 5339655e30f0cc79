/* The MySQL listener: accepts connections, enforces max_connections (ERR 1040 before the handshake),
 * starts one detached thread per connection, and runs the watchdog that polls busy connections for a
 * vanished client (POLLRDHUP), enforces query_timeout, and closes KILLed connections.
 * Locking: conns_mu guards the connection list and the live count; Conn.busy/client_gone are atomics. */
#include "net/mysql_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/net_int.h"
#include "server/config.h"
#include "server/status.h"
#include "sql/execute.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/vec.h"

#define MAX_REFUSING 16

static int listen_fd = -1;
static int bound_port;
static pthread_t accept_thread, watchdog_thread;
static _Atomic int stopping;
static _Atomic uint32_t next_conn_id = 1;
static MysqlExecFn exec_fn;

static pthread_mutex_t conns_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t conns_cv = PTHREAD_COND_INITIALIZER;
static VEC(Conn *) conns;

bool server_stopping(void) {
    return atomic_load(&stopping) != 0;
}

int mysql_server_port(void) {
    return bound_port;
}

void server_conn_done(Conn *c) {
    pthread_mutex_lock(&conns_mu);
    for (size_t i = 0; i < conns.len; i++)
        if (conns.items[i] == c) {
            conns.items[i] = conns.items[conns.len - 1];
            conns.len--;
            break;
        }
    atomic_fetch_sub(&server_status.connections_current, 1);
    pthread_cond_broadcast(&conns_cv);
    pthread_mutex_unlock(&conns_mu);
}

void server_conn_set_session(Conn *c, Session *s) {
    pthread_mutex_lock(&conns_mu);
    c->session = s;
    pthread_mutex_unlock(&conns_mu);
}

static void peer_name(int fd, Conn *c) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char host[NI_MAXHOST] = "unknown", port[NI_MAXSERV] = "0";
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0)
        getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
    /* IPv4 clients of a dual-stack socket show as ::ffff:a.b.c.d; users and grants name a.b.c.d */
    const char *h = strncmp(host, "::ffff:", 7) == 0 ? host + 7 : host;
    snprintf(c->peer_ip, sizeof c->peer_ip, "%s", h);
    snprintf(c->peer, sizeof c->peer, "%s:%s", h, port);
}

/* Over max_connections: the greeting is replaced by an ERR packet, as MySQL does. */
static void refuse_too_many(int fd) {
    Error err = ERROR_INIT;
    err_set(&err, ERR_TOO_MANY_CONNECTIONS, "Too many connections (max_connections = %lld)",
            (long long)config_get_int("max_connections"));
    StrBuf b = STRBUF_INIT;
    uint8_t h[4] = {0, 0, 0, 0};
    sb_appendn(&b, h, 4);
    uint8_t ff = 0xff;
    sb_appendn(&b, &ff, 1);
    uint16_t no = (uint16_t)err_mysql_errno(err.code);
    uint8_t nb[2] = {(uint8_t)no, (uint8_t)(no >> 8)};
    sb_appendn(&b, nb, 2);
    sb_putc(&b, '#');
    sb_append(&b, err_sqlstate(err.code));
    sb_append(&b, err.msg);
    size_t n = b.len - 4;
    b.data[0] = (char)(n & 0xff);
    b.data[1] = (char)((n >> 8) & 0xff);
    b.data[2] = (char)((n >> 16) & 0xff);
    ssize_t sent = send(fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)sent;
    sb_free(&b);
    /* Let the client read the error before the FIN, so it reports 1040 and not "lost connection". */
    shutdown(fd, SHUT_WR);
    struct pollfd pfd = {fd, POLLIN, 0};
    if (poll(&pfd, 1, 200) > 0) {
        char sink[256];
        ssize_t got = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
        (void)got;
    }
    close(fd);
}

static void *accept_main(void *arg) {
    while (!atomic_load(&stopping)) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (atomic_load(&stopping)) break;
            if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) {
                log_warn("accept on MySQL port %d: %s; retrying in 100 ms", bound_port, strerror(errno));
                clock_sleep_ms(100);
                continue;
            }
            if (errno == EINVAL || errno == EBADF) break; /* the listener was shut down */
            log_warn("accept on MySQL port %d: %s", bound_port, strerror(errno));
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        atomic_fetch_add(&server_status.connections_total, 1);
        pthread_mutex_lock(&conns_mu);
        int64_t max = config_get_int("max_connections");
        size_t refusing = 0;
        for (size_t i = 0; i < conns.len; i++) refusing += conns.items[i]->refuse;
        bool full = max > 0 && (int64_t)(conns.len - refusing) >= max;
        Conn *c = NULL;
        /* Over the limit, a few threads still finish the handshake to send a clean 1040; past those,
         * the error replaces the greeting so a connection flood costs no threads. */
        if (!full || refusing < MAX_REFUSING) {
            c = calloc(1, sizeof *c);
            c->fd = fd;
            c->id = atomic_fetch_add(&next_conn_id, 1);
            c->exec = exec_fn;
            c->refuse = full;
            pkt_init(&c->pc, fd, 16 * 1024 * 1024);
            peer_name(fd, c);
            vec_push(&conns, c);
            atomic_fetch_add(&server_status.connections_current, 1);
        }
        pthread_mutex_unlock(&conns_mu);
        if (full) atomic_fetch_add(&server_status.connections_refused, 1);
        if (!c) {
            refuse_too_many(fd);
            continue;
        }
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 8u << 20);
        if (pthread_create(&t, &attr, conn_main, c) != 0) {
            log_error("cannot start a thread for connection %u: %s", c->id, strerror(errno));
            server_conn_done(c);
            pkt_free(&c->pc);
            close(fd);
            free(c);
        }
        pthread_attr_destroy(&attr);
    }
    return NULL;
}

/* One pass over the connections: client gone, query_timeout, KILL CONNECTION. Under conns_mu. */
static void watch_once(void) {
    int64_t now = clock_now_ms();
    pthread_mutex_lock(&conns_mu);
    for (size_t i = 0; i < conns.len; i++) {
        Conn *c = conns.items[i];
        Session *s = c->session;
        if (!s) continue;
        if (atomic_load(&s->closing)) {
            /* KILL CONNECTION: wake the thread if it is blocked reading; a running statement sees the flag */
            shutdown(c->fd, SHUT_RD);
        }
        if (!atomic_load(&c->busy)) continue;
        struct pollfd pfd = {c->fd, POLLRDHUP, 0};
        if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
            if (!atomic_exchange(&c->client_gone, 1))
                log_info("connection %u: client %s went away during a statement; cancelling it", c->id, c->peer);
            atomic_store(&s->killed, 1);
        }
        /* the deadline was computed by the connection thread: reading the session's variables from here
         * would race with a SET running on it */
        int64_t deadline = atomic_load(&c->deadline_ms);
        if (deadline > 0 && now > deadline && !atomic_exchange(&c->timed_out, 1)) {
            log_info("connection %u: statement exceeded query_timeout; cancelling it", c->id);
            atomic_store(&s->killed, 1);
        }
    }
    pthread_mutex_unlock(&conns_mu);
}

static void *watchdog_main(void *arg) {
    while (!atomic_load(&stopping)) {
        watch_once();
        clock_sleep_ms(100);
    }
    return NULL;
}

Status mysql_server_start(const MysqlServerOptions *opts, Error *err) {
    exec_fn = opts->exec ? opts->exec : sql_execute;
    atomic_store(&stopping, 0);
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char port[16];
    snprintf(port, sizeof port, "%d", opts->port);
    const char *bind_addr = opts->bind && *opts->bind ? opts->bind : NULL;
    int rc = getaddrinfo(bind_addr, port, &hints, &res);
    if (rc != 0)
        return err_set(err, ERR_INVALID_ARGUMENT, "cannot use bind address '%s': %s", opts->bind ? opts->bind : "",
                       gai_strerror(rc));
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        freeaddrinfo(res);
        return err_set(err, ERR_IO, "cannot create a socket: %s", strerror(errno));
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 128) != 0) {
        int e = errno;
        freeaddrinfo(res);
        close(fd);
        return err_set(err, ERR_IO, "cannot listen on %s:%d for MySQL clients: %s%s", opts->bind, opts->port,
                       strerror(e), e == EADDRINUSE ? " (another process uses the port: pick another --mysql-port)" : "");
    }
    freeaddrinfo(res);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    bound_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                : ((struct sockaddr_in *)&ss)->sin_port);
    listen_fd = fd;
    if (pthread_create(&accept_thread, NULL, accept_main, NULL) != 0) {
        close(fd);
        listen_fd = -1;
        return err_set(err, ERR_INTERNAL, "cannot start the MySQL accept thread");
    }
    if (pthread_create(&watchdog_thread, NULL, watchdog_main, NULL) != 0) {
        atomic_store(&stopping, 1);
        shutdown(fd, SHUT_RDWR);
        pthread_join(accept_thread, NULL);
        close(fd);
        listen_fd = -1;
        return err_set(err, ERR_INTERNAL, "cannot start the MySQL watchdog thread");
    }
    log_info("MySQL protocol listening on %s:%d", opts->bind, bound_port);
    return STATUS_OK;
}

/* Waits until no connection is left or deadline (monotonic ns) passes; returns the number left.
 * Idle connections are woken on every pass so they notice `stopping` and leave. */
static size_t wait_conns(int64_t deadline_ns, bool kill_running) {
    pthread_mutex_lock(&conns_mu);
    for (;;) {
        for (size_t i = 0; i < conns.len; i++) {
            Conn *c = conns.items[i];
            if (kill_running && c->session) atomic_store(&c->session->killed, 1);
            /* idle: wake the blocked read; running and out of time: also fail a send blocked on a client
             * that does not read */
            if (kill_running) shutdown(c->fd, SHUT_RDWR);
            else if (!atomic_load(&c->busy)) shutdown(c->fd, SHUT_RD);
        }
        if (conns.len == 0 || clock_mono_ns() >= deadline_ns) break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 50 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&conns_cv, &conns_mu, &ts);
    }
    size_t left = conns.len;
    pthread_mutex_unlock(&conns_mu);
    return left;
}

void mysql_server_stop(int grace_ms) {
    if (listen_fd < 0) return;
    atomic_store(&stopping, 1);
    shutdown(listen_fd, SHUT_RDWR);
    pthread_join(accept_thread, NULL);
    pthread_join(watchdog_thread, NULL);
    close(listen_fd);
    listen_fd = -1;
    int64_t now = clock_mono_ns();
    size_t left = wait_conns(now + (int64_t)grace_ms * 1000000, false);
    if (left > 0) {
        log_info("shutdown: cancelling %zu running statement(s) after %d ms", left, grace_ms);
        left = wait_conns(clock_mono_ns() + 5000 * 1000000LL, true);
        if (left > 0) log_warn("shutdown: %zu connection(s) did not end within 5 s", left);
    }
    pthread_mutex_lock(&conns_mu);
    vec_free(&conns);
    pthread_mutex_unlock(&conns_mu);
    log_info("MySQL protocol server stopped");
}
