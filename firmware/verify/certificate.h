/*
 * certificate.h — from what the center returned to what is printed.
 *
 * Owns: the trust the kiosk pins (the SHC issuer key set and allowed `iss`
 * values, the VDS-NC CSCA: configuration, never fetched), and the step that
 * verifies every signed document, matches the person to the card that was
 * read, and fills the document's words from the verified signed data — the
 * center's display data is used only where the signed data says nothing
 * (vaccine product and manufacturer names, the issuer's names), and only
 * after it agrees with the signed data (date, CVX code, lot).
 *
 * Everything it produces lives in the vault.
 */
#ifndef KOFU_CERTIFICATE_H
#define KOFU_CERTIFICATE_H

#include "center/center.h"
#include "base/config.h"
#include "ui/document.h"
#include "card/kenhojo.h"
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

/** What certificate_verify checked and what the page will show. The
 *  strings of `doc` point into this struct. */
struct certificate_verified {
    struct shc_card *shc;       /* the verified SMART Health Card */
    struct vds_document *vds;   /* overseas: the verified seal; NULL for domestic */
    struct document_data doc;   /* ready for document_render_pdf */
    char name[2 * SHC_NAME_MAX + 4];
    char nationality[64];
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
 * date), the SHC's nbf equal to the answer's issued_at, the seal's uvci
 * equal to the certificate id, and the center's display data consistent
 * with the signed doses. Returns KOFU_OK; KOFU_E_CERT_NOT_AUTHENTIC or
 * KOFU_E_CERT_OTHER_PERSON with a stable reason name in *reason (e.g.
 * "signature", "kid-unknown", "deflate", "other-name", "display-mismatch");
 * or KOFU_E_NOMEM.
 */
int certificate_verify(const struct center_certificate *c, const struct kenhojo_card_data *card,
                       const struct certificate_trust *t, int64_t now, struct certificate_verified *out,
                       const char **reason);

#endif
