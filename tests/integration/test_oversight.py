"""The oversight program: the bureau's payments (R5), recoveries (R6),
violations (V1, V2), spot checks and audit trail (V3) and dashboard, split
from the public-facing publicity program. nginx sends these routes to the
oversight program's own upstream; the publicity program no longer serves
them. Black-box through nginx, the program told apart by its metrics."""
import re

from harness import test, get, post, bureau, token, expect_error, programs

# (method, path, body) of every oversight route, with ids that do not
# exist where the route takes one
ROUTES = [
    ("POST", "/api/bureau/batches/999999999/pay", {"paid_on": "2024-01-01"}),
    ("GET", "/api/bureau/recoveries", None),
    ("POST", "/api/bureau/recoveries/999999999",
     {"amount_returned": 1, "returned_on": "2024-01-01"}),
    ("GET", "/api/bureau/violations", None),
    ("GET", "/api/bureau/violations/999999999", None),
    ("GET", "/api/bureau/spot-check?sample=SC0", None),
    ("POST", "/api/bureau/spot-check/999999999", {"result": "ok"}),
    ("GET", "/api/bureau/audit?per_page=1", None),
    ("GET", "/api/bureau/stats", None),
]


def _counts(prog):
    """{(method, route): requests} from a program's /metrics."""
    r = get("/_internal/%s/metrics" % prog)
    assert r.status == 200, (prog, r)
    out = {}
    for m in re.finditer(r'^voucher_requests_total\{program="[a-z]+",'
                         r'method="([A-Z]+)",route="([^"]+)",status="\d+"\}'
                         r' (\d+)$', r.body.decode(), re.M):
        key = (m.group(1), m.group(2))
        out[key] = out.get(key, 0) + int(m.group(3))
    return out


def _route_of(path):
    path = path.split("?")[0]
    return re.sub(r"/(\d+|SC0)(?=/|$)", "/{id}", path)


@test
def test_oversight_routes_are_served_by_the_oversight_program():
    assert "oversight" in programs(), programs()
    before = _counts("oversight")
    pub_before = _counts("publicity")
    tok = bureau()
    for method, path, body in ROUTES:
        r = (post(path, body, token=tok) if method == "POST"
             else get(path, token=tok))
        assert r.status in (200, 404, 409), (path, r)
    after = _counts("oversight")
    for method, path, _ in ROUTES:
        key = (method, _route_of(path))
        assert after.get(key, 0) == before.get(key, 0) + 1, (key, after)
    # the publicity program no longer has them
    pub_after = _counts("publicity")
    assert not [k for k in pub_after if k[1].startswith((
        "/api/bureau/violations", "/api/bureau/recoveries",
        "/api/bureau/spot-check", "/api/bureau/audit",
        "/api/bureau/stats")) or k[1].endswith("/pay")], pub_after
    assert pub_after.get(("GET", "/api/bureau/batches"), 0) == \
        pub_before.get(("GET", "/api/bureau/batches"), 0)


@test
def test_oversight_routes_bureau_only():
    for method, path, body in ROUTES:
        r = post(path, body) if method == "POST" else get(path)
        expect_error(r, 401)
        r = (post(path, body, token=token("ent03")) if method == "POST"
             else get(path, token=token("ent03")))
        expect_error(r, 403)


@test
def test_batches_stay_with_publicity_and_pay_goes_to_oversight():
    tok = bureau()
    before = _counts("publicity")
    r = get("/api/bureau/batches", token=tok)
    assert r.status == 200, r
    after = _counts("publicity")
    key = ("GET", "/api/bureau/batches")
    assert after.get(key, 0) == before.get(key, 0) + 1
    # a GET of the pay route: the oversight program answers 405
    r = get("/api/bureau/batches/1/pay", token=tok)
    expect_error(r, 405)
    assert "POST" in r.headers.get("allow", ""), r.headers
