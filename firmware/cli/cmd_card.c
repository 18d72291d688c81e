/*
 * cmd_card.c — `kofu card read`: read a My Number card once, for labs and
 * field technicians.
 *
 * The PIN comes from standard input only (never argv, never the
 * environment), straight into the vault with read(2) so that no stdio
 * buffer ever holds it. Resident data is printed masked unless --reveal.
 */
#include "cli/cmd.h"
#include "cli/reader_cmd.h"

#include "base/config.h"
#include "base/errors.h"
#include "base/vault.h"
#include "card/kenhojo.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Exit statuses of `kofu card read` (README, "kofu card read") beside the
 * ones it shares with `kofu passport read` (reader_cmd.h). */
enum card_read_exit {
    EXIT_READ_PIN_WRONG = 3,
    EXIT_READ_BLOCKED = 4,
    EXIT_READ_NOT_AUTHENTIC = 5,
    EXIT_READ_PIN_REFUSED = 9,
};
#define LINE_MAX_BYTES 64

struct card_read_opts {
    struct reader_cmd_opts c;
    const char *card_ca_dir;
    bool pin_stdin;
};

struct card_read_result {
    int rc;
    int max_tries;
    struct kenhojo_read_result card; /* card.tries_left also from the status query before the PIN */
    unsigned apdus;
    const char *reader_name;
};

static int exit_for(int rc)
{
    switch (rc) {
    case KOFU_E_PIN_WRONG:
        return EXIT_READ_PIN_WRONG;
    case KOFU_E_PIN_BLOCKED:
        return EXIT_READ_BLOCKED;
    case KOFU_E_NOT_AUTHENTIC:
    case KOFU_E_CARD_DATA:
        return EXIT_READ_NOT_AUTHENTIC;
    case KOFU_E_NOT_MYNA:
        return READER_EXIT_CARD_ERROR;
    case KOFU_E_PIN_FORMAT:
    case KOFU_E_PIN_NOT_CONFIRMED:
        return EXIT_READ_PIN_REFUSED;
    default:
        return reader_cmd_exit(rc);
    }
}

/* Reads one line from fd 0 byte by byte into buf (in the vault), without
 * the newline. Returns false on EOF before a newline with nothing read, or
 * when the line is longer than cap-1 (the rest of it is drained). */
static bool read_line_fd0(char *buf, size_t cap, bool echo_off)
{
    struct termios saved, quiet;
    bool tty = echo_off && isatty(0) && tcgetattr(0, &saved) == 0;
    if (tty) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(0, TCSAFLUSH, &quiet);
    }
    size_t n = 0;
    bool ok = true, any = false;
    for (;;) {
        char ch;
        ssize_t r = read(0, &ch, 1);
        if (r <= 0)
            break;
        any = true;
        if (ch == '\n')
            break;
        if (n + 1 < cap)
            buf[n++] = ch;
        else
            ok = false;
    }
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    if (tty) {
        tcsetattr(0, TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    return ok && any;
}

static bool resident_confirms_last_try(void)
{
    reader_cmd_say("Only one PIN try is left; a wrong PIN locks the card. Type yes to try anyway:",
        "暗証番号の残り回数は1回です。間違えるとカードがロックされます。続ける場合は yes と入力してください:");
    char *answer = vault_alloc(LINE_MAX_BYTES);
    bool yes = answer && read_line_fd0(answer, LINE_MAX_BYTES, false) &&
               (!strcmp(answer, "yes") || !strcmp(answer, "はい"));
    return yes;
}

/* Gets the PIN into the vault. Standard input only. */
static int get_pin(const struct card_read_opts *o, char **pin)
{
    if (!o->pin_stdin && !isatty(0)) {
        reader_cmd_say("Standard input is not a terminal: pass --pin-stdin to read the PIN from it.",
            "標準入力が端末ではありません。--pin-stdin を指定してください。");
        return KOFU_E_ARG;
    }
    if (!o->pin_stdin)
        fprintf(stderr, "PIN (4 digits) / 暗証番号（数字4桁）: ");
    *pin = vault_alloc(LINE_MAX_BYTES);
    if (!*pin)
        return KOFU_E_NOMEM;
    if (!read_line_fd0(*pin, LINE_MAX_BYTES, !o->pin_stdin))
        return KOFU_E_PIN_FORMAT;
    return KOFU_OK;
}

/* The whole dialogue with the card, from a connected reader to verified
 * data. Everything it reads stays in the vault. */
static void card_dialogue(struct card_reader *reader, const struct kofu_config *cfg,
                          const struct card_read_opts *o, struct card_read_result *res)
{
    struct kenhojo_session s;
    unsigned a0 = reader->apdu_count;
    res->rc = kenhojo_open(&s, reader);
    if (res->rc != KOFU_OK)
        return;
    res->rc = kenhojo_pin_status(&s, &res->card.tries_left);
    if (res->rc != KOFU_OK)
        return;
    if (res->card.tries_left >= 0 && res->card.tries_left < cfg->pin_max_tries) {
        char en[96], ja[96];
        snprintf(en, sizeof en, "PIN tries left: %d of %d", res->card.tries_left, cfg->pin_max_tries);
        snprintf(ja, sizeof ja, "暗証番号の残り回数: %d回（%d回中）", res->card.tries_left, cfg->pin_max_tries);
        reader_cmd_say(en, ja);
    }
    bool confirmed = res->card.tries_left != 1 || resident_confirms_last_try();
    if (!confirmed) {
        res->rc = KOFU_E_PIN_NOT_CONFIRMED;
        return;
    }
    char *pin = NULL;
    res->rc = get_pin(o, &pin);
    if (res->rc != KOFU_OK)
        return;
    const struct kenhojo_trust trust = {o->card_ca_dir ? o->card_ca_dir : cfg->card_ca_dir,
                                        cfg->card_presence_required};
    res->rc = kenhojo_read_verified(&s, pin, LINE_MAX_BYTES, confirmed, &trust, &res->card);
    /* apdus counts the whole dialogue, from the SELECT on. */
    res->apdus = reader->apdu_count - a0;
}

static const char *sex_words(char sex)
{
    switch (sex) {
    case '1':
        return "male / 男性";
    case '2':
        return "female / 女性";
    case '9':
        return "not applicable / 適用不能";
    case '0':
        return "unknown / 不明";
    default:
        return "other code / その他のコード";
    }
}

static const char *presence_name(enum kenhojo_presence p)
{
    return p == KENHOJO_PRESENCE_PROVEN ? "proven" : p == KENHOJO_PRESENCE_NOT_OFFERED ? "not-offered" : "not-checked";
}

/* The resident fields as printed: in full with --reveal, else a fixed mask
 * that says nothing of a field's content or length. */
struct shown {
    const char *my_number, *name, *address, *birth_date, *sex;
};

static void fields_to_show(const struct kenhojo_card_data *d, bool reveal, struct shown *sh)
{
    static const struct shown mask = {"************", "＊＊＊＊", "＊＊＊＊", "****-**-**", "*"};
    char *birth = reveal ? vault_alloc(16) : NULL;
    char *sex = reveal ? vault_alloc(2) : NULL;
    *sh = mask;
    if (!reveal)
        return;
    if (birth)
        snprintf(birth, 16, "%.4s-%.2s-%.2s", d->attributes.birth_date, d->attributes.birth_date + 4,
                 d->attributes.birth_date + 6);
    if (sex)
        sex[0] = d->attributes.sex, sex[1] = '\0';
    sh->my_number = d->my_number;
    sh->name = d->attributes.name;
    sh->address = d->attributes.address;
    sh->birth_date = birth ? birth : "";
    sh->sex = sex ? sex : "";
}

static void print_text(const struct card_read_result *r, const struct card_read_opts *o)
{
    printf("reader: %s\n", r->reader_name ? r->reader_name : "-");
    if (r->card.tries_left >= 0 || r->rc == KOFU_E_PIN_BLOCKED)
        printf("pin_tries_left: %d\n", r->card.tries_left < 0 ? 0 : r->card.tries_left);
    if (r->rc != KOFU_OK && r->rc != KOFU_E_NOT_AUTHENTIC) {
        printf("error: %s\n", kofu_err_name(r->rc));
        reader_cmd_say_err(r->rc);
        return;
    }
    printf("authentic: %s\n", r->rc == KOFU_OK ? "yes" : "no");
    if (r->rc != KOFU_OK) {
        printf("reason: %s\n", kenhojo_auth_name(r->card.why));
        reader_cmd_say(kenhojo_auth_text(r->card.why, KOFU_LANG_EN), kenhojo_auth_text(r->card.why, KOFU_LANG_JA));
    }
    printf("presence: %s\n", presence_name(r->card.data->presence));
    struct shown sh;
    fields_to_show(r->card.data, o->c.reveal, &sh);
    printf("my_number: %s\nname: %s\naddress: %s\nbirth_date: %s\n", sh.my_number, sh.name, sh.address,
           sh.birth_date);
    if (o->c.reveal)
        printf("sex: %s (%s)\n", sh.sex, sex_words(r->card.data->attributes.sex));
    else
        printf("sex: %s\n", sh.sex);
    printf("apdus: %u\nread_ms: %.2f\n", r->apdus, r->card.read_ms);
}

static void print_json(const struct card_read_result *r, const struct card_read_opts *o)
{
    json_t *root = json_object();
    json_object_set_new(root, "reader", r->reader_name ? json_string(r->reader_name) : json_null());
    json_object_set_new(root, "pin_tries_left", r->card.tries_left >= 0 ? json_integer(r->card.tries_left) : json_null());
    json_object_set_new(root, "pin_max_tries", json_integer(r->max_tries));
    if (r->rc != KOFU_OK && r->rc != KOFU_E_NOT_AUTHENTIC) {
        json_object_set_new(root, "error", json_string(kofu_err_name(r->rc)));
        json_object_set_new(root, "message_en", json_string(kofu_err_text(r->rc, KOFU_LANG_EN)));
        json_object_set_new(root, "message_ja", json_string(kofu_err_text(r->rc, KOFU_LANG_JA)));
    } else {
        json_object_set_new(root, "authentic", json_boolean(r->rc == KOFU_OK));
        json_object_set_new(root, "reason", r->rc == KOFU_OK ? json_null() : json_string(kenhojo_auth_name(r->card.why)));
        if (r->rc != KOFU_OK) {
            json_object_set_new(root, "message_en", json_string(kenhojo_auth_text(r->card.why, KOFU_LANG_EN)));
            json_object_set_new(root, "message_ja", json_string(kenhojo_auth_text(r->card.why, KOFU_LANG_JA)));
        }
        json_object_set_new(root, "presence", json_string(presence_name(r->card.data->presence)));
        struct shown sh;
        fields_to_show(r->card.data, o->c.reveal, &sh);
        json_t *card = json_pack("{s:s, s:s, s:s, s:s, s:s}", "my_number", sh.my_number, "name", sh.name,
                                 "address", sh.address, "birth_date", sh.birth_date, "sex", sh.sex);
        json_object_set_new(root, "card", card);
        json_object_set_new(root, "masked", json_boolean(!o->c.reveal));
        json_object_set_new(root, "apdus", json_integer(r->apdus));
        json_object_set_new(root, "read_ms", json_real(r->card.read_ms));
    }
    json_dumpf(root, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(root);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: kofu card read [--reader NAME] [--card-ca DIR] [--pin-stdin] [--json] [--reveal]\n"
            "                      [--config FILE] [--wait SECONDS]\n"
            "The PIN is read from standard input only, never from the command line.\n"
            "暗証番号は標準入力からのみ読み取ります（コマンドラインでは指定できません）。\n");
}

static int parse_opts(int argc, char **argv, struct card_read_opts *o)
{
    static const struct option longopts[] = {
        READER_CMD_LONGOPTS,
        {"card-ca", required_argument, NULL, 'c'},
        {"pin-stdin", no_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    reader_cmd_opts_init(&o->c);
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int taken = reader_cmd_opt(&o->c, ch, optarg);
        if (taken < 0)
            return KOFU_E_ARG;
        if (taken)
            continue;
        switch (ch) {
        case 'c': o->card_ca_dir = optarg; break;
        case 'p': o->pin_stdin = true; break;
        default: return KOFU_E_ARG;
        }
    }
    if (optind != argc) {
        reader_cmd_say("Unexpected argument. The PIN is never given on the command line.",
            "不明な引数です。暗証番号はコマンドラインでは指定できません。");
        return KOFU_E_ARG;
    }
    return KOFU_OK;
}

/* argv[0] is "read". */
static int card_read(int argc, char **argv)
{
    struct card_read_opts o;
    struct kofu_config cfg;
    if (parse_opts(argc, argv, &o) != KOFU_OK) {
        usage();
        return READER_EXIT_USAGE;
    }
    int started = reader_cmd_begin(&cfg, o.c.config_path);
    if (started != READER_EXIT_OK)
        return started;
    struct card_read_result res = {.rc = KOFU_OK, .card.tries_left = KENHOJO_TRIES_UNKNOWN,
                                   .max_tries = cfg.pin_max_tries};
    struct card_reader reader;
    res.rc = reader_cmd_connect(&reader, &cfg, o.c.reader, o.c.config_path, o.card_ca_dir, o.c.wait_seconds,
                                &res.reader_name);
    if (res.rc == KOFU_OK)
        card_dialogue(&reader, &cfg, &o, &res);
    bool have_data = res.card.data && (res.rc == KOFU_OK || res.rc == KOFU_E_NOT_AUTHENTIC);
    if (!have_data && res.rc == KOFU_E_NOT_AUTHENTIC)
        res.rc = KOFU_E_CARD_DATA;
    if (o.c.json)
        print_json(&res, &o);
    else
        print_text(&res, &o);
    /* The session ends: nothing of the resident stays, and the card forgets
     * the PIN (unpowered). */
    reader_cmd_end(&reader);
    vault_destroy();
    return exit_for(res.rc);
}

int cmd_card(int argc, char **argv)
{
    if (argc >= 1 && !strcmp(argv[0], "read"))
        return card_read(argc, argv);
    usage();
    return READER_EXIT_USAGE;
}
