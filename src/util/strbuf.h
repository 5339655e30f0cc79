/* StrBuf: a growable byte buffer (Redis' sds, curl's dynbuf). Always NUL-terminated; may hold binary data.
 * The buffer owns its bytes (malloc); free with sb_free or take them with sb_detach. */
#ifndef CAIRN_UTIL_STRBUF_H
#define CAIRN_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/error.h"

typedef struct StrBuf {
    char *data; /* owned; "" (static) until the first append */
    size_t len;
    size_t cap;
} StrBuf;

#define STRBUF_INIT {NULL, 0, 0}

void sb_init(StrBuf *sb);
void sb_free(StrBuf *sb);
void sb_reset(StrBuf *sb); /* len = 0, keeps capacity */
void sb_reserve(StrBuf *sb, size_t extra);
void sb_append(StrBuf *sb, const char *s);
void sb_appendn(StrBuf *sb, const void *p, size_t n);
void sb_putc(StrBuf *sb, char c);
void sb_appendf(StrBuf *sb, const char *fmt, ...) PRINTF_FMT(2, 3);
void sb_vappendf(StrBuf *sb, const char *fmt, va_list ap);
/* Appends s with SQL string escaping inside single quotes: 'it''s' style is not used; backslash escapes as MySQL. */
void sb_append_sql_string(StrBuf *sb, const char *s);
/* Appends an identifier quoted with backquotes when needed (`a b`). */
void sb_append_ident(StrBuf *sb, const char *s);
/* Appends s escaped for a JSON string body (no surrounding quotes). */
void sb_append_json_escaped(StrBuf *sb, const char *s, size_t n);
const char *sb_str(const StrBuf *sb); /* never NULL */
char *sb_detach(StrBuf *sb);          /* caller frees; buffer becomes empty */

#endif
