/*
 * rules.c - the pure business rules of SPEC.md (see rules.h).
 *
 * Every function is a total function of its arguments: no I/O, no
 * globals, no allocation. Money is int64 fen (M1); every product or
 * quotient that could leave int64 is computed in 128 bits or split so
 * that no input makes it overflow. The rule id of each function is in
 * its comment; the tests in tests/unit/test_rules.c carry the same ids.
 */
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "rules.h"

_Static_assert(sizeof(time_t) == sizeof(int64_t), "time_t must be 64-bit");

#define RULE_DAY_SECONDS	86400

/* P1 */
const char *const rule_category_codes[RULE_CATEGORY_COUNT + 1] = {
	"digital", "cloud", "talent", "innovation", "transfer", "design", "it",
	"ipo", "finance", "market", "legal", "other", NULL
};

static const char *const category_names[RULE_CATEGORY_COUNT] = {
	"数字化赋能", "上云用云", "人才与培训", "科技创新", "成果转化", "工业设计",
	"信息化开发", "上市培育", "财税审计", "市场开拓", "法律咨询",
	"其他创新创业服务"
};

const char *
rule_category_name(const char *code)
{
	for (int i = 0; code != NULL && i < RULE_CATEGORY_COUNT; i++)
		if (strcmp(code, rule_category_codes[i]) == 0)
			return category_names[i];
	return NULL;
}

/* The smaller of two int64. */
static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/*
 * floor(a * b / c) for a, b >= 0 and c > 0, in 128 bits so that the
 * product cannot overflow. The caller guarantees that the quotient fits
 * in int64 (it is at most a when b <= c, or at most b when a <= c).
 */
static int64_t
mul_div_floor(int64_t a, int64_t b, int64_t c)
{
	__int128	 p;

	p = (__int128)a * (__int128)b;
	return (int64_t)(p / c);
}

/*
 * M2: floor(amount * pct / 100). Split as amount = 100q + r so that
 * q * pct <= amount and r * pct < 10,000: no intermediate overflows.
 */
int64_t
rule_pct_floor(int64_t amount, int64_t pct)
{
	int64_t	 q, r;

	if (amount < 0 || pct < 0 || pct > 100)
		return -1;
	q = amount / 100;
	r = amount % 100;
	return q * pct + r * pct / 100;
}

/*
 * P3: voucher_price * 10 <= market_price * 8, both prices > 0; written
 * as voucher * 100 <= market * 80 in 128 bits.
 */
bool
rule_voucher_price_ok(int64_t voucher_price, int64_t market_price)
{
	if (voucher_price <= 0 || market_price <= 0)
		return false;
	return (__int128)voucher_price * 100 <=
	    (__int128)market_price * RULE_VOUCHER_MAX_PCT;
}

/* P4: min(floor(voucher_price * 30 / 100), 5,000,000). */
int64_t
rule_unit_subsidy(int64_t voucher_price)
{
	if (voucher_price < 0)
		return -1;
	return min64(rule_pct_floor(voucher_price, RULE_SUBSIDY_PCT),
	    RULE_SUBSIDY_MAX_FEN);
}

/* P4: the enterprise pays the voucher price less the unit subsidy. */
int64_t
rule_enterprise_pays(int64_t voucher_price)
{
	if (voucher_price < 0)
		return -1;
	return voucher_price - rule_unit_subsidy(voucher_price);
}

/* P6: validity of 1..60 days (30 by default, set by the caller). */
bool
rule_validity_days_ok(int64_t days)
{
	return days >= 1 && days <= RULE_VALIDITY_MAX;
}

/* E7: yearly cap in fen, indexed by enum rule_tier. */
static const int64_t tier_caps[RULE_TIER__MAX] = {
	2000000,	/* RULE_TIER_ORDINARY: 20k CNY */
	10000000,	/* RULE_TIER_SPECIALIZED: 100k CNY */
	20000000,	/* RULE_TIER_LITTLE_GIANT: 200k CNY */
};

/* E7: names of the tiers, indexed by enum rule_tier. */
static const char *const tier_names[RULE_TIER__MAX] = {
	"ordinary",	/* RULE_TIER_ORDINARY */
	"specialized",	/* RULE_TIER_SPECIALIZED */
	"little_giant",	/* RULE_TIER_LITTLE_GIANT */
};

/* E3: names of the size classes, indexed by enum rule_size. */
static const char *const size_names[RULE_SIZE__MAX] = {
	"micro",	/* RULE_SIZE_MICRO */
	"small",	/* RULE_SIZE_SMALL */
	"medium",	/* RULE_SIZE_MEDIUM */
	"large",	/* RULE_SIZE_LARGE */
};

/* E7 */
int64_t
rule_tier_cap(enum rule_tier tier)
{
	if ((int)tier < 0 || (int)tier >= RULE_TIER__MAX)
		return -1;
	return tier_caps[tier];
}

/* E7 */
const char *
rule_tier_name(enum rule_tier tier)
{
	if ((int)tier < 0 || (int)tier >= RULE_TIER__MAX)
		return NULL;
	return tier_names[tier];
}

/* E7: exact, case-sensitive match. */
int
rule_tier_parse(const char *name)
{
	int	 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < RULE_TIER__MAX; i++)
		if (strcmp(name, tier_names[i]) == 0)
			return i;
	return -1;
}

/* E3 */
const char *
rule_size_name(enum rule_size size)
{
	if ((int)size < 0 || (int)size >= RULE_SIZE__MAX)
		return NULL;
	return size_names[size];
}

/* E3: exact, case-sensitive match. */
int
rule_size_parse(const char *name)
{
	int	 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < RULE_SIZE__MAX; i++)
		if (strcmp(name, size_names[i]) == 0)
			return i;
	return -1;
}

/*
 * E6: the 31 characters of GB 32100-2015 in value order (0..30): digits,
 * then upper-case letters without I, O, S, V and Z.
 */
static const char uscc_charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
#define USCC_LEN	18
#define USCC_MOD	31

/* E6: the value 0..30 of a code character, or -1 if not in the charset. */
static int
uscc_value(char c)
{
	const char	*p;

	if (c == '\0')
		return -1;
	p = strchr(uscc_charset, c);
	return p == NULL ? -1 : (int)(p - uscc_charset);
}

/*
 * E6: weights 3^i mod 31 for i = 0..16; check value = (31 - sum mod 31)
 * mod 31. Positions 3-8 (index 2..7) are the administrative division
 * code and must be digits.
 */
bool
rule_uscc_valid(const char *code)
{
	int	 i, v, w, sum;

	if (code == NULL || strnlen(code, USCC_LEN + 1) != USCC_LEN)
		return false;
	sum = 0;
	w = 1;
	for (i = 0; i < USCC_LEN - 1; i++) {
		if ((v = uscc_value(code[i])) < 0)
			return false;
		if (i >= 2 && i <= 7 && v > 9)
			return false;
		sum += v * w;
		w = w * 3 % USCC_MOD;
	}
	v = uscc_value(code[USCC_LEN - 1]);
	return v >= 0 && v == (USCC_MOD - sum % USCC_MOD) % USCC_MOD;
}

/*
 * O1 (E1-E5): the first failing rule, in rule order. The bar of E5 ends
 * at barred_until: from that instant on the enterprise may order again.
 */
const char *
rule_enterprise_ineligible(const struct rule_enterprise_facts *f,
    time_t now)
{
	assert(f != NULL);
	if (!f->beijing_registered)
		return "E1";
	if (!f->is_enterprise)
		return "E2";
	if (f->size_class != RULE_SIZE_MICRO &&
	    f->size_class != RULE_SIZE_SMALL &&
	    f->size_class != RULE_SIZE_MEDIUM)
		return "E3";
	if (f->credit_flagged)
		return "E4";
	if (rule_barred_at(f->barred_until, now))
		return "E5";
	return NULL;
}

/* E8: max(0, cap - occupied); occupied may exceed a lowered cap. */
int64_t
rule_quota_available(int64_t cap, int64_t occupied)
{
	if (cap < 0 || occupied < 0)
		return -1;
	return occupied >= cap ? 0 : cap - occupied;
}

/* O3: min(unit subsidy, cap - occupied); the last one may be partial, and
 * nothing is left at or above the cap (E8). */
int64_t
rule_reservation(int64_t unit_subsidy, int64_t cap, int64_t occupied)
{
	if (unit_subsidy < 0 || cap < 0 || occupied < 0)
		return -1;
	return min64(unit_subsidy, rule_quota_available(cap, occupied));
}

/* t + delta, saturated at the limits of time_t instead of overflowing. */
static time_t
time_add_sat(time_t t, int64_t delta)
{
	int64_t	 r;

	if (__builtin_add_overflow((int64_t)t, delta, &r))
		return delta > 0 ? (time_t)INT64_MAX : (time_t)INT64_MIN;
	return (time_t)r;
}

/* O4 */
time_t
rule_accept_deadline(time_t ordered_at)
{
	return time_add_sat(ordered_at, RULE_ACCEPT_SECONDS);
}

/* O4: at exactly 48:00:00 after the order it is too late. */
bool
rule_accept_expired(time_t ordered_at, time_t now)
{
	return now >= rule_accept_deadline(ordered_at);
}

/* O6: ordered_at + days * 24 h (saturated for absurd inputs). */
time_t
rule_valid_until(time_t ordered_at, int64_t validity_days)
{
	int64_t	 secs;

	if (__builtin_mul_overflow(validity_days, (int64_t)RULE_DAY_SECONDS,
	    &secs))
		return validity_days > 0 ? (time_t)INT64_MAX :
		    (time_t)INT64_MIN;
	return time_add_sat(ordered_at, secs);
}

/* O6: expired from valid-until on; the second before is still valid. */
bool
rule_voucher_expired(time_t ordered_at, int64_t validity_days, time_t now)
{
	return now >= rule_valid_until(ordered_at, validity_days);
}

/* O9: the longest contract period accepted, in months. */
#define RULE_CONTRACT_MAX_MONTHS	120

/*
 * O9: base is the amount, or one year's share floor(amount * 12 / months)
 * of a contract longer than 12 months; subsidy = min(30% of base,
 * 5,000,000, limit). The rest of the limit is released.
 */
int
rule_contract_split(int64_t amount, int64_t months, int64_t limit,
    struct rule_contract_split *out)
{
	int64_t	 base, subsidy;

	if (amount <= 0 || months < 1 || months > RULE_CONTRACT_MAX_MONTHS ||
	    limit < 0 || out == NULL)
		return -1;
	base = months <= 12 ? amount : mul_div_floor(amount, 12, months);
	subsidy = min64(rule_unit_subsidy(base), limit);
	out->base = base;
	out->subsidy = subsidy;
	out->self_paid = amount - subsidy;
	out->released = limit - subsidy;
	return 0;
}

/* 11 ASCII digits, 1 then 3-9 (the mainland mobile number plan). */
bool
rule_mobile_valid(const char *mobile)
{
	size_t	 i;

	if (mobile == NULL || mobile[0] != '1' || mobile[1] < '3' ||
	    mobile[1] > '9')
		return false;
	for (i = 2; i < 11; i++)
		if (mobile[i] < '0' || mobile[i] > '9')
			return false;
	return mobile[11] == '\0';
}

/*
 * R6: floor(subsidy * refunded / amount), all of the subsidy for a full
 * (or larger) refund. Invalid: negative subsidy or refund, amount <= 0,
 * or a subsidy above the amount (O9 makes it at most 30% of it).
 */
int64_t
rule_recovery(int64_t subsidy, int64_t refunded, int64_t amount)
{
	if (subsidy < 0 || refunded < 0 || amount <= 0 || subsidy > amount)
		return -1;
	if (refunded >= amount)
		return subsidy;
	return mul_div_floor(subsidy, refunded, amount);
}

/* ---- A1-A7: product collection --------------------------------------- */

/* A1: birthday count between two y*10000+m*100+d dates. Feb 29's
 * anniversary in a common year is Mar 1 (the month-day comparison
 * 0229 > 0228 makes Feb 28 still short of it). */
int
rule_full_years(int64_t from_ymd, int64_t to_ymd)
{
	int64_t	 years;

	years = to_ymd / 10000 - from_ymd / 10000;
	if (to_ymd % 10000 < from_ymd % 10000)
		years--;
	if (years > 100000)
		return 100000;
	if (years < -100000)
		return -100000;
	return (int)years;
}

/* A1: every failing condition, not only the first (the provider is told
 * all of them at once). */
unsigned
rule_provider_a1(const struct rule_provider_facts *f, int64_t today_ymd,
    time_t now)
{
	unsigned	 fail = 0;

	assert(f != NULL);
	if (!f->beijing_registered)
		fail |= RULE_A1_BEIJING;
	if (!f->has_premises)
		fail |= RULE_A1_PREMISES;
	if (f->established_ymd <= 0 ||
	    rule_full_years(f->established_ymd, today_ymd) < RULE_A1_MIN_YEARS)
		fail |= RULE_A1_YEARS;
	if (!f->credit_declared_ok || f->credit_flagged)
		fail |= RULE_A1_CREDIT;
	if (f->last_year_contracts < RULE_A1_MIN_CONTRACTS)
		fail |= RULE_A1_CONTRACTS;
	if (f->last_year_revenue < RULE_A1_MIN_REVENUE_FEN)
		fail |= RULE_A1_REVENUE;
	if (rule_barred_at(f->barred_until, now))
		fail |= RULE_A1_BARRED;
	return fail;
}

/* A1: codes of the condition bits, in bit order. */
static const char *const a1_codes[] = {
	"beijing_registration",	/* RULE_A1_BEIJING */
	"premises",		/* RULE_A1_PREMISES */
	"years_established",	/* RULE_A1_YEARS */
	"credit",		/* RULE_A1_CREDIT */
	"contracts",		/* RULE_A1_CONTRACTS */
	"revenue",		/* RULE_A1_REVENUE */
	"barred",		/* RULE_A1_BARRED */
};

const char *
rule_a1_condition_code(unsigned condition)
{
	for (size_t i = 0; i < sizeof(a1_codes) / sizeof(a1_codes[0]); i++)
		if (condition == 1u << i)
			return a1_codes[i];
	return NULL;
}

/* A1, product item 7: the >150 Beijing clients exception. */
bool
rule_a1_product_ok(bool main_body_beijing, int64_t beijing_clients_served)
{
	return main_body_beijing ||
	    beijing_clients_served > RULE_A1_BRANCH_MIN_CLIENTS;
}

/* A2: both ends of the window are whole Asia/Shanghai days. */
bool
rule_a2_window_open(int64_t opens_ymd, int64_t closes_ymd, int64_t today_ymd)
{
	return today_ymd >= opens_ymd && today_ymd <= closes_ymd;
}

/* A3 */
bool
rule_a3_provider_item_required(int k)
{
	return k >= 1 && k <= RULE_A3_PROVIDER_REQUIRED;
}

/* A3 */
bool
rule_a3_product_item_required(int k)
{
	return k >= 1 && k <= RULE_A3_PRODUCT_REQUIRED;
}

/* A7 */
bool
rule_a7_preferred(int64_t premium_clients_served)
{
	return premium_clients_served > 0;
}

/* A7: preferred first; among equals, first come first reviewed. */
int
rule_a7_cmp(const struct rule_review_key *a, const struct rule_review_key *b)
{
	if (a->preferred != b->preferred)
		return a->preferred ? -1 : 1;
	if (a->submitted_at != b->submitted_at)
		return a->submitted_at < b->submitted_at ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

bool
rule_barred_at(time_t barred_until, time_t now)
{
	return barred_until != 0 && now < barred_until;
}

/* E14 */
bool
rule_credit_listed(int64_t until_ymd, int64_t today_ymd)
{
	return until_ymd > 0 && today_ymd <= until_ymd;
}
