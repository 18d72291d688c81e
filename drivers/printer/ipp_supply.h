/*
 * ipp_supply.h — one value of the IPP attribute printer-supply (PWG 5100.13:
 * "key=value;" pairs in an octetString, as IPP Everywhere printers and
 * ippeveprinter describe their supplies when they give no CUPS marker-*
 * attributes).
 *
 * Owns: ipp_supply_parse. Separate from the driver so that the fuzzer
 * drives exactly the code that reads what the printer sent.
 */
#ifndef KOFU_PRINTER_IPP_SUPPLY_H
#define KOFU_PRINTER_IPP_SUPPLY_H

#include "drivers/printer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The longest printer-supply value read (PWG: octetString(MAX), 1023). */
#define IPP_SUPPLY_VALUE_MAX 1023

/**
 * Parse one printer-supply value into s's type, color and level (the
 * name comes from printer-supply-description, not from here; low and high
 * are -1: the attribute has no marks). Keys read: type, colorantname,
 * level, maxcapacity, unit; others are skipped. The level is a percentage
 * of maxcapacity (0..100), or a PRINTER_LEVEL_* for the negative values
 * PWG gives them; anything else PRINTER_LEVEL_UNKNOWN. Text values keep
 * printable ASCII other than ';' (others become '?'), cut to fit.
 * false, with *s zeroed, for a value that is not key=value; pairs or is
 * longer than IPP_SUPPLY_VALUE_MAX.
 */
bool ipp_supply_parse(const uint8_t *value, size_t len, struct printer_supply *s);

#endif
