/*
 * clocks.c - the stage clock (see clocks.h).
 */
#include <string.h>

#include "clock.h"
#include "clocks.h"

#define DAY 86400

static bool
is(const char *s, const char *v)
{
	return s != NULL && strcmp(s, v) == 0;
}

static struct stage_clock
running(const char *rule, const char *name, time_t deadline,
    enum clock_who who)
{
	return (struct stage_clock){ true, rule, name, deadline, who };
}

static struct stage_clock
order_clock(const struct clock_facts *f, time_t now)
{
	const char *s = f->state;

	if (is(s, "pending"))                                   /* O4 */
		return running("O4", "接单期限", f->accept_deadline,
		    WHO_PROVIDER);
	if (is(s, "accepted") || is(s, "contracted"))           /* O6, R1 */
		return running("O6", "服务券有效期（提交兑付申请）",
		    f->valid_until, WHO_PROVIDER);
	if (is(s, "submitted")) {
		time_t c2 = f->submitted_at + (time_t)CLOCK_CONFIRM_DAYS * DAY;
		time_t from;

		if (f->confirmed_at == 0 && f->submitted_at > 0 && now < c2)
			return running("C2", "企业确认服务完成", c2,  /* C2 */
			    WHO_ENTERPRISE);
		/* R4: decidable once confirmed, or unconfirmed once the C2
		 * days are over */
		if (f->confirmed_at == 0)
			from = f->submitted_at > 0 ? c2 : 0;
		else
			from = f->confirmed_at > f->submitted_at ?
			    f->confirmed_at : f->submitted_at;
		return running("R4", "兑付申请初审", from > 0 ?
		    from + (time_t)CLOCK_REVIEW_DAYS * DAY : 0, WHO_REVIEWER);
	}
	if (is(s, "approved"))                                  /* R5 */
		return running("R5", "纳入公示", f->approved_at > 0 ?
		    f->approved_at + (time_t)CLOCK_PUBLISH_DAYS * DAY : 0,
		    WHO_BUREAU);
	if (is(s, "publicized"))                                /* R5 */
		return running("R5", "公示期满后兑付", 0, WHO_BUREAU);
	return (struct stage_clock){ 0 };
}

struct stage_clock
stage_clock(const struct clock_facts *f, time_t now)
{
	const char *s = f->state;

	switch (f->subject) {
	case CLOCK_ORDER:
		return order_clock(f, now);
	case CLOCK_APPLICATION:
		if (is(s, "draft") || is(s, "returned"))        /* A2 */
			return running("A2", "申报截止", f->window_end,
			    WHO_PROVIDER);
		if (is(s, "pending"))                           /* A6 */
			return running("A6", f->opinion ? "审定" : "初审",
			    f->submitted_at > 0 ? f->submitted_at +
			    (time_t)CLOCK_APPLICATION_DAYS * DAY : 0,
			    f->opinion ? WHO_BUREAU : WHO_REVIEWER);
		break;
	case CLOCK_CERTIFICATION:
		if (is(s, "pending") || is(s, "submitted"))     /* E9 */
			return running("E9", "认证审核", f->submitted_at > 0 ?
			    f->submitted_at +
			    (time_t)CLOCK_CERTIFICATION_DAYS * DAY : 0,
			    WHO_REVIEWER);
		if (is(s, "draft") || is(s, "returned"))
			return running("E9", "提交认证材料", 0, f->applicant);
		break;
	}
	return (struct stage_clock){ 0 };
}

const char *
clock_who_name(enum clock_who who)
{
	static const char *const names[WHO__MAX] = {
		[WHO_NONE] = NULL,
		[WHO_ENTERPRISE] = "enterprise",
		[WHO_PROVIDER] = "provider",
		[WHO_REVIEWER] = "reviewer",
		[WHO_BUREAU] = "bureau",
	};

	return (unsigned)who < WHO__MAX ? names[who] : NULL;
}

json_t *
stage_clock_json(const struct stage_clock *c, time_t now)
{
	char at[21];

	if (!c->running)
		return json_null();
	if (c->deadline > 0)
		clock_format_iso8601(c->deadline, at);
	return json_pack("{s:s,s:s,s:s?,s:o,s:s?}", "rule", c->rule, "name",
	    c->name, "deadline", c->deadline > 0 ? at : NULL, "seconds_left",
	    c->deadline > 0 ? json_integer((json_int_t)(c->deadline - now)) :
	    json_null(), "who", clock_who_name(c->who));
}

void
stage_clock_set(json_t *obj, const struct clock_facts *f, time_t now)
{
	struct stage_clock c = stage_clock(f, now);
	json_t *j = stage_clock_json(&c, now);

	json_object_set(obj, "deadline", c.running && c.deadline > 0 ?
	    json_object_get(j, "deadline") : json_null());
	json_object_set_new(obj, "clock", j);
}
