/* Configuration store: a fixed table of declared keys (config_keys.def) with current values. */
#include "server/config.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

typedef enum { CT_STR, CT_INT, CT_BOOL } ConfType;

typedef struct ConfKey {
    const char *name;
    const char *dflt;
    ConfType type;
    bool mutable_;
    const char *doc;
    char *value; /* malloc'd when set; NULL = default */
} ConfKey;

static ConfKey keys[] = {
#define CONFIG_KEY(name, dflt, type, mut, doc) {name, dflt, CT_##type, mut, doc, NULL},
#include "server/config_keys.def"
#undef CONFIG_KEY
};
#define NKEYS (sizeof keys / sizeof keys[0])

static pthread_rwlock_t conf_lock = PTHREAD_RWLOCK_INITIALIZER;

/* Change watchers; filled at start-up before threads exist, read-only afterwards. */
#define MAX_WATCHERS 32
static struct {
    const char *key;
    void (*fn)(const char *value);
} watchers[MAX_WATCHERS];
static int nwatchers;

/* Superseded values, kept reachable for the life of the process (a few bytes per run-time change).
 * Guarded by conf_lock (write side). */
static char **retired;
static size_t nretired, cap_retired;

static void retire(char *value) {
    if (!value) return;
    if (nretired == cap_retired) {
        cap_retired = cap_retired ? cap_retired * 2 : 16;
        retired = realloc(retired, cap_retired * sizeof *retired);
    }
    retired[nretired++] = value;
}

static ConfKey *find(const char *name) {
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].name, name)) return &keys[i];
    return NULL;
}

static Status check_value(const ConfKey *k, const char *value, Error *err) {
    int64_t iv;
    bool bv;
    if (k->type == CT_INT && !str_to_int64(value, &iv))
        return err_set(err, ERR_INVALID_ARGUMENT, "config %s: '%s' is not an integer", k->name, value);
    if (k->type == CT_BOOL && !str_to_bool(value, &bv))
        return err_set(err, ERR_INVALID_ARGUMENT, "config %s: '%s' is not true or false", k->name, value);
    return STATUS_OK;
}

Status config_set(const char *key, const char *value, Error *err) {
    ConfKey *k = find(key);
    if (!k) return err_set(err, ERR_INVALID_ARGUMENT, "unknown config key '%s'", key);
    if (check_value(k, value, err)) return STATUS_ERROR;
    pthread_rwlock_wrlock(&conf_lock);
    /* config_get hands out pointers that readers may still hold: the old value is retired, not freed */
    retire(k->value);
    k->value = strdup(value);
    pthread_rwlock_unlock(&conf_lock);
    for (int i = 0; i < nwatchers; i++)
        if (!strcmp(watchers[i].key, k->name)) watchers[i].fn(k->value);
    return STATUS_OK;
}

Status config_set_runtime(const char *key, const char *value, Error *err) {
    ConfKey *k = find(key);
    if (!k) return err_set(err, ERR_INVALID_ARGUMENT, "Config '%s' does not exist", key);
    if (!k->mutable_)
        return err_set(err, ERR_INVALID_ARGUMENT,
                       "Config '%s' is not mutable at run time: set it in conf/cairn.conf and restart", key);
    return config_set(key, value, err);
}

const char *config_type_name(const char *key) {
    static const char *names[] = {"STR", "INT", "BOOL"};
    ConfKey *k = find(key);
    return k ? names[k->type] : NULL;
}

bool config_is_mutable(const char *key) {
    ConfKey *k = find(key);
    return k && k->mutable_;
}

void config_watch(const char *key, void (*fn)(const char *value)) {
    if (nwatchers < MAX_WATCHERS) {
        watchers[nwatchers].key = key;
        watchers[nwatchers].fn = fn;
        nwatchers++;
    }
}

static char *trim(char *s) {
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
    return s;
}

Status config_load_file(const char *path, Error *err) {
    FILE *f = fopen(path, "r");
    if (!f) return err_set(err, ERR_IO, "cannot open config file %s: %s", path, strerror(errno));
    char line[4096];
    int lineno = 0;
    Status st = STATUS_OK;
    while (!st && fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        char *s = trim(line);
        if (!*s) continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            st = err_set(err, ERR_INVALID_ARGUMENT, "%s:%d: expected `key = value`, got '%s'", path, lineno, s);
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        size_t vn = strlen(value);
        if (vn >= 2 && value[0] == '"' && value[vn - 1] == '"') {
            value[vn - 1] = '\0';
            value++;
        }
        if (!find(key)) {
            st = err_set(err, ERR_INVALID_ARGUMENT, "%s:%d: unknown config key '%s'", path, lineno, key);
            break;
        }
        if (config_set(key, value, err)) st = err_prefix(err, "%s:%d: ", path, lineno);
    }
    fclose(f);
    return st;
}

const char *config_get(const char *key) {
    ConfKey *k = find(key);
    if (!k) return NULL;
    pthread_rwlock_rdlock(&conf_lock);
    const char *v = k->value ? k->value : k->dflt;
    pthread_rwlock_unlock(&conf_lock);
    return v;
}

int64_t config_get_int(const char *key) {
    const char *v = config_get(key);
    int64_t n = 0;
    if (v) str_to_int64(v, &n);
    return n;
}

bool config_get_bool(const char *key) {
    const char *v = config_get(key);
    bool b = false;
    if (v) str_to_bool(v, &b);
    return b;
}

void config_each(void (*fn)(void *ctx, const char *key, const char *value, const char *doc, bool mutable_), void *ctx) {
    for (size_t i = 0; i < NKEYS; i++) fn(ctx, keys[i].name, config_get(keys[i].name), keys[i].doc, keys[i].mutable_);
}

void config_reset_all(void) {
    pthread_rwlock_wrlock(&conf_lock);
    for (size_t i = 0; i < NKEYS; i++) {
        retire(keys[i].value);
        keys[i].value = NULL;
    }
    pthread_rwlock_unlock(&conf_lock);
}
