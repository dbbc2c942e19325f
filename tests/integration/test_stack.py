"""The stack around the programs: /_internal health and Prometheus metrics
(localhost only), security headers on every reply, request ids through
nginx, the programs' JSON-lines logs, HEAD on GET routes, 405 with Allow,
and replies that must never be cached."""
import http.client
import json
import os
import re

from harness import (test, get, post, request, token, bureau, expect_error,
                     session_post,
                     uniq, programs, wait_for, STATE, PORT)

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
METRIC_LINE = re.compile(
    r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|'
    r'\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*)?\})? '
    r'(-?[0-9.e+-]+|\+Inf|NaN)$')


def _metrics(prog):
    r = get("/_internal/%s/metrics" % prog)
    assert r.status == 200, (prog, r)
    return r


def _samples(text):
    """{(name, labels string): float} of Prometheus text."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = METRIC_LINE.match(line)
        assert m, "not a Prometheus sample line: %r" % line
        out[(m.group(1), m.group(3) or "")] = float(m.group(4))
    return out


# ---- /_internal ------------------------------------------------------------

@test
def test_internal_healthz_every_program():
    progs = programs()
    assert "account" in progs and "catalog" in progs, progs
    for prog in progs:
        r = get("/_internal/%s/healthz" % prog)
        assert r.status == 200, (prog, r)
        assert r.json == {"status": "ok", "program": prog}, r.json


@test
def test_internal_metrics_prometheus_text():
    for prog in programs():
        r = _metrics(prog)
        assert r.headers.get("content-type", "").startswith(
            "text/plain; version=0.0.4"), r.headers
        text = r.body.decode("utf-8")
        for name in ("voucher_requests_total",
                     "voucher_request_duration_seconds_bucket",
                     "voucher_requests_in_flight"):
            assert name + "{" in text, (prog, name)
        assert "# TYPE voucher_requests_total counter" in text
        assert "# TYPE voucher_request_duration_seconds histogram" in text
        assert "# TYPE voucher_requests_in_flight gauge" in text
        samples = _samples(text)
        inflight = samples[("voucher_requests_in_flight",
                            'program="%s"' % prog)]
        assert inflight >= 1, inflight  # this scrape itself
        # every histogram: cumulative buckets ending in +Inf == _count
        buckets = {}
        for (name, labels), v in samples.items():
            if name == "voucher_request_duration_seconds_bucket":
                le = re.search(r'le="([^"]+)"', labels).group(1)
                base = re.sub(r',?le="[^"]+"', "", labels)
                buckets.setdefault(base, []).append(
                    (float("inf") if le == "+Inf" else float(le), v))
        assert buckets, prog
        for base, bs in buckets.items():
            bs.sort()
            counts = [v for _, v in bs]
            assert counts == sorted(counts), (base, bs)
            assert bs[-1][0] == float("inf")
            assert samples[("voucher_request_duration_seconds_count",
                            base)] == bs[-1][1], base


@test
def test_metrics_count_requests_by_route_and_status():
    key = ("voucher_requests_total",
           'program="catalog",method="GET",route="/api/products/{id}",'
           'status="404"')
    before = _samples(_metrics("catalog").body.decode()).get(key, 0)
    for _ in range(3):
        r = get("/api/products/999999999", query={"n": uniq("m")})
        assert r.status == 404, r
    after = _samples(_metrics("catalog").body.decode()).get(key, 0)
    assert after == before + 3, (before, after)


@test
def test_internal_refused_from_other_addresses():
    # 127.0.0.2 is this host too, but not the allowed 127.0.0.1
    for prog in ("account", "catalog"):
        for what in ("healthz", "metrics"):
            conn = http.client.HTTPConnection(
                "127.0.0.1", PORT, timeout=10,
                source_address=("127.0.0.2", 0))
            try:
                conn.request("GET", "/_internal/%s/%s" % (prog, what))
                resp = conn.getresponse()
                body = resp.read()
            finally:
                conn.close()
            assert resp.status == 403, (prog, what, resp.status)
            assert b"voucher_requests_total" not in body
            assert b'"status":"ok"' not in body


@test
def test_internal_unknown_program_or_page_not_served():
    for path in ("/_internal/nope/healthz", "/_internal/catalog/debug",
                 "/_internal/catalog/healthz/x"):
        r = get(path)
        assert b"voucher_requests_total" not in r.body, path
        assert r.status in (200, 404), (path, r)
        if r.status == 200:  # the static site's fallback page
            assert r.headers.get("content-type", "").startswith(
                "text/html"), (path, r.headers)


# ---- headers ---------------------------------------------------------------

def _assert_security_headers(r, what):
    for k, v in SECURITY_HEADERS.items():
        assert r.headers.get(k) == v, (what, k, r.headers)
    csp = r.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp \
        and "object-src 'none'" in csp, (what, csp)
    assert "'unsafe-inline'" not in csp, (what, csp)
    rid = r.headers.get("x-request-id", "")
    assert re.match(r"^[0-9a-f]{32}$", rid), (what, r.headers)


@test
def test_security_headers_on_api_replies():
    replies = {
        "categories": get("/api/categories"),
        "products": get("/api/products"),
        "product 404": get("/api/products/999999999"),
        "me 401": get("/api/me"),
        "me 200": get("/api/me", token=token("ent01")),
        "session 400": session_post({}),
        "bureau 403": get("/api/bureau/enterprises", token=token("ent01")),
        "nginx 404": get("/api/no-such-thing"),
        "405": request("PATCH", "/api/me"),
        "413": session_post({"login": "x" * 70000}),
        "healthz": get("/_internal/catalog/healthz"),
    }
    for what, r in replies.items():
        _assert_security_headers(r, what)


@test
def test_security_headers_on_static_replies():
    r = get("/")
    assert r.status == 200, r
    assert r.headers.get("content-type", "").startswith("text/html")
    _assert_security_headers(r, "/")
    r = get("/css/site.css")
    assert r.status == 200, r
    _assert_security_headers(r, "css")
    r = get("/js/catalog.js")
    assert r.status == 200, r
    _assert_security_headers(r, "js")


@test
def test_request_ids_unique_and_in_access_log():
    rids = set()
    for _ in range(5):
        r = get("/api/categories", query={"n": uniq("r")})
        rids.add(r.headers.get("x-request-id"))
    assert len(rids) == 5 and all(rids), rids
    rid = r.headers["x-request-id"]
    log = os.path.join(STATE, "log", "nginx-access.log")
    if not os.path.exists(log):
        return  # access log switched off (VOUCHER_ACCESS_LOG=0)

    def logged():
        with open(log, encoding="utf-8") as f:
            for line in f:
                if rid in line:
                    return json.loads(line)
        return None

    entry = wait_for(logged, timeout=4.0, interval=0.2)  # flush=1s
    assert entry, rid
    assert entry["rid"] == rid and entry["status"] == 200, entry
    assert entry["uri"].startswith("/api/categories?"), entry


@test
def test_program_logs_are_json_lines():
    for prog in programs():
        path = os.path.join(STATE, "log", prog + ".log")
        assert os.path.exists(path), path
        with open(path, encoding="utf-8") as f:
            lines = [line for line in f.read().splitlines() if line]
        assert lines, path  # at least the "listening" line
        for line in lines[-500:]:
            try:
                o = json.loads(line)
            except ValueError:
                raise AssertionError("%s: not JSON: %r" % (path, line[:200]))
            assert isinstance(o, dict), line
            assert o.get("prog") == prog, line
            assert o.get("level") in ("debug", "info", "warn", "error"), line
            assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$",
                            o.get("ts", "")), line


# ---- methods ---------------------------------------------------------------

@test
def test_head_on_get_routes():
    cases = [("/api/categories", None), ("/api/products", None),
             ("/api/products/1", None), ("/api/me", token("ent01")),
             ("/api/bureau/enterprises", bureau()),
             ("/api/bureau/providers/1", bureau()),
             ("/_internal/account/healthz", None)]
    for path, tok in cases:
        g = get(path, token=tok)
        h = request("HEAD", path, token=tok)
        assert h.status == 200 and g.status == 200, (path, h, g)
        assert h.body == b"", (path, h.body[:100])
        assert h.headers.get("content-type") == g.headers.get(
            "content-type"), (path, h.headers)
    expect_error(get("/api/me"), 401, "unauthenticated")
    h = request("HEAD", "/api/me")
    assert h.status == 401 and h.body == b"", h


@test
def test_405_carries_allow_header():
    cases = [("PATCH", "/api/products/1", {"GET"}),
             ("POST", "/api/products", {"GET"}),
             ("DELETE", "/api/categories", {"GET"}),
             ("GET", "/api/session", {"POST", "DELETE"}),
             ("PUT", "/api/me", {"GET"}),
             ("DELETE", "/api/bureau/enterprises/1", {"GET", "PUT"}),
             ("PATCH", "/api/bureau/providers", {"GET", "POST"}),
             ("DELETE", "/api/bureau/products", {"GET", "POST"}),
             ("POST", "/_internal/catalog/healthz", {"GET"})]
    for method, path, allowed in cases:
        r = request(method, path, token=bureau())
        expect_error(r, 405, "method_not_allowed")
        allow = {m.strip() for m in r.headers.get("allow", "").split(",")}
        assert allow == allowed, (method, path, r.headers.get("allow"))


@test
def test_unknown_api_routes_404_json():
    for path in ("/api/nope", "/api/products/1/extra", "/api/bureau",
                 "/api/bureau/products/1/x", "/api/"):
        expect_error(get(path), 404, "not_found")


# ---- caching ---------------------------------------------------------------

@test
def test_private_replies_are_not_cacheable():
    # personal data and refusals must not be stored by any cache
    for what, r in (("me", get("/api/me", token=token("ent01"))),
                    ("bureau list", get("/api/bureau/enterprises",
                                        token=bureau())),
                    ("401", get("/api/me")),
                    ("400", session_post({}))):
        assert r.headers.get("cache-control") == "no-store", (what,
                                                               r.headers)


@test
def test_api_replies_carry_content_length():
    # the programs send Content-Length: nginx keeps it for a small reply
    for path in ("/api/products/1", "/_internal/catalog/healthz"):
        r = get(path, query={"n": uniq("l")})
        assert r.status == 200, r
        assert r.headers.get("content-length") == str(len(r.body)), \
            (path, r.headers)
