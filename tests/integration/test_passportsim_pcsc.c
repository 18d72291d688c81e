/*
 * test_passportsim_pcsc.c — the virtual passport behind the real pcscd,
 * seen through plain PC/SC (SCardConnect/SCardTransmit; no kofu ICAO code):
 * passportsim in vpcd's second slot next to cardsim's card, EF.CardAccess
 * in the MF, the eMRTD application, the control socket, remove-after, and
 * the kiosk's order: the passport put on the same reader after the card
 * (harness_swap_to_passport) and the card back (harness_swap_to_card).
 */
#include "tests/harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <winscard.h>

#define YAMADA_CARD "tests/cardsim/residents/yamada.json"
#define SPECIMEN "tests/passportsim/holders/specimen.json"
#define YAMADA_PASSPORT "tests/passportsim/holders/yamada.json"
#define SLOT1 "Virtual PCD 00 01"

static struct harness h;

static const uint8_t select_emrtd[] = {0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01};
static const uint8_t select_kenhojo[] = {0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0x10, 0x00,
                                         0x31, 0x00, 0x01, 0x01, 0x04, 0x08};
static const uint8_t select_mf[] = {0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00};
static const uint8_t read_card_access[] = {0x00, 0xB0, 0x9C, 0x00, 0x00}; /* SFI 1C, Le 00 */
static const uint8_t select_com[] = {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x1E};
static const uint8_t read_4[] = {0x00, 0xB0, 0x00, 0x00, 0x04};
/* SET { PACEInfo { id-PACE-ECDH-GM-AES-CBC-CMAC-128, 2, brainpoolP256r1 } } */
static const uint8_t card_access[] = {0x31, 0x14, 0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07,
                                      0x02, 0x02, 0x04, 0x02, 0x02, 0x02, 0x01, 0x02, 0x02, 0x01, 0x0D};

struct conn {
    SCARDCONTEXT ctx;
    SCARDHANDLE card;
    DWORD proto;
};

static void conn_open(struct conn *c, const char *reader)
{
    assert_int_equal(SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &c->ctx), SCARD_S_SUCCESS);
    LONG rv = SCardConnect(c->ctx, reader, SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &c->card,
                           &c->proto);
    if (rv != SCARD_S_SUCCESS)
        fail_msg("SCardConnect(%s): %s", reader, pcsc_stringify_error(rv));
}

static void conn_close(struct conn *c)
{
    SCardDisconnect(c->card, SCARD_LEAVE_CARD);
    SCardReleaseContext(c->ctx);
}

/* Sends an APDU, returns the SW; data (without SW) into out. */
static unsigned xmit(struct conn *c, const uint8_t *apdu, size_t n, uint8_t *out, size_t *out_len)
{
    uint8_t r[300];
    DWORD rl = sizeof r;
    const SCARD_IO_REQUEST *pci = c->proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    LONG rv = SCardTransmit(c->card, pci, apdu, (DWORD)n, NULL, r, &rl);
    if (rv != SCARD_S_SUCCESS)
        fail_msg("SCardTransmit: %s", pcsc_stringify_error(rv));
    assert_true(rl >= 2);
    if (out) {
        memcpy(out, r, rl - 2);
        *out_len = rl - 2;
    }
    return (unsigned)(r[rl - 2] << 8 | r[rl - 1]);
}

static int group_setup(void **state)
{
    (void)state;
    if (harness_start_pcscd(&h) != 0 || harness_start_cardsim(&h, YAMADA_CARD, NULL) != 0 ||
        harness_start_passportsim(&h, SPECIMEN, "pace", NULL) != 0) {
        harness_stop(&h);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    harness_stop(&h);
    return 0;
}

/* Slot 01 holds the passport, slot 00 still the card: each answers only
 * its own application. */
static void test_second_slot(void **state)
{
    (void)state;
    struct conn c;
    uint8_t d[300];
    size_t n;
    assert_string_equal(h.passport_reader, SLOT1);
    conn_open(&c, SLOT1);
    assert_int_equal(c.proto, SCARD_PROTOCOL_T1);
    assert_int_equal(xmit(&c, select_mf, sizeof select_mf, NULL, NULL), 0x9000);
    assert_int_equal(xmit(&c, read_card_access, sizeof read_card_access, d, &n), 0x9000);
    assert_int_equal(n, sizeof card_access);
    assert_memory_equal(d, card_access, sizeof card_access);
    assert_int_equal(xmit(&c, select_kenhojo, sizeof select_kenhojo, NULL, NULL), 0x6A82);
    assert_int_equal(xmit(&c, select_emrtd, sizeof select_emrtd, NULL, NULL), 0x9000);
    /* without BAC or PACE the application's files are closed */
    assert_int_equal(xmit(&c, select_com, sizeof select_com, NULL, NULL), 0x9000);
    assert_int_equal(xmit(&c, read_4, sizeof read_4, NULL, NULL), 0x6982);
    conn_close(&c);

    conn_open(&c, h.reader);
    assert_int_equal(xmit(&c, select_emrtd, sizeof select_emrtd, NULL, NULL), 0x6A82);
    assert_int_equal(xmit(&c, select_kenhojo, sizeof select_kenhojo, NULL, NULL), 0x9000);
    conn_close(&c);

    char reply[200];
    assert_int_equal(harness_passport(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "present=1"));
    assert_non_null(strstr(reply, "pace=1"));
    assert_int_equal(harness_passport(&h, "fault no-such-fault", reply, sizeof reply), -1);
    assert_non_null(strstr(reply, "unknown fault"));
    /* file-changing faults rebuild (and re-sign) the files in the running chip */
    const char *rebuild[] = {"fault tampered-dg1", "fault other-csca", "fault expired-ds", "fault bad-sod-signature",
                             "clear"};
    for (size_t i = 0; i < sizeof rebuild / sizeof *rebuild; i++)
        assert_int_equal(harness_passport(&h, rebuild[i], reply, sizeof reply), 0);
    /* another Document Signer (Utopia's next CSCA, reached through the link certificate) */
    assert_int_equal(harness_passport(&h, "signer ds-ut2", reply, sizeof reply), 0);
    assert_int_equal(harness_passport(&h, "signer ds-none", reply, sizeof reply), -1);
    assert_non_null(strstr(reply, "Document Signer"));
    assert_int_equal(harness_passport(&h, "signer ../x", reply, sizeof reply), -1);
    assert_int_equal(harness_passport(&h, "signer ds-ut", reply, sizeof reply), 0);
    assert_int_equal(harness_wait_reader(SLOT1, true, 1000), 0);
}

/* remove-after=N: the chip leaves after its Nth answer; insert brings it back. */
static void test_remove_after(void **state)
{
    (void)state;
    struct conn c;
    assert_int_equal(harness_passport(&h, "fault remove-after=2", NULL, 0), 0);
    conn_open(&c, SLOT1);
    assert_int_equal(xmit(&c, select_mf, sizeof select_mf, NULL, NULL), 0x9000);
    assert_int_equal(xmit(&c, select_emrtd, sizeof select_emrtd, NULL, NULL), 0x9000);
    conn_close(&c);
    assert_int_equal(harness_wait_reader(SLOT1, false, 5000), 0);
    assert_int_equal(harness_passport(&h, "insert", NULL, 0), 0);
    assert_int_equal(harness_wait_reader(SLOT1, true, 5000), 0);
}

/* The kiosk's order: card out, passport on the same reader, then back. */
static void test_swap_same_reader(void **state)
{
    (void)state;
    struct conn c;
    uint8_t d[300];
    size_t n;
    for (int round = 0; round < 2; round++) {
        assert_int_equal(harness_swap_to_passport(&h, YAMADA_PASSPORT, "bac", NULL), 0);
        assert_string_equal(h.passport_reader, h.reader);
        conn_open(&c, h.reader);
        assert_int_equal(xmit(&c, select_kenhojo, sizeof select_kenhojo, NULL, NULL), 0x6A82);
        assert_int_equal(xmit(&c, select_mf, sizeof select_mf, NULL, NULL), 0x9000);
        /* --access bac: no EF.CardAccess */
        assert_int_equal(xmit(&c, read_card_access, sizeof read_card_access, d, &n), 0x6A82);
        assert_int_equal(xmit(&c, select_emrtd, sizeof select_emrtd, NULL, NULL), 0x9000);
        conn_close(&c);
        char reply[200];
        assert_int_equal(harness_passport(&h, "status", reply, sizeof reply), 0);
        assert_non_null(strstr(reply, "pace=0"));

        assert_int_equal(harness_swap_to_card(&h), 0);
        conn_open(&c, h.reader);
        assert_int_equal(xmit(&c, select_emrtd, sizeof select_emrtd, NULL, NULL), 0x6A82);
        assert_int_equal(xmit(&c, select_kenhojo, sizeof select_kenhojo, NULL, NULL), 0x9000);
        conn_close(&c);
    }
    /* harness_load (each kiosk visit's start) takes a passport off slot 00 too */
    assert_int_equal(harness_swap_to_passport(&h, SPECIMEN, "pace", NULL), 0);
    assert_int_equal(harness_load(&h, YAMADA_CARD), 0);
    assert_true(h.passportsim <= 0);
    conn_open(&c, h.reader);
    assert_int_equal(xmit(&c, select_kenhojo, sizeof select_kenhojo, NULL, NULL), 0x9000);
    conn_close(&c);
}

/* Misuse is refused before anything connects: exit 2 with a reason. */
static void test_command_line(void **state)
{
    (void)state;
    static char out[4096], err[4096];
    const char *pki = harness_path(0, "pki");
    const char *bin = harness_path(1, "passportsim");
    const char *bad_access[] = {bin, "--port", "1", "--pki", pki, "--holder", SPECIMEN, "--access", "both", NULL};
    assert_int_equal(harness_run(bad_access, NULL, out, sizeof out, err, sizeof err), 2);
    assert_non_null(strstr(err, "--access"));
    const char *bad_signer[] = {bin, "--port", "1", "--pki", pki, "--holder", SPECIMEN, "--signer", "ds-none", NULL};
    assert_int_equal(harness_run(bad_signer, NULL, out, sizeof out, err, sizeof err), 2);
    assert_non_null(strstr(err, "Document Signer"));
    const char *bad_holder[] = {bin, "--port", "1", "--pki", pki, "--holder", "tests/cardsim/residents/yamada.json", NULL};
    assert_int_equal(harness_run(bad_holder, NULL, out, sizeof out, err, sizeof err), 2);
    assert_non_null(strstr(err, "unknown key"));
    assert_null(strstr(err, "123456789018")); /* the reason names the field, not the value */
    const char *bad_fault[] = {bin, "--port", "1", "--pki", pki, "--holder", SPECIMEN, "--fault", "bad-mac=0", NULL};
    assert_int_equal(harness_run(bad_fault, NULL, out, sizeof out, err, sizeof err), 2);
    assert_non_null(strstr(err, "bad number"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_second_slot),
        cmocka_unit_test(test_remove_after),
        cmocka_unit_test(test_swap_same_reader),
        cmocka_unit_test(test_command_line),
    };
    return cmocka_run_group_tests_name("passportsim through pcscd", tests, group_setup, group_teardown);
}
