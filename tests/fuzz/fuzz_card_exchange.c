/*
 * fuzz_card_exchange.c — card_reader_exchange and the whole Kenhojo
 * dialogue (open, PIN status, VERIFY "1234", read, authenticate) against a
 * card whose every answer comes from the fuzz input.
 *
 * Input: one mode byte, then (exchange mode only) a 7-byte command
 * description, then R-APDU records: a big-endian u16 length and that many
 * bytes. Length 0xFFFF means "transport error"; a length beyond the end
 * takes what is left. When the records run out, the transport reports the
 * card removed, which ends every loop.
 *
 *   mode & 1 == 0: one card_reader_exchange of the described command
 *   mode & 1 == 1: kenhojo_open → pin_status → verify_pin → read → authenticate
 */
#include "fuzz_common.h"

#include "drivers/card_reader.h"
#include "base/errors.h"
#include "card/kenhojo.h"
#include "base/vault.h"

struct feed {
    const uint8_t *p;
    size_t len;
    unsigned calls;
    size_t capacity_seen;
    bool pending_61; /* the last R-APDU ended in 61xx */
    uint8_t sw2;
};

static int feed_transmit(void *ctx, const uint8_t *c, size_t clen, uint8_t *r, size_t *rlen)
{
    struct feed *f = ctx;
    f->calls++;
    /* Every C-APDU is a well-formed short APDU. */
    CHECK(c && clen >= 4 && clen <= 5 + 255 + 1);
    if (clen > 5) {
        CHECK(c[4] != 0);
        CHECK(clen == 5u + c[4] || clen == 6u + c[4]);
    }
    /* After a 61xx, the next command (if any) is GET RESPONSE with Le = xx. */
    if (f->pending_61) {
        CHECK(clen == 5 && c[0] == 0x00 && c[1] == 0xC0 && c[2] == 0 && c[3] == 0 && c[4] == f->sw2);
        f->pending_61 = false;
    }
    f->capacity_seen = *rlen;
    if (f->len < 2)
        return KOFU_E_CARD_REMOVED;
    size_t n = ((size_t)f->p[0] << 8) | f->p[1];
    f->p += 2;
    f->len -= 2;
    if (n == 0xFFFF)
        return KOFU_E_CARD_COMM;
    size_t take = n < f->len ? n : f->len;
    size_t copy = take < *rlen ? take : *rlen;
    if (copy)
        memcpy(r, f->p, copy);
    if (take >= 2 && take <= *rlen && f->p[take - 2] == 0x61) {
        f->pending_61 = true;
        f->sw2 = f->p[take - 1];
    }
    f->p += take;
    f->len -= take;
    *rlen = take; /* may exceed the capacity: the exchange must refuse that */
    return KOFU_OK;
}

static const struct card_reader_ops FEED_OPS = {.transmit = feed_transmit};

static void one_exchange(const uint8_t *data, size_t size)
{
    static uint8_t cmd_data[255];
    static uint8_t resp[1024 + 1];
    if (size < 7)
        return;
    if (!cmd_data[0])
        for (size_t i = 0; i < sizeof cmd_data; i++)
            cmd_data[i] = (uint8_t)(i + 1);
    struct apdu a = {data[0], data[1], data[2], data[3], cmd_data, data[4], (data[5] & 1) != 0,
                     (size_t)(data[5] >> 1) + 1 + (data[5] & 0x80 ? 128 : 0)};
    if (a.le > 256)
        a.le = 256;
    size_t cap = data[6] * 4u; /* 0..1020 */
    struct feed f = {data + 7, size - 7, 0, 0, false, 0};
    struct card_reader r = {&FEED_OPS, &f, 0};
    size_t len = 12345;
    uint16_t sw = 0;
    resp[cap] = 0x5A; /* canary just past resp_cap */
    int rc = card_reader_exchange(&r, &a, resp, cap, &len, &sw);
    CHECK(resp[cap] == 0x5A);
    CHECK(r.apdu_count == f.calls);
    if (f.calls)
        CHECK(f.capacity_seen == 258);
    if (rc == KOFU_OK) {
        CHECK(len <= cap);
        CHECK(f.calls >= 1);
        CHECK((sw & 0xFF00u) != 0x6100u); /* 61xx is always followed up */
    } else {
        CHECK(rc == KOFU_E_CARD_COMM || rc == KOFU_E_CARD_REMOVED || rc == KOFU_E_ARG);
    }
}

static void check_card_data(const struct kenhojo_card_data *d)
{
    const struct kenhojo_file *files[] = {&d->ef_my_number, &d->ef_attributes, &d->ef_integrity, &d->ef_cv_cert};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        CHECK(files[i]->present && files[i]->len <= KENHOJO_FILE_MAX);
    CHECK(d->ef_presence_key.len <= KENHOJO_FILE_MAX);
    CHECK(strnlen(d->my_number, sizeof d->my_number) == KENHOJO_MY_NUMBER_LEN);
    CHECK(kenhojo_my_number_valid(d->my_number));
    CHECK(string_ok(d->attributes.name, sizeof d->attributes.name, KENHOJO_TEXT_MAX));
    CHECK(string_ok(d->attributes.address, sizeof d->attributes.address, KENHOJO_TEXT_MAX));
    CHECK(strnlen(d->attributes.birth_date, sizeof d->attributes.birth_date) == 8);
    CHECK(view_inside(d->ef_attributes.bytes, d->ef_attributes.len, d->attributes.hashed));
    CHECK(view_inside(d->ef_integrity.bytes, d->ef_integrity.len, d->integrity.signed_part));
    CHECK(view_inside(d->ef_integrity.bytes, d->ef_integrity.len, d->integrity.signature));
    CHECK(view_inside(d->ef_cv_cert.bytes, d->ef_cv_cert.len, d->cv_cert.body));
    CHECK(view_inside(d->ef_cv_cert.bytes, d->ef_cv_cert.len, d->cv_cert.key.n));
    if (d->ef_presence_key.present) {
        CHECK(view_inside(d->ef_presence_key.bytes, d->ef_presence_key.len, d->presence_key.signed_object));
        CHECK(view_inside(d->ef_presence_key.bytes, d->ef_presence_key.len, d->presence_key.key.n));
    }
    CHECK(vault_contains(d, sizeof *d));
}

static void session(const uint8_t *data, size_t size)
{
    static bool vault_ready;
    if (!vault_ready) {
        CHECK(vault_init(64 * 1024) == KOFU_OK);
        vault_ready = true;
    }
    struct feed f = {data, size, 0, 0, false, 0};
    struct card_reader r = {&FEED_OPS, &f, 0};
    struct kenhojo_session s;
    int tries = 0;
    int rc = kenhojo_open(&s, &r);
    if (rc == KOFU_OK)
        rc = kenhojo_pin_status(&s, &tries);
    if (rc == KOFU_OK) {
        CHECK(tries == KENHOJO_TRIES_UNKNOWN || (tries >= 1 && tries <= 15));
        rc = kenhojo_verify_pin(&s, "1234", true, &tries);
        if (rc == KOFU_E_PIN_WRONG)
            CHECK(tries >= 1 && tries <= 15);
        if (rc == KOFU_E_PIN_BLOCKED)
            CHECK(tries == 0);
    }
    if (rc == KOFU_OK) {
        struct kenhojo_card_data *d = kenhojo_card_data_new();
        CHECK(d != NULL);
        rc = kenhojo_read(&s, d);
        if (rc == KOFU_OK) {
            check_card_data(d);
            enum kenhojo_auth why;
            rc = kenhojo_authenticate(&s, d, "/nonexistent/kofu-fuzz-ca", false, &why);
            CHECK(rc == KOFU_E_NOT_AUTHENTIC && why == KENHOJO_AUTH_CA_UNKNOWN);
        }
    }
    CHECK(r.apdu_count == f.calls);
    vault_wipe();
    CHECK(vault_used() == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1)
        session(data + 1, size - 1);
    else
        one_exchange(data + 1, size - 1);
    return 0;
}
