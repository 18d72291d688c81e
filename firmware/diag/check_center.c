/* check_center.c — see diag.h. (Being written: the checks below report that they are not built yet.) */
#include "diag/diag.h"

#include "base/errors.h"

void diag_check_center(const struct diag_env *env, struct diag_result *r)
{
    (void)env;
    diag_verdict(r, DIAG_FAIL, KOFU_E_INTERNAL, "not built yet", "未実装");
}

void diag_check_clock(const struct diag_env *env, struct diag_result *r)
{
    (void)env;
    diag_verdict(r, DIAG_FAIL, KOFU_E_INTERNAL, "not built yet", "未実装");
}

