"""Where ordering disagreed with the guide (issue #11, points 1, 3, 4, 6
and 10), each checked through the real stack:

  1. a corrected contract raises the subsidy back (O9) when the cap has
     room, re-reserved by the guarded UPDATE, else 409 quota_exhausted and
     nothing changes; never above what the order reserved (its unit
     subsidy at most);
  3. a tier change applies to new orders only (E8): a firm above its new
     cap keeps its orders, shows available 0 and is refused new orders;
  4. the products of a credit-flagged or barred provider stop being
     orderable at once (P7), and direct listing refuses such a provider;
  6. the validity is one exact instant (O6): the commitment form, the
     pages, the quote and the sweeper agree;
 10. the enterprise's contact on each order: its provider sees it, nobody
     else does, and it is in no log, audit record, export or publicity.
"""
import calendar
import glob
import os
import random
import re
import subprocess
import time

from harness import (test, get, post, put, sql, expect_error, uniq,
                     parse_iso, set_clock_at, fresh_login, order_token,
                     order_provider, fresh_enterprise, order_product,
                     place_order, new_provider, product_body, wait_for,
                     shanghai_date, STATE)
import pubflow

HOUR = 3600
DAY = 86400
RULE_ID_RE = re.compile(r"规则|\b[A-Z][0-9]{1,2}\b")
CAP = {"ordinary": 2000000, "specialized": 10000000,
       "little_giant": 20000000}


# ---- helpers ---------------------------------------------------------------

def _bureau():
    return order_token("bureau")


def _order(tok, pid, **contact):
    body = {"product_id": pid}
    body.update(contact)
    r = place_order(tok, pid, body=body)
    assert r.status == 201, r
    return r.json


def _accept(ptok, o):
    r = post("/api/provider/orders/%d/accept" % o["id"], token=ptok)
    assert r.status == 200, r


def _contract_put(ptok, o, amount, months, no=None):
    day = shanghai_date(o["ordered_at"])
    return put("/api/provider/orders/%d/contract" % o["id"],
               {"contract_no": no or uniq("HT"), "signed_on": day,
                "service_start_on": day, "amount": amount,
                "period_months": months}, token=ptok)


def _contract(ptok, o, amount, months, no=None):
    r = _contract_put(ptok, o, amount, months, no)
    assert r.status == 200, r
    return r.json


def _occupied(ent_id, year):
    rows = sql("SELECT occupied FROM enterprise_quota WHERE enterprise_id=%d"
               " AND year=%d" % (ent_id, year))
    return int(rows[0][0]) if rows else 0


def _db_order(oid):
    row = sql("SELECT status, reserved, reserved_at_order, IFNULL(subsidy,"
              " -1) FROM orders WHERE id=%d" % oid)[0]
    return {"status": row[0], "reserved": int(row[1]),
            "reserved_at_order": int(row[2]), "subsidy": int(row[3])}


def _db_contract(oid):
    row = sql("SELECT contract_no, amount, period_months, subsidy, self_paid"
              " FROM contracts WHERE order_id=%d" % oid)[0]
    return (row[0], int(row[1]), int(row[2]), int(row[3]), int(row[4]))


def _count(table, where):
    return int(sql("SELECT COUNT(*) FROM %s WHERE %s" % (table, where))[0][0])


def _me_quota(tok):
    r = get("/api/me", token=tok)
    assert r.status == 200, r
    return r.json["quota"]


def _mobile():
    """A fresh mainland mobile number of this run, to search for."""
    return "1%d%09d" % (random.choice((3, 5, 7, 8, 9)),
                        random.randrange(10 ** 9))


def _shanghai_minute(t):
    g = time.gmtime(t + 8 * HOUR)
    return "%04d年%02d月%02d日 %02d:%02d" % (g.tm_year, g.tm_mon, g.tm_mday,
                                          g.tm_hour, g.tm_min)


# ---- 1. a corrected contract raises the subsidy back (O9) -----------------

@test
def test_O9_corrected_contract_raises_subsidy_back_when_cap_has_room():
    pid, ptok = order_provider("prov02")
    e = fresh_enterprise(tier="specialized")          # cap 100,000 CNY
    p = order_product(pid, voucher_price=20000000)    # unit subsidy 50,000
    o = _order(e["token"], p["id"])
    assert o["reserved"] == 5000000 and o["reserved_at_order"] == 5000000, o
    _accept(ptok, o)
    # 300,000 CNY over 24 months: one year's share 150,000, 30% = 45,000
    c = _contract(ptok, o, 30000000, 24)
    assert c["contract"]["subsidy"] == 4500000, c
    assert c["reserved"] == 4500000, c
    assert _occupied(e["id"], o["year"]) == 4500000   # 5,000 released
    # corrected to 400,000 over 12 months: 50,000, re-reserved
    c = _contract(ptok, o, 40000000, 12)
    assert c["contract"]["subsidy"] == 5000000, c
    assert c["contract"]["self_paid"] == 35000000, c
    assert c["subsidy"] == 5000000 and c["reserved"] == 5000000, c
    assert c["status"] == "contracted", c
    assert _occupied(e["id"], o["year"]) == 5000000
    assert _me_quota(e["token"])["occupied"] == 5000000
    assert _db_order(o["id"])["reserved"] == 5000000
    # the correction is audited with the reservation before and after
    rows = sql("SELECT before_json, after_json FROM audit_log WHERE"
               " entity='order' AND entity_id=%d AND action='contract.update'"
               " ORDER BY id DESC LIMIT 1" % o["id"])
    assert '"reserved":4500000' in rows[0][0], rows
    assert '"reserved":5000000' in rows[0][1], rows
    # and back down again: the surplus is released at once
    c = _contract(ptok, o, 30000000, 24)
    assert c["reserved"] == 4500000, c
    assert _occupied(e["id"], o["year"]) == 4500000


@test
def test_O9_corrected_contract_never_above_the_unit_subsidy():
    pid, ptok = order_provider("prov02")
    e = fresh_enterprise(tier="specialized")
    p = order_product(pid, voucher_price=16000000)    # unit subsidy 48,000
    assert p["unit_subsidy"] == 4800000, p
    o = _order(e["token"], p["id"])
    _accept(ptok, o)
    assert _contract(ptok, o, 30000000, 24)["reserved"] == 4500000
    c = _contract(ptok, o, 40000000, 12)               # 30% = 120,000
    assert c["contract"]["subsidy"] == 4800000, c      # not 50,000
    assert c["reserved"] == 4800000, c
    assert _occupied(e["id"], o["year"]) == 4800000


@test
def test_O9_corrected_contract_never_above_a_partial_reservation():
    # the last reservation was partial (O3): a correction claims no more
    pid, ptok = order_provider("prov02")
    e = fresh_enterprise()                             # 20,000 CNY
    big = order_product(pid, voucher_price=5000000)    # 15,000
    _order(e["token"], big["id"])
    p = order_product(pid, voucher_price=4000000)      # 12,000
    o = _order(e["token"], p["id"])
    assert o["reserved"] == 500000 and o["reserved_at_order"] == 500000, o
    _accept(ptok, o)
    c = _contract(ptok, o, 1000000, 12)                # 30% = 3,000
    assert c["reserved"] == 300000, c
    # a correction (even just of the number) gives back the 5,000 only
    c = _contract(ptok, o, 4000000, 12, no=uniq("HT"))
    assert c["contract"]["subsidy"] == 500000, c
    assert _occupied(e["id"], o["year"]) == 2000000


@test
def test_O9_corrected_contract_refused_409_when_cap_has_no_room():
    pid, ptok = order_provider("prov02")
    e = fresh_enterprise()                             # cap 20,000 CNY
    p = order_product(pid, voucher_price=5000000)      # unit subsidy 15,000
    o = _order(e["token"], p["id"])
    _accept(ptok, o)
    first_no = uniq("HT")
    # 40,000 over 24 months: 20,000 a year, 30% = 6,000; 9,000 released
    c = _contract(ptok, o, 4000000, 24, no=first_no)
    assert c["reserved"] == 600000, c
    # another order takes what was released, and the rest of the cap
    other = _order(e["token"], p["id"])
    assert other["reserved"] == 1400000, other
    assert _occupied(e["id"], o["year"]) == 2000000
    events = _count("order_events", "order_id=%d" % o["id"])
    audits = _count("audit_log", "entity='order' AND entity_id=%d" % o["id"])
    # corrected to 50,000 over 12 months: 15,000 wanted, 9,000 short
    r = _contract_put(ptok, o, 5000000, 12)
    expect_error(r, 409, "quota_exhausted", "amount")
    msg = r.json["error"]["message"]
    assert "15000.00" in msg and "9000.00" in msg, msg
    assert not RULE_ID_RE.search(msg), msg
    # nothing changed: contract, order, quota, trail
    assert _db_contract(o["id"]) == (first_no, 4000000, 24, 600000, 3400000)
    d = _db_order(o["id"])
    assert d["reserved"] == 600000 and d["subsidy"] == 600000, d
    assert _occupied(e["id"], o["year"]) == 2000000
    assert _count("order_events", "order_id=%d" % o["id"]) == events
    assert _count("audit_log", "entity='order' AND entity_id=%d"
                  % o["id"]) == audits
    # once the other order is cancelled, the correction goes through
    r = post("/api/orders/%d/cancel" % other["id"], token=e["token"])
    assert r.status == 200, r
    c = _contract(ptok, o, 5000000, 12)
    assert c["contract"]["subsidy"] == 1500000, c
    assert _occupied(e["id"], o["year"]) == 1500000


# ---- 3. a tier change applies to new orders only (E8) ---------------------

@test
def test_E8_downgrade_keeps_orders_shows_available_0_refuses_new_orders():
    pid, ptok = order_provider("prov03")
    e = fresh_enterprise(tier="specialized")           # cap 100,000 CNY
    big = order_product(pid, voucher_price=20000000)   # 50,000
    small = order_product(pid, voucher_price=1000000)  # 3,000
    o1 = _order(e["token"], big["id"])
    o2 = _order(e["token"], small["id"])
    year = o1["year"]
    assert _occupied(e["id"], year) == 5300000
    path = "/api/bureau/enterprises/%d" % e["id"]
    r = put(path, {"tier": "ordinary"}, token=_bureau())
    assert r.status == 200, r
    # the cap is the tier's, below what is occupied; never negative
    q = r.json["quota"]
    assert q == {"year": year, "cap": 2000000, "occupied": 5300000,
                 "available": 0}, q
    assert sql("SELECT cap, occupied FROM enterprise_quota WHERE"
               " enterprise_id=%d AND year=%d" % (e["id"], year)) == \
        [["2000000", "5300000"]]
    assert _me_quota(e["token"]) == q
    quote = get("/api/quote", token=e["token"],
                query={"product_id": small["id"]})
    assert quote.status == 200, quote
    assert quote.json["quota_cap"] == 2000000, quote
    assert quote.json["quota_available"] == 0, quote
    assert quote.json["reservable"] == 0, quote
    assert quote.json["can_order"] is False, quote
    # existing orders keep their reservations
    assert _db_order(o1["id"])["reserved"] == 5000000
    assert _db_order(o2["id"])["reserved"] == 300000
    # new orders are refused, and take nothing
    units = int(sql("SELECT remaining_units FROM products WHERE id=%d"
                    % small["id"])[0][0])
    r = place_order(e["token"], small["id"])
    expect_error(r, 409, "quota_exhausted")
    assert not RULE_ID_RE.search(r.json["error"]["message"]), r
    assert int(sql("SELECT remaining_units FROM products WHERE id=%d"
                   % small["id"])[0][0]) == units
    assert _occupied(e["id"], year) == 5300000
    # the old orders go on: accepted and contracted as before
    _accept(ptok, o2)
    assert _contract(ptok, o2, 1000000, 12)["reserved"] == 300000
    # back under the cap (the big order cancelled): orders again, with
    # what the lower cap leaves
    assert post("/api/orders/%d/cancel" % o1["id"],
                token=e["token"]).status == 200
    assert _me_quota(e["token"])["available"] == 1700000
    assert _order(e["token"], small["id"])["reserved"] == 300000
    # upgraded again: the cap follows the tier
    r = put(path, {"tier": "little_giant"}, token=_bureau())
    assert r.status == 200, r
    assert r.json["quota"]["cap"] == 20000000, r.json
    assert r.json["quota"]["available"] == 20000000 - 600000, r.json


@test
def test_E8_size_or_credit_change_keeps_the_cap_of_the_tier():
    e = fresh_enterprise(tier="specialized")
    path = "/api/bureau/enterprises/%d" % e["id"]
    pid, _ = order_provider("prov03")
    p = order_product(pid, voucher_price=1000000)
    o = _order(e["token"], p["id"])
    r = put(path, {"size_class": "micro", "credit_flagged": True,
                   "credit_source": "信用中国", "credit_checked_on":
                   "2026-01-05"}, token=_bureau())
    assert r.status == 200, r
    assert r.json["quota"]["cap"] == 10000000, r.json
    assert sql("SELECT cap FROM enterprise_quota WHERE enterprise_id=%d AND"
               " year=%d" % (e["id"], o["year"])) == [["10000000"]]
    # flagged: refused as E4, the order kept
    expect_error(place_order(e["token"], p["id"]), 403, "not_eligible")
    assert _db_order(o["id"])["status"] == "pending"


# ---- 4. providers that may not sell (P7) -----------------------------------

def _product_public(pid):
    r = get("/api/products/%d" % pid, query={"nocache": uniq("n")})
    assert r.status == 200, r
    return r.json


def _list_item(pid, category):
    page = 1
    while True:
        r = get("/api/products", query={"category": category, "per_page": 100,
                                        "page": page, "sort": "newest",
                                        "nocache": uniq("n")})
        assert r.status == 200, r
        for it in r.json["items"]:
            if it["id"] == pid:
                return it
        if not r.json["items"] or page * 100 >= r.json["total"]:
            raise AssertionError("product %d not listed" % pid)
        page += 1


def _flag(prov_id, on):
    body = {"credit_flagged": on}
    if on:
        body.update(credit_source="信用中国（北京）严重失信",
                    credit_checked_on="2026-01-05")
    r = put("/api/bureau/providers/%d" % prov_id, body, token=_bureau())
    assert r.status == 200, r


@test
def test_P7_credit_flagged_provider_products_stop_being_orderable_at_once():
    prov, body = new_provider()
    ptok = fresh_login(body["login"], body["password"])
    p = order_product(prov["id"], voucher_price=800000, units=5,
                      category="legal")
    e = fresh_enterprise()
    pending = _order(e["token"], p["id"])
    assert _product_public(p["id"])["orderable"] is True
    assert _list_item(p["id"], "legal")["orderable"] is True
    _flag(prov["id"], True)
    r = place_order(e["token"], p["id"])
    expect_error(r, 403, "provider_not_eligible", "product_id")
    assert not RULE_ID_RE.search(r.json["error"]["message"]), r
    expect_error(get("/api/quote", token=e["token"],
                     query={"product_id": p["id"]}), 403,
                 "provider_not_eligible")
    assert int(sql("SELECT remaining_units FROM products WHERE id=%d"
                   % p["id"])[0][0]) == 4
    # the catalog marks it, in the product and in the list
    d = _product_public(p["id"])
    assert d["orderable"] is False, d
    assert d["unorderable_reason"]["code"] == "provider_not_eligible", d
    assert not RULE_ID_RE.search(d["unorderable_reason"]["message"]), d
    it = _list_item(p["id"], "legal")
    assert it["orderable"] is False, it
    assert it["unorderable_reason"]["code"] == "provider_not_eligible", it
    # the credit record itself is not published
    assert "credit_source" not in d and "credit_flagged" not in d, d
    # open orders continue (P7): the provider may still accept
    _accept(ptok, pending)
    # the flag lifted: orderable again
    _flag(prov["id"], False)
    assert _product_public(p["id"])["orderable"] is True
    assert _order(e["token"], p["id"])["status"] == "pending"


@test
def test_P7_barred_provider_products_marked_not_orderable():
    prov, _ = new_provider()
    p = order_product(prov["id"], voucher_price=800000, units=5,
                      category="legal")
    sql("UPDATE providers SET barred_until = UTC_TIMESTAMP() + INTERVAL 3"
        " YEAR WHERE id = %d" % prov["id"])
    d = _product_public(p["id"])
    assert d["orderable"] is False, d
    assert d["unorderable_reason"]["code"] == "provider_not_eligible", d
    expect_error(place_order(fresh_enterprise()["token"], p["id"]), 403,
                 "provider_not_eligible", "product_id")


@test
def test_P7_direct_listing_refuses_a_credit_flagged_provider():
    prov, _ = new_provider()
    p = order_product(prov["id"])
    _flag(prov["id"], True)
    r = post("/api/bureau/products", product_body(prov["id"]),
             token=_bureau())
    expect_error(r, 422, "provider_not_eligible", "provider_id")
    assert not RULE_ID_RE.search(r.json["error"]["message"]), r
    assert _count("products", "provider_id=%d" % prov["id"]) == 1
    # nor relisted while flagged
    path = "/api/bureau/products/%d" % p["id"]
    assert put(path, {"listed": False}, token=_bureau()).status == 200
    expect_error(put(path, {"listed": True}, token=_bureau()), 422,
                 "provider_not_eligible", "provider_id")
    _flag(prov["id"], False)
    assert put(path, {"listed": True}, token=_bureau()).status == 200
    r = post("/api/bureau/products", product_body(prov["id"]),
             token=_bureau())
    assert r.status == 201, r


# ---- 6. the validity is one exact instant (O6) -----------------------------

@test
def test_O6_commitment_quote_and_sweeper_share_the_exact_instant():
    pid, _ = order_provider("prov04")
    p = order_product(pid, voucher_price=800000)
    e = fresh_enterprise(tier="ordinary")      # its own, not a pooled one
    # an order placed at 00:27:35 Beijing time (T2): valid until 30 days
    # later at 00:27:35, printed to the minute - never as a whole day.
    # While the clock is moved only fresh sessions are used.
    g = time.gmtime(time.time() + 8 * HOUR)
    base = calendar.timegm((g.tm_year, g.tm_mon, g.tm_mday, 0, 27, 35)) - \
        8 * HOUR                  # today 00:27:35 in Beijing (UTC+8)
    set_clock_at(base)
    tok = fresh_login(e["login"], e["password"])
    q = get("/api/quote", token=tok, query={"product_id": p["id"]}).json
    o = _order(tok, p["id"])
    until = parse_iso(o["valid_until"])
    assert until == base + 30 * DAY, o
    text = _shanghai_minute(until)
    assert text.endswith(" 00:27"), text
    assert q["valid_until"] == o["valid_until"], (q, o)
    assert q["valid_until_text"] == text, q
    page = get("/api/orders/%d/commitment" % o["id"], token=tok)
    assert page.status == 200, page
    html = page.body.decode("utf-8")
    assert "服务券有效期至（北京时间）</th><td>%s</td>" % text in html, html
    # the day before the printed day is not what the form says any more
    assert _shanghai_minute(until - DAY) not in html
    ptok2 = fresh_login("prov04")
    _accept(ptok2, o)
    # valid at the printed minute and up to the instant itself ...
    set_clock_at(until - 1)
    tok = fresh_login(e["login"], e["password"])
    assert get("/api/orders/%d" % o["id"], token=tok).json["status"] == \
        "accepted"
    # ... expired at it, as the sweeper has it
    set_clock_at(until)
    tok = fresh_login(e["login"], e["password"])
    assert get("/api/orders/%d" % o["id"], token=tok).json["status"] == \
        "expired"


# ---- 10. the enterprise's contact on each order ---------------------------

def _contact_everywhere_but(mobile, order_id):
    """Asserts that mobile is in no audit record, idempotency record,
    program log or nginx log."""
    assert _count("audit_log", "before_json LIKE '%%%s%%' OR after_json"
                  " LIKE '%%%s%%'" % (mobile, mobile)) == 0
    assert _count("idempotency_keys", "response_body LIKE '%%%s%%'"
                  % mobile) == 0
    assert _count("order_events", "reason LIKE '%%%s%%'" % mobile) == 0
    for log in glob.glob(os.path.join(STATE, "log", "*.log")):
        with open(log, "rb") as f:
            assert mobile.encode() not in f.read(), log


@test
def test_contact_given_at_ordering_shown_to_its_provider_only():
    pid, ptok = order_provider("prov05")
    other_pid, other_ptok = order_provider("prov06")
    p = order_product(pid)
    e = fresh_enterprise()
    mobile = _mobile()
    o = _order(e["token"], p["id"], contact_name="王小明",
               contact_mobile=mobile)
    # the reply (and so the idempotency record) does not carry it
    assert "contact" not in o and mobile not in str(o), o
    # the order's provider sees it in its order view
    r = get("/api/provider/orders/%d" % o["id"], token=ptok)
    assert r.status == 200, r
    assert r.json["contact"] == {"name": "王小明", "mobile": mobile}, r.json
    # the enterprise sees its own
    r = get("/api/orders/%d" % o["id"], token=e["token"])
    assert r.json["contact"] == {"name": "王小明", "mobile": mobile}, r.json
    # nobody else: another provider, the lists, the public
    expect_error(get("/api/provider/orders/%d" % o["id"], token=other_ptok),
                 404)
    for path, tok in (("/api/provider/orders", ptok),
                      ("/api/orders", e["token"])):
        r = get(path, token=tok, query={"per_page": 100})
        assert r.status == 200 and mobile not in r.body.decode(), path
        assert all("contact" not in it for it in r.json["items"]), path
    r = get("/api/products/%d" % p["id"], query={"nocache": uniq("n")})
    assert mobile not in r.body.decode(), r
    r = get("/api/bureau/audit", token=_bureau(),
            query={"entity": "order", "id": o["id"]})
    assert r.status == 200 and mobile not in r.body.decode(), r
    _contact_everywhere_but(mobile, o["id"])


@test
def test_contact_defaults_to_the_enterprises_last_one():
    pid, ptok = order_provider("prov05")
    p = order_product(pid)
    e = fresh_enterprise()
    # a first order without one has none
    first = _order(e["token"], p["id"])
    assert get("/api/provider/orders/%d" % first["id"],
               token=ptok).json["contact"] is None
    q = get("/api/quote", token=e["token"], query={"product_id": p["id"]})
    assert q.json["contact"] is None, q
    m1, m2 = _mobile(), _mobile()
    _order(e["token"], p["id"], contact_name="李四", contact_mobile=m1)
    q = get("/api/quote", token=e["token"], query={"product_id": p["id"]})
    assert q.json["contact"] == {"name": "李四", "mobile": m1}, q.json
    # omitted: the last one
    o = _order(e["token"], p["id"])
    r = get("/api/provider/orders/%d" % o["id"], token=ptok)
    assert r.json["contact"] == {"name": "李四", "mobile": m1}, r.json
    # a new one becomes the default, earlier orders keep theirs
    o3 = _order(e["token"], p["id"], contact_name="张三 (财务)",
                contact_mobile=m2)
    o4 = _order(e["token"], p["id"])
    for x, want in ((o, m1), (o3, m2), (o4, m2)):
        c = get("/api/provider/orders/%d" % x["id"], token=ptok).json
        assert c["contact"]["mobile"] == want, c
    # another enterprise has a default of its own (none)
    e2 = fresh_enterprise()
    q = get("/api/quote", token=e2["token"], query={"product_id": p["id"]})
    assert q.json["contact"] is None, q


@test
def test_contact_validated_400_naming_the_field():
    pid, _ = order_provider("prov05")
    p = order_product(pid, units=3)
    e = fresh_enterprise()
    cases = [
        ({"contact_name": "王", "contact_mobile": "12345678901"},
         "contact_mobile"),
        ({"contact_name": "王", "contact_mobile": "1380013800"},
         "contact_mobile"),
        ({"contact_name": "王", "contact_mobile": "+8613800138000"},
         "contact_mobile"),
        ({"contact_name": "王", "contact_mobile": "138-0013-8000"},
         "contact_mobile"),
        ({"contact_name": "王"}, "contact_mobile"),
        ({"contact_mobile": "13800138000"}, "contact_name"),
        ({"contact_name": "   ", "contact_mobile": "13800138000"},
         "contact_name"),
        ({"contact_name": "", "contact_mobile": "13800138000"},
         "contact_name"),
        ({"contact_name": "名" * 51, "contact_mobile": "13800138000"},
         "contact_name"),
        ({"contact_name": 5, "contact_mobile": "13800138000"},
         "contact_name"),
        ({"contact_name": "王", "contact_mobile": 13800138000},
         "contact_mobile"),
    ]
    for extra, field in cases:
        body = {"product_id": p["id"]}
        body.update(extra)
        r = place_order(e["token"], p["id"], body=body)
        expect_error(r, 400, None, field)
        assert re.search(r"[\u4e00-\u9fff]", r.json["error"]["message"]), r
    assert _count("orders", "product_id=%d" % p["id"]) == 0
    # 50 characters is fine
    o = _order(e["token"], p["id"], contact_name="名" * 50,
               contact_mobile="13800138000")
    assert o["status"] == "pending"


@test
def test_contact_never_in_exports_publicity_or_review():
    prov = pubflow.provider_party()
    ent = fresh_enterprise()
    mobile = _mobile()
    # the enterprise's last contact: the claim's order takes it by default
    _order(ent["token"], prov["product"]["id"], contact_name="赵六",
           contact_mobile=mobile)
    o = pubflow.approved_claim(prov, ent)
    r = get("/api/provider/orders/%d" % o["id"], token=prov["token"])
    assert r.json["contact"]["mobile"] == mobile, r.json
    b = pubflow.published([o])
    bodies = [str(b)]
    for suffix in (".csv", ".json"):
        r = get("/api/publicity/batches/%d%s" % (b["id"], suffix))
        assert r.status == 200, r
        bodies.append(r.body.decode("utf-8"))
    r = get("/api/publicity/batches/%d/items" % b["id"],
            query={"per_page": 100, "nocache": uniq("n")})
    bodies.append(r.body.decode("utf-8"))
    for path in ("/api/redemptions/%d" % o["id"],
                 "/api/review/claims/%d" % o["id"]):
        r = get(path, token=_bureau())
        assert r.status == 200, (path, r)
        bodies.append(r.body.decode("utf-8"))
    r = get("/api/bureau/stats", token=_bureau())
    bodies.append(r.body.decode("utf-8"))
    for body in bodies:
        assert mobile not in body and "赵六" not in body, body[:300]
    _contact_everywhere_but(mobile, o["id"])


def _as_db_user(user, password, stmts):
    """Runs stmts as a database user of the test stack (tab-separated
    rows, no headers)."""
    return subprocess.run(
        ["mariadb", "--no-defaults", "--socket=" + os.path.join(
            STATE, "run", "mysql.sock"), "-u", user, "-p" + password, "-N",
         "-B", "voucher", "-e", stmts], capture_output=True, text=True,
        timeout=60)


@test
def test_contact_unreadable_by_publicity_and_read_only_users():
    for user in ("voucher_publicity", "voucher_ro"):
        pw = os.environ.get("VOUCHER_DB_PASSWORD_" + user[8:].upper(),
                            user + "_dev")
        ok = _as_db_user(user, pw, "SELECT id, status FROM orders LIMIT 1")
        assert ok.returncode == 0, (user, ok.stderr)
        for col in ("contact_name", "contact_mobile"):
            p = _as_db_user(user, pw, "SELECT %s FROM orders LIMIT 1" % col)
            assert p.returncode != 0, (user, col, "was allowed")
            assert re.search(r"ERROR 114[23]", p.stderr), (user, p.stderr)
        p = _as_db_user(user, pw, "SELECT * FROM enterprise_contacts")
        assert p.returncode != 0 and re.search(r"ERROR 114[23]",
                                               p.stderr), (user, p.stderr)
    # the ordering program owns the enterprises' last contacts
    eid = int(sql("SELECT id FROM enterprises ORDER BY id LIMIT 1")[0][0])
    p = _as_db_user("voucher_ordering", os.environ.get(
        "VOUCHER_DB_PASSWORD_ORDERING", "voucher_ordering_dev"),
        "START TRANSACTION; INSERT INTO enterprise_contacts (enterprise_id,"
        " contact_name, contact_mobile, updated_at) VALUES (%d, 'x',"
        " '13800138000', UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE"
        " updated_at = VALUES(updated_at); ROLLBACK;" % eid)
    assert p.returncode == 0, p.stderr
