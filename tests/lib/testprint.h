/*
 * testprint.h — reading the technician's test print back (ui/test_print.h,
 * kiosk/test_print.h) as a support desk and a verifier would: the PDF
 * rasterised by poppler, the QR codes decoded by zbarimg, the sample's
 * codes given to kofu's own verifiers under the test PKI's real trust.
 *
 * Owns nothing: strings returned are malloc'd and the caller's. The
 * verifiers need the vault (vault_init) with SHC_VERIFY_VAULT_BYTES free.
 */
#ifndef KOFU_TESTS_LIB_TESTPRINT_H
#define KOFU_TESTS_LIB_TESTPRINT_H

#include "diag/diag.h"
#include "verify/shc.h"
#include "verify/vds.h"

#include <stdbool.h>
#include <stddef.h>

/** A made-up report of all twelve checks (some warn, some fail, details
 *  of every kind a detail may hold), as diag_run would leave it; free it
 *  with diag_report_free. */
void kt_diag_report_fill(struct diag_report *r);

/** The test PKI's directory ($KOFU_BUILD/pki, default build/pki). */
const char *kt_pki_dir(void);

/** Rasterise every page of pdf at dpi into base-N.png (pdftoppm's names:
 *  base-1.png, base-2.png, ...). False when pdftoppm failed. */
bool kt_pdf_to_pngs(const char *pdf, int dpi, const char *base);

/** Every code zbarimg finds in png, as their exact bytes back to back;
 *  *n gets how many codes there were (from zbarimg's XML). NULL when
 *  zbarimg found none or failed. */
char *kt_zbar_codes(const char *png, size_t *len, int *n);

/** Split the sample page's two codes (back to back, in either order) into
 *  the SMART Health Card QR text ("shc:/" and digits) and the VDS-NC
 *  code's text. False when they are not one of each. */
bool kt_split_sample_codes(const char *codes, size_t len, char **shc_qr, char **seal);

/** What kofu's SHC verifier says of the SHC QR text qr: the digits back to
 *  a JWS (qr_numeric_to_jws), then shc_verify against the test PKI's
 *  issuer key (build/pki/shc-issuer.key.pem, as centersim serves it) with
 *  the allow list {centersim's issuer, also_allowed (may be NULL)}. When
 *  kid is not NULL, the JWS's header is first replaced by one naming the
 *  real issuer's kid (to show the signature alone refuses it). *rc gets
 *  shc_verify's result. */
enum shc_reason kt_shc_verdict(const char *qr, const char *also_allowed, bool with_real_kid, int *rc);

/** What kofu's VDS-NC verifier says of seal under the test PKI's CSCA. */
enum vds_reason kt_vds_verdict(const char *seal, int *rc);

#endif
