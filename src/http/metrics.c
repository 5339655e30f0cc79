/* The metrics registry (see metrics.h): a flat list of named series, rendered grouped by family so each
 * family gets one # HELP and # TYPE line as Prometheus requires. */
#include "http/metrics.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "server/status.h"
#include "util/vec.h"

typedef enum { M_COUNTER, M_GAUGE } MetricKind;

typedef struct Metric {
    char *name; /* with labels */
    char *family; /* name up to '{' */
    char *help;
    MetricKind kind;
    double value;
    double (*fn)(void);
} Metric;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static VEC(Metric) metrics;

/* Under mu. */
static Metric *find_or_add(const char *name, const char *help, MetricKind kind) {
    for (size_t i = 0; i < metrics.len; i++)
        if (!strcmp(metrics.items[i].name, name)) return &metrics.items[i];
    Metric m = {0};
    m.name = strdup(name);
    size_t fl = strcspn(name, "{");
    m.family = strndup(name, fl);
    m.help = strdup(help ? help : "");
    m.kind = kind;
    vec_push(&metrics, m);
    return &vec_last(&metrics);
}

void metrics_counter_add(const char *name, const char *help, double delta) {
    pthread_mutex_lock(&mu);
    find_or_add(name, help, M_COUNTER)->value += delta;
    pthread_mutex_unlock(&mu);
}

void metrics_gauge_set(const char *name, const char *help, double value) {
    pthread_mutex_lock(&mu);
    find_or_add(name, help, M_GAUGE)->value = value;
    pthread_mutex_unlock(&mu);
}

void metrics_gauge_fn(const char *name, const char *help, double (*fn)(void)) {
    pthread_mutex_lock(&mu);
    find_or_add(name, help, M_GAUGE)->fn = fn;
    pthread_mutex_unlock(&mu);
}

void metrics_counter_fn(const char *name, const char *help, double (*fn)(void)) {
    pthread_mutex_lock(&mu);
    find_or_add(name, help, M_COUNTER)->fn = fn;
    pthread_mutex_unlock(&mu);
}

double metrics_value(const char *name) {
    double v = 0;
    pthread_mutex_lock(&mu);
    for (size_t i = 0; i < metrics.len; i++)
        if (!strcmp(metrics.items[i].name, name)) v = metrics.items[i].fn ? metrics.items[i].fn() : metrics.items[i].value;
    pthread_mutex_unlock(&mu);
    return v;
}

static void append_help(StrBuf *out, const char *help) {
    /* Prometheus escapes backslash and newline in HELP text */
    for (const char *p = help; *p; p++) {
        if (*p == '\\') sb_append(out, "\\\\");
        else if (*p == '\n') sb_append(out, "\\n");
        else sb_putc(out, *p);
    }
}

void metrics_render(StrBuf *out) {
    pthread_mutex_lock(&mu);
    bool *done = calloc(metrics.len + 1, sizeof *done);
    for (size_t i = 0; i < metrics.len; i++) {
        if (done[i]) continue;
        Metric *m = &metrics.items[i];
        sb_appendf(out, "# HELP %s ", m->family);
        append_help(out, m->help);
        sb_appendf(out, "\n# TYPE %s %s\n", m->family, m->kind == M_COUNTER ? "counter" : "gauge");
        for (size_t j = i; j < metrics.len; j++) {
            Metric *s = &metrics.items[j];
            if (done[j] || strcmp(s->family, m->family)) continue;
            done[j] = true;
            double v = s->fn ? s->fn() : s->value;
            if (v == (double)(int64_t)v) sb_appendf(out, "%s %lld\n", s->name, (long long)v);
            else sb_appendf(out, "%s %.6f\n", s->name, v);
        }
    }
    free(done);
    pthread_mutex_unlock(&mu);
}

static double g_conn_current(void) {
    return (double)atomic_load(&server_status.connections_current);
}
static double g_conn_total(void) {
    return (double)atomic_load(&server_status.connections_total);
}
static double g_conn_refused(void) {
    return (double)atomic_load(&server_status.connections_refused);
}
static double g_aborted(void) {
    return (double)atomic_load(&server_status.aborted_connects);
}
static double g_queries(void) {
    return (double)atomic_load(&server_status.queries_total);
}
static double g_errors(void) {
    return (double)atomic_load(&server_status.query_errors_total);
}
static double g_running(void) {
    return (double)atomic_load(&server_status.running_statements);
}
static double g_uptime(void) {
    return (double)server_uptime_seconds();
}
static double g_http(void) {
    return (double)atomic_load(&server_status.http_requests_total);
}

void metrics_register_builtin(void) {
    metrics_gauge_fn("cairn_connections", "MySQL protocol connections open now", g_conn_current);
    metrics_counter_fn("cairn_connections_total", "MySQL protocol connections accepted since start", g_conn_total);
    metrics_counter_fn("cairn_connections_refused_total", "Connections refused over max_connections", g_conn_refused);
    metrics_counter_fn("cairn_aborted_connects_total", "Failed handshakes and logins", g_aborted);
    metrics_counter_fn("cairn_queries_total", "Queries received (COM_QUERY and COM_INIT_DB)", g_queries);
    metrics_counter_fn("cairn_query_errors_total", "Queries answered with an error", g_errors);
    metrics_gauge_fn("cairn_running_statements", "Statements executing now", g_running);
    metrics_gauge_fn("cairn_uptime_seconds", "Seconds since cairnd started serving", g_uptime);
    metrics_counter_fn("cairn_http_requests_total", "HTTP requests received", g_http);
}
