/*
 * printer_harness.h — starts and stops the printer peers of the printer
 * tests: dbus-daemon and avahi-daemon (ippeveprinter will not run without
 * DNS-SD), ippeveprinter (the IPP Everywhere printer simulator from the
 * CUPS project) with tests/printer/ippcmd.sh as its print command, an
 * isolated cupsd with one queue that prints to that ippeveprinter, and the
 * stand-in printer (build/ipp-standin) for the faults ippeveprinter cannot
 * show.
 *
 * Needs tests/sandbox.sh (root in private mount and network namespaces):
 * /run/dbus and /run/avahi-daemon get private tmpfs mounts so that the
 * daemons started here cannot meet the host's, and /etc/cups/ssl gets one
 * so that TLS trust libcups stores for ipps:// stays private too. Every child is started by
 * PID with PR_SET_PDEATHSIG; the test process becomes a child subreaper so
 * that grandchildren (the print command, cupsd's filters) come back to it;
 * printer_peer_stop() ends all of them by PID, even after a failed test.
 *
 * ippeveprinter serves ipps:// on the same port with the test PKI's
 * printer certificate (build/pki/printer.pem, under printer-ca.pem; copied
 * into its -K directory as localhost.crt/.key).
 *
 * Ports (all below 32768): ippeveprinter 8631 ($KOFU_TEST_IPP_PORT), the
 * stand-in 8633 ($KOFU_TEST_STANDIN_PORT); cupsd listens only on a socket
 * in the peer's temp dir.
 */
#ifndef KOFU_PRINTER_HARNESS_H
#define KOFU_PRINTER_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/** How the kiosk's configuration reaches the printer peer. */
enum printer_peer_mode {
    PRINTER_IPP,  /* ipp://, with printer_private_link = yes */
    PRINTER_IPPS, /* ipps://, with printer_ca_file = the test printer CA */
};

struct printer_peer {
    char dir[256];         /* /tmp/kofu-test-printer-XXXXXX */
    char spool[300];       /* ippeveprinter's spool directory (-d) */
    char received[300];    /* ippcmd.sh's copies: job-<printer job id>.pdf */
    int ipp_port;
    char uri[128];         /* ipp://localhost:PORT/ipp/print */
    char ipps_uri[128];    /* ipps://localhost:PORT/ipp/print: the same printer over TLS */
    char kiosk_uri[128];   /* the one of the two the kiosk peers' mode chose */
    pid_t dbus, avahi, ippeve;
    bool mounted;          /* private /run/dbus and /run/avahi-daemon */
    bool ssl_mounted;      /* private /etc/cups/ssl (libcups' TLS trust store) */

    char cups_dir[300];    /* the isolated cupsd's root */
    char cups_socket[340]; /* its only listener */
    char cups_spool[340];  /* its RequestRoot */
    char queue[64];
    pid_t cupsd;

    int standin_port;
    char standin_uri[128];
    pid_t standin;
};

/** Make the temp dir, mount the private /run dirs, start dbus-daemon,
 *  avahi-daemon and ippeveprinter; waits until the printer answers IPP. */
int printer_peer_start(struct printer_peer *p);
/** Stop ippeveprinter only (a printer that went away). */
void printer_peer_stop_ippeve(struct printer_peer *p);
/** Start ippeveprinter again after printer_peer_stop_ippeve. */
int printer_peer_start_ippeve(struct printer_peer *p);

/** Write what ippcmd.sh does with the next job (see ippcmd.sh), e.g.
 *  "sleep 2\nexit 1\n". */
int printer_peer_next_job(struct printer_peer *p, const char *instructions);
/** Change ippeveprinter's printer-state-reasons through its STATE: protocol:
 *  prints a control job whose command reports e.g. "+media-jam" or
 *  "-media-jam,cover-open" and waits until it has completed. */
int printer_peer_state(struct printer_peer *p, const char *change);
/** Load (true) or empty (false) every tray through ippeveprinter's /media
 *  form; empty trays make it report media-empty. */
int printer_peer_media(struct printer_peer *p, bool loaded);
/** Fill (true) or empty (false) the toner through ippeveprinter's /supplies
 *  form; an empty toner makes it report toner-empty. */
int printer_peer_toner(struct printer_peer *p, bool full);
/** Set the black toner's level (0..100 %) through the /supplies form, the
 *  waste toner at 10 %. */
int printer_peer_toner_level(struct printer_peer *p, int percent);
/** Cancel every job the printer at uri has not finished, as someone at its
 *  panel would (a second IPP client). Returns how many, or -1. */
int printer_peer_cancel_active(const char *uri);
/** Wait until the printer at uri reports printer-state idle. */
int printer_peer_wait_idle(const char *uri, int timeout_ms);
/** The number of jobs the printer at uri lists as not completed (Get-Jobs),
 *  or -1 if it did not answer. */
int printer_peer_active_jobs(const char *uri);

/** Start an isolated cupsd (cupsd.conf as in docs/printing.md) in the
 *  peer's temp dir, listening only on cups_socket, and add queue `queue`
 *  printing to the ippeveprinter (lpadmin -m everywhere). */
int printer_peer_start_cupsd(struct printer_peer *p, const char *queue);

/** The number of jobs cupsd still knows for the queue, completed ones
 *  included (Get-Jobs which-jobs=all), or -1. */
int printer_peer_cups_jobs(struct printer_peer *p);
/** Pause (Pause-Printer) or resume (Resume-Printer) the cupsd queue. */
int printer_peer_cups_pause(struct printer_peer *p, bool pause);

/** Start the stand-in printer; waits for its ready line. */
int printer_peer_start_standin(struct printer_peer *p);
/** Set the stand-in's behaviour: a query string as in ipp_standin.c, e.g.
 *  "state=5&reasons=offline". */
int printer_peer_standin(struct printer_peer *p, const char *query);

/** How many documents the printer peer received (received/job-N.pdf), or
 *  -1 if the directory cannot be read. */
int printer_peer_received_pdfs(struct printer_peer *p);

/** Count the entries of a directory, "." and ".." and names in `except`
 *  (NULL-terminated, may be NULL) left out; list them into names (may be
 *  NULL) separated by spaces. -1 if it cannot be read. */
int printer_peer_list_dir(const char *dir, const char *const *except, char *names, size_t cap);

struct harness;

/** Everything `kofu run --board sim` talks to, for the kiosk's tests, its
 *  bench and the demo: pcscd with cardsim holding the synthetic resident
 *  tests/cardsim/residents/yamada.json, the card out of the reader; centersim
 *  open at all hours; and this printer peer. 0 on success; on failure the
 *  caller stops what did start (harness_stop, printer_peer_stop). */
int printer_peer_start_kiosk_peers(struct harness *h, struct printer_peer *p);
/** The same, with the printer reached as mode says: p->kiosk_uri is the
 *  URI to configure (harness_kiosk_config adds the matching trust keys).
 *  printer_peer_start_kiosk_peers is PRINTER_IPP. */
int printer_peer_start_kiosk_peers_mode(struct harness *h, struct printer_peer *p, enum printer_peer_mode mode);
/** The mode tests/run-all.sh or a developer chose for the kiosk tests:
 *  $KOFU_TEST_PRINTER = ipp or ipps (default ipps, as on a kiosk). */
enum printer_peer_mode printer_peer_mode_from_env(void);

/** Stop everything this peer started (by PID, reverse order), reap any
 *  orphaned descendants, unmount, and remove the temp dir. */
void printer_peer_stop(struct printer_peer *p);

#endif
