/* The posix driver through the public fs.h API, plus what is driver-independent: path checks,
 * property validation and redaction, the retry layer, and the upload/download helpers with
 * compression and encryption. */
#include <sys/stat.h>

#include "fs/fs.h"
#include "fs/retry.h"
#include "fs/transfer.h"
#include "fs_helpers.h"
#include "test.h"
#include "util/clock.h"
#include "util/hash.h"

static char *root;

static Fs *open_root(void) {
    Fs *fs = NULL;
    Error err = ERROR_INIT;
    CHECK_OK(fs_open(root, NULL, 0, &fs, &err), &err);
    return fs;
}

static int exists(const char *rel) {
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    struct stat sb;
    return stat(p, &sb) == 0;
}

TEST(write_commit_read_back) {
    Fs *fs = open_root();
    Error err = ERROR_INIT;
    CHECK_STR(fs_driver_name(fs), "posix");
    FsWriter *w;
    CHECK_OK(fs_open_write(fs, "snapshots/s1/manifest.json", &w, &err), &err);
    CHECK_OK(fs_write(w, "{\"a\":", 5, &err), &err);
    CHECK_OK(fs_write(w, "1}", 2, &err), &err);
    CHECK_INT(fs_writer_bytes(w), 7);
    CHECK(!exists("snapshots/s1/manifest.json")); /* invisible until commit */
    CHECK_OK(fs_writer_commit(w, &err), &err);
    CHECK(exists("snapshots/s1/manifest.json"));
    StrBuf sb = STRBUF_INIT;
    CHECK_OK(fs_read_all(fs, "snapshots/s1/manifest.json", 100, &sb, &err), &err);
    CHECK_STR(sb_str(&sb), "{\"a\":1}");
    sb_reset(&sb);
    CHECK(fs_read_all(fs, "snapshots/s1/manifest.json", 3, &sb, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "larger than the 3 bytes") != NULL);
    FsStat st;
    CHECK_OK(fs_stat(fs, "snapshots/s1/manifest.json", &st, &err), &err);
    CHECK(st.exists && !st.is_dir);
    CHECK_INT(st.size, 7);
    CHECK(st.mtime_ms > clock_now_ms() - 60000);
    CHECK_OK(fs_stat(fs, "snapshots/s1", &st, &err), &err);
    CHECK(st.exists && st.is_dir);
    CHECK_OK(fs_stat(fs, "snapshots/none", &st, &err), &err);
    CHECK(!st.exists);
    sb_free(&sb);
    fs_free(fs);
}

TEST(abort_leaves_nothing_and_replace_is_atomic) {
    Fs *fs = open_root();
    Error err = ERROR_INIT;
    FsWriter *w;
    CHECK_OK(fs_write_all(fs, "x/file", "old", 3, &err), &err);
    CHECK_OK(fs_open_write(fs, "x/file", &w, &err), &err);
    CHECK_OK(fs_write(w, "new!", 4, &err), &err);
    fs_writer_abort(w);
    StrBuf sb = STRBUF_INIT;
    CHECK_OK(fs_read_all(fs, "x/file", 100, &sb, &err), &err);
    CHECK_STR(sb_str(&sb), "old");
    CHECK_OK(fs_open_write(fs, "x/other", &w, &err), &err);
    CHECK_OK(fs_write(w, "zz", 2, &err), &err);
    fs_writer_abort(w);
    CHECK(!exists("x/other"));
    /* no temp file left behind either */
    int n = 0;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ls -A %s/x | wc -l", root);
    FILE *p = popen(cmd, "r");
    CHECK(fscanf(p, "%d", &n) == 1);
    pclose(p);
    CHECK_INT(n, 1);
    CHECK_OK(fs_write_all(fs, "x/file", "newer", 5, &err), &err);
    sb_reset(&sb);
    CHECK_OK(fs_read_all(fs, "x/file", 100, &sb, &err), &err);
    CHECK_STR(sb_str(&sb), "newer");
    sb_free(&sb);
    fs_free(fs);
}

TEST(range_reads) {
    Fs *fs = open_root();
    Error err = ERROR_INIT;
    CHECK_OK(fs_write_all(fs, "r/digits", "0123456789", 10, &err), &err);
    FsReader *r;
    CHECK_OK(fs_open_read_range(fs, "r/digits", 3, 4, &r, &err), &err);
    char buf[32];
    size_t got, total = 0;
    do {
        CHECK_OK(fs_read(r, buf + total, 2, &got, &err), &err);
        total += got;
    } while (got);
    buf[total] = 0;
    CHECK_STR(buf, "3456");
    fs_reader_close(r);
    CHECK_OK(fs_open_read_range(fs, "r/digits", 8, -1, &r, &err), &err);
    CHECK_OK(fs_read(r, buf, sizeof buf, &got, &err), &err);
    CHECK_INT(got, 2);
    fs_reader_close(r);
    CHECK(fs_open_read(fs, "r/missing", &r, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_FS_NOT_FOUND);
    CHECK(strstr(err.msg, "r/missing") != NULL);
    fs_free(fs);
}

typedef struct Collected {
    char names[64][128];
    int dirs[64];
    int64_t sizes[64];
    int n;
} Collected;

static Status collect(void *ctx, const FsEntry *e, Error *err) {
    Collected *c = ctx;
    if (c->n < 64) {
        snprintf(c->names[c->n], 128, "%s", e->path);
        c->dirs[c->n] = e->is_dir;
        c->sizes[c->n] = e->size;
        c->n++;
    }
    return STATUS_OK;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(a, b);
}

static void sorted_names(Collected *c, StrBuf *out) {
    qsort(c->names, (size_t)c->n, 128, cmp_names);
    for (int i = 0; i < c->n; i++)
        sb_appendf(out, "%s%s", i ? "," : "", c->names[i]);
}

TEST(list_recursive_and_not) {
    Fs *fs = open_root();
    Error err = ERROR_INIT;
    CHECK_OK(fs_write_all(fs, "l/a", "1", 1, &err), &err);
    CHECK_OK(fs_write_all(fs, "l/b/c", "22", 2, &err), &err);
    CHECK_OK(fs_write_all(fs, "l/b/d/e", "333", 3, &err), &err);
    Collected c = {0};
    CHECK_OK(fs_list(fs, "l", true, collect, &c, &err), &err);
    StrBuf s = STRBUF_INIT;
    sorted_names(&c, &s);
    CHECK_STR(sb_str(&s), "a,b/c,b/d/e");
    memset(&c, 0, sizeof c);
    CHECK_OK(fs_list(fs, "l", false, collect, &c, &err), &err);
    CHECK_INT(c.n, 2);
    for (int i = 0; i < c.n; i++) {
        if (strcmp(c.names[i], "a") == 0) CHECK(!c.dirs[i] && c.sizes[i] == 1);
        if (strcmp(c.names[i], "b") == 0) CHECK(c.dirs[i]);
    }
    memset(&c, 0, sizeof c);
    CHECK_OK(fs_list(fs, "nothing/here", true, collect, &c, &err), &err);
    CHECK_INT(c.n, 0);
    CHECK_OK(fs_remove(fs, "l/a", &err), &err);
    CHECK_OK(fs_remove(fs, "l/a", &err), &err); /* missing is fine */
    CHECK_OK(fs_remove_prefix(fs, "l/b", &err), &err);
    CHECK(!exists("l/b"));
    CHECK(exists("l"));
    sb_free(&s);
    fs_free(fs);
}

TEST(bad_paths_are_refused) {
    Fs *fs = open_root();
    Error err = ERROR_INIT;
    FsWriter *w;
    const char *bad[] = {"../escape", "a/../../b", "/abs", "a//b", "./a", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(fs_open_write(fs, bad[i], &w, &err) == STATUS_ERROR);
        CHECK_INT(err.code, ERR_INVALID_ARGUMENT);
    }
    fs_set_label(fs, "repo1");
    CHECK(fs_open_write(fs, "../x", &w, &err) == STATUS_ERROR);
    CHECK(strncmp(err.msg, "Repository 'repo1': invalid path '../x'", 39) == 0);
    fs_free(fs);
}

TEST(file_scheme_and_probe) {
    char loc[1024];
    snprintf(loc, sizeof loc, "file://%s/probe/", root);
    Fs *fs = NULL;
    Error err = ERROR_INIT;
    CHECK_OK(fs_open(loc, NULL, 0, &fs, &err), &err);
    char want[1024];
    snprintf(want, sizeof want, "file://%s/probe", root);
    CHECK_STR(fs_location(fs), want);
    CHECK_OK(fs_probe(fs, false, &err), &err);
    CHECK_OK(fs_probe(fs, true, &err), &err);
    Collected c = {0};
    CHECK_OK(fs_list(fs, "", true, collect, &c, &err), &err);
    CHECK_INT(c.n, 0); /* the probe file is gone */
    fs_free(fs);
    CHECK(fs_open("file://relative/path", NULL, 0, &fs, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "three slashes") != NULL);
    /* a location we may not write: the probe says which step failed */
    if (geteuid() != 0) return;
    snprintf(loc, sizeof loc, "/proc/cairn-cannot-write");
    CHECK_OK(fs_open(loc, NULL, 0, &fs, &err), &err);
    fs_set_label(fs, "ro");
    CHECK(fs_probe(fs, false, &err) == STATUS_ERROR);
    CHECK(strncmp(err.msg,
                  "probe: cannot write: Repository 'ro': cannot create directory "
                  "/proc/cairn-cannot-write",
                  85) == 0);
    fs_free(fs);
}

TEST(properties_validate_and_redact) {
    Error err = ERROR_INIT;
    FsProp ok[] = {
        {"aws.s3.access_key", "AK"}, {"aws.s3.secret_key", "SK"}, {"aws.s3.region", "us-east-1"}};
    CHECK_OK(fs_props_validate("s3://b/p", ok, 3, &err), &err);
    FsProp half[] = {{"aws.s3.access_key", "AK"}};
    CHECK(fs_props_validate("s3a://b/p", half, 1, &err) == STATUS_ERROR);
    CHECK_STR(err.msg,
              "property 'aws.s3.access_key' is set but 'aws.s3.secret_key' is missing: set both");
    FsProp badbool[] = {{"aws.s3.enable_path_style_access", "yes please"}};
    CHECK(fs_props_validate("s3://b", badbool, 1, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_INVALID_ARGUMENT);
    CHECK(fs_props_validate("oss://b/p", NULL, 0, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "fs.oss.endpoint") != NULL);
    CHECK(fs_props_validate("cosn://b/p", NULL, 0, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "fs.cosn.bucket.endpoint_suffix") != NULL);
    FsProp krb[] = {{"hadoop.security.authentication", "kerberos"}, {"kerberos_principal", "x@Y"}};
    CHECK(fs_props_validate("hdfs://nn:8020/p", krb, 2, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_NOT_SUPPORTED);
    CHECK(strstr(err.msg, "Kerberos is not supported") != NULL);
    CHECK(fs_props_validate("wasb://c@a.blob.core.windows.net/p", NULL, 0, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "azure.blob.sas_token") != NULL);
    CHECK(fs_props_validate("ftp://host/p", NULL, 0, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "unsupported location 'ftp://host/p'") != NULL);
    FsProp role[] = {{"aws.s3.iam_role_arn", "role/x"}};
    CHECK(fs_props_validate("s3://b", role, 1, &err) == STATUS_ERROR);
    FsProp ext[] = {{"aws.s3.external_id", "e"}};
    CHECK(fs_props_validate("s3://b", ext, 1, &err) == STATUS_ERROR);
    CHECK_STR(fs_scheme_driver("S3A://b"), "s3");
    CHECK_STR(fs_scheme_driver("abfss://c@a.dfs.core.windows.net/"), "azure");
    CHECK_STR(fs_scheme_driver("/data"), "posix");
    CHECK(fs_scheme_driver("data") == NULL);

    const char *secrets[] = {"aws.s3.secret_key",
                             "fs.s3a.secret.key",
                             "fs.oss.accessKeySecret",
                             "fs.cosn.userinfo.secretKey",
                             "azure.blob.shared_key",
                             "azure.blob.sas_token",
                             "password",
                             "kerberos_keytab_content"};
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++)
        CHECK(fs_prop_is_secret(secrets[i]));
    const char *plain[] = {
        "aws.s3.access_key",
        "fs.s3a.access.key",
        "fs.oss.accessKeyId",
        "fs.cosn.userinfo.secretId" /* an id, but named "secret": masked to be safe */,
        "aws.s3.endpoint",
        "username"};
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
        CHECK(fs_prop_is_secret(plain[i]) == (i == 3));
    FsProp show[] = {
        {"aws.s3.access_key", "AKID"}, {"aws.s3.secret_key", "hunter2"}, {"x", "a\"b"}};
    StrBuf sb = STRBUF_INIT;
    fs_props_render_redacted(show, 3, &sb);
    CHECK_STR(
        sb_str(&sb),
        "\"aws.s3.access_key\" = \"AKID\", \"aws.s3.secret_key\" = \"******\", \"x\" = \"a\\\"b\"");
    CHECK_STR(fs_prop_get(show, 3, "x"), "a\"b");
    CHECK(fs_prop_get(show, 3, "y") == NULL);
    sb_free(&sb);
}

typedef struct Flaky {
    int calls, fail_times;
    ErrCode code;
} Flaky;

static Status flaky(void *ctx, Error *err) {
    Flaky *f = ctx;
    f->calls++;
    if (f->calls <= f->fail_times)
        return err_set(err, f->code, "attempt %d: 503 SlowDown", f->calls);
    return STATUS_OK;
}

TEST(retry_layer) {
    FsRetryPolicy p = {5, 1, 4, 10000};
    Error err = ERROR_INIT;
    Flaky f = {0, 3, ERR_FS_TRANSIENT};
    int64_t before = fs_retry_count();
    CHECK_OK(fs_retry_run(&p, flaky, &f, &err), &err);
    CHECK_INT(f.calls, 4);
    CHECK_INT(fs_retry_count() - before, 3);
    f = (Flaky){0, 10, ERR_FS_TRANSIENT};
    CHECK(fs_retry_run(&p, flaky, &f, &err) == STATUS_ERROR);
    CHECK_INT(f.calls, 5);
    CHECK_INT(err.code, ERR_FS_TRANSIENT);
    CHECK(strncmp(err.msg, "attempt 5: 503 SlowDown (failed 5 attempts over", 47) == 0);
    CHECK(strstr(err.msg, "earlier: 1: attempt 1: 503 SlowDown; 2: attempt 2") != NULL);
    f = (Flaky){0, 10, ERR_FS_AUTH}; /* never retried */
    CHECK(fs_retry_run(&p, flaky, &f, &err) == STATUS_ERROR);
    CHECK_INT(f.calls, 1);
    CHECK_STR(err.msg, "attempt 1: 503 SlowDown");
    f = (Flaky){0, 10, ERR_FS_NOT_FOUND};
    CHECK(fs_retry_run(&p, flaky, &f, &err) == STATUS_ERROR);
    CHECK_INT(f.calls, 1);
    /* the total budget bounds the attempts */
    FsRetryPolicy slow = {100, 50, 50, 120};
    f = (Flaky){0, 1000, ERR_FS_TRANSIENT};
    int64_t t0 = clock_mono_ns();
    CHECK(fs_retry_run(&slow, flaky, &f, &err) == STATUS_ERROR);
    CHECK((clock_mono_ns() - t0) / 1000000 < 400);
    CHECK(f.calls < 100);
    FsProp props[] = {{"fs.retry.max_attempts", "0"}};
    CHECK(fs_retry_policy_from_props(&p, props, 1, &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "fs.retry.max_attempts") != NULL);
}

TEST(upload_download_with_filters) {
    Fs *fs = open_root();
    Error err = ERROR_INIT;
    size_t n = 5u << 20;
    unsigned char *data = malloc(n);
    fs_test_fill(data, n, 9);
    char local[1024], back[1024];
    snprintf(local, sizeof local, "%s/local.bin", root);
    snprintf(back, sizeof back, "%s/back.bin", root);
    CHECK_INT(fs_test_write_file(local, data, n), 0);
    uint8_t d[32];
    char want[65];
    hash_sha256(data, n, d);
    hash_hex(d, 32, want);
    uint8_t key[32];
    io_crypt_key_from_passphrase("pw", key);
    FsXferOptions variants[] = {{0, NULL, NULL}, {3, NULL, NULL}, {0, key, NULL}, {1, key, NULL}};
    for (size_t i = 0; i < 4; i++) {
        FsXferResult up, down;
        CHECK_OK(fs_upload_file(fs, local, "data/ab/file", &variants[i], &up, &err), &err);
        CHECK_INT(up.plain_size, (int64_t)n);
        CHECK_STR(up.plain_sha256, want);
        CHECK(up.plain_xxh3 == hash_xxh3(data, n));
        FsStat st;
        CHECK_OK(fs_stat(fs, "data/ab/file", &st, &err), &err);
        CHECK_INT(st.size, up.stored_size);
        if (variants[i].zstd_level) CHECK(up.stored_size < (int64_t)n * 7 / 10);
        if (i == 0) CHECK_STR(up.stored_sha256, want);
        if (i > 0) CHECK(strcmp(up.stored_sha256, want) != 0);
        CHECK_OK(fs_download_file(fs, "data/ab/file", back, &variants[i], want, &down, &err), &err);
        CHECK_STR(down.plain_sha256, want);
        CHECK_STR(down.stored_sha256, up.stored_sha256);
        CHECK_INT(down.stored_size, up.stored_size);
        CHECK(down.stored_xxh3 == up.stored_xxh3);
        StrBuf sb = STRBUF_INIT;
        FILE *fp = fopen(back, "rb");
        char tmp[65536];
        size_t k;
        while ((k = fread(tmp, 1, sizeof tmp, fp)) > 0)
            sb_appendn(&sb, tmp, k);
        fclose(fp);
        CHECK_INT(sb.len, n);
        CHECK(memcmp(sb.data, data, n) == 0);
        sb_free(&sb);
        unlink(back);
    }
    /* a wrong expected checksum leaves no local file */
    FsXferResult r;
    CHECK(fs_download_file(fs, "data/ab/file", back, &variants[3], "00", &r, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_CORRUPT);
    CHECK(!exists("back.bin"));
    /* the wrong key: corrupt, nothing left */
    uint8_t other[32] = {0};
    FsXferOptions wrong = {1, other, NULL};
    CHECK(fs_download_file(fs, "data/ab/file", back, &wrong, NULL, &r, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_CORRUPT);
    CHECK(strstr(err.msg, "while downloading") != NULL);
    CHECK(!exists("back.bin"));
    /* a missing local file fails before anything is created remotely */
    CHECK(fs_upload_file(fs, "/nonexistent/file", "data/zz", NULL, &r, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_IO);
    CHECK(!exists("data/zz"));
    free(data);
    fs_free(fs);
}

TEST(upload_respects_a_shared_rate_limit) {
    Fs *fs = open_root();
    Error err = ERROR_INIT;
    char local[1024];
    snprintf(local, sizeof local, "%s/rate.bin", root);
    size_t n = 3u << 20;
    unsigned char *data = malloc(n);
    fs_test_fill(data, n, 21);
    CHECK_INT(fs_test_write_file(local, data, n), 0);
    RateLimiter *rl = rate_limiter_new(8 << 20, 65536); /* 8 MiB/s */
    FsXferOptions o = {0, NULL, rl};
    FsXferResult r;
    int64_t t0 = clock_mono_ns();
    CHECK_OK(fs_upload_file(fs, local, "rated/up", &o, &r, &err), &err);
    CHECK_OK(fs_download_file(fs, "rated/up", local, &o, r.plain_sha256, &r, &err), &err);
    double secs = (double)(clock_mono_ns() - t0) / 1e9;
    /* 6 MiB through one 8 MiB/s bucket: ~0.74 s; without the limit this takes milliseconds */
    CHECK(secs > 0.65 && secs < 1.6);
    CHECK_INT(r.plain_size, (int64_t)n);
    rate_limiter_free(rl);
    free(data);
    fs_free(fs);
}

int main(void) {
    root = fs_test_tmpdir("fs_posix");
    if (!root) {
        printf("not ok 1 - cannot make a temp dir\n");
        return 1;
    }
    RUN(write_commit_read_back);
    RUN(abort_leaves_nothing_and_replace_is_atomic);
    RUN(range_reads);
    RUN(list_recursive_and_not);
    RUN(bad_paths_are_refused);
    RUN(file_scheme_and_probe);
    RUN(properties_validate_and_redact);
    RUN(retry_layer);
    RUN(upload_download_with_filters);
    RUN(upload_respects_a_shared_rate_limit);
    fs_test_rmrf(root);
    free(root);
    TEST_EXIT();
}
