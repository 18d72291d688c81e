/*
 * cmd.h — kofu's subcommands. Each takes the arguments after its own name
 * (argv[0] is the sub-subcommand, e.g. "read") and returns the process's
 * exit status.
 */
#ifndef KOFU_CMD_H
#define KOFU_CMD_H

/** `kofu card read ...` */
int cmd_card(int argc, char **argv);
/** `kofu center ping ...` */
int cmd_center(int argc, char **argv);
/** `kofu run ...`: the kiosk (kiosk.h) */
int cmd_run(int argc, char **argv);
/** `kofu prompts list`: the voice prompts' words, for the build */
int cmd_prompts(int argc, char **argv);

#endif
