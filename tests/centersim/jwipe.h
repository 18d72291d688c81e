/*
 * jwipe.h — a wiping allocator for jansson, so that JSON holding resident
 * data (a request's card files, a certificate answer) leaves nothing behind
 * in freed heap memory.
 *
 * Owns: the allocator functions. jwipe_install() must run before any other
 * jansson call; from then on every json_t, every json_dumps() string and
 * every buffer from jwipe_malloc() is zeroed (explicit_bzero) when freed
 * with jwipe_free() (json_decref does so itself).
 */
#ifndef CENTERSIM_JWIPE_H
#define CENTERSIM_JWIPE_H

#include <stddef.h>

/** Make jansson allocate through jwipe_malloc/jwipe_free. */
void jwipe_install(void);
/** malloc that remembers the size, for jwipe_free. */
void *jwipe_malloc(size_t n);
/** Zero the whole block, then free it. NULL is a no-op. */
void jwipe_free(void *p);
/** evbuffer_add_reference-style cleanup: jwipe_free(data). */
void jwipe_cleanup(const void *data, size_t len, void *arg);

#endif
