/* test_center_timezone.c — the center's time zone (firmware/center/center.h,
 * center_timezone_valid) and its use by the /config parser: only an IANA
 * Area/City name of a regular zoneinfo file may become TZ. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "center/center.h"
#include "base/errors.h"

static char root[64];

/* A zoneinfo tree of our own: Area/City (regular), Area/Sub/City, and the
 * odd things a name must not reach: a FIFO, a directory, symbolic links
 * (to a good file, and out of the tree), a device. */
static int make_tree(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/kofu-test-zoneinfo-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    char p[256];
    const char *dirs[] = {"Area", "Area/Sub", "Area/Dir", "Linked"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", root, dirs[i]);
        if (mkdir(p, 0755) != 0)
            return -1;
    }
    const char *files[] = {"Area/City", "Area/Sub/City", "Area/Port-au_Prince", "Area/GMT+9", "Top"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", root, files[i]);
        FILE *f = fopen(p, "w");
        if (!f)
            return -1;
        fputs("TZif", f);
        fclose(f);
    }
    snprintf(p, sizeof p, "%s/Area/Fifo", root);
    if (mkfifo(p, 0600) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/Area/Link", root);
    if (symlink("City", p) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/Area/Null", root);
    if (symlink("/dev/null", p) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/Linked/Area", root);
    if (symlink("../Area", p) != 0)
        return -1;
    return 0;
}

static int remove_tree(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_good_names(void **state)
{
    (void)state;
    assert_true(center_timezone_valid(root, "Area/City"));
    assert_true(center_timezone_valid(root, "Area/Sub/City"));
    assert_true(center_timezone_valid(root, "Area/Port-au_Prince"));
    assert_true(center_timezone_valid(root, "Area/GMT+9"));
    /* and the real one the protocol names, in the system's tzdata */
    assert_true(center_timezone_valid(CENTER_ZONEINFO_DIR, "Asia/Tokyo"));
    assert_true(center_timezone_valid(CENTER_ZONEINFO_DIR, "America/Argentina/Buenos_Aires"));
}

static void test_bad_names(void **state)
{
    (void)state;
    char fifo_abs[128], longname[CENTER_TIMEZONE_MAX + 8];
    snprintf(fifo_abs, sizeof fifo_abs, "%s/Area/Fifo", root);
    memset(longname, 'A', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    longname[4] = '/';
    const char *bad[] = {
        "", "Top", "Area", "Area/", "/Area/City", "Area//City", ":Area/City", ":/etc/localtime", fifo_abs,
        "/dev/zero", "../../x", "Area/../Area/City", "Area/./City", "./Area/City", "Area/City/", "Area/.City",
        "Area/Fifo", "Area/Dir", "Area/Sub", "Area/Link", "Area/Null", "Linked/Area/City", "Area/Missing",
        "Area/Sub/City/X", "A/B/C/D", "Area/City\n", "Area/Cit y", "Area/-City", "Area/9City", "Área/City",
        "Area\\City", "JST-9", "Area/City,M3", longname,
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (center_timezone_valid(root, bad[i])) {
            fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
            fail();
        }
    /* Asia/Tokyo's file does not exist under our tree: the file must exist. */
    assert_false(center_timezone_valid(root, "Asia/Tokyo"));
    assert_false(center_timezone_valid("/nonexistent-zoneinfo", "Area/City"));
}

static int parse_with_timezone(const char *tz)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"protocol\":2,\"service_hours\":{\"open\":\"06:30\",\"close\":\"23:00\",\"timezone\":\"%s\"},"
             "\"fee_per_copy_yen\":120,\"max_copies\":5,"
             "\"municipalities\":[{\"code\":\"131016\",\"name_ja\":\"千代田区\",\"name_en\":\"Chiyoda\"}],"
             "\"terms\":{\"version\":\"t1\",\"ja\":\"利用規約\",\"en\":\"Terms of use\"}}",
             tz);
    struct center_config c;
    int rc = center_parse_config((const uint8_t *)body, strlen(body), &c);
    if (rc == KOFU_OK) {
        assert_string_equal(c.timezone, tz);
        center_config_free(&c);
    }
    return rc;
}

/* A bad time zone makes the whole configuration a protocol error. */
static void test_config_with_bad_timezone_refused(void **state)
{
    (void)state;
    assert_int_equal(parse_with_timezone("Asia/Tokyo"), KOFU_OK);
    const char *bad[] = {":/dev/zero", "/dev/zero", "../../../../dev/zero", "Asia/../Asia/Tokyo", "Japan", "UTC",
                         "Asia/Nowhere"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse_with_timezone(bad[i]), KOFU_E_CENTER_RESPONSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_names),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_config_with_bad_timezone_refused),
    };
    return cmocka_run_group_tests(tests, make_tree, remove_tree);
}
