/* mysql_native_password (catalog/auth.h): the server keeps SHA1(SHA1(p)); the client proves it
 * knows SHA1(p) by sending SHA1(p) XOR SHA1(salt + SHA1(SHA1(p))). Also the SQL redactor that
 * keeps passwords and storage credentials out of logs and SHOW PROCESSLIST. */
#include "catalog/auth.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/users.h"
#include "util/str.h"

static void sha1(const void *p, size_t n, uint8_t out[20]) {
    unsigned int len = 20;
    EVP_Digest(p, n, out, &len, EVP_sha1(), NULL);
}

static void sha1_2(const void *a, size_t na, const void *b, size_t nb, uint8_t out[20]) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int len = 20;
    EVP_DigestInit_ex(ctx, EVP_sha1(), NULL);
    EVP_DigestUpdate(ctx, a, na);
    EVP_DigestUpdate(ctx, b, nb);
    EVP_DigestFinal_ex(ctx, out, &len);
    EVP_MD_CTX_free(ctx);
}

void auth_password_hash(const char *plain, char out[AUTH_HASH_LEN + 1]) {
    if (!plain || !*plain) {
        out[0] = '\0';
        return;
    }
    uint8_t stage1[20], stage2[20];
    sha1(plain, strlen(plain), stage1);
    sha1(stage1, 20, stage2);
    static const char hex[] = "0123456789ABCDEF";
    out[0] = '*';
    for (int i = 0; i < 20; i++) {
        out[1 + 2 * i] = hex[stage2[i] >> 4];
        out[2 + 2 * i] = hex[stage2[i] & 15];
    }
    out[AUTH_HASH_LEN] = '\0';
    OPENSSL_cleanse(stage1, sizeof stage1);
}

Status auth_password_hash_parse(const char *hash, char out[AUTH_HASH_LEN + 1], Error *err) {
    if (!hash || !*hash) {
        out[0] = '\0';
        return STATUS_OK;
    }
    bool ok = strlen(hash) == AUTH_HASH_LEN && hash[0] == '*';
    for (int i = 1; ok && i < AUTH_HASH_LEN; i++)
        ok = isxdigit((unsigned char)hash[i]);
    /* The hash is not a secret, but a mistyped one often is a plain password: never echo it. */
    if (!ok)
        return err_set(
            err, ERR_PASSWORD_FORMAT,
            "The password hash doesn't have the expected format: it must be '*' followed by 40 "
            "hex digits (as PASSWORD('...') returns); to set a plain password use "
            "IDENTIFIED BY 'p' or SET PASSWORD = PASSWORD('p')");
    for (int i = 0; i < AUTH_HASH_LEN; i++)
        out[i] = (char)toupper((unsigned char)hash[i]);
    out[AUTH_HASH_LEN] = '\0';
    return STATUS_OK;
}

static bool hash_to_stage2(const char *stored, uint8_t stage2[20]) {
    if (strlen(stored) != AUTH_HASH_LEN || stored[0] != '*') return false;
    for (int i = 0; i < 20; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            int c = toupper((unsigned char)stored[1 + 2 * i + k]);
            if (c >= '0' && c <= '9')
                v = v * 16 + (unsigned)(c - '0');
            else if (c >= 'A' && c <= 'F')
                v = v * 16 + (unsigned)(c - 'A' + 10);
            else
                return false;
        }
        stage2[i] = (uint8_t)v;
    }
    return true;
}

bool auth_scramble_matches(const char *stored_hash, const uint8_t salt[20], const uint8_t *response,
                           size_t response_len) {
    if (!stored_hash || !*stored_hash) return response_len == 0;
    uint8_t stage2[20], mask[20], stage1[20], check[20];
    if (response_len != AUTH_SCRAMBLE_LEN || !hash_to_stage2(stored_hash, stage2)) return false;
    sha1_2(salt, AUTH_SCRAMBLE_LEN, stage2, 20, mask);
    for (int i = 0; i < 20; i++)
        stage1[i] = response[i] ^ mask[i];
    sha1(stage1, 20, check);
    bool ok = CRYPTO_memcmp(check, stage2, 20) == 0;
    OPENSSL_cleanse(stage1, sizeof stage1);
    return ok;
}

void auth_scramble_compute(const char *password, const uint8_t salt[20], uint8_t out[20]) {
    uint8_t stage1[20], stage2[20], mask[20];
    sha1(password, strlen(password), stage1);
    sha1(stage1, 20, stage2);
    sha1_2(salt, AUTH_SCRAMBLE_LEN, stage2, 20, mask);
    for (int i = 0; i < 20; i++)
        out[i] = stage1[i] ^ mask[i];
    OPENSSL_cleanse(stage1, sizeof stage1);
}

static Status access_denied(const char *user, const char *client_host, bool with_password,
                            Error *err) {
    /* One message for unknown user and wrong password, as MySQL: no probing for account names. */
    return err_set(err, ERR_ACCESS_DENIED, "Access denied for user '%s'@'%s' (using password: %s)",
                   user ? user : "", client_host ? client_host : "", with_password ? "YES" : "NO");
}

Status auth_check_native_password(const char *user, const char *client_host, const uint8_t salt[20],
                                  const uint8_t *response, size_t response_len, Error *err) {
    const UserDb *db = users_acquire();
    const Grantee *g = userdb_find_login(db, user ? user : "", client_host ? client_host : "");
    bool ok = g && auth_scramble_matches(g->password, salt, response, response_len);
    users_release();
    return ok ? STATUS_OK : access_denied(user, client_host, response_len > 0, err);
}

Status auth_check_plain_password(const char *user, const char *client_host, const char *password,
                                 Error *err) {
    char given[AUTH_HASH_LEN + 1];
    auth_password_hash(password ? password : "", given);
    const UserDb *db = users_acquire();
    const Grantee *g = userdb_find_login(db, user ? user : "", client_host ? client_host : "");
    bool ok = g && strlen(g->password) == strlen(given) &&
              CRYPTO_memcmp(g->password, given, strlen(given)) == 0;
    users_release();
    return ok ? STATUS_OK : access_denied(user, client_host, password && *password, err);
}

/* ------------------------------------------------------------------ redaction */

bool auth_is_secret_key(const char *key) {
    static const char *const parts[] = {
        "secret",    "password",   "passwd",    "token",          "access_key", "access.key",
        "accesskey", "shared_key", "sharedkey", "encryption_key", "credential", "private_key"};
    if (!key) return false;
    size_t n = strlen(key);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t m = strlen(parts[i]);
        for (size_t off = 0; off + m <= n; off++)
            if (strncasecmp(key + off, parts[i], m) == 0) return true;
    }
    return false;
}

typedef enum TokKind { TOK_NONE, TOK_WORD, TOK_STRING, TOK_PUNCT } TokKind;

/* The last significant token seen: enough context to recognise where a secret literal stands. */
typedef struct Tok {
    TokKind kind;
    char text[48]; /* word upper-cased or string content (truncated: only compared to short keys) */
    bool secret_key;
} Tok;

static size_t skip_quoted(const char *s, size_t i) {
    char q = s[i++];
    while (s[i]) {
        if (s[i] == '\\' && q != '`' && s[i + 1]) {
            i += 2;
        } else if (s[i] == q) {
            if (s[i + 1] == q) {
                i += 2; /* doubled quote inside the literal */
            } else {
                return i + 1;
            }
        } else {
            i++;
        }
    }
    return i; /* unterminated: to the end */
}

static bool is_word_char(char c) {
    return isalnum((unsigned char)c) || c == '_' || c == '$' || c == '.';
}

static bool word_is(const Tok *t, const char *w) {
    return t->kind == TOK_WORD && strcmp(t->text, w) == 0;
}

void redact_sql_secrets(const char *sql, StrBuf *out) {
    if (!sql) return;
    Tok prev = {0}, prev2 = {0};
    bool identified = false;   /* inside IDENTIFIED ...: BY/AS/PASSWORD literals are secrets */
    bool set_password = false; /* SET PASSWORD [FOR u] = '...' */
    size_t i = 0;
    while (sql[i]) {
        char c = sql[i];
        size_t start = i;
        if (isspace((unsigned char)c)) {
            while (sql[i] && isspace((unsigned char)sql[i]))
                i++;
            sb_appendn(out, sql + start, i - start);
            continue;
        }
        if ((c == '-' && sql[i + 1] == '-') || c == '#') {
            while (sql[i] && sql[i] != '\n')
                i++;
            sb_appendn(out, sql + start, i - start);
            continue;
        }
        if (c == '/' && sql[i + 1] == '*') {
            const char *end = strstr(sql + i + 2, "*/");
            i = end ? (size_t)(end - sql) + 2 : strlen(sql);
            sb_appendn(out, sql + start, i - start);
            continue;
        }
        Tok cur = {0};
        if (c == '\'' || c == '"' || c == '`') {
            i = skip_quoted(sql, i);
            bool mask = false;
            if (c != '`') {
                if (identified &&
                    (word_is(&prev, "BY") || word_is(&prev, "AS") || word_is(&prev, "PASSWORD")))
                    mask = true;
                if (prev.kind == TOK_PUNCT && prev.text[0] == '(' && word_is(&prev2, "PASSWORD"))
                    mask = true;
                if (prev.kind == TOK_PUNCT && prev.text[0] == '=' &&
                    (set_password || prev2.secret_key))
                    mask = true;
            }
            if (mask) {
                sb_putc(out, c);
                sb_append(out, "***");
                sb_putc(out, c);
            } else {
                sb_appendn(out, sql + start, i - start);
            }
            cur.kind = TOK_STRING;
            size_t inner = i - start >= 2 ? i - start - 2 : 0;
            snprintf(cur.text, sizeof cur.text, "%.*s",
                     (int)(inner < sizeof cur.text ? inner : sizeof cur.text - 1), sql + start + 1);
            /* Keys are compared in full, so judge the untruncated literal. */
            char *key = strndup(sql + start + 1, inner);
            cur.secret_key = key && auth_is_secret_key(key);
            free(key);
        } else if (is_word_char(c)) {
            while (sql[i] && is_word_char(sql[i]))
                i++;
            sb_appendn(out, sql + start, i - start);
            cur.kind = TOK_WORD;
            size_t n = i - start < sizeof cur.text ? i - start : sizeof cur.text - 1;
            for (size_t k = 0; k < n; k++)
                cur.text[k] = (char)toupper((unsigned char)sql[start + k]);
            char *key = strndup(sql + start, i - start);
            cur.secret_key = key && auth_is_secret_key(key);
            free(key);
            if (word_is(&cur, "IDENTIFIED")) identified = true;
            if (word_is(&cur, "PASSWORD") && word_is(&prev, "SET")) set_password = true;
        } else {
            i++;
            sb_putc(out, c);
            cur.kind = TOK_PUNCT;
            cur.text[0] = c;
            if (c == ';') identified = set_password = false;
            /* A comma ends one IDENTIFIED clause (CREATE USER a IDENTIFIED BY 'x', b ...). */
            if (c == ',') identified = false;
        }
        prev2 = prev;
        prev = cur;
    }
}
