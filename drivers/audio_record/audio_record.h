/* audio_record.h — PLACEHOLDER (being written). */
#ifndef KOFU_AUDIO_RECORD_H
#define KOFU_AUDIO_RECORD_H

#include "audio.h"

extern const struct audio_ops audio_record_ops;

#endif
