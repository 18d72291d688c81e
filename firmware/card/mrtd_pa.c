/* mrtd_pa.c — see mrtd_pa.h. */
#include "card/mrtd_pa.h"

#include "base/bytes.h"
#include "base/kcrypto_sym.h"
#include "base/words.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/* A trust file is read whole: national master lists run to about 1 MiB. */
#define TRUST_FILE_MAX (16u * 1024u * 1024u)

#define TAG_SOD 0x77u
#define TAG_SEQUENCE 0x30u
#define TAG_SET 0x31u
#define TAG_INTEGER 0x02u
#define TAG_OCTET_STRING 0x04u
#define TAG_NULL 0x05u
#define TAG_OID 0x06u

#define OID_LDS_SECURITY_OBJECT "2.23.136.1.1.1"
#define OID_CSCA_MASTER_LIST "2.23.136.1.1.2"

struct mrtd_trust {
    X509_STORE *store; /* only the configured certificates; never changed after loading */
    size_t count;
};

/* ---- the trust ------------------------------------------------------------ */

/* The whole regular file at path into a malloc'd buffer. */
static int read_whole(const char *path, uint8_t **out, size_t *len, char *err, size_t cap)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        kofu_errf(err, cap, "passport CSCA %s: cannot open: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return KOFU_E_CONFIG;
    }
    if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > TRUST_FILE_MAX) {
        kofu_errf(err, cap, "passport CSCA %s: not a regular file of 1 byte to %u MiB", path,
                  TRUST_FILE_MAX >> 20);
        close(fd);
        return KOFU_E_CONFIG;
    }
    size_t n = (size_t)st.st_size, got = 0;
    uint8_t *buf = malloc(n);
    if (!buf) {
        close(fd);
        return KOFU_E_NOMEM;
    }
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != n) {
        kofu_errf(err, cap, "passport CSCA %s: short read", path);
        free(buf);
        return KOFU_E_CONFIG;
    }
    *out = buf;
    *len = n;
    return KOFU_OK;
}

/* Takes x (frees it on every path). "what" names it for the technician. */
static int trust_add(struct mrtd_trust *t, X509 *x, const char *what, size_t idx, char *err, size_t cap)
{
    int rc = KOFU_OK;
    /* 1: basicConstraints CA:TRUE; 4: no basicConstraints but keyCertSign.
     * Version 1 roots (3) and Netscape types (5) are not CSCAs. */
    int ca = X509_check_ca(x);
    if (t->count >= MRTD_TRUST_MAX) {
        kofu_errf(err, cap, "passport CSCA: more than %d certificates", MRTD_TRUST_MAX);
        rc = KOFU_E_CONFIG;
    } else if (ca != 1 && ca != 4) {
        kofu_errf(err, cap, "passport CSCA %s: certificate %zu is not a CA certificate (CA:TRUE or keyCertSign)",
                  what, idx);
        rc = KOFU_E_CONFIG;
    } else if (!X509_get0_pubkey(x)) {
        kofu_errf(err, cap, "passport CSCA %s: certificate %zu has no usable public key", what, idx);
        rc = KOFU_E_CONFIG;
    } else if (X509_STORE_add_cert(t->store, x) != 1) {
        kofu_errf(err, cap, "passport CSCA %s: certificate %zu could not be added", what, idx);
        rc = KOFU_E_CONFIG;
    } else {
        t->count++;
    }
    X509_free(x);
    return rc;
}

static int load_pem(struct mrtd_trust *t, const uint8_t *p, size_t n, const char *what, char *err, size_t cap)
{
    if (n > INT_MAX)
        return KOFU_E_CONFIG;
    BIO *b = BIO_new_mem_buf(p, (int)n);
    if (!b)
        return KOFU_E_NOMEM;
    ERR_clear_error();
    int rc = KOFU_OK;
    size_t k = 0;
    X509 *x;
    while (rc == KOFU_OK && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
        rc = trust_add(t, x, what, ++k, err, cap);
    /* The loop ends at the end of the text, or at a block that is not a
     * certificate: the second is a broken file, not the end. */
    unsigned long e = ERR_peek_last_error();
    if (rc == KOFU_OK && e && !(ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE)) {
        kofu_errf(err, cap, "passport CSCA %s: certificate %zu is not readable PEM", what, k + 1);
        rc = KOFU_E_CONFIG;
    } else if (rc == KOFU_OK && k == 0) {
        kofu_errf(err, cap, "passport CSCA %s: no PEM certificate in it", what);
        rc = KOFU_E_CONFIG;
    }
    ERR_clear_error();
    BIO_free(b);
    return rc;
}

static bool content_type_is(CMS_ContentInfo *cms, const char *oid)
{
    ASN1_OBJECT *want = OBJ_txt2obj(oid, 1);
    const ASN1_OBJECT *got = CMS_get0_eContentType(cms);
    bool ok = want && got && OBJ_cmp(want, got) == 0;
    ASN1_OBJECT_free(want);
    return ok;
}

/* CscaMasterList ::= SEQUENCE { version INTEGER (0), certList SET OF Certificate } */
static int load_master_list_content(struct mrtd_trust *t, const uint8_t *p, size_t n, const char *what, char *err,
                                    size_t cap)
{
    kofu_cur c, list, version, set;
    cur_init(&c, p, n);
    uint8_t v = 0xFF;
    if (!cur_get_ber_tag(&c, TAG_SEQUENCE, &list) || cur_len(&c) != 0 ||
        !cur_get_ber_tag(&list, TAG_INTEGER, &version) || cur_len(&version) != 1 || !cur_get_u8(&version, &v) ||
        v != 0 || !cur_get_ber_tag(&list, TAG_SET, &set) || cur_len(&list) != 0) {
        kofu_errf(err, cap, "passport CSCA %s: the master list's content is not a CscaMasterList version 0", what);
        return KOFU_E_CONFIG;
    }
    size_t k = 0;
    while (cur_len(&set) > 0) {
        kofu_cur body, whole;
        k++;
        if (!cur_get_ber_tag_whole(&set, TAG_SEQUENCE, &body, &whole) || cur_len(&whole) > LONG_MAX) {
            kofu_errf(err, cap, "passport CSCA %s: master list entry %zu is not a certificate", what, k);
            return KOFU_E_CONFIG;
        }
        const unsigned char *q = cur_data(&whole);
        X509 *x = d2i_X509(NULL, &q, (long)cur_len(&whole));
        if (!x || q != cur_data(&whole) + cur_len(&whole)) {
            X509_free(x);
            ERR_clear_error();
            kofu_errf(err, cap, "passport CSCA %s: master list entry %zu is not a certificate", what, k);
            return KOFU_E_CONFIG;
        }
        int rc = trust_add(t, x, what, k, err, cap);
        if (rc != KOFU_OK)
            return rc;
    }
    if (k == 0) {
        kofu_errf(err, cap, "passport CSCA %s: the master list holds no certificate", what);
        return KOFU_E_CONFIG;
    }
    return KOFU_OK;
}

/* The list's signature is checked for integrity only (a damaged or altered
 * file is refused); its signer is not trusted for anything. */
static int load_master_list(struct mrtd_trust *t, const uint8_t *p, size_t n, const char *what, char *err,
                            size_t cap)
{
    ERR_clear_error();
    const unsigned char *q = p;
    CMS_ContentInfo *cms = n <= LONG_MAX ? d2i_CMS_ContentInfo(NULL, &q, (long)n) : NULL;
    BIO *out = NULL;
    int rc = KOFU_E_CONFIG;
    if (!cms || q != p + n || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
        kofu_errf(err, cap, "passport CSCA %s: neither PEM nor a CMS master list", what);
    } else if (!content_type_is(cms, OID_CSCA_MASTER_LIST)) {
        kofu_errf(err, cap, "passport CSCA %s: a CMS file that is not a CSCA master list (eContentType)", what);
    } else if ((out = BIO_new(BIO_s_mem())) == NULL) {
        rc = KOFU_E_NOMEM;
    } else if (CMS_verify(cms, NULL, NULL, NULL, out, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
        kofu_errf(err, cap, "passport CSCA %s: the master list's signature does not verify (damaged or altered)",
                  what);
    } else {
        char *data = NULL;
        long len = BIO_get_mem_data(out, &data);
        if (len > 0 && data)
            rc = load_master_list_content(t, (const uint8_t *)data, (size_t)len, what, err, cap);
        else
            kofu_errf(err, cap, "passport CSCA %s: the master list is empty", what);
    }
    ERR_clear_error();
    BIO_free(out);
    CMS_ContentInfo_free(cms);
    return rc;
}

/* A PEM file (text) or a master list (DER, a SEQUENCE). */
static int load_file(struct mrtd_trust *t, const char *path, bool pem_only, char *err, size_t cap)
{
    uint8_t *buf = NULL;
    size_t n = 0;
    int rc = read_whole(path, &buf, &n, err, cap);
    if (rc != KOFU_OK)
        return rc;
    if (buf[0] == TAG_SEQUENCE && !pem_only)
        rc = load_master_list(t, buf, n, path, err, cap);
    else
        rc = load_pem(t, buf, n, path, err, cap);
    free(buf);
    return rc;
}

static int pem_name(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return d->d_name[0] != '.' && n > 4 && strcmp(d->d_name + n - 4, ".pem") == 0;
}

/* Byte order, whatever the locale: the same directory loads the same way. */
static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static int load_dir(struct mrtd_trust *t, const char *dir, char *err, size_t cap)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, pem_name, by_name);
    if (n < 0) {
        kofu_errf(err, cap, "passport CSCA %s: cannot list the directory: %s", dir, strerror(errno));
        return KOFU_E_CONFIG;
    }
    int rc = KOFU_OK;
    if (n == 0) {
        kofu_errf(err, cap, "passport CSCA %s: no *.pem file in the directory", dir);
        rc = KOFU_E_CONFIG;
    } else if (n > MRTD_TRUST_MAX) {
        kofu_errf(err, cap, "passport CSCA %s: more than %d *.pem files", dir, MRTD_TRUST_MAX);
        rc = KOFU_E_CONFIG;
    }
    for (int i = 0; i < n; i++) {
        if (rc == KOFU_OK) {
            char path[4096];
            int w = snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
            if (w < 0 || (size_t)w >= sizeof path) {
                kofu_errf(err, cap, "passport CSCA %s: a file name is too long", dir);
                rc = KOFU_E_CONFIG;
            } else {
                rc = load_file(t, path, true, err, cap);
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int mrtd_trust_load(const char *path, struct mrtd_trust **out, char *err, size_t cap)
{
    if (!out)
        return KOFU_E_ARG;
    *out = NULL;
    struct stat st;
    if (!path || !*path || stat(path, &st) != 0) {
        kofu_errf(err, cap, "passport CSCA %s: %s", path ? path : "(none)", path && *path ? strerror(errno) : "no path");
        return KOFU_E_CONFIG;
    }
    struct mrtd_trust *t = calloc(1, sizeof *t);
    if (t)
        t->store = X509_STORE_new();
    if (!t || !t->store) {
        mrtd_trust_free(t);
        return KOFU_E_NOMEM;
    }
    int rc = S_ISDIR(st.st_mode) ? load_dir(t, path, err, cap) : load_file(t, path, false, err, cap);
    if (rc != KOFU_OK) {
        mrtd_trust_free(t);
        return rc;
    }
    *out = t;
    return KOFU_OK;
}

size_t mrtd_trust_count(const struct mrtd_trust *t) { return t ? t->count : 0; }

void mrtd_trust_free(struct mrtd_trust *t)
{
    if (!t)
        return;
    X509_STORE_free(t->store);
    free(t);
}

/* ---- the LDS security object --------------------------------------------- */

/* LDSSecurityObject ::= SEQUENCE { version INTEGER (0 | 1),
 *   hashAlgorithm AlgorithmIdentifier,
 *   dataGroupHashValues SEQUENCE OF SEQUENCE { dataGroupNumber INTEGER,
 *                                              dataGroupHashValue OCTET STRING },
 *   ldsVersionInfo LDSVersionInfo OPTIONAL (with version 1 only) } */
int mrtd_lds_so_parse(const uint8_t *p, size_t n, struct mrtd_lds_so *out)
{
    if (!out)
        return KOFU_E_ARG;
    memset(out, 0, sizeof *out);
    struct mrtd_lds_so so = {0};
    kofu_cur c, body, ver, alg, oid, hashes;
    uint8_t version = 0xFF;
    cur_init(&c, p, p ? n : 0);
    if (!cur_get_ber_tag(&c, TAG_SEQUENCE, &body) || cur_len(&c) != 0 ||
        !cur_get_ber_tag(&body, TAG_INTEGER, &ver) || cur_len(&ver) != 1 || !cur_get_u8(&ver, &version) ||
        version > 1 || !cur_get_ber_tag(&body, TAG_SEQUENCE, &alg) || !cur_get_ber_tag(&alg, TAG_OID, &oid) ||
        cur_len(&oid) == 0 || !cur_get_ber_tag(&body, TAG_SEQUENCE, &hashes))
        return KOFU_E_PASSPORT_DATA;
    /* A hash algorithm's parameters are NULL or absent (RFC 5754 §2). */
    kofu_cur null_params;
    if (cur_len(&alg) != 0 && (!cur_get_ber_tag(&alg, TAG_NULL, &null_params) || cur_len(&null_params) != 0 ||
                               cur_len(&alg) != 0))
        return KOFU_E_PASSPORT_DATA;
    kofu_cur lds_version;
    if (cur_len(&body) != 0 &&
        (version != 1 || !cur_get_ber_tag(&body, TAG_SEQUENCE, &lds_version) || cur_len(&body) != 0))
        return KOFU_E_PASSPORT_DATA;
    so.hash_oid = cur_data(&oid);
    so.hash_oid_len = cur_len(&oid);
    /* The algorithm's length, when kofu knows the algorithm; an unknown one
     * is not malformed here, and mrtd_pa_verify refuses it by name. */
    uint8_t d[KCRYPTO_DIGEST_MAX];
    size_t want = 0;
    if (!kcrypto_digest_by_oid(so.hash_oid, so.hash_oid_len, (const uint8_t *)"", 0, d, &want))
        want = 0;
    while (cur_len(&hashes) > 0) {
        kofu_cur entry, num, hash;
        uint8_t dg = 0;
        if (!cur_get_ber_tag(&hashes, TAG_SEQUENCE, &entry) || !cur_get_ber_tag(&entry, TAG_INTEGER, &num) ||
            cur_len(&num) != 1 || !cur_get_u8(&num, &dg) || dg < 1 || dg > 16 ||
            !cur_get_ber_tag(&entry, TAG_OCTET_STRING, &hash) || cur_len(&entry) != 0 || so.hashes[dg] ||
            cur_len(&hash) == 0 || cur_len(&hash) > KCRYPTO_DIGEST_MAX || (want && cur_len(&hash) != want))
            return KOFU_E_PASSPORT_DATA;
        so.hashes[dg] = cur_data(&hash);
        so.hash_len[dg] = cur_len(&hash);
    }
    *out = so;
    return KOFU_OK;
}

/* ---- the country ------------------------------------------------------------ */

/* ICAO 9303 part 3 codes of issuing states to the ISO 3166-1 alpha-2 codes
 * CSCA certificates carry in C=. The ISO 3166-1 alpha-3 codes (all 249 of
 * ISO 3166-1 as Debian's iso-codes 4.15 lists them), then ICAO's own: D
 * (Germany) and UTO (the specimen Utopia, whose test CSCA says C=UT).
 * Not covered, so refused with "country": the organisations (EUE, UNO, UNA,
 * UNK, XOM, XPO, XCC, XES, XBA, XIM, XDC), the British nationality codes
 * GBD/GBN/GBO/GBP/GBS (they name a nationality, not the issuer), Kosovo's
 * RKS, and the stateless and refugee codes (XXA, XXB, XXC, XXX), which no
 * State issues under. */
struct country {
    char icao[4], iso[3];
};
static const struct country COUNTRIES[] = {
    {"ABW", "AW"}, {"AFG", "AF"}, {"AGO", "AO"}, {"AIA", "AI"}, {"ALA", "AX"}, {"ALB", "AL"}, {"AND", "AD"},
    {"ARE", "AE"}, {"ARG", "AR"}, {"ARM", "AM"}, {"ASM", "AS"}, {"ATA", "AQ"}, {"ATF", "TF"}, {"ATG", "AG"},
    {"AUS", "AU"}, {"AUT", "AT"}, {"AZE", "AZ"}, {"BDI", "BI"}, {"BEL", "BE"}, {"BEN", "BJ"}, {"BES", "BQ"},
    {"BFA", "BF"}, {"BGD", "BD"}, {"BGR", "BG"}, {"BHR", "BH"}, {"BHS", "BS"}, {"BIH", "BA"}, {"BLM", "BL"},
    {"BLR", "BY"}, {"BLZ", "BZ"}, {"BMU", "BM"}, {"BOL", "BO"}, {"BRA", "BR"}, {"BRB", "BB"}, {"BRN", "BN"},
    {"BTN", "BT"}, {"BVT", "BV"}, {"BWA", "BW"}, {"CAF", "CF"}, {"CAN", "CA"}, {"CCK", "CC"}, {"CHE", "CH"},
    {"CHL", "CL"}, {"CHN", "CN"}, {"CIV", "CI"}, {"CMR", "CM"}, {"COD", "CD"}, {"COG", "CG"}, {"COK", "CK"},
    {"COL", "CO"}, {"COM", "KM"}, {"CPV", "CV"}, {"CRI", "CR"}, {"CUB", "CU"}, {"CUW", "CW"}, {"CXR", "CX"},
    {"CYM", "KY"}, {"CYP", "CY"}, {"CZE", "CZ"}, {"DEU", "DE"}, {"DJI", "DJ"}, {"DMA", "DM"}, {"DNK", "DK"},
    {"DOM", "DO"}, {"DZA", "DZ"}, {"ECU", "EC"}, {"EGY", "EG"}, {"ERI", "ER"}, {"ESH", "EH"}, {"ESP", "ES"},
    {"EST", "EE"}, {"ETH", "ET"}, {"FIN", "FI"}, {"FJI", "FJ"}, {"FLK", "FK"}, {"FRA", "FR"}, {"FRO", "FO"},
    {"FSM", "FM"}, {"GAB", "GA"}, {"GBR", "GB"}, {"GEO", "GE"}, {"GGY", "GG"}, {"GHA", "GH"}, {"GIB", "GI"},
    {"GIN", "GN"}, {"GLP", "GP"}, {"GMB", "GM"}, {"GNB", "GW"}, {"GNQ", "GQ"}, {"GRC", "GR"}, {"GRD", "GD"},
    {"GRL", "GL"}, {"GTM", "GT"}, {"GUF", "GF"}, {"GUM", "GU"}, {"GUY", "GY"}, {"HKG", "HK"}, {"HMD", "HM"},
    {"HND", "HN"}, {"HRV", "HR"}, {"HTI", "HT"}, {"HUN", "HU"}, {"IDN", "ID"}, {"IMN", "IM"}, {"IND", "IN"},
    {"IOT", "IO"}, {"IRL", "IE"}, {"IRN", "IR"}, {"IRQ", "IQ"}, {"ISL", "IS"}, {"ISR", "IL"}, {"ITA", "IT"},
    {"JAM", "JM"}, {"JEY", "JE"}, {"JOR", "JO"}, {"JPN", "JP"}, {"KAZ", "KZ"}, {"KEN", "KE"}, {"KGZ", "KG"},
    {"KHM", "KH"}, {"KIR", "KI"}, {"KNA", "KN"}, {"KOR", "KR"}, {"KWT", "KW"}, {"LAO", "LA"}, {"LBN", "LB"},
    {"LBR", "LR"}, {"LBY", "LY"}, {"LCA", "LC"}, {"LIE", "LI"}, {"LKA", "LK"}, {"LSO", "LS"}, {"LTU", "LT"},
    {"LUX", "LU"}, {"LVA", "LV"}, {"MAC", "MO"}, {"MAF", "MF"}, {"MAR", "MA"}, {"MCO", "MC"}, {"MDA", "MD"},
    {"MDG", "MG"}, {"MDV", "MV"}, {"MEX", "MX"}, {"MHL", "MH"}, {"MKD", "MK"}, {"MLI", "ML"}, {"MLT", "MT"},
    {"MMR", "MM"}, {"MNE", "ME"}, {"MNG", "MN"}, {"MNP", "MP"}, {"MOZ", "MZ"}, {"MRT", "MR"}, {"MSR", "MS"},
    {"MTQ", "MQ"}, {"MUS", "MU"}, {"MWI", "MW"}, {"MYS", "MY"}, {"MYT", "YT"}, {"NAM", "NA"}, {"NCL", "NC"},
    {"NER", "NE"}, {"NFK", "NF"}, {"NGA", "NG"}, {"NIC", "NI"}, {"NIU", "NU"}, {"NLD", "NL"}, {"NOR", "NO"},
    {"NPL", "NP"}, {"NRU", "NR"}, {"NZL", "NZ"}, {"OMN", "OM"}, {"PAK", "PK"}, {"PAN", "PA"}, {"PCN", "PN"},
    {"PER", "PE"}, {"PHL", "PH"}, {"PLW", "PW"}, {"PNG", "PG"}, {"POL", "PL"}, {"PRI", "PR"}, {"PRK", "KP"},
    {"PRT", "PT"}, {"PRY", "PY"}, {"PSE", "PS"}, {"PYF", "PF"}, {"QAT", "QA"}, {"REU", "RE"}, {"ROU", "RO"},
    {"RUS", "RU"}, {"RWA", "RW"}, {"SAU", "SA"}, {"SDN", "SD"}, {"SEN", "SN"}, {"SGP", "SG"}, {"SGS", "GS"},
    {"SHN", "SH"}, {"SJM", "SJ"}, {"SLB", "SB"}, {"SLE", "SL"}, {"SLV", "SV"}, {"SMR", "SM"}, {"SOM", "SO"},
    {"SPM", "PM"}, {"SRB", "RS"}, {"SSD", "SS"}, {"STP", "ST"}, {"SUR", "SR"}, {"SVK", "SK"}, {"SVN", "SI"},
    {"SWE", "SE"}, {"SWZ", "SZ"}, {"SXM", "SX"}, {"SYC", "SC"}, {"SYR", "SY"}, {"TCA", "TC"}, {"TCD", "TD"},
    {"TGO", "TG"}, {"THA", "TH"}, {"TJK", "TJ"}, {"TKL", "TK"}, {"TKM", "TM"}, {"TLS", "TL"}, {"TON", "TO"},
    {"TTO", "TT"}, {"TUN", "TN"}, {"TUR", "TR"}, {"TUV", "TV"}, {"TWN", "TW"}, {"TZA", "TZ"}, {"UGA", "UG"},
    {"UKR", "UA"}, {"UMI", "UM"}, {"URY", "UY"}, {"USA", "US"}, {"UZB", "UZ"}, {"VAT", "VA"}, {"VCT", "VC"},
    {"VEN", "VE"}, {"VGB", "VG"}, {"VIR", "VI"}, {"VNM", "VN"}, {"VUT", "VU"}, {"WLF", "WF"}, {"WSM", "WS"},
    {"YEM", "YE"}, {"ZAF", "ZA"}, {"ZMB", "ZM"}, {"ZWE", "ZW"},
    {"D", "DE"}, {"UTO", "UT"},
};

static const char *iso_country(const char *icao)
{
    /* The MRZ field is three characters, filled with '<': "D<<" is "D". */
    char code[4] = {0};
    size_t n = 0;
    while (icao && n < 3 && icao[n] >= 'A' && icao[n] <= 'Z') {
        code[n] = icao[n];
        n++;
    }
    size_t end = n;
    while (icao && end < 3 && icao[end] == '<')
        end++;
    if (n == 0 || icao[end] != '\0')
        return NULL;
    for (size_t i = 0; i < sizeof COUNTRIES / sizeof COUNTRIES[0]; i++)
        if (strcmp(COUNTRIES[i].icao, code) == 0)
            return COUNTRIES[i].iso;
    return NULL;
}

/* The Document Signer's issuer C= (exactly one) is the issuing state. */
static bool country_matches(X509 *ds, const char *issuing_state)
{
    const char *want = iso_country(issuing_state);
    const X509_NAME *issuer = X509_get_issuer_name(ds);
    int i = X509_NAME_get_index_by_NID(issuer, NID_countryName, -1);
    if (!want || i < 0 || X509_NAME_get_index_by_NID(issuer, NID_countryName, i) >= 0)
        return false;
    const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, i));
    const unsigned char *c = s ? ASN1_STRING_get0_data(s) : NULL;
    if (!c || ASN1_STRING_length(s) != 2)
        return false;
    /* A lower-case C= (seen in the wild) names the same country. */
    return (c[0] & 0xDF) == want[0] && (c[1] & 0xDF) == want[1];
}

/* ---- the Document Signer's chain --------------------------------------------- */

/* Explicit EC parameters (as several CSCAs have, written out in full) are
 * accepted only when they are those of a curve OpenSSL knows by name: an
 * arbitrary curve could be a weak one chosen by whoever made the
 * certificate. */
static bool explicit_params_named(X509 *x)
{
    EVP_PKEY *k = X509_get0_pubkey(x);
    OSSL_PARAM *params = NULL;
    EC_GROUP *g = NULL;
    if (k && EVP_PKEY_is_a(k, "EC") && EVP_PKEY_todata(k, EVP_PKEY_KEY_PARAMETERS, &params) == 1)
        g = EC_GROUP_new_from_params(params, NULL, NULL);
    bool named = g && EC_GROUP_check_named_curve(g, 0, NULL) != NID_undef;
    EC_GROUP_free(g);
    OSSL_PARAM_free(params);
    return named;
}

static int verify_cb(int ok, X509_STORE_CTX *ctx)
{
    if (!ok && X509_STORE_CTX_get_error(ctx) == X509_V_ERR_EC_KEY_EXPLICIT_PARAMS) {
        X509 *x = X509_STORE_CTX_get_current_cert(ctx);
        if (x && explicit_params_named(x)) {
            X509_STORE_CTX_set_error(ctx, X509_V_OK);
            return 1;
        }
    }
    return ok;
}

static bool asn1_time_t(const ASN1_TIME *a, time_t *out)
{
    struct tm tm;
    if (!a || ASN1_TIME_to_tm(a, &tm) != 1)
        return false;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return false;
    *out = t;
    return true;
}

/* The signed signingTime attribute: 1 with *t, 0 when absent, -1 when
 * present but not one good time. */
static int signing_time(CMS_SignerInfo *si, time_t *t)
{
    int i = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    if (i < 0)
        return 0;
    if (CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, i) >= 0)
        return -1;
    X509_ATTRIBUTE *a = CMS_signed_get_attr(si, i);
    if (!a || X509_ATTRIBUTE_count(a) != 1)
        return -1;
    const ASN1_TYPE *v = X509_ATTRIBUTE_get0_type(a, 0);
    if (!v || (v->type != V_ASN1_UTCTIME && v->type != V_ASN1_GENERALIZEDTIME))
        return -1;
    return asn1_time_t(v->value.asn1_string, t) ? 1 : -1;
}

static enum mrtd_pa check_chain(const struct mrtd_trust *trust, X509 *ds, time_t at)
{
    enum mrtd_pa r = MRTD_PA_DS_UNTRUSTED;
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    /* No untrusted certificates: the SOD's own certificates other than the
     * signer are not taken as intermediates, the configuration is the trust. */
    if (ctx && X509_STORE_CTX_init(ctx, trust->store, ds, NULL) == 1) {
        X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
        /* A link certificate in the set anchors a chain by itself. */
        X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN);
        X509_VERIFY_PARAM_set_time(vp, at);
        X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_ANY);
        /* DS → CSCA, or DS → link → old CSCA. */
        X509_VERIFY_PARAM_set_depth(vp, 2);
        X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
        if (X509_verify_cert(ctx) == 1) {
            r = MRTD_PA_OK;
        } else {
            int e = X509_STORE_CTX_get_error(ctx);
            if (e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID)
                r = MRTD_PA_DS_VALIDITY;
        }
    }
    X509_STORE_CTX_free(ctx);
    return r;
}

/* A Document Signer signs documents: it is no CA, and its keyUsage
 * (which must be there) allows digitalSignature. */
static bool ds_usage_ok(X509 *ds)
{
    return X509_check_ca(ds) == 0 && (X509_get_extension_flags(ds) & EXFLAG_KUSAGE) &&
           (X509_get_key_usage(ds) & KU_DIGITAL_SIGNATURE);
}

/* ---- passive authentication ---------------------------------------------------- */

/* The content types accepted: id-icao-mrtd-security-ldsSecurityObject, and
 * plain id-data, which some States' SODs carry (seen on Chinese passports).
 * id-data is safe to take: the content type is a signed attribute, the
 * signer must still chain to a configured CSCA, and the content must still
 * parse as an LDS security object whose hash matches DG1. The legacy
 * (1.3.27.1.1.1) and Dutch (1.2.528.1.1006.1.20.1) identifiers are refused:
 * no passport in circulation should still carry them. */
static bool sod_content_type_ok(CMS_ContentInfo *cms)
{
    return content_type_is(cms, OID_LDS_SECURITY_OBJECT) ||
           OBJ_obj2nid(CMS_get0_eContentType(cms)) == NID_pkcs7_data;
}

/* The signed contentType attribute names the content's type: OpenSSL
 * requires the attribute but does not compare it, and eContentType itself
 * is outside the signature. */
static bool content_type_signed(CMS_ContentInfo *cms)
{
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
    const ASN1_OBJECT *ct = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT);
    return ct && OBJ_cmp(ct, CMS_get0_eContentType(cms)) == 0;
}

static bool dg_listed_hashed(const struct mrtd_lds_so *so, const struct mrtd_pa_input *in)
{
    if (!so->hashes[1])
        return false;
    if (in->dg_count && !in->dg_list)
        return false;
    for (size_t i = 0; i < in->dg_count; i++)
        if (in->dg_list[i] < 1 || in->dg_list[i] > 16 || !so->hashes[in->dg_list[i]])
            return false;
    return true;
}

/* After the signature: the LDS security object, the signer, the hashes. */
static enum mrtd_pa check_signed(const struct mrtd_trust *trust, const struct mrtd_pa_input *in,
                                 CMS_ContentInfo *cms, const uint8_t *content, size_t content_len)
{
    struct mrtd_lds_so so;
    if (mrtd_lds_so_parse(content, content_len, &so) != KOFU_OK)
        return MRTD_PA_SOD_CONTENT_TYPE;
    STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
    X509 *ds = NULL;
    CMS_SignerInfo_get0_algs(si, NULL, &ds, NULL, NULL);
    if (!ds)
        return MRTD_PA_SOD_FORM;
    /* The chain is judged when the SOD was signed: a passport outlives its
     * signer's key. Without signingTime, the signer's first day is the only
     * time known to be inside its validity. */
    time_t at = 0;
    int st = signing_time(si, &at);
    if (st < 0 || (st == 0 && !asn1_time_t(X509_get0_notBefore(ds), &at)))
        return MRTD_PA_SOD_FORM;
    enum mrtd_pa r = check_chain(trust, ds, at);
    if (r != MRTD_PA_OK)
        return r;
    if (!ds_usage_ok(ds))
        return MRTD_PA_DS_USAGE;
    if (!country_matches(ds, in->issuing_state))
        return MRTD_PA_COUNTRY;
    uint8_t d[KCRYPTO_DIGEST_MAX];
    size_t dl = 0;
    if (!kcrypto_digest_by_oid(so.hash_oid, so.hash_oid_len, (const uint8_t *)"", 0, d, &dl))
        return MRTD_PA_HASH_ALGORITHM;
    if (!dg_listed_hashed(&so, in))
        return MRTD_PA_DG_MISSING;
    if (!in->dg1 || in->dg1_len == 0 ||
        !kcrypto_digest_by_oid(so.hash_oid, so.hash_oid_len, in->dg1, in->dg1_len, d, &dl) ||
        dl != so.hash_len[1] || !kofu_ct_equal(d, so.hashes[1], dl))
        return MRTD_PA_DG1_HASH;
    return MRTD_PA_OK;
}

enum mrtd_pa mrtd_pa_verify(const struct mrtd_trust *trust, const struct mrtd_pa_input *in)
{
    if (!trust || trust->count == 0)
        return MRTD_PA_NO_TRUST;
    if (!in || !in->sod || in->sod_len == 0 || in->sod_len > MRTD_SOD_MAX)
        return MRTD_PA_SOD_FORM;
    kofu_cur c, ci;
    cur_init(&c, in->sod, in->sod_len);
    if (!cur_get_ber_tag(&c, TAG_SOD, &ci) || cur_len(&c) != 0)
        return MRTD_PA_SOD_FORM;
    ERR_clear_error();
    /* OpenSSL reads the SignedData: it takes BER (indefinite lengths, as
     * some States write), which the cursor does not. */
    const unsigned char *p = cur_data(&ci);
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)cur_len(&ci));
    BIO *out = NULL;
    enum mrtd_pa r;
    if (!cms || p != cur_data(&ci) + cur_len(&ci) || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
        sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)) != 1)
        r = MRTD_PA_SOD_FORM;
    else if (!sod_content_type_ok(cms))
        r = MRTD_PA_SOD_CONTENT_TYPE;
    /* ICAO 9303 part 10 requires signed attributes: without them nothing
     * binds the content type, and there is no signingTime. */
    else if (CMS_signed_get_attr_count(sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0)) <= 0)
        r = MRTD_PA_SOD_FORM;
    else if (!content_type_signed(cms))
        r = MRTD_PA_SOD_CONTENT_TYPE;
    /* The signer's certificate must be in the SOD (kofu has no DS store). */
    else if (CMS_set1_signers_certs(cms, NULL, 0) != 1)
        r = MRTD_PA_SOD_FORM;
    else if ((out = BIO_new(BIO_s_mem())) == NULL)
        r = MRTD_PA_SOD_FORM;
    /* The signature over the signed attributes and messageDigest = H(content);
     * the signer's chain is judged apart, for its own reasons. The known
     * Lithuanian quirk (digestAlgorithm not the signature's hash) fails here
     * and is out of scope. */
    else if (CMS_verify(cms, NULL, NULL, NULL, out, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1)
        r = MRTD_PA_SOD_SIGNATURE;
    else {
        char *content = NULL;
        long len = BIO_get_mem_data(out, &content);
        r = len > 0 && content ? check_signed(trust, in, cms, (const uint8_t *)content, (size_t)len)
                               : MRTD_PA_SOD_CONTENT_TYPE;
    }
    ERR_clear_error();
    BIO_free(out);
    CMS_ContentInfo_free(cms);
    return r;
}

/* ---- words ------------------------------------------------------------------- */

static const struct kofu_word pa_words[MRTD_PA__COUNT] = {
    KOFU_WORD(MRTD_PA_OK, "ok", "旅券の IC のデータは真正です。", "The passport chip's data is genuine."),
    KOFU_WORD(MRTD_PA_NO_TRUST, "no-trust-anchors", "旅券の発行国の証明書 (CSCA) が設定されていません。",
              "No passport Country Signing CA is configured: nothing can be verified."),
    KOFU_WORD(MRTD_PA_SOD_FORM, "sod-form", "旅券の IC の署名データ (EF.SOD) の形式が正しくありません。",
              "EF.SOD is not a CMS SignedData with one signer and its certificate."),
    KOFU_WORD(MRTD_PA_SOD_CONTENT_TYPE, "sod-content-type", "旅券の IC の署名データの内容が正しくありません。",
              "EF.SOD does not hold an LDS security object."),
    KOFU_WORD(MRTD_PA_SOD_SIGNATURE, "sod-signature", "旅券の IC の署名データの署名が正しくありません。",
              "EF.SOD's signature (or its message digest) is wrong."),
    KOFU_WORD(MRTD_PA_DS_UNTRUSTED, "ds-untrusted", "旅券の署名者の証明書が信頼する発行国の証明書につながりません。",
              "The Document Signer does not chain to a configured Country Signing CA."),
    KOFU_WORD(MRTD_PA_DS_VALIDITY, "ds-validity", "旅券の署名者の証明書が署名時に有効ではありませんでした。",
              "A certificate of the Document Signer's chain was not valid when EF.SOD was signed."),
    KOFU_WORD(MRTD_PA_DS_USAGE, "ds-usage", "旅券の署名者の証明書が文書の署名用ではありません。",
              "The Document Signer's certificate is a CA, or is not for digital signatures."),
    KOFU_WORD(MRTD_PA_HASH_ALGORITHM, "hash-algorithm", "旅券の IC のハッシュ方式に対応していません。",
              "EF.SOD names a hash algorithm kofu does not accept (SHA-1/224/256/384/512 only)."),
    KOFU_WORD(MRTD_PA_DG_MISSING, "dg-missing", "旅券の IC のデータの一部が署名されていません。",
              "DG1, or a data group EF.COM lists, has no hash in EF.SOD."),
    KOFU_WORD(MRTD_PA_DG1_HASH, "dg1-hash", "旅券の IC の記載事項が署名された内容と一致しません。",
              "DG1 (the machine-readable zone) does not match its signed hash."),
    KOFU_WORD(MRTD_PA_COUNTRY, "country", "旅券の署名者の国が旅券の発行国と一致しません。",
              "The Document Signer's country is not the passport's issuing State."),
};

KOFU_WORDS_LOOKUPS(mrtd_pa_name, mrtd_pa_text, enum mrtd_pa, pa_words)
