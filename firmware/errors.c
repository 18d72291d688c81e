/* errors.c — see errors.h. */
#include "errors.h"

#include <stddef.h>

struct err_words {
    int err;
    const char *name;
    const char *ja;
    const char *en;
};

static const struct err_words words[] = {
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
};

static const struct err_words *find(int err)
{
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (words[i].err == err)
            return &words[i];
    return &words[1]; /* internal */
}

const char *kofu_err_name(int err) { return find(err)->name; }

const char *kofu_err_text(int err, enum kofu_lang lang)
{
    const struct err_words *w = find(err);
    return lang == KOFU_LANG_EN ? w->en : w->ja;
}
