/* Hash wrappers over libxxhash and OpenSSL. crc32c is a small table-driven implementation. */
#include "util/hash.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <xxhash.h>

uint64_t hash_xxh3(const void *p, size_t n) {
    return XXH3_64bits(p, n);
}

uint64_t hash_xxh3_seed(const void *p, size_t n, uint64_t seed) {
    return XXH3_64bits_withSeed(p, n, seed);
}

static uint32_t crc_table[256];
static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        crc_table[i] = c;
    }
}

uint32_t hash_crc32c(uint32_t crc, const void *p, size_t n) {
    static int inited;
    if (!__atomic_load_n(&inited, __ATOMIC_ACQUIRE)) {
        crc_init();
        __atomic_store_n(&inited, 1, __ATOMIC_RELEASE);
    }
    const uint8_t *b = p;
    crc = ~crc;
    for (size_t i = 0; i < n; i++) crc = crc_table[(crc ^ b[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

struct HashSha256 {
    EVP_MD_CTX *ctx;
};

HashSha256 *hash_sha256_new(void) {
    HashSha256 *h = malloc(sizeof *h);
    if (!h) abort();
    h->ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL);
    return h;
}

void hash_sha256_update(HashSha256 *h, const void *p, size_t n) {
    EVP_DigestUpdate(h->ctx, p, n);
}

void hash_sha256_final(HashSha256 *h, uint8_t out[32]) {
    unsigned int len = 32;
    EVP_DigestFinal_ex(h->ctx, out, &len);
    EVP_MD_CTX_free(h->ctx);
    free(h);
}

void hash_sha256(const void *p, size_t n, uint8_t out[32]) {
    HashSha256 *h = hash_sha256_new();
    hash_sha256_update(h, p, n);
    hash_sha256_final(h, out);
}

char *hash_hex(const uint8_t *bytes, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
    return out;
}
