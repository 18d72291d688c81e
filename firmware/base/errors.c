/* errors.c — see errors.h. */
#include "base/errors.h"

#include "base/words.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

static const struct kofu_word words[] = {
    {KOFU_OK, "ok", "正常に終了しました。", "Done."},
    {KOFU_E_INTERNAL, "internal", "内部エラーが発生しました。係員をお呼びください。",
     "An internal error occurred. Please call the staff."},
    {KOFU_E_NOMEM, "no-memory", "メモリが不足しています。係員をお呼びください。",
     "Out of memory. Please call the staff."},
    {KOFU_E_ARG, "usage", "指定が正しくありません。", "Invalid arguments."},
    {KOFU_E_CONFIG, "config", "設定に誤りがあります。係員をお呼びください。",
     "The configuration is invalid. Please call the staff."},
    {KOFU_E_VAULT, "vault", "安全なメモリ領域を確保できません。係員をお呼びください。",
     "Protected memory could not be set up. Please call the staff."},
    {KOFU_E_TIMEOUT, "timeout", "時間内に完了しませんでした。", "It did not finish in time."},
    {KOFU_E_SANDBOX, "sandbox", "端末の保護機能を有効にできません。係員をお呼びください。",
     "The kiosk's protection could not be enabled. Please call the staff."},
    {KOFU_E_NO_SERVICE, "no-service", "カード読み取りサービスが動いていません。係員をお呼びください。",
     "The card reader service is not running. Please call the staff."},
    {KOFU_E_NO_READER, "no-reader", "カードリーダーが見つかりません。係員をお呼びください。",
     "No card reader was found. Please call the staff."},
    {KOFU_E_READER_GONE, "reader-gone", "カードリーダーが切断されました。係員をお呼びください。",
     "The card reader was disconnected. Please call the staff."},
    {KOFU_E_NO_CARD, "no-card", "カードが置かれていません。マイナンバーカードを置いてください。",
     "No card is on the reader. Please place your My Number card."},
    {KOFU_E_CARD_REMOVED, "card-removed",
     "読み取り中にカードが離れました。カードを置き直して、もう一度お試しください。",
     "The card was removed while it was being read. Please place it again and retry."},
    {KOFU_E_CARD_COMM, "card-comm", "カードを読み取れませんでした。カードを置き直してください。",
     "The card could not be read. Please place it again."},
    {KOFU_E_CARD_BUSY, "card-busy", "カードは他の処理で使用中です。しばらくしてからお試しください。",
     "The card is in use by another process. Please try again shortly."},
    {KOFU_E_NOT_MYNA, "not-my-number-card", "マイナンバーカードではありません。",
     "This is not a My Number card."},
    {KOFU_E_CARD_STATUS, "card-status", "カードが予期しない応答をしました。カードを置き直してください。",
     "The card gave an unexpected answer. Please place it again."},
    {KOFU_E_PIN_FORMAT, "pin-format", "暗証番号は数字4桁で入力してください。",
     "The PIN must be exactly 4 digits."},
    {KOFU_E_PIN_WRONG, "pin-wrong", "暗証番号が違います。", "The PIN is incorrect."},
    {KOFU_E_PIN_BLOCKED, "pin-blocked",
     "暗証番号がロックされています。お住まいの市区町村の窓口で解除の手続きをしてください。",
     "The PIN is locked. Please visit your municipal office to have it unlocked."},
    {KOFU_E_PIN_NOT_CONFIRMED, "pin-not-confirmed",
     "残り1回のため、確認なしでは暗証番号を照合しません。",
     "Only one try remains, so the PIN is not checked without your confirmation."},
    {KOFU_E_CARD_DATA, "card-data", "カードの情報が正しくありません。", "The card's data is malformed."},
    {KOFU_E_NOT_AUTHENTIC, "not-authentic",
     "カードの情報の真正性を確認できませんでした。お住まいの市区町村の窓口にご相談ください。",
     "The card's data could not be verified as genuine. Please contact your municipal office."},
    {KOFU_E_CENTER_UNREACHABLE, "center-unreachable",
     "証明書センターに接続できません。しばらくしてからお試しください。",
     "The certificate center cannot be reached. Please try again later."},
    {KOFU_E_TLS_UNTRUSTED, "tls-untrusted", "証明書センターの確認に失敗しました。係員をお呼びください。",
     "The certificate center could not be verified. Please call the staff."},
    {KOFU_E_TLS_EXPIRED, "tls-expired", "証明書センターの証明書の期限が切れています。係員をお呼びください。",
     "The certificate center's certificate has expired. Please call the staff."},
    {KOFU_E_TLS_HOSTNAME, "tls-hostname", "証明書センターの名前が一致しません。係員をお呼びください。",
     "The certificate center's name does not match. Please call the staff."},
    {KOFU_E_TLS_SELF_SIGNED, "tls-self-signed", "証明書センターの確認に失敗しました。係員をお呼びください。",
     "The certificate center presented a self-signed certificate. Please call the staff."},
    {KOFU_E_TLS_PROTOCOL, "tls-protocol", "証明書センターと安全に通信できません。係員をお呼びください。",
     "No secure (TLS 1.3) channel to the certificate center could be agreed. Please call the staff."},
    {KOFU_E_TLS_CLIENT_REFUSED, "tls-client-refused", "この端末は証明書センターに受け付けられませんでした。係員をお呼びください。",
     "The certificate center refused this kiosk. Please call the staff."},
    {KOFU_E_CENTER_RESPONSE, "center-response", "証明書センターの応答が正しくありません。しばらくしてからお試しください。",
     "The certificate center gave an invalid answer. Please try again later."},
    {KOFU_E_CENTER_BUSY, "center-busy", "証明書センターが混み合っています。しばらくしてからお試しください。",
     "The certificate center is busy. Please try again later."},
    {KOFU_E_NO_RECORD, "no-record",
     "選択した市区町村に接種記録が見つかりません。ほかの市区町村を選んでください。",
     "No vaccination record was found in the chosen municipality. Please choose another municipality."},
    {KOFU_E_MUNICIPALITY_NOT_PARTICIPATING, "municipality-not-participating",
     "選択した市区町村はコンビニ交付に参加していません。",
     "The chosen municipality does not offer certificates at this kiosk."},
    {KOFU_E_CENTER_CARD_NOT_AUTHENTIC, "card-not-authentic",
     "カードの情報を確認できませんでした。お住まいの市区町村の窓口にご相談ください。",
     "The card's data could not be verified. Please contact your municipal office."},
    {KOFU_E_PASSPORT_NOT_REGISTERED, "passport-not-registered",
     "旅券の情報が登録されていません。海外用は市区町村の窓口かアプリでお申し込みください。日本国内用は発行できます。",
     "No passport data is registered. For the overseas certificate, apply at your municipal office or in the app first. "
     "You can still get the domestic certificate."},
    /* No hours here: they are /config's, and the screen shows them beside these words. */
    {KOFU_E_OUTSIDE_HOURS, "outside-service-hours", "サービス時間外です。", "The service is closed now."},
    {KOFU_E_CENTER_BAD_REQUEST, "bad-request", "要求が受け付けられませんでした。係員をお呼びください。",
     "The request was not accepted. Please call the staff."},
    {KOFU_E_TERMS_OUTDATED, "terms-outdated",
     "利用規約が更新されました。お手数ですが、最初からもう一度お手続きください。",
     "The terms of use have just been updated. Please start again from the beginning."},
    {KOFU_E_CENTER_FAILED, "center-failed",
     "証明書センターで障害が発生しました。しばらくしてからお試しください。",
     "The certificate center has a fault. Please try again later."},
    {KOFU_E_CERT_NOT_AUTHENTIC, "certificate-not-authentic",
     "証明書の署名を確認できませんでした。印刷は行いません。係員をお呼びください。",
     "The certificate's signature could not be verified, so nothing is printed. Please call the staff."},
    {KOFU_E_CERT_OTHER_PERSON, "certificate-other-person",
     "証明書の内容がカードの方と一致しません。印刷は行いません。係員をお呼びください。",
     "The certificate does not match the card holder, so nothing is printed. Please call the staff."},
    {KOFU_E_FONT, "font-missing", "証明書の印刷に必要なフォントがありません。係員をお呼びください。",
     "The font needed to print certificates is missing. Please call the staff."},
    {KOFU_E_QR_TOO_LARGE, "qr-too-large",
     "証明書の情報が二次元コードに収まりません。お住まいの市区町村の窓口にご相談ください。",
     "The certificate data does not fit in a QR code. Please contact your municipal office."},
    {KOFU_E_RENDER, "render", "証明書を作成できませんでした。係員をお呼びください。",
     "The certificate could not be produced. Please call the staff."},
    {KOFU_E_DOC_UNPRINTABLE, "document-unprintable",
     "この端末では印刷できない文字が含まれています。お住まいの市区町村の窓口にご相談ください。",
     "The certificate contains text this kiosk cannot print. Please contact your municipal office."},
    {KOFU_E_PRINTER_UNREACHABLE, "printer-unreachable", "プリンターに接続できません。係員をお呼びください。",
     "The printer cannot be reached. Please call the staff."},
    {KOFU_E_PRINTER_NOT_READY, "printer-not-ready", "プリンターが印刷できない状態です。係員をお呼びください。",
     "The printer is not ready. Please call the staff."},
    {KOFU_E_PRINTER_MEDIA_EMPTY, "printer-media-empty", "プリンターの用紙がありません。係員をお呼びください。",
     "The printer is out of paper. Please call the staff."},
    {KOFU_E_PRINTER_MEDIA_JAM, "printer-media-jam", "プリンターで紙が詰まりました。係員をお呼びください。",
     "Paper is jammed in the printer. Please call the staff."},
    {KOFU_E_PRINTER_DOOR_OPEN, "printer-door-open", "プリンターのカバーが開いています。係員をお呼びください。",
     "A printer door or cover is open. Please call the staff."},
    {KOFU_E_PRINTER_TONER_EMPTY, "printer-toner-empty",
     "プリンターのトナー（インク）がありません。係員をお呼びください。",
     "The printer is out of toner or ink. Please call the staff."},
    {KOFU_E_PRINTER_OFFLINE, "printer-offline", "プリンターがオフラインです。係員をお呼びください。",
     "The printer is offline. Please call the staff."},
    {KOFU_E_PRINTER_REFUSED, "printer-refused", "プリンターが印刷を受け付けませんでした。係員をお呼びください。",
     "The printer did not accept the print job. Please call the staff."},
    {KOFU_E_PRINT_ABORTED, "print-aborted", "印刷が中断されました。係員をお呼びください。",
     "Printing was aborted. Please call the staff."},
    {KOFU_E_PRINT_CANCELLED, "print-cancelled", "印刷が取り消されました。係員をお呼びください。",
     "Printing was cancelled. Please call the staff."},
    {KOFU_E_PRINT_TIMEOUT, "print-timeout", "印刷が時間内に終わりませんでした。係員をお呼びください。",
     "Printing did not finish in time. Please call the staff."},
    {KOFU_E_PRINTER_UNTRUSTED, "printer-untrusted",
     "プリンターを確認できないため、印刷は行いません。係員をお呼びください。",
     "The printer could not be verified, so nothing is printed. Please call the staff."},
    {KOFU_E_PRINTER_INSECURE, "printer-insecure",
     "プリンターへの接続が暗号化されていないため、印刷は行いません。係員をお呼びください。",
     "The connection to the printer is not encrypted, so nothing is printed. Please call the staff."},
    {KOFU_E_PAYMENT_DEVICE, "payment-device", "料金の受け取りができません。係員をお呼びください。",
     "The payment unit is not working. Please call the staff."},
    {KOFU_E_PAYMENT_REFUND, "payment-refund", "お金をお返しできませんでした。返金の控えをお受け取りのうえ、係員をお呼びください。",
     "Your money could not be returned. Please take the refund receipt and call the staff."},
    {KOFU_E_PAYMENT_CHANGE, "payment-change", "おつりをお返しできませんでした。係員をお呼びください。",
     "Your change could not be returned. Please call the staff."},
    {KOFU_E_DISPLAY, "display", "画面を表示できません。", "The display is not working."},
    {KOFU_E_INPUT, "input", "タッチパネルまたはセンサーを読み取れません。", "The touch panel or a sensor cannot be read."},
    {KOFU_E_AUDIO, "audio", "音声案内を再生できません。", "Voice guidance cannot be played."},
    {KOFU_E_SERVICE_DENIED, "service-denied", "保守用の番号が違います。",
     "The technician number or maintenance credential is wrong."},
    {KOFU_E_SERVICE_LOCKED, "service-locked", "誤りが続いたため、保守モードはしばらく使えません。",
     "Too many wrong credentials: service mode is locked for a while."},
    {KOFU_E_CREDENTIAL_BAD, "credential-bad", "証明書または鍵が読めないか、正しくありません。",
     "A certificate or key cannot be read, is malformed, or does not match."},
    {KOFU_E_CREDENTIAL_EXPIRED, "credential-expired", "証明書の有効期限が切れています。",
     "A certificate has expired or is not yet valid."},
    {KOFU_E_CREDENTIAL_EXPIRING, "credential-expiring", "証明書の有効期限が近づいています。",
     "A certificate expires soon."},
    {KOFU_E_CLOCK_OFF, "clock-off", "端末の時計がずれています。", "The kiosk's clock is off."},
    {KOFU_E_CARD_LEFT, "card-left", "カードリーダーにカードが残っています。", "A card was left in the reader."},
    {KOFU_E_PRINTER_SUPPLY_LOW, "printer-supply-low", "用紙またはトナーが残り少なくなっています。",
     "Paper or toner is running low."},
    {KOFU_E_SPOOL_NOT_EMPTY, "spool-not-empty", "印刷待ちのジョブが残っています。",
     "A print job is still waiting in a spool."},
    {KOFU_E_TEST_NOT_CONFIRMED, "test-not-confirmed", "テストの結果が確認されませんでした。",
     "The technician did not confirm the test."},
};

static const struct kofu_word *find(int err)
{
    const struct kofu_word *w = kofu_word_find(words, KOFU_WORDS_N(words), err);
    return w ? w : &words[1]; /* internal */
}

const char *kofu_err_name(int err) { return kofu_word_name(find(err)); }

const char *kofu_err_text(int err, enum kofu_lang lang) { return kofu_word_text(find(err), lang); }

int kofu_err_at(size_t i, int *err)
{
    if (i >= KOFU_WORDS_N(words) || !err)
        return 0;
    *err = words[i].code;
    return 1;
}

void kofu_errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}
