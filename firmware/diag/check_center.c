/*
 * check_center.c — see diag.h: the center (the TLS handshake and the
 * configuration fetch, as `kofu center ping`) and the clock (the kiosk's
 * against the HTTP Date of the center's answer).
 *
 * Both ask GET /kofu/v1/config once, through the kiosk's own client when it
 * is lent (the same TLS settings, key and session as a visit's), else a
 * client made from the configuration. Once: the client's retries are
 * suspended for the call, so that a center that is down fails within one
 * connect time-out rather than after the protocol's backoff.
 */
#include "diag/cert_file.h"
#include "diag/diag.h"

#include "base/errors.h"
#include "center/center.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int ask_center(const struct diag_env *env, struct center_config *cc, struct center_call_info *info)
{
    memset(cc, 0, sizeof *cc);
    memset(info, 0, sizeof *info);
    struct center_client *c = env->cc;
    int rc = c ? KOFU_OK : center_client_new(env->cfg, &c);
    if (rc != KOFU_OK)
        return rc;
    int retries = center_client_set_retries(c, 0);
    rc = center_get_config(c, cc, info);
    center_client_set_retries(c, retries);
    if (!env->cc)
        center_client_free(c);
    return rc;
}

/* Words made in both languages: each format prints its own text. */
static void verdict_words(struct diag_result *r, enum diag_status st, int err, const char *en, const char *ja)
{
    diag_verdict(r, st, err, "%s%.0s", "%.0s%s", en, ja);
}

/* The center refused the kiosk's certificate: what the kiosk's own copy
 * says about why (the center's alert rarely does). */
static void refused_words(const struct kofu_config *cfg, char *en, char *ja)
{
    struct cert_info ci[CERT_FILE_MAX];
    int err_no = 0;
    time_t now = time(NULL);
    char when[CERT_TIME_ISO_LEN + 1];
    int n = cert_file_read(cfg->kiosk_cert_file, ci, &err_no);
    if (n > 0 && ci[0].not_after <= now) {
        cert_time_iso(ci[0].not_after, when);
        snprintf(en, DIAG_SUMMARY_MAX, "Center refused this kiosk: its certificate expired on %.10s; order a new one",
                 when);
        snprintf(ja, DIAG_SUMMARY_MAX, "センターがこの端末を拒否しました。端末証明書の期限が%.10sに切れています。"
                                       "新しい証明書を手配してください",
                 when);
    } else if (n > 0 && ci[0].not_before > now) {
        snprintf(en, DIAG_SUMMARY_MAX, "Center refused this kiosk: its certificate is not valid yet; check the clock");
        snprintf(ja, DIAG_SUMMARY_MAX, "センターがこの端末を拒否しました。端末証明書がまだ有効ではありません。"
                                       "時計を確認してください");
    } else {
        snprintf(en, DIAG_SUMMARY_MAX, "Center refused this kiosk: its certificate is likely expired or revoked; "
                                       "see credentials, then call the center");
        snprintf(ja, DIAG_SUMMARY_MAX, "センターがこの端末を拒否しました。端末証明書の期限切れか失効の可能性があります。"
                                       "センターに連絡してください");
    }
}

/* A failed call in the technician's words: what it means and what to do. */
static void failure_words(const struct kofu_config *cfg, int rc, long http_status, char *en, char *ja)
{
    switch (rc) {
    case KOFU_E_CONFIG:
        /* Also what a kiosk key that is not its certificate's gives: the
         * handshake is not even tried. */
        snprintf(en, DIAG_SUMMARY_MAX, "Center settings or kiosk credentials unusable: check center_url and "
                                       "center_ca_file, and see credentials");
        snprintf(ja, DIAG_SUMMARY_MAX, "センターの設定か端末の証明書・鍵が使えません。center_url、center_ca_fileと"
                                       "credentialsを確認してください");
        break;
    case KOFU_E_CENTER_UNREACHABLE:
        snprintf(en, DIAG_SUMMARY_MAX, "Center unreachable: check the network cable, the router and center_url");
        snprintf(ja, DIAG_SUMMARY_MAX, "センターに接続できません。LANケーブル、ルーター、center_urlを確認してください");
        break;
    case KOFU_E_TLS_UNTRUSTED:
    case KOFU_E_TLS_SELF_SIGNED:
        snprintf(en, DIAG_SUMMARY_MAX, "Center not trusted: its certificate is not from the pinned center CA; "
                                       "check center_ca_file and that no proxy is in the way");
        snprintf(ja, DIAG_SUMMARY_MAX, "センターの証明書が信頼できません。center_ca_fileと、"
                                       "途中にプロキシがないかを確認してください");
        break;
    case KOFU_E_TLS_EXPIRED:
        snprintf(en, DIAG_SUMMARY_MAX, "Center certificate expired or not yet valid: check the kiosk's clock, "
                                       "then call the center");
        snprintf(ja, DIAG_SUMMARY_MAX, "センターの証明書が有効期間外です。端末の時計を確認し、センターに連絡してください");
        break;
    case KOFU_E_TLS_HOSTNAME:
        snprintf(en, DIAG_SUMMARY_MAX, "Center certificate is for another host name: check center_url");
        snprintf(ja, DIAG_SUMMARY_MAX, "センターの証明書のホスト名が違います。center_urlを確認してください");
        break;
    case KOFU_E_TLS_PROTOCOL:
        snprintf(en, DIAG_SUMMARY_MAX, "No TLS 1.3 channel with the center: call the center");
        snprintf(ja, DIAG_SUMMARY_MAX, "センターとTLS 1.3で接続できません。センターに連絡してください");
        break;
    case KOFU_E_TLS_CLIENT_REFUSED:
        refused_words(cfg, en, ja);
        break;
    case KOFU_E_CENTER_BUSY:
        snprintf(en, DIAG_SUMMARY_MAX, "Center busy (503): try again in a few minutes; if it stays, call the center");
        snprintf(ja, DIAG_SUMMARY_MAX, "センターが混雑しています（503）。数分後に再確認し、続く場合はセンターに連絡してください");
        break;
    case KOFU_E_CENTER_FAILED:
        snprintf(en, DIAG_SUMMARY_MAX, "Center reports a fault of its own (HTTP %ld): the kiosk is fine; "
                                       "call the center if it stays", http_status);
        snprintf(ja, DIAG_SUMMARY_MAX, "センター側で障害が発生しています（HTTP %ld）。端末の問題ではありません。"
                                       "続く場合はセンターに連絡してください", http_status);
        break;
    case KOFU_E_CENTER_RESPONSE:
        snprintf(en, DIAG_SUMMARY_MAX, "Center's answer is not valid (HTTP %ld): call the center", http_status);
        snprintf(ja, DIAG_SUMMARY_MAX, "センターの応答が正しくありません（HTTP %ld）。センターに連絡してください",
                 http_status);
        break;
    default:
        snprintf(en, DIAG_SUMMARY_MAX, "%s", kofu_err_text(rc, KOFU_LANG_EN));
        snprintf(ja, DIAG_SUMMARY_MAX, "%s", kofu_err_text(rc, KOFU_LANG_JA));
        break;
    }
}

void diag_check_center(const struct diag_env *env, struct diag_result *r)
{
    const struct kofu_config *cfg = env->cfg;
    struct center_config cc;
    struct center_call_info info;
    int rc = ask_center(env, &cc, &info);
    json_t *d = r->detail;
    json_object_set_new(d, "url", json_string(cfg->center_url));
    json_object_set_new(d, "rtt_ms", json_real(round(info.rtt_ms * 100) / 100));
    json_object_set_new(d, "http_status", json_integer(info.http_status));
    if (info.server_subject[0])
        json_object_set_new(d, "server_subject", json_string(info.server_subject));
    long days = 0;
    if (info.server_not_after) {
        char iso[CERT_TIME_ISO_LEN + 1];
        cert_time_iso(info.server_not_after, iso);
        days = cert_days_left(info.server_not_after, time(NULL));
        json_object_set_new(d, "server_not_after", json_string(iso));
        json_object_set_new(d, "days_left", json_integer(days));
    }
    char en[DIAG_SUMMARY_MAX], ja[DIAG_SUMMARY_MAX];
    if (rc != KOFU_OK) {
        json_object_set_new(d, "error", json_string(kofu_err_name(rc)));
        if (info.tls_detail[0])
            json_object_set_new(d, "error_detail", json_string(info.tls_detail));
        failure_words(cfg, rc, info.http_status, en, ja);
        verdict_words(r, DIAG_FAIL, rc, en, ja);
        return;
    }
    char hours[32 + CENTER_TIMEZONE_MAX];
    snprintf(hours, sizeof hours, "%02d:%02d-%02d:%02d %s", cc.open_minute / 60, cc.open_minute % 60,
             cc.close_minute / 60, cc.close_minute % 60, cc.timezone);
    json_object_set_new(d, "municipalities", json_integer((json_int_t)cc.n_municipalities));
    json_object_set_new(d, "service_hours", json_string(hours));
    center_config_free(&cc);
    if (info.server_not_after && days < cfg->diag_cert_warn_days) {
        snprintf(en, sizeof en, "Center certificate expires in %ld days: tell the center", days);
        snprintf(ja, sizeof ja, "センターの証明書の有効期限まであと%ld日です。センターに連絡してください", days);
        verdict_words(r, DIAG_WARN, KOFU_E_CREDENTIAL_EXPIRING, en, ja);
        return;
    }
    diag_verdict(r, DIAG_OK, KOFU_OK, "Center answered in %.0f ms", "センターが%.0fミリ秒で応答しました", info.rtt_ms);
}

void diag_check_clock(const struct diag_env *env, struct diag_result *r)
{
    const struct kofu_config *cfg = env->cfg;
    struct center_config cc;
    struct center_call_info info;
    int rc = ask_center(env, &cc, &info);
    center_config_free(&cc);
    json_t *d = r->detail;
    /* An answer that broke the protocol still tells the time. */
    if (!info.server_date || info.local_time <= 0) {
        json_object_set_new(d, "source", json_string("http-date"));
        if (rc != KOFU_OK) {
            json_object_set_new(d, "error", json_string(kofu_err_name(rc)));
            diag_verdict(r, DIAG_WARN, rc, "Could not compare the clock: the center did not answer (see center)",
                         "時計を比較できません。センターが応答しません（centerを参照）");
        } else {
            diag_verdict(r, DIAG_WARN, KOFU_E_CENTER_RESPONSE,
                         "Could not compare the clock: the center's answer has no Date; tell the center",
                         "時計を比較できません。センターの応答に日時（Date）がありません。センターに連絡してください");
        }
        return;
    }
    /* Date has whole seconds, cut down: the center's time was up to a
     * second later, half a second on average. */
    long long offset = llround((double)info.server_date + 0.5 - info.local_time);
    char kiosk[CERT_TIME_ISO_LEN + 1], center[CERT_TIME_ISO_LEN + 1];
    cert_time_iso((time_t)info.local_time, kiosk);
    cert_time_iso(info.server_date, center);
    json_object_set_new(d, "offset_seconds", json_integer(offset));
    json_object_set_new(d, "kiosk_time", json_string(kiosk));
    json_object_set_new(d, "center_time", json_string(center));
    json_object_set_new(d, "source", json_string("http-date"));
    long long off = llabs(offset);
    enum diag_status st = off > cfg->diag_clock_fail_seconds ? DIAG_FAIL
                          : off > cfg->diag_clock_warn_seconds ? DIAG_WARN
                                                               : DIAG_OK;
    if (st == DIAG_OK) {
        diag_verdict(r, DIAG_OK, KOFU_OK, "Clock within %lld s of the center's", "時計はセンターとの差%lld秒以内です",
                     off);
        return;
    }
    char en[DIAG_SUMMARY_MAX], ja[DIAG_SUMMARY_MAX];
    /* offset > 0: the center's clock is ahead, so the kiosk's is behind. */
    snprintf(en, sizeof en, "Kiosk clock %lld s %s the center's: certificates and service hours depend on it; "
                            "check NTP (systemd-timesyncd)",
             off, offset > 0 ? "behind" : "ahead of");
    snprintf(ja, sizeof ja, "端末の時計がセンターより%lld秒%sいます。証明書と受付時間に影響します。NTP（timesyncd）を確認してください",
             off, offset > 0 ? "遅れて" : "進んで");
    verdict_words(r, st, KOFU_E_CLOCK_OFF, en, ja);
}
