"""The redemption program (兑付): the provider's documents (rule R1), the
claim figures and their checks (R2), the submission (R3) and the review
(R4), with the hostile-upload set. Black-box through nginx; every order
is made through the real APIs on a product of its own.

The upload limit is read from VOUCHER_UPLOAD_MAX (the stack under test
must run with the same value; tests/run.sh exports a small one)."""
import datetime
import hashlib
import http.client
import os
import threading
import time
import uuid

from harness import (test, request, get, post, put, sql, expect_error,
                     new_product, new_provider, set_clock_at, parse_iso,
                     audit_actions, login_reply, DEMO_PASSWORD, PORT, STATE,
                     CLOCK_FILE)

UPLOAD_MAX = int(os.environ.get("VOUCHER_UPLOAD_MAX", "20971520"))
KINDS = ["contract", "commitment", "invoice", "invoice_check", "receipt"]
FILES = os.path.join(STATE, "files")
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

# ---- fixtures ---------------------------------------------------------

_passwords = {}
_tokens = {}
_tokens_lock = threading.Lock()


def token(login):
    """A bearer token of a session of this module's own (never the shared
    cache: a test elsewhere that moves the clock may end those). While a
    test has moved the clock (T2), a session made at that instant, so that
    no session of ours is ever used at a moved clock and later at the
    real one (it would be expired there)."""
    key = login
    if CLOCK_FILE and os.path.exists(CLOCK_FILE):
        with open(CLOCK_FILE) as f:
            key = (login, f.read())
    with _tokens_lock:
        if key in _tokens:
            return _tokens[key]
    r = login_reply(login, _passwords.get(login, DEMO_PASSWORD))
    assert r.status == 200, r
    with _tokens_lock:
        return _tokens.setdefault(key, r.json["token"])


_ent_lock = threading.Lock()
_ent_next = [2]


def next_enterprise(used_up=None):
    """The demo enterprise (ent02..ent14) the orders of this module go to:
    the same one until its yearly allowance is used up (each order has a
    product of its own, so units never interfere; few logins)."""
    with _ent_lock:
        if used_up == "ent%02d" % _ent_next[0]:
            _ent_next[0] = 2 + (_ent_next[0] - 1) % 13
        return "ent%02d" % _ent_next[0]


def pdf(tag=None, pad=0):
    """A small valid PDF whose bytes are unique to tag (pad: extra bytes
    in a comment, to reach a given size)."""
    tag = tag or uuid.uuid4().hex
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out = b"%PDF-1.4\n% " + tag.encode() + b"\n"
    if pad:
        out += b"%" + b"x" * (pad - 2) + b"\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return out


def pdf_of_size(n):
    """A valid PDF of exactly n bytes."""
    pad = 2
    while True:
        data = pdf(uuid.uuid4().hex, pad=pad)
        if len(data) == n:
            return data
        pad += n - len(data)


def today_shanghai(t=None):
    return datetime.datetime.fromtimestamp(
        t if t is not None else time.time(), SHANGHAI).date()


class Order:
    """An order made through the APIs: enterprise, provider, ids, money."""


def new_order(amount=49999, months=12, voucher_price=50000, accept=True,
              contract=True, confirm=True, provider_id=None,
              provider_login=None, enterprise=None):
    """Orders a fresh product of a demo provider as a demo enterprise;
    accepts it, records the contract (signed today) and confirms
    completion (C1) as asked. Returns an Order."""
    o = Order()
    o.provider_id = provider_id or 1
    o.provider = provider_login or "prov%02d" % o.provider_id
    o.enterprise = enterprise or next_enterprise()
    o.product = new_product(o.provider_id, voucher_price=voucher_price,
                            market_price=voucher_price * 2, units=5)
    for _ in range(13):
        r = post("/api/orders", {"product_id": o.product["id"]},
                 token=token(o.enterprise),
                 headers={"Idempotency-Key": uuid.uuid4().hex})
        if r.error_code != "quota_exhausted" or enterprise:
            break
        o.enterprise = next_enterprise(used_up=o.enterprise)
    assert r.status == 201, r
    o.id = r.json["id"]
    o.order_no = r.json["order_no"]
    o.valid_until = parse_iso(r.json["valid_until"])
    o.signed_on = today_shanghai()
    o.amount = amount
    if accept:
        r = post("/api/provider/orders/%d/accept" % o.id,
                 token=token(o.provider))
        assert r.status == 200, r
    if accept and contract:
        r = put("/api/provider/orders/%d/contract" % o.id, {
            "contract_no": "HT-" + uuid.uuid4().hex[:12],
            "signed_on": o.signed_on.isoformat(),
            "service_start_on": o.signed_on.isoformat(),
            "amount": amount, "period_months": months},
            token=token(o.provider))
        assert r.status == 200, r
        o.subsidy = r.json["contract"]["subsidy"]
        o.self_paid = r.json["contract"]["self_paid"]
        assert o.subsidy + o.self_paid == amount
    if accept and contract and confirm:
        confirm_order(o)
    return o


def confirm_order(o):
    r = post("/api/orders/%d/confirm" % o.id,
             {"ratings": {"quality": 5, "timeliness": 4, "attitude": 5}},
             token=token(o.enterprise))
    assert r.status == 200, r


def upload(o, kind, data, login=None, ctype="application/pdf", path=None):
    h = {"Content-Type": ctype} if ctype else {}
    return request("PUT", path or "/api/redemptions/%d/files/%s" % (o.id, kind),
                   raw=data, token=token(login or o.provider), headers=h)


def upload_all(o):
    """Uploads five distinct PDFs; returns {kind: bytes}."""
    docs = {}
    for k in KINDS:
        docs[k] = pdf()
        r = upload(o, k, docs[k])
        assert r.status == 201, r
    return docs


def figures(o, **over):
    """The figures that pass every R2 check for o."""
    f = {"invoice_no": "%020d" % int(uuid.uuid4().int % 10 ** 20),
         "invoice_date": o.signed_on.isoformat(),
         "invoice_total": o.amount,
         "invoice_voucher_amount": o.subsidy,
         "invoice_self_paid": o.self_paid,
         "receipt_date": o.signed_on.isoformat(),
         "receipt_amount": o.self_paid}
    f.update(over)
    return f


def put_figures(o, **over):
    r = put("/api/redemptions/%d" % o.id, figures(o, **over),
            token=token(o.provider))
    assert r.status == 200, r
    return r.json


def submitted_order(**kw):
    """A contracted order with its five documents and good figures,
    submitted (R3)."""
    o = new_order(**kw)
    o.docs = upload_all(o)
    o.figures = put_figures(o)["figures"]
    r = post("/api/redemptions/%d/submit" % o.id, token=token(o.provider))
    assert r.status == 200, r
    return o


def claim(o, login=None):
    r = get("/api/redemptions/%d" % o.id, token=token(login or o.provider))
    assert r.status == 200, r
    return r.json


def checks(c):
    return {x["code"]: x for x in c["checks"]}


def occupied(o):
    return int(sql("SELECT q.occupied FROM enterprise_quota q JOIN orders o"
                   " ON o.enterprise_id = q.enterprise_id AND o.year = q.year"
                   " WHERE o.id = %d" % o.id)[0][0])


def order_row(o):
    status, reserved, unit_held = sql(
        "SELECT status, reserved, unit_held FROM orders WHERE id = %d" %
        o.id)[0]
    return status, int(reserved), int(unit_held)


def file_rows(o, kind=None):
    q = "SELECT kind, stored_name, sha256 FROM redemption_files" \
        " WHERE order_id = %d" % o.id
    if kind:
        q += " AND kind = '%s'" % kind
    return sql(q)


# ---- storage checks ------------------------------------------------------

def tmp_files():
    return os.listdir(os.path.join(FILES, "tmp"))


def stored_files():
    """Every stored file, as names relative to the files directory."""
    out = set()
    for d in os.listdir(FILES):
        if d == "tmp" or not os.path.isdir(os.path.join(FILES, d)):
            continue
        for f in os.listdir(os.path.join(FILES, d)):
            out.add(d + "/" + f)
    return out


def assert_storage_clean():
    """Nothing in the temp folder; every stored file is named by a row
    (no orphans; application materials and organisations' licences share
    the files directory) and every row's file is on disk."""
    assert tmp_files() == [], tmp_files()
    rows = {r[0] for r in sql("SELECT stored_name FROM redemption_files"
                              " UNION ALL SELECT stored_name FROM"
                              " application_attachments"
                              " UNION ALL SELECT stored_name FROM org_files"
                              " UNION ALL SELECT licence_stored FROM"
                              " certifications WHERE licence_stored"
                              " IS NOT NULL")}
    on_disk = stored_files()
    assert on_disk <= rows, on_disk - rows
    mine = {r[0] for r in sql(
        "SELECT stored_name FROM redemption_files f JOIN orders o"
        " ON o.id = f.order_id WHERE o.order_no LIKE 'SV%'")}
    assert mine <= on_disk, mine - on_disk


def refused(o, r, status, code, kind="contract"):
    """A hostile upload: refused with a clear error, nothing stored."""
    expect_error(r, status, code)
    assert file_rows(o, kind) == [], file_rows(o, kind)
    assert_storage_clean()


# ---- R1: the documents ------------------------------------------------------

@test
def test_R1_upload_streams_pdf_to_storage_with_sha256():
    o = new_order()
    data = pdf()
    r = upload(o, "invoice", data)
    assert r.status == 201, r
    assert r.json["kind"] == "invoice" and r.json["replaced"] is False
    assert r.json["size"] == len(data)
    assert r.json["sha256"] == hashlib.sha256(data).hexdigest()
    (kind, stored, sha), = file_rows(o)
    assert (kind, sha) == ("invoice", hashlib.sha256(data).hexdigest())
    # outside the web root, under a generated name, readable by nginx
    path = os.path.join(FILES, stored)
    with open(path, "rb") as f:
        assert f.read() == data
    assert stored.endswith(".pdf") and o.order_no not in stored
    st = os.stat(path)
    assert st.st_mode & 0o777 == 0o640, oct(st.st_mode)
    assert st.st_gid == os.stat(FILES).st_gid
    c = claim(o)
    assert c["files"] == [{"kind": "invoice", "size": len(data),
                           "sha256": hashlib.sha256(data).hexdigest(),
                           "uploaded_at": r.json["uploaded_at"]}]
    assert c["missing_files"] == ["contract", "commitment", "invoice_check",
                                  "receipt"]
    assert audit_actions("redemption_claim", o.id) == ["claim.file"]
    assert_storage_clean()


@test
def test_R1_new_upload_of_a_kind_replaces_the_old_one():
    o = new_order()
    first, second = pdf(), pdf()
    assert upload(o, "receipt", first).status == 201
    (_, old, _), = file_rows(o, "receipt")
    r = upload(o, "receipt", second)
    assert r.status == 200 and r.json["replaced"] is True, r
    (_, new, sha), = file_rows(o, "receipt")
    assert sha == hashlib.sha256(second).hexdigest() and new != old
    assert not os.path.exists(os.path.join(FILES, old))
    assert os.path.exists(os.path.join(FILES, new))
    assert [f["sha256"] for f in claim(o)["files"]] == [sha]
    assert_storage_clean()


@test
def test_R1_racing_uploads_of_a_kind_leave_one_row_and_one_file():
    o = new_order()
    datas = [pdf() for _ in range(4)]
    replies = [None] * len(datas)

    def go(i):
        replies[i] = upload(o, "contract", datas[i])
    threads = [threading.Thread(target=go, args=(i,))
               for i in range(len(datas))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status for r in replies) == [200, 200, 200, 201], replies
    rows = file_rows(o, "contract")
    assert len(rows) == 1, rows
    assert rows[0][2] in {hashlib.sha256(d).hexdigest() for d in datas}
    mine = {s for s in stored_files()
            if s in {r[1] for r in rows}}
    assert len(mine) == 1
    assert_storage_clean()


@test
def test_R1_all_five_kinds_accepted():
    o = new_order()
    upload_all(o)
    c = claim(o)
    assert [f["kind"] for f in c["files"]] == KINDS
    assert c["missing_files"] == []


@test
def test_R1_hostile_unknown_kind_refused():
    o = new_order()
    r = upload(o, "photo", pdf())
    expect_error(r, 400, "invalid_kind", "kind")
    assert file_rows(o) == []
    assert_storage_clean()


@test
def test_R1_hostile_not_a_pdf_refused():
    o = new_order()
    refused(o, upload(o, "contract", b"GIF89a" + os.urandom(2000)),
            422, "invalid_file")
    # a PDF header without its trailer is not a PDF either
    refused(o, upload(o, "contract", pdf()[:-30]), 422, "invalid_file")


@test
def test_R1_hostile_pdf_html_polyglot_refused():
    o = new_order()
    doc = pdf()
    polyglot = doc[:9] + b"<HTML><body><script>alert(document.cookie)" \
        b"</script></body></html>\n" + doc[9:]
    refused(o, upload(o, "invoice", polyglot, login=None), 422,
            "file_has_markup", "invoice")
    svg = doc[:9] + b"%<svg onload=alert(1)>\n" + doc[9:]
    refused(o, upload(o, "invoice", svg), 422, "file_has_markup", "invoice")


@test
def test_R1_hostile_empty_body_refused():
    o = new_order()
    refused(o, upload(o, "contract", b""), 400, "empty_body")


@test
def test_R1_hostile_one_byte_over_the_limit_refused_413():
    o = new_order()
    refused(o, upload(o, "contract", pdf_of_size(UPLOAD_MAX + 1)), 413,
            "body_too_large")
    # exactly at the limit is accepted (nginx and the program agree)
    r = upload(o, "contract", pdf_of_size(UPLOAD_MAX))
    assert r.status == 201 and r.json["size"] == UPLOAD_MAX, r
    assert_storage_clean()


@test
def test_R1_hostile_over_the_limit_without_length_refused_413():
    """A chunked body (no Content-Length) past the limit: cut off while it
    streams, nothing kept."""
    o = new_order()
    data = pdf_of_size(UPLOAD_MAX + 64 * 1024)
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    try:
        conn.request("PUT", "/api/redemptions/%d/files/contract" % o.id,
                     body=iter([data[i:i + 65536]
                                for i in range(0, len(data), 65536)]),
                     headers={"Content-Type": "application/pdf",
                              "Authorization": "Bearer " + token(o.provider)},
                     encode_chunked=True)
        resp = conn.getresponse()
        status, body = resp.status, resp.read()
    except (ConnectionError, BrokenPipeError):
        status, body = None, b""
    finally:
        conn.close()
    assert status in (413, None), (status, body[:200])
    time.sleep(0.5)
    assert file_rows(o, "contract") == []
    assert_storage_clean()


@test
def test_R1_hostile_wrong_content_type_refused_415():
    o = new_order()
    refused(o, upload(o, "contract", pdf(), ctype="text/html"), 415,
            "unsupported_media_type")
    refused(o, upload(o, "contract", pdf(), ctype=None), 415,
            "unsupported_media_type")


@test
def test_R1_hostile_upload_to_someone_elses_order_404():
    o = new_order()
    refused(o, upload(o, "contract", pdf(), login="prov02"), 404, "not_found")
    # an enterprise may not upload at all, a missing order is 404
    expect_error(upload(o, "contract", pdf(), login=o.enterprise), 403)
    expect_error(request("PUT", "/api/redemptions/999999999/files/contract",
                         raw=pdf(), token=token("prov01"),
                         headers={"Content-Type": "application/pdf"}), 404)
    assert_storage_clean()


@test
def test_R1_hostile_upload_after_submission_refused_409():
    o = submitted_order()
    before = file_rows(o)
    r = upload(o, "contract", pdf())
    expect_error(r, 409, "claim_frozen")
    assert file_rows(o) == before
    assert_storage_clean()


@test
def test_R1_upload_before_the_contract_refused():
    o = new_order(contract=False)
    refused(o, upload(o, "contract", pdf()), 409, "invalid_state")


@test
def test_R1_upload_after_valid_until_refused():
    o = new_order()
    assert upload(o, "contract", pdf()).status == 201
    set_clock_at(o.valid_until)
    refused(o, upload(o, "invoice", pdf()), 409, "order_expired", "invoice")
    # the expiry (O6) was applied: the order is expired, unit returned
    assert order_row(o) == ("expired", 0, 0)
    expect_error(put("/api/redemptions/%d" % o.id, figures(o),
                     token=token(o.provider)), 409, "order_expired")


@test
def test_R1_barred_provider_cannot_upload():
    p, body = new_provider()
    _passwords[body["login"]] = body["password"]
    o = new_order(provider_id=p["id"], provider_login=body["login"])
    sql("UPDATE providers SET barred_until = UTC_TIMESTAMP() + INTERVAL 3 YEAR"
        " WHERE id = %d" % p["id"])   # V2 (recorded by the bureau)
    with_pw = token(body["login"])
    r = request("PUT", "/api/redemptions/%d/files/contract" % o.id,
                raw=pdf(), token=with_pw,
                headers={"Content-Type": "application/pdf"})
    expect_error(r, 403, "provider_barred")
    assert file_rows(o) == []
    assert_storage_clean()


@test
def test_R1_download_only_for_the_parties_reviewers_and_bureau():
    o = new_order()
    data = pdf()
    assert upload(o, "invoice_check", data).status == 201
    path = "/api/redemptions/%d/files/invoice_check" % o.id
    for login in (o.enterprise, o.provider, "reviewer", "bureau"):
        r = get(path, token=token(login))
        assert r.status == 200, (login, r)
        assert r.body == data
        assert r.headers["content-type"] == "application/pdf"
        assert r.headers["content-disposition"] == \
            'attachment; filename="%s-invoice_check.pdf"' % o.order_no
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "x-accel-redirect" not in r.headers
        # reliability defect 7: a stored document runs sandboxed
        csp = [d.strip() for d in
               r.headers["content-security-policy"].split(";")]
        assert "sandbox" in csp, csp
    other_ent = "ent01" if o.enterprise != "ent01" else "ent02"
    for login in (other_ent, "prov02"):
        expect_error(get(path, token=token(login)), 404, "not_found")
    expect_error(get(path), 401)
    expect_error(get("/api/redemptions/%d/files/receipt" % o.id,
                     token=token(o.provider)), 404, "file_not_found")
    expect_error(get("/api/redemptions/%d/files/x" % o.id,
                     token=token(o.provider)), 400, "invalid_kind")
    # nginx's internal location is not reachable from outside
    (_, stored, _), = file_rows(o)
    assert get("/_files/" + stored).status == 404


@test
def test_R1_inline_view_for_a_frame_of_this_site_only():
    # ?inline=1 shows the document in the reviewer's page (same origin
    # frames only); the plain download stays an attachment
    o = new_order()
    data = pdf()
    assert upload(o, "contract", data).status == 201
    path = "/api/redemptions/%d/files/contract" % o.id
    r = get(path, token=token("reviewer"), query={"inline": "1"})
    assert r.status == 200, r
    assert r.body == data
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == \
        'inline; filename="%s-contract.pdf"' % o.order_no
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in r.headers["content-security-policy"]
    r = get(path, token=token("reviewer"), query={"inline": "0"})
    assert r.headers["content-disposition"].startswith("attachment;"), r
    expect_error(get(path, token=token("reviewer"), query={"inline": "yes"}),
                 400, None, "inline")
    # the parties' rule holds for the inline view too
    other = "ent01" if o.enterprise != "ent01" else "ent02"
    expect_error(get(path, token=token(other), query={"inline": "1"}), 404,
                 "not_found")


@test
def test_R1_claim_visible_to_parties_only():
    o = new_order()
    for login in (o.enterprise, o.provider, "reviewer", "bureau"):
        assert claim(o, login)["order_id"] == o.id
    expect_error(get("/api/redemptions/%d" % o.id, token=token("prov02")),
                 404)
    other_ent = "ent01" if o.enterprise != "ent01" else "ent02"
    expect_error(get("/api/redemptions/%d" % o.id, token=token(other_ent)),
                 404)


# ---- R2: the claim figures ---------------------------------------------------

@test
def test_R2_matching_figures_pass_every_check_to_the_fen():
    o = new_order(amount=49999)
    assert (o.subsidy, o.self_paid) == (14999, 35000)   # O9: floor(30%)
    c = put_figures(o)
    ch = checks(c)
    assert list(ch) == ["invoice_date", "receipt_date",
                        "invoice_voucher_amount", "invoice_self_paid",
                        "invoice_total", "receipt_amount"]
    assert all(x["pass"] and x["rule"] == "R2" for x in c["checks"]), c
    assert (ch["invoice_voucher_amount"]["expected"],
            ch["invoice_voucher_amount"]["actual"]) == (14999, 14999)
    assert ch["invoice_self_paid"]["expected"] == 35000
    assert ch["invoice_total"]["expected"] == 49999
    assert ch["receipt_amount"]["expected"] == 35000
    assert c["figures"]["invoice_total"] == 49999
    assert c["figures"]["invoice_date"] == o.signed_on.isoformat()
    assert audit_actions("redemption_claim", o.id) == ["claim.figures"]


@test
def test_R2_each_amount_one_fen_off_fails_its_check():
    o = new_order(amount=123457)
    cases = {
        "invoice_voucher_amount": dict(invoice_voucher_amount=o.subsidy + 1,
                                       invoice_total=o.amount + 1),
        "invoice_self_paid": dict(invoice_self_paid=o.self_paid - 1,
                                  invoice_total=o.amount - 1,
                                  receipt_amount=o.self_paid - 1),
        "invoice_total": dict(invoice_total=o.amount + 1),
        "receipt_amount": dict(receipt_amount=o.self_paid + 1),
    }
    for code, over in cases.items():
        ch = checks(put_figures(o, **over))
        failing = sorted(k for k, v in ch.items() if not v["pass"])
        expected = sorted({code} | ({"invoice_total"} if code ==
                                    "invoice_voucher_amount" else set()))
        if code == "invoice_self_paid":
            expected = ["invoice_self_paid", "invoice_total"]
        assert failing == expected, (code, failing, ch)
        assert ch[code]["message"]
    ch = checks(put_figures(o, invoice_voucher_amount=o.subsidy - 1,
                            invoice_self_paid=o.self_paid + 1,
                            receipt_amount=o.self_paid + 1))
    # the total still adds up, but the split is not the contract's
    assert ch["invoice_total"]["pass"]
    assert not ch["invoice_voucher_amount"]["pass"]
    assert not ch["invoice_self_paid"]["pass"]
    assert (ch["invoice_voucher_amount"]["expected"],
            ch["invoice_voucher_amount"]["actual"]) == (o.subsidy,
                                                         o.subsidy - 1)


@test
def test_R2_invoice_and_receipt_dates_not_before_signing():
    o = new_order()
    day_before = (o.signed_on - datetime.timedelta(days=1)).isoformat()
    ch = checks(put_figures(o, invoice_date=day_before))
    assert not ch["invoice_date"]["pass"] and ch["receipt_date"]["pass"]
    assert ch["invoice_date"]["not_before"] == o.signed_on.isoformat()
    ch = checks(put_figures(o, receipt_date=day_before))
    assert ch["invoice_date"]["pass"] and not ch["receipt_date"]["pass"]
    later = (o.signed_on + datetime.timedelta(days=3)).isoformat()
    ch = checks(put_figures(o, invoice_date=later, receipt_date=later))
    assert all(v["pass"] for v in ch.values())


@test
def test_R2_checks_fail_until_figures_are_recorded():
    o = new_order()
    c = claim(o)
    assert c["status"] == "draft" and c["ready"] is False
    assert not any(x["pass"] for x in c["checks"])
    assert c["figures"]["invoice_no"] is None


@test
def test_R2_bad_figures_refused_400():
    o = new_order()
    p = "/api/redemptions/%d" % o.id
    tk = token(o.provider)
    expect_error(put(p, figures(o, invoice_total=-1), token=tk), 400,
                 field="invoice_total")
    expect_error(put(p, figures(o, invoice_total=12.5), token=tk), 400,
                 field="invoice_total")
    expect_error(put(p, figures(o, receipt_date="2024-02-30"), token=tk),
                 400, field="receipt_date")
    expect_error(put(p, figures(o, invoice_no="12 34"), token=tk), 400,
                 field="invoice_no")
    expect_error(put(p, dict(figures(o), extra=1), token=tk), 400,
                 "unknown_field")
    f = figures(o)
    del f["receipt_amount"]
    expect_error(put(p, f, token=tk), 400, "missing_field", "receipt_amount")
    expect_error(put(p, figures(o), token=token("prov02")), 404)


# ---- R3: submission --------------------------------------------------------------

@test
def test_R3_submit_freezes_files_and_figures():
    o = submitted_order()
    c = claim(o)
    assert c["status"] == "submitted" and c["order_status"] == "submitted"
    assert c["submitted_at"] is not None
    assert order_row(o)[0] == "submitted"
    events = get("/api/orders/%d" % o.id, token=token(o.enterprise)).json
    assert events["events"][-1]["to_status"] == "submitted"
    assert "claim.submit" in audit_actions("redemption_claim", o.id)
    assert "order.submitted" in audit_actions("order", o.id)
    expect_error(put("/api/redemptions/%d" % o.id, figures(o),
                     token=token(o.provider)), 409, "claim_frozen")
    expect_error(post("/api/redemptions/%d/submit" % o.id,
                      token=token(o.provider)), 409, "claim_frozen")
    expect_error(upload(o, "receipt", pdf()), 409, "claim_frozen")
    assert claim(o)["figures"] == o.figures
    # and the contract cannot be changed any more (O8 until submission)
    r = put("/api/provider/orders/%d/contract" % o.id, {
        "contract_no": "X", "signed_on": o.signed_on.isoformat(),
        "service_start_on": o.signed_on.isoformat(), "amount": 1,
        "period_months": 1}, token=token(o.provider))
    expect_error(r, 409)
    assert_storage_clean()


@test
def test_R3_submit_refused_without_all_five_documents():
    o = new_order()
    for k in KINDS[:4]:
        assert upload(o, k, pdf()).status == 201
    put_figures(o)
    r = post("/api/redemptions/%d/submit" % o.id, token=token(o.provider))
    expect_error(r, 422, "files_missing")
    assert "receipt" in r.json["error"]["message"]
    assert claim(o)["status"] == "draft" and order_row(o)[0] == "contracted"


@test
def test_R3_submit_refused_when_an_R2_check_fails():
    o = new_order()
    upload_all(o)
    put_figures(o, receipt_amount=o.self_paid - 1)
    assert claim(o)["ready"] is False
    r = post("/api/redemptions/%d/submit" % o.id, token=token(o.provider))
    expect_error(r, 422, "claim_checks_failed")
    assert "receipt_amount" in r.json["error"]["message"]
    put_figures(o)
    assert claim(o)["ready"] is True
    r = post("/api/redemptions/%d/submit" % o.id, token=token(o.provider))
    assert r.status == 200 and r.json["status"] == "submitted", r


@test
def test_R3_submit_refused_after_valid_until():
    o = new_order()
    upload_all(o)
    put_figures(o)
    set_clock_at(o.valid_until - 1)
    assert claim(o)["ready"] is True
    set_clock_at(o.valid_until)
    expect_error(post("/api/redemptions/%d/submit" % o.id,
                      token=token(o.provider)), 409, "order_expired")
    assert order_row(o)[0] == "expired"


@test
def test_R3_only_the_orders_provider_submits():
    o = new_order()
    upload_all(o)
    put_figures(o)
    expect_error(post("/api/redemptions/%d/submit" % o.id,
                      token=token("prov02")), 404)
    expect_error(post("/api/redemptions/%d/submit" % o.id,
                      token=token(o.enterprise)), 403)
    assert claim(o)["status"] == "draft"


# ---- R4: review -------------------------------------------------------------------

def decide(o, body, login="reviewer"):
    return post("/api/review/claims/%d" % o.id, body, token=token(login))


@test
def test_R4_approve_full_subsidy():
    o = submitted_order(amount=200000)
    occ = occupied(o)
    r = decide(o, {"decision": "approve", "amount": o.subsidy})
    assert r.status == 200, r
    assert r.json["status"] == "approved"
    # O9: 30% of the amount is above the reservation (the unit subsidy)
    assert r.json["review"]["approved_amount"] == o.subsidy == 15000
    assert order_row(o) == ("approved", o.subsidy, 1)
    assert occupied(o) == occ
    assert "claim.approve" in audit_actions("redemption_claim", o.id)
    assert "order.approved" in audit_actions("order", o.id)


@test
def test_R4_lower_amount_needs_reason_and_releases_the_difference():
    o = submitted_order(amount=49999)
    occ = occupied(o)
    r = decide(o, {"decision": "approve", "amount": o.subsidy - 1})
    expect_error(r, 422, "reason_required", "reason")
    r = decide(o, {"decision": "approve", "amount": 12345,
                   "reason": "发票部分服务未完成，核减"})
    assert r.status == 200, r
    assert r.json["review"] == {"decision": "approved",
                                "approved_amount": 12345,
                                "reason": "发票部分服务未完成，核减",
                                "reviewed_at": r.json["review"]["reviewed_at"]}
    assert order_row(o) == ("approved", 12345, 1)
    assert occupied(o) == occ - (o.subsidy - 12345)


@test
def test_R4_amount_above_subsidy_refused():
    o = submitted_order()
    expect_error(decide(o, {"decision": "approve", "amount": o.subsidy + 1}),
                 422, "amount_above_subsidy", "amount")
    expect_error(decide(o, {"decision": "approve"}), 400, "missing_field",
                 "amount")
    assert order_row(o)[0] == "submitted"


@test
def test_R4_approve_only_after_C1_confirmation():
    o = submitted_order(confirm=False)
    expect_error(decide(o, {"decision": "approve", "amount": o.subsidy}),
                 409, "not_confirmed")
    confirm_order(o)
    r = decide(o, {"decision": "approve", "amount": o.subsidy}, "bureau")
    assert r.status == 200 and r.json["status"] == "approved", r


@test
def test_R4_reject_releases_reservation_but_not_the_unit():
    o = submitted_order()
    occ = occupied(o)
    remaining = int(sql("SELECT remaining_units FROM products WHERE id = %d"
                        % o.product["id"])[0][0])
    expect_error(decide(o, {"decision": "reject"}), 422, "reason_required")
    expect_error(decide(o, {"decision": "reject", "amount": 1,
                            "reason": "x"}), 400, field="amount")
    r = decide(o, {"decision": "reject", "reason": "发票与合同不符"})
    assert r.status == 200, r
    assert r.json["status"] == "rejected"
    assert r.json["review"]["reason"] == "发票与合同不符"
    assert order_row(o) == ("rejected", 0, 1)
    assert occupied(o) == occ - o.subsidy
    assert int(sql("SELECT remaining_units FROM products WHERE id = %d"
                   % o.product["id"])[0][0]) == remaining
    assert "order.rejected" in audit_actions("order", o.id)
    expect_error(decide(o, {"decision": "approve", "amount": 1}), 409,
                 "invalid_state")


@test
def test_R4_only_submitted_claims_are_decided():
    o = new_order()
    upload_all(o)
    put_figures(o)
    expect_error(decide(o, {"decision": "approve", "amount": o.subsidy}),
                 409, "invalid_state")
    expect_error(post("/api/review/claims/999999999",
                      {"decision": "reject", "reason": "x"},
                      token=token("reviewer")), 404)


@test
def test_R4_review_is_for_reviewers_and_the_bureau():
    o = submitted_order()
    for login in (o.enterprise, o.provider):
        expect_error(get("/api/review/claims", token=token(login)), 403)
        expect_error(decide(o, {"decision": "reject", "reason": "x"}, login),
                     403)
    for login in ("reviewer", "bureau"):
        r = get("/api/review/claims", token=token(login),
                query={"per_page": 100})
        assert r.status == 200, r
        assert r.json["total"] >= 1
    assert get("/api/review/claims/%d" % o.id,
               token=token("reviewer")).json["status"] == "submitted"


@test
def test_R4_review_queue_by_status():
    o = submitted_order()

    def listed(status):
        ids, page = [], 1
        while True:
            r = get("/api/review/claims", token=token("reviewer"),
                    query={"status": status, "per_page": 100, "page": page})
            assert r.status == 200, r
            ids += [i["order_id"] for i in r.json["items"]]
            if not r.json["items"]:
                return ids
            page += 1
    assert o.id in listed("submitted") and o.id not in listed("approved")
    assert decide(o, {"decision": "approve", "amount": o.subsidy}).status == 200
    assert o.id in listed("approved") and o.id not in listed("submitted")
    expect_error(get("/api/review/claims", token=token("reviewer"),
                     query={"status": "bogus"}), 400, field="status")


@test
def test_R4_duplicate_invoice_flagged_to_the_reviewer():
    a = submitted_order()
    b = new_order()
    upload_all(b)
    put_figures(b, invoice_no=a.figures["invoice_no"])
    r = post("/api/redemptions/%d/submit" % b.id, token=token(b.provider))
    assert r.status == 200, r
    assert "flags" not in r.json          # not shown to the provider
    c = get("/api/review/claims/%d" % b.id, token=token("reviewer")).json
    dup = [f for f in c["flags"] if f["code"] == "duplicate_invoice"]
    assert len(dup) == 1, c["flags"]
    assert [x["order_id"] for x in dup[0]["orders"]] == [a.id]
    c = get("/api/review/claims/%d" % a.id, token=token("reviewer")).json
    assert [f["code"] for f in c["flags"]] == ["duplicate_invoice"]
    items = get("/api/review/claims", token=token("reviewer"),
                query={"per_page": 100}).json["items"]
    mine = {i["order_id"]: i["flags"] for i in items if i["order_id"] in
            (a.id, b.id)}
    assert mine == {a.id: ["duplicate_invoice"], b.id: ["duplicate_invoice"]}


@test
def test_R4_duplicate_file_flagged_to_the_reviewer():
    a = submitted_order()
    b = new_order()
    reused = a.docs["invoice"]
    for k in KINDS:
        r = upload(b, k, reused if k == "invoice" else pdf())
        assert r.status == 201, r
    put_figures(b)
    assert post("/api/redemptions/%d/submit" % b.id,
                token=token(b.provider)).status == 200
    c = get("/api/review/claims/%d" % b.id, token=token("bureau")).json
    assert c["flags"] == [{
        "code": "duplicate_file", "kind": "invoice",
        "sha256": hashlib.sha256(reused).hexdigest(),
        "message": c["flags"][0]["message"],
        "orders": [{"order_id": a.id, "order_no": a.order_no,
                    "kind": "invoice"}]}], c["flags"]
    assert "flags" not in claim(b)
    assert "flags" not in claim(b, b.enterprise)


@test
def test_R1_stalled_uploads_never_starve_the_program():
    """Reliability defect 1: slow or stalled uploads from one provider must
    not hold the program's worker threads. Eight uploads send their
    headers and a first KiB, then stall; meanwhile another request to the
    same program answers within a second (nginx holds the stalled bodies,
    the program sees an upload only once it has arrived whole)."""
    import socket
    o = new_order()
    tok = token(o.provider)
    socks = []
    try:
        for _ in range(8):
            s = socket.create_connection(("127.0.0.1", PORT), timeout=5)
            s.sendall(("PUT /api/redemptions/%d/files/invoice HTTP/1.1\r\n"
                       "Host: 127.0.0.1\r\nContent-Type: application/pdf\r\n"
                       "Authorization: Bearer %s\r\nContent-Length: 200000\r\n"
                       "\r\n" % (o.id, tok)).encode() + b"%PDF-1.4\n" +
                      b"x" * 1024)
            socks.append(s)
        time.sleep(0.5)   # let them reach whatever would hold them
        for _ in range(3):
            t0 = time.monotonic()
            r = get("/api/redemptions/%d" % o.id, token=tok)
            took = time.monotonic() - t0
            assert r.status == 200, r
            assert took < 1.0, "a request waited %.2fs behind stalled uploads" % took
    finally:
        for s in socks:
            s.close()
    time.sleep(0.3)
    assert file_rows(o, "invoice") == []


# ---- added with the typed data layer (issue 10) ------------------------------

@test
def test_R4_review_queue_pages_add_up_to_its_total():
    submitted_order()
    submitted_order()

    def page(n):
        r = get("/api/review/claims", token=token("reviewer"),
                query={"per_page": 2, "page": n})
        assert r.status == 200, r
        assert r.json["page"] == n and r.json["per_page"] == 2, r.json
        return r.json

    total = page(1)["total"]
    assert total >= 2
    items = []
    for n in range(1, (total + 1) // 2 + 2):
        p = page(n)
        assert p["total"] == total and len(p["items"]) <= 2, p
        items += p["items"]
    ids = [i["order_id"] for i in items]
    assert len(ids) == total and len(set(ids)) == total, ids
    # oldest submission first (R4), every item a submitted claim
    assert [i["submitted_at"] for i in items] == \
        sorted(i["submitted_at"] for i in items)
    assert {i["status"] for i in items} == {"submitted"}


# ---- issue 11, point 8: returned for correction (退回补正, rule R4) --------

@test
def test_R4_return_for_correction_needs_a_reason_naming_what_to_fix():
    o = submitted_order()
    expect_error(decide(o, {"decision": "return"}), 422, "reason_required",
                 "reason")
    expect_error(decide(o, {"decision": "return", "amount": 1,
                            "reason": "x"}), 400, field="amount")
    assert order_row(o)[0] == "submitted"
    assert claim(o)["status"] == "submitted"


@test
def test_R4_returned_claim_goes_back_to_the_provider_to_correct():
    o = submitted_order()
    occ = occupied(o)
    r = decide(o, {"decision": "return",
                   "reason": "发票查验结果不清晰，请重新上传；收款日期有误"})
    assert r.status == 200, r
    assert r.json["status"] == "returned"
    assert r.json["review"]["decision"] == "returned"
    assert r.json["review"]["reason"].startswith("发票查验结果不清晰")
    # O10: the order is the provider's again; the reservation stays
    assert order_row(o) == ("contracted", o.subsidy, 1)
    assert occupied(o) == occ
    assert "claim.return" in audit_actions("redemption_claim", o.id)
    # the provider sees the reason, replaces a file and a figure...
    c = claim(o)
    assert c["status"] == "returned" and c["review"]["reason"]
    assert c["ready"] is True
    r = upload(o, "invoice_check", pdf())
    assert r.status == 200 and r.json["replaced"] is True, r
    put_figures(o, receipt_date=o.signed_on.isoformat())
    # ...and submits again: a second round
    r = post("/api/redemptions/%d/submit" % o.id, token=token(o.provider))
    assert r.status == 200, r
    assert r.json["status"] == "submitted" and r.json["review"] is None
    assert order_row(o)[0] == "submitted"
    h = r.json["history"]
    assert [x["round"] for x in h] == [1, 2]
    assert h[0]["decision"] == "returned"
    assert h[0]["reason"].startswith("发票查验结果不清晰")
    assert h[0]["reviewer_role"] == "reviewer"
    assert h[1]["decision"] is None
    # the second round decided: the history keeps both
    r = decide(o, {"decision": "approve", "amount": o.subsidy})
    assert r.status == 200, r
    h = r.json["history"]
    assert [x["decision"] for x in h] == ["returned", "approved"]
    assert h[1]["approved_amount"] == o.subsidy
    assert get("/api/review/claims/%d" % o.id,
               token=token("bureau")).json["history"] == h


@test
def test_R4_returned_claim_listed_under_returned_and_not_decided_again():
    o = submitted_order()
    assert decide(o, {"decision": "return", "reason": "合同缺少盖章页"},
                  "bureau").status == 200
    r = get("/api/review/claims", token=token("reviewer"),
            query={"status": "returned", "per_page": 100})
    assert r.status == 200, r
    assert o.id in [i["order_id"] for i in r.json["items"]]
    expect_error(decide(o, {"decision": "approve", "amount": o.subsidy}),
                 409, "invalid_state")
    # the other party sees it, nobody else can return it
    assert claim(o, o.enterprise)["status"] == "returned"


@test
def test_R4_returned_claim_still_bound_by_valid_until():
    o = submitted_order()
    assert decide(o, {"decision": "return",
                      "reason": "请补充发票查验结果"}).status == 200
    set_clock_at(o.valid_until + 1)
    r = upload(o, "invoice_check", pdf())
    expect_error(r, 409, "order_expired")
    assert "规则" not in r.json["error"]["message"]
    expect_error(post("/api/redemptions/%d/submit" % o.id,
                      token=token(o.provider)), 409, "order_expired")
    assert order_row(o)[0] == "expired"


# ---- issue 11, point 5: an enterprise that never confirms (rule C2) --------

C2_DAYS = 15


def first_submitted_at(o):
    return parse_iso(sql("SELECT DATE_FORMAT(submitted_at,"
                         " '%%Y-%%m-%%dT%%H:%%i:%%sZ') FROM orders"
                         " WHERE id = %d" % o.id)[0][0])


@test
def test_C2_reviewer_decides_without_confirmation_after_15_days():
    o = submitted_order(confirm=False)
    sub = first_submitted_at(o)
    r = decide(o, {"decision": "approve", "amount": o.subsidy})
    expect_error(r, 409, "not_confirmed")
    msg = r.json["error"]["message"]
    assert "15 天" in msg and "规则" not in msg, msg
    set_clock_at(sub + C2_DAYS * 86400 - 1)
    expect_error(decide(o, {"decision": "approve", "amount": o.subsidy}),
                 409, "not_confirmed")
    set_clock_at(sub + C2_DAYS * 86400)
    r = decide(o, {"decision": "approve", "amount": o.subsidy})
    assert r.status == 200, r
    assert r.json["status"] == "approved" and r.json["unconfirmed"] is True
    assert r.json["unconfirmed_reason"] is None
    assert r.json["history"][-1]["unconfirmed"] is True
    assert sql("SELECT unconfirmed FROM redemption_claims WHERE order_id = %d"
               % o.id) == [["1"]]


@test
def test_C2_bureau_may_decide_earlier_with_a_recorded_reason():
    o = submitted_order(confirm=False)
    # the reviewer may not, even with a reason
    expect_error(decide(o, {"decision": "approve", "amount": o.subsidy,
                            "unconfirmed_reason": "企业已注销"}),
                 409, "not_confirmed")
    expect_error(decide(o, {"decision": "approve", "amount": o.subsidy},
                        "bureau"), 409, "not_confirmed")
    expect_error(decide(o, {"decision": "reject", "reason": "x",
                            "unconfirmed_reason": "y"}, "bureau"),
                 400, field="unconfirmed_reason")
    r = decide(o, {"decision": "approve", "amount": o.subsidy,
                   "unconfirmed_reason": "企业已注销，无法确认"}, "bureau")
    assert r.status == 200, r
    assert r.json["unconfirmed"] is True
    assert r.json["unconfirmed_reason"] == "企业已注销，无法确认"
    assert r.json["history"][-1]["unconfirmed_reason"] == "企业已注销，无法确认"
    assert r.json["history"][-1]["reviewer_role"] == "bureau"
    # a confirmed claim never carries the mark
    c = submitted_order()
    r = decide(c, {"decision": "approve", "amount": c.subsidy})
    assert r.status == 200 and r.json["unconfirmed"] is False, r


@test
def test_C2_enterprise_reminded_in_its_order_list_until_it_confirms():
    o = submitted_order(confirm=False)
    sub = first_submitted_at(o)

    def listed():
        r = get("/api/orders", token=token(o.enterprise),
                query={"status": "submitted", "per_page": 100})
        assert r.status == 200, r
        return [i for i in r.json["items"] if i["id"] == o.id][0]
    assert parse_iso(listed()["confirm_by"]) == sub + C2_DAYS * 86400
    assert parse_iso(get("/api/orders/%d" % o.id, token=token(o.enterprise))
                     .json["confirm_by"]) == sub + C2_DAYS * 86400
    confirm_order(o)
    assert listed()["confirm_by"] is None


@test
def test_C2_publicity_record_carries_unconfirmed():
    o = submitted_order(confirm=False)
    r = decide(o, {"decision": "approve", "amount": o.subsidy,
                   "unconfirmed_reason": "企业多次催告未确认"}, "bureau")
    assert r.status == 200, r
    b = post("/api/bureau/batches", {}, token=token("bureau"))
    assert b.status == 201, b
    assert sql("SELECT unconfirmed FROM publicity_items WHERE order_id = %d"
               % o.id) == [["1"]]
    r = post("/api/bureau/batches/%d/publish" % b.json["id"], None,
             token=token("bureau"))
    assert r.status == 200, r
    items = get("/api/publicity/batches/%d/items" % b.json["id"],
                query={"per_page": 100, "nocache": uuid.uuid4().hex}).json
    mine = [i for i in items["items"] if i["amount"] == o.subsidy and
            i["unconfirmed"]]
    assert mine, items
    f = get("/api/publicity/batches/%d.json" % b.json["id"]).json
    assert any(i.get("unconfirmed") is True for i in f["items"]), f


# ---- issue 11, point 9: the guide's "other files" (其他文件) ----------------

def upload_other(o, data, title="交付报告", login=None):
    from urllib.parse import quote
    path = "/api/redemptions/%d/files/other" % o.id
    if title is not None:
        path += "?title=" + quote(title)
    return upload(o, "other", data, login=login, path=path)


@test
def test_R1_other_files_up_to_ten_with_a_title_each():
    o = new_order()
    docs = []
    for i in range(10):
        data = pdf()
        r = upload_other(o, data, "交付报告 %d" % (i + 1))
        assert r.status == 201, r
        assert r.json["kind"] == "other" and r.json["slot"] == i + 1
        assert r.json["title"] == "交付报告 %d" % (i + 1)
        assert r.json["sha256"] == hashlib.sha256(data).hexdigest()
        docs.append(data)
    # the 11th: refused before its body is stored, with a clear message
    r = upload_other(o, pdf(), "第十一个")
    expect_error(r, 422, "too_many_files")
    assert "10" in r.json["error"]["message"]
    assert "规则" not in r.json["error"]["message"]
    assert len(file_rows(o, "other")) == 10
    c = claim(o)
    assert [f["title"] for f in c["other_files"]] == \
        ["交付报告 %d" % (i + 1) for i in range(10)]
    assert c["missing_files"] == KINDS       # not one of the five
    assert_storage_clean()
    # deleting one frees its slot for the next
    r = request("DELETE", "/api/redemptions/%d/files/other/3" % o.id,
                token=token(o.provider))
    assert r.status == 204, r
    r = upload_other(o, pdf(), "补充说明")
    assert r.status == 201 and r.json["slot"] == 3, r
    assert_storage_clean()


@test
def test_R1_other_file_needs_a_title_and_passes_the_pdf_checks():
    o = new_order()
    expect_error(upload_other(o, pdf(), None), 400, "missing_field", "title")
    expect_error(upload_other(o, pdf(), "x" * 101), 400, field="title")
    r = upload_other(o, b"<html><script>alert(1)</script></html>")
    assert r.status in (415, 422), r
    assert upload_other(o, pdf(), "报告").status == 201
    r = request("PUT", "/api/redemptions/%d/files/other?title=a" % o.id,
                raw=b"GIF89a....", token=token(o.provider),
                headers={"Content-Type": "image/gif"})
    expect_error(r, 415)
    assert len(file_rows(o, "other")) == 1
    assert_storage_clean()


@test
def test_R1_other_files_download_for_the_parties_and_frozen_on_submit():
    o = new_order()
    data = pdf()
    assert upload_other(o, data, "交付报告").status == 201
    upload_all(o)
    put_figures(o)
    for login in (o.provider, o.enterprise, "reviewer", "bureau"):
        r = get("/api/redemptions/%d/files/other/1" % o.id, token=token(login))
        assert r.status == 200, (login, r)
        assert r.body == data
        assert r.headers["content-disposition"] == \
            'attachment; filename="%s-other-1.pdf"' % o.order_no
    expect_error(get("/api/redemptions/%d/files/other/1" % o.id,
                     token=token("prov02" if o.provider != "prov02"
                                 else "prov03")), 404)
    expect_error(get("/api/redemptions/%d/files/other/2" % o.id,
                     token=token(o.provider)), 404, "file_not_found")
    assert post("/api/redemptions/%d/submit" % o.id,
                token=token(o.provider)).status == 200
    # the reviewer sees them in the claim
    c = get("/api/review/claims/%d" % o.id, token=token("reviewer")).json
    assert [(f["slot"], f["title"]) for f in c["other_files"]] == \
        [(1, "交付报告")]
    # frozen with the rest (R3)
    expect_error(upload_other(o, pdf(), "迟到的报告"), 409, "claim_frozen")
    expect_error(request("DELETE", "/api/redemptions/%d/files/other/1" % o.id,
                         token=token(o.provider)), 409, "claim_frozen")
    assert len(file_rows(o, "other")) == 1
