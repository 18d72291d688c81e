/*
 * check_devices.c — see diag.h: the checks of the kiosk's devices, reader,
 * printer, payment (the coin and note acceptor) and spool (the print jobs
 * left anywhere).
 *
 * Each uses the device the caller lends (the kiosk's own, open), or opens
 * the board's driver with the configuration's spec and closes it before it
 * returns. The opens are written here: the kiosk's are inside its start-up
 * (kiosk.c, static) and the cli's inside its commands. Every wait is the
 * driver's own, bounded: pcscd answers at once or not at all, the printer
 * driver gives up after its 3 s, the acceptor after its 1 s a command.
 *
 * No resident data: the reader check connects to a card only to take its
 * ATR (no APDU is sent, no PIN asked) and powers it down again; the
 * printer's words are its keywords and supply names, filtered by the
 * driver; no job's name or owner is asked for.
 */
#include "diag/diag.h"

#include "base/errors.h"

#include <stdio.h>
#include <string.h>

/* ---- shared ------------------------------------------------------------- */

/* A device's text (a reader's name, a supply's name) as a JSON string:
 * printable ASCII only, so that nothing a device says breaks the report
 * or the screen. */
static json_t *text_json(const char *s, size_t max)
{
    char buf[128];
    size_t n = 0;
    if (max > sizeof buf - 1)
        max = sizeof buf - 1;
    for (; s && s[n] && n < max; n++)
        buf[n] = s[n] >= 0x20 && s[n] < 0x7f ? s[n] : '?';
    buf[n] = '\0';
    return json_string(buf);
}

static void set(json_t *obj, const char *key, json_t *value)
{
    json_object_set_new(obj, key, value ? value : json_null());
}

/* ---- reader ------------------------------------------------------------- */

static void hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

void diag_check_reader(const struct diag_env *env, struct diag_result *r)
{
    json_t *d = r->detail;
    set(d, "service", json_false());
    set(d, "reader", NULL);
    set(d, "card_present", json_false());
    set(d, "atr", NULL);

    struct card_reader own = {.ops = env->board->card_reader};
    struct card_reader *rd = env->rd && env->rd->ops && env->rd->ctx ? env->rd : &own;
    if (rd == &own) {
        int rc = own.ops ? own.ops->open(&own.ctx, env->cfg->reader) : KOFU_E_NO_READER;
        if (rc == KOFU_E_NO_SERVICE || rc == KOFU_E_NOMEM) {
            diag_verdict(r, DIAG_FAIL, rc, "Card service (pcscd) not running: restart pcscd, then check again",
                         "カードサービス（pcscd）が動いていません：pcscdを再起動してから再確認してください");
            return;
        }
        set(d, "service", json_true());
        if (rc != KOFU_OK) {
            diag_verdict(r, DIAG_FAIL, KOFU_E_NO_READER,
                         "No card reader: check the reader's USB cable and the reader setting",
                         "カードリーダーがありません：リーダーのUSBケーブルと設定（reader）を確認してください");
            return;
        }
    }
    set(d, "service", json_true());
    set(d, "reader", text_json(rd->ops->name(rd->ctx), 96));

    int rc = rd->ops->wait_present(rd->ctx, 0);
    if (rc == KOFU_OK) {
        set(d, "card_present", json_true());
        /* Only the ATR: connect, take it, power the card down. No APDU. */
        uint8_t atr[33];
        size_t atr_len = sizeof atr;
        if (rd->ops->connect(rd->ctx, atr, &atr_len) == KOFU_OK) {
            char text[2 * sizeof atr + 1];
            hex(atr, atr_len, text);
            if (atr_len > 0)
                set(d, "atr", json_string(text));
            rd->ops->disconnect(rd->ctx, true);
        }
        diag_verdict(r, DIAG_WARN, KOFU_E_CARD_LEFT,
                     "Card left in the reader: take it out and keep it as the shop's rules say",
                     "カードがリーダーに残っています：取り出して店舗の規則どおりに保管してください");
    } else if (rc != KOFU_E_NO_CARD) {
        diag_verdict(r, DIAG_FAIL, KOFU_E_NO_READER,
                     "Card reader not answering: reconnect its USB cable, then check again",
                     "カードリーダーが応答しません：USBケーブルを差し直してから再確認してください");
    }
    if (rd == &own)
        own.ops->close(own.ctx);
}

/* ---- printer and spool: the open ---------------------------------------- */

struct printer_use {
    struct printer own;
    struct printer *pr; /* the lent one, or &own once open */
    enum printer_mode mode;
};

/* Opens the configured printer unless one is lent: KOFU_OK, or the open's
 * error (a bad URI, a plain link not declared private). */
static int printer_take(const struct diag_env *env, struct printer_use *u)
{
    memset(u, 0, sizeof *u);
    u->mode = printer_mode_of(env->cfg->printer_uri);
    if (env->pr && env->pr->ops && env->pr->ctx) {
        u->pr = env->pr;
        return KOFU_OK;
    }
    u->own.ops = env->board->printer;
    if (!u->own.ops)
        return KOFU_E_CONFIG;
    const struct printer_trust trust = {env->cfg->printer_ca_file, env->cfg->printer_private_link};
    int rc = u->own.ops->open(&u->own.ctx, env->cfg->printer_uri, u->mode, &trust);
    if (rc == KOFU_OK)
        u->pr = &u->own;
    return rc;
}

static void printer_give_back(struct printer_use *u)
{
    if (u->pr == &u->own)
        u->own.ops->close(u->own.ctx);
    u->pr = NULL;
}

/* Asks the printer; a driver without inspect gives what status() knows. */
static int printer_ask(struct printer_use *u, struct printer_inspection *in)
{
    memset(in, 0, sizeof *in);
    in->jobs_pending = in->jobs_kept = -1;
    if (u->pr->ops->inspect)
        return u->pr->ops->inspect(u->pr->ctx, in);
    return u->pr->ops->status(u->pr->ctx, &in->status);
}

/* The words for a printer that could not be asked. */
static void printer_unasked(struct diag_result *r, int rc)
{
    switch (rc) {
    case KOFU_E_PRINTER_UNTRUSTED:
        diag_verdict(r, DIAG_FAIL, rc,
                     "Printer not trusted: its certificate is not under printer_ca_file (replaced printer? renew the pin)",
                     "プリンターを信頼できません：証明書がprinter_ca_fileの下にありません（交換した場合は設定を更新）");
        break;
    case KOFU_E_PRINTER_INSECURE:
        diag_verdict(r, DIAG_FAIL, rc, "Printer link not secure: use ipps:// or declare printer_private_link",
                     "プリンターへの接続が安全ではありません：ipps://を使うかprinter_private_linkを設定してください");
        break;
    case KOFU_E_CONFIG:
        diag_verdict(r, DIAG_FAIL, rc, "Printer not found: check printer_uri (no such printer or queue)",
                     "プリンターが見つかりません：printer_uri（プリンター名・キュー名）を確認してください");
        break;
    default:
        diag_verdict(r, DIAG_FAIL, KOFU_E_PRINTER_UNREACHABLE,
                     "Printer unreachable: check its power and cable, then check again",
                     "プリンターに接続できません：電源とケーブルを確認してから再確認してください");
        break;
    }
}

/* The URI without any user:password@ (open() refuses such a URI anyway;
 * the report never carries one). */
static json_t *uri_json(const char *uri)
{
    char buf[256];
    const char *sep = strstr(uri, "://");
    const char *at = sep ? strchr(sep + 3, '@') : NULL;
    const char *slash = sep ? strchr(sep + 3, '/') : NULL;
    if (at && (!slash || at < slash))
        snprintf(buf, sizeof buf, "%.*s%.200s", (int)(sep + 3 - uri), uri, at + 1);
    else
        snprintf(buf, sizeof buf, "%.255s", uri);
    return text_json(buf, sizeof buf - 1);
}

/* ---- printer ------------------------------------------------------------ */

static const char *state_name(enum printer_state s)
{
    return s == PRINTER_STATE_IDLE         ? "idle"
           : s == PRINTER_STATE_PROCESSING ? "processing"
           : s == PRINTER_STATE_STOPPED    ? "stopped"
                                           : "unknown";
}

static void printer_detail(json_t *d, const struct printer_inspection *in)
{
    set(d, "state", json_string(state_name(in->status.state)));
    json_t *a = json_array();
    for (size_t i = 0; i < in->n_reasons; i++)
        json_array_append_new(a, json_string(in->reasons[i]));
    set(d, "reasons", a);
    set(d, "accepting_jobs", json_boolean(in->status.accepting_jobs));
    a = json_array();
    for (size_t i = 0; i < in->n_media_ready; i++)
        json_array_append_new(a, json_string(in->media_ready[i]));
    set(d, "media_ready", a);
    a = json_array();
    for (size_t i = 0; i < in->n_supplies; i++) {
        const struct printer_supply *s = &in->supplies[i];
        json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:i, s:i, s:i}", "name",
                                           text_json(s->name, PRINTER_SUPPLY_TEXT), "type",
                                           text_json(s->type, PRINTER_SUPPLY_TEXT), "color",
                                           text_json(s->color, PRINTER_SUPPLY_TEXT), "level", s->level, "low",
                                           s->low, "high", s->high));
    }
    set(d, "supplies", a);
    set(d, "jobs_pending", in->jobs_pending >= 0 ? json_integer(in->jobs_pending) : NULL);
}

/* The fault that stops printing, in a technician's words (the order of
 * printer_status_error: the most specific first). */
static void printer_fault(struct diag_result *r, const struct printer_inspection *in)
{
    int err = printer_status_error(&in->status);
    switch (err) {
    case KOFU_E_PRINTER_OFFLINE:
        diag_verdict(r, DIAG_FAIL, err, "Printer offline: put it online on its panel, check its cable",
                     "プリンターがオフライン：操作パネルでオンラインにし、ケーブルを確認してください");
        break;
    case KOFU_E_PRINTER_DOOR_OPEN:
        diag_verdict(r, DIAG_FAIL, err, "Door open: close the printer's front door",
                     "ドアが開いています：プリンターの前面ドアを閉めてください");
        break;
    case KOFU_E_PRINTER_MEDIA_JAM:
        diag_verdict(r, DIAG_FAIL, err, "Paper jam: open the printer and remove the jammed paper",
                     "紙詰まり：プリンターを開けて詰まった用紙を取り除いてください");
        break;
    case KOFU_E_PRINTER_MEDIA_EMPTY:
        diag_verdict(r, DIAG_FAIL, err, "Out of paper: load A4 paper in the tray",
                     "用紙切れ：トレイにA4用紙を補給してください");
        break;
    case KOFU_E_PRINTER_TONER_EMPTY:
        diag_verdict(r, DIAG_FAIL, err, "Toner empty: replace the toner cartridge",
                     "トナー切れ：トナーカートリッジを交換してください");
        break;
    default:
        if (in->status.state == PRINTER_STATE_STOPPED || (in->status.reasons & PRINTER_REASON_PAUSED))
            diag_verdict(r, DIAG_FAIL, err, "Printer stopped: resume it on its panel (or resume the queue)",
                         "プリンター停止中：操作パネル（またはキュー）で再開してください");
        else if (!in->status.accepting_jobs)
            diag_verdict(r, DIAG_FAIL, err, "Printer not accepting jobs: enable it on its panel (or the queue)",
                         "プリンターが印刷を受け付けていません：操作パネル（またはキュー）で受付を有効にしてください");
        else
            diag_verdict(r, DIAG_FAIL, err, "Printer error (%s): see the printer's panel",
                         "プリンターエラー（%s）：プリンターの操作パネルを確認してください",
                         in->n_reasons ? in->reasons[0] : "unknown");
        break;
    }
}

/* What does not stop printing yet: paper or a supply running low. */
static void printer_warnings(struct diag_result *r, const struct printer_inspection *in)
{
    for (size_t i = 0; i < in->n_supplies; i++) {
        const struct printer_supply *s = &in->supplies[i];
        if (!printer_supply_low(s))
            continue;
        if (strncmp(s->type, "waste", 5) == 0)
            diag_verdict(r, DIAG_WARN, KOFU_E_PRINTER_SUPPLY_LOW, "%s nearly full (%d%%): replace it soon",
                         "%sがほぼ満杯（%d%%）：早めに交換してください", s->name[0] ? s->name : s->type, s->level);
        else
            diag_verdict(r, DIAG_WARN, KOFU_E_PRINTER_SUPPLY_LOW, "%s low (%d%%): have a replacement ready",
                         "%sの残量わずか（%d%%）：交換品を用意してください", s->name[0] ? s->name : s->type,
                         s->level);
    }
    if (in->status.reasons & PRINTER_REASON_TONER_LOW)
        diag_verdict(r, DIAG_WARN, KOFU_E_PRINTER_SUPPLY_LOW, "Toner low: have a toner cartridge ready",
                     "トナー残量わずか：交換用のトナーカートリッジを用意してください");
    if (in->status.reasons & PRINTER_REASON_MEDIA_LOW)
        diag_verdict(r, DIAG_WARN, KOFU_E_PRINTER_SUPPLY_LOW, "Paper low: add A4 paper to the tray",
                     "用紙残量わずか：トレイにA4用紙を補給してください");
}

void diag_check_printer(const struct diag_env *env, struct diag_result *r)
{
    json_t *d = r->detail;
    set(d, "uri", uri_json(env->cfg->printer_uri));
    struct printer_use u;
    int rc = printer_take(env, &u);
    if (rc != KOFU_OK) {
        printer_unasked(r, rc);
        return;
    }
    struct printer_inspection in;
    rc = printer_ask(&u, &in);
    printer_give_back(&u);
    if (rc != KOFU_OK) {
        printer_unasked(r, rc);
        return;
    }
    printer_detail(d, &in);
    if (!in.status.ready)
        printer_fault(r, &in);
    else
        printer_warnings(r, &in);
}

/* ---- spool -------------------------------------------------------------- */

void diag_check_spool(const struct diag_env *env, struct diag_result *r)
{
    json_t *d = r->detail;
    struct printer_use u;
    int rc = printer_take(env, &u);
    bool queue = u.mode == PRINTER_MODE_CUPS_QUEUE;
    set(d, "mode", json_string(queue ? "cups-queue" : "ipp"));
    set(d, "printer_jobs", NULL);
    set(d, "queue_jobs", NULL);
    struct printer_inspection in;
    if (rc == KOFU_OK) {
        rc = printer_ask(&u, &in);
        printer_give_back(&u);
    }
    if (rc == KOFU_OK && (in.jobs_pending < 0 || (queue && in.jobs_kept < 0)))
        rc = KOFU_E_PRINTER_REFUSED;
    if (rc != KOFU_OK) {
        diag_verdict(r, DIAG_FAIL, rc == KOFU_E_PRINTER_REFUSED ? rc : KOFU_E_PRINTER_UNREACHABLE,
                     "Print queue not known: the printer did not list its jobs (see the printer check)",
                     "印刷キューを確認できません：プリンターがジョブ一覧を返しません（プリンターの確認を参照）");
        return;
    }
    set(d, "printer_jobs", json_integer(in.jobs_pending));
    if (queue)
        set(d, "queue_jobs", json_integer(in.jobs_kept));
    /* Any job cupsd still lists, completed or not, is one kofu did not
     * purge; the jobs still to print are the more urgent words. */
    if (queue && in.jobs_kept > 0)
        diag_verdict(r, DIAG_WARN, KOFU_E_SPOOL_NOT_EMPTY,
                     "The kiosk's CUPS queue keeps %d job(s): purge them (cancel -a -x), then check again",
                     "キオスクのCUPSキューにジョブが%d件残っています：削除（cancel -a -x）してから再確認してください",
                     in.jobs_kept);
    if (in.jobs_pending > 0)
        diag_verdict(r, DIAG_WARN, KOFU_E_SPOOL_NOT_EMPTY,
                     "%d job(s) waiting or held at the printer: cancel them on its panel, then check again",
                     "プリンターに待機中・保留中のジョブが%d件あります：操作パネルで取り消してから再確認してください",
                     in.jobs_pending);
}

/* ---- payment ------------------------------------------------------------ */

void diag_check_payment(const struct diag_env *env, struct diag_result *r)
{
    static const int change_coins[] = {10, 50, 100, 500};
    /* The kiosk holds its port exclusively (TIOCEXCL). */
    if (diag_in_use_by_kiosk(env, env->pay, env->cfg->payment_device, r))
        return;
    json_t *d = r->detail;
    set(d, "device", text_json(env->cfg->payment_device, 96));
    set(d, "answered", json_false());
    set(d, "rtt_ms", NULL);
    set(d, "levels", NULL);

    struct payment own = {.ops = env->board->payment};
    struct payment *pay = env->pay && env->pay->ops && env->pay->ctx ? env->pay : &own;
    int rc = KOFU_OK;
    if (pay == &own)
        rc = own.ops ? own.ops->open(&own.ctx, env->cfg->payment_device) : KOFU_E_CONFIG;
    bool opened = pay == &own && rc == KOFU_OK;
    struct payment_status st = {0};
    if (rc == KOFU_OK)
        rc = pay->ops->status ? pay->ops->status(pay->ctx, &st) : KOFU_E_PAYMENT_DEVICE;
    if (opened)
        own.ops->close(own.ctx);
    if (rc == KOFU_E_CONFIG) {
        diag_verdict(r, DIAG_FAIL, rc, "Acceptor not configured: check payment_device",
                     "硬貨・紙幣ユニットの設定がありません：payment_deviceを確認してください");
        return;
    }
    if (rc != KOFU_OK || !st.answered) {
        diag_verdict(r, DIAG_FAIL, KOFU_E_PAYMENT_DEVICE,
                     "Coin and note acceptor not answering: check its power and cable, then check again",
                     "硬貨・紙幣ユニットが応答しません：電源とケーブルを確認してから再確認してください");
        return;
    }
    set(d, "answered", json_true());
    set(d, "rtt_ms", json_real((double)(long)(st.rtt_ms * 10 + 0.5) / 10));
    if (!st.levels_known)
        return;
    json_t *levels = json_array();
    for (size_t i = 0; i < st.n_levels; i++)
        json_array_append_new(levels, json_pack("{s:i, s:i}", "yen", st.levels[i].yen, "count", st.levels[i].count));
    set(d, "levels", levels);
    for (size_t c = 0; c < sizeof change_coins / sizeof change_coins[0]; c++)
        for (size_t i = 0; i < st.n_levels; i++)
            if (st.levels[i].yen == change_coins[c] && st.levels[i].count == 0)
                diag_verdict(r, DIAG_WARN, KOFU_E_PAYMENT_CHANGE,
                             "No %d-yen coins for change: refill the change hopper",
                             "釣銭の%d円硬貨がありません：釣銭ホッパーに補充してください", change_coins[c]);
}
