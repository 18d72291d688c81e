/* b64.c — see b64.h. */
#include "base/b64.h"

static const char STD[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t b64_encoded_len(size_t n, bool url)
{
    return url ? (n / 3) * 4 + (n % 3 ? n % 3 + 1 : 0) : (n + 2) / 3 * 4;
}

bool b64_encode(const uint8_t *in, size_t n, char *out, size_t cap, bool url)
{
    const char *a = url ? URL : STD;
    size_t need = b64_encoded_len(n, url);
    if (n > (SIZE_MAX / 4) * 3 - 3 || need >= cap)
        return false;
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = a[v >> 18];
        out[o++] = a[(v >> 12) & 63];
        out[o++] = a[(v >> 6) & 63];
        out[o++] = a[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = a[v >> 18];
        out[o++] = a[(v >> 12) & 63];
        if (!url) {
            out[o++] = '=';
            out[o++] = '=';
        }
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = a[v >> 18];
        out[o++] = a[(v >> 12) & 63];
        out[o++] = a[(v >> 6) & 63];
        if (!url)
            out[o++] = '=';
    }
    out[o] = '\0';
    return true;
}

static int value_of(char c, bool url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

bool b64_is_char(char c, bool url) { return value_of(c, url) >= 0; }

bool b64_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *out_len, bool url)
{
    size_t pad = 0;
    if (!url) {
        if (n % 4)
            return false;
        while (pad < 2 && n > pad && in[n - 1 - pad] == '=')
            pad++;
    } else if (n % 4 == 1) {
        return false;
    }
    size_t chars = n - pad;
    size_t len = chars / 4 * 3 + (chars % 4 ? chars % 4 - 1 : 0);
    if (len > cap)
        return false;
    uint32_t acc = 0;
    size_t bits = 0, o = 0;
    for (size_t i = 0; i < chars; i++) {
        int v = value_of(in[i], url);
        if (v < 0)
            return false;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0) /* non-zero unused bits: a second spelling of the same bytes */
        return false;
    *out_len = o;
    return true;
}
