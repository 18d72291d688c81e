/* municipality.c — see municipality.h. */
#include "session/municipality.h"

#include <string.h>

static const char *const prefectures[48] = {
    NULL,       "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県",   "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県",
    "長野県",   "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県",
    "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県",
    "福岡県",   "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
};

const char *municipality_prefecture(int code) { return code >= 1 && code <= 47 ? prefectures[code] : NULL; }

int municipality_preselect(const struct center_municipality *list, size_t n, const char *address)
{
    int found = -1;
    for (size_t i = 0; address && list && i < n; i++) {
        const struct center_municipality *m = &list[i];
        if (m->code[0] < '0' || m->code[0] > '9' || m->code[1] < '0' || m->code[1] > '9' || !m->name_ja[0])
            continue;
        const char *pref = municipality_prefecture((m->code[0] - '0') * 10 + (m->code[1] - '0'));
        if (!pref)
            continue;
        size_t pl = strlen(pref), nl = strlen(m->name_ja);
        if (strncmp(address, pref, pl) != 0 || strncmp(address + pl, m->name_ja, nl) != 0)
            continue;
        if (found >= 0)
            return -1; /* two candidates: let the resident choose */
        found = (int)i;
    }
    return found;
}
