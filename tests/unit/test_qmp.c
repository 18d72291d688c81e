/*
 * test_qmp.c — the tests' QMP client (tests/lib/qmp.h) against a real
 * qemu-system-x86_64 that boots no guest: greeting and negotiation, a
 * command's answer, an error's text, events skipped, input events on a
 * display (and refused on an input device's own id), a screen dump of a
 * stopped VM's bochs-display read back (at the device's initial 640x480:
 * 1280x800 comes only once the guest's driver sets the mode), and
 * quit. Also the P6 reader on good and bad files, and the tablet value
 * round trip through kofu's evdev scaling for every pixel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"
#include "tests/lib/files.h"
#include "tests/lib/proc.h"
#include "tests/lib/qmp.h"
#include "tests/lib/tmp.h"

struct vm {
    char dir[128];
    char qmp_path[192];
    pid_t pid;
};

/* Starts QEMU with the given extra arguments (NULL-terminated) and a QMP
 * server socket in a fresh directory. */
static void vm_start(struct vm *vm, const char *const *extra)
{
    assert_true(kt_have("qemu-system-x86_64"));
    assert_true(kt_tempdir(vm->dir, sizeof vm->dir, "qmp"));
    snprintf(vm->qmp_path, sizeof vm->qmp_path, "%s/qmp.sock", vm->dir);
    char qmp_arg[256], log[192];
    snprintf(qmp_arg, sizeof qmp_arg, "unix:%s,server=on,wait=off", vm->qmp_path);
    snprintf(log, sizeof log, "%s/qemu.log", vm->dir);
    const char *argv[32];
    int n = 0;
    argv[n++] = "qemu-system-x86_64";
    argv[n++] = "-nodefaults";
    argv[n++] = "-no-user-config";
    argv[n++] = "-display";
    argv[n++] = "none";
    argv[n++] = "-qmp";
    argv[n++] = qmp_arg;
    for (int i = 0; extra[i] && n < 31; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    vm->pid = kt_spawn(argv, NULL, log, -1, 0);
    assert_true(vm->pid > 0);
}

/* Waits up to ms for QEMU to exit; true when it did (with status 0). */
static bool vm_exited(struct vm *vm, int ms)
{
    int64_t end = kofu_mono_ms() + ms;
    while (kofu_mono_ms() < end) {
        int st;
        pid_t r = waitpid(vm->pid, &st, WNOHANG);
        if (r == vm->pid) {
            vm->pid = -1;
            return WIFEXITED(st) && WEXITSTATUS(st) == 0;
        }
        kt_sleep_ms(20);
    }
    return false;
}

static void vm_stop(struct vm *vm)
{
    if (vm->pid > 0) {
        kill(vm->pid, SIGKILL);
        waitpid(vm->pid, NULL, 0);
        vm->pid = -1;
    }
    kt_rmdir_flat(vm->dir);
}

static const char *const machine_none[] = {"-machine", "none", NULL};

static void test_open_cmd_error_quit(void **state)
{
    (void)state;
    struct vm vm;
    vm_start(&vm, machine_none);
    struct qmp q;
    assert_int_equal(qmp_open(&q, vm.qmp_path, 10000), 0);
    char reply[1024];
    assert_int_equal(qmp_cmd(&q, "{\"execute\":\"query-status\"}", reply, sizeof reply, 5000), 0);
    assert_non_null(strstr(reply, "\"status\""));
    /* A stop makes QEMU emit a STOP event before its answer to the next
     * command could be mistaken for it: the answer is still the one read. */
    assert_int_equal(qmp_cmd(&q, "{\"execute\":\"stop\"}", reply, sizeof reply, 5000), 0);
    assert_string_equal(reply, "{}");
    assert_int_equal(qmp_cmd(&q, "{\"execute\":\"query-status\"}", reply, sizeof reply, 5000), 0);
    assert_non_null(strstr(reply, "\"running\":false"));
    /* An error: its class and text come back, and the call says so. */
    assert_int_equal(qmp_cmd(&q, "{\"execute\":\"no-such-command\"}", reply, sizeof reply, 5000), -1);
    assert_non_null(strstr(reply, "CommandNotFound"));
    assert_non_null(strstr(reply, "no-such-command"));
    /* Garbage is QEMU's to refuse, with an error, not a hang. */
    assert_int_equal(qmp_cmd(&q, "{\"exec\":1}", reply, sizeof reply, 5000), -1);
    assert_int_equal(qmp_quit(&q), 0);
    assert_true(vm_exited(&vm, 10000));
    /* The connection is gone: a command now fails at once, not by hanging. */
    int64_t t0 = kofu_mono_ms();
    assert_int_equal(qmp_cmd(&q, "{\"execute\":\"query-status\"}", reply, sizeof reply, 3000), -2);
    assert_true(kofu_mono_ms() - t0 < 2000);
    qmp_close(&q);
    vm_stop(&vm);
}

static void test_open_times_out_without_qemu(void **state)
{
    (void)state;
    char dir[128], path[192];
    assert_true(kt_tempdir(dir, sizeof dir, "qmp-none"));
    snprintf(path, sizeof path, "%s/nobody.sock", dir);
    struct qmp q;
    int64_t t0 = kofu_mono_ms();
    assert_int_equal(qmp_open(&q, path, 300), -1);
    int64_t took = kofu_mono_ms() - t0;
    assert_true(took >= 300 && took < 2000);
    kt_rmdir_flat(dir);
}

/* The display as the kiosk test has it: bochs-display at 1280x800 with the
 * tablet and the keyboard bound to it; -S: no guest runs, the display
 * surface exists all the same. */
static const char *const display_vm[] = {
    "-machine", "q35", "-S", "-device", "bochs-display,id=vga0,xres=1280,yres=800",
    "-device", "virtio-tablet-pci,id=touch,display=vga0", "-device", "virtio-keyboard-pci,id=tray,display=vga0",
    NULL};

static void test_screendump_and_input(void **state)
{
    (void)state;
    struct vm vm;
    vm_start(&vm, display_vm);
    struct qmp q;
    assert_int_equal(qmp_open(&q, vm.qmp_path, 10000), 0);
    char shot[256];
    snprintf(shot, sizeof shot, "%s/screen.ppm", vm.dir);
    assert_int_equal(qmp_screendump(&q, shot), 0);
    struct ppm img;
    assert_int_equal(ppm_load(shot, &img), 0);
    /* No guest has set a mode yet: the surface is the device's initial
     * 640x480. xres/yres are what the device offers the guest (EDID); the
     * guest's bochs driver sets 1280x800, so a dump of the kiosk reads
     * 640x480 until the kernel's driver is up. */
    assert_int_equal(img.width, 640);
    assert_int_equal(img.height, 480);
    ppm_free(&img);
    assert_null(img.rgb);

    /* QEMU takes input only into a running VM ("VM not running"): the
     * firmware runs now and finds nothing to boot, which is fine. */
    char reply[256];
    assert_int_equal(qmp_cmd(&q, "{\"execute\":\"cont\"}", reply, sizeof reply, 5000), 0);
    assert_int_equal(qmp_tap(&q, "vga0", 640, 400, 1280, 800), 0);
    assert_int_equal(qmp_tap(&q, "vga0", 1279, 799, 1280, 800), 0);
    assert_int_equal(qmp_key(&q, "vga0", "pause", true), 0);
    assert_int_equal(qmp_key(&q, "vga0", "pause", false), 0);
    /* The input device's own id is refused (the reason the display is named). */
    assert_int_not_equal(qmp_tap(&q, "touch", 10, 10, 1280, 800), 0);
    /* QEMU 7.2 has no f24: a key it does not know is an error, not a silent no-op. */
    assert_int_not_equal(qmp_key(&q, "vga0", "f24", true), 0);

    assert_int_equal(qmp_quit(&q), 0);
    assert_true(vm_exited(&vm, 10000));
    qmp_close(&q);
    vm_stop(&vm);
}

/* kofu's evdev driver (drivers/input/evdev.c, scale()) maps the tablet's raw
 * value back to a pixel rounding down; every pixel must come back as itself. */
static int evdev_scale(int raw, int side)
{
    if (raw <= 0)
        return 0;
    if (raw >= QMP_ABS_MAX)
        return side - 1;
    return (int)((int64_t)raw * (side - 1) / QMP_ABS_MAX);
}

static void test_abs_round_trip(void **state)
{
    (void)state;
    const int sides[] = {1280, 800, 1920, 1080, 2};
    for (size_t s = 0; s < sizeof sides / sizeof sides[0]; s++)
        for (int x = 0; x < sides[s]; x++) {
            int v = qmp_abs_value(x, sides[s]);
            assert_in_range(v, 0, QMP_ABS_MAX);
            assert_int_equal(evdev_scale(v, sides[s]), x);
        }
    assert_int_equal(qmp_abs_value(0, 1280), 0);
    assert_int_equal(qmp_abs_value(1279, 1280), QMP_ABS_MAX);
}

static int parse_text(const char *text, size_t len, struct ppm *img)
{
    return ppm_parse((const uint8_t *)text, len, img);
}

static void test_ppm_good(void **state)
{
    (void)state;
    /* 2x1: red, blue; a comment in the header, CR LF separators. */
    static const char good[] = "P6\r\n# made by hand\n2 1\n255\n\xff\x00\x00\x00\x00\xff";
    const char *path = kt_temp_file("ppm", good, sizeof good - 1);
    struct ppm img;
    assert_int_equal(ppm_load(path, &img), 0);
    assert_int_equal(img.width, 2);
    assert_int_equal(img.height, 1);
    assert_int_equal(ppm_pixel(&img, 0, 0), 0xff0000);
    assert_int_equal(ppm_pixel(&img, 1, 0), 0x0000ff);
    assert_int_equal(ppm_pixel(&img, 2, 0), 0); /* outside */
    assert_int_equal(ppm_pixel(&img, 0, -1), 0);
    ppm_free(&img);
    kt_temp_files_remove();
}

static void test_ppm_bad(void **state)
{
    (void)state;
    struct ppm img;
    /* Each is refused, and img is left empty. */
    static const struct {
        const char *what, *text;
        size_t len;
    } bad[] = {
        {"short pixels", "P6 2 1 255\n\xff\x00\x00\x00\x00", 16},
        {"extra pixels", "P6 1 1 255\n\xff\x00\x00\x00", 15},
        {"header lies about the size", "P6 4000 4000 255\n\x01\x02\x03", 20},
        {"two-byte samples", "P6 1 1 65535\n\x00\x01\x00\x02\x00\x03", 19},
        {"maxval 1", "P6 1 1 1\n\x01\x01\x01", 12},
        {"plain P3", "P3 1 1 255\n1 2 3\n", 17},
        {"zero width", "P6 0 1 255\n", 11},
        {"side too large", "P6 16385 1 255\n", 15},
        {"fields not separated", "P62 1 255\n\x00\x00\x00\x00\x00\x00", 16},
        {"no separator after maxval", "P6 1 1 255\x01\x02\x03", 13},
        {"truncated header", "P6 1", 4},
        {"empty", "", 0},
        {"six-digit number", "P6 000001 1 255\n\x00\x00\x00", 19},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&img, 0xAB, sizeof img);
        if (parse_text(bad[i].text, bad[i].len, &img) != -1)
            fail_msg("accepted: %s", bad[i].what);
        assert_null(img.rgb);
        assert_int_equal(img.width, 0);
    }
    assert_int_equal(ppm_load("/nonexistent/screen.ppm", &img), -1);
    char dir[128];
    assert_true(kt_tempdir(dir, sizeof dir, "ppm-dir"));
    assert_int_equal(ppm_load(dir, &img), -1); /* not a regular file */
    kt_rmdir_flat(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_cmd_error_quit),
        cmocka_unit_test(test_open_times_out_without_qemu),
        cmocka_unit_test(test_screendump_and_input),
        cmocka_unit_test(test_abs_round_trip),
        cmocka_unit_test(test_ppm_good),
        cmocka_unit_test(test_ppm_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
