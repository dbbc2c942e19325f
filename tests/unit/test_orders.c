/*
 * test_orders.c - rule O10 as code: the names table, the one transition
 * table and who may make each step, the predicates, and the effective
 * status of O4/O6 at their boundaries.
 */
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "orders.h"
#include "rules.h"

TEST(test_O10_every_status_has_one_name_that_parses_back)
{
	for (int s = 0; s < ORDER__NSTATUS; s++) {
		CHECK(order_statuses[s] != NULL);
		CHECK_EQ(order_status_parse(order_statuses[s]), s);
		CHECK_STR(order_status_name((enum order_status)s),
		    order_statuses[s]);
	}
	CHECK(order_statuses[ORDER__NSTATUS] == NULL);
	CHECK_EQ(order_status_parse("draft"), -1);
	CHECK_EQ(order_status_parse(NULL), -1);
	CHECK_STR(order_status_name(ORDER__NSTATUS), "?");
}

TEST(test_O10_main_path_in_order_with_its_movers)
{
	CHECK(order_step_allowed(ORDER_PENDING, ORDER_ACCEPTED, "provider"));
	CHECK(!order_step_allowed(ORDER_PENDING, ORDER_ACCEPTED, "enterprise"));
	CHECK(order_step_allowed(ORDER_ACCEPTED, ORDER_CONTRACTED, "provider"));
	CHECK(order_step_allowed(ORDER_CONTRACTED, ORDER_SUBMITTED, "provider"));
	CHECK(order_step_allowed(ORDER_SUBMITTED, ORDER_APPROVED, "reviewer"));
	CHECK(!order_step_allowed(ORDER_SUBMITTED, ORDER_APPROVED, "provider"));
	CHECK(order_step_allowed(ORDER_APPROVED, ORDER_PUBLICIZED, "bureau"));
	CHECK(!order_step_allowed(ORDER_APPROVED, ORDER_PUBLICIZED, "reviewer"));
	CHECK(order_step_allowed(ORDER_PUBLICIZED, ORDER_PAID, "bureau"));
	/* no skipping a stage */
	CHECK(!order_step_allowed(ORDER_PENDING, ORDER_CONTRACTED, "provider"));
	CHECK(!order_step_allowed(ORDER_CONTRACTED, ORDER_APPROVED, "bureau"));
	CHECK(!order_step_allowed(ORDER_APPROVED, ORDER_PAID, "bureau"));
	/* and no way back */
	CHECK(!order_step_allowed(ORDER_ACCEPTED, ORDER_PENDING, "provider"));
	CHECK(!order_step_allowed(ORDER_PAID, ORDER_PUBLICIZED, "bureau"));
}

TEST(test_O10_side_exits_and_who_takes_them)
{
	/* O4/O5: cancelled by the enterprise, a decline, or the timeout */
	CHECK(order_step_allowed(ORDER_PENDING, ORDER_CANCELLED, "enterprise"));
	CHECK(order_step_allowed(ORDER_PENDING, ORDER_CANCELLED, "provider"));
	CHECK(order_step_allowed(ORDER_PENDING, ORDER_CANCELLED, "system"));
	CHECK(!order_step_allowed(ORDER_ACCEPTED, ORDER_CANCELLED, "enterprise"));
	/* O6: only the clock expires a voucher, only a running one */
	CHECK(order_step_allowed(ORDER_ACCEPTED, ORDER_EXPIRED, "system"));
	CHECK(order_step_allowed(ORDER_CONTRACTED, ORDER_EXPIRED, "system"));
	CHECK(!order_step_allowed(ORDER_CONTRACTED, ORDER_EXPIRED, "bureau"));
	CHECK(!order_step_allowed(ORDER_SUBMITTED, ORDER_EXPIRED, "system"));
	/* R4, R5: rejected by review, or withdrawn after an objection */
	CHECK(order_step_allowed(ORDER_SUBMITTED, ORDER_REJECTED, "reviewer"));
	CHECK(order_step_allowed(ORDER_PUBLICIZED, ORDER_REJECTED, "bureau"));
	/* R6: refunds after payment only */
	CHECK(order_step_allowed(ORDER_PAID, ORDER_REFUNDED, "provider"));
	CHECK(!order_step_allowed(ORDER_APPROVED, ORDER_REFUNDED, "provider"));
	/* V2: the bureau revokes every open order, nothing closed or paid */
	for (int s = ORDER_PENDING; s <= ORDER_PUBLICIZED; s++) {
		CHECK(order_step_allowed((enum order_status)s, ORDER_REVOKED,
		    "bureau"));
		CHECK(!order_step_allowed((enum order_status)s, ORDER_REVOKED,
		    "enterprise"));
	}
	CHECK(!order_step_allowed(ORDER_PAID, ORDER_REVOKED, "bureau"));
	CHECK(!order_step_allowed(ORDER_CANCELLED, ORDER_REVOKED, "bureau"));
	/* an unknown role moves nothing */
	CHECK(!order_step_allowed(ORDER_PENDING, ORDER_CANCELLED, "public"));
	CHECK(!order_step_allowed(ORDER_PENDING, ORDER_CANCELLED, NULL));
}

TEST(test_O10_closed_states_have_no_way_out_but_refunds)
{
	for (size_t i = 0; i < order_nsteps; i++) {
		CHECK(!order_is_closed(order_steps[i].from));
		CHECK(order_steps[i].who != 0);
		CHECK(order_steps[i].from != order_steps[i].to);
	}
	CHECK(order_is_closed(ORDER_CANCELLED));
	CHECK(order_is_closed(ORDER_REVOKED));
	CHECK(!order_is_closed(ORDER_PAID));
	CHECK(order_is_open(ORDER_PUBLICIZED));
	CHECK(!order_is_open(ORDER_PAID));
	CHECK(order_is_running(ORDER_ACCEPTED));
	CHECK(order_is_running(ORDER_CONTRACTED));
	CHECK(!order_is_running(ORDER_SUBMITTED));
	CHECK(order_is_pending(ORDER_PENDING));
}

TEST(test_R4_a_claim_returned_for_correction_goes_back_to_contracted)
{
	/* R4 as amended (退回补正): the office returns the claim, the order
	 * is the provider's again (and O6 expires it past valid-until) */
	CHECK(order_step_allowed(ORDER_SUBMITTED, ORDER_CONTRACTED, "reviewer"));
	CHECK(order_step_allowed(ORDER_SUBMITTED, ORDER_CONTRACTED, "bureau"));
	CHECK(!order_step_allowed(ORDER_SUBMITTED, ORDER_CONTRACTED,
	    "provider"));
	CHECK(!order_step_allowed(ORDER_SUBMITTED, ORDER_CONTRACTED,
	    "enterprise"));
	CHECK(!order_step_allowed(ORDER_APPROVED, ORDER_CONTRACTED, "reviewer"));
	CHECK(order_step_allowed(ORDER_CONTRACTED, ORDER_EXPIRED, "system"));
}

TEST(test_O4_O6_effective_status_at_the_boundary_instant)
{
	struct order_row o;

	memset(&o, 0, sizeof(o));
	o.status = ORDER_PENDING;
	o.accept_deadline = 1000;
	o.valid_until = 5000;
	CHECK_EQ(order_effective_status(&o, 999), ORDER_PENDING);
	CHECK_EQ(order_effective_status(&o, 1000), ORDER_CANCELLED);
	o.status = ORDER_CONTRACTED;
	CHECK_EQ(order_effective_status(&o, 4999), ORDER_CONTRACTED);
	CHECK_EQ(order_effective_status(&o, 5000), ORDER_EXPIRED);
	o.status = ORDER_SUBMITTED;
	CHECK_EQ(order_effective_status(&o, 9999), ORDER_SUBMITTED);
}

TEST(test_V2_barred_until_the_instant_it_ends)
{
	CHECK(!rule_barred_at(0, 123));		/* never barred */
	CHECK(rule_barred_at(2000, 1999));
	CHECK(!rule_barred_at(2000, 2000));	/* ends at that instant */
	CHECK(!rule_barred_at(2000, 2001));
}

int
main(void)
{
	RUN(test_O10_every_status_has_one_name_that_parses_back);
	RUN(test_O10_main_path_in_order_with_its_movers);
	RUN(test_O10_side_exits_and_who_takes_them);
	RUN(test_O10_closed_states_have_no_way_out_but_refunds);
	RUN(test_R4_a_claim_returned_for_correction_goes_back_to_contracted);
	RUN(test_O4_O6_effective_status_at_the_boundary_instant);
	RUN(test_V2_barred_until_the_instant_it_ends);
	return check_done();
}
