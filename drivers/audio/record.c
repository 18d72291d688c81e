/* record.c — see record.h. */
#include "drivers/audio/record.h"

#include "base/errors.h"
#include "drivers/wav.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A spoken prompt is a few seconds: 16 MiB is far beyond any, and keeps a
 * wrong path (a device, a huge file) from being read into memory. */
#define AUDIO_RECORD_FILE_MAX (16u << 20)
/* "en/" + name + NUL */
#define AUDIO_RECORD_ENTRY_MAX (3 + AUDIO_PROMPT_NAME_MAX + 1)

struct record_audio_ctx {
    char *prompt_dir;
    int log_fd; /* -1: memory only */
    char (*ring)[AUDIO_RECORD_ENTRY_MAX];
    size_t first; /* index in ring of the oldest held entry */
    size_t held;
};

static int record_audio_open(void **out, const char *spec, const char *prompt_dir)
{
    if (!out)
        return KOFU_E_ARG;
    if (!prompt_dir || !*prompt_dir)
        return KOFU_E_CONFIG;
    struct record_audio_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return KOFU_E_NOMEM;
    c->log_fd = -1;
    c->prompt_dir = strdup(prompt_dir);
    c->ring = calloc(AUDIO_RECORD_KEEP, sizeof *c->ring);
    if (!c->prompt_dir || !c->ring) {
        free(c->prompt_dir);
        free(c->ring);
        free(c);
        return KOFU_E_NOMEM;
    }
    if (spec && *spec) {
        c->log_fd = open(spec, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
        if (c->log_fd < 0) {
            free(c->prompt_dir);
            free(c->ring);
            free(c);
            return KOFU_E_AUDIO;
        }
    }
    *out = c;
    return KOFU_OK;
}

/* Reads the whole prompt file (a regular file, bounded in size) and checks
 * it is what audio.h promises: 16-bit PCM, mono. */
static bool prompt_file_valid(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return false;
    bool ok = false;
    uint8_t *data = NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (uint64_t)st.st_size > AUDIO_RECORD_FILE_MAX)
        goto out;
    size_t len = (size_t)st.st_size;
    data = malloc(len);
    if (!data)
        goto out;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, data + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto out; /* an error, or the file shrank under us */
        got += (size_t)n;
    }
    struct wav_info info;
    ok = wav_parse(data, len, &info) && info.channels == 1 && info.bits_per_sample == 16;
out:
    free(data);
    close(fd);
    return ok;
}

static bool write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

static int record_audio_play(void *ctx, const char *lang, const char *name)
{
    struct record_audio_ctx *c = ctx;
    if (!c || !lang || !name || (strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0))
        return KOFU_E_ARG;
    char path[PATH_MAX];
    if (!audio_prompt_path(path, sizeof path, c->prompt_dir, lang, name))
        return KOFU_E_ARG; /* not a plain prompt word, or a path too long */
    if (!prompt_file_valid(path))
        return KOFU_E_AUDIO;
    if (c->log_fd >= 0) {
        char line[AUDIO_RECORD_ENTRY_MAX + 1];
        int n = snprintf(line, sizeof line, "%s %s\n", lang, name);
        if (n < 0 || (size_t)n >= sizeof line || !write_all(c->log_fd, line, (size_t)n))
            return KOFU_E_AUDIO;
    }
    size_t slot;
    if (c->held < AUDIO_RECORD_KEEP) {
        slot = (c->first + c->held) % AUDIO_RECORD_KEEP;
        c->held++;
    } else {
        slot = c->first; /* the oldest makes room */
        c->first = (c->first + 1) % AUDIO_RECORD_KEEP;
    }
    snprintf(c->ring[slot], sizeof c->ring[slot], "%s/%s", lang, name);
    return KOFU_OK;
}

/* Nothing sounds, so there is nothing to cut: the recording keeps what
 * was started, which is what tests assert. */
static void record_audio_stop(void *ctx)
{
    (void)ctx;
}

static void record_audio_close(void *ctx)
{
    struct record_audio_ctx *c = ctx;
    if (!c)
        return;
    if (c->log_fd >= 0)
        close(c->log_fd);
    free(c->prompt_dir);
    free(c->ring);
    free(c);
}

size_t record_audio_count(void *ctx)
{
    const struct record_audio_ctx *c = ctx;
    return c ? c->held : 0;
}

const char *record_audio_at(void *ctx, size_t i)
{
    const struct record_audio_ctx *c = ctx;
    if (!c || i >= c->held)
        return NULL;
    return c->ring[(c->first + i) % AUDIO_RECORD_KEEP];
}

void record_audio_reset(void *ctx)
{
    struct record_audio_ctx *c = ctx;
    if (!c)
        return;
    c->first = 0;
    c->held = 0;
}

/* A prompt is "played" when its line is written: never busy. */
static bool record_audio_wait_idle(void *ctx, int timeout_ms)
{
    (void)ctx, (void)timeout_ms;
    return true;
}

const struct audio_ops record_audio_ops = {
    .open = record_audio_open,
    .play = record_audio_play,
    .stop = record_audio_stop,
    .wait_idle = record_audio_wait_idle,
    .close = record_audio_close,
};
