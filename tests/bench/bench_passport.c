/*
 * bench_passport.c — `make bench` figures for the passport path, through
 * the real pcscd + vpcd and passportsim: the raw APDU round trip (the
 * floor), passive authentication alone (the signature and chain checks no
 * read can skip), and whole reads with BAC and with PACE, from the first
 * APDU to verified data. Medians, with the budget beside each figure.
 */
#include "tests/harness.h"

#include "base/errors.h"
#include "base/vault.h"
#include "card/mrtd.h"
#include "drivers/card_reader.h"
#include "drivers/card_reader/pcsc.h"

#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROUND_TRIPS 400
#define READS 30
#define PA_RUNS 50
#define PACE_RUNS 50
#define BUDGET_APDUS_BAC 40
/* A read's budget: its floor times this. The floor is what no read can
 * skip, each measured in the same run: its APDUs, passive authentication
 * and, for PACE, the terminal's elliptic-curve work; what is left over is
 * secure messaging, parsing and kofu's own work. */
#define BUDGET_FLOORS 2.5

static const struct mrz_keys specimen = {"L898902C", '3', "690806", "940623", '6'};

static enum mrtd_access last_access;

static int one_read(struct card_reader *r, const struct mrtd_trust *t, double *ms, unsigned *apdus,
                    struct mrtd_data *keep)
{
    int rc = r->ops->connect(r->ctx, NULL, NULL);
    if (rc != KOFU_OK)
        return rc;
    struct mrtd_read_result res;
    rc = mrtd_read_verified(r, &specimen, t, &res);
    *ms = res.read_ms;
    *apdus = res.apdus;
    last_access = res.access;
    if (rc == KOFU_OK && keep)
        memcpy(keep, res.data, sizeof *keep);
    vault_wipe();
    r->ops->disconnect(r->ctx, false);
    return rc;
}

/* The terminal's PACE cryptography alone, on the passportsim's curve
 * (brainpoolP256r1, AES-128): the nonce, the generic mapping, the key
 * agreement and both tokens, with the curve's generator standing in for the
 * chip's two points (any point of the curve serves, and the mapped curve
 * has the same points). */
static double pace_crypto_ms(void)
{
    static double ms[PACE_RUNS];
    static const char info[MRZ_INFO_LEN] = "L898902C<369080619406236";
    static const uint8_t oid[] = {0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x02, 0x02};
    uint8_t sk_map[32], sk[32], z[16] = {0x95, 0xA3, 0xA0, 0x16, 0x52, 0x2E, 0xE9, 0x8D,
                                         0x01, 0xE7, 0x6C, 0xB6, 0xB9, 0x8B, 0x42, 0xC3};
    memset(sk_map, 0x11, sizeof sk_map);
    memset(sk, 0x22, sizeof sk);
    uint8_t g[ICAO_PACE_POINT_MAX];
    EC_GROUP *grp = EC_GROUP_new_by_curve_name(NID_brainpoolP256r1);
    size_t g_len = grp ? EC_POINT_point2oct(grp, EC_GROUP_get0_generator(grp), POINT_CONVERSION_UNCOMPRESSED, g,
                                            sizeof g, NULL)
                       : 0;
    EC_GROUP_free(grp);
    if (g_len == 0)
        return -1;
    for (int i = 0; i < PACE_RUNS; i++) {
        uint8_t s_[ICAO_PACE_NONCE_MAX], pk_map[ICAO_PACE_POINT_MAX], gm[ICAO_PACE_POINT_MAX], pk[ICAO_PACE_POINT_MAX];
        uint8_t k[ICAO_PACE_POINT_MAX], t[8];
        size_t s_len = sizeof s_, pk_map_len = sizeof pk_map, gm_len = sizeof gm, pk_len = sizeof pk, k_len = sizeof k;
        double t0 = harness_now_ms();
        if (!icao_pace_decrypt_nonce(info, 16, z, sizeof z, s_, &s_len) ||
            !icao_pace_map_gm(NID_brainpoolP256r1, s_, s_len, sk_map, sizeof sk_map, g, g_len, pk_map, &pk_map_len, gm,
                              &gm_len) ||
            !icao_pace_agree(NID_brainpoolP256r1, gm, gm_len, sk, sizeof sk, g, g_len, pk, &pk_len, k, &k_len) ||
            !icao_pace_token(k, 16, oid, sizeof oid, g, g_len, t) || !icao_pace_token(k, 16, oid, sizeof oid, pk, pk_len, t))
            return -1;
        ms[i] = harness_now_ms() - t0;
    }
    return harness_median(ms, PACE_RUNS);
}

static int reads(struct card_reader *r, const struct mrtd_trust *t, const char *what, double apdu_rt, double pa_ms,
                 struct mrtd_data *keep)
{
    static double ms[READS];
    unsigned apdus = 0;
    for (int i = 0; i < READS; i++) {
        int rc = one_read(r, t, &ms[i], &apdus, i == 0 ? keep : NULL);
        if (rc != KOFU_OK || strcmp(mrtd_access_name(last_access), what) != 0) {
            fprintf(stderr, "bench: %s read failed: %s (access %s)\n", what, kofu_err_name(rc),
                    mrtd_access_name(last_access));
            return -1;
        }
    }
    double med = harness_median(ms, READS), floor = apdus * apdu_rt + pa_ms;
    if (!strcmp(what, "PACE")) {
        double ec = pace_crypto_ms();
        if (ec < 0) {
            fprintf(stderr, "bench: PACE's cryptography alone failed\n");
            return -1;
        }
        printf("passport  PACE's EC work alone                median %7.2f ms   (floor: mapping, key agreement, tokens)\n", ec);
        floor += ec;
    }
    double budget = BUDGET_FLOORS * floor;
    printf("passport  %-4s read, first APDU -> verified   median %7.2f ms   budget <= %.2f ms (%.1f x its floor %.2f ms)   %s\n",
           what, med, budget, BUDGET_FLOORS, floor, med <= budget ? "ok" : "OVER BUDGET");
    if (!strcmp(what, "BAC"))
        printf("passport  APDUs per BAC read                  %7u        budget <= %d      %s\n", apdus,
               BUDGET_APDUS_BAC, apdus <= BUDGET_APDUS_BAC ? "ok" : "OVER BUDGET");
    else
        printf("passport  APDUs per PACE read                 %7u\n", apdus);
    return 0;
}

int main(void)
{
    struct harness h;
    static double rt[ROUND_TRIPS], pa[PA_RUNS];
    static struct mrtd_data kept;
    struct mrtd_trust *trust = NULL;
    char e[256];
    int status = 1;
    struct card_reader r = {&pcsc_card_reader_ops, NULL, 0};
    if (harness_start_pcscd(&h) != 0 ||
        harness_start_passportsim(&h, "tests/passportsim/holders/specimen.json", "bac", NULL) != 0 ||
        vault_init(64 * 1024) != KOFU_OK || mrtd_trust_load(harness_path(0, "pki/csca"), &trust, e, sizeof e) != KOFU_OK) {
        fprintf(stderr, "bench: could not start pcscd + passportsim\n");
        goto out;
    }
    if (r.ops->open(&r.ctx, "Virtual PCD 00 01") != KOFU_OK || r.ops->connect(r.ctx, NULL, NULL) != KOFU_OK)
        goto out;

    /* The floor: one plain SELECT of the passport application. */
    static const uint8_t aid[] = {0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01};
    if (harness_select_round_trips(&r, aid, sizeof aid, rt, ROUND_TRIPS) != 0)
        goto out;
    r.ops->disconnect(r.ctx, false);
    double rt_med = harness_median(rt, ROUND_TRIPS);
    printf("passport  APDU round trip via pcscd+vpcd      median %7.3f ms   (floor)\n", rt_med);

    /* Passive authentication alone, on the files of one read. */
    double dummy;
    unsigned n;
    if (one_read(&r, trust, &dummy, &n, &kept) != KOFU_OK)
        goto out;
    for (int i = 0; i < PA_RUNS; i++) {
        const struct mrtd_pa_input in = {kept.sod, kept.sod_len, kept.dg1, kept.dg1_len, kept.dg_list, kept.dg_count,
                                         kept.mrz.issuing_state};
        double t0 = harness_now_ms();
        if (mrtd_pa_verify(trust, &in) != MRTD_PA_OK)
            goto out;
        pa[i] = harness_now_ms() - t0;
    }
    explicit_bzero(&kept, sizeof kept);
    double pa_med = harness_median(pa, PA_RUNS);
    printf("passport  passive authentication alone        median %7.2f ms   (floor: CMS signature, chain, hashes)\n",
           pa_med);

    if (reads(&r, trust, "BAC", rt_med, pa_med, NULL) != 0)
        goto out;
    r.ops->close(r.ctx);
    r.ctx = NULL;
    if (harness_start_passportsim(&h, "tests/passportsim/holders/specimen.json", "pace", NULL) != 0 ||
        r.ops->open(&r.ctx, "Virtual PCD 00 01") != KOFU_OK)
        goto out;
    if (reads(&r, trust, "PACE", rt_med, pa_med, NULL) != 0)
        goto out;
    status = 0;
out:
    if (r.ctx)
        r.ops->close(r.ctx);
    mrtd_trust_free(trust);
    vault_destroy();
    harness_stop(&h);
    return status;
}
