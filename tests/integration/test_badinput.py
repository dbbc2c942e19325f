"""Bad input: thousands of seeded random and mutated requests against every
route, with and without a session. Nothing may answer 5xx, every refusal
is JSON in the error shape {"error":{"code","message","field"?}}, and the
programs are still healthy afterwards. Also: bodies over 64 KiB (413) and
nginx's own refusals."""
import http.client
import json
import random
import socket
import time
import urllib.parse

from harness import (test, get, post, request, token, expect_error,
                     session_post,
                     uscc_bad_check, enterprise_body, provider_body,
                     product_body, new_product, test_provider_id,
                     scratch_enterprise, login_once, programs, PORT)

SEED = 20240229
COUNT = 3000
TIME_BUDGET = 75.0      # seconds; the run stops early past it
MIN_COUNT = 600         # ... but must have sent at least this many

METHODS = ["GET", "GET", "HEAD", "POST", "POST", "PUT", "PUT", "DELETE",
           "PATCH", "OPTIONS", "PROPFIND", "FOO"]
SEGMENTS = ["products", "categories", "session", "me", "bureau",
            "enterprises", "providers", "x", "healthz", "metrics",
            "products.json", "产品", "%E4%BA%A7", "a" * 300, "%20", "%2F",
            "%25", ";", "~", "-", "_", "{id}", "null", "true", "api",
            "..products", "products;1", "%C3%A9"]
BAD_IDS = ["999999999", "0", "-1", "abc", "1e3", "00001", "9" * 25,
           "18446744073709551616", "9223372036854775807", "1.5", "%31"]
GARBAGE_QUERIES = [
    "%zz", "%00", "%", "%%", "%2", "page=%zz", "q=%00", "q=%ff%fe",
    "q=%C3", "q=%ED%A0%80", "page=99999999999999999999", "page=-1",
    "page=0", "page=1e3", "page=+1", "page=%201", "per_page=-5",
    "per_page=100000000000000000000000", "min_price=--1",
    "min_price=-9223372036854775808", "max_price=9223372036854775807",
    "max_price=0x10", "sort=", "sort=%00", "sort[]=price", "category[]=it",
    "category=digital&category=cloud", "&&&&", "=", "==", "=x", "page",
    "q=" + "%E5%AD%97" * 60, "q=" + "a" * 2000, "q=%5C%25%5F",
    "&".join("p%d=%d" % (i, i) for i in range(100)),
    "q='%20OR%201=1%20--", "q=%27%3B%20DROP%20TABLE%20products%3B--",
    "per_page=100&page=100000", "min_price=1&max_price=0",
]


class Fuzzer:
    def __init__(self, rng, bureau_token):
        self.rng = rng
        self.bureau = bureau_token
        self.ent_token = token("ent01")
        self.eid = scratch_enterprise()
        self.pid = test_provider_id()
        self.prod = new_product(units=50)["id"]
        bad_uscc = uscc_bad_check()
        ent = enterprise_body(uscc=bad_uscc)
        prov = provider_body(uscc=bad_uscc)
        # Every template is sent mutated (never valid as it is): creating
        # routes get an invalid USCC or an unknown provider, changing
        # routes only ever target this test's own rows. The changing
        # templates carry a credit source and date, so that flipping
        # credit_flagged does not hit the credit-flag 500 that
        # test_E4_update_credit_flag_without_source_422 and
        # test_A1_provider_update_credit_flag_without_source_422 expose.
        self.templates = [
            ("POST", "/api/session",
             {"login": "fuzz-nobody", "password": "fuzz-password"}),
            ("POST", "/api/bureau/enterprises", ent),
            ("PUT", "/api/bureau/enterprises/%d" % self.eid,
             {"name": "北京模糊测试企业有限公司", "tier": "specialized",
              "size_class": "small", "beijing_registered": True,
              "is_enterprise": True, "credit_flagged": False,
              "credit_source": "信用中国", "credit_checked_on": "2024-01-31"}),
            ("POST", "/api/bureau/providers", prov),
            ("PUT", "/api/bureau/providers/%d" % self.pid,
             {"name": "北京模糊测试服务机构有限公司", "beijing_registered": True,
              "main_body_beijing": True, "has_premises": True,
              "established_on": "2015-03-01", "credit_flagged": False,
              "credit_source": "信用中国", "credit_checked_on": "2024-01-31",
              "last_year_contracts": 40, "last_year_revenue": 500000000}),
            ("POST", "/api/bureau/products",
             product_body(provider_id=999999999, validity_days=30)),
            ("PUT", "/api/bureau/products/%d" % self.prod,
             {"name": "模糊测试产品", "description": "说明",
              "market_price": 1000000, "voucher_price": 800000,
              "units": 50, "validity_days": 30, "listed": True}),
        ]
        self.get_paths = ["/api/products", "/api/categories",
                          "/api/products/%d" % self.prod, "/api/me",
                          "/api/bureau/enterprises", "/api/bureau/providers",
                          "/api/bureau/enterprises/%d" % self.eid,
                          "/api/bureau/providers/%d" % self.pid]

    # ---- bodies --------------------------------------------------------

    def other_value(self, v):
        """A JSON value of another type than v (never null)."""
        r = self.rng
        choices = [[], {}, [1, 2], {"a": 1}, 1.5, -0.0]
        if not isinstance(v, str):
            choices += ["", "1", "true", "字"]
        if not isinstance(v, bool):
            choices += [True, False]
        if isinstance(v, str) or isinstance(v, bool):
            choices += [0, 1, -1, 2 ** 62]
        return r.choice(choices)

    def mutate(self, body):
        """(raw bytes, content type) of an invalid variant of body."""
        r = self.rng
        text = json.dumps(body, ensure_ascii=False)
        key = r.choice(list(body))
        kind = r.randrange(18)
        ct = "application/json"
        if kind >= 16 and "password" not in body:       # extreme values
            b = dict(body)
            v = body[key]
            if isinstance(v, bool):
                b[key] = not v
            elif isinstance(v, int):
                # never a small positive id: nothing may reach demo rows
                b[key] = r.choice([0, -1, 2 ** 31, 2 ** 53, 2 ** 63 - 1,
                                   -2 ** 63, 10 ** 13, 10 ** 13 + 1,
                                   1000001, 100001, -100001, 61])
            elif key.endswith("_on"):
                b[key] = r.choice(["2024-02-30", "0000-01-01", "2023-02-29",
                                   "9999-12-31", "2024-1-1", "2024-01-01T00",
                                   "1969-12-31", "２０２４-01-01"])
            else:
                b[key] = r.choice(["", " ", "字" * 200, "字" * 201,
                                   "‮txt", "😀" * 10, "a\b'c\"d",
                                   "<script>", "%_\\"])
            raw = json.dumps(b, ensure_ascii=False).encode()
        elif kind == 0:                                   # truncated
            raw = text.encode()[:r.randrange(1, len(text.encode()))]
        elif kind == 1:                                 # wrong type
            b = dict(body)
            b[key] = self.other_value(body[key])
            raw = json.dumps(b, ensure_ascii=False).encode()
        elif kind == 2:                                 # huge numbers
            num = r.choice(["1e400", "-1e400", "99999999999999999999",
                            "-99999999999999999999", "1e-400", "1E+9999",
                            "9223372036854775808", "-9223372036854775809",
                            "NaN", "Infinity", "0x10", "01", "1.", ".5"])
            raw = json.dumps(dict(body, **{key: "@@N@@"}),
                             ensure_ascii=False).replace(
                '"@@N@@"', num).encode()
        elif kind == 3:                                 # deep nesting
            d = r.choice([64, 500, 2100, 5000])
            raw = json.dumps(dict(body, **{key: "@@D@@"}),
                             ensure_ascii=False).replace(
                '"@@D@@"', "[" * d + "]" * d).encode()
        elif kind == 4:                                 # very long string
            n = r.choice([257, 5001, 20000])
            b = dict(body)
            b[key] = r.choice(["字", "a", "é"]) * n
            raw = json.dumps(b, ensure_ascii=False).encode()
        elif kind == 5:                                 # invalid UTF-8
            bad = r.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80",
                            b"\xc0\xaf", b"\xf8\x88\x80\x80\x80",
                            b"\xe5\xad", b"\xf4\x90\x80\x80"])
            raw = json.dumps(dict(body, **{key: "@@U@@"})).encode().replace(
                b"@@U@@", b"ab" + bad + b"cd")
        elif kind == 6:                                 # NUL bytes
            raw = r.choice([
                json.dumps(dict(body, **{key: "a\u0000b"})).encode(),
                json.dumps(dict(body, **{key: "@@0@@"})).encode().replace(
                    b"@@0@@", b"a\x00b"),
                text.encode() + b"\x00",
                b"\x00" + text.encode()])
        elif kind == 7:                                 # unknown field
            b = dict(body)
            b[r.choice(["zz", "id", "__proto__", "", "字段", "x" * 300,
                        key.upper(), key + " "])] = 1
            raw = json.dumps(b, ensure_ascii=False).encode()
        elif kind == 8:                                 # duplicate key
            raw = (text[:-1] + ', "%s": %s}' % (
                key, json.dumps(body[key], ensure_ascii=False))).encode()
        elif kind == 9:                                 # not an object
            raw = r.choice([b"[]", b'"x"', b"1", b"null", b"true",
                            json.dumps([body]).encode(), b"{}x", b"{} {}"])
        elif kind == 10:                                # empty or blank
            raw = r.choice([b"", b" ", b"\n", b"{", b"}"])
        elif kind == 11:                                # control characters
            b = dict(body)
            b[key] = r.choice(["a\u0001b", "\u007f", "x\u001by",
                               "tab\there" if key not in (
                                   "description",) else "\u0002"])
            raw = json.dumps(b).encode()
        elif kind == 12:                                # random bytes
            raw = bytes(r.randrange(256) for _ in range(r.randrange(1, 300)))
        elif kind == 13:                                # wrong content type
            raw = text.encode()
            ct = r.choice(["text/plain", "application/jsonx",
                           "application/json-patch+json",
                           "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "",
                           "json", "application/", "*/*"])
        elif kind == 14:                                # missing everything
            raw = b"{}"
        else:                                           # a lone surrogate
            raw = json.dumps(dict(body, **{key: "@@S@@"})).encode().replace(
                b"@@S@@", r.choice([b"\\ud800", b"\\udfff", b"\\ud83d",
                                    b"\\u12", b"\\x41", b"\\"]))
        return raw, ct

    # ---- requests ------------------------------------------------------

    def random_path(self):
        r = self.rng
        n = r.randrange(1, 5)
        segs = []
        for _ in range(n):
            segs.append(r.choice(SEGMENTS + BAD_IDS))
        path = "/api/" + "/".join(urllib.parse.quote(s, safe="%;~-_.{}")
                                  for s in segs)
        if r.random() < 0.1:
            path += "/"
        return path

    def auth_headers(self):
        r = self.rng.random()
        if r < 0.45:
            return {"Authorization": "Bearer " + self.bureau}
        if r < 0.55:
            return {"Authorization": "Bearer " + self.ent_token}
        if r < 0.6:
            return {"Authorization": "Bearer " + "A" * 43}
        if r < 0.65:
            return {"Authorization": self.rng.choice(
                ["Bearer", "Bearer ", "Basic Zm9vOmJhcg==", "bearer x",
                 "Bearer " + "é" * 43])}
        if r < 0.7:
            return {"Cookie": "voucher_session=" + self.bureau}  # no CSRF
        return {}

    def one(self):
        """(method, path, headers, raw body) of one random request."""
        r = self.rng
        kind = r.randrange(10)
        headers = self.auth_headers()
        if kind < 5:                        # a mutated body of a real route
            if r.random() < 0.6:
                headers = {"Authorization": "Bearer " + self.bureau}
            method, path, body = r.choice(self.templates)
            if r.random() < 0.1:
                method = r.choice(METHODS)
            raw, ct = self.mutate(body)
            if ct:
                headers["Content-Type"] = ct
            return method, path, headers, raw
        if kind < 8:                        # garbage query on a GET route
            path = r.choice(self.get_paths)
            q = r.choice(GARBAGE_QUERIES)
            if r.random() < 0.3:
                q += "&" + r.choice(GARBAGE_QUERIES)
            return r.choice(["GET", "GET", "HEAD"]), path + "?" + q, \
                headers, None
        method = r.choice(METHODS)          # random path and method
        raw = None
        if method in ("POST", "PUT", "PATCH") and r.random() < 0.7:
            raw, ct = self.mutate(r.choice(self.templates)[2])
            if ct:
                headers["Content-Type"] = ct
        return method, self.random_path(), headers, raw


def _send(conn_box, method, path, headers, raw):
    """Sends on a kept-alive connection (reconnecting when nginx closed
    it). Returns (status, lower-case headers, body)."""
    for attempt in range(2):
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection("127.0.0.1", PORT,
                                                     timeout=30)
        conn = conn_box[0]
        try:
            h = dict(headers)
            if raw is not None:
                h["Content-Length"] = str(len(raw))
            conn.request(method, path, body=raw, headers=h)
            resp = conn.getresponse()
            body = resp.read()
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
            if resp.will_close:
                conn.close()
                conn_box[0] = None
            return resp.status, hdrs, body
        except (http.client.HTTPException, ConnectionError, socket.timeout):
            conn.close()
            conn_box[0] = None
            if attempt:
                raise
    raise AssertionError("unreachable")


def _server_errors():
    """Per program: the requests its own counters saw ending in 5xx."""
    out = {}
    for prog in programs():
        r = get("/_internal/%s/metrics" % prog)
        assert r.status == 200, r
        n = 0
        for line in r.body.decode().splitlines():
            if line.startswith("voucher_requests_total") and (
                    'status="5' in line or 'status="other"' in line):
                n += int(line.rsplit(" ", 1)[1])
        out[prog] = n
    return out


def _check_reply(method, path, status, hdrs, body):
    """Returns a description of what is wrong with one reply, or None."""
    what = "%s %s -> %d %r" % (method, path[:120], status, body[:200])
    if status >= 500:
        return "5xx: " + what
    if status < 400:
        return None
    ct = hdrs.get("content-type", "")
    if not ct.startswith("application/json"):
        return "not JSON: " + what
    if status == 405 and not hdrs.get("allow"):
        return "405 without Allow: " + what
    if method == "HEAD":
        return None if body == b"" else "HEAD with a body: " + what
    try:
        err = json.loads(body.decode("utf-8"))["error"]
    except (ValueError, KeyError, TypeError):
        return "bad error JSON: " + what
    if not isinstance(err, dict) or not isinstance(err.get("code"), str) \
            or not isinstance(err.get("message"), str) or not err["message"]:
        return "bad error shape: " + what
    if "field" in err and not isinstance(err["field"], str):
        return "bad error field: " + what
    if set(err) - {"code", "message", "field"}:
        return "extra error keys: " + what
    return None


@test
def test_fuzz_random_and_mutated_requests_never_5xx():
    rng = random.Random(SEED)
    bureau_token = login_once("bureau").json["token"]
    fz = Fuzzer(rng, bureau_token)
    errors_before = _server_errors()
    conn_box = [None]
    problems, statuses = [], {}
    t0 = time.time()
    sent = 0
    last_login = 0.0
    for sent in range(1, COUNT + 1):
        method, path, headers, raw = fz.one()
        if path == "/api/session" and method == "POST":
            last_login = time.time()
        # never end the sessions the fuzzer (or other tests) use
        if path == "/api/session" and method == "DELETE":
            headers.pop("Authorization", None)
            headers.pop("Cookie", None)
        status, hdrs, body = _send(conn_box, method, path, headers, raw)
        statuses[status] = statuses.get(status, 0) + 1
        p = _check_reply(method, path, status, hdrs, body)
        if p:
            problems.append(p)
        if time.time() - t0 > TIME_BUDGET:
            break
    if conn_box[0] is not None:
        conn_box[0].close()
    # the login rate limit (burst 20 at 5 r/s) is empty again 4 s after
    # the last POST /api/session: leave it so for the next tests
    time.sleep(max(0.0, 4.2 - (time.time() - last_login)))
    assert sent >= MIN_COUNT, (sent, statuses)
    assert not problems, "%d bad replies of %d (%s), e.g.:\n%s" % (
        len(problems), sent, statuses, "\n".join(problems[:15]))
    # the fuzzer's own session survived (it never logged itself out)
    assert get("/api/me", token=bureau_token).status == 200
    # and it did exercise the validation, not only the routing
    assert statuses.get(400, 0) >= sent // 10, statuses
    # the programs' own counters agree: no request ended in 5xx
    assert _server_errors() == errors_before, (errors_before,
                                               _server_errors())
    for prog in programs():
        r = get("/_internal/%s/healthz" % prog)
        assert r.status == 200, (prog, r)
        assert r.json["status"] == "ok", r


@test
def test_body_over_64k_413_json():
    big = {"login": "ent01", "password": "x" * (70 * 1024)}
    expect_error(session_post(big), 413, "body_too_large")
    body = product_body(description="长" * 30000)  # 90 KB of UTF-8
    expect_error(post("/api/bureau/products", body, token=token("bureau")),
                 413, "body_too_large")
    r = request("PUT", "/api/bureau/enterprises/%d" % scratch_enterprise(),
                raw=b"{" + b" " * (65 * 1024) + b"}", token=token("bureau"),
                headers={"Content-Type": "application/json"})
    expect_error(r, 413, "body_too_large")


@test
def test_body_just_under_64k_is_parsed():
    # 64 KiB is the limit: a body of 60 KiB reaches the program, which
    # refuses the over-long description by name
    body = product_body(description="a" * (60 * 1024))
    expect_error(post("/api/bureau/products", body, token=token("bureau")),
                 400, "invalid_field", "description")


@test
def test_invalid_json_bodies_named_errors():
    b = token("bureau")
    path = "/api/bureau/products/%d" % new_product()["id"]
    cases = [
        (b'{"units": 1e400}', "malformed_json"),
        (b'{"units": 99999999999999999999}', "malformed_json"),
        (b"[" * 3000 + b"]" * 3000, "malformed_json"),
        (b'{"name": "a\xffb"}', "malformed_json"),
        (b'{"name": "a\\u0000b"}', "malformed_json"),
        (b'{"name": "a\x00b"}', "malformed_json"),
        (b'{"name": "\\ud800"}', "malformed_json"),
        (b'{"units": 5, "units": 6}', "malformed_json"),
        (b'{"units": 5', "malformed_json"),
    ]
    for raw, code in cases:
        r = request("PUT", path, raw=raw, token=b,
                    headers={"Content-Type": "application/json"})
        expect_error(r, 400, code)
    r = request("PUT", path, raw=b'{"name": "a\\u0001b"}', token=b,
                headers={"Content-Type": "application/json"})
    expect_error(r, 400, "invalid_field", "name")
    r = request("PUT", path, raw=b'{"units": 5.0}', token=b,
                headers={"Content-Type": "application/json"})
    expect_error(r, 400, "invalid_type", "units")
    r = request("PUT", path, raw=b'{"units": 9223372036854775807}', token=b,
                headers={"Content-Type": "application/json"})
    expect_error(r, 400, "out_of_range", "units")


@test
def test_garbage_query_strings_named_400():
    cases = [("page=%zz", "page"), ("q=%00", "q"), ("q=%ff", "q"),
             ("page=99999999999999999999", "page"), ("page=-1", "page"),
             ("per_page=1e3", "per_page"), ("min_price=-1", "min_price"),
             ("max_price=%2B5", "max_price"), ("sort=%00", "sort"),
             ("category=%E5%AD%97", "category")]
    for q, field in cases:
        expect_error(get("/api/products?" + q), 400, "invalid_query", field)
    expect_error(get("/api/bureau/enterprises?q=%C3", token=token("bureau")),
                 400, "invalid_query", "q")
    # unknown parameters are ignored
    r = get("/api/products?%zz=1&foo=bar&=&&")
    assert r.status == 200, r


@test
def test_nginx_refusals_answer_json_error_shape():
    """nginx's own refusals (bad URI escapes, TRACE, an over-long URI or
    header) must answer in the API's error shape too, like its 413/429."""
    cases = [
        ("GET", "/api/products/%zz", {}),
        ("GET", "/api/products/%00", {}),
        ("TRACE", "/api/products", {}),
        ("GET", "/api/products?q=" + "a" * 9000, {}),
        ("GET", "/api/products", {"X-Long": "a" * 9000}),
    ]
    bad = []
    for method, path, headers in cases:
        r = request(method, path, headers=headers)
        if r.status < 400 or not r.headers.get(
                "content-type", "").startswith("application/json"):
            bad.append("%s %s -> %d %s %r" % (
                method, path[:40], r.status, r.headers.get("content-type"),
                r.body[:60]))
            continue
        try:
            err = r.json["error"]
            assert isinstance(err["code"], str) and err["message"]
        except (ValueError, KeyError, TypeError, AssertionError):
            bad.append("%s %s -> %d bad JSON %r" % (method, path[:40],
                                                     r.status, r.body[:60]))
    assert not bad, "\n".join(bad)


def _raw(request_bytes):
    """Sends raw bytes to nginx; the status, content type and body."""
    import socket
    with socket.create_connection(("127.0.0.1", PORT), timeout=5) as s:
        s.sendall(request_bytes)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    ctype = ""
    for line in lines[1:]:
        if line.lower().startswith("content-type:"):
            ctype = line.split(":", 1)[1].strip()
    return status, ctype, body


@test
def test_nginx_501_and_505_answer_json_error_shape():
    """Reliability defect 7: an unknown transfer coding (501) and an HTTP
    version nginx does not speak (505) answer in the API's error shape."""
    for raw, want in (
            (b"POST /api/orders HTTP/1.1\r\nHost: x\r\n"
             b"Transfer-Encoding: gzip\r\nConnection: close\r\n\r\n", 501),
            (b"GET /api/products HTTP/2.5\r\nHost: x\r\n"
             b"Connection: close\r\n\r\n", 505)):
        status, ctype, body = _raw(raw)
        assert status == want, (status, body[:80])
        assert ctype.startswith("application/json"), (ctype, body[:80])
        err = json.loads(body)["error"]
        assert err["code"] and err["message"], err


@test
def test_error_message_kept_for_long_utf8_input():
    """The error message quotes the path or the field name: a long
    Chinese one must not cost the reply its message (error shape)."""
    path = "/api/products/" + urllib.parse.quote("字" * 200)
    r = get(path)
    expect_error(r, 404, "not_found")
    r = request("PATCH", "/api/products/1" + urllib.parse.quote("字" * 200))
    expect_error(r, 404, "not_found")
    r = session_post({"login": "a", "password": "b", "字" * 200: 1})
    expect_error(r, 400, "unknown_field", "字" * 200)
    r = session_post({"login": "a", "password": "b", "ab字" * 200: 1})
    expect_error(r, 400, "unknown_field", "ab字" * 200)


@test
def test_programs_healthy_after_bad_input():
    for prog in programs():
        r = get("/_internal/%s/healthz" % prog)
        assert r.status == 200, (prog, r)
        assert r.json == {"status": "ok", "program": prog}, r.json
