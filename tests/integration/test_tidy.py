"""voucherctl tidy: what grows without bound is purged on a schedule, and
what a killed upload leaves behind is cleaned (issue: reliability defects 5
and 6). The retention: idempotency records 7 days (far past any client
retry), sessions at their absolute expiry, upload temporaries after an
hour untouched; a stored file that no row names is moved to quarantine/."""
import os
import secrets
import time

from harness import STATE, ctl, sql, test


def _account_id(login):
    return int(sql("SELECT id FROM accounts WHERE login = '%s'" % login)[0][0])


@test
def test_tidy_purges_idempotency_records_past_retention_only():
    acct = _account_id("ent02")
    old, recent = "tidy-old-" + secrets.token_hex(4), "tidy-new-" + secrets.token_hex(4)
    # at the real clock, so that no other test's records are touched:
    # "old" is long past retention, "recent" a day old
    for key, at in ((old, "2001-01-01 00:00:00"),
                    (recent, "UTC_TIMESTAMP() - INTERVAL 1 DAY")):
        at = at if at.startswith("UTC") else "'%s'" % at
        sql("INSERT INTO idempotency_keys (account_id, idem_key, request_hash,"
            " state, response_status, response_body, created_at, completed_at)"
            " VALUES (%d, '%s', UNHEX(SHA2('x', 256)), 'done', 201, '{}',"
            " %s, %s)" % (acct, key, at, at))
    r = ctl("tidy")
    assert r.returncode == 0, r.stderr
    left = {k for (k,) in sql("SELECT idem_key FROM idempotency_keys WHERE"
                               " idem_key IN ('%s', '%s')" % (old, recent))}
    assert left == {recent}, left
    sql("DELETE FROM idempotency_keys WHERE idem_key = '%s'" % recent)


@test
def test_tidy_purges_sessions_past_their_absolute_expiry():
    acct = _account_id("ent03")
    dead, live = secrets.token_hex(32), secrets.token_hex(32)
    # at the real clock: every live session of the other tests stays
    for h, exp in ((dead, "2001-02-01 00:00:00"), (live, "2099-02-02 00:00:00")):
        sql("INSERT INTO sessions (token_hash, account_id, csrf_token,"
            " created_at, last_seen_at, expires_at) VALUES (UNHEX('%s'), %d,"
            " '%s', '2001-01-31 12:00:00', '2001-01-31 12:00:00', '%s')"
            % (h, acct, secrets.token_urlsafe(32)[:43].ljust(43, "x"), exp))
    r = ctl("tidy")
    assert r.returncode == 0, r.stderr
    left = {h.lower() for (h,) in sql(
        "SELECT HEX(token_hash) FROM sessions WHERE token_hash IN"
        " (UNHEX('%s'), UNHEX('%s'))" % (dead, live))}
    assert left == {live}, left
    sql("DELETE FROM sessions WHERE token_hash = UNHEX('%s')" % live)


@test
def test_tidy_cleans_a_killed_uploads_files_and_keeps_recorded_ones():
    files = os.path.join(STATE, "files")
    hour_ago = time.time() - 3700
    stale = os.path.join(files, "tmp", secrets.token_hex(16) + ".part")
    fresh = os.path.join(files, "tmp", secrets.token_hex(16) + ".part")
    orphan_name = "%s/%s.pdf" % ("ab", secrets.token_hex(16))
    orphan = os.path.join(files, orphan_name)
    os.makedirs(os.path.dirname(orphan), exist_ok=True)
    for p in (stale, fresh, orphan):
        with open(p, "wb") as f:
            f.write(b"%PDF-1.4 interrupted")
    os.utime(stale, (hour_ago, hour_ago))
    os.utime(orphan, (hour_ago, hour_ago))
    recorded = [n for (n,) in sql("SELECT stored_name FROM redemption_files"
                                  " LIMIT 3")]
    for n in recorded:   # old enough to be looked at, and recorded
        os.utime(os.path.join(files, n), (hour_ago, hour_ago))
    r = ctl("tidy")
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(stale)
    assert os.path.exists(fresh)          # an upload still arriving
    assert not os.path.exists(orphan)
    moved = os.path.join(files, "quarantine",
                         orphan_name.replace("/", "-"))
    assert os.path.exists(moved), os.listdir(os.path.join(files, "quarantine"))
    for n in recorded:
        assert os.path.exists(os.path.join(files, n)), n
    assert "quarantined 1" in r.stdout, r.stdout
    os.unlink(fresh)
    os.unlink(moved)
