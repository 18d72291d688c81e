/*
 * kiosk_script.h — the scripted-run engine of the test build (build/kofu-sim).
 *
 * Owns: reading a script (README, "Scripted runs"), running its commands
 * through the kiosk's public hooks (firmware/kiosk/kiosk_hooks.h), and the
 * test peers' control sockets (the sim_* configuration keys). Test code:
 * never linked into build/kofu.
 */
#ifndef KOFU_TESTS_KIOSK_SCRIPT_H
#define KOFU_TESTS_KIOSK_SCRIPT_H

#include "kiosk/kiosk_hooks.h"

#include <stddef.h>
#include <stdint.h>

struct kiosk_script;

/** The hooks of the test build; ctx is a struct kiosk_script (NULL: no
 *  script, only the peers' keys, e.g. `c` for the card). */
extern const struct kiosk_hooks kiosk_script_hooks;

/** Read and check the whole script. NULL on error (said on stderr). */
struct kiosk_script *kiosk_script_load(const char *path);
void kiosk_script_free(struct kiosk_script *s);

/** Leave the visit's request marked as made, as a wipe that missed it
 *  would (residue.c: `inject request-residue`). */
void kiosk_script_leave_request(struct kiosk *k);

/** The `service` command (service_cmds.c): its arguments checked before
 *  the run (NULL: fine, else why not); one run of it: 1 done, 0 not yet
 *  (wait), -1 failed (why says it). */
const char *kiosk_script_service_check(int argc, char *const *argv);
int kiosk_script_service(struct kiosk *k, int argc, char *const *argv, uint64_t elapsed_ms, uint64_t wait_ms, char *why,
                         size_t cap);

/** config_extra_key for sim_cardsim_control, sim_centersim_control and
 *  sim_passportsim_control. */
int kiosk_peers_config_key(const char *key, const char *value);
/** One command to a test peer's control socket ("cardsim", "centersim" or
 *  "passportsim"):
 *  0 when the reply line starts with "ok"; the reply goes to reply. */
int kiosk_peer(const char *peer, const char *cmd, char *reply, size_t cap);
/** Whether cardsim's control socket is configured. */
int kiosk_peers_have_cardsim(void);

#endif
