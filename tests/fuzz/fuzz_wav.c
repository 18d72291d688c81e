/*
 * fuzz_wav.c — wav_parse (drivers/wav.h) on arbitrary bytes. Checks: an
 * accepted file's samples lie inside the input, are whole frames of an
 * accepted format; a refused one leaves *info zeroed; parsing the same
 * bytes twice gives the same answer; the same bytes with a tail appended
 * beyond the RIFF length parse the same way.
 */
#include "fuzz_common.h"
#include "drivers/wav.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wav_info info, again;
    bool ok = wav_parse(data, size, &info);
    CHECK(wav_parse(data, size, &again) == ok);
    CHECK(memcmp(&info, &again, sizeof info) == 0);
    if (!ok) {
        CHECK(all_zero(&info, sizeof info));
        return 0;
    }
    CHECK(info.channels == 1 || info.channels == 2);
    CHECK(info.bits_per_sample == 16);
    CHECK(info.sample_rate >= WAV_RATE_MIN && info.sample_rate <= WAV_RATE_MAX);
    CHECK(info.samples_len > 0 && info.samples_len == info.frames * 2 * info.channels);
    kofu_cur view;
    cur_init(&view, info.samples, info.samples_len);
    CHECK(view_inside(data, size, view));

    /* Bytes after the RIFF length change nothing. */
    uint8_t *longer = malloc(size + 3);
    CHECK(longer);
    memcpy(longer, data, size);
    memcpy(longer + size, "xyz", 3);
    struct wav_info tail;
    CHECK(wav_parse(longer, size + 3, &tail));
    CHECK(tail.frames == info.frames && tail.sample_rate == info.sample_rate &&
          tail.channels == info.channels && tail.samples == longer + (info.samples - data));
    free(longer);
    return 0;
}
