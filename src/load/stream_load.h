/* Stream Load, independent of the transport: options come from request headers (label, column_separator,
 * row_delimiter, skip_header, trim_space, enclose, escape, columns, where, format, jsonpaths,
 * strip_outer_array, json_root, max_filter_ratio, strict_mode, timeout, partitions, temporary_partitions),
 * the body is fed in chunks as it arrives, and finish commits (or aborts) and builds StarRocks' JSON reply.
 * stream_load_http.c binds it to PUT /api/{db}/{table}/_stream_load; tests may drive it directly. */
#ifndef CAIRN_LOAD_STREAM_LOAD_H
#define CAIRN_LOAD_STREAM_LOAD_H

#include <jansson.h>
#include <stddef.h>

#include "sql/session.h"
#include "util/error.h"

/* Returns a request header's value (case-insensitive name), NULL when absent. */
typedef const char *(*StreamLoadHeaderFn)(void *ctx, const char *name);

typedef struct StreamLoad StreamLoad;

/* Checks INSERT privilege, parses the options, resolves the table and begins the transaction (reserving the
 * label). On failure returns STATUS_ERROR and *reply holds the JSON to send (Status "Fail", or "Label Already
 * Exists" with ExistingJobStatus); *out is NULL. The session is borrowed until stream_load_free. */
Status stream_load_begin(Session *s, const char *db, const char *table, StreamLoadHeaderFn hdr, void *hctx,
                         StreamLoad **out, json_t **reply) MUST_CHECK;
/* Parses, converts and writes one chunk of the body. An error (timeout, malformed input that is not a row
 * problem, a write failure) ends the load; finish then reports it. */
Status stream_load_feed(StreamLoad *sl, const char *data, size_t n, Error *err) MUST_CHECK;
/* Ends the load: commits when the filtered ratio allows it, otherwise aborts. transport_err: the body was not
 * received whole (NULL when it was). error_url_base: "http://host:port" for ErrorURL. Returns the reply. */
json_t *stream_load_finish(StreamLoad *sl, const Error *transport_err, const char *error_url_base);
/* Aborts if not finished and frees. NULL ok. */
void stream_load_free(StreamLoad *sl);
/* The reply for a request that fails before a load begins (bad auth, bad path). */
json_t *stream_load_fail_reply(const char *label, const char *message);

#endif
