#!/usr/bin/env python3
"""SQL for the cluster test's load: ENTS little-giant enterprises
(ids 300001…; the even ones with a cap of 20,000,000 fen, the odd ones
2,000,000 so that their caps are reached) with accounts and ready sessions
(token "clstr" + the enterprise id as 38 digits: no login needed), and
this round's products 300001…: PRODS with UNITS units each at a voucher
price of PRICE fen (subsidy 30%, P4), and one scarce product (the last id)
with SCARCE units (so it sells out under the rush).
Usage: setup.py ENTS PRODS UNITS PRICE SCARCE"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))
from orders_setup import uscc  # noqa: E402


def main():
    ents, prods, units, price, scarce = (int(a) for a in sys.argv[1:6])
    out = ["SET @year = YEAR(UTC_TIMESTAMP() + INTERVAL 8 HOUR);",
           "SET @now = UTC_TIMESTAMP();", "START TRANSACTION;"]
    for i in range(ents):
        eid = 300001 + i
        out.append(
            "INSERT INTO enterprises (id, name, uscc, tier, size_class, "
            "beijing_registered, is_enterprise, created_at, updated_at) VALUES "
            "(%d, '集群测试企业%d', '%s', 'little_giant', 'small', 1, 1, @now, @now);"
            % (eid, i, uscc(700000000 + i)))
        out.append("INSERT INTO enterprise_quota (enterprise_id, year, cap, occupied) "
                   "VALUES (%d, @year, %d, 0);" % (eid, 2000000 if i % 2 else 20000000))
        out.append(
            "INSERT INTO accounts (id, login, password_hash, role, enterprise_id, "
            "created_at) VALUES (%d, 'cluster%d', 'pbkdf2_sha256$600000$00$00', "
            "'enterprise', %d, @now);" % (eid, eid, eid))
        out.append(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, "
            "last_seen_at, expires_at) VALUES (UNHEX(SHA2('clstr%038d', 256)), %d, "
            "REPEAT('x', 43), @now, @now, @now + INTERVAL 1 DAY);" % (eid, eid))
    for i in range(prods + 1):
        pid = 300001 + i
        n = scarce if i == prods else units
        out.append(
            "INSERT INTO products (id, round_year, provider_id, category, name, "
            "description, market_price, voucher_price, unit_subsidy, units_total, "
            "remaining_units, units_sold, validity_days, listed, created_at, updated_at) "
            "VALUES (%d, @year, 1, 'it', '集群测试产品%d', '集群测试', %d, %d, %d, "
            "%d, %d, 0, 30, 1, @now, @now);"
            % (pid, i, price * 2, price, price * 30 // 100, n, n))
    out.append("COMMIT;")
    print("\n".join(out))


if __name__ == "__main__":
    main()
