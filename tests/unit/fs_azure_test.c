/* The Azure driver against Azurite (which verifies Shared Key signatures and Content-MD5): shared
 * key and SAS, single-shot and staged-block uploads, paged listings, and the errors a user meets.
 * Servers start via tests/lib/servers.py. */
#include "fs_live.h"
#include "test.h"
#include "util/clock.h"

static char location[512], endpoint[256];

static Fs *open_az(const char *loc, const char *auth_key, const char *auth_value,
                   const FsProp *extra, int nextra) {
    FsProp props[16];
    int n = 0;
    props[n++] = (FsProp){"azure.blob.endpoint", endpoint};
    props[n++] = (FsProp){auth_key, auth_value};
    props[n++] = (FsProp){"fs.retry.base_delay_ms", "20"};
    for (int i = 0; i < nextra; i++)
        props[n++] = extra[i];
    Fs *fs = NULL;
    Error err = ERROR_INIT;
    CHECK_OK(fs_open(loc, props, n, &fs, &err), &err);
    return fs;
}

static void cycle(Fs *fs, const char *tag, size_t size) {
    if (!fs) return;
    Error err = ERROR_INIT;
    char path[256], sha[65], back[65];
    snprintf(path, sizeof path, "%s/sub dir/file+1.bin", tag);
    CHECK_OK(fs_live_put(fs, path, size, 5, sha, &err), &err);
    int64_t got = 0;
    CHECK_OK(fs_live_get(fs, path, &got, back, &err), &err);
    CHECK_INT(got, (int64_t)size);
    CHECK_STR(back, sha);
    FsStat st;
    CHECK_OK(fs_stat(fs, path, &st, &err), &err);
    CHECK(st.exists && !st.is_dir);
    CHECK_INT(st.size, (int64_t)size);
    CHECK(st.mtime_ms > clock_now_ms() - 600000);
    char dir[256];
    snprintf(dir, sizeof dir, "%s/sub dir", tag);
    CHECK_OK(fs_stat(fs, dir, &st, &err), &err);
    CHECK(st.exists && st.is_dir);
    FsReader *r;
    CHECK_OK(fs_open_read_range(fs, path, 100, 5, &r, &err), &err);
    unsigned char buf[16], want[200];
    size_t n = 0, k;
    while (r && fs_read(r, buf + n, sizeof buf - n, &k, &err) == STATUS_OK && k)
        n += k;
    fs_test_fill(want, sizeof want, 5);
    CHECK_INT(n, 5);
    CHECK(memcmp(buf, want + 100, 5) == 0);
    fs_reader_close(r);
    LiveCount c = {0};
    CHECK_OK(fs_list(fs, tag, false, fs_live_count_cb, &c, &err), &err);
    CHECK_INT(c.dirs, 1);
    memset(&c, 0, sizeof c);
    CHECK_OK(fs_list(fs, tag, true, fs_live_count_cb, &c, &err), &err);
    CHECK_INT(c.files, 1);
    CHECK_OK(fs_remove(fs, path, &err), &err);
    CHECK_OK(fs_remove(fs, path, &err), &err);
    CHECK(fs_open_read(fs, path, &r, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_FS_NOT_FOUND);
    CHECK(strstr(err.msg, "BlobNotFound") != NULL);
    CHECK_OK(fs_probe(fs, false, &err), &err);
}

TEST(shared_key_small_and_blocks) {
    FsProp p[] = {{"azure.blob.block_size", "1048576"}, {"azure.blob.upload_parallel", "3"}};
    Fs *fs = open_az(location, "azure.blob.shared_key", fs_live_env("CAIRN_AZURE_KEY"), p, 2);
    CHECK_STR(fs_driver_name(fs), "azure");
    cycle(fs, "small", 1000);
    cycle(fs, "blocks", 3 * 1048576 + 777); /* 4 staged blocks and a block list */
    cycle(fs, "exact", 1048576);            /* one block: Put Blob */
    Error err = ERROR_INIT;
    CHECK_OK(fs_write_all(fs, "empty", "", 0, &err), &err);
    FsStat st;
    CHECK_OK(fs_stat(fs, "empty", &st, &err), &err);
    CHECK(st.exists && st.size == 0);
    /* abort after staging blocks: nothing visible */
    FsWriter *w;
    CHECK_OK(fs_open_write(fs, "aborted", &w, &err), &err);
    char *buf = calloc(1, 3 << 20);
    CHECK_OK(fs_write(w, buf, 3 << 20, &err), &err);
    fs_writer_abort(w);
    CHECK_OK(fs_stat(fs, "aborted", &st, &err), &err);
    CHECK(!st.exists);
    free(buf);
    fs_free(fs);
}

TEST(abfs_scheme_and_paging) {
    char loc[512];
    snprintf(loc, sizeof loc, "abfss://cairn-test@%s.dfs.core.windows.net/paged",
             fs_live_env("CAIRN_AZURE_ACCOUNT"));
    FsProp p[] = {{"azure.blob.list_max_results", "4"}};
    Fs *fs = open_az(loc, "azure.blob.shared_key", fs_live_env("CAIRN_AZURE_KEY"), p, 1);
    Error err = ERROR_INIT;
    char path[64];
    for (int i = 0; i < 11; i++) {
        snprintf(path, sizeof path, "d%d/f%02d", i % 3, i);
        CHECK_OK(fs_write_all(fs, path, "abc", 3, &err), &err);
    }
    LiveCount c = {0};
    CHECK_OK(fs_list(fs, "", true, fs_live_count_cb, &c, &err), &err);
    CHECK_INT(c.files, 11);
    CHECK_INT(c.bytes, 33);
    memset(&c, 0, sizeof c);
    CHECK_OK(fs_list(fs, "", false, fs_live_count_cb, &c, &err), &err);
    CHECK_INT(c.dirs, 3);
    CHECK_OK(fs_remove_prefix(fs, "d1", &err), &err);
    memset(&c, 0, sizeof c);
    CHECK_OK(fs_list(fs, "", true, fs_live_count_cb, &c, &err), &err);
    CHECK_INT(c.files, 7);
    fs_free(fs);
}

TEST(sas_token) {
    char sas[2048];
    snprintf(sas, sizeof sas, "?%s", fs_live_env("CAIRN_AZURE_SAS"));
    FsProp p[] = {{"azure.blob.block_size", "1048576"}};
    Fs *fs = open_az(location, "azure.blob.sas_token", sas, p, 1);
    cycle(fs, "sas", 2500000);
    fs_free(fs);
}

TEST(errors_name_the_blob_and_what_to_check) {
    Error err = ERROR_INIT;
    /* a valid base64 key that is not the account's */
    Fs *fs = open_az(
        location, "azure.blob.shared_key",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
        NULL, 0);
    fs_set_label(fs, "az_repo");
    CHECK(fs_write_all(fs, "x", "1", 1, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_FS_AUTH);
    CHECK(strstr(err.msg, "Repository 'az_repo': cannot write wasb://cairn-test@") == err.msg);
    CHECK(strstr(err.msg, "HTTP 403") != NULL);
    CHECK(strstr(err.msg, "(check azure.blob.shared_key and the account name in the location)") !=
          NULL);
    fs_free(fs);
    char bad_sas[2048];
    snprintf(bad_sas, sizeof bad_sas, "%s", fs_live_env("CAIRN_AZURE_SAS"));
    char *sig = strstr(bad_sas, "sig=");
    if (sig) sig[4] = sig[4] == 'A' ? 'B' : 'A';
    fs = open_az(location, "azure.blob.sas_token", bad_sas, NULL, 0);
    CHECK(fs_write_all(fs, "x", "1", 1, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_FS_AUTH);
    CHECK(strstr(err.msg, "(check azure.blob.sas_token: its permissions, services and expiry)") !=
          NULL);
    CHECK(strstr(err.msg, "sig=") == NULL); /* the token never shows */
    fs_free(fs);
    char loc[512];
    snprintf(loc, sizeof loc, "wasb://no-such-container@%s.blob.core.windows.net/x",
             fs_live_env("CAIRN_AZURE_ACCOUNT"));
    fs = open_az(loc, "azure.blob.shared_key", fs_live_env("CAIRN_AZURE_KEY"), NULL, 0);
    CHECK(fs_write_all(fs, "x", "1", 1, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_FS_NOT_FOUND);
    CHECK(strstr(err.msg, "ContainerNotFound") != NULL);
    CHECK(strstr(err.msg, "container 'no-such-container' does not exist") != NULL);
    fs_free(fs);
    CHECK(fs_open("wasb://just-a-host/x", (FsProp[]){{"azure.blob.sas_token", "a=b"}}, 1, &fs,
                  &err) == STATUS_ERROR);
    CHECK(strstr(err.msg, "<container>@<account>") != NULL);
}

TEST(faults_are_retried) {
    char proxy[256], fault[300];
    snprintf(proxy, sizeof proxy, "%s", fs_live_env("CAIRN_AZURE_PROXY"));
    snprintf(fault, sizeof fault, "%.*s/__fault", (int)(strrchr(proxy, '/') - proxy), proxy);
    char loc[512];
    snprintf(loc, sizeof loc, "wasb://cairn-test@%s.blob.core.windows.net/faults",
             fs_live_env("CAIRN_AZURE_ACCOUNT"));
    FsProp p[] = {{"azure.blob.endpoint", proxy},
                  {"azure.blob.shared_key", fs_live_env("CAIRN_AZURE_KEY")},
                  {"azure.blob.block_size", "1048576"},
                  {"fs.retry.base_delay_ms", "10"}};
    Fs *fs = NULL;
    Error err = ERROR_INIT;
    CHECK_OK(fs_open(loc, p, 4, &fs, &err), &err);
    /* ServerBusy on two staged blocks and on the block list, then a connection cut in the middle of
     * a read */
    fs_live_post(
        fault,
        "[{\"method\":\"PUT\",\"query\":\"comp=block&\",\"action\":\"status\",\"status\":503,"
        "\"code\":\"ServerBusy\",\"times\":2},{\"method\":\"PUT\",\"query\":\"comp=blocklist\","
        "\"action\":\"status\",\"status\":500,\"times\":1},"
        "{\"method\":\"GET\",\"action\":\"reset\",\"after\":1500000,\"times\":1}]");
    char sha[65], back[65];
    int64_t size;
    CHECK_OK(fs_live_put(fs, "f.bin", 4500000, 31, sha, &err), &err);
    CHECK_OK(fs_live_get(fs, "f.bin", &size, back, &err), &err);
    CHECK_INT(size, 4500000);
    CHECK_STR(back, sha);
    StrBuf s = STRBUF_INIT;
    char stats[300];
    snprintf(stats, sizeof stats, "%.*s/__stats", (int)(strrchr(proxy, '/') - proxy), proxy);
    fs_live_fetch(stats, &s);
    CHECK_INT(fs_live_json_int(sb_str(&s), "faults"), 4);
    /* a permanent 403 fails at once */
    fs_live_post(
        fault,
        "[{\"action\":\"status\",\"status\":403,\"code\":\"AuthorizationFailure\","
        "\"message\":\"This request is not authorized to perform this operation.\",\"times\":-1}]");
    CHECK(fs_write_all(fs, "denied", "x", 1, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_FS_AUTH);
    CHECK(strstr(err.msg, "HTTP 403 AuthorizationFailure: This request is not authorized to "
                          "perform this operation.") != NULL);
    CHECK(strstr(err.msg, "failed") == NULL); /* not retried */
    fs_live_post(fault, "[]");
    sb_free(&s);
    fs_free(fs);
}

int main(int argc, char **argv) {
    fs_live_ensure("CAIRN_AZURE_PROXY", "azurite,azproxy", argv);
    snprintf(endpoint, sizeof endpoint, "%s", fs_live_env("CAIRN_AZURE_ENDPOINT"));
    snprintf(location, sizeof location, "wasb://cairn-test@%s.blob.core.windows.net/repo",
             fs_live_env("CAIRN_AZURE_ACCOUNT"));
    RUN(shared_key_small_and_blocks);
    RUN(abfs_scheme_and_paging);
    RUN(sas_token);
    RUN(errors_name_the_blob_and_what_to_check);
    RUN(faults_are_retried);
    TEST_EXIT();
}
