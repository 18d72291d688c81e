/*
 * needles.h — what a visit could leave of a resident, as byte strings to
 * look for in memory, files and disk dumps: the privacy tests' needles and
 * their scan (tests/integration/test_privacy.c reads kofu's memory and the
 * host's changed files; test_image.c reads the kiosk image's tmpfs).
 *
 * Owns one process-wide table of needles and one of hits (the tests are
 * single-threaded); every string added is copied. A needle shorter than 6
 * bytes is not kept: it would match by chance. Test code only.
 */
#ifndef KOFU_TESTS_LIB_NEEDLES_H
#define KOFU_TESTS_LIB_NEEDLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define KT_NEEDLE_MAX 4096

/** Forget every needle and every hit. */
void kt_needles_clear(void);
size_t kt_needles_count(void);

/** Add a needle labelled `what` (copied; duplicates are kept once). */
void kt_needle_bytes(const char *what, const void *b, size_t len);
void kt_needle_str(const char *what, const char *s);
/** utf8 as it is and in UTF-16LE/BE, Shift-JIS and CP932 (each when it can
 *  be written there). */
void kt_needle_text(const char *what, const char *utf8);
/** b as base64 (standard alphabet, padded), and a 32-character piece of its
 *  middle: a buffer may hold only part of a body. */
void kt_needle_b64(const char *what, const uint8_t *b, size_t len);

/** A synthetic resident's card holder file (a JSON file of tests/cardsim/residents):
 *  the My Number (ASCII and UTF-16LE), the name and the address (every
 *  encoding of kt_needle_text), the birth date as the card, ISO 8601, a
 *  slash date and the Japanese date write it, and the PIN as VERIFY sends it
 *  to the card. 0, or -1 when the file cannot be read. */
int kt_needles_resident(const char *resident_json);

/** The codes printed on every *.pdf in received_dir, decoded back (pdftoppm
 *  and zbarimg, scratch files in work_dir): each SMART Health Card's shc:/
 *  text, its JWS, payload and signature, and each VDS-NC seal and its
 *  signature. Counts go to *shc and *seal. 0, or -1 when the tools fail. */
int kt_needles_printed_codes(const char *received_dir, const char *work_dir, int *shc, int *seal);

/** Look for every needle in b; each (needle, where) found is a hit. An
 *  all-zero buffer is skipped quickly. */
void kt_needles_scan(const uint8_t *b, size_t n, const char *where);
/** Every mapping of pid through /proc/PID/mem; returns the bytes read. */
size_t kt_needles_scan_process(pid_t pid, const char *name);
/** Regular files under dir (recursively) changed at or after `since`
 *  (0: all), except paths starting with one of skip (NULL-terminated, may
 *  be NULL) and .git. Returns how many files were read. */
unsigned kt_needles_scan_files(const char *dir, time_t since, const char *const *skip);

/** The hits so far; the label of hit i and where it was. */
size_t kt_needles_hits(void);
const char *kt_needles_hit_what(size_t i);
const char *kt_needles_hit_where(size_t i);
void kt_needles_clear_hits(void);
/** Whether a hit has the label `what`. */
bool kt_needles_hit_has(const char *what);
/** Print the hits to stderr under a heading. */
void kt_needles_print_hits(const char *when);

#endif
