/* Command-line options of cairnd. `--conf FILE` is read first, then every other flag overrides it:
 * --data-dir, --mysql-port, --http-port, --bind, and the generic --set key=value for any config key. */
#ifndef CAIRN_SERVER_OPTIONS_H
#define CAIRN_SERVER_OPTIONS_H

#include <stdbool.h>

#include "util/error.h"

typedef enum OptionsAction { OPTIONS_SERVE, OPTIONS_HELP, OPTIONS_VERSION } OptionsAction;

/* Applies argv to the configuration (config.h). Unknown flags, unknown keys and bad values are errors
 * naming the flag. *action tells main whether to serve or just print help/version. */
Status options_parse(int argc, char **argv, OptionsAction *action, Error *err) MUST_CHECK;
/* The --help text. */
const char *options_usage(void);

#endif
