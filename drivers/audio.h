/*
 * audio.h — the audio device class: voice prompts.
 *
 * Owns: struct audio_ops, which a driver implements: drivers/audio/alsa.c
 * (the kiosk's speaker through ALSA) and drivers/audio/record.c (the sim
 * board's recording sink, which remembers what was played so that tests can
 * assert it), and the one rule of where a prompt's sound lives:
 * DIR/LANG/NAME.wav, with LANG "ja" or "en" and NAME a prompt name from
 * ui/voice.h (audio_prompt_path).
 *
 * Prompt files are 16-bit PCM mono WAV, made at build time (espeak-ng;
 * README). They hold fixed words only: a prompt never carries resident
 * data, so a recording of what was played holds none either.
 *
 * play() never blocks the main loop: it starts the prompt and returns; a
 * new prompt cuts the one playing (the newest screen is what matters).
 *
 * Errors are kofu_err codes (KOFU_E_AUDIO when the device or a file fails).
 */
#ifndef KOFU_AUDIO_H
#define KOFU_AUDIO_H

#include <stdbool.h>
#include <stddef.h>

#define AUDIO_PROMPT_NAME_MAX 64

struct audio_ops {
    /** Open the device. spec is driver-specific (alsa: a PCM name such as
     *  "default" or "plughw:0,0"; record: a file to append one line
     *  per prompt to, "LANG NAME\n", or NULL/"" to keep it in memory only).
     *  prompt_dir is where the prompt files are (DIR above). */
    int (*open)(void **ctx, const char *spec, const char *prompt_dir);
    /** Start playing prompt `name` in `lang` ("ja"/"en"); cuts a prompt
     *  still playing. KOFU_E_AUDIO when its file is missing or unreadable. */
    int (*play)(void *ctx, const char *lang, const char *name);
    /** Stop whatever is playing. */
    void (*stop)(void *ctx);
    /** Wait up to timeout_ms until nothing is playing or queued: true when
     *  the device went idle (the prompt played to its end), false on the
     *  time-out. A driver that plays synchronously returns true at once. */
    bool (*wait_idle)(void *ctx, int timeout_ms);
    /** Release everything. */
    void (*close)(void *ctx);
};

struct audio {
    const struct audio_ops *ops;
    void *ctx;
};

/** DIR/LANG/NAME.wav into buf. false when it does not fit, or when lang or
 *  name is not a plain word (a-z, 0-9, '-'), which keeps any resident text
 *  from ever becoming a file name. */
static inline bool audio_prompt_path(char *buf, size_t cap, const char *dir, const char *lang,
                                     const char *name)
{
    for (const char *w = lang; w && *w; w++)
        if (!((*w >= 'a' && *w <= 'z')))
            return false;
    size_t n = 0;
    for (; name && name[n]; n++) {
        char c = name[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') || n >= AUDIO_PROMPT_NAME_MAX)
            return false;
    }
    if (n == 0 || !dir || !lang || !*lang)
        return false;
    size_t len = 0;
    for (const char *parts[] = {dir, "/", lang, "/", name, ".wav"}, **p = parts; p < parts + 6; p++)
        for (const char *c = *p; *c; c++) {
            if (len + 1 >= cap)
                return false;
            buf[len++] = *c;
        }
    buf[len] = '\0';
    return true;
}

#endif
