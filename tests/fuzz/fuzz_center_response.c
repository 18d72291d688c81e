/*
 * fuzz_center_response.c — the kiosk's parsers of what the certificate
 * center answers (firmware/center/center.c): /config, a certificate (domestic and
 * overseas), and a typed refusal. The first input byte picks the parser.
 */
#include "fuzz_common.h"

#include "center/center.h"
#include "base/errors.h"
#include "base/vault.h"

#include <string.h>
#include <time.h>

static bool text_ok(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    return n < cap;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        CHECK(vault_init(1024 * 1024) == KOFU_OK);
        ready = true;
    }
    if (size < 1)
        return 0;
    uint8_t which = data[0];
    data++;
    size--;
    if (which % 3 == 0) {
        struct center_config cfg;
        if (center_parse_config(data, size, &cfg) == KOFU_OK) {
            CHECK(cfg.n_municipalities >= 1 && cfg.municipalities);
            CHECK(cfg.open_minute < cfg.close_minute);
            CHECK(cfg.timezone[0] != ':' && cfg.timezone[0] != '/' && !strstr(cfg.timezone, ".") &&
                  center_timezone_valid(CENTER_ZONEINFO_DIR, cfg.timezone));
            for (size_t i = 0; i < cfg.n_municipalities; i++)
                CHECK(strlen(cfg.municipalities[i].code) == 6);
            CHECK(center_terms_version_valid(cfg.terms.version));
            CHECK(cfg.terms.ja && cfg.terms.en);
            CHECK(strlen(cfg.terms.ja) >= 1 && strlen(cfg.terms.ja) <= CENTER_TERMS_TEXT_MAX);
            CHECK(strlen(cfg.terms.en) >= 1 && strlen(cfg.terms.en) <= CENTER_TERMS_TEXT_MAX);
            center_config_free(&cfg);
        }
    } else if (which % 3 == 1) {
        struct center_request r = {.kind = (which & 0x80) ? CENTER_OVERSEAS : CENTER_DOMESTIC};
        memcpy(r.municipality, "131016", 7);
        struct center_certificate *cert = center_certificate_new();
        CHECK(cert);
        if (center_parse_certificate(data, size, &r, cert) == KOFU_OK) {
            CHECK(text_ok(cert->jws, sizeof cert->jws) && strlen(cert->jws) > 0);
            CHECK(cert->n_doses >= 1 && cert->n_doses <= CENTER_DOSES_MAX);
            CHECK(!strcmp(cert->issuer.code, "131016"));
            CHECK((cert->vds_seal[0] != '\0') == (r.kind == CENTER_OVERSEAS));
            /* The paper's date is the Japan (UTC+9) date of the issue time. */
            time_t jst = (time_t)(cert->issued_at + 9 * 3600);
            struct tm tm;
            char date[16];
            CHECK(gmtime_r(&jst, &tm) && strftime(date, sizeof date, "%Y-%m-%d", &tm) == 10 &&
                  !strcmp(date, cert->issue_date));
        } else {
            CHECK(all_zero(cert, sizeof *cert));
        }
        vault_wipe();
    } else {
        /* Statuses 400..527: the 4xx refusals and the 5xx the kiosk reads by status. */
        long status = 400 + (which >> 1);
        int rc = center_parse_refusal(data, size, status);
        CHECK(rc < 0);
        if (status == 500)
            CHECK(rc != KOFU_E_CENTER_UNREACHABLE); /* the center failed: it was reached */
    }
    return 0;
}
