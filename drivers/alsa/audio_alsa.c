/* PLACEHOLDER (being written): replaced by the real driver. */
#include "audio_alsa.h"

const struct audio_ops alsa_audio_ops = {0};
