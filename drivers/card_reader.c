/* card_reader.c — see card_reader.h. */
#include "drivers/card_reader.h"

#include "base/errors.h"

#include <string.h>

size_t apdu_encode(const struct apdu *cmd, uint8_t *out, size_t cap)
{
    if (cmd->lc > 255 || (cmd->lc && !cmd->data) || (cmd->has_le && cmd->le > 256))
        return 0;
    size_t need = 4 + (cmd->lc ? 1 + cmd->lc : 0) + (cmd->has_le ? 1 : 0);
    if (need > cap)
        return 0;
    size_t n = 0;
    out[n++] = cmd->cla;
    out[n++] = cmd->ins;
    out[n++] = cmd->p1;
    out[n++] = cmd->p2;
    if (cmd->lc) {
        out[n++] = (uint8_t)cmd->lc;
        memcpy(out + n, cmd->data, cmd->lc);
        n += cmd->lc;
    }
    if (cmd->has_le)
        out[n++] = (uint8_t)(cmd->le == 256 ? 0 : cmd->le);
    return n;
}

/* One raw round trip; splits the SW off. */
static int raw_exchange(struct card_reader *r, const uint8_t *c, size_t clen, uint8_t *rbuf,
                        size_t *rlen, uint16_t *sw)
{
    size_t got = *rlen;
    r->apdu_count++;
    int rc = r->ops->transmit(r->ctx, c, clen, rbuf, &got);
    if (rc != KOFU_OK)
        return rc;
    if (got < 2 || got > *rlen)
        return KOFU_E_CARD_COMM;
    *sw = (uint16_t)((rbuf[got - 2] << 8) | rbuf[got - 1]);
    *rlen = got - 2;
    return KOFU_OK;
}

/* Appends data to the caller's buffer, refusing overflow. */
static int append(uint8_t *resp, size_t cap, size_t *len, const uint8_t *p, size_t n)
{
    if (n > cap - *len)
        return KOFU_E_CARD_COMM;
    memcpy(resp + *len, p, n);
    *len += n;
    return KOFU_OK;
}

int card_reader_exchange(struct card_reader *r, const struct apdu *cmd, uint8_t *resp,
                         size_t resp_cap, size_t *resp_len, uint16_t *sw)
{
    uint8_t cbuf[5 + 255 + 1];
    uint8_t rbuf[256 + 2];
    size_t clen = apdu_encode(cmd, cbuf, sizeof cbuf);
    int rc = KOFU_OK;
    *resp_len = 0;
    if (clen == 0) {
        rc = KOFU_E_ARG;
        goto out;
    }
    size_t rlen = sizeof rbuf;
    rc = raw_exchange(r, cbuf, clen, rbuf, &rlen, sw);
    if (rc != KOFU_OK)
        goto out;

    /* 6Cxx: the card wants the same command with Le = xx. Once only: a card
     * that keeps asking is broken, and its answer is passed up as it is. */
    if ((*sw & 0xFF00u) == 0x6C00u && cmd->has_le) {
        cbuf[clen - 1] = (uint8_t)(*sw & 0xFF);
        rlen = sizeof rbuf;
        rc = raw_exchange(r, cbuf, clen, rbuf, &rlen, sw);
        if (rc != KOFU_OK)
            goto out;
    }
    rc = append(resp, resp_cap, resp_len, rbuf, rlen);

    /* 61xx: more data waits; fetch it with GET RESPONSE. Bounded by resp_cap
     * (append fails before a card can keep us looping forever). */
    while (rc == KOFU_OK && (*sw & 0xFF00u) == 0x6100u) {
        uint8_t gr[5] = {0x00, 0xC0, 0x00, 0x00, (uint8_t)(*sw & 0xFF)};
        rlen = sizeof rbuf;
        rc = raw_exchange(r, gr, sizeof gr, rbuf, &rlen, sw);
        if (rc == KOFU_OK)
            rc = append(resp, resp_cap, resp_len, rbuf, rlen);
        if (rc == KOFU_OK && rlen == 0 && (*sw & 0xFF00u) == 0x6100u)
            rc = KOFU_E_CARD_COMM; /* 61xx with no progress */
    }
out:
    explicit_bzero(cbuf, sizeof cbuf);
    explicit_bzero(rbuf, sizeof rbuf);
    return rc;
}
