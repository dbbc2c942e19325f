"""Provider scorecards (issue 16 §4): GET /api/bureau/providers/{id}/
scorecard (bureau, reviewer) and GET /api/provider/scorecard (a provider,
its own only), one computation in fcgi-apps/oversight/scorecard.c.

One provider is taken through every figure with the clock moved (T2):
orders accepted within 48 h (one at 47 h), a decline, an order left past
its 48 hours (O4), an enterprise's cancellation (O5, not the provider's
doing: outside every base), three accepted orders left past their
validity (O6), a claim returned for correction and one rejected (R4), an upheld
objection (R5), a refund after payment (R6) and the enterprises' ratings
(C1). The category's median is checked against the peers' own figures.
"""
import time

from harness import (test, get, post, sql, expect_error, fresh_login,
                     fresh_enterprise, place_order, set_clock_at, iso,
                     shanghai_date)
from pubflow import (bureau, provider_party, contracted_order,
                     approved_claim, published, after_period, pay,
                     refund, uphold_objection)

HOUR = 3600
DAY = 86400


def scorecard(pid, tok):
    r = get("/api/bureau/providers/%d/scorecard" % pid, token=tok)
    assert r.status == 200, r
    return r.json


def fig(card, key):
    return [f for f in card["figures"] if f["key"] == key][0]


def median(vs):
    vs = sorted(vs)
    n = len(vs)
    if n == 0:
        return None
    return vs[n // 2] if n % 2 else (vs[n // 2 - 1] + vs[n // 2]) / 2


def claim_event(o, to_status, reason, at):
    """A claim submitted then returned (to contracted) or rejected at
    review: the order's submission and the review's event, as the
    redemption program records them (R3, R4)."""
    sql("UPDATE orders SET submitted_at = FROM_UNIXTIME(%d)%s WHERE id = %d;"
        "INSERT INTO order_events (order_id, at, actor_role, from_status,"
        " to_status, reason) VALUES (%d, FROM_UNIXTIME(%d), 'reviewer',"
        " 'submitted', '%s', '%s')"
        % (at, ", status = 'rejected'" if to_status == "rejected" else "",
           o["id"], o["id"], at, to_status, reason))


@test
def test_scorecard_figures_medians_and_who_sees_it():
    t = int(time.time())
    set_clock_at(t)
    prov = provider_party()
    pid = prov["id"]
    pid_product = prov["product"]["id"]
    other = provider_party()          # made now: tokens age with the clock
    someone = fresh_enterprise()

    def ptok():
        return fresh_login(prov["login"], prov["password"])

    def order():
        e = fresh_enterprise()
        r = place_order(e["token"], pid_product)
        assert r.status == 201, r
        return r.json, e

    # at t: accepted at once, a decline, one left alone, one cancelled by
    # its enterprise (O5: outside every base), one accepted later
    o1, _ = order()
    assert post("/api/provider/orders/%d/accept" % o1["id"],
                token=prov["token"]).status == 200
    o2, _ = order()
    o3, _ = order()
    assert post("/api/provider/orders/%d/decline" % o3["id"],
                {"reason": "档期已满"}, token=prov["token"]).status == 200
    o4, _ = order()
    o5, e5 = order()
    assert post("/api/orders/%d/cancel" % o5["id"],
                token=e5["token"]).status == 200
    # claims: one returned for correction, one rejected (R4)
    o6 = contracted_order(prov)
    claim_event(o6, "contracted", "发票金额与合同不符", t + 60)
    o7 = contracted_order(prov)
    claim_event(o7, "rejected", "服务未实际开展", t + 120)
    # two approved and published; an objection upheld on one (R5)
    o8 = approved_claim(prov)
    o9 = approved_claim(prov)
    b = published([o8, o9])
    uphold_objection(b, o8["id"], "合同虚构")
    # at 47 h: o2 accepted, still within its 48 hours (O4)
    set_clock_at(t + 47 * HOUR)
    assert post("/api/provider/orders/%d/accept" % o2["id"],
                token=ptok()).status == 200
    # past the publicity period: o4's 48 hours are over, it can no longer
    # be accepted; the batch is paid and o9 refunded in part (R6)
    btok, t2 = after_period(b)
    r = post("/api/provider/orders/%d/accept" % o4["id"], token=ptok())
    assert r.status in (409, 422), r
    assert pay(b["id"], btok, shanghai_date(iso(t2))).status == 200
    r = refund(o9["id"], ptok(), {"amount": 1000, "reason": "部分退款"})
    assert r.status in (200, 201), r
    # O6: past the validity of o1, o2 (never contracted) and o6 (its claim
    # returned, not submitted again)
    set_clock_at(t + 47 * HOUR + 31 * DAY)
    btok = fresh_login("bureau")

    card = scorecard(pid, btok)
    assert card["provider"]["id"] == pid
    assert card["category"]["code"] == prov["product"]["category"]
    want = {  # key: (count, base)
        "received": (9, 0),
        "accepted_in_48h": (6, 8),     # o1 o2 o6 o7 o8 o9 of 9 - o5
        "declined": (1, 8),
        "accept_timeout": (1, 8),
        "expired": (3, 6),             # o1, o2, o6
        "claims_returned": (1, 4),     # of o6 o7 o8 o9 submitted
        "claims_rejected": (1, 4),
        "objections_upheld": (1, 2),   # of o8 o9 listed
        "refunds": (1, 1),             # of o9 paid
    }
    for key, (count, base) in want.items():
        f = fig(card, key)
        assert (f["count"], f["base"]) == (count, base), (key, f)
        if key != "received":
            assert f["rate"] == round(count / base, 4), f
    assert fig(card, "accepted_in_48h")["better"] == "higher"
    assert fig(card, "declined")["better"] == "lower"
    ratings = {x["aspect"]: x for x in card["ratings"]}
    # contracted_order rates 5 / 4 / 5 (o6 o7 o8 o9)
    assert ratings["quality"]["average"] == 5.0 and \
        ratings["quality"]["count"] == 4, ratings
    assert ratings["timeliness"]["average"] == 4.0
    assert ratings["attitude"]["average"] == 5.0
    kinds = {(x["kind"], x["reason"]) for x in card["reasons"]}
    assert ("returned", "发票金额与合同不符") in kinds, card["reasons"]
    assert ("rejected", "服务未实际开展") in kinds

    # the category's median: over the providers with products in the
    # category (and orders), each one's own rate
    peers = [int(x[0]) for x in sql(
        "SELECT DISTINCT p.provider_id FROM products p JOIN orders o"
        " ON o.provider_id = p.provider_id WHERE p.category = '%s'"
        % card["category"]["code"])]
    assert pid in peers and card["peers"] == len(peers), (card["peers"],
                                                          len(peers))
    cards = [card] + [scorecard(p, btok) for p in peers if p != pid]
    for key in want:
        vals = [fig(c, key)["count"] if key == "received" else
                fig(c, key)["rate"] for c in cards]
        m = median([v for v in vals if v is not None])
        got = fig(card, key)["median"]
        assert got is not None and abs(got - m) < 0.0002, (key, got, m)
    q = median([c["ratings"][0]["average"] for c in cards
                if c["ratings"][0]["average"] is not None])
    assert abs(ratings["quality"]["median"] - q) < 0.006

    # the provider sees its own, the same figures; never another's
    own = get("/api/provider/scorecard", token=ptok())
    assert own.status == 200, own
    assert own.json["figures"] == card["figures"]
    otok = fresh_login(other["login"], other["password"])
    expect_error(get("/api/bureau/providers/%d/scorecard" % pid,
                     token=otok), 403)
    mine = get("/api/provider/scorecard", token=otok).json
    assert mine["provider"]["id"] == other["id"]
    assert fig(mine, "received")["count"] == 0
    # the reviewer sees it beside each pending application; an enterprise
    # does not; an unknown provider is 404
    assert scorecard(pid, fresh_login("reviewer"))["provider"]["id"] == pid
    expect_error(get("/api/bureau/providers/%d/scorecard" % pid,
                     token=fresh_login(someone["login"],
                                       someone["password"])), 403)
    expect_error(get("/api/bureau/providers/999999999/scorecard",
                     token=btok), 404, "not_found")
