/*
 * test_maint_cred.c — the maintenance credentials (diag/maint_cred.h): the
 * KDFs give RFC 7914's vectors (§11 PBKDF2-HMAC-SHA256, §12 scrypt); lines
 * made by another implementation (Python's hashlib) verify; the right code
 * is taken and a wrong one, an unknown id, a bad code refused; malformed
 * lines, out-of-bounds costs and duplicate ids make the file refused; a
 * fresh line round-trips; an unknown id costs about what a known one does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/clock.h"
#include "base/errors.h"
#include "diag/maint_cred.h"
#include "tests/lib/tmp.h"

/* Made with Python's hashlib (an implementation independent of kofu's):
 * pbkdf2_hmac("sha256", b"20260101", bytes(range(16)), 600000, 32) and
 * scrypt(b"98765432", salt=b"kofu-test-salt!!", n=2**14, r=8, p=1, dklen=32). */
#define LINE_PBKDF2 "123456 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw"
#define LINE_SCRYPT "123457 $scrypt$ln=14,r=8,p=1$a29mdS10ZXN0LXNhbHQhIQ$OoRs3Zlg//yZQhViQx7x0ZWmK+Ws9tm3IQPSWPdsDmY"

static void hex_to(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static void kdf_vector(int alg, uint64_t iter, unsigned ln, unsigned r, unsigned p, const char *pw, const char *salt,
                       const char *hex)
{
    struct maint_phc ph = {0};
    ph.alg = alg;
    ph.iter = iter;
    ph.ln = ln;
    ph.r = r;
    ph.p = p;
    ph.salt_len = strlen(salt);
    memcpy(ph.salt, salt, ph.salt_len);
    uint8_t want[64], got[64];
    hex_to(hex, want, sizeof want);
    assert_int_equal(maint_cred_derive(&ph, (const uint8_t *)pw, strlen(pw), got, sizeof got), KOFU_OK);
    assert_memory_equal(got, want, sizeof want);
}

static void test_rfc7914_vectors(void **state)
{
    (void)state;
    /* §11 */
    kdf_vector(MAINT_PBKDF2_SHA256, 1, 0, 0, 0, "passwd", "salt",
               "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
               "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    kdf_vector(MAINT_PBKDF2_SHA256, 80000, 0, 0, 0, "Password", "NaCl",
               "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
               "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
    /* §12 */
    kdf_vector(MAINT_SCRYPT, 0, 10, 8, 16, "password", "NaCl",
               "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
               "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
    kdf_vector(MAINT_SCRYPT, 0, 14, 8, 1, "pleaseletmein", "SodiumChloride",
               "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
               "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
}

static void test_verify(void **state)
{
    (void)state;
    const char *path = kt_temp_text("cred", LINE_PBKDF2 "\n" LINE_SCRYPT "\n");
    assert_non_null(path);
    assert_int_equal(maint_cred_verify(path, 123456, "20260101"), KOFU_OK);
    assert_int_equal(maint_cred_verify(path, 123457, "98765432"), KOFU_OK);
    /* Wrong code, another's code, an unknown id, the console's id. */
    assert_int_equal(maint_cred_verify(path, 123456, "20260102"), KOFU_E_SERVICE_DENIED);
    assert_int_equal(maint_cred_verify(path, 123456, "98765432"), KOFU_E_SERVICE_DENIED);
    assert_int_equal(maint_cred_verify(path, 123458, "20260101"), KOFU_E_SERVICE_DENIED);
    assert_int_equal(maint_cred_verify(path, 0, "20260101"), KOFU_E_SERVICE_DENIED);
    /* Not a code: too short, too long, not digits. */
    assert_int_equal(maint_cred_verify(path, 123456, "12345"), KOFU_E_ARG);
    assert_int_equal(maint_cred_verify(path, 123456, "1234567890123"), KOFU_E_ARG);
    assert_int_equal(maint_cred_verify(path, 123456, "2026010a"), KOFU_E_ARG);
    assert_int_equal(maint_cred_verify(path, 123456, NULL), KOFU_E_ARG);
    /* No file. */
    assert_int_equal(maint_cred_verify("/nonexistent/kofu/maintenance.cred", 123456, "20260101"), KOFU_E_CONFIG);
    assert_int_equal(maint_cred_verify("", 123456, "20260101"), KOFU_E_CONFIG);
    /* An empty file knows no one. */
    const char *empty = kt_temp_text("cred-empty", "");
    assert_int_equal(maint_cred_verify(empty, 123456, "20260101"), KOFU_E_SERVICE_DENIED);
}

/* The fastest of three refusals of id with a wrong code: the least a
 * refusal costs, free of a busy machine's pauses (one slow run must not
 * make a test of the work done fail). */
static double fastest_ms(const char *path, uint32_t id)
{
    double best = 1e9;
    for (int i = 0; i < 3; i++) {
        double t0 = kofu_mono_ms_f();
        bool known;
        assert_int_equal(maint_cred_verify_id(path, id, "11111111", &known), KOFU_E_SERVICE_DENIED);
        double t = kofu_mono_ms_f() - t0;
        if (t < best)
            best = t;
    }
    return best;
}

static void test_unknown_id_costs_the_same(void **state)
{
    (void)state;
    const char *path = kt_temp_text("cred-time", LINE_PBKDF2 "\n");
    double known = fastest_ms(path, 123456), unknown = fastest_ms(path, 999);
    print_message("known id %.0f ms, unknown id %.0f ms\n", known, unknown);
    /* The slow hash is done for both: not a quick refusal for the unknown
     * (a quick one would take well under a millisecond). */
    assert_true(unknown > known * 0.5);
    assert_true(unknown < known * 3.0);
}

/* Whether the id was known comes with the verdict, after the same slow
 * work: the service mode logs a refused id only when the file has it. */
static void test_id_known(void **state)
{
    (void)state;
    const char *path = kt_temp_text("cred-known", LINE_PBKDF2 "\n" LINE_SCRYPT "\n");
    assert_non_null(path);
    bool known = false;
    assert_int_equal(maint_cred_verify_id(path, 123456, "20260101", &known), KOFU_OK);
    assert_true(known);
    known = false;
    assert_int_equal(maint_cred_verify_id(path, 123456, "20260102", &known), KOFU_E_SERVICE_DENIED);
    assert_true(known);
    known = true;
    /* A code typed into the id field: denied, and not known. */
    assert_int_equal(maint_cred_verify_id(path, 20260101, "20260101", &known), KOFU_E_SERVICE_DENIED);
    assert_false(known);
    known = true;
    assert_int_equal(maint_cred_verify_id(path, 0, "20260101", &known), KOFU_E_SERVICE_DENIED);
    assert_false(known);
    known = true;
    assert_int_equal(maint_cred_verify_id("/nonexistent/kofu/maintenance.cred", 123456, "20260101", &known),
                     KOFU_E_CONFIG);
    assert_false(known);
    known = true;
    assert_int_equal(maint_cred_verify_id(path, 123456, "123", &known), KOFU_E_ARG);
    assert_false(known);
    /* The same slow work either way. */
    double t_known = fastest_ms(path, 123456), t_unknown = fastest_ms(path, 77777777);
    assert_true(t_unknown > t_known * 0.5);
    assert_true(t_unknown < t_known * 3.0);
}

static int parse(const char *s, uint32_t *id)
{
    kofu_cur c;
    cur_init(&c, (const uint8_t *)s, strlen(s));
    return maint_cred_parse_line(c, id);
}

static void test_malformed_lines(void **state)
{
    (void)state;
    uint32_t id = 7;
    assert_int_equal(parse(LINE_PBKDF2, &id), KOFU_OK);
    assert_int_equal(id, 123456);
    assert_int_equal(parse(LINE_SCRYPT, &id), KOFU_OK);
    assert_int_equal(id, 123457);
    static const char *const bad[] = {
        "",
        "123456",
        "123456 ",
        " 123456 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "123456  $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "0 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "0123 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "123456789 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "-12 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "123456 $pbkdf2-sha1$i=600000$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "123456 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw ",
        "123456 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw=",
        "123456 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw==$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "123456 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODx$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw", /* low bits set */
        "123456 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0OD$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",  /* 4n+1 chars */
        "123456 $pbkdf2-sha256$i=600000$AAECAwQFBg-ICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw", /* url alphabet */
        "123456 $pbkdf2-sha256$i=600000$AAECAw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",                 /* salt 4 bytes */
        "123456 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCY",                                 /* hash 8 bytes */
        "123456 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$",
        "123456 $pbkdf2-sha256$i=600000$$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "123456 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw",
        "123456 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw$",
        /* absurd or weak costs */
        "123456 $pbkdf2-sha256$i=1099511627776$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "123456 $pbkdf2-sha256$i=5000001$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "123456 $pbkdf2-sha256$i=9999$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "123456 $pbkdf2-sha256$i=0600000$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "123456 $pbkdf2-sha256$i=$AAECAwQFBgcICQoLDA0ODw$4xuL+Hx3FCYyyNQ/OTRosOQMmyMssXG53ZH5nvjWfiw",
        "123457 $scrypt$ln=21,r=8,p=1$a29mdS10ZXN0LXNhbHQhIQ$OoRs3Zlg//yZQhViQx7x0ZWmK+Ws9tm3IQPSWPdsDmY",
        "123457 $scrypt$ln=40,r=8,p=1$a29mdS10ZXN0LXNhbHQhIQ$OoRs3Zlg//yZQhViQx7x0ZWmK+Ws9tm3IQPSWPdsDmY",
        "123457 $scrypt$ln=20,r=8,p=1$a29mdS10ZXN0LXNhbHQhIQ$OoRs3Zlg//yZQhViQx7x0ZWmK+Ws9tm3IQPSWPdsDmY", /* 1 GiB */
        "123457 $scrypt$ln=9,r=8,p=1$a29mdS10ZXN0LXNhbHQhIQ$OoRs3Zlg//yZQhViQx7x0ZWmK+Ws9tm3IQPSWPdsDmY",
        "123457 $scrypt$ln=14,r=0,p=1$a29mdS10ZXN0LXNhbHQhIQ$OoRs3Zlg//yZQhViQx7x0ZWmK+Ws9tm3IQPSWPdsDmY",
        "123457 $scrypt$ln=14,r=8,p=17$a29mdS10ZXN0LXNhbHQhIQ$OoRs3Zlg//yZQhViQx7x0ZWmK+Ws9tm3IQPSWPdsDmY",
        "123457 $scrypt$ln=14,r=8$a29mdS10ZXN0LXNhbHQhIQ$OoRs3Zlg//yZQhViQx7x0ZWmK+Ws9tm3IQPSWPdsDmY",
        "123457 $scrypt$ln=14,r=8,p=1,x=2$a29mdS10ZXN0LXNhbHQhIQ$OoRs3Zlg//yZQhViQx7x0ZWmK+Ws9tm3IQPSWPdsDmY",
        "123457 $scrypt$r=8,ln=14,p=1$a29mdS10ZXN0LXNhbHQhIQ$OoRs3Zlg//yZQhViQx7x0ZWmK+Ws9tm3IQPSWPdsDmY",
        "123457 $argon2id$v=19$m=65536,t=2,p=1$a29mdS10ZXN0LXNhbHQhIQ$OoRs3Zlg//yZQhViQx7x0ZWmK+Ws9tm3IQPSWPdsDmY",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        id = 7;
        if (parse(bad[i], &id) != KOFU_E_CONFIG)
            fail_msg("accepted: %s", bad[i]);
        assert_int_equal(id, 0);
    }
    /* Over MAINT_LINE_MAX. */
    char longline[MAINT_LINE_MAX + 64];
    snprintf(longline, sizeof longline, "%s%0*d", "1 $pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw$", MAINT_LINE_MAX, 0);
    assert_int_equal(parse(longline, &id), KOFU_E_CONFIG);
}

static void test_file_refused(void **state)
{
    (void)state;
    /* A damaged line anywhere, even after the id's own: the file is refused. */
    const char *damaged = kt_temp_text("cred-bad", LINE_PBKDF2 "\n123457 $scrypt$garbage\n");
    assert_int_equal(maint_cred_verify(damaged, 123456, "20260101"), KOFU_E_CONFIG);
    const char *dup = kt_temp_text("cred-dup", LINE_PBKDF2 "\n" LINE_PBKDF2 "\n");
    assert_int_equal(maint_cred_verify(dup, 123456, "20260101"), KOFU_E_CONFIG);
    const char *no_lf = kt_temp_text("cred-nolf", LINE_PBKDF2);
    assert_int_equal(maint_cred_verify(no_lf, 123456, "20260101"), KOFU_E_CONFIG);
    const char *blank = kt_temp_text("cred-blank", LINE_PBKDF2 "\n\n");
    assert_int_equal(maint_cred_verify(blank, 123456, "20260101"), KOFU_E_CONFIG);
    const char *crlf = kt_temp_text("cred-crlf", LINE_PBKDF2 "\r\n");
    assert_int_equal(maint_cred_verify(crlf, 123456, "20260101"), KOFU_E_CONFIG);
}

static void test_make_line(void **state)
{
    (void)state;
    char a[MAINT_LINE_MAX + 1], b[MAINT_LINE_MAX + 1], file[2 * MAINT_LINE_MAX + 4];
    assert_int_equal(maint_cred_make_line(42, "123456789012", a, sizeof a), KOFU_OK);
    assert_int_equal(maint_cred_make_line(42, "123456789012", b, sizeof b), KOFU_OK);
    assert_string_not_equal(a, b); /* a fresh salt each time */
    assert_int_equal(strncmp(a, "42 $pbkdf2-sha256$i=600000$", 27), 0);
    uint32_t id;
    assert_int_equal(parse(a, &id), KOFU_OK);
    assert_int_equal(id, 42);
    snprintf(file, sizeof file, "%s\n", a);
    const char *path = kt_temp_text("cred-made", file);
    assert_int_equal(maint_cred_verify(path, 42, "123456789012"), KOFU_OK);
    assert_int_equal(maint_cred_verify(path, 42, "123456789013"), KOFU_E_SERVICE_DENIED);
    /* Refused: a bad code, id 0, too many digits, no room. */
    assert_int_equal(maint_cred_make_line(42, "12345", a, sizeof a), KOFU_E_ARG);
    assert_int_equal(maint_cred_make_line(0, "123456", a, sizeof a), KOFU_E_ARG);
    assert_int_equal(maint_cred_make_line(100000000u, "123456", a, sizeof a), KOFU_E_ARG);
    assert_int_equal(maint_cred_make_line(42, "123456", a, 20), KOFU_E_ARG);
    assert_string_equal(a, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc7914_vectors),
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_unknown_id_costs_the_same),
        cmocka_unit_test(test_id_known),
        cmocka_unit_test(test_malformed_lines),
        cmocka_unit_test(test_file_refused),
        cmocka_unit_test(test_make_line),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    kt_temp_files_remove();
    return rc;
}
