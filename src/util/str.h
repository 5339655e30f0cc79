/* Small string helpers used everywhere: case-insensitive compare, prefix tests, trimming, LIKE matching. */
#ifndef CAIRN_UTIL_STR_H
#define CAIRN_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool str_ieq(const char *a, const char *b);             /* ASCII case-insensitive equality; NULL-safe */
bool str_has_prefix(const char *s, const char *prefix);
bool str_has_iprefix(const char *s, const char *prefix);
bool str_has_suffix(const char *s, const char *suffix);
/* SQL LIKE with % and _ and backslash escape; case-sensitive unless ci. */
bool str_like(const char *s, size_t slen, const char *pat, size_t plen, bool ci);
/* Parses a decimal int64; whole string must be consumed (leading/trailing spaces allowed). */
bool str_to_int64(const char *s, int64_t *out);
bool str_to_bool(const char *s, bool *out); /* true/false/1/0, any case */
/* Identifier rule for labels and names: a letter first, then letters, digits, '_'; 1..max chars. */
bool str_is_identifier(const char *s, size_t max);

#endif
