/*
 * mrtd.h — reading a passport's chip (ICAO 9303 parts 10 and 11): access
 * (PACE when EF.CardAccess offers a kind kofu speaks, BAC otherwise), the
 * eMRTD application, EF.COM, EF.DG1 and EF.SOD under secure messaging, the
 * MRZ in DG1 parsed, and passive authentication (mrtd_pa.h).
 *
 * Owns: the dialogue and the one sequence every front end (the kiosk,
 * `kofu passport read`, the test harness) runs. struct mrtd_data holds
 * resident data and lives in the vault (mrtd_data_new); it is never logged.
 *
 * Rules enforced here, so that no front end can skip them:
 * - keys that fail their check digits never reach a chip (KOFU_E_MRZ_FORMAT);
 * - a chip that refuses the keys is reported as KOFU_E_PASSPORT_KEYS after
 *   one attempt: no retry, no PACE → BAC fallback with the same keys (each
 *   would spend a try some chips count);
 * - data that fails passive authentication is returned flagged, and
 *   mrtd_read_verified's result says KOFU_E_PASSPORT_NOT_AUTHENTIC: callers
 *   must not use it for anything but the technician's report.
 */
#ifndef KOFU_MRTD_H
#define KOFU_MRTD_H

#include "base/errors.h"
#include "card/icao_pace.h"
#include "card/icao_sm.h"
#include "card/mrtd_pa.h"
#include "card/mrz.h"
#include "drivers/card_reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MRTD_COM_MAX 256          /* EF.COM */
#define MRTD_DG1_MAX 256          /* EF.DG1: a TD3 DG1 is 93 bytes */
#define MRTD_CARD_ACCESS_MAX 1024 /* EF.CardAccess */

enum mrtd_access { MRTD_ACCESS_NONE = 0, MRTD_ACCESS_BAC, MRTD_ACCESS_PACE };

/** Everything read from one passport. Lives in the vault. */
struct mrtd_data {
    uint8_t com[MRTD_COM_MAX]; size_t com_len;
    uint8_t dg1[MRTD_DG1_MAX]; size_t dg1_len;
    uint8_t sod[MRTD_SOD_MAX]; size_t sod_len;
    uint8_t dg_list[16]; size_t dg_count; /* data group numbers EF.COM lists */
    struct mrz_td3 mrz;                   /* DG1 parsed */
    enum mrtd_access access;
    enum mrtd_pa pa;                      /* MRTD_PA_OK when passive authentication passed */
    struct icao_sm sm;                    /* the session; wiped when the read ends */
};

/** Allocate zeroed passport data in the vault; NULL if the vault is full. */
struct mrtd_data *mrtd_data_new(void);

struct mrtd_read_result {
    struct mrtd_data *data; /* in the vault until vault_wipe; NULL when nothing was read */
    enum mrtd_access access;/* what opened the chip (also when a later step failed) */
    enum mrtd_pa why;       /* with KOFU_E_PASSPORT_NOT_AUTHENTIC: the reason */
    unsigned apdus;         /* C-APDUs sent for this read (reader->apdu_count difference) */
    double read_ms;         /* from the first APDU to the verdict */
};

/**
 * Read a passport on a connected reader with the resident's keys: read
 * EF.CardAccess (in the master file), PACE if it offers a kind kofu speaks
 * (icao_pace.h), else SELECT the eMRTD application (A0 00 00 02 47 10 01)
 * and BAC; then under secure messaging EF.COM (SFI 1E), EF.DG1 (01) and
 * EF.SOD (1D) in reads of at most ICAO_SM_READ_MAX bytes that survive short
 * answers and the end of a file; parse DG1's MRZ; and passive
 * authentication against trust (NULL: refused as MRTD_PA_NO_TRUST).
 *
 * Returns KOFU_OK (res->data holds verified data); KOFU_E_MRZ_FORMAT (keys
 * refused before the chip); KOFU_E_NOT_PASSPORT (no eMRTD application);
 * KOFU_E_PASSPORT_KEYS; KOFU_E_PASSPORT_SM; KOFU_E_PASSPORT_DATA (a file
 * missing or malformed, DG1's check digits); KOFU_E_PASSPORT_NOT_AUTHENTIC
 * (res->why; res->data holds what was read, for the technician's report
 * only); KOFU_E_NOMEM; or a reader error (KOFU_E_CARD_REMOVED, ...).
 * The secure-messaging keys are wiped before returning, whatever happened.
 */
int mrtd_read_verified(struct card_reader *r, const struct mrz_keys *keys,
                       const struct mrtd_trust *trust, struct mrtd_read_result *res);

/** Parse EF.COM (60 L { 5F01 LDS version, 5F36 Unicode version, 5C tag
 *  list }): the data group numbers its tag list names, in its order, into
 *  dg_list (up to 16) and *n. KOFU_OK or KOFU_E_PASSPORT_DATA (malformed, an
 *  unknown data group tag, one listed twice, or no DG1). Fuzzed
 *  (fuzz_mrtd_com). */
int mrtd_parse_com(const uint8_t *p, size_t len, uint8_t dg_list[16], size_t *n);

/** The access in words: "BAC", "PACE" or "none". */
const char *mrtd_access_name(enum mrtd_access a);

#endif
