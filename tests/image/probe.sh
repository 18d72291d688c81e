# probe.sh — the kiosk image test's only way inside the booted image.
#
# Not part of the image: the test writes this file onto a third, test-only
# disk and boots with systemd's own `systemd.run="/bin/sh /dev/vdc"` on the
# kernel command line (a kiosk's boot loader fixes its command line, so no
# one can do this to a kiosk). sh reads the disk as its script; the disk is
# padded with newlines after the final `exit`.
#
# It answers line commands on the second serial port (/dev/ttyS1), one
# command at a time, each answer ending with a line "end":
#   status      kofu's unit: active state, main PID, restarts; the main
#               process's CPU time in clock ticks and the ticks a second
#   mounts      /proc/self/mounts
#   tmpfs       every tmpfs mount's files, as a gzip'd tar in base64
#   journal     this boot's journal as text (with each line's sender), in base64
#   uptime      /proc/uptime and systemd-analyze's first line
#   stop-kofu   SIGSTOP to kofu's main process (the watchdog test)
#   sh: CMD     CMD run by sh, for a person looking into a failed run
#               (KOFU_IMAGE_TEST_HOLD=1 keeps the guest up for that)
# It reads only what it is asked and writes nothing but to the port.
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec </dev/ttyS1 >/dev/ttyS1 2>/dev/null
echo "probe: ready"
while read -r cmd; do
    case "$cmd" in
    status)
        systemctl show kofu.service -p ActiveState -p SubState -p MainPID -p NRestarts
        pid=$(systemctl show -p MainPID --value kofu.service)
        [ "${pid:-0}" -gt 0 ] && awk '{ print "CPUTicks=" $14 + $15 }' "/proc/$pid/stat"
        echo "TicksPerSecond=$(getconf CLK_TCK)" ;;
    mounts)
        cat /proc/self/mounts ;;
    tmpfs)
        dirs=$(awk '$3 == "tmpfs" { print substr($2, 2) }' /proc/self/mounts)
        # shellcheck disable=SC2086
        tar -C / --one-file-system -czf - $dirs | base64 ;;
    journal)
        journalctl -b -o short-monotonic --no-pager | base64 ;;
    uptime)
        cat /proc/uptime
        systemd-analyze | head -n 1 ;;
    stop-kofu)
        systemctl kill --kill-who=main --signal=SIGSTOP kofu.service && echo stopped ;;
    sh:*)
        eval "${cmd#sh:}" 2>&1 ;;
    *)
        echo "unknown: $cmd" ;;
    esac
    echo end
done
exit 0
