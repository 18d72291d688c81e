#!/bin/sh
# Installs every Debian package that kofu's build, demo and tests need.
# Idempotent and quick when everything is there (one dpkg-query); installs
# what is missing with apt-get as root (or through sudo). Debian 12.
#
#   board/sim/install-deps.sh          install what is missing
#   board/sim/install-deps.sh --list   print the package list
set -eu

PACKAGES="
build-essential pkg-config make gcc
clang libclang-rt-14-dev
libpcsclite-dev pcscd vsmartcard-vpcd
libssl-dev openssl
libjansson-dev
libcurl4-openssl-dev
libevent-dev libsqlite3-dev zlib1g-dev
python3 python3-cryptography
libcmocka-dev
libcups2-dev cups cups-ipp-utils avahi-daemon dbus
libcairo2-dev libpango1.0-dev libfontconfig-dev libqrencode-dev fonts-ipaexfont fonts-ipamj-mincho
zbar-tools poppler-utils
libx11-dev libxtst-dev xvfb xauth libasound2-dev libasound2-plugins espeak-ng sox
iproute2 util-linux procps
tzdata
libseccomp-dev
mmdebstrap squashfs-tools cpio qemu-system-x86 qemu-utils busybox-static
"

if [ "${1:-}" = "--list" ]; then
    echo $PACKAGES
    exit 0
fi

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    case "$status" in
        ii*) ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# --no-install-recommends keeps daemons we do not want (avahi, colord...) out.
$SUDO apt-get install -y -qq --no-install-recommends $missing
