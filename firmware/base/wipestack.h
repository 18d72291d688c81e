/*
 * wipestack.h — thread stacks that leave nothing of a visit behind.
 *
 * Owns: the worker thread's stack (struct wipestack: one mapping kept for
 * the process's life and reused by each device call) and the wiping of the
 * main thread's unused stack.
 *
 * Why: a device call's frames hold copies of what passed through them — a
 * VERIFY command with the PIN in libpcsclite's message buffer, a card file
 * on its way to the vault, the center's answer in libcurl's and OpenSSL's
 * locals — and a returned frame is not erased. glibc caches the stacks of
 * joined threads and hands them out again unwiped, and the main thread's
 * stack below the main loop keeps the deepest render's frames (pango's copy
 * of the name) until something overwrites them. So the worker runs on a
 * stack kofu owns and wipes after each join, and the main thread wipes what
 * lies below its current frame when a visit ends.
 *
 * Only pages that are resident are written (mincore), so wiping costs no
 * memory: a page never touched holds nothing.
 */
#ifndef KOFU_WIPESTACK_H
#define KOFU_WIPESTACK_H

#include <pthread.h>
#include <stddef.h>

#define WIPESTACK_WORKER_BYTES (2u << 20) /* 2 MiB; glibc's default is 8 */

struct wipestack {
    void *map;       /* the mapping: one guard page, then the stack */
    size_t map_size;
};

/** Map a stack of `size` bytes (rounded up to pages) below a guard page.
 *  KOFU_OK or KOFU_E_NOMEM. */
int wipestack_init(struct wipestack *w, size_t size);
/** Set attr's stack to w's (for pthread_create). KOFU_OK or KOFU_E_INTERNAL. */
int wipestack_attr(struct wipestack *w, pthread_attr_t *attr);
/** Zero every resident page of w's stack. Only after the thread that used
 *  it has been joined. */
void wipestack_wipe(struct wipestack *w);
/** Wipe and unmap. */
void wipestack_destroy(struct wipestack *w);

/** Open what wipestack_wipe_below reads (/proc/self/maps) now, before the
 *  process confines itself. KOFU_OK or KOFU_E_INTERNAL. */
int wipestack_main_init(void);
/** Zero the calling thread's stack below the caller's frame (all of the
 *  mapping that is resident there, but the 2 KiB just under this call that
 *  its own frames use), with signals blocked meanwhile. For the main
 *  thread, whose stack is the [stack] mapping: call it from as high a frame
 *  as possible (the main loop). KOFU_OK, or KOFU_E_INTERNAL if the mapping
 *  could not be found. */
int wipestack_wipe_below(void);

#endif
