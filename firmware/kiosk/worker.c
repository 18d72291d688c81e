/*
 * worker.c — the thread a device call runs on.
 *
 * Owns: running one device call (devices.c) on a worker thread while this,
 * the main thread, keeps the screen alive: the waiting screen's progress
 * moves, and the session is ticked so that its "please wait" warning
 * (wait_warn_ms) appears — but only up to its wait_timeout, and only its
 * SHOW_SCREEN and PLAY_PROMPT are carried out meanwhile: a visit can never
 * be ended (and wiped) under a call still using its data. Touches made
 * during the wait are dropped, so that they cannot press whatever the next
 * screen puts under the finger (the tray sensor's is kept for after the
 * call: input.c). The worker is handed its call struct and
 * nothing else (kiosk_priv.h says who owns what); it runs on a stack of
 * kofu's own that is wiped after every join (wipestack.h).
 */
#include "kiosk/kiosk_priv.h"

#include "base/errors.h"
#include "base/log.h"

#include <pthread.h>
#include <time.h>

struct device_job {
    void (*fn)(void *call);
    void *call;
    pthread_mutex_t lock;
    pthread_cond_t finished;
    bool done;
};

static void *device_job_main(void *arg)
{
    struct device_job *j = arg;
    j->fn(j->call);
    pthread_mutex_lock(&j->lock);
    j->done = true;
    pthread_cond_signal(&j->finished);
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

/* Wait up to 20 ms for the job; true once it is done (woken at once). */
static bool device_job_wait(struct device_job *j)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += 20 * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&j->lock);
    while (!j->done && pthread_cond_timedwait(&j->finished, &j->lock, &until) == 0)
        ;
    bool done = j->done;
    pthread_mutex_unlock(&j->lock);
    return done;
}

static void pump_while(struct kiosk *k, struct device_job *j)
{
    uint64_t deadline = (uint64_t)kofu_mono_ms() + k->s.cfg.wait_timeout_ms;
    while (!device_job_wait(j)) {
        uint64_t now = (uint64_t)kofu_mono_ms();
        if (now < deadline)
            kiosk_feed_watchdog(k, now); /* past it, the service manager takes over */
        if (session_waiting_on_device(&k->s, now)) {
            struct session_actions out;
            struct session_event tick = kiosk_event_of(SESSION_EV_TICK, KOFU_OK);
            session_step(&k->s, &tick, now, &out);
            for (size_t i = 0; i < out.n; i++) {
                if (out.a[i].kind == SESSION_ACT_SHOW_SCREEN)
                    kiosk_show_screen(k, &out.a[i]);
                else if (out.a[i].kind == SESSION_ACT_PLAY_PROMPT)
                    kiosk_play(k, &out.a[i]);
                else /* cannot happen before wait_timeout: logged if it ever does */
                    kofu_log(KOFU_LOG_ERROR, EV_SESSION, KOFU_E_INTERNAL, (uint32_t)out.a[i].kind);
            }
        }
        kiosk_redraw_if_moving(k, now);
        struct input_event ie;
        while (k->in.ops && k->in.ops->read(k->in.ctx, &ie) > 0) {
            if (ie.kind == INPUT_QUIT)
                k->quit = true;
            if (ie.kind == INPUT_KEY)
                kiosk_service_key_in_call(k, ie.key); /* the service key is remembered */
            /* The tray sensor is no touch on the next screen: the
             * certificate taken during the change's payout still counts. */
            if (ie.kind == INPUT_TRAY_EMPTY)
                k->tray_emptied_in_call = true;
        }
    }
}

void kiosk_run_device_call(struct kiosk *k, void (*fn)(void *call), void *call)
{
    struct device_job j = {.fn = fn, .call = call, .done = false};
    k->in_call = true;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.finished, &ca);
    pthread_condattr_destroy(&ca);
    pthread_t th;
    pthread_attr_t attr;
    bool own_stack = k->worker_stack.map && pthread_attr_init(&attr) == 0;
    if (own_stack && wipestack_attr(&k->worker_stack, &attr) != KOFU_OK) {
        pthread_attr_destroy(&attr);
        own_stack = false;
    }
    if (!own_stack || pthread_create(&th, &attr, device_job_main, &j) != 0) {
        fn(call);
    } else {
        pump_while(k, &j);
        pthread_join(th, NULL);
        /* Its frames held what passed through the call (the PIN's VERIFY,
         * the card's files, the center's answer). */
        wipestack_wipe(&k->worker_stack);
    }
    if (own_stack)
        pthread_attr_destroy(&attr);
    pthread_cond_destroy(&j.finished);
    pthread_mutex_destroy(&j.lock);
    k->in_call = false;
}
