/* Helpers shared by the fs unit tests: temp directories, deterministic pseudo-random data,
 * collecting sinks. */
#ifndef CAIRN_TESTS_FS_HELPERS_H
#define CAIRN_TESTS_FS_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/strbuf.h"

/* mkdtemp under tests/.tmp (or /tmp); caller frees. */
static inline char *fs_test_tmpdir(const char *tag) {
    char path[512];
    const char *root = getenv("CAIRN_ROOT");
    snprintf(path, sizeof path, "%s/tests/.tmp/%s.XXXXXX", root ? root : ".", tag);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/tests/.tmp", root ? root : ".");
    if (system(cmd) != 0) return NULL;
    char *d = mkdtemp(path);
    return d ? strdup(d) : NULL;
}

static inline void fs_test_rmrf(const char *dir) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
}

/* Deterministic bytes: mixes of compressible text and noise, so zstd has work to do. */
static inline void fs_test_fill(unsigned char *p, size_t n, unsigned seed) {
    unsigned long long x = 0x9E3779B97F4A7C15ull ^ seed;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        p[i] = (i / 4096) % 2 ? (unsigned char)x : (unsigned char)("cairn backup data "[i % 18]);
    }
}

static inline Status fs_test_sb_sink(void *ctx, const void *buf, size_t n, Error *err) {
    (void)err;
    sb_appendn(ctx, buf, n);
    return STATUS_OK;
}

static inline int fs_test_write_file(const char *path, const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(p, 1, n, f);
    fclose(f);
    return w == n ? 0 : -1;
}

#endif
