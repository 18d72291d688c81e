/*
 * ipp_standin.c — a stand-in IPP printer for the faults that the real
 * simulator (ippeveprinter) cannot show: the printer-state-reasons keywords
 * it does not know ("offline", "door-open"), printer-state "stopped", a
 * printer that is not accepting jobs, and a fault that appears while a job
 * runs. Everything else in the tests uses ippeveprinter.
 *
 *   ipp-standin --port PORT
 *
 * It listens on 127.0.0.1:PORT, prints "ipp-standin: ready" on stdout, and
 * serves Get-Printer-Attributes, Print-Job, Get-Job-Attributes, Get-Jobs and
 * Cancel-Job at /ipp/print with libcups' server-side HTTP and IPP calls. The
 * documents it receives are read and thrown away, never stored. Its
 * behaviour is set at run time with a plain HTTP request (the same way
 * ippeveprinter's /media and /supplies forms are driven):
 *
 *   GET /set?state=3|4|5&reasons=kw,kw&accepting=0|1
 *           &job=complete|abort|cancel|hang&job-ms=N&after=kw,kw
 *
 * state/reasons/accepting: what Get-Printer-Attributes reports ("none" for
 * no reasons). job: how the next jobs end, job-ms after Print-Job; "hang"
 * stays processing until cancelled. after: printer-state-reasons that
 * replace the current ones when a job ends (a jam or paper-out during it).
 */
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cups/cups.h>

#include "base/clock.h"

#define MAX_JOBS 64
#define MAX_REASONS 8

enum job_end { END_COMPLETE, END_ABORT, END_CANCEL, END_HANG };

struct job {
    int id;
    int state;      /* IPP job-state */
    long start_ms;
    enum job_end end;
    long end_ms;    /* after start */
    bool applied;   /* "after" reasons applied */
};

static struct {
    pthread_mutex_t lock;
    int port;
    int state; /* printer-state */
    bool accepting;
    char reasons[MAX_REASONS][48];
    int nreasons;
    enum job_end end;
    long job_ms;
    char after[MAX_REASONS][48];
    int nafter; /* -1: leave the reasons alone */
    struct job jobs[MAX_JOBS];
    int next_id;
} sim = {.lock = PTHREAD_MUTEX_INITIALIZER, .state = IPP_PSTATE_IDLE, .accepting = true, .nafter = -1,
         .next_id = 1};


/* "a,b,c" into list; "none" or "" is the empty list. */
static int split_keywords(const char *s, char list[][48])
{
    int n = 0;
    while (*s && n < MAX_REASONS) {
        size_t len = strcspn(s, ",");
        if (len > 0 && len < 48 && strncmp(s, "none", len) != 0) {
            memcpy(list[n], s, len);
            list[n][len] = '\0';
            n++;
        }
        s += len;
        if (*s == ',')
            s++;
    }
    return n;
}

/* Brings a job's state up to date; called with the lock held. */
static void update_job(struct job *j)
{
    if (j->state != IPP_JSTATE_PROCESSING || j->end == END_HANG || kofu_mono_ms() - j->start_ms < j->end_ms)
        return;
    j->state = j->end == END_COMPLETE ? IPP_JSTATE_COMPLETED
               : j->end == END_ABORT  ? IPP_JSTATE_ABORTED
                                      : IPP_JSTATE_CANCELED;
    if (!j->applied && sim.nafter >= 0) {
        memcpy(sim.reasons, sim.after, sizeof sim.reasons);
        sim.nreasons = sim.nafter;
        if (sim.state == IPP_PSTATE_PROCESSING)
            sim.state = IPP_PSTATE_IDLE;
    }
    j->applied = true;
}

static struct job *find_job(int id)
{
    for (int i = 0; i < MAX_JOBS; i++)
        if (sim.jobs[i].id == id && id > 0)
            return &sim.jobs[i];
    return NULL;
}

static void add_reasons(ipp_t *resp)
{
    if (sim.nreasons == 0) {
        ippAddString(resp, IPP_TAG_PRINTER, IPP_TAG_KEYWORD, "printer-state-reasons", NULL, "none");
        return;
    }
    const char *v[MAX_REASONS];
    for (int i = 0; i < sim.nreasons; i++)
        v[i] = sim.reasons[i];
    ippAddStrings(resp, IPP_TAG_PRINTER, IPP_TAG_KEYWORD, "printer-state-reasons", sim.nreasons, NULL, v);
}

static void add_job(ipp_t *resp, const struct job *j)
{
    char uri[128];
    snprintf(uri, sizeof uri, "ipp://localhost:%d/ipp/print/%d", sim.port, j->id);
    ippAddInteger(resp, IPP_TAG_JOB, IPP_TAG_INTEGER, "job-id", j->id);
    ippAddString(resp, IPP_TAG_JOB, IPP_TAG_URI, "job-uri", NULL, uri);
    ippAddInteger(resp, IPP_TAG_JOB, IPP_TAG_ENUM, "job-state", j->state);
    const char *why = j->state == IPP_JSTATE_COMPLETED  ? "job-completed-successfully"
                      : j->state == IPP_JSTATE_ABORTED  ? "aborted-by-system"
                      : j->state == IPP_JSTATE_CANCELED ? "job-canceled-at-device"
                                                        : "job-printing";
    ippAddString(resp, IPP_TAG_JOB, IPP_TAG_KEYWORD, "job-state-reasons", NULL, why);
}

/* Answers one IPP request; the document (if any) has been read already. */
static ipp_t *handle(ipp_t *req)
{
    ipp_t *resp = ippNewResponse(req);
    ipp_attribute_t *a = ippFindAttribute(req, "job-id", IPP_TAG_INTEGER);
    int job_id = a ? ippGetInteger(a, 0) : 0;
    pthread_mutex_lock(&sim.lock);
    for (int i = 0; i < MAX_JOBS; i++)
        if (sim.jobs[i].id)
            update_job(&sim.jobs[i]);
    switch (ippGetOperation(req)) {
    case IPP_OP_GET_PRINTER_ATTRIBUTES: {
        static const char *const formats[] = {"application/pdf"};
        ippSetStatusCode(resp, IPP_STATUS_OK);
        ippAddInteger(resp, IPP_TAG_PRINTER, IPP_TAG_ENUM, "printer-state", sim.state);
        add_reasons(resp);
        ippAddBoolean(resp, IPP_TAG_PRINTER, "printer-is-accepting-jobs", sim.accepting);
        ippAddString(resp, IPP_TAG_PRINTER, IPP_TAG_NAME, "printer-name", NULL, "ipp-standin");
        ippAddStrings(resp, IPP_TAG_PRINTER, IPP_TAG_MIMETYPE, "document-format-supported", 1, NULL, formats);
        break;
    }
    case IPP_OP_PRINT_JOB: {
        if (!sim.accepting) {
            ippSetStatusCode(resp, IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS);
            break;
        }
        struct job *slot = &sim.jobs[(sim.next_id - 1) % MAX_JOBS];
        memset(slot, 0, sizeof *slot);
        slot->id = sim.next_id++;
        slot->state = IPP_JSTATE_PROCESSING;
        slot->start_ms = kofu_mono_ms();
        slot->end = sim.end;
        slot->end_ms = sim.job_ms;
        sim.state = IPP_PSTATE_PROCESSING;
        ippSetStatusCode(resp, IPP_STATUS_OK);
        add_job(resp, slot);
        break;
    }
    case IPP_OP_GET_JOB_ATTRIBUTES: {
        struct job *j = find_job(job_id);
        ippSetStatusCode(resp, j ? IPP_STATUS_OK : IPP_STATUS_ERROR_NOT_FOUND);
        if (j)
            add_job(resp, j);
        break;
    }
    case IPP_OP_GET_JOBS:
        ippSetStatusCode(resp, IPP_STATUS_OK);
        for (int i = 0; i < MAX_JOBS; i++) {
            if (sim.jobs[i].id && sim.jobs[i].state < IPP_JSTATE_CANCELED) {
                add_job(resp, &sim.jobs[i]);
                ippAddSeparator(resp);
            }
        }
        break;
    case IPP_OP_CANCEL_JOB: {
        struct job *j = find_job(job_id);
        if (!j) {
            ippSetStatusCode(resp, IPP_STATUS_ERROR_NOT_FOUND);
        } else if (j->state >= IPP_JSTATE_CANCELED) {
            ippSetStatusCode(resp, IPP_STATUS_ERROR_NOT_POSSIBLE);
        } else {
            j->state = IPP_JSTATE_CANCELED;
            j->applied = true;
            ippSetStatusCode(resp, IPP_STATUS_OK);
        }
        break;
    }
    default:
        ippSetStatusCode(resp, IPP_STATUS_ERROR_OPERATION_NOT_SUPPORTED);
        break;
    }
    bool busy = false;
    for (int i = 0; i < MAX_JOBS; i++)
        busy |= sim.jobs[i].id && sim.jobs[i].state == IPP_JSTATE_PROCESSING;
    if (!busy && sim.state == IPP_PSTATE_PROCESSING)
        sim.state = IPP_PSTATE_IDLE;
    pthread_mutex_unlock(&sim.lock);
    return resp;
}

/* GET /set?key=value&...: changes the behaviour. */
static void configure(const char *query)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", query);
    pthread_mutex_lock(&sim.lock);
    for (char *save = NULL, *kv = strtok_r(buf, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        char *v = strchr(kv, '=');
        if (!v)
            continue;
        *v++ = '\0';
        if (strcmp(kv, "state") == 0)
            sim.state = atoi(v);
        else if (strcmp(kv, "reasons") == 0)
            sim.nreasons = split_keywords(v, sim.reasons);
        else if (strcmp(kv, "accepting") == 0)
            sim.accepting = atoi(v) != 0;
        else if (strcmp(kv, "job") == 0)
            sim.end = strcmp(v, "abort") == 0    ? END_ABORT
                      : strcmp(v, "cancel") == 0 ? END_CANCEL
                      : strcmp(v, "hang") == 0   ? END_HANG
                                                 : END_COMPLETE;
        else if (strcmp(kv, "job-ms") == 0)
            sim.job_ms = atol(v);
        else if (strcmp(kv, "after") == 0)
            sim.nafter = strcmp(v, "-") == 0 ? -1 : split_keywords(v, sim.after);
    }
    pthread_mutex_unlock(&sim.lock);
}

/* Sends an IPP response, or (resp NULL) a one-line text body: every
 * answer has a length, since a length of 0 would make libcups send a
 * chunked body. */
static bool respond(http_t *http, http_status_t code, ipp_t *resp)
{
    char text[64];
    snprintf(text, sizeof text, "%s\n", httpStatus(code));
    httpClearFields(http);
    httpSetField(http, HTTP_FIELD_CONTENT_TYPE, resp ? "application/ipp" : "text/plain");
    httpSetLength(http, resp ? ippLength(resp) : strlen(text));
    if (httpWriteResponse(http, code) < 0)
        return false;
    if (resp) {
        ippSetState(resp, IPP_STATE_IDLE);
        if (ippWrite(http, resp) != IPP_STATE_DATA)
            return false;
    } else if (httpWrite2(http, text, strlen(text)) < 0) {
        return false;
    }
    return httpFlushWrite(http) >= 0;
}

/* One HTTP request; false ends the connection. */
static bool serve_one(http_t *http)
{
    char uri[1024];
    http_state_t hs;
    while ((hs = httpReadRequest(http, uri, sizeof uri)) == HTTP_STATE_WAITING)
        usleep(1);
    if (hs == HTTP_STATE_ERROR || hs == HTTP_STATE_UNKNOWN_METHOD || hs == HTTP_STATE_UNKNOWN_VERSION)
        return false;
    http_status_t st;
    while ((st = httpUpdate(http)) == HTTP_STATUS_CONTINUE)
        ;
    if (st != HTTP_STATUS_OK)
        return false;
    if (hs == HTTP_STATE_GET) {
        const char *q = strchr(uri, '?');
        if (strncmp(uri, "/set", 4) != 0 || !q)
            return respond(http, HTTP_STATUS_NOT_FOUND, NULL);
        configure(q + 1);
        return respond(http, HTTP_STATUS_OK, NULL);
    }
    if (hs != HTTP_STATE_POST || strcmp(httpGetField(http, HTTP_FIELD_CONTENT_TYPE), "application/ipp"))
        return respond(http, HTTP_STATUS_BAD_REQUEST, NULL);
    ipp_t *req = ippNew();
    ipp_state_t is;
    while ((is = ippRead(http, req)) != IPP_STATE_DATA) {
        if (is == IPP_STATE_ERROR) {
            ippDelete(req);
            respond(http, HTTP_STATUS_BAD_REQUEST, NULL);
            return false;
        }
    }
    if (httpGetExpect(http) == HTTP_STATUS_CONTINUE && httpWriteResponse(http, HTTP_STATUS_CONTINUE) < 0) {
        ippDelete(req);
        return false;
    }
    /* The document: read and dropped, never stored. */
    char buf[16384];
    while (httpRead2(http, buf, sizeof buf) > 0)
        ;
    ipp_t *resp = handle(req);
    bool ok = respond(http, HTTP_STATUS_OK, resp);
    ippDelete(resp);
    ippDelete(req);
    return ok;
}

static void *serve(void *arg)
{
    http_t *http = arg;
    while (httpWait(http, 30000) && serve_one(http))
        ;
    httpClose(http);
    return NULL;
}

int main(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2)
        if (strcmp(argv[i], "--port") == 0)
            sim.port = atoi(argv[i + 1]);
    if (sim.port <= 0 || sim.port > 65535) {
        fprintf(stderr, "usage: ipp-standin --port PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    char service[16];
    snprintf(service, sizeof service, "%d", sim.port);
    http_addrlist_t *addrs = httpAddrGetList("127.0.0.1", AF_INET, service);
    int fd = addrs ? httpAddrListen(&addrs->addr, sim.port) : -1;
    httpAddrFreeList(addrs);
    if (fd < 0) {
        fprintf(stderr, "ipp-standin: cannot listen on 127.0.0.1:%d\n", sim.port);
        return 1;
    }
    printf("ipp-standin: ready on 127.0.0.1:%d\n", sim.port);
    fflush(stdout);
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, -1) <= 0)
            continue;
        http_t *http = httpAcceptConnection(fd, 1);
        if (!http)
            continue;
        pthread_t t;
        if (pthread_create(&t, NULL, serve, http) != 0) {
            httpClose(http);
            continue;
        }
        pthread_detach(t);
    }
}
