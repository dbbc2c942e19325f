"""No full scans at Beijing's size (issue #13, part 3): every SQL statement
of every program and of voucherctl, as the programs themselves print it
(`voucher-<program> --dump-sql`, `voucherctl dump-sql`: JSON lines of name
and SQL), EXPLAINed against a database holding a generated year
(tests/scale/gen_scale.py, on the test stack's server, its statistics
refreshed by ANALYZE), with every placeholder bound to a plausible value
of its type. A statement fails when its plan reads a table that grows with
the year by a full scan (type ALL, or a full index scan with nothing to
stop it early) or sorts such a table's rows (Using filesort / temporary).

Placeholders are bound from their context in the SQL: the column they are
compared with (ids of real rows, statuses, instants at "now", dates,
years), LIMIT 20 OFFSET 0, search words; a statement with optional filters
("? IS NULL OR …") is explained twice, with the filters off and on.

VOUCHER_EXPLAIN_SCALE (default 0.05: 15,000 enterprises, 30,000 orders,
175,000 audit rows, loaded in seconds) sizes the data;
VOUCHER_EXPLAIN_DB names an existing generated database to use instead
(e.g. voucher_scale of make scale-data, on the same server)."""
import json
import os
import pwd
import re
import subprocess
import tempfile
import time

from harness import ROOT, STATE, test

BIN = os.environ.get("VOUCHER_BIN", os.path.join(ROOT, "build", "asan", "bin"))
DB = os.environ.get("VOUCHER_EXPLAIN_DB", "voucher_explain")
SCALE = os.environ.get("VOUCHER_EXPLAIN_SCALE", "0.05")

# Tables that grow with the year (and with the years): a scan or a sort of
# their rows costs more every month. categories, rounds, publicity_chain,
# row_counts and schema_migrations are fixed; publicity_batches and
# violations grow by a hundred rows a year (a scan of them is a few pages).
GROWING = {
    "enterprises", "enterprise_quota", "providers", "accounts", "sessions",
    "products", "product_applications", "application_products",
    "application_attachments", "application_events", "orders", "order_events",
    "contracts", "evaluations", "redemption_claims", "redemption_files",
    "publicity_items", "feedback", "refunds", "recoveries", "spot_checks",
    "audit_log", "idempotency_keys", "search_grams", "search_texts", "enterprise_grams",
    # issues 11 and 12: one row or more per enterprise, or per message
    "enterprise_contacts", "organisations", "certifications", "org_files", "org_invites",
    "notifications", "notification_prefs", "qualification_lists", "credit_list",
    "verification_codes", "throttle",
    # issues 11 (claims) and 15 (login protection): a round per decided
    # claim, a browser per account that logged in
    "claim_reviews", "login_devices",
    # issue 16 (the sweeper's once-only keys: one or more per order event
    # announced) and R7 (a record per withdrawal and per payment of a list)
    "reminders", "publicity_records",
    # issue 13, the catalog (021): a listed product's grams, per gram and
    # round, ratings per product
    "product_grams", "product_gram_counts", "evaluation_sums",
    # (024) listed products per round, category and price
    "catalog_price_counts",
}

# Statements that read a whole table or sort a growing range by design, with
# the reason. They are still explained and printed; only these may.
ALLOWED = {
    "STMT_DRIFT_PRODUCTS": "voucherctl reconcile: recomputes every product's units from all "
                           "the orders, by an operator, not per request",
    "STMT_DRIFT_QUOTA": "voucherctl reconcile: recomputes every quota row from all the orders",
    "STMT_RECOVERIES_TOTALS": "the bureau's recovery totals sum every recovery: 1-3% of the paid "
                              "orders (~3,000 rows a year)",
    "STMT_RECOVERIES": "the recoveries still due (open or partial: two ranges of the status "
                       "index) newest first: a sort of the few hundred due",
    "STMT_SPOT_CANDIDATES": "a spot check (V3) of every year draws from every contracted-or-later "
                            "order: a bureau action a few times a year, not a page; with a year "
                            "it reads that year's range of ix_orders_year",
    "STMT_FLAGS_FILE": "one order's five documents and the others with the same bytes "
                       "(at most 50 rows) in kind and order order",
    "STMT_CREDIT_LOCK": "a credit list import (E14) replaces the bureau's list whole: it reads "
                        "and locks every entry, a few times a year",
    "STMT_MEMBERS_OF": "one organisation's members (E13: a handful of accounts) in id order, "
                       "found by ix_accounts_org",
    "STMT_EVALS_BY_PRODUCT": "the ratings' averages per product: a provider's (its few tens of "
                             "products grouped, each one's ratings by ix_evaluations_product); "
                             "the bureau's without a provider groups every rating of the "
                             "programme by product, a page the bureau opens, not a public one",
    "STMT_SCORE_PROVIDER": "issue 16 §4: one provider's main category: its own products (a few "
                           "tens, ix_products_provider) grouped by category, the 12 of P1 at most",
    "STMT_SCORE_REASONS": "issue 16 §4: one provider's returned and rejected claims (the events of "
                          "its own orders, ix_orders_provider then ix_order_events_order) newest "
                          "first, 20 of them: a page of the bureau's, the reviewer's and its own",
    "STMT_CREDIT_DELETE": "a credit list import (E14) replaces the list whole: every entry is "
                          "deleted (one by one since 022's trigger keeps its size), a few "
                          "thousand rows a few times a year",
}


# What a failure asks of the statement's author (README, Performance, "No
# full scans, checked by a test").
FIX = """How to fix (the statement is named above, with its SQL as explained):
  * full scan / sort: give it an index whose order serves its WHERE and ORDER BY (a new
    sql/migrations/NNN_*.sql; never edit an applied one), or reshape it to read one (split
    an ORDER BY that depends on a parameter into one statement per order; FORCE INDEX
    where the optimizer weighs wrong, as the catalog does), then fill the new columns or
    tables in tests/scale/gen_scale.py so that the plan is judged on a year of data;
  * EXPLAIN failed: a placeholder got a value of the wrong type: teach Values.of (this
    file) the column it is compared with;
  * a read bounded by design (one party's handful of rows, an operator's command): add
    its name to ALLOWED here with the reason."""


def mariadb(*args, db=None, stdin=None):
    sock = os.path.join(STATE, "run", "mysql.sock")
    # the server's admin is the invoking user, by the socket (ops/stack.sh)
    cmd = ["mariadb", "--no-defaults", "--socket=" + sock,
           "-u" + pwd.getpwuid(os.getuid()).pw_name, "-N", "-B",
           "--local-infile=1"]
    if db:
        cmd.append(db)
    return subprocess.run(cmd + list(args), input=stdin, check=True,
                          capture_output=True, text=True).stdout


def prepare():
    """The generated year in DB (made once per test run); returns now."""
    if os.environ.get("VOUCHER_EXPLAIN_DB"):
        return int(mariadb("-e", "SELECT UNIX_TIMESTAMP()").strip())
    mariadb("-e", "DROP DATABASE IF EXISTS %s; CREATE DATABASE %s CHARACTER SET utf8mb4"
            " COLLATE utf8mb4_unicode_ci" % (DB, DB))
    # the migrations as migrate.sh applies them (not its grants: those
    # belong to the test stack's own database)
    mig = os.path.join(ROOT, "sql", "migrations")
    for f in sorted(os.listdir(mig)):
        if re.match(r"^\d{3}_.*\.sql$", f):
            with open(os.path.join(mig, f)) as fh:
                mariadb(db=DB, stdin="SET NAMES utf8mb4;\n" + fh.read())
    with open(os.path.join(ROOT, "sql", "demo", "demo.sql")) as fh:
        mariadb(db=DB, stdin=fh.read())
    now = int(time.time()) // 3600 * 3600
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["python3", os.path.join(ROOT, "tests", "scale", "gen_scale.py"), d,
                        "--scale", SCALE, "--now", str(now)], check=True,
                       capture_output=True)
        with open(os.path.join(d, "load.sql")) as fh:
            mariadb(db=DB, stdin=fh.read())
    # what later migrations keep by trigger, as tests/scale/make.sh does
    scale = os.path.join(ROOT, "tests", "scale")
    for f in sorted(os.listdir(scale)):
        if re.match(r"^after_\d{3}\.sql$", f):
            with open(os.path.join(scale, f)) as fh:
                mariadb(db=DB, stdin=fh.read())
    tables = mariadb("-e", "SELECT GROUP_CONCAT(table_name) FROM information_schema.tables"
                     " WHERE table_schema = '%s' AND table_type = 'BASE TABLE'" % DB).strip()
    mariadb("-e", "ANALYZE TABLE " + tables.replace(",", ", "), db=DB)
    return now


def statements():
    """(origin, name, sql) of every program's and voucherctl's SQL,
    as the binaries print it."""
    out = []
    seen = set()
    progs = sorted(f for f in os.listdir(BIN) if f.startswith("voucher-"))
    assert progs, "no programs in " + BIN
    for p in progs + ["voucherctl"]:
        arg = "dump-sql" if p == "voucherctl" else "--dump-sql"
        r = subprocess.run([os.path.join(BIN, p), arg], capture_output=True, text=True,
                           timeout=30, env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
        assert r.returncode == 0, "%s %s: %s" % (p, arg, r.stderr[-500:])
        n = 0
        for line in r.stdout.splitlines():
            s = json.loads(line)
            n += 1
            key = (s["name"], s["sql"])
            if key in seen:        # the domain layer's, printed by each
                continue
            seen.add(key)
            out.append((p, s["name"], s["sql"]))
        assert n > 0, p + " printed no statement"
    return out


class Values:
    """Plausible values of the data: real ids, "now", the current year."""

    def __init__(self, now):
        self.now = now
        one = lambda q: mariadb("-e", q, db=DB).strip().split("\t")[0]  # noqa: E731
        # the enterprise and provider with the most orders this year, a
        # busy product, the newest batch, an order of the enterprise
        self.year = int(one("SELECT MAX(year) FROM rounds WHERE is_current = 1"))
        self.ent = one("SELECT enterprise_id FROM orders WHERE year = %d GROUP BY enterprise_id"
                       " ORDER BY COUNT(*) DESC LIMIT 1" % self.year)
        self.prov = one("SELECT provider_id FROM orders WHERE year = %d GROUP BY provider_id"
                        " ORDER BY COUNT(*) DESC LIMIT 1" % self.year)
        self.product = one("SELECT product_id FROM orders WHERE year = %d GROUP BY product_id"
                           " ORDER BY COUNT(*) DESC LIMIT 1" % self.year)
        self.order = one("SELECT MAX(id) FROM orders WHERE enterprise_id = %s" % self.ent)
        self.batch = one("SELECT MAX(id) FROM publicity_batches")
        self.item = one("SELECT MAX(id) FROM publicity_items")
        self.app = one("SELECT MAX(id) FROM product_applications")
        self.account = one("SELECT MAX(id) FROM accounts WHERE role = 'bureau'")
        self.sample = one("SELECT MAX(sample_id) FROM spot_checks")
        self.org = one("SELECT id FROM organisations WHERE enterprise_id = %s" % self.ent)
        self.cert = one("SELECT MAX(id) FROM certifications WHERE status = 'pending'")

    def ts(self, t=None):
        return "'%s'" % time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t or self.now))

    def of(self, col, sql_before, optional):
        """A literal for the placeholder after sql_before, compared with
        column col (may be None)."""
        c = (col or "").lower()
        tail = sql_before[-60:].upper()
        if re.search(r"LIMIT\s*$", tail):
            return "20"
        if re.search(r"OFFSET\s*$", tail):
            return "0"
        if re.search(r"LIKE\s*$", tail):
            return "'%服务%'"
        if re.search(r"(GET|RELEASE)_LOCK\(\s*$", tail):
            return "'voucher.explain'"   # a named lock: a string
        if "gram" in c:
            return "'服务'"
        if c in ("token_hash", "request_hash"):
            return "UNHEX(SHA2('explain', 256))"
        ids = {"enterprise_id": self.ent, "provider_id": self.prov, "product_id": self.product,
               "order_id": self.order, "batch_id": self.batch, "item_id": self.item,
               "application_id": self.app, "account_id": self.account,
               "party_id": self.ent, "entity_id": self.order, "violation_id": "1000001",
               "refund_id": "1000001", "head_batch_id": self.batch, "org_id": self.org,
               "certification_id": self.cert}
        if c in ids:
            return ids[c]
        if c == "id":
            t = table_of_id(sql_before)
            return {"orders": self.order, "products": self.product, "enterprises": self.ent,
                    "providers": self.prov, "publicity_batches": self.batch,
                    "publicity_items": self.item, "product_applications": self.app,
                    "accounts": self.account, "organisations": self.org,
                    "certifications": self.cert}.get(t, "1000001")
        if c in ("year", "round_year"):
            return str(self.year)
        if c in ("status", "state", "x.status", "r.status", "f.status"):
            return "'pending'"
        if c == "category":
            return "'digital'"
        if c == "entity":
            return "'order'"
        if c == "kind":
            t = table_of_id(sql_before)
            return {"certifications": "'enterprise'", "organisations": "'enterprise'",
                    "notifications": "'cert_decided'", "notification_prefs": "'cert_decided'",
                    "org_files": "'licence'"}.get(t, "'invoice'")
        if c == "party":
            return "'enterprise'"
        if c in ("login",):
            return "'bureau'"
        if c in ("mobile", "contact_mobile", "recipient"):
            return "'13800138001'"
        if c in ("scope",):
            return "'login'"
        if c in ("subject", "code_hash", "licence_stored", "encoding"):
            return "'x'"
        if c == "list":
            return "'specialized'"
        if c == "purpose":
            return "'signup'"
        if c == "member_role":
            return "'admin'"
        if c in ("uscc",):
            return "'91110108MA01ABCD1X'"
        if c in ("sample_id",):
            return "'%s'" % self.sample
        if c in ("tracking_no",):
            return "'FB000000000001'"
        if c in ("idem_key",):
            return "'k'"
        if c in ("item_code",):
            return "'provider.1'"
        if c in ("invoice_no", "stored_name", "sha256", "name", "original_name"):
            return "'x'"
        if c.endswith(("_at", "deadline", "_due", "valid_until", "barred_until", "_until")):
            # "older than" cut-offs (retention) are in the past
            if re.search(r"<\s*$", sql_before) and not re.search(r"<=\s*$", sql_before):
                return self.ts(self.now - 7 * 86400)
            return self.ts()
        if c.endswith(("_on", "_date")):
            return "'%s'" % time.strftime("%Y-%m-%d", time.gmtime(self.now))
        if c in ("voucher_price", "remaining_units", "occupied", "cap", "amount"):
            return "100000"
        return "1"


def table_of_id(sql_before):
    """The table of the last FROM/UPDATE before a placeholder."""
    m = re.findall(r"(?:FROM|UPDATE|JOIN)\s+(\w+)", sql_before, re.I)
    return m[-1] if m else None


PLACEHOLDER_COL = re.compile(
    r"([\w.]+)\s*(?:=|<=|>=|<|>|<>|LIKE|IN\s*\()\s*(?:\(\s*)?$", re.I)


def bind(sql, values, optional_on):
    """sql with each ? replaced by a literal; optional filters ("? IS NULL
    OR …") on or off. Returns the text."""
    parts = sql.split("?")
    out = [parts[0]]
    for i, rest in enumerate(parts[1:]):
        before = "".join(out)
        after = rest
        optional = re.match(r"\s*IS (?:NOT )?NULL", after, re.I) is not None
        col = None
        m = PLACEHOLDER_COL.search(before)
        if m:
            col = m.group(1).split(".")[-1]
        else:
            # "? IS NULL OR x.col = ?": the column after it; "COALESCE(?, …)"
            m2 = re.match(r"\s*IS NULL OR\s+([\w.]+)", after, re.I) or \
                re.match(r"\s*=\s*([\w.]+)", after)
            if m2:
                col = m2.group(1).split(".")[-1]
            if re.search(r"COALESCE\(\s*$", before, re.I):
                col = col or "year"
        if optional and not optional_on:
            lit = "NULL"
        else:
            lit = values.of(col, before, optional)
        out.append(lit)
        out.append(rest)
    return "".join(out)


ALIAS = re.compile(r"\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(?!FORCE|USE|WHERE|JOIN|ON|"
                   r"LEFT|SET|GROUP|ORDER|LIMIT|VALUES|STRAIGHT_JOIN|INNER|CROSS|UNION|WHERE)(\w+))?",
                   re.I)


def aliases(sql):
    """alias -> set of table names (a name is its own alias)."""
    m = {}
    for t, a in ALIAS.findall(sql):
        m.setdefault(t, set()).add(t)
        if a:
            m.setdefault(a, set()).add(t)
    return m


def explain(sql):
    rows = mariadb("-e", "EXPLAIN " + sql, db=DB)
    out = []
    for line in rows.splitlines():
        f = line.split("\t")
        # id select_type table type possible_keys key key_len ref rows Extra
        out.append({"table": f[2], "type": f[3], "key": f[5], "rows": f[8],
                    "extra": f[9] if len(f) > 9 else ""})
    return out


def problems(sql, plan):
    """What in plan reads a growing table whole or sorts its rows. A
    search (a plan reading search_grams or product_grams by its key) may sort what it
    matched: relevance is per query, and the match set is what one gram
    of the index holds, not the table. Derived tables and unions are
    judged by the plans of what they read (their own rows)."""
    al = aliases(sql)
    limited = re.search(r"\bLIMIT\b", sql, re.I) is not None
    search = any(al.get(r["table"], {r["table"]}) & {"search_grams", "enterprise_grams", "product_grams"} and
                 r["type"] in ("ref", "eq_ref", "range", "const") for r in plan)
    bad = []
    for row in plan:
        t = row["table"]
        if t is None or t == "NULL" or t.startswith("<"):
            continue
        tables = al.get(t, {t})
        if not tables & GROWING:
            continue
        name = "/".join(sorted(tables)) if t in al else t
        if row["type"] == "ALL":
            bad.append("full scan of %s (%s rows)" % (name, row["rows"]))
        elif row["type"] == "index" and not limited:
            bad.append("full index scan of %s (%s, %s rows)" % (name, row["key"], row["rows"]))
        if ("filesort" in row["extra"] or "temporary" in row["extra"]) and not search:
            bad.append("sort of %s (%s, %s rows)" % (name, row["extra"], row["rows"]))
    return bad


_state = {}


def setup():
    if "stmts" not in _state:
        now = prepare()
        _state["values"] = Values(now)
        _state["stmts"] = statements()
    return _state["values"], _state["stmts"]


@test
def test_explain_every_statement_no_full_scan_or_sort_of_a_growing_table():
    values, stmts = setup()
    failures, checked = [], 0
    for prog, name, sql in stmts:
        head = sql.lstrip().split(None, 1)[0].upper()
        if head == "INSERT" and not re.search(r"\bSELECT\b", sql, re.I):
            continue        # a plain INSERT … VALUES reads nothing
        variants = [False, True] if re.search(r"\?\s*IS (?:NOT )?NULL", sql, re.I) else [True]
        for on in variants:
            bound = bind(sql, values, on)
            try:
                plan = explain(bound)
            except subprocess.CalledProcessError as e:
                failures.append("%s %s: EXPLAIN failed: %s\n    %s" % (
                    prog, name, e.stderr.strip(), bound))
                continue
            checked += 1
            bad = problems(sql, plan)
            if bad and name in ALLOWED:
                print("   allowed %s %s: %s (%s)" % (prog, name, "; ".join(bad), ALLOWED[name]))
            elif bad:
                failures.append("%s %s%s: %s\n    %s" % (
                    prog, name, "" if len(variants) == 1 else
                    (" (filters on)" if on else " (filters off)"), "; ".join(bad), bound))
    print("   explained %d plans of %d statements" % (checked, len(stmts)))
    assert not failures, "%d plan(s) scan or sort a growing table:\n  %s\n%s" % (
        len(failures), "\n  ".join(failures), FIX)
