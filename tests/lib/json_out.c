/* json_out.c — see json_out.h. */
#include "tests/lib/json_out.h"

#include <stdio.h>

json_t *kt_json_parse(const char *text, const char *err)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fprintf(stderr, "not JSON (%s): %s\nstderr: %s\n", e.text, text, err);
    return j;
}

const char *kt_json_str(const json_t *j, const char *key)
{
    const json_t *v = json_object_get(j, key);
    return json_is_string(v) ? json_string_value(v) : "(not a string)";
}
