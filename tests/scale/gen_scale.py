#!/usr/bin/env python3
"""gen_scale.py - a year of Beijing on top of the demo (issue #13, part 1).

    python3 tests/scale/gen_scale.py OUTDIR [--seed N] [--now EPOCH] [--scale F]

Writes one tab-separated file per table into OUTDIR (\\N = NULL, instants as
UTC epoch seconds that load.sql turns into DATETIME) and OUTDIR/load.sql,
which bulk-loads them with LOAD DATA LOCAL INFILE into a database that
already holds the demo (sql/migrate.sh --demo). tests/scale/make.sh does
both. Standard library only, deterministic: the same seed, --now and
--scale give the same files byte for byte (--now defaults to the current
hour, so the data always ends "now": the current round is the Asia/Shanghai
year of --now, the previous round is the year before).

At --scale 1 (Beijing's size): 300,000 certified enterprises in every tier,
2,000 providers, 5,000 products over the 12 categories and two rounds,
600,000 orders over the two years in every state of O10 with their events,
contracts, evaluations and claims (five file records each, no bodies), 200
published batches with 150,000 items and public feedback, refunds with
their recoveries, violations (V2) with their bars and revoked orders, spot
checks, product applications in every state, idempotency records of the
last week and the audit trail (V3) all of it implies.

Its shape follows the rules, so `voucherctl reconcile` finds no drift:
  * units: units_sold = the orders holding a unit, remaining = total - sold;
  * quota: occupied = SUM(reserved) of the enterprise's orders of the year,
    never above the tier's cap (E7, O3: a reservation is min(unit subsidy,
    what is left)); an order that would reserve nothing is not placed;
  * every status agrees with its timestamps: pending orders are younger
    than 48 hours (O4), accepted / contracted ones still valid (O6), a
    submitted claim went in before valid-until (R3), an approval follows
    the C1 confirmation (R4), items are listed in a batch published after
    their approval and paid after its 7-day period (R5), an upheld
    objection withdrew its item and rejected its order, a V2 bar revoked
    the party's open order and set its paid subsidies for recovery;
  * contracts split by O9, claims' figures pass R2, products P3/P4.
Published batches carry their hash chain (seq, file_sha256, prev_sha256,
the chain head) but no signed file body (file_json NULL): the generator
has no signing key.
"""

import argparse
import hashlib
import os
import random
import sys
import time

DAY = 86400
HOUR = 3600
BASE_ID = 1_000_001          # every generated id starts here (above the demo
                             # and the bench's 100001.. rows)
TIER_CAP = {"ordinary": 2_000_000, "specialized": 10_000_000,
            "little_giant": 20_000_000}
CATEGORIES = ["digital", "cloud", "talent", "innovation", "transfer", "design",
              "it", "ipo", "finance", "market", "legal", "other"]

# --- USCC (E6) -------------------------------------------------------------
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
DIVISIONS = ["110101", "110102", "110105", "110106", "110107", "110108",
             "110109", "110111", "110112", "110113", "110114", "110115",
             "110116", "110117", "110118", "110119"]


def uscc(n, division, prefix="MB"):
    """A valid, unique code for number n: '91' + division + prefix + 6
    digits + org check + USCC check (the demo's codes use other shapes)."""
    body = prefix + "%06d" % n
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w
                for c, w in zip(body, weights))
    c9 = 11 - total % 11
    org = body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    first17 = "91" + division + org
    s = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return first17 + USCC_CHARSET[(31 - s % 31) % 31]


# --- names -----------------------------------------------------------------
BRAND = list("智云数科创信达恒华中博远聚星汇瑞正诚安鼎卓越新天泰和润联领航")
ENT_TRADE = ["科技", "商贸", "餐饮管理", "建筑工程", "医疗器械", "文化传媒", "物流",
             "教育科技", "电子设备", "电子商务", "设计咨询", "康养服务", "精密机械",
             "软件技术", "生物医药", "新材料", "环保工程", "食品"]
PROV_TRADE = {
    "digital": "数字科技", "cloud": "云计算技术", "talent": "人力资源顾问",
    "innovation": "技术服务", "transfer": "技术转移服务", "design": "工业设计",
    "it": "信息技术", "ipo": "企业管理咨询", "finance": "会计师事务所",
    "market": "营销策划", "legal": "法律咨询服务", "other": "创业服务"}
SERVICE = {
    "digital": ["数字化转型诊断", "智能制造升级", "数据治理", "工业互联网平台接入", "数字化营销"],
    "cloud": ["企业上云", "云服务器租用", "云安全防护", "混合云部署", "云桌面"],
    "talent": ["管理培训", "技能提升培训", "人才测评", "招聘外包", "领导力课程"],
    "innovation": ["研发管理咨询", "高新技术企业认定辅导", "科技项目申报", "技术攻关"],
    "transfer": ["技术转移对接", "专利转化运营", "科技成果评估", "中试验证"],
    "design": ["工业设计", "产品外观设计", "结构设计", "用户体验设计", "包装设计"],
    "it": ["软件定制开发", "小程序开发", "ERP实施", "OA系统部署", "网站建设"],
    "ipo": ["上市辅导", "股改咨询", "财务规范", "资本运作咨询"],
    "finance": ["财务审计", "税务筹划", "代理记账", "专项审计", "内控咨询"],
    "market": ["市场调研", "品牌策划", "展会推广", "跨境电商运营", "新媒体营销"],
    "legal": ["法律顾问", "合同审查", "知识产权保护", "劳动用工合规", "股权设计"],
    "other": ["创业辅导", "政策咨询", "检验检测", "认证服务"],
}
QUALIFIER = ["", "", "中小企业", "专精特新", "一站式", "全流程", "标准化", "智慧", "精益"]
SUFFIX = ["服务", "服务包", "方案", "套餐", "咨询", "项目", ""]
EDITION = ["", "", "（基础版）", "（进阶版）", "（旗舰版）"]

SURNAME = list("王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高")
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
         "晨", "悦", "浩", "婷", "宇"]


def contact_of(i):
    """The order contact of enterprise number i (issue 11): a name and a
    mainland mobile number (1[3-9] and nine digits)."""
    return (SURNAME[i % len(SURNAME)] + GIVEN[i // len(SURNAME) % len(GIVEN)] +
            ("" if i % 3 else GIVEN[i // 7 % len(GIVEN)]),
            "1%d%09d" % (3 + i % 7, i))


REASON = {   # the programs' own wording (people never see rule ids)
    "pending": "企业下单", "accepted": "服务机构在 48 小时内接单",
    "contracted": "服务机构录入服务合同", "submitted": "服务机构完成服务，提交兑付申请",
    "approved": "兑付申请初审通过", "publicized": "列入公示",
    "paid": "公示期满兑付", "cancelled_enterprise": "企业在接单前取消订单",
    "cancelled_declined": "服务机构拒单：排期已满",
    "cancelled_accept_timeout": "服务机构 48 小时内未接单，订单取消（《工作指南》五（二）4）",
    "expired": "服务券有效期已过，过期作废（《工作指南》五（二）5）",
    "rejected_review": "初审不通过：材料与合同不符",
    "rejected_objection": "公示异议成立，撤回公示项目", "refunded": "全额退款",
    "revoked": "违规处理（《工作指南》七、5）：转让、赠予或买卖服务券，终止订单",
    "confirm": "企业确认服务完成并评价",
}


class TSV:
    """One table's file: rows of values, None as \\N."""

    def __init__(self, outdir, table, cols):
        self.table, self.cols = table, cols
        self.path = os.path.join(outdir, table + ".tsv")
        self.f = open(self.path, "w", encoding="utf-8", newline="\n")
        self.n = 0
        self.buf = []

    def row(self, *vals):
        self.buf.append("\t".join(["\\N" if v is None else str(v) for v in vals]))
        self.n += 1
        if len(self.buf) >= 20000:
            self.f.write("\n".join(self.buf) + "\n")
            self.buf = []

    def line(self, text):
        """A row already formatted (no NULLs, no escapes needed)."""
        self.buf.append(text)
        self.n += 1
        if len(self.buf) >= 20000:
            self.f.write("\n".join(self.buf) + "\n")
            self.buf = []

    def close(self):
        if self.buf:
            self.f.write("\n".join(self.buf) + "\n")
        self.f.close()


class Search:
    """The search index of 004_scale.sql as the triggers would fill it:
    each text once (search_texts), its unigrams and bigrams (search_grams)."""

    def __init__(self):
        self.ids = {}
        self.next = BASE_ID

    def of(self, text):
        tid = self.ids.get(text)
        if tid is None:
            tid = self.ids[text] = self.next
            self.next += 1
        return tid

    def write(self, table):
        texts = table("search_texts", ["id", "text"])
        grams = table("search_grams", ["gram", "text_id"])
        for text, tid in self.ids.items():
            texts.row(tid, text.replace("\t", "\\t"))
            seen = set()
            for i in range(len(text)):
                for g in (text[i], text[i:i + 2]):
                    # case folded as utf8mb4_unicode_ci compares them
                    k = g.lower()
                    if k not in seen:
                        seen.add(k)
                        grams.line("%s\t%d" % (g.replace("\t", "\\t"), tid))
        return len(self.ids)


def sh_year(t):
    """The Asia/Shanghai year of epoch t (T1)."""
    return time.gmtime(t + 8 * HOUR).tm_year


_dates = {}


def sh_date(t):
    """The Asia/Shanghai date of epoch t, 'YYYY-MM-DD'."""
    d = (t + 8 * HOUR) // DAY
    s = _dates.get(d)
    if s is None:
        g = time.gmtime(d * DAY)
        s = _dates[d] = "%04d-%02d-%02d" % (g.tm_year, g.tm_mon, g.tm_mday)
    return s


def year_start(y):
    """Epoch of Jan 1 00:00 Asia/Shanghai of year y."""
    return int(time.mktime((y, 1, 1, 0, 0, 0, 0, 0, 0)) - time.timezone) - 8 * HOUR


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=20261130)
    ap.add_argument("--now", type=int, default=None,
                    help="epoch seconds the data ends at (default: this hour)")
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    now = args.now if args.now is not None else int(time.time()) // HOUR * HOUR
    t0 = time.time()
    figures = generate(args.outdir, random.Random(args.seed), now, args.scale)
    figures["seconds"] = round(time.time() - t0, 1)
    figures["now"] = now
    with open(os.path.join(args.outdir, "figures.txt"), "w") as f:
        for k, v in figures.items():
            f.write("%s\t%s\n" % (k, v))
    print("generated in %.1f s (now = %d, %s UTC)" % (
        figures["seconds"], now, time.strftime("%Y-%m-%d %H:%M", time.gmtime(now))))


def generate(out, rng, now, scale):
    N_ENT = int(300_000 * scale)
    N_PROV = max(24, int(2_000 * scale))
    N_PROD = max(48, int(5_000 * scale))
    N_ORD = int(600_000 * scale)
    N_BATCH = max(4, int(200 * scale))
    N_ITEMS = int(150_000 * scale)
    Y = sh_year(now)
    Y0 = Y - 1
    start = year_start(Y0)
    cur_start = year_start(Y)
    ids = {}
    search = Search()

    def nid(table):
        ids[table] = ids.get(table, BASE_ID - 1) + 1
        return ids[table]

    T = {}

    def table(name, cols):
        T[name] = TSV(out, name, cols)
        return T[name]

    # staff accounts of the generated year (the demo's own stay as they are)
    acc = table("accounts", ["id", "login", "password_hash", "role", "enterprise_id",
                             "provider_id", "disabled", "created_at", "last_login_at",
                             "display_name", "org_id", "mobile", "mobile_verified_at"])
    NOPASS = "pbkdf2_sha256$600000$00$00"     # no password opens these accounts
    REVIEWER = nid("accounts")
    acc.row(REVIEWER, "scale-reviewer", NOPASS, "reviewer", None, None, 0, start - 30 * DAY,
            None, "评审机构（规模数据）", None, None, None)
    BUREAU = nid("accounts")
    acc.row(BUREAU, "scale-bureau", NOPASS, "bureau", None, None, 0, start - 30 * DAY, None,
            "市经信局（规模数据）", None, None, None)

    audit = table("audit_log", ["id", "at", "actor_account_id", "actor_role", "action",
                                "entity", "entity_id", "before_json", "after_json",
                                "request_id"])

    def aud(at, actor, role, action, entity, eid, after):
        aid = nid("audit_log")
        audit.line("%d\t%d\t%s\t%s\t%s\t%s\t%d\t\\N\t%s\tscale-%d" % (
            aid, at, "\\N" if actor is None else actor, role, action, entity, eid, after, aid))

    # ---- providers ----------------------------------------------------
    prov = table("providers", ["id", "name", "uscc", "beijing_registered", "main_body_beijing",
                               "has_premises", "established_on", "credit_flagged",
                               "credit_source", "credit_checked_on", "barred_until",
                               "last_year_contracts", "last_year_revenue", "created_at",
                               "updated_at", "search_text_id"])
    providers = []           # dicts
    names = set()
    for i in range(N_PROV):
        cat = CATEGORIES[i % 12]
        while True:
            brand = "".join(rng.sample(BRAND, 2 if rng.random() < 0.7 else 3))
            name = "北京%s%s有限公司" % (brand, PROV_TRADE[cat])
            if name not in names:
                names.add(name)
                break
        pid = nid("providers")
        providers.append({"id": pid, "name": name, "brand": brand, "cat": cat,
                          "created": start - rng.randint(20, 400) * DAY,
                          "account": None, "barred": None})
    names = None

    # ---- enterprises (E1-E7) -------------------------------------------
    ent_tiers = []
    combos = [(a, b, c) for a in range(len(BRAND)) for b in range(len(BRAND))
              for c in range(len(BRAND)) if a != b and b != c and a != c]
    rng.shuffle(combos)
    ents_tsv = table("enterprises", ["id", "name", "uscc", "tier", "size_class",
                                     "beijing_registered", "is_enterprise", "credit_flagged",
                                     "credit_source", "credit_checked_on", "credit_list_until",
                                     "credit_list_source", "barred_until", "created_at",
                                     "updated_at"])
    ent_rows = []
    egrams = table("enterprise_grams", ["gram", "enterprise_id"])
    ent_first = ids.get("enterprises", BASE_ID - 1) + 1
    for i in range(N_ENT):
        a, b, c = combos[i // len(ENT_TRADE) % len(combos)]
        trade = ENT_TRADE[i % len(ENT_TRADE)]
        name = "北京%s%s%s%s有限公司" % (BRAND[a], BRAND[b], BRAND[c], trade)
        if i >= len(combos) * len(ENT_TRADE):
            name = name.replace("有限公司", "第%d有限公司" % (i // (len(combos) * len(ENT_TRADE))))
        r = rng.random()
        tier = "little_giant" if r < 0.02 else "specialized" if r < 0.10 else "ordinary"
        r = rng.random()
        flags = 0 if r > 0.012 else 1 if r > 0.004 else 2   # 1 credit flagged, 2 not Beijing
        ent_tiers.append(tier)
        ent_rows.append([name, tier, flags, start - rng.randint(30, 700) * DAY, None])
    ELIGIBLE = [i for i in range(N_ENT) if ent_rows[i][2] == 0]

    # ---- products (P1-P6) over two rounds, with their applications ------
    products = []
    for rnd in (Y0, Y):
        n = N_PROD // 2
        for k in range(n):
            pv = providers[rng.randrange(N_PROV)]
            cat = pv["cat"] if rng.random() < 0.8 else rng.choice(CATEGORIES)
            core = rng.choice(SERVICE[cat])
            name = (pv["brand"] if rng.random() < 0.5 else "") + rng.choice(QUALIFIER) + core + \
                rng.choice(SUFFIX) + rng.choice(EDITION)
            voucher = rng.choice([2000, 3000, 5000, 8000, 10000, 15000, 20000, 30000, 50000,
                                  80000, 120000, 200000]) * 100
            market = voucher * 10 // 8 + rng.randint(0, 50) * 1000
            subsidy = min(voucher * 30 // 100, 5_000_000)
            days = 30 if rng.random() < 0.7 else rng.choice([45, 60])
            listed_at = year_start(rnd) + rng.randint(60, 80) * DAY + rng.randint(0, DAY)
            products.append({"id": nid("products"), "round": rnd, "prov": pv, "cat": cat,
                             "name": name, "voucher": voucher, "market": market,
                             "subsidy": subsidy, "days": days, "created": listed_at,
                             "held": 0, "rsum": 0, "rcnt": 0, "pop": min(rng.paretovariate(2.0), 20.0)})
    by_round = {Y0: [p for p in products if p["round"] == Y0],
                Y: [p for p in products if p["round"] == Y]}
    cum = {}
    for rnd, ps in by_round.items():
        c, acc_w = [], 0.0
        for p in ps:
            acc_w += p["pop"]
            c.append(acc_w)
        cum[rnd] = (c, acc_w)

    def pick_product(rnd):
        c, total = cum[rnd]
        x = rng.random() * total
        lo, hi = 0, len(c) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if c[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return by_round[rnd][lo]

    # ---- violators (V2): enterprises barred this year, ordering only last
    # year before; one open order of theirs revoked at the bar -------------
    n_viol = max(2, int(70 * scale))
    violators = {}
    for i in rng.sample(ELIGIBLE, n_viol):
        violators[i] = cur_start + rng.randint(60, max(61, (now - cur_start) // DAY - 20)) * DAY
    prov_viol = {}
    for pv in rng.sample(providers, max(1, int(10 * scale))):
        prov_viol[pv["id"]] = cur_start + rng.randint(60, max(61, (now - cur_start) // DAY - 20)) * DAY
    # barred providers have no products in the current round
    for p in by_round[Y]:
        if p["prov"]["id"] in prov_viol:
            p["prov"] = next(pv for pv in providers if pv["id"] not in prov_viol)

    # enterprise weights: a long tail, heavier for the higher tiers
    ent_w = []
    acc_w = 0.0
    for i in ELIGIBLE:
        w = rng.paretovariate(1.6) * {"ordinary": 1, "specialized": 3, "little_giant": 6}[ent_tiers[i]]
        acc_w += w
        ent_w.append(acc_w)

    def pick_ent():
        x = rng.random() * acc_w
        lo, hi = 0, len(ent_w) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if ent_w[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return ELIGIBLE[lo]

    # ---- batches (R5): published every few days, paid after the period --
    batches = []
    first_pub = start + 45 * DAY
    span = (now - 2 * DAY) - first_pub
    for b in range(N_BATCH):
        pub = first_pub + span * (b + 1) // N_BATCH - rng.randint(0, 6 * HOUR)
        ends = pub + 7 * DAY
        paid = ends + rng.randint(1, 3) * DAY if ends + 3 * DAY < now else None
        batches.append({"id": nid("publicity_batches"), "seq": b + 1, "pub": pub, "ends": ends,
                        "paid": paid, "items": [], "rows": [], "created": pub - rng.randint(2, 20) * HOUR})

    # ---- the orders: a plan of statuses, then times backwards from the
    # status's anchor --------------------------------------------------------
    n_items = N_ITEMS
    plan = []            # (kind, extra)
    per_batch = max(1, n_items // N_BATCH)
    for b in batches:
        for _ in range(per_batch):
            plan.append(("batched", b))
    rest = N_ORD - len(plan)
    mix = [("cancelled", 0.31), ("expired", 0.31), ("rejected", 0.05), ("refunded", 0.0),
           ("submitted", 0.018), ("approved", 0.01), ("contracted", 0.03), ("accepted", 0.014),
           ("pending", 0.004)]
    tot = sum(w for _, w in mix)
    for kind, w in mix:
        for _ in range(int(rest * w / tot)):
            plan.append((kind, None))
    while len(plan) < N_ORD:
        plan.append(("cancelled", None))
    rng.shuffle(plan)

    orders = []
    occ = {}            # (ent, year) -> final held
    skipped = 0
    H = HOUR
    for kind, extra in plan:
        t = {}
        if kind == "batched":
            b = extra
            t["approved"] = b["pub"] - rng.randint(2 * H, 4 * DAY)
            t["submitted"] = t["approved"] - rng.randint(12 * H, 10 * DAY)
        elif kind == "submitted":
            t["submitted"] = now - rng.randint(2 * H, 14 * DAY)
        elif kind == "approved":
            t["approved"] = now - rng.randint(H, 2 * DAY)
            t["submitted"] = t["approved"] - rng.randint(12 * H, 8 * DAY)
        elif kind == "rejected":
            t["closed"] = now - rng.randint(2 * DAY, now - start - 40 * DAY)
            t["submitted"] = t["closed"] - rng.randint(12 * H, 8 * DAY)
        if "submitted" in t:
            anchor = t["submitted"]
        elif kind == "pending":
            anchor = now - rng.randint(60, 46 * H)
        elif kind in ("accepted", "contracted"):
            anchor = None
        else:  # cancelled / expired: any time in the two years
            anchor = start + rng.randint(DAY, now - start - 62 * DAY)
        # the order's year and product: of the round of its order time
        for _try in range(4):
            if kind in ("accepted", "contracted"):
                p = pick_product(Y)
                ordered = now - rng.randint(2 * H, p["days"] * DAY - 3 * H)
            elif kind == "pending":
                ordered = anchor
                p = pick_product(Y)
            elif "submitted" in t:
                # submitted before valid-until, after contract + confirmation
                back = rng.randint(4 * DAY, 27 * DAY)
                ordered = anchor - back
                if ordered < start + 2 * H:
                    ordered = start + 2 * H + rng.randint(0, DAY)
                p = pick_product(sh_year(ordered))
                if anchor - ordered >= p["days"] * DAY - H:
                    ordered = anchor - rng.randint(3 * DAY, p["days"] * DAY - 2 * DAY)
                if sh_year(ordered) != p["round"]:
                    continue
            else:
                ordered = anchor
                p = pick_product(sh_year(ordered))
            if sh_year(ordered) == p["round"]:
                break
        else:
            skipped += 1
            continue
        yr = p["round"]
        # the enterprise, with room in its cap (O3)
        for _try in range(8):
            e = pick_ent()
            if e in violators and (yr == Y):
                continue
            cap = TIER_CAP[ent_tiers[e]]
            held = occ.get((e, yr), 0)
            if cap - held > 0:
                break
        else:
            skipped += 1
            continue
        reserve = min(p["subsidy"], cap - held)
        o = {"p": p, "e": e, "year": yr, "status": kind, "t": t, "ordered": ordered,
             "reserve": reserve, "now": now,
             "no_refund": e in violators or p["prov"]["id"] in prov_viol}
        if kind == "batched":
            o["batch"] = extra
        t["ordered"] = ordered
        fill_times(rng, o, now)
        o["held_final"] = final_reserved(o)
        occ[(e, yr)] = held + o["held_final"]
        orders.append(o)

    # one revoked order per violator (V2), open at its bar
    for e, bar in violators.items():
        p = pick_product(Y)
        ordered = bar - rng.randint(2 * DAY, min(10 * DAY, p["days"] * DAY - 2 * DAY))
        if sh_year(ordered) != Y:
            continue
        cap = TIER_CAP[ent_tiers[e]]
        held = occ.get((e, Y), 0)
        if cap - held <= 0:
            continue
        o = {"p": p, "e": e, "year": Y, "status": "revoked", "t": {"ordered": ordered},
             "ordered": ordered, "reserve": min(p["subsidy"], cap - held), "bar": bar}
        fill_times(rng, o, now)
        o["held_final"] = 0
        orders.append(o)
    orders.sort(key=lambda o: o["ordered"])

    # ---- write everything ---------------------------------------------
    # the outbox (006) with issue 16's inbox (013_reminders.sql): the
    # messages of the order events and the deadline warnings of the
    # current round, each with its once-only key (reminders)
    notes = table("notifications", ["id", "kind", "channel", "account_id", "recipient", "text",
                                    "link", "is_secret", "status", "attempts", "next_attempt_at",
                                    "created_at", "sent_at", "read_at"])
    rem = table("reminders", ["subject", "subject_id", "kind", "threshold", "event_id",
                              "created_at"])
    # R7 (014_payment_records.sql): the records chained after each list
    records = table("publicity_records", ["batch_id", "seq", "kind", "format", "at", "paid_on",
                                          "reason"])
    ev = table("order_events", ["id", "order_id", "at", "actor_account_id", "actor_role",
                                "from_status", "to_status", "reason", "request_id"])
    ords = table("orders", ["id", "order_no", "enterprise_id", "product_id", "provider_id",
                            "year", "status", "cancel_reason", "status_reason", "contact_name",
                            "contact_mobile", "product_name",
                            "voucher_price", "validity_days", "unit_subsidy", "reserved",
                            "reserved_at_order", "unit_held", "subsidy", "ordered_at", "accept_deadline",
                            "accepted_at", "valid_until", "contracted_at", "confirmed_at",
                            "submitted_at", "approved_at", "publicized_at", "paid_at",
                            "closed_at", "updated_at"])
    con = table("contracts", ["order_id", "contract_no", "signed_on", "service_start_on",
                              "amount", "period_months", "base", "subsidy", "self_paid",
                              "recorded_at", "recorded_by", "updated_at"])
    evals = table("evaluations", ["order_id", "product_id", "provider_id", "quality", "timeliness",
                                  "attitude", "comment", "created_at"])
    claims = table("redemption_claims", ["order_id", "status", "invoice_no", "invoice_date",
                                         "invoice_total", "invoice_voucher_amount",
                                         "invoice_self_paid", "receipt_date", "receipt_amount",
                                         "created_at", "updated_at", "submitted_at",
                                         "reviewed_by", "reviewed_at", "decision",
                                         "approved_amount", "reason"])
    # every decided round of a claim (008_claims_guide.sql): one per
    # decided claim here (the generator returns none for correction)
    rounds_ = table("claim_reviews", ["id", "order_id", "submitted_at", "decision",
                                      "approved_amount", "reason", "reviewed_by",
                                      "reviewer_role", "reviewed_at"])
    files = table("redemption_files", ["id", "order_id", "kind", "original_name",
                                       "stored_name", "content_type", "size_bytes", "sha256",
                                       "uploaded_at", "uploaded_by"])
    items = table("publicity_items", ["id", "batch_id", "order_id", "provider_name",
                                      "product_name", "category", "amount", "objection_status",
                                      "withdrawn", "withdrawn_at", "created_at", "paid_on",
                                      "search_text_id", "withdrawn_seq", "paid_seq"])
    fb = table("feedback", ["id", "item_id", "tracking_no", "text", "contact", "status",
                            "note", "created_at", "decided_at", "decided_by", "client_ip"])
    refunds = table("refunds", ["id", "order_id", "kind", "amount", "reason", "reported_at",
                                "reported_by"])
    recov = table("recoveries", ["id", "order_id", "refund_id", "violation_id", "amount_due",
                                 "amount_returned", "returned_on", "status", "created_at",
                                 "updated_at", "recorded_by"])
    # browsers that logged in before (010_login_guard.sql): an enterprise
    # account's one browser, last used at its latest order (none unused
    # for 180 days: voucherctl tidy purges those)
    devices = table("login_devices", ["token_hash", "account_id", "created_at",
                                      "last_used_at"])
    device_used = {}
    idem = table("idempotency_keys", ["account_id", "idem_key", "request_hash", "state",
                                      "response_status", "response_body", "created_at",
                                      "completed_at"])

    # enterprise and provider accounts first (order events name them)
    ent_acc = {}
    for i, (name, tier, flags, created, _) in enumerate(ent_rows):
        ent_acc[i] = nid("accounts")
    prov_acc = {}
    for pv in providers:
        prov_acc[pv["id"]] = nid("accounts")
    ents_written = 0
    ent_ids = {i: ent_first + i for i in range(N_ENT)}

    stats = {s: 0 for s in ["pending", "accepted", "contracted", "submitted", "approved",
                            "publicized", "paid", "cancelled", "expired", "rejected",
                            "refunded", "revoked"]}
    quota = {}
    contacts = {}       # enterprise id -> its last order contact
    n_files = 0
    dup_sha = "0" * 64

    def inbox(kind, prov_side, o, at, text, threshold=0, event_id=0):
        """One message in the inbox of the party's account (no mobile:
        channel inbox, sent at once; most read a few days later) and its
        once-only key, as the sweeper writes them (reminders.c)."""
        if prov_side:
            aid = prov_acc[o["p"]["prov"]["id"]]
            login = "sp%05d" % (o["p"]["prov"]["id"] - BASE_ID + 1)
        else:
            aid = ent_acc[o["e"]]
            login = "se%06d" % (o["e"] + 1)
        link = "/%s.html?order=%d" % ("prov" if prov_side else "ent", o["id"])
        read = at + rng.randint(H, 5 * DAY)
        verb = "办理" if kind in ("order_new", "accept_due", "confirm_requested",
                                  "claim_returned") else "查看"
        notes.line("%d\t%s\tinbox\t%d\t%s\t【北京市中小企业服务券】%s%s：%s\t%s\t0\tsent\t0\t"
                   "%d\t%d\t%d\t%s" % (nid("notifications"), kind, aid, login, text, verb, link, link,
                                       at, at, at, read if read < now else "\\N"))
        return threshold, event_id

    def remind(kind, o, at, threshold=0, event_id=0):
        rem.line("order\t%d\t%s\t%d\t%d\t%d" % (o["id"], kind, threshold, event_id, at))

    def bj(t):
        g = time.gmtime(t + 8 * H)
        return "%04d年%02d月%02d日 %02d:%02d" % (g.tm_year, g.tm_mon, g.tm_mday, g.tm_hour,
                                              g.tm_min)

    # the kinds of the order events (remind_event_kind) and who reads them
    EVENT_KIND = {(None, "pending"): ("order_new", True),
                  ("pending", "accepted"): ("order_accepted", False),
                  ("contracted", "submitted"): ("confirm_requested", False),
                  ("submitted", "approved"): ("claim_approved", True),
                  ("submitted", "rejected"): ("claim_rejected", True),
                  ("submitted", "contracted"): ("claim_returned", True),
                  ("approved", "publicized"): ("publicity_started", True),
                  ("publicized", "paid"): ("paid", True)}
    RETURN_REASON = "发票金额与合同金额不一致，请补正后重新提交"
    for o in orders:
        oid = nid("orders")
        o["id"] = oid
        p, t, st = o["p"], o["t"], o["final"]
        stats[st] += 1
        eid = ent_ids[o["e"]]
        pid = p["id"]
        prov_id = p["prov"]["id"]
        eacc, pacc = ent_acc[o["e"]], prov_acc[prov_id]
        ordered = t["ordered"]
        first, last = device_used.get(eacc, (ordered, ordered))
        device_used[eacc] = (min(first, ordered), max(last, ordered))
        valid_until = ordered + p["days"] * DAY
        held = o["held_final"]
        quota[(eid, o["year"])] = quota.get((eid, o["year"]), 0) + held
        unit_held = o["unit_held"]
        if unit_held:
            p["held"] += 1
        subsidy = o.get("subsidy")
        # the current round's orders name the enterprise's contact (issue
        # 11: asked since), its last one the default of the next order
        cname = cmobile = None
        if o["year"] == Y:
            cname, cmobile = contact_of(o["e"])
            contacts[eid] = (cname, cmobile, ordered)
        ords.row(oid, "SV%s%010d" % (sh_date(ordered).replace("-", ""), oid), eid, pid,
                 prov_id, o["year"], st, o.get("cancel_reason"), o.get("status_reason"),
                 cname, cmobile, p["name"], p["voucher"], p["days"], p["subsidy"], held,
                 o["reserve"], unit_held, subsidy,
                 ordered, ordered + 48 * H, t.get("accepted"), valid_until, t.get("contracted"),
                 t.get("confirmed"), t.get("submitted"), t.get("approved"), t.get("publicized"),
                 t.get("paid"), t.get("closed"), o["last"])
        # R4 as amended: some decided claims were returned for correction
        # once (a round of their own), then submitted again
        returned = None
        if t.get("decided") and "submitted" in t and t["submitted"] - t["contracted"] > 3 * DAY \
                and rng.random() < 0.04:
            gap = (t["submitted"] - t["contracted"]) // 3
            returned = (t["contracted"] + gap, t["contracted"] + 2 * gap)
            o["events"].append((returned[0], "provider", "contracted", "submitted",
                                REASON["submitted"]))
            o["events"].append((returned[1], "reviewer", "submitted", "contracted",
                                "退回补正：" + RETURN_REASON))
            o["events"].sort(key=lambda e_: e_[0])
        mine = ordered >= cur_start        # the inbox came with this round
        for at, role, frm, to, reason in o["events"]:
            actor = {"enterprise": eacc, "provider": pacc, "reviewer": REVIEWER,
                     "bureau": BUREAU, "system": None}[role]
            evid = nid("order_events")
            ev.row(evid, oid, at, actor, role, frm, to, reason, "scale-e%d" % evid)
            if not mine:
                continue
            k_ = EVENT_KIND.get((frm, to))
            if k_ is None and frm == "pending" and to == "cancelled" and role == "provider":
                k_ = ("order_declined", False)
            if k_ is None:
                continue
            what = "订单 SV%s%010d（%s）" % (sh_date(ordered).replace("-", ""), oid, p["name"])
            text = {"order_new": "您有新%s，请在 %s（北京时间）前决定是否接单，逾期订单自动取消。"
                                 % (what, bj(ordered + 48 * H)),
                    "order_accepted": "服务机构已接单：%s。" % what,
                    "order_declined": "服务机构未接单：%s已取消，占用的额度已退回。" % what,
                    "confirm_requested": "服务机构已提交%s的兑付申请，请确认服务完成并评价，确认期限至 "
                                         "%s（北京时间）。" % (what, bj(at + 15 * DAY)),
                    "claim_approved": "%s的兑付申请初审通过。" % what,
                    "claim_rejected": "%s的兑付申请初审未通过。" % what,
                    "claim_returned": "%s的兑付申请被退回补正，请按意见修改后在服务券有效期内重新提交。"
                                      "说明：%s。" % (what, RETURN_REASON),
                    "publicity_started": "%s的兑付已进入公示。" % what,
                    "paid": "%s的服务券补贴已兑付。" % what}[k_[0]]
            inbox(k_[0], k_[1], o, at, text)
            remind(k_[0], o, at, 0, evid)
        if mine:
            what = "订单 SV%s%010d（%s）" % (sh_date(ordered).replace("-", ""), oid, p["name"])
            # O4: 24 h and 4 h before the acceptance limit, while pending
            decided_at = t.get("accepted") or (t.get("closed") if "accepted" not in t
                                              and st == "cancelled" else None) or now
            for thr in (24 * H, 4 * H):
                due = ordered + 48 * H - thr
                if due < decided_at and due <= now:
                    inbox("accept_due", True, o, due,
                          "%s尚未接单，距接单截止（%s，北京时间）已不足 %d 小时，逾期订单自动取消。"
                          % (what, bj(ordered + 48 * H), thr // H))
                    remind("accept_due", o, due, thr)
                    break           # the tightest crossed threshold only
            # O6: 7 days and 1 day before the voucher runs out, unclaimed
            if "accepted" in t:
                ends = t.get("submitted") or (t.get("closed") if st in ("expired", "cancelled")
                                              else None) or now
                for thr in (DAY, 7 * DAY):
                    due = valid_until - thr
                    if due < ends and due <= now:
                        for side in (False, True):
                            inbox("validity_ending", side, o, due,
                                  "%s的服务券将于 %s（北京时间）到期，剩余不足 %d 天；到期前未提交兑付申请的，"
                                  "服务券过期作废。" % (what, bj(valid_until), thr // DAY))
                        remind("validity_ending", o, due, thr)
                        break
            aud(at, actor, role, "order.%s" % ("create" if frm is None else to), "order", oid,
                '{"status":"%s"}' % to)
        if ordered > now - 7 * DAY:
            idem.row(eacc, "scale-%d" % oid, hashlib.sha256(b"%d" % oid).hexdigest(), "done",
                     201, '{"id":%d}' % oid, ordered, ordered)
        if "contracted" in t:
            amount = o["amount"]
            signed = sh_date(t["contracted"] - rng.randint(0, 6 * H))
            if signed < sh_date(ordered):
                signed = sh_date(ordered)
            con.row(oid, "HT-%d" % oid, signed, signed, amount, 12, amount, o["subsidy"],
                    amount - o["subsidy"], t["contracted"], pacc, None)
            aud(t["contracted"], pacc, "provider", "contract.update", "order", oid,
                '{"subsidy":%d}' % o["subsidy"])
        if "confirmed" in t:
            q1, q2, q3 = rng.choice([(5, 5, 5), (5, 4, 5), (4, 4, 4), (5, 5, 4), (3, 4, 4),
                                     (4, 5, 5), (2, 3, 3)])
            evals.row(oid, pid, prov_id, q1, q2, q3, rng.choice([None, "服务专业，响应及时", "整体满意",
                                                       "交付略有延迟"]), t["confirmed"])
            p["rsum"] += q1 + q2 + q3
            p["rcnt"] += 3
        if "submitted" in t:
            sub = t["submitted"]
            cst = o["claim_status"]
            amount, subsidy = o["amount"], o["subsidy"]
            inv_date = sh_date(t["contracted"] + rng.randint(H, 2 * DAY))
            if inv_date > sh_date(sub):
                inv_date = sh_date(sub)
            if inv_date < signed:
                inv_date = signed
            decided = t.get("decided")
            claims.row(oid, cst, "FP%d" % (10**11 + oid), inv_date, amount, subsidy,
                       amount - subsidy, inv_date, amount - subsidy, t["contracted"] + H,
                       decided or sub, sub, REVIEWER if decided else None, decided,
                       None if cst == "submitted" else cst,
                       o.get("approved_amount") if cst == "approved" else None,
                       o.get("claim_reason"))
            if returned:
                rounds_.row(nid("claim_reviews"), oid, returned[0], "returned", None,
                            RETURN_REASON, REVIEWER, "reviewer", returned[1])
            if decided:
                rounds_.row(nid("claim_reviews"), oid, sub, cst,
                            o.get("approved_amount") if cst == "approved" else None,
                            o.get("claim_reason"), REVIEWER, "reviewer", decided)
            for kind in ("contract", "commitment", "invoice", "invoice_check", "receipt"):
                n_files += 1
                fid = nid("redemption_files")
                sha = hashlib.sha256(b"%d-%s" % (oid, kind.encode())).hexdigest()
                if n_files % 5000 == 0:
                    sha = dup_sha               # the same bytes elsewhere: a flag
                files.row(fid, oid, kind, "%s-%d.pdf" % (kind, oid), "scale-%d.pdf" % fid,
                          "application/pdf", 40000 + fid % 200000, sha,
                          t["contracted"] + 2 * H + fid % 3600, pacc)
            aud(sub, pacc, "provider", "claim.submit", "redemption_claim", oid,
                '{"status":"submitted"}')
            if decided:
                aud(decided, REVIEWER, "reviewer", "claim.%s" % (
                    "approve" if cst == "approved" else "reject"), "redemption_claim", oid,
                    '{"status":"%s"}' % cst)
        b = o.get("batch")
        if b is not None:
            iid = nid("publicity_items")
            o["item_id"] = iid
            obj = o.get("objection")
            withdrawn = obj == "upheld"
            paid_on = sh_date(b["paid"]) if (b["paid"] and not withdrawn) else None
            # written with the batch's records (R7), below
            b["rows"].append([iid, b["id"], oid, p["prov"]["name"], p["name"], p["cat"],
                              o["approved_amount"],
                              obj or ("open" if o.get("open_feedback") else "none"),
                              1 if withdrawn else 0, t.get("closed") if withdrawn else None,
                              b["created"], paid_on,
                              search.of(p["name"] + "\t" + p["prov"]["name"])])
            b["items"].append((iid, o["approved_amount"], withdrawn))
            if obj or o.get("open_feedback"):
                fid = nid("feedback")
                made = b["pub"] + rng.randint(H, 5 * DAY)
                status = obj or "open"
                decided = None if status == "open" else made + rng.randint(H, DAY)
                if withdrawn:
                    decided = t["closed"]
                    made = min(made, decided - H)
                fb.row(fid, iid, "FB%012d" % fid, "该服务是否真实发生？请核查。", None, status,
                       None if status == "open" else ("异议成立，撤回该项" if withdrawn else
                                                      "经核查服务真实，异议不成立"),
                       made, decided, None if status == "open" else BUREAU,
                       "10.%d.%d.%d" % (fid % 250, fid // 250 % 250, fid % 7))
                aud(made, None, "public", "feedback.create", "feedback", fid,
                    '{"status":"open"}')
        if o.get("refund"):
            rid = nid("refunds")
            kind = o["refund"]
            ramount = o["amount"] if kind == "full" else o["amount"] // 3
            rep = t["refund"]
            refunds.row(rid, oid, kind, ramount, "客户要求退款", rep, pacc)
            due = o["approved_amount"] if kind == "full" else o["approved_amount"] * ramount // o["amount"]
            settled = rep + 20 * DAY < now and rng.random() < 0.7
            recov.row(nid("recoveries"), oid, rid, None, due, due if settled else 0,
                      sh_date(rep + 20 * DAY) if settled else None,
                      "settled" if settled else "open", rep, rep + 20 * DAY if settled else rep,
                      BUREAU if settled else None)
            aud(rep, pacc, "provider", "refund.create", "refund", rid, '{"kind":"%s"}' % kind)
    stats["orders"] = len(orders)
    stats["orders_skipped"] = skipped

    # products, with units from the orders (P5) and ratings from evaluations
    prods = table("products", ["id", "round_year", "provider_id", "category", "name",
                               "description", "market_price", "voucher_price", "unit_subsidy",
                               "units_total", "remaining_units", "units_sold", "validity_days",
                               "listed", "rating_sum", "rating_count", "application_id",
                               "created_at", "updated_at", "search_text_id"])
    apps = table("product_applications", ["id", "round_year", "provider_id", "state",
                                          "form_json", "last_year_revenue",
                                          "last_year_contracts", "created_at", "updated_at",
                                          "last_saved_at", "last_submitted_at", "submit_count",
                                          "preferred", "reviewer_opinion", "reviewed_by",
                                          "reviewed_at", "reviewer_comment", "decided_by",
                                          "decided_at", "review_comment"])
    aprods = table("application_products", ["id", "application_id", "seq", "category", "name",
                                            "description", "market_price", "voucher_price",
                                            "requested_units", "requested_validity_days",
                                            "approved_units", "approved_validity_days",
                                            "product_id", "created_at", "updated_at"])
    aevents = table("application_events", ["id", "application_id", "at", "actor_account_id",
                                           "actor_role", "action", "opinion", "from_state",
                                           "to_state", "comment", "request_id"])
    by_prov_round = {}
    for p in products:
        by_prov_round.setdefault((p["prov"]["id"], p["round"]), []).append(p)
    n_apps = {"draft": 0, "pending": 0, "approved": 0, "returned": 0, "rejected": 0}
    for pv in providers:
        for rnd in (Y0, Y):
            ps = by_prov_round.get((pv["id"], rnd), [])
            ws = year_start(rnd) + rng.randint(3, 40) * DAY
            if ps:
                state = "approved"
            elif pv["id"] in prov_viol:
                continue
            else:
                r = rng.random()
                state = ("rejected" if rnd == Y0 or r < 0.3 else "pending" if r < 0.7 else
                         "returned" if r < 0.85 else "draft")
            aid = nid("product_applications")
            n_apps[state] += 1
            submitted = None if state == "draft" else ws + rng.randint(H, 20 * DAY)
            if state == "pending" and rnd == Y:
                submitted = min(submitted, now - DAY)
            decided = None
            if state in ("approved", "rejected"):
                decided = (min(p["created"] for p in ps) - rng.randint(H, DAY)) if ps else \
                    submitted + rng.randint(5, 20) * DAY
            reviewed = (submitted + rng.randint(H, 3 * DAY)) if state != "draft" and \
                (decided or rng.random() < 0.5) else None
            if reviewed and decided and reviewed > decided:
                reviewed = decided - 60
            opinion = None if reviewed is None else ("approve" if state == "approved" else
                                                     "return" if state == "returned" else
                                                     "reject" if state == "rejected" else "approve")
            names_json = ",".join('{"name":"%s","category":"%s"}' % (p["name"], p["cat"])
                                  for p in ps) if ps else '{"name":"%s服务","category":"%s"}' % (
                pv["brand"], pv["cat"])
            apps.row(aid, rnd, pv["id"], state,
                     '{"provider":{"name":"%s"},"products":[%s]}' % (pv["name"], names_json),
                     rng.randint(300, 5000) * 10**6, rng.randint(25, 900), ws,
                     decided or reviewed or submitted or ws, submitted, submitted,
                     0 if submitted is None else 1, 1 if rng.random() < 0.2 else 0,
                     opinion, REVIEWER if reviewed else None, reviewed,
                     "材料齐全" if reviewed else None, BUREAU if decided else None, decided,
                     None if state in ("draft", "pending") else
                     {"approved": "同意入库", "rejected": "不符合 A1 条件",
                      "returned": "请补充材料"}[state])
            if submitted:
                aevents.row(nid("application_events"), aid, submitted, prov_acc[pv["id"]],
                            "provider", "submit", None, "draft", "pending", None, None)
                aud(submitted, prov_acc[pv["id"]], "provider", "application.submit",
                    "product_application", aid, '{"state":"pending"}')
            if reviewed:
                aevents.row(nid("application_events"), aid, reviewed, REVIEWER, "reviewer",
                            "opinion", opinion, "pending", "pending", "材料齐全", None)
            if decided or state == "returned":
                to = state
                at = decided or (reviewed or submitted) + DAY
                aevents.row(nid("application_events"), aid, at, BUREAU, "bureau",
                            {"approved": "approve", "rejected": "reject",
                             "returned": "return"}[to], None, "pending", to, None, None)
            for seq, p in enumerate(ps, 1):
                p["app"] = aid
                aprods.row(nid("application_products"), aid, seq, p["cat"], p["name"], "标准化服务",
                           p["market"], p["voucher"], None, p["days"], None, p["days"], p["id"],
                           ws, decided)
    stats["applications"] = sum(n_apps.values())
    sold_out = 0
    for p in products:
        if rng.random() < 0.06:
            remaining = 0
            sold_out += 1
        else:
            remaining = rng.randint(5, 400)
        total = p["held"] + remaining
        listed = 0 if p["prov"]["id"] in prov_viol else 1
        prods.row(p["id"], p["round"], p["prov"]["id"], p["cat"], p["name"],
                  "%s：%s，由%s提供，服务周期 12 个月，含需求调研、方案设计、实施交付与验收。" % (
                      p["name"], SERVICE[p["cat"]][0], p["prov"]["name"]),
                  p["market"], p["voucher"], p["subsidy"], total, remaining, p["held"], p["days"],
                  listed, p["rsum"], p["rcnt"], p.get("app"), p["created"], p["created"],
                  search.of(p["name"] + "\t" + p["prov"]["name"]))
        aud(p["created"], BUREAU, "bureau", "product.create", "product", p["id"],
            '{"units_total":%d}' % total)

    # providers and their accounts
    # organisations (006_registration.sql): every generated enterprise and
    # provider is certified (E9, E12), as the registration program adopts
    # the bureau's onboarded ones; those that joined by themselves (one
    # enterprise in ten) have their approved certification, and a queue
    # of new ones waits
    orgs = table("organisations", ["id", "kind", "enterprise_id", "provider_id", "state", "name",
                                   "uscc", "registered_in_beijing", "is_enterprise",
                                   "main_body_in_beijing", "size_class", "claims_specialized",
                                   "claims_little_giant", "quals_declared", "certified_json",
                                   "certified_at", "last_decision", "created_at", "updated_at"])
    certs = table("certifications", ["id", "org_id", "kind", "status", "is_change", "name",
                                     "uscc", "size_class", "values_json", "submitted_at",
                                     "submitted_by", "decided_at", "decided_by", "decided_role",
                                     "reason"])
    for pv in providers:
        bar = prov_viol.get(pv["id"])
        pv_uscc = uscc(100000 + pv["id"] - BASE_ID, rng.choice(DIVISIONS), "MC")
        prov.row(pv["id"], pv["name"], pv_uscc,
                 1, 1, 1, sh_date(pv["created"] - rng.randint(3, 15) * 365 * DAY), 0, None,
                 sh_date(pv["created"]), bar + 3 * 365 * DAY if bar else None,
                 rng.randint(25, 900), rng.randint(300, 5000) * 10**6, pv["created"],
                 bar or pv["created"], search.of(pv["name"]))
        oid_ = nid("organisations")
        orgs.row(oid_, "provider", None, pv["id"], "approved", pv["name"], pv_uscc, 1, None, 1,
                 None, 0, 0, 0, '{"name":"%s","uscc":"%s","registered_in_beijing":true,'
                 '"main_body_in_beijing":true}' % (pv["name"], pv_uscc), pv["created"],
                 None, pv["created"], pv["created"])
        acc.row(prov_acc[pv["id"]], "sp%05d" % (pv["id"] - BASE_ID + 1), NOPASS, "provider", None,
                pv["id"], 0, pv["created"], None, None, oid_, None, None)
        aud(pv["created"], BUREAU, "bureau", "provider.create", "provider", pv["id"],
            '{"name":"%s"}' % pv["name"])

    # enterprises, accounts and the quota rows (E7, O3), the bureau's lists
    # (E11, E14) and their imports
    imports = table("list_imports", ["id", "list", "year", "imported_at", "imported_by",
                                     "encoding", "sha256", "row_count", "added", "removed",
                                     "unchanged", "enterprises_changed"])
    qual_rows = table("qualification_lists", ["list", "year", "uscc", "name", "import_id"])
    credit_rows = table("credit_list", ["uscc", "source", "listed_on", "until", "import_id"])
    IMPORT_QUALS = {(t_, yr): nid("list_imports") for yr in (Y0, Y)
                    for t_ in ("specialized", "little_giant")}
    IMPORT_CREDIT = nid("list_imports")
    n_quals = {}
    for i, (name, tier, flags, created, _) in enumerate(ent_rows):
        eid = ent_ids[i]
        bar = violators.get(i)
        credit = (1, "信用中国（北京）严重负面", sh_date(created + 10 * DAY)) if flags == 1 else \
            (0, None, sh_date(created))
        e_uscc = uscc(i, DIVISIONS[i % len(DIVISIONS)] if flags != 2 else "120116")
        size = ("micro", "small", "medium")[i % 3]
        # E14: the credit-flagged are on the bureau's credit list, each
        # entry ending two years after it was listed (before its 3 years)
        listed_until = sh_date(created + 10 * DAY + 730 * DAY) if flags == 1 else None
        if flags == 1:
            credit_rows.row(e_uscc, credit[1], credit[2], listed_until, IMPORT_CREDIT)
        ents_tsv.row(eid, name, e_uscc, tier, size, 0 if flags == 2 else 1, 1,
                     credit[0], credit[1], credit[2], listed_until, credit[1] if flags else None,
                     bar + 3 * 365 * DAY if bar else None, created, bar or created)
        # E11: the higher tiers follow the bureau's lists, of both rounds
        quals = tier != "ordinary"
        if quals:
            for yr in (Y0, Y):
                qual_rows.row(tier, yr, e_uscc, name, IMPORT_QUALS[(tier, yr)])
                n_quals[(tier, yr)] = n_quals.get((tier, yr), 0) + 1
        oid_ = nid("organisations")
        joined = i % 10 == 0               # one in ten joined by itself (E9)
        certified = created + (rng.randint(H, 3 * DAY) if joined else 0)
        orgs.row(oid_, "enterprise", eid, None, "approved", name, e_uscc, 0 if flags == 2 else 1, 1,
                 None, size, 1 if tier == "specialized" else 0, 1 if tier == "little_giant" else 0,
                 1 if quals else 0,
                 '{"name":"%s","uscc":"%s","registered_in_beijing":%s,"is_enterprise":true,'
                 '"size_class":"%s"}' % (name, e_uscc, "false" if flags == 2 else "true", size),
                 certified, "approve" if joined else None, created, certified)
        if joined:
            certs.row(nid("certifications"), oid_, "enterprise", "approved", 0, name, e_uscc, size,
                      '{"name":"%s","uscc":"%s","size_class":"%s"}' % (name, e_uscc, size),
                      created, ent_acc[i], certified, REVIEWER, "reviewer", None)
            notes.row(nid("notifications"), "cert_decided", "sms", ent_acc[i],
                      contact_of(i)[1], "【服务券】您的企业认证已通过。", None, 0, "sent", 1,
                      certified, certified, certified + 30, None)
        seen = set()
        for k in range(len(name)):
            for g in (name[k], name[k:k + 2]):
                if g.lower() not in seen:
                    seen.add(g.lower())
                    egrams.line("%s\t%d" % (g, eid))
        acc.row(ent_acc[i], "se%06d" % (i + 1), NOPASS, "enterprise", eid, None, 0, created,
                None, None, oid_, None, None)
        aud(created, BUREAU, "bureau", "enterprise.create", "enterprise", eid,
            '{"tier":"%s"}' % tier)
    for (t_, yr), iid in IMPORT_QUALS.items():
        at = year_start(yr) + 20 * DAY
        imports.row(iid, t_, yr, at, BUREAU, "UTF-8", hashlib.sha256(b"%d" % iid).hexdigest(),
                    n_quals.get((t_, yr), 0), n_quals.get((t_, yr), 0), 0, 0, 0)
    at = cur_start + 20 * DAY
    imports.row(IMPORT_CREDIT, "credit", None, at, BUREAU, "GB18030",
                hashlib.sha256(b"credit").hexdigest(), credit_rows.n, credit_rows.n, 0, 0, 0)
    # the verification queue (E9): organisations that joined and wait,
    # each with its account (login = its verified mobile) and code sent
    for k in range(max(2, int(600 * scale))):
        at = now - rng.randint(H, 20 * DAY)
        oid_ = nid("organisations")
        aid = nid("accounts")
        name = "北京%s%s新创科技有限公司" % (BRAND[k % len(BRAND)], BRAND[k // len(BRAND) % len(BRAND)])
        e_uscc = uscc(N_ENT + k, DIVISIONS[k % len(DIVISIONS)])
        mobile = "199%08d" % k
        orgs.row(oid_, "enterprise", None, None, "submitted", name, e_uscc, 1, 1, None, "small",
                 0, 0, 0, None, None, None, at - DAY, at)
        acc.row(aid, mobile, NOPASS, "enterprise", None, None, 0, at - DAY, None, None, oid_,
                mobile, at - DAY)
        certs.row(nid("certifications"), oid_, "enterprise", "pending", 0, name, e_uscc, "small",
                  '{"name":"%s","uscc":"%s","size_class":"small"}' % (name, e_uscc), at, aid,
                  None, None, None, None)
        notes.row(nid("notifications"), "signup_code", "sms", aid, mobile, "（已发送，内容已清除）",
                  None, 1, "sent", 1, at - DAY, at - DAY, at - DAY + 5, None)
        aud(at - DAY, None, "public", "account.signup", "account", aid, '{"role":"enterprise"}')
        aud(at, aid, "enterprise", "org.submit", "organisation", oid_, '{"state":"submitted"}')

    # the last order contact of each enterprise (issue 11)
    ec = table("enterprise_contacts", ["enterprise_id", "contact_name", "contact_mobile",
                                       "updated_at"])
    for eid, (cname, cmobile, at) in sorted(contacts.items()):
        ec.row(eid, cname, cmobile, at)
    del contacts

    qt = table("enterprise_quota", ["enterprise_id", "year", "cap", "occupied"])
    # every certified enterprise holds this round's allowance (E9); last
    # round's rows exist where it ordered
    for i in range(N_ENT):
        eid = ent_ids[i]
        for yr in (Y0, Y):
            if yr == Y or (eid, yr) in quota:
                qt.row(eid, yr, TIER_CAP[ent_tiers[i]], quota.get((eid, yr), 0))
    del quota

    # batches: their items' totals, the hash chain
    bt = table("publicity_batches", ["id", "title", "status", "seq", "created_at", "created_by",
                                     "published_at", "published_by", "period_ends_at",
                                     "period_days", "paid_on", "paid_at", "paid_by",
                                     "item_count", "total_amount", "file_sha256",
                                     "prev_sha256"])
    prev = None
    for b in batches:
        # R7: each withdrawal, then the payment of the items not withdrawn,
        # numbered in time order as 014_payment_records.sql numbers them
        evs = [(r[9], r[0], "withdrawal", r) for r in b["rows"] if r[8]]
        if b["paid"] and any(not r[8] for r in b["rows"]):
            evs.append((b["paid"], min(r[0] for r in b["rows"] if not r[8]), "payment", None))
        evs.sort(key=lambda e_: (e_[0], e_[1], e_[2]))
        paid_seq = None
        for seq, (at, _first, kind, r) in enumerate(evs, 1):
            if kind == "withdrawal":
                records.row(b["id"], seq, kind, 1, at, None, "objection")
                r.append(seq)
            else:
                records.row(b["id"], seq, kind, 1, at, sh_date(at), None)
                paid_seq = seq
        for r in b["rows"]:
            if not r[8]:
                r.append(None)
            r.append(paid_seq if r[11] is not None else None)
            items.row(*r)
        del b["rows"]
        count = len(b["items"])
        total = sum(a for _, a, _w in b["items"])
        sha = hashlib.sha256(("scale-batch-%d-%d-%d" % (b["seq"], count, total)).encode()).hexdigest()
        g = time.gmtime(b["pub"] + 8 * HOUR)
        bt.row(b["id"], "北京市中小企业服务券兑付公示（%d年第%d批）" % (g.tm_year, b["seq"]),
               "paid" if b["paid"] else "published", b["seq"], b["created"], BUREAU, b["pub"],
               BUREAU, b["ends"], 7, sh_date(b["paid"]) if b["paid"] else None, b["paid"],
               BUREAU if b["paid"] else None, count, total, sha, prev)
        aud(b["created"], BUREAU, "bureau", "batch.create", "publicity_batch", b["id"],
            '{"items":%d}' % count)
        aud(b["pub"], BUREAU, "bureau", "batch.publish", "publicity_batch", b["id"],
            '{"seq":%d}' % b["seq"])
        if b["paid"]:
            aud(b["paid"], BUREAU, "bureau", "batch.pay", "publicity_batch", b["id"],
                '{"status":"paid"}')
        prev = sha
    chain = (batches[-1]["id"], prev, len(batches))

    # violations (V2) and their recoveries of paid subsidies
    vt = table("violations", ["id", "party", "party_id", "kind", "description", "order_id",
                              "recorded_at", "recorded_by", "barred_until"])
    revoked = {o["e"]: o for o in orders if o["final"] == "revoked"}
    paid_by_ent = {}
    paid_by_prov = {}
    for o in orders:
        if o["final"] == "paid":
            if o["e"] in violators:
                paid_by_ent.setdefault(o["e"], []).append(o)
            if o["p"]["prov"]["id"] in prov_viol:
                paid_by_prov.setdefault(o["p"]["prov"]["id"], []).append(o)
    for e, bar in violators.items():
        vid = nid("violations")
        ro = revoked.get(e)
        vt.row(vid, "enterprise", ent_ids[e], "transfer", "转让、赠予或买卖服务券",
               ro["id"] if ro else None, bar, BUREAU, bar + 3 * 365 * DAY)
        aud(bar, BUREAU, "bureau", "violation.create", "violation", vid, '{"party":"enterprise"}')
        for o in paid_by_ent.get(e, []):
            recov.row(nid("recoveries"), o["id"], None, vid, o["approved_amount"], 0, None, "open",
                      bar, bar, None)
    for pid_, bar in prov_viol.items():
        vid = nid("violations")
        vt.row(vid, "provider", pid_, "fictitious_contract", "虚构合同或虚增金额", None, bar, BUREAU,
               bar + 3 * 365 * DAY)
        aud(bar, BUREAU, "bureau", "violation.create", "violation", vid, '{"party":"provider"}')
        for o in paid_by_prov.get(pid_, []):
            recov.row(nid("recoveries"), o["id"], None, vid, o["approved_amount"], 0, None, "open",
                      bar, bar, None)

    for a_, (first, last) in sorted(device_used.items()):
        if last < now - 180 * DAY:
            continue            # voucherctl tidy purged it
        devices.row(hashlib.sha256(b"scale-device-%d" % a_).hexdigest(), a_, first, last)

    # spot checks (V3): a sample of contracted-or-later orders
    sc = table("spot_checks", ["id", "sample_id", "order_id", "sampled_at", "sampled_by",
                               "result", "note", "checked_at", "checked_by"])
    cands = [o for o in orders if o["final"] in ("paid", "submitted", "approved", "publicized")]
    sample_at = now - 20 * DAY
    for k, o in enumerate(rng.sample(cands, min(len(cands), int(1000 * scale) + 1))):
        sid = nid("spot_checks")
        done = k % 3 != 0
        sc.row(sid, "S%08d" % (k // 50), o["id"], sample_at + k // 50 * 600, BUREAU,
               ("ok" if k % 7 else "issue") if done else "pending",
               "抽查无误" if done else None, sample_at + DAY if done else None,
               BUREAU if done else None)

    search.write(table)
    for t_ in T.values():
        t_.close()
    with open(os.path.join(out, "load.sql"), "w") as f:
        f.write(load_sql(T, out, chain, Y0))
    figures = {"round_previous": Y0, "round_current": Y}
    for name in ["enterprises", "enterprise_quota", "providers", "accounts", "products",
                 "orders", "order_events", "contracts", "evaluations", "redemption_claims",
                 "redemption_files", "publicity_batches", "publicity_items", "feedback",
                 "refunds", "recoveries", "violations", "spot_checks", "product_applications",
                 "application_events", "idempotency_keys", "audit_log", "search_texts",
                 "search_grams", "enterprise_grams", "organisations", "certifications",
                 "notifications", "enterprise_contacts", "qualification_lists",
                 "credit_list", "claim_reviews", "login_devices", "reminders",
                 "publicity_records"]:
        figures[name] = T[name].n
    figures.update({"status_" + k: v for k, v in stats.items()})
    figures["products_sold_out"] = sold_out
    return figures


def fill_times(rng, o, now):
    """The order's timeline (o['t']), final status, events and amounts."""
    H = HOUR
    t, p, kind = o["t"], o["p"], o["status"]
    ordered = t["ordered"]
    valid = ordered + p["days"] * DAY
    ev = [(ordered, "enterprise", None, "pending", REASON["pending"])]
    o["unit_held"] = 1
    o["amount"] = p["voucher"]
    base_sub = min(o["amount"] * 30 // 100, 5_000_000)

    def accept(lo=H, hi=30 * H):
        t["accepted"] = ordered + rng.randint(lo, hi)
        ev.append((t["accepted"], "provider", "pending", "accepted", REASON["accepted"]))

    def contract(limit):
        t["contracted"] = min(t["accepted"] + rng.randint(2 * H, 3 * DAY), limit)
        o["subsidy"] = min(base_sub, o["reserve"])
        ev.append((t["contracted"], "provider", "accepted", "contracted", REASON["contracted"]))

    if kind == "pending":
        o["final"] = "pending"
    elif kind == "cancelled":
        r = rng.random()
        if r < 0.35:
            t["closed"] = ordered + rng.randint(600, 40 * H)
            o["cancel_reason"], actor, reason = "enterprise", "enterprise", REASON["cancelled_enterprise"]
        elif r < 0.6:
            t["closed"] = ordered + rng.randint(H, 40 * H)
            o["cancel_reason"], actor, reason = "declined", "provider", REASON["cancelled_declined"]
            o["status_reason"] = "排期已满"
        else:
            t["closed"] = ordered + 48 * H + rng.randint(5, 60)
            o["cancel_reason"], actor, reason = "accept_timeout", "system", REASON["cancelled_accept_timeout"]
        ev.append((t["closed"], actor, "pending", "cancelled", reason))
        o["final"], o["unit_held"] = "cancelled", 0
    elif kind == "expired":
        accept()
        frm = "accepted"
        if rng.random() < 0.4:
            contract(valid - H)
            frm = "contracted"
        t["closed"] = valid + rng.randint(5, 60)
        ev.append((t["closed"], "system", frm, "expired", REASON["expired"]))
        o["final"], o["unit_held"] = "expired", 0
        o.pop("subsidy", None) if frm == "accepted" else None
    elif kind == "accepted":
        accept(60, min(30 * H, max(61, now - ordered - 60)))
        o["final"] = "accepted"
    elif kind == "contracted":
        accept(60, min(20 * H, max(61, (now - ordered) // 3)))
        contract(now - 60)
        o["final"] = "contracted"
    elif kind == "revoked":
        accept(H, 20 * H)
        contract(o["bar"] - H)
        t["closed"] = o["bar"]
        ev.append((t["closed"], "bureau", "contracted", "revoked", REASON["revoked"]))
        o["final"], o["unit_held"] = "revoked", 0       # no service delivered: unit back
        o["status_reason"] = "违规处理（《工作指南》七、5）：终止订单"
    else:
        # submitted, approved, rejected (R4) or batched: accepted, contracted,
        # confirmed (C1), submitted before valid-until
        sub = t["submitted"]
        room = sub - ordered
        t["accepted"] = ordered + rng.randint(H // 2, max(H, min(30 * H, room // 4)))
        ev.append((t["accepted"], "provider", "pending", "accepted", REASON["accepted"]))
        t["contracted"] = t["accepted"] + rng.randint(H // 2, max(H, min(3 * DAY, (sub - t["accepted"]) // 3)))
        o["subsidy"] = min(base_sub, o["reserve"])
        ev.append((t["contracted"], "provider", "accepted", "contracted", REASON["contracted"]))
        ev.append((sub, "provider", "contracted", "submitted", REASON["submitted"]))
        confirmed = sub - rng.randint(60, max(61, (sub - t["contracted"]) // 2))
        if kind == "submitted" and rng.random() < 0.3:
            confirmed = None        # C2: waiting for the confirmation
        if confirmed:
            t["confirmed"] = confirmed
            ev.append((confirmed, "enterprise", "contracted", "contracted", REASON["confirm"]))
        o["claim_status"] = "submitted"
        if kind == "submitted":
            o["final"] = "submitted"
        elif kind == "rejected":
            t["decided"] = t["closed"]
            ev.append((t["closed"], "reviewer", "submitted", "rejected", REASON["rejected_review"]))
            o["final"], o["claim_status"] = "rejected", "rejected"
            o["claim_reason"] = "材料与合同不符"
            o["status_reason"] = "初审不通过"
        else:
            t["decided"] = t["approved"]
            o["approved_amount"] = o["subsidy"]
            o["claim_status"] = "approved"
            ev.append((t["approved"], "reviewer", "submitted", "approved", REASON["approved"]))
            if kind == "approved":
                o["final"] = "approved"
            else:
                publicize(rng, o, ev)
    o["events"] = ev
    o["last"] = max(e[0] for e in ev)
    return o


def publicize(rng, o, ev):
    """R5, R6: listed in its batch, then paid after the period, or
    withdrawn by an upheld objection; some paid ones refunded later."""
    H = HOUR
    t, b, now = o["t"], o["batch"], o["now"]
    t["publicized"] = b["pub"]
    ev.append((b["pub"], "bureau", "approved", "publicized", REASON["publicized"]))
    o["final"] = "publicized"
    r = rng.random()
    if r < 0.004:
        o["objection"] = rng.choice(["dismissed", "dismissed", "upheld"])
    if o.get("objection") == "upheld":
        t["closed"] = min(b["pub"] + rng.randint(DAY, 5 * DAY), now - H)
        ev.append((t["closed"], "bureau", "publicized", "rejected", REASON["rejected_objection"]))
        o["final"], o["claim_status"] = "rejected", "rejected"
        o["claim_reason"] = o["status_reason"] = "公示异议成立，撤回公示项目"
        return
    if b["paid"] is None:
        if o.get("objection") is None and rng.random() < 0.01:
            o["open_feedback"] = True
        return
    t["paid"] = b["paid"]
    ev.append((b["paid"], "bureau", "publicized", "paid", REASON["paid"]))
    o["final"] = "paid"
    if not o["no_refund"] and o.get("objection") is None and rng.random() < 0.02 \
            and b["paid"] + 6 * DAY < now:
        o["refund"] = "full" if rng.random() < 0.6 else "partial"
        t["refund"] = b["paid"] + rng.randint(5 * DAY, min(60 * DAY, now - b["paid"] - H))
        if o["refund"] == "full":
            t["closed"] = t["refund"]
            ev.append((t["refund"], "provider", "paid", "refunded", REASON["refunded"]))
            o["final"] = "refunded"
            o["status_reason"] = "全额退款"


def final_reserved(o):
    """What the order holds of the enterprise's cap once its story ends."""
    st = o["final"]
    if st in ("pending", "accepted"):
        return o["reserve"]
    if st in ("contracted", "submitted"):
        return o["subsidy"]
    if st in ("approved", "publicized", "paid"):
        return o["approved_amount"]
    return 0


def load_sql(T, out, chain, y0):
    """LOAD DATA statements for every file, then the fix-ups that need the
    loaded rows (auto-increment past the generated ids, the chain head)."""
    lines = ["-- load.sql - GENERATED by tests/scale/gen_scale.py: bulk load of the year.",
             "SELECT 'start', 0, UNIX_TIMESTAMP(SYSDATE(6));",
             "SET NAMES utf8mb4;", "SET time_zone = '+00:00';",
             "SET foreign_key_checks = 0, unique_checks = 0;",
             "-- the triggers of 004_scale.sql step aside: the files hold the search",
             "-- index and the counts are set at the end",
             "SET @voucher_bulk_load = 1;",
             "INSERT IGNORE INTO rounds (year, apply_opens_on, apply_closes_on, order_opens_on,"
             " order_closes_on, is_current, updated_at)"
             " VALUES (%d, '%d-01-01', '%d-02-28', '%d-01-01', '%d-12-31', 0, NULL);"
             % (y0, y0, y0, y0, y0)]
    times = {"created_at", "updated_at", "barred_until", "last_login_at", "ordered_at",
             "accept_deadline", "accepted_at", "valid_until", "contracted_at", "confirmed_at",
             "submitted_at", "approved_at", "publicized_at", "paid_at", "closed_at", "at",
             "recorded_at", "reviewed_at", "uploaded_at", "withdrawn_at", "decided_at",
             "reported_at", "sampled_at", "checked_at", "published_at", "period_ends_at",
             "completed_at", "last_saved_at", "last_submitted_at", "certified_at",
             "mobile_verified_at", "imported_at", "next_attempt_at", "sent_at",
             "last_used_at", "read_at"}
    order = ["search_texts", "search_grams", "enterprise_grams", "organisations", "accounts",
             "providers", "enterprises", "enterprise_quota", "enterprise_contacts",
             "list_imports", "qualification_lists", "credit_list", "certifications",
             "notifications", "product_applications",
             "products", "application_products", "application_events", "orders", "order_events",
             "contracts", "evaluations", "redemption_claims", "claim_reviews", "redemption_files",
             "publicity_batches", "publicity_records", "publicity_items", "feedback", "refunds",
             "violations", "recoveries", "spot_checks", "idempotency_keys", "login_devices",
             "reminders", "audit_log"]
    for name in order:
        t = T[name]
        cols, sets = [], []
        for c in t.cols:
            if c in times:
                cols.append("@" + c)
                sets.append("%s = FROM_UNIXTIME(@%s)" % (c, c))
            elif (name, c) in (("idempotency_keys", "request_hash"),
                               ("login_devices", "token_hash")):
                cols.append("@" + c)
                sets.append("%s = UNHEX(@%s)" % (c, c))
            else:
                cols.append(c)
        # the providers' and enterprises' accounts refer to rows loaded
        # after them: checks are off during the load
        # grams equal under the collation (case, width) are one key: IGNORE
        lines.append("LOAD DATA LOCAL INFILE '%s' %sINTO TABLE %s CHARACTER SET utf8mb4 (%s)%s;"
                     % (os.path.abspath(t.path), "IGNORE " if name.endswith("_grams") else "",
                        name, ", ".join(cols),
                        (" SET " + ", ".join(sets)) if sets else ""))
        lines.append("SELECT '%s', ROW_COUNT(), UNIX_TIMESTAMP(SYSDATE(6));" % name)
    lines.append("UPDATE publicity_chain SET head_batch_id = %d, head_sha256 = '%s', length = %d,"
                 " updated_at = UTC_TIMESTAMP() WHERE id = 1;" % chain)
    # the sweeper announces only the events after the loaded ones (013)
    lines.append("UPDATE reminder_cursor SET last_id = (SELECT MAX(id) FROM order_events)"
                 " WHERE name = 'order_events';")
    lines.append("UPDATE row_counts SET n = (SELECT COUNT(*) FROM evaluations)"
                 " WHERE name = 'evaluations';")
    # the stage clocks' sums (018_scale_main.sql), recomputed from every row
    st = [("ordered_at", "accepted_at"), ("accepted_at", "contracted_at"),
          ("contracted_at", "submitted_at"), ("submitted_at", "approved_at"),
          ("approved_at", "publicized_at"), ("publicized_at", "paid_at")]
    lines.append("DELETE FROM stats_stages;")
    lines.append("INSERT INTO stats_stages SELECT year, id %% 64, COUNT(*), %s FROM orders"
                 " GROUP BY year, id %% 64;" % ", ".join(
        "COUNT(TIMESTAMPDIFF(SECOND, %s, %s)), COALESCE(SUM(TIMESTAMPDIFF(SECOND, %s, %s)), 0)"
        % (a, b, a, b) for a, b in st))
    lines.append("UPDATE row_counts SET n = (SELECT COUNT(*) FROM enterprises)"
                 " WHERE name = 'enterprises';")
    lines.append("UPDATE row_counts SET n = (SELECT COUNT(*) FROM providers)"
                 " WHERE name = 'providers';")
    # each product's category for the stats triggers (004_scale.sql)
    lines.append("INSERT INTO product_category (product_id, category)"
                 " SELECT id, category FROM products WHERE id >= %d;" % BASE_ID)
    # the dashboard's sums (004_scale.sql), recomputed from every row, in
    # the slots a year of connections would have written (the row's id mod
    # 64, as CONNECTION_ID() mod 64: tests/scale/after_020.sql; the
    # sweeper folds these, shared/domain/slot_fold.c)
    lines.append("DELETE FROM stats_orders;")
    lines.append("INSERT INTO stats_orders (year, category, month, slot, orders, subsidy)"
                 " SELECT o.year, p.category, DATE_FORMAT(o.ordered_at + INTERVAL 8 HOUR,"
                 " '%Y-%m'), o.id % 64, COUNT(*), SUM(COALESCE(o.subsidy, o.reserved))"
                 " FROM orders o JOIN products p ON p.id = o.product_id"
                 " WHERE o.status NOT IN ('cancelled', 'expired', 'rejected', 'revoked')"
                 " GROUP BY 1, 2, 3, 4;")
    lines.append("DELETE FROM stats_quota;")
    lines.append("INSERT INTO stats_quota (year, tier, slot, enterprises, cap, occupied)"
                 " SELECT q.year, e.tier, q.enterprise_id % 64, COUNT(*), SUM(q.cap),"
                 " SUM(q.occupied) FROM enterprise_quota q"
                 " JOIN enterprises e ON e.id = q.enterprise_id GROUP BY 1, 2, 3;")
    lines.append("SET @voucher_bulk_load = NULL;")
    lines.append("SET foreign_key_checks = 1, unique_checks = 1;")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
