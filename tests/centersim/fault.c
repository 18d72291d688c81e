/* fault.c — see fault.h. */
#include "fault.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fault_clear(struct fault_set *f) { memset(f, 0, sizeof *f); }

/* A decimal number lo..hi with nothing around it. */
static bool fault_number(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool fault_flag(struct fault_set *f, const char *spec)
{
    static const struct {
        const char *name;
        size_t offset;
    } flags[] = {
        {"malformed-json", offsetof(struct fault_set, malformed_json)},
        {"oversized-json", offsetof(struct fault_set, oversized_json)},
        {"bad-signature", offsetof(struct fault_set, bad_signature)},
        {"bad-seal", offsetof(struct fault_set, bad_seal)},
        {"other-person", offsetof(struct fault_set, other_person)},
        {"drop-mid-body", offsetof(struct fault_set, drop_mid_body)},
        {"jwks-bad-kid", offsetof(struct fault_set, jwks_bad_kid)},
        {"other-csca", offsetof(struct fault_set, other_csca)},
        {"wrong-refusal", offsetof(struct fault_set, wrong_refusal)},
        {"reissue", offsetof(struct fault_set, reissue)},
        {"registered-passport", offsetof(struct fault_set, registered_passport)},
        {"passport-birth-unchecked", offsetof(struct fault_set, passport_birth_unchecked)},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (strcmp(spec, flags[i].name) == 0) {
            *(bool *)((char *)f + flags[i].offset) = true;
            return true;
        }
    }
    return false;
}

bool fault_parse(struct fault_set *f, const char *spec, char *err, size_t errlen)
{
    unsigned long v;
    if (fault_flag(f, spec))
        return true;
    if (strncmp(spec, "latency=", 8) == 0) {
        if (!fault_number(spec + 8, 0, FAULT_LATENCY_MAX_MS, &v)) {
            snprintf(err, errlen, "bad number in %.40s (0..%u ms)", spec, FAULT_LATENCY_MAX_MS);
            return false;
        }
        f->latency_ms = (unsigned)v;
        return true;
    }
    if (strncmp(spec, "status=", 7) == 0) {
        if (!fault_number(spec + 7, 500, 504, &v) || v == 501) {
            snprintf(err, errlen, "bad status in %.40s (500, 502, 503 or 504)", spec);
            return false;
        }
        f->status = (int)v;
        return true;
    }
    if (strncmp(spec, "fail-count=", 11) == 0) {
        if (!fault_number(spec + 11, 0, FAULT_FAIL_COUNT_MAX, &v)) {
            snprintf(err, errlen, "bad number in %.40s (0..%u)", spec, FAULT_FAIL_COUNT_MAX);
            return false;
        }
        f->fail_count = (unsigned)v;
        return true;
    }
    snprintf(err, errlen, "unknown fault %.40s", spec);
    return false;
}
