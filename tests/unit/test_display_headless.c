/*
 * test_display_headless.c — the sim board's headless display
 * (drivers/display/headless.c): sizes it accepts, frames counted, nothing kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "base/errors.h"
#include "drivers/display/headless.h"

static void test_sizes(void **state)
{
    (void)state;
    const struct display_ops *ops = &headless_display_ops;
    void *c = NULL;
    int w = 799, h = 480;
    assert_int_equal(ops->open(&c, NULL, &w, &h), KOFU_E_DISPLAY);
    w = 800;
    h = 479;
    assert_int_equal(ops->open(&c, NULL, &w, &h), KOFU_E_DISPLAY);
    w = 1920;
    h = 1080;
    assert_int_equal(ops->open(&c, "", &w, &h), KOFU_OK);
    assert_int_equal(w, 1920); /* any size from the minimum up is kept as asked */
    assert_int_equal(h, 1080);
    ops->close(c);
}

static void test_frames_counted(void **state)
{
    (void)state;
    const struct display_ops *ops = &headless_display_ops;
    void *c = NULL;
    int w = 1280, h = 800;
    assert_int_equal(ops->open(&c, NULL, &w, &h), KOFU_OK);
    uint8_t *frame = calloc((size_t)w * h, 4);
    assert_non_null(frame);
    struct headless_display_stats st;
    headless_display_stats(c, &st);
    assert_int_equal(st.frames, 0);
    assert_int_equal(st.width, 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(ops->present(c, frame, w * 4, w, h), KOFU_OK);
    assert_int_equal(ops->present(c, frame, w * 4, 800, 480), KOFU_E_ARG); /* not the size open() gave */
    assert_int_equal(ops->present(c, frame, w * 4 - 4, w, h), KOFU_E_ARG);
    assert_int_equal(ops->present(c, NULL, w * 4, w, h), KOFU_E_ARG);
    assert_int_equal(ops->clear(c), KOFU_OK);
    headless_display_stats(c, &st);
    assert_int_equal(st.frames, 3);
    assert_int_equal(st.clears, 1);
    assert_int_equal(st.width, 1280);
    assert_int_equal(st.height, 800);
    free(frame);
    ops->close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_frames_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
