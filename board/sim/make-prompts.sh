#!/bin/sh
# Makes the voice prompt files from the words kofu carries (ui/voice.c):
# `KOFU prompts list` prints "NAME<TAB>LANG<TAB>WORDS" for every prompt, and
# espeak-ng (Debian's package) speaks each into OUTDIR/LANG/NAME.wav as
# 16-bit mono PCM WAV (22050 Hz, espeak-ng's native rate). Fixed words
# only: a prompt never carries resident data.
#
#   board/sim/make-prompts.sh KOFU OUTDIR
#
# Only what changed is spoken again: each file has a stamp (the SHA-256 of
# the words, the voice settings and espeak-ng's version) in
# OUTDIR/.stamps/LANG/NAME, and a file whose stamp matches is kept. Files
# of prompts that no longer exist are removed. OUTDIR/.done is touched at
# the end, for make.
set -eu

kofu=${1:?usage: make-prompts.sh KOFU OUTDIR}
out=${2:?usage: make-prompts.sh KOFU OUTDIR}

# A little slower than espeak-ng's default 175 words per minute: a kiosk
# speaks to people standing at arm's length in a noisy shop.
SPEED=150
command -v espeak-ng >/dev/null 2>&1 || {
    echo "make-prompts: espeak-ng is not installed (board/sim/install-deps.sh)" >&2
    exit 1
}
settings="espeak-ng $(espeak-ng --version | head -n 1) -s $SPEED 16-bit mono wav"

mkdir -p "$out/ja" "$out/en" "$out/.stamps/ja" "$out/.stamps/en"
list="$out/.list"
"$kofu" prompts list >"$list.tmp"
mv "$list.tmp" "$list"

tab=$(printf '\t')
made=0
kept=0
while IFS="$tab" read -r name lang words; do
    # The name becomes a path: only plain words (audio.h's rule).
    case "$name" in
        '' | *[!a-z0-9-]*) echo "make-prompts: bad prompt name '$name'" >&2; exit 1 ;;
    esac
    case "$lang" in
        ja | en) ;;
        *) echo "make-prompts: bad language '$lang' for $name" >&2; exit 1 ;;
    esac
    [ -n "$words" ] || { echo "make-prompts: no words for $lang/$name" >&2; exit 1; }
    hash=$(printf '%s\n%s\n%s\n' "$settings" "$lang" "$words" | sha256sum | cut -d' ' -f1)
    wav="$out/$lang/$name.wav"
    stamp="$out/.stamps/$lang/$name"
    if [ -s "$wav" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
        kept=$((kept + 1))
        continue
    fi
    # The words go in on standard input, never as an argument or option.
    printf '%s' "$words" | espeak-ng -v "$lang" -s "$SPEED" --stdin -w "$wav.tmp"
    mv "$wav.tmp" "$wav"
    printf '%s\n' "$hash" >"$stamp"
    made=$((made + 1))
done <"$list"

# Prompts that are gone: remove their files and stamps.
removed=0
for lang in ja en; do
    for wav in "$out/$lang"/*.wav; do
        [ -e "$wav" ] || continue
        name=$(basename "$wav" .wav)
        if ! grep -q "^$name$tab$lang$tab" "$list"; then
            rm -f "$wav" "$out/.stamps/$lang/$name"
            removed=$((removed + 1))
        fi
    done
done

echo "make-prompts: $made made, $kept unchanged, $removed removed in $out"
touch "$out/.done"
