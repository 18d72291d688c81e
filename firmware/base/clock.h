/* clock.h — the monotonic clock, read one way everywhere.
 *
 * Owns nothing. Time-outs, polls and measured figures all use
 * CLOCK_MONOTONIC, which neither the center's time zone nor a clock
 * correction can move; wall-clock time (the center's hours, certificate
 * validity) is read where it is needed, never through this header.
 */
#ifndef KOFU_CLOCK_H
#define KOFU_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Milliseconds since an arbitrary start (boot), for time-outs and deadlines.
 * Signed, so that `deadline - kofu_mono_ms()` goes negative once passed. */
static inline int64_t kofu_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The same clock with sub-millisecond resolution, for measured figures
 * (round trips, read times) that are reported with decimals. */
static inline double kofu_mono_ms_f(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

#endif
