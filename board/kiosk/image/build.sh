#!/bin/sh
# Builds the kiosk's firmware image from Debian 12 packages (README "The kiosk image"):
#
#   board/kiosk/image/build.sh KOFU PROMPTS OUT
#
# KOFU is the BOARD=kiosk firmware (installed as /usr/bin/kofu), PROMPTS the directory of
# the voice prompts (LANG/NAME.wav, installed in /usr/share/kofu/prompts). OUT receives
# vmlinuz, initrd.img, root.squashfs, cmdline, packages.txt, SHA256SUMS and, last, .done.
# The .deb files are kept in OUT/cache between builds (only the package lists are fetched
# again); the mirror must be reachable. Runs as root (mmdebstrap's root mode, mknod).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
kofu=$(realpath "${1:?usage: build.sh KOFU PROMPTS OUT}")
prompts=$(realpath "${2:?usage: build.sh KOFU PROMPTS OUT}")
out=${3:?usage: build.sh KOFU PROMPTS OUT}
mkdir -p "$out/cache"
out=$(realpath "$out")
cache=$out/cache
root=$out/root
MIRROR=${KOFU_IMAGE_MIRROR:-http://deb.debian.org/debian}
# zstd level 15, measured on this root: level 3 122 MB in 2 s, 9 118 MB in 7 s, 15 113 MB in
# 26 s, 19 112.6 MB in 56 s; past 15 the time doubles for 0.4%.
ZSTD_LEVEL=${KOFU_IMAGE_ZSTD_LEVEL:-15}

# Every time stamp in the image is this one: the last commit's date, so that the same
# tree and the same packages give the same bytes (README: checked twice).
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$here" log -1 --format=%ct 2>/dev/null || echo 1700000000)
fi
export SOURCE_DATE_EPOCH
export LC_ALL=C TZ=UTC

[ "$(id -u)" = 0 ] || { echo "image: run as root (mmdebstrap root mode)" >&2; exit 1; }
for t in mmdebstrap mksquashfs dpkg-deb cpio; do
    command -v $t >/dev/null 2>&1 || { echo "image: $t missing (board/sim/install-deps.sh)" >&2; exit 1; }
done

rm -rf "$root" "$out/.done" "$out/initrd.d"
words() { grep -v '^[[:space:]]*#' "$1" | tr -s ' \t\n' '\n' | grep -v '^$'; }
pkgs=$(words "$here/packages" | paste -sd, -)

# dpkg filters (the last pattern that matches wins): no manuals, documentation but the
# licences, translations, leap-second zone files, the kernel's System.map and config, and of
# the kernel's modules only those in ./modules. `*` in a filter also matches `/`.
set -- --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
       --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
       --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
       --dpkgopt='path-exclude=/usr/share/zoneinfo/right/*' \
       --dpkgopt='path-exclude=/boot/System.map-*' --dpkgopt='path-exclude=/boot/config-*' \
       --dpkgopt='path-exclude=/lib/modules/*/kernel/*'
for m in $(words "$here/modules"); do
    set -- "$@" --dpkgopt="path-include=/lib/modules/*/kernel/$m"
done

# The merged-usr hook sets up merged /usr itself and installs usr-is-merged before
# init-system-helpers' dependency is resolved to usrmerge, which would bring perl (~47 MB).
# The essential hook diverts update-initramfs before initramfs-tools (the kernel's
# dependency) is unpacked, and puts a no-op in its place: the image boots with its own
# initramfs (mkinitrd.sh), and initramfs-tools' 36 MB one would cost a minute of each build.
# update_initramfs=no would not do: `update-initramfs -c`, which the kernel's hook runs,
# ignores it.
export KOFU_IMAGE_DIR="$here" KOFU_IMAGE_KOFU="$kofu" KOFU_IMAGE_PROMPTS="$prompts"
mmdebstrap --variant=minbase --include="$pkgs" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --aptopt='APT::Install-Recommends "false"' \
    "$@" \
    --skip=download/empty --skip=essential/unlink \
    --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
    --setup-hook="sync-in '$cache' /var/cache/apt/archives/" \
    --essential-hook='chroot "$1" dpkg-divert --quiet --local --rename --divert /usr/sbin/update-initramfs.distrib --add /usr/sbin/update-initramfs' \
    --essential-hook='printf "#!/bin/sh\n# kofu image: no initramfs-tools initrd (board/kiosk/image/build.sh)\nexit 0\n" >"$1"/usr/sbin/update-initramfs && chmod 755 "$1"/usr/sbin/update-initramfs' \
    --customize-hook='chroot "$1" sh -c "cd /var/cache/apt/archives && apt-get download -q busybox-static"' \
    --customize-hook="sync-out /var/cache/apt/archives '$cache'" \
    --customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb' \
    --customize-hook='"$KOFU_IMAGE_DIR"/customize.sh "$1"' \
    bookworm "$root" "$MIRROR"

# mmdebstrap leaves the build host's resolv.conf and hostname: the kiosk has no DNS (its
# names are in /etc/kofu/hosts), and its own host name.
rm -f "$root/etc/resolv.conf" "$root/etc/hostname"
install -m 644 "$here/files/etc/hostname" "$root/etc/hostname"

kver=$(ls "$root/lib/modules")
[ "$(echo "$kver" | wc -l)" = 1 ] || { echo "image: expected one kernel, got: $kver" >&2; exit 1; }
cp "$root/boot/vmlinuz-$kver" "$out/vmlinuz.tmp"
# The root carries no boot files: the kernel and the initramfs are loaded from outside it.
rm -f "$root"/boot/vmlinuz-* "$root"/boot/initrd.img-* "$root"/vmlinuz* "$root"/initrd.img*

# The initramfs: static busybox from the cached busybox-static package (the version the
# package lists name now), and the modules that mount the root and bring up the network.
bbdeb=$(ls "$cache"/busybox-static_*_amd64.deb | sort -V | tail -n 1)
"$here/mkinitrd.sh" "$bbdeb" "$root/lib/modules/$kver" "$out/initrd.img.tmp"

chroot "$root" dpkg-query -W >"$out/packages.txt.tmp"

# Every time stamp to the epoch, then fontconfig's cache: it records the font directories'
# times, so it is made last, against the times the image will carry; fontconfig then never
# needs a writable cache at run time.
find "$root" -xdev -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
chroot "$root" fc-cache -s -f
find "$root/var/cache/fontconfig" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

nice mksquashfs "$root" "$out/root.squashfs.tmp" -noappend -quiet -no-progress \
    -comp zstd -Xcompression-level "$ZSTD_LEVEL" -b 256K -no-xattrs >/dev/null

grep -v '^#' "$here/cmdline" | grep -v '^$' >"$out/cmdline.tmp"
for f in vmlinuz initrd.img root.squashfs packages.txt cmdline; do mv "$out/$f.tmp" "$out/$f"; done
(cd "$out" && sha256sum vmlinuz initrd.img root.squashfs >SHA256SUMS)
rm -rf "$root"
touch "$out/.done"
ls -l "$out"
