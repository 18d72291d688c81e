/*
 * cmd_diag.c — `kofu diag`: the technician's checks on the console, and
 * `kofu diag passwd`: a line of the maintenance credential file.
 *
 * The console's run takes the one-user lock (diag/service_lock.h) first, so
 * that it never runs during a resident's visit, waiting for one to end.
 * Its log lines carry technician id 0: on the console the OS login is the
 * authentication (README). Confinement: the checks open the board's
 * devices themselves (the acceptor's port and the panel for writing) and
 * read every credential file, which the sandbox would refuse; so the run is
 * not confined, as `kofu run` is not while it opens its devices. It holds
 * no resident data (no card is read past its ATR, no PIN is asked) and the
 * parsers it runs on the center's and the printer's answers are the
 * fuzzed ones the kiosk runs.
 */
#include "cli/cmd.h"

#include "base/wipeheap.h"
#include "base/config.h"
#include "base/errors.h"
#include "base/log.h"
#include "board/board.h"
#include "diag/diag.h"
#include "diag/maint_cred.h"
#include "diag/service_lock.h"
#include "kiosk/test_print.h"
#include "ui/document.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* Exit statuses of `kofu diag` (README). */
enum diag_exit {
    DIAG_EXIT_OK = 0,       /* no check failed (warns allowed) */
    DIAG_EXIT_INTERNAL = 1, /* an internal error */
    DIAG_EXIT_USAGE = 2,    /* usage or configuration */
    DIAG_EXIT_FAILED = 3,   /* at least one check failed */
    DIAG_EXIT_BUSY = 4,     /* a visit did not end within --wait */
    DIAG_EXIT_PRINT = 5,    /* the test print failed (--print) */
};

#define DIAG_WAIT_DEFAULT_S 600

static const char usage_text[] =
    "usage: kofu diag [--config FILE] [--json] [--only NAME] [--print] [--wait SECONDS]\n"
    "       kofu diag passwd [--config FILE] [--file PATH] --id ID\n";

static int usage_error(void)
{
    fputs(usage_text, stderr);
    return DIAG_EXIT_USAGE;
}

static void print_text(const struct diag_report *rep)
{
    for (size_t i = 0; i < rep->n; i++) {
        const struct diag_result *r = &rep->checks[i];
        printf("%-12s %-4s %s / %s\n", diag_check_name(r->id), diag_status_name(r->status), r->summary_en,
               r->summary_ja);
        char *d = json_dumps(r->detail, JSON_COMPACT | JSON_SORT_KEYS);
        if (d && strcmp(d, "{}") != 0)
            printf("             %s\n", d);
        json_text_free(d);
    }
}

static int test_print(const struct kofu_config *cfg, const struct board *bd, const struct diag_report *rep)
{
    struct document_fonts fonts;
    memset(&fonts, 0, sizeof fonts);
    int rc = document_fonts_init(&fonts);
    struct printer pr = {bd->printer, NULL};
    const struct printer_trust trust = {cfg->printer_ca_file, cfg->printer_private_link};
    if (rc == KOFU_OK)
        rc = pr.ops->open(&pr.ctx, cfg->printer_uri, printer_mode_of(cfg->printer_uri), &trust);
    if (rc == KOFU_OK) {
        rc = kiosk_test_print(rep, bd->name, &fonts, &pr, cfg->print_timeout_ms);
        pr.ops->close(pr.ctx);
    }
    document_fonts_free(&fonts);
    kofu_log_service(EV_SERVICE_PRINT, rc, 0, 0);
    if (rc != KOFU_OK)
        fprintf(stderr, "kofu diag: test print: %s / %s\n", kofu_err_text(rc, KOFU_LANG_EN),
                kofu_err_text(rc, KOFU_LANG_JA));
    return rc;
}

static int diag_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'C'}, {"json", no_argument, NULL, 'j'},
        {"only", required_argument, NULL, 'o'},   {"print", no_argument, NULL, 'p'},
        {"wait", required_argument, NULL, 'w'},   {NULL, 0, NULL, 0},
    };
    const char *config_path = NULL, *only = NULL;
    bool json = false, print = false;
    long wait_s = DIAG_WAIT_DEFAULT_S;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        char *end;
        switch (ch) {
        case 'C': config_path = optarg; break;
        case 'j': json = true; break;
        case 'o': only = optarg; break;
        case 'p': print = true; break;
        case 'w':
            errno = 0;
            wait_s = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || wait_s < 0 || wait_s > 86400)
                return usage_error();
            break;
        default: return usage_error();
        }
    }
    if (optind != argc)
        return usage_error();
    if (only && diag_check_find(only) < 0) {
        fprintf(stderr, "kofu diag: no check called %s\n", only);
        return usage_error();
    }
    static struct kofu_config cfg;
    if (config_load_for_command(&cfg, config_path) != KOFU_OK)
        return DIAG_EXIT_USAGE;
    const struct board *bd = board_find(board_name());
    if (!bd)
        return DIAG_EXIT_INTERNAL;

    /* Never during a visit: the kiosk holds the lock while one lasts. */
    struct service_lock lock;
    if (service_lock_open(&lock, cfg.service_lock_file) != KOFU_OK) {
        fprintf(stderr, "kofu diag: cannot open service_lock_file %s\n", cfg.service_lock_file);
        return DIAG_EXIT_USAGE;
    }
    if (!service_lock_try(&lock)) {
        fprintf(stderr, "kofu diag: a visit is in progress; waiting up to %ld s for it to end\n", wait_s);
        if (service_lock_wait(&lock, (int)(wait_s * 1000)) != KOFU_OK) {
            fprintf(stderr, "kofu diag: the visit did not end in time / 利用が時間内に終わりませんでした\n");
            service_lock_close(&lock);
            return DIAG_EXIT_BUSY;
        }
    }

    /* A kiosk running beside us keeps its devices: the checks leave them alone. */
    struct diag_env env = {.cfg = &cfg, .board = bd, .vault_clean = -1,
                           .kiosk_running = service_lock_kiosk_running(&lock)};
    static struct diag_report rep;
    int rc = diag_run(&env, only, &rep);
    if (rc != KOFU_OK) {
        service_lock_close(&lock);
        return rc == KOFU_E_ARG ? DIAG_EXIT_USAGE : DIAG_EXIT_INTERNAL;
    }
    for (size_t i = 0; i < rep.n; i++)
        kofu_log_service(EV_SERVICE_CHECK, rep.checks[i].err, 0,
                         (uint32_t)rep.checks[i].id * 10u + (uint32_t)rep.checks[i].status);
    int exit_code = diag_report_worst(&rep) == DIAG_FAIL ? DIAG_EXIT_FAILED : DIAG_EXIT_OK;
    if (json) {
        json_t *o = diag_report_json(&rep, bd->name);
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!s) {
            exit_code = DIAG_EXIT_INTERNAL;
        } else {
            printf("%s\n", s);
            json_text_free(s);
        }
    } else {
        print_text(&rep);
    }
    fflush(stdout);
    /* The print's verdict outranks the checks': it is what was asked last. */
    if (print && test_print(&cfg, bd, &rep) != KOFU_OK)
        exit_code = DIAG_EXIT_PRINT;
    diag_report_free(&rep);
    service_lock_close(&lock);
    return exit_code;
}

/* ---- kofu diag passwd ---------------------------------------------------- */

/* One line from stdin without its LF, the terminal's echo off when stdin is
 * one. False at end of input or for a line longer than cap-1. */
static bool read_code(const char *prompt, char *buf, size_t cap)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    size_t n = 0;
    bool ok = false;
    for (;;) {
        char c;
        ssize_t r = read(STDIN_FILENO, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (c == '\n') {
            ok = true;
            break;
        }
        if (n + 1 < cap)
            buf[n] = c;
        n++;
        c = 0;
    }
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (n >= cap)
        ok = false;
    buf[n < cap ? n : cap - 1] = '\0';
    return ok;
}

/* The file's lines but id's, with line added: written beside it, fsync'd,
 * renamed over it (a crash leaves the old file or the new one), 0440. */
static int replace_line(const char *path, uint32_t id, const char *line)
{
    size_t cap = 64 * 1024, len = 0;
    char *old = calloc(1, cap + 1);
    char *out = calloc(1, cap + MAINT_LINE_MAX + 2);
    if (!old || !out) {
        free(old);
        free(out);
        return KOFU_E_NOMEM;
    }
    int rc = KOFU_OK;
    /* The temporary name whole, or nothing is opened: a cut name would be
     * another file, which O_TRUNC would empty. */
    char tmp[KOFU_CONFIG_VALUE_MAX + 16];
    int tn = snprintf(tmp, sizeof tmp, "%s.new", path);
    if (tn < 0 || (size_t)tn >= sizeof tmp)
        rc = KOFU_E_CONFIG;
    int fd = rc == KOFU_OK ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd >= 0) {
        for (;;) {
            ssize_t r = len < cap + 1 ? read(fd, old + len, cap + 1 - len) : 0;
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                rc = KOFU_E_CONFIG; /* not the end: the lines past it would be lost */
            if (r <= 0)
                break;
            len += (size_t)r;
        }
        close(fd);
        if (len > cap)
            rc = KOFU_E_CONFIG;
    } else if (rc == KOFU_OK && errno != ENOENT) {
        rc = KOFU_E_CONFIG;
    }
    size_t out_len = 0;
    for (size_t at = 0; rc == KOFU_OK && at < len;) {
        char *lf = memchr(old + at, '\n', len - at);
        if (!lf) {
            rc = KOFU_E_CONFIG; /* a damaged file is not rewritten: say so */
            break;
        }
        size_t n = (size_t)(lf - (old + at));
        kofu_cur c;
        cur_init(&c, (const uint8_t *)old + at, n);
        uint32_t lid;
        if (maint_cred_parse_line(c, &lid) != KOFU_OK) {
            rc = KOFU_E_CONFIG;
            break;
        }
        if (lid != id) {
            memcpy(out + out_len, old + at, n + 1);
            out_len += n + 1;
        }
        at += n + 1;
    }
    if (rc == KOFU_OK) {
        size_t n = strlen(line);
        memcpy(out + out_len, line, n);
        out[out_len + n] = '\n';
        out_len += n + 1;
        int t = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
        size_t done = 0;
        while (t >= 0 && done < out_len) {
            ssize_t w = write(t, out + done, out_len - done);
            if (w <= 0)
                break;
            done += (size_t)w;
        }
        if (t < 0 || done != out_len || fchmod(t, 0440) != 0 || fsync(t) != 0)
            rc = KOFU_E_CONFIG;
        if (t >= 0)
            close(t);
        if (rc == KOFU_OK && rename(tmp, path) != 0)
            rc = KOFU_E_CONFIG;
        if (rc != KOFU_OK)
            unlink(tmp);
    }
    free(old);
    free(out);
    return rc;
}

static int diag_passwd(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'C'},
        {"file", required_argument, NULL, 'f'},
        {"id", required_argument, NULL, 'i'},
        {NULL, 0, NULL, 0},
    };
    const char *config_path = NULL, *file = NULL, *id_text = NULL;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'C': config_path = optarg; break;
        case 'f': file = optarg; break;
        case 'i': id_text = optarg; break;
        default: return usage_error();
        }
    }
    if (optind != argc || !id_text)
        return usage_error();
    /* The id as the file writes it: 1..8 digits, no leading zero. */
    size_t n = strlen(id_text);
    bool id_ok = n >= 1 && n <= MAINT_ID_DIGITS && id_text[0] != '0';
    for (size_t i = 0; id_ok && i < n; i++)
        id_ok = id_text[i] >= '0' && id_text[i] <= '9';
    if (!id_ok) {
        fprintf(stderr, "kofu diag passwd: --id is 1 to %d digits, not starting with 0\n", MAINT_ID_DIGITS);
        return DIAG_EXIT_USAGE;
    }
    uint32_t id = (uint32_t)strtoul(id_text, NULL, 10);
    static struct kofu_config cfg;
    if (!file) {
        if (config_load_for_command(&cfg, config_path) != KOFU_OK)
            return DIAG_EXIT_USAGE;
        file = cfg.maintenance_credential_file;
    }
    if (!file[0]) {
        fprintf(stderr, "kofu diag passwd: no credential file (--file or maintenance_credential_file)\n");
        return DIAG_EXIT_USAGE;
    }
    char a[MAINT_CODE_MAX + 2], b[MAINT_CODE_MAX + 2], line[MAINT_LINE_MAX + 1];
    int rc = KOFU_OK;
    if (!read_code("maintenance code: ", a, sizeof a) || !read_code("again: ", b, sizeof b))
        rc = KOFU_E_ARG;
    if (rc == KOFU_OK && maint_cred_code_ok(a) != KOFU_OK) {
        fprintf(stderr, "kofu diag passwd: the code is %d to %d digits\n", MAINT_CODE_MIN, MAINT_CODE_MAX);
        rc = KOFU_E_ARG;
    } else if (rc == KOFU_OK && strcmp(a, b) != 0) {
        fprintf(stderr, "kofu diag passwd: the two codes differ\n");
        rc = KOFU_E_ARG;
    } else if (rc != KOFU_OK) {
        fprintf(stderr, "kofu diag passwd: give the code twice, one line each\n");
    }
    if (rc == KOFU_OK)
        rc = maint_cred_make_line(id, a, line, sizeof line);
    OPENSSL_cleanse(a, sizeof a);
    OPENSSL_cleanse(b, sizeof b);
    if (rc == KOFU_OK) {
        rc = replace_line(file, id, line);
        if (rc != KOFU_OK)
            fprintf(stderr, "kofu diag passwd: %s could not be rewritten (unreadable, damaged, not writable, or its path too long)\n",
                    file);
    }
    OPENSSL_cleanse(line, sizeof line);
    if (rc == KOFU_OK)
        fprintf(stderr, "kofu diag passwd: technician %s written to %s\n", id_text, file);
    return rc == KOFU_OK ? DIAG_EXIT_OK : rc == KOFU_E_ARG || rc == KOFU_E_CONFIG ? DIAG_EXIT_USAGE : DIAG_EXIT_INTERNAL;
}

int cmd_diag(int argc, char **argv)
{
    /* argv[0] is "diag" (getopt_long starts after it). */
    if (argc >= 2 && !strcmp(argv[1], "passwd"))
        return diag_passwd(argc - 1, argv + 1);
    return diag_main(argc, argv);
}
