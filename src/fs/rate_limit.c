/* A token bucket shared by threads: tokens refill at `rate` bytes/s up to `burst`; a caller takes
 * its tokens and, if the bucket went negative, sleeps until the debt is repaid. Taking before
 * sleeping keeps the order fair enough and means concurrent callers share the rate instead of each
 * getting it. */
#include <pthread.h>
#include <stdlib.h>

#include "fs/io_filter.h"
#include "util/clock.h"

struct RateLimiter {
    pthread_mutex_t mu; /* guards everything below */
    int64_t rate;       /* bytes per second; 0 = unlimited */
    int64_t burst;
    int64_t burst_cfg;
    double tokens;
    int64_t last_ns;
};

static int64_t burst_for(int64_t rate, int64_t cfg) {
    if (cfg > 0) return cfg;
    int64_t b = rate / 4;
    return b < 65536 ? 65536 : b;
}

RateLimiter *rate_limiter_new(int64_t bytes_per_sec, int64_t burst_bytes) {
    RateLimiter *rl = calloc(1, sizeof *rl);
    if (!rl) abort();
    pthread_mutex_init(&rl->mu, NULL);
    rl->rate = bytes_per_sec > 0 ? bytes_per_sec : 0;
    rl->burst_cfg = burst_bytes;
    rl->burst = burst_for(rl->rate, burst_bytes);
    rl->tokens = (double)rl->burst;
    rl->last_ns = clock_mono_ns();
    return rl;
}

void rate_limiter_free(RateLimiter *rl) {
    if (!rl) return;
    pthread_mutex_destroy(&rl->mu);
    free(rl);
}

void rate_limiter_set_rate(RateLimiter *rl, int64_t bytes_per_sec) {
    pthread_mutex_lock(&rl->mu);
    rl->rate = bytes_per_sec > 0 ? bytes_per_sec : 0;
    rl->burst = burst_for(rl->rate, rl->burst_cfg);
    if (rl->tokens > (double)rl->burst) rl->tokens = (double)rl->burst;
    pthread_mutex_unlock(&rl->mu);
}

void rate_limiter_acquire(RateLimiter *rl, int64_t n) {
    if (!rl || n <= 0) return;
    pthread_mutex_lock(&rl->mu);
    if (rl->rate == 0) {
        pthread_mutex_unlock(&rl->mu);
        return;
    }
    int64_t now = clock_mono_ns();
    rl->tokens += (double)(now - rl->last_ns) * (double)rl->rate / 1e9;
    if (rl->tokens > (double)rl->burst) rl->tokens = (double)rl->burst;
    rl->last_ns = now;
    rl->tokens -= (double)n;
    double debt = -rl->tokens;
    int64_t rate = rl->rate;
    pthread_mutex_unlock(&rl->mu);
    if (debt > 0) {
        int64_t ms = (int64_t)(debt * 1000.0 / (double)rate);
        if (ms > 0) clock_sleep_ms(ms);
    }
}
