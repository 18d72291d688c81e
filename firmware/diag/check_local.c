/* check_local.c — see diag.h. (Being written: the checks below report that they are not built yet.) */
#include "diag/diag.h"

#include "base/errors.h"
#include "base/vault.h"
#include "diag/service_state.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

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

/* The kiosk's vault on a board whose panel is not known here (the console):
 * a 1920×1080 frame, a page, and kiosk.c's visit area (4 MiB). */
#define CONSOLE_VAULT_BYTES ((size_t)1920 * 1080 * 4 + 4096 + 4 * 1024 * 1024)

/* Whether n bytes can be locked in memory now: tried for real. */
static bool can_lock(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return false;
    bool ok = mlock(p, n) == 0;
    if (ok)
        munlock(p, n);
    munmap(p, n);
    return ok;
}

void diag_check_vault(const struct diag_env *env, struct diag_result *r)
{
    bool in_kiosk = vault_size() > 0;
    size_t bytes = in_kiosk ? vault_size() : CONSOLE_VAULT_BYTES;
    struct rlimit rl;
    long long limit = -2; /* not known */
    if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0)
        limit = rl.rlim_cur == RLIM_INFINITY ? -1 : (long long)rl.rlim_cur;
    /* The kiosk's vault was locked when it was set up (or the kiosk would
     * not run); the console tries the size with its own limit. */
    bool locked = in_kiosk || can_lock(bytes);
    json_object_set_new(r->detail, "vault_bytes", json_integer((json_int_t)bytes));
    json_object_set_new(r->detail, "memlock_limit_bytes", json_integer(limit));
    json_object_set_new(r->detail, "lockable", json_boolean(locked));
    json_object_set_new(r->detail, "in_kiosk", json_boolean(in_kiosk));
    if (env->vault_clean >= 0)
        json_object_set_new(r->detail, "clean", json_boolean(env->vault_clean == 1));
    if (!locked)
        /* The console's login limit, not necessarily the kiosk service's. */
        diag_verdict(r, DIAG_WARN, KOFU_E_VAULT,
                     "%zu bytes cannot be locked in memory under this login's RLIMIT_MEMLOCK (%lld): give the "
                     "kiosk's service LimitMEMLOCK=infinity or CAP_IPC_LOCK",
                     "メモリに%zuバイトを固定できません（このログインのRLIMIT_MEMLOCK %lld）：キオスクのサービスに"
                     "LimitMEMLOCK=infinityかCAP_IPC_LOCKを与えてください",
                     bytes, limit);
    if (env->vault_clean == 0)
        diag_verdict(r, DIAG_FAIL, KOFU_E_VAULT, "the vault still holds data of a visit: restart the kiosk",
                     "保管領域に利用者のデータが残っています：キオスクを再起動してください");
    else if (env->vault_clean < 0 && r->status == DIAG_OK)
        diag_verdict(r, DIAG_OK, KOFU_OK, "%zu bytes lockable; clean: not known (not running in the kiosk)",
                     "%zuバイト固定可能；消去状態：不明（キオスク内で実行していません）", bytes);
    else if (r->status == DIAG_OK)
        diag_verdict(r, DIAG_OK, KOFU_OK, "%zu bytes locked in memory and clean", "%zuバイトをメモリに固定、消去済み",
                     bytes);
}

static void utc_time(int64_t t, char *buf, size_t cap)
{
    struct tm tm;
    time_t tt = (time_t)t;
    buf[0] = '\0';
    if (t > 0 && gmtime_r(&tt, &tm))
        strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void diag_check_log(const struct diag_env *env, struct diag_result *r)
{
    struct service_state st;
    const struct service_state *s = env->state;
    if (!s) {
        struct service_state_file f;
        int rc = service_state_open(&f, env->cfg->state_file, false, &st);
        service_state_close(&f);
        s = &st;
        if (rc != KOFU_OK) {
            json_object_set_new(r->detail, "state_file", json_string(env->cfg->state_file));
            diag_verdict(r, DIAG_WARN, KOFU_E_CONFIG,
                         "the state file cannot be read (missing, not permitted, or damaged): the counters are "
                         "not known",
                         "状態ファイルを読めません（無い、権限が無い、または破損）：件数は不明です");
            return;
        }
    }
    char since[32];
    utc_time(s->c.since, since, sizeof since);
    json_object_set_new(r->detail, "since", json_string(since));
    json_object_set_new(r->detail, "visits", json_integer(s->c.visits));
    json_object_set_new(r->detail, "certificates", json_integer(s->c.certificates));
    json_object_set_new(r->detail, "refunds", json_integer(s->c.refunds));
    json_object_set_new(r->detail, "receipts", json_integer(s->c.receipts));
    json_object_set_new(r->detail, "credential_failures", json_integer(s->l.failures));
    json_t *errors = json_object();
    unsigned long total = 0;
    for (int i = 0; i < SERVICE_ERR_SLOTS; i++) {
        if (!s->c.errors[i])
            continue;
        /* Slot 0: codes the slots do not cover. */
        json_object_set_new(errors, i ? kofu_err_name(-i) : "other", json_integer(s->c.errors[i]));
        total += s->c.errors[i];
    }
    json_object_set_new(r->detail, "errors", errors);
    diag_verdict(r, DIAG_OK, KOFU_OK, "%lu visits, %lu certificates, %lu errors since %s",
                 "%lu回の利用、%lu枚の証明書、%lu件のエラー（%sから）", (unsigned long)s->c.visits,
                 (unsigned long)s->c.certificates, total, since[0] ? since : "-");
}
