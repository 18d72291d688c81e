/* service_state.c — see service_state.h.
 *
 * The text form: a header line, then one "key value" line for every field,
 * each number zero-padded to a fixed width, so that the file always has the
 * same size. A rewrite in place then never leaves the tail of a longer old
 * version behind, and a write that lands whole (one pwrite of a few KB)
 * replaces every byte of the last one.
 */
#include "diag/service_state.h"

#include "base/errors.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATE_MAGIC "kofu-state 1"
/* Longer than any line the format writes ("locked_until " and 19 digits). */
#define STATE_LINE_MAX 64
/* The format's whole size is fixed (see above); this is the buffer. */
#define STATE_TEXT_MAX 8192
#define KEY_MAX 24

enum { W_U32 = 10, W_I64 = 19 };

/* The scalar fields, in the order the file has them. */
enum field { F_SINCE, F_VISITS, F_CERTIFICATES, F_REFUNDS, F_RECEIPTS, F_FAILURES, F_LOCKED_UNTIL, F__COUNT };
static const char *const field_names[F__COUNT] = {
    "since", "visits", "certificates", "refunds", "receipts", "failures", "locked_until",
};

static bool is_i64_field(int f) { return f == F_SINCE || f == F_LOCKED_UNTIL; }

static void *field_ptr(struct service_state *st, int f)
{
    switch (f) {
    case F_SINCE: return &st->c.since;
    case F_VISITS: return &st->c.visits;
    case F_CERTIFICATES: return &st->c.certificates;
    case F_REFUNDS: return &st->c.refunds;
    case F_RECEIPTS: return &st->c.receipts;
    case F_FAILURES: return &st->l.failures;
    default: return &st->l.locked_until;
    }
}

/* ---- the text form ---------------------------------------------------- */

/* Decimal digits only (no sign, no space), at most 19 of them, at most max. */
static bool parse_number(kofu_cur v, uint64_t max, uint64_t *out)
{
    size_t n = cur_len(&v);
    if (n == 0 || n > W_I64)
        return false;
    uint64_t x = 0;
    uint8_t c;
    while (cur_get_u8(&v, &c)) {
        if (c < '0' || c > '9')
            return false;
        x = x * 10 + (uint64_t)(c - '0'); /* 19 digits cannot overflow 64 bits */
    }
    if (x > max)
        return false;
    *out = x;
    return true;
}

/* The next line without its LF; false when there is no LF within reach. */
static bool next_line(kofu_cur *in, kofu_cur *line)
{
    const uint8_t *p = cur_data(in);
    size_t n = cur_len(in);
    size_t reach = n < STATE_LINE_MAX + 1 ? n : STATE_LINE_MAX + 1;
    const uint8_t *lf = reach ? memchr(p, '\n', reach) : NULL;
    if (!lf)
        return false;
    size_t len = (size_t)(lf - p);
    return cur_get_bytes(in, line, len) && cur_skip(in, 1);
}

/* Which key the line names: a scalar field (0..F__COUNT-1) or an error slot
 * (F__COUNT + slot); -1 for none. */
static int key_index(kofu_cur key)
{
    for (int f = 0; f < F__COUNT; f++)
        if (cur_equals(&key, (const uint8_t *)field_names[f], strlen(field_names[f])))
            return f;
    static const char prefix[] = "error_";
    kofu_cur k = key;
    kofu_cur pre;
    if (!cur_get_bytes(&k, &pre, sizeof prefix - 1) || !cur_equals(&pre, (const uint8_t *)prefix, sizeof prefix - 1))
        return -1;
    /* The slot as the format writes it: no leading zero but for 0 itself. */
    uint64_t slot;
    if (!parse_number(k, SERVICE_ERR_SLOTS - 1, &slot))
        return -1;
    if (cur_len(&k) > 1 && cur_data(&k)[0] == '0')
        return -1;
    return F__COUNT + (int)slot;
}

int service_state_parse(kofu_cur in, struct service_state *st)
{
    memset(st, 0, sizeof *st);
    if (cur_len(&in) == 0)
        return KOFU_OK; /* a new file */
    struct service_state s = {0};
    bool seen[F__COUNT + SERVICE_ERR_SLOTS] = {false};
    kofu_cur line;
    if (!next_line(&in, &line) || !cur_equals(&line, (const uint8_t *)STATE_MAGIC, sizeof STATE_MAGIC - 1))
        return KOFU_E_CONFIG;
    while (cur_len(&in) > 0) {
        if (!next_line(&in, &line))
            return KOFU_E_CONFIG;
        const uint8_t *p = cur_data(&line);
        size_t n = cur_len(&line);
        const uint8_t *sp = n ? memchr(p, ' ', n) : NULL;
        if (!sp)
            return KOFU_E_CONFIG;
        kofu_cur key, value;
        if (!cur_get_bytes(&line, &key, (size_t)(sp - p)) || !cur_skip(&line, 1))
            return KOFU_E_CONFIG;
        value = line;
        int k = key_index(key);
        if (k < 0 || seen[k])
            return KOFU_E_CONFIG;
        seen[k] = true;
        uint64_t x;
        if (k < F__COUNT) {
            if (!parse_number(value, is_i64_field(k) ? (uint64_t)INT64_MAX : UINT32_MAX, &x))
                return KOFU_E_CONFIG;
            if (is_i64_field(k))
                *(int64_t *)field_ptr(&s, k) = (int64_t)x;
            else
                *(uint32_t *)field_ptr(&s, k) = (uint32_t)x;
        } else {
            if (!parse_number(value, UINT32_MAX, &x))
                return KOFU_E_CONFIG;
            s.c.errors[k - F__COUNT] = (uint32_t)x;
        }
    }
    *st = s;
    return KOFU_OK;
}

int service_state_format(const struct service_state *st, char *buf, size_t cap)
{
    struct service_state s = *st;
    /* Times before 1970 are not kiosk times: written as 0 (never). */
    if (s.c.since < 0)
        s.c.since = 0;
    if (s.l.locked_until < 0)
        s.l.locked_until = 0;
    size_t len = 0;
    for (int f = -1; f < F__COUNT + SERVICE_ERR_SLOTS; f++) {
        char *at = buf + len;
        size_t room = cap - len;
        int n;
        if (f < 0)
            n = snprintf(at, room, "%s\n", STATE_MAGIC);
        else if (f < F__COUNT && is_i64_field(f))
            n = snprintf(at, room, "%s %0*" PRId64 "\n", field_names[f], W_I64, *(const int64_t *)field_ptr(&s, f));
        else if (f < F__COUNT)
            n = snprintf(at, room, "%s %0*" PRIu32 "\n", field_names[f], W_U32, *(const uint32_t *)field_ptr(&s, f));
        else
            n = snprintf(at, room, "error_%d %0*" PRIu32 "\n", f - F__COUNT, W_U32, s.c.errors[f - F__COUNT]);
        if (n < 0 || (size_t)n >= room)
            return -1;
        len += (size_t)n;
    }
    return (int)len;
}

/* ---- the file --------------------------------------------------------- */

int service_state_open(struct service_state_file *f, const char *path, bool writable, struct service_state *st)
{
    f->fd = -1;
    memset(st, 0, sizeof *st);
    if (!path || !*path)
        return KOFU_E_CONFIG;
    int flags = (writable ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW;
    int fd = open(path, flags, 0600);
    if (fd < 0)
        return KOFU_E_CONFIG;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return KOFU_E_CONFIG;
    }
    f->fd = fd;
    char text[STATE_TEXT_MAX + 1];
    size_t len = 0;
    while (len < sizeof text) {
        ssize_t r = pread(fd, text + len, sizeof text - len, (off_t)len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return KOFU_E_CONFIG;
        if (r == 0)
            break;
        len += (size_t)r;
    }
    if (len > STATE_TEXT_MAX)
        return KOFU_E_CONFIG;
    kofu_cur in;
    cur_init(&in, (const uint8_t *)text, len);
    return service_state_parse(in, st);
}

int service_state_write(struct service_state_file *f, const struct service_state *st)
{
    if (!f || f->fd < 0)
        return KOFU_E_CONFIG;
    char text[STATE_TEXT_MAX];
    int n = service_state_format(st, text, sizeof text);
    if (n < 0)
        return KOFU_E_INTERNAL;
    size_t done = 0;
    while (done < (size_t)n) {
        ssize_t w = pwrite(f->fd, text + done, (size_t)n - done, (off_t)done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return KOFU_E_CONFIG;
        done += (size_t)w;
    }
    /* The size is fixed, so this only cuts a file that was something else. */
    if (ftruncate(f->fd, (off_t)n) != 0 || fsync(f->fd) != 0)
        return KOFU_E_CONFIG;
    return KOFU_OK;
}

void service_state_close(struct service_state_file *f)
{
    if (f && f->fd >= 0)
        close(f->fd);
    if (f)
        f->fd = -1;
}

/* ---- the counters and the lock-out ------------------------------------ */

static void bump(uint32_t *x)
{
    if (*x < UINT32_MAX)
        (*x)++;
}

void service_counters_error(struct service_counters *c, int err)
{
    if (err == KOFU_OK)
        return;
    long slot = err < 0 ? -(long)err : 0;
    bump(&c->errors[slot > 0 && slot < SERVICE_ERR_SLOTS ? slot : 0]);
}

void service_counters_reset(struct service_counters *c, int64_t now)
{
    memset(c, 0, sizeof *c);
    c->since = now;
}

bool service_lockout_active(const struct service_lockout *l, int64_t now)
{
    return l->locked_until != 0 && now < l->locked_until;
}

bool service_lockout_failure(struct service_lockout *l, int64_t now, int lockout_seconds)
{
    /* A lock-out that has run out gives a fresh five tries. */
    if (l->locked_until != 0 && now >= l->locked_until) {
        l->locked_until = 0;
        l->failures = 0;
    }
    bump(&l->failures);
    if (l->failures < SERVICE_FAILURES_MAX)
        return false;
    int64_t secs = lockout_seconds > 0 ? lockout_seconds : 0;
    l->locked_until = now + secs;
    return true;
}

void service_lockout_success(struct service_lockout *l)
{
    l->failures = 0;
    l->locked_until = 0;
}

void service_lockout_lock(struct service_lockout *l, int64_t now, int lockout_seconds)
{
    l->failures = SERVICE_FAILURES_MAX;
    l->locked_until = now + (lockout_seconds > 0 ? lockout_seconds : 0);
}

bool service_lockout_clamp(struct service_lockout *l, int64_t now, int lockout_seconds)
{
    int64_t secs = lockout_seconds > 0 ? lockout_seconds : 0;
    if (l->locked_until == 0 || l->locked_until <= now || l->locked_until - now <= secs)
        return false;
    l->locked_until = now + secs;
    return true;
}
