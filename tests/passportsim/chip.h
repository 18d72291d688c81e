/*
 * chip.h — the pure model of an ICAO 9303 eMRTD chip (a passport's LDS1
 * application) for kofu's tests.
 *
 * Owns: the chip's state (MF or eMRTD application selected, current EF,
 * BAC challenge, PACE step, secure-messaging keys and send sequence
 * counter), its files (chip_files.h), its faults and the APDU interpreter:
 * SELECT, READ BINARY, GET CHALLENGE + MUTUAL AUTHENTICATE (BAC, 3DES SM),
 * MSE:Set AT + GENERAL AUTHENTICATE (PACE-ECDH-GM-AES-CBC-CMAC-128 on
 * brainpoolP256r1, AES SM). No I/O: passportsim.c carries the APDUs, so
 * unit tests drive this module directly.
 *
 * Written from ICAO 9303-11 alone and never linked with kofu's
 * firmware/card/icao_*.c or mrtd*.c: the product and this chip meet only on
 * the wire, so a bug common to both cannot hide.
 *
 * Invariants: the protected files (EF.COM, DG1, DG2, EF.SOD) are served
 * only to commands that came through secure messaging with a good MAC; a
 * command with a bad or missing MAC gets a bare 69 88 / 69 87 and ends the
 * session; any plain command ends the session too. Incoming APDUs are
 * parsed through the kofu_cur API only.
 */
#ifndef PASSPORTSIM_CHIP_H
#define PASSPORTSIM_CHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chip_files.h"
#include "holder.h"

/** Room a response needs: 256 data bytes + SW1 SW2. */
#define CHIP_RAPDU_MAX 258

/** The faults (README.md has the meaning of each). remove_after and mute are
 *  acted on by the transport; the file-changing ones by whoever builds the
 *  files (chip_faults_files). */
typedef struct {
    long remove_after;      /* -1 = off; else APDUs still to answer */
    unsigned short_reads;   /* 0 = off; else max bytes per READ BINARY answer */
    unsigned bad_mac;       /* 0 = off; else the Nth protected response of every session gets a bad MAC */
    bool wrong_keys;
    bool tampered_dg1;
    bool bad_sod_signature;
    bool other_csca;
    bool expired_ds;
    bool pace_only;
    bool mute;
} chip_faults;

typedef enum { CHIP_POWER_OFF, CHIP_POWER_ON, CHIP_RESET } chip_power_event;
typedef enum { CHIP_SM_NONE, CHIP_SM_3DES, CHIP_SM_AES } chip_sm;

/** Where the chip's randomness comes from: RND.IC and K.IC (BAC), the PACE
 *  nonce and private keys. Unit tests fix it to replay ICAO's worked examples. */
typedef void (*chip_rng_fn)(void *arg, uint8_t *out, size_t n);

typedef struct {
    /* fixed at set-up */
    holder h;
    pf_set files;
    bool pace;                  /* EF.CardAccess present, PACE offered */
    chip_faults faults;
    chip_rng_fn rng;
    void *rng_arg;
    uint8_t k_enc[16], k_mac[16], k_pi[16]; /* from the MRZ (or another one: wrong-keys) */
    /* volatile: lost on power events */
    bool powered;
    bool in_app;                /* eMRTD application selected (else the MF) */
    uint16_t ef;                /* current EF, 0 = none */
    bool challenge;             /* RND.IC issued and not yet used */
    uint8_t rnd_ic[8];
    int pace_step;              /* 0 none, 1 after MSE, 2 nonce sent, 3 mapped, 4 keys agreed */
    uint8_t nonce[16];
    uint8_t g_mapped[65];       /* the mapped generator G~, uncompressed */
    uint8_t pk_ic[65], pk_ifd[65];
    chip_sm sm;
    uint8_t ks_enc[16], ks_mac[16];
    uint8_t ssc[16];            /* 8 bytes used under 3DES, 16 under AES */
    unsigned protected_responses; /* in this session (the bad-mac fault counts these) */
    const char *access;         /* "none", "BAC" or "PACE": the last access that succeeded */
} chip;

/** Reset *f to "no faults". */
void chip_faults_init(chip_faults *f);
/** Apply one fault SPEC ("bad-mac=2", "mute", ... or "clear"). false with a
 *  reason in err when SPEC is unknown or its number is out of range; *f is
 *  then unchanged. */
bool chip_fault_parse(chip_faults *f, const char *spec, char *err, size_t errlen);
/** The Document Signer a fault set asks for (ds-rogue, ds-expired), or NULL
 *  for the holder's own. */
const char *chip_faults_signer(const chip_faults *f);

/** Set up a chip for holder h with files (copied), PACE offered or not, and
 *  faults f. Unpowered, nothing selected, real randomness. */
void chip_init(chip *c, const holder *h, const pf_set *files, bool pace, const chip_faults *f);
/** Replace the faults (the keys follow wrong-keys); files are the caller's. */
void chip_set_faults(chip *c, const chip_faults *f);
/** Replace the files (after a file-changing fault). */
void chip_set_files(chip *c, const pf_set *files);
/** Fix the randomness (tests); NULL restores RAND_bytes. */
void chip_set_rng(chip *c, chip_rng_fn fn, void *arg);
/** Power off, on or reset: all three drop the selection, the challenge, the
 *  PACE step and the SM session. */
void chip_power(chip *c, chip_power_event ev);
/** Interpret one C-APDU (capdu[0..len), untrusted) and write the R-APDU to
 *  rapdu; *rlen is its capacity on entry (≥ CHIP_RAPDU_MAX) and the length
 *  on return. */
void chip_process_apdu(chip *c, const uint8_t *capdu, size_t len, uint8_t *rapdu, size_t *rlen);
/** Wipe the chip (keys, holder data). */
void chip_wipe(chip *c);

#endif
