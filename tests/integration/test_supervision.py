"""Issue 15, defect 2: the stack supervises its processes (ops/stack.sh's
supervisor). A program or mariadbd killed with SIGKILL answers again
within seconds without anyone calling start; `ops/stack.sh start` on a
running stack returns only once every program answers /healthz (a
killed process not yet reaped, or a socket file left behind, is not
readiness); each death and restart is in log/stack.log."""
import os
import signal
import subprocess
import time

from harness import test, get, programs, wait_for, STATE

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _pid(name):
    with open(os.path.join(STATE, "run", name + ".pid")) as f:
        return int(f.read().strip())


def _gone(pid):
    """The process is gone or a zombie (killed, not yet reaped)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _healthy(prog):
    try:
        return get("/_internal/%s/healthz" % prog, timeout=2).status == 200
    except OSError:
        return False


def _all_healthy():
    return all(_healthy(p) for p in programs())


def _stack_log():
    with open(os.path.join(STATE, "log", "stack.log"), encoding="utf-8") as f:
        return f.read()


@test
def test_issue15_killed_program_answers_again_without_start():
    old = _pid("catalog")
    os.kill(old, signal.SIGKILL)
    assert wait_for(lambda: _gone(old), 5), "catalog did not die"
    t0 = time.time()
    assert wait_for(lambda: _healthy("catalog") and _pid("catalog") != old, 10), \
        "catalog not restarted within 10 s"
    assert time.time() - t0 < 10
    assert "catalog (pid %d) exited" % old in _stack_log()
    r = get("/api/categories")
    assert r.status == 200, r


@test
def test_issue15_killed_mariadbd_restarted_and_programs_reconnect():
    old = _pid("mariadb")
    os.kill(old, signal.SIGKILL)
    assert wait_for(lambda: _gone(old), 5), "mariadbd did not die"
    assert wait_for(lambda: _all_healthy() and _pid("mariadb") != old, 30), \
        "the programs do not answer /healthz (database) within 30 s"
    assert "mariadb (pid %d) exited" % old in _stack_log()
    # a read that reaches the database (a query string the micro-cache
    # has not seen)
    r = get("/api/products", query={"page": 1, "q": "x%d" % time.time_ns()})
    assert r.status == 200, r


@test
def test_issue15_start_right_after_a_kill_waits_for_health():
    old = _pid("ordering")
    os.kill(old, signal.SIGKILL)
    # at once, while the killed program may still be unreaped and its
    # socket file is still there
    p = subprocess.run([os.path.join(ROOT, "ops", "stack.sh"), "start"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert _healthy("ordering"), "start returned with ordering down"
    assert _pid("ordering") != old
