/*
 * municipality.h — which participating municipality a card's address is in.
 *
 * Owns: the rule the kiosk uses to preselect the municipality on its
 * screen: the address on the card starts with the municipality's
 * prefecture (from the first two digits of its 全国地方公共団体コード, JIS
 * X 0401) followed by its name as the center lists it ("東京都" + "千代田区").
 * Only an unambiguous match counts; the resident can always choose another.
 * The address stays where it is (the vault): only an index comes out.
 */
#ifndef KOFU_MUNICIPALITY_H
#define KOFU_MUNICIPALITY_H

#include "center/center_types.h"

#include <stddef.h>

/** The prefecture's name for a JIS X 0401 code 1..47 ("東京都" for 13), or NULL. */
const char *municipality_prefecture(int code);

/** The index in list of the one municipality the address is in, or -1 when
 *  none or more than one matches (or the address is NULL). */
int municipality_preselect(const struct center_municipality *list, size_t n, const char *address);

#endif
