/* Command-line parsing for cairnd (see options.h). Two passes: find --conf and load it, then apply the
 * remaining flags in order so the command line always wins over the file. */
#include "server/options.h"

#include <string.h>

#include "server/config.h"

static const struct {
    const char *flag; /* --flag */
    const char *key;  /* config key it sets; NULL = handled specially */
} flag_keys[] = {
    {"--conf", NULL},
    {"--set", NULL},
    {"--data-dir", "data_dir"},
    {"--mysql-port", "mysql_port"},
    {"--http-port", "http_port"},
    {"--bind", "bind"},
};

const char *options_usage(void) {
    return "usage: cairnd [--conf FILE] [--data-dir DIR] [--mysql-port N] [--http-port N] [--bind ADDR]\n"
           "              [--set key=value ...] [--help] [--version]\n"
           "  --conf FILE        read `key = value` lines from FILE first (see docs/configuration.md)\n"
           "  --data-dir DIR     metadata, data, logs and the lock file (default ./cairn-data)\n"
           "  --mysql-port N     MySQL protocol port (default 9030)\n"
           "  --http-port N      HTTP port for Stream Load, /metrics and /api (default 8030)\n"
           "  --bind ADDR        address both ports listen on (default 127.0.0.1)\n"
           "  --set key=value    any configuration key; repeatable\n";
}

/* Splits "--flag=value" or "--flag value"; advances *i past the value. */
static Status flag_value(int argc, char **argv, int *i, const char *flag, const char **value, Error *err) {
    const char *arg = argv[*i];
    size_t n = strlen(flag);
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return STATUS_OK;
    }
    if (*i + 1 >= argc) return err_set(err, ERR_INVALID_ARGUMENT, "%s needs a value (see cairnd --help)", flag);
    *value = argv[++*i];
    return STATUS_OK;
}

/* Which known flag `arg` is (exact "--flag" or "--flag=..."); -1 when none. */
static int match_flag(const char *arg) {
    for (size_t f = 0; f < sizeof flag_keys / sizeof flag_keys[0]; f++) {
        size_t n = strlen(flag_keys[f].flag);
        if (!strncmp(arg, flag_keys[f].flag, n) && (arg[n] == '\0' || arg[n] == '=')) return (int)f;
    }
    return -1;
}

Status options_parse(int argc, char **argv, OptionsAction *action, Error *err) {
    *action = OPTIONS_SERVE;
    /* Pass 1: help/version and the config file. */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            *action = OPTIONS_HELP;
            return STATUS_OK;
        }
        if (!strcmp(argv[i], "--version")) {
            *action = OPTIONS_VERSION;
            return STATUS_OK;
        }
        int f = match_flag(argv[i]);
        if (f < 0) return err_set(err, ERR_INVALID_ARGUMENT, "unknown option '%s' (see cairnd --help)", argv[i]);
        const char *value;
        if (flag_value(argc, argv, &i, flag_keys[f].flag, &value, err)) return STATUS_ERROR;
        if (!strcmp(flag_keys[f].flag, "--conf") && config_load_file(value, err)) return STATUS_ERROR;
    }
    /* Pass 2: every other flag, in order. */
    for (int i = 1; i < argc; i++) {
        int f = match_flag(argv[i]);
        const char *value;
        if (flag_value(argc, argv, &i, flag_keys[f].flag, &value, err)) return STATUS_ERROR;
        if (flag_keys[f].key) {
            if (config_set(flag_keys[f].key, value, err)) return err_prefix(err, "%s: ", flag_keys[f].flag);
        } else if (!strcmp(flag_keys[f].flag, "--set")) {
            const char *eq = strchr(value, '=');
            if (!eq || eq == value)
                return err_set(err, ERR_INVALID_ARGUMENT, "--set expects key=value, got '%s'", value);
            char key[128];
            size_t kn = (size_t)(eq - value);
            if (kn >= sizeof key) return err_set(err, ERR_INVALID_ARGUMENT, "--set: key too long in '%s'", value);
            memcpy(key, value, kn);
            key[kn] = '\0';
            while (kn > 0 && key[kn - 1] == ' ') key[--kn] = '\0';
            const char *v = eq + 1;
            while (*v == ' ') v++;
            if (config_set(key, v, err)) return err_prefix(err, "--set: ");
        }
    }
    return STATUS_OK;
}
