"""Open data (issue 16 §3): each published batch as a 360Giving-style
package (GET /api/publicity/batches/{id}.360g.json) and the feed of every
batch (GET /api/publicity/open-data.json).

The package is validated against the required fields and types of the
360Giving Data Standard's JSON schema (1.x, 360-giving-package-schema.json
and 360-giving-schema.json), written out below. Amounts are CNY with
exactly two decimals, equal to the batch's totals to the fen (M1, R7);
no enterprise data (R5).
"""
import re
import json

from harness import (test, get, post, sql, expect_error, uniq, shanghai_date,
                     iso, parse_iso)
from pubflow import (bureau, provider_party, approved_claim, create_batch,
                     item_of, published, after_period, pay,
                     uphold_objection)

# ---- the 360Giving schema's required fields -----------------------------
# package: {"grants": [grant, …]} (grants required, an array)
# grant: id, title, description, currency, amountAwarded, awardDate,
# recipientOrganization (or recipientIndividual), fundingOrganization
GRANT_REQUIRED = {
    "id": str, "title": str, "description": str, "currency": str,
    "amountAwarded": (int, float), "awardDate": str,
    "recipientOrganization": list, "fundingOrganization": list,
}
# Organization: id and name required
ORG_REQUIRED = {"id": str, "name": str}
# optional fields used here, with their types when present
GRANT_OPTIONAL = {
    "amountDisbursed": (int, float), "dateModified": str,
    "grantProgramme": list, "classifications": list,
}
PROGRAMME_FIELDS = {"code": str, "title": str}
CLASSIFICATION_FIELDS = {"vocabulary": str, "code": str, "title": str}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$")
AMOUNT_RE = re.compile(rb'"(amountAwarded|amountDisbursed)":(-?\d+\.\d\d)[,}]')


def check_fields(obj, spec, where, required=True):
    for k, t in spec.items():
        if k not in obj:
            assert not required, "%s: missing required %s" % (where, k)
            continue
        assert isinstance(obj[k], t) and not isinstance(obj[k], bool), \
            "%s: %s is %r" % (where, k, obj[k])


def validate_package(pkg):
    """The package against the schema's required fields and types."""
    assert isinstance(pkg.get("grants"), list), pkg
    for g in pkg["grants"]:
        where = g.get("id", "?")
        check_fields(g, GRANT_REQUIRED, where)
        check_fields(g, GRANT_OPTIONAL, where, required=False)
        assert re.match(r"^[A-Z]{3}$", g["currency"]) and \
            g["currency"] == "CNY"
        assert DATE_RE.match(g["awardDate"]), g["awardDate"]
        if "dateModified" in g:
            assert DATE_RE.match(g["dateModified"]), g["dateModified"]
        for key in ("recipientOrganization", "fundingOrganization"):
            assert len(g[key]) >= 1, g
            for o in g[key]:
                check_fields(o, ORG_REQUIRED, where + " " + key)
                assert o["id"] and o["name"], o
        for p in g.get("grantProgramme", []):
            check_fields(p, PROGRAMME_FIELDS, where + " grantProgramme")
        for c in g.get("classifications", []):
            check_fields(c, CLASSIFICATION_FIELDS, where + " classification")


def package(batch_id):
    r = get("/api/publicity/batches/%d.360g.json" % batch_id)
    assert r.status == 200, r
    assert r.headers["content-type"].startswith("application/json")
    return r


def fen(text):
    """An amount as printed, to fen, without a float."""
    whole, dec = text.split(".")
    return int(whole) * 100 + int(dec)


def grant_of(pkg, item_id):
    for g in pkg["grants"]:
        if g["beijingVoucher"]["itemId"] == item_id:
            return g
    return None


@test
def test_opendata_package_valid_and_amounts_to_the_fen():
    prov = provider_party()
    # an odd amount: 1,234.57 CNY
    a = approved_claim(prov, approved=123457)
    b_order = approved_claim(prov)
    b = published([a, b_order])
    r = package(b["id"])
    pkg = r.json
    validate_package(pkg)
    # every amount printed with exactly two decimals (never a float's
    # digits), and equal to the list's item to the fen
    printed = AMOUNT_RE.findall(r.body)
    assert len(printed) >= 2, r.body[:400]
    ia = item_of(b, a["id"])
    g = grant_of(pkg, ia["id"])
    assert g is not None, pkg
    assert b'"amountAwarded":1234.57' in r.body
    assert g["amountAwarded"] == 1234.57 and "amountDisbursed" not in g
    assert g["id"] == "360G-bjsmev-%d" % ia["id"]
    assert g["title"] == prov["product"]["name"]
    assert g["currency"] == "CNY"
    assert g["awardDate"] == shanghai_date(b["published_at"])
    uscc = sql("SELECT uscc FROM providers WHERE id = %d" % prov["id"])[0][0]
    assert g["recipientOrganization"] == [
        {"id": "CN-USCI-" + uscc, "name": prov["name"]}], g
    assert g["fundingOrganization"][0]["id"].startswith("CN-USCI-")
    assert g["fundingOrganization"][0]["name"] == "北京市经济和信息化局"
    year = int(sql("SELECT round_year FROM products WHERE id = %d"
                   % prov["product"]["id"])[0][0])
    assert g["grantProgramme"][0]["code"] == str(year), g
    assert g["classifications"][0]["code"] == prov["product"]["category"]
    ext = g["beijingVoucher"]
    assert ext["batchId"] == b["id"] and ext["objectionStatus"] == "none"
    assert ext["publicityStart"] == b["published_at"]
    assert ext["publicityEnd"] == b["period_ends_at"]
    # the sum of the awards is the batch's published total to the fen
    total = sum(fen(m[1].decode()) for m in printed
                if m[0] == b"amountAwarded")
    assert total == b["total_amount"] == \
        pkg["beijingVoucher"]["totals"]["published"]["amount_fen"], \
        (total, b["total_amount"])
    # cacheable with an ETag like the batch API
    etag = r.headers["etag"]
    r2 = get("/api/publicity/batches/%d.360g.json" % b["id"],
             headers={"If-None-Match": etag})
    assert r2.status == 304, r2


@test
def test_opendata_withdrawn_excluded_paid_disbursed_totals_match():
    prov = provider_party()
    kept, gone = approved_claim(prov), approved_claim(prov)
    b = published([kept, gone])
    it_gone, it_kept = item_of(b, gone["id"]), item_of(b, kept["id"])
    before = package(b["id"]).json
    modified_before = before["beijingVoucher"]["modified"]
    assert grant_of(before, it_gone["id"]) is not None
    uphold_objection(b, gone["id"], "服务未实际开展")
    tok, t = after_period(b)
    paid_on = shanghai_date(iso(t))
    assert pay(b["id"], tok, paid_on).status == 200
    r = package(b["id"])
    pkg = r.json
    validate_package(pkg)
    # R7: a withdrawn item is no grant; it is named in the extension
    assert grant_of(pkg, it_gone["id"]) is None
    assert it_gone["id"] in [w["itemId"]
                             for w in pkg["beijingVoucher"]["withdrawn"]]
    g = grant_of(pkg, it_kept["id"])
    assert g["amountDisbursed"] == g["amountAwarded"]
    assert g["beijingVoucher"]["paidOn"] == paid_on
    assert parse_iso(g["dateModified"]) >= parse_iso(b["published_at"])
    assert pkg["beijingVoucher"]["modified"] > modified_before
    # the totals are the batch page's, to the fen
    page = get("/api/publicity/batches/%d" % b["id"],
               query={"nocache": uniq("n")}).json
    tot = pkg["beijingVoucher"]["totals"]
    assert tot["published"]["amount_fen"] == page["published_amount"]
    assert tot["withdrawn"]["amount_fen"] == page["withdrawn_amount"]
    assert tot["paid"]["amount_fen"] == page["paid_amount"]
    printed = AMOUNT_RE.findall(r.body)
    awarded = sum(fen(v.decode()) for k, v in printed if k == b"amountAwarded")
    disbursed = sum(fen(v.decode()) for k, v in printed
                    if k == b"amountDisbursed")
    assert awarded == page["published_amount"] - page["withdrawn_amount"]
    assert disbursed == page["paid_amount"]


@test
def test_opendata_no_enterprise_data():
    o = approved_claim()
    b = published([o])
    body = package(b["id"]).body.decode()
    ent = sql("SELECT e.name, e.uscc FROM enterprises e JOIN orders o"
              " ON o.enterprise_id = e.id WHERE o.id = %d" % o["id"])[0]
    order_no = sql("SELECT order_no FROM orders WHERE id = %d"
                   % o["id"])[0][0]
    for secret in ent + [order_no, o["ent"]["login"]]:
        assert secret not in body, secret
    feed = get("/api/publicity/open-data.json",
               query={"per_page": 100, "nocache": uniq("n")}).body.decode()
    for secret in ent + [order_no]:
        assert secret not in feed, secret
    pkg = json.loads(body)
    for g in pkg["grants"]:
        assert set(g) <= {"id", "title", "description", "currency",
                          "amountAwarded", "amountDisbursed", "awardDate",
                          "dateModified", "recipientOrganization",
                          "fundingOrganization", "grantProgramme",
                          "classifications", "beijingVoucher"}, g


@test
def test_opendata_unpublished_batch_404():
    approved_claim()
    draft = create_batch()
    expect_error(get("/api/publicity/batches/%d.360g.json" % draft["id"]),
                 404, "not_found")
    expect_error(get("/api/publicity/batches/999999999.360g.json"), 404,
                 "not_found")
    feed = get("/api/publicity/open-data.json",
               query={"per_page": 100, "nocache": uniq("n")}).json
    assert draft["id"] not in [x["id"] for x in feed["items"]]


@test
def test_opendata_feed_paginated_with_modified_and_links():
    b1 = published([approved_claim()])
    b2 = published([approved_claim()])
    r = get("/api/publicity/open-data.json", query={"per_page": 1})
    assert r.status == 200, r
    first = r.json
    assert first["per_page"] == 1 and first["page"] == 1
    assert first["total"] >= 2 and len(first["items"]) == 1
    second = get("/api/publicity/open-data.json",
                 query={"per_page": 1, "page": 2}).json
    assert second["items"][0]["id"] != first["items"][0]["id"]
    ids = [x["id"] for x in get("/api/publicity/open-data.json",
                                query={"per_page": 100}).json["items"]]
    assert b2["id"] in ids and b1["id"] in ids
    assert ids.index(b2["id"]) < ids.index(b1["id"])   # newest first
    row = first["items"][0]
    assert DATE_RE.match(row["modified"]) and DATE_RE.match(
        row["published_at"]), row
    assert row["url"] == "/api/publicity/batches/%d.360g.json" % row["id"]
    pkg = get(row["url"]).json
    validate_package(pkg)
    assert len(pkg["grants"]) == row["grant_count"]
    expect_error(get("/api/publicity/open-data.json",
                     query={"per_page": 1000}), 400)
