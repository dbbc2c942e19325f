/*
 * test_rules.c - unit tests of shared/rules.c: each business rule of
 * SPEC.md at its boundaries, one behaviour per test, named after the rule.
 */
#include <stdint.h>
#include <time.h>

#include "check.h"
#include "rules.h"

/* 2024-03-01T00:00:00Z, an arbitrary order instant. */
#define T0	((time_t)1709251200)

/* M2 */

TEST(test_M2_pct_floor_rounds_down)
{
	CHECK_EQ(rule_pct_floor(999, 30), 299);		/* 299.7 */
	CHECK_EQ(rule_pct_floor(1, 30), 0);		/* 0.3 */
	CHECK_EQ(rule_pct_floor(4, 30), 1);		/* 1.2 */
	CHECK_EQ(rule_pct_floor(1000, 30), 300);
	CHECK_EQ(rule_pct_floor(199, 50), 99);		/* 99.5 */
}

TEST(test_M2_pct_floor_zero_amount_and_edge_pcts)
{
	CHECK_EQ(rule_pct_floor(0, 30), 0);
	CHECK_EQ(rule_pct_floor(12345, 0), 0);
	CHECK_EQ(rule_pct_floor(12345, 100), 12345);
}

TEST(test_M2_pct_floor_huge_amount_no_overflow)
{
	/* INT64_MAX = 9223372036854775807; * 30 / 100 floored. */
	CHECK_EQ(rule_pct_floor(INT64_MAX, 30), 2767011611056432742LL);
	CHECK_EQ(rule_pct_floor(INT64_MAX, 100), INT64_MAX);
	CHECK_EQ(rule_pct_floor(INT64_MAX, 99), 9131138316486228048LL);
	CHECK_EQ(rule_pct_floor(INT64_MAX, 1), 92233720368547758LL);
}

TEST(test_M2_pct_floor_invalid_input_refused)
{
	CHECK_EQ(rule_pct_floor(-1, 30), -1);
	CHECK_EQ(rule_pct_floor(INT64_MIN, 30), -1);
	CHECK_EQ(rule_pct_floor(100, -1), -1);
	CHECK_EQ(rule_pct_floor(100, 101), -1);
}

/* P3 */

TEST(test_P1_twelve_categories_in_order_with_chinese_names)
{
	int n = 0;

	while (rule_category_codes[n] != NULL)
		n++;
	CHECK_EQ(n, RULE_CATEGORY_COUNT);
	CHECK_STR(rule_category_codes[0], "digital");
	CHECK_STR(rule_category_codes[11], "other");
	CHECK_STR(rule_category_name("digital"), "数字化赋能");
	CHECK_STR(rule_category_name("it"), "信息化开发");
	CHECK_STR(rule_category_name("other"), "其他创新创业服务");
	for (int i = 0; i < RULE_CATEGORY_COUNT; i++) {
		CHECK(rule_category_name(rule_category_codes[i]) != NULL);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(rule_category_codes[i],
			    rule_category_codes[j]) != 0);
	}
}

TEST(test_P1_unknown_category_has_no_name)
{
	CHECK(rule_category_name("Digital") == NULL);
	CHECK(rule_category_name("digital ") == NULL);
	CHECK(rule_category_name("") == NULL);
	CHECK(rule_category_name(NULL) == NULL);
}

TEST(test_P3_voucher_price_exactly_80_percent_ok)
{
	CHECK(rule_voucher_price_ok(80, 100));
	CHECK(rule_voucher_price_ok(800000, 1000000));
	CHECK(rule_voucher_price_ok(4, 5));
}

TEST(test_P3_voucher_price_one_fen_over_80_percent_refused)
{
	CHECK(!rule_voucher_price_ok(81, 100));
	CHECK(!rule_voucher_price_ok(800001, 1000000));
	CHECK(!rule_voucher_price_ok(5, 6));	/* 50 > 48 */
}

TEST(test_P3_voucher_price_below_80_percent_ok)
{
	CHECK(rule_voucher_price_ok(79, 100));
	CHECK(rule_voucher_price_ok(1, 100));
	CHECK(rule_voucher_price_ok(1, 2));
}

TEST(test_P3_voucher_price_market_price_not_multiple_of_ten)
{
	/* 80% of 99 = 79.2: 79 is in, 80 is out. */
	CHECK(rule_voucher_price_ok(79, 99));
	CHECK(!rule_voucher_price_ok(80, 99));
	/* 1 fen market price: no positive voucher price is 80% of it. */
	CHECK(!rule_voucher_price_ok(1, 1));
}

TEST(test_P3_voucher_price_equal_to_market_refused)
{
	CHECK(!rule_voucher_price_ok(100, 100));
	CHECK(!rule_voucher_price_ok(200, 100));
}

TEST(test_P3_voucher_price_zero_or_negative_refused)
{
	CHECK(!rule_voucher_price_ok(0, 100));
	CHECK(!rule_voucher_price_ok(-80, 100));
	CHECK(!rule_voucher_price_ok(80, 0));
	CHECK(!rule_voucher_price_ok(-80, -100));
	CHECK(!rule_voucher_price_ok(INT64_MIN, INT64_MAX));
	CHECK(!rule_voucher_price_ok(80, INT64_MIN));
}

TEST(test_P3_voucher_price_huge_values_no_overflow)
{
	CHECK(rule_voucher_price_ok(1, INT64_MAX));
	CHECK(!rule_voucher_price_ok(INT64_MAX, INT64_MAX));
	CHECK(!rule_voucher_price_ok(INT64_MAX, 1));
	/* floor(INT64_MAX * 8 / 10) = 7378697629483820645 is the last ok. */
	CHECK(rule_voucher_price_ok(7378697629483820645LL, INT64_MAX));
	CHECK(!rule_voucher_price_ok(7378697629483820646LL, INT64_MAX));
}

/* P4 */

TEST(test_P4_subsidy_is_30_percent_floored)
{
	CHECK_EQ(rule_unit_subsidy(100), 30);
	CHECK_EQ(rule_unit_subsidy(999), 299);
	CHECK_EQ(rule_unit_subsidy(3), 0);
	CHECK_EQ(rule_unit_subsidy(4), 1);
	CHECK_EQ(rule_unit_subsidy(0), 0);
	CHECK_EQ(rule_unit_subsidy(1000000), 300000);
}

TEST(test_P4_subsidy_just_below_cap)
{
	/* 16,666,666 * 30 / 100 = 4,999,999.8 */
	CHECK_EQ(rule_unit_subsidy(16666666), 4999999);
}

TEST(test_P4_subsidy_capped_at_50000_cny)
{
	/* 16,666,667 is the first price whose 30% reaches 5,000,000. */
	CHECK_EQ(rule_unit_subsidy(16666667), 5000000);
	CHECK_EQ(rule_unit_subsidy(16666668), 5000000);
	CHECK_EQ(rule_unit_subsidy(16666670), 5000000);	/* 5,000,001 */
	CHECK_EQ(rule_unit_subsidy(100000000), 5000000);
	CHECK_EQ(rule_unit_subsidy(INT64_MAX), 5000000);
}

TEST(test_P4_enterprise_pays_voucher_price_minus_subsidy)
{
	CHECK_EQ(rule_enterprise_pays(100), 70);
	CHECK_EQ(rule_enterprise_pays(999), 700);
	CHECK_EQ(rule_enterprise_pays(0), 0);
	CHECK_EQ(rule_enterprise_pays(16666666), 11666667);
	CHECK_EQ(rule_enterprise_pays(16666667), 11666667);
	CHECK_EQ(rule_enterprise_pays(20000000), 15000000);
	CHECK_EQ(rule_enterprise_pays(INT64_MAX), INT64_MAX - 5000000);
}

TEST(test_P4_negative_price_refused)
{
	CHECK_EQ(rule_unit_subsidy(-1), -1);
	CHECK_EQ(rule_unit_subsidy(INT64_MIN), -1);
	CHECK_EQ(rule_enterprise_pays(-1), -1);
	CHECK_EQ(rule_enterprise_pays(INT64_MIN), -1);
}

/* P6 */

TEST(test_P6_validity_days_bounds)
{
	CHECK(!rule_validity_days_ok(0));
	CHECK(rule_validity_days_ok(1));
	CHECK(rule_validity_days_ok(RULE_VALIDITY_DEFAULT));
	CHECK(rule_validity_days_ok(60));
	CHECK(!rule_validity_days_ok(61));
}

TEST(test_P6_validity_days_negative_and_huge_refused)
{
	CHECK(!rule_validity_days_ok(-1));
	CHECK(!rule_validity_days_ok(INT64_MIN));
	CHECK(!rule_validity_days_ok(INT64_MAX));
}

/* E6 */

TEST(test_E6_uscc_check_character)
{
	/* Published codes; check characters verified independently. */
	CHECK(rule_uscc_valid("91350100M000100Y43"));
	CHECK(rule_uscc_valid("91110108551385082Q"));
	CHECK(rule_uscc_valid("914403001922038216"));
	CHECK(rule_uscc_valid("9144030071526726XG"));
	CHECK(rule_uscc_valid("91330100716105852F"));
	CHECK(rule_uscc_valid("91110000802100433B"));
	CHECK(rule_uscc_valid("91310000MA1FL1MMXL"));
	CHECK(rule_uscc_valid("11100000000013127D"));
}

TEST(test_E6_uscc_check_value_31_maps_to_zero)
{
	/* A code whose weighted sum is 0 mod 31: check character '0'. */
	CHECK(rule_uscc_valid("91110108MA00000070"));
	/* And the highest check value, 30: 'Y'. */
	CHECK(rule_uscc_valid("91110108MA0000026Y"));
}

TEST(test_E6_uscc_wrong_check_character_refused)
{
	CHECK(!rule_uscc_valid("91350100M000100Y44"));
	CHECK(!rule_uscc_valid("91110108551385082R"));
	CHECK(!rule_uscc_valid("914403001922038210"));
	/* One body character changed, check character kept. */
	CHECK(!rule_uscc_valid("91110108551385083Q"));
	/* Two adjacent characters swapped. */
	CHECK(!rule_uscc_valid("91110108553185082Q"));
}

TEST(test_E6_uscc_lowercase_refused)
{
	CHECK(!rule_uscc_valid("9144030071526726xg"));
	CHECK(!rule_uscc_valid("91350100m000100Y43"));
	CHECK(!rule_uscc_valid("91310000ma1fl1mmxl"));
}

TEST(test_E6_uscc_forbidden_letters_refused)
{
	/* I O S V Z are not in the charset, wherever they appear. */
	CHECK(!rule_uscc_valid("91350100I000100Y43"));
	CHECK(!rule_uscc_valid("91350100O000100Y43"));
	CHECK(!rule_uscc_valid("91350100S000100Y43"));
	CHECK(!rule_uscc_valid("91350100V000100Y43"));
	CHECK(!rule_uscc_valid("91350100Z000100Y43"));
	CHECK(!rule_uscc_valid("91110108551385082I"));
	CHECK(!rule_uscc_valid("91110108551385082O"));
	CHECK(!rule_uscc_valid("91110108551385082S"));
	CHECK(!rule_uscc_valid("91110108551385082V"));
	CHECK(!rule_uscc_valid("91110108551385082Z"));
}

TEST(test_E6_uscc_wrong_length_refused)
{
	CHECK(!rule_uscc_valid(""));
	CHECK(!rule_uscc_valid("91110108551385082"));
	CHECK(!rule_uscc_valid("91110108551385082QQ"));
	CHECK(!rule_uscc_valid("91110108551385082Q "));
	CHECK(!rule_uscc_valid(" 91110108551385082Q"));
	CHECK(!rule_uscc_valid(NULL));
}

TEST(test_E6_uscc_non_digit_in_division_code_refused)
{
	/*
	 * Letters in positions 3-8, with the check character recomputed so
	 * that only the position rule can refuse them.
	 */
	CHECK(!rule_uscc_valid("91A101085513850825"));	/* position 3 */
	CHECK(!rule_uscc_valid("9111010A551385082M"));	/* position 8 */
	/* Letters outside positions 3-8 are allowed (M, A, F, L). */
	CHECK(rule_uscc_valid("91310000MA1FL1MMXL"));
}

TEST(test_E6_uscc_other_characters_refused)
{
	CHECK(!rule_uscc_valid("91110108551385082-"));
	CHECK(!rule_uscc_valid("9111010855138508-Q"));
	CHECK(!rule_uscc_valid("91110108\xe4\xb8\xad""385082Q"));
}

/* E7 */

TEST(test_E7_tier_caps)
{
	CHECK_EQ(rule_tier_cap(RULE_TIER_ORDINARY), 2000000);
	CHECK_EQ(rule_tier_cap(RULE_TIER_SPECIALIZED), 10000000);
	CHECK_EQ(rule_tier_cap(RULE_TIER_LITTLE_GIANT), 20000000);
	CHECK_EQ(rule_tier_cap(RULE_TIER__MAX), -1);
	CHECK_EQ(rule_tier_cap((enum rule_tier)-1), -1);
}

TEST(test_E7_tier_names)
{
	CHECK_STR(rule_tier_name(RULE_TIER_ORDINARY), "ordinary");
	CHECK_STR(rule_tier_name(RULE_TIER_SPECIALIZED), "specialized");
	CHECK_STR(rule_tier_name(RULE_TIER_LITTLE_GIANT), "little_giant");
	CHECK_STR(rule_tier_name(RULE_TIER__MAX), NULL);
	CHECK_STR(rule_tier_name((enum rule_tier)-1), NULL);
}

TEST(test_E7_tier_parse)
{
	CHECK_EQ(rule_tier_parse("ordinary"), RULE_TIER_ORDINARY);
	CHECK_EQ(rule_tier_parse("specialized"), RULE_TIER_SPECIALIZED);
	CHECK_EQ(rule_tier_parse("little_giant"), RULE_TIER_LITTLE_GIANT);
	CHECK_EQ(rule_tier_parse("Ordinary"), -1);
	CHECK_EQ(rule_tier_parse("little giant"), -1);
	CHECK_EQ(rule_tier_parse("ordinary "), -1);
	CHECK_EQ(rule_tier_parse(""), -1);
	CHECK_EQ(rule_tier_parse(NULL), -1);
}

TEST(test_E7_tier_name_parse_round_trip)
{
	int	 i;

	for (i = 0; i < RULE_TIER__MAX; i++)
		CHECK_EQ(rule_tier_parse(rule_tier_name((enum rule_tier)i)), i);
}

/* E3 */

TEST(test_E3_size_names_and_parse)
{
	int	 i;

	CHECK_STR(rule_size_name(RULE_SIZE_MICRO), "micro");
	CHECK_STR(rule_size_name(RULE_SIZE_SMALL), "small");
	CHECK_STR(rule_size_name(RULE_SIZE_MEDIUM), "medium");
	CHECK_STR(rule_size_name(RULE_SIZE_LARGE), "large");
	CHECK_STR(rule_size_name(RULE_SIZE__MAX), NULL);
	CHECK_STR(rule_size_name((enum rule_size)-1), NULL);
	for (i = 0; i < RULE_SIZE__MAX; i++)
		CHECK_EQ(rule_size_parse(rule_size_name((enum rule_size)i)), i);
	CHECK_EQ(rule_size_parse("Micro"), -1);
	CHECK_EQ(rule_size_parse("huge"), -1);
	CHECK_EQ(rule_size_parse(""), -1);
	CHECK_EQ(rule_size_parse(NULL), -1);
}

/* E1-E5, O1 */

static struct rule_enterprise_facts
eligible_facts(void)
{
	struct rule_enterprise_facts	 f;

	f.beijing_registered = true;
	f.is_enterprise = true;
	f.size_class = RULE_SIZE_SMALL;
	f.credit_flagged = false;
	f.barred_until = 0;
	return f;
}

TEST(test_O1_eligible_enterprise_may_order)
{
	struct rule_enterprise_facts	 f = eligible_facts();

	CHECK_STR(rule_enterprise_ineligible(&f, T0), NULL);
	f.size_class = RULE_SIZE_MICRO;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), NULL);
	f.size_class = RULE_SIZE_MEDIUM;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), NULL);
}

TEST(test_E1_not_registered_in_beijing_refused)
{
	struct rule_enterprise_facts	 f = eligible_facts();

	f.beijing_registered = false;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E1");
}

TEST(test_E2_non_enterprise_refused)
{
	struct rule_enterprise_facts	 f = eligible_facts();

	f.is_enterprise = false;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E2");
}

TEST(test_E3_large_enterprise_refused)
{
	struct rule_enterprise_facts	 f = eligible_facts();

	f.size_class = RULE_SIZE_LARGE;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E3");
}

TEST(test_E3_unclassified_or_bad_size_refused)
{
	struct rule_enterprise_facts	 f = eligible_facts();

	f.size_class = -1;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E3");
	f.size_class = RULE_SIZE__MAX;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E3");
	f.size_class = 42;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E3");
}

TEST(test_E4_credit_flagged_refused)
{
	struct rule_enterprise_facts	 f = eligible_facts();

	f.credit_flagged = true;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E4");
}

TEST(test_E5_barred_enterprise_refused_until_bar_ends)
{
	struct rule_enterprise_facts	 f = eligible_facts();

	f.barred_until = T0 + 1;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E5");
	f.barred_until = T0 + 3 * 365 * 86400;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E5");
}

TEST(test_E5_bar_ending_exactly_at_now_allows_order)
{
	struct rule_enterprise_facts	 f = eligible_facts();

	f.barred_until = T0;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), NULL);
	f.barred_until = T0 - 1;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), NULL);
}

TEST(test_E5_never_barred_is_zero)
{
	struct rule_enterprise_facts	 f = eligible_facts();

	f.barred_until = 0;
	CHECK_STR(rule_enterprise_ineligible(&f, 0), NULL);
	CHECK_STR(rule_enterprise_ineligible(&f, T0), NULL);
}

TEST(test_O1_first_failing_rule_reported)
{
	struct rule_enterprise_facts	 f;

	f.beijing_registered = false;
	f.is_enterprise = false;
	f.size_class = RULE_SIZE_LARGE;
	f.credit_flagged = true;
	f.barred_until = T0 + 1;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E1");
	f.beijing_registered = true;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E2");
	f.is_enterprise = true;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E3");
	f.size_class = RULE_SIZE_MEDIUM;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E4");
	f.credit_flagged = false;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), "E5");
	f.barred_until = 0;
	CHECK_STR(rule_enterprise_ineligible(&f, T0), NULL);
}

/* O3 */

TEST(test_O3_full_reservation)
{
	CHECK_EQ(rule_reservation(300000, 2000000, 0), 300000);
	CHECK_EQ(rule_reservation(300000, 2000000, 1700000), 300000);
	CHECK_EQ(rule_reservation(5000000, 20000000, 15000000), 5000000);
}

TEST(test_O3_partial_last_reservation)
{
	CHECK_EQ(rule_reservation(300000, 2000000, 1700001), 299999);
	CHECK_EQ(rule_reservation(300000, 2000000, 1999999), 1);
	CHECK_EQ(rule_reservation(5000000, 10000000, 6000000), 4000000);
}

TEST(test_O3_nothing_left_reserves_zero)
{
	CHECK_EQ(rule_reservation(300000, 2000000, 2000000), 0);
	CHECK_EQ(rule_reservation(0, 2000000, 0), 0);
	CHECK_EQ(rule_reservation(300000, 0, 0), 0);
}

TEST(test_O3_invalid_input_refused)
{
	CHECK_EQ(rule_reservation(-1, 2000000, 0), -1);
	CHECK_EQ(rule_reservation(300000, -1, 0), -1);
	CHECK_EQ(rule_reservation(300000, 2000000, -1), -1);
	CHECK_EQ(rule_reservation(INT64_MIN, INT64_MIN, INT64_MIN), -1);
}

TEST(test_E14_credit_list_counts_through_its_last_day)
{
	CHECK(rule_credit_listed(20270228, 20270228));
	CHECK(rule_credit_listed(20270228, 20240301));
	CHECK(!rule_credit_listed(20270228, 20270301));
	CHECK(!rule_credit_listed(0, 20240301));
}

/* E8: a cap lowered below what is occupied leaves nothing, never less. */
TEST(test_E8_occupied_above_lowered_cap_reserves_nothing)
{
	CHECK_EQ(rule_reservation(300000, 2000000, 2000001), 0);
	CHECK_EQ(rule_reservation(300000, 2000000, 10000000), 0);
	CHECK_EQ(rule_reservation(0, 2000000, 10000000), 0);
	CHECK_EQ(rule_reservation(300000, 0, 1), 0);
}

TEST(test_E8_available_is_never_negative)
{
	CHECK_EQ(rule_quota_available(2000000, 0), 2000000);
	CHECK_EQ(rule_quota_available(2000000, 1999999), 1);
	CHECK_EQ(rule_quota_available(2000000, 2000000), 0);
	CHECK_EQ(rule_quota_available(2000000, 2000001), 0);
	CHECK_EQ(rule_quota_available(2000000, 10000000), 0);
	CHECK_EQ(rule_quota_available(0, 0), 0);
	CHECK_EQ(rule_quota_available(INT64_MAX, 0), INT64_MAX);
	CHECK_EQ(rule_quota_available(0, INT64_MAX), 0);
	CHECK_EQ(rule_quota_available(-1, 0), -1);
	CHECK_EQ(rule_quota_available(0, -1), -1);
}

TEST(test_O3_huge_values_no_overflow)
{
	CHECK_EQ(rule_reservation(INT64_MAX, INT64_MAX, 0), INT64_MAX);
	CHECK_EQ(rule_reservation(INT64_MAX, INT64_MAX, INT64_MAX), 0);
	CHECK_EQ(rule_reservation(5000000, INT64_MAX, 1), 5000000);
}

/* O4 */

TEST(test_O4_accept_deadline_is_48_hours)
{
	CHECK_EQ(rule_accept_deadline(T0), T0 + 172800);
}

TEST(test_O4_order_at_47_59_59_not_expired)
{
	CHECK(!rule_accept_expired(T0, T0));
	CHECK(!rule_accept_expired(T0, T0 + 47 * 3600 + 59 * 60 + 59));
}

TEST(test_O4_order_at_48_00_00_expired)
{
	CHECK(rule_accept_expired(T0, T0 + 48 * 3600));
	CHECK(rule_accept_expired(T0, T0 + 48 * 3600 + 1));
	CHECK(rule_accept_expired(T0, T0 + 365 * 86400));
}

TEST(test_O4_huge_instant_saturates)
{
	CHECK_EQ(rule_accept_deadline((time_t)INT64_MAX), (time_t)INT64_MAX);
	CHECK(!rule_accept_expired((time_t)INT64_MAX - 10,
	    (time_t)INT64_MAX - 1));
}

/* O6 */

TEST(test_O6_valid_until_is_ordered_at_plus_days)
{
	CHECK_EQ(rule_valid_until(T0, 30), T0 + 30 * 86400);
	CHECK_EQ(rule_valid_until(T0, 1), T0 + 86400);
	CHECK_EQ(rule_valid_until(T0, 60), T0 + 60 * 86400);
}

TEST(test_O6_last_second_still_valid)
{
	CHECK(!rule_voucher_expired(T0, 30, T0));
	CHECK(!rule_voucher_expired(T0, 30, T0 + 30 * 86400 - 1));
}

TEST(test_O6_next_second_expired)
{
	CHECK(rule_voucher_expired(T0, 30, T0 + 30 * 86400));
	CHECK(rule_voucher_expired(T0, 30, T0 + 30 * 86400 + 1));
}

TEST(test_O6_60_day_product)
{
	CHECK(!rule_voucher_expired(T0, 60, T0 + 30 * 86400));
	CHECK(!rule_voucher_expired(T0, 60, T0 + 60 * 86400 - 1));
	CHECK(rule_voucher_expired(T0, 60, T0 + 60 * 86400));
}

TEST(test_O6_huge_days_saturate)
{
	CHECK_EQ(rule_valid_until(T0, INT64_MAX), (time_t)INT64_MAX);
	CHECK_EQ(rule_valid_until(T0, INT64_MIN), (time_t)INT64_MIN);
	CHECK(!rule_voucher_expired(T0, INT64_MAX, T0 + 1000000000));
}

/* O9 */

static struct rule_contract_split
split_or_fail(int64_t amount, int64_t months, int64_t reserved)
{
	struct rule_contract_split	 s = { -7, -7, -7, -7 };

	CHECK_EQ(rule_contract_split(amount, months, reserved, &s), 0);
	return s;
}

TEST(test_O9_contract_exactly_30_percent_floor)
{
	struct rule_contract_split	 s;

	s = split_or_fail(1000000, 6, 300000);
	CHECK_EQ(s.base, 1000000);
	CHECK_EQ(s.subsidy, 300000);
	CHECK_EQ(s.self_paid, 700000);
	CHECK_EQ(s.released, 0);

	s = split_or_fail(999999, 12, 300000);	/* 299,999.7 */
	CHECK_EQ(s.subsidy, 299999);
	CHECK_EQ(s.self_paid, 700000);
	CHECK_EQ(s.released, 1);
}

TEST(test_O9_contract_subsidy_capped_at_50000_cny)
{
	struct rule_contract_split	 s;

	s = split_or_fail(16666666, 12, 5000000);
	CHECK_EQ(s.subsidy, 4999999);
	CHECK_EQ(s.released, 1);
	s = split_or_fail(16666667, 12, 5000000);
	CHECK_EQ(s.subsidy, 5000000);
	CHECK_EQ(s.self_paid, 11666667);
	CHECK_EQ(s.released, 0);
	s = split_or_fail(100000000, 12, 20000000);
	CHECK_EQ(s.subsidy, 5000000);
	CHECK_EQ(s.self_paid, 95000000);
	CHECK_EQ(s.released, 15000000);
}

TEST(test_O9_contract_12_months_uses_whole_amount)
{
	struct rule_contract_split	 s;

	s = split_or_fail(1300000, 12, 5000000);
	CHECK_EQ(s.base, 1300000);
	CHECK_EQ(s.subsidy, 390000);
	s = split_or_fail(1300000, 1, 5000000);
	CHECK_EQ(s.base, 1300000);
}

TEST(test_O9_contract_13_months_uses_one_years_share)
{
	struct rule_contract_split	 s;

	/* 1,300,000 * 12 / 13 = 1,200,000; 30% = 360,000. */
	s = split_or_fail(1300000, 13, 5000000);
	CHECK_EQ(s.base, 1200000);
	CHECK_EQ(s.subsidy, 360000);
	CHECK_EQ(s.self_paid, 940000);
	CHECK_EQ(s.released, 4640000);
	/* 1,000,000 * 12 / 13 = 923,076.9 -> 923,076; 30% -> 276,922. */
	s = split_or_fail(1000000, 13, 5000000);
	CHECK_EQ(s.base, 923076);
	CHECK_EQ(s.subsidy, 276922);
}

TEST(test_O9_contract_24_months_uses_one_years_share)
{
	struct rule_contract_split	 s;

	s = split_or_fail(2000000, 24, 2000000);
	CHECK_EQ(s.base, 1000000);
	CHECK_EQ(s.subsidy, 300000);
	CHECK_EQ(s.self_paid, 1700000);
	CHECK_EQ(s.released, 1700000);
	/* A two-year contract of 40,000,000: one year 20,000,000, capped. */
	s = split_or_fail(40000000, 24, 5000000);
	CHECK_EQ(s.base, 20000000);
	CHECK_EQ(s.subsidy, 5000000);
}

TEST(test_O9_contract_120_months_allowed_121_refused)
{
	struct rule_contract_split	 s;

	s = split_or_fail(12000000, 120, 5000000);
	CHECK_EQ(s.base, 1200000);
	CHECK_EQ(s.subsidy, 360000);
	CHECK_EQ(rule_contract_split(12000000, 121, 5000000, &s), -1);
}

TEST(test_O9_subsidy_limited_by_reservation)
{
	struct rule_contract_split	 s;

	/* The last, partial reservation of O3 limits the subsidy. */
	s = split_or_fail(1000000, 12, 123456);
	CHECK_EQ(s.subsidy, 123456);
	CHECK_EQ(s.self_paid, 876544);
	CHECK_EQ(s.released, 0);
	s = split_or_fail(1000000, 12, 0);
	CHECK_EQ(s.subsidy, 0);
	CHECK_EQ(s.self_paid, 1000000);
	CHECK_EQ(s.released, 0);
}

TEST(test_O9_released_is_reserved_minus_subsidy)
{
	struct rule_contract_split	 s;

	/* Reserved the unit subsidy of a 20,000 CNY product; contract lower. */
	s = split_or_fail(1500000, 12, 600000);
	CHECK_EQ(s.subsidy, 450000);
	CHECK_EQ(s.released, 150000);
	CHECK_EQ(s.subsidy + s.released, 600000);
	CHECK_EQ(s.subsidy + s.self_paid, 1500000);
}

/* Issue #11 point 1: a corrected contract is split against the order's
 * limit (its reservation when placed), not what the first contract left
 * it holding: 300,000 CNY over 24 months gives 45,000, 400,000 over 12
 * months 50,000 - never more than the limit. */
TEST(test_O9_corrected_contract_split_against_the_limit)
{
	struct rule_contract_split	 s;

	s = split_or_fail(30000000, 24, 5000000);
	CHECK_EQ(s.subsidy, 4500000);
	CHECK_EQ(s.released, 500000);
	s = split_or_fail(40000000, 12, 5000000);
	CHECK_EQ(s.subsidy, 5000000);
	CHECK_EQ(s.released, 0);
	s = split_or_fail(40000000, 12, 4800000);	/* unit subsidy 48,000 */
	CHECK_EQ(s.subsidy, 4800000);
	CHECK_EQ(s.self_paid, 35200000);
}

/* The order contact: a mainland mobile number, nothing else. */
TEST(test_mobile_number_11_digits_13_to_19)
{
	CHECK(rule_mobile_valid("13800138000"));
	CHECK(rule_mobile_valid("19912345678"));
	CHECK(rule_mobile_valid("16600000000"));
	CHECK(!rule_mobile_valid("12800138000"));	/* 12: no such plan */
	CHECK(!rule_mobile_valid("10800138000"));
	CHECK(!rule_mobile_valid("23800138000"));
	CHECK(!rule_mobile_valid("1380013800"));	/* 10 digits */
	CHECK(!rule_mobile_valid("138001380000"));	/* 12 digits */
	CHECK(!rule_mobile_valid("1380013800a"));
	CHECK(!rule_mobile_valid("138 0013 800"));
	CHECK(!rule_mobile_valid("+8613800138000"));
	CHECK(!rule_mobile_valid("1"));
	CHECK(!rule_mobile_valid(""));
	CHECK(!rule_mobile_valid(NULL));
}

TEST(test_O9_huge_amount_no_overflow)
{
	struct rule_contract_split	 s;

	s = split_or_fail(INT64_MAX, 13, INT64_MAX);
	CHECK_EQ(s.base, 8513881880173639206LL);  /* floor(MAX * 12 / 13) */
	CHECK_EQ(s.subsidy, 5000000);
	CHECK_EQ(s.self_paid, INT64_MAX - 5000000);
	CHECK_EQ(s.released, INT64_MAX - 5000000);
	s = split_or_fail(1, 120, 0);
	CHECK_EQ(s.base, 0);
	CHECK_EQ(s.subsidy, 0);
	CHECK_EQ(s.self_paid, 1);
}

TEST(test_O9_invalid_inputs_refused_out_untouched)
{
	struct rule_contract_split	 s = { -7, -7, -7, -7 };

	CHECK_EQ(rule_contract_split(0, 12, 100, &s), -1);
	CHECK_EQ(rule_contract_split(-1, 12, 100, &s), -1);
	CHECK_EQ(rule_contract_split(1000, 0, 100, &s), -1);
	CHECK_EQ(rule_contract_split(1000, -12, 100, &s), -1);
	CHECK_EQ(rule_contract_split(1000, 121, 100, &s), -1);
	CHECK_EQ(rule_contract_split(1000, INT64_MAX, 100, &s), -1);
	CHECK_EQ(rule_contract_split(1000, 12, -1, &s), -1);
	CHECK_EQ(rule_contract_split(1000, 12, 100, NULL), -1);
	CHECK_EQ(s.base, -7);
	CHECK_EQ(s.subsidy, -7);
	CHECK_EQ(s.self_paid, -7);
	CHECK_EQ(s.released, -7);
}

/* R6 */

TEST(test_R6_partial_refund_recovers_floor_share)
{
	/* 300,000 * 333,333 / 1,000,000 = 99,999.9 -> 99,999. */
	CHECK_EQ(rule_recovery(300000, 333333, 1000000), 99999);
	CHECK_EQ(rule_recovery(300000, 500000, 1000000), 150000);
	CHECK_EQ(rule_recovery(300000, 1, 1000000), 0);
	CHECK_EQ(rule_recovery(300000, 0, 1000000), 0);
	CHECK_EQ(rule_recovery(300000, 999999, 1000000), 299999);
}

TEST(test_R6_full_refund_recovers_all)
{
	CHECK_EQ(rule_recovery(300000, 1000000, 1000000), 300000);
	CHECK_EQ(rule_recovery(299999, 999999, 999999), 299999);
}

TEST(test_R6_refund_above_amount_recovers_all)
{
	CHECK_EQ(rule_recovery(300000, 1000001, 1000000), 300000);
	CHECK_EQ(rule_recovery(300000, INT64_MAX, 1000000), 300000);
}

TEST(test_R6_huge_values_no_overflow)
{
	/* subsidy * refunded would overflow int64. */
	CHECK_EQ(rule_recovery(INT64_MAX / 2, INT64_MAX / 2, INT64_MAX),
	    2305843009213693951LL);
	CHECK_EQ(rule_recovery(5000000, INT64_MAX - 1, INT64_MAX), 4999999);
}

TEST(test_R6_invalid_input_refused)
{
	CHECK_EQ(rule_recovery(-1, 100, 1000), -1);
	CHECK_EQ(rule_recovery(300, -1, 1000), -1);
	CHECK_EQ(rule_recovery(300, 100, 0), -1);
	CHECK_EQ(rule_recovery(300, 100, -1000), -1);
	CHECK_EQ(rule_recovery(1001, 100, 1000), -1);	/* subsidy > amount */
}

/* ---- A1-A7: product collection ---------------------------------------- */

static struct rule_provider_facts
a1_ok_facts(void)
{
	struct rule_provider_facts f = {
		.beijing_registered = true, .has_premises = true,
		.established_ymd = 20220215,
		.credit_declared_ok = true, .credit_flagged = false,
		.last_year_contracts = 25, .last_year_revenue = 300000000,
		.barred_until = 0,
	};

	return f;
}

TEST(test_A1_eligible_provider_at_every_minimum)
{
	struct rule_provider_facts f = a1_ok_facts();

	/* exactly 2 years, 25 contracts, 3,000,000 CNY */
	CHECK_EQ(rule_provider_a1(&f, 20240215, 0), 0);
}

TEST(test_A1_established_one_day_short_of_two_years_refused)
{
	struct rule_provider_facts f = a1_ok_facts();

	CHECK_EQ(rule_provider_a1(&f, 20240214, 0), RULE_A1_YEARS);
	f.established_ymd = 0;			/* unknown */
	CHECK_EQ(rule_provider_a1(&f, 20240214, 0), RULE_A1_YEARS);
}

TEST(test_A1_full_years_birthday_count)
{
	CHECK_EQ(rule_full_years(20220215, 20240215), 2);
	CHECK_EQ(rule_full_years(20220215, 20240214), 1);
	CHECK_EQ(rule_full_years(20221231, 20240101), 1);
	CHECK_EQ(rule_full_years(20240101, 20231231), -1);
	/* Feb 29: the anniversary in a common year is Mar 1 */
	CHECK_EQ(rule_full_years(20200229, 20220228), 1);
	CHECK_EQ(rule_full_years(20200229, 20220301), 2);
	CHECK_EQ(rule_full_years(20200229, 20240229), 4);
}

TEST(test_A1_24_contracts_refused_25_ok)
{
	struct rule_provider_facts f = a1_ok_facts();

	f.last_year_contracts = 24;
	CHECK_EQ(rule_provider_a1(&f, 20240215, 0), RULE_A1_CONTRACTS);
	f.last_year_contracts = 25;
	CHECK_EQ(rule_provider_a1(&f, 20240215, 0), 0);
}

TEST(test_A1_revenue_one_fen_below_3m_cny_refused)
{
	struct rule_provider_facts f = a1_ok_facts();

	f.last_year_revenue = 299999999;
	CHECK_EQ(rule_provider_a1(&f, 20240215, 0), RULE_A1_REVENUE);
}

TEST(test_A1_not_beijing_no_premises_refused)
{
	struct rule_provider_facts f = a1_ok_facts();

	f.beijing_registered = false;
	f.has_premises = false;
	CHECK_EQ(rule_provider_a1(&f, 20240215, 0),
	    RULE_A1_BEIJING | RULE_A1_PREMISES);
}

TEST(test_A1_credit_declared_or_flagged_refused)
{
	struct rule_provider_facts f = a1_ok_facts();

	f.credit_declared_ok = false;
	CHECK_EQ(rule_provider_a1(&f, 20240215, 0), RULE_A1_CREDIT);
	f.credit_declared_ok = true;
	f.credit_flagged = true;
	CHECK_EQ(rule_provider_a1(&f, 20240215, 0), RULE_A1_CREDIT);
}

TEST(test_A1_barred_until_the_bar_ends)
{
	struct rule_provider_facts f = a1_ok_facts();

	f.barred_until = 1700000000;
	CHECK_EQ(rule_provider_a1(&f, 20240215, 1699999999), RULE_A1_BARRED);
	CHECK_EQ(rule_provider_a1(&f, 20240215, 1700000000), 0);
}

TEST(test_A1_every_failing_condition_reported)
{
	struct rule_provider_facts f = { 0 };

	f.barred_until = 2000000000;
	CHECK_EQ(rule_provider_a1(&f, 20240215, 1700000000), RULE_A1__ALL);
	CHECK_STR(rule_a1_condition_code(RULE_A1_YEARS), "years_established");
	CHECK_STR(rule_a1_condition_code(RULE_A1_BARRED), "barred");
	CHECK(rule_a1_condition_code(RULE_A1_YEARS | RULE_A1_CREDIT) == NULL);
	CHECK(rule_a1_condition_code(0) == NULL);
}

TEST(test_A1_branch_product_needs_more_than_150_beijing_clients)
{
	CHECK(rule_a1_product_ok(true, -1));
	CHECK(rule_a1_product_ok(true, 0));
	CHECK(!rule_a1_product_ok(false, 150));
	CHECK(rule_a1_product_ok(false, 151));
	CHECK(!rule_a1_product_ok(false, -1));
}

TEST(test_A2_window_includes_first_and_last_day)
{
	CHECK(rule_a2_window_open(20240101, 20240229, 20240101));
	CHECK(rule_a2_window_open(20240101, 20240229, 20240229));
	CHECK(!rule_a2_window_open(20240101, 20240229, 20240301));
	CHECK(!rule_a2_window_open(20240101, 20240229, 20231231));
}

TEST(test_A3_required_items_of_the_checklist)
{
	CHECK(rule_a3_provider_item_required(1));
	CHECK(rule_a3_provider_item_required(8));
	CHECK(!rule_a3_provider_item_required(9));
	CHECK(!rule_a3_provider_item_required(10));
	CHECK(!rule_a3_provider_item_required(0));
	CHECK(rule_a3_product_item_required(4));
	CHECK(!rule_a3_product_item_required(5));
	CHECK(!rule_a3_product_item_required(7));
}

TEST(test_A7_preferred_when_premium_clients_served)
{
	CHECK(!rule_a7_preferred(0));
	CHECK(rule_a7_preferred(1));
	CHECK(!rule_a7_preferred(-1));
}

TEST(test_A7_preferred_first_then_earlier_submission)
{
	struct rule_review_key a = { true, 2000, 9 }, b = { false, 1000, 1 },
	    c = { false, 1000, 2 }, d = { true, 2000, 9 };

	CHECK(rule_a7_cmp(&a, &b) < 0);
	CHECK(rule_a7_cmp(&b, &a) > 0);
	CHECK(rule_a7_cmp(&b, &c) < 0);
	CHECK(rule_a7_cmp(&a, &d) == 0);
	c.submitted_at = 999;
	CHECK(rule_a7_cmp(&c, &b) < 0);
}

int
main(void)
{
	RUN(test_M2_pct_floor_rounds_down);
	RUN(test_M2_pct_floor_zero_amount_and_edge_pcts);
	RUN(test_M2_pct_floor_huge_amount_no_overflow);
	RUN(test_M2_pct_floor_invalid_input_refused);
	RUN(test_P1_twelve_categories_in_order_with_chinese_names);
	RUN(test_P1_unknown_category_has_no_name);
	RUN(test_P3_voucher_price_exactly_80_percent_ok);
	RUN(test_P3_voucher_price_one_fen_over_80_percent_refused);
	RUN(test_P3_voucher_price_below_80_percent_ok);
	RUN(test_P3_voucher_price_market_price_not_multiple_of_ten);
	RUN(test_P3_voucher_price_equal_to_market_refused);
	RUN(test_P3_voucher_price_zero_or_negative_refused);
	RUN(test_P3_voucher_price_huge_values_no_overflow);
	RUN(test_P4_subsidy_is_30_percent_floored);
	RUN(test_P4_subsidy_just_below_cap);
	RUN(test_P4_subsidy_capped_at_50000_cny);
	RUN(test_P4_enterprise_pays_voucher_price_minus_subsidy);
	RUN(test_P4_negative_price_refused);
	RUN(test_P6_validity_days_bounds);
	RUN(test_P6_validity_days_negative_and_huge_refused);
	RUN(test_E6_uscc_check_character);
	RUN(test_E6_uscc_check_value_31_maps_to_zero);
	RUN(test_E6_uscc_wrong_check_character_refused);
	RUN(test_E6_uscc_lowercase_refused);
	RUN(test_E6_uscc_forbidden_letters_refused);
	RUN(test_E6_uscc_wrong_length_refused);
	RUN(test_E6_uscc_non_digit_in_division_code_refused);
	RUN(test_E6_uscc_other_characters_refused);
	RUN(test_E7_tier_caps);
	RUN(test_E7_tier_names);
	RUN(test_E7_tier_parse);
	RUN(test_E7_tier_name_parse_round_trip);
	RUN(test_E3_size_names_and_parse);
	RUN(test_O1_eligible_enterprise_may_order);
	RUN(test_E1_not_registered_in_beijing_refused);
	RUN(test_E2_non_enterprise_refused);
	RUN(test_E3_large_enterprise_refused);
	RUN(test_E3_unclassified_or_bad_size_refused);
	RUN(test_E4_credit_flagged_refused);
	RUN(test_E5_barred_enterprise_refused_until_bar_ends);
	RUN(test_E5_bar_ending_exactly_at_now_allows_order);
	RUN(test_E5_never_barred_is_zero);
	RUN(test_O1_first_failing_rule_reported);
	RUN(test_O3_full_reservation);
	RUN(test_O3_partial_last_reservation);
	RUN(test_O3_nothing_left_reserves_zero);
	RUN(test_O3_invalid_input_refused);
	RUN(test_E14_credit_list_counts_through_its_last_day);
	RUN(test_O3_huge_values_no_overflow);
	RUN(test_O4_accept_deadline_is_48_hours);
	RUN(test_O4_order_at_47_59_59_not_expired);
	RUN(test_O4_order_at_48_00_00_expired);
	RUN(test_O4_huge_instant_saturates);
	RUN(test_O6_valid_until_is_ordered_at_plus_days);
	RUN(test_O6_last_second_still_valid);
	RUN(test_O6_next_second_expired);
	RUN(test_O6_60_day_product);
	RUN(test_O6_huge_days_saturate);
	RUN(test_O9_contract_exactly_30_percent_floor);
	RUN(test_O9_contract_subsidy_capped_at_50000_cny);
	RUN(test_O9_contract_12_months_uses_whole_amount);
	RUN(test_O9_contract_13_months_uses_one_years_share);
	RUN(test_O9_contract_24_months_uses_one_years_share);
	RUN(test_O9_contract_120_months_allowed_121_refused);
	RUN(test_O9_subsidy_limited_by_reservation);
	RUN(test_O9_released_is_reserved_minus_subsidy);
	RUN(test_O9_huge_amount_no_overflow);
	RUN(test_O9_invalid_inputs_refused_out_untouched);
	RUN(test_O9_corrected_contract_split_against_the_limit);
	RUN(test_mobile_number_11_digits_13_to_19);
	RUN(test_E8_occupied_above_lowered_cap_reserves_nothing);
	RUN(test_E8_available_is_never_negative);
	RUN(test_R6_partial_refund_recovers_floor_share);
	RUN(test_R6_full_refund_recovers_all);
	RUN(test_R6_refund_above_amount_recovers_all);
	RUN(test_R6_huge_values_no_overflow);
	RUN(test_R6_invalid_input_refused);
	RUN(test_A1_eligible_provider_at_every_minimum);
	RUN(test_A1_established_one_day_short_of_two_years_refused);
	RUN(test_A1_full_years_birthday_count);
	RUN(test_A1_24_contracts_refused_25_ok);
	RUN(test_A1_revenue_one_fen_below_3m_cny_refused);
	RUN(test_A1_not_beijing_no_premises_refused);
	RUN(test_A1_credit_declared_or_flagged_refused);
	RUN(test_A1_barred_until_the_bar_ends);
	RUN(test_A1_every_failing_condition_reported);
	RUN(test_A1_branch_product_needs_more_than_150_beijing_clients);
	RUN(test_A2_window_includes_first_and_last_day);
	RUN(test_A3_required_items_of_the_checklist);
	RUN(test_A7_preferred_when_premium_clients_served);
	RUN(test_A7_preferred_first_then_earlier_submission);
	return check_done();
}
