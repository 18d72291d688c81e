#!/bin/sh
# Runs a command in its own network and mount namespaces, so that every
# test peer (pcscd, its vpcd reader port, cardsim, ...) is private to this
# run: only a loopback interface exists, nothing listens beyond it, ports
# cannot clash with the host or a parallel run, and pcscd's fixed socket
# directory /run/pcscd is a fresh tmpfs.
#
#   tests/sandbox.sh COMMAND [ARGS...]
#
# Needs root (or CAP_SYS_ADMIN). Without it, the command runs as it is and
# the tests use the host's /run/pcscd: then no other pcscd may be running.
set -eu
if [ "${KOFU_IN_SANDBOX:-}" = 1 ]; then
    exec "$@"
fi
mkdir -p /run/pcscd 2>/dev/null || true
if [ "$(id -u)" = 0 ] && unshare -m -n --propagation private true 2>/dev/null; then
    exec unshare -m -n --propagation private sh -c '
        ip link set lo up &&
        mount -t tmpfs -o mode=0755 tmpfs /run/pcscd &&
        KOFU_IN_SANDBOX=1 exec "$@"' sandbox "$@"
fi
echo "sandbox: no private namespaces here (not root?); running on the host" >&2
KOFU_IN_SANDBOX=0 exec "$@"
