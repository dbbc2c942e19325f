"""Chinese search that scales (issue #13, part 4): q on products, providers,
enterprises and publicity items reads the search index (search_texts and
their unigrams and bigrams, 004_scale.sql) instead of scanning with
LIKE '%…%'. Queries of 1, 2, 3 and 4 characters (and longer) find exactly
the rows whose text holds the query, a match in the product's own name
ranks before one in its provider's name, then the chosen sort; renaming
keeps the index current in the same transaction. Black-box through nginx;
each result is compared with the whole list filtered here."""
import hashlib

from harness import (test, get, put, sql, bureau, uniq, new_product, new_provider,
                     new_enterprise, all_products)
from pubflow import approved_claim, provider_party, published, public_items


def rare(tag, n):
    """n CJK characters derived from tag: names no other test shares."""
    h = hashlib.sha256(tag.encode()).digest()
    return "".join(chr(0x5000 + (h[2 * i] << 8 | h[2 * i + 1]) % 0x3000) for i in range(n))


def expected(items, q):
    q = q.lower()
    return sorted(it["id"] for it in items
                  if q in it["name"].lower() or q in it["provider_name"].lower())


@test
def test_search_products_1_to_4_characters_find_exactly_the_holders():
    w = rare(uniq("s"), 4)
    a = new_product(name="检索" + w + "服务")             # all four in a row
    b = new_product(name="检索" + w[:2] + "和" + w[2:] + "套餐")  # split in two
    c = new_product(name=w[0] + "单字产品" + uniq("c"))      # the first only
    everything, _ = all_products()
    for n in (1, 2, 3, 4):
        q = w[:n]
        items, total = all_products(q=q)
        ids = sorted(it["id"] for it in items)
        assert ids == expected(everything, q), (n, q, ids)
        assert total == len(ids)
        assert a["id"] in ids
        assert (b["id"] in ids) == (n <= 2), (n, ids)
        assert (c["id"] in ids) == (n == 1), (n, ids)
    # the first and the last bigram of the query both in the text, but
    # not the query: no match
    items, _ = all_products(q=w[:2] + w[2:])
    assert b["id"] not in [it["id"] for it in items]
    # a longer query, and one no text holds
    items, _ = all_products(q="检索" + w + "服务")
    assert [it["id"] for it in items] == [a["id"]], items
    items, total = all_products(q=w[::-1])
    assert items == [] and total == 0


@test
def test_search_products_latin_ignores_case():
    tag = uniq("L").upper()
    p = new_product(name="ERP" + tag + "实施")
    for q in (tag.lower(), tag, "erp" + tag.lower()):
        items, _ = all_products(q=q)
        assert [it["id"] for it in items] == [p["id"]], (q, items)


@test
def test_search_relevance_name_first_then_the_chosen_sort():
    w = rare(uniq("r"), 2)
    prov, body = new_provider(name="北京" + w + "咨询有限公司")
    # found through the provider's name only: cheap
    by_provider = new_product(provider_id=prov["id"], name="检索相关" + uniq("p"),
                              market_price=200000, voucher_price=100000)
    # the word in the product's own name: dearer, yet first
    by_name_dear = new_product(name="检索" + w + "甲" + uniq("n"),
                               market_price=2000000, voucher_price=1000000)
    by_name_cheap = new_product(name="检索" + w + "乙" + uniq("n"),
                                market_price=400000, voucher_price=300000)
    items, total = all_products(q=w, sort="price")
    ids = [it["id"] for it in items]
    assert ids == [by_name_cheap["id"], by_name_dear["id"], by_provider["id"]], items
    items, _ = all_products(q=w, sort="-price")
    assert [it["id"] for it in items] == [by_name_dear["id"], by_name_cheap["id"],
                                          by_provider["id"]], items


@test
def test_search_provider_rename_moves_its_products():
    old, new = rare(uniq("o"), 3), rare(uniq("n"), 3)
    prov, body = new_provider(name="北京" + old + "有限公司")
    p = new_product(provider_id=prov["id"], name="改名检索" + uniq("x"))
    items, _ = all_products(q=old)
    assert [it["id"] for it in items] == [p["id"]]
    r = put("/api/bureau/providers/%d" % prov["id"], {"name": "北京" + new + "有限公司"},
            token=bureau())
    assert r.status == 200, r
    items, _ = all_products(q=new)
    assert [it["id"] for it in items] == [p["id"]], items
    items, total = all_products(q=old)
    assert items == [] and total == 0, items
    r = get("/api/bureau/providers", token=bureau(), query={"q": new})
    assert [x["id"] for x in r.json["items"]] == [prov["id"]], r.json


@test
def test_search_products_3_and_4_characters_follow_edits_rounds_and_relevance():
    # 024: trigrams and 4-grams of a product's text are kept like its
    # bigrams; a query of three or four characters is its own gram
    w, v = rare(uniq("t"), 4), rare(uniq("u"), 4)
    prov, _ = new_provider(name="北京" + w + "咨询有限公司")
    by_provider = new_product(provider_id=prov["id"], name="四字检索" + uniq("p"),
                              market_price=200000, voucher_price=100000)
    by_name = new_product(name="检索" + w + uniq("n"), market_price=2000000,
                          voucher_price=1000000)
    spaced = new_product(name="检索" + w[:2] + " " + w[2:] + uniq("s"))
    for q in (w[:3], w[1:], w):
        for sort in ("price", "-price", "newest"):
            items, total = all_products(q=q, sort=sort)
            assert [it["id"] for it in items] == [by_name["id"], by_provider["id"]], \
                (q, sort, items)
            assert total == 2
        items, total = all_products(q=q, category=by_name["category"])
        assert total == len(items)
    # a space in the query: by LIKE, as before
    items, _ = all_products(q=w[:2] + " " + w[2])
    assert [it["id"] for it in items] == [spaced["id"]], items
    # the bureau renames the product: its grams follow in the same write
    r = put("/api/bureau/products/%d" % by_name["id"], {"name": "检索" + v + uniq("n")},
            token=bureau())
    assert r.status == 200, r
    items, total = all_products(q=w)
    assert [it["id"] for it in items] == [by_provider["id"]] and total == 1, items
    for q in (v[:3], v[1:], v):
        items, total = all_products(q=q)
        assert [it["id"] for it in items] == [by_name["id"]] and total == 1, (q, items)
    # delisted, then listed again
    r = put("/api/bureau/products/%d" % by_name["id"], {"listed": False}, token=bureau())
    assert r.status == 200, r
    items, total = all_products(q=v[1:])
    assert items == [] and total == 0, items
    r = put("/api/bureau/products/%d" % by_name["id"], {"listed": True}, token=bureau())
    assert r.status == 200, r
    items, total = all_products(q=v[1:])
    assert [it["id"] for it in items] == [by_name["id"]] and total == 1, items
    # a product of another round is not matched
    cur = int(sql("SELECT year FROM rounds WHERE is_current = 1")[0][0])
    old = cur - 1
    had = int(sql("SELECT COUNT(*) FROM rounds WHERE year = %d" % old)[0][0])
    if not had:
        sql("INSERT INTO rounds (year, apply_opens_on, apply_closes_on,"
            " is_current) VALUES (%d, MAKEDATE(%d, 1), MAKEDATE(%d, 59), 0)"
            % (old, old, old))
    sql("UPDATE products SET round_year = %d WHERE id = %d" % (old, by_name["id"]))
    try:
        for q in (v[:3], v):
            items, total = all_products(q=q)
            assert items == [] and total == 0, (q, items)
    finally:
        sql("UPDATE products SET round_year = %d WHERE id = %d" % (cur, by_name["id"]))
        if not had:
            sql("DELETE FROM rounds WHERE year = %d" % old)
    items, total = all_products(q=v)
    assert [it["id"] for it in items] == [by_name["id"]] and total == 1, items


@test
def test_search_products_longer_than_4_characters_by_their_4_grams():
    # a longer query reads the candidates of its first or last four
    # characters and checks them: both 4-grams in a text, not the query,
    # is no match
    w = rare(uniq("f"), 4)
    yes = new_product(name="检索" + w + "甲" + uniq("y"))
    no = new_product(name="检索" + w + "乙" + w[1:] + "甲" + uniq("z"))
    items, total = all_products(q=w + "甲")
    assert [it["id"] for it in items] == [yes["id"]] and total == 1, items
    items, total = all_products(q="检索" + w)
    assert sorted(it["id"] for it in items) == sorted([yes["id"], no["id"]]), items
    assert total == 2


@test
def test_search_providers_and_enterprises_1_to_4_characters():
    w = rare(uniq("b"), 4)
    prov, _ = new_provider(name="北京" + w + "检索服务有限公司")
    ent, _ = new_enterprise(name="北京" + w + "检索企业有限公司")
    for n in (1, 2, 3, 4):
        r = get("/api/bureau/providers", token=bureau(), query={"q": w[:n], "per_page": 100})
        assert r.status == 200, r
        assert prov["id"] in [x["id"] for x in r.json["items"]], (n, r.json)
        assert all(w[:n] in x["name"] for x in r.json["items"]), r.json
        r = get("/api/bureau/enterprises", token=bureau(),
                query={"q": w[:n], "per_page": 100})
        assert r.status == 200, r
        assert ent["id"] in [x["id"] for x in r.json["items"]], (n, r.json)
        assert all(w[:n] in x["name"] for x in r.json["items"]), r.json
        assert r.json["total"] == len(r.json["items"])


@test
def test_search_publicity_items_1_to_4_characters():
    w = rare(uniq("i"), 4)
    prov = provider_party(name="北京" + w + "公示检索有限公司")
    other = approved_claim()
    mine = approved_claim(prov=prov)
    b = published([mine, other])
    everything = public_items(b["id"])["items"]
    for n in (1, 2, 3, 4):
        q = w[:n]
        got = public_items(b["id"], q=q)
        ids = sorted(x["id"] for x in got["items"])
        want = sorted(x["id"] for x in everything
                      if q in x["provider"] or q in x["product"])
        assert ids == want and got["total"] == len(want), (n, ids, want)
        assert len(ids) >= 1
    got = public_items(b["id"], q=w[::-1])
    assert got["items"] == [] and got["total"] == 0
