/*
 * fault.h — the fault switches that make centersim misbehave on purpose, so
 * the kiosk's error paths can be tested against a real server.
 *
 * Owns: struct fault_set and the SPEC syntax shared by `--fault SPEC` and
 * the control socket's `fault SPEC`. Faults add up; `clear` removes all.
 *
 *   latency=MS       delay every answer by MS ms (0..60000)
 *   status=CODE      answer every request with CODE (500, 502, 503 busy, 504)
 *   malformed-json   answer 200 with a body that is not JSON
 *   oversized-json   answer 200 with 1 MiB of valid JSON
 *   bad-signature    flip one bit of the SHC (JWS) signature
 *   bad-seal         flip one bit of the VDS-NC signature
 *   other-person     issue the certificate for another resident
 *   drop-mid-body    send the headers and half the body, then close
 *   fail-count=N     the next N certificate requests answer 503 busy (0..1000)
 *   jwks-bad-kid     the served key set's kid is not the key's thumbprint
 *                    (the JWS still names the right one)
 *   other-csca       VDS-NC seals signed by a barcode signer under another
 *                    CSCA (other-vds-signer.pem under other-csca.pem)
 *   wrong-refusal    no-record answered 403 municipality-not-participating
 *   reissue          a remembered, identical request gets a new certificate
 *   registered-passport  a request with the passport chip's data is sealed
 *                    and answered with the passport registered at the
 *                    center instead (as if the chip were ignored)
 *   passport-birth-unchecked  a request's passport birth date is not
 *                    compared with the card's (check 7 left out)
 */
#ifndef CENTERSIM_FAULT_H
#define CENTERSIM_FAULT_H

#include <stdbool.h>
#include <stddef.h>

#define FAULT_LATENCY_MAX_MS 60000u
#define FAULT_FAIL_COUNT_MAX 1000u

struct fault_set {
    unsigned latency_ms;
    int status; /* 0 = none */
    bool malformed_json;
    bool oversized_json;
    bool bad_signature;
    bool bad_seal;
    bool other_person;
    bool drop_mid_body;
    bool jwks_bad_kid;
    bool other_csca;
    bool wrong_refusal;
    bool reissue;
    bool registered_passport;
    bool passport_birth_unchecked;
    unsigned fail_count; /* certificate requests still to refuse */
};

/** Remove every fault. */
void fault_clear(struct fault_set *f);
/** Add the fault SPEC to f. False with a one-line reason in err (the SPEC
 *  is a test's own text, so it may be quoted) when SPEC is not valid; f is
 *  then unchanged. */
bool fault_parse(struct fault_set *f, const char *spec, char *err, size_t errlen);

#endif
