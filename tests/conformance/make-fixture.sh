#!/bin/sh
# Makes the conformance kit's fixture cards (docs/conformance.md, "The fixture").
#
#   tests/conformance/make-fixture.sh [OUTDIR]     (default tests/conformance/fixture)
#
# OUTDIR/card-ca/<hex of KOFU-CONF-CA-001>.pem  the fixture card CA's public key: a center
#                                               under test trusts it as a card-CA key
# OUTDIR/cards/LABEL.json                       {"_about", "_resident", "card"}: §3's card
#                                               object for each cardsim resident file
#
# The card CA and the key it certifies are throwaway keys made here and deleted at the end:
# nobody can sign another card under this CA, and the committed cards stay the only ones.
# The card files are laid out by tests/centersim/mkrequest.py (an implementation of the
# layouts independent of kofu's parsers, which the kit and its unit test then read back).
# Every resident is synthetic. Run it again only to change the cards (it makes a new CA):
# a center team then loads the new card-CA key.
set -eu
out=${1:-tests/conformance/fixture}
here=$(dirname "$0")
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/card"
(
    umask 077
    for k in ca issuer rogue; do
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/card/$k.key.pem" 2>/dev/null
    done
)
printf 'KOFU-CONF-CA-001' > "$tmp/card/ca.id"
printf 'KOFU-CONF-IS-001' > "$tmp/card/issuer.id"
hex=$(od -An -tx1 "$tmp/card/ca.id" | tr -d ' \n')
rm -rf "$out/cards" "$out/card-ca"
mkdir -p "$out/cards" "$out/card-ca"
openssl pkey -in "$tmp/card/ca.key.pem" -pubout -out "$out/card-ca/$hex.pem" 2>/dev/null
for r in "$root"/tests/cardsim/residents/*.json "$root"/tests/centersim/fixtures/cards/*.json; do
    label=$(basename "$r" .json)
    rel=${r#"$root"/}
    python3 "$root/tests/centersim/mkrequest.py" --pki "$tmp" --resident "$r" --municipality 131016 |
        python3 -c '
import json, sys
label, rel = sys.argv[1], sys.argv[2]
body = json.load(sys.stdin)
card = {"_about": "card " + label + ": EF 0001-0004 of a synthetic cardsim resident, signed by the fixture card CA "
                    "KOFU-CONF-CA-001 (docs/conformance.md)",
        "_resident": rel,
        "card": body["card"]}
json.dump(card, sys.stdout, indent=1)
sys.stdout.write("\n")
' "$label" "$rel" > "$out/cards/$label.json"
done
echo "fixture in $out: $(ls "$out/cards" | wc -l) cards, card-CA key card-ca/$hex.pem"
