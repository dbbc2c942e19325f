/*
 * test_clocks.c - the stage clock of issue 16 (clocks.h) at its
 * boundaries: who must act and until when, for each O10 state of an
 * order, an application (A2, A6) and a certification (E9); and the
 * message kind of each order event (reminders.h).
 */
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "clocks.h"
#include "outbox.h"
#include "overdue_fold.h"
#include "reminders.h"

#define T0 1790000000L      /* some instant                              */
#define DAY 86400L

static struct stage_clock
order_now(const char *state, time_t confirmed, time_t now)
{
	struct clock_facts f = {
		.subject = CLOCK_ORDER, .state = state,
		.accept_deadline = T0 + 48 * 3600, .valid_until = T0 + 30 * DAY,
		.submitted_at = T0 + 10 * DAY, .confirmed_at = confirmed,
		.approved_at = T0 + 20 * DAY,
	};

	return stage_clock(&f, now);
}

static struct stage_clock
order_at(const char *state, time_t confirmed)
{
	return order_now(state, confirmed, T0 + DAY);
}

TEST(test_O4_pending_order_provider_until_48h)
{
	struct stage_clock c = order_at("pending", 0);

	CHECK(c.running);
	CHECK_STR(c.rule, "O4");
	CHECK_EQ(c.deadline, T0 + 48 * 3600);
	CHECK_EQ(c.who, WHO_PROVIDER);
}

TEST(test_O6_running_voucher_provider_until_valid_until)
{
	struct stage_clock a = order_at("accepted", 0);
	struct stage_clock c = order_at("contracted", T0 + DAY);

	CHECK_STR(a.rule, "O6");
	CHECK_EQ(a.deadline, T0 + 30 * DAY);
	CHECK_EQ(a.who, WHO_PROVIDER);
	CHECK_STR(c.rule, "O6");    /* confirmed early: still the provider's */
	CHECK_EQ(c.who, WHO_PROVIDER);
}

TEST(test_C2_submitted_unconfirmed_enterprise_for_15_days)
{
	struct stage_clock c = order_at("submitted", 0);

	CHECK_STR(c.rule, "C2");
	CHECK_EQ(c.deadline, T0 + 10 * DAY + 15 * DAY);
	CHECK_EQ(c.who, WHO_ENTERPRISE);
}

TEST(test_C2_R4_unconfirmed_claim_is_the_reviewers_after_15_days)
{
	time_t c2 = T0 + 10 * DAY + 15 * DAY;
	struct stage_clock before = order_now("submitted", 0, c2 - 1);
	struct stage_clock at = order_now("submitted", 0, c2);

	CHECK_EQ(before.who, WHO_ENTERPRISE);
	CHECK_STR(at.rule, "R4");
	CHECK_EQ(at.who, WHO_REVIEWER);
	CHECK_EQ(at.deadline, c2 + CLOCK_REVIEW_DAYS * DAY);
}

TEST(test_R4_submitted_confirmed_reviewer_from_the_later_instant)
{
	/* confirmed before submission: the review runs from the submission */
	struct stage_clock a = order_at("submitted", T0 + 5 * DAY);
	/* confirmed after it: from the confirmation */
	struct stage_clock b = order_at("submitted", T0 + 12 * DAY);

	CHECK_STR(a.rule, "R4");
	CHECK_EQ(a.who, WHO_REVIEWER);
	CHECK_EQ(a.deadline, T0 + 10 * DAY + CLOCK_REVIEW_DAYS * DAY);
	CHECK_EQ(b.deadline, T0 + 12 * DAY + CLOCK_REVIEW_DAYS * DAY);
}

TEST(test_R5_approved_and_publicized_are_the_bureaus)
{
	struct stage_clock a = order_at("approved", T0);
	struct stage_clock p = order_at("publicized", T0);

	CHECK_STR(a.rule, "R5");
	CHECK_EQ(a.who, WHO_BUREAU);
	CHECK_EQ(a.deadline, T0 + 20 * DAY + CLOCK_PUBLISH_DAYS * DAY);
	CHECK(p.running);
	CHECK_EQ(p.deadline, 0);
	CHECK_EQ(p.who, WHO_BUREAU);
}

TEST(test_O10_closed_and_paid_orders_have_no_clock)
{
	static const char *const done[] = { "paid", "cancelled", "expired",
	    "rejected", "refunded", "revoked" };

	for (size_t i = 0; i < sizeof(done) / sizeof(done[0]); i++)
		CHECK(!order_at(done[i], 0).running);
}

TEST(test_clock_json_seconds_left_at_and_past_the_deadline)
{
	struct stage_clock c = order_at("pending", 0);
	json_t *j = stage_clock_json(&c, c.deadline - 1), *k;

	CHECK_EQ(json_integer_value(json_object_get(j, "seconds_left")), 1);
	CHECK_STR(json_string_value(json_object_get(j, "who")), "provider");
	CHECK_STR(json_string_value(json_object_get(j, "deadline")),
	    "2026-09-23T14:13:20Z");
	json_decref(j);
	k = stage_clock_json(&c, c.deadline + 5);
	CHECK_EQ(json_integer_value(json_object_get(k, "seconds_left")), -5);
	json_decref(k);
	c = order_at("paid", 0);
	CHECK(json_is_null(stage_clock_json(&c, T0)));
}

TEST(test_A2_A6_application_clock)
{
	struct clock_facts f = { .subject = CLOCK_APPLICATION, .state = "draft",
	    .window_end = T0, .submitted_at = T0 - DAY };
	struct stage_clock c = stage_clock(&f, T0);

	CHECK_STR(c.rule, "A2");
	CHECK_EQ(c.deadline, T0);
	CHECK_EQ(c.who, WHO_PROVIDER);
	f.state = "pending";
	c = stage_clock(&f, T0);
	CHECK_EQ(c.who, WHO_REVIEWER);
	CHECK_EQ(c.deadline, T0 - DAY + CLOCK_APPLICATION_DAYS * DAY);
	f.opinion = true;
	CHECK_EQ(stage_clock(&f, T0).who, WHO_BUREAU);
	f.state = "approved";
	CHECK(!stage_clock(&f, T0).running);
}

TEST(test_E9_certification_clock)
{
	struct clock_facts f = { .subject = CLOCK_CERTIFICATION,
	    .state = "pending", .submitted_at = T0,
	    .applicant = WHO_ENTERPRISE };

	CHECK_EQ(stage_clock(&f, T0).who, WHO_REVIEWER);
	CHECK_EQ(stage_clock(&f, T0).deadline, T0 + CLOCK_CERTIFICATION_DAYS * DAY);
	f.state = "returned";
	CHECK_EQ(stage_clock(&f, T0).who, WHO_ENTERPRISE);
	f.state = "approved";
	CHECK(!stage_clock(&f, T0).running);
}

TEST(test_reminders_each_order_event_has_its_kind)
{
	CHECK_EQ(remind_event_kind(NULL, "pending", "enterprise"),
	    NOTIFY_ORDER_NEW);
	CHECK_EQ(remind_event_kind("pending", "accepted", "provider"),
	    NOTIFY_ORDER_ACCEPTED);
	CHECK_EQ(remind_event_kind("pending", "cancelled", "provider"),
	    NOTIFY_ORDER_DECLINED);
	/* O5 and the O4 timeout tell nobody */
	CHECK_EQ(remind_event_kind("pending", "cancelled", "enterprise"), -1);
	CHECK_EQ(remind_event_kind("pending", "cancelled", "system"), -1);
	CHECK_EQ(remind_event_kind("contracted", "submitted", "provider"),
	    NOTIFY_CONFIRM_REQUESTED);
	CHECK_EQ(remind_event_kind("submitted", "approved", "reviewer"),
	    NOTIFY_CLAIM_APPROVED);
	CHECK_EQ(remind_event_kind("submitted", "rejected", "reviewer"),
	    NOTIFY_CLAIM_REJECTED);
	CHECK_EQ(remind_event_kind("submitted", "contracted", "reviewer"),
	    NOTIFY_CLAIM_RETURNED);
	CHECK_EQ(remind_event_kind("approved", "publicized", "bureau"),
	    NOTIFY_PUBLICITY_STARTED);
	CHECK_EQ(remind_event_kind("publicized", "paid", "bureau"), NOTIFY_PAID);
	CHECK_EQ(remind_event_kind("accepted", "contracted", "provider"), -1);
	CHECK_EQ(remind_event_kind("accepted", "expired", "system"), -1);
	CHECK_EQ(remind_event_kind(NULL, NULL, NULL), -1);
}

TEST(test_reminders_deadline_warnings_cannot_be_turned_off)
{
	CHECK(!notify_kind_info(NOTIFY_ACCEPT_DUE)->optional);
	CHECK(!notify_kind_info(NOTIFY_VALIDITY_ENDING)->optional);
	CHECK(!notify_kind_info(NOTIFY_CONFIRM_REQUESTED)->optional);
	CHECK(notify_kind_info(NOTIFY_ORDER_NEW)->optional);
	for (int k = 0; k < NOTIFY__MAX; k++)
		CHECK_EQ(notify_kind_parse(
		    notify_kind_info((enum notify_kind)k)->name), k);
}

/* issue 13 (026): a stage is folded up to its cut's minute, one minute
 * back: a request whose clock is under a minute behind the sweeper's
 * finds its cut's minute not folded */
TEST(test_overdue_fold_upto_is_the_cuts_minute_one_minute_back)
{
	const time_t m = (time_t)1764590400;    /* 2025-12-01T12:00:00Z */

	CHECK_EQ(overdue_fold_upto(m), m - 60);
	CHECK_EQ(overdue_fold_upto(m + 1), m - 60);
	CHECK_EQ(overdue_fold_upto(m + 59), m - 60);
	CHECK_EQ(overdue_fold_upto(m + 60), m);
	CHECK_EQ(overdue_fold_upto(m - 1), m - 120);
	/* a request at m + 59 (cut's minute m) and a fold at m + 119: the
	 * fold stops at m, the request's minute stays on the rows' side */
	CHECK(overdue_fold_upto(m + 119) <= m);
}

int
main(void)
{
	RUN(test_O4_pending_order_provider_until_48h);
	RUN(test_O6_running_voucher_provider_until_valid_until);
	RUN(test_C2_submitted_unconfirmed_enterprise_for_15_days);
	RUN(test_C2_R4_unconfirmed_claim_is_the_reviewers_after_15_days);
	RUN(test_R4_submitted_confirmed_reviewer_from_the_later_instant);
	RUN(test_R5_approved_and_publicized_are_the_bureaus);
	RUN(test_O10_closed_and_paid_orders_have_no_clock);
	RUN(test_clock_json_seconds_left_at_and_past_the_deadline);
	RUN(test_A2_A6_application_clock);
	RUN(test_E9_certification_clock);
	RUN(test_reminders_each_order_event_has_its_kind);
	RUN(test_reminders_deadline_warnings_cannot_be_turned_off);
	RUN(test_overdue_fold_upto_is_the_cuts_minute_one_minute_back);
	return check_done();
}
