/*
 * service_cmds.c — the script's `service` command (README, "Scripted runs"):
 * the technician's side of a scripted run, through the kiosk's service
 * hooks (firmware/kiosk/service.h) and the service screens' own hit test.
 *
 *   service                          the board's maintenance key
 *   service tap NAME                 a target: digit-N, enter, clear, back, cancel, ok,
 *                                    language, run-all, check-NAME, run-one, test-print,
 *                                    audio, display, touch, reset, leave, yes, no, again, next
 *   service code DIGITS              each digit's key on the pad on display (shuffled or not)
 *   service touch DX DY              a tap DX, DY pixels off the touch test's current target
 *   service wait STATE [SECONDS]     until the mode is in STATE (mode_state_name)
 *   service expect STATE             the mode is in STATE now
 *   service expect-check NAME STATUS the check's last status: ok, warn, fail or none
 */
#include "kiosk_script.h"

#include "diag/diag.h"
#include "diag/mode.h"
#include "kiosk/service.h"
#include "ui/service_screens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool state_known(const char *name)
{
    for (int i = 0; i < MODE_STATE__COUNT; i++)
        if (!strcmp(mode_state_name((enum mode_state)i), name))
            return true;
    return false;
}

const char *kiosk_script_service_check(int argc, char *const *argv)
{
    if (argc == 0)
        return NULL;
    const char *sub = argv[0];
    if (!strcmp(sub, "tap") || !strcmp(sub, "code"))
        return argc == 2 ? NULL : "service tap NAME / service code DIGITS";
    if (!strcmp(sub, "touch"))
        return argc == 3 && atoi(argv[1]) > -500 && atoi(argv[2]) > -500 ? NULL : "service touch DX DY";
    if (!strcmp(sub, "wait") || !strcmp(sub, "expect"))
        return argc >= 2 && argc <= 3 && state_known(argv[1]) ? NULL : "unknown service state";
    if (!strcmp(sub, "expect-check"))
        return argc == 3 && diag_check_find(argv[1]) >= 0 &&
                       (!strcmp(argv[2], "ok") || !strcmp(argv[2], "warn") || !strcmp(argv[2], "fail") ||
                        !strcmp(argv[2], "none"))
                   ? NULL
                   : "service expect-check NAME ok|warn|fail|none";
    return "service [tap NAME|code DIGITS|touch DX DY|wait STATE [S]|expect STATE|expect-check NAME STATUS]";
}

static const struct service_target *find(const struct kiosk *k, const char *name)
{
    const struct service_layout *l = kiosk_service_layout(k);
    if (!l)
        return NULL;
    for (size_t i = 0; i < l->n; i++) {
        const struct service_target *t = &l->t[i];
        char full[64];
        if (t->kind == SERVICE_T_DIGIT)
            snprintf(full, sizeof full, "digit-%d", t->index);
        else if (t->kind == SERVICE_T_CHECK)
            snprintf(full, sizeof full, "check-%s", diag_check_name((enum diag_check_id)t->index));
        else
            snprintf(full, sizeof full, "%s", service_target_name(t->kind));
        if (!strcmp(full, name))
            return t;
    }
    return NULL;
}

static int tap(struct kiosk *k, const char *name, char *why, size_t cap)
{
    const struct service_target *t = find(k, name);
    if (!t) {
        snprintf(why, cap, "no such service target on this screen: %s (the mode is %s)", name, kiosk_service_state(k));
        return -1;
    }
    kiosk_touch(k, (int)(t->x + t->w / 2), (int)(t->y + t->h / 2));
    return 1;
}

int kiosk_script_service(struct kiosk *k, int argc, char *const *argv, uint64_t elapsed_ms, uint64_t wait_ms, char *why,
                         size_t cap)
{
    if (argc == 0) {
        kiosk_key(k, kiosk_service_key_code(k));
        return 1;
    }
    const char *sub = argv[0];
    if (!strcmp(sub, "tap"))
        return tap(k, argv[1], why, cap);
    if (!strcmp(sub, "code")) {
        for (const char *p = argv[1]; *p; p++) {
            char name[16];
            snprintf(name, sizeof name, "digit-%c", *p);
            if (tap(k, name, why, cap) < 0)
                return -1;
        }
        return 1;
    }
    if (!strcmp(sub, "touch")) {
        int x, y;
        if (!kiosk_service_touch_target(k, &x, &y)) {
            snprintf(why, cap, "the touch test is not on (the mode is %s)", kiosk_service_state(k));
            return -1;
        }
        kiosk_touch(k, x + atoi(argv[1]), y + atoi(argv[2]));
        return 1;
    }
    if (!strcmp(sub, "wait") || !strcmp(sub, "expect")) {
        if (!strcmp(kiosk_service_state(k), argv[1]))
            return 1;
        uint64_t limit = argc == 3 ? (uint64_t)(atof(argv[2]) * 1000) : wait_ms;
        if (!strcmp(sub, "wait") && elapsed_ms < limit)
            return 0;
        snprintf(why, cap, "the service mode is %s, not %s", kiosk_service_state(k), argv[1]);
        return -1;
    }
    /* expect-check */
    int st = kiosk_service_check_status(k, argv[1]);
    const char *got = st == -1 ? "none" : st < 0 ? "?" : diag_status_name((enum diag_status)st);
    if (strcmp(got, argv[2])) {
        snprintf(why, cap, "check %s is %s, not %s", argv[1], got, argv[2]);
        return -1;
    }
    return 1;
}
