/* Logger: a mutex around one FILE*, lines flushed as written so a crash loses nothing already logged. */
#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static LogLevel log_min = LOG_INFO;
static int log_stderr = 1;

Status log_open(const char *path, LogLevel level, int to_stderr, Error *err) {
    pthread_mutex_lock(&log_mu);
    log_min = level;
    log_stderr = to_stderr;
    if (path) {
        FILE *f = fopen(path, "a");
        if (!f) {
            pthread_mutex_unlock(&log_mu);
            return err_set(err, ERR_IO, "cannot open log file %s: %s", path, strerror(errno));
        }
        setvbuf(f, NULL, _IOLBF, 0);
        if (log_file) fclose(log_file);
        log_file = f;
    }
    pthread_mutex_unlock(&log_mu);
    return STATUS_OK;
}

void log_close(void) {
    pthread_mutex_lock(&log_mu);
    if (log_file) fclose(log_file);
    log_file = NULL;
    pthread_mutex_unlock(&log_mu);
}

void log_set_level(LogLevel level) {
    log_min = level;
}

LogLevel log_level_from_name(const char *name) {
    if (!strcasecmp(name, "debug")) return LOG_DEBUG;
    if (!strcasecmp(name, "warn") || !strcasecmp(name, "warning")) return LOG_WARN;
    if (!strcasecmp(name, "error")) return LOG_ERROR;
    return LOG_INFO;
}

void log_msg(LogLevel level, const char *file, int line, const char *fmt, ...) {
    if (level < log_min) return;
    static const char *names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    char ts[64];
    snprintf(ts, sizeof ts, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000));
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    long tid = (long)syscall(SYS_gettid);
    pthread_mutex_lock(&log_mu);
    if (log_file) fprintf(log_file, "%s %s [%ld] %s:%d %s\n", ts, names[level], tid, base, line, msg);
    if (log_stderr || !log_file) fprintf(stderr, "%s %s [%ld] %s:%d %s\n", ts, names[level], tid, base, line, msg);
    pthread_mutex_unlock(&log_mu);
}
