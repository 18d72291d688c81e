/*
 * clock.h — centersim's notion of "now", and Japan's civil time.
 *
 * Owns: the process clock. By default it is the system's real time; with
 * --now EPOCH (or the control command `now EPOCH`) it is a fake clock that
 * starts at EPOCH and then advances with the monotonic clock, so tests can
 * pin the time of day (service hours, issue dates) while the idempotency
 * memory still sees time pass.
 *
 * Japan time is UTC+9 all year (no daylight saving since 1951), so the
 * center needs no time-zone database for Asia/Tokyo.
 */
#ifndef CENTERSIM_CLOCK_H
#define CENTERSIM_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define CLK_JST_OFFSET (9 * 3600)
#define CLK_DATE_LEN 10 /* YYYY-MM-DD */

/** Use the real clock again (the default). */
void clk_use_real(void);
/** From now on, "now" is epoch plus the monotonic time elapsed since this call. */
void clk_set(int64_t epoch);
/** Seconds since the epoch, real or fake. */
int64_t clk_now(void);
/** Microseconds of the monotonic clock (durations only). */
uint64_t clk_mono_us(void);

/** t as an HTTP Date (RFC 9110's IMF-fixdate, "Sun, 06 Nov 1994 08:49:37
 *  GMT"; out holds CLK_HTTP_DATE_LEN + 1 bytes): every answer carries the
 *  fake clock's, so the kiosk's clock check can be shown a center that is off. */
#define CLK_HTTP_DATE_LEN 63 /* room; the date itself is 29 */
void clk_http_date(int64_t t, char out[CLK_HTTP_DATE_LEN + 1]);

/** Minutes since midnight, Japan time, of epoch second t (0..1439). */
int clk_jst_minutes(int64_t t);
/** The Japan-time calendar date of t as YYYY-MM-DD (out holds 11 bytes). */
void clk_jst_date(int64_t t, char out[CLK_DATE_LEN + 1]);
/** The Japan-time year of t. */
int clk_jst_year(int64_t t);

/** Parse "HH:MM" (00:00..23:59, or 24:00 = 1440 for "until midnight";
 *  exactly five characters) into minutes since midnight. */
bool clk_parse_hhmm(const char *s, int *minutes);
/** True for a real calendar date written YYYY-MM-DD (years 1868..9999). */
bool clk_valid_iso_date(const char *s);

#endif
