/*
 * test_voice.c — the voice prompts (ui/voice.h): every prompt the session
 * can ask for has a name that is a valid prompt file name and words in
 * both languages (Japanese in kana only, English in ASCII); the list of
 * names is complete and without repeats; and the build made a valid WAV
 * for every name in both languages under $KOFU_BUILD/prompts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/audio.h"
#include "base/errors.h"
#include "session/session.h"
#include "diag/diag_types.h"
#include "ui/voice.h"
#include "drivers/wav.h"
#include "tests/lib/files.h"

#define NAMES_MAX 512

/* Decodes one UTF-8 sequence at *s (advancing it); -1 when malformed. */
static long utf8_next(const unsigned char **s)
{
    const unsigned char *p = *s;
    long cp;
    int more;
    if (p[0] < 0x80) {
        cp = p[0];
        more = 0;
    } else if ((p[0] & 0xE0) == 0xC0) {
        cp = p[0] & 0x1F;
        more = 1;
    } else if ((p[0] & 0xF0) == 0xE0) {
        cp = p[0] & 0x0F;
        more = 2;
    } else if ((p[0] & 0xF8) == 0xF0) {
        cp = p[0] & 0x07;
        more = 3;
    } else {
        return -1;
    }
    for (int i = 1; i <= more; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return -1;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    *s = p + 1 + more;
    return cp;
}

static bool is_kanji(long cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x2FFFF);
}

static bool is_kana(long cp)
{
    return (cp >= 0x3041 && cp <= 0x309F) || (cp >= 0x30A0 && cp <= 0x30FF);
}

/* Kana, the ideographic comma and full stop, and spaces; nothing a speech
 * synthesiser would spell out or switch language for. */
static void check_ja_words(const char *name, const char *words)
{
    assert_non_null(words);
    assert_true(strlen(words) > 0);
    const unsigned char *s = (const unsigned char *)words;
    int kana = 0;
    while (*s) {
        long cp = utf8_next(&s);
        if (cp < 0 || is_kanji(cp) || !(is_kana(cp) || cp == 0x3001 || cp == 0x3002 || cp == ' ')) {
            print_error("ja words of %s: U+%04lX not allowed in \"%s\"\n", name, cp, words);
            fail();
        }
        kana += is_kana(cp);
    }
    assert_true(kana > 0);
}

static void check_en_words(const char *name, const char *words)
{
    assert_non_null(words);
    assert_true(strlen(words) > 0);
    for (const char *c = words; *c; c++) {
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7E) {
            print_error("en words of %s are not plain ASCII: \"%s\"\n", name, words);
            fail();
        }
    }
}

static void check_prompt(const char *name)
{
    char path[256];
    assert_true(audio_prompt_path(path, sizeof path, "/dir", "ja", name));
    check_ja_words(name, voice_prompt_text(name, KOFU_LANG_JA));
    check_en_words(name, voice_prompt_text(name, KOFU_LANG_EN));
}

static bool listed(const char *name)
{
    const char *n;
    for (size_t i = 0; (n = voice_prompt_at(i)) != NULL; i++)
        if (!strcmp(n, name))
            return true;
    return false;
}

static void test_every_session_prompt(void **state)
{
    (void)state;
    char name[AUDIO_PROMPT_NAME_MAX + 1];
    for (int p = 0; p < SESSION_PROMPT__COUNT; p++) {
        if (p == SESSION_PROMPT_ERROR || p == SESSION_PROMPT_PIN_TRIES_LEFT)
            continue;
        int n = voice_prompt_name((enum session_prompt)p, KOFU_OK, 0, name, sizeof name);
        assert_true(n > 0);
        assert_int_equal((size_t)n, strlen(name));
        check_prompt(name);
        assert_true(listed(name));
        /* The value a plain prompt does not use changes nothing. */
        char again[sizeof name];
        assert_int_equal(voice_prompt_name((enum session_prompt)p, KOFU_E_PIN_WRONG, 2, again, sizeof again), n);
        assert_string_equal(again, name);
    }
}

static void test_every_error(void **state)
{
    (void)state;
    char name[AUDIO_PROMPT_NAME_MAX + 1];
    int err;
    size_t count = 0;
    for (size_t i = 0; kofu_err_at(i, &err); i++, count++) {
        assert_true(voice_prompt_name(SESSION_PROMPT_ERROR, err, 0, name, sizeof name) > 0);
        char want[AUDIO_PROMPT_NAME_MAX + 1];
        snprintf(want, sizeof want, "error-%s", kofu_err_name(err));
        assert_string_equal(name, want);
        check_prompt(name);
        assert_true(listed(name));
    }
    assert_true(count > 50);
    /* An unknown code speaks as errors.c names it (internal). */
    assert_true(voice_prompt_name(SESSION_PROMPT_ERROR, -9999, 0, name, sizeof name) > 0);
    assert_string_equal(name, "error-internal");
    /* And every error-* prompt stands for a real code. */
    const char *n;
    for (size_t i = 0; (n = voice_prompt_at(i)) != NULL; i++) {
        if (strncmp(n, "error-", 6) != 0)
            continue;
        bool found = false;
        for (size_t k = 0; !found && kofu_err_at(k, &err); k++)
            found = !strcmp(n + 6, kofu_err_name(err));
        if (!found) {
            print_error("%s names no kofu_err\n", n);
            fail();
        }
    }
}

static void test_tries_left(void **state)
{
    (void)state;
    char name[AUDIO_PROMPT_NAME_MAX + 1];
    for (int t = 1; t <= 9; t++) {
        assert_true(voice_prompt_name(SESSION_PROMPT_PIN_TRIES_LEFT, KOFU_OK, t, name, sizeof name) > 0);
        char want[32];
        snprintf(want, sizeof want, "pin-tries-left-%d", t);
        assert_string_equal(name, want);
        check_prompt(name);
        assert_true(listed(name));
    }
    const int bad[] = {0, -1, 10, 100};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(voice_prompt_name(SESSION_PROMPT_PIN_TRIES_LEFT, KOFU_OK, bad[i], name, sizeof name), -1);
}

static void test_refusals(void **state)
{
    (void)state;
    char name[AUDIO_PROMPT_NAME_MAX + 1];
    assert_int_equal(voice_prompt_name(SESSION_PROMPT__COUNT, KOFU_OK, 0, name, sizeof name), -1);
    assert_int_equal(voice_prompt_name((enum session_prompt)-1, KOFU_OK, 0, name, sizeof name), -1);
    char tiny[4];
    assert_int_equal(voice_prompt_name(SESSION_PROMPT_WELCOME, KOFU_OK, 0, tiny, sizeof tiny), -1);
    assert_int_equal(voice_prompt_name(SESSION_PROMPT_ERROR, KOFU_E_PIN_WRONG, 0, tiny, sizeof tiny), -1);
    assert_int_equal(voice_prompt_name(SESSION_PROMPT_WELCOME, KOFU_OK, 0, NULL, 0), -1);
    assert_null(voice_prompt_text("no-such-prompt", KOFU_LANG_JA));
    assert_null(voice_prompt_text("error", KOFU_LANG_EN));
    assert_null(voice_prompt_text(NULL, KOFU_LANG_EN));
}

/* The terms of use: the prompt names the two answers (and what "do not
 * agree" means); a terms change at the center has its own error words. */
static void test_terms(void **state)
{
    (void)state;
    char name[AUDIO_PROMPT_NAME_MAX + 1];
    assert_true(voice_prompt_name(SESSION_PROMPT_TERMS, KOFU_OK, 0, name, sizeof name) > 0);
    assert_string_equal(name, "terms");
    const char *en = voice_prompt_text(name, KOFU_LANG_EN), *ja = voice_prompt_text(name, KOFU_LANG_JA);
    assert_non_null(en);
    assert_non_null(ja);
    assert_non_null(strstr(en, "Agree"));
    assert_non_null(strstr(en, "not read"));
    assert_non_null(strstr(ja, "どういする"));
    assert_non_null(strstr(ja, "どういしない"));
    assert_true(voice_prompt_name(SESSION_PROMPT_ERROR, KOFU_E_TERMS_OUTDATED, 0, name, sizeof name) > 0);
    assert_string_equal(name, "error-terms-outdated");
    assert_non_null(strstr(voice_prompt_text(name, KOFU_LANG_EN), "terms of use"));
}

static void test_list_each_once(void **state)
{
    (void)state;
    const char *names[NAMES_MAX];
    size_t n = 0;
    const char *name;
    while ((name = voice_prompt_at(n)) != NULL) {
        assert_true(n < NAMES_MAX);
        for (size_t k = 0; k < n; k++)
            if (!strcmp(names[k], name)) {
                print_error("%s is listed twice\n", name);
                fail();
            }
        check_prompt(name);
        names[n++] = name;
    }
    int err;
    size_t errors = 0;
    while (kofu_err_at(errors, &err))
        errors++;
    /* The plain prompts, nine tries-left prompts, one per error, the
     * service mode's audio test: no more. */
    assert_int_equal(n, (size_t)(SESSION_PROMPT__COUNT - 2) + 9 + errors + 1);
    assert_non_null(voice_prompt_text(DIAG_TEST_PROMPT, KOFU_LANG_JA));
    assert_non_null(voice_prompt_text(DIAG_TEST_PROMPT, KOFU_LANG_EN));
    assert_null(voice_prompt_at(n + 1));
}

static void test_generated_files(void **state)
{
    (void)state;
    const char *build = getenv("KOFU_BUILD");
    char dir[512];
    snprintf(dir, sizeof dir, "%s/prompts", build && *build ? build : "build");
    const char *langs[] = {"ja", "en"};
    const char *name;
    for (size_t i = 0; (name = voice_prompt_at(i)) != NULL; i++) {
        for (size_t l = 0; l < 2; l++) {
            char path[1024];
            assert_true(audio_prompt_path(path, sizeof path, dir, langs[l], name));
            size_t len = 0;
            uint8_t *data = (uint8_t *)kt_read_file(path, &len);
            if (!data) {
                print_error("%s is missing (make builds it: board/sim/make-prompts.sh)\n", path);
                fail();
            }
            struct wav_info info;
            bool ok = wav_parse(data, len, &info);
            free(data);
            if (!ok || info.channels != 1 || info.bits_per_sample != 16) {
                print_error("%s is not a 16-bit mono PCM WAV\n", path);
                fail();
            }
            /* Spoken words, not an empty file: at least half a second. */
            assert_true(info.frames >= info.sample_rate / 2);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_session_prompt),
        cmocka_unit_test(test_every_error),
        cmocka_unit_test(test_tries_left),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_list_each_once),
        cmocka_unit_test(test_generated_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
