/* screens_words.c — see screens_words.h. Polite kiosk Japanese (です・ます,
 * お〜ください) and plain, natural English. */
#include "ui/screens_words.h"

#include <stdio.h>
#include <string.h>

static const char *const words[SCRW__COUNT][2] = {
    [SCRW_APP_TITLE] = {"新型コロナワクチン接種証明書 交付サービス", "COVID-19 Vaccination Certificate"},
    [SCRW_LANGUAGE] = {"English", "日本語"},
    [SCRW_BACK] = {"戻る", "Back"},
    [SCRW_CANCEL] = {"やめる", "Cancel"},
    [SCRW_NEXT] = {"次へ", "Next"},
    [SCRW_OK] = {"終了", "OK"},

    [SCRW_IDLE_HEAD] = {"マイナンバーカードを置いてください", "Please place your My Number card on the reader"},
    [SCRW_IDLE_SUB] = {"マイナンバーカードと暗証番号（数字4桁）をご用意ください",
                     "You will need your My Number card and its 4-digit PIN"},
    [SCRW_HOURS_LABEL] = {"利用時間", "Service hours"},
    [SCRW_HOURS_24H] = {"24時間", "Open 24 hours"},
    [SCRW_FEE_LABEL] = {"手数料", "Fee"},
    [SCRW_FEE_PER_COPY] = {"1通 {1}", "{1} per copy"},
    [SCRW_CLOSED_HEAD] = {"ただいまの時間はご利用いただけません", "The service is closed at this time"},
    [SCRW_CLOSED_SUB] = {"利用時間内にお越しください", "Please come back during service hours"},
    [SCRW_OUT_OF_SERVICE_HEAD] = {"ただいま休止中です", "Out of service"},
    [SCRW_OUT_OF_SERVICE_SUB] = {"ご不便をおかけして申し訳ございません", "We are sorry for the inconvenience"},

    [SCRW_CARD_PLACED_TITLE] = {"カードの確認", "Checking your card"},
    [SCRW_CARD_PLACED_HEAD] = {"カードを確認しています", "Checking your card"},
    [SCRW_CARD_PLACED_SUB] = {"カードを置いたまま、しばらくお待ちください",
                            "Please leave your card on the reader and wait a moment"},
    [SCRW_READING_HEAD] = {"カードを読み取っています", "Reading your card"},
    [SCRW_READING_SUB] = {"カードを動かしたり、取ったりしないでください", "Please do not move or remove your card"},
    [SCRW_REQUESTING_TITLE] = {"証明書の取得", "Getting your certificate"},
    [SCRW_REQUESTING_HEAD] = {"証明書を取得しています", "Getting your certificate"},
    [SCRW_PLEASE_WAIT_SHORT] = {"しばらくお待ちください", "Please wait a moment"},
    [SCRW_PRINTING_TITLE] = {"印刷", "Printing"},
    [SCRW_PRINTING_HEAD] = {"証明書を印刷しています", "Printing your certificate"},
    [SCRW_REFUNDING_TITLE] = {"返金", "Refund"},
    [SCRW_REFUNDING_HEAD] = {"お金をお返ししています", "Returning your money"},
    [SCRW_REFUNDING_SUB] = {"{1}をお返しします。しばらくお待ちください", "{1} will be returned. Please wait a moment"},
    [SCRW_SLOW_TITLE] = {"お待ちください", "Please wait"},
    [SCRW_SLOW_HEAD] = {"ただいま処理に時間がかかっています", "This is taking longer than usual"},
    [SCRW_SLOW_SUB] = {"このまま、もうしばらくお待ちください", "Please wait a little longer"},

    [SCRW_SERVICE_TITLE] = {"サービスの選択", "Choose a service"},
    [SCRW_SERVICE_HEAD] = {"ご利用になるサービスを選んでください", "Please choose a service"},
    [SCRW_SERVICE_BUTTON] = {"新型コロナワクチン接種証明書", "COVID-19 vaccination certificate"},

    [SCRW_PIN_TITLE] = {"暗証番号の入力", "Enter your PIN"},
    [SCRW_PIN_HEAD] = {"暗証番号（数字4桁）を\n入力してください", "Please enter your 4-digit PIN"},
    [SCRW_PIN_SUB] = {"券面事項入力補助用の暗証番号です。\n入力したら「確定」を押してください。",
                    "The PIN for basic information input support on your card. Then press Enter."},
    [SCRW_PIN_TRIES_LEFT] = {"入力できるのは残り{1}回です", "{1} tries left"},
    [SCRW_PIN_SHUFFLED] = {"数字の並びは毎回変わります", "The keys are in a new order each time"},
    [SCRW_PIN_DELETE] = {"訂正", "Clear"},
    [SCRW_PIN_ENTER] = {"確定", "Enter"},
    [SCRW_LAST_TRY_HEAD] = {"暗証番号の入力は残り1回です", "Only one try left"},
    [SCRW_LAST_TRY_TEXT] = {"次に間違えるとカードがロックされ、\nお住まいの市区町村の窓口での手続きが必要になります。\n"
                          "入力しますか？",
                          "If the next PIN is wrong, your card will be locked and you will have to visit your "
                          "municipal office. Do you want to enter your PIN?"},
    [SCRW_LAST_TRY_YES] = {"入力する", "Enter PIN"},
    [SCRW_LAST_TRY_NO] = {"入力しない", "Do not enter"},

    [SCRW_TAKE_CARD_TITLE] = {"カードの返却", "Your card"},
    [SCRW_TAKE_CARD_HEAD] = {"カードをお取りください", "Please take your card"},
    [SCRW_TAKE_CARD_SUB] = {"カードのお取り忘れにご注意ください", "Please do not leave your card behind"},

    [SCRW_MUNI_TITLE] = {"市区町村の選択", "Choose the municipality"},
    [SCRW_MUNI_HEAD] = {"接種を受けたときに住民票があった市区町村を選んでください",
                      "Please choose the municipality where you were registered when you were vaccinated"},
    [SCRW_PAGE_PREV] = {"前のページ", "Previous"},
    [SCRW_PAGE_NEXT] = {"次のページ", "More"},
    [SCRW_PAGE_OF] = {"{1} / {2} ページ", "Page {1} of {2}"},

    [SCRW_KIND_TITLE] = {"種類と部数", "Type and copies"},
    [SCRW_KIND_HEAD] = {"証明書の種類と部数を選んでください", "Please choose the type of certificate and the copies"},
    [SCRW_KIND_DOMESTIC] = {"日本国内用", "Domestic use only"},
    [SCRW_KIND_OVERSEAS] = {"海外用及び日本国内用", "Overseas and domestic use"},
    [SCRW_COPIES_LABEL] = {"部数", "Copies"},
    [SCRW_COPIES_ONE] = {"{1}部", "{1} copy"},
    [SCRW_COPIES_MANY] = {"{1}部", "{1} copies"},
    [SCRW_FEE_TOTAL_LABEL] = {"手数料", "Fee"},
    [SCRW_FEE_EACH] = {"（1部 {1}）", "({1} per copy)"},

    [SCRW_CONFIRM_TITLE] = {"内容の確認", "Check your certificate"},
    [SCRW_CONFIRM_HEAD] = {"証明書の内容をご確認ください", "Please check your certificate"},
    [SCRW_CONFIRM_KIND] = {"種類", "Type"},
    [SCRW_CONFIRM_PAY] = {"支払いへ進む", "Go to payment"},
    [SCRW_PREVIEW_PLACEHOLDER] = {"証明書を表示する準備をしています", "Preparing the preview"},

    [SCRW_PAYMENT_TITLE] = {"お支払い", "Payment"},
    [SCRW_PAYMENT_HEAD] = {"硬貨または紙幣を入れてください", "Please insert coins or notes"},
    [SCRW_AMOUNT_DUE] = {"お支払い金額", "Amount due"},
    [SCRW_INSERTED] = {"投入金額", "Inserted"},
    [SCRW_REMAINING] = {"残り", "Remaining"},

    [SCRW_TAKE_CERT_TITLE] = {"証明書の受け取り", "Your certificate"},
    [SCRW_TAKE_CERT_HEAD] = {"証明書をお取りください", "Please take your certificate"},
    [SCRW_TAKE_CHANGE] = {"おつり{1}もお取りください", "And your change: {1}"},
    [SCRW_THANK_YOU] = {"ご利用ありがとうございました", "Thank you"},

    [SCRW_NOTICE_TITLE] = {"お知らせ", "Notice"},
    [SCRW_ERROR_HEAD] = {"お手続きを完了できませんでした", "Your request could not be completed"},
    [SCRW_TAKE_CARD_TOO] = {"カードをお取りください", "Please take your card"},
    [SCRW_CANCELLED_HEAD] = {"お手続きを中止しました", "Your request was cancelled"},
    [SCRW_REFUNDED_AMOUNT] = {"{1}をお返ししました。お取りください", "{1} has been returned. Please take your money"},
    [SCRW_RECEIPT_HEAD] = {"お金をお返しできませんでした", "Your money could not be returned"},
    [SCRW_RECEIPT_TEXT] = {"返金票をお取りになり、係員をお呼びください", "Please take the refund receipt and call the staff"},
    [SCRW_RECEIPT_AMOUNT] = {"返金額", "Amount to refund"},

    [SCRW_TIMEOUT_HEAD] = {"まだご利用中ですか？", "Are you still there?"},
    [SCRW_TIMEOUT_SUB] = {"続ける場合は画面に触れてください", "Touch the screen to continue"},
    [SCRW_TIMEOUT_SECONDS] = {"あと{1}秒で終了します", "Ending in {1} seconds"},
    [SCRW_CONTINUE] = {"続ける", "Continue"},

    [SCRW_TERMS_TITLE] = {"利用規約", "Terms of use"},
    [SCRW_TERMS_HEAD] = {"利用規約をお読みください。同意いただける場合は「同意する」を押してください。",
                         "Please read the terms of use. If you accept them, press Agree."},
    [SCRW_TERMS_AGREE] = {"同意する", "Agree"},
    [SCRW_TERMS_DISAGREE] = {"同意しない", "Do not agree"},
    [SCRW_TERMS_UNSHOWN] = {"利用規約を表示できないため、現在ご利用いただけません。係員をお呼びください。",
                            "The terms of use cannot be shown, so the service is not available now. "
                            "Please call a staff member."},
};

const char *screens_word(enum screens_word w, enum kofu_lang lang)
{
    if ((unsigned)w >= SCRW__COUNT)
        return "";
    const char *s = words[w][lang == KOFU_LANG_EN ? 1 : 0];
    return s ? s : "";
}

const char *screens_word_at(size_t i)
{
    if (i >= 2 * (size_t)SCRW__COUNT)
        return NULL;
    const char *s = words[i / 2][i % 2];
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
    if (open_minute == close_minute) {
        snprintf(buf, cap, "%s", screens_word(SCRW_HOURS_24H, lang));
        return;
    }
    int o = ((open_minute % 1440) + 1440) % 1440, c = ((close_minute % 1440) + 1440) % 1440;
    snprintf(buf, cap, "%02d:%02d%s%02d:%02d", o / 60, o % 60, lang == KOFU_LANG_EN ? "–" : "〜", c / 60, c % 60);
}
