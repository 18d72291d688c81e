/*
 * bytes.h — the one way kofu reads untrusted bytes and writes encoded ones.
 *
 * Owns: kofu_cur, a read-only cursor over a byte span (in the spirit of
 * BoringSSL's CBS and OpenSSH's sshbuf), and kofu_bld, a builder that writes
 * into a caller-owned fixed buffer (CBB-like, but never allocates, so the
 * buffer can live in the vault).
 *
 * Rules: every cur_get_* either consumes exactly what it reports and returns
 * true, or returns false and leaves the cursor unchanged. No caller does
 * pointer arithmetic on a length that came from outside; it asks the cursor.
 * A builder that overflows latches an error; bld_ok() tells.
 */
#ifndef KOFU_BYTES_H
#define KOFU_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const uint8_t *p;
    size_t len;
} kofu_cur;

/** Start a cursor over len bytes at p (p may be NULL when len is 0). */
void cur_init(kofu_cur *c, const uint8_t *p, size_t len);
/** Bytes left. */
size_t cur_len(const kofu_cur *c);
/** Pointer to the next unread byte (valid for cur_len bytes). */
const uint8_t *cur_data(const kofu_cur *c);
/** Skip n bytes. */
bool cur_skip(kofu_cur *c, size_t n);
bool cur_get_u8(kofu_cur *c, uint8_t *out);
/** Big-endian 16-bit integer. */
bool cur_get_u16(kofu_cur *c, uint16_t *out);
/** Split off the next n bytes as their own cursor. */
bool cur_get_bytes(kofu_cur *c, kofu_cur *out, size_t n);
/** Copy the next n bytes out. */
bool cur_copy(kofu_cur *c, uint8_t *out, size_t n);
/** True when the rest of the cursor equals the n bytes at p. */
bool cur_equals(const kofu_cur *c, const uint8_t *p, size_t n);

/*
 * BER-TLV as smart cards use it (ISO 7816-4 / ISO 8825-1): tags of one or two
 * bytes (two when the low five bits of the first are all set; the second
 * must not have its high bit set; FF10 is valid although DER would want
 * the 1-byte form), lengths in short form or 81/82/83 long
 * form. A 2-byte tag is returned as (first << 8) | second, e.g. 0xFF20.
 * Indefinite lengths (80) and longer forms are refused.
 */

/** Parse a TLV header only: tag, value length and header length. Consumes
 *  the header; the value must be entirely present. */
bool cur_get_ber_header(kofu_cur *c, uint32_t *tag, size_t *value_len, size_t *header_len);
/** Parse a TLV header without requiring the value to be present, and
 *  without consuming anything: for learning a file's size from its first
 *  bytes. */
bool cur_peek_ber_header(const kofu_cur *c, uint32_t *tag, size_t *value_len, size_t *header_len);
/** Read one whole TLV; value gets its value bytes. */
bool cur_get_ber(kofu_cur *c, uint32_t *tag, kofu_cur *value);
/** Read one whole TLV that must carry the given tag. */
bool cur_get_ber_tag(kofu_cur *c, uint32_t want_tag, kofu_cur *value);
/** Like cur_get_ber_tag, but also return the whole TLV (header and value)
 *  as `whole` — for signatures computed over encoded objects. */
bool cur_get_ber_tag_whole(kofu_cur *c, uint32_t want_tag, kofu_cur *value, kofu_cur *whole);

typedef struct {
    uint8_t *p;
    size_t len;
    size_t cap;
    bool overflow;
} kofu_bld;

/** Start a builder writing into buf[0..cap). */
void bld_init(kofu_bld *b, uint8_t *buf, size_t cap);
/** False once any write did not fit. */
bool bld_ok(const kofu_bld *b);
void bld_add_u8(kofu_bld *b, uint8_t v);
void bld_add_u16(kofu_bld *b, uint16_t v);
void bld_add_bytes(kofu_bld *b, const void *p, size_t n);
/** Append a BER tag (1 or 2 bytes as above). */
void bld_add_ber_tag(kofu_bld *b, uint32_t tag);
/** Append a BER length; force_82 writes 82 HH LL even where a shorter form
 *  would do (as the My Number card does). */
void bld_add_ber_len(kofu_bld *b, size_t len, bool force_82);
/** Append a whole TLV. */
void bld_add_ber(kofu_bld *b, uint32_t tag, const void *value, size_t len, bool force_82);

/** Constant-time comparison of n bytes. */
bool kofu_ct_equal(const void *a, const void *b, size_t n);

#endif
