/*
 * kit.h — the certificate center's conformance kit (docs/conformance.md):
 * plays a kiosk against any center that speaks docs/center-protocol.md.
 */
#ifndef KOFU_KIT_H
#define KOFU_KIT_H

/** `kofu-conformance [conformance] --config FILE [--report FILE]
 *  [--junit FILE] [--only NAME...] [--list]`: argv[0] is the program or
 *  "conformance". Exit 0 when no scenario failed, 1 when one did (or the
 *  kit could not run), 2 on a usage error. */
int kit_main(int argc, char **argv);

#endif
