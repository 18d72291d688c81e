/*
 * figures.c — the run's figures.
 *
 * Owns: the two summary lines `kofu run` prints on stdout when it ends
 * (README, "kofu run"): counts and times only, never resident data.
 */
#include "kiosk/kiosk_priv.h"

#include <stdio.h>
#include <sys/resource.h>

void kiosk_print_figures(const struct kiosk *k, int exit_code)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("kofu run: board=%s first_frame_ms=%.1f attract_ms=%.1f frames=%u visits=%u printed=%u refunds=%u "
           "receipts=%u exit=%d\n",
           k->board->name, k->first_frame_ms, k->attract_ms, k->frames, k->visits, k->printed, k->refunds,
           k->receipts, exit_code);
    printf("kofu run: last visit read_ms=%.2f center_ms=%.2f render_ms=%.2f print_ms=%.2f machine_ms=%.2f "
           "max_rss_kb=%ld\n",
           k->t_read, k->t_center, k->t_render, k->t_print, k->t_read + k->t_center + k->t_render + k->t_print,
           ru.ru_maxrss);
    fflush(stdout);
}
