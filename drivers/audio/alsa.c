/* alsa.c — see alsa.h. */
#include "drivers/audio/alsa.h"

#include "base/errors.h"
#include "drivers/wav.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <alsa/asoundlib.h>

/* One prompt's file, read whole, and where its samples are in it. */
struct alsa_prompt {
    uint8_t *file;
    struct wav_info wav;
};

struct alsa_ctx {
    snd_pcm_t *pcm;           /* touched only by the playback thread after open() */
    char prompt_dir[PATH_MAX];
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;      /* the thread has something to do */
    pthread_cond_t idle_cond; /* the thread went idle */
    /* Under lock: */
    struct alsa_prompt *queued; /* the prompt to play next, handed over by play() */
    unsigned generation;        /* bumped by play() and stop(): cuts what is playing */
    bool playing;
    bool quit;
    unsigned started, finished;
};

static void prompt_free(struct alsa_prompt *p)
{
    if (p) {
        free(p->file);
        free(p);
    }
}

/* Reads the whole regular file at path, at most ALSA_PROMPT_FILE_MAX bytes. */
static int read_prompt_file(const char *path, uint8_t **out, size_t *out_len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return KOFU_E_AUDIO;
    struct stat st;
    int rc = KOFU_E_AUDIO;
    uint8_t *buf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (unsigned long long)st.st_size > ALSA_PROMPT_FILE_MAX)
        goto out;
    size_t want = (size_t)st.st_size, have = 0;
    buf = malloc(want);
    if (!buf) {
        rc = KOFU_E_NOMEM;
        goto out;
    }
    while (have < want) {
        ssize_t n = read(fd, buf + have, want - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* shrank under us, or an I/O error: parse what is there */
        have += (size_t)n;
    }
    *out = buf;
    *out_len = have;
    buf = NULL;
    rc = KOFU_OK;
out:
    free(buf);
    close(fd);
    return rc;
}

static unsigned current_generation(struct alsa_ctx *c)
{
    pthread_mutex_lock(&c->lock);
    unsigned g = c->generation;
    pthread_mutex_unlock(&c->lock);
    return g;
}

/* Plays one prompt on the playback thread; returns true when it played to
 * the end, false when it was cut or the device failed. */
static bool play_prompt(struct alsa_ctx *c, const struct alsa_prompt *p, unsigned generation)
{
    const struct wav_info *w = &p->wav;
    if (snd_pcm_set_params(c->pcm, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED,
                           w->channels, w->sample_rate, 1, ALSA_LATENCY_US) < 0)
        return false;
    size_t frame_bytes = (size_t)w->channels * 2;
    size_t period = w->sample_rate / 50; /* 20 ms */
    size_t done = 0;
    while (done < w->frames) {
        if (current_generation(c) != generation) {
            snd_pcm_drop(c->pcm);
            return false;
        }
        size_t n = w->frames - done < period ? w->frames - done : period;
        snd_pcm_sframes_t wrote = snd_pcm_writei(c->pcm, w->samples + done * frame_bytes, n);
        if (wrote < 0) {
            /* An underrun (EPIPE) or a suspend (ESTRPIPE) is recoverable;
             * anything else ends this prompt. */
            if (snd_pcm_recover(c->pcm, (int)wrote, 1) < 0) {
                snd_pcm_drop(c->pcm);
                return false;
            }
            continue;
        }
        done += (size_t)wrote;
    }
    /* What is left is at most ALSA_LATENCY_US in the device's buffer. */
    snd_pcm_drain(c->pcm);
    return true;
}

static void *playback_thread(void *arg)
{
    struct alsa_ctx *c = arg;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        while (!c->quit && !c->queued) {
            c->playing = false;
            pthread_cond_broadcast(&c->idle_cond);
            pthread_cond_wait(&c->wake, &c->lock);
        }
        if (c->quit)
            break;
        struct alsa_prompt *p = c->queued;
        c->queued = NULL;
        unsigned generation = c->generation;
        c->playing = true;
        c->started++;
        pthread_mutex_unlock(&c->lock);

        bool whole = play_prompt(c, p, generation);
        prompt_free(p);

        pthread_mutex_lock(&c->lock);
        if (whole)
            c->finished++;
    }
    c->playing = false;
    pthread_cond_broadcast(&c->idle_cond);
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

static int alsa_open(void **out, const char *spec, const char *prompt_dir)
{
    if (!out || !prompt_dir || !*prompt_dir)
        return KOFU_E_ARG;
    struct alsa_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return KOFU_E_NOMEM;
    size_t dir_len = strlen(prompt_dir);
    if (dir_len >= sizeof c->prompt_dir) {
        free(c);
        return KOFU_E_ARG;
    }
    memcpy(c->prompt_dir, prompt_dir, dir_len + 1);
    const char *name = spec && *spec ? spec : "default";
    if (snd_pcm_open(&c->pcm, name, SND_PCM_STREAM_PLAYBACK, 0) < 0) {
        free(c);
        return KOFU_E_AUDIO;
    }
    int rc = KOFU_E_INTERNAL;
    if (pthread_mutex_init(&c->lock, NULL) != 0)
        goto fail_pcm;
    if (pthread_cond_init(&c->wake, NULL) != 0)
        goto fail_lock;
    if (pthread_cond_init(&c->idle_cond, NULL) != 0)
        goto fail_wake;
    if (pthread_create(&c->thread, NULL, playback_thread, c) != 0)
        goto fail_idle;
    *out = c;
    return KOFU_OK;
fail_idle:
    pthread_cond_destroy(&c->idle_cond);
fail_wake:
    pthread_cond_destroy(&c->wake);
fail_lock:
    pthread_mutex_destroy(&c->lock);
fail_pcm:
    snd_pcm_close(c->pcm);
    free(c);
    return rc;
}

static int alsa_play(void *ctx, const char *lang, const char *name)
{
    struct alsa_ctx *c = ctx;
    if (!c)
        return KOFU_E_ARG;
    char path[PATH_MAX];
    if (!audio_prompt_path(path, sizeof path, c->prompt_dir, lang, name))
        return KOFU_E_AUDIO;
    struct alsa_prompt *p = calloc(1, sizeof *p);
    if (!p)
        return KOFU_E_NOMEM;
    size_t len = 0;
    int rc = read_prompt_file(path, &p->file, &len);
    if (rc != KOFU_OK) {
        prompt_free(p);
        return rc;
    }
    if (!wav_parse(p->file, len, &p->wav)) {
        prompt_free(p);
        return KOFU_E_AUDIO;
    }
    pthread_mutex_lock(&c->lock);
    struct alsa_prompt *dropped = c->queued;
    c->queued = p;
    c->generation++;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    prompt_free(dropped);
    return KOFU_OK;
}

static void alsa_stop(void *ctx)
{
    struct alsa_ctx *c = ctx;
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    struct alsa_prompt *dropped = c->queued;
    c->queued = NULL;
    c->generation++;
    pthread_mutex_unlock(&c->lock);
    prompt_free(dropped);
}

static void alsa_close(void *ctx)
{
    struct alsa_ctx *c = ctx;
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->quit = true;
    c->generation++;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    prompt_free(c->queued);
    snd_pcm_drop(c->pcm);
    snd_pcm_close(c->pcm);
    pthread_cond_destroy(&c->idle_cond);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

void alsa_audio_counts(void *ctx, unsigned *started, unsigned *finished)
{
    struct alsa_ctx *c = ctx;
    pthread_mutex_lock(&c->lock);
    *started = c->started;
    *finished = c->finished;
    pthread_mutex_unlock(&c->lock);
}

bool alsa_audio_wait_idle(void *ctx, int timeout_ms)
{
    struct alsa_ctx *c = ctx;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&c->lock);
    int rc = 0;
    while ((c->playing || c->queued) && rc == 0)
        rc = pthread_cond_timedwait(&c->idle_cond, &c->lock, &until);
    bool idle = !c->playing && !c->queued;
    pthread_mutex_unlock(&c->lock);
    return idle;
}

const struct audio_ops alsa_audio_ops = {
    .open = alsa_open,
    .play = alsa_play,
    .stop = alsa_stop,
    .wait_idle = alsa_audio_wait_idle,
    .close = alsa_close,
};
