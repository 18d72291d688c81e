/*
 * bench_diag.c — `make bench` figure: a whole `kofu diag --json` run (the
 * product build, every check) against healthy real peers (pcscd + cardsim,
 * centersim over mutual TLS, ippeveprinter), from the command's start to its
 * exit. Each run is a fresh process; the median of RUNS runs beside its
 * budget, and the checks that were not ok (the figure is a healthy kiosk's).
 */
#include "tests/harness.h"
#include "tests/printer/printer_harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUNS 7

static char out[1 << 17], err[1 << 16];

int main(void)
{
    struct harness h;
    struct printer_peer printer;
    memset(&h, 0, sizeof h);
    memset(&printer, 0, sizeof printer);
    int rc = 1;
    char conf[400], diag_conf[400], extra[1200];
    double wall[RUNS];
    int worst_status = 0;

    if (printer_peer_start_kiosk_peers(&h, &printer) != 0) {
        fprintf(stderr, "bench_diag: a test peer did not start\n");
        goto done;
    }
    snprintf(conf, sizeof conf, "%s/kofu.conf", h.dir);
    snprintf(diag_conf, sizeof diag_conf, "%s/diag.conf", h.dir);
    snprintf(extra, sizeof extra, "state_file = %s/state\nservice_lock_file = %s/service.lock\n", h.dir, h.dir);
    if (harness_kiosk_config(&h, conf, printer.uri, NULL, extra) != 0 || harness_product_config(conf, diag_conf) != 0)
        goto done;
    /* A kiosk makes its state file at its first start; this one never ran. */
    char state[400];
    snprintf(state, sizeof state, "%s/state", h.dir);
    FILE *sf = fopen(state, "w");
    if (!sf || fclose(sf) != 0)
        goto done;
    for (int i = 0; i < RUNS; i++) {
        const char *run[] = {harness_path(0, "kofu"), "diag", "--json", "--config", diag_conf, NULL};
        double t0 = harness_now_ms();
        int st = harness_run(run, NULL, out, sizeof out, err, sizeof err);
        wall[i] = harness_now_ms() - t0;
        if (st < 0 || st > 3) {
            fprintf(stderr, "bench_diag: kofu diag exited %d:\n%s%s", st, out, err);
            goto done;
        }
        if (st > worst_status)
            worst_status = st;
    }
    json_t *o = json_loads(out, 0, NULL);
    printf("diagnostics (kofu diag --json, every check, healthy peers, %d runs, medians):\n", RUNS);
    printf("  whole run, start to exit           %7.1f ms   (budget 1000 ms)\n", harness_median(wall, RUNS));
    json_t *c;
    size_t i;
    json_array_foreach(json_object_get(o, "checks"), i, c)
        if (strcmp(json_string_value(json_object_get(c, "status")), "ok") != 0)
            printf("  (not ok in the last run: %s %s)\n", json_string_value(json_object_get(c, "name")),
                   json_string_value(json_object_get(c, "status")));
    json_decref(o);
    if (worst_status == 3)
        printf("  (a check failed: the figure is not of a healthy kiosk)\n");
    rc = 0;
done:
    printer_peer_stop(&printer);
    harness_stop(&h);
    return rc;
}
