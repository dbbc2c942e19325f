"""Issue 16 §2, the remaining gaps: every order, claim, application and
certification reply carries `deadline` and `clock`. Here the replies that
lacked them: the claim (GET /api/redemptions/{order_id}, the review queue
GET /api/review/claims), a draft application's A2 deadline (the end of its
round's window), and the bureau's order list (GET /api/bureau/orders) —
each checked with the clock moved across its deadline (T2)."""
import time

import calendar

from harness import test, get, sql, set_clock_at, fresh_login, parse_iso
from pubflow import provider_party, contracted_order

DAY = 86400


def clock_day_end(ymd):
    """The instant an Asia/Shanghai calendar day ends: the next day's
    00:00 +08:00 (T1)."""
    y, m, d = (int(x) for x in ymd.split("-"))
    return calendar.timegm((y, m, d, 0, 0, 0)) + DAY - 8 * 3600


def claim_clock(oid, tok):
    r = get("/api/redemptions/%d" % oid, token=tok)
    assert r.status == 200, r
    return r.json


@test
def test_clockgap_O6_R4_claim_reply_and_review_queue_carry_the_order_clock():
    t = int(time.time())
    set_clock_at(t)
    prov = provider_party()
    o = contracted_order(prov)           # accepted, contracted, confirmed
    oid = o["id"]
    vu = parse_iso(o["valid_until"])
    # the claim of a contracted order: O6, the provider's
    c = claim_clock(oid, prov["token"])
    assert c["clock"]["rule"] == "O6" and c["clock"]["who"] == "provider", c
    assert parse_iso(c["deadline"]) == vu, c
    assert c["clock"]["seconds_left"] == vu - t, c["clock"]
    # just past the validity, not yet swept: the clock says it is over
    set_clock_at(vu - 60)
    ptok = fresh_login(prov["login"], prov["password"])
    assert claim_clock(oid, ptok)["clock"]["seconds_left"] == 60
    set_clock_at(t)
    # submitted (R3, in SQL as the redemption program does) and confirmed:
    # the reviewer's, CLOCK_REVIEW_DAYS after submission
    sub = t + 3600
    k = o["contract"]
    sql("INSERT INTO redemption_claims (order_id, status, invoice_no,"
        " invoice_date, invoice_total, invoice_voucher_amount,"
        " invoice_self_paid, receipt_date, receipt_amount, created_at,"
        " updated_at, submitted_at) VALUES (%d, 'submitted', 'INV%d', '%s',"
        " %d, %d, %d, '%s', %d, FROM_UNIXTIME(%d), FROM_UNIXTIME(%d),"
        " FROM_UNIXTIME(%d));"
        "UPDATE orders SET status = 'submitted', submitted_at ="
        " FROM_UNIXTIME(%d) WHERE id = %d"
        % (oid, oid, k["signed_on"], k["amount"], k["subsidy"],
           k["self_paid"], k["signed_on"], k["self_paid"], sub, sub, sub,
           sub, oid))
    end = sub + 10 * DAY
    for at, left in ((end - 60, 60), (end + 60, -60)):
        set_clock_at(at)
        rev = fresh_login("reviewer")
        c = claim_clock(oid, rev)
        assert c["clock"]["rule"] == "R4" and c["clock"]["who"] == \
            "reviewer", c
        assert parse_iso(c["deadline"]) == end and \
            c["clock"]["seconds_left"] == left, c["clock"]
        q = get("/api/review/claims", token=rev,
                query={"status": "submitted", "per_page": 100})
        assert q.status == 200, q
        total = q.json["total"]
        items = q.json["items"]
        page = 2
        while oid not in [x["order_id"] for x in items] and \
                len(items) < total:
            items += get("/api/review/claims", token=rev,
                         query={"status": "submitted", "per_page": 100,
                                "page": page}).json["items"]
            page += 1
        mine = [x for x in items if x["order_id"] == oid][0]
        assert mine["clock"]["rule"] == "R4", mine
        assert mine["clock"]["seconds_left"] == left, mine["clock"]
        assert parse_iso(mine["deadline"]) == end


@test
def test_clockgap_O6_bureau_order_list_carries_the_clock():
    t = int(time.time())
    set_clock_at(t)
    prov = provider_party()
    o = contracted_order(prov)
    vu = parse_iso(o["valid_until"])
    for at, left in ((vu - 60, 60), (vu + 60, None)):
        set_clock_at(at)
        r = get("/api/bureau/orders", token=fresh_login("bureau"),
                query={"provider_id": prov["id"]})
        assert r.status == 200, r
        mine = [x for x in r.json["items"] if x["id"] == o["id"]][0]
        if left is None:
            # past the validity, not submitted: expired (O6), no clock
            assert mine["status"] == "expired" and mine["clock"] is None, \
                mine
            assert mine["deadline"] is None
        else:
            assert mine["clock"]["rule"] == "O6", mine
            assert mine["clock"]["seconds_left"] == left
            assert parse_iso(mine["deadline"]) == vu


@test
def test_clockgap_A2_draft_application_deadline_is_the_rounds_window():
    year, closes = sql("SELECT year, apply_closes_on FROM rounds"
                       " WHERE is_current = 1")[0]
    end = clock_day_end(closes)        # the last day ends 00:00 +08:00
    for at, left in ((end - 60, 60), (end + 60, -60)):
        set_clock_at(at)
        tok = fresh_login("prov01")
        r = get("/api/applications", token=tok, query={"status": "draft"})
        assert r.status == 200, r
        drafts = [a for a in r.json["items"]
                  if int(a["round_year"]) == int(year)]
        assert drafts, r.json
        for a in drafts:
            assert a["clock"]["rule"] == "A2" and a["clock"]["who"] == \
                "provider", a
            assert parse_iso(a["deadline"]) == end, (a["deadline"], closes)
            assert a["clock"]["seconds_left"] == left, a["clock"]
            assert "window_closes_on" not in a
        one = get("/api/applications/%d" % drafts[0]["id"], token=tok)
        assert one.status == 200, one
        assert parse_iso(one.json["deadline"]) == end
        assert one.json["clock"]["seconds_left"] == left


@test
def test_clockgap_E9_org_page_carries_the_certification_clock():
    # the demo's self-registered enterprise waits in the verification
    # queue (E9); its own page (GET /api/org) shows the same clock as the
    # reviewer's queue
    tok = fresh_login("13800138001")
    r = get("/api/org", token=tok)
    assert r.status == 200, r
    assert r.json["state"] == "submitted", r.json["state"]
    sub = parse_iso(r.json["pending"]["submitted_at"])
    end = sub + 5 * DAY                     # CLOCK_CERTIFICATION_DAYS
    for at, left in ((end - 60, 60), (end + 60, -60)):
        set_clock_at(at)
        o = get("/api/org", token=fresh_login("13800138001")).json
        assert o["clock"]["rule"] == "E9" and o["clock"]["who"] == \
            "reviewer", o["clock"]
        assert parse_iso(o["deadline"]) == end
        assert o["clock"]["seconds_left"] == left, o["clock"]
        q = get("/api/review/certifications", token=fresh_login("reviewer"),
                query={"status": "pending", "per_page": 100}).json
        mine = [c for c in q["items"] if c["id"] == r.json["pending"]["id"]]
        assert mine and mine[0]["deadline"] == o["deadline"], mine
