#!/bin/sh
# The print command that ippeveprinter runs for every job in kofu's tests
# (`ippeveprinter -c tests/printer/ippcmd.sh`). $1 is the document as the
# printer received it. The command copies it to
# $KOFU_PRINTER_DIR/received/job-$IPP_JOB_ID.pdf, so that a test can compare
# it with what it sent, writes the job's copies, job-name and user name as
# ippeveprinter passed them (IPP_* variables) to job-$IPP_JOB_ID.env, and
# then does what $KOFU_PRINTER_DIR/next-job says,
# once (the file is consumed), one instruction per line:
#
#   discard          keep no copy (a control job of the harness)
#   state KEYWORDS   set printer-state-reasons through ippeveprinter's own
#                    STATE: protocol: "+media-jam", "-paused", "cover-open"
#   error TEXT       report a job error (job-state-message)
#   sleep SECONDS    take that long (a job to cancel, or to time out)
#   exit CODE        end with CODE; non-zero makes ippeveprinter abort the job
#
# stdout must stay empty: ippeveprinter saves it as the job's output file.
set -u
dir=${KOFU_PRINTER_DIR:?KOFU_PRINTER_DIR is not set}
ctl=
if mv "$dir/next-job" "$dir/next-job.$$" 2>/dev/null; then
    ctl="$dir/next-job.$$"
fi
if [ -z "$ctl" ] || ! grep -q '^discard' "$ctl"; then
    out="$dir/received/job-${IPP_JOB_ID:-0}"
    printf 'copies=%s\njob-name=%s\nuser=%s\n' "${IPP_COPIES:-}" "${IPP_JOB_NAME:-}" \
        "${IPP_JOB_ORIGINATING_USER_NAME:-}" > "$out.env"
    cp "$1" "$out.part" && mv "$out.part" "$out.pdf"
fi
code=0
if [ -n "$ctl" ]; then
    while read -r verb arg; do
        case $verb in
            state) echo "STATE: $arg" >&2 ;;
            error) echo "ERROR: $arg" >&2 ;;
            sleep) sleep "$arg" ;;
            exit) code=$arg ;;
        esac
    done < "$ctl"
    rm -f "$ctl"
fi
exit "$code"
