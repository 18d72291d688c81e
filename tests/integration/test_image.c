/*
 * test_image.c — the kiosk's firmware image (make image, board/kiosk/image)
 * booted under QEMU, serving one resident through the kernel's own drivers.
 *
 * QEMU runs the image's kernel, initramfs and read-only root as a kiosk
 * would (KVM when /dev/kvm is usable, plain emulation otherwise) with:
 *   - bochs-display: /dev/fb0 at 1280×800, read back with QMP screendump;
 *   - virtio tablet (the touch panel) and keyboard (the tray sensor, KEY_PAUSE:
 *     QEMU cannot send KEY_F24), driven with QMP input-send-event;
 *   - usb-ccid + ccid-card-passthru, whose socket build/vsc-bridge joins to
 *     cardsim: the card travels USB → the kernel → libccid → pcscd → kofu;
 *   - intel-hda, its output a WAV file on the host;
 *   - usb-serial (/dev/ttyUSB0) to build/acceptorsim, a coin and note
 *     acceptor speaking docs/payment.md;
 *   - user networking with restrict=on: the guest reaches only the two
 *     forwards to centersim and ippeveprinter on the sandbox's loopback.
 * The configuration medium (board/kiosk/image/mkconfig.sh) is the second
 * disk. The test sees the kiosk only as a person and a camera would — the
 * screen's pixels (tests/lib/screen_read.h reads the shuffled PIN pad), the
 * sound, the money, the printed page — and, for what must be proven about
 * the inside, a probe (tests/image/probe.sh) it starts itself from the
 * kernel command line on a third, test-only disk.
 *
 * Figures go to stderr and to $KOFU_BUILD/image-figures.txt (make bench
 * prints them): QEMU start to the attract screen, the visit's CPU time in
 * the guest, the image's size.
 */
#include "tests/harness.h"
#include "tests/lib/docs.h"
#include "tests/lib/files.h"
#include "tests/lib/listen.h"
#include "tests/lib/needles.h"
#include "tests/lib/proc.h"
#include "tests/lib/qmp.h"
#include "tests/lib/screen_read.h"
#include "tests/printer/printer_harness.h"

#include "base/b64.h"
#include "session/session_types.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/evp.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define SCREEN_W 1280
#define SCREEN_H 800
#define RESIDENT "tests/cardsim/residents/yamada.json"
#define ISSUER "https://center.kofu.test/issuer"
#define BRIDGE_PORT 28690
/* Emulated, the first boot takes a minute or two; a screen change seconds. */
#define BOOT_TIMEOUT_MS 420000
#define SCREEN_TIMEOUT_MS 90000

static struct harness h;
static struct printer_peer printer;
static struct qmp q;
static struct sr_eye *eye;
static pid_t qemu = -1, bridge = -1, acceptor = -1;
static int probe_fd = -1;
static bool kvm;
static double qemu_start_ms, attract_ms = -1;
static char dir[300], cfg_dir[400], cfg_img[400], probe_img[400], wav_path[400], qmp_path[400], card_sock[400],
    acc_sock[400], acc_ctl[400], probe_sock[400], console_log[400], image_dir[300];
static uint8_t disk_sha[2][32];
static char out[1 << 16], err[1 << 16];

/* ---- small helpers ------------------------------------------------------ */

static const char *img(const char *name)
{
    static char paths[4][400];
    static int slot;
    slot = (slot + 1) % 4;
    snprintf(paths[slot], sizeof paths[slot], "%s/%s", image_dir, name);
    return paths[slot];
}

static bool sha256_file(const char *path, uint8_t md[32])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    static uint8_t buf[1 << 20];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        EVP_DigestUpdate(c, buf, n);
    unsigned len = 0;
    EVP_DigestFinal_ex(c, md, &len);
    EVP_MD_CTX_free(c);
    fclose(f);
    return len == 32;
}

static int unix_connect(const char *path, int timeout_ms)
{
    double until = harness_now_ms() + timeout_ms;
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
            return fd;
        if (fd >= 0)
            close(fd);
        if (harness_now_ms() > until)
            return -1;
        kt_sleep_ms(50);
    }
}

/* One line from fd into line (without the LF); false on time-out or EOF.
 * Reads a byte at a time: the probe's answers are small, but for the
 * tmpfs dump (a few MB of base64). */
static bool read_line(int fd, char *line, size_t cap, int timeout_ms)
{
    size_t n = 0;
    double until = harness_now_ms() + timeout_ms;
    for (;;) {
        int left = (int)(until - harness_now_ms());
        if (left <= 0)
            return false;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, left) <= 0)
            continue;
        char c;
        if (read(fd, &c, 1) != 1)
            return false;
        if (c == '\r')
            continue;
        if (c == '\n') {
            line[n] = '\0';
            return true;
        }
        if (n + 1 < cap)
            line[n++] = c;
    }
}

/* A control socket's one-line command and one-line answer (acceptorsim). */
static bool control(const char *path, const char *cmd, char *reply, size_t cap)
{
    int fd = unix_connect(path, 2000);
    if (fd < 0)
        return false;
    bool ok = write(fd, cmd, strlen(cmd)) == (ssize_t)strlen(cmd) && write(fd, "\n", 1) == 1 &&
              read_line(fd, reply, cap, 10000);
    close(fd);
    return ok;
}

/* ---- the probe (tests/image/probe.sh on the guest's ttyS1) ----------------- */

/* Sends cmd and collects the answer's lines up to "end" into buf (joined by
 * LF). The guest may be slow (emulated): generous time-outs. */
static bool probe(const char *cmd, char *buf, size_t cap, int timeout_ms)
{
    if (probe_fd < 0)
        return false;
    if (write(probe_fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd) || write(probe_fd, "\n", 1) != 1)
        return false;
    size_t n = 0;
    bool fits = true;
    static char line[8192];
    buf[0] = '\0';
    while (read_line(probe_fd, line, sizeof line, timeout_ms)) {
        if (!strcmp(line, "end"))
            return fits;
        size_t l = strlen(line);
        if (n + l + 2 > cap)
            fits = false; /* read on to the end all the same: the next answer must start clean */
        if (!fits)
            continue;
        memcpy(buf + n, line, l);
        n += l;
        buf[n++] = '\n';
        buf[n] = '\0';
    }
    return false;
}

/* A "Key=value" of systemctl show output. */
static long long show_value(const char *text, const char *key)
{
    char k[64];
    snprintf(k, sizeof k, "%s=", key);
    const char *p = strstr(text, k);
    return p ? strtoll(p + strlen(k), NULL, 10) : -1;
}

static bool probe_status(long long *pid, long long *restarts, long long *cpu_ns, char *state, size_t cap)
{
    static char s[4096];
    if (!probe("status", s, sizeof s, 60000))
        return false;
    *pid = show_value(s, "MainPID");
    *restarts = show_value(s, "NRestarts");
    if (cpu_ns) {
        long long ticks = show_value(s, "CPUTicks"), hz = show_value(s, "TicksPerSecond");
        *cpu_ns = ticks >= 0 && hz > 0 ? ticks * (1000000000LL / hz) : -1;
    }
    if (state) {
        const char *a = strstr(s, "ActiveState=");
        snprintf(state, cap, "%.*s", a ? (int)strcspn(a + 12, "\n") : 0, a ? a + 12 : "");
    }
    return true;
}

/* The base64 answer of the probe (lines) decoded into a malloc'd buffer;
 * NULL when it is not base64. */
static uint8_t *unbase64(char *text, size_t *len)
{
    size_t w = 0;
    for (size_t i = 0; text[i]; i++)
        if (text[i] != '\n')
            text[w++] = text[i];
    text[w] = '\0';
    uint8_t *b = malloc(w + 1);
    if (b && !b64_decode(text, w, b, w + 1, len, false)) {
        free(b);
        return NULL;
    }
    return b;
}

/* This boot's journal as text (malloc'd, NUL-terminated), or NULL. */
static char *guest_journal(void)
{
    static char b64[8 << 20];
    size_t len = 0;
    if (!probe("journal", b64, sizeof b64, 120000))
        return NULL;
    uint8_t *text = unbase64(b64, &len);
    if (text)
        text[len] = '\0';
    return (char *)text;
}

/* What kofu said in the guest (its events and codes, never a resident's
 * data: the journal is one of the places test_nothing_kept_after_the_visit
 * scans), for a failure's report. */
static void print_kofu_journal(void)
{
    char *j = guest_journal();
    if (!j)
        return;
    fprintf(stderr, "the guest's journal, kofu's lines:\n");
    for (char *l = strtok(j, "\n"); l; l = strtok(NULL, "\n"))
        if (strstr(l, "kofu"))
            fprintf(stderr, "  %s\n", l);
    free(j);
}

/* ---- the screen ---------------------------------------------------------- */

static struct ppm frame;

static bool grab(void)
{
    char path[420];
    snprintf(path, sizeof path, "%s/screen.ppm", dir);
    ppm_free(&frame);
    return qmp_screendump(&q, path) == 0 && ppm_load(path, &frame) == 0;
}

static struct sr_frame view(void)
{
    struct sr_frame f = {frame.width, frame.height, (size_t)frame.width * 3, frame.rgb};
    return f;
}

/* A person hears the screen's prompt begin before touching it. */
static void listen_a_moment(void)
{
    kt_sleep_ms(1800);
}

/* For whoever debugs the test: with KOFU_IMAGE_TEST_HOLD=1 a failure
 * leaves the guest running (the probe's socket free for another client)
 * until DIR/continue exists. */
static void hold_for_a_look(void)
{
    if (!getenv("KOFU_IMAGE_TEST_HOLD"))
        return;
    char go[420];
    snprintf(go, sizeof go, "%s/continue", dir);
    fprintf(stderr, "holding: the guest runs; QMP %s, probe %s (both free now); touch %s to go on\n", qmp_path, probe_sock, go);
    close(probe_fd);
    qmp_close(&q);
    while (access(go, F_OK) != 0)
        kt_sleep_ms(1000);
    probe_fd = unix_connect(probe_sock, 5000);
    if (qmp_open(&q, qmp_path, 5000) != 0)
        fprintf(stderr, "QMP did not come back\n");
}

/* Polls the display until it shows `screen`; false after timeout_ms. */
static bool wait_screen(int screen, int timeout_ms)
{
    double until = harness_now_ms() + timeout_ms;
    int last = -2;
    while (harness_now_ms() < until) {
        if (grab()) {
            struct sr_frame f = view();
            enum kofu_lang lang;
            double distance;
            last = sr_identify(eye, &f, &lang, &distance);
            if (last == screen) {
                listen_a_moment();
                return true;
            }
        }
        kt_sleep_ms(kvm ? 100 : 500);
    }
    char keep[420];
    snprintf(keep, sizeof keep, "%s/last-screen.ppm", dir);
    fprintf(stderr, "waited for screen %d, the display shows %d (frame kept as %s)\n", screen, last, keep);
    if (grab()) {
        char path[420];
        snprintf(path, sizeof path, "%s/screen.ppm", dir);
        kt_copy_file(path, keep);
    }
    print_kofu_journal();
    hold_for_a_look();
    return false;
}

static void tap(const char *target)
{
    assert_true(grab());
    struct sr_frame f = view();
    int x, y;
    if (sr_target(eye, &f, target, &x, &y) != 0)
        fail_msg("no target %s on this screen", target);
    assert_int_equal(qmp_tap(&q, "vga0", x, y, SCREEN_W, SCREEN_H), 0);
}

/* ---- set-up ---------------------------------------------------------------- */

static void write_text(const char *path, const char *text)
{
    assert_true(kt_write_file(path, text, strlen(text)));
}

static void copy_pki(const char *name, const char *as)
{
    char to[500];
    snprintf(to, sizeof to, "%s/%s", cfg_dir, as);
    assert_true(kt_copy_file(harness_path(0, name), to));
}

/* The installation's part of the kiosk: the configuration medium. */
static void make_config_medium(void)
{
    snprintf(cfg_dir, sizeof cfg_dir, "%s/config", dir);
    assert_int_equal(mkdir(cfg_dir, 0755), 0);
    char path[500];
    snprintf(path, sizeof path, "%s/kofu.conf", cfg_dir);
    write_text(path, "# The kiosk under QEMU: its devices as QEMU's drivers give them.\n"
                     "reader = Gemalto*\n"
                     "card_ca_dir = /etc/kofu/card-ca\n"
                     "center_url = https://center.kofu.test:443\n"
                     "center_ca_file = /etc/kofu/center-ca.pem\n"
                     "kiosk_cert_file = /etc/kofu/kiosk.pem\n"
                     "kiosk_key_file = /etc/kofu/kiosk.key.pem\n"
                     "shc_keyset_file = /etc/kofu/shc-issuers.jwks.json\n"
                     "shc_issuers = " ISSUER "\n"
                     "vds_csca_file = /etc/kofu/vds-csca.pem\n"
                     "printer_uri = ipps://10.0.2.101:631/ipp/print\n"
                     "printer_ca_file = /etc/kofu/printer-ca.pem\n"
                     "display = fbdev\n"
                     "display_device = /dev/fb0\n"
                     "input_device = /dev/input/by-path/pci-0000:00:04.0-event-mouse,"
                     "/dev/input/by-path/pci-0000:00:05.0-event-kbd#key=119\n"
                     "audio_device = plughw:0,0\n"
                     "prompt_dir = /usr/share/kofu/prompts\n"
                     "payment_device = /dev/ttyUSB0\n"
                     "default_language = ja\n");
    snprintf(path, sizeof path, "%s/hosts", cfg_dir);
    write_text(path, "127.0.0.1 localhost\n10.0.2.100 center.kofu.test\n");
    snprintf(path, sizeof path, "%s/addresses.conf", cfg_dir);
    write_text(path, "[Service]\nIPAddressAllow=10.0.2.100 10.0.2.101\n");
    snprintf(path, sizeof path, "%s/network", cfg_dir);
    write_text(path, "address=10.0.2.15/24\ngateway=10.0.2.2\n");
    copy_pki("pki/center-ca.pem", "center-ca.pem");
    copy_pki("pki/kiosk.pem", "kiosk.pem");
    copy_pki("pki/kiosk.key.pem", "kiosk.key.pem");
    copy_pki("pki/csca.pem", "vds-csca.pem");
    copy_pki("pki/printer-ca.pem", "printer-ca.pem");
    snprintf(path, sizeof path, "%s/shc-issuers.jwks.json", cfg_dir);
    assert_int_equal(harness_center_get(&h, "/.well-known/jwks.json", path), 0);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "cp -r %s %s/card-ca", harness_path(0, "pki/card-ca"), cfg_dir);
    char *o = NULL;
    size_t ol = 0;
    assert_int_equal(kt_run(cmd, &o, &ol), 0);
    free(o);
    snprintf(cfg_img, sizeof cfg_img, "%s/config.squashfs", dir);
    const char *argv[] = {"board/kiosk/image/mkconfig.sh", cfg_dir, cfg_img, NULL};
    int rc = harness_run(argv, NULL, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "mkconfig.sh: %s%s\n", out, err);
    assert_int_equal(rc, 0);
}

/* The probe's disk: the script, padded with newlines to whole sectors. */
static void make_probe_disk(void)
{
    size_t n = 0;
    char *script = kt_read_file("tests/image/probe.sh", &n);
    assert_non_null(script);
    size_t size = (n + 511) / 512 * 512 + 512;
    char *disk = malloc(size);
    assert_non_null(disk);
    memset(disk, '\n', size);
    memcpy(disk, script, n);
    snprintf(probe_img, sizeof probe_img, "%s/probe.img", dir);
    assert_true(kt_write_file(probe_img, disk, size));
    free(disk);
    free(script);
}

static pid_t spawn_ready(const char *const argv[], const char *log, const char *ready)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = kt_spawn(argv, NULL, log, p[1], 0);
    close(p[1]);
    char line[256];
    bool ok = read_line(p[0], line, sizeof line, 20000) && strstr(line, ready);
    close(p[0]);
    if (!ok)
        fprintf(stderr, "%s did not say it was ready (see %s)\n", argv[0], log);
    assert_true(ok);
    return pid;
}

static void start_qemu(void)
{
    snprintf(qmp_path, sizeof qmp_path, "%s/qmp.sock", dir);
    snprintf(wav_path, sizeof wav_path, "%s/speaker.wav", dir);
    snprintf(probe_sock, sizeof probe_sock, "%s/probe.sock", dir);
    snprintf(console_log, sizeof console_log, "%s/console.log", dir);
    char append[2048], cmdline[1024] = "";
    FILE *f = fopen(img("cmdline"), "r");
    assert_non_null(f);
    assert_non_null(fgets(cmdline, sizeof cmdline, f));
    fclose(f);
    cmdline[strcspn(cmdline, "\n")] = '\0';
    /* The image's own command line, and the probe: systemd runs the third
     * disk as a script, leaves the system up when it ends, and boots the
     * kiosk's usual target beside it. */
    snprintf(append, sizeof append,
             "%s systemd.unit=multi-user.target systemd.wants=kernel-command-line.service "
             "systemd.run=\"/bin/sh /dev/vdc\" systemd.run_success_action=none systemd.run_failure_action=none",
             cmdline);
    char drive_root[600], drive_cfg[600], drive_probe[600], net[1200], card[500], acc[500], probe_dev[500],
        audio[500], qmp_arg[500], serial0[500];
    snprintf(drive_root, sizeof drive_root, "file=%s,format=raw,if=virtio,readonly=on", img("root.squashfs"));
    snprintf(drive_cfg, sizeof drive_cfg, "file=%s,format=raw,if=virtio,readonly=on", cfg_img);
    snprintf(drive_probe, sizeof drive_probe, "file=%s,format=raw,if=virtio,readonly=on", probe_img);
    snprintf(net, sizeof net,
             "user,id=n0,restrict=on,"
             "guestfwd=tcp:10.0.2.100:443-cmd:%s 127.0.0.1 %d,"
             "guestfwd=tcp:10.0.2.101:631-cmd:%s 127.0.0.1 %d",
             harness_path(0, "tcp-pipe"), h.center_port, harness_path(1, "tcp-pipe"), printer.ipp_port);
    snprintf(card, sizeof card, "socket,id=card,path=%s,server=on,wait=off", card_sock);
    snprintf(acc, sizeof acc, "socket,id=acc,path=%s", acc_sock);
    snprintf(probe_dev, sizeof probe_dev, "socket,id=probe,path=%s,server=on,wait=off", probe_sock);
    snprintf(audio, sizeof audio, "wav,id=snd0,path=%s", wav_path);
    snprintf(qmp_arg, sizeof qmp_arg, "unix:%s,server=on,wait=off", qmp_path);
    snprintf(serial0, sizeof serial0, "file:%s", console_log);
    const char *argv[] = {"qemu-system-x86_64", "-nodefaults", "-no-user-config", "-display", "none",
                          "-accel", kvm ? "kvm" : "tcg", "-cpu", kvm ? "host" : "max", "-m", "1024", "-smp", "2",
                          "-kernel", img("vmlinuz"), "-initrd", img("initrd.img"), "-append", append,
                          "-drive", drive_root, "-drive", drive_cfg, "-drive", drive_probe,
                          "-device", "bochs-display,id=vga0,xres=1280,yres=800,addr=0x2",
                          "-device", "qemu-xhci,id=xhci,addr=0x3",
                          "-device", "virtio-tablet-pci,id=touch,display=vga0,addr=0x4",
                          "-device", "virtio-keyboard-pci,id=tray,display=vga0,addr=0x5",
                          "-chardev", card, "-device", "usb-ccid,bus=xhci.0", "-device", "ccid-card-passthru,chardev=card",
                          "-chardev", acc, "-device", "usb-serial,bus=xhci.0,chardev=acc",
                          "-audiodev", audio, "-device", "intel-hda,addr=0x6", "-device", "hda-output,audiodev=snd0",
                          "-netdev", net, "-device", "virtio-net-pci,netdev=n0,addr=0x7",
                          "-qmp", qmp_arg, "-serial", serial0, "-chardev", probe_dev, "-serial", "chardev:probe",
                          NULL};
    char log[420];
    snprintf(log, sizeof log, "%s/qemu.log", dir);
    qemu_start_ms = harness_now_ms();
    qemu = kt_spawn(argv, NULL, log, -1, 0);
    assert_true(qemu > 0);
    assert_int_equal(qmp_open(&q, qmp_path, 30000), 0);
}

/* make check builds the image in the background while it builds and runs
 * the rest (Makefile): wait for that build's exit status, while its log
 * still grows. */
static bool image_built(void)
{
    char rc_path[400], log[400];
    snprintf(rc_path, sizeof rc_path, "%s/image-build.rc", harness_build());
    snprintf(log, sizeof log, "%s/image-build.log", harness_build());
    struct stat st;
    bool waited = false;
    while (access(rc_path, R_OK) != 0 && stat(log, &st) == 0 && time(NULL) - st.st_mtime < 600) {
        if (!waited)
            fprintf(stderr, "waiting for the kiosk image's build (%s)\n", log);
        waited = true;
        kt_sleep_ms(2000);
    }
    size_t n = 0;
    char *rc = kt_read_file(rc_path, &n);
    bool failed = rc && atoi(rc) != 0;
    free(rc);
    if (failed) {
        char cmd[500];
        snprintf(cmd, sizeof cmd, "tail -n 30 %s >&2", log);
        char *o = NULL;
        kt_run(cmd, &o, &n);
        free(o);
        fprintf(stderr, "the kiosk image's build failed (%s)\n", log);
        return false;
    }
    if (access(img(".done"), R_OK) != 0) {
        fprintf(stderr, "no kiosk image in %s: make image (make check builds it)\n", image_dir);
        return false;
    }
    return true;
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(image_dir, sizeof image_dir, "%s/image", harness_build());
    if (!image_built())
        return -1;
    kvm = access("/dev/kvm", R_OK | W_OK) == 0;
    if (harness_init(&h) != 0) {
        fprintf(stderr, "no temporary directory\n");
        return -1;
    }
    snprintf(dir, sizeof dir, "%s", h.dir);
    snprintf(card_sock, sizeof card_sock, "%s/card.sock", dir);
    snprintf(acc_sock, sizeof acc_sock, "%s/acceptor.sock", dir);
    snprintf(acc_ctl, sizeof acc_ctl, "%s/acceptor-control.sock", dir);
    /* Open around the clock: the fixture's service hours (06:30-23:00
     * Japan time) would close the kiosk for a run at night. */
    static const char *const center_args[] = {"--hours", "00:00-24:00", NULL};
    if (printer_peer_start(&printer) != 0 || harness_start_centersim(&h, center_args) != 0) {
        fprintf(stderr, "the printer or the center did not start (%s)\n", dir);
        return -1;
    }
    make_config_medium();
    make_probe_disk();
    for (int i = 0; i < 2; i++)
        if (!sha256_file(i ? cfg_img : img("root.squashfs"), disk_sha[i])) {
            fprintf(stderr, "cannot read the disks\n");
            return -1;
        }
    char log[420], port[16];
    snprintf(log, sizeof log, "%s/acceptorsim.log", dir);
    const char *acc_argv[] = {harness_path(0, "acceptorsim"), "--listen", acc_sock, "--control", acc_ctl, NULL};
    acceptor = spawn_ready(acc_argv, log, "ready");
    snprintf(log, sizeof log, "%s/vsc-bridge.log", dir);
    snprintf(port, sizeof port, "%d", BRIDGE_PORT);
    const char *br_argv[] = {harness_path(0, "vsc-bridge"), "--vpcd-port", port, "--qemu", card_sock, NULL};
    start_qemu();
    bridge = spawn_ready(br_argv, log, "ready");
    /* The card, behind the bridge instead of a pcscd of ours. */
    h.vpcd_port = BRIDGE_PORT;
    snprintf(h.control, sizeof h.control, "%s/cardsim.sock", dir);
    char reply[200];
    if (harness_spawn_cardsim(&h, RESIDENT, NULL) != 0 || harness_card(&h, "remove", reply, sizeof reply) != 0) {
        fprintf(stderr, "cardsim did not start behind the bridge (%s)\n", dir);
        return -1;
    }
    eye = sr_open(SCREEN_W, SCREEN_H);
    return eye ? 0 : -1;
}

static void stop_pid(pid_t *pid)
{
    if (*pid > 0) {
        kill(*pid, SIGTERM);
        waitpid(*pid, NULL, 0);
    }
    *pid = -1;
}

static int group_teardown(void **state)
{
    (void)state;
    if (qemu > 0) {
        qmp_quit(&q);
        double until = harness_now_ms() + 10000;
        while (waitpid(qemu, NULL, WNOHANG) == 0 && harness_now_ms() < until)
            kt_sleep_ms(50);
        kill(qemu, SIGKILL);
        waitpid(qemu, NULL, 0);
        qemu = -1;
    }
    qmp_close(&q);
    if (probe_fd >= 0)
        close(probe_fd);
    stop_pid(&bridge);
    stop_pid(&acceptor);
    ppm_free(&frame);
    sr_close(eye);
    printer_peer_stop(&printer);
    harness_stop(&h);
    return 0;
}

static void figure(const char *line)
{
    fprintf(stderr, "figure: %s\n", line);
    char path[400];
    snprintf(path, sizeof path, "%s/image-figures.txt", harness_build());
    FILE *f = fopen(path, "a");
    if (f) {
        fprintf(f, "%s\n", line);
        fclose(f);
    }
}

/* ---- the tests ------------------------------------------------------------- */

/* Power on: the attract screen comes on the panel, and the probe answers. */
static void test_boots_to_the_attract_screen(void **state)
{
    (void)state;
    char path[400];
    snprintf(path, sizeof path, "%s/image-figures.txt", harness_build());
    unlink(path);
    if (!wait_screen(SESSION_SCREEN_IDLE, BOOT_TIMEOUT_MS)) {
        char *o = NULL;
        size_t ol = 0;
        char cmd[500];
        snprintf(cmd, sizeof cmd, "tail -n 40 %s", console_log);
        kt_run(cmd, &o, &ol);
        fprintf(stderr, "console:\n%s\n", o ? o : "");
        free(o);
        fail_msg("no attract screen");
    }
    attract_ms = harness_now_ms() - qemu_start_ms;
    char line[200];
    snprintf(line, sizeof line, "image: QEMU start to the attract screen %.1f s (%s)", attract_ms / 1000,
             kvm ? "KVM" : "plain emulation, no KVM here");
    figure(line);
    probe_fd = unix_connect(probe_sock, 5000);
    assert_true(probe_fd >= 0);
    static char buf[4096];
    /* The probe may have said ready before we connected: ask. */
    assert_true(probe("uptime", buf, sizeof buf, 60000));
    fprintf(stderr, "guest: %s", buf);
    char st[64];
    long long pid, restarts;
    assert_true(probe_status(&pid, &restarts, NULL, st, sizeof st));
    assert_string_equal(st, "active");
    assert_true(pid > 1);
    struct stat sb;
    assert_int_equal(stat(img("root.squashfs"), &sb), 0);
    snprintf(line, sizeof line, "image: root.squashfs %.1f MB", sb.st_size / 1e6);
    figure(line);
}

static char acc_status[256];

static long long acc_value(const char *key)
{
    return show_value(acc_status, key);
}

/* One resident, from the attract screen to the certificate taken, with the
 * touches a person makes. */
static void test_a_whole_visit(void **state)
{
    (void)state;
    char reply[256];
    long long pid0 = -1, restarts0 = -1, cpu0 = -1, pid1 = -1, restarts1 = -1, cpu1 = -1;
    if (getenv("KOFU_IMAGE_TEST_HOLD")) { /* a debugging run: kofu's info lines in the journal */
        static char b[4096];
        probe("sh:systemctl set-environment KOFU_LOG_LEVEL=info; systemctl restart kofu", b, sizeof b, 60000);
        assert_true(wait_screen(SESSION_SCREEN_IDLE, SCREEN_TIMEOUT_MS));
    }
    assert_true(probe_status(&pid0, &restarts0, &cpu0, NULL, 0));
    assert_int_equal(harness_card(&h, "insert", reply, sizeof reply), 0);
    assert_true(wait_screen(SESSION_SCREEN_SERVICE, SCREEN_TIMEOUT_MS));
    tap("service");
    assert_true(wait_screen(SESSION_SCREEN_TERMS, SCREEN_TIMEOUT_MS));
    tap("agree");
    assert_true(wait_screen(SESSION_SCREEN_PIN, SCREEN_TIMEOUT_MS));
    /* The shuffled pad, read off the panel: a frame caught mid-redraw is
     * not read (sr_pin_pad refuses unclear keys), so look again. */
    int x[10], y[10], read = -1;
    for (int look = 0; look < 10 && read != 0; look++) {
        if (look)
            kt_sleep_ms(500);
        assert_true(grab());
        struct sr_frame f = view();
        read = sr_pin_pad(eye, &f, x, y);
    }
    assert_int_equal(read, 0);
    for (const char *d = "1234"; *d; d++) {
        assert_int_equal(qmp_tap(&q, "vga0", x[*d - '0'], y[*d - '0'], SCREEN_W, SCREEN_H), 0);
        kt_sleep_ms(kvm ? 100 : 400);
    }
    tap("enter");
    assert_true(wait_screen(SESSION_SCREEN_TAKE_CARD, SCREEN_TIMEOUT_MS));
    assert_int_equal(harness_card(&h, "remove", reply, sizeof reply), 0);
    assert_true(wait_screen(SESSION_SCREEN_MUNICIPALITY, SCREEN_TIMEOUT_MS));
    tap("ok");
    assert_true(wait_screen(SESSION_SCREEN_KIND_COPIES, SCREEN_TIMEOUT_MS));
    tap("domestic");
    kt_sleep_ms(kvm ? 100 : 400);
    tap("ok");
    assert_true(wait_screen(SESSION_SCREEN_CONFIRM, SCREEN_TIMEOUT_MS));
    tap("ok");
    assert_true(wait_screen(SESSION_SCREEN_PAYMENT, SCREEN_TIMEOUT_MS));
    /* 150 yen for a 120-yen certificate: a 100 and a 50 coin. */
    assert_true(control(acc_ctl, "insert 100", reply, sizeof reply));
    assert_string_equal(reply, "ok");
    assert_true(control(acc_ctl, "insert 50", reply, sizeof reply));
    assert_string_equal(reply, "ok");
    assert_true(wait_screen(SESSION_SCREEN_TAKE_CERTIFICATE, 3 * SCREEN_TIMEOUT_MS));
    /* The tray's sensor: paper in, then taken. */
    assert_int_equal(qmp_key(&q, "vga0", "pause", true), 0);
    kt_sleep_ms(500);
    assert_int_equal(qmp_key(&q, "vga0", "pause", false), 0);
    assert_true(wait_screen(SESSION_SCREEN_IDLE, SCREEN_TIMEOUT_MS));
    assert_true(probe_status(&pid1, &restarts1, &cpu1, NULL, 0));
    assert_int_equal(pid1, pid0); /* one process served it all */
    char line[200];
    snprintf(line, sizeof line, "image: the visit's CPU time in the guest %.0f ms (kofu's unit, emulated CPU)",
             (double)(cpu1 - cpu0) / 1e6);
    figure(line);

    /* Money kept and change given. */
    assert_true(control(acc_ctl, "status", acc_status, sizeof acc_status));
    fprintf(stderr, "acceptor: %s\n", acc_status);
    assert_int_equal(acc_value("kept"), 120);
    assert_int_equal(acc_value("change"), 30);
    assert_int_equal(acc_value("refunded"), 0);
    assert_int_equal(acc_value("accepting"), 0);

    /* The printed page: its QR decodes, and a verifier that is not kofu's
     * finds the center's signature and the card holder in it. */
    assert_int_equal(printer_peer_received_pdfs(&printer), 1);
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "for f in %s/*.pdf; do pdftoppm -r 200 -gray \"$f\" %s/page && zbarimg --raw -q %s/page*.pgm; done",
             printer.received, dir, dir);
    char *codes = NULL;
    size_t cl = 0;
    assert_int_equal(kt_run(cmd, &codes, &cl), 0);
    char *shc = codes ? strstr(codes, "shc:/") : NULL;
    assert_non_null(shc);
    shc[strcspn(shc, "\n")] = '\0';
    static char jws[4096];
    assert_true(kt_shc_jws_of_qr_text(shc, jws, sizeof jws) > 0);
    free(codes);
    char jws_path[400], jwks[500];
    snprintf(jws_path, sizeof jws_path, "%s/printed.jws", dir);
    snprintf(jwks, sizeof jwks, "%s/shc-issuers.jwks.json", cfg_dir);
    assert_true(kt_write_file(jws_path, jws, strlen(jws)));
    assert_int_equal(harness_verify_shc(jws_path, jwks, ISSUER, out, sizeof out), 0);
    assert_non_null(strstr(out, "山田"));
    assert_non_null(strstr(out, "1980-02-17"));
}

/* After the visit: the only writable file systems are tmpfs, the disks are
 * as they were, and the tmpfs hold nothing of the resident. */
static void test_nothing_kept_after_the_visit(void **state)
{
    (void)state;
    static char mounts[1 << 16];
    assert_true(probe("mounts", mounts, sizeof mounts, 60000));
    int checked = 0;
    for (char *l = strtok(mounts, "\n"); l; l = strtok(NULL, "\n")) {
        char dev[256], where[256], type[64], opts[512];
        if (sscanf(l, "%255s %255s %63s %511s", dev, where, type, opts) != 4)
            continue;
        bool ro = !strncmp(opts, "ro,", 3) || !strcmp(opts, "ro");
        if (!strncmp(dev, "/dev/", 5) && strncmp(dev, "/dev/pts", 8)) {
            /* A disk: only the root and the configuration medium, read-only. */
            if (!ro || strcmp(type, "squashfs"))
                fail_msg("a disk mounted writable or not squashfs: %s", l);
            checked++;
        } else if (!ro) {
            static const char *const virtual_fs[] = {"tmpfs", "devtmpfs", "proc", "sysfs", "cgroup2", "securityfs",
                                                     "pstore", "bpf", "devpts", "mqueue", "hugetlbfs", "debugfs",
                                                     "tracefs", "configfs", "fusectl", "efivarfs", "autofs",
                                                     "binfmt_misc", "ramfs", NULL};
            bool known = false;
            for (const char *const *v = virtual_fs; *v; v++)
                known = known || !strcmp(type, *v);
            if (!known)
                fail_msg("a writable file system that is not in memory: %s", l);
        }
    }
    assert_true(checked >= 2); /* / and /etc/kofu */
    uint8_t now[32];
    for (int i = 0; i < 2; i++) {
        assert_true(sha256_file(i ? cfg_img : img("root.squashfs"), now));
        assert_memory_equal(now, disk_sha[i], 32);
    }

    /* Every tmpfs, whole. */
    static char b64[48 << 20];
    assert_true(probe("tmpfs", b64, sizeof b64, 300000));
    size_t len = 0;
    uint8_t *tgz = unbase64(b64, &len);
    assert_non_null(tgz);
    char tgz_path[400], dump[400], cmd[1400];
    snprintf(tgz_path, sizeof tgz_path, "%s/tmpfs.tgz", dir);
    snprintf(dump, sizeof dump, "%s/tmpfs", dir);
    assert_true(kt_write_file(tgz_path, tgz, len));
    free(tgz);
    snprintf(cmd, sizeof cmd, "mkdir -p %s && tar -xzf %s -C %s 2>&1", dump, tgz_path, dump);
    char *o = NULL;
    size_t ol = 0;
    assert_int_equal(kt_run(cmd, &o, &ol), 0);
    free(o);
    /* The dump holds what the kiosk did write: its state file and the
     * journal (so the scan looked where a leak would be). */
    char path[500];
    snprintf(path, sizeof path, "%s/var/lib/kofu/state", dump);
    assert_int_equal(access(path, R_OK), 0);
    snprintf(path, sizeof path, "%s/run/log/journal", dump);
    assert_int_equal(access(path, R_OK), 0);

    kt_needles_clear();
    assert_int_equal(kt_needles_resident(RESIDENT), 0);
    int shc = 0, seal = 0;
    assert_int_equal(kt_needles_printed_codes(printer.received, dir, &shc, &seal), 0);
    assert_int_equal(shc, 1);
    /* The scan finds what it looks for: the card holder's own file. */
    kt_needles_clear_hits();
    assert_true(kt_needles_scan_files("tests/cardsim/residents", 0, NULL) > 0);
    assert_true(kt_needles_hit_has("my-number"));
    assert_true(kt_needles_hit_has("name"));
    kt_needles_clear_hits();
    unsigned files = kt_needles_scan_files(dump, 0, NULL);
    char *journal = guest_journal();
    assert_non_null(journal);
    kt_needles_scan((const uint8_t *)journal, strlen(journal), "the journal as text");
    assert_non_null(strstr(journal, "kofu"));
    free(journal);
    fprintf(stderr, "scanned %u file(s) of the guest's tmpfs and its journal for %zu needles\n", files,
            kt_needles_count());
    kt_needles_print_hits("the kiosk image's tmpfs after the visit");
    assert_int_equal(kt_needles_hits(), 0);
}

/* kofu hangs (SIGSTOP): systemd's watchdog ends it and starts a new one,
 * and the attract screen comes back. */
static void test_watchdog_restarts_a_hung_kofu(void **state)
{
    (void)state;
    long long pid0 = -1, restarts0 = -1, pid1 = -1, restarts1 = -1;
    assert_true(probe_status(&pid0, &restarts0, NULL, NULL, 0));
    static char buf[256];
    assert_true(probe("stop-kofu", buf, sizeof buf, 60000));
    assert_non_null(strstr(buf, "stopped"));
    double stopped = harness_now_ms();
    /* WatchdogSec=30s, then RestartSec=2s and a cold start. */
    double until = stopped + 240000;
    while (harness_now_ms() < until) {
        kt_sleep_ms(2000);
        char st[64];
        if (probe_status(&pid1, &restarts1, NULL, st, sizeof st) && pid1 > 1 && pid1 != pid0 &&
            !strcmp(st, "active"))
            break;
    }
    assert_true(pid1 > 1 && pid1 != pid0);
    assert_true(restarts1 > restarts0);
    assert_true(wait_screen(SESSION_SCREEN_IDLE, SCREEN_TIMEOUT_MS));
    char line[200];
    snprintf(line, sizeof line, "image: hung kofu to attract screen again %.1f s (WatchdogSec=30s)",
             (harness_now_ms() - stopped) / 1000);
    figure(line);
}

/* The speaker: QEMU writes the WAV's sizes when it quits. */
static void test_prompts_were_heard(void **state)
{
    (void)state;
    assert_int_equal(qmp_quit(&q), 0);
    int st = 0;
    assert_int_equal(waitpid(qemu, &st, 0), qemu);
    qemu = -1;
    struct kt_heard heard;
    assert_int_equal(kt_listen(wav_path, harness_path(0, "prompts/ja"), &heard), 0);
    fprintf(stderr, "speaker: %.1f s recorded, %.1f s of it sound; heard:", heard.seconds, heard.sound_seconds);
    for (int i = 0; i < heard.n; i++)
        fprintf(stderr, " %s", heard.names[i]);
    fprintf(stderr, "\n");
    /* The visit's prompts, in the order its screens came (each screen
     * waited on long enough to hear its prompt's opening). */
    static const char *const expected[] = {"service", "terms", "pin-enter", "take-card", "municipality", "kind-copies",
                                           "confirm", "payment", "take-certificate", NULL};
    int at = 0;
    for (const char *const *e = expected; *e; e++) {
        while (at < heard.n && strcmp(heard.names[at], *e))
            at++;
        if (at == heard.n)
            fail_msg("the prompt %s was not heard (in order)", *e);
        at++;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boots_to_the_attract_screen),
        cmocka_unit_test(test_a_whole_visit),
        cmocka_unit_test(test_nothing_kept_after_the_visit),
        cmocka_unit_test(test_watchdog_restarts_a_hung_kofu),
        cmocka_unit_test(test_prompts_were_heard),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
