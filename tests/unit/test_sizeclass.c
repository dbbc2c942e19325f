/*
 * test_sizeclass.c - rule E10: the size classification of
 * 工信部联企业〔2011〕300号, each of the sixteen groups at each boundary
 * (exactly at a lower bound is the higher class, one below it the lower),
 * with the thresholds written out here from the standard's text rather
 * than read from the table under test.
 */
#include <stdint.h>

#include "check.h"
#include "sizeclass.h"

#define WAN(n) ((int64_t)(n) * 1000000)   /* 万元 in fen */

enum { MI = RULE_SIZE_MICRO, SM = RULE_SIZE_SMALL, MD = RULE_SIZE_MEDIUM,
    LG = RULE_SIZE_LARGE };

/* The class of (x persons, y fen revenue, z fen assets) in group code. */
static int
cls(const char *code, int64_t x, int64_t y, int64_t z)
{
	struct size_result r;

	if (size_classify(code, x, y, z, &r) != 0)
		return -1;
	return (int)r.size;
}

/* A group judged on two figures a and b: checks every class at its lower
 * bounds (both at the bound), one below on either figure, and the micro
 * class below either small bound. mk(a, b) builds (x, y, z). */
struct two {
	const char *code;
	int64_t large[2], medium[2], small[2];   /* a, b lower bounds */
	int which;	/* 0: X and Y, 1: Y and Z, 2: X and Z */
};

static void
args_of(const struct two *t, int64_t a, int64_t b, int64_t *x, int64_t *y,
    int64_t *z)
{
	/* the figure a group ignores is set far above every bound: it must
	 * not change the class */
	*x = *y = *z = WAN(10000000);
	if (t->which == 0) { *x = a; *y = b; }
	else if (t->which == 1) { *y = a; *z = b; }
	else { *x = a; *z = b; }
}

static int
cls2(const struct two *t, int64_t a, int64_t b)
{
	int64_t x, y, z;

	args_of(t, a, b, &x, &y, &z);
	return cls(t->code, x, y, z);
}

static void
check_two(const struct two *t)
{
	const int64_t *L = t->large, *M = t->medium, *S = t->small;

	/* large: both at the SME upper limit; one below: medium */
	CHECK_EQ(cls2(t, L[0], L[1]), LG);
	CHECK_EQ(cls2(t, L[0] - 1, L[1]), MD);
	CHECK_EQ(cls2(t, L[0], L[1] - 1), MD);
	/* medium: both at its bounds; one below: small */
	CHECK_EQ(cls2(t, M[0], M[1]), MD);
	CHECK_EQ(cls2(t, M[0] - 1, M[1]), SM);
	CHECK_EQ(cls2(t, M[0], M[1] - 1), SM);
	/* a figure far above the medium bound does not lift the other */
	CHECK_EQ(cls2(t, L[0] * 10, M[1] - 1), SM);
	/* small: both at its bounds; below either: micro */
	CHECK_EQ(cls2(t, S[0], S[1]), SM);
	CHECK_EQ(cls2(t, S[0] - 1, S[1]), MI);
	CHECK_EQ(cls2(t, S[0], S[1] - 1), MI);
	CHECK_EQ(cls2(t, S[0] - 1, L[1] * 10), MI);
	CHECK_EQ(cls2(t, 0, 0), MI);
}

/* (一) 农、林、牧、渔业: revenue only */
TEST(test_E10_agriculture_revenue_only)
{
	CHECK_EQ(cls("agriculture", 0, WAN(20000), 0), LG);
	CHECK_EQ(cls("agriculture", 0, WAN(20000) - 1, 0), MD);
	CHECK_EQ(cls("agriculture", 0, WAN(500), 0), MD);
	CHECK_EQ(cls("agriculture", 0, WAN(500) - 1, 0), SM);
	CHECK_EQ(cls("agriculture", 0, WAN(50), 0), SM);
	CHECK_EQ(cls("agriculture", 0, WAN(50) - 1, 0), MI);
	/* employees and assets are not its figures */
	CHECK_EQ(cls("agriculture", 100000, WAN(50) - 1, WAN(1000000)), MI);
}

TEST(test_E10_industry)
{
	struct two t = { "industry", { 1000, WAN(40000) }, { 300, WAN(2000) },
	    { 20, WAN(300) }, 0 };
	check_two(&t);
}

TEST(test_E10_construction_revenue_and_assets)
{
	struct two t = { "construction", { WAN(80000), WAN(80000) },
	    { WAN(6000), WAN(5000) }, { WAN(300), WAN(300) }, 1 };
	check_two(&t);
}

TEST(test_E10_wholesale)
{
	struct two t = { "wholesale", { 200, WAN(40000) }, { 20, WAN(5000) },
	    { 5, WAN(1000) }, 0 };
	check_two(&t);
}

TEST(test_E10_retail)
{
	struct two t = { "retail", { 300, WAN(20000) }, { 50, WAN(500) },
	    { 10, WAN(100) }, 0 };
	check_two(&t);
}

TEST(test_E10_transport)
{
	struct two t = { "transport", { 1000, WAN(30000) }, { 300, WAN(3000) },
	    { 20, WAN(200) }, 0 };
	check_two(&t);
}

TEST(test_E10_warehousing)
{
	struct two t = { "warehousing", { 200, WAN(30000) }, { 100, WAN(1000) },
	    { 20, WAN(100) }, 0 };
	check_two(&t);
}

TEST(test_E10_postal)
{
	struct two t = { "postal", { 1000, WAN(30000) }, { 300, WAN(2000) },
	    { 20, WAN(100) }, 0 };
	check_two(&t);
}

TEST(test_E10_hotel)
{
	struct two t = { "hotel", { 300, WAN(10000) }, { 100, WAN(2000) },
	    { 10, WAN(100) }, 0 };
	check_two(&t);
}

TEST(test_E10_catering)
{
	struct two t = { "catering", { 300, WAN(10000) }, { 100, WAN(2000) },
	    { 10, WAN(100) }, 0 };
	check_two(&t);
}

TEST(test_E10_telecom)
{
	struct two t = { "telecom", { 2000, WAN(100000) }, { 100, WAN(1000) },
	    { 10, WAN(100) }, 0 };
	check_two(&t);
}

TEST(test_E10_software)
{
	struct two t = { "software", { 300, WAN(10000) }, { 100, WAN(1000) },
	    { 10, WAN(50) }, 0 };
	check_two(&t);
}

TEST(test_E10_real_estate_revenue_and_assets)
{
	struct two t = { "real_estate", { WAN(200000), WAN(10000) },
	    { WAN(1000), WAN(5000) }, { WAN(100), WAN(2000) }, 1 };
	check_two(&t);
}

TEST(test_E10_property)
{
	struct two t = { "property", { 1000, WAN(5000) }, { 300, WAN(1000) },
	    { 100, WAN(500) }, 0 };
	check_two(&t);
}

TEST(test_E10_leasing_employees_and_assets)
{
	struct two t = { "leasing", { 300, WAN(120000) }, { 100, WAN(8000) },
	    { 10, WAN(100) }, 2 };
	check_two(&t);
}

/* (十六) 其他未列明行业: employees only */
TEST(test_E10_other_employees_only)
{
	CHECK_EQ(cls("other", 300, 0, 0), LG);
	CHECK_EQ(cls("other", 299, 0, 0), MD);
	CHECK_EQ(cls("other", 100, 0, 0), MD);
	CHECK_EQ(cls("other", 99, 0, 0), SM);
	CHECK_EQ(cls("other", 10, 0, 0), SM);
	CHECK_EQ(cls("other", 9, WAN(1000000), WAN(1000000)), MI);
}

TEST(test_E10_sixteen_groups_with_their_codes)
{
	static const char *const codes[] = { "agriculture", "industry",
	    "construction", "wholesale", "retail", "transport", "warehousing",
	    "postal", "hotel", "catering", "telecom", "software",
	    "real_estate", "property", "leasing", "other" };

	CHECK_EQ(sizeof(codes) / sizeof(codes[0]), SIZE_INDUSTRY_COUNT);
	for (size_t i = 0; i < SIZE_INDUSTRY_COUNT; i++) {
		CHECK_STR(size_industries[i].code, codes[i]);
		CHECK(size_industry_find(codes[i]) == &size_industries[i]);
	}
	CHECK(size_industry_find("mining") == NULL);
	CHECK(size_industry_find(NULL) == NULL);
}

TEST(test_E10_basis_names_the_deciding_rule)
{
	struct size_result r;

	CHECK_EQ(size_classify("industry", 20, WAN(300), 0, &r), 0);
	CHECK_EQ(r.size, SM);
	CHECK_STR(r.basis, "工业：从业人员 20 人及以上且营业收入 300 万元及以上 → 小型");
	CHECK_EQ(size_classify("industry", 19, WAN(300), 0, &r), 0);
	CHECK_STR(r.basis, "工业：从业人员 20 人以下或营业收入 300 万元以下 → 微型");
	CHECK_EQ(size_classify("leasing", 300, 0, WAN(120000), &r), 0);
	CHECK_STR(r.basis, "租赁和商务服务业：从业人员 300 人及以上且资产总额 "
	    "120000 万元及以上 → 大型（不属于中小微企业）");
	CHECK_EQ(size_classify("agriculture", 0, WAN(500), 0, &r), 0);
	CHECK_STR(r.basis, "农、林、牧、渔业：营业收入 500 万元及以上 → 中型");
}

TEST(test_E10_refuses_unknown_industry_and_negative_figures)
{
	struct size_result r = { .size = RULE_SIZE_SMALL };

	CHECK_EQ(size_classify("mining", 1, 1, 1, &r), -1);
	CHECK_EQ(size_classify("industry", -1, 0, 0, &r), -1);
	CHECK_EQ(size_classify("industry", 0, -1, 0, &r), -1);
	CHECK_EQ(size_classify("industry", 0, 0, -1, &r), -1);
	CHECK_EQ(r.size, RULE_SIZE_SMALL);	/* untouched */
	/* huge figures do not overflow */
	CHECK_EQ(size_classify("industry", INT64_MAX, INT64_MAX, INT64_MAX, &r), 0);
	CHECK_EQ(r.size, LG);
}

TEST(test_E10_class_names)
{
	CHECK_STR(size_class_name_zh(RULE_SIZE_MICRO), "微型");
	CHECK_STR(size_class_name_zh(RULE_SIZE_LARGE), "大型");
	CHECK(size_class_name_zh(RULE_SIZE__MAX) == NULL);
}

int
main(void)
{
	RUN(test_E10_agriculture_revenue_only);
	RUN(test_E10_industry);
	RUN(test_E10_construction_revenue_and_assets);
	RUN(test_E10_wholesale);
	RUN(test_E10_retail);
	RUN(test_E10_transport);
	RUN(test_E10_warehousing);
	RUN(test_E10_postal);
	RUN(test_E10_hotel);
	RUN(test_E10_catering);
	RUN(test_E10_telecom);
	RUN(test_E10_software);
	RUN(test_E10_real_estate_revenue_and_assets);
	RUN(test_E10_property);
	RUN(test_E10_leasing_employees_and_assets);
	RUN(test_E10_other_employees_only);
	RUN(test_E10_sixteen_groups_with_their_codes);
	RUN(test_E10_basis_names_the_deciding_rule);
	RUN(test_E10_refuses_unknown_industry_and_negative_figures);
	RUN(test_E10_class_names);
	return check_done();
}
