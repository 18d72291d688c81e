/*
 * cmd_center.c — `kofu center ping`: the TLS handshake and a configuration
 * fetch, for technicians. Prints the center certificate's subject and
 * expiry, the round-trip time and the number of municipalities.
 */
#include "cli/cmd.h"

#include "center/center.h"
#include "base/config.h"
#include "base/errors.h"
#include "base/sandbox.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* Exit statuses of `kofu center ping` (README). */
enum ping_exit {
    PING_OK = 0,
    PING_INTERNAL = 1,
    PING_USAGE = 2,
    PING_UNREACHABLE = 10,
    PING_SERVER_NOT_TRUSTED = 11,
    PING_KIOSK_REFUSED = 12,
    PING_BAD_RESPONSE = 13,
    PING_BUSY = 14,
    PING_CENTER_FAILED = 15,
};

static int ping_exit_for(int rc)
{
    switch (rc) {
    case KOFU_OK:
        return PING_OK;
    case KOFU_E_CONFIG:
    case KOFU_E_ARG:
        return PING_USAGE;
    case KOFU_E_CENTER_UNREACHABLE:
        return PING_UNREACHABLE;
    case KOFU_E_TLS_UNTRUSTED:
    case KOFU_E_TLS_EXPIRED:
    case KOFU_E_TLS_HOSTNAME:
    case KOFU_E_TLS_SELF_SIGNED:
    case KOFU_E_TLS_PROTOCOL:
        return PING_SERVER_NOT_TRUSTED;
    case KOFU_E_TLS_CLIENT_REFUSED:
        return PING_KIOSK_REFUSED;
    case KOFU_E_CENTER_RESPONSE:
        return PING_BAD_RESPONSE;
    case KOFU_E_CENTER_BUSY:
        return PING_BUSY;
    case KOFU_E_CENTER_FAILED:
        return PING_CENTER_FAILED;
    default:
        return PING_INTERNAL;
    }
}

static int center_ping(int argc, char **argv)
{
    static const struct option longopts[] = {{"config", required_argument, NULL, 'C'},
                                             {NULL, 0, NULL, 0}};
    const char *config_path = NULL;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (ch != 'C') {
            fprintf(stderr, "usage: kofu center ping [--config FILE]\n");
            return PING_USAGE;
        }
        config_path = optarg;
    }
    if (optind != argc) {
        fprintf(stderr, "usage: kofu center ping [--config FILE]\n");
        return PING_USAGE;
    }
    struct kofu_config cfg;
    if (config_load_for_command(&cfg, config_path) != KOFU_OK)
        return PING_USAGE;
    struct center_client *c = NULL;
    int rc = center_client_new(&cfg, &c);
    if (rc != KOFU_OK) {
        fprintf(stderr, "kofu: center: set center_url (https://...), center_ca_file, kiosk_cert_file and "
                        "kiosk_key_file in the configuration\n");
        return ping_exit_for(rc);
    }
    struct center_config cc;
    struct center_call_info info = {0};
    /* Before the center's answer is parsed (sandbox.h). */
    rc = sandbox_enter_for_command(&cfg, config_path_for_command(config_path), NULL);
    if (rc == KOFU_OK)
        rc = center_get_config(c, &cc, &info);
    printf("center: %s\n", cfg.center_url);
    if (info.server_subject[0])
        printf("server_subject: %s\nserver_expiry: %s\n", info.server_subject, info.server_expiry);
    printf("rtt_ms: %.2f\nattempts: %d\n", info.rtt_ms, info.attempts);
    if (rc == KOFU_OK) {
        printf("http_status: %ld\nmunicipalities: %zu\nfee_per_copy_yen: %d\nmax_copies: %d\n"
               "service_hours: %02d:%02d-%02d:%02d %s\n",
               info.http_status, cc.n_municipalities, cc.fee_per_copy_yen, cc.max_copies, cc.open_minute / 60,
               cc.open_minute % 60, cc.close_minute / 60, cc.close_minute % 60, cc.timezone);
        center_config_free(&cc);
    } else {
        printf("error: %s\n", kofu_err_name(rc));
        if (info.tls_detail[0])
            printf("detail: %s\n", info.tls_detail);
        fprintf(stderr, "%s / %s\n", kofu_err_text(rc, KOFU_LANG_EN), kofu_err_text(rc, KOFU_LANG_JA));
    }
    center_client_free(c);
    return ping_exit_for(rc);
}

int cmd_center(int argc, char **argv)
{
    if (argc >= 1 && !strcmp(argv[0], "ping"))
        return center_ping(argc, argv);
    fprintf(stderr, "usage: kofu center ping [--config FILE]\n");
    return PING_USAGE;
}
