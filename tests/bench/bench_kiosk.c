/*
 * bench_kiosk.c — `make bench` figures: the whole kiosk, as
 * `kofu-sim run --board sim` (the test build) runs a scripted domestic issuance (the demo's
 * script) against the real peers (pcscd + cardsim, centersim over TLS,
 * ippeveprinter). Each run is a fresh process; its summary lines give the
 * cold start to the attract screen, the machine time of the visit's steps
 * (card read from the PIN on, center + verification, render of the PDF and
 * the on-screen preview + printer readiness, print until completed) and the
 * peak resident memory. Medians of RUNS runs, each with its budget.
 *
 * What the peak resident memory is made of (/proc/PID/smaps after the
 * visit, one run, this machine's Debian 12 libraries; it is reached when
 * the certificate has been printed, the attract screen before the visit
 * is at ~39 MB):
 *   ~21.5 MB  shared libraries' pages (libcrypto ~4.1, libc 1.6, gnutls 1.1
 *             via libcups, cairo 1.0, glib 1.0, harfbuzz 0.8, ...): file
 *             pages, shared with every other process, but counted here
 *             because they are mapped (the kernel maps whole page-cache
 *             folios around each fault) and mlockall keeps them;
 *    ~5.4 MB  the IPAex Gothic and Mincho fonts, mmapped by FreeType, the
 *             glyphs' pages the screens and the PDF used;
 *    ~7.9 MB  glibc's main heap: ~5 MB live at the attract screen
 *             (fontconfig's configuration, pango's and cairo's font and
 *             glyph caches, OpenSSL's trust stores), ~2.7 MB more kept
 *             after the visit (cairo's and pango's glyph caches, grown by
 *             the visit's new glyphs at the PDF's and the preview's sizes);
 *    ~5.3 MB  the vault: the 1280x800 frame (4 MB, the screen can show a
 *             name) and the ~1.3 MB of its visit room the visit touched
 *             (the preview's pixels, the PDF); the untouched rest of the
 *             room is not resident (vault.h: pages lock on first touch);
 *    ~1.7 MB  the rest: the worker thread's arena (curl/OpenSSL), one
 *             large live malloc block, stacks, fontconfig's cache files.
 * The file-backed ~27 MB is what the libraries and fonts cost on this
 * kernel; what kofu itself can hold back is in the heap's caches.
 */
#include "tests/harness.h"
#include "tests/printer/printer_harness.h"

#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>

#define RUNS 7

static char out[1 << 16], err[1 << 16];

static double field(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p ? strtod(p + strlen(key), NULL) : -1.0;
}

int main(void)
{
    struct harness h;
    struct printer_peer printer;
    memset(&h, 0, sizeof h);
    memset(&printer, 0, sizeof printer);
    int rc = 1;
    char conf[400];
    double first[RUNS], read[RUNS], center[RUNS], render[RUNS], print[RUNS], machine[RUNS], rss[RUNS], cpu[RUNS];

    if (printer_peer_start_kiosk_peers(&h, &printer) != 0) {
        fprintf(stderr, "bench_kiosk: a test peer did not start\n");
        goto done;
    }
    snprintf(conf, sizeof conf, "%s/kofu.conf", h.dir);
    if (harness_kiosk_config(&h, conf, printer.uri, NULL, NULL) != 0)
        goto done;
    /* The demo's visit without recording screens (PNG writing is not kiosk work). */
    char script[400];
    snprintf(script, sizeof script, "%s/bench.script", h.dir);
    FILE *in = fopen("board/sim/demo.script", "r"), *o = fopen(script, "w");
    if (!in || !o)
        goto done;
    char line[512];
    while (fgets(line, sizeof line, in))
        if (strncmp(line, "record-screens", 14) != 0)
            fputs(line, o);
    fclose(in);
    fclose(o);

    for (int i = 0; i < RUNS; i++) {
        const char *run[] = {harness_path(0, "kofu-sim"), "run", "--board", "sim", "--config", conf,
                             "--script", script, NULL};
        struct rusage before, after;
        getrusage(RUSAGE_CHILDREN, &before);
        if (harness_run(run, NULL, out, sizeof out, err, sizeof err) != 0) {
            fprintf(stderr, "bench_kiosk: kofu run failed:\n%s%s", out, err);
            goto done;
        }
        getrusage(RUSAGE_CHILDREN, &after);
        cpu[i] = (double)(after.ru_utime.tv_sec - before.ru_utime.tv_sec + after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1000 +
                 (double)(after.ru_utime.tv_usec - before.ru_utime.tv_usec + after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1000;
        first[i] = field(out, "attract_ms=");
        read[i] = field(out, "read_ms=");
        center[i] = field(out, "center_ms=");
        render[i] = field(out, "render_ms=");
        print[i] = field(out, "print_ms=");
        machine[i] = field(out, "machine_ms=");
        rss[i] = field(out, "max_rss_kb=") / 1024.0;
    }
    printf("kiosk (kofu run --board sim, scripted domestic issuance, %d runs, medians):\n", RUNS);
    printf("  cold start to the attract screen   %7.1f ms   (budget 100 ms; configuration fetched over TLS included)\n", harness_median(first, RUNS));
    printf("  card read, PIN to verified data    %7.2f ms\n", harness_median(read, RUNS));
    printf("  center request + verification      %7.2f ms\n", harness_median(center, RUNS));
    printf("  render PDF + preview + readiness   %7.2f ms\n", harness_median(render, RUNS));
    printf("  print until the job completed      %7.2f ms\n", harness_median(print, RUNS));
    printf("  issuance machine time              %7.2f ms   (budget 200 ms)\n", harness_median(machine, RUNS));
    /* The same measure as the kiosk image's test takes of kofu in the guest
     * (its process's user + system time), here for the whole run: start,
     * the visit and the exit. */
    printf("  kofu's CPU time, whole run         %7.1f ms   (the kiosk image under QEMU: make bench's last lines)\n", harness_median(cpu, RUNS));
    printf("  peak resident memory of kofu       %7.1f MB   (budget 40 MB)\n", harness_median(rss, RUNS));
    rc = 0;
done:
    printer_peer_stop(&printer);
    harness_stop(&h);
    return rc;
}
