/* mrtd.c — reading a passport's chip (mrtd.h): the file reads under secure
 * messaging, EF.COM, and the one sequence from the resident's numbers to
 * verified data. The protocols themselves are icao_bac.c, icao_pace.c,
 * icao_sm.c; the checks of the data mrz.c and mrtd_pa.c. */
#include "card/mrtd.h"

#include "base/bytes.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/vault.h"
#include "card/icao_bac.h"

#include <string.h>

#define SW_END_OF_FILE 0x6282u   /* fewer bytes than asked: the end of the file */
#define SW_NOT_FOUND 0x6A82u
#define SW_NO_FILE_SELECTED 0x6986u

/* Enough of a file's first bytes for its TLV header: a one-byte tag and a
 * length of up to three bytes (82 xx xx), with room to spare. */
#define HEADER_READ 8

static const uint8_t emrtd_aid[] = {0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01};

enum { FID_CARD_ACCESS = 0x011C, FID_COM = 0x011E, FID_DG1 = 0x0101, FID_SOD = 0x011D };

struct mrtd_data *mrtd_data_new(void)
{
    return vault_alloc(sizeof(struct mrtd_data));
}

const char *mrtd_access_name(enum mrtd_access a)
{
    switch (a) {
    case MRTD_ACCESS_BAC: return "BAC";
    case MRTD_ACCESS_PACE: return "PACE";
    case MRTD_ACCESS_NONE: break;
    }
    return "none";
}

/* One exchange, plain before access and protected after. */
static int xchg(struct card_reader *r, struct icao_sm *sm, const struct apdu *a, uint8_t *resp, size_t cap,
                size_t *len, uint16_t *sw)
{
    if (sm)
        return icao_sm_exchange(sm, r, a, resp, cap, len, sw);
    return card_reader_exchange(r, a, resp, cap, len, sw);
}

/* Read the current EF whole into buf (cap). The first read takes the TLV
 * header, then the rest in reads no larger than ICAO_SM_READ_MAX, each
 * asking for what is left, so that a chip answering fewer bytes than asked
 * (some do, for any Le) costs a read more, not the file; an end-of-file
 * warning or an empty answer ends the file. */
static int read_current(struct card_reader *r, struct icao_sm *sm, uint8_t *buf, size_t cap, size_t *len,
                        bool *found)
{
    size_t total = 0, have = 0;
    *len = 0;
    *found = true;
    for (;;) {
        size_t want = total ? total - have : HEADER_READ;
        if (want > ICAO_SM_READ_MAX)
            want = ICAO_SM_READ_MAX;
        if (have + want > cap)
            want = cap - have;
        if (want == 0 || have > 0x7FFF)
            return KOFU_E_PASSPORT_DATA; /* larger than this file may be */
        struct apdu rd = {0x00, 0xB0, (uint8_t)(have >> 8), (uint8_t)have, NULL, 0, true, want};
        size_t got = 0;
        uint16_t sw;
        int rc = xchg(r, sm, &rd, buf + have, cap - have, &got, &sw);
        if (rc != KOFU_OK)
            return rc;
        if (sw == SW_NOT_FOUND || sw == SW_NO_FILE_SELECTED) {
            if (have == 0) {
                *found = false;
                return KOFU_OK;
            }
            return KOFU_E_PASSPORT_DATA;
        }
        if (sw != SW_OK && sw != SW_END_OF_FILE)
            return KOFU_E_PASSPORT_DATA;
        if (got > want)
            return KOFU_E_PASSPORT_SM;
        have += got;
        if (!total) {
            kofu_cur c;
            uint32_t tag;
            size_t vlen, hlen;
            cur_init(&c, buf, have);
            if (!cur_peek_ber_header(&c, &tag, &vlen, &hlen)) {
                if (have >= HEADER_READ || got == 0 || sw == SW_END_OF_FILE)
                    return KOFU_E_PASSPORT_DATA;
                continue; /* a short answer: read on for the header */
            }
            total = hlen + vlen;
            if (total > cap)
                return KOFU_E_PASSPORT_DATA;
        }
        if (have >= total) {
            *len = total; /* a chip's padding after the object is not part of it */
            return KOFU_OK;
        }
        if (got == 0 || sw == SW_END_OF_FILE)
            return KOFU_E_PASSPORT_DATA; /* the file ends inside its own object */
    }
}

/* SELECT with P2 0C (no FCI): p1 says what id names; the status word into
 * *sw. */
static int select_file(struct card_reader *r, struct icao_sm *sm, uint8_t p1, const uint8_t *id, size_t id_len,
                       uint16_t *sw)
{
    struct apdu sel = {0x00, 0xA4, p1, 0x0C, id, id_len, false, 0};
    uint8_t resp[8];
    size_t n;
    return xchg(r, sm, &sel, resp, sizeof resp, &n, sw);
}

/* SELECT an EF by its file identifier in the current DF. */
static int select_ef(struct card_reader *r, struct icao_sm *sm, uint16_t fid, bool *found)
{
    const uint8_t id[2] = {(uint8_t)(fid >> 8), (uint8_t)fid};
    uint16_t sw;
    int rc = select_file(r, sm, 0x02, id, sizeof id, &sw);
    if (rc != KOFU_OK)
        return rc;
    *found = sw == SW_OK;
    if (sw != SW_OK && sw != SW_NOT_FOUND)
        return KOFU_E_PASSPORT_DATA;
    return KOFU_OK;
}

static int read_ef(struct card_reader *r, struct icao_sm *sm, uint16_t fid, uint8_t *buf, size_t cap, size_t *len,
                   bool *found)
{
    int rc = select_ef(r, sm, fid, found);
    if (rc != KOFU_OK || !*found)
        return rc;
    return read_current(r, sm, buf, cap, len, found);
}

static int select_application(struct card_reader *r, struct icao_sm *sm)
{
    uint16_t sw;
    int rc = select_file(r, sm, 0x04, emrtd_aid, sizeof emrtd_aid, &sw);
    if (rc != KOFU_OK)
        return rc;
    return sw == SW_OK ? KOFU_OK : KOFU_E_NOT_PASSPORT;
}

int mrtd_parse_com(const uint8_t *p, size_t len, uint8_t dg_list[16], size_t *n)
{
    /* The LDS1 data group tags, DG1..DG16 (part 10, table 34). */
    static const uint8_t dg_tags[16] = {0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68,
                                        0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70};
    kofu_cur c, com, v, tags;
    *n = 0;
    cur_init(&c, p, len);
    if (!cur_get_ber_tag(&c, 0x60, &com) || cur_len(&c) != 0)
        return KOFU_E_PASSPORT_DATA;
    if (!cur_get_ber_tag(&com, 0x5F01, &v) || cur_len(&v) != 4 || !cur_get_ber_tag(&com, 0x5F36, &v) ||
        cur_len(&v) != 6 || !cur_get_ber_tag(&com, 0x5C, &tags) || cur_len(&com) != 0)
        return KOFU_E_PASSPORT_DATA;
    bool seen[17] = {false};
    uint8_t t;
    while (cur_get_u8(&tags, &t)) {
        size_t dg = 0;
        for (size_t i = 0; i < 16; i++)
            if (dg_tags[i] == t)
                dg = i + 1;
        if (dg == 0 || seen[dg] || *n >= 16)
            return KOFU_E_PASSPORT_DATA;
        seen[dg] = true;
        dg_list[(*n)++] = (uint8_t)dg;
    }
    return seen[1] ? KOFU_OK : KOFU_E_PASSPORT_DATA;
}

/* EF.CardAccess, read in the master file before anything is selected. A
 * chip without one (or one that will not show it) is read with BAC. */
static int offered_pace(struct card_reader *r, struct icao_pace_info *pi, bool *pace)
{
    uint8_t ca[MRTD_CARD_ACCESS_MAX];
    size_t n = 0;
    bool found = false;
    *pace = false;
    /* The master file first: a chip kept powered since an earlier read (a
     * reader that left it so) still has the passport application
     * selected, where EF.CardAccess is not. A chip that refuses the SELECT
     * is in its master file anyway (it is, after power-up). */
    static const uint8_t mf[] = {0x3F, 0x00};
    uint16_t sw;
    int rc = select_file(r, NULL, 0x00, mf, sizeof mf, &sw);
    if (rc != KOFU_OK)
        return rc;
    rc = read_ef(r, NULL, FID_CARD_ACCESS, ca, sizeof ca, &n, &found);
    if (rc == KOFU_E_PASSPORT_DATA)
        return KOFU_OK; /* refused or unreadable: nothing kofu can use */
    if (rc != KOFU_OK || !found)
        return rc;
    rc = icao_card_access_parse(ca, n, pi, pace);
    /* A CardAccess kofu cannot read says nothing kofu can use: BAC, which
     * every chip that offers PACE also answers, decides. */
    if (rc != KOFU_OK)
        *pace = false;
    return KOFU_OK;
}

static int open_chip(struct card_reader *r, const char info[MRZ_INFO_LEN], struct mrtd_data *d)
{
    struct icao_pace_info pi;
    bool pace = false;
    int rc = offered_pace(r, &pi, &pace);
    if (rc != KOFU_OK)
        return rc;
    if (pace) {
        /* No fall back to BAC once PACE has run: the chip has counted the
         * attempt, and BAC with the same numbers would only count another.
         * A chip that refuses the protocol itself (MSE:Set AT: no key tried
         * yet, icao_pace's KOFU_E_PASSPORT_DATA) is read with BAC. */
        rc = icao_pace(r, info, &pi, &d->sm);
        if (rc == KOFU_OK) {
            d->access = MRTD_ACCESS_PACE;
            return select_application(r, &d->sm);
        }
        if (rc != KOFU_E_PASSPORT_DATA)
            return rc;
    }
    rc = select_application(r, NULL);
    if (rc != KOFU_OK)
        return rc;
    rc = icao_bac(r, info, &d->sm);
    if (rc == KOFU_OK)
        d->access = MRTD_ACCESS_BAC;
    return rc;
}

static int read_files(struct card_reader *r, struct mrtd_data *d)
{
    struct {
        uint16_t fid;
        uint8_t *buf;
        size_t cap, *len;
    } plan[] = {
        {FID_COM, d->com, sizeof d->com, &d->com_len},
        {FID_DG1, d->dg1, sizeof d->dg1, &d->dg1_len},
        {FID_SOD, d->sod, sizeof d->sod, &d->sod_len},
    };
    for (size_t i = 0; i < sizeof plan / sizeof plan[0]; i++) {
        bool found;
        int rc = read_ef(r, &d->sm, plan[i].fid, plan[i].buf, plan[i].cap, plan[i].len, &found);
        if (rc != KOFU_OK)
            return rc;
        if (!found)
            return KOFU_E_PASSPORT_DATA; /* all three are mandatory (part 10) */
    }
    int rc = mrtd_parse_com(d->com, d->com_len, d->dg_list, &d->dg_count);
    if (rc == KOFU_OK)
        rc = mrz_parse_dg1(d->dg1, d->dg1_len, &d->mrz);
    return rc;
}

int mrtd_read_verified(struct card_reader *r, const struct mrz_keys *keys, const struct mrtd_trust *trust,
                       struct mrtd_read_result *res)
{
    *res = (struct mrtd_read_result){.access = MRTD_ACCESS_NONE, .why = MRTD_PA_OK};
    char info[MRZ_INFO_LEN];
    int rc = mrz_info(keys, info);
    if (rc != KOFU_OK)
        return KOFU_E_MRZ_FORMAT; /* nothing reached the chip */
    unsigned before = r->apdu_count;
    double t0 = kofu_mono_ms_f();
    struct mrtd_data *d = mrtd_data_new();
    if (!d) {
        explicit_bzero(info, sizeof info);
        return KOFU_E_NOMEM;
    }
    rc = open_chip(r, info, d);
    explicit_bzero(info, sizeof info);
    res->access = d->access;
    if (rc == KOFU_OK)
        rc = read_files(r, d);
    /* The session is over whatever happened: its keys go now. */
    icao_sm_end(&d->sm);
    if (rc == KOFU_OK) {
        res->data = d;
        const struct mrtd_pa_input in = {d->sod, d->sod_len, d->dg1, d->dg1_len,
                                         d->dg_list, d->dg_count, d->mrz.issuing_state};
        d->pa = trust ? mrtd_pa_verify(trust, &in) : MRTD_PA_NO_TRUST;
        res->why = d->pa;
        if (d->pa != MRTD_PA_OK)
            rc = KOFU_E_PASSPORT_NOT_AUTHENTIC;
        kofu_log(KOFU_LOG_INFO, EV_PASSPORT_AUTH, rc, (uint32_t)d->pa);
    }
    res->apdus = r->apdu_count - before;
    res->read_ms = kofu_mono_ms_f() - t0;
    kofu_log(KOFU_LOG_INFO, EV_PASSPORT_READ, rc, (uint32_t)d->access * 1000u + res->apdus);
    return rc;
}
