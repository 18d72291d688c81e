/*
 * chip_files.h — the elementary files of the virtual passport (LDS 1.7 subset).
 *
 * Owns: building EF.COM, EF.DG1 (the TD3 MRZ), EF.DG2 (a small synthetic
 * biometric template, so that EF.COM lists 61 and 75 exactly as the ICAO
 * App. D example does), EF.SOD (CMS SignedData over an LDSSecurityObject,
 * signed at build time by a Document Signer of the test PKI) and
 * EF.CardAccess (one PACEInfo). OpenSSL 3 for SHA-256 and CMS; no kofu ICAO
 * code.
 */
#ifndef PASSPORTSIM_CHIP_FILES_H
#define PASSPORTSIM_CHIP_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "holder.h"

#define PF_EF_MAX 4096

/** One EF's bytes. */
typedef struct {
    uint8_t data[PF_EF_MAX];
    size_t len;
} pf_ef;

/** The chip's files; card_access.len is 0 on a chip without PACE. */
typedef struct {
    pf_ef com, dg1, dg2, sod, card_access;
} pf_set;

/** How the files are to be built (the file-changing faults). */
typedef struct {
    const char *pki;    /* the directory `make pki` filled: PKI/passport/NAME.{pem,key} */
    const char *signer; /* the Document Signer's NAME, e.g. "ds-ut" */
    bool pace;          /* serve EF.CardAccess */
    bool tamper_dg1;    /* change DG1 after its hash went into the SOD */
    bool bad_signature; /* flip a byte of the SOD's signature */
} pf_opts;

/** Build every file for holder h. false with a reason in err. */
bool pf_build(const holder *h, const pf_opts *o, pf_set *out, char *err, size_t errlen);

/** EF.CardAccess: SET { PACEInfo { id-PACE-ECDH-GM-AES-CBC-CMAC-128, 2, 13 } }. */
extern const uint8_t pf_card_access[22];

#endif
