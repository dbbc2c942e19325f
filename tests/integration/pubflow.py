"""pubflow.py - helpers of the publicity tests (test_publicity.py,
test_violations.py): providers with a product, orders taken to a contract,
approved claims set up in SQL the way the redemption program's approval
does (the claim approved with its amount, the order approved with
approved_at), batches published and paid with the clock moved past the
publicity period (T2), and the openssl check of a signed list file.

While the clock is moved, only fresh sessions are used: a cached one
would be idle-expired, and deleted, at the moved clock.
"""
import base64
import os
import subprocess
import tempfile
import time

from harness import (get, post, put, token, sql, uniq, new_provider,
                     fresh_enterprise, fresh_login, order_product,
                     place_order, shanghai_date, set_clock_at, iso,
                     parse_iso)

VOUCHER_PRICE = 800000          # 8,000.00 CNY
UNIT_SUBSIDY = 240000           # P4: floor(800000 * 30 / 100)
DAY = 86400
PUBLIC_ITEM_FIELDS = {"id", "provider", "product", "category",
                      "category_name", "amount", "objection_status",
                      "withdrawn", "unconfirmed", "paid_on"}


def bureau():
    return token("bureau")


# ---- set-up ----------------------------------------------------------------

def provider_party(**over):
    """A new provider with its login and one listed product (8,000.00
    CNY, unit subsidy 2,400.00): dict id, name, login, token, product."""
    p, body = new_provider(**over)
    prod = order_product(p["id"], voucher_price=VOUCHER_PRICE, units=10)
    return {"id": p["id"], "name": body["name"], "login": body["login"],
            "password": body["password"],
            "token": fresh_login(body["login"], body["password"]),
            "product": prod}


def contracted_order(prov, ent=None, amount=VOUCHER_PRICE, months=12):
    """An order of prov's product by ent (a fresh enterprise by default):
    placed, accepted, contracted (amount, months) and confirmed (C1).
    Returns the order JSON after the contract, with "ent"."""
    ent = ent or fresh_enterprise()
    r = place_order(ent["token"], prov["product"]["id"])
    assert r.status == 201, r
    oid = r.json["id"]
    day = shanghai_date(r.json["ordered_at"])
    r = post("/api/provider/orders/%d/accept" % oid, token=prov["token"])
    assert r.status == 200, r
    r = put("/api/provider/orders/%d/contract" % oid,
            {"contract_no": uniq("HT"), "signed_on": day,
             "service_start_on": day, "amount": amount,
             "period_months": months}, token=prov["token"])
    assert r.status == 200, r
    o = r.json
    r = post("/api/orders/%d/confirm" % oid,
             {"ratings": {"quality": 5, "timeliness": 4, "attitude": 5}},
             token=ent["token"])
    assert r.status == 200, r
    o["ent"] = ent
    return o


def sql_approve(order, approved=None):
    """What the reviewer's approval does (R4), in SQL: the claim approved
    with its amount, the order approved."""
    c = order["contract"]
    approved = c["subsidy"] if approved is None else approved
    oid = int(order["id"])
    sql("INSERT INTO redemption_claims (order_id, status, invoice_no,"
        " invoice_date, invoice_total, invoice_voucher_amount,"
        " invoice_self_paid, receipt_date, receipt_amount, created_at,"
        " updated_at, submitted_at, reviewed_by, reviewed_at, decision,"
        " approved_amount, reason) VALUES (%d, 'approved', 'INV%d', '%s',"
        " %d, %d, %d, '%s', %d, UTC_TIMESTAMP(), UTC_TIMESTAMP(),"
        " UTC_TIMESTAMP(), (SELECT id FROM accounts WHERE login = 'reviewer'),"
        " UTC_TIMESTAMP(), 'approved', %d, %s);"
        "UPDATE orders SET status = 'approved', submitted_at = UTC_TIMESTAMP(),"
        " approved_at = UTC_TIMESTAMP(), updated_at = UTC_TIMESTAMP()"
        " WHERE id = %d AND status = 'contracted';"
        "INSERT INTO order_events (order_id, at, actor_role, from_status,"
        " to_status, reason) VALUES (%d, UTC_TIMESTAMP(6), 'provider',"
        " 'contracted', 'submitted', 'test'), (%d, UTC_TIMESTAMP(6),"
        " 'reviewer', 'submitted', 'approved', 'test')"
        % (oid, oid, c["signed_on"], c["amount"], c["subsidy"],
           c["self_paid"], c["signed_on"], c["self_paid"], approved,
           "NULL" if approved == c["subsidy"] else "'核减'",
           oid, oid, oid))
    assert order_status(oid) == "approved"
    return approved


def approved_claim(prov=None, ent=None, approved=None, amount=VOUCHER_PRICE):
    """An approved claim of a fresh (or the given) provider; returns the
    order JSON with "prov", "ent" and "approved"."""
    prov = prov or provider_party()
    o = contracted_order(prov, ent, amount=amount)
    o["approved"] = sql_approve(o, approved)
    o["prov"] = prov
    return o


def order_status(oid):
    return sql("SELECT status FROM orders WHERE id = %d" % int(oid))[0][0]


def create_batch(tok=None, **body):
    r = post("/api/bureau/batches", body, token=tok or bureau())
    assert r.status == 201, r
    return r.json


def item_of(batch, order_id):
    """The bureau's item of order_id in a batch view."""
    for it in batch["items"]:
        if it["order_id"] == order_id:
            return it
    raise AssertionError("order %d not in batch %d" % (order_id, batch["id"]))


def publish(batch_id, tok=None, **body):
    r = post("/api/bureau/batches/%d/publish" % batch_id, body or None,
             token=tok or bureau())
    assert r.status == 200, r
    return r.json


def published(orders, **body):
    """A batch holding orders (and whatever else was approved), published.
    Returns the bureau's view of it."""
    b = create_batch()
    for o in orders:
        item_of(b, o["id"])
    return publish(b["id"], **body)


def after_period(batch, days=1):
    """Moves the clock past the batch's publicity period (T2); returns a
    fresh bureau token valid at that clock."""
    t = parse_iso(batch["period_ends_at"]) + days * DAY
    set_clock_at(t)
    return fresh_login("bureau"), t


def pay(batch_id, tok, paid_on):
    return post("/api/bureau/batches/%d/pay" % batch_id,
                {"paid_on": paid_on}, token=tok)


def public_items(batch_id, **query):
    """The public items of a batch, past the micro-cache."""
    r = get("/api/publicity/batches/%d/items" % batch_id,
            query=dict(query, per_page=100, nocache=uniq("n")))
    assert r.status == 200, r
    return r.json


def public_item(batch_id, item_id):
    for it in public_items(batch_id)["items"]:
        if it["id"] == item_id:
            return it
    raise AssertionError("item %d not public" % item_id)


def send_feedback(item_id, body):
    """POST feedback, waiting out nginx's per-address limit (429)."""
    for _ in range(200):
        r = post("/api/publicity/items/%d/feedback" % item_id, body)
        if r.status != 429:
            return r
        time.sleep(0.5)
    raise AssertionError("feedback rate limit never cleared")


def uphold_objection(batch, order_id, text):
    """An objection to the order's item in batch, upheld by the bureau
    (rule R6: the item is withdrawn, R7). Returns the item."""
    it = item_of(batch, order_id)
    assert send_feedback(it["id"], {"text": text}).status == 201
    fb = [f for f in get("/api/bureau/feedback", token=bureau(),
                         query={"batch_id": batch["id"]}).json["items"]
          if f["order_id"] == order_id][0]
    assert post("/api/bureau/feedback/%d" % fb["id"],
                {"decision": "uphold", "note": "成立"},
                token=bureau()).status == 200
    return it


def recoveries_of(order_id, tok=None):
    r = get("/api/bureau/recoveries", token=tok or bureau(),
            query={"order_id": order_id, "per_page": 100})
    assert r.status == 200, r
    return sorted(r.json["items"], key=lambda x: x["id"])


def quota_occupied_of(ent_id):
    return int(sql("SELECT COALESCE(SUM(occupied), 0) FROM enterprise_quota"
                   " WHERE enterprise_id = %d" % ent_id)[0][0])


def openssl_verify(key_pem, data, sig_b64):
    """openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in batch.json
    -sigfile sig.bin; True when the signature verifies."""
    with tempfile.TemporaryDirectory() as d:
        paths = {n: os.path.join(d, n) for n in ("key.pem", "batch.json",
                                                 "sig.bin")}
        with open(paths["key.pem"], "wb") as f:
            f.write(key_pem)
        with open(paths["batch.json"], "wb") as f:
            f.write(data)
        with open(paths["sig.bin"], "wb") as f:
            f.write(base64.b64decode(sig_b64))
        p = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
             paths["key.pem"], "-rawin", "-in", paths["batch.json"],
             "-sigfile", paths["sig.bin"]], capture_output=True, text=True)
        return p.returncode == 0 and "Signature Verified Successfully" in \
            p.stdout


def paid_order(approved=None, amount=VOUCHER_PRICE):
    """An order taken all the way to paid. Returns (order, bureau token
    and clock t at the moved clock, provider token at that clock)."""
    o = approved_claim(approved=approved, amount=amount)
    b = published([o])
    tok, t = after_period(b)
    r = pay(b["id"], tok, shanghai_date(iso(t)))
    assert r.status == 200, r
    assert order_status(o["id"]) == "paid"
    ptok = fresh_login(o["prov"]["login"], o["prov"]["password"])
    return o, tok, ptok, t


def refund(oid, ptok, body):
    return post("/api/provider/orders/%d/refund" % oid, body, token=ptok)


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")
