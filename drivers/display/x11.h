/*
 * x11.h — the sim board's screen as an X11 window, with the mouse as the
 * touch panel and the keyboard for shortcuts (Xlib; Xvfb in tests).
 *
 * Owns: x11_display_ops and x11_input_ops, and the one X connection and
 * window they share (a process has one kiosk screen: opening a second
 * display fails).
 *
 * Display: open() connects to spec (a display name such as ":1", or
 * NULL/"" for $DISPLAY) and maps a window titled "kofu" of exactly the size
 * asked for (at least 800×480), which the window manager is asked not to
 * resize. The server must offer a 24- or 32-bit TrueColor visual with
 * 8-bit red, green and blue (Xvfb and any desktop do). present() copies the
 * frame into the driver's one XImage buffer and puts it with XPutImage; the
 * copy is kept only so that an exposed window can be repainted, and is
 * wiped with explicit_bzero by clear() and close().
 *
 * Input: open() needs the display open (spec is ignored). A press of mouse
 * button 1 is reported on release as INPUT_TOUCH at the press position,
 * scaled to the size input open() was given; keys come as INPUT_KEY:
 * printable ASCII as itself ('0'-'9', 'c', 't', ...), BackSpace
 * (INPUT_KEY_BACKSPACE), Return and keypad Enter (INPUT_KEY_ENTER), Escape
 * (INPUT_KEY_ESCAPE), F1 (INPUT_KEY_F1); keypad digits as digits. Closing
 * the window (WM_DELETE_WINDOW) is INPUT_QUIT. fd() is the X connection;
 * read() drains what the server has sent without blocking, and repaints on
 * Expose on the way — so the window is repainted as long as the main loop
 * polls input, which it always does.
 *
 * An X protocol error is reported by the next call as KOFU_E_DISPLAY or
 * KOFU_E_INPUT. A lost connection to the X server ends the process (Xlib's
 * rule); acceptable for the sim board, which is the only user.
 */
#ifndef KOFU_X11_H
#define KOFU_X11_H

#include "drivers/display.h"
#include "drivers/input.h"

extern const struct display_ops x11_display_ops;
extern const struct input_ops x11_input_ops;

#endif
