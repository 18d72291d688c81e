#!/usr/bin/python3
"""verify_shc.py — an independent check of what centersim issues (no kofu code).

  verify_shc.py JWS JWKS [--iss URL] [--nbf N]
  verify_shc.py --vds SEAL.json --csca CSCA.pem

JWS is the compact JWS (or a file holding it), JWKS a key-set file. Checks the
header ({"zip":"DEF","alg":"ES256","kid":...} and nothing else), that kid is the
RFC 7638 thumbprint of the key that verifies, ES256 over the signing input with
a raw r||s signature, the 1195-character limit, raw-DEFLATE payload, iss (https,
no trailing '/', optionally equal to --iss), nbf (optionally equal to --nbf),
vc.type and fhirVersion, and the bundle's shape; prints the Patient's name and
birthDate.

With --vds: recomputes the RFC 8785 canonical form of seal.data, verifies the
ES256 signature (sigvl, raw r||s) with the key of sig.cer, and checks that cer is
signed by the CSCA, names it as issuer and is within its validity period.

Exit status 0 only when everything holds; 1 with the reason otherwise.
"""
import argparse
import base64
import datetime
import hashlib
import json
import os
import sys
import zlib

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

HEALTH_CARD = "https://smarthealth.cards#health-card"
JWS_MAX = 1195


class Invalid(Exception):
    pass


def need(cond, why):
    if not cond:
        raise Invalid(why)


def b64url_decode(s):
    need(isinstance(s, str) and all(c.isalnum() or c in "-_" for c in s) and len(s) % 4 != 1,
         "not base64url without padding")
    raw = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    need(base64.urlsafe_b64encode(raw).rstrip(b"=").decode() == s, "base64url not in its canonical form")
    return raw


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def verify_raw_es256(pub, sig, msg):
    need(len(sig) == 64, f"signature is {len(sig)} bytes, not raw r||s (64)")
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    try:
        pub.verify(der, msg, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise Invalid("ES256 signature does not verify")


def thumbprint(jwk):
    canon = json.dumps({"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"], "y": jwk["y"]},
                       separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canon.encode()).digest())


def jwk_public_key(jwk):
    need(jwk.get("kty") == "EC" and jwk.get("crv") == "P-256", "key is not EC P-256")
    need(jwk.get("use") == "sig" and jwk.get("alg") == "ES256", "key is not use=sig alg=ES256")
    need("d" not in jwk, "the key set holds a private key (d)")
    x, y = b64url_decode(jwk["x"]), b64url_decode(jwk["y"])
    need(len(x) == 32 and len(y) == 32, "coordinates are not 32 bytes")
    return ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"),
                                         ec.SECP256R1()).public_key()


def check_bundle(vc):
    subj = vc.get("credentialSubject", {})
    need(subj.get("fhirVersion") == "4.0.1", "fhirVersion is not 4.0.1")
    bundle = subj.get("fhirBundle", {})
    need(bundle.get("resourceType") == "Bundle", "no FHIR Bundle")
    entries = bundle.get("entry", [])
    need(len(entries) >= 2, "the bundle needs a Patient and at least one Immunization")
    for i, e in enumerate(entries):
        need(e.get("fullUrl") == f"resource:{i}", f"entry {i}: fullUrl is not resource:{i}")
    patient = entries[0]["resource"]
    need(patient.get("resourceType") == "Patient", "resource:0 is not a Patient")
    need("id" not in patient and "meta" not in patient and "text" not in patient, "Patient is not minimized")
    for e in entries[1:]:
        imm = e["resource"]
        need(imm.get("resourceType") == "Immunization", "an entry after resource:0 is not an Immunization")
        need(imm.get("status") == "completed", "Immunization.status is not completed")
        coding = imm["vaccineCode"]["coding"]
        need(len(coding) == 1 and coding[0]["system"] == "http://hl7.org/fhir/sid/cvx", "vaccineCode is not CVX")
        need(imm["patient"] == {"reference": "resource:0"}, "Immunization.patient is not resource:0")
        need("occurrenceDateTime" in imm and "lotNumber" in imm, "Immunization lacks date or lot")
        need(imm["performer"][0]["actor"]["display"], "Immunization lacks performer")
    return patient, len(entries) - 1


def verify_jws(jws, jwks, want_iss=None, want_nbf=None):
    need(len(jws) <= JWS_MAX, f"JWS is {len(jws)} characters, over {JWS_MAX} (one QR at V22/L)")
    parts = jws.split(".")
    need(len(parts) == 3, "not a compact JWS")
    header = json.loads(b64url_decode(parts[0]))
    need(set(header) == {"zip", "alg", "kid"}, f"header members {sorted(header)}")
    need(header["zip"] == "DEF" and header["alg"] == "ES256", "header is not zip=DEF alg=ES256")
    keys = [k for k in jwks.get("keys", []) if k.get("kid") == header["kid"]]
    need(len(keys) == 1, "no single key in the key set with the header's kid")
    need(thumbprint(keys[0]) == header["kid"], "kid is not the RFC 7638 thumbprint of the key")
    verify_raw_es256(jwk_public_key(keys[0]), b64url_decode(parts[2]), (parts[0] + "." + parts[1]).encode())
    try:
        payload = json.loads(zlib.decompress(b64url_decode(parts[1]), -15).decode("utf-8"))
    except zlib.error:
        raise Invalid("payload is not raw DEFLATE")
    iss = payload.get("iss", "")
    need(iss.startswith("https://") and not iss.endswith("/"), "iss is not https or ends in /")
    need(want_iss is None or iss == want_iss, "iss is not the expected issuer")
    need(isinstance(payload.get("nbf"), (int, float)), "nbf is not a number")
    need(want_nbf is None or payload["nbf"] == want_nbf, "nbf is not the expected time")
    vc = payload.get("vc", {})
    need(HEALTH_CARD in vc.get("type", []), "vc.type lacks #health-card")
    patient, doses = check_bundle(vc)
    return payload, patient, doses


# ---- VDS-NC ---------------------------------------------------------------------

def jcs(v):
    """RFC 8785 for the values a seal holds (objects, arrays, strings, integers, literals)."""
    if isinstance(v, dict):
        items = sorted(v.items(), key=lambda kv: kv[0].encode("utf-16-be"))
        return "{" + ",".join(jcs_str(k) + ":" + jcs(x) for k, x in items) + "}"
    if isinstance(v, list):
        return "[" + ",".join(jcs(x) for x in v) + "]"
    if isinstance(v, str):
        return jcs_str(v)
    if v is True or v is False or v is None:
        return json.dumps(v)
    need(isinstance(v, int), "a real number in the seal (not supported by this checker)")
    return str(v)


def jcs_str(s):
    # Python's escaping with ensure_ascii=False is ES6 JSON.stringify's: \b \f \n \r \t,
    # other controls as lower-case \u00xx, everything else as is.
    return json.dumps(s, ensure_ascii=False)


def verify_vds(seal, csca_pem):
    need(set(seal) == {"data", "sig"}, "seal is not {data, sig}")
    data, sig = seal["data"], seal["sig"]
    need(data["hdr"]["t"] == "icao.vacc" and data["hdr"]["v"] == 1, "hdr is not icao.vacc v1")
    need(sig.get("alg") == "ES256", "sig.alg is not ES256")
    cert = x509.load_der_x509_certificate(b64url_decode(sig["cer"]))
    csca = x509.load_pem_x509_certificate(csca_pem)
    need(cert.issuer == csca.subject, "cer is not issued by the CSCA (names)")
    try:
        csca.public_key().verify(cert.signature, cert.tbs_certificate_bytes,
                                 ec.ECDSA(cert.signature_hash_algorithm))
    except InvalidSignature:
        raise Invalid("cer is not signed by the CSCA")
    now = datetime.datetime.utcnow()
    need(cert.not_valid_before <= now <= cert.not_valid_after, "cer is outside its validity period")
    pub = cert.public_key()
    need(isinstance(pub, ec.EllipticCurvePublicKey) and pub.curve.name == "secp256r1", "cer's key is not P-256")
    verify_raw_es256(pub, b64url_decode(sig["sigvl"]), jcs(data).encode("utf-8"))
    return data


def read_arg(s):
    if os.path.exists(s):
        with open(s, encoding="utf-8") as f:
            return f.read().strip()
    return s.strip()


def main():
    ap = argparse.ArgumentParser(description="verify a SMART Health Card JWS or a VDS-NC seal")
    ap.add_argument("jws", nargs="?")
    ap.add_argument("jwks", nargs="?")
    ap.add_argument("--iss")
    ap.add_argument("--nbf", type=int)
    ap.add_argument("--vds")
    ap.add_argument("--csca")
    a = ap.parse_args()
    try:
        if a.vds:
            need(a.csca is not None, "--vds needs --csca")
            data = verify_vds(json.loads(read_arg(a.vds)), open(a.csca, "rb").read())
            msg = data["msg"]
            print(f"vds-nc ok: uvci={msg['uvci']} n={msg['pid']['n']} dob={msg['pid']['dob']} "
                  f"doses={sum(len(e['vd']) for e in msg['ve'])}")
        if a.jws:
            need(a.jwks is not None, "a JWS needs a key set")
            jwks = json.loads(read_arg(a.jwks))
            payload, patient, doses = verify_jws(read_arg(a.jws), jwks, a.iss, a.nbf)
            name = patient["name"][0]
            full = name.get("family", "") + "\u3000" + "\u3000".join(name.get("given", []))
            print(f"shc ok: name={full} birthDate={patient['birthDate']} doses={doses} "
                  f"iss={payload['iss']} nbf={payload['nbf']}")
        need(a.vds or a.jws, "nothing to verify (give JWS JWKS and/or --vds SEAL --csca CSCA)")
    except (Invalid, KeyError, TypeError, ValueError, IndexError) as e:
        print(f"INVALID: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
