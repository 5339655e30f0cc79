/* AES-256-GCM over a stream, in independently authenticated chunks so nothing waits for the end of
 * a file and memory stays at one chunk. Format (docs/storage-drivers.md): a 20-byte header
 * "CAIRNAE1" | chunk size (u32 BE) | 8 random nonce-prefix bytes; then chunks of ciphertext +
 * 16-byte tag. Chunk i uses nonce prefix||u32 BE i and authenticates header||u64 BE i||final-flag,
 * so reordering, splicing between files and truncation (the last chunk must carry the final flag;
 * an empty final chunk is written when needed) all fail authentication. */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "fs/io_filter.h"

#define HDR_LEN 20
#define TAG_LEN 16
static const char MAGIC[8] = {'C', 'A', 'I', 'R', 'N', 'A', 'E', '1'};

typedef struct CryptFilter {
    IoFilter base;
    bool decrypt;
    EVP_CIPHER_CTX *ctx;
    uint8_t key[32];
    uint8_t hdr[HDR_LEN];
    size_t hdr_len; /* bytes of header written (encrypt) or received (decrypt) */
    uint32_t chunk;
    uint64_t index;
    uint8_t *buf; /* plaintext (encrypt) or ciphertext+tag (decrypt) being gathered */
    size_t len;
    uint8_t *out;
} CryptFilter;

static void be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

static void chunk_params(const CryptFilter *c, bool final, uint8_t iv[12],
                         uint8_t aad[HDR_LEN + 9]) {
    memcpy(iv, c->hdr + 12, 8);
    be32(iv + 8, (uint32_t)c->index);
    memcpy(aad, c->hdr, HDR_LEN);
    for (int i = 0; i < 8; i++)
        aad[HDR_LEN + i] = (uint8_t)(c->index >> (56 - 8 * i));
    aad[HDR_LEN + 8] = final ? 1 : 0;
}

static Status seal_chunk(CryptFilter *c, bool final, Error *err) {
    uint8_t iv[12], aad[HDR_LEN + 9];
    int n = 0, k = 0;
    if (c->index > 0xFFFFFFFFull)
        return err_set(err, ERR_INVALID_ARGUMENT, "file too large to encrypt (> 256 TiB)");
    chunk_params(c, final, iv, aad);
    if (!EVP_EncryptInit_ex(c->ctx, NULL, NULL, c->key, iv) ||
        !EVP_EncryptUpdate(c->ctx, NULL, &n, aad, sizeof aad) ||
        !EVP_EncryptUpdate(c->ctx, c->out, &n, c->buf, (int)c->len) ||
        !EVP_EncryptFinal_ex(c->ctx, c->out + n, &k) ||
        !EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, c->out + n + k))
        return err_set(err, ERR_INTERNAL, "AES-256-GCM encryption failed in OpenSSL");
    c->index++;
    c->len = 0;
    return io_filter_emit(&c->base, c->out, (size_t)(n + k) + TAG_LEN, err);
}

static Status enc_header(CryptFilter *c, Error *err) {
    if (c->hdr_len) return STATUS_OK;
    memcpy(c->hdr, MAGIC, 8);
    be32(c->hdr + 8, c->chunk);
    if (RAND_bytes(c->hdr + 12, 8) != 1)
        return err_set(err, ERR_INTERNAL, "no random bytes for an encryption nonce");
    c->hdr_len = HDR_LEN;
    return io_filter_emit(&c->base, c->hdr, HDR_LEN, err);
}

static Status enc_process(IoFilter *f, const uint8_t *in, size_t n, Error *err) {
    CryptFilter *c = (CryptFilter *)f;
    if (enc_header(c, err)) return STATUS_ERROR;
    while (n > 0) {
        /* A full chunk is sealed only once more data arrives: only then is it known not to be the
         * last. */
        if (c->len == c->chunk && seal_chunk(c, false, err)) return STATUS_ERROR;
        size_t k = c->chunk - c->len < n ? c->chunk - c->len : n;
        memcpy(c->buf + c->len, in, k);
        c->len += k;
        in += k;
        n -= k;
    }
    return STATUS_OK;
}

static Status enc_finish(IoFilter *f, Error *err) {
    CryptFilter *c = (CryptFilter *)f;
    if (enc_header(c, err)) return STATUS_ERROR;
    return seal_chunk(c, true, err);
}

static Status open_chunk(CryptFilter *c, bool final, Error *err) {
    if (c->len < TAG_LEN)
        return err_set(err, ERR_CORRUPT, "encrypted data is truncated (chunk %llu has no tag)",
                       (unsigned long long)c->index);
    uint8_t iv[12], aad[HDR_LEN + 9];
    int n = 0, k = 0;
    size_t clen = c->len - TAG_LEN;
    chunk_params(c, final, iv, aad);
    if (!EVP_DecryptInit_ex(c->ctx, NULL, NULL, c->key, iv) ||
        !EVP_DecryptUpdate(c->ctx, NULL, &n, aad, sizeof aad) ||
        !EVP_DecryptUpdate(c->ctx, c->out, &n, c->buf, (int)clen) ||
        !EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, c->buf + clen) ||
        EVP_DecryptFinal_ex(c->ctx, c->out + n, &k) <= 0) {
        if (final)
            return err_set(err, ERR_CORRUPT,
                           "encrypted data fails authentication at chunk %llu: wrong key, modified "
                           "or truncated data",
                           (unsigned long long)c->index);
        return err_set(
            err, ERR_CORRUPT,
            "encrypted data fails authentication at chunk %llu: wrong key or modified data",
            (unsigned long long)c->index);
    }
    c->index++;
    c->len = 0;
    return io_filter_emit(&c->base, c->out, (size_t)(n + k), err);
}

static Status dec_process(IoFilter *f, const uint8_t *in, size_t n, Error *err) {
    CryptFilter *c = (CryptFilter *)f;
    while (n > 0 && c->hdr_len < HDR_LEN) {
        c->hdr[c->hdr_len++] = *in++;
        n--;
        if (c->hdr_len == HDR_LEN) {
            if (memcmp(c->hdr, MAGIC, 8) != 0)
                return err_set(err, ERR_CORRUPT, "data is not cairn-encrypted (bad header magic)");
            c->chunk = ((uint32_t)c->hdr[8] << 24) | ((uint32_t)c->hdr[9] << 16) |
                       ((uint32_t)c->hdr[10] << 8) | c->hdr[11];
            if (c->chunk < 4096 || c->chunk > (16u << 20))
                return err_set(err, ERR_CORRUPT,
                               "encrypted data header has an invalid chunk size %u", c->chunk);
            c->buf = malloc(c->chunk + TAG_LEN);
            c->out = malloc(c->chunk + TAG_LEN);
            if (!c->buf || !c->out)
                return err_set(err, ERR_OUT_OF_MEMORY, "out of memory for decryption");
        }
    }
    size_t full = (size_t)c->chunk + TAG_LEN;
    while (n > 0) {
        if (c->len == full && open_chunk(c, false, err)) return STATUS_ERROR;
        size_t k = full - c->len < n ? full - c->len : n;
        memcpy(c->buf + c->len, in, k);
        c->len += k;
        in += k;
        n -= k;
    }
    return STATUS_OK;
}

static Status dec_finish(IoFilter *f, Error *err) {
    CryptFilter *c = (CryptFilter *)f;
    if (c->hdr_len < HDR_LEN)
        return err_set(err, ERR_CORRUPT, "encrypted data is truncated (incomplete header)");
    return open_chunk(c, true, err);
}

static void crypt_free(IoFilter *f) {
    CryptFilter *c = (CryptFilter *)f;
    EVP_CIPHER_CTX_free(c->ctx);
    OPENSSL_cleanse(c->key, sizeof c->key);
    free(c->buf);
    free(c->out);
    free(c);
}

static const IoFilterVt enc_vt = {"encrypt", enc_process, enc_finish, crypt_free};
static const IoFilterVt dec_vt = {"decrypt", dec_process, dec_finish, crypt_free};

static CryptFilter *crypt_new(const uint8_t key[32], bool decrypt) {
    CryptFilter *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->base.vt = decrypt ? &dec_vt : &enc_vt;
    c->decrypt = decrypt;
    memcpy(c->key, key, 32);
    c->ctx = EVP_CIPHER_CTX_new();
    if (decrypt)
        EVP_DecryptInit_ex(c->ctx, EVP_aes_256_gcm(), NULL, NULL, NULL);
    else
        EVP_EncryptInit_ex(c->ctx, EVP_aes_256_gcm(), NULL, NULL, NULL);
    EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL);
    return c;
}

IoFilter *io_filter_encrypt_new(const uint8_t key[32]) {
    CryptFilter *c = crypt_new(key, false);
    c->chunk = IO_CRYPT_CHUNK;
    c->buf = malloc(c->chunk);
    c->out = malloc(c->chunk + TAG_LEN + 16);
    if (!c->buf || !c->out) abort();
    return &c->base;
}

IoFilter *io_filter_decrypt_new(const uint8_t key[32]) {
    return &crypt_new(key, true)->base;
}

void io_crypt_key_from_passphrase(const char *passphrase, uint8_t key[32]) {
    static const unsigned char salt[] = "cairn-repository-key-v1";
    PKCS5_PBKDF2_HMAC(passphrase, (int)strlen(passphrase), salt, sizeof salt - 1, 100000,
                      EVP_sha256(), 32, key);
}
