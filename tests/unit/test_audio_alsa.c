/*
 * test_audio_alsa.c — the WAV parser (drivers/wav.h) and the ALSA driver
 * through real libasound on ALSA's "null" PCM (no sound card needed), with
 * prompt files the test writes: good ones, truncated ones, other formats,
 * lengths that run past the file, garbage, and names that try to leave the
 * prompt directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "drivers/audio/alsa.h"
#include "base/errors.h"
#include "drivers/wav.h"
#include "tests/lib/files.h"

/* ---- building WAV files ---- */

struct wbuf {
    uint8_t b[70000];
    size_t n;
};

static void put(struct wbuf *w, const void *p, size_t n)
{
    assert_true(w->n + n <= sizeof w->b);
    memcpy(w->b + w->n, p, n);
    w->n += n;
}
static void put_le16(struct wbuf *w, uint32_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(w, b, 2);
}
static void put_le32(struct wbuf *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(w, b, 4);
}
static void set_le32(struct wbuf *w, size_t at, uint32_t v)
{
    w->b[at] = (uint8_t)v;
    w->b[at + 1] = (uint8_t)(v >> 8);
    w->b[at + 2] = (uint8_t)(v >> 16);
    w->b[at + 3] = (uint8_t)(v >> 24);
}

struct wav_spec {
    uint32_t tag, channels, rate, bits;
    size_t frames;
    bool list_chunk;      /* a LIST chunk of odd length before fmt */
    bool extensible;
};

/* A well-formed file per spec (block align and byte rate consistent). */
static void make_wav(struct wbuf *w, const struct wav_spec *s)
{
    w->n = 0;
    put(w, "RIFF", 4);
    put_le32(w, 0); /* patched */
    put(w, "WAVE", 4);
    if (s->list_chunk) {
        put(w, "LIST", 4);
        put_le32(w, 5);
        put(w, "INFOx\0", 6); /* 5 bytes + pad */
    }
    uint32_t align = s->channels * s->bits / 8;
    put(w, "fmt ", 4);
    put_le32(w, s->extensible ? 40 : 16);
    put_le16(w, s->extensible ? 0xFFFE : s->tag);
    put_le16(w, s->channels);
    put_le32(w, s->rate);
    put_le32(w, s->rate * align);
    put_le16(w, align);
    put_le16(w, s->bits);
    if (s->extensible) {
        static const uint8_t tail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                         0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
        put_le16(w, 22);
        put_le16(w, s->bits);
        put_le32(w, s->channels == 1 ? 4 : 3);
        put_le16(w, s->tag);
        put(w, tail, sizeof tail);
    }
    put(w, "data", 4);
    size_t data_len = s->frames * align;
    put_le32(w, (uint32_t)data_len);
    for (size_t i = 0; i < data_len; i++) {
        uint8_t v = (uint8_t)(i * 7);
        put(w, &v, 1);
    }
    set_le32(w, 4, (uint32_t)(w->n - 8));
}

static const struct wav_spec MONO = {1, 1, 16000, 16, 1600, false, false};

static size_t data_chunk_offset(const struct wbuf *w)
{
    for (size_t i = 12; i + 4 <= w->n; i++)
        if (memcmp(w->b + i, "data", 4) == 0)
            return i;
    fail_msg("no data chunk");
    return 0;
}

/* ---- wav_parse ---- */

static void test_wav_good(void **state)
{
    (void)state;
    struct wbuf w;
    struct wav_info info;
    make_wav(&w, &MONO);
    assert_true(wav_parse(w.b, w.n, &info));
    assert_int_equal(info.channels, 1);
    assert_int_equal(info.sample_rate, 16000);
    assert_int_equal(info.bits_per_sample, 16);
    assert_int_equal(info.frames, 1600);
    assert_int_equal(info.samples_len, 3200);
    assert_ptr_equal(info.samples, w.b + 44);

    struct wav_spec st = {1, 2, 44100, 16, 441, true, false};
    make_wav(&w, &st);
    assert_true(wav_parse(w.b, w.n, &info));
    assert_int_equal(info.channels, 2);
    assert_int_equal(info.sample_rate, 44100);
    assert_int_equal(info.frames, 441);

    struct wav_spec ext = {1, 1, 22050, 16, 10, false, true};
    make_wav(&w, &ext);
    assert_true(wav_parse(w.b, w.n, &info));
    assert_int_equal(info.frames, 10);

    /* Trailing bytes after the RIFF length are ignored. */
    make_wav(&w, &MONO);
    put(&w, "junkjunk", 8);
    assert_true(wav_parse(w.b, w.n, &info));
}

static void assert_refused(const uint8_t *p, size_t n)
{
    struct wav_info info;
    memset(&info, 0xA5, sizeof info);
    assert_false(wav_parse(p, n, &info));
    assert_null(info.samples);
    assert_int_equal(info.frames, 0);
}

static void test_wav_other_formats(void **state)
{
    (void)state;
    struct wbuf w;
    const struct wav_spec bad[] = {
        {1, 1, 16000, 8, 10, false, false},   /* 8-bit */
        {1, 1, 16000, 24, 10, false, false},  /* 24-bit */
        {3, 1, 16000, 32, 10, false, false},  /* float */
        {1, 3, 16000, 16, 10, false, false},  /* 3 channels */
        {1, 0, 16000, 16, 10, false, false},  /* 0 channels */
        {1, 1, 4000, 16, 10, false, false},   /* rate too low */
        {1, 1, 384000, 16, 10, false, false}, /* rate too high */
        {1, 1, 16000, 16, 0, false, false},   /* no samples */
        {3, 1, 16000, 16, 10, false, true},   /* extensible, float sub-format */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        make_wav(&w, &bad[i]);
        assert_refused(w.b, w.n);
    }
    /* Inconsistent block align / byte rate. */
    make_wav(&w, &MONO);
    w.b[32] = 4;
    assert_refused(w.b, w.n);
    make_wav(&w, &MONO);
    set_le32(&w, 28, 12345);
    assert_refused(w.b, w.n);
    /* Not RIFF, not WAVE. */
    make_wav(&w, &MONO);
    memcpy(w.b, "RIFX", 4);
    assert_refused(w.b, w.n);
    make_wav(&w, &MONO);
    memcpy(w.b + 8, "AVI ", 4);
    assert_refused(w.b, w.n);
}

static void test_wav_truncated_and_huge_lengths(void **state)
{
    (void)state;
    struct wbuf w;
    make_wav(&w, &MONO);
    for (size_t cut = 0; cut < w.n; cut += (cut < 64 ? 1 : 97))
        assert_refused(w.b, cut);
    /* The RIFF length says more than the file has (a cut file), or
     * the streaming writer's 0xFFFFFFFF. */
    make_wav(&w, &MONO);
    set_le32(&w, 4, (uint32_t)w.n);
    assert_refused(w.b, w.n);
    set_le32(&w, 4, 0xFFFFFFFFu);
    assert_refused(w.b, w.n);
    /* A data length past the end, or not whole frames. */
    make_wav(&w, &MONO);
    size_t d = data_chunk_offset(&w);
    set_le32(&w, d + 4, 0xFFFFFFFFu);
    assert_refused(w.b, w.n);
    set_le32(&w, d + 4, 3201);
    assert_refused(w.b, w.n);
    struct wav_spec st = {1, 2, 16000, 16, 10, false, false};
    make_wav(&w, &st);
    d = data_chunk_offset(&w);
    set_le32(&w, d + 4, 38); /* 9.5 stereo frames */
    assert_refused(w.b, w.n);
    /* A fmt length past the end. */
    make_wav(&w, &MONO);
    set_le32(&w, 16, 0xFFFFFFF0u);
    assert_refused(w.b, w.n);
    /* fmt too short to hold its fields. */
    make_wav(&w, &MONO);
    set_le32(&w, 16, 8);
    assert_refused(w.b, w.n);
}

static void test_wav_chunk_order_and_garbage(void **state)
{
    (void)state;
    struct wbuf w;
    /* data before fmt */
    w.n = 0;
    put(&w, "RIFF", 4);
    put_le32(&w, 0);
    put(&w, "WAVE", 4);
    put(&w, "data", 4);
    put_le32(&w, 2);
    put_le16(&w, 0);
    set_le32(&w, 4, (uint32_t)(w.n - 8));
    assert_refused(w.b, w.n);
    /* two fmt chunks */
    make_wav(&w, &MONO);
    struct wbuf two;
    two.n = 0;
    put(&two, w.b, 36);      /* RIFF header + first fmt */
    put(&two, w.b + 12, 24); /* the fmt chunk again */
    put(&two, w.b + 36, w.n - 36);
    set_le32(&two, 4, (uint32_t)(two.n - 8));
    assert_refused(two.b, two.n);
    /* no data chunk at all */
    make_wav(&w, &MONO);
    set_le32(&w, 4, 36 - 8);
    assert_refused(w.b, 36);
    /* nothing, NULL, random bytes */
    assert_refused(NULL, 0);
    uint8_t junk[512];
    srand(7);
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (uint8_t)rand();
        if (round & 1)
            memcpy(junk, "RIFF\xf8\x01\x00\x00WAVE", 12);
        assert_refused(junk, sizeof junk);
    }
}

/* ---- the driver ---- */

static char dir[64];

static void write_file(const char *lang, const char *name, const void *p, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, lang);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/%s/%s.wav", dir, lang, name);
    assert_true(kt_write_file(path, p, n));
}

static int setup_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kofu-audio-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    struct wbuf w;
    make_wav(&w, &MONO);
    write_file("ja", "welcome", w.b, w.n);
    write_file("en", "welcome", w.b, w.n);
    struct wav_spec st = {1, 2, 48000, 16, 4800, false, false};
    make_wav(&w, &st);
    write_file("ja", "stereo", w.b, w.n);
    write_file("ja", "truncated", w.b, w.n / 2);
    struct wav_spec eight = {1, 1, 16000, 8, 100, false, false};
    make_wav(&w, &eight);
    write_file("ja", "eight-bit", w.b, w.n);
    make_wav(&w, &MONO);
    set_le32(&w, data_chunk_offset(&w) + 4, 0x7FFFF000u);
    write_file("ja", "huge", w.b, w.n);
    write_file("ja", "garbage", "not a wav file at all", 21);
    write_file("ja", "empty", "", 0);
    char path[256];
    snprintf(path, sizeof path, "%s/ja/dir.wav", dir);
    mkdir(path, 0700);
    return 0;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void *open_null(void)
{
    void *ctx = NULL;
    assert_int_equal(alsa_audio_ops.open(&ctx, "null", dir), KOFU_OK);
    assert_non_null(ctx);
    return ctx;
}

static void test_alsa_plays_to_the_end(void **state)
{
    (void)state;
    void *ctx = open_null();
    unsigned started, finished;
    assert_int_equal(alsa_audio_ops.play(ctx, "ja", "welcome"), KOFU_OK);
    assert_true(alsa_audio_wait_idle(ctx, 5000));
    assert_int_equal(alsa_audio_ops.play(ctx, "ja", "stereo"), KOFU_OK);
    assert_true(alsa_audio_wait_idle(ctx, 5000));
    assert_int_equal(alsa_audio_ops.play(ctx, "en", "welcome"), KOFU_OK);
    assert_true(alsa_audio_wait_idle(ctx, 5000));
    alsa_audio_counts(ctx, &started, &finished);
    assert_int_equal(started, 3);
    assert_int_equal(finished, 3);
    alsa_audio_ops.close(ctx);
}

static void test_alsa_cut_and_stop(void **state)
{
    (void)state;
    void *ctx = open_null();
    /* A burst of prompts: each cuts the one before; nothing leaks, and the
     * thread ends idle. */
    for (int i = 0; i < 50; i++)
        assert_int_equal(alsa_audio_ops.play(ctx, "ja", (i & 1) ? "stereo" : "welcome"), KOFU_OK);
    alsa_audio_ops.stop(ctx);
    assert_true(alsa_audio_wait_idle(ctx, 5000));
    unsigned started, finished;
    alsa_audio_counts(ctx, &started, &finished);
    assert_true(started <= 50); /* stop() may come before the thread took any */
    assert_true(finished <= started);
    /* stop() with nothing playing, twice, is harmless. */
    alsa_audio_ops.stop(ctx);
    alsa_audio_ops.stop(ctx);
    /* And playing works again after a stop. */
    assert_int_equal(alsa_audio_ops.play(ctx, "ja", "welcome"), KOFU_OK);
    assert_true(alsa_audio_wait_idle(ctx, 5000));
    /* close() while a prompt is queued joins the thread and frees it. */
    assert_int_equal(alsa_audio_ops.play(ctx, "ja", "stereo"), KOFU_OK);
    alsa_audio_ops.close(ctx);
}

static void test_alsa_bad_files(void **state)
{
    (void)state;
    void *ctx = open_null();
    const char *bad[] = {"missing", "truncated", "eight-bit", "huge", "garbage", "empty", "dir"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(alsa_audio_ops.play(ctx, "ja", bad[i]), KOFU_E_AUDIO);
    /* Names and languages that are not plain words never become paths. */
    assert_int_equal(alsa_audio_ops.play(ctx, "ja", "../ja/welcome"), KOFU_E_AUDIO);
    assert_int_equal(alsa_audio_ops.play(ctx, "..", "welcome"), KOFU_E_AUDIO);
    assert_int_equal(alsa_audio_ops.play(ctx, "ja", ""), KOFU_E_AUDIO);
    assert_int_equal(alsa_audio_ops.play(ctx, "", "welcome"), KOFU_E_AUDIO);
    assert_int_equal(alsa_audio_ops.play(ctx, "ja", NULL), KOFU_E_AUDIO);
    assert_int_equal(alsa_audio_ops.play(ctx, "fr", "welcome"), KOFU_E_AUDIO);
    /* A refused file did not stop the device: a good one still plays. */
    assert_int_equal(alsa_audio_ops.play(ctx, "ja", "welcome"), KOFU_OK);
    assert_true(alsa_audio_wait_idle(ctx, 5000));
    unsigned started, finished;
    alsa_audio_counts(ctx, &started, &finished);
    assert_int_equal(started, 1);
    assert_int_equal(finished, 1);
    alsa_audio_ops.close(ctx);
}

static void test_alsa_open_failures(void **state)
{
    (void)state;
    void *ctx = NULL;
    assert_int_equal(alsa_audio_ops.open(&ctx, "kofu_no_such_pcm", dir), KOFU_E_AUDIO);
    assert_null(ctx);
    assert_int_equal(alsa_audio_ops.open(&ctx, "null", ""), KOFU_E_ARG);
    assert_int_equal(alsa_audio_ops.open(&ctx, "null", NULL), KOFU_E_ARG);
    char long_dir[5000];
    memset(long_dir, 'a', sizeof long_dir - 1);
    long_dir[sizeof long_dir - 1] = '\0';
    assert_int_equal(alsa_audio_ops.open(&ctx, "null", long_dir), KOFU_E_ARG);
    assert_null(ctx);
    alsa_audio_ops.close(NULL);
    alsa_audio_ops.stop(NULL);
    assert_int_equal(alsa_audio_ops.play(NULL, "ja", "welcome"), KOFU_E_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wav_good),
        cmocka_unit_test(test_wav_other_formats),
        cmocka_unit_test(test_wav_truncated_and_huge_lengths),
        cmocka_unit_test(test_wav_chunk_order_and_garbage),
        cmocka_unit_test(test_alsa_plays_to_the_end),
        cmocka_unit_test(test_alsa_cut_and_stop),
        cmocka_unit_test(test_alsa_bad_files),
        cmocka_unit_test(test_alsa_open_failures),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
