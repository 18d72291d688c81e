/*
 * vds.h — ICAO VDS-NC vaccination seals (icao.vacc, ICAO VDS-NC):
 * {data:{hdr, msg}, sig:{alg, cer, sigvl}}, the signature ES256 (raw r‖s)
 * over the RFC 8785 canonical form of `data`, and `cer` the barcode
 * signer's certificate (base64url DER) under the issuing state's CSCA.
 *
 * Owns: the signer (its certificate and P-256 key). The seal holds
 * resident data; it is built as jansson values (wiped when freed, see
 * wipeheap.h).
 */
#ifndef CENTERSIM_VDS_H
#define CENTERSIM_VDS_H

#include "store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define VDS_ISSUING_STATE "JPN"
#define VDS_JCS_MAX 16384 /* canonical `data` of ten doses is about 2 KiB */

typedef struct vds_signer vds_signer;

/** Load the barcode signer: certificate (PEM) and its EC P-256 private key
 *  (PEM), which must match. NULL with a reason in err otherwise. */
vds_signer *vds_signer_load(const char *cert_path, const char *key_path, char *err, size_t errlen);
void vds_signer_free(vds_signer *s);

/** The seal's `data`: hdr {t:"icao.vacc", v:1, is:"JPN"} and msg {uvci,
 *  pid {n, dob, i}, ve [{des, nam, dis, vd [{dvc, seq, ctr, adm, lot}]}]}.
 *  Doses (in date order) are grouped into one `ve` per product (in the order
 *  of each product's first dose); seq is each dose's number in the
 *  resident's whole series (store_dose.seq), ctr its country; adm is the
 *  recording municipality's English name.
 *  NULL on allocation failure. */
json_t *vds_data(const char *uvci, const struct store_resident *r, const struct store_dose *doses, size_t n,
                 const char *adm);
/** Sign data (the reference is stolen) into a whole seal {data, sig}.
 *  flip_bit: flip one bit of the signature (the bad-seal fault). NULL on
 *  failure. */
json_t *vds_seal(const vds_signer *s, json_t *data, bool flip_bit);

#endif
