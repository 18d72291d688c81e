#!/bin/sh
# mmdebstrap's customize hook for the kiosk image (build.sh): puts kofu, its unit and the
# image's files into the root ROOT and takes out what must not run on a read-only kiosk.
#
#   customize.sh ROOT      (KOFU_IMAGE_DIR, KOFU_IMAGE_KOFU, KOFU_IMAGE_PROMPTS set)
set -eu
r=${1:?usage: customize.sh ROOT}
img=$KOFU_IMAGE_DIR
board=$img/..

# kofu, its unit and pcscd's drop-in exactly as board/kiosk has them; the prompts.
install -m 755 "$KOFU_IMAGE_KOFU" "$r/usr/bin/kofu"
install -m 644 "$board/kofu.service" "$r/etc/systemd/system/kofu.service"
mkdir -p "$r/etc/systemd/system/pcscd.service.d"
install -m 644 "$board"/pcscd.service.d/*.conf "$r/etc/systemd/system/pcscd.service.d/"
mkdir -p "$r/usr/share/kofu/prompts"
for lang in ja en; do
    mkdir -p "$r/usr/share/kofu/prompts/$lang"
    install -m 644 "$KOFU_IMAGE_PROMPTS/$lang"/*.wav "$r/usr/share/kofu/prompts/$lang/"
done

# The image's own files (files/: fstab, sysusers.d, journald and unit drop-ins, ...).
cp -R --no-preserve=ownership "$img/files/." "$r/"

# The user kofu, uid/gid 900 (sysusers, not useradd: no date in /etc/shadow).
chroot "$r" systemd-sysusers /usr/lib/sysusers.d/kofu.conf

# The configuration medium is mounted on /etc/kofu by the initramfs; the image's links
# into it: the host names (there is no DNS) and the unit's IP address allow-list.
rm -rf "$r/etc/kofu"
mkdir -m 755 "$r/etc/kofu"
ln -sf /etc/kofu/hosts "$r/etc/hosts"
ln -sf /etc/kofu/addresses.conf "$r/etc/systemd/system/kofu.service.d/addresses.conf"
mkdir -p "$r/var/lib/kofu"
# The initramfs sets the address: no renaming of the interface under it.
mkdir -p "$r/etc/systemd/network"
ln -sf /dev/null "$r/etc/systemd/network/99-default.link"

# What runs at boot: kofu (and pcscd through its socket); nothing else of the kiosk's own.
ln -sf /etc/systemd/system/kofu.service "$r/etc/systemd/system/multi-user.target.wants/kofu.service"
# Masked: no login anywhere (getty, serial-getty, autovt); logind (needs a writable
# /var/lib/systemd, and the kiosk has no sessions); what writes to /var on a read-only root
# (random seed, utmp, firstboot's questions, e2scrub, every timer: apt, dpkg, fstrim).
mask="getty@.service serial-getty@.service autovt@.service container-getty@.service
console-getty.service getty-static.service systemd-logind.service systemd-random-seed.service
systemd-update-utmp.service systemd-update-utmp-runlevel.service systemd-firstboot.service
e2scrub_reap.service e2scrub_all.service e2scrub@.service e2scrub_fail@.service"
for t in "$r"/lib/systemd/system/*.timer; do
    [ -e "$t" ] && mask="$mask ${t##*/}"
done
for u in $mask; do
    ln -sf /dev/null "$r/etc/systemd/system/$u"
done
rm -f "$r"/etc/systemd/system/getty.target.wants/* "$r"/etc/systemd/system/timers.target.wants/*
rm -f "$r"/etc/systemd/system/multi-user.target.wants/e2scrub_reap.service

# No machine-specific files: systemd mounts a fresh /etc/machine-id at boot.
: >"$r/etc/machine-id"
rm -f "$r/var/lib/dbus/machine-id"

# udev's hardware database stays compiled (hwdb.bin); its 9 MB of sources are only input
# to a rebuild, which a read-only root never does.
rm -rf "$r"/usr/lib/udev/hwdb.d/*

# The kept modules' tables.
for k in "$r"/lib/modules/*; do
    chroot "$r" depmod -a "${k##*/}"
done
