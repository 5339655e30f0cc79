/* Hashing: xxh3 (fast checksums, hash tables), SHA-256 (content addresses), hex encoding. */
#ifndef CAIRN_UTIL_HASH_H
#define CAIRN_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t hash_xxh3(const void *p, size_t n);
uint64_t hash_xxh3_seed(const void *p, size_t n, uint64_t seed);
uint32_t hash_crc32c(uint32_t crc, const void *p, size_t n);

/* Incremental SHA-256 (OpenSSL EVP). */
typedef struct HashSha256 HashSha256;
HashSha256 *hash_sha256_new(void);
void hash_sha256_update(HashSha256 *h, const void *p, size_t n);
void hash_sha256_final(HashSha256 *h, uint8_t out[32]); /* frees h */
void hash_sha256(const void *p, size_t n, uint8_t out[32]);

/* Lowercase hex of n bytes into out (2n+1 bytes). Returns out. */
char *hash_hex(const uint8_t *bytes, size_t n, char *out);

#endif
