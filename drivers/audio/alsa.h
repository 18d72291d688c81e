/*
 * alsa.h — the kiosk's speaker through ALSA (libasound).
 *
 * Owns: alsa_audio_ops (audio.h) and one playback thread per open device.
 * spec is an ALSA PCM name ("" or NULL: "default"; e.g. "plughw:0,0",
 * or "null" in tests). The PCM is opened once in open() (so a missing
 * sound card is found at start-up) and reconfigured for each prompt's rate
 * and channel count.
 *
 * play() reads and checks the prompt file (drivers/wav.h) in the caller's
 * thread — so a missing or malformed file is KOFU_E_AUDIO at once — and
 * hands the samples to the playback thread, which writes them in periods
 * of about 20 ms and looks between periods for a newer prompt or stop(),
 * so a cut takes effect within one period plus the device's latency
 * (ALSA_LATENCY_US). close() stops and joins the thread. Prompts hold fixed
 * words only (audio.h): nothing here ever holds resident data.
 */
#ifndef KOFU_AUDIO_ALSA_H
#define KOFU_AUDIO_ALSA_H

#include "drivers/audio.h"

#include <stdbool.h>

/** The device's buffer latency asked of ALSA, in microseconds. */
#define ALSA_LATENCY_US 100000u
/** The largest prompt file read, in bytes (about 95 s of 44.1 kHz stereo). */
#define ALSA_PROMPT_FILE_MAX (16u * 1024u * 1024u)

extern const struct audio_ops alsa_audio_ops;

/** For tests: how many prompts the playback thread has started and how
 *  many it played to the end (not cut), since open(). */
void alsa_audio_counts(void *ctx, unsigned *started, unsigned *finished);

/** For tests: wait up to timeout_ms until nothing is playing or queued.
 *  true when idle. */
bool alsa_audio_wait_idle(void *ctx, int timeout_ms);

#endif
