/* Helpers for fs tests that run against real servers on loopback. When the CAIRN_* variables are
 * missing the program re-runs itself under tests/lib/servers.py, which starts the servers, exports
 * their endpoints and stops them afterwards, so the test works the same from `make test` and by
 * hand. */
#ifndef CAIRN_TESTS_FS_LIVE_H
#define CAIRN_TESTS_FS_LIVE_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/fs.h"
#include "fs/transfer.h"
#include "fs_helpers.h"
#include "util/hash.h"

/* Re-executes argv under servers.py unless env_var is set. Returns only when the servers are up. */
static inline void fs_live_ensure(const char *env_var, const char *kinds, char **argv) {
    if (getenv(env_var)) return;
    const char *root = getenv("CAIRN_ROOT") ? getenv("CAIRN_ROOT") : ".";
    char script[1024];
    snprintf(script, sizeof script, "%s/tests/lib/servers.py", root);
    setenv("CAIRN_ROOT", root, 0);
    execl("/usr/bin/python3", "python3", script, "run", kinds, "--", argv[0], (char *)NULL);
    printf("not ok 1 - cannot run %s: exec failed\n", script);
    exit(1);
}

static inline const char *fs_live_env(const char *name) {
    const char *v = getenv(name);
    return v ? v : "";
}

/* GET url with curl; returns the body in out (test plumbing for stats endpoints). */
static inline int fs_live_fetch(const char *url, StrBuf *out) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "curl -s -m 10 '%s'", url);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    char buf[4096];
    size_t n;
    sb_reset(out);
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        sb_appendn(out, buf, n);
    return pclose(p);
}

static inline int fs_live_post(const char *url, const char *json) {
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "curl -s -m 10 -o /dev/null -X POST --data-binary '%s' '%s'", json,
             url);
    return system(cmd);
}

/* The integer after "\"key\": " in a flat JSON object, or -1. */
static inline long long fs_live_json_int(const char *json, const char *key) {
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(json, pat);
    return p ? atoll(p + strlen(pat)) : -1;
}

/* Writes n deterministic bytes to path through fs; returns the sha256 hex in out. */
static inline Status fs_live_put(Fs *fs, const char *path, size_t n, unsigned seed, char out[65],
                                 Error *err) {
    FsWriter *w;
    if (fs_open_write(fs, path, &w, err)) return STATUS_ERROR;
    HashSha256 *h = hash_sha256_new();
    unsigned char *buf = malloc(1 << 20);
    size_t done = 0;
    Status st = STATUS_OK;
    while (done < n && st == STATUS_OK) {
        size_t k = n - done < (1u << 20) ? n - done : (1u << 20);
        fs_test_fill(buf, k, seed + (unsigned)(done >> 20));
        hash_sha256_update(h, buf, k);
        st = fs_write(w, buf, k, err);
        done += k;
    }
    uint8_t d[32];
    hash_sha256_final(h, d);
    hash_hex(d, 32, out);
    free(buf);
    if (st) {
        fs_writer_abort(w);
        return st;
    }
    return fs_writer_commit(w, err);
}

/* Reads path fully; returns its size and sha256 hex. */
static inline Status fs_live_get(Fs *fs, const char *path, int64_t *size, char out[65],
                                 Error *err) {
    FsReader *r;
    if (fs_open_read(fs, path, &r, err)) return STATUS_ERROR;
    HashSha256 *h = hash_sha256_new();
    unsigned char *buf = malloc(1 << 20);
    size_t got;
    Status st;
    *size = 0;
    while ((st = fs_read(r, buf, 1 << 20, &got, err)) == STATUS_OK && got) {
        hash_sha256_update(h, buf, got);
        *size += (int64_t)got;
    }
    uint8_t d[32];
    hash_sha256_final(h, d);
    hash_hex(d, 32, out);
    free(buf);
    fs_reader_close(r);
    return st;
}

typedef struct LiveCount {
    int files, dirs;
    int64_t bytes;
} LiveCount;

static inline Status fs_live_count_cb(void *ctx, const FsEntry *e, Error *err) {
    LiveCount *c = ctx;
    if (e->is_dir)
        c->dirs++;
    else
        c->files++, c->bytes += e->size;
    return STATUS_OK;
}

#endif
