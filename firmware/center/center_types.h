/*
 * center_types.h — the center's words that layers above the protocol share:
 * the kind of certificate, what became of a request, a municipality as the
 * center lists it, and the limits of the terms of use.
 *
 * Plain types only, so that the session and the ui can name them without
 * the client (center.h), which pulls in the card and its reader.
 */
#ifndef KOFU_CENTER_TYPES_H
#define KOFU_CENTER_TYPES_H

#define CENTER_NAME_MAX 64

/* The terms of use the kiosk shows before it reads a card
 * (docs/center-protocol.md §2): a version token and the text in each
 * language. */
#define CENTER_TERMS_VERSION_MAX 32
#define CENTER_TERMS_TEXT_MAX 16384 /* bytes of UTF-8 per language */
/* Lines (paragraphs: line feeds + 1) per language. With the byte cap, this
 * keeps any text within the pages the TERMS screen holds at its smallest
 * size (ui/screens.c TERMS_PAGES_MAX; test_screens measures the worst). */
#define CENTER_TERMS_LINES_MAX 512

enum center_kind { CENTER_DOMESTIC = 0, CENTER_OVERSEAS = 1 };

/** What became of a request (POST /completions): printed; failed (nothing
 *  charged); refunded (charged, not printed, the money returned); or
 *  refund-owed (the device could not return money: a refund receipt for
 *  amount_yen was printed, which the shop pays out). */
enum center_outcome { CENTER_PRINTED, CENTER_FAILED, CENTER_REFUNDED, CENTER_REFUND_OWED };

struct center_municipality {
    char code[7];
    char name_ja[CENTER_NAME_MAX + 1];
    char name_en[CENTER_NAME_MAX + 1];
};

#endif
