/*
 * vicc.h — a virtual card behind pcscd's vpcd reader driver: the transport
 * cardsim and passportsim share.
 *
 * Owns: the vpcd TCP connection (the card is the client: connected =
 * inserted, closed = removed; messages are a 2-byte length and a payload,
 * 1-byte payloads being power off/on, reset and GET ATR), the test-control
 * Unix socket (one command per line, one reply line), SIGTERM/SIGINT and
 * the one poll() loop that serves them all, and the options every card
 * takes (struct vicc_opts). The card model and its control commands come
 * from the caller through struct vicc_card.
 *
 * Latency: TCP_NODELAY, every reply in one send() with its length prefix,
 * TCP_QUICKACK re-armed before every recv(); without these each APDU stalls
 * for tens of milliseconds on Nagle/delayed ACK.
 *
 * Logging (-v) shows headers, lengths and status words only, never data.
 * One vicc per process.
 */
#ifndef KOFU_TESTS_VICC_H
#define KOFU_TESTS_VICC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Room a response needs: 256 data bytes + SW1 SW2. */
#define VICC_RAPDU_MAX 258
#define VICC_ERR_MAX 512
#define VICC_EXIT_USAGE 2
#define VICC_EXIT_NO_PCSCD 3

/** The options every virtual card takes. */
struct vicc_opts {
    const char *host;    /* --host HOST: 127.0.0.1 unless given */
    const char *port;    /* --port PORT: vpcd's, required */
    const char *pki;     /* --pki DIR: the test PKI the card's data is signed with, required */
    const char *control; /* --control PATH: the control socket, or NULL */
    bool absent;         /* --absent: start with the card out (needs --control) */
    bool verbose;        /* -v, --verbose */
};

/** Their getopt_long entries; the values 'p' 'H' 'k' 'c' 'a' 'v' are theirs,
 *  a card's own options take others. */
#define VICC_LONGOPTS                                                                                                \
    {"port", required_argument, NULL, 'p'}, {"host", required_argument, NULL, 'H'},                                 \
        {"pki", required_argument, NULL, 'k'}, {"control", required_argument, NULL, 'c'},                           \
        {"absent", no_argument, NULL, 'a'}, {"verbose", no_argument, NULL, 'v'}

/** The defaults, before getopt. */
void vicc_opts_init(struct vicc_opts *o);
/** getopt's answer ch (with optarg arg) into o when it is one of
 *  VICC_LONGOPTS; false for any other, which the caller takes. */
bool vicc_opt(struct vicc_opts *o, int ch, const char *arg);
/** After getopt, once the caller has seen --port and --pki given: the port
 *  is 1..65535 and --absent comes with --control. Prints why (as "NAME: ",
 *  what is "card" or "chip") and returns false otherwise. */
bool vicc_opts_check(const struct vicc_opts *o, const char *name, const char *what);

typedef enum { VICC_POWER_OFF, VICC_POWER_ON, VICC_RESET } vicc_power;

typedef struct vicc vicc;

/** The card: its model behind callbacks (ctx is passed back). */
struct vicc_card {
    const char *name;          /* program name: log prefix, "NAME: ready" */
    const char *what;          /* "card" or "chip", for the log */
    const uint8_t *atr;
    size_t atr_len;
    void *ctx;
    void (*power)(void *ctx, vicc_power ev);
    /** One C-APDU; *rl is the capacity of r (VICC_RAPDU_MAX) in, the length out. */
    void (*apdu)(void *ctx, const uint8_t *c, size_t n, uint8_t *r, size_t *rl);
    bool (*mute)(void *ctx);
    unsigned (*slow_ms)(void *ctx);  /* delay before each answer; may be NULL */
    long *(*remove_after)(void *ctx); /* the card's counter: -1 off, else answers left */
    /** A control command other than remove, insert and quit: writes the
     *  reply line and returns true, or false for an unknown command. */
    bool (*control)(void *ctx, vicc *v, const char *cmd, const char *arg, char *reply, size_t n);
    const char *commands;      /* the list an unknown command's error names */
};

/** A card toward o's host:port with o's control socket, if any (o's
 *  strings must outlive the vicc). */
vicc *vicc_new(const struct vicc_card *card, const struct vicc_opts *o);
/** Signals, control socket, insert (unless --absent), "NAME: ready", then
 *  serve until SIGTERM/SIGINT/quit. Returns the exit status: 0, 1,
 *  VICC_EXIT_USAGE (control socket) or VICC_EXIT_NO_PCSCD. */
int vicc_run(vicc *v);
/** Card out, sockets closed, control socket removed. */
void vicc_free(vicc *v);

bool vicc_present(const vicc *v);
/** C-APDUs received since start, answered or not. */
unsigned long vicc_apdus(const vicc *v);
/** Card out (idempotent); the card gets VICC_POWER_OFF. */
void vicc_remove(vicc *v);
/** Card in (idempotent; retries for up to 10 s). false if pcscd is unreachable. */
bool vicc_insert(vicc *v);
/** Fires remove-after=0 at once (call after the card's faults changed). */
void vicc_check_remove_after(vicc *v);
/** "insert"'s reply line: "ok present=1" or "err cannot connect to HOST:PORT". */
void vicc_insert_reply(vicc *v, char *reply, size_t n);
/** Log to stderr when verbose (never data). */
__attribute__((format(printf, 1, 2))) void vicc_log(const char *fmt, ...);

#endif
