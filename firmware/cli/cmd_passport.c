/*
 * cmd_passport.c — `kofu passport read`: read one passport's chip, for labs
 * and field technicians: which access opened it, whether passive
 * authentication passed (and if not, why), and DG1's fields.
 *
 * The numbers that open the chip come from the command line (the chip
 * needs nothing secret: they are printed in the passport); they are copied
 * into the vault and the argument strings overwritten at once, so that ps
 * shows them only for the moment before. Resident data is printed masked
 * unless --reveal.
 */
#include "cli/cmd.h"
#include "cli/reader_cmd.h"

#include "base/config.h"
#include "base/errors.h"
#include "base/vault.h"
#include "card/mrtd.h"

#include <ctype.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Exit statuses of `kofu passport read` (README, "kofu passport read")
 * beside the ones it shares with `kofu card read` (reader_cmd.h). */
enum passport_read_exit {
    EXIT_PP_KEYS = 3,
    EXIT_PP_NOT_AUTHENTIC = 5,
    EXIT_PP_NUMBERS_REFUSED = 9,
};

struct passport_read_opts {
    struct reader_cmd_opts c;
    const char *csca;
    char *document, *birth, *expiry; /* argv's own strings: overwritten once copied */
};

static int exit_for(int rc)
{
    switch (rc) {
    case KOFU_E_PASSPORT_KEYS:
        return EXIT_PP_KEYS;
    case KOFU_E_PASSPORT_NOT_AUTHENTIC:
    case KOFU_E_PASSPORT_DATA:
        return EXIT_PP_NOT_AUTHENTIC;
    case KOFU_E_NOT_PASSPORT:
    case KOFU_E_PASSPORT_SM:
        return READER_EXIT_CARD_ERROR;
    case KOFU_E_MRZ_FORMAT:
        return EXIT_PP_NUMBERS_REFUSED;
    default:
        return reader_cmd_exit(rc);
    }
}

/* Copies an argument into dst (cap) upper-cased, then overwrites it. false
 * when it does not fit. */
static bool take_arg(char *arg, char *dst, size_t cap)
{
    size_t n = strlen(arg);
    bool ok = n < cap;
    for (size_t i = 0; ok && i < n; i++)
        dst[i] = (char)toupper((unsigned char)arg[i]);
    if (ok)
        dst[n] = '\0';
    explicit_bzero(arg, n);
    return ok;
}

/* The keys from the command line into the vault, with the check digits the
 * passport prints computed here (the lab has the values, not the MRZ).
 * KOFU_E_MRZ_FORMAT when a value cannot be an MRZ's. */
static int keys_from_args(struct passport_read_opts *o, struct mrz_keys *k)
{
    char doc[MRZ_DOCNO_MAX + 2], pad[MRZ_DOCNO_MAX];
    bool ok = take_arg(o->document, doc, sizeof doc) & take_arg(o->birth, k->birth, sizeof k->birth) &
              take_arg(o->expiry, k->expiry, sizeof k->expiry);
    /* A number copied from an MRZ may keep its fillers. */
    size_t n = strlen(doc);
    while (ok && n > 0 && doc[n - 1] == '<')
        doc[--n] = '\0';
    ok = ok && n >= 1 && n <= MRZ_DOCNO_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = mrz_keypad_char_ok(doc[i]);
    if (ok) {
        memcpy(k->docno, doc, n + 1);
        memset(pad, '<', sizeof pad);
        memcpy(pad, doc, n);
        int cd = mrz_check_digit(pad, sizeof pad), ce = mrz_check_digit(k->expiry, strlen(k->expiry));
        ok = cd >= 0 && ce >= 0;
        k->docno_cd = (char)('0' + (cd < 0 ? 0 : cd));
        k->expiry_cd = (char)('0' + (ce < 0 ? 0 : ce));
    }
    explicit_bzero(doc, sizeof doc);
    explicit_bzero(pad, sizeof pad);
    if (!ok || mrz_keys_check(k) != KOFU_OK)
        return KOFU_E_MRZ_FORMAT;
    return KOFU_OK;
}

/* DG1's fields as printed: in full with --reveal, else a fixed mask that
 * says nothing of a field's content or length. Dates as YYYY-MM-DD. */
struct shown {
    const char *document_number, *surname, *given_names, *nationality, *birth_date, *sex, *expiry_date;
};

static void fields_to_show(const struct mrz_td3 *m, bool reveal, struct shown *sh)
{
    static const struct shown mask = {"*********", "****", "****", "***", "****-**-**", "*", "****-**-**"};
    *sh = mask;
    if (!reveal)
        return;
    char *birth = vault_alloc(11), *expiry = vault_alloc(11), *sex = vault_alloc(2);
    if (!birth || !expiry || !sex)
        return;
    time_t now = time(NULL);
    struct tm tm;
    int yy = gmtime_r(&now, &tm) ? tm.tm_year % 100 : 0;
    mrz_date_iso(m->birth, true, yy, birth);
    mrz_date_iso(m->expiry, false, yy, expiry);
    sex[0] = m->sex == '<' ? 'X' : m->sex;
    *sh = (struct shown){m->docno, m->surname, m->given_names, m->nationality, birth, sex, expiry};
}

static const char *reason_of(int rc, const struct mrtd_read_result *res)
{
    if (rc == KOFU_OK)
        return NULL;
    if (rc == KOFU_E_PASSPORT_NOT_AUTHENTIC)
        return mrtd_pa_name(res->why);
    return kofu_err_name(rc);
}

static void print_text(int rc, const struct mrtd_read_result *res, const char *reader_name,
                       const struct passport_read_opts *o)
{
    printf("reader: %s\n", reader_name ? reader_name : "-");
    printf("access: %s\n", res->access == MRTD_ACCESS_NONE ? "-" : mrtd_access_name(res->access));
    printf("passive_auth: %s\n", rc == KOFU_OK ? "passed" : res->data ? "failed" : "not done");
    const char *reason = reason_of(rc, res);
    if (reason) {
        printf("reason: %s\n", reason);
        if (rc == KOFU_E_PASSPORT_NOT_AUTHENTIC)
            reader_cmd_say(mrtd_pa_text(res->why, KOFU_LANG_EN), mrtd_pa_text(res->why, KOFU_LANG_JA));
        else
            reader_cmd_say_err(rc);
    }
    if (res->data) {
        struct shown sh;
        fields_to_show(&res->data->mrz, o->c.reveal, &sh);
        printf("document_number: %s\nsurname: %s\ngiven_names: %s\nnationality: %s\nbirth_date: %s\nsex: %s\n"
               "expiry_date: %s\n",
               sh.document_number, sh.surname, sh.given_names, sh.nationality, sh.birth_date, sh.sex, sh.expiry_date);
    }
    printf("apdus: %u\nread_ms: %.2f\n", res->apdus, res->read_ms);
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

/* Exactly the README's fields, whatever happened: the DG1 fields are null
 * when nothing was read. */
static void print_json(int rc, const struct mrtd_read_result *res, const struct passport_read_opts *o)
{
    struct shown sh = {0};
    if (res->data)
        fields_to_show(&res->data->mrz, o->c.reveal, &sh);
    json_t *root = json_object();
    json_object_set_new(root, "access", res->access == MRTD_ACCESS_NONE ? json_null()
                                                                         : json_string(mrtd_access_name(res->access)));
    json_object_set_new(root, "passive_auth", json_boolean(rc == KOFU_OK));
    json_object_set_new(root, "reason", str_or_null(reason_of(rc, res)));
    json_object_set_new(root, "document_number", str_or_null(sh.document_number));
    json_object_set_new(root, "surname", str_or_null(sh.surname));
    json_object_set_new(root, "given_names", str_or_null(sh.given_names));
    json_object_set_new(root, "nationality", str_or_null(sh.nationality));
    json_object_set_new(root, "birth_date", str_or_null(sh.birth_date));
    json_object_set_new(root, "sex", str_or_null(sh.sex));
    json_object_set_new(root, "expiry_date", str_or_null(sh.expiry_date));
    json_object_set_new(root, "apdus", json_integer(res->apdus));
    json_object_set_new(root, "read_ms", json_real(res->read_ms));
    json_dumpf(root, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(root);
}

static void usage(void)
{
    fprintf(stderr, "usage: kofu passport read [--reader NAME] [--config FILE] [--csca FILE_OR_DIR]\n"
                    "                          --document NUMBER --birth YYMMDD --expiry YYMMDD [--json] [--reveal]\n"
                    "                          [--wait SECONDS]\n"
                    "The numbers are the passport's: its number, date of birth and date of expiry.\n"
                    "旅券番号・生年月日・有効期限は旅券に記載のものを指定してください。\n");
}

static int parse_opts(int argc, char **argv, struct passport_read_opts *o)
{
    static const struct option longopts[] = {
        READER_CMD_LONGOPTS,
        {"csca", required_argument, NULL, 'c'},  {"document", required_argument, NULL, 'd'},
        {"birth", required_argument, NULL, 'b'}, {"expiry", required_argument, NULL, 'e'},
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
        case 'c': o->csca = optarg; break;
        case 'd': o->document = optarg; break;
        case 'b': o->birth = optarg; break;
        case 'e': o->expiry = optarg; break;
        default: return KOFU_E_ARG;
        }
    }
    if (optind != argc || !o->document || !o->birth || !o->expiry) {
        reader_cmd_say("--document, --birth and --expiry are required.", "--document、--birth、--expiry は必須です。");
        return KOFU_E_ARG;
    }
    return KOFU_OK;
}

/* The trust anchors, read before the sandbox closes the file system: --csca
 * must load; the configuration's may be missing (then nothing passes
 * passive authentication, which the report says). */
static int load_trust(const struct passport_read_opts *o, const struct kofu_config *cfg, struct mrtd_trust **t)
{
    char err[256];
    *t = NULL;
    const char *path = o->csca ? o->csca : cfg->passport_csca;
    if (!path[0])
        return KOFU_OK;
    if (mrtd_trust_load(path, t, err, sizeof err) == KOFU_OK)
        return KOFU_OK;
    fprintf(stderr, "kofu passport read: %s\n", err);
    return o->csca ? KOFU_E_CONFIG : KOFU_OK;
}

/* argv[0] is "read". */
static int passport_read(int argc, char **argv)
{
    struct passport_read_opts o;
    struct kofu_config cfg;
    if (parse_opts(argc, argv, &o) != KOFU_OK) {
        usage();
        return READER_EXIT_USAGE;
    }
    int started = reader_cmd_begin(&cfg, o.c.config_path);
    if (started != READER_EXIT_OK)
        return started;
    struct mrz_keys *keys = vault_alloc(sizeof *keys);
    struct mrtd_read_result res = {0};
    int rc = keys ? keys_from_args(&o, keys) : KOFU_E_NOMEM;
    if (rc == KOFU_E_MRZ_FORMAT) {
        /* Nothing was sent: the values are refused before the reader opens. */
        if (o.c.json)
            print_json(rc, &res, &o);
        else
            reader_cmd_say_err(rc);
        vault_destroy();
        return EXIT_PP_NUMBERS_REFUSED;
    }
    struct mrtd_trust *trust = NULL;
    if (rc == KOFU_OK)
        rc = load_trust(&o, &cfg, &trust);
    if (rc != KOFU_OK) {
        vault_destroy();
        return exit_for(rc);
    }
    struct card_reader reader;
    const char *reader_name = NULL;
    rc = reader_cmd_connect(&reader, &cfg, o.c.reader, o.c.config_path, NULL, o.c.wait_seconds, &reader_name);
    if (rc == KOFU_OK)
        rc = mrtd_read_verified(&reader, keys, trust, &res);
    if (o.c.json)
        print_json(rc, &res, &o);
    else
        print_text(rc, &res, reader_name, &o);
    reader_cmd_end(&reader);
    mrtd_trust_free(trust);
    vault_destroy();
    return exit_for(rc);
}

int cmd_passport(int argc, char **argv)
{
    if (argc >= 1 && !strcmp(argv[0], "read"))
        return passport_read(argc, argv);
    usage();
    return READER_EXIT_USAGE;
}
