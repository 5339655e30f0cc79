/* Unit tests for catalog/auth: mysql_native_password hashing and scramble against vectors computed
 * independently with Python's hashlib, the handshake check against the live users state, and the
 * SQL secret redactor. */
#include <string.h>

#include "catalog/auth.h"
#include "catalog/users.h"
#include "test.h"

/* salt = bytes 1..20; password "secret". From hashlib:
 *   stage2 = sha1(sha1(b"secret")) -> *14E65567ABDB5135D0CFD9A70B3032C179A49EE7
 *   response = sha1(b"secret") XOR sha1(salt + stage2) */
static const uint8_t SALT[20] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
                                 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
static const uint8_t SECRET_RESPONSE[20] = {0xb3, 0x2b, 0xb3, 0xa5, 0x83, 0xe1, 0x34,
                                            0x0c, 0x0a, 0x11, 0x08, 0xd5, 0x8b, 0x1b,
                                            0xe4, 0x97, 0x81, 0xad, 0x8c, 0x2f};

TEST(password_hash_known_vector) {
    char h[AUTH_HASH_LEN + 1];
    auth_password_hash("secret", h);
    CHECK_STR(h, "*14E65567ABDB5135D0CFD9A70B3032C179A49EE7");
    auth_password_hash("", h);
    CHECK_STR(h, "");
}

TEST(password_hash_parse) {
    char h[AUTH_HASH_LEN + 1];
    Error err = ERROR_INIT;
    CHECK_OK(auth_password_hash_parse("*14e65567abdb5135d0cfd9a70b3032c179a49ee7", h, &err), &err);
    CHECK_STR(h, "*14E65567ABDB5135D0CFD9A70B3032C179A49EE7");
    CHECK_OK(auth_password_hash_parse("", h, &err), &err);
    CHECK_STR(h, "");
    CHECK_INT(auth_password_hash_parse("secret", h, &err), STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1827);
    CHECK(strstr(err.msg, "secret") == NULL); /* a mistyped plain password is never echoed */
    CHECK_INT(auth_password_hash_parse("*14E65567ABDB5135D0CFD9A70B3032C179A49EEZ", h, &err),
              STATUS_ERROR);
    CHECK_INT(auth_password_hash_parse("14E65567ABDB5135D0CFD9A70B3032C179A49EE7A", h, &err),
              STATUS_ERROR);
}

TEST(scramble_known_vector) {
    uint8_t resp[20];
    auth_scramble_compute("secret", SALT, resp);
    CHECK(memcmp(resp, SECRET_RESPONSE, 20) == 0);
    CHECK(auth_scramble_matches("*14E65567ABDB5135D0CFD9A70B3032C179A49EE7", SALT, SECRET_RESPONSE,
                                20));
    /* lower-case stored hex works too */
    CHECK(auth_scramble_matches("*14e65567abdb5135d0cfd9a70b3032c179a49ee7", SALT, SECRET_RESPONSE,
                                20));
}

TEST(scramble_rejects) {
    const char *stored = "*14E65567ABDB5135D0CFD9A70B3032C179A49EE7";
    uint8_t bad[20];
    memcpy(bad, SECRET_RESPONSE, 20);
    bad[19] ^= 1;
    CHECK(!auth_scramble_matches(stored, SALT, bad, 20));
    uint8_t other_salt[20];
    memcpy(other_salt, SALT, 20);
    other_salt[0] = 99;
    CHECK(!auth_scramble_matches(stored, other_salt, SECRET_RESPONSE, 20));
    CHECK(!auth_scramble_matches(stored, SALT, SECRET_RESPONSE, 19));
    CHECK(!auth_scramble_matches(stored, SALT, NULL, 0));
    uint8_t wrong[20];
    auth_scramble_compute("Secret", SALT, wrong);
    CHECK(!auth_scramble_matches(stored, SALT, wrong, 20));
    /* no password: only an empty response */
    CHECK(auth_scramble_matches("", SALT, NULL, 0));
    CHECK(!auth_scramble_matches("", SALT, SECRET_RESPONSE, 20));
}

static Status add_user(UserDb *db, void *ctx, Error *err) {
    char h[AUTH_HASH_LEN + 1];
    auth_password_hash("secret", h);
    if (userdb_create_user(db, "alice", "%", h, false, err)) return STATUS_ERROR;
    auth_password_hash("local", h);
    if (userdb_create_user(db, "alice", "127.0.0.1", h, false, err)) return STATUS_ERROR;
    auth_password_hash("x", h);
    return userdb_create_user(db, "bob", "10.0.0.5", h, false, err);
}

TEST(check_native_password) {
    Error err = ERROR_INIT;
    users_shutdown();
    /* root, empty password, from anywhere */
    CHECK_OK(auth_check_native_password("root", "192.168.1.9", SALT, NULL, 0, &err), &err);
    CHECK_INT(auth_check_native_password("root", "192.168.1.9", SALT, SECRET_RESPONSE, 20, &err),
              STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1045);
    CHECK_STR(err.msg, "Access denied for user 'root'@'192.168.1.9' (using password: YES)");

    CHECK_OK(users_mutate(add_user, NULL, &err), &err);
    CHECK_OK(auth_check_native_password("alice", "10.1.1.1", SALT, SECRET_RESPONSE, 20, &err),
             &err);
    CHECK_INT(auth_check_native_password("alice", "10.1.1.1", SALT, NULL, 0, &err), STATUS_ERROR);
    CHECK_STR(err.msg, "Access denied for user 'alice'@'10.1.1.1' (using password: NO)");
    /* the exact host entry wins over '%': from 127.0.0.1 alice's password is "local" */
    CHECK_INT(auth_check_native_password("alice", "127.0.0.1", SALT, SECRET_RESPONSE, 20, &err),
              STATUS_ERROR);
    uint8_t local[20];
    auth_scramble_compute("local", SALT, local);
    CHECK_OK(auth_check_native_password("alice", "127.0.0.1", SALT, local, 20, &err), &err);
    /* bob exists only for 10.0.0.5 */
    uint8_t x[20];
    auth_scramble_compute("x", SALT, x);
    CHECK_OK(auth_check_native_password("bob", "10.0.0.5", SALT, x, 20, &err), &err);
    CHECK_INT(auth_check_native_password("bob", "10.0.0.6", SALT, x, 20, &err), STATUS_ERROR);
    CHECK_STR(err.msg, "Access denied for user 'bob'@'10.0.0.6' (using password: YES)");
    CHECK_INT(auth_check_native_password("nobody", "10.0.0.6", SALT, NULL, 0, &err), STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1045);
    users_shutdown();
}

TEST(check_plain_password) {
    Error err = ERROR_INIT;
    users_shutdown();
    CHECK_OK(auth_check_plain_password("root", "10.0.0.1", "", &err), &err);
    CHECK_OK(auth_check_plain_password("root", "10.0.0.1", NULL, &err), &err);
    CHECK_INT(auth_check_plain_password("root", "10.0.0.1", "x", &err), STATUS_ERROR);
    CHECK_STR(err.msg, "Access denied for user 'root'@'10.0.0.1' (using password: YES)");
    CHECK_OK(users_mutate(add_user, NULL, &err), &err);
    CHECK_OK(auth_check_plain_password("alice", "10.1.1.1", "secret", &err), &err);
    CHECK_OK(auth_check_plain_password("alice", "127.0.0.1", "local", &err), &err);
    CHECK_INT(auth_check_plain_password("alice", "127.0.0.1", "secret", &err), STATUS_ERROR);
    CHECK_INT(auth_check_plain_password("alice", "10.1.1.1", "", &err), STATUS_ERROR);
    CHECK_STR(err.msg, "Access denied for user 'alice'@'10.1.1.1' (using password: NO)");
    CHECK_INT(auth_check_plain_password("nobody", "10.1.1.1", "", &err), STATUS_ERROR);
    CHECK_INT(err_mysql_errno(err.code), 1045);
    users_shutdown();
}

static void check_redact(const char *in, const char *want) {
    StrBuf sb = STRBUF_INIT;
    redact_sql_secrets(in, &sb);
    CHECK_STR(sb_str(&sb), want);
    sb_free(&sb);
}

TEST(redact_passwords) {
    check_redact("CREATE USER 'u'@'%' IDENTIFIED BY 'secret'",
                 "CREATE USER 'u'@'%' IDENTIFIED BY '***'");
    check_redact("create user u identified by \"p'w\" default role r",
                 "create user u identified by \"***\" default role r");
    check_redact("ALTER USER u IDENTIFIED BY PASSWORD '*14E65567ABDB5135D0CFD9A70B3032C179A49EE7'",
                 "ALTER USER u IDENTIFIED BY PASSWORD '***'");
    check_redact("CREATE USER u IDENTIFIED WITH mysql_native_password BY 'pw'",
                 "CREATE USER u IDENTIFIED WITH mysql_native_password BY '***'");
    check_redact("CREATE USER u IDENTIFIED WITH mysql_native_password AS '*AB'",
                 "CREATE USER u IDENTIFIED WITH mysql_native_password AS '***'");
    check_redact("SET PASSWORD = PASSWORD('it\\'s')", "SET PASSWORD = PASSWORD('***')");
    check_redact("SET PASSWORD FOR 'u'@'%' = '*14E6'", "SET PASSWORD FOR 'u'@'%' = '***'");
    check_redact("select password('abc'), 'abc'", "select password('***'), 'abc'");
    /* the state ends with the statement */
    check_redact("CREATE USER a IDENTIFIED BY 'x'; SELECT 'by' AS by",
                 "CREATE USER a IDENTIFIED BY '***'; SELECT 'by' AS by");
    /* not secrets */
    check_redact("SELECT 'IDENTIFIED BY' FROM t WHERE a = 'b'",
                 "SELECT 'IDENTIFIED BY' FROM t WHERE a = 'b'");
    check_redact("GRANT SELECT ON db.t TO USER 'u'@'%'", "GRANT SELECT ON db.t TO USER 'u'@'%'");
}

TEST(redact_properties) {
    check_redact(
        "CREATE REPOSITORY r WITH BROKER ON LOCATION \"s3a://b/p\" PROPERTIES "
        "(\"aws.s3.access_key\" = "
        "\"AKIA\", \"aws.s3.secret_key\"=\"SECRET\", \"aws.s3.endpoint\" = \"http://h:9000\")",
        "CREATE REPOSITORY r WITH BROKER ON LOCATION \"s3a://b/p\" PROPERTIES "
        "(\"aws.s3.access_key\" = "
        "\"***\", \"aws.s3.secret_key\"=\"***\", \"aws.s3.endpoint\" = \"http://h:9000\")");
    check_redact(
        "PROPERTIES ('fs.s3a.access.key'='a', 'fs.s3a.secret.key'='b', "
        "'fs.oss.accessKeySecret'='c', "
        "'fs.cosn.userinfo.secretKey'='d', 'fs.cosn.userinfo.secretId'='e', "
        "'azure.blob.sas_token'='f', "
        "'azure.blob.shared_key'='g', 'password'='h', 'encryption_key'='i', 'username'='bob')",
        "PROPERTIES ('fs.s3a.access.key'='***', 'fs.s3a.secret.key'='***', "
        "'fs.oss.accessKeySecret'='***', "
        "'fs.cosn.userinfo.secretKey'='***', 'fs.cosn.userinfo.secretId'='***', "
        "'azure.blob.sas_token'='***', 'azure.blob.shared_key'='***', 'password'='***', "
        "'encryption_key'='***', 'username'='bob')");
    /* an unterminated literal is masked to the end */
    check_redact("CREATE USER u IDENTIFIED BY 'abc", "CREATE USER u IDENTIFIED BY '***'");
    /* comments and newlines pass through */
    check_redact("/* c */ CREATE USER u -- x\n IDENTIFIED BY 'p'",
                 "/* c */ CREATE USER u -- x\n IDENTIFIED BY '***'");
}

TEST(secret_keys) {
    CHECK(auth_is_secret_key("aws.s3.secret_key"));
    CHECK(auth_is_secret_key("AWS.S3.ACCESS_KEY"));
    CHECK(auth_is_secret_key("fs.oss.accessKeySecret"));
    CHECK(auth_is_secret_key("fs.cosn.userinfo.secretId"));
    CHECK(auth_is_secret_key("encryption_key"));
    CHECK(!auth_is_secret_key("aws.s3.endpoint"));
    CHECK(!auth_is_secret_key("aws.s3.region"));
    CHECK(!auth_is_secret_key("username"));
    CHECK(auth_is_secret_key("fs.oss.accessKeyId")); /* key ids are masked too, as access_key */
}

int main(void) {
    RUN(password_hash_known_vector);
    RUN(password_hash_parse);
    RUN(scramble_known_vector);
    RUN(scramble_rejects);
    RUN(check_native_password);
    RUN(check_plain_password);
    RUN(redact_passwords);
    RUN(redact_properties);
    RUN(secret_keys);
    TEST_EXIT();
}
