/* test_document.c — the printed certificate (ui/document.h): rendered into
 * memory, then read back by independent tools (poppler's pdfinfo, pdffonts,
 * pdftotext and pdftoppm; zbarimg) from a private temporary directory.
 * Synthetic residents only.
 *
 * With KOFU_DOC_REVIEW_DIR set, also leaves a domestic and an overseas PNG
 * there for a person to look at. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/bytes.h"
#include "ui/document.h"
#include "base/errors.h"
#include "ui/qr.h"
#include "base/clock.h"
#include "tests/lib/docs.h"
#include "tests/lib/files.h"
#include "tests/lib/proc.h"
#include "tests/lib/tmp.h"
#include "base/vault.h"

#define OUT_CAP (4u << 20)

static char dir[64];
static struct document_fonts fonts;
static uint8_t *outbuf; /* heap: the vault is too small for 300 dpi rasters */

/* ---- synthetic certificates ---- */

/* The shared synthetic inputs (tests/lib/docs.h), never NULL here. */
static char *make_jws(size_t len)
{
    char *s = kt_synthetic_jws(len);
    assert_non_null(s);
    return s;
}

static char *make_seal(size_t n)
{
    char *s = kt_synthetic_seal((int)n);
    assert_non_null(s);
    return s;
}

static const char *const products[][4] = {
    {"コミナティ筋注", "Comirnaty", "ファイザー", "Pfizer"},
    {"スパイクバックス筋注", "Spikevax", "モデルナ", "Moderna"},
    {"コミナティRTU筋注（2価：起源株/オミクロン株BA.4-5）", "Comirnaty RTU Bivalent (Original/Omicron BA.4-5)",
     "ファイザー", "Pfizer"},
};

struct fixture {
    struct document_data d;
    char dates[DOCUMENT_DOSES_MAX][48];
    char lots[DOCUMENT_DOSES_MAX][48];
    char *jws;
    char *seal;
};

static void fixture_init(struct fixture *f, enum document_kind kind, size_t n_doses, size_t jws_len)
{
    memset(f, 0, sizeof *f);
    struct document_data *d = &f->d;
    d->kind = kind;
    d->name = "山田　太郎";
    d->name_roman = "YAMADA TARO";
    d->birth_date = "1980-01-02";
    d->nationality = "日本 / Japan";
    d->passport_number = "TZ1234567";
    d->n_doses = n_doses;
    for (size_t i = 0; i < n_doses; i++) {
        snprintf(f->dates[i], sizeof f->dates[i], "20%02zu-%02zu-%02zu", 21 + i / 4, 1 + (i * 3) % 12, 1 + i * 2);
        snprintf(f->lots[i], sizeof f->lots[i], "LOT%zu-%04zu", i + 1, 4321 + 7 * i);
        struct document_dose *x = &d->doses[i];
        x->date = f->dates[i];
        x->product_ja = products[i % 3][0];
        x->product_en = products[i % 3][1];
        x->manufacturer_ja = products[i % 3][2];
        x->manufacturer_en = products[i % 3][3];
        x->lot = f->lots[i];
        x->country_ja = "日本";
        x->country_en = "Japan";
    }
    d->issuer_ja = "東京都千代田区";
    d->issuer_en = "Chiyoda City, Tokyo";
    d->mayor_ja = "区長　千代田　一郎";
    d->mayor_en = "Mayor CHIYODA Ichiro";
    d->certificate_id = "JP-131016-2026-000001";
    d->issue_date = "2026-11-27";
    f->jws = make_jws(jws_len);
    d->shc_jws = f->jws;
    if (kind == DOCUMENT_OVERSEAS) {
        f->seal = make_seal(n_doses);
        d->vds_seal = f->seal;
    }
}

static void fixture_free(struct fixture *f)
{
    free(f->jws);
    free(f->seal);
}

static char *shc_text(const char *jws)
{
    char *t = kt_shc_qr_text(jws);
    assert_non_null(t);
    return t;
}

/* ---- reading the output back ---- */

static void save(const char *name, const kofu_bld *b, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", dir, name);
    assert_true(kt_write_file(path, b->p, b->len));
}

/* Runs "tool file after" (stderr dropped); it must succeed. Its output. */
static char *run(const char *tool, const char *file, const char *after)
{
    char cmd[512], *out;
    size_t len;
    snprintf(cmd, sizeof cmd, "%s %s %s 2>/dev/null", tool, file, after);
    assert_int_equal(kt_run(cmd, &out, &len), 0);
    return out;
}

/* pdftotext's text with every white space removed (it breaks and spaces
 * lines as it sees fit; the words are what matter). */
static char *pdf_words_with(const char *tool, const char *pdf)
{
    char *t = run(tool, pdf, "-");
    char *w = t;
    for (char *r = t; *r; r++) {
        if (*r == ' ' || *r == '\n' || *r == '\t' || *r == '\f' || *r == '\r')
            continue;
        if ((unsigned char)r[0] == 0xE3 && (unsigned char)r[1] == 0x80 && (unsigned char)r[2] == 0x80) {
            r += 2; /* U+3000 ideographic space */
            continue;
        }
        *w++ = *r;
    }
    *w = '\0';
    return t;
}

static char *pdf_words(const char *pdf) { return pdf_words_with("pdftotext -enc UTF-8", pdf); }

static void assert_has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("missing from the document's text: \"%s\"", needle);
}

/* Removes the spaces of s (as pdf_words does) into buf. */
static const char *squeeze(const char *s, char *buf, size_t n)
{
    size_t k = 0;
    for (; *s && k + 1 < n; s++) {
        if (*s == ' ')
            continue;
        if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80) {
            s += 2;
            continue;
        }
        buf[k++] = *s;
    }
    buf[k] = '\0';
    return buf;
}

/* One page, A4, and nothing but embedded IPAex fonts. */
static void assert_pdf_shape(const char *pdf)
{
    char *info = run("pdfinfo", pdf, "");
    assert_has(info, "Pages:           1\n");
    assert_has(info, "Page size:       595.276 x 841.89 pts (A4)");
    free(info);

    char *fl = run("pdffonts", pdf, "");
    int fonts_seen = 0;
    char *save_ptr = NULL;
    int line = 0;
    for (char *l = strtok_r(fl, "\n", &save_ptr); l; l = strtok_r(NULL, "\n", &save_ptr), line++) {
        if (line < 2)
            continue; /* the header and the dashes */
        char name[128], emb[8], sub[8], uni[8];
        /* name, type (one or two words), encoding, emb, sub, uni, object, generation */
        assert_int_equal(sscanf(l, "%127s", name), 1);
        const char *plus = strchr(name, '+');
        const char *family = plus ? plus + 1 : name;
        if (strcmp(family, "IPAexGothic") != 0 && strcmp(family, "IPAexMincho") != 0)
            fail_msg("a font other than IPAex in the PDF: %s", l);
        /* emb sub uni are the three yes/no columns before the object id. */
        char *tail = strstr(l, " yes ") ? strstr(l, " yes ") : strstr(l, " no ");
        assert_non_null(tail);
        assert_int_equal(sscanf(tail, "%7s %7s %7s", emb, sub, uni), 3);
        assert_string_equal(emb, "yes");
        assert_string_equal(sub, "yes");
        assert_string_equal(uni, "yes");
        fonts_seen++;
    }
    assert_true(fonts_seen >= 1);
    free(fl);
}

/* Every symbol zbarimg finds in a PNG, as the exact bytes (in binary mode
 * zbarimg writes them back to back). */
static char *zbar(const char *png, size_t *len)
{
    char cmd[256], *out;
    snprintf(cmd, sizeof cmd, "zbarimg -q -Sbinary --raw %s 2>/dev/null", png);
    assert_int_equal(kt_run(cmd, &out, len), 0);
    return out;
}

/* The codes decoded from png are exactly a (and b, in either order). */
static void assert_codes(const char *png, const char *a, const char *b)
{
    size_t n;
    char *got = zbar(png, &n);
    size_t la = strlen(a), lb = b ? strlen(b) : 0;
    assert_int_equal(n, la + lb);
    bool ab = memcmp(got, a, la) == 0 && (!b || memcmp(got + la, b, lb) == 0);
    bool ba = b && memcmp(got, b, lb) == 0 && memcmp(got + lb, a, la) == 0;
    assert_true(ab || ba);
    free(got);
}

/* The PDF rasterised by poppler at 200 dpi decodes to the given codes. */
static void assert_pdf_codes(const char *pdf, const char *a, const char *b)
{
    char base[128], png[160];
    snprintf(base, sizeof base, "%s.r200", pdf);
    snprintf(png, sizeof png, "%s.png", base);
    char cmd[512], *out;
    size_t len;
    snprintf(cmd, sizeof cmd, "pdftoppm -r 200 -png -singlefile %s %s", pdf, base);
    assert_int_equal(kt_run(cmd, &out, &len), 0);
    free(out);
    assert_codes(png, a, b);
}

static int render_rc(const struct document_data *d);

static int render_pdf(const struct document_data *d, kofu_bld *b)
{
    bld_init(b, outbuf, OUT_CAP);
    return document_render_pdf(d, &fonts, b);
}

static int render_png(const struct document_data *d, double dpi, kofu_bld *b)
{
    size_t need = document_png_pixels_size(dpi, NULL, NULL);
    assert_true(need > 0);
    void *px = malloc(need);
    assert_non_null(px);
    bld_init(b, outbuf, OUT_CAP);
    int rc = document_render_png(d, &fonts, dpi, px, need, b);
    free(px);
    return rc;
}

/* ---- fonts ---- */

static void test_fonts(void **state)
{
    (void)state;
    assert_string_equal(fonts.gothic, "IPAexGothic");
    assert_string_equal(fonts.mincho, "IPAexMincho");
    assert_non_null(fonts.fontmap);

    struct document_fonts f;
    /* An unknown family, an alias that resolves to another family, and the
     * right family misspelt: each is an error, never a fallback. */
    assert_int_equal(document_fonts_init_families(&f, "Kofu No Such Family", NULL), KOFU_E_FONT);
    assert_null(f.fontmap);
    assert_int_equal(document_fonts_init_families(&f, "IPAexGothic", "Kofu No Such Mincho"), KOFU_E_FONT);
    assert_int_equal(document_fonts_init_families(&f, "sans-serif", NULL), KOFU_E_FONT);
    assert_int_equal(document_fonts_init_families(&f, "ipaexgothic", NULL), KOFU_E_FONT);
    assert_int_equal(document_fonts_init_families(&f, NULL, NULL), KOFU_E_ARG);
    assert_int_equal(document_fonts_init_families(NULL, "IPAexGothic", NULL), KOFU_E_ARG);
    document_fonts_free(&f);
    document_fonts_free(&f);
    document_fonts_free(NULL);

    /* Rendering with fonts that were never loaded fails the same way. */
    struct fixture fx;
    fixture_init(&fx, DOCUMENT_DOMESTIC, 2, 700);
    kofu_bld b;
    bld_init(&b, outbuf, OUT_CAP);
    assert_int_equal(document_render_pdf(&fx.d, &f, &b), KOFU_E_FONT);
    assert_int_equal(b.len, 0);
    fixture_free(&fx);

    /* Gothic only: the title uses it too. */
    assert_int_equal(document_fonts_init_families(&f, "IPAexGothic", NULL), KOFU_OK);
    assert_string_equal(f.mincho, "IPAexGothic");
    assert_string_equal(f.gothic_fallback[0], "");
    document_fonts_free(&f);

    /* The chains: named fallbacks, each checked like the face itself. */
    assert_string_equal(fonts.gothic_fallback[0], "IPAmjMincho");
    assert_string_equal(fonts.gothic_fallback[1], "");
    assert_string_equal(fonts.mincho_fallback[0], "IPAmjMincho");
    static const char *const missing_fallback[] = {"IPAexGothic", "Kofu No Such Fallback", NULL};
    assert_int_equal(document_fonts_init_chains(&f, missing_fallback, NULL), KOFU_E_FONT);
    assert_null(f.fontmap);
    static const char *const alias_fallback[] = {"IPAexGothic", "sans-serif", NULL};
    assert_int_equal(document_fonts_init_chains(&f, alias_fallback, NULL), KOFU_E_FONT);
    static const char *const too_long[] = {"IPAexGothic", "IPAexMincho", "IPAexGothic", "IPAexMincho",
                                           "IPAexGothic", NULL};
    assert_int_equal(document_fonts_init_chains(&f, too_long, NULL), KOFU_E_ARG);
}

/* ---- names a resident really has ---- */

#define TAKAHASHI_YOSHIKO "\u9ad9\u6a4b\u3000\U00020bb7\u5b50" /* 髙橋　𠮷子 (synthetic) */
#define GAIJI "\ue000"                                               /* a private-use 外字 */

static void test_text_printable(void **state)
{
    (void)state;
    assert_int_equal(document_text_printable(&fonts, "山田　太郎"), KOFU_OK);
    /* 𠮷 is not in IPAex: IPAmjMincho has it. */
    assert_int_equal(document_text_printable(&fonts, TAKAHASHI_YOSHIKO), KOFU_OK);
    assert_int_equal(document_text_printable(&fonts, "19800217"), KOFU_OK);
    assert_int_equal(document_text_printable(&fonts, ""), KOFU_OK);
    /* 葛 with an ideographic variation selector: the selector goes with it. */
    assert_int_equal(document_text_printable(&fonts, "\u845b\U000E0100\u98fe"), KOFU_OK);
    /* Private use (a municipality's own 外字), scripts none of the named
     * families has (Tibetan; Hangul), an emoji, controls, bad UTF-8. */
    assert_int_equal(document_text_printable(&fonts, "山田　" GAIJI "子"), KOFU_E_DOC_UNPRINTABLE);
    assert_int_equal(document_text_printable(&fonts, "\u0f40"), KOFU_E_DOC_UNPRINTABLE);
    assert_int_equal(document_text_printable(&fonts, "\uc11c\uc6b8"), KOFU_E_DOC_UNPRINTABLE);
    assert_int_equal(document_text_printable(&fonts, "\U0001F600"), KOFU_E_DOC_UNPRINTABLE);
    assert_int_equal(document_text_printable(&fonts, "山田\n太郎"), KOFU_E_DOC_UNPRINTABLE);
    assert_int_equal(document_text_printable(&fonts, "YAMADA \xff"), KOFU_E_DOC_UNPRINTABLE);
    assert_int_equal(document_text_printable(&fonts, NULL), KOFU_E_ARG);
    assert_int_equal(document_text_printable(NULL, "山田"), KOFU_E_ARG);
    struct document_fonts none;
    memset(&none, 0, sizeof none);
    assert_int_equal(document_text_printable(&none, "山田"), KOFU_E_FONT);
    /* IPAex alone, as before the fallbacks: the check catches 𠮷. */
    struct document_fonts ipaex;
    assert_int_equal(document_fonts_init_families(&ipaex, "IPAexGothic", "IPAexMincho"), KOFU_OK);
    assert_int_equal(document_text_printable(&ipaex, "山田　太郎"), KOFU_OK);
    assert_int_equal(document_text_printable(&ipaex, TAKAHASHI_YOSHIKO), KOFU_E_DOC_UNPRINTABLE);
    document_fonts_free(&ipaex);
}

/* The fonts pdffonts lists, as "family family ..." without subset tags. */
static void pdf_families(const char *pdf, char *out, size_t cap)
{
    char *fl = run("pdffonts", pdf, "");
    char *save_ptr = NULL;
    int line = 0;
    out[0] = '\0';
    for (char *l = strtok_r(fl, "\n", &save_ptr); l; l = strtok_r(NULL, "\n", &save_ptr), line++) {
        char name[128];
        if (line < 2 || sscanf(l, "%127s", name) != 1)
            continue;
        const char *plus = strchr(name, '+');
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s%s", used ? " " : "", plus ? plus + 1 : name);
    }
    free(fl);
}

static void test_name_from_fallback_font(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, DOCUMENT_DOMESTIC, 2, 700);
    fx.d.name = TAKAHASHI_YOSHIKO;
    kofu_bld b;
    assert_int_equal(render_pdf(&fx.d, &b), KOFU_OK);
    char pdf[128], families[512], want[64];
    save("takahashi.pdf", &b, pdf, sizeof pdf);
    /* The name reads back whole: 𠮷 is real text, not a box. (In the
     * content stream's order: the two fonts' different heights make
     * pdftotext's layout mode put 𠮷 on a line of its own.) */
    char *w = pdf_words_with("pdftotext -raw -enc UTF-8", pdf);
    assert_has(w, squeeze(TAKAHASHI_YOSHIKO, want, sizeof want));
    free(w);
    /* IPAex for everything it has; IPAmjMincho only for what it lacks. */
    pdf_families(pdf, families, sizeof families);
    assert_non_null(strstr(families, "IPAexGothic"));
    assert_non_null(strstr(families, "IPAmjMincho"));
    for (char *save_ptr = NULL, *f = strtok_r(families, " ", &save_ptr); f; f = strtok_r(NULL, " ", &save_ptr))
        if (strcmp(f, "IPAexGothic") && strcmp(f, "IPAexMincho") && strcmp(f, "IPAmjMincho"))
            fail_msg("a font outside the chains in the PDF: %s", f);

    /* Without the fallback the same name is refused, not drawn as a box. */
    struct document_fonts ipaex;
    assert_int_equal(document_fonts_init_families(&ipaex, "IPAexGothic", "IPAexMincho"), KOFU_OK);
    bld_init(&b, outbuf, OUT_CAP);
    assert_int_equal(document_render_pdf(&fx.d, &ipaex, &b), KOFU_E_DOC_UNPRINTABLE);
    assert_int_equal(b.len, 0);
    document_fonts_free(&ipaex);
    /* A character in none of the families: refused with them too. */
    fx.d.name = "\u9ad9\u6a4b\u3000\u0f40";
    assert_int_equal(render_rc(&fx.d), KOFU_E_DOC_UNPRINTABLE);
    fixture_free(&fx);
}

/* ---- the two certificates ---- */

static void test_domestic_pdf(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, DOCUMENT_DOMESTIC, 3, QR_SHC_MAX_JWS); /* the densest SHC allowed */
    kofu_bld b;
    assert_int_equal(render_pdf(&fx.d, &b), KOFU_OK);
    assert_memory_equal(b.p, "%PDF-", 5);
    char pdf[128];
    save("domestic.pdf", &b, pdf, sizeof pdf);
    assert_pdf_shape(pdf);

    char *w = pdf_words(pdf);
    assert_has(w, "新型コロナウイルス感染症予防接種証明書");
    assert_has(w, "山田太郎");
    for (const char *const *l = (const char *const[]){"氏名", "生年月日", "1980-01-02", "接種日", "ワクチン名",
                                                      "メーカー", "ロット番号", "接種国", "発行者", "証明書ID",
                                                      "発行日", NULL};
         *l; l++)
        assert_has(w, *l);
    for (size_t i = 0; i < fx.d.n_doses; i++) {
        assert_has(w, fx.dates[i]);
        assert_has(w, fx.lots[i]);
    }
    assert_has(w, "コミナティ筋注");
    assert_has(w, "スパイクバックス筋注");
    assert_has(w, "モデルナ");
    assert_has(w, "東京都千代田区");
    assert_has(w, "JP-131016-2026-000001");
    assert_has(w, "2026-11-27");
    /* The domestic paper has no passport data and no English. */
    assert_null(strstr(w, "TZ1234567"));
    assert_null(strstr(w, "YAMADA"));
    assert_null(strstr(w, "Passport"));
    free(w);

    char *want = shc_text(fx.jws);
    assert_pdf_codes(pdf, want, NULL);
    free(want);
    fixture_free(&fx);
}

static void test_overseas_pdf(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, DOCUMENT_OVERSEAS, 3, 900);
    kofu_bld b;
    assert_int_equal(render_pdf(&fx.d, &b), KOFU_OK);
    char pdf[128];
    save("overseas.pdf", &b, pdf, sizeof pdf);
    assert_pdf_shape(pdf);

    char *w = pdf_words(pdf);
    assert_has(w, "新型コロナウイルス感染症予防接種証明書");
    assert_has(w, "VaccinationCertificateforCOVID-19");
    /* pdftotext may take the ideographic space for a column gap and put
     * a label between the two halves; each half is there. */
    assert_has(w, "山田");
    assert_has(w, "太郎");
    assert_has(w, "YAMADATARO");
    assert_has(w, "TZ1234567");
    for (const char *const *l =
             (const char *const[]){"Name", "Dateofbirth", "Nationality/Region", "PassportNo.", "Date", "Vaccine",
                                   "Manufacturer", "LotNo.", "Country", "Issuer", "CertificateID", "Dateofissue",
                                   "旅券番号", "国籍・地域", "Comirnaty", "Pfizer", "Japan", NULL};
         *l; l++)
        assert_has(w, *l);
    for (size_t i = 0; i < fx.d.n_doses; i++)
        assert_has(w, fx.lots[i]);
    assert_has(w, "JP-131016-2026-000001");
    free(w);

    char *want = shc_text(fx.jws);
    assert_pdf_codes(pdf, want, fx.seal);
    free(want);
    fixture_free(&fx);
}

/* Ten doses, long product names, a 40-character name and the largest
 * card: all on one page, every word present, both codes readable. */
static void test_ten_doses_long_name(void **state)
{
    (void)state;
    /* 40 characters */
    static const char long_name[] = "寿限無寿限無五劫の擦り切れ海砂利水魚の"
                                    "水行末雲来末風来末食う寝る処に住む処やぶら";
    static const char long_roman[] = "JUGEMU JUGEMU GOKONOSURIKIRE KAIJARISUIGYONO SUIGYOMATSU UNRAIMATSU";
    struct fixture fx;
    for (int kind = DOCUMENT_DOMESTIC; kind <= DOCUMENT_OVERSEAS; kind++) {
        fixture_init(&fx, (enum document_kind)kind, DOCUMENT_DOSES_MAX, QR_SHC_MAX_JWS);
        fx.d.name = long_name;
        fx.d.name_roman = long_roman;
        fx.d.issuer_ja = "北海道上川郡東神楽町大字東神楽字東二線十七号";
        fx.d.mayor_ja = "町長　東神楽　太郎兵衛";
        kofu_bld b;
        assert_int_equal(render_pdf(&fx.d, &b), KOFU_OK);
        char pdf[128], sq[512];
        save(kind ? "overseas10.pdf" : "domestic10.pdf", &b, pdf, sizeof pdf);
        assert_pdf_shape(pdf);
        char *w = pdf_words(pdf);
        assert_has(w, squeeze(long_name, sq, sizeof sq));
        if (kind)
            assert_has(w, squeeze(long_roman, sq, sizeof sq));
        assert_has(w, squeeze(fx.d.issuer_ja, sq, sizeof sq));
        for (size_t i = 0; i < DOCUMENT_DOSES_MAX; i++) {
            assert_has(w, fx.dates[i]);
            assert_has(w, fx.lots[i]);
        }
        free(w);
        char *want = shc_text(fx.jws);
        assert_pdf_codes(pdf, want, kind ? fx.seal : NULL);
        free(want);
        fixture_free(&fx);
    }
}

/* The same page as a 300 dpi raster: the codes decode from our own PNG. */
static void test_png_300dpi(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, DOCUMENT_OVERSEAS, DOCUMENT_DOSES_MAX, QR_SHC_MAX_JWS);
    kofu_bld b;
    assert_int_equal(render_png(&fx.d, 300, &b), KOFU_OK);
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    assert_memory_equal(b.p, sig, 8);
    /* IHDR: width and height, big-endian, at bytes 16 and 20. */
    int w = 0, h = 0;
    document_png_pixels_size(300, &w, &h);
    assert_int_equal(w, 2480);
    assert_int_equal(h, 3508);
    assert_int_equal((b.p[16] << 24) | (b.p[17] << 16) | (b.p[18] << 8) | b.p[19], w);
    assert_int_equal((b.p[20] << 24) | (b.p[21] << 16) | (b.p[22] << 8) | b.p[23], h);
    char png[128];
    save("overseas300.png", &b, png, sizeof png);
    char *want = shc_text(fx.jws);
    assert_codes(png, want, fx.seal);
    free(want);
    fixture_free(&fx);

    fixture_init(&fx, DOCUMENT_DOMESTIC, 2, QR_SHC_MAX_JWS);
    assert_int_equal(render_png(&fx.d, 300, &b), KOFU_OK);
    save("domestic300.png", &b, png, sizeof png);
    want = shc_text(fx.jws);
    assert_codes(png, want, NULL);
    free(want);
    fixture_free(&fx);
}

/* Rows of a greyscale image that hold ink (any pixel darker than mid-grey). */
static void ink_rows(cairo_surface_t *s, bool *rows, int h)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s), w = cairo_image_surface_get_width(s);
    for (int y = 0; y < h; y++) {
        rows[y] = false;
        for (int x = 0; x < w && !rows[y]; x++) {
            uint32_t v;
            memcpy(&v, d + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
            rows[y] = ((v >> 8) & 0xFF) < 128;
        }
    }
}

/* PNG and PDF come from one draw function: poppler's raster of the PDF and
 * our PNG, at the same resolution, have ink on the same rows. */
static void test_png_matches_pdf(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, DOCUMENT_OVERSEAS, 4, 800);
    kofu_bld b;
    char pdf[128], png[128], base[160], ref[170], cmd[512], *out;
    size_t len;
    assert_int_equal(render_pdf(&fx.d, &b), KOFU_OK);
    save("same.pdf", &b, pdf, sizeof pdf);
    assert_int_equal(render_png(&fx.d, 100, &b), KOFU_OK);
    save("same.png", &b, png, sizeof png);
    snprintf(base, sizeof base, "%s/same-poppler", dir);
    snprintf(ref, sizeof ref, "%s.png", base);
    snprintf(cmd, sizeof cmd, "pdftoppm -r 100 -png -singlefile -gray %s %s", pdf, base);
    assert_int_equal(kt_run(cmd, &out, &len), 0);
    free(out);

    cairo_surface_t *a = cairo_image_surface_create_from_png(png);
    cairo_surface_t *p = cairo_image_surface_create_from_png(ref);
    assert_int_equal(cairo_surface_status(a), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_surface_status(p), CAIRO_STATUS_SUCCESS);
    /* Both are A4 at 100 dpi; poppler may round the height one pixel up. */
    int h = cairo_image_surface_get_height(a);
    assert_int_equal(cairo_image_surface_get_width(a), cairo_image_surface_get_width(p));
    assert_true(abs(h - cairo_image_surface_get_height(p)) <= 1);
    if (cairo_image_surface_get_height(p) < h)
        h = cairo_image_surface_get_height(p);
    bool *ra = calloc((size_t)h, 1), *rp = calloc((size_t)h, 1);
    assert_non_null(ra);
    assert_non_null(rp);
    ink_rows(a, ra, h);
    ink_rows(p, rp, h);
    int differ = 0, inked = 0;
    for (int y = 1; y + 1 < h; y++) {
        inked += ra[y];
        /* one pixel of slack for rounding */
        if (ra[y] != rp[y] && ra[y] != rp[y - 1] && ra[y] != rp[y + 1])
            differ++;
    }
    print_message("rows with ink: %d of %d; rows that differ from poppler's raster: %d\n", inked, h, differ);
    assert_true(inked > h / 4);
    assert_true(differ <= h / 100);
    free(ra);
    free(rp);
    cairo_surface_destroy(a);
    cairo_surface_destroy(p);
    fixture_free(&fx);
}

/* ---- errors ---- */

static void test_buffer_too_small(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, DOCUMENT_OVERSEAS, 3, 800);
    static uint8_t small[4096];
    kofu_bld b;
    bld_init(&b, small, sizeof small);
    bld_add_bytes(&b, "HEAD", 4); /* something already there stays */
    assert_int_equal(document_render_pdf(&fx.d, &fonts, &b), KOFU_E_NOMEM);
    assert_int_equal(b.len, 4);
    assert_false(bld_ok(&b));
    assert_memory_equal(small, "HEAD", 4);
    for (size_t i = 4; i < sizeof small; i++)
        assert_int_equal(small[i], 0); /* the partial PDF was wiped */

    /* A full builder is refused at once. */
    assert_int_equal(document_render_pdf(&fx.d, &fonts, &b), KOFU_E_NOMEM);

    size_t need = document_png_pixels_size(72, NULL, NULL);
    uint8_t *px = malloc(need);
    assert_non_null(px);
    bld_init(&b, small, sizeof small);
    assert_int_equal(document_render_png(&fx.d, &fonts, 72, px, need, &b), KOFU_E_NOMEM);
    assert_int_equal(b.len, 0);
    for (size_t i = 0; i < sizeof small; i++)
        assert_int_equal(small[i], 0);
    for (size_t i = 0; i < need; i++)
        assert_int_equal(px[i], 0); /* the pixels are wiped too */
    /* Pixels too few, none, or a resolution out of range. */
    bld_init(&b, outbuf, OUT_CAP);
    assert_int_equal(document_render_png(&fx.d, &fonts, 72, px, need - 1, &b), KOFU_E_ARG);
    assert_int_equal(document_render_png(&fx.d, &fonts, 72, NULL, need, &b), KOFU_E_ARG);
    assert_int_equal(document_render_png(&fx.d, &fonts, 10, px, need, &b), KOFU_E_ARG);
    assert_int_equal(document_render_png(&fx.d, &fonts, 5000, px, need, &b), KOFU_E_ARG);
    assert_int_equal(document_png_pixels_size(NAN, NULL, NULL), 0);
    assert_int_equal(b.len, 0);
    free(px);
    fixture_free(&fx);
}

static int render_rc(const struct document_data *d)
{
    kofu_bld b;
    bld_init(&b, outbuf, OUT_CAP);
    int rc = document_render_pdf(d, &fonts, &b);
    if (rc != KOFU_OK)
        assert_int_equal(b.len, 0);
    return rc;
}

static void test_bad_data(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, DOCUMENT_OVERSEAS, 3, 800);
    struct document_data d = fx.d;

    assert_int_equal(render_rc(&d), KOFU_OK);
    d.name = NULL;
    assert_int_equal(render_rc(&d), KOFU_E_ARG);
    d = fx.d;
    d.name = "山田\n太郎"; /* a line break of its own */
    assert_int_equal(render_rc(&d), KOFU_E_ARG);
    d.name = "YAMADA \xe2\x80\xae" "ORAT"; /* U+202E right-to-left override */
    assert_int_equal(render_rc(&d), KOFU_E_ARG);
    d.name = "YAMADA \xff"; /* not UTF-8 */
    assert_int_equal(render_rc(&d), KOFU_E_ARG);
    d = fx.d;
    d.passport_number = ""; /* required on the overseas paper */
    assert_int_equal(render_rc(&d), KOFU_E_ARG);
    d = fx.d;
    d.vds_seal = NULL;
    assert_int_equal(render_rc(&d), KOFU_E_ARG);
    d.kind = DOCUMENT_DOMESTIC; /* ...but the domestic paper has no seal */
    assert_int_equal(render_rc(&d), KOFU_OK);
    d = fx.d;
    d.kind = (enum document_kind)7;
    assert_int_equal(render_rc(&d), KOFU_E_ARG);
    d = fx.d;
    d.n_doses = 0;
    assert_int_equal(render_rc(&d), KOFU_E_ARG);
    d.n_doses = DOCUMENT_DOSES_MAX + 1;
    assert_int_equal(render_rc(&d), KOFU_E_ARG);
    d = fx.d;
    d.doses[1].date = NULL;
    assert_int_equal(render_rc(&d), KOFU_E_ARG);
    assert_int_equal(document_render_pdf(NULL, &fonts, NULL), KOFU_E_ARG);

    /* A card over one QR's limit is refused, never split. */
    char *big = make_jws(QR_SHC_MAX_JWS + 1);
    d = fx.d;
    d.shc_jws = big;
    assert_int_equal(render_rc(&d), KOFU_E_QR_TOO_LARGE);
    free(big);

    /* A character none of the certificate face's families has: refused,
     * not drawn as a box or taken from another font. */
    d = fx.d;
    d.name = "山田　太郎 \xf0\x9f\x98\x80"; /* U+1F600 */
    assert_int_equal(render_rc(&d), KOFU_E_DOC_UNPRINTABLE);
    d = fx.d;
    d.doses[0].lot = "\xe0\xb8\x81"; /* U+0E01 THAI CHARACTER KO KAI */
    assert_int_equal(render_rc(&d), KOFU_E_DOC_UNPRINTABLE);

    /* Text that cannot fit even at the smallest size: refused, not cut. */
    static char very_long[10][400];
    d = fx.d;
    d.n_doses = DOCUMENT_DOSES_MAX;
    for (size_t i = 0; i < DOCUMENT_DOSES_MAX; i++) {
        memset(very_long[i], 0, sizeof very_long[i]);
        for (size_t k = 0; k + 3 < 390; k += 3)
            memcpy(very_long[i] + k, "薬", 3);
        d.doses[i] = fx.d.doses[i % 3];
        d.doses[i].date = "2022-02-02";
        d.doses[i].product_ja = very_long[i];
    }
    assert_int_equal(render_rc(&d), KOFU_E_DOC_UNPRINTABLE);
    d.name = "long";
    d.certificate_id = very_long[0];
    assert_int_equal(render_rc(&d), KOFU_E_DOC_UNPRINTABLE);
    fixture_free(&fx);
}

/* ---- memory: the vault ---- */

/* Output and pixels in the vault (a 640-pixel preview: the vault of a test
 * stays under the default 8 MiB mlock limit), then wiped. */
static void test_into_vault(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx, DOCUMENT_OVERSEAS, 3, 800);
    double dpi = document_dpi_for_width(640);
    size_t need = document_png_pixels_size(dpi, NULL, NULL);
    uint8_t *pdf = vault_alloc(1u << 20), *png = vault_alloc(1u << 20), *px = vault_alloc(need);
    assert_non_null(pdf);
    assert_non_null(png);
    assert_non_null(px);
    kofu_bld b1, b2;
    bld_init(&b1, pdf, 1u << 20);
    bld_init(&b2, png, 1u << 20);
    assert_int_equal(document_render_pdf(&fx.d, &fonts, &b1), KOFU_OK);
    assert_int_equal(document_render_png(&fx.d, &fonts, dpi, px, need, &b2), KOFU_OK);
    assert_true(vault_contains(b1.p, b1.len));
    assert_true(vault_contains(b2.p, b2.len));
    int w = 0;
    document_png_pixels_size(dpi, &w, NULL);
    assert_int_equal(w, 640);
    vault_wipe();
    assert_true(vault_is_clean());
    fixture_free(&fx);
}

/* ---- figures (reported, not asserted) and the review images ---- */

static void test_measure_and_review(void **state)
{
    (void)state;
    struct fixture dom, os;
    fixture_init(&dom, DOCUMENT_DOMESTIC, 3, 804);
    fixture_init(&os, DOCUMENT_OVERSEAS, 3, 804);
    kofu_bld b;
    double dpi = document_dpi_for_width(1280);
    size_t need = document_png_pixels_size(dpi, NULL, NULL);
    void *px = malloc(need);
    assert_non_null(px);

    /* Warm up fontconfig and pango's caches once, as a kiosk does at start-up. */
    assert_int_equal(render_pdf(&dom.d, &b), KOFU_OK);
    enum { RUNS = 9 };
    double pdf_ms[RUNS], png_ms[RUNS], ospdf_ms[RUNS], draw_ms[RUNS];
    int pw = 0, ph = 0;
    document_png_pixels_size(dpi, &pw, &ph);
    size_t pdf_size = 0, png_size = 0, ospdf_size = 0;
    for (int i = 0; i < RUNS; i++) {
        double t0 = kofu_mono_ms_f();
        assert_int_equal(render_pdf(&dom.d, &b), KOFU_OK);
        double t1 = kofu_mono_ms_f();
        pdf_size = b.len;
        bld_init(&b, outbuf, OUT_CAP);
        assert_int_equal(document_render_png(&dom.d, &fonts, dpi, px, need, &b), KOFU_OK);
        double t2 = kofu_mono_ms_f();
        png_size = b.len;
        assert_int_equal(render_pdf(&os.d, &b), KOFU_OK);
        double t3 = kofu_mono_ms_f();
        ospdf_size = b.len;
        /* The draw alone onto a 1280-pixel-wide raster (what a screen
         * preview costs without PNG encoding). */
        cairo_surface_t *img = cairo_image_surface_create_for_data(
            px, CAIRO_FORMAT_RGB24, pw, ph, cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, pw));
        cairo_t *cr = cairo_create(img);
        cairo_scale(cr, dpi / 72.0, dpi / 72.0);
        double t4 = kofu_mono_ms_f();
        assert_int_equal(document_draw(cr, &dom.d, &fonts), KOFU_OK);
        cairo_surface_flush(img);
        double t5 = kofu_mono_ms_f();
        cairo_destroy(cr);
        cairo_surface_destroy(img);
        pdf_ms[i] = t1 - t0;
        png_ms[i] = t2 - t1;
        ospdf_ms[i] = t3 - t2;
        draw_ms[i] = t5 - t4;
    }
    /* medians */
    for (int i = 0; i < RUNS; i++)
        for (int j = i + 1; j < RUNS; j++) {
            double t;
#define SWAP_IF(a)                                                                                             \
    if (a[j] < a[i]) {                                                                                         \
        t = a[i];                                                                                              \
        a[i] = a[j];                                                                                           \
        a[j] = t;                                                                                              \
    }
            SWAP_IF(pdf_ms)
            SWAP_IF(png_ms)
            SWAP_IF(ospdf_ms)
            SWAP_IF(draw_ms)
#undef SWAP_IF
        }
    print_message("domestic PDF: %.1f ms median, %zu bytes\n", pdf_ms[RUNS / 2], pdf_size);
    print_message("domestic PNG 1280 px wide (%.1f dpi): %.1f ms median, %zu bytes, %zu bytes of pixels\n", dpi,
                  png_ms[RUNS / 2], png_size, need);
    print_message("domestic draw only, onto the 1280 px raster: %.1f ms median\n", draw_ms[RUNS / 2]);
    print_message("overseas PDF: %.1f ms median, %zu bytes\n", ospdf_ms[RUNS / 2], ospdf_size);

    const char *review = getenv("KOFU_DOC_REVIEW_DIR");
    if (review && review[0]) {
        char path[512];
        struct fixture os10;
        fixture_init(&os10, DOCUMENT_OVERSEAS, DOCUMENT_DOSES_MAX, QR_SHC_MAX_JWS);
        const struct {
            const char *name;
            const struct document_data *d;
        } sheets[] = {{"domestic", &dom.d}, {"overseas", &os.d}, {"overseas-10-doses", &os10.d}};
        for (size_t i = 0; i < sizeof sheets / sizeof sheets[0]; i++) {
            bld_init(&b, outbuf, OUT_CAP);
            assert_int_equal(document_render_png(sheets[i].d, &fonts, dpi, px, need, &b), KOFU_OK);
            snprintf(path, sizeof path, "%s/%s.png", review, sheets[i].name);
            assert_true(kt_write_file(path, b.p, b.len));
            assert_int_equal(render_pdf(sheets[i].d, &b), KOFU_OK);
            snprintf(path, sizeof path, "%s/%s.pdf", review, sheets[i].name);
            assert_true(kt_write_file(path, b.p, b.len));
        }
        print_message("review images in %s\n", review);
        fixture_free(&os10);
    }
    free(px);
    fixture_free(&dom);
    fixture_free(&os);
}

/* ---- setup ---- */

/* LeakSanitizer (the ASan build): fontconfig 2.14 leaks 288 bytes once while
 * it parses its configuration (inside FcInitLoadConfigAndFonts, an XML
 * expression it loses). Not ours and not per render; fontconfig is built
 * without frame pointers, so only its module can be named here. The hook is
 * read by the sanitizer runtime and unused otherwise. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }


static int group_setup(void **state)
{
    (void)state;
    static const char *const tools[] = {"zbarimg", "pdfinfo", "pdffonts", "pdftotext", "pdftoppm"};
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
        if (!kt_have(tools[i])) {
            fprintf(stderr, "test_document: %s (zbar-tools, poppler-utils) is needed\n", tools[i]);
            return -1;
        }
    }
    if (vault_init(6u << 20) != KOFU_OK)
        return -1;
    outbuf = malloc(OUT_CAP);
    if (!outbuf || !kt_tempdir(dir, sizeof dir, "ui-test"))
        return -1;
    return document_fonts_init(&fonts) == KOFU_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    document_fonts_free(&fonts);
    free(outbuf);
    kt_rmdir_flat(dir);
    vault_destroy();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fonts),
        cmocka_unit_test(test_text_printable),
        cmocka_unit_test(test_name_from_fallback_font),
        cmocka_unit_test(test_domestic_pdf),
        cmocka_unit_test(test_overseas_pdf),
        cmocka_unit_test(test_ten_doses_long_name),
        cmocka_unit_test(test_png_300dpi),
        cmocka_unit_test(test_png_matches_pdf),
        cmocka_unit_test(test_buffer_too_small),
        cmocka_unit_test(test_bad_data),
        cmocka_unit_test(test_into_vault),
        cmocka_unit_test(test_measure_and_review),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
