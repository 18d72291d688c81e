/*
 * card.h — the pure model of the My Number card's Kenhojo AP.
 *
 * Owns: the card's state (selected DF/EF, PIN counter and verified flag,
 * pending GET RESPONSE data), the files it serves, the fault settings, and
 * the APDU interpreter. No I/O: the vpcd transport lives in cardsim.c, so
 * unit tests can drive this module directly.
 *
 * Incoming APDUs are parsed only through the kofu_cur API (bytes.h). The
 * card never logs anything; callers may log the header and the status word.
 */
#ifndef CARDSIM_CARD_H
#define CARDSIM_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card_files.h"
#include "resident.h"

/** Room a response needs: 256 data bytes + SW1 SW2. */
#define CARD_RAPDU_MAX 258

/** Every fault cardsim knows (README.md has the meaning of each). Some are
 *  acted on by the transport (remove_after, slow_ms, mute), the rest here. */
typedef struct {
    long remove_after;    /* -1 = off; else APDUs still to answer before removal */
    unsigned slow_ms;     /* delay before every R-APDU */
    unsigned short_reads; /* 0 = off; else max bytes per READ BINARY answer */
    bool bad_hash;
    bool forged_cv;
    bool long_form;
    bool eof_6282;
    bool le_6c;
    bool get_response;
    bool no_presence;
    bool bad_presence;
    bool mute;
} card_faults;

/** Which DF is current. */
typedef enum { CARD_DF_NONE, CARD_DF_KENHOJO, CARD_DF_OTHER } card_df;

/** What the reader did to the contacts. */
typedef enum { CARD_POWER_OFF, CARD_POWER_ON, CARD_RESET } card_power_event;

typedef struct {
    /* fixed at load time */
    resident res;             /* holder data and PIN (tries_left is live) */
    const cfiles_keys *keys;  /* borrowed; outlives the card */
    cfiles_set files;
    card_faults faults;
    /* volatile state: lost on power events */
    bool powered;
    bool verified;
    card_df df;
    uint16_t ef;              /* current EF's FID, 0 = none */
    uint8_t pending[256];     /* GET RESPONSE data waiting (get-response fault) */
    size_t pending_len;
    uint16_t pending_sw;      /* SW to give with the last part */
    bool pending_active;
} card;

/** Reset *f to "no faults". */
void card_faults_init(card_faults *f);

/** Apply one fault SPEC ("slow=50", "bad-hash", ... or "clear") to *f.
 *  Returns false with a reason in err if SPEC is unknown or its number is
 *  out of range; *f is then unchanged. */
bool card_fault_parse(card_faults *f, const char *spec, char *err, size_t errlen);

/** Set up a card for resident r (copied) with keys k (borrowed) and faults f,
 *  building its files. The card starts unpowered with nothing selected.
 *  Returns false with a reason in err if the files cannot be built. */
bool card_init(card *c, const resident *r, const cfiles_keys *k, const card_faults *f,
               char *err, size_t errlen);

/** Replace the card's faults, rebuilding the files when a file-changing fault
 *  changed. The PIN counter and session state are kept. */
bool card_set_faults(card *c, const card_faults *f, char *err, size_t errlen);

/** Wipe the card (it holds the PIN and the holder's data). */
void card_wipe(card *c);

/** Power off, power on or reset: all three drop the verified state, the
 *  current DF and EF and any pending GET RESPONSE data; the PIN counter
 *  survives (it lives in the card's EEPROM). */
void card_power(card *c, card_power_event ev);

/** Interpret one C-APDU (capdu[0..len), untrusted) and write the R-APDU
 *  (data + SW1 SW2) to rapdu. *rlen is the capacity of rapdu on entry (at
 *  least 2; CARD_RAPDU_MAX always suffices — a response that does not fit
 *  becomes 6F 00) and the response length on return. */
void card_process_apdu(card *c, const uint8_t *capdu, size_t len, uint8_t *rapdu, size_t *rlen);

#endif
