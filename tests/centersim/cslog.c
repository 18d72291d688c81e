/* cslog.c — see cslog.h. */
#include "cslog.h"

#include "card/kenhojo.h"

#include <inttypes.h>
#include <stdio.h>

static bool cslog_on;
static const char *(*cslog_error_name)(int code);

static const char *const cslog_methods[] = {"GET", "POST", "(other)"};
static const char *const cslog_routes[CSLOG_ROUTE__COUNT] = {
    [CSLOG_ROUTE_UNKNOWN] = "(other)",
    [CSLOG_ROUTE_CONFIG] = "/kofu/v2/config",
    [CSLOG_ROUTE_CERTIFICATES] = "/kofu/v2/certificates",
    [CSLOG_ROUTE_COMPLETIONS] = "/kofu/v2/completions",
    [CSLOG_ROUTE_JWKS] = "/.well-known/jwks.json",
    [CSLOG_ROUTE_CONFIG_V1] = "/kofu/v1/config",
    [CSLOG_ROUTE_CERTIFICATES_V1] = "/kofu/v1/certificates",
    [CSLOG_ROUTE_COMPLETIONS_V1] = "/kofu/v1/completions",
};
static const char *const cslog_events[CSLOG__COUNT] = {
    [CSLOG_READY] = "ready",
    [CSLOG_STOP] = "stop",
    [CSLOG_KIOSK_REFUSED] = "kiosk-refused",
    [CSLOG_TLS_ALERT] = "tls-alert",
    [CSLOG_ERROR_REPLY] = "error-reply",
    [CSLOG_CARD_REFUSED] = "card-refused",
    [CSLOG_ISSUED] = "issued",
    [CSLOG_SHC_TOO_LARGE] = "shc-too-large",
    [CSLOG_INTERNAL] = "internal-error",
    [CSLOG_FAULT] = "fault",
    [CSLOG_CONTROL] = "control",
    [CSLOG_COMPLETION] = "completion",
};
static const char *const cslog_wheres[CSLOG_AT__COUNT] = {
    [CSLOG_AT_DATABASE] = "database", [CSLOG_AT_SHC] = "shc",   [CSLOG_AT_VDS] = "vds",
    [CSLOG_AT_JSON] = "json",         [CSLOG_AT_MEMORY] = "memory", [CSLOG_AT_TLS] = "tls",
    [CSLOG_AT_IDEMPOTENCY] = "idempotency",
};
static const char *const cslog_faults[CSLOG_FAULT__COUNT] = {
    [CSLOG_FAULT_STATUS] = "status",           [CSLOG_FAULT_FAIL_COUNT] = "fail-count",
    [CSLOG_FAULT_MALFORMED] = "malformed-json", [CSLOG_FAULT_OVERSIZED] = "oversized-json",
    [CSLOG_FAULT_OTHER_PERSON] = "other-person", [CSLOG_FAULT_DROP] = "drop-mid-body",
    [CSLOG_FAULT_WRONG_REFUSAL] = "wrong-refusal", [CSLOG_FAULT_REISSUE] = "reissue",
    [CSLOG_FAULT_REGISTERED_PASSPORT] = "registered-passport",
    [CSLOG_FAULT_PASSPORT_BIRTH_UNCHECKED] = "passport-birth-unchecked",
};
static const char *const cslog_controls[CSLOG_CTL__COUNT] = {
    [CSLOG_CTL_FAULT] = "fault", [CSLOG_CTL_CLEAR] = "clear", [CSLOG_CTL_STATUS] = "status",
    [CSLOG_CTL_NOW] = "now",     [CSLOG_CTL_QUIT] = "quit",   [CSLOG_CTL_BAD] = "bad-command",
    [CSLOG_CTL_TERMS] = "terms", [CSLOG_CTL_PARTICIPATE] = "participate", [CSLOG_CTL_COMPLETIONS] = "completions",
};

void cslog_set_verbose(bool on) { cslog_on = on; }

void cslog_set_error_names(const char *(*name_of)(int code)) { cslog_error_name = name_of; }

bool cslog_verbose(void) { return cslog_on; }

const char *cslog_route_path(enum cslog_route route)
{
    return (unsigned)route < CSLOG_ROUTE__COUNT ? cslog_routes[route] : cslog_routes[0];
}

void cslog_request(enum cslog_method method, enum cslog_route route, int status, uint64_t usec)
{
    if (!cslog_on)
        return;
    const char *m = (unsigned)method <= CSLOG_OTHER_METHOD ? cslog_methods[method] : "(other)";
    fprintf(stderr, "centersim: %s %s %d %" PRIu64 ".%03" PRIu64 "ms\n", m, cslog_route_path(route),
            status, usec / 1000, usec % 1000);
}

/* The table entry for a code, or NULL to print the number. */
static const char *cslog_code_name(enum cslog_event ev, int code)
{
    switch (ev) {
    case CSLOG_ERROR_REPLY:
        return cslog_error_name ? cslog_error_name(code) : NULL;
    case CSLOG_CARD_REFUSED:
        return code < 0 ? "card-data" : kenhojo_auth_name((enum kenhojo_auth)code);
    case CSLOG_INTERNAL:
        return (unsigned)code < CSLOG_AT__COUNT ? cslog_wheres[code] : NULL;
    case CSLOG_FAULT:
        return (unsigned)code < CSLOG_FAULT__COUNT ? cslog_faults[code] : NULL;
    case CSLOG_CONTROL:
        return (unsigned)code < CSLOG_CTL__COUNT ? cslog_controls[code] : NULL;
    default:
        return NULL;
    }
}

void cslog_event(enum cslog_event ev, int code, uint64_t detail)
{
    bool always = ev == CSLOG_INTERNAL || ev == CSLOG_SHC_TOO_LARGE;
    if (!cslog_on && !always)
        return;
    const char *name = (unsigned)ev < CSLOG__COUNT ? cslog_events[ev] : "unknown";
    const char *code_name = cslog_code_name(ev, code);
    if (code_name)
        fprintf(stderr, "centersim: event=%s code=%s detail=%" PRIu64 "\n", name, code_name, detail);
    else
        fprintf(stderr, "centersim: event=%s code=%d detail=%" PRIu64 "\n", name, code, detail);
}
