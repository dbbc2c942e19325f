"""Issue 14.2: timers run the sweeper and the outbox sender. In production
voucher-sweep.timer, voucher-notify.timer and voucher-tidy.timer each start
one run of voucherctl (a oneshot service) instead of a long-running loop.
A run writes its heartbeat for node_exporter whatever its outcome (the
alerts of ops/prometheus/rules/voucher.yml read it: last run, last success,
duration, interval, backlog, processed total), carrying the previous
file's last success and total over from run to run, and holds its task's
named lock so that two runs — the timer's and one by hand, or two hosts'
— never overlap. tests/systemd.sh checks the units offline; here their
ExecStart lines run against the test stack."""
import os
import re
import subprocess
import tempfile
import time

from harness import CLOCK_FILE, STATE, AdminSession, test

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "build", "asan", "bin")
# voucherctl exits 75 (EX_TEMPFAIL) when another run holds the lock; the
# units' SuccessExitStatus=75
EXIT_BUSY = 75


def run_ctl(*args, **env_extra):
    """ops/stack.sh ctl ARGS with extra environment (a heartbeat file;
    VOUCHER_DB_PASSWORD_CTL: the password stack.sh gives voucherctl)."""
    env = dict(os.environ, VOUCHER_STATE_DIR=STATE, **env_extra)
    env.setdefault("VOUCHER_BIN", BIN)
    if CLOCK_FILE:
        env["VOUCHER_CLOCK_FILE"] = CLOCK_FILE
    r = subprocess.run([os.path.join(ROOT, "ops", "stack.sh"), "ctl"] +
                       list(args), env=env, capture_output=True, text=True,
                       timeout=120)
    # a failed, refused or skipped run still frees what it took
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, \
        (args, r.stderr)
    return r


def beat(path, task):
    """The heartbeat file's values of task: {metric name: float}."""
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'(voucher_task_\w+)\{task="%s"\} (\S+)$' % task,
                         line.strip())
            if m:
                out[m.group(1)] = float(m.group(2))
    return out


def prom(name):
    path = os.path.join(STATE, name)
    for p in (path, path + ".tmp"):
        if os.path.exists(p):
            os.unlink(p)
    return path


class HeldLock:
    """Holds the database's named lock NAME on a connection of its own,
    as a run of the task on another host (or by hand) would."""

    def __init__(self, name):
        self.name = name
        self.s = AdminSession()

    def __enter__(self):
        self.s.send("SELECT GET_LOCK('%s', 5);" % self.name)
        got = self.s.line()
        assert got == "1", "could not take %s: %r" % (self.name, got)
        return self

    def __exit__(self, *exc):
        self.s.close()


@test
def test_timer_run_heartbeat_interval_failed_run_keeps_last_success():
    path = prom("timer_sweeper.prom")
    # a previous run's file: its success and its total carry over
    with open(path, "w") as f:
        f.write('voucher_task_last_success_timestamp_seconds{task="sweeper"}'
                ' 1000\nvoucher_task_processed_total{task="sweeper"} 7\n')
    t0 = int(time.time())
    # a run that cannot reach the database (voucherctl's wrong password)
    r = run_ctl("sweep", "--interval", "60", VOUCHER_SWEEP_TEXTFILE=path,
                VOUCHER_DB_PASSWORD_CTL="not-the-password")
    assert r.returncode == 1, (r.returncode, r.stderr)
    b = beat(path, "sweeper")
    assert b["voucher_task_last_run_timestamp_seconds"] >= t0, b
    assert b["voucher_task_last_success_timestamp_seconds"] == 1000, b
    assert b["voucher_task_processed_total"] == 7, b
    assert b["voucher_task_interval_seconds"] == 60, b
    assert oct(os.stat(path).st_mode & 0o777) == "0o644", "node_exporter reads it"
    # the next run succeeds: its start is the last success, the total kept
    r = run_ctl("sweep", "--interval", "60", VOUCHER_SWEEP_TEXTFILE=path)
    assert r.returncode == 0, r.stderr
    b = beat(path, "sweeper")
    assert b["voucher_task_last_success_timestamp_seconds"] == \
        b["voucher_task_last_run_timestamp_seconds"] >= t0, b
    assert b["voucher_task_processed_total"] >= 7, b
    assert b["voucher_task_interval_seconds"] == 60, b
    assert 0 <= b["voucher_task_last_duration_seconds"] < 60, b
    # the outbox sender and the tidy: the same convention, their interval
    for task, name, env, interval in (
            ("notify", "outbox", "VOUCHER_NOTIFY_TEXTFILE", "10"),
            ("tidy", "tidy", "VOUCHER_TIDY_TEXTFILE", "86400")):
        p = prom("timer_%s.prom" % name)
        r = run_ctl(task, "--interval", interval, **{env: p})
        assert r.returncode == 0, (task, r.stderr)
        b = beat(p, name)
        assert b["voucher_task_interval_seconds"] == int(interval), (task, b)
        assert b["voucher_task_last_success_timestamp_seconds"] >= t0, (task, b)
    # --every is the dev loop's, not the tidy's; a bad interval is refused
    for args in (("tidy", "--every", "60"), ("sweep", "--interval", "0"),
                 ("notify", "--interval", "x"), ("reconcile", "--bad")):
        r = run_ctl(*args)
        assert r.returncode == 2 and "usage" in r.stderr, (args, r.stderr)


@test
def test_timer_runs_never_overlap_a_held_lock_skips_the_run():
    for task, lock, name, env in (
            ("sweep", "voucher.sweep", "sweeper", "VOUCHER_SWEEP_TEXTFILE"),
            ("notify", "voucher.notify", "outbox", "VOUCHER_NOTIFY_TEXTFILE"),
            ("tidy", "voucher.tidy", "tidy", "VOUCHER_TIDY_TEXTFILE")):
        path = prom("lock_%s.prom" % name)
        with HeldLock(lock):
            r = run_ctl(task, "--interval", "60", **{env: path})
            assert r.returncode == EXIT_BUSY, (task, r.returncode, r.stderr)
            assert lock in r.stderr and "did nothing" in r.stderr, r.stderr
            # the run that holds the lock writes the heartbeat, not this one
            assert not os.path.exists(path), task
        r = run_ctl(task, "--interval", "60", **{env: path})
        assert r.returncode == 0, (task, r.stderr)
        assert beat(path, name)["voucher_task_last_success_timestamp_seconds"] > 0
    # released at the end of a run: the next one takes it again
    r = run_ctl("sweep", "--interval", "60")
    assert r.returncode == 0, r.stderr


@test
def test_timers_run_the_installed_units_commands():
    """make install's units (ops/install.sh into a scratch DESTDIR): each
    timer's service's ExecStart, run as it stands against the test stack,
    with the heartbeat files voucherctl.env names (moved into the state
    directory)."""
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([os.path.join(ROOT, "ops", "install.sh"), BIN],
                           env=dict(os.environ, DESTDIR=d),
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        units = os.path.join(d, "usr", "lib", "systemd", "system")
        beats = {}
        with open(os.path.join(d, "etc", "voucher", "voucherctl.env")) as f:
            for line in f:
                m = re.match(r"(VOUCHER_\w+_TEXTFILE)=(.+)$", line.strip())
                if m:
                    beats[m.group(1)] = os.path.basename(m.group(2))
        assert set(beats) == {"VOUCHER_SWEEP_TEXTFILE", "VOUCHER_NOTIFY_TEXTFILE",
                              "VOUCHER_TIDY_TEXTFILE"}, beats
        env = {k: prom("unit_" + v) for k, v in beats.items()}
        for task, name in (("sweep", "sweeper"), ("notify", "outbox"),
                           ("tidy", "tidy")):
            with open(os.path.join(units, "voucher-%s.service" % task)) as f:
                unit = f.read()
            assert "\nType=oneshot\n" in unit, task
            cmd = re.search(r"^ExecStart=(\S+) (.*)$", unit, re.M)
            assert cmd and cmd.group(1) == "/usr/sbin/voucherctl", unit
            args = cmd.group(2).split()
            assert args[0] == task and "--every" not in args, args
            t0 = int(time.time())
            r = run_ctl(*args, **env)
            assert r.returncode == 0, (args, r.stderr)
            textfile = env[[k for k in env if task.upper() in k][0]]
            b = beat(textfile, name)
            assert b["voucher_task_last_success_timestamp_seconds"] >= t0, (task, b)
            assert b["voucher_task_interval_seconds"] == int(args[-1]), (task, b)
