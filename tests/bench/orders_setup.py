"""orders_setup.py - prints the SQL that prepares the ordering benchmark:
ENTS little-giant enterprises (ids 100001…) with this year's quota rows,
their accounts (ids 200001…) and ready sessions (token "bench" + the
enterprise id as 38 digits, so wrk and order_client need no login), PRODS
spread products (ids 100001…) and one hot product (id 100001 + PRODS), each
with UNITS units. Usage: orders_setup.py ENTS PRODS UNITS"""
import sys

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc(n):
    body = "91110108" + "%09d" % n + ""
    body = body[:17]
    s = sum(CHARS.index(c) * w for c, w in zip(body, WEIGHTS))
    return body + CHARS[(31 - s % 31) % 31]


def main():
    ents, prods, units = (int(a) for a in sys.argv[1:4])
    out = ["SET @year = YEAR(UTC_TIMESTAMP() + INTERVAL 8 HOUR);",
           "SET @now = UTC_TIMESTAMP();", "START TRANSACTION;"]
    for i in range(ents):
        eid = 100001 + i
        out.append(
            "INSERT INTO enterprises (id, name, uscc, tier, size_class, "
            "beijing_registered, is_enterprise, created_at, updated_at) VALUES "
            "(%d, '压测企业%d', '%s', 'little_giant', 'small', 1, 1, @now, @now);"
            % (eid, i, uscc(800000000 + i)))
        out.append("INSERT INTO enterprise_quota (enterprise_id, year, cap, occupied) "
                   "VALUES (%d, @year, 20000000, 0);" % eid)
        out.append(
            "INSERT INTO accounts (id, login, password_hash, role, enterprise_id, "
            "created_at) VALUES (%d, 'bench%d', 'pbkdf2_sha256$600000$00$00', "
            "'enterprise', %d, @now);" % (100000 + eid, eid, eid))
        out.append(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, "
            "last_seen_at, expires_at) VALUES (UNHEX(SHA2('bench%038d', 256)), %d, "
            "REPEAT('x', 43), @now, @now, @now + INTERVAL 1 DAY);"
            % (eid, 100000 + eid))
    for i in range(prods + 1):
        pid = 100001 + i
        out.append(
            "INSERT INTO products (id, round_year, provider_id, category, name, "
            "description, market_price, voucher_price, unit_subsidy, units_total, "
            "remaining_units, units_sold, validity_days, listed, created_at, updated_at) "
            "VALUES (%d, @year, 1, 'it', '压测产品%d', '压测', 20000, 10000, 3000, "
            "%d, %d, 0, 30, 1, @now, @now);" % (pid, i, units, units))
    out.append("COMMIT;")
    print("\n".join(out))


if __name__ == "__main__":
    main()
