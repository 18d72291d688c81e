/* targets.c — see targets.h. */
#include "tests/lib/targets.h"

#include <stdio.h>
#include <string.h>

int kt_target_name(const struct screens_target *t, const struct center_municipality *municipalities,
                   size_t n_municipalities, char *buf, size_t cap)
{
    if (!t || !buf || cap == 0)
        return -1;
    const char *fixed = NULL;
    char tmp[48];
    switch (t->kind) {
    case SCREENS_T_DIGIT:
        if (t->index < 0 || t->index > 9)
            return -1;
        snprintf(tmp, sizeof tmp, "digit-%d", t->index);
        fixed = tmp;
        break;
    case SCREENS_T_PIN_DELETE:
        fixed = "delete";
        break;
    case SCREENS_T_PIN_ENTER:
        fixed = "enter";
        break;
    case SCREENS_T_PAGE_PREV:
        fixed = "prev-page";
        break;
    case SCREENS_T_PAGE_NEXT:
        fixed = "next-page";
        break;
    case SCREENS_T_TERMS_UP:
        fixed = "terms-up";
        break;
    case SCREENS_T_TERMS_DOWN:
        fixed = "terms-down";
        break;
    case SCREENS_T_MRZ_CHAR:
        if (!((t->index >= '0' && t->index <= '9') || (t->index >= 'A' && t->index <= 'Z')))
            return -1;
        snprintf(tmp, sizeof tmp, "mrz-%c", (char)t->index);
        fixed = tmp;
        break;
    case SCREENS_T_MRZ_NEXT:
        fixed = "mrz-next";
        break;
    case SCREENS_T_MRZ_DELETE:
        fixed = "mrz-erase";
        break;
    case SCREENS_T_BUTTON:
        switch (t->button) {
        case SESSION_BTN_SERVICE:
            fixed = "service";
            break;
        case SESSION_BTN_BACK:
            fixed = "back";
            break;
        case SESSION_BTN_CANCEL:
            fixed = "cancel";
            break;
        case SESSION_BTN_LANGUAGE:
            fixed = "language";
            break;
        case SESSION_BTN_MUNICIPALITY:
            if (t->index < 0)
                return -1;
            if (municipalities && (size_t)t->index < n_municipalities)
                snprintf(tmp, sizeof tmp, "municipality-%.6s", municipalities[t->index].code);
            else if (municipalities)
                return -1;
            else
                snprintf(tmp, sizeof tmp, "municipality-%d", t->index);
            fixed = tmp;
            break;
        case SESSION_BTN_KIND:
            fixed = t->cert_kind == CENTER_OVERSEAS ? "overseas" : "domestic";
            break;
        case SESSION_BTN_COPIES_PLUS:
            fixed = "plus";
            break;
        case SESSION_BTN_COPIES_MINUS:
            fixed = "minus";
            break;
        case SESSION_BTN_CONFIRM:
            fixed = "ok";
            break;
        case SESSION_BTN_LAST_TRY_YES:
            fixed = "yes";
            break;
        case SESSION_BTN_LAST_TRY_NO:
            fixed = "no";
            break;
        case SESSION_BTN_AGREE:
            fixed = "agree";
            break;
        case SESSION_BTN_DISAGREE:
            fixed = "disagree";
            break;
        case SESSION_BTN__COUNT:
            return -1;
        }
        break;
    }
    if (!fixed)
        return -1;
    size_t n = strlen(fixed);
    if (n >= cap)
        return -1;
    memcpy(buf, fixed, n + 1);
    return (int)n;
}

const struct screens_target *kt_target_find(const struct screens_layout *l, const char *name,
                                           const struct center_municipality *municipalities,
                                           size_t n_municipalities)
{
    if (!l || !name)
        return NULL;
    char buf[64];
    for (size_t i = 0; i < l->n && i < SCREENS_TARGETS_MAX; i++) {
        if (kt_target_name(&l->t[i], municipalities, n_municipalities, buf, sizeof buf) >= 0 &&
            strcmp(buf, name) == 0)
            return &l->t[i];
    }
    return NULL;
}
