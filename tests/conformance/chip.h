/*
 * chip.h — the kit's synthetic passport chip for a fixture card: what a
 * kiosk would have read from the holder's passport and verified (passive
 * authentication passed), for the overseas request's `passport`
 * (docs/center-protocol.md §3, "The passport chip").
 *
 * The holder is the card's resident in the records: the name from its
 * `name_roman` (surname = the first word), the birth date from the card
 * (or another, for the refusal), the sex from the card, and a document
 * number of the kit's own (KIT_CHIP_NUMBER), never the one registered, so a
 * center that seals the registered passport instead is caught. EF.DG1 is a
 * TD3 DG1 with every check digit (tests/lib/td3.h); EF.SOD is placeholder
 * bytes, since a center need not verify it. A center that does verify it
 * answers the kit's chip `403 card-not-authentic`, as it should: the chip
 * scenarios then skip, saying so.
 */
#ifndef KOFU_KIT_CHIP_H
#define KOFU_KIT_CHIP_H

#include "card/kenhojo.h"
#include "card/mrtd.h"
#include "tests/conformance/fixture.h"

#define KIT_CHIP_NUMBER "KC2026001"

/** The chip for this card's resident, in the vault. birth: YYYYMMDD, NULL
 *  for the card's. NULL when the records have no resident for the card, or
 *  its name_roman does not fit a TD3 name field. */
struct mrtd_data *kit_chip(const struct kit_fixture *fx, const struct kenhojo_card_data *card, const char *birth);

#endif
