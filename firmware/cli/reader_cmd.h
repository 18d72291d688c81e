/*
 * reader_cmd.h — what the technicians' commands that read one card through
 * the reader (`kofu card read`, `kofu passport read`) do alike: the start
 * (configuration, vault), the reader up to a connected card inside the
 * sandbox, the end, the two-language sentences on stderr, --wait, and the
 * exit statuses they share (README, "kofu card read" and "kofu passport
 * read": 0, 1, 2, 6, 7 and 8 mean the same in both).
 *
 * Each command keeps its own options, dialogue with the card, output and
 * the exit statuses only it has.
 */
#ifndef KOFU_CLI_READER_CMD_H
#define KOFU_CLI_READER_CMD_H

#include "base/config.h"
#include "drivers/card_reader.h"

/** The exit statuses both commands give, for the same reasons. */
enum reader_cmd_exit {
    READER_EXIT_OK = 0,
    READER_EXIT_INTERNAL = 1,
    READER_EXIT_USAGE = 2,
    READER_EXIT_NO_CARD = 6,
    READER_EXIT_NO_READER = 7,
    READER_EXIT_CARD_ERROR = 8,
};

/** The exit status of rc where it is one both commands share (no card, no
 *  reader, the card's talk failed, usage, internal); a command maps its own
 *  errors first. */
int reader_cmd_exit(int rc);

/** One sentence in English and Japanese on stderr ("en / ja"). */
void reader_cmd_say(const char *en, const char *ja);
/** The sentence of the error rc (base/errors.h), as reader_cmd_say. */
void reader_cmd_say_err(int rc);

/** The options both commands take. */
struct reader_cmd_opts {
    const char *reader;      /* --reader NAME; NULL: the configuration's */
    const char *config_path; /* --config FILE; NULL: config_load_for_command's choice */
    bool json, reveal;       /* --json, --reveal */
    int wait_seconds;        /* --wait SECONDS (0 to 3600); -1: the configuration's */
};

/** Their getopt_long entries, and --help (which no command takes: it
 *  gets the usage); the values 'r' 'C' 'j' 'R' 'w' 'h' are theirs. */
#define READER_CMD_LONGOPTS                                                                                        \
    {"reader", required_argument, NULL, 'r'}, {"config", required_argument, NULL, 'C'},                           \
        {"json", no_argument, NULL, 'j'}, {"reveal", no_argument, NULL, 'R'},                                      \
        {"wait", required_argument, NULL, 'w'}, {"help", no_argument, NULL, 'h'}

/** The defaults, before getopt. */
void reader_cmd_opts_init(struct reader_cmd_opts *o);
/** getopt's answer ch (with optarg arg) into o: 1 when it is one of
 *  READER_CMD_LONGOPTS (but --help), 0 for any other, which the caller
 *  takes, KOFU_E_ARG (negative) for a --wait out of its range. */
int reader_cmd_opt(struct reader_cmd_opts *o, int ch, const char *arg);

/** The start: the configuration (config_load_for_command of config_path)
 *  into cfg, then the vault, locked in memory where the system allows (as
 *  kofu run on the sim board: the vault alone if refused, which the log
 *  says). READER_EXIT_OK, or the exit status after saying why. */
int reader_cmd_begin(struct kofu_config *cfg, const char *config_path);

/** The reader (reader_name, else the configuration's) opened into *r, the
 *  sandbox entered before any card data is read (sandbox.h; extra as
 *  sandbox_enter_for_command's), then the card waited for (wait_seconds, or
 *  the configuration's when negative) and connected. *name is the reader's
 *  name once it is open (else left as it is). r->ctx is set once the reader
 *  is open, whatever comes after: reader_cmd_end closes it. */
int reader_cmd_connect(struct card_reader *r, const struct kofu_config *cfg, const char *reader_name,
                       const char *config_path, const char *extra, int wait_seconds, const char **name);

/** The end of the read, once the output is written: stdout flushed, the
 *  vault wiped (nothing of the resident stays) and the card unpowered (it
 *  forgets what was opened), the reader closed. The vault itself stays
 *  until vault_destroy. */
void reader_cmd_end(struct card_reader *r);

#endif
