#!/usr/bin/python3
"""mkrequest.py — a POST /kofu/v2/certificates body built from a cardsim resident file.

Builds the Kenhojo AP's EF 0001..0004 exactly as tests/cardsim/card_files.c lays
them out (docs/card.md, "Layouts"), signed with the test card PKI that
certs/make-card-ca.sh made, so centersim can be exercised without pcscd. It is
an independent second implementation of the layouts (python3-cryptography, no
kofu code), which also cross-checks cardsim and kenhojo.

  mkrequest.py --pki build/pki --resident tests/cardsim/residents/yamada.json \\
               --municipality 131016 [--kind domestic|overseas] [--copies N] \\
               [--language ja|en] [--request-id UUID] [--terms-version V] [--forged-cv] [--bad-hash]
               [--passport NUMBER --passport-name 'SURNAME<<GIVEN<NAMES' [--passport-sex M|F|<]
                [--passport-expiry YYMMDD] [--passport-birth YYMMDD]]

With --passport (protocol 2, overseas), the body carries `passport`: the chip's
fields and a TD3 EF.DG1 built here with every check digit (ICAO 9303 part 3), its
birth date the resident's unless --passport-birth says otherwise (the fields then
follow DG1, in the card's century; the card does not); EF.SOD is placeholder bytes (centersim does not
verify it). Without it the body is also protocol 1's.

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


def check_digit(s):
    """ICAO 9303: weights 7, 3, 1; '<' 0, A-Z 10-35."""
    val = lambda ch: 0 if ch == "<" else int(ch) if ch.isdigit() else ord(ch) - 55  # noqa: E731
    return str(sum(val(ch) * (7, 3, 1)[i % 3] for i, ch in enumerate(s)) % 10)


def passport(number, name, birth, sex, expiry, century, state="JPN"):
    """The request's passport object: a TD3 DG1 (61 5B 5F1F 58 MRZ) and the fields taken from it."""
    line1 = ("P<" + state + name).ljust(44, "<")
    assert len(line1) == 44, "the name field holds 39 characters"
    l2 = number.ljust(9, "<") + check_digit(number.ljust(9, "<")) + state + birth + check_digit(birth) + sex
    l2 += expiry + check_digit(expiry) + "<" * 14 + check_digit("<" * 14)
    l2 += check_digit(l2[0:10] + l2[13:20] + l2[21:43])
    mrz = (line1 + l2).encode()
    dg1 = b"\x61\x5b\x5f\x1f\x58" + mrz
    surname, _, given = name.partition("<<")
    surname, given = surname.replace("<", " "), given.replace("<", " ")
    return {
        "number": number, "nationality": state, "issuing_state": state, "surname": surname, "given_names": given,
        "name_roman": surname + (" " + given if given else ""),
        "birth_date": f"{century}{birth[:2]}-{birth[2:4]}-{birth[4:]}", "sex": "X" if sex == "<" else sex,
        "expiry_date": f"20{expiry[:2]}-{expiry[2:4]}-{expiry[4:]}", "access": "PACE", "passive_auth": True,
        "dg1": base64.b64encode(dg1).decode(), "sod": base64.b64encode(b"\x30\x82\x00\x00 placeholder").decode(),
    }


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
    ap.add_argument("--passport", help="the chip's document number (protocol 2's passport member)")
    ap.add_argument("--passport-name", default="YAMADA<<TARO", help="the MRZ's name field, without fillers after")
    ap.add_argument("--passport-sex", default="M")
    ap.add_argument("--passport-expiry", default="310331")
    ap.add_argument("--passport-birth", default=None, help="YYMMDD; default the resident's birth date")
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
    if a.passport:
        birth = a.passport_birth or r["birth_date"][2:]
        body["passport"] = passport(a.passport, a.passport_name, birth, a.passport_sex, a.passport_expiry,
                                    r["birth_date"][:2])
    json.dump(body, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
