#!/bin/sh
# Packs the kiosk's initramfs: ./init, static busybox and the modules that mount the root
# and bring up the network, as a reproducible gzip'd cpio (sorted names, every time stamp
# SOURCE_DATE_EPOCH, numbered inodes, gzip -n).
#
#   board/kiosk/image/mkinitrd.sh BUSYBOX_STATIC_DEB MODULES_DIR OUT
#
# MODULES_DIR is the root's /lib/modules/VERSION. Runs as root (mknod).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
deb=${1:?usage: mkinitrd.sh BUSYBOX_STATIC_DEB MODULES_DIR OUT}
mods=${2:?usage: mkinitrd.sh BUSYBOX_STATIC_DEB MODULES_DIR OUT}
out=${3:?usage: mkinitrd.sh BUSYBOX_STATIC_DEB MODULES_DIR OUT}
: "${SOURCE_DATE_EPOCH:?}"

# In the order init loads them: each after the modules it needs.
MODULES="virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk
squashfs failover net_failover virtio_net"

d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/ird/bin" "$d/ird/dev" "$d/ird/proc" "$d/ird/sys" "$d/ird/root" "$d/ird/lib/modules"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$d" ./bin/busybox
mv "$d/bin/busybox" "$d/ird/bin/busybox"
# The kernel opens /dev/console for init before init mounts devtmpfs.
mknod -m 600 "$d/ird/dev/console" c 5 1
for m in $MODULES; do
    f=$(find "$mods/kernel" -name "$m.ko" -o -name "$(echo "$m" | tr _ -).ko" | head -n 1)
    [ -n "$f" ] || { echo "mkinitrd: module $m not in $mods" >&2; exit 1; }
    cp "$f" "$d/ird/lib/modules/$m.ko"
done
printf '%s\n' $MODULES >"$d/ird/lib/modules/order"
cp "$here/init" "$d/ird/init"
chmod 755 "$d/ird/init" "$d/ird/bin/busybox"
find "$d/ird" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
# GNU cpio's --reproducible numbers the inodes itself and leaves out the device numbers,
# which would otherwise change with every temporary directory.
(cd "$d/ird" && find . | LC_ALL=C sort | cpio --quiet --reproducible -o -H newc) | gzip -n -9 >"$out"
