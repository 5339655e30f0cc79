/* Configuration: conf/cairn.conf (`key = value`, `#` comments) overridden by command-line flags.
 * Every key cairn understands is declared once in config_keys.def with its default and meaning;
 * an unknown key in the file is reported (not silently ignored). Values are read-mostly: set at start,
 * or at run time by ADMIN SET FRONTEND CONFIG for keys marked mutable. Thread-safe. */
#ifndef CAIRN_SERVER_CONFIG_H
#define CAIRN_SERVER_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

/* Loads a config file. Unknown keys and malformed lines are errors naming the file and line. */
Status config_load_file(const char *path, Error *err) MUST_CHECK;
/* Sets one key (flags, ADMIN SET FRONTEND CONFIG). Unknown key or bad value: error. */
Status config_set(const char *key, const char *value, Error *err) MUST_CHECK;
/* Current value (the default when unset). Unknown key: NULL. The pointer stays valid until the key changes. */
const char *config_get(const char *key);
int64_t config_get_int(const char *key);
bool config_get_bool(const char *key);
/* Iterates keys in declaration order (ADMIN SHOW FRONTEND CONFIG). */
void config_each(void (*fn)(void *ctx, const char *key, const char *value, const char *doc, bool mutable_), void *ctx);
void config_reset_all(void); /* tests */
/* Sets a key at run time (ADMIN SET FRONTEND CONFIG): like config_set, but keys not marked mutable are refused. */
Status config_set_runtime(const char *key, const char *value, Error *err) MUST_CHECK;
/* "STR", "INT" or "BOOL" for a declared key; NULL for an unknown one. */
const char *config_type_name(const char *key);
bool config_is_mutable(const char *key);
/* Calls fn(value) after every later successful change of `key` (e.g. log_level re-applies the level).
 * Up to 32 watchers in all; register them at start-up, before serving. */
void config_watch(const char *key, void (*fn)(const char *value));

#endif
