/* cairnd: process start, configuration, signals. Parses the command line into the configuration, starts
 * the modules (server/modules.c), waits for SIGTERM or SIGINT, and stops the modules in reverse order.
 * Signals are blocked in every thread and taken synchronously here, so no handler runs inside a module. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "server/modules.h"
#include "server/options.h"
#include "server/version.h"
#include "util/log.h"

int main(int argc, char **argv) {
    Error err = ERROR_INIT;
    OptionsAction action;
    if (options_parse(argc, argv, &action, &err)) {
        fprintf(stderr, "cairnd: %s\n", err.msg);
        return 2;
    }
    if (action == OPTIONS_HELP) {
        fputs(options_usage(), stdout);
        return 0;
    }
    if (action == OPTIONS_VERSION) {
        printf("cairnd %s (MySQL protocol version %s)\n", CAIRN_VERSION, CAIRN_MYSQL_VERSION);
        return 0;
    }

    /* Block before any thread exists: every thread inherits the mask, only sigwait below sees them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (modules_start(&err)) {
        fprintf(stderr, "cairnd: %s\n", err.msg);
        return 1;
    }
    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0) continue;
        if (sig == SIGHUP) {
            log_info("SIGHUP ignored (change settings with ADMIN SET FRONTEND CONFIG or restart)");
            continue;
        }
        log_info("%s received: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        break;
    }
    modules_stop();
    return 0;
}
