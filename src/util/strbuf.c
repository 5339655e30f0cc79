/* StrBuf implementation. */
#include "util/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_init(StrBuf *sb) {
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

void sb_free(StrBuf *sb) {
    free(sb->data);
    sb_init(sb);
}

void sb_reset(StrBuf *sb) {
    sb->len = 0;
    if (sb->data) sb->data[0] = '\0';
}

void sb_reserve(StrBuf *sb, size_t extra) {
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap) return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need) cap *= 2;
    char *p = realloc(sb->data, cap);
    if (!p) {
        fprintf(stderr, "cairn: out of memory growing a buffer to %zu bytes\n", cap);
        abort();
    }
    sb->data = p;
    sb->cap = cap;
}

void sb_appendn(StrBuf *sb, const void *p, size_t n) {
    sb_reserve(sb, n);
    if (n) memcpy(sb->data + sb->len, p, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void sb_append(StrBuf *sb, const char *s) {
    sb_appendn(sb, s, strlen(s));
}

void sb_putc(StrBuf *sb, char c) {
    sb_reserve(sb, 1);
    sb->data[sb->len++] = c;
    sb->data[sb->len] = '\0';
}

void sb_vappendf(StrBuf *sb, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n <= 0) return;
    sb_reserve(sb, (size_t)n);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void sb_appendf(StrBuf *sb, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sb_vappendf(sb, fmt, ap);
    va_end(ap);
}

void sb_append_sql_string(StrBuf *sb, const char *s) {
    sb_putc(sb, '\'');
    for (; *s; s++) {
        switch (*s) {
        case '\'': sb_append(sb, "\\'"); break;
        case '\\': sb_append(sb, "\\\\"); break;
        case '\n': sb_append(sb, "\\n"); break;
        case '\r': sb_append(sb, "\\r"); break;
        case '\t': sb_append(sb, "\\t"); break;
        case '\0': sb_append(sb, "\\0"); break;
        default: sb_putc(sb, *s);
        }
    }
    sb_putc(sb, '\'');
}

void sb_append_ident(StrBuf *sb, const char *s) {
    sb_putc(sb, '`');
    for (; *s; s++) {
        if (*s == '`') sb_putc(sb, '`');
        sb_putc(sb, *s);
    }
    sb_putc(sb, '`');
}

void sb_append_json_escaped(StrBuf *sb, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': sb_append(sb, "\\\""); break;
        case '\\': sb_append(sb, "\\\\"); break;
        case '\n': sb_append(sb, "\\n"); break;
        case '\r': sb_append(sb, "\\r"); break;
        case '\t': sb_append(sb, "\\t"); break;
        default:
            if (c < 0x20)
                sb_appendf(sb, "\\u%04x", c);
            else
                sb_putc(sb, (char)c);
        }
    }
}

const char *sb_str(const StrBuf *sb) {
    return sb->data ? sb->data : "";
}

char *sb_detach(StrBuf *sb) {
    char *p = sb->data;
    if (!p) p = calloc(1, 1);
    sb_init(sb);
    return p;
}
