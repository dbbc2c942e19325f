"""GET /api/bureau/stats: the bureau dashboard's read-only figures (orders
and subsidies by category and by month, allowances used by tier, the
products closest to selling out). Black-box through nginx."""
from harness import (test, get, token, expect_error, fresh_enterprise,
                     order_product, place_order, test_provider_id)


def stats(**query):
    r = get("/api/bureau/stats", token=token("bureau"), query=query or None)
    assert r.status == 200, r
    return r.json


@test
def test_stats_bureau_only():
    expect_error(get("/api/bureau/stats"), 401)
    expect_error(get("/api/bureau/stats", token=token("ent02")), 403)
    expect_error(get("/api/bureau/stats", token=token("bureau"),
                     query={"year": "x"}), 400, field="year")


@test
def test_stats_shape_twelve_categories_and_integer_fen():
    s = stats()
    assert isinstance(s["year"], int)
    assert [c["code"] for c in s["by_category"]][:2] == ["digital", "cloud"]
    assert len(s["by_category"]) == 12
    for row in s["by_category"] + s["by_month"]:
        assert isinstance(row["orders"], int) and isinstance(
            row["subsidy"], int), row
    for row in s["allowance"]:
        assert 0 <= row["occupied"] <= row["cap"], row
    for p in s["selling_out"]:
        assert 0 <= p["remaining_units"] <= p["units_total"], p
    assert len(s["selling_out"]) <= 10


@test
def test_stats_an_order_counts_in_its_category_and_month():
    before = stats()
    prod = order_product(test_provider_id(), voucher_price=100000,
                         category="legal", units=1)
    ent = fresh_enterprise()
    r = place_order(ent["token"], prod["id"])
    assert r.status == 201, r
    after = stats()
    cat = {c["code"]: c for c in before["by_category"]}["legal"]
    cat2 = {c["code"]: c for c in after["by_category"]}["legal"]
    assert cat2["orders"] == cat["orders"] + 1
    assert cat2["subsidy"] == cat["subsidy"] + r.json["reserved"]
    assert sum(m["orders"] for m in after["by_month"]) == \
        sum(m["orders"] for m in before["by_month"]) + 1
    # a product of one unit, now sold out, heads the selling-out list
    assert after["selling_out"][0]["remaining_units"] == 0


@test
def test_stats_a_year_without_orders_has_empty_lists():
    s = stats(year=2001)
    assert s["year"] == 2001
    assert len(s["by_category"]) == 12
    assert all(c["orders"] == 0 and c["subsidy"] == 0
               for c in s["by_category"]), s["by_category"]
    assert s["by_month"] == [] and s["allowance"] == [], s
    assert isinstance(s["selling_out"], list)
