/*
 * report.h — what a run of the kit tells: the report a person reads (the
 * console, and the same text in --report FILE) and JUnit XML (--junit FILE)
 * for the center team's CI. Formats: docs/conformance.md, "Reports".
 *
 * The texts it is given name fields, fixture card labels and §§, never a
 * resident's value; it escapes them for XML and drops control characters.
 */
#ifndef KOFU_KIT_REPORT_H
#define KOFU_KIT_REPORT_H

#include "tests/conformance/kit.h"

#include <stdio.h>

struct report_entry {
    const struct kit_scenario *sc;
    struct kit_result res;
};

struct report {
    struct report_entry *e; /* malloc'd, one per scenario run */
    size_t n, cap;
    double total_ms;
    char center_url[KOFU_CONFIG_VALUE_MAX];
    char fixture[2 * KOFU_CONFIG_VALUE_MAX + 32];
};

/** The header: center URL, document revision, fixture. */
void report_header(FILE *out, const struct report *rp);
/** One scenario's line(s): `PASS|FAIL|SKIP name  12 ms`, and for a failure
 *  indented `expected:` / `got:` / `read:` lines, for a skip its reason. */
void report_line(FILE *out, const struct report_entry *e);
/** "41 scenarios: 38 passed, 1 failed, 2 skipped (3.2 s)", and when some
 *  were skipped because the center was closed, a line saying the run is
 *  incomplete and what to do. */
void report_summary(FILE *out, const struct report *rp);
/** The whole text report (header, lines, summary). */
void report_text(FILE *out, const struct report *rp);
/** JUnit XML: one <testsuite> per group. */
void report_junit(FILE *out, const struct report *rp);
/** Counts. */
void report_counts(const struct report *rp, size_t *passed, size_t *failed, size_t *skipped);
/** How many were skipped because the center was outside its service hours. */
size_t report_closed(const struct report *rp);
/** How many the kit could not run to the end (KIT_ERROR). */
size_t report_errors(const struct report *rp);

int report_add(struct report *rp, const struct kit_scenario *sc, const struct kit_result *res);
void report_free(struct report *rp);

#endif
