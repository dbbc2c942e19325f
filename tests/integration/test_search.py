"""Chinese search that scales (issue #13, part 4): q on products, providers,
enterprises and publicity items reads the search index (search_texts and
their unigrams and bigrams, 004_scale.sql) instead of scanning with
LIKE '%…%'. Queries of 1, 2, 3 and 4 characters (and longer) find exactly
the rows whose text holds the query, a match in the product's own name
ranks before one in its provider's name, then the chosen sort; renaming
keeps the index current in the same transaction. Black-box through nginx;
each result is compared with the whole list filtered here."""
import hashlib

from harness import (test, get, put, sql, token, bureau, uniq, new_product, new_provider,
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


def gram_total(path, q, **query):
    """The total of a search of one gram when the count statement runs (a
    full first page of one row, or a later page)."""
    r = get(path, token=bureau(), query=dict(query, q=q, per_page=1))
    assert r.status == 200, r
    return r.json["total"], [x["id"] for x in r.json["items"]]


def kept_gram_totals_hold(counts, grams, where=""):
    """Whether 025's kept totals (counts) equal their gram table's rows
    for the grams of the given rows (where: a condition on the grams)."""
    key = "batch_id, gram" if "batch" in counts else "gram"
    bad = sql("SELECT %s FROM (SELECT %s, n FROM %s WHERE (%s) IN (SELECT %s FROM %s%s)"
              " UNION ALL SELECT %s, -1 FROM %s WHERE (%s) IN (SELECT %s FROM %s%s)) x"
              " GROUP BY %s HAVING SUM(n) <> 0"
              % (key, key, counts, key, key, grams, where, key, grams, key, key, grams,
                 where, key))
    return bad == []


@test
def test_search_one_gram_totals_follow_new_and_renamed_names():
    """The total of a search of one or two characters is 025's kept count
    of the names holding it: it follows a new name and a renamed one in the
    writing transaction (E4, E7)."""
    w, w2 = rare(uniq("t"), 2), rare(uniq("u"), 2)
    for path, new in (("/api/bureau/enterprises", new_enterprise),
                      ("/api/bureau/providers", new_provider)):
        a, _ = new(name="北京" + w + "甲有限公司")
        b, _ = new(name="北京" + w + "乙有限公司")
        for q in (w, w[1]):
            total, ids = gram_total(path, q)
            assert total == 2 and ids == [a["id"]], (path, q, total, ids)
            total, ids = gram_total(path, q, page=2)
            assert total == 2 and ids == [b["id"]], (path, q, total, ids)
            # past the end: the count alone
            assert gram_total(path, q, page=3) == (2, []), (path, q)
        r = put("%s/%d" % (path, b["id"]), {"name": "北京" + w2 + "乙有限公司"},
                token=bureau())
        assert r.status == 200, r
        for q, want in ((w, [a["id"]]), (w2, [b["id"]]), (w[1], [a["id"]]),
                        (w2[1], [b["id"]])):
            total, ids = gram_total(path, q)
            assert total == 1 and ids == want, (path, q, total, ids)
        r = put("%s/%d" % (path, a["id"]), {"name": "北京" + w2 + "甲有限公司"},
                token=bureau())
        assert r.status == 200, r
        assert gram_total(path, w) == (0, []), path
        assert gram_total(path, w2)[0] == 2, path
        # the renamed names' grams, every one, against their kept totals
        grams, col = (("enterprise_grams", "enterprise_id")
                      if "enterprises" in path else ("provider_grams", "provider_id"))
        assert kept_gram_totals_hold(grams.replace("grams", "gram_counts"), grams,
                                     " WHERE %s IN (%d, %d)" % (col, a["id"], b["id"])), path
        # back: the same name twice, its grams and totals as before
        r = put("%s/%d" % (path, a["id"]), {"name": "北京" + w + "甲有限公司"},
                token=bureau())
        assert r.status == 200, r
        assert gram_total(path, w) == (1, [a["id"]]), path


@test
def test_search_publicity_items_one_gram_total_per_batch():
    """A batch's search of one gram counts its own items holding it (025's
    kept total per batch and gram), set when the batch is published."""
    w = rare(uniq("k"), 2)
    prov = provider_party(name="北京" + w + "公示计数有限公司")
    first = published([approved_claim(prov=prov), approved_claim(prov=prov)])
    second = published([approved_claim(prov=prov)])
    for b, n in ((first, 2), (second, 1)):
        for q in (w, w[0]):
            r = get("/api/publicity/batches/%d/items" % b["id"],
                    query={"q": q, "per_page": 1, "nocache": uniq("n")})
            assert r.status == 200, r
            assert r.json["total"] == n and len(r.json["items"]) == 1, (q, n, r.json)
            assert set(r.json["items"][0]) == set(public_items(b["id"])["items"][0])
            r = get("/api/publicity/batches/%d/items" % b["id"],
                    query={"q": q, "per_page": 1, "page": n + 1, "nocache": uniq("n")})
            assert r.status == 200 and r.json["items"] == [], r
            assert r.json["total"] == n, (q, n, r.json)
        assert kept_gram_totals_hold("publicity_item_gram_counts", "publicity_item_grams",
                                     " WHERE batch_id = %d" % b["id"]), b["id"]


@test
def test_search_page_total_carried_by_the_page_and_past_its_end():
    """The bureau's lists and one-gram searches and the certification
    queue carry their total in the page's own statement (page.c's
    page_list_total): a full first page, a later page and an empty page
    past the end (the count alone) tell the same total, and no item
    carries the total's column."""
    w = rare(uniq("p"), 2)
    new_enterprise(name="北京" + w + "一有限公司")
    new_enterprise(name="北京" + w + "二有限公司")
    new_provider(name="北京" + w + "一服务有限公司")

    def pages(path, tok, want, query):
        for n in (1, 2, want + 1):
            r = get(path, token=tok, query=dict(query, per_page=1, page=n))
            assert r.status == 200, r
            assert r.json["total"] == want, (path, query, n, r.json, want)
            assert len(r.json["items"]) == (1 if n <= want else 0), r.json
            assert all("page_total" not in x for x in r.json["items"]), r.json

    for path, table in (("/api/bureau/enterprises", "enterprises"),
                        ("/api/bureau/providers", "providers")):
        pages(path, bureau(), int(sql("SELECT COUNT(*) FROM " + table)[0][0]), {})
    pages("/api/bureau/enterprises", bureau(), 2, {"q": w})
    pages("/api/bureau/providers", bureau(), 1, {"q": w[0]})
    for st in ("pending", "approved", "returned", "rejected"):
        for kind in (None, "enterprise", "provider"):
            want = int(sql("SELECT COUNT(*) FROM certifications WHERE status = '%s'%s"
                           % (st, " AND kind = '%s'" % kind if kind else ""))[0][0])
            q = {"status": st}
            if kind:
                q["kind"] = kind
            pages("/api/review/certifications", token("reviewer"), want, q)
