/* Logging to <data-dir>/log/cairnd.log and stderr. Thread-safe; one line per call with time, level, thread.
 * Never pass secrets: callers redact credentials before logging (see util/redact.h). */
#ifndef CAIRN_UTIL_LOG_H
#define CAIRN_UTIL_LOG_H

#include "util/error.h"

typedef enum LogLevel { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } LogLevel;

/* path NULL = stderr only. to_stderr: also copy to stderr. */
Status log_open(const char *path, LogLevel level, int to_stderr, Error *err) MUST_CHECK;
void log_close(void);
void log_set_level(LogLevel level);
LogLevel log_level_from_name(const char *name); /* "debug", "info", "warn", "error"; default info */
void log_msg(LogLevel level, const char *file, int line, const char *fmt, ...) PRINTF_FMT(4, 5);

#define log_debug(...) log_msg(LOG_DEBUG, __FILE__, __LINE__, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __FILE__, __LINE__, __VA_ARGS__)

#endif
