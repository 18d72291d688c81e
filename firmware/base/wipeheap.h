/*
 * wipeheap.h — a wiping allocator for jansson, so that JSON holding resident
 * data (a request's card files, a certificate answer) leaves nothing behind
 * in freed heap memory.
 *
 * Owns: the allocator functions. wipeheap_install_json() must run before any other
 * jansson call; from then on every json_t, every json_dumps() string and
 * every buffer from wipeheap_malloc() is zeroed (explicit_bzero) when freed
 * with wipeheap_free() (json_decref does so itself).
 */
#ifndef KOFU_WIPEHEAP_H
#define KOFU_WIPEHEAP_H

#include <stddef.h>

/** Make jansson allocate through wipeheap_malloc/wipeheap_free. */
void wipeheap_install_json(void);
/** malloc that remembers the size, for wipeheap_free. */
void *wipeheap_malloc(size_t n);
/** Zero the whole block, then free it. NULL is a no-op. */
void wipeheap_free(void *p);
/** Free a string json_dumps() made, with jansson's own free function
 *  (wipeheap_free once installed; plain free() would be wrong then).
 *  NULL is a no-op. */
void json_text_free(char *text);
/** evbuffer_add_reference-style cleanup: wipeheap_free(data). */
void wipeheap_cleanup(const void *data, size_t len, void *arg);

#endif
