/* idem.c — see idem.h. */
#include "idem.h"

#include <stdlib.h>
#include <string.h>

#define IDEM_BUCKETS 4096u /* a power of two */

struct idem_node {
    struct idem_entry e;
    int64_t stored_at;
    struct idem_node *chain; /* next in the hash bucket */
    struct idem_node *newer; /* next in the expiry queue */
};

struct idem {
    struct idem_node *buckets[IDEM_BUCKETS];
    struct idem_node *oldest, *newest;
    size_t count, max;
};

/* FNV-1a: request ids are random UUIDs, so any spread-out hash will do. */
static size_t idem_bucket(const char *request_id)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)request_id; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h & (IDEM_BUCKETS - 1);
}

idem *idem_new(size_t max_entries)
{
    idem *m = calloc(1, sizeof *m);
    if (m)
        m->max = max_entries ? max_entries : 1;
    return m;
}

/* Drop the oldest entry (it heads the queue). */
static void idem_drop_oldest(idem *m)
{
    struct idem_node *n = m->oldest;
    struct idem_node **pp = &m->buckets[idem_bucket(n->e.request_id)];
    while (*pp && *pp != n)
        pp = &(*pp)->chain;
    if (*pp)
        *pp = n->chain;
    m->oldest = n->newer;
    if (!m->oldest)
        m->newest = NULL;
    m->count--;
    explicit_bzero(n, sizeof *n);
    free(n);
}

void idem_free(idem *m)
{
    if (!m)
        return;
    while (m->oldest)
        idem_drop_oldest(m);
    free(m);
}

void idem_expire(idem *m, int64_t now)
{
    while (m->oldest && now - m->oldest->stored_at >= IDEM_TTL_SECONDS)
        idem_drop_oldest(m);
}

const struct idem_entry *idem_find(idem *m, const char *request_id, int64_t now)
{
    idem_expire(m, now);
    for (struct idem_node *n = m->buckets[idem_bucket(request_id)]; n; n = n->chain)
        if (strcmp(n->e.request_id, request_id) == 0)
            return &n->e;
    return NULL;
}

bool idem_put(idem *m, const struct idem_entry *e, int64_t now)
{
    idem_expire(m, now);
    while (m->count >= m->max)
        idem_drop_oldest(m);
    struct idem_node *n = calloc(1, sizeof *n);
    if (!n)
        return false;
    n->e = *e;
    n->stored_at = now;
    size_t b = idem_bucket(e->request_id);
    n->chain = m->buckets[b];
    m->buckets[b] = n;
    if (m->newest)
        m->newest->newer = n;
    else
        m->oldest = n;
    m->newest = n;
    m->count++;
    return true;
}

size_t idem_count(const idem *m) { return m->count; }
