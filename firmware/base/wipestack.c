/* wipestack.c — see wipestack.h. */
#include "base/wipestack.h"

#include "base/errors.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t page_size(void)
{
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

/* Zero the resident pages of [lo, hi) (page-aligned). */
static void wipe_resident(uint8_t *lo, uint8_t *hi)
{
    size_t ps = page_size();
    unsigned char vec[256];
    for (uint8_t *at = lo; at < hi;) {
        size_t pages = (size_t)(hi - at) / ps;
        if (pages > sizeof vec)
            pages = sizeof vec;
        if (mincore(at, pages * ps, vec) != 0) {
            /* Cannot tell: wipe all of it (it may cost memory, never data). */
            explicit_bzero(at, pages * ps);
        } else {
            for (size_t i = 0; i < pages; i++)
                if (vec[i] & 1)
                    explicit_bzero(at + i * ps, ps);
        }
        at += pages * ps;
    }
}

int wipestack_init(struct wipestack *w, size_t size)
{
    size_t ps = page_size();
    size = (size + ps - 1) / ps * ps;
    void *m = mmap(NULL, size + ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (m == MAP_FAILED)
        return KOFU_E_NOMEM;
    /* The lowest page is the guard: an overflow faults instead of writing
     * into whatever lies below. */
    if (mprotect(m, ps, PROT_NONE) != 0) {
        munmap(m, size + ps);
        return KOFU_E_NOMEM;
    }
    w->map = m;
    w->map_size = size + ps;
    return KOFU_OK;
}

int wipestack_attr(struct wipestack *w, pthread_attr_t *attr)
{
    size_t ps = page_size();
    return pthread_attr_setstack(attr, (uint8_t *)w->map + ps, w->map_size - ps) == 0 ? KOFU_OK
                                                                                     : KOFU_E_INTERNAL;
}

void wipestack_wipe(struct wipestack *w)
{
#if defined(__SANITIZE_ADDRESS__)
    (void)w;
    return; /* as in wipestack_wipe_below */
#endif
    if (w->map)
        wipe_resident((uint8_t *)w->map + page_size(), (uint8_t *)w->map + w->map_size);
}

void wipestack_destroy(struct wipestack *w)
{
    if (!w->map)
        return;
    wipestack_wipe(w);
    munmap(w->map, w->map_size);
    w->map = NULL;
    w->map_size = 0;
}

/* /proc/self/maps, opened once before the process confines itself (a
 * Landlock rule on /proc/self would name an inode procfs may replace), and
 * read again from the start each time. The buffer is static, not a local:
 * a large frame here would sit inside the range being wiped. Main thread
 * only. */
static int maps_fd = -1;
static char maps_text[1 << 16];

int wipestack_main_init(void)
{
    if (maps_fd < 0)
        maps_fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    return maps_fd >= 0 ? KOFU_OK : KOFU_E_INTERNAL;
}

/* The [stack] mapping's range. */
static bool main_stack_range(uintptr_t *lo, uintptr_t *hi)
{
    if (wipestack_main_init() != KOFU_OK)
        return false;
    size_t len = 0;
    if (lseek(maps_fd, 0, SEEK_SET) != 0) /* (lseek and read: on the sandbox's list) */
        return false;
    for (;;) {
        ssize_t n = read(maps_fd, maps_text + len, sizeof maps_text - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
        if (len == sizeof maps_text - 1)
            break; /* [stack] is near the end: a cut list fails below */
    }
    maps_text[len] = '\0';
    const char *at = strstr(maps_text, "[stack]");
    if (!at)
        return false;
    while (at > maps_text && at[-1] != '\n')
        at--;
    unsigned long a, b;
    if (sscanf(at, "%lx-%lx", &a, &b) != 2)
        return false;
    *lo = a;
    *hi = b;
    return true;
}

/* The calls made while wiping (pthread_sigmask, mincore, explicit_bzero)
 * put their small frames below this function's: leave them this much. */
#define WIPESTACK_MARGIN 2048u

__attribute__((noinline)) int wipestack_wipe_below(void)
{
#if defined(__SANITIZE_ADDRESS__)
    /* ASan keeps its own bookkeeping in dead frames' shadow; the sanitized
     * build is for finding bugs, not the product. */
    return KOFU_OK;
#endif
    uintptr_t lo, hi;
    if (!main_stack_range(&lo, &hi))
        return KOFU_E_INTERNAL;
    volatile char marker = 0; /* its address: within this frame, near the stack pointer */
    uintptr_t here = (uintptr_t)&marker;
    if (here < lo + WIPESTACK_MARGIN || here > hi)
        return KOFU_E_INTERNAL; /* not on the main thread's stack */
    size_t ps = page_size();
    uintptr_t top = here - WIPESTACK_MARGIN;
    uintptr_t top_page = top & ~(uintptr_t)(ps - 1);
    /* A signal handler's frame would land in the range being zeroed. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    if (top_page > lo)
        wipe_resident((uint8_t *)lo, (uint8_t *)top_page);
    /* The page under the margin is in use, so resident: its lower part too. */
    explicit_bzero((void *)top_page, (size_t)(top - top_page));
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return KOFU_OK;
}
