#!/bin/sh
# Makes the test passport PKI (ICAO 9303 part 12): Country Signing CAs, the
# Document Signers under them, a link certificate and a CSCA master list, for
# passportsim (which signs each chip's EF.SOD with a Document Signer) and for
# kofu's --csca / passport_csca trust anchors.
#
#   certs/make-passport-pki.sh OUTDIR        (the Makefile uses build/pki)
#
# OUTDIR/passport/csca-ut.{key,pem}   Utopia (C=UT) CSCA on brainpoolP256r1 written with
#                                     *explicit* curve parameters, as several real
#                                     CSCAs are (OpenSSL refuses those by default)
# OUTDIR/passport/ds-ut.{key,pem}     a Document Signer under it (named curve)
# OUTDIR/passport/csca-ut2.{key,pem}  Utopia's next CSCA (self-signed, new key)
# OUTDIR/passport/link-ut2.pem        the link certificate: csca-ut2's key certified by csca-ut
# OUTDIR/passport/ds-ut2.{key,pem}    a Document Signer under csca-ut2
# OUTDIR/passport/csca-jp.{key,pem}   a test Japan (C=JP) CSCA, prime256v1
# OUTDIR/passport/ds-jp.{key,pem}     a Document Signer under it
# OUTDIR/passport/csca-rogue.{key,pem}, ds-rogue.{key,pem}
#                                     a C=JP CSCA nobody trusts and its signer
#                                     (the "DS from another CSCA" fault)
# OUTDIR/passport/ds-expired.{key,pem} a Document Signer under csca-jp whose validity ended
# OUTDIR/passport/mls.{key,pem}       the master list signer (under csca-jp)
# OUTDIR/csca/                        the trust directory kofu's --csca takes:
#                                     csca-ut.pem, link-ut2.pem, csca-jp.pem
# OUTDIR/passport/csca-bundle.pem     the same three in one PEM file
# OUTDIR/passport/masterlist.der      a CSCA master list (CMS, eContentType
#                                     2.23.136.1.1.2) holding csca-ut and csca-jp
#
# Every key is a throwaway test key: nothing is committed, and running the
# script again keeps what exists (delete OUTDIR to start over).
set -eu
out=${1:?usage: make-passport-pki.sh OUTDIR}
p="$out/passport"
mkdir -p "$p" "$out/csca"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ec() { # ec KEY CURVE [explicit]
    [ -s "$1" ] && return 0
    if [ "${3:-}" = explicit ]; then
        (umask 077; openssl ecparam -name "$2" -param_enc explicit -genkey -noout -out "$1" 2>/dev/null)
    else
        (umask 077; openssl ecparam -name "$2" -genkey -noout -out "$1" 2>/dev/null)
    fi
}
csca() { # csca NAME SUBJECT
    [ -s "$p/$1.pem" ] && return 0
    openssl req -new -x509 -key "$p/$1.key" -subj "$2" -days 5475 -sha256 \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" -out "$p/$1.pem" 2>/dev/null
}
signed() { # signed NAME SUBJECT ISSUER EXTFILE-TEXT [DAYS] [START]
    [ -s "$p/$1.pem" ] && return 0
    printf '%s\n' "$4" > "$tmp/$1.ext"
    openssl req -new -key "$p/$1.key" -subj "$2" -out "$tmp/$1.csr" 2>/dev/null
    if [ -n "${6:-}" ]; then
        # A certificate whose validity is already over: openssl ca is the
        # tool that takes explicit dates.
        mkdir -p "$tmp/ca/new"; : > "$tmp/ca/index"; echo 01 > "$tmp/ca/serial"
        cat > "$tmp/ca.cnf" <<CNF
[ca]
default_ca = c
[c]
dir = $tmp/ca
database = $tmp/ca/index
new_certs_dir = $tmp/ca/new
serial = $tmp/ca/serial
default_md = sha256
policy = any
unique_subject = no
[any]
countryName = optional
organizationName = optional
commonName = supplied
CNF
        openssl ca -batch -config "$tmp/ca.cnf" -cert "$p/$3.pem" -keyfile "$p/$3.key" \
            -startdate "$6" -enddate "$5" -extfile "$tmp/$1.ext" -in "$tmp/$1.csr" \
            -out "$p/$1.pem" -notext 2>/dev/null
    else
        openssl x509 -req -in "$tmp/$1.csr" -CA "$p/$3.pem" -CAkey "$p/$3.key" -CAcreateserial \
            -CAserial "$tmp/$3.srl" -days "${5:-3650}" -sha256 -extfile "$tmp/$1.ext" \
            -out "$p/$1.pem" 2>/dev/null
    fi
}
DS_EXT='keyUsage=critical,digitalSignature
authorityKeyIdentifier=keyid
subjectKeyIdentifier=hash'

ec "$p/csca-ut.key" brainpoolP256r1 explicit
csca csca-ut "/C=UT/O=Utopia/CN=CSCA Utopia"
ec "$p/ds-ut.key" brainpoolP256r1
signed ds-ut "/C=UT/O=Utopia/CN=DS Utopia 01" csca-ut "$DS_EXT"

ec "$p/csca-ut2.key" brainpoolP256r1
csca csca-ut2 "/C=UT/O=Utopia/CN=CSCA Utopia 2"
ec "$p/ds-ut2.key" brainpoolP256r1
signed ds-ut2 "/C=UT/O=Utopia/CN=DS Utopia 02" csca-ut2 "$DS_EXT"
# The link certificate: the same subject and key as csca-ut2, issued by csca-ut.
ln -sf csca-ut2.key "$p/link-ut2.key"
signed link-ut2 "/C=UT/O=Utopia/CN=CSCA Utopia 2" csca-ut 'basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
authorityKeyIdentifier=keyid
subjectKeyIdentifier=hash'
rm -f "$p/link-ut2.key"

ec "$p/csca-jp.key" prime256v1
csca csca-jp "/C=JP/O=KOFU TEST/CN=KOFU TEST CSCA Japan"
ec "$p/ds-jp.key" prime256v1
signed ds-jp "/C=JP/O=KOFU TEST/CN=KOFU TEST DS Japan 01" csca-jp "$DS_EXT"
ec "$p/ds-expired.key" prime256v1
signed ds-expired "/C=JP/O=KOFU TEST/CN=KOFU TEST DS Japan expired" csca-jp "$DS_EXT" \
    20200131000000Z 20100101000000Z

ec "$p/csca-rogue.key" prime256v1
csca csca-rogue "/C=JP/O=KOFU TEST/CN=KOFU TEST CSCA Japan"
ec "$p/ds-rogue.key" prime256v1
signed ds-rogue "/C=JP/O=KOFU TEST/CN=KOFU TEST DS Japan 01" csca-rogue "$DS_EXT"

ec "$p/mls.key" prime256v1
signed mls "/C=JP/O=KOFU TEST/CN=KOFU TEST Master List Signer" csca-jp 'keyUsage=critical,digitalSignature
extendedKeyUsage=2.23.136.1.1.3'

cp "$p/csca-ut.pem" "$p/link-ut2.pem" "$p/csca-jp.pem" "$out/csca/"
cat "$p/csca-ut.pem" "$p/link-ut2.pem" "$p/csca-jp.pem" > "$p/csca-bundle.pem"

if [ ! -s "$p/masterlist.der" ]; then
    # CscaMasterList ::= SEQUENCE { version INTEGER (0), certList SET OF Certificate }
    openssl x509 -in "$p/csca-ut.pem" -outform DER -out "$tmp/1.der"
    openssl x509 -in "$p/csca-jp.pem" -outform DER -out "$tmp/2.der"
    python3 - "$tmp/1.der" "$tmp/2.der" > "$tmp/list.der" <<'PY'
import sys
def tlv(tag, body):
    n = len(body)
    if n < 0x80: ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + body
certs = sorted(open(f, "rb").read() for f in sys.argv[1:])  # DER order of a SET OF
sys.stdout.buffer.write(tlv(0x30, tlv(0x02, b"\x00") + tlv(0x31, b"".join(certs))))
PY
    openssl cms -sign -binary -nodetach -econtent_type 2.23.136.1.1.2 -in "$tmp/list.der" \
        -signer "$p/mls.pem" -inkey "$p/mls.key" -certfile "$p/csca-jp.pem" -nosmimecap \
        -outform DER -out "$p/masterlist.der" 2>/dev/null
fi
echo "passport PKI in $p (trust anchors: $out/csca, master list: $p/masterlist.der)"
