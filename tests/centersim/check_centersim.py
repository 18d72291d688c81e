#!/usr/bin/python3
"""check_centersim.py — drive a centersim build end to end with curl and check every answer.

  tests/centersim/check_centersim.py [--bin build/centersim] [--pki build/pki] [--bench N]

Starts centersim on a free loopback port below 32768 with its control socket in a
private temporary directory, then checks: /config and the key sets; domestic and
overseas certificates (SHC and VDS-NC verified by verify_shc.py, independently of
kofu's code), with the passport chip's data on /kofu/v2/ too; retries by request_id; every error code; 413; completions; every
fault; refused handshakes (no client certificate, revoked, rogue CA, TLS 1.2);
--tls12-only, --cert/--key, --hours, --db (nothing of a request in the file);
that no resident data reaches the log; exit status 0 on `quit` and on SIGTERM.
With --bench N, also measures N issuances over new, resumed TLS connections.

Card files come from mkrequest.py (the card layouts re-implemented in Python and
signed with the test card PKI). Exit status 0 when every check passes.
"""
import argparse
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import verify_shc  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURE = os.path.join(HERE, "fixtures", "center.json")
YAMADA = os.path.join(REPO, "tests", "cardsim", "residents", "yamada.json")
LONGNAME = os.path.join(REPO, "tests", "cardsim", "residents", "longname.json")
BLOCKED = os.path.join(REPO, "tests", "cardsim", "residents", "blocked.json")
NORECORD = os.path.join(HERE, "fixtures", "cards", "norecord.json")
SUZUKI = os.path.join(HERE, "fixtures", "cards", "suzuki.json")
OPEN_TIME = 1795766400  # 2026-11-27 17:00 Japan time (08:00 UTC)
ISS = "https://center.kofu.test/issuer"

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


class Center:
    def __init__(self, args, tmp, extra=(), name="main"):
        self.tmp, self.pki = tmp, args.pki
        self.control = os.path.join(tmp, f"{name}.sock")
        self.log = os.path.join(tmp, f"{name}.log")
        for _ in range(20):
            self.port = random.randint(20000, 32000)
            cmd = [args.bin, "--port", str(self.port), "--pki", args.pki, "--fixture", FIXTURE,
                   "--control", self.control, "--now", str(OPEN_TIME), "-v", *extra]
            self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=open(self.log, "w"), text=True)
            line = self.proc.stdout.readline()
            if line == "centersim: ready\n":
                return
            if self.proc.wait() != 3:  # 3: the port is taken, try another
                break
        raise RuntimeError(f"centersim did not start: {open(self.log).read()}")

    def ctl(self, *cmds):
        s = socket.socket(socket.AF_UNIX)
        s.connect(self.control)
        out = []
        f = s.makefile("rw")
        for c in cmds:
            f.write(c + "\n")
            f.flush()
            out.append(f.readline().rstrip("\n"))
        s.close()
        return out if len(out) > 1 else out[0]

    def curl(self, path, body=None, cert="kiosk", extra=(), ctype="application/json", method=None):
        cmd = ["curl", "-sS", "--max-time", "20", "--cacert", f"{self.pki}/center-ca.pem",
               "-o", os.path.join(self.tmp, "body"), "-w", "%{http_code}"]
        if cert:
            cmd += ["--cert", f"{self.pki}/{cert}.pem", "--key", f"{self.pki}/{cert}.key.pem"]
        if body is not None:
            cmd += ["--data-binary", "@-"]
            if ctype:
                cmd += ["-H", f"Content-Type: {ctype}"]
        if method:
            cmd += ["-X", method]
        cmd += [*extra, f"https://localhost:{self.port}{path}"]
        data = body if isinstance(body, bytes) else (body or "").encode()
        r = subprocess.run(cmd, input=data, capture_output=True)
        self.last_err = r.stderr.decode(errors="replace")
        try:
            text = open(os.path.join(self.tmp, "body"), "rb").read()
            os.unlink(os.path.join(self.tmp, "body"))
        except FileNotFoundError:
            text = b""
        return r.returncode, int(r.stdout or b"0"), text

    def stop(self, how="quit"):
        if how == "quit":
            self.ctl("quit")
        else:
            self.proc.send_signal(how)
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return -1


def mkreq(pki, resident, municipality, kind="domestic", **kw):
    cmd = ["/usr/bin/python3", os.path.join(HERE, "mkrequest.py"), "--pki", pki, "--resident", resident,
           "--municipality", municipality, "--kind", kind]
    for k, v in kw.items():
        cmd += [f"--{k.replace('_', '-')}"] + ([] if v is True else [str(v)])
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def error_code(body):
    try:
        return json.loads(body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def with_changes(req, **changes):
    d = json.loads(req)
    d.update(changes)
    return json.dumps(d, ensure_ascii=False)


# ---- the checks -------------------------------------------------------------------

def check_config_and_keys(c):
    rc, st, body = c.curl("/kofu/v1/config")
    cfg = json.loads(body)
    codes = [m["code"] for m in cfg["municipalities"]]
    check(st == 200 and cfg["protocol"] == 1 and cfg["fee_per_copy_yen"] == 120 and cfg["max_copies"] == 5,
          "GET /config: protocol 1, fee 120, max 5")
    check(cfg["service_hours"] == {"open": "06:30", "close": "23:00", "timezone": "Asia/Tokyo"}, "config hours")
    check(codes == ["131016", "131024", "131041"], "config lists only participating municipalities")
    terms = cfg.get("terms", {})
    check(set(terms) == {"version", "ja", "en"} and terms["version"] == "2026-12-01" and
          len(terms["ja"].encode()) <= 16384 and len(terms["en"].encode()) <= 16384,
          "config terms: version and texts within their caps")
    rc, st, body = c.curl("/.well-known/jwks.json")
    jwks = json.loads(body)
    key = jwks["keys"][0]
    check(st == 200 and set(key) == {"kty", "kid", "use", "alg", "crv", "x", "y"} and
          verify_shc.thumbprint(key) == key["kid"], "GET jwks.json: EC key, kid = thumbprint, no d")
    check(c.curl("/issuer/.well-known/jwks.json")[2] == body, "the key set also at <iss>/.well-known/jwks.json")
    return jwks


def issue(c, req):
    rc, st, body = c.curl("/kofu/v1/certificates", req)
    return st, (json.loads(body) if st == 200 else body)


def check_issuance(c, args, jwks):
    req = mkreq(args.pki, YAMADA, "131016")
    st, a = issue(c, req)
    ok = check(st == 200 and a["kind"] == "domestic" and len(a["documents"]) == 1, "domestic: 200, one SHC")
    if ok:
        jws = a["documents"][0]["jws"]
        payload, patient, doses = verify_shc.verify_jws(jws, jwks, ISS, a["issued_at"])
        check(patient["name"] == [{"family": "山田", "given": ["太郎"]}] and patient["birthDate"] == "1980-02-17"
              and doses == 2, "domestic SHC verifies: 山田 太郎, 1980-02-17, 2 doses of 131016")
        check(a["issue_date"] == "2026-11-27" and a["certificate_id"].startswith("JP-131016-2026-") and
              a["issuer"]["mayor_ja"] == "区長" and a["issuer"]["mayor_en"] == "Mayor" and "passport" not in a, "domestic answer fields")
        check([d["date"] for d in a["doses"]] == ["2021-06-01", "2021-06-22"], "doses in date order")
        st, b = issue(c, req)
        check(st == 200 and b["certificate_id"] == a["certificate_id"] and b["issued_at"] == a["issued_at"],
              "retry with the same request_id: same certificate_id and issued_at")
        st, body = issue(c, with_changes(req, municipality="131024"))
        check(st == 400 and error_code(body) == "bad-request", "request_id reused for another request: 400")
        check_completions(c, req, a)
    req = mkreq(args.pki, YAMADA, "131041", "overseas", copies=2, language="en")
    st, a = issue(c, req)
    if check(st == 200 and [d["type"] for d in a["documents"]] == ["shc", "vds-nc"], "overseas: SHC + VDS-NC"):
        verify_shc.verify_jws(a["documents"][0]["jws"], jwks, ISS, a["issued_at"])
        data = verify_shc.verify_vds(a["documents"][1]["seal"], open(f"{args.pki}/csca.pem", "rb").read())
        msg = data["msg"]
        check(msg["uvci"] == a["certificate_id"] and msg["pid"] == {"n": "YAMADA TARO", "dob": "1980-02-17",
                                                                    "i": "TZ1234567"},
              "VDS-NC verifies (JCS recomputed, signer under the CSCA): uvci, pid")
        check(msg["ve"][0]["vd"][0] == {"dvc": "2022-01-15", "seq": 3, "ctr": "JPN", "adm": "Shinjuku City",
                                        "lot": "3002183"}, "VDS-NC vaccination details (seq 3: the third dose of the series)")
        check(a["passport"] == {"number": "TZ1234567", "nationality": "JPN", "name_roman": "YAMADA TARO"},
              "overseas answer carries the passport data")
    st, a = issue(c, mkreq(args.pki, LONGNAME, "131016"))
    if check(st == 200, "longname resident, domestic: 200"):
        jws = a["documents"][0]["jws"]
        _, patient, _ = verify_shc.verify_jws(jws, jwks, ISS)
        check(patient["name"][0]["family"] == "寿限無" and len(jws) <= 1195, "longname SHC fits one QR")


def check_passport_chip(c, args):
    """Protocol 2 (/kofu/v2/): the overseas request with the passport chip's data."""
    rc, st, body = c.curl("/kofu/v2/config")
    check(st == 200 and json.loads(body)["protocol"] == 2, "GET /kofu/v2/config: protocol 2")
    issue2 = lambda r: c.curl("/kofu/v2/certificates", r)[1:]  # noqa: E731
    req = mkreq(args.pki, YAMADA, "131041", "overseas", passport="TZ7777777")
    st, body = issue2(req)
    if check(st == 200, "protocol 2 overseas with the chip: 200"):
        a = json.loads(body)
        data = verify_shc.verify_vds(a["documents"][1]["seal"], open(f"{args.pki}/csca.pem", "rb").read())
        check(data["msg"]["pid"] == {"n": "YAMADA TARO", "dob": "1980-02-17", "i": "TZ7777777"} and
              a["passport"] == {"number": "TZ7777777", "nationality": "JPN", "name_roman": "YAMADA TARO"},
              "the seal's pid and the answer's passport are the chip's (not the registered TZ1234567)")
    st, body = c.curl("/kofu/v1/certificates", req)[1:]
    check(st == 400 and error_code(body) == "bad-request", "protocol 1 with passport: 400 (an unknown member)")
    st, body = issue2(mkreq(args.pki, LONGNAME, "131016", "overseas", passport="TK1111111",
                            passport_name="JUGEMU<<JUGEMU", passport_sex="F"))
    check(st == 200 and json.loads(body)["passport"]["number"] == "TK1111111",
          "chip data for a resident with no passport registered: 200")
    st, body = issue2(mkreq(args.pki, LONGNAME, "131016", "overseas"))
    check(st == 404 and error_code(body) == "passport-not-registered",
          "protocol 2 overseas without the chip, none registered: 404 passport-not-registered")
    st, body = issue2(mkreq(args.pki, YAMADA, "131041", "overseas", passport="TZ7777777", passport_birth="800218"))
    check(st == 400 and error_code(body) == "bad-request", "the chip's birth date not the card's: 400")
    d = json.loads(req)
    d["request_id"] = str(uuid.uuid4())
    d["passport"]["number"] = "TZ7777778"
    st, body = issue2(json.dumps(d))
    check(st == 400 and error_code(body) == "bad-request", "passport.number not DG1's: 400")


def check_completions(c, req, answer):
    rid = json.loads(req)["request_id"]
    rep = {"request_id": rid, "certificate_id": answer["certificate_id"], "outcome": "printed",
           "copies_printed": 1, "amount_yen": 120}
    post = lambda d: c.curl("/kofu/v1/completions", json.dumps(d))[1:]  # noqa: E731
    before = c.ctl("status")
    check(post(rep) == (204, b""), "completion printed: 204")
    check(post(rep)[0] == 204, "the same completion again: 204 (idempotent)")
    after = c.ctl("status")
    count = lambda status: int(status.split("completions=")[1].split()[0])  # noqa: E731
    check(count(after) == count(before) + 1,
          "a repeated completion is counted once")
    check(post(dict(rep, certificate_id="JP-131016-2026-999999"))[0] == 400, "completion with another cert id: 400")
    check(post(dict(rep, amount_yen=100))[0] == 400, "completion amount not copies x fee: 400")
    check(post(dict(rep, outcome="lost"))[0] == 400, "completion unknown outcome: 400")
    check(post(dict(rep, outcome="failed", copies_printed=0, amount_yen=0))[0] == 204, "completion failed: 204")
    check(post(dict(rep, extra=1))[0] == 400, "completion unknown key: 400")
    check(post(dict(rep, certificate_id=""))[0] == 400, "completion printed with certificate_id \"\": 400")
    req2 = with_changes(req, request_id=str(uuid.uuid4()))
    st, b = issue(c, req2)
    rid2 = json.loads(req2)["request_id"]
    check(st == 200 and post(dict(rep, request_id=rid2, outcome="failed", certificate_id="", copies_printed=0,
                                   amount_yen=0))[0] == 204,
          "completion failed with certificate_id \"\" (nothing reached the kiosk): 204")
    check(" undelivered=1" in c.ctl("status") + " ", "status counts the issued, undelivered certificate")
    recent = c.ctl("completions")
    check(recent.startswith("ok printed:1:120:id") and recent.endswith("failed:0:0:id failed:0:0:noid") and
          answer["certificate_id"] not in recent and rid not in recent,
          "control completions: outcome:copies:amount:id|noid, no identifiers")


def check_participation(c, args):
    check(c.ctl("participate 131016 off") == "ok 131016 off", "control participate CODE off")
    codes = [m["code"] for m in json.loads(c.curl("/kofu/v1/config")[2])["municipalities"]]
    st, body = issue(c, mkreq(args.pki, YAMADA, "131016"))
    check("131016" not in codes and st == 403 and error_code(body) == "municipality-not-participating",
          "participate off: not listed, refused")
    check(c.ctl("participate 131016 on") == "ok 131016 on", "control participate CODE on")
    check(issue(c, mkreq(args.pki, YAMADA, "131016"))[0] == 200, "participate on: issued again")
    for bad in ("participate 131032 on", "participate 131016", "participate 131016 yes"):
        check(c.ctl(bad).startswith("err "), f"control {bad!r} refused")


def check_errors(c, args):
    cases = [
        ("no record in this municipality", mkreq(args.pki, YAMADA, "131024"), 404, "no-record"),
        ("no record for the My Number", mkreq(args.pki, NORECORD, "131016"), 404, "no-record"),
        ("card name/birth differ from the record", mkreq(args.pki, BLOCKED, "131016"), 404, "no-record"),
        ("doses only in a non-participating municipality", mkreq(args.pki, SUZUKI, "131130"), 403,
         "municipality-not-participating"),
        ("unknown municipality", mkreq(args.pki, YAMADA, "131032"), 403, "municipality-not-participating"),
        ("a non-participating municipality with doses", mkreq(args.pki, LONGNAME, "011002"), 403,
         "municipality-not-participating"),
        ("forged CV certificate", mkreq(args.pki, YAMADA, "131016", forged_cv=True), 403, "card-not-authentic"),
        ("attributes changed after signing", mkreq(args.pki, YAMADA, "131016", bad_hash=True), 403,
         "card-not-authentic"),
        ("overseas without passport", mkreq(args.pki, LONGNAME, "131016", "overseas"), 404,
         "passport-not-registered"),
    ]
    for what, req, want_status, want_code in cases:
        st, body = issue(c, req)
        check(st == want_status and error_code(body) == want_code, f"{what}: {want_status} {want_code}")
    base = mkreq(args.pki, YAMADA, "131016")
    d = json.loads(base)
    bad = {
        "request_id upper case": with_changes(base, request_id=d["request_id"].upper()),
        "request_id not v4": with_changes(base, request_id=d["request_id"][:14] + "1" + d["request_id"][15:]),
        "municipality check digit": with_changes(base, municipality="131017"),
        "municipality a number": with_changes(base, municipality=131016),
        "kind": with_changes(base, kind="both"),
        "copies 0": with_changes(base, copies=0),
        "copies over max": with_changes(base, copies=6),
        "copies real": with_changes(base, copies=1.0),
        "language": with_changes(base, language="fr"),
        "unknown key": with_changes(base, extra=True),
        "missing key": json.dumps({k: v for k, v in d.items() if k != "language"}),
        "no terms_version": json.dumps({k: v for k, v in d.items() if k != "terms_version"}),
        "terms_version not a token": with_changes(base, terms_version="v 1"),
        "card unknown key": with_changes(base, card=dict(d["card"], presence="AAAA")),
        "card base64url": with_changes(base, card=dict(d["card"], my_number=d["card"]["my_number"].replace(
            "+", "-").replace("/", "_").rstrip("="))),
        "card empty": with_changes(base, card=dict(d["card"], integrity="")),
        "duplicate key": '{"request_id":"a","request_id":"b"}',
        "not JSON": "hello",
        "JSON array": "[]",
    }
    for what, body in bad.items():
        st, got = issue(c, body)
        check(st == 400 and error_code(got) == "bad-request", f"bad request ({what}): 400 bad-request")
    rc, st, body = c.curl("/kofu/v1/certificates", base, ctype="text/plain")
    check(st == 400, "wrong Content-Type: 400")
    rc, st, body = c.curl("/kofu/v1/certificates?x=1", base)
    check(st == 400, "query string: 400")
    rc, st, body = c.curl("/kofu/v1/certificates", b" " * (64 * 1024 + 1))
    check(st == 413 and error_code(body) == "bad-request", "body over 64 KiB: 413 bad-request")
    rc, st, body = c.curl("/kofu/v1/nothing")
    check(st == 404 and error_code(body) == "not-found", "unknown path: 404")
    rc, st, body = c.curl("/kofu/v1/config", method="DELETE")
    check(st == 405, "wrong method: 405")
    st, body = issue(c, mkreq(args.pki, YAMADA, "131016", terms_version="2025-01-01"))
    check(st == 409 and error_code(body) == "terms-outdated", "terms_version not the current one: 409")
    check(c.ctl("terms 2027-01") == "ok terms=2027-01", "control terms sets the version")
    st, body = issue(c, mkreq(args.pki, YAMADA, "131016"))
    check(st == 409 and error_code(body) == "terms-outdated", "after a terms change the old version: 409")
    check(json.loads(c.curl("/kofu/v1/config")[2])["terms"]["version"] == "2027-01", "config serves the new terms")
    check(c.ctl("terms not valid").startswith("err "), "control terms refuses a bad version")
    c.ctl("terms 2026-12-01")
    c.ctl("now 1795795200")  # 16:00 UTC = 01:00 Japan time
    st, body = issue(c, mkreq(args.pki, YAMADA, "131016"))
    check(st == 403 and error_code(body) == "outside-service-hours", "01:00 Japan time: outside-service-hours")
    c.ctl(f"now {OPEN_TIME}")


def check_faults(c, args, jwks):
    c.ctl("fault latency=600")
    t = time.time()
    st = c.curl("/kofu/v1/config")[1]
    check(st == 200 and time.time() - t >= 0.6, "latency=600: answer after 600 ms")
    c.ctl("clear")
    for code, name in [(500, "internal"), (502, "bad-gateway"), (503, "busy"), (504, "gateway-timeout")]:
        c.ctl(f"fault status={code}")
        rc, st, body = c.curl("/kofu/v1/config")
        check(st == code and error_code(body) == name, f"status={code}: {code} {name}")
    c.ctl("clear")
    check(c.ctl("status") == "ok requests=0 issued=0 completions=0 undelivered=0 revision_1_0=0",
          "clear zeroes the counters")
    # The kiosk's revision comes from its User-Agent: curl's own, none, or kofu/1 read as 1.0.
    for agent, old in [("kofu/1.1 (0.2.0)", 0), ("kofu/1.12", 0), ("kofu/1", 1), ("curl/8", 1), ("", 1),
                       ("kofu/1.1x", 1)]:
        before = c.ctl("status")
        c.curl("/kofu/v1/config", extra=("-A", agent))
        n = lambda status: int(status.split("revision_1_0=")[1].split()[0])  # noqa: E731
        check(n(c.ctl("status")) - n(before) == old, f"User-Agent {agent!r} read as revision 1.{'0' if old else 'N'}")
    c.ctl("clear")
    check(c.ctl("completions") == "ok", "clear forgets the recent completions")
    check(c.ctl("fault status=404").startswith("err "), "status=404 refused")
    check(c.ctl("fault bogus").startswith("err "), "unknown fault refused")
    c.ctl("fault malformed-json")
    rc, st, body = c.curl("/kofu/v1/config")
    try:
        json.loads(body)
        parsed = True
    except ValueError:
        parsed = False
    check(st == 200 and not parsed, "malformed-json: 200, not JSON")
    c.ctl("clear", "fault oversized-json")
    rc, st, body = c.curl("/kofu/v1/config")
    check(st == 200 and len(body) == 2 * 1024 * 1024 and json.loads(body), "oversized-json: 200, 2 MiB of valid JSON")
    c.ctl("clear", "fault drop-mid-body")
    req = mkreq(args.pki, YAMADA, "131016")
    rc, st, body = c.curl("/kofu/v1/certificates", req)
    check(rc == 18, "drop-mid-body: the connection closes mid-body (curl 18)")
    c.ctl("clear")
    st, a = issue(c, req)
    check(st == 200, "retry after a dropped answer: 200 with the same request_id")
    c.ctl("fault fail-count=2")
    req = mkreq(args.pki, YAMADA, "131016")
    got = [issue(c, req) for _ in range(3)]
    check([g[0] for g in got] == [503, 503, 200] and error_code(got[0][1]) == "busy",
          "fail-count=2: 503 busy, 503 busy, then 200")
    c.ctl("fault bad-signature")
    st, a = issue(c, mkreq(args.pki, YAMADA, "131016"))
    try:
        verify_shc.verify_jws(a["documents"][0]["jws"], jwks)
        good = True
    except verify_shc.Invalid:
        good = False
    check(st == 200 and not good, "bad-signature: the SHC signature does not verify")
    c.ctl("clear", "fault bad-seal")
    st, a = issue(c, mkreq(args.pki, YAMADA, "131041", "overseas"))
    try:
        verify_shc.verify_vds(a["documents"][1]["seal"], open(f"{args.pki}/csca.pem", "rb").read())
        good = True
    except verify_shc.Invalid:
        good = False
    check(st == 200 and not good, "bad-seal: the VDS-NC signature does not verify")
    c.ctl("clear", "fault other-person")
    st, a = issue(c, mkreq(args.pki, YAMADA, "131016"))
    _, patient, _ = verify_shc.verify_jws(a["documents"][0]["jws"], jwks)
    check(st == 200 and patient["name"][0]["family"] == "佐藤", "other-person: a valid SHC for someone else")
    c.ctl("clear", "fault other-csca")
    st, a = issue(c, mkreq(args.pki, YAMADA, "131041", "overseas"))
    seal = a["documents"][1]["seal"] if st == 200 else {}
    try:
        verify_shc.verify_vds(seal, open(f"{args.pki}/csca.pem", "rb").read())
        good = True
    except (verify_shc.Invalid, KeyError):
        good = False
    check(st == 200 and not good and verify_shc.verify_vds(seal, open(f"{args.pki}/other-csca.pem", "rb").read()),
          "other-csca: a valid seal, but under other-csca.pem, not the CSCA kiosks pin")
    c.ctl("clear", "fault jwks-bad-kid")
    key = json.loads(c.curl("/.well-known/jwks.json")[2])["keys"][0]
    check(key["kid"] != verify_shc.thumbprint(key) and key["x"] == jwks["keys"][0]["x"],
          "jwks-bad-kid: the same key under a kid that is not its thumbprint")
    c.ctl("clear", "fault wrong-refusal")
    st, body = issue(c, mkreq(args.pki, YAMADA, "131024"))
    check(st == 403 and error_code(body) == "municipality-not-participating",
          "wrong-refusal: no-record answered 403 municipality-not-participating")
    c.ctl("clear", "fault reissue")
    req = mkreq(args.pki, YAMADA, "131016")
    (st1, a1), (st2, a2) = issue(c, req), issue(c, req)
    check(st1 == st2 == 200 and a1["certificate_id"] != a2["certificate_id"] and c.ctl("status").split()[2] ==
          "issued=2", "reissue: the same request twice, two certificates")
    c.ctl("clear")


def check_tls(c):
    # The client must see the alert itself (lingering close), not a reset or a send failure.
    for cert, alert in [(None, "certificate required"), ("kiosk-revoked", "certificate revoked"),
                        ("rogue-kiosk", "unknown ca")]:
        rc = c.curl("/kofu/v1/config", cert=cert)[0]
        check(rc == 56 and alert in c.last_err, f"{cert or 'no client certificate'}: handshake refused ({alert})")
    check(c.curl("/kofu/v1/config", extra=("--tlsv1.2", "--tls-max", "1.2"))[0] != 0, "TLS 1.2 client refused")


def check_privacy(c):
    log = open(c.log, encoding="utf-8", errors="replace").read()
    secrets = ["123456789018", "314159265352", "山田", "寿限無", "高橋", "YAMADA", "TZ1234567", "FA1234"]
    check(not any(s in log for s in secrets), "no resident data in the log")
    check("POST /kofu/v1/certificates 200" in log and "event=card-refused code=cv-signature" in log,
          "-v logs request lines and event codes")


def check_variants(args, tmp):
    c = Center(args, tmp, ["--tls12-only"], "tls12")
    check(c.curl("/kofu/v1/config", extra=("--tlsv1.2", "--tls-max", "1.2"))[1] == 200,
          "--tls12-only: a TLS 1.2 client is served")
    check(c.curl("/kofu/v1/config", extra=("--tlsv1.3",))[0] != 0, "--tls12-only: a TLS 1.3-only client is refused")
    check(c.stop(signal.SIGTERM) == 0, "SIGTERM: exit status 0")
    c = Center(args, tmp, ["--allow-tls12"], "allow-tls12")
    check(c.curl("/kofu/v1/config", extra=("--tlsv1.2", "--tls-max", "1.2"))[1] == 200 and
          c.curl("/kofu/v1/config", extra=("--tlsv1.3",))[1] == 200, "--allow-tls12: TLS 1.2 and 1.3 served")
    c.stop()
    pub = random.randint(32001, 32700)
    c = Center(args, tmp, ["--public-port", str(pub)], "public")
    url = f"https://localhost:{pub}"
    run = lambda *a: subprocess.run(["curl", "-sS", "--cacert", f"{args.pki}/center-ca.pem", "-o", "-", "-w",  # noqa
                                     "\n%{http_code}", *a], capture_output=True, text=True).stdout.rsplit("\n", 1)
    body, st = run(f"{url}/issuer/.well-known/jwks.json")
    check(st == "200" and json.loads(body)["keys"][0]["kid"] == verify_shc.thumbprint(json.loads(body)["keys"][0]),
          "--public-port: <iss path>/.well-known/jwks.json to anyone, without a client certificate")
    check(run(f"{url}/kofu/v1/config")[1] == "404" and run(f"{url}/.well-known/jwks.json")[1] == "404",
          "--public-port: nothing else there")
    check(run("--tlsv1.2", "--tls-max", "1.2", f"{url}/issuer/.well-known/jwks.json")[1] == "200",
          "--public-port: TLS 1.2 clients too")
    check(c.curl("/kofu/v1/config", cert=None)[0] == 56, "--public-port: the kiosk channel still needs a certificate")
    c.stop()
    c = Center(args, tmp, ["--fee", "0", "--card-ca", f"{args.pki}/card-ca"], "fee")
    check(json.loads(c.curl("/kofu/v1/config")[2])["fee_per_copy_yen"] == 0, "--fee 0: free of charge")
    check(issue(c, mkreq(args.pki, YAMADA, "131016"))[0] == 200, "--card-ca DIR: the card CA is read from DIR")
    c.stop()
    for extra in (["--fee", "10001"], ["--card-ca", os.path.join(tmp, "none")], ["--allow-tls12", "--tls12-only"]):
        rc = subprocess.run([args.bin, "--port", "1", "--pki", args.pki, "--fixture", FIXTURE] + extra,
                            capture_output=True).returncode
        check(rc == 2, f"{' '.join(extra)}: exit status 2")
    c = Center(args, tmp, ["--cert", f"{args.pki}/center-expired.pem", "--key", f"{args.pki}/center.key.pem"],
               "expired")
    check(c.curl("/kofu/v1/config")[0] == 60, "--cert center-expired.pem: curl refuses the server (60)")
    check(c.stop(signal.SIGINT) == 0, "SIGINT: exit status 0")
    c = Center(args, tmp, ["--hours", "10:00-11:00"], "hours")
    st, body = issue(c, mkreq(args.pki, YAMADA, "131016"))
    check(st == 403 and error_code(body) == "outside-service-hours", "--hours 10:00-11:00 at 17:00: closed")
    check(json.loads(c.curl("/kofu/v1/config")[2])["service_hours"]["open"] == "10:00", "--hours shown in /config")
    c.stop()
    terms_file = os.path.join(tmp, "terms.json")
    with open(terms_file, "w", encoding="utf-8") as f:
        json.dump({"version": "file-1", "ja": "見本の規約\n第1条", "en": "Sample terms\n1."}, f, ensure_ascii=False)
    c = Center(args, tmp, ["--terms", terms_file], "terms")
    terms = json.loads(c.curl("/kofu/v1/config")[2])["terms"]
    check(terms == {"version": "file-1", "ja": "見本の規約\n第1条", "en": "Sample terms\n1."},
          "--terms FILE: served as /config's terms")
    st, body = issue(c, mkreq(args.pki, YAMADA, "131016", terms_version="file-1"))
    check(st == 200, "--terms FILE: a request with its version is served")
    c.stop()
    c = Center(args, tmp, ["--terms-version", "2027.1"], "terms-version")
    check(json.loads(c.curl("/kofu/v1/config")[2])["terms"]["version"] == "2027.1", "--terms-version VERSION")
    c.stop()
    db = os.path.join(tmp, "center.db")
    c = Center(args, tmp, ["--db", db], "db")
    req = mkreq(args.pki, YAMADA, "131016")
    st, a = issue(c, req)
    rid = json.loads(req)["request_id"]
    c.curl("/kofu/v1/completions", json.dumps({"request_id": rid, "certificate_id": a["certificate_id"],
                                               "outcome": "printed", "copies_printed": 1, "amount_yen": 120}))
    issue(c, mkreq(args.pki, NORECORD, "131016"))
    check(c.stop() == 0, "quit: exit status 0")
    rows = sqlite3.connect(db).execute("SELECT request_id, certificate_id, outcome, copies_printed, amount_yen, "
                                       "kiosk FROM completions").fetchall()
    check(rows == [(rid, a["certificate_id"], "printed", 1, 120, "kiosk-0001")],
          "--db: the completion is stored with the kiosk's CN")
    raw = b"".join(open(p, "rb").read() for p in (db, db + "-wal") if os.path.exists(p))
    check(b"314159265352" not in raw and "高橋".encode() not in raw,
          "--db: nothing of a request is written (no unseeded My Number or name)")


def bench(c, args, n):
    base = json.loads(mkreq(args.pki, YAMADA, "131016"))
    cfg = os.path.join(c.tmp, "bench.cfg")
    with open(cfg, "w") as f:
        for i in range(n):
            base["request_id"] = str(uuid.uuid4())
            p = os.path.join(c.tmp, f"b{i}.json")
            json.dump(base, open(p, "w"), ensure_ascii=False)
            f.write(f'url = "https://localhost:{c.port}/kofu/v1/certificates"\ncacert = "{args.pki}/center-ca.pem"\n'
                    f'cert = "{args.pki}/kiosk.pem"\nkey = "{args.pki}/kiosk.key.pem"\n'
                    'header = "Content-Type: application/json"\nheader = "Connection: close"\n'
                    f'data-binary = "@{p}"\noutput = "/dev/null"\nwrite-out = "%{{http_code}}\\n"\n'
                    + ("next\n" if i < n - 1 else ""))
    stat = lambda: sum(int(x) for x in open(f"/proc/{c.proc.pid}/stat").read().split(")")[1].split()[11:13])  # noqa
    cpu0, t0 = stat(), time.time()
    out = subprocess.run(["curl", "-sS", "--config", cfg], capture_output=True, text=True).stdout.split()
    wall, cpu = time.time() - t0, (stat() - cpu0) / os.sysconf("SC_CLK_TCK")
    check(out.count("200") == n, f"bench: {n} issuances answered 200")
    print(f"bench: {n} issuances, one new TLS 1.3 connection each (session resumed), one curl client: "
          f"{n / wall:.0f}/s wall; centersim CPU {1000 * cpu / n:.2f} ms each = {n / cpu:.0f}/s per core")


def main():
    ap = argparse.ArgumentParser(description="end-to-end checks of centersim")
    ap.add_argument("--bin", default=os.path.join(REPO, "build", "centersim"))
    ap.add_argument("--pki", default=os.path.join(REPO, "build", "pki"))
    ap.add_argument("--bench", type=int, default=0)
    args = ap.parse_args()
    args.pki = os.path.abspath(args.pki)
    tmp = tempfile.mkdtemp(prefix="centersim-check.")
    c = Center(args, tmp)
    try:
        jwks = check_config_and_keys(c)
        check_issuance(c, args, jwks)
        check_passport_chip(c, args)
        check_errors(c, args)
        check_participation(c, args)
        check_faults(c, args, jwks)
        check_tls(c)
        check_privacy(c)
        if args.bench:
            bench(c, args, args.bench)
        check(c.stop() == 0, "quit: exit status 0")
        check_variants(args, tmp)
    finally:
        if c.proc.poll() is None:
            c.proc.kill()
    print(f"{len(failures)} failure(s)" if failures else "all checks passed")
    if not failures:
        subprocess.run(["rm", "-rf", tmp])
    else:
        print(f"logs kept in {tmp}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
