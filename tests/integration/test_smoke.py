"""Smoke: the stack is up and every program answers its health check."""
from harness import test, get, token, expect_error


@test
def test_stack_every_program_healthy():
    for prog in ("account", "catalog"):
        r = get("/_internal/%s/healthz" % prog)
        assert r.status == 200, r
        assert r.json["status"] == "ok"


@test
def test_P1_twelve_categories():
    r = get("/api/categories")
    assert r.status == 200, r
    codes = [c["code"] for c in r.json["items"]]
    assert codes == ["digital", "cloud", "talent", "innovation", "transfer",
                     "design", "it", "ipo", "finance", "market", "legal",
                     "other"], codes


@test
def test_login_and_me():
    r = get("/api/me", token=token("ent01"))
    assert r.status == 200, r
    assert r.json["quota"]["cap"] == 2000000


@test
def test_unknown_route_404_json():
    expect_error(get("/api/nope"), 404)
