"""Oversight: recorded violations (V1) with every V2 effect applied in one
transaction (bar, open orders revoked, paid subsidies set for recovery,
products delisted), bars checked when batching, publishing and paying,
spot checks and the audit trail (V3)."""
import time

from harness import (test, get, post, request, sql, expect_error, uniq, token,
                     fresh_enterprise, fresh_login, place_order, parse_iso,
                     iso, shanghai_date)
from pubflow import (UNIT_SUBSIDY, provider_party, contracted_order,
                     approved_claim, create_batch, published, item_of,
                     after_period, pay, order_status, public_item,
                     quota_occupied_of, recoveries_of, refund)

YEAR = 365 * 86400


def bureau():
    return token("bureau")


def record(body, tok=None):
    return post("/api/bureau/violations", body, token=tok or bureau())


def units(product_id):
    return [int(x) for x in sql(
        "SELECT remaining_units, units_sold, listed FROM products WHERE"
        " id = %d" % product_id)[0]]


def barred_until(table, pid):
    v = sql("SELECT IFNULL(DATE_FORMAT(barred_until, '%%Y-%%m-%%dT%%H:%%i:%%sZ'),"
            " '') FROM %s WHERE id = %d" % (table, pid))[0][0]
    return parse_iso(v) if v else None


@test
def test_V1_violation_recorded_with_its_kind_and_kept():
    ent = fresh_enterprise()
    bad = [({"party": "enterprise", "party_id": ent["id"], "kind": "resale",
             "description": "x"}, 400, "kind"),
           ({"party": "bank", "party_id": ent["id"], "kind": "other",
             "description": "x"}, 400, "party"),
           ({"party": "enterprise", "party_id": ent["id"], "kind": "other",
             "description": ""}, 400, "description"),
           ({"party": "enterprise", "party_id": 0, "kind": "other",
             "description": "x"}, 400, "party_id"),
           ({"party": "enterprise", "party_id": 999999999, "kind": "other",
             "description": "x"}, 422, "party_id")]
    for body, status, field in bad:
        expect_error(record(body), status, field=field)
    other = contracted_order(provider_party())
    expect_error(record({"party": "enterprise", "party_id": ent["id"],
                         "kind": "transfer", "description": "x",
                         "order_id": other["id"]}), 422,
                 "order_not_of_party", "order_id")
    before = time.time()
    r = record({"party": "enterprise", "party_id": ent["id"],
                "kind": "transfer",
                "description": "将服务券转让给关联企业使用（V1 第一项）。"})
    assert r.status == 201, r
    v = r.json
    assert (v["party"], v["party_id"], v["kind"]) == \
        ("enterprise", ent["id"], "transfer")
    assert v["party_name"] == ent["name"]
    # V2: barred for three years from now
    bar = parse_iso(v["barred_until"])
    assert abs(bar - (before + 3 * YEAR)) < 3 * 86400, v
    assert barred_until("enterprises", ent["id"]) == bar
    assert v["effects"]["orders_revoked"] == [] and \
        v["effects"]["products_delisted"] == 0
    r = get("/api/bureau/violations", token=bureau(),
            query={"party": "enterprise", "party_id": ent["id"]})
    assert r.status == 200 and [x["id"] for x in r.json["items"]] == \
        [v["id"]], r
    r = get("/api/bureau/violations/%d" % v["id"], token=bureau())
    assert r.status == 200 and r.json["description"] == v["description"]
    expect_error(get("/api/bureau/violations/999999999", token=bureau()), 404)
    # a second violation later keeps the longer bar
    r = record({"party": "enterprise", "party_id": ent["id"],
                "kind": "other", "description": "再次违规"})
    assert r.status == 201 and parse_iso(r.json["barred_until"]) >= bar, r
    acts = [row[0] for row in sql(
        "SELECT action FROM audit_log WHERE entity = 'violation' AND"
        " entity_id = %d" % v["id"])]
    assert acts == ["violation.record"], acts


@test
def test_V2_enterprise_violation_revokes_open_orders_and_bars_ordering():
    prov = provider_party()
    pid = prov["product"]["id"]
    ent = fresh_enterprise()
    # one publicized order (in a published list) ...
    listed = approved_claim(prov, ent)
    b = published([listed])
    item = item_of(b, listed["id"])
    # ... one approved claim, one contracted and confirmed, one pending
    approved = approved_claim(prov, ent)
    contracted = contracted_order(prov, ent)
    r = place_order(ent["token"], pid)
    assert r.status == 201, r
    pending = r.json
    remaining, sold, _ = units(pid)
    assert quota_occupied_of(ent["id"]) == 4 * UNIT_SUBSIDY
    r = record({"party": "enterprise", "party_id": ent["id"],
                "kind": "fictitious_contract", "description": "虚构合同"})
    assert r.status == 201, r
    revoked = {x["order_id"]: x for x in r.json["effects"]["orders_revoked"]}
    assert set(revoked) == {listed["id"], approved["id"], contracted["id"],
                            pending["id"]}, revoked
    assert revoked[listed["id"]]["from_status"] == "publicized"
    assert revoked[approved["id"]]["from_status"] == "approved"
    # the unit comes back only where the service was not delivered
    assert revoked[pending["id"]]["unit_returned"] is True
    assert revoked[contracted["id"]]["unit_returned"] is False
    assert revoked[approved["id"]]["unit_returned"] is False
    for oid in revoked:
        assert order_status(oid) == "revoked", oid
    assert units(pid)[:2] == [remaining + 1, sold - 1]
    # every reservation released; claims rejected; the item withdrawn
    assert quota_occupied_of(ent["id"]) == 0
    for oid in (listed["id"], approved["id"]):
        assert sql("SELECT status FROM redemption_claims WHERE order_id = %d"
                   % oid)[0][0] == "rejected"
    assert public_item(b["id"], item["id"])["withdrawn"] is True
    # E5 / V2: the enterprise cannot order
    r = place_order(ent["token"], pid)
    expect_error(r, 403, "not_eligible")
    assert "E5" in r.body.decode("utf-8")
    # the other side was not touched: the provider is not barred
    assert barred_until("providers", prov["id"]) is None
    assert units(pid)[2] == 1


@test
def test_V2_provider_violation_recovers_paid_subsidies_and_delists():
    prov = provider_party()
    pid = prov["product"]["id"]
    paid = approved_claim(prov)
    b = published([paid])
    r = place_order(fresh_enterprise()["token"], pid)
    assert r.status == 201, r
    accepted = r.json
    assert post("/api/provider/orders/%d/accept" % accepted["id"],
                token=prov["token"]).status == 200
    r = place_order(fresh_enterprise()["token"], pid)
    assert r.status == 201, r
    pending = r.json                    # times out (O4) before the violation
    tok, t = after_period(b)
    r = pay(b["id"], tok, shanghai_date(iso(t)))
    assert r.status == 200 and order_status(paid["id"]) == "paid", r
    r = record({"party": "provider", "party_id": prov["id"],
                "kind": "hidden_relationship", "description": "隐瞒关联关系"},
               tok)
    assert r.status == 201, r
    eff = r.json["effects"]
    assert [x["order_id"] for x in eff["orders_revoked"]] == [accepted["id"]]
    assert eff["orders_revoked"][0]["unit_returned"] is True
    # the paid subsidy is set for recovery, in full
    assert eff["recoveries"] == [{"recovery_id": eff["recoveries"][0][
        "recovery_id"], "order_id": paid["id"], "amount_due": UNIT_SUBSIDY}]
    assert r.json["recoveries"][0]["source"] == "violation"
    assert eff["products_delisted"] == 1 and units(pid)[2] == 0
    assert order_status(pending["id"]) == "cancelled"     # O4 first
    assert order_status(paid["id"]) == "paid"
    assert abs(barred_until("providers", prov["id"]) - (t + 3 * YEAR)) < \
        3 * 86400
    # a refund reported afterwards adds nothing: it is all due already
    ptok = fresh_login(prov["login"], prov["password"])
    r = refund(paid["id"], ptok, {"amount": 800000, "reason": "全额退款"})
    assert r.status == 201 and r.json["recovery"] is None, r
    assert r.json["order"]["recovery_due_total"] == UNIT_SUBSIDY
    recs = recoveries_of(paid["id"], tok)
    assert [(x["source"], x["amount_due"]) for x in recs] == \
        [("violation", UNIT_SUBSIDY)], recs
    # the catalog no longer lists the product
    r = get("/api/products/%d" % pid, query={"x": uniq("n")})
    assert r.status == 404 or r.json.get("listed") in (False, 0), r


@test
def test_V2_bars_are_checked_when_batching_publishing_and_paying():
    kept, later, paid_late = provider_party(), provider_party(), \
        provider_party()
    a = approved_claim(kept)
    c = approved_claim(paid_late)
    b = published([a, c])
    # a bar set after publishing: paying skips the item (V2)
    sql("UPDATE providers SET barred_until = UTC_TIMESTAMP() + INTERVAL 3"
        " YEAR WHERE id = %d" % paid_late["id"])
    d = approved_claim(later)
    draft = create_batch()
    item_of(draft, d["id"])
    # a bar set between batching and publishing: the item is dropped
    sql("UPDATE providers SET barred_until = UTC_TIMESTAMP() + INTERVAL 3"
        " YEAR WHERE id = %d" % later["id"])
    r = post("/api/bureau/batches/%d/publish" % draft["id"], {},
             token=bureau())
    if r.status == 200:
        assert all(i["order_id"] != d["id"] for i in r.json["items"]), r.json
    else:
        expect_error(r, 409, "batch_empty")
    assert order_status(d["id"]) == "approved"
    assert "batch.drop_item" in [row[0] for row in sql(
        "SELECT action FROM audit_log WHERE entity = 'publicity_batch' AND"
        " entity_id = %d" % draft["id"])]
    # and a barred provider's approved claim is not gathered again
    r = post("/api/bureau/batches", {}, token=bureau())
    if r.status == 201:
        assert all(i["order_id"] != d["id"] for i in r.json["items"])
    else:
        expect_error(r, 409, "nothing_to_batch")
    tok, t = after_period(b)
    r = pay(b["id"], tok, shanghai_date(iso(t)))
    assert r.status == 200, r
    skipped = {s["order_id"]: s["reason"] for s in r.json["skipped"]}
    assert skipped.get(c["id"]) == "provider_barred", r.json
    assert a["id"] in [p["order_id"] for p in r.json["paid"]]
    assert order_status(c["id"]) == "publicized"


def draw(query=None, tok=None):
    """V3: POST /api/bureau/spot-check draws a new sample."""
    return post("/api/bureau/spot-check" + (
        "?" + "&".join("%s=%s" % kv for kv in query.items()) if query else ""),
        {}, token=tok or bureau())


def spot_rows():
    return int(sql("SELECT COUNT(*) FROM spot_checks")[0][0])


@test
def test_V3_spot_check_draws_a_recorded_random_sample():
    contracted_order(provider_party())          # at least one candidate
    expect_error(draw({"n": 0}), 400, field="n")
    expect_error(draw({"n": 101}), 400, field="n")
    r = draw({"n": 5})
    assert r.status == 201, r
    s = r.json
    assert s["sample_id"].startswith("SC") and 1 <= s["n"] <= 5
    assert s["n"] == min(5, s["population"]) == len(s["items"])
    assert len({i["order_id"] for i in s["items"]}) == s["n"]
    for i in s["items"]:
        assert i["order_status"] in ("contracted", "submitted", "approved",
                                     "publicized", "paid", "refunded"), i
        assert i["result"] == "pending" and i["enterprise_name"], i
        assert i["contract_no"] and i["contract_amount"] > 0, i
    rows = sql("SELECT COUNT(*) FROM spot_checks WHERE sample_id = '%s'"
               % s["sample_id"])
    assert int(rows[0][0]) == s["n"]
    # a second draw is a new sample; a recorded one reads back
    again = draw({"n": 5}).json
    assert again["sample_id"] != s["sample_id"]
    back = get("/api/bureau/spot-check", token=bureau(),
               query={"sample": s["sample_id"]})
    assert back.status == 200 and [i["order_id"] for i in back.json[
        "items"]] == [i["order_id"] for i in s["items"]], back
    expect_error(get("/api/bureau/spot-check", token=bureau(),
                     query={"sample": "SC0000000000000000"}), 404)
    check = s["items"][0]["check_id"]
    r = post("/api/bureau/spot-check/%d" % check,
             {"result": "issue", "note": "发票与合同金额不一致"}, token=bureau())
    assert r.status == 200 and r.json["result"] == "issue", r
    assert sql("SELECT result, note FROM spot_checks WHERE id = %d"
               % check)[0] == ["issue", "发票与合同金额不一致"]
    expect_error(post("/api/bureau/spot-check/%d" % check,
                      {"result": "maybe"}, token=bureau()), 400,
                 field="result")
    assert "spot_check.sample" in [row[0] for row in sql(
        "SELECT action FROM audit_log WHERE entity = 'spot_check'")]
    # the list of past samples, newest first, with what was checked
    lst = get("/api/bureau/spot-check", token=bureau(),
              query={"per_page": 100})
    assert lst.status == 200, lst
    ids = [x["sample_id"] for x in lst.json["items"]]
    assert ids[:2] == [again["sample_id"], s["sample_id"]], ids
    first = lst.json["items"][1]
    assert first["n"] == s["n"] and first["checked"] == 1 and \
        first["issues"] == 1 and first["sampled_at"], first


@test
def test_V3_spot_check_get_and_head_are_safe():
    # issue 15 (7): reading the spot checks never draws a sample
    contracted_order(provider_party())
    before = spot_rows()
    for q in (None, {"n": 5}, {"n": 10, "year": 2024}):
        r = get("/api/bureau/spot-check", token=bureau(), query=q)
        assert r.status == 200 and "items" in r.json and \
            "sample_id" not in r.json, r
        r = request("HEAD", "/api/bureau/spot-check", token=bureau(),
                    query=q)
        assert r.status in (200, 405), r
    assert spot_rows() == before
    # drawing is a POST; other methods answer 405 naming it
    r = request("PUT", "/api/bureau/spot-check", token=bureau(), body={})
    expect_error(r, 405)
    assert "POST" in r.headers.get("allow", "") and \
        "GET" in r.headers.get("allow", ""), r.headers
    assert spot_rows() == before
    assert draw().status == 201 and spot_rows() > before


@test
def test_V3_audit_trail_newest_first_with_who_and_what():
    o = approved_claim()
    b = published([o])
    r = get("/api/bureau/audit", token=bureau(),
            query={"entity": "order", "id": o["id"], "per_page": 100})
    assert r.status == 200, r
    items = r.json["items"]
    assert r.json["total"] == len(items) >= 4, r.json
    ids = [i["id"] for i in items]
    assert ids == sorted(ids, reverse=True)
    newest = items[0]
    assert newest["action"] == "order.publicized", newest
    assert newest["actor_role"] == "bureau" and newest["actor_login"] == \
        "bureau"
    assert newest["before"]["status"] == "approved"
    assert newest["after"]["status"] == "publicized"
    assert newest["request_id"] and newest["at"]
    assert "order.accepted" in [i["action"] for i in items]
    r = get("/api/bureau/audit", token=bureau(),
            query={"entity": "publicity_batch", "id": b["id"]})
    acts = [i["action"] for i in r.json["items"]]
    assert acts[0] == "batch.publish" and "batch.create" in acts, acts
    r = get("/api/bureau/audit", token=bureau(), query={"per_page": 5})
    assert r.status == 200 and len(r.json["items"]) == 5
    expect_error(get("/api/bureau/audit", token=bureau(),
                     query={"id": 1}), 400, field="id")
    # append-only: the audit browser's user may only read and append (V3)
    privs = sorted(row[0] for row in sql(
        "SELECT PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES"
        " WHERE GRANTEE = \"'voucher_oversight'@'localhost'\""
        " AND TABLE_NAME = 'audit_log'"))
    assert privs == ["INSERT", "SELECT"], privs
