/*
 * rules.h - the pure business rules of SPEC.md, one function per rule.
 *
 * No I/O, no mutable globals, no allocation: every function here is a total
 * function of its arguments and is unit-tested at its boundaries in
 * tests/unit/test_rules.c (tests named after the rule ids).
 * All money is int64 fen (rule M1).
 */
#ifndef VOUCHER_RULES_H
#define VOUCHER_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define RULE_SUBSIDY_PCT       30        /* P4, O9: at most 30% ...          */
#define RULE_SUBSIDY_MAX_FEN   5000000   /* ... and at most 50,000 CNY       */
#define RULE_VOUCHER_MAX_PCT   80        /* P3: voucher price <= 80% market  */
#define RULE_ACCEPT_SECONDS    (48 * 3600) /* O4                             */
#define RULE_VALIDITY_DEFAULT  30        /* P6                               */
#define RULE_VALIDITY_MAX      60        /* P6                               */
#define RULE_BAR_YEARS         3         /* V2                               */
#define RULE_C2_CONFIRM_DAYS   15        /* C2: days to confirm after the
                                            claim's first submission        */

/* P1: the twelve fixed service categories by code, in their order, and
 * NULL after the last (the categories table of migration 001 holds the
 * same rows; an integration test checks that they agree). */
#define RULE_CATEGORY_COUNT 12
extern const char *const rule_category_codes[RULE_CATEGORY_COUNT + 1];

/* P1: the Chinese name of category code; NULL when code is none of the
 * twelve (or NULL). */
const char *rule_category_name(const char *code);

/* M2: floor(amount * pct / 100) for amount >= 0, 0 <= pct <= 100, computed
 * without overflow for any non-negative int64 amount. Returns -1 on a
 * negative amount or a pct outside 0..100. */
int64_t rule_pct_floor(int64_t amount, int64_t pct);

/* P3: true when voucher_price * 10 <= market_price * 8, both > 0
 * (false for non-positive prices; no overflow for any int64 inputs). */
bool rule_voucher_price_ok(int64_t voucher_price, int64_t market_price);

/* P4: min(floor(voucher_price * 30 / 100), 5,000,000); -1 if price < 0. */
int64_t rule_unit_subsidy(int64_t voucher_price);

/* P4: what the enterprise pays = voucher_price - unit subsidy; -1 if < 0. */
int64_t rule_enterprise_pays(int64_t voucher_price);

/* P6: 1 <= days <= 60. */
bool rule_validity_days_ok(int64_t days);

/* E7: the tiers the bureau sets, and their yearly caps. */
enum rule_tier {
	RULE_TIER_ORDINARY,      /* 普通中小微企业: 2,000,000 fen    */
	RULE_TIER_SPECIALIZED,   /* 专精特新:       10,000,000 fen   */
	RULE_TIER_LITTLE_GIANT,  /* 小巨人:         20,000,000 fen   */
	RULE_TIER__MAX
};
/* E7: the yearly cap in fen of a tier; -1 for an invalid tier. */
int64_t rule_tier_cap(enum rule_tier tier);
/* E7: "ordinary" | "specialized" | "little_giant"; NULL if invalid. */
const char *rule_tier_name(enum rule_tier tier);
/* E7: parses a tier name; returns the tier or -1 when unknown. */
int rule_tier_parse(const char *name);

/* E3: size classes (划型). */
enum rule_size {
	RULE_SIZE_MICRO,
	RULE_SIZE_SMALL,
	RULE_SIZE_MEDIUM,
	RULE_SIZE_LARGE,
	RULE_SIZE__MAX
};
const char *rule_size_name(enum rule_size size);  /* "micro"..; NULL if bad */
int rule_size_parse(const char *name);            /* -1 when unknown       */

/* E6: true when code is an 18-character unified social credit code
 * (GB 32100-2015): charset 0-9 A-H J-N P-R T U W-Y (no I O S V Z), digits
 * only in positions 3-8 (the administrative division code), and a correct
 * check character (weights 3^i mod 31). code must be NUL-terminated;
 * lowercase is refused. */
bool rule_uscc_valid(const char *code);

/* E1-E5 / O1: the facts the eligibility check reads. */
struct rule_enterprise_facts {
	bool     beijing_registered;   /* E1 */
	bool     is_enterprise;        /* E2 */
	int      size_class;           /* E3: enum rule_size, -1 if unclassified */
	bool     credit_flagged;       /* E4 */
	time_t   barred_until;         /* E5: 0 when never barred */
};
/* E14: whether the bureau's credit list counts against an enterprise on
 * today (y*10000+m*100+d): until_ymd is the last day its entry counts (0:
 * not listed). */
bool rule_credit_listed(int64_t until_ymd, int64_t today_ymd);

/* O1: NULL when the enterprise may order at now, else the id of the first
 * failing rule ("E1".."E5"), a static string. */
const char *rule_enterprise_ineligible(const struct rule_enterprise_facts *f,
    time_t now);

/* E8: what is left of a yearly cap = max(0, cap - occupied). A cap
 * lowered by a tier change applies to new orders only, so occupied may
 * exceed it: nothing is then available (never a negative amount). -1 on
 * negative input. */
int64_t rule_quota_available(int64_t cap, int64_t occupied);

/* O3: the amount to reserve for one order = min(unit_subsidy, cap -
 * occupied), 0 when nothing is left - occupied at or above the cap (E8) -
 * and the caller refuses the order, -1 on negative input. */
int64_t rule_reservation(int64_t unit_subsidy, int64_t cap, int64_t occupied);

/* O4: the instant by which the provider must accept. */
time_t rule_accept_deadline(time_t ordered_at);
/* O4: true when at now the order can no longer be accepted (now >= deadline). */
bool rule_accept_expired(time_t ordered_at, time_t now);
/* O6: valid until = ordered_at + days * 24 h. */
time_t rule_valid_until(time_t ordered_at, int64_t validity_days);
/* O6: true when at now the voucher has expired (now >= valid until). */
bool rule_voucher_expired(time_t ordered_at, int64_t validity_days, time_t now);

/* O9: the split of a contract. */
struct rule_contract_split {
	int64_t base;       /* amount, or floor(amount * 12 / months) if > 12 */
	int64_t subsidy;    /* min(floor(base*30/100), 5,000,000, limit)      */
	int64_t self_paid;  /* amount - subsidy                               */
	int64_t released;   /* limit - subsidy: what an order holding its
	                       whole limit releases at once                   */
};
/* O9: computes the split of a contract whose subsidy may be at most limit
 * - the reservation its order took when placed (O3), which a corrected
 * contract may take back (issue #11: the caller re-reserves what the
 * order no longer holds). Returns 0, or -1 when amount <= 0, months < 1,
 * months > 120 or limit < 0 (out is then left untouched). */
int rule_contract_split(int64_t amount, int64_t months, int64_t limit,
    struct rule_contract_split *out);

/* The enterprise's order contact (guide attachment 2-3, 三): true when
 * mobile is a mainland China mobile number, 11 ASCII digits starting 13-19
 * ("13800138000"); NULL is not one. */
bool rule_mobile_valid(const char *mobile);

/* R6: subsidy to recover = floor(subsidy * refunded / amount), all of it
 * when refunded >= amount; -1 on invalid input. Overflow-safe. */
int64_t rule_recovery(int64_t subsidy, int64_t refunded, int64_t amount);

/* ---- A1-A7: product collection (征集) -------------------------------- */

#define RULE_A1_MIN_YEARS          2          /* 成立2年（含）以上          */
#define RULE_A1_MIN_CONTRACTS      25         /* 上年度合同量不少于25份      */
#define RULE_A1_MIN_REVENUE_FEN    300000000  /* 营业收入不低于300万元       */
#define RULE_A1_BRANCH_MIN_CLIENTS 150        /* 服务北京企业超过150家       */

/* Calendar dates as y*10000 + m*100 + d (the DB_DATE / FIELD_DATE form). */

/* A1: whole years from date from_ymd to date to_ymd (a birthday count:
 * one more year on each anniversary; the anniversary of Feb 29 in a
 * common year is Mar 1). Negative when to_ymd is before from_ymd. */
int rule_full_years(int64_t from_ymd, int64_t to_ymd);

/* A1: the facts the provider eligibility check reads: the application's
 * declared figures, the bureau's credit record and bar (V2). */
struct rule_provider_facts {
	bool     beijing_registered;  /* the applicant (or its branch) is
	                                 registered in Beijing               */
	bool     has_premises;        /* fixed premises (checklist item 3)   */
	int64_t  established_ymd;     /* 0 when unknown                      */
	bool     credit_declared_ok;  /* item 4: no serious dishonesty       */
	bool     credit_flagged;      /* the bureau's record (E4 for A1)     */
	int64_t  last_year_contracts; /* item 8: all contracts signed        */
	int64_t  last_year_revenue;   /* item 6: fen                         */
	time_t   barred_until;        /* V2: 0 when never barred             */
};

/* A1: the conditions, as bits of the mask rule_provider_a1() returns. */
enum rule_a1_condition {
	RULE_A1_BEIJING   = 1 << 0,  /* registered in Beijing (or a branch)  */
	RULE_A1_PREMISES  = 1 << 1,  /* fixed premises                        */
	RULE_A1_YEARS     = 1 << 2,  /* established >= 2 years               */
	RULE_A1_CREDIT    = 1 << 3,  /* good credit                          */
	RULE_A1_CONTRACTS = 1 << 4,  /* last year >= 25 contracts            */
	RULE_A1_REVENUE   = 1 << 5,  /* last year >= 3,000,000 CNY           */
	RULE_A1_BARRED    = 1 << 6,  /* V2: barred from every voucher scheme */
	RULE_A1__ALL      = (1 << 7) - 1
};

/* A1: the mask of failing conditions at today_ymd (Asia/Shanghai) and
 * now (for the bar); 0 when the provider is eligible. */
unsigned rule_provider_a1(const struct rule_provider_facts *f,
    int64_t today_ymd, time_t now);

/* A1: a stable code of one condition bit ("beijing_registration",
 * "premises", "years_established", "credit", "contracts", "revenue",
 * "barred"); NULL for anything else. */
const char *rule_a1_condition_code(unsigned condition);

/* A1 (checklist product item 7): a product qualifies when the main body
 * is registered in Beijing, or else when the product served more than 150
 * Beijing enterprises (beijing_clients_served < 0: not given). */
bool rule_a1_product_ok(bool main_body_beijing, int64_t beijing_clients_served);

/* A2: true when today_ymd (Asia/Shanghai) lies in the round's window
 * opens_ymd..closes_ymd, both days included. */
bool rule_a2_window_open(int64_t opens_ymd, int64_t closes_ymd,
    int64_t today_ymd);

/* A3: the checklist items (attachment 1 of the guide). */
#define RULE_A3_PROVIDER_ITEMS          10   /* 服务商材料 1-10          */
#define RULE_A3_PROVIDER_REQUIRED        8   /* 1-8 必上传               */
#define RULE_A3_PRODUCT_ITEMS            7   /* 申报产品材料 1-7         */
#define RULE_A3_PRODUCT_REQUIRED         4   /* 1-4 必上传               */

/* A3: true when provider item k (1..10) is required. */
bool rule_a3_provider_item_required(int k);
/* A3: true when product item k (1..7) is required. */
bool rule_a3_product_item_required(int k);

/* A7: a product is preferred when it served Beijing specialized /
 * little-giant SMEs (checklist product item 5 > 0). */
bool rule_a7_preferred(int64_t premium_clients_served);

/* A7: the review-list key of an application. */
struct rule_review_key {
	bool     preferred;       /* any product rule_a7_preferred()        */
	time_t   submitted_at;    /* last submission                        */
	int64_t  id;
};
/* A7: review-list order: preferred first, then among equals the earlier
 * submission, then the lower id. <0, 0, >0 like strcmp. */
int rule_a7_cmp(const struct rule_review_key *a,
    const struct rule_review_key *b);

/* V2 (and E5): whether a party barred until barred_until (0: never) is
 * barred at now. The bar ends at barred_until: from that instant on the
 * party may act again. The one check every program uses. */
bool rule_barred_at(time_t barred_until, time_t now);

#endif
