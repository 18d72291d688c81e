/*
 * record.h — the sim board's audio sink: it records what would have
 * been said instead of saying it.
 *
 * Owns: record_audio_ops (audio.h) and the recording tests read back.
 * play() does everything a speaker driver does before the sound itself:
 * it refuses a language other than "ja"/"en" or a name that is not a plain
 * prompt word (KOFU_E_ARG), and requires DIR/LANG/NAME.wav to be a regular
 * file holding a valid 16-bit PCM mono WAV (drivers/wav.h; else
 * KOFU_E_AUDIO, and nothing is recorded). Then it records the prompt:
 *
 *  - in memory, as "LANG/NAME" (e.g. "ja/pin-enter"), the most recent
 *    AUDIO_RECORD_KEEP prompts, oldest first;
 *  - when the open() spec names a file, as one line "LANG NAME\n" appended
 *    to it (O_APPEND, one write(2) per line, so it is on disk at once and
 *    lines from several writers never interleave).
 *
 * Only prompt names are recorded, and prompts are fixed words, so the
 * recording never holds resident data.
 */
#ifndef KOFU_AUDIO_RECORD_H
#define KOFU_AUDIO_RECORD_H

#include "drivers/audio.h"

#include <stddef.h>

/** How many of the latest prompts the memory recording keeps. */
#define AUDIO_RECORD_KEEP 1024

extern const struct audio_ops record_audio_ops;

/** How many prompts the memory recording holds (at most AUDIO_RECORD_KEEP). */
size_t record_audio_count(void *ctx);
/** The i-th held prompt (0 = the oldest held) as "LANG/NAME", or NULL past
 *  the end. Valid until the next play() or close(). */
const char *record_audio_at(void *ctx, size_t i);
/** Forget the memory recording (the file is left as it is). */
void record_audio_reset(void *ctx);

#endif
