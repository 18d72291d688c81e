/* tmp.c — temporary directories and files for tests (tests/lib/tmp.h). */
#include "tests/lib/tmp.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Enough for the most files one test makes before its teardown. */
#define KT_TEMP_FILES 16

static char temp_files[KT_TEMP_FILES][256];
static size_t n_temp_files;

static const char *tmp_base(void)
{
    const char *b = getenv("TMPDIR");
    return b && *b ? b : "/tmp";
}

bool kt_tempdir(char *dir, size_t cap, const char *tag)
{
    int n = snprintf(dir, cap, "%s/kofu-%s-XXXXXX", tmp_base(), tag);
    return n > 0 && (size_t)n < cap && mkdtemp(dir) != NULL;
}

void kt_rmdir_flat(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[1024];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
                unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

static void die(const char *what, const char *path)
{
    fprintf(stderr, "tests/lib/tmp: %s: %s\n", what, path);
    abort();
}

const char *kt_temp_file(const char *tag, const void *data, size_t len)
{
    if (n_temp_files == KT_TEMP_FILES)
        die("too many temporary files before a teardown", tag);
    char *path = temp_files[n_temp_files];
    int n = snprintf(path, sizeof temp_files[0], "%s/kofu-test-%s-XXXXXX", tmp_base(), tag);
    if (n < 0 || (size_t)n >= sizeof temp_files[0])
        die("path too long", tag);
    int fd = mkstemp(path);
    if (fd < 0)
        die("cannot make", path);
    n_temp_files++;
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w <= 0)
            die("cannot write", path);
        p += w;
        len -= (size_t)w;
    }
    if (close(fd) != 0)
        die("cannot close", path);
    return path;
}

const char *kt_temp_text(const char *tag, const char *text) { return kt_temp_file(tag, text, strlen(text)); }

void kt_temp_files_remove(void)
{
    for (size_t i = 0; i < n_temp_files; i++)
        unlink(temp_files[i]);
    n_temp_files = 0;
}

int kt_temp_teardown(void **state)
{
    (void)state;
    kt_temp_files_remove();
    return 0;
}
