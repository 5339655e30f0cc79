/* Error helpers and the errors.def lookup tables. */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int mysql_errno;
    const char *sqlstate;
    ErrClass cls;
} err_table[] = {
    [ERR_NONE] = {"ERR_NONE", 0, "00000", ERRCLASS_USER},
#define ERR(name, no, state, cls) [name] = {#name, no, state, ERRCLASS_##cls},
#include "util/errors.def"
#undef ERR
};

Status err_set(Error *err, ErrCode code, const char *fmt, ...) {
    if (!err) return STATUS_ERROR;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return STATUS_ERROR;
}

Status err_prefix(Error *err, const char *fmt, ...) {
    if (!err) return STATUS_ERROR;
    char prefix[ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[ERROR_MSG_MAX];
    memcpy(old, err->msg, sizeof old);
    snprintf(err->msg, sizeof err->msg, "%s%s", prefix, old);
    return STATUS_ERROR;
}

void err_clear(Error *err) {
    if (!err) return;
    err->code = ERR_NONE;
    err->msg[0] = '\0';
}

Status err_copy(Error *dst, const Error *src) {
    if (dst && dst != src) *dst = *src;
    return STATUS_ERROR;
}

static int valid(ErrCode code) {
    return code >= 0 && code < ERR__COUNT;
}

int err_mysql_errno(ErrCode code) {
    return valid(code) ? err_table[code].mysql_errno : 1105;
}

const char *err_sqlstate(ErrCode code) {
    return valid(code) ? err_table[code].sqlstate : "HY000";
}

ErrClass err_class(ErrCode code) {
    return valid(code) ? err_table[code].cls : ERRCLASS_INTERNAL;
}

const char *err_name(ErrCode code) {
    return valid(code) ? err_table[code].name : "ERR_UNKNOWN";
}

bool err_is_retryable(const Error *err) {
    return err && err_class(err->code) == ERRCLASS_TRANSIENT;
}
