/*
 * bench_center.c — `make bench` figures for the channel to the center, over
 * real TLS 1.3 on loopback against centersim: one issuance request with a
 * full handshake (a kiosk's first call), one on a resumed TLS session (new
 * connection, as calls minutes apart are), one on a kept-alive connection,
 * and centersim's throughput with session resumption from two client
 * processes. Card data comes from cardsim through the real pcscd.
 */
#include "harness.h"

#include "card_reader.h"
#include "center.h"
#include "config.h"
#include "errors.h"
#include "kenhojo.h"
#include "pcsc/reader_pcsc.h"
#include "vault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RUNS 40
#define THROUGHPUT_SECONDS 3.0
#define BUDGET_ISSUANCES_PER_S 100.0

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static struct kenhojo_card_data *read_card(struct harness *h)
{
    struct card_reader r = {&pcsc_reader_ops, NULL, 0};
    struct kenhojo_session s;
    struct kenhojo_card_data *d = kenhojo_card_data_new();
    int tries;
    bool ok = d && r.ops->open(&r.ctx, h->reader) == KOFU_OK && r.ops->wait_present(r.ctx, 5000) == KOFU_OK;
    /* Two workers share one card: the exclusive connection waits its turn. */
    int rc = KOFU_E_CARD_BUSY;
    for (int i = 0; ok && rc == KOFU_E_CARD_BUSY && i < 250; i++) {
        rc = r.ops->connect(r.ctx, NULL, NULL);
        if (rc == KOFU_E_CARD_BUSY)
            usleep(20000);
    }
    ok = ok && rc == KOFU_OK && kenhojo_open(&s, &r) == KOFU_OK &&
              kenhojo_pin_status(&s, &tries) == KOFU_OK && kenhojo_verify_pin(&s, "1234", true, &tries) == KOFU_OK &&
              kenhojo_read(&s, d) == KOFU_OK;
    if (r.ctx)
        r.ops->close(r.ctx);
    return ok ? d : NULL;
}

static int issue(struct center_client *c, const struct kenhojo_card_data *card)
{
    struct center_request r = {.card = card, .kind = CENTER_DOMESTIC, .copies = 1, .language = "ja"};
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
    if (vault_init(4 * 1024 * 1024) != KOFU_OK || !(card = read_card(&h)) || center_client_new(&cfg, &c) != KOFU_OK)
        return 1;
    center_client_set_fresh_connections(c, true);
    long n = 0;
    for (double end = now_ms() + THROUGHPUT_SECONDS * 1e3; now_ms() < end; n++)
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
    struct kenhojo_card_data *card = read_card(&h);
    if (!card)
        goto out;
    struct kofu_config cfg;
    fill_config(&cfg, h.center_port);

    /* A full handshake each time: a new client, as after a kiosk restart. */
    for (int i = 0; i < RUNS; i++) {
        struct center_client *c;
        if (center_client_new(&cfg, &c) != KOFU_OK)
            goto out;
        double t0 = now_ms();
        int rc = issue(c, card);
        fresh[i] = now_ms() - t0;
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
            double t0 = now_ms();
            if (issue(c, card) != KOFU_OK)
                goto out;
            (pass == 0 ? resumed : kept)[i] = now_ms() - t0;
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
    printf("center issuance, full TLS 1.3 handshake      median %7.2f ms\n", median(fresh, RUNS));
    printf("center issuance, resumed session, new conn.  median %7.2f ms\n", median(resumed, RUNS));
    printf("center issuance, kept-alive connection       median %7.2f ms\n", median(kept, RUNS));
    printf("centersim throughput, 2 clients, resumption  %7.0f /s   budget >= %.0f /s   %s\n", rate,
           BUDGET_ISSUANCES_PER_S, rate >= BUDGET_ISSUANCES_PER_S ? "ok" : "UNDER BUDGET");
    status = 0;
out:
    harness_stop(&h);
    vault_destroy();
    return status;
}
