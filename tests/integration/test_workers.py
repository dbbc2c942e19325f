"""How a program's workers wait for connections (issue #13 §5): one idle
worker at a time waits on the listening socket, so a connection wakes one
worker, not all of them (make bench's bare C peer of the catalog list
showed the catalog spending a sixth more CPU per request on the herd)."""
import os

from harness import test, get, STATE


def _switches(pid):
    """{thread id: voluntary context switches} of process pid."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches"):
                        out[tid] = int(line.split()[1])
        except FileNotFoundError:
            pass
    return out


@test
def test_issue13_a_connection_wakes_one_idle_catalog_worker_not_all():
    with open(os.path.join(STATE, "run", "catalog.pid")) as f:
        pid = int(f.read())
    assert len(_switches(pid)) >= 4, "the catalog runs fewer threads than expected"
    for _ in range(3):
        assert get("/api/categories?_=warm").status == 200
    woken = []
    for i in range(30):
        before = _switches(pid)
        # a public read: one connection from nginx, one database round trip
        assert get("/_internal/catalog/healthz").status == 200
        after = _switches(pid)
        woken.append(sum(1 for t in after if after[t] != before.get(t)))
    # the serving worker and the one that takes its place in the wait:
    # 2 (3 at a scheduling edge); with every idle worker in poll() it was
    # all of them (4 of 4) on every request
    mean = sum(woken) / len(woken)
    assert mean < 3, "threads woken per request: %r (mean %.1f)" % (woken, mean)
