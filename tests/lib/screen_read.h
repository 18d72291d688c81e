/*
 * screen_read.h — the robot's eye: reads which kiosk screen a camera-like
 * frame shows, where the PIN pad's digits are, and where a named touch
 * target is, from the pixels alone.
 *
 * Owns nothing of the kiosk's: it knows kofu's look the way a robot trained
 * on pictures of it would, by rendering kofu's own screens (ui/screens.h)
 * with the review tool's sample models (tests/tools/screens_samples.h) at
 * the panel's size, in both languages, and comparing a frame with those
 * renders. The PIN pad's digits are read by template matching against the
 * digits as kofu's font draws them; which digit kofu put on which key is
 * never asked of kofu, only the key rectangles of the design.
 *
 * Frames are RGB, 3 bytes a pixel (what QEMU's screendump gives), of any
 * size: a frame of another size than the eye's is read as the same design
 * scaled, and positions come back in the frame's pixels.
 *
 * Test code: linked into the tests only. Synthetic data only.
 */
#ifndef KOFU_TESTS_LIB_SCREEN_READ_H
#define KOFU_TESTS_LIB_SCREEN_READ_H

#include "base/errors.h"                /* enum kofu_lang */
#include "center/center_types.h"        /* struct center_municipality */
#include "session/session_types.h"      /* enum session_screen */

#include <stddef.h>
#include <stdint.h>

/** A frame as a camera sees the panel: rows of width R,G,B triplets,
 *  stride bytes apart. Borrowed for each call. */
struct sr_frame {
    int width, height;
    size_t stride;
    const uint8_t *rgb;
};

/** The eye: reference renders of every sample screen and the digit
 *  templates, for one panel size. Owned by its opener; sr_close frees it. */
struct sr_eye;

/** An eye for a width × height panel (at least SCREENS_WIDTH_MIN ×
 *  SCREENS_HEIGHT_MIN). Calls screens_init (it stays loaded: the caller
 *  may use the screens too). Renders its references in both languages:
 *  about a second. NULL on failure (fonts missing, a screen that does not
 *  draw, memory). */
struct sr_eye *sr_open(int width, int height);
void sr_close(struct sr_eye *e);

/** Which screen f shows: its enum session_screen, and *lang (may be NULL)
 *  its language; -1 when no reference is within SR_IDENTIFY_MAX of it.
 *  *distance (may be NULL) gets the best match's distance, 0..1: the mean
 *  absolute difference of the grey thumbnails, per unit of full scale.
 *  Measured (test_screen_read): a screen drawn with other data than the
 *  references (names, amounts, lists, terms) within 0.025, a blank white
 *  frame 0.105. About 2 ms at 1280×800. */
#define SR_IDENTIFY_MAX 0.06
int sr_identify(struct sr_eye *e, const struct sr_frame *f, enum kofu_lang *lang, double *distance);

/** The PIN pad on f: x[d], y[d] the centre (frame pixels) of the key that
 *  shows digit d, for d = 0..9. 0, or -1 unless every key reads as one
 *  digit with a clear margin over the next best and every digit is found
 *  exactly once (a frame without the pad fails). */
int sr_pin_pad(struct sr_eye *e, const struct sr_frame *f, int x[10], int y[10]);

/** The centre (frame pixels) of the touch target called name
 *  (tests/lib/targets.h's names) on the screen f shows: 0, or -1 when the
 *  frame shows no known screen or that screen has no such target. The
 *  position is the design's (kofu's layout of that screen, in that
 *  language, at this size); "digit-N" is read from the pad (sr_pin_pad).
 *  Municipality targets name the code of the eye's municipality list
 *  (sr_set_municipalities), by default the samples'. */
int sr_target(struct sr_eye *e, const struct sr_frame *f, const char *name, int *x, int *y);

/** The municipality list the kiosk under test shows (what its center
 *  sends; copied), so that "municipality-CODE" finds its button; n = 0
 *  goes back to the samples' lists. 0, or -1 (memory, bad argument). */
int sr_set_municipalities(struct sr_eye *e, const struct center_municipality *list, size_t n);

#endif
