/*
 * check.h - the unit-test harness: one behaviour per test, named after the
 * rule it checks. Each test binary prints "ok NAME" or "FAIL NAME: why" per
 * test and ends with the line "N passed, N failed"; tests/run.sh adds them up.
 *
 *   TEST(test_P3_voucher_price_at_exactly_80_percent) {
 *       CHECK(rule_voucher_price_ok(80, 100));
 *       CHECK_EQ(rule_unit_subsidy(100), 30);
 *   }
 *   int main(void) { RUN(test_P3_voucher_price_at_exactly_80_percent); return check_done(); }
 */
#ifndef VOUCHER_CHECK_H
#define VOUCHER_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed, check_current_failed;

#define TEST(name) static void name(void)

#define CHECK(cond) do {                                                   \
	if (!(cond)) {                                                     \
		printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		check_current_failed = 1;                                  \
	}                                                                  \
} while (0)

#define CHECK_EQ(a, b) do {                                                \
	long long check_a_ = (long long)(a), check_b_ = (long long)(b);    \
	if (check_a_ != check_b_) {                                        \
		printf("  %s:%d: %s == %lld, expected %s == %lld\n",       \
		    __FILE__, __LINE__, #a, check_a_, #b, check_b_);       \
		check_current_failed = 1;                                  \
	}                                                                  \
} while (0)

#define CHECK_STR(a, b) do {                                               \
	const char *check_a_ = (a), *check_b_ = (b);                       \
	if (check_a_ == NULL || check_b_ == NULL ?                         \
	    check_a_ != check_b_ : strcmp(check_a_, check_b_) != 0) {      \
		printf("  %s:%d: %s == \"%s\", expected \"%s\"\n",         \
		    __FILE__, __LINE__, #a, check_a_ ? check_a_ : "(null)",\
		    check_b_ ? check_b_ : "(null)");                       \
		check_current_failed = 1;                                  \
	}                                                                  \
} while (0)

#define RUN(name) do {                                                     \
	check_current_failed = 0;                                          \
	name();                                                            \
	if (check_current_failed) {                                        \
		check_failed++;                                            \
		printf("FAIL %s\n", #name);                                \
	} else {                                                           \
		check_passed++;                                            \
		printf("ok %s\n", #name);                                  \
	}                                                                  \
} while (0)

static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
