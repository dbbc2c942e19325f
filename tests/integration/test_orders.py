"""Ordering and provider order management: the order state machine (O1-O10,
P5, C1), its refusals, authorization, the commitment page (R1), the
reference block (O8), the quote, list filters, Idempotency-Key, and the
time rules O4/O6 on the injectable clock (T2) without any sweeper.

Every test creates its own products (bureau API). Enterprises come from a
pool created once per run (little giants; a test that looks at the yearly
allowance checks how it moves, or uses a pool member no other test uses)
or, where the cap itself matters, are created for the test; sessions come
from the order helpers of harness.py (never the token() cache: see
fresh_login)."""
import concurrent.futures
import hashlib
import json
import re
import time

from harness import (test, get, post, put, sql, expect_error, uniq, iso,
                     parse_iso, set_clock_at, fresh_login, order_token,
                     order_provider, provider_id, fresh_enterprise,
                     enterprise_pool, order_product, unit_subsidy,
                     place_order, quota_occupied, product_public,
                     wait_product, shanghai_date, ctl, clear_clock,
                     new_provider)

HOUR = 3600
DAY = 86400
REASON_RE = re.compile(r"\S")
# People read plain Chinese or the guide's own numbers, never rule ids.
RULE_ID_RE = re.compile(r"规则|\b[A-Z][0-9]{1,2}\b")


# ---- helpers ---------------------------------------------------------------

def _prov(n=1):
    """(provider id, token) of demo provider provNN."""
    return order_provider("prov%02d" % n)


def _ent(i=0):
    """Pool enterprise i (a little giant: cap 20,000,000 fen). Members 5
    and up are each used by one test only."""
    return enterprise_pool(i + 1)[i]


def _order(tok, product_id):
    r = place_order(tok, product_id)
    assert r.status == 201, r
    return r.json


def _order_path(o, action=""):
    return "/api/orders/%d%s" % (o["id"], action)


def _prov_path(o, action=""):
    return "/api/provider/orders/%d%s" % (o["id"], action)


def _get_order(tok, o):
    r = get(_order_path(o), token=tok)
    assert r.status == 200, r
    return r.json


def _prov_order(ptok, o):
    """The order as its provider sees it (same view, with events)."""
    r = get(_prov_path(o), token=ptok)
    assert r.status == 200, r
    return r.json


def _accept(ptok, o):
    r = post(_prov_path(o, "/accept"), token=ptok)
    assert r.status == 200, r
    assert r.json["status"] == "accepted", r
    return r.json


def _contract_body(o, amount, months=12, signed=0, start=0):
    """A contract for order o, signed/started days after its Shanghai
    order date (T1)."""
    return {"contract_no": uniq("HT"),
            "signed_on": shanghai_date(o["ordered_at"], signed),
            "service_start_on": shanghai_date(o["ordered_at"], start),
            "amount": amount, "period_months": months}


def _contract(ptok, o, amount, months=12):
    r = put(_prov_path(o, "/contract"), _contract_body(o, amount, months),
            token=ptok)
    assert r.status == 200, r
    assert r.json["status"] == "contracted", r
    return r.json


def _db_product(pid):
    """(remaining_units, units_sold) as stored."""
    row = sql("SELECT remaining_units, units_sold FROM products WHERE id=%d"
              % pid)[0]
    return int(row[0]), int(row[1])


def _db_order(oid):
    row = sql("SELECT status, reserved, unit_held, IFNULL(cancel_reason,"
              " '') FROM orders WHERE id=%d" % oid)[0]
    return {"status": row[0], "reserved": int(row[1]),
            "unit_held": int(row[2]), "cancel_reason": row[3]}


def _db_occupied(enterprise_id, year):
    rows = sql("SELECT occupied FROM enterprise_quota WHERE enterprise_id=%d"
               " AND year=%d" % (enterprise_id, year))
    return int(rows[0][0]) if rows else 0


def _order_count(pid):
    return int(sql("SELECT COUNT(*) FROM orders WHERE product_id=%d"
                   % pid)[0][0])


def _audit(oid):
    return [r[0] for r in sql(
        "SELECT action FROM audit_log WHERE entity='order' AND entity_id=%d"
        " ORDER BY id" % oid)]


def _events(o):
    return [(e["from_status"], e["to_status"], e["actor_role"])
            for e in o["events"]]


def _ineligible(tok, rule):
    """An order by tok is refused with 403 not_eligible naming rule, and
    takes nothing."""
    pid, _ = _prov()
    p = order_product(pid, units=3)
    r = place_order(tok, p["id"])
    expect_error(r, 403, "not_eligible")
    assert r.json["error"]["rule"] == rule, r
    assert _db_product(p["id"]) == (3, 0)
    assert _order_count(p["id"]) == 0
    me = get("/api/me", token=tok).json
    assert me["eligible"] is False and me["ineligible_rule"] == rule, me


def _past_48h():
    """48 h and a minute ago: an order placed then is past its O4
    deadline now, and moving the clock back keeps today's sessions valid
    (on January 1-2 the order falls in last year's quota)."""
    return int(time.time()) - 48 * HOUR - 60


def _shanghai_minute(t):
    """Unix time t in Beijing time to the minute, as the commitment form
    and the pages write an instant (O6): "2026年12月31日 00:27"."""
    g = time.gmtime(t + 8 * HOUR)
    return "%04d年%02d月%02d日 %02d:%02d" % (g.tm_year, g.tm_mon, g.tm_mday,
                                          g.tm_hour, g.tm_min)


def _clock_base():
    """Now (whole seconds), moved back a few days when the Asia/Shanghai
    year would end within 3 days (the quota is per year, T1)."""
    t = int(time.time())
    if time.gmtime(t + 8 * HOUR).tm_year != \
            time.gmtime(t + 8 * HOUR + 3 * DAY).tm_year:
        t -= 4 * DAY
    return t


# ---- O1: who may order (E1-E5) ---------------------------------------------

@test
def test_O1_E1_enterprise_outside_beijing_refused():
    _ineligible(order_token("ent22"), "E1")


@test
def test_O1_E2_non_enterprise_unit_refused():
    e = fresh_enterprise(is_enterprise=False)
    _ineligible(e["token"], "E2")


@test
def test_O1_E3_large_enterprise_refused():
    e = fresh_enterprise(size_class="large")
    _ineligible(e["token"], "E3")


@test
def test_O1_E4_credit_flagged_enterprise_refused():
    _ineligible(order_token("ent21"), "E4")


@test
def test_O1_E5_barred_enterprise_refused():
    # No API bars an enterprise yet (V2): the bar is set on this test's
    # own enterprise directly in the database.
    e = fresh_enterprise()
    sql("UPDATE enterprises SET barred_until = UTC_TIMESTAMP() +"
        " INTERVAL 3 YEAR WHERE id=%d" % e["id"])
    _ineligible(e["token"], "E5")


@test
def test_O1_roles_provider_cannot_order_enterprise_cannot_use_inbox():
    pid, ptok = _prov()
    p = order_product(pid)
    expect_error(place_order(ptok, p["id"]), 403, "forbidden")
    expect_error(get("/api/orders", token=ptok), 403, "forbidden")
    o = _order(_ent()["token"], p["id"])
    etok = _ent()["token"]
    expect_error(get("/api/provider/orders", token=etok), 403, "forbidden")
    expect_error(get(_prov_path(o), token=etok), 403, "forbidden")
    expect_error(post(_prov_path(o, "/accept"), token=etok), 403, "forbidden")
    expect_error(post(_prov_path(o, "/decline"), {"reason": "x"},
                      token=etok), 403, "forbidden")
    expect_error(put(_prov_path(o, "/contract"), _contract_body(o, 100000),
                     token=etok), 403, "forbidden")
    expect_error(get(_prov_path(o, "/reference"), token=etok), 403,
                 "forbidden")
    expect_error(post("/api/orders", {"product_id": p["id"]},
                      headers={"Idempotency-Key": uniq("k")}), 401)
    assert _get_order(etok, o)["status"] == "pending"


# ---- O2: the product must be orderable --------------------------------------

@test
def test_O2_delisted_product_refused():
    pid, _ = _prov()
    p = order_product(pid, units=3)
    r = put("/api/bureau/products/%d" % p["id"], {"listed": False},
            token=order_token("bureau"))
    assert r.status == 200 and r.json["listed"] is False, r
    expect_error(place_order(_ent()["token"], p["id"]), 409,
                 "product_unavailable")
    assert _db_product(p["id"]) == (3, 0)
    assert _order_count(p["id"]) == 0


@test
def test_O2_unknown_product_404():
    r = place_order(_ent()["token"], 2000000000)
    expect_error(r, 404, "product_not_found")


@test
def test_O2_Y2_product_of_another_round_refused():
    pid, _ = _prov()
    p = order_product(pid, units=3)
    cur = int(sql("SELECT year FROM rounds WHERE is_current = 1")[0][0])
    old = cur - 1
    had = int(sql("SELECT COUNT(*) FROM rounds WHERE year = %d" % old)[0][0])
    if not had:
        sql("INSERT INTO rounds (year, apply_opens_on, apply_closes_on,"
            " is_current) VALUES (%d, MAKEDATE(%d, 1), MAKEDATE(%d, 59), 0)"
            % (old, old, old))
    sql("UPDATE products SET round_year = %d WHERE id = %d" % (old, p["id"]))
    try:
        tok = _ent()["token"]
        r = place_order(tok, p["id"])
        expect_error(r, 409, "product_unavailable", "product_id")
        assert not RULE_ID_RE.search(r.json["error"]["message"]), r
        expect_error(get("/api/quote", token=tok,
                         query={"product_id": p["id"]}), 409,
                     "product_unavailable", "product_id")
        assert _db_product(p["id"]) == (3, 0)
        assert _order_count(p["id"]) == 0
    finally:
        sql("UPDATE products SET round_year = %d WHERE id = %d"
            % (cur, p["id"]))
        if not had:
            sql("DELETE FROM rounds WHERE year = %d" % old)
    assert _order(_ent()["token"], p["id"])["status"] == "pending"


@test
def test_O3_long_product_name_copied_whole_into_the_order():
    pid, ptok = _prov()
    name = uniq("长名称")
    name += "服" * (200 - len(name))             # 200 characters (P2)
    p = order_product(pid, name=name)
    assert p["name"] == name, p
    e = _ent()
    q = get("/api/quote", token=e["token"], query={"product_id": p["id"]})
    assert q.status == 200 and q.json["product_name"] == name, q
    o = _order(e["token"], p["id"])
    assert o["product_name"] == name, o
    ref = get(_prov_path(o, "/reference"), token=ptok)
    assert ref.status == 200 and ref.json["product_name"] == name, ref
    assert name in ref.json["text"], ref
    page = get(_order_path(o, "/commitment"), token=e["token"])
    assert page.status == 200 and name in page.body.decode("utf-8"), page


# ---- O3: the unit and the reservation ---------------------------------------

@test
def test_O3_reservation_is_unit_subsidy_and_occupies_quota():
    pid, _ = _prov()
    e = _ent(6)
    p = order_product(pid, voucher_price=800000, units=4)
    assert p["unit_subsidy"] == unit_subsidy(800000) == 240000, p
    before = quota_occupied(e["token"])
    o = _order(e["token"], p["id"])
    assert o["status"] == "pending" and o["reserved"] == 240000, o
    assert o["unit_subsidy"] == 240000 and o["voucher_price"] == 800000, o
    assert o["product_id"] == p["id"] and o["enterprise_id"] == e["id"], o
    assert re.match(r"^SV\d{8}\d{10}$", o["order_no"]), o
    t = parse_iso(o["ordered_at"])
    assert parse_iso(o["accept_deadline"]) == t + 48 * HOUR, o
    assert parse_iso(o["valid_until"]) == t + 30 * DAY, o
    me = get("/api/me", token=e["token"]).json["quota"]
    assert me["occupied"] == before + 240000, (before, me)
    assert me["available"] == me["cap"] - me["occupied"], me
    assert _db_product(p["id"]) == (3, 1)
    o2 = _order(e["token"], p["id"])
    assert o2["reserved"] == 240000, o2
    assert quota_occupied(e["token"]) == before + 480000


@test
def test_O3_last_reservation_partial_then_quota_exhausted():
    pid, _ = _prov()
    e = fresh_enterprise()                       # ordinary: 2,000,000
    p = order_product(pid, voucher_price=5000000, units=5)
    assert p["unit_subsidy"] == 1500000, p
    assert _order(e["token"], p["id"])["reserved"] == 1500000
    q = get("/api/quote", token=e["token"], query={"product_id": p["id"]})
    assert q.status == 200, q
    assert q.json["reservable"] == 500000, q
    assert q.json["enterprise_pays"] == 5000000 - 500000, q
    o = _order(e["token"], p["id"])
    assert o["reserved"] == 500000, o            # partial (decision)
    me = get("/api/me", token=e["token"]).json["quota"]
    assert me["occupied"] == me["cap"] == 2000000, me
    assert me["available"] == 0, me
    q = get("/api/quote", token=e["token"], query={"product_id": p["id"]})
    assert q.json["reservable"] == 0 and q.json["can_order"] is False, q
    r = place_order(e["token"], p["id"])
    expect_error(r, 409, "quota_exhausted")
    assert _db_product(p["id"]) == (3, 2)        # no unit taken
    assert _db_occupied(e["id"], o["year"]) == 2000000
    assert _order_count(p["id"]) == 2


@test
def test_O3_P5_one_unit_second_order_sold_out():
    pid, _ = _prov()
    p = order_product(pid, units=1)
    assert product_public(p["id"])["remaining_units"] == 1
    _order(_ent(0)["token"], p["id"])
    expect_error(place_order(_ent(1)["token"], p["id"]), 409, "sold_out")
    expect_error(place_order(_ent(0)["token"], p["id"]), 409, "sold_out")
    assert _db_product(p["id"]) == (0, 1)
    assert _order_count(p["id"]) == 1
    seen = wait_product(p["id"], lambda x: x["remaining_units"] == 0)
    assert seen["remaining_units"] == 0 and seen["sold_out"] is True, seen
    assert seen["units_sold"] == 1, seen
    # the bureau grants one more unit: first come, first served again
    r = put("/api/bureau/products/%d" % p["id"], {"units": 2},
            token=order_token("bureau"))
    assert r.status == 200 and r.json["remaining_units"] == 1, r
    _order(_ent(1)["token"], p["id"])
    expect_error(place_order(_ent(2)["token"], p["id"]), 409, "sold_out")
    assert _db_product(p["id"]) == (0, 2)


@test
def test_O3_quote_subsidy_reservable_and_formula():
    pid, _ = _prov()
    e = _ent(10)                                 # little giant
    p = order_product(pid, voucher_price=800000)
    me = get("/api/me", token=e["token"]).json["quota"]
    assert me["cap"] == 20000000 and me["available"] >= 240000, me
    r = get("/api/quote", token=e["token"], query={"product_id": p["id"]})
    assert r.status == 200, r
    q = r.json
    assert q["product_id"] == p["id"] and q["product_name"] == p["name"], q
    assert q["voucher_price"] == 800000, q
    assert q["unit_subsidy"] == 240000, q
    assert q["quota_cap"] == me["cap"], q
    assert q["quota_available"] == me["available"], q
    assert q["reservable"] == 240000, q
    assert q["enterprise_pays"] == 560000, q
    assert q["can_order"] is True and q["validity_days"] == 30, q
    assert isinstance(q["formula"], str) and "30%" in q["formula"], q
    assert "2400.00" in q["formula"], q
    assert quota_occupied(e["token"]) == me["occupied"]   # reserves nothing
    expect_error(get("/api/quote", token=e["token"],
                     query={"product_id": 2000000000}), 404,
                 "product_not_found")
    expect_error(get("/api/quote", token=e["token"]), 400)


# ---- O4: the provider accepts or declines -----------------------------------

@test
def test_O4_provider_accepts_pending_order():
    pid, ptok = _prov()
    p = order_product(pid)
    o = _order(_ent()["token"], p["id"])
    r = get("/api/provider/orders", token=ptok, query={"status": "pending"})
    assert r.status == 200, r
    assert o["id"] in [x["id"] for x in r.json["items"]], r
    a = _accept(ptok, o)
    assert a["accepted_at"] is not None and a["reserved"] == o["reserved"], a
    assert _get_order(_ent()["token"], o)["status"] == "accepted"
    assert _db_product(p["id"]) == (9, 1)        # the unit stays taken


@test
def test_O4_decline_with_reason_releases_unit_and_reservation():
    pid, ptok = _prov()
    e = _ent(7)
    p = order_product(pid, voucher_price=800000, units=2)
    before = quota_occupied(e["token"])
    o = _order(e["token"], p["id"])
    assert quota_occupied(e["token"]) == before + 240000
    expect_error(post(_prov_path(o, "/decline"), {}, token=ptok), 400,
                 "missing_field", "reason")
    reason = "档期已满，无法在有效期内提供服务"
    r = post(_prov_path(o, "/decline"), {"reason": reason}, token=ptok)
    assert r.status == 200, r
    d = r.json
    assert d["status"] == "cancelled" and d["cancel_reason"] == "declined", d
    assert d["status_reason"] == reason and d["reserved"] == 0, d
    assert d["closed_at"] is not None, d
    assert quota_occupied(e["token"]) == before
    assert _db_product(p["id"]) == (2, 0)
    assert _db_order(o["id"])["unit_held"] == 0
    seen = wait_product(p["id"], lambda x: x["remaining_units"] == 2)
    assert seen["remaining_units"] == 2, seen


@test
def test_O4_accept_or_decline_from_wrong_state_409():
    pid, ptok = _prov()
    p = order_product(pid)
    tok = _ent()["token"]
    declined = _order(tok, p["id"])
    assert post(_prov_path(declined, "/decline"), {"reason": "无法服务"},
                token=ptok).status == 200
    expect_error(post(_prov_path(declined, "/accept"), token=ptok), 409,
                 "invalid_state")
    accepted = _order(tok, p["id"])
    _accept(ptok, accepted)
    expect_error(post(_prov_path(accepted, "/accept"), token=ptok), 409,
                 "invalid_state")
    expect_error(post(_prov_path(accepted, "/decline"), {"reason": "晚了"},
                      token=ptok), 409, "invalid_state")
    cancelled = _order(tok, p["id"])
    assert post(_order_path(cancelled, "/cancel"), token=tok).status == 200
    expect_error(post(_prov_path(cancelled, "/accept"), token=ptok), 409,
                 "invalid_state")
    assert _get_order(tok, declined)["status"] == "cancelled"
    assert _get_order(tok, accepted)["status"] == "accepted"


# ---- O5: the enterprise cancels before acceptance ---------------------------

@test
def test_O5_cancel_pending_releases_unit_and_reservation():
    pid, _ = _prov()
    e = _ent(8)
    p = order_product(pid, voucher_price=800000, units=2)
    before = quota_occupied(e["token"])
    o = _order(e["token"], p["id"])
    assert quota_occupied(e["token"]) == before + 240000
    assert _db_product(p["id"]) == (1, 1)
    r = post(_order_path(o, "/cancel"), token=e["token"])
    assert r.status == 200, r
    c = r.json
    assert c["status"] == "cancelled" and c["cancel_reason"] == "enterprise", c
    assert c["reserved"] == 0 and c["closed_at"] is not None, c
    assert quota_occupied(e["token"]) == before
    assert _db_product(p["id"]) == (2, 0)
    expect_error(post(_order_path(o, "/cancel"), token=e["token"]), 409,
                 "invalid_state")
    seen = wait_product(p["id"], lambda x: x["remaining_units"] == 2)
    assert seen["remaining_units"] == 2, seen


@test
def test_O5_cancel_after_accept_409():
    pid, ptok = _prov()
    p = order_product(pid)
    tok = _ent()["token"]
    o = _order(tok, p["id"])
    _accept(ptok, o)
    expect_error(post(_order_path(o, "/cancel"), token=tok), 409,
                 "invalid_state")
    g = _get_order(tok, o)
    assert g["status"] == "accepted" and g["reserved"] == o["reserved"], g
    assert _db_product(p["id"]) == (9, 1)


# ---- O7: a voucher belongs to its enterprise, an order to its provider ------

@test
def test_O7_other_enterprise_order_404():
    pid, ptok = _prov()
    p = order_product(pid)
    mine, other = _ent(0)["token"], _ent(1)["token"]
    o = _order(mine, p["id"])
    for path in (_order_path(o), _order_path(o, "/commitment")):
        expect_error(get(path, token=other), 404, "not_found")
    expect_error(post(_order_path(o, "/cancel"), token=other), 404,
                 "not_found")
    # even once confirmable: contracted
    _accept(ptok, o)
    _contract(ptok, o, 100000)
    expect_error(post(_order_path(o, "/confirm"), {"ratings": {
        "quality": 5, "timeliness": 5, "attitude": 5}}, token=other), 404,
        "not_found")
    listed = get("/api/orders", token=other, query={"per_page": 100}).json
    assert o["id"] not in [x["id"] for x in listed["items"]]
    g = _get_order(mine, o)
    assert g["status"] == "contracted" and g["confirmed_at"] is None, g


@test
def test_O7_other_provider_order_404():
    pid, _ = _prov(1)
    _, other = _prov(2)
    p = order_product(pid)
    tok = _ent()["token"]
    o = _order(tok, p["id"])
    expect_error(get(_prov_path(o), token=other), 404, "not_found")
    expect_error(post(_prov_path(o, "/accept"), token=other), 404,
                 "not_found")
    expect_error(post(_prov_path(o, "/decline"), {"reason": "不是我的"},
                      token=other), 404, "not_found")
    expect_error(put(_prov_path(o, "/contract"), _contract_body(o, 100000),
                     token=other), 404, "not_found")
    expect_error(get(_prov_path(o, "/reference"), token=other), 404,
                 "not_found")
    inbox = get("/api/provider/orders", token=other,
                query={"per_page": 100}).json
    assert o["id"] not in [x["id"] for x in inbox["items"]]
    assert _get_order(tok, o)["status"] == "pending"
    assert _db_order(o["id"])["status"] == "pending"


# ---- O8: the contract and its reference block -------------------------------

@test
def test_O8_contract_dated_before_order_422():
    pid, ptok = _prov()
    p = order_product(pid, voucher_price=800000)
    o = _order(_ent()["token"], p["id"])
    _accept(ptok, o)
    r = put(_prov_path(o, "/contract"),
            _contract_body(o, 500000, signed=-1), token=ptok)
    expect_error(r, 422, "contract_before_order", "signed_on")
    r = put(_prov_path(o, "/contract"),
            _contract_body(o, 500000, start=-1), token=ptok)
    expect_error(r, 422, "contract_before_order", "service_start_on")
    assert _db_order(o["id"])["status"] == "accepted"
    # on the order date itself (Asia/Shanghai) it is accepted
    c = _contract(ptok, o, 500000)
    assert c["contract"]["signed_on"] == shanghai_date(o["ordered_at"]), c


@test
def test_O8_contract_on_pending_order_409():
    pid, ptok = _prov()
    p = order_product(pid)
    o = _order(_ent()["token"], p["id"])
    r = put(_prov_path(o, "/contract"), _contract_body(o, 100000),
            token=ptok)
    expect_error(r, 409, "invalid_state")
    assert _db_order(o["id"])["status"] == "pending"
    assert int(sql("SELECT COUNT(*) FROM contracts WHERE order_id=%d"
                   % o["id"])[0][0]) == 0


@test
def test_O8_T1_contract_dates_compare_with_shanghai_order_date():
    pid, ptok = _prov()
    p = order_product(pid)
    # 20:00 UTC is 04:00 the next day in Asia/Shanghai (T1); a past clock
    # keeps today's sessions valid
    t = (int(time.time()) - HOUR) // DAY * DAY + 20 * HOUR
    if t > time.time() - HOUR:
        t -= DAY
    set_clock_at(t)
    o = _order(_ent()["token"], p["id"])
    _accept(ptok, o)
    utc_day = time.strftime("%Y-%m-%d", time.gmtime(t))
    local_day = time.strftime("%Y-%m-%d", time.gmtime(t + 8 * HOUR))
    assert utc_day != local_day and shanghai_date(o["ordered_at"]) == \
        local_day
    body = _contract_body(o, 100000)
    body["signed_on"] = utc_day
    expect_error(put(_prov_path(o, "/contract"), body, token=ptok), 422,
                 "contract_before_order", "signed_on")
    body["signed_on"] = local_day
    r = put(_prov_path(o, "/contract"), body, token=ptok)
    assert r.status == 200 and r.json["status"] == "contracted", r


@test
def test_V2_barred_provider_cannot_handle_orders_nor_be_ordered_from():
    prov, body = new_provider()
    ptok = fresh_login(body["login"], body["password"])
    p = order_product(prov["id"], voucher_price=800000, units=4)
    tok = _ent()["token"]
    pending = _order(tok, p["id"])
    accepted = _order(tok, p["id"])
    _accept(ptok, accepted)
    sql("UPDATE providers SET barred_until = UTC_TIMESTAMP() +"
        " INTERVAL 3 YEAR WHERE id = %d" % prov["id"])
    expect_error(post(_prov_path(pending, "/accept"), token=ptok), 403,
                 "provider_barred")
    expect_error(post(_prov_path(pending, "/decline"), {"reason": "无法服务"},
                      token=ptok), 403, "provider_barred")
    expect_error(put(_prov_path(accepted, "/contract"),
                     _contract_body(accepted, 500000), token=ptok), 403,
                 "provider_barred")
    # the state is checked first: a wrong state is still 409
    expect_error(post(_prov_path(accepted, "/accept"), token=ptok), 409,
                 "invalid_state")
    r = place_order(tok, p["id"])
    # P7: a barred provider's products stop being orderable at once
    expect_error(r, 403, "provider_not_eligible", "product_id")
    assert not RULE_ID_RE.search(r.json["error"]["message"]), r
    expect_error(get("/api/quote", token=tok, query={"product_id": p["id"]}),
                 403, "provider_not_eligible")
    assert _db_order(pending["id"])["status"] == "pending"
    assert _db_order(accepted["id"])["status"] == "accepted"
    assert _db_product(p["id"]) == (2, 2)
    # the bar ends at barred_until: from then on the provider acts again
    sql("UPDATE providers SET barred_until = UTC_TIMESTAMP() -"
        " INTERVAL 1 SECOND WHERE id = %d" % prov["id"])
    _accept(ptok, pending)
    assert _order(tok, p["id"])["status"] == "pending"


@test
def test_O8_reference_block_lists_order_number_time_and_product():
    pid, ptok = _prov()
    p = order_product(pid)
    o = _order(_ent()["token"], p["id"])
    r = get(_prov_path(o, "/reference"), token=ptok)
    assert r.status == 200, r
    ref = r.json
    assert ref["order_no"] == o["order_no"], ref
    assert ref["product_name"] == p["name"], ref
    assert ref["ordered_at"] == o["ordered_at"], ref
    local = time.strftime("%Y-%m-%d %H:%M:%S",
                          time.gmtime(parse_iso(o["ordered_at"]) + 8 * HOUR))
    assert ref["ordered_at_local"] == local, ref
    assert o["order_no"] in ref["text"] and p["name"] in ref["text"], ref
    assert local in ref["text"], ref


# ---- O9: the subsidy of the contract ----------------------------------------

@test
def test_O9_subsidy_is_floor_of_30_percent():
    pid, ptok = _prov()
    p = order_product(pid, voucher_price=4000000)   # unit subsidy 1,200,000
    o = _order(_ent()["token"], p["id"])
    assert o["reserved"] == 1200000, o
    _accept(ptok, o)
    c = _contract(ptok, o, 3333333)
    assert c["contract"]["base"] == 3333333, c
    assert c["contract"]["subsidy"] == 999999, c   # floor(999,999.9)
    assert c["contract"]["self_paid"] == 3333333 - 999999, c
    assert c["subsidy"] == 999999 and c["reserved"] == 999999, c
    assert c["contract"]["amount"] == 3333333, c
    assert c["contract"]["period_months"] == 12, c


@test
def test_O9_subsidy_ceiling_5000000():
    pid, ptok = _prov()
    e = _ent(5)                                    # cap 20,000,000
    p = order_product(pid, voucher_price=20000000)
    assert p["unit_subsidy"] == 5000000, p         # P4 ceiling
    before = quota_occupied(e["token"])
    o = _order(e["token"], p["id"])
    assert o["reserved"] == 5000000, o
    _accept(ptok, o)
    c = _contract(ptok, o, 20000000)               # 30% = 6,000,000
    assert c["contract"]["subsidy"] == 5000000, c
    assert c["contract"]["self_paid"] == 15000000, c
    assert c["reserved"] == 5000000, c
    assert quota_occupied(e["token"]) == before + 5000000


@test
def test_O9_long_contract_uses_one_year_share():
    pid, ptok = _prov()
    p = order_product(pid, voucher_price=4000000)   # unit subsidy 1,200,000
    tok = _ent()["token"]
    o = _order(tok, p["id"])
    _accept(ptok, o)
    c = _contract(ptok, o, 4000000, months=24)
    assert c["contract"]["base"] == 2000000, c     # 4,000,000 * 12 / 24
    assert c["contract"]["subsidy"] == 600000, c
    assert c["contract"]["self_paid"] == 3400000, c
    # 18 months: floor(1,000,001 * 12 / 18) = 666,667; 30% -> 200,000
    o2 = _order(tok, p["id"])
    _accept(ptok, o2)
    c2 = _contract(ptok, o2, 1000001, months=18)
    assert c2["contract"]["base"] == 666667, c2
    assert c2["contract"]["subsidy"] == 200000, c2
    assert c2["contract"]["self_paid"] == 800001, c2
    # exactly 12 months: the whole amount
    o3 = _order(tok, p["id"])
    _accept(ptok, o3)
    c3 = _contract(ptok, o3, 1000001, months=12)
    assert c3["contract"]["base"] == 1000001, c3
    assert c3["contract"]["subsidy"] == 300000, c3


@test
def test_O9_subsidy_limited_by_reservation():
    pid, ptok = _prov()
    e = fresh_enterprise()                         # ordinary: 2,000,000
    big = order_product(pid, voucher_price=6000000)    # 1,800,000
    p = order_product(pid, voucher_price=4000000)      # 1,200,000
    assert _order(e["token"], big["id"])["reserved"] == 1800000
    o = _order(e["token"], p["id"])
    assert o["reserved"] == 200000, o              # partial reservation
    _accept(ptok, o)
    c = _contract(ptok, o, 3000000)                # 30% = 900,000
    assert c["contract"]["subsidy"] == 200000, c
    assert c["contract"]["self_paid"] == 2800000, c
    assert c["subsidy"] == 200000 and c["reserved"] == 200000, c
    assert quota_occupied(e["token"]) == 2000000


@test
def test_O9_reservation_above_subsidy_released_at_once():
    pid, ptok = _prov()
    e = _ent(9)
    p = order_product(pid, voucher_price=800000)   # 240,000
    before = quota_occupied(e["token"])
    o = _order(e["token"], p["id"])
    db_before = _db_occupied(e["id"], o["year"]) - 240000
    _accept(ptok, o)
    assert quota_occupied(e["token"]) == before + 240000
    c = _contract(ptok, o, 500000)                 # subsidy 150,000
    assert c["contract"]["subsidy"] == 150000, c
    assert c["contract"]["self_paid"] == 350000, c
    assert c["reserved"] == 150000, c
    q = get("/api/me", token=e["token"]).json["quota"]
    assert q["occupied"] == before + 150000, q     # 90,000 released
    assert q["available"] == q["cap"] - q["occupied"], q
    assert _db_occupied(e["id"], o["year"]) == db_before + 150000
    assert _db_order(o["id"])["reserved"] == 150000


# ---- C1: confirmation and rating --------------------------------------------

RATINGS = {"quality": 5, "timeliness": 4, "attitude": 3}


def _contracted_order(ptok, tok, p, amount=100000):
    o = _order(tok, p["id"])
    _accept(ptok, o)
    _contract(ptok, o, amount)
    return o


@test
def test_C1_confirm_before_contract_409():
    pid, ptok = _prov()
    p = order_product(pid)
    tok = _ent()["token"]
    o = _order(tok, p["id"])
    body = {"ratings": RATINGS}
    expect_error(post(_order_path(o, "/confirm"), body, token=tok), 409,
                 "invalid_state")
    _accept(ptok, o)
    expect_error(post(_order_path(o, "/confirm"), body, token=tok), 409,
                 "invalid_state")
    assert _get_order(tok, o)["confirmed_at"] is None
    assert int(sql("SELECT COUNT(*) FROM evaluations WHERE order_id=%d"
                   % o["id"])[0][0]) == 0


@test
def test_C1_confirm_after_contract_rates_product():
    pid, ptok = _prov()
    p = order_product(pid)
    assert product_public(p["id"])["rating"] == {"average": None,
                                                 "count": 0}
    tok = _ent()["token"]
    o = _contracted_order(ptok, tok, p)
    r = post(_order_path(o, "/confirm"),
             {"ratings": RATINGS, "comment": "服务专业，响应及时"}, token=tok)
    assert r.status == 200, r
    assert r.json["confirmed_at"] is not None, r
    assert r.json["status"] == "contracted", r
    seen = wait_product(p["id"], lambda x: x["rating"]["count"] == 1)
    assert seen["rating"] == {"average": 4.0, "count": 1}, seen
    # a second evaluation: (5+4+3 + 5+5+4) / 6 = 4.33
    o2 = _contracted_order(ptok, tok, p)
    r = post(_order_path(o2, "/confirm"), {"ratings": {
        "quality": 5, "timeliness": 5, "attitude": 4}}, token=tok)
    assert r.status == 200, r
    seen = wait_product(p["id"], lambda x: x["rating"]["count"] == 2)
    assert seen["rating"] == {"average": 4.33, "count": 2}, seen
    row = sql("SELECT quality, timeliness, attitude, comment FROM evaluations"
              " WHERE order_id=%d" % o["id"])
    assert row == [["5", "4", "3", "服务专业，响应及时"]], row


@test
def test_C1_confirm_twice_409_already_confirmed():
    pid, ptok = _prov()
    p = order_product(pid)
    tok = _ent()["token"]
    o = _contracted_order(ptok, tok, p)
    assert post(_order_path(o, "/confirm"), {"ratings": RATINGS},
                token=tok).status == 200
    r = post(_order_path(o, "/confirm"), {"ratings": {
        "quality": 1, "timeliness": 1, "attitude": 1}}, token=tok)
    expect_error(r, 409, "already_confirmed")
    seen = wait_product(p["id"], lambda x: x["rating"]["count"] == 1)
    assert seen["rating"] == {"average": 4.0, "count": 1}, seen


@test
def test_C1_ratings_outside_1_to_5_400():
    pid, ptok = _prov()
    p = order_product(pid)
    tok = _ent()["token"]
    o = _contracted_order(ptok, tok, p)
    path = _order_path(o, "/confirm")
    expect_error(post(path, {"ratings": dict(RATINGS, quality=0)},
                      token=tok), 400, None, "quality")
    expect_error(post(path, {"ratings": dict(RATINGS, attitude=6)},
                      token=tok), 400, None, "attitude")
    expect_error(post(path, {"ratings": {"quality": 5, "timeliness": 5}},
                      token=tok), 400, "missing_field", "attitude")
    expect_error(post(path, {}, token=tok), 400, "missing_field", "ratings")
    assert _get_order(tok, o)["confirmed_at"] is None
    assert post(path, {"ratings": RATINGS}, token=tok).status == 200


# ---- R1: the commitment form ------------------------------------------------

@test
def test_R1_commitment_page_names_enterprise_and_order():
    pid, _ = _prov()
    p = order_product(pid)
    e = _ent()
    o = _order(e["token"], p["id"])
    r = get(_order_path(o, "/commitment"), token=e["token"])
    assert r.status == 200, r
    assert r.headers["content-type"].startswith("text/html"), r.headers
    page = r.body.decode("utf-8")
    assert page.startswith("<!doctype html>"), page[:100]
    assert e["name"] in page, page
    assert e["uscc"] in page, page
    assert o["order_no"] in page, page
    assert p["name"] in page, page
    assert "中小微企业划型及用券承诺" in page, page


@test
def test_R1_commitment_page_shows_size_provider_prices_and_validity():
    pid, _ = _prov()
    p = order_product(pid, voucher_price=800000)
    e = fresh_enterprise()                       # small (E3)
    o = _order(e["token"], p["id"])
    r = get(_order_path(o, "/commitment"), token=e["token"])
    assert r.status == 200, r
    page = r.body.decode("utf-8")
    provider_name = sql("SELECT name FROM providers WHERE id = %d"
                        % pid)[0][0]
    assert "<td>小型企业</td>" in page, page
    assert "<td>%s</td>" % provider_name in page, page
    assert "<td>8000.00 元</td>" in page, page       # voucher price
    assert "<td>2400.00 元</td>" in page, page       # unit subsidy (P4)
    assert "<td>%s</td>" % _shanghai_minute(parse_iso(o["ordered_at"])) \
        in page, page
    # valid until the exact instant the voucher expires at (O6)
    assert "<td>%s</td>" % _shanghai_minute(parse_iso(o["valid_until"])) \
        in page, page


# ---- O10: lists, events and the audit trail ---------------------------------

@test
def test_O10_order_list_status_filter():
    pid, ptok = _prov()
    p = order_product(pid)
    tok = _ent(2)["token"]
    pending = _order(tok, p["id"])
    cancelled = _order(tok, p["id"])
    assert post(_order_path(cancelled, "/cancel"), token=tok).status == 200
    r = get("/api/orders", token=tok, query={"status": "pending",
                                             "per_page": 100})
    assert r.status == 200, r
    assert r.json["items"] and all(x["status"] == "pending"
                                   for x in r.json["items"]), r
    ids = [x["id"] for x in r.json["items"]]
    assert pending["id"] in ids and cancelled["id"] not in ids, ids
    r = get("/api/orders", token=tok, query={"status": "cancelled",
                                             "per_page": 100})
    assert all(x["status"] == "cancelled" for x in r.json["items"]), r
    assert cancelled["id"] in [x["id"] for x in r.json["items"]], r
    everything = get("/api/orders", token=tok, query={"per_page": 100}).json
    assert everything["total"] >= 2, everything
    expect_error(get("/api/orders", token=tok, query={"status": "bogus"}),
                 400, "invalid_query", "status")
    # the provider's inbox filters the same way
    r = get("/api/provider/orders", token=ptok, query={"status": "pending",
                                                       "per_page": 100})
    assert r.status == 200, r
    assert all(x["status"] == "pending" for x in r.json["items"]), r
    assert pending["id"] in [x["id"] for x in r.json["items"]], r
    expect_error(get("/api/provider/orders", token=ptok,
                     query={"status": "bogus"}), 400, "invalid_query",
                 "status")


@test
def test_O10_every_transition_has_event_and_audit_record():
    pid, ptok = _prov()
    p = order_product(pid)
    tok = _ent()["token"]
    # pending -> accepted -> contracted (+ a correction) -> confirmed
    o = _order(tok, p["id"])
    _accept(ptok, o)
    _contract(ptok, o, 100000)
    _contract(ptok, o, 120000)
    assert post(_order_path(o, "/confirm"), {"ratings": RATINGS},
                token=tok).status == 200
    g = _get_order(tok, o)
    assert _events(g) == [
        (None, "pending", "enterprise"),
        ("pending", "accepted", "provider"),
        ("accepted", "contracted", "provider"),
        ("contracted", "contracted", "provider"),
        ("contracted", "contracted", "enterprise")], g["events"]
    for ev in g["events"]:
        assert REASON_RE.search(ev["reason"] or ""), ev
        assert parse_iso(ev["at"]), ev
    pg = get(_prov_path(o), token=ptok)
    assert pg.status == 200 and pg.json["events"] == g["events"], pg
    assert _audit(o["id"]) == ["order.create", "order.accepted",
                               "order.contracted", "contract.update",
                               "order.confirm"]
    # cancelled by the enterprise (O5)
    c = _order(tok, p["id"])
    assert post(_order_path(c, "/cancel"), token=tok).status == 200
    g = _get_order(tok, c)
    assert _events(g) == [(None, "pending", "enterprise"),
                          ("pending", "cancelled", "enterprise")], g
    assert "取消" in g["events"][-1]["reason"], g
    assert not RULE_ID_RE.search(g["events"][-1]["reason"]), g
    assert _audit(c["id"]) == ["order.create", "order.cancelled"]
    # declined by the provider (O4): the reason given is recorded
    d = _order(tok, p["id"])
    reason = "本月服务名额已满"
    assert post(_prov_path(d, "/decline"), {"reason": reason},
                token=ptok).status == 200
    g = _get_order(tok, d)
    assert _events(g) == [(None, "pending", "enterprise"),
                          ("pending", "cancelled", "provider")], g
    assert g["events"][-1]["reason"] == reason, g
    assert _audit(d["id"]) == ["order.create", "order.cancelled"]
    rows = sql("SELECT actor_role, request_id FROM audit_log WHERE"
               " entity='order' AND entity_id=%d ORDER BY id" % d["id"])
    assert [r[0] for r in rows] == ["enterprise", "provider"], rows
    assert all(r[1] and r[1] != "NULL" for r in rows), rows


# ---- Idempotency-Key --------------------------------------------------------

@test
def test_O3_idempotency_missing_key_400():
    pid, _ = _prov()
    p = order_product(pid, units=2)
    tok = _ent()["token"]
    r = post("/api/orders", {"product_id": p["id"]}, token=tok)
    expect_error(r, 400, "missing_idempotency_key", "Idempotency-Key")
    r = post("/api/orders", {"product_id": p["id"]}, token=tok,
             headers={"Idempotency-Key": ""})
    expect_error(r, 400, "missing_idempotency_key")
    r = post("/api/orders", {"product_id": p["id"]}, token=tok,
             headers={"Idempotency-Key": "k" * 129})
    expect_error(r, 400, "invalid_idempotency_key")
    assert _order_count(p["id"]) == 0
    assert _db_product(p["id"]) == (2, 0)


@test
def test_O3_idempotency_same_request_20_times_one_order():
    pid, _ = _prov()
    e = fresh_enterprise()
    p = order_product(pid, voucher_price=800000, units=5)
    key = uniq("idem")
    replies = [place_order(e["token"], p["id"], key=key) for _ in range(20)]
    assert all(r.status == 201 for r in replies), replies
    first = replies[0]
    assert "idempotent-replayed" not in first.headers, first.headers
    for r in replies[1:]:
        assert r.body == first.body, (r.body, first.body)
        assert r.headers.get("idempotent-replayed") == "true", r.headers
    lst = get("/api/orders", token=e["token"]).json
    assert lst["total"] == 1, lst
    assert lst["items"][0]["id"] == first.json["id"], lst
    assert _db_product(p["id"]) == (4, 1)
    assert quota_occupied(e["token"]) == 240000
    seen = wait_product(p["id"], lambda x: x["remaining_units"] == 4)
    assert seen["remaining_units"] == 4, seen


@test
def test_O3_idempotency_20_parallel_one_key_one_order():
    pid, _ = _prov()
    e = _ent(11)
    p = order_product(pid, voucher_price=800000, units=5)
    total = get("/api/orders", token=e["token"]).json["total"]
    before = quota_occupied(e["token"])
    key = uniq("idem")
    with concurrent.futures.ThreadPoolExecutor(20) as ex:
        replies = list(ex.map(lambda _: place_order(e["token"], p["id"],
                                                    key=key), range(20)))
    firsts = [r for r in replies if r.status == 201 and
              "idempotent-replayed" not in r.headers]
    assert len(firsts) == 1, replies
    first = firsts[0]
    for r in replies:
        if r is first:
            continue
        if r.status == 201:
            assert r.headers.get("idempotent-replayed") == "true", r.headers
            assert r.body == first.body, (r.body, first.body)
        else:
            expect_error(r, 409, "request_in_progress", "Idempotency-Key")
    assert _order_count(p["id"]) == 1
    assert get("/api/orders", token=e["token"]).json["total"] == total + 1
    assert _db_product(p["id"]) == (4, 1)
    assert quota_occupied(e["token"]) == before + 240000
    later = place_order(e["token"], p["id"], key=key)
    assert later.status == 201 and later.body == first.body, later
    assert later.headers.get("idempotent-replayed") == "true", later.headers


@test
def test_O3_idempotency_key_reused_with_other_body_422():
    pid, _ = _prov()
    a = order_product(pid, units=2)
    b = order_product(pid, units=2)
    tok = _ent()["token"]
    key = uniq("idem")
    assert place_order(tok, a["id"], key=key).status == 201
    r = place_order(tok, b["id"], key=key)
    expect_error(r, 422, "idempotency_key_reused", "Idempotency-Key")
    assert _order_count(b["id"]) == 0
    assert _db_product(b["id"]) == (2, 0)
    assert _order_count(a["id"]) == 1


@test
def test_O3_idempotency_key_belongs_to_one_account():
    pid, _ = _prov()
    p = order_product(pid, units=3)
    key = uniq("idem")
    r1 = place_order(_ent(3)["token"], p["id"], key=key)
    r2 = place_order(_ent(4)["token"], p["id"], key=key)
    assert r1.status == 201 and r2.status == 201, (r1, r2)
    assert "idempotent-replayed" not in r2.headers, r2.headers
    assert r1.json["id"] != r2.json["id"], (r1, r2)
    assert r2.json["enterprise_id"] == _ent(4)["id"], r2
    assert _order_count(p["id"]) == 2


def _request_hash(product_id):
    """The hash ordering keeps of a POST /api/orders body: SHA-256 of its
    compact, key-sorted JSON."""
    body = json.dumps({"product_id": product_id}, separators=(",", ":"),
                      sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


@test
def test_O3_idempotency_key_left_running_by_a_dead_worker_taken_over():
    pid, _ = _prov()
    p = order_product(pid, units=3)
    e = fresh_enterprise()
    acct = int(sql("SELECT id FROM accounts WHERE login = '%s'"
                   % e["login"])[0][0])
    recent, stale = uniq("idem"), uniq("idem")
    h = _request_hash(p["id"])
    sql("INSERT INTO idempotency_keys (account_id, idem_key, request_hash,"
        " state, created_at) VALUES"
        " (%d, '%s', UNHEX('%s'), 'running',"
        "  UTC_TIMESTAMP() - INTERVAL 5 SECOND),"
        " (%d, '%s', UNHEX('%s'), 'running',"
        "  UTC_TIMESTAMP() - INTERVAL 5 MINUTE)"
        % (acct, recent, h, acct, stale, h))
    # in flight elsewhere: refused, and nothing taken
    expect_error(place_order(e["token"], p["id"], key=recent), 409,
                 "request_in_progress", "Idempotency-Key")
    assert _order_count(p["id"]) == 0
    # its worker died long ago: this request runs it
    r = place_order(e["token"], p["id"], key=stale)
    assert r.status == 201, r
    assert "idempotent-replayed" not in r.headers, r.headers
    again = place_order(e["token"], p["id"], key=stale)
    assert again.status == 201 and again.body == r.body, again
    assert again.headers.get("idempotent-replayed") == "true", again.headers
    assert _order_count(p["id"]) == 1


@test
def test_O3_idempotency_refusal_replayed_byte_for_byte():
    pid, _ = _prov()
    p = order_product(pid, units=1)
    _order(_ent(0)["token"], p["id"])
    tok = _ent(1)["token"]
    key = uniq("idem")
    first = place_order(tok, p["id"], key=key)
    expect_error(first, 409, "sold_out")
    assert "idempotent-replayed" not in first.headers, first.headers
    again = place_order(tok, p["id"], key=key)
    assert again.status == 409 and again.body == first.body, again
    assert again.headers.get("idempotent-replayed") == "true", again.headers
    assert _order_count(p["id"]) == 1


# ---- time rules on the injectable clock (T2), no sweeper --------------------

@test
def test_O4_accept_deadline_48h_without_sweeper():
    pid = provider_id("prov03")
    e = _ent(12)                # no other test's orders (they time out too)
    p = order_product(pid, voucher_price=800000, units=5)
    before = quota_occupied(e["token"])
    t = _clock_base()
    set_clock_at(t)
    a = _order(e["token"], p["id"])             # accepted at 47h59m
    b = _order(e["token"], p["id"])             # read at 48h, then accept
    c = _order(e["token"], p["id"])             # swept at 48h
    assert a["ordered_at"] == b["ordered_at"] == iso(t), (a, b)
    assert a["accept_deadline"] == iso(t + 48 * HOUR), a
    assert quota_occupied(e["token"]) == before + 3 * 240000
    db_before = _db_occupied(e["id"], a["year"]) - 3 * 240000

    set_clock_at(t + 47 * HOUR + 59 * 60)
    ptok = fresh_login("prov03")                 # sessions of this clock
    etok = fresh_login(e["login"], e["password"])
    g = _get_order(etok, a)
    assert g["status"] == "pending" and g["reserved"] == 240000, g
    _accept(ptok, a)

    set_clock_at(t + 48 * HOUR)
    g = _get_order(etok, b)
    assert g["status"] == "cancelled" and g["reserved"] == 0, g
    assert _db_order(b["id"])["status"] == "pending"     # nothing swept
    assert _db_order(c["id"])["status"] == "pending"
    assert quota_occupied(etok) == before + 240000   # a's only
    seen = wait_product(p["id"], lambda x: x["remaining_units"] == 4)
    assert seen["remaining_units"] == 4 and seen["units_sold"] == 1, seen
    r = get("/api/orders", token=etok, query={"status": "pending"})
    assert r.json["total"] == 0, r
    r = get("/api/orders", token=etok, query={"status": "cancelled"})
    assert sorted(x["id"] for x in r.json["items"]) == \
        sorted([b["id"], c["id"]]), r
    expect_error(post(_prov_path(b, "/accept"), token=ptok), 409,
                 "invalid_state")
    expect_error(post(_prov_path(b, "/decline"), {"reason": "太晚了"},
                      token=ptok), 409, "invalid_state")
    expect_error(post(_order_path(b, "/cancel"), token=etok), 409,
                 "invalid_state")
    g = _get_order(etok, b)
    assert g["status"] == "cancelled" and g["cancel_reason"] == \
        "accept_timeout", g
    assert g["events"][-1]["actor_role"] == "system", g
    assert g["events"][-1]["from_status"] == "pending", g
    # the guide's article, not the rule id (issue 11, point 14)
    assert "《工作指南》五（二）4" in g["events"][-1]["reason"], g
    assert _audit(b["id"]) == ["order.create", "order.cancelled"]

    # the sweeper materialises c
    out = ctl("sweep")
    assert out.returncode == 0, (out.stdout, out.stderr)
    assert _db_order(c["id"]) == {"status": "cancelled", "reserved": 0,
                                  "unit_held": 0,
                                  "cancel_reason": "accept_timeout"}
    assert _db_order(a["id"])["status"] == "accepted"
    assert _db_product(p["id"]) == (4, 1)
    assert _db_occupied(e["id"], a["year"]) == db_before + 240000
    assert _audit(c["id"]) == ["order.create", "order.cancelled"]
    out = ctl("reconcile")
    assert out.returncode in (0, 1), (out.stdout, out.stderr)
    assert "reconcile:" in out.stdout, out.stdout
    for line in out.stdout.splitlines():
        assert not line.startswith("product %d:" % p["id"]), out.stdout
        assert not line.startswith("enterprise %d " % e["id"]), out.stdout


@test
def test_O4_timed_out_order_no_longer_counts_against_cap():
    # O4: an order not accepted in time "no longer counts against the
    # year": the next order's reservation (O3) sees the whole cap again.
    pid = provider_id("prov03")
    e = fresh_enterprise()                       # ordinary: 2,000,000
    x = order_product(pid, voucher_price=5000000, units=2)   # 1,500,000
    y = order_product(pid, voucher_price=3333334, units=2)   # 1,000,000
    assert y["unit_subsidy"] == 1000000, y
    # ordered 48 h ago (a clock in the past keeps today's sessions valid)
    set_clock_at(_past_48h())
    assert _order(e["token"], x["id"])["reserved"] == 1500000
    clear_clock()
    assert quota_occupied(e["token"]) == 0
    q = get("/api/quote", token=e["token"], query={"product_id": y["id"]})
    assert q.json["reservable"] == 1000000, q
    o = _order(e["token"], y["id"])
    assert o["reserved"] == 1000000, o           # not min(1e6, 2e6 - 1.5e6)
    assert quota_occupied(e["token"]) == 1000000


@test
def test_O4_timed_out_order_unit_can_be_ordered_again():
    pid = provider_id("prov03")
    p = order_product(pid, units=1)
    # the pool's sessions are made at the real time: a session made under
    # the clock 48 h back would have expired when the clock returns
    ents = [_ent(15), _ent(16), _ent(17)]
    set_clock_at(_past_48h())
    a = _order(ents[0]["token"], p["id"])
    clear_clock()
    seen = wait_product(p["id"], lambda x: x["remaining_units"] == 1)
    assert seen["remaining_units"] == 1, seen
    assert _db_product(p["id"]) == (0, 1)        # not swept yet
    b = _order(ents[1]["token"], p["id"])
    assert b["reserved"] == b["unit_subsidy"], b
    assert _db_order(a["id"]) == {"status": "cancelled", "reserved": 0,
                                  "unit_held": 0,
                                  "cancel_reason": "accept_timeout"}
    assert _db_product(p["id"]) == (0, 1)
    expect_error(place_order(ents[2]["token"], p["id"]), 409, "sold_out")


@test
def test_O6_contract_until_valid_until_then_expired():
    pid, ptok = _prov(3)
    e = _ent(13)                # no other test's orders (they expire too)
    p = order_product(pid, voucher_price=800000, units=3)
    t = _clock_base()
    set_clock_at(t)
    o = _order(e["token"], p["id"])
    db_before = _db_occupied(e["id"], o["year"]) - 240000
    assert o["valid_until"] == iso(t + 30 * DAY), o   # P6 default 30 days
    _accept(ptok, o)

    set_clock_at(t + 30 * DAY - 1)
    ptok = fresh_login("prov03")                 # a session of this clock
    c = _contract(ptok, o, 500000)
    assert c["reserved"] == 150000, c

    set_clock_at(t + 30 * DAY)
    g = _prov_order(ptok, o)
    assert g["status"] == "expired" and g["reserved"] == 0, g
    seen = wait_product(p["id"], lambda x: x["remaining_units"] == 3)
    assert seen["remaining_units"] == 3, seen
    r = put(_prov_path(o, "/contract"), _contract_body(o, 500000),
            token=ptok)
    expect_error(r, 409, "invalid_state")
    assert _db_order(o["id"]) == {"status": "expired", "reserved": 0,
                                  "unit_held": 0, "cancel_reason": ""}
    assert _db_product(p["id"]) == (3, 0)        # the unit returned
    assert _db_occupied(e["id"], o["year"]) == db_before  # released
    g = _prov_order(ptok, o)
    assert g["events"][-1]["from_status"] == "contracted", g
    assert g["events"][-1]["to_status"] == "expired", g
    assert g["events"][-1]["actor_role"] == "system", g
    assert _audit(o["id"])[-1] == "order.expired"


@test
def test_O6_60_day_product_valid_day_59_expired_day_60():
    pid, ptok = _prov(3)
    e = _ent(14)
    p = order_product(pid, voucher_price=800000, units=2, validity_days=60)
    assert p["validity_days"] == 60, p
    t = _clock_base()
    set_clock_at(t)
    o = _order(e["token"], p["id"])
    assert o["valid_until"] == iso(t + 60 * DAY) and \
        o["validity_days"] == 60, o
    _accept(ptok, o)

    set_clock_at(t + 59 * DAY)
    ptok = fresh_login("prov03")                 # a session of this clock
    g = _prov_order(ptok, o)
    assert g["status"] == "accepted" and g["reserved"] == 240000, g
    _contract(ptok, o, 300000)
    assert _prov_order(ptok, o)["status"] == "contracted"

    set_clock_at(t + 60 * DAY)
    ptok = fresh_login("prov03")
    g = _prov_order(ptok, o)
    assert g["status"] == "expired" and g["reserved"] == 0, g
    seen = wait_product(p["id"], lambda x: x["remaining_units"] == 2)
    assert seen["remaining_units"] == 2, seen
