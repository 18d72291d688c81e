/*
 * td3.h — test data for the passport paths: a TD3 passport's DG1 as its chip
 * stores it, `61 5B 5F1F 58 <88 MRZ characters>`, with every check digit
 * computed here (ICAO 9303 part 3: weights 7, 3, 1; '<' 0, A-Z 10-35),
 * apart from the firmware's and centersim's MRZ code, which the data checks.
 * Holders are synthetic.
 */
#ifndef KOFU_TESTS_TD3_H
#define KOFU_TESTS_TD3_H

#include <stddef.h>
#include <stdint.h>

#define TD3_DG1_LEN 93

struct td3_holder {
    const char *state;       /* issuing state, e.g. "JPN" */
    const char *name;        /* the name field before its fillers, e.g. "YAMADA<<TARO" */
    const char *number;      /* 1..9 characters */
    const char *nationality; /* e.g. "JPN" */
    const char *birth;       /* YYMMDD */
    char sex;                /* 'M', 'F' or '<' */
    const char *expiry;      /* YYMMDD */
};

/** The check digit character of n MRZ characters. */
char td3_check_digit(const char *s, size_t n);
/** The holder's DG1; the 88 MRZ characters are out + 5. */
void td3_dg1(const struct td3_holder *h, uint8_t out[TD3_DG1_LEN]);

#endif
