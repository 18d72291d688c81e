/* audio_alsa.h — PLACEHOLDER (being written). */
#ifndef KOFU_AUDIO_ALSA_H
#define KOFU_AUDIO_ALSA_H

#include "audio.h"

extern const struct audio_ops alsa_audio_ops;

#endif
