/* The MySQL connection phase (see mysql_auth.h). */
#include "net/mysql_auth.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "server/version.h"

ServerAuthFn server_auth_fn = mysql_auth_root_only;

static const char NATIVE_PLUGIN[] = "mysql_native_password";

Status mysql_auth_root_only(const char *user, const char *client_host, const uint8_t salt[20],
                            const uint8_t *response, size_t response_len, Error *err) {
    if (!strcmp(user, "root") && response_len == 0) return STATUS_OK;
    return err_set(err, ERR_ACCESS_DENIED, "Access denied for user '%s'@'%s' (using password: %s)", user,
                   client_host, response_len ? "YES" : "NO");
}

/* 20 random bytes in 1..127 without '$': some clients treat the salt as a C string. */
static void make_salt(uint8_t salt[MYSQL_SCRAMBLE_LEN]) {
    if (RAND_bytes(salt, MYSQL_SCRAMBLE_LEN) != 1) {
        for (int i = 0; i < MYSQL_SCRAMBLE_LEN; i++) salt[i] = (uint8_t)(rand() & 0xff);
    }
    for (int i = 0; i < MYSQL_SCRAMBLE_LEN; i++) {
        salt[i] = (uint8_t)(salt[i] % 127 + 1);
        if (salt[i] == '$') salt[i] = '%';
    }
}

static void send_greeting(PacketConn *c, uint32_t conn_id, const uint8_t salt[MYSQL_SCRAMBLE_LEN]) {
    StrBuf b = STRBUF_INIT;
    pkt_put_u8(&b, 10); /* protocol version */
    pkt_put_cstr(&b, CAIRN_MYSQL_VERSION);
    pkt_put_u32(&b, conn_id);
    sb_appendn(&b, salt, 8);
    pkt_put_u8(&b, 0);
    pkt_put_u16(&b, (uint16_t)(SERVER_CAPABILITIES & 0xffff));
    pkt_put_u8(&b, 33);     /* utf8_general_ci */
    pkt_put_u16(&b, 0x0002); /* SERVER_STATUS_AUTOCOMMIT */
    pkt_put_u16(&b, (uint16_t)(SERVER_CAPABILITIES >> 16));
    pkt_put_u8(&b, MYSQL_SCRAMBLE_LEN + 1);
    static const uint8_t reserved[10] = {0};
    sb_appendn(&b, reserved, 10);
    sb_appendn(&b, salt + 8, MYSQL_SCRAMBLE_LEN - 8);
    pkt_put_u8(&b, 0);
    pkt_put_cstr(&b, NATIVE_PLUGIN);
    c->seq = 0;
    pkt_write(c, b.data, b.len);
    sb_free(&b);
}

static Status malformed(Error *err) {
    return err_set(err, ERR_NET_READ, "Bad handshake: the client's handshake response packet is malformed");
}

Status mysql_handshake(PacketConn *c, uint32_t conn_id, const char *client_host, bool check_auth, HandshakeInfo *out,
                       Error *err) {
    memset(out, 0, sizeof *out);
    make_salt(out->salt);
    send_greeting(c, conn_id, out->salt);
    if (pkt_flush(c, err)) return STATUS_ERROR;

    StrBuf pk = STRBUF_INIT;
    Status st = STATUS_ERROR;
    if (pkt_read(c, &pk, err)) goto done;
    PktReader r = {(const uint8_t *)pk.data, pk.len, 0};
    uint32_t caps, maxp;
    if (!pkt_get_u32(&r, &caps)) {
        malformed(err);
        goto done;
    }
    if (!(caps & CAP_PROTOCOL_41)) {
        err_set(err, ERR_NOT_SUPPORTED, "cairn needs a client that speaks protocol 4.1 (MySQL 4.1 or newer)");
        goto done;
    }
    if (caps & CAP_SSL) {
        err_set(err, ERR_NOT_SUPPORTED, "cairn does not offer SSL; connect without SSL (e.g. mysql --ssl=0)");
        goto done;
    }
    const char *user, *db = NULL, *plugin = NULL;
    size_t user_len, db_len = 0, plugin_len = 0;
    if (!pkt_get_u32(&r, &maxp) || !pkt_get_u8(&r, &out->charset) || !pkt_skip(&r, 23) ||
        !pkt_get_cstr(&r, &user, &user_len)) {
        malformed(err);
        goto done;
    }
    snprintf(out->user, sizeof out->user, "%.*s", (int)user_len, user);
    out->caps = caps & SERVER_CAPABILITIES;
    uint64_t alen = 0;
    const uint8_t *auth = NULL;
    if (caps & CAP_PLUGIN_AUTH_LENENC_DATA) {
        if (!pkt_get_lenenc(&r, &alen) || !pkt_get_bytes(&r, (size_t)alen, &auth)) {
            malformed(err);
            goto done;
        }
    } else if (caps & CAP_SECURE_CONNECTION) {
        uint8_t n;
        if (!pkt_get_u8(&r, &n) || !pkt_get_bytes(&r, n, &auth)) {
            malformed(err);
            goto done;
        }
        alen = n;
    } else {
        const char *a;
        size_t an;
        if (!pkt_get_cstr(&r, &a, &an)) {
            malformed(err);
            goto done;
        }
        auth = (const uint8_t *)a;
        alen = an;
    }
    /* The database and plugin name are optional even when flagged (old clients stop early). */
    if ((caps & CAP_CONNECT_WITH_DB) && r.pos < r.len) pkt_get_cstr(&r, &db, &db_len);
    if ((caps & CAP_PLUGIN_AUTH) && r.pos < r.len) pkt_get_cstr(&r, &plugin, &plugin_len);
    if (db) snprintf(out->db, sizeof out->db, "%.*s", (int)db_len, db);

    uint8_t response[256];
    size_t response_len = alen < sizeof response ? (size_t)alen : sizeof response;
    if (auth) memcpy(response, auth, response_len);
    if (plugin && plugin_len && (plugin_len != strlen(NATIVE_PLUGIN) || memcmp(plugin, NATIVE_PLUGIN, plugin_len))) {
        /* The client answered for another plugin (caching_sha2_password...): ask for native password. */
        StrBuf b = STRBUF_INIT;
        pkt_put_u8(&b, 0xfe);
        pkt_put_cstr(&b, NATIVE_PLUGIN);
        sb_appendn(&b, out->salt, MYSQL_SCRAMBLE_LEN);
        pkt_put_u8(&b, 0);
        pkt_write(c, b.data, b.len);
        sb_free(&b);
        if (pkt_flush(c, err) || pkt_read(c, &pk, err)) goto done;
        response_len = pk.len < sizeof response ? pk.len : sizeof response;
        memcpy(response, pk.data, response_len);
    }
    if (check_auth && server_auth_fn(out->user, client_host, out->salt, response, response_len, err)) goto done;
    st = STATUS_OK;
done:
    sb_free(&pk);
    return st;
}
