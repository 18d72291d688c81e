/*
 * kit.h — the certificate center's conformance kit (docs/conformance.md):
 * plays a kiosk against any center that speaks docs/center-protocol.md.
 *
 * Owns: the kit's configuration (a kofu configuration plus the
 * conformance_* keys, taken through config_extra_key), the pinned trust
 * (certificate_trust_load), kofu's own client, the fixture, the center's
 * /config as fetched at the start, and the table of scenarios.
 *
 * A scenario ends in one of three ways: it passes; it fails with what the
 * document expects and what came, naming the § to read and the fixture
 * card's label (never a resident's value: the fixture is synthetic, but a
 * report travels); or it is skipped with a reason.
 */
#ifndef KOFU_KIT_H
#define KOFU_KIT_H

#include "base/config.h"
#include "center/center.h"
#include "tests/conformance/fixture.h"
#include "tests/conformance/wire.h"
#include "verify/certificate.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/** `kofu-conformance [conformance] --config FILE [--report FILE]
 *  [--junit FILE] [--only NAME...] [--list]`: argv[0] is the program or
 *  "conformance". Exit 0 when no scenario failed, 1 when one did (or the
 *  kit could not run), 2 on a usage error, 3 when none failed but one was
 *  skipped because the center was outside its service hours (the run is
 *  incomplete: a center that refuses everything while closed would pass). */
int kit_main(int argc, char **argv);

/* KIT_ERROR: the kit itself could not run the scenario to its end (out of
 * memory, a curl handle): nothing is said of the center. */
enum kit_status { KIT_PASS = 0, KIT_FAIL, KIT_SKIP, KIT_ERROR };

struct kit_result {
    enum kit_status status;
    char section[48];   /* FAIL: the § of docs/center-protocol.md to read */
    char expected[600]; /* FAIL */
    char got[600];      /* FAIL; SKIP: the reason; ERROR: the kit's */
    bool closed;        /* SKIP: because the center was outside its service hours */
    double ms;
};

struct kit {
    struct kofu_config cfg;
    char fixture_dir[KOFU_CONFIG_VALUE_MAX];
    char records_file[KOFU_CONFIG_VALUE_MAX];
    char revoked_cert[KOFU_CONFIG_VALUE_MAX], revoked_key[KOFU_CONFIG_VALUE_MAX];
    char foreign_cert[KOFU_CONFIG_VALUE_MAX], foreign_key[KOFU_CONFIG_VALUE_MAX];
    /* Where SHC verifiers outside the kiosks fetch the key set ("" : the
     * first shc_issuers), and the CA its host's certificate is checked
     * against ("": center_ca_file). */
    char issuer_url[KOFU_CONFIG_VALUE_MAX], issuer_ca[KOFU_CONFIG_VALUE_MAX];
    struct certificate_trust trust;
    struct kit_fixture fx;
    struct center_client *client;
    /* /config as the center answered it at the start (have_config false:
     * it could not be fetched; the scenarios that need it skip). */
    bool have_config;
    int config_error; /* kofu_err when !have_config */
    struct center_config center;
    time_t center_date; /* the center's clock (Date of that answer), else the kit's */
    bool open_now;      /* /config's service hours hold at center_date */
};

struct kit_scenario {
    const char *name;  /* group.name: the group is the part before the first dot */
    const char *about; /* one line: what it sends, what it expects */
    void (*run)(struct kit *k, struct kit_result *r);
};

/** Every scenario, in the order they run. */
const struct kit_scenario *kit_scenarios(size_t *n);

/** Record a failure (the first one of a scenario stands; later ones are
 *  dropped): `section` the § to read, `expected` what the document says,
 *  then what came. Always false, so `return kit_fail(...)` reads well. */
bool kit_fail(struct kit_result *r, const char *section, const char *expected, const char *got_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** Skip with a reason. */
void kit_skip(struct kit_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** The kit's own failure (out of memory, a library that would not set up)
 *  in the scenario running now: the scenario ends as KIT_ERROR with this
 *  reason, whatever it recorded, so that it is never read as the center's
 *  fault. The first one of a scenario stands. */
void kit_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** The kit error recorded since the last call, into buf: true if any. */
bool kit_take_error(char *buf, size_t cap);

/* ---- helpers the scenarios share (kit.c) ---------------------------------- */

/** A fresh request for this card (a new request_id, copies 1, "ja", the
 *  center's current terms). */
void kit_request(const struct kit *k, const struct kenhojo_card_data *card, const char *municipality,
                 enum center_kind kind, struct center_request *out);
/** The request body exactly as kofu's client sends it, as a jansson object
 *  the caller may change (json_decref). NULL when out of memory. */
struct json_t *kit_request_json(const struct center_request *r);
/** POST a JSON object to a path with the kiosk's certificate over the wire
 *  (application/json). 0 when the call was made. */
int kit_post_json(const struct kit *k, const char *path, struct json_t *body, struct wire_resp *resp);
/** A scenario that needs a request to pass the hours check: true (and a
 *  skip recorded) when the center is closed now (the skip marked `closed`)
 *  or its /config is unknown. */
bool kit_needs_open(const struct kit *k, struct kit_result *r);
/** Issue a certificate with kofu's own client for `label`'s card (a
 *  fresh kit_request): the kofu_err, *cert (in the vault) filled on KOFU_OK. */
int kit_issue(struct kit *k, const struct kenhojo_card_data *card, const char *municipality, enum center_kind kind,
              struct center_request *req, struct center_certificate **cert, struct center_call_info *info);
/** What a call of kofu's client got, for a failure message: "403
 *  (kofu: center-card-not-authentic)" or "no answer (kofu: tls-protocol)". */
const char *kit_describe_rc(int rc, const struct center_call_info *info, char *buf, size_t cap);
/** The fixture card with this label, or a skip recorded and NULL. */
const struct kenhojo_card_data *kit_card(struct kit *k, struct kit_result *r, const char *label);

/* Each group's scenarios (sc_*.c). */
void sc_tls_version_13(struct kit *k, struct kit_result *r);
void sc_tls_refuses_12(struct kit *k, struct kit_result *r);
void sc_tls_refuses_no_certificate(struct kit *k, struct kit_result *r);
void sc_tls_refuses_revoked(struct kit *k, struct kit_result *r);
void sc_tls_refuses_foreign_ca(struct kit *k, struct kit_result *r);
void sc_http_date_header(struct kit *k, struct kit_result *r);
void sc_http_not_found(struct kit *k, struct kit_result *r);
void sc_http_method(struct kit *k, struct kit_result *r);
void sc_http_query_string(struct kit *k, struct kit_result *r);
void sc_http_content_type(struct kit *k, struct kit_result *r);
void sc_http_no_content_type(struct kit *k, struct kit_result *r);
void sc_config_valid(struct kit *k, struct kit_result *r);
void sc_jwks_kids_are_thumbprints(struct kit *k, struct kit_result *r);
void sc_jwks_same_keys_as_pinned(struct kit *k, struct kit_result *r);
void sc_jwks_public(struct kit *k, struct kit_result *r);
void sc_issue_domestic_yamada(struct kit *k, struct kit_result *r);
void sc_issue_domestic_longname(struct kit *k, struct kit_result *r);
void sc_issue_domestic_takahashi(struct kit *k, struct kit_result *r);
void sc_issue_domestic_gaiji(struct kit *k, struct kit_result *r);
void sc_issue_overseas_yamada(struct kit *k, struct kit_result *r);
void sc_issue_overseas_chip_yamada(struct kit *k, struct kit_result *r);
void sc_issue_overseas_chip_longname(struct kit *k, struct kit_result *r);
void sc_refuse_no_record(struct kit *k, struct kit_result *r);
void sc_refuse_not_participating(struct kit *k, struct kit_result *r);
void sc_refuse_passport_not_registered(struct kit *k, struct kit_result *r);
void sc_refuse_passport_birth_date(struct kit *k, struct kit_result *r);
void sc_refuse_card_not_authentic(struct kit *k, struct kit_result *r);
void sc_refuse_bad_request(struct kit *k, struct kit_result *r);
void sc_refuse_too_large(struct kit *k, struct kit_result *r);
void sc_refuse_terms_outdated(struct kit *k, struct kit_result *r);
void sc_refuse_check_order(struct kit *k, struct kit_result *r);
void sc_refuse_outside_hours(struct kit *k, struct kit_result *r);
void sc_idempotency_same_request(struct kit *k, struct kit_result *r);
void sc_idempotency_different_request(struct kit *k, struct kit_result *r);
void sc_completion_printed(struct kit *k, struct kit_result *r);
void sc_completion_refunded(struct kit *k, struct kit_result *r);
void sc_completion_refund_owed(struct kit *k, struct kit_result *r);
void sc_completion_failed(struct kit *k, struct kit_result *r);
void sc_completion_refused(struct kit *k, struct kit_result *r);

#endif
