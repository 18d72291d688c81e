/* events.c — session events as the kiosk builds them (tests/lib/events.h). */
#include "tests/lib/events.h"

struct session_event kt_event(enum session_event_kind k)
{
    return (struct session_event){.kind = k, .minute_of_day = -1, .index = -1};
}

struct session_event kt_tap(enum session_button b)
{
    struct session_event e = kt_event(SESSION_EV_TAP);
    e.button = b;
    return e;
}
