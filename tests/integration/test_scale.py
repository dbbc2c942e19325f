"""What keeps the reads cheap at Beijing's size (issue #13) keeps them
right: the totals and sums that 004_scale.sql, 007_counts_indexes.sql and
018_scale_main.sql's triggers keep in the writing transaction agree with the rows they stand for after
each kind of write (and 020_party_counts.sql's: a party's orders, the
claims, an account's inbox), and the audit trail pages by key (?before=)."""
import time

from harness import (test, get, put, bureau, sql, new_enterprise,
                     new_provider, fresh_enterprise, order_product,
                     place_order, test_provider_id, order_provider, ctl,
                     AdminSession)


def total(path):
    r = get(path, token=bureau(), query={"per_page": 1})
    assert r.status == 200, r
    return r.json["total"]


@test
def test_totals_of_the_bureau_lists_follow_new_rows():
    e0 = total("/api/bureau/enterprises")
    p0 = total("/api/bureau/providers")
    new_enterprise()
    new_provider()
    assert total("/api/bureau/enterprises") == e0 + 1
    assert total("/api/bureau/providers") == p0 + 1
    assert [[str(e0 + 1)]] == sql("SELECT COUNT(*) FROM enterprises")
    assert [[str(p0 + 1)]] == sql("SELECT COUNT(*) FROM providers")


def allowance():
    """The current year's allowances by tier, and the year."""
    r = get("/api/bureau/stats", token=bureau())
    assert r.status == 200, r
    return {a["tier"]: a for a in r.json["allowance"]}, r.json["year"]


@test
def test_E7_stats_allowance_follows_an_order_and_a_new_tier():
    prod = order_product(test_provider_id(), voucher_price=100000)
    ent = fresh_enterprise()
    r = place_order(ent["token"], prod["id"])
    assert r.status == 201, r
    before, year = allowance()
    # a new tier moves the enterprise's allowance of the year with it
    r = put("/api/bureau/enterprises/%d" % ent["id"], {"tier": "specialized"},
            token=bureau())
    assert r.status == 200, r
    after, _ = allowance()
    assert after["ordinary"]["enterprises"] == before["ordinary"]["enterprises"] - 1
    assert after["specialized"]["enterprises"] == \
        before.get("specialized", {"enterprises": 0})["enterprises"] + 1
    # the sums are those of the quota rows
    rows = sql("SELECT e.tier, COUNT(*), SUM(q.cap), SUM(q.occupied)"
               " FROM enterprise_quota q JOIN enterprises e ON e.id = q.enterprise_id"
               " WHERE q.year = %d GROUP BY e.tier" % year)
    for tier, n, cap, occupied in rows:
        a = after[tier]
        assert (a["enterprises"], a["cap"], a["occupied"]) == \
            (int(n), int(cap), int(occupied)), (tier, a)


@test
def test_stats_sums_agree_with_the_orders():
    rows = sql("SELECT x.year, x.category, x.month FROM (SELECT year, category, month,"
               " SUM(orders) n, SUM(subsidy) s FROM stats_orders GROUP BY 1, 2, 3"
               " HAVING n <> 0 OR s <> 0) x LEFT JOIN (SELECT o.year, p.category,"
               " DATE_FORMAT(o.ordered_at + INTERVAL 8 HOUR, '%Y-%m') month, COUNT(*) n,"
               " SUM(COALESCE(o.subsidy, o.reserved)) s FROM orders o JOIN products p"
               " ON p.id = o.product_id WHERE o.status NOT IN ('cancelled', 'expired',"
               " 'rejected', 'revoked') GROUP BY 1, 2, 3) y ON y.year = x.year"
               " AND y.category = x.category AND y.month = x.month"
               " WHERE y.n IS NULL OR y.n <> x.n OR y.s <> x.s")
    assert rows == [], rows


@test
def test_V3_audit_trail_pages_by_key():
    first = get("/api/bureau/audit", token=bureau(), query={"per_page": 4})
    assert first.status == 200, first
    items = first.json["items"]
    assert len(items) == 4 and first.json["next_before"] == items[-1]["id"]
    second = get("/api/bureau/audit", token=bureau(),
                 query={"per_page": 4, "before": first.json["next_before"]})
    assert second.status == 200, second
    ids = [i["id"] for i in second.json["items"]]
    assert ids and all(i < items[-1]["id"] for i in ids), ids
    assert ids == sorted(ids, reverse=True)
    # the same records as the second page by offset, unless the trail grew
    by_offset = get("/api/bureau/audit", token=bureau(),
                    query={"per_page": 4, "page": 2})
    newer = [i for i in by_offset.json["items"] if i["id"] >= items[-1]["id"]]
    if not newer:
        assert [i["id"] for i in by_offset.json["items"]] == ids
    # the total is every record, kept by a trigger
    assert first.json["total"] == int(sql("SELECT COUNT(*) FROM audit_log")[0][0])
    r = get("/api/bureau/audit", token=bureau(), query={"before": 0})
    assert r.status == 400, r
    last = get("/api/bureau/audit", token=bureau(), query={"before": 1})
    assert last.json["items"] == [] and last.json["next_before"] is None


@test
def test_feedback_total_of_the_unfiltered_list():
    r = get("/api/bureau/feedback", token=bureau(), query={"per_page": 1})
    assert r.status == 200, r
    assert r.json["total"] == int(sql("SELECT COUNT(*) FROM feedback")[0][0])


@test
def test_E11_allowance_sums_and_totals_agree_with_the_rows_after_every_write():
    """Whatever ran before (registration's certifications, list imports
    re-deriving tiers (E8, E11), rounds, the bureau's tier changes, orders),
    the sums and totals the triggers keep are those of the rows."""
    rows = sql("SELECT x.year, x.tier FROM (SELECT year, tier, SUM(enterprises) n,"
               " SUM(cap) c, SUM(occupied) o FROM stats_quota GROUP BY 1, 2"
               " HAVING n <> 0 OR c <> 0 OR o <> 0) x"
               " LEFT JOIN (SELECT q.year, e.tier, COUNT(*) n, SUM(q.cap) c, SUM(q.occupied) o"
               " FROM enterprise_quota q JOIN enterprises e ON e.id = q.enterprise_id"
               " GROUP BY 1, 2) y ON y.year = x.year AND y.tier = x.tier"
               " WHERE y.n IS NULL OR y.n <> x.n OR y.c <> x.c OR y.o <> x.o"
               " UNION ALL SELECT q.year, e.tier FROM enterprise_quota q"
               " JOIN enterprises e ON e.id = q.enterprise_id"
               " WHERE NOT EXISTS (SELECT 1 FROM stats_quota s WHERE s.year = q.year"
               " AND s.tier = e.tier) GROUP BY 1, 2")
    assert rows == [], rows
    rows = sql("SELECT name FROM row_counts WHERE n <> CASE name"
               " WHEN 'enterprises' THEN (SELECT COUNT(*) FROM enterprises)"
               " WHEN 'providers' THEN (SELECT COUNT(*) FROM providers)"
               " WHEN 'evaluations' THEN (SELECT COUNT(*) FROM evaluations)"
               " ELSE (SELECT COUNT(*) FROM feedback) END")
    assert rows == [], rows
    rows = sql("SELECT e.id FROM enterprises e WHERE NOT EXISTS (SELECT 1"
               " FROM enterprise_grams g WHERE g.enterprise_id = e.id)")
    assert rows == [], rows


STAGES = [("accept", "ordered_at", "accepted_at"), ("contract", "accepted_at", "contracted_at"),
          ("submit", "contracted_at", "submitted_at"), ("review", "submitted_at", "approved_at"),
          ("publish", "approved_at", "publicized_at"), ("pay", "publicized_at", "paid_at")]


def stage_sums_differ():
    """The years whose stats_stages sums (018_scale_main.sql) differ from
    the orders' instants."""
    kept = ", ".join("SUM(%s_n), SUM(%s_s)" % (s, s) for s, _, _ in STAGES)
    rows = ", ".join("COUNT(TIMESTAMPDIFF(SECOND, %s, %s)), COALESCE(SUM(TIMESTAMPDIFF("
                     "SECOND, %s, %s)), 0)" % (a, b, a, b) for _, a, b in STAGES)
    x = {r[0]: r[1:] for r in sql("SELECT year, SUM(orders), %s FROM stats_stages"
                                  " GROUP BY year" % kept)}
    y = {r[0]: r[1:] for r in sql("SELECT year, COUNT(*), %s FROM orders GROUP BY year" % rows)}
    return [(yr, x.get(yr), y.get(yr)) for yr in set(x) | set(y)
            if [int(v) for v in x.get(yr, [0] * 13)] != [int(v) for v in y.get(yr, [0] * 13)]]


@test
def test_stage_sums_order_total_and_ratings_follow_the_rows():
    """stage_days and the bureau's unfiltered order total read sums kept
    by triggers (018_scale_main.sql), the bureau's unfiltered ratings
    total row_counts: after whatever ran before (orders through every
    stage, claims returned and decided, batches paid) and a new order they
    are those of the rows; a rating names its order's provider."""
    assert stage_sums_differ() == []
    n0 = total("/api/bureau/orders")
    assert n0 == int(sql("SELECT COUNT(*) FROM orders")[0][0])
    prod = order_product(test_provider_id(), voucher_price=100000)
    ent = fresh_enterprise()
    r = place_order(ent["token"], prod["id"])
    assert r.status == 201, r
    assert total("/api/bureau/orders") == n0 + 1
    assert stage_sums_differ() == []
    # a filter still counts its matches
    r = get("/api/bureau/orders", token=bureau(),
            query={"enterprise_id": ent["id"], "per_page": 1})
    assert r.status == 200 and r.json["total"] == 1, r
    # ratings: the total of every rating, each naming its order's provider
    assert total("/api/bureau/evaluations") == \
        int(sql("SELECT COUNT(*) FROM evaluations")[0][0])
    assert sql("SELECT e.order_id FROM evaluations e JOIN orders o ON o.id = e.order_id"
               " WHERE e.provider_id <> o.provider_id") == []


STATUSES = ["pending", "accepted", "contracted", "submitted", "approved",
            "publicized", "paid", "cancelled", "expired", "rejected",
            "refunded", "revoked"]

# the status each order shows at now (ORDER_EFFECTIVE_STATUS, O4, O6)
EFFECTIVE = ("CASE WHEN status = 'pending' AND accept_deadline <= UTC_TIMESTAMP()"
             " THEN 'cancelled' WHEN status IN ('accepted', 'contracted') AND"
             " valid_until <= UTC_TIMESTAMP() THEN 'expired' ELSE status END")


def party_counts_differ():
    """The kept totals of 020_party_counts.sql that differ from the rows."""
    bad = sql("SELECT k.party, k.party_id, k.status FROM (SELECT party, party_id,"
              " status, SUM(n) AS n FROM order_counts GROUP BY party, party_id, status) k"
              " LEFT JOIN (SELECT 'enterprise' AS party, enterprise_id AS party_id, status,"
              " COUNT(*) AS n FROM orders GROUP BY enterprise_id, status UNION ALL"
              " SELECT 'provider', provider_id, status, COUNT(*) FROM orders"
              " GROUP BY provider_id, status) r ON r.party = k.party AND"
              " r.party_id = k.party_id AND r.status = k.status"
              " WHERE k.n <> COALESCE(r.n, 0)")
    bad += sql("SELECT 'missing', o.provider_id, o.status FROM orders o"
               " LEFT JOIN order_counts k ON k.party = 'provider' AND"
               " k.party_id = o.provider_id AND k.status = o.status"
               " WHERE k.party_id IS NULL")
    bad += sql("SELECT 'claims', c.status, c.n FROM (SELECT status, COUNT(*) AS n"
               " FROM redemption_claims GROUP BY status) c LEFT JOIN (SELECT status,"
               " SUM(n) AS n FROM claim_counts GROUP BY status) k ON k.status = c.status"
               " WHERE COALESCE(k.n, 0) <> c.n")
    bad += sql("SELECT 'inbox', k.account_id FROM notification_counts k LEFT JOIN"
               " (SELECT account_id, COUNT(*) AS n, COUNT(*) - COUNT(read_at) AS u"
               " FROM notifications WHERE is_secret = 0 AND account_id IS NOT NULL"
               " GROUP BY account_id) r ON r.account_id = k.account_id"
               " WHERE k.n <> COALESCE(r.n, 0) OR k.unread <> COALESCE(r.u, 0)")
    return bad


@test
def test_O4_O6_party_totals_follow_the_rows_and_the_effective_status():
    """A provider's inbox and an enterprise's orders read their totals
    per status from order_counts (020_party_counts.sql), the review queue
    from claim_counts, the inbox from notification_counts: after whatever
    ran before they are the rows' counts, every status filter of the
    inbox totals the orders showing that status (an order past its O4
    deadline, not yet swept, shows as cancelled), and a page past the
    first reads the same rows as one long page."""
    assert party_counts_differ() == []
    pid, ptok = order_provider("prov01")
    for st in [None] + STATUSES:
        q = {"per_page": 1}
        if st:
            q["status"] = st
        r = get("/api/provider/orders", token=ptok, query=q)
        assert r.status == 200, r
        want = sql("SELECT COUNT(*) FROM orders WHERE provider_id = %d%s"
                   % (pid, " AND (%s) = '%s'" % (EFFECTIVE, st) if st else ""))
        assert r.json["total"] == int(want[0][0]), (st, r.json["total"], want)
    # pages: the second and third of 2 are the 3rd and 4th of one page of 4
    r4 = get("/api/provider/orders", token=ptok, query={"per_page": 4})
    r2 = get("/api/provider/orders", token=ptok, query={"per_page": 2, "page": 2})
    assert [x["id"] for x in r4.json["items"][2:]] == \
        [x["id"] for x in r2.json["items"]], (r4.json, r2.json)
    # an order timed out (O4) and not swept moves from pending to cancelled
    prod = order_product(test_provider_id(), voucher_price=100000)
    ent = fresh_enterprise()
    r = place_order(ent["token"], prod["id"])
    assert r.status == 201, r
    oid = r.json["id"]
    for st, n in (("pending", 1), ("cancelled", 0), (None, 1)):
        r = get("/api/orders", token=ent["token"],
                query={"status": st} if st else {})
        assert r.json["total"] == n and len(r.json["items"]) == n, (st, r.json)
    assert party_counts_differ() == []
    sql("UPDATE orders SET ordered_at = ordered_at - INTERVAL 49 HOUR,"
        " accept_deadline = accept_deadline - INTERVAL 49 HOUR,"
        " valid_until = valid_until - INTERVAL 49 HOUR WHERE id = %d" % oid)
    for st, n in (("pending", 0), ("cancelled", 1), (None, 1)):
        r = get("/api/orders", token=ent["token"],
                query={"status": st, "per_page": 1} if st else {"per_page": 1})
        assert r.json["total"] == n and [x["id"] for x in r.json["items"]] == \
            [oid] * n, (st, r.json)
    assert party_counts_differ() == []
    # the review queue and the inbox
    r = get("/api/review/claims", token=bureau(),
            query={"status": "submitted", "per_page": 1})
    assert r.status == 200, r
    assert r.json["total"] == int(sql("SELECT COUNT(*) FROM redemption_claims"
                                      " WHERE status = 'submitted'")[0][0]), r.json
    acc = int(sql("SELECT id FROM accounts WHERE login = 'prov01'")[0][0])
    for unread in (0, 1):
        r = get("/api/notifications", token=ptok,
                query={"unread": unread, "per_page": 1})
        assert r.status == 200, r
        want = sql("SELECT COUNT(*), COUNT(*) - COUNT(read_at) FROM notifications"
                   " WHERE account_id = %d AND is_secret = 0" % acc)[0]
        assert r.json["total"] == int(want[unread]), (unread, r.json, want)
        assert r.json["unread"] == int(want[1]), (r.json, want)
    # the order back in the month it was placed in (stats_orders counts an
    # order in the month of its ordered_at, which no write moves)
    sql("UPDATE orders SET ordered_at = ordered_at + INTERVAL 49 HOUR,"
        " accept_deadline = accept_deadline + INTERVAL 49 HOUR,"
        " valid_until = valid_until + INTERVAL 49 HOUR WHERE id = %d" % oid)


@test
def test_O4_O6_page_total_carried_by_the_page_and_past_its_end():
    """The order lists, the review queue and the inbox carry their total
    in the page's own statement (page.c's page_list_total): a full first
    page, a later page and an empty page past the end (the one that runs
    the count alone) tell the same total, the rows' count across orders
    timed out but not yet swept (O4: cancelled, O6: expired), and no item
    carries the total's column."""
    prod = order_product(test_provider_id(), voucher_price=100000)
    ent = fresh_enterprise()
    ids = []
    for _ in range(4):
        r = place_order(ent["token"], prod["id"])
        assert r.status == 201, r
        ids.append(r.json["id"])
    # the first timed out before the provider's answer (O4), the second
    # accepted and past its validity (O6), neither swept
    sql("UPDATE orders SET ordered_at = ordered_at - INTERVAL 49 HOUR,"
        " accept_deadline = accept_deadline - INTERVAL 49 HOUR,"
        " valid_until = valid_until - INTERVAL 49 HOUR WHERE id = %d" % ids[0])
    sql("UPDATE orders SET status = 'accepted',"
        " accepted_at = ordered_at - INTERVAL 31 DAY,"
        " ordered_at = ordered_at - INTERVAL 31 DAY,"
        " accept_deadline = accept_deadline - INTERVAL 31 DAY,"
        " valid_until = valid_until - INTERVAL 31 DAY WHERE id = %d" % ids[1])
    assert party_counts_differ() == []

    def pages(path, tok, want, query):
        """Pages of 1 up to two past the end: each tells want."""
        seen = []
        for n in range(1, want + 3):
            r = get(path, token=tok, query=dict(query, per_page=1, page=n))
            assert r.status == 200, r
            assert r.json["total"] == want, (path, query, n, r.json)
            assert len(r.json["items"]) == (1 if n <= want else 0), r.json
            assert all("page_total" not in x for x in r.json["items"]), r.json
            seen += r.json["items"]
        return seen

    for st, want in ((None, 4), ("pending", 2), ("cancelled", 1),
                     ("expired", 1), ("accepted", 0)):
        q = {"status": st} if st else {}
        got = pages("/api/orders", ent["token"], want, q)
        if st is None:
            assert [x["id"] for x in got] == sorted(ids, reverse=True), got
    pid, ptok = order_provider("prov01")
    for st in (None, "pending", "cancelled", "expired"):
        q = {"status": st} if st else {}
        want = int(sql("SELECT COUNT(*) FROM orders WHERE provider_id = %d%s"
                       % (pid, " AND (%s) = '%s'" % (EFFECTIVE, st)
                          if st else ""))[0][0])
        r = get("/api/provider/orders", token=ptok,
                query=dict(q, per_page=1, page=want + 1))
        assert r.status == 200 and r.json["items"] == [], r
        assert r.json["total"] == want, (st, r.json, want)
        if want > 1:
            r = get("/api/provider/orders", token=ptok,
                    query=dict(q, per_page=1, page=2))
            assert r.json["total"] == want and len(r.json["items"]) == 1, r
    # the review queue and the inbox, past their end too
    want = int(sql("SELECT COUNT(*) FROM redemption_claims"
                   " WHERE status = 'submitted'")[0][0])
    for n in (1, 2, want + 1):
        r = get("/api/review/claims", token=bureau(),
                query={"status": "submitted", "per_page": 1, "page": n})
        assert r.status == 200 and r.json["total"] == want, (n, r.json, want)
        assert len(r.json["items"]) == (1 if n <= want else 0), (n, r.json)
        assert all("page_total" not in x for x in r.json["items"]), r.json
    acc = int(sql("SELECT id FROM accounts WHERE login = 'prov01'")[0][0])
    counts = sql("SELECT COUNT(*), COUNT(*) - COUNT(read_at) FROM notifications"
                 " WHERE account_id = %d AND is_secret = 0" % acc)[0]
    for unread in (0, 1):
        want = int(counts[unread])
        for n in (1, 2, want + 1):
            r = get("/api/notifications", token=ptok,
                    query={"unread": unread, "per_page": 1, "page": n})
            assert r.status == 200, r
            assert r.json["total"] == want, (unread, n, r.json, counts)
            assert r.json["unread"] == int(counts[1]), (n, r.json, counts)
            assert all("page_total" not in x and "unread" not in x
                       for x in r.json["items"]), r.json
    assert party_counts_differ() == []
    # the orders back in the month they were placed in (stats_orders
    # counts an order in the month of its ordered_at, which no write moves)
    sql("UPDATE orders SET ordered_at = ordered_at + INTERVAL 49 HOUR,"
        " accept_deadline = accept_deadline + INTERVAL 49 HOUR,"
        " valid_until = valid_until + INTERVAL 49 HOUR WHERE id = %d" % ids[0])
    sql("UPDATE orders SET accepted_at = accepted_at + INTERVAL 31 DAY,"
        " ordered_at = ordered_at + INTERVAL 31 DAY,"
        " accept_deadline = accept_deadline + INTERVAL 31 DAY,"
        " valid_until = valid_until + INTERVAL 31 DAY WHERE id = %d" % ids[1])


# issue 13: the small kept totals whose per-connection slots the sweeper
# folds (shared/domain/slot_fold.c): table, key columns, value columns
FOLDED_TOTALS = (
    ("stats_orders", "year, category, month", ("orders", "subsidy")),
    ("stats_quota", "year, tier", ("enterprises", "cap", "occupied")),
    ("stats_stages", "year", ("orders", "accept_n", "accept_s", "contract_n",
                              "contract_s", "submit_n", "submit_s", "review_n",
                              "review_s", "publish_n", "publish_s", "pay_n",
                              "pay_s")),
    ("claim_counts", "status", ("n",)),
    ("certification_counts", "status, kind", ("n",)),
    ("application_counts", "state", ("n",)),
    ("audit_counts", "entity", ("n",)),
)


def _sums(table, keys, values):
    """Each key's sums and how many slot rows it has."""
    return {tuple(r[:-1 - len(values)]): (tuple(r[-1 - len(values):-1]),
                                           int(r[-1]))
            for r in sql("SELECT %s, %s, COUNT(*) FROM %s GROUP BY %s"
                         % (keys, ", ".join("SUM(%s)" % v for v in values),
                            table, keys))}


def _spread(table, keys, values):
    """Moves one of the first value of each row holding more than one
    into the slot 32 on (the other values stay), as a writer on another
    connection would have written it: every key's sums stay, a key that
    had one slot row has two."""
    sql("CREATE TEMPORARY TABLE src AS SELECT {k}, slot FROM {t} WHERE {v} > 1;"
        " INSERT INTO {t} ({k}, slot, {vs}) SELECT {k}, (slot + 32) % 64,"
        " 1{zeros} FROM src ON DUPLICATE KEY UPDATE {v} = {t}.{v} + 1;"
        " UPDATE {t} JOIN src USING ({k}, slot) SET {t}.{v} = {t}.{v} - 1;"
        " DROP TEMPORARY TABLE src"
        .format(t=table, k=keys, v=values[0], vs=", ".join(values),
                zeros=", 0" * (len(values) - 1)))


@test
def test_sweeper_folds_the_small_totals_slots_keeping_each_keys_sums():
    """Each small kept total's slots (written by many connections: a read
    sums every slot of a key) are folded by the sweeper into one row a
    key, every key's sums unchanged; the dashboard reads the same before
    and after."""
    out = ctl("sweep")      # what O4/O6 move at this clock, first
    assert out.returncode == 0, (out.stdout, out.stderr)
    stats0 = get("/api/bureau/stats", token=bureau()).json
    before = {t: _sums(t, k, v) for t, k, v in FOLDED_TOTALS}
    for table, keys, values in FOLDED_TOTALS:
        _spread(table, keys, values)
    spread = {t: _sums(t, k, v) for t, k, v in FOLDED_TOTALS}
    for t in spread:
        assert {k: s for k, (s, _) in spread[t].items()} == \
            {k: s for k, (s, _) in before[t].items()}, t
    several = [t for t in spread if any(n > 1 for _, n in spread[t].values())]
    assert "stats_orders" in several and "audit_counts" in several, spread
    stats1 = get("/api/bureau/stats", token=bureau()).json
    assert stats1 == stats0, [(k, stats0[k], stats1[k]) for k in stats0
                              if stats0[k] != stats1[k]]
    out = ctl("sweep")
    assert out.returncode == 0, (out.stdout, out.stderr)
    for table, keys, values in FOLDED_TOTALS:
        after = _sums(table, keys, values)
        assert {k: s for k, (s, _) in after.items()} == \
            {k: s for k, (s, _) in before[table].items()}, table
        assert all(n == 1 for _, n in after.values()), (table, after)
    assert get("/api/bureau/stats", token=bureau()).json == stats0


@test
def test_sweeper_fold_skips_a_slot_a_writer_holds_and_never_waits():
    """A slot row held by a writer's open transaction is left for the
    next fold: the sweep neither waits for it (50 s of lock wait) nor
    folds it; once released, the next sweep folds it."""
    out = ctl("sweep")
    assert out.returncode == 0, (out.stdout, out.stderr)
    # a second slot row of the claims' first status, held
    if not sql("SELECT 1 FROM claim_counts LIMIT 1"):   # no claim yet
        sql("INSERT INTO claim_counts (status, slot, n) VALUES ('submitted', 0, 0)")
    status = sql("SELECT status FROM claim_counts ORDER BY status LIMIT 1")[0][0]
    slot = int(sql("SELECT slot FROM claim_counts WHERE status = '%s'"
                   % status)[0][0])
    other = (slot + 1) % 64
    sql("INSERT INTO claim_counts (status, slot, n) VALUES ('%s', %d, 0)"
        % (status, other))
    total = sql("SELECT SUM(n) FROM claim_counts WHERE status = '%s'" % status)
    held = AdminSession()
    try:
        held.send("START TRANSACTION; SELECT n FROM claim_counts WHERE"
                  " status = '%s' AND slot = %d FOR UPDATE;" % (status, other))
        assert held.line() == "0"
        t0 = time.monotonic()
        out = ctl("sweep", timeout=40)
        assert out.returncode == 0, (out.stdout, out.stderr)
        assert time.monotonic() - t0 < 30
        assert int(sql("SELECT COUNT(*) FROM claim_counts WHERE status ="
                       " '%s'" % status)[0][0]) == 2
    finally:
        held.send("ROLLBACK;")
        held.close()
    out = ctl("sweep")
    assert out.returncode == 0, (out.stdout, out.stderr)
    assert sql("SELECT COUNT(*), SUM(n) FROM claim_counts WHERE status = '%s'"
               % status) == [["1", total[0][0]]]
