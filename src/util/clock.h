/* Time: wall clock in ms/us since the epoch, a monotonic clock, and the formats SHOW statements print. */
#ifndef CAIRN_UTIL_CLOCK_H
#define CAIRN_UTIL_CLOCK_H

#include <stddef.h>
#include <stdint.h>

int64_t clock_now_ms(void);   /* wall clock, ms since epoch */
int64_t clock_now_us(void);   /* wall clock, us since epoch */
int64_t clock_mono_ns(void);  /* monotonic, ns */
void clock_sleep_ms(int64_t ms);
/* "yyyy-MM-dd HH:mm:ss" in local time; ms <= 0 gives "NULL". buf >= 24 bytes. */
const char *clock_format_datetime(int64_t ms, char *buf, size_t n);
/* "yyyy-MM-dd-HH-mm-ss-SSS" (a snapshot timestamp) in local time. buf >= 24 bytes. */
const char *clock_format_snapshot_ts(int64_t ms, char *buf, size_t n);

#endif
