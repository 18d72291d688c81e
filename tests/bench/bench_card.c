/*
 * bench_card.c — `make bench` figures for the card path, through the real
 * pcscd + vpcd and cardsim: the raw APDU round trip (the floor), and a full
 * card read from SELECT to verified data (PIN, five files, CV certificate,
 * integrity signature, hashes, presence challenge). Medians, with the
 * budget beside each figure.
 */
#include "tests/harness.h"

#include "drivers/card_reader.h"
#include "base/errors.h"
#include "card/kenhojo.h"
#include "drivers/card_reader/pcsc.h"
#include "base/vault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUND_TRIPS 400
#define READS 40
/* The full read's budget: 2.5 times its APDU floor measured in the same run. */
#define BUDGET_READ_FLOORS 2.5
#define BUDGET_APDUS 20

static int one_read(struct card_reader *r, const char *ca_dir, double *ms, unsigned *apdus)
{
    struct kenhojo_session s;
    int tries, rc;
    enum kenhojo_auth why;
    if ((rc = r->ops->connect(r->ctx, NULL, NULL)) != KOFU_OK)
        return rc;
    unsigned a0 = r->apdu_count;
    double t0 = harness_now_ms();
    struct kenhojo_card_data *d = kenhojo_card_data_new();
    rc = d ? kenhojo_open(&s, r) : KOFU_E_NOMEM;
    if (rc == KOFU_OK)
        rc = kenhojo_pin_status(&s, &tries);
    if (rc == KOFU_OK)
        rc = kenhojo_verify_pin(&s, "1234", false, &tries);
    if (rc == KOFU_OK)
        rc = kenhojo_read(&s, d);
    if (rc == KOFU_OK)
        rc = kenhojo_authenticate(&s, d, ca_dir, true, &why);
    *ms = harness_now_ms() - t0;
    *apdus = r->apdu_count - a0;
    vault_wipe();
    r->ops->disconnect(r->ctx, true);
    return rc;
}

int main(void)
{
    struct harness h;
    static double rt[ROUND_TRIPS], reads[READS];
    int status = 1;
    if (harness_start_pcscd(&h) != 0 ||
        harness_start_cardsim(&h, "tests/cardsim/residents/yamada.json", NULL) != 0 ||
        vault_init(64 * 1024) != KOFU_OK) {
        fprintf(stderr, "bench: could not start pcscd + cardsim\n");
        goto out;
    }
    struct card_reader r = {&pcsc_card_reader_ops, NULL, 0};
    if (r.ops->open(&r.ctx, h.reader) != KOFU_OK || r.ops->connect(r.ctx, NULL, NULL) != KOFU_OK)
        goto out;

    /* The floor: one SELECT round trip through libpcsclite, pcscd, vpcd, cardsim. */
    static const uint8_t aid[] = {0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08};
    if (harness_select_round_trips(&r, aid, sizeof aid, rt, ROUND_TRIPS) != 0)
        goto out;
    r.ops->disconnect(r.ctx, true);

    unsigned apdus = 0;
    for (int i = 0; i < READS; i++) {
        int rc = one_read(&r, harness_path(0, "pki/card-ca"), &reads[i], &apdus);
        if (rc != KOFU_OK) {
            fprintf(stderr, "bench: card read failed: %s\n", kofu_err_name(rc));
            goto out;
        }
    }
    double rt_med = harness_median(rt, ROUND_TRIPS), read_med = harness_median(reads, READS);
    printf("card  APDU round trip via pcscd+vpcd      median %7.3f ms   (floor)\n",
           rt_med);
    double budget_ms = BUDGET_READ_FLOORS * apdus * rt_med;
    printf("card  full read, SELECT -> verified data  median %7.2f ms   budget <= %.2f ms (%.1f x its APDU floor)   %s\n",
           read_med, budget_ms, BUDGET_READ_FLOORS, read_med <= budget_ms ? "ok" : "OVER BUDGET");
    printf("card  APDUs per full read                 %7u        budget <= %d      %s\n", apdus,
           BUDGET_APDUS, apdus <= BUDGET_APDUS ? "ok" : "OVER BUDGET");
    printf("card  of which the APDU floor             %7.2f ms   (%u x median round trip)\n", apdus * rt_med,
           apdus);
    status = 0;
    r.ops->close(r.ctx);
out:
    vault_destroy();
    harness_stop(&h);
    return status;
}
