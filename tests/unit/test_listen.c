/*
 * test_listen.c — tests/lib/listen.h names the prompts in a recording made
 * the way the kiosk image's speaker is recorded: 44.1 kHz stereo, from
 * 22.05 kHz mono prompt files, one prompt cut short by the next, quieter,
 * with silence and noise between.
 */
#include "tests/lib/listen.h"
#include "tests/lib/files.h"
#include "tests/lib/tmp.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* The prompts of the build under test ($KOFU_BUILD, as tests/run-suite.sh sets it). */
static char prompts[256];
#define PROMPTS prompts

static int16_t *load_mono(const char *name, size_t *frames)
{
    char path[400];
    snprintf(path, sizeof path, "%.255s/%.100s.wav", PROMPTS, name);
    size_t len = 0;
    uint8_t *b = (uint8_t *)kt_read_file(path, &len);
    assert_non_null(b);
    /* espeak's files: a 44-byte canonical header, 22050 Hz mono s16. */
    assert_true(len > 44 && !memcmp(b + 36, "data", 4));
    *frames = (len - 44) / 2;
    int16_t *s = malloc(*frames * 2);
    memcpy(s, b + 44, *frames * 2);
    free(b);
    return s;
}

struct rec {
    int16_t *s; /* stereo frames at 44.1 kHz */
    size_t n, cap;
};

static void put(struct rec *r, int16_t v)
{
    if (r->n + 2 > r->cap) {
        r->cap = r->cap ? r->cap * 2 : 1 << 20;
        r->s = realloc(r->s, r->cap * 2);
    }
    r->s[r->n++] = v;
    r->s[r->n++] = v;
}

/* A prompt at twice the rate (each sample twice), scaled, at most max_s seconds. */
static void play(struct rec *r, const char *name, double gain, double max_s)
{
    size_t n;
    int16_t *m = load_mono(name, &n);
    size_t limit = (size_t)(max_s * 22050);
    for (size_t i = 0; i < n && i < limit; i++) {
        put(r, (int16_t)(m[i] * gain));
        put(r, (int16_t)(m[i] * gain));
    }
    free(m);
}

static void quiet(struct rec *r, double s)
{
    for (size_t i = 0; i < (size_t)(s * 44100); i++)
        put(r, (int16_t)((rand() % 21) - 10));
}

static const char *save(struct rec *r, bool header_unfinished)
{
    size_t data = r->n * 2;
    uint8_t *w = malloc(44 + data);
    memcpy(w, "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x02\0\x44\xac\0\0\x10\xb1\x02\0\x04\0\x10\0data\0\0\0\0", 44);
    if (!header_unfinished) {
        uint32_t riff = (uint32_t)(36 + data), d = (uint32_t)data;
        memcpy(w + 4, &riff, 4);
        memcpy(w + 40, &d, 4);
    }
    memcpy(w + 44, r->s, data);
    const char *path = kt_temp_file("rec", w, 44 + data);
    free(w);
    return path;
}

static void test_prompts_named_in_order(void **state)
{
    (void)state;
    struct rec r = {0};
    quiet(&r, 0.7);
    play(&r, "card-placed", 1.0, 99);
    quiet(&r, 0.3);
    play(&r, "confirm", 0.5, 2.0); /* cut short by the next, quieter */
    play(&r, "closed", 1.0, 99);
    quiet(&r, 1.0);
    struct kt_heard h;
    assert_int_equal(kt_listen(save(&r, true), PROMPTS, &h), 0);
    for (int i = 0; i < h.n; i++)
        fprintf(stderr, "heard %s at %.2f s\n", h.names[i], h.at[i]);
    assert_int_equal(h.n, 3);
    assert_string_equal(h.names[0], "card-placed");
    assert_string_equal(h.names[1], "confirm");
    assert_string_equal(h.names[2], "closed");
    assert_true(h.sound_seconds > 10 && h.sound_seconds < h.seconds);
    free(r.s);
}

static void test_silence_and_noise_are_no_prompt(void **state)
{
    (void)state;
    struct rec r = {0};
    quiet(&r, 3);
    for (int i = 0; i < 44100; i++)
        put(&r, (int16_t)((rand() % 20001) - 10000)); /* a second of loud noise */
    struct kt_heard h;
    assert_int_equal(kt_listen(save(&r, false), PROMPTS, &h), 0);
    assert_int_equal(h.n, 0);
    assert_true(h.sound_seconds > 0.9 && h.sound_seconds < 1.1);
    free(r.s);
}

static void test_not_a_wav(void **state)
{
    (void)state;
    struct kt_heard h;
    assert_int_equal(kt_listen(kt_temp_text("rec", "RIFF....WAVEjunk"), PROMPTS, &h), -1);
}

int main(void)
{
    snprintf(prompts, sizeof prompts, "%s/prompts/ja", getenv("KOFU_BUILD") ? getenv("KOFU_BUILD") : "build");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prompts_named_in_order),
        cmocka_unit_test(test_silence_and_noise_are_no_prompt),
        cmocka_unit_test(test_not_a_wav),
    };
    return cmocka_run_group_tests(tests, NULL, kt_temp_teardown);
}
