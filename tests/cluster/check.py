#!/usr/bin/env python3
"""The checks and figures of the cluster test (tests/cluster/run.sh).

  check.py OUT_DIR APP1_ADDR

Reads what the run left in OUT_DIR: events.jsonl and acked.jsonl (the load
client), marks (instants of each fault), db.tsv (the new primary's rows),
access.log (lb's nginx) and summary.json. Prints the figures of each
scenario, one ok/FAIL line per check, and "N passed, N failed".
"""
import collections
import datetime
import json
import os
import sys

FAIL_WINDOW = 10.0    # nginx max_fails=1 fail_timeout=10s


def load(out):
    ev = [json.loads(x) for x in open(os.path.join(out, "events.jsonl"))]
    acked = [json.loads(x) for x in open(os.path.join(out, "acked.jsonl"))]
    marks, extra = {}, {}
    for line in open(os.path.join(out, "marks")):
        k, *v = line.split()
        if k in ("fallbacks",):
            extra[k] = [int(x) for x in v]
        elif k == "reconcile_rc":
            extra[k] = int(v[0])
        else:
            marks[k] = float(v[0])
    db = collections.defaultdict(list)
    for line in open(os.path.join(out, "db.tsv")):
        f = line.rstrip("\n").split("\t")
        db[f[0]].append(f[1:])
    summary = json.load(open(os.path.join(out, "summary.json")))
    return ev, acked, marks, extra, db, summary


class Report:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
            print("ok   " + what)
        else:
            self.failed += 1
            print("FAIL " + what)


def failures(ev, t0, t1, kinds=("order", "read")):
    """Attempts started in [t0, t1) that got no final answer."""
    return [e for e in ev if e["kind"] in kinds and t0 <= e["t"] < t1 and not e["final"]]


def sent(ev, t0, t1, kinds=("order", "read")):
    return [e for e in ev if e["kind"] in kinds and t0 <= e["t"] < t1]


def describe(fails, t0):
    c = collections.Counter((e["kind"], e["status"], e["code"] or "-") for e in fails)
    parts = ["%s %s %s ×%d" % (k[0], k[1] or "conn-error", k[2], n) for k, n in sorted(c.items())]
    when = ""
    if fails:
        when = " at +%.1f…+%.1f s" % (min(e["t"] for e in fails) - t0,
                                       max(e["t"] for e in fails) - t0)
    return (", ".join(parts) or "none") + when


def main():
    out, app1 = sys.argv[1], sys.argv[2]
    ev, acked, m, extra, db, summary = load(out)
    r = Report()
    first = min(e["t"] for e in ev)
    last = max(e.get("end", e["t"]) for e in ev)
    orders = [e for e in ev if e["kind"] == "order"]
    reads = [e for e in ev if e["kind"] == "read"]
    print("== figures")
    print("load: %d order attempts (%d keys), %d reads over %.0f s; %d orders "
          "acknowledged (201); %d replays of a key checked; %d keys given up"
          % (len(orders), len({e["key"] for e in orders}), len(reads), last - first,
             len(acked), summary["replays"], summary["gave_up"]))
    print("outcomes: " + ", ".join(
        "%s %s ×%d" % (k[0] or "conn-error", k[1] or "", n) for k, n in sorted(
            collections.Counter((e["status"], e["code"]) for e in orders).items(),
            key=str)))

    # --- S2: rolling restart ---------------------------------------------
    t0, t1 = m["s2_start"], m["s2_end"] + 1
    f = failures(ev, t0, t1)
    print("S2 rolling restart of ordering: %.1f s, %d requests sent (%d orders), "
          "failed: %s" % (m["s2_end"] - m["s2_start"], len(sent(ev, t0, t1)),
                          len(sent(ev, t0, t1, ("order",))), describe(f, t0)))
    r.check(not f, "S2: no request failed during the rolling restart")

    # --- S1: app1 lost -----------------------------------------------------
    k = m["s1_kill"]
    f_all = failures(ev, k, m["s1_restart"])
    # keys first tried before the kill may meet their own claim (409
    # request_in_progress) until it is taken over: not "something else"
    first_try = {}
    for e in orders:
        first_try.setdefault(e["key"], e["t"])
    orphan_keys = {e["key"] for e in f_all if e["kind"] == "order"
                   and first_try[e["key"]] < k + FAIL_WINDOW}
    late = [e for e in failures(ev, k + FAIL_WINDOW, m["s1_restart"])
            if e["key" if e["kind"] == "order" else "path"] not in orphan_keys
            or e["code"] != "request_in_progress"]
    print("S1 app1 killed: %d requests sent while it was down, failed: %s"
          % (len(sent(ev, k, m["s1_restart"])), describe(f_all, k)))
    # what nginx sent to app1 after the kill (access log, by second)
    to_app1 = collections.Counter()
    for line in open(os.path.join(out, "access.log")):
        try:
            a = json.loads(line)
        except ValueError:
            continue
        ts = datetime.datetime.fromisoformat(a["ts"]).timestamp()
        if k - 1 <= ts < m["s1_restart"] and app1 + ":" in a["upstream"]:
            to_app1[int(ts - k)] += 1
    after = sum(n for s, n in to_app1.items() if s >= FAIL_WINDOW)
    print("S1 requests nginx still tried on app1, by second after the kill: %s "
          "(each passed on to app2)" % (dict(sorted(to_app1.items())) or "none"))
    # after the window nginx only probes app1 once per fail_timeout and
    # upstream (7 programs; the upstreams' state is shared by the workers)
    windows = max(1.0, (m["s1_restart"] - k - FAIL_WINDOW) / FAIL_WINDOW)
    r.check(after <= 7 * (windows + 1),
            "S1: nginx stopped sending to app1 within its failure window "
            "(%d tries in the %.0f s after it, probes only)" % (
                after, m["s1_restart"] - k - FAIL_WINDOW))
    r.check(not late, "S1: nothing failed after the %.0f s window except the "
            "retries of %d keys in flight at the kill: %s" % (
                FAIL_WINDOW, len(orphan_keys), describe(late, k)))
    orphan_acks = [a for a in acked if a["key"] in orphan_keys]
    if orphan_keys:
        print("S1 keys in flight at the kill: %d, acknowledged %.1f s after the "
              "kill at the latest (a dead worker's key is taken over after 60 s)"
              % (len(orphan_keys), max([a["t_ack"] - k for a in orphan_acks] or [0])))

    # --- S4: replica lost --------------------------------------------------
    k, back = m["s4_kill"], m["s4_restart"]
    f = failures(ev, k, m["s4_recovered"], ("read",))
    fb0, fb1, fb2, fb3 = extra["fallbacks"]
    slow = [e for e in orders if k <= e["t"] < m["s4_recovered"]]
    print("S4 db2 killed for %.1f s: %d reads sent, failed: %s; reads sent to the "
          "primary instead (voucher_db_ro_fallback_total): %d before, %d while "
          "down, %d after; the last one %.1f s after db2 restarted; orders waited "
          "for the replica's acknowledgement up to %.1f s" % (
              back - k, len(sent(ev, k, m["s4_recovered"], ("read",))),
              describe(f, k), fb0, fb1 - fb0, fb2 - fb1,
              m["s4_recovered"] - back, max([e["ms"] for e in slow] or [0]) / 1000))
    r.check(not f, "S4: no public read failed while the replica was down")
    r.check(fb1 > fb0, "S4: reads fell back to the primary, counted in /metrics")
    r.check(fb3 == fb2, "S4: reads went back to the replica when it returned "
            "(the counter stopped)")

    # --- S3: primary lost --------------------------------------------------
    k = m["s3_kill"]
    f = failures(ev, k, last + 1)
    first_ok = min([e["end"] for e in orders if e["t"] >= k and e["status"] == 201]
                   or [float("nan")])
    last_fail = max([e["t"] for e in f] or [k])
    print("S3 db1 killed; promote run at +%.1f s, done at +%.1f s; %d requests sent "
          "after the kill, failed: %s" % (
              m["s3_promote"] - k, m["s3_promoted"] - k, len(sent(ev, k, last + 1)),
              describe(f, k)))
    stuck = [e for e in f if e["code"] == "request_in_progress"]
    print("S3 time to recover: first order acknowledged %.1f s after the kill; "
          "last failed attempt %.1f s after it (%d retries met a key claimed just "
          "before the kill, taken over after 60 s)" % (first_ok - k, last_fail - k,
                                                       len(stuck)))
    reads_after = [e for e in f if e["kind"] == "read"]
    print("S3 public reads failed after the kill: %d" % len(reads_after))

    # --- the new primary's data ------------------------------------------
    on_db = {int(o[0]): (int(o[1]), int(o[2])) for o in db["orders"]}
    missing, wrong = [], []
    for a in acked:
        got = on_db.get(a["order_id"])
        if got is None:
            missing.append(a)
        elif got != (int(a["login"][len("cluster"):]), a["product_id"]):
            wrong.append(a)
    r.check(not missing and not wrong,
            "every acknowledged order (%d) is on the new primary (missing %d, "
            "different %d)" % (len(acked), len(missing), len(wrong)))
    ids = [a["order_id"] for a in acked]
    r.check(len(ids) == len(set(ids)), "no two keys were given the same order")
    unacked = set(on_db) - set(ids)
    r.check(len(unacked) <= summary["gave_up"],
            "no order without its client's acknowledgement: %d orders on the "
            "primary, %d acknowledged, %d keys given up" % (
                len(on_db), len(ids), summary["gave_up"]))
    keys_orders = collections.Counter()
    for row in db["keys"]:
        if len(row) >= 5 and row[3] == "201":
            try:
                keys_orders[json.loads(row[4])["id"]] += 1
            except (ValueError, KeyError, TypeError):
                pass
    r.check(all(n == 1 for n in keys_orders.values()),
            "each order is the reply of exactly one Idempotency-Key")
    r.check(summary["replay_mismatch"] == 0 and summary["replays"] > 0,
            "%d retries of an acknowledged key gave the same order" % summary["replays"])
    held = {int(p): int(n) for p, n in db["held"]}
    over = []
    for pid, total, remaining, sold in db["product"]:
        pid, total, remaining = int(pid), int(total), int(remaining)
        if remaining < 0 or held.get(pid, 0) > total or remaining + held.get(pid, 0) != total:
            over.append((pid, total, remaining, held.get(pid, 0)))
    scarce = max(int(p[0]) for p in db["product"])
    print("products: %s" % ", ".join("%s: %s of %s units held" % (
        p[0], held.get(int(p[0]), 0), p[1]) for p in db["product"]))
    r.check(not over and not db["negative"],
            "no product oversold (held + remaining = units; scarce product %d "
            "sold out: %s)" % (scarce, held.get(scarce, 0) == int(
                [p for p in db["product"] if int(p[0]) == scarce][0][1])))
    r.check(not db["quota"], "no enterprise above its cap")
    r.check(extra.get("reconcile_rc") == 0, "voucherctl reconcile: no drift")
    rep = open(os.path.join(out, "replica.tsv")).read().split()
    prim = db["primary"][0] if db["primary"] else None
    print("S3 epilogue: db1 rebuilt as the replica in %.1f s; orders (count, sum of ids): "
          "primary %s, replica %s" % (m["s3_rejoined"] - m["s3_rejoin"],
                                      " ".join(prim or ["?"]), " ".join(rep[1:3])))
    r.check(prim is not None and rep[1:3] == prim,
            "the rebuilt replica holds the same orders as the new primary")
    print("%d passed, %d failed" % (r.passed, r.failed))
    return 0 if r.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
