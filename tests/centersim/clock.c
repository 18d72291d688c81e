/* clock.c — see clock.h. */
#include "clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static bool clk_fake;
static int64_t clk_fake_epoch;
static uint64_t clk_fake_since_us;

uint64_t clk_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void clk_use_real(void) { clk_fake = false; }

void clk_set(int64_t epoch)
{
    clk_fake = true;
    clk_fake_epoch = epoch;
    clk_fake_since_us = clk_mono_us();
}

int64_t clk_now(void)
{
    if (clk_fake)
        return clk_fake_epoch + (int64_t)((clk_mono_us() - clk_fake_since_us) / 1000000u);
    return (int64_t)time(NULL);
}

static void clk_jst_tm(int64_t t, struct tm *out)
{
    time_t local = (time_t)(t + CLK_JST_OFFSET);
    memset(out, 0, sizeof *out);
    gmtime_r(&local, out);
}

int clk_jst_minutes(int64_t t)
{
    struct tm tm;
    clk_jst_tm(t, &tm);
    return tm.tm_hour * 60 + tm.tm_min;
}

void clk_jst_date(int64_t t, char out[CLK_DATE_LEN + 1])
{
    struct tm tm;
    clk_jst_tm(t, &tm);
    if (strftime(out, CLK_DATE_LEN + 1, "%Y-%m-%d", &tm) != CLK_DATE_LEN)
        memcpy(out, "0000-00-00", CLK_DATE_LEN + 1); /* years beyond 9999: not a real date */
}

int clk_jst_year(int64_t t)
{
    struct tm tm;
    clk_jst_tm(t, &tm);
    return tm.tm_year + 1900;
}

static bool clk_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int clk_num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

bool clk_parse_hhmm(const char *s, int *minutes)
{
    if (strlen(s) != 5 || !clk_digits(s, 2) || s[2] != ':' || !clk_digits(s + 3, 2))
        return false;
    int h = clk_num(s, 2), m = clk_num(s + 3, 2);
    if ((h > 23 || m > 59) && !(h == 24 && m == 0)) /* 24:00: the end of the day, as a closing time */
        return false;
    *minutes = h * 60 + m;
    return true;
}

bool clk_valid_iso_date(const char *s)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != CLK_DATE_LEN || !clk_digits(s, 4) || s[4] != '-' || !clk_digits(s + 5, 2) ||
        s[7] != '-' || !clk_digits(s + 8, 2))
        return false;
    int y = clk_num(s, 4), m = clk_num(s + 5, 2), d = clk_num(s + 8, 2);
    if (y < 1868 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

void clk_http_date(int64_t t, char out[CLK_HTTP_DATE_LEN + 1])
{
    /* Not strftime: its %a and %b follow the locale, HTTP's names do not. */
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t tt = (time_t)t;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    gmtime_r(&tt, &tm);
    snprintf(out, CLK_HTTP_DATE_LEN + 1, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
