/* io filters alone and chained: exact checksums, zstd and AES-GCM round trips, truncation and
 * tampering detected, and the token bucket's pace. */
#include <string.h>

#include "fs/io_filter.h"
#include "fs_helpers.h"
#include "test.h"
#include "util/clock.h"
#include "util/hash.h"

static const uint8_t KEY[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

/* Pushes data through the chain in uneven slices (to cross chunk boundaries at odd places). */
static Status push(IoChain *c, const void *p, size_t n, size_t slice, Error *err) {
    const char *b = p;
    for (size_t off = 0; off < n;) {
        size_t k = n - off < slice ? n - off : slice;
        if (io_chain_write(c, b + off, k, err)) return STATUS_ERROR;
        off += k;
    }
    return io_chain_finish(c, err);
}

TEST(count_and_hashes_match_one_shot) {
    size_t n = 1000003;
    unsigned char *data = malloc(n);
    fs_test_fill(data, n, 1);
    StrBuf out = STRBUF_INIT;
    IoChain *c = io_chain_new((IoSink){fs_test_sb_sink, &out});
    IoFilter *cnt = io_chain_add(c, io_filter_count_new());
    IoFilter *sha = io_chain_add(c, io_filter_sha256_new());
    IoFilter *xxh = io_chain_add(c, io_filter_xxh3_new());
    Error err = ERROR_INIT;
    CHECK_OK(push(c, data, n, 7777, &err), &err);
    uint8_t d[32];
    char hex[65];
    hash_sha256(data, n, d);
    CHECK_INT(io_filter_count_bytes(cnt), 1000003);
    CHECK_STR(io_filter_sha256_hex(sha), hash_hex(d, 32, hex));
    CHECK(io_filter_xxh3_value(xxh) == hash_xxh3(data, n));
    CHECK_INT(out.len, n);
    CHECK(memcmp(out.data, data, n) == 0);
    io_chain_free(c);
    sb_free(&out);
    free(data);
}

TEST(sha256_of_known_strings) {
    StrBuf out = STRBUF_INIT;
    IoChain *c = io_chain_new((IoSink){fs_test_sb_sink, &out});
    IoFilter *sha = io_chain_add(c, io_filter_sha256_new());
    Error err = ERROR_INIT;
    CHECK_OK(push(c, "abc", 3, 1, &err), &err);
    CHECK_STR(io_filter_sha256_hex(sha),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    io_chain_free(c);
    c = io_chain_new((IoSink){fs_test_sb_sink, &out});
    sha = io_chain_add(c, io_filter_sha256_new());
    CHECK_OK(io_chain_finish(c, &err), &err);
    CHECK_STR(io_filter_sha256_hex(sha),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    io_chain_free(c);
    sb_free(&out);
}

/* Runs data through forward filters into a buffer, then the buffer through inverse filters; returns
 * plaintext. */
static int roundtrip(const unsigned char *data, size_t n, int level, bool encrypt, size_t slice,
                     StrBuf *stored) {
    Error err = ERROR_INIT;
    IoChain *c = io_chain_new((IoSink){fs_test_sb_sink, stored});
    if (level) io_chain_add(c, io_filter_zstd_compress_new(level));
    if (encrypt) io_chain_add(c, io_filter_encrypt_new(KEY));
    if (push(c, data, n, slice, &err)) {
        fprintf(stderr, "  forward: %s\n", err.msg);
        io_chain_free(c);
        return -1;
    }
    io_chain_free(c);
    StrBuf back = STRBUF_INIT;
    c = io_chain_new((IoSink){fs_test_sb_sink, &back});
    if (encrypt) io_chain_add(c, io_filter_decrypt_new(KEY));
    if (level) io_chain_add(c, io_filter_zstd_decompress_new());
    int rc = 0;
    if (push(c, stored->data, stored->len, slice + 13, &err)) {
        fprintf(stderr, "  inverse: %s\n", err.msg);
        rc = -1;
    } else if (back.len != n || (n && memcmp(back.data, data, n) != 0)) {
        fprintf(stderr, "  round trip differs: %zu bytes back, %zu sent\n", back.len, n);
        rc = -1;
    }
    io_chain_free(c);
    sb_free(&back);
    return rc;
}

TEST(zstd_roundtrip_compresses) {
    size_t n = 3u << 20;
    unsigned char *data = malloc(n);
    fs_test_fill(data, n, 2);
    StrBuf stored = STRBUF_INIT;
    CHECK_INT(roundtrip(data, n, 3, false, 100000, &stored), 0);
    /* half the data is 18-byte text repeated: it must compress well below 60% */
    CHECK(stored.len < n * 6 / 10);
    CHECK(stored.len > 1000);
    sb_free(&stored);
    free(data);
}

TEST(encrypt_roundtrip_sizes) {
    /* sizes around chunk boundaries, including empty and exact multiples */
    size_t sizes[] = {0, 1, 65535, 65536, 65537, 131072, 300000};
    unsigned char *data = malloc(300000);
    fs_test_fill(data, 300000, 3);
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        StrBuf stored = STRBUF_INIT;
        CHECK_INT(roundtrip(data, sizes[i], 0, true, 4099, &stored), 0);
        /* header 20 + a 16-byte tag per chunk; the last chunk (possibly full, possibly empty) is
         * final */
        size_t chunks = sizes[i] == 0 ? 1 : (sizes[i] + IO_CRYPT_CHUNK - 1) / IO_CRYPT_CHUNK;
        CHECK_INT(stored.len, 20 + sizes[i] + 16 * chunks);
        CHECK(memcmp(stored.data, "CAIRNAE1", 8) == 0);
        sb_free(&stored);
    }
    free(data);
}

TEST(zstd_then_encrypt_chain) {
    size_t n = 2000000;
    unsigned char *data = malloc(n);
    fs_test_fill(data, n, 4);
    StrBuf stored = STRBUF_INIT;
    CHECK_INT(roundtrip(data, n, 1, true, 65536, &stored), 0);
    CHECK(stored.len < n);
    sb_free(&stored);
    free(data);
}

/* Decrypts stored with the given key; returns the error code (ERR_NONE on success). */
static ErrCode try_decrypt(const char *stored, size_t n, const uint8_t key[32], char *msg) {
    StrBuf back = STRBUF_INIT;
    IoChain *c = io_chain_new((IoSink){fs_test_sb_sink, &back});
    io_chain_add(c, io_filter_decrypt_new(key));
    Error err = ERROR_INIT;
    Status st = push(c, stored, n, 5000, &err);
    io_chain_free(c);
    sb_free(&back);
    if (msg) strcpy(msg, err.msg);
    return st ? err.code : ERR_NONE;
}

TEST(decrypt_detects_truncation_tampering_and_wrong_key) {
    size_t n = 200000;
    unsigned char *data = malloc(n);
    fs_test_fill(data, n, 5);
    StrBuf stored = STRBUF_INIT;
    CHECK_INT(roundtrip(data, n, 0, true, 8192, &stored), 0);
    char msg[ERROR_MSG_MAX];
    CHECK_INT(try_decrypt(stored.data, stored.len, KEY, msg), ERR_NONE);
    /* cut exactly at a chunk boundary: every remaining chunk authenticates, only the final flag is
     * missing */
    size_t boundary = 20 + 2 * (IO_CRYPT_CHUNK + 16);
    CHECK_INT(try_decrypt(stored.data, boundary, KEY, msg), ERR_CORRUPT);
    CHECK(strstr(msg, "truncated") != NULL);
    CHECK_INT(try_decrypt(stored.data, stored.len - 1, KEY, msg), ERR_CORRUPT);
    CHECK_INT(try_decrypt(stored.data, 10, KEY, msg), ERR_CORRUPT);
    CHECK(strstr(msg, "header") != NULL);
    stored.data[1000] ^= 1;
    CHECK_INT(try_decrypt(stored.data, stored.len, KEY, msg), ERR_CORRUPT);
    CHECK(strstr(msg, "chunk 0") != NULL);
    stored.data[1000] ^= 1;
    uint8_t other[32];
    memcpy(other, KEY, 32);
    other[31] ^= 0x80;
    CHECK_INT(try_decrypt(stored.data, stored.len, other, msg), ERR_CORRUPT);
    /* swapping two full chunks is caught by the index in the nonce */
    char *swapped = malloc(stored.len);
    memcpy(swapped, stored.data, stored.len);
    size_t cl = IO_CRYPT_CHUNK + 16;
    memcpy(swapped + 20, stored.data + 20 + cl, cl);
    memcpy(swapped + 20 + cl, stored.data + 20, cl);
    CHECK_INT(try_decrypt(swapped, stored.len, KEY, msg), ERR_CORRUPT);
    free(swapped);
    sb_free(&stored);
    free(data);
}

TEST(two_encryptions_differ) {
    StrBuf a = STRBUF_INIT, b = STRBUF_INIT;
    unsigned char data[1000];
    fs_test_fill(data, sizeof data, 6);
    CHECK_INT(roundtrip(data, sizeof data, 0, true, 100, &a), 0);
    CHECK_INT(roundtrip(data, sizeof data, 0, true, 100, &b), 0);
    CHECK_INT(a.len, b.len);
    CHECK(memcmp(a.data, b.data, a.len) != 0); /* random nonce prefix */
    sb_free(&a);
    sb_free(&b);
}

TEST(zstd_detects_truncation_and_garbage) {
    size_t n = 500000;
    unsigned char *data = malloc(n);
    fs_test_fill(data, n, 7);
    StrBuf stored = STRBUF_INIT;
    CHECK_INT(roundtrip(data, n, 3, false, 65536, &stored), 0);
    StrBuf back = STRBUF_INIT;
    Error err = ERROR_INIT;
    IoChain *c = io_chain_new((IoSink){fs_test_sb_sink, &back});
    io_chain_add(c, io_filter_zstd_decompress_new());
    CHECK(push(c, stored.data, stored.len / 2, 1000, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_CORRUPT);
    CHECK(strstr(err.msg, "truncated") != NULL);
    io_chain_free(c);
    c = io_chain_new((IoSink){fs_test_sb_sink, &back});
    io_chain_add(c, io_filter_zstd_decompress_new());
    CHECK(push(c, "definitely not zstd", 19, 19, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_CORRUPT);
    io_chain_free(c);
    sb_free(&back);
    sb_free(&stored);
    free(data);
}

TEST(key_from_passphrase_is_stable) {
    uint8_t k1[32], k2[32], k3[32];
    io_crypt_key_from_passphrase("correct horse", k1);
    io_crypt_key_from_passphrase("correct horse", k2);
    io_crypt_key_from_passphrase("correct horsf", k3);
    CHECK(memcmp(k1, k2, 32) == 0);
    CHECK(memcmp(k1, k3, 32) != 0);
}

TEST(rate_limiter_paces_one_thread) {
    RateLimiter *rl = rate_limiter_new(4 << 20, 65536); /* 4 MiB/s, 64 KiB burst */
    StrBuf out = STRBUF_INIT;
    IoChain *c = io_chain_new((IoSink){fs_test_sb_sink, &out});
    io_chain_add(c, io_filter_rate_new(rl));
    size_t n = 2u << 20;
    char *data = calloc(1, n);
    Error err = ERROR_INIT;
    int64_t t0 = clock_mono_ns();
    CHECK_OK(push(c, data, n, 100000, &err), &err);
    double secs = (double)(clock_mono_ns() - t0) / 1e9;
    /* 2 MiB at 4 MiB/s with a 64 KiB head start: ~0.48 s */
    CHECK(secs > 0.40 && secs < 1.5);
    CHECK_INT(out.len, n);
    io_chain_free(c);
    sb_free(&out);
    free(data);
    rate_limiter_free(rl);
}

#include <pthread.h>
static void *rl_worker(void *arg) {
    for (int i = 0; i < 16; i++)
        rate_limiter_acquire(arg, 65536);
    return NULL;
}

TEST(rate_limiter_is_shared_across_threads) {
    RateLimiter *rl = rate_limiter_new(8 << 20, 65536); /* 8 MiB/s */
    pthread_t t[4];
    int64_t t0 = clock_mono_ns();
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, rl_worker, rl);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    double secs = (double)(clock_mono_ns() - t0) / 1e9;
    /* 4 x 1 MiB = 4 MiB through one 8 MiB/s bucket: ~0.5 s, not 0.125 s */
    CHECK(secs > 0.42 && secs < 1.5);
    rate_limiter_set_rate(rl, 0);
    t0 = clock_mono_ns();
    rl_worker(rl);
    CHECK((clock_mono_ns() - t0) < 50000000); /* unlimited */
    rate_limiter_free(rl);
}

int main(void) {
    RUN(count_and_hashes_match_one_shot);
    RUN(sha256_of_known_strings);
    RUN(zstd_roundtrip_compresses);
    RUN(encrypt_roundtrip_sizes);
    RUN(zstd_then_encrypt_chain);
    RUN(decrypt_detects_truncation_tampering_and_wrong_key);
    RUN(two_encryptions_differ);
    RUN(zstd_detects_truncation_and_garbage);
    RUN(key_from_passphrase_is_stable);
    RUN(rate_limiter_paces_one_thread);
    RUN(rate_limiter_is_shared_across_threads);
    TEST_EXIT();
}
