/* Retries for remote storage: one layer every remote request goes through. Retries only what is
 * retryable (ERR_FS_TRANSIENT: 5xx, SlowDown, resets, timeouts) with jittered exponential backoff
 * bounded by attempts and total time; never auth or not-found errors. All attempts fold into one
 * message (pgBackRest's ErrorRetry). */
#ifndef CAIRN_FS_RETRY_H
#define CAIRN_FS_RETRY_H

#include <stdint.h>

#include "fs/fs.h"

typedef struct FsRetryPolicy {
    int max_attempts;  /* >= 1 */
    int base_delay_ms; /* first backoff; doubles each time */
    int max_delay_ms;  /* cap on one backoff */
    int total_ms;      /* no new attempt starts after this much time */
} FsRetryPolicy;

/* Defaults: 6 attempts, 200 ms base, 10 s cap, 120 s total. */
void fs_retry_policy_default(FsRetryPolicy *p);
/* Overrides from properties fs.retry.max_attempts, fs.retry.base_delay_ms, fs.retry.max_delay_ms,
 * fs.retry.total_ms. */
Status fs_retry_policy_from_props(FsRetryPolicy *p, const FsProp *props, int nprops,
                                  Error *err) MUST_CHECK;

typedef Status (*FsAttemptFn)(void *ctx, Error *err);

/* Runs fn until it succeeds, fails with a non-retryable error, or the policy is spent. On final
 * failure err holds the last attempt's message followed by the earlier ones. */
Status fs_retry_run(const FsRetryPolicy *p, FsAttemptFn fn, void *ctx, Error *err) MUST_CHECK;

/* Process-wide count of retried attempts (for tests and /metrics). */
int64_t fs_retry_count(void);

#endif
