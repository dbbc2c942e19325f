"""People read plain Chinese or the guide's own article numbers, never the
rule ids of SPEC (issue 11, point 14): the order timelines (the demo's
and one the system closes itself), the printed commitment form and the
API's messages. tests/user_text.py checks the sources the same way."""
import re

from harness import (test, get, post, token, fresh_login, fresh_enterprise,
                     place_order, set_clock_at, clear_clock, parse_iso,
                     order_provider, order_product)

RULE_ID = re.compile(r"规则\s*[A-Z]\d|(?<![A-Za-z0-9_.\-/#])"
                     r"[MTEPYAOCRV]\d{1,2}(?![\dA-Za-z_.])")


def texts_of(events):
    return [e.get("reason") or "" for e in events]


@test
def test_demo_timelines_have_no_rule_ids():
    tok = token("ent01")
    r = get("/api/orders", token=tok, query={"per_page": 100})
    assert r.status == 200 and r.json["items"], r
    seen = 0
    for o in r.json["items"]:
        d = get("/api/orders/%d" % o["id"], token=tok)
        assert d.status == 200, d
        for t in texts_of(d.json["events"]):
            seen += 1
            assert not RULE_ID.search(t), (o["order_no"], t)
        c = get("/api/orders/%d/commitment" % o["id"], token=tok)
        if c.status == 200:
            assert not RULE_ID.search(c.body.decode("utf-8")), o["order_no"]
    assert seen > 0
    # the guide is cited where it helps: ent01's orders were placed and
    # accepted within 48 hours (《工作指南》五（二）4)
    assert any("《工作指南》" in t for o in r.json["items"]
               for t in texts_of(get("/api/orders/%d" % o["id"],
                                     token=tok).json["events"]))


@test
def test_O4_timeout_event_cites_the_guide_not_rule_ids():
    """An order nobody accepted within 48 hours is closed by the system at
    the next write (O4 through the injectable clock, T2); its timeline
    says so in plain Chinese with the guide's article, not 「规则 O4」."""
    pid, _ = order_provider()
    prod = order_product(pid)
    ent = fresh_enterprise()
    r = place_order(ent["token"], prod["id"])
    assert r.status == 201, r
    oid = r.json["id"]
    set_clock_at(parse_iso(r.json["ordered_at"]) + 49 * 3600)
    try:
        tok = fresh_login(ent["login"], ent["password"])
        r = post("/api/orders/%d/cancel" % oid, token=tok)
        assert r.status == 409, r
        assert not RULE_ID.search(r.json["error"]["message"]), r
        d = get("/api/orders/%d" % oid, token=tok)
        assert d.status == 200 and d.json["status"] == "cancelled", d
        reasons = texts_of(d.json["events"])
        assert "服务机构 48 小时内未接单，订单取消（《工作指南》五（二）4）" \
            in reasons, reasons
        for t in reasons:
            assert not RULE_ID.search(t), t
    finally:
        clear_clock()
