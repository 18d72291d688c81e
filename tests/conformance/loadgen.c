/* loadgen.c — placeholder until the load run lands (see loadgen.h). */
#include "tests/conformance/loadgen.h"

#include <stdio.h>

int loadgen_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("kofu-conformance loadgen: not built yet\n", stderr);
    return 1;
}

int loadgen_worker_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 1;
}
