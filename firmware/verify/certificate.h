/*
 * certificate.h — the checks between what the center returned and what may
 * be printed.
 *
 * Owns: the trust the kiosk pins (the SHC issuer key set and allowed `iss`
 * values, the VDS-NC CSCA: configuration, never fetched), and the step that
 * verifies every signed document, matches the person to the card that was
 * read, and ties the center's answer to the signed data: the SHC's nbf is
 * the answer's issued_at, the seal's uvci is its certificate id, and every
 * signed dose has the center's display entry that agrees with it (date, CVX
 * code, lot) and, overseas, the seal's dose (date, lot). The center's
 * display data is only good for what the signed data does not say (vaccine
 * product and manufacturer names, the issuer's names); what is printed is
 * made from the verified data by the kiosk (kiosk/page.h).
 *
 * Everything it produces lives in the vault.
 */
#ifndef KOFU_CERTIFICATE_H
#define KOFU_CERTIFICATE_H

#include "base/config.h"
#include "card/kenhojo.h"
#include "center/center.h"
#include "verify/shc.h"
#include "verify/vds.h"

#include <stdint.h>

#define CERTIFICATE_ISSUERS_MAX 8

struct certificate_trust {
    shc_keyset *keys;
    vds_csca *csca;
    char issuers_buf[KOFU_CONFIG_VALUE_MAX];
    const char *issuers[CERTIFICATE_ISSUERS_MAX];
    size_t n_issuers;
};

/** Why certificate_verify refused an answer. The SHC's and the seal's own
 *  checks keep their reasons (enum shc_reason, enum vds_reason); these are
 *  the checks between the answer and the signed data. */
enum certificate_reason {
    CERTIFICATE_REASON_OK = 0,
    CERTIFICATE_REASON_SHC,              /* the SMART Health Card was refused: .shc says why */
    CERTIFICATE_REASON_VDS,              /* the VDS-NC seal was refused: .vds says why */
    CERTIFICATE_REASON_ISSUED_AT,        /* the SHC's nbf is not the answer's issued_at */
    CERTIFICATE_REASON_UVCI,             /* the seal's uvci is not the answer's certificate id */
    CERTIFICATE_REASON_DISPLAY_MISMATCH, /* the display doses are not the signed ones (count, date,
                                            CVX code, lot), or a signed dose is not in the seal */
    CERTIFICATE_REASON_INTERNAL,         /* out of vault memory */
    CERTIFICATE_REASON_PASSPORT,         /* the answer's passport (number, nationality, name) is not the
                                            chip's the request carried: another document */
    CERTIFICATE_REASON__COUNT
};

/** The reason in full: which check, and the SHC's or the seal's own reason
 *  when it was theirs (SHC_REASON_OK / VDS_REASON_OK otherwise). */
struct certificate_refusal {
    enum certificate_reason why;
    enum shc_reason shc;
    enum vds_reason vds;
};

/** One signed dose and what agrees with it. The pointers point into the
 *  verified result and the answer it was checked against. */
struct certificate_dose {
    const struct shc_dose *signed_dose; /* date, CVX code, lot: the SHC's */
    const struct center_dose *shown;    /* the center's entry with the same date, CVX code and lot */
    const struct vds_dose *sealed;      /* overseas: the seal's dose with the same date and lot;
                                           NULL domestic */
};

/** What certificate_verify checked, for the page (kiosk/page.h). */
struct certificate_verified {
    const struct center_certificate *answer; /* the answer checked (not owned) */
    struct shc_card *shc;                    /* the verified SMART Health Card */
    struct vds_document *vds;                /* overseas: the verified seal; NULL domestic */
    size_t n_doses;                          /* = shc->n_doses */
    struct certificate_dose doses[SHC_DOSES_MAX];
};

/** Load the pinned trust from the configuration (shc_keyset_file,
 *  shc_issuers, vds_csca_file). KOFU_E_CONFIG with a reason in err. */
int certificate_trust_load(const struct kofu_config *cfg, struct certificate_trust *t, char *err, size_t errlen);
void certificate_trust_free(struct certificate_trust *t);

/** Allocate a zeroed result in the vault; NULL when it is full. */
struct certificate_verified *certificate_verified_new(void);

/**
 * Verify the center's answer for this card at time `now`:
 * the SHC under the pinned keys (and for overseas the VDS-NC seal under the
 * pinned CSCA), the person in both the same as on the card (name, birth
 * date; the seal also the passport number), then the ties between the
 * answer and the signed data (enum certificate_reason). When the request
 * carried the passport chip's data (c->chip_read), the seal's pid.n and
 * pid.i must be the chip's name_roman and document number, and the answer's
 * passport the chip's too: the center's echo alone proves nothing, since it
 * comes from the same answer as the seal. Returns KOFU_OK
 * with *out filled; KOFU_E_CERT_OTHER_PERSON when a signed document is
 * about someone else, or about another passport than the chip's; KOFU_E_CERT_NOT_AUTHENTIC for any other refusal; or
 * KOFU_E_NOMEM. *why says which check (CERTIFICATE_REASON_OK on success).
 * `out` keeps a pointer to `c`: c must outlive it.
 */
int certificate_verify(const struct center_certificate *c, const struct kenhojo_card_data *card,
                       const struct certificate_trust *t, int64_t now, struct certificate_verified *out,
                       struct certificate_refusal *why);

/** A stable short name for a refusal: the SHC's or the seal's reason name
 *  when it was theirs (e.g. "kid-unknown", "cert-untrusted"), else the
 *  check's ("issued-at", "uvci", "display-mismatch"). For logs and tests. */
const char *certificate_refusal_name(const struct certificate_refusal *why);

#endif
