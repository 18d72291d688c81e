/* diag.c — see diag.h: the table of checks, the run, the report's JSON. */
#include "diag/diag.h"

#include "base/clock.h"
#include "base/errors.h"
#include "base/version.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const struct {
    const char *name;
    void (*run)(const struct diag_env *env, struct diag_result *r);
} checks[DIAG_CHECK__COUNT] = {
    [DIAG_CHECK_READER] = {"reader", diag_check_reader},
    [DIAG_CHECK_PRINTER] = {"printer", diag_check_printer},
    [DIAG_CHECK_CENTER] = {"center", diag_check_center},
    [DIAG_CHECK_CREDENTIALS] = {"credentials", diag_check_credentials},
    [DIAG_CHECK_CLOCK] = {"clock", diag_check_clock},
    [DIAG_CHECK_PAYMENT] = {"payment", diag_check_payment},
    [DIAG_CHECK_AUDIO] = {"audio", diag_check_audio},
    [DIAG_CHECK_DISPLAY] = {"display", diag_check_display},
    [DIAG_CHECK_TOUCH] = {"touch", diag_check_touch},
    [DIAG_CHECK_SPOOL] = {"spool", diag_check_spool},
    [DIAG_CHECK_VAULT] = {"vault", diag_check_vault},
    [DIAG_CHECK_LOG] = {"log", diag_check_log},
};

const char *diag_check_name(enum diag_check_id id)
{
    return (unsigned)id < DIAG_CHECK__COUNT ? checks[id].name : NULL;
}

int diag_check_find(const char *name)
{
    for (int i = 0; name && i < DIAG_CHECK__COUNT; i++)
        if (!strcmp(checks[i].name, name))
            return i;
    return -1;
}

void diag_verdict(struct diag_result *r, enum diag_status st, int err, const char *en_fmt, const char *ja_fmt, ...)
{
    if (st < r->status)
        return;
    r->status = st;
    r->err = err;
    va_list ap, ap2;
    va_start(ap, ja_fmt);
    va_copy(ap2, ap);
    vsnprintf(r->summary_en, sizeof r->summary_en, en_fmt, ap);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(r->summary_ja, sizeof r->summary_ja, ja_fmt, ap2);
#pragma GCC diagnostic pop
    va_end(ap2);
    va_end(ap);
}

bool diag_in_use_by_kiosk(const struct diag_env *env, const void *lent, const char *device, struct diag_result *r)
{
    if (!env->kiosk_running || lent)
        return false;
    json_object_set_new(r->detail, "in_use_by_kiosk", json_true());
    json_object_set_new(r->detail, "device", json_string(device ? device : ""));
    /* What can be told without opening it: that its node is there. A name
     * that is not a path (an ALSA PCM, the sim's "") tells nothing. */
    struct stat sb;
    if (device && device[0] == '/')
        json_object_set_new(r->detail, "device_present", json_boolean(stat(device, &sb) == 0));
    diag_verdict(r, DIAG_OK, KOFU_OK, "In use by the running kiosk: test it from the service mode",
                 "稼働中のキオスクが使用中：サービスモードで確認してください");
    return true;
}

static int run_one(const struct diag_env *env, enum diag_check_id id, struct diag_result *r)
{
    memset(r, 0, sizeof *r);
    r->id = id;
    r->status = DIAG_OK;
    r->err = KOFU_OK;
    r->detail = json_object();
    if (!r->detail)
        return KOFU_E_NOMEM;
    double t0 = kofu_mono_ms_f();
    checks[id].run(env, r);
    r->ms = kofu_mono_ms_f() - t0;
    if (!r->summary_en[0] && r->status == DIAG_OK) {
        snprintf(r->summary_en, sizeof r->summary_en, "OK");
        snprintf(r->summary_ja, sizeof r->summary_ja, "正常");
    }
    return KOFU_OK;
}

int diag_run(const struct diag_env *env, const char *only, struct diag_report *out)
{
    memset(out, 0, sizeof *out);
    if (!env || !env->cfg || !env->board)
        return KOFU_E_ARG;
    int one = -1;
    if (only && (one = diag_check_find(only)) < 0)
        return KOFU_E_ARG;
    for (int i = 0; i < DIAG_CHECK__COUNT; i++) {
        if (one >= 0 && i != one)
            continue;
        int rc = run_one(env, (enum diag_check_id)i, &out->checks[out->n]);
        if (rc != KOFU_OK) {
            diag_report_free(out);
            return rc;
        }
        out->n++;
    }
    return KOFU_OK;
}

enum diag_status diag_report_worst(const struct diag_report *r)
{
    enum diag_status worst = DIAG_OK;
    for (size_t i = 0; i < r->n; i++)
        if (r->checks[i].status > worst)
            worst = r->checks[i].status;
    return worst;
}

json_t *diag_report_json(const struct diag_report *r, const char *board_name)
{
    json_t *list = json_array();
    json_t *root = json_pack("{s:s, s:s, s:o}", "version", KOFU_VERSION, "board", board_name ? board_name : "",
                             "checks", list);
    if (!root)
        return NULL;
    for (size_t i = 0; i < r->n; i++) {
        const struct diag_result *c = &r->checks[i];
        /* O takes a reference to the check's own detail; o takes over the fresh one. */
        json_t *one = c->detail ? json_pack("{s:s, s:s, s:O}", "name", diag_check_name(c->id), "status",
                                            diag_status_name(c->status), "detail", c->detail)
                                : json_pack("{s:s, s:s, s:o}", "name", diag_check_name(c->id), "status",
                                            diag_status_name(c->status), "detail", json_object());
        if (!one || json_array_append_new(list, one) != 0) {
            json_decref(root);
            return NULL;
        }
    }
    return root;
}

void diag_report_free(struct diag_report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        json_decref(r->checks[i].detail);
        r->checks[i].detail = NULL;
    }
    r->n = 0;
}
