/* A small Prometheus metrics registry: modules add counters and gauges by name; GET /metrics renders
 * them in the text exposition format. Names may carry labels: "cairn_backup_bytes_total{repo=\"r1\"}".
 * Thread-safe (one mutex; updates are cheap). */
#ifndef CAIRN_HTTP_METRICS_H
#define CAIRN_HTTP_METRICS_H

#include <stdint.h>

#include "util/strbuf.h"

/* Adds delta to a counter, creating it (with its help text) on first use. */
void metrics_counter_add(const char *name, const char *help, double delta);
/* Sets a gauge, creating it on first use. */
void metrics_gauge_set(const char *name, const char *help, double value);
/* A gauge computed at scrape time (e.g. current connections): fn is called for each /metrics request. */
void metrics_gauge_fn(const char *name, const char *help, double (*fn)(void));
/* A counter computed at scrape time (a total someone else keeps, e.g. an atomic). */
void metrics_counter_fn(const char *name, const char *help, double (*fn)(void));
/* Current value of a counter or gauge (0 when unknown); tests and SHOW STATUS. */
double metrics_value(const char *name);
/* Appends every metric in the Prometheus text format. */
void metrics_render(StrBuf *out);
/* Registers cairn's own process metrics (connections, queries, errors, uptime). Idempotent. */
void metrics_register_builtin(void);

#endif
