/*
 * main.c — build/kofu-conformance, the certificate center's integration kit
 * (docs/conformance.md). Its own program, not part of the kiosk's product
 * (README "Builds"); `kofu conformance` and `kofu loadgen` run it.
 */
#include "tests/conformance/kit.h"
#include "tests/conformance/loadgen.h"

#include "cli/cmd.h"

#include <string.h>

int main(int argc, char **argv)
{
    /* The same start as kofu's: a clean environment (libcurl reads
     * SSLKEYLOGFILE and proxies), a wiping jansson heap. */
    if (cli_start() != 0)
        return 1;
    if (argc >= 2 && !strcmp(argv[1], "loadgen"))
        return loadgen_main(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "loadgen-worker"))
        return loadgen_worker_main(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "conformance"))
        return kit_main(argc - 1, argv + 1);
    return kit_main(argc, argv);
}
