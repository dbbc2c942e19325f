"""The publicity program: batches of approved claims, the public list and
its signed, hash-chained files (R5), objections, payment, refunds and
recoveries (R6), and the whole journey of one order to the fen.

Approved claims are set up directly in SQL (as the redemption program's
approval does: the claim approved with its amount, the order approved
with approved_at) except in the journey test, which goes through the
redemption routes and skips itself while that program is not deployed.

The clock (T2) moves forward for payment (after the publicity period):
while it is moved, only fresh sessions are used (a cached one would be
idle-expired, and deleted, at the moved clock).
"""
import base64
import csv
import hashlib
import io
import json

from harness import (test, get, post, put, request, token, sql, expect_error,
                     AdminSession,
                     uniq, fresh_enterprise, fresh_login, place_order,
                     shanghai_date, set_clock_at, iso, parse_iso, skip)
from pubflow import (UNIT_SUBSIDY, DAY, PUBLIC_ITEM_FIELDS,
                     PDF, bureau, provider_party, contracted_order,
                     approved_claim, order_status, create_batch, item_of,
                     publish, published, after_period, pay, public_items,
                     public_item, send_feedback, uphold_objection, recoveries_of,
                     quota_occupied_of, openssl_verify, paid_order, refund)


# ---- R5: batches -----------------------------------------------------------

@test
def test_R5_batch_gathers_approved_claims_not_yet_in_a_batch():
    prov = provider_party()
    a = approved_claim(prov)
    b_order = approved_claim(prov, approved=200000)   # approved for less
    submitted = contracted_order(prov)                 # not approved
    batch = create_batch()
    assert batch["status"] == "draft" and batch["published_at"] is None
    ia, ib = item_of(batch, a["id"]), item_of(batch, b_order["id"])
    assert ia["amount"] == UNIT_SUBSIDY and ib["amount"] == 200000, batch
    assert ia["provider"] == prov["name"]
    assert ia["product"] == prov["product"]["name"]
    assert ia["category"] == prov["product"]["category"]
    assert all(it["order_id"] != submitted["id"] for it in batch["items"])
    assert batch["item_count"] == len(batch["items"])
    assert batch["total_amount"] == sum(it["amount"] for it in batch["items"])
    # an order is in at most one batch: nothing left to gather
    r = post("/api/bureau/batches", {}, token=bureau())
    expect_error(r, 409, "nothing_to_batch")
    # drafts are not public
    expect_error(get("/api/publicity/batches/%d" % batch["id"]), 404)
    expect_error(get("/api/publicity/batches/%d/items" % batch["id"]), 404)
    expect_error(get("/api/publicity/batches/%d.json" % batch["id"]), 404)
    assert "batch.create" in [row[0] for row in sql(
        "SELECT action FROM audit_log WHERE entity = 'publicity_batch'"
        " AND entity_id = %d" % batch["id"])]


@test
def test_R5_publish_lists_items_publicly_without_enterprise_data():
    o = approved_claim()
    b = published([o], period_days=10)
    assert b["status"] == "published" and b["period_days"] == 10, b
    assert parse_iso(b["period_ends_at"]) - parse_iso(b["published_at"]) == \
        10 * DAY
    assert order_status(o["id"]) == "publicized"
    assert sql("SELECT publicized_at IS NOT NULL FROM orders WHERE id = %d"
               % o["id"])[0][0] == "1"
    mine = item_of(b, o["id"])

    # the public list shows it (past the micro-cache)
    r = get("/api/publicity/batches", query={"per_page": 100,
                                             "nocache": uniq("n")})
    assert r.status == 200, r
    row = [x for x in r.json["items"] if x["id"] == b["id"]]
    assert row, r.json
    row = row[0]
    assert row["status"] == "published" and row["in_period"] is True
    assert row["item_count"] == b["item_count"]
    assert row["total_amount"] == b["total_amount"]
    assert row["title"] == b["title"] and row["file_sha256"]
    for k in ("published_at", "period_ends_at"):
        assert row[k] == b[k]

    items = public_items(b["id"])
    assert items["total"] == b["item_count"]
    it = [x for x in items["items"] if x["id"] == mine["id"]][0]
    assert set(it) == PUBLIC_ITEM_FIELDS, it
    assert it["provider"] == o["prov"]["name"]
    assert it["product"] == o["prov"]["product"]["name"]
    assert it["amount"] == UNIT_SUBSIDY and it["objection_status"] == "none"
    # R5: no enterprise data anywhere in the public replies
    ent = o["ent"]
    for path in ("/api/publicity/batches/%d/items?per_page=100&x=%s"
                 % (b["id"], uniq("n")), "/api/publicity/batches/%d.json"
                 % b["id"], "/api/publicity/batches/%d.csv" % b["id"],
                 "/api/publicity/batches/%d" % b["id"]):
        body = get(path).body.decode("utf-8")
        assert ent["name"] not in body and ent["uscc"] not in body, path
        assert "enterprise" not in body and o["order_no"] not in body, path

    # search by provider or product, and paging
    found = public_items(b["id"], q=o["prov"]["name"])["items"]
    assert [x["id"] for x in found] == [mine["id"]], found
    # issue 13: a word of one or two characters is read from the items'
    # grams (019): the same items as the names hold it, a match in the
    # product's name first, then by id
    every = public_items(b["id"])["items"]
    for q in ("服务", "服", it["product"][:2], it["product"][-1]):
        want = sorted((x for x in every if q.lower() in
                       (x["product"] + "\t" + x["provider"]).lower()),
                      key=lambda x: (q.lower() not in x["product"].lower(),
                                     x["id"]))
        got = public_items(b["id"], q=q)
        assert [x["id"] for x in got["items"]] == [x["id"] for x in want] \
            and got["total"] == len(want), (q, got, want)
    r = get("/api/publicity/batches/%d/items" % b["id"],
            query={"per_page": 1, "page": 1000, "x": uniq("n")})
    assert r.status == 200 and r.json["items"] == [] and \
        r.json["total"] == b["item_count"], r
    expect_error(get("/api/publicity/batches/%d/items" % b["id"],
                     query={"q": "x" * 51}), 400, field="q")
    # publishing twice is refused
    r = post("/api/bureau/batches/%d/publish" % b["id"], {}, token=bureau())
    expect_error(r, 409, "not_draft")


@test
def test_R5_public_list_and_items_are_micro_cached():
    o = approved_claim()
    b = published([o])
    path = "/api/publicity/batches/%d/items?q=%s" % (b["id"], uniq("c"))
    first = get(path)
    assert first.status == 200 and first.headers.get("etag"), first
    assert "public" in first.headers.get("cache-control", "")
    # nginx keeps a URL it was asked for twice, for about a second
    seen = [get(path).headers.get("x-cache") for _ in range(4)]
    assert "HIT" in seen, seen
    r = get(path, headers={"If-None-Match": first.headers["etag"]})
    assert r.status in (200, 304), r
    r = get("/api/publicity/batches")
    assert r.status == 200 and r.headers.get("x-cache") in (
        "MISS", "HIT", "EXPIRED", "UPDATING", "STALE"), r.headers


@test
def test_R5_signature_and_hash_chain_verify_with_the_public_key():
    first = published([approved_claim()])
    second = published([approved_claim()])
    key = get("/api/publicity/key")
    assert key.status == 200 and key.body.startswith(
        b"-----BEGIN PUBLIC KEY-----"), key
    files = {}
    for b in (first, second):
        f = get("/api/publicity/batches/%d.json" % b["id"])
        s = get("/api/publicity/batches/%d.json.sig" % b["id"])
        assert f.status == 200 and s.status == 200, (f, s)
        assert f.headers["content-type"].startswith("application/json")
        sha = hashlib.sha256(f.body).hexdigest()
        assert sha == b["file_sha256"] == f.headers["x-content-sha256"]
        assert f.headers["etag"] == '"%s"' % sha
        sig = s.body.decode("ascii").strip()
        assert len(base64.b64decode(sig)) == 64 and sig == b["signature"]
        # verified with the openssl command line, as anyone can
        assert openssl_verify(key.body, f.body, sig), b["id"]
        files[b["id"]] = f.body
    one, two = json.loads(files[first["id"]]), json.loads(files[second["id"]])
    assert two["batch_id"] == second["id"] and two["seq"] == one["seq"] + 1
    # the chain: the second file names the first file's SHA-256
    assert two["prev_sha256"] == hashlib.sha256(files[first["id"]]).hexdigest()
    assert second["prev_sha256"] == first["file_sha256"]
    assert two["key_sha256"] == second["key_sha256"]
    mine = item_of(second, second["items"][0]["order_id"])
    row = [i for i in two["items"] if i["id"] == mine["id"]][0]
    assert set(row) == {"id", "provider", "product", "category", "amount"}
    assert two["item_count"] == len(two["items"]) == second["item_count"]
    assert two["total_amount"] == sum(i["amount"] for i in two["items"])
    assert two["published_at"] == second["published_at"]
    assert two["period_ends_at"] == second["period_ends_at"]
    # a silent edit of the first file: the signature fails, and the chain
    # link of the second no longer matches
    edited = files[first["id"]].replace(b'"amount":', b'"amount":1', 1)
    assert edited != files[first["id"]]
    assert not openssl_verify(key.body, edited, first["signature"])
    assert hashlib.sha256(edited).hexdigest() != two["prev_sha256"]
    # the bytes are kept as published: a later objection changes the
    # items API, never the file
    item = first["items"][0]
    r = send_feedback(item["id"], {"text": "金额有误"})
    assert r.status == 201, r
    again = get("/api/publicity/batches/%d.json" % first["id"])
    assert again.body == files[first["id"]]
    r = get("/api/publicity/batches/%d.json" % first["id"],
            headers={"If-None-Match": '"%s"' % first["file_sha256"]})
    assert r.status == 304, r


@test
def test_R5_concurrent_publishes_form_one_linear_chain():
    import concurrent.futures
    batches = []
    for _ in range(3):
        approved_claim()
        batches.append(create_batch())
    with concurrent.futures.ThreadPoolExecutor(3) as ex:
        replies = list(ex.map(lambda b: post(
            "/api/bureau/batches/%d/publish" % b["id"], {}, token=bureau()),
            batches))
    assert all(r.status == 200 for r in replies), replies
    rows = sql("SELECT seq, file_sha256, IFNULL(prev_sha256, '-')"
               " FROM publicity_batches WHERE seq IS NOT NULL ORDER BY seq")
    for prev, cur in zip(rows, rows[1:]):
        assert int(cur[0]) == int(prev[0]) + 1, rows
        assert cur[2] == prev[1], rows
    assert rows[0][2] == "-", rows
    head = sql("SELECT head_sha256, length FROM publicity_chain")[0]
    assert head == [rows[-1][1], rows[-1][0]], (head, rows[-1])


@test
def test_R5_csv_for_excel_with_formula_injection_neutralised():
    prov = provider_party(name="=HYPERLINK(\"http://x\",\"y\")服务" + uniq("p"))
    o = approved_claim(prov)
    b = published([o])
    r = get("/api/publicity/batches/%d.csv" % b["id"])
    assert r.status == 200, r
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.body.startswith(b"\xef\xbb\xbf"), r.body[:10]
    text = r.body[3:].decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == \
        "序号,服务机构,服务产品,服务类别,补贴金额（元）,异议状态,兑付日期"
    # the items, a blank line, the three totals of R7
    assert lines[-1] == "" and len(lines) == b["item_count"] + 6
    mine = item_of(b, o["id"])
    row = [ln for ln in lines if ln.startswith("%d," % mine["id"])][0]
    # quoted (it holds quotes and a comma), quotes doubled, apostrophe
    # first so that no spreadsheet runs it
    assert row.startswith('%d,"\'=HYPERLINK(""http://x"",""y"")服务'
                          % mine["id"]), row
    assert row.endswith(",2400.00,无,"), row
    parsed = list(csv.reader(io.StringIO(text)))
    cell = [p for p in parsed if p and p[0] == str(mine["id"])][0]
    assert cell[1] == "'" + prov["name"] and cell[4] == "2400.00", cell


# ---- R5: objections --------------------------------------------------------

@test
def test_R5_feedback_tracking_number_and_dismissal():
    o = approved_claim()
    b = published([o])
    item = item_of(b, o["id"])
    r = send_feedback(item["id"], {"text": "该服务是否真实提供？",
                                   "contact": "138 0000 0000"})
    assert r.status == 201, r
    no = r.json["tracking_no"]
    assert len(no) == 14 and no.startswith("FB"), no
    assert r.json["status"] == "open" and r.json["batch_id"] == b["id"]
    assert public_item(b["id"], item["id"])["objection_status"] == "open"
    t = get("/api/publicity/feedback/%s" % no)
    assert t.status == 200, t
    assert t.json["status"] == "open" and t.json["decided_at"] is None
    assert t.json["item"]["id"] == item["id"]
    body = t.body.decode("utf-8")
    assert "真实提供" not in body and "138 0000" not in body  # private
    assert get("/api/publicity/feedback/%s" % no.lower()).status == 200
    expect_error(get("/api/publicity/feedback/FB000000000000"), 404)
    expect_error(get("/api/publicity/feedback/nope"), 404)

    r = get("/api/bureau/feedback", token=bureau(),
            query={"status": "open", "batch_id": b["id"]})
    assert r.status == 200, r
    fb = [f for f in r.json["items"] if f["tracking_no"] == no][0]
    assert fb["text"] == "该服务是否真实提供？" and fb["contact"] == "138 0000 0000"
    assert fb["order_id"] == o["id"]
    r = post("/api/bureau/feedback/%d" % fb["id"],
             {"decision": "dismiss", "note": "经核实，服务已提供，合同与发票一致。"},
             token=bureau())
    assert r.status == 200 and r.json["status"] == "dismissed", r
    t = get("/api/publicity/feedback/%s" % no).json
    assert t["status"] == "dismissed" and t["decided_at"], t
    assert t["note"] == "经核实，服务已提供，合同与发票一致。" and t["outcome"]
    assert public_item(b["id"], item["id"])["objection_status"] == "dismissed"
    assert order_status(o["id"]) == "publicized"
    r = post("/api/bureau/feedback/%d" % fb["id"],
             {"decision": "uphold", "note": "again"}, token=bureau())
    expect_error(r, 409, "already_decided")


@test
def test_R5_objection_open_while_any_feedback_is_open():
    o = approved_claim()
    b = published([o])
    item = item_of(b, o["id"])
    ids = []
    for text in ("异议一", "异议二"):
        r = send_feedback(item["id"], {"text": text})
        assert r.status == 201, r
        ids.append(r.json["tracking_no"])
    fbs = {f["tracking_no"]: f["id"] for f in get(
        "/api/bureau/feedback", token=bureau(),
        query={"batch_id": b["id"], "per_page": 100}).json["items"]}
    r = post("/api/bureau/feedback/%d" % fbs[ids[0]],
             {"decision": "dismiss", "note": "不成立"}, token=bureau())
    assert r.status == 200, r
    assert public_item(b["id"], item["id"])["objection_status"] == "open"
    r = post("/api/bureau/feedback/%d" % fbs[ids[1]],
             {"decision": "dismiss", "note": "不成立"}, token=bureau())
    assert r.status == 200, r
    assert public_item(b["id"], item["id"])["objection_status"] == "dismissed"


@test
def test_R5_upheld_objection_withdraws_item_and_rejects_claim():
    o = approved_claim()
    ent_id = o["ent"]["id"]
    units_before = int(sql("SELECT units_sold FROM products WHERE id = %d"
                           % o["prov"]["product"]["id"])[0][0])
    occupied = quota_occupied_of(ent_id)
    assert occupied == UNIT_SUBSIDY
    b = published([o])
    item = item_of(b, o["id"])
    nos = [send_feedback(item["id"], {"text": t}).json["tracking_no"]
           for t in ("合同虚构", "同一服务重复申请")]
    fb = [f for f in get("/api/bureau/feedback", token=bureau(),
                         query={"batch_id": b["id"]}).json["items"]
          if f["tracking_no"] == nos[0]][0]
    r = post("/api/bureau/feedback/%d" % fb["id"],
             {"decision": "uphold", "note": "经核查合同为虚构。"}, token=bureau())
    assert r.status == 200 and r.json["status"] == "upheld", r
    it = public_item(b["id"], item["id"])
    assert it["objection_status"] == "upheld" and it["withdrawn"] is True
    # the other open objection on the same item is decided with it
    assert get("/api/publicity/feedback/%s" % nos[1]).json["status"] == \
        "upheld"
    # the order is rejected (O10), the claim too; the reservation is
    # released, the unit stays sold (R4 decision)
    assert order_status(o["id"]) == "rejected"
    claim = sql("SELECT status, decision, IFNULL(approved_amount, 'NULL'),"
                " reason FROM redemption_claims WHERE order_id = %d"
                % o["id"])[0]
    assert claim[:3] == ["rejected", "rejected", "NULL"], claim
    assert "经核查合同为虚构" in claim[3]
    assert quota_occupied_of(ent_id) == occupied - UNIT_SUBSIDY
    assert int(sql("SELECT units_sold FROM products WHERE id = %d"
                   % o["prov"]["product"]["id"])[0][0]) == units_before
    # the published file keeps the item (immutable); feedback is closed
    f = json.loads(get("/api/publicity/batches/%d.json" % b["id"]).body)
    assert any(i["id"] == item["id"] for i in f["items"])
    r = send_feedback(item["id"], {"text": "再次反映"})
    expect_error(r, 409, "item_withdrawn")
    events = [row[0] for row in sql(
        "SELECT to_status FROM order_events WHERE order_id = %d ORDER BY id"
        % o["id"])]
    assert events[-2:] == ["publicized", "rejected"], events


@test
def test_R5_feedback_text_is_length_limited_and_stored_as_given():
    o = approved_claim()
    b = published([o])
    item = item_of(b, o["id"])
    path = "/api/publicity/items/%d/feedback" % item["id"]
    expect_error(send_feedback(item["id"], {"text": ""}), 400, field="text")
    expect_error(send_feedback(item["id"], {"text": "长" * 1001}), 400,
                 field="text")
    expect_error(send_feedback(item["id"], {"text": "a\x00b"}), 400)
    expect_error(send_feedback(item["id"], {"text": "a\x1bb"}), 400,
                 field="text")
    expect_error(send_feedback(item["id"], {"text": "ok", "contact": "c" * 101}),
                 400, field="contact")
    expect_error(send_feedback(item["id"], {"text": "ok", "x": 1}), 400,
                 "unknown_field", "x")
    expect_error(request("POST", path, raw="text=hi",
                         headers={"Content-Type": "text/plain"}), 415)
    expect_error(send_feedback(999999999, {"text": "ok"}), 404)
    nasty = ("<script>alert('x')</script>\"\\ \u2028 '; DROP TABLE feedback;--"
             "\n第二行\t" + "长" * 900)
    assert len(nasty) <= 1000
    r = send_feedback(item["id"], {"text": nasty, "contact": "<b>me</b>"})
    assert r.status == 201, r
    fb = [f for f in get("/api/bureau/feedback", token=bureau(),
                         query={"batch_id": b["id"]}).json["items"]
          if f["tracking_no"] == r.json["tracking_no"]][0]
    assert fb["text"] == nasty and fb["contact"] == "<b>me</b>"
    raw = get("/api/bureau/feedback", token=bureau(),
              query={"batch_id": b["id"]})
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.headers.get("x-content-type-options") == "nosniff"
    # inside a JSON string: the quote and the line break are escaped
    assert b'\\"\\\\ ' in raw.body and b"\\n" in raw.body
    assert sql("SELECT COUNT(*) FROM feedback WHERE tracking_no = '%s'"
               % r.json["tracking_no"])[0][0] == "1"


@test
def test_R5_feedback_only_during_the_publicity_period():
    o = approved_claim()
    b = published([o], period_days=3)
    item = item_of(b, o["id"])
    set_clock_at(parse_iso(b["period_ends_at"]) + 60)
    expect_error(send_feedback(item["id"], {"text": "太晚了"}), 409,
                 "publicity_closed")
    set_clock_at(parse_iso(b["period_ends_at"]) - 60)
    r = get("/api/publicity/batches/%d" % b["id"],
            query={"x": uniq("n")})
    assert r.status == 200 and r.json["in_period"] is True, r
    assert send_feedback(item["id"], {"text": "还来得及"}).status == 201


# ---- R5: payment -----------------------------------------------------------

@test
def test_R5_pay_only_after_the_period_and_skips_open_objections():
    prov = provider_party()
    ok, objected = approved_claim(prov), approved_claim(prov)
    b = published([ok, objected])
    r = pay(b["id"], bureau(), shanghai_date(b["published_at"]))
    expect_error(r, 409, "publicity_period_not_over")
    it_obj = item_of(b, objected["id"])
    assert send_feedback(it_obj["id"], {"text": "有异议"}).status == 201
    tok, t = after_period(b)
    today = shanghai_date(iso(t))
    expect_error(pay(b["id"], tok, shanghai_date(b["published_at"])), 422,
                 "invalid_paid_on", "paid_on")
    expect_error(pay(b["id"], tok, shanghai_date(iso(t), 1)), 422,
                 "invalid_paid_on", "paid_on")
    expect_error(post("/api/bureau/batches/%d/pay" % b["id"], {},
                      token=tok), 400, "missing_field", "paid_on")
    r = pay(b["id"], tok, today)
    assert r.status == 200, r
    paid = {p["order_id"]: p for p in r.json["paid"]}
    skipped = {s["order_id"]: s["reason"] for s in r.json["skipped"]}
    assert ok["id"] in paid and paid[ok["id"]]["amount"] == UNIT_SUBSIDY
    assert skipped.get(objected["id"]) == "open_objection", r.json
    assert r.json["paid_amount"] == sum(p["amount"] for p in r.json["paid"])
    assert r.json["batch"]["status"] == "paid"
    assert r.json["batch"]["paid_on"] == today
    assert order_status(ok["id"]) == "paid"
    assert order_status(objected["id"]) == "publicized"
    assert sql("SELECT paid_at = '%s' FROM orders WHERE id = %d"
               % (iso(t).replace("T", " ").rstrip("Z"), ok["id"]))[0][0] == "1"
    # once dismissed, a second pay of the same batch pays it
    fb = get("/api/bureau/feedback", token=tok,
             query={"batch_id": b["id"], "status": "open"}).json["items"]
    fb = [f for f in fb if f["order_id"] == objected["id"]][0]
    r = post("/api/bureau/feedback/%d" % fb["id"],
             {"decision": "dismiss", "note": "不成立"}, token=tok)
    assert r.status == 200, r
    r = pay(b["id"], tok, today)
    assert r.status == 200, r
    assert [p["order_id"] for p in r.json["paid"]] == [objected["id"]], r.json
    assert order_status(objected["id"]) == "paid"
    expect_error(pay(b["id"], tok, today), 409, "nothing_to_pay")
    # the public list shows the batch paid
    row = get("/api/publicity/batches/%d" % b["id"],
              query={"x": uniq("n")}).json
    assert row["status"] == "paid" and row["paid_on"] == today
    # feedback is closed once paid
    expect_error(send_feedback(item_of(b, ok["id"])["id"], {"text": "x"}),
                 409, "publicity_closed")


@test
def test_R5_pay_skips_withdrawn_items_and_unknown_batches_404():
    o = approved_claim()
    b = published([o])
    it = uphold_objection(b, o["id"], "虚假")
    approved_claim()
    draft = create_batch()
    tok, t = after_period(b)
    r = pay(b["id"], tok, shanghai_date(iso(t)))
    if r.status == 200:     # other items of the batch were payable
        assert {"item_id": it["id"], "order_id": o["id"],
                "reason": "withdrawn"} in r.json["skipped"], r.json
    else:
        expect_error(r, 409, "nothing_to_pay")
    assert order_status(o["id"]) == "rejected"
    expect_error(pay(999999999, tok, shanghai_date(iso(t))), 404)
    expect_error(pay(draft["id"], tok, shanghai_date(iso(t))), 409,
                 "not_published")


# ---- R6: refunds and recoveries --------------------------------------------

@test
def test_R6_refund_only_after_payment_by_the_order_provider():
    o = approved_claim()
    r = refund(o["id"], o["prov"]["token"], {"amount": 1000, "reason": "退款"})
    expect_error(r, 409, "invalid_state")
    other = provider_party()
    expect_error(refund(o["id"], other["token"],
                        {"amount": 1000, "reason": "x"}), 404)
    expect_error(refund(o["id"], o["prov"]["token"], {"reason": "x"}), 400,
                 "missing_field", "amount")
    expect_error(refund(o["id"], o["prov"]["token"],
                        {"amount": 0, "reason": "x"}), 400, field="amount")
    expect_error(refund(o["id"], o["prov"]["token"],
                        {"amount": 10.5, "reason": "x"}), 400, field="amount")
    expect_error(post("/api/provider/orders/%d/refund" % o["id"],
                      {"amount": 1, "reason": "x"}, token=bureau()), 403)


@test
def test_R6_partial_then_full_refund_recovers_to_the_fen():
    o, tok, ptok, t = paid_order()
    # 3,333.33 of 8,000.00 refunded: floor(240000 * 333333 / 800000) = 99999
    r = refund(o["id"], ptok, {"amount": 333333, "reason": "部分服务未做"})
    assert r.status == 201, r
    assert r.json["refund"]["kind"] == "partial"
    assert r.json["recovery"]["amount_due"] == 99999
    assert r.json["order"] == {"id": o["id"], "status": "paid",
                               "contract_amount": 800000,
                               "paid_subsidy": 240000,
                               "refunded_total": 333333,
                               "recovery_due_total": 99999}, r.json
    occupied = quota_occupied_of(o["ent"]["id"])
    expect_error(refund(o["id"], ptok, {"amount": 466668, "reason": "x"}),
                 422, "refund_exceeds_amount", "amount")
    # the rest: all of the subsidy is due, 240000 - 99999 = 140001
    r = refund(o["id"], ptok, {"amount": 466667, "reason": "全部退款"})
    assert r.status == 201, r
    assert r.json["refund"]["kind"] == "full"
    assert r.json["recovery"]["amount_due"] == 140001
    assert r.json["order"]["status"] == "refunded"
    assert r.json["order"]["recovery_due_total"] == 240000
    assert order_status(o["id"]) == "refunded"
    # the refunded subsidy no longer counts against the year
    assert quota_occupied_of(o["ent"]["id"]) == occupied - UNIT_SUBSIDY
    expect_error(refund(o["id"], ptok, {"amount": 1, "reason": "x"}), 409,
                 "invalid_state")
    recs = recoveries_of(o["id"], tok)
    assert [(x["amount_due"], x["status"], x["source"]) for x in recs] == \
        [(99999, "open", "refund"), (140001, "open", "refund")], recs
    rows = sql("SELECT kind, amount FROM refunds WHERE order_id = %d"
               " ORDER BY id" % o["id"])
    assert rows == [["partial", "333333"], ["full", "466667"]], rows


@test
def test_R6_recovery_uses_the_subsidy_actually_paid():
    # approved for 2,000.00 instead of 2,400.00: a quarter refunded
    # recovers floor(200000 * 200000 / 800000) = 50000
    o, tok, ptok, t = paid_order(approved=200000)
    r = refund(o["id"], ptok, {"amount": 200000, "reason": "四分之一退款"})
    assert r.status == 201, r
    assert r.json["order"]["paid_subsidy"] == 200000
    assert r.json["recovery"]["amount_due"] == 50000
    # 1 fen more refunded: floor(200000 * 200001 / 800000) = 50000, so
    # nothing more is due and no recovery is opened
    r = refund(o["id"], ptok, {"amount": 1, "reason": "一分"})
    assert r.status == 201 and r.json["recovery"] is None, r
    assert sum(x["amount_due"] for x in recoveries_of(o["id"], tok)) == 50000


@test
def test_R6_not_delivered_recovers_all_the_paid_subsidy():
    o, tok, ptok, t = paid_order()
    r = refund(o["id"], ptok, {"kind": "not_delivered",
                               "reason": "服务未实际提供"})
    assert r.status == 201, r
    assert r.json["refund"]["kind"] == "not_delivered"
    assert r.json["refund"]["amount"] == 800000
    assert r.json["recovery"]["amount_due"] == 240000
    assert order_status(o["id"]) == "refunded"


@test
def test_R6_bureau_records_money_returned_until_settled():
    o, tok, ptok, t = paid_order()
    r = refund(o["id"], ptok, {"amount": 400000, "reason": "一半退款"})
    assert r.status == 201, r
    rec = r.json["recovery"]
    assert rec["amount_due"] == 120000
    due = get("/api/bureau/recoveries", token=tok,
              query={"status": "due", "per_page": 100})
    assert due.status == 200, due
    assert rec["id"] in [x["id"] for x in due.json["items"]]
    assert due.json["totals"]["outstanding"] >= 120000
    today = shanghai_date(iso(t))
    path = "/api/bureau/recoveries/%d" % rec["id"]
    expect_error(post(path, {"amount_returned": 120001, "returned_on": today},
                      token=tok), 422, "exceeds_outstanding",
                 "amount_returned")
    expect_error(post(path, {"amount_returned": 1,
                             "returned_on": shanghai_date(iso(t), 1)},
                      token=tok), 422, "invalid_returned_on", "returned_on")
    r = post(path, {"amount_returned": 20000, "returned_on": today},
             token=tok)
    assert r.status == 200, r
    assert (r.json["amount_returned"], r.json["outstanding"],
            r.json["status"]) == (20000, 100000, "partial"), r.json
    r = post(path, {"amount_returned": 100000, "returned_on": today},
             token=tok)
    assert r.status == 200, r
    assert (r.json["amount_returned"], r.json["outstanding"],
            r.json["status"], r.json["returned_on"]) == \
        (120000, 0, "settled", today), r.json
    expect_error(post(path, {"amount_returned": 1, "returned_on": today},
                      token=tok), 409, "already_settled")
    settled = get("/api/bureau/recoveries", token=tok,
                  query={"status": "settled", "order_id": o["id"]}).json
    assert [x["id"] for x in settled["items"]] == [rec["id"]]
    assert settled["totals"] == {"amount_due": 120000,
                                 "amount_returned": 120000,
                                 "outstanding": 0}, settled
    actions = [row[0] for row in sql(
        "SELECT action FROM audit_log WHERE entity = 'recovery' AND"
        " entity_id = %d ORDER BY id" % rec["id"])]
    assert actions == ["recovery.return", "recovery.return"], actions


# ---- access --------------------------------------------------------------

@test
def test_publicity_routes_public_and_bureau_only():
    for path in ("/api/publicity/batches", "/api/publicity/key"):
        assert get(path).status == 200, path
    for method, path in (("GET", "/api/bureau/batches"),
                         ("POST", "/api/bureau/batches"),
                         ("GET", "/api/bureau/feedback"),
                         ("GET", "/api/bureau/recoveries"),
                         ("GET", "/api/bureau/violations"),
                         ("GET", "/api/bureau/spot-check"),
                         ("GET", "/api/bureau/audit")):
        expect_error(request(method, path), 401)
        expect_error(request(method, path, token=token("prov01")), 403)
        expect_error(request(method, path, token=token("reviewer")), 403)
    expect_error(get("/api/publicity/batches/999999999"), 404)
    expect_error(get("/api/publicity/batches/999999999.json.sig"), 404)
    expect_error(get("/api/publicity/batches/999999999.csv"), 404)
    expect_error(get("/api/publicity/batches", query={"page": 0}), 400,
                 field="page")
    expect_error(get("/api/bureau/batches", token=bureau(),
                     query={"status": "x"}), 400, field="status")
    expect_error(post("/api/bureau/batches/1/publish", {"period_days": 0},
                      token=bureau()), 400, field="period_days")
    expect_error(post("/api/bureau/batches/1/publish", {"period_days": 91},
                      token=bureau()), 400, field="period_days")
    expect_error(post("/api/bureau/batches", {"title": ""}, token=bureau()),
                 400, field="title")


# ---- the whole journey -------------------------------------------------------

@test
def test_R5_R6_journey_order_to_recovery_to_the_fen():
    if get("/_internal/redemption/healthz").status != 200:
        skip("the redemption program is not deployed "
             "(GET /_internal/redemption/healthz is not 200)")
    prov = provider_party()
    ent = fresh_enterprise()
    occupied0 = quota_occupied_of(ent["id"])
    remaining0 = int(sql("SELECT remaining_units FROM products WHERE id = %d"
                         % prov["product"]["id"])[0][0])
    # order (O3): the unit and 2,400.00 reserved
    r = place_order(ent["token"], prov["product"]["id"])
    assert r.status == 201, r
    oid = r.json["id"]
    assert r.json["reserved"] == UNIT_SUBSIDY
    assert quota_occupied_of(ent["id"]) == occupied0 + UNIT_SUBSIDY
    assert int(sql("SELECT remaining_units FROM products WHERE id = %d"
                   % prov["product"]["id"])[0][0]) == remaining0 - 1
    day = shanghai_date(r.json["ordered_at"])
    # accept (O4), contract for 9,000.00 (O9): subsidy min(2,700.00,
    # reserved 2,400.00) = 2,400.00, self-paid 6,600.00
    assert post("/api/provider/orders/%d/accept" % oid,
                token=prov["token"]).status == 200
    r = put("/api/provider/orders/%d/contract" % oid,
            {"contract_no": uniq("HT"), "signed_on": day,
             "service_start_on": day, "amount": 900000, "period_months": 6},
            token=prov["token"])
    assert r.status == 200, r
    c = r.json["contract"]
    assert (c["amount"], c["base"], c["subsidy"], c["self_paid"]) == \
        (900000, 900000, 240000, 660000), c
    # confirm and rate (C1)
    r = post("/api/orders/%d/confirm" % oid,
             {"ratings": {"quality": 5, "timeliness": 5, "attitude": 4}},
             token=ent["token"])
    assert r.status == 200, r
    # five uploads (R1), the figures (R2), submit (R3)
    for kind in ("contract", "commitment", "invoice", "invoice_check",
                 "receipt"):
        r = request("PUT", "/api/redemptions/%d/files/%s" % (oid, kind),
                    raw=PDF, token=prov["token"],
                    headers={"Content-Type": "application/pdf"})
        assert r.status in (200, 201), (kind, r)
    r = put("/api/redemptions/%d" % oid,
            {"invoice_no": uniq("FP"), "invoice_date": day,
             "invoice_total": 900000, "invoice_voucher_amount": 240000,
             "invoice_self_paid": 660000, "receipt_date": day,
             "receipt_amount": 660000}, token=prov["token"])
    assert r.status in (200, 201), r
    r = post("/api/redemptions/%d/submit" % oid, token=prov["token"])
    assert r.status in (200, 201), r
    assert order_status(oid) == "submitted"
    # approve (R4) for 2,350.50
    r = post("/api/review/claims/%d" % oid,
             {"decision": "approve", "amount": 235050, "reason": "核减 49.50 元"},
             token=token("reviewer"))
    assert r.status == 200, r
    assert order_status(oid) == "approved"
    # batch, publish (R5)
    b = create_batch()
    item = item_of(b, oid)
    assert item["amount"] == 235050
    b = publish(b["id"])
    assert order_status(oid) == "publicized"
    # the public list shows it
    r = get("/api/publicity/batches", query={"x": uniq("n"), "per_page": 100})
    assert b["id"] in [x["id"] for x in r.json["items"]], r.json
    pub = public_item(b["id"], item["id"])
    assert (pub["provider"], pub["product"], pub["amount"]) == \
        (prov["name"], prov["product"]["name"], 235050)
    f = get("/api/publicity/batches/%d.json" % b["id"])
    assert openssl_verify(get("/api/publicity/key").body, f.body,
                          get("/api/publicity/batches/%d.json.sig"
                              % b["id"]).body.decode().strip())
    # an objection, dismissed
    r = send_feedback(item["id"], {"text": "请核实"})
    assert r.status == 201, r
    no = r.json["tracking_no"]
    fb = [x for x in get("/api/bureau/feedback", token=bureau(),
                         query={"batch_id": b["id"]}).json["items"]
          if x["tracking_no"] == no][0]
    assert post("/api/bureau/feedback/%d" % fb["id"],
                {"decision": "dismiss", "note": "已核实"},
                token=bureau()).status == 200
    assert get("/api/publicity/feedback/%s" % no).json["status"] == \
        "dismissed"
    # pay after the period
    tok, t = after_period(b)
    r = pay(b["id"], tok, shanghai_date(iso(t)))
    assert r.status == 200, r
    assert {"item_id": item["id"], "order_id": oid, "amount": 235050} in \
        r.json["paid"]
    assert order_status(oid) == "paid"
    # refund 3,000.00 of 9,000.00: floor(235050 * 300000 / 900000) = 78350
    ptok = fresh_login(prov["login"], prov["password"])
    r = refund(oid, ptok, {"amount": 300000, "reason": "部分退款"})
    assert r.status == 201, r
    assert r.json["recovery"]["amount_due"] == 78350
    assert r.json["order"]["status"] == "paid"
    # the money comes back, in two parts
    rid = r.json["recovery"]["id"]
    for amount, status in ((50000, "partial"), (28350, "settled")):
        r = post("/api/bureau/recoveries/%d" % rid,
                 {"amount_returned": amount,
                  "returned_on": shanghai_date(iso(t))}, token=tok)
        assert r.status == 200 and r.json["status"] == status, r
    assert r.json["amount_returned"] == 78350 and r.json["outstanding"] == 0
    # what stays reserved against the year is the approved amount (the
    # reviewer's cut was released at approval), through payment and a
    # partial refund
    assert quota_occupied_of(ent["id"]) == occupied0 + 235050
    events = [row[0] for row in sql(
        "SELECT to_status FROM order_events WHERE order_id = %d ORDER BY id"
        % oid)]
    for s in ("pending", "accepted", "contracted", "submitted", "approved",
              "publicized", "paid"):
        assert s in events, (s, events)


# ---- R7: published, withdrawn and paid told apart (issue 11, point 2) -------

@test
def test_R7_totals_tell_published_withdrawn_and_paid_apart():
    prov = provider_party()
    kept, gone = approved_claim(prov), approved_claim(prov)
    b = published([kept, gone])
    signed = get("/api/publicity/batches/%d.json" % b["id"]).body
    it_gone = uphold_objection(b, gone["id"], "服务未实际开展")
    tok, t = after_period(b)
    paid_on = shanghai_date(iso(t))
    r = pay(b["id"], tok, paid_on)
    assert r.status == 200, r
    # other tests' approved claims may share the batch: compare with the
    # items themselves
    items = public_items(b["id"])["items"]
    published_amount = sum(i["amount"] for i in items)
    withdrawn = [i for i in items if i["withdrawn"]]
    paid = [i for i in items if i["paid_on"]]
    assert it_gone["id"] in [i["id"] for i in withdrawn]
    assert public_item(b["id"], it_gone["id"])["paid_on"] is None
    assert public_item(b["id"], item_of(b, kept["id"])["id"])["paid_on"] \
        == paid_on
    for pb in (get("/api/publicity/batches/%d" % b["id"],
                   query={"nocache": uniq("n")}).json,
               [x for x in get("/api/publicity/batches",
                               query={"per_page": 100,
                                      "nocache": uniq("n")}).json["items"]
                if x["id"] == b["id"]][0],
               get("/api/bureau/batches/%d" % b["id"], token=tok).json):
        assert pb["published_amount"] == pb["total_amount"] == \
            published_amount, pb
        assert pb["withdrawn_count"] == len(withdrawn), pb
        assert pb["withdrawn_amount"] == sum(i["amount"] for i in withdrawn)
        assert pb["paid_count"] == len(paid), pb
        assert pb["paid_amount"] == sum(i["amount"] for i in paid)
        assert pb["paid_amount"] == published_amount - pb["withdrawn_amount"]
    assert r.json["batch"]["paid_amount"] == sum(i["amount"] for i in paid)
    assert r.json["batch"]["withdrawn_amount"] == \
        sum(i["amount"] for i in withdrawn)
    # the CSV: each item's payment date, then the totals told apart
    text = get("/api/publicity/batches/%d.csv" % b["id"]).body[3:].decode()
    rows = list(csv.reader(io.StringIO(text)))
    mine = [x for x in rows if x and x[0] == str(it_gone["id"])][0]
    assert mine[5] == "异议成立，已撤回" and mine[6] == "", mine
    totals = {x[1]: x for x in rows if len(x) > 4 and x[0] == ""}
    assert totals["公示合计"][4] == "%.2f" % (published_amount / 100)
    assert totals["已撤回"][2] == "%d 条" % len(withdrawn)
    assert totals["已兑付"][4] == "%.2f" % (
        sum(i["amount"] for i in paid) / 100)
    # the signed file stays as published (R7: a record never changes)
    assert get("/api/publicity/batches/%d.json" % b["id"]).body == signed


def records_of(batch_id):
    """The public chain of a batch's records, past the micro-cache."""
    r = get("/api/publicity/batches/%d/records" % batch_id,
            query={"nocache": uniq("n")})
    assert r.status == 200, r
    return r.json


def record_bytes(batch_id, n):
    f = get("/api/publicity/batches/%d/records/%d.json" % (batch_id, n))
    s = get("/api/publicity/batches/%d/records/%d.json.sig" % (batch_id, n))
    assert f.status == 200 and s.status == 200, (f, s)
    assert f.headers["x-content-sha256"] == hashlib.sha256(f.body).hexdigest()
    return f.body, s.body.decode("ascii").strip()


def check_chain(batch_id, key):
    """Fetches every record of the batch, checks each signature with the
    public key and each link (prev_sha256 = SHA-256 of the previous
    record's exact bytes); returns the records' bytes and documents."""
    listed = records_of(batch_id)
    assert listed["total"] == len(listed["items"]) >= 1
    raw, docs = [], []
    for n, entry in enumerate(listed["items"]):
        assert entry["seq"] == n
        body, sig = record_bytes(batch_id, n)
        assert openssl_verify(key, body, sig), (batch_id, n)
        assert entry["sha256"] == hashlib.sha256(body).hexdigest()
        assert entry["json"] == "/api/publicity/batches/%d/records/%d.json" \
            % (batch_id, n)
        doc = json.loads(body)
        if n == 0:
            assert entry["kind"] == "published"
        else:
            assert doc["format"] == "voucher-publicity-record/1"
            assert (doc["batch_id"], doc["seq"]) == (batch_id, n)
            assert doc["prev_sha256"] == hashlib.sha256(raw[-1]).hexdigest()
            assert entry["prev_sha256"] == doc["prev_sha256"]
            assert doc["kind"] == entry["kind"] in ("withdrawal", "payment")
            assert doc["count"] == len(doc["items"]) >= 1
            assert doc["amount"] == sum(i["amount"] for i in doc["items"])
            # canonical: compact, keys in their fixed order
            assert body == json.dumps(doc, ensure_ascii=False,
                                      separators=(",", ":")).encode()
            assert list(doc) == ["format", "batch_id", "seq", "kind",
                                 "prev_sha256", "at",
                                 "paid_on" if doc["kind"] == "payment"
                                 else "reason", "items", "count", "amount",
                                 "totals"]
        raw.append(body)
        docs.append(doc)
    return raw, docs


@test
def test_R7_withdrawals_and_payment_are_signed_records_chained_after_the_list():
    key = get("/api/publicity/key").body
    prov = provider_party()
    kept, gone = approved_claim(prov), approved_claim(prov)
    cheat = approved_claim()            # another provider, barred below
    b = published([kept, gone, cheat])
    signed = get("/api/publicity/batches/%d.json" % b["id"]).body
    # a batch with no withdrawal and no payment has only record 0: its file
    raw, docs = check_chain(b["id"], key)
    assert raw == [signed] and len(docs) == 1
    expect_error(get("/api/publicity/batches/%d/records/1.json" % b["id"]),
                 404, "not_found")
    # an upheld objection withdraws one item: record 1
    it_gone = uphold_objection(b, gone["id"], "服务未实际开展")
    # a violation of the other provider withdraws its item: record 2
    r = post("/api/bureau/violations", {
        "party": "provider", "party_id": cheat["prov"]["id"],
        "kind": "other", "description": "集成测试：虚构合同"},
        token=bureau())
    assert r.status == 201, r
    tok, t = after_period(b)
    paid_on = shanghai_date(iso(t))
    r = pay(b["id"], tok, paid_on)
    assert r.status == 200, r
    raw, docs = check_chain(b["id"], key)
    # the published file never changed: it is still record 0
    assert raw[0] == signed
    assert get("/api/publicity/batches/%d.json" % b["id"]).body == signed
    # other tests' approved claims may share the batch: find ours
    mine = {it_gone["id"]: "objection",
            item_of(b, cheat["id"])["id"]: "violation"}
    withdrawals = {d["items"][0]["id"]: d for d in docs[1:]
                   if d["kind"] == "withdrawal"}
    for item_id, reason in mine.items():
        d = withdrawals[item_id]
        assert d["reason"] == reason and d["count"] == 1, d
        assert set(d["items"][0]) == {"id", "provider", "product", "amount"}
    assert withdrawals[it_gone["id"]]["seq"] < \
        withdrawals[item_of(b, cheat["id"])["id"]]["seq"]
    payment = docs[-1]
    assert payment["kind"] == "payment" and payment["paid_on"] == paid_on
    kept_id = item_of(b, kept["id"])["id"]
    assert kept_id in [i["id"] for i in payment["items"]]
    assert not set(mine) & {i["id"] for i in payment["items"]}
    # the totals of the last record agree with the batch and its items
    items = public_items(b["id"])["items"]
    pb = get("/api/publicity/batches/%d" % b["id"],
             query={"nocache": uniq("n")}).json
    totals = payment["totals"]
    assert totals["published"] == {"count": pb["item_count"],
                                   "amount": pb["published_amount"]}
    assert totals["withdrawn"] == {"count": pb["withdrawn_count"],
                                   "amount": pb["withdrawn_amount"]}
    assert totals["paid"] == {"count": pb["paid_count"],
                              "amount": pb["paid_amount"]}
    assert totals["paid"]["amount"] == sum(i["amount"] for i in items
                                           if i["paid_on"])
    assert totals["published"]["amount"] == totals["withdrawn"]["amount"] \
        + totals["paid"]["amount"]
    # each record's totals add its own items to the previous record's
    for n in range(1, len(docs)):
        prev = docs[n - 1].get("totals") or {
            "withdrawn": {"count": 0, "amount": 0},
            "paid": {"count": 0, "amount": 0}}
        d = docs[n]
        moved = "paid" if d["kind"] == "payment" else "withdrawn"
        still = "withdrawn" if moved == "paid" else "paid"
        assert d["totals"][moved] == {
            "count": prev[moved]["count"] + d["count"],
            "amount": prev[moved]["amount"] + d["amount"]}, d
        assert d["totals"][still] == prev[still], d
    # re-reading gives the same bytes and the same signatures
    again = [record_bytes(b["id"], n) for n in range(len(raw))]
    assert [x[0] for x in again] == raw
    assert [x[1] for x in again] == [record_bytes(b["id"], n)[1]
                                     for n in range(len(raw))]
    # a silent edit of a record breaks its signature and the next link
    edited = raw[1].replace(b'"amount":', b'"amount":1', 1)
    assert not openssl_verify(key, edited, again[1][1])
    assert hashlib.sha256(edited).hexdigest() != docs[2]["prev_sha256"]
    # an unknown record, a malformed number, an unpublished batch: 404
    for path in ("records/%d.json" % len(raw), "records/01.json",
                 "records/x.json.sig"):
        expect_error(get("/api/publicity/batches/%d/%s" % (b["id"], path)),
                     404, "not_found")
    expect_error(get("/api/publicity/batches/999999999/records"), 404,
                 "not_found")


class HeldBatch:
    """Holds a batch's row lock on a connection of its own, as a payment
    of the batch in progress does (oversight locks the batch, then its
    items)."""

    def __init__(self, batch_id):
        self.batch_id = batch_id
        self.s = AdminSession()

    def __enter__(self):
        self.s.send("BEGIN; SELECT id FROM publicity_batches WHERE"
                    " id = %d FOR UPDATE;" % self.batch_id)
        got = self.s.line()
        assert got == str(self.batch_id), got
        return self

    def __exit__(self, *exc):
        self.s.send("ROLLBACK;")
        self.s.close()


def item_locked(item_id):
    """Whether another transaction holds publicity item item_id's row
    lock (a locking read that does not wait)."""
    try:
        sql("SET SESSION innodb_lock_wait_timeout = 1; BEGIN;"
            " SELECT id FROM publicity_items WHERE id = %d FOR UPDATE NOWAIT;"
            " ROLLBACK" % item_id)
        return False
    except Exception:       # ER_LOCK_WAIT_TIMEOUT: NOWAIT found it held
        return True


def lock_waits():
    return int(sql("SELECT COUNT(*) FROM information_schema.INNODB_TRX"
                   " WHERE trx_state = 'LOCK WAIT'")[0][0])


@test
def test_R5_R7_withdrawal_locks_the_batch_before_its_item_as_payment_does():
    # the withdrawal's trigger (019) updates the batch's totals: taking the
    # item first and the batch after would deadlock against a payment of
    # the batch (batch, then items). Each withdrawing path waits for the
    # batch without holding the item.
    import threading
    from harness import wait_for
    prov = provider_party()
    objected, revoked = approved_claim(prov), approved_claim(prov)
    b = published([objected, revoked])
    item = item_of(b, objected["id"])
    no = send_feedback(item["id"], {"text": "合同虚构"}).json["tracking_no"]
    fb = [f for f in get("/api/bureau/feedback", token=bureau(),
                         query={"batch_id": b["id"]}).json["items"]
          if f["tracking_no"] == no][0]
    tok = bureau()
    rev_item = item_of(b, revoked["id"])
    steps = [
        # publicity: an upheld objection (R5)
        (item["id"], lambda: post("/api/bureau/feedback/%d" % fb["id"],
                                  {"decision": "uphold",
                                   "note": "经核查合同为虚构。"}, token=tok)),
        # oversight: a violation revokes the party's listed order (V2)
        (rev_item["id"], lambda: post(
            "/api/bureau/violations",
            {"party": "enterprise", "party_id": revoked["ent"]["id"],
             "kind": "transfer", "description": "转让服务券"},
            token=tok)),
    ]
    for item_id, call in steps:
        replies = []
        with HeldBatch(b["id"]):
            th = threading.Thread(target=lambda: replies.append(call()))
            th.start()
            assert wait_for(lambda: lock_waits() > 0, timeout=10), \
                "the request did not wait for the batch"
            assert not item_locked(item_id), \
                "item %d locked before its batch" % item_id
        th.join(timeout=30)
        assert replies and replies[0].status in (200, 201), replies
        assert public_item(b["id"], item_id)["withdrawn"] is True
