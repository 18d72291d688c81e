/* check_local.c — see diag.h. (Being written: the checks below report that they are not built yet.) */
#include "diag/diag.h"

#include "base/errors.h"

void diag_check_audio(const struct diag_env *env, struct diag_result *r)
{
    (void)env;
    diag_verdict(r, DIAG_FAIL, KOFU_E_INTERNAL, "not built yet", "未実装");
}

void diag_check_display(const struct diag_env *env, struct diag_result *r)
{
    (void)env;
    diag_verdict(r, DIAG_FAIL, KOFU_E_INTERNAL, "not built yet", "未実装");
}

void diag_check_touch(const struct diag_env *env, struct diag_result *r)
{
    (void)env;
    diag_verdict(r, DIAG_FAIL, KOFU_E_INTERNAL, "not built yet", "未実装");
}

void diag_check_vault(const struct diag_env *env, struct diag_result *r)
{
    (void)env;
    diag_verdict(r, DIAG_FAIL, KOFU_E_INTERNAL, "not built yet", "未実装");
}

void diag_check_log(const struct diag_env *env, struct diag_result *r)
{
    (void)env;
    diag_verdict(r, DIAG_FAIL, KOFU_E_INTERNAL, "not built yet", "未実装");
}

