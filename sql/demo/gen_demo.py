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
# market (<= 80, P3), units total, units remaining, validity days, evaluations
PRODUCTS = [
    # digital 数字化赋能
    ("prov01", "digital", "企业数字化转型诊断服务",
     "围绕研发、生产、供应链、营销和管理五个环节，由专家团队驻场调研3至5天，评估企业数字化、网络化、智能化水平，出具诊断报告和分阶段转型路线图，并提供一次高层解读会。",
     68_000, 75, 60, 52, 30, 6),
    ("prov01", "digital", "智能制造能力成熟度评估（GB/T 39116）",
     "依据GB/T 39116《智能制造能力成熟度模型》开展对标评估，覆盖人员、技术、资源、制造四大能力要素，给出成熟度等级、差距分析和改进建议，可作为后续申报智能工厂的基础材料。",
     120_000, 78, 30, 30, 45, 0),
    ("prov01", "digital", "数据资产盘点与数据治理咨询",
     "梳理企业业务系统和数据资源，建立数据资产目录、数据标准和质量规则，设计数据治理组织与流程，交付数据治理规划方案和数据资产清单。",
     150_000, 75, 20, 20, 30, 0),
    ("prov02", "digital", "中小企业数字化办公整体解决方案",
     "为50人以内企业部署协同办公、在线审批、考勤和文档管理平台，完成组织架构导入、流程配置和全员培训，含一年运维支持。",
     36_000, 70, 100, 100, 30, 3),
    # cloud 上云用云
    ("prov02", "cloud", "中小企业上云基础套餐",
     "提供一年期云服务器（4核8G）、对象存储500GB、云数据库和自动备份，完成现有业务系统迁移上云和安全基线配置，7×24小时技术支持。",
     24_000, 75, 200, 163, 30, 12),
    ("prov02", "cloud", "研发设计上云迁移服务",
     "将CAD/CAE等研发设计软件和图纸数据迁移至云端，部署云桌面和协同设计环境，实现研发数据集中管理、异地协同和权限控制。",
     86_000, 78, 40, 40, 30, 0),
    ("prov02", "cloud", "生产制造工业互联网平台接入服务",
     "对关键生产设备进行数据采集改造，接入工业互联网平台，实现设备状态监控、产量统计和能耗分析看板，交付平台账号和一年服务。",
     158_000, 76, 25, 25, 45, 0),
    ("prov01", "cloud", "云上安全等保二级合规套餐",
     "面向已上云企业，提供差距评估、云上安全产品配置、安全管理制度编制和测评陪跑，协助通过网络安全等级保护二级测评。",
     65_000, 78, 50, 50, 30, 3),
    # talent 人才与培训
    ("prov03", "talent", "中高层管理人才猎头服务",
     "为企业寻访部门经理及以上管理岗位人才，提供岗位画像、人才地图、候选人背景调查和面试评估，保证期内人选离职免费重新推荐。",
     120_000, 80, 30, 2, 60, 9),
    ("prov03", "talent", "企业人力资源体系搭建咨询",
     "为成长期企业设计组织架构、岗位职级、薪酬绩效和招聘培训体系，交付制度文件汇编并辅导落地三个月。",
     88_000, 75, 40, 40, 30, 3),
    ("prov08", "talent", "劳动用工合规培训（企业内训）",
     "由执业律师到企业开展两天劳动用工合规培训，覆盖招聘入职、劳动合同、工时休假、解除终止和争议应对，附赠合规自查清单。",
     18_000, 75, 80, 80, 30, 0),
    ("prov07", "talent", "财务人员实务能力提升培训",
     "面向企业财务人员的系统培训，内容包括新会计准则实务、增值税及企业所得税申报、财务分析与内控，共32课时，结业颁发证书。",
     9_800, 78, 120, 120, 30, 6),
    # innovation 科技创新
    ("prov04", "innovation", "企业技术诊断与研发体系咨询",
     "组织行业技术专家对企业核心技术、工艺和研发管理进行诊断，提出技术攻关方向和研发体系建设方案，协助建立研发项目管理制度。",
     96_000, 75, 30, 30, 30, 0),
    ("prov04", "innovation", "产品检验检测与第三方评价服务",
     "依托CMA/CNAS资质实验室，对企业新产品开展性能、可靠性和安全检测，出具第三方检测报告和技术评价意见。",
     48_000, 78, 60, 60, 30, 3),
    ("prov05", "innovation", "专利申请代理（发明专利）",
     "包括技术交底沟通、专利检索、申请文件撰写、提交受理及审查意见答复，直至授权或驳回，不含官方规费。",
     9_000, 78, 150, 88, 30, 15),
    ("prov05", "innovation", "高新技术企业认定咨询服务",
     "对照高新技术企业认定条件开展预评估，辅导梳理知识产权、研发费用归集和科技成果转化材料，完成申报材料编制和提交。",
     45_000, 75, 80, 80, 30, 6),
    # transfer 成果转化
    ("prov04", "transfer", "科技成果评价服务",
     "按照科技成果评价规范组织同行专家，对企业科技成果的创新性、先进性和成熟度进行评价，出具评价报告。",
     35_000, 75, 50, 50, 30, 0),
    ("prov04", "transfer", "中试熟化与小批量试制服务",
     "为实验室阶段的科技成果提供中试工艺开发、小批量试制和工艺参数固化，交付中试报告和工艺文件包。",
     280_000, 72, 10, 10, 60, 0),
    ("prov05", "transfer", "技术成果转移转化对接服务",
     "对企业拟转化或拟引进的技术成果进行梳理，开展技术需求与成果匹配、许可转让谈判支持和交易合同起草。",
     60_000, 75, 40, 40, 30, 0),
    ("prov05", "transfer", "知识产权价值评估服务",
     "对专利、软件著作权等知识产权进行价值评估，出具评估报告，可用于知识产权质押融资、作价入股和转让交易。",
     38_000, 78, 60, 60, 30, 3),
    # design 工业设计
    ("prov06", "design", "产品外观设计服务",
     "基于用户研究和竞品分析，完成产品造型、色彩材质和CMF方案设计，交付三套概念方案、效果图和外观手板一套。",
     80_000, 75, 40, 40, 30, 6),
    ("prov06", "design", "产品结构设计与工业级打样",
     "完成产品内部结构设计、可制造性分析和公差分配，交付三维结构模型、工程图纸，并制作工业级功能样机两套。",
     150_000, 78, 30, 30, 45, 0),
    ("prov06", "design", "工业设计全案服务（概念到量产）",
     "覆盖概念设计、方案设计、外观与结构设计、样机验证、模具跟进和量产导入的全流程设计服务，配备专职项目经理。",
     420_000, 78, 8, 8, 60, 0),
    ("prov04", "design", "新产品导入（NPI）工艺评审服务",
     "在新产品量产前开展DFM/DFA工艺评审、试产问题闭环和生产工艺文件编制，帮助企业缩短导入周期、降低试产成本。",
     72_000, 75, 30, 30, 30, 0),
    # it 信息化开发
    ("prov01", "it", "企业ERP系统实施服务（标准版）",
     "基于成熟ERP产品完成财务、采购、销售、库存和生产模块实施，含业务调研、系统配置、数据迁移、用户培训和上线后三个月支持。",
     380_000, 75, 12, 12, 60, 0),
    ("prov01", "it", "小程序与移动应用定制开发",
     "根据企业业务需求定制开发微信小程序或移动应用，含需求分析、UI设计、前后端开发、测试上线和一年维护。",
     120_000, 78, 30, 30, 45, 3),
    ("prov02", "it", "企业网络与IT运维外包服务（年度）",
     "提供一年期办公网络、服务器、终端和信息安全运维外包，每月定期巡检，故障4小时内响应，年度出具IT健康报告。",
     96_000, 75, 50, 50, 30, 0),
    ("prov02", "it", "SaaS客户关系管理系统（50用户/年）",
     "提供50个用户一年的SaaS客户关系管理系统使用权，含线索、商机、合同、回款管理，完成初始化配置和使用培训。",
     30_000, 70, 100, 100, 30, 9),
    # ipo 上市培育
    ("prov07", "ipo", "上市前财务规范辅导",
     "对拟上市企业开展财务规范性诊断，规范会计核算、收入确认和关联交易，辅导建立满足上市要求的财务体系，陪同应对中介机构尽调。",
     600_000, 75, 5, 1, 60, 3),
    ("prov07", "ipo", "拟上市企业内控体系建设咨询",
     "按照企业内部控制基本规范及上市监管要求，梳理业务流程和风险点，编制内控手册和权限指引，开展内控测试与缺陷整改。",
     260_000, 75, 10, 10, 60, 0),
    ("prov08", "ipo", "上市法律尽职调查服务",
     "对企业历史沿革、股权结构、重大合同、知识产权、劳动人事和诉讼仲裁开展法律尽职调查，出具尽调报告和规范整改建议。",
     500_000, 70, 6, 6, 45, 0),
    ("prov08", "ipo", "股权激励方案设计与法律服务",
     "设计股权激励模式、激励对象、授予价格和考核退出机制，起草激励计划、授予协议和持股平台文件，并提供实施辅导。",
     120_000, 78, 20, 20, 30, 3),
    # finance 财税审计
    ("prov07", "finance", "年度财务审计服务",
     "按照中国注册会计师审计准则对企业年度财务报表实施审计，出具标准审计报告，适用于年报、融资和政府项目申报。",
     30_000, 80, 100, 71, 30, 12),
    ("prov07", "finance", "代理记账服务（小规模纳税人·年度）",
     "为小规模纳税人提供一年代理记账和纳税申报服务，含票据整理、记账凭证、财务报表和个税社保申报。",
     6_000, 75, 200, 200, 30, 6),
    ("prov07", "finance", "研发费用加计扣除专项审计",
     "对企业研发项目立项、研发费用归集和辅助账进行专项审核，出具研发费用加计扣除专项审计报告。",
     25_000, 76, 80, 80, 30, 3),
    ("prov03", "finance", "薪酬个税筹划与社保合规咨询",
     "结合企业薪酬结构开展个人所得税和社保合规诊断，设计合法合规的薪酬福利方案，出具咨询报告并辅导落地。",
     20_000, 75, 60, 60, 30, 0),
    # market 市场开拓
    ("prov06", "market", "品牌全案策划与VI设计",
     "开展品牌定位和市场调研，完成品牌命名建议、标志设计和VI基础与应用系统设计，交付品牌手册。",
     150_000, 78, 20, 20, 45, 3),
    ("prov06", "market", "新媒体运营推广（季度）",
     "为企业运营微信公众号、视频号和抖音账号一个季度，含内容策划、每月12篇图文和4条短视频制作、数据分析月报。",
     60_000, 75, 40, 40, 30, 6),
    ("prov03", "market", "海外市场开拓与展会参展服务",
     "协助企业参加一场境外国际专业展会，提供展位预订、展台设计搭建、买家邀约和外贸资料翻译，展后提供客户跟进建议。",
     180_000, 75, 15, 15, 60, 0),
    ("prov01", "market", "搜索引擎与电商平台营销推广",
     "制定搜索引擎和主流电商平台推广方案，完成店铺诊断、关键词优化和广告投放代运营三个月，按月提供效果报告。",
     40_000, 78, 60, 60, 30, 0),
    # legal 法律咨询
    ("prov08", "legal", "常年法律顾问服务（基础版）",
     "提供一年常年法律顾问服务：不限次数电话及线上咨询、每年审查合同30份、起草法律文书10份、两次法律风险体检。",
     36_000, 75, 60, 45, 30, 9),
    ("prov08", "legal", "合同审查与法律文本服务包",
     "为企业审查或起草销售、采购、技术开发、保密等商务合同20份，建立常用合同范本库并提供使用说明。",
     15_000, 78, 100, 100, 30, 6),
    ("prov08", "legal", "劳动争议纠纷解决方案",
     "针对企业已发生的劳动争议，提供案情分析、证据梳理、调解谈判，并代理一审阶段的劳动仲裁。",
     25_000, 76, 40, 40, 30, 0),
    ("prov05", "legal", "知识产权侵权纠纷法律咨询",
     "对专利、商标、著作权侵权风险进行分析，出具侵权比对意见和应对策略，代拟律师函并参与和解谈判。",
     30_000, 75, 40, 40, 30, 3),
    # other 其他创新创业服务
    ("prov04", "other", "创新创业项目孵化辅导",
     "为初创团队提供六个月孵化辅导，内容包括商业模式梳理、商业计划书打磨、路演辅导和投资机构对接。",
     50_000, 75, 30, 30, 30, 0),
    ("prov03", "other", "企业管理体系认证辅导（ISO 9001）",
     "辅导企业建立质量管理体系，编制手册和程序文件，开展内审员培训和管理评审，陪同认证机构现场审核直至取证。",
     28_000, 78, 50, 50, 45, 3),
    ("prov07", "other", "政府项目申报辅导服务",
     "梳理企业可申报的各级政府支持政策，辅导完成一项项目的申报材料编制、财务数据整理和答辩准备。",
     20_000, 75, 80, 80, 30, 0),
    ("prov06", "other", "展厅与空间展陈设计",
     "为企业展厅、接待区进行展陈策划与空间设计，交付平面布局、效果图、施工图和多媒体展项方案。",
     90_000, 75, 20, 20, 30, 0),
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


def generate():
    rng = random.Random(SEED)
    used = set()
    out = []
    w = out.append

    w("-- demo.sql - DEMO DATA of the Beijing SME service-voucher system.")
    w("-- GENERATED by sql/demo/gen_demo.py (seed %d): do not edit, regenerate." % SEED)
    w("-- Loaded by `sql/migrate.sh --demo` into a migrated database whose accounts")
    w("-- table is empty. One transaction: it loads completely or not at all.")
    w("--")
    w("-- Logins: ent01..ent22 (enterprise), prov01..prov08 (provider), reviewer,")
    w("-- bureau. Password of every demo account: %s (DEMO ONLY)." % DEMO_PASSWORD)
    w("--   ent01-ent14 ordinary, ent15-ent18 specialized, ent19-ent20 little giant;")
    w("--   ent21 is credit-flagged (E4) and ent22 is registered outside Beijing (E1):")
    w("--   both must be refused when ordering (O1).")
    w("-- Times are relative to UTC_TIMESTAMP() (T1); the round is the current")
    w("-- Asia/Shanghai year, applications open Jan 1 .. end of February (A2).")
    w("")
    w("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;")
    w("START TRANSACTION;")
    w("")
    w("SET @now      = UTC_TIMESTAMP();")
    w("SET @today    = DATE(@now + INTERVAL 8 HOUR);            -- Asia/Shanghai date (T1)")
    w("SET @round    = YEAR(UTC_TIMESTAMP() + INTERVAL 8 HOUR);")
    w("")
    w("-- the current round (P2, A2): window Jan 1 .. Feb 28/29")
    w("UPDATE rounds SET is_current = 0 WHERE is_current = 1 AND year <> @round;")
    w("INSERT INTO rounds (year, apply_opens_on, apply_closes_on, is_current)")
    w("VALUES (@round, MAKEDATE(@round, 1), LAST_DAY(MAKEDATE(@round, 1) + INTERVAL 1 MONTH), 1)")
    w("ON DUPLICATE KEY UPDATE is_current = 1;")
    w("")

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

    # enterprises
    w("-- enterprises (E1-E7)")
    for key, name, division, tier, size in ENTERPRISES:
        code = make_uscc(rng, division, modern=rng.random() < 0.6, used=used)
        assert uscc_valid(code)
        assert code.startswith("9111") == (key not in NOT_BEIJING)
        bj = 0 if key in NOT_BEIJING else 1
        created_h = rng.randint(24 * 20, 24 * 80)
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
        # E7 / O3: this year's cap row, nothing occupied yet
        w("INSERT INTO enterprise_quota (enterprise_id, year, cap, occupied) VALUES (@%s, @round, %d, 0);"
          % (key, TIER_CAP[tier]))
    w("")

    # accounts
    w("-- accounts: password %s (DEMO ONLY), PBKDF2-HMAC-SHA256, 600000 iterations" % DEMO_PASSWORD)
    w("INSERT INTO accounts (login, password_hash, role, enterprise_id, provider_id, disabled,")
    w("    created_at, last_login_at, display_name) VALUES")
    rows = []
    for key, *_ in ENTERPRISES:
        rows.append("(%s, %s, 'enterprise', @%s, NULL, 0, @now - INTERVAL %d HOUR, NULL, NULL)"
                    % (q(key), q(password_hash(rng)), key, rng.randint(24 * 10, 24 * 20)))
    for key, *_ in PROVIDERS:
        rows.append("(%s, %s, 'provider', NULL, @%s, 0, @now - INTERVAL %d HOUR, NULL, NULL)"
                    % (q(key), q(password_hash(rng)), key, rng.randint(24 * 50, 24 * 60)))
    rows.append("(%s, %s, 'reviewer', NULL, NULL, 0, @now - INTERVAL %d HOUR, NULL, %s)"
                % (q("reviewer"), q(password_hash(rng)), 24 * 90, q("评审机构（演示）")))
    rows.append("(%s, %s, 'bureau', NULL, NULL, 0, @now - INTERVAL %d HOUR, NULL, %s)"
                % (q("bureau"), q(password_hash(rng)), 24 * 90, q("北京市经济和信息化局（演示）")))
    w(",\n".join("    " + r for r in rows) + ";")
    w("")

    # products
    assert len(PRODUCTS) >= 48
    by_cat = {}
    for p in PRODUCTS:
        by_cat.setdefault(p[1], []).append(p[0])
    assert sorted(by_cat) == sorted(CATEGORY_ORDER)
    for cat, provs in by_cat.items():
        assert len(provs) == 4 and len(set(provs)) >= 2, cat
    capped = 0
    w("-- products of the current round (P1-P6), 4 per category")
    w("INSERT INTO products (round_year, provider_id, category, name, description, market_price,")
    w("    voucher_price, unit_subsidy, units_total, remaining_units, units_sold, validity_days,")
    w("    listed, rating_sum, rating_count, application_id, created_at, updated_at) VALUES")
    rows = []
    for prov, cat, name, desc, market_yuan, pct, total, remaining, days, evals in PRODUCTS:
        assert 5_000 <= market_yuan <= 800_000 and 70 <= pct <= 80
        voucher_yuan = market_yuan * pct // 100 // 10 * 10  # whole yuan, rounded down to 10
        market, voucher = market_yuan * 100, voucher_yuan * 100
        assert 0 < voucher and voucher * 10 <= market * 8  # P3
        subsidy = unit_subsidy(voucher)
        capped += subsidy == 5_000_000
        assert 5 <= total <= 200 and 0 <= remaining <= total and days in (30, 45, 60)
        stars = [rng.choices([3, 4, 5], weights=[1, 4, 7])[0] for _ in range(3 * evals)]
        created_h = rng.randint(24 * 3, 24 * 45)
        updated_h = created_h - rng.randint(0, min(created_h - 1, 24 * 3))
        rows.append("(@round, @%s, %s, %s,\n     %s,\n     %d, %d, %d, %d, %d, %d, %d, 1, %d, %d, NULL,"
                    " @now - INTERVAL %d HOUR, @now - INTERVAL %d HOUR)"
                    % (prov, q(cat), q(name), q(desc), market, voucher, subsidy, total, remaining,
                       total - remaining, days, sum(stars), len(stars), created_h, updated_h))
    assert capped >= 1
    w(",\n".join("    " + r for r in rows) + ";")
    w("")
    w("COMMIT;")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output",
                    default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo.sql"))
    args = ap.parse_args()
    text = generate()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("wrote %s" % args.output, file=sys.stderr)


if __name__ == "__main__":
    main()
