/* screens_words.c — see screens_words.h. Polite kiosk Japanese (です・ます,
 * お〜ください) and plain, natural English. */
#include "ui/screens_words.h"

#include "base/words.h"

#include <stdio.h>
#include <string.h>

static const struct kofu_word words[SCRW__COUNT] = {
    KOFU_WORD(SCRW_APP_TITLE, NULL, "新型コロナワクチン接種証明書 交付サービス", "COVID-19 Vaccination Certificate"),
    KOFU_WORD(SCRW_LANGUAGE, NULL, "English", "日本語"),
    KOFU_WORD(SCRW_BACK, NULL, "戻る", "Back"),
    KOFU_WORD(SCRW_CANCEL, NULL, "やめる", "Cancel"),
    KOFU_WORD(SCRW_NEXT, NULL, "次へ", "Next"),
    KOFU_WORD(SCRW_OK, NULL, "終了", "OK"),

    KOFU_WORD(SCRW_IDLE_HEAD, NULL, "マイナンバーカードを置いてください", "Please place your My Number card on the reader"),
    KOFU_WORD(SCRW_IDLE_SUB, NULL, "マイナンバーカードと暗証番号（数字4桁）をご用意ください",
              "You will need your My Number card and its 4-digit PIN"),
    KOFU_WORD(SCRW_HOURS_LABEL, NULL, "利用時間", "Service hours"),
    KOFU_WORD(SCRW_HOURS_24H, NULL, "24時間", "Open 24 hours"),
    KOFU_WORD(SCRW_FEE_LABEL, NULL, "手数料", "Fee"),
    KOFU_WORD(SCRW_FEE_PER_COPY, NULL, "1通 {1}", "{1} per copy"),
    KOFU_WORD(SCRW_FREE, NULL, "無料", "Free of charge"),
    KOFU_WORD(SCRW_CLOSED_HEAD, NULL, "ただいまの時間はご利用いただけません", "The service is closed at this time"),
    KOFU_WORD(SCRW_CLOSED_SUB, NULL, "利用時間内にお越しください", "Please come back during service hours"),
    KOFU_WORD(SCRW_OUT_OF_SERVICE_HEAD, NULL, "ただいま休止中です", "Out of service"),
    KOFU_WORD(SCRW_OUT_OF_SERVICE_SUB, NULL, "ご不便をおかけして申し訳ございません", "We are sorry for the inconvenience"),

    KOFU_WORD(SCRW_CARD_PLACED_TITLE, NULL, "カードの確認", "Checking your card"),
    KOFU_WORD(SCRW_CARD_PLACED_HEAD, NULL, "カードを確認しています", "Checking your card"),
    KOFU_WORD(SCRW_CARD_PLACED_SUB, NULL, "カードを置いたまま、しばらくお待ちください",
              "Please leave your card on the reader and wait a moment"),
    KOFU_WORD(SCRW_READING_HEAD, NULL, "カードを読み取っています", "Reading your card"),
    KOFU_WORD(SCRW_READING_SUB, NULL, "カードを動かしたり、取ったりしないでください", "Please do not move or remove your card"),
    KOFU_WORD(SCRW_REQUESTING_TITLE, NULL, "証明書の取得", "Getting your certificate"),
    KOFU_WORD(SCRW_REQUESTING_HEAD, NULL, "証明書を取得しています", "Getting your certificate"),
    KOFU_WORD(SCRW_PLEASE_WAIT_SHORT, NULL, "しばらくお待ちください", "Please wait a moment"),
    KOFU_WORD(SCRW_PRINTING_TITLE, NULL, "印刷", "Printing"),
    KOFU_WORD(SCRW_PRINTING_HEAD, NULL, "証明書を印刷しています", "Printing your certificate"),
    KOFU_WORD(SCRW_REFUNDING_TITLE, NULL, "返金", "Refund"),
    KOFU_WORD(SCRW_REFUNDING_HEAD, NULL, "お金をお返ししています", "Returning your money"),
    KOFU_WORD(SCRW_REFUNDING_SUB, NULL, "{1}をお返しします。しばらくお待ちください", "{1} will be returned. Please wait a moment"),
    KOFU_WORD(SCRW_SLOW_TITLE, NULL, "お待ちください", "Please wait"),
    KOFU_WORD(SCRW_SLOW_HEAD, NULL, "ただいま処理に時間がかかっています", "This is taking longer than usual"),
    KOFU_WORD(SCRW_SLOW_SUB, NULL, "このまま、もうしばらくお待ちください", "Please wait a little longer"),

    KOFU_WORD(SCRW_SERVICE_TITLE, NULL, "サービスの選択", "Choose a service"),
    KOFU_WORD(SCRW_SERVICE_HEAD, NULL, "ご利用になるサービスを選んでください", "Please choose a service"),
    KOFU_WORD(SCRW_SERVICE_BUTTON, NULL, "新型コロナワクチン接種証明書", "COVID-19 vaccination certificate"),

    KOFU_WORD(SCRW_PIN_TITLE, NULL, "暗証番号の入力", "Enter your PIN"),
    KOFU_WORD(SCRW_PIN_HEAD, NULL, "暗証番号（数字4桁）を\n入力してください", "Please enter your 4-digit PIN"),
    KOFU_WORD(SCRW_PIN_SUB, NULL, "券面事項入力補助用の暗証番号です。\n入力したら「確定」を押してください。",
              "The PIN for basic information input support on your card. Then press Enter."),
    KOFU_WORD(SCRW_PIN_TRIES_LEFT, NULL, "入力できるのは残り{1}回です", "{1} tries left"),
    KOFU_WORD(SCRW_PIN_SHUFFLED, NULL, "数字の並びは毎回変わります", "The keys are in a new order each time"),
    KOFU_WORD(SCRW_PIN_DELETE, NULL, "訂正", "Clear"),
    KOFU_WORD(SCRW_PIN_ENTER, NULL, "確定", "Enter"),
    KOFU_WORD(SCRW_LAST_TRY_HEAD, NULL, "暗証番号の入力は残り1回です", "Only one try left"),
    KOFU_WORD(SCRW_LAST_TRY_TEXT, NULL, "次に間違えるとカードがロックされ、\nお住まいの市区町村の窓口での手続きが必要になります。\n"
              "入力しますか？",
              "If the next PIN is wrong, your card will be locked and you will have to visit your "
              "municipal office. Do you want to enter your PIN?"),
    KOFU_WORD(SCRW_LAST_TRY_YES, NULL, "入力する", "Enter PIN"),
    KOFU_WORD(SCRW_LAST_TRY_NO, NULL, "入力しない", "Do not enter"),

    KOFU_WORD(SCRW_TAKE_CARD_TITLE, NULL, "カードの返却", "Your card"),
    KOFU_WORD(SCRW_TAKE_CARD_HEAD, NULL, "カードをお取りください", "Please take your card"),
    KOFU_WORD(SCRW_TAKE_CARD_SUB, NULL, "カードのお取り忘れにご注意ください", "Please do not leave your card behind"),

    KOFU_WORD(SCRW_MUNI_TITLE, NULL, "市区町村の選択", "Choose the municipality"),
    KOFU_WORD(SCRW_MUNI_HEAD, NULL, "接種を受けたときに住民票があった市区町村を選んでください",
              "Please choose the municipality where you were registered when you were vaccinated"),
    KOFU_WORD(SCRW_PAGE_PREV, NULL, "前のページ", "Previous"),
    KOFU_WORD(SCRW_PAGE_NEXT, NULL, "次のページ", "More"),
    KOFU_WORD(SCRW_PAGE_OF, NULL, "{1} / {2} ページ", "Page {1} of {2}"),

    KOFU_WORD(SCRW_KIND_TITLE, NULL, "種類と部数", "Type and copies"),
    KOFU_WORD(SCRW_KIND_HEAD, NULL, "証明書の種類と部数を選んでください", "Please choose the type of certificate and the copies"),
    KOFU_WORD(SCRW_KIND_DOMESTIC, NULL, "日本国内用", "Domestic use only"),
    KOFU_WORD(SCRW_KIND_OVERSEAS, NULL, "海外用及び日本国内用", "Overseas and domestic use"),
    KOFU_WORD(SCRW_COPIES_LABEL, NULL, "部数", "Copies"),
    KOFU_WORD(SCRW_COPIES_ONE, NULL, "{1}部", "{1} copy"),
    KOFU_WORD(SCRW_COPIES_MANY, NULL, "{1}部", "{1} copies"),
    KOFU_WORD(SCRW_FEE_TOTAL_LABEL, NULL, "手数料", "Fee"),
    KOFU_WORD(SCRW_FEE_EACH, NULL, "（1部 {1}）", "({1} per copy)"),

    KOFU_WORD(SCRW_CONFIRM_TITLE, NULL, "内容の確認", "Check your certificate"),
    KOFU_WORD(SCRW_CONFIRM_HEAD, NULL, "証明書の内容をご確認ください", "Please check your certificate"),
    KOFU_WORD(SCRW_CONFIRM_KIND, NULL, "種類", "Type"),
    KOFU_WORD(SCRW_CONFIRM_PAY, NULL, "支払いへ進む", "Go to payment"),
    KOFU_WORD(SCRW_CONFIRM_PRINT, NULL, "印刷する", "Print"),
    KOFU_WORD(SCRW_PREVIEW_PLACEHOLDER, NULL, "証明書を表示する準備をしています", "Preparing the preview"),

    KOFU_WORD(SCRW_PAYMENT_TITLE, NULL, "お支払い", "Payment"),
    KOFU_WORD(SCRW_PAYMENT_HEAD, NULL, "硬貨または紙幣を入れてください", "Please insert coins or notes"),
    KOFU_WORD(SCRW_AMOUNT_DUE, NULL, "お支払い金額", "Amount due"),
    KOFU_WORD(SCRW_INSERTED, NULL, "投入金額", "Inserted"),
    KOFU_WORD(SCRW_REMAINING, NULL, "残り", "Remaining"),

    KOFU_WORD(SCRW_TAKE_CERT_TITLE, NULL, "証明書の受け取り", "Your certificate"),
    KOFU_WORD(SCRW_TAKE_CERT_HEAD, NULL, "証明書をお取りください", "Please take your certificate"),
    KOFU_WORD(SCRW_TAKE_CHANGE, NULL, "おつり{1}もお取りください", "And your change: {1}"),
    KOFU_WORD(SCRW_THANK_YOU, NULL, "ご利用ありがとうございました", "Thank you"),

    KOFU_WORD(SCRW_NOTICE_TITLE, NULL, "お知らせ", "Notice"),
    KOFU_WORD(SCRW_ERROR_HEAD, NULL, "お手続きを完了できませんでした", "Your request could not be completed"),
    KOFU_WORD(SCRW_TAKE_CARD_TOO, NULL, "カードをお取りください", "Please take your card"),
    KOFU_WORD(SCRW_CANCELLED_HEAD, NULL, "お手続きを中止しました", "Your request was cancelled"),
    KOFU_WORD(SCRW_REFUNDED_AMOUNT, NULL, "{1}をお返ししました。お取りください", "{1} has been returned. Please take your money"),
    KOFU_WORD(SCRW_RECEIPT_HEAD, NULL, "お金をお返しできませんでした", "Your money could not be returned"),
    KOFU_WORD(SCRW_RECEIPT_TEXT, NULL, "返金票をお取りになり、係員をお呼びください", "Please take the refund receipt and call the staff"),
    KOFU_WORD(SCRW_RECEIPT_AMOUNT, NULL, "返金額", "Amount to refund"),

    KOFU_WORD(SCRW_TIMEOUT_HEAD, NULL, "まだご利用中ですか？", "Are you still there?"),
    KOFU_WORD(SCRW_TIMEOUT_SUB, NULL, "続ける場合は画面に触れてください", "Touch the screen to continue"),
    KOFU_WORD(SCRW_TIMEOUT_SECONDS, NULL, "あと{1}秒で終了します", "Ending in {1} seconds"),
    KOFU_WORD(SCRW_CONTINUE, NULL, "続ける", "Continue"),

    KOFU_WORD(SCRW_TERMS_TITLE, NULL, "利用規約", "Terms of use"),
    KOFU_WORD(SCRW_TERMS_HEAD, NULL, "利用規約をお読みください。同意いただける場合は「同意する」を押してください。",
              "Please read the terms of use. If you accept them, press Agree."),
    KOFU_WORD(SCRW_TERMS_AGREE, NULL, "同意する", "Agree"),
    KOFU_WORD(SCRW_TERMS_DISAGREE, NULL, "同意しない", "Do not agree"),
    KOFU_WORD(SCRW_TERMS_UNSHOWN, NULL, "利用規約を表示できないため、現在ご利用いただけません。係員をお呼びください。",
              "The terms of use cannot be shown, so the service is not available now. "
              "Please call a staff member."),

    KOFU_WORD(SCRW_PASSPORT_TITLE, NULL, "旅券（パスポート）", "Your passport"),
    KOFU_WORD(SCRW_MRZ_TITLE, NULL, "旅券番号と有効期限の入力", "Passport number and expiry date"),
    KOFU_WORD(SCRW_MRZ_HEAD, NULL, "顔写真のページ下の2行の記号から、旅券番号と有効期限を入力してください",
              "Enter the passport number and the expiry date from the two lines under the photo"),
    KOFU_WORD(SCRW_MRZ_DOCNO, NULL, "旅券番号", "Passport No."),
    KOFU_WORD(SCRW_MRZ_EXPIRY, NULL, "有効期限", "Expiry"),
    KOFU_WORD(SCRW_MRZ_CD_NOTE, NULL, "黄色の枠には、それぞれのすぐ後にある数字1桁を入力します",
              "In each yellow box, the one digit that follows it"),
    KOFU_WORD(SCRW_MRZ_DATE_HINT, NULL, "YYMMDD", "YYMMDD"),
    KOFU_WORD(SCRW_MRZ_NEXT_FIELD, NULL, "次の欄へ", "Next box"),
    KOFU_WORD(SCRW_MRZ_DELETE, NULL, "1字消す", "Delete"),
    KOFU_WORD(SCRW_MRZ_CHECK_HEAD, NULL, "番号をご確認ください", "Please check the numbers"),
    KOFU_WORD(SCRW_MRZ_AGAIN, NULL, "入力し直す", "Enter again"),
    KOFU_WORD(SCRW_MRZ_OWN_PASSPORT, NULL, "ご本人の旅券でない場合も、ICチップは開きません",
              "The chip does not open for a passport that is not your own either"),
    KOFU_WORD(SCRW_PASSPORT_PLACE_HEAD, NULL, "旅券を置いてください", "Please place your passport"),
    KOFU_WORD(SCRW_PASSPORT_PLACE_SUB, NULL, "顔写真のページを開き、そのページを下にしてカードリーダーに置いてください",
              "Open it at the photo page and place that page face down on the card reader"),
    KOFU_WORD(SCRW_PASSPORT_READING_HEAD, NULL, "旅券を読み取っています", "Reading your passport"),
    KOFU_WORD(SCRW_PASSPORT_READING_SUB, NULL, "旅券を動かしたり、取ったりしないでください",
              "Please do not move or remove your passport"),
    KOFU_WORD(SCRW_TAKE_PASSPORT_HEAD, NULL, "旅券をお取りください", "Please take your passport"),
    KOFU_WORD(SCRW_TAKE_PASSPORT_SUB, NULL, "旅券のお取り忘れにご注意ください", "Please do not leave your passport behind"),
};

const char *screens_word(enum screens_word w, enum kofu_lang lang)
{
    const struct kofu_word *e = kofu_word_find(words, KOFU_WORDS_N(words), (int)w);
    return e ? kofu_word_text(e, lang) : "";
}

const char *screens_word_at(size_t i)
{
    if (i >= 2 * (size_t)SCRW__COUNT)
        return NULL;
    const char *s = i % 2 ? words[i / 2].en : words[i / 2].ja;
    return s ? s : "";
}

/* Appends src to buf at *n, keeping the terminator. */
static void append(char *buf, size_t cap, size_t *n, const char *src, size_t len)
{
    if (*n >= cap)
        return;
    size_t room = cap - 1 - *n;
    if (len > room)
        len = room;
    memcpy(buf + *n, src, len);
    *n += len;
    buf[*n] = '\0';
}

void screens_fill(char *buf, size_t cap, const char *pattern, const char *a, const char *b)
{
    if (!cap)
        return;
    size_t n = 0;
    buf[0] = '\0';
    for (const char *p = pattern; *p;) {
        if (p[0] == '{' && (p[1] == '1' || p[1] == '2') && p[2] == '}') {
            const char *v = p[1] == '1' ? a : b;
            if (v)
                append(buf, cap, &n, v, strlen(v));
            p += 3;
        } else {
            append(buf, cap, &n, p, 1);
            p++;
        }
    }
}

/* 1234567 -> "1,234,567" */
static void group_thousands(char *buf, size_t cap, int v)
{
    char digits[16];
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    int nd = snprintf(digits, sizeof digits, "%llu", u);
    size_t n = 0;
    if (v < 0)
        append(buf, cap, &n, "-", 1);
    for (int i = 0; i < nd; i++) {
        append(buf, cap, &n, digits + i, 1);
        if ((nd - 1 - i) % 3 == 0 && i != nd - 1)
            append(buf, cap, &n, ",", 1);
    }
}

void screens_format_yen(char *buf, size_t cap, int yen, enum kofu_lang lang)
{
    char g[24] = "";
    group_thousands(g, sizeof g, yen);
    if (lang == KOFU_LANG_EN)
        snprintf(buf, cap, "¥%s", g);
    else
        snprintf(buf, cap, "%s円", g);
}

void screens_format_hours(char *buf, size_t cap, int open_minute, int close_minute, enum kofu_lang lang)
{
    if (open_minute == close_minute || (open_minute == 0 && close_minute == 1440)) {
        snprintf(buf, cap, "%s", screens_word(SCRW_HOURS_24H, lang));
        return;
    }
    /* 1440 is the end of the day (a close at midnight), not 00:00. */
    int o = ((open_minute % 1440) + 1440) % 1440, c = close_minute == 1440 ? 1440 : ((close_minute % 1440) + 1440) % 1440;
    snprintf(buf, cap, "%02d:%02d%s%02d:%02d", o / 60, o % 60, lang == KOFU_LANG_EN ? "–" : "〜", c / 60, c % 60);
}
