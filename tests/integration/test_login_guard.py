"""Login protection (issue 15, defect 3; rule E9: no password guessing, no
account enumeration): the slow password hash bounded per process (a
login that cannot get a slot soon answers 429 busy, never a slow
/api/me), growing delays per login that never lock the real user out
(a browser that logged in before is not delayed by failures from
elsewhere), and failed and successful logins audited without the full
login or the password."""
import concurrent.futures
import http.client
import json
import multiprocessing
import random
import statistics
import threading
import time

from harness import (test, post, get, token, sql, uniq, set_clock_at,
                     enterprise_body, PORT)

PASSWORD = "test-pass-2024"
WRONG = "Wr0ng-guess-2024"
DEVICE_COOKIE = "voucher_device"


class Reply:
    def __init__(self, status, headers, body, seconds):
        self.status = status
        self.headers = headers          # [(lower-case name, value)]
        self.body = body
        self.seconds = seconds

    def header(self, name):
        for k, v in self.headers:
            if k == name:
                return v
        return None

    def cookies(self):
        """{name: (value, attributes)} of the Set-Cookie headers."""
        out = {}
        for k, v in self.headers:
            if k == "set-cookie":
                name, _, rest = v.partition("=")
                value, _, attrs = rest.partition(";")
                out[name] = (value, attrs)
        return out

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def code(self):
        try:
            return self.json["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:200].decode(
            "utf-8", "replace"))


def call(method, path, body=None, headers=None, source="127.0.0.1",
         timeout=60):
    """One request through nginx from the loopback address source (each
    one its own client address for nginx's per-address limits); every
    header kept, Set-Cookie included."""
    h = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    t0 = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout,
                                      source_address=(source, 0))
    try:
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        payload = resp.read()
        return Reply(resp.status, [(k.lower(), v) for k, v in
                                   resp.getheaders()], payload,
                     time.monotonic() - t0)
    finally:
        conn.close()


def attempt(login, password, device=None, source="127.0.0.1"):
    """POST /api/session, waiting out nginx's per-address limit."""
    headers = {"Cookie": "%s=%s" % (DEVICE_COOKIE, device)} if device \
        else None
    for _ in range(200):
        r = call("POST", "/api/session", {"login": login,
                                          "password": password},
                 headers=headers, source=source)
        if r.status != 429 or r.code != "rate_limited":
            return r
        time.sleep(0.25)
    raise AssertionError("rate limit never cleared")


def account(login=None):
    """A new enterprise account (the bureau's onboarding): its login."""
    b = enterprise_body(password=PASSWORD)
    if login:
        b["login"] = login
    r = post("/api/bureau/enterprises", b, token=token("bureau"))
    assert r.status == 201, r
    return b["login"]


def mobile():
    return "13" + str(random.randint(5, 9)) + "%08d" % random.randint(
        0, 99999999)


def expect_delayed(r, seconds):
    assert r.status == 429 and r.code == "too_many_attempts", r
    assert r.header("retry-after") == str(seconds), (r, r.headers)
    msg = r.json["error"]["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in msg), msg


def p50(xs):
    return statistics.median(xs)


# ---- (a) the hash bounded: a flood gets 429 busy, /api/me stays fast -------

def _guesser_process(tag, seconds, out):
    """The flood, in a process of its own (so that the GIL of its threads
    never slows the measuring thread): 20 client addresses, 2 connections
    each, every guess at a login nobody holds (every guess costs a hash:
    no per-login delay applies). Puts [(status, code, seconds,
    retry_after)] on out."""
    stop = time.monotonic() + seconds
    got = []
    lock = threading.Lock()

    def guesser(i):
        n = 0
        while time.monotonic() < stop:
            n += 1
            r = call("POST", "/api/session",
                     {"login": "%s-%d-%d" % (tag, i, n), "password": WRONG},
                     source="127.0.0.%d" % (2 + i % 20), timeout=120)
            with lock:
                got.append((r.status, r.code, r.seconds,
                            r.header("retry-after")))

    threads = [threading.Thread(target=guesser, args=(i,))
               for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(got)


@test
def test_E9_login_flood_answers_busy_while_me_stays_fast():
    tok = token("ent03")
    me = {"Authorization": "Bearer " + tok}
    for _ in range(5):                                  # warm
        assert call("GET", "/api/me", headers=me).status == 200
    quiet = []
    for _ in range(40):
        r = call("GET", "/api/me", headers=me)
        assert r.status == 200, r
        quiet.append(r.seconds)
    q = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_guesser_process,
                                   args=(uniq("flood"), 8, q))
    proc.start()
    time.sleep(1)                       # the flood is on
    loud = []
    while proc.is_alive() and len(loud) < 400:
        r = call("GET", "/api/me", headers=me, timeout=120)
        loud.append(r)
        time.sleep(0.02)
    flood = q.get(timeout=300)
    proc.join()
    statuses = sorted(set(f[0] for f in flood))
    assert all(f[0] < 500 for f in flood), statuses
    assert all(r.status == 200 for r in loud), [r for r in loud
                                                 if r.status != 200][:3]
    busy = [f for f in flood if f[1] == "busy"]
    assert busy, statuses
    assert all(f[0] == 429 and f[3] for f in busy), busy[:3]
    # refused quickly: a short wait for a slot, not the queue of hashes
    assert p50([f[2] for f in busy]) < 2.0, p50([f[2] for f in busy])
    assert len(loud) >= 10, len(loud)
    quiet_p50, loud_p50 = p50(quiet), p50([r.seconds for r in loud])
    print("  flood: %d guesses in 8 s (%s), %d busy (p50 %.0f ms); /api/me"
          " p50 %.1f ms quiet, %.1f ms under the flood (%d requests)" % (
              len(flood), statuses, len(busy),
              p50([f[2] for f in busy]) * 1000, quiet_p50 * 1000,
              loud_p50 * 1000, len(loud)))
    assert loud_p50 < 10 * max(quiet_p50, 0.005), (quiet_p50, loud_p50)


# ---- (b) growing delays per login, the same for a login nobody holds -------

@test
def test_E9_failed_logins_delay_grows_per_login_alike_for_nobody():
    holder, ghost = account(), "nobody-" + uniq()
    t0 = int(time.time())
    seen = {}
    for who in (holder, ghost):
        t = t0
        set_clock_at(t)
        replies = [attempt(who, WRONG) for _ in range(5)]  # 5 free
        assert all(r.status == 401 for r in replies), replies
        waits = []
        for k in range(12):
            r = attempt(who, WRONG)
            assert r.status == 429 and r.code == "too_many_attempts", r
            waits.append(int(r.header("retry-after")))
            expect_delayed(r, min(2 ** k, 900))
            t += waits[-1] - 1
            set_clock_at(t)         # a second early: still delayed
            expect_delayed(attempt(who, WRONG), 1)
            t += 1
            set_clock_at(t)
            assert attempt(who, WRONG).status == 401
        seen[who] = waits
    assert seen[holder] == seen[ghost] == [1, 2, 4, 8, 16, 32, 64, 128, 256,
                                           512, 900, 900], seen
    # never a lockout: at the end of the (capped) delay the holder is in
    t += 900
    set_clock_at(t)
    r = attempt(holder, PASSWORD)
    assert r.status == 200, r
    # and a success clears the failures of its login
    assert attempt(holder, WRONG).status == 401
    # failures are forgotten after a quiet day
    t += 86400
    set_clock_at(t)
    for _ in range(5):
        assert attempt(ghost, WRONG).status == 401


@test
def test_E9_known_browser_not_delayed_by_failures_elsewhere():
    victim, other = account(), account()
    # the real user logged in from this browser before: its device cookie
    r = attempt(victim, PASSWORD)
    assert r.status == 200, r
    value, attrs = r.cookies()[DEVICE_COOKIE]
    assert len(value) >= 40 and "HttpOnly" in attrs and \
        "SameSite=Strict" in attrs and "Path=/api/session" in attrs, attrs
    assert value not in r.body.decode()
    device = value
    # and the attacker's own account gives it a device of its own
    theirs = attempt(other, PASSWORD).cookies()[DEVICE_COOKIE][0]
    t = int(time.time())
    set_clock_at(t)
    for _ in range(5):
        assert attempt(victim, WRONG, source="127.0.0.9").status == 401
    expect_delayed(attempt(victim, WRONG, source="127.0.0.9"), 1)
    # elsewhere the real user waits too; from its own browser it is in
    expect_delayed(attempt(victim, PASSWORD), 1)
    r = attempt(victim, PASSWORD, device=device)
    assert r.status == 200, r
    # ... without clearing the failures from elsewhere
    expect_delayed(attempt(victim, PASSWORD), 1)
    # another account's device cookie, or a made-up one, is no key
    expect_delayed(attempt(victim, PASSWORD, device=theirs), 1)
    expect_delayed(attempt(victim, WRONG, device="x" * 43), 1)
    # a device's own failures are delayed on their own
    for _ in range(5):
        assert attempt(victim, WRONG, device=device).status == 401
    expect_delayed(attempt(victim, PASSWORD, device=device), 1)
    set_clock_at(t + 1)
    assert attempt(victim, PASSWORD, device=device).status == 200


# ---- (c) audited, the login masked ------------------------------------------

@test
def test_E9_logins_audited_without_the_mobile_or_the_password():
    m, ghost = mobile(), mobile()
    account(m)
    first = int(sql("SELECT IFNULL(MAX(id), 0) FROM audit_log")[0][0])
    assert attempt(m, WRONG).status == 401
    assert attempt(ghost, WRONG).status == 401
    assert attempt(m, PASSWORD).status == 200
    rows = sql("SELECT action, IFNULL(entity_id, 0), IFNULL(after_json, ''),"
               " actor_role FROM audit_log WHERE id > %d AND action LIKE"
               " 'session.%%' ORDER BY id" % first)
    acct = int(sql("SELECT id FROM accounts WHERE login = '%s'" % m)[0][0])
    mine = [r for r in rows if json.loads(r[2] or "{}").get("login") in (
        m[:3] + "****" + m[7:], ghost[:3] + "****" + ghost[7:])]
    assert [(r[0], int(r[1])) for r in mine] == [
        ("session.fail", acct), ("session.fail", 0),
        ("session.create", acct)], rows
    assert json.loads(mine[0][2])["reason"] == "invalid_credentials"
    assert mine[0][3] == "public"
    everything = sql("SELECT COUNT(*) FROM audit_log WHERE id > %d AND"
                     " (IFNULL(after_json, '') LIKE '%%%s%%' OR"
                     " IFNULL(after_json, '') LIKE '%%%s%%' OR"
                     " IFNULL(after_json, '') LIKE '%%%s%%')"
                     % (first, m, ghost, WRONG))
    assert everything == [["0"]], everything


@test
def test_E9_longest_chinese_login_delayed_and_masked_like_any():
    who = "企业登录名" * 12 + "北京市中"            # 64 characters, 192 bytes
    t = int(time.time())
    set_clock_at(t)
    first = int(sql("SELECT IFNULL(MAX(id), 0) FROM audit_log")[0][0])
    for _ in range(5):
        r = attempt(who, WRONG)
        assert r.status == 401, r
    expect_delayed(attempt(who, WRONG), 1)
    # its own row, not one shared with a login of the same first bytes
    expect_delayed(attempt(who, WRONG), 1)
    assert attempt(who[:-1] + "X", WRONG).status == 401
    logged = [json.loads(r[0]) for r in sql(
        "SELECT after_json FROM audit_log WHERE id > %d AND action ="
        " 'session.fail'" % first)]
    assert len(logged) == 6 and all(x["login"] == "***" for x in logged), \
        logged


# ---- (a') the registration program's hashes are bounded too ----------------

def _signup_process(seconds, out):
    """A flood of signups (each derives the password's hash and the code's)
    from 20 client addresses, 2 connections each, every one a new mobile
    (no per-mobile limit applies), in a process of its own. Puts
    [(status, code, seconds, retry_after)] on out."""
    stop = time.monotonic() + seconds
    got = []
    lock = threading.Lock()

    def signer(i):
        while time.monotonic() < stop:
            r = call("POST", "/api/signup",
                     {"kind": "enterprise", "mobile": mobile(),
                      "password": "flood-pass-2024", "name": "洪水测试"},
                     source="127.0.0.%d" % (2 + i % 20), timeout=120)
            with lock:
                got.append((r.status, r.code, r.seconds,
                            r.header("retry-after")))

    threads = [threading.Thread(target=signer, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(got)


@test
def test_E9_signup_flood_answers_busy_while_registration_stays_fast():
    """Issue 15, defect 3: signup, resend, verify, accept and invite derive
    PBKDF2 hashes in the registration program; they take the same hash
    gate as the login, so a flood of them gets 429 busy and the program's
    other routes (here the inbox badge) stay quick."""
    tok = token("ent04")
    auth = {"Authorization": "Bearer " + tok}
    for _ in range(5):                                  # warm
        assert call("GET", "/api/notifications/unread",
                    headers=auth).status == 200
    quiet = [call("GET", "/api/notifications/unread", headers=auth).seconds
             for _ in range(40)]
    q = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_signup_process, args=(8, q))
    proc.start()
    time.sleep(1)
    loud = []
    while proc.is_alive() and len(loud) < 400:
        r = call("GET", "/api/notifications/unread", headers=auth,
                 timeout=120)
        loud.append(r)
        time.sleep(0.02)
    flood = q.get(timeout=300)
    proc.join()
    statuses = sorted(set(f[0] for f in flood))
    assert all(f[0] < 500 for f in flood), statuses
    assert all(r.status == 200 for r in loud), [r for r in loud
                                                 if r.status != 200][:3]
    busy = [f for f in flood if f[1] == "busy"]
    assert busy, statuses
    assert all(f[0] == 429 and f[3] == "1" for f in busy), busy[:3]
    assert len(loud) >= 10, len(loud)
    quiet_p50, loud_p50 = p50(quiet), p50([r.seconds for r in loud])
    print("  signup flood: %d signups in 8 s (%s), %d busy; the badge p50"
          " %.1f ms quiet, %.1f ms under the flood" % (
              len(flood), statuses, len(busy), quiet_p50 * 1000,
              loud_p50 * 1000))
    assert loud_p50 < 10 * max(quiet_p50, 0.005), (quiet_p50, loud_p50)
