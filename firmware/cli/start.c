/* start.c — see cli_start in cmd.h. */
#include "cli/cmd.h"

#include "base/env.h"
#include "base/wipeheap.h"

#include <stdio.h>

int cli_start(void)
{
    /* Before any library reads it (libcurl: SSLKEYLOGFILE, proxies). */
    if (env_clean() != 0) {
        fputs("kofu: cannot set up the environment / 環境を設定できません\n", stderr);
        return 1;
    }
    /* jansson's heap may hold resident data (card read --reveal, the
     * center's answers): every block is zeroed before it is freed. */
    wipeheap_install_json();
    return 0;
}
