/* pcsc.c — see pcsc.h. */
#include "drivers/card_reader/pcsc.h"
#include "base/clock.h"

#include "base/errors.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <winscard.h>

/* How long a failed transfer waits for the reader to report the slot empty. */
#define REMOVAL_GRACE_MS 1000

struct pcsc_ctx {
    SCARDCONTEXT context;
    SCARDHANDLE card;
    bool connected;
    DWORD protocol;
    char reader[256];
};

int pcsc_card_reader_map_error(long rv)
{
    switch (rv) {
    case SCARD_S_SUCCESS:
        return KOFU_OK;
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
        return KOFU_E_NO_SERVICE;
    case SCARD_E_NO_READERS_AVAILABLE:
    case SCARD_E_UNKNOWN_READER:
        return KOFU_E_NO_READER;
    case SCARD_E_READER_UNAVAILABLE:
        return KOFU_E_READER_GONE;
    case SCARD_E_TIMEOUT:
        return KOFU_E_TIMEOUT;
    case SCARD_E_NO_SMARTCARD:
        return KOFU_E_NO_CARD;
    case SCARD_W_REMOVED_CARD:
    case SCARD_W_RESET_CARD: /* someone reset it: the session's PIN state is gone too */
        return KOFU_E_CARD_REMOVED;
    case SCARD_E_SHARING_VIOLATION:
        return KOFU_E_CARD_BUSY;
    case SCARD_E_NO_MEMORY:
        return KOFU_E_NOMEM;
    default:
        return KOFU_E_CARD_COMM;
    }
}

/* Picks a reader from pcscd's multi-string list. */
static int pick_reader(struct pcsc_ctx *c, const char *pattern)
{
    DWORD len = 0;
    LONG rv = SCardListReaders(c->context, NULL, NULL, &len);
    if (rv != SCARD_S_SUCCESS)
        return pcsc_card_reader_map_error(rv);
    if (len < 2 || len > 65536)
        return KOFU_E_NO_READER;
    char *list = calloc(1, len + 1);
    if (!list)
        return KOFU_E_NOMEM;
    rv = SCardListReaders(c->context, NULL, list, &len);
    int result = KOFU_E_NO_READER;
    if (rv != SCARD_S_SUCCESS) {
        result = pcsc_card_reader_map_error(rv);
        goto out;
    }
    const char *chosen = NULL;
    for (int pass = 0; pass < 2 && !chosen; pass++) {
        for (const char *n = list; *n && n < list + len; n += strlen(n) + 1) {
            bool match = !pattern || !*pattern ||
                         (pass == 0 ? strcmp(n, pattern) == 0 : fnmatch(pattern, n, 0) == 0);
            if (match) {
                chosen = n;
                break;
            }
        }
    }
    if (chosen && strlen(chosen) < sizeof c->reader) {
        strcpy(c->reader, chosen);
        result = KOFU_OK;
    }
out:
    free(list);
    return result;
}

static int pcsc_open(void **out, const char *pattern)
{
    struct pcsc_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return KOFU_E_NOMEM;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &c->context);
    if (rv != SCARD_S_SUCCESS) {
        free(c);
        return pcsc_card_reader_map_error(rv);
    }
    int rc = pick_reader(c, pattern);
    if (rc != KOFU_OK) {
        SCardReleaseContext(c->context);
        free(c);
        return rc;
    }
    *out = c;
    return KOFU_OK;
}

static const char *pcsc_name(void *ctx) { return ((struct pcsc_ctx *)ctx)->reader; }


/* Waits, in pcscd rather than in a polling loop, until a card is (or is no
 * longer) present and usable. The first call with dwCurrentState UNAWARE
 * returns at once with the current state; later calls block for changes. */
static int wait_state(struct pcsc_ctx *c, bool want_present, int timeout_ms)
{
    SCARD_READERSTATE st;
    memset(&st, 0, sizeof st);
    st.szReader = c->reader;
    st.dwCurrentState = SCARD_STATE_UNAWARE;
    long deadline = kofu_mono_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
    DWORD wait = 0;
    for (;;) {
        LONG rv = SCardGetStatusChange(c->context, wait, &st, 1);
        if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
            return pcsc_card_reader_map_error(rv);
        DWORD s = st.dwEventState;
        if (rv == SCARD_S_SUCCESS) {
            if (s & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE | SCARD_STATE_IGNORE))
                return KOFU_E_READER_GONE;
            bool present = (s & SCARD_STATE_PRESENT) && !(s & SCARD_STATE_MUTE);
            if (present == want_present)
                return KOFU_OK;
            st.dwCurrentState = s & ~(DWORD)SCARD_STATE_CHANGED;
        }
        if (timeout_ms < 0) {
            wait = INFINITE;
            continue;
        }
        long left = deadline - kofu_mono_ms();
        if (left <= 0)
            return want_present ? KOFU_E_NO_CARD : KOFU_E_TIMEOUT;
        wait = (DWORD)left;
    }
}

static int pcsc_wait_present(void *ctx, int timeout_ms) { return wait_state(ctx, true, timeout_ms); }

static int pcsc_wait_absent(void *ctx, int timeout_ms) { return wait_state(ctx, false, timeout_ms); }

static int pcsc_connect(void *ctx, uint8_t *atr, size_t *atr_len)
{
    struct pcsc_ctx *c = ctx;
    if (c->connected)
        return KOFU_E_ARG;
    LONG rv = SCardConnect(c->context, c->reader, SCARD_SHARE_EXCLUSIVE,
                           SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &c->card, &c->protocol);
    if (rv == SCARD_E_NO_SMARTCARD || rv == SCARD_W_REMOVED_CARD)
        return KOFU_E_NO_CARD;
    if (rv != SCARD_S_SUCCESS)
        return pcsc_card_reader_map_error(rv);
    c->connected = true;
    if (atr && atr_len) {
        BYTE buf[MAX_ATR_SIZE];
        DWORD alen = sizeof buf, state = 0, proto = 0, rlen = 0;
        rv = SCardStatus(c->card, NULL, &rlen, &state, &proto, buf, &alen);
        if (rv != SCARD_S_SUCCESS) {
            *atr_len = 0;
        } else {
            size_t n = alen < *atr_len ? alen : *atr_len;
            memcpy(atr, buf, n);
            *atr_len = n;
        }
    }
    return KOFU_OK;
}

static int pcsc_transmit(void *ctx, const uint8_t *capdu, size_t capdu_len, uint8_t *rapdu,
                         size_t *rapdu_len)
{
    struct pcsc_ctx *c = ctx;
    if (!c->connected)
        return KOFU_E_NO_CARD;
    const SCARD_IO_REQUEST *pci = c->protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    DWORD rlen = (DWORD)*rapdu_len;
    LONG rv = SCardTransmit(c->card, pci, capdu, (DWORD)capdu_len, NULL, rapdu, &rlen);
    /* The vpcd driver (and some real readers) report success with no bytes
     * when the card vanished mid-command: treat it as a failed transfer. */
    if (rv == SCARD_S_SUCCESS && rlen >= 2) {
        *rapdu_len = rlen;
        return KOFU_OK;
    }
    int e = rv == SCARD_S_SUCCESS ? KOFU_E_CARD_COMM : pcsc_card_reader_map_error(rv);
    if (e == KOFU_E_NO_CARD)
        return KOFU_E_CARD_REMOVED;
    if (e != KOFU_E_CARD_COMM)
        return e;
    /* A card leaving the reader mid-command often shows first as a failed
     * transfer; the reader notices the empty slot a moment later. Asking
     * tells "pulled away" (retry with the card) from "broken" apart. */
    return wait_state(c, false, REMOVAL_GRACE_MS) == KOFU_OK ? KOFU_E_CARD_REMOVED : KOFU_E_CARD_COMM;
}

static int pcsc_disconnect(void *ctx, bool unpower)
{
    struct pcsc_ctx *c = ctx;
    if (!c->connected)
        return KOFU_OK;
    LONG rv = SCardDisconnect(c->card, unpower ? SCARD_UNPOWER_CARD : SCARD_LEAVE_CARD);
    c->connected = false;
    /* A card already gone cannot keep a PIN state: that is not a failure. */
    if (rv == SCARD_W_REMOVED_CARD || rv == SCARD_E_NO_SMARTCARD || rv == SCARD_E_INVALID_HANDLE)
        return KOFU_OK;
    return pcsc_card_reader_map_error(rv);
}

static void pcsc_close(void *ctx)
{
    struct pcsc_ctx *c = ctx;
    if (!c)
        return;
    pcsc_disconnect(c, true);
    SCardReleaseContext(c->context);
    free(c);
}

const struct card_reader_ops pcsc_card_reader_ops = {
    .open = pcsc_open,
    .name = pcsc_name,
    .wait_present = pcsc_wait_present,
    .wait_absent = pcsc_wait_absent,
    .connect = pcsc_connect,
    .transmit = pcsc_transmit,
    .disconnect = pcsc_disconnect,
    .close = pcsc_close,
};
