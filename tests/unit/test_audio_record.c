/*
 * test_audio_record.c — the sim board's recording audio sink
 * (drivers/audio/record.c): prompts recorded in memory and to a file, missing
 * and invalid prompt files refused with nothing recorded, names that are
 * not plain prompt words refused.
 */
#include <fcntl.h>
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

#include "drivers/audio/record.h"
#include "base/errors.h"
#include "tests/lib/files.h"

static const struct audio_ops *ops = &record_audio_ops;

struct fixture {
    char dir[64];  /* the prompt directory */
    char log[96];  /* the recording file */
};

static void put_le16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A canonical 44-byte-header WAV of `frames` frames of silence. */
static size_t make_wav(uint8_t *buf, unsigned channels, unsigned bits, unsigned frames)
{
    unsigned block = channels * bits / 8;
    uint32_t data_len = frames * block;
    memcpy(buf, "RIFF", 4);
    put_le32(buf + 4, 36 + data_len);
    memcpy(buf + 8, "WAVEfmt ", 8);
    put_le32(buf + 16, 16);
    put_le16(buf + 20, 1); /* PCM */
    put_le16(buf + 22, channels);
    put_le32(buf + 24, 22050);
    put_le32(buf + 28, 22050 * block);
    put_le16(buf + 32, block);
    put_le16(buf + 34, bits);
    memcpy(buf + 36, "data", 4);
    put_le32(buf + 40, data_len);
    memset(buf + 44, 0, data_len);
    return 44 + data_len;
}

static void write_file(const char *dir, const char *rel, const void *data, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    assert_true(kt_write_file(path, data, len));
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    strcpy(fx->dir, "/tmp/kofu-audio-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    char sub[128];
    snprintf(sub, sizeof sub, "%s/ja", fx->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof sub, "%s/en", fx->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(fx->log, sizeof fx->log, "%s/played.txt", fx->dir);

    static uint8_t wav[44 + 2 * 2 * 400];
    size_t n = make_wav(wav, 1, 16, 400);
    write_file(fx->dir, "ja/pin-enter.wav", wav, n);
    write_file(fx->dir, "en/pin-enter.wav", wav, n);
    write_file(fx->dir, "ja/error-pin-wrong.wav", wav, n);
    write_file(fx->dir, "ja/truncated.wav", wav, n - 10);
    write_file(fx->dir, "ja/empty.wav", wav, 0);
    write_file(fx->dir, "ja/text.wav", "not a wav\n", 10);
    n = make_wav(wav, 2, 16, 400);
    write_file(fx->dir, "ja/stereo.wav", wav, n);
    n = make_wav(wav, 1, 8, 400);
    write_file(fx->dir, "ja/eight-bit.wav", wav, n);
    snprintf(sub, sizeof sub, "%s/ja/a-directory.wav", fx->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    assert_int_equal(system(cmd), 0);
    free(fx);
    return 0;
}

static void test_memory(void **state)
{
    struct fixture *fx = *state;
    void *c = NULL;
    assert_int_equal(ops->open(&c, NULL, fx->dir), KOFU_OK);
    assert_int_equal(record_audio_count(c), 0);
    assert_null(record_audio_at(c, 0));
    assert_int_equal(ops->play(c, "ja", "pin-enter"), KOFU_OK);
    assert_int_equal(ops->play(c, "en", "pin-enter"), KOFU_OK);
    ops->stop(c);
    assert_int_equal(ops->play(c, "ja", "error-pin-wrong"), KOFU_OK);
    assert_int_equal(record_audio_count(c), 3);
    assert_string_equal(record_audio_at(c, 0), "ja/pin-enter");
    assert_string_equal(record_audio_at(c, 1), "en/pin-enter");
    assert_string_equal(record_audio_at(c, 2), "ja/error-pin-wrong");
    assert_null(record_audio_at(c, 3));
    record_audio_reset(c);
    assert_int_equal(record_audio_count(c), 0);
    ops->close(c);

    /* "" is memory only as well. */
    assert_int_equal(ops->open(&c, "", fx->dir), KOFU_OK);
    assert_int_equal(ops->play(c, "ja", "pin-enter"), KOFU_OK);
    assert_int_equal(record_audio_count(c), 1);
    ops->close(c);
}

static void test_memory_keeps_the_latest(void **state)
{
    struct fixture *fx = *state;
    void *c = NULL;
    assert_int_equal(ops->open(&c, NULL, fx->dir), KOFU_OK);
    for (int i = 0; i < AUDIO_RECORD_KEEP + 5; i++)
        assert_int_equal(ops->play(c, i < 5 ? "en" : "ja", "pin-enter"), KOFU_OK);
    assert_int_equal(record_audio_count(c), AUDIO_RECORD_KEEP);
    assert_string_equal(record_audio_at(c, 0), "ja/pin-enter"); /* the five "en" made room */
    assert_int_equal(ops->play(c, "ja", "error-pin-wrong"), KOFU_OK);
    assert_string_equal(record_audio_at(c, AUDIO_RECORD_KEEP - 1), "ja/error-pin-wrong");
    ops->close(c);
}

/* The log's text, valid until the next call. */
static char *read_all(const char *path)
{
    static char *last;
    free(last);
    last = kt_read_file(path, NULL);
    return last;
}

static void test_file(void **state)
{
    struct fixture *fx = *state;
    void *c = NULL;
    unlink(fx->log);
    assert_int_equal(ops->open(&c, fx->log, fx->dir), KOFU_OK);
    assert_int_equal(ops->play(c, "ja", "pin-enter"), KOFU_OK);
    /* On disk at once, not at close. */
    assert_string_equal(read_all(fx->log), "ja pin-enter\n");
    assert_int_equal(ops->play(c, "en", "pin-enter"), KOFU_OK);
    assert_int_equal(ops->play(c, "ja", "missing"), KOFU_E_AUDIO);
    ops->close(c);
    /* Appended, never truncated, by a second sink. */
    assert_int_equal(ops->open(&c, fx->log, fx->dir), KOFU_OK);
    assert_int_equal(ops->play(c, "ja", "error-pin-wrong"), KOFU_OK);
    ops->close(c);
    assert_string_equal(read_all(fx->log), "ja pin-enter\nen pin-enter\nja error-pin-wrong\n");
    struct stat st;
    assert_int_equal(stat(fx->log, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* A recording file that cannot be opened is an audio failure. */
    char bad[160];
    snprintf(bad, sizeof bad, "%s/no-such-dir/played.txt", fx->dir);
    c = NULL;
    assert_int_equal(ops->open(&c, bad, fx->dir), KOFU_E_AUDIO);
    assert_null(c);
    assert_int_equal(ops->open(&c, NULL, NULL), KOFU_E_CONFIG);
}

static void test_missing_or_invalid(void **state)
{
    struct fixture *fx = *state;
    void *c = NULL;
    unlink(fx->log);
    assert_int_equal(ops->open(&c, fx->log, fx->dir), KOFU_OK);
    const char *bad[] = {"missing", "truncated", "empty", "text", "stereo", "eight-bit", "a-directory"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ops->play(c, "ja", bad[i]), KOFU_E_AUDIO);
    /* Present in ja only. */
    assert_int_equal(ops->play(c, "en", "error-pin-wrong"), KOFU_E_AUDIO);
    assert_int_equal(record_audio_count(c), 0);
    ops->close(c);
    char *logged = read_all(fx->log);
    assert_non_null(logged);
    assert_string_equal(logged, "");
}

static void test_bad_names(void **state)
{
    struct fixture *fx = *state;
    void *c = NULL;
    assert_int_equal(ops->open(&c, fx->log, fx->dir), KOFU_OK);
    const char *names[] = {"", "../ja/pin-enter", "pin enter", "PIN-ENTER", "pin_enter", "pin-enter.wav",
                           "ja/pin-enter", "ピン",
                           "a-very-long-prompt-name-that-is-longer-than-sixty-four-characters-x"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        assert_int_equal(ops->play(c, "ja", names[i]), KOFU_E_ARG);
    assert_int_equal(ops->play(c, "ja", NULL), KOFU_E_ARG);
    const char *langs[] = {"", "fr", "JA", "../ja", "j", "jaa"};
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++)
        assert_int_equal(ops->play(c, langs[i], "pin-enter"), KOFU_E_ARG);
    assert_int_equal(ops->play(c, NULL, "pin-enter"), KOFU_E_ARG);
    assert_int_equal(record_audio_count(c), 0);
    ops->close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_memory_keeps_the_latest),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_missing_or_invalid),
        cmocka_unit_test(test_bad_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
