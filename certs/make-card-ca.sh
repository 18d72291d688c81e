#!/bin/sh
# Makes the test card PKI for cardsim and for kofu's card-CA trust directory.
#
#   certs/make-card-ca.sh OUTDIR        (the Makefile uses build/pki)
#
# OUTDIR/card/ca.key.pem        the test card-CA private key (signs EF 0004); test-only
# OUTDIR/card/ca.id             its 16-byte issuer key id, as text (KOFU-TEST-CA-001)
# OUTDIR/card/issuer.key.pem    the key that EF 0004 certifies (signs EF 0003 and EF 0007 DF52)
# OUTDIR/card/issuer.id         its 16-byte key id, as text (KOFU-TEST-IS-001)
# OUTDIR/card/card.key.pem      the card's own signing key (0013; public half in EF 0007)
# OUTDIR/card/rogue.key.pem     a key nobody trusts (cardsim's forged-CV fault)
# OUTDIR/card-ca/<hex id>.pem   the public card-CA key, named as kofu's --card-ca DIR wants it
#
# Every key here is a throwaway test key: nothing is committed, and running the
# script again keeps what exists (delete OUTDIR to start over).
set -eu
out=${1:?usage: make-card-ca.sh OUTDIR}
mkdir -p "$out/card" "$out/card-ca"
umask 077
key() { [ -s "$1" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
key "$out/card/ca.key.pem"
key "$out/card/issuer.key.pem"
key "$out/card/card.key.pem"
key "$out/card/rogue.key.pem"
printf 'KOFU-TEST-CA-001' > "$out/card/ca.id"
printf 'KOFU-TEST-IS-001' > "$out/card/issuer.id"
hex=$(od -An -tx1 "$out/card/ca.id" | tr -d ' \n')
umask 022
openssl pkey -in "$out/card/ca.key.pem" -pubout -out "$out/card-ca/$hex.pem" 2>/dev/null
echo "card PKI in $out (trusted card-CA key: $out/card-ca/$hex.pem)"
