"""Issue 16 §6: the API described (OpenAPI 3.1, openapi/*.yaml assembled by
openapi/build.py) and checked against the programs themselves: every
route of every program's table (`voucher-<program> --dump-routes`) has
an operation with its method, path and roles, and every operation a
route; the document is valid OpenAPI 3.1 (@readme/openapi-parser, pinned
by tests/openapi/package-lock.json); every error code a program's source
can answer is described; nginx serves it at /api/openapi.json; and a few
live replies match what it says."""
import glob
import json
import os
import re
import subprocess
import sys

from harness import test, get, post, request, token, bureau, product_body

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "openapi"))
import build  # noqa: E402
import scan  # noqa: E402

BIN = os.environ.get("VOUCHER_BIN", os.path.join(ROOT, "build", "asan", "bin"))
METHODS = ("get", "put", "post", "delete", "patch")
_doc = []
_routes = []


def doc():
    """The description as openapi/build.py assembles it (once per run)."""
    if not _doc:
        _doc.append(build.build())
    return _doc[0]


def routes():
    """Every program's route table, from its --dump-routes (once)."""
    if not _routes:
        bins = sorted(glob.glob(os.path.join(BIN, "voucher-*")))
        assert bins, "no programs in %s" % BIN
        for b in bins:
            r = subprocess.run([b, "--dump-routes"], capture_output=True,
                               text=True, timeout=30, env={})
            assert r.returncode == 0, "%s --dump-routes: %s" % (b, r.stderr)
            _routes.extend(json.loads(line) for line in r.stdout.splitlines())
    return _routes


def shape(path):
    """A path with its captures unnamed: /api/x/{id}.csv → /api/x/{}.csv."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def operations():
    """{(METHOD, shape): (path, op)} of the description."""
    out = {}
    for path, item in doc()["paths"].items():
        for m in METHODS:
            if m in item:
                out[(m.upper(), shape(path))] = (path, item[m])
    return out


def public_routes():
    return [r for r in routes() if "internal" not in r["flags"]]


def capture_kinds(pattern):
    """'id' or 's' for each capture of a route pattern, in order."""
    return re.findall(r"\{(id|s)\}", pattern)


# ---- the route tables and the description, both ways ----------------------

@test
def test_openapi_dump_routes_lists_every_route_without_config():
    rs = routes()
    assert all(set(r) == {"program", "method", "path", "roles", "flags"}
               for r in rs), rs[0]
    progs = {r["program"] for r in rs}
    assert {"account", "catalog", "ordering", "registration"} <= progs, progs
    # the built-in routes of every program, flagged internal
    for p in progs:
        inner = {(r["method"], r["path"]) for r in rs
                 if r["program"] == p and "internal" in r["flags"]}
        assert inner == {("GET", "/healthz"), ("GET", "/metrics")}, (p, inner)
    login = [r for r in rs if r["path"] == "/api/session"]
    assert {(r["method"], tuple(r["roles"])) for r in login} == {
        ("POST", ("public",)),
        ("DELETE", ("enterprise", "provider", "reviewer", "bureau"))}, login
    admin = [r for r in rs if r["path"] == "/api/org/identity"][0]
    assert admin["flags"] == ["uncertified", "org_admin"], admin


@test
def test_openapi_every_route_is_described():
    ops = operations()
    missing, wrong = [], []
    for r in public_routes():
        key = (r["method"], shape(r["path"]))
        name = "%s %s (%s)" % (r["method"], r["path"], r["program"])
        if key not in ops:
            missing.append(name)
            continue
        path, op = ops[key]
        if op.get("x-roles") != r["roles"]:
            wrong.append("%s: x-roles %s, the route %s" % (
                name, op.get("x-roles"), r["roles"]))
        if sorted(op.get("x-flags", [])) != sorted(r["flags"]):
            wrong.append("%s: x-flags %s, the route %s" % (
                name, op.get("x-flags", []), r["flags"]))
        if op.get("tags") != [r["program"]]:
            wrong.append("%s: tags %s" % (name, op.get("tags")))
        # {id} an integer ≥ 1, {s} a string, in the same places
        params = {p["name"]: p for p in op.get("parameters", [])
                  if p.get("in") == "path"}
        names = re.findall(r"\{([^}]+)\}", path)
        for kind, pname in zip(capture_kinds(r["path"]), names):
            sch = params.get(pname, {}).get("schema", {})
            if "$ref" in sch:
                sch = doc()["components"]["schemas"][sch["$ref"].split("/")[-1]]
            want = "integer" if kind == "id" else "string"
            if sch.get("type") != want or (kind == "id" and
                                           sch.get("minimum") != 1):
                wrong.append("%s: {%s} should be %s" % (name, pname, want))
    assert not missing, "routes without a description (openapi/<program>" \
        ".yaml):\n  " + "\n  ".join(missing)
    assert not wrong, "descriptions unlike their routes:\n  " + \
        "\n  ".join(wrong)


@test
def test_openapi_every_description_is_a_route():
    have = {(r["method"], shape(r["path"])) for r in public_routes()}
    extra = ["%s %s" % (m, op[0]) for (m, s), op in operations().items()
             if (m, s) not in have]
    assert not extra, "descriptions without a route in any program's " \
        "table:\n  " + "\n  ".join(sorted(extra))


@test
def test_openapi_route_check_names_a_missing_route():
    """Both directions fail with the route named (the checks above, on a
    description with one operation taken out and one added)."""
    d = json.loads(json.dumps(doc()))
    d["paths"]["/api/nowhere"] = {"get": {"responses": {}}}
    del d["paths"]["/api/quote"]
    _doc[0], saved = d, _doc[0]
    try:
        for fn, words in ((test_openapi_every_route_is_described,
                           "GET /api/quote (ordering)"),
                          (test_openapi_every_description_is_a_route,
                           "GET /api/nowhere")):
            try:
                fn()
            except AssertionError as e:
                assert words in str(e), e
            else:
                raise AssertionError("%s passed without %s" % (
                    fn.__name__, words))
    finally:
        _doc[0] = saved


# ---- a valid OpenAPI 3.1 document ------------------------------------------

def validator(path):
    """tests/openapi/validate.mjs over path (npm ci on first use)."""
    vdir = os.path.join(ROOT, "tests", "openapi")
    if not os.path.isdir(os.path.join(vdir, "node_modules",
                                      "@readme", "openapi-parser")):
        r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund",
                            "--loglevel=error"], cwd=vdir,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, "npm ci in tests/openapi: %s" % r.stderr
    return subprocess.run(["node", os.path.join(vdir, "validate.mjs"), path],
                          capture_output=True, text=True, timeout=120)


@test
def test_openapi_is_valid_openapi_3_1(tmp=os.path.join(ROOT, "build")):
    d = doc()
    assert d["openapi"] == "3.1.0", d["openapi"]
    os.makedirs(tmp, exist_ok=True)
    good = os.path.join(tmp, "openapi-check.json")
    bad = os.path.join(tmp, "openapi-check-bad.json")
    try:
        with open(good, "w") as f:
            json.dump(d, f, ensure_ascii=False)
        r = validator(good)
        assert r.returncode == 0 and r.stdout.strip().endswith("ok"), \
            r.stdout + r.stderr
        # the validator does refuse: a path parameter left undeclared
        b = json.loads(json.dumps(d))
        b["paths"]["/api/products/{id}"]["get"].pop("parameters")
        with open(bad, "w") as f:
            json.dump(b, f, ensure_ascii=False)
        r = validator(bad)
        assert r.returncode == 1 and "invalid" in r.stdout, r.stdout
    finally:
        for p in (good, bad):
            if os.path.exists(p):
                os.remove(p)


@test
def test_openapi_operations_have_2xx_and_unique_ids():
    ids, bad = set(), []
    for path, item in doc()["paths"].items():
        for m in METHODS:
            op = item.get(m)
            if op is None:
                continue
            name = "%s %s" % (m.upper(), path)
            if not any(s.startswith("2") for s in op["responses"]):
                bad.append(name + ": no 2xx response")
            if not op.get("summary"):
                bad.append(name + ": no summary")
            if op.get("operationId") in ids:
                bad.append(name + ": operationId used twice")
            ids.add(op.get("operationId"))
            for st, resp in op["responses"].items():
                if st[0] in "45" and not resp.get("x-error-codes"):
                    bad.append("%s: %s without x-error-codes" % (name, st))
    assert not bad, "\n".join(bad)


# ---- every error code described --------------------------------------------

def codes_of(op):
    return {c for st, resp in op["responses"].items()
            for c in resp.get("x-error-codes", [])}


@test
def test_openapi_every_error_code_of_a_program_is_described():
    """Each error code literal of a program's .c files (http_error,
    error_with, a hand-built error object) appears among its operations'
    x-error-codes."""
    by_prog = {}
    for path, op in operations().values():
        for t in op.get("tags", []):
            by_prog.setdefault(t, set()).update(codes_of(op))
    missing = []
    for prog in sorted({r["program"] for r in routes()}):
        for code, st in sorted(scan.program_error_codes(prog).items()):
            if code not in by_prog.get(prog, set()):
                missing.append("%s: %d %s" % (prog, st, code))
    assert not missing, "error codes no operation describes:\n  " + \
        "\n  ".join(missing)


@test
def test_openapi_each_route_describes_its_handlers_codes():
    """The codes a handler (and the program's functions it calls, and the
    shared helpers it uses: openapi/scan.py) can answer are listed on its
    own operation, with their status."""
    ops = operations()
    missing = []
    for prog in sorted({r["program"] for r in public_routes()}):
        p = scan.Program(prog)
        for method, pattern, handler in p.routes:
            key = (method, shape(pattern))
            if key not in ops:
                continue        # reported by test_openapi_every_route_…
            op = ops[key][1]
            facts = p.handler_facts(handler)
            for st, codes in facts["errors"].items():
                listed = op["responses"].get(str(st), {}).get(
                    "x-error-codes", [])
                for c in codes:
                    if c not in listed:
                        missing.append("%s %s: %d %s" % (method, pattern,
                                                         st, c))
    assert not missing, "codes a handler answers, not on its operation:" \
        "\n  " + "\n  ".join(missing)


# ---- served, and true of the live API --------------------------------------

@test
def test_openapi_served_at_api_openapi_json():
    r = get("/api/openapi.json")
    assert r.status == 200, r
    assert r.headers.get("content-type", "").startswith("application/json"), \
        r.headers
    assert "max-age" in r.headers.get("cache-control", ""), r.headers
    served = json.loads(r.body)
    assert served == json.loads(json.dumps(doc())), \
        "the served description is not the one openapi/ builds"


def resolve(sch):
    while isinstance(sch, dict) and "$ref" in sch:
        sch = doc()["components"]["schemas"][sch["$ref"].split("/")[-1]]
    return sch


def conforms(value, sch, where="$"):
    """The subset of JSON Schema the description uses: allOf, type (or a
    list of types), required, properties, items, enum, minimum, maximum."""
    sch = resolve(sch)
    for part in sch.get("allOf", []):
        conforms(value, part, where)
    kinds = {"object": dict, "array": list, "string": str, "boolean": bool,
             "null": type(None)}
    t = sch.get("type")
    if t is not None:
        ts = t if isinstance(t, list) else [t]
        ok = False
        for k in ts:
            if k == "integer":
                ok |= isinstance(value, int) and not isinstance(value, bool)
            elif k == "number":
                ok |= isinstance(value, (int, float)) and \
                    not isinstance(value, bool)
            else:
                ok |= isinstance(value, kinds[k])
        assert ok, "%s: %r is not %s" % (where, value, t)
    if "enum" in sch:
        assert value in sch["enum"], "%s: %r not in %s" % (where, value,
                                                            sch["enum"])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in sch:
            assert value >= sch["minimum"], "%s: %r < minimum" % (where, value)
        if "maximum" in sch:
            assert value <= sch["maximum"], "%s: %r > maximum" % (where, value)
    if isinstance(value, dict):
        for k in sch.get("required", []):
            assert k in value, "%s: missing %s" % (where, k)
        for k, sub in sch.get("properties", {}).items():
            if k in value:
                conforms(value[k], sub, where + "." + k)
    if isinstance(value, list) and "items" in sch:
        for i, v in enumerate(value):
            conforms(v, sch["items"], "%s[%d]" % (where, i))


def check_reply(method, path, reply):
    """reply is one the description names for that operation, with a body
    of its schema, and an error's code among the response's codes."""
    # the most literal of the operations matching (/batches/3.json is the
    # file's, not /batches/{id}'s)
    found = sorted((len(s.replace("{}", "")), s, p, op)
                   for (m, s), (p, op) in operations().items()
                   if m == method and re.fullmatch(
                       re.escape(s).replace(r"\{\}", "[^/]+?"), path))
    if not found:
        raise AssertionError("no operation for %s %s" % (method, path))
    op = found[-1][3]
    resp = op["responses"].get(str(reply.status))
    assert resp is not None, "%s %s answered %d, not described (%s)" % (
        method, path, reply.status, sorted(op["responses"]))
    content = resp.get("content", {}).get("application/json")
    if content is not None:
        conforms(reply.json, content["schema"])
    if reply.status >= 400:
        code = reply.json["error"]["code"]
        assert code in resp["x-error-codes"], "%s %s: %d %s not in %s" % (
            method, path, reply.status, code, resp["x-error-codes"])
    return resp


@test
def test_openapi_live_replies_match_the_description():
    # a list in the list shape, and a product
    r = get("/api/products", query={"per_page": 2})
    check_reply("GET", "/api/products", r)
    assert set(r.json) >= {"items", "total", "page", "per_page"}, r.json
    pid = r.json["items"][0]["id"]
    check_reply("GET", "/api/products/%d" % pid,
                get("/api/products/%d" % pid))
    check_reply("GET", "/api/categories", get("/api/categories"))
    # 400 naming the query parameter, in the error shape
    r = get("/api/products", query={"per_page": 1000})
    assert check_reply("GET", "/api/products", r) and \
        r.json["error"]["field"] == "per_page", r.json
    # 401 before login, 403 for another role
    check_reply("GET", "/api/orders", get("/api/orders"))
    check_reply("GET", "/api/bureau/stats",
                get("/api/bureau/stats", token=token("prov01")))
    # 404 of an unknown object
    check_reply("GET", "/api/products/999999999",
                get("/api/products/999999999"))
    # 422 of the bureau's product: the voucher price above the market one
    body = product_body(market_price=100000, voucher_price=200000)
    r = post("/api/bureau/products", body, token=bureau())
    assert r.status == 422, r
    check_reply("POST", "/api/bureau/products", r)
    # the login reply and the account
    r = post("/api/session", {"login": "nobody-here", "password": "x" * 12})
    if r.status != 429:
        check_reply("POST", "/api/session", r)
    check_reply("GET", "/api/me", get("/api/me", token=bureau()))
    check_reply("GET", "/api/bureau/enterprises",
                get("/api/bureau/enterprises", token=bureau()))
    check_reply("GET", "/api/orders", get("/api/orders",
                                          token=token("ent01")))
    check_reply("GET", "/api/publicity/batches", get("/api/publicity/batches"))
    check_reply("GET", "/api/notifications/unread",
                get("/api/notifications/unread"))
    check_reply("POST", "/api/orders",
                request("POST", "/api/orders", body={"product_id": pid},
                        token=token("ent01")))
    # objects reached through another list
    check_reply("GET", "/api/quote", get("/api/quote", query={
        "product_id": pid}, token=token("ent01")))
    batches = get("/api/publicity/batches").json["items"]
    if batches:
        b = batches[0]["id"]
        for sub in ("", "/items", "/records"):
            url = "/api/publicity/batches/%d%s" % (b, sub)
            r = get(url)
            assert r.status == 200, r
            check_reply("GET", url, r)
    rev = token("reviewer")
    claims = get("/api/review/claims", token=rev).json["items"]
    if claims:
        oid = claims[0]["order_id"]
        for url in ("/api/review/claims/%d" % oid, "/api/redemptions/%d" % oid):
            r = get(url, token=rev)
            assert r.status == 200, r
            check_reply("GET", url, r)
    apps = get("/api/applications", token=token("prov01")).json["items"]
    if apps:
        url = "/api/applications/%d/attachments" % apps[0]["id"]
        check_reply("GET", url, get(url, token=token("prov01")))


LOGIN_OF = {"bureau": "bureau", "enterprise": "ent01", "provider": "prov01",
            "reviewer": "reviewer"}


@test
def test_openapi_every_plain_get_replies_as_described():
    """Every GET operation without path parameters, called by an account
    of its first role (none when public), answers a status it describes
    with a body of that status's schema (JSON replies), a 2xx unless it
    needs a query parameter (400) or a file not uploaded yet (404)."""
    bad = []
    for (m, s), (path, op) in sorted(operations().items()):
        if m != "GET" or "{" in path:
            continue
        role = op["x-roles"][0]
        tok = None if role == "public" else token(LOGIN_OF[role])
        r = get(path, token=tok)
        if r.status == 429:
            continue        # nginx's limit, not the program's reply
        try:
            resp = check_reply(m, path, r)
        except AssertionError as e:
            bad.append("%s %s as %s: %s" % (m, path, role, e))
            continue
        if r.status >= 300 and r.status not in (400, 404):
            # (a required query parameter left out, nothing uploaded yet:
            # described replies too, checked above)
            bad.append("%s %s as %s: %d %s" % (m, path, role, r.status,
                                               r.body[:200]))
        elif "application/json" in resp.get("content", {}) and \
                not r.headers.get("content-type", "").startswith(
                    "application/json"):
            bad.append("%s %s: %s, described as JSON" % (
                m, path, r.headers.get("content-type")))
    assert not bad, "\n".join(bad)


@test
def test_openapi_every_get_of_a_listed_object_replies_as_described():
    """Every GET /x/{id} whose list GET /x answers items with ids, called
    with the first item's id by an account of its first role, answers a
    2xx of its schema."""
    ops = operations()
    bad, n = [], 0
    for (m, s), (path, op) in sorted(ops.items()):
        mt = re.fullmatch(r"(/api/[^{}]*)/\{([^}]+)\}", path)
        if m != "GET" or mt is None or ("GET", mt.group(1)) not in ops:
            continue
        role = op["x-roles"][0]
        tok = None if role == "public" else token(LOGIN_OF[role])
        lst = get(mt.group(1), token=tok)
        items = lst.json.get("items") if lst.status == 200 and \
            isinstance(lst.json, dict) else None
        if not items or not isinstance(items[0], dict) or \
                "id" not in items[0]:
            continue
        one = "%s/%s" % (mt.group(1), items[0]["id"])
        r = get(one, token=tok)
        n += 1
        try:
            check_reply(m, one, r)
            assert r.status == 200, "%d %s" % (r.status, r.body[:200])
        except AssertionError as e:
            bad.append("%s %s as %s: %s" % (m, one, role, e))
    assert n >= 5, "only %d objects checked" % n
    assert not bad, "\n".join(bad)
