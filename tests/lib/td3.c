/* td3.c — see td3.h. */
#include "tests/lib/td3.h"

#include <string.h>

char td3_check_digit(const char *s, size_t n)
{
    static const int weight[3] = {7, 3, 1};
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 10 : 0;
        sum += v * weight[i % 3];
    }
    return (char)('0' + sum % 10);
}

/* Copy s into a field, at most width characters (the rest stays '<'). */
static void put(char *field, size_t width, const char *s)
{
    size_t n = strlen(s);
    memcpy(field, s, n < width ? n : width);
}

void td3_dg1(const struct td3_holder *h, uint8_t out[TD3_DG1_LEN])
{
    char m[88];
    memset(m, '<', sizeof m);
    m[0] = 'P';
    put(m + 2, 3, h->state);
    put(m + 5, 39, h->name);
    char *l2 = m + 44;
    put(l2, 9, h->number);
    l2[9] = td3_check_digit(l2, 9);
    put(l2 + 10, 3, h->nationality);
    put(l2 + 13, 6, h->birth);
    l2[19] = td3_check_digit(l2 + 13, 6);
    l2[20] = h->sex;
    put(l2 + 21, 6, h->expiry);
    l2[27] = td3_check_digit(l2 + 21, 6);
    l2[42] = td3_check_digit(l2 + 28, 14);
    char composite[39];
    memcpy(composite, l2, 10);
    memcpy(composite + 10, l2 + 13, 7);
    memcpy(composite + 17, l2 + 21, 22);
    l2[43] = td3_check_digit(composite, sizeof composite);
    static const uint8_t head[5] = {0x61, 0x5B, 0x5F, 0x1F, 0x58};
    memcpy(out, head, sizeof head);
    memcpy(out + sizeof head, m, sizeof m);
}
