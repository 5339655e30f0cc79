/* Authentication: mysql_native_password hashing and scramble checks, and secret redaction.
 * Passwords are only ever held as "*HEX(SHA1(SHA1(p)))" (the form mysql_native_password needs);
 * the net module calls auth_check_native_password during the handshake, and uses
 * redact_sql_secrets before any SQL text reaches a log line or SHOW PROCESSLIST. */
#ifndef CAIRN_CATALOG_AUTH_H
#define CAIRN_CATALOG_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/strbuf.h"

#define AUTH_SCRAMBLE_LEN 20 /* salt and response length of mysql_native_password */
#define AUTH_HASH_LEN 41     /* "*" + 40 upper-case hex digits */

/* Checks a handshake response against the stored password of the account that matches user and
 * client_host ('%' matches every host, otherwise the host must be equal). Unknown user or wrong
 * password: 1045 "Access denied for user 'u'@'host' (using password: YES|NO)". */
Status auth_check_native_password(const char *user, const char *client_host, const uint8_t salt[20],
                                  const uint8_t *response, size_t response_len,
                                  Error *err) MUST_CHECK;

/* The same check for a password given in clear (HTTP basic auth of Stream Load and /api): hashes it
 * and compares with the stored hash. Same 1045 error, "(using password: YES|NO)". */
Status auth_check_plain_password(const char *user, const char *client_host, const char *password,
                                 Error *err) MUST_CHECK;

/* Writes the stored form of a plain password: "*" + HEX(SHA1(SHA1(plain))); "" for an empty one. */
void auth_password_hash(const char *plain, char out[AUTH_HASH_LEN + 1]);

/* Validates a hash given by SET PASSWORD = '*HEX' / IDENTIFIED BY PASSWORD '*HEX' and writes it in
 * canonical upper case ("" stays "": no password). Malformed: 1827, naming the expected format. */
Status auth_password_hash_parse(const char *hash, char out[AUTH_HASH_LEN + 1],
                                Error *err) MUST_CHECK;

/* True when `response` is the scramble of the password stored as `stored_hash` for `salt`.
 * An empty stored hash (no password) matches only an empty response. Constant-time compare. */
bool auth_scramble_matches(const char *stored_hash, const uint8_t salt[20], const uint8_t *response,
                           size_t response_len);

/* The client side of the scramble: SHA1(p) XOR SHA1(salt + SHA1(SHA1(p))) (tests, internal
 * clients). */
void auth_scramble_compute(const char *password, const uint8_t salt[20], uint8_t out[20]);

/* Appends `sql` to `out` with secrets replaced by ***: the literal after IDENTIFIED BY [PASSWORD],
 * IDENTIFIED WITH p AS, PASSWORD('...'), SET PASSWORD ... = '...', and every "key" = "value"
 * whose key looks secret (see auth_is_secret_key). Quotes and everything else are kept. */
void redact_sql_secrets(const char *sql, StrBuf *out);

/* True for property keys that hold credentials (secret_key, access_key, password, sas_token,
 * shared_key, accessKeySecret, secretKey, userinfo.secretId, secret.key, access.key,
 * encryption_key, ...), compared case-insensitively as substrings. */
bool auth_is_secret_key(const char *key);

#endif
