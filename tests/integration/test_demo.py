"""The demo data is what README says it is (issue 11, point 7): at the
first start it holds an order in each state README names, and ent01 has
the ones README lists. Read-only SQL on the demo's own orders (the first
72 inserted, before any test placed one)."""
from harness import test, sql

DEMO_ORDERS = 72
README_STATES = {"pending", "accepted", "contracted", "submitted",
                 "cancelled", "expired", "publicized"}
README_CANCEL_REASONS = {"enterprise", "declined", "accept_timeout"}
README_ENT01 = {"pending", "accepted", "contracted", "publicized",
                "cancelled"}


def demo_orders(where=""):
    return sql("SELECT o.status, COALESCE(o.cancel_reason, '') FROM orders o"
               " JOIN enterprises e ON e.id = o.enterprise_id"
               " WHERE o.id <= %d %s" % (DEMO_ORDERS, where))


@test
def test_demo_has_an_order_in_each_state_readme_names():
    rows = demo_orders()
    assert len(rows) == DEMO_ORDERS, len(rows)
    states = {r[0] for r in rows}
    assert README_STATES <= states, README_STATES - states
    reasons = {r[1] for r in rows if r[0] == "cancelled"}
    assert README_CANCEL_REASONS <= reasons, README_CANCEL_REASONS - reasons


@test
def test_demo_ent01_has_the_orders_readme_lists():
    rows = sql("SELECT o.status FROM orders o JOIN accounts a"
               " ON a.enterprise_id = o.enterprise_id WHERE a.login = 'ent01'"
               " AND o.id <= %d" % DEMO_ORDERS)
    states = {r[0] for r in rows}
    assert README_ENT01 <= states, README_ENT01 - states
