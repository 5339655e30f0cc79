/* The retry layer: jittered exponential backoff ("full jitter": sleep a random time up to the
 * current cap) so many workers hitting a throttled store spread out instead of retrying in
 * lockstep. */
#include "fs/retry.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/str.h"

static _Atomic int64_t retry_total;

void fs_retry_policy_default(FsRetryPolicy *p) {
    p->max_attempts = 6;
    p->base_delay_ms = 200;
    p->max_delay_ms = 10000;
    p->total_ms = 120000;
}

static Status int_prop(const FsProp *props, int nprops, const char *key, int lo, int *out, Error *err) {
    int64_t n = *out;
    if (fs_prop_int(props, nprops, key, lo, 100000000, &n, err)) return STATUS_ERROR;
    *out = (int)n;
    return STATUS_OK;
}

Status fs_retry_policy_from_props(FsRetryPolicy *p, const FsProp *props, int nprops, Error *err) {
    if (int_prop(props, nprops, "fs.retry.max_attempts", 1, &p->max_attempts, err) ||
        int_prop(props, nprops, "fs.retry.base_delay_ms", 0, &p->base_delay_ms, err) ||
        int_prop(props, nprops, "fs.retry.max_delay_ms", 0, &p->max_delay_ms, err) ||
        int_prop(props, nprops, "fs.retry.total_ms", 0, &p->total_ms, err))
        return STATUS_ERROR;
    return STATUS_OK;
}

/* A small thread-safe PRNG for jitter; quality does not matter, independence between threads does.
 */
static uint64_t jitter_next(void) {
    static _Atomic uint64_t state = 0x9E3779B97F4A7C15ull;
    uint64_t x = atomic_fetch_add(&state, 0x9E3779B97F4A7C15ull) ^ (uint64_t)clock_mono_ns();
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    return x;
}

Status fs_retry_run(const FsRetryPolicy *p, FsAttemptFn fn, void *ctx, Error *err) {
    int64_t start = clock_mono_ns();
    char history[ERROR_MSG_MAX] = "";
    size_t hlen = 0;
    int max = p->max_attempts < 1 ? 1 : p->max_attempts;
    int64_t cap = p->base_delay_ms;
    for (int attempt = 1;; attempt++) {
        Error e = ERROR_INIT;
        if (fn(ctx, &e) == STATUS_OK) return STATUS_OK;
        int64_t elapsed_ms = (clock_mono_ns() - start) / 1000000;
        bool again = err_is_retryable(&e) && attempt < max && elapsed_ms < p->total_ms;
        if (!again) {
            if (attempt == 1) return err_copy(err, &e);
            /* Fold: the last failure first (it is what the caller acts on), then the earlier ones.
             */
            err_set(err, e.code, "%s (failed %d attempts over %.1f s; earlier: %s)", e.msg, attempt,
                    (double)elapsed_ms / 1000.0, history);
            return STATUS_ERROR;
        }
        atomic_fetch_add(&retry_total, 1);
        if (hlen < sizeof history - 1) {
            int w = snprintf(history + hlen, sizeof history - hlen, "%s%d: %.200s",
                             hlen ? "; " : "", attempt, e.msg);
            if (w > 0)
                hlen += (size_t)w < sizeof history - hlen ? (size_t)w : sizeof history - hlen - 1;
        }
        int64_t delay = cap > 0 ? (int64_t)(jitter_next() % (uint64_t)(cap + 1)) : 0;
        /* Never sleep past the total budget. */
        int64_t left = p->total_ms - elapsed_ms;
        if (delay > left) delay = left > 0 ? left : 0;
        if (delay > 0) clock_sleep_ms(delay);
        cap = cap * 2 > p->max_delay_ms ? p->max_delay_ms : cap * 2;
        if (cap < 1 && p->base_delay_ms > 0) cap = 1;
    }
}

int64_t fs_retry_count(void) {
    return atomic_load(&retry_total);
}
