/* kit.c — placeholder until the scenarios land (see kit.h). */
#include "tests/conformance/kit.h"

#include <stdio.h>

int kit_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("kofu-conformance: no scenarios built yet\n", stderr);
    return 1;
}
