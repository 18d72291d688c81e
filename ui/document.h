/*
 * document.h — the printed certificate (新型コロナウイルス感染症予防接種証明書):
 * one A4 page drawn with cairo + pango, with its QR codes (qr.h), rendered
 * into memory as PDF (for the printer) or PNG (for a preview).
 *
 * Owns: the page layout, modelled on the municipal paper: domestic (日本国内用) in Japanese with one QR (SMART Health Card);
 * overseas (海外・国内兼用) in Japanese and English, with the romaji name,
 * nationality and passport number, and two QRs (SMART Health Card and ICAO
 * VDS-NC). Also the certificate fonts (IPAex, from fonts-ipaexfont), which
 * are checked once at start-up: a missing family is an error, never a silent
 * fallback to another font. IPAex lacks characters residents' names have
 * (𠮷, U+20BB7); each face therefore has a chain of named fallback families
 * (IPAmjMincho, from fonts-ipamj-mincho) that supply, character by
 * character, what the face lacks. fontconfig's own substitution stays off:
 * every character is drawn from a family of the chain, chosen here, or the
 * text is unprintable. document_text_printable asks that of a card's name
 * before anything is sent to the center.
 *
 * What is printed is exactly what struct document_data holds; this module
 * draws and never interprets. The caller fills it from the verified, signed
 * certificate. Text is laid out to fit: long values wrap and, if they must,
 * shrink down to a legible minimum; text that still cannot fit, or that has
 * a character the font lacks, makes the render fail with
 * KOFU_E_DOC_UNPRINTABLE — nothing is cut off, overlapped or replaced by a
 * box. Up to DOCUMENT_DOSES_MAX doses fit with realistic values.
 *
 * Memory: documents go into a caller-owned kofu_bld (a buffer in the vault);
 * a PNG's pixels go into a caller-owned buffer (the vault too). No file is
 * ever written. cairo, pango and libqrencode still hold copies of the text
 * in their own heap memory while a render runs (glyph runs, PDF content
 * streams); the QR modules are zeroed before they are freed.
 */
#ifndef KOFU_DOCUMENT_H
#define KOFU_DOCUMENT_H

#include "base/bytes.h"

#include <cairo.h>
#include <pango/pango.h>

#include <stdbool.h>
#include <stddef.h>

/** A4 in PostScript points (210 × 297 mm); the page the draw function fills. */
#define DOCUMENT_PAGE_WIDTH_PT 595.2755905511812
#define DOCUMENT_PAGE_HEIGHT_PT 841.8897637795276
/** Most doses one certificate lists (as struct center_certificate). */
#define DOCUMENT_DOSES_MAX 10
/** Raster resolutions document_render_png accepts. */
#define DOCUMENT_PNG_DPI_MIN 36.0
#define DOCUMENT_PNG_DPI_MAX 600.0

/** The two certificates a kiosk issues (docs/printing.md). */
enum document_kind {
    DOCUMENT_DOMESTIC = 0, /* 日本国内用: Japanese, one QR (SHC) */
    DOCUMENT_OVERSEAS = 1, /* 海外・国内兼用: Japanese and English, two QRs (SHC, VDS-NC) */
};

/** One dose. Strings are UTF-8 and NUL-terminated; NULL counts as "". Where
 *  both languages exist, the domestic page prints the Japanese one (or the
 *  English one if the Japanese is empty) and the overseas page both. */
struct document_dose {
    const char *date;                                /* 接種日, e.g. "2021-07-01" (required) */
    const char *product_ja, *product_en;             /* ワクチン名, e.g. "コミナティ筋注" / "Comirnaty" */
    const char *manufacturer_ja, *manufacturer_en;   /* メーカー, e.g. "ファイザー" / "Pfizer" */
    const char *lot;                                 /* ロット番号 */
    const char *country_ja, *country_en;             /* 接種国, e.g. "日本" / "Japan" */
};

/** Everything the page shows. Pointers are borrowed for the call only (they
 *  normally point into the verified certificate in the vault). Required:
 *  name, birth_date, 1..DOCUMENT_DOSES_MAX doses with a date, issuer_ja,
 *  certificate_id, issue_date and shc_jws; for DOCUMENT_OVERSEAS also
 *  name_roman, nationality, passport_number and vds_seal. No string may hold
 *  control characters or invalid UTF-8. */
struct document_data {
    enum document_kind kind;
    const char *title_ja;        /* NULL: 新型コロナウイルス感染症予防接種証明書 */
    const char *title_en;        /* overseas; NULL: Vaccination Certificate for COVID-19 */
    const char *name;            /* 氏名, as on the My Number card (kanji) */
    const char *name_roman;      /* overseas: the passport's name, e.g. "YAMADA TARO" */
    const char *birth_date;      /* 生年月日 / Date of birth */
    const char *nationality;     /* overseas: 国籍・地域 / Nationality/Region, e.g. "JPN" or "日本 / Japan" */
    const char *passport_number; /* overseas: 旅券番号 / Passport No. */
    size_t n_doses;
    struct document_dose doses[DOCUMENT_DOSES_MAX];
    const char *issuer_ja, *issuer_en; /* 発行者: the municipality, e.g. "東京都千代田区" / "Chiyoda City, Tokyo" */
    const char *mayor_ja, *mayor_en;   /* printed after the issuer, e.g. "区長　千代田　一郎" */
    const char *certificate_id;        /* 証明書ID / Certificate ID */
    const char *issue_date;            /* 発行日 / Date of issue */
    const char *shc_jws;               /* the SMART Health Card (compact JWS), for the first QR */
    const char *vds_seal;              /* overseas: the VDS-NC seal's JSON text, for the second QR */
    /* A specimen, never a certificate (the technician's test print,
     * ui/test_print.h): 見本 / SAMPLE in large type in the header, across the
     * page (kept off the QR symbols so that they still scan) and over each
     * QR code. false (as zero-initialised): a real certificate, drawn
     * exactly as without this field. */
    bool sample;
};

/** Most fallback families one face has. */
#define DOCUMENT_FONT_FALLBACK_MAX 3

/** The certificate fonts, checked at start-up (document_fonts_init). */
struct document_fonts {
    char gothic[64];       /* family for body text and labels (IPAexGothic) */
    char mincho[64];       /* family for the title (IPAexMincho) */
    /* Each face's fallback families, in order; "" ends a list. */
    char gothic_fallback[DOCUMENT_FONT_FALLBACK_MAX][64];
    char mincho_fallback[DOCUMENT_FONT_FALLBACK_MAX][64];
    void *fontmap;         /* the PangoFontMap every render uses; private */
    /* Each family's font as pango loads it, for its coverage: [0] gothic
     * then its fallbacks, [1] mincho then its fallbacks; private. */
    void *coverage[2][1 + DOCUMENT_FONT_FALLBACK_MAX];
};

/** Check and load the certificate fonts: IPAexGothic and IPAexMincho, each
 *  with IPAmjMincho as its fallback. Each family must be fontconfig's best match for
 *  its own name (exact family, covering Japanese) and the font pango then
 *  loads must be that family. Call once at start-up; a failure means the
 *  kiosk cannot print.
 *  Errors: KOFU_E_FONT (a family missing or substituted), KOFU_E_ARG (NULL),
 *  KOFU_E_NOMEM. On error *f is left empty (document_fonts_free is safe). */
int document_fonts_init(struct document_fonts *f);

/** As document_fonts_init with other families and no fallbacks (tests,
 *  other boards). A NULL or empty mincho uses the gothic family for the
 *  title as well. */
int document_fonts_init_families(struct document_fonts *f, const char *gothic, const char *mincho);

/** As document_fonts_init with other chains: NULL-terminated lists of
 *  families, the face first, then up to DOCUMENT_FONT_FALLBACK_MAX
 *  fallbacks. A NULL mincho uses the gothic chain for the title as well. */
int document_fonts_init_chains(struct document_fonts *f, const char *const *gothic, const char *const *mincho);

/** Whether text (UTF-8, as a card or the center gives it) can be printed
 *  in the body face: valid UTF-8 of printable characters (no control,
 *  format, private-use — 外字 a municipality registered — or unassigned
 *  characters), each in one of the face's named families. KOFU_OK,
 *  KOFU_E_DOC_UNPRINTABLE, KOFU_E_FONT (fonts not initialised), KOFU_E_ARG
 *  (NULL). Empty text is printable. It says nothing about whether the text
 *  fits its box: the page shrinks and wraps it, and a name that cannot fit
 *  is refused when the page is drawn. */
int document_text_printable(const struct document_fonts *f, const char *text);

/** Give layout its text and attributes (base, which is not changed, plus
 *  one family attribute for each run of characters the face lacks, naming
 *  the first fallback that has them); layout's font description names the
 *  face. With fallback off in base, pango then draws every character from
 *  a family of the chain. KOFU_OK, KOFU_E_DOC_UNPRINTABLE (a character in
 *  none of them: the layout then has the text without fallbacks),
 *  KOFU_E_NOMEM. For the screens (ui/screens.c) as well as the page. */
int document_fonts_layout_text(const struct document_fonts *f, bool mincho, PangoLayout *layout,
                               PangoAttrList *base, const char *text);

/** Release what document_fonts_init loaded. Safe on an empty or freed struct. */
void document_fonts_free(struct document_fonts *f);

/** Draw the page onto cr in PostScript points (0,0 top-left, A4 size); the
 *  caller sets any scale beforehand. Both renderers use this; a kiosk screen
 *  can use it for an on-screen preview. The page background is not painted.
 *  Returns KOFU_OK, or KOFU_E_ARG (missing or malformed fields; nothing is
 *  drawn), KOFU_E_QR_TOO_LARGE (a QR over its limit, from qr.h; nothing is
 *  drawn), KOFU_E_DOC_UNPRINTABLE (nothing is drawn), KOFU_E_RENDER (cairo
 *  failed), KOFU_E_FONT (fonts not initialised). */
int document_draw(cairo_t *cr, const struct document_data *d, const struct document_fonts *f);

/** Render the page as a one-page A4 PDF (fonts embedded as subsets) and
 *  append it to out, through a cairo stream surface: no file is written.
 *  On error, the bytes appended so far are zeroed and out->len is restored.
 *  Errors: those of document_draw, and KOFU_E_NOMEM when out is too small
 *  (out's overflow flag is then set too). */
int document_render_pdf(const struct document_data *d, const struct document_fonts *f, kofu_bld *out);

/** The one way kofu makes a PDF (document_render_pdf, and the refund
 *  receipt of ui/receipt.h): a one-page A4 PDF whose page draw(cr, arg)
 *  fills (returning a kofu_err), appended to out through a stream surface,
 *  with title (fixed words, never resident data) as its metadata; the same
 *  errors and the same rollback of out on failure as document_render_pdf. */
int document_render_pdf_page(int (*draw)(cairo_t *cr, const void *arg), const void *arg, const char *title,
                             kofu_bld *out);

/** The same for a document of n_pages A4 pages (1..DOCUMENT_PDF_PAGES_MAX):
 *  draw(cr, arg, i) fills page i (0-based), on a fresh cairo state each. */
#define DOCUMENT_PDF_PAGES_MAX 8
int document_render_pdf_pages(int (*draw)(cairo_t *cr, const void *arg, int page), const void *arg, int n_pages,
                              const char *title, kofu_bld *out);

/** Pixel size of the page at `dpi` (A4 rounded to whole pixels), and the
 *  bytes of pixel memory document_render_png needs for it. Returns 0 when
 *  dpi is outside DOCUMENT_PNG_DPI_MIN..MAX. Width and height may be NULL. */
size_t document_png_pixels_size(double dpi, int *width, int *height);

/** The dpi at which the page is `width_px` pixels wide (e.g. 1280 for a
 *  screen preview: about 154.8 dpi). */
double document_dpi_for_width(int width_px);

/** Render the page at `dpi` on white into `pixels` (at least
 *  document_png_pixels_size(dpi) bytes, normally from the vault; zeroed again
 *  before returning) and append it to out as an 8-bit RGB PNG. The same
 *  draw as the PDF (document_draw). On error, appended bytes are zeroed and
 *  out->len is restored. Errors: those of document_draw, KOFU_E_ARG (dpi out
 *  of range, pixels NULL or too small), KOFU_E_NOMEM (out too small). */
int document_render_png(const struct document_data *d, const struct document_fonts *f, double dpi, void *pixels,
                        size_t pixels_len, kofu_bld *out);

#endif
