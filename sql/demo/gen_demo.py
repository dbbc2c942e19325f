#!/usr/bin/env python3
"""gen_demo.py - writes sql/demo/demo.sql, the demo data of the voucher system.

    python3 sql/demo/gen_demo.py            # writes demo.sql beside this file
    python3 sql/demo/gen_demo.py -o FILE    # or elsewhere ('-' = stdout)

Standard library only, deterministic (fixed seed): running it again produces
the same file byte for byte. demo.sql is committed; sql/migrate.sh --demo
loads it into a freshly migrated database (only when accounts is empty).

Every account has the demo password below (DEMO ONLY), hashed per account
with its own salt: pbkdf2_sha256$600000$<salt hex>$<key hex> (PBKDF2-HMAC-
SHA256, 16-byte salt, 32-byte key), the format the C side verifies.

All timestamps are UTC_TIMESTAMP() arithmetic so the data looks fresh
whenever it is loaded; the round is the current Asia/Shanghai year (T1).

The demo is a living system: every sold unit is an order placed, accepted,
contracted, ... by the rules, with its events, contract and evaluation, so
that `voucherctl reconcile` finds no drift and a sweep right after the load
moves nothing (see plan_orders).
"""

import argparse
import hashlib
import os
import random
import sys

SEED = 20240229
DEMO_PASSWORD = "demo-pass-2024"
PBKDF2_ITERATIONS = 600000

# --- GB 32100-2015 unified social credit codes (rule E6) -------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, ...
assert USCC_WEIGHTS[:4] == [1, 3, 9, 27] and USCC_WEIGHTS[16] == 28


def uscc_check_char(first17):
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(first8):
    """GB 11714 organization code check character (positions 9-17 of a USCC)."""
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum((int(c) if c.isdigit() else ord(c) - ord("A") + 10) * w
                for c, w in zip(first8, weights))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def make_uscc(rng, division, modern, used):
    """'91' (enterprise registered with market regulation) + division code +
    organization code (old numeric style, or the post-2015 'MA' style) +
    check character."""
    letters = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    while True:
        if modern:
            body = "MA0" + "".join(rng.choice(letters) for _ in range(5))
        else:
            body = rng.choice("567") + "".join(rng.choice("0123456789") for _ in range(7))
        org = body + org_code_check_char(body)
        first17 = "91" + division + org
        assert len(first17) == 17 and all(c in USCC_CHARSET for c in first17)
        code = first17 + uscc_check_char(first17)
        if code not in used:
            used.add(code)
            return code


def uscc_valid(code):
    return (len(code) == 18 and all(c in USCC_CHARSET for c in code)
            and code[2:8].isdigit() and uscc_check_char(code[:17]) == code[17])


# --- the data --------------------------------------------------------------

# key, name, division, years established, last-year contracts, revenue (CNY)
PROVIDERS = [
    ("prov01", "北京智云数科技术有限公司",           "110108",  9, 186, 46_800_000),
    ("prov02", "北京云栈信息技术有限公司",           "110105",  7, 243, 38_560_000),
    ("prov03", "北京英才汇人力资源顾问有限公司",     "110105", 12, 312, 27_630_000),
    ("prov04", "北京中科创研技术服务有限公司",       "110108",  6,  95, 15_320_000),
    ("prov05", "北京正则知识产权代理有限公司",       "110108", 11, 864, 22_410_000),
    ("prov06", "北京匠心工业设计有限公司",           "110106",  5,  68,  9_860_000),
    ("prov07", "北京信诚达会计师事务所有限责任公司", "110102", 15, 537, 31_270_000),
    ("prov08", "北京律衡法律咨询服务有限公司",       "110101",  4, 131,  6_740_000),
]

# key, name, division, tier, size
ENTERPRISES = [
    ("ent01", "北京华信智联科技有限公司",     "110108", "ordinary",     "small"),
    ("ent02", "北京青禾餐饮管理有限公司",     "110105", "ordinary",     "micro"),
    ("ent03", "北京精诚模具制造有限公司",     "110115", "ordinary",     "small"),
    ("ent04", "北京绿源环保工程有限公司",     "110112", "ordinary",     "medium"),
    ("ent05", "北京安泰医疗器械有限公司",     "110114", "ordinary",     "small"),
    ("ent06", "北京星河文化传媒有限公司",     "110105", "ordinary",     "micro"),
    ("ent07", "北京恒远物流有限公司",         "110113", "ordinary",     "medium"),
    ("ent08", "北京博雅教育科技有限公司",     "110108", "ordinary",     "small"),
    ("ent09", "北京新瑞达电子设备有限公司",   "110106", "ordinary",     "small"),
    ("ent10", "北京优品生鲜电子商务有限公司", "110105", "ordinary",     "micro"),
    ("ent11", "北京中和建筑设计咨询有限公司", "110102", "ordinary",     "small"),
    ("ent12", "北京惠民康养服务有限公司",     "110101", "ordinary",     "micro"),
    ("ent13", "北京金石精密机械有限公司",     "110111", "ordinary",     "medium"),
    ("ent14", "北京云帆软件技术有限公司",     "110108", "ordinary",     "micro"),
    ("ent15", "北京微纳传感技术有限公司",     "110108", "specialized",  "small"),
    ("ent16", "北京天工智能装备有限公司",     "110115", "specialized",  "medium"),
    ("ent17", "北京瑞康生物医药科技有限公司", "110114", "specialized",  "small"),
    ("ent18", "北京凌云航空材料有限公司",     "110113", "specialized",  "medium"),
    ("ent19", "北京芯源半导体科技有限公司",   "110108", "little_giant", "medium"),
    ("ent20", "北京北辰时空导航技术有限公司", "110108", "little_giant", "medium"),
    ("ent21", "北京宏利达商贸有限公司",       "110105", "ordinary",     "small"),   # E4: credit flagged
    ("ent22", "天津滨海恒通物流有限公司",     "120116", "ordinary",     "small"),   # E1: not Beijing
]
CREDIT_FLAGGED = {"ent21"}
NOT_BEIJING = {"ent22"}

TIER_CAP = {"ordinary": 2_000_000, "specialized": 10_000_000, "little_giant": 20_000_000}  # E7, fen

# provider, category, name, description, market price (CNY), voucher % of
# market (<= 80, P3), units total (A6), popularity (1-6: how often the demo
# orders pick it), validity days (P6). Units sold and ratings are not listed:
# they follow from the demo orders (plan_orders).
PRODUCTS = [
    # digital 数字化赋能
    ("prov01", "digital", "企业数字化转型诊断服务",
     "围绕研发、生产、供应链、营销和管理五个环节，由专家团队驻场调研3至5天，评估企业数字化、网络化、智能化水平，出具诊断报告和分阶段转型路线图，并提供一次高层解读会。",
     68_000, 75, 60, 2, 30),
    ("prov01", "digital", "智能制造能力成熟度评估（GB/T 39116）",
     "依据GB/T 39116《智能制造能力成熟度模型》开展对标评估，覆盖人员、技术、资源、制造四大能力要素，给出成熟度等级、差距分析和改进建议，可作为后续申报智能工厂的基础材料。",
     120_000, 78, 30, 1, 45),
    ("prov01", "digital", "数据资产盘点与数据治理咨询",
     "梳理企业业务系统和数据资源，建立数据资产目录、数据标准和质量规则，设计数据治理组织与流程，交付数据治理规划方案和数据资产清单。",
     150_000, 75, 20, 1, 30),
    ("prov02", "digital", "中小企业数字化办公整体解决方案",
     "为50人以内企业部署协同办公、在线审批、考勤和文档管理平台，完成组织架构导入、流程配置和全员培训，含一年运维支持。",
     36_000, 70, 100, 2, 30),
    # cloud 上云用云
    ("prov02", "cloud", "中小企业上云基础套餐",
     "提供一年期云服务器（4核8G）、对象存储500GB、云数据库和自动备份，完成现有业务系统迁移上云和安全基线配置，7×24小时技术支持。",
     24_000, 75, 200, 6, 30),
    ("prov02", "cloud", "研发设计上云迁移服务",
     "将CAD/CAE等研发设计软件和图纸数据迁移至云端，部署云桌面和协同设计环境，实现研发数据集中管理、异地协同和权限控制。",
     86_000, 78, 40, 1, 30),
    ("prov02", "cloud", "生产制造工业互联网平台接入服务",
     "对关键生产设备进行数据采集改造，接入工业互联网平台，实现设备状态监控、产量统计和能耗分析看板，交付平台账号和一年服务。",
     158_000, 76, 25, 1, 45),
    ("prov01", "cloud", "云上安全等保二级合规套餐",
     "面向已上云企业，提供差距评估、云上安全产品配置、安全管理制度编制和测评陪跑，协助通过网络安全等级保护二级测评。",
     65_000, 78, 50, 1, 30),
    # talent 人才与培训
    ("prov03", "talent", "中高层管理人才猎头服务",
     "为企业寻访部门经理及以上管理岗位人才，提供岗位画像、人才地图、候选人背景调查和面试评估，保证期内人选离职免费重新推荐。",
     120_000, 80, 6, 1, 60),
    ("prov03", "talent", "企业人力资源体系搭建咨询",
     "为成长期企业设计组织架构、岗位职级、薪酬绩效和招聘培训体系，交付制度文件汇编并辅导落地三个月。",
     88_000, 75, 40, 1, 30),
    ("prov08", "talent", "劳动用工合规培训（企业内训）",
     "由执业律师到企业开展两天劳动用工合规培训，覆盖招聘入职、劳动合同、工时休假、解除终止和争议应对，附赠合规自查清单。",
     18_000, 75, 80, 2, 30),
    ("prov07", "talent", "财务人员实务能力提升培训",
     "面向企业财务人员的系统培训，内容包括新会计准则实务、增值税及企业所得税申报、财务分析与内控，共32课时，结业颁发证书。",
     9_800, 78, 120, 2, 30),
    # innovation 科技创新
    ("prov04", "innovation", "企业技术诊断与研发体系咨询",
     "组织行业技术专家对企业核心技术、工艺和研发管理进行诊断，提出技术攻关方向和研发体系建设方案，协助建立研发项目管理制度。",
     96_000, 75, 30, 1, 30),
    ("prov04", "innovation", "产品检验检测与第三方评价服务",
     "依托CMA/CNAS资质实验室，对企业新产品开展性能、可靠性和安全检测，出具第三方检测报告和技术评价意见。",
     48_000, 78, 60, 2, 30),
    ("prov05", "innovation", "专利申请代理（发明专利）",
     "包括技术交底沟通、专利检索、申请文件撰写、提交受理及审查意见答复，直至授权或驳回，不含官方规费。",
     9_000, 78, 150, 6, 30),
    ("prov05", "innovation", "高新技术企业认定咨询服务",
     "对照高新技术企业认定条件开展预评估，辅导梳理知识产权、研发费用归集和科技成果转化材料，完成申报材料编制和提交。",
     45_000, 75, 80, 2, 30),
    # transfer 成果转化
    ("prov04", "transfer", "科技成果评价服务",
     "按照科技成果评价规范组织同行专家，对企业科技成果的创新性、先进性和成熟度进行评价，出具评价报告。",
     35_000, 75, 50, 1, 30),
    ("prov04", "transfer", "中试熟化与小批量试制服务",
     "为实验室阶段的科技成果提供中试工艺开发、小批量试制和工艺参数固化，交付中试报告和工艺文件包。",
     280_000, 72, 10, 1, 60),
    ("prov05", "transfer", "技术成果转移转化对接服务",
     "对企业拟转化或拟引进的技术成果进行梳理，开展技术需求与成果匹配、许可转让谈判支持和交易合同起草。",
     60_000, 75, 40, 1, 30),
    ("prov05", "transfer", "知识产权价值评估服务",
     "对专利、软件著作权等知识产权进行价值评估，出具评估报告，可用于知识产权质押融资、作价入股和转让交易。",
     38_000, 78, 60, 1, 30),
    # design 工业设计
    ("prov06", "design", "产品外观设计服务",
     "基于用户研究和竞品分析，完成产品造型、色彩材质和CMF方案设计，交付三套概念方案、效果图和外观手板一套。",
     80_000, 75, 40, 1, 30),
    ("prov06", "design", "产品结构设计与工业级打样",
     "完成产品内部结构设计、可制造性分析和公差分配，交付三维结构模型、工程图纸，并制作工业级功能样机两套。",
     150_000, 78, 30, 1, 45),
    ("prov06", "design", "工业设计全案服务（概念到量产）",
     "覆盖概念设计、方案设计、外观与结构设计、样机验证、模具跟进和量产导入的全流程设计服务，配备专职项目经理。",
     420_000, 78, 8, 1, 60),
    ("prov04", "design", "新产品导入（NPI）工艺评审服务",
     "在新产品量产前开展DFM/DFA工艺评审、试产问题闭环和生产工艺文件编制，帮助企业缩短导入周期、降低试产成本。",
     72_000, 75, 30, 1, 30),
    # it 信息化开发
    ("prov01", "it", "企业ERP系统实施服务（标准版）",
     "基于成熟ERP产品完成财务、采购、销售、库存和生产模块实施，含业务调研、系统配置、数据迁移、用户培训和上线后三个月支持。",
     380_000, 75, 12, 1, 60),
    ("prov01", "it", "小程序与移动应用定制开发",
     "根据企业业务需求定制开发微信小程序或移动应用，含需求分析、UI设计、前后端开发、测试上线和一年维护。",
     120_000, 78, 30, 1, 45),
    ("prov02", "it", "企业网络与IT运维外包服务（年度）",
     "提供一年期办公网络、服务器、终端和信息安全运维外包，每月定期巡检，故障4小时内响应，年度出具IT健康报告。",
     96_000, 75, 50, 1, 30),
    ("prov02", "it", "SaaS客户关系管理系统（50用户/年）",
     "提供50个用户一年的SaaS客户关系管理系统使用权，含线索、商机、合同、回款管理，完成初始化配置和使用培训。",
     30_000, 70, 100, 3, 30),
    # ipo 上市培育
    ("prov07", "ipo", "上市前财务规范辅导",
     "对拟上市企业开展财务规范性诊断，规范会计核算、收入确认和关联交易，辅导建立满足上市要求的财务体系，陪同应对中介机构尽调。",
     600_000, 75, 3, 1, 60),
    ("prov07", "ipo", "拟上市企业内控体系建设咨询",
     "按照企业内部控制基本规范及上市监管要求，梳理业务流程和风险点，编制内控手册和权限指引，开展内控测试与缺陷整改。",
     260_000, 75, 10, 1, 60),
    ("prov08", "ipo", "上市法律尽职调查服务",
     "对企业历史沿革、股权结构、重大合同、知识产权、劳动人事和诉讼仲裁开展法律尽职调查，出具尽调报告和规范整改建议。",
     500_000, 70, 6, 1, 45),
    ("prov08", "ipo", "股权激励方案设计与法律服务",
     "设计股权激励模式、激励对象、授予价格和考核退出机制，起草激励计划、授予协议和持股平台文件，并提供实施辅导。",
     120_000, 78, 20, 1, 30),
    # finance 财税审计
    ("prov07", "finance", "年度财务审计服务",
     "按照中国注册会计师审计准则对企业年度财务报表实施审计，出具标准审计报告，适用于年报、融资和政府项目申报。",
     30_000, 80, 100, 6, 30),
    ("prov07", "finance", "代理记账服务（小规模纳税人·年度）",
     "为小规模纳税人提供一年代理记账和纳税申报服务，含票据整理、记账凭证、财务报表和个税社保申报。",
     6_000, 75, 200, 3, 30),
    ("prov07", "finance", "研发费用加计扣除专项审计",
     "对企业研发项目立项、研发费用归集和辅助账进行专项审核，出具研发费用加计扣除专项审计报告。",
     25_000, 76, 80, 2, 30),
    ("prov03", "finance", "薪酬个税筹划与社保合规咨询",
     "结合企业薪酬结构开展个人所得税和社保合规诊断，设计合法合规的薪酬福利方案，出具咨询报告并辅导落地。",
     20_000, 75, 60, 1, 30),
    # market 市场开拓
    ("prov06", "market", "品牌全案策划与VI设计",
     "开展品牌定位和市场调研，完成品牌命名建议、标志设计和VI基础与应用系统设计，交付品牌手册。",
     150_000, 78, 20, 1, 45),
    ("prov06", "market", "新媒体运营推广（季度）",
     "为企业运营微信公众号、视频号和抖音账号一个季度，含内容策划、每月12篇图文和4条短视频制作、数据分析月报。",
     60_000, 75, 40, 2, 30),
    ("prov03", "market", "海外市场开拓与展会参展服务",
     "协助企业参加一场境外国际专业展会，提供展位预订、展台设计搭建、买家邀约和外贸资料翻译，展后提供客户跟进建议。",
     180_000, 75, 15, 1, 60),
    ("prov01", "market", "搜索引擎与电商平台营销推广",
     "制定搜索引擎和主流电商平台推广方案，完成店铺诊断、关键词优化和广告投放代运营三个月，按月提供效果报告。",
     40_000, 78, 60, 1, 30),
    # legal 法律咨询
    ("prov08", "legal", "常年法律顾问服务（基础版）",
     "提供一年常年法律顾问服务：不限次数电话及线上咨询、每年审查合同30份、起草法律文书10份、两次法律风险体检。",
     36_000, 75, 60, 4, 30),
    ("prov08", "legal", "合同审查与法律文本服务包",
     "为企业审查或起草销售、采购、技术开发、保密等商务合同20份，建立常用合同范本库并提供使用说明。",
     15_000, 78, 100, 3, 30),
    ("prov08", "legal", "劳动争议纠纷解决方案",
     "针对企业已发生的劳动争议，提供案情分析、证据梳理、调解谈判，并代理一审阶段的劳动仲裁。",
     25_000, 76, 40, 1, 30),
    ("prov05", "legal", "知识产权侵权纠纷法律咨询",
     "对专利、商标、著作权侵权风险进行分析，出具侵权比对意见和应对策略，代拟律师函并参与和解谈判。",
     30_000, 75, 40, 1, 30),
    # other 其他创新创业服务
    ("prov04", "other", "创新创业项目孵化辅导",
     "为初创团队提供六个月孵化辅导，内容包括商业模式梳理、商业计划书打磨、路演辅导和投资机构对接。",
     50_000, 75, 30, 1, 30),
    ("prov03", "other", "企业管理体系认证辅导（ISO 9001）",
     "辅导企业建立质量管理体系，编制手册和程序文件，开展内审员培训和管理评审，陪同认证机构现场审核直至取证。",
     28_000, 78, 50, 2, 45),
    ("prov07", "other", "政府项目申报辅导服务",
     "梳理企业可申报的各级政府支持政策，辅导完成一项项目的申报材料编制、财务数据整理和答辩准备。",
     20_000, 75, 80, 2, 30),
    ("prov06", "other", "展厅与空间展陈设计",
     "为企业展厅、接待区进行展陈策划与空间设计，交付平面布局、效果图、施工图和多媒体展项方案。",
     90_000, 75, 20, 1, 30),
]

CATEGORY_ORDER = ["digital", "cloud", "talent", "innovation", "transfer", "design",
                  "it", "ipo", "finance", "market", "legal", "other"]


# --- SQL helpers -----------------------------------------------------------

def q(s):
    """A quoted SQL string literal (backslash and quote escaped)."""
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'"


def password_hash(rng):
    salt = rng.randbytes(16)
    key = hashlib.pbkdf2_hmac("sha256", DEMO_PASSWORD.encode(), salt, PBKDF2_ITERATIONS, 32)
    return "pbkdf2_sha256$%d$%s$%s" % (PBKDF2_ITERATIONS, salt.hex(), key.hex())


def unit_subsidy(voucher_fen):
    return min(voucher_fen * 30 // 100, 5_000_000)  # P4



def voucher_of(market_yuan, pct):
    """Voucher price in fen: whole yuan, rounded down to 10 (P3 holds)."""
    return market_yuan * pct // 100 // 10 * 10 * 100


# --- the demo orders: a living system (O1-O10, C1) ---------------------------
#
# Every sold unit is a real order. The orders are planned here, in Python,
# with their own random stream (ORDER_SEED) and replayed in time order the way
# the programs would have written them:
#   * O3 at creation: reserved = min(unit subsidy, cap - occupied at that
#     moment); O9 at the contract: subsidy = min(floor(base*30/100), 5,000,000,
#     reserved) and the excess released; O4/O5/O6 closures release it all and
#     give the unit back (unit_held = 0);
#   * products: units_sold = orders holding a unit, remaining = total - sold;
#     rating_sum/rating_count = the evaluations' stars (3 per evaluation);
#   * enterprise_quota.occupied = SUM(orders.reserved) of the enterprise.
# These are exactly the invariants `voucherctl reconcile` checks.
#
# Times are ages in seconds before the load (UTC_TIMESTAMP()). Every age goes
# through the SQL expression of ts() below: unchanged normally, squeezed
# proportionally (order kept) when the Asia/Shanghai year is younger than the
# oldest age, so that every order stays in the current round year (T1). Only
# the fixed spans of the rules (accept_deadline = ordered_at + 48 h, valid_until
# = ordered_at + validity days) are computed from ordered_at in SQL. Nothing is
# due at load: pending orders are younger than 40 h, accepted/contracted ones
# are valid for at least 2 more days, so a sweep moves nothing.

ORDER_SEED = SEED + 1
H = 3600
D = 86400

# (status, cancel reason or the status an expired order had, count): the whole
# mix, scenario orders included.
STATUS_MIX = [
    ("contracted", None, 18),
    ("accepted", None, 8),
    ("pending", None, 6),
    ("submitted", None, 5),
    ("approved", None, 23),
    ("cancelled", "enterprise", 3),
    ("cancelled", "declined", 3),
    ("cancelled", "accept_timeout", 2),
    ("expired", "contracted", 2),
    ("expired", "accepted", 2),
]

# Hand-placed orders (enterprise, product name, status, cancel reason /
# expired-from, unused): ent01 shows one order of
# each kind; ent07 reaches its cap with a partial last reservation (O3
# decision); the head-hunting and IPO products are nearly sold out; prov01 has
# orders in most states. The random orders avoid ent01 / ent07 and the
# nearly sold-out products.
SCENARIO = [
    ("ent01", "专利申请代理（发明专利）", "approved", None, None),
    ("ent01", "财务人员实务能力提升培训", "contracted", None, None),
    ("ent01", "代理记账服务（小规模纳税人·年度）", "accepted", None, None),
    ("ent01", "合同审查与法律文本服务包", "pending", None, None),
    ("ent01", "中小企业上云基础套餐", "cancelled", "enterprise", None),
    ("ent07", "中小企业上云基础套餐", "approved", None, None),
    ("ent07", "企业数字化转型诊断服务", "contracted", None, None),  # partial (O3)
    ("ent15", "中高层管理人才猎头服务", "approved", None, None),
    ("ent17", "中高层管理人才猎头服务", "contracted", None, None),
    ("ent19", "中高层管理人才猎头服务", "approved", None, None),
    ("ent20", "中高层管理人才猎头服务", "accepted", None, None),
    ("ent19", "上市前财务规范辅导", "contracted", None, None),
    ("ent16", "上市前财务规范辅导", "submitted", None, None),
    ("ent15", "数据资产盘点与数据治理咨询", "pending", None, None),
    ("ent02", "搜索引擎与电商平台营销推广", "pending", None, None),
    ("ent16", "搜索引擎与电商平台营销推广", "accepted", None, None),
    ("ent20", "企业ERP系统实施服务（标准版）", "contracted", None, None),
    ("ent19", "智能制造能力成熟度评估（GB/T 39116）", "submitted", None, None),
    ("ent18", "云上安全等保二级合规套餐", "approved", None, None),
    ("ent17", "小程序与移动应用定制开发", "cancelled", "declined", None),
]
SCENARIO_ONLY_ENTERPRISES = {"ent01", "ent07"}
FRESH_ENTERPRISES = {"ent14"}          # no order yet: its whole cap is free
PARTIAL_ENTERPRISE = "ent07"

# No order is publicized or paid in the demo: a published list must be
# signed with the deployment's own key, so ops/demo-publish.sh gathers the
# approved claims into a batch and publishes it through the API at the first
# start (R5); paying it waits for the end of its publicity period.

# Ordinary enterprises (2,000,000 fen a year) order the cheaper products.
ORDINARY_MAX_SUBSIDY = 1_130_000

REASON = {
    "create": "企业下单",
    "accept": "服务机构在 48 小时内接单（《工作指南》五（二）4）",
    "contract": "服务机构录入服务合同（《工作指南》五（二）7）",
    "confirm": "企业确认服务完成并评价（《工作指南》五（三））",
    "submit": "服务机构提交兑付材料，进入初审（《工作指南》六、1）",
    "approve": "评审机构初审通过，核定补贴金额（《工作指南》六、2）",
    "publicize": "纳入公示批次，公示期 7 天（《工作指南》六、3）",
    "pay": "公示期满无异议，补贴已兑付（《工作指南》六、3）",
    "cancel_enterprise": "企业在接单前取消订单",
    "accept_timeout": "服务机构 48 小时内未接单，订单取消（《工作指南》五（二）4）",
    "expire": "服务券有效期已过，过期作废（《工作指南》五（二）5）",
}
DECLINE_REASONS = [
    "本月服务排期已满，无法在服务券有效期内完成交付",
    "企业需求超出本产品标准服务范围，建议选择定制化服务",
    "经沟通企业现场条件暂不具备，双方协商不再履行",
]
COMMENTS = {
    5: ["服务专业细致，交付质量超出预期。", "顾问响应及时，方案落地性强，值得推荐。",
        "流程规范、沟通顺畅，整体非常满意。", "项目经理很负责，按期完成全部服务内容。",
        "专家经验丰富，帮我们解决了实际问题。"],
    4: ["整体满意，个别细节沟通可以更及时。", "服务质量不错，交付略有延期但提前告知。",
        "内容实用，希望后续加强跟踪回访。", "方案针对性较强，文档整理规范。"],
    3: ["基本达到预期，部分内容较为模板化。", "服务完成，但响应速度有待提高。"],
}


def u(rng, lo, hi):
    """A uniform integer age in [lo, hi] (seconds)."""
    assert lo <= hi, (lo, hi)
    return rng.randint(int(lo), int(hi))


def plan_times(rng, status, sub, days):
    """Ages (seconds before the load) of an order's moments, by status.
    Returns a dict with 'ordered' and whichever of accepted, contracted,
    confirmed, submitted, approved, closed apply."""
    V = days * D
    t = {}
    if status == "pending":
        t["ordered"] = u(rng, 1 * H, 40 * H)                      # deadline still ahead
    elif status == "cancelled" and sub == "enterprise":
        t["ordered"] = u(rng, 3 * H, 38 * D)
        t["closed"] = t["ordered"] - u(rng, 10 * 60, min(30 * H, t["ordered"] - H))
    elif status == "cancelled" and sub == "declined":
        t["ordered"] = u(rng, 8 * H, 38 * D)
        t["closed"] = t["ordered"] - u(rng, H, min(40 * H, t["ordered"] - H))
    elif status == "cancelled" and sub == "accept_timeout":
        t["ordered"] = u(rng, 3 * D, 38 * D)
        t["closed"] = t["ordered"] - 48 * H - u(rng, 5, 60)      # the next sweep
    elif status == "expired":
        assert days == 30
        t["ordered"] = u(rng, V + 6 * H, 40 * D)
        t["accepted"] = t["ordered"] - u(rng, H, 36 * H)
        if sub == "contracted":
            t["contracted"] = t["accepted"] - u(rng, 6 * H, 4 * D)
        t["closed"] = t["ordered"] - V - u(rng, 5, 60)            # the next sweep
    elif status == "accepted":
        t["ordered"] = u(rng, 6 * H, min(10 * D, V - 3 * D))
        t["accepted"] = t["ordered"] - u(rng, 20 * 60, min(36 * H, t["ordered"] - H))
    elif status == "contracted":
        t["ordered"] = u(rng, 2 * D, min(V - 3 * D, 30 * D))      # valid >= 2 more days
        t["accepted"] = t["ordered"] - u(rng, H, 30 * H)
        t["contracted"] = t["accepted"] - u(rng, 2 * H, min(4 * D, t["accepted"] - H))
    else:  # submitted, approved: past the validity check (R3 before valid-until)
        if status == "submitted":
            t["submitted"] = u(rng, 2 * H, 8 * D)
        else:
            t["approved"] = u(rng, 6 * H, 12 * D)
            t["submitted"] = t["approved"] + u(rng, 12 * H, 36 * H)
        gap = u(rng, 10 * D, min(V - D, 40 * D - t["submitted"]))
        t["ordered"] = t["submitted"] + gap
        t["accepted"] = t["ordered"] - u(rng, H, 30 * H)
        t["contracted"] = t["accepted"] - u(rng, 6 * H, 3 * D)
        assert t["submitted"] < t["ordered"] and t["ordered"] - t["submitted"] < V
    return t


def plan_orders(products, ents):
    """The demo orders, replayed in time order. products: list of dicts;
    ents: dict key -> (tier, cap)."""
    rng = random.Random(ORDER_SEED)
    by_name = {p["name"]: p for p in products}
    assert len(by_name) == len(products)
    eligible = [k for k, *_ in ENTERPRISES if k not in CREDIT_FLAGGED | NOT_BEIJING]
    assert eligible == ["ent%02d" % i for i in range(1, 21)]

    orders = []

    def new_order(ent, p, status, sub):
        return {"ent": ent, "p": p, "status": status,
                "cancel_reason": sub if status == "cancelled" else None,
                "expired_from": sub if status == "expired" else None}

    mix = {(s, sub): n for s, sub, n in STATUS_MIX}
    for ent, name, status, sub, _unused in SCENARIO:
        orders.append(new_order(ent, by_name[name], status, sub))
        mix[(status, sub)] -= 1
    assert all(n >= 0 for n in mix.values())
    scenario_products = {by_name[name]["key"] for _, name, *_ in SCENARIO
                         if by_name[name]["total"] <= 10}

    # budgets: what an enterprise may reserve in all for the orders that keep
    # their unit (the cap for the closed ones); counting every order ever
    # placed keeps every reservation whole, except the planned partial one
    budget, spent, ordered_by = {}, {}, {}
    for ent in eligible:
        tier, cap = ents[ent]
        frac = {"ordinary": (0.4, 0.8), "specialized": (0.35, 0.7),
                "little_giant": (0.3, 0.55)}[tier]
        budget[ent] = int(cap * rng.uniform(*frac))
        spent[ent], ordered_by[ent] = 0, set()
    for o in orders:
        spent[o["ent"]] += o["p"]["subsidy"]
        ordered_by[o["ent"]].add(o["p"]["key"])
    for ent in eligible:
        if spent[ent]:      # room for a few more orders beside the scenario
            cap = ents[ent][1]
            budget[ent] = max(spent[ent], min(cap * 85 // 100,
                                              max(budget[ent], spent[ent] + cap * 15 // 100)))
    held = {p["key"]: 0 for p in products}
    for o in orders:
        held[o["p"]["key"]] += o["status"] not in ("cancelled", "expired")

    ent_weight = {e: {"ordinary": 1.0, "specialized": 1.6, "little_giant": 2.0}[ents[e][0]]
                  for e in eligible}
    ent_weight["ent12"] = 0.5
    slots = [(s, sub) for (s, sub), n in mix.items() for _ in range(n)]
    rng.shuffle(slots)
    slots.sort(key=lambda s: s[0] in ("cancelled", "expired"))   # held ones first
    for status, sub in slots:
        keeps_unit = status not in ("cancelled", "expired")
        for _attempt in range(200):
            pool = [e for e in eligible
                    if e not in SCENARIO_ONLY_ENTERPRISES | FRESH_ENTERPRISES]
            ent = rng.choices(pool, weights=[ent_weight[e] for e in pool])[0]
            tier, cap = ents[ent]
            cands = [p for p in products
                     if p["key"] not in scenario_products
                     and p["key"] not in ordered_by[ent]
                     and spent[ent] + p["subsidy"] <= (budget[ent] if keeps_unit else cap)
                     and (tier != "ordinary" or p["subsidy"] <= ORDINARY_MAX_SUBSIDY)
                     and (tier == "ordinary" or p["subsidy"] >= 200_000)
                     and (not keeps_unit or held[p["key"]] + 1 <= p["total"] - 2)
                     and (status != "expired" or p["days"] == 30)]
            if cands:
                break
        else:
            raise SystemExit("gen_demo: cannot place a %s order (%d placed; budgets left %s)"
                             % (status, len(orders), sorted((budget[e] - spent[e], e) for e in eligible)))
        p = rng.choices(cands, weights=[c["pop"] for c in cands])[0]
        orders.append(new_order(ent, p, status, sub))
        spent[ent] += p["subsidy"]
        ordered_by[ent].add(p["key"])
        held[p["key"]] += keeps_unit

    # moments, contracts, evaluations, claims
    confirm_contracted = 3
    invoice_nos = set()
    for o in orders:
        p = o["p"]
        sub = o["cancel_reason"] or o["expired_from"]
        o["t"] = t = plan_times(rng, o["status"], sub, p["days"])
        if "contracted" in t:
            # O8: signed between acceptance and recording, service starting
            # on or after the signing (all on or after the order date)
            t["signed"] = u(rng, t["contracted"], t["accepted"])
            amount, months = p["voucher"], 12
            r = rng.random()
            if o["ent"] == PARTIAL_ENTERPRISE:
                pass
            elif r < 0.12:      # negotiated below the voucher price
                amount = p["voucher"] * rng.randint(85, 95) // 100 // 10000 * 10000
            elif r < 0.20 and ("年度" in p["name"] or "常年" in p["name"] or "（年" in p["name"]):
                amount, months = p["voucher"] * 2, 24     # two years: base = one year (O9)
            o["amount"], o["months"] = amount, months
        wants_eval = (o["status"] == "approved"
                      or (o["status"] == "submitted" and rng.random() < 0.6))
        if (not wants_eval and o["status"] == "contracted" and confirm_contracted > 0
                and t["contracted"] >= 7 * D):
            wants_eval, confirm_contracted = True, confirm_contracted - 1
        if wants_eval:
            # C1: service done at least 3 days after the contract; before the
            # claim is approved (R4 decision), before or after its submission
            lo, hi = t.get("approved", 0) + H, t["contracted"] - 3 * D
            if "submitted" in t and rng.random() < 0.7:
                lo = t["submitted"] + H             # before the submission
            elif "submitted" in t:
                hi = t["submitted"] - 10 * 60       # after it
            t["confirmed"] = u(rng, lo, hi)
            stars = [rng.choices([3, 4, 5], weights=[1, 4, 7])[0] for _ in range(3)]
            avg = round(sum(stars) / 3)
            comment = rng.choice(COMMENTS[avg]) if rng.random() < 0.85 else None
            o["eval"] = (stars, comment)
        if "contracted" in t:
            # the service starts after the signing and before it is confirmed
            # done or claimed (or within 5 days of the contract)
            start_lo = max(H, t["contracted"] - 5 * D,
                           t.get("confirmed", 0) + D, t.get("submitted", 0) + D)
            t["service_start"] = u(rng, min(start_lo, t["signed"]), t["signed"])
        if o["status"] == "cancelled" and o["cancel_reason"] == "declined":
            o["decline_reason"] = rng.choice(DECLINE_REASONS)
        if "submitted" in t:
            # R1-R3: the claim opened after the contract, the five files
            # uploaded before the submission, invoice and bank receipt
            # dated on or after the signing (R2)
            t["claim_opened"] = u(rng, t["submitted"] + 2 * H, t["contracted"] - 10 * 60)
            for kind in CLAIM_KINDS:
                t["file_" + kind] = u(rng, t["submitted"] + 10 * 60, t["claim_opened"])
            t["invoiced"] = u(rng, t["submitted"] + H, t["signed"])
            t["received"] = u(rng, t["submitted"] + H, t["signed"])
            while True:
                o["invoice_no"] = "%08d" % rng.randrange(10 ** 8)
                if o["invoice_no"] not in invoice_nos:
                    invoice_nos.add(o["invoice_no"])
                    break

    # O3 / O9 / O4-O6 replayed in time order (oldest first)
    happenings = []
    for i, o in enumerate(orders):
        t = o["t"]
        happenings.append((t["ordered"], 0, i, "create"))
        if "contracted" in t:
            happenings.append((t["contracted"], 1, i, "contract"))
        if "closed" in t:
            happenings.append((t["closed"], 1, i, "close"))
    happenings.sort(key=lambda h: (-h[0], h[1], h[2]))
    occupied = {e: 0 for e in ents}
    partial = []
    for _age, _k, i, what in happenings:
        o = orders[i]
        p, ent = o["p"], o["ent"]
        cap = ents[ent][1]
        if what == "create":
            o["reserved_at_order"] = res = min(p["subsidy"], cap - occupied[ent])
            assert res > 0, (ent, p["name"])
            if res < p["subsidy"]:
                partial.append(o)
            occupied[ent] += res
            o["reserved"] = res
        elif what == "contract":
            base = o["amount"] if o["months"] <= 12 else o["amount"] * 12 // o["months"]
            subsidy = min(base * 30 // 100, 5_000_000, o["reserved"])
            o["base"], o["subsidy"] = base, subsidy
            occupied[ent] -= o["reserved"] - subsidy
            o["reserved"] = subsidy
        else:
            occupied[ent] -= o["reserved"]
            o["reserved"] = 0
        assert 0 <= occupied[ent] <= cap
    assert [o["ent"] for o in partial] == [PARTIAL_ENTERPRISE], partial
    assert occupied[PARTIAL_ENTERPRISE] == ents[PARTIAL_ENTERPRISE][1]
    for o in orders:
        o["unit_held"] = int(o["status"] not in ("cancelled", "expired"))
        assert o["reserved"] == (0 if not o["unit_held"] else o.get("subsidy", o["reserved_at_order"]))
    for ent in ents:
        assert sum(o["reserved"] for o in orders if o["ent"] == ent) == occupied[ent]

    # order numbers, contract numbers (in contract order)
    used = set()
    for o in orders:
        while True:
            digits = "%010d" % rng.randrange(10 ** 10)
            if digits not in used:
                used.add(digits)
                o["no_digits"] = digits
                break
    orders.sort(key=lambda o: -o["t"]["ordered"])        # inserted oldest first
    contracted = sorted((o for o in orders if "contracted" in o["t"]),
                        key=lambda o: -o["t"]["contracted"])
    for n, o in enumerate(contracted, 1):
        o["contract_seq"] = n
    return orders, occupied


# R1: the five documents of a claim, with the names a provider would give them.
CLAIM_KINDS = ("contract", "commitment", "invoice", "invoice_check", "receipt")
CLAIM_FILE_NAMES = {"contract": "服务合同.pdf", "commitment": "划型及用券承诺书.pdf",
                    "invoice": "增值税发票.pdf", "invoice_check": "发票查验结果.pdf",
                    "receipt": "银行回执单.pdf"}


def demo_pdf(lines):
    """A small valid one-page PDF showing the ASCII lines (DEMO ONLY)."""
    text = "BT /F1 14 Tf 72 760 Td 18 TL " + " ".join(
        "(%s) '" % ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        for ln in lines) + " ET"
    objs = ["<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            "<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += ("%d 0 obj\n%s\nendobj\n" % (i, body)).encode("ascii")
    xref = len(out)
    out += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode("ascii")
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += ("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, xref)).encode("ascii")
    return out


def claim_files(orders):
    """(order, kind, stored name, bytes) of every demo claim's documents: one
    distinct PDF per order and kind (no false duplicate_file flag), stored as
    the redemption program stores uploads ("<ab>/<name>.pdf")."""
    files = []
    for o in orders:
        if "submitted" not in o["t"]:
            continue
        for kind in CLAIM_KINDS:
            data = demo_pdf(["DEMO ONLY - not a real document",
                             "Beijing SME service voucher: %s" % kind,
                             "Order no. ...%s, contract HT-%04d" % (o["no_digits"], o["contract_seq"]),
                             "Amount (fen): %d, subsidy (fen): %d" % (o["amount"], o["subsidy"])])
            name = hashlib.sha256(b"demo-claim-file:" + data).hexdigest()[:32]
            files.append((o, kind, "%s/%s.pdf" % (name[:2], name), data))
    return files


def write_claim_files(directory):
    """Writes the demo claims' documents under the files directory that the
    programs use (VOUCHER_FILES_DIR), skipping those already there."""
    orders, _ = plan_orders(make_products(), enterprise_caps())
    written = 0
    for _o, _kind, stored, data in claim_files(orders):
        path = os.path.join(directory, stored)
        if os.path.exists(path):
            continue
        os.makedirs(os.path.dirname(path), mode=0o750, exist_ok=True)
        tmp = path + ".part"
        with open(tmp, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)
        written += 1
    return written


def events_of(o):
    """O10: (age, actor, from, to, reason) of every transition, in order;
    actor is enterprise / provider / reviewer / bureau / system."""
    t, s = o["t"], o["status"]
    ev = [(t["ordered"], "enterprise", None, "pending", REASON["create"])]
    if s == "cancelled":
        reason = {"enterprise": REASON["cancel_enterprise"],
                  "declined": o.get("decline_reason"),
                  "accept_timeout": REASON["accept_timeout"]}[o["cancel_reason"]]
        actor = {"enterprise": "enterprise", "declined": "provider",
                 "accept_timeout": "system"}[o["cancel_reason"]]
        ev.append((t["closed"], actor, "pending", "cancelled", reason))
        return ev
    if "accepted" in t:
        ev.append((t["accepted"], "provider", "pending", "accepted", REASON["accept"]))
    if "contracted" in t:
        ev.append((t["contracted"], "provider", "accepted", "contracted", REASON["contract"]))
    if s == "expired":
        ev.append((t["closed"], "system", o["expired_from"], "expired", REASON["expire"]))
        return ev
    steps = [("submitted", "provider", "contracted", "submitted", REASON["submit"]),
             ("approved", "reviewer", "submitted", "approved", REASON["approve"]),
             ("publicized", "bureau", "approved", "publicized", REASON["publicize"]),
             ("paid", "bureau", "publicized", "paid", REASON["pay"])]
    for key, actor, frm, to, reason in steps:
        if key in t:
            ev.append((t[key], actor, frm, to, reason))
    if "confirmed" in t:
        # the confirmation is an event in the status the order had then
        state = "contracted"
        for age, _a, _f, to, _r in ev:
            if age > t["confirmed"]:
                state = to
        ev.append((t["confirmed"], "enterprise", state, state, REASON["confirm"]))
    ev.sort(key=lambda e: -e[0])
    return ev


def make_products():
    products = []
    for i, (prov, cat, name, desc, market_yuan, pct, total, pop, days) in enumerate(PRODUCTS, 1):
        voucher = voucher_of(market_yuan, pct)
        products.append({"key": "p%02d" % i, "prov": prov, "cat": cat, "name": name,
                         "desc": desc, "market": market_yuan * 100, "voucher": voucher,
                         "subsidy": unit_subsidy(voucher), "total": total, "pop": pop,
                         "days": days})
    return products


def enterprise_caps():
    return {key: (tier, TIER_CAP[tier]) for key, _n, _d, tier, _s in ENTERPRISES}


def write_claim(w, ts, o, files):
    """The order's redemption claim (R2-R4) and its five files (R1): figures
    that pass every R2 check; an approved claim carries the whole subsidy
    (R4). The order is @o."""
    t, p = o["t"], o["p"]
    assert t["contracted"] > t["claim_opened"] > t["submitted"]
    assert t["signed"] >= t["invoiced"] > t["submitted"] and t["signed"] >= t["received"]
    approved = o["status"] == "approved"
    w("INSERT INTO redemption_claims (order_id, status, invoice_no, invoice_date, invoice_total,")
    w("    invoice_voucher_amount, invoice_self_paid, receipt_date, receipt_amount, created_at,")
    w("    updated_at, submitted_at, reviewed_by, reviewed_at, decision, approved_amount, reason)")
    w("VALUES (@o, %s, %s, DATE(%s + INTERVAL 8 HOUR), %d, %d, %d,"
      % (q(o["status"]), q("1101%s" % o["invoice_no"]), ts(t["invoiced"]),
         o["amount"], o["subsidy"], o["amount"] - o["subsidy"]))
    w("    DATE(%s + INTERVAL 8 HOUR), %d, %s, %s, %s,"
      % (ts(t["received"]), o["amount"] - o["subsidy"], ts(t["claim_opened"]),
         ts(t["submitted"]), ts(t["submitted"])))
    if approved:
        w("    @acc_reviewer, %s, 'approved', %d, %s);"
          % (ts(t["approved"]), o["subsidy"], q("材料齐全，金额核对一致，同意兑付")))
    else:
        w("    NULL, NULL, NULL, NULL, NULL);")
    w("INSERT INTO redemption_files (order_id, kind, original_name, stored_name, content_type,")
    w("    size_bytes, sha256, uploaded_at, uploaded_by) VALUES")
    rows = []
    for kind, stored, data in files:
        rows.append("(@o, %s, %s, %s, 'application/pdf', %d, %s, %s, @acc_%s)"
                    % (q(kind), q(CLAIM_FILE_NAMES[kind]), q(stored), len(data),
                       q(hashlib.sha256(data).hexdigest()), ts(t["file_" + kind]), p["prov"]))
    w(",\n".join("    " + r for r in rows) + ";")


# --- the demo applications (征集, A1-A7) --------------------------------------
#
# Product applications of the demo providers in every state (A5), so that a
# provider sees "我的申报" and the reviewer / bureau their queue on `make run`:
# prov01 approved (how its catalog products came in), returned and draft;
# prov05 approved; prov02, prov03 (A7 preferred) and prov04 (with the
# reviewer's opinion) pending; prov06 rejected; prov08 draft. Each submitted
# one has every required material (A3); the files are tiny PDFs written by
# `gen_demo.py --files DIR` (ops/stack.sh, first start) under the names and
# hashes recorded here: no row without its file. Own RNG: the rest of the
# demo does not move when this section changes.

APP_SEED = SEED + 5

# key, provider, state, catalog products (approved: indexes into PRODUCTS of
# that provider's listed products) or new products (name, category,
# description, market CNY, voucher %, premium clients), comment
DEMO_APPLICATIONS = [
    ("a01", "prov01", "approved", ["企业数字化转型诊断服务", "企业ERP系统实施服务（标准版）"], None),
    ("a02", "prov01", "returned",
     [("工业互联网平台接入咨询", "digital",
       "评估企业设备联网条件，设计工业互联网平台接入方案，完成10台关键设备数据采集试点。",
       160_000, 78, 0)],
     "请补充该产品近三个月内签署的3份合同，并上传产品报价表（材料清单产品第1项）。"),
    ("a03", "prov01", "draft",
     [("企业数据中台建设咨询", "it",
       "梳理企业数据资源，设计数据中台架构与数据标准，交付建设方案和实施路线图。",
       300_000, 75, 0)], None),
    ("a04", "prov02", "pending",
     [("混合云架构设计与迁移服务", "cloud",
       "评估企业现有IT系统，设计混合云架构，完成核心业务系统上云迁移和一个月运维保障。",
       220_000, 78, 0)], None),
    ("a05", "prov03", "pending",
     [("专精特新企业人才梯队建设咨询", "talent",
       "为专精特新企业设计关键岗位胜任力模型和人才梯队方案，开展两期骨干人才训练营。",
       90_000, 75, 12),
      ("高端技术人才猎聘服务", "talent",
       "针对企业研发、制造核心岗位提供猎头寻访、背景调查和入职跟踪服务，保证期六个月。",
       60_000, 78, 5)], None),
    ("a06", "prov04", "pending",
     [("技术成果检验检测服务包", "innovation",
       "提供新产品性能、可靠性和环境适应性检验检测，出具CMA检测报告和改进建议。",
       48_000, 75, 0)], None),
    ("a07", "prov05", "approved", ["专利申请代理（发明专利）", "高新技术企业认定咨询服务"], None),
    ("a08", "prov06", "rejected",
     [("企业宣传片拍摄制作", "market",
       "策划并拍摄企业宣传片一部（3分钟），含脚本、拍摄、剪辑和配音。",
       80_000, 78, 0)],
     "该产品为定制化创作服务，服务内容和收费标准不明确，不属于标准化服务产品，不予入库。"),
    ("a09", "prov08", "draft",
     [("企业合规体系建设法律服务", "legal",
       "开展企业合规风险识别，编制合规管理制度和重点领域合规指引，组织一次全员合规培训。",
       70_000, 75, 0)], None),
]

PROVIDER_ITEM_NAMES = ["网站及小程序备案截图", "营业执照", "房屋租赁合同", "信用中国查询结果",
                       "前年度审计报告", "上年度审计报告", "北京签约企业名单", "全国签约企业名单",
                       "参与标准制定证明", "品牌荣誉与排名"]
PRODUCT_ITEM_NAMES = ["近三月合同及报价表", "前年度北京营业收入专审", "上年度北京营业收入专审",
                      "北京签约企业名单", "服务专精特新企业名单", "软件著作权证书",
                      "北京服务企业名单"]


def demo_attachment_pdf(app_key, item):
    """The bytes of one demo material: a tiny valid PDF naming it."""
    return demo_pdf(["DEMO ONLY - not a real document",
                     "Demo application material %s, item %s" % (app_key, item)])


def plan_applications():
    """The demo applications with their products and materials."""
    rng = random.Random(APP_SEED)
    listed = {name: (i, prov, cat, desc, market, pct, total, days)
              for i, (prov, cat, name, desc, market, pct, total, _pop, days)
              in enumerate(PRODUCTS, 1)}
    years = {key: (y, c, rev) for key, _n, _d, y, c, rev in PROVIDERS}
    apps = []
    for n, (key, prov, state, products, comment) in enumerate(DEMO_APPLICATIONS):
        a = {"key": key, "prov": prov, "state": state, "comment": comment, "products": []}
        for spec in products:
            if isinstance(spec, str):
                i, p_prov, cat, desc, market, pct, total, days = listed[spec]
                assert p_prov == prov and state == "approved"
                a["products"].append({"name": spec, "cat": cat, "desc": desc,
                                      "market": market * 100, "voucher": voucher_of(market, pct),
                                      "premium": 0, "listed": "p%02d" % i, "units": total,
                                      "days": days})
            else:
                name, cat, desc, market, pct, premium = spec
                a["products"].append({"name": name, "cat": cat, "desc": desc,
                                      "market": market * 100, "voucher": voucher_of(market, pct),
                                      "premium": premium})
        for p in a["products"]:
            assert p["voucher"] * 10 <= p["market"] * 8  # P3: every one was submitted
            p["bj_before"] = rng.randint(20, 200) * 1_000_000
            p["bj_last"] = p["bj_before"] + rng.randint(5, 80) * 1_000_000
            p["bj_clients"] = rng.randint(25, 140)
        y, contracts, revenue = years[prov]
        a["years"] = y
        a["form"] = {
            "provider": {
                "website": "https://www.%s-demo.com.cn" % prov, "established_on": None,
                "beijing_registered": True, "main_body_beijing": True, "has_premises": True,
                "premises_address": "北京市海淀区中关村大街%d号" % rng.randint(1, 200),
                "credit_ok": True, "revenue_year_before": revenue * 100 * 9 // 10,
                "revenue_last_year": revenue * 100, "last_year_contracts": contracts,
                "beijing_clients_last_year": contracts * 6 // 10,
                "national_clients_last_year": contracts * 8 // 10},
            "products": [{"name": p["name"], "category": p["cat"], "description": p["desc"],
                          "market_price": p["market"], "voucher_price": p["voucher"],
                          "beijing_revenue_year_before": p["bj_before"],
                          "beijing_revenue_last_year": p["bj_last"],
                          "beijing_clients_last_year": p["bj_clients"],
                          "premium_clients_served": p["premium"]} for p in a["products"]]}
        # materials: every required item once submitted, a few in a draft
        items = ["provider.%d" % k for k in range(1, 9)]
        for s_, _p in enumerate(a["products"], 1):
            items += ["product.%d.%d" % (s_, k) for k in range(1, 5)]
        if state == "draft":
            items = items[:3]
        elif n % 2 == 0:
            items.append("provider.9")
        a["files"] = []
        for item in items:
            parts = item.split(".")
            label = (PROVIDER_ITEM_NAMES[int(parts[1]) - 1] if parts[0] == "provider"
                     else "产品%s-%s" % (parts[1], PRODUCT_ITEM_NAMES[int(parts[2]) - 1]))
            name = rng.randbytes(16).hex()
            data = demo_attachment_pdf(key, item)
            a["files"].append({"item": item, "original": label + ".pdf",
                               "stored": "%s/%s.pdf" % (name[:2], name), "data": data,
                               "sha": hashlib.sha256(data).hexdigest()})
        # minutes after the window opened (capped at the load instant)
        a["t"] = {"created": 60 * (24 * (3 + n) + rng.randint(0, 12))}
        a["t"]["submitted"] = a["t"]["created"] + 60 * 24 * rng.randint(2, 6)
        a["t"]["decided"] = a["t"]["submitted"] + 60 * 24 * rng.randint(3, 8)
        apps.append(a)
    return apps


def write_attachment_files(directory):
    """Writes the demo materials under directory (VOUCHER_FILES_DIR) as
    the upload module stores them: <ab>/<32 hex>.pdf, mode 0640."""
    for a in plan_applications():
        for f in a["files"]:
            path = os.path.join(directory, f["stored"])
            os.makedirs(os.path.dirname(path), mode=0o750, exist_ok=True)
            if not os.path.exists(path):
                with open(path, "wb") as out:
                    out.write(f["data"])
                os.chmod(path, 0o640)


def write_applications(w):
    """The SQL of the demo applications (after providers, accounts and
    products: it uses @provNN, @acc_provNN and @pNN)."""
    apps = plan_applications()
    w("")
    w("-- product applications (征集, A1-A7) in every state: %s" %
      ", ".join("%s %s" % (a["prov"], a["state"]) for a in apps))
    w("-- @win = the window's first instant (Jan 1 00:00 Asia/Shanghai); every")
    w("-- instant is capped at the load instant. Materials: see gen_demo.py --files.")
    w("SET @win = TIMESTAMP(MAKEDATE(@round, 1)) - INTERVAL 8 HOUR;")

    def at(minutes, back=0):
        return "LEAST(@win + INTERVAL %d MINUTE, @now - INTERVAL %d MINUTE)" % (minutes, back)
    for n, a in enumerate(apps):
        t, state, prov = a["t"], a["state"], a["prov"]
        submitted = state != "draft"
        decided = state in ("approved", "returned", "rejected")
        f = a["form"]
        preferred = any(p["premium"] > 0 for p in a["products"])
        w("")
        w("-- %s %s: %s" % (prov, state, "、".join(p["name"] for p in a["products"])))
        w("SET @est = @today - INTERVAL %d YEAR - INTERVAL %d DAY;" % (a["years"], 30 + n))
        w("INSERT INTO product_applications (round_year, provider_id, state, form_json,")
        w("    beijing_registered, main_body_beijing, has_premises, established_on, credit_ok,")
        w("    revenue_year_before, last_year_revenue, last_year_contracts,")
        w("    beijing_clients_last_year, national_clients_last_year, preferred, created_at,")
        w("    updated_at, last_saved_at, last_submitted_at, submit_count, reviewer_opinion,")
        w("    reviewed_by, reviewed_at, reviewer_comment, decided_by, decided_at, review_comment)")
        pv = f["provider"]
        figures = ("1, 1, 1, @est, 1, %d, %d, %d, %d, %d, %d" % (
            pv["revenue_year_before"], pv["revenue_last_year"], pv["last_year_contracts"],
            pv["beijing_clients_last_year"], pv["national_clients_last_year"], preferred))
        if state == "draft":
            figures = "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0"
        opinion = "'approve', @acc_reviewer, %s, %s" % (at(t["submitted"] + 600, 30),
                                                         q("材料齐全，建议通过。")) \
            if a["key"] == "a06" else "NULL, NULL, NULL, NULL"
        w("VALUES (@round, @%s, %s," % (prov, q(state)))
        w("    JSON_SET(%s, '$.provider.established_on', DATE_FORMAT(@est, '%%Y-%%m-%%d'))," %
          q(json_dumps(f)))
        w("    %s," % figures)
        w("    %s, %s, %s, %s, %d," % (
            at(t["created"], 120),
            at(t["decided"] if decided else t["submitted"] if submitted else t["created"] + 30, 10),
            at(t["created"] + 30, 110) if submitted else "NULL",
            at(t["submitted"], 60) if submitted else "NULL",
            (2 if state == "returned" else 1) if submitted else 0))
        w("    %s, %s, %s);" % (
            opinion,
            "@acc_bureau, %s" % at(t["decided"], 10) if decided else "NULL, NULL",
            q(a["comment"]) if a["comment"] else ("'材料齐全，同意入库。'" if state == "approved"
                                                 else "NULL")))
        w("SET @app = LAST_INSERT_ID();")
        if state != "draft":
            w("INSERT INTO application_products (application_id, seq, category, name, description,")
            w("    market_price, voucher_price, beijing_revenue_year_before, beijing_revenue_last_year,")
            w("    beijing_clients_last_year, premium_clients_served, approved_units,")
            w("    approved_validity_days, product_id, created_at, updated_at) VALUES")
            rows = []
            for s_, p in enumerate(a["products"], 1):
                appr = ("%d, %d, @%s" % (p["units"], p["days"], p["listed"])
                        if state == "approved" else "NULL, NULL, NULL")
                rows.append("(@app, %d, %s, %s,\n     %s,\n     %d, %d, %d, %d, %d, %d, %s, %s, %s)"
                            % (s_, q(p["cat"]), q(p["name"]), q(p["desc"]), p["market"],
                               p["voucher"], p["bj_before"], p["bj_last"], p["bj_clients"],
                               p["premium"], appr, at(t["created"] + 30, 110),
                               at(t["created"] + 30, 110)))
            w(",\n".join("    " + r for r in rows) + ";")
            for p in a["products"]:
                if state == "approved":
                    w("UPDATE products SET application_id = @app WHERE id = @%s;" % p["listed"])
        w("INSERT INTO application_attachments (application_id, item_code, original_name,")
        w("    stored_name, content_type, size_bytes, sha256, uploaded_at, uploaded_by) VALUES")
        w(",\n".join("    (@app, %s, %s, %s, 'application/pdf', %d, %s, %s, @acc_%s)"
                     % (q(x["item"]), q(x["original"]), q(x["stored"]), len(x["data"]),
                        q(x["sha"]), at(t["created"] + 10 + i, 100), prov)
                     for i, x in enumerate(a["files"])) + ";")
        events = []
        if submitted:
            events.append((t["submitted"] - (60 * 24 * 10 if state == "returned" else 0), 60,
                           "provider", "submit", None, "draft", "pending", None))
        if state == "returned":
            events.append((t["submitted"] - 60 * 24 * 5, 55, "bureau", "return", None,
                           "pending", "returned", "请补充产品报价表。"))
            events.append((t["submitted"], 50, "provider", "submit", None, "returned",
                           "pending", None))
            events.append((t["decided"], 10, "bureau", "return", None, "pending", "returned",
                           a["comment"]))
        if a["key"] == "a06":
            events.append((t["submitted"] + 600, 30, "reviewer", "opinion", "approve", "pending",
                           "pending", "材料齐全，建议通过。"))
        if state in ("approved", "rejected"):
            events.append((t["decided"], 10, "bureau",
                           "approve" if state == "approved" else "reject", None, "pending",
                           state, a["comment"] or "材料齐全，同意入库。"))
        if events:
            w("INSERT INTO application_events (application_id, at, actor_account_id, actor_role,")
            w("    action, opinion, from_state, to_state, comment, request_id) VALUES")
            acc = {"provider": "@acc_" + prov, "bureau": "@acc_bureau",
                   "reviewer": "@acc_reviewer"}
            w(",\n".join("    (@app, %s, %s, %s, %s, %s, %s, %s, %s, NULL)"
                         % (at(m, back), acc[role], q(role), q(action),
                            q(op) if op else "NULL", q(frm), q(to),
                            q(c) if c else "NULL")
                         for m, back, role, action, op, frm, to, c in events) + ";")


# --- issue 12: an enterprise that joined by itself (E9) ---------------------
#
# 13800138001 signed up, confirmed its mobile, certified its identity and
# size class with its business licence, and waits in the verification
# queue of the reviewer and the bureau (/review.html#/certifications).
# Its own RNG: the rest of the demo does not move when this changes.

SELF_SEED = 20240312
SELF_MOBILE = "13800138001"
SELF_NAME = "北京启明星数据科技有限公司"


def self_registered():
    """The waiting enterprise: its USCC, password hash and licence file."""
    rng = random.Random(SELF_SEED)
    code = make_uscc(rng, "110108", modern=True, used=set())
    name = rng.randbytes(16).hex()
    data = demo_pdf(["DEMO ONLY - not a real document",
                     "Business licence (demo) of %s" % code])
    return {"uscc": code, "hash": password_hash(rng),
            "stored": "%s/%s.pdf" % (name[:2], name), "data": data,
            "sha": hashlib.sha256(data).hexdigest()}


def write_self_registered_files(directory):
    """The waiting enterprise's licence, stored like an upload."""
    f = self_registered()
    path = os.path.join(directory, f["stored"])
    os.makedirs(os.path.dirname(path), mode=0o750, exist_ok=True)
    if not os.path.exists(path):
        with open(path, "wb") as out:
            out.write(f["data"])
        os.chmod(path, 0o640)


def write_self_registered(w):
    """The SQL of the waiting enterprise: organisation, account, licence,
    certification (pending), the audit of each step."""
    f = self_registered()
    basis = "软件和信息技术服务业：从业人员 10 人及以上且营业收入 50 万元及以上 → 小型"
    values = {"name": SELF_NAME, "uscc": f["uscc"], "legal_representative": "赵启明",
              "registered_district": "海淀区", "registered_in_beijing": True,
              "is_enterprise": True, "industry": "software", "employees": 35,
              "revenue": 800_000_000, "total_assets": 600_000_000,
              "year": None, "size_class": "small", "size_basis": basis}
    w("")
    w("-- issue 12: %s signed up and waits in the verification queue (E9)" % SELF_MOBILE)
    w("INSERT INTO organisations (kind, state, name, uscc, legal_representative,")
    w("    registered_district, registered_in_beijing, is_enterprise, industry, employees,")
    w("    revenue, total_assets, figures_year, size_class, size_basis, address, contact_name,")
    w("    created_at, updated_at)")
    w("VALUES ('enterprise', 'submitted', %s, %s, '赵启明', '海淀区', 1, 1, 'software', 35,"
      % (q(SELF_NAME), q(f["uscc"])))
    w("    800000000, 600000000, YEAR(@now + INTERVAL 8 HOUR) - 1, 'small', %s," % q(basis))
    w("    '北京市海淀区上地信息路 9 号', '赵启明', @now - INTERVAL 3 DAY, @now - INTERVAL 2 DAY);")
    w("SET @org_self = LAST_INSERT_ID();")
    w("INSERT INTO accounts (login, mobile, mobile_verified_at, password_hash, role, enterprise_id,")
    w("    provider_id, org_id, member_role, disabled, created_at, display_name)")
    w("VALUES (%s, %s, @now - INTERVAL 3 DAY, %s, 'enterprise', NULL, NULL, @org_self, 'admin',"
      % (q(SELF_MOBILE), q(SELF_MOBILE), q(f["hash"])))
    w("    0, @now - INTERVAL 3 DAY, '赵启明');")
    w("SET @acc_self = LAST_INSERT_ID();")
    w("INSERT INTO org_files (org_id, kind, original_name, stored_name, content_type, size_bytes,")
    w("    sha256, uploaded_at, uploaded_by)")
    w("VALUES (@org_self, 'licence', '营业执照.pdf', %s, 'application/pdf', %d, %s,"
      % (q(f["stored"]), len(f["data"]), q(f["sha"])))
    w("    @now - INTERVAL 2 DAY, @acc_self);")
    w("INSERT INTO certifications (org_id, kind, status, is_change, name, uscc, size_class,")
    w("    values_json, licence_stored, licence_type, licence_name, licence_size, licence_sha256,")
    w("    submitted_at, submitted_by)")
    w("VALUES (@org_self, 'enterprise', 'pending', 0, %s, %s, 'small',"
      % (q(SELF_NAME), q(f["uscc"])))
    w("    JSON_SET(%s, '$.year', YEAR(@now + INTERVAL 8 HOUR) - 1), %s, 'application/pdf',"
      % (q(json_dumps(values)), q(f["stored"])))
    w("    '营业执照.pdf', %d, %s, @now - INTERVAL 2 DAY, @acc_self);" % (len(f["data"]), q(f["sha"])))
    w("INSERT INTO audit_log (at, actor_account_id, actor_role, action, entity, entity_id,")
    w("    before_json, after_json, request_id) VALUES")
    w("    (@now - INTERVAL 3 DAY, NULL, 'public', 'account.signup', 'account', @acc_self, NULL,")
    w("     JSON_OBJECT('role', 'enterprise', 'org_id', @org_self), NULL),")
    w("    (@now - INTERVAL 2 DAY, @acc_self, 'enterprise', 'org.submit', 'organisation', @org_self,")
    w("     NULL, JSON_OBJECT('certification_id', LAST_INSERT_ID()), NULL);")


def json_dumps(obj):
    import json
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def generate():
    rng = random.Random(SEED)
    used = set()
    out = []
    w = out.append

    # the products (P3, P4) and the orders first: quota rows, units and
    # ratings are written from them
    products = make_products()
    ents = enterprise_caps()
    orders, occupied = plan_orders(products, ents)
    sold = {p["key"]: 0 for p in products}
    rating = {p["key"]: [0, 0] for p in products}
    for o in orders:
        sold[o["p"]["key"]] += o["unit_held"]
        if "eval" in o:
            rating[o["p"]["key"]][0] += sum(o["eval"][0])
            rating[o["p"]["key"]][1] += 3
    ages = []           # every age given to ts(): @span is the oldest

    w("-- demo.sql - DEMO DATA of the Beijing SME service-voucher system.")
    w("-- GENERATED by sql/demo/gen_demo.py (seed %d): do not edit, regenerate." % SEED)
    w("-- Loaded by `sql/migrate.sh --demo` into a migrated database whose accounts")
    w("-- table is empty. One transaction: it loads completely or not at all.")
    w("--")
    w("-- Logins: ent01..ent22 (enterprise), prov01..prov08 (provider), reviewer,")
    w("-- bureau, %s (an enterprise that signed up and waits in the" % SELF_MOBILE)
    w("-- verification queue). Password of every demo account: %s (DEMO ONLY)." % DEMO_PASSWORD)
    w("--   ent01-ent14 ordinary, ent15-ent18 specialized, ent19-ent20 little giant;")
    w("--   ent21 is credit-flagged (E4) and ent22 is registered outside Beijing (E1):")
    w("--   both must be refused when ordering (O1).")
    w("-- Orders: %d by ent01..ent20 over the last 40 days, every sold unit one of" % len(orders))
    w("--   them (units_sold = orders holding a unit, occupied = SUM(reserved),")
    w("--   ratings = evaluations: `voucherctl reconcile` finds no drift). ent01 has")
    w("--   one order of each kind; ent07 has used its whole cap (the last")
    w("--   reservation was partial, O3); ent14 has not ordered yet.")
    w("-- Times are relative to UTC_TIMESTAMP() (T1); the round is the current")
    w("-- Asia/Shanghai year, applications open Jan 1 .. end of February (A2).")
    w("")
    w("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;")
    w("START TRANSACTION;")
    w("")
    w("SET @now      = UTC_TIMESTAMP();")
    w("SET @today    = DATE(@now + INTERVAL 8 HOUR);            -- Asia/Shanghai date (T1)")
    w("SET @round    = YEAR(@now + INTERVAL 8 HOUR);")
    w("")
    w("-- ts(age) = @now - INTERVAL (age * @k DIV @span) SECOND: an age in seconds")
    w("-- before the load. @k = @span normally; early in a year @k shrinks so that")
    w("-- the oldest age stays 10 minutes after Jan 1 00:00 Asia/Shanghai and every")
    w("-- order is of the current round year (order of events kept; only the")
    w("-- closed orders' 48-hour / validity spans and the 7-day publicity period")
    w("-- then look shorter).")
    span_line = len(out)
    w(None)  # @span, filled in below once every age is known
    w("SET @k        = LEAST(@span, GREATEST(0, TIMESTAMPDIFF(SECOND,")
    w("                  TIMESTAMP(MAKEDATE(@round, 1)) - INTERVAL 8 HOUR, @now) - 600));")
    w("")
    w("-- the current round (P2, A2): window Jan 1 .. Feb 28/29")
    w("UPDATE rounds SET is_current = 0 WHERE is_current = 1 AND year <> @round;")
    w("INSERT INTO rounds (year, apply_opens_on, apply_closes_on, is_current)")
    w("VALUES (@round, MAKEDATE(@round, 1), LAST_DAY(MAKEDATE(@round, 1) + INTERVAL 1 MONTH), 1)")
    w("ON DUPLICATE KEY UPDATE is_current = 1;")
    w("")

    def ts(age):
        ages.append(age)
        return "@now - INTERVAL (%d * @k DIV @span) SECOND" % age

    # providers (A1: Beijing, premises, >= 2 years, good credit, >= 25
    # contracts, >= 3,000,000 CNY revenue)
    w("-- providers (A1: all eligible)")
    for key, name, division, years, contracts, revenue in PROVIDERS:
        code = make_uscc(rng, division, modern=years <= 8, used=used)
        assert uscc_valid(code) and code.startswith("9111")
        assert years >= 3 and contracts >= 25 and revenue >= 3_000_000
        est_days = rng.randint(10, 300)
        created_h = rng.randint(24 * 60, 24 * 90)
        w("INSERT INTO providers (name, uscc, beijing_registered, main_body_beijing, has_premises,")
        w("    established_on, credit_flagged, credit_source, credit_checked_on, barred_until,")
        w("    last_year_contracts, last_year_revenue, created_at, updated_at)")
        w("VALUES (%s, %s, 1, 1, 1, @today - INTERVAL %d YEAR - INTERVAL %d DAY, 0, NULL,"
          % (q(name), q(code), years, est_days))
        w("    @today - INTERVAL %d DAY, NULL, %d, %d, @now - INTERVAL %d HOUR, @now - INTERVAL %d HOUR);"
          % (rng.randint(3, 40), contracts, revenue * 100, created_h, created_h))
        w("SET @%s = LAST_INSERT_ID();" % key)
    w("")

    # enterprises, registered well before their first order
    w("-- enterprises (E1-E7) and this year's cap rows: occupied = SUM(reserved) of")
    w("-- the orders below (E7, O3)")
    for key, name, division, tier, size in ENTERPRISES:
        code = make_uscc(rng, division, modern=rng.random() < 0.6, used=used)
        assert uscc_valid(code)
        assert code.startswith("9111") == (key not in NOT_BEIJING)
        bj = 0 if key in NOT_BEIJING else 1
        created_h = rng.randint(24 * 20, 24 * 80) + 24 * 45
        if key in CREDIT_FLAGGED:
            credit = "1, %s, @today - INTERVAL %d DAY" % (q("信用中国（北京）严重负面"), rng.randint(5, 20))
        else:
            credit = "0, NULL, @today - INTERVAL %d DAY" % rng.randint(1, 60)
        w("INSERT INTO enterprises (name, uscc, tier, size_class, beijing_registered, is_enterprise,")
        w("    credit_flagged, credit_source, credit_checked_on, barred_until, created_at, updated_at)")
        w("VALUES (%s, %s, %s, %s, %d, 1," % (q(name), q(code), q(tier), q(size), bj))
        w("    %s, NULL, @now - INTERVAL %d HOUR, @now - INTERVAL %d HOUR);"
          % (credit, created_h, created_h))
        w("SET @%s = LAST_INSERT_ID();" % key)
        assert occupied[key] <= TIER_CAP[tier]
        w("INSERT INTO enterprise_quota (enterprise_id, year, cap, occupied) VALUES (@%s, @round, %d, %d);"
          % (key, TIER_CAP[tier], occupied[key]))
    w("")

    # accounts, opened before the first order
    w("-- accounts: password %s (DEMO ONLY), PBKDF2-HMAC-SHA256, 600000 iterations" % DEMO_PASSWORD)
    w("INSERT INTO accounts (login, password_hash, role, enterprise_id, provider_id, disabled,")
    w("    created_at, last_login_at, display_name) VALUES")
    rows = []
    for key, *_ in ENTERPRISES:
        rows.append("(%s, %s, 'enterprise', @%s, NULL, 0, @now - INTERVAL %d HOUR, NULL, NULL)"
                    % (q(key), q(password_hash(rng)), key, rng.randint(24 * 10, 24 * 20) + 24 * 50))
    for key, *_ in PROVIDERS:
        rows.append("(%s, %s, 'provider', NULL, @%s, 0, @now - INTERVAL %d HOUR, NULL, NULL)"
                    % (q(key), q(password_hash(rng)), key, rng.randint(24 * 50, 24 * 60) + 24 * 10))
    rows.append("(%s, %s, 'reviewer', NULL, NULL, 0, @now - INTERVAL %d HOUR, NULL, %s)"
                % (q("reviewer"), q(password_hash(rng)), 24 * 90, q("评审机构（演示）")))
    rows.append("(%s, %s, 'bureau', NULL, NULL, 0, @now - INTERVAL %d HOUR, NULL, %s)"
                % (q("bureau"), q(password_hash(rng)), 24 * 90, q("北京市经济和信息化局（演示）")))
    w(",\n".join("    " + r for r in rows) + ";")
    logins = [k for k, *_ in ENTERPRISES] + [k for k, *_ in PROVIDERS] + ["reviewer", "bureau"]
    for login in logins:
        w("SET @acc_%s = (SELECT id FROM accounts WHERE login = %s);" % (login, q(login)))
    w("")

    # products
    assert len(PRODUCTS) >= 48
    by_cat = {}
    for p in PRODUCTS:
        by_cat.setdefault(p[1], []).append(p[0])
    assert sorted(by_cat) == sorted(CATEGORY_ORDER)
    for cat, provs in by_cat.items():
        assert len(provs) == 4 and len(set(provs)) >= 2, cat
    capped = few_left = 0
    w("-- products of the current round (P1-P6), 4 per category, listed before the")
    w("-- first order: units_sold = the orders below holding a unit (P5), ratings =")
    w("-- their evaluations (C1)")
    w("INSERT INTO products (round_year, provider_id, category, name, description, market_price,")
    w("    voucher_price, unit_subsidy, units_total, remaining_units, units_sold, validity_days,")
    w("    listed, rating_sum, rating_count, application_id, created_at, updated_at) VALUES")
    rows = []
    for p in products:
        market, voucher, subsidy, total = p["market"], p["voucher"], p["subsidy"], p["total"]
        assert 500_000 <= market <= 80_000_000
        assert 0 < voucher and voucher * 10 <= market * 8  # P3
        capped += subsidy == 5_000_000
        held = sold[p["key"]]
        assert 3 <= total <= 200 and 0 <= held < total and p["days"] in (30, 45, 60)
        few_left += total - held <= 2
        created = rng.randint(41 * D, 48 * D)
        updated = created - rng.randint(0, 3 * D)
        first = max([o["t"]["ordered"] for o in orders if o["p"] is p], default=0)
        assert created > first
        rs, rc = rating[p["key"]]
        rows.append("(@round, @%s, %s, %s,\n     %s,\n     %d, %d, %d, %d, %d, %d, %d, 1, %d, %d, NULL,"
                    "\n     %s, %s)"
                    % (p["prov"], q(p["cat"]), q(p["name"]), q(p["desc"]), market, voucher, subsidy,
                       total, total - held, held, p["days"], rs, rc, ts(created), ts(updated)))
    assert capped >= 1 and few_left >= 2
    w(",\n".join("    " + r for r in rows) + ";")
    for p in products:
        w("SET @%s = (SELECT id FROM products WHERE provider_id = @%s AND name = %s);"
          % (p["key"], p["prov"], q(p["name"])))
    w("")

    # orders
    files_of = {}
    for o, kind, stored, data in claim_files(orders):
        files_of.setdefault(id(o), []).append((kind, stored, data))
    counts = {}
    for o in orders:
        k = o["status"] + ("/" + (o["cancel_reason"] or o["expired_from"])
                           if o["status"] in ("cancelled", "expired") else "")
        counts[k] = counts.get(k, 0) + 1
    w("-- orders (O1-O10): %s" % ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    w("-- each with its events (O10), contract (O8, O9) and evaluation (C1); the")
    w("-- submitted and approved ones have their claim (R2-R4) with its five files (R1),")
    w("-- written under the files directory by `gen_demo.py --files DIR` (ops/stack.sh).")
    w("-- @t = ordered_at; accept_deadline and valid_until follow it (O4, O6).")
    cols = ("order_no, enterprise_id, product_id, provider_id, year, status, cancel_reason,\n"
            "    status_reason, product_name, voucher_price, validity_days, unit_subsidy, reserved,\n"
            "    unit_held, subsidy, ordered_at, accept_deadline, accepted_at, valid_until,\n"
            "    contracted_at, confirmed_at, submitted_at, approved_at, publicized_at, paid_at,\n"
            "    closed_at, updated_at")
    actor_acc = {"reviewer": "@acc_reviewer", "bureau": "@acc_bureau", "system": "NULL"}
    for o in orders:
        p, t = o["p"], o["t"]
        ev = events_of(o)
        status_reason = None
        for _age, _a, frm, to, reason in ev:
            if frm != to and frm is not None:
                status_reason = reason              # order_transition / order_close

        def opt(key, t=t):
            return ts(t[key]) if key in t else "NULL"
        w("")
        w("-- %s %s: %s%s" % (o["ent"], o["status"], p["name"],
                              " (partial reservation: the rest of the cap, O3)"
                              if o["reserved_at_order"] < p["subsidy"] else ""))
        w("SET @t = %s;" % ts(t["ordered"]))
        w("INSERT INTO orders (%s)" % cols)
        w("VALUES (CONCAT('SV', DATE_FORMAT(@t + INTERVAL 8 HOUR, '%Y%m%d'), '" + o["no_digits"] + "'),")
        w("    @%s, @%s, @%s, YEAR(@t + INTERVAL 8 HOUR), %s, %s, %s,"
          % (o["ent"], p["key"], p["prov"], q(o["status"]),
             q(o["cancel_reason"]) if o["cancel_reason"] else "NULL",
             q(status_reason) if status_reason else "NULL"))
        w("    %s, %d, %d, %d, %d, %d, %s,"
          % (q(p["name"]), p["voucher"], p["days"], p["subsidy"], o["reserved"], o["unit_held"],
             "%d" % o["subsidy"] if "subsidy" in o else "NULL"))
        w("    @t, @t + INTERVAL 48 HOUR, %s, @t + INTERVAL %d DAY," % (opt("accepted"), p["days"]))
        w("    %s, %s, %s," % (opt("contracted"), opt("confirmed"), opt("submitted")))
        w("    %s, %s, %s," % (opt("approved"), opt("publicized"), opt("paid")))
        w("    %s, %s);" % (opt("closed"), ts(min(e[0] for e in ev))))
        w("SET @o = LAST_INSERT_ID();")
        if "contracted" in t:
            amount, months, base, subsidy = o["amount"], o["months"], o["base"], o["subsidy"]
            assert base == (amount if months <= 12 else amount * 12 // months)
            assert 0 <= subsidy <= min(base * 30 // 100, 5_000_000) and subsidy <= o["reserved_at_order"]
            assert t["ordered"] > t["accepted"] >= t["signed"] >= t["contracted"] > 0
            assert t["signed"] >= t["service_start"] > 0
            w("INSERT INTO contracts (order_id, contract_no, signed_on, service_start_on, amount,")
            w("    period_months, base, subsidy, self_paid, recorded_at, recorded_by, updated_at)")
            w("VALUES (@o, CONCAT('HT-', @round, '-%04d'), DATE(%s + INTERVAL 8 HOUR),"
              % (o["contract_seq"], ts(t["signed"])))
            w("    DATE(%s + INTERVAL 8 HOUR), %d, %d, %d, %d, %d,"
              % (ts(t["service_start"]), amount, months, base, subsidy, amount - subsidy))
            w("    %s, @acc_%s, NULL);" % (ts(t["contracted"]), p["prov"]))
        if "eval" in o:
            (qa, ti, at), comment = o["eval"]
            w("INSERT INTO evaluations (order_id, product_id, quality, timeliness, attitude, comment, created_at)")
            w("VALUES (@o, @%s, %d, %d, %d, %s, %s);"
              % (p["key"], qa, ti, at, q(comment) if comment else "NULL", ts(t["confirmed"])))
        if "submitted" in t:
            write_claim(w, ts, o, files_of[id(o)])
        w("INSERT INTO order_events (order_id, at, actor_account_id, actor_role, from_status,")
        w("    to_status, reason, request_id) VALUES")
        rows = []
        for age, actor, frm, to, reason in ev:
            acc = {"enterprise": "@acc_" + o["ent"], "provider": "@acc_" + p["prov"]}.get(actor) \
                or actor_acc[actor]
            rows.append("(@o, %s, %s, %s, %s, %s, %s, NULL)"
                        % ("@t" if age == t["ordered"] else ts(age), acc, q(actor),
                           q(frm) if frm else "NULL", q(to), q(reason)))
        w(",\n".join("    " + r for r in rows) + ";")
    write_applications(w)
    write_self_registered(w)
    w("")
    w("-- the sweeper announces events after this one only (issue 16): the demo's")
    w("-- history is not sent as new messages")
    w("UPDATE reminder_cursor SET last_id = (SELECT COALESCE(MAX(id), 0) FROM order_events)")
    w("    WHERE name = 'order_events';")
    w("")
    w("COMMIT;")
    out[span_line] = "SET @span     = %d;                                   -- the oldest age" % max(ages)
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output",
                    default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo.sql"))
    ap.add_argument("--files", metavar="DIR",
                    help="only write the demo's files (claim documents, application"
                         " materials) under DIR, the files directory")
    args = ap.parse_args()
    if args.files:
        n = write_claim_files(args.files)
        print("gen_demo: %d demo claim file(s) written to %s" % (n, args.files), file=sys.stderr)
        write_attachment_files(args.files)
        write_self_registered_files(args.files)
        return
    text = generate()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("wrote %s" % args.output, file=sys.stderr)


if __name__ == "__main__":
    main()
