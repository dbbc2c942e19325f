"""The catalog program: categories (P1), the public product list and
detail (P4 subsidy, P5 remaining units, filters, sorting, pagination,
ETag and nginx's micro-cache), and the bureau's product listing (P3, P4,
P6, V2) and changes."""
import random
import time

from harness import (test, get, post, put, request, token, bureau, sql,
                     expect_error, uniq, new_provider, product_body,
                     new_product, test_provider_id, all_products, wait_for)

CATEGORIES = ["digital", "cloud", "talent", "innovation", "transfer",
              "design", "it", "ipo", "finance", "market", "legal", "other"]
ITEM_FIELDS = {"id", "name", "category", "category_name", "provider_id",
               "provider_name", "market_price", "voucher_price",
               "unit_subsidy", "enterprise_pays", "remaining_units",
               "units_total", "units_sold", "validity_days", "created_at",
               "rating", "sold_out"}


def p4_subsidy(voucher_price):
    return min(voucher_price * 30 // 100, 5000000)


def _category_counts():
    r = get("/api/categories", query={"n": uniq("c")})  # past the cache
    assert r.status == 200, r
    return {c["code"]: c["product_count"] for c in r.json["items"]}


def _list_by_name(name):
    """The list filtered by one product's unique name (cache-busting)."""
    r = get("/api/products", query={"q": name, "n": uniq("n")})
    assert r.status == 200, r
    return r.json


# ---- categories ------------------------------------------------------------

@test
def test_P1_categories_with_counts():
    r = get("/api/categories")
    assert r.status == 200, r
    items = r.json["items"]
    assert [c["code"] for c in items] == CATEGORIES
    assert items[0]["name_zh"] == "数字化赋能" and items[-1]["name_zh"] == \
        "其他创新创业服务", items
    assert all(isinstance(c["product_count"], int) and
               c["product_count"] >= 4 for c in items), items
    total = get("/api/products", query={"per_page": 1}).json["total"]
    assert sum(c["product_count"] for c in items) == total


@test
def test_P1_product_category_names_agree_with_the_categories_table():
    # the product list and detail name categories from the program's P1
    # table (shared/rules.c), the categories endpoint from the database
    names = {c["code"]: c["name_zh"] for c in
             get("/api/categories", query={"n": uniq("c")}).json["items"]}
    for code in CATEGORIES:
        r = get("/api/products", query={"category": code, "per_page": 100,
                                        "n": uniq("p")})
        assert r.status == 200 and r.json["items"], r
        assert {it["category_name"] for it in r.json["items"]} == \
            {names[code]}, (code, r.json["items"][0])
        one = get("/api/products/%d" % r.json["items"][0]["id"],
                  query={"n": uniq("i")})
        assert one.json["category_name"] == names[code], one


@test
def test_P1_category_product_count_follows_create_and_delist():
    before = _category_counts()
    p = new_product(category="ipo")
    assert wait_for(lambda: _category_counts()["ipo"] == before["ipo"] + 1)
    after = _category_counts()
    assert after["ipo"] == before["ipo"] + 1, (before, after)
    assert all(after[c] == before[c] for c in CATEGORIES if c != "ipo")
    r = put("/api/bureau/products/%d" % p["id"], {"listed": False},
            token=bureau())
    assert r.status == 200, r
    assert wait_for(lambda: _category_counts()["ipo"] == before["ipo"])


# ---- the list --------------------------------------------------------------

@test
def test_product_list_default_shape():
    r = get("/api/products")
    assert r.status == 200, r
    j = r.json
    assert set(j) == {"items", "total", "page", "per_page"}, j.keys()
    assert j["page"] == 1 and j["per_page"] == 20, j
    assert j["total"] >= 48, j["total"]
    assert len(j["items"]) == 20
    for it in j["items"]:
        assert ITEM_FIELDS <= set(it), set(it) ^ ITEM_FIELDS
        assert set(it["rating"]) == {"average", "count"}, it
        for k in ("market_price", "voucher_price", "unit_subsidy",
                  "enterprise_pays", "remaining_units"):
            assert isinstance(it[k], int), (k, it)  # M1: integer fen
        assert it["sold_out"] == (it["remaining_units"] <= 0), it
    assert r.headers.get("content-type", "").startswith("application/json")


@test
def test_product_list_per_page_cap_100():
    r = get("/api/products", query={"per_page": 100})
    assert r.status == 200, r
    assert r.json["per_page"] == 100
    assert len(r.json["items"]) == min(100, r.json["total"])
    expect_error(get("/api/products", query={"per_page": 101}), 400,
                 "invalid_query", "per_page")
    expect_error(get("/api/products", query={"per_page": 0}), 400,
                 "invalid_query", "per_page")
    expect_error(get("/api/products", query={"page": 0}), 400,
                 "invalid_query", "page")
    expect_error(get("/api/products", query={"page": "2x"}), 400,
                 "invalid_query", "page")


@test
def test_product_list_pages_partition_the_list():
    total = get("/api/products", query={"per_page": 1}).json["total"]
    seen = []
    for page in range(1, total // 7 + 2):
        j = get("/api/products", query={"per_page": 7, "page": page,
                                        "sort": "price", "n": uniq("p")}).json
        assert j["total"] == total and j["page"] == page, j
        assert len(j["items"]) == min(7, total - 7 * (page - 1)), j
        seen.extend(it["id"] for it in j["items"])
    assert len(seen) == total and len(set(seen)) == total


@test
def test_product_list_page_beyond_end_empty():
    total = get("/api/products", query={"per_page": 1}).json["total"]
    r = get("/api/products", query={"page": 1000, "per_page": 50})
    assert r.status == 200, r
    assert r.json["items"] == [] and r.json["total"] == total, r.json
    assert r.json["page"] == 1000 and r.json["per_page"] == 50


@test
def test_product_list_filter_by_category():
    counts = _category_counts()
    for cat in ("cloud", "legal"):
        items, total = all_products(category=cat)
        assert total == counts[cat] and len(items) == total, (cat, total)
        assert total >= 4
        assert all(it["category"] == cat for it in items), items
    items, _ = all_products(category="cloud")
    assert all(it["category_name"] == "上云用云" for it in items)


@test
def test_product_list_bad_category_or_sort_400():
    expect_error(get("/api/products", query={"category": "food"}), 400,
                 "invalid_query", "category")
    expect_error(get("/api/products", query={"category": "CLOUD"}), 400,
                 "invalid_query", "category")
    expect_error(get("/api/products", query={"sort": "cheapest"}), 400,
                 "invalid_query", "sort")
    expect_error(get("/api/products", query={"sort": "+price"}), 400,
                 "invalid_query", "sort")


@test
def test_product_list_q_matches_product_name_chinese():
    items, total = all_products(q="诊断")
    assert total >= 2, total
    assert all("诊断" in it["name"] or "诊断" in it["provider_name"]
               for it in items), items
    names = [it["name"] for it in items]
    assert "企业数字化转型诊断服务" in names, names


@test
def test_product_list_q_matches_provider_name():
    items, total = all_products(q="匠心")
    assert total >= 1
    assert all(it["provider_name"] == "北京匠心工业设计有限公司"
               for it in items), items
    # products found through their provider only
    assert any("匠心" not in it["name"] for it in items), items
    all_items, _ = all_products()
    assert total == sum(1 for it in all_items
                        if "匠心" in it["provider_name"] or
                        "匠心" in it["name"])


@test
def test_product_list_q_wildcards_are_literal():
    tag = uniq("w")
    p = new_product(name="百分百满意测试%_" + tag)
    items, total = all_products(q="试%_" + tag)
    assert [it["id"] for it in items] == [p["id"]], items
    # as LIKE wildcards, "_" and "%" would match "%_"
    for q in ("试__" + tag, "试%" + tag, "试_" + tag, "测试%%" + tag):
        items, total = all_products(q=q)
        assert items == [] and total == 0, (q, items)
    items, total = all_products(q="%")
    assert all("%" in it["name"] or "%" in it["provider_name"]
               for it in items), items
    items, total = all_products(q="无此产品名称" + uniq("z"))
    assert items == [] and total == 0
    expect_error(get("/api/products", query={"q": "字" * 51}), 400,
                 "invalid_query", "q")


@test
def test_product_list_price_bounds_inclusive():
    all_items, total = all_products()
    prices = sorted({it["voucher_price"] for it in all_items})
    lo, hi = prices[2], prices[-3]
    items, n = all_products(min_price=lo, max_price=hi)
    assert n == sum(1 for it in all_items if lo <= it["voucher_price"] <= hi)
    assert all(lo <= it["voucher_price"] <= hi for it in items)
    assert any(it["voucher_price"] == lo for it in items)
    assert any(it["voucher_price"] == hi for it in items)
    items, n = all_products(min_price=lo, max_price=lo)
    assert n >= 1 and all(it["voucher_price"] == lo for it in items)
    items, n = all_products(min_price=hi)
    assert n == sum(1 for it in all_items if it["voucher_price"] >= hi)
    items, n = all_products(max_price=lo)
    assert n == sum(1 for it in all_items if it["voucher_price"] <= lo)
    items, n = all_products(max_price=lo - 1, min_price=0)
    assert all(it["voucher_price"] < lo for it in items)


@test
def test_product_list_price_range_total_follows_price_edits_and_delisting():
    # 024: a price range's total sums the kept counts of its prices; the
    # bureau's writes keep them in the same transaction
    v = 1000000 + random.randrange(1, 900000)
    p = new_product(market_price=3000000, voucher_price=v)
    cat = p["category"]

    def total(lo, hi, **kw):
        j = get("/api/products", query=dict(kw, min_price=lo, max_price=hi,
                                             n=uniq("n"))).json
        return j["total"], [it["id"] for it in j["items"]]

    assert total(v, v) == (1, [p["id"]])
    assert total(v, v, category=cat) == (1, [p["id"]])
    path = "/api/bureau/products/%d" % p["id"]
    r = put(path, {"voucher_price": v + 1}, token=bureau())
    assert r.status == 200, r
    assert total(v, v) == (0, [])
    assert total(v + 1, v + 1, category=cat) == (1, [p["id"]])
    # a second page past the end still has the range's total
    j = get("/api/products", query={"min_price": v, "max_price": v + 1,
                                    "page": 3, "n": uniq("n")}).json
    assert j["items"] == [] and j["total"] == 1, j
    r = put(path, {"listed": False}, token=bureau())
    assert r.status == 200, r
    assert total(v + 1, v + 1) == (0, [])
    assert total(v + 1, v + 1, category=cat) == (0, [])


@test
def test_product_list_min_above_max_400():
    expect_error(get("/api/products", query={"min_price": 200,
                                             "max_price": 100}),
                 400, "invalid_query", "min_price")
    expect_error(get("/api/products", query={"min_price": -1}), 400,
                 "invalid_query", "min_price")
    expect_error(get("/api/products", query={"max_price": "1.5"}), 400,
                 "invalid_query", "max_price")
    expect_error(get("/api/products",
                     query={"max_price": "99999999999999999999"}), 400,
                 "invalid_query", "max_price")


@test
def test_product_list_sort_price_ascending():
    items, _ = all_products(sort="price")
    keys = [(it["voucher_price"], it["id"]) for it in items]
    assert keys == sorted(keys), keys


@test
def test_product_list_sort_price_descending():
    items, _ = all_products(sort="-price")
    keys = [(it["voucher_price"], it["id"]) for it in items]
    assert keys == sorted(keys, reverse=True), keys


@test
def test_product_list_sort_sales():
    items, _ = all_products(sort="sales")
    keys = [(it["units_sold"], it["id"]) for it in items]
    assert keys == sorted(keys, reverse=True), keys
    assert items[0]["units_sold"] > 0


@test
def test_product_list_sort_newest_is_default():
    items, _ = all_products(sort="newest")
    keys = [(it["created_at"], it["id"]) for it in items]
    assert keys == sorted(keys, reverse=True), keys
    default, _ = all_products()
    assert [it["id"] for it in default] == [it["id"] for it in items]


@test
def test_product_list_sort_rating():
    items, _ = all_products(sort="rating")
    avgs = [it["rating"]["average"] for it in items]
    rated = [a for a in avgs if a is not None]
    assert len(rated) >= 5, avgs
    # rated first, best first; the unrated last
    assert avgs[:len(rated)] == rated, avgs
    assert rated == sorted(rated, reverse=True), rated
    for it in items:
        r = it["rating"]
        assert (r["average"] is None) == (r["count"] == 0), it
        if r["average"] is not None:
            assert 1 <= r["average"] <= 5, it


# ---- detail and P4 ---------------------------------------------------------

@test
def test_P4_subsidy_and_enterprise_pays_for_every_product():
    items, total = all_products()
    assert total >= 48
    for it in items:
        vp = it["voucher_price"]
        assert it["unit_subsidy"] == p4_subsidy(vp), it
        assert it["enterprise_pays"] == vp - it["unit_subsidy"], it
        assert it["voucher_price"] * 10 <= it["market_price"] * 8, it  # P3
        d = get("/api/products/%d" % it["id"])
        assert d.status == 200, d
        dj = d.json
        assert dj["unit_subsidy"] == p4_subsidy(vp), dj
        assert dj["enterprise_pays"] == vp - dj["unit_subsidy"], dj
        assert dj["remaining_units"] == it["remaining_units"], dj
        assert dj["listed"] is True, dj


@test
def test_P5_product_detail_fields():
    r = get("/api/products/1", query={"n": uniq("d")})
    assert r.status == 200, r
    j = r.json
    assert ITEM_FIELDS | {"description", "round_year", "listed", "discount",
                          "updated_at"} <= set(j), set(j)
    row = sql("SELECT name, market_price, voucher_price, unit_subsidy, "
              "units_total, validity_days, rating_count DIV 3 "
              "FROM products WHERE id = 1")[0]
    assert j["name"] == row[0] == "企业数字化转型诊断服务", (j, row)
    assert [j["market_price"], j["voucher_price"], j["unit_subsidy"],
            j["units_total"], j["validity_days"], j["rating"]["count"]] == \
        [int(x) for x in row[1:]], (j, row)
    assert j["unit_subsidy"] == p4_subsidy(j["voucher_price"])
    assert j["enterprise_pays"] == j["voucher_price"] - j["unit_subsidy"]
    assert j["discount"] == j["market_price"] - j["voucher_price"]
    assert 0 <= j["remaining_units"] <= j["units_total"], j
    assert j["remaining_units"] + j["units_sold"] <= j["units_total"], j
    assert j["round_year"] == time.gmtime(time.time() + 8 * 3600).tm_year


@test
def test_product_detail_unknown_or_non_numeric_404():
    expect_error(get("/api/products/999999999"), 404, "not_found")
    for bad in ("abc", "1a", "-1", "0", "01", "1.0", "99999999999999999999"):
        expect_error(get("/api/products/" + bad), 404, "not_found")


@test
def test_product_detail_etag_304():
    path = "/api/products/2"
    r = get(path, query={"e": uniq("e")})
    assert r.status == 200, r
    etag = r.headers.get("etag")
    assert etag and etag.startswith('"') and etag.endswith('"'), r.headers
    r2 = get(path, query={"e": uniq("e")}, headers={"If-None-Match": etag})
    assert r2.status == 304, r2
    assert r2.body == b""
    r3 = get(path, query={"e": uniq("e")},
             headers={"If-None-Match": '"0000"'})
    assert r3.status == 200 and r3.json["id"] == 2, r3


@test
def test_product_list_etag_304():
    r = get("/api/products", query={"category": "legal"})
    assert r.status == 200, r
    etag = r.headers.get("etag")
    assert etag, r.headers
    r2 = get("/api/products", query={"category": "legal"},
             headers={"If-None-Match": etag})
    assert r2.status in (304,), r2


@test
def test_catalog_replies_are_briefly_cacheable():
    for path in ("/api/categories", "/api/products", "/api/products/3"):
        r = get(path)
        assert r.status == 200, r
        assert r.headers.get("cache-control") == "public, max-age=1", \
            (path, r.headers)


def _until_hit(path, query, tries=5):
    """Asks for path until nginx's micro-cache answers (it may store a
    URL only from its second use on); returns the replies."""
    replies = []
    for _ in range(tries):
        r = get(path, query=query)
        assert r.status == 200, r
        replies.append(r)
        if r.headers.get("x-cache") == "HIT":
            break
    return replies


@test
def test_micro_cache_hit_on_quick_repeat():
    for path, q in (("/api/products", {"category": "design",
                                        "n": uniq("m")}),
                    ("/api/products/4", {"n": uniq("m")}),
                    ("/api/categories", {"n": uniq("m")})):
        replies = _until_hit(path, q)
        states = [r.headers.get("x-cache") for r in replies]
        assert states[0] == "MISS", (path, states)
        assert states[-1] == "HIT", (path, states)
        assert len(states) <= 3, (path, states)
        assert replies[-1].json == replies[0].json


@test
def test_micro_cache_shows_new_remaining_units_quickly():
    p = new_product(units=10)
    path_q = {"q": p["name"]}
    replies = _until_hit("/api/products", path_q)
    assert replies[-1].headers.get("x-cache") == "HIT"
    j = replies[-1].json
    assert [it["remaining_units"] for it in j["items"]] == [10], j
    r = put("/api/bureau/products/%d" % p["id"], {"units": 7}, token=bureau())
    assert r.status == 200 and r.json["remaining_units"] == 7, r
    t0 = time.time()

    def fresh():
        j = get("/api/products", query=path_q).json
        return [it["remaining_units"] for it in j["items"]] == [7]

    assert wait_for(fresh, timeout=3.0, interval=0.05), "never refreshed"
    # fastcgi_cache_valid 1s counts whole seconds: at most ~2 s old
    assert time.time() - t0 <= 2.2, time.time() - t0
    d = wait_for(lambda: get("/api/products/%d" % p["id"]).json[
        "remaining_units"] == 7, timeout=3.0, interval=0.05)
    assert d


# ---- bureau: listing products ----------------------------------------------

@test
def test_P4_bureau_creates_product_201():
    prov = test_provider_id()
    body = product_body(prov, category="legal", market_price=1234567,
                        voucher_price=987653, units=25)
    r = post("/api/bureau/products", body, token=bureau())
    assert r.status == 201, r
    j = r.json
    assert j["id"] > 0 and j["name"] == body["name"], j
    assert j["provider_id"] == prov and j["category"] == "legal", j
    assert j["category_name"] == "法律咨询", j
    assert j["market_price"] == 1234567 and j["voucher_price"] == 987653
    assert j["unit_subsidy"] == 987653 * 30 // 100 == 296295, j
    assert j["enterprise_pays"] == 987653 - 296295, j
    assert (j["units_total"], j["remaining_units"], j["units_sold"]) == \
        (25, 25, 0), j
    assert j["validity_days"] == 30, j  # P6 default
    assert j["listed"] is True and j["sold_out"] is False, j
    assert j["description"] == body["description"], j
    assert j["round_year"] == time.gmtime(time.time() + 8 * 3600).tm_year
    d = get("/api/products/%d" % j["id"])
    assert d.status == 200 and d.json["unit_subsidy"] == 296295, d
    rows = sql("SELECT action, actor_role FROM audit_log WHERE "
               "entity='product' AND entity_id=%d" % j["id"])
    assert rows == [["product.create", "bureau"]], rows


@test
def test_P3_voucher_price_above_80_percent_refused():
    body = product_body(market_price=1000000, voucher_price=800001)
    expect_error(post("/api/bureau/products", body, token=bureau()), 422,
                 "voucher_price_too_high", "voucher_price")
    assert _list_by_name(body["name"])["total"] == 0
    body = product_body(market_price=999999, voucher_price=800000)
    expect_error(post("/api/bureau/products", body, token=bureau()), 422,
                 "voucher_price_too_high", "voucher_price")
    body = product_body(market_price=1000000, voucher_price=1000000)
    expect_error(post("/api/bureau/products", body, token=bureau()), 422,
                 "voucher_price_too_high", "voucher_price")


@test
def test_P3_voucher_price_exactly_80_percent_accepted():
    p = new_product(market_price=1000000, voucher_price=800000)
    assert p["voucher_price"] == 800000 and p["unit_subsidy"] == 240000, p
    p = new_product(market_price=999999, voucher_price=799999)
    assert p["voucher_price"] == 799999 and p["unit_subsidy"] == 239999, p


@test
def test_P6_validity_days_bounds():
    for bad in (0, 61, -1):
        body = product_body(validity_days=bad)
        expect_error(post("/api/bureau/products", body, token=bureau()), 422,
                     "invalid_validity", "validity_days")
    expect_error(post("/api/bureau/products",
                      product_body(validity_days=100001), token=bureau()),
                 400, "out_of_range", "validity_days")
    assert new_product(validity_days=60)["validity_days"] == 60
    assert new_product(validity_days=1)["validity_days"] == 1


@test
def test_P4_subsidy_capped_at_50000_cny():
    p = new_product(market_price=25000000, voucher_price=20000000)
    assert p["unit_subsidy"] == 5000000, p
    assert p["enterprise_pays"] == 15000000, p
    # the cap starts exactly where 30% reaches 5,000,000 fen
    p = new_product(market_price=25000000, voucher_price=16666666)
    assert p["unit_subsidy"] == 4999999, p
    p = new_product(market_price=25000000, voucher_price=16666667)
    assert p["unit_subsidy"] == 5000000, p
    assert p["enterprise_pays"] == 11666667, p


@test
def test_product_create_unknown_provider_422():
    body = product_body(provider_id=999999999)
    expect_error(post("/api/bureau/products", body, token=bureau()), 422,
                 "unknown_provider", "provider_id")
    expect_error(post("/api/bureau/products", product_body(provider_id=0),
                      token=bureau()), 400, "out_of_range", "provider_id")


@test
def test_Y1_product_create_without_current_round_409():
    # a product belongs to the current round (P2, Y1): with none set, the
    # bureau cannot list one; the catalog's public pages are not asked
    # while the round is unset (they cache the round for a minute)
    year = sql("SELECT year FROM rounds WHERE is_current = 1")[0][0]
    sql("UPDATE rounds SET is_current = 0 WHERE year = %s" % year)
    try:
        expect_error(post("/api/bureau/products", product_body(),
                          token=bureau()), 409, "no_current_round")
    finally:
        sql("UPDATE rounds SET is_current = 1 WHERE year = %s" % year)
    p = new_product()
    assert p["round_year"] == int(year), p


@test
def test_V2_barred_provider_cannot_list_products():
    prov, _ = new_provider()
    sql("UPDATE providers SET barred_until = UTC_TIMESTAMP() + INTERVAL 3 "
        "YEAR WHERE id = %d" % prov["id"])
    expect_error(post("/api/bureau/products", product_body(prov["id"]),
                      token=bureau()), 422, "provider_barred", "provider_id")


@test
def test_V2_barred_provider_product_cannot_be_relisted():
    prov, _ = new_provider()
    p = new_product(prov["id"])
    path = "/api/bureau/products/%d" % p["id"]
    assert put(path, {"listed": False}, token=bureau()).status == 200
    sql("UPDATE providers SET barred_until = UTC_TIMESTAMP() + INTERVAL 3 "
        "YEAR WHERE id = %d" % prov["id"])
    expect_error(put(path, {"listed": True}, token=bureau()), 422,
                 "provider_barred", "provider_id")
    d = get("/api/products/%d" % p["id"], query={"n": uniq("n")}).json
    assert d["listed"] is False, d
    # a bar that has ended no longer blocks (E5/V2: until barred_until)
    sql("UPDATE providers SET barred_until = UTC_TIMESTAMP() - INTERVAL 1 "
        "SECOND WHERE id = %d" % prov["id"])
    r = put(path, {"listed": True}, token=bureau())
    assert r.status == 200 and r.json["listed"] is True, r


@test
def test_product_create_field_validation():
    b = product_body()
    del b["units"]
    expect_error(post("/api/bureau/products", b, token=bureau()), 400,
                 "missing_field", "units")
    expect_error(post("/api/bureau/products", product_body(category="food"),
                      token=bureau()), 400, "invalid_field", "category")
    expect_error(post("/api/bureau/products",
                      product_body(market_price=12.5), token=bureau()),
                 400, "invalid_type", "market_price")
    expect_error(post("/api/bureau/products",
                      product_body(voucher_price="800000"), token=bureau()),
                 400, "invalid_type", "voucher_price")
    expect_error(post("/api/bureau/products", product_body(units=0),
                      token=bureau()), 400, "out_of_range", "units")
    expect_error(post("/api/bureau/products", product_body(listed=False),
                      token=bureau()), 400, "unknown_field", "listed")
    expect_error(post("/api/bureau/products", product_body(name="x" * 201),
                      token=bureau()), 400, "invalid_field", "name")


# ---- bureau: changing products ---------------------------------------------

@test
def test_P5_put_units_below_taken_409():
    p = new_product(units=10)
    sql("UPDATE products SET remaining_units=remaining_units-3, "
        "units_sold=units_sold+3 WHERE id=%d" % p["id"])
    path = "/api/bureau/products/%d" % p["id"]
    expect_error(put(path, {"units": 2}, token=bureau()), 409,
                 "units_below_taken", "units")
    d = get("/api/products/%d" % p["id"], query={"n": uniq("n")}).json
    assert (d["units_total"], d["remaining_units"]) == (10, 7), d
    r = put(path, {"units": 3}, token=bureau())
    assert r.status == 200, r
    assert (r.json["units_total"], r.json["remaining_units"],
            r.json["units_sold"], r.json["sold_out"]) == (3, 0, 3, True), r
    r = put(path, {"units": 20}, token=bureau())
    assert r.status == 200, r
    assert (r.json["units_total"], r.json["remaining_units"]) == (20, 17), r
    # the 3 sold units were a fixture with no order behind them: put them
    # back so that `voucherctl reconcile` finds no drift
    sql("UPDATE products SET remaining_units=remaining_units+3, "
        "units_sold=units_sold-3 WHERE id=%d" % p["id"])


@test
def test_P4_put_price_recomputes_subsidy():
    p = new_product(market_price=30000000, voucher_price=1000000)
    path = "/api/bureau/products/%d" % p["id"]
    r = put(path, {"voucher_price": 24000000}, token=bureau())
    assert r.status == 200, r
    assert r.json["unit_subsidy"] == 5000000, r.json
    assert r.json["enterprise_pays"] == 19000000, r.json
    expect_error(put(path, {"voucher_price": 24000001}, token=bureau()), 422,
                 "voucher_price_too_high", "voucher_price")
    expect_error(put(path, {"market_price": 29999999}, token=bureau()), 422,
                 "voucher_price_too_high", "voucher_price")
    expect_error(put(path, {"validity_days": 61}, token=bureau()), 422,
                 "invalid_validity", "validity_days")
    d = get("/api/products/%d" % p["id"], query={"n": uniq("n")}).json
    assert (d["market_price"], d["voucher_price"], d["validity_days"]) == \
        (30000000, 24000000, 30), d
    assert sql("SELECT action FROM audit_log WHERE entity='product' AND "
               "entity_id=%d ORDER BY id" % p["id"]) == [
        ["product.create"], ["product.update"]]


@test
def test_product_delist_hides_from_list():
    p = new_product(category="market")
    assert _list_by_name(p["name"])["total"] == 1
    path = "/api/bureau/products/%d" % p["id"]
    r = put(path, {"listed": False}, token=bureau())
    assert r.status == 200 and r.json["listed"] is False, r
    j = _list_by_name(p["name"])
    assert j["total"] == 0 and j["items"] == [], j
    items, _ = all_products(category="market")
    assert p["id"] not in [it["id"] for it in items]
    d = get("/api/products/%d" % p["id"], query={"n": uniq("n")})
    assert d.status == 200 and d.json["listed"] is False, d
    r = put(path, {"listed": True}, token=bureau())
    assert r.status == 200 and r.json["listed"] is True, r
    assert _list_by_name(p["name"])["total"] == 1


@test
def test_product_put_unknown_id_404():
    expect_error(put("/api/bureau/products/999999999", {"units": 5},
                     token=bureau()), 404, "not_found")
    expect_error(put("/api/bureau/products/abc", {"units": 5},
                     token=bureau()), 404, "not_found")


@test
def test_product_put_field_validation():
    p = new_product()
    path = "/api/bureau/products/%d" % p["id"]
    expect_error(put(path, {"provider_id": 1}, token=bureau()), 400,
                 "unknown_field", "provider_id")
    expect_error(put(path, {"units": -1}, token=bureau()), 400,
                 "out_of_range", "units")
    expect_error(put(path, {"listed": "no"}, token=bureau()), 400,
                 "invalid_type", "listed")
    r = request("PUT", path, raw="units=5", token=bureau(),
                headers={"Content-Type": "text/plain"})
    expect_error(r, 415, "unsupported_media_type")


@test
def test_enterprise_on_bureau_product_routes_403():
    expect_error(post("/api/bureau/products", product_body(),
                      token=token("ent01")), 403, "forbidden")
    expect_error(put("/api/bureau/products/1", {"units": 1},
                     token=token("ent01")), 403, "forbidden")
    expect_error(put("/api/bureau/products/1", {"units": 1},
                     token=token("prov01")), 403, "forbidden")
    expect_error(post("/api/bureau/products", product_body()), 401,
                 "unauthenticated")
    expect_error(put("/api/bureau/products/1", {"units": 1}), 401,
                 "unauthenticated")
    d = get("/api/products/1", query={"n": uniq("n")}).json
    assert d["units_total"] == 60, d


# ---- the bureau's product list (issue 11, point 13) --------------------------

def _bureau_list(**query):
    r = get("/api/bureau/products", query=query, token=bureau())
    assert r.status == 200, r
    return r.json


@test
def test_bureau_product_list_finds_delisted_products_by_name():
    # the public list hides a delisted product; the bureau's list keeps it,
    # so that the product management page can relist it
    p = new_product(category="legal")
    j = _bureau_list(q=p["name"])
    assert j["total"] == 1 and j["items"][0]["id"] == p["id"], j
    it = j["items"][0]
    assert it["listed"] is True and it["orderable"] is True, it
    assert it["round_year"] == p["round_year"], it
    assert it["description"] == p["description"], it
    r = put("/api/bureau/products/%d" % p["id"], {"listed": False},
            token=bureau())
    assert r.status == 200, r
    assert _list_by_name(p["name"])["total"] == 0
    it = _bureau_list(q=p["name"])["items"][0]
    assert it["listed"] is False and it["orderable"] is False, it
    assert it["unorderable_reason"]["code"] == "delisted", it
    assert [x["id"] for x in _bureau_list(q=p["name"], listed=0)["items"]] \
        == [p["id"]]
    assert _bureau_list(q=p["name"], listed=1)["total"] == 0


@test
def test_bureau_product_list_filters_by_provider_and_provider_name():
    prov, body = new_provider()
    a = new_product(provider_id=prov["id"])
    b = new_product(provider_id=prov["id"])
    j = _bureau_list(provider_id=prov["id"])
    assert [x["id"] for x in j["items"]] == [b["id"], a["id"]], j
    assert j["total"] == 2, j
    j = _bureau_list(q=body["name"])
    assert {x["id"] for x in j["items"]} == {a["id"], b["id"]}, j


@test
def test_P5_bureau_product_list_shows_units_taken():
    # units_taken is the floor PUT enforces (units_below_taken)
    p = new_product(units=10)
    sql("UPDATE products SET remaining_units=remaining_units-4, "
        "units_sold=units_sold+4 WHERE id=%d" % p["id"])
    try:
        it = _bureau_list(q=p["name"])["items"][0]
        assert (it["units_total"], it["remaining_units"],
                it["units_taken"]) == (10, 6, 4), it
        path = "/api/bureau/products/%d" % p["id"]
        expect_error(put(path, {"units": it["units_taken"] - 1},
                         token=bureau()), 409, "units_below_taken", "units")
        assert put(path, {"units": it["units_taken"]},
                   token=bureau()).status == 200
    finally:
        sql("UPDATE products SET remaining_units=remaining_units+4, "
            "units_sold=units_sold-4 WHERE id=%d" % p["id"])


@test
def test_P7_bureau_product_list_marks_flagged_provider_products():
    prov, _ = new_provider()
    p = new_product(provider_id=prov["id"])
    r = put("/api/bureau/providers/%d" % prov["id"],
            {"credit_flagged": True, "credit_source": "信用中国",
             "credit_checked_on": "2026-01-05"}, token=bureau())
    assert r.status == 200, r
    it = _bureau_list(provider_id=prov["id"])["items"][0]
    assert it["id"] == p["id"] and it["orderable"] is False, it
    assert it["unorderable_reason"]["code"] == "provider_not_eligible", it


@test
def test_bureau_product_list_bad_query_400_and_roles():
    expect_error(get("/api/bureau/products", query={"listed": "yes"},
                     token=bureau()), 400, None, "listed")
    expect_error(get("/api/bureau/products", query={"provider_id": "0"},
                     token=bureau()), 400, None, "provider_id")
    expect_error(get("/api/bureau/products", token=token("prov01")), 403,
                 "forbidden")
    expect_error(get("/api/bureau/products", token=token("ent01")), 403,
                 "forbidden")
    expect_error(get("/api/bureau/products"), 401, "unauthenticated")
