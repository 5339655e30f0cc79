/* The connection phase of the MySQL protocol: handshake v10, the client's HandshakeResponse41, an
 * AuthSwitchRequest when the client picked another plugin, and the mysql_native_password check through
 * a swappable hook (modules.c installs the users catalog's auth_check_native_password). */
#ifndef CAIRN_NET_MYSQL_AUTH_H
#define CAIRN_NET_MYSQL_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/mysql_packet.h"
#include "util/error.h"

/* Capability flags (CLIENT_*). */
#define CAP_LONG_PASSWORD 0x00000001u
#define CAP_FOUND_ROWS 0x00000002u
#define CAP_LONG_FLAG 0x00000004u
#define CAP_CONNECT_WITH_DB 0x00000008u
#define CAP_NO_SCHEMA 0x00000010u
#define CAP_IGNORE_SPACE 0x00000100u
#define CAP_PROTOCOL_41 0x00000200u
#define CAP_INTERACTIVE 0x00000400u
#define CAP_SSL 0x00000800u
#define CAP_IGNORE_SIGPIPE 0x00001000u
#define CAP_TRANSACTIONS 0x00002000u
#define CAP_SECURE_CONNECTION 0x00008000u
#define CAP_MULTI_STATEMENTS 0x00010000u
#define CAP_MULTI_RESULTS 0x00020000u
#define CAP_PS_MULTI_RESULTS 0x00040000u
#define CAP_PLUGIN_AUTH 0x00080000u
#define CAP_CONNECT_ATTRS 0x00100000u
#define CAP_PLUGIN_AUTH_LENENC_DATA 0x00200000u
#define CAP_DEPRECATE_EOF 0x01000000u

/* What cairn offers: no SSL, no compression, no session tracking. */
#define SERVER_CAPABILITIES                                                                        \
    (CAP_LONG_PASSWORD | CAP_FOUND_ROWS | CAP_LONG_FLAG | CAP_CONNECT_WITH_DB | CAP_NO_SCHEMA |     \
     CAP_IGNORE_SPACE | CAP_PROTOCOL_41 | CAP_INTERACTIVE | CAP_IGNORE_SIGPIPE | CAP_TRANSACTIONS |  \
     CAP_SECURE_CONNECTION | CAP_MULTI_STATEMENTS | CAP_MULTI_RESULTS | CAP_PS_MULTI_RESULTS |      \
     CAP_PLUGIN_AUTH | CAP_CONNECT_ATTRS | CAP_PLUGIN_AUTH_LENENC_DATA | CAP_DEPRECATE_EOF)

#define MYSQL_SCRAMBLE_LEN 20

/* Checks a mysql_native_password response for user@client_host against salt. Failure: 1045 message. */
typedef Status (*ServerAuthFn)(const char *user, const char *client_host, const uint8_t salt[20],
                               const uint8_t *response, size_t response_len, Error *err);
/* The installed check; defaults to mysql_auth_root_only. Set before serving (modules.c). */
extern ServerAuthFn server_auth_fn;
/* The fallback check: user root with an empty password, nobody else. */
Status mysql_auth_root_only(const char *user, const char *client_host, const uint8_t salt[20],
                            const uint8_t *response, size_t response_len, Error *err);

/* What the client told us in its handshake response. */
typedef struct HandshakeInfo {
    uint32_t caps;      /* client & server capabilities */
    uint8_t charset;
    char user[65];
    char db[65];        /* "" when none */
    uint8_t salt[MYSQL_SCRAMBLE_LEN];
} HandshakeInfo;

/* Runs the connection phase up to (not including) the final OK: sends the greeting, reads the response,
 * switches plugin if needed, checks the password (unless check_auth is false: a connection about to be
 * refused). Errors (malformed packet, 1045) are for the caller to send as an ERR packet; out is filled as
 * far as it got (user for the message). */
Status mysql_handshake(PacketConn *c, uint32_t conn_id, const char *client_host, bool check_auth,
                       HandshakeInfo *out, Error *err) MUST_CHECK;

#endif
