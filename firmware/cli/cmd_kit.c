/*
 * cmd_kit.c — `kofu conformance ...` and `kofu loadgen ...`.
 *
 * The center's integration kit is its own program, build/kofu-conformance
 * (tests/conformance/): it sends tampered, malformed and oversized requests
 * and carries synthetic residents, none of which belongs in the kiosk's
 * product. kofu names it as git names its helpers: these two subcommands
 * run the kit installed beside this binary, with the same arguments.
 */
#include "cli/cmd.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_kit(char **argv)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0 || (size_t)n >= sizeof self - 1) {
        fputs("kofu: cannot find where kofu is installed / kofu の場所がわかりません\n", stderr);
        return 1;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash)
        return 1;
    static const char kit[] = "kofu-conformance";
    if ((size_t)(slash + 1 - self) + sizeof kit > sizeof self)
        return 1;
    memcpy(slash + 1, kit, sizeof kit);

    /* kofu-conformance conformance|loadgen ARGS...: main's own argv, with
     * the kit's path in place of kofu's. */
    argv[0] = self;
    execv(self, argv);
    int e = errno;
    fprintf(stderr,
            "kofu: the center integration kit is not installed beside kofu (%s: %s); "
            "build it with `make all`\n"
            "kofu: センター試験キット (kofu-conformance) が kofu と同じ場所にありません\n",
            self, strerror(e));
    return 2;
}
