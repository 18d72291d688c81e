/*
 * kiosk.c — start-up, the main loop and tear-down of `kofu run`.
 *
 * Owns: opening the board's devices, the trust, the fonts and the vault
 * (the frame and the PIN below the mark, a visit above it), the session's
 * configuration, confining the process (sandbox.h), the loop that polls the
 * center, the card, the input and the acceptor and ticks the session, and
 * closing everything again. The other jobs are in the files kiosk_priv.h
 * lists.
 */
#include "kiosk/kiosk_priv.h"

#include "base/errors.h"
#include "base/log.h"
#include "base/vault.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>

/* Room for one visit: card files, the center's answer, the verified data,
 * the PDF and the preview's pixels (A4 at ~0.7 px/pt, 1.1 MB). */
#define KIOSK_VISIT_BYTES (4 * 1024 * 1024)
#define KIOSK_TICK_MS 50

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int minute_of_day(void)
{
    time_t t = time(NULL);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return -1;
    return tm.tm_hour * 60 + tm.tm_min;
}

static int open_devices(struct kiosk *k, const struct board_display *bd)
{
    int rc;
    k->disp.ops = bd->display;
    k->disp.width = k->cfg.screen_width;
    k->disp.height = k->cfg.screen_height;
    rc = k->disp.ops->open(&k->disp.ctx, k->cfg.display_device, &k->disp.width, &k->disp.height);
    if (rc != KOFU_OK) {
        k->disp.ops = NULL;
        fprintf(stderr, "kofu: display: %s\n", kofu_err_text(rc, KOFU_LANG_EN));
        return rc;
    }
    if (bd->input) {
        k->in.ops = bd->input;
        rc = k->in.ops->open(&k->in.ctx, k->cfg.input_device, k->disp.width, k->disp.height);
        if (rc != KOFU_OK) {
            k->in.ops = NULL;
            fprintf(stderr, "kofu: input: %s\n", kofu_err_text(rc, KOFU_LANG_EN));
            return rc;
        }
    }
    k->au.ops = k->board->audio;
    rc = k->au.ops->open(&k->au.ctx, k->cfg.audio_device, k->cfg.prompt_dir);
    if (rc != KOFU_OK) {
        k->au.ops = NULL;
        fprintf(stderr, "kofu: audio: %s\n", kofu_err_text(rc, KOFU_LANG_EN));
        return rc;
    }
    k->pay.ops = k->board->payment;
    rc = k->pay.ops->open(&k->pay.ctx, k->cfg.payment_device);
    if (rc != KOFU_OK) {
        k->pay.ops = NULL;
        fprintf(stderr, "kofu: payment: %s\n", kofu_err_text(rc, KOFU_LANG_EN));
        return rc;
    }
    k->pr.ops = k->board->printer;
    const struct printer_trust trust = {k->cfg.printer_ca_file, k->cfg.printer_private_link};
    rc = k->pr.ops->open(&k->pr.ctx, k->cfg.printer_uri, printer_mode_of(k->cfg.printer_uri), &trust);
    if (rc != KOFU_OK) {
        k->pr.ops = NULL;
        fprintf(stderr, "kofu: printer: %s\n", kofu_err_text(rc, KOFU_LANG_EN));
        return rc;
    }
    k->rd.ops = k->board->card_reader;
    return KOFU_OK;
}

static void close_devices(struct kiosk *k)
{
    kiosk_disconnect_card(k);
    if (k->reader_open)
        k->rd.ops->close(k->rd.ctx);
    if (k->pr.ops)
        k->pr.ops->close(k->pr.ctx);
    if (k->pay.ops)
        k->pay.ops->close(k->pay.ctx);
    if (k->au.ops)
        k->au.ops->close(k->au.ctx);
    if (k->in.ops)
        k->in.ops->close(k->in.ctx);
    if (k->disp.ops)
        k->disp.ops->close(k->disp.ctx);
}

static int setup(struct kiosk *k)
{
    const struct board_display *bd = board_find_display(k->board, k->cfg.display);
    if (!bd) {
        fprintf(stderr, "kofu: display '%s' is not one of board %s's\n", k->cfg.display, k->board->name);
        return KIOSK_EXIT_USAGE;
    }
    char err[512] = "";
    if (certificate_trust_load(&k->cfg, &k->trust, err, sizeof err) != KOFU_OK) {
        fprintf(stderr, "kofu: %s\n", err);
        return KIOSK_EXIT_USAGE;
    }
    /* Read once, before the sandbox. Without it the kiosk still serves
     * (the domestic certificate needs no passport), but fails closed:
     * every passport then fails passive authentication, and the resident
     * is offered the domestic certificate. The technician reads why here
     * and in the log (EV_CONFIG, KOFU_E_CONFIG, what 1). */
    if (mrtd_trust_load(k->cfg.passport_csca, &k->passport_trust, err, sizeof err) != KOFU_OK) {
        k->passport_trust = NULL;
        fprintf(stderr, "kofu: passport_csca: %s: every passport will fail passive authentication\n", err);
        kofu_log(KOFU_LOG_ERROR, EV_CONFIG, KOFU_E_CONFIG, 1);
    }
    if (document_fonts_init(&k->fonts) != KOFU_OK || screens_init() != KOFU_OK) {
        fprintf(stderr, "kofu: %s / %s\n", kofu_err_text(KOFU_E_FONT, KOFU_LANG_EN),
                kofu_err_text(KOFU_E_FONT, KOFU_LANG_JA));
        return KIOSK_EXIT_DEVICE;
    }
    if (center_client_new(&k->cfg, &k->cc) != KOFU_OK) {
        fprintf(stderr, "kofu: the center's settings (center_url, center_ca_file, kiosk_cert_file, "
                        "kiosk_key_file) are incomplete or unreadable\n");
        return KIOSK_EXIT_USAGE;
    }
    if (open_devices(k, bd) != KOFU_OK)
        return KIOSK_EXIT_DEVICE;

    /* The screen's pixels, then the PIN, below the mark; a visit above it. */
    k->stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, k->disp.width);
    size_t frame_bytes = (size_t)k->stride * (size_t)k->disp.height;
    if (vault_init(frame_bytes + 4096 + KIOSK_VISIT_BYTES) != KOFU_OK ||
        wipestack_init(&k->worker_stack, WIPESTACK_WORKER_BYTES) != KOFU_OK || wipestack_main_init() != KOFU_OK) {
        fprintf(stderr, "kofu: %s\n", kofu_err_text(KOFU_E_VAULT, KOFU_LANG_EN));
        return KIOSK_EXIT_DEVICE;
    }
    /* No page of the process may reach swap: required on the kiosk; on
     * the sim board (a developer's machine, maybe without CAP_IPC_LOCK)
     * the vault alone stays locked and the refusal is logged. */
    int locked = vault_lock_process();
    if (locked != KOFU_OK) {
        kofu_log(KOFU_LOG_ERROR, EV_MEMORY_LOCK, locked, 0);
        if (board_is_product(k->board)) {
            fprintf(stderr, "kofu: %s\n", kofu_err_text(KOFU_E_VAULT, KOFU_LANG_EN));
            return KIOSK_EXIT_DEVICE;
        }
    }
    k->frame = vault_alloc(frame_bytes);
    k->pin.digits = vault_alloc(KIOSK_PIN_BYTES);
    k->keypad = vault_alloc(sizeof *k->keypad);
    k->mrz_keys = vault_alloc(sizeof *k->mrz_keys);
    if (!k->frame || !k->pin.digits || !k->keypad || !k->mrz_keys)
        return KIOSK_EXIT_DEVICE;
    /* The keypad is the source of the passport's numbers; a board with a
     * document scanner would set its own here (mrz_source.h). */
    k->mrz = (struct mrz_source){&mrz_keypad_source, k->keypad};
    k->frame_surface = cairo_image_surface_create_for_data(k->frame, CAIRO_FORMAT_ARGB32, k->disp.width,
                                                           k->disp.height, k->stride);
    k->vault_base = vault_mark();

    struct session_config sc;
    session_config_from(&sc, &k->cfg);
    session_init(&k->s, &sc, (uint64_t)kofu_mono_ms());
    k->model.municipality = -1;
    for (int i = 0; i < 10; i++)
        k->model.pin_layout[i] = (unsigned char)i;
    kiosk_service_init(k);
    return KIOSK_EXIT_OK;
}

/* Everything is open and located: from here on nothing is written, read
 * from elsewhere or started (sandbox.h). The kiosk board fails closed. */
static int confine(struct kiosk *k, const struct kiosk_options *o)
{
    static struct sandbox_policy p;
    int rc = sandbox_policy_for_config(&p, &k->cfg, config_path_for_command(o->config_path));
    p.required = board_is_product(k->board);
    p.test_outputs = !p.required && k->hooks && k->hooks->sandbox_outputs;
    /* The fonts were loaded at start-up: fontconfig's periodic rescan (every
     * 30 s in Debian's fonts.conf) could only reload them mid-visit, inside
     * the sandbox. It fails only without a configuration, i.e. no fonts,
     * and a rescan would still be allowed (sandbox.c): not a reason to stop. */
    (void)FcConfigSetRescanInterval(NULL, 0);
    if (rc == KOFU_OK && p.test_outputs)
        rc = k->hooks->sandbox_outputs(k->hooks_ctx, &p);
    if (rc == KOFU_OK)
        rc = sandbox_enter(&p, NULL);
    if (rc == KOFU_OK)
        return KIOSK_EXIT_OK;
    fprintf(stderr, "kofu: %s / %s\n", kofu_err_text(KOFU_E_SANDBOX, KOFU_LANG_EN),
            kofu_err_text(KOFU_E_SANDBOX, KOFU_LANG_JA));
    return KIOSK_EXIT_SANDBOX;
}

static void teardown(struct kiosk *k)
{
    if (k->preview)
        cairo_surface_destroy(k->preview);
    if (k->frame_surface)
        cairo_surface_destroy(k->frame_surface);
    if (k->disp.ops)
        k->disp.ops->clear(k->disp.ctx);
    close_devices(k);
    if (k->have_ccfg)
        center_config_free(&k->ccfg);
    center_client_free(k->cc);
    certificate_trust_free(&k->trust);
    if (k->passport_trust)
        mrtd_trust_free(k->passport_trust);
    document_fonts_free(&k->fonts);
    kiosk_service_free(k);
    screens_free();
    wipestack_destroy(&k->worker_stack);
    vault_destroy();
}

static void loop(struct kiosk *k)
{
    uint64_t next_tick = 0;
    bool warmed = false;
    /* A screen first ("preparing"), then the center: a slow or absent
     * center must not leave the display dark. */
    kiosk_tick(k, minute_of_day());
    while (!k->quit && !stop_requested) {
        uint64_t now = (uint64_t)kofu_mono_ms();
        /* The technician has the kiosk (service.c): the session, the card
         * and the center wait until the mode is left. */
        bool serviced = kiosk_service_turn(k, now);
        if (!serviced)
            kiosk_fetch_center_config(k, now); /* when due; posts the configuration */
        if (!serviced)
            kiosk_poll_card(k);
        kiosk_poll_input(k);
        kiosk_poll_payment(k); /* posts what was inserted */
        kiosk_run_queue(k);
        if (now >= next_tick) {
            next_tick = now + KIOSK_TICK_MS;
            if (!serviced)
                kiosk_tick(k, minute_of_day());
            if (!serviced)
                kiosk_redraw_if_moving(k, now);
        }
        if (!warmed && k->drawn && k->s.state == SESSION_IDLE) {
            warmed = true;
            kiosk_warm_up_rendering(k);
            kiosk_notify(k, "READY=1");
        }
        kiosk_feed_watchdog(k, (uint64_t)kofu_mono_ms());
        if (k->hooks && k->hooks->poll)
            k->hooks->poll(k->hooks_ctx, k);
        if (k->quit)
            break;
        if (k->stack_wipe_due) {
            /* Here, at the main loop's own depth: everything a visit's
             * rendering left lies below this frame. */
            k->stack_wipe_due = false;
            if (wipestack_wipe_below() != KOFU_OK) {
                kofu_log(KOFU_LOG_ERROR, EV_VAULT_WIPE, KOFU_E_INTERNAL, 0);
                /* A kiosk that cannot wipe stops serving (and is restarted
                 * by its service manager: a new process holds nothing). */
                if (board_is_product(k->board)) {
                    k->exit_code = KIOSK_EXIT_DEVICE;
                    k->quit = true;
                }
            }
        }

        struct pollfd fds[2];
        nfds_t n = 0;
        int fd = k->in.ops ? k->in.ops->fd(k->in.ctx) : -1;
        if (fd >= 0)
            fds[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
        fd = k->pay.ops->fd(k->pay.ctx);
        if (fd >= 0)
            fds[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
        uint64_t after = (uint64_t)kofu_mono_ms();
        int wait = next_tick > after ? (int)(next_tick - after) : 0;
        if (poll(fds, n, wait) < 0 && errno != EINTR)
            break;
    }
}

int kiosk_run(const struct kiosk_options *o)
{
    static struct kiosk kiosk; /* one per process; large (the screen's model and layout, the event queue) */
    struct kiosk *k = &kiosk;
    memset(k, 0, sizeof *k);
    k->state_file.fd = -1;
    k->service_lock.fd = -1;
    k->start_ms = (uint64_t)kofu_mono_ms();
    k->board = o->board;
    k->exit_code = KIOSK_EXIT_OK;
    kiosk_notify_init(k);
    k->hooks = o->hooks;
    k->hooks_ctx = o->hooks_ctx;
    if (o->hooks && board_is_product(o->board)) {
        fprintf(stderr, "kofu: a test build's hooks drive the sim board only / テスト用ビルドのフックは sim ボードでのみ使えます\n");
        return KIOSK_EXIT_USAGE;
    }
    if (config_load_for_command(&k->cfg, o->config_path) != KOFU_OK)
        return KIOSK_EXIT_USAGE;

    struct sigaction sa = {.sa_handler = on_stop_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int rc = setup(k);
    if (rc == KIOSK_EXIT_OK) {
        kiosk_state_open(k); /* before the sandbox: written to afterwards */
        /* For our whole life: the console's `kofu diag` then leaves our devices alone. */
        if (service_lock_mark_kiosk(&k->service_lock) != KOFU_OK)
            kofu_log(KOFU_LOG_ERROR, EV_CONFIG, KOFU_E_CONFIG, 0);
    }
    if (rc == KIOSK_EXIT_OK)
        rc = confine(k, o);
    if (rc == KIOSK_EXIT_OK) {
        loop(k);
        rc = k->exit_code;
        /* The end of the run ends any visit in progress: nothing stays. */
        kiosk_wipe_visit(k);
        kiosk_state_visit_wiped(k);
        kiosk_disconnect_card(k);
        explicit_bzero(k->frame, (size_t)k->stride * (size_t)k->disp.height);
        kiosk_print_figures(k, rc);
    }
    kiosk_notify(k, "STOPPING=1");
    teardown(k);
    kiosk_state_close(k);
    if (k->notify_fd >= 0)
        close(k->notify_fd);
    return rc;
}
