/* vault.c — see vault.h. */
#include "base/vault.h"

#include "base/errors.h"
#include "base/log.h"

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

static uint8_t *region;
static size_t region_size;
static volatile size_t region_used;

/* The vault's pages are locked as they are first touched (MLOCK_ONFAULT),
 * so a page that is not resident has never been written and holds nothing:
 * wiping and checking go over the resident pages only, and the room a
 * visit does not use (most of the PDF and response buffers) costs no
 * memory. A locked page is never swapped out, so "not resident" cannot
 * mean "in swap". */
static size_t page_bytes(void)
{
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

/* Call fn on each resident page-run of [from, region_size); true if every
 * call returned true. mincore failing counts every page as resident (it may
 * cost memory, never a byte left unwiped or unchecked). */
static bool each_resident(size_t from, bool (*fn)(uint8_t *p, size_t n))
{
    size_t ps = page_bytes();
    unsigned char vec[256];
    for (size_t at = from / ps * ps; at < region_size;) {
        size_t pages = (region_size - at) / ps;
        if (pages > sizeof vec)
            pages = sizeof vec;
        bool known = mincore(region + at, pages * ps, vec) == 0;
        for (size_t i = 0; i < pages; i++) {
            size_t lo = at + i * ps, hi = lo + ps;
            if (known && !(vec[i] & 1))
                continue;
            if (lo < from)
                lo = from;
            if (!fn(region + lo, hi - lo))
                return false;
        }
        at += pages * ps;
    }
    return true;
}

static bool zero_run(uint8_t *p, size_t n)
{
    explicit_bzero(p, n);
    return true;
}

static bool run_is_zero(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static const int wipe_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV,
                                   SIGBUS, SIGFPE,  SIGILL, SIGABRT};

/* Wipes the vault, then lets the signal do what it would have done. (All
 * of it: the process is ending, and this needs no mincore.) */
static void wipe_on_signal(int sig)
{
    if (region)
        explicit_bzero(region, region_size);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_signal_wipe(void)
{
    for (size_t i = 0; i < sizeof wipe_signals / sizeof wipe_signals[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = wipe_on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        /* Leave a handler the program set on purpose alone (e.g. SIG_IGN). */
        struct sigaction old;
        if (sigaction(wipe_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_DFL)
            continue;
        sigaction(wipe_signals[i], &sa, NULL);
    }
}

int vault_init(size_t size)
{
    if (region)
        return KOFU_E_ARG;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0 || size == 0)
        return KOFU_E_ARG;
    size_t ps = (size_t)page;
    size = (size + ps - 1) / ps * ps;

    /* No core file, and no ptrace by the same user, may see the vault. */
    struct rlimit no_core = {0, 0};
    if (setrlimit(RLIMIT_CORE, &no_core) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return KOFU_E_VAULT;

    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return KOFU_E_VAULT;
    if (madvise(p, size, MADV_DONTDUMP) != 0 || madvise(p, size, MADV_DONTFORK) != 0 ||
        mlock2(p, size, MLOCK_ONFAULT) != 0) {
        munmap(p, size);
        return KOFU_E_VAULT;
    }
    region = p;
    region_size = size;
    region_used = 0;
    install_signal_wipe();
    return KOFU_OK;
}

int vault_lock_process(void)
{
    /* The vault is not the only memory that ever holds resident data:
     * libraries keep copies in their own buffers for as long as a call
     * lasts (wiped when freed: wipefree.c). Lock every page of the process,
     * as it is touched, so that none of them is ever written to swap.
     * MCL_ONFAULT: locking costs nothing for pages never used (thread
     * stacks, reserved arenas). Beyond RLIMIT_MEMLOCK this needs
     * CAP_IPC_LOCK, which the kiosk's unit grants. */
    return mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) == 0 ? KOFU_OK : KOFU_E_VAULT;
}

void *vault_alloc(size_t n)
{
    if (!region || n == 0)
        return NULL;
    size_t start = (region_used + 15) & ~(size_t)15;
    if (start > region_size || n > region_size - start)
        return NULL;
    region_used = start + n;
    return region + start; /* already zero: the vault is zeroed at every wipe */
}

void vault_wipe(void)
{
    if (!region)
        return;
    size_t used = region_used;
    each_resident(0, zero_run);
    region_used = 0;
    kofu_log(KOFU_LOG_DEBUG, EV_VAULT_WIPE, KOFU_OK, (uint32_t)used);
}

size_t vault_mark(void) { return region_used; }

void vault_release(size_t mark)
{
    if (!region || mark >= region_used)
        return;
    explicit_bzero(region + mark, region_used - mark);
    region_used = mark;
}

void vault_destroy(void)
{
    if (!region)
        return;
    each_resident(0, zero_run);
    munlock(region, region_size);
    munmap(region, region_size);
    region = NULL;
    region_size = 0;
    region_used = 0;
}

size_t vault_used(void) { return region_used; }

size_t vault_size(void) { return region_size; }

bool vault_contains(const void *p, size_t n)
{
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)region;
    return region && a >= lo && n <= region_size && a - lo <= region_size - n;
}

bool vault_is_clean(void) { return !region || each_resident(0, run_is_zero); }

bool vault_is_clean_after(size_t mark)
{
    if (region_used > mark)
        return false;
    return !region || mark >= region_size || each_resident(mark, run_is_zero);
}
