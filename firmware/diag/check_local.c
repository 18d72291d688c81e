/* check_local.c — see diag.h. (Being written: the checks below report that they are not built yet.) */
#include "diag/diag.h"

#include "base/clock.h"
#include "base/errors.h"
#include "base/vault.h"
#include "diag/service_state.h"
#include "drivers/audio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include <math.h>

/* ---- audio, display, touch: the devices, and what the technician saw ---- */

/* An offset a technician notices on a button (a quarter of the smallest
 * target): beyond it the panel needs calibrating, in the device tree. */
#define TOUCH_OFFSET_WARN_PX 20

/* The console closes the speaker it opened only once the test prompt has
 * played to its end (closing drops a prompt still playing): the driver
 * says when it went idle, within a bound far above a spoken prompt. */
#define AUDIO_WAIT_MAX_MS 15000

void diag_check_audio(const struct diag_env *env, struct diag_result *r)
{
    const struct kofu_config *c = env->cfg;
    json_object_set_new(r->detail, "device", json_string(c->audio_device));
    json_object_set_new(r->detail, "prompt", json_string(DIAG_TEST_PROMPT));
    if (diag_in_use_by_kiosk(env, env->au, c->audio_device, r))
        return;
    struct audio own = {0};
    const struct audio *au = env->au;
    int rc = KOFU_OK;
    bool opened = false;
    if (!au) {
        own.ops = env->board->audio;
        rc = own.ops ? own.ops->open(&own.ctx, c->audio_device, c->prompt_dir) : KOFU_E_AUDIO;
        opened = rc == KOFU_OK;
        au = &own;
    }
    if (rc == KOFU_OK)
        rc = au->ops->play(au->ctx, "ja", DIAG_TEST_PROMPT);
    bool played = rc == KOFU_OK;
    if (opened && rc == KOFU_OK) {
        double t0 = kofu_mono_ms_f();
        played = !own.ops->wait_idle || own.ops->wait_idle(own.ctx, AUDIO_WAIT_MAX_MS);
        json_object_set_new(r->detail, "waited_ms", json_integer((json_int_t)(kofu_mono_ms_f() - t0)));
        if (!played)
            rc = KOFU_E_AUDIO;
    }
    if (opened)
        own.ops->close(own.ctx);
    json_object_set_new(r->detail, "played", json_boolean(played));
    if (rc != KOFU_OK) {
        diag_verdict(r, DIAG_FAIL, rc, "The test prompt could not be played: check the speaker's cable and the audio_device setting",
                     "テスト音声を再生できません：スピーカーの配線と audio_device の設定を確認してください");
        return;
    }
    int heard = env->confirmed ? env->confirmed->audio_heard : -1;
    json_object_set_new(r->detail, "heard", heard < 0 ? json_null() : json_boolean(heard == 1));
    if (heard == 0)
        diag_verdict(r, DIAG_FAIL, KOFU_E_TEST_NOT_CONFIRMED,
                     "Played but not heard: check the speaker, its cable and the volume",
                     "再生したが聞こえない：スピーカー・配線・音量を確認してください");
    else if (heard < 0)
        diag_verdict(r, DIAG_OK, KOFU_OK, "Test prompt played (not confirmed by ear: use the audio test)",
                     "テスト音声を再生（聞こえたかは音声テストで確認）");
    else
        diag_verdict(r, DIAG_OK, KOFU_OK, "Test prompt played and heard", "テスト音声を再生、聞こえることを確認");
}

void diag_check_display(const struct diag_env *env, struct diag_result *r)
{
    const struct kofu_config *c = env->cfg;
    const struct board_display *bd = board_find_display(env->board, c->display);
    json_object_set_new(r->detail, "kind", json_string(bd ? bd->name : c->display));
    /* Closing the kiosk's framebuffer would blank the screen residents see. */
    if (diag_in_use_by_kiosk(env, env->disp, c->display_device, r))
        return;
    int w = 0, h = 0, rc = KOFU_OK;
    if (env->disp) {
        w = env->disp->width;
        h = env->disp->height;
    } else if (!bd) {
        rc = KOFU_E_CONFIG;
    } else {
        void *ctx = NULL;
        w = c->screen_width;
        h = c->screen_height;
        rc = bd->display->open(&ctx, c->display_device, &w, &h);
        if (rc == KOFU_OK)
            bd->display->close(ctx);
    }
    if (rc != KOFU_OK) {
        diag_verdict(r, DIAG_FAIL, rc == KOFU_E_CONFIG ? KOFU_E_CONFIG : KOFU_E_DISPLAY,
                     "The display cannot be opened: check the panel's cable and the display settings",
                     "画面を開けません：パネルの配線と display の設定を確認してください");
        return;
    }
    json_object_set_new(r->detail, "width", json_integer(w));
    json_object_set_new(r->detail, "height", json_integer(h));
    int ok = env->confirmed ? env->confirmed->display_ok : -1;
    json_object_set_new(r->detail, "patterns_ok", ok < 0 ? json_null() : json_boolean(ok == 1));
    if (ok == 0)
        diag_verdict(r, DIAG_FAIL, KOFU_E_TEST_NOT_CONFIRMED,
                     "The test patterns did not look right: check the panel and its cable; replace the panel",
                     "テスト画面に異常あり：パネルと配線を確認し、必要ならパネルを交換してください");
    else if (w < 800 || h < 480)
        diag_verdict(r, DIAG_FAIL, KOFU_E_DISPLAY, "The panel is %dx%d, below 800x480", "パネルが %dx%d で 800x480 未満です",
                     w, h);
}

void diag_check_touch(const struct diag_env *env, struct diag_result *r)
{
    const struct kofu_config *c = env->cfg;
    /* The kiosk has grabbed its panel (EVIOCGRAB). */
    if (diag_in_use_by_kiosk(env, env->in, c->input_device, r))
        return;
    const struct board_display *bd = board_find_display(env->board, c->display);
    int rc = KOFU_OK;
    bool panel = env->in || (bd && bd->input);
    if (!env->in && panel) {
        void *ctx = NULL;
        rc = bd->input->open(&ctx, c->input_device, c->screen_width, c->screen_height);
        if (rc == KOFU_OK)
            bd->input->close(ctx);
    }
    /* The headless sim display has no panel: its taps come from scripts. */
    json_object_set_new(r->detail, "device",
                        json_string(!panel ? "none" : *c->input_device ? c->input_device : bd ? bd->name : ""));
    if (!panel)
        diag_verdict(r, DIAG_OK, KOFU_OK, "No touch panel on this display (scripted input)",
                     "この画面にタッチパネルはありません（スクリプト入力）");
    if (rc != KOFU_OK) {
        diag_verdict(r, DIAG_FAIL, KOFU_E_INPUT, "The touch panel cannot be opened: check its cable and input_device",
                     "タッチパネルを開けません：配線と input_device の設定を確認してください");
        return;
    }
    const struct diag_confirmations *cf = env->confirmed;
    if (!cf || cf->n_taps <= 0)
        return;
    json_t *taps = json_array();
    int worst = 0;
    for (int i = 0; i < cf->n_taps && i < DIAG_TAPS_MAX; i++) {
        const struct diag_tap *t = &cf->taps[i];
        int dx = t->x - t->target_x, dy = t->y - t->target_y;
        int d = (int)lround(sqrt((double)dx * dx + (double)dy * dy));
        worst = d > worst ? d : worst;
        json_t *o = json_object();
        json_object_set_new(o, "target_x", json_integer(t->target_x));
        json_object_set_new(o, "target_y", json_integer(t->target_y));
        json_object_set_new(o, "x", json_integer(t->x));
        json_object_set_new(o, "y", json_integer(t->y));
        json_object_set_new(o, "dx", json_integer(dx));
        json_object_set_new(o, "dy", json_integer(dy));
        json_array_append_new(taps, o);
    }
    json_object_set_new(r->detail, "taps", taps);
    json_object_set_new(r->detail, "max_offset_px", json_integer(worst));
    json_object_set_new(r->detail, "warn_offset_px", json_integer(TOUCH_OFFSET_WARN_PX));
    if (cf->n_taps < DIAG_TAPS_MAX)
        diag_verdict(r, DIAG_FAIL, KOFU_E_TEST_NOT_CONFIRMED, "The touch test ended after %d of %d targets",
                     "タッチテストが %d／%d で終わりました", cf->n_taps, DIAG_TAPS_MAX);
    else if (worst > TOUCH_OFFSET_WARN_PX)
        diag_verdict(r, DIAG_WARN, KOFU_E_INPUT,
                     "Touch offset up to %d px: calibrate the panel in the device tree (touchscreen-* properties)",
                     "タッチ位置のずれ最大 %d px：デバイスツリーでパネルを校正してください", worst);
    else
        diag_verdict(r, DIAG_OK, KOFU_OK, "Touch offset at most %d px", "タッチ位置のずれ最大 %d px", worst);
}

/* The kiosk's vault on a board whose panel is not known here (the console):
 * a 1920×1080 frame, a page, and kiosk.c's visit area (4 MiB). */
#define CONSOLE_VAULT_BYTES ((size_t)1920 * 1080 * 4 + 4096 + 4 * 1024 * 1024)

/* Whether n bytes can be locked in memory now: tried for real. */
static bool can_lock(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return false;
    bool ok = mlock(p, n) == 0;
    if (ok)
        munlock(p, n);
    munmap(p, n);
    return ok;
}

void diag_check_vault(const struct diag_env *env, struct diag_result *r)
{
    bool in_kiosk = vault_size() > 0;
    size_t bytes = in_kiosk ? vault_size() : CONSOLE_VAULT_BYTES;
    struct rlimit rl;
    long long limit = -2; /* not known */
    if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0)
        limit = rl.rlim_cur == RLIM_INFINITY ? -1 : (long long)rl.rlim_cur;
    /* The kiosk's vault was locked when it was set up (or the kiosk would
     * not run); the console tries the size with its own limit. */
    bool locked = in_kiosk || can_lock(bytes);
    json_object_set_new(r->detail, "vault_bytes", json_integer((json_int_t)bytes));
    json_object_set_new(r->detail, "memlock_limit_bytes", json_integer(limit));
    json_object_set_new(r->detail, "lockable", json_boolean(locked));
    json_object_set_new(r->detail, "in_kiosk", json_boolean(in_kiosk));
    if (env->vault_clean >= 0)
        json_object_set_new(r->detail, "clean", json_boolean(env->vault_clean == 1));
    if (!locked)
        /* The console's login limit, not necessarily the kiosk service's. */
        diag_verdict(r, DIAG_WARN, KOFU_E_VAULT,
                     "%zu bytes cannot be locked in memory under this login's RLIMIT_MEMLOCK (%lld): give the "
                     "kiosk's service LimitMEMLOCK=infinity or CAP_IPC_LOCK",
                     "メモリに%zuバイトを固定できません（このログインのRLIMIT_MEMLOCK %lld）：キオスクのサービスに"
                     "LimitMEMLOCK=infinityかCAP_IPC_LOCKを与えてください",
                     bytes, limit);
    if (env->vault_clean == 0)
        diag_verdict(r, DIAG_FAIL, KOFU_E_VAULT, "the vault still holds data of a visit: restart the kiosk",
                     "保管領域に利用者のデータが残っています：キオスクを再起動してください");
    else if (env->vault_clean < 0 && r->status == DIAG_OK)
        diag_verdict(r, DIAG_OK, KOFU_OK, "%zu bytes lockable; clean: not known (not running in the kiosk)",
                     "%zuバイト固定可能；消去状態：不明（キオスク内で実行していません）", bytes);
    else if (r->status == DIAG_OK)
        diag_verdict(r, DIAG_OK, KOFU_OK, "%zu bytes locked in memory and clean", "%zuバイトをメモリに固定、消去済み",
                     bytes);
}

static void utc_time(int64_t t, char *buf, size_t cap)
{
    struct tm tm;
    time_t tt = (time_t)t;
    buf[0] = '\0';
    if (t > 0 && gmtime_r(&tt, &tm))
        strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void diag_check_log(const struct diag_env *env, struct diag_result *r)
{
    struct service_state st;
    const struct service_state *s = env->state;
    if (!s) {
        struct service_state_file f;
        int rc = service_state_open(&f, env->cfg->state_file, false, &st);
        service_state_close(&f);
        s = &st;
        if (rc != KOFU_OK) {
            json_object_set_new(r->detail, "state_file", json_string(env->cfg->state_file));
            diag_verdict(r, DIAG_WARN, KOFU_E_CONFIG,
                         "the state file cannot be read (missing, not permitted, or damaged): the counters are "
                         "not known",
                         "状態ファイルを読めません（無い、権限が無い、または破損）：件数は不明です");
            return;
        }
    }
    char since[32];
    utc_time(s->c.since, since, sizeof since);
    json_object_set_new(r->detail, "since", json_string(since));
    json_object_set_new(r->detail, "visits", json_integer(s->c.visits));
    json_object_set_new(r->detail, "certificates", json_integer(s->c.certificates));
    json_object_set_new(r->detail, "refunds", json_integer(s->c.refunds));
    json_object_set_new(r->detail, "receipts", json_integer(s->c.receipts));
    json_object_set_new(r->detail, "credential_failures", json_integer(s->l.failures));
    json_t *errors = json_object();
    unsigned long total = 0;
    for (int i = 0; i < SERVICE_ERR_SLOTS; i++) {
        if (!s->c.errors[i])
            continue;
        /* Slot 0: codes the slots do not cover. */
        json_object_set_new(errors, i ? kofu_err_name(-i) : "other", json_integer(s->c.errors[i]));
        total += s->c.errors[i];
    }
    json_object_set_new(r->detail, "errors", errors);
    diag_verdict(r, DIAG_OK, KOFU_OK, "%lu visits, %lu certificates, %lu errors since %s",
                 "%lu回の利用、%lu枚の証明書、%lu件のエラー（%sから）", (unsigned long)s->c.visits,
                 (unsigned long)s->c.certificates, total, since[0] ? since : "-");
}
