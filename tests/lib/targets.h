/*
 * targets.h — the names scripts and tests give the screens' touch targets
 * (ui/screens.h's struct screens_target): `tap service`, `tap digit-4`.
 *
 * Owns the names: "service", "back", "cancel", "language",
 * "municipality-NNNNNN" (the code), "domestic", "overseas", "plus",
 * "minus", "ok", "yes", "no", "agree", "disagree", "digit-N", "delete",
 * "enter", "prev-page", "next-page", "terms-up", "terms-down", the
 * passport's keypad "mrz-C" (C in 0-9, A-Z), "mrz-next", "mrz-erase". Test code:
 * linked into the tests and the test build (build/kofu-sim), never into
 * build/kofu (tests/check-product.sh looks for the names).
 */
#ifndef KOFU_TESTS_LIB_TARGETS_H
#define KOFU_TESTS_LIB_TARGETS_H

#include "ui/screens.h"

#include <stddef.h>

/** The name of target t; municipalities may be NULL (then
 *  "municipality-N" with the index). Returns the length written, or -1
 *  when it does not fit. */
int kt_target_name(const struct screens_target *t, const struct center_municipality *municipalities,
                   size_t n_municipalities, char *buf, size_t cap);

/** The target named `name` in a layout, or NULL. */
const struct screens_target *kt_target_find(const struct screens_layout *l, const char *name,
                                           const struct center_municipality *municipalities,
                                           size_t n_municipalities);

#endif
