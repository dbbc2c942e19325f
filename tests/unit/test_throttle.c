/*
 * test_throttle.c - the limits of throttle.c as pure functions (rule E9,
 * issue 15): growing delays per login at their boundaries, forgotten
 * after a quiet day; the window of the codes unchanged; the hash gate's
 * slots and its bounded wait.
 */
#include <stdbool.h>
#include <time.h>

#include "check.h"
#include "hashgate.h"
#include "throttle.h"

TEST(test_E9_login_five_free_attempts_then_delays_double_to_fifteen_minutes)
{
	const struct throttle_limit *l = throttle_limit(THROTTLE_LOGIN);
	int want[] = { 0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512,
	    900, 900 };

	for (int h = 0; h < (int)(sizeof(want) / sizeof(want[0])); h++)
		CHECK_EQ(throttle_delay(l, h), want[h]);
	CHECK_EQ(throttle_delay(l, 1000), 900);
	CHECK_EQ(throttle_delay(l, 1 << 30), 900);
	CHECK_EQ(throttle_delay(throttle_limit(THROTTLE_DEVICE), 6), 2);
}

TEST(test_E9_login_delay_counts_from_the_last_attempt)
{
	const struct throttle_limit *l = throttle_limit(THROTTLE_LOGIN);
	time_t last = 1000000;
	int retry;

	CHECK(throttle_allows(l, last, 4, last, last, &retry));
	CHECK_EQ(retry, 0);
	CHECK(!throttle_allows(l, last, 5, last, last, &retry));
	CHECK_EQ(retry, 1);
	CHECK(throttle_allows(l, last, 5, last, last + 1, &retry));
	CHECK(!throttle_allows(l, last, 9, last, last + 15, &retry));
	CHECK_EQ(retry, 1);
	CHECK(throttle_allows(l, last, 9, last, last + 16, &retry));
	/* capped: never blocked longer than 15 minutes */
	CHECK(!throttle_allows(l, last, 500, last, last + 899, &retry));
	CHECK_EQ(retry, 1);
	CHECK(throttle_allows(l, last, 500, last, last + 900, &retry));
}

TEST(test_E9_code_window_unchanged)
{
	const struct throttle_limit *l = throttle_limit(THROTTLE_CODE);
	time_t w = 1000000;
	int retry;

	CHECK(!throttle_allows(l, w, 1, w, w + 59, &retry));
	CHECK_EQ(retry, 1);
	CHECK(throttle_allows(l, w, 9, w, w + 60, &retry));
	CHECK(!throttle_allows(l, w, 10, w, w + 3600, &retry));
	CHECK_EQ(retry, 86400 - 3600);
	CHECK(throttle_allows(l, w, 10, w, w + 86400, &retry));
}

TEST(test_hashgate_bounds_slots_and_waiters)
{
	CHECK(hashgate_enter());	/* before init: everyone (tools) */
	hashgate_leave();
	hashgate_init(1, 0, 10);
	CHECK(hashgate_enter());
	CHECK(!hashgate_enter());	/* no waiting room: busy at once */
	hashgate_leave();
	hashgate_init(1, 1, 20);
	CHECK(hashgate_enter());
	CHECK(!hashgate_enter());	/* waits 20 ms, nobody leaves */
	hashgate_leave();
	CHECK(hashgate_enter());
	hashgate_leave();
}

int
main(void)
{
	RUN(test_E9_login_five_free_attempts_then_delays_double_to_fifteen_minutes);
	RUN(test_E9_login_delay_counts_from_the_last_attempt);
	RUN(test_E9_code_window_unchanged);
	RUN(test_hashgate_bounds_slots_and_waiters);
	return check_done();
}
