/*
 * harness.h — starts and stops the real test peers for integration tests
 * and benchmarks: pcscd (foreground, its vpcd reader on a port below 32768)
 * and cardsim (the virtual My Number card), and runs kofu as a subprocess.
 *
 * Every child gets PR_SET_PDEATHSIG, so a crashed test cannot leave peers
 * behind; harness_stop() ends them by PID (SIGTERM, then SIGKILL). Run
 * under tests/sandbox.sh so that pcscd and its port are private to the run.
 */
#ifndef KOFU_HARNESS_H
#define KOFU_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct card_reader;
struct kenhojo_card_data;

struct harness {
    char dir[256];      /* private temp dir: reader config, control socket, logs */
    char control[320];  /* cardsim's control socket */
    char reader[64];    /* the PC/SC reader the card sits in */
    int vpcd_port;
    pid_t pcscd, cardsim;
    char center_control[320]; /* centersim's control socket */
    int center_port;
    pid_t centersim;
    /* passportsim, the virtual passport (harness_start_passportsim) */
    char passport_control[320];
    char passport_reader[64]; /* the reader the passport sits in */
    int passport_port;
    pid_t passportsim;
};

/** The build directory ($KOFU_BUILD, else "build"). */
const char *harness_build(void);
/** A path under the build directory, in one of 32 rotating static buffers
 *  (slot is ignored; kept for readability at call sites). */
const char *harness_path(int slot, const char *rel);

/** Make the temp dir and start pcscd; waits for its socket. */
int harness_start_pcscd(struct harness *h);
/** Start cardsim toward h->vpcd_port (whatever listens there: pcscd's vpcd,
 *  or the image test's bridge) and wait for its ready line only. */
int harness_spawn_cardsim(struct harness *h, const char *resident, const char *const *faults);
/** Start cardsim with a resident file (relative to the repository) and
 *  optional faults (NULL-terminated); waits until pcscd sees the card. */
int harness_start_cardsim(struct harness *h, const char *resident, const char *const *faults);
/** One control command to cardsim; the reply line goes to reply. Returns 0
 *  when the reply starts with "ok". */
int harness_card(struct harness *h, const char *cmd, char *reply, size_t cap);
/** Wait (through PC/SC) until the reader has a card (present) or none. */
int harness_wait_card(struct harness *h, bool present, int timeout_ms);
/** Swap the card for another resident (remove, wait, load, wait). Clears
 *  faults. A passport in the card's slot (harness_swap_to_passport) is taken
 *  off first. */
int harness_load(struct harness *h, const char *resident);
/** Start centersim on loopback (port 28443 unless $KOFU_TEST_CENTER_PORT)
 *  with the test PKI, the fixture and extra arguments (NULL-terminated);
 *  waits until it listens. Make the temp dir first (harness_start_pcscd or
 *  harness_init). */
int harness_start_centersim(struct harness *h, const char *const *extra);
/** Stop centersim only (to restart it with other arguments, or to test a
 *  center that is down). */
void harness_stop_centersim(struct harness *h);
/** One control command to centersim. 0 when the reply starts with "ok". */
int harness_center(struct harness *h, const char *cmd, char *reply, size_t cap);
/** The peers as a kiosk test starts each visit: centersim started with
 *  center_args if it is not running, its records cleared and its terms of
 *  use back to its default; cardsim cleared with `resident` loaded and the
 *  card taken off the reader, as pcscd sees it. 0, or -1. */
int harness_fresh_visit(struct harness *h, const char *const *center_args, const char *resident);
/** GET a path from centersim over mTLS with the test kiosk certificate
 *  into dest (e.g. "/.well-known/jwks.json"). 0 on HTTP 200. */
int harness_center_get(struct harness *h, const char *path, const char *dest);
/** Read the card in the harness's reader through pcscd (connecting again
 *  while another process holds it), verify the PIN and read its files into
 *  the vault; with card_ca_dir also check authenticity and presence.
 *  NULL on any failure. */
struct kenhojo_card_data *harness_read_card(struct harness *h, const char *pin, const char *card_ca_dir);
/** Monotonic milliseconds, and the median of n values (sorts v). */
double harness_now_ms(void);
double harness_median(double *v, size_t n);
/** A bench's floor: n plain SELECTs of the application aid (P2 0C, no
 *  answer data) through r, connected, each one's round trip in ms into rt.
 *  0, or -1 when one fails. */
int harness_select_round_trips(struct card_reader *r, const uint8_t *aid, size_t aid_len, double *rt, int n);
/** exec argv in a forked child (execvp when search_path), copying the
 *  const strings into writable storage first; _exit(127) if it fails. */
void harness_exec(const char *const argv[], bool search_path);
/** Make the temp dir without starting pcscd. */
int harness_init(struct harness *h);

/** Write a `kofu run --board sim` configuration to path for this harness's
 *  reader, card CA, centersim (its key set fetched into DIR/issuer.jwks.json)
 *  and control sockets, the printer at printer_uri (with printer_ca_file =
 *  the test printer CA for ipps://, printer_private_link = yes for ipp://), the headless display,
 *  the recording audio sink logging to audio_log, and the prompts under the
 *  build directory; extra (may be NULL) is appended as more key = value
 *  lines. 0 on success. */
int harness_kiosk_config(struct harness *h, const char *path, const char *printer_uri, const char *audio_log,
                         const char *extra);
/** Write DIR/kofu.conf for the technicians' commands (`kofu card read`,
 *  `kofu passport read`): a first line saying which test wrote it, then
 *  the printf-formatted key = value lines; and point $KOFU_CONFIG at it. 0
 *  on success. */
__attribute__((format(printf, 3, 4))) int harness_command_config(struct harness *h, const char *test, const char *fmt,
                                                                 ...);
/** Copy the configuration at from to to without the test build's own keys
 *  (sim_*), which the product build (build/kofu) refuses. 0 on success. */
int harness_product_config(const char *from, const char *to);

/** Stop everything this harness started and remove its temp dir. */
void harness_stop(struct harness *h);

/** Check a JWS (the file jws_path) with the verifier that is not kofu's
 *  code (tests/centersim/verify_shc.py) against the key set jwks_path, the
 *  issuer iss when not NULL; what it printed into out (cap bytes). Its exit
 *  status (0: verified), printed with its output when not 0. */
int harness_verify_shc(const char *jws_path, const char *jwks_path, const char *iss, char *out, size_t cap);

/** Run a program with stdin_data on its standard input; capture both
 *  outputs (NUL-terminated, truncated to cap). Returns the exit status, or
 *  -1 if it could not run or died of a signal. */
int harness_run(const char *const argv[], const char *stdin_data, char *out, size_t out_cap, char *err,
                size_t err_cap);

/* ---- the virtual passport (tests/passportsim/README.md) ------------------ */

/** Start passportsim with a holder file (relative to the repository), access
 *  "bac" or "pace" (NULL: pace) and optional faults (NULL-terminated) in
 *  vpcd's second slot, "Virtual PCD 00 01" (port vpcd_port + 1: pcscd's one
 *  vpcd reader has two), and wait until pcscd sees the chip. Start pcscd
 *  first. */
int harness_start_passportsim(struct harness *h, const char *holder, const char *access, const char *const *faults);
/** One control command to passportsim; 0 when the reply starts with "ok". */
int harness_passport(struct harness *h, const char *cmd, char *reply, size_t cap);
/** The kiosk's order: the passport goes on the same reader after the card.
 *  Takes cardsim's card out of slot 00 and waits until pcscd sees it gone,
 *  stops any passportsim, starts one on slot 00's port with these arguments
 *  and waits until pcscd sees it (h->passport_reader becomes h->reader). */
int harness_swap_to_passport(struct harness *h, const char *holder, const char *access, const char *const *faults);
/** And back: passportsim stopped (the passport taken off), cardsim's card
 *  inserted again; waits for pcscd each time. */
int harness_swap_to_card(struct harness *h);
/** Wait (through PC/SC) until the named reader has a card (present) or none. */
int harness_wait_reader(const char *reader, bool present, int timeout_ms);

#endif
