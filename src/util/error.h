/* Errors: a Status return plus an Error out-parameter that carries the code and a message a person can act on.
 * The code that detects a failure writes the message; callers may only prepend context (err_prefix).
 * Turning an Error into a MySQL ERR packet happens in net/ only, from the table in errors.def. */
#ifndef CAIRN_UTIL_ERROR_H
#define CAIRN_UTIL_ERROR_H

#include <stdbool.h>
#include <stddef.h>

#define MUST_CHECK __attribute__((warn_unused_result))
#define PRINTF_FMT(a, b) __attribute__((format(printf, a, b)))

typedef enum Status { STATUS_OK = 0, STATUS_ERROR = 1 } Status;

typedef enum ErrClass {
    ERRCLASS_USER,
    ERRCLASS_AUTH,
    ERRCLASS_STATE,
    ERRCLASS_IO,
    ERRCLASS_CORRUPT,
    ERRCLASS_INTERNAL,
    ERRCLASS_TRANSIENT
} ErrClass;

typedef enum ErrCode {
    ERR_NONE = 0,
#define ERR(name, no, state, cls) name,
#include "util/errors.def"
#undef ERR
    ERR__COUNT
} ErrCode;

#define ERROR_MSG_MAX 1024

typedef struct Error {
    ErrCode code;
    char msg[ERROR_MSG_MAX];
} Error;

#define ERROR_INIT {ERR_NONE, {0}}

/* Sets code and message; returns STATUS_ERROR so callers can `return err_set(...)`. err may be NULL. */
Status err_set(Error *err, ErrCode code, const char *fmt, ...) PRINTF_FMT(3, 4);
/* Prepends context to an existing message: "while X: <old message>". Returns STATUS_ERROR. */
Status err_prefix(Error *err, const char *fmt, ...) PRINTF_FMT(2, 3);
void err_clear(Error *err);
/* Copies src into dst (dst may be NULL). Returns STATUS_ERROR. */
Status err_copy(Error *dst, const Error *src);

int err_mysql_errno(ErrCode code);
const char *err_sqlstate(ErrCode code);
ErrClass err_class(ErrCode code);
const char *err_name(ErrCode code);
bool err_is_retryable(const Error *err);

#endif
