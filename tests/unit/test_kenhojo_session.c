/*
 * test_kenhojo_session.c — kenhojo_open / pin_status / verify_pin / read
 * against a small in-test card model (SELECT, VERIFY, READ BINARY, GET
 * RESPONSE over in-memory files) behind a fake card_reader_ops. Switches on
 * the model give the card behaviours the reader must cope with: short
 * answers at the end, 6B00 / 6282 at the end, a small per-READ limit, 6Cxx,
 * 61xx, and status-word overrides.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/card_reader.h"
#include "base/errors.h"
#include "card/kenhojo.h"
#include "kenhojo_testfiles.h"
#include "base/vault.h"

#define MAX_FILES 8
#define LOG_MAX 256

struct fc_file {
    uint16_t fid;
    const uint8_t *p;
    size_t len;
    bool needs_pin;
};

struct fake_card {
    struct fc_file files[MAX_FILES];
    size_t nfiles;
    /* PIN */
    const char *pin;
    int tries, max_tries;
    bool verified;
    /* behaviour switches */
    uint16_t aid_sw[4]; /* answers to SELECT AID, in order; then the normal one */
    size_t n_aid_sw, aid_pos;
    uint16_t status_sw;  /* nonzero: the answer to VERIFY without data */
    uint16_t verify_sw;  /* nonzero: the answer to VERIFY with data */
    uint16_t read_sw;    /* nonzero: the answer to every READ BINARY */
    size_t max_chunk;    /* 0: 256 */
    bool eof_6b00;       /* READ at the end of the file: 6B00 (else 9000, no data) */
    bool eof_6282;       /* a short answer reaching the end carries 6282 */
    bool le_6c;          /* Le beyond the end: 6Cxx first */
    bool get_response;   /* data comes through 61xx + GET RESPONSE */
    bool one_too_many;   /* READ with Le < 256 answers Le + 1 bytes (FF past the end) */
    int transport_error_at; /* nonzero: the Nth C-APDU fails with KOFU_E_CARD_REMOVED */
    /* state */
    bool ap_selected;
    uint16_t ef;
    uint8_t pending[300];
    size_t pending_len;
    /* log */
    unsigned n_apdus, n_select_ef, n_verify;
    unsigned n_reads[0x20];
    uint8_t log[LOG_MAX][8]; /* first 8 bytes of each C-APDU */
    size_t log_len[LOG_MAX];
};

static struct fake_card FC;
static struct tf_set FILES;

static const uint8_t KENHOJO_AID_BYTES[] = {0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08};

static const struct fc_file *fc_find(uint16_t fid)
{
    for (size_t i = 0; i < FC.nfiles; i++)
        if (FC.files[i].fid == fid)
            return &FC.files[i];
    return NULL;
}

static size_t answer(uint8_t *r, const uint8_t *data, size_t n, uint16_t sw)
{
    if (n)
        memcpy(r, data, n);
    r[n] = (uint8_t)(sw >> 8);
    r[n + 1] = (uint8_t)sw;
    return n + 2;
}

static size_t fc_read(const uint8_t *c, size_t clen, uint8_t *r)
{
    const struct fc_file *f = fc_find(FC.ef);
    if (clen != 5 || !f)
        return answer(r, NULL, 0, 0x6986);
    if (FC.ef < 0x20)
        FC.n_reads[FC.ef]++;
    if (FC.read_sw)
        return answer(r, NULL, 0, FC.read_sw);
    if (f->needs_pin && !FC.verified)
        return answer(r, NULL, 0, 0x6982);
    size_t off = ((size_t)c[2] << 8) | c[3];
    size_t le = c[4] ? c[4] : 256;
    if (off > f->len || (off == f->len && FC.eof_6b00))
        return answer(r, NULL, 0, 0x6B00);
    size_t left = f->len - off;
    if (FC.le_6c && le > left && left > 0)
        return answer(r, NULL, 0, (uint16_t)(0x6C00 | (left & 0xFF)));
    size_t n = le < left ? le : left;
    if (FC.max_chunk && n > FC.max_chunk)
        n = FC.max_chunk;
    if (FC.one_too_many && le < 256) {
        uint8_t tmp[256];
        memset(tmp, 0xFF, sizeof tmp);
        memcpy(tmp, f->p + off, n);
        return answer(r, tmp, le + 1, 0x9000);
    }
    uint16_t sw = (FC.eof_6282 && n < le && off + n == f->len) ? 0x6282 : 0x9000;
    if (FC.get_response && n > 0) {
        memcpy(FC.pending, f->p + off, n);
        FC.pending_len = n;
        return answer(r, NULL, 0, (uint16_t)(0x6100 | (n & 0xFF)));
    }
    return answer(r, f->p + off, n, sw);
}

static size_t fc_verify(const uint8_t *c, size_t clen, uint8_t *r)
{
    FC.n_verify++;
    if (FC.ef != KENHOJO_EF_PIN)
        return answer(r, NULL, 0, 0x6986);
    if (clen == 4) { /* status query */
        if (FC.status_sw)
            return answer(r, NULL, 0, FC.status_sw);
        return answer(r, NULL, 0, (uint16_t)(0x63C0 | FC.tries));
    }
    if (FC.verify_sw)
        return answer(r, NULL, 0, FC.verify_sw);
    if (FC.tries == 0)
        return answer(r, NULL, 0, 0x6984);
    if (clen == 9 && c[4] == 4 && memcmp(c + 5, FC.pin, 4) == 0) {
        FC.verified = true;
        FC.tries = FC.max_tries;
        return answer(r, NULL, 0, 0x9000);
    }
    FC.verified = false;
    FC.tries--;
    return answer(r, NULL, 0, (uint16_t)(0x63C0 | FC.tries));
}

static int fc_transmit(void *ctx, const uint8_t *c, size_t clen, uint8_t *r, size_t *rlen)
{
    (void)ctx;
    assert_true(*rlen >= 258);
    assert_true(clen >= 4);
    if (FC.n_apdus < LOG_MAX) {
        size_t k = clen < 8 ? clen : 8;
        memcpy(FC.log[FC.n_apdus], c, k);
        FC.log_len[FC.n_apdus] = clen;
    }
    FC.n_apdus++;
    if (FC.transport_error_at && (int)FC.n_apdus == FC.transport_error_at)
        return KOFU_E_CARD_REMOVED;
    if (c[0] != 0x00) {
        *rlen = answer(r, NULL, 0, 0x6E00);
        return KOFU_OK;
    }
    switch (c[1]) {
    case 0xA4:
        if (c[2] == 0x04) {
            if (FC.aid_pos < FC.n_aid_sw) {
                *rlen = answer(r, NULL, 0, FC.aid_sw[FC.aid_pos++]);
                return KOFU_OK;
            }
            FC.ap_selected = clen == 15 && c[4] == 10 && memcmp(c + 5, KENHOJO_AID_BYTES, 10) == 0;
            FC.ef = 0;
            *rlen = answer(r, NULL, 0, FC.ap_selected ? 0x9000 : 0x6A82);
            return KOFU_OK;
        }
        if (c[2] == 0x02 && clen == 7 && c[4] == 2) {
            FC.n_select_ef++;
            uint16_t fid = (uint16_t)((c[5] << 8) | c[6]);
            if (FC.ap_selected && (fid == KENHOJO_EF_PIN || fc_find(fid))) {
                FC.ef = fid;
                *rlen = answer(r, NULL, 0, 0x9000);
            } else {
                *rlen = answer(r, NULL, 0, 0x6A82);
            }
            return KOFU_OK;
        }
        *rlen = answer(r, NULL, 0, 0x6A86);
        return KOFU_OK;
    case 0x20:
        *rlen = fc_verify(c, clen, r);
        return KOFU_OK;
    case 0xB0:
        *rlen = fc_read(c, clen, r);
        return KOFU_OK;
    case 0xC0: {
        size_t le = c[4] ? c[4] : 256;
        size_t n = le < FC.pending_len ? le : FC.pending_len;
        *rlen = answer(r, FC.pending, n, 0x9000);
        FC.pending_len = 0;
        return KOFU_OK;
    }
    default:
        *rlen = answer(r, NULL, 0, 0x6D00);
        return KOFU_OK;
    }
}

static const struct card_reader_ops FC_OPS = {.transmit = fc_transmit};
static struct card_reader READER = {&FC_OPS, NULL, 0};

static void fc_add(uint16_t fid, const uint8_t *p, size_t len, bool needs_pin)
{
    assert_true(FC.nfiles < MAX_FILES);
    FC.files[FC.nfiles++] = (struct fc_file){fid, p, len, needs_pin};
}

/* The normal card: PIN 1234, 3 tries, all five files. */
static void fc_normal(void)
{
    memset(&FC, 0, sizeof FC);
    FC.pin = "1234";
    FC.tries = FC.max_tries = 3;
    fc_add(0x0001, FILES.ef1, FILES.ef1_len, true);
    fc_add(0x0002, FILES.ef2, FILES.ef2_len, true);
    fc_add(0x0003, FILES.ef3, FILES.ef3_len, true);
    fc_add(0x0004, FILES.ef4, FILES.ef4_len, false);
    fc_add(0x0007, FILES.ef7, FILES.ef7_len, true);
}

static void fc_set_file(uint16_t fid, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < FC.nfiles; i++)
        if (FC.files[i].fid == fid) {
            FC.files[i].p = p;
            FC.files[i].len = len;
            return;
        }
    fail_msg("no file %04x", fid);
}

static void fc_remove_file(uint16_t fid)
{
    for (size_t i = 0; i < FC.nfiles; i++)
        if (FC.files[i].fid == fid) {
            FC.files[i] = FC.files[--FC.nfiles];
            return;
        }
}

static int group_setup(void **state)
{
    (void)state;
    if (vault_init(256 * 1024) != KOFU_OK)
        return -1;
    return tf_set_pattern(&FILES) ? 0 : -1;
}

static int setup(void **state)
{
    vault_wipe();
    struct kenhojo_card_data *d = kenhojo_card_data_new();
    if (!d)
        return -1;
    *state = d;
    fc_normal();
    READER.apdu_count = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vault_wipe();
    return vault_is_clean() ? 0 : -1;
}

/* open + pin_status + verify("1234"), asserting every step. */
static void open_and_verify(struct kenhojo_session *s)
{
    int tries = 99;
    assert_int_equal(kenhojo_open(s, &READER), KOFU_OK);
    assert_int_equal(kenhojo_pin_status(s, &tries), KOFU_OK);
    assert_int_equal(tries, FC.tries);
    assert_int_equal(kenhojo_verify_pin(s, "1234", false, &tries), KOFU_OK);
    assert_true(FC.verified);
}

/* ---- open ---- */

static void test_open_selects_aid(void **state)
{
    (void)state;
    struct kenhojo_session s;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    assert_int_equal(READER.apdu_count, 1);
    assert_int_equal(FC.log_len[0], 15);
    static const uint8_t head[8] = {0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0x10};
    assert_memory_equal(FC.log[0], head, 8);
    assert_true(FC.ap_selected);
    assert_ptr_equal(s.reader, &READER);
    assert_int_equal(s.tries_left, KENHOJO_TRIES_UNKNOWN);
    assert_false(s.pin_status_read);
}

static void test_open_not_myna(void **state)
{
    (void)state;
    struct kenhojo_session s;
    FC.aid_sw[0] = 0x6A82;
    FC.n_aid_sw = 1;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_E_NOT_MYNA);
    assert_int_equal(READER.apdu_count, 1);
}

static void test_open_power_up_glitch(void **state)
{
    (void)state;
    struct kenhojo_session s;
    /* 6F00 once, then the real answer: one retry. */
    FC.aid_sw[0] = 0x6F00;
    FC.n_aid_sw = 1;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    assert_int_equal(READER.apdu_count, 2);
    /* 6F00 twice: no third try. */
    fc_normal();
    READER.apdu_count = 0;
    FC.aid_sw[0] = FC.aid_sw[1] = 0x6F00;
    FC.n_aid_sw = 2;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_E_CARD_STATUS);
    assert_int_equal(READER.apdu_count, 2);
    /* Anything else unexpected: no retry. */
    fc_normal();
    READER.apdu_count = 0;
    FC.aid_sw[0] = 0x6999;
    FC.n_aid_sw = 1;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_E_CARD_STATUS);
    assert_int_equal(READER.apdu_count, 1);
    /* 6F00 then 6A82: not a My Number card. */
    fc_normal();
    FC.aid_sw[0] = 0x6F00;
    FC.aid_sw[1] = 0x6A82;
    FC.n_aid_sw = 2;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_E_NOT_MYNA);
}

static void test_open_transport_error(void **state)
{
    (void)state;
    struct kenhojo_session s;
    FC.transport_error_at = 1;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_E_CARD_REMOVED);
}

/* ---- PIN status ---- */

static void test_pin_status_apdus(void **state)
{
    (void)state;
    struct kenhojo_session s;
    int tries = 99;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_OK);
    assert_int_equal(tries, 3);
    assert_int_equal(s.tries_left, 3);
    assert_true(s.pin_status_read);
    assert_int_equal(READER.apdu_count, 3);
    /* SELECT 0011, then VERIFY with no data (case 1, 4 bytes). */
    static const uint8_t sel[7] = {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x11};
    static const uint8_t q[4] = {0x00, 0x20, 0x00, 0x80};
    assert_int_equal(FC.log_len[1], 7);
    assert_memory_equal(FC.log[1], sel, 7);
    assert_int_equal(FC.log_len[2], 4);
    assert_memory_equal(FC.log[2], q, 4);
    /* No try spent. */
    assert_int_equal(FC.tries, 3);
    /* A second query does not SELECT again. */
    assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_OK);
    assert_int_equal(READER.apdu_count, 4);
}

static void test_pin_status_answers(void **state)
{
    (void)state;
    static const struct {
        uint16_t sw;
        int rc, tries;
        bool status_read;
    } cases[] = {
        {0x63C3, KOFU_OK, 3, true},
        {0x63C1, KOFU_OK, 1, true},
        {0x63CF, KOFU_OK, 15, true},
        {0x63C0, KOFU_E_PIN_BLOCKED, 0, true},
        {0x6984, KOFU_E_PIN_BLOCKED, 0, true},
        {0x6983, KOFU_E_PIN_BLOCKED, 0, true},
        {0x9000, KOFU_OK, KENHOJO_TRIES_UNKNOWN, true},
        {0x6300, KOFU_OK, KENHOJO_TRIES_UNKNOWN, true},
        {0x6700, KOFU_E_CARD_STATUS, 99, false},
        {0x6982, KOFU_E_CARD_STATUS, 99, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct kenhojo_session s;
        int tries = 99;
        fc_normal();
        FC.status_sw = cases[i].sw;
        assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
        int rc = kenhojo_pin_status(&s, &tries);
        if (rc != cases[i].rc || tries != cases[i].tries || s.pin_status_read != cases[i].status_read)
            fail_msg("SW %04x: rc %d tries %d read %d", cases[i].sw, rc, tries, s.pin_status_read);
    }
}

static void test_pin_status_select_fails(void **state)
{
    (void)state;
    struct kenhojo_session s;
    int tries = 99;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    FC.ap_selected = false; /* the card now answers 6A82 to SELECT EF */
    assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_E_CARD_STATUS);
    assert_int_equal(tries, 99);
    assert_false(s.pin_status_read);
    assert_int_equal(FC.n_verify, 0);
}

/* ---- VERIFY ---- */

static void test_pin_format_refused_without_apdu(void **state)
{
    (void)state;
    static const char *bad[] = {"123", "12345", "12a4", "", " 123", "1234 ", "１２３４", "12\n4", "-123"};
    struct kenhojo_session s;
    int tries = 77;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    /* Before the status query too: the format is checked first. */
    unsigned before = READER.apdu_count;
    assert_int_equal(kenhojo_verify_pin(&s, "12a4", true, &tries), KOFU_E_PIN_FORMAT);
    assert_int_equal(READER.apdu_count, before);
    assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_OK);
    before = READER.apdu_count;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tries = 77;
        if (kenhojo_verify_pin(&s, bad[i], true, &tries) != KOFU_E_PIN_FORMAT)
            fail_msg("PIN \"%s\" not refused", bad[i]);
        assert_int_equal(READER.apdu_count, before);
        assert_int_equal(tries, 3); /* reports the known count */
    }
    assert_int_equal(kenhojo_verify_pin(&s, NULL, true, &tries), KOFU_E_PIN_FORMAT);
    assert_int_equal(READER.apdu_count, before);
    assert_int_equal(FC.tries, 3);
    assert_int_equal(FC.n_verify, 1); /* only the status query */
}

static void test_verify_before_status(void **state)
{
    (void)state;
    struct kenhojo_session s;
    int tries = 77;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    unsigned before = READER.apdu_count;
    assert_int_equal(kenhojo_verify_pin(&s, "1234", true, &tries), KOFU_E_ARG);
    assert_int_equal(READER.apdu_count, before);
    assert_int_equal(tries, KENHOJO_TRIES_UNKNOWN);
    assert_false(FC.verified);
}

static void test_verify_ok_apdu(void **state)
{
    (void)state;
    struct kenhojo_session s;
    int tries;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_OK);
    unsigned before = READER.apdu_count;
    assert_int_equal(kenhojo_verify_pin(&s, "1234", false, &tries), KOFU_OK);
    /* PIN EF already current: just the VERIFY. */
    assert_int_equal(READER.apdu_count, before + 1);
    static const uint8_t v[8] = {0x00, 0x20, 0x00, 0x80, 0x04, '1', '2', '3'};
    assert_int_equal(FC.log_len[before], 9);
    assert_memory_equal(FC.log[before], v, 8);
    assert_true(FC.verified);
    assert_int_equal(tries, KENHOJO_TRIES_UNKNOWN);
}

static void test_verify_wrong_then_last_try(void **state)
{
    (void)state;
    struct kenhojo_session s;
    int tries;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_OK);
    assert_int_equal(tries, 3);
    assert_int_equal(kenhojo_verify_pin(&s, "0000", false, &tries), KOFU_E_PIN_WRONG);
    assert_int_equal(tries, 2); /* the card said 63C2 */
    assert_int_equal(FC.tries, 2);
    assert_int_equal(kenhojo_verify_pin(&s, "9999", false, &tries), KOFU_E_PIN_WRONG);
    assert_int_equal(tries, 1);
    /* One try left: not without confirmation, and nothing sent. */
    unsigned before = READER.apdu_count;
    assert_int_equal(kenhojo_verify_pin(&s, "1234", false, &tries), KOFU_E_PIN_NOT_CONFIRMED);
    assert_int_equal(READER.apdu_count, before);
    assert_int_equal(tries, 1);
    assert_int_equal(FC.tries, 1);
    /* Confirmed: it goes to the card. */
    assert_int_equal(kenhojo_verify_pin(&s, "1234", true, &tries), KOFU_OK);
    assert_int_equal(READER.apdu_count, before + 1);
    assert_true(FC.verified);
}

static void test_last_try_from_status(void **state)
{
    (void)state;
    struct kenhojo_session s;
    int tries;
    FC.tries = 1;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_OK);
    assert_int_equal(tries, 1);
    unsigned before = READER.apdu_count;
    assert_int_equal(kenhojo_verify_pin(&s, "1234", false, &tries), KOFU_E_PIN_NOT_CONFIRMED);
    assert_int_equal(READER.apdu_count, before);
    /* A wrong PIN with the last try, confirmed: blocked (63C0). */
    assert_int_equal(kenhojo_verify_pin(&s, "4321", true, &tries), KOFU_E_PIN_BLOCKED);
    assert_int_equal(tries, 0);
    assert_int_equal(FC.tries, 0);
    /* Blocked: refused without an APDU from now on. */
    before = READER.apdu_count;
    assert_int_equal(kenhojo_verify_pin(&s, "1234", true, &tries), KOFU_E_PIN_BLOCKED);
    assert_int_equal(READER.apdu_count, before);
    assert_false(FC.verified);
}

static void test_verify_answers(void **state)
{
    (void)state;
    static const struct {
        uint16_t sw;
        int rc, tries;
    } cases[] = {
        {0x63C2, KOFU_E_PIN_WRONG, 2},
        {0x63C1, KOFU_E_PIN_WRONG, 1},
        {0x63C0, KOFU_E_PIN_BLOCKED, 0},
        {0x6984, KOFU_E_PIN_BLOCKED, 0},
        {0x6983, KOFU_E_PIN_BLOCKED, 0},
        {0x6700, KOFU_E_CARD_STATUS, KENHOJO_TRIES_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct kenhojo_session s;
        int tries = 99;
        fc_normal();
        FC.verify_sw = cases[i].sw;
        assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
        assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_OK);
        int rc = kenhojo_verify_pin(&s, "1234", false, &tries);
        if (rc != cases[i].rc || tries != cases[i].tries)
            fail_msg("SW %04x: rc %d tries %d", cases[i].sw, rc, tries);
        assert_int_equal(s.tries_left, cases[i].tries);
    }
}

static void test_status_blocked_then_verify(void **state)
{
    (void)state;
    struct kenhojo_session s;
    int tries;
    FC.status_sw = 0x6984;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_E_PIN_BLOCKED);
    assert_int_equal(tries, 0);
    unsigned before = READER.apdu_count;
    assert_int_equal(kenhojo_verify_pin(&s, "1234", true, &tries), KOFU_E_PIN_BLOCKED);
    assert_int_equal(READER.apdu_count, before);
}

static void test_verify_unknown_count_goes_to_card(void **state)
{
    (void)state;
    /* 9000 to the status query: no count, so no confirmation needed. */
    struct kenhojo_session s;
    int tries;
    FC.status_sw = 0x9000;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_OK);
    assert_int_equal(tries, KENHOJO_TRIES_UNKNOWN);
    assert_int_equal(kenhojo_verify_pin(&s, "1234", false, &tries), KOFU_OK);
}

/* Regression: after VERIFY gets an answer that says nothing about the
 * counter, the next VERIFY must not go out before the status is read again
 * (it could be the last try, spent without confirmation). */
static void test_unexpected_verify_answer_requires_new_status(void **state)
{
    (void)state;
    struct kenhojo_session s;
    int tries;
    FC.tries = 2;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_OK);
    assert_int_equal(tries, 2);
    FC.verify_sw = 0x6F00; /* the card may well have counted this try */
    assert_int_equal(kenhojo_verify_pin(&s, "0000", false, &tries), KOFU_E_CARD_STATUS);
    FC.verify_sw = 0;
    FC.tries = 1;
    unsigned before = READER.apdu_count;
    /* The status is stale (kenhojo.h: KOFU_E_ARG when the counter was not
     * read first), whatever the resident confirmed. */
    assert_int_equal(kenhojo_verify_pin(&s, "0000", false, &tries), KOFU_E_ARG);
    assert_int_equal(kenhojo_verify_pin(&s, "0000", true, &tries), KOFU_E_ARG);
    assert_int_equal(READER.apdu_count, before); /* the last try was not spent unconfirmed */
    assert_int_equal(FC.tries, 1);
    /* Read again, the counter says last try: now it needs the confirmation. */
    assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_OK);
    assert_int_equal(tries, 1);
    before = READER.apdu_count;
    assert_int_equal(kenhojo_verify_pin(&s, "0000", false, &tries), KOFU_E_PIN_NOT_CONFIRMED);
    assert_int_equal(READER.apdu_count, before);
    assert_int_equal(FC.tries, 1);
}

/* ---- READ ---- */

static void check_files(const struct kenhojo_card_data *d, bool with_presence)
{
    assert_true(d->ef_my_number.present);
    assert_int_equal(d->ef_my_number.len, 17);
    assert_memory_equal(d->ef_my_number.bytes, FILES.ef1, 17);
    assert_int_equal(d->ef_attributes.len, FILES.ef2_len);
    assert_memory_equal(d->ef_attributes.bytes, FILES.ef2, FILES.ef2_len);
    assert_int_equal(d->ef_integrity.len, 336);
    assert_memory_equal(d->ef_integrity.bytes, FILES.ef3, 336);
    assert_int_equal(d->ef_cv_cert.len, 568);
    assert_memory_equal(d->ef_cv_cert.bytes, FILES.ef4, 568);
    assert_int_equal(d->ef_presence_key.present, with_presence);
    if (with_presence) {
        assert_int_equal(d->ef_presence_key.len, 536);
        assert_memory_equal(d->ef_presence_key.bytes, FILES.ef7, 536);
    }
    /* Parsed, with views into the card data's own buffers. */
    assert_string_equal(d->my_number, "537686677188");
    assert_string_equal(d->attributes.name, TF_EXAMPLE_NAME);
    assert_string_equal(d->attributes.birth_date, "19800217");
    assert_int_equal(d->attributes.sex, '1');
    assert_ptr_equal(cur_data(&d->attributes.hashed), d->ef_attributes.bytes + 14);
    assert_ptr_equal(cur_data(&d->integrity.signed_part), d->ef_integrity.bytes + 5);
    assert_int_equal(cur_len(&d->integrity.signed_part), 70);
    assert_ptr_equal(cur_data(&d->cv_cert.body), d->ef_cv_cert.bytes + 10);
    if (with_presence)
        assert_ptr_equal(cur_data(&d->presence_key.signed_object), d->ef_presence_key.bytes + 5);
    assert_true(vault_contains(d, sizeof *d));
}

static void test_read_normal_card_apdu_count(void **state)
{
    struct kenhojo_card_data *d = *state;
    struct kenhojo_session s;
    open_and_verify(&s);
    assert_int_equal(READER.apdu_count, 4); /* SELECT AP, SELECT 0011, status, VERIFY */
    unsigned before = READER.apdu_count;
    unsigned sel_before = FC.n_select_ef;
    assert_int_equal(kenhojo_read(&s, d), KOFU_OK);
    check_files(d, true);
    /* SELECT + 1 READ for 0001 and 0002, SELECT + 2 for 0003, SELECT + 3 for 0004 and 0007. */
    assert_int_equal(FC.n_select_ef - sel_before, 5);
    assert_int_equal(FC.n_reads[1], 1);
    assert_int_equal(FC.n_reads[2], 1);
    assert_int_equal(FC.n_reads[3], 2);
    assert_int_equal(FC.n_reads[4], 3);
    assert_int_equal(FC.n_reads[7], 3);
    assert_int_equal(READER.apdu_count - before, 15);
    /* The reads of EF 0003, as in docs/card.md's dialogue: 00 B0 00 00 00, then 00 B0 01 00 50. */
    static const uint8_t r1[5] = {0x00, 0xB0, 0x00, 0x00, 0x00};
    static const uint8_t r2[5] = {0x00, 0xB0, 0x01, 0x00, 0x50};
    size_t i3 = before + 2 + 2 + 1; /* after 0001 (2) and 0002 (2) and SELECT 0003 */
    assert_memory_equal(FC.log[i3], r1, 5);
    assert_memory_equal(FC.log[i3 + 1], r2, 5);
    /* EF 0004: 256, 256, then 56 = 0x38 at offset 0x0200. */
    static const uint8_t r4[5] = {0x00, 0xB0, 0x02, 0x00, 0x38};
    assert_memory_equal(FC.log[i3 + 2 + 3], r4, 5);
}

static void test_read_without_presence_file(void **state)
{
    struct kenhojo_card_data *d = *state;
    struct kenhojo_session s;
    fc_remove_file(0x0007);
    open_and_verify(&s);
    unsigned before = READER.apdu_count;
    assert_int_equal(kenhojo_read(&s, d), KOFU_OK);
    check_files(d, false);
    assert_int_equal(READER.apdu_count - before, 12); /* 0007: only the failed SELECT */
}

static void test_read_required_file_missing(void **state)
{
    struct kenhojo_card_data *d = *state;
    static const uint16_t required[] = {0x0001, 0x0002, 0x0003, 0x0004};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        struct kenhojo_session s;
        fc_normal();
        fc_remove_file(required[i]);
        open_and_verify(&s);
        if (kenhojo_read(&s, d) != KOFU_E_CARD_DATA)
            fail_msg("read OK without EF %04x", required[i]);
    }
}

static void test_read_small_buffer_8(void **state)
{
    struct kenhojo_card_data *d = *state;
    struct kenhojo_session s;
    FC.max_chunk = 8;
    open_and_verify(&s);
    assert_int_equal(kenhojo_read(&s, d), KOFU_OK);
    check_files(d, true);
    /* EF 0001 includes both filler bytes beyond the TLV. */
    assert_int_equal(d->ef_my_number.bytes[15], 0xFF);
    assert_int_equal(d->ef_my_number.bytes[16], 0xFF);
    /* 0002: 104 bytes in 8-byte pieces = 13 READs, nothing beyond the TLV. */
    assert_int_equal(FC.n_reads[2], 13);
}

static void test_read_small_buffer_8_eof_6b00(void **state)
{
    struct kenhojo_card_data *d = *state;
    struct kenhojo_session s;
    FC.max_chunk = 8;
    FC.eof_6b00 = true;
    open_and_verify(&s);
    assert_int_equal(kenhojo_read(&s, d), KOFU_OK);
    check_files(d, true);
}

static void test_read_small_buffers_various(void **state)
{
    struct kenhojo_card_data *d = *state;
    static const size_t chunks[] = {1, 2, 3, 5, 7, 13, 14, 17, 18, 100, 128, 255};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        for (int eof = 0; eof < 2; eof++) {
            struct kenhojo_session s;
            fc_normal();
            FC.max_chunk = chunks[i];
            FC.eof_6b00 = eof;
            open_and_verify(&s);
            int rc = kenhojo_read(&s, d);
            if (rc != KOFU_OK)
                fail_msg("chunk %zu eof_6b00 %d: rc %d", chunks[i], eof, rc);
            check_files(d, true);
        }
    }
}

/* Regression: a card that gives at most 15 or 16 bytes per READ answers
 * EF 0001's first READ with the whole TLV, short; that must not be taken as
 * the physical end, or the 2 filler bytes are lost and DF31 never matches. */
static void test_read_small_buffer_15_16(void **state)
{
    struct kenhojo_card_data *d = *state;
    for (size_t chunk = 15; chunk <= 16; chunk++) {
        struct kenhojo_session s;
        fc_normal();
        FC.max_chunk = chunk;
        open_and_verify(&s);
        assert_int_equal(kenhojo_read(&s, d), KOFU_OK);
        if (d->ef_my_number.len != 17)
            fail_msg("chunk %zu: EF 0001 came out as %zu bytes, not 17", chunk, d->ef_my_number.len);
    }
}

static void test_read_eof_6b00_normal_chunks(void **state)
{
    struct kenhojo_card_data *d = *state;
    struct kenhojo_session s;
    FC.eof_6b00 = true;
    open_and_verify(&s);
    unsigned before = READER.apdu_count;
    assert_int_equal(kenhojo_read(&s, d), KOFU_OK);
    check_files(d, true);
    assert_int_equal(READER.apdu_count - before, 15); /* never asks past the end */
}

static void test_read_eof_6282(void **state)
{
    struct kenhojo_card_data *d = *state;
    struct kenhojo_session s;
    FC.eof_6282 = true;
    open_and_verify(&s);
    assert_int_equal(kenhojo_read(&s, d), KOFU_OK);
    check_files(d, true);
    fc_normal();
    FC.eof_6282 = true;
    FC.max_chunk = 8;
    open_and_verify(&s);
    assert_int_equal(kenhojo_read(&s, d), KOFU_OK);
    check_files(d, true);
}

static void test_read_le_6c(void **state)
{
    struct kenhojo_card_data *d = *state;
    struct kenhojo_session s;
    FC.le_6c = true;
    open_and_verify(&s);
    unsigned before = READER.apdu_count;
    assert_int_equal(kenhojo_read(&s, d), KOFU_OK);
    check_files(d, true);
    /* 0001 and 0002 are first read with Le 256: one 6Cxx resend each. */
    assert_int_equal(READER.apdu_count - before, 17);
}

static void test_read_get_response(void **state)
{
    struct kenhojo_card_data *d = *state;
    struct kenhojo_session s;
    FC.get_response = true;
    open_and_verify(&s);
    unsigned before = READER.apdu_count;
    assert_int_equal(kenhojo_read(&s, d), KOFU_OK);
    check_files(d, true);
    /* Every READ with data is followed by one GET RESPONSE. */
    assert_int_equal(READER.apdu_count - before, 15 + 10);
}

static void test_read_tlv_longer_than_file(void **state)
{
    struct kenhojo_card_data *d = *state;
    static uint8_t ef2[TF_EF0002_EXAMPLE_LEN];
    for (int mode = 0; mode < 4; mode++) {
        struct kenhojo_session s;
        fc_normal();
        memcpy(ef2, FILES.ef2, sizeof ef2);
        ef2[2] = 0x70; /* claims 3 + 0x70 = 115 bytes, the card has 104 */
        fc_set_file(0x0002, ef2, sizeof ef2);
        FC.eof_6b00 = mode & 1;
        FC.max_chunk = (mode & 2) ? 8 : 0;
        open_and_verify(&s);
        if (kenhojo_read(&s, d) != KOFU_E_CARD_DATA)
            fail_msg("mode %d: accepted a file shorter than its TLV", mode);
        assert_false(d->ef_attributes.present);
    }
}

static void test_read_file_truncated_physically(void **state)
{
    struct kenhojo_card_data *d = *state;
    /* EF 0003 whose card file stops 1 byte before the end of its TLV. */
    struct kenhojo_session s;
    fc_set_file(0x0003, FILES.ef3, 335);
    open_and_verify(&s);
    assert_int_equal(kenhojo_read(&s, d), KOFU_E_CARD_DATA);
}

static void test_read_file_too_big(void **state)
{
    struct kenhojo_card_data *d = *state;
    static uint8_t big[4000];
    struct kenhojo_session s;
    memset(big, 0xFF, sizeof big);
    big[0] = 0xFF;
    big[1] = 0x30;
    big[2] = 0x82;
    big[3] = 0x0F; /* 5 + 0x0F9B = 4000 bytes, more than KENHOJO_FILE_MAX */
    big[4] = 0x9B;
    fc_set_file(0x0003, big, sizeof big);
    open_and_verify(&s);
    unsigned before = READER.apdu_count;
    assert_int_equal(kenhojo_read(&s, d), KOFU_E_CARD_DATA);
    /* Refused as soon as the header is seen: 0001 (2), 0002 (2), SELECT + 1 READ. */
    assert_int_equal(READER.apdu_count - before, 6);
}

static void test_read_empty_and_garbage_file(void **state)
{
    struct kenhojo_card_data *d = *state;
    static const uint8_t junk[3] = {0x30, 0x80, 0x00}; /* indefinite length: no size */
    for (int mode = 0; mode < 4; mode++) {
        struct kenhojo_session s;
        fc_normal();
        if (mode < 2)
            fc_set_file(0x0002, FILES.ef2, 0);
        else
            fc_set_file(0x0002, junk, sizeof junk);
        FC.eof_6b00 = mode & 1;
        open_and_verify(&s);
        assert_int_equal(kenhojo_read(&s, d), KOFU_E_CARD_DATA);
    }
}

static void test_read_filler_beyond_tlv(void **state)
{
    struct kenhojo_card_data *d = *state;
    /* EF 0002 with 20 bytes of FF after the TLV on the card: only the TLV is
     * kept (0002 is not a "physical" file). */
    static uint8_t ef2[TF_EF0002_EXAMPLE_LEN + 20];
    memset(ef2, 0xFF, sizeof ef2);
    memcpy(ef2, FILES.ef2, FILES.ef2_len);
    fc_set_file(0x0002, ef2, sizeof ef2);
    struct kenhojo_session s;
    open_and_verify(&s);
    assert_int_equal(kenhojo_read(&s, d), KOFU_OK);
    assert_int_equal(d->ef_attributes.len, TF_EF0002_EXAMPLE_LEN);
}

static void test_read_without_pin(void **state)
{
    struct kenhojo_card_data *d = *state;
    struct kenhojo_session s;
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    /* The card answers 6982 (security status not satisfied). */
    assert_int_equal(kenhojo_read(&s, d), KOFU_E_CARD_STATUS);
    assert_false(d->ef_my_number.present);
}

static void test_read_unexpected_sw_and_transport(void **state)
{
    struct kenhojo_card_data *d = *state;
    struct kenhojo_session s;
    FC.read_sw = 0x6700;
    open_and_verify(&s);
    assert_int_equal(kenhojo_read(&s, d), KOFU_E_CARD_STATUS);
    /* The card vanishes in the middle of EF 0004. */
    fc_normal();
    open_and_verify(&s);
    FC.transport_error_at = (int)FC.n_apdus + 2 + 2 + 3 + 2;
    assert_int_equal(kenhojo_read(&s, d), KOFU_E_CARD_REMOVED);
    /* A card that answers one byte more than asked (EF 0003's second READ
     * asks for 0x50 and gets 0x51). */
    fc_normal();
    FC.one_too_many = true;
    open_and_verify(&s);
    assert_int_equal(kenhojo_read(&s, d), KOFU_E_CARD_COMM);
}

static void test_read_malformed_content(void **state)
{
    struct kenhojo_card_data *d = *state;
    struct kenhojo_session s;
    /* EF 0001 with a bad check digit: read fine, refused by the parser. */
    static uint8_t ef1[17];
    tf_ef0001(ef1, sizeof ef1, "537686677187");
    fc_set_file(0x0001, ef1, sizeof ef1);
    open_and_verify(&s);
    assert_int_equal(kenhojo_read(&s, d), KOFU_E_CARD_DATA);
    /* EF 0007 present but malformed: the whole read fails. */
    static uint8_t ef7[TF_EF0007_LEN];
    memcpy(ef7, FILES.ef7, sizeof ef7);
    ef7[6] = 0x53; /* DF51 -> DF53 */
    fc_normal();
    fc_set_file(0x0007, ef7, sizeof ef7);
    open_and_verify(&s);
    assert_int_equal(kenhojo_read(&s, d), KOFU_E_CARD_DATA);
}

static void test_card_data_new_in_vault(void **state)
{
    struct kenhojo_card_data *d = *state;
    assert_true(vault_contains(d, sizeof *d));
    assert_int_equal((uintptr_t)d % 16, 0);
    assert_false(d->ef_my_number.present);
    assert_int_equal(d->my_number[0], 0);
    /* The vault runs out eventually: NULL, not a crash. */
    size_t n = 0;
    while (kenhojo_card_data_new())
        n++;
    assert_true(n >= 1);
    assert_null(kenhojo_card_data_new());
}

/* ---- kenhojo_read_verified: the sequence every front end runs ---- */

static bool all_zero(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static void test_read_verified_wipes_pin_and_reads(void **state)
{
    (void)state;
    struct kenhojo_session s;
    int tries;
    char pin[16] = "1234";
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_OK);
    const struct kenhojo_trust read_only = {NULL, false};
    struct kenhojo_read_result r;
    assert_int_equal(kenhojo_read_verified(&s, pin, sizeof pin, false, &read_only, &r), KOFU_OK);
    assert_true(FC.verified);
    assert_true(all_zero(pin, sizeof pin));
    assert_non_null(r.data);
    assert_true(vault_contains(r.data, sizeof *r.data));
    check_files(r.data, true);
    assert_int_equal(r.why, KENHOJO_AUTH_OK);
    assert_true(r.read_ms >= 0.0);
}

static void test_read_verified_wrong_and_unconfirmed_pin(void **state)
{
    (void)state;
    struct kenhojo_session s;
    int tries;
    const struct kenhojo_trust read_only = {NULL, false};
    struct kenhojo_read_result r;
    char pin[16] = "0000";
    assert_int_equal(kenhojo_open(&s, &READER), KOFU_OK);
    assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_OK);
    assert_int_equal(kenhojo_read_verified(&s, pin, sizeof pin, false, &read_only, &r), KOFU_E_PIN_WRONG);
    assert_int_equal(r.tries_left, FC.max_tries - 1);
    assert_null(r.data);
    assert_true(all_zero(pin, sizeof pin));
    /* Down to one try: refused before the card unless confirmed, and the PIN is wiped all the same. */
    memcpy(pin, "9999", 5);
    assert_int_equal(kenhojo_read_verified(&s, pin, sizeof pin, false, &read_only, &r), KOFU_E_PIN_WRONG);
    assert_int_equal(r.tries_left, 1);
    unsigned verifies = FC.n_verify;
    memcpy(pin, "1234", 5);
    assert_int_equal(kenhojo_read_verified(&s, pin, sizeof pin, false, &read_only, &r), KOFU_E_PIN_NOT_CONFIRMED);
    assert_int_equal(FC.n_verify, verifies);
    assert_int_equal(r.tries_left, 1);
    assert_null(r.data);
    assert_true(all_zero(pin, sizeof pin));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_open_selects_aid),
        T(test_open_not_myna),
        T(test_open_power_up_glitch),
        T(test_open_transport_error),
        T(test_pin_status_apdus),
        T(test_pin_status_answers),
        T(test_pin_status_select_fails),
        T(test_pin_format_refused_without_apdu),
        T(test_verify_before_status),
        T(test_verify_ok_apdu),
        T(test_verify_wrong_then_last_try),
        T(test_last_try_from_status),
        T(test_verify_answers),
        T(test_status_blocked_then_verify),
        T(test_verify_unknown_count_goes_to_card),
        T(test_unexpected_verify_answer_requires_new_status),
        T(test_read_normal_card_apdu_count),
        T(test_read_without_presence_file),
        T(test_read_required_file_missing),
        T(test_read_small_buffer_8),
        T(test_read_small_buffer_8_eof_6b00),
        T(test_read_small_buffers_various),
        T(test_read_small_buffer_15_16),
        T(test_read_eof_6b00_normal_chunks),
        T(test_read_eof_6282),
        T(test_read_le_6c),
        T(test_read_get_response),
        T(test_read_tlv_longer_than_file),
        T(test_read_file_truncated_physically),
        T(test_read_file_too_big),
        T(test_read_empty_and_garbage_file),
        T(test_read_filler_beyond_tlv),
        T(test_read_without_pin),
        T(test_read_unexpected_sw_and_transport),
        T(test_read_malformed_content),
        T(test_card_data_new_in_vault),
        T(test_read_verified_wipes_pin_and_reads),
        T(test_read_verified_wrong_and_unconfirmed_pin),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
