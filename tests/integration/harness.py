"""harness.py - the integration-test harness: black-box HTTP against the
real stack (nginx + the FastCGI programs + MariaDB) that tests/run.sh
started, plus the injectable clock (rule T2) and read-only SQL checks.

A test is a function decorated with @test in a tests/integration/test_*.py
module, named after the rule or behaviour it checks
(test_E6_invalid_uscc_refused). It fails by raising (assert).
`python3 tests/integration/run.py [pattern]` runs them and ends with the
line "N passed, N failed".
"""
import http.client
import json
import os
import pwd
import re
import subprocess
import threading
import time
import urllib.parse

PORT = int(os.environ.get("VOUCHER_PORT", "18080"))
STATE = os.environ.get("VOUCHER_STATE_DIR", "")
CLOCK_FILE = os.environ.get("VOUCHER_CLOCK_FILE", "")
DEMO_PASSWORD = "demo-pass-2024"

TESTS = []


def test(fn):
    """Registers fn as a test."""
    TESTS.append(fn)
    return fn


class Reply:
    """An HTTP reply: status, headers (lower-case names), body bytes, json."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self._json = None

    @property
    def json(self):
        if self._json is None:
            self._json = json.loads(self.body.decode("utf-8"))
        return self._json

    @property
    def error_code(self):
        try:
            return self.json["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:300].decode("utf-8", "replace"))


# Every JSON reply of /api/ the tests receive, a few of each route, method
# and status (run.py checks them against the API description at the end
# of a run: the writes and errors the tests provoke, not only the GETs
# test_openapi.py calls itself).
REPLIES = {}
REPLIES_PER_KIND = 8
_replies_lock = threading.Lock()


def _record_reply(method, path, reply):
    if not path.startswith("/api/") or not reply.body or not \
            reply.headers.get("content-type", "").startswith(
                "application/json"):
        return      # (a 304 of a cached list has its type and no body)
    bare = path.split("?", 1)[0]
    kind = (method, re.sub(r"/[0-9]+(?=/|$|\.)", "/{}", bare), reply.status)
    with _replies_lock:
        got = REPLIES.setdefault(kind, [])
        if len(got) < REPLIES_PER_KIND:
            got.append((bare, reply))


def request(method, path, body=None, token=None, headers=None, raw=None,
            query=None, timeout=30):
    """One HTTP request through nginx. body is JSON-encoded (dict/list);
    raw is sent as-is. Returns a Reply."""
    h = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        h.setdefault("Content-Type", "application/json")
    elif raw is not None:
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
    if token:
        h["Authorization"] = "Bearer " + token
    if query:
        path = path + "?" + urllib.parse.urlencode(query)
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        payload = resp.read()
        reply = Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()},
                      payload)
        _record_reply(method, path, reply)
        return reply
    finally:
        conn.close()


def get(path, **kw):
    return request("GET", path, **kw)


def post(path, body=None, **kw):
    return request("POST", path, body=body, **kw)


def put(path, body=None, **kw):
    return request("PUT", path, body=body, **kw)


def delete(path, **kw):
    return request("DELETE", path, **kw)


_tokens = {}
_tokens_lock = threading.Lock()


def login_reply(login, password=DEMO_PASSWORD):
    """POST /api/session, waiting out nginx's login rate limit (429)."""
    for _ in range(100):
        r = post("/api/session", {"login": login, "password": password})
        if r.status != 429:
            return r
        time.sleep(0.25)
    raise AssertionError("login rate limit never cleared")


def token(login, password=DEMO_PASSWORD):
    """A bearer token for login (cached per login for the whole run)."""
    with _tokens_lock:
        if login in _tokens:
            return _tokens[login]
    r = login_reply(login, password)
    assert r.status == 200, r
    with _tokens_lock:
        _tokens[login] = r.json["token"]
    return r.json["token"]


def set_clock(iso):
    """Rule T2: every program reads "now" from the clock file."""
    assert CLOCK_FILE, "VOUCHER_CLOCK_FILE is not set"
    with open(CLOCK_FILE + ".tmp", "w") as f:
        f.write(iso + "\n")
    os.replace(CLOCK_FILE + ".tmp", CLOCK_FILE)


def clear_clock():
    if CLOCK_FILE and os.path.exists(CLOCK_FILE):
        os.unlink(CLOCK_FILE)


def sql(query):
    """Runs query as the database admin (checks only); rows as lists of str."""
    sock = os.path.join(STATE, "run", "mysql.sock")
    # the admin is the user who started the stack (root, or an ordinary
    # user: ops/stack.sh, issue 14.1), by its socket
    out = subprocess.run(
        ["mariadb", "--no-defaults", "--socket=" + sock,
         "-u" + pwd.getpwuid(os.getuid()).pw_name, "-N", "-B",
         "voucher", "-e", query],
        check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


class AdminSession:
    """A connection of its own to the stack's database as its admin (a
    mariadb client on a pipe), for holding a lock while a request runs:
    send() a statement, line() reads one line of its output."""

    def __init__(self):
        self.p = subprocess.Popen(
            ["mariadb", "--no-defaults",
             "--socket=" + os.path.join(STATE, "run", "mysql.sock"),
             "-u" + pwd.getpwuid(os.getuid()).pw_name, "-N", "-B", "-n",
             "voucher"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True)

    def send(self, statements):
        self.p.stdin.write(statements + "\n")
        self.p.stdin.flush()

    def line(self):
        return self.p.stdout.readline().strip()

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=30)


def expect_error(r, status, code=None, field=None):
    """Asserts r is a JSON error of that status (and code, field)."""
    assert r.status == status, r
    assert r.headers.get("content-type", "").startswith("application/json"), r
    err = r.json["error"]
    assert isinstance(err.get("message"), str) and err["message"], r
    if code is not None:
        assert err.get("code") == code, r
    if field is not None:
        assert err.get("field") == field, r


# ---- helpers for the foundation tests ------------------------------------

import datetime  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_rng = random.Random()
_uniq_lock = threading.Lock()
_uniq_n = [0]


def uscc_check_char(first17):
    """Rule E6 (GB 32100-2015): the check character of 17 characters."""
    s = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - s % 31) % 31]


def uscc(prefix="91110108"):
    """A fresh valid unified social credit code (rule E6) starting with
    prefix (default: a Beijing Haidian enterprise)."""
    body = prefix + "".join(_rng.choice(USCC_CHARSET)
                            for _ in range(17 - len(prefix)))
    return body + uscc_check_char(body)


def uscc_bad_check(prefix="91110108"):
    """A code that is valid except for its check character."""
    good = uscc(prefix)
    wrong = USCC_CHARSET[(USCC_CHARSET.index(good[-1]) + 1) % 31]
    return good[:-1] + wrong


def uniq(prefix="t"):
    """A short unique name for logins and product names of this run."""
    with _uniq_lock:
        _uniq_n[0] += 1
        n = _uniq_n[0]
    return "%s%d%04d%03d" % (prefix, os.getpid() % 100000,
                             int(time.time()) % 10000, n)


def bureau():
    return token("bureau")


def iso(t):
    """A Unix time as the clock file's ISO 8601 UTC form."""
    return datetime.datetime.fromtimestamp(
        int(t), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(s):
    return int(datetime.datetime.strptime(
        s, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp())


def set_clock_at(t):
    """Rule T2: sets every program's "now" to the Unix time t."""
    set_clock(iso(t))


def enterprise_body(**over):
    """A valid POST /api/bureau/enterprises body with fresh USCC/login."""
    login = uniq("e")
    b = {"name": "北京测试企业" + login + "有限公司", "uscc": uscc(),
         "tier": "ordinary", "size_class": "small",
         "beijing_registered": True, "is_enterprise": True,
         "login": login, "password": "test-pass-2024"}
    b.update(over)
    return b


def new_enterprise(**over):
    """Creates an enterprise (and its account) as the bureau. Returns
    (enterprise json, body sent)."""
    body = enterprise_body(**over)
    r = post("/api/bureau/enterprises", body, token=bureau())
    assert r.status == 201, r
    return r.json, body


def provider_body(**over):
    login = uniq("p")
    b = {"name": "北京测试服务机构" + login + "有限公司", "uscc": uscc(),
         "beijing_registered": True, "established_on": "2015-03-01",
         "last_year_contracts": 40, "last_year_revenue": 500000000,
         "login": login, "password": "test-pass-2024"}
    b.update(over)
    return b


def new_provider(**over):
    body = provider_body(**over)
    r = post("/api/bureau/providers", body, token=bureau())
    assert r.status == 201, r
    return r.json, body


_test_provider = []


def test_provider_id():
    """One provider of this run for the catalog tests (created once)."""
    with _tokens_lock:
        if _test_provider:
            return _test_provider[0]
    p, _ = new_provider()
    with _tokens_lock:
        if not _test_provider:
            _test_provider.append(p["id"])
        return _test_provider[0]


def product_body(provider_id=None, **over):
    b = {"provider_id": (test_provider_id() if provider_id is None
                         else provider_id),
         "category": "finance", "name": "测试产品" + uniq("x"),
         "description": "集成测试创建的产品。\n第二行。",
         "market_price": 1000000, "voucher_price": 800000, "units": 10}
    b.update(over)
    return b


def new_product(provider_id=None, **over):
    r = post("/api/bureau/products", product_body(provider_id, **over),
             token=bureau())
    assert r.status == 201, r
    return r.json


def cookie_login(login, password=DEMO_PASSWORD):
    """Logs in; returns (reply, session cookie value from Set-Cookie)."""
    r = login_reply(login, password)
    assert r.status == 200, r
    m = re.match(r"voucher_session=([^;]*)", r.headers.get("set-cookie", ""))
    assert m, r.headers
    return r, m.group(1)


def wait_for(fn, timeout=3.0, interval=0.1):
    """Polls fn() until it returns a true value or timeout; returns the
    last value."""
    end = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() >= end:
            return v
        time.sleep(interval)


def programs():
    """The programs nginx exposes under /_internal/<prog>/ (from the
    generated nginx.conf; account and catalog when it cannot be read)."""
    try:
        with open(os.path.join(STATE, "nginx", "nginx.conf")) as f:
            m = re.search(r"\^/_internal/\(([a-z|]+)\)/", f.read())
        if m:
            return m.group(1).split("|")
    except OSError:
        pass
    return ["account", "catalog"]


def audit_actions(entity, entity_id):
    """The audit_log actions recorded for entity/id, oldest first."""
    return [row[0] for row in sql(
        "SELECT action FROM audit_log WHERE entity='%s' AND entity_id=%d "
        "ORDER BY id" % (entity, int(entity_id)))]


def all_products(**query):
    """Every listed product of the list (all pages) with query filters."""
    items, page = [], 1
    while True:
        # a parameter the catalog ignores: past nginx's micro-cache
        q = dict(query, per_page=100, page=page, nocache=uniq("n"))
        r = get("/api/products", query=q)
        assert r.status == 200, r
        items.extend(r.json["items"])
        if len(items) >= r.json["total"] or not r.json["items"]:
            return items, r.json["total"]
        page += 1


_once = {}


def login_once(login, password=DEMO_PASSWORD):
    """The reply of one fresh login of login (a session of its own, not
    the one token() caches), made once per run."""
    with _tokens_lock:
        if login in _once:
            return _once[login]
    r = login_reply(login, password)
    with _tokens_lock:
        return _once.setdefault(login, r)


def scratch_enterprise():
    """One enterprise of this run for tests that only need some
    enterprise to change (any state): created once. Returns its id."""
    with _tokens_lock:
        if "scratch_enterprise" in _once:
            return _once["scratch_enterprise"]
    ent, _ = new_enterprise()
    with _tokens_lock:
        return _once.setdefault("scratch_enterprise", ent["id"])


# ---- helpers for the order tests (test_orders*.py) -------------------------
#
# The order tests keep sessions of their own (never the token() cache),
# because a request made while the clock is moved forward deletes a
# session that has been idle for 30 minutes of clock time (rule T2): a
# test that moves the clock must only use sessions from fresh_login().

import concurrent.futures  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
ORDER_TEST_PASSWORD = "test-pass-2024"
# What the order tests created, for the reconcile check (product and
# enterprise ids).
order_created = {"products": set(), "enterprises": set()}
_order_lock = threading.Lock()
_order_tokens = {}
_order_pool = []
_order_spare = []


def fresh_login(login, password=DEMO_PASSWORD):
    """A token of a new session of login, never cached."""
    r = login_reply(login, password)
    assert r.status == 200, (login, r)
    return r.json["token"]


def order_token(login, password=DEMO_PASSWORD):
    """A session of login owned by the order tests (cached for the run;
    never use it while the clock is moved: see fresh_login)."""
    with _order_lock:
        if login in _order_tokens:
            return _order_tokens[login]
    t = fresh_login(login, password)
    with _order_lock:
        return _order_tokens.setdefault(login, t)


def provider_id(login):
    """The provider id of a provider login (no session needed)."""
    rows = sql("SELECT a.provider_id FROM accounts a JOIN providers p"
               " ON p.id = a.provider_id WHERE a.login = '%s' AND"
               " (p.barred_until IS NULL OR p.barred_until <="
               " UTC_TIMESTAMP())" % login.replace("'", ""))
    assert rows, "no unbarred provider %s" % login
    return int(rows[0][0])


def order_provider(login="prov01"):
    """(provider id, token) of a demo provider."""
    return provider_id(login), order_token(login)


def _make_enterprise(over):
    body = enterprise_body(password=ORDER_TEST_PASSWORD, **over)
    r = post("/api/bureau/enterprises", body, token=order_token("bureau"))
    assert r.status == 201, r
    ent = r.json
    with _order_lock:
        order_created["enterprises"].add(ent["id"])
    return {"id": ent["id"], "name": body["name"], "uscc": body["uscc"],
            "tier": body["tier"], "login": body["login"],
            "password": body["password"],
            "token": fresh_login(body["login"], body["password"])}


def make_enterprises(n, workers=4, **over):
    """n new enterprises (bureau API), each logged in: dicts with id,
    name, uscc, tier, login, password, token. Created in parallel."""
    with concurrent.futures.ThreadPoolExecutor(workers) as ex:
        return list(ex.map(lambda _: _make_enterprise(over), range(n)))


def fresh_enterprise(**over):
    """One new enterprise of its own (ordinary, small, eligible unless
    over says otherwise), logged in. Plain ones are made in batches."""
    if over:
        return _make_enterprise(over)
    with _order_lock:
        if _order_spare:
            return _order_spare.pop()
    batch = make_enterprises(3)
    with _order_lock:
        _order_spare.extend(batch[1:])
    return batch[0]


def enterprise_pool(n=20):
    """The first n enterprises of a pool shared by the order tests
    (little giants: a 20,000,000 fen cap), created as needed (at least 4
    at a time, in parallel) and kept for the run."""
    with _order_lock:
        have = len(_order_pool)
    if have < n:
        more = make_enterprises(max(n, min(have + 4, 20)) - have,
                                tier="little_giant")
        with _order_lock:
            _order_pool.extend(more)
    with _order_lock:
        return list(_order_pool[:n])


def order_product(provider_id, voucher_price=100000, market_price=None,
                  units=10, **over):
    """A new listed product of provider_id (bureau API); the market price
    defaults to twice the voucher price (P3)."""
    body = product_body(provider_id, voucher_price=voucher_price,
                        market_price=market_price or voucher_price * 2,
                        units=units, **over)
    r = post("/api/bureau/products", body, token=order_token("bureau"))
    assert r.status == 201, r
    with _order_lock:
        order_created["products"].add(r.json["id"])
    return r.json


def unit_subsidy(voucher_price):
    """P4: min(floor(voucher_price * 30 / 100), 5,000,000)."""
    return min(voucher_price * 30 // 100, 5000000)


def place_order(tok, product_id, key=None, body=None):
    """POST /api/orders with an Idempotency-Key (a fresh one by
    default)."""
    return post("/api/orders",
                body if body is not None else {"product_id": product_id},
                token=tok, headers={"Idempotency-Key": key or uniq("k")})


def quota_occupied(tok):
    r = get("/api/me", token=tok)
    assert r.status == 200, r
    return r.json["quota"]["occupied"]


def product_public(product_id):
    """GET /api/products/{id} (through nginx's micro-cache)."""
    r = get("/api/products/%d" % product_id)
    assert r.status == 200, r
    return r.json


def wait_product(product_id, pred, timeout=2.5):
    """Polls the public product (micro-cached for about a second) until
    pred(product) holds; returns the last product seen."""
    end = time.time() + timeout
    while True:
        p = product_public(product_id)
        if pred(p) or time.time() >= end:
            return p
        time.sleep(0.1)


def shanghai_date(iso_instant, days=0):
    """The Asia/Shanghai calendar date (T1) of an ISO UTC instant, plus
    days, as YYYY-MM-DD."""
    d = datetime.datetime.fromtimestamp(
        parse_iso(iso_instant) + 8 * 3600 + days * 86400,
        datetime.timezone.utc)
    return d.strftime("%Y-%m-%d")


def ctl(*args, timeout=120):
    """ops/stack.sh ctl ARGS (voucherctl) against the test stack, with
    the same clock file; returns the CompletedProcess."""
    env = dict(os.environ)
    env["VOUCHER_STATE_DIR"] = STATE
    env.setdefault("VOUCHER_BIN", os.path.join(ROOT, "build", "asan", "bin"))
    if CLOCK_FILE:
        env["VOUCHER_CLOCK_FILE"] = CLOCK_FILE
    return subprocess.run([os.path.join(ROOT, "ops", "stack.sh"), "ctl"] +
                          list(args), env=env, capture_output=True,
                          text=True, timeout=timeout)


def session_post(body=None, **kw):
    """POST /api/session (any body, raw= too) waiting out nginx's login
    rate limit (429), for tests of the validation of the login route."""
    for _ in range(100):
        r = request("POST", "/api/session", body=body, **kw)
        if r.status != 429:
            return r
        time.sleep(0.25)
    raise AssertionError("login rate limit never cleared")


class Skip(Exception):
    """Raised by skip(): the runner reports the test as skipped (neither
    passed nor failed), with the reason."""


def skip(reason):
    """Ends the calling test early as "skipped" with reason (for a test
    whose program is not deployed yet)."""
    raise Skip(reason)
