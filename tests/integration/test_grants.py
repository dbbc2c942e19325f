"""Per-program database users (sql/grants.sql): every program of
fcgi-apps/ and voucherctl log in as a user of their own that may write only
the tables (and, for another program's table, the columns) its SQL writes.
The public-facing publicity program cannot write payments or violations;
paying a batch is the oversight program's (R5, V1-V3).

Each check logs in to the test stack's database as the program's user
(the dev password, or VOUCHER_DB_PASSWORD_<NAME>) through its unix socket.
A refused write is refused by the privilege check, before any row is read;
an allowed write changes one row inside a transaction that is rolled
back, and the row is checked unchanged afterwards."""
import os
import re
import subprocess

from harness import test, get, sql, STATE, ROOT

DB = "voucher"


def programs():
    """Every program of fcgi-apps/ (one folder each)."""
    d = os.path.join(ROOT, "fcgi-apps")
    return sorted(n for n in os.listdir(d)
                  if os.path.isdir(os.path.join(d, n)))


def users():
    """The names of the database users besides the read-only one."""
    return programs() + ["ctl"]


def password(name):
    return os.environ.get("VOUCHER_DB_PASSWORD_" + name.upper(),
                          "voucher_%s_dev" % name)


def as_user(name, stmts, force=False):
    """Runs stmts (one string) as program name's database user; returns
    the CompletedProcess (stdout: tab-separated rows, no headers). With
    force, it goes on after an error."""
    sock = os.path.join(STATE, "run", "mysql.sock")
    return subprocess.run(
        ["mariadb", "--no-defaults", "--socket=" + sock, "-u",
         "voucher_" + name, "-p" + password(name), "-N", "-B", DB]
        + (["--force"] if force else []) + ["-e", stmts],
        capture_output=True, text=True, timeout=60)


def refused(name, stmt):
    """Asserts the statement is refused to program name's user by a
    privilege check (and never runs: it is rolled back if it did)."""
    p = as_user(name, "START TRANSACTION; %s; ROLLBACK;" % stmt)
    assert p.returncode != 0, (name, stmt, "was allowed")
    assert re.search(r"ERROR 114[23] .* command denied to user 'voucher_%s'"
                     % name, p.stderr), (name, stmt, p.stderr)


def one(query):
    rows = sql(query)
    assert rows, query
    return rows[0][0]


def grants_of(name):
    return [row[0] for row in sql("SHOW GRANTS FOR 'voucher_%s'@'localhost'"
                                  % name)]


# ---- the users -------------------------------------------------------------

@test
def test_grants_every_program_and_voucherctl_has_its_own_user():
    assert "oversight" in programs() and "publicity" in programs()
    for name in users():
        p = as_user(name, "SELECT CURRENT_USER()")
        assert p.returncode == 0, (name, p.stderr)
        assert p.stdout.strip() == "voucher_%s@localhost" % name, p.stdout
    # the one writer they all shared before is gone
    assert sql("SELECT COUNT(*) FROM mysql.user WHERE User = 'voucher_app'"
               ) == [["0"]]


@test
def test_grants_each_program_runs_as_its_own_user():
    """ops/stack.sh gives each program its own VOUCHER_DB_USER: the
    database sees each program's connections under its user (a health
    check opens one)."""
    for name in programs():
        r = get("/_internal/%s/healthz" % name)
        assert r.status == 200, (name, r)
    seen = {row[0] for row in sql(
        "SELECT DISTINCT USER FROM information_schema.PROCESSLIST"
        " WHERE USER LIKE 'voucher\\_%'")}
    for name in programs():
        assert "voucher_" + name in seen, (name, sorted(seen))


@test
def test_grants_no_database_wide_privilege_no_ddl():
    for name in users():
        for g in grants_of(name):
            on = re.search(r" ON (\S+) TO ", g).group(1)
            privs = re.match(r"GRANT (.*) ON ", g).group(1)
            if on in ("*.*", "`%s`.*" % DB):
                assert privs == "USAGE", g
            assert "ALL PRIVILEGES" not in privs, g
            assert "WITH GRANT OPTION" not in g, g
            for ddl in ("CREATE", "DROP", "ALTER", "INDEX", "REFERENCES",
                        "TRIGGER", "LOCK TABLES", "EXECUTE"):
                assert ddl not in privs, g


@test
def test_V3_audit_log_append_only_for_every_program():
    """V3: every program appends to audit_log; none may change or delete
    it; only oversight (the audit browser) reads it."""
    for name in users():
        privs = sorted(row[0] for row in sql(
            "SELECT PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES"
            " WHERE GRANTEE = \"'voucher_%s'@'localhost'\""
            " AND TABLE_NAME = 'audit_log'" % name))
        want = ["INSERT", "SELECT"] if name == "oversight" else ["INSERT"]
        assert privs == want, (name, privs)
        refused(name, "UPDATE audit_log SET action = 'x' WHERE id = 0")
        refused(name, "DELETE FROM audit_log WHERE id = 0")


# ---- writes outside a program's tables are refused --------------------------

# For each user, writes it has no business doing: another program's
# tables, or columns of a shared table it does not own.
FORBIDDEN = {
    "account": [
        "UPDATE orders SET status = 'paid' WHERE id = 0",
        "INSERT INTO violations (party, party_id, kind, description,"
        " recorded_at, recorded_by, barred_until)"
        " VALUES ('provider', 1, 'other', 'x', NOW(), 1, NOW())",
        "UPDATE products SET remaining_units = 0 WHERE id = 0",
        "UPDATE enterprise_quota SET occupied = 0 WHERE enterprise_id = 0",
    ],
    "catalog": [
        "UPDATE enterprises SET barred_until = NULL WHERE id = 0",
        "UPDATE orders SET status = 'paid' WHERE id = 0",
        "DELETE FROM products WHERE id = 0",
        "UPDATE accounts SET disabled = 0 WHERE id = 0",
    ],
    "ordering": [
        "UPDATE publicity_batches SET status = 'paid' WHERE id = 0",
        "UPDATE enterprises SET barred_until = NULL WHERE id = 0",
        "INSERT INTO recoveries (order_id, violation_id, amount_due,"
        " status, created_at, updated_at) VALUES (0, 0, 1, 'open',"
        " NOW(), NOW())",
        "DELETE FROM orders WHERE id = 0",
    ],
    "provider": [
        "UPDATE publicity_items SET paid_on = NULL WHERE id = 0",
        "UPDATE recoveries SET amount_returned = 0 WHERE id = 0",
        "UPDATE providers SET barred_until = NULL WHERE id = 0",
        "UPDATE redemption_claims SET status = 'approved' WHERE order_id = 0",
    ],
    "redemption": [
        "UPDATE enterprises SET barred_until = NULL WHERE id = 0",
        "UPDATE publicity_batches SET status = 'paid' WHERE id = 0",
        "INSERT INTO refunds (order_id, kind, amount, reported_at)"
        " VALUES (0, 'full', 1, NOW())",
        # an other file is deleted before submission (issue 11 point 9);
        # the rounds of a claim are append-only (R4)
        "UPDATE claim_reviews SET reason = 'x' WHERE order_id = 0",
        "DELETE FROM claim_reviews WHERE order_id = 0",
    ],
    "collection": [
        "UPDATE orders SET status = 'paid' WHERE id = 0",
        "UPDATE products SET remaining_units = 0 WHERE id = 0",
        "DELETE FROM product_applications WHERE id = 0",
        "UPDATE providers SET barred_until = NULL WHERE id = 0",
    ],
    "publicity": [
        "INSERT INTO violations (party, party_id, kind, description,"
        " recorded_at, recorded_by, barred_until)"
        " VALUES ('provider', 1, 'other', 'x', NOW(), 1, NOW())",
        "UPDATE orders SET paid_at = NOW() WHERE id = 0",
        "UPDATE publicity_items SET paid_on = CURDATE() WHERE id = 0",
        "UPDATE publicity_batches SET paid_on = CURDATE() WHERE id = 0",
        "INSERT INTO recoveries (order_id, violation_id, amount_due,"
        " status, created_at, updated_at) VALUES (0, 0, 1, 'open',"
        " NOW(), NOW())",
        "UPDATE enterprises SET barred_until = NULL WHERE id = 0",
        "SELECT password_hash FROM accounts WHERE id = 0",
    ],
    "oversight": [
        "INSERT INTO publicity_items (batch_id, order_id, provider_name,"
        " product_name, category, amount, created_at)"
        " VALUES (0, 0, 'x', 'x', 'legal', 1, NOW())",
        "DELETE FROM publicity_items WHERE id = 0",
        "UPDATE publicity_batches SET file_json = NULL WHERE id = 0",
        "INSERT INTO feedback (item_id, tracking_no, text, status,"
        " created_at) VALUES (0, 'x', 'x', 'open', NOW())",
        "UPDATE violations SET barred_until = NOW() WHERE id = 0",
        "UPDATE enterprises SET tier = 'ordinary' WHERE id = 0",
        "UPDATE accounts SET disabled = 0 WHERE id = 0",
    ],
    # issue 12: joining by oneself writes certified parties, never orders,
    # payments, products or the trails
    "registration": [
        "UPDATE orders SET status = 'paid' WHERE id = 0",
        "UPDATE products SET listed = 0 WHERE id = 0",
        "UPDATE enterprise_quota SET occupied = 0 WHERE enterprise_id = 0",
        "UPDATE publicity_batches SET paid_on = CURDATE() WHERE id = 0",
        "INSERT INTO violations (party, party_id, kind, description,"
        " recorded_at, recorded_by, barred_until)"
        " VALUES ('provider', 1, 'other', 'x', NOW(), 1, NOW())",
        "UPDATE notifications SET status = 'sent' WHERE id = 0",
        "DELETE FROM organisations WHERE id = 0",
        "DELETE FROM certifications WHERE id = 0",
        "UPDATE list_imports SET added = 0 WHERE id = 0",
    ],
    "ctl": [
        "INSERT INTO violations (party, party_id, kind, description,"
        " recorded_at, recorded_by, barred_until)"
        " VALUES ('provider', 1, 'other', 'x', NOW(), 1, NOW())",
        "UPDATE orders SET paid_at = NOW() WHERE id = 0",
        "UPDATE accounts SET disabled = 0 WHERE id = 0",
        "UPDATE sessions SET expires_at = NOW() WHERE account_id = 0",
        "SELECT csrf_token FROM sessions WHERE expires_at < NOW()",
        "UPDATE redemption_files SET stored_name = 'x' WHERE order_id = 0",
    ],
}


@test
def test_grants_writes_outside_a_programs_tables_refused():
    assert sorted(FORBIDDEN) == sorted(users()), "a user without checks"
    for name, stmts in FORBIDDEN.items():
        for stmt in stmts:
            refused(name, stmt)


@test
def test_grants_issue16_reminders_and_inbox_owned_by_ctl_and_registration():
    """Issue 16: only the sweeper (voucherctl) writes the reminders' keys
    and cursor; the inbox (registration) marks messages read and keeps
    the members' choices but cannot forge a key, move the cursor or
    re-send a message; no other program reads anyone's messages."""
    refused("registration", "INSERT INTO reminders (subject, subject_id,"
            " kind, threshold, event_id, created_at)"
            " VALUES ('order', 0, 'x', 0, 0, NOW())")
    refused("registration", "UPDATE reminder_cursor SET last_id = 0")
    refused("registration", "UPDATE notifications SET text = 'x' WHERE id = 0")
    refused("ctl", "UPDATE notification_prefs SET enabled = 1"
            " WHERE account_id = 0")
    refused("ctl", "UPDATE notifications SET read_at = NOW() WHERE id = 0")
    refused("ctl", "DELETE FROM reminders WHERE subject_id = 0")
    refused("ctl", "SELECT password_hash FROM accounts WHERE id = 0")
    for name in ("ordering", "provider", "publicity", "oversight", "catalog"):
        refused(name, "SELECT text FROM notifications WHERE id = 0")
        refused(name, "INSERT INTO reminders (subject, subject_id, kind,"
                " threshold, event_id, created_at)"
                " VALUES ('order', 0, 'x', 0, 0, NOW())")


@test
def test_R5_V2_publicity_cannot_write_payments_or_violations():
    """The public-facing program: no payment column, no violations,
    recoveries or spot checks, and no way to mark a batch paid."""
    for stmt in (
            "INSERT INTO violations (party, party_id, kind, description,"
            " recorded_at, recorded_by, barred_until)"
            " VALUES ('enterprise', 1, 'other', 'x', NOW(), 1, NOW())",
            "UPDATE violations SET description = 'x' WHERE id = 0",
            "UPDATE orders SET paid_at = NOW() WHERE id = 0",
            "UPDATE publicity_items SET paid_on = CURDATE() WHERE id = 0",
            "UPDATE publicity_batches SET paid_at = NOW() WHERE id = 0",
            "UPDATE publicity_batches SET paid_by = 1 WHERE id = 0",
            "UPDATE publicity_batches SET paid_on = CURDATE() WHERE id = 0",
            "INSERT INTO publicity_items (batch_id, order_id, provider_name,"
            " product_name, category, amount, created_at, paid_on)"
            " VALUES (0, 0, 'x', 'x', 'legal', 1, NOW(), CURDATE())",
            "INSERT INTO recoveries (order_id, refund_id, amount_due,"
            " status, created_at, updated_at) VALUES (0, 0, 1, 'open',"
            " NOW(), NOW())",
            "UPDATE recoveries SET amount_returned = 0 WHERE id = 0",
            "INSERT INTO spot_checks (sample_id, order_id, sampled_at,"
            " sampled_by) VALUES ('x', 0, NOW(), 1)",
            "SELECT id FROM violations WHERE id = 0",
            "SELECT id FROM audit_log WHERE id = 0"):
        refused("publicity", stmt)
    # the status column it needs to publish still cannot say "paid"
    # without a payment date (CHECK ck_batches_paid)
    batch = one("SELECT MIN(id) FROM publicity_batches"
                " WHERE status = 'published'")
    p = as_user("publicity", "START TRANSACTION; UPDATE publicity_batches"
                " SET status = 'paid' WHERE id = %s; ROLLBACK;" % batch)
    assert p.returncode != 0 and "ck_batches_paid" in p.stderr, p.stderr
    assert one("SELECT status FROM publicity_batches WHERE id = %s"
               % batch) == "published"


# ---- a program's own writes work ---------------------------------------------

def _allowed_write(name, table, key, key_value, column):
    """As program name: moves table.column one second on inside a
    transaction (one row changed), rolls back, and checks the row is
    unchanged."""
    where = "%s = %s" % (key, key_value)
    before = one("SELECT %s FROM %s WHERE %s" % (column, table, where))
    p = as_user(name, "START TRANSACTION; UPDATE %s SET %s = %s + INTERVAL 1"
                " SECOND WHERE %s; SELECT ROW_COUNT(); ROLLBACK;"
                % (table, column, column, where))
    assert p.returncode == 0, (name, table, p.stderr)
    assert p.stdout.split() == ["1"], (name, table, p.stdout)
    assert one("SELECT %s FROM %s WHERE %s" % (column, table, where)) == \
        before, (name, table, "not rolled back")


@test
def test_grants_a_programs_own_write_works_in_a_rolled_back_tx():
    order = one("SELECT MIN(id) FROM orders WHERE updated_at IS NOT NULL")
    publicized = one("SELECT MIN(id) FROM orders"
                     " WHERE publicized_at IS NOT NULL")
    contracted = one("SELECT MIN(order_id) FROM contracts")
    claim = one("SELECT MIN(order_id) FROM redemption_claims")
    product = one("SELECT MIN(id) FROM products")
    application = one("SELECT MIN(id) FROM product_applications")
    enterprise = one("SELECT MIN(id) FROM enterprises")
    provider = one("SELECT MIN(id) FROM providers")
    item = one("SELECT MIN(id) FROM publicity_items")
    session = sql("SELECT HEX(token_hash) FROM sessions LIMIT 1")
    cases = {
        "account": ("enterprises", "id", enterprise, "updated_at"),
        "catalog": ("products", "id", product, "updated_at"),
        "ordering": ("orders", "id", order, "updated_at"),
        "provider": ("contracts", "order_id", contracted, "recorded_at"),
        "redemption": ("redemption_claims", "order_id", claim, "updated_at"),
        "collection": ("product_applications", "id", application,
                       "updated_at"),
        # R5: publishing moves an order to publicized
        "publicity": ("orders", "id", publicized, "publicized_at"),
        # V2: a bar
        "oversight": ("providers", "id", provider, "updated_at"),
        # E9: a certification moves the certified enterprise
        "registration": ("enterprises", "id", enterprise, "updated_at"),
        "ctl": ("orders", "id", order, "updated_at"),
    }
    assert sorted(cases) == sorted(users()), "a user without a check"
    for name, (table, key, value, column) in cases.items():
        _allowed_write(name, table, key, value, column)
    # the publicity program lists and withdraws items, oversight pays them
    p = as_user("publicity", "START TRANSACTION; UPDATE publicity_items"
                " SET objection_status = objection_status WHERE id = %s;"
                " ROLLBACK;" % item)
    assert p.returncode == 0, p.stderr
    p = as_user("oversight", "START TRANSACTION; UPDATE publicity_items"
                " SET paid_on = paid_on WHERE id = %s; ROLLBACK;" % item)
    assert p.returncode == 0, p.stderr
    # every program that serves a login may touch and end sessions
    if session:
        for name in programs():
            p = as_user(name, "START TRANSACTION; UPDATE sessions SET"
                        " last_seen_at = last_seen_at WHERE token_hash ="
                        " UNHEX('%s'); DELETE FROM sessions WHERE token_hash"
                        " = UNHEX('%s'); ROLLBACK;" % (session[0][0],
                                                       session[0][0]))
            assert p.returncode == 0, (name, p.stderr)


@test
def test_R7_records_after_a_list_are_appended_never_changed():
    """A withdrawal's or a payment's record (publicity_records) is written
    once by the program that owns the event and never changed by anyone;
    the public-facing program cannot say which record paid an item."""
    for name in users():
        refused(name, "UPDATE publicity_records SET at = NOW()"
                " WHERE batch_id = 0")
        refused(name, "DELETE FROM publicity_records WHERE batch_id = 0")
        if name not in ("publicity", "oversight"):
            refused(name, "INSERT INTO publicity_records (batch_id, seq,"
                    " kind, at, reason) VALUES (0, 1, 'withdrawal', NOW(),"
                    " 'violation')")
    refused("publicity", "UPDATE publicity_items SET paid_seq = 1"
            " WHERE id = 0")
    for name in ("publicity", "oversight"):
        p = as_user(name, "START TRANSACTION; SELECT COUNT(*) FROM"
                    " publicity_records; ROLLBACK;")
        assert p.returncode == 0, (name, p.stderr)


# ---- every statement a program prepares -------------------------------------

_STMT = re.compile(r'\{\s*"((?:STMT|DBS)_\w+)"\s*,((?:\s*"(?:[^"\\]|\\.)*")+)\s*\}')
_LIT = re.compile(r'"((?:[^"\\]|\\.)*)"')


def statements(path):
    """The (name, SQL) of every DB_STMT (DB_LIB_STMT) of a C file, read
    from the preprocessor's output: the column-list macros expanded and
    the adjacent string literals joined as the compiler joins them."""
    cc = os.environ.get("CC", "cc")
    flags = subprocess.run(["pkg-config", "--cflags", "libmariadb"],
                           capture_output=True, text=True).stdout.split()
    text = subprocess.run(
        [cc, "-E", "-P", "-D_GNU_SOURCE", "-Ishared/base", "-Ishared/db",
         "-Ishared/domain", "-Ishared/web", "-I" + os.path.dirname(path)]
        + flags + [path], cwd=ROOT, capture_output=True, text=True,
        check=True, timeout=60).stdout
    out = []
    for m in _STMT.finditer(text):
        body = "".join(_LIT.findall(m.group(2)))
        out.append((m.group(1), body.replace('\\"', '"')
                    .replace("\\n", " ").replace("\\t", " ")
                    .replace("\\\\", "\\")))
    return out


# The library's statements (shared/domain/lib_sql.c) each program runs
# besides its own: the session and the audit trail everywhere, the rest
# where the program calls the library function that runs them.
LIB_SESSION = ["DBS_SESSION_GET", "DBS_SESSION_TOUCH", "DBS_SESSION_DELETE",
               "DBS_AUDIT_INSERT"]
LIB_THROTTLE = ["DBS_THROTTLE_GET", "DBS_THROTTLE_CREATE",
                "DBS_THROTTLE_LOCK", "DBS_THROTTLE_SET"]
LIB_USES = {
    "account": LIB_THROTTLE + ["DBS_ORG_STATE", "DBS_ROUND_INFO"],
    "ordering": ["DBS_ROUND_INFO"],
    "registration": LIB_THROTTLE + ["DBS_OUTBOX_PREF", "DBS_OUTBOX_INSERT",
                                    "DBS_ROUND_INFO", "DBS_ROUND_CURRENT"],
    "ctl": ["DBS_OUTBOX_NEXT", "DBS_OUTBOX_SENT", "DBS_OUTBOX_RETRY",
            "DBS_OUTBOX_EXPIRE", "DBS_OUTBOX_BACKLOG",
            # issue 16: the reminders (shared/domain/reminders.c)
            "DBS_OUTBOX_PREF", "DBS_OUTBOX_INSERT_ACCOUNT", "DBS_ORDER_LOCK",
            "DBS_REMIND_CURSOR_LOCK", "DBS_REMIND_CURSOR_SET",
            "DBS_REMIND_EVENTS", "DBS_REMIND_KEY", "DBS_REMIND_RECIPIENTS",
            "DBS_REMIND_ACCEPT_DUE", "DBS_REMIND_VALIDITY",
            "DBS_REMIND_CONFIRM"],
}


@test
def test_grants_every_statement_of_a_program_prepares_as_its_user():
    """A grant too narrow for one of a program's own statements shows only
    when a request first uses it (statements are prepared lazily): here
    each of them is prepared (not run) as the program's own user.
    INSERT ... ON DUPLICATE KEY UPDATE, for one, needs UPDATE on the
    inserted columns too."""
    files = {name: "fcgi-apps/%s/db.c" % name for name in programs()}
    files["ctl"] = "tools/voucherctl.c"
    lib = dict(statements("shared/domain/lib_sql.c"))
    bad = []
    for name, path in sorted(files.items()):
        stmts = statements(path)
        assert stmts, (name, path, "no statements found")
        uses = LIB_USES.get(name, []) + (LIB_SESSION if name != "ctl"
                                         else [])
        stmts += [(stmt, lib[stmt]) for stmt in uses]
        script = []
        for i, (stmt, text) in enumerate(stmts):
            script.append("PREPARE s%d FROM '%s';"
                          % (i, text.replace("\\", "\\\\")
                             .replace("'", "\\'")))
        p = as_user(name, "\n".join(script), force=True)
        # "ERROR 1143 (42000) at line N": line N is statement N
        for m in re.finditer(r"^ERROR \S+ \S+ at line (\d+): (.*)$",
                             p.stderr, re.M):
            bad.append((name, stmts[int(m.group(1)) - 1][0], m.group(2)))
        assert p.returncode == 0 or bad, (name, p.stderr)
    assert not bad, bad


# issue 13: what the triggers of 004_scale.sql, 007_counts_indexes.sql,
# 018_scale_main.sql, 022_queue_counts.sql, 025_gram_counts.sql and
# 026_overdue_swept.sql keep (as their definer, in the writing
# transaction); the programs only read it (the sweeper, voucherctl, folds
# the overdue stages' passed minutes and the small totals' slots: FOLDED)
TRIGGER_KEPT = ["search_texts", "search_grams", "enterprise_grams", "product_category",
                "row_counts", "audit_counts", "stats_orders", "stats_quota",
                "stats_stages", "provider_grams", "certification_counts",
                "application_counts", "list_counts", "overdue_swept", "overdue_minutes",
                "claim_counts",
                "enterprise_gram_counts", "provider_gram_counts",
                "publicity_item_gram_counts"]
FOLDED = {"overdue_swept", "overdue_minutes", "stats_orders", "stats_quota",
          "stats_stages", "claim_counts", "certification_counts",
          "application_counts", "audit_counts"}


@test
def test_grants_no_program_writes_the_index_and_sums_the_triggers_keep():
    for name in users():
        for t in TRIGGER_KEPT:
            if name == "ctl" and t in FOLDED:
                continue
            refused(name, "DELETE FROM %s WHERE 1 = 0" % t)
    # the sweeper folds (adds and deletes): it never inserts a row
    for t in FOLDED:
        refused("ctl", "INSERT INTO %s () VALUES ()" % t)
        for call in ("CALL search_text('x', @t)", "CALL enterprise_index(0, 'x')",
                     "CALL provider_index(0, 'x')",
                     "CALL overdue_count('review', '2026-01-01', 1)",
                     "CALL overdue_order('submitted', '2026-01-01', 1)",
                     "CALL overdue_application('pending', 0, '2026-01-01', 1)"):
            p = as_user(name, "START TRANSACTION; %s; ROLLBACK;" % call)
            assert p.returncode != 0 and "denied" in p.stderr, (name, call, p.stderr)
    # enterprises' names are not public: their grams are out of the
    # read-only user's reach, the products' and providers' are not
    sock = os.path.join(STATE, "run", "mysql.sock")
    ro = lambda q: subprocess.run(  # noqa: E731
        ["mariadb", "--no-defaults", "--socket=" + sock, "-u", "voucher_ro",
         "-p" + os.environ.get("VOUCHER_DB_RO_PASSWORD", "voucher_ro_dev"), "-N", "-B", DB,
         "-e", q], capture_output=True, text=True, timeout=60)
    p = ro("SELECT COUNT(*) FROM enterprise_grams")
    assert p.returncode != 0 and "denied" in p.stderr, p.stderr
    p = ro("SELECT COUNT(*) FROM search_grams")
    assert p.returncode == 0, p.stderr
