/* Handlers of the session statements: SET (system and user variables, NAMES, CHARACTER SET), SHOW
 * VARIABLES / STATUS / PROCESSLIST / WARNINGS / ERRORS / ENGINES / CHARSET / COLLATION / FRONTENDS /
 * BACKENDS, KILL, BEGIN / COMMIT / ROLLBACK, and ADMIN SET|SHOW FRONTEND CONFIG.
 * Registered by session_register_statements(); everything here reads or changes sessions, the server's
 * counters or its configuration, never the catalog. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "catalog/privilege.h"
#include "server/config.h"
#include "server/status.h"
#include "server/version.h"
#include "sql/ast.h"
#include "sql/execute.h"
#include "sql/session.h"
#include "util/clock.h"
#include "util/str.h"
#include "util/vec.h"

/* ---------------------------------------------------------------- result tables with LIKE / WHERE */

/* Rows built in the statement arena, then filtered and sent. */
typedef struct Table {
    Arena *a;
    const ResultColumn *cols;
    int ncols;
    VEC(const char *) cells; /* row-major */
} Table;

static void table_add(Table *t, const char *const *row) {
    for (int i = 0; i < t->ncols; i++) vec_push(&t->cells, row[i] ? arena_strdup(t->a, row[i]) : NULL);
}

typedef enum { TV_FALSE = 0, TV_TRUE = 1, TV_NULL = 2 } Tri;

/* The value of a WHERE operand for one row: a column, or a literal. NULL = SQL NULL. */
static Status operand(const Table *t, const char *const *row, const Expr *e, const char **out, Error *err) {
    switch (e->kind) {
    case EXPR_COLUMN:
        for (int i = 0; i < t->ncols; i++)
            if (str_ieq(t->cols[i].name, e->text)) {
                *out = row[i];
                return STATUS_OK;
            }
        return err_set(err, ERR_BAD_FIELD, "Unknown column '%s' in 'where clause'", e->text);
    case EXPR_NULL: *out = NULL; return STATUS_OK;
    case EXPR_STRING:
    case EXPR_INT:
    case EXPR_DECIMAL:
    case EXPR_FLOAT: *out = e->text; return STATUS_OK;
    case EXPR_BOOL: *out = e->ival ? "1" : "0"; return STATUS_OK;
    default:
        return err_set(err, ERR_NOT_SUPPORTED,
                       "this SHOW ... WHERE supports column names and literals combined with =, <>, <, >, LIKE, IN, "
                       "IS NULL, AND, OR and NOT");
    }
}

/* Numbers compare as numbers, everything else case-insensitively as text (the default utf8_general_ci). */
static int compare_values(const char *a, const char *b) {
    char *ea, *eb;
    double x = strtod(a, &ea), y = strtod(b, &eb);
    if (*a && *b && !*ea && !*eb) return x < y ? -1 : x > y;
    return strcasecmp(a, b);
}

static Status eval_where(const Table *t, const char *const *row, const Expr *e, Tri *out, Error *err) {
    const char *l, *r;
    Tri a, b;
    switch (e->kind) {
    case EXPR_BINARY:
        if (e->op == OP_AND || e->op == OP_OR) {
            if (eval_where(t, row, e->left, &a, err) || eval_where(t, row, e->right, &b, err)) return STATUS_ERROR;
            if (e->op == OP_AND)
                *out = (a == TV_FALSE || b == TV_FALSE) ? TV_FALSE : (a == TV_NULL || b == TV_NULL) ? TV_NULL : TV_TRUE;
            else
                *out = (a == TV_TRUE || b == TV_TRUE) ? TV_TRUE : (a == TV_NULL || b == TV_NULL) ? TV_NULL : TV_FALSE;
            return STATUS_OK;
        }
        if (operand(t, row, e->left, &l, err) || operand(t, row, e->right, &r, err)) return STATUS_ERROR;
        if (!l || !r) {
            *out = e->op == OP_NULL_SAFE_EQ ? (!l && !r ? TV_TRUE : TV_FALSE) : TV_NULL;
            return STATUS_OK;
        }
        int c = compare_values(l, r);
        switch (e->op) {
        case OP_EQ:
        case OP_NULL_SAFE_EQ: *out = c == 0; break;
        case OP_NE: *out = c != 0; break;
        case OP_LT: *out = c < 0; break;
        case OP_LE: *out = c <= 0; break;
        case OP_GT: *out = c > 0; break;
        case OP_GE: *out = c >= 0; break;
        default: return operand(t, row, e, &l, err); /* reports the unsupported form */
        }
        return STATUS_OK;
    case EXPR_UNARY:
        if (e->op != OP_NOT) break;
        if (eval_where(t, row, e->left, &a, err)) return STATUS_ERROR;
        *out = a == TV_NULL ? TV_NULL : a == TV_TRUE ? TV_FALSE : TV_TRUE;
        return STATUS_OK;
    case EXPR_LIKE:
        if (e->ival) break; /* REGEXP */
        if (operand(t, row, e->left, &l, err) || operand(t, row, e->right, &r, err)) return STATUS_ERROR;
        if (!l || !r) *out = TV_NULL;
        else *out = str_like(l, strlen(l), r, strlen(r), true) != e->negated;
        return STATUS_OK;
    case EXPR_IN_LIST:
        if (operand(t, row, e->left, &l, err)) return STATUS_ERROR;
        if (!l) {
            *out = TV_NULL;
            return STATUS_OK;
        }
        *out = TV_FALSE;
        for (int i = 0; i < e->nargs; i++) {
            if (operand(t, row, e->args[i], &r, err)) return STATUS_ERROR;
            if (r && compare_values(l, r) == 0) *out = TV_TRUE;
        }
        if (e->negated) *out = *out == TV_TRUE ? TV_FALSE : TV_TRUE;
        return STATUS_OK;
    case EXPR_IS_NULL:
        if (operand(t, row, e->left, &l, err)) return STATUS_ERROR;
        *out = (l == NULL) != e->negated;
        return STATUS_OK;
    default: break;
    }
    return operand(t, row, e, &l, err);
}

/* Sends the table, keeping rows whose first column matches LIKE (case-insensitive) and rows for which
 * WHERE is true; limit < 0 = all. */
static Status table_send(Table *t, const char *like, const Expr *where, int64_t limit, ResultSink *out, Error *err) {
    size_t nrows = t->ncols ? t->cells.len / (size_t)t->ncols : 0;
    VEC(const char *) kept = {0};
    Status st = STATUS_OK;
    int64_t n = 0;
    for (size_t r = 0; r < nrows && (limit < 0 || n < limit); r++) {
        const char *const *row = t->cells.items + r * (size_t)t->ncols;
        if (like && (!row[0] || !str_like(row[0], strlen(row[0]), like, strlen(like), true))) continue;
        if (where) {
            Tri v;
            if ((st = eval_where(t, row, where, &v, err))) break;
            if (v != TV_TRUE) continue;
        }
        for (int c = 0; c < t->ncols; c++) vec_push(&kept, row[c]);
        n++;
    }
    if (!st) st = result_send_table(out, t->cols, t->ncols, kept.items, (int)n, err);
    vec_free(&kept);
    vec_free(&t->cells);
    return st;
}

static void table_init(Table *t, Session *s, const ResultColumn *cols, int ncols) {
    memset(t, 0, sizeof *t);
    t->a = s->stmt_arena;
    t->cols = cols;
    t->ncols = ncols;
}

/* ---------------------------------------------------------------- SET */

/* The text of a SET value: literals and bare words directly, anything else through SELECT <expr>.
 * *is_null marks SQL NULL; *type is the value's type (for user variables). */
static Status set_value_text(Session *s, const Expr *e, StrBuf *out, bool *is_null, DataType *type, Error *err) {
    *is_null = false;
    switch (e->kind) {
    case EXPR_NULL:
        *is_null = true;
        *type = type_make(TYPE_NULL);
        return STATUS_OK;
    case EXPR_INT:
        *type = type_make(TYPE_BIGINT);
        sb_append(out, e->text ? e->text : "0");
        return STATUS_OK;
    case EXPR_DECIMAL:
    case EXPR_FLOAT:
        *type = e->kind == EXPR_FLOAT ? type_make(TYPE_DOUBLE) : type_decimal(38, 9);
        sb_append(out, e->text);
        return STATUS_OK;
    case EXPR_STRING:
        *type = type_make(TYPE_VARCHAR);
        sb_appendn(out, e->text, (size_t)e->ival);
        return STATUS_OK;
    case EXPR_BOOL:
        *type = type_make(TYPE_BOOLEAN);
        sb_append(out, e->ival ? "1" : "0");
        return STATUS_OK;
    case EXPR_COLUMN:
        /* SET autocommit = ON, SET time_zone = SYSTEM: bare words are values */
        if (!e->qual_table && !e->qual_db) {
            *type = type_make(TYPE_VARCHAR);
            sb_append(out, e->text);
            return STATUS_OK;
        }
        break;
    case EXPR_UNARY:
        if (e->op == OP_NEG && e->left && (e->left->kind == EXPR_INT || e->left->kind == EXPR_DECIMAL ||
                                           e->left->kind == EXPR_FLOAT)) {
            *type = e->left->kind == EXPR_INT ? type_make(TYPE_BIGINT) : type_make(TYPE_DOUBLE);
            sb_putc(out, '-');
            sb_append(out, e->left->text);
            return STATUS_OK;
        }
        break;
    default: break;
    }
    /* Anything else (functions, arithmetic, @@vars, subqueries) is evaluated by the query engine. */
    SelectItem *item = arena_calloc(s->stmt_arena, sizeof *item);
    item->expr = (Expr *)e;
    SelectCore *core = arena_calloc(s->stmt_arena, sizeof *core);
    core->items = item;
    core->nitems = 1;
    QueryBody *body = arena_calloc(s->stmt_arena, sizeof *body);
    body->kind = QB_SELECT;
    body->select = core;
    Query *q = arena_calloc(s->stmt_arena, sizeof *q);
    q->body = body;
    q->limit = -1;
    q->src = e->src;
    Stmt *st = arena_calloc(s->stmt_arena, sizeof *st);
    st->kind = STMT_SELECT;
    st->line = e->line;
    st->col = e->col;
    st->src = e->src;
    st->u.select.query = q;
    CollectSink cs;
    collect_sink_init(&cs);
    Status rc = sql_execute_stmt(s, st, &cs.sink, err);
    if (!rc) {
        if (cs.ncols != 1 || cs.nrows != 1) {
            rc = err_set(err, ERR_SUBQUERY_NO_1_ROW, "the value of SET must be a single value");
        } else {
            *type = cs.col_types[0];
            if (!cs.rows[0][0]) *is_null = true;
            else sb_append(out, cs.rows[0][0]);
        }
    }
    collect_sink_free(&cs);
    return rc;
}

static const char *default_collation(const char *charset) {
    if (str_ieq(charset, "utf8mb4")) return "utf8mb4_general_ci";
    if (str_ieq(charset, "utf8mb3")) return "utf8mb3_general_ci";
    if (str_ieq(charset, "latin1")) return "latin1_swedish_ci";
    if (str_ieq(charset, "ascii")) return "ascii_general_ci";
    if (str_ieq(charset, "binary")) return "binary";
    if (str_ieq(charset, "gbk")) return "gbk_chinese_ci";
    return "utf8_general_ci";
}

/* SET NAMES cs [COLLATE c] and SET CHARACTER SET cs. DEFAULT (or no charset) restores the defaults. */
static Status set_names(Session *s, const SetVar *v, bool names, Error *err) {
    const char *cs = v->charset;
    bool dflt = !cs || str_ieq(cs, "default");
    const char *vars[] = {"character_set_client", "character_set_results", "character_set_connection"};
    for (int i = 0; i < 3; i++) {
        const char *value = dflt ? NULL : cs;
        /* SET CHARACTER SET leaves the connection charset to the database's, as MySQL does */
        if (!names && i == 2) value = NULL;
        if (session_set_var(s, vars[i], false, value, err)) return STATUS_ERROR;
    }
    const char *coll = names && v->collate ? v->collate : dflt || !names ? NULL : default_collation(cs);
    return session_set_var(s, "collation_connection", false, coll, err);
}

static Status h_set(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const SetStmt *set = &st->u.set;
    StrBuf val = STRBUF_INIT;
    Status rc = STATUS_OK;
    for (int i = 0; i < set->n && !rc; i++) {
        const SetVar *v = &set->vars[i];
        sb_reset(&val);
        if (v->name && str_ieq(v->name, "names")) {
            rc = set_names(s, v, true, err);
            continue;
        }
        if (!v->value && v->charset) {
            rc = set_names(s, v, false, err);
            continue;
        }
        if (!v->value) {
            rc = err_set(err, ERR_PARSE, "SET %s needs a value", v->name ? v->name : "");
            continue;
        }
        bool is_null;
        DataType type;
        if (v->scope == VAR_USER) {
            if (!(rc = set_value_text(s, v->value, &val, &is_null, &type, err)))
                session_set_user_var(s, v->name, is_null ? NULL : val.data, val.len, type);
            continue;
        }
        const char *text = NULL;
        if (v->value->kind != EXPR_DEFAULT) {
            if ((rc = set_value_text(s, v->value, &val, &is_null, &type, err))) continue;
            text = is_null ? "NULL" : sb_str(&val);
        }
        rc = session_set_var(s, v->name, v->scope == VAR_GLOBAL, text, err);
    }
    sb_free(&val);
    if (rc) return rc;
    return out->ok(out, 0, 0, NULL, err);
}

/* ---------------------------------------------------------------- SHOW VARIABLES / STATUS */

static const ResultColumn *name_value_cols(void) {
    static ResultColumn cols[2];
    cols[0] = result_col_varchar("Variable_name");
    cols[1] = result_col_varchar("Value");
    return cols;
}

static void add_var_row(void *ctx, const char *name, const char *value) {
    const char *row[2] = {name, value};
    table_add(ctx, row);
}

static Status h_show_variables(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    Table t;
    table_init(&t, s, name_value_cols(), 2);
    session_each_var(s, st->u.show.scope == VAR_GLOBAL, add_var_row, &t);
    return table_send(&t, st->u.show.like, st->u.show.where, st->u.show.limit, out, err);
}

typedef struct RunningCount {
    int64_t running;
} RunningCount;

static void count_running(void *ctx, Session *x) {
    if (x->stmt_start_ms > 0) ((RunningCount *)ctx)->running++;
}

static Status h_show_status(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    RunningCount rc = {0};
    session_registry_each(count_running, &rc);
    Table t;
    table_init(&t, s, name_value_cols(), 2);
    char buf[64];
#define STATUS_ROW(name, fmt, v)                                                                   \
    do {                                                                                           \
        snprintf(buf, sizeof buf, fmt, v);                                                         \
        add_var_row(&t, name, buf);                                                                \
    } while (0)
    STATUS_ROW("Aborted_connects", "%llu", (unsigned long long)atomic_load(&server_status.aborted_connects));
    STATUS_ROW("Bytes_received", "%llu", (unsigned long long)atomic_load(&server_status.bytes_received));
    STATUS_ROW("Bytes_sent", "%llu", (unsigned long long)atomic_load(&server_status.bytes_sent));
    STATUS_ROW("Connection_errors_max_connections", "%llu",
               (unsigned long long)atomic_load(&server_status.connections_refused));
    STATUS_ROW("Connections", "%llu", (unsigned long long)atomic_load(&server_status.connections_total));
    STATUS_ROW("Queries", "%llu", (unsigned long long)atomic_load(&server_status.queries_total));
    STATUS_ROW("Query_errors", "%llu", (unsigned long long)atomic_load(&server_status.query_errors_total));
    STATUS_ROW("Questions", "%llu", (unsigned long long)atomic_load(&server_status.queries_total));
    STATUS_ROW("Threads_connected", "%lld", (long long)atomic_load(&server_status.connections_current));
    STATUS_ROW("Threads_running", "%lld", (long long)rc.running);
    STATUS_ROW("Uptime", "%lld", (long long)server_uptime_seconds());
#undef STATUS_ROW
    return table_send(&t, st->u.show.like, st->u.show.where, st->u.show.limit, out, err);
}

/* ---------------------------------------------------------------- PROCESSLIST and KILL */

static bool sees_all_sessions(const Session *s) {
    return s->internal || priv_has(s, PRIV_ADMIN, NULL, NULL) || priv_has(s, PRIV_OPERATE, NULL, NULL);
}

typedef struct ProcCtx {
    Session *self;
    Table *t;
    bool all, full;
    int64_t now;
} ProcCtx;

static void add_proc_row(void *ctx, Session *x) {
    ProcCtx *p = ctx;
    if (!p->all && strcmp(x->user, p->self->user) != 0) return;
    int64_t connect_ms, last_ms;
    session_times(x, &connect_ms, &last_ms);
    int64_t start = x->stmt_start_ms;
    char id[16], tm[24], since[32], host[300], info[sizeof x->current_sql];
    snprintf(id, sizeof id, "%u", x->conn_id);
    snprintf(tm, sizeof tm, "%lld", (long long)((p->now - (start > 0 ? start : last_ms)) / 1000));
    clock_format_datetime(connect_ms, since, sizeof since);
    snprintf(host, sizeof host, "%s", x->client_host);
    /* another thread may be rewriting current_sql: copy with a bound so the copy always ends */
    size_t n = strnlen(x->current_sql, sizeof x->current_sql - 1);
    memcpy(info, x->current_sql, n);
    info[n] = '\0';
    if (!p->full && n > 100) info[100] = '\0';
    char db[sizeof x->db];
    size_t dn = strnlen(x->db, sizeof x->db - 1);
    memcpy(db, x->db, dn);
    db[dn] = '\0';
    const char *row[10] = {id,   x->user, host, db[0] ? db : NULL, start > 0 ? "Query" : "Sleep", since, tm,
                           start > 0 ? "Running" : "", start > 0 ? info : NULL, "false"};
    table_add(p->t, row);
}

static Status h_show_processlist(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    static const char *names[] = {"Id",   "User", "Host", "Db",   "Command",
                                  "ConnectionStartTime", "Time", "State", "Info", "IsPending"};
    ResultColumn cols[10];
    for (int i = 0; i < 10; i++) cols[i] = result_col_varchar(names[i]);
    cols[0] = result_col_bigint("Id");
    cols[6] = result_col_bigint("Time");
    Table t;
    table_init(&t, s, cols, 10);
    ProcCtx p = {s, &t, sees_all_sessions(s), st->u.show.full, clock_now_ms()};
    session_registry_each(add_proc_row, &p);
    return table_send(&t, NULL, NULL, -1, out, err);
}

typedef struct FindUser {
    uint32_t id;
    bool found;
    char user[NAME_MAX_LEN + 1];
} FindUser;

static void find_user(void *ctx, Session *x) {
    FindUser *f = ctx;
    if (x->conn_id == f->id) {
        f->found = true;
        snprintf(f->user, sizeof f->user, "%s", x->user);
    }
}

static Status h_kill(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    const KillStmt *k = &st->u.kill;
    if (k->id < 0 || k->id > UINT32_MAX) return err_set(err, ERR_NO_SUCH_THREAD, "Unknown thread id: %lld", (long long)k->id);
    FindUser f = {(uint32_t)k->id, false, ""};
    session_registry_each(find_user, &f);
    if (!f.found) return err_set(err, ERR_NO_SUCH_THREAD, "Unknown thread id: %lld", (long long)k->id);
    if (strcmp(f.user, s->user) != 0 && !s->internal) {
        Error perr = ERROR_INIT;
        if (priv_check_admin(s, &perr))
            return err_set(err, ERR_KILL_DENIED,
                           "You are not owner of thread %lld (killing another user's session needs the ADMIN privilege)",
                           (long long)k->id);
    }
    if (f.id == s->conn_id) {
        /* KILL QUERY on oneself has nothing else to stop; KILL CONNECTION closes after this reply. */
        if (!k->query_only) atomic_store(&s->closing, 1);
        return out->ok(out, 0, 0, NULL, err);
    }
    session_registry_kill(f.id, k->query_only);
    return out->ok(out, 0, 0, NULL, err);
}

/* ---------------------------------------------------------------- WARNINGS / ERRORS */

static Status show_warnings(Session *s, const Stmt *st, ResultSink *out, bool errors_only, Error *err) {
    ResultColumn cols[3] = {result_col_varchar("Level"), result_col_bigint("Code"), result_col_varchar("Message")};
    Table t;
    table_init(&t, s, cols, 3);
    /* copy first: the lines live in a buffer the next statement resets */
    char *text = arena_strdup(s->stmt_arena, sb_str(&s->warnings));
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (tab2) {
            *tab1 = *tab2 = '\0';
            const char *row[3] = {line, tab1 + 1, tab2 + 1};
            if (!errors_only || !strcmp(line, "Error")) table_add(&t, row);
        }
        line = nl ? nl + 1 : NULL;
    }
    return table_send(&t, NULL, NULL, st->u.show.limit, out, err);
}

static Status h_show_warnings(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    return show_warnings(s, st, out, false, err);
}

static Status h_show_errors(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    return show_warnings(s, st, out, true, err);
}

/* ---------------------------------------------------------------- transactions (accepted, no-ops) */

static Status h_txn(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    return out->ok(out, 0, 0, NULL, err);
}

/* ---------------------------------------------------------------- ENGINES, CHARSET, COLLATION */

static Status h_show_engines(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    static const char *names[] = {"Engine", "Support", "Comment", "Transactions", "XA", "Savepoints"};
    ResultColumn cols[6];
    for (int i = 0; i < 6; i++) cols[i] = result_col_varchar(names[i]);
    Table t;
    table_init(&t, s, cols, 6);
    const char *row[6] = {"OLAP", "DEFAULT", "cairn's columnar storage engine (StarRocks OLAP tables)", "NO", "NO", "NO"};
    table_add(&t, row);
    return table_send(&t, st->u.show.like, st->u.show.where, st->u.show.limit, out, err);
}

static Status h_show_charset(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    static const char *rows[][4] = {
        {"ascii", "US ASCII", "ascii_general_ci", "1"},
        {"binary", "Binary pseudo charset", "binary", "1"},
        {"gbk", "GBK Simplified Chinese", "gbk_chinese_ci", "2"},
        {"latin1", "cp1252 West European", "latin1_swedish_ci", "1"},
        {"utf8", "UTF-8 Unicode", "utf8_general_ci", "3"},
        {"utf8mb3", "UTF-8 Unicode", "utf8mb3_general_ci", "3"},
        {"utf8mb4", "UTF-8 Unicode", "utf8mb4_general_ci", "4"},
    };
    ResultColumn cols[4] = {result_col_varchar("Charset"), result_col_varchar("Description"),
                            result_col_varchar("Default collation"), result_col_bigint("Maxlen")};
    Table t;
    table_init(&t, s, cols, 4);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) table_add(&t, rows[i]);
    return table_send(&t, st->u.show.like, st->u.show.where, st->u.show.limit, out, err);
}

static Status h_show_collation(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    static const char *rows[][6] = {
        {"ascii_general_ci", "ascii", "11", "Yes", "Yes", "1"},
        {"binary", "binary", "63", "Yes", "Yes", "1"},
        {"gbk_chinese_ci", "gbk", "28", "Yes", "Yes", "1"},
        {"latin1_bin", "latin1", "47", "", "Yes", "1"},
        {"latin1_swedish_ci", "latin1", "8", "Yes", "Yes", "1"},
        {"utf8_bin", "utf8", "83", "", "Yes", "1"},
        {"utf8_general_ci", "utf8", "33", "Yes", "Yes", "1"},
        {"utf8mb3_bin", "utf8mb3", "83", "", "Yes", "1"},
        {"utf8mb3_general_ci", "utf8mb3", "33", "Yes", "Yes", "1"},
        {"utf8mb4_0900_ai_ci", "utf8mb4", "255", "", "Yes", "0"},
        {"utf8mb4_bin", "utf8mb4", "46", "", "Yes", "1"},
        {"utf8mb4_general_ci", "utf8mb4", "45", "Yes", "Yes", "1"},
        {"utf8mb4_unicode_ci", "utf8mb4", "224", "", "Yes", "8"},
    };
    ResultColumn cols[6] = {result_col_varchar("Collation"), result_col_varchar("Charset"), result_col_bigint("Id"),
                            result_col_varchar("Default"),   result_col_varchar("Compiled"), result_col_bigint("Sortlen")};
    Table t;
    table_init(&t, s, cols, 6);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) table_add(&t, rows[i]);
    return table_send(&t, st->u.show.like, st->u.show.where, st->u.show.limit, out, err);
}

/* ---------------------------------------------------------------- FRONTENDS / BACKENDS */

static Status need_node_privilege(const Session *s, Error *err) {
    if (s->internal || priv_has(s, PRIV_ADMIN, NULL, NULL) || priv_has(s, PRIV_NODE, NULL, NULL) ||
        priv_has(s, PRIV_OPERATE, NULL, NULL))
        return STATUS_OK;
    return err_set(err, ERR_SPECIFIC_ACCESS_DENIED,
                   "Access denied; you need (at least one of) the NODE or OPERATE privilege(s) for this operation");
}

static Status h_show_frontends(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    if (need_node_privilege(s, err)) return STATUS_ERROR;
    static const char *names[] = {"Name",       "IP",        "EditLogPort", "HttpPort",          "QueryPort", "RpcPort",
                                  "Role",       "ClusterId", "Join",        "Alive",             "ReplayedJournalId",
                                  "LastHeartbeat", "IsHelper", "ErrMsg",    "StartTime",         "Version"};
    ResultColumn cols[16];
    for (int i = 0; i < 16; i++) cols[i] = result_col_varchar(names[i]);
    const char *bind = config_get("bind");
    char name[128], now[32], start[32], host[256];
    if (gethostname(host, sizeof host) != 0) snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    snprintf(name, sizeof name, "cairn_%s_%s", bind, config_get("mysql_port"));
    clock_format_datetime(clock_now_ms(), now, sizeof now);
    clock_format_datetime(atomic_load(&server_status.start_ms), start, sizeof start);
    const char *row[16] = {name, bind, "0", config_get("http_port"), config_get("mysql_port"), "0", "LEADER", "1",
                           "true", "true", "0", now, "true", "", start, CAIRN_VERSION};
    Table t;
    table_init(&t, s, cols, 16);
    table_add(&t, row);
    return table_send(&t, NULL, NULL, -1, out, err);
}

static Status h_show_backends(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    if (need_node_privilege(s, err)) return STATUS_ERROR;
    static const char *names[] = {
        "BackendId",  "IP",           "HeartbeatPort",     "BePort",          "HttpPort",
        "BrpcPort",   "LastStartTime", "LastHeartbeat",    "Alive",           "SystemDecommissioned",
        "ClusterDecommissioned", "TabletNum", "DataUsedCapacity", "AvailCapacity", "TotalCapacity",
        "UsedPct",    "MaxDiskUsedPct", "ErrMsg",          "Version",         "Status",
        "DataTotalCapacity", "DataUsedPct", "CpuCores",     "NumRunningQueries", "MemUsedPct",
        "CpuUsedPct"};
    enum { N = sizeof names / sizeof names[0] };
    ResultColumn cols[N];
    for (int i = 0; i < N; i++) cols[i] = result_col_varchar(names[i]);
    const char *bind = config_get("bind");
    char start[32], now[32], tablets[32], used[48], avail[48], total[48], pct[32], cores[16], running[16];
    clock_format_datetime(atomic_load(&server_status.start_ms), start, sizeof start);
    clock_format_datetime(clock_now_ms(), now, sizeof now);
    snprintf(tablets, sizeof tablets, "%lld", (long long)(server_tablet_count_fn ? server_tablet_count_fn() : 0));
    struct statvfs vfs;
    double tot = 0, av = 0;
    if (statvfs(config_get("data_dir"), &vfs) == 0) {
        tot = (double)vfs.f_blocks * (double)vfs.f_frsize;
        av = (double)vfs.f_bavail * (double)vfs.f_frsize;
    }
    snprintf(total, sizeof total, "%.3f GB", tot / 1e9);
    snprintf(avail, sizeof avail, "%.3f GB", av / 1e9);
    snprintf(used, sizeof used, "%.3f GB", (tot - av) / 1e9);
    snprintf(pct, sizeof pct, "%.2f %%", tot > 0 ? 100.0 * (tot - av) / tot : 0.0);
    snprintf(cores, sizeof cores, "%ld", sysconf(_SC_NPROCESSORS_ONLN));
    RunningCount rc = {0};
    session_registry_each(count_running, &rc);
    snprintf(running, sizeof running, "%lld", (long long)rc.running);
    const char *row[N] = {"10001", bind,  "0",     "0",   config_get("http_port"), "0",  start, now, "true",
                          "false", "false", tablets, used, avail, total, pct, pct, "", CAIRN_VERSION,
                          "{\"lastSuccessReportTabletsTime\":\"N/A\"}", total, pct, cores, running, "0.00 %",
                          "0.0 %"};
    Table t;
    table_init(&t, s, cols, N);
    table_add(&t, row);
    return table_send(&t, NULL, NULL, -1, out, err);
}

/* ---------------------------------------------------------------- ADMIN SET|SHOW FRONTEND CONFIG */

static Status h_admin_set_config(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    if (!s->internal && priv_check_admin(s, err)) return STATUS_ERROR;
    const PropList *p = &st->u.admin_config.props;
    if (p->n == 0) return err_set(err, ERR_PARSE, "ADMIN SET FRONTEND CONFIG needs (\"key\" = \"value\")");
    for (int i = 0; i < p->n; i++)
        if (config_set_runtime(p->items[i].key, p->items[i].value, err)) return STATUS_ERROR;
    return out->ok(out, 0, 0, NULL, err);
}

typedef struct ConfCtx {
    Table *t;
} ConfCtx;

static void add_conf_row(void *ctx, const char *key, const char *value, const char *doc, bool mutable_) {
    const char *type = config_type_name(key);
    const char *jtype = !type ? "String" : !strcmp(type, "INT") ? "long" : !strcmp(type, "BOOL") ? "boolean" : "String";
    const char *row[6] = {key, "[]", value, jtype, mutable_ ? "true" : "false", doc};
    table_add(((ConfCtx *)ctx)->t, row);
}

static Status h_admin_show_config(Session *s, const Stmt *st, ResultSink *out, Error *err) {
    if (!s->internal && !priv_has(s, PRIV_OPERATE, NULL, NULL) && priv_check_admin(s, err)) return STATUS_ERROR;
    static const char *names[] = {"Key", "AliasNames", "Value", "Type", "IsMutable", "Comment"};
    ResultColumn cols[6];
    for (int i = 0; i < 6; i++) cols[i] = result_col_varchar(names[i]);
    Table t;
    table_init(&t, s, cols, 6);
    ConfCtx c = {&t};
    config_each(add_conf_row, &c);
    return table_send(&t, st->u.admin_config.like, NULL, -1, out, err);
}

void session_register_statements(void) {
    sql_register(STMT_SET, h_set);
    sql_register(STMT_SHOW_VARIABLES, h_show_variables);
    sql_register(STMT_SHOW_STATUS, h_show_status);
    sql_register(STMT_SHOW_PROCESSLIST, h_show_processlist);
    sql_register(STMT_KILL, h_kill);
    sql_register(STMT_SHOW_WARNINGS, h_show_warnings);
    sql_register(STMT_SHOW_ERRORS, h_show_errors);
    sql_register(STMT_BEGIN, h_txn);
    sql_register(STMT_COMMIT, h_txn);
    sql_register(STMT_ROLLBACK, h_txn);
    sql_register(STMT_SHOW_ENGINES, h_show_engines);
    sql_register(STMT_SHOW_CHARSET, h_show_charset);
    sql_register(STMT_SHOW_COLLATION, h_show_collation);
    sql_register(STMT_SHOW_FRONTENDS, h_show_frontends);
    sql_register(STMT_SHOW_BACKENDS, h_show_backends);
    sql_register(STMT_ADMIN_SET_CONFIG, h_admin_set_config);
    sql_register(STMT_ADMIN_SHOW_CONFIG, h_admin_show_config);
}
