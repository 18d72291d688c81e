/*
 * fuzz_vsc.c — vsc-bridge's framings (tests/image/vsc_frame.h) on arbitrary
 * bytes, as QEMU's socket or the card's connection would deliver them.
 * Checks: a taken message's payload lies inside the input and within the
 * cap; "need more" and "too long" leave the cursor unchanged; a taken
 * message written back with the builder gives exactly the bytes it came
 * from; Init and Error payload readers never read outside their view.
 */
#include "fuzz_common.h"
#include "tests/image/vsc_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kofu_cur c;
    cur_init(&c, data, size);
    for (;;) {
        kofu_cur before = c;
        struct vsc_msg m;
        int r = vsc_take(&c, &m);
        if (r != 1) {
            CHECK(cur_data(&c) == cur_data(&before) && cur_len(&c) == cur_len(&before));
            break;
        }
        CHECK(cur_len(&m.payload) <= VSC_PAYLOAD_MAX);
        CHECK(view_inside(data, size, m.payload));
        uint8_t again[VSC_HEADER_LEN + VSC_PAYLOAD_MAX];
        kofu_bld b;
        bld_init(&b, again, sizeof again);
        vsc_put(&b, m.type, m.reader, cur_data(&m.payload), cur_len(&m.payload));
        CHECK(bld_ok(&b));
        CHECK(b.len == cur_len(&before) - cur_len(&c));
        CHECK(memcmp(again, cur_data(&before), b.len) == 0);
        uint32_t v;
        (void)vsc_init_parse(m.payload, &v);
        (void)vsc_error_parse(m.payload, &v);
    }
    cur_init(&c, data, size);
    for (;;) {
        kofu_cur before = c, payload;
        int r = vpcd_take(&c, &payload);
        if (r != 1) {
            CHECK(cur_data(&c) == cur_data(&before) && cur_len(&c) == cur_len(&before));
            break;
        }
        CHECK(cur_len(&payload) <= VPCD_PAYLOAD_MAX);
        CHECK(view_inside(data, size, payload));
        CHECK(cur_len(&before) - cur_len(&c) == cur_len(&payload) + 2);
    }
    return 0;
}
