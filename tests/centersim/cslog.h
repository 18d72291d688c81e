/*
 * cslog.h — centersim's log: request lines and events, never resident data.
 *
 * Owns: the log sink (stderr, prefixed "centersim: ") and the names of
 * methods, routes and events. Like firmware/base/log.h, the API takes only
 * enums and numbers, so no name, My Number or card byte can reach a log
 * line whatever a caller does; the strings printed come from tables here
 * and in kenhojo (kenhojo_auth_name).
 *
 * Request lines and most events are written only with -v; errors that
 * mean a bug or a broken setup (CSLOG_INTERNAL, CSLOG_SHC_TOO_LARGE) are
 * always written.
 */
#ifndef CENTERSIM_CSLOG_H
#define CENTERSIM_CSLOG_H

#include <stdbool.h>
#include <stdint.h>

enum cslog_method { CSLOG_GET, CSLOG_POST, CSLOG_OTHER_METHOD };

enum cslog_route {
    CSLOG_ROUTE_UNKNOWN,
    CSLOG_ROUTE_CONFIG,       /* protocol 2's, /kofu/v2/... */
    CSLOG_ROUTE_CERTIFICATES,
    CSLOG_ROUTE_COMPLETIONS,
    CSLOG_ROUTE_JWKS,
    CSLOG_ROUTE_CONFIG_V1,    /* protocol 1's, /kofu/v1/..., served to older kiosks */
    CSLOG_ROUTE_CERTIFICATES_V1,
    CSLOG_ROUTE_COMPLETIONS_V1,
    CSLOG_ROUTE__COUNT
};

enum cslog_event {
    CSLOG_READY,          /* detail: port */
    CSLOG_STOP,           /* detail: requests served */
    CSLOG_KIOSK_REFUSED,  /* code: X509 verify error; detail: chain depth */
    CSLOG_TLS_ALERT,      /* detail: the TLS alert we sent */
    CSLOG_ERROR_REPLY,    /* code: enum api_error; detail: HTTP status */
    CSLOG_CARD_REFUSED,   /* code: enum kenhojo_auth, or -1 when the files do not parse */
    CSLOG_ISSUED,         /* code: 1 new, 0 a retry answered again; detail: doses */
    CSLOG_SHC_TOO_LARGE,  /* detail: JWS length */
    CSLOG_INTERNAL,       /* code: enum cslog_where */
    CSLOG_FAULT,          /* code: enum cslog_fault_kind; detail: value */
    CSLOG_CONTROL,        /* code: enum cslog_control_cmd */
    CSLOG_COMPLETION,     /* code: 1 stored, 0 a repeat */
    CSLOG__COUNT
};

/** Where an internal error happened (for CSLOG_INTERNAL). */
enum cslog_where {
    CSLOG_AT_DATABASE,
    CSLOG_AT_SHC,
    CSLOG_AT_VDS,
    CSLOG_AT_JSON,
    CSLOG_AT_MEMORY,
    CSLOG_AT_TLS,
    CSLOG_AT_IDEMPOTENCY,
    CSLOG_AT__COUNT
};

/** Which fault answered (for CSLOG_FAULT). */
enum cslog_fault_kind {
    CSLOG_FAULT_STATUS,
    CSLOG_FAULT_FAIL_COUNT,
    CSLOG_FAULT_MALFORMED,
    CSLOG_FAULT_OVERSIZED,
    CSLOG_FAULT_OTHER_PERSON,
    CSLOG_FAULT_DROP,
    CSLOG_FAULT_WRONG_REFUSAL,
    CSLOG_FAULT_REISSUE,
    CSLOG_FAULT_REGISTERED_PASSPORT,
    CSLOG_FAULT_PASSPORT_BIRTH_UNCHECKED,
    CSLOG_FAULT__COUNT
};

enum cslog_control_cmd {
    CSLOG_CTL_FAULT,
    CSLOG_CTL_CLEAR,
    CSLOG_CTL_STATUS,
    CSLOG_CTL_NOW,
    CSLOG_CTL_QUIT,
    CSLOG_CTL_BAD,
    CSLOG_CTL_TERMS,
    CSLOG_CTL_PARTICIPATE,
    CSLOG_CTL_COMPLETIONS,
    CSLOG_CTL__COUNT
};

/** Write request lines and informational events (-v). */
void cslog_set_verbose(bool on);
bool cslog_verbose(void);
/** "centersim: GET /kofu/v1/config 200 1.234ms" (-v only). */
void cslog_request(enum cslog_method method, enum cslog_route route, int status, uint64_t usec);
/** "centersim: event=<name> code=<name or number> detail=<n>". */
void cslog_event(enum cslog_event ev, int code, uint64_t detail);
/** How CSLOG_ERROR_REPLY codes are named (api.c registers its table, whose
 *  names are static protocol codes); without it the number is printed. */
void cslog_set_error_names(const char *(*name_of)(int code));
/** The path of a route, e.g. "/kofu/v1/config" ("(other)" for unknown). */
const char *cslog_route_path(enum cslog_route route);

#endif
