/* check_devices.c — see diag.h. (Being written: the checks below report that they are not built yet.) */
#include "diag/diag.h"

#include "base/errors.h"

void diag_check_reader(const struct diag_env *env, struct diag_result *r)
{
    (void)env;
    diag_verdict(r, DIAG_FAIL, KOFU_E_INTERNAL, "not built yet", "未実装");
}

void diag_check_printer(const struct diag_env *env, struct diag_result *r)
{
    (void)env;
    diag_verdict(r, DIAG_FAIL, KOFU_E_INTERNAL, "not built yet", "未実装");
}

void diag_check_payment(const struct diag_env *env, struct diag_result *r)
{
    (void)env;
    diag_verdict(r, DIAG_FAIL, KOFU_E_INTERNAL, "not built yet", "未実装");
}

void diag_check_spool(const struct diag_env *env, struct diag_result *r)
{
    (void)env;
    diag_verdict(r, DIAG_FAIL, KOFU_E_INTERNAL, "not built yet", "未実装");
}

