/* env.c — see env.h. */
#include "base/env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one list of what survives. */
static const char *const kept[] = {
    /* read by kofu itself */
    "KOFU_CONFIG",    /* the configuration file (config.c) */
    "KOFU_LOG_LEVEL", /* log.c */
    "NOTIFY_SOCKET",  /* systemd notification (kiosk/notify.c) */
    "WATCHDOG_USEC",  /* systemd watchdog (kiosk/notify.c) */
    /* needed by a library to reach this machine's devices and keys */
    "DISPLAY",             /* Xlib: the sim board's X11 window */
    "XAUTHORITY",          /* Xlib: that display's cookie */
    "OPENSSL_CONF",        /* the providers of a kiosk key in a TPM or token */
    "OPENSSL_MODULES",     /* where those providers are installed */
    "PCSCLITE_CSOCK_NAME", /* pcsc-lite: pcscd's socket, when not the default */
#if defined(__SANITIZE_ADDRESS__)
    "LSAN_OPTIONS", /* ASan builds: the sandbox lets LeakSanitizer read its suppressions file */
#endif
};

#define N_KEPT (sizeof kept / sizeof kept[0])

int env_clean(void)
{
    char *values[N_KEPT] = {0};
    const char *display = getenv("DISPLAY"), *home = getenv("HOME");
    int rc = 0;
    for (size_t i = 0; i < N_KEPT; i++) {
        const char *v = getenv(kept[i]);
        if (v && !(values[i] = strdup(v)))
            rc = -1;
    }
    char *xauth = NULL;
    if (display && !getenv("XAUTHORITY") && home && *home && asprintf(&xauth, "%s/.Xauthority", home) < 0) {
        xauth = NULL;
        rc = -1;
    }
    if (clearenv() != 0)
        rc = -1;
    for (size_t i = 0; i < N_KEPT; i++) {
        if (rc == 0 && values[i] && setenv(kept[i], values[i], 1) != 0)
            rc = -1;
        free(values[i]);
    }
    if (rc == 0 && xauth && setenv("XAUTHORITY", xauth, 1) != 0)
        rc = -1;
    free(xauth);
    /* glib's slice allocator (pango's items, list nodes) reuses its blocks
     * without free(), so the wiping free (wipefree.c) would never see them:
     * have it allocate with malloc. Read once, at glib's first use. */
    if (rc == 0 && setenv("G_SLICE", "always-malloc", 1) != 0)
        rc = -1;
    if (rc != 0)
        clearenv(); /* fail closed: nothing rather than a partial list */
    return rc;
}
