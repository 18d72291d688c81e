/*
 * wav.h — the one parser of WAV files (RIFF/WAVE) for voice prompts.
 *
 * Owns: wav_parse, which checks a whole file held in memory and says where
 * its samples are. Shared by drivers/audio/alsa.c (which plays them) and any sink
 * that wants to check a prompt file (the sim's recording sink).
 *
 * Accepted: RIFF/WAVE with one "fmt " chunk of WAVE_FORMAT_PCM (or
 * WAVE_FORMAT_EXTENSIBLE whose sub-format is PCM), 16-bit samples, mono or
 * stereo, 8000–192000 Hz, before one non-empty "data" chunk of whole
 * frames; other chunks (LIST, fact, ...) are skipped. Everything else is
 * refused: other sample formats, a chunk or RIFF length that runs past the
 * end of the file (a truncated file, or a streaming writer's 0xFFFFFFFF),
 * a second "fmt ", a "data" before "fmt ". Parsing goes through the
 * bounds-checked cursor (firmware/base/bytes.h): no length from the file is
 * ever used for pointer arithmetic.
 */
#ifndef KOFU_WAV_H
#define KOFU_WAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WAV_RATE_MIN 8000u
#define WAV_RATE_MAX 192000u

struct wav_info {
    unsigned channels;        /* 1 or 2 */
    unsigned sample_rate;     /* Hz */
    unsigned bits_per_sample; /* always 16 */
    const uint8_t *samples;   /* interleaved signed 16-bit little-endian, inside the parsed buffer */
    size_t samples_len;       /* bytes; a whole number of frames, > 0 */
    size_t frames;            /* samples_len / (2 * channels) */
};

/** Parse the whole WAV file at data[0..len). true and *info filled when it
 *  is one this header accepts; false (and *info zeroed) otherwise. */
bool wav_parse(const uint8_t *data, size_t len, struct wav_info *info);

#endif
