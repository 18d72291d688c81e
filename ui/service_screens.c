/*
 * service_screens.c — the service mode's screens (service_screens.h).
 *
 * Laid out in design pixels on a canvas of at least 1280×800 that cairo
 * scales onto the surface, as the resident's screens are. The technician's
 * screens are denser than the resident's (twelve checks on one page) but
 * keep the buttons at least BTN_H design pixels high. The display's test
 * patterns and the touch test draw in device pixels: a pattern must reach
 * every pixel, and a tap's offset is measured in the panel's own pixels.
 *
 * Not thread-safe: one UI thread draws.
 */
#include "ui/service_screens.h"
#include "ui/screens_text.h"

#include "base/words.h"
#include "ui/document.h"
#include "ui/text_layout.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#define DESIGN_W 1280.0
#define DESIGN_H 800.0
#define WIDTH_MIN 800
#define HEIGHT_MIN 480
#define HEAD_H 72.0
#define FOOT_H 120.0
#define BTN_H 96.0
#define MARGIN 24.0
#define GAP 14.0
#define FIT_FLOOR 0.70

#define C_WHITE 0xFFFFFFu
#define C_INK 0x1A1A1Au
#define C_MUTED 0x4A4A4Au
#define C_HEAD 0x2B2B2Bu   /* the service mode's header: dark grey, not the resident's navy */
#define C_BTN 0x0B4F8Au
#define C_PANEL 0xF2F5FAu
#define C_RULE 0x9AA5B4u
#define C_OK 0x1E6B30u
#define C_WARN_BG 0xFFF4CCu
#define C_WARN_INK 0x5C3B00u
#define C_FAIL 0xA01818u
#define C_NONE 0xE0E0E0u
#define C_NONE_INK 0x404040u

/* ---- words ---- */

enum word {
    SW_TITLE, SW_TECHNICIAN, SW_LANGUAGE, SW_ENTER_ID, SW_ENTER_CODE, SW_CLEAR, SW_ENTER, SW_BACK, SW_CANCEL, SW_OK,
    SW_LOCKED, SW_LOCKED_LEFT, SW_VERIFYING, SW_RUNNING, SW_PRINTING, SW_RUN_ALL, SW_TEST_PRINT, SW_AUDIO, SW_DISPLAY,
    SW_TOUCH, SW_RESET, SW_LEAVE, SW_NOT_RUN, SW_RUN_ONE, SW_AUDIO_ASK, SW_YES_HEARD, SW_NO_HEARD, SW_AGAIN_PLAY,
    SW_DISPLAY_ASK, SW_YES_RIGHT, SW_NO_WRONG, SW_AGAIN_SHOW, SW_TOUCH_ASK, SW_RESET_ASK, SW_YES_RESET, SW_NO_KEEP,
    SW_RESET_DONE, SW_MENU_HINT, SW_STATUS_OK, SW_STATUS_WARN, SW_STATUS_FAIL, SW_NO_DETAIL, SW_ID_HINT, SW_CODE_HINT,
    SW_NO_STATE, SW__COUNT
};

static const struct kofu_word words[] = {
    KOFU_WORD(SW_TITLE, "title", "保守モード", "Service mode"),
    KOFU_WORD(SW_TECHNICIAN, "technician", "技術者", "Technician"),
    KOFU_WORD(SW_LANGUAGE, "language", "English", "日本語"),
    KOFU_WORD(SW_ENTER_ID, "enter-id", "技術者番号を入力してください", "Enter your technician number"),
    KOFU_WORD(SW_ENTER_CODE, "enter-code", "保守用暗証番号を入力してください", "Enter the maintenance code"),
    KOFU_WORD(SW_CLEAR, "clear", "消去", "Clear"),
    KOFU_WORD(SW_ENTER, "enter", "確定", "Enter"),
    KOFU_WORD(SW_BACK, "back", "戻る", "Back"),
    KOFU_WORD(SW_CANCEL, "cancel", "終了", "Cancel"),
    KOFU_WORD(SW_OK, "ok", "OK", "OK"),
    KOFU_WORD(SW_LOCKED, "locked", "暗証番号の誤りが続いたため、保守モードはロックされています",
              "The service mode is locked after too many wrong codes"),
    KOFU_WORD(SW_LOCKED_LEFT, "locked-left", "解除まであと約分", "Unlocked in about min"), /* around a number */
    KOFU_WORD(SW_VERIFYING, "verifying", "確認しています…", "Checking the code…"),
    KOFU_WORD(SW_RUNNING, "running", "点検しています…", "Running the checks…"),
    KOFU_WORD(SW_PRINTING, "printing", "テスト印刷しています…", "Printing the test page…"),
    KOFU_WORD(SW_RUN_ALL, "run-all", "全点検", "Run all"),
    KOFU_WORD(SW_TEST_PRINT, "test-print", "テスト印刷", "Test print"),
    KOFU_WORD(SW_AUDIO, "audio", "音声", "Audio"),
    KOFU_WORD(SW_DISPLAY, "display", "画面", "Display"),
    KOFU_WORD(SW_TOUCH, "touch", "タッチ", "Touch"),
    KOFU_WORD(SW_RESET, "reset", "集計リセット", "Reset counts"),
    KOFU_WORD(SW_LEAVE, "leave", "保守終了", "Leave"),
    KOFU_WORD(SW_NOT_RUN, "not-run", "未点検", "not run"),
    KOFU_WORD(SW_RUN_ONE, "run-one", "再点検", "Run again"),
    KOFU_WORD(SW_AUDIO_ASK, "audio-ask", "テスト音声が聞こえましたか？", "Did you hear the test prompt?"),
    KOFU_WORD(SW_YES_HEARD, "yes-heard", "聞こえた", "Heard it"),
    KOFU_WORD(SW_NO_HEARD, "no-heard", "聞こえない", "Not heard"),
    KOFU_WORD(SW_AGAIN_PLAY, "again-play", "もう一度", "Play again"),
    KOFU_WORD(SW_DISPLAY_ASK, "display-ask",
              "4つの画面は正しく見えましたか？（色むら・欠け・ゆがみ・常時点灯の点がないこと）",
              "Did the four patterns look right? (even colours, no dead or stuck pixels, straight lines)"),
    KOFU_WORD(SW_YES_RIGHT, "yes-right", "正常", "Looked right"),
    KOFU_WORD(SW_NO_WRONG, "no-wrong", "異常あり", "Something wrong"),
    KOFU_WORD(SW_AGAIN_SHOW, "again-show", "もう一度", "Show again"),
    KOFU_WORD(SW_TOUCH_ASK, "touch-ask", "十字の中心をタッチしてください（／）", "Touch the centre of the cross (of)"),
    KOFU_WORD(SW_RESET_ASK, "reset-ask", "前回の保守からの集計（利用・発行・返金・エラーの回数）を0に戻しますか？",
              "Reset the counts since the last service (visits, certificates, refunds, errors) to 0?"),
    KOFU_WORD(SW_YES_RESET, "yes-reset", "リセットする", "Reset"),
    KOFU_WORD(SW_NO_KEEP, "no-keep", "戻る", "Keep them"),
    KOFU_WORD(SW_RESET_DONE, "reset-done", "集計をリセットしました", "The counts were reset"),
    KOFU_WORD(SW_MENU_HINT, "menu-hint", "項目をタッチすると詳細を表示します", "Touch a check for its details"),
    KOFU_WORD(SW_STATUS_OK, "status-ok", "正常", "OK"),
    KOFU_WORD(SW_STATUS_WARN, "status-warn", "注意", "WARN"),
    KOFU_WORD(SW_STATUS_FAIL, "status-fail", "異常", "FAIL"),
    KOFU_WORD(SW_NO_DETAIL, "no-detail", "まだ点検していません", "Not run yet"),
    KOFU_WORD(SW_ID_HINT, "id-hint", "番号", "Number"),
    KOFU_WORD(SW_CODE_HINT, "code-hint", "暗証番号", "Code"),
    KOFU_WORD(SW_NO_STATE, "no-state",
              "状態ファイル（state_file）を開けないため、保守モードは使えません。コンソールで kofu diag を使ってください",
              "The service mode is unavailable: the state file (state_file) cannot be opened. Use kofu diag on the console"),
};

static const struct kofu_word screen_names[] = {
    KOFU_NAME(SERVICE_SCREEN_LOCKED_OUT, "locked-out"),
    KOFU_NAME(SERVICE_SCREEN_ENTER_ID, "enter-id"),
    KOFU_NAME(SERVICE_SCREEN_ENTER_CODE, "enter-code"),
    KOFU_NAME(SERVICE_SCREEN_VERIFYING, "verifying"),
    KOFU_NAME(SERVICE_SCREEN_MENU, "menu"),
    KOFU_NAME(SERVICE_SCREEN_RUNNING, "running"),
    KOFU_NAME(SERVICE_SCREEN_DETAIL, "detail"),
    KOFU_NAME(SERVICE_SCREEN_AUDIO_CONFIRM, "audio-confirm"),
    KOFU_NAME(SERVICE_SCREEN_DISPLAY_PATTERN, "display-pattern"),
    KOFU_NAME(SERVICE_SCREEN_DISPLAY_CONFIRM, "display-confirm"),
    KOFU_NAME(SERVICE_SCREEN_TOUCH_TEST, "touch-test"),
    KOFU_NAME(SERVICE_SCREEN_PRINTING, "printing"),
    KOFU_NAME(SERVICE_SCREEN_RESET_CONFIRM, "reset-confirm"),
};

static const struct kofu_word target_names[] = {
    KOFU_NAME(SERVICE_T_DIGIT, "digit"),        KOFU_NAME(SERVICE_T_CLEAR, "clear"),
    KOFU_NAME(SERVICE_T_ENTER, "enter"),        KOFU_NAME(SERVICE_T_BACK, "back"),
    KOFU_NAME(SERVICE_T_CANCEL, "cancel"),      KOFU_NAME(SERVICE_T_OK, "ok"),
    KOFU_NAME(SERVICE_T_LANGUAGE, "language"),  KOFU_NAME(SERVICE_T_RUN_ALL, "run-all"),
    KOFU_NAME(SERVICE_T_CHECK, "check"),        KOFU_NAME(SERVICE_T_RUN_ONE, "run-one"),
    KOFU_NAME(SERVICE_T_TEST_PRINT, "test-print"), KOFU_NAME(SERVICE_T_AUDIO, "audio"),
    KOFU_NAME(SERVICE_T_DISPLAY, "display"),    KOFU_NAME(SERVICE_T_TOUCH, "touch"),
    KOFU_NAME(SERVICE_T_RESET, "reset"),        KOFU_NAME(SERVICE_T_LEAVE, "leave"),
    KOFU_NAME(SERVICE_T_YES, "yes"),            KOFU_NAME(SERVICE_T_NO, "no"),
    KOFU_NAME(SERVICE_T_AGAIN, "again"),        KOFU_NAME(SERVICE_T_NEXT, "next"),
};

const char *service_screen_name(enum service_screen sc) { return KOFU_WORDS_NAME(screen_names, sc); }
const char *service_target_name(enum service_target_kind k) { return KOFU_WORDS_NAME(target_names, k); }

/* ---- fonts ---- */

/* The resident's screens' text context (screens_text.h): one set of fonts. */
static struct {
    bool ready;
    const struct document_fonts *fonts;
    PangoContext *pc;
    PangoAttrList *attrs;
} g;

void service_screens_free(void)
{
    memset(&g, 0, sizeof g); /* borrowed: screens_free releases it */
}

static PangoLayout *layout_of(const char *utf8, double size, bool bold, double width, PangoAlignment align)
{
    const struct text_style st = {.bold = bold, .size = size, .width = width, .line_spacing = 1.1, .align = align};
    return text_layout_new(g.pc, g.fonts, g.attrs, &st, utf8, NULL);
}

static bool covers(const char *utf8)
{
    PangoLayout *l = layout_of(utf8, 24, false, -1, PANGO_ALIGN_LEFT);
    bool ok = l && pango_layout_get_unknown_glyphs_count(l) == 0;
    if (l)
        g_object_unref(l);
    return ok;
}

int service_screens_init(void)
{
    if (g.ready)
        return KOFU_OK;
    memset(&g, 0, sizeof g);
    int rc = screens_text_context(&g.fonts, &g.pc, &g.attrs);
    if (rc != KOFU_OK)
        return rc;
    bool ok = covers("0123456789:+-_.,()%/ abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ●○");
    for (int w = 0; ok && w < SW__COUNT; w++)
        ok = covers(words[w].ja) && covers(words[w].en);
    if (!ok) {
        service_screens_free();
        return KOFU_E_FONT;
    }
    g.ready = true;
    return KOFU_OK;
}

/* ---- one frame ---- */

struct box {
    double x, y, w, h;
};

struct frame {
    cairo_t *cr;
    const struct service_model *m;
    struct service_layout *l;
    double s, dw, dh;
    int rc;
};

static const char *W(const struct frame *f, enum word w)
{
    return f->m->lang == KOFU_LANG_EN ? words[w].en : words[w].ja;
}

static void rgb(cairo_t *cr, unsigned c)
{
    cairo_set_source_rgb(cr, ((c >> 16) & 0xFF) / 255.0, ((c >> 8) & 0xFF) / 255.0, (c & 0xFF) / 255.0);
}

static void fill(struct frame *f, struct box b, unsigned c)
{
    rgb(f->cr, c);
    cairo_rectangle(f->cr, b.x, b.y, b.w, b.h);
    cairo_fill(f->cr);
}

/* utf8 in b at size (shrunk to FIT_FLOOR to fit, in `lines` lines); cut and
 * the frame failed when even that does not fit. */
static void text(struct frame *f, const char *utf8, struct box b, double size, bool bold, int lines,
                 PangoAlignment align, unsigned fg)
{
    if (!utf8 || !*utf8)
        return;
    static const double steps[] = {1.0, 0.9, 0.8, FIT_FLOOR};
    PangoLayout *lay = NULL;
    PangoRectangle r = {0};
    bool fits = false;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (lay)
            g_object_unref(lay);
        lay = layout_of(utf8, size * steps[i], bold, lines > 1 ? b.w : -1, align);
        if (!lay) {
            f->rc = KOFU_E_RENDER;
            return;
        }
        pango_layout_get_extents(lay, NULL, &r);
        double w = (double)r.width / PANGO_SCALE, h = (double)r.height / PANGO_SCALE;
        fits = w <= b.w + 0.01 && h <= b.h + 0.01 && pango_layout_get_line_count(lay) <= lines;
        if (fits)
            break;
    }
    if (!fits || pango_layout_get_unknown_glyphs_count(lay) > 0)
        f->rc = KOFU_E_RENDER;
    double w = (double)r.width / PANGO_SCALE, h = fmin((double)r.height / PANGO_SCALE, b.h);
    double x = b.x;
    if (lines <= 1 && align == PANGO_ALIGN_CENTER)
        x = b.x + (b.w - w) / 2;
    else if (lines <= 1 && align == PANGO_ALIGN_RIGHT)
        x = b.x + b.w - w;
    double y = b.y + (b.h - h) / 2;
    cairo_save(f->cr);
    cairo_rectangle(f->cr, b.x, b.y, b.w, b.h);
    cairo_clip(f->cr);
    rgb(f->cr, fg);
    cairo_move_to(f->cr, (lines <= 1 ? x - (double)r.x / PANGO_SCALE : b.x), y - (double)r.y / PANGO_SCALE);
    pango_cairo_show_layout(f->cr, lay);
    cairo_new_path(f->cr);
    cairo_restore(f->cr);
    g_object_unref(lay);
}

static void target(struct frame *f, enum service_target_kind kind, int index, struct box b)
{
    if (!f->l || f->l->n >= SERVICE_TARGETS_MAX)
        return;
    f->l->t[f->l->n++] = (struct service_target){kind, index, b.x * f->s, b.y * f->s, b.w * f->s, b.h * f->s};
}

static void button(struct frame *f, struct box b, const char *label, enum service_target_kind kind, int index,
                   bool primary)
{
    rgb(f->cr, primary ? C_BTN : C_WHITE);
    cairo_rectangle(f->cr, b.x, b.y, b.w, b.h);
    cairo_fill_preserve(f->cr);
    rgb(f->cr, primary ? C_BTN : C_RULE);
    cairo_set_line_width(f->cr, 2);
    cairo_stroke(f->cr);
    text(f, label, (struct box){b.x + 8, b.y + 4, b.w - 16, b.h - 8}, 30, true, 1, PANGO_ALIGN_CENTER,
         primary ? C_WHITE : C_INK);
    target(f, kind, index, b);
}

static void header(struct frame *f)
{
    fill(f, (struct box){0, 0, f->dw, HEAD_H}, C_HEAD);
    char line[160];
    if (f->m->technician && f->m->screen != SERVICE_SCREEN_ENTER_ID)
        snprintf(line, sizeof line, "%s  —  %s %u", W(f, SW_TITLE), W(f, SW_TECHNICIAN), f->m->technician);
    else
        snprintf(line, sizeof line, "%s", W(f, SW_TITLE));
    text(f, line, (struct box){MARGIN, 8, f->dw * 0.45, HEAD_H - 16}, 30, true, 1, PANGO_ALIGN_LEFT, C_WHITE);
    if (f->m->board || f->m->version) {
        snprintf(line, sizeof line, "kofu %s  %s", f->m->version ? f->m->version : "", f->m->board ? f->m->board : "");
        text(f, line, (struct box){f->dw * 0.47, 8, f->dw * 0.53 - 220 - 2 * MARGIN, HEAD_H - 16}, 22, false, 1,
             PANGO_ALIGN_RIGHT, C_WHITE);
    }
    struct box lang = {f->dw - MARGIN - 200, 6, 200, HEAD_H - 12};
    rgb(f->cr, C_WHITE);
    cairo_rectangle(f->cr, lang.x, lang.y, lang.w, lang.h);
    cairo_fill(f->cr);
    text(f, W(f, SW_LANGUAGE), (struct box){lang.x + 6, lang.y + 4, lang.w - 12, lang.h - 8}, 26, true, 1,
         PANGO_ALIGN_CENTER, C_INK);
    target(f, SERVICE_T_LANGUAGE, -1, lang);
}

/* n buttons across the footer. */
struct fbtn {
    enum word w;
    enum service_target_kind kind;
    bool primary;
};

static void footer(struct frame *f, const struct fbtn *b, size_t n)
{
    double y = f->dh - FOOT_H + (FOOT_H - BTN_H) / 2;
    double w = (f->dw - 2 * MARGIN - GAP * (double)(n - 1)) / (double)n;
    if (n < 3)
        w = fmin(w, 320);
    double x0 = n < 3 ? (f->dw - (w * (double)n + GAP * (double)(n - 1))) / 2 : MARGIN;
    for (size_t i = 0; i < n; i++)
        button(f, (struct box){x0 + (w + GAP) * (double)i, y, w, BTN_H}, W(f, b[i].w), b[i].kind, -1, b[i].primary);
}

static struct box body(const struct frame *f)
{
    return (struct box){MARGIN, HEAD_H + MARGIN, f->dw - 2 * MARGIN, f->dh - HEAD_H - FOOT_H - 2 * MARGIN};
}

static void message(struct frame *f, const char *a, const char *b)
{
    struct box r = body(f);
    text(f, a, (struct box){r.x, r.y + r.h * 0.2, r.w, r.h * 0.3}, 40, true, 2, PANGO_ALIGN_CENTER, C_INK);
    if (b)
        text(f, b, (struct box){r.x, r.y + r.h * 0.55, r.w, r.h * 0.25}, 32, false, 2, PANGO_ALIGN_CENTER, C_MUTED);
}

static void err_line(struct frame *f, struct box b)
{
    if (f->m->err == KOFU_OK)
        return;
    fill(f, b, C_WARN_BG);
    text(f, kofu_err_text(f->m->err, f->m->lang), (struct box){b.x + 12, b.y + 2, b.w - 24, b.h - 4}, 26, true, 2,
         PANGO_ALIGN_CENTER, C_WARN_INK);
}

/* A pad of 12 keys in 4 rows of 3: layout[i] is the digit on key i (keys
 * 0..8 the first three rows, then clear, key 9, enter). */
static void pad(struct frame *f, struct box area, const unsigned char layout[10])
{
    double kw = fmin(170, (area.w - 2 * GAP) / 3), kh = fmin(BTN_H, (area.h - 3 * GAP) / 4);
    double x0 = area.x + (area.w - (3 * kw + 2 * GAP)) / 2;
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 3; c++) {
            struct box k = {x0 + c * (kw + GAP), area.y + r * (kh + GAP), kw, kh};
            int key = r * 3 + c;
            if (key == 9) {
                button(f, k, W(f, SW_CLEAR), SERVICE_T_CLEAR, -1, false);
            } else if (key == 11) {
                button(f, k, W(f, SW_ENTER), SERVICE_T_ENTER, -1, true);
            } else {
                int digit = layout[key == 10 ? 9 : key];
                char d[4];
                snprintf(d, sizeof d, "%d", digit);
                button(f, k, d, SERVICE_T_DIGIT, digit, false);
            }
        }
}

static void screen_entry(struct frame *f, bool code)
{
    struct box r = body(f);
    double left_w = r.w * 0.45;
    text(f, W(f, code ? SW_ENTER_CODE : SW_ENTER_ID), (struct box){r.x, r.y, left_w, 120}, 34, true, 3,
         PANGO_ALIGN_LEFT, C_INK);
    struct box field = {r.x, r.y + 150, left_w, 90};
    fill(f, field, C_PANEL);
    char shown[64] = "";
    if (code) {
        size_t n = 0;
        for (int i = 0; i < f->m->code_len && n + 4 < sizeof shown; i++)
            n += (size_t)snprintf(shown + n, sizeof shown - n, "●");
    } else if (f->m->id_digits > 0) {
        snprintf(shown, sizeof shown, "%0*u", f->m->id_digits, f->m->technician);
    }
    text(f, *shown ? shown : W(f, code ? SW_CODE_HINT : SW_ID_HINT),
         (struct box){field.x + 16, field.y + 8, field.w - 32, field.h - 16}, 40, true, 1, PANGO_ALIGN_LEFT,
         *shown ? C_INK : C_MUTED);
    err_line(f, (struct box){r.x, r.y + 270, left_w, 100});
    static const unsigned char plain[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0};
    pad(f, (struct box){r.x + left_w + GAP, r.y, r.w - left_w - GAP, r.h}, code ? f->m->pad_layout : plain);
    if (code) {
        const struct fbtn b[] = {{SW_BACK, SERVICE_T_BACK, false}, {SW_CANCEL, SERVICE_T_CANCEL, false}};
        footer(f, b, 2);
    } else {
        const struct fbtn b[] = {{SW_CANCEL, SERVICE_T_CANCEL, false}};
        footer(f, b, 1);
    }
}

static void badge(struct frame *f, struct box b, int status)
{
    unsigned bg = status == DIAG_OK ? C_OK : status == DIAG_WARN ? C_WARN_BG : status == DIAG_FAIL ? C_FAIL : C_NONE;
    unsigned fg = status == DIAG_WARN ? C_WARN_INK : status < 0 ? C_NONE_INK : C_WHITE;
    enum word w = status == DIAG_OK ? SW_STATUS_OK : status == DIAG_WARN ? SW_STATUS_WARN
                  : status == DIAG_FAIL ? SW_STATUS_FAIL : SW_NOT_RUN;
    fill(f, b, bg);
    text(f, W(f, w), (struct box){b.x + 4, b.y + 2, b.w - 8, b.h - 4}, 24, true, 1, PANGO_ALIGN_CENTER, fg);
}

static const char *summary(const struct frame *f, const struct service_check_line *c)
{
    return f->m->lang == KOFU_LANG_EN ? c->summary_en : c->summary_ja;
}

static void screen_menu(struct frame *f)
{
    struct box r = body(f);
    double status_h = 44;
    size_t n = f->m->n_checks;
    size_t per_col = (n + 1) / 2;
    double col_w = (r.w - GAP) / 2;
    double row_h = per_col ? fmin(100, (r.h - status_h - GAP) / (double)per_col) : 0;
    for (size_t i = 0; i < n; i++) {
        const struct service_check_line *c = &f->m->checks[i];
        struct box row = {r.x + (double)(i / per_col) * (col_w + GAP), r.y + (double)(i % per_col) * row_h, col_w,
                          row_h - 6};
        fill(f, row, C_PANEL);
        text(f, c->name, (struct box){row.x + 10, row.y + 2, 170, row.h * 0.5}, 26, true, 1, PANGO_ALIGN_LEFT, C_INK);
        badge(f, (struct box){row.x + 10, row.y + row.h * 0.52, 120, row.h * 0.44}, c->status);
        text(f, c->status < 0 ? "" : summary(f, c), (struct box){row.x + 190, row.y + 2, row.w - 200, row.h - 4}, 22,
             false, 2, PANGO_ALIGN_LEFT, C_INK);
        target(f, SERVICE_T_CHECK, (int)i, row);
    }
    struct box st = {r.x, r.y + r.h - status_h, r.w, status_h};
    if (f->m->err != KOFU_OK)
        err_line(f, st);
    else
        text(f, W(f, f->m->reset_done ? SW_RESET_DONE : SW_MENU_HINT), st, 24, false, 1, PANGO_ALIGN_CENTER, C_MUTED);
    const struct fbtn b[] = {
        {SW_RUN_ALL, SERVICE_T_RUN_ALL, true},  {SW_TEST_PRINT, SERVICE_T_TEST_PRINT, false},
        {SW_AUDIO, SERVICE_T_AUDIO, false},     {SW_DISPLAY, SERVICE_T_DISPLAY, false},
        {SW_TOUCH, SERVICE_T_TOUCH, false},     {SW_RESET, SERVICE_T_RESET, false},
        {SW_LEAVE, SERVICE_T_LEAVE, false},
    };
    footer(f, b, sizeof b / sizeof b[0]);
}

static void screen_detail(struct frame *f)
{
    struct box r = body(f);
    const struct service_check_line *c =
        f->m->detail >= 0 && (size_t)f->m->detail < f->m->n_checks ? &f->m->checks[f->m->detail] : NULL;
    if (c) {
        text(f, c->name, (struct box){r.x, r.y, r.w - 200, 56}, 40, true, 1, PANGO_ALIGN_LEFT, C_INK);
        badge(f, (struct box){r.x + r.w - 180, r.y + 4, 180, 48}, c->status);
        text(f, c->status < 0 ? W(f, SW_NO_DETAIL) : summary(f, c), (struct box){r.x, r.y + 64, r.w, 80}, 30, true, 2,
             PANGO_ALIGN_LEFT, C_INK);
    }
    double y = r.y + 156, lh = fmin(34, (r.h - 156) / SERVICE_DETAIL_LINES_MAX * 2);
    struct box panel = {r.x, y, r.w, r.y + r.h - y};
    fill(f, panel, C_PANEL);
    size_t n = f->m->n_detail_lines;
    size_t per_col = (size_t)floor((panel.h - 12) / lh);
    if (per_col == 0)
        per_col = 1;
    double col_w = n > per_col ? (panel.w - 24) / 2 : panel.w - 24;
    for (size_t i = 0; i < n && i < 2 * per_col; i++)
        text(f, f->m->detail_lines[i],
             (struct box){panel.x + 12 + (double)(i / per_col) * col_w, panel.y + 6 + (double)(i % per_col) * lh,
                          col_w - 12, lh},
             22, false, 1, PANGO_ALIGN_LEFT, C_INK);
    if (n > 2 * per_col)
        f->rc = KOFU_E_RENDER;
    const struct fbtn b[] = {{SW_BACK, SERVICE_T_BACK, false}, {SW_RUN_ONE, SERVICE_T_RUN_ONE, true}};
    footer(f, b, 2);
}

static void screen_question(struct frame *f, enum word ask, enum word yes, enum word no, enum word again)
{
    message(f, W(f, ask), NULL);
    if (again != SW__COUNT) {
        const struct fbtn b[] = {{yes, SERVICE_T_YES, true}, {no, SERVICE_T_NO, false}, {again, SERVICE_T_AGAIN, false}};
        footer(f, b, 3);
    } else {
        const struct fbtn b[] = {{yes, SERVICE_T_YES, true}, {no, SERVICE_T_NO, false}};
        footer(f, b, 2);
    }
}

/* The patterns fill the device's pixels, untransformed. */
static void pattern(cairo_t *cr, int width, int height, int which)
{
    cairo_save(cr);
    cairo_identity_matrix(cr);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    static const unsigned bars[8] = {0xFFFFFF, 0xFFFF00, 0x00FFFF, 0x00FF00, 0xFF00FF, 0xFF0000, 0x0000FF, 0x000000};
    switch (which) {
    case 0:
        for (int i = 0; i < 8; i++) {
            rgb(cr, bars[i]);
            int x0 = width * i / 8, x1 = width * (i + 1) / 8;
            cairo_rectangle(cr, x0, 0, x1 - x0, height);
            cairo_fill(cr);
        }
        break;
    case 1:
        rgb(cr, 0x000000);
        cairo_paint(cr);
        rgb(cr, 0xFFFFFF);
        cairo_set_line_width(cr, 1);
        for (int x = 0; x < width; x += 40) {
            cairo_move_to(cr, x + 0.5, 0);
            cairo_line_to(cr, x + 0.5, height);
        }
        for (int y = 0; y < height; y += 40) {
            cairo_move_to(cr, 0, y + 0.5);
            cairo_line_to(cr, width, y + 0.5);
        }
        cairo_rectangle(cr, 0.5, 0.5, width - 1, height - 1);
        cairo_stroke(cr);
        break;
    case 2:
        rgb(cr, 0xFFFFFF);
        cairo_paint(cr);
        break;
    default:
        rgb(cr, 0x000000);
        cairo_paint(cr);
        break;
    }
    cairo_restore(cr);
}

static void cross(cairo_t *cr, double x, double y, double r, unsigned c, double lw)
{
    rgb(cr, c);
    cairo_set_line_width(cr, lw);
    cairo_move_to(cr, x - r, y);
    cairo_line_to(cr, x + r, y);
    cairo_move_to(cr, x, y - r);
    cairo_line_to(cr, x, y + r);
    cairo_stroke(cr);
    cairo_arc(cr, x, y, r * 0.6, 0, 2 * M_PI);
    cairo_stroke(cr);
}

static void screen_touch(struct frame *f)
{
    const struct service_model *m = f->m;
    char line[160];
    if (m->lang == KOFU_LANG_EN)
        snprintf(line, sizeof line, "Touch the centre of the cross (%d of %d)", m->touch_next + 1, SERVICE_TOUCH_TARGETS);
    else
        snprintf(line, sizeof line, "十字の中心をタッチしてください（%d／%d）", m->touch_next + 1, SERVICE_TOUCH_TARGETS);
    struct box r = body(f);
    /* Between the centre target and the bottom ones. */
    text(f, line, (struct box){r.x + 200, f->dh * 0.62, r.w - 400, 60}, 30, true, 1, PANGO_ALIGN_CENTER, C_INK);
    const struct fbtn b[] = {{SW_BACK, SERVICE_T_BACK, false}};
    footer(f, b, 1);
    /* Targets and taps in device pixels. */
    cairo_t *cr = f->cr;
    cairo_save(cr);
    cairo_identity_matrix(cr);
    for (int i = 0; i < SERVICE_TOUCH_TARGETS; i++) {
        bool now = i == m->touch_next;
        cross(cr, m->touch_x[i] + 0.5, m->touch_y[i] + 0.5, now ? 40 : 20, now ? C_FAIL : C_RULE, now ? 3 : 1);
    }
    for (int i = 0; i < m->n_taps && i < SERVICE_TOUCH_TARGETS; i++) {
        rgb(cr, C_BTN);
        cairo_arc(cr, m->tap_x[i] + 0.5, m->tap_y[i] + 0.5, 6, 0, 2 * M_PI);
        cairo_fill(cr);
    }
    cairo_restore(cr);
}

static void draw(struct frame *f, int width, int height)
{
    const struct service_model *m = f->m;
    if (m->screen == SERVICE_SCREEN_DISPLAY_PATTERN) {
        pattern(f->cr, width, height, m->pattern);
        target(f, SERVICE_T_NEXT, -1, (struct box){0, 0, f->dw, f->dh});
        return;
    }
    fill(f, (struct box){0, 0, f->dw, f->dh}, C_WHITE);
    header(f);
    char line[200];
    switch (m->screen) {
    case SERVICE_SCREEN_LOCKED_OUT: {
        /* No state file to keep a lock-out in: refused, not counted down. */
        if (m->err == KOFU_E_CONFIG) {
            message(f, W(f, SW_NO_STATE), NULL);
            const struct fbtn b[] = {{SW_OK, SERVICE_T_OK, true}};
            footer(f, b, 1);
            break;
        }
        long min = (m->lockout_seconds + 59) / 60;
        if (m->lang == KOFU_LANG_EN)
            snprintf(line, sizeof line, "Unlocked in about %ld min", min);
        else
            snprintf(line, sizeof line, "解除まであと約%ld分", min);
        message(f, W(f, SW_LOCKED), line);
        const struct fbtn b[] = {{SW_OK, SERVICE_T_OK, true}};
        footer(f, b, 1);
        break;
    }
    case SERVICE_SCREEN_ENTER_ID:
        screen_entry(f, false);
        break;
    case SERVICE_SCREEN_ENTER_CODE:
        screen_entry(f, true);
        break;
    case SERVICE_SCREEN_VERIFYING:
        message(f, W(f, SW_VERIFYING), NULL);
        break;
    case SERVICE_SCREEN_RUNNING:
        message(f, W(f, SW_RUNNING), NULL);
        break;
    case SERVICE_SCREEN_PRINTING:
        message(f, W(f, SW_PRINTING), NULL);
        break;
    case SERVICE_SCREEN_MENU:
        screen_menu(f);
        break;
    case SERVICE_SCREEN_DETAIL:
        screen_detail(f);
        break;
    case SERVICE_SCREEN_AUDIO_CONFIRM:
        screen_question(f, SW_AUDIO_ASK, SW_YES_HEARD, SW_NO_HEARD, SW_AGAIN_PLAY);
        break;
    case SERVICE_SCREEN_DISPLAY_CONFIRM:
        screen_question(f, SW_DISPLAY_ASK, SW_YES_RIGHT, SW_NO_WRONG, SW_AGAIN_SHOW);
        break;
    case SERVICE_SCREEN_RESET_CONFIRM:
        screen_question(f, SW_RESET_ASK, SW_YES_RESET, SW_NO_KEEP, SW__COUNT);
        break;
    case SERVICE_SCREEN_TOUCH_TEST:
        screen_touch(f);
        break;
    default:
        f->rc = KOFU_E_ARG;
        break;
    }
}

static bool is_permutation(const unsigned char l[10])
{
    unsigned seen = 0;
    for (int i = 0; i < 10; i++) {
        if (l[i] > 9)
            return false;
        seen |= 1u << l[i];
    }
    return seen == 0x3FFu;
}

int service_screens_draw(cairo_t *cr, int width, int height, const struct service_model *m,
                         struct service_layout *layout)
{
    if (layout)
        memset(layout, 0, sizeof *layout);
    if (!g.ready || !cr || !m || width < WIDTH_MIN || height < HEIGHT_MIN || (unsigned)m->screen >= SERVICE_SCREEN__COUNT)
        return KOFU_E_ARG;
    if (m->screen == SERVICE_SCREEN_ENTER_CODE && !is_permutation(m->pad_layout))
        return KOFU_E_ARG;
    if (m->n_checks > DIAG_CHECK__COUNT || m->n_detail_lines > SERVICE_DETAIL_LINES_MAX)
        return KOFU_E_ARG;
    struct frame f = {.cr = cr, .m = m, .l = layout, .rc = KOFU_OK};
    f.s = fmin(width / DESIGN_W, height / DESIGN_H);
    f.dw = width / f.s;
    f.dh = height / f.s;
    cairo_save(cr);
    cairo_scale(cr, f.s, f.s);
    draw(&f, width, height);
    cairo_restore(cr);
    return f.rc;
}

const struct service_target *service_screens_hit(const struct service_layout *l, double x, double y)
{
    if (!l)
        return NULL;
    /* The last drawn is on top (the full-screen NEXT is drawn alone). */
    for (size_t i = l->n; i-- > 0;) {
        const struct service_target *t = &l->t[i];
        if (x >= t->x && x < t->x + t->w && y >= t->y && y < t->y + t->h)
            return t;
    }
    return NULL;
}
