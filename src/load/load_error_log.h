/* Error logs of loads with filtered rows: the first rows a load rejected, one line each with the reason and
 * the row as read ("Error: <reason>. Row: <row>"), kept as files under <data_dir>/load_error_log/ and served
 * by GET /api/_load_error_log?file=<name> (the ErrorURL of a Stream Load reply). Files older than three days
 * are removed when new ones are written. */
#ifndef CAIRN_LOAD_LOAD_ERROR_LOG_H
#define CAIRN_LOAD_LOAD_ERROR_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/strbuf.h"

#define LOAD_ERROR_LOG_MAX_ROWS 1000 /* rows kept per load; later ones are only counted */

typedef struct LoadErrorLog {
    StrBuf text;   /* pending lines */
    int64_t rows;  /* rows recorded (kept or not) */
} LoadErrorLog;

/* Records one rejected row (raw may hold any bytes: they are shown escaped). */
void load_error_log_add(LoadErrorLog *l, int64_t line, const char *reason, const char *raw, size_t raw_len);
/* Writes the file (when any row was recorded); name_out gets its name for the ErrorURL. */
Status load_error_log_save(LoadErrorLog *l, const char *label, int64_t txn_id, char *name_out, size_t n,
                           Error *err) MUST_CHECK;
void load_error_log_free(LoadErrorLog *l);
/* Reads a saved log by name into out. Names with '/' or ".." are ERR_INVALID_ARGUMENT; unknown: ERR_FS_NOT_FOUND. */
Status load_error_log_read(const char *name, StrBuf *out, Error *err) MUST_CHECK;

#endif
