/*
 * cmd.h — kofu's subcommands. Each takes the arguments after its own name
 * (argv[0] is the sub-subcommand, e.g. "read") and returns the process's
 * exit status.
 */
#ifndef KOFU_CMD_H
#define KOFU_CMD_H

struct kiosk_options;

/** What every kofu binary does first (build/kofu and the test build
 *  build/kofu-sim): clear the environment, and make jansson's heap wipe what
 *  it frees. 0, or 1 after saying why on stderr. */
int cli_start(void);

/** `kofu card read ...` */
int cmd_card(int argc, char **argv);
/** `kofu center ping ...` */
int cmd_center(int argc, char **argv);
/** `kofu diag ...` and `kofu diag passwd ...`; unlike the others, argv[0]
 *  is "diag" itself (its options come straight after it). */
int cmd_diag(int argc, char **argv);
/** `kofu run ...`: the kiosk (kiosk.h) */
int cmd_run(int argc, char **argv);
/** The options of `run` (the arguments after it) into o: o->board is the
 *  build's board unless --board NAME names another; --config FILE; and,
 *  where script is not NULL (the test build), --script FILE into *script.
 *  Where script is NULL (the product), --script is refused with its own
 *  sentence. 0, or KIOSK_EXIT_USAGE after saying why on stderr (`usage` for
 *  an option it does not know). */
int cmd_run_options(int argc, char **argv, const char *usage, struct kiosk_options *o, const char **script);
/** `kofu conformance ...` and `kofu loadgen ...` (argv is main's own, a
 *  NULL-terminated array; argv[1] names the subcommand): runs the center's
 *  integration kit, build/kofu-conformance beside this binary, with the
 *  same arguments. Returns only when it cannot: 2 after saying why on
 *  stderr. */
int cmd_kit(char **argv);
/** `kofu passport read ...` */
int cmd_passport(int argc, char **argv);
/** `kofu prompts list`: the voice prompts' words, for the build */
int cmd_prompts(int argc, char **argv);

#endif
