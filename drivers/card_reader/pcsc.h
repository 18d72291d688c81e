/*
 * pcsc.h — the PC/SC-lite card-reader driver (pcscd).
 *
 * Owns: pcsc_card_reader_ops. Readers come and go through pcscd; waiting uses
 * SCardGetStatusChange (no polling); connections are exclusive; disconnect
 * with unpower powers the card down so that it forgets the verified PIN.
 * PC/SC codes are mapped to kofu_err here and nowhere else.
 */
#ifndef KOFU_READER_PCSC_H
#define KOFU_READER_PCSC_H

#include "drivers/card_reader.h"

extern const struct card_reader_ops pcsc_card_reader_ops;

/** Map a PC/SC LONG result to a kofu_err (exposed for tests). */
int pcsc_card_reader_map_error(long rv);

#endif
