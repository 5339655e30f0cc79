/* The WebHDFS driver against tests/servers/webhdfs_server.py, a namenode/datanode pair written from
 * the Hadoop WebHDFS REST documentation (307 redirects to the datanode, JSON bodies,
 * RemoteException errors, LISTSTATUS_BATCH paging of 3 entries). Not a live HDFS cluster. Servers
 * start via tests/lib/servers.py. */
#include <sys/stat.h>

#include "fs_live.h"
#include "test.h"
#include "util/clock.h"

static char location[256];

static Fs *open_hdfs(const char *user, const FsProp *extra, int nextra) {
    FsProp props[12];
    int n = 0;
    props[n++] = (FsProp){"dfs.namenode.http-address", fs_live_env("CAIRN_WEBHDFS")};
    props[n++] =
        (FsProp){"webhdfs.chunk_size", "65536"}; /* small chunks: CREATE then several APPENDs */
    props[n++] = (FsProp){"fs.retry.base_delay_ms", "10"};
    if (user) props[n++] = (FsProp){"username", user};
    for (int i = 0; i < nextra; i++)
        props[n++] = extra[i];
    Fs *fs = NULL;
    Error err = ERROR_INIT;
    CHECK_OK(fs_open(location, props, n, &fs, &err), &err);
    return fs;
}

static long long local_size(const char *rel) {
    char p[1024];
    snprintf(p, sizeof p, "%s/repo/%s", fs_live_env("CAIRN_WEBHDFS_ROOT"), rel);
    struct stat sb;
    return stat(p, &sb) == 0 ? (long long)sb.st_size : -1;
}

TEST(write_read_stat_list_remove) {
    Fs *fs = open_hdfs("cairn", NULL, 0);
    CHECK_STR(fs_driver_name(fs), "webhdfs");
    Error err = ERROR_INIT;
    char sha[65], back[65];
    CHECK_OK(fs_live_put(fs, "data/ab/file one.bin", 300001, 3, sha, &err), &err); /* 5 chunks */
    CHECK_INT(local_size("data/ab/file one.bin"), 300001); /* landed where HDFS keeps it */
    int64_t size;
    CHECK_OK(fs_live_get(fs, "data/ab/file one.bin", &size, back, &err), &err);
    CHECK_INT(size, 300001);
    CHECK_STR(back, sha);
    FsStat st;
    CHECK_OK(fs_stat(fs, "data/ab/file one.bin", &st, &err), &err);
    CHECK(st.exists && !st.is_dir && st.size == 300001);
    CHECK(st.mtime_ms > clock_now_ms() - 600000);
    CHECK_OK(fs_stat(fs, "data/ab", &st, &err), &err);
    CHECK(st.exists && st.is_dir);
    CHECK_OK(fs_stat(fs, "data/zz", &st, &err), &err);
    CHECK(!st.exists);
    FsReader *r;
    CHECK_OK(fs_open_read_range(fs, "data/ab/file one.bin", 70000, 7, &r, &err), &err);
    unsigned char got[16], want[80000];
    size_t n = 0, k;
    while (r && fs_read(r, got + n, sizeof got - n, &k, &err) == STATUS_OK && k)
        n += k;
    fs_test_fill(want, sizeof want, 3);
    CHECK_INT(n, 7);
    CHECK(memcmp(got, want + 70000, 7) == 0);
    fs_reader_close(r);
    /* replacing a file goes through the temp file and RENAME (HDFS rename does not overwrite) */
    CHECK_OK(fs_write_all(fs, "data/ab/file one.bin", "short", 5, &err), &err);
    StrBuf sb = STRBUF_INIT;
    CHECK_OK(fs_read_all(fs, "data/ab/file one.bin", 100, &sb, &err), &err);
    CHECK_STR(sb_str(&sb), "short");
    sb_free(&sb);
    CHECK_OK(fs_probe(fs, false, &err), &err);
    CHECK_OK(fs_remove(fs, "data/ab/file one.bin", &err), &err);
    CHECK_OK(fs_remove(fs, "data/ab/file one.bin", &err), &err);
    CHECK(fs_open_read(fs, "data/ab/file one.bin", &r, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_FS_NOT_FOUND);
    CHECK(strstr(err.msg,
                 "FileNotFoundException: File does not exist: /repo/data/ab/file one.bin") != NULL);
    fs_free(fs);
}

TEST(listing_in_batches_and_remove_prefix) {
    Fs *fs = open_hdfs("cairn", NULL, 0);
    Error err = ERROR_INIT;
    char path[64];
    for (int i = 0; i < 10; i++) {
        snprintf(path, sizeof path, "l/d%d/f%d", i % 4, i);
        CHECK_OK(fs_write_all(fs, path, "1234", 4, &err), &err);
    }
    LiveCount c = {0};
    CHECK_OK(fs_list(fs, "l", true, fs_live_count_cb, &c, &err), &err);
    CHECK_INT(c.files, 10);
    CHECK_INT(c.bytes, 40);
    memset(&c, 0, sizeof c);
    CHECK_OK(fs_list(fs, "l", false, fs_live_count_cb, &c, &err), &err);
    CHECK_INT(c.dirs, 4);
    CHECK_INT(c.files, 0);
    /* an aborted writer leaves nothing, not even its temp file */
    FsWriter *w;
    CHECK_OK(fs_open_write(fs, "l/d0/aborted", &w, &err), &err);
    char buf[100000] = {0};
    CHECK_OK(fs_write(w, buf, sizeof buf, &err), &err); /* one chunk already sent */
    fs_writer_abort(w);
    memset(&c, 0, sizeof c);
    CHECK_OK(fs_list(fs, "l/d0", true, fs_live_count_cb, &c, &err), &err);
    CHECK_INT(c.files, 3);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ls -A %s/repo/l/d0 | wc -l", fs_live_env("CAIRN_WEBHDFS_ROOT"));
    FILE *p = popen(cmd, "r");
    int files = -1;
    CHECK(fscanf(p, "%d", &files) == 1);
    pclose(p);
    CHECK_INT(files, 3);
    CHECK_OK(fs_remove_prefix(fs, "l/d1", &err), &err);
    memset(&c, 0, sizeof c);
    CHECK_OK(fs_list(fs, "l", true, fs_live_count_cb, &c, &err), &err);
    CHECK_INT(c.files, 7);
    memset(&c, 0, sizeof c);
    CHECK_OK(fs_list(fs, "nothing", true, fs_live_count_cb, &c, &err), &err);
    CHECK_INT(c.files, 0);
    fs_free(fs);
}

TEST(remote_exceptions_become_clear_errors) {
    Error err = ERROR_INIT;
    Fs *fs = open_hdfs("mallory", NULL, 0);
    fs_set_label(fs, "hdfs_repo");
    CHECK(fs_write_all(fs, "x", "1", 1, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_FS_AUTH);
    char want[512];
    snprintf(want, sizeof want,
             "Repository 'hdfs_repo': cannot write hdfs://127.0.0.1:8020/repo/x: HTTP 403 "
             "AccessControlException: Permission denied: user=mallory");
    CHECK(strncmp(err.msg, want, strlen(want)) == 0);
    CHECK(strstr(err.msg, "(check the 'username' property and the path's HDFS permissions)") !=
          NULL);
    fs_free(fs);
    fs = open_hdfs(NULL, NULL, 0);
    CHECK(fs_write_all(fs, "x", "1", 1, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_FS_AUTH);
    CHECK(strstr(err.msg, "HTTP 401 SecurityException") != NULL);
    CHECK(strstr(err.msg, "set the 'username' property") != NULL);
    fs_free(fs);
    FsProp krb[] = {{"hadoop.security.authentication", "kerberos"}};
    CHECK(fs_open(location, krb, 1, &fs, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_NOT_SUPPORTED);
    /* a namenode that is not there: transient, retried, folded */
    FsProp dead[] = {{"dfs.namenode.http-address", "127.0.0.1:1"},
                     {"username", "cairn"},
                     {"fs.retry.max_attempts", "2"},
                     {"fs.retry.base_delay_ms", "5"}};
    CHECK_OK(fs_open("hdfs://127.0.0.1:8020/repo", dead, 4, &fs, &err), &err);
    FsStat st;
    CHECK(fs_stat(fs, "x", &st, &err) == STATUS_ERROR);
    CHECK_INT(err.code, ERR_FS_TRANSIENT);
    CHECK(strstr(err.msg, "cannot stat hdfs://127.0.0.1:8020/repo/x: cannot reach GET "
                          "http://127.0.0.1:1/webhdfs/v1/repo/x") != NULL);
    CHECK(strstr(err.msg, "failed 2 attempts") != NULL);
    fs_free(fs);
}

TEST(retriable_exceptions_are_retried) {
    Fs *fs = open_hdfs("alice", NULL, 0);
    Error err = ERROR_INIT;
    char url[300];
    snprintf(url, sizeof url, "http://%s/__fault", fs_live_env("CAIRN_WEBHDFS"));
    fs_live_post(url, "{\"op\":\"CREATE\",\"status\":503,\"times\":2}");
    char sha[65], back[65];
    CHECK_OK(fs_live_put(fs, "retry/file", 200000, 9, sha, &err), &err);
    fs_live_post(url, "{\"op\":\"APPEND\",\"status\":500,\"times\":1}");
    CHECK_OK(fs_live_put(fs, "retry/file2", 200000, 10, sha, &err), &err);
    int64_t size;
    CHECK_OK(fs_live_get(fs, "retry/file2", &size, back, &err), &err);
    CHECK_INT(size, 200000);
    CHECK_STR(back, sha);
    fs_live_post(url, "");
    fs_free(fs);
}

int main(int argc, char **argv) {
    fs_live_ensure("CAIRN_WEBHDFS", "webhdfs", argv);
    snprintf(location, sizeof location, "hdfs://127.0.0.1:8020/repo/");
    RUN(write_read_stat_list_remove);
    RUN(listing_in_batches_and_remove_prefix);
    RUN(remote_exceptions_become_clear_errors);
    RUN(retriable_exceptions_are_retried);
    TEST_EXIT();
}
