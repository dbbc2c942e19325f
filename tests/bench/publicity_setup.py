"""publicity_setup.py - prints the SQL that gives the publicity benchmark N
approved claims (R4) not yet in a batch, with every invariant the schema
and `voucherctl reconcile` check kept: one bench provider with N products
of one unit each (sold, and delisted so that the catalog bench is
untouched), one little-giant enterprise whose quota holds the
N reservations, N orders approved after a contract and C1, their approved
claims. tests/bench/publicity.sh then batches and publishes them through
the API. Usage: publicity_setup.py N TAG (TAG makes names unique)."""
import random
import sys

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
CATEGORIES = ["digital", "cloud", "talent", "innovation", "transfer",
              "design", "it", "ipo", "finance", "market", "legal", "other"]
SERVICES = ["数字化转型诊断", "上云迁移实施", "管理人才培训", "研发体系咨询",
            "科技成果评价", "产品外观设计", "ERP系统实施", "上市财务辅导",
            "年度财务审计", "跨境电商推广", "合同审查法律服务", "创业孵化辅导"]


def uscc(rng):
    """A valid unified social credit code (rule E6), Beijing Haidian."""
    body = "91110108" + "".join(rng.choice(CHARS) for _ in range(9))
    s = sum(CHARS.index(c) * w for c, w in zip(body, WEIGHTS))
    return body + CHARS[(31 - s % 31) % 31]


def main():
    n, tag = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(tag)
    price = 1000000                 # 10,000.00 CNY, market 20,000.00
    subsidy = price * 30 // 100     # P4: 300,000
    out = [
        "SET @now = UTC_TIMESTAMP();",
        "SET @ordered = @now - INTERVAL 10 DAY;",
        "SET @year = YEAR(@ordered + INTERVAL 8 HOUR);",
        "SET @round = (SELECT year FROM rounds WHERE is_current = 1);",
        "START TRANSACTION;",
        "INSERT INTO providers (name, uscc, beijing_registered,"
        " established_on, last_year_contracts, last_year_revenue, created_at,"
        " updated_at) VALUES ('北京压测科技服务有限公司%s', '%s', 1,"
        " '2015-01-01', 40, 500000000, @now, @now);" % (tag, uscc(rng)),
        "SET @prov = LAST_INSERT_ID();",
        "INSERT INTO enterprises (name, uscc, tier, size_class,"
        " beijing_registered, created_at, updated_at) VALUES"
        " ('北京压测企业%s有限公司', '%s', 'little_giant', 'small', 1, @now,"
        " @now);" % (tag, uscc(rng)),
        "SET @ent = LAST_INSERT_ID();",
        "INSERT INTO enterprise_quota (enterprise_id, year, cap, occupied)"
        " VALUES (@ent, @year, 20000000, %d);" % (n * subsidy),
    ]
    for i in range(n):
        cat = CATEGORIES[i % len(CATEGORIES)]
        name = "%s服务包（压测%s-%02d）" % (SERVICES[i % len(SERVICES)], tag, i)
        out += [
            "INSERT INTO products (round_year, provider_id, category, name,"
            " description, market_price, voucher_price, unit_subsidy,"
            " units_total, remaining_units, units_sold, validity_days,"
            " listed, created_at, updated_at) VALUES (@round, @prov, '%s',"
            " '%s', '压测产品', %d, %d, %d, 1, 0, 1, 30, 0, @now, @now);"
            % (cat, name, 2 * price, price, subsidy),
            "SET @prod = LAST_INSERT_ID();",
            "INSERT INTO orders (order_no, enterprise_id, product_id,"
            " provider_id, year, status, product_name, voucher_price,"
            " validity_days, unit_subsidy, reserved, unit_held, subsidy,"
            " ordered_at, accept_deadline, accepted_at, valid_until,"
            " contracted_at, confirmed_at, submitted_at, approved_at,"
            " updated_at) VALUES ('BENCH%s%02d', @ent, @prod, @prov, @year,"
            " 'approved', '%s', %d, 30, %d, %d, 1, %d, @ordered,"
            " @ordered + INTERVAL 48 HOUR, @ordered + INTERVAL 1 HOUR,"
            " @ordered + INTERVAL 30 DAY, @ordered + INTERVAL 1 DAY,"
            " @ordered + INTERVAL 5 DAY, @ordered + INTERVAL 6 DAY,"
            " @ordered + INTERVAL 8 DAY, @now);"
            % (tag, i, name, price, subsidy, subsidy, subsidy),
            "SET @o = LAST_INSERT_ID();",
            "INSERT INTO contracts (order_id, contract_no, signed_on,"
            " service_start_on, amount, period_months, base, subsidy,"
            " self_paid, recorded_at) VALUES (@o, 'HT%s%02d',"
            " DATE(@ordered + INTERVAL 1 DAY), DATE(@ordered + INTERVAL 1 DAY),"
            " %d, 12, %d, %d, %d, @ordered + INTERVAL 1 DAY);"
            % (tag, i, price, price, subsidy, price - subsidy),
            "INSERT INTO redemption_claims (order_id, status, invoice_no,"
            " invoice_date, invoice_total, invoice_voucher_amount,"
            " invoice_self_paid, receipt_date, receipt_amount, created_at,"
            " updated_at, submitted_at, reviewed_at, decision,"
            " approved_amount) VALUES (@o, 'approved', 'FP%s%02d',"
            " DATE(@ordered + INTERVAL 5 DAY), %d, %d, %d,"
            " DATE(@ordered + INTERVAL 5 DAY), %d, @now, @now,"
            " @ordered + INTERVAL 6 DAY, @ordered + INTERVAL 8 DAY,"
            " 'approved', %d);"
            % (tag, i, price, subsidy, price - subsidy, price - subsidy,
               subsidy),
        ]
    out.append("COMMIT;")
    print("\n".join(out))


if __name__ == "__main__":
    main()
