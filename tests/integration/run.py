"""run.py - runs every @test of tests/integration/test_*.py (or those
whose name contains argv[1]) against the running stack, one line per test,
and ends with "N passed, N failed" (", N skipped" when a test called
harness.skip())."""
import importlib.util
import json
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402


# The words that mark a concurrency test (tests/run.sh runs them again
# under ThreadSanitizer): after each, the invariants of issue 15 hold over
# the whole database — `voucherctl reconcile` finds no product whose units
# sold differ from the orders holding a unit and no enterprise whose
# occupied amount differs from its orders, and no product has fewer than
# no units left.
CONCURRENCY_WORDS = ("concurren", "racing", "parallel")


def invariants_after(name):
    r = harness.ctl("reconcile")
    assert r.returncode == 0, "after %s: %s%s" % (name, r.stdout, r.stderr)
    neg = harness.sql("SELECT COUNT(*) FROM products"
                      " WHERE remaining_units < 0")[0][0]
    assert neg == "0", "after %s: %s product(s) below 0 units" % (name, neg)


# The errors any path may answer, described once in openapi/base.yaml's
# description rather than on each operation: the router's unknown path
# and method, and nginx's own refusals (a URI it cannot decode, TRACE, an
# over-long URI or header, a body too large).
GLOBAL_ERRORS = {400: {"bad_request"}, 404: {"not_found"},
                 405: {"method_not_allowed"}, 413: {"body_too_large"},
                 414: {"uri_too_long"}, 431: {"header_too_large"},
                 500: {"internal"}}


def global_error(reply):
    """reply is one of GLOBAL_ERRORS in the error shape."""
    if reply.status not in GLOBAL_ERRORS:
        return False
    err = reply.json.get("error") if isinstance(reply.json, dict) else None
    return isinstance(err, dict) and isinstance(err.get("message"), str) \
        and err.get("code") in GLOBAL_ERRORS[reply.status]


def replies_described(check_reply):
    """Every JSON reply the run received (harness.REPLIES: a few of each
    route, method and status) is one the API description names for its
    operation, with a body of that status's schema and, for an error, a
    code among the response's codes (test_openapi.check_reply)."""
    dump = os.environ.get("VOUCHER_REPLIES_DUMP")
    if dump:    # the samples, for describing a reply from what it sends
        with open(dump, "w") as f:
            for (method, kind, status), got in sorted(harness.REPLIES.items()):
                for path, reply in got:
                    f.write(json.dumps({"method": method, "kind": kind,
                                        "status": status, "path": path,
                                        "body": reply.json},
                                       ensure_ascii=False) + "\n")
    bad = []
    for (method, _, status), got in sorted(harness.REPLIES.items()):
        if status in (429, 502, 503, 504):
            continue        # nginx's limits and an upstream down: not a program's
        for path, reply in got:
            if path == "/api/openapi.json":
                continue    # the description itself (nginx serves it)
            try:
                if global_error(reply):
                    continue
                check_reply(method, path, reply)
            except (AssertionError, ValueError, KeyError, TypeError) as e:
                bad.append("%s %s %d: %s" % (method, path, status, e))
                break       # one example of a kind is enough
    assert not bad, "%d replies not as described:\n%s" % (
        len(bad), "\n".join(bad))


def main():
    pattern = sys.argv[1] if len(sys.argv) > 1 else ""
    mods = {}
    for name in sorted(os.listdir(HERE)):
        if name.startswith("test_") and name.endswith(".py"):
            spec = importlib.util.spec_from_file_location(name[:-3],
                                                          os.path.join(HERE, name))
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            mods[name[:-3]] = mod
    # after every test, the replies they received (test_openapi's check)
    final = "test_openapi_every_reply_of_the_run_is_described"

    def every_reply():
        replies_described(mods["test_openapi"].check_reply)
    every_reply.__name__ = final
    harness.TESTS.append(every_reply)
    passed = failed = skipped = 0
    for fn in harness.TESTS:
        if pattern and pattern not in fn.__name__ and not (
                fn.__name__ == final and
                os.environ.get("VOUCHER_REPLIES_CHECK") == "1"):
            continue
        t0 = time.time()
        try:
            fn()
            if any(w in fn.__name__ for w in CONCURRENCY_WORDS):
                invariants_after(fn.__name__)
            passed += 1
            print("ok %s (%.2fs)" % (fn.__name__, time.time() - t0), flush=True)
        except harness.Skip as e:  # neither passed nor failed
            skipped += 1
            print("skipped %s: %s" % (fn.__name__, e), flush=True)
        except Exception:  # a failing test, whatever it raised
            failed += 1
            print("FAIL %s" % fn.__name__, flush=True)
            traceback.print_exc(file=sys.stdout)
        finally:
            harness.clear_clock()
    print("%d passed, %d failed%s" % (
        passed, failed, ", %d skipped" % skipped if skipped else ""),
        flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
