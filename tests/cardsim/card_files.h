/*
 * card_files.h — the elementary files of the virtual Kenhojo AP.
 *
 * Owns: loading the test PKI (certs/make-card-ca.sh output) and building the
 * byte images of EF 0001, 0002, 0003, 0004, 0005 and 0007 from a resident,
 * with the layouts of docs/card.md ("Layouts"). The files are built once (and
 * again when a file-changing fault is set); the card model then serves them.
 *
 * All RSA work goes through OpenSSL 3 EVP APIs. Every key must be RSA-2048,
 * because the card's layouts hard-wire 256-byte moduli and signatures.
 */
#ifndef CARDSIM_CARD_FILES_H
#define CARDSIM_CARD_FILES_H

#include <openssl/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resident.h"

#define CFILES_KEY_ID_LEN 16
#define CFILES_RSA_LEN 256  /* RSA-2048: modulus and signature bytes */
#define CFILES_EF_MAX 1024  /* largest EF is 0004 at 568 bytes */

/** The test PKI: private keys and the two 16-byte key ids. */
typedef struct {
    EVP_PKEY *ca;      /* signs EF 0004 */
    EVP_PKEY *issuer;  /* certified by 0004; signs 0003 DF33 and 0007 DF52 */
    EVP_PKEY *card;    /* the AP's own key (0013); answers 80 2A */
    EVP_PKEY *rogue;   /* nobody trusts it; used by the forged-cv / bad-presence faults */
    uint8_t ca_id[CFILES_KEY_ID_LEN];
    uint8_t issuer_id[CFILES_KEY_ID_LEN];
} cfiles_keys;

/** One EF's bytes as the card holds them physically. */
typedef struct {
    uint8_t data[CFILES_EF_MAX];
    size_t len;
} cfiles_ef;

/** The readable EFs of the Kenhojo AP. */
typedef struct {
    cfiles_ef ef0001; /* FF10 My Number + FF FF filler */
    cfiles_ef ef0002; /* FF20 basic four attributes */
    cfiles_ef ef0003; /* FF30 integrity record */
    cfiles_ef ef0004; /* 7F21 CV certificate */
    cfiles_ef ef0005; /* FF40 AP basic info */
    cfiles_ef ef0007; /* FF50 signed public key of the card key */
} cfiles_set;

/** Faults that change file contents (see README.md). */
typedef struct {
    bool bad_hash;   /* 0002 served differs from what DF32 covers */
    bool forged_cv;  /* 0004 signed by rogue instead of ca */
    bool long_form;  /* 82 HH LL on FF10, FF20, DF21..DF25 */
} cfiles_opts;

/** Load DIR/card/{ca,issuer,card,rogue}.key.pem and DIR/card/{ca,issuer}.id.
 *  On failure returns false with *k empty (nothing to free) and a reason in
 *  err. On success free with cfiles_free_keys. */
bool cfiles_load_keys(const char *dir, cfiles_keys *k, char *err, size_t errlen);

/** Free the keys (safe on a zeroed or half-loaded struct). */
void cfiles_free_keys(cfiles_keys *k);

/** Build every EF from the resident and keys into *out. Returns false with a
 *  reason in err only on an OpenSSL failure or a resident too large for the
 *  layout; *out is then unspecified. */
bool cfiles_build(cfiles_set *out, const resident *r, const cfiles_keys *k,
                  const cfiles_opts *o, char *err, size_t errlen);

#endif
