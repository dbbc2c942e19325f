#!/usr/bin/env python3
"""A bounded load of orders and catalog reads against the cluster's lb,
recording every attempt, for tests/cluster/run.sh.

  load.py BASE OUT_DIR [--order-threads N] [--read-threads N]
          [--order-rate R] [--read-rate R] [--max-seconds S]

Order threads, one enterprise of tests/cluster/setup.py each (--prods: how
many products it made), place orders one at a time, three in ten for the
scarce product. Each order
has its own Idempotency-Key, and the client retries it with the same key
and body until it has a final answer (201, or 4xx sold_out,
quota_exhausted...): after a dropped connection, a 5xx, or 409
request_in_progress. A 201 after a retry, and one order in ten, is asked
again with the same key to check that the reply is the same order.
Read threads fetch product lists and details. Every attempt is a line of
OUT_DIR/events.jsonl; every acknowledged order a line of acked.jsonl.

Bounded: at most R requests a second per thread, --max-seconds in all
(default 600); the file OUT_DIR/stop ends it earlier (order threads finish
their current order first, giving up on it 150 s after its first try).
Writes OUT_DIR/summary.json at the end.
"""
import argparse
import http.client
import json
import os
import random
import threading
import time
import urllib.parse
import uuid

PER_KEY_SECONDS = 150          # > the 60 s after which a dead worker's key is taken over
TIMEOUT = 70                   # > nginx's fastcgi_read_timeout (60 s)
# tests/cluster/setup.py's enterprises (ready sessions) and products: the
# last product is the scarce one
FIRST_ID = 300001


class Log:
    def __init__(self, out):
        self.lock = threading.Lock()
        self.events = open(os.path.join(out, "events.jsonl"), "a", buffering=1)
        self.acked = open(os.path.join(out, "acked.jsonl"), "a", buffering=1)

    def event(self, **kw):
        with self.lock:
            self.events.write(json.dumps(kw) + "\n")

    def ack(self, **kw):
        with self.lock:
            self.acked.write(json.dumps(kw) + "\n")


class Client:
    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.conn = None
        self.stale = 0

    def request(self, method, path, body=None, headers=None):
        """(status, parsed JSON or None, headers); status 0 on a
        connection error."""
        hdrs = {"Accept": "application/json"}
        if headers:
            hdrs.update(headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        for fresh in (False, True):
            reused = self.conn is not None
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
                self.conn.request(method, path, body=data, headers=hdrs)
                r = self.conn.getresponse()
                raw = r.read()
                try:
                    doc = json.loads(raw) if raw else None
                except ValueError:
                    doc = None
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return r.status, doc, r
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError):
                # a kept-alive connection that the server closed (nginx
                # reloading, keepalive_timeout) before reading this request:
                # resent once on a new connection, as HTTP clients do (for
                # POST /api/orders the Idempotency-Key makes it safe)
                self.close()
                if not reused or fresh:
                    return 0, None, None
                self.stale += 1
            except (OSError, http.client.HTTPException):
                self.close()
                return 0, None, None
        return 0, None, None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def err_code(doc):
    if isinstance(doc, dict) and isinstance(doc.get("error"), dict):
        return doc["error"].get("code", "")
    return ""


RETRY_STATUSES = {0, 500, 502, 503, 504}


def order_thread(i, base, token, login_name, args, log, stop, deadline, stats):
    c = Client(base)
    auth = {"Authorization": "Bearer " + token}
    rnd = random.Random(i)
    n = 0
    while not stop.is_set() and time.time() < deadline:
        n += 1
        pid = FIRST_ID + (args.prods if rnd.random() < 0.3 else rnd.randrange(args.prods))
        key = f"{login_name}-{uuid.uuid4()}"
        body = {"product_id": pid}
        first = time.time()
        attempt = 0
        while True:
            attempt += 1
            t0 = time.time()
            st, doc, _ = c.request("POST", "/api/orders", body,
                                   dict(auth, **{"Idempotency-Key": key}))
            t1 = time.time()
            code = err_code(doc)
            retry = st in RETRY_STATUSES or (st == 409 and code == "request_in_progress")
            oid = doc.get("id") if st == 201 and isinstance(doc, dict) else None
            log.event(t=t0, end=t1, kind="order", thread=i, key=key, attempt=attempt,
                      status=st, code=code, final=not retry, order_id=oid,
                      ms=round((t1 - t0) * 1000, 1))
            with stats["lock"]:
                stats["order_attempts"] += 1
            if not retry:
                break
            if time.time() - first > PER_KEY_SECONDS:
                log.event(t=time.time(), kind="gave_up", thread=i, key=key)
                with stats["lock"]:
                    stats["gave_up"] += 1
                oid = None
                st = -1
                break
            time.sleep(0.3 + rnd.random() * 0.4)
        if st == 201:
            log.ack(key=key, login=login_name, product_id=pid, order_id=oid,
                    t_first=first, t_ack=time.time(), attempts=attempt)
            # the same key again: the same order, never a second one
            if attempt > 1 or rnd.random() < 0.1:
                for _ in range(20):
                    st2, doc2, _ = c.request("POST", "/api/orders", body,
                                             dict(auth, **{"Idempotency-Key": key}))
                    if st2 in RETRY_STATUSES:
                        time.sleep(0.5)
                        continue
                    break
                same = st2 == 201 and isinstance(doc2, dict) and doc2.get("id") == oid
                log.event(t=time.time(), kind="replay", thread=i, key=key,
                          status=st2, order_id=oid, same=same)
                with stats["lock"]:
                    stats["replays"] += 1
                    if not same:
                        stats["replay_mismatch"] += 1
        time.sleep(max(0.0, 1.0 / args.order_rate - (time.time() - first)) * rnd.uniform(0.5, 1.5))
    with stats["lock"]:
        stats["keepalive_resends"] += c.stale


def read_thread(i, base, args, log, stop, deadline, stats):
    c = Client(base)
    rnd = random.Random(1000 + i)
    cats = ["digital", "cloud", "talent", "innovation", "finance", "legal", "it",
            "market", "design", "transfer", "ipo", "other"]
    while not stop.is_set() and time.time() < deadline:
        r = rnd.random()
        if r < 0.4:
            path = "/api/products?category=%s&page=%d" % (rnd.choice(cats), rnd.randint(1, 2))
        elif r < 0.8:
            path = "/api/products/%d" % (rnd.randint(1, 48) if r < 0.6 else
                                         FIRST_ID + rnd.randint(0, args.prods))
        elif r < 0.9:
            path = "/api/categories"
        else:
            path = "/api/publicity/batches"
        t0 = time.time()
        st, doc, _ = c.request("GET", path)
        t1 = time.time()
        log.event(t=t0, end=t1, kind="read", thread=i, path=path, status=st,
                  code=err_code(doc), final=st == 200, ms=round((t1 - t0) * 1000, 1))
        with stats["lock"]:
            stats["read_attempts"] += 1
        time.sleep(max(0.0, 1.0 / args.read_rate - (t1 - t0)))
    with stats["lock"]:
        stats["keepalive_resends"] += c.stale


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("out")
    ap.add_argument("--order-threads", type=int, default=8)
    ap.add_argument("--read-threads", type=int, default=4)
    ap.add_argument("--order-rate", type=float, default=2.0)
    ap.add_argument("--read-rate", type=float, default=10.0)
    ap.add_argument("--max-seconds", type=float, default=600)
    ap.add_argument("--prods", type=int, default=6)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    log = Log(args.out)
    stop = threading.Event()
    start = time.time()
    deadline = start + args.max_seconds
    stats = {"lock": threading.Lock(), "order_attempts": 0, "read_attempts": 0,
             "gave_up": 0, "replays": 0, "replay_mismatch": 0,
             "keepalive_resends": 0}
    names = ["cluster%d" % (FIRST_ID + i) for i in range(args.order_threads)]
    tokens = {n: "clstr%038d" % (FIRST_ID + i) for i, n in enumerate(names)}
    with open(os.path.join(args.out, "ready"), "w") as f:
        f.write(str(time.time()))
    threads = []
    for i, n in enumerate(names):
        threads.append(threading.Thread(target=order_thread, args=(
            i, args.base, tokens[n], n, args, log, stop, deadline, stats)))
    for i in range(args.read_threads):
        threads.append(threading.Thread(target=read_thread, args=(
            i, args.base, args, log, stop, deadline, stats)))
    for t in threads:
        t.daemon = True
        t.start()
    stopfile = os.path.join(args.out, "stop")
    while time.time() < deadline and not os.path.exists(stopfile):
        time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join(timeout=PER_KEY_SECONDS + TIMEOUT)
    stats.pop("lock")
    stats["seconds"] = round(time.time() - start, 1)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(stats, f)
    print("load: %s" % json.dumps(stats))


if __name__ == "__main__":
    main()
