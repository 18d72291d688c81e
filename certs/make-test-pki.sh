#!/bin/sh
# Makes the whole test PKI into OUTDIR (the Makefile uses build/pki):
#
#   certs/make-test-pki.sh OUTDIR
#
# card/, card-ca/           the card PKI (certs/make-card-ca.sh)
# passport/, csca/           the passport PKI (certs/make-passport-pki.sh)
# center-ca.pem             the center CA that kiosks pin        (center-ca.key.pem)
# center.pem/.key.pem       the center's server certificate: localhost, 127.0.0.1, center.kofu.test
# center-expired.pem        same names, expired                  (key: center.key.pem)
# center-wrongname.pem      signed by the center CA for wrong.kofu.test only
# center-selfsigned.pem     self-signed, right names             (key: center.key.pem)
# center-nosan.pem          by the center CA, CN=localhost and no subjectAltName (key: center.key.pem)
# center-caleaf.pem         by the center CA, right names, but CA:TRUE and keyCertSign (key: center.key.pem)
# center-certsign.pem       the same with CA:FALSE but still keyCertSign (key: center.key.pem)
# other-ca.pem              an unrelated CA; other-center.pem/.key.pem: a server cert under it
# kiosk-ca.pem              the kiosk CA the center trusts        (kiosk-ca.key.pem)
# kiosk.pem/.key.pem        a kiosk device certificate, CN=kiosk-0001
# kiosk-revoked.pem/.key.pem  CN=kiosk-0666, revoked in kiosk-ca.crl
# kiosk-ca.crl              the kiosk CA's CRL (PEM)
# rogue-kiosk.pem/.key.pem  a kiosk certificate from other-ca
# shc-issuer.key.pem        the SMART Health Card issuer key (EC P-256)
# csca.pem/.key.pem         the VDS-NC test CSCA (EC P-256, self-signed)
# vds-signer.pem/.key.pem   the VDS-NC barcode signer under the CSCA
# other-csca.pem/.key.pem   another state's CSCA, which kiosks do not pin (centersim's other-csca fault)
# other-vds-signer.pem/.key.pem  a barcode signer under other-csca.pem
# printer-ca.pem            the printer CA that kiosks pin (printer_ca_file)  (printer-ca.key.pem)
# printer.pem/.key.pem      the printer's certificate under it: localhost, 127.0.0.1
#
# All throwaway test keys: nothing here is committed. Re-running keeps the
# keys; the certificates are made again when this script's PKI_VERSION is
# newer than OUTDIR's (a certificate was added); delete OUTDIR to start over.
set -eu
out=${1:?usage: make-test-pki.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/make-card-ca.sh" "$out" >/dev/null
sh "$here/make-passport-pki.sh" "$out" >/dev/null
cd "$out"
PKI_VERSION=5
[ "$(cat .done 2>/dev/null)" = "ok $PKI_VERSION" ] && exit 0
umask 077
ec() { [ -s "$1" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# A CA: self-signed, with its own openssl-ca database (for dates and the CRL).
mkca() { # name subject
    ec "$1.key.pem"
    openssl req -x509 -new -key "$1.key.pem" -subj "$2" -days 3650 -sha256 \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
        -out "$1.pem" 2>/dev/null
    mkdir -p "db-$1"
    : > "db-$1/index.txt"
    echo 1000 > "db-$1/serial"
    echo 1000 > "db-$1/crlnumber"
    cat > "db-$1/ca.cnf" <<CNF
[ca]
default_ca = this
[this]
dir = db-$1
database = \$dir/index.txt
serial = \$dir/serial
crlnumber = \$dir/crlnumber
new_certs_dir = \$dir
certificate = $1.pem
private_key = $1.key.pem
default_md = sha256
default_crl_days = 3650
policy = anything
unique_subject = no
copy_extensions = copy
[anything]
commonName = supplied
organizationName = optional
countryName = optional
CNF
}

# A leaf: sign name.csr with CA; extra args go to openssl ca (dates).
issue() { # ca name subject ext-lines [openssl ca args...]
    ca=$1 name=$2 subj=$3 ext=$4; shift 4
    key=${KEY:-$name.key.pem}
    ec "$key"
    printf '%b\n' "[x]\n$ext" > "$name.ext"
    openssl req -new -key "$key" -subj "$subj" -out "$name.csr" 2>/dev/null
    openssl ca -batch -config "db-$ca/ca.cnf" -in "$name.csr" -out "$name.pem" \
        -extfile "$name.ext" -extensions x -notext "$@" 2>/dev/null
    rm -f "$name.csr" "$name.ext"
}

server_names='subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:center.kofu.test'
server_ext="basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n$server_names"
client_ext='basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth'

# The printer's (PKI_VERSION 3; since 5 also 10.0.2.101, its address in the kiosk image's
# test: ippeveprinter answers a Host: that is an address, localhost or its own -n name
# only): what ippeveprinter serves over ipps, and the CA kiosks pin.
mkca printer-ca "/CN=kofu test printer CA/O=kofu test"
issue printer-ca printer "/CN=localhost/O=kofu test" \
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:10.0.2.101' \
    -days 825

mkca center-ca "/CN=kofu test center CA/O=kofu test"
mkca other-ca "/CN=some other CA/O=elsewhere"
mkca kiosk-ca "/CN=kofu test kiosk CA/O=kofu test"
mkca csca "/CN=kofu test CSCA/O=kofu test/C=JP"
mkca other-csca "/CN=some other CSCA/O=elsewhere/C=JP"

issue center-ca center "/CN=center.kofu.test/O=kofu test" "$server_ext" -days 825
KEY=center.key.pem issue center-ca center-expired "/CN=center.kofu.test/O=kofu test" "$server_ext" \
    -startdate 20200101000000Z -enddate 20210101000000Z
KEY=center.key.pem issue center-ca center-wrongname "/CN=wrong.kofu.test/O=kofu test" \
    'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:wrong.kofu.test' -days 825
openssl req -x509 -new -key center.key.pem -subj "/CN=center.kofu.test" -days 825 \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:center.kofu.test" -out center-selfsigned.pem 2>/dev/null
# Names only in the subject: the kiosk checks the subjectAltName alone.
KEY=center.key.pem issue center-ca center-nosan "/CN=localhost/O=kofu test" \
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth' -days 825
# A leaf that is also a CA: it could sign a center of its own.
KEY=center.key.pem issue center-ca center-caleaf "/CN=center.kofu.test/O=kofu test" \
    "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,keyCertSign\nextendedKeyUsage=serverAuth\n$server_names" \
    -days 825
KEY=center.key.pem issue center-ca center-certsign "/CN=center.kofu.test/O=kofu test" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyCertSign\nextendedKeyUsage=serverAuth\n$server_names" \
    -days 825
issue other-ca other-center "/CN=center.kofu.test/O=elsewhere" "$server_ext" -days 825

issue kiosk-ca kiosk "/CN=kiosk-0001/O=kofu test" "$client_ext" -days 825
issue kiosk-ca kiosk-revoked "/CN=kiosk-0666/O=kofu test" "$client_ext" -days 825
openssl ca -batch -config db-kiosk-ca/ca.cnf -revoke kiosk-revoked.pem 2>/dev/null
openssl ca -batch -config db-kiosk-ca/ca.cnf -gencrl -out kiosk-ca.crl 2>/dev/null
issue other-ca rogue-kiosk "/CN=kiosk-0001/O=elsewhere" "$client_ext" -days 825

ec shc-issuer.key.pem
issue csca vds-signer "/CN=kofu test barcode signer/O=kofu test/C=JP" \
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature' -days 825
# (PKI_VERSION 4) seals a kiosk must refuse: a good signer, but under a CSCA it does not pin.
issue other-csca other-vds-signer "/CN=some other barcode signer/O=elsewhere/C=JP" \
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature' -days 825

# Public files readable; keys stay 0600.
chmod 0644 ./*.pem kiosk-ca.crl && chmod 0600 ./*.key.pem card/*.pem
echo "ok $PKI_VERSION" > .done
echo "test PKI in $out"
