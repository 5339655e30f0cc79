/* String helpers. */
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool str_ieq(const char *a, const char *b) {
    if (!a || !b) return a == b;
    return strcasecmp(a, b) == 0;
}

bool str_has_prefix(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_has_iprefix(const char *s, const char *prefix) {
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

bool str_has_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static inline char fold(char c, bool ci) {
    return ci ? (char)tolower((unsigned char)c) : c;
}

bool str_like(const char *s, size_t slen, const char *p, size_t plen, bool ci) {
    size_t si = 0, pi = 0, star_p = (size_t)-1, star_s = 0;
    while (si < slen) {
        if (pi < plen && p[pi] == '%') {
            star_p = ++pi;
            star_s = si;
            continue;
        }
        if (pi < plen) {
            char pc = p[pi];
            size_t adv = 1;
            if (pc == '\\' && pi + 1 < plen) {
                pc = p[pi + 1];
                adv = 2;
                if (fold(pc, ci) == fold(s[si], ci)) {
                    pi += adv;
                    si++;
                    continue;
                }
            } else if (pc == '_' || fold(pc, ci) == fold(s[si], ci)) {
                pi += adv;
                si++;
                continue;
            }
        }
        if (star_p != (size_t)-1) {
            pi = star_p;
            si = ++star_s;
            continue;
        }
        return false;
    }
    while (pi < plen && p[pi] == '%') pi++;
    return pi == plen;
}

bool str_to_int64(const char *s, int64_t *out) {
    while (isspace((unsigned char)*s)) s++;
    if (!*s) return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s) return false;
    while (isspace((unsigned char)*end)) end++;
    if (*end) return false;
    *out = v;
    return true;
}

bool str_to_bool(const char *s, bool *out) {
    if (str_ieq(s, "true") || strcmp(s, "1") == 0) {
        *out = true;
        return true;
    }
    if (str_ieq(s, "false") || strcmp(s, "0") == 0) {
        *out = false;
        return true;
    }
    return false;
}

bool str_is_identifier(const char *s, size_t max) {
    size_t n = strlen(s);
    if (n == 0 || n > max || !isalpha((unsigned char)s[0])) return false;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_') return false;
    return true;
}
