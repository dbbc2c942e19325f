"""Issue 16, reminders: the sweeper (`voucherctl sweep`) computes the
messages of order events and the deadline warnings from the rules the
programs enforce (O4, O6, C2, R4, R5) at the injectable clock (T2), and
writes each once (a key per order + kind + threshold) to every member who
may act for the party: administrators and operators, not viewers; a ready
account in no organisation as itself. A member with a mobile gets an SMS
through the outbox and the same message in its in-app inbox; one without
gets it in the inbox only. Members switch kinds off, except deadline
warnings (notification_prefs)."""
import json
import os
import random
import time

from harness import (test, get, post, put, sql, expect_error, uniq,
                     set_clock_at, fresh_login, fresh_enterprise,
                     new_provider, order_product, place_order, ctl,
                     shanghai_date, request, STATE)

HOUR = 3600
DAY = 86400
OUTBOX = os.path.join(STATE, "outbox.jsonl")
PASSWORD = "test-pass-2024"


def _mobile():
    return "13" + str(random.randint(5, 9)) + "%08d" % random.randint(
        0, 99999999)


def _public(method, path, body=None):
    for _ in range(200):
        r = request(method, path, body=body)
        if r.status != 429:
            return r
        time.sleep(0.25)
    raise AssertionError("rate limit never cleared")


def _sent(to, kind):
    """The messages of kind sent to mobile `to` (the outbox sent first)."""
    out = ctl("notify")
    assert out.returncode == 0, (out.stdout, out.stderr)
    msgs = []
    if os.path.exists(OUTBOX):
        with open(OUTBOX, encoding="utf-8") as f:
            for line in f:
                m = json.loads(line)
                if m["to"] == to and m["kind"] == kind:
                    msgs.append(m)
    return msgs


def _member(admin_tok, role):
    """A member of role invited by mobile and accepted: (account id,
    mobile)."""
    m = _mobile()
    r = post("/api/org/members", {"mobile": m, "role": role, "name": "成员"},
             token=admin_tok)
    assert r.status == 201, r
    code = _sent(m, "invite_code")[-1]["fields"]["code"]
    r = _public("POST", "/api/signup/accept", {
        "mobile": m, "code": code, "password": PASSWORD, "name": "成员"})
    assert r.status == 200, r
    return int(sql("SELECT id FROM accounts WHERE mobile='%s'" % m)[0][0]), m


def _party():
    """A provider (its bureau-made administrator has no mobile: inbox
    only) with an operator and a viewer, and a product."""
    p, body = new_provider()
    tok = fresh_login(body["login"], body["password"])
    assert get("/api/org", token=tok).status == 200   # its organisation
    op, op_mobile = _member(tok, "operator")
    viewer, _ = _member(tok, "viewer")
    admin = int(sql("SELECT id FROM accounts WHERE login='%s'"
                    % body["login"])[0][0])
    prod = order_product(p["id"], voucher_price=800000, units=10)
    return {"id": p["id"], "login": body["login"], "password": body["password"],
            "admin": admin, "operator": op, "operator_mobile": op_mobile,
            "viewer": viewer, "product": prod}


def _account(login):
    return int(sql("SELECT id FROM accounts WHERE login='%s'" % login)[0][0])


def _msgs(order_id, kind=None):
    """(account_id, kind, channel, left) of every message of an order."""
    rows = sql("SELECT account_id, kind, channel,"
               " JSON_VALUE(payload, '$.left') FROM notifications"
               " WHERE link IN ('/prov.html?order=%d', '/ent.html?order=%d')"
               " ORDER BY id" % (order_id, order_id))
    return [(int(a), k, c, left) for a, k, c, left in rows
            if kind is None or k == kind]


def _sweep():
    out = ctl("sweep")
    assert out.returncode == 0, (out.stdout, out.stderr)


def _order(ent, prov):
    r = place_order(ent["token"], prov["product"]["id"])
    assert r.status == 201, r
    return r.json


@test
def test_O4_reminders_new_order_and_24h_4h_warnings_once_each_to_acting_members():
    t = int(time.time())
    set_clock_at(t)
    prov = _party()
    ent = fresh_enterprise()
    a = _order(ent, prov)               # accepted after the 24 h warning
    b = _order(ent, prov)               # never accepted: both warnings
    c = _order(ent, prov)               # declined
    acting = sorted([prov["admin"], prov["operator"]])

    _sweep()
    _sweep()                            # a second run sends nothing again
    for o in (a, b, c):
        got = _msgs(o["id"])
        assert sorted(x[0] for x in got) == acting, got   # not the viewer
        assert all(x[1] == "order_new" for x in got), got
        assert {x[0]: x[2] for x in got} == {
            prov["admin"]: "inbox", prov["operator"]: "sms"}, got
    sms = [m for m in _sent(prov["operator_mobile"], "order_new")
           if m["fields"]["order_id"] == a["id"]]
    assert len(sms) == 1, sms
    assert "/prov.html?order=%d" % a["id"] in sms[0]["text"], sms
    assert a["order_no"] in sms[0]["text"] and "北京时间" in sms[0]["text"]

    # just before 24 h are left: nothing; just after: one warning each
    set_clock_at(t + 24 * HOUR - 60)
    _sweep()
    assert _msgs(b["id"], "accept_due") == []
    set_clock_at(t + 24 * HOUR + 60)
    ptok = fresh_login(prov["login"], prov["password"])
    r = post("/api/provider/orders/%d/decline" % c["id"],
             {"reason": "档期已满"}, token=ptok)
    assert r.status == 200, r
    _sweep()
    _sweep()
    for o in (a, b):
        got = _msgs(o["id"], "accept_due")
        assert sorted(x[0] for x in got) == acting, got
        assert all(x[3] == "24 小时" for x in got), got
    # the declined one warns nobody more, and tells the enterprise once
    assert _msgs(c["id"], "accept_due") == []
    declined = _msgs(c["id"], "order_declined")
    assert [x[0] for x in declined] == [_account(ent["login"])], declined
    assert declined[0][2] == "inbox"

    # a is accepted: the enterprise is told; no 4 h warning for a
    r = post("/api/provider/orders/%d/accept" % a["id"], token=ptok)
    assert r.status == 200, r
    set_clock_at(t + 44 * HOUR + 60)
    _sweep()
    _sweep()
    assert [x[0] for x in _msgs(a["id"], "order_accepted")] == \
        [_account(ent["login"])]
    assert [x[3] for x in _msgs(a["id"], "accept_due")] == ["24 小时"] * 2
    got = _msgs(b["id"], "accept_due")
    assert sorted(x[3] for x in got) == ["24 小时"] * 2 + ["4 小时"] * 2, got

    # past 48 h b is cancelled: nothing more
    set_clock_at(t + 48 * HOUR + 60)
    _sweep()
    assert len(_msgs(b["id"])) == 2 + 4, _msgs(b["id"])


@test
def test_O6_C2_R4_R5_reminders_validity_confirmation_and_claim_events():
    t = int(time.time())
    set_clock_at(t)
    prov = _party()
    ent = fresh_enterprise()
    eacc = _account(ent["login"])
    acting = sorted([prov["admin"], prov["operator"]])
    ptok = fresh_login(prov["login"], prov["password"])
    a = _order(ent, prov)               # runs to the end of its validity
    b = _order(ent, prov)               # its claim is submitted (C2)
    for o in (a, b):
        r = post("/api/provider/orders/%d/accept" % o["id"], token=ptok)
        assert r.status == 200, r
    day = shanghai_date(b["ordered_at"])
    r = put("/api/provider/orders/%d/contract" % b["id"],
            {"contract_no": uniq("HT"), "signed_on": day,
             "service_start_on": day, "amount": 800000,
             "period_months": 12}, token=ptok)
    assert r.status == 200, r
    _sweep()
    # what the redemption program's submission does (R3), in SQL
    sql("UPDATE orders SET status = 'submitted', submitted_at ="
        " FROM_UNIXTIME(%d) WHERE id = %d AND status = 'contracted';"
        "INSERT INTO order_events (order_id, at, actor_role, from_status,"
        " to_status, reason) VALUES (%d, FROM_UNIXTIME(%d), 'provider',"
        " 'contracted', 'submitted', 'test')" % (t, b["id"], b["id"], t))
    _sweep()
    got = _msgs(b["id"], "confirm_requested")
    assert [x[0] for x in got] == [eacc], got     # to the enterprise, once

    valid_until = a["valid_until"]
    from harness import parse_iso
    end = parse_iso(valid_until)
    set_clock_at(end - 7 * DAY - 60)
    _sweep()
    assert _msgs(a["id"], "validity_ending") == []
    set_clock_at(end - 7 * DAY + 60)
    _sweep()
    _sweep()
    got = _msgs(a["id"], "validity_ending")
    assert sorted(x[0] for x in got) == sorted(acting + [eacc]), got
    # the submitted claim's voucher is no longer warned about (O6)
    assert _msgs(b["id"], "validity_ending") == []
    set_clock_at(end - DAY + 60)
    _sweep()
    got = _msgs(a["id"], "validity_ending")
    assert sorted(x[3] for x in got) == ["1 天"] * 3 + ["7 天"] * 3, got

    # C2: 3 days before the 15 days end, while not confirmed: once
    set_clock_at(t + 12 * DAY - 60)
    _sweep()
    assert len(_msgs(b["id"], "confirm_requested")) == 1
    set_clock_at(t + 12 * DAY + 60)
    _sweep()
    _sweep()
    got = _msgs(b["id"], "confirm_requested")
    assert [x[0] for x in got] == [eacc, eacc], got
    assert got[1][3] == "3 天", got

    # R4 and R5 decisions (as the programs record them): returned for
    # correction, then approved, publicized and paid - each once to the
    # provider's acting members
    for frm, to in (("submitted", "contracted"), ("contracted", "submitted"),
                    ("submitted", "approved"), ("approved", "publicized"),
                    ("publicized", "paid")):
        sql("INSERT INTO order_events (order_id, at, actor_role,"
            " from_status, to_status, reason) VALUES (%d, UTC_TIMESTAMP(),"
            " 'bureau', '%s', '%s', '退回说明')" % (b["id"], frm, to))
    _sweep()
    _sweep()
    for kind in ("claim_returned", "claim_approved", "publicity_started",
                 "paid"):
        got = _msgs(b["id"], kind)
        assert sorted(x[0] for x in got) == acting, (kind, got)
    # the second submission asks the enterprise again only if it has not
    # confirmed (it has not): one more
    assert len(_msgs(b["id"], "confirm_requested")) == 3


@test
def test_reminders_inbox_unread_read_and_prefs():
    t = int(time.time())
    set_clock_at(t)
    prov = _party()
    ent = fresh_enterprise()
    admin = fresh_login(prov["login"], prov["password"])
    op_tok = fresh_login(prov["operator_mobile"], PASSWORD)
    a = _order(ent, prov)
    _sweep()
    r = get("/api/notifications", token=admin)
    assert r.status == 200, r
    assert {"items", "total", "page", "per_page", "unread"} <= set(r.json)
    mine = [m for m in r.json["items"] if m["link"] ==
            "/prov.html?order=%d" % a["id"]]
    assert len(mine) == 1 and mine[0]["kind"] == "order_new", mine
    assert mine[0]["kind_name"] == "新订单" and mine[0]["read"] is False
    before = get("/api/notifications/unread", token=admin).json["unread"]
    assert before >= 1 and before == r.json["unread"]
    r = post("/api/notifications/%d/read" % mine[0]["id"], token=admin)
    assert r.status == 200 and r.json["read"] is True, r
    assert get("/api/notifications/unread", token=admin).json["unread"] == \
        before - 1
    # another account's message is not found
    expect_error(post("/api/notifications/%d/read" % mine[0]["id"],
                      token=op_tok), 404, "not_found")
    expect_error(get("/api/notifications", token=admin,
                     query={"unread": "2"}), 400, field="unread")

    # settings: the operator turns new orders off, not deadline warnings
    r = get("/api/notifications/prefs", token=op_tok)
    assert r.status == 200, r
    kinds = {k["kind"]: k for k in r.json["items"]}
    assert kinds["order_new"]["optional"] is True
    assert kinds["accept_due"]["optional"] is False
    assert "order_accepted" not in kinds          # an enterprise's kind
    expect_error(put("/api/notifications/prefs", {"accept_due": False},
                     token=op_tok), 422, "cannot_turn_off", "accept_due")
    expect_error(put("/api/notifications/prefs", {"order_accepted": False},
                     token=op_tok), 400, field="order_accepted")
    r = put("/api/notifications/prefs", {"order_new": False}, token=op_tok)
    assert r.status == 200, r
    assert {k["kind"]: k["enabled"] for k in r.json["items"]}[
        "order_new"] is False
    b = _order(ent, prov)
    _sweep()
    assert [x[0] for x in _msgs(b["id"], "order_new")] == [prov["admin"]]
    # a viewer reads its (empty) inbox; reviewer and bureau have one too
    for login in ("reviewer", "bureau"):
        r = get("/api/notifications", token=fresh_login(login))
        assert r.status == 200 and "unread" in r.json, r
