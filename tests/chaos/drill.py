"""tests/chaos/drill.py - the reliability drills (issue 15, `make chaos`),
against the stack tests/chaos/run.sh started (supervised by ops/stack.sh).

Each drill is bounded in time and in load, prints its figures and counts
as passed or failed on its invariants:

  A  an order rush through three faults: kill -9 of the ordering program,
     kill -9 of mariadbd, the database stalled (SIGSTOP, SIGCONT). Every
     acknowledged order is in the database exactly once, every retry with
     the same Idempotency-Key is answered with the same order, no product
     sold past its units, no enterprise past its cap, reconcile clean.
  B  the database down (the supervisor told not to restart
     it: `ops/stack.sh hold mariadb`): every API route of README's table answers 503 in the JSON error
     shape with Retry-After within 100 ms; once MariaDB is back, the
     programs serve again by themselves within 1 s.
  C  slow clients (uploads stalled after their first KiB, requests that
     never finish their headers, JSON bodies trickled) cannot delay other
     requests to any program by more than a second.
  D  a login flood of wrong passwords from many connections: it is
     refused with 429s, and /api/me of a logged-in user stays quick.

Ends with "N passed, N failed". drill.py WORD runs only the drills whose
names contain WORD."""
import collections
import concurrent.futures
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness as h  # noqa: E402

RUN = os.path.join(h.STATE, "run")
RESULTS = []


def say(*a):
    print(*a, flush=True)


def drill(fn):
    """Runs a drill; an AssertionError (or any exception) fails it."""
    if len(sys.argv) > 1 and sys.argv[1] not in fn.__name__:
        return fn
    t0 = time.monotonic()
    try:
        fn()
        RESULTS.append(True)
        say("ok %s (%.1fs)" % (fn.__name__, time.monotonic() - t0))
    except Exception as e:  # a failed drill, whatever it raised
        RESULTS.append(False)
        say("FAIL %s: %s: %s" % (fn.__name__, type(e).__name__, e))
        import traceback
        traceback.print_exc(file=sys.stdout)
    return fn


def pid_of(name):
    with open(os.path.join(RUN, name + ".pid")) as f:
        return int(f.read().split()[0])


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def kill9(name, words):
    """kill -9 the process of the stack's pid file NAME, after checking
    that its command line holds WORDS (never a recycled pid)."""
    pid = pid_of(name)
    assert words in cmdline(pid), (name, pid, cmdline(pid))
    os.kill(pid, signal.SIGKILL)
    return pid


def stack(*args):
    """ops/stack.sh ARGS against the drills' stack."""
    subprocess.run([os.path.join(h.ROOT, "ops", "stack.sh")] + list(args),
                   check=True, timeout=30)


def db_ping():
    sock = os.path.join(RUN, "mysql.sock")
    return subprocess.run(["mariadb-admin", "--no-defaults",
                           "--socket=" + sock, "-uroot", "ping"],
                          capture_output=True, timeout=5).returncode == 0


def wait_until(pred, timeout, interval=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if pred():
                return True
        except Exception:  # not yet: whatever it raised
            pass
        time.sleep(interval)
    return False


def one(method, path, token=None, body=None, headers=None, timeout=10):
    """A request that reports a transport failure as status 0."""
    try:
        return h.request(method, path, body=body, token=token,
                         headers=headers, timeout=timeout)
    except (OSError, http.client.HTTPException) as e:
        return h.Reply(0, {}, str(e).encode())


def invariants(products, initial_units):
    """No product sold past its units (units_sold + remaining = initial,
    units_sold = the orders holding a unit), no enterprise above its cap,
    reconcile finds no drift. Returns the figures."""
    ids = ",".join(str(p) for p in products)
    rows = h.sql("SELECT p.id, p.remaining_units, p.units_sold,"
                 " (SELECT COUNT(*) FROM orders o WHERE o.product_id = p.id"
                 " AND o.unit_held = 1) FROM products p WHERE p.id IN (%s)"
                 % ids)
    for pid, remaining, sold, held in rows:
        assert int(remaining) >= 0 and \
            int(remaining) + int(sold) == initial_units[int(pid)], \
            ("units", pid, remaining, sold, initial_units[int(pid)])
        assert int(sold) == int(held), ("held", pid, sold, held)
    over = h.sql("SELECT COUNT(*) FROM enterprise_quota"
                 " WHERE occupied > cap OR occupied < 0")[0][0]
    assert over == "0", "%s enterprise quota rows above their cap" % over
    r = h.ctl("reconcile")
    assert r.returncode == 0, (r.stdout, r.stderr)
    m = re.search(r"(\d+) product\(s\) and (\d+) quota row\(s\) drifted",
                  r.stdout + r.stderr)
    assert m and m.group(1) == "0" and m.group(2) == "0", \
        (r.stdout, r.stderr)
    return sum(int(r[2]) for r in rows)


# ---- A: the order rush through three faults ----------------------------------

RUSH_CLIENTS = 12
RUSH_SECONDS = 24


@drill
def drill_A_order_rush_through_kills_and_a_stall():
    pid, _ = h.order_provider("prov01")
    ents = h.enterprise_pool(RUSH_CLIENTS)
    # three products that never sell out (the rush runs through every
    # fault) and one of 30 units that sells out in the first seconds
    units = [100000, 100000, 100000, 30]
    products = [h.order_product(pid, voucher_price=1000, units=u)
                for u in units]
    initial = {p["id"]: u for p, u in zip(products, units)}
    abandoned = []
    acked = {}                 # key -> order id
    meta = {}                  # key -> (client, product id)
    lock = threading.Lock()
    counts = collections.Counter()
    stop = threading.Event()
    t_start = time.monotonic()
    first_ok_after = {}        # fault -> seconds to the first 201 after it
    faults = []                # (name, monotonic time)

    def client(n):
        e = ents[n]
        i = 0
        while not stop.is_set():
            i += 1
            key = "chaos-%d-%d-%d" % (os.getpid(), n, i)
            p = products[(n + i) % len(products)]["id"]
            # a client retries the same key until a definite answer
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                r = one("POST", "/api/orders", token=e["token"],
                        body={"product_id": p},
                        headers={"Idempotency-Key": key}, timeout=15)
                with lock:
                    counts[r.status if r.status in (0, 201) else
                           (r.status, r.error_code)] += 1
                if r.status == 201:
                    with lock:
                        oid = r.json["id"]
                        assert acked.get(key, oid) == oid, \
                            ("a retry of one key made a second order",
                             key, acked[key], oid)
                        acked[key] = oid
                        meta[key] = (n, p)
                        now = time.monotonic()
                        for name, t in faults:
                            if name not in first_ok_after and now > t:
                                first_ok_after[name] = now - t
                    break
                if r.status == 409 and \
                        r.error_code != "request_in_progress":
                    break                    # sold out, cap: definite
                assert r.status in (0, 409, 502, 503, 504), r
                time.sleep(0.05)
            else:
                with lock:
                    abandoned.append(key)
            time.sleep(0.02)

    def fault(name, act):
        act()
        with lock:
            faults.append((name, time.monotonic()))
        say("   +%.1fs %s" % (time.monotonic() - t_start, name))

    with concurrent.futures.ThreadPoolExecutor(RUSH_CLIENTS) as ex:
        futs = [ex.submit(client, n) for n in range(RUSH_CLIENTS)]
        time.sleep(3)
        fault("kill -9 the ordering program",
              lambda: kill9("ordering", "voucher-ordering"))
        time.sleep(5)
        fault("kill -9 mariadbd", lambda: kill9("mariadb", "mariadbd"))
        assert wait_until(db_ping, 30), "MariaDB did not come back"
        time.sleep(5)
        dbpid = pid_of("mariadb")
        assert "mariadbd" in cmdline(dbpid)

        def stall():
            os.kill(dbpid, signal.SIGSTOP)
            time.sleep(3)
            os.kill(dbpid, signal.SIGCONT)
        fault("database stalled 3 s (SIGSTOP … SIGCONT)", stall)
        time.sleep(max(0, RUSH_SECONDS - (time.monotonic() - t_start)))
        stop.set()
        for f in futs:
            f.result()
    took = time.monotonic() - t_start
    say("   %.1fs, %d clients: %d acknowledged orders; replies %s;"
        " %d key(s) given up after 20 s of retries (in flight at a kill:"
        " no order may exist for them)"
        % (took, RUSH_CLIENTS, len(acked), dict(counts), len(abandoned)))
    for name, _ in faults:
        say("   first order acknowledged after '%s': %s" % (
            name, "%.2fs" % first_ok_after[name]
            if name in first_ok_after else "never"))
    assert len(acked) > 0
    assert all(name in first_ok_after for name, _ in faults), first_ok_after
    # every acknowledged order is in the database exactly once, under
    # its key
    ids = sorted(acked.values())
    assert len(set(ids)) == len(ids), "two keys answered with one order"
    found = h.sql("SELECT id FROM orders WHERE id IN (%s)"
                  % ",".join(map(str, ids)))
    assert len(found) == len(ids), (len(found), len(ids))
    per_product = h.sql(
        "SELECT COUNT(*) FROM orders WHERE product_id IN (%s)"
        % ",".join(str(p) for p in initial))[0][0]
    assert int(per_product) == len(ids), \
        "orders no client saw acknowledged: %d in the database, %d acked" \
        % (int(per_product), len(ids))
    # a retry with the same key afterwards: the same order
    sample = list(acked.items())[:40]
    for key, oid in sample:
        n, p = meta[key]
        r = one("POST", "/api/orders", token=ents[n]["token"],
                body={"product_id": p}, headers={"Idempotency-Key": key})
        assert r.status in (200, 201) and r.json["id"] == oid, (key, oid, r)
    sold = invariants(list(initial), initial)
    assert sold == len(ids), (sold, len(ids))
    say("   invariants: %d units sold = %d orders; no product oversold,"
        " no cap exceeded, reconcile clean; %d retries of acknowledged"
        " keys answered with their order" % (sold, len(ids), len(sample)))


# ---- B: the database down ------------------------------------------------------

def api_routes():
    """(method, path) of every route in README's API table, ids as 1."""
    routes = set()
    readme = os.path.join(h.ROOT, "README.md")
    with open(readme, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\| `([A-Z|\\]+) (/api/[^ `?]*)", line)
            if not m:
                continue
            path = re.sub(r"\{[^}]*\}", "1", m.group(2))
            for method in m.group(1).replace("\\", "").split("|"):
                if method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
                    routes.add((method, path))
    return sorted(routes)


@drill
def drill_B_database_down_503_quickly_and_back_by_itself():
    routes = api_routes()
    assert len(routes) > 40, routes
    tok = h.fresh_login("bureau")
    stack("hold", "mariadb")           # the supervisor leaves it down
    try:
        kill9("mariadb", "mariadbd")
        assert wait_until(lambda: not db_ping(), 10)
        time.sleep(0.3)
        slow, wrong, times = [], [], []
        n = 0
        for method, path in routes:
            for who in (tok, None):
                n += 1
                body = {} if method in ("POST", "PUT", "PATCH") else None
                t0 = time.monotonic()
                r = one(method, path + "?chaos=%d" % n, token=who, body=body)
                dt = time.monotonic() - t0
                times.append(dt)
                if dt > 0.1:
                    slow.append((method, path, round(dt * 1000)))
                ok = (r.status == 503 and r.error_code is not None and
                      "retry-after" in r.headers)
                # no database needed: the publicity list's public key, the
                # API's description (a static file), and the unread badge
                # of a page with no session at all
                if r.status == 200 and ((method, path) in (
                        ("GET", "/api/publicity/key"),
                        ("GET", "/api/openapi.json")) or (
                        who is None and (method, path) == (
                            "GET", "/api/notifications/unread"))):
                    ok = True
                # no database needed to refuse these: a missing session,
                # a body that cannot be right, a role that cannot ask
                if not ok and r.status in (400, 401, 403, 404, 405, 411,
                                           413, 415, 422):
                    ok = r.error_code is not None
                if not ok:
                    wrong.append((method, path, r.status,
                                  r.body[:120].decode("utf-8", "replace")))
        times.sort()
        say("   %d requests over %d routes with the database down:"
            " p50 %.1f ms, max %.1f ms" % (
                n, len(routes), times[len(times) // 2] * 1000,
                times[-1] * 1000))
        assert not wrong, "not a JSON 503 with Retry-After: %s" % wrong[:8]
        assert not slow, "answered after more than 100 ms: %s" % slow[:8]
    finally:
        stack("release", "mariadb")    # the supervisor restarts it
        # the next drills start with it back, even after a failure here
        up = wait_until(db_ping, 60)
    assert up, "MariaDB did not come back"
    back = time.monotonic()
    served = wait_until(
        lambda: h.get("/api/products?chaos_back=%f" % time.time()).status
        == 200 and h.get("/api/me", token=tok).status == 200,
        5, interval=0.02)
    after = time.monotonic() - back
    say("   MariaDB answering again: the API served %.2f s later" % after)
    assert served and after <= 1.0, "served again only after %.2fs" % after


# ---- C: slow clients ------------------------------------------------------------

def probe_latency(paths, tok, rounds=5):
    worst = 0.0
    for _ in range(rounds):
        for p in paths:
            t0 = time.monotonic()
            r = one("GET", p, token=tok, timeout=10)
            dt = time.monotonic() - t0
            assert 0 < r.status < 500, (p, r)
            worst = max(worst, dt)
    return worst


@drill
def drill_C_slow_clients_starve_nobody():
    tok = h.fresh_login("prov01")
    ent = h.fresh_login("ent01")
    paths = ["/api/redemptions/1", "/api/provider/orders",
             "/api/products?chaos_c=1", "/api/publicity/batches",
             "/api/applications"]
    quiet = probe_latency(paths, tok, 2)
    socks = []
    try:
        # uploads that stall after a first KiB (redemption and collection)
        for i in range(16):
            path = ("/api/redemptions/%d/files/invoice" % (i + 1) if i % 2
                    else "/api/applications/%d/attachments/licence" % (i + 1))
            s = socket.create_connection(("127.0.0.1", h.PORT), timeout=5)
            s.sendall(("PUT %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Content-Type: application/pdf\r\nAuthorization: "
                       "Bearer %s\r\nContent-Length: 5000000\r\n\r\n"
                       % (path, tok)).encode() + b"%PDF-1.4\n" + b"x" * 1024)
            socks.append(s)
        # requests whose headers never end
        for i in range(64):
            s = socket.create_connection(("127.0.0.1", h.PORT), timeout=5)
            s.sendall(b"GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-a: ")
            socks.append(s)
        # JSON bodies trickled to every program's POST routes
        for path in ("/api/orders", "/api/session", "/api/signup",
                     "/api/bureau/violations", "/api/review/claims/1"):
            for _ in range(4):
                s = socket.create_connection(("127.0.0.1", h.PORT), timeout=5)
                s.sendall(("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Content-Type: application/json\r\nAuthorization: "
                           "Bearer %s\r\nContent-Length: 100000\r\n\r\n{\"a\":"
                           % (path, ent)).encode())
                socks.append(s)
        time.sleep(1.0)
        busy = probe_latency(paths, tok, 5)
        say("   %d slow connections held: the slowest other request took"
            " %.0f ms (%.0f ms before)" % (len(socks), busy * 1000,
                                             quiet * 1000))
        assert busy < 1.0, "a request waited %.2fs behind slow clients" % busy
    finally:
        for s in socks:
            s.close()


# ---- D: a login flood -----------------------------------------------------------

def login_with(login, password, cookie=None):
    """POST /api/session from 127.0.0.1, with a Cookie header if given:
    (status, the voucher_device cookie set, reply)."""
    c = http.client.HTTPConnection("127.0.0.1", h.PORT, timeout=10)
    hdr = {"Content-Type": "application/json"}
    if cookie:
        hdr["Cookie"] = cookie
    c.request("POST", "/api/session", headers=hdr,
              body=json.dumps({"login": login, "password": password}))
    r = c.getresponse()
    body = r.read()
    dev = None
    for k, v in r.getheaders():
        if k.lower() == "set-cookie" and v.startswith("voucher_device="):
            dev = v.split(";")[0]
    c.close()
    return r.status, dev, body


@drill
def drill_D_login_flood_refused_and_me_stays_quick():
    tok = h.fresh_login("ent02")
    # the real user's browser logged in before (its device cookie)
    st, device, body = login_with("ent03", h.DEMO_PASSWORD)
    assert st == 200 and device, (st, body)

    def me_ms(n):
        out = []
        for _ in range(n):
            t0 = time.monotonic()
            r = one("GET", "/api/me", token=tok)
            out.append((time.monotonic() - t0) * 1000)
            assert r.status == 200, ("/api/me", r, "after %.0f ms" % out[-1])
            time.sleep(0.02)
        return statistics.median(out), max(out)

    quiet_p50, _ = me_ms(20)
    stop = threading.Event()
    codes = collections.Counter()
    lock = threading.Lock()

    def flood(n):
        # from 20 addresses (127.0.0.2 … 21: all loopback), as the attack
        # did, so that nginx's per-address limit is not all that holds
        src = ("127.0.0.%d" % (2 + n % 20), 0)
        i = 0
        while not stop.is_set():
            i += 1
            login = "ent0%d" % (1 + (n + i) % 8)
            body = json.dumps({"login": login, "password": "wrong-%d" % i})
            try:
                c = http.client.HTTPConnection("127.0.0.1", h.PORT,
                                               timeout=10,
                                               source_address=src)
                c.request("POST", "/api/session", body=body,
                          headers={"Content-Type": "application/json"})
                st = c.getresponse().status
                c.close()
            except (OSError, http.client.HTTPException):
                st = 0
            with lock:
                codes[st] += 1

    with concurrent.futures.ThreadPoolExecutor(24) as ex:
        futs = [ex.submit(flood, n) for n in range(24)]
        try:
            time.sleep(1.0)
            busy_p50, busy_max = me_ms(40)
        finally:
            stop.set()
        for f in futs:
            f.result()
    say("   24 connections from 20 addresses, wrong passwords for ~2 s:"
        " replies %s;"
        " /api/me p50 %.1f ms quiet, %.1f ms (max %.1f) under the flood"
        % (dict(codes), quiet_p50, busy_p50, busy_max))
    # the real user, from the browser it used before, is not kept out by
    # the guesses at its login from elsewhere (a busy program may ask it
    # to retry a second later)
    t0 = time.monotonic()
    while True:
        st, _, body = login_with("ent03", h.DEMO_PASSWORD, device)
        if st != 429 or time.monotonic() - t0 > 5:
            break
        time.sleep(0.5)
    say("   the real user of a guessed login, from its own browser: %d"
        " after %.1f s" % (st, time.monotonic() - t0))
    assert st == 200, (st, body)
    assert codes[429] > 0, codes
    assert not any(c >= 500 for c in codes), codes
    assert busy_max < 1000, busy_max
    assert busy_p50 < max(10 * quiet_p50, 50), (quiet_p50, busy_p50)


passed = sum(RESULTS)
say("%d passed, %d failed" % (passed, len(RESULTS) - passed))
sys.exit(0 if passed == len(RESULTS) else 1)
