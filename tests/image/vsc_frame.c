/* vsc_frame.c — VSCard and vpcd framing, no I/O (vsc_frame.h). */
#include "tests/image/vsc_frame.h"

static const uint8_t vsc_magic[4] = {'V', 'S', 'C', 'D'};

static bool get_u32(kofu_cur *c, uint32_t *out)
{
    kofu_cur save = *c;
    uint16_t hi, lo;
    if (!cur_get_u16(c, &hi) || !cur_get_u16(c, &lo)) {
        *c = save;
        return false;
    }
    *out = (uint32_t)hi << 16 | lo;
    return true;
}

static void put_u32(kofu_bld *b, uint32_t v)
{
    bld_add_u16(b, (uint16_t)(v >> 16));
    bld_add_u16(b, (uint16_t)v);
}

int vsc_take(kofu_cur *buf, struct vsc_msg *m)
{
    kofu_cur c = *buf;
    uint32_t type, reader, len;
    if (!get_u32(&c, &type) || !get_u32(&c, &reader) || !get_u32(&c, &len))
        return 0;
    if (len > VSC_PAYLOAD_MAX)
        return -1;
    kofu_cur payload;
    if (!cur_get_bytes(&c, &payload, len))
        return 0;
    m->type = type;
    m->reader = reader;
    m->payload = payload;
    *buf = c;
    return 1;
}

bool vsc_init_parse(kofu_cur payload, uint32_t *version)
{
    kofu_cur magic;
    if (!cur_get_bytes(&payload, &magic, sizeof vsc_magic) || !cur_equals(&magic, vsc_magic, sizeof vsc_magic))
        return false;
    return get_u32(&payload, version); /* capability words may follow */
}

bool vsc_error_parse(kofu_cur payload, uint32_t *code)
{
    return get_u32(&payload, code) && cur_len(&payload) == 0;
}

void vsc_put(kofu_bld *b, uint32_t type, uint32_t reader, const uint8_t *payload, size_t len)
{
    if (len > VSC_PAYLOAD_MAX) {
        b->overflow = true;
        return;
    }
    put_u32(b, type);
    put_u32(b, reader);
    put_u32(b, (uint32_t)len);
    bld_add_bytes(b, payload, len);
}

void vsc_put_init(kofu_bld *b)
{
    uint8_t p[12];
    kofu_bld pb;
    bld_init(&pb, p, sizeof p);
    bld_add_bytes(&pb, vsc_magic, sizeof vsc_magic);
    put_u32(&pb, VSC_VERSION);
    put_u32(&pb, 0); /* no capabilities */
    vsc_put(b, VSC_INIT, VSC_NO_READER, p, pb.len);
}

int vpcd_take(kofu_cur *buf, kofu_cur *payload)
{
    kofu_cur c = *buf;
    uint16_t len;
    if (!cur_get_u16(&c, &len))
        return 0;
    if (len > VPCD_PAYLOAD_MAX)
        return -1;
    if (!cur_get_bytes(&c, payload, len))
        return 0;
    *buf = c;
    return 1;
}

void vpcd_put(kofu_bld *b, const uint8_t *payload, size_t len)
{
    if (len > VPCD_PAYLOAD_MAX) {
        b->overflow = true;
        return;
    }
    bld_add_u16(b, (uint16_t)len);
    bld_add_bytes(b, payload, len);
}
