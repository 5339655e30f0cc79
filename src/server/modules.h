/* Module start-up and shut-down: the ONE place that initialises cairnd's modules in order
 * (config -> lock -> log -> catalog -> storage -> jobs -> http -> mysql) and stops them in reverse. */
#ifndef CAIRN_SERVER_MODULES_H
#define CAIRN_SERVER_MODULES_H

#include "util/error.h"

/* Starts every module in order (the configuration is already loaded). On failure the modules already
 * started are stopped again and the error names the module. */
Status modules_start(Error *err) MUST_CHECK;
/* Stops every started module in reverse order. */
void modules_stop(void);

#endif
