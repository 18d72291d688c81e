/* check_local.c — see diag.h. (Being written: the checks below report that they are not built yet.) */
#include "diag/diag.h"

#include "base/errors.h"

#include <math.h>

/* ---- audio, display, touch: the devices, and what the technician saw ---- */

/* An offset a technician notices on a button (a quarter of the smallest
 * target): beyond it the panel needs calibrating, in the device tree. */
#define TOUCH_OFFSET_WARN_PX 20

void diag_check_audio(const struct diag_env *env, struct diag_result *r)
{
    const struct kofu_config *c = env->cfg;
    json_object_set_new(r->detail, "device", json_string(c->audio_device));
    json_object_set_new(r->detail, "prompt", json_string(DIAG_TEST_PROMPT));
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
    if (opened)
        own.ops->close(own.ctx);
    json_object_set_new(r->detail, "played", json_boolean(rc == KOFU_OK));
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

void diag_check_vault(const struct diag_env *env, struct diag_result *r)
{
    (void)env;
    diag_verdict(r, DIAG_FAIL, KOFU_E_INTERNAL, "not built yet", "未実装");
}

void diag_check_log(const struct diag_env *env, struct diag_result *r)
{
    (void)env;
    diag_verdict(r, DIAG_FAIL, KOFU_E_INTERNAL, "not built yet", "未実装");
}

