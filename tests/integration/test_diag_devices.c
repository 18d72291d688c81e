/*
 * test_diag_devices.c — the technician's device checks (reader, printer,
 * payment, spool; firmware/diag/check_devices.c) through the real peers:
 * pcscd with cardsim behind vpcd, ippeveprinter (its /media and /supplies
 * forms and its STATE: protocol for the faults), an isolated cupsd for the
 * queue mode, the sim acceptor and the serial driver on a pty. The checks
 * are called as the service mode and `kofu diag` call them, with a struct
 * diag_env filled here; the checks open the board's drivers themselves
 * (nothing lent) unless a test lends one.
 */
#include "tests/harness.h"
#include "tests/printer/printer_harness.h"

#include "base/clock.h"
#include "base/config.h"
#include "base/errors.h"
#include "board/board.h"
#include "diag/diag.h"
#include "drivers/payment/serial.h"

#include <cups/cups.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#define YAMADA "tests/cardsim/residents/yamada.json"
#define QUEUE "kofu"

static struct harness h;
static struct printer_peer peer;
static struct kofu_config cfg;
static struct board board; /* the sim board, its acceptor swapped per test */
static struct diag_env env;
static struct diag_result res;

static int group_setup(void **state)
{
    (void)state;
    if (harness_start_pcscd(&h) != 0 || harness_start_cardsim(&h, YAMADA, NULL) != 0 ||
        printer_peer_start(&peer) != 0 || printer_peer_start_cupsd(&peer, QUEUE) != 0) {
        printer_peer_stop(&peer);
        harness_stop(&h);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    printer_peer_stop(&peer);
    harness_stop(&h);
    return 0;
}

/* Each test: the sim board's devices, the reader empty, a healthy printer
 * over plain ipp:// (loopback in the test's own namespace: a private link). */
static int fresh(void **state)
{
    (void)state;
    config_defaults(&cfg);
    snprintf(cfg.reader, sizeof cfg.reader, "%s", h.reader);
    snprintf(cfg.printer_uri, sizeof cfg.printer_uri, "%s", peer.uri);
    cfg.printer_private_link = true;
    cfg.payment_device[0] = '\0';
    board = board_sim;
    memset(&env, 0, sizeof env);
    env.cfg = &cfg;
    env.board = &board;
    env.vault_clean = -1;
    memset(&res, 0, sizeof res);
    char reply[256];
    if (harness_card(&h, "remove", reply, sizeof reply) != 0 || harness_wait_card(&h, false, 5000) != 0)
        return -1;
    printer_peer_cancel_active(peer.uri);
    if (printer_peer_wait_idle(peer.uri, 15000) != 0)
        return -1;
    int rc = printer_peer_media(&peer, true) | printer_peer_toner(&peer, true) |
             printer_peer_state(&peer, "-media-jam,cover-open,paused,other,media-low,toner-low");
    char path[400];
    snprintf(path, sizeof path, "%s/next-job", peer.dir);
    unlink(path);
    return rc == 0 ? 0 : -1;
}

/* Runs one check as diag_run runs it (a fresh result with an empty
 * detail) and prints what a technician would read. */
static void run(void (*check)(const struct diag_env *, struct diag_result *), enum diag_check_id id)
{
    json_decref(res.detail);
    memset(&res, 0, sizeof res);
    res.id = id;
    res.detail = json_object();
    double t0 = kofu_mono_ms_f();
    check(&env, &res);
    res.ms = kofu_mono_ms_f() - t0;
    char *d = json_dumps(res.detail, JSON_COMPACT);
    printf("  %s: %s (%.0f ms) %s / %s\n    %s\n", diag_check_name(id), diag_status_name(res.status), res.ms,
           res.summary_en, res.summary_ja, d ? d : "?");
    free(d);
}

static int teardown_result(void **state)
{
    (void)state;
    json_decref(res.detail);
    res.detail = NULL;
    return 0;
}

static json_t *field(const char *key)
{
    json_t *v = json_object_get(res.detail, key);
    assert_non_null(v);
    return v;
}

static void assert_words(const char *en, const char *ja)
{
    assert_non_null(strstr(res.summary_en, en));
    assert_non_null(strstr(res.summary_ja, ja));
}

/* ---- every device healthy --------------------------------------------------- */

static void test_all_healthy(void **state)
{
    (void)state;
    struct diag_report rep;
    const char *names[] = {"reader", "printer", "payment", "spool"};
    for (size_t i = 0; i < 4; i++) {
        double t0 = kofu_mono_ms_f();
        assert_int_equal(diag_run(&env, names[i], &rep), KOFU_OK);
        double took = kofu_mono_ms_f() - t0;
        assert_int_equal(rep.n, 1);
        const struct diag_result *r = &rep.checks[0];
        char *d = json_dumps(r->detail, JSON_COMPACT);
        printf("  %s: %s in %.1f ms: %s\n", names[i], diag_status_name(r->status), took, d);
        assert_int_equal(r->status, DIAG_OK);
        assert_int_equal(r->err, KOFU_OK);
        assert_true(took < 1000);
        free(d);
        json_t *det = r->detail;
        switch (i) {
        case 0:
            assert_true(json_is_true(json_object_get(det, "service")));
            assert_string_equal(json_string_value(json_object_get(det, "reader")), h.reader);
            assert_true(json_is_false(json_object_get(det, "card_present")));
            assert_true(json_is_null(json_object_get(det, "atr")));
            break;
        case 1: {
            assert_string_equal(json_string_value(json_object_get(det, "uri")), peer.uri);
            assert_string_equal(json_string_value(json_object_get(det, "state")), "idle");
            assert_true(json_is_true(json_object_get(det, "accepting_jobs")));
            json_t *media = json_object_get(det, "media_ready");
            assert_true(json_array_size(media) >= 1);
            assert_string_equal(json_string_value(json_array_get(media, 0)), "iso_a4_210x297mm");
            json_t *sup = json_object_get(det, "supplies");
            assert_true(json_array_size(sup) >= 2);
            bool black = false;
            for (size_t k = 0; k < json_array_size(sup); k++) {
                json_t *s = json_array_get(sup, k);
                if (!strcmp(json_string_value(json_object_get(s, "type")), "toner")) {
                    black = true;
                    assert_int_equal(json_integer_value(json_object_get(s, "level")), 100);
                    assert_string_equal(json_string_value(json_object_get(s, "color")), "black");
                }
            }
            assert_true(black);
            assert_int_equal(json_integer_value(json_object_get(det, "jobs_pending")), 0);
            break;
        }
        case 2: {
            assert_true(json_is_true(json_object_get(det, "answered")));
            json_t *levels = json_object_get(det, "levels");
            assert_true(json_array_size(levels) >= 4);
            assert_int_equal(json_integer_value(json_object_get(json_array_get(levels, 0), "yen")), 10);
            break;
        }
        case 3:
            assert_string_equal(json_string_value(json_object_get(det, "mode")), "ipp");
            assert_int_equal(json_integer_value(json_object_get(det, "printer_jobs")), 0);
            assert_true(json_is_null(json_object_get(det, "queue_jobs")));
            break;
        }
        diag_report_free(&rep);
    }
}

/* ---- reader ----------------------------------------------------------------- */

static int card_apdus(void)
{
    char reply[256];
    assert_int_equal(harness_card(&h, "status", reply, sizeof reply), 0);
    const char *a = strstr(reply, "apdus=");
    assert_non_null(a);
    return atoi(a + 6);
}

static void test_card_left_in_reader(void **state)
{
    (void)state;
    char reply[256];
    assert_int_equal(harness_card(&h, "insert", reply, sizeof reply), 0);
    assert_int_equal(harness_wait_card(&h, true, 5000), 0);
    int before = card_apdus();
    run(diag_check_reader, DIAG_CHECK_READER);
    assert_int_equal(res.status, DIAG_WARN);
    assert_int_equal(res.err, KOFU_E_CARD_LEFT);
    assert_true(json_is_true(field("card_present")));
    assert_string_equal(json_string_value(field("atr")), "3BE000FF8131FE4514");
    assert_words("Card left", "カード");
    /* The card was not read: not one APDU reached it. */
    assert_int_equal(card_apdus(), before);
    /* And it was powered down again: another program can connect now. */
    assert_int_equal(harness_card(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "powered=0"));
}

static void test_no_reader(void **state)
{
    (void)state;
    snprintf(cfg.reader, sizeof cfg.reader, "No Such Reader 99");
    run(diag_check_reader, DIAG_CHECK_READER);
    assert_int_equal(res.status, DIAG_FAIL);
    assert_int_equal(res.err, KOFU_E_NO_READER);
    assert_true(json_is_true(field("service")));
    assert_true(json_is_null(field("reader")));
    assert_words("No card reader", "カードリーダー");
}

/* A reader the kiosk lends is used as it is and left open. */
static void test_lent_reader_left_open(void **state)
{
    (void)state;
    struct card_reader rd = {.ops = board.card_reader};
    assert_int_equal(rd.ops->open(&rd.ctx, cfg.reader), KOFU_OK);
    env.rd = &rd;
    snprintf(cfg.reader, sizeof cfg.reader, "No Such Reader 99"); /* not opened again: the lent one counts */
    run(diag_check_reader, DIAG_CHECK_READER);
    assert_int_equal(res.status, DIAG_OK);
    assert_string_equal(json_string_value(field("reader")), h.reader);
    assert_int_equal(rd.ops->wait_present(rd.ctx, 0), KOFU_E_NO_CARD); /* still open and usable */
    rd.ops->close(rd.ctx);
}

/* ---- printer ---------------------------------------------------------------- */

static void test_printer_out_of_paper(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_media(&peer, false), 0);
    run(diag_check_printer, DIAG_CHECK_PRINTER);
    assert_int_equal(res.status, DIAG_FAIL);
    assert_int_equal(res.err, KOFU_E_PRINTER_MEDIA_EMPTY);
    assert_string_equal(res.summary_en, "Out of paper: load A4 paper in the tray");
    assert_string_equal(res.summary_ja, "用紙切れ：トレイにA4用紙を補給してください");
    bool said = false;
    json_t *reasons = field("reasons");
    for (size_t i = 0; i < json_array_size(reasons); i++)
        said |= strncmp(json_string_value(json_array_get(reasons, i)), "media-empty", 11) == 0;
    assert_true(said);
}

static void test_printer_door_open(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_state(&peer, "+cover-open"), 0);
    run(diag_check_printer, DIAG_CHECK_PRINTER);
    assert_int_equal(res.status, DIAG_FAIL);
    assert_int_equal(res.err, KOFU_E_PRINTER_DOOR_OPEN);
    assert_string_equal(res.summary_en, "Door open: close the printer's front door");
    assert_words("Door open", "ドア");
}

static void test_printer_supply_low(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_toner_level(&peer, 4), 0);
    run(diag_check_printer, DIAG_CHECK_PRINTER);
    assert_int_equal(res.status, DIAG_WARN);
    assert_int_equal(res.err, KOFU_E_PRINTER_SUPPLY_LOW);
    assert_non_null(strstr(res.summary_en, "low"));
    json_t *sup = field("supplies");
    bool low = false;
    for (size_t k = 0; k < json_array_size(sup); k++) {
        json_t *s = json_array_get(sup, k);
        if (!strcmp(json_string_value(json_object_get(s, "type")), "toner"))
            low = json_integer_value(json_object_get(s, "level")) == 4;
    }
    assert_true(low);
}

static void test_printer_unreachable(void **state)
{
    (void)state;
    snprintf(cfg.printer_uri, sizeof cfg.printer_uri, "ipp://localhost:9/ipp/print");
    run(diag_check_printer, DIAG_CHECK_PRINTER);
    assert_int_equal(res.status, DIAG_FAIL);
    assert_int_equal(res.err, KOFU_E_PRINTER_UNREACHABLE);
    assert_true(res.ms < 4000);
    /* The spool cannot be known then either. */
    run(diag_check_spool, DIAG_CHECK_SPOOL);
    assert_int_equal(res.status, DIAG_FAIL);
}

/* ---- spool ------------------------------------------------------------------- */

/* Submits a one-page job as another client would (a job kofu did not
 * purge), to host:port resource; its id, or 0. */
static int submit_job(const char *host, int port, const char *resource, const char *printer_uri)
{
    static const char doc[] = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                              "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                              "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
                              "trailer<</Root 1 0 R>>\n%%EOF\n";
    http_t *http = httpConnect2(host, port, NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 3000, NULL);
    if (!http)
        return 0;
    ipp_t *req = ippNewRequest(IPP_OP_PRINT_JOB);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, printer_uri);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, "kofu");
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", NULL, "left-behind");
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, "document-format", NULL, "application/pdf");
    int id = 0;
    if (cupsSendRequest(http, req, resource, ippLength(req) + sizeof doc - 1) == HTTP_STATUS_CONTINUE)
        cupsWriteRequestData(http, doc, sizeof doc - 1);
    ipp_t *resp = cupsGetResponse(http, resource);
    ippDelete(req);
    if (resp && ippGetStatusCode(resp) <= IPP_STATUS_OK_EVENTS_COMPLETE) {
        ipp_attribute_t *a = ippFindAttribute(resp, "job-id", IPP_TAG_INTEGER);
        id = a ? ippGetInteger(a, 0) : 0;
    }
    ippDelete(resp);
    httpClose(http);
    return id;
}

static void test_job_left_at_the_printer(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_next_job(&peer, "sleep 5\n"), 0);
    char printer_uri[160];
    snprintf(printer_uri, sizeof printer_uri, "ipp://localhost:%d/ipp/print", peer.ipp_port);
    assert_true(submit_job("localhost", peer.ipp_port, "/ipp/print", printer_uri) > 0);
    run(diag_check_spool, DIAG_CHECK_SPOOL);
    assert_int_equal(res.status, DIAG_WARN);
    assert_int_equal(res.err, KOFU_E_SPOOL_NOT_EMPTY);
    assert_int_equal(json_integer_value(field("printer_jobs")), 1);
    assert_true(json_is_null(field("queue_jobs")));
    assert_words("1 job(s) waiting", "1件");
    assert_true(printer_peer_cancel_active(peer.uri) >= 1);
}

static void test_queue_mode(void **state)
{
    (void)state;
    snprintf(cfg.printer_uri, sizeof cfg.printer_uri, "%s@%s", QUEUE, peer.cups_socket);
    cfg.printer_private_link = false; /* a local socket is no link */
    run(diag_check_spool, DIAG_CHECK_SPOOL);
    assert_int_equal(res.status, DIAG_OK);
    assert_string_equal(json_string_value(field("mode")), "cups-queue");
    assert_int_equal(json_integer_value(field("queue_jobs")), 0);
    run(diag_check_printer, DIAG_CHECK_PRINTER);
    assert_int_equal(res.status, DIAG_OK);
    assert_string_equal(json_string_value(field("uri")), cfg.printer_uri);

    /* A job another client printed and nobody purged: done at the printer,
     * still in cupsd's history (and control file). */
    char printer_uri[160];
    snprintf(printer_uri, sizeof printer_uri, "ipp://localhost/printers/%s", QUEUE);
    int id = submit_job(peer.cups_socket, ippPort(), "/printers/" QUEUE, printer_uri);
    assert_true(id > 0);
    int kept = -1;
    for (int i = 0; i < 150; i++) {
        run(diag_check_spool, DIAG_CHECK_SPOOL);
        if (json_integer_value(field("printer_jobs")) == 0)
            break;
        usleep(100000);
    }
    kept = (int)json_integer_value(field("queue_jobs"));
    assert_int_equal(json_integer_value(field("printer_jobs")), 0);
    assert_int_equal(kept, 1);
    assert_int_equal(res.status, DIAG_WARN);
    assert_int_equal(res.err, KOFU_E_SPOOL_NOT_EMPTY);
    assert_words("CUPS queue keeps 1 job", "CUPSキュー");

    /* Purged, as kofu purges its own: the check is clean again. */
    http_t *http = httpConnect2(peer.cups_socket, ippPort(), NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 3000, NULL);
    assert_non_null(http);
    ipp_t *req = ippNewRequest(IPP_OP_CANCEL_JOB);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, printer_uri);
    ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", id);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, "kofu");
    ippAddBoolean(req, IPP_TAG_OPERATION, "purge-job", 1);
    ippDelete(cupsDoRequest(http, req, "/printers/" QUEUE));
    httpClose(http);
    assert_int_equal(printer_peer_cups_jobs(&peer), 0);
    run(diag_check_spool, DIAG_CHECK_SPOOL);
    assert_int_equal(res.status, DIAG_OK);
}

/* ---- payment ----------------------------------------------------------------- */

static void test_sim_acceptor_dead(void **state)
{
    (void)state;
    snprintf(cfg.payment_device, sizeof cfg.payment_device, "dead");
    run(diag_check_payment, DIAG_CHECK_PAYMENT);
    assert_int_equal(res.status, DIAG_FAIL);
    assert_int_equal(res.err, KOFU_E_PAYMENT_DEVICE);
    assert_true(json_is_false(field("answered")));
}

/* A pty whose device end is kept by the test; the slave's path goes to
 * payment_device and the board's acceptor becomes the serial driver. */
static int serial_on_pty(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    assert_int_equal(ptsname_r(master, cfg.payment_device, sizeof cfg.payment_device), 0);
    board.payment = &serial_payment_ops;
    return master;
}

static void test_acceptor_silent(void **state)
{
    (void)state;
    int master = serial_on_pty();
    run(diag_check_payment, DIAG_CHECK_PAYMENT);
    assert_int_equal(res.status, DIAG_FAIL);
    assert_int_equal(res.err, KOFU_E_PAYMENT_DEVICE);
    assert_true(json_is_false(field("answered")));
    assert_true(json_is_null(field("levels")));
    assert_words("not answering", "応答しません");
    /* Within its 1 s (and not much more). */
    assert_true(res.ms >= PAYMENT_SERIAL_REPLY_MS - 5 && res.ms < PAYMENT_SERIAL_REPLY_MS + 500);
    /* It asked once, and never again. */
    char buf[256];
    ssize_t n = read(master, buf, sizeof buf - 1);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_string_equal(buf, "STATUS\n");
    close(master);
}

/* A device end that answers as docs/payment.md says, with the 100-yen
 * tube empty. */
static void *answer(void *arg)
{
    int fd = *(int *)arg;
    char line[64];
    size_t len = 0;
    for (;;) {
        char ch;
        if (read(fd, &ch, 1) != 1)
            return NULL;
        if (ch != '\n') {
            if (len < sizeof line - 1)
                line[len++] = ch;
            continue;
        }
        line[len] = '\0';
        len = 0;
        const char *say = !strcmp(line, "STATUS")   ? "OK\n"
                          : !strcmp(line, "LEVELS") ? "LEVEL 10 50\nLEVEL 50 20\nLEVEL 100 0\nLEVEL 500 12\nOK\n"
                                                    : "ERR unknown\n";
        if (write(fd, say, strlen(say)) < 0)
            return NULL;
    }
}

static void test_acceptor_coin_empty(void **state)
{
    (void)state;
    int master = serial_on_pty();
    struct termios t;
    int pre = open(cfg.payment_device, O_RDWR | O_NOCTTY | O_CLOEXEC); /* raw before the driver's first line */
    assert_true(pre >= 0);
    assert_int_equal(tcgetattr(pre, &t), 0);
    cfmakeraw(&t);
    assert_int_equal(tcsetattr(pre, TCSANOW, &t), 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, answer, &master), 0);
    run(diag_check_payment, DIAG_CHECK_PAYMENT);
    close(pre);
    assert_int_equal(res.status, DIAG_WARN);
    assert_true(json_is_true(field("answered")));
    assert_true(json_real_value(field("rtt_ms")) < 1000);
    assert_int_equal(json_array_size(field("levels")), 4);
    assert_string_equal(res.summary_en, "No 100-yen coins for change: refill the change hopper");
    assert_words("100", "100円");
    close(master); /* the answering thread's read ends */
    pthread_join(th, NULL);
}

/* Last: pcscd goes away (the test stops it by its PID). */
static void test_pcscd_down(void **state)
{
    (void)state;
    assert_true(h.pcscd > 0);
    kill(h.pcscd, SIGTERM);
    assert_int_equal(waitpid(h.pcscd, NULL, 0), h.pcscd);
    h.pcscd = 0;
    run(diag_check_reader, DIAG_CHECK_READER);
    assert_int_equal(res.status, DIAG_FAIL);
    assert_int_equal(res.err, KOFU_E_NO_SERVICE);
    assert_true(json_is_false(field("service")));
    assert_true(res.ms < 3000);
    assert_words("pcscd", "pcscd");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_all_healthy, fresh, teardown_result),
        cmocka_unit_test_setup_teardown(test_card_left_in_reader, fresh, teardown_result),
        cmocka_unit_test_setup_teardown(test_no_reader, fresh, teardown_result),
        cmocka_unit_test_setup_teardown(test_lent_reader_left_open, fresh, teardown_result),
        cmocka_unit_test_setup_teardown(test_printer_out_of_paper, fresh, teardown_result),
        cmocka_unit_test_setup_teardown(test_printer_door_open, fresh, teardown_result),
        cmocka_unit_test_setup_teardown(test_printer_supply_low, fresh, teardown_result),
        cmocka_unit_test_setup_teardown(test_printer_unreachable, fresh, teardown_result),
        cmocka_unit_test_setup_teardown(test_job_left_at_the_printer, fresh, teardown_result),
        cmocka_unit_test_setup_teardown(test_queue_mode, fresh, teardown_result),
        cmocka_unit_test_setup_teardown(test_sim_acceptor_dead, fresh, teardown_result),
        cmocka_unit_test_setup_teardown(test_acceptor_silent, fresh, teardown_result),
        cmocka_unit_test_setup_teardown(test_acceptor_coin_empty, fresh, teardown_result),
        cmocka_unit_test_setup_teardown(test_pcscd_down, fresh, teardown_result),
    };
    return cmocka_run_group_tests_name("diag device checks through the real peers", tests, group_setup,
                                       group_teardown);
}
