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
                     token, ctl)

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


# issue 13: the overdue counts (by_stage, total) from 026's folded totals,
# the minutes not folded yet and the cut's minute from the rows (or all
# from the rows when the clock is behind a fold): each stage's name (clocks.c) and what it
# counts, straight from the rows, at the clock t (UTC DATETIMEs)
OVERDUE_STAGES = (
    ("兑付申请初审", "SELECT COUNT(*) FROM orders WHERE status = 'submitted'"
     " AND decision_due <= '{now}'"),
    ("纳入公示", "SELECT COUNT(*) FROM orders WHERE status = 'approved'"
     " AND decision_due <= '{now}'"),
    ("初审", "SELECT COUNT(*) FROM product_applications WHERE state ="
     " 'pending' AND reviewer_opinion IS NULL AND last_submitted_at <= '{app}'"),
    ("审定", "SELECT COUNT(*) FROM product_applications WHERE state ="
     " 'pending' AND reviewer_opinion IS NOT NULL"
     " AND last_submitted_at <= '{app}'"),
    ("认证审核", "SELECT COUNT(*) FROM certifications WHERE status ="
     " 'pending' AND submitted_at <= '{cert}'"),
)


def _dt(t):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))


_OVERDUE_TOKEN = "overdue-counts-test".ljust(43, "x")


def _overdue_is_the_rows(t):
    """At the clock t, GET /api/bureau/overdue counts each stage as the
    rows do (the bureau's session made valid at t in SQL: the clock goes
    back and forth by weeks)."""
    set_clock_at(t)
    sql("DELETE FROM sessions WHERE token_hash = UNHEX(SHA2('{tok}', 256));"
        " INSERT INTO sessions (token_hash, account_id, csrf_token,"
        " created_at, last_seen_at, expires_at) SELECT"
        " UNHEX(SHA2('{tok}', 256)), id, REPEAT('c', 43), '{now}', '{now}',"
        " '{now}' + INTERVAL 1 HOUR FROM accounts WHERE login = 'bureau'"
        .format(tok=_OVERDUE_TOKEN, now=_dt(t)))
    od = get("/api/bureau/overdue", token=_OVERDUE_TOKEN,
             query={"per_page": 1})
    assert od.status == 200, od
    got = {x["stage"]: x["n"] for x in od.json["by_stage"]}
    cuts = {"now": _dt(t), "app": _dt(t - 20 * DAY),
            "cert": _dt(t - 5 * DAY)}
    row = sql("SELECT " + ", ".join("(%s)" % q.format(**cuts)
                                    for _, q in OVERDUE_STAGES))[0]
    want = {name: int(n) for (name, _), n in zip(OVERDUE_STAGES, row)
            if int(n)}
    assert got == want, (_dt(t), got, want)
    assert od.json["total"] == sum(want.values()), (_dt(t), od.json)


def _around(due):
    """The instants about a deadline due: just before it, at it, across
    the midnight (UTC) after it, and days on."""
    midnight = (due // DAY + 1) * DAY
    return (due - 1, due, midnight - 1, midnight, due + 6 * DAY)


def _counts_are_the_rows():
    """026's folded totals and minutes are their rows, both ways
    (tests/scale/check_026.sql)."""
    import os
    from harness import ROOT
    with open(os.path.join(ROOT, "tests", "scale", "check_026.sql")) as fh:
        checks = [s.strip() for s in fh.read().split(";") if "SELECT" in s]
    for q in checks:
        q = "\n".join(x for x in q.splitlines() if not x.startswith("--"))
        label, n = sql(q)[0]
        assert n == "0", (label, n)


def _pending_application(provider_id, at):
    """An application of the provider pending since at (the collection
    program's submission, A5, in SQL): its id."""
    sql("INSERT INTO product_applications (round_year, provider_id, state,"
        " form_json, created_at, updated_at, last_submitted_at, submit_count)"
        " SELECT MAX(year), %d, 'pending', '{}', '%s', '%s', '%s', 1"
        " FROM rounds" % (provider_id, _dt(at), _dt(at), _dt(at)))
    return int(sql("SELECT MAX(id) FROM product_applications WHERE"
                   " provider_id = %d" % provider_id)[0][0])


def _pending_certification(t, at, by):
    """A new organisation (made at t) with its certification pending since
    at (E9, the registration program's submission in SQL): (org, its
    certification's id)."""
    sql("INSERT INTO organisations (kind, created_at, updated_at)"
        " VALUES ('provider', '%s', '%s')" % (_dt(t), _dt(t)))
    org = sql("SELECT MAX(id) FROM organisations")[0][0]
    sql("INSERT INTO certifications (org_id, kind, name, uscc, values_json,"
        " submitted_at, submitted_by) VALUES (%s, 'provider', '%s',"
        " '91110000000000000X', '{}', '%s', %s)"
        % (org, uniq("测试认证"), _dt(at), by))
    return org, int(sql("SELECT MAX(id) FROM certifications WHERE org_id = %s"
                        % org)[0][0])


def _contracted_order():
    """A new provider's product ordered by a new enterprise, accepted and
    contracted at the clock's now: (the provider, the order)."""
    prov = _prov()
    ent = fresh_enterprise()
    r = place_order(ent["token"], prov["product"]["id"])
    assert r.status == 201, r
    o = r.json
    ptok = fresh_login(prov["login"], prov["password"])
    assert post("/api/provider/orders/%d/accept" % o["id"],
                token=ptok).status == 200
    day = shanghai_date(o["ordered_at"])
    r = put("/api/provider/orders/%d/contract" % o["id"],
            {"contract_no": uniq("HT"), "signed_on": day,
             "service_start_on": day, "amount": 800000,
             "period_months": 12}, token=ptok)
    assert r.status == 200, r
    return prov, o


@test
def test_overdue_counts_per_day_are_the_rows_across_days_after_each_write():
    """The overdue totals and by_stage (026_overdue_swept.sql's totals
    and minutes, the cut's minute from the rows) equal a
    direct count of the rows at instants around each deadline and across
    the midnight after it, after each kind of write: an order submitted,
    confirmed, approved and publicized; an application submitted, given
    the reviewer's opinion, resubmitted and decided; a certification
    submitted, resubmitted and decided; and each removed."""
    t = int(time.time()) // 60 * 60
    set_clock_at(t)
    prov, o = _contracted_order()
    _counts_are_the_rows()
    # an order's claim submitted (R3, the redemption program's write in
    # SQL as above): due C2 + R4 days on, unconfirmed
    sub = t + HOUR + 7
    sql("UPDATE orders SET status = 'submitted', submitted_at ="
        " '%s' WHERE id = %d" % (_dt(sub), o["id"]))
    for at in _around(sub + 25 * DAY):
        _overdue_is_the_rows(at)
    # confirmed (C1): due R4 days after the confirmation
    conf = sub + 2 * DAY + 5
    sql("UPDATE orders SET confirmed_at = '%s' WHERE id = %d"
        % (_dt(conf), o["id"]))
    for at in _around(conf + 10 * DAY):
        _overdue_is_the_rows(at)
    # approved (R4): the bureau's publication, R5 days on
    appr = conf + 11 * DAY
    sql("UPDATE orders SET status = 'approved', approved_at = '%s'"
        " WHERE id = %d" % (_dt(appr), o["id"]))
    for at in _around(appr + 30 * DAY):
        _overdue_is_the_rows(at)
    # publicized: waits in no counted stage
    sql("UPDATE orders SET status = 'publicized' WHERE id = %d" % o["id"])
    _overdue_is_the_rows(appr + 31 * DAY)
    _counts_are_the_rows()

    # an application of the provider submitted (A5), its reviewer's
    # opinion, submitted again, decided (A6), removed
    asub = t + 3 * HOUR + 11
    aid = _pending_application(prov["id"], asub)
    for at in _around(asub + 20 * DAY):
        _overdue_is_the_rows(at)
    reviewer = sql("SELECT id FROM accounts WHERE login = 'reviewer'")[0][0]
    sql("UPDATE product_applications SET reviewer_opinion = 'approve',"
        " reviewed_at = '%s', reviewed_by = %s WHERE id = %d"
        % (_dt(asub + DAY), reviewer, aid))
    for at in _around(asub + 20 * DAY):
        _overdue_is_the_rows(at)
    asub2 = asub + 2 * DAY + 1
    sql("UPDATE product_applications SET last_submitted_at = '%s',"
        " submit_count = 2 WHERE id = %d" % (_dt(asub2), aid))
    for at in _around(asub2 + 20 * DAY):
        _overdue_is_the_rows(at)
    bureau = sql("SELECT id FROM accounts WHERE login = 'bureau'")[0][0]
    sql("UPDATE product_applications SET state = 'rejected', decided_at ="
        " '%s', decided_by = %s WHERE id = %d"
        % (_dt(asub2 + 21 * DAY), bureau, aid))
    _overdue_is_the_rows(asub2 + 21 * DAY)
    sql("UPDATE product_applications SET state = 'pending', decided_at ="
        " NULL, decided_by = NULL WHERE id = %d" % aid)
    _overdue_is_the_rows(asub2 + 21 * DAY)
    sql("DELETE FROM product_applications WHERE id = %d" % aid)
    _overdue_is_the_rows(asub2 + 21 * DAY)
    _counts_are_the_rows()

    # a certification submitted (E9) by a new organisation, submitted
    # again, decided, removed
    csub = t + 5 * HOUR + 13
    org, cid = _pending_certification(t, csub, reviewer)
    for at in _around(csub + 5 * DAY):
        _overdue_is_the_rows(at)
    csub2 = csub + DAY - 3
    sql("UPDATE certifications SET submitted_at = '%s' WHERE id = %d"
        % (_dt(csub2), cid))
    for at in _around(csub2 + 5 * DAY):
        _overdue_is_the_rows(at)
    sql("UPDATE certifications SET status = 'approved', decided_at = '%s',"
        " decided_by = %s WHERE id = %d"
        % (_dt(csub2 + 6 * DAY), reviewer, cid))
    _overdue_is_the_rows(csub2 + 6 * DAY)
    sql("DELETE FROM certifications WHERE id = %d" % cid)
    sql("DELETE FROM organisations WHERE id = %s" % org)
    _overdue_is_the_rows(csub2 + 6 * DAY)
    _counts_are_the_rows()
    sql("DELETE FROM sessions WHERE token_hash = UNHEX(SHA2('%s', 256))"
        % _OVERDUE_TOKEN)
    set_clock_at(t)


def _swept():
    return {k: (u, int(n)) for k, u, n in
            sql("SELECT kind, upto, n FROM overdue_swept")}


@test
def test_R4_R5_A6_E9_overdue_counts_stay_the_rows_through_the_sweepers_fold():
    """026: the sweeper (voucherctl sweep) folds each stage's passed
    minutes into its total, a minute behind each stage's cut; the counts
    stay the rows at the fold's clock, after it (the minutes not folded
    yet) and before it (a clock behind the fold: counted from the rows);
    a write after the fold of a row whose minute was folded changes the
    total (check_026.sql both ways); a sweep at an earlier clock folds
    nothing back."""
    t = int(time.time())
    set_clock_at(t)
    prov, o = _contracted_order()
    # overdue for minutes at t: the claim submitted C2 + R4 days and 5
    # minutes ago, unconfirmed (R4); an application submitted A6's days
    # and 90 s ago, another due in 30 s; a certification E9's days and 10
    # minutes ago (the redemption, collection and registration programs'
    # writes, in SQL)
    sql("UPDATE orders SET status = 'submitted', submitted_at = '%s'"
        " WHERE id = %d" % (_dt(t - 25 * DAY - 300), o["id"]))
    apps = [_pending_application(prov["id"], at)
            for at in (t - 20 * DAY - 90, t - 20 * DAY + 30)]
    reviewer = sql("SELECT id FROM accounts WHERE login = 'reviewer'")[0][0]
    org, cid = _pending_certification(t, t - 5 * DAY - 600, reviewer)
    _overdue_is_the_rows(t)
    _counts_are_the_rows()

    # the fold at t: each stage up to its cut's minute, one minute back
    before = _swept()
    out = ctl("sweep")
    assert out.returncode == 0, (out.stdout, out.stderr)
    assert "overdue minute(s)" in out.stderr + out.stdout, out
    want = {"review": t, "publish": t, "application": t - 20 * DAY,
            "application_decide": t - 20 * DAY, "certification": t - 5 * DAY}
    swept = _swept()
    for kind, cut in want.items():
        upto = _dt(cut // 60 * 60 - 60)
        assert swept[kind][0] == max(upto, before[kind][0]), \
            (kind, swept[kind], upto, before[kind])
    assert swept["review"][1] >= 1 and swept["certification"][1] >= 1, swept
    _counts_are_the_rows()
    # after the fold (the minutes not folded yet, the cut's minute from
    # the rows) and behind it (from the rows)
    for at in (t, t + 59, t + 61, t + 3 * DAY, t - 61, t - DAY):
        _overdue_is_the_rows(at)
    # past every stage's fold (an earlier test may have swept at a later
    # clock): every stage read from its total and minutes, none from the
    # rows
    far = max(parse_iso(u.replace(" ", "T") + "Z") + (20 * DAY if k.startswith(
        "application") else 5 * DAY if k == "certification" else 0)
        for k, (u, _) in _swept().items()) + DAY
    _overdue_is_the_rows(far)

    # writes after the fold of rows in folded minutes: the claim confirmed
    # 11 days ago (due a day ago: still folded), the overdue application
    # decided, the certification resubmitted 6 days ago, then approved
    sql("UPDATE orders SET confirmed_at = '%s' WHERE id = %d"
        % (_dt(t - 11 * DAY), o["id"]))
    _overdue_is_the_rows(t)
    _counts_are_the_rows()
    bureau = sql("SELECT id FROM accounts WHERE login = 'bureau'")[0][0]
    sql("UPDATE product_applications SET state = 'rejected', decided_at ="
        " '%s', decided_by = %s WHERE id = %d" % (_dt(t), bureau, apps[0]))
    sql("UPDATE certifications SET submitted_at = '%s' WHERE id = %d"
        % (_dt(t - 6 * DAY), cid))
    for at in (t, t + 31, t - DAY):
        _overdue_is_the_rows(at)
    _counts_are_the_rows()
    sql("UPDATE certifications SET status = 'approved', decided_at = '%s',"
        " decided_by = %s WHERE id = %d" % (_dt(t), reviewer, cid))
    _overdue_is_the_rows(t)
    _counts_are_the_rows()

    # a sweep at an earlier clock leaves every stage as it is
    swept = _swept()
    set_clock_at(t - DAY)
    out = ctl("sweep")
    assert out.returncode == 0, (out.stdout, out.stderr)
    assert _swept() == swept
    set_clock_at(t)

    # removed: the order publicized, the rest deleted
    sql("UPDATE orders SET status = 'publicized' WHERE id = %d" % o["id"])
    sql("DELETE FROM product_applications WHERE id IN (%d, %d)" % tuple(apps))
    sql("DELETE FROM certifications WHERE id = %d" % cid)
    sql("DELETE FROM organisations WHERE id = %s" % org)
    _overdue_is_the_rows(t)
    _counts_are_the_rows()
    sql("DELETE FROM sessions WHERE token_hash = UNHEX(SHA2('%s', 256))"
        % _OVERDUE_TOKEN)
    set_clock_at(t)
