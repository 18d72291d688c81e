/*
 * demo.c — `make demo`: one full issuance on the sim board, end to end.
 *
 * Runs inside tests/sandbox.sh (private network and /run). Starts pcscd
 * with its vpcd reader and cardsim holding the synthetic resident
 * tests/cardsim/residents/yamada.json (PIN 1234), centersim over TLS and
 * ippeveprinter; runs the test build `kofu-sim run --board sim` with board/sim/demo.script
 * (place the card, choose the service, enter the PIN on the shuffled pad,
 * take the card, the municipality, domestic use, confirm, pay 150 yen with
 * coins, take the certificate and the change); then leaves in out/:
 *   out/certificate.pdf   the certificate as the printer received it
 *   out/screens/NNN-SCREEN-LANG.png   every screen the resident saw
 *   out/summary.txt       what happened, with the figures
 * and stops everything it started. Exit status 0 when the issuance went
 * through and the printed QR code decodes as a SMART Health Card.
 *
 * Everything here is synthetic test data: the resident, the center's
 * records and every key.
 */
#include "tests/harness.h"
#include "tests/printer/printer_harness.h"
#include "tests/lib/files.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char out[1 << 16], err[1 << 16];

static void remove_old_screens(const char *dir)
{
    char names[1 << 14];
    if (printer_peer_list_dir(dir, NULL, names, sizeof names) <= 0)
        return;
    for (char *save = NULL, *n = strtok_r(names, " ", &save); n; n = strtok_r(NULL, " ", &save)) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, n);
        if (strstr(n, ".png"))
            unlink(path);
    }
}

int main(void)
{
    struct harness h;
    struct printer_peer printer;
    memset(&h, 0, sizeof h);
    memset(&printer, 0, sizeof printer);
    int rc = 1;
    char conf[400], audio_log[400];
    char summary_line[512] = "";

    mkdir("out", 0755);
    mkdir("out/screens", 0755);
    remove_old_screens("out/screens");
    unlink("out/certificate.pdf");

    printf("== starting pcscd + cardsim (synthetic resident 山田　太郎, PIN 1234), centersim, ippeveprinter\n");
    fflush(stdout);
    if (printer_peer_start_kiosk_peers_mode(&h, &printer, PRINTER_IPPS) != 0) {
        fprintf(stderr, "demo: a test peer did not start\n");
        goto done;
    }
    snprintf(conf, sizeof conf, "%s/kofu.conf", h.dir);
    snprintf(audio_log, sizeof audio_log, "%s/prompts.log", h.dir);
    if (harness_kiosk_config(&h, conf, printer.kiosk_uri, audio_log, NULL) != 0) {
        fprintf(stderr, "demo: cannot write the kiosk configuration\n");
        goto done;
    }

    printf("== kofu-sim run --board sim --script board/sim/demo.script\n");
    fflush(stdout);
    const char *run[] = {harness_path(0, "kofu-sim"), "run", "--board", "sim", "--config", conf,
                         "--script", "board/sim/demo.script", NULL};
    int run_rc = harness_run(run, NULL, out, sizeof out, err, sizeof err);
    fputs(out, stdout);
    if (run_rc != 0) {
        fprintf(stderr, "demo: kofu run failed (%d):\n%s", run_rc, err);
        goto done;
    }
    char *line = strstr(out, "kofu run:");
    if (line)
        snprintf(summary_line, sizeof summary_line, "%.*s", (int)strcspn(line, "\n"), line);

    /* The certificate as the printer received it. */
    char names[4096] = "", pdf[700];
    if (printer_peer_list_dir(printer.received, NULL, names, sizeof names) < 1 || !strstr(names, ".pdf")) {
        fprintf(stderr, "demo: the printer received nothing\n");
        goto done;
    }
    char *first = strtok(names, " ");
    while (first && !strstr(first, ".pdf"))
        first = strtok(NULL, " ");
    snprintf(pdf, sizeof pdf, "%s/%s", printer.received, first ? first : "");
    if (!first || !kt_copy_file(pdf, "out/certificate.pdf")) {
        fprintf(stderr, "demo: cannot copy the printed PDF\n");
        goto done;
    }

    /* Read the printed QR code back, as a verifier app would. */
    char png_prefix[400], png[420];
    snprintf(png_prefix, sizeof png_prefix, "%s/printed", h.dir);
    snprintf(png, sizeof png, "%s-1.png", png_prefix);
    const char *raster[] = {"/usr/bin/pdftoppm", "-r", "150", "-png", "out/certificate.pdf", png_prefix, NULL};
    const char *decode[] = {"/usr/bin/zbarimg", "--quiet", "--raw", png, NULL};
    static char qr[1 << 16], qerr[4096];
    bool qr_ok = harness_run(raster, NULL, qr, sizeof qr, qerr, sizeof qerr) == 0 &&
                 harness_run(decode, NULL, qr, sizeof qr, qerr, sizeof qerr) == 0 && !strncmp(qr, "shc:/", 5);

    int screens = printer_peer_list_dir("out/screens", NULL, NULL, 0);
    struct stat st;
    long pdf_bytes = stat("out/certificate.pdf", &st) == 0 ? (long)st.st_size : 0;
    FILE *s = fopen("out/summary.txt", "w");
    if (!s)
        goto done;
    fprintf(s,
            "kofu demo — one issuance on the sim board (all data synthetic)\n"
            "\n"
            "resident:     tests/cardsim/residents/yamada.json in cardsim, through pcscd + vpcd\n"
            "center:       centersim on loopback, mutual TLS 1.3\n"
            "printer:      ippeveprinter (%s, its certificate pinned)\n"
            "script:       board/sim/demo.script\n"
            "certificate:  out/certificate.pdf (%ld bytes, domestic use, 1 copy)\n"
            "QR code:      %s\n"
            "screens:      out/screens/ (%d PNG files, in the order the resident saw them)\n"
            "voice:        %d prompts played into the sim's recording sink\n"
            "kiosk:        %s\n",
            printer.kiosk_uri, pdf_bytes,
            qr_ok ? "decoded from the printed page with zbarimg: a shc:/ SMART Health Card"
                  : "NOT decoded from the printed page",
            screens, kt_count_lines(audio_log), summary_line);
    fclose(s);
    printf("== done: out/certificate.pdf, out/screens/ (%d screens), out/summary.txt\n", screens);
    rc = qr_ok && screens > 0 ? 0 : 1;
done:
    printer_peer_stop(&printer);
    harness_stop(&h);
    return rc;
}
