/* wav.c — see wav.h. */
#include "drivers/wav.h"

#include "base/bytes.h"

#include <string.h>

#define WAVE_FORMAT_PCM 0x0001u
#define WAVE_FORMAT_EXTENSIBLE 0xFFFEu

/* RIFF is little-endian; the cursor's own integers are big-endian (cards). */
static bool get_le16(kofu_cur *c, uint32_t *out)
{
    uint8_t b[2];
    if (!cur_copy(c, b, sizeof b))
        return false;
    *out = (uint32_t)b[0] | (uint32_t)b[1] << 8;
    return true;
}

static bool get_le32(kofu_cur *c, uint32_t *out)
{
    uint8_t b[4];
    if (!cur_copy(c, b, sizeof b))
        return false;
    *out = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return true;
}

static bool get_fourcc(kofu_cur *c, const char *want)
{
    kofu_cur id;
    return cur_get_bytes(c, &id, 4) && cur_equals(&id, (const uint8_t *)want, 4);
}

/* The PCM sub-format GUID of WAVE_FORMAT_EXTENSIBLE after its first two
 * bytes (which hold the format tag, 0x0001): KSDATAFORMAT_SUBTYPE_PCM. */
static const uint8_t PCM_GUID_TAIL[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                          0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

static bool parse_fmt(kofu_cur fmt, struct wav_info *info)
{
    uint32_t tag, channels, rate, byte_rate, block_align, bits;
    if (!get_le16(&fmt, &tag) || !get_le16(&fmt, &channels) || !get_le32(&fmt, &rate) ||
        !get_le32(&fmt, &byte_rate) || !get_le16(&fmt, &block_align) || !get_le16(&fmt, &bits))
        return false;
    if (tag == WAVE_FORMAT_EXTENSIBLE) {
        uint32_t ext_size, valid_bits, channel_mask, sub_tag;
        if (!get_le16(&fmt, &ext_size) || ext_size < 22 || !get_le16(&fmt, &valid_bits) ||
            !get_le32(&fmt, &channel_mask) || !get_le16(&fmt, &sub_tag))
            return false;
        (void)channel_mask;
        if (sub_tag != WAVE_FORMAT_PCM || valid_bits != 16)
            return false;
        kofu_cur guid;
        if (!cur_get_bytes(&fmt, &guid, sizeof PCM_GUID_TAIL) ||
            !cur_equals(&guid, PCM_GUID_TAIL, sizeof PCM_GUID_TAIL))
            return false;
    } else if (tag != WAVE_FORMAT_PCM) {
        return false;
    }
    if (bits != 16 || (channels != 1 && channels != 2))
        return false;
    if (rate < WAV_RATE_MIN || rate > WAV_RATE_MAX)
        return false;
    if (block_align != channels * 2 || byte_rate != rate * block_align)
        return false;
    info->channels = channels;
    info->sample_rate = rate;
    info->bits_per_sample = bits;
    return true;
}

bool wav_parse(const uint8_t *data, size_t len, struct wav_info *info)
{
    memset(info, 0, sizeof *info);
    kofu_cur file, body;
    cur_init(&file, data, len);
    uint32_t riff_len;
    if (!get_fourcc(&file, "RIFF") || !get_le32(&file, &riff_len))
        return false;
    /* The RIFF length must fit the file; bytes after it (some tools pad)
     * are ignored. */
    if (!cur_get_bytes(&file, &body, riff_len) || !get_fourcc(&body, "WAVE"))
        return false;

    struct wav_info found = {0};
    bool have_fmt = false;
    while (cur_len(&body) > 0) {
        kofu_cur id, chunk;
        uint32_t chunk_len;
        if (!cur_get_bytes(&body, &id, 4) || !get_le32(&body, &chunk_len) ||
            !cur_get_bytes(&body, &chunk, chunk_len))
            return false;
        /* Chunks are padded to an even length; the pad may be missing at
         * the very end (a common writer bug that harms nothing). */
        if ((chunk_len & 1u) && cur_len(&body) > 0)
            (void)cur_skip(&body, 1);
        if (cur_equals(&id, (const uint8_t *)"fmt ", 4)) {
            if (have_fmt || !parse_fmt(chunk, &found))
                return false;
            have_fmt = true;
        } else if (cur_equals(&id, (const uint8_t *)"data", 4)) {
            size_t frame = (size_t)found.channels * 2;
            if (!have_fmt || chunk_len == 0 || chunk_len % frame != 0)
                return false;
            found.samples = cur_data(&chunk);
            found.samples_len = cur_len(&chunk);
            found.frames = found.samples_len / frame;
            *info = found;
            return true;
        }
    }
    return false; /* no data chunk */
}
