/*
 * ipp_pin.h — the printer's certificate checked against a pinned anchor.
 *
 * Owns: struct ipp_pin (the anchor loaded from the configuration's
 * printer_ca_file) and the check the IPP driver runs on every TLS
 * connection before the document goes out. libcups on Debian 12 does TLS
 * through GnuTLS and checks nothing itself (it leaves trust to the caller,
 * with a trust-on-first-use store kofu never asks); so the peer's chain, as
 * libcups hands it over (DER, leaf first), is verified here with OpenSSL
 * against the pinned certificates alone — never the system store:
 * chain to an anchor (a CA, or the printer's own certificate: partial
 * chains allowed), every certificate within its validity, the leaf for the
 * host of the printer URI (DNS name, or IP address when the host is one),
 * usable for a TLS server, and not a CA.
 */
#ifndef KOFU_PRINTER_PIN_H
#define KOFU_PRINTER_PIN_H

#include <stddef.h>
#include <stdint.h>

/** Most certificates of a peer chain looked at; more is refused. */
#define PRINTER_PIN_CHAIN_MAX 8

struct ipp_pin;

/** Load the pinned certificates (PEM, one or more) from path.
 *  KOFU_E_CONFIG when the file is missing, unreadable or holds no
 *  certificate; KOFU_E_ARG for NULL; KOFU_E_NOMEM. */
int ipp_pin_load(const char *path, struct ipp_pin **out);

/** Verify a peer chain (n DER certificates, leaf first) for host.
 *  KOFU_OK, or KOFU_E_PRINTER_UNTRUSTED (no chain, unparsable, not under
 *  the pin, expired or not yet valid, wrong host, not a server certificate,
 *  a CA as leaf), KOFU_E_ARG, KOFU_E_NOMEM. */
int ipp_pin_check(const struct ipp_pin *pin, const char *host, const uint8_t *const der[],
                      const size_t len[], size_t n);

/** Release the pin. NULL is fine. */
void ipp_pin_free(struct ipp_pin *pin);

#endif
