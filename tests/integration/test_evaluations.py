"""Evaluations are shown (issue 11, point 11): the C1 ratings an
enterprise gives when it confirms a completed service appear per aspect
(averages and counts) with the latest comments on the product's public
page (GET /api/products/{id}/evaluations, never who wrote them), to the
provider for all its products, and to the bureau per provider."""
from harness import (test, get, post, put, token, uniq, bureau,
                     fresh_enterprise, place_order, shanghai_date,
                     expect_error)
from pubflow import provider_party

_world = {}


def rated_order(prov, ratings, comment=None):
    """An order of prov's product, accepted, contracted and confirmed with
    ratings (C1) by a fresh enterprise; returns (order id, enterprise)."""
    ent = fresh_enterprise()
    r = place_order(ent["token"], prov["product"]["id"])
    assert r.status == 201, r
    oid = r.json["id"]
    day = shanghai_date(r.json["ordered_at"])
    r = post("/api/provider/orders/%d/accept" % oid, token=prov["token"])
    assert r.status == 200, r
    r = put("/api/provider/orders/%d/contract" % oid,
            {"contract_no": uniq("HT"), "signed_on": day,
             "service_start_on": day, "amount": 800000,
             "period_months": 12}, token=prov["token"])
    assert r.status == 200, r
    body = {"ratings": ratings}
    if comment is not None:
        body["comment"] = comment
    r = post("/api/orders/%d/confirm" % oid, body, token=ent["token"])
    assert r.status == 200, r
    return oid, ent


def world():
    if _world:
        return _world
    prov = provider_party()
    other = provider_party()
    a, ent_a = rated_order(prov, {"quality": 5, "timeliness": 4,
                                  "attitude": 5}, "响应很快，报告专业")
    b, ent_b = rated_order(prov, {"quality": 4, "timeliness": 3,
                                  "attitude": 5})
    c, _ = rated_order(other, {"quality": 1, "timeliness": 1,
                               "attitude": 1}, "另一家机构的评价")
    _world.update(prov=prov, other=other, a=a, b=b, c=c, ent_a=ent_a,
                  ent_b=ent_b)
    return _world


@test
def test_C1_product_evaluations_public_per_aspect():
    w = world()
    pid = w["prov"]["product"]["id"]
    r = get("/api/products/%d/evaluations" % pid)
    assert r.status == 200, r
    j = r.json
    assert set(j) >= {"items", "total", "page", "per_page", "summary"}, j
    assert j["total"] == 2 and len(j["items"]) == 2, j
    s = j["summary"]
    assert s["count"] == 2
    assert s["quality"] == {"average": 4.5, "count": 2}, s
    assert s["timeliness"] == {"average": 3.5, "count": 2}, s
    assert s["attitude"] == {"average": 5.0, "count": 2}, s
    comments = [i["comment"] for i in j["items"]]
    assert "响应很快，报告专业" in comments, comments
    # never who wrote it: no enterprise, no order
    for i in j["items"]:
        assert set(i) == {"quality", "timeliness", "attitude", "comment",
                          "created_at"}, i
    text = r.body.decode("utf-8")
    assert w["ent_a"]["name"] not in text and "order" not in text
    # paging: the usual shape
    r = get("/api/products/%d/evaluations" % pid,
            query={"per_page": 1, "page": 2})
    assert r.status == 200 and r.json["total"] == 2 and \
        len(r.json["items"]) == 1, r


@test
def test_C1_product_without_evaluations_and_unknown_product():
    p = provider_party()
    r = get("/api/products/%d/evaluations" % p["product"]["id"])
    assert r.status == 200, r
    assert r.json["total"] == 0 and r.json["summary"]["count"] == 0
    assert r.json["summary"]["quality"]["average"] is None
    expect_error(get("/api/products/999999999/evaluations"), 404)
    expect_error(get("/api/products/%d/evaluations" % p["product"]["id"],
                     query={"per_page": 0}), 400, field="per_page")


@test
def test_C1_provider_sees_its_products_evaluations():
    w = world()
    r = get("/api/provider/evaluations", token=w["prov"]["token"])
    assert r.status == 200, r
    assert sorted(i["order_id"] for i in r.json["items"]) == \
        sorted([w["a"], w["b"]]), r.json
    assert r.json["by_product"][0]["product_id"] == w["prov"]["product"]["id"]
    assert r.json["by_product"][0]["quality"]["average"] == 4.5
    # another provider's product: nothing of it
    r = get("/api/provider/evaluations", token=w["prov"]["token"],
            query={"product_id": w["other"]["product"]["id"]})
    assert r.status == 200 and r.json["total"] == 0 and \
        r.json["by_product"] == [], r
    expect_error(get("/api/provider/evaluations", token=token("ent01")), 403)


@test
def test_C1_bureau_sees_evaluations_per_provider():
    w = world()
    r = get("/api/bureau/evaluations", token=bureau(),
            query={"provider_id": w["prov"]["id"]})
    assert r.status == 200, r
    assert sorted(i["order_id"] for i in r.json["items"]) == \
        sorted([w["a"], w["b"]]), r.json
    names = {i["enterprise_name"] for i in r.json["items"]}
    assert w["ent_a"]["name"] in names, names
    bp = r.json["by_product"]
    assert len(bp) == 1 and bp[0]["provider_id"] == w["prov"]["id"], bp
    assert bp[0]["timeliness"] == {"average": 3.5, "count": 2}, bp
    for login in ("ent01", "prov01", "reviewer"):
        expect_error(get("/api/bureau/evaluations", token=token(login)), 403)
    expect_error(get("/api/bureau/evaluations", token=bureau(),
                     query={"provider_id": "x"}), 400, field="provider_id")
