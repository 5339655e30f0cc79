/* One MySQL connection: the command loop (COM_QUERY, COM_INIT_DB, COM_PING, COM_FIELD_LIST, ...), the
 * ResultSink that writes text result sets, OK, EOF and ERR packets, and multi-statement framing.
 * The terminator of each result (its OK or EOF packet) is held back until the next statement starts or the
 * query ends, because only then is it known whether SERVER_MORE_RESULTS_EXISTS must be set. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "catalog/privilege.h"
#include "net/mysql_auth.h"
#include "net/net_int.h"
#include "server/config.h"
#include "server/status.h"
#include "sql/ast.h"
#include "sql/execute.h"
#include "sql/parser.h"
#include "types/datatype.h"
#include "util/clock.h"
#include "util/log.h"

enum {
    COM_SLEEP = 0x00,
    COM_QUIT = 0x01,
    COM_INIT_DB = 0x02,
    COM_QUERY = 0x03,
    COM_FIELD_LIST = 0x04,
    COM_STATISTICS = 0x09,
    COM_PROCESS_INFO = 0x0a,
    COM_PROCESS_KILL = 0x0c,
    COM_DEBUG = 0x0d,
    COM_PING = 0x0e,
    COM_SET_OPTION = 0x1b,
    COM_RESET_CONNECTION = 0x1f,
};

/* Server status flags. */
#define ST_AUTOCOMMIT 0x0002
#define ST_MORE_RESULTS 0x0008

/* Column definition flags. */
#define FLAG_NOT_NULL 1
#define FLAG_BINARY 128
#define FLAG_NUM 32768

#define CHARSET_UTF8 33
#define CHARSET_BINARY 63

static uint16_t status_flags(Conn *c, bool more) {
    uint16_t f = 0;
    if (c->session && session_var_int(c->session, "autocommit", 1)) f |= ST_AUTOCOMMIT;
    if (more) f |= ST_MORE_RESULTS;
    return f;
}

static uint16_t warnings16(Conn *c) {
    int w = c->session ? c->session->warning_count : 0;
    return (uint16_t)(w > 0xffff ? 0xffff : w);
}

/* OK packet; header 0xfe makes it the end-of-rows marker of CLIENT_DEPRECATE_EOF. */
static void send_ok(Conn *c, uint8_t header, uint64_t affected, uint64_t last_id, const char *info, bool more) {
    StrBuf b = STRBUF_INIT;
    pkt_put_u8(&b, header);
    pkt_put_lenenc(&b, affected);
    pkt_put_lenenc(&b, last_id);
    pkt_put_u16(&b, status_flags(c, more));
    pkt_put_u16(&b, warnings16(c));
    /* MySQL servers send the info text length-encoded whatever the capabilities, and libmariadb (the mysql CLI)
     * parses it that way: a bare string makes it report "malformed packet". */
    if (info && *info) pkt_put_lenenc_str(&b, info, strlen(info));
    pkt_write(&c->pc, b.data, b.len);
    sb_free(&b);
}

static void send_eof(Conn *c, bool more) {
    StrBuf b = STRBUF_INIT;
    pkt_put_u8(&b, 0xfe);
    pkt_put_u16(&b, warnings16(c));
    pkt_put_u16(&b, status_flags(c, more));
    pkt_write(&c->pc, b.data, b.len);
    sb_free(&b);
}

/* End of a row stream: EOF, or an OK with header 0xfe for CLIENT_DEPRECATE_EOF clients. */
static void send_rows_end(Conn *c, bool more) {
    if (c->caps & CAP_DEPRECATE_EOF) send_ok(c, 0xfe, 0, 0, NULL, more);
    else send_eof(c, more);
}

void conn_send_error(Conn *c, const Error *err) {
    ErrCode code = err->code == ERR_NONE ? ERR_INTERNAL : err->code;
    const char *msg = err->msg[0] ? err->msg : "unknown error (the failing module set no message)";
    StrBuf b = STRBUF_INIT;
    pkt_put_u8(&b, 0xff);
    pkt_put_u16(&b, (uint16_t)err_mysql_errno(code));
    sb_putc(&b, '#');
    sb_appendn(&b, err_sqlstate(code), 5);
    sb_append(&b, msg);
    pkt_write(&c->pc, b.data, b.len);
    sb_free(&b);
    if (c->session) {
        /* SHOW WARNINGS / SHOW ERRORS after a failed statement list the error, as in MySQL. */
        StrBuf *w = &c->session->warnings;
        sb_appendf(w, "Error\t%d\t", err_mysql_errno(code));
        for (const char *p = msg; *p; p++) sb_putc(w, (*p == '\n' || *p == '\t') ? ' ' : *p);
        sb_putc(w, '\n');
        c->session->warning_count++;
    }
}

/* ---------------------------------------------------------------- column definitions */

static void column_shape(const DataType *t, uint32_t *len, uint16_t *flags, uint8_t *decimals, uint16_t *charset) {
    *flags = 0;
    *decimals = 0;
    *charset = CHARSET_BINARY;
    switch (t->id) {
    case TYPE_NULL: *len = 0; break;
    case TYPE_BOOLEAN: *len = 1; break;
    case TYPE_TINYINT: *len = 4; break;
    case TYPE_SMALLINT: *len = 6; break;
    case TYPE_INT: *len = 11; break;
    case TYPE_BIGINT: *len = 20; break;
    case TYPE_LARGEINT: /* sent as a string type: no client integer holds 128 bits */
        *len = 40;
        *charset = CHARSET_UTF8;
        return;
    case TYPE_FLOAT:
        *len = 12;
        *decimals = 31; /* NOT_FIXED_DEC */
        break;
    case TYPE_DOUBLE:
        *len = 22;
        *decimals = 31;
        break;
    case TYPE_DECIMAL:
        *len = (uint32_t)(t->precision + (t->scale > 0 ? 1 : 0) + 1);
        *decimals = (uint8_t)t->scale;
        break;
    case TYPE_DATE:
        *len = 10;
        *flags = FLAG_BINARY;
        return;
    case TYPE_DATETIME:
        *len = 26;
        *decimals = 6;
        *flags = FLAG_BINARY;
        return;
    case TYPE_CHAR:
    case TYPE_VARCHAR:
    case TYPE_STRING:
    default: {
        uint64_t chars = t->len > 0 ? (uint64_t)t->len : 65533;
        uint64_t bytes = chars * 3; /* utf8: up to 3 bytes per character */
        *len = bytes > 0xffffffffu ? 0xffffffffu : (uint32_t)bytes;
        *charset = CHARSET_UTF8;
        return;
    }
    }
    if (t->id != TYPE_NULL) *flags = FLAG_BINARY | FLAG_NUM;
}

static void write_coldef(Conn *c, const ResultColumn *col, bool field_list) {
    StrBuf b = STRBUF_INIT;
    const char *name = col->name ? col->name : "";
    const char *table = col->table ? col->table : "";
    const char *db = col->db ? col->db : "";
    pkt_put_lenenc_str(&b, "def", 3);
    pkt_put_lenenc_str(&b, db, strlen(db));
    pkt_put_lenenc_str(&b, table, strlen(table));
    pkt_put_lenenc_str(&b, table, strlen(table));
    pkt_put_lenenc_str(&b, name, strlen(name));
    pkt_put_lenenc_str(&b, name, strlen(name));
    uint32_t len;
    uint16_t flags, charset;
    uint8_t decimals;
    column_shape(&col->type, &len, &flags, &decimals, &charset);
    pkt_put_lenenc(&b, 0x0c);
    pkt_put_u16(&b, charset);
    pkt_put_u32(&b, len);
    pkt_put_u8(&b, (uint8_t)type_mysql_code(&col->type));
    pkt_put_u16(&b, flags);
    pkt_put_u8(&b, decimals);
    pkt_put_u16(&b, 0);
    if (field_list) pkt_put_u8(&b, 0xfb); /* COM_FIELD_LIST: default value, NULL */
    pkt_write(&c->pc, b.data, b.len);
    sb_free(&b);
}

/* ---------------------------------------------------------------- the result sink */

typedef enum { PEND_NONE, PEND_OK, PEND_ROWS_END } PendKind;

typedef struct ConnSink {
    ResultSink base;
    Conn *c;
    PendKind pend;
    uint64_t pend_affected, pend_last_id;
    char pend_info[256];
    int results;    /* statements that produced a result so far */
    bool in_rows;   /* columns sent, end not yet */
    int ncols;
} ConnSink;

static void flush_pending(ConnSink *k, bool more) {
    if (k->pend == PEND_OK) send_ok(k->c, 0x00, k->pend_affected, k->pend_last_id, k->pend_info, more);
    else if (k->pend == PEND_ROWS_END) send_rows_end(k->c, more);
    k->pend = PEND_NONE;
}

static Status sink_check(ConnSink *k, Error *err) {
    if (k->c->pc.broken || atomic_load(&k->c->client_gone))
        return err_set(err, ERR_QUERY_INTERRUPTED, "the client connection is gone");
    if (k->c->session && session_killed(k->c->session))
        return err_set(err, ERR_QUERY_INTERRUPTED, "Query execution was interrupted");
    return STATUS_OK;
}

static Status sink_columns(ResultSink *rs, const ResultColumn *cols, int ncols, Error *err) {
    ConnSink *k = rs->state;
    if (sink_check(k, err)) return STATUS_ERROR;
    flush_pending(k, true);
    k->results++;
    k->in_rows = true;
    k->ncols = ncols;
    StrBuf b = STRBUF_INIT;
    pkt_put_lenenc(&b, (uint64_t)ncols);
    pkt_write(&k->c->pc, b.data, b.len);
    sb_free(&b);
    for (int i = 0; i < ncols; i++) write_coldef(k->c, &cols[i], false);
    if (!(k->c->caps & CAP_DEPRECATE_EOF)) send_eof(k->c, false);
    return STATUS_OK;
}

static Status sink_row(ResultSink *rs, const char *const *cells, const size_t *lens, Error *err) {
    ConnSink *k = rs->state;
    if (sink_check(k, err)) return STATUS_ERROR;
    StrBuf b = STRBUF_INIT;
    for (int i = 0; i < k->ncols; i++) {
        if (!cells[i]) pkt_put_u8(&b, 0xfb);
        else pkt_put_lenenc_str(&b, cells[i], lens[i]);
    }
    pkt_write(&k->c->pc, b.data, b.len);
    sb_free(&b);
    return STATUS_OK;
}

static Status sink_end(ResultSink *rs, Error *err) {
    ConnSink *k = rs->state;
    k->in_rows = false;
    k->pend = PEND_ROWS_END;
    return sink_check(k, err);
}

static Status sink_ok(ResultSink *rs, uint64_t affected, uint64_t last_id, const char *info, Error *err) {
    ConnSink *k = rs->state;
    if (sink_check(k, err)) return STATUS_ERROR;
    flush_pending(k, true);
    k->results++;
    k->pend = PEND_OK;
    k->pend_affected = affected;
    k->pend_last_id = last_id;
    snprintf(k->pend_info, sizeof k->pend_info, "%s", info ? info : "");
    if (last_id && k->c->session) k->c->session->last_insert_id = (int64_t)last_id;
    return STATUS_OK;
}

static void sink_init(ConnSink *k, Conn *c) {
    memset(k, 0, sizeof *k);
    k->c = c;
    k->base.columns = sink_columns;
    k->base.row = sink_row;
    k->base.end = sink_end;
    k->base.ok = sink_ok;
    k->base.state = k;
}

/* Ends a command's response: the held-back terminator (without MORE_RESULTS), or the error. */
static void finish_response(Conn *c, ConnSink *k, Status st, Error *err) {
    if (st == STATUS_OK) {
        if (k->pend != PEND_NONE) flush_pending(k, false);
        else if (k->in_rows) send_rows_end(c, false);
        else send_ok(c, 0x00, 0, 0, NULL, false);
        return;
    }
    atomic_fetch_add(&server_status.query_errors_total, 1);
    if (atomic_load(&c->timed_out) && err->code == ERR_QUERY_INTERRUPTED)
        err_set(err, ERR_TIMEOUT, "Query exceeded the time limit of %lld seconds (session variable query_timeout)",
                (long long)session_var_int(c->session, "query_timeout", 300));
    /* An earlier statement's result stays valid: it is followed by this error, flagged as "more". */
    if (k->pend != PEND_NONE) flush_pending(k, true);
    conn_send_error(c, err);
}

/* ---------------------------------------------------------------- commands */

/* Without CLIENT_MULTI_STATEMENTS a query must hold one statement; parse to count only when a ';' that
 * is not trailing could separate two. */
static bool several_statements(Session *s, const char *sql, size_t len) {
    const char *semi = memchr(sql, ';', len);
    if (!semi) return false;
    const char *p = semi;
    while (p < sql + len && (*p == ';' || isspace((unsigned char)*p))) p++;
    if (p == sql + len) return false;
    Stmt **stmts = NULL;
    int n = 0;
    Error ignored = ERROR_INIT;
    if (sql_parse(s->stmt_arena, sql, len, &stmts, &n, &ignored)) return false;
    return n > 1;
}

static void run_statement_text(Conn *c, const char *sql, size_t len) {
    Session *s = c->session;
    atomic_fetch_add(&server_status.queries_total, 1);
    atomic_fetch_add(&server_status.running_statements, 1);
    session_begin_statement(s, sql);
    atomic_store(&c->timed_out, 0);
    int64_t timeout_s = session_var_int(s, "query_timeout", 300);
    atomic_store(&c->deadline_ms, timeout_s > 0 ? s->stmt_start_ms + timeout_s * 1000 : 0);
    ConnSink k;
    sink_init(&k, c);
    Error err = ERROR_INIT;
    Status st;
    if (!c->multi_statements && several_statements(s, sql, len))
        st = err_set(&err, ERR_PARSE,
                     "this query holds several statements, but the client did not enable multi-statements "
                     "(CLIENT_MULTI_STATEMENTS); send them one by one or enable the option");
    else
        st = c->exec(s, sql, len, &k.base, &err);
    finish_response(c, &k, st, &err);
    atomic_store(&c->deadline_ms, 0);
    session_end_statement(s);
    atomic_fetch_sub(&server_status.running_statements, 1);
}

/* Runs one statement built here (COM_INIT_DB, COM_PROCESS_KILL, COM_FIELD_LIST) through the registry. */
static Status run_stmt(Conn *c, const Stmt *st, ResultSink *out, Error *err) {
    return sql_execute_stmt(c->session, st, out, err);
}

static void do_init_db(Conn *c, const char *db, size_t n) {
    Session *s = c->session;
    atomic_fetch_add(&server_status.queries_total, 1);
    char sql[128];
    snprintf(sql, sizeof sql, "USE `%.*s`", (int)(n > 64 ? 64 : n), db);
    session_begin_statement(s, sql);
    Stmt *st = arena_calloc(s->stmt_arena, sizeof *st);
    st->kind = STMT_USE;
    st->line = st->col = 1;
    st->src = arena_strdup(s->stmt_arena, sql);
    st->u.use.db = arena_strndup(s->stmt_arena, db, n);
    ConnSink k;
    sink_init(&k, c);
    Error err = ERROR_INIT;
    Status rc = run_stmt(c, st, &k.base, &err);
    finish_response(c, &k, rc, &err);
    session_end_statement(s);
}

static void do_kill(Conn *c, uint32_t id) {
    Session *s = c->session;
    char sql[64];
    snprintf(sql, sizeof sql, "KILL %u", id);
    session_begin_statement(s, sql);
    Stmt *st = arena_calloc(s->stmt_arena, sizeof *st);
    st->kind = STMT_KILL;
    st->line = st->col = 1;
    st->src = arena_strdup(s->stmt_arena, sql);
    st->u.kill.id = id;
    ConnSink k;
    sink_init(&k, c);
    Error err = ERROR_INIT;
    Status rc = run_stmt(c, st, &k.base, &err);
    finish_response(c, &k, rc, &err);
    session_end_statement(s);
}

/* "varchar(20)", "decimal(10, 2)", "int" -> DataType; unknown text reads as VARCHAR. */
static DataType type_from_text(const char *text) {
    char name[64];
    int params[2] = {0, 0}, np = 0;
    size_t i = 0;
    while (text[i] && text[i] != '(' && i + 1 < sizeof name) {
        name[i] = text[i];
        i++;
    }
    name[i] = '\0';
    if (text[i] == '(') np = sscanf(text + i, "(%d , %d)", &params[0], &params[1]);
    if (np < 0) np = 0;
    DataType t;
    Error ignored = ERROR_INIT;
    if (type_from_name(name, np, params, &t, &ignored)) t = type_varchar(255);
    return t;
}

/* COM_FIELD_LIST (the mysql CLI's tab completion): the columns of a table, from SHOW COLUMNS. */
static void do_field_list(Conn *c, const char *table, size_t n) {
    Session *s = c->session;
    session_begin_statement(s, "SHOW COLUMNS");
    Stmt *st = arena_calloc(s->stmt_arena, sizeof *st);
    st->kind = STMT_SHOW_COLUMNS;
    st->line = st->col = 1;
    st->src = arena_sprintf(s->stmt_arena, "SHOW COLUMNS FROM `%.*s`", (int)(n > 64 ? 64 : n), table);
    st->u.show.table = arena_strndup(s->stmt_arena, table, n);
    st->u.show.limit = -1;
    CollectSink cs;
    collect_sink_init(&cs);
    Error err = ERROR_INIT;
    if (run_stmt(c, st, &cs.sink, &err)) {
        conn_send_error(c, &err);
    } else {
        for (size_t r = 0; r < cs.nrows; r++) {
            if (cs.ncols < 2 || !cs.rows[r][0]) continue;
            ResultColumn col = {cs.rows[r][0], type_from_text(cs.rows[r][1] ? cs.rows[r][1] : ""), st->u.show.table,
                                s->db};
            write_coldef(c, &col, true);
        }
        send_rows_end(c, false);
    }
    collect_sink_free(&cs);
    session_end_statement(s);
}

static void do_statistics(Conn *c) {
    uint64_t q = atomic_load(&server_status.queries_total);
    int64_t up = server_uptime_seconds();
    char text[256];
    int n = snprintf(text, sizeof text,
                     "Uptime: %lld  Threads: %lld  Questions: %llu  Slow queries: 0  Opens: 0  Flush tables: 0  "
                     "Open tables: 0  Queries per second avg: %.3f",
                     (long long)up, (long long)atomic_load(&server_status.connections_current),
                     (unsigned long long)q, up > 0 ? (double)q / (double)up : 0.0);
    pkt_write(&c->pc, text, (size_t)n);
}

/* Runs one command; returns false when the connection must close. */
static bool dispatch(Conn *c, const uint8_t *p, size_t n) {
    if (n == 0) return false;
    /* pkt_read left seq at the command's last frame + 1: the reply continues that sequence */
    const char *arg = (const char *)p + 1;
    size_t arglen = n - 1;
    Error err = ERROR_INIT;
    switch (p[0]) {
    case COM_QUIT: return false;
    case COM_QUERY: run_statement_text(c, arg, arglen); break;
    case COM_INIT_DB: do_init_db(c, arg, arglen); break;
    case COM_PING: send_ok(c, 0x00, 0, 0, NULL, false); break;
    case COM_STATISTICS: do_statistics(c); break;
    case COM_DEBUG: send_eof(c, false); break;
    case COM_FIELD_LIST: {
        size_t tn = strnlen(arg, arglen);
        do_field_list(c, arg, tn);
        break;
    }
    case COM_PROCESS_KILL: {
        if (arglen < 4) {
            err_set(&err, ERR_NET_READ, "COM_PROCESS_KILL needs a 4-byte connection id");
            conn_send_error(c, &err);
            break;
        }
        uint32_t id = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 24;
        do_kill(c, id);
        break;
    }
    case COM_SET_OPTION:
        if (arglen >= 2) c->multi_statements = (p[1] | p[2] << 8) == 0;
        send_eof(c, false);
        break;
    case COM_RESET_CONNECTION: {
        /* A fresh session with the same identity and database (MySQL keeps the current database). */
        Session *old = c->session;
        Session *s = session_new(old->conn_id, old->user, old->client_host);
        memcpy(s->db, old->db, sizeof s->db);
        session_registry_remove(old);
        session_registry_add(s);
        server_conn_set_session(c, s);
        session_free(old);
        send_ok(c, 0x00, 0, 0, NULL, false);
        break;
    }
    default:
        err_set(&err, ERR_UNKNOWN_COM,
                "Unknown command 0x%02x: cairn serves text queries (COM_QUERY); prepared statements and "
                "replication commands are not supported",
                p[0]);
        conn_send_error(c, &err);
    }
    return true;
}

/* After authentication: the current database (CLIENT_CONNECT_WITH_DB) and the final OK. */
static bool finish_login(Conn *c, const HandshakeInfo *hi) {
    if (hi->db[0]) {
        Session *s = c->session;
        session_begin_statement(s, "USE");
        Stmt *st = arena_calloc(s->stmt_arena, sizeof *st);
        st->kind = STMT_USE;
        st->line = st->col = 1;
        st->src = arena_sprintf(s->stmt_arena, "USE `%s`", hi->db);
        st->u.use.db = arena_strdup(s->stmt_arena, hi->db);
        CollectSink cs;
        collect_sink_init(&cs);
        Error err = ERROR_INIT;
        Status rc = run_stmt(c, st, &cs.sink, &err);
        collect_sink_free(&cs);
        session_end_statement(s);
        if (rc) {
            conn_send_error(c, &err);
            return false;
        }
    }
    /* init_connect runs for every login without ADMIN, as MySQL runs it for users without SUPER; if it
     * fails the login fails, so a broken init_connect cannot lock the administrator out. */
    StrBuf init = STRBUF_INIT;
    Session *s = c->session;
    if (session_get_var(s, "init_connect", true, &init, NULL) && init.len > 0 && !priv_has(s, PRIV_ADMIN, NULL, NULL)) {
        session_begin_statement(s, sb_str(&init));
        CollectSink cs;
        collect_sink_init(&cs);
        Error err = ERROR_INIT;
        Status rc = c->exec(s, init.data, init.len, &cs.sink, &err);
        collect_sink_free(&cs);
        session_end_statement(s);
        if (rc) {
            log_warn("connection %u: init_connect failed for user %s: %s", c->id, s->user, err.msg);
            err_prefix(&err, "init_connect failed: ");
            conn_send_error(c, &err);
            sb_free(&init);
            return false;
        }
    }
    sb_free(&init);
    send_ok(c, 0x00, 0, 0, NULL, false);
    return true;
}

static void set_timeout(int fd, int optname, int64_t seconds) {
    struct timeval tv = {(time_t)(seconds > 0 ? seconds : 0), 0};
    setsockopt(fd, SOL_SOCKET, optname, &tv, sizeof tv);
}

void *conn_main(void *arg) {
    Conn *c = arg;
    StrBuf pk = STRBUF_INIT;
    Error err = ERROR_INIT;
    HandshakeInfo hi;
    /* A client has 10 s to finish the handshake, so silent sockets cannot pin connection slots. */
    set_timeout(c->fd, SO_RCVTIMEO, 10);
    set_timeout(c->fd, SO_SNDTIMEO, 60);
    if (c->refuse) {
        /* After the handshake, not instead of it: clients then report a plain "ERROR 1040" (some treat an
         * error in place of the greeting as a failed TLS negotiation). */
        if (!mysql_handshake(&c->pc, c->id, c->peer_ip, false, &hi, &err)) {
            err_set(&err, ERR_TOO_MANY_CONNECTIONS, "Too many connections (max_connections = %lld)",
                    (long long)config_get_int("max_connections"));
            conn_send_error(c, &err);
            pkt_flush_quiet(&c->pc);
        }
        goto done;
    }
    if (mysql_handshake(&c->pc, c->id, c->peer_ip, true, &hi, &err)) {
        atomic_fetch_add(&server_status.aborted_connects, 1);
        if (err.code != ERR_NET_READ || strstr(err.msg, "malformed")) conn_send_error(c, &err);
        pkt_flush_quiet(&c->pc);
        /* a client (or a port probe) that hangs up before answering the greeting is not news */
        if (err.code == ERR_NET_READ && !strstr(err.msg, "malformed"))
            log_debug("connection %u from %s ended during the handshake: %s", c->id, c->peer, err.msg);
        else
            log_info("connection %u from %s refused: %s", c->id, c->peer, err.msg);
        goto done;
    }
    c->caps = hi.caps;
    c->multi_statements = (hi.caps & CAP_MULTI_STATEMENTS) != 0;
    server_conn_set_session(c, session_new(c->id, hi.user, c->peer_ip));
    session_registry_add(c->session);
    if (!finish_login(c, &hi)) {
        pkt_flush_quiet(&c->pc);
        goto done;
    }
    if (pkt_flush(&c->pc, &err)) goto done;
    log_debug("connection %u: %s@%s logged in", c->id, hi.user, c->peer);
    set_timeout(c->fd, SO_RCVTIMEO, session_var_int(c->session, "wait_timeout", 28800));
    while (!server_stopping()) {
        c->pc.max_packet = (size_t)session_var_int(c->session, "max_allowed_packet", 67108864) + 16;
        if (pkt_read(&c->pc, &pk, &err)) {
            if (err.code == ERR_NET_PACKET_TOO_LARGE) {
                conn_send_error(c, &err);
                pkt_flush_quiet(&c->pc);
            }
            break;
        }
        atomic_store(&c->busy, 1);
        bool keep = dispatch(c, (const uint8_t *)pk.data, pk.len);
        atomic_store(&c->busy, 0);
        if (pkt_flush(&c->pc, &err)) break;
        /* Return the memory of a huge packet instead of keeping it for the life of the connection. */
        if (pk.cap > (1u << 20)) {
            sb_free(&pk);
            sb_init(&pk);
        }
        if (!keep || atomic_load(&c->session->closing) || atomic_load(&c->client_gone)) break;
    }
done:
    atomic_fetch_add(&server_status.bytes_received, c->pc.bytes_in);
    atomic_fetch_add(&server_status.bytes_sent, c->pc.bytes_out);
    server_conn_done(c);
    if (c->session) {
        session_registry_remove(c->session);
        session_free(c->session);
    }
    sb_free(&pk);
    pkt_free(&c->pc);
    close(c->fd);
    free(c);
    return NULL;
}
