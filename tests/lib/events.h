/*
 * events.h — session events as the kiosk builds them, for the tests that
 * drive the session state machine (test_session, test_screens).
 *
 * Owns nothing. The kiosk fills "unknown" fields with -1, not 0 (minute 0
 * is midnight, index 0 is the first municipality): an event built any other
 * way would test a session the kiosk never feeds.
 */
#ifndef KOFU_TESTS_LIB_EVENTS_H
#define KOFU_TESTS_LIB_EVENTS_H

#include "session/session.h"

/** An event of kind k with nothing else known: zeroed, minute_of_day and
 *  index -1. */
struct session_event kt_event(enum session_event_kind k);

/** A TAP on button b. */
struct session_event kt_tap(enum session_button b);

#endif
