/* The process-wide counters (see status.h). */
#include "server/status.h"

#include "util/clock.h"

ServerStatus server_status;
int64_t (*server_tablet_count_fn)(void);

int64_t server_uptime_seconds(void) {
    int64_t start = atomic_load(&server_status.start_ms);
    return start > 0 ? (clock_now_ms() - start) / 1000 : 0;
}
