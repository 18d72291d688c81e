/*
 * voice.h — the kiosk's voice prompts: their names and their words.
 *
 * Owns: the name of the prompt file for each thing the session says
 * (enum session_prompt, with the error or the tries left it carries), and
 * the words spoken in Japanese and English for each name. The prompt files
 * (DIR/LANG/NAME.wav, audio.h) are made from these words at build time
 * with espeak-ng (`kofu prompts list` prints them; README).
 *
 * Japanese words are written in kana so that the speech synthesiser reads
 * them right. Prompts are fixed words: never resident data.
 */
#ifndef KOFU_VOICE_H
#define KOFU_VOICE_H

#include "base/errors.h"
#include "session/session_types.h" /* enum session_prompt */

#include <stddef.h>

/** The file name (without .wav) for prompt p: e.g. "welcome", "pin-enter",
 *  "pin-tries-left-2", "error-pin-wrong". err is used by
 *  SESSION_PROMPT_ERROR (and the refund prompts), tries_left by
 *  SESSION_PROMPT_PIN_TRIES_LEFT. Returns the length, or -1 when there is
 *  no such prompt or it does not fit. */
int voice_prompt_name(enum session_prompt p, int err, int tries_left, char *buf, size_t cap);

/** The words of the prompt called name in lang, or NULL for an unknown name. */
const char *voice_prompt_text(const char *name, enum kofu_lang lang);

/** Every prompt name, for the build-time generation: the i-th name, or NULL
 *  past the end. */
const char *voice_prompt_at(size_t i);

#endif
