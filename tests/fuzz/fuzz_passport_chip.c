/*
 * fuzz_passport_chip.c — passportsim's chip model (tests/passportsim/chip.c)
 * on arbitrary APDU sequences, as a reader under test could send them.
 * Input: one byte of set-up (bit 0: open ICAO 9303-11 App. D's BAC session
 * first, with the chip's randomness fixed; bit 1: a PACE chip), then
 * [length][APDU] records. Checks: every answer is 2..CHIP_RAPDU_MAX bytes;
 * a protected command that ends the session gets a bare status word; the
 * application's files never leave the chip without a session.
 */
#include "fuzz_common.h"
#include "tests/passportsim/chip.h"

static void fixed_rng(void *arg, uint8_t *out, size_t n)
{
    /* App. D's RND.IC, then K.IC, then a counter */
    static const uint8_t app_d[24] = {0x46, 0x08, 0xF9, 0x19, 0x88, 0x70, 0x22, 0x12, 0x0B, 0x4F, 0x80, 0x32,
                                      0x3E, 0xB3, 0x19, 0x1C, 0xB0, 0x49, 0x70, 0xCB, 0x40, 0x52, 0x79, 0x0B};
    size_t *used = arg;
    for (size_t i = 0; i < n; i++, (*used)++)
        out[i] = *used < sizeof app_d ? app_d[*used] : (uint8_t)(*used * 151 + 7);
}

static const uint8_t mutual_auth[] = {
    0x00, 0x82, 0x00, 0x00, 0x28, 0x72, 0xC2, 0x9C, 0x23, 0x71, 0xCC, 0x9B, 0xDB, 0x65, 0xB7, 0x79, 0xB8,
    0xE8, 0xD3, 0x7B, 0x29, 0xEC, 0xC1, 0x54, 0xAA, 0x56, 0xA8, 0x79, 0x9F, 0xAE, 0x2F, 0x49, 0x8F, 0x76,
    0xED, 0x92, 0xF2, 0x5F, 0x14, 0x48, 0xEE, 0xA8, 0xAD, 0x90, 0xA7, 0x28};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static chip c;
    static pf_set files;
    static const char marker[] = "DG1-SECRET";
    if (size < 1)
        return 0;
    holder h = {.document_number = "L898902C<", .issuing_state = "UTO", .nationality = "UTO",
                .birth_date = "690806", .sex = 'F', .expiry_date = "940623", .signer = "ds-ut"};
    memset(h.name, '<', 39);
    memset(h.personal_number, '<', 14);
    memset(&files, 0, sizeof files);
    memcpy(files.dg1.data, marker, sizeof marker - 1);
    files.dg1.len = sizeof marker - 1;
    memcpy(files.com.data, marker, sizeof marker - 1);
    files.com.len = sizeof marker - 1;
    memcpy(files.card_access.data, pf_card_access, sizeof pf_card_access);
    files.card_access.len = (data[0] & 2) ? sizeof pf_card_access : 0;
    chip_faults f;
    chip_faults_init(&f);
    size_t used = 0;
    chip_init(&c, &h, &files, (data[0] & 2) != 0, &f);
    chip_set_rng(&c, fixed_rng, &used);
    chip_power(&c, CHIP_POWER_ON);
    uint8_t r[CHIP_RAPDU_MAX];
    size_t rl;
    if (data[0] & 1) {
        static const uint8_t sel[] = {0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01};
        static const uint8_t chal[] = {0x00, 0x84, 0x00, 0x00, 0x08};
        rl = sizeof r;
        chip_process_apdu(&c, sel, sizeof sel, r, &rl);
        rl = sizeof r;
        chip_process_apdu(&c, chal, sizeof chal, r, &rl);
        rl = sizeof r;
        chip_process_apdu(&c, mutual_auth, sizeof mutual_auth, r, &rl);
        CHECK(c.sm == CHIP_SM_3DES);
    }
    kofu_cur in;
    cur_init(&in, data + 1, size - 1);
    uint8_t len;
    kofu_cur apdu;
    while (cur_get_u8(&in, &len) && cur_get_bytes(&in, &apdu, len)) {
        bool protected_cmd = cur_len(&apdu) > 0 && (cur_data(&apdu)[0] & 0x0C) == 0x0C;
        chip_sm before = c.sm;
        rl = sizeof r;
        chip_process_apdu(&c, cur_data(&apdu), cur_len(&apdu), r, &rl);
        CHECK(rl >= 2 && rl <= CHIP_RAPDU_MAX);
        if (protected_cmd && before != CHIP_SM_NONE && c.sm == CHIP_SM_NONE)
            CHECK(rl == 2);
        if (before == CHIP_SM_NONE && c.sm == CHIP_SM_NONE) /* no session: nothing of DG1 or EF.COM */
            CHECK(rl < sizeof marker - 1 || !memmem(r, rl, marker, sizeof marker - 1));
    }
    chip_wipe(&c);
    return 0;
}
