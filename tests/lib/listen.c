/*
 * listen.c — recognising voice prompts in a recording (listen.h).
 */
#include "tests/lib/listen.h"

#include "tests/lib/files.h"

#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEP_S 0.010
#define TEMPLATE_STEPS 150 /* 1.5 s */
#define SOUND_DB (-45.0)
#define MATCH 0.85

struct envelope {
    double *db;
    size_t n;
};

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* The envelope of a 16-bit PCM WAV: RMS of each 10 ms, in dBFS, floored.
 * A data chunk whose size says 0 or more than the file (a recording whose
 * writer has not finished its header) runs to the end of the file. */
static int envelope_of(const char *path, struct envelope *e)
{
    size_t len = 0;
    uint8_t *b = (uint8_t *)kt_read_file(path, &len);
    if (!b)
        return -1;
    int rc = -1;
    unsigned channels = 0, rate = 0, bits = 0;
    size_t off = 12;
    if (len < 12 || memcmp(b, "RIFF", 4) || memcmp(b + 8, "WAVE", 4))
        goto out;
    while (off + 8 <= len) {
        uint32_t size = le32(b + off + 4);
        const uint8_t *body = b + off + 8;
        size_t avail = len - off - 8;
        if (!memcmp(b + off, "fmt ", 4) && avail >= 16) {
            channels = le16(body + 2);
            rate = le32(body + 4);
            bits = le16(body + 14);
        } else if (!memcmp(b + off, "data", 4)) {
            if (channels < 1 || channels > 2 || bits != 16 || rate < 8000 || rate > 192000)
                goto out;
            size_t n = size == 0 || size > avail ? avail : size;
            size_t frames = n / (2 * channels);
            /* Windows of exactly 10 ms at any rate (22.05 kHz has no whole
             * number of samples in 10 ms), then smoothed over three: where
             * the windows fall against the sound must not matter. */
            e->n = (size_t)(frames / (rate * STEP_S));
            e->db = calloc(e->n ? e->n : 1, sizeof *e->db);
            double *raw = calloc(e->n ? e->n : 1, sizeof *raw);
            if (!e->db || !raw) {
                free(raw);
                goto out;
            }
            for (size_t s = 0; s < e->n; s++) {
                size_t from = (size_t)(s * rate * STEP_S), to = (size_t)((s + 1) * rate * STEP_S);
                double sum = 0;
                for (size_t f = from; f < to; f++) {
                    double v = 0;
                    for (unsigned c = 0; c < channels; c++)
                        v += (int16_t)le16(body + 2 * (f * channels + c));
                    v /= channels * 32768.0;
                    sum += v * v;
                }
                raw[s] = sum / (double)(to - from);
            }
            for (size_t s = 0; s < e->n; s++) {
                double m = raw[s] * 0.5 + (s ? raw[s - 1] : raw[s]) * 0.25 + (s + 1 < e->n ? raw[s + 1] : raw[s]) * 0.25;
                e->db[s] = 10 * log10(m + 1e-12);
            }
            free(raw);
            rc = 0;
            goto out;
        }
        off += 8 + size + (size & 1);
    }
out:
    free(b);
    return rc;
}

/* Pearson correlation of the amplitudes (not the decibels: a prompt
 * played quieter then correlates just as well) of a[0..n) and b[0..n). */
static double correlation(const double *adb, const double *bdb, size_t n)
{
    double a[TEMPLATE_STEPS], b[TEMPLATE_STEPS];
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; i++) {
        a[i] = pow(10, adb[i] / 20);
        b[i] = pow(10, bdb[i] / 20);
        ma += a[i];
        mb += b[i];
    }
    ma /= n;
    mb /= n;
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : 0;
}

struct candidate {
    size_t at, len; /* where, in steps; the template's length */
    double score;
    char name[48];
};

static int by_score(const void *x, const void *y)
{
    const struct candidate *a = x, *b = y;
    return a->score < b->score ? 1 : a->score > b->score ? -1 : 0;
}

static int by_place(const void *x, const void *y)
{
    const struct candidate *a = x, *b = y;
    return a->at < b->at ? -1 : a->at > b->at;
}

int kt_listen(const char *recording, const char *prompt_dir, struct kt_heard *heard)
{
    memset(heard, 0, sizeof *heard);
    struct envelope rec = {0};
    if (envelope_of(recording, &rec) != 0)
        return -1;
    heard->seconds = rec.n * STEP_S;
    for (size_t i = 0; i < rec.n; i++)
        heard->sound_seconds += rec.db[i] > SOUND_DB ? STEP_S : 0;
    DIR *d = opendir(prompt_dir);
    if (!d) {
        free(rec.db);
        return -1;
    }
    size_t cap = 4096, n = 0;
    struct candidate *c = malloc(cap * sizeof *c);
    struct dirent *de;
    while (c && (de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".wav") || l - 4 >= sizeof c->name)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", prompt_dir, de->d_name);
        struct envelope p = {0};
        if (envelope_of(path, &p) != 0)
            continue;
        size_t start = 0;
        while (start < p.n && p.db[start] <= SOUND_DB)
            start++;
        size_t len = p.n - start < TEMPLATE_STEPS ? p.n - start : TEMPLATE_STEPS;
        /* Every place where the recording's envelope follows this prompt's
         * opening; of neighbouring places, the best. */
        for (size_t at = 0; len >= 50 && at + len <= rec.n; at++) {
            if (rec.db[at] <= SOUND_DB)
                continue;
            double s = correlation(p.db + start, rec.db + at, len);
            if (s < MATCH)
                continue;
            if (n && !strncmp(c[n - 1].name, de->d_name, l - 4) && at - c[n - 1].at < len) {
                if (s > c[n - 1].score) {
                    c[n - 1].score = s;
                    c[n - 1].at = at;
                }
                continue;
            }
            if (n == cap)
                break;
            c[n] = (struct candidate){at, len, s, ""};
            memcpy(c[n].name, de->d_name, l - 4);
            n++;
        }
        free(p.db);
    }
    closedir(d);
    free(rec.db);
    if (!c)
        return -1;
    /* The best matches first; one whose opening overlaps a better one's is
     * not a second prompt. (Not the whole length: a prompt is cut short by
     * the next one.) */
    qsort(c, n, sizeof *c, by_score);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        bool overlaps = false;
        for (size_t k = 0; k < kept && !overlaps; k++)
            overlaps = c[i].at < c[k].at + c[k].len && c[k].at < c[i].at + c[i].len;
        if (!overlaps)
            c[kept++] = c[i];
    }
    qsort(c, kept, sizeof *c, by_place);
    for (size_t i = 0; i < kept && heard->n < KT_HEARD_MAX; i++) {
        memcpy(heard->names[heard->n], c[i].name, sizeof heard->names[0]);
        heard->at[heard->n] = c[i].at * STEP_S;
        if (getenv("KT_LISTEN_DEBUG"))
            fprintf(stderr, "  %s at %.2f score %.3f\n", c[i].name, c[i].at * STEP_S, c[i].score);
        heard->n++;
    }
    free(c);
    return 0;
}
