"""Ordering under concurrency (O3, P5): units never go below zero, no
enterprise's occupied amount ever exceeds its cap, and afterwards
`voucherctl reconcile` finds no drift in what the order tests created.

Runs after test_orders.py (files run in name order)."""
import collections
import concurrent.futures
import random
import re

from harness import (test, sql, order_created, order_provider,
                     enterprise_pool, fresh_enterprise, order_product,
                     unit_subsidy, place_order, quota_occupied, ctl)

ROUNDS = 20
ENTERPRISES = 20
PER_ENTERPRISE = 10
UNITS = 10


@test
def test_O3_concurrency_200_orders_10_units_never_oversold():
    pid, _ = order_provider("prov01")
    ents = enterprise_pool(ENTERPRISES)
    with concurrent.futures.ThreadPoolExecutor(50) as ex:
        for rnd in range(ROUNDS):
            p = order_product(pid, voucher_price=1000, units=UNITS)
            jobs = [e for e in ents for _ in range(PER_ENTERPRISE)]
            random.shuffle(jobs)
            replies = list(ex.map(
                lambda e: (e, place_order(e["token"], p["id"])), jobs))
            codes = collections.Counter(
                r.status if r.status == 201 else (r.status, r.error_code)
                for _, r in replies)
            assert codes == {201: UNITS,
                             (409, "sold_out"): len(jobs) - UNITS}, \
                (rnd, codes, [r for _, r in replies
                              if r.status not in (201, 409)][:3])
            won = [(e, r.json) for e, r in replies if r.status == 201]
            assert len({o["id"] for _, o in won}) == UNITS, won
            for e, o in won:
                assert o["product_id"] == p["id"], o
                assert o["enterprise_id"] == e["id"], (e, o)
                assert o["reserved"] == unit_subsidy(1000) == 300, o
            row = sql("SELECT p.remaining_units, p.units_sold,"
                      " (SELECT COUNT(*) FROM orders o WHERE o.product_id ="
                      " p.id), (SELECT COUNT(*) FROM orders o WHERE"
                      " o.product_id = p.id AND o.unit_held = 1)"
                      " FROM products p WHERE p.id = %d" % p["id"])[0]
            assert row == ["0", str(UNITS), str(UNITS), str(UNITS)], \
                (rnd, row)


@test
def test_O3_concurrency_one_enterprise_50_orders_never_past_cap():
    pid, _ = order_provider("prov01")
    e = fresh_enterprise()                       # ordinary: 2,000,000
    # unit subsidies 70,000 .. 150,000: 5,500,000 wanted in all
    prices = [233334, 300000, 366667, 433334, 500000]
    products = [order_product(pid, voucher_price=v, units=10)
                for v in prices]
    subsidy = {p["id"]: p["unit_subsidy"] for p in products}
    assert sorted(subsidy.values()) == [70000, 90000, 110000, 130000,
                                        150000], subsidy
    jobs = [p["id"] for p in products for _ in range(10)]
    random.shuffle(jobs)
    with concurrent.futures.ThreadPoolExecutor(50) as ex:
        replies = list(ex.map(lambda pid_: place_order(e["token"], pid_),
                              jobs))
    ok = [r.json for r in replies if r.status == 201]
    refused = collections.Counter((r.status, r.error_code)
                                  for r in replies if r.status != 201)
    assert set(refused) <= {(409, "quota_exhausted")}, refused
    assert len(ok) + sum(refused.values()) == 50
    cap, occupied = (int(x) for x in sql(
        "SELECT cap, occupied FROM enterprise_quota WHERE enterprise_id=%d"
        % e["id"])[0])
    assert cap == 2000000, cap
    assert occupied <= cap, (occupied, cap)
    # more was wanted than the cap: the last reservation fills it exactly
    assert occupied == cap, (occupied, cap)
    assert sum(o["reserved"] for o in ok) == occupied, ok
    partial = [o for o in ok if o["reserved"] < subsidy[o["product_id"]]]
    assert len(partial) <= 1, partial
    assert all(o["reserved"] > 0 for o in ok), ok
    db = sql("SELECT COUNT(*), COALESCE(SUM(reserved), 0) FROM orders"
             " WHERE enterprise_id=%d" % e["id"])[0]
    assert db == [str(len(ok)), str(occupied)], db
    assert quota_occupied(e["token"]) == occupied
    for p in products:
        n = sum(1 for o in ok if o["product_id"] == p["id"])
        row = sql("SELECT remaining_units, units_sold FROM products"
                  " WHERE id=%d" % p["id"])[0]
        assert row == [str(10 - n), str(n)], (p["id"], n, row)


PRODUCT_LINE = re.compile(r"^product (\d+): ")
QUOTA_LINE = re.compile(r"^enterprise (\d+) year (\d+): ")


@test
def test_O3_reconcile_no_drift_after_order_tests():
    # `voucherctl reconcile` recomputes every product's taken units and
    # every quota row's occupied amount from the orders: after every test
    # so far (the ones that set drifting rows up with SQL fixtures put
    # them back) there is no drift at all.
    out = ctl("reconcile")
    assert out.returncode == 0, (out.returncode, out.stdout, out.stderr)
    lines = out.stdout.splitlines()
    assert lines and lines[-1].startswith("reconcile: "), out.stdout
    ours = []
    for line in lines[:-1]:
        m = PRODUCT_LINE.match(line)
        if m and int(m.group(1)) in order_created["products"]:
            ours.append(line)
        m = QUOTA_LINE.match(line)
        if m and int(m.group(1)) in order_created["enterprises"]:
            ours.append(line)
        assert PRODUCT_LINE.match(line) or QUOTA_LINE.match(line), line
    assert not ours, "\n".join(ours)
    assert (out.returncode == 0) == (len(lines) == 1), out.stdout
