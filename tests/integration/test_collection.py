"""The collection program (征集): a provider's product applications with
their materials (rule A3, attachment 1 of the guide), draft save / save /
submit (A4), states and history (A5), A1 eligibility, the A2 window, the
reviewer's opinion and the bureau's decision listing the products (A6,
P6), the A7 review order, and hostile files. Black-box through nginx.

Every test runs at an instant inside the current round's window (rule T2:
the clock file), on providers of its own made through the bureau's API.
Sessions are this module's own, one per clock instant (a session used at a
moved clock would be expired at the real one)."""
import datetime
import hashlib
import os
import struct
import threading
import uuid
import zlib

from harness import (test, request, get, post, put, delete, sql,
                     expect_error, set_clock, login_reply, provider_body,
                     audit_actions, DEMO_PASSWORD, STATE, CLOCK_FILE)

UPLOAD_MAX = int(os.environ.get("VOUCHER_UPLOAD_MAX", "20971520"))
FILES = os.path.join(STATE, "files")
TEST_PASSWORD = "test-pass-2024"


def round_year():
    return int(sql("SELECT year FROM rounds WHERE is_current = 1")[0][0])


def window():
    """(opens, closes) of the current round, as dates."""
    o, c = sql("SELECT apply_opens_on, apply_closes_on FROM rounds"
               " WHERE is_current = 1")[0]
    return (datetime.date.fromisoformat(o), datetime.date.fromisoformat(c))


def in_window(day=10):
    """Moves the clock (T2) to 12:00 Asia/Shanghai on the day-th day of
    the window."""
    opens, _ = window()
    d = opens + datetime.timedelta(days=day)
    set_clock("%sT04:00:00Z" % d.isoformat())
    return d


# ---- sessions --------------------------------------------------------------

_passwords = {}
_tokens = {}
_lock = threading.Lock()


def token(login):
    key = login
    if CLOCK_FILE and os.path.exists(CLOCK_FILE):
        with open(CLOCK_FILE) as f:
            key = (login, f.read())
    with _lock:
        if key in _tokens:
            return _tokens[key]
    r = login_reply(login, _passwords.get(login, DEMO_PASSWORD))
    assert r.status == 200, r
    with _lock:
        return _tokens.setdefault(key, r.json["token"])


class Provider:
    """A provider of its own (bureau API) and its login."""


def new_provider(**over):
    body = provider_body(password=TEST_PASSWORD, **over)
    r = post("/api/bureau/providers", body, token=token("bureau"))
    assert r.status == 201, r
    p = Provider()
    p.id = r.json["id"]
    p.login = body["login"]
    with _lock:
        _passwords[p.login] = TEST_PASSWORD
    return p


def tok(p):
    return token(p.login)


# ---- forms and files -------------------------------------------------------

def product(i=0, **over):
    b = {"name": "测试服务产品%d-%s" % (i, uuid.uuid4().hex[:6]),
         "category": "finance",
         "description": "集成测试的申报产品：服务内容说明。\n第二行。",
         "market_price": 1000000, "voucher_price": 800000,
         "beijing_revenue_year_before": 12000000,
         "beijing_revenue_last_year": 15000000,
         "beijing_clients_last_year": 40}
    b.update(over)
    return b


def form(nproducts=1, products=None, **over):
    """A form that passes every check (A1 eligible on the test clock)."""
    prov = {"website": "https://www.example.com.cn",
            "established_on": "2015-03-01", "beijing_registered": True,
            "main_body_beijing": True, "has_premises": True,
            "premises_address": "北京市海淀区中关村大街1号",
            "credit_ok": True, "revenue_year_before": 450000000,
            "revenue_last_year": 520000000, "last_year_contracts": 60,
            "beijing_clients_last_year": 30,
            "national_clients_last_year": 55}
    prov.update(over)
    return {"provider": prov,
            "products": products if products is not None else
            [product(i) for i in range(nproducts)]}


def pdf(tag=None):
    tag = (tag or uuid.uuid4().hex).encode()
    return (b"%PDF-1.4\n% " + tag + b"\n1 0 obj\n<< /Type /Catalog >>\n"
            b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def pdf_of_size(n):
    head = b"%PDF-1.4\n%"
    tail = b"\n%%EOF\n"
    return head + b"x" * (n - len(head) - len(tail)) + tail


def png():
    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + \
            struct.pack(">I", zlib.crc32(c) & 0xffffffff)
    raw = b"\x00" + os.urandom(3)
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg():
    return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01"
            b"\x00\x00" + os.urandom(64).replace(b"\xff", b"\x00") +
            b"\xff\xd9")


def upload(app_id, item, data, login_tok, ctype="application/pdf",
           name=None):
    h = {"Content-Type": ctype} if ctype else {}
    q = {"name": name} if name is not None else None
    return request("PUT", "/api/applications/%d/attachments/%s"
                   % (app_id, item), raw=data, token=login_tok, headers=h,
                   query=q)


def required_items(nproducts):
    return (["provider.%d" % k for k in range(1, 9)] +
            ["product.%d.%d" % (n, k) for n in range(1, nproducts + 1)
             for k in range(1, 5)])


def upload_required(app_id, t, nproducts=1, skip=()):
    for item in required_items(nproducts):
        if item in skip:
            continue
        r = upload(app_id, item, pdf(), t, name=item + ".pdf")
        assert r.status in (200, 201), r


class App:
    """An application made through the API."""


def new_app(p=None, nproducts=1, frm=None, save=True, files=True):
    """A draft of provider p (a new one by default) with a checked form
    and every required attachment."""
    a = App()
    a.p = p or new_provider()
    r = post("/api/applications", token=tok(a.p))
    assert r.status == 201 and r.json["status"] == "draft", r
    a.id = r.json["id"]
    a.form = frm or form(nproducts)
    a.nproducts = len(a.form["products"])
    if save:
        r = put("/api/applications/%d" % a.id, a.form, token=tok(a.p),
                query={"mode": "save"})
        assert r.status == 200, r
    if files:
        upload_required(a.id, tok(a.p), a.nproducts)
    return a


def submit(a):
    return post("/api/applications/%d/submit" % a.id, token=tok(a.p))


def submitted_app(**kw):
    a = new_app(**kw)
    r = submit(a)
    assert r.status == 200 and r.json["status"] == "pending", r
    return a


def view(a, login_tok=None):
    r = get("/api/applications/%d" % a.id, token=login_tok or tok(a.p))
    assert r.status == 200, r
    return r.json


def decide(a, body, login="bureau"):
    return post("/api/review/applications/%d" % a.id, body,
                token=token(login))


def grants(a, units=5, days=None):
    out = []
    for i in range(a.nproducts):
        g = {"index": i, "units": units}
        if days is not None:
            g["validity_days"] = days
        out.append(g)
    return out


def att_rows(app_id):
    return sql("SELECT item_code, stored_name, sha256 FROM"
               " application_attachments WHERE application_id = %d"
               " ORDER BY item_code" % app_id)


def tmp_files():
    return os.listdir(os.path.join(FILES, "tmp"))


def error_fields(r):
    return {e["field"] for e in r.json["error"]["errors"]}


# ---- A4: draft save, save, submit -----------------------------------------

@test
def test_A4_draft_save_stores_anything():
    in_window()
    a = new_app(save=False, files=False)
    junk = {"provider": {"revenue_last_year": "很多", "website": 42},
            "products": "later", "notes": [1, 2]}
    r = put("/api/applications/%d" % a.id, junk, token=tok(a.p),
            query={"mode": "draft"})
    assert r.status == 200 and r.json["form"] == junk, r
    assert r.json["status"] == "draft" and r.json["last_saved_at"] is None
    assert view(a)["form"] == junk
    assert "application.draft_save" in audit_actions(
        "product_application", a.id)


@test
def test_A4_save_answers_every_failing_field_and_stores_nothing():
    in_window()
    a = new_app(files=False)
    bad = form(2)
    del bad["provider"]["credit_ok"]
    bad["provider"]["revenue_last_year"] = -1
    bad["provider"]["established_on"] = "2023-02-30"
    bad["provider"]["surprise"] = 1
    bad["products"][0]["category"] = "astrology"
    bad["products"][1]["market_price"] = "100"
    del bad["products"][1]["name"]
    r = put("/api/applications/%d" % a.id, bad, token=tok(a.p),
            query={"mode": "save"})
    expect_error(r, 400, "validation_failed")
    assert error_fields(r) == {
        "provider.credit_ok", "provider.revenue_last_year",
        "provider.established_on", "provider.surprise",
        "products[0].category", "products[1].market_price",
        "products[1].name"}, r.json
    assert r.json["error"]["field"] in error_fields(r)
    assert view(a)["form"] == a.form          # the saved form is kept


@test
def test_A4_save_checks_cross_field_rules():
    in_window()
    a = new_app(save=False, files=False)
    bad = form(1, website=None, has_premises=True, premises_address=None,
               beijing_clients_last_year=90, national_clients_last_year=80)
    bad["products"] = []
    r = put("/api/applications/%d" % a.id, bad, token=tok(a.p),
            query={"mode": "save"})
    expect_error(r, 400, "validation_failed")
    assert error_fields(r) == {"provider.website", "provider.premises_address",
                               "provider.beijing_clients_last_year",
                               "products"}, r.json


@test
def test_A4_save_stores_the_checked_form_and_products():
    in_window()
    a = new_app(nproducts=2, files=False)
    v = view(a)
    assert v["last_saved_at"] is not None and v["form"] == a.form
    assert [p["name"] for p in v["products"]] == \
        [p["name"] for p in a.form["products"]]
    assert [p["index"] for p in v["products"]] == [0, 1]
    row = sql("SELECT last_year_revenue, last_year_contracts, established_on"
              " FROM product_applications WHERE id = %d" % a.id)[0]
    assert row == ["520000000", "60", "2015-03-01"], row


@test
def test_P3_voucher_price_checked_per_product():
    in_window()
    a = new_app(save=False, files=False)
    f = form(products=[product(0, market_price=1000001, voucher_price=800000),
                       product(1, market_price=1000000, voucher_price=800001),
                       product(2, market_price=999, voucher_price=800)])
    r = put("/api/applications/%d" % a.id, f, token=tok(a.p),
            query={"mode": "save"})
    expect_error(r, 400, "validation_failed")
    errs = r.json["error"]["errors"]
    assert [(e["field"], e["code"]) for e in errs] == [
        ("products[1].voucher_price", "voucher_price_above_80_percent"),
        ("products[2].voucher_price", "voucher_price_above_80_percent")], errs
    # exactly 80%, and the floor of a market price not a multiple of ten
    f["products"][1]["voucher_price"] = 800000
    f["products"][2]["voucher_price"] = 799
    r = put("/api/applications/%d" % a.id, f, token=tok(a.p),
            query={"mode": "save"})
    assert r.status == 200, r


@test
def test_A4_submit_needs_every_required_attachment():
    in_window()
    a = new_app(nproducts=2, files=False)
    upload_required(a.id, tok(a.p), 2, skip={"provider.8", "product.2.4"})
    # optional items (provider 9-10, product 5-7) are never required
    r = submit(a)
    expect_error(r, 422, "attachments_missing", "attachments")
    assert [m["item"] for m in r.json["error"]["missing"]] == \
        ["provider.8", "product.2.4"], r.json
    assert view(a)["status"] == "draft"
    assert upload(a.id, "provider.8", pdf(), tok(a.p)).status == 201
    assert upload(a.id, "product.2.4", png(), tok(a.p),
                  ctype="image/png").status == 201
    assert view(a)["missing_attachments"] == []
    r = submit(a)
    assert r.status == 200 and r.json["status"] == "pending", r
    assert r.json["last_submitted_at"] is not None
    assert r.json["submit_count"] == 1


@test
def test_A4_submit_refuses_files_of_a_removed_product():
    in_window()
    a = new_app(nproducts=2)
    one = dict(a.form, products=a.form["products"][:1])
    assert put("/api/applications/%d" % a.id, one, token=tok(a.p),
               query={"mode": "save"}).status == 200
    r = submit(a)
    expect_error(r, 422, "attachments_missing")
    assert {m["item"] for m in r.json["error"]["missing"]} == \
        {"product.2.%d" % k for k in range(1, 5)}, r.json
    for k in range(1, 5):
        r = delete("/api/applications/%d/attachments/product.2.%d"
                   % (a.id, k), token=tok(a.p))
        assert r.status == 204, r
    assert submit(a).status == 200


@test
def test_A4_submit_validates_the_stored_form():
    in_window()
    a = new_app(save=False)
    r = put("/api/applications/%d" % a.id, {"provider": {}},
            token=tok(a.p), query={"mode": "draft"})
    assert r.status == 200
    r = submit(a)
    expect_error(r, 400, "validation_failed")
    assert "provider.credit_ok" in error_fields(r) and \
        "products" in error_fields(r)


@test
def test_A4_submitted_application_is_frozen():
    in_window()
    a = submitted_app()
    before = att_rows(a.id)
    expect_error(put("/api/applications/%d" % a.id, a.form, token=tok(a.p),
                     query={"mode": "draft"}), 409, "application_frozen")
    expect_error(put("/api/applications/%d" % a.id, a.form, token=tok(a.p),
                     query={"mode": "save"}), 409, "application_frozen")
    expect_error(upload(a.id, "provider.9", pdf(), tok(a.p)), 409,
                 "application_frozen")
    expect_error(delete("/api/applications/%d/attachments/provider.1" % a.id,
                        token=tok(a.p)), 409, "application_frozen")
    expect_error(submit(a), 409, "application_frozen")
    assert att_rows(a.id) == before
    assert tmp_files() == []
    v = view(a)
    assert v["editable"] is False and v["form"] == a.form
    assert [h["action"] for h in v["history"]] == ["submit"]


@test
def test_A4_racing_submits_one_wins():
    in_window()
    a = new_app()
    replies = [None] * 4

    def go(i):
        replies[i] = submit(a)
    ts = [threading.Thread(target=go, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert sorted(r.status for r in replies) == [200, 409, 409, 409], replies
    assert sql("SELECT submit_count FROM product_applications WHERE id = %d"
               % a.id) == [["1"]]
    assert audit_actions("product_application", a.id).count(
        "application.submit") == 1


# ---- A2: the window ------------------------------------------------------

@test
def test_A2_submit_on_the_last_day_accepted_after_it_refused():
    _, closes = window()
    set_clock("%sT15:59:59Z" % closes.isoformat())    # 23:59:59 Shanghai
    a = new_app()
    b = new_app()
    assert submit(a).status == 200
    set_clock("%sT16:00:00Z" % closes.isoformat())    # next day 00:00
    r = submit(b)
    expect_error(r, 403, "window_closed")
    assert closes.isoformat() in r.json["error"]["message"]
    assert view(b)["status"] == "draft"
    # a draft may still be saved outside the window (A2 refuses submits)
    assert put("/api/applications/%d" % b.id, b.form, token=tok(b.p),
               query={"mode": "draft"}).status == 200


@test
def test_A2_submit_before_the_window_refused():
    opens, _ = window()
    day_before = opens - datetime.timedelta(days=1)
    set_clock("%sT15:59:59Z" % day_before.isoformat())  # 23:59:59 Shanghai
    a = new_app()
    expect_error(submit(a), 403, "window_closed")
    set_clock("%sT16:00:00Z" % day_before.isoformat())  # first day 00:00
    assert submit(a).status == 200


# ---- A1: eligibility ---------------------------------------------------------

def reasons(r):
    return [x["condition"] for x in r.json["error"]["reasons"]]


@test
def test_A1_ineligible_provider_told_every_failing_condition():
    d = in_window()
    young = (d.replace(year=d.year - 2) + datetime.timedelta(days=1))
    a = new_app(frm=form(established_on=young.isoformat(),
                         last_year_contracts=24,
                         revenue_last_year=299999999, credit_ok=False,
                         has_premises=False, premises_address=None))
    r = submit(a)
    expect_error(r, 403, "not_eligible")
    assert reasons(r) == ["premises", "years_established", "credit",
                          "contracts", "revenue"], r.json
    assert all(x["rule"] == "A1" and x["message"]
               for x in r.json["error"]["reasons"])
    assert view(a)["status"] == "draft"


@test
def test_A1_every_minimum_met_exactly_is_eligible():
    d = in_window()
    two = d.replace(year=d.year - 2)
    a = new_app(frm=form(established_on=two.isoformat(),
                         last_year_contracts=25,
                         revenue_last_year=300000000))
    assert submit(a).status == 200


@test
def test_A1_not_registered_in_beijing_refused():
    in_window()
    a = new_app(frm=form(beijing_registered=False, main_body_beijing=False))
    r = submit(a)
    expect_error(r, 403, "not_eligible")
    assert reasons(r) == ["beijing_registration"]


@test
def test_A1_branch_needs_product_over_150_beijing_clients():
    in_window()
    f = form(main_body_beijing=False, products=[
        product(0, beijing_clients_served=151),
        product(1, beijing_clients_served=150), product(2)])
    a = new_app(frm=f)
    r = submit(a)
    expect_error(r, 403, "not_eligible")
    rs = r.json["error"]["reasons"]
    assert [(x["condition"], x["product_index"]) for x in rs] == \
        [("branch_beijing_clients", 1), ("branch_beijing_clients", 2)], rs
    f["products"] = f["products"][:1]
    assert put("/api/applications/%d" % a.id, f, token=tok(a.p),
               query={"mode": "save"}).status == 200
    for k in range(1, 5):
        for n in (2, 3):
            delete("/api/applications/%d/attachments/product.%d.%d"
                   % (a.id, n, k), token=tok(a.p))
    assert submit(a).status == 200


@test
def test_A1_credit_flag_of_the_bureau_refused():
    in_window()
    p = new_provider(credit_flagged=True, credit_source="信用中国（北京）",
                     credit_checked_on="2024-01-05")
    a = new_app(p=p)
    r = submit(a)
    expect_error(r, 403, "not_eligible")
    assert reasons(r) == ["credit"]


@test
def test_A1_barred_provider_cannot_apply():
    in_window()
    a = new_app()
    r = post("/api/bureau/violations", {
        "party": "provider", "party_id": a.p.id, "kind": "other",
        "description": "集成测试：违规后三年内不受理申请"},
        token=token("bureau"))
    assert r.status == 201, r
    r = submit(a)
    expect_error(r, 403, "not_eligible")
    assert "barred" in reasons(r)
    assert [x["rule"] for x in r.json["error"]["reasons"]
            if x["condition"] == "barred"] == ["V2"]
    expect_error(post("/api/applications", token=tok(a.p)), 403,
                 "provider_barred")


# ---- A5: states, lists, history, authorisation ---------------------------------

@test
def test_A5_my_applications_by_state_with_last_submission():
    in_window()
    p = new_provider()
    draft = new_app(p=p, files=False)
    pend = submitted_app(p=p)
    for status, ids in (("draft", [draft.id]), ("pending", [pend.id]),
                        ("all", [pend.id, draft.id]), ("approved", [])):
        r = get("/api/applications", token=tok(p), query={"status": status})
        assert r.status == 200, r
        assert [x["id"] for x in r.json["items"]] == ids, (status, r.json)
        assert r.json["total"] == len(ids)
    item = get("/api/applications", token=tok(p),
               query={"status": "pending"}).json["items"][0]
    assert item["status_name"] == "待审核" and item["last_submitted_at"]
    assert item["title"] == pend.form["products"][0]["name"]
    expect_error(get("/api/applications", token=tok(p),
                     query={"status": "frozen"}), 400, None, "status")


@test
def test_A5_returned_is_editable_and_resubmitted():
    in_window()
    a = submitted_app()
    r = decide(a, {"decision": "return", "comment": "营业收入证明不清晰，请重新上传"})
    assert r.status == 200 and r.json["status"] == "returned", r
    v = view(a)
    assert v["editable"] and v["review_comment"] == "营业收入证明不清晰，请重新上传"
    r = get("/api/applications", token=tok(a.p), query={"status": "returned"})
    assert [x["id"] for x in r.json["items"]] == [a.id]
    # edit the form and replace a file, then submit again
    a.form["provider"]["revenue_last_year"] = 530000000
    assert put("/api/applications/%d" % a.id, a.form, token=tok(a.p),
               query={"mode": "save"}).status == 200
    r = upload(a.id, "provider.6", pdf(), tok(a.p))
    assert r.status == 200 and r.json["replaced"] is True, r
    r = submit(a)
    assert r.status == 200 and r.json["status"] == "pending", r
    assert r.json["submit_count"] == 2
    assert [(h["action"], h["from_state"], h["to_state"])
            for h in r.json["history"]] == [
        ("submit", "draft", "pending"), ("return", "pending", "returned"),
        ("submit", "returned", "pending")]
    assert r.json["history"][1]["comment"] == "营业收入证明不清晰，请重新上传"
    assert audit_actions("product_application", a.id)[-1] == \
        "application.submit"


@test
def test_A5_another_provider_sees_404():
    in_window()
    a = submitted_app()
    other = new_provider()
    t = tok(other)
    for r in (get("/api/applications/%d" % a.id, token=t),
              put("/api/applications/%d" % a.id, a.form, token=t,
                  query={"mode": "draft"}),
              post("/api/applications/%d/submit" % a.id, token=t),
              get("/api/applications/%d/attachments" % a.id, token=t),
              get("/api/applications/%d/attachments/provider.1" % a.id,
                  token=t),
              upload(a.id, "provider.9", pdf(), t)):
        expect_error(r, 404, "not_found")
    assert a.id not in [x["id"] for x in get(
        "/api/applications", token=t).json["items"]]
    # enterprises have no business here; the public none either
    expect_error(get("/api/applications/%d" % a.id, token=token("ent01")), 403)
    expect_error(get("/api/review/applications", token=tok(a.p)), 403)
    expect_error(get("/api/applications"), 401)
    expect_error(get("/api/applications/999999999", token=tok(a.p)), 404)
    assert tmp_files() == []


@test
def test_A5_unsubmitted_draft_not_shown_to_reviewers():
    in_window()
    a = new_app()
    expect_error(get("/api/review/applications/%d" % a.id,
                     token=token("reviewer")), 404)
    expect_error(get("/api/applications/%d/attachments" % a.id,
                     token=token("bureau")), 404)
    expect_error(decide(a, {"decision": "reject", "comment": "x"}), 404)


# ---- A6: review and decisions --------------------------------------------------

@test
def test_A6_approval_lists_products_with_units_and_validity():
    in_window()
    a = submitted_app(nproducts=2)
    r = decide(a, {"decision": "approve", "comment": "材料齐全，同意入库",
                   "products": [{"index": 1, "units": 3},
                                {"index": 0, "units": 7,
                                 "validity_days": 45}]})
    assert r.status == 200 and r.json["status"] == "approved", r
    prods = r.json["products"]
    assert [(p["approved_units"], p["approved_validity_days"])
            for p in prods] == [(7, 45), (3, 30)], prods
    for p, want in zip(prods, a.form["products"]):
        row = sql("SELECT name, units_total, remaining_units, validity_days,"
                  " listed, application_id, provider_id, market_price,"
                  " voucher_price, unit_subsidy, round_year FROM products"
                  " WHERE id = %d" % p["product_id"])[0]
        assert row[0] == want["name"] and row[4:7] == \
            ["1", str(a.id), str(a.p.id)], row
        assert row[7:10] == [str(want["market_price"]),
                             str(want["voucher_price"]),
                             str(min(want["voucher_price"] * 30 // 100,
                                     5000000))]
        assert row[10] == str(round_year())
        pub = get("/api/products/%d" % p["product_id"],
                  query={"n": uuid.uuid4().hex})
        assert pub.status == 200 and pub.json["name"] == want["name"], pub
        assert pub.json["remaining_units"] == p["approved_units"]
        assert pub.json["validity_days"] == p["approved_validity_days"]
        assert "product.create" in audit_actions("product", p["product_id"])
    v = view(a)
    assert v["review_comment"] == "材料齐全，同意入库" and not v["editable"]
    assert v["history"][-1]["action"] == "approve"
    assert audit_actions("product_application", a.id)[-1] == \
        "application.approve"
    expect_error(put("/api/applications/%d" % a.id, a.form, token=tok(a.p),
                     query={"mode": "draft"}), 409, "application_frozen")
    expect_error(decide(a, {"decision": "reject", "comment": "再议"}), 409,
                 "invalid_state")


@test
def test_A6_approval_product_list_checked():
    in_window()
    a = submitted_app(nproducts=2)
    for body, field in (
            ({"decision": "approve"}, "products"),
            ({"decision": "approve", "products": [{"index": 0, "units": 5}]},
             "products"),
            ({"decision": "approve", "products": [
                {"index": 0, "units": 5}, {"index": 0, "units": 5}]},
             "products[1].index"),
            ({"decision": "approve", "products": [
                {"index": 0, "units": 5}, {"index": 2, "units": 5}]},
             "products[1].index"),
            ({"decision": "approve", "products": [
                {"index": 0, "units": 0}, {"index": 1, "units": 5}]},
             "units"),
            ({"decision": "approve", "products": "all"}, "products")):
        r = decide(a, body)
        expect_error(r, 400, None, field)
    assert view(a)["status"] == "pending"
    assert sql("SELECT COUNT(*) FROM products WHERE application_id = %d"
               % a.id) == [["0"]]


@test
def test_P6_validity_over_60_days_refused_60_accepted():
    in_window()
    a = submitted_app()
    r = decide(a, {"decision": "approve",
                   "products": [{"index": 0, "units": 2,
                                 "validity_days": 61}]})
    expect_error(r, 400, "out_of_range", "validity_days")
    r = decide(a, {"decision": "approve",
                   "products": [{"index": 0, "units": 2,
                                 "validity_days": 60}]})
    assert r.status == 200, r
    assert r.json["products"][0]["approved_validity_days"] == 60


@test
def test_A6_reject_closes_the_application():
    in_window()
    a = submitted_app()
    expect_error(decide(a, {"decision": "reject"}), 400, "missing_field",
                 "comment")
    r = decide(a, {"decision": "reject", "comment": "不符合标准化产品要求"})
    assert r.status == 200 and r.json["status"] == "rejected", r
    assert r.json["status_name"] == "审核不通过"
    expect_error(submit(a), 409, "application_frozen")
    expect_error(decide(a, {"decision": "return", "comment": "x"}), 409,
                 "invalid_state")
    assert view(a)["history"][-1]["comment"] == "不符合标准化产品要求"


@test
def test_A6_reviewer_gives_an_opinion_bureau_decides():
    in_window()
    a = submitted_app()
    expect_error(decide(a, {"decision": "approve", "products": grants(a)},
                        login="reviewer"), 400, None, "products")
    r = decide(a, {"decision": "approve", "comment": "建议通过"},
               login="reviewer")
    assert r.status == 200 and r.json["status"] == "pending", r
    assert r.json["reviewer_opinion"] == "approve"
    assert r.json["reviewer_comment"] == "建议通过"
    assert r.json["history"][-1]["action"] == "opinion"
    assert r.json["history"][-1]["opinion"] == "approve"
    assert sql("SELECT COUNT(*) FROM products WHERE application_id = %d"
               % a.id) == [["0"]]
    assert "application.opinion" in audit_actions("product_application", a.id)
    # the provider sees it too
    assert view(a)["history"][-1]["action"] == "opinion"
    r = decide(a, {"decision": "approve", "products": grants(a, units=4)})
    assert r.status == 200 and r.json["status"] == "approved", r


@test
def test_A6_racing_decisions_one_wins():
    in_window()
    a = submitted_app()
    bodies = [{"decision": "approve", "products": grants(a)},
              {"decision": "reject", "comment": "驳回"},
              {"decision": "return", "comment": "退回"},
              {"decision": "approve", "products": grants(a)}]
    replies = [None] * len(bodies)

    def go(i):
        replies[i] = decide(a, bodies[i])
    ts = [threading.Thread(target=go, args=(i,)) for i in range(len(bodies))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert sorted(r.status for r in replies) == [200, 409, 409, 409], replies
    won = [b for b, r in zip(bodies, replies) if r.status == 200][0]
    listed = int(sql("SELECT COUNT(*) FROM products WHERE application_id = %d"
                     % a.id)[0][0])
    assert listed == (1 if won["decision"] == "approve" else 0)
    acts = audit_actions("product_application", a.id)
    assert len([x for x in acts if x in ("application.approve",
                "application.reject", "application.return")]) == 1, acts


@test
def test_A6_bad_decisions_refused_400():
    in_window()
    a = submitted_app()
    for body, field in (({"decision": "maybe"}, "decision"),
                        ({}, "decision"),
                        ({"decision": "return"}, "comment"),
                        ({"decision": "return", "comment": ""}, "comment"),
                        ({"decision": "reject", "comment": "x",
                          "products": grants(a)}, "products"),
                        ({"decision": "return", "comment": "x", "extra": 1},
                         "extra")):
        expect_error(decide(a, body), 400, None, field)
    r = request("POST", "/api/review/applications/%d" % a.id, raw=b"[1]",
                headers={"Content-Type": "application/json"},
                token=token("bureau"))
    assert r.status == 400, r
    assert view(a)["status"] == "pending"


# ---- A7: the review queue ------------------------------------------------------

@test
def test_A7_review_queue_puts_preferred_first():
    d = in_window()
    plain = submitted_app()
    set_clock("%sT04:01:00Z" % d.isoformat())     # a minute later
    pref = submitted_app(frm=form(products=[
        product(0, premium_clients_served=3)]))
    items, page = [], 1
    while True:
        r = get("/api/review/applications", token=token("reviewer"),
                query={"status": "pending", "per_page": 100, "page": page})
        assert r.status == 200, r
        items += r.json["items"]
        if len(items) >= r.json["total"] or not r.json["items"]:
            break
        page += 1
    ids = [x["id"] for x in items]
    assert ids.index(pref.id) < ids.index(plain.id), ids
    # the totals per state (kept by 022's triggers, in slots) are the
    # submitted rows'
    assert len(items) == r.json["total"], (len(items), r.json["total"])
    for st in ("pending", "approved", "returned", "rejected", "draft"):
        r = get("/api/review/applications", token=token("reviewer"),
                query={"status": st, "per_page": 1})
        assert r.status in (200, 400), r
        if r.status == 200:
            assert [[str(r.json["total"])]] == sql(
                "SELECT COUNT(*) FROM product_applications WHERE state = '%s'"
                " AND submit_count > 0" % st), (st, r.json)
    keys = [(not x["preferred"], x["last_submitted_at"], x["id"])
            for x in items]
    assert keys == sorted(keys), keys
    by_id = {x["id"]: x for x in items}
    assert by_id[pref.id]["preferred"] is True
    assert by_id[plain.id]["preferred"] is False
    assert by_id[pref.id]["product_names"] == \
        pref.form["products"][0]["name"]
    r = get("/api/review/applications/%d" % pref.id, token=token("bureau"))
    assert r.status == 200 and len(r.json["attachments"]) == 12, r
    expect_error(get("/api/review/applications", token=token("reviewer"),
                     query={"status": "draft"}), 400, None, "status")


# ---- A3: the materials ---------------------------------------------------------

@test
def test_A3_upload_stored_like_redemption_files():
    in_window()
    a = new_app(files=False)
    data = pdf()
    r = upload(a.id, "provider.2", data, tok(a.p), name="营业执照（副本）.pdf")
    assert r.status == 201, r
    assert r.json["sha256"] == hashlib.sha256(data).hexdigest()
    assert r.json["size"] == len(data) and r.json["replaced"] is False
    assert r.json["label"] == "营业执照" and r.json["name"] == "营业执照（副本）.pdf"
    (item, stored, sha), = att_rows(a.id)
    path = os.path.join(FILES, stored)
    with open(path, "rb") as f:
        assert f.read() == data
    assert os.stat(path).st_mode & 0o777 == 0o640
    # images are materials too (screenshots: items 1, 4)
    assert upload(a.id, "provider.1", png(), tok(a.p),
                  ctype="image/png").status == 201
    r = upload(a.id, "provider.4", jpeg(), tok(a.p), ctype="image/jpeg")
    assert r.status == 201 and r.json["content_type"] == "image/jpeg", r
    # replaced: the old file is gone
    r = upload(a.id, "provider.2", pdf(), tok(a.p))
    assert r.status == 200 and r.json["replaced"] is True
    assert not os.path.exists(path)
    assert r.json["name"] == "provider.2.pdf"
    assert "application.attachment" in audit_actions("product_application",
                                                     a.id)
    assert tmp_files() == []


@test
def test_A3_attachments_listed_and_searched_by_file_name():
    in_window()
    a = new_app(files=False)
    for item, name in (("provider.2", "2023营业执照.pdf"),
                       ("provider.10", "品牌荣誉.pdf"),
                       ("product.1.1", "报价单_100%.pdf"),
                       ("provider.5", "2022审计报告.pdf")):
        assert upload(a.id, item, pdf(), tok(a.p), name=name).status == 201
    r = get("/api/applications/%d/attachments" % a.id, token=tok(a.p))
    assert r.status == 200, r
    assert [x["item"] for x in r.json["items"]] == \
        ["provider.2", "provider.5", "provider.10", "product.1.1"]
    assert "provider.1" in [m["item"] for m in r.json["missing"]]
    for q, want in (("营业执照", ["provider.2"]), ("2022", ["provider.5"]),
                    ("100%", ["product.1.1"]), ("_", ["product.1.1"]),
                    ("%", ["product.1.1"]), ("无此文件", []),
                    (".pdf", ["provider.2", "provider.5", "provider.10",
                              "product.1.1"])):
        r = get("/api/applications/%d/attachments" % a.id, token=tok(a.p),
                query={"q": q})
        assert r.status == 200 and [x["item"] for x in r.json["items"]] \
            == want, (q, r.json)
    # reviewers see the materials once submitted
    expect_error(get("/api/applications/%d/attachments" % a.id,
                     token=token("reviewer")), 404)


@test
def test_A3_download_for_the_provider_and_reviewers_only():
    in_window()
    a = new_app()
    data = pdf()
    assert upload(a.id, "provider.9", data, tok(a.p), name="标准.pdf").status \
        == 201
    r = get("/api/applications/%d/attachments/provider.9" % a.id,
            token=tok(a.p))
    assert r.status == 200 and r.body == data, r
    assert r.headers["content-type"].startswith("application/pdf")
    assert 'filename="application-%d-provider.9.pdf"' % a.id in \
        r.headers["content-disposition"]
    assert r.headers.get("x-content-type-options") == "nosniff"
    expect_error(get("/api/applications/%d/attachments/provider.10" % a.id,
                     token=tok(a.p)), 404, "file_not_found")
    expect_error(get("/api/applications/%d/attachments/provider.9" % a.id,
                     token=token("reviewer")), 404)
    assert submit(a).status == 200
    r = get("/api/applications/%d/attachments/provider.9" % a.id,
            token=token("reviewer"))
    assert r.status == 200 and r.body == data, r
    assert "x-accel-redirect" not in r.headers


@test
def test_A3_hostile_files_refused_nothing_stored():
    in_window()
    a = new_app(files=False)
    t = tok(a.p)
    doc = pdf()
    cases = [
        (upload(a.id, "provider.3", b"GIF89a" + os.urandom(500), t), 422,
         "invalid_file"),
        (upload(a.id, "provider.3", doc[:-20], t), 422, "invalid_file"),
        (upload(a.id, "provider.3", doc[:9] + b"<html><script>alert(1)"
                b"</script></html>\n" + doc[9:], t), 422, "file_has_markup"),
        (upload(a.id, "provider.3", doc[:9] + b"%<svg onload=alert(1)>\n" +
                doc[9:], t), 422, "file_has_markup"),
        (upload(a.id, "provider.3", png()[:-12], t, ctype="image/png"), 422,
         "invalid_file"),
        (upload(a.id, "provider.3", doc, t, ctype="image/png"), 422,
         "invalid_file"),
        (upload(a.id, "provider.3", b"\xff\xd8\xff<svg onload=alert(1)>"
                b"\xff\xd9", t, ctype="image/jpeg"), 422, "file_has_markup"),
        (upload(a.id, "provider.3", b"", t), 400, "empty_body"),
        (upload(a.id, "provider.3", doc, t, ctype="text/html"), 415,
         "unsupported_media_type"),
        (upload(a.id, "provider.3", doc, t, ctype="image/svg+xml"), 415,
         "unsupported_media_type"),
        (upload(a.id, "provider.3", doc, t, ctype=None), 415,
         "unsupported_media_type"),
        (upload(a.id, "provider.3", pdf_of_size(UPLOAD_MAX + 1), t), 413,
         "body_too_large"),
        (upload(a.id, "provider.11", doc, t), 400, "invalid_item"),
        (upload(a.id, "product.0.1", doc, t), 400, "invalid_item"),
        (upload(a.id, "product.1.8", doc, t), 400, "invalid_item"),
        (upload(a.id, "product.11.1", doc, t), 400, "invalid_item"),
        (upload(a.id, "product.01.1", doc, t), 400, "invalid_item"),
        (upload(a.id, "..%2F..%2Fetc", doc, t), 404, "not_found"),
        (upload(a.id, "provider.3", doc, t, name="../../x.pdf"), 400,
         "invalid_query"),
        (upload(a.id, "provider.3", doc, token("ent01")), 403, None),
        (upload(999999999, "provider.3", doc, t), 404, "not_found"),
    ]
    for r, status, code in cases:
        expect_error(r, status, code)
    assert att_rows(a.id) == []
    assert tmp_files() == []
    # exactly at the limit is accepted
    r = upload(a.id, "provider.3", pdf_of_size(UPLOAD_MAX), t)
    assert r.status == 201 and r.json["size"] == UPLOAD_MAX, r


@test
def test_A3_racing_uploads_of_an_item_leave_one_row_and_one_file():
    in_window()
    a = new_app(files=False)
    datas = [pdf() for _ in range(4)]
    replies = [None] * 4

    def go(i):
        replies[i] = upload(a.id, "provider.7", datas[i], tok(a.p))
    ts = [threading.Thread(target=go, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert sorted(r.status for r in replies) == [200, 200, 200, 201], replies
    (item, stored, sha), = att_rows(a.id)
    assert sha in {hashlib.sha256(d).hexdigest() for d in datas}
    sub = os.path.join(FILES, stored.split("/")[0])
    mine = [f for f in os.listdir(sub) if stored.endswith(f)]
    assert len(mine) == 1 and tmp_files() == []


# ---- bad input ----------------------------------------------------------------

@test
def test_A4_bad_requests_refused_with_the_field():
    in_window()
    a = new_app(files=False)
    t = tok(a.p)
    expect_error(put("/api/applications/%d" % a.id, a.form, token=t), 400,
                 "missing_query", "mode")
    expect_error(put("/api/applications/%d" % a.id, a.form, token=t,
                     query={"mode": "final"}), 400, None, "mode")
    for raw in (b"[]", b"\"x\"", b"{", b"{\"a\":1,\"a\":2}"):
        r = request("PUT", "/api/applications/%d?mode=draft" % a.id, raw=raw,
                    headers={"Content-Type": "application/json"}, token=t)
        assert r.status == 400, (raw, r)
    r = request("PUT", "/api/applications/%d?mode=draft" % a.id, raw=b"{}",
                headers={"Content-Type": "text/plain"}, token=t)
    assert r.status == 415, r
    r = request("POST", "/api/applications", raw=b"[1]",
                headers={"Content-Type": "application/json"}, token=t)
    assert r.status == 400, r
    r = put("/api/applications/%d" % a.id, form(products=[1, "x"]), token=t,
            query={"mode": "save"})
    expect_error(r, 400, "validation_failed")
    assert error_fields(r) == {"products[0]", "products[1]"}, r.json
    r = put("/api/applications/%d" % a.id, form(11), token=t,
            query={"mode": "save"})
    expect_error(r, 400, "validation_failed", "products")
    assert view(a)["form"] == a.form


# ---- added with the typed data layer (issue 10) ------------------------------

@test
def test_A4_save_reports_an_unknown_key_of_any_length():
    """An unknown key is reported whatever its length in UTF-8 (a message
    cut inside a character used to drop the failure, and the form was
    saved with the key)."""
    in_window()
    a = new_app(files=False)
    key = "备注" * 20
    bad = form(1)
    bad[key] = 1
    bad["provider"][key] = 2
    bad["products"][0][key] = 3
    r = put("/api/applications/%d" % a.id, bad, token=tok(a.p),
            query={"mode": "save"})
    expect_error(r, 400, "validation_failed")
    errs = r.json["error"]["errors"]
    assert sorted((e["field"], e["code"]) for e in errs) == sorted([
        (key, "unknown_field"), ("provider." + key, "unknown_field"),
        ("products[0]." + key, "unknown_field")]), errs
    assert all(key in e["message"] for e in errs), errs
    assert view(a)["form"] == a.form


@test
def test_Y1_no_application_without_a_current_round():
    in_window()
    p = new_provider()
    year = round_year()
    sql("UPDATE rounds SET is_current = 0 WHERE year = %d" % year)
    try:
        expect_error(post("/api/applications", token=tok(p)), 409,
                     "no_round")
    finally:
        sql("UPDATE rounds SET is_current = 1 WHERE year = %d" % year)
    r = post("/api/applications", token=tok(p))
    assert r.status == 201 and r.json["round_year"] == year, r


@test
def test_A6_V2_provider_barred_while_pending_is_not_listed():
    in_window()
    a = submitted_app()
    r = post("/api/bureau/violations", {
        "party": "provider", "party_id": a.p.id, "kind": "other",
        "description": "集成测试：申报待审核期间被取消资格"},
        token=token("bureau"))
    assert r.status == 201, r
    expect_error(decide(a, {"decision": "approve", "products": grants(a)}),
                 403, "provider_barred")
    assert sql("SELECT COUNT(*) FROM products WHERE application_id = %d"
               % a.id) == [["0"]]
    r = get("/api/review/applications/%d" % a.id, token=token("bureau"))
    assert r.status == 200 and r.json["status"] == "pending", r
    assert [p["product_id"] for p in r.json["products"]] == [None], r.json


@test
def test_A4_product_rows_show_what_the_form_declared():
    """The saved product rows come back as declared: item 6 (has_ip) as
    true, false or null when not given."""
    in_window()
    a = new_app(save=False, files=False)
    f = form(products=[product(0, has_ip=True, premium_clients_served=3,
                               requested_units=12),
                       product(1, has_ip=False), product(2)])
    r = put("/api/applications/%d" % a.id, f, token=tok(a.p),
            query={"mode": "save"})
    assert r.status == 200, r
    got = [(p["index"], p["has_ip"], p["premium_clients_served"],
            p["requested_units"]) for p in r.json["products"]]
    assert got == [(0, True, 3, 12), (1, False, 0, None),
                   (2, None, 0, None)], got
