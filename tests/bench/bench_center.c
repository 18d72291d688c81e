/*
 * bench_center.c — `make bench` figures for the channel to the center, over
 * real TLS 1.3 on loopback against centersim: one issuance request with a
 * full handshake (a kiosk's first call), one on a resumed TLS session (new
 * connection, as calls minutes apart are), one on a kept-alive connection,
 * and centersim's throughput with session resumption from two client
 * processes. Card data comes from cardsim through the real pcscd.
 */
#include "tests/harness.h"
#include "tests/centersim/api.h" /* API_TERMS_VERSION_DEFAULT: the terms centersim serves */

#include "drivers/card_reader.h"
#include "center/center.h"
#include "base/config.h"
#include "base/errors.h"
#include "card/kenhojo.h"
#include "drivers/card_reader/pcsc.h"
#include "base/vault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RUNS 40
#define THROUGHPUT_SECONDS 3.0
#define BUDGET_ISSUANCES_PER_S 300.0

static int issue(struct center_client *c, const struct kenhojo_card_data *card)
{
    struct center_request r = {.card = card, .kind = CENTER_DOMESTIC, .copies = 1, .language = "ja",
                              .terms_version = API_TERMS_VERSION_DEFAULT};
    snprintf(r.municipality, sizeof r.municipality, "131016");
    struct center_call_info info;
    size_t mark = vault_mark();
    struct center_certificate *cert = center_certificate_new();
    int rc = cert ? center_request_new_id(&r) : KOFU_E_NOMEM;
    if (rc == KOFU_OK)
        rc = center_request_certificate(c, &r, cert, &info);
    vault_release(mark); /* as a session does once the document is printed */
    return rc;
}

static void fill_config(struct kofu_config *cfg, int port)
{
    config_defaults(cfg);
    snprintf(cfg->center_url, sizeof cfg->center_url, "https://localhost:%d", port);
    snprintf(cfg->center_ca_file, sizeof cfg->center_ca_file, "%s", harness_path(0, "pki/center-ca.pem"));
    snprintf(cfg->kiosk_cert_file, sizeof cfg->kiosk_cert_file, "%s", harness_path(0, "pki/kiosk.pem"));
    snprintf(cfg->kiosk_key_file, sizeof cfg->kiosk_key_file, "%s", harness_path(0, "pki/kiosk.key.pem"));
}

/* `bench_center --worker PORT`: reads the card, then issues for
 * THROUGHPUT_SECONDS on new connections with resumed sessions; prints the
 * count. A process of its own: the vault does not survive fork(). */
static int worker(int port)
{
    struct harness h;
    memset(&h, 0, sizeof h);
    snprintf(h.reader, sizeof h.reader, "Virtual PCD 00 00");
    struct kofu_config cfg;
    fill_config(&cfg, port);
    struct center_client *c = NULL;
    struct kenhojo_card_data *card = NULL;
    if (vault_init(4 * 1024 * 1024) != KOFU_OK || !(card = harness_read_card(&h, "1234", NULL)) || center_client_new(&cfg, &c) != KOFU_OK)
        return 1;
    center_client_set_fresh_connections(c, true);
    long n = 0;
    for (double end = harness_now_ms() + THROUGHPUT_SECONDS * 1e3; harness_now_ms() < end; n++)
        if (issue(c, card) != KOFU_OK)
            return 1;
    center_client_free(c);
    printf("%ld\n", n);
    return 0;
}

/* Runs two workers at once; issuances per second in total. */
static double throughput(const char *self, int port)
{
    char portarg[16];
    snprintf(portarg, sizeof portarg, "%d", port);
    FILE *p[2];
    char cmd[600];
    snprintf(cmd, sizeof cmd, "'%s' --worker %s", self, portarg);
    for (int k = 0; k < 2; k++)
        p[k] = popen(cmd, "r");
    long total = 0;
    for (int k = 0; k < 2; k++) {
        long n = -1;
        if (!p[k] || fscanf(p[k], "%ld", &n) != 1 || n < 0)
            total = -1000000;
        else
            total += n;
        if (p[k])
            pclose(p[k]);
    }
    return (double)total / THROUGHPUT_SECONDS;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--worker"))
        return worker(atoi(argv[2]));
    struct harness h;
    static double fresh[RUNS], resumed[RUNS], kept[RUNS];
    int status = 1;
    const char *const args[] = {"--hours", "00:00-24:00", NULL};
    if (vault_init(4 * 1024 * 1024) != KOFU_OK || harness_start_pcscd(&h) != 0 ||
        harness_start_cardsim(&h, "tests/cardsim/residents/yamada.json", NULL) != 0 ||
        harness_start_centersim(&h, args) != 0) {
        fprintf(stderr, "bench: could not start the peers\n");
        goto out;
    }
    struct kenhojo_card_data *card = harness_read_card(&h, "1234", NULL);
    if (!card)
        goto out;
    struct kofu_config cfg;
    fill_config(&cfg, h.center_port);

    /* A full handshake each time: a new client, as after a kiosk restart. */
    for (int i = 0; i < RUNS; i++) {
        struct center_client *c;
        if (center_client_new(&cfg, &c) != KOFU_OK)
            goto out;
        double t0 = harness_now_ms();
        int rc = issue(c, card);
        fresh[i] = harness_now_ms() - t0;
        center_client_free(c);
        if (rc != KOFU_OK) {
            fprintf(stderr, "bench: issuance failed: %s\n", kofu_err_name(rc));
            goto out;
        }
    }
    /* New connections, resumed TLS sessions; then one kept-alive connection. */
    for (int pass = 0; pass < 2; pass++) {
        struct center_client *c;
        if (center_client_new(&cfg, &c) != KOFU_OK)
            goto out;
        center_client_set_fresh_connections(c, pass == 0);
        if (issue(c, card) != KOFU_OK) /* warm: the first call pays the full handshake */
            goto out;
        for (int i = 0; i < RUNS; i++) {
            double t0 = harness_now_ms();
            if (issue(c, card) != KOFU_OK)
                goto out;
            (pass == 0 ? resumed : kept)[i] = harness_now_ms() - t0;
        }
        center_client_free(c);
    }
    /* centersim's throughput: two client processes, resumed sessions. */
    char self[512];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0)
        goto out;
    self[sl] = '\0';
    double rate = throughput(self, h.center_port);
    printf("center issuance, full TLS 1.3 handshake      median %7.2f ms\n", harness_median(fresh, RUNS));
    printf("center issuance, resumed session, new conn.  median %7.2f ms\n", harness_median(resumed, RUNS));
    printf("center issuance, kept-alive connection       median %7.2f ms\n", harness_median(kept, RUNS));
    printf("centersim throughput, 2 clients, resumption  %7.0f /s   budget >= %.0f /s   %s\n", rate,
           BUDGET_ISSUANCES_PER_S, rate >= BUDGET_ISSUANCES_PER_S ? "ok" : "UNDER BUDGET");
    status = 0;
out:
    harness_stop(&h);
    vault_destroy();
    return status;
}
