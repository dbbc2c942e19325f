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
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()},
                     payload)
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
    out = subprocess.run(
        ["mariadb", "--no-defaults", "--socket=" + sock, "-uroot", "-N", "-B",
         "voucher", "-e", query],
        check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


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
