/* cairnd's configuration path: the config file parser, command-line flags (file first, flags win),
 * run-time changes (ADMIN SET FRONTEND CONFIG semantics), change watchers, and the data dir lock. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server/config.h"
#include "server/lockfile.h"
#include "server/options.h"
#include "test.h"

static char tmpdir[] = "/tmp/cairn-server-test-XXXXXX";

static const char *write_file(const char *name, const char *text) {
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static Status parse(OptionsAction *action, Error *err, int argc, ...) {
    char *argv[32];
    va_list ap;
    va_start(ap, argc);
    argv[0] = "cairnd";
    for (int i = 1; i < argc; i++) argv[i] = va_arg(ap, char *);
    va_end(ap);
    return options_parse(argc, argv, action, err);
}

TEST(defaults) {
    config_reset_all();
    CHECK_STR(config_get("data_dir"), "./cairn-data");
    CHECK_INT(config_get_int("mysql_port"), 9030);
    CHECK_INT(config_get_int("http_port"), 8030);
    CHECK_STR(config_get("bind"), "127.0.0.1");
    CHECK(config_get_bool("log_to_stderr"));
    CHECK(config_get("no_such_key") == NULL);
}

TEST(file_then_flags) {
    config_reset_all();
    const char *conf = write_file("a.conf", "# comment\n\nmysql_port = 9100   # trailing comment\n"
                                           "data_dir = \"/tmp/x y\"\nhttp_port=8100\nlog_level = debug\n");
    OptionsAction action;
    Error err = ERROR_INIT;
    /* flags win over the file whatever their order on the command line */
    CHECK_OK(parse(&action, &err, 8, "--mysql-port", "9200", "--conf", conf, "--set", "log_level = warn",
                   "--bind=0.0.0.0"),
             &err);
    CHECK_INT(action, OPTIONS_SERVE);
    CHECK_INT(config_get_int("mysql_port"), 9200);
    CHECK_INT(config_get_int("http_port"), 8100);
    CHECK_STR(config_get("data_dir"), "/tmp/x y");
    CHECK_STR(config_get("log_level"), "warn");
    CHECK_STR(config_get("bind"), "0.0.0.0");
}

TEST(errors_name_the_culprit) {
    config_reset_all();
    OptionsAction action;
    Error err = ERROR_INIT;
    const char *bad = write_file("bad.conf", "mysql_port = 9030\nmax_conections = 5\n");
    CHECK(parse(&action, &err, 3, "--conf", bad) == STATUS_ERROR);
    char want[600];
    snprintf(want, sizeof want, "%s:2: unknown config key 'max_conections'", bad);
    CHECK_STR(err.msg, want);

    const char *noeq = write_file("noeq.conf", "mysql_port 9030\n");
    CHECK(parse(&action, &err, 3, "--conf", noeq) == STATUS_ERROR);
    snprintf(want, sizeof want, "%s:1: expected `key = value`, got 'mysql_port 9030'", noeq);
    CHECK_STR(err.msg, want);

    CHECK(parse(&action, &err, 3, "--mysql-port", "ninety") == STATUS_ERROR);
    CHECK_STR(err.msg, "--mysql-port: config mysql_port: 'ninety' is not an integer");
    CHECK(parse(&action, &err, 2, "--frobnicate") == STATUS_ERROR);
    CHECK_STR(err.msg, "unknown option '--frobnicate' (see cairnd --help)");
    CHECK(parse(&action, &err, 3, "--set", "nokey") == STATUS_ERROR);
    CHECK_STR(err.msg, "--set expects key=value, got 'nokey'");
    CHECK(parse(&action, &err, 3, "--set", "nope=1") == STATUS_ERROR);
    CHECK_STR(err.msg, "--set: unknown config key 'nope'");
    CHECK(parse(&action, &err, 2, "--data-dir") == STATUS_ERROR);
    CHECK_STR(err.msg, "--data-dir needs a value (see cairnd --help)");
    CHECK(parse(&action, &err, 3, "--conf", "/nonexistent/cairn.conf") == STATUS_ERROR);
    CHECK_STR(err.msg, "cannot open config file /nonexistent/cairn.conf: No such file or directory");
}

TEST(help_and_version) {
    OptionsAction action;
    Error err = ERROR_INIT;
    CHECK_OK(parse(&action, &err, 3, "--data-dir", "x"), &err);
    CHECK_INT(action, OPTIONS_SERVE);
    CHECK_OK(parse(&action, &err, 2, "--help"), &err);
    CHECK_INT(action, OPTIONS_HELP);
    CHECK_OK(parse(&action, &err, 2, "--version"), &err);
    CHECK_INT(action, OPTIONS_VERSION);
    CHECK(strstr(options_usage(), "--set key=value") != NULL);
}

static char watched[64];
static int watch_calls;
static void on_level(const char *value) {
    snprintf(watched, sizeof watched, "%s", value);
    watch_calls++;
}

TEST(runtime_changes) {
    config_reset_all();
    Error err = ERROR_INIT;
    config_watch("log_level", on_level);
    CHECK_OK(config_set_runtime("log_level", "debug", &err), &err);
    CHECK_STR(watched, "debug");
    CHECK_INT(watch_calls, 1);
    CHECK_OK(config_set_runtime("max_connections", "7", &err), &err);
    CHECK_INT(config_get_int("max_connections"), 7);
    CHECK_INT(watch_calls, 1);
    CHECK(config_set_runtime("mysql_port", "1", &err) == STATUS_ERROR);
    CHECK_STR(err.msg, "Config 'mysql_port' is not mutable at run time: set it in conf/cairn.conf and restart");
    CHECK(config_set_runtime("nope", "1", &err) == STATUS_ERROR);
    CHECK_STR(err.msg, "Config 'nope' does not exist");
    CHECK(config_set_runtime("compaction_enabled", "maybe", &err) == STATUS_ERROR);
    CHECK_STR(err.msg, "config compaction_enabled: 'maybe' is not true or false");
    CHECK_STR(config_type_name("max_connections"), "INT");
    CHECK_STR(config_type_name("compaction_enabled"), "BOOL");
    CHECK_STR(config_type_name("bind"), "STR");
    CHECK(config_type_name("nope") == NULL);
    CHECK(config_is_mutable("max_connections"));
    CHECK(!config_is_mutable("data_dir"));
}

TEST(data_dir_lock) {
    char dir[600];
    snprintf(dir, sizeof dir, "%s/nested/data", tmpdir);
    Error err = ERROR_INIT;
    CHECK_OK(lockfile_acquire(dir, &err), &err);
    char path[700], pid[32];
    snprintf(path, sizeof path, "%s/cairnd.lock", dir);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (f) {
        CHECK(fgets(pid, sizeof pid, f) != NULL);
        fclose(f);
        CHECK_INT(atol(pid), getpid());
    }
    /* flock conflicts between two open files even in one process: this stands in for a second cairnd */
    pid_t child = fork();
    if (child == 0) {
        Error e2 = ERROR_INIT;
        if (lockfile_acquire(dir, &e2) == STATUS_OK) _exit(3);
        char want[1200];
        snprintf(want, sizeof want,
                 "data dir %s is in use by another cairnd (pid %d, lock file %s): stop that server first or "
                 "start this one with another --data-dir",
                 dir, (int)getppid(), path);
        _exit(strcmp(e2.msg, want) == 0 ? 0 : 4);
    }
    int status;
    waitpid(child, &status, 0);
    CHECK_INT(WEXITSTATUS(status), 0);
    lockfile_release();
    child = fork();
    if (child == 0) {
        Error e3 = ERROR_INIT;
        _exit(lockfile_acquire(dir, &e3) == STATUS_OK ? 0 : 5);
    }
    waitpid(child, &status, 0);
    CHECK_INT(WEXITSTATUS(status), 0);
}

/* Every key in config_keys.def is described in docs/configuration.md (as `key` in a table row). */
static char *doc_text;
static int undocumented;
static void check_doc(void *ctx, const char *key, const char *value, const char *doc, bool mutable_) {
    char needle[160];
    snprintf(needle, sizeof needle, "| `%s` |", key);
    if (!doc_text || !strstr(doc_text, needle)) {
        fprintf(stderr, "  docs/configuration.md does not describe config key '%s'\n", key);
        undocumented++;
    }
}

TEST(every_key_documented) {
    const char *root = getenv("CAIRN_ROOT") ? getenv("CAIRN_ROOT") : ".";
    char path[512];
    snprintf(path, sizeof path, "%s/docs/configuration.md", root);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f) return;
    doc_text = calloc(1, 1 << 20);
    size_t n = fread(doc_text, 1, (1 << 20) - 1, f);
    doc_text[n] = '\0';
    fclose(f);
    undocumented = 0;
    config_each(check_doc, NULL);
    CHECK_INT(undocumented, 0);
    free(doc_text);
}

int main(void) {
    if (!mkdtemp(tmpdir)) return 1;
    RUN(defaults);
    RUN(file_then_flags);
    RUN(errors_name_the_culprit);
    RUN(help_and_version);
    RUN(runtime_changes);
    RUN(data_dir_lock);
    RUN(every_key_documented);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    TEST_EXIT();
}
