#!/bin/sh
# Packs a kiosk's configuration directory into the configuration medium, a squashfs the
# initramfs mounts read-only on /etc/kofu (README "The kiosk image", "The configuration
# medium"):
#
#   board/kiosk/image/mkconfig.sh SRCDIR OUT
#
# Ownership and modes do not come from SRCDIR but from the rule the image relies on: a key
# (a file named *.key, *.key.pem, *-key.pem or *_key.pem) is root:kofu (gid 900) 0640, so
# that kofu reads it and no other user does; every other file is root:root 0644, every
# directory root:root 0755. Only plain files and directories, names without white space.
# The same SRCDIR contents give the same bytes (every time stamp SOURCE_DATE_EPOCH, 0 if
# unset; mksquashfs sorts the names itself).
set -eu

src=${1:?usage: mkconfig.sh SRCDIR OUT}
out=${2:?usage: mkconfig.sh SRCDIR OUT}
[ -d "$src" ] || { echo "mkconfig: $src is not a directory" >&2; exit 1; }
[ -f "$src/kofu.conf" ] || { echo "mkconfig: $src has no kofu.conf" >&2; exit 1; }
[ -f "$src/network" ] || { echo "mkconfig: $src has no network (the initramfs needs it)" >&2; exit 1; }
KOFU_GID=900
epoch=${SOURCE_DATE_EPOCH:-0}

# A copy, for its top directory: it becomes /etc/kofu, which pseudo-definitions cannot
# change (mksquashfs 4.5); it is 0755 and owned by the user running this (root in a build).
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir "$d/stage"
cp -R "$src/." "$d/stage/"
chmod 755 "$d/stage"
src=$d/stage
pf=$d/pseudo
(cd "$src" && find . -mindepth 1 | LC_ALL=C sort) | while IFS= read -r p; do
    p=${p#./}
    case $p in
        *[[:space:]]*) echo "mkconfig: white space in a name: '$p'" >&2; exit 1 ;;
    esac
    if [ -L "$src/$p" ]; then
        echo "mkconfig: $p is a symbolic link" >&2; exit 1
    elif [ -d "$src/$p" ]; then
        echo "$p m 755 0 0"
    elif [ -f "$src/$p" ]; then
        case ${p##*/} in
            *.key | *.key.pem | *-key.pem | *_key.pem) echo "$p m 640 0 $KOFU_GID" ;;
            *) echo "$p m 644 0 0" ;;
        esac
    else
        echo "mkconfig: $p is neither a file nor a directory" >&2; exit 1
    fi
done >"$pf"

rm -f "$out"
mksquashfs "$src" "$out" -noappend -quiet -no-progress -no-xattrs -comp zstd \
    -mkfs-time "$epoch" -all-time "$epoch" -pf "$pf" >/dev/null
