/*
 * needles.c — the privacy tests' needles and their scan (needles.h).
 */
#include "tests/lib/needles.h"

#include "base/b64.h"
#include "tests/lib/docs.h"

#include <dirent.h>
#include <fcntl.h>
#include <iconv.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NEEDLES_MAX 256
#define HITS_MAX 64
#define CHUNK (1u << 20)

struct needle {
    char what[64];
    uint8_t bytes[KT_NEEDLE_MAX];
    size_t len;
};

struct hit {
    const struct needle *n;
    char where[1100];
};

static struct needle needles[NEEDLES_MAX];
static size_t n_needles;
static struct hit hits[HITS_MAX];
static size_t n_hits;

void kt_needles_clear(void)
{
    n_needles = 0;
    n_hits = 0;
}

size_t kt_needles_count(void) { return n_needles; }

void kt_needle_bytes(const char *what, const void *b, size_t len)
{
    if (len < 6 || len > KT_NEEDLE_MAX || n_needles == NEEDLES_MAX)
        return; /* shorter ones would match by chance */
    for (size_t i = 0; i < n_needles; i++)
        if (needles[i].len == len && !memcmp(needles[i].bytes, b, len))
            return;
    struct needle *n = &needles[n_needles++];
    snprintf(n->what, sizeof n->what, "%s", what);
    memcpy(n->bytes, b, len);
    n->len = len;
}

void kt_needle_str(const char *what, const char *s) { kt_needle_bytes(what, s, strlen(s)); }

/* s (UTF-8) in another encoding; nothing when it cannot be written there
 * (e.g. no Shift-JIS for a rare kanji). */
static void needle_encoded(const char *what, const char *s, const char *charset)
{
    iconv_t cd = iconv_open(charset, "UTF-8");
    if (cd == (iconv_t)-1)
        return;
    char out[KT_NEEDLE_MAX];
    char *in = (char *)(uintptr_t)s, *o = out;
    size_t il = strlen(s), ol = sizeof out;
    size_t rc = iconv(cd, &in, &il, &o, &ol);
    iconv_close(cd);
    if (rc == (size_t)-1)
        return;
    char label[64];
    snprintf(label, sizeof label, "%s/%s", what, charset);
    kt_needle_bytes(label, out, (size_t)(o - out));
}

void kt_needle_text(const char *what, const char *utf8)
{
    kt_needle_str(what, utf8);
    needle_encoded(what, utf8, "UTF-16LE");
    needle_encoded(what, utf8, "UTF-16BE");
    needle_encoded(what, utf8, "SHIFT_JIS");
    needle_encoded(what, utf8, "CP932");
}

void kt_needle_b64(const char *what, const uint8_t *b, size_t len)
{
    char text[8192];
    if (len == 0 || !b64_encode(b, len, text, sizeof text, false))
        return;
    kt_needle_str(what, text);
    if (strlen(text) > 48) {
        char part[33];
        memcpy(part, text + 12, 32);
        part[32] = '\0';
        kt_needle_str(what, part);
    }
}

int kt_needles_resident(const char *resident_json)
{
    json_error_t err;
    json_t *r = json_load_file(resident_json, 0, &err);
    if (!r)
        return -1;
    const char *number = json_string_value(json_object_get(r, "my_number"));
    const char *name = json_string_value(json_object_get(r, "name"));
    const char *address = json_string_value(json_object_get(r, "address"));
    const char *birth = json_string_value(json_object_get(r, "birth_date"));
    const char *pin = json_string_value(json_object_get(r, "pin"));
    if (!number || !name || !address || !birth || strlen(birth) != 8 || !pin || strlen(pin) != 4) {
        json_decref(r);
        return -1;
    }
    kt_needle_str("my-number", number);
    needle_encoded("my-number", number, "UTF-16LE");
    kt_needle_text("name", name);
    kt_needle_text("address", address);
    char form[64];
    kt_needle_str("birth-date", birth);
    snprintf(form, sizeof form, "%.4s-%.2s-%.2s", birth, birth + 4, birth + 6);
    kt_needle_str("birth-date", form);
    snprintf(form, sizeof form, "%.4s/%.2s/%.2s", birth, birth + 4, birth + 6);
    kt_needle_str("birth-date", form);
    snprintf(form, sizeof form, "%.4s年%d月%d日", birth, atoi((char[]){birth[4], birth[5], 0}),
             atoi((char[]){birth[6], birth[7], 0}));
    kt_needle_text("birth-date", form);
    /* The PIN in context: VERIFY as it goes to the card. */
    uint8_t verify[] = {0x00, 0x20, 0x00, 0x80, 0x04, 0, 0, 0, 0};
    memcpy(verify + 5, pin, 4);
    kt_needle_bytes("pin-verify-apdu", verify, sizeof verify);
    json_decref(r);
    return 0;
}

int kt_needles_printed_codes(const char *received_dir, const char *work_dir, int *shc, int *seal)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "for f in %s/*.pdf; do pdftoppm -r 150 -gray \"$f\" %s/page >/dev/null 2>&1 && "
             "zbarimg --raw -q %s/page*.pgm 2>/dev/null; rm -f %s/page*.pgm; done",
             received_dir, work_dir, work_dir, work_dir);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    static char line[65536];
    *shc = 0;
    *seal = 0;
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, "shc:/", 5)) {
            (*shc)++;
            kt_needle_str("shc-qr-text", line);
            char jws[4096];
            if (kt_shc_jws_of_qr_text(line, jws, sizeof jws) < 0)
                continue;
            kt_needle_str("shc-jws", jws);
            char *dot1 = strchr(jws, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
            if (dot1 && dot2) {
                *dot2 = '\0';
                kt_needle_str("shc-jws-payload", dot1 + 1);
                kt_needle_str("shc-jws-signature", dot2 + 1);
                if (strlen(dot1 + 1) > 64) {
                    dot1[1 + 64] = '\0';
                    kt_needle_str("shc-jws-payload-start", dot1 + 1);
                }
            }
        } else if (strstr(line, "\"sig\"")) {
            (*seal)++;
            kt_needle_str("vds-seal", line);
            const char *sv = strstr(line, "\"sigvl\":\"");
            if (sv) {
                char sig[200];
                snprintf(sig, sizeof sig, "%.*s", (int)strcspn(sv + 9, "\""), sv + 9);
                kt_needle_str("vds-seal-signature", sig);
            }
        }
    }
    return pclose(p) == -1 ? -1 : 0;
}

static void record_hit(const struct needle *n, const char *where)
{
    for (size_t i = 0; i < n_hits; i++)
        if (hits[i].n == n && !strcmp(hits[i].where, where))
            return;
    if (n_hits < HITS_MAX) {
        hits[n_hits].n = n;
        snprintf(hits[n_hits].where, sizeof hits[n_hits].where, "%s", where);
        n_hits++;
    }
}

static bool all_zero(const uint8_t *b, size_t n)
{
    static const uint8_t zero[4096];
    for (size_t off = 0; off < n; off += sizeof zero) {
        size_t k = n - off < sizeof zero ? n - off : sizeof zero;
        if (memcmp(b + off, zero, k))
            return false;
    }
    return true;
}

void kt_needles_scan(const uint8_t *b, size_t n, const char *where)
{
    if (all_zero(b, n))
        return;
    for (size_t i = 0; i < n_needles; i++)
        if (memmem(b, n, needles[i].bytes, needles[i].len))
            record_hit(&needles[i], where);
}

size_t kt_needles_scan_process(pid_t pid, const char *name)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *maps = fopen(path, "r");
    snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
    int mem = open(path, O_RDONLY);
    uint8_t *buf = malloc(CHUNK + KT_NEEDLE_MAX);
    size_t total = 0;
    char line[512];
    while (maps && mem >= 0 && buf && fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perms[8] = "", file[300] = "";
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %299[^\n]", &lo, &hi, perms, file) < 3)
            continue;
        if (!strcmp(file, "[vvar]") || !strcmp(file, "[vsyscall]"))
            continue;
        char where[400];
        snprintf(where, sizeof where, "%s %lx-%lx %s %s", name, lo, hi, perms, *file ? file : "[anon]");
        size_t carry = 0;
        for (unsigned long at = lo; at < hi;) {
            size_t want = hi - at < CHUNK ? hi - at : CHUNK;
            ssize_t got = pread(mem, buf + carry, want, (off_t)at);
            if (got <= 0) {
                /* An unreadable page (a guard page): skip it. */
                at += 4096;
                carry = 0;
                continue;
            }
            total += (size_t)got;
            kt_needles_scan(buf, carry + (size_t)got, where);
            /* Keep the tail so that a needle across two chunks is found. */
            size_t keep = carry + (size_t)got < KT_NEEDLE_MAX ? carry + (size_t)got : KT_NEEDLE_MAX;
            memmove(buf, buf + carry + (size_t)got - keep, keep);
            carry = keep;
            at += (unsigned long)got;
        }
    }
    free(buf);
    if (mem >= 0)
        close(mem);
    if (maps)
        fclose(maps);
    return total;
}

static bool skipped(const char *path, const char *const *skip)
{
    for (const char *const *s = skip; s && *s; s++)
        if (!strncmp(path, *s, strlen(*s)))
            return true;
    return false;
}

unsigned kt_needles_scan_files(const char *dir, time_t since, const char *const *skip)
{
    if (skipped(dir, skip))
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    unsigned n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".git"))
            continue; /* (.git: only git writes there, never kofu) */
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", strcmp(dir, "/") ? dir : "", e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            n += kt_needles_scan_files(path, since, skip);
        } else if (S_ISREG(st.st_mode) && (since == 0 || st.st_mtime >= since || st.st_ctime >= since) &&
                   st.st_size < (64 << 20) && !skipped(path, skip)) {
            int fd = open(path, O_RDONLY | O_NONBLOCK);
            if (fd < 0)
                continue;
            uint8_t *b = malloc((size_t)st.st_size + 1);
            ssize_t got = b ? read(fd, b, (size_t)st.st_size) : -1;
            if (got > 0) {
                char where[1100];
                snprintf(where, sizeof where, "file %s", path);
                kt_needles_scan(b, (size_t)got, where);
                n++;
            }
            free(b);
            close(fd);
        }
    }
    closedir(d);
    return n;
}

size_t kt_needles_hits(void) { return n_hits; }
const char *kt_needles_hit_what(size_t i) { return i < n_hits ? hits[i].n->what : NULL; }
const char *kt_needles_hit_where(size_t i) { return i < n_hits ? hits[i].where : NULL; }
void kt_needles_clear_hits(void) { n_hits = 0; }

bool kt_needles_hit_has(const char *what)
{
    for (size_t i = 0; i < n_hits; i++)
        if (!strcmp(hits[i].n->what, what))
            return true;
    return false;
}

void kt_needles_print_hits(const char *when)
{
    fprintf(stderr, "%s: %zu hit(s)\n", when, n_hits);
    for (size_t i = 0; i < n_hits; i++)
        fprintf(stderr, "  %-28s in %s\n", hits[i].n->what, hits[i].where);
}
