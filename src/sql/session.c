/* Sessions: life cycle, the system variable table (global values plus per-session overrides), user
 * variables, warnings, and the registry of live sessions that SHOW PROCESSLIST and KILL walk.
 * The variable table (sysvars below) is the one list of every @@variable cairn knows; its validators keep
 * stored values canonical, so readers (the query engine via session_get_var) never re-validate. */
#include "sql/session.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/auth.h"
#include "server/config.h"
#include "server/version.h"
#include "util/clock.h"
#include "util/str.h"
#include "util/vec.h"

/* ---------------------------------------------------------------- the variable table */

typedef enum SysVarType {
    SV_STR,
    SV_INT,   /* signed 64-bit decimal */
    SV_ONOFF, /* MySQL-style boolean: reads as 1/0, SHOW VARIABLES prints ON/OFF */
    SV_BOOL,  /* StarRocks-style boolean: true/false everywhere */
} SysVarType;

enum {
    SV_GLOBAL_ONLY = 1,  /* SET needs GLOBAL */
    SV_SESSION_ONLY = 2, /* SET GLOBAL is refused */
    SV_READONLY = 4,
};

typedef Status (*SysVarCheck)(const char *name, const char *in, char *out, size_t outn, Error *err);

typedef struct SysVarDef {
    const char *name;
    const char *dflt; /* NULL = computed at start-up (see globals_init) */
    SysVarType type;
    int flags;
    SysVarCheck check; /* optional: validates and canonicalises a string value */
    const char *alias; /* another name for the same value (tx_isolation = transaction_isolation) */
} SysVarDef;

static Status check_charset(const char *name, const char *in, char *out, size_t outn, Error *err);
static Status check_collation(const char *name, const char *in, char *out, size_t outn, Error *err);
static Status check_time_zone(const char *name, const char *in, char *out, size_t outn, Error *err);
static Status check_isolation(const char *name, const char *in, char *out, size_t outn, Error *err);
static Status check_sql_mode(const char *name, const char *in, char *out, size_t outn, Error *err);
static Status check_query_cache_type(const char *name, const char *in, char *out, size_t outn, Error *err);

/* Alphabetical: SHOW VARIABLES prints in this order. */
static const SysVarDef sysvars[] = {
    {"auto_increment_increment", "1", SV_INT, 0, NULL, NULL},
    {"auto_increment_offset", "1", SV_INT, 0, NULL, NULL},
    {"autocommit", "1", SV_ONOFF, 0, NULL, NULL},
    {"batch_size", "4096", SV_INT, 0, NULL, NULL},
    {"character_set_client", "utf8", SV_STR, 0, check_charset, NULL},
    {"character_set_connection", "utf8", SV_STR, 0, check_charset, NULL},
    {"character_set_database", "utf8", SV_STR, 0, check_charset, NULL},
    {"character_set_results", "utf8", SV_STR, 0, check_charset, NULL},
    {"character_set_server", "utf8", SV_STR, 0, check_charset, NULL},
    {"character_set_system", "utf8", SV_STR, SV_READONLY, NULL, NULL},
    {"collation_connection", "utf8_general_ci", SV_STR, 0, check_collation, NULL},
    {"collation_database", "utf8_general_ci", SV_STR, 0, check_collation, NULL},
    {"collation_server", "utf8_general_ci", SV_STR, 0, check_collation, NULL},
    {"default_storage_engine", "OLAP", SV_STR, 0, NULL, NULL},
    {"div_precision_increment", "4", SV_INT, 0, NULL, NULL},
    {"enable_insert_strict", "true", SV_BOOL, 0, NULL, NULL},
    {"enable_pipeline_engine", "true", SV_BOOL, 0, NULL, NULL},
    {"enable_profile", "false", SV_BOOL, 0, NULL, NULL},
    {"error_count", "0", SV_INT, SV_READONLY | SV_SESSION_ONLY, NULL, NULL},
    {"exec_mem_limit", "2147483648", SV_INT, 0, NULL, NULL},
    {"group_concat_max_len", "65535", SV_INT, 0, NULL, NULL},
    {"have_query_cache", "NO", SV_STR, SV_READONLY, NULL, NULL},
    {"hostname", NULL, SV_STR, SV_READONLY, NULL, NULL},
    {"identity", "0", SV_INT, SV_READONLY | SV_SESSION_ONLY, NULL, NULL},
    {"init_connect", "", SV_STR, SV_GLOBAL_ONLY, NULL, NULL},
    {"insert_timeout", "14400", SV_INT, 0, NULL, NULL},
    {"interactive_timeout", "3600", SV_INT, 0, NULL, NULL},
    {"language", "/usr/share/cairn/english/", SV_STR, SV_READONLY, NULL, NULL},
    {"last_insert_id", "0", SV_INT, SV_READONLY | SV_SESSION_ONLY, NULL, NULL},
    {"license", "Apache License 2.0", SV_STR, SV_READONLY, NULL, NULL},
    {"load_mem_limit", "0", SV_INT, 0, NULL, NULL},
    {"lower_case_table_names", "0", SV_INT, SV_READONLY, NULL, NULL},
    {"max_allowed_packet", "67108864", SV_INT, 0, NULL, NULL},
    {"max_execution_time", "3000000", SV_INT, 0, NULL, NULL},
    {"net_buffer_length", "16384", SV_INT, 0, NULL, NULL},
    {"net_read_timeout", "60", SV_INT, 0, NULL, NULL},
    {"net_write_timeout", "60", SV_INT, 0, NULL, NULL},
    {"parallel_fragment_exec_instance_num", "1", SV_INT, 0, NULL, NULL},
    {"performance_schema", "0", SV_ONOFF, SV_READONLY, NULL, NULL},
    {"pipeline_dop", "0", SV_INT, 0, NULL, NULL},
    {"port", NULL, SV_INT, SV_READONLY, NULL, NULL},
    {"query_cache_size", "1048576", SV_INT, SV_GLOBAL_ONLY, NULL, NULL},
    {"query_cache_type", "OFF", SV_STR, 0, check_query_cache_type, NULL},
    {"query_mem_limit", NULL, SV_INT, 0, NULL, NULL},
    {"query_timeout", NULL, SV_INT, 0, NULL, NULL},
    {"resource_group", "", SV_STR, 0, NULL, NULL},
    {"sql_dialect", "StarRocks", SV_STR, 0, NULL, NULL},
    {"sql_mode", "ONLY_FULL_GROUP_BY", SV_STR, 0, check_sql_mode, NULL},
    {"sql_safe_updates", "0", SV_INT, 0, NULL, NULL},
    {"sql_select_limit", "9223372036854775807", SV_INT, 0, NULL, NULL},
    {"system_time_zone", NULL, SV_STR, SV_READONLY, NULL, NULL},
    {"time_zone", NULL, SV_STR, 0, check_time_zone, NULL},
    {"transaction_isolation", "REPEATABLE-READ", SV_STR, 0, check_isolation, NULL},
    {"transaction_read_only", "0", SV_ONOFF, 0, NULL, NULL},
    {"tx_isolation", NULL, SV_STR, 0, check_isolation, "transaction_isolation"},
    {"tx_read_only", NULL, SV_ONOFF, 0, NULL, "transaction_read_only"},
    {"version", CAIRN_MYSQL_VERSION, SV_STR, SV_READONLY, NULL, NULL},
    {"version_comment", CAIRN_VERSION_COMMENT, SV_STR, SV_READONLY, NULL, NULL},
    {"version_compile_machine", "x86_64", SV_STR, SV_READONLY, NULL, NULL},
    {"version_compile_os", "Linux", SV_STR, SV_READONLY, NULL, NULL},
    {"wait_timeout", "28800", SV_INT, 0, NULL, NULL},
    {"warning_count", "0", SV_INT, SV_READONLY | SV_SESSION_ONLY, NULL, NULL},
};
#define NSYSVARS ((int)(sizeof sysvars / sizeof sysvars[0]))

/* Global values, index-aligned with sysvars (aliases keep NULL and read their target). Guarded by globals_mu. */
static char *globals[NSYSVARS];
static char *startup[NSYSVARS]; /* the values globals_init computed: what DEFAULT restores */
static pthread_mutex_t globals_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t globals_once = PTHREAD_ONCE_INIT;

static int sysvar_find(const char *name) {
    for (int i = 0; i < NSYSVARS; i++)
        if (!strcasecmp(sysvars[i].name, name)) return i;
    return -1;
}

/* The index that holds the value (follows an alias). */
static int sysvar_target(int i) {
    return sysvars[i].alias ? sysvar_find(sysvars[i].alias) : i;
}

static void system_time_zone(char *out, size_t n) {
    const char *tz = getenv("TZ");
    if (tz && *tz) {
        snprintf(out, n, "%s", tz[0] == ':' ? tz + 1 : tz);
        return;
    }
    char buf[256];
    ssize_t len = readlink("/etc/localtime", buf, sizeof buf - 1);
    if (len > 0) {
        buf[len] = '\0';
        const char *z = strstr(buf, "zoneinfo/");
        if (z) {
            snprintf(out, n, "%s", z + strlen("zoneinfo/"));
            return;
        }
    }
    snprintf(out, n, "UTC");
}

/* Start-up values that come from the machine or from the configuration, not from the table. */
static void globals_init(void) {
    char buf[256];
    for (int i = 0; i < NSYSVARS; i++) {
        const SysVarDef *d = &sysvars[i];
        if (d->alias) continue;
        const char *v = d->dflt;
        if (!strcmp(d->name, "hostname")) {
            if (gethostname(buf, sizeof buf) != 0) snprintf(buf, sizeof buf, "localhost");
            buf[sizeof buf - 1] = '\0';
            v = buf;
        } else if (!strcmp(d->name, "port")) {
            v = config_get("mysql_port");
        } else if (!strcmp(d->name, "query_mem_limit")) {
            v = config_get("query_mem_limit");
        } else if (!strcmp(d->name, "query_timeout")) {
            v = config_get("query_timeout");
        } else if (!strcmp(d->name, "system_time_zone") || !strcmp(d->name, "time_zone")) {
            system_time_zone(buf, sizeof buf);
            v = buf;
        }
        startup[i] = strdup(v ? v : "");
        globals[i] = strdup(startup[i]);
    }
}

/* ---------------------------------------------------------------- validators */

static const char *const charsets[] = {"utf8", "utf8mb3", "utf8mb4", "latin1", "ascii", "binary", "gbk"};
static const struct {
    const char *name, *charset;
} collations[] = {
    {"utf8_general_ci", "utf8"},       {"utf8_bin", "utf8"},
    {"utf8mb3_general_ci", "utf8mb3"}, {"utf8mb3_bin", "utf8mb3"},
    {"utf8mb4_general_ci", "utf8mb4"}, {"utf8mb4_bin", "utf8mb4"},
    {"utf8mb4_unicode_ci", "utf8mb4"}, {"utf8mb4_0900_ai_ci", "utf8mb4"},
    {"latin1_swedish_ci", "latin1"},   {"latin1_bin", "latin1"},
    {"ascii_general_ci", "ascii"},     {"binary", "binary"},
    {"gbk_chinese_ci", "gbk"},
};

static void lower_copy(const char *in, char *out, size_t n) {
    size_t i = 0;
    for (; in[i] && i + 1 < n; i++) out[i] = (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
}

static Status check_charset(const char *name, const char *in, char *out, size_t outn, Error *err) {
    lower_copy(in, out, outn);
    /* character_set_results = NULL asks for no conversion (JDBC sends it); it reads back as empty. */
    if (!*out || !strcmp(out, "null")) {
        out[0] = '\0';
        return STATUS_OK;
    }
    for (size_t i = 0; i < sizeof charsets / sizeof charsets[0]; i++)
        if (!strcmp(out, charsets[i])) return STATUS_OK;
    return err_set(err, ERR_UNKNOWN_CHARSET, "Unknown character set: '%s'", in);
}

static Status check_collation(const char *name, const char *in, char *out, size_t outn, Error *err) {
    lower_copy(in, out, outn);
    for (size_t i = 0; i < sizeof collations / sizeof collations[0]; i++)
        if (!strcmp(out, collations[i].name)) return STATUS_OK;
    return err_set(err, ERR_UNKNOWN_COLLATION, "Unknown collation: '%s'", in);
}

static Status check_time_zone(const char *name, const char *in, char *out, size_t outn, Error *err) {
    snprintf(out, outn, "%s", in);
    if (str_ieq(in, "SYSTEM") || str_ieq(in, "UTC")) return STATUS_OK;
    int h, m;
    char sign, extra;
    if (sscanf(in, "%c%d:%d%c", &sign, &h, &m, &extra) == 3 && (sign == '+' || sign == '-') && m >= 0 && m < 60) {
        int minutes = (sign == '-' ? -1 : 1) * (h * 60 + m);
        if (minutes >= -12 * 60 - 59 && minutes <= 14 * 60) {
            snprintf(out, outn, "%c%02d:%02d", sign, h, m);
            return STATUS_OK;
        }
    } else if (!strstr(in, "..") && in[0] != '/' && strlen(in) < 200) {
        char path[256];
        struct stat st;
        snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", in);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) return STATUS_OK;
    }
    return err_set(err, ERR_UNKNOWN_TIME_ZONE, "Unknown or incorrect time zone: '%s'", in);
}

static Status check_isolation(const char *name, const char *in, char *out, size_t outn, Error *err) {
    static const char *const levels[] = {"READ-UNCOMMITTED", "READ-COMMITTED", "REPEATABLE-READ", "SERIALIZABLE"};
    char up[64];
    size_t i = 0;
    for (; in[i] && i + 1 < sizeof up; i++) up[i] = in[i] == ' ' ? '-' : (char)toupper((unsigned char)in[i]);
    up[i] = '\0';
    for (size_t l = 0; l < 4; l++)
        if (!strcmp(up, levels[l])) {
            snprintf(out, outn, "%s", levels[l]);
            return STATUS_OK;
        }
    return err_set(err, ERR_WRONG_VALUE_FOR_VAR, "Variable '%s' can't be set to the value of '%s'", name, in);
}

static Status check_sql_mode(const char *name, const char *in, char *out, size_t outn, Error *err) {
    static const char *const modes[] = {
        "REAL_AS_FLOAT", "PIPES_AS_CONCAT", "ANSI_QUOTES", "IGNORE_SPACE", "ONLY_FULL_GROUP_BY",
        "NO_UNSIGNED_SUBTRACTION", "NO_DIR_IN_CREATE", "ANSI", "NO_AUTO_VALUE_ON_ZERO", "NO_BACKSLASH_ESCAPES",
        "STRICT_TRANS_TABLES", "STRICT_ALL_TABLES", "NO_ZERO_IN_DATE", "NO_ZERO_DATE", "ALLOW_INVALID_DATES",
        "ERROR_FOR_DIVISION_BY_ZERO", "TRADITIONAL", "NO_ENGINE_SUBSTITUTION", "PAD_CHAR_TO_FULL_LENGTH",
        "TIME_TRUNCATE_FRACTIONAL", "SORT_NULLS_LAST", "ERROR_IF_OVERFLOW", "GROUP_CONCAT_LEGACY",
        "ALLOW_THROW_EXCEPTION", "FORBID_INVALID_DATE", "MODE_DOUBLE_LITERAL", "NO_FIELD_OPTIONS",
        "NO_KEY_OPTIONS", "NO_TABLE_OPTIONS", "MYSQL40", "MYSQL323", "DB2", "MSSQL", "ORACLE", "POSTGRESQL",
        "MAXDB", "HIGH_NOT_PRECEDENCE"};
    int64_t num;
    /* StarRocks also accepts the numeric bit-set form. */
    if (str_to_int64(in, &num) && num >= 0) {
        snprintf(out, outn, "%lld", (long long)num);
        return STATUS_OK;
    }
    StrBuf sb = STRBUF_INIT;
    const char *p = in;
    Status st = STATUS_OK;
    while (*p && !st) {
        while (*p == ',' || *p == ' ') p++;
        const char *e = p;
        while (*e && *e != ',') e++;
        const char *te = e;
        while (te > p && te[-1] == ' ') te--;
        if (te > p) {
            char word[64];
            size_t n = (size_t)(te - p);
            bool ok = n < sizeof word;
            if (ok) {
                for (size_t i = 0; i < n; i++) word[i] = (char)toupper((unsigned char)p[i]);
                word[n] = '\0';
                ok = false;
                for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
                    if (!strcmp(word, modes[m])) ok = true;
            }
            if (!ok) {
                st = err_set(err, ERR_WRONG_VALUE_FOR_VAR, "Variable 'sql_mode' can't be set to the value of '%.*s'",
                             (int)n, p);
                break;
            }
            if (sb.len) sb_putc(&sb, ',');
            sb_append(&sb, word);
        }
        p = e;
    }
    if (!st) snprintf(out, outn, "%s", sb_str(&sb));
    sb_free(&sb);
    return st;
}

static Status check_query_cache_type(const char *name, const char *in, char *out, size_t outn, Error *err) {
    static const char *const kinds[] = {"OFF", "ON", "DEMAND"};
    for (int i = 0; i < 3; i++) {
        char num[2] = {(char)('0' + i), '\0'};
        if (str_ieq(in, kinds[i]) || !strcmp(in, num)) {
            snprintf(out, outn, "%s", kinds[i]);
            return STATUS_OK;
        }
    }
    return err_set(err, ERR_WRONG_VALUE_FOR_VAR, "Variable '%s' can't be set to the value of '%s'", name, in);
}

/* Validates `in` for variable d and writes the canonical stored form. */
static Status sysvar_canonical(const SysVarDef *d, const char *in, char *out, size_t outn, Error *err) {
    int64_t iv;
    switch (d->type) {
    case SV_INT:
        if (!str_to_int64(in, &iv))
            return err_set(err, ERR_WRONG_VALUE_FOR_VAR, "Variable '%s' can't be set to the value of '%s'", d->name,
                           in);
        snprintf(out, outn, "%lld", (long long)iv);
        return STATUS_OK;
    case SV_ONOFF:
    case SV_BOOL: {
        bool b;
        if (str_ieq(in, "on")) b = true;
        else if (str_ieq(in, "off")) b = false;
        else if (!str_to_bool(in, &b))
            return err_set(err, ERR_WRONG_VALUE_FOR_VAR, "Variable '%s' can't be set to the value of '%s'", d->name,
                           in);
        snprintf(out, outn, "%s", d->type == SV_ONOFF ? (b ? "1" : "0") : (b ? "true" : "false"));
        return STATUS_OK;
    }
    case SV_STR:
        if (d->check) return d->check(d->name, in, out, outn, err);
        snprintf(out, outn, "%s", in);
        return STATUS_OK;
    }
    return STATUS_OK;
}

/* ---------------------------------------------------------------- per-session private state */

typedef struct UserVar {
    char *name;
    char *value; /* NULL = SQL NULL */
    size_t len;
    DataType type;
} UserVar;

/* The opaque Session.vars: session overrides of system variables, user variables, and timing that
 * SHOW PROCESSLIST reads. */
struct SessionVar {
    char *overrides[NSYSVARS]; /* malloc'd session values; NULL = use the global */
    VEC(UserVar) user_vars;
    int64_t connect_ms;
    _Atomic int64_t last_active_ms;
};

Session *session_new(uint32_t conn_id, const char *user, const char *client_host) {
    pthread_once(&globals_once, globals_init);
    Session *s = calloc(1, sizeof *s);
    s->conn_id = conn_id;
    snprintf(s->user, sizeof s->user, "%s", user ? user : "");
    snprintf(s->client_host, sizeof s->client_host, "%s", client_host ? client_host : "");
    s->vars = calloc(1, sizeof *s->vars);
    s->vars->connect_ms = clock_now_ms();
    s->vars->last_active_ms = s->vars->connect_ms;
    s->stmt_arena = arena_new(0);
    arena_set_tracker(s->stmt_arena, &s->mem);
    sb_init(&s->warnings);
    return s;
}

void session_free(Session *s) {
    if (!s) return;
    for (int i = 0; i < NSYSVARS; i++) free(s->vars->overrides[i]);
    for (size_t i = 0; i < s->vars->user_vars.len; i++) {
        free(s->vars->user_vars.items[i].name);
        free(s->vars->user_vars.items[i].value);
    }
    vec_free(&s->vars->user_vars);
    free(s->vars);
    arena_free(s->stmt_arena);
    sb_free(&s->warnings);
    free(s);
}

/* SHOW WARNINGS, SHOW ERRORS and SHOW COUNT(*) WARNINGS read the list the previous statement left, so
 * they must not clear it; everything else starts a fresh list. Decided on the text, before parsing. */
static bool keeps_warnings(const char *sql) {
    const char *p = sql;
    while (*p && (isspace((unsigned char)*p) || *p == '(')) p++;
    if (!str_has_iprefix(p, "show")) return false;
    p += 4;
    while (isspace((unsigned char)*p)) p++;
    return str_has_iprefix(p, "warnings") || str_has_iprefix(p, "errors") || str_has_iprefix(p, "count");
}

void session_begin_statement(Session *s, const char *sql) {
    arena_reset(s->stmt_arena);
    atomic_store(&s->killed, 0);
    s->mem.limit = session_var_int(s, "query_mem_limit", 0);
    atomic_store(&s->mem.peak, atomic_load(&s->mem.used));
    /* SHOW PROCESSLIST shows this text: passwords and credential properties never reach it */
    StrBuf red = STRBUF_INIT;
    redact_sql_secrets(sql ? sql : "", &red);
    snprintf(s->current_sql, sizeof s->current_sql, "%s", sb_str(&red));
    sb_free(&red);
    if (!sql || !keeps_warnings(sql)) {
        sb_reset(&s->warnings);
        s->warning_count = 0;
    }
    s->stmt_start_ms = clock_now_ms();
}

void session_end_statement(Session *s) {
    s->stmt_start_ms = 0;
    s->current_sql[0] = '\0';
    atomic_store(&s->vars->last_active_ms, clock_now_ms());
    /* Return a big statement's memory (a 20 MB INSERT, an AST) now rather than at the next one. */
    arena_reset(s->stmt_arena);
}

bool session_killed(const Session *s) {
    return atomic_load(&s->killed) != 0 || atomic_load(&s->closing) != 0;
}

/* ---------------------------------------------------------------- system variables */

/* Splits "global.x" / "session.x" / "local.x" into scope and name. */
static const char *strip_scope(const char *name, bool *global) {
    if (str_has_iprefix(name, "global.")) {
        *global = true;
        return name + 7;
    }
    if (str_has_iprefix(name, "session.")) return name + 8;
    if (str_has_iprefix(name, "local.")) return name + 6;
    return name;
}

/* The raw stored value of variable i as the session (or, global, the server) sees it. */
static void stored_value(const Session *s, int i, bool global, StrBuf *out) {
    const SysVarDef *d = &sysvars[i];
    if (s && !strcmp(d->name, "warning_count")) {
        sb_appendf(out, "%d", s->warning_count);
        return;
    }
    if (s && (!strcmp(d->name, "last_insert_id") || !strcmp(d->name, "identity"))) {
        sb_appendf(out, "%lld", (long long)s->last_insert_id);
        return;
    }
    int t = sysvar_target(i);
    if (!global && s && s->vars->overrides[t]) {
        sb_append(out, s->vars->overrides[t]);
        return;
    }
    pthread_mutex_lock(&globals_mu);
    sb_append(out, globals[t] ? globals[t] : "");
    pthread_mutex_unlock(&globals_mu);
}

bool session_get_var(const Session *s, const char *name, bool global, StrBuf *out, Error *err) {
    pthread_once(&globals_once, globals_init);
    name = strip_scope(name, &global);
    int i = sysvar_find(name);
    if (i < 0) {
        err_set(err, ERR_UNKNOWN_SYSTEM_VARIABLE, "Unknown system variable '%s'", name);
        return false;
    }
    stored_value(s, i, global, out);
    return true;
}

Status session_set_var(Session *s, const char *name, bool global, const char *value, Error *err) {
    pthread_once(&globals_once, globals_init);
    name = strip_scope(name, &global);
    int i = sysvar_find(name);
    if (i < 0) return err_set(err, ERR_UNKNOWN_SYSTEM_VARIABLE, "Unknown system variable '%s'", name);
    const SysVarDef *d = &sysvars[i];
    if (d->flags & SV_READONLY) return err_set(err, ERR_READONLY_VARIABLE, "Variable '%s' is a read only variable", d->name);
    if (!global && (d->flags & SV_GLOBAL_ONLY))
        return err_set(err, ERR_GLOBAL_VARIABLE, "Variable '%s' is a GLOBAL variable and should be set with SET GLOBAL",
                       d->name);
    if (global && (d->flags & SV_SESSION_ONLY))
        return err_set(err, ERR_GLOBAL_VARIABLE, "Variable '%s' is a SESSION variable and can't be used with SET GLOBAL",
                       d->name);
    int t = sysvar_target(i);
    char canon[1024];
    if (value) {
        if (sysvar_canonical(&sysvars[t], value, canon, sizeof canon, err)) return STATUS_ERROR;
    }
    if (global) {
        /* SET GLOBAL x = DEFAULT goes back to the start-up value (compiled-in, configured or detected). */
        char *nv = strdup(value ? canon : startup[t]);
        pthread_mutex_lock(&globals_mu);
        char *old = globals[t]; /* readers copy under globals_mu, so nobody holds it after the unlock */
        globals[t] = nv;
        pthread_mutex_unlock(&globals_mu);
        free(old);
    } else if (s) {
        free(s->vars->overrides[t]);
        s->vars->overrides[t] = value ? strdup(canon) : NULL;
    }
    return STATUS_OK;
}

int64_t session_var_int(const Session *s, const char *name, int64_t dflt) {
    StrBuf sb = STRBUF_INIT;
    int64_t v = dflt;
    bool b;
    if (session_get_var(s, name, false, &sb, NULL)) {
        if (!str_to_int64(sb_str(&sb), &v)) v = str_to_bool(sb_str(&sb), &b) ? (int64_t)b : dflt;
    }
    sb_free(&sb);
    return v;
}

void session_each_var(const Session *s, bool global, void (*fn)(void *ctx, const char *name, const char *value),
                      void *ctx) {
    pthread_once(&globals_once, globals_init);
    StrBuf sb = STRBUF_INIT;
    for (int i = 0; i < NSYSVARS; i++) {
        sb_reset(&sb);
        stored_value(s, i, global, &sb);
        const char *v = sb_str(&sb);
        if (sysvars[sysvar_target(i)].type == SV_ONOFF) v = !strcmp(v, "1") ? "ON" : "OFF";
        fn(ctx, sysvars[i].name, v);
    }
    sb_free(&sb);
}

void session_add_warning(Session *s, int code, const char *fmt, ...) {
    /* MySQL's max_error_count: the count keeps growing, the list stops at 64. */
    if (s->warning_count++ >= 64) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\t') *p = ' ';
    sb_appendf(&s->warnings, "Warning\t%d\t%s\n", code, msg);
}

/* ---------------------------------------------------------------- user variables */

static UserVar *user_var_find(const Session *s, const char *name) {
    for (size_t i = 0; i < s->vars->user_vars.len; i++)
        if (!strcasecmp(s->vars->user_vars.items[i].name, name)) return &s->vars->user_vars.items[i];
    return NULL;
}

void session_set_user_var(Session *s, const char *name, const char *value, size_t len, DataType type) {
    UserVar *v = user_var_find(s, name);
    if (!v) {
        UserVar nv = {strdup(name), NULL, 0, type};
        vec_push(&s->vars->user_vars, nv);
        v = &vec_last(&s->vars->user_vars);
    }
    free(v->value);
    v->value = NULL;
    v->len = 0;
    v->type = type;
    if (value) {
        v->value = malloc(len + 1);
        memcpy(v->value, value, len);
        v->value[len] = '\0';
        v->len = len;
    }
}

bool session_get_user_var(const Session *s, const char *name, StrBuf *out, bool *is_null, DataType *type) {
    UserVar *v = user_var_find(s, name);
    if (!v) {
        if (is_null) *is_null = true;
        if (type) *type = type_make(TYPE_NULL);
        return false;
    }
    if (is_null) *is_null = v->value == NULL;
    if (type) *type = v->type;
    if (v->value && out) sb_appendn(out, v->value, v->len);
    return true;
}

/* ---------------------------------------------------------------- the registry of live sessions */

static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static VEC(Session *) registry;

void session_registry_add(Session *s) {
    pthread_mutex_lock(&registry_mu);
    vec_push(&registry, s);
    pthread_mutex_unlock(&registry_mu);
}

void session_registry_remove(Session *s) {
    pthread_mutex_lock(&registry_mu);
    for (size_t i = 0; i < registry.len; i++)
        if (registry.items[i] == s) {
            registry.items[i] = registry.items[registry.len - 1];
            registry.len--;
            break;
        }
    pthread_mutex_unlock(&registry_mu);
}

void session_registry_each(void (*fn)(void *ctx, Session *s), void *ctx) {
    pthread_mutex_lock(&registry_mu);
    for (size_t i = 0; i < registry.len; i++) fn(ctx, registry.items[i]);
    pthread_mutex_unlock(&registry_mu);
}

bool session_registry_kill(uint32_t id, bool query_only) {
    bool found = false;
    pthread_mutex_lock(&registry_mu);
    for (size_t i = 0; i < registry.len; i++) {
        Session *s = registry.items[i];
        if (s->conn_id != id) continue;
        atomic_store(&s->killed, 1);
        if (!query_only) atomic_store(&s->closing, 1);
        found = true;
    }
    pthread_mutex_unlock(&registry_mu);
    return found;
}

void session_times(const Session *s, int64_t *connect_ms, int64_t *last_active_ms) {
    *connect_ms = s->vars->connect_ms;
    *last_active_ms = atomic_load(&s->vars->last_active_ms);
}
