"""The bureau's view of every order (issue 11, point 12): GET
/api/bureau/orders with its filters in the usual list shape, and the same
filtered list as .csv and .xlsx (the oversight program). Bureau only; the
enterprise's order contact is in none of them; spreadsheet cells never run
as formulas."""
import io
import zipfile

from harness import (test, get, post, sql, token, fresh_login,
                     fresh_enterprise, expect_error, place_order,
                     set_clock_at, clear_clock, parse_iso, shanghai_date,
                     new_enterprise, bureau)
from pubflow import provider_party, contracted_order, sql_approve

PATHS = ("/api/bureau/orders", "/api/bureau/orders.csv",
         "/api/bureau/orders.xlsx")
# a name a spreadsheet would run as a formula, with a comma and a quote
FORMULA_NAME = '=HYPERLINK("http://x.example",1),测试企业'
CONTACT_NAME = "联系人不外传"
CONTACT_MOBILE = "13912340001"

_world = {}


def world():
    """One provider with a product and three orders of it (made once):
    pending (with a contact), approved without the enterprise's
    confirmation (C1) by an enterprise whose name is a formula, cancelled
    by its enterprise."""
    if _world:
        return _world
    prov = provider_party()
    pid = prov["product"]["id"]
    a_ent = fresh_enterprise()
    r = place_order(a_ent["token"], pid,
                    body={"product_id": pid, "contact_name": CONTACT_NAME,
                          "contact_mobile": CONTACT_MOBILE})
    assert r.status == 201, r
    a = r.json
    e, body = new_enterprise(name=FORMULA_NAME, password="test-pass-2024")
    b_ent = {"id": e["id"], "token": fresh_login(body["login"],
                                                 "test-pass-2024")}
    b = contracted_order(prov, b_ent)
    sql_approve(b)
    sql("UPDATE orders SET confirmed_at = NULL WHERE id = %d" % b["id"])
    c_ent = fresh_enterprise()
    r = place_order(c_ent["token"], pid)
    assert r.status == 201, r
    c = r.json
    r = post("/api/orders/%d/cancel" % c["id"], token=c_ent["token"])
    assert r.status == 200, r
    _world.update(prov=prov, a=a, b=b, c=c, a_ent=a_ent, b_ent=b_ent,
                  c_ent=c_ent)
    return _world


def ids(r):
    assert r.status == 200, r
    assert set(r.json) >= {"items", "total", "page", "per_page"}, r.json
    return sorted(i["id"] for i in r.json["items"])


def listing(**query):
    return get("/api/bureau/orders", token=bureau(), query=query)


@test
def test_bureau_orders_only_the_bureau():
    w = world()
    for path in PATHS:
        r = get(path, query={"provider_id": w["prov"]["id"]})
        expect_error(r, 401)
        for login in ("ent01", "prov01", "reviewer"):
            r = get(path, token=token(login))
            expect_error(r, 403)
        r = get(path, token=bureau(), query={"provider_id": w["prov"]["id"]})
        assert r.status == 200, (path, r)


@test
def test_bureau_orders_filters():
    w = world()
    prov = w["prov"]["id"]
    a, b, c = w["a"]["id"], w["b"]["id"], w["c"]["id"]
    assert ids(listing(provider_id=prov)) == sorted([a, b, c])
    assert ids(listing(provider_id=prov, status="pending")) == [a]
    assert ids(listing(provider_id=prov, status="approved")) == [b]
    assert ids(listing(provider_id=prov, status="cancelled")) == [c]
    assert ids(listing(product_id=w["prov"]["product"]["id"])) == \
        sorted([a, b, c])
    assert ids(listing(enterprise_id=w["b_ent"]["id"])) == [b]
    assert ids(listing(provider_id=prov, category="finance")) == \
        sorted([a, b, c])
    assert ids(listing(provider_id=prov, category="legal")) == []
    day = shanghai_date(w["a"]["ordered_at"])
    assert ids(listing(provider_id=prov, **{"from": day, "to": day})) == \
        sorted([a, b, c])
    assert ids(listing(provider_id=prov, **{
        "from": shanghai_date(w["a"]["ordered_at"], 1)})) == []
    assert ids(listing(provider_id=prov, to=shanghai_date(
        w["a"]["ordered_at"], -1))) == []
    # C1/C2: the claim is in, the enterprise has not confirmed
    r = listing(provider_id=prov, flag="unconfirmed")
    assert ids(r) == [b]
    assert r.json["items"][0]["unconfirmed"] is True
    assert ids(listing(provider_id=prov, flag="overdue")) == []
    item = [i for i in listing(provider_id=prov).json["items"]
            if i["id"] == b][0]
    assert item["status_name"] == "初审通过" and item["subsidy"] > 0, item
    assert item["provider_name"] and item["enterprise_name"] == \
        FORMULA_NAME, item
    # paging: the usual shape
    r = listing(provider_id=prov, per_page=2, page=2)
    assert r.status == 200 and r.json["total"] == 3 and \
        len(r.json["items"]) == 1, r


@test
def test_bureau_orders_overdue_at_the_moved_clock():
    """O4 through the injectable clock (T2): 49 hours on, the pending
    order is cancelled at every read and overdue; the one the enterprise
    cancelled is not overdue."""
    w = world()
    prov = w["prov"]["id"]
    later = parse_iso(w["a"]["ordered_at"]) + 49 * 3600
    set_clock_at(later)
    try:
        tok = fresh_login("bureau")
        r = get("/api/bureau/orders", token=tok,
                query={"provider_id": prov, "flag": "overdue"})
        assert ids(r) == [w["a"]["id"]], r
        assert r.json["items"][0]["status"] == "cancelled"
        assert r.json["items"][0]["overdue"] is True
        r = get("/api/bureau/orders", token=tok,
                query={"provider_id": prov, "status": "cancelled"})
        assert ids(r) == sorted([w["a"]["id"], w["c"]["id"]]), r
    finally:
        clear_clock()


@test
def test_bureau_orders_bad_filters_name_the_field():
    for q, field in (({"status": "lost"}, "status"),
                     ({"provider_id": "x"}, "provider_id"),
                     ({"category": "food"}, "category"),
                     ({"from": "2024-13-01"}, "from"),
                     ({"to": "yesterday"}, "to"),
                     ({"from": "2024-05-02", "to": "2024-05-01"}, "to"),
                     ({"flag": "late"}, "flag")):
        for path in PATHS:
            r = get(path, token=bureau(), query=q)
            expect_error(r, 400, field=field)


@test
def test_bureau_orders_csv_quoted_and_formula_safe():
    w = world()
    r = get("/api/bureau/orders.csv", token=bureau(),
            query={"provider_id": w["prov"]["id"]})
    assert r.status == 200, r
    assert r.headers["content-type"].startswith("text/csv"), r.headers
    assert "attachment" in r.headers.get("content-disposition", "")
    body = r.body.decode("utf-8")
    assert body.startswith("\ufeff订单号,状态,"), body[:80]
    lines = body.rstrip("\r\n").split("\r\n")
    assert len(lines) == 4, lines
    for o in ("a", "b", "c"):
        assert w[o]["order_no"] in body
    # the formula is text: a leading apostrophe, quoted (comma, quotes)
    assert '"\'=HYPERLINK(""http://x.example"",1),测试企业"' in body, body
    assert ",=" not in body and ",+" not in body and ",@" not in body
    # never the order contact
    assert CONTACT_MOBILE not in body and CONTACT_NAME not in body
    # money in yuan: the product's 8,000.00
    assert ",8000.00," in body, body


@test
def test_bureau_orders_xlsx_opens_with_the_rows():
    w = world()
    r = get("/api/bureau/orders.xlsx", token=bureau(),
            query={"provider_id": w["prov"]["id"]})
    assert r.status == 200, r
    assert "spreadsheetml" in r.headers["content-type"], r.headers
    z = zipfile.ZipFile(io.BytesIO(r.body))
    assert z.testzip() is None
    names = z.namelist()
    assert "xl/workbook.xml" in names, names
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    # written in libxlsxwriter's constant-memory mode: strings inline in
    # the sheet (a shared-strings table only if a version keeps one)
    strings = sheet + (z.read("xl/sharedStrings.xml").decode("utf-8")
                       if "xl/sharedStrings.xml" in names else "")
    assert sheet.count("<row ") == 4, sheet[:500]   # the header and 3
    assert "<f>" not in sheet and "<f " not in sheet  # no formula at all
    for o in ("a", "b", "c"):
        assert w[o]["order_no"] in strings, strings[:500]
    assert "订单号" in strings and "=HYPERLINK" in strings
    assert CONTACT_MOBILE not in strings + sheet
    assert CONTACT_NAME not in strings + sheet
    assert "<v>8000</v>" in sheet, sheet[:2000]


@test
def test_bureau_orders_list_has_no_contact():
    w = world()
    r = get("/api/bureau/orders", token=bureau(),
            query={"provider_id": w["prov"]["id"], "per_page": 100})
    assert r.status == 200, r
    text = r.body.decode("utf-8")
    assert CONTACT_MOBILE not in text and CONTACT_NAME not in text
    assert "contact" not in text, text[:300]


# more rows than one chunk of the export (orders.c EXPORT_CHUNK, 2,000)
MANY = 4321


def _many_orders():
    """A fresh provider with MANY + 1 cancelled orders: one placed and
    cancelled through the API, the rest copied from it in SQL (distinct
    order numbers). Returns (provider, order numbers)."""
    prov = provider_party()
    ent = fresh_enterprise()
    r = place_order(ent["token"], prov["product"]["id"])
    assert r.status == 201, r
    first = r.json
    r = post("/api/orders/%d/cancel" % first["id"], token=ent["token"])
    assert r.status == 200, r
    cols = [c for (c,) in sql(
        "SELECT column_name FROM information_schema.columns WHERE table_schema"
        " = 'voucher' AND table_name = 'orders' AND column_name NOT IN"
        " ('id', 'order_no') AND extra NOT LIKE '%GENERATED%'"
        " ORDER BY ordinal_position")]
    sql("INSERT INTO orders (order_no, %s) SELECT CONCAT(o.order_no, 'X',"
        " LPAD(s.seq, 5, '0')), %s FROM orders o JOIN seq_1_to_%d s"
        " WHERE o.id = %d" % (", ".join(cols),
                              ", ".join("o." + c for c in cols), MANY,
                              first["id"]))
    nos = [n for (n,) in sql("SELECT order_no FROM orders WHERE provider_id"
                             " = %d ORDER BY id DESC" % prov["id"])]
    assert len(nos) == MANY + 1, len(nos)
    return prov, nos


@test
def test_V3_O10_bureau_orders_exports_stream_every_row_once():
    """V3 (the bureau oversees every order) and O10 (each in its state),
    at issue 13 §2's size: an export longer than one chunk is read in
    chunks along the id and streamed: every order exactly once, newest
    first, in the CSV and in the workbook."""
    prov, nos = _many_orders()
    r = get("/api/bureau/orders.csv", token=bureau(),
            query={"provider_id": prov["id"]})
    assert r.status == 200, r
    lines = r.body.decode("utf-8").rstrip("\r\n").split("\r\n")
    assert lines[0].startswith("\ufeff订单号,"), lines[0]
    got = [line.split(",", 1)[0] for line in lines[1:]]
    assert got == nos, (len(got), len(nos), got[:3], nos[:3])
    # the list agrees on how many match
    r = get("/api/bureau/orders", token=bureau(),
            query={"provider_id": prov["id"], "per_page": 1})
    assert r.status == 200 and r.json["total"] == MANY + 1, r
    r = get("/api/bureau/orders.xlsx", token=bureau(),
            query={"provider_id": prov["id"]})
    assert r.status == 200, r
    assert int(r.headers["content-length"]) == len(r.body), r.headers
    z = zipfile.ZipFile(io.BytesIO(r.body))
    assert z.testzip() is None
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert sheet.count("<row ") == MANY + 2, sheet.count("<row ")
    at = [sheet.index(">" + n + "<") for n in (nos[0], nos[2000], nos[-1])]
    assert at == sorted(at), at
    for n in nos[1999:2002] + nos[-2:]:
        assert sheet.count(">" + n + "<") == 1, n
