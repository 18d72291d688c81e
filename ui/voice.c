/*
 * voice.c — see voice.h.
 *
 * Four tables: the prompts of the screens (one per enum session_prompt
 * that carries nothing), "pin-tries-left-N" for N = 1..9, one
 * "error-<kofu_err_name>" per kofu_err, and the service mode's audio test. SESSION_PROMPT_REFUNDED and
 * SESSION_PROMPT_REFUND_RECEIPT are plain prompts: the screen shows why the
 * money went back (its err); the voice says only that it did (or could not),
 * and what to do — the one thing a resident must not miss.
 *
 * The Japanese words are hiragana and katakana only, because espeak-ng's
 * Japanese voice reads kanji as code names, not words. For the same reason
 * they are written as they are spoken: the particles は and へ as わ and え
 * (espeak-ng reads kana literally: "ha", "he"), numbers as words (よんけた),
 * and spaces between phrases where a speaker would pause briefly. These
 * strings are for the synthesiser only; the screens have their own text.
 * The English words are plain ASCII.
 */
#include "ui/voice.h"

#include "diag/diag_types.h"

#include <stdio.h>
#include <string.h>

struct voice_words {
    const char *name;
    const char *ja;
    const char *en;
};

/* Indexed by enum session_prompt; ERROR and PIN_TRIES_LEFT carry a value
 * and live in their own tables. */
static const struct voice_words voice_screen_words[SESSION_PROMPT__COUNT] = {
    [SESSION_PROMPT_WELCOME] = {"welcome",
        "いらっしゃいませ。マイナンバーカードを、カードリーダーに おいてください。",
        "Welcome. Please place your My Number card on the card reader."},
    [SESSION_PROMPT_CLOSED] = {"closed",
        "ただいま、このサービスわ ごりよう いただけません。サービスじかんないに、もういちど おこしください。",
        "This service is not available now. Please come back during service hours."},
    [SESSION_PROMPT_CARD_PLACED] = {"card-placed",
        "カードを かくにんしています。カードを うごかさずに、しょうしょう おまちください。",
        "Checking your card. Please do not move it, and wait a moment."},
    [SESSION_PROMPT_SERVICE] = {"service",
        "ごりようになる サービスを、えらんでください。",
        "Please choose a service."},
    [SESSION_PROMPT_PIN_ENTER] = {"pin-enter",
        "けんめんじこう にゅうりょくほじょようの あんしょうばんごう、すうじ よんけたを、にゅうりょくしてください。",
        "Please enter the four-digit PIN of your My Number card."},
    [SESSION_PROMPT_PIN_LAST_TRY] = {"pin-last-try",
        "あんしょうばんごうの にゅうりょくわ、のこり いっかいです。まちがえると ロックされ、しくちょうそんの まどぐちでの てつづきが ひつようになります。にゅうりょくしますか。",
        "You have one try left. If the PIN is wrong again, it will be locked and must be unlocked at your municipal office. Do you want to enter it?"},
    [SESSION_PROMPT_PIN_INCOMPLETE] = {"pin-incomplete",
        "あんしょうばんごうわ、すうじ よんけたで にゅうりょくしてください。",
        "The PIN has four digits. Please enter all four."},
    [SESSION_PROMPT_READING] = {"reading",
        "カードを よみとっています。カードを うごかさないでください。",
        "Reading your card. Please do not move it."},
    [SESSION_PROMPT_TAKE_CARD] = {"take-card",
        "よみとりが おわりました。マイナンバーカードを、おとりください。",
        "Your card has been read. Please take your My Number card."},
    [SESSION_PROMPT_REMIND_TAKE_CARD] = {"remind-take-card",
        "マイナンバーカードの、おとりわすれに ごちゅういください。",
        "Please do not forget your My Number card."},
    [SESSION_PROMPT_MUNICIPALITY] = {"municipality",
        "せっしゅを うけたときに じゅうみんとうろくの あった、しくちょうそんを えらんでください。",
        "Please choose the municipality where you were registered when you were vaccinated."},
    [SESSION_PROMPT_KIND_COPIES] = {"kind-copies",
        "しょうめいしょの しゅるいと、まいすうを えらんでください。",
        "Please choose the type of certificate and the number of copies."},
    [SESSION_PROMPT_REQUESTING] = {"requesting",
        "しょうめいしょを じゅんびしています。しょうしょう おまちください。",
        "Preparing your certificate. Please wait a moment."},
    [SESSION_PROMPT_CONFIRM] = {"confirm",
        "がめんの ないようと りょうきんを ごかくにんください。よろしければ、つぎに すすんでください。",
        "Please check the details and the fee on the screen. If they are correct, please continue."},
    [SESSION_PROMPT_PAYMENT] = {"payment",
        "がめんに ひょうじされた りょうきんを、とうにゅうしてください。",
        "Please insert the fee shown on the screen."},
    [SESSION_PROMPT_PRINTING] = {"printing",
        "しょうめいしょを いんさつしています。しょうしょう おまちください。",
        "Printing your certificate. Please wait a moment."},
    [SESSION_PROMPT_TAKE_CERTIFICATE] = {"take-certificate",
        "しょうめいしょを おとりください。おつりの あるかたわ、おつりも おとりください。",
        "Please take your certificate, and your change if there is any."},
    [SESSION_PROMPT_REMIND_TAKE_CERTIFICATE] = {"remind-take-certificate",
        "しょうめいしょの、おとりわすれに ごちゅういください。",
        "Please do not forget your certificate."},
    [SESSION_PROMPT_REFUNDING] = {"refunding",
        "おかねを おかえししています。しょうしょう おまちください。",
        "Returning your money. Please wait a moment."},
    [SESSION_PROMPT_REFUNDED] = {"refunded",
        "とうにゅうされた おかねを、おかえし しました。おとりわすれに ごちゅういください。",
        "Your money has been returned. Please do not forget to take it."},
    [SESSION_PROMPT_REFUND_RECEIPT] = {"refund-receipt",
        "おかねを おかえしできませんでした。へんきんの ひかえを おうけとりのうえ、かかりいんを およびください。",
        "Your money could not be returned. Please take the refund receipt and call the staff."},
    [SESSION_PROMPT_TIMEOUT_WARNING] = {"timeout-warning",
        "ごりようを つづけますか。つづける ばあいわ、がめんに ふれてください。",
        "Are you still there? Please touch the screen to continue."},
    [SESSION_PROMPT_PLEASE_WAIT] = {"please-wait",
        "じかんが かかっています。そのまま おまちください。",
        "This is taking longer than usual. Please wait."},
    [SESSION_PROMPT_TERMS] = {"terms",
        "りようきやくを およみください。どういする ばあいわ、どういする を おしてください。どういしない ばあいわ、カードわ よみとらずに おわります。",
        "Please read the terms of use. To continue, press Agree. If you do not agree, the card is not read and the procedure ends."},
    [SESSION_PROMPT_PASSPORT_NUMBERS] = {"passport-numbers",
        "りょけんの かおじゃしんの ページの したにある にぎょうの きごうから、りょけんばんごうと ゆうこうきげんを、"
        "それぞれの すぐあとの すうじ ひとけたと いっしょに にゅうりょくしてください。",
        "Please enter the passport number and the expiry date from the two lines under the photo, "
        "each with the one digit that follows it."},
    [SESSION_PROMPT_PASSPORT_INCOMPLETE] = {"passport-incomplete",
        "まだ にゅうりょくされていない らんが あります。すべての らんを にゅうりょくしてください。",
        "Some boxes are still empty. Please fill in every box."},
    [SESSION_PROMPT_PASSPORT_PLACE] = {"passport-place",
        "りょけんの かおじゃしんの ページを ひらいて、そのページを したにして、カードリーダーに おいてください。",
        "Please open your passport at the photo page and place that page face down on the card reader."},
    [SESSION_PROMPT_PASSPORT_READING] = {"passport-reading",
        "りょけんを よみとっています。りょけんを うごかさないでください。",
        "Reading your passport. Please do not move it."},
    [SESSION_PROMPT_TAKE_PASSPORT] = {"take-passport",
        "りょけんを おとりください。",
        "Please take your passport."},
    [SESSION_PROMPT_REMIND_TAKE_PASSPORT] = {"remind-take-passport",
        "りょけんの、おとりわすれに ごちゅういください。",
        "Please do not forget your passport."},
};

#define VOICE_TRIES_MAX 9

/* Indexed by tries left - 1. */
static const struct voice_words voice_tries_words[VOICE_TRIES_MAX] = {
    {"pin-tries-left-1", "あんしょうばんごうを にゅうりょくしてください。のこりの にゅうりょくかいすうわ、いっかいです。",
     "Please enter your PIN. You have one try left."},
    {"pin-tries-left-2", "あんしょうばんごうを にゅうりょくしてください。のこりの にゅうりょくかいすうわ、にかいです。",
     "Please enter your PIN. You have two tries left."},
    {"pin-tries-left-3", "あんしょうばんごうを にゅうりょくしてください。のこりの にゅうりょくかいすうわ、さんかいです。",
     "Please enter your PIN. You have three tries left."},
    {"pin-tries-left-4", "あんしょうばんごうを にゅうりょくしてください。のこりの にゅうりょくかいすうわ、よんかいです。",
     "Please enter your PIN. You have four tries left."},
    {"pin-tries-left-5", "あんしょうばんごうを にゅうりょくしてください。のこりの にゅうりょくかいすうわ、ごかいです。",
     "Please enter your PIN. You have five tries left."},
    {"pin-tries-left-6", "あんしょうばんごうを にゅうりょくしてください。のこりの にゅうりょくかいすうわ、ろっかいです。",
     "Please enter your PIN. You have six tries left."},
    {"pin-tries-left-7", "あんしょうばんごうを にゅうりょくしてください。のこりの にゅうりょくかいすうわ、ななかいです。",
     "Please enter your PIN. You have seven tries left."},
    {"pin-tries-left-8", "あんしょうばんごうを にゅうりょくしてください。のこりの にゅうりょくかいすうわ、はっかいです。",
     "Please enter your PIN. You have eight tries left."},
    {"pin-tries-left-9", "あんしょうばんごうを にゅうりょくしてください。のこりの にゅうりょくかいすうわ、きゅうかいです。",
     "Please enter your PIN. You have nine tries left."},
};

#define CALL_STAFF_JA "かかりいんを およびください。"
#define CALL_STAFF_EN "Please call the staff."
#define TRY_LATER_JA "しばらくしてから おためしください。"
#define TRY_LATER_EN "Please try again later."
#define ASK_OFFICE_JA "おすまいの しくちょうそんの まどぐちに ごそうだんください。"
#define ASK_OFFICE_EN "Please contact your municipal office."

/* One per entry of firmware/base/errors.c (test_voice checks both ways). The
 * words follow errors.c's, said rather than read. */
static const struct voice_words voice_error_words[] = {
    {"error-ok", "てつづきを しゅうりょうしました。", "The procedure has ended."},
    {"error-internal", "ないぶエラーが はっせいしました。" CALL_STAFF_JA,
     "An internal error occurred. " CALL_STAFF_EN},
    {"error-no-memory", "メモリが ふそくしています。" CALL_STAFF_JA,
     "The kiosk is out of memory. " CALL_STAFF_EN},
    {"error-usage", "していが ただしく ありません。", "The request is not valid."},
    {"error-config", "せっていに あやまりが あります。" CALL_STAFF_JA,
     "The kiosk settings are not valid. " CALL_STAFF_EN},
    {"error-vault", "あんぜんな メモリりょういきを かくほできません。" CALL_STAFF_JA,
     "Protected memory could not be set up. " CALL_STAFF_EN},
    {"error-timeout", "じかんないに おわりませんでした。", "It did not finish in time."},
    {"error-sandbox", "たんまつの ほごきのうを ゆうこうに できません。" CALL_STAFF_JA,
     "The kiosk's protection could not be turned on. " CALL_STAFF_EN},
    {"error-no-service", "カードよみとりサービスが うごいていません。" CALL_STAFF_JA,
     "The card reader service is not running. " CALL_STAFF_EN},
    {"error-no-reader", "カードリーダーが みつかりません。" CALL_STAFF_JA,
     "No card reader was found. " CALL_STAFF_EN},
    {"error-reader-gone", "カードリーダーが せつだんされました。" CALL_STAFF_JA,
     "The card reader was disconnected. " CALL_STAFF_EN},
    {"error-no-card", "カードが おかれていません。マイナンバーカードを おいてください。",
     "No card is on the reader. Please place your My Number card."},
    {"error-card-removed",
     "よみとりちゅうに カードが はなれました。カードを おきなおして、もういちど おためしください。",
     "The card was removed while it was being read. Please place it again and retry."},
    {"error-card-comm", "カードを よみとれませんでした。カードを おきなおしてください。",
     "The card could not be read. Please place it again."},
    {"error-card-busy", "カードわ ほかの しょりで しようちゅうです。" TRY_LATER_JA,
     "The card is in use by another process. " TRY_LATER_EN},
    {"error-not-my-number-card", "マイナンバーカードでわ ありません。", "This is not a My Number card."},
    {"error-card-status", "カードが よきしない おうとうを しました。カードを おきなおしてください。",
     "The card gave an unexpected answer. Please place it again."},
    {"error-pin-format", "あんしょうばんごうわ、すうじ よんけたで にゅうりょくしてください。",
     "The PIN must be exactly four digits."},
    {"error-pin-wrong", "あんしょうばんごうが ちがいます。", "The PIN is incorrect."},
    {"error-pin-blocked",
     "あんしょうばんごうが ロックされています。おすまいの しくちょうそんの まどぐちで、かいじょの てつづきを してください。",
     "The PIN is locked. Please visit your municipal office to have it unlocked."},
    {"error-pin-not-confirmed",
     "のこり いっかいのため、かくにん なしでわ あんしょうばんごうを しょうごうしません。",
     "Only one try remains, so the PIN is not checked without your confirmation."},
    {"error-card-data", "カードの じょうほうが ただしく ありません。", "The card's data is not valid."},
    {"error-not-authentic", "カードの じょうほうの しんせいせいを かくにんできませんでした。" ASK_OFFICE_JA,
     "The card's data could not be verified as genuine. " ASK_OFFICE_EN},
    {"error-center-unreachable", "しょうめいしょセンターに せつぞくできません。" TRY_LATER_JA,
     "The certificate center cannot be reached. " TRY_LATER_EN},
    {"error-tls-untrusted", "しょうめいしょセンターの かくにんに しっぱいしました。" CALL_STAFF_JA,
     "The certificate center could not be verified. " CALL_STAFF_EN},
    {"error-tls-expired", "しょうめいしょセンターの しょうめいしょの きげんが きれています。" CALL_STAFF_JA,
     "The certificate center's certificate has expired. " CALL_STAFF_EN},
    {"error-tls-hostname", "しょうめいしょセンターの なまえが いっちしません。" CALL_STAFF_JA,
     "The certificate center's name does not match. " CALL_STAFF_EN},
    {"error-tls-self-signed", "しょうめいしょセンターの かくにんに しっぱいしました。" CALL_STAFF_JA,
     "The certificate center could not be verified. " CALL_STAFF_EN},
    {"error-tls-protocol", "しょうめいしょセンターと あんぜんに つうしんできません。" CALL_STAFF_JA,
     "There is no secure connection to the certificate center. " CALL_STAFF_EN},
    {"error-tls-client-refused", "このたんまつわ、しょうめいしょセンターに うけつけられませんでした。" CALL_STAFF_JA,
     "The certificate center refused this kiosk. " CALL_STAFF_EN},
    {"error-center-response", "しょうめいしょセンターの おうとうが ただしく ありません。" TRY_LATER_JA,
     "The certificate center gave an invalid answer. " TRY_LATER_EN},
    {"error-center-busy", "しょうめいしょセンターが こみあっています。" TRY_LATER_JA,
     "The certificate center is busy. " TRY_LATER_EN},
    {"error-no-record",
     "えらんだ しくちょうそんに、せっしゅきろくが みつかりません。ほかの しくちょうそんを えらんでください。",
     "No vaccination record was found in the chosen municipality. Please choose another municipality."},
    {"error-municipality-not-participating", "えらんだ しくちょうそんわ、コンビニこうふに さんかしていません。",
     "The chosen municipality does not offer certificates at this kiosk."},
    {"error-not-passport", "りょけんの アイシーチップを よみとれません。しゃしんの ページを したにして おいてください。",
     "This passport chip cannot be read. Please place the passport with its photo page face down."},
    {"error-passport-keys", "りょけんの アイシーチップを ひらけませんでした。りょけんばんごうと ゆうこうきげんを もういちど かくにんしてください。",
     "The passport chip did not open. Please check the passport number and the expiry date."},
    {"error-mrz-format", "にゅうりょくした りょけんばんごうか ゆうこうきげんが ただしく ありません。もういちど かくにんしてください。",
     "The passport number or expiry date entered is not valid. Please check the numbers."},
    {"error-passport-data", "りょけんの アイシーチップの じょうほうが ただしく ありません。",
     "The passport chip's data is not valid."},
    {"error-passport-not-authentic",
     "りょけんの アイシーチップの じょうほうを かくにんできませんでした。かいがいようの しょうめいしょわ はっこうできません。",
     "The passport chip's data could not be verified. The overseas certificate cannot be issued."},
    {"error-passport-communication", "りょけんの アイシーチップと つうしんできませんでした。りょけんを おきなおしてください。",
     "Communication with the passport chip failed. Please place the passport again."},
    {"error-passport-other-person",
     "りょけんの せいねんがっぴが マイナンバーカードと いっちしません。ごほんにんの りょけんを おいてください。",
     "The passport's date of birth does not match the My Number card. Please use your own passport."},
    {"error-card-not-authentic", "カードの じょうほうを かくにんできませんでした。" ASK_OFFICE_JA,
     "The card's data could not be verified. " ASK_OFFICE_EN},
    {"error-passport-not-registered",
     "りょけんの じょうほうが とうろくされていません。かいがいようわ、しくちょうそんの まどぐちか、アプリで おもうしこみください。"
     "にほん こくないようわ はっこうできます。",
     "No passport data is registered. For the overseas certificate, please apply at your municipal office or in the app first. "
     "You can still get the domestic certificate."},
    /* The hours are /config's and on the screen; a recorded prompt cannot carry them. */
    {"error-outside-service-hours",
     "ただいま サービスじかんがいです。サービスじかんわ、がめんで ごかくにんください。",
     "The service is closed now. Please see the service hours on the screen."},
    {"error-bad-request", "ようきゅうが うけつけられませんでした。" CALL_STAFF_JA,
     "The request was not accepted. " CALL_STAFF_EN},
    {"error-terms-outdated",
     "りようきやくが こうしんされました。おてすうですが、さいしょから もういちど おてつづきください。",
     "The terms of use have just been updated. Please start again from the beginning."},
    {"error-center-failed", "しょうめいしょセンターで しょうがいが はっせいしました。" TRY_LATER_JA,
     "The certificate center has a fault. " TRY_LATER_EN},
    {"error-certificate-not-authentic",
     "しょうめいしょの しょめいを かくにんできませんでした。いんさつわ おこないません。" CALL_STAFF_JA,
     "The certificate's signature could not be verified, so nothing is printed. " CALL_STAFF_EN},
    {"error-certificate-other-person",
     "しょうめいしょの ないようが、カードの かたと いっちしません。いんさつわ おこないません。" CALL_STAFF_JA,
     "The certificate does not match the card holder, so nothing is printed. " CALL_STAFF_EN},
    {"error-font-missing", "しょうめいしょの いんさつに ひつような フォントが ありません。" CALL_STAFF_JA,
     "The font needed to print certificates is missing. " CALL_STAFF_EN},
    {"error-qr-too-large", "しょうめいしょの じょうほうが、にじげんコードに おさまりません。" ASK_OFFICE_JA,
     "The certificate data does not fit in a QR code. " ASK_OFFICE_EN},
    {"error-render", "しょうめいしょを さくせいできませんでした。" CALL_STAFF_JA,
     "The certificate could not be produced. " CALL_STAFF_EN},
    {"error-document-unprintable", "この たんまつでわ いんさつできない もじが ふくまれています。" ASK_OFFICE_JA,
     "The certificate contains text this kiosk cannot print. " ASK_OFFICE_EN},
    {"error-printer-unreachable", "プリンターに せつぞくできません。" CALL_STAFF_JA,
     "The printer cannot be reached. " CALL_STAFF_EN},
    {"error-printer-not-ready", "プリンターが いんさつできない じょうたいです。" CALL_STAFF_JA,
     "The printer is not ready. " CALL_STAFF_EN},
    {"error-printer-media-empty", "プリンターの ようしが ありません。" CALL_STAFF_JA,
     "The printer is out of paper. " CALL_STAFF_EN},
    {"error-printer-media-jam", "プリンターで かみが つまりました。" CALL_STAFF_JA,
     "Paper is jammed in the printer. " CALL_STAFF_EN},
    {"error-printer-door-open", "プリンターの カバーが ひらいています。" CALL_STAFF_JA,
     "A printer door or cover is open. " CALL_STAFF_EN},
    {"error-printer-toner-empty", "プリンターの トナーが ありません。" CALL_STAFF_JA,
     "The printer is out of toner or ink. " CALL_STAFF_EN},
    {"error-printer-offline", "プリンターが オフラインです。" CALL_STAFF_JA,
     "The printer is offline. " CALL_STAFF_EN},
    {"error-printer-refused", "プリンターが いんさつを うけつけませんでした。" CALL_STAFF_JA,
     "The printer did not accept the print job. " CALL_STAFF_EN},
    {"error-print-aborted", "いんさつが ちゅうだんされました。" CALL_STAFF_JA,
     "Printing was aborted. " CALL_STAFF_EN},
    {"error-print-cancelled", "いんさつが とりけされました。" CALL_STAFF_JA,
     "Printing was cancelled. " CALL_STAFF_EN},
    {"error-print-timeout", "いんさつが じかんないに おわりませんでした。" CALL_STAFF_JA,
     "Printing did not finish in time. " CALL_STAFF_EN},
    {"error-printer-untrusted", "プリンターを かくにんできないため、いんさつわ おこないません。" CALL_STAFF_JA,
     "The printer could not be verified, so nothing is printed. " CALL_STAFF_EN},
    {"error-printer-insecure",
     "プリンターえの せつぞくが あんごうか されていないため、いんさつわ おこないません。" CALL_STAFF_JA,
     "The connection to the printer is not encrypted, so nothing is printed. " CALL_STAFF_EN},
    {"error-payment-device", "りょうきんの うけとりが できません。" CALL_STAFF_JA,
     "The payment unit is not working. " CALL_STAFF_EN},
    {"error-payment-refund",
     "おかねを おかえしできませんでした。へんきんの ひかえを おうけとりのうえ、" CALL_STAFF_JA,
     "Your money could not be returned. Please take the refund receipt and call the staff."},
    {"error-payment-change", "おつりを おかえしできませんでした。" CALL_STAFF_JA,
     "Your change could not be returned. " CALL_STAFF_EN},
    {"error-display", "がめんを ひょうじできません。" CALL_STAFF_JA,
     "The display is not working. " CALL_STAFF_EN},
    {"error-input", "タッチパネルまたわ センサーを よみとれません。" CALL_STAFF_JA,
     "The touch panel or a sensor cannot be read. " CALL_STAFF_EN},
    {"error-audio", "おんせいあんないを さいせいできません。" CALL_STAFF_JA,
     "Voice guidance cannot be played. " CALL_STAFF_EN},
    /* The service mode's: a technician hears these, never a resident. */
    {"error-service-denied", "ほしゅようの ばんごうが ちがいます。",
     "The technician number or maintenance credential is wrong."},
    {"error-service-locked", "あやまりが つづいたため、ほしゅモードわ しばらく つかえません。",
     "Too many wrong credentials. Service mode is locked for a while."},
    {"error-credential-bad", "しょうめいしょ または かぎが ただしく ありません。",
     "A certificate or key is not valid."},
    {"error-credential-expired", "しょうめいしょの ゆうこうきげんが きれています。", "A certificate has expired."},
    {"error-credential-expiring", "しょうめいしょの ゆうこうきげんが ちかづいています。",
     "A certificate expires soon."},
    {"error-clock-off", "たんまつの とけいが ずれています。", "The kiosk's clock is off."},
    {"error-card-left", "カードリーダーに カードが のこっています。", "A card was left in the reader."},
    {"error-printer-supply-low", "ようし または トナーが のこりすくなく なっています。",
     "Paper or toner is running low."},
    {"error-spool-not-empty", "いんさつまちの ジョブが のこっています。", "A print job is still waiting."},
    {"error-test-not-confirmed", "テストの けっかが かくにんされませんでした。", "The test was not confirmed."},
};

#define VOICE_ERRORS_N (sizeof voice_error_words / sizeof voice_error_words[0])

/* The service mode's audio test (diag_types.h): a technician hears it, and
 * says on the screen whether it was heard. Long enough to judge both
 * speakers and the volume. */
static const struct voice_words voice_service_words[] = {
    {DIAG_TEST_PROMPT, "おんせいの テストです。いち、に、さん、し、ご。きこえたら、がめんで きこえた を おしてください。",
     "This is the audio test. One, two, three, four, five. If you can hear this, press Heard it on the screen."},
};

#define VOICE_SERVICE_N (sizeof voice_service_words / sizeof voice_service_words[0])

int voice_prompt_name(enum session_prompt p, int err, int tries_left, char *buf, size_t cap)
{
    if (!buf || cap == 0 || (unsigned)p >= SESSION_PROMPT__COUNT)
        return -1;
    int n;
    if (p == SESSION_PROMPT_ERROR)
        n = snprintf(buf, cap, "error-%s", kofu_err_name(err));
    else if (p == SESSION_PROMPT_PIN_TRIES_LEFT)
        n = tries_left >= 1 && tries_left <= VOICE_TRIES_MAX ? snprintf(buf, cap, "%s", voice_tries_words[tries_left - 1].name)
                                                              : -1;
    else if (voice_screen_words[p].name)
        n = snprintf(buf, cap, "%s", voice_screen_words[p].name);
    else
        n = -1;
    if (n < 0 || (size_t)n >= cap) {
        buf[0] = '\0';
        return -1;
    }
    return n;
}

/* All three tables as one sequence: screens (skipping the two slots that
 * carry a value), tries, errors. */
static const struct voice_words *voice_entry_at(size_t i)
{
    for (size_t p = 0; p < SESSION_PROMPT__COUNT; p++) {
        if (!voice_screen_words[p].name)
            continue;
        if (i == 0)
            return &voice_screen_words[p];
        i--;
    }
    if (i < VOICE_TRIES_MAX)
        return &voice_tries_words[i];
    i -= VOICE_TRIES_MAX;
    if (i < VOICE_ERRORS_N)
        return &voice_error_words[i];
    i -= VOICE_ERRORS_N;
    return i < VOICE_SERVICE_N ? &voice_service_words[i] : NULL;
}

const char *voice_prompt_text(const char *name, enum kofu_lang lang)
{
    if (!name)
        return NULL;
    const struct voice_words *w;
    for (size_t i = 0; (w = voice_entry_at(i)) != NULL; i++)
        if (!strcmp(w->name, name))
            return lang == KOFU_LANG_EN ? w->en : w->ja;
    return NULL;
}

const char *voice_prompt_at(size_t i)
{
    const struct voice_words *w = voice_entry_at(i);
    return w ? w->name : NULL;
}
