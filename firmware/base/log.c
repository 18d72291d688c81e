/* log.c — see log.h. */
#include "base/log.h"

#include "base/errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int current_level = -1;

static const char *const event_names[EV__COUNT] = {
    [EV_START] = "start",
    [EV_READER_OPEN] = "reader-open",
    [EV_CARD_PRESENT] = "card-present",
    [EV_CARD_CONNECT] = "card-connect",
    [EV_CARD_DISCONNECT] = "card-disconnect",
    [EV_CARD_SW] = "card-sw",
    [EV_PIN_STATUS] = "pin-status",
    [EV_PIN_VERIFY] = "pin-verify",
    [EV_CARD_READ] = "card-read",
    [EV_CARD_AUTH] = "card-auth",
    [EV_VAULT_WIPE] = "vault-wipe",
    [EV_MEMORY_LOCK] = "memory-lock",
    [EV_CONFIG] = "config",
    [EV_CENTER_CALL] = "center-call",
    [EV_CERT_VERIFY] = "certificate-verify",
    [EV_PRINT] = "print",
    [EV_SESSION] = "session",
    [EV_PAYMENT] = "payment",
    [EV_AUDIO] = "audio",
    [EV_DISPLAY] = "display",
    [EV_RECEIPT] = "receipt",
    [EV_SANDBOX] = "sandbox",
};

void kofu_log_set_level(enum kofu_log_level level) { current_level = (int)level; }

static int level_from_env(void)
{
    const char *e = getenv("KOFU_LOG_LEVEL");
    if (e && strcmp(e, "debug") == 0)
        return KOFU_LOG_DEBUG;
    if (e && strcmp(e, "info") == 0)
        return KOFU_LOG_INFO;
    return KOFU_LOG_ERROR;
}

const char *kofu_event_name(enum kofu_event ev)
{
    return ((unsigned)ev < EV__COUNT && event_names[ev]) ? event_names[ev] : "unknown";
}

void kofu_log(enum kofu_log_level level, enum kofu_event ev, int code, uint32_t detail)
{
    if (current_level < 0)
        current_level = level_from_env();
    if ((int)level > current_level)
        return;
    fprintf(stderr, "kofu: %s code=%s detail=%lu\n", kofu_event_name(ev), kofu_err_name(code),
            (unsigned long)detail);
}
