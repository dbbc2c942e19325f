"""Issue 16, stage clocks: every order (and its claim), application and
certification reply carries `deadline` and `clock {rule, name, deadline,
seconds_left, who}` from one pure function (shared/domain/clocks.c, unit
tests in tests/unit/test_clocks.c), at the injectable clock (T2); the
bureau sees what is past its clock by stage and by party
(GET /api/bureau/overdue) and the average days of each stage
(GET /api/bureau/stats: stage_days)."""
import time

from harness import (test, get, post, put, sql, uniq, set_clock_at,
                     fresh_login, fresh_enterprise, new_provider,
                     order_product, place_order, shanghai_date, parse_iso,
                     token)

HOUR = 3600
DAY = 86400


def _prov():
    p, body = new_provider()
    return {"id": p["id"], "login": body["login"],
            "password": body["password"],
            "product": order_product(p["id"], voucher_price=800000,
                                     units=10)}


@test
def test_O4_O6_C2_R4_order_clock_who_and_seconds_left():
    t = int(time.time())
    set_clock_at(t)
    prov = _prov()
    ent = fresh_enterprise()
    r = place_order(ent["token"], prov["product"]["id"])
    assert r.status == 201, r
    o = r.json
    assert o["clock"]["rule"] == "O4" and o["clock"]["who"] == "provider", o
    assert o["clock"]["seconds_left"] == 48 * HOUR, o["clock"]
    assert o["deadline"] == o["accept_deadline"] == o["clock"]["deadline"]

    set_clock_at(t + 10 * HOUR)
    ptok = fresh_login(prov["login"], prov["password"])
    etok = fresh_login(ent["login"], ent["password"])
    lst = get("/api/provider/orders", token=ptok).json["items"]
    mine = [x for x in lst if x["id"] == o["id"]][0]
    assert mine["clock"]["seconds_left"] == 38 * HOUR, mine["clock"]
    r = post("/api/provider/orders/%d/accept" % o["id"], token=ptok)
    assert r.status == 200, r
    c = r.json["clock"]
    assert c["rule"] == "O6" and c["who"] == "provider", c
    assert c["deadline"] == r.json["valid_until"], c
    assert c["seconds_left"] == parse_iso(r.json["valid_until"]) - t - 10 * HOUR
    day = shanghai_date(o["ordered_at"])
    r = put("/api/provider/orders/%d/contract" % o["id"],
            {"contract_no": uniq("HT"), "signed_on": day,
             "service_start_on": day, "amount": 800000,
             "period_months": 12}, token=ptok)
    assert r.status == 200, r
    # the redemption program's submission (R3), in SQL
    sub = t + 11 * HOUR
    sql("UPDATE orders SET status = 'submitted', submitted_at ="
        " FROM_UNIXTIME(%d) WHERE id = %d" % (sub, o["id"]))
    g = get("/api/orders/%d" % o["id"], token=etok).json
    assert g["clock"]["rule"] == "C2" and g["clock"]["who"] == "enterprise"
    assert parse_iso(g["deadline"]) == sub + 15 * DAY, g["deadline"]

    # 15 days on, unconfirmed: the reviewer's (C2), with its target; past
    # it, the bureau sees it overdue, by stage and by party
    set_clock_at(sub + 15 * DAY + 60)
    etok = fresh_login(ent["login"], ent["password"])
    g = get("/api/orders/%d" % o["id"], token=etok).json
    assert g["clock"]["who"] == "reviewer" and g["clock"]["rule"] == "R4", g
    bur = fresh_login("bureau")
    od = get("/api/bureau/overdue", token=bur)
    assert od.status == 200, od
    assert o["id"] not in [x["id"] for x in od.json["items"]
                           if x["subject"] == "order"]
    set_clock_at(sub + 25 * DAY + 60)
    bur = fresh_login("bureau")
    od = get("/api/bureau/overdue", token=bur, query={"per_page": 100}).json
    item = [x for x in od["items"] if x["subject"] == "order"
            and x["id"] == o["id"]]
    assert len(item) == 1, od
    assert item[0]["who"] == "reviewer" and item[0]["overdue_seconds"] == 60
    assert item[0]["seconds_left"] == -60 and item[0]["ref"] == o["order_no"]
    assert {"who": "reviewer"}.items() <= [x for x in od["by_party"]
                                           if x["who"] == "reviewer"][0].items()
    assert sum(x["n"] for x in od["by_stage"]) == od["total"] == \
        len(od["items"]), od
    overdue = [x["overdue_seconds"] for x in od["items"]]
    assert overdue == sorted(overdue, reverse=True), overdue
    # issue 13: in the list shape, a page of the same merged order
    assert od["page"] == 1 and od["per_page"] == 100, od
    one = [get("/api/bureau/overdue", token=bur,
               query={"page": p, "per_page": 1}).json for p in (1, 2)]
    assert [o["total"] for o in one] == [od["total"]] * 2, one
    for p, o in enumerate(one):
        assert o["items"] == od["items"][p:p + 1], (p, o, od["items"])
    past = get("/api/bureau/overdue", token=bur,
               query={"page": od["total"] + 1, "per_page": 1}).json
    assert past["items"] == [] and past["total"] == od["total"], past
    assert get("/api/bureau/overdue", token=bur,
               query={"per_page": 0}).status == 400
    # anyone but the bureau: refused
    assert get("/api/bureau/overdue",
               token=fresh_login("reviewer")).status == 403


@test
def test_stage_clocks_applications_certifications_and_stage_days():
    rev = token("reviewer")
    r = get("/api/review/applications", token=rev,
            query={"status": "pending"})
    assert r.status == 200 and r.json["items"], r
    for a in r.json["items"]:
        assert a["clock"]["rule"] == "A6", a
        assert a["clock"]["who"] in ("reviewer", "bureau"), a
    one = get("/api/review/applications/%d" % r.json["items"][0]["id"],
              token=rev).json
    assert one["clock"]["rule"] == "A6", one
    r = get("/api/review/certifications", token=rev,
            query={"status": "pending"})
    assert r.status == 200, r
    for c in r.json["items"]:
        assert c["clock"]["rule"] == "E9" and c["clock"]["who"] == \
            "reviewer", c
        assert c["deadline"] is not None, c
    s = get("/api/bureau/stats", token=token("bureau"))
    assert s.status == 200, s
    stages = s.json["stage_days"]
    assert [x["stage"] for x in stages] == ["accept", "contract", "submit",
                                            "review", "publish", "pay"], stages
    assert all(x["days"] >= 0 and x["orders"] >= 0 for x in stages), stages
    assert stages[0]["orders"] > 0, stages       # the demo's orders


@test
def test_C2_R4_R5_decision_due_repeats_the_clocks_days():
    """019's stored orders.decision_due (the overdue list's index) repeats
    shared/domain/clocks.h in SQL: an unconfirmed claim is due C2 + R4
    days after its submission, a confirmed one R4 days after, an approved
    order R5 days after its approval. They must change together."""
    import os
    import re
    from harness import ROOT
    with open(os.path.join(ROOT, "shared", "domain", "clocks.h")) as fh:
        days = dict(re.findall(r"#define (CLOCK_\w+_DAYS)\s+(\d+)", fh.read()))
    expr = sql("SELECT generation_expression FROM information_schema.columns"
               " WHERE table_schema = 'voucher' AND table_name = 'orders'"
               " AND column_name = 'decision_due'")[0][0]
    got = [int(n) for n in re.findall(r"interval (\d+) day", expr, re.I)]
    want = [int(days["CLOCK_CONFIRM_DAYS"]) + int(days["CLOCK_REVIEW_DAYS"]),
            int(days["CLOCK_REVIEW_DAYS"]), int(days["CLOCK_PUBLISH_DAYS"])]
    assert got == want, (got, want, expr)
