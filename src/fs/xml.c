/* A tag scanner, not a parser: S3 and Azure answers are machine-written, flat and small per
 * element. */
#include "fs/xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *find(const char *s, const char *end, const char *needle, size_t nl) {
    while (s + nl <= end) {
        const char *p = memchr(s, needle[0], (size_t)(end - s));
        if (!p || p + nl > end) return NULL;
        if (memcmp(p, needle, nl) == 0) return p;
        s = p + 1;
    }
    return NULL;
}

bool xml_next(const char **cur, const char *end, const char *tag, const char **body, size_t *len) {
    char open[128], close[132];
    size_t tl = strlen(tag);
    if (tl + 3 > sizeof open) return false;
    open[0] = '<';
    memcpy(open + 1, tag, tl);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *s = *cur;
    for (;;) {
        const char *p = find(s, end, open, tl + 1);
        if (!p) return false;
        const char *after = p + tl + 1;
        if (after >= end) return false;
        if (*after != '>' && *after != ' ' && *after != '/' && *after != '\t' && *after != '\n') {
            s = after; /* a longer tag name sharing the prefix */
            continue;
        }
        const char *gt = memchr(after, '>', (size_t)(end - after));
        if (!gt) return false;
        if (gt[-1] == '/') {
            *body = gt + 1;
            *len = 0;
            *cur = gt + 1;
            return true;
        }
        const char *c = find(gt + 1, end, close, strlen(close));
        if (!c) return false;
        *body = gt + 1;
        *len = (size_t)(c - (gt + 1));
        *cur = c + strlen(close);
        return true;
    }
}

void xml_unescape(StrBuf *out, const char *s, size_t n) {
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    const char *end = s + n;
    while (s < end) {
        if (*s == '&') {
            bool done = false;
            for (size_t i = 0; i < sizeof ents / sizeof *ents && !done; i++) {
                size_t el = strlen(ents[i].ent);
                if ((size_t)(end - s) >= el && memcmp(s, ents[i].ent, el) == 0) {
                    sb_putc(out, ents[i].c);
                    s += el;
                    done = true;
                }
            }
            if (!done && end - s > 3 && s[1] == '#') {
                const char *semi = memchr(s, ';', (size_t)(end - s));
                if (semi) {
                    unsigned long cp =
                        s[2] == 'x' ? strtoul(s + 3, NULL, 16) : strtoul(s + 2, NULL, 10);
                    /* encode the code point as UTF-8 */
                    if (cp < 0x80) {
                        sb_putc(out, (char)cp);
                    } else if (cp < 0x800) {
                        sb_putc(out, (char)(0xC0 | (cp >> 6)));
                        sb_putc(out, (char)(0x80 | (cp & 0x3F)));
                    } else if (cp < 0x10000) {
                        sb_putc(out, (char)(0xE0 | (cp >> 12)));
                        sb_putc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
                        sb_putc(out, (char)(0x80 | (cp & 0x3F)));
                    } else {
                        sb_putc(out, (char)(0xF0 | (cp >> 18)));
                        sb_putc(out, (char)(0x80 | ((cp >> 12) & 0x3F)));
                        sb_putc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
                        sb_putc(out, (char)(0x80 | (cp & 0x3F)));
                    }
                    s = semi + 1;
                    done = true;
                }
            }
            if (!done) sb_putc(out, *s++);
        } else {
            sb_putc(out, *s++);
        }
    }
}

bool xml_text(const char *s, size_t n, const char *tag, StrBuf *out) {
    const char *cur = s, *body;
    size_t len;
    sb_reset(out);
    if (!xml_next(&cur, s + n, tag, &body, &len)) return false;
    xml_unescape(out, body, len);
    return true;
}

void xml_escape(StrBuf *out, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&':
            sb_append(out, "&amp;");
            break;
        case '<':
            sb_append(out, "&lt;");
            break;
        case '>':
            sb_append(out, "&gt;");
            break;
        case '"':
            sb_append(out, "&quot;");
            break;
        case '\'':
            sb_append(out, "&apos;");
            break;
        default:
            sb_putc(out, *s);
        }
    }
}
