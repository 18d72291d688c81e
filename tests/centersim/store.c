/* store.c — see store.h. */
#include "store.h"

#include "clock.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum store_stmt {
    ST_RESIDENT,
    ST_DOSES,
    ST_OTHER,
    ST_SERIAL,
    ST_COMPLETION,
    ST__COUNT
};

static const char *const store_sql[ST__COUNT] = {
    [ST_RESIDENT] = "SELECT my_number, name, birth_date, name_roman, passport_number, nationality "
                    "FROM residents WHERE my_number = ?1",
    /* seq numbers the whole series; the latest first, so that a cap keeps the latest */
    [ST_DOSES] = "SELECT municipality, date, cvx, lot, product_ja, product_en, manufacturer_ja, "
                 "manufacturer_en, performer, country, seq FROM (SELECT *, row_number() OVER "
                 "(ORDER BY date, id) AS seq FROM doses WHERE my_number = ?1) WHERE municipality = ?2 "
                 "ORDER BY date DESC, id DESC",
    [ST_OTHER] = "SELECT my_number, name, birth_date, name_roman, passport_number, nationality "
                 "FROM residents r WHERE my_number <> ?1 AND EXISTS (SELECT 1 FROM doses d "
                 "WHERE d.my_number = r.my_number AND d.municipality = ?2) "
                 "AND (?3 = 0 OR passport_number IS NOT NULL) ORDER BY my_number LIMIT 1",
    [ST_SERIAL] = "INSERT INTO serials(municipality, year, last) VALUES (?1, ?2, 1) "
                  "ON CONFLICT(municipality, year) DO UPDATE SET last = last + 1 RETURNING last",
    [ST_COMPLETION] = "INSERT OR IGNORE INTO completions(request_id, certificate_id, outcome, "
                      "copies_printed, amount_yen, kiosk, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
};

/* The fixture tables are made anew at every start; the accounting tables
 * persist in a --db file. */
static const char store_schema[] =
    "PRAGMA foreign_keys = ON;"
    "DROP TABLE IF EXISTS doses;"
    "DROP TABLE IF EXISTS residents;"
    "DROP TABLE IF EXISTS municipalities;"
    "CREATE TABLE municipalities(code TEXT PRIMARY KEY, name_ja TEXT NOT NULL, name_en TEXT NOT NULL,"
    " mayor_ja TEXT NOT NULL, mayor_en TEXT NOT NULL, participating INTEGER NOT NULL);"
    "CREATE TABLE residents(my_number TEXT PRIMARY KEY, name TEXT NOT NULL, birth_date TEXT NOT NULL,"
    " name_roman TEXT NOT NULL, passport_number TEXT, nationality TEXT);"
    "CREATE TABLE doses(id INTEGER PRIMARY KEY, my_number TEXT NOT NULL REFERENCES residents,"
    " municipality TEXT NOT NULL REFERENCES municipalities, date TEXT NOT NULL, cvx TEXT NOT NULL,"
    " lot TEXT NOT NULL, product_ja TEXT NOT NULL, product_en TEXT NOT NULL,"
    " manufacturer_ja TEXT NOT NULL, manufacturer_en TEXT NOT NULL, performer TEXT NOT NULL,"
    " country TEXT NOT NULL);"
    "CREATE INDEX doses_by_resident ON doses(my_number, municipality, date);"
    "CREATE TABLE IF NOT EXISTS completions(id INTEGER PRIMARY KEY, request_id TEXT NOT NULL,"
    " certificate_id TEXT NOT NULL, outcome TEXT NOT NULL, copies_printed INTEGER NOT NULL,"
    " amount_yen INTEGER NOT NULL, kiosk TEXT NOT NULL, received_at INTEGER NOT NULL,"
    " UNIQUE(request_id, outcome));"
    "CREATE TABLE IF NOT EXISTS serials(municipality TEXT NOT NULL, year INTEGER NOT NULL,"
    " last INTEGER NOT NULL, PRIMARY KEY(municipality, year));";

struct store {
    sqlite3 *db;
    sqlite3_stmt *stmt[ST__COUNT];
    struct store_config config;
    struct store_municipality *munis;
    size_t n_munis;
};

/* ---- checks shared by the fixture and the API ----------------------------- */

bool store_local_gov_code_valid(const char *code)
{
    static const int weights[5] = {6, 5, 4, 3, 2};
    int sum = 0;
    for (int i = 0; i < STORE_CODE_LEN; i++)
        if (code[i] < '0' || code[i] > '9')
            return false;
    if (code[STORE_CODE_LEN] != '\0')
        return false;
    for (int i = 0; i < 5; i++)
        sum += (code[i] - '0') * weights[i];
    return code[5] - '0' == (11 - sum % 11) % 10;
}

/* ---- fixture validation ---------------------------------------------------- */

/* Where in the fixture we are, for error messages: "residents[2].name". */
struct fx {
    char *err;
    size_t errlen;
};

__attribute__((format(printf, 2, 3))) static bool fx_fail(struct fx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(x->err, x->errlen, "fixture: ");
    if (n > 0 && (size_t)n < x->errlen)
        vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

/* UTF-8 (jansson checked it) without C0/C1 controls or DEL. */
static bool fx_text_clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; p[i]; i++) {
        if (p[i] < 0x20 || p[i] == 0x7F)
            return false;
        if (p[i] == 0xC2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
            return false; /* U+0080..U+009F */
    }
    return true;
}

static bool fx_only(const char *s, const char *allowed)
{
    for (; *s; s++)
        if (!strchr(allowed, *s))
            return false;
    return true;
}

#define FX_DIGITS "0123456789"
#define FX_UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

/* Refuse keys the format does not know (usually typos); "_…" are comments. */
static bool fx_keys(struct fx *x, json_t *obj, const char *where, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        bool ok = key[0] == '_';
        for (size_t i = 0; !ok && known[i]; i++)
            ok = strcmp(key, known[i]) == 0;
        if (!ok)
            return fx_fail(x, "%s: unknown key \"%.40s\"", where, key);
    }
    return true;
}

/* A string member of 1..max bytes, clean text; copied into out (max+1). */
static bool fx_text(struct fx *x, json_t *obj, const char *where, const char *key, size_t max, char *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        return fx_fail(x, "%s.%s: missing or not a string", where, key);
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (n == 0 || n > max || strlen(s) != n || !fx_text_clean(s))
        return fx_fail(x, "%s.%s: must be 1..%zu bytes of text without control characters", where, key,
                       max);
    memcpy(out, s, n + 1);
    return true;
}

/* A text member that must also consist only of `allowed` characters. */
static bool fx_token(struct fx *x, json_t *obj, const char *where, const char *key, size_t min, size_t max,
                     const char *allowed, char *out)
{
    if (!fx_text(x, obj, where, key, max, out))
        return false;
    if (strlen(out) < min || !fx_only(out, allowed))
        return fx_fail(x, "%s.%s: must be %zu..%zu characters of its alphabet (see README)", where, key,
                       min, max);
    return true;
}

static bool fx_int(struct fx *x, json_t *obj, const char *where, const char *key, int lo, int hi, int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return fx_fail(x, "%s.%s: must be an integer %d..%d", where, key, lo, hi);
    *out = (int)json_integer_value(v);
    return true;
}

static bool fx_config(struct fx *x, json_t *root, struct store_config *c)
{
    static const char *const known[] = {"service_hours", "fee_per_copy_yen", "max_copies", NULL};
    static const char *const hours_known[] = {"open", "close", NULL};
    char open[6], close[6];
    json_t *cfg = json_object_get(root, "config");
    if (!json_is_object(cfg))
        return fx_fail(x, "config: missing or not an object");
    json_t *hours = json_object_get(cfg, "service_hours");
    if (!fx_keys(x, cfg, "config", known))
        return false;
    if (!json_is_object(hours))
        return fx_fail(x, "config.service_hours: missing or not an object");
    if (!fx_keys(x, hours, "config.service_hours", hours_known) ||
        !fx_text(x, hours, "config.service_hours", "open", 5, open) ||
        !fx_text(x, hours, "config.service_hours", "close", 5, close))
        return false;
    if (!clk_parse_hhmm(open, &c->open_min) || !clk_parse_hhmm(close, &c->close_min) ||
        c->open_min >= c->close_min)
        return fx_fail(x, "config.service_hours: open and close must be HH:MM with open < close");
    return fx_int(x, cfg, "config", "fee_per_copy_yen", 0, STORE_FEE_MAX, &c->fee_per_copy_yen) &&
           fx_int(x, cfg, "config", "max_copies", 1, 10, &c->max_copies);
}

/* ---- seeding ---------------------------------------------------------------- */

static bool store_exec(store *s, const char *sql, struct fx *x)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return true;
    fx_fail(x, "database: %s", msg ? msg : "error");
    sqlite3_free(msg);
    return false;
}

/* Bind each text argument (NULL → SQL NULL) and run an INSERT once. */
static bool store_insert(store *s, struct fx *x, const char *sql, const char *where, int n, const char *const *args)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK;
    for (int i = 0; ok && i < n; i++)
        ok = (args[i] ? sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_STATIC)
                      : sqlite3_bind_null(st, i + 1)) == SQLITE_OK;
    int rc = ok ? sqlite3_step(st) : SQLITE_ERROR;
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return true;
    if (rc == SQLITE_CONSTRAINT)
        return fx_fail(x, "%s: duplicate or refers to nothing", where);
    return fx_fail(x, "%s: database error %s", where, sqlite3_errmsg(s->db));
}

static bool fx_municipality(store *s, struct fx *x, json_t *m, size_t i)
{
    static const char *const known[] = {"code", "name_ja", "name_en", "mayor_ja", "mayor_en",
                                        "participating", NULL};
    char where[48];
    struct store_municipality v;
    snprintf(where, sizeof where, "municipalities[%zu]", i);
    if (!json_is_object(m))
        return fx_fail(x, "%s: not an object", where);
    json_t *part = json_object_get(m, "participating");
    if (!fx_keys(x, m, where, known) ||
        !fx_token(x, m, where, "code", STORE_CODE_LEN, STORE_CODE_LEN, FX_DIGITS, v.code) ||
        !fx_text(x, m, where, "name_ja", STORE_TEXT_MAX, v.name_ja) ||
        !fx_text(x, m, where, "name_en", STORE_TEXT_MAX, v.name_en) ||
        !fx_text(x, m, where, "mayor_ja", STORE_TEXT_MAX, v.mayor_ja) ||
        !fx_text(x, m, where, "mayor_en", STORE_TEXT_MAX, v.mayor_en))
        return false;
    if (!store_local_gov_code_valid(v.code))
        return fx_fail(x, "%s.code: wrong check digit", where);
    if (!json_is_boolean(part))
        return fx_fail(x, "%s.participating: missing or not true/false", where);
    const char *args[] = {v.code, v.name_ja, v.name_en, v.mayor_ja, v.mayor_en, json_is_true(part) ? "1" : "0"};
    return store_insert(s, x,
                        "INSERT INTO municipalities VALUES (?1, ?2, ?3, ?4, ?5, CAST(?6 AS INTEGER))",
                        where, 6, args);
}

static bool fx_passport(struct fx *x, json_t *r, const char *where, struct store_resident *v)
{
    static const char *const known[] = {"number", "nationality", NULL};
    char pw[64];
    json_t *p = json_object_get(r, "passport");
    v->has_passport = p != NULL;
    if (!p)
        return true;
    snprintf(pw, sizeof pw, "%s.passport", where);
    if (!json_is_object(p))
        return fx_fail(x, "%s: not an object", pw);
    return fx_keys(x, p, pw, known) &&
           fx_token(x, p, pw, "number", 1, STORE_PASSPORT_MAX, FX_UPPER FX_DIGITS, v->passport_number) &&
           fx_token(x, p, pw, "nationality", 3, 3, FX_UPPER, v->nationality);
}

static bool fx_resident(store *s, struct fx *x, json_t *r, size_t i)
{
    static const char *const known[] = {"my_number", "name", "birth_date", "name_roman", "passport", NULL};
    char where[48];
    struct store_resident v;
    memset(&v, 0, sizeof v);
    snprintf(where, sizeof where, "residents[%zu]", i);
    if (!json_is_object(r))
        return fx_fail(x, "%s: not an object", where);
    if (!fx_keys(x, r, where, known) ||
        !fx_token(x, r, where, "my_number", KENHOJO_MY_NUMBER_LEN, KENHOJO_MY_NUMBER_LEN, FX_DIGITS,
                  v.my_number) ||
        !fx_text(x, r, where, "name", STORE_NAME_MAX, v.name) ||
        !fx_text(x, r, where, "birth_date", 10, v.birth_date) ||
        !fx_token(x, r, where, "name_roman", 1, STORE_ROMAN_MAX, FX_UPPER " ,'-", v.name_roman) ||
        !fx_passport(x, r, where, &v))
        return false;
    if (!kenhojo_my_number_valid(v.my_number))
        return fx_fail(x, "%s.my_number: wrong check digit", where);
    if (!clk_valid_iso_date(v.birth_date))
        return fx_fail(x, "%s.birth_date: must be a real date YYYY-MM-DD", where);
    const char *args[] = {v.my_number, v.name, v.birth_date, v.name_roman,
                          v.has_passport ? v.passport_number : NULL, v.has_passport ? v.nationality : NULL};
    bool ok = store_insert(s, x, "INSERT INTO residents VALUES (?1, ?2, ?3, ?4, ?5, ?6)", where, 6, args);
    explicit_bzero(&v, sizeof v);
    return ok;
}

static bool fx_dose(store *s, struct fx *x, json_t *d, size_t i)
{
    static const char *const known[] = {"my_number", "municipality", "date", "cvx", "lot", "product_ja",
                                        "product_en", "manufacturer_ja", "manufacturer_en", "performer",
                                        "country", NULL};
    char where[48], my_number[KENHOJO_MY_NUMBER_LEN + 1];
    struct store_dose v;
    snprintf(where, sizeof where, "doses[%zu]", i);
    if (!json_is_object(d))
        return fx_fail(x, "%s: not an object", where);
    if (!fx_keys(x, d, where, known) ||
        !fx_token(x, d, where, "my_number", KENHOJO_MY_NUMBER_LEN, KENHOJO_MY_NUMBER_LEN, FX_DIGITS,
                  my_number) ||
        !fx_token(x, d, where, "municipality", STORE_CODE_LEN, STORE_CODE_LEN, FX_DIGITS, v.municipality) ||
        !fx_text(x, d, where, "date", 10, v.date) ||
        !fx_token(x, d, where, "cvx", 1, STORE_CVX_MAX, FX_DIGITS, v.cvx) ||
        !fx_token(x, d, where, "lot", 1, STORE_LOT_MAX, FX_UPPER FX_DIGITS "abcdefghijklmnopqrstuvwxyz-",
                  v.lot) ||
        !fx_text(x, d, where, "product_ja", STORE_TEXT_MAX, v.product_ja) ||
        !fx_text(x, d, where, "product_en", STORE_TEXT_MAX, v.product_en) ||
        !fx_text(x, d, where, "manufacturer_ja", STORE_TEXT_MAX, v.manufacturer_ja) ||
        !fx_text(x, d, where, "manufacturer_en", STORE_TEXT_MAX, v.manufacturer_en) ||
        !fx_text(x, d, where, "performer", STORE_TEXT_MAX, v.performer))
        return false;
    if (!json_object_get(d, "country"))
        snprintf(v.country, sizeof v.country, "%s", STORE_COUNTRY_DEFAULT);
    else if (!fx_token(x, d, where, "country", 3, 3, FX_UPPER, v.country))
        return false;
    if (!clk_valid_iso_date(v.date))
        return fx_fail(x, "%s.date: must be a real date YYYY-MM-DD", where);
    const char *args[] = {my_number,    v.municipality,    v.date,            v.cvx,       v.lot,    v.product_ja,
                          v.product_en, v.manufacturer_ja, v.manufacturer_en, v.performer, v.country};
    return store_insert(s, x,
                        "INSERT INTO doses(my_number, municipality, date, cvx, lot, product_ja, product_en,"
                        " manufacturer_ja, manufacturer_en, performer, country)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                        where, 11, args);
}

/* Each member of root[key] must be an array of `max` entries at most. */
static bool fx_each(store *s, struct fx *x, json_t *root, const char *key, size_t max,
                    bool (*one)(store *, struct fx *, json_t *, size_t))
{
    json_t *arr = json_object_get(root, key), *v;
    size_t i;
    if (!json_is_array(arr) || json_array_size(arr) > max)
        return fx_fail(x, "%s: missing, not an array, or more than %zu entries", key, max);
    json_array_foreach(arr, i, v)
    {
        if (!one(s, x, v, i))
            return false;
    }
    return true;
}

/* A certificate carries the latest STORE_DOSES_MAX; the fixture may hold
 * more, up to STORE_FIXTURE_DOSES_MAX, to show which ones. */
static bool fx_dose_limits(store *s, struct fx *x)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(s->db,
                                 "SELECT count(*) AS n FROM doses GROUP BY my_number, municipality "
                                 "ORDER BY n DESC LIMIT 1",
                                 -1, &st, NULL) == SQLITE_OK;
    int rc = ok ? sqlite3_step(st) : SQLITE_ERROR;
    int most = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (!ok || (rc != SQLITE_ROW && rc != SQLITE_DONE))
        return fx_fail(x, "database: %s", sqlite3_errmsg(s->db));
    if (most > STORE_FIXTURE_DOSES_MAX)
        return fx_fail(x, "doses: more than %d for one resident in one municipality", STORE_FIXTURE_DOSES_MAX);
    return true;
}

static bool fx_seed(store *s, struct fx *x, json_t *root)
{
    static const char *const known[] = {"config", "municipalities", "residents", "doses", NULL};
    if (!json_is_object(root))
        return fx_fail(x, "not a JSON object");
    return fx_keys(x, root, "(top)", known) && fx_config(x, root, &s->config) &&
           store_exec(s, "BEGIN", x) &&
           fx_each(s, x, root, "municipalities", STORE_MUNICIPALITIES_MAX, fx_municipality) &&
           fx_each(s, x, root, "residents", 100000, fx_resident) &&
           fx_each(s, x, root, "doses", 1000000, fx_dose) && fx_dose_limits(s, x) &&
           store_exec(s, "COMMIT", x);
}

/* ---- reading rows ---------------------------------------------------------- */

static void store_col(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= cap)
        n = 0; /* cannot happen: the fixture was checked against these sizes */
    if (n)
        memcpy(out, t, n);
    out[n] = '\0';
}

static bool store_load_municipalities(store *s, struct fx *x)
{
    sqlite3_stmt *st = NULL;
    size_t cap = STORE_MUNICIPALITIES_MAX;
    s->munis = calloc(cap, sizeof *s->munis);
    if (!s->munis ||
        sqlite3_prepare_v2(s->db,
                           "SELECT code, name_ja, name_en, mayor_ja, mayor_en, participating "
                           "FROM municipalities ORDER BY code",
                           -1, &st, NULL) != SQLITE_OK)
        return fx_fail(x, "database: cannot read municipalities");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && s->n_munis < cap) {
        struct store_municipality *m = &s->munis[s->n_munis++];
        store_col(st, 0, m->code, sizeof m->code);
        store_col(st, 1, m->name_ja, sizeof m->name_ja);
        store_col(st, 2, m->name_en, sizeof m->name_en);
        store_col(st, 3, m->mayor_ja, sizeof m->mayor_ja);
        store_col(st, 4, m->mayor_en, sizeof m->mayor_en);
        m->participating = sqlite3_column_int(st, 5) != 0;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fx_fail(x, "database: cannot read municipalities");
    for (size_t i = 0; i < s->n_munis; i++)
        if (s->munis[i].participating)
            return true;
    return fx_fail(x, "municipalities: none participates (the kiosk would offer nothing)");
}

static bool store_prepare(store *s, struct fx *x)
{
    for (int i = 0; i < ST__COUNT; i++)
        if (sqlite3_prepare_v3(s->db, store_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) !=
            SQLITE_OK)
            return fx_fail(x, "database: %s", sqlite3_errmsg(s->db));
    return true;
}

static bool store_connect(store *s, const char *db_path, struct fx *x)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(db_path ? db_path : ":memory:", &s->db, flags, NULL) != SQLITE_OK)
        return fx_fail(x, "database: cannot open %s", db_path ? db_path : "(memory)");
    /* A file database: WAL and NORMAL sync keep a completion insert cheap. */
    if (db_path && !store_exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", x))
        return false;
    return store_exec(s, store_schema, x);
}

store *store_open(const char *db_path, const char *fixture_path, char *err, size_t errlen)
{
    struct fx x = {err, errlen};
    json_error_t jerr;
    store *s = calloc(1, sizeof *s);
    if (!s) {
        fx_fail(&x, "out of memory");
        return NULL;
    }
    json_t *root = json_load_file(fixture_path, JSON_REJECT_DUPLICATES, &jerr);
    bool ok = root ? true : fx_fail(&x, "%s: line %d: %s", fixture_path, jerr.line, jerr.text);
    ok = ok && store_connect(s, db_path, &x) && fx_seed(s, &x, root) &&
         store_load_municipalities(s, &x) && store_prepare(s, &x);
    json_decref(root);
    if (!ok) {
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(store *s)
{
    if (!s)
        return;
    for (int i = 0; i < ST__COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    sqlite3_close(s->db);
    free(s->munis);
    free(s);
}

const struct store_config *store_get_config(const store *s) { return &s->config; }

size_t store_municipality_count(const store *s) { return s->n_munis; }

const struct store_municipality *store_municipality_at(const store *s, size_t i)
{
    return i < s->n_munis ? &s->munis[i] : NULL;
}

static int store_muni_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct store_municipality *)elem)->code);
}

const struct store_municipality *store_municipality_find(const store *s, const char *code)
{
    return bsearch(code, s->munis, s->n_munis, sizeof *s->munis, store_muni_cmp);
}

bool store_set_participating(store *s, const char *code, bool on)
{
    struct store_municipality *m = bsearch(code, s->munis, s->n_munis, sizeof *s->munis, store_muni_cmp);
    if (!m)
        return false;
    m->participating = on;
    return true;
}

bool store_set_fee(store *s, int yen)
{
    if (yen < 0 || yen > STORE_FEE_MAX)
        return false;
    s->config.fee_per_copy_yen = yen;
    return true;
}

/* ---- queries ---------------------------------------------------------------- */

static sqlite3_stmt *store_begin(store *s, enum store_stmt which)
{
    sqlite3_stmt *st = s->stmt[which];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

static void store_read_resident(sqlite3_stmt *st, struct store_resident *out)
{
    memset(out, 0, sizeof *out);
    store_col(st, 0, out->my_number, sizeof out->my_number);
    store_col(st, 1, out->name, sizeof out->name);
    store_col(st, 2, out->birth_date, sizeof out->birth_date);
    store_col(st, 3, out->name_roman, sizeof out->name_roman);
    out->has_passport = sqlite3_column_type(st, 4) != SQLITE_NULL;
    store_col(st, 4, out->passport_number, sizeof out->passport_number);
    store_col(st, 5, out->nationality, sizeof out->nationality);
}

/* Run a resident query whose parameters are bound: one row or none. */
static int store_one_resident(sqlite3_stmt *st, struct store_resident *out)
{
    int rc = sqlite3_step(st);
    int result = STORE_ERROR;
    if (rc == SQLITE_ROW) {
        store_read_resident(st, out);
        result = STORE_OK;
    } else if (rc == SQLITE_DONE) {
        result = STORE_NOT_FOUND;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st); /* the bound My Number must not linger */
    return result;
}

int store_find_resident(store *s, const char *my_number, struct store_resident *out)
{
    sqlite3_stmt *st = store_begin(s, ST_RESIDENT);
    if (sqlite3_bind_text(st, 1, my_number, -1, SQLITE_STATIC) != SQLITE_OK)
        return STORE_ERROR;
    return store_one_resident(st, out);
}

int store_other_resident(store *s, const char *my_number, const char *municipality, bool need_passport,
                         struct store_resident *out)
{
    sqlite3_stmt *st = store_begin(s, ST_OTHER);
    if (sqlite3_bind_text(st, 1, my_number, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, municipality, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(st, 3, need_passport) != SQLITE_OK)
        return STORE_ERROR;
    return store_one_resident(st, out);
}

static void store_read_dose(sqlite3_stmt *st, struct store_dose *d)
{
    memset(d, 0, sizeof *d);
    store_col(st, 0, d->municipality, sizeof d->municipality);
    store_col(st, 1, d->date, sizeof d->date);
    store_col(st, 2, d->cvx, sizeof d->cvx);
    store_col(st, 3, d->lot, sizeof d->lot);
    store_col(st, 4, d->product_ja, sizeof d->product_ja);
    store_col(st, 5, d->product_en, sizeof d->product_en);
    store_col(st, 6, d->manufacturer_ja, sizeof d->manufacturer_ja);
    store_col(st, 7, d->manufacturer_en, sizeof d->manufacturer_en);
    store_col(st, 8, d->performer, sizeof d->performer);
    store_col(st, 9, d->country, sizeof d->country);
    d->seq = sqlite3_column_int(st, 10);
}

int store_doses(store *s, const char *my_number, const char *municipality, struct store_dose *out, size_t cap,
                size_t *n)
{
    sqlite3_stmt *st = store_begin(s, ST_DOSES);
    int rc = SQLITE_ERROR;
    *n = 0;
    if (sqlite3_bind_text(st, 1, my_number, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_bind_text(st, 2, municipality, -1, SQLITE_STATIC) == SQLITE_OK) {
        while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap)
            store_read_dose(st, &out[(*n)++]);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (size_t i = 0; i < *n / 2; i++) { /* latest first -> date order */
        struct store_dose t = out[i];
        out[i] = out[*n - 1 - i];
        out[*n - 1 - i] = t;
        explicit_bzero(&t, sizeof t);
    }
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int store_next_serial(store *s, const char *municipality, int year, unsigned long *serial)
{
    sqlite3_stmt *st = store_begin(s, ST_SERIAL);
    int result = STORE_ERROR;
    if (sqlite3_bind_text(st, 1, municipality, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_bind_int(st, 2, year) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        sqlite3_int64 v = sqlite3_column_int64(st, 0);
        if (v > 0) {
            *serial = (unsigned long)v;
            result = STORE_OK;
        }
    }
    /* RETURNING rows are all computed at the first step; reset commits. */
    if (sqlite3_reset(st) != SQLITE_OK)
        result = STORE_ERROR;
    return result;
}

int store_add_completion(store *s, const struct store_completion *c, bool *inserted)
{
    sqlite3_stmt *st = store_begin(s, ST_COMPLETION);
    *inserted = false;
    if (sqlite3_bind_text(st, 1, c->request_id, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, c->certificate_id, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 3, c->outcome, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(st, 4, c->copies_printed) != SQLITE_OK ||
        sqlite3_bind_int(st, 5, c->amount_yen) != SQLITE_OK ||
        sqlite3_bind_text(st, 6, c->kiosk, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int64(st, 7, c->received_at) != SQLITE_OK)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        *inserted = sqlite3_changes(s->db) == 1;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}
