/* report.c — see report.h. */
#include "tests/conformance/report.h"

#include "center/center.h" /* CENTER_PROTOCOL(_REVISION): the kit speaks what kofu speaks */

#include <stdlib.h>
#include <string.h>

static const char *const status_word[] = {"PASS", "FAIL", "SKIP", "ERROR"};

int report_add(struct report *rp, const struct kit_scenario *sc, const struct kit_result *res)
{
    if (rp->n == rp->cap) {
        size_t cap = rp->cap ? rp->cap * 2 : 64;
        struct report_entry *e = realloc(rp->e, cap * sizeof *e);
        if (!e)
            return -1;
        rp->e = e;
        rp->cap = cap;
    }
    rp->e[rp->n++] = (struct report_entry){sc, *res};
    return 0;
}

void report_free(struct report *rp)
{
    free(rp->e);
    rp->e = NULL;
    rp->n = rp->cap = 0;
}

void report_counts(const struct report *rp, size_t *passed, size_t *failed, size_t *skipped)
{
    *passed = *failed = *skipped = 0;
    for (size_t i = 0; i < rp->n; i++) {
        if (rp->e[i].res.status == KIT_PASS)
            ++*passed;
        else if (rp->e[i].res.status == KIT_FAIL)
            ++*failed;
        else if (rp->e[i].res.status == KIT_SKIP)
            ++*skipped;
    }
}

size_t report_errors(const struct report *rp)
{
    size_t n = 0;
    for (size_t i = 0; i < rp->n; i++)
        n += rp->e[i].res.status == KIT_ERROR;
    return n;
}

size_t report_closed(const struct report *rp)
{
    size_t n = 0;
    for (size_t i = 0; i < rp->n; i++)
        n += rp->e[i].res.status == KIT_SKIP && rp->e[i].res.closed;
    return n;
}

/* Text as given, control characters (a center's error code may carry
 * any) shown as '?'. */
static void put_clean(FILE *out, const char *s)
{
    for (; *s; s++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

void report_header(FILE *out, const struct report *rp)
{
    fputs("kofu-conformance: ", out);
    put_clean(out, rp->center_url);
    fprintf(out, "\ndocument: docs/center-protocol.md, revision %s of protocol %d\nfixture: ", CENTER_PROTOCOL_REVISION,
            CENTER_PROTOCOL);
    put_clean(out, rp->fixture);
    fputs("\n\n", out);
}

void report_line(FILE *out, const struct report_entry *e)
{
    fprintf(out, "%s %-40s %6.0f ms\n", status_word[e->res.status], e->sc->name, e->res.ms);
    if (e->res.status == KIT_FAIL) {
        fputs("    expected: ", out);
        put_clean(out, e->res.expected);
        fputs("\n    got:      ", out);
        put_clean(out, e->res.got);
        fputs("\n    read:     docs/center-protocol.md ", out);
        put_clean(out, e->res.section);
        fputc('\n', out);
    } else if (e->res.status == KIT_SKIP) {
        fputs("    reason:   ", out);
        put_clean(out, e->res.got);
        fputc('\n', out);
    } else if (e->res.status == KIT_ERROR) {
        fputs("    kit:      ", out);
        put_clean(out, e->res.got);
        fputs(" (the kit's own error: nothing is said of the center)\n", out);
    }
}

void report_summary(FILE *out, const struct report *rp)
{
    size_t p, f, s;
    report_counts(rp, &p, &f, &s);
    fprintf(out, "\n%zu scenarios: %zu passed, %zu failed, %zu skipped (%.1f s)\n", rp->n, p, f, s,
            rp->total_ms / 1000.0);
    size_t closed = report_closed(rp), errors = report_errors(rp);
    if (errors)
        fprintf(out, "kit errors: %zu scenario%s could not be run to the end (ERROR above): the kit's own fault\n",
                errors, errors == 1 ? "" : "s");
    if (closed)
        fprintf(out,
                "incomplete: %zu scenario%s skipped because the center was outside its service hours; run them "
                "with service hours 00:00-24:00 loaded (docs/conformance.md, \"Running it\")\n",
                closed, closed == 1 ? "" : "s");
}

void report_text(FILE *out, const struct report *rp)
{
    report_header(out, rp);
    for (size_t i = 0; i < rp->n; i++)
        report_line(out, &rp->e[i]);
    report_summary(out, rp);
}

/* XML character data / attribute value: escaped, control characters
 * (not allowed in XML 1.0) dropped. */
static void put_xml(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&')
            fputs("&amp;", out);
        else if (c == '<')
            fputs("&lt;", out);
        else if (c == '>')
            fputs("&gt;", out);
        else if (c == '"')
            fputs("&quot;", out);
        else if (c == '\'')
            fputs("&apos;", out);
        else if (c >= 0x20 && c != 0x7f)
            fputc(c, out);
        else if (c == '\n')
            fputs("&#10;", out);
    }
}

static size_t group_len(const char *name)
{
    const char *dot = strchr(name, '.');
    return dot ? (size_t)(dot - name) : strlen(name);
}

void report_junit(FILE *out, const struct report *rp)
{
    size_t p, f, s;
    report_counts(rp, &p, &f, &s);
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out,
            "<testsuites name=\"kofu-conformance\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" errors=\"%zu\" "
            "time=\"%.3f\">\n",
            rp->n, f, s, report_errors(rp), rp->total_ms / 1000.0);
    for (size_t i = 0; i < rp->n;) {
        const char *g = rp->e[i].sc->name;
        size_t gl = group_len(g), j = i, gf = 0, gs = 0, ge = 0;
        double ms = 0;
        while (j < rp->n && group_len(rp->e[j].sc->name) == gl && !strncmp(rp->e[j].sc->name, g, gl)) {
            gf += rp->e[j].res.status == KIT_FAIL;
            gs += rp->e[j].res.status == KIT_SKIP;
            ge += rp->e[j].res.status == KIT_ERROR;
            ms += rp->e[j].res.ms;
            j++;
        }
        fprintf(out,
                "  <testsuite name=\"kofu-conformance.%.*s\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" "
                "errors=\"%zu\" time=\"%.3f\">\n",
                (int)gl, g, j - i, gf, gs, ge, ms / 1000.0);
        for (; i < j; i++) {
            const struct report_entry *e = &rp->e[i];
            const char *name = e->sc->name[gl] == '.' ? e->sc->name + gl + 1 : e->sc->name;
            fprintf(out, "    <testcase classname=\"kofu-conformance.%.*s\" name=\"", (int)gl, g);
            put_xml(out, name);
            fprintf(out, "\" time=\"%.3f\"", e->res.ms / 1000.0);
            if (e->res.status == KIT_PASS) {
                fputs("/>\n", out);
                continue;
            }
            fputs(">\n", out);
            if (e->res.status == KIT_FAIL) {
                fputs("      <failure type=\"protocol\" message=\"expected ", out);
                put_xml(out, e->res.expected);
                fputs(" / got ", out);
                put_xml(out, e->res.got);
                fputs("\">expected: ", out);
                put_xml(out, e->res.expected);
                fputs("\ngot: ", out);
                put_xml(out, e->res.got);
                fputs("\nread: docs/center-protocol.md ", out);
                put_xml(out, e->res.section);
                fputs("</failure>\n", out);
            } else if (e->res.status == KIT_ERROR) {
                fputs("      <error type=\"kit\" message=\"", out);
                put_xml(out, e->res.got);
                fputs("\">the kit's own error: nothing is said of the center</error>\n", out);
            } else {
                fputs("      <skipped message=\"", out);
                put_xml(out, e->res.got);
                fputs("\"/>\n", out);
            }
            fputs("    </testcase>\n", out);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
}
