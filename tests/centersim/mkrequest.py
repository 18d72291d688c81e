#!/usr/bin/python3
"""mkrequest.py — a POST /kofu/v1/certificates body built from a cardsim resident file.

Builds the Kenhojo AP's EF 0001..0004 exactly as tests/cardsim/card_files.c lays
them out (docs/card.md, "Layouts"), signed with the test card PKI that
certs/make-card-ca.sh made, so centersim can be exercised without pcscd. It is
an independent second implementation of the layouts (python3-cryptography, no
kofu code), which also cross-checks cardsim and kenhojo.

  mkrequest.py --pki build/pki --resident tests/cardsim/residents/yamada.json \\
               --municipality 131016 [--kind domestic|overseas] [--copies N] \\
               [--language ja|en] [--request-id UUID] [--terms-version V] [--forged-cv] [--bad-hash]

Prints the JSON body on stdout. Test data only (synthetic residents).
"""
import argparse
import base64
import hashlib
import json
import sys
import uuid

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding


def length(n, force=False):
    """BER length as the card writes it: short up to 7F, else 82 HH LL (never 81)."""
    if force or n > 0x7F:
        return bytes([0x82, n >> 8, n & 0xFF])
    return bytes([n])


def tlv(tag, value, force=False):
    t = tag.to_bytes(2 if tag > 0xFF else 1, "big")
    return t + length(len(value), force) + value


def load_key(path):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def sign(key, data):
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def rsa_pub(key):
    nums = key.public_key().public_numbers()
    e = nums.e.to_bytes((nums.e.bit_length() + 7) // 8, "big")
    return tlv(0x90, e) + tlv(0x91, nums.n.to_bytes(256, "big"), True)


def ef0001(my_number):
    return tlv(0xFF10, my_number.encode()) + b"\xff\xff"


def ef0002(r):
    """FF20 {DF21 offsets, DF22 name, DF23 address, DF24 birth, DF25 sex}; returns
    the file and the [start, end) range DF32 hashes (DF22 .. end of FF20)."""
    objs = [tlv(0xDF22, r["name"].encode()), tlv(0xDF23, r["address"].encode()),
            tlv(0xDF24, r["birth_date"].encode()), tlv(0xDF25, r["sex"].encode())]
    df21_size = 2 + 1 + 8
    content = df21_size + sum(len(o) for o in objs)
    hdr = 2 + (3 if content > 0x7F else 1)
    offsets, off = b"", hdr + df21_size
    for o in objs:
        offsets += off.to_bytes(2, "big")
        off += len(o)
    body = tlv(0xDF21, offsets) + b"".join(objs)
    data = b"\xff\x20" + length(len(body)) + body
    return data, hdr + df21_size, len(data)


def build_files(r, pki, forged_cv=False, bad_hash=False):
    ca = load_key(f"{pki}/card/ca.key.pem")
    issuer = load_key(f"{pki}/card/issuer.key.pem")
    rogue = load_key(f"{pki}/card/rogue.key.pem")
    ca_id = open(f"{pki}/card/ca.id", "rb").read()
    issuer_id = open(f"{pki}/card/issuer.id", "rb").read()
    assert len(ca_id) == 16 and len(issuer_id) == 16
    f1 = ef0001(r["my_number"])
    f2, hs, he = ef0002(r)
    h1, h2 = hashlib.sha256(f1).digest(), hashlib.sha256(f2[hs:he]).digest()
    if bad_hash:  # the sex byte changes after hashing, as cardsim's bad-hash fault
        f2 = f2[:-1] + (b"2" if f2[-1:] == b"1" else b"1")
    signed = tlv(0xDF31, h1) + tlv(0xDF32, h2)
    f3 = b"\xff\x30" + length(len(signed) + 261, True) + signed + tlv(0xDF33, sign(issuer, signed), True)
    body = ca_id + issuer_id + rsa_pub(issuer)
    inner = tlv(0x5F4E, body, True) + tlv(0x5F37, sign(rogue if forged_cv else ca, body), True)
    f4 = b"\x7f\x21" + length(len(inner), True) + inner
    return [f1, f2, f3, f4]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pki", required=True)
    ap.add_argument("--resident", required=True)
    ap.add_argument("--municipality", required=True)
    ap.add_argument("--kind", default="domestic")
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--language", default="ja")
    ap.add_argument("--request-id", default=None)
    ap.add_argument("--terms-version", default="2026-12-01",
                    help="the terms the resident agreed to (centersim's default terms)")
    ap.add_argument("--forged-cv", action="store_true")
    ap.add_argument("--bad-hash", action="store_true")
    a = ap.parse_args()
    with open(a.resident, encoding="utf-8") as f:
        r = json.load(f)
    files = build_files(r, a.pki, a.forged_cv, a.bad_hash)
    names = ["my_number", "attributes", "integrity", "cv_certificate"]
    body = {
        "request_id": a.request_id or str(uuid.uuid4()),
        "card": {n: base64.b64encode(d).decode() for n, d in zip(names, files)},
        "municipality": a.municipality,
        "kind": a.kind,
        "copies": a.copies,
        "language": a.language,
        "terms_version": a.terms_version,
    }
    json.dump(body, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
