/*
 * jcs.h — the JSON Canonicalization Scheme (RFC 8785) for the values kofu
 * signs or verifies (the ICAO VDS-NC `data` object).
 *
 * Objects' members sorted by the UTF-16 code units of their names; no
 * whitespace; strings with only the escapes RFC 8785 asks for (\" \\ \b \f
 * \n \r \t, other controls as \u00xx); integers within ±2^53 in plain
 * decimal (what ES6 prints for them); true, false, null. Real numbers are
 * refused: the documents kofu handles have none, and refusing them avoids
 * ES6 number formatting entirely. So are integers beyond ±2^53, which a
 * double (RFC 8785's number) cannot hold: a conformant signer would have
 * signed them rounded.
 */
#ifndef KOFU_JCS_H
#define KOFU_JCS_H

#include "base/bytes.h"

#include <jansson.h>
#include <stdbool.h>

/** Append the canonical form of v to out. False if v holds a real, an
 *  integer beyond ±2^53, nesting deeper than 32, or out overflowed. */
bool jcs_serialize(const json_t *v, kofu_bld *out);

#endif
