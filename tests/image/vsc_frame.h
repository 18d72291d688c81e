/*
 * vsc_frame.h — the two framings vsc-bridge reads from outside: QEMU's
 * ccid-card-passthru protocol (libcacard's VSCard: a 12-byte header of
 * big-endian u32s type, reader_id, length, then length bytes) and
 * vsmartcard's vpcd protocol (a big-endian u16 length, then that many
 * bytes; a 1-byte message is a control byte).
 *
 * Owns nothing: the readers take messages off the front of a caller's
 * cursor and return views into it; the writers append to a caller's
 * builder. No I/O, so the fuzzer (tests/fuzz/fuzz_vsc.c) drives exactly
 * what reads the sockets.
 */
#ifndef KOFU_TESTS_VSC_FRAME_H
#define KOFU_TESTS_VSC_FRAME_H

#include "base/bytes.h"

#include <stdint.h>

enum vsc_type {
    VSC_INIT = 1,
    VSC_ERROR = 2,
    VSC_READER_ADD = 3,
    VSC_READER_REMOVE = 4,
    VSC_ATR = 5,
    VSC_CARD_REMOVE = 6,
    VSC_APDU = 7,
    VSC_FLUSH = 8,
    VSC_FLUSH_COMPLETE = 9,
};

#define VSC_HEADER_LEN 12
/** The reader id of messages about no reader (Init). */
#define VSC_NO_READER 0xffffffffu
/** VSCard protocol version 0.0.2, as libcacard's VSCARD_VERSION. */
#define VSC_VERSION 2u
/** The largest payload accepted: a short R-APDU (256 + SW) with room to
 *  spare; QEMU's own APDUs are bounded by its CCID message length. */
#define VSC_PAYLOAD_MAX 4096

/* vpcd's control bytes (a message of length 1, reader → card). */
#define VPCD_POWER_OFF 0x00
#define VPCD_POWER_ON 0x01
#define VPCD_RESET 0x02
#define VPCD_GET_ATR 0x04
/** vpcd payloads are a u16 long; ours carry short APDUs only. */
#define VPCD_PAYLOAD_MAX 4096

struct vsc_msg {
    uint32_t type, reader;
    kofu_cur payload;
};

/** Take one whole message off the front of *buf. 1: taken (m->payload
 *  views *buf's bytes); 0: not all of it is there yet (*buf unchanged);
 *  -1: its length exceeds VSC_PAYLOAD_MAX (the stream cannot be trusted
 *  any more; *buf unchanged). */
int vsc_take(kofu_cur *buf, struct vsc_msg *m);

/** An Init's payload: magic "VSCD", then the version (BE u32), then
 *  capability words. true when the magic is right and a version is
 *  there; *version gets it. */
bool vsc_init_parse(kofu_cur payload, uint32_t *version);

/** An Error's code (BE u32); false when the payload is not 4 bytes. */
bool vsc_error_parse(kofu_cur payload, uint32_t *code);

/** Append one message. */
void vsc_put(kofu_bld *b, uint32_t type, uint32_t reader, const uint8_t *payload, size_t len);

/** Append our Init: reader VSC_NO_READER, "VSCD", version 2, no capabilities. */
void vsc_put_init(kofu_bld *b);

/** Take one vpcd message off the front of *buf: as vsc_take, with
 *  VPCD_PAYLOAD_MAX; an empty message (length 0) is taken and returned
 *  as an empty payload. */
int vpcd_take(kofu_cur *buf, kofu_cur *payload);

/** Append one vpcd message (len ≤ VPCD_PAYLOAD_MAX). */
void vpcd_put(kofu_bld *b, const uint8_t *payload, size_t len);

#endif
