/* A client session: who is connected, the current database, session variables, and the kill flag.
 * Created by net/ per connection (or by http/ per Stream Load request); read by every statement handler.
 * Only the owning connection thread mutates a session, except `killed`, which KILL sets atomically. */
#ifndef CAIRN_SQL_SESSION_H
#define CAIRN_SQL_SESSION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "types/datatype.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"

#define NAME_MAX_LEN 64

typedef struct SessionVar SessionVar; /* session.c */

typedef struct Session {
    uint32_t conn_id;
    char user[NAME_MAX_LEN + 1];       /* authenticated user name, e.g. "root" */
    char client_host[256];             /* peer address */
    char db[NAME_MAX_LEN + 1];         /* current database, "" = none */
    SessionVar *vars;                  /* session-scope variables that differ from globals (session.c) */
    _Atomic int killed;                /* 1 = KILL QUERY or client gone: running work stops at the next check */
    _Atomic int closing;               /* 1 = KILL connection */
    Arena *stmt_arena;                 /* reset after every statement; the AST lives here */
    MemTracker mem;                    /* this statement's memory; limit from query_mem_limit */
    int64_t stmt_start_ms;             /* 0 when idle */
    char current_sql[256];             /* for SHOW PROCESSLIST (secrets redacted) */
    int64_t last_insert_id;
    uint64_t found_rows;
    int warning_count;
    StrBuf warnings;                   /* "Level\tCode\tMessage\n" lines for SHOW WARNINGS */
    bool internal;                     /* a server-internal session (jobs, MV refresh): skips privilege checks */
} Session;

Session *session_new(uint32_t conn_id, const char *user, const char *client_host);
void session_free(Session *s);
/* Starts/ends a statement: resets the arena, kill flag and memory tracker. */
void session_begin_statement(Session *s, const char *sql);
void session_end_statement(Session *s);
bool session_killed(const Session *s);

/* System variables. Names are case-insensitive; "session."/"global." scope prefixes are accepted.
 * session_get_var returns false (and an ERR_UNKNOWN_SYSTEM_VARIABLE error) for an unknown name. */
bool session_get_var(const Session *s, const char *name, bool global, StrBuf *out, Error *err);
/* value NULL = SET x = DEFAULT. Read-only / wrong-scope / invalid values: 1238 / 1229 / 1231 (1298 time zone). */
Status session_set_var(Session *s, const char *name, bool global, const char *value, Error *err) MUST_CHECK;
int64_t session_var_int(const Session *s, const char *name, int64_t dflt);
/* Iterates every system variable visible to the session (for SHOW VARIABLES): calls fn(name, value). */
void session_each_var(const Session *s, bool global, void (*fn)(void *ctx, const char *name, const char *value), void *ctx);
/* Adds a warning shown by SHOW WARNINGS. */
void session_add_warning(Session *s, int code, const char *fmt, ...) PRINTF_FMT(3, 4);

/* The registry of live sessions (SHOW PROCESSLIST, KILL). */
void session_registry_add(Session *s);
void session_registry_remove(Session *s);
/* Calls fn for each live session under the registry lock. */
void session_registry_each(void (*fn)(void *ctx, Session *s), void *ctx);
/* Sets the kill flag of session `id`; query_only = KILL QUERY. Returns false if no such session. */
bool session_registry_kill(uint32_t id, bool query_only);

/* User variables (@name; names case-insensitive). value NULL = SQL NULL; type is the value's type as the
 * SET expression produced it (VARCHAR for strings, BIGINT for integers, ...). */
void session_set_user_var(Session *s, const char *name, const char *value, size_t len, DataType type);
/* False when @name was never set (it then reads as NULL). *is_null is set for a stored NULL. */
bool session_get_user_var(const Session *s, const char *name, StrBuf *out, bool *is_null, DataType *type);
/* When the session connected and when its last statement ended (ms since epoch), for SHOW PROCESSLIST. */
void session_times(const Session *s, int64_t *connect_ms, int64_t *last_active_ms);
/* Registers the session statements (SET, SHOW VARIABLES, KILL, SHOW PROCESSLIST, ...; stmt_session.c). */
void session_register_statements(void);

#endif
