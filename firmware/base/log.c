/* log.c — see log.h. */
#include "base/log.h"

#include "base/errors.h"
#include "base/words.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int current_level = -1;

/* By -code; slot 0 takes every code beyond. Atomic: the worker
 * thread logs too. */
#define COUNT_SLOTS 256
static _Atomic uint32_t err_counts[COUNT_SLOTS];

static void count_error(int code)
{
    if (code >= 0)
        return;
    long slot = -(long)code;
    atomic_fetch_add_explicit(&err_counts[slot < COUNT_SLOTS ? slot : 0], 1, memory_order_relaxed);
}

void kofu_log_take_counts(uint32_t *slots, size_t n)
{
    for (size_t i = 0; i < COUNT_SLOTS; i++) {
        uint32_t v = atomic_exchange_explicit(&err_counts[i], 0, memory_order_relaxed);
        if (!v || !n)
            continue;
        uint32_t *to = &slots[i < n ? i : 0];
        *to = *to > UINT32_MAX - v ? UINT32_MAX : *to + v;
    }
}

static const struct kofu_word event_names[EV__COUNT] = {
    KOFU_NAME(EV_START, "start"),
    KOFU_NAME(EV_READER_OPEN, "reader-open"),
    KOFU_NAME(EV_CARD_PRESENT, "card-present"),
    KOFU_NAME(EV_CARD_CONNECT, "card-connect"),
    KOFU_NAME(EV_CARD_DISCONNECT, "card-disconnect"),
    KOFU_NAME(EV_CARD_SW, "card-sw"),
    KOFU_NAME(EV_PIN_STATUS, "pin-status"),
    KOFU_NAME(EV_PIN_VERIFY, "pin-verify"),
    KOFU_NAME(EV_CARD_READ, "card-read"),
    KOFU_NAME(EV_CARD_AUTH, "card-auth"),
    KOFU_NAME(EV_PASSPORT_READ, "passport-read"),
    KOFU_NAME(EV_PASSPORT_AUTH, "passport-auth"),
    KOFU_NAME(EV_VAULT_WIPE, "vault-wipe"),
    KOFU_NAME(EV_MEMORY_LOCK, "memory-lock"),
    KOFU_NAME(EV_CONFIG, "config"),
    KOFU_NAME(EV_CENTER_CALL, "center-call"),
    KOFU_NAME(EV_CERT_VERIFY, "certificate-verify"),
    KOFU_NAME(EV_PRINT, "print"),
    KOFU_NAME(EV_SESSION, "session"),
    KOFU_NAME(EV_PAYMENT, "payment"),
    KOFU_NAME(EV_AUDIO, "audio"),
    KOFU_NAME(EV_DISPLAY, "display"),
    KOFU_NAME(EV_RECEIPT, "receipt"),
    KOFU_NAME(EV_SANDBOX, "sandbox"),
    KOFU_NAME(EV_SERVICE_REQUEST, "service-request"),
    KOFU_NAME(EV_SERVICE_AUTH, "service-auth"),
    KOFU_NAME(EV_SERVICE_LOCKED, "service-locked"),
    KOFU_NAME(EV_SERVICE_ENTER, "service-enter"),
    KOFU_NAME(EV_SERVICE_CHECK, "service-check"),
    KOFU_NAME(EV_SERVICE_TEST, "service-test"),
    KOFU_NAME(EV_SERVICE_PRINT, "service-print"),
    KOFU_NAME(EV_SERVICE_RESET, "service-reset"),
    KOFU_NAME(EV_SERVICE_LEAVE, "service-leave"),
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
    return KOFU_WORDS_NAME(event_names, ev);
}

void kofu_log(enum kofu_log_level level, enum kofu_event ev, int code, uint32_t detail)
{
    if (level == KOFU_LOG_ERROR)
        count_error(code);
    if (current_level < 0)
        current_level = level_from_env();
    if ((int)level > current_level)
        return;
    fprintf(stderr, "kofu: %s code=%s detail=%lu\n", kofu_event_name(ev), kofu_err_name(code),
            (unsigned long)detail);
}

void kofu_log_service(enum kofu_event ev, int code, uint32_t technician, uint32_t what)
{
    fprintf(stderr, "kofu: %s code=%s technician=%lu what=%lu\n", kofu_event_name(ev), kofu_err_name(code),
            (unsigned long)technician, (unsigned long)what);
}
